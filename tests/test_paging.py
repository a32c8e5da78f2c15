"""Long lists page by page: the cutting (paging.py), and the dashboard pages built with it.

The page sizes are lowered with monkeypatch, so a vault of 16 customers has lists of several
pages; the last test shows that no page grows with the vault, only the number of pages.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import TODAY, long_lists_vault
from hypothesis import given
from hypothesis import strategies as st
from test_render import LATIN_OK, VisibleText

from vault_tool import paging
from vault_tool.build import build_site
from vault_tool.render import render_site
from vault_tool.vault import load_vault

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    monkeypatch.setattr(paging, "BOARD_CARDS", 2)
    monkeypatch.setattr(paging, "OWNERS_PER_PAGE", 2)


def build(tmp_path: Path, locale: str = "en", count: int = 16, broken: int = 4) -> Path:
    root = long_lists_vault(tmp_path / "v", count=count, broken=broken, locale=locale)
    out = tmp_path / "site"
    build_site(load_vault(root, TODAY), out, TODAY, root)
    return out


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def names(html: str, word: str = "Customer") -> list[str]:
    """The customers linked in the page's main part, in order."""
    main = html.split('<main id="main">')[1]
    return re.findall(rf'customers/c\d+\.html">({word} \d+)</a>', main)


def numbered(folder: Path, stem: str) -> list[Path]:
    """`stem-1.html`, `stem-2.html`, … in page order (not in the order of their names)."""
    pages = folder.glob(f"{stem}-*.html")
    found = [(int(m.group(1)), p) for p in pages if (m := re.fullmatch(rf"{stem}-(\d+)\.html", p.name))]
    return [p for _, p in sorted(found)]


def section(html: str, ident: str) -> str:
    return re.search(rf'<section id="{ident}".*?</section>', html, re.S).group(0)  # type: ignore[union-attr]


# --- cutting lists ------------------------------------------------------------------------------


@given(total=st.integers(0, 60), size=st.integers(1, 9))
def test_split_puts_every_row_on_exactly_one_page(total: int, size: int) -> None:
    rows = list(range(total))
    pages = paging.split(rows, "x/list", size=size)
    paths = [p.path for p in pages]
    assert [r for p in pages for r in p.rows] == rows
    assert paths == [f"x/list-{n}.html" for n in range(1, max(1, -(-total // size)) + 1)]
    for n, page in enumerate(pages, 1):
        pager = page.pager
        assert (pager.number, pager.count, pager.total) == (n, len(pages), total)
        assert (pager.first, pager.last) == ((page.rows[0] + 1, page.rows[-1] + 1) if page.rows else (0, 0))
        assert pager.previous == (paths[n - 2] if n > 1 else None)
        assert pager.next == (paths[n] if n < len(pages) else None)
        assert {link.href for link in pager.links if link.href} <= set(paths) - {page.path}
        assert [link.number for link in pager.links if link.number and not link.href] == [n]


def test_a_page_that_is_a_list_is_its_own_first_page() -> None:
    pages = paging.split(list(range(7)), "problems", first="problems.html", size=3)
    assert [p.path for p in pages] == ["problems.html", "problems-2.html", "problems-3.html"]
    assert pages[1].pager.previous == "problems.html"


def test_page_links_stay_few_however_long_the_list() -> None:
    pages = {n: f"l-{n}.html" for n in range(1, 1001)}
    links = paging.page_links(500, 1000, pages)
    assert [link.number for link in links] == [1, None, 498, 499, 500, 501, 502, None, 1000]
    assert [link.number for link in paging.page_links(2, 4, pages)] == [1, 2, 3, 4]


def test_file_names_made_from_words_are_distinct_and_safe() -> None:
    assert paging.unique_slugs(["Bob Smith", "bob-smith", "王芳", "a/b", "..", "bob-smith-2"]) == {
        "Bob Smith": "bob-smith", "bob-smith": "bob-smith-2", "王芳": "王芳", "a/b": "a-b", "..": "x",
        "bob-smith-2": "bob-smith-2-2"}
    assert paging.href("follow-ups/owner-王芳-2.html#h") == "follow-ups/owner-%E7%8E%8B%E8%8A%B3-2.html#h"


def test_first_part_is_page_one_and_short_lists_get_no_pages(small_pages: None) -> None:
    long = paging.LongList("x/l", "L", "due_table", "follow-ups.html", "F", "follow_ups", tuple(range(7)))
    part = paging.first_part(long)
    assert (part.rows, part.total, part.href) == ((0, 1, 2), 7, "x/l-1.html")
    assert part.pager == paging.list_pages(long)[0].pager
    short = paging.LongList("x/s", "S", "due_table", "follow-ups.html", "F", "follow_ups", (1, 2, 3))
    assert paging.list_pages(short) == []
    assert paging.first_part(short) == paging.Part((1, 2, 3), 3, None, None)
    board = paging.LongList("x/b", "B", "deal_table", "pipeline.html", "P", "pipeline", (5, 4, 3), shown=2)
    assert paging.first_part(board) == paging.Part((5, 4), 3, None, "x/b-1.html")


# --- the dashboard ----------------------------------------------------------------------------


def test_overdue_list_is_cut_into_pages_with_every_customer_once(small_pages: None, tmp_path: Path) -> None:
    out = build(tmp_path)
    pages = numbered(out / "follow-ups", "overdue")
    assert [p.name for p in pages] == [f"overdue-{n}.html" for n in range(1, 7)]
    assert [n for p in pages for n in names(text(p))] == [f"Customer {i:02d}" for i in range(1, 17)]
    second = text(pages[1])
    assert "Showing 4–6 of 16" in second and '<span class="count">16</span>' in second
    assert 'href="../follow-ups/overdue-1.html" rel="prev"' in second
    assert 'href="../follow-ups/overdue-3.html" rel="next"' in second
    assert '<a href="../follow-ups.html#overdue">Follow-ups</a>' in second
    overdue = section(text(out / "follow-ups.html"), "overdue")
    assert names(f'<main id="main">{overdue}') == ["Customer 01", "Customer 02", "Customer 03"]
    assert '<span class="count">16</span>' in overdue and "Showing 1–3 of 16" in overdue
    assert 'href="follow-ups/overdue-2.html" rel="next"' in overdue


def test_board_shows_the_biggest_deals_and_sums_them_all(small_pages: None, tmp_path: Path) -> None:
    out = build(tmp_path)
    html = text(out / "pipeline.html")
    proposal = next(c for c in html.split('<section class="stage-col"') if "stage-proposal" in c)
    # 11 deals (every customer whose number is not a multiple of 3), 1,000 per number
    assert re.findall(r'deal-title">([^<]+)<', proposal) == ["Deal 14", "Deal 16"]  # soonest close first
    assert "<strong>91,000</strong> · deals: 11" in proposal
    assert '<a href="pipeline/stage-proposal-1.html">9 more deals</a>' in proposal
    assert "<strong>136,000 CNY</strong><span class=\"muted\">deals: 16</span>" in html
    stage = [re.findall(r'<td data-label="Deal">([^<]+)<', text(p))
             for p in numbered(out / "pipeline", "stage-proposal")]
    assert stage == [["Deal 16", "Deal 14", "Deal 13"], ["Deal 11", "Deal 10", "Deal 08"],
                     ["Deal 07", "Deal 05", "Deal 04"], ["Deal 02", "Deal 01"]]


def test_problems_owners_and_owner_groups_page_themselves(small_pages: None, tmp_path: Path) -> None:
    out = build(tmp_path)
    problems = text(out / "problems.html") + text(out / "problems-2.html")
    assert sorted(re.findall(r"<code>(customers/broken\d\.md):", problems)) == [
        f"customers/broken{i}.md" for i in range(1, 5)]
    assert not (out / "problems-3.html").exists()
    owners = [re.findall(r"<strong>([^<]+)</strong>", text(out / name))
              for name in ("owners.html", "owners-2.html")]
    assert owners == [["alice", "bob", "王芳"], []]  # the 4th owner is "no owner", on page 2
    assert "(no owner)" in text(out / "owners-2.html")
    groups = [re.findall(r'<h2 id="h-owner-\d">([^<]+) <', text(out / name))
              for name in ("follow-ups-by-owner.html", "follow-ups-by-owner-2.html")]
    assert groups == [["alice", "bob"], ["王芳", "(no owner)"]]
    assert "Owners 3–4 of 4" in text(out / "follow-ups-by-owner-2.html")
    wang = numbered(out / "follow-ups", "owner-王芳")
    assert [n for p in wang for n in names(text(p))] == [
        "Customer 02", "Customer 06", "Customer 10", "Customer 14"]
    assert '<a href="../follow-ups-by-owner-2.html#h-owner-1">Follow-ups by owner</a>' in text(wang[0])


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.ids.update([found["id"]] if found.get("id") else [])
        link = found.get("href") if tag in ("a", "link") else found.get("src") if tag == "script" else None
        if link:
            self.links.append(link)


def scan(page: Path) -> Links:
    parser = Links()
    parser.feed(text(page))
    return parser


def test_every_link_of_the_paged_site_leads_to_a_page_and_section(small_pages: None, tmp_path: Path) -> None:
    out = build(tmp_path)
    pages = {p: scan(p) for p in out.rglob("*.html")}
    checked = 0
    for page, found in pages.items():
        for link in found.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file() and out.resolve() in target.parents, (page.relative_to(out), link)
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in pages[target].ids, (page.relative_to(out), link)
            checked += 1
    assert checked > 1000
    assert len(list((out / "follow-ups").glob("*.html"))) > 10


def test_chinese_pages_speak_chinese(small_pages: None, tmp_path: Path) -> None:
    out = build(tmp_path, locale="zh")
    follow = text(out / "follow-ups.html")
    assert "第 1–3 条，共 16 条" in follow and "下一页" in follow
    second = text(out / "follow-ups" / "overdue-2.html")
    assert "第 4–6 条，共 16 条" in second and "上一页" in second and "第 2 页" in second
    assert "另有 9 个商机" in text(out / "pipeline.html")
    for page in [*out.glob("*.html"), *out.glob("*/*-*.html")]:
        parser = VisibleText()
        parser.feed(text(page))
        words = set(re.findall(r"[A-Za-z][A-Za-z.\-]+", " ".join(parser.parts)))
        assert words <= LATIN_OK, (page.name, sorted(words - LATIN_OK))


def test_a_list_without_a_second_page_shows_no_pager(small_pages: None, tmp_path: Path) -> None:
    out = build(tmp_path, count=3, broken=3)
    assert not (out / "follow-ups").exists() and not (out / "problems-2.html").exists()
    html = text(out / "follow-ups.html")
    assert 'class="pager"' not in html and names(html) == ["Customer 01", "Customer 02", "Customer 03"]


# --- no page grows with the vault ---------------------------------------------------------------


def generated(root: Path, count: int) -> Path:
    spec = importlib.util.spec_from_file_location("generate", BENCHMARKS / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: Path = module.generate(root, count)
    return result


def summary_sizes(root: Path, today: date) -> dict[str, int]:
    """Every HTML page but the customers' own, by path, with its size in bytes."""
    return {p.path: len(p.content) for p in render_site(load_vault(root, today), today)
            if p.path.endswith(".html") and not p.path.startswith("customers/")}


def test_pages_stay_the_same_size_when_the_vault_doubles(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 10)
    monkeypatch.setattr(paging, "BOARD_CARDS", 5)
    monkeypatch.setattr(paging, "OWNERS_PER_PAGE", 2)
    small = summary_sizes(generated(tmp_path / "small", 300), TODAY)
    big = summary_sizes(generated(tmp_path / "big", 600), TODAY)
    # Twice the customers: the rows are all still there (about twice the bytes in all) ...
    assert sum(big.values()) > 1.8 * sum(small.values())
    assert len(big) > 1.8 * len(small)
    # ... on twice as many pages, while the biggest page stays the same size. Without pages,
    # follow-ups.html, pipeline.html and value.html would double.
    assert max(big.values()) < 1.1 * max(small.values())
    for name in ("follow-ups.html", "pipeline.html", "value.html", "follow-ups-by-owner.html"):
        assert big[name] < 1.1 * small[name], name
    assert max(big.values()) < 30_000 * paging.PAGE_SIZE
