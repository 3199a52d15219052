"""Schema v20: a SQLite file indexes lead_marks' last meetings (lead_marks_meetings, as a
team's book does), so that counting the prospects who booked a meeting in a window reads
the window's meetings, not every mark of the book; the count is the same on both backends,
and an upgraded file gives it too."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path
from typing import Any

from funnel_tui.checks import check_database
from funnel_tui.manager_figures import MEETING_LEADS_SQL, Window
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store.sqlite import open_storage
from tests.older_file import file_at_version
from tests.rows import insert_row

NOVEMBER = Window.of_days(date(2026, 11, 1), date(2026, 11, 30), UTC)

# Each prospect's calls: (month-day of 2026, outcome, method).
CALLS = {
    # A meeting in the window: counted.
    "Ann": [("11-03", "no_answer", ""), ("11-05", "meeting", "")],
    # A meeting before it, called again in it: not counted.
    "Bob": [("10-20", "meeting", ""), ("11-12", "no_answer", "")],
    # A meeting in it and another after it: the last one is after the window, the calls
    # tell of the first.
    "Cy": [("11-10", "meeting", ""), ("12-02", "meeting", "")],
    # A meeting only after it: not counted.
    "Dee": [("11-20", "no_answer", ""), ("12-03", "meeting", "")],
    # Meetings under two methods in it: one prospect.
    "Eve": [("11-08", "meeting", "benefits"), ("11-09", "meeting", "solution")],
}
MET_IN_NOVEMBER = 3


def started_at(day: str) -> str:
    return f"2026-{day}T15:00:00+00:00"


def meeting_leads(db: Any, window: Window) -> int:
    return db.execute(MEETING_LEADS_SQL.for_db(db), window.params).fetchone()[0]


def test_the_prospects_with_a_meeting_in_a_window_are_counted_once_each(book_db: Any) -> None:
    for name, calls in CALLS.items():
        prospect_id = insert_row(book_db, "prospects", {"name": name, "method": "solution"})
        for day, outcome, method in calls:
            row = {"prospect_id": prospect_id, "outcome": outcome, "method": method}
            insert_row(book_db, "calls", {**row, "started_at": started_at(day)})
    assert meeting_leads(book_db, NOVEMBER) == MET_IN_NOVEMBER
    # December so far holds Cy's and Dee's.
    assert meeting_leads(book_db, Window.of_days(date(2026, 12, 1), date(2026, 12, 4), UTC)) == 2


def test_a_version_19_file_upgraded_reads_the_windows_meetings_by_their_index(
    tmp_path: Path,
) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 19)
    for prospect_id, (name, calls) in enumerate(CALLS.items(), start=1):
        conn.execute(
            "INSERT INTO prospects (id, name, method) VALUES (?, ?, 'solution')",
            [prospect_id, name],
        )
        for day, outcome, method in calls:
            conn.execute(
                "INSERT INTO calls (prospect_id, outcome, method, started_at) VALUES (?, ?, ?, ?)",
                [prospect_id, outcome, method, started_at(day)],
            )
    conn.close()
    storage = open_storage(path)
    try:
        db = storage.db
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        assert meeting_leads(db, NOVEMBER) == MET_IN_NOVEMBER
        plan = [
            row[3]
            for row in db.execute(f"EXPLAIN QUERY PLAN {MEETING_LEADS_SQL.sqlite}", NOVEMBER.params)
        ]
        # From the window's start on, in the index alone; a prospect's calls only for a
        # last meeting after the window.
        assert plan[0] == "SEARCH m USING COVERING INDEX lead_marks_meetings (last_meeting_at>?)"
        # A meeting logged after the upgrade is in the index too.
        db.execute(
            "INSERT INTO calls (prospect_id, outcome, started_at) VALUES (2, 'meeting', ?)",
            [started_at("11-25")],
        )
        assert meeting_leads(db, NOVEMBER) == MET_IN_NOVEMBER + 1
    finally:
        storage.close()
    assert check_database(path) == []
