"""What `funnel import` shows on a terminal while it runs: a bar, the lines read of the
file's lines and how many a second, as the app's import dialog says them (`12,345 of
100,001 lines read · 17,200 lines a second`), and the time left."""

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


class LinesRead(ProgressColumn):
    """The lines read of the file's lines, and how many a second (once rich has timed a
    few updates)."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        said = f"{int(task.completed):,} of {int(task.total):,} lines read"
        if task.speed:
            said += f" · {task.speed:,.0f} lines a second"
        return Text(said, style="progress.data.speed")


def import_progress(console: Console) -> Progress:
    """The import's progress on `console`, gone once the import ends; nothing where the
    console is no terminal (output piped or sent to a file)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        LinesRead(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
