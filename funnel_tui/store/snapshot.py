"""A report's reads in one snapshot of the book, part of them beside the caller; an
import's reads of the book as it was when it began, beside its own writes.

A team report reads for a second or more while the reps go on logging calls: read
statement by statement, a call committed half-way would count in the reps' lines and not
in the team's total. `one_snapshot` runs the reads in one read-only transaction, so that
every one of them sees the book as it was when the first one began.

On PostgreSQL the transaction is REPEATABLE READ, and `Snapshot.beside` runs work on a
second connection that takes the same snapshot (`pg_export_snapshot`), in a thread of
its own: the server reads for both connections at once, each on a core of its own. In a
file the reads are one deferred transaction, and `beside` runs the work in place: SQLite
reads in this process, where a second thread would only take turns with the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.errors import ConnectionLost

T = TypeVar("T")

_READ_ONLY = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"


class Snapshot:
    """Reads in one snapshot: the caller's on its own connection, and `beside`."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def beside(self, work: Callable[[Any], T]) -> Future[T]:
        """`work(db)` on a connection that reads the same snapshot; its answer (or its
        error) once the future is asked. Here: at once, on the caller's connection."""
        future: Future[T] = Future()
        try:
            future.set_result(work(self.db))
        except Exception as error:
            future.set_exception(error)
        return future


class _SecondConnection(Snapshot):
    """`beside` on a second connection in the snapshot `exported`, opened on first use;
    in place when the server takes no more connections (its last slots are kept for its
    superusers)."""

    def __init__(self, db: Any, exported: str, stack: ExitStack) -> None:
        super().__init__(db)
        self._exported = exported
        self._stack = stack
        self._side: Any = None
        self._thread: ThreadPoolExecutor | None = None
        self._in_place = False

    def beside(self, work: Callable[[Any], T]) -> Future[T]:
        if self._in_place:
            return super().beside(work)
        if self._thread is None:
            try:
                self._side = self._stack.enter_context(_in_snapshot(self.db, self._exported))
            except ConnectionLost:
                self._in_place = True
                return super().beside(work)
            self._thread = self._stack.enter_context(ThreadPoolExecutor(1, "funnel-beside"))
        return self._thread.submit(work, self._side)


@contextmanager
def _in_snapshot(db: Any, exported: str | None = None) -> Iterator[Any]:
    """A second connection to `db`'s database in a read-only transaction of the snapshot
    `exported`, or of its own (taken by its first read); closed at the end."""
    side = db.second_connection()
    try:
        with side.transaction():
            side.execute(_READ_ONLY)
            if exported is not None:
                # Only a team's server exports a snapshot: a file's book never loads psycopg.
                from psycopg import sql

                snapshot = sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(exported))
                side.conn.execute(snapshot)
            yield side
    finally:
        side.conn.close()


@contextmanager
def one_snapshot(db: Any) -> Iterator[Snapshot]:
    """The block's reads on `db`, and those it hands to `beside`, in one snapshot. Inside
    a transaction already begun, the reads are that transaction's, and `beside` runs in
    place."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        if db.in_transaction or not db.can_open_more:
            yield Snapshot(db)
            return
        with db.transaction(), ExitStack() as stack:
            db.execute(_READ_ONLY)
            exported = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
            yield _SecondConnection(db, exported, stack)
        return
    if db.conn.in_transaction:
        yield Snapshot(db)
        return
    db.conn.execute("BEGIN")
    try:
        yield Snapshot(db)
    finally:
        db.conn.execute("COMMIT")


@contextmanager
def book_as_it_is(db: Any) -> Iterator[Any]:
    """A connection that reads the book as it is now for as long as the block lasts,
    beside `db`'s own transaction: on PostgreSQL a second connection in a REPEATABLE
    READ, read-only transaction, whose first read takes the snapshot, so that what other
    reps commit meanwhile is not seen (nor what `db` writes); `db` itself in a file, where
    no one else commits while its write transaction holds the book, and on a server that
    takes no more connections."""
    if dialect_of(db) is Dialect.SQLITE or not db.can_open_more:
        yield db
        return
    with ExitStack() as stack:
        try:
            side = stack.enter_context(_in_snapshot(db))
        except ConnectionLost:
            side = db
        yield side
