"""Quota and pace: the figures of the gauge and `funnel report` (PRODUCT section 9)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, tzinfo
from enum import Enum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from funnel_tui.domain import PERIOD_KINDS
from funnel_tui.figure_sql import indexed_by, of_rep
from funnel_tui.foreign_values import (
    FIRST_DAY,
    LAST_DAY,
    good_values_sql,
    wrong_value_sql,
    wrong_values_sql,
)
from funnel_tui.manager_figures import (
    Breakdown,
    ManagerFigures,
    TodayActivity,
    Window,
    load_plan,
    load_today_activity,
    load_window_figures,
)
from funnel_tui.money import MAX_CENTS, format_money, round_half_up
from funnel_tui.periods import business_days, period_bounds, period_name
from funnel_tui.pipeline import Pipeline, load_pipeline
from funnel_tui.rep_rows import FigureRows, RepStatement, Whose
from funnel_tui.settings import MAX_CALLS_PER_DAY, Settings
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.sqlite import write_transaction

if TYPE_CHECKING:
    import sqlite_utils

# The status band around the expected amount: within 5% either way is on track.
AHEAD_FACTOR = Fraction(105, 100)
ON_TRACK_FACTOR = Fraction(95, 100)


class Kept(Enum):
    """A value set_target leaves as it is stored."""

    STORED = "stored"


@dataclass(frozen=True)
class Pace:
    """Where the rep stands against the target of one period, as of `today`.

    In a team's report a rep without a target of their own is read over the team's period
    with no target (target_cents None): what they did and won there is all theirs, and the
    figures that measure against a target (attainment, expected to date, pace gap, status,
    needed per day, coverage and the plan) are None.
    """

    period: str
    starts_on: date
    ends_on: date
    target_cents: int | None
    won_cents: int
    # None for a target of 0: a share of nothing is no figure (PRODUCT 9b).
    attainment: float | None
    business_days: int
    elapsed_business_days: int
    remaining_business_days: int
    expected_to_date_cents: int | None
    pace_gap_cents: int | None
    status: str | None
    needed_per_day_cents: int | None
    projection_cents: int
    calls_today: int
    calls_per_day: int
    by_method: tuple[Breakdown, ...]
    by_source: tuple[Breakdown, ...]
    period_name: str
    today: date
    # Stored values of the wrong type or range that the figures left out.
    skipped: int = 0
    # The open opportunities; None where only the gauge's figures were read.
    pipeline: Pipeline | None = None
    # The figures of PRODUCT 9b; None where only the gauge's figures were read.
    figures: ManagerFigures | None = None
    # Dials (calls_today), connects and meetings on the as-of date, when read.
    activity: TodayActivity | None = None

    @property
    def remaining_cents(self) -> int | None:
        """What is still to win to reach the target (None without one)."""
        if self.target_cents is None:
            return None
        return max(0, self.target_cents - self.won_cents)

    @property
    def pipeline_cents(self) -> int | None:
        return None if self.pipeline is None else self.pipeline.pipeline_cents

    @property
    def weighted_pipeline_cents(self) -> int | None:
        return None if self.pipeline is None else self.pipeline.weighted_pipeline_cents

    @property
    def pipeline_by_stage(self) -> list[dict[str, Any]] | None:
        if self.pipeline is None:
            return None
        return [stage.to_json() for stage in self.pipeline.by_stage]

    @property
    def coverage_ratio(self) -> Fraction | None:
        """The weighted pipeline over what is still to win, exactly (None when nothing is,
        or without a target)."""
        remaining = self.remaining_cents
        if self.pipeline is None or remaining is None:
            return None
        return self.pipeline.coverage_ratio(remaining)

    @property
    def coverage(self) -> float | None:
        ratio = self.coverage_ratio
        return None if ratio is None else float(ratio)

    @property
    def plan(self) -> dict[str, Any] | None:
        plan = None if self.figures is None else self.figures.plan
        return None if plan is None else plan.to_json()

    def to_json(self) -> dict[str, Any]:
        """The object `funnel report --json` prints: exactly the keys of PRODUCT sections 9
        and 9b, in their order."""
        report: dict[str, Any] = {}
        for key in REPORT_KEYS:
            if key in FIGURE_KEYS:
                value = None if self.figures is None else getattr(self.figures, key)
            else:
                value = getattr(self, key)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = [breakdown.to_json() for breakdown in value]
            report[key] = value
        return report


# The keys of `funnel report --json`, in the documented order.
REPORT_KEYS = (
    "period",
    "starts_on",
    "ends_on",
    "target_cents",
    "won_cents",
    "attainment",
    "business_days",
    "elapsed_business_days",
    "remaining_business_days",
    "expected_to_date_cents",
    "pace_gap_cents",
    "status",
    "needed_per_day_cents",
    "projection_cents",
    "calls_today",
    "calls_per_day",
    "by_method",
    "by_source",
    "calls",
    "connects",
    "connect_rate",
    "leads_worked",
    "reached",
    "meetings_booked",
    "meetings_held",
    "proposals",
    "meeting_rate",
    "deals_won",
    "win_rate",
    "avg_deal_cents",
    "sales_cycle_days_median",
    "speed_to_lead_hours_median",
    "talk_time_s",
    "avg_calls_per_day",
    "emails",
    "lost_reasons",
    "handed_back",
    "pipeline_cents",
    "weighted_pipeline_cents",
    "pipeline_by_stage",
    "coverage",
    "plan",
    "skipped",
)
# The keys read from Pace.figures (the plan is turned into its JSON by Pace.plan).
FIGURE_KEYS = frozenset(
    REPORT_KEYS[REPORT_KEYS.index("calls") : REPORT_KEYS.index("handed_back") + 1]
)


def skipped_note(count: int) -> str:
    """What the figures left out, and where to see it."""
    values = "value" if count == 1 else "values"
    return f"{count} unreadable {values} left out (see funnel check)"


def pace_status(won_cents: int, expected: Fraction) -> str:
    """`ahead`, `on_track` or `behind` against the exact expected-to-date amount."""
    if expected == 0:
        return "on_track" if won_cents == 0 else "ahead"
    if won_cents >= expected * AHEAD_FACTOR:
        return "ahead"
    if won_cents >= expected * ON_TRACK_FACTOR:
        return "on_track"
    return "behind"


@dataclass(frozen=True)
class _AgainstTarget:
    """The figures of PRODUCT section 9 that measure won against a target."""

    attainment: float | None
    expected_to_date_cents: int | None
    pace_gap_cents: int | None
    status: str | None
    needed_per_day_cents: int | None

    @classmethod
    def none(cls) -> _AgainstTarget:
        """Without a target: no figure to measure against."""
        return cls(None, None, None, None, None)

    @classmethod
    def of(cls, target_cents: int, won_cents: int, total: int, elapsed: int) -> _AgainstTarget:
        """Over `total` business days, `elapsed` of them gone."""
        remaining = total - elapsed
        expected = Fraction(target_cents * elapsed, total) if total else Fraction(0)
        expected_cents = round_half_up(expected)
        still_to_win = max(0, target_cents - won_cents)
        needed = Fraction(still_to_win, remaining) if remaining else Fraction(still_to_win)
        return cls(
            attainment=won_cents / target_cents if target_cents else None,
            expected_to_date_cents=expected_cents,
            # From the rounded expected amount, so the figures shown add up to the cent.
            pace_gap_cents=won_cents - expected_cents,
            status=pace_status(won_cents, expected),
            # A cent at least while anything is still to win: never `$0/day` short of it.
            needed_per_day_cents=max(round_half_up(needed), 1 if still_to_win else 0),
        )


def compute_pace(
    *,
    kind: str,
    starts_on: date,
    ends_on: date,
    target_cents: int | None,
    calls_per_day: int,
    won_cents: int,
    calls_today: int,
    today: date,
    weekdays: tuple[int, ...],
    holidays: tuple[date, ...],
    by_method: Iterable[Breakdown] = (),
    by_source: Iterable[Breakdown] = (),
    skipped: int = 0,
    pipeline: Pipeline | None = None,
    figures: ManagerFigures | None = None,
) -> Pace:
    """Apply the formulas of PRODUCT section 9 exactly; money is rounded half up only at the end.

    `today` may lie outside the period: every business day of the period before it
    counts as elapsed. With no target (`target_cents` None) the figures measured against
    one are None.
    """
    days = business_days(starts_on, ends_on, weekdays=weekdays, holidays=holidays)
    total = len(days)
    elapsed = bisect_left(days, today)
    remaining = total - elapsed
    projection = Fraction(won_cents * total, elapsed) if elapsed else Fraction(won_cents)
    against = (
        _AgainstTarget.none()
        if target_cents is None
        else _AgainstTarget.of(target_cents, won_cents, total, elapsed)
    )
    return Pace(
        period=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        target_cents=target_cents,
        won_cents=won_cents,
        attainment=against.attainment,
        business_days=total,
        elapsed_business_days=elapsed,
        remaining_business_days=remaining,
        expected_to_date_cents=against.expected_to_date_cents,
        pace_gap_cents=against.pace_gap_cents,
        status=against.status,
        needed_per_day_cents=against.needed_per_day_cents,
        projection_cents=round_half_up(projection),
        calls_today=calls_today,
        calls_per_day=calls_per_day,
        by_method=tuple(by_method),
        by_source=tuple(by_source),
        period_name=period_name(kind, starts_on),
        today=today,
        skipped=skipped,
        pipeline=pipeline,
        figures=figures,
    )


def _check_period(period: str | None) -> None:
    if period is not None and period not in PERIOD_KINDS:
        raise ValueError(f"unknown period {period!r}; use {', '.join(PERIOD_KINDS)}")


# A period kind's rank, shortest first, as the `WHEN`s of `CASE period ... END`.
SHORTEST_FIRST = " ".join(f"WHEN '{kind}' THEN {rank}" for rank, kind in enumerate(PERIOD_KINDS))

# A rep's own targets (PRODUCT 16), or with no rep the team's, which is a one-rep book's
# only kind. The period's and the rep's types are said: PostgreSQL cannot tell the type
# of a parameter that is only tested for NULL.
WHOSE_TARGET = "coalesce(rep, '') = coalesce(CAST(:rep AS TEXT), '')"
_COVERING = (
    "starts_on <= :today AND ends_on >= :today"
    " AND (CAST(:period AS TEXT) IS NULL OR period = :period)"
    f" AND {WHOSE_TARGET}"
)

_COVERING_DAY = (
    "starts_on <= :today AND ends_on >= :today"
    " AND (CAST(:period AS TEXT) IS NULL OR period = :period)"
)


def _covering(whose: Whose) -> str:
    """The targets that may cover the day: of every rep, each in their rows."""
    return _COVERING if whose is Whose.ONE else f"{_COVERING_DAY} AND rep IS NOT NULL"


def _find_target_sql(dialect: Dialect, whose: Whose) -> str:
    """The targets covering the day, the one that counts first (of every rep, each rep's
    first in their rows)."""
    return f"""
SELECT {whose.key("rep")}* FROM targets
WHERE {_covering(whose)} AND {good_values_sql("targets", "", dialect)}
ORDER BY CASE period {SHORTEST_FIRST} END, starts_on DESC, id DESC
{"LIMIT 1" if whose is Whose.ONE else ""}"""


FIND_TARGET_SQL = RepStatement(_find_target_sql)


# The values of the wrong type or range in the targets that may cover today.
def _unreadable_targets_sql(dialect: Dialect, whose: Whose) -> str:
    return (
        f"SELECT {whose.key('rep')}coalesce(sum({wrong_values_sql('targets', '', dialect)}), 0)"
        f" FROM targets WHERE {_covering(whose)} {whose.group_by('rep')}"
    )


UNREADABLE_TARGETS_SQL = RepStatement(_unreadable_targets_sql)


def find_target(
    db: sqlite_utils.Database,
    today: date,
    period: str | None = None,
    rep: str | None = None,
    rows: FigureRows | None = None,
) -> dict | None:
    """The target whose period contains `today`; of several kinds, the shortest period wins.
    `rep`'s own in a team's book (read from `rows` when given), else the team's.

    A target with a value of the wrong type or range is left out (see unreadable_targets).
    """
    _check_period(period)
    params = {"today": today.isoformat(), "period": period}
    found = (rows or FigureRows(db, rep)).dicts(FIND_TARGET_SQL, params)
    return found[0] if found else None


def unreadable_targets(
    db: sqlite_utils.Database,
    today: date,
    period: str | None = None,
    rep: str | None = None,
    rows: FigureRows | None = None,
) -> int:
    """How many values of the wrong type or range find_target left out."""
    _check_period(period)
    params = {"today": today.isoformat(), "period": period}
    return (rows or FigureRows(db, rep)).first(UNREADABLE_TARGETS_SQL, params, (0,))[0]


def _target_kinds_sql(dialect: Dialect, whose: Whose) -> str:
    return f"""
SELECT DISTINCT period FROM targets
WHERE {_covering(whose)} AND {good_values_sql("targets", "", dialect)}"""


TARGET_KINDS_SQL = RepStatement(_target_kinds_sql)


def target_kinds(db: sqlite_utils.Database, today: date, rep: str | None = None) -> list[str]:
    """The kinds of period whose targets cover `today` (`rep`'s own), shortest first: the
    report reads the first unless asked for another."""
    params = {"today": today.isoformat(), "period": None}
    kinds = {row["period"] for row in FigureRows(db, rep).dicts(TARGET_KINDS_SQL, params)}
    return [kind for kind in PERIOD_KINDS if kind in kinds]


class OutOfBookYears(ValueError):
    """A target's period that starts or ends outside the years a book keeps."""


def set_target(
    db: sqlite_utils.Database,
    *,
    amount_cents: int,
    period: str,
    today: date,
    calls_per_day: int | Kept | None = None,
    rep: str | None = None,
) -> dict:
    """Set (or replace) the target of the `period` containing `today`; returns the stored row.

    `calls_per_day` None leaves the period without a daily goal of its own (the setting's
    applies); Kept.STORED keeps the goal the period's target already has. In a team's
    book the target is `rep`'s own, or with no rep the team's.
    """
    if amount_cents <= 0:
        raise ValueError("a target must be more than zero")
    if amount_cents > MAX_CENTS:
        raise ValueError(f"a target is at most {format_money(MAX_CENTS, '')}")
    keep_goal = calls_per_day is Kept.STORED
    goal = None if isinstance(calls_per_day, Kept) else calls_per_day
    if goal is not None and not 0 <= goal <= MAX_CALLS_PER_DAY:
        raise ValueError(f"calls per day is a whole number from 0 to {MAX_CALLS_PER_DAY:,}")
    starts_on, ends_on = period_bounds(period, today)
    if not FIRST_DAY <= starts_on.isoformat() <= ends_on.isoformat() <= LAST_DAY:
        raise OutOfBookYears(
            f"the {period} containing {today} runs from {starts_on} to {ends_on}, outside the"
            f" years a book keeps ({FIRST_DAY[:4]} to {LAST_DAY[:4]}): no target is set"
        )
    key = {"period": period, "starts_on": starts_on.isoformat(), "rep": rep}
    with write_transaction(db):
        # An upsert keeps the row's id, so anything that refers to the target stays valid.
        db.execute(
            "INSERT INTO targets (period, starts_on, ends_on, amount_cents, calls_per_day, rep) "
            "VALUES (:period, :starts_on, :ends_on, :amount_cents, :calls_per_day, :rep) "
            "ON CONFLICT (period, starts_on, coalesce(rep, '')) DO UPDATE SET "
            "ends_on = excluded.ends_on, amount_cents = excluded.amount_cents, calls_per_day = "
            "CASE WHEN :keep_goal = 1 THEN targets.calls_per_day ELSE excluded.calls_per_day END",
            {
                **key,
                "ends_on": ends_on.isoformat(),
                "amount_cents": amount_cents,
                "calls_per_day": goal,
                "keep_goal": keep_goal,
            },
        )
    return next(
        db.query(
            "SELECT * FROM targets WHERE period = :period AND starts_on = :starts_on"
            f" AND {WHOSE_TARGET}",
            key,
        )
    )


_IN_WINDOW = "{d}closed_on >= :starts_on AND {d}closed_on < :after_end"


def _won_sql(dialect: Dialect, whose: Whose) -> str:
    """What the window's deals won, and how many values they hold of the wrong type or
    range.

    Read from deal_days, which holds each day's deals of each rep summed (schema_v21):
    what those with good values won, and how many wrong values they hold. A deal with a
    value of the wrong type or range is left out and counted: one amount near SQLite's
    integer limit would make the sum overflow. A deal whose closed_on cannot be read may
    belong to any period, so every report counts it as left out: those in the window's
    range of text are counted with the window, the others from deals_unreadable_closed,
    which holds those deals alone (a file's v20, a team's v19). A rep's count is of their
    own deals, as their won is: the team's other deals are not theirs to skip. Every rep's
    come as two rows each, the window's and the others' wrong dates."""
    unreadable_closed = indexed_by("deals_unreadable_closed", dialect)
    if whose is Whose.EVERY_REP:
        return f"""
SELECT k.rep, coalesce(sum(k.won_cents), 0), coalesce(sum(k.wrong), 0)
FROM deal_days k
WHERE {_IN_WINDOW.format(d="k.")} AND k.rep IS NOT NULL
GROUP BY k.rep
UNION ALL
SELECT o.rep, 0, coalesce(sum({wrong_values_sql("deals", "o.", dialect)}), 0)
FROM deals o {unreadable_closed}
WHERE {wrong_value_sql("deals", "closed_on", "o.", dialect)}
    AND NOT ({_IN_WINDOW.format(d="o.")}) AND o.rep IS NOT NULL
GROUP BY o.rep
"""
    return f"""
SELECT coalesce(sum(k.won_cents), 0),
    coalesce(sum(k.wrong), 0) + (
        SELECT coalesce(sum({wrong_values_sql("deals", "o.", dialect)}), 0)
        FROM deals o {unreadable_closed}
        WHERE {wrong_value_sql("deals", "closed_on", "o.", dialect)}
            AND NOT ({_IN_WINDOW.format(d="o.")}) AND {of_rep("o.rep")}
    )
FROM deal_days k
WHERE {_IN_WINDOW.format(d="k.")} AND {of_rep("k.rep")}
"""


WON_SQL = RepStatement(_won_sql)


def no_target(kind: str, starts_on: date, ends_on: date) -> dict[str, Any]:
    """A row of targets with no amount and no daily call goal of its own: load_pace reads
    the period with no target, and the calls_per_day setting as its goal."""
    return {
        "period": kind,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "amount_cents": None,
        "calls_per_day": None,
    }


def load_pace(
    db: sqlite_utils.Database,
    today: date,
    settings: Settings,
    *,
    period: str | None = None,
    tz: tzinfo | None = None,
    breakdowns: bool = True,
    rep: str | None = None,
    target: dict[str, Any] | None = None,
    rows: FigureRows | None = None,
) -> Pace | None:
    """The pace for the target containing `today` (None when there is none).

    Days are local days in `tz` (the machine's zone when None): a call at 23:30 local
    time counts on that day whatever its UTC date. `breakdowns=False` leaves out the
    by-method and by-source figures and the pipeline: the gauge does not show them and
    refreshes often.

    In a team's book `rep` scopes every figure to the rep's own (PRODUCT 16): their
    target, deals, calls, leads, emails, plan, and the pipeline of the prospects they own.
    `target`, a row of targets, is measured against instead of the one stored for the
    period. `rows` reads a team report's statements once for every rep.
    """
    rows = rows or FigureRows(db, rep)
    target = target or find_target(db, today, period, rows=rows)
    if target is None:
        return None
    return load_period_pace(
        db, today, settings, target, period=period, tz=tz, breakdowns=breakdowns, rows=rows
    )


def load_period_pace(
    db: sqlite_utils.Database,
    today: date,
    settings: Settings,
    target: dict[str, Any],
    *,
    period: str | None = None,
    tz: tzinfo | None = None,
    breakdowns: bool = True,
    rows: FigureRows,
) -> Pace:
    """load_pace over the period of `target`, a row of targets, measured against it; a row
    of no amount (no_target) is the period read with no target. `period` says which kind
    of target was asked for: the unreadable ones of that kind count as skipped."""
    starts_on = date.fromisoformat(target["starts_on"])
    ends_on = date.fromisoformat(target["ends_on"])
    # Every figure counts only what happened on or before the as-of date: a report for a
    # past day leaves out the deals and calls that came after it.
    window = Window.of_days(starts_on, min(ends_on, today), tz)
    deals_window = {
        "starts_on": window.params["starts_on"],
        "after_end": window.params["after_end"],
    }
    goal = target["calls_per_day"]
    calls_per_day = settings.calls_per_day if goal is None else goal
    won = rows.rows(WON_SQL, deals_window)
    won_cents, unreadable_deals = (sum(row[column] for row in won) for column in (0, 1))
    activity = load_today_activity(db, today, tz, rows=rows)
    pace = compute_pace(
        kind=target["period"],
        starts_on=starts_on,
        ends_on=ends_on,
        target_cents=target["amount_cents"],
        calls_per_day=calls_per_day,
        won_cents=won_cents,
        calls_today=activity.dials,
        today=today,
        weekdays=settings.business_days,
        holidays=settings.holidays,
        skipped=unreadable_targets(db, today, period, rows=rows) + unreadable_deals,
    )
    pace = replace(pace, activity=activity)
    if not breakdowns:
        return pace
    pipeline = load_pipeline(db, settings.stage_weights, today=today, closing_by=ends_on, rows=rows)
    # The plan closes the gap to a target: without one there is none to close.
    plan = (
        None
        if pace.remaining_cents is None
        else load_plan(
            db,
            today=today,
            remaining_cents=pace.remaining_cents,
            remaining_business_days=pace.remaining_business_days,
            daily_call_goal=calls_per_day,
            settings=settings,
            tz=tz,
            rows=rows,
        )
    )
    window_days = business_days(
        starts_on, min(ends_on, today), weekdays=settings.business_days, holidays=settings.holidays
    )
    found = load_window_figures(
        db,
        window,
        business_days_in_window=len(window_days),
        plan=plan,
        tz=tz,
        rows=rows,
    )
    return replace(
        pace,
        by_method=found.by_method,
        by_source=found.by_source,
        skipped=pace.skipped + pipeline.skipped + found.skipped,
        pipeline=pipeline,
        figures=found.figures,
    )
