"""OutcomeDialog: one key picks the outcome, one more field when it needs one, enter saves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.css.query import QueryType
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.call_log import CallOutcome, LoggedCall
from funnel_tui.dates import WhenError, describe_when, parse_when, read_when
from funnel_tui.domain import OUTCOME_SPECS, Ask, Outcome
from funnel_tui.money import AmountError, format_money, parse_amount
from funnel_tui.settings import Settings
from funnel_tui.storage import describe_error
from funnel_tui.text import one_line
from funnel_tui.timestamps import Clock
from funnel_tui.ui.slow_write import say_when_waiting

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp

Saver = Callable[[CallOutcome], Awaitable[LoggedCall]]

# A write normally commits in a few milliseconds; past this delay the dialog shows that it
# is saving (and later, that it is waiting for another program's lock: slow_write).
SHOW_SAVING_AFTER_S = 0.2


@dataclass(frozen=True)
class CallContext:
    """What the dialog needs to know about the call it logs."""

    prospect_name: str
    prospect_timezone: str | None
    started_at: datetime | None
    settings: Settings


class OutcomeDialog(ModalScreen[LoggedCall | None]):
    """Log the outcome of a call; the write runs off the UI thread and the dialog closes
    only once it is committed (a failed write keeps everything typed)."""

    # Keys typed at full speed must land where a slow typist's would. Outcome letters and
    # enter are priority bindings, handled the moment they arrive; a letter picks only
    # while the list has focus, so in a field every letter is text and tab never changes
    # the outcome. A letter moves focus synchronously (set_focus, not focus()) to the field
    # the outcome asks for, or leaves it on the list, where tab leads to the note (focus
    # goes list -> asked field -> note -> list, as the keys arrive). Enter holds every later
    # key (the app's type-ahead) and saves only after the fields have taken the text typed
    # before it; the held keys go to the next prospect.
    AUTO_FOCUS = "#outcome-list"

    BINDINGS = [
        *(
            Binding(spec.key, f"pick('{outcome.value}')", spec.label, show=False, priority=True)
            for outcome, spec in OUTCOME_SPECS.items()
        ),
        Binding("enter", "submit", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Outcome letters are text once a field has focus.
        return not (action == "pick" and (self.saving or isinstance(self.focused, Input)))

    def __init__(self, context: CallContext, *, clock: Clock, save: Saver) -> None:
        super().__init__()
        self.clock = clock
        self.prepare(context, save)

    def prepare(self, context: CallContext, save: Saver) -> None:
        """Set the dialog up for a call. One dialog serves every call: it is mounted once,
        so `l` opens it at once; each use starts from empty fields."""
        self.context = context
        self.save_call = save
        self.outcome: Outcome | None = None
        self.saving = False
        self._slow_save_timers: list[Timer] = []
        if self.is_mounted:
            self._start_empty()

    def _start_empty(self) -> None:
        self.query_one("#outcome-title", Label).update(self._title())
        options = self.query_one(OptionList)
        options.disabled = False
        options.highlighted = 0
        for field in (self.extra, self.note):
            field.disabled = False
            field.value = ""
        self.extra.add_class("hidden")
        self.extra_check.add_class("hidden")
        self.extra_check.update("")
        self._error("")
        self.query_one("#outcome-hint", Label).update(self._hint())
        self.set_focus(options)

    def _title(self) -> Text:
        return Text.assemble("Log call · ", (one_line(self.context.prospect_name), "bold"))

    def compose(self) -> ComposeResult:
        with Vertical(id="outcome-box", classes="dialog"):
            yield Label(self._title(), id="outcome-title", classes="dialog-title")
            yield OptionList(
                *(
                    Option(f"{spec.key}  {spec.label}", id=outcome.value)
                    for outcome, spec in OUTCOME_SPECS.items()
                ),
                id="outcome-list",
            )
            # Tabbing back into a field carries on from its end: select-all there would
            # let the next letter replace what the rep already typed.
            yield Input(id="outcome-extra", classes="hidden", select_on_focus=False)
            yield Static(id="outcome-extra-check", classes="hidden", markup=False)
            yield Input(placeholder="note (optional)", id="outcome-note", select_on_focus=False)
            yield Static(id="outcome-error", markup=False)
            yield Label(self._hint(), id="outcome-hint", classes="dialog-hint")

    def _hint(self) -> str:
        timer = ""
        if self.context.started_at:
            elapsed = int((self.clock() - self.context.started_at).total_seconds())
            timer = f"call time {elapsed // 60}:{elapsed % 60:02d} · "
        return f"{timer}a letter picks · tab: next field · enter saves · esc cancels"

    @property
    def extra(self) -> Input:
        return self.query_one("#outcome-extra", Input)

    @property
    def extra_check(self) -> Static:
        return self.query_one("#outcome-extra-check", Static)

    @property
    def note(self) -> Input:
        return self.query_one("#outcome-note", Input)

    def focus_next(self, selector: str | type[QueryType] = "*") -> Widget | None:
        return self._move_focus_by(1)

    def focus_previous(self, selector: str | type[QueryType] = "*") -> Widget | None:
        return self._move_focus_by(-1)

    def _move_focus_by(self, step: int) -> Widget:
        """Tab and shift+tab go list -> the field the outcome asks for -> note -> list.

        Spelled out rather than left to Textual, which orders fields by where they were
        last drawn: a tab typed right after a letter, before the asked field was first
        drawn, went back to the list.
        """
        options = self.query_one(OptionList)
        asks = self.outcome is not None and bool(self.outcome.spec.asks)
        order: list[Widget] = [options, self.extra, self.note] if asks else [options, self.note]
        # With no field focused, either key goes to the list.
        at = order.index(self.focused) if self.focused in order else -step
        target = order[(at + step) % len(order)]
        self.set_focus(target)
        return target

    def action_pick(self, value: str) -> None:
        self.outcome = Outcome(value)
        options = self.query_one(OptionList)
        options.highlighted = options.get_option_index(value)
        asks = _first_ask(self.outcome)
        self.extra.set_class(asks is None, "hidden")
        self.extra_check.set_class(asks is None, "hidden")
        self._error("")
        if asks is None:
            # Stay on the list: tab goes to the note, another letter picks again.
            self.set_focus(options)
            return
        self.extra.placeholder = (
            "when? e.g. tomorrow 10am, fri 2pm, in 3 days, 3/12 14:30"
            if asks is Ask.WHEN
            else "amount won, e.g. 12000 or 12k"
        )
        self.extra.value = ""
        self.extra_check.update("")
        self.set_focus(self.extra)

    @on(OptionList.OptionSelected, "#outcome-list")
    def _option_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_pick(event.option.id)

    def action_submit(self) -> None:
        if self.saving:
            return
        options = self.query_one(OptionList)
        if self.outcome is None and self.focused is options:
            # Enter on a highlighted outcome picks it, like its letter.
            if options.highlighted is not None:
                option = options.get_option_at_index(options.highlighted)
                if option.id:
                    self.action_pick(option.id)
            return
        self.funnel.hold_keys()
        # Each field works through the keys sent to it on its own, and a tab moves on
        # before the last field has caught up: save only once the when or amount field
        # and the note have both taken every key that went to them. Both are asked at
        # once (one hop nested in the other cost a frame: about 20 ms of `l n enter`).
        behind = {self.extra, self.note}

        def caught_up(field: Input) -> None:
            behind.discard(field)
            if not behind:
                self.action_save()

        for field in tuple(behind):
            field.call_later(caught_up, field)

    @on(Input.Changed, "#outcome-extra")
    def _check_extra(self) -> None:
        if not self.extra.value.strip():
            self.extra_check.update("")
            return
        try:
            self.extra_check.update(Text("→ " + self._describe_extra(), "bold"))
        except (WhenError, AmountError) as error:
            self.extra_check.update(Text(str(error), "red"))

    def _describe_extra(self) -> str:
        if self.outcome is not None and _first_ask(self.outcome) is Ask.WHEN:
            now = self.clock()
            settings = self.context.settings
            when = read_when(
                self.extra.value,
                now,
                day_first=settings.day_first,
                calling_start=settings.calling_start,
            )
            return describe_when(
                when.moment, now, self.context.prospect_timezone, skipped=when.skipped
            )
        return format_money(self._amount(), self.context.settings.currency)

    def _when(self) -> datetime:
        settings = self.context.settings
        return parse_when(
            self.extra.value,
            self.clock(),
            day_first=settings.day_first,
            calling_start=settings.calling_start,
        )

    def _amount(self) -> int:
        return parse_amount(self.extra.value)

    def _error(self, message: str) -> None:
        self.query_one("#outcome-error", Static).update(Text(message, "bold red"))

    @property
    def funnel(self) -> FunnelApp:
        return self.app  # type: ignore[return-value]

    def action_save(self) -> None:
        if self.saving:
            return
        if self.outcome is None:
            # Back on the list, so the next letter picks instead of joining the note.
            self.set_focus(self.query_one(OptionList))
            self._not_saved("Pick an outcome first: press its letter.")
            return
        try:
            entry = self._entry(self.outcome)
        except (WhenError, AmountError) as error:
            # Under the field it is about, where typing replaces it with what the field reads.
            self.extra_check.update(Text(str(error), "red"))
            self.set_focus(self.extra)
            self._not_saved(None)
            return
        # Keys are held from enter until the dialog closes, and the flag stops a second
        # save, so nothing typed can change the call meanwhile. The fields are greyed out
        # only when the write is slow: repainting the dialog while it commits would keep
        # the database thread waiting for the interpreter.
        self.saving = True
        self._slow_save_timers = [
            self.set_timer(SHOW_SAVING_AFTER_S, self._show_saving),
            # Another program holding the write lock makes the save wait (up to the busy
            # timeout): say so instead of looking stuck.
            say_when_waiting(self, self._error),
        ]
        self._write(self.save_call(entry))

    def _not_saved(self, reason: str | None) -> None:
        """Enter did not save: say why (None when the reason is already under its field).
        The keys typed after enter were meant for the next prospect; they are dropped,
        never typed into this call."""
        said = [reason] if reason else []
        if self.funnel.drop_held_keys():
            said.append("keys typed after enter were not applied")
        self._error(" · ".join(said))

    def _show_saving(self) -> None:
        self._error("Saving…")
        self._set_saving(True)

    def _set_saving(self, saving: bool) -> None:
        """Grey out the fields while a slow write is in flight, or give them back after it."""
        self.saving = saving
        for field in self.query(Input).results(Input):
            field.disabled = saving
        self.query_one(OptionList).disabled = saving

    def _entry(self, outcome: Outcome) -> CallOutcome:
        asks = _first_ask(outcome)
        if asks is not None and not self.extra.value.strip():
            raise WhenError("say when") if asks is Ask.WHEN else AmountError("", "it is empty")
        started = self.context.started_at
        now = self.clock()
        return CallOutcome(
            outcome=outcome,
            notes=self.note.value,
            follow_up_at=self._when() if asks is Ask.WHEN else None,
            amount_cents=self._amount() if asks is Ask.AMOUNT else None,
            started_at=started,
            duration_s=int((now - started).total_seconds()) if started else 0,
        )

    @work(exclusive=True, group="save-outcome")
    async def _write(self, saving: Awaitable[LoggedCall]) -> None:
        try:
            logged = await saving
        except Exception as error:  # any failed write keeps the dialog open with the reason
            self._stop_slow_save_timers()
            self._set_saving(False)
            self._not_saved(f"Not saved: {describe_error(error)} (enter tries again)")
            return
        self._stop_slow_save_timers()
        self.saving = False
        self.dismiss(logged)

    def _stop_slow_save_timers(self) -> None:
        for timer in self._slow_save_timers:
            timer.stop()
        self._slow_save_timers = []

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_screen_suspend(self) -> None:
        # Closed: the keys typed meanwhile belong to the screen below.
        self.funnel.release_keys()


def _first_ask(outcome: Outcome) -> Ask | None:
    return outcome.spec.asks[0].ask if outcome.spec.asks else None
