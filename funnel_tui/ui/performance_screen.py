"""PerformanceScreen: the report's figures and which selling method and source convert."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from funnel_tui.pace import Pace
from funnel_tui.report import pace_table


class PerformanceScreen(ModalScreen[None]):
    """The same table as `funnel report`, so the app and the command agree."""

    BINDINGS = [Binding("escape,p,q", "close", "Close")]

    def __init__(self, pace: Pace | None, currency: str) -> None:
        super().__init__()
        self.pace = pace
        self.currency = currency

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="performance-box", classes="dialog"):
            yield Label(
                "Quota, pace and conversion", id="performance-title", classes="dialog-title"
            )
            if self.pace is None:
                yield Static(Text("No target covers today: press t to set one.", "italic"))
            else:
                yield Static(pace_table(self.pace, self.currency), id="performance-table")
            yield Label("esc closes", id="performance-hint", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
