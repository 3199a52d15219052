"""Schema v29: a meeting or callback deleted from the book (a call undone, a prospect
forgotten) comes as a cancellation in the next calendar file, which names no one, on
both backends; a version 28 book upgraded (a file or a team's database) records them
from then on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import psycopg

from funnel_tui.calendar_file import CANCELLATIONS_KEPT_DAYS, book_id, calendar_file
from funnel_tui.call_log import CallOutcome, log_call, undo_last_call
from funnel_tui.domain import Outcome
from funnel_tui.forget import forget_prospect
from funnel_tui.prospects import add_prospect
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import to_stored
from tests.cli_support import invoke
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer

NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)
MEETING_AT = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
CALLBACK_AT = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
SETTINGS = Settings(rep_name="Alex Morgan")
ANN = {
    "name": "Ann Archer",
    "company": "Archer Dental",
    "phone": "+13035550100",
    "email": "ann@archer.example",
    "timezone": "America/Denver",
}


def booked(db: Any, prospect_id: int, outcome: Outcome, when: datetime) -> None:
    entry = CallOutcome(outcome, follow_up_at=when, notes="Wants the rollout plan")
    log_call(db, prospect_id, entry, now=NOW, settings=SETTINGS)


def events(db: Any, *, rep: str | None = None, now: datetime = NOW) -> dict[str, Any]:
    content = calendar_file(db, now, days=30, rep=rep).content
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(content).walk("VEVENT")}


def uid(db: Any, task_id: int, prospect_id: int) -> str:
    return f"task-{task_id}.prospect-{prospect_id}.{book_id(db)}@funnel-tui"


def task_ids(db: Any, prospect_id: int) -> dict[str, int]:
    rows = db.execute(
        "SELECT kind, id FROM tasks WHERE prospect_id = ? AND kind IN ('meeting', 'callback')",
        [prospect_id],
    )
    return {kind: task_id for kind, task_id in rows}


def test_a_meeting_undone_is_cancelled_in_the_next_file(book_db: Any) -> None:
    ann = add_prospect(book_db, ANN, now=NOW - timedelta(days=3))
    booked(book_db, ann, Outcome.MEETING, MEETING_AT)
    meeting = task_ids(book_db, ann)["meeting"]
    before = events(book_db)[uid(book_db, meeting, ann)]
    assert str(before["STATUS"]) == "CONFIRMED"

    assert undo_last_call(book_db) is not None
    written = calendar_file(book_db, NOW, days=30)
    after = events(book_db)[uid(book_db, meeting, ann)]

    assert (written.events, written.cancelled) == (0, 1)
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.start == MEETING_AT
    assert str(after["SUMMARY"]) == "Cancelled meeting"


def test_a_forgotten_prospects_appointments_are_cancelled_naming_no_one(book_db: Any) -> None:
    ann = add_prospect(book_db, ANN, now=NOW - timedelta(days=3))
    booked(book_db, ann, Outcome.CALLBACK, CALLBACK_AT)
    booked(book_db, ann, Outcome.MEETING, MEETING_AT)
    tasks = task_ids(book_db, ann)
    before = calendar_file(book_db, NOW, days=30).content
    assert b"Ann Archer" in before

    forget_prospect(book_db, ann)
    written = calendar_file(book_db, NOW, days=30)
    found = events(book_db)

    assert {
        kind: str(found[uid(book_db, task, ann)]["STATUS"]) for kind, task in tasks.items()
    } == {
        "callback": "CANCELLED",
        "meeting": "CANCELLED",
    }
    assert written.cancelled == 2
    for shown in (b"Ann", b"Archer", b"archer.example", b"5550100", b"rollout", b"Denver"):
        assert shown not in written.content


def test_a_cancellation_stays_in_the_files_of_the_days_after_it_only(book_db: Any) -> None:
    ann = add_prospect(book_db, ANN, now=NOW - timedelta(days=3))
    booked(book_db, ann, Outcome.MEETING, MEETING_AT)
    meeting = task_ids(book_db, ann)["meeting"]
    undo_last_call(book_db)
    removed_at = NOW + timedelta(hours=1)
    book_db.execute("UPDATE calendar_cancellations SET removed_at = ?", [to_stored(removed_at)])

    late = removed_at + timedelta(days=CANCELLATIONS_KEPT_DAYS - 1)
    assert uid(book_db, meeting, ann) in events(book_db, now=late)
    later = removed_at + timedelta(days=CANCELLATIONS_KEPT_DAYS + 1)
    assert events(book_db, now=later) == {}


def test_a_task_written_back_with_its_id_is_one_event_newer_than_its_cancellation(
    book_db: Any,
) -> None:
    """Another tool put a backup's row back: the file held the meeting twice, confirmed
    at SEQUENCE 0 and cancelled at 1, and a calendar kept the cancellation."""
    ann = add_prospect(book_db, ANN, now=NOW - timedelta(days=3))
    booked(book_db, ann, Outcome.MEETING, MEETING_AT)
    meeting = task_ids(book_db, ann)["meeting"]
    columns = "id, prospect_id, kind, due_at, status, created_at, sequence"
    (row,) = book_db.execute(f"SELECT {columns} FROM tasks WHERE id = ?", [meeting]).fetchall()
    book_db.execute("DELETE FROM tasks WHERE id = ?", [meeting])
    cancelled = int(events(book_db)[uid(book_db, meeting, ann)]["SEQUENCE"])

    book_db.execute(f"INSERT INTO tasks ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?)", list(row))
    content = calendar_file(book_db, NOW, days=30).content

    assert content.count(uid(book_db, meeting, ann).encode()) == 1
    event = events(book_db)[uid(book_db, meeting, ann)]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) > cancelled


def test_a_removal_whose_due_time_was_no_moment_is_neither_written_nor_counted(
    book_db: Any,
) -> None:
    ann = add_prospect(book_db, ANN, now=NOW - timedelta(days=3))
    booked(book_db, ann, Outcome.MEETING, MEETING_AT)
    book_db.execute("UPDATE tasks SET due_at = 'soon-ish' WHERE kind = 'meeting'")
    book_db.execute("DELETE FROM tasks WHERE kind = 'meeting'")

    written = calendar_file(book_db, NOW, days=30)

    assert (written.events, written.cancelled, written.skipped) == (0, 0, 0)


def test_each_rep_gets_the_cancellations_of_their_own_prospects_and_the_pools(
    book_db: Any,
) -> None:
    ann = add_prospect(book_db, ANN, now=NOW - timedelta(days=3))
    bo = add_prospect(book_db, {"name": "Bo Chen"}, now=NOW - timedelta(days=3))
    cy = add_prospect(book_db, {"name": "Cy Diaz"}, now=NOW - timedelta(days=3))
    book_db.execute("UPDATE prospects SET owner = 'alex' WHERE id = ?", [ann])
    book_db.execute("UPDATE prospects SET owner = 'sam' WHERE id = ?", [bo])
    for prospect in (ann, bo, cy):
        booked(book_db, prospect, Outcome.MEETING, MEETING_AT)
    meetings = {prospect: task_ids(book_db, prospect)["meeting"] for prospect in (ann, bo, cy)}
    book_db.execute("DELETE FROM tasks WHERE kind = 'meeting'")

    alex = events(book_db, rep="alex")

    assert set(alex) == {uid(book_db, meetings[p], p) for p in (ann, cy)}
    assert all(str(event["STATUS"]) == "CANCELLED" for event in alex.values())


def test_funnel_calendar_counts_the_cancellations(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    storage = open_storage(path)
    ann = add_prospect(storage.db, ANN, now=NOW - timedelta(days=3))
    booked(storage.db, ann, Outcome.MEETING, datetime.now(UTC) + timedelta(days=2))
    undo_last_call(storage.db)
    storage.close()

    result = invoke("calendar", "-o", tmp_path / "c.ics", "--db", path)

    assert result.exit_code == 0, result.output
    assert "Wrote 0 meetings and callbacks and 1 cancelled" in result.stderr


# --- the upgrade from v28 ---------------------------------------------------------------

OLDER_ROWS = (
    "INSERT INTO prospects (id, name) VALUES (1, 'Ann')",
    "INSERT INTO tasks (id, prospect_id, kind, due_at)"
    " VALUES (1, 1, 'meeting', '2026-11-24T15:00:00+00:00'),"
    " (2, 1, 'call', '2026-11-20T15:00:00+00:00')",
)


def cancelled_after_the_upgrade(db: Any) -> None:
    """A meeting and a call deleted after the upgrade: the meeting's removal is kept, the
    call (no event) is not."""
    assert db.execute("SELECT count(*) FROM calendar_cancellations").fetchone()[0] == 0
    db.execute("DELETE FROM tasks")
    rows = db.execute("SELECT task_id, kind, due_at, sequence FROM calendar_cancellations")
    assert [tuple(row) for row in rows] == [(1, "meeting", "2026-11-24T15:00:00+00:00", 1)]
    assert str(events(db)[uid(db, 1, 1)]["STATUS"]) == "CANCELLED"


def test_a_version_28_file_upgraded_records_the_appointments_deleted(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 28)
    for statement in OLDER_ROWS:
        conn.execute(statement)
    conn.close()

    storage = open_storage(path)
    try:
        cancelled_after_the_upgrade(storage.db)
    finally:
        storage.close()


def test_a_teams_version_28_book_upgraded_records_them_too(
    postgres_server: PostgresServer,
) -> None:
    with team_database_at(postgres_server, 28) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in OLDER_ROWS:
                conn.execute(statement)
        storage = open_team_book(url)
        try:
            cancelled_after_the_upgrade(storage.db)
        finally:
            storage.close()


def test_a_cancellation_another_tool_wrote_shows_no_kind_it_does_not_know(book_db: Any) -> None:
    book_db.execute(
        "INSERT INTO calendar_cancellations (task_id, prospect_id, kind, due_at, sequence)"
        " VALUES (9001, 1, 'meet\ning', '2026-11-24T15:00:00+00:00', 3)"
    )

    (event,) = events(book_db).values()

    assert (str(event["SUMMARY"]), int(event["SEQUENCE"])) == ("Cancelled", 3)
    assert str(event["STATUS"]) == "CANCELLED"
