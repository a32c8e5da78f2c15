"""What changed between two versions of a customer note, field by field.

History is only useful when it reads like the notes do: `status: prospect → active`,
a deal moving from `proposal` to `negotiation`, two log entries added. Both versions
are read with the vault's own parser, so a change means what `check` and the dashboard
would see; a value that is invalid in a version counts as not set there.

Pure: versions in, changes out. No git, no files (history.py is the adapter).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from .model import Customer, Problem
from .records import contact_dict, deal_dict, plain, purchase_dict

ChangeKind = Literal["changed", "added", "removed", "renamed"]

SCALARS = ("name", "status", "owner", "industry", "region", "source", "created", "next_follow_up",
           "follow_up", "cadence")


@dataclass(frozen=True)
class Change:
    """One field-level change. `old` and `new` are JSON-ready (None: not set).

    `kind` is "changed" for a value (`status`, `deals.stage`: old → new), "added" or
    "removed" for a whole item of a list (a tag, a deal, a contact, a log entry, a
    purchase, the file itself), and "renamed" for the file. `item` names the deal or
    contact that a `deals.*` / `contacts.*` change belongs to.
    """

    field: str
    old: Any
    new: Any
    kind: ChangeKind = "changed"
    item: str | None = None


@dataclass(frozen=True)
class Version:
    """One version of a note: the customer as read, or the error that stopped the reading.

    `digest` identifies the exact bytes (the git blob id), so that an edit that changes
    no field (a comment, spacing) is still reported as an edit.
    """

    path: str
    customer: Customer | None
    problem: Problem | None = None
    digest: str = ""


@dataclass(frozen=True)
class _Snapshot:
    """A customer reduced to comparable, JSON-ready parts."""

    scalars: dict[str, Any]
    words: dict[str, tuple[str, ...]]  # tags and custom list fields
    contacts: list[dict[str, Any]]
    deals: list[dict[str, Any]]
    purchases: list[dict[str, Any]]
    log: list[dict[str, Any]]
    notes: str


EMPTY = _Snapshot({}, {}, [], [], [], [], "")


def diff_versions(old: Version | None, new: Version | None) -> tuple[Change, ...]:
    """Every change from `old` to `new`; None stands for "no such file"."""
    if new is None:
        return () if old is None else (Change("file", old.path, None, "removed"),)
    changes: list[Change] = []
    if old is None:
        changes.append(Change("file", None, new.path, "added"))
    elif old.path != new.path:
        changes.append(Change("file", old.path, new.path, "renamed"))
    was_readable = old is not None and old.customer is not None
    if new.customer is None:
        if old is None or was_readable:
            changes.append(Change("note", "readable" if old else None, _unreadable(new.problem)))
        return tuple(changes) or _text_only(old, new)
    if old is not None and old.customer is None:
        changes.append(Change("note", _unreadable(old.problem), "readable"))
    before = snapshot(old.customer) if old is not None and old.customer is not None else EMPTY
    field_changes = diff_snapshots(before, snapshot(new.customer))
    return tuple(changes) + field_changes or _text_only(old, new)


def _unreadable(problem: Problem | None) -> str:
    if problem is None:
        return "unreadable"
    return f"unreadable: {problem.code} at line {problem.line}"


def _text_only(old: Version | None, new: Version) -> tuple[Change, ...]:
    """The bytes changed, but no field did: comments, spacing, an invalid value edited."""
    if old is not None and old.digest and old.digest != new.digest:
        return (Change("text", None, None),)
    return ()


def snapshot(customer: Customer) -> _Snapshot:
    scalars = {k: plain(getattr(customer, k)) for k in SCALARS}
    words: dict[str, tuple[str, ...]] = {"tags": customer.tags}
    for key, value in customer.custom:
        if isinstance(value, tuple):
            words[key] = value
        else:
            scalars[key] = plain(value)
    return _Snapshot(
        scalars={k: v for k, v in scalars.items() if v not in (None, "")},
        words=words,
        contacts=[contact_dict(c) for c in customer.contacts],
        deals=[deal_dict(d) for d in customer.deals],
        purchases=[purchase_dict(p) for p in customer.purchases],
        log=[{"date": e.date.isoformat(), "channel": e.channel, "text": e.text} for e in customer.log],
        notes=_notes(customer),
    )


def _notes(customer: Customer) -> str:
    """The body without its log entries, to tell "notes edited" from "log entry added"."""
    entry_lines = {e.line - customer.body_line for e in customer.log}
    kept = [line for index, line in enumerate(customer.body.split("\n")) if index not in entry_lines]
    return "\n".join(line.rstrip() for line in kept).strip()


def diff_snapshots(old: _Snapshot, new: _Snapshot) -> tuple[Change, ...]:
    changes: list[Change] = []
    for key in _ordered_keys(old.scalars, new.scalars):
        before, after = old.scalars.get(key), new.scalars.get(key)
        if before != after:
            changes.append(Change(key, before, after))
    for key in _ordered_keys(old.words, new.words):
        changes += _word_changes(key, old.words.get(key, ()), new.words.get(key, ()))
    changes += _item_changes("contacts", old.contacts, new.contacts, _contact_key)
    changes += _item_changes("deals", old.deals, new.deals, lambda d: str(d.get("title", "?")))
    changes += _multiset_changes("purchases", old.purchases, new.purchases)
    changes += _multiset_changes("log", old.log, new.log)
    if old.notes != new.notes and old is not EMPTY:  # a new note's text is not news
        changes.append(Change("notes", None, None))
    return tuple(changes)


def _ordered_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Built-in fields in their usual order, then custom fields by name."""
    keys = set(old) | set(new)
    return [k for k in (*SCALARS, "tags") if k in keys] + sorted(keys - {*SCALARS, "tags"})


def _word_changes(key: str, old: tuple[str, ...], new: tuple[str, ...]) -> list[Change]:
    removed = [Change(key, w, None, "removed") for w in old if w not in new]
    return removed + [Change(key, None, w, "added") for w in new if w not in old]


def _contact_key(contact: dict[str, Any]) -> str:
    for key in ("name", "email", "phone", "wechat"):
        if contact.get(key):
            return str(contact[key])
    return "?"


def _item_changes(field: str, old: list[dict[str, Any]], new: list[dict[str, Any]],
                  key: Any) -> list[Change]:
    """Items matched by their key (a deal's title, a contact's name), in order of appearance."""
    pairs, removed, added = _match(old, new, key)
    changes = [Change(field, plain(item), None, "removed", key(item)) for item in removed]
    changes += [Change(field, None, plain(item), "added", key(item)) for item in added]
    for before, after in pairs:
        for sub in _ordered_subkeys(before, after):
            if before.get(sub) != after.get(sub):
                changes.append(Change(f"{field}.{sub}", before.get(sub), after.get(sub),
                                      item=key(after)))
    return changes


def _ordered_subkeys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys([*old, *new]))


def _match(old: list[dict[str, Any]], new: list[dict[str, Any]], key: Any
           ) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]],
                      list[dict[str, Any]]]:
    """Pair the n-th old item of a key with the n-th new item of the same key."""
    waiting: dict[str, list[dict[str, Any]]] = {}
    for item in old:
        waiting.setdefault(key(item), []).append(item)
    pairs, added = [], []
    for item in new:
        queue = waiting.get(key(item))
        if queue:
            pairs.append((queue.pop(0), item))
        else:
            added.append(item)
    removed = [item for item in old if any(item is w for q in waiting.values() for w in q)]
    return pairs, removed, added


def _multiset_changes(field: str, old: list[dict[str, Any]], new: list[dict[str, Any]]
                      ) -> list[Change]:
    """Items without a name (log entries, purchases): added and removed as wholes."""
    if old == new:  # most versions leave the log or the purchases as they were
        return []
    old_keys = [json.dumps(i, sort_keys=True, ensure_ascii=False) for i in old]
    new_keys = [json.dumps(i, sort_keys=True, ensure_ascii=False) for i in new]
    gone, came = Counter(old_keys) - Counter(new_keys), Counter(new_keys) - Counter(old_keys)
    changes = []
    for item, text in zip(old, old_keys, strict=True):
        if gone[text]:
            gone[text] -= 1
            changes.append(Change(field, item, None, "removed"))
    for item, text in zip(new, new_keys, strict=True):
        if came[text]:
            came[text] -= 1
            changes.append(Change(field, None, item, "added"))
    return changes


WORDS: dict[str, tuple[str, str]] = {
    "none": ("(none)", "（无）"),
    "file_added": ("file created: {new}", "新建文件：{new}"),
    "file_removed": ("file deleted: {old}", "删除文件：{old}"),
    "file_renamed": ("file renamed: {old} → {new}", "文件改名：{old} → {new}"),
    "text": ("text edited; no field changed", "文字有修改，字段未变"),
    "notes": ("notes edited", "备注有修改"),
    "deals_added": ("deal added: {new}", "新增商机：{new}"),
    "deals_removed": ("deal removed: {old}", "删除商机：{old}"),
    "deal_field": ("deal '{item}' {sub}: {old} → {new}", "商机「{item}」{sub}：{old} → {new}"),
    "contacts_added": ("contact added: {new}", "新增联系人：{new}"),
    "contacts_removed": ("contact removed: {old}", "删除联系人：{old}"),
    "contact_field": ("contact '{item}' {sub}: {old} → {new}", "联系人「{item}」{sub}：{old} → {new}"),
    "purchases_added": ("purchase added: {new}", "新增购买记录：{new}"),
    "purchases_removed": ("purchase removed: {old}", "删除购买记录：{old}"),
    "log_added": ("log +{count}", "沟通记录 +{count}"),
    "log_removed": ("log -{count}", "沟通记录 -{count}"),
    "field": ("{field}: {old} → {new}", "{field}：{old} → {new}"),
}


def word(locale: str, key: str) -> str:
    return WORDS[key][1 if locale == "zh" else 0]


def describe_changes(changes: Iterable[Change], locale: str = "en") -> list[str]:
    """One line per change, for people; log entries are grouped under `log +N`."""
    lines: list[str] = []
    changes = list(changes)
    for kind in ("added", "removed"):
        entries = [c for c in changes if c.field == "log" and c.kind == kind]
        if entries:
            sign = "+" if kind == "added" else "-"
            lines.append(word(locale, f"log_{kind}").format(count=len(entries)))
            lines += [f"  {sign} {show_value(c.new if kind == 'added' else c.old, locale)}"
                      for c in entries]
    others = [describe_change(c, locale) for c in changes if c.field != "log"]
    return others + lines


def describe_change(change: Change, locale: str = "en") -> str:
    old, new = show_value(change.old, locale), show_value(change.new, locale)
    field, _, sub = change.field.partition(".")
    if field in ("file", "deals", "contacts", "purchases") and not sub:
        return word(locale, f"{field}_{change.kind}").format(old=old, new=new)
    if field in ("deals", "contacts"):
        key = "deal_field" if field == "deals" else "contact_field"
        return word(locale, key).format(item=change.item, sub=sub, old=old, new=new)
    if field in ("text", "notes"):
        return word(locale, field)
    if change.kind == "added":  # a word of tags or of a custom list field
        return f"{change.field} +{new}"
    if change.kind == "removed":
        return f"{change.field} -{old}"
    return word(locale, "field").format(field=change.field, old=old, new=new)


def show_value(value: Any, locale: str = "en") -> str:
    """A value as a person reads it: a deal as `title (stage, value currency)`."""
    if value is None:
        return word(locale, "none")
    if isinstance(value, list):
        return ", ".join(show_value(v, locale) for v in value)
    if not isinstance(value, dict):
        return str(value)
    if "title" in value:
        details = [str(value[k]) for k in ("stage",) if k in value]
        if "value" in value:
            details.append(f"{value['value']} {value.get('currency', '')}".strip())
        return f"{value['title']} ({', '.join(details)})" if details else str(value["title"])
    if "channel" in value:
        return f"{value['date']} {value['channel']}: {value['text']}"
    if "amount" in value or "date" in value:
        return " ".join(str(value[k]) for k in ("date", "amount", "product") if k in value)
    label = value.get("name") or value.get("email") or value.get("phone") or value.get("wechat") or "?"
    return f"{label} ({value['role']})" if value.get("role") else str(label)
