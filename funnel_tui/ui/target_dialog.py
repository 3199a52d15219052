"""TargetDialog: set the sales target for the period containing today, named in its title."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static

from funnel_tui.domain import PERIOD_KINDS
from funnel_tui.money import AmountError, format_money, parse_amount
from funnel_tui.periods import period_bounds, period_name
from funnel_tui.settings import MAX_CALLS_PER_DAY
from funnel_tui.text import quoted
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED, DroppedKeys, once_caught_up
from funnel_tui.ui.discard_guard import CANCEL_BINDING, DiscardGuard, open_select_around
from funnel_tui.ui.slow_write import not_saved_text, waiting_said
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp


@dataclass(frozen=True)
class TargetEntry:
    """A checked target, ready to store."""

    amount_cents: int
    period: str
    calls_per_day: int | None
    today: date
    """A day of the period the target is for: the one its dialog named."""


TargetSaver = Callable[[TargetEntry], Awaitable[str]]


def check_amount(amount: str, currency: str) -> int:
    """The target in cents, in the book's `currency`; raises AmountError with one readable
    line."""
    cents = parse_amount(amount, currency)
    if cents <= 0:
        raise AmountError(amount, "a target must be more than zero", currency)
    return cents


def check_calls_per_day(calls_per_day: str) -> int | None:
    """The daily call goal, None when left empty; raises ValueError with one readable line."""
    text = calls_per_day.strip()
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
    raise ValueError(
        f"calls per day is a whole number from 0 to {MAX_CALLS_PER_DAY}, not {quoted(text)}"
    )


class TargetDialog(AnswersOnce, DiscardGuard, StyledAsMounted, ModalScreen[str | None]):
    """Amount, period and daily call goal; enter saves, escape cancels.

    Each field's problem shows once, under it, and follows what is typed there."""

    # The amount has focus the moment the dialog is up, so the keys typed while it opened
    # land there.
    AUTO_FOCUS = "#target-amount"

    # Enter saves the moment it arrives, once the fields have taken the keys typed before
    # it; the keys typed after it are held for the screen below (`t 60k enter p`: the p
    # opens the pace screen, it never joins the amount).
    BINDINGS = [
        Binding("enter", "submit", "Save", show=False, priority=True),
        # In the open period list, the arrows move as they arrive: a key that waited its
        # turn behind the list's other keys moved it after enter had picked.
        Binding("down", "move_in_period_list(1)", show=False, priority=True),
        Binding("up", "move_in_period_list(-1)", show=False, priority=True),
        CANCEL_BINDING,
    ]

    def __init__(
        self,
        *,
        currency: str,
        save: TargetSaver,
        today: date,
        current: dict[str, Any] | None = None,
    ) -> None:
        """`current` is the stored target of the period containing `today` (the rep's date
        as the dialog opens), shown to change."""
        super().__init__()
        self.currency = currency
        self.today = today
        self.save_target = save
        self.current = current or {}
        amount, calls = self.current.get("amount_cents"), self.current.get("calls_per_day")
        # No currency symbol: one that ends in a letter (CHF) would not read back.
        self.opened_with = (
            format_money(amount, "") if amount else "",
            self.current.get("period", "month"),
            str(calls) if calls is not None else "",
        )
        # An option picked in the period's list, not yet taken by the period.
        self._picking = False
        # Why enter saved nothing, and whether the keys typed after it were dropped.
        self._not_saved_because = ""
        self._dropped_keys = DroppedKeys()

    @property
    def funnel(self) -> FunnelApp:
        return self.app  # type: ignore[return-value]

    @property
    def period(self) -> Select[str]:
        return self.query_one("#target-period", Select)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # On the period, enter opens its list, and in the list picks (action_submit).
        if action == "submit":
            # With nothing focused (a pick at full speed can leave it so), enter saves.
            focused = self.focused
            return (
                focused is None
                or isinstance(focused, Input)
                or self.period in focused.ancestors_with_self
            )
        if action == "move_in_period_list":
            return self._period_list() is not None
        return super().check_action(action, parameters)

    def _period_list(self) -> OptionList | None:
        """The period's list, when it is open with the focus in it."""
        focused = self.focused
        if isinstance(focused, OptionList) and open_select_around(focused) is self.period:
            return focused
        return None

    def action_move_in_period_list(self, step: int) -> None:
        options = self._period_list()
        if options is not None:
            options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def on_mount(self) -> None:
        self.watch(self.period, "expanded", self._period_list_shown, init=False)
        # The target it opens with is selected: typing replaces it (`t 65k enter`), where
        # running on from its end would make 60,000.0065k, sixty million.
        self.query_one("#target-amount", Input).select_all()

    def compose(self) -> ComposeResult:
        amount, period, calls = self.opened_with
        with Vertical(id="target-box", classes="dialog"):
            yield Label(self._title(period), id="target-title", classes="dialog-title")
            # Focused again (tab, shift+tab), a field carries on from the end of its text:
            # select-all there would let the next key replace what the rep typed.
            with Horizontal(classes="form-row"):
                yield Label("Amount", classes="form-label")
                with Vertical(classes="form-input"):
                    yield Input(
                        amount,
                        placeholder="e.g. 60000 or 60k",
                        id="target-amount",
                        select_on_focus=False,
                    )
                    yield Static(id="target-check", classes="form-error", markup=False)
            with Horizontal(classes="form-row"):
                yield Label("Period", classes="form-label")
                with Vertical(classes="form-input"):
                    yield Select(
                        [(kind, kind) for kind in PERIOD_KINDS],
                        value=period,
                        allow_blank=False,
                        id="target-period",
                    )
            with Horizontal(classes="form-row"):
                yield Label("Calls per day", classes="form-label")
                with Vertical(classes="form-input"):
                    yield Input(
                        calls,
                        placeholder="optional",
                        id="target-calls",
                        select_on_focus=False,
                    )
                    yield Static(id="target-calls-check", classes="form-error", markup=False)
            yield Static(id="target-error", markup=False)
            yield Label("enter saves · esc cancels", id="target-hint", classes="dialog-hint")

    def _period_named(self, kind: str) -> str:
        """The period of this kind that the target is for: `December 2026`, `Q4 2026`."""
        return period_name(kind, period_bounds(kind, self.today)[0])

    def _title(self, kind: str) -> str:
        return f"Sales target for {self._period_named(kind)}"

    @on(Select.Changed, "#target-period")
    def _period_changed(self, event: Select.Changed) -> None:
        self.query_one("#target-title", Label).update(self._title(str(event.value)))

    def _typed(self) -> tuple[str, str, str]:
        return (
            self.query_one("#target-amount", Input).value,
            str(self.query_one("#target-period", Select).value),
            self.query_one("#target-calls", Input).value,
        )

    def has_changes(self) -> bool:
        return self._typed() != self.opened_with

    @on(Input.Changed, "#target-amount")
    def _amount_changed(self, event: Input.Changed) -> None:
        self._check_amount(saving=False)
        self._typed_again(event)

    @on(Input.Changed, "#target-calls")
    def _calls_changed(self, event: Input.Changed) -> None:
        self._check_calls()
        self._typed_again(event)

    def _typed_again(self, event: Input.Changed) -> None:
        """Typing once the dropped keys were said: they are not dropped any more."""
        if self._dropped_keys.typed(event):
            self._say(self._not_saved_because)

    def _check_amount(self, *, saving: bool) -> bool:
        """Read the amount back, or say why it does not read (an empty one only on a save);
        whether it reads."""
        typed = self.query_one("#target-amount", Input).value
        check = self.query_one("#target-check", Static)
        try:
            cents = check_amount(typed, self.currency)
        except AmountError as error:
            check.update(Text(str(error), "red") if saving or typed.strip() else "")
            return False
        check.update(Text("→ " + format_money(cents, self.currency)))
        return True

    def _check_calls(self) -> bool:
        """Say why the daily call goal does not read, if it does not; whether it reads."""
        check = self.query_one("#target-calls-check", Static)
        try:
            check_calls_per_day(self.query_one("#target-calls", Input).value)
        except ValueError as error:
            check.update(Text(str(error), "red"))
            return False
        check.update("")
        return True

    def action_submit(self) -> None:
        period = self.period
        if not period.expanded and self.focused in period.query(OptionList):
            # The list closed under the focus (Select's late "lost focus" after a pick
            # typed at full speed): the focus goes back to the period, and enter opens
            # the list again, as it does typed slowly.
            self.set_focus(period)
        if self.focused is period:
            # Open the list with the focus in it at once: the keys typed right after enter
            # (down, enter) pick in it. Select would move the focus a moment later, and
            # they went to the closed period meanwhile, which did nothing with them.
            period.action_show_overlay()
            self.set_focus(period.query_one(OptionList))
            return
        if (options := self._period_list()) is not None:
            self._pick_period(options)
            return
        self.funnel.hold_keys()
        once_caught_up(self.query(Input).results(Input), self._submit)

    def _pick_period(self, options: OptionList) -> None:
        """Enter in the open list: pick the option highlighted, holding the keys after it
        until the period has taken the pick and the focus (a tab typed at once would
        otherwise leave from the list, and the period take the focus back from the next
        field)."""
        if options.highlighted is None:
            return
        self._picking = True
        self.funnel.hold_keys()
        options.action_select()

    def _period_list_shown(self, shown: bool) -> None:
        if not shown and self._picking:
            self._picking = False
            # After the focus the pick gave the period, asked of the app just before.
            self.app.call_later(self.funnel.release_keys)

    def _submit(self) -> None:
        amount_reads, calls_read = self._check_amount(saving=True), self._check_calls()
        if not (amount_reads and calls_read):
            self.set_focus(self.query_one("#target-calls" if amount_reads else "#target-amount"))
            self._not_saved("")
            return
        amount, period, calls = self._typed()
        if self._day_turned(period):
            return
        cents, goal = check_amount(amount, self.currency), check_calls_per_day(calls)
        self._write(TargetEntry(cents, period, goal, self.today))

    def _day_turned(self, kind: str) -> bool:
        """Whether the period the dialog names is no longer the one containing today, as
        the dialog, left open past midnight on the last day of a month, would have set the
        new month's target with the old one's goal: the save stops and says so, the title
        names the period containing today, and enter sets its target."""
        today = self.funnel.clock().date()
        if period_bounds(kind, today) == period_bounds(kind, self.today):
            return False
        named = self._period_named(kind)
        self.today = today
        now_named = self._period_named(kind)
        self.query_one("#target-title", Label).update(self._title(kind))
        from funnel_tui.pace import find_target

        # The new period's own target, if it has one, is what enter would replace: shown
        # in the fields, never overwritten with the old period's figures unseen.
        stored = find_target(self.funnel.storage.db, today, period=kind, rep=self.funnel.rep)
        shown = ""
        if stored is not None:
            amount, calls = stored["amount_cents"], stored["calls_per_day"]
            self.query_one("#target-amount", Input).value = format_money(amount, "")
            self.query_one("#target-calls", Input).value = "" if calls is None else str(calls)
            shown = f", whose stored target of {format_money(amount, self.currency)} is shown"
        self._not_saved(
            f"Not saved: the day turned while this was open, and the {kind} containing today"
            f" is {now_named} now, not {named}{shown}; enter sets the target for {now_named}"
        )
        return True

    def _not_saved(self, reason: str) -> None:
        """Enter did not save: say why (empty when each field says it under itself). The
        keys typed after enter were meant for what comes after the dialog: they are
        dropped, never typed into the target."""
        self._not_saved_because = reason
        self._say(reason)
        self._dropped_keys.drop_once_shown(
            self, lambda: self._say(" · ".join(part for part in (reason, KEYS_NOT_APPLIED) if part))
        )

    def _say(self, message: str) -> None:
        self.query_one("#target-error", Static).update(Text(message, "red"))

    @work(exclusive=True, group="save-target")
    async def _write(self, entry: TargetEntry) -> None:
        try:
            with waiting_said(self, self._say):
                summary = await self.save_target(entry)
        except Exception as error:  # a failed write keeps the dialog and what was typed
            self._not_saved(not_saved_text(error))
            return
        self.dismiss(summary)
        # The dialog is off the stack: the keys typed after enter reach the screen below.
        self.funnel.release_keys()
