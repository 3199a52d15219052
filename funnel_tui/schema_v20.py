"""Schema v20: the prospects' last meetings indexed in a SQLite file, as a team's book has
indexed them since its v15.

How many prospects booked a meeting in a window (the plan's meeting rate, on the pace
screen and in `funnel report`) counted the every-method marks whose last meeting is in it.
`lead_marks_grouped` is ordered by method and source first, so the count read every
every-method mark of the book, whatever the window: 60,000 at 100,000 prospects (5 to
8 ms), ten times as many at 1,000,000. `lead_marks_meetings` holds only the marks with a
meeting, by its moment, so the count reads the window's alone.
"""

from __future__ import annotations

MEETINGS_INDEX = """
CREATE INDEX lead_marks_meetings ON lead_marks (last_meeting_at, prospect_id)
    WHERE per_method = 0 AND last_meeting_at IS NOT NULL
"""
