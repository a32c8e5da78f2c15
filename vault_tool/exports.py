"""Files for people who want the data elsewhere: a calendar feed, a spreadsheet, JSON.

Each export is a pure function of the vault and `today` that returns bytes.
The same vault on the same day gives byte-identical files (no clock, no
random ids, everything sorted), so a rebuild that changes nothing rewrites
nothing, and a subscribed calendar sees the same events until a note changes.

Each file is also a join of per-customer pieces, pure functions of one
customer, the settings and `today`, so that a cache can keep them and a
one-note change recomputes one customer's pieces:

    follow-ups.ics   ics_file(settings, ics_events(c, ...) for c in ics_order(...))
    customers.csv    csv_file(settings, csv_row(c, ...) for c in id_order(...))
    customers.json   json_file(settings, today, json_record(c, ...) for c in id_order(...))

`ics_key` is a customer's place in the feed, for a cache that keeps it too.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from . import ics
from .followups import DueItem, follow_up, is_going_cold, last_contact
from .i18n import tr
from .model import Contact, Customer, FieldValue, FollowUp, Settings, Vault
from .output import Page, customer_file, customer_href
from .pieces import Pieces
from .pipeline import DealRef, deal_state, totals
from .records import customer_dict, plain

PRODID = "-//vault-tool//EN"
ICS_FILE = "follow-ups.ics"
CSV_FILE = "customers.csv"
JSON_FILE = "customers.json"

# How often a calendar app should fetch the feed again (RFC 7986, and the
# older Microsoft property that Outlook and Apple Calendar still read).
REFRESH = timedelta(hours=12)

# The few words of the calendar that the dashboard's catalogue does not have.
SUMMARY = {"en": "Follow up: {name}", "zh": "跟进：{name}"}


def export_pages(vault: Vault, today: date, *, site_url: str | None = None,
                 pieces: Pieces | None = None) -> list[Page]:
    """The three data files of the site, for the build to write beside the pages.

    With `pieces` (kept by `watch` between rebuilds), each customer's part of each file is
    made only when that customer changed."""
    settings = vault.settings
    memo = pieces or Pieces()  # kept pieces are for this vault's settings and day (render.renderer)
    ics_pieces = (memo.get(f"ics {site_url}", c, lambda c: ics_events(c, settings, today, site_url))
                  for c in ics_order(vault.customers, settings, today))
    ordered = id_order(vault.customers)
    if pieces is not None:
        pieces.keep_only(ordered)
    return [
        Page(ICS_FILE, ics_file(settings, ics_pieces)),
        Page(CSV_FILE, csv_file(settings, (memo.get("csv", c, lambda c: csv_row(c, settings, today))
                                           for c in ordered))),
        Page(JSON_FILE, json_file(settings, today, (
            memo.get("json", c, lambda c: json_record(c, settings, today)) for c in ordered))),
    ]


def vault_name(settings: Settings) -> str:
    return settings.name or tr(settings.locale, "customers")


# --- computed figures, shared by the CSV and the JSON ---------------------


@dataclass(frozen=True)
class Figures:
    """What the exports add to a customer's own fields, computed for `today`."""

    plan: FollowUp | None
    last_contact: date | None
    going_cold: bool
    open_deals: int
    open_pipeline: Decimal | None  # in the vault currency (pipeline.to_base); None when a rate is missing
    purchases_total: Decimal
    last_purchase: date | None


def figures(customer: Customer, settings: Settings, today: date) -> Figures:
    open_refs = [DealRef.of(customer, d, settings) for d in customer.deals
                 if deal_state(d, settings) == "open"]
    pipeline = totals(open_refs)
    past = [p for p in customer.purchases if p.date <= today]  # later dates are plans
    amounts = [p.amount for p in past if p.amount is not None]
    return Figures(
        plan=follow_up(customer, settings, today),
        last_contact=last_contact(customer, today),
        going_cold=is_going_cold(customer, settings, today),
        open_deals=pipeline.count,
        # A partial sum would look complete; an empty cell says "cannot add these up".
        open_pipeline=None if pipeline.not_counted else pipeline.value,
        purchases_total=sum(amounts, Decimal(0)),
        last_purchase=max((p.date for p in past), default=None),
    )


# --- follow-ups.ics ---------------------------------------------------------


def calendar_ics(vault: Vault, today: date, *, site_url: str | None = None) -> bytes:
    """Every due follow-up as an all-day event and as a to-do, for calendar apps.

    Overdue follow-ups stay on their due date; the to-do is what keeps them in
    sight, since to-do lists show what is late. Both carry a UID derived from
    the customer id alone, so when the due date moves (a call was logged), a
    subscribed calendar moves the entry instead of adding a second one.
    """
    settings = vault.settings
    pieces = (ics_events(c, settings, today, site_url) for c in ics_order(vault.customers, settings, today))
    return ics_file(settings, pieces)


def ics_key(customer: Customer, settings: Settings, today: date) -> tuple[date, str] | None:
    """Where the customer's entries go in the feed (by due date, then id); None when nothing is due."""
    plan = follow_up(customer, settings, today)
    return None if plan is None or plan.due is None else (plan.due, customer.id)


def ics_order(customers: Iterable[Customer], settings: Settings, today: date) -> list[Customer]:
    """The customers with entries in the feed, in the feed's order."""
    keyed = [(key, c) for c in customers if (key := ics_key(c, settings, today)) is not None]
    return [c for _, c in sorted(keyed, key=lambda kc: kc[0])]


def ics_events(customer: Customer, settings: Settings, today: date,
               site_url: str | None = None) -> str:
    """The customer's VEVENT and VTODO as text, or "" when it has no due follow-up."""
    plan = follow_up(customer, settings, today)
    if plan is None or plan.due is None:
        return ""
    entry = _Entry.of(DueItem(customer, plan), settings, site_url)
    stamp = ics.utc_value(datetime.combine(today, time(0), tzinfo=timezone.utc))
    return entry.event(stamp) + entry.todo(stamp)


def ics_file(settings: Settings, pieces: Iterable[str]) -> bytes:
    """The feed: the calendar's own properties, then `pieces` (from ics_events, in ics_order).

    Properties are in the order icalendar wrote them (its canonical order,
    then alphabetical), so feeds did not change when we stopped using it.
    """
    name = ics.text(_ics_text(vault_name(settings)))
    head = (
        "BEGIN:VCALENDAR\r\n"
        + ics.line("VERSION", "2.0")
        + ics.line("PRODID", ics.text(PRODID))
        + ics.line("CALSCALE", "GREGORIAN")
        + ics.line("NAME", name)
        + ics.line("X-WR-CALNAME", name)
        + ics.line("REFRESH-INTERVAL;VALUE=DURATION", ics.duration_value(REFRESH))
        + ics.line("X-PUBLISHED-TTL", ics.duration_value(REFRESH))
    )
    return (head + "".join(pieces) + "END:VCALENDAR\r\n").encode("utf-8")


def uid_hash(customer_id: str) -> str:
    """A short, stable stand-in for the id: UIDs should be ASCII, and ids may be Chinese.

    NFC first, so the same file name spelled by macOS or Linux gives one UID.
    """
    data = unicodedata.normalize("NFC", customer_id).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:24]


@dataclass(frozen=True)
class _Entry:
    """What one customer's event and to-do share, as content lines: escaped and folded once.

    Only the lines that hold text may be longer than a physical line; the
    dates, the stamp and the UID are short ASCII and need no folding.
    """

    uid: str
    due: date
    summary: str
    description: str
    categories: str  # "" when the customer has no owner
    url: str  # "" without a site address

    @classmethod
    def of(cls, item: DueItem, settings: Settings, site_url: str | None) -> _Entry:
        c = item.customer
        summary = SUMMARY["zh" if settings.locale == "zh" else "en"].format(name=c.name)
        if c.follow_up:
            summary += " — " + c.follow_up
        url = site_url.rstrip("/") + "/" + customer_href(c.id) if site_url else None
        description = _description(item, settings.locale, url or customer_file(c.id))
        owner = _ics_text(c.owner) if c.owner else ""
        return cls(
            uid=uid_hash(c.id),
            due=item.due,
            summary=ics.line("SUMMARY", ics.text(_ics_text(" ".join(summary.split())))),
            description=ics.line("DESCRIPTION", ics.text(_ics_text(description))),
            categories=ics.line("CATEGORIES", ics.text(owner)) if owner else "",
            url=ics.line("URL;VALUE=URI", url) if url else "",
        )

    def event(self, stamp: str) -> str:
        """The all-day event; its properties in icalendar's order for VEVENT."""
        return (
            f"BEGIN:VEVENT\r\n{self.summary}"
            f"DTSTART;VALUE=DATE:{ics.date_value(self.due)}\r\n"
            f"DTEND;VALUE=DATE:{ics.date_value(self.due + timedelta(days=1))}\r\n"
            f"DTSTAMP:{stamp}\r\n"
            f"UID:{self.uid}-event@vault-tool\r\n"
            f"{self.categories}{self.description}"
            "TRANSP:TRANSPARENT\r\n"  # a reminder, not a meeting: the day stays free
            f"{self.url}END:VEVENT\r\n"
        )

    def todo(self, stamp: str) -> str:
        """The to-do; its properties in alphabetical order, as icalendar wrote a VTODO."""
        return (
            f"BEGIN:VTODO\r\n{self.categories}{self.description}"
            f"DTSTAMP:{stamp}\r\n"
            f"DUE;VALUE=DATE:{ics.date_value(self.due)}\r\n"
            "STATUS:NEEDS-ACTION\r\n"
            f"{self.summary}"
            f"UID:{self.uid}-todo@vault-tool\r\n"
            f"{self.url}END:VTODO\r\n"
        )


def _description(item: DueItem, locale: str, link: str) -> str:
    colon = "：" if locale == "zh" else ": "
    plan = item.follow_up
    lines = []
    if item.customer.owner:
        lines.append(tr(locale, "owner") + colon + item.customer.owner)
    lines.append(tr(locale, "reason") + colon + tr(locale, f"reason_{plan.reason}"))
    contact = plan.last_contact.isoformat() if plan.last_contact else tr(locale, "none")
    lines.append(tr(locale, "last_contact") + colon + contact)
    lines.append(link)
    return "\n".join(lines)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _ics_text(text: str) -> str:
    """RFC 5545 TEXT allows no control characters but tab and (escaped) newline."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# --- customers.csv ------------------------------------------------------------

COLUMNS = (
    "id", "name", "status", "owner", "tags", "industry", "region", "source", "created",
    "last_contact", "next_follow_up", "follow_up_reason", "follow_up", "going_cold", "contacts",
    "open_deals", "open_pipeline", "purchases_total", "last_purchase",
)


def csv_header(settings: Settings) -> list[str]:
    """The columns: built-in ones, one per custom field in settings order, then `path`.

    A custom field may not shadow a front-matter key, but it may be called
    `path` or `open_deals`; its column is then `custom.<name>`, so that every
    header is unique and a script can look columns up by name.
    """
    builtin = (*COLUMNS, "path")
    custom = [f.name if f.name not in builtin else f"custom.{f.name}" for f in settings.fields]
    return [*COLUMNS, *custom, "path"]


def customers_csv(vault: Vault, today: date) -> bytes:
    """One row per customer, sorted by id, for spreadsheets."""
    settings = vault.settings
    return csv_file(settings, (csv_row(c, settings, today) for c in id_order(vault.customers)))


def id_order(customers: Iterable[Customer]) -> list[Customer]:
    """The order of the CSV rows and the JSON records."""
    return sorted(customers, key=lambda c: c.id)


class _Echo:
    """A file whose write() returns what it is given: csv's writerow() then returns the line."""

    def write(self, text: str) -> str:
        return text


def _csv_line(cells: Iterable[str]) -> str:
    """One record as the csv module's default dialect quotes it, with its CRLF."""
    line: str = csv.writer(_Echo()).writerow(cells)
    return line


def csv_row(customer: Customer, settings: Settings, today: date) -> str:
    """The customer's line of customers.csv: formulas defused, quoted, CRLF at the end."""
    return _csv_line([defuse(cell) for cell in _csv_cells(customer, settings, today)])


def csv_file(settings: Settings, pieces: Iterable[str]) -> bytes:
    """The header, then `pieces` (from csv_row, in id_order).

    UTF-8 with a byte order mark: without it Excel reads the file in the
    system code page and shows Chinese text as mojibake. Line ends are CRLF,
    as RFC 4180 and the csv module's default dialect have them.
    """
    return ("\ufeff" + _csv_line(csv_header(settings)) + "".join(pieces)).encode("utf-8")


def _csv_cells(customer: Customer, settings: Settings, today: date) -> list[str]:
    f = figures(customer, settings, today)
    custom = dict(customer.custom)
    return [
        customer.id,
        customer.name,
        cell(customer.status),
        cell(customer.owner),
        cell(customer.tags),
        cell(customer.industry),
        cell(customer.region),
        cell(customer.source),
        cell(customer.created),
        cell(f.last_contact),
        cell(f.plan.due if f.plan else None),
        cell(f.plan.reason if f.plan else None),
        cell(customer.follow_up),
        "true" if f.going_cold else "false",
        "; ".join(contact_text(c) for c in customer.contacts),
        str(f.open_deals),
        cell(f.open_pipeline),
        cell(f.purchases_total),
        cell(f.last_purchase),
        *(cell(custom.get(field.name)) for field in settings.fields),
        customer.path,
    ]


def cell(value: FieldValue | None) -> str:
    """A value as spreadsheet text: plain numbers (no separators), ISO dates, lists with `; `."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text == "-0" else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "; ".join(value)
    return str(value)


def contact_text(contact: Contact) -> str:
    """`Name (role) <email> phone WeChat: id`, leaving out what is not known."""
    parts = [contact.name or ""]
    if contact.role:
        parts.append(f"({contact.role})")
    if contact.email:
        parts.append(f"<{contact.email}>")
    if contact.phone:
        parts.append(contact.phone)
    if contact.wechat:
        parts.append(f"WeChat: {contact.wechat}")
    return " ".join(p for p in parts if p)


# A cell that starts with one of these is read as a formula by Excel, LibreOffice
# or Google Sheets (OWASP, "CSV Injection"): `=HYPERLINK(...)` in a note's name
# could leak data or run a command when someone opens the export. Phone numbers
# such as "+86 138 ..." start with one too and are defused like everything else.
# The full-width forms are included as a precaution for Chinese input methods.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def defuse(text: str) -> str:
    """A leading apostrophe makes the cell text; spreadsheets hide the apostrophe.

    A plain number such as a negative custom integer is left alone: it cannot
    be a formula, and quoting it would turn it into text.
    """
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


# --- customers.json -----------------------------------------------------------


def customers_json(vault: Vault, today: date) -> bytes:
    """The customer records as `show --format json` prints them, plus the computed figures."""
    settings = vault.settings
    return json_file(settings, today, (json_record(c, settings, today) for c in id_order(vault.customers)))


# Compact (one line, no indentation) with sorted keys: at 10,000 customers
# indentation would add about a third to the size, and `jq` reads it anyway.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_record(customer: Customer, settings: Settings, today: date) -> str:
    """The customer's object in customers.json, as compact JSON text."""
    return _JSON.encode(customer_record(customer, settings, today))


def json_file(settings: Settings, today: date, pieces: Iterable[str]) -> bytes:
    """`{"currency", "customers": [pieces], "generated_for", "vault"}`, keys sorted as json.dumps sorts them.

    `pieces` come from json_record, in id_order. Amounts are in the vault
    currency, named at the top.
    """
    head = f'{{"currency":{_JSON.encode(settings.currency)},"customers":['
    tail = f'],"generated_for":"{today.isoformat()}","vault":{_JSON.encode(vault_name(settings))}}}\n'
    return (head + ",".join(pieces) + tail).encode("utf-8")


def customer_record(customer: Customer, settings: Settings, today: date) -> dict[str, Any]:
    f = figures(customer, settings, today)
    record = customer_dict(customer, settings, today)
    record.update({
        "page": customer_file(customer.id),
        "open_deals": f.open_deals,
        "open_pipeline": plain(f.open_pipeline),
        "purchases_total": plain(f.purchases_total),
        "last_purchase": plain(f.last_purchase),
    })
    return record
