"""What a long command shows on a terminal while it runs: a bar, how many of its rows it
has done and how many a second, as the app's import dialog says them (`12,345 of
100,001 lines read · 17,200 lines a second`, `2,000,000 of 10,000,000 calls written ·
105,000 calls a second`), and the time left."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Column
from rich.text import Text

# The widths the bar's line needs, each part past the last left out: the bar (40
# columns), then the rate and the time left, then the file's name and what was done to
# the rows; 40 columns still show how far it is (`27% 270,000 of 1,000,062 calls`). The
# whole line wrapped into three at 80 columns, and into ten at 40.
WITH_BAR = 150
WITH_RATE = 110
WITH_NAME = 80
# The most of the description (the file's name) shown, cut with an ellipsis.
DESCRIPTION_WIDTH = 32


class RowsDone(ProgressColumn):
    """The rows done of all of them, and how many a second (once rich has timed a few
    updates): `unit` names the rows, `done` what was done to them."""

    def __init__(self, unit: str, done: str | None, *, rate: bool = True) -> None:
        super().__init__()
        self.unit = unit
        self.done = done
        self.rate = rate

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        said = f"{int(task.completed):,} of {int(task.total):,} {self.unit}"
        if self.done:
            said += f" {self.done}"
        if task.speed and self.rate:
            said += f" · {task.speed:,.0f} {self.unit} a second"
        return Text(said, style="progress.data.speed")


def stderr_console() -> Console:
    """Standard error for a progress bar: a terminal only when it is one. FORCE_COLOR,
    which CI services set, would otherwise put every redraw of the bar into their log."""
    return Console(stderr=True, force_terminal=sys.stderr.isatty())


def progress_bar(console: Console, unit: str, done: str) -> Progress:
    """The progress on `console`, gone once the command ends, in one line of the width the
    terminal has as it begins; nothing where the console is no terminal (output piped or
    sent to a file)."""
    width = console.width
    description = TextColumn(
        "[progress.description]{task.description}",
        table_column=Column(max_width=DESCRIPTION_WIDTH, no_wrap=True, overflow="ellipsis"),
    )
    named = width >= WITH_NAME
    columns = [
        *([description] if named else []),
        *([BarColumn()] if width >= WITH_BAR else []),
        TaskProgressColumn(),
        RowsDone(unit, done if named else None, rate=width >= WITH_RATE),
        *([TimeRemainingColumn()] if width >= WITH_RATE else []),
    ]
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


def import_progress(console: Console) -> Progress:
    """`funnel import`'s: the file's lines read."""
    return progress_bar(console, "lines", "read")


def export_progress(console: Console, unit: str) -> Progress:
    """`funnel export`'s: the `unit` (prospects or calls) written."""
    return progress_bar(console, unit, "written")
