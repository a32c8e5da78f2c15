"""Front matter edits change only the lines they must, byte for byte, or refuse."""

from __future__ import annotations

import difflib
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tool.edit import (
    EditRefused,
    join_lines,
    read_note,
    remove_key,
    set_deal_value,
    set_value,
    split_lines,
    value_at,
)
from vault_tool.model import Settings
from vault_tool.parse import parse_note
from vault_tool.validate import build_customer
from vault_tool.yamlspans import double_quoted, is_plain_safe, single_quoted

TODAY = date(2026, 11, 23)
BOM = "\ufeff"

NOTE = """---
# Acme: our oldest customer
name: 'Acme Trading'   # as on the invoice
status: "prospect"
owner: alice
region: NO

next_follow_up: 2026-11-20
deals:
  - title: 2027 tea supply   # big one
    stage: proposal
    value: 180000
  - {title: Cups, stage: qualified}
---
Notes with trailing spaces   \n
## Log
- 2026-11-12 call: Bob asked for a quote
"""


def changes(old: str, new: str) -> list[str]:
    """The changed lines, `-old` / `+new`, with their line endings shown."""
    diff = difflib.ndiff([repr(x) for x in _lines(old)], [repr(x) for x in _lines(new)])
    return [d[0] + d[2:] for d in diff if d[0] in "+-"]


def _lines(text: str) -> list[str]:
    bom, lines = split_lines(text)
    return [bom + lines[0].text + lines[0].eol, *(x.text + x.eol for x in lines[1:])] if lines else []


def test_replace_keeps_the_quotes_and_the_comment() -> None:
    new = set_value(NOTE, "status", "active")
    assert changes(NOTE, new) == ["-'status: \"prospect\"\\n'", "+'status: \"active\"\\n'"]
    new = set_value(NOTE, "name", "Acme's Trading")
    assert changes(NOTE, new) == ["-\"name: 'Acme Trading'   # as on the invoice\\n\"",
                                  "+\"name: 'Acme''s Trading'   # as on the invoice\\n\""]


def test_plain_values_stay_plain_and_quote_only_when_needed() -> None:
    assert changes(NOTE, set_value(NOTE, "owner", "bob")) == ["-'owner: alice\\n'", "+'owner: bob\\n'"]
    assert changes(NOTE, set_value(NOTE, "owner", "bob: sales")) == [
        "-'owner: alice\\n'", "+'owner: \"bob: sales\"\\n'"]
    assert changes(NOTE, set_value(NOTE, "region", "上海")) == ["-'region: NO\\n'", "+'region: 上海\\n'"]


def test_a_missing_key_is_added_at_the_end_or_after_a_related_key() -> None:
    new = set_value(NOTE, "industry", "Food retail")
    assert changes(NOTE, new) == ["+'industry: Food retail\\n'"]
    assert new.index("industry") > new.index("Cups")
    new = set_value(NOTE, "follow_up", "send the quote #2", after="next_follow_up")
    assert changes(NOTE, new) == ["+'follow_up: \"send the quote #2\"\\n'"]
    assert new.index("\nfollow_up:") == new.index("\nnext_follow_up: 2026-11-20\n") + 27


def test_an_empty_value_is_filled_in_after_its_colon() -> None:
    text = "---\nname: A\nowner:   # who?\nstatus:\n---\n"
    assert set_value(text, "owner", "bob") == "---\nname: A\nowner: bob   # who?\nstatus:\n---\n"
    assert set_value(text, "status", "lead") == "---\nname: A\nowner:   # who?\nstatus: lead\n---\n"


def test_crlf_bom_and_no_final_newline_are_kept() -> None:
    text = BOM + "---\r\nname: 上海华联\r\nstatus: lead\r\n---\r\n正文，没有换行结尾"
    new = set_value(text, "status", "active")
    assert new == BOM + "---\r\nname: 上海华联\r\nstatus: active\r\n---\r\n正文，没有换行结尾"
    new = set_value(text, "owner", "王芳")
    assert new == BOM + "---\r\nname: 上海华联\r\nstatus: lead\r\nowner: 王芳\r\n---\r\n正文，没有换行结尾"
    assert remove_key(new, "owner") == text


def test_new_lines_take_the_most_common_line_ending() -> None:
    text = "---\r\nname: A\r\nstatus: lead\n---\r\nbody\r\n"
    assert set_value(text, "owner", "bob") == "---\r\nname: A\r\nstatus: lead\nowner: bob\r\n---\r\nbody\r\n"


def test_a_value_over_several_lines_is_replaced_whole() -> None:
    text = "---\nname: A\nfollow_up: call Bob\n  about the price  # soon\nstatus: lead\n---\n"
    new = set_value(text, "follow_up", "send quote")
    assert new == "---\nname: A\nfollow_up: send quote  # soon\nstatus: lead\n---\n"


def test_a_key_indented_as_the_others() -> None:
    text = "---\n  name: A\n  status: lead\n---\n"
    assert set_value(text, "owner", "bob") == "---\n  name: A\n  status: lead\n  owner: bob\n---\n"


def test_a_new_key_goes_before_a_document_end_marker() -> None:
    text = "---\nname: A\n...\n---\n"
    assert set_value(text, "owner", "bob") == "---\nname: A\nowner: bob\n...\n---\n"


def test_remove_takes_the_whole_entry() -> None:
    new = remove_key(NOTE, "next_follow_up")
    assert changes(NOTE, new) == ["-'next_follow_up: 2026-11-20\\n'"]
    assert remove_key(NOTE, "cadence") == NOTE
    text = "---\nname: A\nfollow_up: call Bob\n  about the price  # soon\nstatus: lead\n---\n"
    assert remove_key(text, "follow_up") == "---\nname: A\nstatus: lead\n---\n"


def test_deal_stage_in_block_and_flow_deals() -> None:
    new = set_deal_value(NOTE, "2027 tea supply", "stage", "won")
    assert changes(NOTE, new) == ["-'    stage: proposal\\n'", "+'    stage: won\\n'"]
    new = set_deal_value(NOTE, "cups", "stage", "lost")  # case does not matter
    assert changes(NOTE, new) == ["-'  - {title: Cups, stage: qualified}\\n'",
                                  "+'  - {title: Cups, stage: lost}\\n'"]
    new = set_deal_value(NOTE, "2027 tea supply", "currency", "EUR")
    assert changes(NOTE, new) == ["+'    currency: EUR\\n'"]
    text = "---\nname: A\ndeals:\n  - title: X\n    value: 5\n---\n"
    assert set_deal_value(text, "X", "stage", "won") == (
        "---\nname: A\ndeals:\n  - title: X\n    stage: won\n    value: 5\n---\n")


@pytest.mark.parametrize(("text", "call", "message"), [
    ("---\n{name: A, status: lead}\n---\n", lambda t: set_value(t, "status", "x"), "{…} mapping"),
    ("---\nname: A\nfollow_up: |\n  call\n---\n", lambda t: set_value(t, "follow_up", "x"), "block text"),
    ("---\nname: A\nfollow_up: >\n  call\n---\n", lambda t: remove_key(t, "follow_up"), "one-line"),
    ("---\nname: A\nstatus: [a]\n---\n", lambda t: set_value(t, "status", "x"), "holds a list"),
    ("---\nname: A\n---\n", lambda t: set_deal_value(t, "X", "stage", "won"), "has no deals"),
    ("---\nname: A\ndeals:\n  - title: X\n  - title: X\n---\n",
     lambda t: set_deal_value(t, "X", "stage", "won"), "2 deals are titled"),
    ("---\nname: A\ndeals:\n  - title: Tea\n---\n", lambda t: set_deal_value(t, "Tee", "stage", "won"),
     "did you mean 'Tea'"),
    ("---\nname: A\ndeals:\n  - {title: X}\n---\n", lambda t: set_deal_value(t, "X", "stage", "won"),
     "one {…} line"),
    ("---\nname: [\n---\n", lambda t: set_value(t, "status", "x"), "cannot be read"),
    ("---\nname: A\n<<<<<<< HEAD\nstatus: a\n=======\nstatus: b\n>>>>>>> x\n---\n",
     lambda t: set_value(t, "status", "x"), "cannot be read"),
    ("no front matter\n", lambda t: set_value(t, "status", "x"), "cannot be read"),
])
def test_shapes_that_cannot_be_edited_line_by_line_are_refused(text: str, call: object,
                                                                 message: str) -> None:
    with pytest.raises(EditRefused, match=message.replace("{", r"\{").replace("(", r"\(")):
        call(text)  # type: ignore[operator]


def test_the_x_deal_with_two_case_variants_prefers_the_exact_title() -> None:
    text = "---\nname: A\ndeals:\n  - title: X\n    stage: won\n  - title: x\n    stage: won\n---\n"
    assert set_deal_value(text, "x", "stage", "lost").endswith("  - title: x\n    stage: lost\n---\n")


def test_value_at_reads_the_text_of_a_value() -> None:
    assert value_at(NOTE, ("status",)) == "prospect"
    assert value_at(NOTE, ("deals", 1, "stage")) == "qualified"
    assert value_at(NOTE, ("cadence",)) is None
    assert value_at("---\nowner: ~\n---\n", ("owner",)) is None
    assert value_at("broken", ("owner",)) is None


def test_split_and_join_give_back_the_same_text() -> None:
    for text in ["", "a", "a\n", "a\r\nb\rc\n", BOM + "x\r\n", "\n\n"]:
        bom, lines = split_lines(text)
        assert join_lines(bom, lines) == text


def test_read_note_knows_where_the_front_matter_ends() -> None:
    note = read_note(NOTE)
    assert note.lines[note.end].text == "---"
    assert note.body[0].text == "Notes with trailing spaces   "
    assert note.eol == "\n"


# --- property tests: arbitrary formatting, exactly the intended lines change ---------------------

VALUES = ["Acme Ltd", "NO", "0123", "it's", 'say "hi"', "上海华联超市", "send quote #2", "a: b", "~",
          "yes", "- dash", "x" * 30, "Zürich", "[not a list]"]
STATUSES = ["lead", "prospect", "active", "dormant", "lost"]
EOLS = st.sampled_from(["\n", "\r\n"])


def written(value: str, style: int) -> str:
    """`value` in one of the three quoting styles (plain only when that reads back the same)."""
    if style == 0 and is_plain_safe(value):
        return value
    return single_quoted(value) if style == 1 else double_quoted(value)


@st.composite
def notes(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    """A valid note with random comments, blank lines, quoting, key order, line endings, BOM and body."""
    eol = draw(EOLS)
    entries = {"name": draw(st.sampled_from(VALUES))}
    for key in draw(st.lists(st.sampled_from(["status", "owner", "industry", "region", "source",
                                              "next_follow_up", "follow_up", "cadence"]), unique=True)):
        entries[key] = {"status": draw(st.sampled_from(STATUSES)), "next_follow_up": "2026-12-01",
                        "cadence": "2w"}.get(key, draw(st.sampled_from(VALUES)))
    order = draw(st.permutations(list(entries)))
    lines = ["---"]
    for key in order:
        lines += draw(st.lists(st.sampled_from(["", "# a comment", "#: odd: comment"]), max_size=2))
        comment = draw(st.sampled_from(["", "  # why", " # 备注"]))
        lines.append(f"{key}: {written(entries[key], draw(st.integers(0, 2)))}{comment}")
    if draw(st.booleans()):
        lines += ["deals:", "  - title: Tea", f"    stage: {draw(st.sampled_from(['proposal', 'won']))}"]
    lines.append("---")
    body = ["Some notes.  ", "", "## Notes", "- a plain item", "上海华联在上海约有 60 家门店。", "---",
            "key: not front matter"]
    lines += draw(st.lists(st.sampled_from(body), max_size=5))
    text = eol.join(lines) + (eol if draw(st.booleans()) else "")
    return (BOM if draw(st.booleans()) else "") + text, entries


def loads_cleanly(text: str) -> dict[str, object]:
    note = parse_note(text.encode("utf-8"), "customers/x.md")
    customer, problems = build_customer("x", "customers/x.md", note, Settings(), TODAY)
    assert [p for p in problems if p.severity == "error"] == []
    assert customer is not None
    return {"status": customer.status, "owner": customer.owner, "follow_up": customer.follow_up,
            "next_follow_up": customer.next_follow_up, "name": customer.name,
            "industry": customer.industry, "stages": [d.stage for d in customer.deals]}


def only_changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """Removed and added lines (with their endings); everything else must be identical."""
    a, b = _lines(old), _lines(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    removed = [x for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("replace", "delete")
               for x in a[i1:i2]]
    added = [x for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("replace", "insert")
             for x in b[j1:j2]]
    return removed, added


SETTINGS = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)


@SETTINGS
@given(notes(), st.sampled_from(STATUSES))
def test_setting_status_changes_exactly_its_line(note: tuple[str, dict[str, str]], status: str) -> None:
    text, entries = note
    new = set_value(text, "status", status)
    removed, added = only_changes(text, new)
    if entries.get("status") == status:
        assert new == text
    elif "status" in entries:
        assert len(removed) == 1 and removed[0].lstrip(BOM).startswith("status: ")
        assert len(added) == 1 and added[0].lstrip(BOM).startswith("status: ")
        assert removed[0].endswith(added[0][-1])  # same line ending
    else:
        assert removed == [] and len(added) == 1 and added[0].rstrip("\r\n") == f"status: {status}"
    assert loads_cleanly(new)["status"] == status


@SETTINGS
@given(notes(), st.sampled_from(VALUES))
def test_setting_follow_up_text_changes_exactly_its_line(note: tuple[str, dict[str, str]],
                                                         value: str) -> None:
    text, entries = note
    new = set_value(text, "follow_up", value, after="next_follow_up")
    removed, added = only_changes(text, new)
    if entries.get("follow_up") == value:
        assert new == text
        return
    assert len(added) == 1 and added[0].startswith("follow_up: ")
    assert len(removed) == (1 if "follow_up" in entries else 0)
    assert loads_cleanly(new)["follow_up"] == value


@SETTINGS
@given(notes())
def test_removing_next_follow_up_removes_exactly_its_line(note: tuple[str, dict[str, str]]) -> None:
    text, entries = note
    new = remove_key(text, "next_follow_up")
    removed, added = only_changes(text, new)
    assert added == []
    assert len(removed) == (1 if "next_follow_up" in entries else 0)
    assert loads_cleanly(new)["next_follow_up"] is None


@SETTINGS
@given(notes(), st.sampled_from(["qualified", "negotiation", "lost"]))
def test_setting_a_deal_stage_changes_exactly_its_line(note: tuple[str, dict[str, str]], stage: str) -> None:
    text, _ = note
    if "title: Tea" not in text:
        with pytest.raises(EditRefused):
            set_deal_value(text, "Tea", "stage", stage)
        return
    new = set_deal_value(text, "Tea", "stage", stage)
    removed, added = only_changes(text, new)
    old_stage = re.search(r"stage: (\w+)", text).group(1)  # type: ignore[union-attr]
    assert [r.strip() for r in removed] == [f"stage: {old_stage}"]
    assert [a.strip() for a in added] == [f"stage: {stage}"]
    assert loads_cleanly(new)["stages"] == [stage]
