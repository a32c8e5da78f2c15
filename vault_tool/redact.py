"""Shared dashboards: a vault without its private fields, or with one owner's customers only.

Pure transformations of a loaded Vault, applied before rendering, so every page, data
file and the calendar are made from what is left and nothing can slip through one
template or export that forgot a field.

`vault.yml`'s `private` lists the keys: any customer key but `name`, `contacts.KEY` for
a key of every contact, `body` and `log` (whose entries keep their dates and channels,
so follow-ups fall due as before). A private value is removed from its field,
and every copy of it in the same customer's other text (notes, log, follow-up, other
fields) is replaced by `…`, as are problems on that note that quote it. The customer's
name and id are never changed: every page needs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields, is_dataclass, replace
from datetime import date
from decimal import Decimal

from .config import CONFIG_FILE
from .model import Contact, Customer, FieldValue, Problem, Vault

MASK = "…"
MIN_SCRUB = 3  # shorter values ("1", "A") would blank out ordinary text
CONTACT_KEYS = tuple(f.name for f in fields(Contact) if f.name != "extra")
EMPTY: dict[str, object] = {
    "status": None, "owner": None, "tags": (), "industry": None, "region": None, "source": None,
    "created": None, "contacts": (), "next_follow_up": None, "follow_up": None, "cadence": None,
    "deals": (), "purchases": (), "body": "",
}


def redact(vault: Vault) -> Vault:
    """The vault without the fields `private` names (unchanged when it names none)."""
    private = vault.settings.private
    if not private:
        return vault
    customers = []
    problems = list(vault.problems)
    for customer in vault.customers:
        values = private_values(customer, private)
        cleaned = _scrub_customer(_drop(customer, private), values)
        customers.append(cleaned)
        if values:
            problems = [_scrub_problem(p, values) if p.path == customer.path else p for p in problems]
    return replace(vault, customers=tuple(customers), problems=tuple(problems))


def private_values(customer: Customer, private: Iterable[str]) -> list[str]:
    """The customer's values of the private keys, as text, longest first."""
    found: list[str] = []
    for key in private:
        if key.startswith("contacts."):
            sub = key.split(".", 1)[1]
            for contact in customer.contacts:
                found += _texts(_contact_value(contact, sub))
        elif key == "log":
            found += [entry.text for entry in customer.log]
        elif key == "body":
            continue  # the whole text goes; its words are not secrets elsewhere
        elif key in EMPTY:
            found += _texts(getattr(customer, key))
        else:
            found += _texts(dict(customer.custom).get(key))
    return sorted({v.strip() for v in found if len(v.strip()) >= MIN_SCRUB}, key=lambda v: (-len(v), v))


def _texts(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int, Decimal, date)):
        return [str(value)]
    if isinstance(value, tuple):
        return [t for item in value for t in _texts(item)]
    if is_dataclass(value) and not isinstance(value, type):
        return [t for f in fields(value) for t in _texts(getattr(value, f.name))
                if f.name not in ("line", "date")]
    return [str(value)]


def _contact_value(contact: Contact, key: str) -> object:
    if key in CONTACT_KEYS:
        return getattr(contact, key)
    return dict(contact.extra).get(key)


def _drop(customer: Customer, private: Iterable[str]) -> Customer:
    changes: dict[str, object] = {}
    contact_keys = {k.split(".", 1)[1] for k in private if k.startswith("contacts.")}
    custom_keys = {k for k in private if "." not in k and k not in EMPTY and k != "log"}
    for key in private:
        if key in EMPTY:
            changes[key] = EMPTY[key]
    if "log" in private:  # the dates stay, so that follow-ups are still due when they are
        changes["log"] = tuple(replace(e, text=MASK) for e in customer.log)
    if contact_keys and "contacts" not in changes:
        changes["contacts"] = tuple(_drop_contact(c, contact_keys) for c in customer.contacts)
    if custom_keys:
        changes["custom"] = tuple((k, v) for k, v in customer.custom if k not in custom_keys)
    return replace(customer, **changes)  # type: ignore[arg-type]


def _drop_contact(contact: Contact, keys: set[str]) -> Contact:
    changes: dict[str, object] = {k: None for k in keys if k in CONTACT_KEYS}
    changes["extra"] = tuple((k, v) for k, v in contact.extra if k not in keys)
    return replace(contact, **changes)  # type: ignore[arg-type]


def _pattern(values: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(v) for v in values))


def _scrub_customer(customer: Customer, values: list[str]) -> Customer:
    """Every copy of a private value left in the customer's other text, masked."""
    if not values:
        return customer
    pattern = _pattern(values)

    def scrub(text: str | None) -> str | None:
        return None if text is None else pattern.sub(MASK, text)

    def scrub_value(value: FieldValue) -> FieldValue:
        if isinstance(value, str):
            return pattern.sub(MASK, value)
        if isinstance(value, tuple):
            return tuple(pattern.sub(MASK, v) for v in value)
        return MASK if str(value) in values else value

    return replace(
        customer,
        tags=tuple(pattern.sub(MASK, t) for t in customer.tags),
        industry=scrub(customer.industry),
        region=scrub(customer.region),
        source=scrub(customer.source),
        body=pattern.sub(MASK, customer.body),
        follow_up=scrub(customer.follow_up),
        log=tuple(replace(e, text=pattern.sub(MASK, e.text)) for e in customer.log),
        contacts=tuple(_scrub_contact(c, pattern) for c in customer.contacts),
        deals=tuple(replace(d, title=pattern.sub(MASK, d.title)) for d in customer.deals),
        purchases=tuple(replace(p, product=scrub(p.product)) for p in customer.purchases),
        custom=tuple((k, scrub_value(v)) for k, v in customer.custom),
    )


def _scrub_contact(contact: Contact, pattern: re.Pattern[str]) -> Contact:
    changes = {k: pattern.sub(MASK, v) for k in CONTACT_KEYS if isinstance(v := getattr(contact, k), str)}
    extra = tuple((k, pattern.sub(MASK, v)) for k, v in contact.extra)
    return replace(contact, extra=extra, **changes)


def _scrub_problem(problem: Problem, values: list[str]) -> Problem:
    pattern = _pattern(values)
    params = tuple((k, pattern.sub(MASK, v)) for k, v in problem.params)
    return replace(problem, params=params)


def owners(vault: Vault) -> list[str]:
    """Every owner a customer has, sorted: for the hint when --owner names nobody."""
    return sorted({c.owner for c in vault.customers if c.owner})


def only_owner(vault: Vault, owner: str) -> Vault:
    """One owner's customers, and only the problems of their notes and of vault.yml.

    A note too broken to say whose it is stays out: it may be anyone's.
    """
    kept = tuple(c for c in vault.customers if c.owner == owner)
    paths = {c.path for c in kept} | {CONFIG_FILE}
    return replace(vault, customers=kept,
                   problems=tuple(p for p in vault.problems if p.path in paths))


__all__ = ["MASK", "only_owner", "owners", "private_values", "redact"]
