"""A small YAML tree with source positions, built from PyYAML's event stream.

We do not let PyYAML construct Python objects: its resolver turns `NO` into
False and `01380013800` into a number, and its composer is recursive and
expands aliases. Instead we read the events (libyaml when available) and build
plain nodes that keep every scalar exactly as written, with its line and
column, refusing duplicate keys, anchors, aliases, tags, several documents and
pathological nesting as problems rather than exceptions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import yaml

from .model import Problem

try:  # libyaml's parser is several times faster and gives the same marks
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_DEPTH = 32
NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
# The one explicit tag we accept: `!!str 0123` is a standard way to say "text".
STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Scalar:
    value: str
    plain: bool  # written without quotes or block style: `null` means nothing
    line: int
    column: int

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in NULL_WORDS


@dataclass(frozen=True)
class Mapping:
    items: tuple[tuple[Scalar, Node], ...]
    line: int
    column: int

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    line: int
    column: int


Node = Scalar | Mapping | Sequence


class _Abort(Exception):
    """Raised inside the builder when the document cannot be used at all."""


@dataclass
class _Frame:
    kind: str  # "map" or "seq"
    line: int
    column: int
    items: list  # type: ignore[type-arg]
    seen: dict[str, Scalar]  # each key's first occurrence
    pending_key: Scalar | None = None


class _Builder:
    """Turns events into nodes; keeps its own stack, so depth cannot overflow."""

    def __init__(self, path: str, line_offset: int, text: str) -> None:
        self.path = path
        self.offset = line_offset
        self.line_starts = _line_starts(text)
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.root: Node | None = None
        self.documents = 0
        self.document_end: yaml.DocumentEndEvent | None = None  # an explicit `...`

    def pos(self, event: yaml.Event) -> tuple[int, int]:
        mark = event.start_mark
        return _position(self.line_starts, mark.index if mark else 0, self.offset)

    def error(self, event: yaml.Event, code: str, **params: object) -> None:
        line, column = self.pos(event)
        self.problems.append(Problem.error(self.path, line, column, code, **params))

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.error(event, "yaml-documents")
                raise _Abort
        elif isinstance(event, yaml.DocumentEndEvent) and event.explicit:
            self.document_end = event
        elif isinstance(event, yaml.AliasEvent):
            self.error(event, "yaml-alias", anchor=event.anchor)
            raise _Abort
        elif isinstance(event, yaml.ScalarEvent):
            self._check_anchor_and_tag(event, allow_str=True)
            line, column = self.pos(event)
            # The C parser marks plain scalars with style '', the Python one with None.
            plain = not event.style and event.tag != STR_TAG
            self._add(Scalar(event.value, plain, line, column), event)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._check_anchor_and_tag(event, allow_str=False)
            if len(self.stack) >= MAX_DEPTH:
                self.error(event, "yaml-too-deep", limit=MAX_DEPTH)
                raise _Abort
            line, column = self.pos(event)
            kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
            self.stack.append(_Frame(kind, line, column, [], {}))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = self.stack.pop()
            node: Node
            if frame.kind == "map":
                node = Mapping(tuple(frame.items), frame.line, frame.column)
            else:
                node = Sequence(tuple(frame.items), frame.line, frame.column)
            self._add(node, event)

    def _check_anchor_and_tag(self, event: yaml.NodeEvent, allow_str: bool) -> None:
        if event.anchor is not None:
            self.error(event, "yaml-anchor", anchor=event.anchor)
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and not (allow_str and tag == STR_TAG):
            self.error(event, "yaml-tag", tag=tag)

    def _add(self, node: Node, event: yaml.Event) -> None:
        if not self.stack:
            self.root = node
            return
        frame = self.stack[-1]
        if frame.kind == "seq":
            frame.items.append(node)
        elif frame.pending_key is None:
            if not isinstance(node, Scalar):
                self.problems.append(
                    Problem.error(self.path, node.line, node.column, "yaml-complex-key")
                )
                raise _Abort
            first = frame.seen.get(node.value)
            if first is not None:
                self.problems.append(
                    Problem.error(
                        self.path, node.line, node.column, "duplicate-key",
                        key=node.value, first=first.line,
                    )
                )
            else:
                frame.seen[node.value] = node
            frame.pending_key = node
        else:
            key = frame.pending_key
            frame.pending_key = None
            # The first occurrence wins, even over a second one on the same line: {a: 1, a: 2}.
            if frame.seen.get(key.value) is key:
                frame.items.append((key, node))


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _position(line_starts: list[int], index: int, offset: int) -> tuple[int, int]:
    """File line and column of a character index, counting only newlines as line breaks.

    libyaml also breaks lines at U+0085, U+2028 and U+2029, which editors do not,
    so its own line numbers drift after one of those; its character index does not.
    """
    row = bisect_right(line_starts, index) - 1
    return row + offset, index - line_starts[row] + 1


def _too_deep(text: str, fallback: int) -> int:
    """Where flow brackets first nest deeper than MAX_DEPTH (the root mapping is level 1)."""
    depth = 1
    for index, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return index
        elif char in "]}":
            depth -= 1
    return fallback


def parse_yaml(text: str, path: str, line_offset: int = 1) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document; `line_offset` is the file line of the text's first line."""
    builder = _Builder(path, line_offset, text)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except _Abort:
        return None, builder.problems
    except yaml.MarkedYAMLError as exc:
        if builder.document_end is not None:  # `...` and then more: a second document
            builder.error(builder.document_end, "yaml-documents")
            return None, builder.problems
        mark = exc.problem_mark or exc.context_mark
        index = mark.index if mark else 0
        if "nesting depth" in (exc.problem or ""):
            # libyaml 0.2.6+ stops at its own depth limit while scanning ahead, before
            # our limit was reached event by event: report it as ours, where ours is passed.
            line, column = _position(builder.line_starts, _too_deep(text, index), line_offset)
            builder.problems.append(Problem.error(path, line, column, "yaml-too-deep",
                                                  limit=MAX_DEPTH))
            return None, builder.problems
        if text.strip() and not text[index:].strip():
            # The error is "found the end": point at what was left open (the start
            # of a quoted text, or the last thing written, as in `name: [`), not at
            # the closing `---`.
            context = exc.context_mark
            index = context.index if context and context.index < index else len(text.rstrip()) - 1
        line, column = _position(builder.line_starts, index, line_offset)
        reason = " ".join(x for x in (exc.context, exc.problem) if x)
        builder.problems.append(Problem.error(path, line, column, "yaml-syntax", reason=reason))
        return None, builder.problems
    except yaml.YAMLError as exc:  # e.g. a control character libyaml refuses
        # A ReaderError's `position` counts bytes in libyaml but characters in
        # Python, so find the refused character itself.
        character = getattr(exc, "character", None)
        index = max(text.find(chr(character)), 0) if isinstance(character, int) else 0
        line, column = _position(builder.line_starts, index, line_offset)
        builder.problems.append(
            Problem.error(path, line, column, "yaml-syntax", reason=str(exc).splitlines()[0])
        )
        return None, builder.problems
    return builder.root, builder.problems
