"""A log entry goes where the person who keeps the log would put it; nothing else changes."""

from __future__ import annotations

import difflib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tool.edit import EditRefused, split_lines
from vault_tool.logedit import add_log_entry
from vault_tool.model import Settings
from vault_tool.parse import parse_note
from vault_tool.validate import build_customer

TODAY = date(2026, 11, 23)
SETTINGS = Settings(log_headings=("Log", "沟通记录"),
                    channel_aliases=(("电话", "call"), ("微信", "wechat")))
BOM = "\ufeff"


def add(text: str, when: date = TODAY, channel: str = "call", entry: str = "asked for a quote") -> str:
    return add_log_entry(text, when, channel, entry, SETTINGS)


def test_newest_first_goes_on_top() -> None:
    text = "---\nname: A\n---\n## Log\n- 2026-11-02 call: a\n- 2026-10-01 call: b\n"
    assert add(text) == ("---\nname: A\n---\n## Log\n- 2026-11-23 call: asked for a quote\n"
                         "- 2026-11-02 call: a\n- 2026-10-01 call: b\n")


def test_oldest_first_goes_at_the_bottom_of_its_list() -> None:
    text = "---\nname: A\n---\n## Log\n* 2026-10-01 call: b\n* 2026-11-02 call: a\n\n## Other\ntext\n"
    assert add(text) == ("---\nname: A\n---\n## Log\n* 2026-10-01 call: b\n* 2026-11-02 call: a\n"
                         "* 2026-11-23 call: asked for a quote\n\n## Other\ntext\n")


def test_an_earlier_date_is_placed_by_date() -> None:
    text = "---\nname: A\n---\n## Log\n- 2026-11-02 call: a\n- 2026-10-01 call: b\n"
    new = add(text, date(2026, 10, 15))
    assert new.endswith("- 2026-11-02 call: a\n- 2026-10-15 call: asked for a quote\n- 2026-10-01 call: b\n")
    old_first = "---\nname: A\n---\n## Log\n- 2026-10-01 call: b\n- 2026-11-02 call: a\n"
    assert add(old_first, date(2026, 10, 15)).endswith(
        "- 2026-10-01 call: b\n- 2026-10-15 call: asked for a quote\n- 2026-11-02 call: a\n")
    assert add(text, date(2026, 9, 1)).endswith(
        "- 2026-10-01 call: b\n- 2026-09-01 call: asked for a quote\n")


def test_a_loose_list_stays_loose_and_markers_are_copied() -> None:
    text = "---\nname: A\n---\n## Log\n\n1.  2026-11-02 call: a\n\n2.  2026-10-01 call: b\n"
    assert add(text) == ("---\nname: A\n---\n## Log\n\n1.  2026-11-23 call: asked for a quote\n\n"
                         "1.  2026-11-02 call: a\n\n2.  2026-10-01 call: b\n")


def test_undated_and_nested_items_are_left_where_they_are() -> None:
    text = ("---\nname: A\n---\n## Log\n- Bob will call back\n- 2026-11-01 call: old\n"
            "  - nested 2026-12-01 note\n\nText after.\n")
    assert add(text, date(2026, 11, 2), entry="") == (
        "---\nname: A\n---\n## Log\n- Bob will call back\n- 2026-11-02 call:\n- 2026-11-01 call: old\n"
        "  - nested 2026-12-01 note\n\nText after.\n")


def test_a_note_without_a_log_heading_gets_one_at_the_end() -> None:
    assert add("---\nname: A\n---\nSome notes.\n") == (
        "---\nname: A\n---\nSome notes.\n\n## Log\n\n- 2026-11-23 call: asked for a quote\n")
    assert add("---\nname: A\n---\nSome notes.\n\n") == (
        "---\nname: A\n---\nSome notes.\n\n## Log\n\n- 2026-11-23 call: asked for a quote\n")


def test_no_final_newline_stays_so() -> None:
    assert add("---\nname: A\n---") == "---\nname: A\n---\n\n## Log\n\n- 2026-11-23 call: asked for a quote"
    text = "---\nname: A\n---\n## Log\n- 2026-10-01 call: b\n- 2026-11-02 call: a"
    assert add(text) == text + "\n- 2026-11-23 call: asked for a quote"


def test_crlf_bom_and_chinese() -> None:
    text = (BOM + "---\r\nname: 上海华联\r\n---\r\n## 沟通记录\r\n"
            "- 2026-11-18 微信：确认\r\n- 2026-11-05 电话: 送样品\r\n")
    assert add(text, channel="电话", entry="问报价") == (
        BOM + "---\r\nname: 上海华联\r\n---\r\n## 沟通记录\r\n- 2026-11-23 电话: 问报价\r\n"
        "- 2026-11-18 微信：确认\r\n- 2026-11-05 电话: 送样品\r\n")


def test_an_empty_section_gets_the_entry_after_its_text() -> None:
    text = "---\nname: A\n---\n## 沟通记录\nNothing yet.\n## Next\n"
    assert add(text) == ("---\nname: A\n---\n## 沟通记录\nNothing yet.\n\n"
                         "- 2026-11-23 call: asked for a quote\n\n## Next\n")
    assert add("---\nname: A\n---\n\n## Log\n") == (
        "---\nname: A\n---\n\n## Log\n\n- 2026-11-23 call: asked for a quote\n")


def test_only_the_first_log_section_gets_the_entry() -> None:
    text = "---\nname: A\n---\n# Log\n- 2026-11-02 call: a\n### 2025\n- 2025-01-01 call: old\n# Log\n- x\n"
    new = add(text)
    assert new.count("asked for a quote") == 1
    assert new.index("asked") < new.index("2026-11-02")


def test_the_text_is_one_line() -> None:
    assert add("---\nname: A\n---\n## Log\n", entry="  two\n lines\t here ").endswith(
        "- 2026-11-23 call: two lines here\n")


@pytest.mark.parametrize(("body", "message"), [
    ("## Logs\n- 2026-11-02 call: a\n", "rename it to '## Log'"),
    ("```\ncode never closed\n", "could not add the entry"),
    ("## Log\n```\n- 2026-11-02 call: a\n", "could not add the entry"),
])
def test_refused_when_the_entry_would_not_be_read_as_one(body: str, message: str) -> None:
    with pytest.raises(EditRefused, match=message):
        add("---\nname: A\n---\n" + body)


def test_refused_when_the_front_matter_cannot_be_read() -> None:
    with pytest.raises(EditRefused, match="cannot be read"):
        add("---\nname: [\n---\n")


# --- property test: arbitrary notes, exactly the entry (and blank lines or a heading) added ---------

ORDERS = st.sampled_from(["newest", "oldest", "none", "empty"])


@st.composite
def notes(draw: st.DrawFn) -> str:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["---", "name: Acme", *draw(st.lists(st.sampled_from(["# c", "", "status: lead"]),
                                                   max_size=2, unique=True)), "---"]
    lines += draw(st.lists(st.sampled_from(["Notes.", "", "## Notes", "- item", "上海华联。  "]), max_size=3))
    order = draw(ORDERS)
    days = sorted(draw(st.lists(st.dates(date(2025, 1, 1), date(2026, 11, 22)), min_size=2, max_size=4,
                                unique=True)))
    channels = st.sampled_from(["call", "电话", "Email"])
    entries = [f"- {d} {draw(channels)}: text {i}" for i, d in enumerate(days)]
    if order != "none":
        lines += [draw(st.sampled_from(["## Log", "# log", "### 沟通记录"])), ""]
        if order != "empty":
            lines += entries[::-1] if order == "newest" else entries
    lines += draw(st.lists(st.sampled_from(["", "Trailing text."]), max_size=2))
    text = eol.join(lines) + (eol if draw(st.booleans()) else "")
    return (BOM if draw(st.booleans()) else "") + text


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(notes(), st.dates(date(2025, 1, 1), date(2026, 11, 23)))
def test_only_the_entry_is_added(text: str, when: date) -> None:
    new = add(text, when, entry="logged")
    old_lines, new_lines = _texts(text), _texts(new)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        assert tag == "insert" or (i2 - i1 == 1 and i2 == len(old_lines)), (tag, old_lines[i1:i2])
        added = [x.strip() for x in new_lines[j1:j2]]
        assert all(x in ("", f"- {when} call: logged", "## Log") or x.startswith(old_lines[-1].strip())
                   for x in added), added
    customer, problems = build_customer("x", "x.md", parse_note(new.encode(), "x.md"), SETTINGS, TODAY)
    assert customer is not None and [p for p in problems if p.severity == "error"] == []
    assert sum(1 for e in customer.log if (e.date, e.text) == (when, "logged")) == 1
    dates = [e.date for e in customer.log]
    assert dates in (sorted(dates), sorted(dates, reverse=True))  # still in order
    assert new.startswith(BOM) == text.startswith(BOM)
    assert new.endswith(("\n", "\r")) == text.endswith(("\n", "\r"))


def _texts(text: str) -> list[str]:
    _, lines = split_lines(text)
    return [line.text + line.eol for line in lines]
