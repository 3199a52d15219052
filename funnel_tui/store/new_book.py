"""A new SQLite book: the schema every migration leaves, created in one go.

Running the migrations one by one on an empty file took 0.23 to 0.33 s, nearly all of it
in SQLite reading its whole schema again after each `ALTER TABLE` (a rename 65 ms, an
added column 11 ms). A new book instead gets the statements of a book migrated once per
process in memory, in the order its `sqlite_master` lists them (which sets the order
SQLite fires a table's triggers in), the filter's indexes built as the migrations build
them, and an id of its own. Should the migrations ever leave rows other than the book's
id, a new book is migrated step by step as before. `tests/test_new_book.py` holds a book
made this way equal to one migrated step by step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache

from funnel_tui.filter_indexes import FILTER_INDEXES
from funnel_tui.schema_v5 import BOOK_ROW

Migration = Callable[[sqlite3.Connection], None]

# The one row the migrations leave in a new book: its id, drawn for each book.
_BOOK_ID_ONLY = ("book", ("id",))


def migrate(conn: sqlite3.Connection, version: int, latest: int) -> None:
    """The migrations after `version` up to `latest`, in turn, in the caller's
    transaction: an upgrade, or (from 0) a new book made step by step."""
    from funnel_tui.migrations import MIGRATIONS

    _run(conn, MIGRATIONS[version:latest], version)


def _run(conn: sqlite3.Connection, steps: tuple[Migration, ...], version: int) -> None:
    for number, step in enumerate(steps, start=version + 1):
        step(conn)
        conn.execute(f"PRAGMA user_version = {number}")


def latest_statements(latest: int) -> tuple[str, ...] | None:
    """The statements of a book migrated step by step to `latest` in memory, in order;
    None when the migrations left rows a copy of the statements would not make."""
    from funnel_tui.migrations import MIGRATIONS

    return _statements_made_by(MIGRATIONS[:latest])


@cache
def _statements_made_by(steps: tuple[Migration, ...]) -> tuple[str, ...] | None:
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        memory.execute("BEGIN")
        _run(memory, steps, 0)
        memory.execute("COMMIT")
        entries = memory.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
        ).fetchall()
        virtual = [name for kind, name, sql in entries if sql.startswith("CREATE VIRTUAL")]
        # SQLite's own tables, and those each virtual table makes for itself (FTS5's).
        implicit = {
            name
            for kind, name, _ in entries
            if kind == "table"
            and (name.startswith("sqlite_") or any(name.startswith(f"{v}_") for v in virtual))
        }
        tables = [name for kind, name, _ in entries if kind == "table" and name not in implicit]
        filled = [
            name
            for name in tables
            if name not in virtual and memory.execute(f'SELECT 1 FROM "{name}"').fetchone()
        ]
        book_columns = tuple(row[1] for row in memory.execute("PRAGMA table_info(book)"))
        if filled != ["book"] or (filled[0], book_columns) != _BOOK_ID_ONLY:
            return None
        if memory.execute("SELECT count(*) FROM book").fetchone()[0] != 1:
            return None
        return tuple(sql for _, name, sql in entries if name not in implicit)
    finally:
        memory.close()


def create_latest(conn: sqlite3.Connection, latest: int) -> None:
    """Give an empty database the schema at `latest`, in the caller's transaction: in one
    go (or step by step when the migrations leave rows that need them)."""
    statements = latest_statements(latest)
    if statements is None:
        migrate(conn, 0, latest)
        return
    for statement in statements:
        conn.execute(statement)
    for index in FILTER_INDEXES:
        conn.execute(index.rebuild)  # as the migrations leave it: built, over no rows
    conn.execute(BOOK_ROW)
    conn.execute(f"PRAGMA user_version = {latest}")
