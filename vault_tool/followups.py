"""Who to contact and when: a pure function of the customers, the settings and today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .memo import per_customer, per_vault
from .model import Customer, Duration, FollowUp, Settings, Vault


@per_customer
def last_contact(customer: Customer, today: date) -> date | None:
    """The latest log date that is not after today (a future date is a plan, not a contact)."""
    dates = [entry.date for entry in customer.log if entry.date <= today]
    return max(dates) if dates else None


@per_customer
def follow_up(customer: Customer, settings: Settings, today: date) -> FollowUp | None:
    """The customer's next follow-up, or None when its status is closed.

    A scheduled `next_follow_up` wins; otherwise the last contact (or `created`)
    plus the customer's cadence, or its status's default cadence.
    """
    if settings.is_closed(customer.status):
        return None
    contact = last_contact(customer, today)
    if customer.next_follow_up is not None:
        return FollowUp(customer.id, customer.next_follow_up, "scheduled", contact)
    base = contact or customer.created
    cadence = customer.cadence or settings.cadence_for(customer.status)
    if base is not None and cadence is not None:
        return FollowUp(customer.id, cadence.after(base), "cadence", contact)
    return FollowUp(customer.id, None, None, contact)


@per_customer
def is_going_cold(customer: Customer, settings: Settings, today: date) -> bool:
    """Open, and the last contact is older than `dormant_after`."""
    if settings.is_closed(customer.status):
        return False
    contact = last_contact(customer, today)
    return contact is not None and contact < settings.dormant_after.before(today)


def due_state(plan: FollowUp | None, today: date) -> str:
    """A word for styling a due date: overdue, today, soon (within 7 days), later,
    none (open, but no plan) or closed."""
    if plan is None:
        return "closed"
    if plan.due is None:
        return "none"
    if plan.due < today:
        return "overdue"
    if plan.due == today:
        return "today"
    return "soon" if (plan.due - today).days <= 7 else "later"


@dataclass(frozen=True)
class DueItem:
    customer: Customer
    follow_up: FollowUp

    @property
    def due(self) -> date:
        assert self.follow_up.due is not None
        return self.follow_up.due

    def days_overdue(self, today: date) -> int:
        """Days past the due date; 0 when it is due today or later."""
        return max(0, (today - self.due).days)


@dataclass(frozen=True)
class Board:
    """The follow-up page: every open customer in exactly one dated group,
    plus the customers with no plan and those going cold."""

    overdue: tuple[DueItem, ...]
    today: tuple[DueItem, ...]
    this_week: tuple[DueItem, ...]
    later: tuple[DueItem, ...]
    no_plan: tuple[Customer, ...]
    going_cold: tuple[Customer, ...]


def _sorted(items: list[DueItem]) -> tuple[DueItem, ...]:
    return tuple(sorted(items, key=lambda i: (i.due, i.customer.id)))


def scheduled(vault: Vault, today: date) -> tuple[list[DueItem], list[Customer]]:
    """Every open customer with a due date, and those without one."""
    dated: list[DueItem] = []
    no_plan: list[Customer] = []
    for customer in vault.customers:
        item = follow_up(customer, vault.settings, today)
        if item is None:
            continue
        if item.due is None:
            no_plan.append(customer)
        else:
            dated.append(DueItem(customer, item))
    return dated, sorted(no_plan, key=lambda c: c.id)


@per_vault
def board(vault: Vault, today: date) -> Board:
    dated, no_plan = scheduled(vault, today)
    week_end = today + timedelta(days=7)
    cold = [c for c in vault.customers if is_going_cold(c, vault.settings, today)]
    return Board(
        overdue=_sorted([i for i in dated if i.due < today]),
        today=_sorted([i for i in dated if i.due == today]),
        this_week=_sorted([i for i in dated if today < i.due <= week_end]),
        later=_sorted([i for i in dated if i.due > week_end]),
        no_plan=tuple(no_plan),
        going_cold=tuple(sorted(cold, key=lambda c: (last_contact(c, today) or today, c.id))),
    )


def due_within(vault: Vault, today: date, within: Duration, owner: str | None = None
               ) -> tuple[DueItem, ...]:
    """Overdue, or due from today up to and including today + `within`."""
    end = within.after(today)
    dated, _ = scheduled(vault, today)
    return _sorted([
        i for i in dated
        if i.due <= end and (owner is None or i.customer.owner == owner)
    ])
