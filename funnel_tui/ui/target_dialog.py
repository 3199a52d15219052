"""TargetDialog: set the sales target for the period containing today."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from funnel_tui.domain import PERIOD_KINDS
from funnel_tui.money import AmountError, format_money, parse_amount
from funnel_tui.settings import MAX_CALLS_PER_DAY
from funnel_tui.storage import describe_error


@dataclass(frozen=True)
class TargetEntry:
    """A checked target, ready to store."""

    amount_cents: int
    period: str
    calls_per_day: int | None


TargetSaver = Callable[[TargetEntry], Awaitable[str]]


def check_target(amount: str, period: str, calls_per_day: str) -> TargetEntry:
    """Validate the dialog's fields; raises ValueError with one readable line."""
    cents = parse_amount(amount)
    if cents <= 0:
        raise AmountError(amount, "a target must be more than zero")
    return TargetEntry(cents, period, _calls_per_day(calls_per_day.strip()))


def _calls_per_day(text: str) -> int | None:
    """The daily call goal typed, or None for an empty field; raises ValueError."""
    if not text:
        return None
    # ASCII digits only (`int` refuses `²`), and few enough for `int` to read.
    significant = text.lstrip("0") or "0"
    if (
        text.isascii()
        and text.isdigit()
        and len(significant) <= len(str(MAX_CALLS_PER_DAY))
        and (calls := int(significant)) <= MAX_CALLS_PER_DAY
    ):
        return calls
    raise ValueError(f"calls per day is a whole number from 0 to {MAX_CALLS_PER_DAY}, not {text!r}")


class TargetDialog(ModalScreen[str | None]):
    """Amount, period and daily call goal; enter saves, escape cancels."""

    # The amount has focus the moment the dialog is up, so the keys typed while it opened
    # land there.
    AUTO_FOCUS = "#target-amount"

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, *, currency: str, save: TargetSaver, current: dict[str, Any] | None = None
    ) -> None:
        """`current` is the stored target of the period containing today, shown to change."""
        super().__init__()
        self.currency = currency
        self.save_target = save
        self.current = current or {}
        self.refused = False
        """Whether a save was refused: from then on the error follows what is typed."""

    def compose(self) -> ComposeResult:
        with Vertical(id="target-box", classes="dialog"):
            yield Label(
                "Sales target for the period containing today",
                id="target-title",
                classes="dialog-title",
            )
            amount = self.current.get("amount_cents")
            calls = self.current.get("calls_per_day")
            yield Input(
                # No currency symbol: one that ends in a letter (CHF) would not read back.
                format_money(amount, "") if amount else "",
                placeholder="amount, e.g. 60000 or 60k",
                id="target-amount",
            )
            yield Static(id="target-check", markup=False)
            yield Select(
                [(kind, kind) for kind in PERIOD_KINDS],
                value=self.current.get("period", "month"),
                allow_blank=False,
                id="target-period",
            )
            yield Input(
                str(calls) if calls is not None else "",
                placeholder="calls per day (optional)",
                id="target-calls",
            )
            yield Static(id="target-error", markup=False)
            yield Label("enter saves · esc cancels", id="target-hint", classes="dialog-hint")

    @on(Input.Changed, "#target-amount")
    def _check_amount(self, event: Input.Changed) -> None:
        check = self.query_one("#target-check", Static)
        if not event.value.strip():
            check.update("")
            return
        try:
            check.update(Text("→ " + format_money(parse_amount(event.value), self.currency)))
        except AmountError as error:
            check.update(Text(str(error), "red"))

    def _checked(self) -> TargetEntry:
        return check_target(
            self.query_one("#target-amount", Input).value,
            str(self.query_one("#target-period", Select).value),
            self.query_one("#target-calls", Input).value,
        )

    def _show_error(self, message: str) -> None:
        self.query_one("#target-error", Static).update(Text(message, "bold red"))

    @on(Input.Changed)
    @on(Select.Changed)
    def _recheck(self) -> None:
        # The message goes once the fields are fixed (and changes if another one is wrong).
        if not self.refused:
            return
        try:
            self._checked()
        except ValueError as error:
            self._show_error(str(error))
        else:
            self.refused = False
            self._show_error("")

    @on(Input.Submitted)
    def _submit(self) -> None:
        try:
            entry = self._checked()
        except ValueError as error:
            self.refused = True
            self._show_error(str(error))
            return
        self._write(entry)

    @work(exclusive=True, group="save-target")
    async def _write(self, entry: TargetEntry) -> None:
        try:
            summary = await self.save_target(entry)
        except Exception as error:  # a failed write keeps the dialog and what was typed
            self.query_one("#target-error", Static).update(
                Text(f"Not saved: {describe_error(error)} (enter tries again)", "red")
            )
            return
        self.dismiss(summary)

    def action_cancel(self) -> None:
        self.dismiss(None)
