"""`funnel check` and `funnel check --repair` read a book's phone numbers and its
timezone guesses a chunk at a time: their memory does not grow with the book (issue 19).
Every number held at once took 250 MB at 1,000,000 prospects, and so would the guesses of
a purchased list imported whole.

The books are small enough to check in seconds: the Python memory each command allocates
at its peak (tracemalloc) is compared between 2,000 and 30,000 prospects, every one with
a London number in national form that the repair stores in E.164 and guesses a zone from.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from funnel_tui.store.sqlite import open_storage
from tests.cli_support import invoke

SMALL, LARGE = 2_000, 30_000
MAX_GROWTH_MIB = 2

BOOK = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO prospects (name, phone, created_at, updated_at)
SELECT 'Lead ' || i, '020 7' || printf('%07d', i), :at, :at FROM n
"""


def book_of(path: Path, count: int) -> Path:
    """A book of `count` prospects, each with a London number of its own as a file made
    before funnel read every number would hold it: national, with no zone."""
    storage = open_storage(path)
    with storage.write() as db:
        db.execute("INSERT INTO settings (key, value) VALUES ('phone_region', 'GB')")
        db.execute(BOOK, {"count": count, "at": "2026-12-01T09:00:00+00:00"})
    storage.close()
    return path


def peak_mib(*args: str | Path) -> tuple[float, str]:
    """The command's peak of Python memory, and what it printed."""
    tracemalloc.start()
    try:
        result = invoke(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return peak / 2**20, result.stdout + result.stderr


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("check-memory")
    return {count: book_of(folder / f"book-{count}.db", count) for count in (SMALL, LARGE)}


def test_check_and_repair_take_as_much_memory_for_30000_numbers_as_for_2000(
    books: dict[int, Path],
) -> None:
    checked = {count: peak_mib("check", "--db", path) for count, path in books.items()}
    for count, (_, said) in checked.items():
        assert f"{count:,} phone numbers are stored in national form" in said
    repaired = {count: peak_mib("check", "--repair", "--db", path) for count, path in books.items()}
    for count, (_, said) in repaired.items():
        assert f"stored {count:,} phone numbers in E.164" in said
        assert f"{count:,} timezones guessed from the phone number" in said
    listed = {count: peak_mib("check", "--guesses", "--db", path) for count, path in books.items()}
    for count, (_, said) in listed.items():
        assert said.count("guessed from the number '+4420") == count
    growth = {
        command: found[LARGE][0] - found[SMALL][0]
        for command, found in (("check", checked), ("repair", repaired))
    }
    assert all(mib < MAX_GROWTH_MIB for mib in growth.values()), growth
