"""The files the command line writes and reads: never the book itself, never half a file,
and a path that cannot be used is one line and exit 1 (PRODUCT sections 4, 10 and 11)."""

from __future__ import annotations

import errno
import json
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlite_utils

from funnel_tui import exporter
from funnel_tui.cli.errors import describe_os_error
from funnel_tui.prospects import add_prospect
from funnel_tui.store.sqlite import Storage, open_storage
from tests.cli_support import invoke, one_line_error, patch_commands

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


@pytest.mark.parametrize(
    "args",
    [
        ["export", "prospects", "-o"],
        ["export", "calls", "--format", "json", "-o"],
        ["export", "--prospect", "1", "-o"],
        ["calendar", "-o"],
    ],
)
def test_a_file_written_over_another_database_is_refused(book: Path, args: list[str]) -> None:
    """`funnel calendar --db book2.db -o other.db` turned another book into iCalendar."""
    other = book.parent / "other.db"
    open_storage(other).close()
    before = other.read_bytes()
    result = invoke(*args, other, "--db", book)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert line.startswith(f"funnel: {other} is a SQLite database (another book?); choose")
    assert other.read_bytes() == before


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_a_file_written_over_another_programs_live_log_is_refused(book: Path, suffix: str) -> None:
    """`funnel calendar -o live.db-wal` replaced another program's write-ahead log, and
    the rows it had committed there were lost."""
    live = book.parent / "live.db"
    holder = sqlite3.connect(live)
    holder.execute("PRAGMA journal_mode = wal")
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("CREATE TABLE kept (x)")
    holder.execute("INSERT INTO kept VALUES (1)")
    holder.commit()
    target = Path(f"{live}{suffix}")
    before = target.read_bytes()
    # Named, and through a link whose own name says nothing (`cal.ics`).
    link = book.parent / "cal.ics"
    link.symlink_to(target.name)
    for args in (["calendar", "-o"], ["export", "prospects", "-o"]):
        for output in (target, link):
            result = invoke(*args, output, "--db", book)
            assert result.exit_code == 1
            assert f"{output} is " in one_line_error(result.stderr)
            assert target.read_bytes() == before
    assert sqlite3.connect(live).execute("SELECT x FROM kept").fetchall() == [(1,)]
    holder.close()


@pytest.mark.parametrize(
    "args", [["export", "prospects", "-o"], ["calendar", "-o"], ["export", "calls", "-o"]]
)
def test_a_file_written_to_a_named_pipe_streams_into_it(
    book: Path, tmp_path: Path, args: list[str]
) -> None:
    """`-o fifo`, `-o /dev/stdout` hung: the check that the target is no database read
    it first, waiting for what the pipe would give."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        written = subprocess.run(
            [sys.executable, "-m", "funnel_tui", *args, str(fifo), "--db", str(book)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        received, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert written.returncode == 0, written.stderr
    assert received.startswith(b"BEGIN:VCALENDAR" if args[0] == "calendar" else b"id,")


@pytest.mark.parametrize("there_before", [False, True])
def test_an_export_stopped_by_a_signal_leaves_no_half_file_and_says_what_it_left(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, there_before: bool
) -> None:
    """SIGTERM (`kill`, or the terminal closed: SIGHUP) ended an export on the spot: its
    half file stayed beside the target, a progress bar left the cursor hidden, and it
    said nothing."""
    target = tmp_path / "out" / "leads.csv"
    target.parent.mkdir()
    if there_before:
        target.write_text("kept\n", encoding="utf-8")
    cells = 0

    def terminated_midway(value: object) -> object:
        nonlocal cells
        cells += 1
        if cells == 5:
            os.kill(os.getpid(), signal.SIGTERM)
        return exporter.neutralise_blob(value)

    monkeypatch.setattr(exporter, "neutralise", terminated_midway)
    result = invoke("export", "prospects", "-o", target, "--db", book)
    assert result.exit_code == 1
    left = "the file there is as it was" if there_before else "no file was written"
    assert one_line_error(result.stderr) == f"funnel: export to {target} stopped: {left}"
    assert [path.name for path in target.parent.iterdir()] == (
        ["leads.csv"] if there_before else []
    )
    if there_before:
        assert target.read_text(encoding="utf-8") == "kept\n"
    # Once it is over, SIGTERM ends a process again.
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_file_in_a_folder_that_cannot_be_written_names_the_folder(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that could be written over, in a folder that cannot be written (the file is
    made beside its name, then renamed), was said as `cannot write FILE: Permission
    denied`, where it is the folder that refuses."""
    folder = tmp_path / "shared"
    folder.mkdir()
    target = folder / "leads.csv"
    target.write_text("kept\n", encoding="utf-8")
    writable = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: Path(path) != folder and writable(path, mode)
    )
    for args in (["export", "prospects", "-o"], ["calendar", "-o"]):
        result = invoke(*args, target, "--db", book)
        assert result.exit_code == 1
        assert one_line_error(result.stderr) == (
            f"funnel: cannot write {target}: the folder {folder} does not let you make files"
        )
        assert target.read_text(encoding="utf-8") == "kept\n"


def test_an_export_to_a_dash_goes_to_standard_output(book: Path) -> None:
    """`-o -` wrote a file named `-`."""
    dashed = invoke("export", "prospects", "-o", "-", "--db", book)
    assert dashed.exit_code == 0
    assert dashed.stdout == invoke("export", "prospects", "--db", book).stdout
    assert dashed.stdout.count("Lead ") == PROSPECTS and not Path("-").exists()


def test_an_export_to_dot_slash_dash_writes_the_file_named_dash(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o ./-` went to standard output, where it names the file `-`, as for most tools."""
    monkeypatch.chdir(tmp_path)
    written = invoke("export", "prospects", "-o", "./-", "--db", book)
    assert written.exit_code == 0, written.output
    assert written.stdout == ""
    assert (tmp_path / "-").read_text(encoding="utf-8").count("Lead ") == PROSPECTS


def test_the_wal_of_a_database_opened_through_a_link_is_refused(book: Path) -> None:
    through = book.parent / "link.db"
    through.symlink_to(book)
    result = invoke("backup", f"{book}-wal", "--db", through)
    assert result.exit_code == 1
    assert "-wal file SQLite keeps beside the database" in one_line_error(result.stderr)
    assert not Path(f"{book}-wal").exists()


def test_a_backup_to_a_link_that_points_to_itself_is_one_line(book: Path) -> None:
    loop = book.parent / "loop.db"
    loop.symlink_to("loop.db")
    result = invoke("backup", loop, "--db", book)
    assert result.exit_code == 1
    assert one_line_error(result.stderr).startswith(f"funnel: cannot open {loop}")


def test_an_export_and_a_backup_beside_the_database_still_work(book: Path) -> None:
    exported = invoke("export", "prospects", "-o", book.with_suffix(".csv"), "--db", book)
    assert exported.exit_code == 0, exported.output
    backed_up = invoke("backup", book.with_name("copy.db"), "--db", book)
    assert backed_up.exit_code == 0, backed_up.output
    assert prospects_in(book.with_name("copy.db")) == PROSPECTS


# --- A folder, a pipe or a trailing slash is one line and exit 1, not a usage error ------

FOLDER_REFUSALS = {
    "the app on a folder": (["--db", "folder"], "folder is a folder, not a database file"),
    "a command on a folder": (
        ["report", "--db", "folder"],
        "folder is a folder, not a database file",
    ),
    "the demo in a folder": (
        ["demo", "--no-open", "--db", "folder"],
        "folder is a folder, not a database file",
    ),
    "a pipe as the database": (["report", "--db", "pipe"], "pipe is a pipe, not a database file"),
    "importing a folder": (
        ["import", "folder", "--db", "book.db"],
        "folder is a folder, not a regular file",
    ),
    "exporting into a folder": (
        ["export", "prospects", "-o", "folder", "--db", "book.db"],
        "folder is a folder; name a file to export to",
    ),
    "backing up into a folder": (
        ["backup", "folder", "--db", "book.db"],
        "folder is a folder; name a new file to back up to",
    ),
    "exporting to a name that ends with a slash": (
        ["export", "prospects", "-o", "full/", "--db", "book.db"],
        "full/ ends with a slash, so it names a folder; name a file",
    ),
    "a database name that ends with a slash": (
        ["report", "--db", "new/"],
        "new/ ends with a slash, so it names a folder; name a file",
    ),
    # Path("") is the current folder: it was said to be `. is a folder`.
    "an empty database name": (["report", "--db", ""], "--db is empty; name a file"),
    "an empty file name": (
        ["backup", " ", "--db", "book.db"],
        "the file's name is empty; name a file",
    ),
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("case", FOLDER_REFUSALS)
def test_a_path_that_is_not_a_file_is_one_line_and_exit_1(
    book: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.chdir(book.parent)
    book.rename("book.db")
    Path("folder").mkdir()
    os.mkfifo("pipe")
    before = files_beside(book)
    args, message = FOLDER_REFUSALS[case]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert one_line_error(result.stderr) == f"funnel: {message}"
    # An import opens the book to write before it reads the file, as SQLite's files show.
    assert [name for name in files_beside(book) if not name.endswith(("-wal", "-shm"))] == before
    assert os.listdir("folder") == []


def test_funnel_db_naming_a_folder_is_the_same_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "folder").mkdir()
    monkeypatch.setenv("FUNNEL_DB", str(tmp_path / "folder"))
    result = invoke("report")
    assert result.exit_code == 1
    assert (
        one_line_error(result.stderr)
        == f"funnel: {tmp_path / 'folder'} is a folder, not a database file"
    )


# --- An export through a link writes the file the link points to -------------------------


@pytest.mark.parametrize("target_exists", [True, False])
def test_an_export_through_a_link_replaces_its_target_and_keeps_the_link(
    book: Path, target_exists: bool
) -> None:
    shared = book.parent / "shared"
    shared.mkdir()
    target = shared / "prospects.csv"
    if target_exists:
        target.write_text("last week's export\n", encoding="utf-8")
    link = book.parent / "link.csv"
    link.symlink_to(Path("shared") / "prospects.csv")
    result = invoke("export", "prospects", "-o", link, "--db", book)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Exported {PROSPECTS} prospects to {link}\n"
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("shared") / "prospects.csv")
    assert target.read_text(encoding="utf-8").startswith("id,name,")
    assert os.listdir(shared) == ["prospects.csv"]


# --- An export printed on a terminal shows what a terminal would act on ------------------

# Another tool's values: a window title and a red background, a screen cleared, and a
# carriage return that would write the rest of the row over its start.
RETITLE = "Zed \x1b]0;PWNED TITLE\x07\x1b[41mRedBG"
CLEAR_SCREEN = "wants \x1b[2Jnothing"
OVERWRITE = "Honest Abe\r1,Trusted Person"


def printed_on_a_terminal(*args: str | Path) -> bytes:
    """What `funnel ARGS` prints with its standard output on a terminal (a pty)."""
    screen, command_side = pty.openpty()
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "funnel_tui", *map(str, args)],
            stdout=command_side,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(command_side)
    assert finished.returncode == 0, finished.stderr
    printed = b""
    try:
        while chunk := os.read(screen, 65536):
            printed += chunk
    except OSError:  # Linux: EIO once the command's side is closed and read to the end
        pass
    finally:
        os.close(screen)
    return printed


@pytest.fixture
def hostile_book(storage: Storage) -> Path:
    add_prospect(
        storage.db,
        {"name": "Plain Name", "phone": "+44 20 7946 0958"},
        now=NOW,
    )
    storage.db.execute(
        "UPDATE prospects SET name = ?, needs = ?, company = ?",
        [RETITLE, CLEAR_SCREEN, OVERWRITE],
    )
    storage.close()
    return storage.path


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_an_export_on_a_terminal_shows_escapes_and_control_characters(
    hostile_book: Path, file_format: str
) -> None:
    printed = printed_on_a_terminal(
        "export", "prospects", "--format", file_format, "--db", hostile_book
    )
    assert b"\x1b" not in printed and b"\x07" not in printed
    # Only line ends hold a carriage return (a CSV row's CR LF, which the terminal's own
    # line ending turns into CR CR LF).
    assert b"\r" not in re.sub(rb"\r+\n", b"", printed)
    assert b"PWNED TITLE" in printed and b"Honest Abe" in printed


def test_an_export_to_a_pipe_or_a_file_keeps_every_value_exact(
    hostile_book: Path, tmp_path: Path
) -> None:
    exporting = ["export", "prospects", "--format", "json", "--db", str(hostile_book)]
    piped = subprocess.run(
        [sys.executable, "-m", "funnel_tui", *exporting],
        capture_output=True,
        text=True,
        timeout=120,
    )
    written = tmp_path / "prospects.json"
    exported = invoke(
        "export", "prospects", "--format", "json", "-o", written, "--db", hostile_book
    )
    assert exported.exit_code == 0, exported.output
    for text in (piped.stdout, written.read_text(encoding="utf-8")):
        [row] = json.loads(text)
        assert (row["name"], row["needs"], row["company"]) == (RETITLE, CLEAR_SCREEN, OVERWRITE)


# --- A full disk under `> file` says what could not be written ---------------------------

FULL_DEVICE = Path("/dev/full")


@pytest.mark.skipif(not FULL_DEVICE.exists(), reason="no /dev/full here")
@pytest.mark.parametrize(
    "args",
    [
        ["export", "prospects"],
        # A few bytes, still buffered when the command returns.
        ["export", "calls", "--format", "json"],
        ["config", "get", "currency"],
        ["script", "solution"],
    ],
)
def test_output_to_a_full_disk_is_one_line_naming_standard_output(
    book: Path, args: list[str]
) -> None:
    with FULL_DEVICE.open("w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "funnel_tui", *args, "--db", str(book)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr == "funnel: cannot write standard output: No space left on device\n"


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            OSError(errno.EACCES, "Permission denied", "/srv/book.db"),
            "Permission denied: /srv/book.db",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device"),
            "cannot write standard output: No space left on device",
        ),
        (OSError(errno.ENOMEM, "Cannot allocate memory"), "Cannot allocate memory"),
        (OSError("no errno at all"), "no errno at all"),
    ],
)
def test_a_system_error_never_ends_in_a_dangling_colon(error: OSError, line: str) -> None:
    assert describe_os_error(error) == line


# --- A command that fails leaves no new book; a file's name says its format -------------


def test_a_failed_import_into_a_new_path_leaves_no_book(tmp_path: Path) -> None:
    # A mistyped --db with a refused file, a file that is not there or a rep the book does
    # not have: nothing is imported, and no empty book is left to be opened later.
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0958\nNo Contact,\n")
    new = tmp_path / "typo.db"
    header_only = tmp_path / "header.csv"
    header_only.write_text("name,phone\n")
    rejected_only = tmp_path / "rejected.csv"
    rejected_only.write_text("name,phone\nNo Contact,\n")
    for args, code in (
        ([leads], 1),
        ([tmp_path / "missing.csv"], 1),
        ([leads, "--skip-invalid", "--owner", "zed"], 1),
        ([header_only], 1),
        ([rejected_only, "--skip-invalid"], 1),
    ):
        result = invoke("import", *args, "--db", new)
        assert result.exit_code == code, result.output
        assert not any(name.startswith("typo.db") for name in files_beside(new)), args

    result = invoke("import", leads, "--skip-invalid", "--db", new)
    assert result.exit_code == 0, result.output
    assert prospects_in(new) == 1


def test_an_import_of_no_row_exits_1_and_says_why(tmp_path: Path, book: Path) -> None:
    """A file of a header alone, or whose every row is rejected (with --skip-invalid):
    nothing is imported, and a script could not tell it from an import that did its work
    (exit 0, `added 0, updated 0, rejected 0`)."""
    header_only = tmp_path / "header.csv"
    header_only.write_text("name,phone\n")
    rejected_only = tmp_path / "rejected.csv"
    rejected_only.write_text("name,phone\nNo Contact,\nNo One,\n")
    result = invoke("import", header_only, "--db", book)
    assert result.exit_code == 1
    assert one_line_error(result.stderr) == f"funnel: {header_only} has no rows after its header"
    result = invoke("import", rejected_only, "--skip-invalid", "--db", book)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"funnel: {rejected_only}: every row was rejected"


def test_a_dry_run_into_an_empty_file_leaves_it_empty(tmp_path: Path) -> None:
    """A file of no bytes is no book yet: a dry run made a book of it (532 KB), which
    `funnel check` then called ok."""
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0958\n")
    empty = tmp_path / "empty.db"
    empty.touch()
    result = invoke("import", leads, "--dry-run", "--db", empty)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"No book at {empty} yet")
    assert empty.stat().st_size == 0
    assert not any(name.startswith("empty.db-") for name in files_beside(empty))


def test_a_dry_run_with_rejected_rows_says_the_import_would_write_nothing(
    tmp_path: Path, book: Path
) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0958\nNo Contact,\n")
    result = invoke("import", leads, "--dry-run", "--db", book)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "dry run, nothing written: 1 row would be rejected, so the import would write"
        " nothing; with --skip-invalid the rest would add 1, update 0 (utf-8, comma)"
    )
    result = invoke("import", leads, "--dry-run", "--skip-invalid", "--db", book)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith(
        "dry run, nothing written: would add 1, update 0, reject 1"
    )


def test_any_failed_command_leaves_no_book_it_made(tmp_path: Path) -> None:
    """`assign`, `target set`, `config set`, `rep remove` refused at a mistyped --db each
    left a new book of 532 KB there, which `funnel check` then called ok. A command that
    succeeds keeps the book it made."""
    new = tmp_path / "typo.db"
    for args in (
        ("assign", "5", "--pool"),
        ("target", "set", "abc"),
        ("config", "set", "nokey", "1"),
        ("rep", "remove", "Zed", "--yes"),
    ):
        result = invoke(*args, "--db", new)
        assert result.exit_code == 1, result.output
        assert not any(name.startswith("typo.db") for name in files_beside(new)), args
    assert invoke("target", "set", "5k", "--db", new).exit_code == 0
    assert new.exists()
    # A failure in a book the command did not make leaves it be.
    assert invoke("target", "set", "abc", "--db", new).exit_code == 1
    assert new.exists()


def test_a_failed_import_into_a_book_that_holds_nothing_keeps_the_book(
    book: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.db"
    open_storage(empty).close()
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nNo Contact,\n")
    for target in (empty, book):
        assert invoke("import", leads, "--db", target).exit_code == 1
        assert target.exists()
    assert prospects_in(empty) == 0
    assert prospects_in(book) == PROSPECTS


def test_importing_a_json_export_says_import_reads_csv(book: Path, tmp_path: Path) -> None:
    exported = tmp_path / "leads.json"
    assert invoke("export", "prospects", "-o", exported, "--db", book).exit_code == 0
    assert json.loads(exported.read_text())[0]["name"] == "Lead 0"
    result = invoke("import", exported, "--db", book)
    assert result.exit_code == 1
    assert one_line_error(result.stderr) == (
        f"funnel: {exported} looks like JSON: import reads CSV files"
        " (funnel export --format csv writes one)"
    )
    assert prospects_in(book) == PROSPECTS


def test_an_export_to_a_csv_name_or_with_a_format_writes_that_format(
    book: Path, tmp_path: Path
) -> None:
    for name, args, starts in (
        ("leads.csv", [], "id,name"),
        ("leads.JSON", [], "["),
        ("leads.json", ["--format", "csv"], "id,name"),
        ("leads.txt", ["--format", "json"], "["),
    ):
        output = tmp_path / name
        assert invoke("export", "prospects", *args, "-o", output, "--db", book).exit_code == 0
        assert output.read_text().startswith(starts), name


def test_two_backups_in_one_second_each_get_a_file(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_commands(monkeypatch, "system_now", lambda: NOW)
    for _ in range(3):
        result = invoke("backup", "--db", book)
        assert result.exit_code == 0, result.output
    assert [name for name in files_beside(book) if "backup" in name] == [
        "t-backup-20261125T100000-2.db",
        "t-backup-20261125T100000-3.db",
        "t-backup-20261125T100000.db",
    ]
