"""Schema v28: an empty next call another tool writes ('', as sqlite-utils writes an empty
CSV cell, or only spaces) is no next call given: written over one it keeps it and its
tasks, meetings included, so the calendar sends no cancellation (NULL still cancels them),
and a prospect added with it has none, on both backends; a version 27 book the old
triggers left with tasks due '' and next calls '' is repaired by its upgrade, the tasks
kept open with their times back, so that `funnel check` finds nothing; and `funnel check
--repair` puts the triggers back."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
import psycopg
import pytest
from click.testing import CliRunner
from sqlite_utils.cli import cli as sqlite_utils_cli

from funnel_tui.calendar_file import calendar_file
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from tests.cli_support import invoke
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer
from tests.rows import insert_row, update_row

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CALLBACK = "2026-12-03T12:30:00+00:00"
MEETING = "2026-12-09T15:00:00+00:00"
BOOKED_AT = "2026-11-30T14:00:00+00:00"
NEXT_CALL = "SELECT next_call_at, next_task_kind FROM prospects WHERE id = ?"
NEXT_CALL_TRIGGERS = ("prospects_next_call_inserted", "prospects_next_call_written")
TASKS = "SELECT kind, due_at, status FROM tasks WHERE prospect_id = ? ORDER BY id"
# What a CSV's empty cell may hold.
EMPTIES = ["", "  ", "\t\r\n"]


def _rows(db: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.execute(sql, list(params)).fetchall()]


def _with_a_meeting_and_a_callback(db: Any) -> int:
    """Sam, with a callback and a meeting booked; his id."""
    sam = insert_row(db, "prospects", {"name": "Sam Adeyemi"})
    for kind, due in (("callback", CALLBACK), ("meeting", MEETING)):
        insert_row(db, "tasks", {"prospect_id": sam, "kind": kind, "due_at": due})
    return sam


@pytest.mark.parametrize("empty", EMPTIES)
def test_an_empty_next_call_written_over_one_keeps_it_and_its_tasks(
    book_db: Any, empty: str
) -> None:
    emptied, cleared = (
        _with_a_meeting_and_a_callback(book_db),
        _with_a_meeting_and_a_callback(book_db),
    )

    update_row(book_db, "prospects", emptied, {"next_call_at": empty})
    update_row(book_db, "prospects", cleared, {"next_call_at": None})

    assert _rows(book_db, NEXT_CALL, emptied) == [(CALLBACK, "callback")]
    assert _rows(book_db, TASKS, emptied) == [
        ("callback", CALLBACK, "open"),
        ("meeting", MEETING, "open"),
    ]
    # NULL still clears the next call, and cancels the open tasks.
    assert _rows(book_db, NEXT_CALL, cleared) == [(None, None)]
    assert _rows(book_db, TASKS, cleared) == [
        ("callback", CALLBACK, "cancelled"),
        ("meeting", MEETING, "cancelled"),
    ]


@pytest.mark.parametrize("empty", ["", " "])
def test_a_prospect_added_with_an_empty_next_call_has_no_task(book_db: Any, empty: str) -> None:
    zed = insert_row(book_db, "prospects", {"name": "Zed Empty", "next_call_at": empty})

    assert _rows(book_db, NEXT_CALL, zed) == [(None, None)]
    assert _rows(book_db, TASKS, zed) == []


def test_a_real_next_call_written_still_moves_the_task(book_db: Any) -> None:
    sam = insert_row(book_db, "prospects", {"name": "Sam Adeyemi"})
    insert_row(book_db, "tasks", {"prospect_id": sam, "kind": "callback", "due_at": CALLBACK})

    update_row(book_db, "prospects", sam, {"next_call_at": MEETING})

    assert _rows(book_db, NEXT_CALL, sam) == [(MEETING, "callback")]
    assert _rows(book_db, TASKS, sam) == [("callback", MEETING, "open")]


# --- sqlite-utils writing a CSV --------------------------------------------------------


def sqlite_utils_says(*args: str | Path) -> str:
    """Run the `sqlite-utils` command, as the user does; what it printed."""
    result = CliRunner().invoke(sqlite_utils_cli, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    return result.output


def _cancellations(path: Path) -> list[str]:
    storage = open_storage(path)
    try:
        content = calendar_file(storage.db, NOW, days=30).content
    finally:
        storage.close()
    calendar = icalendar.Calendar.from_ical(content)
    return [
        str(event["UID"]) for event in calendar.walk("VEVENT") if event["STATUS"] == "CANCELLED"
    ]


def test_an_upsert_with_empty_next_calls_keeps_the_meetings_and_sends_no_cancellation(
    tmp_path: Path,
) -> None:
    path = tmp_path / "funnel.db"
    storage = open_storage(path)
    sam = insert_row(storage.db, "prospects", {"name": "Sam Adeyemi"})
    meeting = datetime.fromisoformat(MEETING)
    log_call(
        storage.db,
        sam,
        CallOutcome(Outcome.MEETING, follow_up_at=meeting),
        now=NOW,
        settings=Settings(),
    )
    storage.close()
    changes = tmp_path / "up.csv"
    changes.write_text(
        f"id,name,company,next_call_at\n{sam},Sam Adeyemi,Kestrel Freight,\n", encoding="utf-8"
    )
    tasks_before = _rows(sqlite3.connect(path), TASKS, sam)

    sqlite_utils_says("upsert", path, "prospects", changes, "--csv", "--pk", "id")

    conn = sqlite3.connect(path)
    assert tasks_before == [("meeting", MEETING, "open")]
    assert _rows(conn, TASKS, sam) == tasks_before
    assert _rows(conn, "SELECT company, next_call_at FROM prospects WHERE id = ?", sam) == [
        ("Kestrel Freight", MEETING)
    ]
    conn.close()
    assert _cancellations(path) == []
    checked = invoke("check", "--db", path)
    assert (checked.exit_code, checked.stderr) == (0, "")


# --- the upgrade from v27 ---------------------------------------------------------------

# What the triggers of v27 left: Sam's callback, booked by a call, due '' once another tool
# emptied his next call; Zed, added with an empty next call, a call task due ''; Ann's
# meeting, moved to a tab by another tool, behind her call task due '' (another tool's);
# Bo, added with a next call of spaces.
OLDER_BOOK = (
    "INSERT INTO prospects (id, name) VALUES (1, 'Sam'), (3, 'Ann')",
    "INSERT INTO calls (id, prospect_id, started_at, outcome, follow_up_at) VALUES"
    f" (1, 1, '{BOOKED_AT}', 'callback', '{CALLBACK}'),"
    f" (2, 3, '{BOOKED_AT}', 'meeting', '{MEETING}')",
    "INSERT INTO tasks (prospect_id, kind, due_at, call_id, created_at)"
    f" VALUES (1, 'callback', '{CALLBACK}', 1, '{BOOKED_AT}'),"
    f" (3, 'meeting', '{MEETING}', 2, '{BOOKED_AT}'), (3, 'call', '', NULL, '{BOOKED_AT}')",
    "UPDATE prospects SET next_call_at = '' WHERE id = 1",
    "UPDATE prospects SET next_call_at = chr(9) WHERE id = 3",
    "INSERT INTO prospects (id, name, next_call_at, created_at)"
    f" VALUES (2, 'Zed', '', '{BOOKED_AT}'), (4, 'Bo', '  ', '{BOOKED_AT}')",
    f"UPDATE tasks SET created_at = '{BOOKED_AT}' WHERE prospect_id IN (2, 4)",
)
# As the triggers of v27 left them, task by task.
HIT = [
    (1, "callback", "", "open", "", "callback"),
    (2, "call", "", "open", "", "call"),
    (3, "meeting", "\t", "open", "\t", "meeting"),
    (3, "call", "", "open", "\t", "meeting"),
    (4, "call", "  ", "open", "  ", "call"),
]
# Each task due at empty text gets the time its call booked, else when it was made, and
# stays open; each next call is the earliest open task's again.
UPGRADED = [
    (1, "callback", CALLBACK, "open", CALLBACK, "callback"),
    (2, "call", BOOKED_AT, "open", BOOKED_AT, "call"),
    (3, "meeting", MEETING, "open", BOOKED_AT, "call"),
    (3, "call", BOOKED_AT, "open", BOOKED_AT, "call"),
    (4, "call", BOOKED_AT, "open", BOOKED_AT, "call"),
]


def _tasks_and_next_calls(db: Any) -> list[tuple[Any, ...]]:
    return _rows(
        db,
        "SELECT t.prospect_id, t.kind, t.due_at, t.status, p.next_call_at, p.next_task_kind"
        " FROM tasks t JOIN prospects p ON p.id = t.prospect_id ORDER BY t.prospect_id, t.id",
    )


def test_a_version_27_file_upgraded_has_its_tasks_open_with_their_times(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 27)
    for statement in OLDER_BOOK:
        conn.execute(statement.replace("chr(", "char("))
    assert _tasks_and_next_calls(conn) == HIT
    conn.close()

    # The check upgrades the file first, and then finds nothing to list.
    checked = invoke("check", "--db", path)
    assert checked.exit_code == 0, checked.output
    assert [line.split(",")[0] for line in checked.stderr.splitlines()] == [
        "Upgrading the book from schema v27 to v28"
    ]
    storage = open_storage(path)
    try:
        assert _tasks_and_next_calls(storage.db) == UPGRADED
    finally:
        storage.close()
    assert _cancellations(path) == []


def test_a_teams_version_27_book_upgraded_has_them_open_too(
    postgres_server: PostgresServer,
) -> None:
    with team_database_at(postgres_server, 27) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in OLDER_BOOK:
                conn.execute(statement)
            assert _tasks_and_next_calls(conn) == HIT
        storage = open_team_book(url)
        try:
            assert _tasks_and_next_calls(storage.db) == UPGRADED
        finally:
            storage.close()


# --- funnel check and --repair ----------------------------------------------------------


def _book_with_a_callback(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "funnel.db"
    storage = open_storage(path)
    sam = insert_row(storage.db, "prospects", {"name": "Sam Adeyemi"})
    insert_row(storage.db, "tasks", {"prospect_id": sam, "kind": "callback", "due_at": CALLBACK})
    storage.close()
    return path, sam


def test_repair_puts_back_the_triggers_that_leave_an_empty_next_call_alone(
    tmp_path: Path,
) -> None:
    path, sam = _book_with_a_callback(tmp_path)
    # Another tool puts back the triggers as v27 had them.
    older = file_at_version(tmp_path / "older.db", 27)
    v27_triggers = older.execute(
        "SELECT name, sql FROM sqlite_master WHERE name IN (?, ?)", NEXT_CALL_TRIGGERS
    ).fetchall()
    older.close()
    conn = sqlite3.connect(path, isolation_level=None)
    for name, sql in v27_triggers:
        conn.execute(f"DROP TRIGGER {name}")
        conn.execute(sql)
    conn.close()
    listed = invoke("check", "--db", path)
    assert (listed.exit_code, listed.stderr) == (
        1,
        f"funnel: {path}: the triggers that keep the tasks of a next call written to"
        f" prospects were changed ({', '.join(NEXT_CALL_TRIGGERS)}); `funnel check --repair`"
        " puts funnel's back\n",
    )

    repaired = invoke("check", "--repair", "--db", path)
    assert repaired.exit_code == 0, repaired.output
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE prospects SET next_call_at = '' WHERE id = ?", [sam])
    assert _rows(conn, TASKS, sam) == [("callback", CALLBACK, "open")]
    assert _rows(conn, NEXT_CALL, sam) == [(CALLBACK, "callback")]
    conn.close()
    checked = invoke("check", "--db", path)
    assert (checked.exit_code, checked.stderr) == (0, "")
