"""What a long command shows on a terminal while it runs: a bar, how many of its rows it
has done and how many a second, as the app's import dialog says them (`12,345 of
100,001 lines read · 17,200 lines a second`, `2,000,000 of 10,000,000 calls written ·
105,000 calls a second`), and the time left."""

from __future__ import annotations

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
from rich.text import Text


class RowsDone(ProgressColumn):
    """The rows done of all of them, and how many a second (once rich has timed a few
    updates): `unit` names the rows, `done` what was done to them."""

    def __init__(self, unit: str, done: str) -> None:
        super().__init__()
        self.unit = unit
        self.done = done

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        said = f"{int(task.completed):,} of {int(task.total):,} {self.unit} {self.done}"
        if task.speed:
            said += f" · {task.speed:,.0f} {self.unit} a second"
        return Text(said, style="progress.data.speed")


def progress_bar(console: Console, unit: str, done: str) -> Progress:
    """The progress on `console`, gone once the command ends; nothing where the console is
    no terminal (output piped or sent to a file)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        RowsDone(unit, done),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def import_progress(console: Console) -> Progress:
    """`funnel import`'s: the file's lines read."""
    return progress_bar(console, "lines", "read")


def export_progress(console: Console, unit: str) -> Progress:
    """`funnel export`'s: the `unit` (prospects or calls) written."""
    return progress_bar(console, unit, "written")
