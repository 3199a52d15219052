"""Statements sent together and read later, so that a transaction of many small
statements costs a few round trips to a team's server rather than one each.

On PostgreSQL a batch is psycopg's pipeline mode: `send` queues a statement and returns
at once, and the server's answers are waited for only when one is read (every statement
sent before it is answered in the same round trip) or when the batch ends. A statement
whose answer is never read (an UPDATE, a DELETE) costs no wait of its own. On SQLite,
in the same process, each statement runs as it is sent, as it always did.

Statements run in the order they were sent, whatever the order their answers are read
in: a read sent before a write sees the row as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from funnel_tui.store.dialect import Dialect, dialect_of


@contextmanager
def batched(db: Any) -> Iterator[None]:
    """Send the block's statements in one batch (PostgreSQL's pipeline mode); the batch
    ends, every answer waited for, when the block does."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        with db.pipeline():
            yield
    else:
        yield


class Sent:
    """A statement sent; its rows are read (waited for, in a batch) when first asked."""

    def __init__(self, cursor: Any, *, read_now: bool) -> None:
        self._cursor = cursor
        self._rows: list[tuple[Any, ...]] | None = None
        self._columns: list[str] | None = None
        if read_now:
            self._read()
            # A SQLite cursor forgets its columns at its connection's next statement.
            self._columns = self._names()

    def _read(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            self._rows = [tuple(row) for row in self._cursor.fetchall()]
        return self._rows

    def _names(self) -> list[str]:
        result = getattr(self._cursor, "pgresult", None)
        if result is not None:
            # psycopg's description makes an object of each column: the names alone cost
            # a fraction of it, on every call logged.
            encoding = self._cursor.connection.info.encoding
            return [result.fname(index).decode(encoding) for index in range(result.nfields)]
        return [column[0] for column in self._cursor.description or ()]

    def all(self) -> list[tuple[Any, ...]]:
        return self._read()

    def one(self) -> tuple[Any, ...] | None:
        """The first row, or None when there is none."""
        rows = self._read()
        return rows[0] if rows else None

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as dicts by column name, as sqlite-utils' `query` gives them."""
        rows = self._read()
        if self._columns is None:
            self._columns = self._names()
        return [dict(zip(self._columns, row, strict=True)) for row in rows]


def send(db: Any, sql: str, params: Any = None) -> Sent:
    """Run `sql` (in a batch: queue it); its rows are read from the Sent. On SQLite they
    are read at once, so that a later statement cannot change what a cursor still holds."""
    cursor = db.execute(sql, params) if params is not None else db.execute(sql)
    return Sent(cursor, read_now=dialect_of(db) is not Dialect.POSTGRESQL)
