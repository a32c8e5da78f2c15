"""Customers and follow-ups as JSON-ready dictionaries, for `show`, `due` and data files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .followups import DueItem, follow_up, is_going_cold, last_contact
from .messages import describe
from .model import Contact, Customer, Deal, Duration, Interaction, Problem, Purchase, Settings

# Already JSON: most values are, and customers.json asks about some 300,000 of them.
_AS_IS = frozenset({str, int, float, bool, type(None)})


def plain(value: object) -> Any:
    """A JSON-ready copy: dates as YYYY-MM-DD, amounts as numbers, tuples as lists."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def contact_dict(contact: Contact) -> dict[str, Any]:
    fields = {k: getattr(contact, k) for k in ("name", "role", "email", "phone", "wechat")}
    fields.update(contact.extra)
    return {k: v for k, v in fields.items() if v is not None}


def deal_dict(deal: Deal) -> dict[str, Any]:
    keys = ("title", "stage", "value", "currency", "probability", "expected_close", "closed")
    return {k: plain(v) for k in keys if (v := getattr(deal, k)) is not None}


def purchase_dict(purchase: Purchase) -> dict[str, Any]:
    keys = ("date", "amount", "product")
    return {k: plain(v) for k in keys if (v := getattr(purchase, k)) is not None}


def interaction_dict(entry: Interaction) -> dict[str, Any]:
    return {"date": entry.date.isoformat(), "channel": entry.channel, "text": entry.text,
            "line": entry.line}


def fields_dict(customer: Customer) -> dict[str, Any]:
    """The front matter as the tool understood it: only fields that were set and valid."""
    simple = ("name", "status", "owner", "tags", "industry", "region", "source", "created",
              "next_follow_up", "follow_up", "cadence")
    fields: dict[str, Any] = {k: plain(getattr(customer, k)) for k in simple}
    fields["contacts"] = [contact_dict(c) for c in customer.contacts]
    fields["deals"] = [deal_dict(d) for d in customer.deals]
    fields["purchases"] = [purchase_dict(p) for p in customer.purchases]
    fields.update({k: plain(v) for k, v in customer.custom})
    return {k: v for k, v in fields.items() if v not in (None, [], ())}


def customer_dict(customer: Customer, settings: Settings, today: date) -> dict[str, Any]:
    """Everything `show --format json` prints about one customer."""
    item = follow_up(customer, settings, today)
    return {
        "id": customer.id,
        "path": customer.path,
        "fields": fields_dict(customer),
        "log": [interaction_dict(e) for e in customer.log],
        "last_contact": plain(last_contact(customer, today)),
        "follow_up": None if item is None else {
            "due": plain(item.due), "reason": item.reason, "what": customer.follow_up,
        },
        "going_cold": is_going_cold(customer, settings, today),
        "closed": settings.is_closed(customer.status),
    }


def due_dict(item: DueItem, today: date) -> dict[str, Any]:
    """One row of `due --format json`."""
    return {
        "id": item.customer.id,
        "name": item.customer.name,
        "owner": item.customer.owner,
        "due": item.due.isoformat(),
        "reason": item.follow_up.reason,
        "days_overdue": item.days_overdue(today),
        "follow_up": item.customer.follow_up,
        "path": item.customer.path,
    }


def problem_dict(problem: Problem, locale: str) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity,
        "code": problem.code,
        "message": describe(problem, locale),
    }
