"""A large file is read in a process of its own (`read_process`): the import it makes is
the one the reading thread makes, its errors reach the importing side, and a reading
process that dies stops the import with nothing written."""

from __future__ import annotations

import os
import pickle
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from funnel_tui import importer
from funnel_tui.exporter import export_to_file
from funnel_tui.importer import CsvUnreadable, ProspectReader, import_file, import_prospects
from funnel_tui.read_process import ReadingFailed, read_in_process
from funnel_tui.store.sqlite import Storage, open_storage
from tests.app_support import FROZEN_NOW
from tests.cli_support import one_line_error, run_main

DATA = Path(__file__).parent / "data"
# Real exports, with rows rejected, cells set aside, values not understood and numbers
# of unknown regions among them.
FILES = ["hubspot_contacts.csv", "salesforce_leads.csv", "broken_rows.csv", "close_leads.csv"]


def read_elsewhere(monkeypatch: pytest.MonkeyPatch, *, in_process: bool) -> None:
    limit = 0 if in_process else 10**9
    monkeypatch.setattr(importer, "READ_IN_PROCESS_FROM_LINES", limit)


def everything(db: Any) -> list[tuple[object, ...]]:
    """Every prospect, in the order added, without its id (a team's server does not give
    ids again after a delete) and its last change's stamp (a next call's task takes
    SQLite's clock)."""
    rows = db.execute("SELECT * FROM prospects ORDER BY id").fetchall()
    names = [column[0] for column in db.execute("SELECT * FROM prospects LIMIT 0").description]
    kept = [at for at, name in enumerate(names) if name not in ("id", "updated_at")]
    return [tuple(row[at] for at in kept) for row in rows]


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


def test_funnels_own_export_imports_the_same_read_in_a_process(
    demo_storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every column funnel writes, its flags (do not call, wrong number, nurture), its
    # amounts, next calls, kinds, stages, methods and priorities among them: what the
    # reading process is handed must pickle for each of them.
    exported = tmp_path / "prospects.csv"
    count = export_to_file(demo_storage.db, "prospects", "csv", exported)
    books = []
    for in_process in (False, True):
        read_elsewhere(monkeypatch, in_process=in_process)
        book = open_storage(tmp_path / f"book-{in_process}.db")
        report = import_prospects(book.db, exported, now=FROZEN_NOW)
        assert (report.added, report.rejected) == (count, [])
        books.append(everything(book.db))
        book.close()
    assert books[1] == books[0]
    flags = "SELECT count(*) FROM prospects WHERE do_not_call = 1 OR nurture = 1"
    assert demo_storage.db.execute(flags).fetchone()[0] > 0


def test_what_the_interpreter_prints_as_it_starts_does_not_reach_the_import(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A sitecustomize (or a .pth file) that prints, in the reading process too.
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text('print("hello from sitecustomize")\n')
    monkeypatch.setenv("PYTHONPATH", str(site))
    read_elsewhere(monkeypatch, in_process=True)
    report = import_prospects(book_db, DATA / "plain.csv", now=FROZEN_NOW, skip_invalid=True)
    assert report.written and report.added > 0


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
    reader = ProspectReader(path, phone_region="US", currency="$")
    path.write_text("Name,Email\nSomeone Else,else@example.com\n", encoding="utf-8")
    with pytest.raises(CsvUnreadable, match="changed while it was read"):
        import_file(book_db, reader, now=FROZEN_NOW)
    assert everything(book_db) == []


def end_at_once(
    rows: Iterator[tuple[int, dict[str, object]]], size: int = 0
) -> Iterator[list[object]]:
    """A batcher whose process dies before its first batch, as one killed would."""
    os._exit(3)


def garble_and_end(
    rows: Iterator[tuple[int, dict[str, object]]], size: int = 0
) -> Iterator[list[object]]:
    """A batcher whose process dies half-way through a message."""
    os.write(int(sys.argv[1]), pickle.dumps(("batch", list(range(1000))))[:100])
    os._exit(5)


def test_a_message_cut_short_stops_the_import_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "book.db"
    open_storage(path).close()
    leads = shutil.copy(DATA / "plain.csv", tmp_path / "leads.csv")
    monkeypatch.setattr(importer, "keyed_batches", garble_and_end)
    read_elsewhere(monkeypatch, in_process=True)
    assert run_main(["import", str(leads), "--db", str(path)], monkeypatch) == 1
    error = one_line_error(capsys.readouterr().err)
    assert error.startswith(f"funnel: {leads}: the process reading the file stopped")
    assert "(exit code 5): nothing imported" in error
    book = open_storage(path)
    assert book.db.execute("SELECT count(*) FROM prospects").fetchone()[0] == 0
    book.close()


def test_a_reading_process_that_dies_stops_the_import(
    book_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = ProspectReader(DATA / "plain.csv", phone_region="US", currency="$")
    with pytest.raises(ReadingFailed, match=r"stopped \(exit code 3\): nothing imported"):
        list(read_in_process(reader, end_at_once))
    monkeypatch.setattr(importer, "keyed_batches", end_at_once)
    read_elsewhere(monkeypatch, in_process=True)
    with pytest.raises(ReadingFailed):
        import_file(book_db, reader, now=FROZEN_NOW)
    assert everything(book_db) == []


def test_a_reading_process_that_ends_before_reading_its_job_stops_the_import(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A header of 5,000 long names makes the job larger than the pipe's buffer, so the
    # importing side is still writing it when the process ends.
    wide = tmp_path / "wide.csv"
    header = [
        "Name",
        "Email",
        *(f"An extra column of the export, number {n}" for n in range(5_000)),
    ]
    wide.write_text(
        ",".join(header) + "\n" + "Ada Byrne,ada@example.com" + "," * 5_000 + "\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        'import os, sys\nif "funnel_tui.read_process" in sys.orig_argv:\n    os._exit(3)\n'
    )
    monkeypatch.setenv("PYTHONPATH", str(site))
    read_elsewhere(monkeypatch, in_process=True)
    with pytest.raises(ReadingFailed, match=r"stopped \(exit code 3\): nothing imported"):
        import_prospects(book_db, wide, now=FROZEN_NOW)
    assert everything(book_db) == []
