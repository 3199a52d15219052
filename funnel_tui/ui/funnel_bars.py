"""FunnelBars: leads worked -> reached -> meeting -> won, one bar each with its count."""

from __future__ import annotations

from fractions import Fraction

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from funnel_tui.money import round_half_up

# Each step's share of the step before it follows its bar, as `36%`.
RATE_CELLS = 5
GREW_NOTE = "* larger than the step before: it counts deals whose meeting came earlier"


class FunnelBars(Widget):
    """Horizontal bars scaled to the widest step, each with its count and the share of the
    step before it that made it this far (`*` and a note when it is larger)."""

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
        """Each step's line, then the note when a step grew, drawn for `width` cells."""
        steps, label_style = self.steps, self.label_style
        name_cells = max(len(name) for name, _ in steps)
        count_cells = max(len(f"{count:,}") for _, count in steps)
        room = max(1, width - name_cells - count_cells - RATE_CELLS - 3)
        widest = max(max(count for _, count in steps), 1)
        lines = []
        before: int | None = None
        grew = False
        for name, count in steps:
            cells = round(room * count / widest)
            # A step with anything in it shows at least a sliver of bar.
            bar = "█" * (cells or (1 if count else 0))
            rate = ""
            if before and count > before:
                rate, grew = "*", True
            elif before:
                rate = f"{round_half_up(Fraction(100 * count, before))}%"
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
            before = count
        if grew:
            # A deal of the period can follow a meeting booked before it: the later step
            # is then larger, and a rate over 100% would mean nothing.
            lines.append(Text(GREW_NOTE, label_style))
        return lines
