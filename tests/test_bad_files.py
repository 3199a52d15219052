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

from funnel_tui import checks
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.settings import Settings
from funnel_tui.store import sqlite as storage
from funnel_tui.store.sqlite import Storage, open_storage
from tests.app_support import build_demo_storage
from tests.cli_support import invoke, one_line_error, patch_commands, run_main

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
SETTINGS = Settings()
GARBAGE = b"milk, eggs, call the plumber\n" * 100
LEADS = "Name,Phone\n" + "".join(f"Imported {n},+1 617 555 {n:04d}\n" for n in range(200))


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


def test_check_of_a_truncated_book_lists_the_damage_and_leaves_no_wal_or_shm_beside_it(
    case_folder: Path,
) -> None:
    # SQLite could not end its connection to the damaged file cleanly, and left a -wal and
    # a -shm beside it.
    path = truncated(case_folder)
    before = snapshot(case_folder)
    result = invoke("check", "--db", path)
    assert result.exit_code == 1
    assert "restore a backup" in result.stderr, result.stderr
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

    def connect_to_a_full_disk(target: Path, **options: bool) -> sqlite3.Connection:
        # The file may not grow by a single page: SQLite fails the write with SQLITE_FULL.
        conn = connect(target, **options)
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


# --- A damaged file, and errors nobody foresaw -------------------------------------------------


def shell(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "funnel_tui", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def demo_file(folder: Path) -> Path:
    demo = build_demo_storage(folder / "book.db")
    demo.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    demo.close()
    return demo.path


def flipped_schema_byte(folder: Path) -> Path:
    """A book whose definition of the prospects table holds a byte that is not UTF-8."""
    path = demo_file(folder)
    data = bytearray(path.read_bytes())
    data[data.index(b"CREATE TABLE prospects") + 3] = 0xFF
    path.write_bytes(bytes(data))
    return path


def damaged_page(folder: Path, table: str = "prospects") -> Path:
    """A book whose table's root page is overwritten: the schema still reads."""
    path = demo_file(folder)
    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\x5a" * page_size
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    "command",
    [["report"], ["export", "prospects"], ["config", "list"], ["script", "solution"], []],
    ids=["report", "export", "config-list", "script", "app"],
)
def test_a_flipped_byte_in_the_schema_is_one_line_pointing_to_check(
    case_folder: Path, command: list[str]
) -> None:
    path = flipped_schema_byte(case_folder)
    before = snapshot(case_folder)
    result = shell(*command, "--db", path)
    assert result.returncode == 1
    line = one_line_error(result.stderr)
    assert f"{path} is damaged" in line
    assert "`funnel check`" in line
    assert snapshot(case_folder) == before


def schema_damaged_in_the_wal(folder: Path) -> Path:
    """A book whose file is whole, and whose -wal holds a committed change that breaks
    the schema, as a crash could leave them."""
    path = demo_file(folder)
    source = folder / "source"
    source.mkdir()
    shutil.copy(path, source / path.name)
    conn = sqlite3.connect(source / path.name, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE XABLE prospects (id)' WHERE name = 'prospects'"
    )
    # Copied while the connection is open: closing it would fold the -wal into the file.
    shutil.copy(source / f"{path.name}-wal", f"{path}-wal")
    conn.close()
    shutil.rmtree(source)
    return path


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["report"], "{path} is damaged"),
        (["check"], "{path}: the schema cannot be read"),
        ([], "{path} is damaged"),
    ],
    ids=["report", "check", "app"],
)
def test_a_schema_damaged_in_the_wal_leaves_the_file_and_its_wal_as_they_were(
    case_folder: Path, command: list[str], said: str
) -> None:
    path = schema_damaged_in_the_wal(case_folder)
    book, wal = path.read_bytes(), Path(f"{path}-wal").read_bytes()
    result = shell(*command, "--db", path)
    assert result.returncode == 1
    assert said.format(path=path) in result.stderr
    # The file alone is still whole: the damage stays in the -wal, which is kept.
    assert path.read_bytes() == book
    assert Path(f"{path}-wal").read_bytes() == wal


def test_backup_of_a_schema_damaged_in_the_wal_leaves_the_file_and_its_wal_as_they_were(
    case_folder: Path,
) -> None:
    # The backup read the book through a read-write connection, whose close copied the
    # -wal into the file: the file alone, whole before, then held the damage.
    path = schema_damaged_in_the_wal(case_folder)
    book, wal = path.read_bytes(), Path(f"{path}-wal").read_bytes()
    copy = case_folder / "copy.db"
    backed_up = shell("backup", copy, "--db", path)
    assert backed_up.returncode == 0, backed_up.stderr
    assert "as it is, damage included" in backed_up.stdout
    assert path.read_bytes() == book
    assert Path(f"{path}-wal").read_bytes() == wal
    # The copy holds what the book and its -wal hold together, the damage included.
    assert b"CREATE XABLE prospects" in copy.read_bytes()


def test_check_names_the_damaged_schema_entry_and_backup_copies_the_file(
    case_folder: Path,
) -> None:
    path = flipped_schema_byte(case_folder)
    checked = shell("check", "--db", path)
    assert checked.returncode == 1
    assert one_line_error(checked.stderr) == (
        f"funnel: {path}: the schema of table prospects is damaged: byte 3 of its definition "
        "is not text; restore a backup"
    )
    copy = case_folder / "copy.db"
    backed_up = shell("backup", copy, "--db", path)
    assert backed_up.returncode == 0, backed_up.stderr
    assert b"CRE\xffTE TABLE prospects" in copy.read_bytes()
    repaired = shell("check", "--repair", "--db", path)
    assert repaired.returncode == 1
    assert "--repair cannot mend it" in one_line_error(repaired.stderr)


def test_a_book_cut_short_is_checked_and_backed_up_as_it_is(case_folder: Path) -> None:
    # SQLite refuses even the header's pragmas of a file cut in half: both commands said
    # only "is damaged or not a funnel database", where check names the damage and backup
    # copies the file.
    path = demo_file(case_folder)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    checked = shell("check", "--db", path)
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    assert "not a funnel database" not in checked.stderr
    assert f"funnel: {path}: the schema cannot be read" in checked.stderr
    # SQLite lists 100 problems here: the first 20 are shown and the others counted, so
    # that the first line stays on the screen.
    lines = checked.stderr.splitlines()
    assert len(lines) <= 25, lines
    assert lines[-1].startswith(f"funnel: {path}: and ")
    assert lines[-1].endswith(
        " more problems SQLite's integrity check found, and it stops at 100: the file is"
        " badly damaged; restore a backup"
    )
    copy = case_folder / "copy.db"
    backed_up = shell("backup", copy, "--db", path)
    assert backed_up.returncode == 0, backed_up.stderr
    assert copy.read_bytes() == path.read_bytes()
    assert "as it is, damage included" in backed_up.stdout
    assert "no healthy backup" in backed_up.stdout
    opened = shell("report", "--db", path)
    assert opened.returncode == 1
    assert one_line_error(opened.stderr).startswith(f"funnel: {path} is damaged (")


def crash_logs(home: Path) -> list[Path]:
    return sorted(home.rglob("funnel-crash-*.log"))


@pytest.mark.parametrize("table", ["prospects", "settings"])
def test_the_app_on_a_damaged_page_exits_1_with_one_line_pointing_to_check(
    case_folder: Path, user_folders_in_tmp: Path, table: str
) -> None:
    path = damaged_page(case_folder, table)
    result = shell(
        "--db",
        path,
        TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver",
        XDG_STATE_HOME=str(user_folders_in_tmp / "state"),
    )
    assert result.returncode == 1
    assert one_line_error(result.stderr) == (
        f"funnel: {path} is damaged (database disk image is malformed); `funnel check` lists "
        "the damage and `funnel backup` copies the file as it is"
    )
    assert not crash_logs(user_folders_in_tmp)


def test_check_names_the_damaged_pages_of_a_file_it_can_open(case_folder: Path) -> None:
    path = damaged_page(case_folder)
    checked = shell("check", "--db", path)
    assert checked.returncode == 1
    lines = checked.stderr.splitlines()
    (root,) = (
        sqlite3.connect(path)
        .execute("SELECT rootpage FROM sqlite_master WHERE name = 'prospects'")
        .fetchone()
    )
    assert any(line.startswith(f"funnel: {path}: Page {root}: ") for line in lines), lines
    assert (
        lines[-1]
        == f"funnel: {path}: the integrity check stopped: database disk image is malformed"
    )
    assert "Traceback" not in checked.stderr


def test_check_names_damaged_pages_of_the_schema(case_folder: Path) -> None:
    path = demo_file(case_folder)
    conn = sqlite3.connect(path)
    # The last page of the schema's tree that is not its root (a long trigger also
    # takes overflow pages, which SQLite reports otherwise).
    (page,) = conn.execute(
        "SELECT max(pageno) FROM dbstat WHERE name = 'sqlite_schema' AND pageno > 1"
        " AND pagetype != 'overflow'"
    ).fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    data[(page - 1) * page_size : page * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    report = shell("report", "--db", path)
    assert f"{path} is damaged" in one_line_error(report.stderr)
    checked = shell("check", "--db", path)
    lines = checked.stderr.splitlines()
    # What SQLite says depends on what the damaged page held (a page, or part of a trigger).
    assert lines[0].startswith(f"funnel: {path}: the schema cannot be read (")
    assert lines[0].endswith("); restore a backup")
    assert f"funnel: {path}: Page {page}: btreeInitPage() returns error code 11" in lines


def test_an_unforeseen_error_in_a_command_is_one_line_and_a_log(
    tmp_path: Path,
    user_folders_in_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(user_folders_in_tmp / "state"))
    path = tmp_path / "book.db"
    open_storage(path).close()

    def broken(*args: object) -> None:
        raise KeyError("a bug")

    patch_commands(monkeypatch, "export_rows", broken)
    code = run_main(["export", "prospects", "--db", str(path)], monkeypatch)
    line = one_line_error(capsys.readouterr().err)
    assert code == 1
    [log] = crash_logs(user_folders_in_tmp)
    assert line == f"funnel: unexpected error: KeyError: 'a bug'; the details are in {log}"
    assert "in broken" in log.read_text()


# --- Paths that are not a book --------------------------------------------------------------

READ_ONLY_COMMANDS = [
    ["report"],
    ["export", "prospects"],
    ["script", "solution"],
    ["check"],
    ["backup"],
    ["config", "get", "currency"],
    ["config", "list"],
]


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=" ".join)
def test_a_read_only_command_refuses_a_file_that_does_not_exist(
    tmp_path: Path,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typo = tmp_path / "funel.db"
    assert run_main([*command, "--db", str(typo)], monkeypatch) == 1
    assert f"{typo} does not exist" in one_line_error(capsys.readouterr().err)
    assert not list(tmp_path.glob("funel.db*"))


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=" ".join)
def test_a_read_only_command_refuses_an_empty_file(
    tmp_path: Path,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A book emptied by mistake was made a new book again and reported healthy.
    emptied = tmp_path / "funnel.db"
    emptied.touch()
    assert run_main([*command, "--db", str(emptied)], monkeypatch) == 1
    assert f"{emptied} is empty, not a book" in one_line_error(capsys.readouterr().err)
    assert emptied.stat().st_size == 0
    assert not list(tmp_path.glob("funnel.db-*"))


def test_funnel_db_in_a_missing_folder_is_refused_like_the_db_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-folder"
    monkeypatch.setenv("FUNNEL_DB", str(missing / "funnel.db"))
    assert run_main(["config", "set", "currency", "€"], monkeypatch) == 1
    assert f"the folder {missing} does not exist" in one_line_error(capsys.readouterr().err)
    assert not missing.exists()


@pytest.mark.parametrize("command", [["report"], ["config", "set", "currency", "€"], []])
def test_a_pipe_as_the_database_is_refused_not_waited_on(
    tmp_path: Path, command: list[str]
) -> None:
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    result = shell(*command, "--db", pipe)
    assert result.returncode == 1
    assert f"{pipe} is a pipe, not a database file" in one_line_error(result.stderr)


def test_a_book_another_program_holds_exclusively_is_busy_after_a_writers_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opening reads the file's header through a read-only connection first: it waits for
    # a lock as long as a write does (BUSY_TIMEOUT_S), not Python's own 5 seconds.
    path = tmp_path / "book.db"
    open_storage(path).close()
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = datetime.now(UTC)
        with pytest.raises(storage.StorageError, match="is busy"):
            open_storage(path)
        waited = (datetime.now(UTC) - started).total_seconds()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert waited < 3, f"waited {waited:.1f} s; a writer waits 0.2 s"
    open_storage(path).close()


def test_check_reads_a_book_again_when_another_program_wrote_to_it_meanwhile(
    tmp_path: Path,
) -> None:
    """The pages are read on an immutable connection (it leaves no -wal beside a damaged
    file), which does not see another program's writes: a write and a checkpoint in the
    middle of the integrity check read as damage, and a sound book was called damaged."""
    path = tmp_path / "book.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    writer.execute("CREATE INDEX t_v ON t (v)")
    writer.executemany("INSERT INTO t (v) VALUES (?)", [(f"x{i:06d}" * 20,) for i in range(20000)])
    writer.close()
    reads: list[list[str]] = []

    def checked(conn: sqlite3.Connection) -> list[str]:
        if not reads:
            conn.execute("SELECT count(*) FROM t").fetchone()
            other = sqlite3.connect(path, isolation_level=None)
            other.executemany(
                "INSERT INTO t (v) VALUES (?)", [(f"a{i:06d}" * 20,) for i in range(3000)]
            )
            other.close()  # the last connection: its -wal goes into the file
        found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        reads.append(found)
        return [] if found == ["ok"] else found

    assert checks._read_quietly(path, checked) == []
    # The file changed during the first read (which may have seen damage that was not
    # there): it was read again, as it is.
    assert len(reads) == 2 and reads[1] == ["ok"]
