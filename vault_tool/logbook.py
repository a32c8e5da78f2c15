"""The interaction log: dated list items under the log heading of a note.

    ## Log
    - 2026-11-02 call: asked for a quote
    - 2026-10-20 visit: saw the new showroom

The heading may be any level; the section ends at the next heading of the same
or a higher level. Items are found with the Markdown parser, so a date inside a
code block or a nested list is not mistaken for an entry.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from markdown_it.token import Token

from . import markdown
from .convert import nearest
from .model import Interaction, Problem, Settings

ENTRY_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?=[\s:：]|$)")
DATE_LIKE = re.compile(r"^\d{2,4}\s*[-/.年]\s*\d{1,2}")
CHANNEL = re.compile(r"^\s+([^\s:：]+)\s*[:：]\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class _Item:
    content: str
    line_index: int  # 0-based line in the body


def read_log(
    body: str, body_line: int, settings: Settings, path: str, today: date
) -> tuple[tuple[Interaction, ...], list[Problem]]:
    """The dated entries of the log, and a problem for each line that is not one."""
    lines = body.split("\n")
    entries: list[Interaction] = []
    problems: list[Problem] = []
    tokens = markdown.parse_blocks(body)
    items = _log_items(tokens, settings.log_headings)
    if not items:
        problems += _misspelt_heading(tokens, settings.log_headings, body_line, path)
    for item in items:
        source = lines[item.line_index] if item.line_index < len(lines) else ""
        line = body_line + item.line_index
        entry = _read_entry(item.content, source, line, settings, path, problems)
        if entry is None:
            continue
        if entry.date > today:
            problems.append(future_entry(path, entry, today))
        entries.append(entry)
    return tuple(entries), problems


def future_entry(path: str, entry: Interaction, today: date) -> Problem:
    """The warning for a log entry dated after today: kept, but not yet a contact."""
    return Problem.warning(path, entry.line, entry.column, "future-log-date",
                           date=entry.date.isoformat(), today=today.isoformat())


def _log_items(tokens: list[Token], headings: tuple[str, ...]) -> list[_Item]:
    """Top-level list items inside every section whose heading is a log heading."""
    wanted = {h.casefold() for h in headings}
    items: list[_Item] = []
    section_level: int | None = None
    depth = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            title = tokens[index + 1].content.strip().casefold()
            if title in wanted:
                section_level = level
            elif section_level is not None and level <= section_level:
                section_level = None
        elif token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            depth += 1  # a list inside a quote is quoted text, not the log's own list
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            depth -= 1
        elif token.type == "list_item_open" and depth == 1 and section_level is not None:
            item = _first_inline(tokens, index)
            if item is not None and token.map is not None:
                items.append(_Item(item, token.map[0]))
    return items


def _misspelt_heading(
    tokens: list[Token], headings: tuple[str, ...], body_line: int, path: str
) -> list[Problem]:
    """A heading that looks like the log heading but is not (`## Logs`, `## 沟通纪录`).

    Such a typo would silently switch off the log, and with it every reminder
    computed from the last contact, so it is worth a warning.
    """
    titles = [(tokens[i + 1].content.strip(), t.map[0]) for i, t in enumerate(tokens)
              if t.type == "heading_open" and t.map is not None]
    by_fold = {h.casefold(): h for h in headings}
    if any(title.casefold() in by_fold for title, _ in titles):
        return []
    for title, line_index in titles:
        folded = title.casefold()
        near = [h for f, h in by_fold.items() if re.search(rf"(?<![a-z]){re.escape(f)}(?![a-z])", folded)]
        near += [by_fold[f] for f in difflib.get_close_matches(folded, list(by_fold), 1, 0.7)]
        if near:
            return [Problem.warning(path, body_line + line_index, 1, "log-heading-typo",
                                    heading=title, suggestion=near[0])]
    return []


def _first_inline(tokens: list[Token], start: int) -> str | None:
    """The text of a list item's first paragraph, if it begins with one."""
    if start + 2 < len(tokens) and tokens[start + 1].type == "paragraph_open":
        return tokens[start + 2].content
    return None


def _column(source: str, content: str) -> int:
    head = content.split("\n", 1)[0][:12]
    found = source.find(head) if head else -1
    return found + 1 if found >= 0 else 1


def _read_entry(
    content: str, source: str, line: int, settings: Settings, path: str, problems: list[Problem]
) -> Interaction | None:
    column = _column(source, content)
    match = ENTRY_DATE.match(content)
    if match is None:
        code = "log-date-format" if DATE_LIKE.match(content) else "log-undated"
        first = content.split("\n", 1)[0]
        if code == "log-date-format":
            problems.append(Problem.error(path, line, column, code, text=first[:40]))
        else:
            problems.append(Problem.warning(path, line, column, code, text=first[:40]))
        return None
    try:
        when = date(*(int(g) for g in match.groups()))
    except ValueError:
        problems.append(Problem.error(path, line, column, "impossible-date", key="log",
                                      value=match.group(0)))
        return None
    rest = CHANNEL.match(content[match.end():])
    if rest is None:
        problems.append(Problem.error(path, line, column, "log-no-channel",
                                      date=match.group(0), channels=", ".join(settings.channels)))
        return None
    word, text = rest.group(1), " ".join(rest.group(2).split())
    channel = resolve_channel(word, settings)
    if channel is None:
        words = (*settings.channels, *(alias for alias, _ in settings.channel_aliases))
        problems.append(Problem.error(
            path, line, column + match.end() + content[match.end():].find(word), "unknown-channel",
            key="channel", value=word, choices=", ".join(words),
            suggestion=_nearest_channel(word, words) or "",
        ))
        return None
    return Interaction(when, channel, text, line, column)


def _nearest_channel(word: str, words: tuple[str, ...]) -> str | None:
    """A declared channel or alias inside the word (`打电话` -> `电话`), else the closest."""
    inside = [w for w in words if len(w) > 1 and w in word]
    return max(inside, key=len) if inside else nearest(word, words)


def resolve_channel(word: str, settings: Settings) -> str | None:
    """A declared channel, matched without regard to case, or a Chinese alias of one."""
    for channel in settings.channels:
        if channel.casefold() == word.casefold():
            return channel
    return dict(settings.channel_aliases).get(word)
