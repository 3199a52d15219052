"""A new book made in one go (store.new_book) is the book every migration in turn makes:
the same schema in the same order, the same rows, its own id."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from funnel_tui.checks import check_database
from funnel_tui.prospects import add_prospect
from funnel_tui.queue_filter import filter_clause, filter_terms, indexed_matches
from funnel_tui.store.new_book import migrate_step_by_step
from funnel_tui.store.sqlite import APPLICATION_ID, open_storage

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _step_by_step_book(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        migrate_step_by_step(conn)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    finally:
        conn.close()


def _contents(path: Path) -> dict[str, Any]:
    """Everything a book holds: its schema in sqlite_master's order, every table's rows
    (FTS5's and SQLite's own included) and its header's numbers; the book's id apart."""
    conn = sqlite3.connect(path)
    try:
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
        ).fetchall()
        tables = [
            name
            for _, name, kind, *_ in conn.execute("PRAGMA table_list")
            if kind in ("table", "shadow") and name not in ("sqlite_schema", "sqlite_temp_schema")
        ]
        rows = {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in tables
        }
        return {
            "schema": schema,
            "rows": rows,
            "book_id": rows.pop("book"),
            "user_version": conn.execute("PRAGMA user_version").fetchone(),
            "application_id": conn.execute("PRAGMA application_id").fetchone(),
            "fired_in_order": conn.execute(
                "SELECT tbl_name, group_concat(name) FROM sqlite_master WHERE type = 'trigger'"
                " GROUP BY tbl_name ORDER BY tbl_name"
            ).fetchall(),
        }
    finally:
        conn.close()


def test_a_new_book_is_the_one_the_migrations_make_with_an_id_of_its_own(tmp_path: Path) -> None:
    _step_by_step_book(tmp_path / "migrated.db")
    for name in ("new.db", "other.db"):
        open_storage(tmp_path / name).close()
    migrated, new, other = (
        _contents(tmp_path / name) for name in ("migrated.db", "new.db", "other.db")
    )
    ids = [contents.pop("book_id") for contents in (migrated, new, other)]
    assert new == migrated
    assert other == migrated
    assert all(len(found) == 1 and len(found[0][0]) == 12 for found in ids)
    assert len({found[0][0] for found in ids}) == 3, "each book draws its own id"


def test_a_new_book_passes_every_check_and_takes_a_prospect(tmp_path: Path) -> None:
    storage = open_storage(tmp_path / "new.db")
    try:
        assert check_database(tmp_path / "new.db") == []
        ada = add_prospect(storage.db, {"name": "Ada Lovelace", "phone": "+14155550100"}, now=NOW)
        terms = filter_terms("lovel", None)
        clause, params = filter_clause(storage.db, terms)
        assert indexed_matches(storage.db, terms, clause, params) == [ada]
    finally:
        storage.close()
