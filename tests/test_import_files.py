"""Import reads only regular files, streamed, and never on the app's database thread."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from textual.widgets import Input

from funnel_tui import csv_read, import_rows
from funnel_tui.importer import CsvUnreadable, import_prospects
from funnel_tui.store.sqlite import Storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.flag import Flag
from tests.app_support import FROZEN_NOW, settle, shown_text
from tests.cli_support import invoke

needs_fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A FIFO named like a CSV file, no writer ever comes to.

    Should anything open it for reading, it would wait for a writer for ever: a writer
    comes after a few seconds, so that a test of that mistake fails instead of hanging.
    """
    path = tmp_path / "leads.csv"
    os.mkfifo(path)

    def unblock() -> None:
        # Without a reader this fails: then there is nothing to unblock.
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(5, unblock)
    timer.start()
    yield path
    timer.cancel()
    unblock()


@needs_fifos
def test_a_fifo_is_refused_without_opening_it(db: sqlite_utils.Database, fifo: Path) -> None:
    with pytest.raises(CsvUnreadable) as refused:
        import_prospects(db, fifo, now=FROZEN_NOW)
    assert str(refused.value) == f"{fifo} is a FIFO, not a regular file"


@needs_fifos
def test_the_command_refuses_a_fifo_in_one_line(storage: Storage, fifo: Path) -> None:
    result = invoke("import", fifo, "--db", storage.path)
    assert result.exit_code == 1
    assert result.stderr == f"funnel: {fifo} is a FIFO, not a regular file\n"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_the_command_refuses_a_device_in_one_line(storage: Storage) -> None:
    result = invoke("import", "/dev/zero", "--db", storage.path)
    assert result.exit_code == 1
    assert result.stderr == "funnel: /dev/zero is a device, not a regular file\n"
    assert storage.db["prospects"].count == 0


def test_a_line_too_long_to_hold_is_refused(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_read, "MAX_LINE_CHARS", 100)
    path = tmp_path / "leads.csv"
    path.write_text(f"name,email\nAnn,{'a' * 200}@a.example\n", encoding="utf-8")
    with pytest.raises(CsvUnreadable, match=r"leads\.csv, line 2: longer than 100 characters"):
        import_prospects(db, path, now=FROZEN_NOW)
    assert db["prospects"].count == 0


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_a_cell_of_a_megabyte_refuses_its_row_not_the_file(
    storage: Storage, tmp_path: Path, skip_invalid: bool
) -> None:
    # The csv module's own limit (131,072 characters a cell) refused the whole file with
    # its own words, also with --skip-invalid.
    path = tmp_path / "leads.csv"
    path.write_text(
        "name,phone,email,needs\n"
        f"Huge Guy,+16175550112,huge@example.com,{'A' * 1024 * 1024}\n"
        "Small Guy,+16175550113,small@example.com,Faster quotes\n",
        encoding="utf-8",
    )
    report = import_prospects(storage.db, path, now=FROZEN_NOW, skip_invalid=skip_invalid)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 2: needs: 1,048,576 characters, more than the 131,072 a cell may hold"
    ]
    names = [row["name"] for row in storage.db.query("SELECT name FROM prospects")]
    assert names == (["Small Guy"] if skip_invalid else [])


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_a_quote_never_closed_is_named_and_nothing_is_imported(
    storage: Storage, tmp_path: Path, skip_invalid: bool
) -> None:
    # The csv module reads such a quote to the end of the file without a word: the row
    # was rejected for its field count and the rows after it vanished unlisted.
    path = tmp_path / "leads.csv"
    path.write_text(
        'name,company,email\nAnn,Acme,ann@a.example\n"Broken, Row,Brk,brk@b.example\n'
        "Jose,Y,jose@c.example\nMia,Z,mia@d.example",
        encoding="utf-8",
    )
    result = invoke(
        "import", path, "--db", storage.path, *(["--skip-invalid"] if skip_invalid else [])
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"funnel: {path}, line 3: a quote opened in this row is never closed, so the rest of"
        " the file (to line 5) would be one cell; close the quote and import again\n"
    )
    assert storage.db["prospects"].count == 0


def test_a_quote_never_closed_in_a_file_whose_lines_end_with_cr_names_its_last_line(
    storage: Storage, tmp_path: Path
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(b'name,email\rAnn,a@x.example\r"Bo Chan,b@x.example\rCy,c@x.example\r')
    result = invoke("import", path, "--db", storage.path)
    assert result.exit_code == 1
    assert "the rest of the file (to line 4) would be one cell" in result.stderr
    assert storage.db["prospects"].count == 0


def test_a_quote_never_closed_in_a_file_of_cr_rows_with_a_line_feed_in_a_cell(
    storage: Storage, tmp_path: Path
) -> None:
    """As Excel for the Mac writes a file: rows end with CR, a line break in a cell is LF."""
    path = tmp_path / "leads.csv"
    rows = [
        "name,phone,notes",
        'A One,+1 617 555 0111,"first\nsecond"',
        "B Two,+1 617 555 0112,",
        'D Four,+1 617 555 0114,"never closed',
        "E Five,+1 617 555 0115,",
    ]
    path.write_bytes("\r".join(rows).encode() + b"\r")
    result = invoke("import", path, "--db", storage.path)
    assert result.exit_code == 1
    assert "line 5: a quote opened in this row is never closed" in result.stderr
    assert "(to line 6)" in result.stderr


def test_a_quoted_cell_over_several_lines_at_the_end_of_a_file_is_read(
    storage: Storage, tmp_path: Path
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text('name,email,notes\nAnn,ann@a.example,"two\nlines"', encoding="utf-8")
    result = invoke("import", path, "--db", storage.path)
    assert result.exit_code == 0, result.output
    assert [row["name"] for row in storage.db.query("SELECT name FROM prospects")] == ["Ann"]


async def import_in_app(app: FunnelApp, path: Path) -> str:
    """Import a file with `i` and return what the dialog says."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        said = shown_text(app.screen.query_one("#import-result"))
        # The database thread is free: the queue reads again.
        count = await app.in_db_thread(lambda db: db["prospects"].count)
        assert count > 0
        await pilot.press("escape")
        await settle(pilot)
    return said


@needs_fifos
async def test_the_app_refuses_a_fifo_in_the_dialog(demo_app: FunnelApp, fifo: Path) -> None:
    said = await import_in_app(demo_app, fifo)
    assert " ".join(said.split()) == f"{fifo} is a FIFO, not a regular file"


async def test_the_app_reads_the_file_off_the_database_thread(
    demo_app: FunnelApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("name,phone\nAda Byron,+44 20 7946 0999\n", encoding="utf-8")
    readers: list[str] = []

    def read_csv(path: Path | str) -> csv_read.CsvFile:
        readers.append(threading.current_thread().name)
        return csv_read.read_csv(path)

    monkeypatch.setattr(import_rows, "read_csv", read_csv)
    count = demo_app.storage.db["prospects"].count
    said = await import_in_app(demo_app, path)
    assert said.startswith("added 1, updated 0, rejected 0")
    assert demo_app.storage.db["prospects"].count == count + 1
    assert len(readers) == 1
    assert not readers[0].startswith("funnel-db")


async def test_enter_on_the_skip_flag_imports_and_only_space_ticks_it(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    # enter on the flag unticked it, and nothing was imported: "enter imports", the dialog
    # says. The flag showed its X ticked or not, told apart by colour alone.
    path = tmp_path / "leads.csv"
    path.write_text("name,phone\nAda Byron,+44 20 7946 0999\nNo Number,12\n", encoding="utf-8")
    count = demo_app.storage.db["prospects"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app_screen = demo_app.screen
        app_screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("tab")
        flag = app_screen.query_one("#import-skip", Flag)
        assert app_screen.focused is flag and not flag.value
        assert "X" not in flag.render().plain
        await pilot.press("space")
        assert flag.value and "X" in flag.render().plain
        await pilot.press("enter")
        await settle(pilot)
        assert flag.value, "enter imports; it does not untick the flag"
        said = shown_text(app_screen.query_one("#import-result"))
    assert said.startswith("added 1, updated 0, rejected 1"), said
    assert demo_app.storage.db["prospects"].count == count + 1


async def test_a_file_refused_before_its_rows_leaves_no_progress_bar_running(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text('name,email\n"Broken,b@x.example\nAnn,ann@a.example\n', encoding="utf-8")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        said = shown_text(dialog.query_one("#import-result"))
        assert "a quote opened in this row is never closed" in " ".join(said.split())
        assert not dialog.query_one("#import-progress").display
