"""The YAML tree: values exactly as written, every position, and every refusal as a problem."""

from __future__ import annotations

import time

import pytest
from conftest import double_quoted, where
from hypothesis import given
from hypothesis import strategies as st

from vault_tool.yamltree import MAX_DEPTH, Mapping, Node, Scalar, Sequence, parse_yaml

PATH = "customers/acme.md"


def parse(text: str, offset: int = 1) -> tuple[Node | None, list]:
    return parse_yaml(text, PATH, line_offset=offset)


def value(text: str, key: str = "k") -> Scalar:
    root, problems = parse(text)
    assert problems == []
    assert isinstance(root, Mapping)
    node = root.get(key)
    assert isinstance(node, Scalar)
    return node


@pytest.mark.parametrize(
    "written",
    ["01380013800", "NO", "no", "yes", "On", "1.0e3", "0x1F", "0o17", ".inf", "1_000", "2026-01-05",
     "12:30:00", "+86 138 0013 8000", "上海华联"],
)
def test_plain_scalars_are_kept_exactly_as_written(written: str) -> None:
    node = value(f"k: {written}\n")
    assert (node.value, node.plain, node.is_null) == (written, True, False)


@pytest.mark.parametrize("written", ["", "~", "null", "Null", "NULL"])
def test_plain_null_words_mean_nothing(written: str) -> None:
    node = value(f"k: {written}\n")
    assert node.is_null
    assert node.value == written


@pytest.mark.parametrize(
    ("written", "text"),
    [("'null'", "null"), ('"~"', "~"), ("''", ""), ("!!str null", "null"), ("!!str 0123", "0123"),
     ("'2026-01-05'", "2026-01-05"), ('"NO"', "NO")],
)
def test_quoted_or_str_tagged_values_are_text_never_null(written: str, text: str) -> None:
    node = value(f"k: {written}\n")
    assert (node.value, node.plain, node.is_null) == (text, False, False)


def test_block_scalars_keep_their_lines() -> None:
    assert value("k: |\n  line one\n  line two\n").value == "line one\nline two\n"


def test_positions_are_absolute_file_lines_and_one_based_columns() -> None:
    root, problems = parse("name: 上海华联\ncontacts:\n  - phone: '010'\n", offset=2)
    assert problems == []
    assert isinstance(root, Mapping)
    assert (root.line, root.column) == (2, 1)
    name = root.get("name")
    assert isinstance(name, Scalar) and (name.line, name.column) == (2, 7)
    contacts = root.get("contacts")
    assert isinstance(contacts, Sequence) and (contacts.line, contacts.column) == (4, 3)
    first = contacts.items[0]
    assert isinstance(first, Mapping) and (first.line, first.column) == (4, 5)
    phone = first.get("phone")
    assert isinstance(phone, Scalar) and (phone.value, phone.line, phone.column) == ("010", 4, 12)


def test_unicode_line_separators_do_not_shift_later_lines() -> None:
    # libyaml counts U+2028 and U+0085 as line breaks; editors and our line numbers do not.
    root, problems = parse('a: "x\u2028y"\nb: "\x85"\nc: 1\nd: &x 2\n', offset=2)
    assert isinstance(root, Mapping)
    c = root.get("c")
    assert isinstance(c, Scalar) and (c.line, c.column) == (4, 4)
    assert where(problems) == [(PATH, 5, 4, "error", "yaml-anchor")]


def test_duplicate_key_first_wins_and_is_reported_at_the_second() -> None:
    root, problems = parse("name: First\nstatus: lead\nname: Second\n", offset=2)
    assert isinstance(root, Mapping)
    assert [(k.value, v.value) for k, v in root.items if isinstance(v, Scalar)] == [
        ("name", "First"), ("status", "lead")]
    assert where(problems) == [(PATH, 4, 1, "error", "duplicate-key")]
    assert problems[0].args == {"key": "name", "first": "2"}


def test_duplicate_keys_inside_nested_mappings_are_found_too() -> None:
    _, problems = parse("contacts:\n  - name: a\n    phone: 1\n    phone: 2\n")
    assert where(problems) == [(PATH, 4, 5, "error", "duplicate-key")]
    assert problems[0].args == {"key": "phone", "first": "3"}


def test_duplicate_key_on_the_same_line_first_wins_too() -> None:
    root, problems = parse("{name: A, name: B}\n", offset=2)
    assert isinstance(root, Mapping)
    assert [(k.value, v.value) for k, v in root.items if isinstance(v, Scalar)] == [("name", "A")]
    assert where(problems) == [(PATH, 2, 11, "error", "duplicate-key")]
    assert problems[0].args == {"key": "name", "first": "2"}


def test_same_key_in_two_list_items_is_not_a_duplicate() -> None:
    _, problems = parse("deals:\n  - title: a\n  - title: b\n")
    assert problems == []


def test_anchor_is_refused_but_the_value_kept() -> None:
    root, problems = parse("name: &n Acme\n", offset=2)
    assert where(problems) == [(PATH, 2, 7, "error", "yaml-anchor")]
    assert problems[0].args == {"anchor": "n"}
    assert isinstance(root, Mapping) and isinstance(root.get("name"), Scalar)


def test_alias_stops_the_document() -> None:
    root, problems = parse("name: &n Acme\nindustry: *n\n", offset=2)
    assert root is None
    assert where(problems) == [(PATH, 2, 7, "error", "yaml-anchor"), (PATH, 3, 11, "error", "yaml-alias")]


def test_billion_laughs_ends_at_the_first_alias() -> None:
    text = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b, *b]\n"
    root, problems = parse(text)
    assert root is None
    assert [p.code for p in problems] == ["yaml-anchor", "yaml-anchor", "yaml-alias"]


@pytest.mark.parametrize(
    ("text", "column", "tag"),
    [
        ("k: !!python/object:os.system x\n", 4, "tag:yaml.org,2002:python/object:os.system"),
        ("k: !!python/object/apply:os.system [ls]\n", 4, "tag:yaml.org,2002:python/object/apply:os.system"),
        ("k: !!int 3\n", 4, "tag:yaml.org,2002:int"),
        ("k: !custom x\n", 4, "!custom"),
        ("k: !!map {a: 1}\n", 4, "tag:yaml.org,2002:map"),
        ("k: !!str [a]\n", 4, "tag:yaml.org,2002:str"),
    ],
)
def test_tags_are_refused_except_str_on_a_scalar(text: str, column: int, tag: str) -> None:
    _, problems = parse(text, offset=5)
    assert where(problems) == [(PATH, 5, column, "error", "yaml-tag")]
    assert problems[0].args == {"tag": tag}


def test_python_object_tag_is_never_constructed() -> None:
    root, _ = parse("k: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert isinstance(root, Mapping)
    node = root.get("k")
    assert isinstance(node, Sequence) and node.items[0] == Scalar("touch /tmp/pwned", False, 1, 37)


def test_second_document_after_separator_is_refused() -> None:
    root, problems = parse("name: a\n--- # second\nname: b\n", offset=2)
    assert root is None
    assert where(problems) == [(PATH, 3, 1, "error", "yaml-documents")]


def test_document_end_followed_by_more_is_a_second_document() -> None:
    root, problems = parse("name: a\n...\nstatus: active\n", offset=2)
    assert root is None
    assert where(problems) == [(PATH, 3, 1, "error", "yaml-documents")]


def test_document_end_alone_is_fine() -> None:
    root, problems = parse("name: a\n...\n")
    assert problems == [] and isinstance(root, Mapping)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("name: a: b\n", 2, 8),  # a colon inside a plain value
        ("name: a\n status: b\n", 3, 8),  # wrong indentation
        ("a: b\n- c\n", 3, 1),  # a list item inside a mapping
        ("name: 'Acme\n", 2, 7),  # unclosed quote: at the quote that was left open
        ("a: 1\n\tb: 2\n", 3, 1),  # tab indentation
    ],
)
def test_syntax_errors_are_reported_where_the_parser_stops(text: str, line: int, column: int) -> None:
    root, problems = parse(text, offset=2)
    assert root is None
    assert where(problems) == [(PATH, line, column, "error", "yaml-syntax")]
    assert problems[0].args["reason"]


def test_control_character_is_reported_on_its_own_line() -> None:
    _, problems = parse("name: 上海\nnote: a\x07b\n", offset=2)
    assert where(problems) == [(PATH, 3, 8, "error", "yaml-syntax")]
    assert "control characters" in problems[0].args["reason"]


def test_complex_key_is_refused() -> None:
    root, problems = parse("name: a\n? [x, y]\n: z\n")
    assert root is None
    assert where(problems) == [(PATH, 2, 3, "error", "yaml-complex-key")]


def test_deep_flow_nesting_ends_in_an_error_quickly() -> None:
    start = time.perf_counter()
    root, problems = parse("k: " + "[" * 100_000 + "\n", offset=2)
    assert time.perf_counter() - start < 2
    assert root is None
    # The root mapping is level 1 and 32 levels are allowed: the 32nd bracket is one too many.
    assert where(problems) == [(PATH, 2, 4 + MAX_DEPTH - 1, "error", "yaml-too-deep")]
    assert problems[0].args == {"limit": str(MAX_DEPTH)}


def test_deep_block_nesting_ends_in_an_error() -> None:
    # Level n is the mapping that starts on line n, column n.
    text = "".join(" " * i + f"k{i}:\n" for i in range(200))
    root, problems = parse(text)
    assert root is None
    assert where(problems) == [(PATH, MAX_DEPTH + 1, MAX_DEPTH + 1, "error", "yaml-too-deep")]


def test_nesting_just_under_the_limit_is_accepted() -> None:
    root, problems = parse("k: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n")
    assert problems == [] and isinstance(root, Mapping)


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", Sequence), ("just text\n", Scalar)])
def test_any_root_is_returned_as_is(text: str, kind: type) -> None:
    root, problems = parse(text)
    assert problems == [] and isinstance(root, kind)


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_empty_document_has_no_root(text: str) -> None:
    assert parse(text) == (None, [])


@given(st.text())
def test_any_double_quoted_text_comes_back_exactly(text: str) -> None:
    root, problems = parse(f"name: x\nphone: {double_quoted(text)}\n")
    assert problems == []
    assert isinstance(root, Mapping)
    node = root.get("phone")
    assert isinstance(node, Scalar)
    assert (node.value, node.plain, node.line, node.column) == (text, False, 2, 8)


@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_double_quoted_list_items_come_back_exactly(items: list[str]) -> None:
    text = "tags:\n" + "".join(f"  - {double_quoted(i)}\n" for i in items)
    root, problems = parse(text)
    assert problems == []
    assert isinstance(root, Mapping)
    tags = root.get("tags")
    assert isinstance(tags, Sequence)
    assert [n.value for n in tags.items if isinstance(n, Scalar)] == items
    assert [n.line for n in tags.items] == list(range(2, 2 + len(items)))
