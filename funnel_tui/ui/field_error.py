"""Why a field's value is refused, under the field, kept in view as it is shown."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static


class FieldError(Static):
    """An error under a field (or a warning: the prospect form's phone number). Shown, it
    keeps itself in view: it takes its wrapped height a few frames after its text, and
    until then scrolling to it left the last line below the list's edge. With
    `follows_focus`, it does so only while focus is on its field (in the same parent): of
    a form's several errors, the one the rep is at."""

    def __init__(self, *, follows_focus: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._follows_focus = follows_focus

    def on_resize(self) -> None:
        if not self.display:
            return
        focused = self.screen.focused
        if self._follows_focus and (focused is None or self.parent not in focused.ancestors):
            return
        self.scroll_visible(animate=False)
