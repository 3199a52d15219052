"""NoteDialog: add a note to the prospect without logging a call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from funnel_tui.text import one_line
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED, DroppedKeys, once_caught_up
from funnel_tui.ui.discard_guard import CANCEL_BINDING, DiscardGuard
from funnel_tui.ui.slow_write import not_saved_text, waiting_said
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp

NoteSaver = Callable[[str], Awaitable[None]]


class NoteDialog(AnswersOnce, DiscardGuard, StyledAsMounted, ModalScreen[bool]):
    """One line of note; enter saves, escape cancels (asking first when a note is typed).
    Returns True once the note is saved; a failed save keeps the dialog open with the note
    and the reason."""

    CLOSED_UNSAVED = False

    AUTO_FOCUS = "#note-text"

    # Enter saves the moment it arrives, once the note has taken the keys typed before it;
    # the keys typed after it are held for the screen below (`n asked for pricing enter l`:
    # the l logs a call, it never joins the note).
    BINDINGS = [Binding("enter", "submit", "Save", show=False, priority=True), CANCEL_BINDING]

    def __init__(self, prospect_name: str, *, save: NoteSaver) -> None:
        super().__init__()
        self.prospect_name = prospect_name
        self.save_note = save
        # Why enter saved nothing, and whether the keys typed after it were dropped.
        self._not_saved_because = ""
        self._dropped_keys = DroppedKeys()

    @property
    def funnel(self) -> FunnelApp:
        return self.app  # type: ignore[return-value]

    @property
    def note_text(self) -> Input:
        return self.query_one("#note-text", Input)

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="dialog"):
            yield Label(
                Text.assemble("Note · ", (one_line(self.prospect_name), "bold")),
                classes="dialog-title",
            )
            yield Input(placeholder="what to remember about this prospect", id="note-text")
            yield Static(id="note-error", markup=False)
            yield Label("enter saves · esc cancels", id="note-hint", classes="dialog-hint")

    def action_submit(self) -> None:
        self.funnel.hold_keys()
        once_caught_up([self.note_text], self._submit)

    def _submit(self) -> None:
        body = self.note_text.value
        if not body.strip():
            self._not_saved("The note is empty.")
            return
        self._write(body)

    def _not_saved(self, reason: str) -> None:
        """Enter did not save: say why. The keys typed after enter were meant for what
        comes after the dialog: they are dropped, never typed into the note."""
        self._not_saved_because = reason
        self._say(reason)
        self._dropped_keys.drop_once_shown(
            self, lambda: self._say(f"{reason} · {KEYS_NOT_APPLIED}")
        )

    @on(Input.Changed, "#note-text")
    def _typed_again(self, event: Input.Changed) -> None:
        """Typing once the dropped keys were said: they are not dropped any more."""
        if self._dropped_keys.typed(event):
            self._say(self._not_saved_because)

    def _say(self, message: str) -> None:
        self.query_one("#note-error", Static).update(Text(message, "red"))

    @work(exclusive=True, group="save-note")
    async def _write(self, body: str) -> None:
        error_line = self.query_one("#note-error", Static)
        try:
            with waiting_said(self, error_line.update):
                await self.save_note(body)
        except Exception as error:  # a failed write keeps the dialog and the note
            self._not_saved(not_saved_text(error))
            return
        self.dismiss(True)
        # The dialog is off the stack: the keys typed after enter reach the screen below.
        self.funnel.release_keys()

    def has_changes(self) -> bool:
        return bool(self.note_text.value.strip())
