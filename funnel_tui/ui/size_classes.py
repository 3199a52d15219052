"""The classes a screen gets for the terminal's size, which app.tcss lays screens out by.

Textual sets them from a screen's breakpoints on its first resize, after its first
frame; the app gives each screen them before (FunnelApp._give_size_classes).
"""

from __future__ import annotations

# From so many cells. Under 78 columns (-slim) the queue's 30 and the card's 48 no longer
# fit side by side.
WIDTH_CLASSES = [(0, "-slim"), (78, "-narrow"), (140, "-wide")]
HEIGHT_CLASSES = [(0, "-short"), (36, "-tall")]
# The tallest dialogs' (the prospect form's, Settings'): from 44 rows they fit whole, and
# below it their fields scroll in the height left above the hint.
ROOMY_HEIGHT_CLASSES = [*HEIGHT_CLASSES, (44, "-roomy")]


def size_class(cells: int, breakpoints: list[tuple[int, str]]) -> str:
    """The class of the largest breakpoint that `cells` reaches (as Textual picks it)."""
    return max((start, name) for start, name in breakpoints if cells >= start)[1]
