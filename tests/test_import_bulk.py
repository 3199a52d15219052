"""An import does the work of the prospects' insert triggers a statement at a time
(import_bulk.py): the book it leaves is the one the per-row triggers leave, and in a first
import the filter's indexes, built once at the end, find what the per-row ones find."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

import pytest

from funnel_tui import importer
from funnel_tui.checks import check_database
from funnel_tui.filter_indexes import FILTER_INDEXES, TRIGRAMS, WORDS
from funnel_tui.import_bulk import COUNTING_TRIGGERS, SEARCH_TRIGGER, TEXT_INDEX_TRIGGERS, BulkWork
from funnel_tui.importer import import_prospects
from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import to_stored
from tests.rows import insert_row

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
# New people, a row that updates a prospect of the book, rows that update prospects an
# earlier batch added (a new company, a new number), and next calls, which make tasks.
FILE = """name,company,phone,email,next_call_at
Ada Brook,Northwind,+44 20 7946 0001,ada@northwind.example,2026-12-01 09:30
Ben Carter,Summit,+44 20 7946 0002,ben@summit.example,
Old Friend,Cedar Works,,friend@cedar.example,
Cara Dunn,Atlas,+44 20 7946 0003,cara@atlas.example,
Ada Brook,Northwind Labs,,ada@northwind.example,
Dev Eng,Vertex,+44 20 7946 0004,,2026-12-02 10:00
Ben Carter,Summit,+44 20 7946 0099,ben@summit.example,2026-12-03 11:00
Eve Fox,Lumen,+44 20 7946 0005,eve@lumen.example,
Zoë Ärnholt,Ölund,+44 20 7946 0006,zoe@olund.example,
"""
# What may differ between two imports for reasons of its own: the stamps SQLite's clock
# gives a next call's task and the prospect it changes.
CLOCK_COLUMNS = {"tasks": "created_at", "prospects": "updated_at"}


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several batches and several statements a batch, from a file of a few rows."""
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", 3)
    monkeypatch.setattr(importer, "ROWS_PER_INSERT", 2)


@contextmanager
def row_by_row(conn: sqlite3.Connection) -> Iterator[BulkWork]:
    """The import as it was: no trigger or index dropped, each does its work per row."""
    yield BulkWork(conn, {})


def book(path: Path, *, friend: bool = True, orphan_call: bool = False) -> Path:
    """A book with a prospect and a call of theirs (or none: `friend`), and with
    `orphan_call` a call of the id the import gives next."""
    storage = open_storage(path)
    db = storage.db
    db.execute("UPDATE settings SET value = 'GB' WHERE key = 'phone_region'")
    stamp = to_stored(NOW)
    top = 0
    if friend:
        top = insert_row(
            db,
            "prospects",
            {"name": "Old Friend", "email": "friend@cedar.example", "created_at": stamp,
             "updated_at": stamp},
        )  # fmt: skip
        insert_row(
            db,
            "calls",
            {"prospect_id": top, "started_at": stamp, "outcome": "no_answer", "method": "cold"},
        )
    if orphan_call:
        # Left by a tool that wrote with foreign keys off.
        db.conn.execute("PRAGMA foreign_keys = OFF")
        insert_row(db, "calls", {"prospect_id": top + 1, "started_at": stamp, "outcome": "meeting"})
        db.conn.execute("PRAGMA foreign_keys = ON")
    storage.close()
    return path


def schema(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    found = set(conn.execute("SELECT type, name, sql FROM sqlite_master"))
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    return found


def imported(original: Path, name: str) -> Path:
    """FILE imported into a copy of the book `original`."""
    path = original.with_name(name)
    shutil.copy(original, path)
    storage = open_storage(path)
    leads = path.with_suffix(".csv")
    leads.write_text(FILE, encoding="utf-8")
    report = import_prospects(storage.db, leads, now=NOW)
    assert report.written
    storage.close()
    return path


def every_row(path: Path, *, text_pages: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, the filter's indexes' own pages included unless not
    `text_pages`."""
    conn = sqlite3.connect(path)
    tables = [
        name
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith("sqlite_")
        and (text_pages or not name.startswith(tuple(f"{i.name}_" for i in FILTER_INDEXES)))
    ]
    rows = {}
    for table in tables:
        columns = [
            f'"{name}"'
            for _, name, *_ in conn.execute(f'PRAGMA table_info("{table}")')
            if name != CLOCK_COLUMNS.get(table)
        ]
        rows[table] = conn.execute(
            f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY 1'
        ).fetchall()
    conn.close()
    return rows


def found_by_the_filter(path: Path) -> dict[str, list[int]]:
    """What the filter's indexes find for each trigram of the searched texts, and for each
    word of those past ASCII; FTS5's own check that each holds what prospect_search
    does."""
    conn = sqlite3.connect(path)
    found = {}
    texts = conn.execute("SELECT search_text, phone_digits FROM prospect_search").fetchall()
    trigrams = {text[at : at + 3] for row in texts for text in row for at in range(len(text) - 2)}
    for trigram in sorted(trigrams):
        phrase = '"' + trigram.replace('"', '""') + '"'
        sql = f"SELECT rowid FROM {TRIGRAMS.name} WHERE {TRIGRAMS.name} MATCH ? ORDER BY rowid"
        found[f"trigram {trigram!r}"] = [id_ for (id_,) in conn.execute(sql, [phrase])]
    words = {word for (text, _) in texts if not text.isascii() for word in re.findall(r"\w+", text)}
    for word in sorted(words):
        sql = f"SELECT rowid FROM {WORDS.name} WHERE {WORDS.name} MATCH ? ORDER BY rowid"
        found[f"word {word!r}"] = [id_ for (id_,) in conn.execute(sql, ['"' + word + '"'])]
    for index in FILTER_INDEXES:
        conn.execute(index.check)
    conn.close()
    return found


@pytest.mark.parametrize(
    ("friend", "orphan_call", "marked"),
    [
        (True, False, 1),
        # The counting triggers stay and count the call waiting for the new prospect.
        (True, True, 2),
        # A first import: the indexes are made again at the end.
        (False, False, 0),
        (False, True, 1),
    ],
)
def test_an_import_leaves_the_rows_the_per_row_triggers_leave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, friend: bool, orphan_call: bool, marked: int
) -> None:
    original = book(tmp_path / "book.db", friend=friend, orphan_call=orphan_call)
    in_bulk = imported(original, "bulk.db")
    with monkeypatch.context() as patched:
        patched.setattr(importer, "bulk_work", row_by_row)
        per_row = imported(original, "per-row.db")

    # A first import builds the filter's indexes once at the end: in fewer pages than the
    # per-row triggers' statement after statement, holding the same.
    rows = every_row(in_bulk, text_pages=friend)
    assert rows == every_row(per_row, text_pages=friend)
    assert found_by_the_filter(in_bulk) == found_by_the_filter(per_row)
    assert found_by_the_filter(in_bulk)["trigram 'Ärn'"] == [7]
    assert found_by_the_filter(in_bulk)["word 'Zoë'"] == [7]
    assert len(rows["prospect_search"]) == 7
    assert len(rows["tasks"]) == 3
    assert len(rows["lead_marks"]) == marked
    assert schema(in_bulk) == schema(per_row)


@pytest.mark.parametrize("friend", [True, False])
def test_the_triggers_are_back_for_every_other_write(tmp_path: Path, friend: bool) -> None:
    path = imported(book(tmp_path / "book.db", friend=friend), "t.db")
    assert check_database(path) == []
    storage = open_storage(path)
    db = storage.db
    names = (SEARCH_TRIGGER, *COUNTING_TRIGGERS, *chain(*TEXT_INDEX_TRIGGERS.values()))
    marks = ", ".join("?" * len(names))
    found = db.execute(f"SELECT count(*) FROM sqlite_master WHERE name IN ({marks})", names)
    assert found.fetchone()[0] == len(names)

    stamp = to_stored(NOW)
    later = insert_row(
        db,
        "prospects",
        {"name": "Zed Young", "phone": "+442079460077", "created_at": stamp, "updated_at": stamp},
    )
    found = db.execute("SELECT id FROM prospect_search WHERE search_text LIKE '%Zed Young%'")
    assert found.fetchall() == [(later,)]
    found = db.execute(f"SELECT rowid FROM {TRIGRAMS.name} WHERE {TRIGRAMS.name} MATCH 'Zed'")
    assert found.fetchall() == [(later,)]
    storage.close()
    assert check_database(path) == []


@pytest.mark.parametrize("friend", [True, False])
def test_an_import_that_fails_half_way_leaves_the_book_its_triggers_and_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, friend: bool
) -> None:
    storage = open_storage(book(tmp_path / "t.db", friend=friend))
    path = tmp_path / "leads.csv"
    path.write_text(FILE, encoding="utf-8")
    rows, tables = every_row(storage.path), schema(storage.path)
    written = importer._write

    def fail_on_the_second_batch(*args: Any) -> int:
        if storage.db.execute("SELECT count(*) FROM prospects").fetchone()[0] > int(friend):
            raise OSError("disk full")
        return written(*args)

    monkeypatch.setattr(importer, "_write", fail_on_the_second_batch)
    with pytest.raises(OSError, match="disk full"):
        import_prospects(storage.db, path, now=NOW)
    storage.close()

    assert every_row(storage.path) == rows
    assert schema(storage.path) == tables
    assert check_database(storage.path) == []
