"""Adding one entry to a note's log, where the person who keeps it would put it.

The entry goes into the first log section, in date order the way the list
already runs: newest first (the default, and the docs' own examples) unless
the first entry is older than the last one. A section without entries gets a
blank line and the entry at its end; a note without a log heading gets the
vault's first log heading at the end of its body. Afterwards the log is read
again, and the edit is refused unless it holds exactly one entry more.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from markdown_it.token import Token

from . import markdown
from .edit import EditRefused, Line, Note, insert, join_lines, read_note
from .logbook import ENTRY_DATE, read_log, resolve_channel
from .model import Settings

MARKER = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)]))(\s+)")
OPENERS = ("bullet_list_open", "ordered_list_open", "blockquote_open")
CLOSERS = ("bullet_list_close", "ordered_list_close", "blockquote_close")


@dataclass(frozen=True)
class _Item:
    start: int  # body line index of the item's first line
    end: int  # body line index after its last non-blank line
    date: date | None
    marker: str  # `- `, `* `, `1. `: what the item's line starts with


@dataclass(frozen=True)
class _Section:
    heading_end: int  # body line index after the heading
    end: int  # body line index of the next heading that ends it, or the end of the body
    items: tuple[_Item, ...]
    loose: bool  # items separated by blank lines


def add_log_entry(text: str, when: date, channel: str, entry: str, settings: Settings) -> str:
    """The note with `- <when> <channel>: <entry>` added to its log."""
    note = read_note(text)
    entry = " ".join(entry.split())
    content = f"{when.isoformat()} {channel}:" + (f" {entry}" if entry else "")
    body = list(note.body)
    tokens = markdown.parse_blocks("\n".join(line.text for line in body))
    section = _first_section(tokens, body, settings.log_headings)
    if section is None:
        _refuse_misspelt_heading(note, settings)
        at, texts = _new_section(body, settings.log_headings[0], content)
    elif section.items:
        at, texts = _among_items(section, when, content)
    else:
        at, texts = _into_empty_section(body, section, content)
    lines = insert(list(note.lines), note.end + 1 + at, texts, note.eol)
    new_text = join_lines(note.bom, lines)
    _check(note, new_text, settings, (when, resolve_channel(channel, settings), entry))
    return new_text


def _first_section(tokens: list[Token], body: list[Line], headings: tuple[str, ...]) -> _Section | None:
    """The first section under a log heading, read the way logbook reads it."""
    wanted = {h.casefold() for h in headings}
    level: int | None = None
    heading_end = end = len(body)
    depth = 0
    items: list[_Item] = []
    loose = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            if level is None and tokens[index + 1].content.strip().casefold() in wanted:
                level, heading_end = int(token.tag[1]), token.map[1]
            elif level is not None and int(token.tag[1]) <= level:
                end = token.map[0]
                break
        elif token.type in OPENERS:
            depth += 1
        elif token.type in CLOSERS:
            depth -= 1
        elif token.type == "list_item_open" and depth == 1 and level is not None and token.map:
            items.append(_item(tokens, index, body))
            loose = loose or not tokens[index + 1].hidden
    if level is None:
        return None
    return _Section(heading_end, end, tuple(items), loose)


def _item(tokens: list[Token], index: int, body: list[Line]) -> _Item:
    start, end = tokens[index].map or (0, 0)
    while end > start + 1 and not body[end - 1].text.strip():
        end -= 1
    content = tokens[index + 2].content if tokens[index + 1].type == "paragraph_open" else ""
    marker = MARKER.match(body[start].text)
    return _Item(start, end, _entry_date(content), marker.group(0) if marker else "- ")


def _entry_date(content: str) -> date | None:
    match = ENTRY_DATE.match(content)
    if match is None:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _among_items(section: _Section, when: date, content: str) -> tuple[int, list[str]]:
    """Before the first entry it is newer than (newest first), or after the last one not newer."""
    dated = [item for item in section.items if item.date is not None]
    oldest_first = len(dated) >= 2 and dated[0].date < dated[-1].date  # type: ignore[operator]
    if oldest_first:
        target = next((i for i in dated if i.date > when), None)  # type: ignore[operator]
    else:
        target = next((i for i in dated if i.date <= when), None)  # type: ignore[operator]
    gap = [""] if section.loose else []
    if target is not None:
        return target.start, [target.marker + content, *gap]
    last = section.items[-1]
    return last.end, [*gap, last.marker + content]


def _into_empty_section(body: list[Line], section: _Section, content: str) -> tuple[int, list[str]]:
    """After the section's last text (or its heading), set off by a blank line."""
    at = section.heading_end
    for index in range(section.heading_end, section.end):
        if body[index].text.strip():
            at = index + 1
    after = [""] if at < len(body) and body[at].text.strip() else []
    return at, ["", "- " + content, *after]


def _new_section(body: list[Line], heading: str, content: str) -> tuple[int, list[str]]:
    gap = [] if body and not body[-1].text.strip() else [""]
    return len(body), [*gap, f"## {heading}", "", "- " + content]


def _refuse_misspelt_heading(note: Note, settings: Settings) -> None:
    """A heading like `## Logs` is probably meant as the log: do not start a second one."""
    _, problems = read_log(_body_text(note), 1, settings, "note", date.max)
    for problem in problems:
        if problem.code == "log-heading-typo":
            args = problem.args
            raise EditRefused(
                f"its heading '{args['heading']}' looks like the log heading '{args['suggestion']}' "
                f"but is not; rename it to '## {args['suggestion']}' first"
            )


def _body_text(note: Note) -> str:
    return "\n".join(line.text for line in note.body)


def _front_text(note: Note) -> str:
    """The front matter up to the closing `---`, whose line ending may be added at the end of a file."""
    return join_lines(note.bom, note.lines[:note.end]) + note.lines[note.end].text


def _check(note: Note, new_text: str, settings: Settings, expected: tuple[date, str | None, str]) -> None:
    """Refuse unless the front matter is the same and the log has exactly the new entry more."""
    after = read_note(new_text)
    old_entries, old_problems = read_log(_body_text(note), 1, settings, "note", date.max)
    new_entries, new_problems = read_log(_body_text(after), 1, settings, "note", date.max)
    added = Counter((e.date, e.channel, e.text) for e in new_entries)
    added.subtract(Counter((e.date, e.channel, e.text) for e in old_entries))
    same_front = _front_text(note) == _front_text(after)
    same_problems = (Counter((p.severity, p.code) for p in old_problems)
                     == Counter((p.severity, p.code) for p in new_problems))
    if not (same_front and same_problems and added == Counter([expected])):
        raise EditRefused("vault-tool could not add the entry without changing other text "
                          "(is the log inside a code block or a quote?); add it by hand")
