"""FunnelBars: leads worked -> reached -> meeting -> won, one bar each with its count and
its share of the leads worked."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from funnel_tui.money import percent_text

# Each step's share of the first (the leads worked) follows its bar, as `36%`: every step
# is some of those leads, where a step need not be some of the one before it (a deal won
# without a meeting in the period), so a share of the step before read as a conversion
# that did not happen.
RATE_CELLS = 5
RATE_NOTE = "% of the leads worked"
GREW_NOTE = "* more than the leads worked: it counts deals no call of the period won"


class FunnelBars(Widget):
    """Horizontal bars scaled to the widest step, each with its count and its share of the
    first step (`*` and a note when it is larger), and a line saying so."""

    DEFAULT_CSS = """
    FunnelBars { height: auto; }
    FunnelBars > .funnel-bars--bar { color: $success; }
    FunnelBars > .funnel-bars--label { color: $text-muted; }
    """

    COMPONENT_CLASSES = {"funnel-bars--bar", "funnel-bars--label"}

    steps: reactive[tuple[tuple[str, int], ...]] = reactive((), layout=True)
    """(name, count) from the widest step to the narrowest."""

    def render(self) -> BarsAtWidth:
        return BarsAtWidth(
            self.steps,
            bar_style=self.get_component_rich_style("funnel-bars--bar", partial=True),
            label_style=self.get_component_rich_style("funnel-bars--label", partial=True),
        )

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The lines at the width given, each wrapped as it will be drawn (Textual's own
        # measure renders the widget, which asked the screen for its place mid-layout).
        if not self.steps:
            return 0
        lines = self.render().lines(width)
        return sum(len(line.wrap(self.app.console, width)) for line in lines)


class BarsAtWidth:
    """The bars drawn to the width they are given: Textual gives the widget's own as it
    draws it, so nothing asks the screen where the widget is."""

    def __init__(
        self, steps: tuple[tuple[str, int], ...], *, bar_style: Style, label_style: Style
    ) -> None:
        self.steps = steps
        self.bar_style = bar_style
        self.label_style = label_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.steps:
            yield Text("\n").join(self.lines(options.max_width))

    def lines(self, width: int) -> list[Text]:
        """Each step's line, then the note of what the shares are of (and when a step is
        larger than the first, why), drawn for `width` cells."""
        steps, label_style = self.steps, self.label_style
        name_cells = max(len(name) for name, _ in steps)
        count_cells = max(len(f"{count:,}") for _, count in steps)
        room = max(1, width - name_cells - count_cells - RATE_CELLS - 3)
        widest = max(max(count for _, count in steps), 1)
        lines = []
        first: int | None = None
        grew = False
        for name, count in steps:
            cells = round(room * count / widest)
            # A step with anything in it shows at least a sliver of bar.
            bar = "█" * (cells or (1 if count else 0))
            rate = ""
            if first and count > first:
                rate, grew = "*", True
            elif first:
                rate = percent_text(count, first)
            lines.append(
                Text.assemble(
                    (name.ljust(name_cells), label_style),
                    " ",
                    f"{count:,}".rjust(count_cells),
                    " ",
                    (bar, self.bar_style),
                    " " if bar else "",
                    (rate, label_style),
                )
            )
            first = count if first is None else first
        if len(steps) > 1:
            lines.append(Text(RATE_NOTE, label_style))
        if grew:
            # A deal another tool wrote, with no call of the period: a share over 100%
            # would mean nothing.
            lines.append(Text(GREW_NOTE, label_style))
        return lines
