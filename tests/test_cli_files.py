"""The files the command line writes and reads: never the book itself, never half a file,
and a path that cannot be used is one line and exit 1 (PRODUCT sections 4, 10 and 11)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from funnel_tui.prospects import add_prospect
from funnel_tui.storage import Storage
from tests.cli_support import invoke, one_line_error

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
PROSPECTS = 3


@pytest.fixture
def book(storage: Storage) -> Path:
    """A closed database file of three prospects, with no -wal or -shm beside it."""
    for number in range(PROSPECTS):
        add_prospect(storage.db, {"name": f"Lead {number}", "phone": "+44 20 7946 0958"}, now=NOW)
    storage.close()
    return storage.path


def prospects_in(path: Path) -> int:
    db = sqlite_utils.Database(path)
    try:
        return db["prospects"].count
    finally:
        db.close()


def files_beside(path: Path) -> list[str]:
    return sorted(os.listdir(path.parent))


# --- An export or a backup never goes over the database or the files beside it ----------

# How a rep might name the database or a file SQLite keeps beside it, from the book's path.
THE_BOOK_BY_ANOTHER_NAME: dict[str, Callable[[Path], Path]] = {
    "the file": lambda book: book,
    "its -wal": lambda book: Path(f"{book}-wal"),
    "its -shm": lambda book: Path(f"{book}-shm"),
    "its -journal": lambda book: Path(f"{book}-journal"),
    "a detour": lambda book: book.parent / "detour" / ".." / book.name,
}


@pytest.mark.parametrize("name", THE_BOOK_BY_ANOTHER_NAME)
@pytest.mark.parametrize("command", ["export", "backup"])
def test_an_export_or_backup_over_the_database_is_refused(
    book: Path, name: str, command: str
) -> None:
    (book.parent / "detour").mkdir()
    before = files_beside(book)
    output = THE_BOOK_BY_ANOTHER_NAME[name](book)
    args = ["export", "prospects", "-o", output] if command == "export" else ["backup", output]
    result = invoke(*args, "--db", book)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert line.startswith(f"funnel: {output} is the ")
    assert line.endswith(f"; choose another file for the {command}")
    assert prospects_in(book) == PROSPECTS
    assert files_beside(book) == before


@pytest.mark.parametrize("link", [os.symlink, os.link])
@pytest.mark.parametrize("command", ["export", "backup"])
def test_a_link_to_the_database_is_the_database(
    book: Path, link: Callable[[Path, Path], None], command: str
) -> None:
    output = book.parent / "other-name.db"
    link(book, output)
    args = ["export", "prospects", "-o", output] if command == "export" else ["backup", output]
    result = invoke(*args, "--db", book)
    assert result.exit_code == 1
    assert "is the database itself" in one_line_error(result.stderr)
    assert prospects_in(book) == PROSPECTS


def test_the_wal_of_a_database_opened_through_a_link_is_refused(book: Path) -> None:
    through = book.parent / "link.db"
    through.symlink_to(book)
    result = invoke("backup", f"{book}-wal", "--db", through)
    assert result.exit_code == 1
    assert "-wal file SQLite keeps beside the database" in one_line_error(result.stderr)
    assert not Path(f"{book}-wal").exists()


def test_an_export_and_a_backup_beside_the_database_still_work(book: Path) -> None:
    exported = invoke("export", "prospects", "-o", book.with_suffix(".csv"), "--db", book)
    assert exported.exit_code == 0, exported.output
    backed_up = invoke("backup", book.with_name("copy.db"), "--db", book)
    assert backed_up.exit_code == 0, backed_up.output
    assert prospects_in(book.with_name("copy.db")) == PROSPECTS
