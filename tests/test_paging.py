"""Long lists page by page: how paging.py cuts them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault_tool import paging


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    monkeypatch.setattr(paging, "BOARD_CARDS", 2)
    monkeypatch.setattr(paging, "OWNERS_PER_PAGE", 2)


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
