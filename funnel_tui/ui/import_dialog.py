"""ImportDialog: bring a CSV of leads in from the app, with the same report as `funnel import`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

from funnel_tui.importer import CsvUnreadable, ImportReport
from funnel_tui.store.sqlite import describe_error
from funnel_tui.text import one_line

Importer = Callable[[Path, bool], Awaitable[ImportReport]]
SHOWN_REJECTS = 50


class ImportDialog(ModalScreen[bool]):
    """Returns True when prospects were written, so the queue is read again."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, *, run_import: Importer) -> None:
        super().__init__()
        self.run_import = run_import
        self.wrote = False

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box", classes="dialog"):
            yield Label(
                "Import prospects from a CSV file", id="import-title", classes="dialog-title"
            )
            yield Input(placeholder="path, e.g. ~/Downloads/hubspot-contacts.csv", id="import-path")
            yield Checkbox("Import the valid rows and skip the rest", id="import-skip")
            with VerticalScroll(id="import-result-box"):
                yield Static(id="import-result", markup=False)
            yield Label("enter imports · esc closes", id="import-hint", classes="dialog-hint")

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._import(Path(event.value.strip()).expanduser())

    @work(exclusive=True, group="import")
    async def _import(self, path: Path) -> None:
        result = self.query_one("#import-result", Static)
        result.update(_line(f"Importing {path}…"))
        skip_invalid = self.query_one("#import-skip", Checkbox).value
        try:
            report = await self.run_import(path, skip_invalid)
        except CsvUnreadable as error:
            result.update(_line(str(error), "red"))
            return
        except Exception as error:  # a failed write changes nothing; say why
            result.update(
                _line(f"Not imported: {describe_error(error)} (enter tries again)", "red")
            )
            return
        self.wrote = self.wrote or report.written
        lines = [_line(report.summary(), "bold" if report.written else "bold red")]
        lines += [_line(notice) for notice in report.notices()]
        lines += [_line(str(rejected), "red") for rejected in report.rejected[:SHOWN_REJECTS]]
        if len(report.rejected) > SHOWN_REJECTS:
            more = len(report.rejected) - SHOWN_REJECTS
            lines.append(_line(f"… and {more} more", "red"))
        result.update(Text("\n").join(lines))

    def action_close(self) -> None:
        self.dismiss(self.wrote)


def _line(message: str, style: str = "") -> Text:
    """A line of the report: file names and cells may hold terminal escapes."""
    return Text(one_line(message), style)
