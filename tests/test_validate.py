"""A note -> a typed Customer; every wrong value is a problem at its exact line and column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import TODAY, double_quoted, where
from hypothesis import given
from hypothesis import strategies as st

from vault_tool.config import load_settings
from vault_tool.model import Contact, Customer, Deal, Duration, Interaction, Problem, Purchase, Settings
from vault_tool.parse import parse_note
from vault_tool.validate import build_customer

PATH = "customers/acme.md"
DEFAULTS = load_settings(None)[0]
CONFIG = """\
owners: [alice, bob]
fields:
  level: {type: enum, values: [A, B, C]}
  employees: integer
  score: number
  since: date
  brands: list
  contract_no: text
"""


def settings(text: str = CONFIG) -> Settings:
    result, problems = load_settings(text.encode())
    assert problems == []
    return result


def check(text: str, config: Settings = DEFAULTS) -> tuple[Customer | None, list[Problem]]:
    return build_customer("acme", PATH, parse_note(text.encode(), PATH), config, TODAY)


def problems_of(text: str, config: Settings = DEFAULTS) -> list[tuple[str, int, int, str, str]]:
    return where(check(text, config)[1])


def one(text: str, config: Settings = DEFAULTS) -> tuple[Customer | None, Problem]:
    customer, problems = check(text, config)
    assert len(problems) == 1, problems
    return customer, problems[0]


GOOD = """\
---
name: Acme Ltd
status: active
owner: alice
tags: [tea, export, tea]
industry: yes
region: NO
source: 0x1F
created: 2026-01-05
contacts:
  - name: Bob Li
    role: buyer
    phone: 01380013800
    wechat: bob_li
    birthday: 1990-02-30
next_follow_up: '2026-12-01'
follow_up: 2026-11-02
cadence: 2w
deals:
  - title: Spring order
    stage: proposal
    value: 12000.50
    currency: CNY
    probability: 0.4
    expected_close: 2027-01-31
  - title: Old order
    stage: won
    value: 0
    closed: "2025-12-01"
purchases:
  - date: 2025-12-03
    amount: 800
    product: 龙井
level: B
employees: 250
score: -3.5
since: 2020-06-01
brands: [Lipton, 张一元]
contract_no: 007
---
Notes.

## Log
- 2026-11-02 call: asked for a quote
"""


def test_a_good_note_becomes_a_typed_customer_without_problems() -> None:
    customer, problems = check(GOOD, settings())
    assert problems == []
    assert customer is not None
    assert (customer.id, customer.path, customer.name) == ("acme", PATH, "Acme Ltd")
    assert (customer.status, customer.owner, customer.tags) == ("active", "alice", ("tea", "export"))
    assert (customer.industry, customer.region, customer.source) == ("yes", "NO", "0x1F")
    assert customer.created == date(2026, 1, 5)
    assert customer.contacts == (Contact(name="Bob Li", role="buyer", phone="01380013800",
                                         wechat="bob_li", extra=(("birthday", "1990-02-30"),)),)
    assert (customer.next_follow_up, customer.follow_up) == (date(2026, 12, 1), "2026-11-02")
    assert customer.cadence == Duration(2, "w")
    assert customer.deals == (
        Deal("Spring order", "proposal", Decimal("12000.50"), "CNY", Decimal("0.4"),
             date(2027, 1, 31), None, 20),
        Deal("Old order", "won", Decimal(0), None, None, None, date(2025, 12, 1), 26),
    )
    assert customer.purchases == (Purchase(date(2025, 12, 3), Decimal(800), "龙井", 31),)
    assert customer.custom == (
        ("brands", ("Lipton", "张一元")), ("contract_no", "007"), ("employees", 250),
        ("level", "B"), ("score", Decimal("-3.5")), ("since", date(2020, 6, 1)),
    )
    assert customer.log == (Interaction(date(2026, 11, 2), "call", "asked for a quote", 44),)
    assert (customer.body_line, customer.has_errors) == (41, False)


def test_null_values_are_simply_absent() -> None:
    customer, problems = check("---\nname: Acme\nstatus:\nowner: ~\nnext_follow_up: null\ntags:\n"
                               "cadence: ~\ndeals:\n---\n")
    assert problems == []
    assert customer is not None
    assert (customer.status, customer.owner, customer.next_follow_up, customer.tags,
            customer.cadence, customer.deals) == (None, None, None, (), None, ())


def test_name_defaults_to_the_id_when_it_cannot_be_read() -> None:
    customer, problem = one("---\nname: {first: Acme}\n---\n")
    assert customer is not None and customer.name == "acme" and customer.has_errors
    assert (problem.line, problem.column, problem.code) == (2, 7, "wrong-type")


@pytest.mark.parametrize("front", ["---\n---\n", "---\n# nothing yet\n---\n", "---\n~\n---\n"])
def test_empty_front_matter(front: str) -> None:
    customer, problems = check(front + "body\n")
    assert customer is None
    assert where(problems) == [(PATH, 1, 1, "error", "frontmatter-empty")]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("---\n- name: Acme\n- status: active\n---\n", 2, 1), ("---\nAcme Ltd\n---\n", 2, 1),
     ("---\n\n  [Acme]\n---\n", 3, 3)],
)
def test_front_matter_that_is_not_a_mapping(text: str, line: int, column: int) -> None:
    customer, problems = check(text)
    assert customer is None
    assert where(problems) == [(PATH, line, column, "error", "frontmatter-not-mapping")]
    assert problems[0].params == ()


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("---\nname: Acme\nnext_follow_up: 2026-02-30\n---\n", 3, 17),
        ("---\nname: Acme\ncreated: '2026-02-29'\n---\n", 3, 10),
        ("---\nname: Acme\ndeals:\n  - title: x\n    stage: won\n    closed: 2026-04-31\n---\n", 6, 13),
        ("---\nname: Acme\npurchases:\n  - date: 2026-00-10\n    amount: 5\n---\n", 4, 11),
    ],
)
def test_impossible_dates(text: str, line: int, column: int) -> None:
    _, problem = one(text)
    assert (problem.path, problem.line, problem.column, problem.severity, problem.code) == (
        PATH, line, column, "error", "impossible-date")


def test_leap_day_is_a_real_date() -> None:
    customer, problems = check("---\nname: Acme\ncreated: 2028-02-29\n---\n")
    assert problems == [] and customer is not None and customer.created == date(2028, 2, 29)


@pytest.mark.parametrize("written", ["2026/11/02", "2026-1-5", "next week", "02.11.2026", "20261102",
                                     "2026-11-02T10:00"])
def test_bad_date_format(written: str) -> None:
    customer, problem = one(f"---\nname: Acme\nnext_follow_up: {written}\n---\n")
    assert (problem.line, problem.column, problem.code) == (3, 17, "invalid-date-format")
    assert problem.args == {"key": "next_follow_up", "value": written}
    assert customer is not None and customer.next_follow_up is None


@pytest.mark.parametrize(
    ("line", "column", "expected", "got"),
    [
        ("industry: {main: tea}", 11, "text", "mapping"),
        ("status: [active]", 9, "text", "list"),
        ("tags: tea", 7, "list", "value"),
        ("tags:\n  tea: 1", 3, "list", "mapping"),
        ("created: [2026-01-05]", 10, "date", "list"),
        ("contacts: {name: Bob}", 11, "list", "mapping"),
        ("contacts:\n  - Bob Li", 5, "mapping", "value"),
        ("cadence: {every: 2w}", 10, "duration", "mapping"),
        ("deals: Spring order", 8, "list", "value"),
    ],
)
def test_wrong_types(line: str, column: int, expected: str, got: str) -> None:
    _, problems = check(f"---\nname: Acme\n{line}\n---\n")
    row = 3 if "\n" not in line else 4
    assert where(problems) == [(PATH, row, column, "error", "wrong-type")]
    assert (problems[0].args["expected"], problems[0].args["got"]) == (expected, got)


def test_nested_list_inside_tags_is_refused_but_other_tags_kept() -> None:
    customer, problem = one("---\nname: Acme\ntags: [tea, [green, black], coffee]\n---\n")
    assert (problem.line, problem.column, problem.code) == (3, 13, "wrong-type")
    assert customer is not None and customer.tags == ("tea", "coffee")


def test_undeclared_status_suggests_the_nearest() -> None:
    customer, problem = one("---\nname: Acme\nstatus: actve\n---\n")
    assert (problem.path, problem.line, problem.column, problem.severity, problem.code) == (
        PATH, 3, 9, "error", "unknown-status")
    assert problem.args == {"key": "status", "value": "actve",
                            "choices": "lead, prospect, active, dormant, lost", "suggestion": "active"}
    assert customer is not None and customer.status is None and customer.has_errors


def test_status_in_other_case_suggests_the_declared_spelling() -> None:
    _, problem = one("---\nname: Acme\nstatus: Active\n---\n")
    assert problem.args["suggestion"] == "active"


def test_status_with_nothing_close_has_no_suggestion() -> None:
    _, problem = one("---\nname: Acme\nstatus: 合作中\n---\n")
    assert problem.args["suggestion"] == ""


def test_owner_must_be_declared_when_owners_are_given() -> None:
    customer, problem = one("---\nname: Acme\nowner: alcie\n---\n", settings())
    assert (problem.line, problem.column, problem.code) == (3, 8, "unknown-owner")
    assert problem.args == {"key": "owner", "value": "alcie", "choices": "alice, bob", "suggestion": "alice"}
    assert customer is not None and customer.owner is None


def test_any_owner_is_fine_without_declared_owners() -> None:
    customer, problems = check("---\nname: Acme\nowner: 王芳\n---\n")
    assert problems == [] and customer is not None and customer.owner == "王芳"


def test_undeclared_deal_stage_suggests_the_nearest() -> None:
    customer, problem = one("---\nname: Acme\ndeals:\n  - title: x\n    stage: negociation\n---\n")
    assert (problem.line, problem.column, problem.code) == (5, 12, "unknown-stage")
    assert problem.args["suggestion"] == "negotiation"
    assert customer is not None and customer.deals[0].stage is None


def test_undeclared_enum_value_suggests_the_nearest() -> None:
    customer, problem = one("---\nname: Acme\nlevel: b\n---\n", settings())
    assert (problem.line, problem.column, problem.code) == (3, 8, "unknown-enum-value")
    assert problem.args == {"key": "level", "value": "b", "choices": "A, B, C", "suggestion": "B"}
    assert customer is not None and customer.custom == ()


@pytest.mark.parametrize(
    ("item", "column", "code", "value"),
    [
        ("value: -5", 12, "negative-amount", "-5"),
        ("value: 12,000", 12, "not-a-number", "12,000"),
        ("value: ¥12000", 12, "not-a-number", "¥12000"),
        ("value: 1.2.3", 12, "not-a-number", "1.2.3"),
        ("value: .nan", 12, "not-a-number", ".nan"),
        ("value: 1e999999", 12, "not-a-number", "1e999999"),
        ("value: 1.2e4", 12, "not-a-number", "1.2e4"),
        ("value: 1234567890123456789", 12, "not-a-number", "1234567890123456789"),
        ("probability: 1.5", 18, "invalid-probability", "1.5"),
        ("probability: -0.1", 18, "invalid-probability", "-0.1"),
        ("probability: 60%", 18, "not-a-number", "60%"),
    ],
)
def test_bad_deal_numbers(item: str, column: int, code: str, value: str) -> None:
    customer, problem = one(f"---\nname: Acme\ndeals:\n  - title: x\n    stage: won\n    {item}\n---\n")
    assert (problem.line, problem.column, problem.severity, problem.code) == (6, column, "error", code)
    assert problem.args["value"] == value
    assert customer is not None and customer.deals[0].value is None
    assert customer.deals[0].probability is None


def test_negative_and_non_numeric_purchase_amounts() -> None:
    customer, problems = check("---\nname: Acme\npurchases:\n  - date: 2026-01-02\n    amount: -800\n"
                               "  - date: 2026-02-03\n    amount: 1,200\n---\n")
    assert where(problems) == [(PATH, 5, 13, "error", "negative-amount"),
                               (PATH, 7, 13, "error", "not-a-number")]
    assert customer is not None
    assert [(p.date, p.amount) for p in customer.purchases] == [
        (date(2026, 1, 2), None), (date(2026, 2, 3), None)]


def test_deal_and_purchase_need_their_keys() -> None:
    _, problems = check("---\nname: Acme\ndeals:\n  - value: 5\npurchases:\n  - product: tea\n---\n")
    assert where(problems) == [
        (PATH, 4, 5, "error", "missing-required"), (PATH, 4, 5, "error", "missing-required"),
        (PATH, 6, 5, "error", "missing-required"), (PATH, 6, 5, "error", "missing-required"),
    ]
    assert [p.args["key"] for p in problems] == [
        "deals.title", "deals.stage", "purchases.date", "purchases.amount"]


@pytest.mark.parametrize(("written", "value"), [("123456789012345678.5", Decimal("123456789012345678.5")),
                                               (".25", Decimal("0.25")), ("+7.", Decimal(7))])
def test_plain_numbers_up_to_eighteen_digits(written: str, value: Decimal) -> None:
    text = f"---\nname: Acme\ndeals:\n  - title: x\n    stage: won\n    value: {written}\n---\n"
    customer, problems = check(text)
    assert problems == [] and customer is not None and customer.deals[0].value == value


def test_absurdly_long_integer_is_an_error_not_a_crash() -> None:
    customer, problem = one("---\nname: Acme\nemployees: " + "9" * 5000 + "\n---\n", settings())
    assert (problem.line, problem.column, problem.code) == (3, 12, "not-an-integer")
    assert customer is not None and customer.custom == ()


@pytest.mark.parametrize("written", ["3 months", "0d", "2x", "w2", "-1w", "1.5m"])
def test_bad_cadence(written: str) -> None:
    customer, problem = one(f"---\nname: Acme\ncadence: {written}\n---\n")
    assert (problem.line, problem.column, problem.code) == (3, 10, "invalid-duration")
    assert customer is not None and customer.cadence is None


@pytest.mark.parametrize("written", ["99999999d", "101y", "1181m", "5229w"])
def test_cadence_longer_than_a_century_is_refused(written: str) -> None:
    customer, problem = one(f"---\nname: Acme\ncadence: {written}\n---\n")
    assert (problem.line, problem.column, problem.severity, problem.code) == (
        3, 10, "error", "duration-too-long")
    assert problem.args == {"key": "cadence", "value": written}
    assert customer is not None and customer.cadence is None


@pytest.mark.parametrize(
    ("written", "duration"),
    [("100y", Duration(100, "y")), ("1180m", Duration(1180, "m")), ("5228w", Duration(5228, "w")),
     ("36600d", Duration(36600, "d"))],
)
def test_cadence_up_to_a_century_is_fine(written: str, duration: Duration) -> None:
    customer, problems = check(f"---\nname: Acme\ncadence: {written}\n---\n")
    assert problems == [] and customer is not None and customer.cadence == duration
    assert duration.after(date(9800, 12, 31)) <= date.max


@pytest.mark.parametrize("written", ["9999-12-31", "9801-01-01"])
def test_date_too_far_in_the_future_is_refused(written: str) -> None:
    customer, problem = one(f"---\nname: Acme\ncreated: {written}\n---\n")
    assert (problem.line, problem.column, problem.severity, problem.code) == (3, 10, "error",
                                                                              "date-out-of-range")
    assert problem.args == {"key": "created", "value": written, "limit": "9800-12-31"}
    assert customer is not None and customer.created is None


def test_latest_date_is_accepted() -> None:
    customer, problems = check("---\nname: Acme\nnext_follow_up: 9800-12-31\n---\n")
    assert problems == [] and customer is not None and customer.next_follow_up == date(9800, 12, 31)


@pytest.mark.parametrize(("written", "duration"), [("10d", Duration(10, "d")), (" 2w", Duration(2, "w")),
                                                    ("'3m'", Duration(3, "m")), ("1y", Duration(1, "y"))])
def test_good_cadence(written: str, duration: Duration) -> None:
    customer, problems = check(f"---\nname: Acme\ncadence: {written}\n---\n")
    assert problems == [] and customer is not None and customer.cadence == duration


def test_unknown_key_is_a_warning_naming_the_nearest_known_key() -> None:
    customer, problem = one("---\nname: Acme\nnext_folow_up: 2026-12-01\n---\n")
    assert (problem.path, problem.line, problem.column, problem.severity, problem.code) == (
        PATH, 3, 1, "warning", "unknown-key")
    assert problem.args == {"key": "next_folow_up", "suggestion": "next_follow_up"}
    assert customer is not None and customer.next_follow_up is None and not customer.has_errors


def test_unknown_key_may_be_near_a_custom_field() -> None:
    _, problem = one("---\nname: Acme\nemployes: 5\n---\n", settings())
    assert problem.args == {"key": "employes", "suggestion": "employees"}


def test_unknown_key_with_nothing_near() -> None:
    _, problem = one("---\nname: Acme\nfavourite_colour: blue\n---\n")
    assert (problem.code, problem.args["suggestion"]) == ("unknown-key", "")


def test_unknown_keys_inside_deals_and_purchases_but_not_contacts() -> None:
    _, problems = check("---\nname: Acme\ncontacts:\n  - name: Bob\n    qq: '12345'\ndeals:\n"
                        "  - title: x\n    stage: won\n    valeu: 5\npurchases:\n  - date: 2026-01-01\n"
                        "    amount: 1\n    prodcut: tea\n---\n")
    assert where(problems) == [(PATH, 9, 5, "warning", "unknown-key"),
                               (PATH, 13, 5, "warning", "unknown-key")]
    assert [p.args for p in problems] == [{"key": "deals.valeu", "suggestion": "value"},
                                          {"key": "purchases.prodcut", "suggestion": "product"}]


@pytest.mark.parametrize("front", ["status: lead", "name:", "name: ''", "name: ~"])
def test_name_is_required(front: str) -> None:
    customer, problem = one(f"---\n{front}\n---\n")
    assert (problem.path, problem.line, problem.column, problem.severity, problem.code) == (
        PATH, 1, 1, "error", "missing-required")
    assert problem.args == {"key": "name"}
    assert customer is not None and customer.name == "acme"


def test_extra_required_keys_from_vault_yml() -> None:
    config = settings("required: [industry, owner, tags]\n")
    _, problems = check("---\nname: Acme\nowner: bob\ntags: []\n---\n", config)
    assert where(problems) == [(PATH, 1, 1, "error", "missing-required")] * 2
    assert [p.args["key"] for p in problems] == ["industry", "tags"]


def test_required_custom_field() -> None:
    config = settings("fields:\n  level: {type: enum, values: [A, B], required: yes}\n")
    _, problem = one("---\nname: Acme\n---\n", config)
    assert (problem.line, problem.column, problem.code) == (1, 1, "missing-required")
    assert problem.args == {"key": "level"}


def test_required_value_that_is_wrong_is_reported_once_where_it_stands() -> None:
    config = settings("required: [status]\n")
    _, problems = check("---\nname: [Acme]\nstatus: activ\n---\n", config)
    assert where(problems) == [(PATH, 2, 7, "error", "wrong-type"), (PATH, 3, 9, "error", "unknown-status")]


@pytest.mark.parametrize(
    ("line", "column", "code"),
    [
        ("employees: 12.5", 12, "not-an-integer"),
        ("employees: 1,200", 12, "not-an-integer"),
        ("score: lots", 8, "not-a-number"),
        ("since: 2020-02-30", 8, "impossible-date"),
        ("since: June 2020", 8, "invalid-date-format"),
        ("brands: Lipton", 9, "wrong-type"),
        ("contract_no: [1, 2]", 14, "wrong-type"),
        ("level: D", 8, "unknown-enum-value"),
    ],
)
def test_custom_field_values_are_checked_by_type(line: str, column: int, code: str) -> None:
    customer, problem = one(f"---\nname: Acme\n{line}\n---\n", settings())
    assert (problem.line, problem.column, problem.severity, problem.code) == (3, column, "error", code)
    assert customer is not None and customer.custom == ()


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [("phone: 01380013800", "phone", "01380013800"), ("region: NO", "region", "NO"),
     ("industry: yes", "industry", "yes"), ("source: 1e3", "source", "1e3"),
     ("follow_up: 2026-11-02", "follow_up", "2026-11-02"), ("industry: '0.10'", "industry", "0.10"),
     ("industry: !!str 0123", "industry", "0123"), ("follow_up: 'null'", "follow_up", "null")],
)
def test_text_values_are_kept_exactly(line: str, key: str, value: str) -> None:
    if key == "phone":
        line = f"contacts:\n  - {line}"
    customer, problems = check(f"---\nname: Acme\n{line}\n---\n")
    assert problems == [] and customer is not None
    actual = customer.contacts[0].phone if key == "phone" else getattr(customer, key)
    assert actual == value


@given(st.text(), st.text())
def test_any_double_quoted_text_value_reaches_the_customer_exactly(follow_up: str, phone: str) -> None:
    text = (f"---\nname: Acme\nfollow_up: {double_quoted(follow_up)}\ncontacts:\n"
            f"  - phone: {double_quoted(phone)}\n---\n")
    customer, problems = check(text)
    assert problems == []
    assert customer is not None
    assert (customer.follow_up, customer.contacts[0].phone) == (follow_up, phone)


@pytest.mark.parametrize("written", ["2026-11-02", "'2026-11-02'", '"2026-11-02"', "!!str 2026-11-02"])
def test_dates_may_be_bare_or_quoted(written: str) -> None:
    customer, problems = check(f"---\nname: Acme\nnext_follow_up: {written}\n---\n")
    assert problems == [] and customer is not None and customer.next_follow_up == date(2026, 11, 2)


def test_yaml_problems_come_through_with_their_lines() -> None:
    customer, problems = check("---\nname: First\nstatus: lead\nname: Second\nindustry: &i tea\n---\n")
    assert where(problems) == [(PATH, 4, 1, "error", "duplicate-key"), (PATH, 5, 11, "error", "yaml-anchor")]
    assert customer is not None and customer.name == "First" and customer.has_errors


def test_log_problems_carry_absolute_file_lines() -> None:
    _, problems = check("---\nname: Acme\n---\n\n## Log\n- 2026-11-02 call: ok\n- 2026-13-01 call: bad\n")
    assert where(problems) == [(PATH, 7, 3, "error", "impossible-date")]


def test_warnings_alone_do_not_mark_the_customer_as_broken() -> None:
    customer, problems = check("---\nname: Acme\ncolour: red\n---\n## Log\n- no date here\n")
    assert [p.severity for p in problems] == ["warning", "warning"]
    assert customer is not None and not customer.has_errors


def test_every_problem_of_a_note_is_reported_not_just_the_first() -> None:
    text = """\
---
name: Acme
status: actve
next_folow_up: 2026-12-01
created: 2026-02-30
cadence: 3 months
deals:
  - title: x
    stage: propsal
    value: 12,000
    probability: 1.5
purchases:
  - date: 2026/01/05
    amount: -1
---
## Log
- 2026-13-01 call: x
- 2026-11-02 fax: y
"""
    customer, problems = check(text)
    assert where(problems) == [
        (PATH, 3, 9, "error", "unknown-status"),
        (PATH, 4, 1, "warning", "unknown-key"),
        (PATH, 5, 10, "error", "impossible-date"),
        (PATH, 6, 10, "error", "invalid-duration"),
        (PATH, 9, 12, "error", "unknown-stage"),
        (PATH, 10, 12, "error", "not-a-number"),
        (PATH, 11, 18, "error", "invalid-probability"),
        (PATH, 13, 11, "error", "invalid-date-format"),
        (PATH, 14, 13, "error", "negative-amount"),
        (PATH, 17, 3, "error", "impossible-date"),
        (PATH, 18, 14, "error", "unknown-channel"),
    ]
    assert customer is not None and customer.name == "Acme"
