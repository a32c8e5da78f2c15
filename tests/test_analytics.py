"""Analytics are pure functions of the customers, the settings and today; figures are worked by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault_tool.analytics import (
    RFM_SEGMENTS,
    SegmentRow,
    StatusCount,
    activity_by_week,
    churn_list,
    follow_ups_done,
    median_gap,
    owner_summary,
    quintile_scores,
    rfm,
    rfm_segment,
    segment_keys,
    segment_table,
    status_counts,
    week_start,
)
from vault_tool.model import Customer, CustomField, Deal, Duration, Interaction, Purchase, Settings, Vault
from vault_tool.pipeline import Totals

TODAY = date(2026, 11, 23)  # a Monday
D = Decimal
SETTINGS = Settings(
    currency="CNY",
    rates=(("EUR", D("7.5")),),
    fields=(CustomField("level", "enum", ("A", "B", "C")), CustomField("contract_no", "text")),
)
EMPTY = Totals(0, D(0), D(0), 0)


def customer(cid: str = "acme", **fields: object) -> Customer:
    return Customer(id=cid, path=f"customers/{cid}.md", name=cid.title(), **fields)  # type: ignore[arg-type]


def make_vault(*customers: Customer, settings: Settings = SETTINGS) -> Vault:
    return Vault(settings, tuple(customers), ())


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def log(*entries: str) -> tuple[Interaction, ...]:
    """Each entry is "YYYY-MM-DD" or "YYYY-MM-DD channel"."""
    out = []
    for i, entry in enumerate(entries, 1):
        when, _, channel = entry.partition(" ")
        out.append(Interaction(day(when), channel or "call", "x", i))
    return tuple(out)


def bought(*items: tuple[int, int | None]) -> tuple[Purchase, ...]:
    """Purchases as (days before TODAY, amount)."""
    return tuple(Purchase(ago(n), None if a is None else D(a)) for n, a in items)


# --- status and activity ---------------------------------------------------------------------------------


def test_status_counts_in_settings_order_zero_filled_then_others_then_none() -> None:
    vault = make_vault(
        customer("a", status="active"), customer("b", status="active"), customer("c", status="lead"),
        customer("d"), customer("e", status="vip"),
    )
    counts = status_counts(vault)
    assert counts.statuses == (
        StatusCount("lead", 1), StatusCount("prospect", 0), StatusCount("active", 2),
        StatusCount("dormant", 0), StatusCount("lost", 0), StatusCount("vip", 1),
    )
    assert (counts.without_status, counts.total) == (1, 5)


def test_follow_ups_done_this_week_counts_monday_to_today() -> None:
    thursday = day("2026-11-26")
    assert week_start(thursday) == TODAY
    assert week_start(TODAY) == TODAY
    assert week_start(day("2026-11-29")) == TODAY  # Sunday belongs to the week that began on Monday
    vault = make_vault(
        customer("a", log=log("2026-11-22", "2026-11-23", "2026-11-26")),
        customer("b", log=log("2026-11-24", "2026-11-27")),
    )
    # 11-22 is the Sunday before; 11-27 is after today: 11-23, 11-26, 11-24 = 3.
    assert follow_ups_done(vault, week_start(thursday), thursday) == 3


def test_activity_by_week_is_zero_filled_and_splits_at_monday() -> None:
    thursday = day("2026-11-26")
    vault = make_vault(
        customer("a", log=log("2026-10-25", "2026-11-09 call", "2026-11-15 email", "2026-11-22 call")),
        customer("b", log=log("2026-11-26 fax", "2026-11-23 email", "2026-11-27 call")),
    )
    weeks = activity_by_week(vault, thursday, weeks=4)
    assert [w.monday for w in weeks] == [day("2026-11-02"), day("2026-11-09"), day("2026-11-16"), TODAY]
    # 10-25 is before the first Monday (11-02); 11-27 is after today.
    # 11-09 (Monday) and 11-15 (Sunday) are one week; 11-22 (Sunday) closes the week of 11-16.
    assert [w.count for w in weeks] == [0, 2, 1, 2]
    channels = [name for name, _ in weeks[0].by_channel]
    assert channels == [*SETTINGS.channels, "fax"]  # an undeclared channel comes last
    assert {n: k for n, k in weeks[1].by_channel if k} == {"call": 1, "email": 1}
    assert {n: k for n, k in weeks[3].by_channel if k} == {"email": 1, "fax": 1}
    assert all(k == 0 for _, k in weeks[0].by_channel)


def test_activity_covers_26_weeks_by_default() -> None:
    weeks = activity_by_week(make_vault(), TODAY)
    assert len(weeks) == 26
    assert weeks[-1].monday == TODAY
    assert weeks[0].monday == TODAY - timedelta(weeks=25) == day("2026-06-01")


# --- RFM scores ------------------------------------------------------------------------------------------


def scores(*values: int) -> tuple[int, ...]:
    return quintile_scores([D(v) for v in values])


def test_quintile_scores_five_and_seven_distinct_values() -> None:
    # score = 1 + (5 × (2·below + equal)) // (2·n)
    # n = 5, below = 0..4: 5//10, 15//10, 25//10, 35//10, 45//10 = 0,1,2,3,4 → 1..5.
    assert scores(50, 10, 40, 20, 30) == (5, 1, 4, 2, 3)
    # n = 7: 5//14, 15//14, 25//14, 35//14, 45//14, 55//14, 65//14 = 0,1,1,2,3,3,4.
    assert scores(1, 2, 3, 4, 5, 6, 7) == (1, 2, 2, 3, 4, 4, 5)


def test_quintile_scores_small_n_and_ties() -> None:
    assert scores(42) == (3,)  # (5 × 1) // 2 = 2 → 3
    assert scores(7, 7, 7, 7) == (3, 3, 3, 3)  # (5 × 4) // 8 = 2 → 3
    assert scores(1, 2) == (2, 4)  # 5//4 = 1 → 2; 15//4 = 3 → 4
    # 5, 5, 1: for 1, below 0, equal 1: 5//6 = 0 → 1; for 5, below 1, equal 2: 20//6 = 3 → 4.
    assert scores(5, 5, 1) == (4, 4, 1)
    assert quintile_scores([]) == ()


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=40))
def test_quintile_scores_are_1_to_5_monotonic_and_tie_equal(values: list[int]) -> None:
    result = scores(*values)
    assert all(1 <= s <= 5 for s in result)
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a < b:
                assert result[i] <= result[j]
            if a == b:
                assert result[i] == result[j]


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=40, unique=True))
def test_quintile_scores_of_distinct_values_are_symmetric(values: list[int]) -> None:
    # 5 × (2·below + 1) / (2n) is never a whole number, so reversing the order maps s to 6 − s.
    assert scores(*(-v for v in values)) == tuple(6 - s for s in scores(*values))


def five_customers() -> Vault:
    return make_vault(
        customer("a", purchases=bought((5, 100), (200, 100))),
        customer("b", purchases=bought((20, 1000), (30, 1000), (60, 1000), (90, 1000), (120, 1000))),
        customer("c", purchases=bought((40, 1000), (50, 1000), (70, 2000))),
        customer("d", purchases=bought((100, 100), (300, 100), (340, 100), (360, 100))),
        customer("e", purchases=bought((400, 9999))),
        customer("f"),
    )


def test_rfm_five_customers() -> None:
    result = rfm(five_customers(), TODAY)
    rows = {r.customer.id: r for r in result.rows}
    # recency days a 5, b 20, c 40, d 100, e 400 → R a5 b4 c3 d2 e1 (fewer days scores higher).
    # frequency in the window: a 2, b 5, c 3, d 4, e 0 (400 days ago is outside) → F a2 b5 c3 d4 e1.
    # monetary: a 200, b 5000, c 4000, d 400, e 0 → M a2 b5 c4 d3 e1.
    assert {cid: (r.recency, r.frequency, r.monetary) for cid, r in rows.items()} == {
        "a": (5, 2, D(200)), "b": (20, 5, D(5000)), "c": (40, 3, D(4000)),
        "d": (100, 4, D(400)), "e": (400, 0, D(0)),
    }
    assert {cid: r.score for cid, r in rows.items()} == {
        "a": "522", "b": "455", "c": "334", "d": "243", "e": "111",
    }
    # b: R4 F5 → champions; d: R2 F4 → at risk; e: R1 → hibernating; a (R5 F2) and c (R3 F3) → potential.
    assert {cid: r.segment for cid, r in rows.items()} == {
        "a": "potential", "b": "champions", "c": "potential", "d": "at_risk", "e": "hibernating",
    }
    assert [r.customer.id for r in result.rows] == ["b", "d", "e", "c", "a"]  # segment order, then M
    assert [c.id for c in result.unscored] == ["f"]
    assert result.window_start == day("2025-11-24")  # today − 364: the window holds 365 days
    counts = {s.segment: (s.customers, s.monetary) for s in result.segments}
    assert counts == {
        "champions": (1, D(5000)), "loyal": (0, D(0)), "new": (0, D(0)),
        "at_risk": (1, D(400)), "hibernating": (1, D(0)), "potential": (2, D(4200)),  # 200 + 4000
    }


def test_rfm_seven_customers_with_ties() -> None:
    vault = make_vault(
        customer("c1", purchases=bought((3, 500))),
        customer("c2", purchases=bought((15, 800), (400, 5000))),
        customer("c3", purchases=bought((300, 100))),
        customer("c4", purchases=bought((30, 1000), (90, 1000))),
        customer("c5", purchases=bought((60, 3000), (100, 3000), (150, 3000))),
        customer("c6", purchases=bought((200, 4000), (250, 4000), (280, 4000))),
        customer("c7", purchases=bought(*((n, 1000) for n in (120, 130, 140, 160, 180, 190)))),
    )
    rows = {r.customer.id: r for r in rfm(vault, TODAY).rows}
    # n = 7, distinct values score 1,2,2,3,4,4,5 from worst to best.
    # recency (days) c1 3, c2 15, c4 30, c5 60, c7 120, c6 200, c3 300
    #   → c1 5, c2 4, c4 4, c5 3, c7 2, c6 2, c3 1.
    # frequency c1 1, c2 1 (its 400-day purchase is outside), c3 1, c4 2, c5 3, c6 3, c7 6:
    #   1 (below 0, equal 3): 1 + 15//14 = 2; 2 (below 3, equal 1): 1 + 35//14 = 3;
    #   3 (below 4, equal 2): 1 + 50//14 = 4; 6 (below 6, equal 1): 1 + 65//14 = 5.
    # monetary c3 100, c1 500, c2 800, c4 2000, c7 6000, c5 9000, c6 12000 → 1,2,2,3,4,4,5.
    assert {cid: r.score for cid, r in rows.items()} == {
        "c1": "522", "c2": "422", "c3": "121", "c4": "433", "c5": "344", "c6": "245", "c7": "254",
    }
    # c1: R5 and its only purchase is in the window → new. c3 is also a first-time buyer but R1 → hibernating.
    # c2: R4 F2, bought before the window too → potential. c4: R4 F3 → potential.
    # c5: R3 F4 → loyal. c6: R2 F4, c7: R2 F5 → at risk.
    assert {cid: r.segment for cid, r in rows.items()} == {
        "c1": "new", "c2": "potential", "c3": "hibernating", "c4": "potential",
        "c5": "loyal", "c6": "at_risk", "c7": "at_risk",
    }


def test_rfm_equal_recency_gets_equal_scores() -> None:
    vault = make_vault(
        customer("a", purchases=bought((10, 100), (50, 100))),
        customer("b", purchases=bought((10, 300), (60, 100))),
        customer("c", purchases=bought((90, 100), (95, 100))),
    )
    rows = {r.customer.id: r for r in rfm(vault, TODAY).rows}
    # recency a 10, b 10, c 90: c (below 0, equal 1) 1 + 5//6 = 1; a, b (below 1, equal 2) 1 + 20//6 = 4.
    assert (rows["a"].r, rows["b"].r, rows["c"].r) == (4, 4, 1)


def test_rfm_of_one_customer_scores_the_middle() -> None:
    rows = rfm(make_vault(customer("a", purchases=bought((10, 100), (20, 100)))), TODAY).rows
    assert [(r.score, r.segment) for r in rows] == [("333", "potential")]


def test_rfm_window_is_the_last_365_days_and_skips_future_purchases() -> None:
    vault = make_vault(customer("a", purchases=(
        *bought((364, 1), (365, 10), (0, 100), (-1, 1000)),
        Purchase(ago(5), None),  # no amount: one purchase worth 0
    )))
    (row,) = rfm(vault, TODAY).rows
    # 364 days ago is in, 365 is out, tomorrow (-1) has not happened: 1 + 100 + 0 over 3 purchases.
    assert (row.recency, row.frequency, row.monetary, row.last_purchase) == (0, 3, D(101), TODAY)


def test_only_future_purchases_leave_a_customer_unscored() -> None:
    result = rfm(make_vault(customer("a", purchases=bought((-3, 100)))), TODAY)
    assert result.rows == () and [c.id for c in result.unscored] == ["a"]


@pytest.mark.parametrize(("r", "f", "m", "first", "segment"), [
    (4, 5, 5, True, "new"),  # rule 1 before champions: one purchase is no loyalty
    (3, 3, 3, True, "potential"),  # a first-time buyer who is not recent is not new
    (5, 4, 1, False, "champions"),
    (2, 3, 1, False, "at_risk"),
    (1, 1, 4, False, "at_risk"),
    (2, 5, 5, False, "at_risk"),  # at risk comes before loyal
    (3, 4, 1, False, "loyal"),
    (2, 2, 3, False, "hibernating"),
    (1, 1, 1, True, "hibernating"),
    (5, 3, 5, False, "potential"),
    (3, 1, 5, False, "potential"),
])
def test_segment_rules_in_order(r: int, f: int, m: int, first: bool, segment: str) -> None:
    assert rfm_segment(r, f, m, first) == segment


@given(st.lists(
    st.lists(st.tuples(st.integers(-30, 800), st.integers(0, 10_000)), max_size=6),
    max_size=9,
))
def test_rfm_scores_follow_the_underlying_values(histories: list[list[tuple[int, int]]]) -> None:
    vault = make_vault(*(customer(f"c{i}", purchases=bought(*h)) for i, h in enumerate(histories)))
    result = rfm(vault, TODAY)
    assert len(result.rows) + len(result.unscored) == len(histories)
    assert sum(s.customers for s in result.segments) == len(result.rows)
    for a in result.rows:
        assert {a.r, a.f, a.m} <= {1, 2, 3, 4, 5} and a.segment in RFM_SEGMENTS
        for b in result.rows:
            assert a.recency >= b.recency or a.r >= b.r
            assert a.frequency <= b.frequency or a.f >= b.f
            assert a.monetary <= b.monetary or a.m >= b.m


# --- churn -----------------------------------------------------------------------------------------------


def test_median_gap_odd_and_even() -> None:
    assert median_gap([ago(300), ago(270), ago(230)]) == D(35)  # gaps 30, 40: (30 + 40) / 2
    assert median_gap([ago(300), ago(270), ago(229)]) == D("35.5")  # gaps 30, 41
    assert median_gap([ago(200), ago(190), ago(160), ago(100)]) == D(30)  # gaps 10, 30, 60
    assert median_gap([ago(10), ago(10), ago(5)]) == D(5)  # one order on one day is one date
    assert median_gap([ago(10), ago(10)]) is None
    assert median_gap([]) is None


def test_churn_needs_both_dormant_after_and_twice_the_median_gap() -> None:
    vault = make_vault(
        # 3 purchases: gaps 30, 40, median 35, twice 70; 230 days > 70 and > 90 → churned.
        customer("odd", purchases=bought((300, 100), (270, 100), (230, 100))),
        # 4 purchases: gaps 10, 30, 60, median 30, twice 60; 100 days > 60 and > 90 → churned.
        customer("even", purchases=bought((200, 100), (190, 100), (160, 100), (100, 100)), status="lost"),
        # once a year: median 365, twice 730 > 267 days → not churned although dormant.
        customer("yearly", purchases=(Purchase(day("2024-03-01"), D(1)), Purchase(day("2025-03-01"), D(1)),
                                      Purchase(day("2026-03-01"), D(1)))),
        # weekly buyer silent for 53 days: 53 > 2 × 7, but 53 days are within dormant_after (90d).
        customer("weekly", purchases=bought((67, 1), (60, 1), (53, 1))),
        customer("once", purchases=bought((500, 100))),
        customer("never"),
    )
    rows = churn_list(vault, TODAY)
    assert [(r.customer.id, r.days_since, r.median_gap, r.purchases, r.total) for r in rows] == [
        ("odd", 230, D(35), 3, D(300)), ("even", 100, D(30), 4, D(400)),
    ]
    assert rows[0].last_purchase == ago(230)


def test_dormant_after_decides_when_the_gap_clause_holds() -> None:
    weekly = customer("weekly", purchases=bought((67, 1), (60, 1), (53, 1)))
    # dormant_after 1m: 53 days ago is 2026-10-01; + 1 month = 2026-11-01 < today → churned.
    short = Settings(dormant_after=Duration(1, "m"))
    assert [r.customer.id for r in churn_list(make_vault(weekly, settings=short), TODAY)] == ["weekly"]
    # Default 90d: last purchase 90 days ago ends its dormant period today, which is not before today.
    at_limit = customer("a", purchases=bought((100, 1), (90, 1)))  # gap 10, twice 20
    over = customer("b", purchases=bought((101, 1), (91, 1)))
    assert [r.customer.id for r in churn_list(make_vault(at_limit, over), TODAY)] == ["b"]


def test_days_since_must_exceed_twice_the_median_gap() -> None:
    # Last purchase 100 days ago. Gap 50 → twice 100, not exceeded; gap 49 → twice 98, exceeded.
    equal = customer("equal", purchases=bought((150, 1), (100, 1)))
    over = customer("over", purchases=bought((149, 1), (100, 1)))
    # Gaps 30 and 41 → median 35.5, twice 71: 71 days is not more; 72 days is.
    half_at = customer("half-at", purchases=bought((142, 1), (112, 1), (71, 1)))
    half_over = customer("half-over", purchases=bought((143, 1), (113, 1), (72, 1)))
    settings = Settings(dormant_after=Duration(10, "d"))
    rows = churn_list(make_vault(equal, over, half_at, half_over, settings=settings), TODAY)
    assert [r.customer.id for r in rows] == ["over", "half-over"]  # 100 days, then 72


def test_churn_ignores_future_purchases_and_sorts_ties_by_id() -> None:
    vault = make_vault(
        # gaps 50, 50: twice the median is 100 < 200 days; b's purchase in 10 days has not happened.
        customer("b", purchases=bought((300, 1), (250, 1), (200, 1), (-10, 1))),
        customer("a", purchases=bought((300, 1), (250, 1), (200, 1))),
    )
    assert [(r.customer.id, r.purchases) for r in churn_list(vault, TODAY)] == [("a", 3), ("b", 3)]


# --- segments --------------------------------------------------------------------------------------------


def segment_vault() -> Vault:
    return make_vault(
        customer("a", tags=("tea", "retail"), industry="cafés", custom=(("level", "A"),),
                 purchases=(Purchase(day("2026-06-01"), D(1000)), Purchase(day("2024-01-01"), D(500))),
                 deals=(Deal("x", "proposal", D(2000)),)),
        customer("b", tags=("tea",), industry="bakery", custom=(("level", "B"),),
                 purchases=(Purchase(day("2025-11-24"), D(300)), Purchase(day("2025-11-23"), D(700)))),
        customer("c", custom=(("contract_no", "K-1"),), deals=(
            Deal("y", "qualified", D(100), "EUR"),
            Deal("z", "won", D(5000)),
            Deal("w", "proposal", D(1), "USD"),
        )),
        customer("d", tags=("retail", "tea", "tea"), industry="cafés", custom=(("level", "A"),),
                 purchases=(Purchase(day("2026-12-01"), D(9999)),)),  # future: not counted
    )


def test_segment_keys_are_built_ins_then_enum_fields() -> None:
    assert segment_keys(SETTINGS) == ("industry", "region", "source", "tag", "owner", "level")
    with pytest.raises(ValueError, match="contract_no"):
        segment_table(segment_vault(), "contract_no", TODAY)


def test_segment_table_by_tag_counts_a_customer_under_each_tag() -> None:
    table = segment_table(segment_vault(), "tag", TODAY)
    # The window starts 2025-11-24: b's 300 is in, its 700 (2025-11-23) is out.
    # tea: a, b, d (d's repeated tag counts once).
    #   12 months 1000 + 300 = 1300; all time 1000 + 500 + 300 + 700 = 2500.
    # retail: a, d: 12 months 1000; all 1000 + 500 = 1500. None: c, open deals 100 EUR = 750 CNY
    # (weighted 750 × 0.1 = 75) and one USD deal not counted; c's won deal is not open.
    assert table.rows == (
        SegmentRow("tea", 3, Totals(1, D(2000), D(600), 0), D(1300), D(2500)),
        SegmentRow("retail", 2, Totals(1, D(2000), D(600), 0), D(1000), D(1500)),
        SegmentRow(None, 1, Totals(2, D(750), D(75), 1), D(0), D(0)),
    )


def test_segment_table_by_enum_field_sorts_ties_by_name_none_last() -> None:
    table = segment_table(segment_vault(), "level", TODAY)
    assert [(r.value, r.customers, r.purchases_all) for r in table.rows] == [
        ("A", 2, D(1500)), ("B", 1, D(1000)), (None, 1, D(0)),
    ]


def test_segment_table_by_industry() -> None:
    table = segment_table(segment_vault(), "industry", TODAY)
    assert [(r.value, r.customers) for r in table.rows] == [("cafés", 2), ("bakery", 1), (None, 1)]


# --- owners ----------------------------------------------------------------------------------------------


def test_owner_summary() -> None:
    settings = Settings(owners=("bob", "alice"), currency="CNY", rates=(("EUR", D("7.5")),))
    vault = make_vault(
        customer("a1", owner="alice", status="active", next_follow_up=day("2026-11-20"),
                 deals=(Deal("open", "proposal", D(1000)),
                        Deal("won", "won", D(500), closed=day("2026-08-26"))),  # today − 89: in
                 log=log("2026-10-25", "2026-10-24", "2026-11-24")),  # today − 29 in, − 30 out, future out
        customer("a2", owner="alice", status="active", next_follow_up=TODAY,
                 deals=(Deal("won", "won", D(700), closed=day("2026-08-25")),),  # today − 90: out
                 log=log("2026-11-23")),
        customer("z", owner="zed", status="lead", next_follow_up=day("2026-01-01"),
                 deals=(Deal("eur", "proposal", D(100), "EUR"),)),
        customer("n", status="lost", next_follow_up=day("2026-01-01"), log=log("2026-11-01")),
        settings=settings,
    )
    rows = owner_summary(vault, TODAY)
    assert [r.owner for r in rows] == ["bob", "alice", "zed", None]
    bob, alice, zed, nobody = rows
    assert (bob.customers, bob.overdue, bob.pipeline, bob.won, bob.log_entries) == (0, 0, EMPTY, EMPTY, 0)
    # alice: a1 overdue (11-20), a2 due today is not. Pipeline 1000 × 0.3 = 300. Won: a1's 500.
    # Log in the last 30 days (10-25..11-23): a1 10-25, a2 11-23 = 2.
    assert (alice.customers, alice.overdue, alice.log_entries) == (2, 1, 2)
    assert alice.pipeline == Totals(1, D(1000), D(300), 0)
    assert alice.won == Totals(1, D(500), D(500), 0)
    # zed (not declared, after the declared owners): 100 EUR = 750 CNY, × 0.3 = 225.
    assert (zed.customers, zed.overdue, zed.pipeline) == (1, 1, Totals(1, D(750), D(225), 0))
    # n has no owner; its status is closed, so its old follow-up date is not overdue.
    assert (nobody.customers, nobody.overdue, nobody.log_entries) == (1, 0, 1)


# --- empty vaults and empty customers ------------------------------------------------------------------


def test_empty_vault() -> None:
    vault = make_vault()
    counts = status_counts(vault)
    assert [s.count for s in counts.statuses] == [0] * 5
    assert (counts.without_status, counts.total) == (0, 0)
    assert follow_ups_done(vault, date.min, date.max) == 0
    assert [w.count for w in activity_by_week(vault, TODAY)] == [0] * 26
    result = rfm(vault, TODAY)
    assert result.rows == () and result.unscored == ()
    assert [(s.customers, s.monetary) for s in result.segments] == [(0, D(0))] * 6
    assert churn_list(vault, TODAY) == ()
    assert all(segment_table(vault, key, TODAY).rows == () for key in segment_keys(SETTINGS))
    assert owner_summary(vault, TODAY) == ()


def test_customer_with_nothing_is_counted_but_not_scored() -> None:
    vault = make_vault(customer("bare"))
    assert rfm(vault, TODAY).unscored == vault.customers
    assert churn_list(vault, TODAY) == ()
    assert segment_table(vault, "owner", TODAY).rows == (SegmentRow(None, 1, EMPTY, D(0), D(0)),)
    (row,) = owner_summary(vault, TODAY)
    assert (row.owner, row.customers, row.overdue, row.pipeline, row.won, row.log_entries) == (
        None, 1, 0, EMPTY, EMPTY, 0,
    )
