"""The dashboard's pages, checked by structure, not by eye; and its safety with hostile notes."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from conftest import make_vault as write

from vault_tool.build import build_site
from vault_tool.markdown import is_safe_url, render
from vault_tool.vault import load_vault

TODAY = date(2026, 11, 23)


class Scan(HTMLParser):
    """Every element with its attributes, and the text of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def scan(path: Path) -> Scan:
    parser = Scan()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def build(root: Path, locale: str = "en") -> Path:
    vault = load_vault(root, TODAY)
    out = root / "site"
    build_site(vault, out, TODAY, root)
    return out


PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)>",
    "</title><script>alert(1)</script>",
    "{{ 7*7 }}",
]

HOSTILE = """---
name: "<script>alert('name')</script>"
status: active
owner: "<img src=x onerror=alert(1)>"
tags: ["\\"><svg onload=alert(1)>", "</title><script>alert(1)</script>"]
industry: "'><iframe src=javascript:alert(1)>"
follow_up: "<a href=javascript:alert(1)>x</a>"
next_follow_up: 2026-11-20
contacts:
  - name: "<b onmouseover=alert(1)>x</b>"
    email: "\\"><script>alert(1)</script>@x.com"
    phone: "javascript:alert(1)"
    wechat: "<script>alert(1)</script>"
    note: "<svg/onload=alert(1)>"
deals:
  - title: "<script>alert(1)</script>"
    stage: proposal
---
<script>alert("body")</script>
<img src=x onerror=alert(1)>

[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[tab](java\tscript:alert(1)) [vb](vbscript:msgbox(1)) <javascript:alert(1)>
[ok](https://example.com) ![img](https://tracker.example/pixel.png)

# {{ 7*7 }} heading

## Log
- 2026-11-02 call: <script>alert('log')</script> [x](javascript:alert(1))
"""


def test_hostile_note_never_executes(tmp_path: Path) -> None:
    root = write(tmp_path / "v", {"customers/evil.md": HOSTILE,
                                  "customers/<script>.md": "---\nname: x\n---\n"})
    out = build(root)
    pages = [p for p in out.rglob("*.html")]
    assert len(pages) == 10  # every page type, and both customers
    for page in pages:
        parsed = scan(page)
        scripts = [a.get("src") or "" for a in parsed.find("script")]
        assert all(src.endswith(("assets/app.js", "data/customers.js")) for src in scripts), scripts
        assert parsed.find("iframe") == [] and parsed.find("img") == []
        assert all((a.get("class") or "").startswith("chart") for a in parsed.find("svg"))  # ours
        for tag, attrs in parsed.elements:
            assert not [k for k in attrs if k.startswith("on")], (page, tag, attrs)
            for key in ("href", "src", "action", "formaction"):
                value = attrs.get(key)
                if value is not None:
                    assert is_safe_url(value), (page, tag, value)
                    assert not value.lower().startswith(("javascript:", "data:", "vbscript:")), value
        assert "49" not in "".join(parsed.text), page  # no template evaluation of note text


def table_data(out: Path) -> dict[str, object]:
    text = (out / "data" / "customers.js").read_text(encoding="utf-8")
    prefix = "window.VAULT_CUSTOMERS = "
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix):-2])  # type: ignore[no-any-return]


def test_table_data_cannot_end_a_script(tmp_path: Path) -> None:
    out = build(write(tmp_path / "v", {"customers/evil.md": HOSTILE}))
    raw = (out / "data" / "customers.js").read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw and "\u2028" not in raw
    rows = table_data(out)["rows"]
    assert rows[0][1] == "<script>alert('name')</script>"  # kept as data, escaped as \u003c


def test_raw_html_in_notes_is_shown_as_text(tmp_path: Path) -> None:
    out = build(write(tmp_path / "v", {"customers/evil.md": HOSTILE}))
    text = "".join(scan(out / "customers" / "evil.html").text)
    assert '<script>alert("body")</script>' in text
    assert "<script>alert('name')</script>" in text


def test_safe_url_allow_list() -> None:
    assert is_safe_url("https://example.com") and is_safe_url("mailto:a@b.c")
    assert is_safe_url("tel:+8613800138000") and is_safe_url("../index.html")
    for bad in ("javascript:alert(1)", "JaVaScRiPt:x", "java\tscript:x", " javascript:x",
                "data:text/html,x", "vbscript:x", "file:///etc/passwd", "\x01javascript:x"):
        assert not is_safe_url(bad), bad


def test_markdown_headings_move_below_the_page_headings() -> None:
    assert render("# A\n## B\n###### C") == "<h3>A</h3>\n<h4>B</h4>\n<h6>C</h6>\n"


NOTE = """---
name: Acme Ltd
status: active
owner: alice
tags: [vip, tea]
next_follow_up: 2026-11-20
follow_up: send the quote
contacts:
  - name: Bob Li
    role: buyer
    email: bob@example.com
    phone: "+86 138 0013 8000"
deals:
  - title: 2027 supply
    stage: negotiation
    value: 180000
    probability: 0.5
purchases:
  - date: 2026-03-10
    amount: 42000.5
    product: tea
---
Some **notes**.

## Log
- 2026-11-02 call: asked for a quote
- 2026-10-01 visit: saw the shop
"""


def test_customer_page_structure(tmp_path: Path) -> None:
    root = write(tmp_path / "v", {"vault.yml": "currency: CNY\n", "customers/acme.md": NOTE})
    page = scan(build(root) / "customers" / "acme.html")
    assert page.find("a", href="tel:+8613800138000")
    assert page.find("a", href="mailto:bob@example.com")
    assert [a["datetime"] for a in page.find("time")] == ["2026-11-02", "2026-10-01"]
    text = " ".join("".join(page.text).split())
    assert "180,000 CNY" in text and "50%" in text and "42,000.50 CNY" in text
    assert "send the quote" in text and "2026-11-20" in text
    assert page.find("main", id="main") and page.find("nav")
    assert page.find("link", rel="stylesheet", href="../assets/style.css")
    assert page.find("strong")  # the rendered notes


def test_index_links_every_customer_and_shows_follow_up_state(tmp_path: Path) -> None:
    root = write(tmp_path / "v", {"customers/acme.md": NOTE,
                                  "customers/cn/上海华联.md": "---\nname: 上海华联\n---\n"})
    data = table_data(build(root))
    columns = data["columns"]
    rows = [dict(zip(columns, row, strict=True)) for row in data["rows"]]  # type: ignore[call-overload]
    assert [r["href"] for r in rows] == ["customers/acme.html",
                                         "customers/%E4%B8%8A%E6%B5%B7%E5%8D%8E%E8%81%94.html"]
    assert [(r["due"], r["due_state"], r["last_contact"]) for r in rows] == [
        ("2026-11-20", "overdue", "2026-11-02"), ("", "none", "")]
    assert "bob@example.com" in rows[0]["search"] and "vip" in rows[0]["search"]


def test_follow_ups_page_groups(tmp_path: Path) -> None:
    root = write(tmp_path / "v", {
        "customers/late.md": "---\nname: Late\nnext_follow_up: 2026-11-01\n---\n",
        "customers/now.md": "---\nname: Now\nnext_follow_up: 2026-11-23\n---\n",
        "customers/none.md": "---\nname: None\nstatus: lead\n---\n",
    })
    html = (build(root) / "follow-ups.html").read_text(encoding="utf-8")
    sections = dict(re.findall(r'<section id="([a-z-]+)".*?</section>', html, re.S) and
                    [(m.group(1), m.group(0)) for m in
                     re.finditer(r'<section id="([a-z-]+)".*?</section>', html, re.S)])
    assert list(sections) == ["overdue", "today", "week", "later", "no-plan", "going-cold"]
    assert "Late" in sections["overdue"] and "Now" not in sections["overdue"]
    assert "Now" in sections["today"]
    assert "None" in sections["no-plan"]


def test_problems_page_lists_broken_files_and_nav_counts_errors(tmp_path: Path) -> None:
    root = write(tmp_path / "v", {"customers/good.md": "---\nname: Good\n---\n",
                                  "customers/bad.md": "---\nname: [\n---\n"})
    out = build(root)
    problems = (out / "problems.html").read_text(encoding="utf-8")
    assert "customers/bad.md:2:7" in problems and "yaml-syntax" in problems
    nav = scan(out / "index.html")
    assert nav.find("span", **{"class": "badge badge-error"})
    assert not (out / "customers" / "bad.html").exists()
    assert (out / "customers" / "good.html").exists()


def test_chinese_locale_has_no_english_ui_words(tmp_path: Path) -> None:
    note = NOTE.replace("## Log", "## 沟通记录")  # the note's own words are the user's
    root = write(tmp_path / "v", {"vault.yml": "locale: zh\nlog_heading: 沟通记录\n",
                                  "customers/acme.md": note})
    out = build(root)
    for name in ("index.html", "follow-ups.html", "problems.html", "customers/acme.html"):
        text = "".join(scan(out / name).text)
        for english in ("Customers", "Follow-ups", "Problems", "Overdue", "Next follow-up",
                        "Last contact", "Owner", "Contacts", "Deals", "Log"):
            assert english not in text, (name, english)
    assert "客户" in (out / "index.html").read_text(encoding="utf-8")
    assert "沟通记录" in (out / "customers" / "acme.html").read_text(encoding="utf-8")


ZH_VAULT = {
    "vault.yml": ("name: 华联贸易\nlocale: zh\ncurrency: CNY\nowners: [王芳, 李雷]\n"
                  "log_heading: 沟通记录\ndefault_cadence: {active: 1m, lead: 2w}\n"
                  "fields:\n  等级: {type: enum, values: [甲, 乙]}\n"),
    "customers/上海华联.md": """---
name: 上海华联超市
status: active
owner: 王芳
tags: [零售, 重点]
industry: 超市
region: 华东
source: 展会
等级: 甲
next_follow_up: 2026-11-20
follow_up: 寄样品
contacts:
  - name: 张伟
    role: 采购经理
    phone: "13800138000"
    wechat: "13800138000"
deals:
  - title: 年度供货
    stage: negotiation
    value: 180000
    expected_close: 2026-12-15
  - title: 礼盒
    stage: won
    value: 42000
    closed: 2026-11-10
purchases:
  - date: 2026-03-10
    amount: 42000
    product: 礼盒
  - date: 2025-09-10
    amount: 12000
    product: 茶叶
---
备注：价格敏感。

## 沟通记录
- 2026-11-12 微信：确认报价
- 2026-08-01 拜访：看门店
""",
    "customers/杭州绿叶.md": "---\nname: 杭州绿叶\nstatus: lead\nowner: 李雷\ncreated: 2026-11-01\n---\n",
    "customers/坏文件.md": "---\nname: 坏\nstatus: 活跃\n---\n",
}
# Words that may stay Latin in a Chinese dashboard: codes, units and file types.
LATIN_OK = {"CNY", "RFM", "vault-tool", "ics", "customers.csv", "customers.json", "Excel", "JavaScript", "k"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class VisibleText(HTMLParser):
    """Text a reader sees or hears (text, alt, aria-label, placeholder, title), outside <code>
    and outside problem messages, which quote the YAML keys and declared values to type."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag in ("code", "script", "style") or ("class", "msg") in attrs)
            self.skip += self.stack[-1]
        for name, value in attrs:
            if name in ("aria-label", "placeholder", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        self.skip -= self.stack.pop() if self.stack else 0

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def test_every_page_in_chinese_has_no_untranslated_word(tmp_path: Path) -> None:
    out = build(write(tmp_path / "v", ZH_VAULT))
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 11  # 8 pages and 3 customers (the broken status still shows)
    for page in pages:
        parser = VisibleText()
        parser.feed(page.read_text(encoding="utf-8"))
        words = set(re.findall(r"[A-Za-z][A-Za-z.\-]+", " ".join(parser.parts)))
        assert words <= LATIN_OK, (page.name, sorted(words - LATIN_OK))
