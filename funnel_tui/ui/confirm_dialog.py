"""ConfirmDialog: one yes/no question before something the rep may not mean to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp


class ConfirmDialog(AnswersOnce, StyledAsMounted, ModalScreen[bool]):
    """Returns True for yes (`y`, or enter unless `enter_says_yes` is off for a question
    that cannot be taken back), False for no (`n` or escape).

    A yes holds the keys typed after it (the app's type-ahead): whoever asked releases
    them once it has acted, so they reach what the yes opened, not the screen below.
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", priority=True),
        Binding("enter", "enter", "Yes", show=False, priority=True),
        Binding("n,escape", "answer(False)", "No", priority=True),
    ]

    def __init__(self, question: Text, *, yes: str, enter_says_yes: bool = True) -> None:
        """`yes` says what a yes does ("quit", "log it")."""
        super().__init__()
        self.question = question
        self.yes = yes
        self.enter_says_yes = enter_says_yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Label(self.question, id="confirm-question", classes="dialog-title")
            yield Label(self._hint(), id="confirm-hint", classes="dialog-hint")

    def _hint(self) -> str:
        yes_keys = "y or enter" if self.enter_says_yes else "y"
        return f"{yes_keys}: {self.yes} · n or esc: no"

    def say_keys_dropped(self) -> None:
        """Say that the keys typed before the question showed were not taken as its answer."""
        self.query_one("#confirm-hint", Label).update(f"{KEYS_NOT_APPLIED} · {self._hint()}")

    def action_enter(self) -> None:
        if self.enter_says_yes:
            self.action_answer(True)
        else:
            self.app.bell()

    def action_answer(self, yes: bool) -> None:
        if yes:
            funnel: FunnelApp = self.app  # type: ignore[assignment]
            funnel.hold_keys()
        self.dismiss(yes)
