"""The message catalog: every code the package raises is worded in English and Chinese."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from conftest import TODAY, load, make_vault

import vault_tool
from vault_tool.look import build_with_look
from vault_tool.messages import MESSAGES, SUGGESTION, WORDS, describe, format_problem
from vault_tool.model import Problem

PACKAGE = Path(vault_tool.__file__).parent
CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Calls whose string arguments are problem codes: Problem.error(path, line, col, CODE, ...),
# rep.warning(node, CODE, ...), check_choice(node, value, choices, CODE, ...), _retag(problems, CODE),
# Problem(path, line, col, severity, CODE); also `code = ...` and `code=...`.
CODE_CALLS = {"error", "warning", "check_choice", "_retag"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def codes_in_source() -> dict[str, set[str]]:
    """Every problem code written in the package's source, with the files it appears in."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name == "check_choice":  # check_choice(node, value, choices, code, key, rep)
                    candidates += node.args[3:4]
                elif name == "Problem":  # Problem(path, line, column, severity, code, params)
                    candidates += node.args[4:5]
                elif name in CODE_CALLS:
                    candidates += node.args
                candidates += [k.value for k in node.keywords if k.arg == "code"]
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
                candidates.append(node.value)
            for candidate in candidates:
                for const in ast.walk(candidate):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str) \
                            and CODE.match(const.value):
                        found.setdefault(const.value, set()).add(path.name)
    return found


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_source_scan_finds_the_codes() -> None:
    found = codes_in_source()
    assert {"not-utf8-gbk", "frontmatter-not-mapping", "log-undated", "duplicate-id",
            "unknown-status", "unknown-setting", "yaml-too-deep"} <= set(found)
    assert {"unreadable", "merge-conflict"} <= set(found)
    assert not {"status", "owner", "locale", "error"} & set(found)  # keys and severities are not codes


def test_every_code_in_the_source_has_a_message() -> None:
    missing = {code: files for code, files in codes_in_source().items() if code not in MESSAGES}
    assert missing == {}


def test_the_source_scan_sees_every_code_of_the_catalog() -> None:
    assert set(codes_in_source()) == set(MESSAGES)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_both_languages_say_it_with_the_same_parameters(code: str) -> None:
    english, chinese = MESSAGES[code]
    assert english.strip() and chinese.strip()
    assert placeholders(english) == placeholders(chinese)
    assert not CJK.search(english)
    assert CJK.search(chinese)


@pytest.mark.parametrize("code", sorted(MESSAGES))
@pytest.mark.parametrize("locale", ["en", "zh"])
def test_describe_fills_every_parameter(code: str, locale: str) -> None:
    index = 1 if locale == "zh" else 0
    names = sorted(placeholders(MESSAGES[code][index]))
    params = {name: f"<{name}-42>" for name in names}
    params.update({k: v for k, v in (("expected", "date"), ("got", "list")) if k in params})
    text = describe(Problem.error("customers/acme.md", 3, 9, code, **params), locale)
    assert "{" not in text and "}" not in text
    for name, given in params.items():
        shown = WORDS[given][index] if name in ("expected", "got") else given
        assert shown in text, (name, text)
    assert bool(CJK.search(text)) == (locale == "zh")


@pytest.mark.parametrize(("locale", "ending"), [("en", "; did you mean 'active'?"),
                                                 ("zh", "；您是不是想写 'active'？")])
def test_suggestion_is_added_when_there_is_one(locale: str, ending: str) -> None:
    problem = Problem.error("p.md", 3, 9, "unknown-status", key="status", value="actve",
                            choices="lead, active", suggestion="active")
    assert describe(problem, locale).endswith(ending)
    quiet = Problem.error("p.md", 3, 9, "unknown-status", key="status", value="x",
                          choices="lead, active", suggestion="")
    assert not describe(quiet, locale).endswith(SUGGESTION[1 if locale == "zh" else 0].format(suggestion=""))
    assert "?" not in describe(quiet, "en") and "？" not in describe(quiet, "zh")


def test_exact_wording_in_both_languages() -> None:
    problem = Problem.warning("customers/acme.md", 4, 1, "unknown-key", key="next_folow_up",
                              suggestion="next_follow_up")
    assert describe(problem) == "unknown key 'next_folow_up' is ignored; did you mean 'next_follow_up'?"
    assert describe(problem, "zh") == "未知字段 'next_folow_up' 将被忽略；您是不是想写 'next_follow_up'？"
    wrong = Problem.error("p.md", 2, 7, "wrong-type", key="tags", expected="list", got="value")
    assert describe(wrong) == "'tags' should be a list, but is a single value"
    assert describe(wrong, "zh") == "'tags' 应为列表，但现在是单个值"


def test_unknown_code_and_missing_parameter_degrade_gracefully() -> None:
    assert describe(Problem.error("p.md", 1, 1, "no-such-code")) == "no-such-code"
    assert describe(Problem.error("p.md", 1, 1, "missing-required")) == "'?' is required; add it"


def test_format_problem_is_what_editors_jump_to() -> None:
    problem = Problem.error("customers/上海华联.md", 5, 10, "impossible-date", key="created",
                            value="2026-02-30")
    assert format_problem(problem) == (
        "customers/上海华联.md:5:10: error: 'created': 2026-02-30 is not a real date; "
        "check the month and the day [impossible-date]")
    assert format_problem(problem, "zh") == (
        "customers/上海华联.md:5:10: error: 'created'：2026-02-30 不是真实存在的日期；请检查月份和日期"
        " [impossible-date]")


EVERY_CODE_VAULT: dict[str, str | bytes] = {
    "vault.yml": ("owners: [alice]\nlocale: fr\nchannels: []\ncolour: x\nrates: {USD: 0}\n"
                  "fields:\n  employees: integer\n  status: text\n  level: enum\n"
                  "  grade: {type: enum, values: [A, B]}\n"),
    "customers/big.md": b"---\nname: x\n---\n" + b"y" * 1_100_000,
    "customers/typo-heading.md": "---\nname: x\n---\n## Logs\n- 2026-11-01 call: x\n",
    "customers/latin1.md": b"---\nname: caf\xe9\xff\n---\n",
    "customers/gbk.md": "---\nname: 北京\n---\n".encode("gbk"),
    "customers/utf16.md": "---\nname: x\n---\n".encode("utf-16"),
    "customers/binary.md": b"---\nname: x\n---\n\x00",
    "customers/conflict.md": "<<<<<<< HEAD\n---\nname: x\n---\n=======\n>>>>>>> b\n",
    "customers/missing.md": "name: x\n",
    "customers/not-first.md": "\n---\nname: x\n---\n",
    "customers/unclosed.md": "---\nname: x\n",
    "customers/empty.md": "---\n---\n",
    "customers/list.md": "---\n- x\n---\n",
    "customers/syntax.md": "---\nname: [x\n---\n",
    "customers/documents.md": "---\nname: x\n--- # two\nname: y\n---\n",
    "customers/alias.md": "---\nname: &a x\nregion: *a\n---\n",
    "customers/tag.md": "---\nname: !!binary eA==\n---\n",
    "customers/deep.md": "---\nname: " + "[" * 40 + "\n---\n",
    "customers/complex.md": "---\n? [a]\n: b\n---\n",
    "customers/values.md": """\
---
name: x
name: y
tags: one
created: 2026/01/01
next_follow_up: 2026-02-30
employees: 1.5
grade: Z
cadence: soon
follow_up: 2026-11-30
status: actve
owner: bob
deals:
  - title: d
    stage: wonn
    value: 12,000
    probability: 2
  - value: -1
nxt_follow_up: x
---
## Log
- 2026-11-02 fax: x
- 2026-11-03 asked
- 2026/11/04 call: x
- no date
- 2026-12-24 call: later
""",
    "customers/far.md": "---\nname: x\ncreated: 9999-01-01\ncadence: 1000y\n---\n",
    "customers/a/dup.md": "---\nname: x\n---\n",
    "customers/b/dup.md": "---\nname: x\n---\n",
    "templates/base.html": "{% if %}\n",
}


def test_every_code_is_raised_by_some_real_input_and_worded_completely(tmp_path: Path) -> None:
    root = make_vault(tmp_path, EVERY_CODE_VAULT)
    (root / "customers" / "ghost.md").symlink_to(root / "nowhere.md")
    vault = load(root)
    _, broken = build_with_look(vault, tmp_path / "site", TODAY, root)  # the templates' codes
    problems = (*vault.problems, *broken)
    assert {p.code for p in problems} == set(MESSAGES)
    for problem in problems:
        for index in (0, 1):
            needed = placeholders(MESSAGES[problem.code][index])
            assert needed <= set(problem.args), (problem, needed)
        assert "{" not in describe(problem, "zh")
