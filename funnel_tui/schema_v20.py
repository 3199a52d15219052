"""Schema v20: indexes of a SQLite file that let a report read a window's few rows, and
the pipeline's from the index alone.

- `lead_marks_meetings`, the every-method marks with a meeting by the moment of the last
  one, as a team's book has had it since its v15. How many prospects booked a meeting in
  a window (the plan's meeting rate, on the pace screen and in `funnel report`) counted
  the marks through `lead_marks_grouped`, ordered by method and source first, so it read
  every every-method mark of the book whatever the window: 60,000 at 100,000 prospects
  (5 to 8 ms), ten times as many at 1,000,000. Now it reads the window's meetings alone.
- `calls_other_forms`, the calls whose start is not written in the form funnel stores
  (one GLOB tells): empty in a book only funnel writes. A window's partial UTC day at an
  edge can be counted as the day's counts in `call_days` less the calls of that day
  outside the window (manager_figures.call_counts), and those are a range of
  `calls_started` for the calls in funnel's form, whose text sorts as their moment, and
  this index's calls of the day for the others, each compared with the window.
- `deals_unreadable_closed`, the deals whose `closed_on` cannot be read, as a team's book
  has it since its v19: every report and the gauge count them as left out, and found them
  by testing the date of every deal of the book (22,672 at 1,000,000 prospects: 4.6 ms of
  the gauge's 7.5). Empty in a book only funnel writes.
- `prospects_pipeline` made again with the expected close day and the owner, so that the
  pipeline by stage and the opportunities closing soonest read no row of `prospects`
  (about 1 µs an open opportunity instead of 4: 1,924 of them at 100,000 prospects, ten
  times as many at 1,000,000). A team's book has held both since its v15.
"""

from __future__ import annotations

from funnel_tui.domain import PIPELINE_STAGES, sql_list
from funnel_tui.foreign_values import other_form_sql, wrong_value_sql

MEETINGS_INDEX = """
CREATE INDEX lead_marks_meetings ON lead_marks (last_meeting_at, prospect_id)
    WHERE per_method = 0 AND last_meeting_at IS NOT NULL
"""
OTHER_FORMS_INDEX = f"""
CREATE INDEX calls_other_forms ON calls (started_at) WHERE {other_form_sql("started_at")}
"""
PIPELINE_INDEX = f"""
CREATE INDEX prospects_pipeline ON prospects (stage, deal_value_cents, expected_close_on, owner)
    WHERE stage IN ({sql_list(PIPELINE_STAGES)}) AND deal_value_cents > 0
"""
UNREADABLE_CLOSED_INDEX = f"""
CREATE INDEX deals_unreadable_closed ON deals (rep)
    WHERE {wrong_value_sql("deals", "closed_on", "")}
"""
INDEXES = (
    MEETINGS_INDEX,
    OTHER_FORMS_INDEX,
    UNREADABLE_CLOSED_INDEX,
    "DROP INDEX IF EXISTS prospects_pipeline",
    PIPELINE_INDEX,
)
