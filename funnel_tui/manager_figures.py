"""What a sales manager reads: every figure of PRODUCT section 9b, computed once.

`funnel report`, `report --json`, the gauge's plan line and the pace screen all read
these. The *window* is the period's first day to the as-of date in the rep's local days;
calls are counted per call, leads per distinct prospect. Ratios over nothing are None
(connect rates are then 0.0), money is whole cents and decimals are rounded half up.
"""

from __future__ import annotations

import io
import json
import math
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from funnel_tui.domain import (
    NO_SOURCE,
    PICKED_REASONS,
    PIPELINE_STAGES,
    DealKind,
    LostReason,
    Outcome,
    method_used,
    sql_list,
)
from funnel_tui.figure_sql import (
    CONNECTS,
    MET,
    REFUSED,
    call_day_count,
    call_started_sql,
    calls_in_window_sql,
    calls_of_window_sql,
    good_deal_sql,
    has_call_sql,
    indexed_by,
    lead_flags_sql,
    marked_sql,
    met_in_window_sql,
    method_sql,
    of_rep,
    source_sql,
)
from funnel_tui.foreign_values import (
    fold_all,
    other_form_sql,
    read_all,
    stored_moment_sql,
    wrong_value_sql,
)
from funnel_tui.money import round_half_up
from funnel_tui.rep_figures import (
    rep_first_calls,
    rep_leads,
    rep_meeting_leads,
)
from funnel_tui.rep_rows import FigureRows, RepStatement, Whose
from funnel_tui.schema_v4 import (
    CALL_DAY_COUNTS,
    UNREADABLE_DAY,
    UNSPECIFIED_REASON,
)
from funnel_tui.schema_v22 import GROUP as LEAD_GROUP
from funnel_tui.settings import Settings
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.snapshot import one_snapshot
from funnel_tui.store.sql import (
    JOIN_IN_ORDER,
    JSON_PAIRS,
    NUMBER_LIST,
    PAIR_ID,
    Variants,
    in_dialect,
    per_dialect,
)
from funnel_tui.timestamps import to_stored

if TYPE_CHECKING:
    import sqlite_utils

# The plan reads the rep's own recent history: the 90 local days ending on the as-of date.
LOOKBACK_DAYS = 90
# The least history each of the plan's figures is taken from; with less, its setting.
MIN_DEALS = 3
MIN_MEETING_LEADS = 5
MIN_CONNECTS = 10
MIN_CALLS = 30
HISTORY = "history"
DEFAULT = "default"
# A deal's size from the median of the open opportunities, with no setting to go by.
OPEN_PIPELINE = "open pipeline"
# Every key of `lost_reasons`, in the order they are shown: the reasons a rep picks, a
# `not_interested` without one, and the prospects the cadence gave up on.
LOST_REASON_NAMES = (
    *(str(reason) for reason in PICKED_REASONS),
    UNSPECIFIED_REASON,
    str(LostReason.UNREACHABLE),
)


def _deals_in(whose: Whose) -> str:
    """The window's deals: a rep's own in a team's book (`:rep`), else all."""
    return f"d.closed_on >= :starts_on AND d.closed_on < :after_end AND {whose.of('d.rep')}"


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
            # PRODUCT 9b marks each rate `history` or `default`: the median of the open
            # opportunities is the average deal's default, with no setting given.
            "rate_sources": {
                rate: DEFAULT if source == OPEN_PIPELINE else source
                for rate, source in self.rate_sources.items()
            },
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
    # Emails sent (or handed to the mail app) in the window: never counted as calls.
    emails: int
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
            "start_day": self.start[:10],
            "after_end_day": _day_after_moment(self.end),
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


def median_of_sorted(runs: Sequence[Sequence[int]]) -> Fraction | None:
    """`median` of every number in `runs`, each of them sorted, without merging them: the
    middle values are found by halving the range of values, counting those at most a value
    in each run by bisection. A big book's year has hundreds of thousands of them."""
    runs = [run for run in runs if run]
    count = sum(map(len, runs))
    if not count:
        return None

    def at(rank: int) -> int:
        """The value with `rank` values before it in the runs merged."""
        low, high = min(run[0] for run in runs), max(run[-1] for run in runs)
        while low < high:
            middle = (low + high) // 2
            if sum(bisect_right(run, middle) for run in runs) > rank:
                high = middle
            else:
                low = middle + 1
        return low

    if count % 2:
        return Fraction(at(count // 2))
    return Fraction(at(count // 2 - 1) + at(count // 2), 2)


# --- Counted per call: call_days for the whole UTC days, the calls at the edges ---------

_COUNT_COLUMNS = tuple(CALL_DAY_COUNTS)
# The counts of the breakdowns; the others are read as totals only.
_ROW_COUNTS = ("calls", "connects", "meetings")
_WHOLE_DAYS = "day >= :first_day AND day < :after_last_day"


@dataclass(frozen=True)
class _Counted:
    """Where a window's calls are counted: the table of whole days and the condition on
    its rows and on the calls at the edges; for every rep, each row led by its rep."""

    table: str
    whose: str = ""
    edge_whose: str = ""
    key: str = ""
    group: str = ""
    edge_key: str = ""
    edge_group: str = ""

    @classmethod
    def of_reps(cls, whose: Whose) -> _Counted:
        """A rep's own counts (`:rep`), or every rep's: rep_call_days, and their calls
        at the edges."""
        return cls(
            "rep_call_days",
            f"{whose.of_rep('rep')} AND ",
            f" AND {whose.of_rep('c.rep')}",
            whose.key("rep"),
            whose.group("rep"),
            whose.key("c.rep"),
            whose.group("c.rep"),
        )


_BOOK = _Counted("call_days")


def _by_row_sql(counted: _Counted) -> str:
    # Group by the expression itself: in GROUP BY, SQLite reads `name` as prospects.name.
    return f"""
SELECT {counted.key}method, source,
    {", ".join(f"sum({column}) AS {column}" for column in _ROW_COUNTS)}
FROM {counted.table} WHERE {counted.whose}{_WHOLE_DAYS}
GROUP BY {counted.group}method, source
"""


def _totals_sql(columns: Iterable[str], counted: _Counted) -> str:
    sums = ", ".join(f"coalesce(sum({column}), 0) AS {column}" for column in columns)
    by_rep = f" GROUP BY {counted.group.removesuffix(', ')}" if counted.group else ""
    return (
        f"SELECT {counted.key}{sums} FROM {counted.table}"
        f" WHERE {counted.whose}{_WHOLE_DAYS}{by_rep}"
    )


def _edge_calls_sql(
    columns: Iterable[str],
    counted: _Counted,
    dialect: Dialect,
    *,
    outside: bool = False,
    in_total: bool = False,
) -> str:
    """The calls of the partial UTC days at the window's two edges, counted as call_days
    does: those in the window, or with `outside` those of an edge day counted whole
    (call_days) that are not. By method and source, or with `in_total` (the plan's and the
    gauge's counts) in total."""
    if dialect is Dialect.POSTGRESQL:
        calls, where = _ranges_of_calls(_OUTSIDE_RANGES if outside else _EDGE_RANGES, counted), ""
    else:
        calls = "calls c"
        where = f"WHERE {_outside_sql() if outside else _edges_sql()}{counted.edge_whose}"
    if in_total:
        # One row (one a rep for every rep), 0 when no call is read.
        keys, grouped, summed = "", counted.edge_group.removesuffix(", "), "coalesce(sum({}), 0)"
    else:
        method, source = method_sql(dialect), source_sql(dialect)
        keys = f"{method} AS method, {source} AS source, "
        grouped, summed = f"{counted.edge_group}{method}, {source}", "sum({})"
    sums = ", ".join(
        f"{summed.format(call_day_count(column, dialect))} AS {column}" for column in columns
    )
    return f"""
SELECT {counted.edge_key}{keys}{sums}
FROM {calls} JOIN prospects p ON p.id = c.prospect_id
{where}
{f"GROUP BY {grouped}" if grouped else ""}
"""


# On PostgreSQL, the calls of the window in its partial first and last UTC days are two
# ranges of an index of the calls' moments in the stored form (call_started_sql), each cut
# to the window; those of an edge day counted whole outside the window, the day's part
# before the window's start and after its end (by which call_days counts a day). Empty
# ranges for an edge read the other way.
_EDGE_RANGES = (("start", "first_edge_end"), ("last_edge_start", "end"))
_OUTSIDE_RANGES = (("first_out_from", "first_out_to"), ("last_out_from", "last_out_to"))


def _ranges_of_calls(ranges: Iterable[tuple[str, str]], counted: _Counted) -> str:
    """The calls (`c`) in the ranges, disjoint, each read as a range of the index on its
    own: joined by OR, the planner may read every call of a rep and test each."""
    started = call_started_sql(Dialect.POSTGRESQL)
    branches = " UNION ALL ".join(
        f"SELECT * FROM calls c WHERE {started} >= :{low} AND {started} < :{high}"
        f"{counted.edge_whose}"
        for low, high in ranges
    )
    return f"({branches}) AS c"


def _edges_sql() -> str:
    """The calls of the window in its partial first and last UTC days, in a SQLite file:
    the days' calls by their text, each one's moment compared with the window."""
    return f"""(c.started_at >= :start_day AND c.started_at < :first_day
       OR c.started_at >= :after_last_day AND c.started_at < :after_end_day)
   AND {calls_in_window_sql(Dialect.SQLITE)}"""


def _outside_sql() -> str:
    """The calls of an edge day counted whole that are not in the window, in a SQLite
    file, which counts a call on the day its text begins with (:first_other_from to
    :first_other_to, :last_other_from to :last_other_to: the days' texts; empty ranges for
    an edge read as its calls in the window). The calls in funnel's form, whose text sorts
    as their moment, are a range of calls_started from the day's text to the window's start
    (:first_out_to) and from its end (:last_out_from) to the next day's text: a date alone
    or with a space sorts before its day's midnight in funnel's form. Those in another
    form are read from calls_other_forms by their day. Each is compared with the window.
    (:first_out_from and :last_out_to, the days' midnights, are PostgreSQL's alone.)"""
    other = other_form_sql("c.started_at")
    return f"""(c.started_at >= :first_other_from AND c.started_at < :first_out_to
       OR c.started_at >= :last_out_from AND c.started_at < :last_other_to
       OR {other} AND c.started_at >= :first_other_from AND c.started_at < :first_other_to
       OR {other} AND c.started_at >= :last_other_from AND c.started_at < :last_other_to)
   AND NOT {calls_in_window_sql(Dialect.SQLITE)}"""


@dataclass(frozen=True)
class CountQueries:
    """The statements that count a window's calls: the whole days' rows by method and
    source and their totals, the calls at the edges; and the plan's, of its rates only."""

    by_row: str
    totals: str
    edges: Variants
    outside: Variants
    rate_totals: str
    rate_edges: Variants
    rate_outside: Variants


@dataclass(frozen=True)
class RepCountQueries:
    """CountQueries of a rep's own calls, as one report reads them and for every rep."""

    by_row: RepStatement
    totals: RepStatement
    edges: RepStatement
    outside: RepStatement
    rate_totals: RepStatement
    rate_edges: RepStatement
    rate_outside: RepStatement


def _of_reps(build: Callable[[_Counted, Dialect], str]) -> RepStatement:
    return RepStatement(lambda dialect, whose: build(_Counted.of_reps(whose), dialect))


BOOK_COUNTS = CountQueries(
    _by_row_sql(_BOOK),
    _totals_sql(_COUNT_COLUMNS, _BOOK),
    per_dialect(lambda dialect: _edge_calls_sql(_COUNT_COLUMNS, _BOOK, dialect)),
    per_dialect(lambda dialect: _edge_calls_sql(_COUNT_COLUMNS, _BOOK, dialect, outside=True)),
    _totals_sql(_ROW_COUNTS, _BOOK),
    per_dialect(lambda dialect: _edge_calls_sql(_ROW_COUNTS, _BOOK, dialect, in_total=True)),
    per_dialect(
        lambda dialect: _edge_calls_sql(_ROW_COUNTS, _BOOK, dialect, outside=True, in_total=True)
    ),
)
REP_COUNTS = RepCountQueries(
    _of_reps(lambda counted, _: _by_row_sql(counted)),
    _of_reps(lambda counted, _: _totals_sql(_COUNT_COLUMNS, counted)),
    _of_reps(lambda counted, dialect: _edge_calls_sql(_COUNT_COLUMNS, counted, dialect)),
    _of_reps(
        lambda counted, dialect: _edge_calls_sql(_COUNT_COLUMNS, counted, dialect, outside=True)
    ),
    _of_reps(lambda counted, _: _totals_sql(_ROW_COUNTS, counted)),
    _of_reps(
        lambda counted, dialect: _edge_calls_sql(_ROW_COUNTS, counted, dialect, in_total=True)
    ),
    _of_reps(
        lambda counted, dialect: _edge_calls_sql(
            _ROW_COUNTS, counted, dialect, outside=True, in_total=True
        )
    ),
)
CALL_DAYS_BY_ROW_SQL = BOOK_COUNTS.by_row
CALL_DAYS_TOTALS_SQL = BOOK_COUNTS.totals
EDGE_CALLS_SQL = BOOK_COUNTS.edges


def _is_utc_midnight(moment: str) -> bool:
    return moment[10:] == "T00:00:00+00:00"


def _day_after_moment(moment: str) -> str:
    """The first UTC day none of whose moments comes before `moment` (a stored one)."""
    day = date.fromisoformat(moment[:10])
    return (day if _is_utc_midnight(moment) else day + timedelta(days=1)).isoformat()


def _whole_days(start: str, end: str) -> tuple[str, str]:
    """The UTC days lying wholly inside the window [start, end), as the bounds
    [first, after_last) of their `YYYY-MM-DD` strings.

    Any text sorts at or after a day's string exactly when its first ten characters do,
    so the calls of those days are the calls in [first, after_last), whatever text other
    tools stored. The edges are the rest of the window's first and last UTC days, each of
    whose calls is compared with the window in the stored form: the first day is whole
    when the window starts at its midnight. A window within one UTC day (the first day of
    a period, as of that day, can be one) may have no whole day at all.
    """
    first = _day_after_moment(start)
    return (first, first) if first > end[:10] else (first, end[:10])


@dataclass(frozen=True)
class CallCounts:
    """The window's calls counted per call: the breakdowns' counts (calls, connects,
    meetings) by method and by source, and every count of call_days in total."""

    by_method: dict[str, dict[str, int]]
    by_source: dict[str, dict[str, int]]
    totals: dict[str, int]


def call_counts(
    db: sqlite_utils.Database,
    window: Window,
    *,
    by_row: bool = True,
    rep: str | None = None,
    rows: FigureRows | None = None,
) -> CallCounts:
    """call_days for the UTC days wholly inside the window, the calls themselves for the
    partial days at its edges; `rep`'s own calls alone (rep_call_days and theirs at the
    edges), read from `rows` when given. `by_row=False` (the plan, the gauge) counts only
    calls, connects and meetings, and only in total.

    A partial day whose part in the window is the longer (the window starts before noon
    UTC, or ends after it) is counted whole from call_days, less its calls outside the
    window: under 12 hours of them at each edge, between the window's local midnight and
    the UTC one. Within a few hours of UTC those are the hours a rep calls least, so a
    day's window (the gauge's today) reads few of its calls; nine or more hours from UTC
    they may be working hours of the day before or after, and are still under half a day."""
    columns = _COUNT_COLUMNS if by_row else _ROW_COUNTS
    rows = rows or FigureRows(db, rep)
    params = count_params(window, rows.rep)
    if rows.rep is None:
        queries = BOOK_COUNTS
        found = list(db.query(queries.by_row, params)) if by_row else []
        edges_sql = queries.edges if by_row else queries.rate_edges
        edges = list(db.query(edges_sql.for_db(db), params))
        outside_sql = queries.outside if by_row else queries.rate_outside
        outside = list(db.query(outside_sql.for_db(db), params)) if _reads_outside(params) else []
        totals = dict(next(db.query(queries.totals if by_row else queries.rate_totals, params)))
    else:
        found = rows.dicts(REP_COUNTS.by_row, params) if by_row else []
        edges = rows.dicts(REP_COUNTS.edges if by_row else REP_COUNTS.rate_edges, params)
        outside = (
            rows.dicts(REP_COUNTS.outside if by_row else REP_COUNTS.rate_outside, params)
            if _reads_outside(params)
            else []
        )
        totals_of_rep = rows.dicts(REP_COUNTS.totals if by_row else REP_COUNTS.rate_totals, params)
        totals = totals_of_rep[0] if totals_of_rep else dict.fromkeys(columns, 0)
    less = [{**row, **{column: -row[column] for column in columns}} for row in outside]
    for row in (*edges, *less):
        for column in columns:
            totals[column] += row[column]
    return _by_side([*found, *edges, *less] if by_row else [], totals)


# Empty ranges of the calls outside the window (an edge read as its calls in it).
_NOTHING_OUTSIDE = {
    f"{edge}_{part}_{bound}": ""
    for edge in ("first", "last")
    for part in ("out", "other")
    for bound in ("from", "to")
}


def _utc_midnight(day: str) -> str:
    return f"{day}T00:00:00+00:00"


def count_params(window: Window, rep: str | None) -> dict[str, Any]:
    """The values of the statements that count the window's calls (of `rep`'s): the days
    call_days counts [first_day, after_last_day), the edges' calls in the window, and of
    an edge day counted whole, its calls outside the window (_outside_sql)."""
    start, end = window.start, window.end
    first_day, after_last_day = _whole_days(start, end)
    start_day, after_end_day = start[:10], _day_after_moment(end)
    outside = dict(_NOTHING_OUTSIDE)
    # The first day counted whole when its part in the window is the longer and the window
    # holds the rest of it (a window within one UTC day keeps its calls in it).
    if start_day < first_day and start[11:13] < "12" and end >= _utc_midnight(first_day):
        outside |= {
            "first_out_from": _utc_midnight(start_day),
            "first_out_to": start,
            "first_other_from": start_day,
            "first_other_to": first_day,
        }
        first_day = start_day
    last_day = after_last_day
    if last_day < after_end_day and end[11:13] >= "12" and start <= _utc_midnight(last_day):
        outside |= {
            "last_out_from": end,
            "last_out_to": _utc_midnight(after_end_day),
            "last_other_from": last_day,
            "last_other_to": after_end_day,
        }
        after_last_day = after_end_day
    return {
        **window.params,
        "first_day": first_day,
        "after_last_day": after_last_day,
        # Day strings and stored moments sort together: the edges cut to the window.
        "first_edge_end": min(first_day, end),
        "last_edge_start": max(after_last_day, start),
        **outside,
        "rep": rep,
    }


def _reads_outside(params: Mapping[str, Any]) -> bool:
    """Whether an edge day is counted whole, so that its calls outside the window are read."""
    return any(params[name] for name in _NOTHING_OUTSIDE)


def calls_by_rep(
    db: sqlite_utils.Database, window: Window, every_rep: FigureRows
) -> dict[str | None, dict[str, int]]:
    """Every count of call_days over the window for each rep who logged a call in it, as
    call_counts counts a rep's, read from `every_rep` (a team report's rows, every rep's
    read at once); the rest of the book's counts under None: the calls logged with no rep
    (NULL; a blank rep's are under its text). Read from the day counts and the calls at
    the window's edges, not from every call of the window, so the calls a rep's report
    leaves out (of a deleted prospect, at a moment that does not read) are left out here
    too, and the reps' counts and None's add up to the book's."""
    params = count_params(window, None)
    found: dict[str | None, dict[str, int]] = {}
    statements = [(REP_COUNTS.totals, 1), (REP_COUNTS.edges, 1)]
    if _reads_outside(params):
        statements.append((REP_COUNTS.outside, -1))
    for statement, sign in statements:
        columns, by_rep = every_rep.by_rep(statement, params)
        for rep, rep_rows in by_rep.items():
            total = found.setdefault(rep, dict.fromkeys(_COUNT_COLUMNS, 0))
            for row in rep_rows:
                for column, value in zip(columns, row, strict=True):
                    if column in total:
                        total[column] += sign * (value or 0)
    book = call_counts(db, window).totals
    found[None] = {
        column: book[column] - sum(total[column] for total in found.values())
        for column in _COUNT_COLUMNS
    }
    return found


def _by_side(rows: Iterable[Mapping[str, Any]], totals: dict[str, int]) -> CallCounts:
    """The counts of `rows` (one per method and source) by method and by source. A name
    whose calls all lay outside the window (a day counted whole, less its calls outside
    it) adds up to nothing and is left out, as if its calls had not been read."""
    by_side: tuple[dict[str, dict[str, int]], ...] = ({}, {})
    for row in rows:
        for side, name in zip(by_side, (row["method"], row["source"]), strict=True):
            total = side.setdefault(name, dict.fromkeys(_ROW_COUNTS, 0))
            for column in _ROW_COUNTS:
                total[column] += row[column]
    by_method, by_source = (
        {name: counts for name, counts in side.items() if any(counts.values())} for side in by_side
    )
    return CallCounts(by_method=by_method, by_source=by_source, totals=totals)


# --- Leads: distinct prospects over the window, by method and by source -------------------


# By source (per prospect: per_method 0) and by method (a prospect whose calls all count
# under one method by its only_method, one called with several per method: per_method
# 1): the prospects worked, reached, with a `meeting` call and with a `not_interested`
# one. Only the prospects called since the window began count; the marks are read in the
# order of the groups, so nothing is sorted. What a window with many calls after it
# reads; the others read the same counts from lead_mark_days and the marks at the
# window's edges (LEAD_DAYS_SQL, LEAD_EDGES_SQL), which the tests hold to this.
def _leads_sql(dialect: Dialect, *, per_method_only: bool = False) -> str:
    return f"""
SELECT per_method, method, only_method, source, sum(worked) AS leads,
    sum(reached) AS reached, sum(met) AS met, sum(refused) AS refused
FROM (
    SELECT m.per_method, m.method, m.only_method, m.source, {lead_flags_sql(dialect)}
    FROM lead_marks m {indexed_by("lead_marks_grouped", dialect)}
    WHERE {"m.per_method = 1 AND " if per_method_only else ""}m.last_call_at >= :start
) AS marks
GROUP BY per_method, method, only_method, source
"""


LEADS_SQL = per_dialect(_leads_sql)


def _in_window(condition: str) -> str:
    return f"max(CASE WHEN {condition} THEN 1 ELSE 0 END)"


# LEADS_SQL's counts from the window's calls, for a window with many calls after it: the
# calls grouped by prospect, one pass over a range of the calls by time (in the order
# they were written, so a few pages read in turn), each prospect's group then found by
# its every-method mark; the per-method marks (prospects called under several methods,
# few in any book) as LEADS_SQL reads them. Reading the marks alone checks the calls of
# each prospect called since the window began, one index lookup each: at 1,000,000
# prospects, October read on 5 December took 3.3 s warm and 14 s from disk, against 2.2
# and 4.3 s for its 848,000 calls in one pass.
def _leads_by_calls_sql(dialect: Dialect) -> str:
    return f"""
SELECT m.per_method, m.method, m.only_method, m.source, count(*) AS leads,
    sum(w.reached) AS reached, sum(w.met) AS met, sum(w.refused) AS refused
FROM (
    SELECT c.prospect_id, {_in_window(f"c.outcome IN ({CONNECTS})")} AS reached,
        {_in_window(MET)} AS met, {_in_window(REFUSED)} AS refused
    FROM calls c WHERE {calls_of_window_sql(dialect)}
    GROUP BY c.prospect_id
) AS w {in_dialect(JOIN_IN_ORDER, dialect)} lead_marks m
    ON m.prospect_id = w.prospect_id AND m.per_method = 0 AND m.method = ''
GROUP BY m.per_method, m.method, m.only_method, m.source
UNION ALL
{_leads_sql(dialect, per_method_only=True)}
"""


LEADS_BY_CALLS_SQL = per_dialect(_leads_by_calls_sql)

_LEAD_FLAGS = ("leads", "reached", "met", "refused")

# The leads of the UTC days wholly inside the window: the marks whose last call, connect,
# meeting and refusal fell on each (schema_v22), a row a day and group.
LEAD_DAYS_SQL = f"""
SELECT {", ".join(LEAD_GROUP)}, sum(calls) AS leads, sum(connects) AS reached,
    sum(meetings) AS met, sum(refusals) AS refused
FROM lead_mark_days WHERE day >= :first_day AND day < :after_last_day
GROUP BY {", ".join(LEAD_GROUP)}
"""


def _edge_flag(column: str, condition: str, dialect: Dialect) -> str:
    """What the mark's `column` adds to the whole days' count of it: 1 in the window's
    partial first or last UTC day, -1 in the part outside the window of an edge day
    counted whole, and 1 after the window when the calls tell that one meeting
    `condition` was in it."""
    return (
        f"CASE WHEN m.{column} >= :start AND m.{column} < :first_edge_end"
        f" OR m.{column} >= :last_edge_start AND m.{column} < :end THEN 1"
        f" WHEN m.{column} >= :first_out_from AND m.{column} < :first_out_to"
        f" OR m.{column} >= :last_out_from AND m.{column} < :last_out_to THEN -1 ELSE 0 END"
        f" + CASE WHEN m.{column} >= :end AND {has_call_sql(condition, dialect)}"
        " THEN 1 ELSE 0 END"
    )


def _edge_calls(dialect: Dialect) -> tuple[str, ...]:
    """The calls (`FROM ...`) whose moment may be a mark's at the window's edges or after
    it: ranges of an index of the calls by their moment, each part's own. In a file that
    is calls_started, which holds the text: a moment in funnel's form sorts as its text,
    and the calls in another (calls_other_forms: none in a book only funnel writes) are
    read from the window's first UTC day on. Those a mark can hold (a space, `Z`, no
    seconds, a date alone: check takes no other) are UTC, so their text begins with their
    day. On PostgreSQL, calls_utc holds every call's moment in the stored form."""
    started = call_started_sql(dialect) if dialect is Dialect.POSTGRESQL else "c.started_at"
    ranges = (
        f"FROM calls c WHERE {started} >= :start AND {started} < :first_edge_end",
        f"FROM calls c WHERE {started} >= :first_out_from AND {started} < :first_out_to",
        f"FROM calls c WHERE {started} >= :later_from",
    )
    if dialect is Dialect.POSTGRESQL:
        return ranges
    return (
        *ranges,
        f"FROM calls c {indexed_by('calls_other_forms', dialect)}"
        f" WHERE {other_form_sql('c.started_at')} AND c.started_at >= :start_day",
    )


# The rest of the leads: the marks with a moment in the window's partial UTC days (or
# outside it in an edge day counted whole, as call_counts counts calls), or after its end.
# Each such moment is the start of one of the prospect's calls, so the marks read are
# those of the prospects with a call there. A window from UTC midnight to UTC midnight,
# today included, reads none but those of calls in another form than funnel's.
def _lead_edges_sql(dialect: Dialect) -> str:
    calls = " UNION ALL ".join(f"SELECT c.prospect_id {part}" for part in _edge_calls(dialect))
    return f"""
SELECT {", ".join(LEAD_GROUP)}, sum(worked) AS leads, sum(reached) AS reached,
    sum(met) AS met, sum(refused) AS refused
FROM (
    SELECT {", ".join(f"m.{column}" for column in LEAD_GROUP)},
        {_edge_flag("last_call_at", "TRUE", dialect)} AS worked,
        {_edge_flag("last_connect_at", f"c.outcome IN ({CONNECTS})", dialect)} AS reached,
        {_edge_flag("last_meeting_at", MET, dialect)} AS met,
        {_edge_flag("last_refusal_at", REFUSED, dialect)} AS refused
    FROM lead_marks m
    WHERE m.prospect_id IN ({calls})
) AS marks
GROUP BY {", ".join(LEAD_GROUP)}
"""


LEAD_EDGES_SQL = per_dialect(_lead_edges_sql)


def lead_params(window: Window) -> dict[str, Any]:
    """The values of LEAD_DAYS_SQL and LEAD_EDGES_SQL: the days and edges of call_counts
    (count_params), and where the marks after the window's last day begin."""
    params = count_params(window, None)
    return {**params, "later_from": min(params["last_edge_start"], window.end)}


# A window with more calls after it (or in a file, in another form than funnel's since it
# began) than this is read from its marks: the edges would look at each of those calls,
# and at 5,000 that already costs about what reading every mark called since the window
# began does at 100,000 prospects. A window that ends today has none after it.
CALLS_AFTER_AT_MOST = 5_000


def _calls_after_sql(dialect: Dialect) -> str:
    later = _edge_calls(dialect)[2:]
    return f"""
SELECT count(*) FROM (
    {" UNION ALL ".join(f"SELECT 1 {part}" for part in later)}
    LIMIT {CALLS_AFTER_AT_MOST + 1}) AS later
"""


_CALLS_AFTER_SQL = per_dialect(_calls_after_sql)

# The calls of the window's UTC days and of the days after it, from call_days (a row a
# day, method and source): what either read of a window with many calls after it costs.
_CALLS_AROUND_SQL = f"""
SELECT coalesce(sum(calls) FILTER (WHERE day < :after_end_day), 0),
    coalesce(sum(calls) FILTER (WHERE day >= :after_end_day), 0)
FROM call_days WHERE day >= :start_day AND day <> '{UNREADABLE_DAY}'
"""


def _reads_calls_of_window(db: sqlite_utils.Database, window: Window) -> bool:
    """Whether a window with many calls after it is read from its own calls, in one pass
    (LEADS_BY_CALLS_SQL, a few microseconds a call of the window), rather than from each
    mark called since it began, those called again after it each checked with a lookup
    in their calls (LEADS_SQL, a few times as long a prospect, far fewer of them than the
    window's calls in a long window that ended lately). Timed at 1,000,000 prospects on
    5 December, with the calls of the window and after it:

    - October, 848,000 and 922,000: its calls 2.2 s, its marks 3.3 s;
    - the third quarter, 2.5 and 1.8 million: 5.1 and 6.4 s;
    - the year to 15 November, 8.7 million and 510,000: 16.2 and 5.2 s.
    """
    in_window, after = db.execute(_CALLS_AROUND_SQL, window.params).fetchone()
    return in_window <= after * WINDOW_CALLS_PER_CALL_AFTER


# About how many of the window's calls one pass reads in the time the marks' read takes
# for each call after the window (a prospect called again checks all its calls of it).
WINDOW_CALLS_PER_CALL_AFTER = 1.5


def _lead_rows(db: sqlite_utils.Database, window: Window) -> Iterable[Mapping[str, Any]]:
    """LEADS_SQL's rows, read in one snapshot: for a window with many calls after it from
    the marks, for any other summed from the whole days' counts and the marks at the
    edges."""
    params = lead_params(window)
    summed: dict[tuple[Any, ...], dict[str, Any]] = {}
    with one_snapshot(db):
        later = db.execute(_CALLS_AFTER_SQL.for_db(db), params).fetchone()[0]
        if later > CALLS_AFTER_AT_MOST:
            by_calls = _reads_calls_of_window(db, window)
            sql = LEADS_BY_CALLS_SQL if by_calls else LEADS_SQL
            return list(db.query(sql.for_db(db), window.params))
        for sql in (LEAD_DAYS_SQL, LEAD_EDGES_SQL.for_db(db)):
            for row in db.query(sql, params):
                key = tuple(row[column] for column in LEAD_GROUP)
                total = summed.get(key)
                if total is None:
                    summed[key] = row
                else:
                    for flag in _LEAD_FLAGS:
                        total[flag] += row[flag]
    return summed.values()


# The marks of the prospects with a deal in the window (:won, a JSON list of [prospect_id,
# the method the deal counts under]): over every method, and for that method; and whether
# the prospect said no in the window (a buyer who did is no lost lead).
def _won_leads_sql(dialect: Dialect) -> str:
    pairs, join = in_dialect(JSON_PAIRS, dialect), in_dialect(JOIN_IN_ORDER, dialect)
    return f"""
SELECT m.prospect_id, h.value ->> 1 AS deal_method, m.per_method, m.only_method, m.source,
    {marked_sql("last_refusal_at", REFUSED, dialect)} AS refused
FROM {pairs.format(pairs=":won")} {join} lead_marks m
    ON m.prospect_id = {in_dialect(PAIR_ID, dialect)}
    AND (m.per_method = 0 OR m.method = h.value ->> 1)
WHERE m.last_call_at >= :start
"""


WON_LEADS_SQL = per_dialect(_won_leads_sql)

_LEAD_COUNTS = ("leads", "reached", "met", "refused", "won_refused")


# The plan needs only how many deals there are and what they come to.
def _deal_totals_sql(dialect: Dialect, whose: Whose) -> str:
    return f"""
SELECT {whose.key("d.rep")}count(*), coalesce(sum(d.amount_cents), 0) FROM deals d
WHERE {_deals_in(whose)} AND {good_deal_sql(dialect)}
{whose.group_by("d.rep")}
"""


DEAL_TOTALS_SQL = RepStatement(_deal_totals_sql)


class _DealGroup:
    """The deals of one method or source: how many, what they come to, and how many leads
    they are. The deals come in their prospects' order (DEALS_SQL), so a lead's deals come
    one after another: a lead is counted at the first of them, and no set of leads is
    kept."""

    __slots__ = ("cents", "count", "last_lead", "leads")

    def __init__(self) -> None:
        self.count = 0
        self.cents = 0
        self.leads = 0
        self.last_lead: int | tuple[str, int] | None = None

    def add(self, lead: int | tuple[str, int], cents: int) -> None:
        self.count += 1
        self.cents += cents
        if lead != self.last_lead:
            self.leads += 1
            self.last_lead = lead

    def totals(self) -> tuple[int, int, int]:
        """(deals, cents, distinct leads)."""
        return self.count, self.cents, self.leads


class _WonMarks:
    """The prospects won and each method their deals count under, one pair each in order
    (what WON_LEADS_SQL reads the leads' marks for): kept as ids and names, not a set of
    pairs, since the deals come in their prospects' order."""

    def __init__(self) -> None:
        self._ids: array[int] = array("q")
        self._methods: list[str] = []
        self._prospect_id: int | None = None
        self._methods_of_prospect: set[str] = set()

    def add(self, prospect_id: int, method: str) -> None:
        if prospect_id != self._prospect_id:
            self.end_prospect()
            self._prospect_id = prospect_id
        self._methods_of_prospect.add(method)

    def end_prospect(self) -> None:
        """Keep the pairs of the prospect added last: after the last deal, once."""
        for method in sorted(self._methods_of_prospect):
            self._ids.append(self._prospect_id)  # type: ignore[arg-type]
            self._methods.append(method)
        self._methods_of_prospect.clear()

    def pairs(self) -> Iterator[tuple[int, str]]:
        """(prospect id, method), by id and then method."""
        return zip(self._ids, self._methods, strict=True)

    def as_json(self) -> str:
        """The pairs as a JSON array of [id, method], written a pair at a time."""
        text = io.StringIO()
        text.write("[")
        for index, (prospect_id, method) in enumerate(self.pairs()):
            text.write(f"{',' if index else ''}[{prospect_id},{json.dumps(method)}]")
        text.write("]")
        return text.getvalue()


class _WonDeals:
    """The window's deals (DEALS_SQL), totalled as they are read: of each deal only its
    sales cycle and its prospect's method are kept, not the row (90 days of a book of a
    million prospects hold 20,000 deals), and each lead is counted as its first deal
    comes, the deals coming in their prospects' order."""

    def __init__(self, tz: tzinfo | None) -> None:
        self._tz = tz
        # Every deal, and its lead: its prospect's id, or for a forgotten prospect's deal
        # the deal itself (each such deal is a lead of its own).
        self.all = _DealGroup()
        # By the method the deals count under (those of no method with the default's:
        # `_method_used`), and by source.
        self.by_method: dict[str, _DealGroup] = {}
        self.by_source: dict[str, _DealGroup] = {}
        self._names: dict[str, tuple[str, str]] = {}
        # The prospects won and the method each deal counts under, for the leads' marks; a
        # forgotten prospect's deal counts in no lead's marks.
        self.won_marks = _WonMarks()
        # The days of each new customer's sales cycle (an array: no number object a deal).
        # A forgotten prospect's first call is gone with them: their deals tell no cycle.
        self.cycles: array[int] = array("q")

    @classmethod
    def tally(cls, rows: Iterable[tuple[Any, ...]], tz: tzinfo | None) -> _WonDeals:
        deals = cls(tz)
        for row in rows:
            deals._add(*row)
        deals.won_marks.end_prospect()
        return deals

    def _add(
        self,
        deal_id: int,
        prospect_id: int | None,
        method: str,
        source: str,
        cents: int,
        kind: str,
        closed_on: str,
        first_call: str | None,
    ) -> None:
        lead = ("deal", deal_id) if prospect_id is None else prospect_id
        self.all.add(lead, cents)
        names = self._names.get(method)
        if names is None:
            # One string a method (as read, and the one it counts under), not one a deal.
            names = self._names[method] = (method, _method_used(method))
        method, counted_under = names
        for groups, name in ((self.by_method, counted_under), (self.by_source, source)):
            group = groups.get(name) or groups.setdefault(name, _DealGroup())
            group.add(lead, cents)
        if prospect_id is None:
            return
        self.won_marks.add(prospect_id, method)
        if kind == DealKind.NEW:
            self.cycles.append(_cycle_days(date.fromisoformat(closed_on), first_call, self._tz))

    def totals(self, side: str) -> dict[str, tuple[int, int, int]]:
        """(deals, cents, distinct leads) by the deals' method or source; the deals of no
        method with the default's (`_method_used`), each lead counted once."""
        groups = self.by_method if side == "method" else self.by_source
        return {name: group.totals() for name, group in groups.items()}


@dataclass(frozen=True)
class _Leads:
    by_method: dict[str, dict[str, int]]
    by_source: dict[str, dict[str, int]]

    def total(self, count: str) -> int:
        return sum(row[count] for row in self.by_source.values())


def _add(side: dict[str, dict[str, int]], name: str, counts: Mapping[str, int]) -> None:
    total = side.setdefault(name, dict.fromkeys(_LEAD_COUNTS, 0))
    for count in _LEAD_COUNTS:
        total[count] += counts.get(count, 0)


def _leads(
    rows: FigureRows,
    window: Window,
    won: _WonMarks,
) -> _Leads:
    """The distinct-prospect counts of the window by method and by source, given the
    prospects with a deal in it and the methods their deals count under: `lost` is the
    prospects who said no without a deal. A rep's own leads alone (rep_figures)."""
    if rows.rep is not None:
        methods, sources = rep_leads(rows, window.params, won.pairs())
        return _Leads(by_method=methods, by_source=sources)
    db = rows.db
    by_source: dict[str, dict[str, int]] = {}
    methods: dict[str, dict[str, int]] = {}
    for row in _lead_rows(db, window):
        if not row["leads"]:
            continue  # called since the window began, but only after it ended
        if not row["per_method"]:
            _add(by_source, row["source"], row)
        name = row["method"] if row["per_method"] else row["only_method"]
        if name is not None:
            _add(methods, name, row)
    params = {**window.params, "won": won.as_json()}
    refused_by_source, refused_by_method = fold_all(
        db, WON_LEADS_SQL.for_db(db), params, _refusals_of_won_leads
    )
    for side, refused_by in ((by_source, refused_by_source), (methods, refused_by_method)):
        for name, refused in refused_by.items():
            _add(side, name, {"won_refused": refused})
    for side in (by_source, methods):
        for total in side.values():
            total["lost"] = total["refused"] - total["won_refused"]
    return _Leads(by_method=methods, by_source=by_source)


def _refusals_of_won_leads(
    marks: Iterable[tuple[Any, ...]],
) -> tuple[Counter[str], Counter[str]]:
    """The refusals of the prospects won (WON_LEADS_SQL), by source and by the method of
    each deal."""
    counted: set[int] = set()
    by_source: Counter[str] = Counter()
    by_method: Counter[str] = Counter()
    for prospect_id, deal_method, per_method, only_method, source, refused in marks:
        if not per_method and prospect_id not in counted:
            counted.add(prospect_id)
            by_source[source] += refused
        # The deal's method: its own marks if the prospect has several, else the prospect's
        # if all its calls count under that method.
        if per_method or only_method == deal_method:
            by_method[deal_method] += refused
    return by_source, by_method


# The window's deals, each with the method and source it counts under and the prospect's
# first call ever (for the sales cycle, from its marks), in their prospects' order, so that
# each lead's deals come together (_WonDeals). The deal of a forgotten prospect has no
# prospect: it counts under the method and source kept on it (forget.py).
def _deals_sql(dialect: Dialect, whose: Whose) -> str:
    method = f"coalesce(d.forgotten_method, {method_sql(dialect)}, '{NO_SOURCE}')"
    source = f"coalesce(d.forgotten_source, {source_sql(dialect)})"
    return f"""
SELECT {whose.key("d.rep")}d.id, d.prospect_id, {method} AS method, {source} AS source,
    d.amount_cents, coalesce(d.kind, '{DealKind.NEW}') AS kind, d.closed_on,
    f.first_call_at AS first_call
FROM deals d LEFT JOIN prospects p ON p.id = d.prospect_id LEFT JOIN calls c ON c.id = d.call_id
    LEFT JOIN lead_marks f ON f.prospect_id = d.prospect_id AND f.per_method = 0 AND f.method = ''
WHERE {_deals_in(whose)} AND {good_deal_sql(dialect)}
ORDER BY d.prospect_id
"""


DEALS_SQL = RepStatement(_deals_sql)


def _wrong_nurtured(dialect: Dialect) -> str:
    return wrong_value_sql("prospects", "nurtured_at", "p.", dialect)


# Prospects handed back to nurture in the window, by source, with those the cadence gave
# up on; and the nurture dates that cannot be read, which may belong to any window.
def _handed_back_sql(dialect: Dialect, whose: Whose) -> str:
    return f"""
SELECT {whose.key("p.owner")}{source_sql(dialect)} AS source, count(*) AS count,
    count(*) FILTER (WHERE p.lost_reason = '{LostReason.UNREACHABLE}') AS unreachable
FROM prospects p {indexed_by("prospects_nurtured", dialect)}
WHERE p.nurtured_at >= :start AND p.nurtured_at < :end AND NOT {_wrong_nurtured(dialect)}
    AND {whose.of("p.owner")}
GROUP BY {whose.group("p.owner")}{source_sql(dialect)}
"""


HANDED_BACK_SQL = RepStatement(_handed_back_sql)


def _unreadable_nurtured_sql(dialect: Dialect, whose: Whose) -> str:
    return f"""
SELECT {whose.key("p.owner")}count(*) FROM prospects p {indexed_by("prospects_nurtured", dialect)}
WHERE p.nurtured_at IS NOT NULL AND {_wrong_nurtured(dialect)} AND {whose.of("p.owner")}
{whose.group_by("p.owner")}"""


UNREADABLE_NURTURED_SQL = RepStatement(_unreadable_nurtured_sql)


# The emails of the window, read by sent_at and compared in the stored form (as calls are);
# and the emails whose sent_at is not a moment, which no window holds.
def _emails_sql(dialect: Dialect, whose: Whose) -> str:
    sent_at = stored_moment_sql("emails", "sent_at", "e.", dialect)
    return f"""
SELECT {whose.key("e.rep")}count(*) FROM emails e {indexed_by("emails_sent_at", dialect)}
WHERE e.sent_at >= :start_day AND e.sent_at < :after_end_day
    AND {sent_at} >= :start AND {sent_at} < :end AND {whose.of("e.rep")}
{whose.group_by("e.rep")}"""


EMAILS_SQL = RepStatement(_emails_sql)


def _unreadable_emails_sql(dialect: Dialect, whose: Whose) -> str:
    return f"""
SELECT {whose.key("e.rep")}count(*) FROM emails e {indexed_by("emails_sent_at", dialect)}
WHERE {wrong_value_sql("emails", "sent_at", "e.", dialect)} AND {whose.of("e.rep")}
{whose.group_by("e.rep")}"""


UNREADABLE_EMAILS_SQL = RepStatement(_unreadable_emails_sql)

# The calls whose start is not a moment, which call_days counts on a day of their own.
UNREADABLE_CALL_STARTS_SQL = f"""
SELECT coalesce(sum(calls), 0) FROM call_days WHERE day = '{UNREADABLE_DAY}'
"""


# Speed to lead: for each source, the seconds from creation to first call of the
# prospects first called in the window, as one list of numbers (thousands of rows would
# each cost more to hand over than to read), and how many of them cannot be read.
def _first_calls_sql(dialect: Dialect) -> str:
    return f"""
SELECT m.source, {in_dialect(NUMBER_LIST, dialect).format(x="m.wait_s")},
    count(*) FILTER (WHERE m.wait_s IS NULL)
FROM lead_marks m {indexed_by("lead_marks_first", dialect)}
WHERE m.per_method = 0 AND m.first_call_at >= :start AND m.first_call_at < :end
GROUP BY m.source
"""


FIRST_CALLS_SQL = per_dialect(_first_calls_sql)


def _breakdown(
    name: str, calls: Mapping[str, int], leads: Mapping[str, int], deals: tuple[int, int, int]
) -> Breakdown:
    won, won_cents, won_leads = deals
    decided = won_leads + leads.get("lost", 0)
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
        win_rate=ratio(won_leads, decided),
        meeting_leads=leads.get("met", 0),
        won_leads=won_leads,
        decided_leads=decided,
    )


def _ordered(rows: Iterable[Breakdown]) -> tuple[Breakdown, ...]:
    """Most deals first, then most leads, then by name."""
    return tuple(sorted(rows, key=lambda row: (-row.won, -row.leads, row.name)))


def _method_used(name: str) -> str:
    """The name the report counts a method under: a call and its prospect with none set
    ('' as sqlite-utils writes it, or NULL) count under the default method, whose script
    the pane gives them and whose name `funnel log` and the app store on such a call."""
    return str(method_used(name))


def _with_method_used(counts: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Counts by method, those of no method set added to the default's. A prospect whose
    calls count under both (no method on the calls made before funnel stored the one used)
    is a lead under each: added, the default's leads count them twice in a window that
    holds calls of both."""
    merged: dict[str, dict[str, int]] = {}
    for name, row in counts.items():
        into = merged.setdefault(_method_used(name), {})
        for column, count in row.items():
            into[column] = into.get(column, 0) + count
    return merged


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


def _cycle_days(closed_on: date, first_call: str | None, tz: tzinfo | None) -> int:
    """Calendar days from the prospect's first call ever (its local day) to the close; 0
    without an earlier call."""
    if first_call is None:
        return 0
    try:
        first = datetime.fromisoformat(first_call)
    except ValueError:
        return 0
    first_day = (first.astimezone() if tz is None else first.astimezone(tz)).date()
    return max(0, (closed_on - first_day).days)


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
    business_days_in_window: int,
    plan: Plan | None,
    tz: tzinfo | None = None,
    rep: str | None = None,
    rows: FigureRows | None = None,
) -> WindowFigures:
    """Every 9b figure over `window` but the pipeline's (pipeline.py has those); in a
    team's book `rep`'s own: their calls, leads, deals and emails, the prospects they own
    handed back, read from `rows` when given. A rep's calls whose start cannot be read are
    the team's to count."""
    rows = rows or FigureRows(db, rep)
    rep = rows.rep
    params = window.params
    counted = call_counts(db, window, rows=rows)
    per_call = counted.totals
    deals = rows.fold(DEALS_SQL, params, lambda found: _WonDeals.tally(found, tz))
    leads = _leads(rows, window, deals.won_marks)
    by_method = _breakdowns(
        _with_method_used(counted.by_method),
        _with_method_used(leads.by_method),
        deals.totals("method"),
    )
    by_source = _breakdowns(counted.by_source, leads.by_source, deals.totals("source"))
    lost_reasons = {name: per_call.get(f"lost_{name}", 0) for name in LOST_REASON_NAMES}
    handed_back = []
    for source, count, unreachable in rows.rows(HANDED_BACK_SQL, params):
        handed_back.append({"source": source, "count": count})
        lost_reasons[str(LostReason.UNREACHABLE)] += unreachable
    handed_back.sort(key=lambda row: (-row["count"], row["source"]))
    (unreadable_nurtured,) = rows.first(UNREADABLE_NURTURED_SQL, params, (0,))
    unreadable_starts = db.execute(UNREADABLE_CALL_STARTS_SQL).fetchone()[0] if rep is None else 0
    (emails,) = rows.first(EMAILS_SQL, params, (0,))
    (unreadable_emails,) = rows.first(UNREADABLE_EMAILS_SQL, params, (0,))
    speed = _speed_to_lead(rows, params)
    calls, connects, reached = per_call["calls"], per_call["connects"], leads.total("reached")
    won_count, won_cents, won_leads = deals.all.totals()
    cycle = median(deals.cycles)
    figures = ManagerFigures(
        calls=calls,
        connects=connects,
        connect_rate=connect_rate(connects, calls),
        leads_worked=leads.total("leads"),
        reached=reached,
        meetings_booked=per_call["meetings"],
        meetings_held=per_call["meetings_held"],
        proposals=per_call["proposals"],
        meeting_rate=ratio(leads.total("met"), reached),
        meeting_leads=leads.total("met"),
        won_leads=won_leads,
        deals_won=won_count,
        win_rate=ratio(won_leads, won_leads + leads.total("lost")),
        avg_deal_cents=round_half_up(Fraction(won_cents, won_count)) if won_count else None,
        sales_cycle_days_median=None if cycle is None else one_decimal(cycle),
        speed_to_lead_hours_median=speed.overall,
        talk_time_s=per_call["talk_s"],
        avg_calls_per_day=(
            two_decimals(Fraction(calls, business_days_in_window))
            if business_days_in_window
            else None
        ),
        emails=emails,
        lost_reasons=lost_reasons,
        handed_back=handed_back,
        plan=plan,
        speed_to_lead_by_source=speed.by_source,
    )
    skipped = (
        per_call["unreadable_durations"]
        + per_call["unreadable_reasons"]
        + per_call["unreadable_methods"]
        + unreadable_nurtured
        + unreadable_starts
        + unreadable_emails
        + speed.skipped
    )
    return WindowFigures(figures, by_method, by_source, skipped)


@dataclass(frozen=True)
class _Speed:
    overall: float | None
    by_source: list[dict[str, Any]]
    skipped: int


def _speed_to_lead(rows: FigureRows, params: Mapping[str, str]) -> _Speed:
    """Median hours from a prospect's creation to its first call ever, over the prospects
    first called in the window, overall and by source (a negative wait counts 0); of a
    rep's, the prospects whose first call was that rep's."""
    waits: dict[str, list[int]] = {}
    skipped = 0
    if rows.rep is None:
        _, first_calls = read_all(rows.db, FIRST_CALLS_SQL.for_db(rows.db), params)
    else:
        first_calls = rep_first_calls(rows, params)
    for source, seconds, unreadable in first_calls:
        skipped += unreadable
        if seconds is not None:
            ordered = sorted(map(int, seconds.split(",")))
            # A negative wait (a first call before the prospect was made) counts as 0:
            # sorted, those lead, and the list stays sorted.
            negative = bisect_left(ordered, 0)
            ordered[:negative] = [0] * negative
            waits[source] = ordered

    def hours(runs: Sequence[Sequence[int]]) -> float | None:
        middle = median_of_sorted(runs)
        return None if middle is None else one_decimal(middle / 3600)

    by_source = [
        {"source": source, "hours_median": hours([values]), "leads": len(values)}
        for source, values in sorted(waits.items())
    ]
    return _Speed(hours(list(waits.values())), by_source, skipped)


# --- The plan ---------------------------------------------------------------------------


def _open_values(dialect: Dialect) -> str:
    """The open opportunities' values, read by the prospects_pipeline index: in a team's
    book those of the prospects `:rep` owns (the whole book's when it is NULL)."""
    good = f"NOT {wrong_value_sql('prospects', 'deal_value_cents', '', dialect)}"
    return (
        f"prospects {indexed_by('prospects_pipeline', dialect)} WHERE"
        f" stage IN ({sql_list(PIPELINE_STAGES)}) AND deal_value_cents > 0 AND {good}"
        f" AND {of_rep('owner')}"
    )


def _open_values_count_sql(dialect: Dialect) -> str:
    return f"SELECT count(*) FROM {_open_values(dialect)}"


OPEN_VALUES_COUNT_SQL = per_dialect(_open_values_count_sql)


def _open_values_middle_sql(dialect: Dialect) -> str:
    return f"""
SELECT deal_value_cents FROM {_open_values(dialect)}
ORDER BY deal_value_cents LIMIT :take OFFSET :skip
"""


OPEN_VALUES_MIDDLE_SQL = per_dialect(_open_values_middle_sql)


def median_open_value(db: sqlite_utils.Database, rep: str | None = None) -> int:
    """The median value of the open opportunities in whole cents (half up), else 0; in a
    team's book of those `rep` owns, as the rest of their plan is their own."""
    count = db.execute(OPEN_VALUES_COUNT_SQL.for_db(db), {"rep": rep}).fetchone()[0]
    if not count:
        return 0
    params = {"take": 2 - count % 2, "skip": (count - 1) // 2, "rep": rep}
    middle = median(
        row[0] for row in db.execute(OPEN_VALUES_MIDDLE_SQL.for_db(db), params).fetchall()
    )
    return round_half_up(middle) if middle is not None else 0


# The prospects with a `meeting` call in the window (read per prospect, from those whose
# last one is not before it: lead_marks_meetings holds them in its order), and how many
# of them have a deal closed in it: the same pass over the window's meetings, with the
# window's buyers read once into a set (an uncorrelated IN, which SQLite makes an index
# of and PostgreSQL hashes) rather than each buyer's mark looked up in the book's. The
# buyers stay in the database: at a million prospects, 90 days hold 20,000 deals.
def _buyers_sql(dialect: Dialect) -> str:
    """The prospects with a deal closed in the window."""
    return f"""SELECT d.prospect_id FROM deals d
        WHERE {_deals_in(Whose.ONE)} AND {good_deal_sql(dialect)}"""


def _meeting_leads_and_buyers_sql(dialect: Dialect) -> str:
    return f"""
SELECT count(*), count(*) FILTER (WHERE m.prospect_id IN ({_buyers_sql(dialect)}))
FROM lead_marks m {indexed_by("lead_marks_meetings", dialect)}
WHERE {met_in_window_sql(dialect)}
"""


MEETING_LEADS_AND_BUYERS_SQL = per_dialect(_meeting_leads_and_buyers_sql)

# A window with more prospects than this who met in it or before and again after it (a
# window in the past: the plan as of a day gone by) reads its meetings from the calls: each
# such prospect's calls of the window are otherwise checked one by one.
MEETINGS_AFTER_AT_MOST = 1_000

MEETINGS_AFTER_SQL = f"""
SELECT count(*) FROM (
    SELECT 1 FROM lead_marks INDEXED BY lead_marks_meetings
    WHERE per_method = 0 AND last_meeting_at >= :end LIMIT {MEETINGS_AFTER_AT_MOST + 1})
"""

# MEETING_LEADS_AND_BUYERS_SQL's counts from a file's `meeting` calls of the window, a
# range of calls_rep_meetings for each rep the calls name (each found by one step along
# calls_rep) and for the calls of no rep. The plan as of 31 October at 1,000,000
# prospects: 0.4 s, where checking the calls of the 50,000 prospects who met again after
# the window took 1.5 s, and 7.7 s from disk.
MEETING_LEADS_BY_CALLS_SQL = f"""
WITH RECURSIVE named(rep) AS (
    SELECT (SELECT min(rep) FROM calls)
    UNION ALL
    SELECT (SELECT min(c.rep) FROM calls c WHERE c.rep > named.rep) FROM named
    WHERE named.rep IS NOT NULL
)
SELECT count(*), count(*) FILTER (WHERE met.prospect_id IN ({_buyers_sql(Dialect.SQLITE)}))
FROM (
    SELECT c.prospect_id FROM named CROSS JOIN calls c INDEXED BY calls_rep_meetings
    WHERE c.rep IS named.rep AND c.outcome = '{Outcome.MEETING}'
        AND c.prospect_id IS NOT NULL AND {calls_of_window_sql(Dialect.SQLITE)}
    UNION
    SELECT c.prospect_id FROM calls c INDEXED BY calls_rep_meetings
    WHERE c.rep IS NULL AND c.outcome = '{Outcome.MEETING}'
        AND c.prospect_id IS NOT NULL AND {calls_of_window_sql(Dialect.SQLITE)}
) AS met
"""


def meeting_leads_and_buyers(db: sqlite_utils.Database, window: Window) -> tuple[int, int]:
    """How many prospects had a `meeting` call in the window, and how many of them have a
    deal closed in it (the whole book's)."""
    params = {**window.params, "rep": None}
    sql = MEETING_LEADS_AND_BUYERS_SQL.for_db(db)
    if dialect_of(db) is Dialect.SQLITE:
        with one_snapshot(db):
            after = db.execute(MEETINGS_AFTER_SQL, params).fetchone()[0]
            if after > MEETINGS_AFTER_AT_MOST:
                sql = MEETING_LEADS_BY_CALLS_SQL
            met, bought = db.execute(sql, params).fetchone()
        return met, bought
    met, bought = db.execute(sql, params).fetchone()
    return met, bought


def _meeting_leads(rows: FigureRows, window: Window) -> tuple[int, int]:
    """How many prospects had a `meeting` call in the window, and how many of them have a
    deal closed in it; a rep's own `meeting` calls alone, and the rep's own deals."""
    if rows.rep is not None:
        return rep_meeting_leads(rows, window.params)
    return meeting_leads_and_buyers(rows.db, window)


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
    rep: str | None = None,
    rows: FigureRows | None = None,
) -> Plan | None:
    """The deals, meetings, connects and dials that close `remaining_cents`, from the rates
    of the last LOOKBACK_DAYS local days (or the settings where the history is too thin);
    None when the size of a deal is unknown. In a team's book, from `rep`'s own history
    (read from `rows` when given)."""
    rows = rows or FigureRows(db, rep)
    lookback = Window.of_days(today - timedelta(days=LOOKBACK_DAYS - 1), today, tz)
    deal_count, deal_cents = map(int, rows.first(DEAL_TOTALS_SQL, lookback.params, (0, 0)))
    if deal_count >= MIN_DEALS and deal_cents > 0:
        avg_deal, avg_source = round_half_up(Fraction(deal_cents, deal_count)), HISTORY
    else:
        avg_source = DEFAULT
        avg_deal = settings.plan_avg_deal
        if avg_deal is None:
            avg_source, avg_deal = OPEN_PIPELINE, median_open_value(db, rows.rep)
    if not avg_deal:
        return None
    per_call = call_counts(db, lookback, by_row=False, rows=rows).totals
    meeting_leads, meeting_buyers = _meeting_leads(rows, lookback)
    win, win_source = _rate(
        meeting_buyers,
        meeting_leads,
        MIN_MEETING_LEADS,
        Fraction(settings.plan_win_rate),
    )
    meeting, meeting_source = _rate(
        per_call["meetings"],
        per_call["connects"],
        MIN_CONNECTS,
        Fraction(settings.plan_meeting_rate),
    )
    connect, connect_source = _rate(
        per_call["connects"], per_call["calls"], MIN_CALLS, Fraction(settings.plan_connect_rate)
    )
    deals = math.ceil(Fraction(remaining_cents, avg_deal))
    meetings = math.ceil(deals / win)
    connects = math.ceil(meetings / meeting)
    dials = math.ceil(connects / connect)
    days = remaining_business_days
    per_day = {
        "deals": _per_day(deals, days),
        "meetings": _per_day(meetings, days),
        "connects": _per_day(connects, days),
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
        connects=connects,
        dials=dials,
        per_day=per_day,
        reachable_by_calls=None if not days else per_day["dials"] <= daily_call_goal,
    )


def load_today_activity(
    db: sqlite_utils.Database,
    today: date,
    tz: tzinfo | None = None,
    rep: str | None = None,
    rows: FigureRows | None = None,
) -> TodayActivity:
    """Dials, connects and `meeting` calls on the as-of date, in local time (`rep`'s own
    in a team's book, read from `rows` when given), counted as a report counts them: the
    day's counts kept by call_days, and the calls near the local midnights at its edges."""
    rows = rows or FigureRows(db, rep)
    window = Window.of_days(today, today, tz)
    totals = call_counts(db, window, by_row=False, rows=rows).totals
    dials, connects, meetings = (totals[column] for column in _ROW_COUNTS)
    return TodayActivity(dials, connects, meetings)
