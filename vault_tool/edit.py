"""Pure edits of a note's text that change only the lines they must.

A note is written by a person, and its text is the source of truth. So no edit
re-serialises the front matter (that would drop comments, reorder keys and
change quoting). Each edit finds the exact characters of one value from the
YAML parser's marks, splices new text in, then re-reads the result and
refuses unless exactly the intended value changed and the body is untouched.
Line endings (CRLF, LF, even old Mac CR), a byte order mark and a missing
final newline are kept; new lines use the file's most common line ending.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .convert import nearest
from .parse import BOM, split_note
from .yamlspans import Pos, Span, read_spans, yaml_scalar
from .yamltree import Mapping, Node, Scalar, Sequence

EOL = re.compile(r"\r\n|\r|\n")
DOC_END = re.compile(r"^\.\.\.\s*(#.*)?$")
REST_OF_LINE = re.compile(r"^\s*(#.*)?$")  # what may follow a value: spaces, a comment
BLOCK_STYLES = ("|", ">")

KeyPath = tuple[str | int, ...]  # ("status",) or ("deals", 0, "stage")


class EditRefused(Exception):
    """The note cannot be changed safely line by line; nothing was changed."""


@dataclass(frozen=True)
class Line:
    text: str
    eol: str  # "\r\n", "\n", "\r", or "" for a last line without a newline


@dataclass(frozen=True)
class Note:
    """A note's exact text as lines, with its front matter read twice: as values and as spans."""

    bom: str
    lines: tuple[Line, ...]
    end: int  # index of the closing --- line
    tree: Mapping
    root: Span

    @property
    def eol(self) -> str:
        """The line ending new lines get: the file's most common one, LF when it has none."""
        counts = Counter(line.eol for line in self.lines if line.eol)
        return counts.most_common(1)[0][0] if counts else "\n"

    @property
    def body(self) -> tuple[Line, ...]:
        return self.lines[self.end + 1:]


def split_lines(text: str) -> tuple[str, list[Line]]:
    """A BOM (or nothing) and the lines, each with its own line ending, as parse.decode counts them."""
    bom = BOM if text.startswith(BOM) else ""
    rest = text[len(bom):]
    lines: list[Line] = []
    start = 0
    for match in EOL.finditer(rest):
        lines.append(Line(rest[start:match.start()], match.group()))
        start = match.end()
    if start < len(rest):
        lines.append(Line(rest[start:], ""))
    return bom, lines


def join_lines(bom: str, lines: list[Line] | tuple[Line, ...]) -> str:
    return bom + "".join(line.text + line.eol for line in lines)


def read_note(text: str) -> Note:
    """The note, or EditRefused when its front matter cannot be read or edited line by line."""
    bom, lines = split_lines(text)
    normal = "\n".join(line.text for line in lines) + ("\n" if lines and lines[-1].eol else "")
    parsed = split_note(normal, "note")
    if (parsed.front is None or not isinstance(parsed.front, Mapping)
            or any(p.severity == "error" for p in parsed.problems)):
        raise EditRefused("its front matter cannot be read; run `vault-tool check` to see why")
    end = parsed.body_line - 2
    root = read_spans("\n".join(line.text for line in lines[1:end]) + "\n", first_line=1)
    if root is None or root.kind != "map":  # pragma: no cover - yamltree read it just now
        raise EditRefused("its front matter cannot be read; run `vault-tool check` to see why")
    if root.flow:
        raise EditRefused("its front matter is one {…} mapping; vault-tool only edits `key: value` lines")
    return Note(bom, tuple(lines), end, parsed.front, root)


# --- line surgery ----------------------------------------------------------------------------

def splice(lines: list[Line], start: Pos, end: Pos, new: str) -> list[Line]:
    """Replace the characters from `start` to `end` (perhaps over several lines) with `new`."""
    first, last = lines[start.line], lines[end.line]
    merged = Line(first.text[:start.column] + new + last.text[end.column:], last.eol)
    return [*lines[:start.line], merged, *lines[end.line + 1:]]


def insert(lines: list[Line], index: int, texts: list[str], eol: str) -> list[Line]:
    """Insert whole lines before `index`.

    At the end of a file without a final newline, the old last line gets one and
    the new last line goes without, so the file still ends the way it did.
    """
    new = [Line(text, eol) for text in texts]
    if index == len(lines) and lines and not lines[-1].eol:
        lines = [*lines[:-1], Line(lines[-1].text, eol)]
        new[-1] = Line(new[-1].text, "")
    return [*lines[:index], *new, *lines[index:]]


# --- front matter edits ----------------------------------------------------------------------

def set_value(text: str, key: str, value: str, *, after: str | None = None) -> str:
    """Set a top-level key to a text value: replace the value in place, or add a `key: value` line.

    A new line goes right after the key `after` when that key is there (so
    `follow_up` lands next to `next_follow_up`), else at the end of the front matter.
    """
    note = read_note(text)
    found = note.root.get(key)
    if found is None:
        lines = _add_key(note, note.root, key, value, _after_line(note, note.root, after))
    else:
        lines = _replace_value(note, found[1], value, key, flow=False)
    return _checked(note, lines, (key,), value)


def remove_key(text: str, key: str) -> str:
    """Delete a top-level `key: value` (the value's lines, and a comment after it on its line)."""
    note = read_note(text)
    found = note.root.get(key)
    if found is None:
        return text
    name, value = found
    if value.kind != "scalar" or value.style in BLOCK_STYLES:
        raise EditRefused(f"'{key}' is not a one-line value; remove it by hand")
    if not REST_OF_LINE.match(note.lines[value.end.line].text[value.end.column:]):
        raise EditRefused(f"'{key}' shares its line with another value; remove it by hand")
    lines = [*note.lines[:name.start.line], *note.lines[value.end.line + 1:]]
    return _checked(note, lines, (key,), None)


def set_deal_value(text: str, title: str, key: str, value: str) -> str:
    """Set `key` (such as `stage`) of the deal with this title."""
    note = read_note(text)
    index, item = find_deal(note, title)
    found = item.get(key)
    if found is None:
        if item.flow:
            raise EditRefused(f"the deal '{title}' is written as one {{…}} line; add '{key}' by hand")
        after = "title" if key == "stage" else None
        lines = _add_key(note, item, key, value, _after_line(note, item, after, last=True))
    else:
        lines = _replace_value(note, found[1], value, f"deals.{key}", flow=item.flow)
    return _checked(note, lines, ("deals", index, key), value)


def find_deal(note: Note, title: str) -> tuple[int, Span]:
    """The one deal with this title (exactly, else ignoring case), with its index."""
    found = note.root.get("deals")
    deals = found[1].items if found and found[1].kind == "seq" else ()
    titled = [(i, d, _title(d)) for i, d in enumerate(deals) if d.kind == "map"]
    for fold in (False, True):
        matches = [(i, d) for i, d, t in titled
                   if t is not None and (t.casefold() == title.casefold() if fold else t == title)]
        if len(matches) > 1:
            raise EditRefused(f"{len(matches)} deals are titled '{title}'; change the one you mean by hand")
        if matches:
            return matches[0]
    titles = [t for _, _, t in titled if t is not None]
    if not titles:
        raise EditRefused("it has no deals")
    suggestion = nearest(title, titles)
    hint = f"; did you mean '{suggestion}'?" if suggestion else ""
    raise EditRefused(f"it has no deal titled '{title}' (deals: {', '.join(titles)}){hint}")


def _title(deal: Span) -> str | None:
    found = deal.get("title")
    return found[1].value if found and found[1].kind == "scalar" else None


def _replace_value(note: Note, span: Span, value: str, where: str, *, flow: bool) -> list[Line]:
    if span.kind != "scalar":
        raise EditRefused(f"'{where}' holds a list or a set of keys, not one value; change it by hand")
    if span.style in BLOCK_STYLES:
        raise EditRefused(f"'{where}' is a block text (written with | or >); change it by hand")
    written = yaml_scalar(value, flow=flow, style=span.style)
    if span.is_empty:  # `owner:` alone: the value goes after the colon
        written = " " + written
    return splice(list(note.lines), span.start, span.end, written)


def _after_line(note: Note, mapping: Span, key: str | None, *, last: bool = False) -> int | None:
    """The line index after the entry of `key` (or of the last entry), if it ends cleanly there."""
    found = mapping.get(key) if key else None
    if found is None and last and mapping.entries:
        found = mapping.entries[-1]
    if found is None:
        return None
    value = found[1]
    if value.kind != "scalar" or value.style in BLOCK_STYLES:
        return None
    if not REST_OF_LINE.match(note.lines[value.end.line].text[value.end.column:]):
        return None
    return value.end.line + 1


def _add_key(note: Note, mapping: Span, key: str, value: str, at: int | None) -> list[Line]:
    """A new `key: value` line, indented like the mapping's first key."""
    indent = mapping.entries[0][0].start.column if mapping.entries else 0
    if at is None:
        if mapping is not note.root:
            raise EditRefused(f"cannot find where to add '{key}'; add it by hand")
        at = _end_of_front(note)
    line = " " * indent + f"{yaml_scalar(key)}: {yaml_scalar(value)}"
    return insert(list(note.lines), at, [line], note.eol)


def _end_of_front(note: Note) -> int:
    """Where a new top-level key goes: before a `...` line if there is one, else before the `---`."""
    ends = [i for i in range(1, note.end) if DOC_END.match(note.lines[i].text)]
    return ends[0] if ends else note.end


# --- the safety net --------------------------------------------------------------------------

def _checked(note: Note, lines: list[Line], path: KeyPath, value: str | None) -> str:
    """The new text, after making sure only `path` changed (to `value`; None: removed)."""
    new_text = join_lines(note.bom, lines)
    try:
        after = read_note(new_text)
    except EditRefused:
        raise EditRefused(_UNSAFE) from None
    old, new = _data(note.tree), _data(after.tree)
    changed = _at(new, path)
    ok = changed is None if value is None else isinstance(changed, tuple) and changed[0] == value
    if not ok or _without(old, path) != _without(new, path) or note.body != after.body:
        raise EditRefused(_UNSAFE)
    return new_text


_UNSAFE = "vault-tool could not make this change without touching other text; change it by hand"


def _data(node: Node) -> object:
    """A node's content without positions, keeping key order and whether a value was quoted."""
    if isinstance(node, Scalar):
        return (node.value, node.plain)
    if isinstance(node, Sequence):
        return [_data(item) for item in node.items]
    return {"": [(key.value, _data(value)) for key, value in node.items]}


def _at(data: object, path: KeyPath) -> object:
    for step in path:
        if isinstance(data, dict) and isinstance(step, str):
            data = dict(data[""]).get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def _without(data: object, path: KeyPath) -> object:
    if not path:
        return None
    step, rest = path[0], path[1:]
    if isinstance(data, dict):
        pairs = [(k, v if k != step else _without(v, rest)) for k, v in data[""]
                 if k != step or rest]
        return {"": pairs}
    if isinstance(data, list) and isinstance(step, int):
        return [v if i != step else _without(v, rest) for i, v in enumerate(data)]
    return data


def value_at(text: str, path: KeyPath) -> str | None:
    """The text of the value at `path` (None when absent or empty), for messages like `a → b`."""
    try:
        note = read_note(text)
    except EditRefused:
        return None
    found = _at(_data(note.tree), path)
    if isinstance(found, tuple) and not (found[1] and found[0] in ("", "~", "null", "Null", "NULL")):
        return str(found[0])
    return None
