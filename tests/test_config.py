"""vault.yml: every setting read, every bad one reported at its line and replaced by its default."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import where

from vault_tool.config import CHANNEL_ALIASES, load_settings
from vault_tool.model import CustomField, Duration, Problem, Settings

CFG = "vault.yml"


def settings(text: str | bytes) -> tuple[Settings, list[Problem]]:
    return load_settings(text.encode("utf-8") if isinstance(text, str) else text)


def only(text: str) -> tuple[Settings, tuple[str, int, int, str, str]]:
    """The settings of `text`, which must have exactly one problem, and that problem."""
    result, problems = settings(text)
    assert len(problems) == 1, problems
    return result, where(problems)[0]


def test_no_vault_yml_means_every_default() -> None:
    result, problems = load_settings(None)
    assert problems == []
    assert result == Settings(channel_aliases=CHANNEL_ALIASES)
    assert result.dormant_after == Duration(90, "d")
    assert result.log_headings == ("Log",)


@pytest.mark.parametrize("text", ["", "\n", "# just a comment\n", "~\n"])
def test_empty_vault_yml_means_every_default(text: str) -> None:
    assert settings(text) == (Settings(channel_aliases=CHANNEL_ALIASES), [])


FULL = """\
name: 港松贸易
locale: zh
statuses: [lead, active, paused, lost]
closed_statuses: [lost]
stages:
  qualified: 0.1
  proposal: 0.25
  won: 1
default_cadence:
  lead: 2w
  active: 1m
dormant_after: 6m
owners: [alice, 王芳]
currency: CNY
fields:
  level: {type: enum, values: [A, B, C], required: true}
  contract_no: text
  employees:
    type: integer
  since: date
  score: number
  brands: list
required: [industry]
log_heading: [Log, 沟通记录]
channels: [call, email, wechat]
"""


def test_every_setting_is_read() -> None:
    result, problems = settings(FULL)
    assert problems == []
    assert result.name == "港松贸易"
    assert result.locale == "zh"
    assert result.statuses == ("lead", "active", "paused", "lost")
    assert result.closed_statuses == ("lost",)
    assert result.stages == (("qualified", Decimal("0.1")), ("proposal", Decimal("0.25")),
                             ("won", Decimal("1")))
    assert result.default_cadence == (("lead", Duration(2, "w")), ("active", Duration(1, "m")))
    assert result.dormant_after == Duration(6, "m")
    assert result.owners == ("alice", "王芳")
    assert result.currency == "CNY"
    assert result.fields == (
        CustomField("level", "enum", ("A", "B", "C"), True),
        CustomField("contract_no", "text"),
        CustomField("employees", "integer"),
        CustomField("since", "date"),
        CustomField("score", "number"),
        CustomField("brands", "list"),
    )
    assert result.required == ("industry",)
    assert result.log_headings == ("Log", "沟通记录")
    assert result.channels == ("call", "email", "wechat")
    # Chinese aliases remain only for the channels that are declared.
    assert result.channel_aliases == (("电话", "call"), ("邮件", "email"), ("微信", "wechat"))


def test_bom_and_crlf_in_vault_yml() -> None:
    result, problems = settings(b"\xef\xbb\xbfname: X\r\nlocale: zh\r\nlocal: en\r\n")
    assert (result.name, result.locale) == ("X", "zh")
    assert where(problems) == [(CFG, 3, 1, "warning", "unknown-setting")]
    assert problems[0].args == {"key": "local", "suggestion": "locale"}


def test_single_log_heading_and_duplicate_words() -> None:
    result, problems = settings("log_heading: ' 沟通记录 '\nowners: [bob, bob, amy]\n")
    assert problems == []
    assert (result.log_headings, result.owners) == (("沟通记录",), ("bob", "amy"))


def test_stages_as_a_list_keep_known_probabilities() -> None:
    result, problems = settings("stages: [proposal, trial, won]\n")
    assert problems == []
    assert result.stages == (("proposal", Decimal("0.3")), ("trial", None), ("won", Decimal("1.0")))


def test_stage_without_probability_keeps_its_usual_one() -> None:
    result, problems = settings("stages:\n  proposal:\n  trial: ~\n  won: 0.9\n")
    assert problems == []
    assert result.stages == (("proposal", Decimal("0.3")), ("trial", None), ("won", Decimal("0.9")))


def test_unknown_setting_is_a_warning_naming_the_nearest() -> None:
    result, problem = only("name: X\ndormant_afer: 30d\n")
    assert problem == (CFG, 2, 1, "warning", "unknown-setting")
    assert result.dormant_after == Duration(90, "d")
    _, problems = settings("name: X\ncolour: blue\n")
    assert problems[0].args == {"key": "colour", "suggestion": ""}


def test_unknown_locale_falls_back_to_english() -> None:
    result, problem = only("name: X\nlocale: fr\n")
    assert problem == (CFG, 2, 9, "error", "invalid-setting")
    assert result.locale == "en"


def test_locale_in_capitals_suggests_the_right_one() -> None:
    _, problems = settings("locale: ZH\n")
    assert problems[0].args == {"key": "locale", "value": "ZH", "choices": "en, zh", "suggestion": "zh"}


@pytest.mark.parametrize(
    ("bad", "column", "code"),
    [("1.3", 13, "invalid-probability"), ("-0.2", 13, "invalid-probability"),
     ("high", 13, "not-a-number"), ("60%", 13, "not-a-number")],
)
def test_bad_stage_probability_drops_that_stage(bad: str, column: int, code: str) -> None:
    result, problem = only(f"stages:\n  qualified: 0.1\n  proposal: {bad}\n")
    assert problem == (CFG, 3, column, "error", code)
    assert result.stages == (("qualified", Decimal("0.1")),)


def test_default_cadence_for_undeclared_status_is_reported_at_that_status() -> None:
    result, problems = settings(
        "statuses: [lead, active, lost]\ndefault_cadence:\n  lead: 2w\n  prospect: 10d\n  active: 1m\n")
    assert where(problems) == [(CFG, 4, 3, "error", "unknown-status")]
    assert problems[0].args == {"key": "default_cadence", "value": "prospect",
                                "choices": "lead, active, lost", "suggestion": ""}
    assert result.default_cadence == (("lead", Duration(2, "w")), ("active", Duration(1, "m")))


def test_closed_status_that_is_not_a_status_is_reported_at_that_item() -> None:
    result, problems = settings("statuses: [lead, active, lost]\nclosed_statuses:\n  - lost\n  - gone\n")
    assert where(problems) == [(CFG, 4, 5, "error", "unknown-status")]
    assert problems[0].args["value"] == "gone"
    assert result.closed_statuses == ("lost",)


def test_default_closed_status_disappears_quietly_when_statuses_change() -> None:
    assert settings("statuses: [open, done]\n") == (
        Settings(statuses=("open", "done"), closed_statuses=(), channel_aliases=CHANNEL_ALIASES), [])


@pytest.mark.parametrize(
    ("text", "line", "column", "code"),
    [
        ("default_cadence:\n  lead: 2 weeks\n", 2, 9, "invalid-duration"),
        ("default_cadence:\n  lead: 0d\n", 2, 9, "invalid-duration"),
        ("dormant_after: soon\n", 1, 16, "invalid-duration"),
        ("dormant_after: [90d]\n", 1, 16, "wrong-type"),
        ("default_cadence: 2w\n", 1, 18, "wrong-type"),
        ("default_cadence:\n  lead: 200y\n", 2, 9, "duration-too-long"),
        ("dormant_after: 99999999d\n", 1, 16, "duration-too-long"),
    ],
)
def test_bad_durations(text: str, line: int, column: int, code: str) -> None:
    result, problem = only(text)
    assert problem == (CFG, line, column, "error", code)
    assert (result.default_cadence, result.dormant_after) == ((), Duration(90, "d"))


def test_enum_field_without_values() -> None:
    result, problem = only("fields:\n  level:\n    type: enum\n")
    assert problem == (CFG, 3, 5, "error", "enum-without-values")
    assert result.fields == ()


def test_enum_shorthand_without_values() -> None:
    _, problem = only("fields:\n  level: enum\n")
    assert problem == (CFG, 2, 10, "error", "enum-without-values")


@pytest.mark.parametrize("key", ["status", "name", "next_follow_up", "deals"])
def test_custom_field_may_not_shadow_a_standard_key(key: str) -> None:
    result, problem = only(f"fields:\n  grade: text\n  {key}: text\n")
    assert problem == (CFG, 3, 3, "error", "field-shadows-standard")
    assert [f.name for f in result.fields] == ["grade"]


def test_unknown_field_type_suggests_the_nearest() -> None:
    result, problems = settings("fields:\n  grade:\n    type: enm\n    values: [A]\n")
    assert where(problems) == [(CFG, 3, 11, "error", "invalid-setting")]
    assert problems[0].args["suggestion"] == "enum"
    assert result.fields == ()


def test_unknown_key_inside_a_field_is_a_warning() -> None:
    result, problem = only("fields:\n  size: {type: integer, requird: true}\n")
    assert problem == (CFG, 2, 25, "warning", "unknown-setting")
    assert result.fields == (CustomField("size", "integer"),)


def test_required_flag_must_be_a_boolean() -> None:
    result, problem = only("fields:\n  vip:\n    type: text\n    required: maybe\n")
    assert problem == (CFG, 4, 15, "error", "wrong-type")
    assert result.fields == (CustomField("vip", "text", (), False),)


@pytest.mark.parametrize("key", ["statuses", "owners", "channels"])
def test_empty_lists_are_refused(key: str) -> None:
    result, problem = only(f"name: X\n{key}: []\n")
    assert problem == (CFG, 2, len(key) + 3, "error", "empty-setting")
    assert getattr(result, key) == getattr(Settings(), key)


@pytest.mark.parametrize(
    ("text", "column", "key", "expected", "got"),
    [
        ("currency: [CNY]\n", 11, "currency", "text", "list"),
        ("statuses: lead\n", 11, "statuses", "list", "value"),
        ("fields: [level]\n", 9, "fields", "mapping", "list"),
        ("log_heading: {a: b}\n", 14, "log_heading", "list", "mapping"),
        ("name: [X]\n", 7, "name", "text", "list"),
    ],
)
def test_wrong_types_in_settings(text: str, column: int, key: str, expected: str, got: str) -> None:
    result, problems = settings(text)
    assert where(problems) == [(CFG, 1, column, "error", "wrong-type")]
    assert problems[0].args == {"key": key, "expected": expected, "got": got}
    attribute = "log_headings" if key == "log_heading" else key
    assert getattr(result, attribute) == getattr(Settings(), attribute)


@pytest.mark.parametrize(("text", "got"), [("- a\n- b\n", "list"), ("hello\n", "value")])
def test_vault_yml_that_is_not_a_mapping(text: str, got: str) -> None:
    result, problems = settings(text)
    assert where(problems) == [(CFG, 1, 1, "error", "wrong-type")]
    assert problems[0].args["got"] == got
    assert result == Settings(channel_aliases=CHANNEL_ALIASES)


def test_yaml_problems_in_vault_yml_have_lines() -> None:
    _, problems = settings("name: a\nlocale: zh\nname: b\n")
    assert where(problems) == [(CFG, 3, 1, "error", "duplicate-key")]
    result, problems = settings("name: a\nstatuses: [lead\n")
    assert where(problems) == [(CFG, 2, 11, "error", "yaml-syntax")]  # at the `[` left open
    assert result.name is None


def test_vault_yml_in_gbk() -> None:
    _, problems = settings("name: 港松\n".encode("gbk"))
    assert where(problems) == [(CFG, 1, 7, "error", "not-utf8-gbk")]


def test_required_key_that_no_note_can_have_is_reported_at_its_word() -> None:
    result, problems = settings("fields:\n  level: text\nrequired:\n  - industry\n  - levle\n  - level\n")
    assert where(problems) == [(CFG, 5, 5, "error", "invalid-setting")]
    assert (problems[0].args["value"], problems[0].args["suggestion"]) == ("levle", "level")
    assert result.required == ("industry", "level")


def test_every_bad_setting_is_reported_not_just_the_first() -> None:
    text = """\
locale: fr
stages:
  proposal: 1.3
statuses: [lead, lost]
default_cadence:
  prospect: 10d
fields:
  level: {type: enum}
  status: text
colour: blue
"""
    result, problems = settings(text)
    assert sorted(where(problems)) == [
        (CFG, 1, 9, "error", "invalid-setting"),
        (CFG, 3, 13, "error", "invalid-probability"),
        (CFG, 6, 3, "error", "unknown-status"),
        (CFG, 8, 10, "error", "enum-without-values"),
        (CFG, 9, 3, "error", "field-shadows-standard"),
        (CFG, 10, 1, "warning", "unknown-setting"),
    ]
    assert (result.locale, result.statuses, result.fields) == ("en", ("lead", "lost"), ())


def test_rates_convert_into_the_vault_currency() -> None:
    result, problems = settings("currency: CNY\nrates:\n  USD: 7.1\n  EUR: 0\n  GBP: x\n")
    assert result.rates == (("USD", Decimal("7.1")),)
    assert where(problems) == [(CFG, 4, 8, "error", "invalid-rate"), (CFG, 5, 8, "error", "not-a-number")]


@pytest.mark.parametrize(("text", "keep"), [("keep_chinese_ids: true\n", True),
                                            ("keep_chinese_ids: no\n", False),
                                            ("keep_chinese_ids:\n", False)])
def test_keep_chinese_ids(text: str, keep: bool) -> None:
    assert settings(text) == (Settings(channel_aliases=CHANNEL_ALIASES, keep_chinese_ids=keep), [])


def test_keep_chinese_ids_must_be_true_or_false() -> None:
    result, problem = only("name: x\nkeep_chinese_ids: maybe\n")
    assert not result.keep_chinese_ids
    assert problem == (CFG, 2, 19, "error", "wrong-type")


def test_own_stages_without_probability_stay_open() -> None:
    result, problems = settings("stages: [qualified, pilot, won, lost]\n")
    assert problems == []
    assert result.stages == (("qualified", Decimal("0.1")), ("pilot", None), ("won", Decimal("1.0")),
                             ("lost", Decimal("0.0")))
    result, _ = settings("stages:\n  pilot:\n  won: 1\n")
    assert result.stage_probability("pilot") is None
