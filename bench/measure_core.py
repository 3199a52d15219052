"""Core measurements without the UI: logging a call, the pace report, CSV import, memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from time import perf_counter

from generate import Book, remove_database
from harness import Sample

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.importer import import_prospects
from funnel_tui.pace import load_pace
from funnel_tui.settings import load_settings
from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import to_stored

PROBE = Path(__file__).with_name("probe_rss.py")


# The prospects whose next task is a call due now, in queue order: logging one completes
# that task and makes the next.
DUE_CALL_TASKS = """
SELECT id FROM prospects WHERE next_task_kind = 'call' AND next_call_at <= ?
  AND do_not_call = 0 AND wrong_number = 0 AND stage != 'lost'
ORDER BY next_call_at, id
"""


def log_calls(book: Book, runs: int) -> Sample:
    """`log_call` of a no-answer for prospects with a due call task, each its own commit."""
    storage = open_storage(book.path)
    try:
        db = storage.db
        settings = load_settings(db)
        due_calls = db.execute(f"{DUE_CALL_TASKS} LIMIT ?", [to_stored(book.now), runs])
        prospect_ids = [row[0] for row in due_calls]
        if len(prospect_ids) < runs:
            raise ValueError(f"the book has only {len(prospect_ids)} due call tasks")
        samples = []
        for prospect_id in prospect_ids:
            started = perf_counter()
            log_call(
                db, prospect_id, CallOutcome(Outcome.NO_ANSWER), now=book.now, settings=settings
            )
            samples.append(perf_counter() - started)
    finally:
        storage.close()
    return Sample(tuple(samples))


def pace(book: Book, runs: int, *, period: str | None, breakdowns: bool) -> Sample:
    """`load_pace` for the current target (the shortest: the month) or for one period; the
    gauge reads it without the by-method and by-source breakdowns."""
    storage = open_storage(book.path)
    try:
        db = storage.db
        settings = load_settings(db)
        samples = []
        for _ in range(runs):
            started = perf_counter()
            report = load_pace(
                db,
                book.now.date(),
                settings,
                period=period,
                tz=book.now.tzinfo,
                breakdowns=breakdowns,
            )
            samples.append(perf_counter() - started)
            if report is None:
                raise RuntimeError(f"the book has no {period or 'current'} target")
    finally:
        storage.close()
    return Sample(tuple(samples))


def imports(csv_path: Path, rows: int, folder: Path, book: Book, runs: int) -> Sample:
    """Importing the CSV into a new database: reading, checking, merging and one commit."""
    samples = []
    for run in range(runs):
        path = folder / f"import-{run}.db"
        remove_database(path)
        storage = open_storage(path)
        try:
            started = perf_counter()
            report = import_prospects(storage.db, csv_path, now=book.now)
            samples.append(perf_counter() - started)
        finally:
            storage.close()
        if report.added != rows or report.rejected:
            raise RuntimeError(f"import added {report.added} of {rows}: {report.summary()}")
        remove_database(path)
    return Sample(tuple(samples))


def import_into_book(csv_path: Path, rows: int, book: Book, runs: int) -> Sample:
    """A small file into the big book, as a dry run (the same work, then a rollback):
    what a rep's import costs whatever the book's size."""
    samples = []
    for _ in range(runs):
        storage = open_storage(book.path)
        try:
            started = perf_counter()
            report = import_prospects(storage.db, csv_path, now=book.now, dry_run=True)
            samples.append(perf_counter() - started)
        finally:
            storage.close()
        if report.added != rows or report.rejected:
            raise RuntimeError(f"import added {report.added} of {rows}: {report.summary()}")
    return Sample(tuple(samples))


def peak_rss_mib(book: Book, scripts_dir: Path) -> float:
    """Peak resident memory of a fresh process that loads the app on the book, in MiB."""
    result = subprocess.run(
        [sys.executable, str(PROBE), str(book.path), book.now.isoformat(), str(scripts_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip()) / 1024
