"""NoteDialog: add a note to the prospect without logging a call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from funnel_tui.text import one_line
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.discard_guard import CANCEL_BINDING, DiscardGuard
from funnel_tui.ui.slow_write import not_saved_text, waiting_said
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

NoteSaver = Callable[[str], Awaitable[None]]


class NoteDialog(AnswersOnce, DiscardGuard, StyledAsMounted, ModalScreen[bool]):
    """One line of note; enter saves, escape cancels (asking first when a note is typed).
    Returns True once the note is saved; a failed save keeps the dialog open with the note
    and the reason."""

    CLOSED_UNSAVED = False

    AUTO_FOCUS = "#note-text"

    BINDINGS = [CANCEL_BINDING]

    def __init__(self, prospect_name: str, *, save: NoteSaver) -> None:
        super().__init__()
        self.prospect_name = prospect_name
        self.save_note = save

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="dialog"):
            yield Label(
                Text.assemble("Note · ", (one_line(self.prospect_name), "bold")),
                classes="dialog-title",
            )
            yield Input(placeholder="what to remember about this prospect", id="note-text")
            yield Static(id="note-error", markup=False)
            yield Label("enter saves · esc cancels", id="note-hint", classes="dialog-hint")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#note-error", Static).update(Text("The note is empty.", "red"))
            return
        self._write(event.value)

    @work(exclusive=True, group="save-note")
    async def _write(self, body: str) -> None:
        error_line = self.query_one("#note-error", Static)
        try:
            with waiting_said(self, error_line.update):
                await self.save_note(body)
        except Exception as error:  # a failed write keeps the dialog and the note
            error_line.update(Text(not_saved_text(error), "red"))
            return
        self.dismiss(True)

    def has_changes(self) -> bool:
        return bool(self.query_one("#note-text", Input).value.strip())
