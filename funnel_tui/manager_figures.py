"""What a sales manager reads: every figure of PRODUCT section 9b, computed once.

`funnel report`, `report --json`, the gauge's plan line and the pace screen all read
these. The *window* is the period's first day to the as-of date in the rep's local days;
calls are counted per call, leads per distinct prospect. Ratios over nothing are None
(connect rates are then 0.0), money is whole cents and decimals are rounded half up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sqlite_utils

from funnel_tui.domain import (
    CONNECT_OUTCOMES,
    PICKED_REASONS,
    PIPELINE_STAGES,
    DealKind,
    LostReason,
    Outcome,
    sql_list,
)
from funnel_tui.foreign_values import wrong_value_sql, wrong_values_sql
from funnel_tui.migrations import method_name_sql, source_name_sql
from funnel_tui.money import round_half_up
from funnel_tui.settings import Settings
from funnel_tui.timestamps import to_stored

# The plan reads the rep's own recent history: the 90 local days ending on the as-of date.
LOOKBACK_DAYS = 90
# The least history each of the plan's figures is taken from; with less, its setting.
MIN_DEALS = 3
MIN_MEETING_LEADS = 5
MIN_CONNECTS = 10
MIN_CALLS = 30
HISTORY = "history"
DEFAULT = "default"
# Every key of `lost_reasons`, in the order they are shown: the reasons a rep picks, a
# `not_interested` without one, and the prospects the cadence gave up on.
UNSPECIFIED = "unspecified"
LOST_REASON_NAMES = (*(str(reason) for reason in PICKED_REASONS), UNSPECIFIED, "unreachable")

_CONNECTS = sql_list(sorted(CONNECT_OUTCOMES))
_METHOD = method_name_sql("c", "p")
_SOURCE = source_name_sql("p")
_GOOD_DEAL = f"{wrong_values_sql('deals', 'd.')} = 0"
_DEALS_IN = "d.closed_on >= :starts_on AND d.closed_on < :after_end"
_CALLS_IN = "c.started_at >= :start AND c.started_at < :end"


@dataclass(frozen=True)
class Breakdown:
    """Activity and results over the window for one selling method or one lead source."""

    name: str
    calls: int
    connects: int
    connect_rate: float
    leads: int
    reached: int
    # `meeting` calls.
    meetings: int
    meeting_rate: float | None
    # Deals closed in the window.
    won: int
    won_cents: int
    win_rate: float | None
    # The counts behind the rates, which the report shows beside them (`3/5 60%`) and
    # `report --json` leaves out: prospects with a `meeting` call (over `reached`),
    # prospects with a deal, and those with a deal or lost (the win rate's whole).
    meeting_leads: int = 0
    won_leads: int = 0
    decided_leads: int = 0

    def to_json(self) -> dict[str, Any]:
        """The row's documented keys (PRODUCT 9b), in order."""
        return {key: getattr(self, key) for key in BREAKDOWN_KEYS}


BREAKDOWN_KEYS = (
    "name",
    "calls",
    "connects",
    "connect_rate",
    "leads",
    "reached",
    "meetings",
    "meeting_rate",
    "won",
    "won_cents",
    "win_rate",
)


@dataclass(frozen=True)
class Plan:
    """The activity that closes the gap to the target: deals, meetings, connects and dials
    in total and per remaining business day, with the rates they come from."""

    remaining_cents: int
    avg_deal_cents: int
    rates: dict[str, float]
    rate_sources: dict[str, str]
    deals: int
    meetings: int
    connects: int
    dials: int
    per_day: dict[str, int | None]
    reachable_by_calls: bool | None

    def to_json(self) -> dict[str, Any]:
        return {
            "remaining_cents": self.remaining_cents,
            "avg_deal_cents": self.avg_deal_cents,
            "rates": dict(self.rates),
            "rate_sources": dict(self.rate_sources),
            "deals": self.deals,
            "meetings": self.meetings,
            "connects": self.connects,
            "dials": self.dials,
            "per_day": dict(self.per_day),
            "reachable_by_calls": self.reachable_by_calls,
        }


@dataclass(frozen=True)
class ManagerFigures:
    """The figures of PRODUCT 9b over the window (the pipeline's are on pace.Pipeline)."""

    calls: int
    connects: int
    connect_rate: float
    leads_worked: int
    reached: int
    meetings_booked: int
    meetings_held: int
    proposals: int
    meeting_rate: float | None
    # Prospects with a `meeting` call in the window: the funnel's "meeting" bar.
    meeting_leads: int
    # Prospects with a deal closed in the window: the funnel's "won" bar.
    won_leads: int
    deals_won: int
    win_rate: float | None
    avg_deal_cents: int | None
    sales_cycle_days_median: float | None
    speed_to_lead_hours_median: float | None
    talk_time_s: int
    avg_calls_per_day: float | None
    lost_reasons: dict[str, int]
    handed_back: list[dict[str, Any]]
    plan: Plan | None
    speed_to_lead_by_source: list[dict[str, Any]]


@dataclass(frozen=True)
class TodayActivity:
    """What the rep did on the as-of date, for the gauge's plan line."""

    dials: int
    connects: int
    meetings: int


@dataclass(frozen=True)
class Window:
    """Local days [first, after_last) as the dates deals close on and as the stored UTC
    moments calls start at."""

    first: date
    after_last: date
    start: str
    end: str

    @classmethod
    def of_days(cls, first: date, last: date, tz: tzinfo | None) -> Window:
        after_last = last + timedelta(days=1)
        return cls(
            first, after_last, local_midnight_utc(first, tz), local_midnight_utc(after_last, tz)
        )

    @property
    def params(self) -> dict[str, str]:
        return {
            "starts_on": self.first.isoformat(),
            "after_end": self.after_last.isoformat(),
            "start": self.start,
            "end": self.end,
        }


def local_midnight_utc(day: date, tz: tzinfo | None) -> str:
    """The stored form of the moment `day` begins in `tz` (the machine's zone when None)."""
    midnight = datetime.combine(day, time.min)
    return to_stored(midnight.astimezone() if tz is None else midnight.replace(tzinfo=tz))


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None over nothing (PRODUCT 9b)."""
    return part / whole if whole else None


def connect_rate(connects: int, calls: int) -> float:
    """Connects per call: 0.0 when there were no calls (the one ratio that is never None)."""
    return connects / calls if calls else 0.0


def one_decimal(value: Fraction) -> float:
    """Rounded half up to one decimal."""
    return float(Decimal(round_half_up(value * 10)) / 10)


def two_decimals(value: Fraction) -> float:
    """Rounded half up to two decimals."""
    return float(Decimal(round_half_up(value * 100)) / 100)


def median(values: Iterable[Fraction | int]) -> Fraction | None:
    """The middle value; of an even count, the mean of the two middle ones; None of none."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


# --- Leads: distinct prospects over the window, by method and by source -------------------

# One row per prospect and method it was called with in the window, with what its calls
# of that method reached; deals credit the method of the call that won them, else the
# prospect's.
LEADS_SQL = f"""
WITH leads AS MATERIALIZED (
    SELECT c.prospect_id AS prospect_id, {_METHOD} AS method, {_SOURCE} AS source,
        max(c.outcome IN ({_CONNECTS})) AS reached,
        max(c.outcome = '{Outcome.MEETING}') AS met,
        max(c.outcome = '{Outcome.NOT_INTERESTED}') AS refused
    FROM calls c JOIN prospects p ON p.id = c.prospect_id
    WHERE {_CALLS_IN}
    GROUP BY c.prospect_id, {_METHOD}
),
won AS MATERIALIZED (
    SELECT DISTINCT d.prospect_id AS prospect_id, {_METHOD} AS method
    FROM deals d JOIN prospects p ON p.id = d.prospect_id LEFT JOIN calls c ON c.id = d.call_id
    WHERE {_DEALS_IN} AND {_GOOD_DEAL}
)
SELECT 'method' AS side, method AS name, count(*) AS leads, sum(reached) AS reached,
    sum(met) AS met,
    sum(refused AND (prospect_id, method) NOT IN (SELECT prospect_id, method FROM won)) AS lost
FROM leads GROUP BY method
UNION ALL
SELECT 'source', source, count(*), sum(reached), sum(met),
    sum(refused AND prospect_id NOT IN (SELECT prospect_id FROM won))
FROM (
    SELECT prospect_id, source, max(reached) AS reached, max(met) AS met,
        max(refused) AS refused
    FROM leads GROUP BY prospect_id
)
GROUP BY source
"""

# The window's deals, each with the method and source it counts under and the prospect's
# first call ever (for the sales cycle).
DEALS_SQL = f"""
SELECT d.prospect_id, {_METHOD} AS method, {_SOURCE} AS source, d.amount_cents,
    coalesce(d.kind, '{DealKind.NEW}') AS kind, d.closed_on,
    (SELECT min(f.started_at) FROM calls f WHERE f.prospect_id = d.prospect_id) AS first_call
FROM deals d JOIN prospects p ON p.id = d.prospect_id LEFT JOIN calls c ON c.id = d.call_id
WHERE {_DEALS_IN} AND {_GOOD_DEAL}
"""

# Counted per call: the window's calls, connects and `meeting` calls come from call_days
# (pace.CALL_COUNTS_SQL); these are the rest.
_WRONG_DURATION = wrong_value_sql("calls", "duration_s", "c.")
CALL_TOTALS_SQL = f"""
SELECT count(*) FILTER (WHERE c.outcome = '{Outcome.MEETING_HELD}') AS meetings_held,
    count(*) FILTER (WHERE c.outcome = '{Outcome.PROPOSAL_SENT}') AS proposals,
    coalesce(sum(c.duration_s) FILTER (WHERE NOT {_WRONG_DURATION}), 0) AS talk_time_s,
    count(*) FILTER (WHERE {_WRONG_DURATION}) AS skipped
FROM calls c
WHERE {_CALLS_IN}
"""

# A reason stored as a BLOB cannot be read: it is left out and counted.
LOST_REASONS_SQL = f"""
SELECT CASE
        WHEN typeof(c.reason) = 'blob' THEN NULL
        WHEN c.reason IS NULL OR trim(c.reason) = '' THEN '{UNSPECIFIED}'
        WHEN c.reason IN ({sql_list(PICKED_REASONS)}) THEN c.reason
        ELSE '{LostReason.OTHER}' END AS reason,
    count(*) AS count
FROM calls c
WHERE c.outcome = '{Outcome.NOT_INTERESTED}' AND {_CALLS_IN}
GROUP BY 1
"""

_WRONG_NURTURED = wrong_value_sql("prospects", "nurtured_at", "p.")
# Prospects handed back to nurture in the window, by source, with those the cadence gave
# up on; and the nurture dates that cannot be read, which may belong to any window.
HANDED_BACK_SQL = f"""
SELECT {_SOURCE} AS source, count(*) AS count,
    count(*) FILTER (WHERE p.lost_reason = '{LostReason.UNREACHABLE}') AS unreachable
FROM prospects p
WHERE p.nurtured_at >= :start AND p.nurtured_at < :end AND NOT {_WRONG_NURTURED}
GROUP BY 1
"""
UNREADABLE_NURTURED_SQL = f"""
SELECT count(*) FROM prospects p WHERE p.nurtured_at IS NOT NULL AND {_WRONG_NURTURED}
"""

# Speed to lead: the prospects whose first call ever falls in the window, with the
# seconds from their creation to it (NULL when created_at cannot be read).
FIRST_CALLS_SQL = f"""
SELECT source, CAST(strftime('%s', first_call) AS INTEGER)
        - CAST(strftime('%s', created_at) AS INTEGER) AS seconds
FROM (
    SELECT {_SOURCE} AS source, p.created_at,
        (SELECT min(f.started_at) FROM calls f WHERE f.prospect_id = p.id) AS first_call
    FROM prospects p
    WHERE p.last_called_at >= :start
)
WHERE first_call >= :start AND first_call < :end
"""


def _breakdown(
    name: str, calls: Mapping[str, int], leads: Mapping[str, int], deals: tuple[int, int, int]
) -> Breakdown:
    won, won_cents, won_leads = deals
    lost = leads.get("lost", 0)
    return Breakdown(
        name=name,
        calls=calls.get("calls", 0),
        connects=calls.get("connects", 0),
        connect_rate=connect_rate(calls.get("connects", 0), calls.get("calls", 0)),
        leads=leads.get("leads", 0),
        reached=leads.get("reached", 0),
        meetings=calls.get("meetings", 0),
        meeting_rate=ratio(leads.get("met", 0), leads.get("reached", 0)),
        won=won,
        won_cents=won_cents,
        win_rate=ratio(won_leads, won_leads + lost),
        meeting_leads=leads.get("met", 0),
        won_leads=won_leads,
        decided_leads=won_leads + lost,
    )


def _ordered(rows: Iterable[Breakdown]) -> tuple[Breakdown, ...]:
    """Most deals first, then most leads, then by name."""
    return tuple(sorted(rows, key=lambda row: (-row.won, -row.leads, row.name)))


@dataclass(frozen=True)
class _Deal:
    prospect_id: int
    method: str
    source: str
    cents: int
    kind: str
    closed_on: date
    first_call: str | None


def _deal_totals(deals: list[_Deal], side: str) -> dict[str, tuple[int, int, int]]:
    """(deals, cents, distinct prospects) by the deals' method or source."""
    totals: dict[str, tuple[int, int, set[int]]] = {}
    for deal in deals:
        count, cents, prospects = totals.get(getattr(deal, side), (0, 0, set()))
        prospects.add(deal.prospect_id)
        totals[getattr(deal, side)] = (count + 1, cents + deal.cents, prospects)
    return {name: (count, cents, len(ids)) for name, (count, cents, ids) in totals.items()}


def _cycle_days(deal: _Deal, tz: tzinfo | None) -> int:
    """Calendar days from the prospect's first call ever (its local day) to the close."""
    if deal.first_call is None:
        return 0
    try:
        first = datetime.fromisoformat(deal.first_call)
    except ValueError:
        return 0
    first_day = (first.astimezone() if tz is None else first.astimezone(tz)).date()
    return max(0, (deal.closed_on - first_day).days)


def _breakdowns(
    calls: Mapping[str, Mapping[str, int]],
    leads: Mapping[str, Mapping[str, int]],
    deals: Mapping[str, tuple[int, int, int]],
) -> tuple[Breakdown, ...]:
    names = set(calls) | set(leads) | set(deals)
    return _ordered(
        _breakdown(name, calls.get(name, {}), leads.get(name, {}), deals.get(name, (0, 0, 0)))
        for name in names
    )


@dataclass(frozen=True)
class WindowFigures:
    """The figures of the window and its two breakdowns, with the values left out."""

    figures: ManagerFigures
    by_method: tuple[Breakdown, ...]
    by_source: tuple[Breakdown, ...]
    skipped: int


def load_window_figures(
    db: sqlite_utils.Database,
    window: Window,
    *,
    call_counts: Mapping[str, Mapping[str, Mapping[str, int]]],
    business_days_in_window: int,
    plan: Plan | None,
    tz: tzinfo | None = None,
) -> WindowFigures:
    """Every 9b figure over `window`; `call_counts` holds the per-call counts by `method`
    and by `source` (calls, connects, meetings), as pace reads them from call_days."""
    params = window.params
    lead_rows: dict[str, dict[str, dict[str, int]]] = {"method": {}, "source": {}}
    for row in db.query(LEADS_SQL, params):
        lead_rows[row["side"]][row["name"]] = row
    deals = [
        _Deal(
            row["prospect_id"],
            row["method"],
            row["source"],
            row["amount_cents"],
            row["kind"],
            date.fromisoformat(row["closed_on"]),
            row["first_call"],
        )
        for row in db.query(DEALS_SQL, params)
    ]
    by_method = _breakdowns(
        call_counts["method"], lead_rows["method"], _deal_totals(deals, "method")
    )
    by_source = _breakdowns(
        call_counts["source"], lead_rows["source"], _deal_totals(deals, "source")
    )
    totals = db.execute(CALL_TOTALS_SQL, params).fetchone()
    meetings_held, proposals, talk_time_s, wrong_durations = totals
    lost_reasons = dict.fromkeys(LOST_REASON_NAMES, 0)
    unreadable_reasons = 0
    for reason, count in db.execute(LOST_REASONS_SQL, params).fetchall():
        if reason is None:
            unreadable_reasons += count
        else:
            lost_reasons[reason] += count
    handed_back = []
    for source, count, unreachable in db.execute(HANDED_BACK_SQL, params).fetchall():
        handed_back.append({"source": source, "count": count})
        lost_reasons["unreachable"] += unreachable
    handed_back.sort(key=lambda row: (-row["count"], row["source"]))
    unreadable_nurtured = db.execute(UNREADABLE_NURTURED_SQL).fetchone()[0]
    speed = _speed_to_lead(db, params)
    calls = sum(row.calls for row in by_source)
    connects = sum(row.connects for row in by_source)
    reached = sum(row.reached for row in by_source)
    won_cents = sum(deal.cents for deal in deals)
    won_leads = len({deal.prospect_id for deal in deals})
    lost = sum(row.get("lost", 0) for row in lead_rows["source"].values())
    cycle = median(_cycle_days(deal, tz) for deal in deals if deal.kind == DealKind.NEW)
    figures = ManagerFigures(
        calls=calls,
        connects=connects,
        connect_rate=connect_rate(connects, calls),
        leads_worked=sum(row.leads for row in by_source),
        reached=reached,
        meetings_booked=sum(row.meetings for row in by_source),
        meetings_held=meetings_held,
        proposals=proposals,
        meeting_rate=ratio(sum(row.get("met", 0) for row in lead_rows["source"].values()), reached),
        meeting_leads=sum(row.get("met", 0) for row in lead_rows["source"].values()),
        won_leads=won_leads,
        deals_won=len(deals),
        win_rate=ratio(won_leads, won_leads + lost),
        avg_deal_cents=round_half_up(Fraction(won_cents, len(deals))) if deals else None,
        sales_cycle_days_median=None if cycle is None else one_decimal(cycle),
        speed_to_lead_hours_median=speed.overall,
        talk_time_s=talk_time_s,
        avg_calls_per_day=(
            two_decimals(Fraction(calls, business_days_in_window))
            if business_days_in_window
            else None
        ),
        lost_reasons=lost_reasons,
        handed_back=handed_back,
        plan=plan,
        speed_to_lead_by_source=speed.by_source,
    )
    return WindowFigures(
        figures,
        by_method,
        by_source,
        wrong_durations + unreadable_reasons + unreadable_nurtured + speed.skipped,
    )


@dataclass(frozen=True)
class _Speed:
    overall: float | None
    by_source: list[dict[str, Any]]
    skipped: int


def _speed_to_lead(db: sqlite_utils.Database, params: Mapping[str, str]) -> _Speed:
    """Median hours from a prospect's creation to its first call ever, over the prospects
    first called in the window, overall and by source (a negative wait counts 0)."""
    waits: dict[str, list[int]] = {}
    skipped = 0
    for source, seconds in db.execute(FIRST_CALLS_SQL, params).fetchall():
        if seconds is None:
            skipped += 1
        else:
            waits.setdefault(source, []).append(max(0, seconds))

    def hours(values: Iterable[int]) -> float | None:
        middle = median(values)
        return None if middle is None else one_decimal(middle / 3600)

    by_source = [
        {"source": source, "hours_median": hours(values)}
        for source, values in sorted(waits.items())
    ]
    everyone = [seconds for values in waits.values() for seconds in values]
    return _Speed(hours(everyone), by_source, skipped)


# --- The plan ---------------------------------------------------------------------------

LOOKBACK_CALLS_SQL = f"""
SELECT count(*) AS calls, count(*) FILTER (WHERE c.outcome IN ({_CONNECTS})) AS connects,
    count(*) FILTER (WHERE c.outcome = '{Outcome.MEETING}') AS meetings
FROM calls c
WHERE {_CALLS_IN}
"""

# Prospects with a `meeting` call in the lookback, and how many of them have a deal
# closed in it.
LOOKBACK_MEETING_LEADS_SQL = f"""
SELECT count(*) AS leads, coalesce(sum(EXISTS (
    SELECT 1 FROM deals d
    WHERE d.prospect_id = m.prospect_id AND {_DEALS_IN} AND {_GOOD_DEAL}
)), 0) AS won
FROM (
    SELECT DISTINCT c.prospect_id FROM calls c
    WHERE c.outcome = '{Outcome.MEETING}' AND {_CALLS_IN}
) m
"""

LOOKBACK_DEALS_SQL = f"""
SELECT count(*), coalesce(sum(d.amount_cents), 0) FROM deals d
WHERE {_DEALS_IN} AND {_GOOD_DEAL}
"""

_OPEN_VALUE = (
    f"stage IN ({sql_list(PIPELINE_STAGES)}) AND deal_value_cents > 0"
    f" AND NOT {wrong_value_sql('prospects', 'deal_value_cents')}"
)
OPEN_VALUES_COUNT_SQL = (
    f"SELECT count(*) FROM prospects INDEXED BY prospects_pipeline WHERE {_OPEN_VALUE}"
)
OPEN_VALUES_MIDDLE_SQL = f"""
SELECT deal_value_cents FROM prospects INDEXED BY prospects_pipeline WHERE {_OPEN_VALUE}
ORDER BY deal_value_cents LIMIT :take OFFSET :skip
"""


def median_open_value(db: sqlite_utils.Database) -> int:
    """The median value of the open opportunities in whole cents (half up), else 0."""
    count = db.execute(OPEN_VALUES_COUNT_SQL).fetchone()[0]
    if not count:
        return 0
    params = {"take": 2 - count % 2, "skip": (count - 1) // 2}
    middle = median(row[0] for row in db.execute(OPEN_VALUES_MIDDLE_SQL, params).fetchall())
    return round_half_up(middle) if middle is not None else 0


def _rate(part: int, whole: int, minimum: int, default: Fraction) -> tuple[Fraction, str]:
    """part / whole from history when whole reaches `minimum` and the rate is not 0."""
    if whole >= minimum and part > 0:
        return Fraction(part, whole), HISTORY
    return default, DEFAULT


def _per_day(total: int, days: int) -> int | None:
    return math.ceil(Fraction(total, days)) if days else None


def load_plan(
    db: sqlite_utils.Database,
    *,
    today: date,
    remaining_cents: int,
    remaining_business_days: int,
    daily_call_goal: int,
    settings: Settings,
    tz: tzinfo | None = None,
) -> Plan | None:
    """The deals, meetings, connects and dials that close `remaining_cents`, from the rates
    of the last LOOKBACK_DAYS local days (or the settings where the history is too thin);
    None when the size of a deal is unknown."""
    lookback = Window.of_days(today - timedelta(days=LOOKBACK_DAYS - 1), today, tz)
    params = lookback.params
    deal_count, deal_cents = db.execute(LOOKBACK_DEALS_SQL, params).fetchone()
    if deal_count >= MIN_DEALS and deal_cents > 0:
        avg_deal, avg_source = round_half_up(Fraction(deal_cents, deal_count)), HISTORY
    else:
        avg_source = DEFAULT
        avg_deal = settings.plan_avg_deal
        if avg_deal is None:
            avg_deal = median_open_value(db)
    if not avg_deal:
        return None
    calls, connects, meeting_calls = db.execute(LOOKBACK_CALLS_SQL, params).fetchone()
    meeting_leads, meeting_won = db.execute(LOOKBACK_MEETING_LEADS_SQL, params).fetchone()
    win, win_source = _rate(
        meeting_won, meeting_leads, MIN_MEETING_LEADS, Fraction(settings.plan_win_rate)
    )
    meeting, meeting_source = _rate(
        meeting_calls, connects, MIN_CONNECTS, Fraction(settings.plan_meeting_rate)
    )
    connect, connect_source = _rate(
        connects, calls, MIN_CALLS, Fraction(settings.plan_connect_rate)
    )
    deals = math.ceil(Fraction(remaining_cents, avg_deal))
    meetings = math.ceil(deals / win)
    connects_needed = math.ceil(meetings / meeting)
    dials = math.ceil(connects_needed / connect)
    days = remaining_business_days
    per_day = {
        "deals": _per_day(deals, days),
        "meetings": _per_day(meetings, days),
        "connects": _per_day(connects_needed, days),
        "dials": _per_day(dials, days),
    }
    return Plan(
        remaining_cents=remaining_cents,
        avg_deal_cents=avg_deal,
        rates={"win": float(win), "meeting": float(meeting), "connect": float(connect)},
        rate_sources={
            "avg_deal": avg_source,
            "win": win_source,
            "meeting": meeting_source,
            "connect": connect_source,
        },
        deals=deals,
        meetings=meetings,
        connects=connects_needed,
        dials=dials,
        per_day=per_day,
        reachable_by_calls=None if not days else per_day["dials"] <= daily_call_goal,
    )


TODAY_SQL = f"""
SELECT count(*), count(*) FILTER (WHERE c.outcome IN ({_CONNECTS})),
    count(*) FILTER (WHERE c.outcome = '{Outcome.MEETING}')
FROM calls c
WHERE {_CALLS_IN}
"""


def load_today_activity(
    db: sqlite_utils.Database, today: date, tz: tzinfo | None = None
) -> TodayActivity:
    """Dials, connects and `meeting` calls on the as-of date, in local time."""
    dials, connects, meetings = db.execute(
        TODAY_SQL, Window.of_days(today, today, tz).params
    ).fetchone()
    return TodayActivity(dials, connects, meetings)
