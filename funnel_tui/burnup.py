"""The burn-up of a period: cumulative won per business day against the expected line
(PRODUCT 9b), as the pace screen and `funnel report` draw it."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from fractions import Fraction
from itertools import accumulate
from typing import TYPE_CHECKING

from funnel_tui.figure_sql import of_rep
from funnel_tui.foreign_values import good_values_sql
from funnel_tui.money import round_half_up
from funnel_tui.pace import Pace, load_pace, unreadable_targets
from funnel_tui.periods import business_days
from funnel_tui.settings import Settings
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.sql import per_dialect

if TYPE_CHECKING:
    import sqlite_utils


# The period's deals by the day they closed, up to the as-of date; those with a value of
# the wrong type or range are left out, as the report leaves them out of `won`. A rep's
# are their own deals, as their `won` is.
def _won_by_day_sql(dialect: Dialect) -> str:
    return f"""
SELECT d.closed_on, sum(d.amount_cents) FROM deals d
WHERE d.closed_on >= :starts_on AND d.closed_on < :after_end
    AND {good_values_sql("deals", "d.", dialect)} AND {of_rep("d.rep")}
GROUP BY d.closed_on
"""


WON_BY_DAY_SQL = per_dialect(_won_by_day_sql)


@dataclass(frozen=True)
class BurnUp:
    """Cumulative won at the end of each business day of the period, and where it should be."""

    days: tuple[date, ...]
    """Every business day of the period."""
    won_cents: tuple[int | None, ...]
    """Won from the period's first day to the end of each day; None after the as-of date.
    The as-of date's own day (or the last business day before it) includes every deal up
    to the as-of date, so the last figure is the report's `won`."""
    expected_cents: tuple[int, ...]
    """target x (index + 1) / business days, rounded half up: the expected line."""
    today_index: int | None
    """The last business day on or before the as-of date; None when the period's first
    business day is still to come."""


def burnup_from_days(
    days: tuple[date, ...], won_by_day: dict[date, int], *, target_cents: int, today: date
) -> BurnUp:
    """The burn-up over `days` of what closed on each calendar day (up to `today`).

    A deal closed on a weekend or a holiday counts from the next business day on; one
    closed before the first business day counts on it.
    """
    today_index = bisect_right(days, today) - 1
    closed_by_day = [0] * len(days)
    for closed_on, cents in won_by_day.items():
        # A deal closed after the as-of date's business day (on the weekend it falls in)
        # counts on that day: the as-of figure is every deal to date.
        index = min(bisect_left(days, closed_on), today_index)
        if index >= 0:
            closed_by_day[index] += cents
    cumulative = list(accumulate(closed_by_day))
    total = len(days)
    return BurnUp(
        days=days,
        won_cents=tuple(
            won if index <= today_index else None for index, won in enumerate(cumulative)
        ),
        expected_cents=tuple(
            round_half_up(Fraction(target_cents * (index + 1), total)) for index in range(total)
        ),
        today_index=today_index if today_index >= 0 else None,
    )


def load_burnup(
    db: sqlite_utils.Database, pace: Pace, settings: Settings, rep: str | None = None
) -> BurnUp:
    """The burn-up of `pace`'s period as of its date: one query over the period's deals
    (in a team's book `rep`'s own, as `load_pace` read `pace` for them)."""
    days = tuple(
        business_days(
            pace.starts_on,
            pace.ends_on,
            weekdays=settings.business_days,
            holidays=settings.holidays,
        )
    )
    after_window = min(pace.ends_on, pace.today) + timedelta(days=1)
    rows = db.execute(
        WON_BY_DAY_SQL.for_db(db),
        {
            "starts_on": pace.starts_on.isoformat(),
            "after_end": after_window.isoformat(),
            "rep": rep,
        },
    ).fetchall()
    won_by_day = {date.fromisoformat(closed_on): cents for closed_on, cents in rows}
    return burnup_from_days(days, won_by_day, target_cents=pace.target_cents, today=pace.today)


@dataclass(frozen=True)
class NoTarget:
    """No target covers today; `unreadable` counts the stored ones left out because a
    value does not read (funnel check lists them)."""

    unreadable: int


# What the pace screen shows: the pace and the burn-up, or why there is no pace.
PaceScreenFigures = tuple[Pace, BurnUp] | NoTarget


def load_pace_and_burnup(
    db: sqlite_utils.Database, today: date, settings: Settings, tz: tzinfo | None, rep: str | None
) -> PaceScreenFigures:
    """What the pace screen shows: today's period's whole report (by method and source)
    and its burn-up; NoTarget when no target covers today."""
    pace = load_pace(db, today, settings, tz=tz, rep=rep)
    if pace is None:
        return NoTarget(unreadable_targets(db, today, rep=rep))
    return pace, load_burnup(db, pace, settings, rep)
