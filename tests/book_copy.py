"""A SQLite book's rows copied as they are into a team database, so that a test can start
from the same book (the demo's) on both backends."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from funnel_tui.store import open_team_book
from tests.conftest import BOOK_TABLES_KEPT, empty_team_book


def copy_book_to_team(path: Path, url: str) -> None:
    """Empty the team database at `url` and fill its tables with every row of the SQLite
    book at `path`, the tables the triggers keep (call_days, lead_marks, prospect_search) as
    SQLite kept them: the triggers are off while rows are copied, so each row is written
    once, as it is. Ids go on from the copied ones."""
    import psycopg

    open_team_book(url).close()  # the tables, made on first use
    empty_team_book(url)
    source = sqlite3.connect(path)
    try:
        with psycopg.connect(url) as conn:
            conn.execute("SET session_replication_role = replica")
            in_file = {
                name
                for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            tables = [
                name
                for (name,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
                if name in in_file and name not in BOOK_TABLES_KEPT
            ]
            for table in tables:
                cursor = source.execute(f"SELECT * FROM {table}")
                columns = [column[0] for column in cursor.description]
                rows = cursor.fetchall()
                if rows:
                    marks = ", ".join(["%s"] * len(columns))
                    with conn.cursor() as writer:
                        writer.executemany(
                            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                        )
                if "id" in columns:
                    conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
    finally:
        source.close()
