"""A new SQLite book: the schema every migration leaves, created in one go.

Running the migrations one by one on an empty file took 0.23 to 0.33 s, nearly all of it
in SQLite reading its whole schema again after each `ALTER TABLE` (a rename 65 ms, an
added column 11 ms). A new book instead gets the statements of a book migrated once per
process in memory, in the order its `sqlite_master` lists them (SQLite fires a table's
triggers in that order), the rows the migrations wrote, and an id of its own.
`tests/test_new_book.py` holds a book made this way equal to one migrated step by step.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cache

from funnel_tui.filter_indexes import FILTER_INDEXES
from funnel_tui.schema_v5 import BOOK_ROW
from funnel_tui.schema_version import LATEST_VERSION

# Drawn for each book: never copied from the one built in memory.
BOOK_TABLE = "book"


@dataclass(frozen=True)
class LatestSchema:
    """What a book migrated from nothing holds: its statements in order, and the rows of
    each table the migrations filled (FTS5's own tables come with their statements)."""

    statements: tuple[str, ...]
    rows: tuple[tuple[str, tuple[tuple[object, ...], ...]], ...]


def migrate_step_by_step(conn: sqlite3.Connection) -> None:
    """Every migration in turn on an empty database, inside the caller's transaction."""
    from funnel_tui.migrations import MIGRATIONS

    for number in range(1, LATEST_VERSION + 1):
        MIGRATIONS[number - 1](conn)
        conn.execute(f"PRAGMA user_version = {number}")


@cache
def latest_schema() -> LatestSchema:
    """The latest schema, read off an in-memory database migrated step by step."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        memory.execute("BEGIN")
        migrate_step_by_step(memory)
        memory.execute("COMMIT")
        made_with_others = {
            name
            for _, name, kind, *_ in memory.execute("PRAGMA table_list")
            if kind == "shadow" or name.startswith("sqlite_")
        }
        entries = memory.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
        ).fetchall()
        statements = tuple(sql for _, name, sql in entries if name not in made_with_others)
        filled = [
            name
            for kind, name, _ in entries
            if kind == "table" and name not in made_with_others and name != BOOK_TABLE
        ]
        if any(name == "sqlite_sequence" for _, name, *_ in memory.execute("PRAGMA table_list")):
            filled.append("sqlite_sequence")
        rows = tuple(
            (name, tuple(memory.execute(f'SELECT * FROM "{name}"').fetchall())) for name in filled
        )
        return LatestSchema(statements, tuple((name, found) for name, found in rows if found))
    finally:
        memory.close()


def create_latest(conn: sqlite3.Connection) -> None:
    """Give an empty database the latest schema, inside the caller's transaction."""
    schema = latest_schema()
    for statement in schema.statements:
        conn.execute(statement)
    for name, rows in schema.rows:
        marks = ", ".join("?" * len(rows[0]))
        conn.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    for index in FILTER_INDEXES:
        conn.execute(index.rebuild)  # as the migrations leave it: built, over no rows
    conn.execute(BOOK_ROW)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")
