"""A yes/no field of a dialog: space ticks it, enter does what enter does in the dialog."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.widgets import Checkbox


class Flag(Checkbox, inherit_bindings=False):
    """A checkbox that leaves enter to its dialog (saves the form, starts the import), as
    in every other field, and shows its X only when ticked: Textual's shows it either way,
    told apart by colour alone, which a monochrome terminal does not show."""

    # Space ticks the flag the key came to. As a binding it ticked whichever flag had the
    # focus once the key had come back up to the app: `space tab space` arriving together
    # ticked the second flag twice (the tab moving the focus in between).
    BINDINGS: ClassVar[list[BindingType]] = []

    def key_space(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.toggle()

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "
