"""A table's rows read in the order of their ids, a few thousand at a time, each chunk by
a statement of its own: a book of a million prospects is never held whole, and the
connection may write between two chunks (no read is left open under a write)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

# Rows read by one statement.
CHUNK = 4_096


def in_id_order(
    conn: sqlite3.Connection,
    select: str,
    params: tuple[Any, ...] = (),
    *,
    text_factory: Any = None,
    chunk: int = CHUNK,
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of `select`, a SELECT whose first column is the table's `id` (its rowid)
    and that ends in a WHERE clause, in lists of at most `chunk` rows. `text_factory`
    reads each chunk's text (`bytes`, say) without changing how the connection reads
    anything else meanwhile."""
    bounded = f"{select.rstrip()} AND id > ? ORDER BY id LIMIT ?"
    rows = _read(conn, f"{select.rstrip()} ORDER BY id LIMIT ?", (*params, chunk), text_factory)
    while rows:
        yield rows
        if len(rows) < chunk:
            return
        rows = _read(conn, bounded, (*params, rows[-1][0], chunk), text_factory)


def _read(
    conn: sqlite3.Connection, sql: str, params: tuple[Any, ...], text_factory: Any
) -> list[tuple[Any, ...]]:
    if text_factory is None:
        return conn.execute(sql, params).fetchall()
    factory = conn.text_factory
    conn.text_factory = text_factory
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.text_factory = factory
