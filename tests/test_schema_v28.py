"""Schema v28: blank text another tool writes to a prospect's typed columns ('', as
sqlite-utils writes an empty CSV cell, or only spaces, Excel's no-break ones too) is no
value. Written over a value it keeps the value (a next call keeps its tasks, meetings
included, and the calendar sends no cancellation; NULL still cancels them); in a new row
it is none. On both backends; a version 27 book the old triggers left with tasks due ''
and values '' is repaired by its upgrade, so that `funnel check` finds nothing; and
`funnel check --repair` puts the triggers back."""

from __future__ import annotations

import csv
import io
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
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
from funnel_tui.schema_v28 import BLANK, BLANKS
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.store.dialect import Dialect, dialect_of
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
# Two of the triggers that keep values from blank text.
INSERTED, PRIORITY_WRITTEN = "prospects_empty_values_inserted", "prospects_empty_priority_written"
TASKS = "SELECT kind, due_at, status FROM tasks WHERE prospect_id = ? ORDER BY id"
# What a CSV's empty cell, or one of Excel's, may hold.
EMPTIES = ["", "  ", "\t\r\n", "\u00a0", "\u3000", " \u00a0\u3000 "]

# The typed columns of prospects, written out so that the tests do not trust the code:
# text on both backends, and the integers, which only a SQLite file lets hold text.
TEXT_TYPED = (
    "expected_close_on",
    "next_call_at",
    "next_task_kind",
    "nurtured_at",
    "lost_reason",
    "last_called_at",
    "last_outcome",
    "created_at",
    "updated_at",
)
NUMBER_TYPED = ("deal_value_cents", "priority", "attempts", "timezone_guessed")
# A prospect with a value in each typed column.
VALUES = {
    "deal_value_cents": 1_250_000,
    "expected_close_on": "2027-01-29",
    "priority": 2,
    "nurtured_at": "2026-10-01T10:00:00+00:00",
    "lost_reason": "timing",
    "attempts": 3,
    "last_called_at": "2026-11-30T10:00:00+00:00",
    "last_outcome": "no_answer",
    "created_at": "2026-09-01T08:00:00+00:00",
    "timezone_guessed": 1,
}


def _rows(db: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.execute(sql, list(params)).fetchall()]


def _typed(db: Any) -> tuple[str, ...]:
    """The typed columns another tool can write text to on the backend of `db`."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        return TEXT_TYPED
    return TEXT_TYPED + NUMBER_TYPED


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


@pytest.mark.parametrize("empty", ["", " ", "\u00a0"])
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


@pytest.mark.parametrize("empty", ["", " ", "\u00a0\u3000"])
def test_empty_text_over_typed_values_keeps_every_one(book_db: Any, empty: str) -> None:
    typed = _typed(book_db)
    kept = {column: value for column, value in VALUES.items() if column in typed}
    ann = insert_row(book_db, "prospects", {"name": "Ann Typed", **kept})
    insert_row(book_db, "tasks", {"prospect_id": ann, "kind": "meeting", "due_at": MEETING})
    before = _rows(book_db, f"SELECT {', '.join(typed)} FROM prospects WHERE id = ?", ann)

    update_row(book_db, "prospects", ann, dict.fromkeys(typed, empty))

    after = _rows(book_db, f"SELECT {', '.join(typed)} FROM prospects WHERE id = ?", ann)
    stamp = typed.index("updated_at")
    assert [value for at, value in enumerate(after[0]) if at != stamp] == [
        value for at, value in enumerate(before[0]) if at != stamp
    ]
    assert datetime.fromisoformat(after[0][stamp]) >= datetime.fromisoformat(before[0][stamp])
    assert _rows(book_db, TASKS, ann) == [("meeting", MEETING, "open")]


@pytest.mark.parametrize("empty", ["", " ", "\u3000"])
def test_empty_text_in_a_new_row_is_none_or_the_default(book_db: Any, empty: str) -> None:
    typed = _typed(book_db)

    zed = insert_row(book_db, "prospects", {"name": "Zed New", **dict.fromkeys(typed, empty)})

    (stored,) = book_db.query("SELECT * FROM prospects WHERE id = ?", [zed])
    defaults = {"priority": 1, "attempts": 0, "timezone_guessed": 0}
    stamps = ("created_at", "updated_at")
    assert {column: stored[column] for column in typed if column not in stamps} == {
        column: defaults.get(column) for column in typed if column not in stamps
    }
    for stamp in stamps:
        assert datetime.fromisoformat(stored[stamp]) > datetime.now(UTC) - timedelta(minutes=5)
    assert _rows(book_db, TASKS, zed) == []


def test_plain_text_columns_keep_the_empty_text_written(book_db: Any) -> None:
    bo = insert_row(book_db, "prospects", {"name": "Bo Plain", "company": "Acme", "needs": "x"})

    update_row(book_db, "prospects", bo, {"company": "", "needs": " "})

    assert _rows(book_db, "SELECT company, needs FROM prospects WHERE id = ?", bo) == [("", " ")]


def test_blank_is_what_pythons_strip_takes_off_in_sql_too(book_db: Any) -> None:
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert "".join(character for character in everything if character.isspace()) == BLANKS
    blank = BLANK.for_db(book_db).format(value="v")
    # Invisible, but no space to Python: a zero-width space, a word joiner, a BOM.
    texts = [*BLANKS, BLANKS, "", "\u200b", "\u2060", "\ufeff", "a", " a "]
    for text in texts:
        (found,) = book_db.execute(
            f"SELECT {blank} FROM (SELECT CAST(? AS TEXT) AS v) t", [text]
        ).fetchone()
        assert bool(found) is not bool(text.strip()), repr(text)


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


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_csv_round_trip_changes_no_value_and_leaves_check_clean(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    assert invoke("demo", "--no-open", "--db", path).exit_code == 0
    exported = sqlite_utils_says("rows", path, "prospects", "--csv")
    # The demo has NULLs in every typed column that can hold one: each cell comes back ''.
    assert {"deal_value_cents", "expected_close_on", "nurtured_at", "last_called_at"} <= {
        column for row in _csv_rows(exported) for column, value in row.items() if value == ""
    }
    tasks = "SELECT id, prospect_id, kind, due_at, status FROM tasks ORDER BY id"
    tasks_before = _rows(sqlite3.connect(path), tasks)
    round_trip = tmp_path / "rt.csv"
    round_trip.write_text(exported, encoding="utf-8")

    sqlite_utils_says("upsert", path, "prospects", round_trip, "--csv", "--pk", "id")

    back = _csv_rows(sqlite_utils_says("rows", path, "prospects", "--csv"))
    unstamped = [{k: v for k, v in row.items() if k != "updated_at"} for row in back]
    assert unstamped == [
        {k: v for k, v in row.items() if k != "updated_at"} for row in _csv_rows(exported)
    ]
    assert _rows(sqlite3.connect(path), tasks) == tasks_before
    checked = invoke("check", "--db", path)
    assert (checked.exit_code, checked.stderr) == (0, "")


def test_sqlite_utils_inserting_empty_cells_adds_none(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    open_storage(path).close()
    leads = tmp_path / "more.csv"
    leads.write_text(
        "name,company,priority,deal_value_cents,next_call_at,created_at\nZed Empty,,,,,\n",
        encoding="utf-8",
    )

    sqlite_utils_says("insert", path, "prospects", leads, "--csv")

    conn = sqlite3.connect(path)
    assert _rows(
        conn, "SELECT name, company, priority, deal_value_cents, next_call_at FROM prospects"
    ) == [("Zed Empty", "", 1, None, None)]
    assert _rows(conn, "SELECT count(*) FROM tasks") == [(0,)]
    conn.close()
    checked = invoke("check", "--db", path)
    assert (checked.exit_code, checked.stderr) == (0, "")


# --- the upgrade from v27 ---------------------------------------------------------------

# What the triggers of v27 left: Sam's callback, booked by a call, due '' once another tool
# emptied his next call, and his deal value, priority and last call '' from a CSV; Zed,
# added with an empty next call, a call task due ''; Ann's meeting, moved to a no-break
# space by an Excel file, behind her call task due '' (another tool's); Bo, added with a
# next call of spaces.
OLDER_BOOK = (
    "INSERT INTO prospects (id, name) VALUES (1, 'Sam'), (3, 'Ann')",
    "INSERT INTO calls (id, prospect_id, started_at, outcome, follow_up_at) VALUES"
    f" (1, 1, '{BOOKED_AT}', 'callback', '{CALLBACK}'),"
    f" (2, 3, '{BOOKED_AT}', 'meeting', '{MEETING}')",
    "INSERT INTO tasks (prospect_id, kind, due_at, call_id, created_at)"
    f" VALUES (1, 'callback', '{CALLBACK}', 1, '{BOOKED_AT}'),"
    f" (3, 'meeting', '{MEETING}', 2, '{BOOKED_AT}'), (3, 'call', '', NULL, '{BOOKED_AT}')",
    "UPDATE prospects SET next_call_at = '' WHERE id = 1",
    "UPDATE prospects SET next_call_at = chr(160) WHERE id = 3",
    "INSERT INTO prospects (id, name, next_call_at, created_at)"
    f" VALUES (2, 'Zed', '', '{BOOKED_AT}'), (4, 'Bo', '  ', '{BOOKED_AT}')",
    f"UPDATE tasks SET created_at = '{BOOKED_AT}' WHERE prospect_id IN (2, 4)",
    "UPDATE prospects SET expected_close_on = '', last_called_at = '', last_outcome = ''"
    " WHERE id = 1",
)
# As the triggers of v27 left them, task by task.
HIT = [
    (1, "callback", "", "open", "", "callback"),
    (2, "call", "", "open", "", "call"),
    (3, "meeting", "\u00a0", "open", "\u00a0", "meeting"),
    (3, "call", "", "open", "\u00a0", "meeting"),
    (4, "call", "  ", "open", "  ", "call"),
]
# Each task due at blank text gets the time its call booked, else when it was made, and
# stays open; each next call is the earliest open task's again.
UPGRADED = [
    (1, "callback", CALLBACK, "open", CALLBACK, "callback"),
    (2, "call", BOOKED_AT, "open", BOOKED_AT, "call"),
    (3, "meeting", MEETING, "open", BOOKED_AT, "call"),
    (3, "call", BOOKED_AT, "open", BOOKED_AT, "call"),
    (4, "call", BOOKED_AT, "open", BOOKED_AT, "call"),
]
SAMS_VALUES = "SELECT expected_close_on, last_called_at, last_outcome FROM prospects WHERE id = 1"


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
    conn.execute("UPDATE prospects SET deal_value_cents = '', priority = '' WHERE id = 1")
    assert _tasks_and_next_calls(conn) == HIT
    conn.close()

    # The check upgrades the file first, and then finds nothing to list.
    checked = invoke("check", "--db", path)
    assert checked.exit_code == 0, checked.output
    assert [line.split(",")[0] for line in checked.stderr.splitlines()] == [
        f"Upgrading the book from schema v27 to v{LATEST_VERSION}"
    ]
    storage = open_storage(path)
    try:
        assert _tasks_and_next_calls(storage.db) == UPGRADED
        assert _rows(storage.db, SAMS_VALUES) == [(None, BOOKED_AT, "callback")]
        assert _rows(
            storage.db, "SELECT deal_value_cents, priority FROM prospects WHERE id = 1"
        ) == [(None, 1)]
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
            assert _rows(storage.db, SAMS_VALUES) == [(None, BOOKED_AT, "callback")]
        finally:
            storage.close()


# --- funnel check and --repair ----------------------------------------------------------


def _book_with_a_callback(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "funnel.db"
    storage = open_storage(path)
    sam = insert_row(storage.db, "prospects", {"name": "Sam Adeyemi", "priority": 2})
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


def test_check_lists_the_triggers_that_keep_values_from_empty_cells_and_repair_puts_them_back(
    tmp_path: Path,
) -> None:
    path, sam = _book_with_a_callback(tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    # One dropped, one made again without the no-break space (c2a0 in UTF-8); a row added
    # meanwhile.
    (written,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = ?", [PRIORITY_WRITTEN]
    ).fetchone()
    conn.execute(f"DROP TRIGGER {INSERTED}")
    conn.execute(f"DROP TRIGGER {PRIORITY_WRITTEN}")
    conn.execute(written.replace("c2a0", ""))
    zed = conn.execute(
        "INSERT INTO prospects (name, expected_close_on, priority) VALUES ('Zed', '', '')"
    ).lastrowid
    conn.close()
    listed = invoke("check", "--db", path)
    assert listed.exit_code == 1
    keeps = "prospects' values from the blank text another tool writes (an empty CSV cell)"
    assert listed.stderr.splitlines()[:2] == [
        f"funnel: {path}: the triggers that keep {keeps} are missing"
        f" ({INSERTED}); `funnel check --repair` puts them back",
        f"funnel: {path}: the triggers that keep {keeps} were changed"
        f" ({PRIORITY_WRITTEN}); `funnel check --repair` puts funnel's back",
    ]

    repaired = invoke("check", "--repair", "--db", path)
    assert repaired.exit_code == 0, repaired.output
    conn = sqlite3.connect(path, isolation_level=None)
    # The values the missing trigger let in are none, or the default.
    assert _rows(conn, "SELECT expected_close_on, priority FROM prospects WHERE id = ?", zed) == [
        (None, 1)
    ]
    conn.execute("UPDATE prospects SET priority = char(160) WHERE id = ?", [sam])
    assert _rows(conn, "SELECT priority FROM prospects WHERE id = ?", sam) == [(2,)]
    conn.close()
    checked = invoke("check", "--db", path)
    assert (checked.exit_code, checked.stderr) == (0, "")
