"""A yes/no field of a dialog: space ticks it, enter does what enter does in the dialog."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Checkbox


class Flag(Checkbox, inherit_bindings=False):
    """A checkbox that leaves enter to its dialog (saves the form, starts the import), as
    in every other field, and shows its X only when ticked: Textual's shows it either way,
    told apart by colour alone, which a monochrome terminal does not show."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "
