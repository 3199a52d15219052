"""MethodPicker: choose the selling method for a prospect, with a line on when each fits."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from funnel_tui.scripts import CallScript
from funnel_tui.text import one_line

# A digit picks the method at that place in the list: the five built-ins and a few more.
DIGIT_KEYS = "123456789"


class MethodPicker(ModalScreen[str | None]):
    """The known methods (built-in and added), each with when it fits; the one that
    usually fits this prospect is marked. Enter or a digit picks, escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *(
            Binding(digit, f"pick({number})", f"Method {digit}", show=False)
            for number, digit in enumerate(DIGIT_KEYS)
        ),
    ]

    def __init__(self, methods: list[CallScript], current: str, suggested: str) -> None:
        super().__init__()
        self.methods = methods
        self.current = current
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(id="method-box", classes="dialog"):
            yield Label(
                "Selling method for this prospect", id="method-title", classes="dialog-title"
            )
            yield OptionList(
                *(self._option(number, script) for number, script in enumerate(self.methods)),
                id="method-list",
            )
            yield Label("1-9 or enter picks · esc cancels", id="method-hint", classes="dialog-hint")

    def _option(self, number: int, script: CallScript) -> Option:
        marker = "● " if script.method == self.current else "  "
        digit = f"{DIGIT_KEYS[number]} " if number < len(DIGIT_KEYS) else "  "
        prompt = Content.assemble(marker, digit, (one_line(script.name), "bold"))
        if script.method == self.suggested:
            prompt += Content.styled(" (suggested)", "$accent")
        if script.fits:
            prompt += Content.assemble("\n    ", (one_line(script.fits), "dim"))
        return Option(prompt, id=script.method)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        methods = [script.method for script in self.methods]
        if self.current in methods:
            options.highlighted = methods.index(self.current)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, number: int) -> None:
        if number < len(self.methods):
            self.dismiss(self.methods[number].method)

    def action_cancel(self) -> None:
        self.dismiss(None)
