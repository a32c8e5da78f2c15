"""The pipeline is a pure function of the deals, the settings and today; figures are worked by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from vault_tool.model import Customer, Deal, Interaction, Settings, Vault
from vault_tool.pipeline import (
    DealRef,
    Totals,
    deal_state,
    forecast_by_month,
    open_pipeline_value,
    past_expected_close,
    probability,
    quarter_forecast,
    stage_board,
    stale_deals,
    to_base,
    won_in,
)

TODAY = date(2026, 11, 23)  # a Monday
# Default stages: qualified 0.1, proposal 0.3, negotiation 0.6, won 1.0, lost 0.0.
SETTINGS = Settings(currency="CNY", rates=(("EUR", Decimal("7.5")),))
D = Decimal


def customer(cid: str = "acme", **fields: object) -> Customer:
    return Customer(id=cid, path=f"customers/{cid}.md", name=cid.title(), **fields)  # type: ignore[arg-type]


def deal(stage: str | None = "proposal", value: str | None = "1000", **fields: object) -> Deal:
    return Deal(title=f"{stage} deal", stage=stage, value=None if value is None else D(value),
                **fields)  # type: ignore[arg-type]


def make_vault(*customers: Customer, settings: Settings = SETTINGS) -> Vault:
    return Vault(settings, tuple(customers), ())


def log(*dates: str) -> tuple[Interaction, ...]:
    return tuple(Interaction(date.fromisoformat(d), "call", "x", i) for i, d in enumerate(dates, 1))


def ids(refs: tuple[DealRef, ...]) -> list[str]:
    return [r.customer.id for r in refs]


EMPTY = Totals(0, D(0), D(0), 0)


# --- money -------------------------------------------------------------------------------------------


def test_amount_without_currency_or_in_vault_currency_is_taken_as_is() -> None:
    assert to_base(D("120.50"), None, SETTINGS) == D("120.50")
    assert to_base(D("120.50"), "CNY", SETTINGS) == D("120.50")
    assert to_base(D("120.50"), " cny ", SETTINGS) == D("120.50")


def test_other_currency_with_a_rate_is_converted() -> None:
    # 1 EUR = 7.5 CNY: 200 EUR = 200 × 7.5 = 1500 CNY; the code's case does not matter.
    assert to_base(D(200), "EUR", SETTINGS) == D(1500)
    assert to_base(D(200), "eur", SETTINGS) == D(1500)


def test_other_currency_without_a_rate_cannot_be_converted() -> None:
    assert to_base(D(200), "USD", SETTINGS) is None


def test_vault_without_currency_takes_every_amount_as_is() -> None:
    assert to_base(D(200), "USD", Settings()) == D(200)


# --- deal state and probability ----------------------------------------------------------------------


def test_stage_decides_state_not_closed_date() -> None:
    assert deal_state(deal("won"), SETTINGS) == "won"
    assert deal_state(deal("lost"), SETTINGS) == "lost"
    assert deal_state(deal("proposal"), SETTINGS) == "open"
    assert deal_state(deal("proposal", closed=date(2026, 1, 1)), SETTINGS) == "open"
    assert deal_state(deal(None), SETTINGS) == "open"


def test_state_follows_custom_stage_probabilities() -> None:
    settings = Settings(stages=(("talk", D("0.5")), ("signed", D("1")), ("dropped", D("0.00"))))
    assert [deal_state(deal(s), settings) for s in ("talk", "signed", "dropped")] == ["open", "won", "lost"]


def test_probability_falls_back_from_deal_to_stage_to_zero() -> None:
    assert probability(deal("proposal", probability=D("0.45")), SETTINGS) == D("0.45")
    assert probability(deal("proposal"), SETTINGS) == D("0.3")
    assert probability(deal(None), SETTINGS) == 0
    assert probability(deal("proposal", probability=D(0)), SETTINGS) == 0  # an explicit 0 is kept


def test_deal_ref_values() -> None:
    c = customer()
    # 1000 EUR × 7.5 = 7500 CNY; at the stage's 0.3: 7500 × 0.3 = 2250.
    ref = DealRef.of(c, deal("proposal", "1000", currency="EUR"), SETTINGS)
    assert (ref.base_value, ref.weighted_value, ref.missing_rate) == (D(7500), D(2250), False)
    ref = DealRef.of(c, deal("proposal", "1000", currency="USD"), SETTINGS)
    assert (ref.base_value, ref.weighted_value, ref.missing_rate) == (None, None, True)
    ref = DealRef.of(c, deal("proposal", None), SETTINGS)
    assert (ref.base_value, ref.weighted_value, ref.missing_rate) == (None, None, False)


# --- the board -----------------------------------------------------------------------------------------


def board_vault() -> Vault:
    return make_vault(
        customer("a", deals=(deal("qualified", "1000", expected_close=date(2026, 12, 10)),)),
        customer("b", deals=(
            deal("qualified", "200", currency="EUR", expected_close=date(2026, 12, 1)),
            deal("won", "9999", closed=date(2026, 11, 1)),
            deal("lost", "8888"),
        )),
        customer("c", deals=(deal("proposal", "5000", probability=D("0.5")),)),
        customer("d", deals=(deal("proposal", "300", currency="USD", expected_close=date(2027, 1, 5)),)),
        customer("e"),
    )


def test_stage_board_has_a_column_per_open_stage_with_totals() -> None:
    columns = stage_board(board_vault())
    assert [c.stage for c in columns] == ["qualified", "proposal", "negotiation"]
    qualified, proposal, negotiation = columns
    # qualified: a 1000 CNY, b 200 EUR = 1500 CNY; value 1000 + 1500 = 2500;
    # weighted 1000 × 0.1 + 1500 × 0.1 = 100 + 150 = 250. b closes first (12-01 before 12-10).
    assert ids(qualified.deals) == ["b", "a"]
    assert qualified.totals == Totals(2, D(2500), D(250), 0)
    assert qualified.default_probability == D("0.1")
    # proposal: c 5000 at its own 0.5 = 2500 weighted; d is in USD with no rate: counted in
    # `count` and `not_counted`, not in the sums. d is dated, c is not, so d comes first.
    assert ids(proposal.deals) == ["d", "c"]
    assert proposal.totals == Totals(2, D(5000), D(2500), 1)
    assert negotiation.deals == () and negotiation.totals == EMPTY


def test_open_pipeline_value_adds_up_the_board() -> None:
    # 2500 + 5000 = 7500; weighted 250 + 2500 = 2750; the won and lost deals are not open.
    assert open_pipeline_value(board_vault()) == Totals(4, D(7500), D(2750), 1)


def test_open_deals_without_known_stage_get_a_last_column() -> None:
    vault = make_vault(customer("x", deals=(deal(None, "400"), deal("proposal", "100"))))
    columns = stage_board(vault)
    assert [c.stage for c in columns] == ["qualified", "proposal", "negotiation", None]
    # no stage: probability 0, so 400 of value and 0 weighted.
    assert columns[-1].totals == Totals(1, D(400), D(0), 0)


def test_board_sorts_ties_by_customer_id_and_undated_last() -> None:
    vault = make_vault(
        customer("z", deals=(deal("proposal", expected_close=date(2026, 12, 1)),)),
        customer("y", deals=(deal("proposal"),)),
        customer("x", deals=(deal("proposal", expected_close=date(2026, 12, 1)),)),
        customer("w", deals=(deal("proposal"),)),
    )
    assert ids(stage_board(vault)[1].deals) == ["x", "z", "w", "y"]


# --- forecast ------------------------------------------------------------------------------------------


def test_forecast_months_from_the_current_month_with_overdue_undated_and_later() -> None:
    vault = make_vault(customer("a", deals=(
        deal("proposal", "1000", expected_close=date(2026, 11, 1)),  # this month, before today
        deal("negotiation", "1000", expected_close=date(2026, 11, 30)),
        deal("proposal", "2000", expected_close=date(2026, 10, 31)),  # before this month
        deal("qualified", "4000", expected_close=date(2027, 1, 31)),
        deal("proposal", "3000", expected_close=date(2027, 2, 1)),  # after the 3 months shown
        deal("proposal", "5000", probability=D("0.2")),  # no date
        deal("won", "7000", expected_close=date(2026, 12, 1)),  # not open
    )))
    forecast = forecast_by_month(vault, TODAY, months=3)
    assert [b.label for b in forecast.months] == ["2026-11", "2026-12", "2027-01"]
    # 2026-11: 1000 × 0.3 + 1000 × 0.6 = 300 + 600 = 900.
    assert forecast.months[0].totals == Totals(2, D(2000), D(900), 0)
    assert forecast.months[1].totals == EMPTY
    assert forecast.months[2].totals == Totals(1, D(4000), D(400), 0)  # 4000 × 0.1
    assert forecast.overdue.totals == Totals(1, D(2000), D(600), 0)  # 2000 × 0.3
    assert forecast.undated.totals == Totals(1, D(5000), D(1000), 0)  # 5000 × 0.2
    assert forecast.later.totals == Totals(1, D(3000), D(900), 0)  # 3000 × 0.3


def test_forecast_has_six_months_by_default_across_the_year_end() -> None:
    labels = [b.label for b in forecast_by_month(make_vault(), date(2026, 10, 31)).months]
    assert labels == ["2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"]


def test_forecast_counts_deals_in_a_currency_without_rate_apart() -> None:
    vault = make_vault(customer("a", deals=(
        deal("proposal", "100", currency="EUR", expected_close=TODAY),  # 750 CNY, 225 weighted
        deal("proposal", "100", currency="USD", expected_close=TODAY),
    )))
    assert forecast_by_month(vault, TODAY).months[0].totals == Totals(2, D(750), D(225), 1)


@given(
    st.lists(st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 12, 31))), max_size=12),
    st.dates(date(2021, 1, 1), date(2029, 12, 31)),
    st.integers(0, 14),
)
def test_every_open_deal_is_in_exactly_one_forecast_bucket(
    closes: list[date | None], today: date, months: int
) -> None:
    vault = make_vault(customer("a", deals=tuple(deal("proposal", expected_close=d) for d in closes)))
    forecast = forecast_by_month(vault, today, months)
    buckets = [*forecast.months, forecast.overdue, forecast.undated, forecast.later]
    assert len(forecast.months) == months
    assert sum(b.totals.count for b in buckets) == len(closes)
    assert sum(b.totals.weighted for b in buckets) == open_pipeline_value(vault).weighted


# --- quarters ------------------------------------------------------------------------------------------


def quarter_vault() -> Vault:
    closes = ["2026-09-30", "2026-10-01", "2026-12-31", "2027-01-01", "2027-03-31", "2027-04-01"]
    return make_vault(*(
        customer(f"c{i}", deals=(deal("proposal", "1000", expected_close=date.fromisoformat(d)),))
        for i, d in enumerate(closes)
    ))


def test_quarter_forecast_on_the_last_day_of_a_quarter() -> None:
    result = quarter_forecast(quarter_vault(), date(2026, 12, 31))
    # 2026-Q4 is 10-01..12-31: c1 and c2, 2 × 1000 × 0.3 = 600. 2027-Q1: c3 and c4, also 600.
    # c0 (overdue, 2026-09-30) and c5 (2027-Q2) are in neither.
    assert result.this_quarter.label == "2026-Q4"
    assert result.this_quarter.totals == Totals(2, D(2000), D(600), 0)
    assert result.next_quarter.label == "2027-Q1"
    assert result.next_quarter.totals == Totals(2, D(2000), D(600), 0)


def test_quarter_forecast_on_the_first_day_of_a_quarter() -> None:
    result = quarter_forecast(quarter_vault(), date(2027, 1, 1))
    # 2027-Q1: c3, c4 = 600; 2027-Q2: c5 = 1000 × 0.3 = 300.
    assert (result.this_quarter.label, result.this_quarter.totals.weighted) == ("2027-Q1", D(600))
    assert (result.next_quarter.label, result.next_quarter.totals.weighted) == ("2027-Q2", D(300))


# --- deals that need attention ---------------------------------------------------------------------------


def test_past_expected_close_is_open_deals_before_today_oldest_first() -> None:
    vault = make_vault(
        customer("a", deals=(deal("proposal", expected_close=date(2026, 11, 22)),)),
        customer("b", deals=(deal("proposal", expected_close=date(2026, 10, 1)),)),
        customer("c", deals=(deal("proposal", expected_close=TODAY),)),  # due today: not past
        customer("d", deals=(deal("won", expected_close=date(2026, 1, 1)),)),  # won: not open
        customer("e", deals=(deal("proposal"),)),  # undated
    )
    assert ids(past_expected_close(vault, TODAY)) == ["b", "a"]


def test_stale_deals_are_those_of_customers_silent_for_30_days() -> None:
    # The last 30 days, today included, start on 2026-10-25 (today − 29).
    vault = make_vault(
        customer("fresh", log=log("2026-10-25"), deals=(deal(),)),
        customer("old", log=log("2026-10-24", "2026-09-01"), deals=(deal(),)),
        customer("never", deals=(deal(),)),
        customer("planned", log=log("2026-12-01"), deals=(deal(),)),  # a future entry is no contact
        customer("old-won", log=log("2026-01-01"), deals=(deal("won"),)),  # not open
    )
    stale = stale_deals(vault, TODAY)
    assert [(s.deal.customer.id, s.last_contact) for s in stale] == [
        ("never", None), ("planned", None), ("old", date(2026, 10, 24)),
    ]


def test_stale_days_is_a_parameter() -> None:
    vault = make_vault(customer("a", log=log("2026-11-20"), deals=(deal(),)))
    # 2026-11-20 is today − 3: within the last 4 days (11-20..11-23), not within the last 3.
    assert stale_deals(vault, TODAY, days=4) == ()
    assert len(stale_deals(vault, TODAY, days=3)) == 1


def test_won_in_includes_both_ends() -> None:
    start, end = date(2026, 11, 1), date(2026, 11, 30)
    vault = make_vault(
        customer("before", deals=(deal("won", closed=start - timedelta(days=1)),)),
        customer("first", deals=(deal("won", closed=start),)),
        customer("last", deals=(deal("won", closed=end),)),
        customer("after", deals=(deal("won", closed=end + timedelta(days=1)),)),
        customer("undated", deals=(deal("won"),)),
        customer("open", deals=(deal("proposal", closed=date(2026, 11, 10)),)),
        customer("lost", deals=(deal("lost", closed=date(2026, 11, 10)),)),
    )
    won = won_in(vault, start, end)
    assert ids(won) == ["first", "last"]
    assert sum(r.base_value or 0 for r in won) == D(2000)  # 1000 + 1000


def test_empty_vault() -> None:
    vault = make_vault()
    assert [c.totals for c in stage_board(vault)] == [EMPTY, EMPTY, EMPTY]
    forecast = forecast_by_month(vault, TODAY)
    assert [b.totals for b in forecast.months] == [EMPTY] * 6
    assert forecast.overdue.totals == forecast.undated.totals == forecast.later.totals == EMPTY
    quarters = quarter_forecast(vault, TODAY)
    assert (quarters.this_quarter.label, quarters.next_quarter.label) == ("2026-Q4", "2027-Q1")
    assert quarters.this_quarter.totals == quarters.next_quarter.totals == EMPTY
    assert past_expected_close(vault, TODAY) == ()
    assert stale_deals(vault, TODAY) == ()
    assert won_in(vault, date.min, date.max) == ()
    assert open_pipeline_value(vault) == EMPTY


def test_customers_without_deals_add_nothing() -> None:
    vault = make_vault(customer("a"), customer("b", log=log("2026-01-01")))
    assert open_pipeline_value(vault) == EMPTY
    assert stale_deals(vault, TODAY) == ()


def test_a_stage_without_default_probability_is_open() -> None:
    from vault_tool.pipeline import stage_state

    settings = Settings(stages=(("pilot", None), ("won", Decimal(1)), ("lost", Decimal(0))))
    assert stage_state("pilot", settings) == "open"
