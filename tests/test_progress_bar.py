"""What `funnel import` and `funnel export` show on a terminal as they run
(progress_bar.py): the lines read of the file's lines, or the rows written of the table's,
and how many a second, as the app's dialog says them; and what an import says when ctrl+c
stops it."""

from __future__ import annotations

import io
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import Progress

from funnel_tui.importer import import_prospects
from funnel_tui.progress_bar import export_progress, import_progress, stderr_console
from funnel_tui.store.sqlite import open_storage


def terminal(width: int = 140) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=width, color_system=None), out


def drawn(bar: Progress, out: io.StringIO, what: str, done: int, total: int) -> tuple[str, float]:
    """What `bar` draws of a task `what` updated twice, to `done` of `total`, and the rate
    rich worked out (it needs two updates)."""
    with bar:
        task = bar.add_task(what, total=None)
        bar.update(task, completed=done // 200, total=total)
        bar.update(task, completed=done, total=total)
        bar.refresh()
        speed = bar.tasks[0].speed
        assert speed is not None
        return out.getvalue(), speed


def test_the_progress_shows_the_lines_read_of_the_files_and_their_rate() -> None:
    console, out = terminal()
    shown, speed = drawn(import_progress(console), out, "Importing leads.csv", 12_345, 100_001)
    assert "Importing leads.csv" in shown
    assert "12,345 of 100,001 lines read" in shown
    assert f"· {speed:,.0f} lines a second" in shown


def test_the_progress_says_nothing_where_output_is_no_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    with import_progress(console) as bar:
        task = bar.add_task("Importing leads.csv", total=None)
        bar.update(task, completed=12_345, total=100_001)
    assert out.getvalue() == ""


def test_ctrl_c_says_what_the_import_left(tmp_path: Path) -> None:
    """Stopped before its commit, none of the file is in the book; pressed as it committed,
    all of it is, and the rows it wrote carry its time."""
    from funnel_tui.cli.importing import _import_stopped

    storage = open_storage(tmp_path / "book.db")
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nAnn Archer,+44 20 7946 0001\n", encoding="utf-8")
    now = datetime(2026, 12, 6, 19, 0, 5, tzinfo=UTC)
    stopped = f"import of {leads} stopped: an import writes all of its rows or none"
    assert _import_stopped(storage, leads, now, False) == f"{stopped}, and none were written"
    import_prospects(storage.db, leads, now=now)
    assert _import_stopped(storage, leads, now, False) == (
        f"{stopped}, and all of them were written"
    )
    assert _import_stopped(storage, leads, now, True) == f"{stopped}, and a dry run none"
    storage.close()


def test_the_exports_progress_shows_the_rows_written_of_the_tables() -> None:
    """`funnel export calls` of 10,000,000 calls ran for a minute and a half with nothing
    on the terminal until it ended."""
    console, out = terminal(width=180)
    bar = export_progress(console, "calls")
    shown, speed = drawn(bar, out, "Exporting to calls.csv", 2_000_000, 10_000_000)
    assert "Exporting to calls.csv" in shown
    assert "2,000,000 of 10,000,000 calls written" in shown
    assert f"· {speed:,.0f} calls a second" in shown


@pytest.mark.parametrize(
    ("width", "shown", "with_bar"),
    [
        (160, "2,000,000 of 10,000,000 calls written · ", True),
        (120, "2,000,000 of 10,000,000 calls written · ", False),
        (80, "Exporting to a-name-long-enough…  20% 2,000,000 of 10,000,000 calls written", False),
        (40, "20% 2,000,000 of 10,000,000 calls", False),
    ],
)
def test_the_bar_keeps_to_one_line_of_the_terminals_width(
    width: int, shown: str, with_bar: bool
) -> None:
    """At 80 columns the line wrapped into three, at 40 into ten: the parts that do not
    fit are left out, the count last."""
    console, out = terminal(width=width)
    with export_progress(console, "calls") as bar:
        name = "a-name-long-enough-to-be-cut-short.csv"
        task = bar.add_task(f"Exporting to {name}", total=10_000_000)
        bar.update(task, completed=10_000)
        bar.update(task, completed=2_000_000)
        bar.refresh()
        drawn = out.getvalue()
    last = re.split(r"\r|\x1b\[2K", drawn.rstrip())[-1]
    lines = [line for line in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", last).split("\n") if line]
    assert len(lines) == 1, lines
    assert len(lines[0].rstrip()) <= width
    assert shown in lines[0]
    assert ("━" in lines[0]) is with_bar


def test_a_bar_goes_to_standard_error_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """FORCE_COLOR, which CI services set, put every redraw into a log of standard error."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not stderr_console().is_terminal
