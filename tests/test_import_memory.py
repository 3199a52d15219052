"""An import's memory does not grow with the file: `funnel import` of 100,000 rows peaks
within 20 MB of the same import of 10,000 (issue 19), into a SQLite file and into a
team's PostgreSQL database.

The rows are a plain CRM export (a phone number on one row in ten, and one row in
twenty-five repeating an earlier email, so the dedupe against the book runs too), cheap
enough to read that the larger file takes seconds; 200,000 rows showed the same and
took twice as long. bench/import_scale.py measures HubSpot exports up to 1,000,000 rows.
"""

from __future__ import annotations

import contextlib
import csv
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from tests.conftest import empty_team_book

SMALL, LARGE = 10_000, 100_000
MAX_GROWTH_MIB = 20
# How often the memory of the import's processes is read.
SAMPLE_S = 0.02
REPEAT_EVERY = 25


def write_leads(path: Path, rows: int) -> int:
    """A CSV of `rows` records; returns how many distinct people it holds."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Company", "Email", "Phone", "Title"])
        for number in range(1, rows + 1):
            person = number - 1 if number % REPEAT_EVERY == 0 else number
            writer.writerow(
                [
                    f"Lead {person}",
                    f"Company {person % 997}",
                    f"lead.{person}@example.com",
                    f"+44 20 7{person:07d}" if person % 10 == 0 else "",
                    "Buyer",
                ]
            )
    return rows - rows // REPEAT_EVERY


def tree_rss_kib(pid: int) -> int:
    """The resident memory of a process and its children, now, in KiB (0 once it is gone)."""
    total = 0
    pids = [pid]
    for tasks in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            pids += [int(child) for child in tasks.read_text().split()]
    for each in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def import_peak_rss_mib(csv_path: Path, book: str) -> float:
    """`funnel import` in a process of its own; the peak resident memory in MiB of it and
    the process it reads a large file in, together (sampled), or of the larger of the
    two alone (ru_maxrss), whichever is more."""
    process = subprocess.Popen(
        [sys.executable, "-m", "funnel_tui", "import", str(csv_path), "--db", book],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sampled = 0
    while process.poll() is None:
        sampled = max(sampled, tree_rss_kib(process.pid))
        time.sleep(SAMPLE_S)
    assert process.returncode == 0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss is in KiB on Linux.
    return max(sampled, usage.ru_maxrss) / 1024


def new_book(backend: str, tmp_path: Path, rows: int, request: pytest.FixtureRequest) -> str:
    """An empty book for one import: a new SQLite file, or the module's team database
    emptied."""
    if backend == "sqlite":
        path = tmp_path / f"book-{rows}.db"
        open_storage(path).close()
        return str(path)
    url = request.getfixturevalue("postgres_url")
    open_team_book(url).close()
    empty_team_book(url)
    return url


def prospect_count(book: str) -> int:
    storage: Any = open_team_book(book) if "://" in book else open_storage(Path(book))
    try:
        return int(storage.db.execute("SELECT count(*) FROM prospects").fetchone()[0])
    finally:
        storage.close()


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_import_memory_stays_flat_from_10_000_to_100_000_rows(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    peaks = {}
    for rows in (SMALL, LARGE):
        csv_path = tmp_path / f"leads-{rows}.csv"
        people = write_leads(csv_path, rows)
        book = new_book(backend, tmp_path, rows, request)
        peaks[rows] = import_peak_rss_mib(csv_path, book)
        assert prospect_count(book) == people
    growth = peaks[LARGE] - peaks[SMALL]
    assert growth < MAX_GROWTH_MIB, f"peak RSS {peaks[SMALL]:.1f} -> {peaks[LARGE]:.1f} MiB"
