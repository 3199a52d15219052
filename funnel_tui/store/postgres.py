"""A team's book on PostgreSQL (PRODUCT 16): connecting, creating and migrating its
tables, and the connection the core asks its questions of, as it asks the SQLite file's.

The core writes SQLite's SQL with `?` and `:name` parameters; each statement is handed
to psycopg with its marks (pg_sql.to_psycopg). A connection runs in autocommit, so a read
sees the latest commit of every rep; `write()` is one transaction. Each thread has its
own connection, made again when the server dropped it: the next read or write reconnects.
Every connection names itself (`application_name`): the command or the app, and the rep.
"""

from __future__ import annotations

import itertools
import logging
import random
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import Any, TypeVar
from urllib.parse import unquote

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.rows import dict_row
from psycopg.sql import SQL, Literal

from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store.dialect import (
    Dialect,
    hide_passwords,
    misencoded_password,
    url_secrets,
    without_password,
)
from funnel_tui.store.errors import ConnectionLost
from funnel_tui.store.pg_sql import to_psycopg
from funnel_tui.store.postgres_schema import (
    CHANGES_CHANNEL,
    CLEARS_OWN_SETTINGS,
    FIRST_VERSION,
    MIGRATIONS,
    OWN_SETTINGS_LEFT,
)
from funnel_tui.text import one_line
from funnel_tui.timestamps import local_zone_name

# psycopg logs a warning when rolling back meets a connection already lost. funnel says
# that the connection was lost itself, in one line (OutOfReach); printed by Python's last
# resort handler, the warning would add lines to a command's error, or draw over the app.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

CONNECT_TIMEOUT_S = 5
# What a connection is called when nothing more is known of who opened it.
APPLICATION = "funnel"
# The server keeps the first 63 bytes of an application_name (NAMEDATALEN - 1).
APPLICATION_NAME_BYTES = 63
# A write whose connection the server dropped is tried again on a new one.
RETRIES = 3
# A transaction the server ended for another's sake (SQLSTATE 40P01, 40001).
_ENDED_BY_THE_SERVER = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
RETRY_WAIT_S = 0.2
T = TypeVar("T")
# Held while the tables are made or migrated, so two reps' first starts do it once.
SCHEMA_LOCK = 0x66756E6E  # "funn"

Params = Sequence[Any] | Mapping[str, Any] | None
# A statement that writes, or locks rows to (FOR UPDATE): never run twice unasked.
_WRITES = re.compile(r"(?i)\b(INSERT|UPDATE|DELETE|MERGE)\b")


# A piece of a password shorter than this is not looked for in a message: it would hide
# ordinary words (the pieces of `a@b` are `a` and `b`).
PASSWORD_PIECE_SHOWN = 4


class PostgresError(Exception):
    """The team database cannot be used; str() is one line without the password."""


class OutOfReach(PostgresError, ConnectionLost):
    """The server cannot be reached or dropped the connection: at start, the one line
    that ends the command; mid-session, a connection lost that the app rides out."""


class UpgradeRefused(PostgresError):
    """An older book this role may not upgrade: only the role that owns its tables may
    change them."""

    def __init__(self, url: str, version: int, owner: str | None = None) -> None:
        self.url, self.version = url, version
        who = (
            "the role that owns its tables" if owner is None else f"{owner}, which owns its tables,"
        )
        super().__init__(
            f"{without_password(url)} is a book of schema v{version} and this funnel needs"
            f" v{LATEST_VERSION}: only {who} may upgrade it, so run funnel once as that role"
            " (README: Roles)"
        )


class _BoolAsInteger(Dumper):
    """True and False as 1 and 0: the book's flags are integers, as in the SQLite file."""

    oid = psycopg.adapters.types["int2"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _NumericAsSQLite(Loader):
    """A numeric as SQLite gives the same figure: an integer when PostgreSQL kept no
    decimals (`sum()` of bigint or integer is numeric), else a float."""

    def load(self, data: Any) -> int | float:
        text = bytes(data)
        try:
            return int(text)
        except ValueError:
            return float(text)


def describe_postgres_error(url: str, error: BaseException, owner: str | None = None) -> str:
    """One line for a failed connection or statement: where (never the password), why;
    for a right the role lacks, who grants it (`owner`, the role owning the tables, when
    known)."""
    where = without_password(url)
    # psycopg's messages may quote the connection string, password and all.
    lines = (" ".join(line.split()) for line in str(error).splitlines())
    text = _hidden("; ".join(line for line in lines if line), url)
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"cannot log in to {where}: the user name or password is wrong"
    if "does not exist" in lowered and "database" in lowered:
        return f"{where}: the database does not exist (create it with createdb)"
    if isinstance(error, ValueError):
        return f"{where} is not a PostgreSQL URL funnel can read ({text})"
    if isinstance(error, psycopg.OperationalError):
        return f"cannot reach the team database at {where}: {_unreachable_reason(text)}"
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        grantor = "the owner of the book's tables"
        if owner is not None:
            grantor = f"{owner}, {grantor},"
        return (
            f"{where}: database error: {text}; this role has not been given the right to do this,"
            f" which {grantor} grants (README: Roles)"
        )
    return f"{where}: database error: {text}"


def _unreachable_reason(text: str) -> str:
    # psycopg names each address it tried: the last reason is the one to act on. The
    # server's severity word (FATAL) says nothing to the rep.
    reason = text.rpartition("failed: ")[2] if "failed: " in text else text
    return reason.removeprefix("FATAL: ").strip()


def out_of_reach(url: str, error: psycopg.OperationalError) -> OutOfReach:
    """The error for a server that refused a connection or dropped one, said in one line."""
    lines = (" ".join(line.split()) for line in str(error).splitlines())
    reason = _unreachable_reason(_hidden("; ".join(line for line in lines if line), url))
    return OutOfReach(describe_postgres_error(url, error), reason)


# Rows a streamed query fetches from the server at a time, and names for its cursors.
STREAMED_ROWS_PER_FETCH = 5_000
_STREAMS = itertools.count(1)


class PostgresDatabase:
    """One connection, asked as the core asks sqlite-utils' Database: `execute` gives a
    cursor of tuples, `query` yields dicts.

    A read outside a transaction whose connection the server dropped (a restart, a
    network cut) is made again on a new connection from `reconnect`: reading twice
    changes nothing. A write is never repeated here: `PostgresStorage.retrying` repeats
    a whole transaction that carries a request id. A connection lost where it cannot be
    made again here (inside a transaction, a write, a server still away) is OutOfReach."""

    dialect = Dialect.POSTGRESQL

    def __init__(
        self,
        conn: psycopg.Connection[Any],
        reconnect: Callable[[], psycopg.Connection[Any]] | None = None,
        url: str = "",
    ) -> None:
        self.conn = conn
        self._reconnect = reconnect
        self._url = url
        self._transactions = 0

    def execute(self, sql: str, params: Params = None) -> psycopg.Cursor[Any]:
        return self._executed(sql, params)

    def _executed(self, sql: str, params: Params, **options: Any) -> psycopg.Cursor[Any]:
        """A cursor that ran `sql`, on a new connection when a read met a dropped one."""
        statement, values = to_psycopg(sql), _positional(params)
        try:
            return self.conn.cursor(**options).execute(statement, values)
        except psycopg.OperationalError as error:
            if not self._may_read_again(sql):
                raise self._lost(error) from error
            self.conn = self._reconnect()  # type: ignore[misc]
            try:
                return self.conn.cursor(**options).execute(statement, values)
            except psycopg.OperationalError as again:
                raise self._lost(again) from again

    def _lost(self, error: psycopg.OperationalError) -> psycopg.OperationalError | OutOfReach:
        """OutOfReach for an error that lost the connection; any other (a statement
        cancelled, a lock not available) as psycopg raised it."""
        if self.conn.closed or self.conn.broken:
            return out_of_reach(self._url, error)
        return error

    def _may_read_again(self, sql: str) -> bool:
        return (
            self._reconnect is not None
            and self._transactions == 0
            and (self.conn.closed or self.conn.broken)
            and sql.lstrip().upper().startswith(("SELECT", "WITH", "PRAGMA"))
            # A WITH that writes (a claim) may have been committed before the answer was lost.
            and _WRITES.search(sql) is None
        )

    @contextmanager
    def pipeline(self) -> Iterator[Any]:
        """Send the block's statements without waiting for each answer (psycopg's
        pipeline mode; store.batch): the answers are waited for when one is read, and the
        last of them as the block ends. The connection lost then (the COMMIT sent with
        the batch's end, its answer never back) is OutOfReach, as inside the block, so
        that a write with a request id is tried again and finds what it committed."""
        try:
            with self.conn.pipeline() as pipeline:
                yield pipeline
        except psycopg.OperationalError as error:
            lost = self._lost(error)
            if lost is error:
                raise
            raise lost from error

    @contextmanager
    def transaction(self) -> Iterator[PostgresDatabase]:
        """One transaction (a savepoint inside another)."""
        self._transactions += 1
        try:
            with self.conn.transaction():
                yield self
        except psycopg.OperationalError as error:
            # The commit itself may meet the lost connection.
            raise self._lost(error) from error
        finally:
            self._transactions -= 1

    def executemany(self, sql: str, params: Sequence[Params]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(to_psycopg(sql), [_positional(row) for row in params])

    def execute_streamed(self, sql: str, params: Params = None) -> Iterator[tuple[Any, ...]]:
        """A query's rows read from the server a page at a time (a named cursor, inside
        the transaction this must run in), not all at once as `execute`'s."""
        with self.conn.cursor(name=f"funnel_stream_{next(_STREAMS)}") as cursor:
            cursor.itersize = STREAMED_ROWS_PER_FETCH
            cursor.execute(to_psycopg(sql), _positional(params))
            yield from cursor

    def executemany_returning(self, sql: str, params: Sequence[Params]) -> list[tuple[Any, ...]]:
        """`executemany` of a statement with `RETURNING`: the rows each run returned."""
        if not params:
            return []
        returned: list[tuple[Any, ...]] = []
        with self.conn.cursor() as cursor:
            cursor.executemany(
                to_psycopg(sql), [_positional(row) for row in params], returning=True
            )
            # Each run's rows are a result set of their own (psycopg 3.2 has no results()).
            while True:
                returned.extend(cursor.fetchall())
                if not cursor.nextset():
                    break
        return returned

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        with self._executed(sql, params, row_factory=dict_row) as cursor:
            yield from cursor

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Add many rows to `table` with COPY, in their order (their ids follow it); the
        table's triggers fire for each as for an INSERT."""
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.conn.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    @property
    def in_transaction(self) -> bool:
        return self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    @property
    def can_open_more(self) -> bool:
        """Whether this connection's storage can open another (store.snapshot)."""
        return self._reconnect is not None

    def second_connection(self) -> PostgresDatabase:
        """Another connection to the same database, as its storage opens them (it closes
        them too when it closes); one that is lost is not made again."""
        if self._reconnect is None:
            raise ValueError("this connection's storage opens no others")
        return PostgresDatabase(self._reconnect(), url=self._url)


def _positional(params: Params) -> Params:
    # sqlite3 takes any sequence; psycopg a list, a tuple or a mapping.
    if params is None or isinstance(params, (list, tuple, Mapping)):
        return params
    return list(params)


def _hidden(text: str, url: str) -> str:
    """`text` without the URL's secrets (its password, a `password=` or `sslpassword=`
    parameter), however a message quotes them: whole, decoded, and the pieces of one that
    was not percent-encoded (libpq reads `s3cr@t` as the user `s3cr` at the host `t...`)."""
    text = hide_passwords(text)
    pieces: set[str] = set()
    for secret in url_secrets(url):
        # libpq quotes a value it cannot read: a short one is hidden there too.
        for whole in {secret, unquote(secret)}:
            text = text.replace(f'"{whole}"', '"***"')
        pieces |= {secret, unquote(secret), *re.split(r"[@/?#:]", secret)}
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) >= PASSWORD_PIECE_SHOWN:
            text = text.replace(piece, "***")
    return text


def application_name(doing: str, rep: str | None = None) -> str:
    """What pg_stat_activity shows of a connection, so whoever looks after the server sees
    which command (or the app) holds it and for which rep: "funnel report (alex)". The
    server keeps printable ASCII only: an accent is dropped ("José" is "Jose"), any other
    character is written as its code ("日本" is "\\u65e5\\u672c"); and at most 63 bytes,
    so a long rep name is cut short, with "...", inside its brackets."""
    name = _ascii(f"{APPLICATION} {doing}")[:APPLICATION_NAME_BYTES]
    if not rep:
        return name
    room = APPLICATION_NAME_BYTES - len(name) - len(" ()")
    shown = _ascii(rep)
    if len(shown) > room:
        shown = shown[: max(room - 3, 0)] + "..."
    return f"{name} ({shown})" if room >= 4 else name


def _ascii(text: str) -> str:
    """`text` in printable ASCII: accents dropped, other characters written as codes."""
    plain = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    coded = plain.encode("ascii", "backslashreplace").decode("ascii")
    return "".join(char if " " <= char <= "~" else "?" for char in coded)


# The price of an index lookup on a solid-state drive, for a session where nobody set one
# (connect).
SSD_RANDOM_PAGE_COST_SQL = """
SELECT set_config('random_page_cost', '1.1', false) FROM pg_settings
WHERE name = 'random_page_cost' AND source = 'default'
"""


def connect(url: str, name: str = APPLICATION) -> psycopg.Connection[Any]:
    """A new autocommit connection, called `name` in pg_stat_activity unless the URL or
    $PGAPPNAME names it otherwise; PostgresError with one readable line if it fails (a
    URL psycopg cannot read too).

    JIT compilation is off: the planner prices the report's correlated subqueries as if
    each ran for every row, so PostgreSQL would spend a second compiling a query that runs
    in milliseconds (and no query of the book runs long enough to gain from it).

    An index lookup is priced as on a solid-state drive (random_page_cost 1.1, the value
    PostgreSQL's documentation gives for one) unless a price was set for the server, the
    database or the role, or by the client ($PGOPTIONS, `options=-c ...` in the URL): the
    stock 4 is a spinning disk's seek, and with it a month's team report read a million
    prospects from end to end to join them to its 13,000 deals, at twice the time of
    looking each one up. A role that may not read pg_settings keeps the server's price."""
    if misencoded_password(url):
        raise PostgresError(
            f"{without_password(url)}: the URL's password has a character a URL must"
            " percent-encode there (write @ as %40, / as %2F, ? as %3F, # as %23), or give"
            " the password in $PGPASSWORD or ~/.pgpass instead"
        )
    conn = None
    try:
        conn = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            fallback_application_name=name,
        )
        # A server that drops the new connection during these is out of reach as well.
        conn.execute("SET jit = off")
        with suppress(psycopg.errors.InsufficientPrivilege):
            conn.execute(SSD_RANDOM_PAGE_COST_SQL)
        _count_days_in_local_time(conn)
    except psycopg.OperationalError as error:
        _close_quietly(conn)
        raise out_of_reach(url, error) from None
    except (psycopg.Error, ValueError) as error:
        _close_quietly(conn)
        raise PostgresError(describe_postgres_error(url, error)) from None
    conn.adapters.register_dumper(bool, _BoolAsInteger)
    conn.adapters.register_loader("numeric", _NumericAsSQLite)
    return conn


def _close_quietly(conn: psycopg.Connection[Any] | None) -> None:
    """Close a connection the set-up gave up on; one already broken may fail to."""
    if conn is not None:
        with suppress(psycopg.Error):
            conn.close()


def _count_days_in_local_time(conn: psycopg.Connection[Any]) -> None:
    """The session's zone is this machine's, so a day the triggers take of a moment (a busy
    line counts as one attempt a day) is the rep's day, as in a SQLite file. A zone the
    server does not know leaves the server's."""
    zone = local_zone_name()
    if zone is None:
        return
    with suppress(psycopg.errors.InvalidParameterValue):
        conn.execute(SQL("SET TimeZone = {}").format(Literal(zone)))


def schema_version(conn: psycopg.Connection[Any], url: str) -> int:
    """The book's schema version; 0 for a database without funnel's tables. A table of
    that name another program keeps (a migration tool's, whose versions may read `2.1`)
    is no funnel book's: PostgresError."""
    if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
        return 0
    ours = conn.execute(
        "SELECT to_regclass('prospects'), to_regclass('calls'), to_regclass('settings')"
    ).fetchone()
    if None in ours:
        raise PostgresError(_not_a_book(url))
    row = conn.execute("SELECT max(version)::text FROM schema_version").fetchone()
    try:
        return int(row[0] or 0)
    except ValueError:
        raise PostgresError(_not_a_book(url)) from None


def _not_a_book(url: str) -> str:
    return (
        f"{without_password(url)} already holds other tables, not a funnel book;"
        " create a database of its own with createdb"
    )


def migrate_tables(conn: psycopg.Connection[Any], url: str) -> tuple[str, ...]:
    """Make the tables of an empty database, or bring an older book's up to date, all
    in one transaction (DDL is transactional in PostgreSQL); inside a caller's transaction
    they are made with the rest of it, or not at all. Returns the reps' own settings an
    older book kept in the team's table and v13 cleared (their keys), to tell the rep."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEMA_LOCK])
        version = schema_version(conn, url)
        if version == 0:
            user_tables = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchone()[0]
            if user_tables:
                raise PostgresError(_not_a_book(url))
        if version > LATEST_VERSION:
            raise PostgresError(
                f"{without_password(url)} is a book of schema v{version}, newer than this"
                f" funnel (v{LATEST_VERSION}); upgrade funnel"
            )
        cleared: tuple[str, ...] = ()
        if 0 < version < CLEARS_OWN_SETTINGS:
            cleared = tuple(key for (key,) in conn.execute(OWN_SETTINGS_LEFT))
        try:
            for number in range(max(version + 1, FIRST_VERSION), LATEST_VERSION + 1):
                if script := MIGRATIONS[number]:
                    conn.execute(script)
        except psycopg.errors.InsufficientPrivilege:
            if version == 0:
                raise
            raise UpgradeRefused(url, version) from None
        if version < LATEST_VERSION:
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", [LATEST_VERSION])
    return cleared


class PostgresStorage:
    """A team database: a connection per thread (made again after the server dropped it),
    writes in one transaction each."""

    dialect = Dialect.POSTGRESQL

    def __init__(self, url: str, name: str = APPLICATION) -> None:
        self.url = url
        # What its connections are called in pg_stat_activity.
        self.application_name = name
        self.location = without_password(url)
        self._local = threading.local()
        self._connections: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._listener: ChangeListener | None = None

    @property
    def db(self) -> PostgresDatabase:
        """This thread's connection, opened on first use and again after it broke (the
        same object: whoever holds it reads on the new connection)."""
        db: PostgresDatabase | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = PostgresDatabase(self._connect(), self._connect, self.url)
        elif db.conn.closed or db.conn.broken:
            db.conn = self._connect()
        return db

    def _connect(self) -> psycopg.Connection[Any]:
        conn = connect(self.url, self.application_name)
        with self._lock:
            self._connections = [known for known in self._connections if not known.closed]
            self._connections.append(conn)
        return conn

    def write(self) -> AbstractContextManager[PostgresDatabase]:
        """One transaction on this thread's connection."""
        return _transaction(self.db)

    def retrying(self, work: Callable[[PostgresDatabase], T]) -> T:
        """Run `work` (a transaction with a request id, so that running it twice writes
        once) with this thread's connection, and again on a new connection when the
        server dropped this one or could not be reached: up to RETRIES times, waiting a
        little longer each time. OutOfReach when it is still away after that.

        A transaction the server ended to break a deadlock with another rep's (or that
        could not be serialised beside one) wrote nothing: it runs again after a pause of
        half to all of RETRY_WAIT_S, at random, which gives the other time to commit first
        rather than meet it again (RETRIES tries in all), unless it was part of a
        transaction of the caller's, which is over too."""
        for attempt in range(RETRIES):
            try:
                return work(self.db)
            except OutOfReach:
                if attempt == RETRIES - 1:
                    raise
                time.sleep(RETRY_WAIT_S * (attempt + 1))
            except _ENDED_BY_THE_SERVER:
                if attempt == RETRIES - 1 or self.db.in_transaction:
                    raise
                time.sleep(random.uniform(RETRY_WAIT_S / 2, RETRY_WAIT_S))
        raise AssertionError("unreachable")

    def changes(self) -> int:
        """A number that grows when another connection (another rep's app, a script)
        commits a change to the book: what SQLite's `PRAGMA data_version` tells of a file,
        heard here with LISTEN/NOTIFY by a thread of its own, started on the first ask."""
        if self._listener is None:
            self._listener = ChangeListener(self.url, self._own_backends, self.application_name)
        return self._listener.heard

    def _own_backends(self) -> set[int]:
        with self._lock:
            return {conn.info.backend_pid for conn in self._connections if not conn.closed}

    def close(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()


class ChangeListener:
    """Counts the book's change notices sent by other connections, on a daemon thread
    with a connection of its own. A lost connection counts as a change (what happened
    meanwhile is unknown) and is made again a second later."""

    WAIT_S = 0.5

    def __init__(
        self, url: str, own_backends: Callable[[], set[int]], name: str = APPLICATION
    ) -> None:
        self.url = url
        self.application_name = name
        self.heard = 0
        self._own_backends = own_backends
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="funnel-listen", daemon=True)
        self._thread.start()
        self._listening.wait(CONNECT_TIMEOUT_S)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    self.url,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT_S,
                    fallback_application_name=self.application_name,
                ) as conn:
                    conn.execute(f"LISTEN {CHANGES_CHANNEL}")
                    self._listening.set()
                    while not self._stopping.is_set():
                        for notice in conn.notifies(timeout=self.WAIT_S):
                            if notice.pid not in self._own_backends():
                                self.heard += 1
            except psycopg.Error:
                self.heard += 1
                self._listening.set()
                self._stopping.wait(1.0)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=2 * self.WAIT_S + 1)


@contextmanager
def _transaction(db: PostgresDatabase) -> Iterator[PostgresDatabase]:
    with db.transaction():
        yield db


def _tables_owner(conn: psycopg.Connection[Any]) -> str | None:
    """The role that owns the book's tables, which alone may change them and grant rights
    on them; None when it cannot be read."""
    try:
        row = conn.execute(
            "SELECT tableowner FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = 'prospects'"
        ).fetchone()
    except psycopg.Error:
        return None
    return None if row is None else one_line(row[0])


def open_postgres(
    url: str,
    name: str = APPLICATION,
    on_own_settings_cleared: Callable[[tuple[str, ...]], None] | None = None,
) -> PostgresStorage:
    """Connect to the team database at `url`, making or migrating its tables as needed;
    its connections are called `name` (application_name). `on_own_settings_cleared` is
    told the keys when the upgrade to v13 cleared reps' own settings from the team's
    table. Raises PostgresError with one line (never the password) when it cannot."""
    conn = connect(url, name)
    try:
        cleared = migrate_tables(conn, url)
    except UpgradeRefused as refused:
        raise UpgradeRefused(url, refused.version, _tables_owner(conn)) from None
    except psycopg.errors.InsufficientPrivilege as error:
        raise PostgresError(describe_postgres_error(url, error, _tables_owner(conn))) from None
    except psycopg.Error as error:
        raise PostgresError(describe_postgres_error(url, error)) from None
    finally:
        conn.close()
    if cleared and on_own_settings_cleared is not None:
        on_own_settings_cleared(cleared)
    return PostgresStorage(url, name)
