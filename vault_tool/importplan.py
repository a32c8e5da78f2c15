"""What an import would do to a vault, row by row, before anything is written.

Pure: records (importers.py) and the vault's customers in, a plan out. The
rules, in the order they are tried:

- a row with the same customer id (our own export), e-mail, phone (compared
  as digits, with +86/0086 and a leading trunk 0 removed) or source UID as a
  customer in the vault (or an earlier row) belongs to that customer;
- else a row whose organisation (or, without one, person) has the name of a
  customer belongs to it; else it starts a new customer, named after the
  organisation, or after the person when there is none;
- a customer that exists only gets what it does not have: empty fields are
  filled and missing contacts added; nothing a person wrote is overwritten.
  So importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from .importers import Pairs, Record
from .model import Contact, Customer
from .newnote import BadId, check_id, make_id

Action = Literal["new", "update", "unchanged", "skipped"]
EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
MATCH_KEYS = ("email", "phone", "mobile", "uid")


@dataclass(frozen=True)
class RowPlan:
    number: int
    action: Action
    customer: str | None  # the id it goes to
    detail: str  # what changes, or why it was skipped


@dataclass(frozen=True)
class CustomerPlan:
    """One note to create or change."""

    id: str
    name: str
    new: bool
    fields: Pairs  # top-level keys to set (all empty before)
    tags: tuple[str, ...]  # for a new note, or for a note that has none
    contacts: tuple[Pairs, ...]  # contacts to add at the end of `contacts:`
    rows: tuple[int, ...]
    details: tuple[tuple[Pairs, Pairs], ...] = ()  # (a contact in the note, the keys it lacks)


@dataclass(frozen=True)
class Plan:
    rows: tuple[RowPlan, ...]
    customers: tuple[CustomerPlan, ...]  # only those that change

    def count(self, action: Action) -> int:
        return sum(1 for r in self.rows if r.action == action)


@dataclass(frozen=True)
class Defaults:
    """What the command line adds to every row: --owner, --status, --tag."""

    owner: str | None = None
    status: str | None = None
    tags: tuple[str, ...] = ()
    keep_chinese_ids: bool = False


# --- normalising ------------------------------------------------------------------------------

def norm_email(text: str) -> str:
    return text.strip().casefold()


def norm_phone(text: str) -> str | None:
    """Digits only; 00 or + then a country code; +86 and a national leading 0 removed.

    `+86 138 0013 8000`, `0086 13800138000` and `138-0013-8000` are one number,
    as are `+86 21 5555 0188` and `021-5555 0188`. Fewer than 5 digits is no number.
    """
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    international = text.strip().startswith("+") or digits.startswith("00")
    digits = digits[2:] if digits.startswith("00") else digits
    if international and digits.startswith("86"):
        digits, international = digits[2:], False
    if not international:
        digits = digits.lstrip("0")
    return digits if len(digits) >= 5 else None


def contact_keys(pairs: Iterable[tuple[str, str]]) -> set[str]:
    """The keys that say two contacts are the same person: `email:…`, `phone:…`, `uid:…`."""
    keys = set()
    for key, value in pairs:
        base = key.split("_")[0]
        if base == "email":
            keys.add("email:" + norm_email(value))
        elif base in ("phone", "mobile"):
            phone = norm_phone(value)
            if phone:
                keys.add("phone:" + phone)
        elif base == "uid":
            keys.add("uid:" + value.strip())
    return keys


def contact_pairs(contact: Contact) -> Pairs:
    known = tuple((k, getattr(contact, k)) for k in ("name", "role", "email", "phone", "wechat"))
    return tuple((k, v) for k, v in (*known, *contact.extra) if v)


def fold(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


# --- the plan ---------------------------------------------------------------------------------

@dataclass
class _Work:
    id: str
    name: str
    new: bool
    present: set[str]  # top-level keys that have a value ("tags" when it has tags)
    contacts: list[Pairs]
    old: int = 0  # how many of `contacts` are in the note already
    fields: dict[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    rows: list[int] = field(default_factory=list)
    details: dict[int, Pairs] = field(default_factory=dict)  # contact index -> keys it gets


class _Index:
    """Customers by id, by folded name, and by contact key, growing as rows are planned."""

    def __init__(self, customers: Iterable[Customer], taken: Iterable[str]) -> None:
        self.work: dict[str, _Work] = {}
        self.by_key: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.ids: set[str] = {i.casefold() for i in taken}  # also files that could not be read
        for c in customers:
            present = {k for k in ("status", "owner", "industry", "region", "source", "follow_up",
                                   "created", "tags") if getattr(c, k)}
            contacts = [contact_pairs(x) for x in c.contacts]
            self.add(_Work(c.id, c.name, False, present, contacts, len(contacts)))

    def add(self, work: _Work) -> None:
        self.work[work.id] = work
        self.ids.add(work.id.casefold())
        self.by_name.setdefault(fold(work.name), work.id)
        for contact in work.contacts:
            self.remember(work.id, contact)

    def remember(self, customer_id: str, contact: Pairs) -> None:
        for key in contact_keys(contact):
            self.by_key.setdefault(key, customer_id)

    def find(self, record: Record, name: str) -> _Work | None:
        same_id = self.work.get(record.id) if record.id else None
        if same_id is not None and fold(same_id.name) == fold(name):  # another vault's `acme` may differ
            return same_id
        for contact in record.contacts:
            for key in sorted(contact_keys(contact)):
                if key in self.by_key:
                    return self.work[self.by_key[key]]
        found = self.by_name.get(fold(name))
        return self.work[found] if found else None

    def free_id(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate.casefold() in self.ids:
            n += 1
            candidate = f"{wanted}-{n}"
        return candidate


def make_plan(records: Iterable[Record], customers: Iterable[Customer], defaults: Defaults,
              taken: Iterable[str] = ()) -> Plan:
    """The plan; `taken` are the ids of every note in the vault, broken ones too, for new ids to avoid."""
    index = _Index(customers, taken)
    seen: dict[str, int] = {}  # contact key -> the row that had it first
    rows: list[RowPlan] = []
    for record in records:
        reason = _skip_reason(record, seen)
        if reason:
            rows.append(RowPlan(record.number, "skipped", None, reason))
            continue
        for contact in record.contacts:
            for key in contact_keys(contact):
                seen.setdefault(key, record.number)
        rows.append(_plan_row(record, index, defaults))
    changed = [w for w in index.work.values()
               if w.new or w.fields or len(w.contacts) > w.old or w.details or w.tags]
    plans = tuple(CustomerPlan(w.id, w.name, w.new, tuple(w.fields.items()), w.tags,
                               tuple(w.contacts[w.old:]), tuple(w.rows),
                               tuple((w.contacts[i], keys) for i, keys in sorted(w.details.items())))
                  for w in changed)
    return Plan(tuple(rows), plans)


def _skip_reason(record: Record, seen: dict[str, int]) -> str | None:
    name = record_name(record)
    if not name:
        return "no name: neither an organisation nor a person's name"
    for contact in record.contacts:
        for key, value in contact:
            if key.split("_")[0] == "email" and not EMAIL.match(value.strip()):
                return f"invalid email '{value}'"
    for contact in record.contacts:
        earlier = sorted(seen[k] for k in contact_keys(contact) if k in seen)
        if earlier:
            return f"duplicate of row {earlier[0]}"
    return None


def record_name(record: Record) -> str:
    """The customer's name: the organisation, else the first person's name."""
    if record.organisation and record.organisation.strip():
        return " ".join(record.organisation.split())
    for contact in record.contacts:
        name = dict(contact).get("name", "")
        if name.strip():
            return " ".join(name.split())
    return ""


def _plan_row(record: Record, index: _Index, defaults: Defaults) -> RowPlan:
    name = record_name(record)
    work = index.find(record, name)
    created_here = work is None
    if work is None:
        wanted = _own_id(record.id) or new_id(name, defaults.keep_chinese_ids)
        work = _Work(index.free_id(wanted), name, True, set(), [])
        work.tags = tuple(dict.fromkeys((*record.tags, *defaults.tags)))
        index.add(work)
    values = dict(record.fields)
    for key, value in (("owner", defaults.owner), ("status", defaults.status)):
        if value and key not in values:
            values[key] = value
    filled = [k for k, v in values.items() if k not in work.present and k not in work.fields and v]
    work.fields.update({k: values[k] for k in filled})
    tagged = _add_tags(work, record.tags)
    added, detailed = _add_contacts(work, record.contacts, index)
    if work.new:
        action: Action = "new"
        detail = "new customer" if created_here else "joins a new customer"
        detail += f" {work.name!r}" + (f", {len(added)} contact(s)" if added else "")
    elif filled or added or detailed or tagged:
        action = "update"
        detail = ", ".join([*filled, *(["tags"] if tagged else []), *detailed,
                            *([f"+{len(added)} contact(s)"] if added else [])])
    else:
        action, detail = "unchanged", "already in the vault"
    if filled or added or detailed or tagged or created_here:
        work.rows.append(record.number)
    return RowPlan(record.number, action, work.id, detail)


def _add_tags(work: _Work, tags: tuple[str, ...]) -> bool:
    """A new customer gets every row's tags; one in the vault only when it has none."""
    if not tags or ("tags" in work.present and not work.new):
        return False
    before = work.tags
    work.tags = tuple(dict.fromkeys((*work.tags, *tags)))
    return work.tags != before


def _add_contacts(work: _Work, contacts: tuple[Pairs, ...], index: _Index) -> tuple[list[Pairs], list[str]]:
    """New people are added; a person already there gets only the keys they lack."""
    added, detailed = [], []
    for contact in contacts:
        if _only_name(contact, work.name):
            continue
        at = _match_contact(work, contact)
        if at is None:
            work.contacts.append(contact)
            added.append(contact)
            index.remember(work.id, contact)
            continue
        extra = _missing(work.contacts[at], contact)
        if not extra:
            continue
        if at < work.old:
            work.details[at] = (*work.details.get(at, ()), *extra)
            who = dict(work.contacts[at]).get("name") or f"contact {at + 1}"
            detailed.append(f"{who}: " + ", ".join(k for k, _ in extra))
        else:
            work.contacts[at] = (*work.contacts[at], *extra)
        index.remember(work.id, extra)
    return added, detailed


def _missing(have: Pairs, row: Pairs) -> Pairs:
    """The keys of `row` that `have` lacks, leaving out values it already has under another key."""
    planned = have
    out: list[tuple[str, str]] = []
    for key, value in row:
        keys = {k for k, _ in planned}
        same = contact_keys([(key, value)]) & contact_keys(planned)
        if key in keys or same or value.casefold() in {v.casefold() for _, v in planned}:
            continue
        out.append((key, value))
        planned = (*planned, (key, value))
    return tuple(out)


def _only_name(contact: Pairs, name: str) -> bool:
    """A "contact" that is just the customer's own name says nothing (a card without a person)."""
    return {k for k, _ in contact} <= {"name"} and fold(dict(contact).get("name", "")) == fold(name)


def _own_id(wanted: str | None) -> str | None:
    """The id our own export names, if it can name a note (a file could say `../../x`)."""
    try:
        return check_id(wanted) if wanted else None
    except BadId:
        return None


def new_id(name: str, keep_chinese: bool) -> str:
    """The id `vault-tool new` would make; for a name of only emoji or signs, `customer-` and a hash.

    The hash is of the name, so importing the same file into another vault gives the same id.
    """
    try:
        return make_id(name, keep_chinese)
    except BadId:
        return "customer-" + hashlib.sha256(unicodedata.normalize("NFC", name).encode()).hexdigest()[:8]


def _match_contact(work: _Work, contact: Pairs) -> int | None:
    """The same e-mail, phone or UID, or (when one of them has none of those) the same name."""
    keys = contact_keys(contact)
    name = fold(dict(contact).get("name", ""))
    for at, other in enumerate(work.contacts):
        if keys & contact_keys(other):
            return at
    for at, other in enumerate(work.contacts):
        if name and name == fold(dict(other).get("name", "")) and (not keys or not contact_keys(other)):
            return at
    return None
