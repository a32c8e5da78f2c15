"""The vault as plain, frozen data. Nothing here reads files or knows about git.

Every later stage (follow-ups, rendering, the CLI) works on these records, so
they carry what those stages need and nothing that ties them to I/O.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
FieldValue = str | int | Decimal | date | tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the vault, at a place an editor can jump to.

    The message is not stored: `code` and `params` are, and `messages.describe`
    words them in the vault's language. That keeps codes stable for scripts.
    """

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def error(cls, path: str, line: int, column: int, code: str, **params: object) -> Problem:
        return cls(path, line, column, "error", code, _freeze(params))

    @classmethod
    def warning(cls, path: str, line: int, column: int, code: str, **params: object) -> Problem:
        return cls(path, line, column, "warning", code, _freeze(params))

    @property
    def args(self) -> dict[str, str]:
        return dict(self.params)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


def _freeze(params: dict[str, object]) -> tuple[tuple[str, str], ...]:
    return tuple((k, str(v)) for k, v in params.items())


@dataclass(frozen=True)
class Duration:
    """A cadence such as `2w` or `3m`. Months and years follow the calendar."""

    count: int
    unit: Literal["d", "w", "m", "y"]

    def after(self, start: date) -> date:
        if self.unit == "d":
            return start + timedelta(days=self.count)
        if self.unit == "w":
            return start + timedelta(weeks=self.count)
        months = self.count if self.unit == "m" else 12 * self.count
        return add_months(start, months)

    def before(self, end: date) -> date:
        """The date this long before `end` (used for "older than dormant_after")."""
        if self.unit == "d":
            return end - timedelta(days=self.count)
        if self.unit == "w":
            return end - timedelta(weeks=self.count)
        months = self.count if self.unit == "m" else 12 * self.count
        return add_months(end, -months)

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


def add_months(start: date, months: int) -> date:
    """Calendar months, clamped to the month's end: 2026-08-31 + 3 = 2026-11-30."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    wechat: str | None = None
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Deal:
    title: str
    stage: str | None
    value: Decimal | None = None
    currency: str | None = None
    probability: Decimal | None = None
    expected_close: date | None = None
    closed: date | None = None
    line: int = 0


@dataclass(frozen=True)
class Purchase:
    date: date
    amount: Decimal | None
    product: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Interaction:
    """One dated line of the log: `- 2026-11-02 call: asked for a quote`."""

    date: date
    channel: str
    text: str
    line: int
    # Where the entry starts on its line, for the problem about a future date: which
    # entries are in the future depends on the day, so it is found after the note's cached
    # result is read (vault.on_day).
    column: int = field(default=1, compare=False)


@dataclass(frozen=True)
class Customer:
    id: str
    path: str  # relative to the vault, with forward slashes
    name: str
    status: str | None = None
    owner: str | None = None
    tags: tuple[str, ...] = ()
    industry: str | None = None
    region: str | None = None
    source: str | None = None
    created: date | None = None
    contacts: tuple[Contact, ...] = ()
    next_follow_up: date | None = None
    follow_up: str | None = None
    cadence: Duration | None = None
    deals: tuple[Deal, ...] = ()
    purchases: tuple[Purchase, ...] = ()
    log: tuple[Interaction, ...] = ()
    custom: tuple[tuple[str, FieldValue], ...] = ()
    body: str = ""
    body_line: int = 1
    has_errors: bool = False


FollowUpReason = Literal["scheduled", "cadence"]


@dataclass(frozen=True)
class FollowUp:
    """When to contact a customer next, and why that date."""

    customer_id: str
    due: date | None
    reason: FollowUpReason | None
    last_contact: date | None


@dataclass(frozen=True)
class Vault:
    """A loaded vault: the customers that could be read, and every problem found."""

    settings: Settings
    customers: tuple[Customer, ...]
    problems: tuple[Problem, ...]
    # The vault's own dashboard templates (its templates/ folder, see look.py); None: the
    # standard look. Set by whoever builds the site, once the overrides have been checked.
    templates: Path | None = None

    def customer(self, customer_id: str) -> Customer | None:
        for c in self.customers:
            if c.id == customer_id:
                return c
        return None

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == "warning")


@dataclass(frozen=True)
class CustomField:
    name: str
    type: Literal["text", "integer", "number", "date", "enum", "list"]
    values: tuple[str, ...] = ()
    required: bool = False


DEFAULT_STATUSES = ("lead", "prospect", "active", "dormant", "lost")
DEFAULT_STAGES = (
    ("qualified", Decimal("0.1")),
    ("proposal", Decimal("0.3")),
    ("negotiation", Decimal("0.6")),
    ("won", Decimal("1.0")),
    ("lost", Decimal("0.0")),
)
DEFAULT_CHANNELS = ("call", "email", "meeting", "visit", "wechat", "message", "note")


@dataclass(frozen=True)
class Settings:
    """vault.yml, with every default filled in."""

    name: str | None = None  # the dashboard's title; the word "Customers" when unset
    locale: Literal["en", "zh"] = "en"
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    closed_statuses: tuple[str, ...] = ("lost",)
    stages: tuple[tuple[str, Decimal | None], ...] = DEFAULT_STAGES
    default_cadence: tuple[tuple[str, Duration], ...] = ()
    dormant_after: Duration = Duration(90, "d")
    owners: tuple[str, ...] = ()
    currency: str | None = None
    # Exchange rates into `currency` (1 unit of the key = rate units of `currency`),
    # so deals and purchases in several currencies can be added up.
    rates: tuple[tuple[str, Decimal], ...] = ()
    fields: tuple[CustomField, ...] = ()
    required: tuple[str, ...] = ()
    log_headings: tuple[str, ...] = ("Log",)
    channels: tuple[str, ...] = DEFAULT_CHANNELS
    channel_aliases: tuple[tuple[str, str], ...] = field(default=())
    # `vault-tool new 上海华联` names the file 上海华联.md instead of shanghai-hualian.md.
    keep_chinese_ids: bool = False
    # Fields `build --redact` leaves out: `contacts.phone`, `id_number`, `body`, `log`, ...
    private: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return self._hash

    def __getstate__(self) -> dict[str, object]:
        """The fields alone, without what `cached_property` added: the settings are part of
        every page's key, which must not change because a property was asked for."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @cached_property
    def _hash(self) -> int:
        """Computed once: per-customer results are found by the settings, thousands of times
        a build (`memo.per_customer`)."""
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    @cached_property
    def _stage_map(self) -> dict[str, Decimal | None]:
        return dict(self.stages)

    @cached_property
    def _cadence_map(self) -> dict[str, Duration]:
        return dict(self.default_cadence)

    def stage_probability(self, stage: str | None) -> Decimal | None:
        return self._stage_map.get(stage) if stage else None

    def cadence_for(self, status: str | None) -> Duration | None:
        return self._cadence_map.get(status) if status else None

    def is_closed(self, status: str | None) -> bool:
        return status is not None and status in self.closed_statuses

    def custom_field(self, name: str) -> CustomField | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None
