"""Schema v22: the lead marks counted by the UTC day of each of their moments, kept by
triggers (`lead_mark_days`).

The report's leads (the prospects worked, reached, with a meeting and with a refusal in a
window, by method and by source) read every mark called since the window began, through
`lead_marks_grouped`, whose order is that of the groups: 18 of the 21 ms of the pace
screen's month at 100,000 prospects, and 61 ms at 1,000,000, read whatever the window's
length. A mark's flag is its last moment of the kind falling in the window, so for the
UTC days wholly inside it the counts are sums: `lead_mark_days` holds, for each UTC day
and group (`per_method`, `method`, `only_method`, `source`, as the marks have them), how
many marks have their last call, connect, meeting and refusal on that day. A window then
reads one row a day and group for its whole days, and the marks themselves only at its
edges (manager_figures.LEAD_EDGES_SQL): the part of a UTC day the window's local
midnights cut, and what came after its end.

`only_method` is NULL where the marks have none, a key of its own as in `lead_marks` (an
empty method is another): the triggers find a day's row with `IS`, and make it before
they add to it, as deal_days' do for a NULL rep. They fire on `lead_marks` itself,
whatever wrote it (its own triggers, on calls and prospects, or a repair), and touch
`lead_mark_days` only, which has none. A team's PostgreSQL book keeps the same table with
statement triggers of its own, which lock the rows they change in the order of the key
(store/postgres_schema.py, v22).
"""

from __future__ import annotations

from funnel_tui.schema_v21 import counting_triggers

LEAD_MARK_DAY_COLUMNS = (
    "day",
    "per_method",
    "method",
    "only_method",
    "source",
    "calls",
    "connects",
    "meetings",
    "refusals",
)
# Each count's moment of a mark, in the order of the counts.
MOMENTS = {
    "calls": "last_call_at",
    "connects": "last_connect_at",
    "meetings": "last_meeting_at",
    "refusals": "last_refusal_at",
}
# The marks' groups, as the report reads them.
GROUP = ("per_method", "method", "only_method", "source")

TABLE = """
CREATE TABLE lead_mark_days (
    day TEXT NOT NULL,
    per_method INTEGER NOT NULL,
    method TEXT NOT NULL,
    only_method TEXT,
    source TEXT NOT NULL,
    calls INTEGER NOT NULL,
    connects INTEGER NOT NULL,
    meetings INTEGER NOT NULL,
    refusals INTEGER NOT NULL
);
CREATE UNIQUE INDEX lead_mark_days_key
    ON lead_mark_days (day, per_method, method, only_method, source)
"""


def moment_days_sql(marks: str, weight: str = "1") -> str:
    """lead_mark_days' rows of the marks `marks` (a table or a subquery with lead_marks'
    columns), by day and group: each count the sum of `weight` (a column of `marks` as
    `m.`, or 1 a mark) over the marks whose moment falls on the day. With a weight of 1
    or -1 a mark, what a team's triggers add to the days (store/postgres_schema.py)."""
    group = ", ".join(GROUP)
    moments = " UNION ALL ".join(
        f"SELECT substr(m.{moment}, 1, 10) AS day, {', '.join(f'm.{column}' for column in GROUP)},"
        f" {weight} AS weight, {number} AS moment FROM {marks} AS m WHERE m.{moment} IS NOT NULL"
        for number, moment in enumerate(MOMENTS.values())
    )
    counts = ", ".join(
        f"coalesce(sum(weight) FILTER (WHERE moment = {number}), 0) AS {count}"
        for number, count in enumerate(MOMENTS)
    )
    return f"SELECT day, {group}, {counts} FROM ({moments}) AS moments GROUP BY day, {group}"


# Every mark's rows afresh: the upgrade's fill, and what `funnel check` compares with.
LEAD_MARK_DAYS_FROM_MARKS = moment_days_sql("lead_marks")

_INTO = f"INSERT INTO lead_mark_days ({', '.join(LEAD_MARK_DAY_COLUMNS)})"
FILL = _INTO + LEAD_MARK_DAYS_FROM_MARKS


def _days_of(mark: str) -> str:
    return ", ".join(f"substr({mark}.{moment}, 1, 10)" for moment in MOMENTS.values())


def _of_group(mark: str, row: str = "") -> str:
    """lead_mark_days' rows (`row`: their alias and a dot, or nothing) of the mark `mark`'s
    group (NEW or OLD); a NULL only_method is a group of its own."""
    return " AND ".join(f"{row}{column} IS {mark}.{column}" for column in GROUP)


def _rows_of(mark: str) -> str:
    """lead_mark_days' rows of the days of the mark `mark` (NEW or OLD), in its group."""
    return f"day IN ({_days_of(mark)}) AND {_of_group(mark)}"


def _moved(mark: str, sign: str) -> str:
    """Each count of the mark's rows moved by one (`sign` '+' or '-') on its moment's day."""
    moved = ", ".join(
        f"{count} = {count} {sign} (day IS substr({mark}.{moment}, 1, 10))"
        for count, moment in MOMENTS.items()
    )
    return f"UPDATE lead_mark_days SET {moved} WHERE {_rows_of(mark)};"


def _put_in(mark: str) -> str:
    days = " UNION ".join(
        f"SELECT substr({mark}.{moment}, 1, 10) AS day" for moment in MOMENTS.values()
    )
    group = ", ".join(f"{mark}.{column}" for column in GROUP)
    return f"""{_INTO}
    SELECT day, {group}, 0, 0, 0, 0 FROM ({days}) AS days
    WHERE day IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM lead_mark_days k WHERE k.day = days.day AND {_of_group(mark, "k.")});
    {_moved(mark, "+")}"""


def _take_out(mark: str) -> str:
    empty = " AND ".join(f"{count} = 0" for count in MOMENTS)
    return f"""{_moved(mark, "-")}
    DELETE FROM lead_mark_days WHERE {_rows_of(mark)} AND {empty};"""


TRIGGERS = counting_triggers(
    "lead_mark_days_after_mark",
    "lead_marks",
    (*GROUP, *MOMENTS.values()),
    _put_in,
    _take_out,
)
