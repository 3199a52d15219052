"""A book file's connection as the core uses it, without importing sqlite-utils.

The core reads and writes with `execute` and `query`, which this class answers straight
from sqlite3. sqlite-utils costs more to import than anything else the app's first frame
needs (its `db` module compiles a verbose pattern over the whole of Unicode at import, and
brings click, pluggy and dateutil): the commands and migrations that use the rest of
sqlite-utils' `Database` (`db["prospects"].insert_all(...)`, `db.table_names()`, ...) get it,
on the same connection, the first time they ask for it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from funnel_tui.store.dialect import Dialect

if TYPE_CHECKING:
    import sqlite_utils

Parameters = Sequence[Any] | Mapping[str, Any] | None

# Statements that only read, whose rows `query` hands over as they are fetched. Anything
# else goes through sqlite-utils' own `query`, which finishes a write before its rows.
_READING_KEYWORDS = ("SELECT", "WITH", "VALUES")


class FileDatabase:
    """One sqlite3 connection (opened in autocommit mode, as `Storage` opens them), with the
    part of sqlite-utils' `Database` that the core calls, and the rest of it on demand."""

    dialect = Dialect.SQLITE

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._utilities: sqlite_utils.Database | None = None

    def execute(self, sql: str, parameters: Parameters = None) -> sqlite3.Cursor:
        """Run one statement, as sqlite-utils' `execute` does on an autocommit connection."""
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    def query(self, sql: str, params: Parameters = None) -> Iterator[dict[str, Any]]:
        """The rows of a query as dictionaries, fetched as they are read."""
        if not sql.lstrip()[:6].upper().startswith(_READING_KEYWORDS):
            return self.utilities.query(sql, params)
        cursor = self.execute(sql, params)
        keys = [column[0] for column in cursor.description]
        if len(set(keys)) != len(keys):
            # Two columns of one name: sqlite-utils renames the later ones (`id_2`).
            from sqlite_utils.utils import dedupe_keys

            keys = dedupe_keys(keys)
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    @property
    def utilities(self) -> sqlite_utils.Database:
        """sqlite-utils' `Database` on this connection, made (and sqlite-utils imported) on
        first use."""
        if self._utilities is None:
            import sqlite_utils

            # No plugins: finding them reads every installed package's metadata, and
            # code from other packages has no business on the rep's connection.
            self._utilities = sqlite_utils.Database(
                self.conn, recursive_triggers=False, execute_plugins=False
            )
        return self._utilities

    def __getattr__(self, name: str) -> Any:
        # Only asked for what this class does not define itself.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.utilities, name)

    def __getitem__(self, table: str) -> Any:
        return self.utilities[table]

    def __repr__(self) -> str:
        return f"<FileDatabase {self.conn}>"
