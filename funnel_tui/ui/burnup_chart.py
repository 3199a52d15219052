"""BurnUpChart: cumulative won per business day against the expected line, today marked."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from funnel_tui.burnup import BurnUp
from funnel_tui.charts import draw_burnup


class BurnUpChart(PlotextPlot):
    """The burn-up of the period on show; drawn by plotext to the widget's size."""

    DEFAULT_CSS = """
    BurnUpChart { height: 14; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.burnup: BurnUp | None = None

    def on_unmount(self) -> None:
        # PlotextPlot follows theme changes through a callback that holds the chart, kept
        # by the app's signal until the chart says it is gone: without this every pace
        # screen opened would stay in memory.
        self.app.theme_changed_signal.unsubscribe(self)

    def show(self, burnup: BurnUp, currency: str) -> None:
        """Draw `burnup` (replacing what was drawn) with money in `currency`."""
        self.burnup = burnup
        draw_burnup(self.plt, burnup, currency)
        self.refresh()
