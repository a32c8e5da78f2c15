"""Files for people who want the data elsewhere: a calendar feed, a spreadsheet, JSON.

Each export is a pure function of the vault and `today` that returns bytes.
The same vault on the same day gives byte-identical files (no clock, no
random ids, everything sorted), so a rebuild that changes nothing rewrites
nothing, and a subscribed calendar sees the same events until a note changes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from icalendar import Calendar, Event, Todo, vDuration

from .followups import DueItem, follow_up, is_going_cold, last_contact, scheduled
from .i18n import tr
from .model import Contact, Customer, FieldValue, FollowUp, Settings, Vault
from .output import Page, customer_file, customer_href
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


def export_pages(vault: Vault, today: date, *, site_url: str | None = None) -> list[Page]:
    """The three data files of the site, for the build to write beside the pages."""
    return [
        Page(ICS_FILE, calendar_ics(vault, today, site_url=site_url)),
        Page(CSV_FILE, customers_csv(vault, today)),
        Page(JSON_FILE, customers_json(vault, today)),
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
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _ics_text(vault_name(settings)))
    cal.add("name", _ics_text(vault_name(settings)))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    stamp = datetime.combine(today, time(0), tzinfo=timezone.utc)
    dated, _ = scheduled(vault, today)
    for item in sorted(dated, key=lambda i: (i.due, i.customer.id)):
        entry = _Entry.of(item, settings, site_url)
        cal.add_component(entry.event(stamp))
        cal.add_component(entry.todo(stamp))
    return bytes(cal.to_ical())


def uid_hash(customer_id: str) -> str:
    """A short, stable stand-in for the id: UIDs should be ASCII, and ids may be Chinese.

    NFC first, so the same file name spelled by macOS or Linux gives one UID.
    """
    data = unicodedata.normalize("NFC", customer_id).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:24]


@dataclass(frozen=True)
class _Entry:
    """The shared text of one customer's event and to-do."""

    uid: str
    due: date
    summary: str
    description: str
    owner: str | None
    url: str | None

    @classmethod
    def of(cls, item: DueItem, settings: Settings, site_url: str | None) -> _Entry:
        c = item.customer
        summary = SUMMARY["zh" if settings.locale == "zh" else "en"].format(name=c.name)
        if c.follow_up:
            summary += " — " + c.follow_up
        url = site_url.rstrip("/") + "/" + customer_href(c.id) if site_url else None
        return cls(
            uid=uid_hash(c.id),
            due=item.due,
            summary=_ics_text(" ".join(summary.split())),
            description=_ics_text(_description(item, settings.locale, url or customer_file(c.id))),
            owner=_ics_text(c.owner) if c.owner else None,
            url=url,
        )

    def event(self, stamp: datetime) -> Event:
        event = Event()
        event.add("uid", f"{self.uid}-event@vault-tool")
        event.add("dtstamp", stamp)
        event.add("dtstart", self.due)
        event.add("dtend", self.due + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: the day stays free
        self._describe(event)
        return event

    def todo(self, stamp: datetime) -> Todo:
        todo = Todo()
        todo.add("uid", f"{self.uid}-todo@vault-tool")
        todo.add("dtstamp", stamp)
        todo.add("due", self.due)
        todo.add("status", "NEEDS-ACTION")
        self._describe(todo)
        return todo

    def _describe(self, component: Event | Todo) -> None:
        component.add("summary", self.summary)
        component.add("description", self.description)
        if self.owner:
            component.add("categories", [self.owner])
        if self.url:
            component.add("url", self.url, parameters={"VALUE": "URI"})


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
    """One row per customer, sorted by id, for spreadsheets.

    UTF-8 with a byte order mark: without it Excel reads the file in the
    system code page and shows Chinese text as mojibake. Line ends are CRLF,
    as RFC 4180 and the csv module's default dialect have them.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_header(vault.settings))
    for customer in sorted(vault.customers, key=lambda c: c.id):
        writer.writerow([defuse(cell) for cell in _csv_row(customer, vault.settings, today)])
    return out.getvalue().encode("utf-8-sig")


def _csv_row(customer: Customer, settings: Settings, today: date) -> list[str]:
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
    """The customer records as `show --format json` prints them, plus the computed figures.

    Compact (one line, no indentation) with sorted keys: at 10,000 customers
    indentation would add about a third to the size, and `jq` reads it anyway.
    Amounts are in the vault currency, named at the top.
    """
    settings = vault.settings
    document = {
        "generated_for": today.isoformat(),
        "vault": vault_name(settings),
        "currency": settings.currency,
        "customers": [customer_record(c, settings, today)
                      for c in sorted(vault.customers, key=lambda c: c.id)],
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


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
