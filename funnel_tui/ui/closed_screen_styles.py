"""What Textual keeps drawn for a closed screen's widgets, let go once the screen closes.

Textual 8 memoises `StylesCache.get_inner_outer` with `functools.lru_cache` on the
method itself (textual#6665, open in 8.2.8), so the cache's keys keep up to 1,024
widgets' style caches alive, each with the lines it last drew, after the widgets are gone.
Every dialog the rep opens and closes (the prospect form, Settings) leaves a hundred or
more: tens of thousands of objects that Python's collector walks again and again. After
Settings was opened five times, `e` took 250 to 600 ms to show the form instead of 140.

The cache holds two colours per entry: clearing it costs the widgets still shown a
recomputation each on their next frame. It is cleared after the frame that shows the
screen below the closed one, so that freeing what it held delays no frame the rep waits
for.
"""

from __future__ import annotations

from textual._styles_cache import StylesCache
from textual.app import App
from textual.screen import Screen


def let_go_of_closed_screens(app: App[object]) -> None:
    """Clear the cache each time a screen of `app` closes."""
    depth = len(app.screen_stack)

    def screen_changed(_screen: Screen[object]) -> None:
        nonlocal depth
        if len(app.screen_stack) < depth:
            app.call_after_refresh(_clear)
        depth = len(app.screen_stack)

    # At once: by a later turn of the loop another screen may have opened in its place.
    app.screen_change_signal.subscribe(app, screen_changed, immediate=True)


def _clear() -> None:
    # A Textual that fixes textual#6665 may memoise no more: nothing to clear then.
    clear = getattr(StylesCache.get_inner_outer, "cache_clear", None)
    if clear is not None:
        clear()
