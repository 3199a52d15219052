"""Everything the book holds about one prospect, as one JSON document: the right of
access (GDPR article 15, CCPA) that `funnel export --prospect ID` answers, to be given
to the person before `funnel forget` erases it."""

from __future__ import annotations

import json
from contextlib import suppress
from typing import TYPE_CHECKING, Any, TextIO

from funnel_tui.exporter import json_text, neutralise_blob
from funnel_tui.prospects import get_prospect

if TYPE_CHECKING:
    import sqlite_utils

# The person's rows in each table, oldest first; every column, as stored.
RECORD_QUERIES = {
    "calls": "SELECT * FROM calls WHERE prospect_id = ? ORDER BY started_at, id",
    "notes": "SELECT * FROM notes WHERE prospect_id = ? ORDER BY created_at, id",
    "tasks": "SELECT * FROM tasks WHERE prospect_id = ? ORDER BY due_at, id",
    "deals": "SELECT * FROM deals WHERE prospect_id = ? ORDER BY closed_on, id",
    "emails": "SELECT * FROM emails WHERE prospect_id = ? ORDER BY sent_at, id",
    "flag_changes": "SELECT * FROM flag_changes WHERE prospect_id = ? ORDER BY changed_at, id",
}
# Each call's undo record keeps a copy of their row as it was before that call: their
# data too, given with the rest, the copy read as the object it stores.
UNDO_RECORDS = (
    "SELECT u.* FROM undo_log u JOIN calls c ON c.id = u.call_id"
    " WHERE c.prospect_id = ? ORDER BY u.logged_at, u.call_id"
)


def _readable(row: dict[str, Any]) -> dict[str, Any]:
    return {column: neutralise_blob(value) for column, value in row.items()}


def prospect_record(db: sqlite_utils.Database, prospect_id: int) -> dict[str, Any] | None:
    """The prospect's row and their calls, notes, tasks, deals, emails, flag changes and
    the undo records of their calls; None when no prospect has the id."""
    prospect = get_prospect(db, prospect_id)
    if prospect is None:
        return None
    record: dict[str, Any] = {"prospect": _readable(prospect)}
    for table, query in RECORD_QUERIES.items():
        record[table] = [_readable(row) for row in db.query(query, [prospect_id])]
    record["undo_log"] = [_undo_record(row) for row in db.query(UNDO_RECORDS, [prospect_id])]
    return record


def _undo_record(row: dict[str, Any]) -> dict[str, Any]:
    """An undo record with the copy of their row it keeps as an object; one another tool
    wrote that is no JSON is given as stored."""
    readable = _readable(row)
    with suppress(TypeError, ValueError):
        readable["prospect_before"] = json.loads(readable["prospect_before"])
    return readable


def write_record(record: dict[str, Any], out: TextIO) -> int:
    """Write the record as indented JSON; returns 1 (one prospect), as the export writers
    return their row count."""
    out.write(json_text(record, indent=2))
    out.write("\n")
    return 1
