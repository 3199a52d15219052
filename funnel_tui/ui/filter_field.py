"""The queue's filter field: an Input whose matches can be in the frame that shows its text."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input


class FilterField(Input):
    """An Input that hands its text over as it changes, before Textual paints it.

    Textual paints a changed field at its next frame, which can come before the field's
    Changed message reaches the screen: what the screen updates for it then follows in
    a frame of its own, one frame interval (16 to 33 ms) later. So the field calls
    `typed` as its value changes (its watcher runs then, before anything else can), for
    what is quick to update for every key (the title); and `show_at_once` as it handles
    its own Changed message, right after the key when no other key is waiting, for the
    text's matches.
    """

    def __init__(
        self,
        *,
        typed: Callable[[str], None],
        show_at_once: Callable[[str], None],
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._typed = typed
        self._show_at_once = show_at_once

    def watch_value(self, value: str) -> None:
        self._typed(value)

    def on_input_changed(self, event: Input.Changed) -> None:
        # Keys typed faster than they are handled post a message each: only the last one,
        # with the text the field holds now, is worth showing.
        if event.value == self.value:
            self._show_at_once(event.value)

    def _on_paste(self, event: events.Paste) -> None:
        # Input drops a paste that would take the field past its length altogether: the
        # box stayed empty. The paste's first line is cut to the room left instead.
        line = event.text.splitlines()[0] if event.text else ""
        start, end = sorted(self.selection)
        room = self.max_length - (len(self.value) - (end - start)) if self.max_length else None
        if room is None or len(line) <= room:
            return  # Input's own handler pastes it
        self.app.bell()
        self.replace(line[: max(room, 0)], start, end)
        event.prevent_default()
        event.stop()
