"""One file's bytes -> its front matter tree and its body, or problems.

Nothing is guessed: a file that is not UTF-8, has no front matter, never
closes it, or still holds merge-conflict markers is reported with the exact
line, and no text of it silently disappears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontmatter.default_handlers import YAMLHandler

from .model import Problem
from .yamltree import Node, parse_yaml

MAX_FILE_BYTES = 1_000_000
BOM = "\ufeff"
# The same delimiter python-frontmatter accepts, so other tools read our files alike.
# It both opens and closes the front matter. A `...` line inside is YAML's own
# "end of document": more fields after it are reported as a second document
# instead of silently falling into the body.
BOUNDARY = YAMLHandler.FM_BOUNDARY
CONFLICT = re.compile(r"^(<{7}|>{7})(\s|$)")


@dataclass(frozen=True)
class ParsedNote:
    """A note split into its parts. `front` is None when it could not be read."""

    front: Node | None
    front_line: int  # line of the opening ---
    body: str
    body_line: int  # file line of the body's first line
    problems: tuple[Problem, ...]


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text with a BOM removed and line endings made `\\n`, or a problem."""
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem.error(path, 1, 1, "file-too-large", size=len(data),
                                    limit=MAX_FILE_BYTES)]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem.error(path, 1, 1, "not-utf8-utf16")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(data, exc, path)]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Problem.error(path, line, 1, "binary-file")]
    if text.startswith(BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _not_utf8(data: bytes, exc: UnicodeDecodeError, path: str) -> Problem:
    start = exc.start
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    # A column counts characters, as YAML positions do; the bytes before `start` are valid UTF-8.
    column = len(data[line_start:start].decode("utf-8")) + 1
    try:
        data.decode("gb18030")
        guess = "gb18030"
    except UnicodeDecodeError:
        guess = ""
    code = "not-utf8-gbk" if guess else "not-utf8"
    return Problem.error(path, line, column, code, byte=f"0x{data[start]:02X}")


def conflict_problems(lines: list[str], path: str) -> list[Problem]:
    """One problem per unresolved merge conflict, at its `<<<<<<<` line.

    Only the `<<<<<<<` and `>>>>>>>` markers count: a line of `=======` alone is
    also a Markdown heading underline.
    """
    problems = []
    start: int | None = None
    for number, line in enumerate(lines, 1):
        if not CONFLICT.match(line):
            continue
        if line.startswith("<"):
            if start is not None:
                problems.append(Problem.error(path, start, 1, "merge-conflict", start=start, end="?"))
            start = number
        else:
            begin = start if start is not None else number
            problems.append(Problem.error(path, begin, 1, "merge-conflict", start=begin, end=number))
            start = None
    if start is not None:
        problems.append(Problem.error(path, start, 1, "merge-conflict", start=start, end="?"))
    return problems


def split_note(text: str, path: str) -> ParsedNote:
    """Split decoded text into front matter and body; parse the front matter."""
    lines = text.split("\n")
    conflicts = conflict_problems(lines, path)
    if conflicts:
        return ParsedNote(None, 1, "", 1, tuple(conflicts))
    if not lines or not BOUNDARY.match(lines[0]):
        first = next((i for i, x in enumerate(lines, 1) if x.strip()), 1)
        code = "frontmatter-not-first" if BOUNDARY.match(lines[first - 1]) else "frontmatter-missing"
        return ParsedNote(None, 1, text, 1, (Problem.error(path, first, 1, code),))
    end = next((i for i in range(1, len(lines)) if BOUNDARY.match(lines[i])), None)
    if end is None:
        problem = Problem.error(path, 1, 1, "frontmatter-unclosed")
        return ParsedNote(None, 1, text, 1, (problem,))
    front_text = "\n".join(lines[1:end]) + "\n"
    front, problems = parse_yaml(front_text, path, line_offset=2)
    body = "\n".join(lines[end + 1:])
    return ParsedNote(front, 1, body, end + 2, tuple(problems))


def parse_note(data: bytes, path: str) -> ParsedNote:
    text, problems = decode(data, path)
    if text is None:
        return ParsedNote(None, 1, "", 1, tuple(problems))
    return split_note(text, path)
