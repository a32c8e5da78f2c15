"""Merging one customer's note into another's, changing only the lines that must change.

KEEP's text is the base: nothing in it is rewritten. What OTHER adds goes in
as new lines: list items after the last item of the same list (indented like
it), missing keys, tags inside KEEP's `[…]` or as new `- ` lines, log entries
where logedit would put them, and OTHER's notes at the end under a heading.
A value both notes have and disagree on stays as KEEP has it; OTHER's value
becomes a `note:` log entry, so nothing is lost and the person can decide.
At the end the merged note is read again and compared with both inputs:
every contact, deal, purchase, log entry, tag and value must still be there.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from markdown_it.token import Token

from . import markdown
from .dupes import normalise_phone
from .edit import EditRefused, Line, Note, insert, join_lines, read_note, set_value, splice, value_at
from .logbook import read_log
from .logedit import add_log_entry
from .model import Contact, Customer, Interaction, Settings
from .parse import parse_note
from .validate import build_customer
from .yamlspans import Pos, Span, yaml_scalar

ITEM_LISTS = ("contacts", "deals", "purchases")
NULLS = ("", "~", "null", "Null", "NULL")
SCALAR_FIELDS = ("name", "status", "owner", "industry", "region", "source", "created", "next_follow_up",
                 "follow_up", "cadence")

Moved = tuple[Interaction, str]  # a log entry of OTHER, and its channel word as written
RAW_CHANNEL = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+\d{4}-\d{2}-\d{2}\s+([^\s:：]+)")
Item = tuple[tuple[str, str, str], ...]  # a contact, deal or purchase: (key, text, quoting), in order


@dataclass(frozen=True)
class Conflict:
    where: str  # `owner`, `contacts (Bob Li).role`
    kept: str
    other: str


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: tuple[Conflict, ...]
    added: tuple[str, ...]  # `contacts +1`, `log +3`, … for the summary line


def merge_notes(keep_text: str, other_text: str, other_id: str, settings: Settings, today: date) -> Merged:
    """KEEP's text with OTHER's content added; EditRefused when that cannot be done line by line."""
    other = read_note(other_text)
    other_name = value_at(other_text, ("name",)) or other_id
    text, added = keep_text, Counter[str]()
    conflicts: list[Conflict] = []
    for key_span, value in other.root.entries:
        key = key_span.value
        if key in ITEM_LISTS:
            text = _merge_items(text, key, _items(value), conflicts, added)
        elif value.kind == "map" or any(item.kind != "scalar" for item in value.items):
            raise EditRefused(f"'{key}' of {other_id} is not a value or a list of texts; merge it by hand")
        elif value.kind == "seq":
            new = [v for v in _texts(value) if v not in _texts(_value(text, key))]
            text = add_list_texts(text, key, new) if new else text
            added[key] += len(new)
        elif value.kind == "scalar" and not _is_null(value):
            text = _merge_scalar(text, key, value.value, conflicts, added)
    body, moved = split_other_body(other, settings)
    text = _add_entries(text, moved, settings, added)
    channel = "note" if "note" in settings.channels else settings.channels[0]
    notes = [f"merged from {other_id} ({other_name})"]
    notes += [f"merged from {other_id}: {c.where} was {c.other}" for c in conflicts]
    for note in notes if _oldest_first(text, settings) else reversed(notes):
        text = add_log_entry(text, today, channel, note, settings)
    if any(line.text.strip() for line in body):
        text = append_body(text, f"Merged from {other_name}", body)
        added["notes"] += 1
    check_nothing_lost(keep_text, other_text, text, settings, today)
    summary = tuple(f"{k} +{n}" for k, n in added.items() if n)
    return Merged(text, tuple(conflicts), summary)


# --- values ----------------------------------------------------------------------------------

def _is_null(span: Span) -> bool:
    return span.kind == "scalar" and span.style == "" and span.value in NULLS


def _value(text: str, key: str) -> Span | None:
    found = read_note(text).root.get(key)
    return found[1] if found else None


def _texts(span: Span | None) -> list[str]:
    if span is None or span.kind != "seq":
        return []
    return [item.value for item in span.items if item.kind == "scalar" and not _is_null(item)]


def _items(span: Span) -> list[Item]:
    if span.kind != "seq":
        return []
    return [tuple((k.value, v.value, v.style) for k, v in item.entries
                  if v.kind == "scalar" and not _is_null(v))
            for item in span.items if item.kind == "map"]


def _plain(item: Item) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value, _ in item)


def _merge_scalar(text: str, key: str, value: str, conflicts: list[Conflict], added: Counter[str]) -> str:
    kept = value_at(text, (key,))
    if kept is None:
        added[key] += 1
        return set_value(text, key, value)
    if kept != value:
        conflicts.append(Conflict(key, kept, value))
    return text


# --- contacts, deals, purchases --------------------------------------------------------------

def _merge_items(text: str, key: str, items: list[Item], conflicts: list[Conflict],
                 added: Counter[str]) -> str:
    for item in items:
        span = _value(text, key)
        mine = _items(span) if span is not None else []
        if key != "contacts":
            if _plain(item) not in [_plain(m) for m in mine]:  # identical ones once; else both
                text = append_item(text, key, item)
                added[key] += 1
            continue
        index = _same_contact(item, mine)
        if index is None:
            text = append_item(text, key, item)
            added[key] += 1
            continue
        have = dict(_plain(mine[index]))
        label = have.get("name") or have.get("email") or have.get("phone") or str(index + 1)
        for field, value, style in item:
            if field not in have:
                text = add_item_key(text, key, index, field, value, style)
                added["contact details"] += 1
            elif not _same_detail(field, have[field], value):
                conflicts.append(Conflict(f"contacts ({label}).{field}", have[field], value))
    return text


def _same_contact(item: Item, contacts: list[Item]) -> int | None:
    """The contact with the same e-mail (ignoring case) or phone (normalised), if any."""
    values = dict(_plain(item))
    email = values.get("email", "")
    phone = normalise_phone(values.get("phone", ""))
    for index, other in enumerate(contacts):
        have = dict(_plain(other))
        if email.strip() and _same_email(have.get("email", ""), email):
            return index
        if phone and normalise_phone(have.get("phone", "")) == phone:
            return index
    return None


def _last_line(span: Span) -> int:
    """The line index of the last character of a value (a block text's end mark is on the next line)."""
    if span.kind == "scalar":
        if span.style in ("|", ">") and span.end.column == 0 and span.end.line > span.start.line:
            return span.end.line - 1
        return span.end.line
    children = [v for _, v in span.entries] if span.kind == "map" else list(span.items)
    if span.flow or not children:
        return span.end.line
    return _last_line(children[-1])


def _item_lines(note: Note, seq: Span | None, indent: int, item: Item) -> list[str]:
    """The item as `- key: value` lines, indented like the list's last item (or `indent` + 2)."""
    dash, column = indent + 2, indent + 4
    if seq is not None and seq.items:
        last = seq.items[-1]
        line = note.lines[last.start.line].text
        dash = line.rindex("-", 0, last.start.column)
        column = last.start.column
    pairs = [f"{yaml_scalar(k)}: {yaml_scalar(v, style=style)}" for k, v, style in item]
    first = " " * dash + "-" + " " * (column - dash - 1) + pairs[0]
    return [first, *(" " * column + pair for pair in pairs[1:])]


def append_item(text: str, key: str, item: Item) -> str:
    """Add a `- key: value` item at the end of the block list `key` (creating the list)."""
    if not item:
        return text
    note = read_note(text)
    found = note.root.get(key)
    if found is None:
        lines = [f"{key}:", *_item_lines(note, None, 0, item)]
        return _end_of_front(note, lines)
    name, seq = found
    return _after(note, name, seq, key, lambda s: _item_lines(note, s, name.start.column, item))


def add_list_texts(text: str, key: str, values: list[str]) -> str:
    """Add texts to a list of texts (`tags`): inside its `[…]`, or as new `- ` lines."""
    note = read_note(text)
    found = note.root.get(key)
    flow = ", ".join(yaml_scalar(v, flow=True) for v in values)
    if found is None:
        return _end_of_front(note, [f"{yaml_scalar(key)}: [{flow}]"])
    name, seq = found
    if seq.kind == "seq" and seq.flow:
        end = Pos(seq.end.line, seq.end.column - 1)
        if note.lines[end.line].text[end.column:end.column + 1] != "]":
            raise EditRefused(f"cannot find the end of '{key}'; add {flow} by hand")
        lines = splice(list(note.lines), end, Pos(end.line, end.column + 1),
                       (", " if seq.items else "") + flow + "]")
        return join_lines(note.bom, lines)

    def dashes(s: Span | None) -> list[str]:
        dash = name.start.column + 2
        if s is not None and s.items:
            last = s.items[-1]
            dash = note.lines[last.start.line].text.rindex("-", 0, last.start.column)
        return [" " * dash + "- " + yaml_scalar(v) for v in values]

    return _after(note, name, seq, key, dashes)


def _after(note: Note, name: Span, seq: Span, key: str, build: Callable[[Span | None], list[str]]) -> str:
    """New lines after the list's last line, or after `key:` when it is empty."""
    if seq.kind == "scalar" and seq.is_empty:
        return join_lines(note.bom, insert(list(note.lines), name.start.line + 1, build(None), note.eol))
    if seq.kind == "seq" and seq.flow and not seq.items and seq.start.line == seq.end.line == name.start.line:
        column = seq.start.column  # `contacts: []` becomes `contacts:` with the items under it
        while column > 0 and note.lines[seq.start.line].text[column - 1] == " ":
            column -= 1
        lines = splice(list(note.lines), Pos(seq.start.line, column), seq.end, "")
        return join_lines(note.bom, insert(lines, name.start.line + 1, build(None), note.eol))
    if seq.kind != "seq" or seq.flow:
        raise EditRefused(f"'{key}' is not a list of `- ` lines; merge it by hand")
    at = _last_line(seq) + 1
    return join_lines(note.bom, insert(list(note.lines), at, build(seq), note.eol))


def add_item_key(text: str, key: str, index: int, field: str, value: str, style: str = "") -> str:
    """Add `field: value` at the end of the index-th item of the list `key`."""
    note = read_note(text)
    found = note.root.get(key)
    assert found is not None
    item = found[1].items[index]
    if item.flow or not item.entries:
        raise EditRefused(f"the {index + 1}. item of '{key}' is one {{…}} line; merge it by hand")
    line = " " * item.entries[0][0].start.column + f"{yaml_scalar(field)}: {yaml_scalar(value, style=style)}"
    return join_lines(note.bom, insert(list(note.lines), _last_line(item) + 1, [line], note.eol))


def _end_of_front(note: Note, new: list[str]) -> str:
    return join_lines(note.bom, insert(list(note.lines), note.end, new, note.eol))


# --- the body --------------------------------------------------------------------------------

def split_other_body(note: Note, settings: Settings) -> tuple[list[Line], list[Moved]]:
    """OTHER's body without the log entries that can move, and those entries.

    An entry moves when its list item is only its own text; an item with
    more under it (a nested list) stays where it is, under its heading, and
    is still read as a log entry there. A log heading left with nothing
    under it goes too.
    """
    body = list(note.body)
    entries, _ = read_log("\n".join(line.text for line in body), 1, settings, "note", date.max)
    starts = {entry.line - 1: entry for entry in entries}
    tokens = markdown.parse_blocks("\n".join(line.text for line in body))
    drop: set[int] = set()
    moved: list[Moved] = []
    for index, token in enumerate(tokens):
        if token.type != "list_item_open" or token.map is None or token.map[0] not in starts:
            continue
        start, end = token.map
        if tokens[index + 1].type == "paragraph_open" and tokens[index + 4].type == "list_item_close":
            drop.update(range(start, end))
            word = RAW_CHANNEL.match(body[start].text)
            moved.append((starts[start], word.group(1) if word else starts[start].channel))
    drop |= _empty_log_headings(tokens, body, drop, settings)
    return [line for i, line in enumerate(body) if i not in drop], moved


def _empty_log_headings(tokens: list[Token], body: list[Line], drop: set[int], settings: Settings
                        ) -> set[int]:
    wanted = {h.casefold() for h in settings.log_headings}
    headings = [(t.map[0], int(t.tag[1]), tokens[i + 1].content.strip().casefold())
                for i, t in enumerate(tokens) if t.type == "heading_open" and t.map is not None]
    gone: set[int] = set()
    for n, (line, level, title) in enumerate(headings):
        if title not in wanted:
            continue
        end = next((at for at, lvl, _ in headings[n + 1:] if lvl <= level), len(body))
        rest = [i for i in range(line + 1, end) if i not in drop and body[i].text.strip()]
        if not rest:
            gone.update(range(line, end))
    return gone


def _same_email(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _same_detail(field: str, a: str, b: str) -> bool:
    """E-mails ignoring case, phones as dupes compares them, anything else exactly."""
    if field == "email":
        return _same_email(a, b)
    if field == "phone" and normalise_phone(a) is not None:
        return normalise_phone(a) == normalise_phone(b)
    return a == b


def _oldest_first(text: str, settings: Settings) -> bool:
    """Does the log run oldest first? (As logedit decides, so merge notes read top to bottom.)"""
    note = read_note(text)
    entries, _ = read_log("\n".join(line.text for line in note.body), 1, settings, "note", date.max)
    return len(entries) >= 2 and entries[0].date < entries[-1].date


def _add_entries(text: str, moved: list[Moved], settings: Settings, added: Counter[str]) -> str:
    keep = read_note(text)
    have, _ = read_log("\n".join(line.text for line in keep.body), 1, settings, "note", date.max)
    already = Counter((e.date, e.channel, e.text) for e in have)
    for entry, word in moved:  # the channel as OTHER wrote it (拜访 stays 拜访)
        key = (entry.date, entry.channel, entry.text)
        if already[key] > 0:
            already[key] -= 1
            continue
        text = add_log_entry(text, entry.date, word, entry.text, settings)
        added["log"] += 1
    return text


def append_body(text: str, heading: str, lines: list[Line]) -> str:
    """OTHER's notes at the end of KEEP's body, under `## heading`, in KEEP's line endings."""
    note = read_note(text)
    while lines and not lines[0].text.strip():
        lines = lines[1:]
    while lines and not lines[-1].text.strip():
        lines = lines[:-1]
    gap = [] if note.body and not note.body[-1].text.strip() else [""]
    new = [*gap, f"## {heading}", "", *(line.text for line in lines)]
    return join_lines(note.bom, insert(list(note.lines), len(note.lines), new, note.eol))


# --- the safety net --------------------------------------------------------------------------

def check_nothing_lost(keep_text: str, other_text: str, merged_text: str, settings: Settings,
                       today: date) -> None:
    keep, other, merged = (_customer(t, settings, today) for t in (keep_text, other_text, merged_text))
    lost: list[str] = []
    for source in (keep, other):
        lost += [f"contact {c.name or c.email or c.phone}" for c in source.contacts
                 if not any(_covers(m, c) for m in merged.contacts)]
        deals = {replace(d, line=0) for d in merged.deals}
        lost += [f"deal {d.title}" for d in source.deals if replace(d, line=0) not in deals]
        purchases = {replace(p, line=0) for p in merged.purchases}
        lost += [f"purchase of {p.date}" for p in source.purchases if replace(p, line=0) not in purchases]
        lost += [f"tag {t}" for t in source.tags if t not in merged.tags]
        entries = Counter((e.date, e.channel, e.text) for e in merged.log)
        entries.subtract(Counter((e.date, e.channel, e.text) for e in source.log))
        lost += [f"log entry of {d}" for (d, _, _), n in entries.items() if n < 0]
    for field in SCALAR_FIELDS:
        wanted = getattr(keep, field) if getattr(keep, field) is not None else getattr(other, field)
        if getattr(merged, field) != wanted:
            lost.append(field)
    if lost:
        raise EditRefused(f"the merged note would lose {', '.join(lost)}; merge by hand")


def _customer(text: str, settings: Settings, today: date) -> Customer:
    note = parse_note(text.encode("utf-8"), "note.md")
    customer, _ = build_customer("note", "note.md", note, settings, today)
    if customer is None:
        raise EditRefused("the merged note cannot be read; merge by hand")
    return customer


def _covers(merged: Contact, source: Contact) -> bool:
    """The merged contact holds every detail of `source` (a differing detail is kept as KEEP has it)."""
    fields = ("name", "role", "email", "phone", "wechat")
    if any(getattr(source, f) is not None and getattr(merged, f) is None for f in fields):
        return False
    if not {k for k, _ in source.extra} <= {k for k, _ in merged.extra}:
        return False
    same_email = source.email is not None and (merged.email or "").casefold() == source.email.casefold()
    same_phone = (source.phone is not None and normalise_phone(source.phone) is not None
                  and normalise_phone(merged.phone or "") == normalise_phone(source.phone))
    return same_email or same_phone or merged == source
