"""A screen styled and laid out once as it opens: not a second time when Textual first
shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.geometry import Size

if TYPE_CHECKING:
    from textual.screen import Screen

    _Base = Screen
else:
    _Base = object


class StyledAsMounted(_Base):
    """A screen mixin: the first `ScreenResume` leaves the styles as they are.

    Textual styles each widget as it is mounted, then sends the new screen `ScreenResume`,
    which styles every widget of the screen again. Nothing has changed in between: a
    class, focus or `disabled` that changes restyles what it touches at once, and a
    widget's own CSS is scoped to it and what it holds, so it is read before any widget
    it can style is mounted. For a dialog of a few hundred widgets (Settings, the
    prospect form) the second pass was a fifth of its opening. Later resumes (a dialog
    above it closed) are Textual's own.

    Nor is it laid out again at the size it has. Textual lays a new screen out as it
    resumes; that layout sends the screen, newly shown, a `Resize` to the same size, which
    laid every widget out once more: for the prospect form 45 to 65 ms of a 140 to 200 ms
    opening. A real change of size (the terminal resized) lays it out as before.
    """

    _resumed_once = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed_once:
            self._resumed_once = True
            event.refresh_styles = False

    def _screen_resized(self, size: Size) -> None:
        if size != self._size:
            super()._screen_resized(size)
