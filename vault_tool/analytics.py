"""Who the customers are and how they behave: status, activity, value (RFM), churn,
segments and owners.

Pure functions of the vault and `today`. Dates after today are plans, not
history: log entries and purchases dated after today are left out everywhere,
as `followups.last_contact` does. "The last N days" are the N days ending with
today (today − N < date ≤ today). Purchases have no currency: they are in the
vault currency, and a purchase without an amount counts as one purchase worth 0.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Literal

from .followups import board
from .memo import per_customer, per_vault
from .model import Customer, Purchase, Settings, Vault
from .pipeline import ZERO, DealRef, Totals, open_deals, totals, won_in

YEAR_DAYS = 365


def window_start(today: date, days: int) -> date:
    """The first day of "the last `days` days", today being the last one."""
    return today - timedelta(days=days - 1)


@per_customer
def past_purchases(customer: Customer, today: date) -> tuple[Purchase, ...]:
    return tuple(sorted((p for p in customer.purchases if p.date <= today), key=lambda p: p.date))


def purchase_total(purchases: Iterable[Purchase], start: date = date.min) -> Decimal:
    return sum((p.amount for p in purchases if p.amount is not None and p.date >= start), ZERO)


# --- status and activity -------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int


@dataclass(frozen=True)
class StatusCounts:
    """Every declared status in settings order, zero-filled; then any other status seen, A to Z."""

    statuses: tuple[StatusCount, ...]
    without_status: int
    total: int


def status_counts(vault: Vault) -> StatusCounts:
    counts = Counter(c.status for c in vault.customers if c.status is not None)
    declared = vault.settings.statuses
    order = list(declared) + sorted(s for s in counts if s not in declared)
    return StatusCounts(
        statuses=tuple(StatusCount(s, counts[s]) for s in order),
        without_status=sum(1 for c in vault.customers if c.status is None),
        total=len(vault.customers),
    )


def follow_ups_done(vault: Vault, start: date, end: date) -> int:
    """Log entries dated from `start` to `end`, both included: each one is a contact made."""
    return sum(1 for c in vault.customers for e in c.log if start <= e.date <= end)


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekActivity:
    monday: date
    count: int
    by_channel: tuple[tuple[str, int], ...]


def activity_by_week(vault: Vault, today: date, weeks: int = 26) -> tuple[WeekActivity, ...]:
    """Log entries per week, oldest first, ending with the current week, zero-filled.

    Every week lists the same channels (settings order, then any other channel
    seen in the range, A to Z), so a stacked chart has the same series per bar.
    """
    current = week_start(today)
    mondays = [current - timedelta(weeks=i) for i in reversed(range(max(weeks, 0)))]
    if not mondays:
        return ()
    entries = [e for c in vault.customers for e in c.log if mondays[0] <= e.date <= today]
    seen = {e.channel for e in entries}
    channels = list(vault.settings.channels) + sorted(seen - set(vault.settings.channels))
    counts = Counter((week_start(e.date), e.channel) for e in entries)
    return tuple(
        WeekActivity(
            monday=m,
            count=sum(counts[(m, ch)] for ch in channels),
            by_channel=tuple((ch, counts[(m, ch)]) for ch in channels),
        )
        for m in mondays
    )


# --- RFM -----------------------------------------------------------------------------------------

RfmSegment = Literal["champions", "loyal", "new", "at_risk", "hibernating", "potential"]
RFM_SEGMENTS: tuple[RfmSegment, ...] = ("champions", "loyal", "new", "at_risk", "hibernating", "potential")


def quintile_scores(values: Sequence[Decimal]) -> tuple[int, ...]:
    """A score from 1 to 5 per value, higher for a higher value, by mid-rank percentile.

    For a value v among n values, with `below` values strictly lower and
    `equal` values equal to it (itself included):

        p = (below + equal / 2) / n        score = 1 + floor(5 × p)

    computed in integers as 1 + (5 × (2·below + equal)) // (2·n). Equal values
    get equal scores; the rule is independent of input order. It needs no
    special case for small n: one value, or all values equal, scores 3 (the
    middle: there is no one to compare with). With n distinct values the
    scores are as even as n allows: n = 5 gives 1,2,3,4,5; n = 7 gives
    1,2,2,3,4,4,5; n = 2 gives 2,4.
    """
    n = len(values)
    ordered = sorted(values)
    scores = []
    for v in values:
        below = bisect_left(ordered, v)
        equal = bisect_right(ordered, v) - below
        scores.append(1 + (5 * (2 * below + equal)) // (2 * n))
    return tuple(scores)


def rfm_segment(r: int, f: int, m: int, first_time_buyer: bool) -> RfmSegment:
    """The named segment of scores (R, F, M). The first rule that matches wins:

    1. new          R ≥ 4 and `first_time_buyer` (exactly one purchase ever, inside the window)
    2. champions    R ≥ 4 and F ≥ 4
    3. at_risk      R ≤ 2 and (F ≥ 3 or M ≥ 4)
    4. loyal        F ≥ 4                 (so R = 3 here)
    5. hibernating  R ≤ 2                 (so F ≤ 2 and M ≤ 3 here)
    6. potential    everything else       (R ≥ 3 and F ≤ 3)

    "new" comes first because one purchase says nothing about loyalty, whatever
    score it gets against customers who bought nothing lately. "at_risk" comes
    before "loyal" so that a customer who bought often but stopped is flagged.
    """
    if r >= 4 and first_time_buyer:
        return "new"
    if r >= 4 and f >= 4:
        return "champions"
    if r <= 2 and (f >= 3 or m >= 4):
        return "at_risk"
    if f >= 4:
        return "loyal"
    if r <= 2:
        return "hibernating"
    return "potential"


@dataclass(frozen=True)
class RfmRow:
    customer: Customer
    last_purchase: date
    recency: int  # days from the last purchase ever to today
    frequency: int  # purchases in the window
    monetary: Decimal  # sum of amounts in the window
    r: int
    f: int
    m: int
    segment: RfmSegment

    @property
    def score(self) -> str:
        return f"{self.r}{self.f}{self.m}"


@dataclass(frozen=True)
class SegmentCount:
    segment: RfmSegment
    customers: int
    monetary: Decimal


@dataclass(frozen=True)
class Rfm:
    """The RFM analysis. `rows` follow `RFM_SEGMENTS`, then monetary (highest first), then id."""

    window_start: date  # the first day of the 12-month window; it ends today
    rows: tuple[RfmRow, ...]
    segments: tuple[SegmentCount, ...]  # every segment, in RFM_SEGMENTS order, zero-filled
    unscored: tuple[Customer, ...]  # no purchase up to today


def rfm(vault: Vault, today: date) -> Rfm:
    """Recency, frequency and monetary value of every customer with a past purchase.

    The window is the last 365 days (today − 365 < date ≤ today). Frequency and
    monetary value count only the window; recency counts from the last purchase
    ever, so a customer with nothing in the window is still scored, low. Scores
    come from `quintile_scores` among the scored customers (recency: fewer days
    scores higher), segments from `rfm_segment`.
    """
    start = window_start(today, YEAR_DAYS)
    history = [(c, past_purchases(c, today)) for c in vault.customers]
    buyers = [(c, ps) for c, ps in history if ps]
    in_window = [[p for p in ps if p.date >= start] for _, ps in buyers]
    recency = [(today - ps[-1].date).days for _, ps in buyers]
    frequency = [len(w) for w in in_window]
    monetary = [purchase_total(w) for w in in_window]
    rs = quintile_scores([Decimal(-d) for d in recency])
    fs = quintile_scores([Decimal(n) for n in frequency])
    ms = quintile_scores(monetary)
    rows = [
        RfmRow(c, ps[-1].date, recency[i], frequency[i], monetary[i], rs[i], fs[i], ms[i],
               rfm_segment(rs[i], fs[i], ms[i], len(ps) == 1 and ps[0].date >= start))
        for i, (c, ps) in enumerate(buyers)
    ]
    rows.sort(key=lambda row: (RFM_SEGMENTS.index(row.segment), -row.monetary, row.customer.id))
    return Rfm(
        window_start=start,
        rows=tuple(rows),
        segments=tuple(
            SegmentCount(s, sum(1 for r in rows if r.segment == s),
                         sum((r.monetary for r in rows if r.segment == s), ZERO))
            for s in RFM_SEGMENTS
        ),
        unscored=tuple(sorted((c for c, ps in history if not ps), key=lambda c: c.id)),
    )


# --- churn ---------------------------------------------------------------------------------------


def median_gap(days: Sequence[date]) -> Decimal | None:
    """The median number of days between consecutive distinct dates (None for fewer than two).

    With an even number of gaps it is the mean of the middle two. Same-day
    purchases are one order: counting a gap of 0 would drag the median down.
    """
    distinct = sorted(set(days))
    gaps = sorted((b - a).days for a, b in pairwise(distinct))
    if not gaps:
        return None
    mid = len(gaps) // 2
    if len(gaps) % 2:
        return Decimal(gaps[mid])
    return Decimal(gaps[mid - 1] + gaps[mid]) / 2


@dataclass(frozen=True)
class ChurnRow:
    customer: Customer
    last_purchase: date
    days_since: int
    median_gap: Decimal
    purchases: int  # past purchases, all time
    total: Decimal  # their amounts, all time


def churn_list(vault: Vault, today: date) -> tuple[ChurnRow, ...]:
    """Customers who stopped buying, longest silence first.

    Listed when they have purchases on at least two distinct past dates and the
    time since the last one exceeds both `dormant_after` (its end,
    `dormant_after.after(last)`, is before today) and twice their own median
    gap. The second test keeps a customer who buys once a year from showing up
    every spring. Closed statuses are listed too: they churned.
    """
    rows = []
    for c in vault.customers:
        ps = past_purchases(c, today)
        gap = median_gap([p.date for p in ps])
        if gap is None:
            continue
        last = ps[-1].date
        days_since = (today - last).days
        if vault.settings.dormant_after.after(last) < today and days_since > 2 * gap:
            rows.append(ChurnRow(c, last, days_since, gap, len(ps), purchase_total(ps)))
    return tuple(sorted(rows, key=lambda r: (-r.days_since, r.customer.id)))


# --- segments ------------------------------------------------------------------------------------

BUILT_IN_KEYS = ("industry", "region", "source", "tag", "owner")


def segment_keys(settings: Settings) -> tuple[str, ...]:
    """What customers can be grouped by: the built-in keys, then every enum custom field."""
    enums = [f.name for f in settings.fields if f.type == "enum" and f.name not in BUILT_IN_KEYS]
    return BUILT_IN_KEYS + tuple(enums)


def segment_values(customer: Customer, key: str) -> tuple[str | None, ...]:
    """The groups a customer falls in: one per distinct tag, else one value (None when unset)."""
    if key == "tag":
        return tuple(dict.fromkeys(customer.tags)) or (None,)
    if key in ("industry", "region", "source", "owner"):
        value: object = getattr(customer, key)
    else:
        value = dict(customer.custom).get(key)
    return (None if value is None else str(value),)


@dataclass(frozen=True)
class SegmentRow:
    value: str | None  # None: customers without a value
    customers: int
    pipeline: Totals  # open deals
    purchases_12m: Decimal
    purchases_all: Decimal


@dataclass(frozen=True)
class SegmentTable:
    key: str
    rows: tuple[SegmentRow, ...]  # most customers first, then by value, None last


@per_customer
def _spent(customer: Customer, today: date, start: date) -> tuple[Decimal, Decimal]:
    """Purchase totals from `start` to today, and up to today."""
    history = past_purchases(customer, today)
    return purchase_total(history, start), purchase_total(history)


@per_vault
def _open_deals_by_customer(vault: Vault) -> dict[str, list[DealRef]]:
    refs: dict[str, list[DealRef]] = {}
    for ref in open_deals(vault):
        refs.setdefault(ref.customer.id, []).append(ref)
    return refs


@per_vault
def _spending(vault: Vault, today: date) -> dict[str, tuple[Decimal, Decimal]]:
    """Each customer's purchase totals over the last year and all time (every table needs them)."""
    start = window_start(today, YEAR_DAYS)
    return {c.id: _spent(c, today, start) for c in vault.customers}


def segment_table(vault: Vault, key: str, today: date) -> SegmentTable:
    """Customers grouped by `key` (see `segment_keys`); a customer with several tags is in each.

    Purchase totals are up to today: all time, and the last 365 days.
    """
    if key not in segment_keys(vault.settings):
        raise ValueError(f"cannot group customers by {key!r}")
    groups: dict[str | None, list[Customer]] = {}
    for c in vault.customers:
        for value in segment_values(c, key):
            groups.setdefault(value, []).append(c)
    refs = _open_deals_by_customer(vault)
    spent = _spending(vault, today)
    rows = []
    for value, members in groups.items():
        rows.append(SegmentRow(
            value=value,
            customers=len(members),
            pipeline=totals(r for c in members for r in refs.get(c.id, ())),
            purchases_12m=sum((spent[c.id][0] for c in members), ZERO),
            purchases_all=sum((spent[c.id][1] for c in members), ZERO),
        ))
    rows.sort(key=lambda r: (-r.customers, r.value is None, r.value or ""))
    return SegmentTable(key, tuple(rows))


# --- owners --------------------------------------------------------------------------------------

OWNER_WON_DAYS = 90
OWNER_LOG_DAYS = 30


@dataclass(frozen=True)
class OwnerRow:
    owner: str | None  # None: customers without an owner
    customers: int
    overdue: int  # overdue follow-ups
    pipeline: Totals  # open deals
    won: Totals  # deals won in the last 90 days (use .count and .value)
    log_entries: int  # in the last 30 days


def owner_order(vault: Vault) -> list[str | None]:
    """Declared owners (even without customers), then others A to Z, then None when some have none."""
    declared = vault.settings.owners
    seen = {c.owner for c in vault.customers}
    others = sorted(o for o in seen if o is not None and o not in declared)
    return [*declared, *others, *([None] if None in seen else [])]


def owner_summary(vault: Vault, today: date) -> tuple[OwnerRow, ...]:
    """Each owner's book of customers, judged by the customers they own (not by who wrote a log line)."""
    overdue = [item.customer.owner for item in board(vault, today).overdue]
    refs = open_deals(vault)
    won = won_in(vault, window_start(today, OWNER_WON_DAYS), today)
    log_start = window_start(today, OWNER_LOG_DAYS)

    def row(owner: str | None) -> OwnerRow:
        customers = [c for c in vault.customers if c.owner == owner]
        return OwnerRow(
            owner=owner,
            customers=len(customers),
            overdue=overdue.count(owner),
            pipeline=totals(r for r in refs if r.customer.owner == owner),
            won=totals(r for r in won if r.customer.owner == owner),
            log_entries=sum(1 for c in customers for e in c.log if log_start <= e.date <= today),
        )

    return tuple(row(owner) for owner in owner_order(vault))
