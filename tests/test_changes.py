"""Field-level changes between two versions of a note, and how they read."""

from __future__ import annotations

from datetime import date

from vault_tool.changes import Change, Version, describe_changes, diff_versions, show_value
from vault_tool.config import load_settings
from vault_tool.parse import parse_note
from vault_tool.validate import build_customer

TODAY = date(2026, 11, 23)

BASE = """---
name: Acme Ltd
status: prospect
owner: alice
tags: [retail, tea]
contacts:
  - name: Bob Li
    phone: "123"
deals:
  - title: 2027 supply
    stage: proposal
    value: 100000
purchases:
  - date: 2026-03-01
    amount: 500
---
Notes about Acme.

## Log
- 2026-11-02 call: asked for a quote
"""


def version(text: str, path: str = "customers/acme.md", settings: bytes | None = None) -> Version:
    rules = load_settings(settings)[0]
    customer, problems = build_customer("acme", path, parse_note(text.encode(), path), rules, TODAY)
    error = next((p for p in problems if p.severity == "error"), None)
    return Version(path, customer, None if customer else error, digest=str(hash(text)))


def diff(old: str, new: str) -> tuple[Change, ...]:
    return diff_versions(version(old), version(new))


def test_status_and_owner_change() -> None:
    new = BASE.replace("status: prospect", "status: active").replace("owner: alice", "owner: bob")
    assert diff(BASE, new) == (Change("status", "prospect", "active"), Change("owner", "alice", "bob"))


def test_a_field_set_and_a_field_cleared() -> None:
    new = BASE.replace("owner: alice\n", "next_follow_up: 2026-12-01\n")
    assert diff(BASE, new) == (Change("owner", "alice", None), Change("next_follow_up", None, "2026-12-01"))


def test_deal_stage_value_added_and_removed() -> None:
    new = BASE.replace("stage: proposal\n    value: 100000",
                       "stage: negotiation\n    value: 120000\n  - title: Gift boxes\n    stage: qualified")
    assert diff(BASE, new) == (
        Change("deals", None, {"title": "Gift boxes", "stage": "qualified"}, "added", "Gift boxes"),
        Change("deals.stage", "proposal", "negotiation", item="2027 supply"),
        Change("deals.value", 100000, 120000, item="2027 supply"),
    )
    assert diff(new, BASE)[0] == Change("deals", {"title": "Gift boxes", "stage": "qualified"}, None,
                                        "removed", "Gift boxes")


def test_tags_contacts_purchases_log_and_notes() -> None:
    new = (BASE.replace("[retail, tea]", "[tea, vip]")
           .replace('    phone: "123"', '    phone: "456"\n  - name: Kari Berg')
           .replace("    amount: 500", "    amount: 500\n  - date: 2026-04-01\n    amount: 700")
           .replace("Notes about Acme.", "Notes about Acme Ltd.")
           .replace("## Log\n", "## Log\n- 2026-11-20 visit: saw the shop\n- 2026-11-21 email: sent it\n"))
    assert diff(BASE, new) == (
        Change("tags", "retail", None, "removed"),
        Change("tags", None, "vip", "added"),
        Change("contacts", None, {"name": "Kari Berg"}, "added", "Kari Berg"),
        Change("contacts.phone", "123", "456", item="Bob Li"),
        Change("purchases", None, {"date": "2026-04-01", "amount": 700}, "added"),
        Change("log", None, {"date": "2026-11-20", "channel": "visit", "text": "saw the shop"}, "added"),
        Change("log", None, {"date": "2026-11-21", "channel": "email", "text": "sent it"}, "added"),
        Change("notes", None, None),
    )


def test_a_log_entry_added_is_not_a_notes_edit() -> None:
    new = BASE + "- 2026-11-20 visit: saw the shop\n"
    assert [c.field for c in diff(BASE, new)] == ["log"]


def test_duplicate_deal_titles_pair_in_order() -> None:
    two = BASE.replace("    value: 100000", "    value: 100000\n  - title: 2027 supply\n    stage: qualified")
    moved = two.replace("stage: qualified", "stage: proposal")
    assert diff(two, moved) == (Change("deals.stage", "qualified", "proposal", item="2027 supply"),)


def test_file_created_deleted_renamed() -> None:
    created = diff_versions(None, version(BASE))
    assert created[0] == Change("file", None, "customers/acme.md", "added")
    assert Change("status", None, "prospect") in created
    assert not any(c.field == "notes" for c in created)
    assert diff_versions(version(BASE), None) == (Change("file", "customers/acme.md", None, "removed"),)
    moved = diff_versions(version(BASE), version(BASE, "customers/export/acme.md"))
    assert moved == (Change("file", "customers/acme.md", "customers/export/acme.md", "renamed"),)


def test_an_unreadable_version_and_its_repair() -> None:
    broken = BASE.replace("status: prospect", "status: [prospect")
    assert diff(BASE, broken) == (Change("note", "readable", "unreadable: yaml-syntax at line 4"),)
    repaired = diff(broken, BASE)
    assert repaired[0] == Change("note", "unreadable: yaml-syntax at line 4", "readable")


def test_an_edit_that_changes_no_field_is_still_an_edit() -> None:
    commented = BASE.replace("owner: alice", "owner: alice   # since 2025")
    assert diff(BASE, commented) == (Change("text", None, None),)
    assert diff(BASE, BASE) == ()


def test_an_invalid_value_counts_as_not_set() -> None:
    misspelt = BASE.replace("status: prospect", "status: activ")
    assert diff(BASE, misspelt) == (Change("status", "prospect", None),)


def test_values_are_compared_with_the_settings_given() -> None:
    custom = b"statuses: [neu, aktiv]\n"
    old = version(BASE.replace("prospect", "neu"), settings=custom)
    new = version(BASE.replace("prospect", "aktiv"), settings=custom)
    assert diff_versions(old, new) == (Change("status", "neu", "aktiv"),)


def test_described_in_english_and_chinese() -> None:
    changes = (
        Change("file", "customers/a.md", "customers/b.md", "renamed"),
        Change("status", "prospect", "active"),
        Change("owner", None, "王芳"),
        Change("deals.stage", "proposal", "negotiation", item="2027 supply"),
        Change("deals", None, {"title": "礼盒", "stage": "won", "value": 88000, "currency": "CNY"}, "added"),
        Change("tags", None, "vip", "added"),
        Change("log", None, {"date": "2026-11-20", "channel": "visit", "text": "saw it"}, "added"),
        Change("log", None, {"date": "2026-11-21", "channel": "wechat", "text": "问报价"}, "added"),
        Change("notes", None, None),
    )
    assert describe_changes(changes) == [
        "file renamed: customers/a.md → customers/b.md",
        "status: prospect → active",
        "owner: (none) → 王芳",
        "deal '2027 supply' stage: proposal → negotiation",
        "deal added: 礼盒 (won, 88000 CNY)",
        "tags +vip",
        "notes edited",
        "log +2",
        "  + 2026-11-20 visit: saw it",
        "  + 2026-11-21 wechat: 问报价",
    ]
    assert describe_changes(changes, "zh")[:5] == [
        "文件改名：customers/a.md → customers/b.md",
        "status：prospect → active",
        "owner：（无） → 王芳",
        "商机「2027 supply」stage：proposal → negotiation",
        "新增商机：礼盒 (won, 88000 CNY)",
    ]
    assert describe_changes(changes, "zh")[-3] == "沟通记录 +2"


def test_show_value_of_contacts_and_purchases() -> None:
    assert show_value({"name": "Bob Li", "role": "buyer", "phone": "1"}) == "Bob Li (buyer)"
    assert show_value({"phone": "1"}) == "1"
    assert show_value({"date": "2026-04-01", "amount": 700, "product": "tea"}) == "2026-04-01 700 tea"
    assert show_value(["a", "b"]) == "a, b"
