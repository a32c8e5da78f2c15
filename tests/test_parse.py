"""One file's bytes -> front matter and body, or problems at exact lines; no text vanishes."""

from __future__ import annotations

import time

import pytest
from conftest import where

from vault_tool.parse import MAX_FILE_BYTES, ParsedNote, decode, parse_note
from vault_tool.yamltree import Mapping, Scalar

PATH = "customers/acme.md"


def note(data: str | bytes) -> ParsedNote:
    return parse_note(data.encode("utf-8") if isinstance(data, str) else data, PATH)


def front_value(parsed: ParsedNote, key: str) -> tuple[str, int, int]:
    assert isinstance(parsed.front, Mapping)
    node = parsed.front.get(key)
    assert isinstance(node, Scalar)
    return node.value, node.line, node.column


def test_front_matter_and_body_with_their_lines() -> None:
    parsed = note("---\nname: Acme\nstatus: active\n---\nNotes here.\n\n## Log\n")
    assert parsed.problems == ()
    assert front_value(parsed, "status") == ("active", 3, 9)
    assert (parsed.front_line, parsed.body, parsed.body_line) == (1, "Notes here.\n\n## Log\n", 5)


def test_longer_boundaries_and_trailing_spaces_are_accepted() -> None:
    parsed = note("----  \nname: Acme\n-----\t\nbody")
    assert parsed.problems == ()
    assert front_value(parsed, "name") == ("Acme", 2, 7)
    assert (parsed.body, parsed.body_line) == ("body", 4)


def test_bom_and_crlf_are_read_with_correct_lines_and_no_problem() -> None:
    parsed = note(b"\xef\xbb\xbf---\r\nname: Acme\r\nregion: NO\r\n---\r\nbody\r\n")
    assert parsed.problems == ()
    assert front_value(parsed, "name") == ("Acme", 2, 7)
    assert front_value(parsed, "region") == ("NO", 3, 9)
    assert (parsed.body, parsed.body_line) == ("body\n", 5)


def test_old_mac_line_endings_are_lines_too() -> None:
    parsed = note(b"---\rname: Acme\r---\rbody")
    assert parsed.problems == ()
    assert front_value(parsed, "name") == ("Acme", 2, 7)


def test_decode_keeps_text_exactly_apart_from_bom_and_line_endings() -> None:
    assert decode("\ufeffa\r\nb\rc\n上海\u2028".encode(), PATH) == ("a\nb\nc\n上海\u2028", [])


def test_not_utf8_is_reported_at_the_bad_byte_in_characters() -> None:
    data = "---\nname: Café ".encode() + b"\xff\n---\n"
    parsed = note(data)
    assert parsed.front is None
    assert where(parsed.problems) == [(PATH, 2, 12, "error", "not-utf8")]
    assert parsed.problems[0].args == {"byte": "0xFF"}


def test_gbk_file_gets_a_gbk_hint() -> None:
    parsed = note("---\nname: 上海华联\n---\n".encode("gbk"))
    assert where(parsed.problems) == [(PATH, 2, 7, "error", "not-utf8-gbk")]
    assert parsed.problems[0].args == {"byte": "0xC9"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_named(encoding: str) -> None:
    data = "---\nname: Acme\n---\n".encode(encoding)
    if encoding != "utf-16":
        data = "\ufeff".encode(encoding) + data
    assert where(note(data).problems) == [(PATH, 1, 1, "error", "not-utf8-utf16")]


def test_nul_byte_means_binary_and_names_its_line() -> None:
    assert where(note(b"---\nname: a\n---\nbody\x00\n").problems) == [(PATH, 4, 1, "error", "binary-file")]


def test_two_megabyte_file_is_refused_quickly() -> None:
    data = b"---\nname: a\n---\n" + b"x" * 2_000_000
    start = time.perf_counter()
    parsed = note(data)
    assert time.perf_counter() - start < 1
    assert where(parsed.problems) == [(PATH, 1, 1, "error", "file-too-large")]
    assert parsed.problems[0].args == {"size": str(len(data)), "limit": str(MAX_FILE_BYTES)}


def test_file_at_the_size_limit_is_read() -> None:
    head = b"---\nname: a\n---\n"
    parsed = note(head + b"x" * (MAX_FILE_BYTES - len(head)))
    assert parsed.problems == ()
    assert front_value(parsed, "name") == ("a", 2, 7)


def test_missing_front_matter_keeps_the_text_as_body() -> None:
    text = "\n# Acme\nname: Acme\n"
    parsed = note(text)
    assert parsed.front is None
    assert where(parsed.problems) == [(PATH, 2, 1, "error", "frontmatter-missing")]
    assert (parsed.body, parsed.body_line) == (text, 1)


@pytest.mark.parametrize("text", ["", "\n\n"])
def test_empty_file_has_no_front_matter(text: str) -> None:
    assert where(note(text).problems) == [(PATH, 1, 1, "error", "frontmatter-missing")]


def test_front_matter_below_blank_lines_is_not_first() -> None:
    parsed = note("\n\n---\nname: Acme\n---\n")
    assert where(parsed.problems) == [(PATH, 3, 1, "error", "frontmatter-not-first")]
    assert parsed.front is None


def test_unclosed_front_matter_is_reported_at_its_opening_and_kept_as_body() -> None:
    text = "---\nname: Acme\nstatus: active\n\nSome notes.\n"
    parsed = note(text)
    assert parsed.front is None
    assert where(parsed.problems) == [(PATH, 1, 1, "error", "frontmatter-unclosed")]
    assert parsed.body == text


def test_front_matter_closed_only_by_dots_is_unclosed() -> None:
    # `...` is YAML's end of document, not a front matter delimiter (python-frontmatter agrees).
    assert where(note("---\nname: Acme\n...\nnotes\n").problems) == [
        (PATH, 1, 1, "error", "frontmatter-unclosed")]


def test_dots_then_more_fields_is_a_second_document_not_body_text() -> None:
    parsed = note("---\nname: Acme\n...\nstatus: active\n---\nbody\n")
    assert parsed.front is None
    assert where(parsed.problems) == [(PATH, 3, 1, "error", "yaml-documents")]


def test_dots_at_the_end_of_the_front_matter_are_allowed() -> None:
    parsed = note("---\nname: Acme\n...\n---\nbody\n")
    assert parsed.problems == ()
    assert (front_value(parsed, "name"), parsed.body_line) == (("Acme", 2, 7), 5)


def test_empty_front_matter_parses_to_nothing_without_problem() -> None:
    parsed = note("---\n---\nbody\n")
    assert (parsed.front, parsed.problems, parsed.body, parsed.body_line) == (None, (), "body\n", 3)


def test_yaml_problems_carry_absolute_file_lines() -> None:
    parsed = note("---\nname: Acme\nname: Again\ntags: [a\n---\n")
    assert where(parsed.problems) == [
        (PATH, 3, 1, "error", "duplicate-key"),
        (PATH, 4, 7, "error", "yaml-syntax"),  # the `[` left open
    ]


def test_merge_conflict_skips_the_file_and_names_both_markers() -> None:
    text = ("---\nname: Acme\n<<<<<<< HEAD\nstatus: active\n=======\nstatus: lead\n"
            ">>>>>>> feature\n---\n")
    parsed = note(text)
    assert parsed.front is None
    assert where(parsed.problems) == [(PATH, 3, 1, "error", "merge-conflict")]
    assert parsed.problems[0].args == {"start": "3", "end": "7"}


def test_every_conflict_in_a_file_is_reported() -> None:
    text = ("---\nname: Acme\n---\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n\n"
            "<<<<<<< HEAD\nc\n=======\nd\n")
    parsed = note(text)
    assert where(parsed.problems) == [
        (PATH, 4, 1, "error", "merge-conflict"), (PATH, 10, 1, "error", "merge-conflict")]
    assert [p.args["end"] for p in parsed.problems] == ["8", "?"]


def test_setext_underline_and_short_markers_are_not_conflicts() -> None:
    parsed = note("---\nname: Acme\n---\nTitle\n=======\n\n<<<<<<<<< not a marker\n>>> quote\n")
    assert parsed.problems == ()
