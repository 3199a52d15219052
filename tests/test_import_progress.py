"""What `funnel import` shows on a terminal as it runs (import_progress.py): the lines
read of the file's lines and how many a second, as the app's dialog says them."""

from __future__ import annotations

import io

from rich.console import Console

from funnel_tui.import_progress import import_progress


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=140, color_system=None), out


def test_the_progress_shows_the_lines_read_of_the_files_and_their_rate() -> None:
    console, out = terminal()
    with import_progress(console) as bar:
        task = bar.add_task("Importing leads.csv", total=None)
        bar.update(task, completed=5_000, total=100_001)
        bar.update(task, completed=12_345, total=100_001)
        bar.refresh()
        shown = out.getvalue()
        speed = bar.tasks[0].speed
    assert "Importing leads.csv" in shown
    assert "12,345 of 100,001 lines read" in shown
    assert speed is not None
    assert f"· {speed:,.0f} lines a second" in shown


def test_the_progress_says_nothing_where_output_is_no_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    with import_progress(console) as bar:
        task = bar.add_task("Importing leads.csv", total=None)
        bar.update(task, completed=12_345, total=100_001)
    assert out.getvalue() == ""
