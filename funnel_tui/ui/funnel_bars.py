"""FunnelBars: leads worked -> reached -> meeting -> won, one bar each with its count."""

from __future__ import annotations

from fractions import Fraction

from rich.text import Text
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

    def render(self) -> Text:
        if not self.steps:
            return Text()
        label_style = self.get_component_rich_style("funnel-bars--label", partial=True)
        bar_style = self.get_component_rich_style("funnel-bars--bar", partial=True)
        name_cells = max(len(name) for name, _ in self.steps)
        count_cells = max(len(f"{count:,}") for _, count in self.steps)
        room = max(1, self.size.width - name_cells - count_cells - RATE_CELLS - 3)
        widest = max(max(count for _, count in self.steps), 1)
        lines = []
        before: int | None = None
        grew = False
        for name, count in self.steps:
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
                    (bar, bar_style),
                    " " if bar else "",
                    (rate, label_style),
                )
            )
            before = count
        if grew:
            # A deal of the period can follow a meeting booked before it: the later step
            # is then larger, and a rate over 100% would mean nothing.
            lines.append(Text(GREW_NOTE, label_style))
        return Text("\n").join(lines)
