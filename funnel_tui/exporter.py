"""Exporting prospects and calls as CSV or JSON, streamed, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

import sqlite_utils

from funnel_tui.foreign_values import MARK

EXPORT_TABLES = ("prospects", "calls")
EXPORT_FORMATS = ("csv", "json")

# Calls carry their prospect's name, company and source, so marketing sees outcomes by source.
QUERIES = {
    "prospects": "SELECT * FROM prospects ORDER BY id",
    "calls": """
        SELECT calls.id, calls.prospect_id, prospects.name AS prospect_name,
               prospects.company, prospects.source, calls.started_at, calls.duration_s,
               calls.outcome, calls.method, calls.notes, calls.follow_up_at
        FROM calls JOIN prospects ON prospects.id = calls.prospect_id
        ORDER BY calls.started_at, calls.id
    """,
}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_rows(
    db: sqlite_utils.Database, table: str
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The column names and a stream of rows of `prospects` or `calls`."""
    if table not in QUERIES:
        raise ValueError(f"cannot export {table!r}: choose one of {', '.join(EXPORT_TABLES)}")
    cursor = db.execute(QUERIES[table])
    return [column[0] for column in cursor.description], iter(cursor)


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, behind a `'`; a BLOB another
    tool stored, which neither CSV nor JSON can hold, as `?`; others as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return _blob_as_mark(value)


def _blob_as_mark(value: Any) -> Any:
    return MARK if isinstance(value, bytes) else value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """Write a header and the rows as CSV (open `out` with newline=""); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
        count += 1
    return count


def write_json(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """Write the rows as a JSON list of objects, one per line; returns the row count."""
    count = 0
    for row in rows:
        out.write(",\n" if count else "[\n")
        record = {column: _blob_as_mark(value) for column, value in zip(columns, row, strict=True)}
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count
