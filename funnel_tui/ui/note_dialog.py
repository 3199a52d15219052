"""NoteDialog: add a note to the prospect without logging a call."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from funnel_tui.text import one_line


class NoteDialog(ModalScreen[str | None]):
    """One line of note; enter saves, escape cancels."""

    AUTO_FOCUS = "#note-text"

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, prospect_name: str) -> None:
        super().__init__()
        self.prospect_name = prospect_name

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
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
