"""Spans of front matter values, and writing a value so that it reads back the same."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault_tool.yamlspans import Pos, double_quoted, is_plain_safe, read_spans, single_quoted, yaml_scalar
from vault_tool.yamltree import Mapping, Scalar, parse_yaml

FRONT = """name: Acme  # the name
owner:
status: 'lead'
tags: [a, b]
follow_up: "call
  back" # later
deals:
  - {title: Tea, stage: won}
  - title: 上海
    stage: proposal
notes: |
  text
"""


def test_spans_give_where_each_value_starts_and_ends() -> None:
    root = read_spans(FRONT, first_line=1)
    assert root is not None and root.kind == "map" and not root.flow
    name = root.get("name")
    assert name is not None and (name[1].start, name[1].end) == (Pos(1, 6), Pos(1, 10))
    owner = root.get("owner")
    assert owner is not None and owner[1].is_empty and owner[1].start == Pos(2, 6)
    status = root.get("status")
    assert status is not None and status[1].style == "'" and status[1].end == Pos(3, 14)
    follow = root.get("follow_up")
    assert follow is not None and (follow[1].start, follow[1].end) == (Pos(5, 11), Pos(6, 7))
    deals = root.get("deals")
    assert deals is not None and deals[1].kind == "seq"
    first, second = deals[1].items
    assert first.flow and not second.flow
    title = second.get("title")
    assert title is not None and title[1].value == "上海" and title[1].start == Pos(9, 11)
    notes = root.get("notes")
    assert notes is not None and notes[1].style == "|"


def test_unreadable_yaml_gives_no_spans() -> None:
    assert read_spans("a: [\n", 1) is None


@pytest.mark.parametrize("value", ["active", "NO", "0123", "2026-12-01", "上海华联", "a:b", "it's",
                                   "send quote", "C#", "100%", "yes", 'say "hi"'])
def test_plain_when_it_reads_back_the_same(value: str) -> None:
    assert yaml_scalar(value) == value


@pytest.mark.parametrize(("value", "written"), [
    ("a: b", '"a: b"'),
    ("send quote #2", '"send quote #2"'),
    ("", '""'),
    (" lead", '" lead"'),
    ("null", '"null"'),
    ("~", '"~"'),
    ("[x]", '"[x]"'),
    ("#1", '"#1"'),
    ("- x", '"- x"'),
    ('"hi"', '"\\"hi\\""'),
    ("two\nlines", '"two\\nlines"'),
    ("tab\there", '"tab\\there"'),
    ("bell\x07", '"bell\\u0007"'),
    ("\u2028", '"\\u2028"'),
    ("'quoted'", "\"'quoted'\""),
])
def test_quoted_when_plain_would_change_it(value: str, written: str) -> None:
    assert yaml_scalar(value) == written


def test_flow_context_quotes_commas_and_brackets() -> None:
    assert yaml_scalar("a, b", flow=True) == '"a, b"'
    assert yaml_scalar("a, b") == "a, b"
    assert yaml_scalar("x}", flow=True) == '"x}"'


def test_a_quoted_value_keeps_its_kind_of_quotes() -> None:
    assert yaml_scalar("active", style="'") == "'active'"
    assert yaml_scalar("it's", style="'") == "'it''s'"
    assert yaml_scalar("two\nlines", style="'") == '"two\\nlines"'  # single quotes cannot hold it
    assert yaml_scalar("active", style='"') == '"active"'
    assert single_quoted("a'b") == "'a''b'"
    assert double_quoted("\\") == '"\\\\"'


@given(st.text())
def test_any_text_reads_back_exactly(text: str) -> None:
    for flow in (False, True):
        written = yaml_scalar(text, flow=flow)
        probe = f"{{k: {written}}}\n" if flow else f"k: {written}  # comment\n"
        tree, problems = parse_yaml(probe, "x")
        assert problems == []
        assert isinstance(tree, Mapping)
        node = tree.items[0][1]
        assert isinstance(node, Scalar) and node.value == text and not node.is_null
        assert "\n" not in written


@given(st.text(min_size=1))
def test_plain_safe_means_plain_and_same(text: str) -> None:
    if is_plain_safe(text):
        tree, _ = parse_yaml(f"k: {text}\n", "x")
        assert isinstance(tree, Mapping)
        node = tree.items[0][1]
        assert isinstance(node, Scalar) and node.plain and node.value == text
