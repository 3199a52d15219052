"""Crash safety: a call acknowledged as logged survives kill -9; an import is all or nothing."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import sqlite_utils

from funnel_tui.store.sqlite import open_storage

HARNESS = Path(__file__).parent / "harness" / "log_calls.py"
PROSPECTS = 12
# Acknowledgements read before each kill: the harness is killed three times over one file.
KILL_AFTER = (15, 40, 70)
IMPORT_ROWS = 50_000
# The import writes its rows a batch at a time as it reads them, all in one transaction,
# so a -wal this big means that transaction is under way (the whole import writes ~14 MB).
WAL_MID_IMPORT = 1_000_000
TIMEOUT_S = 60


def book(path: Path) -> Path:
    """A database with a few prospects to call."""
    storage = open_storage(path)
    storage.db["prospects"].insert_all(
        {"name": f"Prospect {number}", "phone": f"+1 555 010{number:02d}"}
        for number in range(PROSPECTS)
    )
    storage.close()
    return path


def acked_id(line: str) -> int:
    assert line.startswith("ACK ") and line.endswith("\n"), repr(line)
    return int(line.removeprefix("ACK "))


def read_acks(process: subprocess.Popen[str], wanted: int) -> list[int]:
    """Block on the harness's pipe until it has acknowledged `wanted` committed calls."""
    assert process.stdout is not None and process.stderr is not None
    acked: list[int] = []
    while len(acked) < wanted:
        line = process.stdout.readline()
        assert line, f"the harness stopped early: {process.stderr.read()}"
        acked.append(acked_id(line))
    return acked


def kill_9(process: subprocess.Popen[str]) -> list[int]:
    """SIGKILL the harness; return the acknowledgements it printed before it died."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=TIMEOUT_S)
    assert process.returncode == -signal.SIGKILL, "the harness had finished before the kill"
    assert process.stdout is not None
    return [acked_id(line) for line in process.stdout.readlines()]


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def call_ids(path: Path) -> set[int]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM calls")}
    finally:
        conn.close()


def test_every_acknowledged_call_survives_kill_9(tmp_path: Path) -> None:
    path = book(tmp_path / "calls.db")
    for wanted in KILL_AFTER:
        before = call_ids(path)
        process = subprocess.Popen(
            [sys.executable, str(HARNESS), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        acked: list[int] = []
        try:
            acked += read_acks(process, wanted)
        finally:
            acked += kill_9(process)
        # Checked before the next run, which would reuse the ids of any lost calls.
        added = call_ids(path) - before
        assert set(acked) <= added
        # The kill may land between a commit and its acknowledgement: one call at most.
        assert len(added - set(acked)) <= 1

    assert integrity(path) == "ok"
    db = sqlite_utils.Database(path)
    calls = {row["id"]: row["outcome"] for row in db.query("SELECT id, outcome FROM calls")}
    won = {call_id for call_id, outcome in calls.items() if outcome == "won"}
    assert won and {row["call_id"] for row in db.query("SELECT call_id FROM deals")} == won
    assert {row["call_id"] for row in db.query("SELECT call_id FROM undo_log")} == calls.keys()
    db.close()


def test_every_connection_commits_with_a_full_sync_in_wal_mode(tmp_path: Path) -> None:
    # A kill -9 cannot lose what the OS already holds; a power cut can, unless each
    # commit is synced to disk before log_call returns. That is these two settings.
    storage = open_storage(tmp_path / "sync.db")
    settings: list[tuple[int, str]] = []

    def read_settings() -> None:
        db = storage.db
        settings.append(
            (
                db.execute("PRAGMA synchronous").fetchone()[0],
                db.execute("PRAGMA journal_mode").fetchone()[0],
            )
        )

    read_settings()
    worker = threading.Thread(target=read_settings)
    worker.start()
    worker.join()
    storage.close()
    full = 2
    assert settings == [(full, "wal"), (full, "wal")]


def big_csv(path: Path, rows: int = IMPORT_ROWS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Name", "Company", "Phone", "Email"])
        writer.writerows(
            [f"Person {n}", f"Company {n % 700}", f"+1 555 {n:07d}", f"person{n}@example.com"]
            for n in range(rows)
        )
    return path


def wal_size(path: Path) -> int:
    try:
        return Path(f"{path}-wal").stat().st_size
    except FileNotFoundError:
        return 0


def children(pid: int) -> list[int]:
    found = []
    for tasks in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in tasks.read_text().split()]
    return found


def zombie(pid: int) -> bool:
    """Whether `pid` has ended and waits for its parent (init, for an orphan) to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return True
    return state == "Z"


def an_import_under_way(
    tmp_path: Path, stderr: int, rows: int = IMPORT_ROWS
) -> tuple[subprocess.Popen[str], Path, Path]:
    """`funnel import` of big_csv into a new book, started: the process, the file, the
    book."""
    csv_path = big_csv(tmp_path / "big.csv", rows)
    path = tmp_path / "import.db"
    open_storage(path).close()
    process = subprocess.Popen(
        [sys.executable, "-m", "funnel_tui", "import", str(csv_path), "--db", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
        # As a terminal starts it: a test run started in the background (CI) ignores
        # ctrl+c, and what it starts inherits that.
        preexec_fn=partial(signal.signal, signal.SIGINT, signal.SIG_DFL),
    )
    return process, csv_path, path


def test_an_import_killed_half_way_leaves_no_prospects_or_all_of_them(tmp_path: Path) -> None:
    process, _, path = an_import_under_way(tmp_path, subprocess.DEVNULL)
    deadline = time.monotonic() + TIMEOUT_S
    try:
        # The growing -wal is the signal that the write is under way.
        while (
            process.poll() is None
            and wal_size(path) < WAL_MID_IMPORT
            and time.monotonic() < deadline
        ):
            time.sleep(0.005)
    finally:
        # The process it reads the file in (a file this large is read in one).
        readers = children(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=TIMEOUT_S)
    assert process.returncode == -signal.SIGKILL, "the import ended before it was killed"
    assert wal_size(path) >= WAL_MID_IMPORT
    # The reading process, left with nobody reading what it sends, ends too.
    assert len(readers) == 1
    while readers and time.monotonic() < deadline:
        readers = [pid for pid in readers if Path(f"/proc/{pid}").exists() and not zombie(pid)]
        time.sleep(0.01)
    assert readers == []

    assert integrity(path) == "ok"
    reopened = open_storage(path)
    assert reopened.db["prospects"].count in (0, IMPORT_ROWS)
    reopened.close()


def test_an_import_stopped_with_ctrl_c_says_that_nothing_was_written(tmp_path: Path) -> None:
    """ctrl+c half-way printed a bare `funnel: aborted`: what of the file went in?"""
    # A file the import takes half a minute over: stopped in its first seconds, whatever
    # the machine's load, where the -wal of a smaller one grew only as it committed.
    process, csv_path, path = an_import_under_way(tmp_path, subprocess.PIPE, rows=400_000)
    deadline = time.monotonic() + TIMEOUT_S
    # The process the file is read in starts inside the import's transaction, and reads
    # until just before its end (then it ends, and waits as a zombie to be reaped).
    while process.poll() is None and not [pid for pid in children(process.pid) if not zombie(pid)]:
        assert time.monotonic() < deadline, "the import did not start in time"
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=TIMEOUT_S)
    assert process.returncode == 1, (process.returncode, stderr)
    assert stderr == (
        f"funnel: import of {csv_path} stopped: an import writes all of its rows or none,"
        " and none were written\n"
    )
    reopened = open_storage(path)
    assert reopened.db["prospects"].count == 0
    reopened.close()
