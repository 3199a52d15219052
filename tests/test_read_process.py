"""A large file is read in a process of its own (`read_process`): the import it makes is
the one the reading thread makes, its errors reach the importing side, and a reading
process that dies stops the import with nothing written."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from funnel_tui import importer
from funnel_tui.importer import CsvUnreadable, ProspectReader, import_file, import_prospects
from funnel_tui.read_process import ReadingFailed, read_in_process
from tests.app_support import FROZEN_NOW

DATA = Path(__file__).parent / "data"
# Real exports, with rows rejected, cells set aside, values not understood and numbers
# of unknown regions among them.
FILES = ["hubspot_contacts.csv", "salesforce_leads.csv", "broken_rows.csv", "close_leads.csv"]


def read_elsewhere(monkeypatch: pytest.MonkeyPatch, *, in_process: bool) -> None:
    limit = 0 if in_process else 10**9
    monkeypatch.setattr(importer, "READ_IN_PROCESS_FROM_LINES", limit)


def everything(db: Any) -> list[tuple[object, ...]]:
    """Every prospect, in the order added, without its id (a team's server does not give
    ids again after a delete)."""
    rows = db.execute("SELECT * FROM prospects ORDER BY id").fetchall()
    return [tuple(row)[1:] for row in rows]


@pytest.mark.parametrize("name", FILES)
def test_a_file_read_in_a_process_imports_as_in_a_thread(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = shutil.copy(DATA / name, tmp_path / name)
    # Small batches, so that rows cross the pipe in several and match across them.
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", 3)
    reports, books, lines = [], [], []
    for in_process in (False, True):
        read_elsewhere(monkeypatch, in_process=in_process)
        seen: list[tuple[int, int]] = []
        report = import_prospects(
            book_db,
            path,
            now=FROZEN_NOW,
            skip_invalid=True,
            progress=lambda done, total, seen=seen: seen.append((done, total)),
        )
        reports.append(report)
        books.append(everything(book_db))
        lines.append(seen[-1])
        book_db.execute("DELETE FROM prospects")
    thread, process = reports
    assert process.summary() == thread.summary()
    assert process.notices() == thread.notices()
    assert process.rejected == thread.rejected
    assert process.file == thread.file
    assert books[1] == books[0]
    assert lines[1] == lines[0]
    assert thread.added > 0


def test_a_rejected_row_read_in_a_process_leaves_the_book_as_it_was(
    book_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_elsewhere(monkeypatch, in_process=True)
    report = import_prospects(book_db, DATA / "broken_rows.csv", now=FROZEN_NOW)
    assert report.rejected and not report.written
    assert everything(book_db) == []


def test_a_file_changed_after_its_scan_is_refused_by_the_reading_process(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_elsewhere(monkeypatch, in_process=True)
    path = shutil.copy(DATA / "plain.csv", tmp_path / "plain.csv")
    reader = ProspectReader(path, phone_region="US")
    path.write_text("Name,Email\nSomeone Else,else@example.com\n", encoding="utf-8")
    with pytest.raises(CsvUnreadable, match="changed while it was read"):
        import_file(book_db, reader, now=FROZEN_NOW)
    assert everything(book_db) == []


def end_at_once(
    rows: Iterator[tuple[int, dict[str, object]]], size: int = 0
) -> Iterator[list[object]]:
    """A batcher whose process dies before its first batch, as one killed would."""
    os._exit(3)


def test_a_reading_process_that_dies_stops_the_import(
    book_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = ProspectReader(DATA / "plain.csv", phone_region="US")
    with pytest.raises(ReadingFailed, match=r"ended early \(exit code 3\)"):
        list(read_in_process(reader, end_at_once))
    monkeypatch.setattr(importer, "keyed_batches", end_at_once)
    read_elsewhere(monkeypatch, in_process=True)
    with pytest.raises(ReadingFailed):
        import_file(book_db, reader, now=FROZEN_NOW)
    assert everything(book_db) == []
