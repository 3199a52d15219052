"""Schema v8: each rep's calls counted by UTC day, method and source (`rep_call_days`).

call_days counts the whole book's calls; a team report and a rep's plan need each rep's
own, and reading every call of a rep over a quarter is slow in a big team's book. So
`rep_call_days` counts exactly what call_days counts, per rep, kept by triggers in step
with `calls` and `prospects`: only calls with a rep count, so a one-rep book's table
stays empty and its calls pay for one test of `rep`. The same table and triggers are on
PostgreSQL (store/postgres_schema.py).
"""

from __future__ import annotations

from funnel_tui.schema_v4 import (
    CALL_DAY_COLUMNS,
    CALL_DAY_COUNT_DEFINITIONS,
    COUNTED_CALL_COLUMNS,
    call_day_sql,
    call_day_sums,
    count_call,
    count_prospect_calls,
    method_name_sql,
    row_changed_sql,
    source_name_sql,
)

REP_CALL_DAY_COLUMNS = ("rep", *CALL_DAY_COLUMNS)

REP_CALL_DAYS_TABLE = f"""
CREATE TABLE rep_call_days (
    rep TEXT NOT NULL,
    day TEXT NOT NULL,
    method TEXT NOT NULL,
    source TEXT NOT NULL,
    {CALL_DAY_COUNT_DEFINITIONS},
    PRIMARY KEY (rep, day, method, source)
) WITHOUT ROWID
"""

REP_CALL_DAYS_FROM_CALLS = f"""
SELECT c.rep, {call_day_sql("c")} AS day, {method_name_sql("c", "p")} AS method,
    {source_name_sql("p")} AS source, {call_day_sums("c")}
FROM calls c JOIN prospects p ON p.id = c.prospect_id
WHERE c.rep IS NOT NULL
GROUP BY 1, 2, 3, 4
"""

_REP_COUNTED_COLUMNS = (*COUNTED_CALL_COLUMNS, "rep")
_CALL_CHANGED = row_changed_sql(_REP_COUNTED_COLUMNS)
_DROP_EMPTY_DAY_OF_CALL = (
    f"DELETE FROM rep_call_days WHERE rep IS OLD.rep AND day = {call_day_sql('OLD')} AND calls = 0;"
)
_DROP_EMPTY_DAYS_OF_PROSPECT = f"""DELETE FROM rep_call_days WHERE calls = 0
        AND day IN (SELECT {call_day_sql("calls")} FROM calls WHERE prospect_id = OLD.id);"""

REP_CALL_DAYS_TRIGGERS = f"""
CREATE TRIGGER rep_call_days_after_call_insert AFTER INSERT ON calls
WHEN NEW.rep IS NOT NULL BEGIN
    {count_call("NEW", "", by_rep=True)}
END;

CREATE TRIGGER rep_call_days_after_call_delete AFTER DELETE ON calls
WHEN OLD.rep IS NOT NULL BEGIN
    {count_call("OLD", "-", by_rep=True)}
    {_DROP_EMPTY_DAY_OF_CALL}
END;

CREATE TRIGGER rep_call_days_after_call_update
AFTER UPDATE OF {", ".join(_REP_COUNTED_COLUMNS)} ON calls
WHEN (OLD.rep IS NOT NULL OR NEW.rep IS NOT NULL) AND ({_CALL_CHANGED}) BEGIN
    {count_call("OLD", "-", by_rep=True)}
    {count_call("NEW", "", by_rep=True)}
    {_DROP_EMPTY_DAY_OF_CALL}
END;

CREATE TRIGGER rep_call_days_after_prospect_insert AFTER INSERT ON prospects BEGIN
    {count_prospect_calls("NEW", "", by_rep=True)}
END;

CREATE TRIGGER rep_call_days_after_prospect_update
AFTER UPDATE OF id, method, source ON prospects
WHEN OLD.id IS NOT NEW.id OR OLD.method IS NOT NEW.method OR OLD.source IS NOT NEW.source BEGIN
    {count_prospect_calls("OLD", "-", by_rep=True)}
    {count_prospect_calls("NEW", "", by_rep=True)}
    {_DROP_EMPTY_DAYS_OF_PROSPECT}
END;

CREATE TRIGGER rep_call_days_before_prospect_delete BEFORE DELETE ON prospects BEGIN
    {count_prospect_calls("OLD", "-", by_rep=True)}
    {_DROP_EMPTY_DAYS_OF_PROSPECT}
END;
"""

# The plan's meeting rate reads each rep's `meeting` calls of 90 days: a few of theirs.
MEETING_CALLS_INDEX = """
CREATE INDEX calls_rep_meetings ON calls (rep, started_at, prospect_id) WHERE outcome = 'meeting'
"""
