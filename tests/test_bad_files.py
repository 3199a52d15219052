"""Bad database files and failing writes: one clear line, exit 1, and nothing changed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from funnel_tui import storage
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.settings import Settings
from funnel_tui.storage import Storage, open_storage
from tests.app_support import build_demo_storage
from tests.cli_support import one_line_error, run_main

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
SETTINGS = Settings()
GARBAGE = b"milk, eggs, call the plumber\n" * 100
LEADS = "Name,Phone\n" + "".join(f"Imported {n},+1 555 04{n:02d}\n" for n in range(200))


def not_a_database(folder: Path) -> Path:
    path = folder / "shopping.db"
    path.write_bytes(GARBAGE)
    return path


def truncated(folder: Path) -> Path:
    demo = build_demo_storage(folder.parent / "demo.db")
    demo.close()
    path = folder / "truncated.db"
    shutil.copy(demo.path, path)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    return path


def newer_schema(folder: Path) -> Path:
    path = folder / "newer.db"
    newer = open_storage(path)
    newer.db.execute("PRAGMA user_version = 99")
    newer.close()
    return path


def in_missing_folder(folder: Path) -> Path:
    return folder / "no-such-folder" / "funnel.db"


def in_read_only_folder(folder: Path) -> Path:
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):
        locked.chmod(0o700)
        pytest.skip("running as root: a read-only folder can still be written here")
    return locked / "funnel.db"


@pytest.fixture
def case_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "case"
    folder.mkdir()
    yield folder
    for child in folder.iterdir():
        child.chmod(0o700)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the folder and its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (not_a_database, "not a funnel database"),
        (truncated, "damaged"),
        (newer_schema, "newer"),
        (in_missing_folder, "does not exist"),
        (in_read_only_folder, "can be written"),
    ],
)
def test_a_bad_file_is_one_line_exit_1_and_left_exactly_as_it_was(
    case_folder: Path, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(case_folder)
    before = snapshot(case_folder)
    shell = subprocess.run(
        [sys.executable, "-m", "funnel_tui", "report", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert shell.returncode == 1
    one_line_error(shell.stderr)
    assert reason in shell.stderr
    assert path.name in shell.stderr
    assert snapshot(case_folder) == before


# --- Writes that fail -------------------------------------------------------------------------


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Storage]:
    opened = open_storage(tmp_path / "book.db")
    yield opened
    opened.close()


def everything(db: sqlite_utils.Database) -> dict[str, list[dict[str, Any]]]:
    return {
        table: list(db.query(f"SELECT * FROM {table} ORDER BY rowid"))
        for table in ("prospects", "calls", "deals", "undo_log")
    }


def won(db: sqlite_utils.Database, prospect_id: int) -> None:
    log_call(
        db,
        prospect_id,
        CallOutcome(Outcome.WON, amount_cents=120_000, notes="signed"),
        now=NOW,
        settings=SETTINGS,
    )


def test_a_write_failing_part_way_through_a_call_leaves_nothing_behind(
    book: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = book.db
    prospect_id = int(
        db["prospects"].insert({"name": "Ann Archer", "phone": "+1 555 0100"}).last_pk
    )
    before = everything(db)
    execute = db.execute

    def disk_fills_at_the_deal(sql: str, parameters: Any = None) -> sqlite3.Cursor:
        # The deal is the last row a won call writes: the call, the undo snapshot and the
        # prospect's new stage are already written in the transaction by then.
        if sql.startswith("INSERT INTO deals"):
            raise sqlite3.OperationalError("database or disk is full")
        return execute(sql, parameters) if parameters is not None else execute(sql)

    monkeypatch.setattr(db, "execute", disk_fills_at_the_deal)
    with pytest.raises(sqlite3.OperationalError, match="full"):
        won(db, prospect_id)
    monkeypatch.undo()

    assert everything(db) == before
    won(db, prospect_id)
    assert db["deals"].count == 1


class CommitFails:
    """A connection whose COMMIT fails the way a full disk can: with the transaction still open."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *parameters: Any) -> sqlite3.Cursor:
        if sql == "COMMIT":
            raise sqlite3.OperationalError("disk I/O error")
        return self._conn.execute(sql, *parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_a_commit_that_fails_keeps_nothing_and_releases_the_lock(
    book: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = book.db
    prospect_id = int(
        db["prospects"].insert({"name": "Ann Archer", "phone": "+1 555 0100"}).last_pk
    )
    before = everything(db)
    monkeypatch.setattr(db, "conn", CommitFails(db.conn))
    with pytest.raises(sqlite3.OperationalError, match="I/O"):
        won(db, prospect_id)
    monkeypatch.undo()

    assert not db.conn.in_transaction
    assert everything(db) == before
    # Another program can write at once: the failed call is not holding the lock.
    other = sqlite3.connect(book.path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    won(db, prospect_id)
    assert db["calls"].count == 1


def test_a_full_disk_during_an_import_is_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "full.db"
    open_storage(path).close()
    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS, encoding="utf-8")
    connect = storage._connect

    def connect_to_a_full_disk(target: Path) -> sqlite3.Connection:
        # The file may not grow by a single page: SQLite fails the write with SQLITE_FULL.
        conn = connect(target)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(storage, "_connect", connect_to_a_full_disk)
    code = run_main(["import", str(leads), "--db", str(path)], monkeypatch)
    err = capsys.readouterr().err
    assert code == 1
    one_line_error(err)
    assert "disk is full" in err
    monkeypatch.undo()
    assert sqlite_utils.Database(path)["prospects"].count == 0
