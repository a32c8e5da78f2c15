"""The import plan: grouping, matching, what changes per row, and never overwriting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import load, make_vault

from vault_tool.importedit import add_contacts, new_note, update_note
from vault_tool.importers import Record
from vault_tool.importplan import CustomerPlan, Defaults, make_plan, norm_phone
from vault_tool.newnote import BUILTIN_TEMPLATE


def rec(number: int, org: str | None, **contact: str) -> Record:
    return Record(number, org, (), (tuple(contact.items()),) if contact else ())


@pytest.mark.parametrize(("a", "b"), [
    ("+86 138 0013 8000", "13800138000"),
    ("0086 138-0013-8000", "138 0013 8000"),
    ("+86 21 5555 0188", "021-5555 0188"),
    ("+47 22 55 01 23", "0047 22550123"),
    ("１３８００１３８０００", "13800138000"),
])
def test_phones_that_are_the_same_number(a: str, b: str) -> None:
    assert norm_phone(a) == norm_phone(b)


def test_different_and_too_short_phones() -> None:
    assert norm_phone("+47 22 55 01 23") != norm_phone("22 55 01 23 9")
    assert norm_phone("110") is None


def test_rows_with_one_organisation_become_one_customer() -> None:
    plan = make_plan([rec(2, "Acme Ltd", name="Bob", email="bob@acme.example"),
                      rec(3, "ACME  LTD", name="Kari"),
                      rec(4, None, name="Solo Trader", phone="+47 1234 5678")], [], Defaults())
    assert [(r.number, r.action, r.customer) for r in plan.rows] == [
        (2, "new", "acme"), (3, "new", "acme"), (4, "new", "solo-trader")]
    acme = plan.customers[0]
    assert [dict(c)["name"] for c in acme.contacts] == ["Bob", "Kari"]
    assert acme.rows == (2, 3)


def test_skipped_rows_say_why() -> None:
    plan = make_plan([rec(2, None, email="x@y.example"),
                      rec(3, "A", name="Bob", email="not an email"),
                      rec(4, "A", name="Bob", email="bob@a.example"),
                      rec(5, "B", name="Robert", email="BOB@a.example "),
                      rec(6, "C", name="Bob", phone="+86 138 0013 8000"),
                      rec(7, "D", name="Bobby", phone="13800138000"),
                      rec(8, "!!!")], [], Defaults())
    assert [(r.number, r.action, r.detail) for r in plan.rows if r.action == "skipped"] == [
        (2, "skipped", "no name: neither an organisation nor a person's name"),
        (3, "skipped", "invalid email 'not an email'"),
        (5, "skipped", "duplicate of row 4"),
        (7, "skipped", "duplicate of row 6"),
    ]
    assert plan.rows[-1].customer == "customer-e84c538e"  # no letters to make an id of


def test_matching_updates_only_empty_fields(tmp_path: Path) -> None:
    make_vault(tmp_path, {"customers/acme.md": (
        "---\nname: Acme\nindustry: Tea   # by hand\ncontacts:\n  - name: Bob\n    phone: 0047 22550123\n"
        "---\n")})
    vault = load(tmp_path)
    record = Record(2, "Something Else", (("industry", "Coffee"), ("region", "NO")),
                    ((("name", "Robert"), ("phone", "+47 22 55 01 23"), ("email", "r@x.example")),
                     (("name", "Kari"),)))
    plan = make_plan([record], vault.customers, Defaults(owner="alice"))
    assert plan.rows[0].action == "update"
    assert plan.rows[0].customer == "acme"  # matched on the phone, whatever the organisation says
    assert plan.rows[0].detail == "region, owner, Bob: email, +1 contact(s)"
    assert dict(plan.customers[0].fields) == {"region": "NO", "owner": "alice"}
    assert plan.customers[0].details == (((("name", "Bob"), ("phone", "0047 22550123")),
                                          (("email", "r@x.example"),)),)


def test_matching_by_uid_and_by_name(tmp_path: Path) -> None:
    make_vault(tmp_path, {"customers/acme.md": (
        "---\nname: Acme\ncontacts:\n  - name: Bob\n    uid: abc-1\n---\n")})
    vault = load(tmp_path)
    plan = make_plan([rec(1, "Other", name="Robert", uid="abc-1"), rec(2, "acme", name="Bob")],
                     vault.customers, Defaults())
    assert [(r.action, r.customer) for r in plan.rows] == [("unchanged", "acme"), ("unchanged", "acme")]
    assert plan.customers == ()


def test_new_ids_do_not_collide(tmp_path: Path) -> None:
    make_vault(tmp_path, {"customers/acme.md": "---\nname: Acme Ltd\n---\n"})
    plan = make_plan([rec(1, "Acme GmbH", name="X")], load(tmp_path).customers, Defaults())
    assert plan.rows[0].customer == "acme-2"


# --- the notes' text --------------------------------------------------------------------------

def test_new_note_text() -> None:
    plan = CustomerPlan("acme", "Acme: \"Ltd\"", True, (("owner", "alice"), ("industry", "NO")),
                        ("vip", "零售"), ((("name", "Bob"), ("phone", "0123")),), (2,))
    text = new_note(BUILTIN_TEMPLATE, plan, date(2026, 11, 23), "Log")
    assert text == ('---\nname: "Acme: \\"Ltd\\""\nowner: alice\ntags: [vip, 零售]\ncreated: 2026-11-23\n'
                    "industry: NO\ncontacts:\n  - name: Bob\n    phone: 0123\n---\n\n## Log\n")


def test_contacts_are_added_after_the_last_one_in_its_style() -> None:
    text = ("\ufeff---\r\nname: A\r\ncontacts:\r\n    -   name: Bob   # the boss\r\n        role: CEO\r\n"
            "status: lead\r\n---\r\nbody\r\n")
    new = add_contacts(text, ((("name", "Kari"), ("phone", "+47 1")),))
    assert new == ("\ufeff---\r\nname: A\r\ncontacts:\r\n    -   name: Bob   # the boss\r\n"
                   "        role: CEO\r\n    -   name: Kari\r\n        phone: +47 1\r\n"
                   "status: lead\r\n---\r\n"
                   "body\r\n")


def test_update_never_overwrites() -> None:
    text = "---\nname: A\nindustry: ''\nregion: 'NO'\nowner:\n---\n"
    fields = (("industry", "X"), ("region", "SE"), ("owner", "bob"))
    plan = CustomerPlan("a", "A", False, fields, (), (), ())
    new, done = update_note(text, plan)
    assert new == "---\nname: A\nindustry: ''\nregion: 'NO'\nowner: bob\n---\n"
    assert done == ["owner"]


def test_an_exported_id_matches_only_the_same_customer(tmp_path: Path) -> None:
    make_vault(tmp_path, {"customers/acme.md": "---\nname: Acme Ltd\n---\n"})
    same = Record(1, "ACME LTD", (), (), (), "acme")
    other = Record(2, "Acme Paints", (), (), (), "acme")
    plan = make_plan([same, other], load(tmp_path).customers, Defaults())
    assert [(r.action, r.customer) for r in plan.rows] == [("unchanged", "acme"), ("new", "acme-2")]


@pytest.mark.parametrize("bad", ["../../etc/passwd", "a/b", ".hidden", "con", "x" * 101, " "])
def test_an_id_from_the_file_that_cannot_name_a_note_is_not_used(bad: str) -> None:
    plan = make_plan([Record(1, "Acme", (), (), (), bad)], [], Defaults())
    assert plan.rows[0].customer == "acme"
