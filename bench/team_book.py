"""What the team benchmarks share: a PostgreSQL database to run on (the URL given, or one
on a throwaway cluster started as the tests start theirs), and rows copied in fast.

Rows go in with COPY while the row triggers of prospects, calls and tasks are off; then
the rows those triggers keep (prospect_search, next calls, call_days, lead_marks) are
built once, set-based, by the statements `funnel migrate-to` uses for a copied book.
A database is only ever emptied when the benchmark made it: it marks it in settings.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from funnel_tui.store import open_team_book
from funnel_tui.store.dialect import without_password
from funnel_tui.store.migrate_to import (
    MOVED_IDS,
    build_derived_rows,
    restart_ids,
    switch_triggers,
)

REPO = Path(__file__).resolve().parent.parent
# The tests' throwaway cluster: tests/postgres_server.py, importable from the repository.
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

BENCH_KEY = "bench_book"
DATABASE = "funnel_team_bench"
# The tables a benchmark empties before it fills them again; the book's own stay.
KEPT_TABLES = ("schema_version", "book")


class NotABenchDatabase(Exception):
    """The database holds a book the benchmark did not make: it is left alone."""


@contextmanager
def bench_database(url: str | None) -> Iterator[str]:
    """The URL of an empty team database for a benchmark: `url` (emptied, if the benchmark
    made it), or a database on a throwaway cluster dropped with it afterwards."""
    if url is not None:
        empty(url)
        yield url
        return
    from tests.postgres_server import Cluster

    cluster = Cluster()
    try:
        made = cluster.server.create_database(DATABASE)
        empty(made)
        yield made
    finally:
        cluster.stop()


def empty(url: str) -> None:
    """Make or migrate the team's tables and delete every row, then mark the database as
    the benchmark's; NotABenchDatabase when it holds prospects that are not."""
    open_team_book(url).close()
    with psycopg.connect(url, autocommit=True) as conn:
        marked = conn.execute("SELECT 1 FROM settings WHERE key = %s", [BENCH_KEY]).fetchone()
        if not marked and conn.execute("SELECT 1 FROM prospects LIMIT 1").fetchone():
            raise NotABenchDatabase(
                f"{without_password(url)} holds a book the benchmark did not make;"
                " give the URL of an empty database"
            )
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
            if name not in KEPT_TABLES
        ]
        conn.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                sql.SQL(", ").join(map(sql.Identifier, tables))
            )
        )
        conn.execute("INSERT INTO settings (key, value) VALUES (%s, 'yes')", [BENCH_KEY])


def server_description(url: str) -> str:
    """The server's version and the settings that weigh on the figures."""
    with psycopg.connect(url) as conn:
        shown = {
            name: conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0]
            for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers")
        }
    return (
        f"PostgreSQL {shown['server_version'].split()[0]} (fsync {shown['fsync']},"
        f" synchronous_commit {shown['synchronous_commit']},"
        f" shared_buffers {shown['shared_buffers']})"
    )


def copy_text(
    conn: psycopg.Connection[Any], table: str, columns: Sequence[str], chunks: Iterable[str]
) -> None:
    """COPY rows already in COPY's text format (tab-separated, `\\N` for NULL, one a line)."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for chunk in chunks:
            copy.write(chunk)


# The tables rows are copied into: their indexes other than the keys are dropped while
# the rows go in and made again afterwards, which is several times quicker than keeping
# them up to date row by row.
COPIED_INTO = ("prospects", "calls", "tasks")


@contextmanager
def copying_in(
    conn: psycopg.Connection[Any], url: str, *, triggers: bool = False
) -> Iterator[None]:
    """A transaction to copy rows into prospects, calls and tasks. Without `triggers` the
    row triggers of those tables are off meanwhile and the derived rows of every prospect
    are built at the end; either way the ids handed out next follow the highest copied."""
    with conn.transaction():
        conn.execute("SET LOCAL maintenance_work_mem = '1GB'")
        conn.execute("SET LOCAL work_mem = '256MB'")
        where = without_password(url)
        if not triggers:
            switch_triggers(conn, "DISABLE", where)
        indexes = _drop_indexes(conn)
        yield
        for definition in indexes:
            conn.execute(definition)
        for table in COPIED_INTO:
            conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
        if not triggers:
            build_derived_rows(conn, after=0)
            switch_triggers(conn, "ENABLE", where)
        for table in MOVED_IDS:
            restart_ids(conn, table)


def _drop_indexes(conn: psycopg.Connection[Any]) -> list[str]:
    """Drop the indexes of COPIED_INTO that back no constraint; their definitions."""
    rows = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [list(COPIED_INTO)],
    ).fetchall()
    for name, _ in rows:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return [definition for _, definition in rows]
