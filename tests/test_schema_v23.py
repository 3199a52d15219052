"""Schema v23: the prospects whose email or number an import cannot look up by key are
kept in partial indexes of their ids, so that an import reads just them, not the whole
of `prospects_email` and `prospects_phone`; a file upgraded to v23 finds them as a new
book does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from funnel_tui.import_keys import IRREGULAR_EMAILS, IRREGULAR_PHONES
from funnel_tui.importer import import_prospects
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sqlite import open_storage
from tests.app_support import FROZEN_NOW
from tests.older_file import file_at_version
from tests.test_import_keys import IRREGULAR, REGULAR, add_prospects
from tests.test_import_stream import write_leads

INDEX_OF = {
    "prospects_irregular_email": IRREGULAR_EMAILS,
    "prospects_irregular_phone": IRREGULAR_PHONES,
}


def plan(db: Any, sql: str) -> str:
    """The plan of `sql` as text; PostgreSQL is told to take an index where it can, since
    a small table is cheaper to read whole."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        db.execute("SET enable_seqscan = off")
        try:
            return "\n".join(row[0] for row in db.execute(f"EXPLAIN {sql}", [10**9]))
        finally:
            db.execute("RESET enable_seqscan")
    return "\n".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", [10**9]))


def test_the_import_reads_the_irregular_prospects_from_their_own_indexes(
    book_db: Any,
) -> None:
    add_prospects(book_db, [*REGULAR, *IRREGULAR])
    for index, query in INDEX_OF.items():
        assert index in plan(book_db, query.for_db(book_db))
    emails = {row[1] for row in book_db.execute(IRREGULAR_EMAILS.for_db(book_db), [10**9])}
    phones = {row[2] for row in book_db.execute(IRREGULAR_PHONES.for_db(book_db), [10**9])}
    assert emails == {" Lee@Example.com ", "ÅSA@example.se"}
    assert phones == {"(617) 555-0154"}


def test_a_version_22_file_upgraded_finds_its_irregular_prospects_by_their_indexes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 22)
    add_prospects(conn, [*REGULAR[:5], *IRREGULAR])
    conn.close()
    storage = open_storage(path)
    try:
        db = storage.db
        for index, query in INDEX_OF.items():
            assert index in plan(db, query.sqlite)
        leads = write_leads(
            tmp_path / "leads.csv",
            [
                ("Mia Wong", "Upgraded Co", "", "+16175550154"),
                ("Lee Park", "Upgraded Co", "lee@example.com", ""),
                ("Åsa Berg", "Upgraded Co", "åsa@example.se", ""),
            ],
        )
        report = import_prospects(db, leads, now=FROZEN_NOW)
        assert (report.added, report.updated) == (0, 3)
        companies = db.execute(
            "SELECT name, company FROM prospects WHERE company IS NOT NULL ORDER BY name"
        ).fetchall()
        assert [tuple(row) for row in companies] == [
            ("Lee Park", "Upgraded Co"),
            ("Mia Wong", "Upgraded Co"),
            ("Åsa Berg", "Upgraded Co"),
        ]
    finally:
        storage.close()
