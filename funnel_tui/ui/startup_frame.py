"""A screen that starts as cheaply as Textual allows: styled once, and not painted for a
frame Textual would throw away."""

from __future__ import annotations

from textual.screen import Screen

from funnel_tui.ui.styled_as_mounted import StyledAsMounted


class PaintedAfterStartup(StyledAsMounted, Screen[None]):
    """Styles its widgets once and paints its first frame once Textual's start-up is over.

    Textual composes and mounts an app with screen updates held (its start-up batch).
    A screen pushed then is laid out and painted inside the batch, and the painted frame
    is dropped before it reaches the terminal (`App._display`): at 100,000 prospects the
    main screen's first frame, its queue, card and script, took 35 to 55 ms to paint for
    nothing. This screen lays out as before (Textual sends the app `Ready` after the
    first layout) but leaves the painting to the first frame after the batch, which is
    the one the rep sees. Screens pushed later paint as Textual does.

    It is styled once as it is mounted (`StyledAsMounted`).
    """

    _painted_once = False

    def _compositor_refresh(self) -> None:
        if not self._painted_once and self.app._batch_count:
            # The app handles its messages once the batch is over: paint then.
            self.app.call_later(self.refresh)
            return
        self._painted_once = True
        super()._compositor_refresh()
