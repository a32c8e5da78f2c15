"""Date arithmetic of cadences: calendar months clamped to the month's end, as properties."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault_tool.convert import LATEST_DATE, MAX_DURATION_DAYS, UNIT_DAYS, Reporter, as_duration
from vault_tool.model import Duration, Problem, add_months
from vault_tool.yamltree import Scalar

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))
months = st.integers(min_value=-1200, max_value=1200)
counts = st.integers(min_value=1, max_value=1000)


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -1, date(2025, 12, 10)),
    ],
)
def test_add_months_examples(start: date, count: int, expected: date) -> None:
    assert add_months(start, count) == expected


@given(dates, months)
def test_add_months_moves_the_month_and_clamps_the_day(start: date, count: int) -> None:
    result = add_months(start, count)
    assert month_index(result) == month_index(start) + count
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last)


@given(dates, months)
def test_add_months_is_undone_when_no_clamping_happened(start: date, count: int) -> None:
    if start.day <= 28:
        assert add_months(add_months(start, count), -count) == start


@given(dates, months, months)
def test_add_months_is_monotonic(start: date, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert add_months(start, low) <= add_months(start, high)


@given(dates)
def test_zero_months_is_the_same_day(start: date) -> None:
    assert add_months(start, 0) == start


@given(dates, counts)
def test_days_and_weeks_are_plain_timedeltas(start: date, count: int) -> None:
    assert Duration(count, "d").after(start) == start + timedelta(days=count)
    assert Duration(count, "w").after(start) == start + timedelta(days=7 * count)
    assert Duration(count, "d").before(start) == start - timedelta(days=count)
    assert Duration(count, "w").before(start) == start - timedelta(weeks=count)


@given(dates, st.integers(min_value=1, max_value=600))
def test_months_and_years_follow_the_calendar(start: date, count: int) -> None:
    assert Duration(count, "m").after(start) == add_months(start, count)
    assert Duration(count, "m").before(start) == add_months(start, -count)
    if count <= 50:
        assert Duration(count, "y").after(start) == add_months(start, 12 * count)
        assert Duration(count, "y").before(start) == add_months(start, -12 * count)
        assert Duration(count, "y").after(start) == Duration(12 * count, "m").after(start)


@given(dates, st.integers(min_value=1, max_value=600), st.sampled_from("dwm"))
def test_before_undoes_after_when_no_clamping_happened(start: date, count: int, unit: str) -> None:
    duration = Duration(count, unit)  # type: ignore[arg-type]
    if unit != "m" or start.day <= 28:
        assert duration.before(duration.after(start)) == start


@given(dates, st.integers(min_value=1, max_value=600), st.sampled_from("dwmy"))
def test_after_is_later_and_before_is_earlier(start: date, count: int, unit: str) -> None:
    duration = Duration(count, unit)  # type: ignore[arg-type]
    if unit == "y" and count > 50:
        return
    assert duration.before(start) < start < duration.after(start)


@given(st.integers(min_value=1, max_value=100), st.sampled_from("dwmy"))
def test_a_duration_written_out_reads_back_the_same(count: int, unit: str) -> None:
    duration = Duration(count, unit)  # type: ignore[arg-type]
    rep = Reporter("vault.yml")
    assert as_duration(Scalar(str(duration), True, 1, 1), "cadence", rep) == duration
    assert rep.problems == []


@given(st.dates(max_value=LATEST_DATE), st.sampled_from("dwmy"), st.data())
def test_accepted_date_plus_accepted_duration_is_a_date(start: date, unit: str, data: st.DataObject) -> None:
    count = data.draw(st.integers(min_value=1, max_value=MAX_DURATION_DAYS // UNIT_DAYS[unit]))
    assert Duration(count, unit).after(start) > start  # type: ignore[arg-type]


def test_problem_prints_its_place_and_sorts_by_it() -> None:
    a = Problem.error("b.md", 2, 5, "x-y", key="k", n=3)
    b = Problem.warning("a.md", 9, 1, "z")
    assert a.args == {"key": "k", "n": "3"}
    assert sorted([a, b], key=lambda p: p.sort_key) == [b, a]
    assert (a.severity, b.severity) == ("error", "warning")
