"""PerformanceScreen: the burn-up and the funnel, then the report's figures, the pipeline, and
which selling method and source convert."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from funnel_tui.burnup import BurnUp
from funnel_tui.charts import burnup_caption
from funnel_tui.pace import Pace
from funnel_tui.report import pace_table
from funnel_tui.ui.burnup_chart import BurnUpChart

PaceLoader = Callable[[], Awaitable[tuple[Pace, BurnUp] | None]]


class PerformanceScreen(ModalScreen[None]):
    """The same table as `funnel report`, so the app and the command agree, under the
    burn-up chart, with the pipeline by stage and by expected close.

    It opens at once and fills in when the figures are read: conversion by method and
    source reads every call of the period.
    """

    BINDINGS = [Binding("escape,p,q", "close", "Close")]

    def __init__(self, load: PaceLoader, currency: str) -> None:
        super().__init__()
        self.load = load
        self.currency = currency
        self.pace: Pace | None = None

    @property
    def burnup_chart(self) -> BurnUpChart:
        return self.query_one(BurnUpChart)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="performance-box", classes="dialog"):
            yield Label(
                "Quota, pace, pipeline and conversion",
                id="performance-title",
                classes="dialog-title",
            )
            yield Label(id="burnup-caption")
            yield BurnUpChart(id="burnup-chart")
            yield Static(Text("Reading the period's calls…", "italic"), id="performance-table")
            yield Label("esc closes", id="performance-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        # Nothing to draw until the figures are read.
        self.query_one("#burnup-caption").display = False
        self.burnup_chart.display = False
        self._fill()

    @work(exclusive=True)
    async def _fill(self) -> None:
        loaded = await self.load()
        table = self.query_one("#performance-table", Static)
        if loaded is None:
            table.update(Text("No target covers today: press t to set one.", "italic"))
            return
        self.pace, burnup = loaded
        caption = self.query_one("#burnup-caption", Label)
        caption.update(burnup_caption(self.pace, burnup, self.currency))
        caption.display = True
        if burnup.days:
            self.burnup_chart.show(burnup, self.currency)
            self.burnup_chart.display = True
        table.update(pace_table(self.pace, self.currency, pipeline_detail=True))

    def action_close(self) -> None:
        self.dismiss(None)
