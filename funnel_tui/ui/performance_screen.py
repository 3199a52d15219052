"""PerformanceScreen: the burn-up and the funnel, then the report's figures, the pipeline, and
which selling method and source convert."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from funnel_tui.burnup import NoTarget, PaceScreenFigures
from funnel_tui.charts import burnup_caption
from funnel_tui.pace import Pace
from funnel_tui.report import pace_table
from funnel_tui.store.errors import ConnectionLost
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.burnup_chart import BurnUpChart
from funnel_tui.ui.funnel_bars import FunnelBars
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

WAITING_FOR_THE_DATABASE = "The team database is out of reach: the figures follow once it is back."

if TYPE_CHECKING:
    from datetime import date

    from funnel_tui.ui.app import FunnelApp

PaceLoader = Callable[[], Awaitable[PaceScreenFigures]]


def funnel_steps(pace: Pace) -> tuple[tuple[str, int], ...]:
    """Leads worked -> reached -> meeting -> won over the window (PRODUCT 9b)."""
    figures = pace.figures
    if figures is None:
        return ()
    return (
        ("worked", figures.leads_worked),
        ("reached", figures.reached),
        ("meeting", figures.meeting_leads),
        ("won", figures.won_leads),
    )


class PerformanceScreen(AnswersOnce, StyledAsMounted, ModalScreen[None]):
    """The same table as `funnel report`, so the app and the command agree, under the
    burn-up chart and the funnel, with the pipeline by stage and by expected close.

    It opens at once, filled in when its figures' first read (`read`, begun before it
    opened) is done by then, else as soon as it is: conversion by method and source reads
    every call of the period. `load` reads them again, after the first read found the
    database out of reach.
    """

    DEFAULT_CSS = "PerformanceScreen { background: $background; }"
    # A priority binding runs as the key arrives, so that the keys typed after it are held
    # before they can reach this screen.
    BINDINGS = [Binding("escape,p,q", "close", "Close", priority=True)]

    @property
    def funnel(self) -> FunnelApp:
        return self.app  # type: ignore[return-value]

    def __init__(
        self,
        load: PaceLoader,
        currency: str,
        *,
        read: asyncio.Future[PaceScreenFigures] | None = None,
    ) -> None:
        super().__init__()
        self.load = load
        self.currency = currency
        self.pace: Pace | None = None
        self._read = read

    @property
    def burnup_chart(self) -> BurnUpChart:
        return self.query_one(BurnUpChart)

    @property
    def funnel_bars(self) -> FunnelBars:
        return self.query_one(FunnelBars)

    def compose(self) -> ComposeResult:
        # The figures scroll under the title; how to close stays in sight below them.
        with Vertical(id="performance-box", classes="dialog"):
            yield Label(
                "Quota, pace, pipeline and conversion",
                id="performance-title",
                classes="dialog-title",
            )
            with VerticalScroll(id="performance-body"):
                # Hidden until the figures are read: there is nothing to draw before.
                with Container(id="performance-charts"):
                    with Vertical(id="burnup-pane"):
                        yield Label(id="burnup-caption")
                        yield BurnUpChart(id="burnup-chart")
                    with Vertical(id="funnel-pane"):
                        yield Label(
                            Text.assemble(("Funnel  ", "bold"), ("leads in the period", "dim")),
                            id="funnel-title",
                        )
                        yield FunnelBars(id="funnel-bars")
                yield Static(Text("Reading the period's calls…", "italic"), id="performance-table")
            yield Label("esc closes", id="performance-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.funnel.day_turned_signal.subscribe(self, self._day_turned)
        self.query_one("#performance-charts").display = False
        read = self._read
        if read is not None and read.done() and not read.cancelled() and not read.exception():
            # Before the first frame.
            self._show(read.result())
        else:
            self._fill()

    def on_unmount(self) -> None:
        # The signal's callback holds the screen: kept until the signal is told it is gone,
        # every screen closed stayed in memory.
        self.funnel.day_turned_signal.unsubscribe(self)

    def _day_turned(self, _today: date) -> None:
        """Left open past midnight, the screen said `as of` the day before, with its
        figures: they are read again as of the new day."""
        self._read = None
        self._fill()

    @work(exclusive=True)
    async def _fill(self) -> None:
        table = self.query_one("#performance-table", Static)
        while True:
            first, self._read = self._read, None
            try:
                loaded = await (self.load() if first is None else first)
                break
            except ConnectionLost as error:
                # A team's database out of reach: the app says so; the figures follow
                # once it is back.
                self.funnel.say_out_of_reach(error)
                table.update(Text(WAITING_FOR_THE_DATABASE, "italic"))
                await self.funnel.back_in_reach()
        self._show(loaded)

    def _show(self, loaded: PaceScreenFigures) -> None:
        table = self.query_one("#performance-table", Static)
        if isinstance(loaded, NoTarget):
            said = (
                "No readable target covers today: funnel check lists the unreadable one;"
                " esc, then t, sets one."
                if loaded.unreadable
                else "No target covers today: esc, then t, sets one."
            )
            table.update(Text(said, "italic"))
            # The period just ended (midnight on the month's last day, the screen open) had
            # its charts left above the message.
            self.query_one("#performance-charts").display = False
            return
        self.pace, burnup = loaded
        self.query_one("#burnup-caption", Label).update(
            burnup_caption(self.pace, burnup, self.currency)
        )
        # A period without business days has no line to draw: its caption says all there is.
        self.burnup_chart.display = bool(burnup.days)
        self.burnup_chart.show(burnup, self.currency)
        self.funnel_bars.steps = funnel_steps(self.pace)
        self.query_one("#performance-charts").display = True
        table.update(pace_table(self.pace, self.currency, pipeline_detail=True))

    def action_close(self) -> None:
        # The keys typed right after the closing key are for the queue: held until this
        # screen is off the stack (on_screen_suspend), instead of landing in it as it closes.
        self.funnel.hold_keys()
        self.dismiss(None)

    def on_screen_suspend(self) -> None:
        self.funnel.release_keys()
