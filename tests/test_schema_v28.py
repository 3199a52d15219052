"""Schema v28: a next call another tool writes empty ('', as sqlite-utils writes an empty
CSV cell) clears it, exactly as NULL does, on both backends; a version 27 book the old
triggers left with tasks due '' and next calls '' is repaired by its upgrade, so that
`funnel check` finds nothing; and `funnel check --repair` puts the new triggers back."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from sqlite_utils.cli import cli as sqlite_utils_cli

from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from tests.cli_support import invoke
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer
from tests.rows import insert_row, update_row

CALLBACK = "2026-12-03T12:30:00+00:00"
MEETING = "2026-12-09T15:00:00+00:00"
BOOKED_AT = "2026-11-30T14:00:00+00:00"
NEXT_CALL = "SELECT next_call_at, next_task_kind FROM prospects WHERE id = ?"
NEXT_CALL_TRIGGERS = ("prospects_next_call_inserted", "prospects_next_call_written")
TASKS = "SELECT kind, due_at, status FROM tasks WHERE prospect_id = ? ORDER BY id"


def _rows(db: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.execute(sql, list(params)).fetchall()]


def _with_a_callback(db: Any) -> int:
    """Sam, with a callback booked; his id."""
    sam = insert_row(db, "prospects", {"name": "Sam Adeyemi"})
    insert_row(db, "tasks", {"prospect_id": sam, "kind": "callback", "due_at": CALLBACK})
    return sam


@pytest.mark.parametrize("empty", ["", "  ", "\t\r\n"])
def test_an_empty_next_call_written_cancels_the_open_tasks_as_null_does(
    book_db: Any, empty: str
) -> None:
    cleared, emptied = _with_a_callback(book_db), _with_a_callback(book_db)

    update_row(book_db, "prospects", cleared, {"next_call_at": None})
    update_row(book_db, "prospects", emptied, {"next_call_at": empty})

    assert _rows(book_db, NEXT_CALL, emptied) == [(None, None)]
    assert _rows(book_db, TASKS, emptied) == [("callback", CALLBACK, "cancelled")]
    assert _rows(book_db, TASKS, emptied) == _rows(book_db, TASKS, cleared)


@pytest.mark.parametrize("empty", ["", " "])
def test_a_prospect_added_with_an_empty_next_call_has_no_task(book_db: Any, empty: str) -> None:
    zed = insert_row(book_db, "prospects", {"name": "Zed Empty", "next_call_at": empty})

    assert _rows(book_db, NEXT_CALL, zed) == [(None, None)]
    assert _rows(book_db, TASKS, zed) == []


def test_a_real_next_call_written_still_moves_the_task(book_db: Any) -> None:
    sam = _with_a_callback(book_db)

    update_row(book_db, "prospects", sam, {"next_call_at": MEETING})

    assert _rows(book_db, NEXT_CALL, sam) == [(MEETING, "callback")]
    assert _rows(book_db, TASKS, sam) == [("callback", MEETING, "open")]


def sqlite_utils_says(*args: str | Path) -> None:
    """Run the `sqlite-utils` command, as the user does."""
    result = CliRunner().invoke(sqlite_utils_cli, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output


def test_sqlite_utils_writing_empty_cells_leaves_nothing_for_check(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    storage = open_storage(path)
    sam = _with_a_callback(storage.db)
    storage.close()
    leads = tmp_path / "more.csv"
    leads.write_text("name,company,next_call_at\nZed Empty,,\n", encoding="utf-8")

    sqlite_utils_says("query", path, f"update prospects set next_call_at = '' where id = {sam}")
    sqlite_utils_says("insert", path, "prospects", leads, "--csv")

    conn = sqlite3.connect(path)
    assert _rows(conn, TASKS, sam) == [("callback", CALLBACK, "cancelled")]
    assert _rows(conn, "SELECT name, next_call_at FROM prospects ORDER BY id") == [
        ("Sam Adeyemi", None),
        ("Zed Empty", None),
    ]
    assert _rows(conn, "SELECT count(*) FROM tasks") == [(1,)]
    conn.close()
    checked = invoke("check", "--db", path)
    assert (checked.exit_code, checked.stderr) == (0, "")


# --- the upgrade from v27 ---------------------------------------------------------------

# What the triggers of v27 left: Sam's callback, booked by a call, due '' once another tool
# emptied his next call; Zed, added with an empty next call, a call task due ''; Ann's
# call task due '' (another tool's), behind her meeting; Bo, added with a next call of
# spaces. Only Ann has a real next call.
OLDER_BOOK = (
    "INSERT INTO prospects (id, name) VALUES (1, 'Sam'), (3, 'Ann')",
    "INSERT INTO calls (id, prospect_id, started_at, outcome, follow_up_at)"
    f" VALUES (1, 1, '{BOOKED_AT}', 'callback', '{CALLBACK}')",
    "INSERT INTO tasks (prospect_id, kind, due_at, call_id, created_at)"
    f" VALUES (1, 'callback', '{CALLBACK}', 1, '{BOOKED_AT}'),"
    f" (3, 'meeting', '{MEETING}', NULL, '{BOOKED_AT}'), (3, 'call', '', NULL, '{BOOKED_AT}')",
    "UPDATE prospects SET next_call_at = '' WHERE id = 1",
    "INSERT INTO prospects (id, name, next_call_at, created_at)"
    f" VALUES (2, 'Zed', '', '{BOOKED_AT}'), (4, 'Bo', '  ', '{BOOKED_AT}')",
    f"UPDATE tasks SET created_at = '{BOOKED_AT}' WHERE prospect_id IN (2, 4)",
)
HIT = [
    (1, "callback", "", "open", "", "callback"),
    (2, "call", "", "open", "", "call"),
    (3, "meeting", MEETING, "open", MEETING, "meeting"),
    (3, "call", "", "open", MEETING, "meeting"),
    (4, "call", "  ", "open", "  ", "call"),
]
# Each task due '' gets the time its call booked, else when it was made, and is
# cancelled; Ann's meeting stays her next call.
UPGRADED = [
    (1, "callback", CALLBACK, "cancelled", True, None, None),
    (2, "call", BOOKED_AT, "cancelled", True, None, None),
    (3, "meeting", MEETING, "open", False, MEETING, "meeting"),
    (3, "call", BOOKED_AT, "cancelled", True, MEETING, "meeting"),
    (4, "call", BOOKED_AT, "cancelled", True, None, None),
]


def _tasks_and_next_calls(db: Any) -> list[tuple[Any, ...]]:
    return _rows(
        db,
        "SELECT t.prospect_id, t.kind, t.due_at, t.status, t.done_at IS NOT NULL,"
        " p.next_call_at, p.next_task_kind"
        " FROM tasks t JOIN prospects p ON p.id = t.prospect_id ORDER BY t.prospect_id, t.id",
    )


def _hit(db: Any) -> list[tuple[Any, ...]]:
    return _rows(
        db,
        "SELECT t.prospect_id, t.kind, t.due_at, t.status, p.next_call_at, p.next_task_kind"
        " FROM tasks t JOIN prospects p ON p.id = t.prospect_id ORDER BY t.prospect_id, t.id",
    )


def test_a_version_27_file_upgraded_has_no_empty_next_call_left(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 27)
    for statement in OLDER_BOOK:
        conn.execute(statement)
    assert _hit(conn) == HIT
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


def test_a_teams_version_27_book_upgraded_has_none_left_either(
    postgres_server: PostgresServer,
) -> None:
    with team_database_at(postgres_server, 27) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in OLDER_BOOK:
                conn.execute(statement)
            assert _hit(conn) == HIT
        storage = open_team_book(url)
        try:
            assert _tasks_and_next_calls(storage.db) == UPGRADED
        finally:
            storage.close()


def test_repair_puts_back_the_triggers_that_clear_an_empty_next_call(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    storage = open_storage(path)
    sam = _with_a_callback(storage.db)
    storage.close()
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
    assert _rows(conn, TASKS, sam) == [("callback", CALLBACK, "cancelled")]
    conn.close()
    checked = invoke("check", "--db", path)
    assert (checked.exit_code, checked.stderr) == (0, "")
