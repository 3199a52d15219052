"""The queue's filter field: an Input whose matches can be in the frame that shows its text."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input


class FilterField(Input):
    """An Input that hands its text to `show_at_once` as it changes, then posts Changed.

    Textual paints a changed field at its next frame, which comes before the field's
    Changed message reaches the screen: a list the screen updates then follows in a
    frame of its own, one frame interval (16 to 33 ms) later. The field handles its own
    message first, before that frame, so whatever `show_at_once` updates is painted with
    the text.
    """

    def __init__(self, show_at_once: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._show_at_once = show_at_once

    def on_input_changed(self, event: Input.Changed) -> None:
        # Keys typed faster than they are handled post a message each: only the last one,
        # with the text the field holds now, is worth showing.
        if event.value == self.value:
            self._show_at_once(event.value)
