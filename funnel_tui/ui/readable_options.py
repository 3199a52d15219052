"""ReadableOptionList: an OptionList whose highlighted option reads in the cursor's own
colour, as a whole. An option that colours a part of itself (a task's lateness in red, a
template's description dimmed) would have that part vanish on the cursor's background;
bold, italic and underline stay, so the part still stands out."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import OptionList


class ReadableOptionList(OptionList):
    """An OptionList whose highlighted option takes the cursor's foreground in every cell."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        # OptionList's own map of its lines to their options (Textual 8.2.8 keeps it in
        # `_lines`; tests/test_legibility.py fails if that changes).
        try:
            option_index, _ = self._lines[self.scroll_offset.y + y]
        except IndexError:
            return strip
        if option_index != self.highlighted or self.options[option_index].disabled:
            return strip
        cursor = self.get_visual_style(
            "option-list--option", "option-list--option-highlighted"
        ).rich_style
        recolour = Style(color=cursor.color, dim=False)
        return Strip(
            [
                Segment(text, (style or Style()) + recolour, control)
                for text, style, control in strip
            ],
            strip.cell_length,
        )
