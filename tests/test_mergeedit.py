"""mergeedit: merging notes of any valid formatting keeps every line of KEEP and loses nothing of OTHER."""

from __future__ import annotations

import difflib
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tool.config import load_settings
from vault_tool.edit import EditRefused, split_lines
from vault_tool.mergeedit import check_nothing_lost, merge_notes
from vault_tool.parse import parse_note
from vault_tool.validate import build_customer

TODAY = date(2026, 11, 23)
SETTINGS = load_settings("log_heading: [Log, 沟通记录]\n".encode())[0]

EMAILS = ["bob@acme.com", "BOB@acme.com", "kari@acme.com", None]
PHONES = ["+86 138 0013 8000", "13800138000", "021-5555 0188", None]
NAMES = ["Bob Li", "张伟", "Kari: accounts", None]
TITLES = ["2027 tea supply", "礼盒", "Gift #2"]
TAGS = ["vip", "retail", "零售", "NO", "a: b"]


def q(value: str) -> str:
    return f'"{value}"' if any(ch in value for ch in ":#+") or value == "NO" else value


contact = st.fixed_dictionaries({"name": st.sampled_from(NAMES), "email": st.sampled_from(EMAILS),
                                 "phone": st.sampled_from(PHONES)})
deal = st.fixed_dictionaries({"title": st.sampled_from(TITLES),
                              "stage": st.sampled_from(["proposal", "won"]),
                              "value": st.sampled_from([None, "1000", "2500.50"])})
purchase = st.fixed_dictionaries({"date": st.sampled_from(["2026-09-02", "2026-10-01"]),
                                  "amount": st.sampled_from(["42000", "1250.50"])})
entry = st.tuples(st.sampled_from(["2026-11-01", "2026-10-20", "2026-09-15"]),
                  st.sampled_from(["call", "email", "电话", "visit"]), st.sampled_from(["hello", "报价", ""]))


@st.composite
def notes(draw: st.DrawFn, name: str) -> str:
    indent = draw(st.sampled_from(["", "  ", "    "]))
    comment = draw(st.sampled_from(["", "  # note"]))
    lines = ["---", f"name: {name}{comment}", f"status: {draw(st.sampled_from(['lead', 'active']))}"]
    tags = draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=3))
    if draw(st.booleans()):
        lines.append(f"tags: [{', '.join(q(t) for t in tags)}]")
    elif tags:
        lines += ["tags:", *(f"{indent}- {q(t)}" for t in tags)]
    for key, items in (("contacts", draw(st.lists(contact, max_size=3))),
                       ("deals", draw(st.lists(deal, max_size=2))),
                       ("purchases", draw(st.lists(purchase, max_size=2)))):
        items = [{k: v for k, v in item.items() if v is not None} for item in items]
        items = [item for item in items if item]
        if items:
            lines.append(f"{key}:")
        for item in items:
            pairs = [f"{k}: {q(v)}" for k, v in item.items()]
            lines += [f"{indent}- {pairs[0]}{comment}", *(f"{indent}  {p}" for p in pairs[1:])]
    lines.append("---")
    lines += draw(st.sampled_from([[], ["Some notes."], ["Notes.", "", "More notes."]]))
    log = draw(st.lists(entry, max_size=4))
    if log or draw(st.booleans()):
        lines += ["", draw(st.sampled_from(["## Log", "## 沟通记录"])), ""]
        lines += [f"- {d} {c}: {t}" for d, c, t in sorted(log, reverse=draw(st.booleans()))]
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    return draw(st.sampled_from(["", "\ufeff"])) + eol.join(lines) + eol


def customer(text: str) -> object:
    built, problems = build_customer("x", "x.md", parse_note(text.encode(), "x.md"), SETTINGS, TODAY)
    assert not [p for p in problems if p.severity == "error"], problems
    return built


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(keep=notes("Acme Trading Ltd"), other=notes("ACME Trading"))
def test_merge_keeps_every_line_of_keep_and_loses_nothing(keep: str, other: str) -> None:
    try:
        merged = merge_notes(keep, other, "acme-2", SETTINGS, TODAY).text
    except EditRefused as exc:  # only for KEEP lists it cannot add lines to
        pytest.skip(str(exc))
    customer(merged)
    check_nothing_lost(keep, other, merged, SETTINGS, TODAY)
    old = [x.text for x in split_lines(keep)[1]]
    new = [x.text for x in split_lines(merged)[1]]
    removed = [d for d in difflib.ndiff(old, new) if d.startswith("- ")]
    assert all(d.startswith("- tags: [") for d in removed), removed  # only a [..] list grows in place
    eols = Counter(x.eol for x in split_lines(merged)[1] if x.eol)
    assert len(eols) == 1 and merged.startswith(keep[:1] if keep.startswith("\ufeff") else "-")


def test_merge_twice_the_same_other_adds_only_the_notes() -> None:
    keep = "---\nname: A\ncontacts:\n  - email: a@b.c\n---\n## Log\n\n- 2026-11-01 call: x\n"
    first = merge_notes(keep, keep.replace("name: A", "name: B"), "b", SETTINGS, TODAY)
    assert first.text.count("a@b.c") == 1 and first.text.count("2026-11-01 call: x") == 1
    assert [c.where for c in first.conflicts] == ["name"]


def test_contacts_on_one_line_are_refused() -> None:
    keep = "---\nname: A\ncontacts: [{name: X}]\n---\n"
    other = "---\nname: B\ncontacts:\n  - name: Y\n---\n"
    with pytest.raises(EditRefused, match="'contacts' is not a list of `- ` lines"):
        merge_notes(keep, other, "b", SETTINGS, TODAY)


def test_empty_lists_get_their_first_items() -> None:
    keep = "---\nname: A\ncontacts: []  # none yet\ntags: []\ndeals:\n---\n"
    other = ("---\nname: A\ntags: [vip]\ncontacts:\n- name: Y\n  email: y@z.com\n"
             "deals:\n    - title: T\n      stage: won\n---\n")
    merged = merge_notes(keep, other, "b", SETTINGS, TODAY).text
    assert merged == ("---\nname: A\ncontacts:  # none yet\n  - name: Y\n    email: y@z.com\n"
                      "tags: [vip]\ndeals:\n  - title: T\n    stage: won\n---\n\n## Log\n\n"
                      "- 2026-11-23 note: merged from b (A)\n")


def test_a_nested_unknown_key_is_refused_rather_than_lost() -> None:
    other = "---\nname: B\nextra:\n  a: 1\n---\n"
    with pytest.raises(EditRefused, match="'extra' of b is not a value or a list of texts"):
        merge_notes("---\nname: A\n---\n", other, "b", SETTINGS, TODAY)
