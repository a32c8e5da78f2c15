"""Where each value of the front matter is written, and how to write a new one.

yamltree reads what a value *means*; an editor also needs where it *ends*, to
replace exactly those characters and nothing around them (a comment after the
value, the key, the indentation). This reads the same YAML events with their
start and end marks into a small tree of spans. It never decides what a note
means: the edits re-read their result with yamltree and compare.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal, Protocol

import yaml

from .yamltree import Mapping, Scalar, parse_yaml

try:  # the same parser yamltree uses, so marks agree
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Pos:
    """A place in the file: 0-based line index and 0-based character column."""

    line: int
    column: int


@dataclass(frozen=True)
class Span:
    kind: Literal["scalar", "map", "seq"]
    start: Pos
    end: Pos
    value: str = ""
    style: str = ""  # scalars: "" plain, "'", '"', "|" or ">"
    flow: bool = False  # collections written as {…} or […]
    entries: tuple[tuple[Span, Span], ...] = ()  # mappings: (key, value)
    items: tuple[Span, ...] = ()  # sequences

    def get(self, key: str) -> tuple[Span, Span] | None:
        return next(((k, v) for k, v in self.entries if k.value == key), None)

    @property
    def is_empty(self) -> bool:
        """`owner:` with nothing after it: a zero-width null right after the colon."""
        return self.kind == "scalar" and self.start == self.end


class _Mark(Protocol):
    index: int  # characters from the start of the text


@dataclass
class _Open:
    kind: Literal["map", "seq"]
    start: Pos
    flow: bool
    children: list[Span] = field(default_factory=list)


def read_spans(text: str, first_line: int) -> Span | None:
    """The span tree of one YAML document; `first_line` is the file line index of its first line.

    Returns None when the text is not one readable document (the caller has
    already been told why by yamltree).
    """
    starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def pos(mark: _Mark | None) -> Pos:
        index = mark.index if mark is not None else 0
        row = _row(starts, index)
        return Pos(row + first_line, index - starts[row])

    stack: list[_Open] = []
    root: Span | None = None
    try:
        for event in yaml.parse(text, Loader=_Loader):
            span: Span | None = None
            if isinstance(event, yaml.ScalarEvent):
                span = Span("scalar", pos(event.start_mark), pos(event.end_mark), event.value,
                            event.style or "")
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                kind: Literal["map", "seq"] = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                stack.append(_Open(kind, pos(event.start_mark), bool(event.flow_style)))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                span = _close(stack.pop(), pos(event.end_mark))
            if span is not None:
                if stack:
                    stack[-1].children.append(span)
                else:
                    root = span
    except yaml.YAMLError:
        return None
    return root


def _row(starts: list[int], index: int) -> int:
    return bisect_right(starts, index) - 1


def _close(frame: _Open, end: Pos) -> Span:
    if frame.kind == "seq":
        return Span("seq", frame.start, end, flow=frame.flow, items=tuple(frame.children))
    pairs = tuple(zip(frame.children[0::2], frame.children[1::2], strict=True))
    return Span("map", frame.start, end, flow=frame.flow, entries=pairs)


# --- writing a value -------------------------------------------------------------------------

def yaml_scalar(value: str, *, flow: bool = False, style: str = "") -> str:
    """`value` as YAML text that reads back as exactly `value`.

    Plain when our own reading gives back the same text (so `NO`, `0123` and
    `2026-12-01` stay as a person would write them); otherwise quoted. A value
    that was quoted keeps its kind of quotes when they can hold it.
    """
    if style == "'" and _printable(value):
        return single_quoted(value)
    if style in ("'", '"'):
        return double_quoted(value)
    return value if is_plain_safe(value, flow=flow) else double_quoted(value)


def is_plain_safe(value: str, *, flow: bool = False) -> bool:
    """Does `value` written without quotes read back as the same text, not as empty?"""
    if not value or value != value.strip() or not _printable(value):
        return False
    probe = f"{{k: {value}}}\n" if flow else f"k: {value}\n"
    tree, problems = parse_yaml(probe, "value")
    if problems or not isinstance(tree, Mapping) or len(tree.items) != 1:
        return False
    node = tree.items[0][1]
    return isinstance(node, Scalar) and node.plain and node.value == value and not node.is_null


def _printable(value: str) -> bool:
    return all(_is_printable(ch) for ch in value)


def _is_printable(ch: str) -> bool:
    code = ord(ch)
    return ((0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
             or code >= 0x10000) and ch not in "\u2028\u2029\ufeff")


def single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def double_quoted(value: str) -> str:
    """A YAML double-quoted scalar; anything YAML cannot hold raw is escaped."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif _is_printable(ch):
            out.append(ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:  # pragma: no cover - every character above U+FFFF is printable
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'
