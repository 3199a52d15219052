"""SQL fragments the report's figures share: the method and source a call counts under
(as call_days counts them), the calls of a window, a deal whose values read, and what
call_days counts of one call, each as the dialect writes it."""

from __future__ import annotations

from funnel_tui.domain import CONNECT_OUTCOMES, Outcome, sql_list
from funnel_tui.foreign_values import good_values_sql, in_funnels_form_sql, stored_moment_sql
from funnel_tui.schema_v4 import call_day_count_sql, method_name_sql, source_name_sql
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.postgres_schema import CALL_DAY_COUNT_SQL, FUNNEL_MOMENT_FORM
from funnel_tui.store.sql import (
    CALL_STARTED,
    INDEXED_BY,
    METHOD_NAME_ON_POSTGRESQL,
    SOURCE_NAME_ON_POSTGRESQL,
    in_dialect,
)

CONNECTS = sql_list(sorted(CONNECT_OUTCOMES))


def method_sql(dialect: Dialect, call: str = "c", prospect: str = "p") -> str:
    """The method a call counts under, as call_days counts it in each dialect."""
    if dialect is Dialect.POSTGRESQL:
        return METHOD_NAME_ON_POSTGRESQL.format(call=call, prospect=prospect)
    return method_name_sql(call, prospect)


def source_sql(dialect: Dialect) -> str:
    """The source a call counts under (its prospect `p`'s), as call_days counts it."""
    if dialect is Dialect.POSTGRESQL:
        return SOURCE_NAME_ON_POSTGRESQL.format(prospect="p")
    return source_name_sql("p")


def indexed_by(index: str, dialect: Dialect) -> str:
    return in_dialect(INDEXED_BY, dialect).format(index=index)


def good_deal_sql(dialect: Dialect) -> str:
    return good_values_sql("deals", "d.", dialect)


def stored_start_sql(dialect: Dialect) -> str:
    """A call `c`'s start in the stored form (as lead_marks keeps it); NULL when it is not
    a moment."""
    return stored_moment_sql("calls", "started_at", "c.", dialect)


def calls_in_window_sql(dialect: Dialect) -> str:
    """A call in the window, its moment compared in the stored form. The test for the
    form funnel writes is made once, not once per bound, and the full reading only for a
    call in another form: on PostgreSQL a regular expression costs far more than reading
    the call, in a file the whole check about 9 µs a call."""
    if dialect is Dialect.POSTGRESQL:
        in_funnels_form = f"c.started_at ~ '{FUNNEL_MOMENT_FORM}'"
        read = "funnel_utc_parsed(c.started_at)"
    else:
        in_funnels_form = in_funnels_form_sql("c.started_at")
        read = stored_start_sql(dialect)
    return (
        f"CASE WHEN {in_funnels_form}"
        " THEN c.started_at >= :start AND c.started_at < :end"
        f" ELSE {read} >= :start AND {read} < :end END"
    )


def call_started_sql(dialect: Dialect, call: str = "c.") -> str:
    """A call's start (`call`: its alias and a dot, or nothing) as the indexes of calls by
    time hold it (CALL_STARTED)."""
    return in_dialect(CALL_STARTED, dialect).format(c=call)


def calls_of_window_sql(dialect: Dialect) -> str:
    """The calls of a span of days read by started_at (the text of every call of a UTC day
    sorts from its `YYYY-MM-DD` to the next day's), each compared in the stored form: a
    window's calls by calls_started, a prospect's by calls_prospect. On PostgreSQL, a
    range of the indexes of funnel_utc(started_at) (schema v15, and v17 by prospect)."""
    if dialect is Dialect.POSTGRESQL:
        started = call_started_sql(dialect)
        return f"{started} >= :start AND {started} < :end"
    within = calls_in_window_sql(dialect)
    return f"c.started_at >= :start_day AND c.started_at < :after_end_day AND {within}"


def call_day_count(column: str, dialect: Dialect) -> str:
    """What call_days' `column` counts of one call `c`, as each dialect's triggers count."""
    if dialect is Dialect.POSTGRESQL:
        return CALL_DAY_COUNT_SQL[column]
    return call_day_count_sql(column, "c")


def of_rep(column: str) -> str:
    """SQL true for a row of the rep `:rep` names by `column` (their call, deal, email or
    prospect), and for every row when `:rep` is NULL (the whole book)."""
    return f"(CAST(:rep AS TEXT) IS NULL OR {column} = :rep)"


# A `meeting` call, a `not_interested` one (of calls `c`).
MET = f"c.outcome = '{Outcome.MEETING}'"
REFUSED = f"c.outcome = '{Outcome.NOT_INTERESTED}'"


def has_call_sql(condition: str, dialect: Dialect, *, every_method: bool = False) -> str:
    """SQL true when the marked prospect (`m`) has a call in the window that meets
    `condition`, of the row's method when the row is per method (read from its calls);
    `every_method` for a statement that reads the every-method rows alone (it then reads
    no other column of the mark than its prospect, which an index may hold).
    The prospect's calls of the window are a range of an index of calls by prospect and
    time (calls_prospect; on PostgreSQL calls_prospect_utc, v17), not all its calls.

    Only a per-method row reads the prospect, for the method of a call that names none:
    an every-method row (most rows of any book) reads the calls alone, where a join read
    the prospect's row for each check, 1.5 s of October's leads at 1,000,000 prospects."""
    every = f"""EXISTS (
        SELECT 1 FROM calls c
        WHERE c.prospect_id = m.prospect_id AND {calls_of_window_sql(dialect)} AND {condition})"""
    if every_method:
        return every
    return f"""CASE WHEN m.per_method = 0 THEN {every} ELSE EXISTS (
        SELECT 1 FROM calls c JOIN prospects p ON p.id = c.prospect_id
        WHERE c.prospect_id = m.prospect_id AND {calls_of_window_sql(dialect)} AND {condition}
            AND {method_sql(dialect)} = m.method) END"""


def marked_sql(column: str, condition: str, dialect: Dialect) -> str:
    """SQL 1 when the marked prospect has a call in the window that `column` marks (the
    last one is in the window, or it came later and the calls tell), else 0."""
    return (
        f"CASE WHEN m.{column} IS NULL OR m.{column} < :start THEN 0"
        f" WHEN m.{column} < :end THEN 1 WHEN {has_call_sql(condition, dialect)} THEN 1 ELSE 0 END"
    )


def lead_flags_sql(dialect: Dialect) -> str:
    """Whether a marked prospect (`m`) was worked in the window, reached, had a `meeting`
    call and a `not_interested` one, each 1 or 0."""
    return f"""
    CASE WHEN m.last_call_at < :end THEN 1 WHEN {has_call_sql("TRUE", dialect)} THEN 1 ELSE 0 END
        AS worked,
    {marked_sql("last_connect_at", f"c.outcome IN ({CONNECTS})", dialect)} AS reached,
    {marked_sql("last_meeting_at", MET, dialect)} AS met,
    {marked_sql("last_refusal_at", REFUSED, dialect)} AS refused"""


def met_in_window_sql(dialect: Dialect, *, calls_at_once: bool = False) -> str:
    """SQL true for an every-method mark (`m`) of a prospect with a `meeting` call in the
    window: its last one in it, or after it and the calls tell. Written as conditions, so
    that a team's book reads the first from lead_marks_meetings alone and checks the calls
    only for the others.

    `calls_at_once` asks for the calls as one set of the window's `meeting` calls (an
    uncorrelated IN, which PostgreSQL hashes once, and only if a mark needs it) rather
    than per prospect. The result is the same; what changes is the planner's estimate:
    it prices a correlated lookup once per mark read whether or not it runs, which for
    the 122,000 marks of a team's 90 days makes the scan cost 47 times what it does, and
    two ways of finishing the statement (a sort or a hash by rep) look alike."""
    if calls_at_once:
        met_calls = f"""m.prospect_id IN (
        SELECT c.prospect_id FROM calls c WHERE {calls_of_window_sql(dialect)} AND {MET})"""
    else:
        met_calls = has_call_sql(MET, dialect, every_method=True)
    return f"""m.per_method = 0 AND m.last_meeting_at >= :start
    AND (m.last_meeting_at < :end OR {met_calls})"""
