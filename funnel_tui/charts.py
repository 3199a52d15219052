"""The burn-up drawn with plotext, the same way on the pace screen and in `funnel report`.

Kept free of Textual: the pace screen hands in the figure of its textual-plotext widget,
the report the plotext module itself; both answer the same calls.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text

from funnel_tui.burnup import BurnUp
from funnel_tui.money import format_money, money_short_of
from funnel_tui.pace import Pace

WON_COLOR = "green"
EXPECTED_COLOR = "blue"
TODAY_COLOR = "magenta"
# The two lines differ by shape as well as colour: the legend tells them apart without
# colour (NO_COLOR, a printout), and where they cross, the dots show which one is planned.
WON_MARKER = "braille"
EXPECTED_MARKER = "·"
# Fewest and most labelled ticks on each axis: more would run into each other.
MAX_DAY_TICKS = 5
MAX_MONEY_TICKS = 4


def day_label(day: date) -> str:
    """`Nov 2`: short enough for five of them under an 80-column chart."""
    return f"{day:%b} {day.day}"


def compact_money(cents: int, currency: str) -> str:
    """`$20k`, `$1.5M`, `$800`: an axis label, where the exact cents would crowd the chart."""
    units = cents / 100
    prefix = f"{currency} " if currency[-1:].isalpha() else currency
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if units >= size:
            return f"{prefix}{units / size:g}{suffix}"
    return f"{prefix}{units:g}"


def money_step(top_cents: int) -> int:
    """A round step (1, 2 or 5 times a power of ten, in whole currency units) that splits
    0..top_cents into at most MAX_MONEY_TICKS - 1 parts."""
    step = 100
    while True:
        for factor in (1, 2, 5):
            if top_cents <= step * factor * (MAX_MONEY_TICKS - 1):
                return step * factor
        step *= 10


def day_ticks(days: tuple[date, ...]) -> tuple[list[int], list[str]]:
    """Positions (1-based business-day numbers) and labels, evenly spread, first and last
    days included."""
    if not days:
        return [], []
    count = min(MAX_DAY_TICKS, len(days))
    if count == 1:
        positions = [0]
    else:
        positions = sorted({round(i * (len(days) - 1) / (count - 1)) for i in range(count)})
    return [p + 1 for p in positions], [day_label(days[p]) for p in positions]


def draw_burnup(figure: Any, burnup: BurnUp, currency: str) -> None:
    """Plot the expected line, the won line up to the as-of date and a vertical line at it.

    `figure` is the plotext module or a textual-plotext figure (PlotextPlot.plt); it is
    cleared first, so drawing again after a change leaves nothing of the last drawing.
    """
    figure.clear_data()
    if not burnup.days:
        return
    positions = list(range(1, len(burnup.days) + 1))
    won = [cents for cents in burnup.won_cents if cents is not None]
    top = max([*burnup.expected_cents, *won, 1])
    step = money_step(top)
    ticks = list(range(0, top + step, step))
    figure.plot(
        positions,
        [cents / 100 for cents in burnup.expected_cents],
        label="expected",
        color=EXPECTED_COLOR,
        marker=EXPECTED_MARKER,
    )
    if won:
        figure.plot(
            positions[: len(won)],
            [cents / 100 for cents in won],
            label="won",
            color=WON_COLOR,
            marker=WON_MARKER,
        )
    if burnup.today_index is not None:
        figure.vline(burnup.today_index + 1, TODAY_COLOR)
    figure.xlim(1, max(len(positions), 2))
    figure.ylim(0, ticks[-1] / 100)
    figure.xticks(*day_ticks(burnup.days))
    figure.yticks([tick / 100 for tick in ticks], [compact_money(tick, currency) for tick in ticks])


def burnup_caption(pace: Pace, burnup: BurnUp, currency: str) -> Text:
    """The chart's legend in words: what is won, what was expected by today, and the day
    the vertical line marks."""
    money = lambda cents: format_money(cents, currency, whole=True)  # noqa: E731
    caption = Text.assemble(
        ("Burn-up  ", "bold"),
        ("won ", WON_COLOR),
        f"{money_short_of(pace.won_cents, pace.target_cents, currency)} of"
        f" {money(pace.target_cents)}  ",
        ("expected ", EXPECTED_COLOR),
        f"{money(pace.expected_to_date_cents)} by today",
    )
    if burnup.today_index is not None:
        caption.append_text(
            Text.assemble("  ", ("│ ", TODAY_COLOR), day_label(burnup.days[burnup.today_index]))
        )
    return caption
