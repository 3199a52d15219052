"""A book this process can read but not write (its permissions, or its folder's): the
commands that read it work, a write is refused in one line, and what stops a write is
named.

SQLite gives the -wal and -shm files it makes the book's permissions: a `funnel report`
that read a read-only book left both read-only, and every write failed once the book was
writable again, blaming the book; the message now names the file to mend.

The commands run as another user when the tests run as root, whom permissions do not stop.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from funnel_tui.store.sqlite import open_storage
from tests.smtp_support import SENDER, Inbox, smtp_server

NOBODY = 65534
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder another user can work in (pytest's own is root's alone)."""
    made = Path(tempfile.mkdtemp(prefix="funnel-read-only-"))
    made.chmod(0o777)
    yield made
    shutil.rmtree(made, ignore_errors=True)


@pytest.fixture
def run(folder: Path) -> Run:
    """`funnel ...` in a process of its own, as a user that file permissions stop."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("FUNNEL_")}
    home = folder / "home"
    home.mkdir()
    home.chmod(0o777)
    environment.update(HOME=str(home), XDG_CONFIG_HOME=str(home), XDG_DATA_HOME=str(home))
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to run as another user")
        prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]

    def funnel(*args: str) -> subprocess.CompletedProcess[str]:
        command = [*prefix, sys.executable, "-m", "funnel_tui", "--db", "book.db", *args]
        return subprocess.run(
            command, cwd=folder, env=environment, capture_output=True, text=True, timeout=60
        )

    return funnel


@pytest.fixture
def book(folder: Path) -> Path:
    """A book with one prospect, owned by the user the commands run as."""
    path = folder / "book.db"
    storage = open_storage(path)
    storage.db.execute(
        "INSERT INTO prospects (name, phone) VALUES ('Ada Lovelace', '+44 20 7946 0000')"
    )
    storage.close()
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
    return path


def beside(book: Path) -> list[str]:
    return sorted(path.name for path in book.parent.glob(f"{book.name}-*"))


def calls(book: Path) -> int:
    conn = sqlite3.connect(f"{book.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM calls").fetchone()[0])
    finally:
        conn.close()


def test_a_read_only_book_is_read(run: Run, book: Path) -> None:
    assert run("target", "set", "50000", "--period", "month").returncode == 0
    book.chmod(0o444)
    for command in (("report",), ("next",), ("export", "prospects", "-o", "out.csv")):
        done = run(*command)
        assert done.returncode == 0, (command, done.stderr)
    assert "Ada Lovelace" in (book.parent / "out.csv").read_text()


def test_a_write_to_a_read_only_book_is_refused_in_one_line(run: Run, book: Path) -> None:
    book.chmod(0o444)
    refused = run("log", "1", "no_answer")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "funnel: book.db is read-only: check the file's permissions"
    ]
    assert calls(book) == 0


def test_a_read_only_shm_beside_a_writable_book_is_named(run: Run, book: Path) -> None:
    # What a read of the read-only book left before: the -wal and -shm, read-only.
    conn = sqlite3.connect(book)
    conn.execute("SELECT count(*) FROM prospects").fetchone()
    kept = {suffix: book.parent / f"kept{suffix}" for suffix in ("-shm", "-wal")}
    for suffix, copy in kept.items():
        shutil.copyfile(f"{book}{suffix}", copy)
    conn.close()
    for suffix, copy in kept.items():
        left = Path(f"{book}{suffix}")
        copy.rename(left)
        if os.geteuid() == 0:
            os.chown(left, NOBODY, NOBODY)
        left.chmod(0o444)

    refused = run("log", "1", "no_answer")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "funnel: book.db-shm is read-only, though book.db can be written: make it writable,"
        " or remove it while no program has the book open"
    ]
    assert calls(book) == 0


def test_a_folder_that_lets_nobody_make_files_is_named(run: Run, book: Path) -> None:
    book.parent.chmod(0o755)
    try:
        refused = run("log", "1", "no_answer")
    finally:
        book.parent.chmod(0o777)
    assert refused.returncode == 1
    (line,) = refused.stderr.splitlines()
    assert line.startswith(
        f"funnel: the folder {book.parent} does not let you make files, and funnel writes"
        " book.db-wal beside the book there: check the folder's permissions"
    )
    assert calls(book) == 0


def test_an_email_to_a_read_only_book_is_not_sent(run: Run, book: Path) -> None:
    # Sent and then not recorded, it would be easily sent again: refused before it goes.
    inbox = Inbox()
    with smtp_server(inbox) as port:
        for key, value in (
            ("smtp_host", "127.0.0.1"),
            ("smtp_port", str(port)),
            ("smtp_security", "none"),
            ("email_from", SENDER),
        ):
            assert run("config", "set", key, value).returncode == 0
        conn = sqlite3.connect(book)
        conn.execute("UPDATE prospects SET email = 'ada@example.com' WHERE id = 1")
        conn.commit()
        conn.close()
        book.chmod(0o444)
        refused = run("email", "1", "--template", "after_voicemail", "--send")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "funnel: not sent: book.db is read-only, so it could not be recorded: check the"
        " file's permissions; nothing was recorded"
    ]
    assert inbox.received == []
