"""The SQLite file: opening it safely, migrating it, and writing to it in transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from funnel_tui.foreign_values import decode_text, find_foreign_values
from funnel_tui.migrations import (
    CALL_DAYS,
    DERIVED_TABLES,
    LATEST_VERSION,
    MIGRATIONS,
    PROSPECT_SEARCH,
    DerivedTable,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0


class StorageError(Exception):
    """A problem with the database file that a user can act on; str() is one readable line."""


def describe_sqlite_error(path: Path, error: sqlite3.Error) -> str:
    """Turn a sqlite3 error into one line a rep can act on."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return f"{path} is busy: another program is writing to it; try again in a moment"
    if "readonly" in text or "read-only" in text:
        return f"{path} is read-only: check the file's permissions"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"{path} is damaged or not a funnel database ({error})"
    if "disk is full" in text or "full" in text:
        return f"cannot write {path}: the disk is full"
    if "unable to open" in text:
        return f"cannot open {path}: check that its folder exists and can be written"
    return f"{path}: database error: {error}"


def describe_error(error: Exception) -> str:
    """One line for a failed write shown in the app (no path: the app has one file open)."""
    if isinstance(error, sqlite3.Error):
        return describe_sqlite_error(Path("the database"), error)
    return str(error)


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run a block of writes as one transaction begun with BEGIN IMMEDIATE.

    IMMEDIATE takes the write lock up front, so a second writer waits for the busy
    timeout instead of failing half-way through. sqlite-utils calls inside the block
    nest as savepoints.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException:
        # A COMMIT that fails (disk full, I/O error) may leave the transaction open and
        # the write lock held; roll back so nothing half-written can be committed later.
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    conn.text_factory = decode_text
    return conn


def _inspect(path: Path) -> int:
    """Return the schema version of an existing file, refusing anything that is not ours.

    Reads through a read-only connection, so a refused file is never modified.
    """
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if not header:
        return 0
    if header != SQLITE_MAGIC:
        raise StorageError(f"{path} is not a funnel database (not an SQLite file)")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal")):
        # Even a read-only connection leaves -wal and -shm files beside a WAL file.
        # With no journal beside it nothing is pending, so read the file as immutable.
        uri += "&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise StorageError(describe_sqlite_error(path, error)) from error
    if version == 0 and tables:
        raise StorageError(f"{path} is an SQLite file of another program, not a funnel database")
    if version > LATEST_VERSION:
        raise StorageError(
            f"{path} was written by a newer funnel-tui (schema v{version}; this version "
            f"reads up to v{LATEST_VERSION}); upgrade funnel-tui to open it"
        )
    return version


def backup_path(path: Path, version: int, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%S")
    return path.with_name(f"{path.stem}.v{version}-backup-{stamp}{path.suffix or '.db'}")


def backup_database(path: Path, target: Path) -> None:
    """A consistent copy of the database, also while the app is writing (the backup API)."""
    if target.exists():
        raise StorageError(f"{target} already exists; choose a new file for the backup")
    try:
        _backup(path, target)
    except sqlite3.Error as error:
        target.unlink(missing_ok=True)
        raise StorageError(describe_sqlite_error(target, error)) from error


def _differing_rows(table: DerivedTable) -> str:
    """The rows of `table` that building it afresh does not give, and the other way round."""
    columns = ", ".join(table.columns)
    return f"""
    WITH fresh AS ({table.fresh}), kept AS (SELECT {columns} FROM {table.name})
    SELECT * FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh)
    UNION ALL
    SELECT * FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept)
    """


_CALL_DAYS_DRIFT_SQL = (
    f"SELECT count(DISTINCT day), min(day), max(day) FROM ({_differing_rows(CALL_DAYS)})"
)
# The prospects whose search row is missing, stale or left over.
_PROSPECT_SEARCH_DRIFT_SQL = f"SELECT count(DISTINCT id) FROM ({_differing_rows(PROSPECT_SEARCH)})"


def _missing_triggers(conn: sqlite3.Connection, table: DerivedTable) -> list[str]:
    present = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    return sorted(set(table.triggers) - present)


def check_database(path: Path) -> list[str]:
    """`PRAGMA integrity_check`, `foreign_key_check` and whether call_days and
    prospect_search still follow calls and prospects (a tool may have dropped their
    triggers): an empty list when all is well."""
    conn = _connect(path)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        intact = problems == ["ok"]
        problems = [] if intact else problems
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid} points to a missing {parent} row")
        if not intact:
            return problems
        for table in DERIVED_TABLES:
            if missing := _missing_triggers(conn, table):
                problems.append(
                    f"the triggers that keep {table.name} are missing ({', '.join(missing)}); "
                    "`funnel check --repair` puts them back"
                )
        days, first_day, last_day = conn.execute(_CALL_DAYS_DRIFT_SQL).fetchone()
        if days:
            problems.append(
                f"call_days disagrees with calls on {days} day(s) from {first_day} to "
                f"{last_day}; `funnel check --repair` counts it again from calls"
            )
        (prospects,) = conn.execute(_PROSPECT_SEARCH_DRIFT_SQL).fetchone()
        if prospects:
            problems.append(
                f"prospect_search disagrees with prospects for {prospects} prospect(s), so "
                "the queue filter may miss them; `funnel check --repair` builds it again"
            )
        problems += map(str, find_foreign_values(conn))
        return problems
    finally:
        conn.close()


def repair_derived_tables(db: sqlite_utils.Database) -> None:
    """Put back any missing trigger of call_days and prospect_search, then build both
    afresh from calls and prospects, in one transaction."""
    with write_transaction(db):
        for table in DERIVED_TABLES:
            for name in _missing_triggers(db.conn, table):
                db.execute(table.triggers[name])
            db.execute(f"DELETE FROM {table.name}")
            db.execute(f"INSERT INTO {table.name} ({', '.join(table.columns)}) {table.fresh}")


def _backup(path: Path, target: Path) -> None:
    # SQLite refuses (and Python retries forever) a backup from the connection that holds
    # the write lock, so copy through a second one: in WAL mode it reads the last commit.
    source = sqlite3.connect(path)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version and version < LATEST_VERSION:
            _backup(path, backup_path(path, version, datetime.now(UTC)))
        for number in range(version + 1, LATEST_VERSION + 1):
            MIGRATIONS[number - 1](conn)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class Storage:
    """One database file, with a connection per thread (sqlite3 connections are per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection, opened on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = _connect(self.path)
            with self._lock:
                self._connections.append(conn)
            # No sqlite-utils plugins: finding them reads every installed package's
            # metadata (tens of milliseconds at start-up), and code from other packages
            # has no business on the rep's connection.
            db = self._local.db = sqlite_utils.Database(
                conn, recursive_triggers=False, execute_plugins=False
            )
        return db

    def write(self) -> AbstractContextManager[sqlite_utils.Database]:
        """A BEGIN IMMEDIATE transaction on this thread's connection."""
        return write_transaction(self.db)

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()


def open_storage(path: Path | str, *, create_folder: bool = False) -> Storage:
    """Open (creating or migrating as needed) the database at `path`.

    Raises StorageError with one readable line for anything a user can fix.
    """
    path = Path(path).expanduser()
    version = 0
    if path.exists():
        version = _inspect(path)
    elif create_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise StorageError(f"cannot create {path}: the folder {path.parent} does not exist")
    try:
        conn = _connect(path)
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StorageError(f"{path}: cannot switch the database to WAL mode ({mode})")
            # Only a file that needs it takes the write lock, so opening never waits for
            # another program's long write.
            if version < LATEST_VERSION:
                _migrate(conn, path)
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise StorageError(describe_sqlite_error(path, error)) from error
    return Storage(path)
