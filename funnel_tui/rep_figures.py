"""A rep's own leads in a team's book: the distinct-prospect figures of PRODUCT 9b.

The book's come from lead_marks, which marks every rep's calls together. A rep's come
from the marks of the prospects the rep alone called (`only_rep`, schema v18), which are
the rep's own, and for a prospect several reps called, from the rep's calls of it in the
window, read by prospect: per prospect, whether the rep worked, reached, met or heard a
no from them, as lead_marks marks them. The rep's
calls are counted in rep_call_days (manager_figures reads it); the rep's deals, emails
and owned prospects are the book's queries with `:rep` set. A team report reads every
rep's at once, each statement grouped by rep (rep_rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from funnel_tui.domain import Outcome
from funnel_tui.figure_sql import (
    CONNECTS,
    calls_of_window_sql,
    good_deal_sql,
    indexed_by,
    met_in_window_sql,
    method_sql,
    source_sql,
    stored_start_sql,
)
from funnel_tui.rep_rows import FigureRows, RepStatement, Whose
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.sql import NUMBER_LIST, in_dialect

# The rep's calls of the window, with their prospects.
_REP_CALLS = "calls c JOIN prospects p ON p.id = c.prospect_id"


def _flags_sql(
    dialect: Dialect,
    whose: Whose,
    calls: str = _REP_CALLS,
    where: str = "TRUE",
    *,
    counted_under: tuple[str, str, str] | None = None,
) -> str:
    """Each prospect the rep called in the window (of those `calls` joins, `where` holds),
    per method its calls count under: 1 or 0 for whether a call of theirs connected, was
    a `meeting`, was a `not_interested`. `counted_under` gives the method, the source and
    what to group the source by, when `calls` reads them from elsewhere than the
    prospect `p`."""
    method, source, source_group = counted_under or (
        method_sql(dialect),
        source_sql(dialect),
        "p.source",
    )
    return f"""
SELECT {whose.key("c.rep")}c.prospect_id, {method} AS method, {source} AS source,
    max(CASE WHEN c.outcome IN ({CONNECTS}) THEN 1 ELSE 0 END) AS reached,
    max(CASE WHEN c.outcome = '{Outcome.MEETING}' THEN 1 ELSE 0 END) AS met,
    max(CASE WHEN c.outcome = '{Outcome.NOT_INTERESTED}' THEN 1 ELSE 0 END) AS refused
FROM {calls}
WHERE {where} AND {whose.of_rep("c.rep")} AND {calls_of_window_sql(dialect)}
GROUP BY {whose.group("c.rep")}c.prospect_id, {method}, {source_group}"""


# The marks of the prospects one rep alone called (only_rep, schema v18) and not called
# since the window are that rep's, all their calls in it: each row's last call in the
# window, with its method when it has one (a per-method row's, or the only method of a
# prospect's every-method row), and whether its last connect, meeting and no are. A
# per-method row's last call may lie in the window while another method's came after
# it: such a prospect is counted from its calls (_READ_BY_CALLS), and not here again.
def _one_rep_marks_sql(dialect: Dialect, whose: Whose) -> str:
    flags = ", ".join(
        f"CASE WHEN m.{column} >= :start THEN 1 ELSE 0 END AS {name}"
        for column, name in (
            ("last_connect_at", "reached"),
            ("last_meeting_at", "met"),
            ("last_refusal_at", "refused"),
        )
    )
    return f"""
SELECT {whose.key("m.only_rep")}m.prospect_id, m.per_method,
    CASE WHEN m.per_method = 1 THEN m.method ELSE m.only_method END AS method, m.source,
    {flags}
FROM lead_marks m {indexed_by("lead_marks_reps", dialect)}
WHERE m.last_call_at >= :start AND m.last_call_at < :end AND m.only_rep IS NOT NULL
    AND {whose.of_rep("m.only_rep")}"""


# A per-method mark (`marks`) of a prospect not called since the window ends.
_NOT_CALLED_SINCE = """(per_method = 0 OR NOT EXISTS (
        SELECT 1 FROM lead_marks a WHERE a.prospect_id = marks.prospect_id
            AND a.per_method = 0 AND a.method = '' AND a.last_call_at >= :end))"""


# The calls of the window of the other prospects called since it began (few): those
# several reps called (lead_marks_shared), and those called again after it (a report for
# a past day), each prospect's read by prospect and time.
_BY_CALLS_ALONE = "lead_marks s JOIN calls c ON c.prospect_id = s.prospect_id"
_BY_CALLS = f"{_BY_CALLS_ALONE} JOIN prospects p ON p.id = c.prospect_id"

# On a team's server, what those calls count under is read from their prospect's mark
# (`s`), without the prospect: its source is the mark's, and a call without a method of
# its own counts under the one method all the prospect's calls count under, which the
# mark keeps (a prospect's method is never NULL there), else its prospect's. The triggers
# mark a prospect again when its method or source changes. For a month before, that
# spares a lookup of the prospect for each of the 112,000 calls of the 66,000 prospects
# called since.
_COUNTED_BY_MARK = (
    "CASE WHEN c.method <> '' THEN c.method ELSE coalesce(s.only_method,"
    " (SELECT p.method FROM prospects p WHERE p.id = c.prospect_id)) END",
    "s.source",
    "s.source",
)
_READ_BY_CALLS = (
    "s.per_method = 0 AND s.last_call_at >= :start"
    " AND (s.only_rep IS NULL OR s.last_call_at >= :end)"
)


# The rep's leads: per method (a prospect counts under each method they were called
# with) and per source (each prospect once, over all their calls of the window). A
# prospect only the rep called counts from its marks; one several reps called, or one
# called again since the window, from the rep's calls of it.
def _rep_leads_sql(dialect: Dialect, whose: Whose) -> str:
    rep, by_rep = whose.key("rep"), whose.group("rep")
    if dialect is Dialect.POSTGRESQL:
        called = _flags_sql(
            dialect, whose, _BY_CALLS_ALONE, _READ_BY_CALLS, counted_under=_COUNTED_BY_MARK
        )
    else:
        called = _flags_sql(dialect, whose, _BY_CALLS, _READ_BY_CALLS)
    return f"""
WITH called AS ({called}),
marks AS NOT MATERIALIZED ({_one_rep_marks_sql(dialect, whose)}),
by_method AS (
    SELECT {rep}method, reached, met, refused FROM called
    UNION ALL
    SELECT {rep}method, reached, met, refused FROM marks
    WHERE method IS NOT NULL AND {_NOT_CALLED_SINCE}
),
by_source AS (
    SELECT {rep}source, max(reached) AS reached, max(met) AS met, max(refused) AS refused
    FROM called GROUP BY {by_rep}prospect_id, source
    UNION ALL
    SELECT {rep}source, reached, met, refused FROM marks WHERE per_method = 0
)
SELECT {rep}1 AS per_method, method AS name, count(*) AS leads, sum(reached) AS reached,
    sum(met) AS met, sum(refused) AS refused
FROM by_method GROUP BY {by_rep}method
UNION ALL
SELECT {rep}0, source, count(*), sum(reached), sum(met), sum(refused)
FROM by_source GROUP BY {by_rep}source
"""


REP_LEADS_SQL = RepStatement(_rep_leads_sql)


# The rep's prospects with a deal of theirs in the window who also said no to them in
# it, with the method of each no; for every rep, each rep's with a deal of their own.
# Read from the window's deals, a few, and their prospects' calls of the window.
_DEALS_OF_WINDOW = "d.closed_on >= :starts_on AND d.closed_on < :after_end"


def _rep_refusing_buyers_sql(dialect: Dialect, whose: Whose) -> str:
    buyers = f"""(
    SELECT DISTINCT d.rep, d.prospect_id FROM deals d
    WHERE {whose.of_rep("d.rep")} AND {_DEALS_OF_WINDOW}
) AS b
JOIN calls c ON c.prospect_id = b.prospect_id AND c.rep = b.rep
JOIN prospects p ON p.id = c.prospect_id"""
    flags = _flags_sql(dialect, whose, buyers)
    return f"""
SELECT {whose.key("rep")}prospect_id, method, source FROM ({flags}) AS flags
WHERE refused = 1
"""


REP_REFUSING_BUYERS_SQL = RepStatement(_rep_refusing_buyers_sql)


# The prospects several reps called, since the window began (lead_marks_shared).
_SHARED = "s.per_method = 0 AND s.only_rep IS NULL AND s.last_call_at >= :start"


# A file's marks of one rep's prospects are found by their last call (lead_marks_reps),
# which a meeting in the window implies; a team's by their last meeting
# (lead_marks_meetings, which holds only_rep).
_BY_LAST_CALL = {Dialect.SQLITE: " AND m.last_call_at >= :start", Dialect.POSTGRESQL: ""}


# For the plan: how many prospects had a `meeting` call of the rep's in the window, and
# how many of them have a deal of the rep's closed in it (a deal the plan counts). A
# prospect only the rep called counts by its marks, as the book's meeting leads count
# every prospect; one several reps called counts by the rep's calls of it. The window's
# deals are far fewer than those prospects (21,000 against 122,000 for a team's 90 days
# at 10,000,000 calls): they are matched in one join, not looked up once per prospect.
def _rep_meeting_leads_sql(dialect: Dialect, whose: Whose) -> str:
    marks = f"lead_marks m {indexed_by('lead_marks_reps', dialect)}"
    # A team's server reads the window's `meeting` calls as one set for the marks that
    # need them, so that it counts the reps' marks by hashing (met_in_window_sql); a file
    # keeps its per-prospect lookup, which SQLite makes only for the marks that need it.
    on_a_server = dialect is Dialect.POSTGRESQL
    return f"""
SELECT {whose.key("met.rep")}count(*), count(bought.rep)
FROM (
    SELECT m.only_rep AS rep, m.prospect_id FROM {marks}
    WHERE m.only_rep IS NOT NULL AND {whose.of_rep("m.only_rep")}
        AND {met_in_window_sql(dialect, calls_at_once=on_a_server)}{_BY_LAST_CALL[dialect]}
    UNION ALL
    SELECT DISTINCT c.rep, c.prospect_id FROM {_BY_CALLS_ALONE}
    WHERE {_SHARED} AND {whose.of_rep("c.rep")} AND c.outcome = '{Outcome.MEETING}'
        AND {calls_of_window_sql(dialect)}
) AS met
LEFT JOIN (
    SELECT DISTINCT d.rep, d.prospect_id FROM deals d
    WHERE {whose.of_rep("d.rep")} AND {_DEALS_OF_WINDOW} AND {good_deal_sql(dialect)}
) AS bought ON bought.rep = met.rep AND bought.prospect_id = met.prospect_id
{whose.group_by("met.rep")}
"""


REP_MEETING_LEADS_SQL = RepStatement(_rep_meeting_leads_sql)


# Speed to lead: the prospects whose first call ever was the rep's and fell in the
# window, by source, as FIRST_CALLS_SQL gives the book's. Both sides are bounded by the
# window, so the planner reads whichever is fewer: the prospects first called in it
# (lead_marks_first) or the rep's calls of it (calls_rep, calls_rep_utc). Each prospect
# once per rep: two calls logged in the same second as their first counted them twice.
def _rep_first_calls_sql(dialect: Dialect, whose: Whose) -> str:
    return f"""
SELECT {whose.key("f.rep")}f.source, {in_dialect(NUMBER_LIST, dialect).format(x="f.wait_s")},
    count(*) FILTER (WHERE f.wait_s IS NULL)
FROM (
    SELECT DISTINCT c.rep, m.prospect_id, m.source, m.wait_s
    FROM calls c JOIN lead_marks m
        ON m.prospect_id = c.prospect_id AND m.per_method = 0 AND m.method = ''
    WHERE {whose.of_rep("c.rep")} AND {calls_of_window_sql(dialect)}
        AND m.first_call_at >= :start AND m.first_call_at < :end
        AND m.first_call_at = {stored_start_sql(dialect)}
) AS f
GROUP BY {whose.group("f.rep")}f.source
"""


REP_FIRST_CALLS_SQL = RepStatement(_rep_first_calls_sql)

_LEAD_COUNTS = ("leads", "reached", "met", "refused")


def rep_leads(
    rows: FigureRows, params: Mapping[str, Any], won: Iterable[tuple[int, str]]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """The rep's distinct-prospect counts of the window (by method, by source), each with
    `lost`: the prospects who said no to the rep without a deal of the rep's (`won`, its
    prospects and the methods their deals count under)."""
    by_method: dict[str, dict[str, int]] = {}
    by_source: dict[str, dict[str, int]] = {}
    for row in rows.dicts(REP_LEADS_SQL, params):
        side = by_method if row["per_method"] else by_source
        side[row["name"]] = {count: int(row[count]) for count in _LEAD_COUNTS}
    refusals: dict[int, set[str]] = {}
    sources: dict[int, str] = {}
    for prospect_id, method, source in rows.rows(REP_REFUSING_BUYERS_SQL, params):
        refusals.setdefault(prospect_id, set()).add(method)
        sources[prospect_id] = source
    won_refused: dict[tuple[str, str], int] = {}
    for prospect_id, methods in _methods_of_deals(won).items():
        said_no = refusals.get(prospect_id, set())
        if said_no:
            key = ("source", sources[prospect_id])
            won_refused[key] = won_refused.get(key, 0) + 1
        for method in methods & said_no:
            won_refused[("method", method)] = won_refused.get(("method", method), 0) + 1
    for kind, side in (("method", by_method), ("source", by_source)):
        for name, total in side.items():
            total["won_refused"] = won_refused.get((kind, name), 0)
            total["lost"] = total["refused"] - total["won_refused"]
    return by_method, by_source


def _methods_of_deals(won: Iterable[tuple[int, str]]) -> dict[int, set[str]]:
    methods: dict[int, set[str]] = {}
    for prospect_id, method in won:
        methods.setdefault(prospect_id, set()).add(method)
    return methods


def rep_meeting_leads(rows: FigureRows, params: Mapping[str, Any]) -> tuple[int, int]:
    """How many prospects had a `meeting` call of the rep's in the window, and how many of
    them have a deal of the rep's closed in it."""
    met, bought = rows.first(REP_MEETING_LEADS_SQL, params, (0, 0))
    return int(met), int(bought)


def rep_first_calls(rows: FigureRows, params: Mapping[str, Any]) -> list[Any]:
    """(source, the waits in seconds as `1,2,3`, how many cannot be read) of the prospects
    the rep called first in the window."""
    return rows.rows(REP_FIRST_CALLS_SQL, params)
