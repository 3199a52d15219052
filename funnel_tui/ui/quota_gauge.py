"""QuotaGauge: the period's target, what is won, where the rep should be today, and the pace."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from funnel_tui.money import format_money
from funnel_tui.pace import Pace

STATUS_WORDS = {"ahead": "AHEAD", "on_track": "ON TRACK", "behind": "BEHIND"}
MIN_BAR = 10
MAX_BAR = 60
# From this width the gauge spells every figure out; narrower, it abbreviates.
WIDE = 130


def bar_cells(pace: Pace, width: int) -> tuple[int, int]:
    """How many of `width` cells are won, and the cell of the expected-by-today marker."""
    if pace.target_cents <= 0:
        return width, width - 1
    won = min(width, round(width * pace.won_cents / pace.target_cents))
    marker = min(width - 1, round(width * pace.expected_to_date_cents / pace.target_cents))
    return won, marker


class QuotaGauge(Widget):
    """Two lines: the figures, then the bar with the marker for where the rep should be."""

    COMPONENT_CLASSES = {
        "quota-gauge--ahead",
        "quota-gauge--on_track",
        "quota-gauge--behind",
        "quota-gauge--bar-won",
        "quota-gauge--bar-empty",
        "quota-gauge--marker",
        "quota-gauge--label",
    }

    pace: reactive[Pace | None] = reactive(None)
    """The figures on show; None when no target covers today."""

    currency: reactive[str] = reactive("$")
    """The currency symbol from the settings."""

    call_timer: reactive[str] = reactive("")
    """The running call's elapsed time, empty when no call is running."""

    def render(self) -> Text:
        pace = self.pace
        label = self.get_component_rich_style("quota-gauge--label", partial=True)
        if pace is None:
            text = Text.assemble(
                ("No target for this period. ", "bold"),
                "Set one with ",
                ("funnel target set 50000 --period month", label),
                " or press t.",
            )
            return self._with_timer(text)
        money = lambda cents: format_money(cents, self.currency, whole=True)  # noqa: E731
        status = self.get_component_rich_style(f"quota-gauge--{pace.status}", partial=True)
        gap_sign = "+" if pace.pace_gap_cents >= 0 else "-"
        wide = self.size.width >= WIDE
        figures = Text.assemble(
            (pace.period_name, "bold"),
            ("  target " if wide else "  ", label),
            money(pace.target_cents) if wide else "",
            ("  won " if wide else "", label),
            (money(pace.won_cents), "bold"),
            "" if wide else f"/{money(pace.target_cents)}",
            f" ({pace.attainment:.0%})  ",
            (STATUS_WORDS[pace.status], status),
            ("  gap ", label),
            f"{gap_sign}{money(abs(pace.pace_gap_cents))}",
            ("  need ", label),
            f"{money(pace.needed_per_day_cents)}/day",
            ("  projection " if wide else "  proj. ", label),
            money(pace.projection_cents),
            ("  calls today " if wide else "  calls ", label),
            f"{pace.calls_today}/{pace.calls_per_day}",
        )
        width = max(MIN_BAR, min(MAX_BAR, self.size.width - 30))
        won_cells, marker = bar_cells(pace, width)
        bar = Text()
        won_style = self.get_component_rich_style("quota-gauge--bar-won", partial=True)
        empty_style = self.get_component_rich_style("quota-gauge--bar-empty", partial=True)
        marker_style = self.get_component_rich_style("quota-gauge--marker", partial=True)
        for cell in range(width):
            if cell == marker:
                bar.append("┃", marker_style)
            else:
                bar.append("━", won_style if cell < won_cells else empty_style)
        if pace.skipped:
            # Before the legend, which a narrow terminal cuts off first.
            bar.append(f"  {pace.skipped} unreadable left out (funnel check)", status)
        bar.append(f"  ┃ = where you should be today ({money(pace.expected_to_date_cents)})", label)
        bar.append(
            f"  · {pace.remaining_business_days} of {pace.business_days} business days left", label
        )
        return self._with_timer(Text("\n").join([figures, bar]))

    def _with_timer(self, text: Text) -> Text:
        if not self.call_timer:
            return text
        return Text.assemble(text, ("   ● on call ", "bold"), (self.call_timer, "bold"))
