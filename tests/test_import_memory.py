"""An import's memory does not grow with the file: `funnel import` of 200,000 rows peaks
within 20 MB of the same import of 10,000 (issue 19), into a SQLite file and into a
team's PostgreSQL database.

The rows are a plain CRM export (a phone number on one row in ten, and one row in
twenty-five repeating an earlier email, so the dedupe against the book runs too), cheap
enough to read that the larger file takes seconds. bench/import_scale.py measures
HubSpot exports up to 1,000,000 rows.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from tests.conftest import empty_team_book

SMALL, LARGE = 10_000, 200_000
MAX_GROWTH_MIB = 20


def load_harness() -> ModuleType:
    """bench/harness.py, which samples the memory of a process and its children."""
    path = Path(__file__).resolve().parent.parent / "bench" / "harness.py"
    spec = importlib.util.spec_from_file_location("bench_harness", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


HARNESS = load_harness()
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


def import_peak_rss_mib(csv_path: Path, book: str) -> float:
    """`funnel import` in a process of its own; the peak resident memory in MiB of it and
    the process it reads a large file in, together (sampled, as bench/import_scale.py
    does), or of the larger of the two alone (ru_maxrss), whichever is more."""
    process = subprocess.Popen(
        [sys.executable, "-m", "funnel_tui", "import", str(csv_path), "--db", book],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    status, usage, peak_kib = HARNESS.wait_sampling_rss(process.pid)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0
    # ru_maxrss is in KiB on Linux.
    return max(peak_kib, usage.ru_maxrss) / 1024


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
def test_import_memory_stays_flat_from_10_000_to_200_000_rows(
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
