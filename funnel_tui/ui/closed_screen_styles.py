"""What Textual keeps drawn for a closed screen's widgets, let go when the screen changes.

Textual 8 memoises `StylesCache.get_inner_outer` with `functools.lru_cache` on the
method itself (textual#6665, open in 8.2.8), so the cache's keys keep up to 1,024
widgets' style caches alive, each with the lines it last drew, after the widgets are gone.
Every dialog the rep opens and closes (the prospect form, Settings) leaves a hundred or
more: tens of thousands of objects that Python's collector walks again and again. After
Settings was opened five times, `e` took 250 to 600 ms to show the form instead of 140.

The cache holds two colours per entry: clearing it costs the widgets still shown a
recomputation each on their next frame.
"""

from __future__ import annotations

from textual._styles_cache import StylesCache
from textual.screen import Screen


def let_go_of_closed_screens(_screen: Screen) -> None:
    """For `App.screen_change_signal`: drop the style caches of widgets no longer shown."""
    StylesCache.get_inner_outer.cache_clear()
