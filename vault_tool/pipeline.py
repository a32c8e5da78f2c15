"""The sales pipeline: what is open, what it is worth, and when it should close.

Pure functions of the vault and `today`. Money is always brought into the
vault currency first (`to_base`); a deal whose currency has no rate is counted
apart as "not counted" rather than added to other currencies' sums.

Date windows are inclusive: "the last N days" are the N days ending with today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from .followups import last_contact
from .memo import per_vault
from .model import Customer, Deal, Settings, Vault, add_months

DealState = Literal["open", "won", "lost"]
ZERO = Decimal(0)


def _code(currency: str) -> str:
    return currency.strip().upper()


def to_base(amount: Decimal, currency: str | None, settings: Settings) -> Decimal | None:
    """`amount` in the vault currency, or None when no rate says how to convert it.

    Without a vault currency every amount is taken as it stands (a one-currency
    vault need not name it). Codes are compared ignoring case and spaces, so
    `eur` and `EUR` are one currency. A rate means 1 unit of the currency is
    `rate` units of the vault currency.
    """
    if currency is None or not currency.strip() or settings.currency is None:
        return amount
    code = _code(currency)
    if code == _code(settings.currency):
        return amount
    rates = {_code(name): rate for name, rate in settings.rates}
    rate = rates.get(code)
    return None if rate is None else amount * rate


def stage_state(stage: str | None, settings: Settings) -> DealState:
    """Won or lost only by a stage whose default probability is exactly 1 or 0.

    A missing or unknown stage is open: the deal is still someone's work.
    """
    default = settings.stage_probability(stage)
    if default is None:
        return "open"
    if default == 1:
        return "won"
    if default == 0:
        return "lost"
    return "open"


def deal_state(deal: Deal, settings: Settings) -> DealState:
    """The stage decides, not `closed`: a deal marked closed but left in an open
    stage is still work in progress, and showing it keeps the mistake visible."""
    return stage_state(deal.stage, settings)


def probability(deal: Deal, settings: Settings) -> Decimal:
    """The deal's own probability, else its stage's default, else 0 (unknown is worth nothing)."""
    if deal.probability is not None:
        return deal.probability
    default = settings.stage_probability(deal.stage)
    return ZERO if default is None else default


@dataclass(frozen=True)
class DealRef:
    """A deal with its customer and its value already in the vault currency.

    The value is computed once (`DealRef.of`), so templates only display it.
    `base_value` is None when the deal has no value or its currency has no rate.
    """

    customer: Customer
    deal: Deal
    base_value: Decimal | None
    probability: Decimal

    @classmethod
    def of(cls, customer: Customer, deal: Deal, settings: Settings) -> DealRef:
        base = None if deal.value is None else to_base(deal.value, deal.currency, settings)
        return cls(customer, deal, base, probability(deal, settings))

    @property
    def weighted_value(self) -> Decimal | None:
        return None if self.base_value is None else self.base_value * self.probability

    @property
    def missing_rate(self) -> bool:
        """It has a value, but in a currency that cannot be added to the others."""
        return self.deal.value is not None and self.base_value is None


@dataclass(frozen=True)
class Totals:
    """Sums over some deals; `not_counted` deals are in `count` but not in the sums."""

    count: int
    value: Decimal
    weighted: Decimal
    not_counted: int


def totals(refs: Iterable[DealRef]) -> Totals:
    """In one pass: every page of the pipeline, segments and owners sums deals many times."""
    count = not_counted = 0
    value = weighted = ZERO
    for ref in refs:
        count += 1
        if ref.base_value is None:
            not_counted += ref.deal.value is not None  # `missing_rate`
        else:
            value += ref.base_value
            weighted += ref.base_value * ref.probability  # `weighted_value`
    return Totals(count=count, value=value, weighted=weighted, not_counted=not_counted)


@per_vault
def deals(vault: Vault, state: DealState | None = None) -> tuple[DealRef, ...]:
    """Every deal (or every deal in `state`), in customer order then file order."""
    return tuple(
        DealRef.of(c, d, vault.settings)
        for c in vault.customers
        for d in c.deals
        if state is None or deal_state(d, vault.settings) == state
    )


def open_deals(vault: Vault) -> tuple[DealRef, ...]:
    return deals(vault, "open")


def by_expected_close(refs: Iterable[DealRef]) -> tuple[DealRef, ...]:
    """Soonest first, undated last; ties by customer id then file order, so output is stable."""
    return tuple(sorted(refs, key=lambda r: (
        r.deal.expected_close is None, r.deal.expected_close or date.min,
        r.customer.id, r.deal.line, r.deal.title,
    )))


def by_value(refs: Iterable[DealRef]) -> tuple[DealRef, ...]:
    """Biggest first (in the vault currency); deals without a countable value last; then as
    `by_expected_close`, so output is stable."""
    return tuple(sorted(by_expected_close(refs), key=lambda r: (
        r.base_value is None, -(r.base_value or ZERO))))


def open_pipeline_value(vault: Vault) -> Totals:
    return totals(open_deals(vault))


@dataclass(frozen=True)
class StageColumn:
    """One column of the board. `stage` is None for open deals without a known stage."""

    stage: str | None
    default_probability: Decimal | None
    deals: tuple[DealRef, ...]
    totals: Totals


def stage_board(vault: Vault) -> tuple[StageColumn, ...]:
    """A column per open stage in settings order, even when empty (the board keeps its shape).

    Open deals whose stage is missing or unknown get a last column (stage None),
    only when there are some, so the board adds up to `open_pipeline_value`.
    """
    settings = vault.settings
    refs = open_deals(vault)
    columns = [
        StageColumn(stage, default, by_expected_close(r for r in refs if r.deal.stage == stage),
                    totals(r for r in refs if r.deal.stage == stage))
        for stage, default in settings.stages
        if stage_state(stage, settings) == "open"
    ]
    known = {stage for stage, _ in settings.stages}
    other = [r for r in refs if r.deal.stage not in known]
    if other:
        columns.append(StageColumn(None, None, by_expected_close(other), totals(other)))
    return tuple(columns)


@dataclass(frozen=True)
class Bucket:
    """Open deals grouped under a label ("2026-11", "2026-Q4", "overdue", "undated", "later")."""

    label: str
    totals: Totals


@dataclass(frozen=True)
class Forecast:
    """Weighted open value by expected close month; every open deal is in exactly one bucket."""

    months: tuple[Bucket, ...]
    overdue: Bucket  # expected to close before the current month
    undated: Bucket  # no expected_close
    later: Bucket  # after the last month shown


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def forecast_by_month(vault: Vault, today: date, months: int = 6) -> Forecast:
    """Months from the current one, zero-filled so a chart has every bar."""
    first = today.replace(day=1)
    end = add_months(first, max(months, 0))
    labels = [month_label(add_months(first, i)) for i in range(max(months, 0))]
    groups: dict[str, list[DealRef]] = {label: [] for label in labels}
    overdue, undated, later = [], [], []
    for ref in open_deals(vault):
        close = ref.deal.expected_close
        if close is None:
            undated.append(ref)
        elif close < first:
            overdue.append(ref)
        elif close >= end:
            later.append(ref)
        else:
            groups[month_label(close)].append(ref)
    return Forecast(
        months=tuple(Bucket(label, totals(groups[label])) for label in labels),
        overdue=Bucket("overdue", totals(overdue)),
        undated=Bucket("undated", totals(undated)),
        later=Bucket("later", totals(later)),
    )


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(day: date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class QuarterForecast:
    this_quarter: Bucket
    next_quarter: Bucket


def quarter_forecast(vault: Vault, today: date) -> QuarterForecast:
    """Open deals expected to close in this calendar quarter and the next.

    Deals already past their expected close in an earlier quarter are not in
    either: they are listed by `past_expected_close` until someone re-dates them.
    """
    refs = open_deals(vault)
    starts = [add_months(quarter_start(today), 3 * i) for i in range(3)]

    def bucket(start: date, end: date) -> Bucket:
        inside = [r for r in refs if r.deal.expected_close and start <= r.deal.expected_close < end]
        return Bucket(quarter_label(start), totals(inside))

    return QuarterForecast(bucket(starts[0], starts[1]), bucket(starts[1], starts[2]))


def past_expected_close(vault: Vault, today: date) -> tuple[DealRef, ...]:
    """Open deals whose expected close is before today, oldest first."""
    return by_expected_close(
        r for r in open_deals(vault) if r.deal.expected_close is not None and r.deal.expected_close < today
    )


@dataclass(frozen=True)
class StaleDeal:
    deal: DealRef
    last_contact: date | None


def stale_deals(vault: Vault, today: date, days: int = 30) -> tuple[StaleDeal, ...]:
    """Open deals of customers with no log entry in the last `days` days (today included).

    A customer never contacted is stale too, and comes first: it is the oldest silence.
    """
    since = today - timedelta(days=days - 1)
    stale = []
    for ref in open_deals(vault):
        contact = last_contact(ref.customer, today)
        if contact is None or contact < since:
            stale.append(StaleDeal(ref, contact))
    return tuple(sorted(stale, key=lambda s: (
        s.last_contact is not None, s.last_contact or date.min, s.deal.customer.id, s.deal.deal.line,
    )))


def won_in(vault: Vault, start: date, end: date) -> tuple[DealRef, ...]:
    """Won deals closed from `start` to `end`, both included; a won deal without `closed` is in none."""
    won = [r for r in deals(vault, "won") if r.deal.closed is not None and start <= r.deal.closed <= end]
    return tuple(sorted(won, key=lambda r: (r.deal.closed or date.min, r.customer.id, r.deal.line)))
