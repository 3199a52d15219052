"""UndoConfirm: asks before undoing a call that would be costly to lose by accident."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from funnel_tui.call_log import LastCall
from funnel_tui.money import format_money
from funnel_tui.text import one_line
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.formatting import moment_label
from funnel_tui.ui.key_hold import KeyHold
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp


def describe_call(call: LastCall, *, currency: str, now: datetime) -> Text:
    """`Won · Ann Archer · $39,800.00 · today 14:30`: what a rep recognises a call by."""
    parts = [call.outcome.spec.label, one_line(call.prospect_name)]
    if call.entry.amount_cents:
        parts.append(format_money(call.entry.amount_cents, currency))
    when = call.entry.started_at or call.logged_at
    if when:
        parts.append(moment_label(to_stored(when), now))
    return Text(" · ".join(parts), style="bold")


class UndoConfirm(AnswersOnce, StyledAsMounted, ModalScreen[bool]):
    """Returns True when the rep confirms the undo. Only `y` confirms: a held `u` or an
    enter typed ahead lands here and undoes nothing."""

    # Priority bindings, answered the moment the key arrives; a yes holds the keys typed
    # after it until the call is undone (the app's type-ahead), a no hands them on.
    BINDINGS = [
        Binding("y", "answer(True)", "Undo it", priority=True),
        Binding("n,escape", "answer(False)", "Keep it", priority=True),
    ]

    def __init__(self, call: Text, reasons: list[str]) -> None:
        super().__init__()
        self.call = call
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(id="undo-box", classes="dialog"):
            yield Label("Undo this call?", classes="dialog-title")
            yield Static(self.call, id="undo-call")
            yield Static(
                Text(f"Asked because {' and '.join(self.reasons)}.", "yellow"),
                id="undo-reasons",
            )
            yield Label("y undoes it · n or esc keeps it", classes="dialog-hint")

    def action_answer(self, confirmed: bool) -> None:
        if confirmed:
            funnel: FunnelApp = self.app  # type: ignore[assignment]
            funnel.hold_keys(KeyHold.UNDO)
        self.dismiss(confirmed)
