"""MethodPicker: choose the selling method for a prospect, with a line on when each fits."""

from __future__ import annotations

from string import ascii_lowercase

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from funnel_tui.scripts import CallScript
from funnel_tui.text import one_line
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.readable_options import ReadableOptionList
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

# A digit picks the method at that place in the list: the five built-ins and a few more.
DIGIT_KEYS = "123456789"


def method_letters(methods: list[CallScript]) -> dict[str, str]:
    """A letter for each method that picks it: the first letter of its name that no method
    before it took (`s` Solution Selling, `v` Value Proposition, `c` Conceptual, `b`
    Benefits, `i` Inbound); a method whose name has no free letter gets none."""
    letters: dict[str, str] = {}
    for script in methods:
        free = (c for c in one_line(script.name).lower() if c in ascii_lowercase)
        letter = next((c for c in free if c not in letters.values()), None)
        if letter is not None:
            letters[script.method] = letter
    return letters


class MethodPicker(AnswersOnce, StyledAsMounted, ModalScreen[str | None]):
    """The known methods (built-in and added), each with when it fits; the one that
    usually fits this prospect is marked. Enter, a digit or the method's letter picks,
    escape cancels."""

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
        self.letters = method_letters(methods)
        self._method_of_letter = {letter: method for method, letter in self.letters.items()}

    def compose(self) -> ComposeResult:
        with Vertical(id="method-box", classes="dialog"):
            yield Label(
                "Selling method for this prospect", id="method-title", classes="dialog-title"
            )
            yield ReadableOptionList(
                *(self._option(number, script) for number, script in enumerate(self.methods)),
                id="method-list",
            )
            digits = f"1-{DIGIT_KEYS[min(len(self.methods), len(DIGIT_KEYS)) - 1]}"
            yield Label(
                f"{digits}, the letter or enter picks · esc cancels",
                id="method-hint",
                classes="dialog-hint",
            )

    def _option(self, number: int, script: CallScript) -> Option:
        marker = "● " if script.method == self.current else "  "
        digit = f"{DIGIT_KEYS[number]} " if number < len(DIGIT_KEYS) else "  "
        letter = self.letters.get(script.method, " ")
        prompt = Content.assemble(
            marker, digit, (letter, "bold $accent"), "  ", (one_line(script.name), "bold")
        )
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

    def on_key(self, event: events.Key) -> None:
        method = self._method_of_letter.get(event.character or "")
        if method is not None:
            event.stop()
            self.dismiss(method)

    def action_pick(self, number: int) -> None:
        if number < len(self.methods):
            self.dismiss(self.methods[number].method)

    def action_cancel(self) -> None:
        self.dismiss(None)
