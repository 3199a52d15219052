"""MethodPicker: choose the selling method for a prospect."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from funnel_tui.text import one_line


class MethodPicker(ModalScreen[str | None]):
    """A list of the known methods (built-in and added); enter picks, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, methods: dict[str, str], current: str) -> None:
        super().__init__()
        self.methods = methods
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="method-box", classes="dialog"):
            yield Label(
                "Selling method for this prospect", id="method-title", classes="dialog-title"
            )
            yield OptionList(
                *(
                    Option(("● " if value == self.current else "  ") + one_line(name), id=value)
                    for value, name in self.methods.items()
                ),
                id="method-list",
            )
            yield Label("enter picks · esc cancels", id="method-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.methods:
            options.highlighted = options.get_option_index(self.current)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
