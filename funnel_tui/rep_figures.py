"""A rep's own leads in a team's book: the distinct-prospect figures of PRODUCT 9b.

The book's come from lead_marks, which marks every rep's calls together. A rep's come
from their own calls of the window, read by the calls_rep index (rep, started_at; on
PostgreSQL calls_rep_utc, by the moment in the stored form): per prospect, whether the
rep worked, reached, met or heard a no from them, as lead_marks marks them. The rep's
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
    method_sql,
    source_sql,
    stored_start_sql,
)
from funnel_tui.rep_rows import FigureRows, RepStatement, Whose
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.sql import NUMBER_LIST, in_dialect

# The rep's calls of the window, with their prospects.
_REP_CALLS = "calls c JOIN prospects p ON p.id = c.prospect_id"


def _flags_sql(dialect: Dialect, whose: Whose, calls: str = _REP_CALLS) -> str:
    """Each prospect the rep called in the window (of those `calls` joins), per method
    its calls count under: 1 or 0 for whether a call of theirs connected, was a
    `meeting`, was a `not_interested`."""
    method = method_sql(dialect)
    return f"""
SELECT {whose.key("c.rep")}c.prospect_id, {method} AS method, {source_sql(dialect)} AS source,
    max(CASE WHEN c.outcome IN ({CONNECTS}) THEN 1 ELSE 0 END) AS reached,
    max(CASE WHEN c.outcome = '{Outcome.MEETING}' THEN 1 ELSE 0 END) AS met,
    max(CASE WHEN c.outcome = '{Outcome.NOT_INTERESTED}' THEN 1 ELSE 0 END) AS refused
FROM {calls}
WHERE {whose.of_rep("c.rep")} AND {calls_of_window_sql(dialect)}
GROUP BY {whose.group("c.rep")}c.prospect_id, {method}, p.source"""


# The rep's leads: per method (a prospect counts under each method they were called
# with) and per source (each prospect once, over all their calls of the window).
def _rep_leads_sql(dialect: Dialect, whose: Whose) -> str:
    rep, by_rep = whose.key("rep"), whose.group("rep")
    return f"""
WITH flags AS ({_flags_sql(dialect, whose)})
SELECT {rep}1 AS per_method, method AS name, count(*) AS leads, sum(reached) AS reached,
    sum(met) AS met, sum(refused) AS refused
FROM flags GROUP BY {by_rep}method
UNION ALL
SELECT {rep}0, source, count(*), sum(reached), sum(met), sum(refused)
FROM (
    SELECT {rep}prospect_id, source, max(reached) AS reached, max(met) AS met,
        max(refused) AS refused
    FROM flags GROUP BY {by_rep}prospect_id, source
) AS leads
GROUP BY {by_rep}source
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


# For the plan: how many prospects had a `meeting` call of the rep's in the window, and
# how many of them have a deal of the rep's closed in it (a deal the plan counts). The
# window's deals are far fewer than those prospects (141,000 for a team's 90 days at
# 10,000,000 calls): they are matched in one join, not looked up once per prospect.
def _rep_meeting_leads_sql(dialect: Dialect, whose: Whose) -> str:
    return f"""
SELECT {whose.key("met.rep")}count(*), count(bought.rep)
FROM (
    SELECT DISTINCT c.rep, c.prospect_id FROM calls c
    WHERE {whose.of_rep("c.rep")} AND c.outcome = '{Outcome.MEETING}'
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
# (lead_marks_first) or the rep's calls of it (calls_rep, calls_rep_utc).
def _rep_first_calls_sql(dialect: Dialect, whose: Whose) -> str:
    return f"""
SELECT {whose.key("c.rep")}m.source, {in_dialect(NUMBER_LIST, dialect).format(x="m.wait_s")},
    count(*) FILTER (WHERE m.wait_s IS NULL)
FROM calls c JOIN lead_marks m
    ON m.prospect_id = c.prospect_id AND m.per_method = 0 AND m.method = ''
WHERE {whose.of_rep("c.rep")} AND {calls_of_window_sql(dialect)}
    AND m.first_call_at >= :start AND m.first_call_at < :end
    AND m.first_call_at = {stored_start_sql(dialect)}
GROUP BY {whose.group("c.rep")}m.source
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
