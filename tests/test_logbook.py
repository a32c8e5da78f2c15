"""The interaction log: dated list items under the log heading, and a problem for each bad one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, load, make_vault, where

from vault_tool.config import load_settings
from vault_tool.logbook import read_log
from vault_tool.model import Interaction, Problem, Settings

PATH = "customers/acme.md"
BODY_LINE = 5  # the body starts on line 5 of the file in these tests


def config(text: str = "") -> Settings:
    result, problems = load_settings(text.encode())
    assert problems == []
    return result


DEFAULTS = config()
BILINGUAL = config("log_heading: [Log, 沟通记录]\n")


def read(body: str, settings: Settings = DEFAULTS) -> tuple[tuple[Interaction, ...], list[Problem]]:
    return read_log(body, BODY_LINE, settings, PATH, TODAY)


def entries(body: str, settings: Settings = DEFAULTS) -> list[tuple[str, str, str, int]]:
    found, problems = read(body, settings)
    assert problems == []
    return [(e.date.isoformat(), e.channel, e.text, e.line) for e in found]


def test_entries_with_absolute_lines() -> None:
    body = "Intro.\n\n## Log\n- 2026-11-02 call: asked for a quote\n- 2026-10-20 visit: saw the showroom\n"
    assert entries(body) == [("2026-11-02", "call", "asked for a quote", 8),
                             ("2026-10-20", "visit", "saw the showroom", 9)]


def test_continuation_lines_join_the_entry_text() -> None:
    body = "## Log\n- 2026-11-02 email: sent the price list,\n  asked   about\n  delivery\n"
    assert entries(body) == [("2026-11-02", "email", "sent the price list, asked about delivery", 6)]


def test_channels_match_without_regard_to_case_and_other_bullets_count() -> None:
    body = "## Log\n* 2026-11-02 CALL: a\n+ 2026-11-03 Email : b\n"
    assert entries(body) == [("2026-11-02", "call", "a", 6), ("2026-11-03", "email", "b", 7)]


def test_ordered_lists_count_too() -> None:
    assert entries("## Log\n1. 2026-11-02 note: a\n2. 2026-11-03 note: b\n") == [
        ("2026-11-02", "note", "a", 6), ("2026-11-03", "note", "b", 7)]


def test_chinese_channel_words_and_full_width_colon() -> None:
    body = ("## 沟通记录\n- 2026-11-02 电话：问报价\n- 2026-11-03 微信: 发了样品照片\n"
            "- 2026-11-04 拜访：看展厅\n")
    assert entries(body, BILINGUAL) == [("2026-11-02", "call", "问报价", 6),
                                        ("2026-11-03", "wechat", "发了样品照片", 7),
                                        ("2026-11-04", "visit", "看展厅", 8)]


def test_log_heading_as_a_list_reads_every_section() -> None:
    body = ("## Log\n- 2026-11-02 call: a\n\n## Notes\n- 2026-11-03 call: no\n\n"
            "## 沟通记录\n- 2026-11-04 电话：b\n")
    assert entries(body, BILINGUAL) == [("2026-11-02", "call", "a", 6), ("2026-11-04", "call", "b", 12)]


def test_only_the_configured_heading_is_a_log() -> None:
    chinese = config("log_heading: 沟通记录\n")
    assert entries("## Log\n- 2026-11-02 call: a\n", chinese) == []
    assert entries("## 沟通记录\n- 2026-11-02 电话：a\n", chinese) == [("2026-11-02", "call", "a", 6)]


@pytest.mark.parametrize("heading", ["# Log", "### log", "## LOG ##", "Log\n===", "Log\n---"])
def test_any_heading_level_and_case(heading: str) -> None:
    found = entries(f"{heading}\n- 2026-11-02 call: a\n")
    assert [(d, c) for d, c, _, _ in found] == [("2026-11-02", "call")]


def test_section_ends_at_the_next_heading_of_the_same_level() -> None:
    body = ("- 2026-11-01 call: before\n## Log\n- 2026-11-02 call: in\n### Calls\n- 2026-11-03 call: sub\n"
            "## Next\n- 2026-11-04 call: after\n")
    assert [e[2] for e in entries(body)] == ["in", "sub"]


def test_section_ends_at_a_higher_heading() -> None:
    body = "## Log\n- 2026-11-02 call: in\n# Chapter\n- 2026-11-03 call: after\n"
    assert [e[2] for e in entries(body)] == ["in"]


def test_code_blocks_and_nested_lists_are_not_entries() -> None:
    body = """\
## Log
- 2026-11-02 call: real
  - 2026-11-03 call: nested, a detail of the call above
- 2026-11-04 email: real too

```
- 2026-11-05 call: fenced code
```

    - 2026-11-06 call: indented code
> - 2026-11-07 call: quoted
"""
    found, problems = read(body)
    assert problems == []
    assert [e.text for e in found] == ["real", "real too"]


def test_nested_items_do_not_report_problems_either() -> None:
    found, problems = read("## Log\n- 2026-11-02 call: a\n  - no date here\n  - 2026-13-40 bad\n")
    assert (len(found), problems) == (1, [])


def test_empty_items_are_skipped_silently() -> None:
    assert read("## Log\n-\n- \n") == ((), [])


@pytest.mark.parametrize(("item", "value"), [("2026-13-01 call: x", "2026-13-01"),
                                             ("2026-02-30 call: x", "2026-02-30"),
                                             ("2026-11-00 call: x", "2026-11-00")])
def test_impossible_log_date(item: str, value: str) -> None:
    found, problems = read(f"## Log\n- 2026-11-02 call: ok\n- {item}\n")
    assert [e.text for e in found] == ["ok"]
    assert where(problems) == [(PATH, 7, 3, "error", "impossible-date")]
    assert problems[0].args == {"key": "log", "value": value}


@pytest.mark.parametrize("item", ["2026/11/02 call: x", "2026.11.02 call: x", "2026-1-5 call: x",
                                  "2026年11月2日 电话：x", "26-11-02 call: x", "2026-11-02call: x"])
def test_malformed_log_date_is_an_error(item: str) -> None:
    found, problems = read(f"## Log\n- {item}\n")
    assert found == ()
    assert where(problems) == [(PATH, 6, 3, "error", "log-date-format")]
    assert problems[0].args == {"text": item}


def test_undated_item_is_a_warning_with_its_text_cut_short() -> None:
    text = "Called Bob about the spring order and the new price list"
    found, problems = read(f"## Log\n- {text}\n")
    assert found == ()
    assert where(problems) == [(PATH, 6, 3, "warning", "log-undated")]
    assert problems[0].args == {"text": text[:40]}


@pytest.mark.parametrize("item", ["2026-11-05 asked for a quote", "2026-11-05", "2026-11-05: call"])
def test_log_entry_without_channel(item: str) -> None:
    found, problems = read(f"## Log\n- {item}\n")
    assert found == ()
    assert where(problems) == [(PATH, 6, 3, "error", "log-no-channel")]
    assert problems[0].args == {"date": "2026-11-05",
                                "channels": "call, email, meeting, visit, wechat, message, note"}


def test_unknown_channel_is_reported_at_the_word_with_the_nearest() -> None:
    found, problems = read("## Log\n- 2026-11-02 emial: sent it\n")
    assert found == ()
    assert where(problems) == [(PATH, 6, 14, "error", "unknown-channel")]
    assert problems[0].args == {"key": "channel", "value": "emial",
                                "choices": "call, email, meeting, visit, wechat, message, note, "
                                           "电话, 邮件, 会议, 拜访, 微信, 消息, 短信, 备注",
                                "suggestion": "email"}


def test_unknown_chinese_channel_suggests_the_alias_inside_it() -> None:
    _, problems = read("## Log\n- 2026-11-02 打电话：问报价\n")
    assert where(problems) == [(PATH, 6, 14, "error", "unknown-channel")]
    assert problems[0].args["suggestion"] == "电话"


def test_log_heading_typo_needs_a_whole_word() -> None:
    _, problems = read("## Blog posts\n- 2026-11-02 call: x\n## Catalogue\n")
    assert problems == []


def test_unknown_channel_without_anything_near() -> None:
    _, problems = read("## Log\n  -   2026-11-02 fax: sent it\n")
    assert where(problems) == [(PATH, 6, 18, "error", "unknown-channel")]
    assert problems[0].args["suggestion"] == ""


def test_declared_channels_replace_the_defaults_and_their_aliases() -> None:
    custom = config("channels: [email, fax]\n")
    body = "## Log\n- 2026-11-02 fax: a\n- 2026-11-03 邮件：b\n- 2026-11-04 电话：c\n"
    found, problems = read(body, custom)
    assert [(e.channel, e.text) for e in found] == [("fax", "a"), ("email", "b")]
    assert where(problems) == [(PATH, 8, 14, "error", "unknown-channel")]


def test_future_log_date_is_a_warning_and_still_an_entry() -> None:
    found, problems = read("## Log\n- 2026-11-23 call: today\n- 2026-11-24 meeting: booked\n")
    assert [e.date for e in found] == [date(2026, 11, 23), date(2026, 11, 24)]
    assert where(problems) == [(PATH, 7, 3, "warning", "future-log-date")]
    assert problems[0].args == {"date": "2026-11-24", "today": "2026-11-23"}


def test_every_bad_line_is_reported() -> None:
    body = ("## Log\n- 2026-11-02 call: ok\n- 2026/11/02 call: a\n- 2026-13-01 call: b\n- just text\n"
            "- 2026-11-05 nothing\n- 2026-11-06 fax: c\n- 2027-01-01 call: d\n")
    found, problems = read(body)
    assert [e.text for e in found] == ["ok", "d"]
    assert where(problems) == [
        (PATH, 7, 3, "error", "log-date-format"),
        (PATH, 8, 3, "error", "impossible-date"),
        (PATH, 9, 3, "warning", "log-undated"),
        (PATH, 10, 3, "error", "log-no-channel"),
        (PATH, 11, 14, "error", "unknown-channel"),
        (PATH, 12, 3, "warning", "future-log-date"),
    ]


def test_a_misspelt_log_heading_is_a_warning_not_a_silent_loss(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {
        "vault.yml": "log_heading: [Log, 沟通记录]\n",
        "customers/a.md": "---\nname: A\n---\nintro\n\n## Logs\n- 2026-11-01 call: x\n",
        "customers/b.md": "---\nname: B\n---\n## 沟通纪录\n- 2026-11-01 call: x\n",
        "customers/c.md": "---\nname: C\n---\n## Call log ideas\n\n## Log\n",
        "customers/d.md": "---\nname: D\n---\n## Background\n",
    })
    vault = load(root)
    assert where(vault.problems) == [
        ("customers/a.md", 6, 1, "warning", "log-heading-typo"),
        ("customers/b.md", 4, 1, "warning", "log-heading-typo"),
    ]
    assert [p.args["suggestion"] for p in vault.problems] == ["Log", "沟通记录"]
