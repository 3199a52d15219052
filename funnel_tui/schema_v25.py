"""Schema v25: an id is never given twice (`AUTOINCREMENT`).

SQLite gives a new row the largest id in its table plus one, so the id of a row deleted
while it held the largest came back on the next row: forgetting the prospect added last
handed their id, and the ids of their last calls and tasks, to whoever came next. A
window still showing the forgotten person, an `undo` record or a calendar event's UID
(made of a task's and a prospect's ids) then named someone else. With `AUTOINCREMENT`
SQLite keeps the largest id each table ever held in `sqlite_sequence`, and a new row's
id is above it. PostgreSQL's identity columns never gave an id twice.

Every table with an id of its own gets it. The change is to each table's definition
alone (the rows are stored as before), so it is made as SQLite's documentation lays out
for a change that leaves the stored content as it is ("Making Other Kinds Of Table
Schema Changes"): the definitions rewritten in `sqlite_master` under `writable_schema`,
in the migration's transaction, with the schema's version moved on so that every
connection reads them again. Rebuilding the tables instead would copy every call, ten
million at 1,000,000 prospects. `sqlite_sequence` is made by creating, and dropping, a
table that asks for it, as only SQLite may create it. Each table's sequence starts at its
largest id now: an id given before this version to a row deleted since cannot be told
from one never given. A table another tool made again (`sqlite-utils transform` writes
`"id" INTEGER PRIMARY KEY`) is changed as well; one already AUTOINCREMENT keeps its
sequence.
"""

from __future__ import annotations

import re
import sqlite3

# The tables whose rows have an id of their own (the others are keyed by another's).
TABLES = ("prospects", "calls", "tasks", "notes", "emails", "flag_changes", "deals", "targets")

# A table's own id as funnel writes it (`id INTEGER PRIMARY KEY,`), or as another tool
# that made the table again does (`"id" INTEGER PRIMARY KEY`, `[id] integer primary key`),
# not yet AUTOINCREMENT; never another table's id (`prospect_id INTEGER PRIMARY KEY`).
OWN_ID = re.compile(
    r"""(?<![\w"`\]])(["`\[]?id["`\]]?\s+INTEGER\s+PRIMARY\s+KEY)\b(?!\s+AUTOINCREMENT)""",
    re.IGNORECASE,
)

# Creating a table with AUTOINCREMENT is what makes SQLite create sqlite_sequence.
_MAKES_SEQUENCE = "CREATE TABLE funnel_makes_sqlite_sequence (id INTEGER PRIMARY KEY AUTOINCREMENT)"


def migrate(conn: sqlite3.Connection) -> None:
    """Give each of TABLES' ids AUTOINCREMENT, in the caller's transaction."""
    conn.execute(_MAKES_SEQUENCE)
    conn.execute("DROP TABLE funnel_makes_sqlite_sequence")
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        for table in TABLES:
            (sql,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
            ).fetchone()
            never_reused = OWN_ID.sub(r"\1 AUTOINCREMENT", sql, count=1)
            if never_reused != sql:
                conn.execute(
                    "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                    [never_reused, table],
                )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    for table in TABLES:
        conn.execute(
            f"INSERT INTO sqlite_sequence (name, seq) SELECT ?, max(id) FROM {table}"
            " HAVING max(id) IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
            [table, table],
        )
