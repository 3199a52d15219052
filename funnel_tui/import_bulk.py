"""What storing each new prospect costs, done in bulk during an import (SQLite): the
insert triggers' work once per statement, and in an empty book the indexes once at the end.

Each new prospect fires `prospect_search_after_insert` (its row of the filter's text,
which fires the FTS5 trigram index's trigger in turn) and three triggers that count the
calls already waiting for it into `call_days`, `rep_call_days` and `lead_marks`. For an
import of thousands of rows that is most of what storing a prospect costs: SQLite runs
each trigger's program once per row. Inside the import's transaction these four are
dropped and put back, with the SQL the book holds, before it commits; a rollback (a dry
run, rejected rows, a kill) puts them back with everything else. Other writers never see
the book without them: under WAL they read the last commit, and they wait for the write
lock the import holds. So is `prospects_empty_values_inserted`, which looks for blank
text in each new row's typed columns (schema_v28) and finds none in an import's: a cell
is stripped of the same blank characters (`str.strip()`) and left out when nothing is left,
and each value is converted, so nothing is done in its place.

In their place each statement that adds new prospects is followed by one `INSERT ...
SELECT` over their ids. In a book that holds prospects the trigram trigger still fires
for each row of `prospect_search`, so the FTS5 index is told what it was told before, a
statement's worth at a time as before: its own pages come out byte for byte the same.
The three counting triggers find nothing to count for a new id unless calls or lead
marks name ids above the book's largest, which only a tool writing with foreign keys off
leaves; in such a book they stay, and fire per row as before. So does any of the four whose SQL is
not funnel's (`funnel check` names those), and `prospects_next_call_inserted`, which
acts only on rows with a next call.

Into a book with no prospects (a first import), the eight indexes of `prospects` are
dropped too and made again before the commit: SQLite builds an index from sorted rows
faster than it adds the same rows one by one at scattered places, and the import reads
`prospects` only by id. So are the triggers of the filter's two FTS5 indexes on
`prospect_search` (its trigrams, and its words past ASCII), and each index is built once
from `prospect_search` at the end (FTS5's `rebuild`): in half the time a statement's worth
at a time took, in fewer and fuller pages that find the same; the import never reads
them. A book that holds prospects keeps its indexes and these triggers (making an index
again would cost the whole book, for a file of any size), and so does one where ANALYZE
has kept statistics, which dropping an index would take away.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from funnel_tui.filter_indexes import FILTER_INDEXES, FilterIndex
from funnel_tui.migrations import PROSPECT_SEARCH_FROM_PROSPECTS, SCHEMA_TRIGGERS, normalised_sql

SEARCH_TRIGGER = "prospect_search_after_insert"
# Puts right blank text in a new row's typed columns, of which an import writes none.
EMPTY_VALUES_TRIGGER = "prospects_empty_values_inserted"
# They count the calls (and clear the lead marks) of a new prospect: none, for a new id
# above every id that calls and lead marks name.
COUNTING_TRIGGERS = (
    "call_days_after_prospect_insert",
    "rep_call_days_after_prospect_insert",
    "lead_marks_after_prospect_insert",
)
# The filter's full-text indexes and the triggers on `prospect_search` that keep each.
TEXT_INDEX_TRIGGERS = {
    index: tuple(f"{index.name}_after_{event}" for event in ("insert", "delete", "update"))
    for index in FILTER_INDEXES
}
# What the search trigger does for one row, for a range of ids (`INSERT OR REPLACE`, as
# the trigger: a row another tool left under the id is replaced).
FILL_SEARCH = (
    "INSERT OR REPLACE INTO prospect_search (id, search_text, phone_digits)"
    f" {PROSPECT_SEARCH_FROM_PROSPECTS.strip()} WHERE p.id BETWEEN ? AND ? ORDER BY p.id"
)
# Whether anything names an id above the book's largest prospect (`>` also holds for a
# text or a real id, which the trigger's `=` could match: the slow path then).
NAMED_ABOVE = (
    "SELECT EXISTS (SELECT 1 FROM calls WHERE prospect_id > :top)"
    " OR EXISTS (SELECT 1 FROM lead_marks WHERE prospect_id > :top)"
)


# A book with no prospects, and no statistics of ANALYZE's.
FIRST_IMPORT = (
    "SELECT NOT EXISTS (SELECT 1 FROM prospects)"
    " AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1')"
)
# The indexes made by CREATE INDEX (not a UNIQUE or PRIMARY KEY constraint's).
PROSPECT_INDEXES = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prospects'"
    " AND sql IS NOT NULL ORDER BY rowid"
)


class BulkWork:
    """The insert triggers and indexes an import has dropped, and the work it does in
    their place."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        dropped: dict[str, str],
        indexes: dict[str, str] | None = None,
        text_indexes: tuple[FilterIndex, ...] = (),
    ) -> None:
        self.conn = conn
        # The full-text indexes to build from their rows before the triggers come back.
        self.text_indexes = text_indexes
        # Each dropped trigger's and index's SQL as the book held it, in the book's order.
        self.dropped = dropped
        self.indexes = indexes or {}

    def added(self, first_id: int, last_id: int) -> None:
        """Do for the new prospects `first_id` to `last_id` what the dropped triggers would
        have done for each, once all of them are stored."""
        if SEARCH_TRIGGER in self.dropped:
            self.conn.execute(FILL_SEARCH, (first_id, last_id))

    def put_back(self) -> None:
        for index in self.text_indexes:
            self.conn.execute(index.rebuild)
        for sql in (*self.dropped.values(), *self.indexes.values()):
            self.conn.execute(sql)


def _funnels(conn: sqlite3.Connection, names: tuple[str, ...]) -> dict[str, str]:
    """Those of `names` present in the book with funnel's SQL, each with the SQL as stored."""
    marks = ", ".join("?" * len(names))
    stored = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})"
        " ORDER BY rowid",
        names,
    ).fetchall()
    return {
        name: sql
        for name, sql in stored
        if normalised_sql(sql or "") == normalised_sql(SCHEMA_TRIGGERS[name])
    }


@contextmanager
def bulk_work(conn: sqlite3.Connection) -> Iterator[BulkWork]:
    """Inside a write transaction on SQLite: drop the insert triggers whose work can be
    done per statement (and, in an empty book, the indexes of `prospects`), and put them
    back when the block ends without an error (an error rolls the transaction back, and
    the triggers and indexes with it)."""
    (top,) = conn.execute("SELECT coalesce(max(id), 0) FROM prospects").fetchone()
    names: tuple[str, ...] = (SEARCH_TRIGGER, EMPTY_VALUES_TRIGGER)
    if not conn.execute(NAMED_ABOVE, {"top": top}).fetchone()[0]:
        names += COUNTING_TRIGGERS
    dropped = _funnels(conn, names)
    for name in dropped:
        conn.execute(f"DROP TRIGGER {name}")
    first = bool(conn.execute(FIRST_IMPORT).fetchone()[0])
    indexes = dict(conn.execute(PROSPECT_INDEXES)) if first else {}
    for name in indexes:
        conn.execute(f"DROP INDEX {name}")
    text_indexes: list[FilterIndex] = []
    if first and SEARCH_TRIGGER in dropped:
        for index, triggers in TEXT_INDEX_TRIGGERS.items():
            theirs = _funnels(conn, triggers)
            if len(theirs) == len(triggers):
                for name in theirs:
                    conn.execute(f"DROP TRIGGER {name}")
                dropped.update(theirs)
                text_indexes.append(index)
    work = BulkWork(conn, dropped, indexes, tuple(text_indexes))
    yield work
    work.put_back()
