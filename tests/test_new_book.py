"""A new book made in one go (store.new_book) is the book every migration in turn makes:
the same schema in the same order, the same rows and header, its own id; and when the
migrations leave rows of their own, it is made step by step."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from funnel_tui import migrations
from funnel_tui.checks import check_database
from funnel_tui.prospects import add_prospect
from funnel_tui.queue_filter import filter_clause, filter_terms, indexed_matches
from funnel_tui.store import new_book
from funnel_tui.store import sqlite as storage_module
from funnel_tui.store.sqlite import open_storage

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
HEADER = ("user_version", "application_id", "page_size", "auto_vacuum", "encoding")


def _contents(path: Path) -> dict[str, Any]:
    """Everything a book holds: its schema in sqlite_master's order, every table's rows
    (FTS5's and SQLite's own included, the book's id blanked), its header's settings and
    its journal mode. The book's id is under "book_id"."""
    conn = sqlite3.connect(path)
    try:
        # SQLite makes sqlite_sequence where it first needs it (schema_v25): in a new
        # book with the first table, in a migrated one as v25 begins.
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
            " ORDER BY name = 'sqlite_sequence', rowid"
        ).fetchall()
        virtual = {
            name for kind, name, _, sql in schema if (sql or "").startswith("CREATE VIRTUAL")
        }
        tables = [name for kind, name, _, _ in schema if kind == "table" and name not in virtual]
        rows = {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in tables
        }
        book_id = conn.execute("SELECT id FROM book").fetchall()
        columns = [column for _, column, *_ in conn.execute("PRAGMA table_info(book)")]
        rows["book"] = [
            tuple(
                None if column == "id" else value
                for column, value in zip(columns, row, strict=True)
            )
            for row in rows["book"]
        ]
        pragmas = {name: conn.execute(f"PRAGMA {name}").fetchone() for name in HEADER}
        journal = conn.execute("PRAGMA journal_mode").fetchone()
        return {"schema": schema, "rows": rows, "book_id": book_id, "journal": journal} | pragmas
    finally:
        conn.close()


def _step_by_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """New books made by running every migration in turn, as before."""
    monkeypatch.setattr(new_book, "latest_statements", lambda latest: None)


def test_a_new_book_is_the_one_the_migrations_make_with_an_id_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("new.db", "other.db"):
        open_storage(tmp_path / name).close()
    with monkeypatch.context() as patched:
        _step_by_step(patched)
        open_storage(tmp_path / "migrated.db").close()
    migrated, new, other = (
        _contents(tmp_path / name) for name in ("migrated.db", "new.db", "other.db")
    )
    ids = [contents.pop("book_id") for contents in (migrated, new, other)]
    assert new == migrated
    assert other == migrated
    assert all(len(found) == 1 and len(found[0][0]) == 12 for found in ids)
    assert len({found[0][0] for found in ids}) == 3, "each book draws its own id"


def test_a_new_book_passes_every_check_and_its_filter_finds_a_prospect(tmp_path: Path) -> None:
    storage = open_storage(tmp_path / "new.db")
    try:
        assert check_database(tmp_path / "new.db") == []
        ada = add_prospect(storage.db, {"name": "Ada Lovelace", "phone": "+14155550100"}, now=NOW)
        terms = filter_terms("lovel", None)
        clause, params = filter_clause(storage.db, terms)
        assert indexed_matches(storage.db, terms, clause, params) == [ada]
    finally:
        storage.close()


def _with_migration(monkeypatch: pytest.MonkeyPatch, migration: Any) -> int:
    extended = (*migrations.MIGRATIONS, migration)
    monkeypatch.setattr(migrations, "MIGRATIONS", extended)
    monkeypatch.setattr(storage_module, "LATEST_VERSION", len(extended))
    return len(extended)


def test_a_migration_that_leaves_rows_makes_new_books_step_by_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A setting a migration writes, with the moment it was written: a copy of the
    statements would lose it, and a copy of the row would keep one moment for all."""

    def settle_in(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO settings (key, value) VALUES ('made_at', datetime('now'))")

    latest = _with_migration(monkeypatch, settle_in)
    assert new_book.latest_statements(latest) is None
    storage = open_storage(tmp_path / "new.db")
    try:
        assert storage.db.execute("PRAGMA user_version").fetchone()[0] == latest
        assert storage.db.execute("SELECT key FROM settings").fetchall() == [("made_at",)]
    finally:
        storage.close()


def test_a_migration_of_the_schema_alone_still_makes_new_books_in_one_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def add_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE prospects ADD COLUMN linkedin TEXT")

    latest = _with_migration(monkeypatch, add_column)
    assert new_book.latest_statements(latest) is not None
    storage = open_storage(tmp_path / "new.db")
    try:
        assert storage.db.execute("PRAGMA user_version").fetchone()[0] == latest
        assert "linkedin" in storage.db["prospects"].columns_dict
    finally:
        storage.close()
