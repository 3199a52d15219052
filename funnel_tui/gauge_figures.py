"""What the gauge shows, read in one go: the pace (its fast path), today's activity and the
plan, which is kept from one refresh to the next while its period, day and target hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from funnel_tui.manager_figures import Plan, TodayActivity, load_plan
from funnel_tui.pace import Pace, load_pace, unreadable_targets
from funnel_tui.settings import Settings

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class PlanKey:
    """What a plan was made for: the same period, day, target and daily call goal make the
    same plan until a call is logged or the settings change (the caller forgets it then)."""

    period: str
    starts_on: date
    today: date
    target_cents: int
    calls_per_day: int


@dataclass(frozen=True)
class CachedPlan:
    key: PlanKey
    plan: Plan | None


@dataclass(frozen=True)
class GaugeFigures:
    """The gauge's figures; with no target, only how many unreadable ones there are."""

    pace: Pace | None
    unreadable_targets: int
    plan: CachedPlan | None
    today: TodayActivity | None


def load_gauge_figures(
    db: sqlite_utils.Database,
    now: datetime,
    settings: Settings,
    cached: CachedPlan | None,
    rep: str | None = None,
) -> GaugeFigures:
    """The pace without breakdowns, with today's dials, connects and meetings, and the
    plan: `cached` when it was made for the same period, day and target, else anew
    (it reads 90 days of calls). In a team's book, `rep`'s own figures."""
    today = now.date()
    pace = load_pace(db, today, settings, tz=now.tzinfo, breakdowns=False, rep=rep)
    if pace is None:
        return GaugeFigures(None, unreadable_targets(db, today, rep=rep), None, None)
    key = PlanKey(pace.period, pace.starts_on, pace.today, pace.target_cents, pace.calls_per_day)
    if cached is None or cached.key != key:
        plan = load_plan(
            db,
            today=today,
            remaining_cents=pace.remaining_cents,
            remaining_business_days=pace.remaining_business_days,
            daily_call_goal=pace.calls_per_day,
            settings=settings,
            tz=now.tzinfo,
            rep=rep,
        )
        cached = CachedPlan(key, plan)
    return GaugeFigures(pace, 0, cached, pace.activity)
