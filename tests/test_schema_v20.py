"""Schema v20: a SQLite file indexes lead_marks' last meetings (lead_marks_meetings, as a
team's book does), so that counting the prospects who booked a meeting in a window reads
the window's meetings, not every mark of the book; and the calls whose start is in another
form than funnel's (calls_other_forms), so that a window's partial UTC day can be counted
whole from call_days less its calls outside the window. The counts are the same on both
backends, in every zone, and an upgraded file gives them too."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.checks import check_database
from funnel_tui.domain import CONNECT_OUTCOMES, sql_list
from funnel_tui.figure_sql import call_started_sql
from funnel_tui.foreign_values import stored_moment_sql
from funnel_tui.manager_figures import (
    BOOK_COUNTS,
    MEETING_LEADS_AND_BUYERS_SQL,
    Window,
    count_params,
    load_today_activity,
)
from funnel_tui.pace import WON_SQL, load_pace
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.settings import Settings
from funnel_tui.store.dialect import Dialect, dialect_of
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
    params = {**window.params, "rep": None}
    return db.execute(MEETING_LEADS_AND_BUYERS_SQL.for_db(db), params).fetchone()[0]


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
            for row in db.execute(
                f"EXPLAIN QUERY PLAN {MEETING_LEADS_AND_BUYERS_SQL.sqlite}",
                {**NOVEMBER.params, "rep": None},
            )
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


# Calls around Monday 30 November 2026 in several zones, written as funnel writes them and
# as other tools do: a date alone, a space, Z, another offset (each with its outcome).
DAY_CALLS = [
    ("2026-11-29T22:00:00+00:00", "no_answer"),
    ("2026-11-30", "meeting"),
    ("2026-11-30 03:00", "callback"),
    ("2026-11-30T02:00:00+00:00", "no_answer"),
    ("2026-11-30T06:00:00+02:00", "not_interested"),
    ("2026-11-30T01:00:00-05:00", "meeting"),
    ("2026-11-30T10:00:00Z", "voicemail"),
    ("2026-11-30T15:00:00+00:00", "callback"),
    ("2026-11-30T20:30:00+00:00", "no_answer"),
    ("2026-11-30T23:59:59+00:00", "meeting"),
    ("2026-12-01", "no_answer"),
    ("2026-12-01 02:00", "callback"),
    ("2026-12-01T04:30:00+00:00", "meeting"),
    ("2026-12-01T13:00:00+00:00", "no_answer"),
    ("soon", "meeting"),
]
ZONES = ["UTC", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham"]


# The oracle: every call of the local day, each moment read in the stored form, one by one
# (PostgreSQL also reads a moment written with another offset; a file takes it for none).
def day_sql(dialect: Dialect) -> str:
    moment = (
        call_started_sql(dialect)
        if dialect is Dialect.POSTGRESQL
        else stored_moment_sql("calls", "started_at", "c.")
    )
    return f"""
SELECT count(*), count(*) FILTER (WHERE c.outcome IN ({sql_list(sorted(CONNECT_OUTCOMES))})),
    count(*) FILTER (WHERE c.outcome = 'meeting')
FROM calls c WHERE {moment} >= :start AND {moment} < :end
"""


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("day", [date(2026, 11, 30), date(2026, 12, 1)], ids=["30", "1"])
def test_the_gauges_day_counts_its_calls_in_any_zone_whatever_their_form(
    book_db: Any, zone: str, day: date
) -> None:
    """The day's UTC days counted whole less their calls outside it, or read as its calls
    in it: the same dials, connects and meetings as every call of the day read one by one."""
    prospect_id = insert_row(book_db, "prospects", {"name": "Ann"})
    for started, outcome in DAY_CALLS:
        row = {"prospect_id": prospect_id, "outcome": outcome, "started_at": started}
        insert_row(book_db, "calls", row)
    tz = ZoneInfo(zone)
    window = Window.of_days(day, day, tz)
    activity = load_today_activity(book_db, day, tz)
    expected = book_db.execute(day_sql(dialect_of(book_db)), window.params).fetchone()
    assert expected[0], "the day has calls"
    assert (activity.dials, activity.connects, activity.meetings) == tuple(expected)


def test_a_days_calls_outside_a_window_are_read_by_index_in_a_file(db: Any) -> None:
    """Monday in New York begins at 05:00 UTC: Monday's UTC counts, less its calls before
    05:00, read as two ranges of calls_started and two of calls_other_forms."""
    window = Window.of_days(date(2026, 11, 30), date(2026, 11, 30), ZoneInfo("America/New_York"))
    params = count_params(window, None)
    assert params["first_day"] == "2026-11-30"
    plan = [
        row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {BOOK_COUNTS.outside.sqlite}", params)
    ]
    ranges = "(started_at>? AND started_at<?)"
    assert plan.count(f"SEARCH c USING INDEX calls_started {ranges}") == 2, plan
    assert plan.count(f"SEARCH c USING INDEX calls_other_forms {ranges}") == 2, plan


def test_the_deals_whose_day_cannot_be_read_are_found_by_their_own_index(db: Any) -> None:
    """What a period won counts the deals whose closed_on cannot be read as left out: from
    deals_unreadable_closed, not by testing the day of every deal of the book."""
    params = {"starts_on": "2026-11-01", "after_end": "2026-12-01", "rep": None}
    plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {WON_SQL.one.sqlite}", params)]
    assert "SCAN o USING INDEX deals_unreadable_closed" in plan, plan
    assert not any("SCAN o USING INDEX deals_closed" in step for step in plan), plan


def test_a_source_called_only_before_the_window_on_its_first_utc_day_is_not_listed(
    book_db: Any,
) -> None:
    """November in New York begins at 05:00 UTC on the 1st: that day is counted whole, less
    its calls before 05:00. A source and a method whose only call came then add up to
    nothing, and the breakdowns leave them out instead of listing them with no calls."""
    insert_row(
        book_db,
        "targets",
        {"period": "month", "starts_on": "2026-11-01", "ends_on": "2026-11-30", "amount_cents": 1},
    )
    ada = insert_row(
        book_db, "prospects", {"name": "Ada", "source": "webinar", "method": "solution"}
    )
    bob = insert_row(
        book_db, "prospects", {"name": "Bob", "source": "referral", "method": "solution"}
    )
    # 22:00 on 31 October in New York, under a method of its own.
    before = {"prospect_id": ada, "outcome": "no_answer", "method": "inbound"}
    insert_row(book_db, "calls", {**before, "started_at": "2026-11-01T02:00:00+00:00"})
    during = {"prospect_id": bob, "outcome": "no_answer", "started_at": "2026-11-10T15:00:00+00:00"}
    insert_row(book_db, "calls", during)
    pace = load_pace(book_db, date(2026, 11, 12), Settings(), tz=ZoneInfo("America/New_York"))
    assert pace is not None
    assert [(row.name, row.calls) for row in pace.by_source] == [("referral", 1)]
    assert [(row.name, row.calls) for row in pace.by_method] == [("solution", 1)]
