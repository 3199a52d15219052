"""Target periods tile the calendar and business days skip weekends and holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.domain import PERIOD_KINDS
from funnel_tui.periods import business_days, period_bounds, period_name

MON_TO_FRI = (0, 1, 2, 3, 4)

# Dates far enough from date.min and date.max that the neighbouring periods exist.
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@pytest.mark.parametrize(
    ("kind", "day", "bounds"),
    [
        ("week", date(2026, 11, 23), (date(2026, 11, 23), date(2026, 11, 29))),
        ("week", date(2026, 11, 26), (date(2026, 11, 23), date(2026, 11, 29))),
        ("week", date(2026, 11, 29), (date(2026, 11, 23), date(2026, 11, 29))),
        ("week", date(2026, 12, 31), (date(2026, 12, 28), date(2027, 1, 3))),
        ("month", date(2026, 11, 1), (date(2026, 11, 1), date(2026, 11, 30))),
        ("month", date(2026, 11, 15), (date(2026, 11, 1), date(2026, 11, 30))),
        ("month", date(2026, 11, 30), (date(2026, 11, 1), date(2026, 11, 30))),
        ("month", date(2026, 2, 28), (date(2026, 2, 1), date(2026, 2, 28))),
        ("month", date(2028, 2, 10), (date(2028, 2, 1), date(2028, 2, 29))),
        ("quarter", date(2026, 10, 1), (date(2026, 10, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 11, 15), (date(2026, 10, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
        ("quarter", date(2026, 5, 31), (date(2026, 4, 1), date(2026, 6, 30))),
        ("quarter", date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30))),
        ("year", date(2026, 1, 1), (date(2026, 1, 1), date(2026, 12, 31))),
        ("year", date(2026, 7, 4), (date(2026, 1, 1), date(2026, 12, 31))),
        ("year", date(2026, 12, 31), (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_period_bounds(kind: str, day: date, bounds: tuple[date, date]) -> None:
    assert period_bounds(kind, day) == bounds


@pytest.mark.parametrize("kind", ["fortnight", "", "Month"])
def test_unknown_period_kind_is_refused(kind: str) -> None:
    with pytest.raises(ValueError, match="week, month, quarter, year"):
        period_bounds(kind, date(2026, 11, 1))
    with pytest.raises(ValueError):
        period_name(kind, date(2026, 11, 1))


@pytest.mark.parametrize(
    ("kind", "start", "name"),
    [
        ("month", date(2026, 11, 1), "November 2026"),
        ("quarter", date(2026, 10, 1), "Q4 2026"),
        ("quarter", date(2026, 1, 1), "Q1 2026"),
        ("week", date(2026, 11, 23), "Week 48, 2026"),
        ("week", date(2026, 12, 28), "Week 53, 2026"),
        ("week", date(2024, 12, 30), "Week 1, 2025"),
        ("year", date(2026, 1, 1), "2026"),
    ],
)
def test_period_name(kind: str, start: date, name: str) -> None:
    assert period_name(kind, start) == name


NOVEMBER_2026_WEEKDAYS = 21  # Nov 1 is a Sunday; Mon 2 .. Mon 30.


@pytest.mark.parametrize(
    ("start", "end", "weekdays", "holidays", "count"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), MON_TO_FRI, (), NOVEMBER_2026_WEEKDAYS),
        (date(2026, 11, 1), date(2026, 11, 30), MON_TO_FRI, (date(2026, 11, 26),), 20),
        # A holiday on a Saturday or outside the range changes nothing.
        (date(2026, 11, 1), date(2026, 11, 30), MON_TO_FRI, (date(2026, 11, 14),), 21),
        (date(2026, 11, 1), date(2026, 11, 30), MON_TO_FRI, (date(2026, 12, 1),), 21),
        (date(2026, 11, 2), date(2026, 11, 2), MON_TO_FRI, (), 1),
        (date(2026, 11, 14), date(2026, 11, 15), MON_TO_FRI, (), 0),
        (date(2026, 11, 30), date(2026, 11, 1), MON_TO_FRI, (), 0),
        # A Sunday-to-Thursday working week.
        (date(2026, 11, 1), date(2026, 11, 7), (6, 0, 1, 2, 3), (), 5),
        (date(2026, 11, 1), date(2026, 11, 7), (), (), 0),
    ],
)
def test_business_days_count(
    start: date, end: date, weekdays: tuple[int, ...], holidays: tuple[date, ...], count: int
) -> None:
    assert len(business_days(start, end, weekdays=weekdays, holidays=holidays)) == count


def test_business_days_are_the_working_dates_in_order() -> None:
    week = business_days(
        date(2026, 11, 23), date(2026, 11, 29), weekdays=MON_TO_FRI, holidays=(date(2026, 11, 26),)
    )
    assert week == [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 27)]


@given(kind=st.sampled_from(PERIOD_KINDS), day=days)
def test_periods_tile_the_calendar(kind: str, day: date) -> None:
    start, end = period_bounds(kind, day)
    assert start <= day <= end
    # Every day of the period names the same period: a date is in exactly one of each kind.
    assert period_bounds(kind, start) == (start, end) == period_bounds(kind, end)
    # The neighbours begin and end right next to it: no gaps, no overlaps.
    assert period_bounds(kind, end + timedelta(days=1))[0] == end + timedelta(days=1)
    assert period_bounds(kind, start - timedelta(days=1))[1] == start - timedelta(days=1)
    assert period_name(kind, start) == period_name(kind, day)


@given(
    start=days,
    length=st.integers(min_value=-3, max_value=120),
    weekdays=st.sets(st.integers(min_value=0, max_value=6)).map(lambda s: tuple(sorted(s))),
    holiday_offsets=st.sets(st.integers(min_value=-5, max_value=125), max_size=10),
)
def test_business_days_match_a_plain_day_by_day_count(
    start: date, length: int, weekdays: tuple[int, ...], holiday_offsets: set[int]
) -> None:
    end = start + timedelta(days=length)
    holidays = tuple(start + timedelta(days=offset) for offset in holiday_offsets)
    expected = []
    day = start
    while day <= end:
        if day.weekday() in weekdays and day not in holidays:
            expected.append(day)
        day += timedelta(days=1)
    assert business_days(start, end, weekdays=weekdays, holidays=holidays) == expected
