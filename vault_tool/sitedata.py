"""Data files the dashboard's scripts read: the customer table, as a script file.

Browsers refuse `fetch()` of local files, so the data is a `.js` file that
assigns one JSON value; it works from the file system and from a server alike.
The JSON is escaped so that no string in it can end a script or a comment.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from typing import Any

from .followups import due_state, follow_up, is_going_cold, last_contact
from .i18n import label, tr
from .model import Customer, Vault
from .pieces import Pieces

TABLE_COLUMNS = (
    "id", "name", "href", "status", "status_rank", "status_label", "status_class", "owner", "tags",
    "industry", "region", "source", "last_contact", "cold", "due", "due_text", "due_state", "search",
)
FILTERS = ("status", "owner", "tags", "industry", "region", "source")
# str.replace, one character after another: several times faster than str.translate on the
# megabytes of a big vault's table.
_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
            ("\u2029", "\\u2029"))


def script_json(value: object) -> str:
    """JSON that is also safe inside a script: `</script>` and `<!--` cannot appear."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for char, escaped in _ESCAPES:
        text = text.replace(char, escaped)
    return text


def search_text(customer: Customer) -> str:
    """Everything a person may type to find a customer, in one string."""
    parts = [customer.id, customer.name, customer.owner, customer.industry, customer.region,
             customer.source, customer.follow_up, *customer.tags]
    for contact in customer.contacts:
        parts += [contact.name, contact.role, contact.email, contact.phone, contact.wechat]
    # NFKC like the script does to what is typed, so full-width letters and digits match.
    return unicodedata.normalize("NFKC", " ".join(p for p in parts if p)).casefold()


def table_row(customer: Customer, vault: Vault, today: date, href: str) -> list[Any]:
    locale = vault.settings.locale
    plan = follow_up(customer, vault.settings, today)
    due = plan.due if plan else None
    state = due_state(plan, today)
    due_text = due.isoformat() if due else tr(locale, "closed" if plan is None else "no_plan")
    contact = last_contact(customer, today)
    status_class = (customer.status or "").lower().replace(" ", "-")
    values = {
        "id": customer.id, "name": customer.name, "href": href, "status": customer.status or "",
        "status_rank": _status_rank(customer.status, vault.settings.statuses),
        "status_label": label(locale, "status", customer.status), "status_class": status_class,
        "owner": customer.owner or "", "tags": list(customer.tags),
        "industry": customer.industry or "", "region": customer.region or "",
        "source": customer.source or "", "last_contact": contact.isoformat() if contact else "",
        "cold": is_going_cold(customer, vault.settings, today), "due": due.isoformat() if due else "",
        "due_text": due_text, "due_state": state, "search": search_text(customer),
    }
    return [values[c] for c in TABLE_COLUMNS]


def _status_rank(status: str | None, statuses: tuple[str, ...]) -> int | None:
    """Sorting by status follows vault.yml's order (lead before prospect), not A to Z."""
    if status is None:
        return None
    return statuses.index(status) if status in statuses else len(statuses)


def filter_options(vault: Vault) -> list[tuple[str, list[str]]]:
    """The values each filter can take, in a stable order (statuses in vault.yml order)."""
    options: list[tuple[str, list[str]]] = []
    for key in FILTERS:
        seen: set[str] = set()
        for customer in vault.customers:
            value = getattr(customer, key)
            seen.update(value if isinstance(value, tuple) else [value] if value else [])
        if key == "status":
            ordered = [s for s in vault.settings.statuses if s in seen]
        else:
            ordered = sorted(seen, key=lambda v: (v.casefold(), v))
        options.append((key, ordered))
    return options


def customers_script(vault: Vault, today: date, hrefs: dict[str, str],
                     pieces: Pieces | None = None) -> bytes:
    """data/customers.js: the customer table's rows and the words its script shows."""
    locale = vault.settings.locale
    memo = pieces or Pieces()
    rows = [memo.get("row", c, lambda c: table_row(c, vault, today, hrefs[c.id]))
            for c in sorted(vault.customers, key=lambda c: (c.name.casefold(), c.id))]
    labels = {k: tr(locale, k) for k in ("name", "status", "owner", "last_contact",
                                         "next_follow_up", "tags", "going_cold")}
    data = {"columns": list(TABLE_COLUMNS), "rows": rows, "labels": labels,
            "messages": {"showing": tr(locale, "showing_rows")}}
    return f"window.VAULT_CUSTOMERS = {script_json(data)};\n".encode()
