"""Schema v25: an id is never given twice. Forgetting the prospect added last (their
calls, their tasks) leaves their ids to nobody: not to the next prospect added by hand or
imported, nor to that one's calls and tasks; a version 24 file upgraded keeps its rows
and does the same."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.forget import forget_prospect
from funnel_tui.importer import import_prospects
from funnel_tui.prospects import add_prospect
from funnel_tui.schema_v25 import TABLES
from funnel_tui.settings import load_settings
from funnel_tui.store.sqlite import open_storage
from tests.app_support import FROZEN_NOW
from tests.older_file import file_at_version
from tests.test_import_stream import write_leads


def called_back(db: Any, name: str, phone: str) -> tuple[int, int, int]:
    """A prospect added and called, with a callback booked: their id, the call's and the
    callback task's."""
    prospect_id = add_prospect(db, {"name": name, "phone": phone}, now=FROZEN_NOW)
    entry = CallOutcome(Outcome.CALLBACK, follow_up_at=FROZEN_NOW + timedelta(days=1))
    log_call(db, prospect_id, entry, now=FROZEN_NOW, settings=load_settings(db))
    (call_id,) = db.execute("SELECT max(id) FROM calls WHERE prospect_id = ?", [prospect_id])
    (task_id,) = db.execute("SELECT max(id) FROM tasks WHERE prospect_id = ?", [prospect_id])
    return prospect_id, call_id[0], task_id[0]


def test_the_ids_of_a_forgotten_prospect_go_to_nobody_after_them(book_db: Any) -> None:
    called_back(book_db, "Stays Here", "+12025550101")
    forgotten = called_back(book_db, "Forgotten Person", "+12025550102")
    forget_prospect(book_db, forgotten[0])

    added = called_back(book_db, "Added Next", "+12025550103")

    for new, old in zip(added, forgotten, strict=True):
        assert new > old


def test_an_import_after_a_forget_gives_the_forgotten_id_to_nobody(
    book_db: Any, tmp_path: Path
) -> None:
    called_back(book_db, "Stays Here", "+12025550101")
    forgotten, _, _ = called_back(book_db, "Forgotten Person", "+12025550102")
    forget_prospect(book_db, forgotten)

    leads = write_leads(tmp_path / "leads.csv", [("Imported Next", "Co", "", "+12025550104")])
    report = import_prospects(book_db, leads, now=FROZEN_NOW)

    assert report.added == 1
    (imported,) = book_db.execute("SELECT id FROM prospects WHERE name = 'Imported Next'")
    assert imported[0] > forgotten


def test_a_version_24_file_upgraded_keeps_its_rows_and_gives_no_id_twice(
    tmp_path: Path,
) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 24)
    conn.executemany(
        "INSERT INTO prospects (id, name) VALUES (?, ?)", [(1, "Ann Lee"), (7, "Bo Chan")]
    )
    conn.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome) VALUES (7, ?, 'no_answer')",
        [datetime(2026, 11, 2, 15, 0).isoformat() + "+00:00"],
    )
    conn.close()

    storage = open_storage(path)
    try:
        db = storage.db
        assert [tuple(row) for row in db.execute("SELECT id, name FROM prospects")] == [
            (1, "Ann Lee"),
            (7, "Bo Chan"),
        ]
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table in TABLES:
            (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table])
            assert "id INTEGER PRIMARY KEY AUTOINCREMENT," in sql[0], table
        forget_prospect(db, 7)
        assert add_prospect(db, {"name": "Cy Park"}, now=FROZEN_NOW) == 8
    finally:
        storage.close()
    # Another program reads the file as SQLite: the definitions parse, the rows are there.
    other = sqlite3.connect(path)
    try:
        assert other.execute("SELECT count(*) FROM prospects").fetchone() == (2,)
        assert other.execute("SELECT seq FROM sqlite_sequence WHERE name = 'prospects'").fetchone()
    finally:
        other.close()


def test_a_table_another_tool_made_again_never_gives_an_id_twice_either(
    tmp_path: Path,
) -> None:
    """`sqlite-utils transform` writes the id as `"id" INTEGER PRIMARY KEY`: the upgrade
    left such a table as it was, and its last prospect's id was given again."""
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 24)
    conn.executemany(
        "INSERT INTO prospects (id, name) VALUES (?, ?)", [(1, "Ann Lee"), (7, "Bo Chan")]
    )
    conn.close()
    sqlite_utils.Database(path)["prospects"].transform(defaults={"source": "web"})

    storage = open_storage(path)
    try:
        db = storage.db
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'prospects'").fetchone()
        assert '"id" INTEGER PRIMARY KEY AUTOINCREMENT' in sql
        forget_prospect(db, 7)
        assert add_prospect(db, {"name": "Cy Park"}, now=FROZEN_NOW) == 8
    finally:
        storage.close()
