"""ImportDialog: bring a CSV of leads in from the app, with the same report as `funnel import`
and a progress bar with the lines read and their rate while it runs."""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable
from pathlib import Path
from time import monotonic
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, ProgressBar, Static

from funnel_tui.import_rows import Progress
from funnel_tui.importer import CsvUnreadable, ImportReport
from funnel_tui.text import one_line
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.flag import Flag
from funnel_tui.ui.slow_write import not_saved_text
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

# Imports a file (skipping the invalid rows or not; or only checks it, writing nothing),
# telling `Progress` how far it is.
Importer = Callable[[Path, "ImportChoice", Progress], Awaitable[ImportReport]]
SHOWN_REJECTS = 50
# The tick the summary names where the command line's is --skip-invalid.
SKIP_LABEL = "Import the valid rows and skip the rest"
# How often the bar shows the import's progress, in seconds.
PROGRESS_EVERY_S = 0.2
HINT = "enter imports · esc closes"
# Once a file is imported, enter leaves its report on screen.
HINT_AFTER_IMPORT = "esc closes · enter imports again once the path or the tick changes"
# Once a file is checked: untick the check to import it.
HINT_AFTER_CHECK = "esc closes · to import it, untick the check (tab, space), then enter"
# esc, enter or ctrl+q while the file is being written: it cannot stop half-way, and the dialog
# says how it ended once it has.
HINT_WHILE_IMPORTING = (
    "importing: all or nothing, it cannot stop half-way · esc or ctrl+q once it is done"
)


def path_as_typed(text: str) -> Path:
    """The file a path typed, pasted or dropped on the terminal names: as it is when such a
    file is there, else without the quotes or backslashes a file manager put around it
    (`'/tmp/dialog leads.csv'`, `/tmp/dialog\\ leads.csv`) or as a `file://` address."""
    text = text.strip()
    as_typed = Path(text).expanduser()
    if as_typed.exists():
        return as_typed
    if text.startswith("file://"):
        return Path(unquote(urlsplit(text).path))
    try:
        words = shlex.split(text)
    except ValueError:
        return as_typed
    return Path(words[0]).expanduser() if len(words) == 1 else as_typed


class ImportChoice(NamedTuple):
    """What enter imports: the path as typed, whether the invalid rows are skipped, and
    whether the file is only checked (a dry run: what it would do, nothing written)."""

    path: str
    skip_invalid: bool
    dry_run: bool = False


class ImportDialog(AnswersOnce, StyledAsMounted, ModalScreen[bool]):
    """Returns True when prospects were written, so the queue is read again."""

    # enter imports from any field: the path's, or the flag's, which only space ticks.
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("enter", "import_file", "Import", show=False),
    ]

    def __init__(self, *, run_import: Importer) -> None:
        super().__init__()
        self.run_import = run_import
        self.wrote = False
        # Lines read and the file's lines, set by the import's thread, shown by a timer.
        self._lines: tuple[int, int] = (0, 0)
        self._started = 0.0
        self._ticker: Timer | None = None
        self._importing = False
        # The field the rep was in when the import began, focused again once it ends.
        self._focused_before: Widget | None = None
        # The path and the tick of the import whose report is on screen, until either
        # changes: enter then leaves the report be rather than import the file again.
        self._reported: ImportChoice | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box", classes="dialog"):
            yield Label(
                "Import prospects from a CSV file", id="import-title", classes="dialog-title"
            )
            yield Input(placeholder="path, e.g. ~/Downloads/hubspot-contacts.csv", id="import-path")
            yield Flag(SKIP_LABEL, id="import-skip")
            yield Flag("Check the file only: say what it would do, write nothing", id="import-dry")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Label(id="import-rate")
            with VerticalScroll(id="import-result-box"):
                yield Static(id="import-result", markup=False)
            yield Label(HINT, id="import-hint", classes="dialog-hint")

    @on(Input.Submitted, "#import-path")
    def _submitted(self) -> None:
        self.action_import_file()

    @on(Input.Changed, "#import-path")
    @on(Checkbox.Changed, "#import-skip")
    @on(Checkbox.Changed, "#import-dry")
    def _changed(self) -> None:
        # Another file, or the same one edited since, with or without its invalid rows:
        # enter imports it.
        self._reported = None
        if not self._importing:
            self.query_one("#import-hint", Label).update(HINT)

    def action_import_file(self) -> None:
        # Another import now would cancel this one's worker, not its writing: the file
        # would be imported twice and the first report lost.
        if self._says_it_is_importing():
            return
        # Read from the fields: a tick typed just before enter counts before its Changed
        # message comes.
        choice = ImportChoice(
            self.query_one("#import-path", Input).value,
            self.query_one("#import-skip", Flag).value,
            self.query_one("#import-dry", Flag).value,
        )
        # The file whose report is on screen: a reflex enter would import it again and
        # replace the report the rep is reading.
        if choice == self._reported:
            return
        if choice.path.strip():
            self._import(choice)

    @property
    def bar(self) -> ProgressBar:
        return self.query_one("#import-progress", ProgressBar)

    def _progress(self, done: int, total: int) -> None:
        """Called from the import's thread: only noted here, shown by `_show_progress`."""
        self._lines = (done, total)

    def _show_progress(self, finished: bool = False) -> None:
        done, total = self._lines
        if not total:
            return
        self.bar.update(total=total, progress=done)
        elapsed = monotonic() - self._started
        rate = f" · {done / elapsed:,.0f} lines a second" if elapsed > 0 else ""
        # Every line is read: the last batch is being written and committed.
        state = " · writing" if done >= total and not finished else ""
        self.query_one("#import-rate", Label).update(
            f"{done:,} of {total:,} lines read{rate}{state}"
        )

    def _start_progress(self) -> None:
        self._lines, self._started = (0, 0), monotonic()
        self.bar.update(total=None, progress=0)
        self.query_one("#import-rate", Label).update("")
        self.add_class("importing")
        self._ticker = self.set_interval(PROGRESS_EVERY_S, self._show_progress)

    def _stop_progress(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self._show_progress(finished=True)

    @work(exclusive=True, group="import")
    async def _import(self, choice: ImportChoice) -> None:
        path = path_as_typed(choice.path)
        result = self.query_one("#import-result", Static)
        result.update(_line(f"{'Checking' if choice.dry_run else 'Importing'} {path}…"))
        self._reported = None
        self._start_progress()
        self._importing = True
        self._lock_fields(True)
        try:
            report = await self.run_import(path, choice, self._progress)
        except CsvUnreadable as error:
            result.update(_line(str(error), "red"))
            # Refused before a row was read: no progress to show, nor a bar still running.
            self.remove_class("importing")
            return
        except Exception as error:  # a failed write changes nothing; say why
            result.update(_line(not_saved_text(error, "Not imported"), "red"))
            return
        finally:
            self._importing = False
            self._lock_fields(False)
            self.query_one("#import-hint", Label).update(HINT)
            self._stop_progress()
        self.wrote = self.wrote or report.written
        refused = not report.written and not report.dry_run
        said = report.summary(skipping=f"“{SKIP_LABEL}” ticked")
        lines = [_line(said, "bold red" if refused else "bold")]
        lines += [_line(notice) for notice in report.notices()]
        lines += [_line(str(rejected), "red") for rejected in report.rejected[:SHOWN_REJECTS]]
        if len(report.rejected) > SHOWN_REJECTS:
            more = len(report.rejected) - SHOWN_REJECTS
            lines.append(_line(f"… and {more} more", "red"))
        result.update(Text("\n").join(lines))
        if report.written or report.dry_run:
            # Written or only checked: a reflex enter leaves the report be. Nothing written
            # (a row rejected, all or nothing): the rep fixes the file and enter imports it.
            self._reported = choice
            hint = HINT_AFTER_CHECK if report.dry_run else HINT_AFTER_IMPORT
            self.query_one("#import-hint", Label).update(hint)

    def _lock_fields(self, locked: bool) -> None:
        """While a file is imported its path and ticks take no keys: `/ben` typed then
        went into the path, beside the report of the file imported, and a reflex enter
        would have imported that path."""
        focused = self.focused
        for field in (self.query_one("#import-path", Input), *self.query(Flag)):
            field.disabled = locked
        if locked:
            self._focused_before = focused
        elif self._focused_before is not None:
            self._focused_before.focus()

    def action_close(self) -> None:
        # Closed while it writes, the dialog would take the import's report with it (and
        # the queue would not show what it added): esc waits for the import to end.
        if self._says_it_is_importing():
            return
        self.dismiss(self.wrote)

    def refuses_to_quit(self) -> bool:
        """Whether the app must not quit yet (a file being written would keep it waiting at
        a blank terminal); if so, the hint says the import cannot stop, as for esc."""
        return self._says_it_is_importing()

    def _says_it_is_importing(self) -> bool:
        """Whether a file is being imported; if so, the hint says it cannot stop."""
        if self._importing:
            self.query_one("#import-hint", Label).update(HINT_WHILE_IMPORTING)
        return self._importing


def _line(message: str, style: str = "") -> Text:
    """A line of the report: file names and cells may hold terminal escapes."""
    return Text(one_line(message), style)
