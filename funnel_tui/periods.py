"""Target periods and business days: the calendar maths behind quota and pace."""

from __future__ import annotations

from datetime import date, datetime, time

from dateutil.relativedelta import MO, SU, relativedelta
from dateutil.rrule import DAILY, rrule, rruleset

from funnel_tui.domain import PERIOD_KINDS


def _check_kind(kind: str) -> None:
    if kind not in PERIOD_KINDS:
        raise ValueError(f"unknown period {kind!r}; use {', '.join(PERIOD_KINDS)}")


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """First and last day (inclusive) of the week, month, quarter or year containing `day`."""
    _check_kind(kind)
    if kind == "week":
        return day + relativedelta(weekday=MO(-1)), day + relativedelta(weekday=SU(+1))
    if kind == "month":
        return day + relativedelta(day=1), day + relativedelta(day=31)
    if kind == "quarter":
        first = day + relativedelta(month=(day.month - 1) // 3 * 3 + 1, day=1)
        return first, first + relativedelta(months=2, day=31)
    return day + relativedelta(month=1, day=1), day + relativedelta(month=12, day=31)


def business_days(
    start: date, end: date, *, weekdays: tuple[int, ...], holidays: tuple[date, ...]
) -> list[date]:
    """Every day from `start` to `end` inclusive that falls on `weekdays` (0 = Monday) and
    is not a holiday."""
    # rrule reads an empty byweekday as "every day", the opposite of what no weekdays means.
    if start > end or not weekdays:
        return []
    days = rruleset()
    days.rrule(rrule(DAILY, dtstart=start, until=end, byweekday=weekdays))
    for holiday in holidays:
        days.exdate(datetime.combine(holiday, time.min))
    return [moment.date() for moment in days]


def period_name(kind: str, start: date) -> str:
    """How the period containing `start` is called: `November 2026`, `Q4 2026`,
    `Week 48, 2026` (ISO week and year) or `2026`."""
    _check_kind(kind)
    if kind == "week":
        iso = start.isocalendar()
        return f"Week {iso.week}, {iso.year}"
    if kind == "month":
        return start.strftime("%B %Y")
    if kind == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return str(start.year)
