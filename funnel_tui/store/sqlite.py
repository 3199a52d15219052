"""The SQLite file: opening it safely, migrating it, and writing to it in transactions."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from funnel_tui.accents import fold
from funnel_tui.foreign_values import decode_text
from funnel_tui.schema_version import APPLICATION_ID, LATEST_VERSION
from funnel_tui.store.book_copies import upgrade_backup_path
from funnel_tui.store.dialect import Dialect, dialect_of, hide_passwords
from funnel_tui.store.file_database import FileDatabase

SQLITE_MAGIC = b"SQLite format 3\x00"
# The files SQLite keeps beside a database while it is open or mid-transaction.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
BUSY_TIMEOUT_S = 10.0
T = TypeVar("T")
# A file's FileDatabase, sqlite-utils' own Database (as tests and other tools open one) or
# a team's PostgresDatabase.
Db = TypeVar("Db")


class StorageError(Exception):
    """A problem with the database file that a user can act on; str() is one readable line."""


def describe_sqlite_error(path: Path, error: sqlite3.Error) -> str:
    """Turn a sqlite3 error into one line a rep can act on."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return f"{path} is busy: another program is writing to it; try again in a moment"
    if "readonly" in text or "read-only" in text:
        if (companion := _read_only_companion(path)) is not None:
            return (
                f"{companion} is read-only, though {path} can be written: make it writable,"
                " or remove it while no program has the book open"
            )
        if os.access(path, os.W_OK) and not os.access(path.parent, os.W_OK):
            return (
                f"the folder {path.absolute().parent} does not let you make files, and funnel"
                f" writes {path.name}-wal beside the book there: check the folder's permissions"
            )
        return f"{path} is read-only: check the file's permissions"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"{path} is damaged or not a funnel database ({error})"
    if "disk is full" in text or "full" in text:
        return f"cannot write {path}: the disk is full"
    if "unable to open" in text:
        return f"cannot open {path}: check that its folder exists and can be written"
    return f"{path}: database error: {error}"


def _read_only_companion(path: Path) -> Path | None:
    """A -wal or -shm file this process cannot write beside a book it can: SQLite gives
    them the book's permissions when it makes them, so a program that read the book while
    it was read-only (or another user's) left them so, and every write then fails."""
    if not os.access(path, os.W_OK):
        return None
    for suffix in ("-shm", "-wal"):
        companion = Path(f"{path}{suffix}")
        if companion.exists() and not os.access(companion, os.W_OK):
            return companion
    return None


def cannot_be_written(path: Path) -> bool:
    """Whether this process can see at once that a write to the book will fail: the file
    is read-only to it, or its folder is and lacks the -wal and -shm files a write needs."""
    if not os.access(path, os.W_OK):
        return True
    companions = all(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))
    return not companions and not os.access(path.parent, os.W_OK)


def read_only_book_file(storage: Any) -> Path | None:
    """The file of a book this process cannot write (`cannot_be_written`); None for one it
    can, and for a team's server, which refuses a write itself."""
    path = getattr(storage, "path", None)
    return path if isinstance(path, Path) and cannot_be_written(path) else None


def is_damage(error: BaseException) -> bool:
    """Whether SQLite found the file's pages damaged, or not those of a database."""
    return isinstance(error, sqlite3.DatabaseError) and (
        getattr(error, "sqlite_errorcode", 0) & 0xFF
        in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    )


def describe_error(error: Exception) -> str:
    """One line for a failed write shown in the app (no path: the app has one book open).
    A team database's error may run over several lines (PostgreSQL's DETAIL and CONTEXT)
    and quote a connection string: its lines are joined and any password left out."""
    if isinstance(error, sqlite3.Error):
        return describe_sqlite_error(Path("the database"), error)
    lines = (" ".join(line.split()) for line in str(error).splitlines())
    return hide_passwords("; ".join(line for line in lines if line))


@contextmanager
def write_transaction(db: Db) -> Iterator[Db]:
    """Run a block of writes as one transaction begun with BEGIN IMMEDIATE.

    IMMEDIATE takes the write lock up front, so a second writer waits for the busy
    timeout instead of failing half-way through. sqlite-utils calls inside the block
    nest as savepoints. On a team's PostgreSQL database it is one psycopg transaction
    (a savepoint inside another).
    """
    if dialect_of(db) is Dialect.POSTGRESQL:
        with db.transaction():
            yield db
        return
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


def _connect(path: Path, *, read_schema_first: bool = False) -> sqlite3.Connection:
    """A connection to the book; `read_schema_first` reads its schema before anything else
    does, and raises DamagedDatabase when it does not read."""
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    if read_schema_first:
        try:
            if (damage := _read_schema(conn)[1]) is not None:
                raise DamagedDatabase(path, damage)
        except BaseException:
            conn.close()
            raise
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    conn.text_factory = decode_text
    return with_functions(conn)


def with_functions(conn: sqlite3.Connection) -> sqlite3.Connection:
    """`conn` with the SQL functions funnel's own queries call (none of the schema's
    triggers or views does: other programs open the file without them): `funnel_fold`,
    a text lowercase with its accented Latin letters plain, as a team's server folds its
    filter text."""
    conn.create_function("funnel_fold", 1, _fold, deterministic=True)
    return conn


def _fold(text: object) -> object:
    return fold(text) if isinstance(text, str) else text


class DamagedDatabase(StorageError):
    """A funnel file that SQLite cannot read as it stands: `funnel check` and `funnel backup`
    still work on it, everything else stops with this one line."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"{path} is damaged ({detail}); `funnel check` lists the damage and "
            "`funnel backup` copies the file as it is"
        )
        self.path = path


def _refuse_what_is_not_a_file(path: Path, mode: int) -> None:
    """Refuse a folder, pipe or device by its mode alone: opening a pipe would wait forever."""
    if stat.S_ISDIR(mode):
        raise StorageError(f"{path} is a folder, not a database file")
    if stat.S_ISFIFO(mode):
        raise StorageError(f"{path} is a pipe, not a database file")
    if not stat.S_ISREG(mode):
        raise StorageError(f"{path} is a device or other special file, not a database file")


def journal_beside(path: Path) -> bool:
    """Whether a -wal or -journal file lies beside the database: writes may be pending."""
    return any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))


def read_only_connection(path: Path, pending: bool | None = None) -> sqlite3.Connection:
    """A connection that cannot change the file, nor leave -wal and -shm files beside it
    when none were there (`pending`: whether a journal is, looked at when not given); it
    waits for a lock as long as a writer does (`BUSY_TIMEOUT_S`). Without a journal it is
    immutable: it does not see another program's writes."""
    if pending is None:
        pending = journal_beside(path)
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not pending:
        # Even a read-only connection leaves -wal and -shm files beside a WAL file.
        # With no journal beside it nothing is pending, so read the file as immutable.
        uri += "&immutable=1"
    return with_functions(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S))


# SQLite's file header: the application id is the big-endian integer at offset 68.
SQLITE_HEADER_BYTES = 100
APPLICATION_ID_OFFSET = 68


def _header_marker(header: bytes) -> int | None:
    """The application id in a file's header, read without SQLite; None for a short one."""
    if len(header) < APPLICATION_ID_OFFSET + 4:
        return None
    return int.from_bytes(header[APPLICATION_ID_OFFSET : APPLICATION_ID_OFFSET + 4], "big")


def _raw_table_names(path: Path) -> set[str]:
    """The table names in a file whose schema does not parse: writable_schema makes SQLite
    skip the entries it cannot read instead of refusing the whole file."""
    conn = read_only_connection(path)
    try:
        conn.execute("PRAGMA writable_schema = ON")
        conn.text_factory = bytes
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        conn.close()
    return {name.decode(errors="replace") for (name,) in rows}


def _is_funnel_file(marker: int, version: int, tables: set[str]) -> bool:
    if marker == APPLICATION_ID:
        return True
    if marker != 0:
        return False
    if version == 0:
        return not tables  # an SQLite file with nothing in it yet
    # A file from before the marker: read by the migrations that upgrade it.
    from funnel_tui.migrations import UNMARKED_VERSIONS

    return version in UNMARKED_VERSIONS and UNMARKED_VERSIONS[version] <= tables


def _read_schema(conn: sqlite3.Connection) -> tuple[set[str], str | None]:
    """The file's table names and what is wrong with its schema (None when it reads); a
    locked or unreadable file is raised as it is, which is not damage."""
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except UnicodeDecodeError:
        # sqlite3 fails to decode SQLite's own message, which quotes the bad bytes.
        return set(), "its schema holds bytes that are not text"
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError as error:
        return set(), str(error)
    return {name for (name,) in rows}, None


def _inspect(path: Path) -> tuple[int, bool, bool]:
    """The schema version of an existing file, whether it carries funnel's marker and
    whether its schema was read here, refusing anything that is not ours.

    Reads through a read-only connection, so a refused file is never modified.
    """
    with path.open("rb") as handle:
        header = handle.read(SQLITE_HEADER_BYTES)
    if not header:
        return 0, False, True
    if header[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise StorageError(f"{path} is not a funnel database (not an SQLite file)")
    damage = None
    tables: set[str] = set()
    pending = journal_beside(path)
    try:
        conn = read_only_connection(path, pending)
        try:
            # Both live in the file's header: reading them parses no schema.
            (marker,) = conn.execute("PRAGMA application_id").fetchone()
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            # A file without funnel's marker is told by its tables. A marked one's schema
            # is read by the connection that goes on to use it (`open_storage`): SQLite
            # parses a schema once per connection, and a book's takes 5 ms. Not with a
            # journal beside it, though: closing a read-write connection found damage
            # through would copy the -wal into the file (a checkpoint) and delete it.
            schema_read = marker != APPLICATION_ID or pending
            if schema_read:
                tables, damage = _read_schema(conn)
        finally:
            conn.close()
        if damage is not None:
            tables = _raw_table_names(path)
    except sqlite3.Error as error:
        # SQLite refuses even the header's pragmas of a file cut short; the header itself
        # still says whose file it is.
        if is_damage(error) and _header_marker(header) == APPLICATION_ID:
            raise DamagedDatabase(path, str(error)) from error
        raise StorageError(describe_sqlite_error(path, error)) from error
    if not _is_funnel_file(marker, version, tables):
        raise StorageError(f"{path} is an SQLite file of another program, not a funnel database")
    if version > LATEST_VERSION:
        raise StorageError(
            f"{path} was written by a newer funnel-tui (schema v{version}; this version "
            f"reads up to v{LATEST_VERSION}); upgrade funnel-tui to open it"
        )
    if damage is not None:
        raise DamagedDatabase(path, damage)
    return version, marker == APPLICATION_ID, schema_read


def _same_file(one: Path, other: Path) -> bool:
    if os.path.realpath(one) == os.path.realpath(other):
        return True
    try:
        return os.path.samefile(one, other)  # also a hard link to it
    except OSError:
        return False


def refuse_database_files(target: Path, database: Path, purpose: str) -> None:
    """Refuse to write `purpose` (an export, a backup) over the database or over a file
    SQLite keeps beside it: either would lose the book, or leave no file at all."""
    for suffix in ("", *COMPANION_SUFFIXES):
        # SQLite names its files after the path it was given and, for a link, its target.
        for base in {database, Path(os.path.realpath(database))}:
            if _same_file(target, Path(f"{base}{suffix}")):
                what = (
                    "the database itself"
                    if not suffix
                    else f"the {suffix} file SQLite keeps beside the database {database}"
                )
                raise StorageError(f"{target} is {what}; choose another file for the {purpose}")


# How a write-ahead log (either byte order of its checksums) and a rollback journal start.
SQLITE_LOG_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
SQLITE_JOURNAL_MAGIC = b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"


def _starts_with(path: Path, *starts: bytes) -> bool:
    """Whether the regular file at `path` starts with one of `starts`: a FIFO, a terminal
    or /dev/stdout is a stream, not read (reading it waits for what it would give)."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as existing:
            start = existing.read(max(map(len, starts)))
    except OSError:
        return False  # none there, or one the write itself will name
    return any(start.startswith(wanted) for wanted in starts)


def refuse_other_databases(target: Path, purpose: str) -> None:
    """Refuse to write `purpose` (an export, a calendar) over a SQLite database, or a file
    SQLite keeps beside one (its write-ahead log holds what was committed last): another
    book, or another program's, would be lost to a file of text."""
    what = None
    if _starts_with(target, SQLITE_MAGIC):
        what = "a SQLite database (another book?)"
    elif _starts_with(target, *SQLITE_LOG_MAGIC, SQLITE_JOURNAL_MAGIC):
        what = "a file SQLite keeps beside a database"
    # Named as it is or through a link (an empty log or a journal not begun says nothing
    # of itself): a name that ends as SQLite names those files, beside a database.
    for named in {str(target), os.path.realpath(target)}:
        for suffix in COMPANION_SUFFIXES:
            base = Path(named.removesuffix(suffix))
            if what is None and named.endswith(suffix) and _starts_with(base, SQLITE_MAGIC):
                what = f"the {suffix} file SQLite keeps beside the database {base}"
    if what is not None:
        raise StorageError(f"{target} is {what}; choose another file for the {purpose}")


def backup_database(path: Path, target: Path) -> None:
    """A consistent copy of the database, also while the app is writing (the backup API)."""
    refuse_database_files(target, path, "backup")
    if target.is_dir():
        raise StorageError(f"{target} is a folder; name a new file to back up to")
    if target.exists():
        raise StorageError(f"{target} already exists; choose a new file for the backup")
    try:
        _backup(path, target)
    except sqlite3.Error as error:
        target.unlink(missing_ok=True)
        if not is_damage(error):
            raise StorageError(describe_sqlite_error(target, error)) from error
        # SQLite's backup reads the pages, and stops at damaged ones (a file cut short):
        # a damaged book is copied byte for byte, with its write-ahead log, as it is.
        _copy_as_it_is(path, target)


def _copy_as_it_is(path: Path, target: Path) -> None:
    try:
        for suffix in ("", "-wal"):
            source = path.with_name(path.name + suffix)
            if source.exists():
                shutil.copyfile(source, target.with_name(target.name + suffix))
    except OSError as error:
        for suffix in ("", "-wal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        raise StorageError(f"cannot write {target}: {error.strerror or error}") from error


def _backup(path: Path, target: Path) -> None:
    # SQLite refuses (and Python retries forever) a backup from the connection that holds
    # the write lock, so copy through a second one: in WAL mode it reads the last commit.
    # With a -wal beside the file it reads read-only: closing a read-write connection
    # would copy the -wal into the file, which a damaged book must keep as it is.
    pending = journal_beside(path)
    source = (
        read_only_connection(path, pending)
        if pending
        else sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    )
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


# Told the file's version and the backup's path before an upgrade starts (a large book
# takes a while): the CLI says so on stderr.
UpgradeNotice = Callable[[int, Path], None]


def _migrate(conn: sqlite3.Connection, path: Path, notice: UpgradeNotice | None = None) -> None:
    """Bring the file to the latest schema and mark it as funnel's, in one transaction.

    Foreign keys are off meanwhile (SQLite ignores the pragma inside a transaction): a
    migration that builds a table again drops the old one, which must not cascade.
    """
    # Imported here: a file at the latest version (nearly every opening) needs none of it.
    from funnel_tui.store.new_book import create_latest, latest_statements, migrate

    if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
        latest_statements(LATEST_VERSION)  # made before the write lock is taken
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version and version < LATEST_VERSION:
            backup = upgrade_backup_path(path, version, datetime.now(UTC))
            if notice is not None:
                notice(version, backup)
            _backup(path, backup)
        if version == 0:
            create_latest(conn, LATEST_VERSION)  # a new book: in one go (new_book)
        else:
            migrate(conn, version, LATEST_VERSION)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


class Storage:
    """One database file, with a connection per thread (sqlite3 connections are per thread)."""

    dialect = Dialect.SQLITE

    def __init__(self, path: Path, connection: sqlite3.Connection | None = None) -> None:
        """`connection`, already open on the file, becomes this thread's."""
        self.path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if connection is not None:
            self._adopt(connection)

    @property
    def db(self) -> FileDatabase:
        """This thread's connection, opened on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._adopt(_connect(self.path))
        return db

    def _adopt(self, conn: sqlite3.Connection) -> FileDatabase:
        with self._lock:
            self._connections.append(conn)
        db = self._local.db = FileDatabase(conn)
        return db

    def write(self) -> AbstractContextManager[FileDatabase]:
        """A BEGIN IMMEDIATE transaction on this thread's connection."""
        return write_transaction(self.db)

    def retrying(self, work: Callable[[FileDatabase], T]) -> T:
        """Run `work` with this thread's connection (a file has no connection to lose; a
        team database's storage tries again on a new one)."""
        return work(self.db)

    def changes(self) -> int:
        """A number that changes when another connection commits to the file (`PRAGMA
        data_version`: one cheap read)."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()


def open_storage(
    path: Path | str,
    *,
    create_folder: bool = False,
    must_exist: bool = False,
    on_upgrade: UpgradeNotice | None = None,
) -> Storage:
    """Open (creating or migrating as needed) the database at `path`.

    `must_exist` is for commands that only read: a mistyped path must not look like an
    empty book. Raises StorageError with one readable line for anything a user can fix.
    """
    path = Path(path).expanduser()
    try:
        found = path.stat()
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise StorageError(f"cannot open {path}: {error.strerror}") from None
    version, marked, schema_read = 0, False, True
    if found is not None:
        _refuse_what_is_not_a_file(path, found.st_mode)
        if must_exist and found.st_size == 0 and stat.S_ISREG(found.st_mode):
            # An emptied file is no book either: a command that only reads would make
            # one in it and call it healthy.
            raise StorageError(f"{path} is empty, not a book; check the path")
        version, marked, schema_read = _inspect(path)
    elif must_exist:
        raise StorageError(f"{path} does not exist; check the path (the app starts a new book)")
    elif create_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise StorageError(f"cannot create {path}: the folder {path.parent} does not exist")
    try:
        # A marked book's schema, left unread by `_inspect`, is read by this connection.
        conn = _connect(path, read_schema_first=marked and not schema_read)
        try:
            mode_name = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode_name.lower() != "wal":
                raise StorageError(f"{path}: cannot switch the database to WAL mode ({mode_name})")
            # Only a file that needs it takes the write lock, so opening never waits for
            # another program's long write.
            if version < LATEST_VERSION or not marked:
                _migrate(conn, path, on_upgrade)
        except BaseException:
            conn.close()
            raise
    except sqlite3.Error as error:
        if marked and is_damage(error):
            # A funnel file whose schema reads but whose pages do not (cut short, say):
            # `funnel check` and `funnel backup` still work on it.
            raise DamagedDatabase(path, str(error)) from error
        raise StorageError(describe_sqlite_error(path, error)) from error
    # This thread goes on with the connection that checked the file: opening another
    # would read the whole schema again (and closing this one checkpoint the WAL).
    return Storage(path, conn)
