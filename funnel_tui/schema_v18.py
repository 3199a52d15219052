"""Schema v18: each prospect's lead marks name the rep who made all its calls (`only_rep`).

A rep's leads of a window (PRODUCT 9b, 16) were counted from every call the rep made in
it, each joined to its prospect for its method and source: a team's month at 1,000,000
prospects is 822,000 calls looked up one by one. Most prospects are called by one rep
only, their owner's or the one who claimed them from the pool; for those, the book's own
marks are that rep's. `only_rep` holds that rep on every mark row of the prospect (NULL
when several reps called them, or a call has no rep), so a rep's leads are read from the
marks of their own prospects, and only the calls of prospects that several reps shared
are read one by one (rep_figures). The same triggers as before keep it (schema_v4, which
builds both), and now also follow a call given to another rep.

`lead_marks_reps` holds the one-rep prospects' marks by their last call, with every
column the count reads; it is partial, so a one-rep book (whose calls have no rep) keeps
it empty and pays nothing for it when a call is logged. In a file, a rep's calls of the
shared prospects are found from the rep's calls of the window (calls_rep), each checked
against its prospect's marks. A team's PostgreSQL book indexes every mark by its last
call, and the shared prospects' marks apart (store/postgres_schema.py, v18).
"""

from __future__ import annotations

from funnel_tui.foreign_values import wrong_value_sql
from funnel_tui.schema_v4 import (
    LEAD_MARK_COLUMNS_WITH_REP,
    LEAD_MARKS_WITH_REP_FROM_CALLS,
    lead_marks_triggers,
    only_rep_sql,
)

LEAD_MARKS_COLUMNS = LEAD_MARK_COLUMNS_WITH_REP
ONLY_REP_COLUMN = "ALTER TABLE lead_marks ADD COLUMN only_rep TEXT"
LEAD_MARKS_TRIGGERS = lead_marks_triggers(with_rep=True)

LEAD_MARKS_FROM_CALLS = LEAD_MARKS_WITH_REP_FROM_CALLS
# Filled once from each marked prospect's calls whose start is a moment, as the marks
# are (calls_prospect); in a book where no call has a rep (one rep's own), nothing to do.
FILL_ONLY_REP = f"""
UPDATE lead_marks SET only_rep = (
    SELECT {only_rep_sql("c")} FROM calls c
    WHERE c.prospect_id = lead_marks.prospect_id
        AND NOT {wrong_value_sql("calls", "started_at", "c.")})
WHERE EXISTS (SELECT 1 FROM calls WHERE rep IS NOT NULL)
"""

INDEXES = """
CREATE INDEX lead_marks_reps ON lead_marks (
    last_call_at, only_rep, per_method, method, only_method, source, last_connect_at,
    last_meeting_at, last_refusal_at, prospect_id) WHERE only_rep IS NOT NULL;
"""
