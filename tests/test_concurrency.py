"""Other writers on the same file: the app and the CLI wait their turn and lose nothing."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from funnel_tui.call_log import CallOutcome, LoggedCall, log_call
from funnel_tui.domain import Outcome
from funnel_tui.settings import Settings
from funnel_tui.store import sqlite as storage
from funnel_tui.store.sqlite import Storage, open_storage
from tests.cli_support import run_main

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
SETTINGS = Settings()
HOLD_S = 2.0
OUTSIDE_NAME = "Written By Another Program"
CALLS_PER_THREAD = 40
IMPORT_ROWS = 30


@dataclass
class HeldLock:
    """Another program's write transaction: its row commits when the lock is let go."""

    released_at: float = 0.0


@contextmanager
def another_program_writing(path: Path, hold_s: float) -> Iterator[HeldLock]:
    """A separate connection that takes the write lock, holds it `hold_s`, then commits."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO prospects (name, phone) VALUES (?, '+1 555 0199')", [OUTSIDE_NAME])
    held = HeldLock()

    def let_go() -> None:
        time.sleep(hold_s)
        held.released_at = time.monotonic()
        conn.execute("COMMIT")

    releaser = threading.Thread(target=let_go)
    releaser.start()
    try:
        yield held
    finally:
        releaser.join()
        conn.close()


def add_prospects(db: sqlite_utils.Database, count: int) -> list[int]:
    return [
        int(db["prospects"].insert({"name": f"Prospect {n}", "phone": f"+1 555 02{n:02d}"}).last_pk)
        for n in range(count)
    ]


def no_answer(db: sqlite_utils.Database, prospect_id: int) -> LoggedCall:
    return log_call(db, prospect_id, CallOutcome(Outcome.NO_ANSWER), now=NOW, settings=SETTINGS)


def names(path: Path) -> list[str]:
    db = sqlite_utils.Database(path)
    try:
        return [row["name"] for row in db.query("SELECT name FROM prospects ORDER BY id")]
    finally:
        db.close()


def test_logging_waits_for_another_programs_write_and_keeps_both(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    book = open_storage(path)
    [prospect_id] = add_prospects(book.db, 1)
    with another_program_writing(path, HOLD_S) as other:
        logged = no_answer(book.db, prospect_id)
        finished = time.monotonic()
    assert finished >= other.released_at > 0, "log_call returned while the lock was held"
    assert [row["id"] for row in book.db.query("SELECT id FROM calls")] == [logged.call_id]
    book.close()
    assert OUTSIDE_NAME in names(path)


@pytest.mark.parametrize("shared", [False, True], ids=["two-storages", "one-storage"])
def test_two_threads_logging_at_once_lose_no_call(tmp_path: Path, shared: bool) -> None:
    path = tmp_path / "busy.db"
    first = open_storage(path)
    second = first if shared else open_storage(path)
    prospect_ids = add_prospects(first.db, 4)
    start = threading.Barrier(2)
    logged: list[LoggedCall] = []
    errors: list[BaseException] = []

    def rep(book: Storage) -> None:
        start.wait()
        try:
            for n in range(CALLS_PER_THREAD):
                logged.append(no_answer(book.db, prospect_ids[n % len(prospect_ids)]))
        except BaseException as error:
            errors.append(error)

    reps = [threading.Thread(target=rep, args=(book,)) for book in (first, second)]
    for thread in reps:
        thread.start()
    for thread in reps:
        thread.join()

    assert errors == []
    db = first.db
    stored = {row["id"] for row in db.query("SELECT id FROM calls")}
    assert stored == {call.call_id for call in logged}
    assert len(stored) == 2 * CALLS_PER_THREAD
    # Each unanswered call counted one attempt: no update was lost between the writers.
    # All calls share one time: the trigger counts a call only if it is not older than the last.
    for row in db.query(
        "SELECT p.attempts, count(c.id) AS calls FROM prospects p"
        " JOIN calls c ON c.prospect_id = p.id GROUP BY p.id"
    ):
        assert row["attempts"] == row["calls"]
    first.close()
    second.close()


def small_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Name", "Phone"])
        writer.writerows([f"Imported {n}", f"+1 617 555 03{n:02d}"] for n in range(IMPORT_ROWS))
    return path


def test_cli_import_waits_for_another_programs_write(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    open_storage(path).close()
    leads = small_csv(tmp_path / "leads.csv")
    with another_program_writing(path, HOLD_S) as other:
        shell = subprocess.run(
            [sys.executable, "-m", "funnel_tui", "import", str(leads), "--db", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            env=os.environ.copy(),
        )
        finished = time.monotonic()
    assert shell.returncode == 0, shell.stderr
    assert finished >= other.released_at > 0
    assert f"added {IMPORT_ROWS}," in shell.stdout
    stored = names(path)
    assert OUTSIDE_NAME in stored
    assert len(stored) == IMPORT_ROWS + 1


def test_a_lock_held_past_the_busy_timeout_is_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "stuck.db"
    open_storage(path).close()
    leads = small_csv(tmp_path / "leads.csv")
    # Waiting the real 10 seconds would prove nothing more.
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_S", 0.2)
    with another_program_writing(path, 1.0):
        code = run_main(["import", str(leads), "--db", str(path)], monkeypatch)
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("funnel: ")
    assert "busy" in err and str(path) in err
    assert names(path) == [OUTSIDE_NAME]
