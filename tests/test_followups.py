"""Follow-ups are a pure function of the customers, the settings and today."""

from __future__ import annotations

from datetime import date

from vault_tool.followups import board, due_within, follow_up, is_going_cold, last_contact
from vault_tool.model import Customer, Duration, Interaction, Settings, Vault

TODAY = date(2026, 11, 23)
SETTINGS = Settings(default_cadence=(("active", Duration(1, "m")), ("lead", Duration(2, "w"))))


def customer(cid: str = "acme", **fields: object) -> Customer:
    return Customer(id=cid, path=f"customers/{cid}.md", name=cid.title(), **fields)  # type: ignore[arg-type]


def log(*dates: str) -> tuple[Interaction, ...]:
    return tuple(Interaction(date.fromisoformat(d), "call", "x", i) for i, d in enumerate(dates, 1))


def test_last_contact_is_latest_log_date_not_after_today() -> None:
    c = customer(log=log("2026-11-01", "2026-11-30", "2026-11-20"))
    assert last_contact(c, TODAY) == date(2026, 11, 20)


def test_last_contact_counts_today() -> None:
    assert last_contact(customer(log=log("2026-11-23")), TODAY) == TODAY


def test_no_log_means_no_last_contact() -> None:
    assert last_contact(customer(), TODAY) is None


def test_scheduled_date_wins_over_cadence() -> None:
    c = customer(status="active", next_follow_up=date(2026, 12, 1), log=log("2026-11-01"))
    plan = follow_up(c, SETTINGS, TODAY)
    assert plan is not None
    assert (plan.due, plan.reason, plan.last_contact) == (date(2026, 12, 1), "scheduled", date(2026, 11, 1))


def test_customer_cadence_from_last_contact() -> None:
    c = customer(status="active", cadence=Duration(10, "d"), log=log("2026-11-01"))
    plan = follow_up(c, SETTINGS, TODAY)
    assert plan is not None and (plan.due, plan.reason) == (date(2026, 11, 11), "cadence")


def test_status_default_cadence_from_created_when_no_contact() -> None:
    c = customer(status="lead", created=date(2026, 11, 10))
    plan = follow_up(c, SETTINGS, TODAY)
    assert plan is not None and (plan.due, plan.reason) == (date(2026, 11, 24), "cadence")


def test_month_cadence_is_clamped_to_month_end() -> None:
    c = customer(status="active", cadence=Duration(3, "m"), log=log("2026-08-31"))
    plan = follow_up(c, SETTINGS, TODAY)
    assert plan is not None and plan.due == date(2026, 11, 30)


def test_future_log_date_is_not_a_base_for_cadence() -> None:
    c = customer(status="active", log=log("2026-10-01", "2026-12-24"))
    plan = follow_up(c, SETTINGS, TODAY)
    assert plan is not None and plan.due == date(2026, 11, 1)


def test_no_base_date_and_no_schedule_means_no_due_date() -> None:
    plan = follow_up(customer(status="active"), SETTINGS, TODAY)
    assert plan is not None and (plan.due, plan.reason) == (None, None)


def test_status_without_default_cadence_has_no_due_date() -> None:
    plan = follow_up(customer(status="prospect", created=date(2026, 1, 1)), SETTINGS, TODAY)
    assert plan is not None and plan.due is None


def test_closed_status_has_no_follow_up_even_when_scheduled() -> None:
    c = customer(status="lost", next_follow_up=date(2026, 11, 1), log=log("2026-01-01"))
    assert follow_up(c, SETTINGS, TODAY) is None
    assert not is_going_cold(c, SETTINGS, TODAY)


def test_going_cold_after_dormant_after() -> None:
    # dormant_after defaults to 90 days: 2026-08-25 is exactly 90 days before today.
    assert not is_going_cold(customer(status="active", log=log("2026-08-25")), SETTINGS, TODAY)
    assert is_going_cold(customer(status="active", log=log("2026-08-24")), SETTINGS, TODAY)
    assert not is_going_cold(customer(status="active"), SETTINGS, TODAY)


def make_vault(*customers: Customer) -> Vault:
    return Vault(SETTINGS, tuple(customers), ())


def test_board_puts_each_customer_in_one_dated_group() -> None:
    vault = make_vault(
        customer("late", status="active", next_follow_up=date(2026, 11, 20)),
        customer("now", status="active", next_follow_up=TODAY),
        customer("soon", status="active", next_follow_up=date(2026, 11, 30)),
        customer("after", status="active", next_follow_up=date(2026, 12, 1)),
        customer("none", status="active"),
        customer("gone", status="lost", next_follow_up=date(2026, 11, 1)),
        customer("cold", status="active", next_follow_up=date(2027, 1, 1), log=log("2026-01-05")),
    )
    result = board(vault, TODAY)
    ids = lambda items: [i.customer.id for i in items]  # noqa: E731
    assert ids(result.overdue) == ["late"]
    assert ids(result.today) == ["now"]
    assert ids(result.this_week) == ["soon"]
    assert ids(result.later) == ["after", "cold"]
    assert [c.id for c in result.no_plan] == ["none"]
    assert [c.id for c in result.going_cold] == ["cold"]


def test_due_within_includes_both_ends_and_sorts_by_date_then_id() -> None:
    vault = make_vault(
        customer("b", status="active", owner="bob", next_follow_up=date(2026, 11, 30)),
        customer("a", status="active", owner="alice", next_follow_up=date(2026, 11, 30)),
        customer("c", status="active", owner="alice", next_follow_up=date(2026, 12, 1)),
        customer("d", status="active", owner="alice", next_follow_up=date(2026, 10, 1)),
    )
    items = due_within(vault, TODAY, Duration(7, "d"))
    assert [i.customer.id for i in items] == ["d", "a", "b"]
    assert [i.days_overdue(TODAY) for i in items] == [53, 0, 0]
    assert [i.customer.id for i in due_within(vault, TODAY, Duration(7, "d"), "alice")] == ["d", "a"]
