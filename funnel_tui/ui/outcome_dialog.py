"""OutcomeDialog: one key picks the outcome, then the fields it asks for; enter saves."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import QueryType
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.call_log import (
    CalledMeanwhile,
    CallOutcome,
    LoggedCall,
    MarkedDoNotCallMeanwhile,
    OwnedByAnother,
    ProspectGone,
)
from funnel_tui.call_state import call_time, ran_too_long
from funnel_tui.domain import OUTCOME_SPECS, Ask, Kind, Outcome, Question, Stage, TaskKind
from funnel_tui.outcome_answers import (
    DATED_ASKS,
    TYPED_ASKS,
    Answer,
    AnswerRefused,
    Reading,
    meeting_warning,
    open_close_on,
    open_deal_cents,
    prefilled,
    read_answer,
)
from funnel_tui.settings import Settings
from funnel_tui.store.errors import ConnectionLost
from funnel_tui.tasks import Task
from funnel_tui.text import one_line
from funnel_tui.timestamps import Clock, seconds_between
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED, once_caught_up
from funnel_tui.ui.discard_guard import CANCEL_BINDING, DiscardGuard
from funnel_tui.ui.formatting import read_back_line
from funnel_tui.ui.readable_options import ReadableOptionList
from funnel_tui.ui.reason_picker import ReasonPicker
from funnel_tui.ui.shown_days import ShownDays, minute_of, turned_message
from funnel_tui.ui.size_classes import HEIGHT_CLASSES
from funnel_tui.ui.slow_write import not_saved_text, say_when_waiting

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp

Saver = Callable[[CallOutcome], Awaitable[LoggedCall]]

# A write normally commits in a few milliseconds; past this delay the dialog shows that it
# is saving (and later, that it is waiting for another program's lock: slow_write).
SHOW_SAVING_AFTER_S = 0.2

# The longest date, time or amount a field takes: what a rep types is a few words, and
# a longer text would only push the rest of the dialog off a small terminal.
TYPED_MAX_LENGTH = 100

# The widget ids of the fields an outcome can ask for (`#outcome-when`, `#outcome-when-check`).
FIELD_NAMES = {
    Ask.WHEN: "when",
    Ask.AMOUNT: "amount",
    Ask.CLOSE_ON: "close-on",
    Ask.REASON: "reason",
    Ask.REVISIT_ON: "revisit-on",
}
ASK_OF_FIELD = {f"outcome-{name}": ask for ask, name in FIELD_NAMES.items()}
PLACEHOLDERS = {
    Ask.WHEN: "e.g. tomorrow 10am, fri 2pm",
    Ask.AMOUNT: "e.g. 12000 or 12k",
    Ask.CLOSE_ON: "e.g. 15/12 or in 3 weeks",
    Ask.REVISIT_ON: "e.g. 1/3 or in 12 weeks",
}


# A note that is a range of hours (`9-5`: "he's in 9-5") reads as a date, and is no date.
HOURS_RANGE = re.compile(r"\d{1,2}\s*-\s*\d{1,2}")


@dataclass(frozen=True)
class CallContext:
    """What the dialog needs to know about the call it logs."""

    prospect_name: str
    prospect_timezone: str | None
    started_at: datetime | None
    settings: Settings
    # None when the row holds a kind funnel does not know (another tool wrote it).
    prospect_kind: Kind | None = None
    # What a win starts from: the prospect's open deal value, when it has a usable one.
    open_deal_cents: int | None = None
    # What a proposal's close date starts from: the expected one, when still to come.
    open_close_on: date | None = None
    # When the prospect's soonest open meeting is due; None with `meetings_known` when they
    # have none, and unknown when the card did not list every open task.
    meeting_due: datetime | None = None
    meetings_known: bool = False
    # The prospect of a call still running with someone else: this call is not that one.
    on_call_with: str | None = None
    # What was said of a call run too long, let go as the dialog opened: this is a call
    # without its time.
    let_go: str | None = None
    # The prospect is lost and their revisit has not come: a gatekeeper's time is said
    # not booked (outcome_effects).
    lost: bool = False

    @classmethod
    def for_prospect(
        cls,
        prospect: Mapping[str, Any],
        *,
        started_at: datetime | None,
        settings: Settings,
        tasks: Sequence[Task] = (),
        every_open_task: bool = False,
        on_call_with: str | None = None,
        let_go: str | None = None,
        today: date | None = None,
    ) -> CallContext:
        """The context for a call with this prospect row, whatever other tools stored in it,
        and their soonest open tasks (`every_open_task` when they are all of them);
        `on_call_with` names the prospect of a call running with someone else, and
        `let_go` says a call run too long was let go."""
        try:
            kind = Kind(prospect["kind"])
        except ValueError:
            kind = None
        meetings = [task.due_at for task in tasks if task.kind is TaskKind.MEETING and task.due_at]
        return cls(
            prospect_name=prospect["name"],
            prospect_timezone=prospect["timezone"],
            started_at=started_at,
            settings=settings,
            prospect_kind=kind,
            open_deal_cents=open_deal_cents(prospect),
            open_close_on=None if today is None else open_close_on(prospect, today),
            meeting_due=min(meetings, default=None),
            meetings_known=bool(meetings) or every_open_task,
            on_call_with=on_call_with,
            let_go=let_go,
            lost=prospect["stage"] == Stage.LOST and not _revisit_come(tasks, today),
        )


class OutcomeDialog(AnswersOnce, DiscardGuard, ModalScreen[LoggedCall | None]):
    """Log the outcome of a call; the write runs off the UI thread and the dialog closes
    only once it is committed (a failed write keeps everything typed)."""

    # Keys typed at full speed must land where a slow typist's would. Outcome letters and
    # enter are priority bindings, handled the moment they arrive; a letter picks only
    # while the list has focus, so in a field every letter is text and tab never changes
    # the outcome (the reason row takes its own letters the same way). A letter moves focus
    # synchronously (set_focus, not focus()) to the first field the outcome asks for, or
    # leaves it on the list, where tab leads to the note (focus goes list -> each asked
    # field in order -> note, as the keys arrive, and only shift+tab goes back up to the
    # list). Enter holds every later key (the
    # app's type-ahead) and saves only after the fields have taken the keys typed before
    # it; the held keys go to the next prospect.
    AUTO_FOCUS = "#outcome-list"

    # The app's height classes plus one of the dialog's own: from 40 rows the list shows
    # all 13 outcomes beside the most any outcome asks (a lost reason and a revisit date);
    # on a shorter terminal it shrinks to leave those fields the room.
    VERTICAL_BREAKPOINTS = [*HEIGHT_CLASSES, (40, "-every-outcome")]

    BINDINGS = [
        *(
            Binding(spec.key, f"pick('{outcome.value}')", spec.label, show=False, priority=True)
            for outcome, spec in OUTCOME_SPECS.items()
        ),
        Binding("enter", "submit", "Save", priority=True),
        # In the "when" field (elsewhere check_action lets the key through): the other day
        # `next tue` can mean. Not tab, which moves on from every field, as the hint says.
        # With priority as tab has, so that `down tab` typed at once switches, then moves.
        Binding("down", "other_day", "Other day", show=False, priority=True),
        # With priority as enter has: `n escape enter` typed at once cancels, as typed
        # slowly; escape without it waited behind the field for its turn, and enter saved.
        CANCEL_BINDING,
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return super().check_action(action, parameters)
        if action == "other_day":
            asks_when = self.outcome is not None and self.outcome.spec.asks_for(Ask.WHEN)
            return bool(asks_when) and self.focused is self.typed_field(Ask.WHEN)
        # Outcome letters are text once a field has focus.
        return not (action == "pick" and (self.saving or isinstance(self.focused, Input)))

    def __init__(self, context: CallContext, *, clock: Clock, save: Saver) -> None:
        super().__init__()
        self.clock = clock
        self._painting_held = ExitStack()
        # Set by a new theme while the dialog was closed.
        self._restyle_on_opening = False
        # Ticks while the dialog is open during a call.
        self._call_time: Timer | None = None
        # Ticks while the dialog is open, and the minute it last read its fields on.
        self._minute_timer: Timer | None = None
        self._minute_read: datetime | None = None
        # When the call ended: at the first enter that saves it. A save tried again (the
        # team's database back after an outage) keeps the length the dialog showed, not
        # the wait added to the talk.
        self._call_ended_at: datetime | None = None
        self.prepare(context, save)

    def prepare(self, context: CallContext, save: Saver) -> None:
        """Set the dialog up for a call. One dialog serves every call: it is mounted once,
        so `l` opens it at once; each use starts from empty fields."""
        self.context = context
        self.save_call = save
        self.outcome: Outcome | None = None
        self.saving = False
        # Whether down switched the "when" text to its other day (`next tue`: next week's
        # Tuesday, not this week's); any edit of the text reads it afresh.
        self._other_day_chosen = False
        # Notes enter has already moved to a date field (_date_out_of_the_note): typed
        # there again, the rep means them as the note.
        self._moved_from_note: set[str] = set()
        # What each date field was shown to read as: checked again as enter saves it.
        self._shown_days = ShownDays()
        # What each typed field shown for the outcome picked was given to start from, and
        # what the rep typed over it in this dialog: a text typed stays for any later pick
        # that asks the same (callback, then meeting: the time typed is kept; a win's
        # amount, a look at not interested, then a proposal: the amount typed is kept).
        self._started_from: dict[Ask, str] = {}
        self._typed: dict[Ask, str] = {}
        self._slow_save_timers: list[Timer] = []
        # Whether the line under the fields warns that the meeting is still to come (or
        # that there is none), for the minute's look at the clock to take back.
        self._meeting_warned = False
        # Where the focus was when a slow save greyed the fields out (_set_saving).
        self._focused_before_saving: Widget | None = None
        if self.is_mounted:
            self._start_empty()

    def _start_empty(self) -> None:
        self.query_one("#outcome-title", Label).update(self._title())
        options = self.query_one(OptionList)
        options.disabled = False
        # Nothing highlighted: enter before a pick says so, never picks the first outcome
        # unseen (an arrow highlights one, and enter then picks it).
        options.highlighted = None
        for field in self.query(Input).results(Input):
            field.disabled = False
            field.value = ""
        self.reason_picker.disabled = False
        self._show_fields(())
        self._error("")
        self.query_one("#outcome-hint", Label).update(self._hint())
        self.set_focus(options)

    def _title(self) -> Text:
        name = one_line(self.context.prospect_name)
        title = Text.assemble("Log call · ", (name, "bold"))
        if self.context.on_call_with is not None:
            # `l` on another row while a call runs logs this prospect, not the call: said
            # before the rep picks, since the conversation is most likely the other one.
            title.append(
                f"\nYou are on a call with {one_line(self.context.on_call_with)}:"
                " this is not that call",
                "bold italic",
            )
        if self.context.let_go is not None:
            # Said in the toast, which the dialog takes down as it opens.
            title.append(
                f"\n{self.context.let_go}; this logs a call without its time", "bold italic"
            )
        return title

    def compose(self) -> ComposeResult:
        with Vertical(id="outcome-box", classes="dialog"):
            yield Label(self._title(), id="outcome-title", classes="dialog-title")
            yield ReadableOptionList(
                *(
                    Option(f"{spec.key}  {spec.label}", id=outcome.value)
                    for outcome, spec in OUTCOME_SPECS.items()
                ),
                id="outcome-list",
            )
            # A row for every field an outcome can ask for, in the order outcomes ask
            # them (Ask's order); a pick shows the rows of its outcome.
            for ask in Ask:
                name = FIELD_NAMES[ask]
                with Horizontal(id=f"outcome-{name}-row", classes="form-row hidden"):
                    yield Label(id=f"outcome-{name}-label", classes="form-label")
                    with Vertical(classes="form-input"):
                        if ask is Ask.REASON:
                            yield ReasonPicker(id=f"outcome-{name}")
                        else:
                            # Tabbing back into a field carries on from its end:
                            # select-all there would let the next letter replace what the
                            # rep already typed.
                            yield Input(
                                id=f"outcome-{name}",
                                classes="outcome-typed",
                                select_on_focus=False,
                                max_length=TYPED_MAX_LENGTH,
                            )
                        yield Static(id=f"outcome-{name}-check", classes="form-error", markup=False)
            yield Input(placeholder="note (optional)", id="outcome-note", select_on_focus=False)
            yield Static(id="outcome-error", markup=False)
            yield Label(self._hint(), id="outcome-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        # As every later opening starts (an OptionList highlights its first option).
        self._start_empty()
        # Watched on the field itself, not by its Changed message: the message reaches the
        # dialog only after a down typed right behind the text has switched the day.
        self.watch(self.typed_field(Ask.WHEN), "value", self._when_edited, init=False)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        # Open, the dialog was restyled with the screens on the stack.
        if self not in self.app.screen_stack:
            self._restyle_on_opening = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler, which styles every widget of a pushed screen
        # again: most of the UI's work between `l` and the saved call. The dialog is
        # styled as it mounts and stays installed between calls, and whatever changes its
        # look meanwhile restyles what it touches at once (a class, focus or `disabled`),
        # except a new theme: Textual restyles the screens on the stack with it, not one
        # installed aside, so the first opening after a new theme styles it all again.
        event.refresh_styles = self._restyle_on_opening
        self._restyle_on_opening = False
        self._stop_call_time()
        self._call_ended_at = None
        if self.context.started_at is not None:
            # The call time goes on while the rep picks and types.
            self._call_time = self.set_interval(1, self._show_call_time)
        self._minute_read = minute_of(self.clock())
        self._minute_timer = self.set_interval(1, self._follow_the_minute)

    def _follow_the_minute(self) -> None:
        """A time read from now (`in 3 days`, `in 2 hours`) moves on with the clock: once
        the minute turns, each field is read again, so its preview says what enter would
        save (it said 11:41 at 11:42, and 11:42 was saved). The days shown stay those the
        rep saw: a day that turns meanwhile still stops the save (ShownDays)."""
        minute = minute_of(self.clock())
        if minute == self._minute_read:
            return
        self._minute_read = minute
        # A meeting said to be still to come may have come since.
        if self._meeting_warned:
            self._warn_of_the_meeting()
        for question in self.questions:
            # The reason is picked, not typed: there is nothing of it to read again (read
            # as a typed field, it stopped the app a minute into a lost call's note).
            if question.ask is not Ask.REASON:
                self._read_back(question, seen=False)

    def _stop_call_time(self) -> None:
        if self._call_time is not None:
            self._call_time.stop()
            self._call_time = None

    def _show_call_time(self) -> None:
        self.query_one("#outcome-hint", Label).update(self._hint())

    def _when_edited(self) -> None:
        self._other_day_chosen = False

    def _hint(self) -> str:
        timer = ""
        if self.context.started_at:
            timer = f"call time {call_time(self.context.started_at, self.clock())} · "
        return f"{timer}a letter picks · tab: next field · enter saves · esc cancels"

    def field(self, ask: Ask) -> Widget:
        """The field that answers `ask`: an Input, or the ReasonPicker for the reason."""
        return self.query_one(f"#outcome-{FIELD_NAMES[ask]}")

    def typed_field(self, ask: Ask) -> Input:
        return self.query_one(f"#outcome-{FIELD_NAMES[ask]}", Input)

    def check_line(self, ask: Ask) -> Static:
        """The line under a field: what it reads as, or why it is refused."""
        return self.query_one(f"#outcome-{FIELD_NAMES[ask]}-check", Static)

    def _say_under(self, ask: Ask, said: Text | str) -> None:
        """Put `said` under the field; with nothing to say the line takes no room."""
        line = self.check_line(ask)
        line.update(said)
        line.display = bool(said)

    @property
    def reason_picker(self) -> ReasonPicker:
        return self.query_one(ReasonPicker)

    @property
    def note(self) -> Input:
        return self.query_one("#outcome-note", Input)

    @property
    def questions(self) -> tuple[Question, ...]:
        """What the picked outcome asks, in order."""
        return self.outcome.spec.asks if self.outcome is not None else ()

    def focus_next(self, selector: str | type[QueryType] = "*") -> Widget | None:
        return self._move_focus_by(1)

    def action_other_day(self) -> None:
        """Down in the "when" field: an ambiguous `next tue` switches to the other Tuesday,
        and back again. Whether the text can mean another day depends on the keys typed
        before it, which may not have reached the field yet: decided once they have,
        holding the keys typed after it meanwhile."""
        self.funnel.hold_keys()
        self.typed_field(Ask.WHEN).call_later(self._switch_day)

    def _switch_day(self) -> None:
        question = self.outcome.spec.asks_for(Ask.WHEN) if self.outcome else None
        if question is not None and (self._other_day_chosen or self._can_switch(question)):
            self._other_day_chosen = not self._other_day_chosen
            self._read_back(question)
        self.funnel.release_keys()

    def _can_switch(self, question: Question) -> bool:
        """Whether the field's text can mean another day, to switch to with down."""
        try:
            answer = self._answer(question)
        except AnswerRefused:
            return False
        return answer is not None and bool(answer.other)

    def focus_previous(self, selector: str | type[QueryType] = "*") -> Widget | None:
        return self._move_focus_by(-1)

    def _move_focus_by(self, step: int) -> Widget:
        """Tab goes list -> each field the outcome asks for -> note, shift+tab back.

        Spelled out rather than left to Textual, which orders fields by where they were
        last drawn: a tab typed right after a letter, before the asked field was first
        drawn, went back to the list.

        Neither goes round: tab on the note stays there with a beep, and shift+tab on the
        list. A rep who tabs once too often (the pick or the reason had moved on by
        itself) goes on typing the note, where the letters went round to the list
        before and each picked another outcome; the list is reached only going back.
        """
        order = [
            self.query_one(OptionList),
            *(self.field(question.ask) for question in self.questions),
            self.note,
        ]
        at = order.index(self.focused) if self.focused in order else None
        if at is None:
            # With no field focused, either key goes to the list.
            target = order[0]
        elif 0 <= at + step < len(order):
            target = order[at + step]
        else:
            self.app.bell()
            target = order[at]
        self.set_focus(target)
        return target

    def action_pick(self, value: str) -> None:
        self.outcome = Outcome(value)
        options = self.query_one(OptionList)
        options.highlighted = options.get_option_index(value)
        self._show_fields(self.questions)
        self._error("")
        self._warn_of_the_meeting()
        # On the first asked field; with none, stay on the list: tab goes to the note,
        # another letter picks again.
        self.set_focus(self.field(self.questions[0].ask) if self.questions else options)

    def _show_fields(self, questions: tuple[Question, ...]) -> None:
        """Show exactly the fields these questions ask for, labelled and empty (a win's
        amount starts from the open deal value), or with what the rep typed in the same
        field for the outcome picked before."""
        asked = {question.ask: question for question in questions}
        for ask in self._started_from:
            if self._typed_over(ask):
                self._typed[ask] = self.typed_field(ask).value
            else:
                # Emptied, or back to what it started from: nothing of the rep's to keep.
                self._typed.pop(ask, None)
        kept = asked.keys() & self._typed.keys()
        if Ask.WHEN not in kept:
            self._other_day_chosen = False
        self._started_from = {}
        # The fields take the room of most of the list (its letters still pick), so that
        # every field and the note stay in sight on a small terminal.
        self.query_one("#outcome-box").set_class(bool(questions), "-asking")
        options = self.query_one(OptionList)
        options.call_after_refresh(options.scroll_to_highlight)
        for ask in Ask:
            question = asked.get(ask)
            self.query_one(f"#outcome-{FIELD_NAMES[ask]}-row").set_class(question is None, "hidden")
            self._say_under(ask, "")
            if question is None:
                continue
            self.query_one(f"#outcome-{FIELD_NAMES[ask]}-label", Label).update(question.label)
            if ask is Ask.REASON:
                self.reason_picker.reason = None
                if self.context.prospect_kind is Kind.CUSTOMER:
                    self._say_under(
                        ask, Text("a customer stays a customer: the reason goes on the call", "dim")
                    )
                continue
            field = self.typed_field(ask)
            optional = "" if question.required else "optional, "
            field.placeholder = optional + PLACEHOLDERS[ask]
            assert self.outcome is not None
            self._started_from[ask] = self._prefilled(ask)
            if ask in kept:
                field.value = self._typed[ask]
            else:
                field.value = self._started_from[ask]
                # Typing replaces a prefilled amount rather than running on from its end.
                field.select_all()
            self._read_back(question)

    def _typed_over(self, ask: Ask) -> bool:
        """Whether the rep typed in the field: it holds more than it started from."""
        typed = self.typed_field(ask).value
        return bool(typed.strip()) and typed != self._started_from[ask]

    def _prefilled(self, ask: Ask) -> str:
        assert self.outcome is not None
        context = self.context
        return prefilled(self.outcome, ask, context.open_deal_cents, context.open_close_on)

    @on(OptionList.OptionSelected, "#outcome-list")
    def _option_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_pick(event.option.id)

    def action_submit(self) -> None:
        if self.saving:
            return
        options = self.query_one(OptionList)
        if self.outcome is None and self.focused is options and options.highlighted is not None:
            # Enter on a highlighted outcome picks it, like its letter.
            option = options.get_option_at_index(options.highlighted)
            if option.id:
                self.action_pick(option.id)
            return
        self.funnel.hold_keys()
        # Each field works through the keys sent to it on its own, and a tab moves on
        # before the last field has caught up: save only once every asked field and the
        # note have taken every key that went to them (all asked at once: one hop nested
        # in another cost a frame, about 20 ms of `l n enter`).
        asked = (*(self.field(question.ask) for question in self.questions), self.note)
        once_caught_up(asked, self.action_save)

    @on(Input.Changed, ".outcome-typed")
    def _typed(self, event: Input.Changed) -> None:
        question = None
        if self.outcome is not None and event.input.id in ASK_OF_FIELD:
            question = self.outcome.spec.asks_for(ASK_OF_FIELD[event.input.id])
        if question is not None:
            self._read_back(question)

    def _read_back(self, question: Question, *, seen: bool = True) -> None:
        """Say under the field what it reads as, or why it cannot be saved so; `seen`
        records the day it reads as as the one the rep saw (not for a reading the clock
        moved on by itself)."""
        if not self.typed_field(question.ask).value.strip():
            # An empty field is told it is needed only when enter tries to save it.
            self._say_under(question.ask, "")
            return
        try:
            answer = self._answer(question)
        except AnswerRefused as error:
            self._say_under(question.ask, self._refusal(question, error))
            return
        self._say_under(question.ask, read_back_line(answer, self._switched(question)))
        if seen and answer is not None and isinstance(answer.value, date):
            text = self.typed_field(question.ask).value
            self._shown_days.shown(question.ask, text, answer.value, self.clock().tzinfo)

    def _refusal(self, question: Question, error: AnswerRefused) -> Text:
        """Why the field cannot be saved; for a revisit date whose first letter went to the
        reasons (`l x tomorrow`: `t` picked timing, the field holds `omorrow`), also what
        happened and how to type it."""
        said = str(error)
        reason = self.reason_picker.reason
        if question.ask is Ask.REVISIT_ON and reason is not None:
            text = self.typed_field(question.ask).value
            try:
                whole = self._answer(question, reason.key + text)
            except AnswerRefused:
                whole = None
            if whole is not None:
                said += (
                    f" ({reason.key} picked the reason {reason.label}; a date that starts"
                    f" with {reason.key} is typed after tab)"
                )
        return Text(said, "red")

    def _switched(self, question: Question) -> bool:
        """Whether down switched this field to the other day its text can mean."""
        return question.ask is Ask.WHEN and self._other_day_chosen

    def _answer(self, question: Question, text: str | None = None) -> Answer | None:
        """What the field of a typed question reads as now (or would, holding `text`);
        AnswerRefused when it cannot be saved as it is."""
        assert self.outcome is not None
        reading = Reading(
            now=self.clock(),
            # As the book has them now: a currency set elsewhere while the dialog is open
            # would store `EUR 2,500` as 2,500 of the new one.
            settings=self.funnel.settings,
            prospect_timezone=self.context.prospect_timezone,
            customer=self.context.prospect_kind is Kind.CUSTOMER,
            other_week=self._switched(question),
            lost=self.context.lost,
        )
        if text is None:
            text = self.typed_field(question.ask).value
        return read_answer(self.outcome, question, text, reading)

    def _error(self, message: str) -> None:
        self.query_one("#outcome-error", Static).update(Text(message, "bold red"))
        self._meeting_warned = False

    def _warn_of_the_meeting(self) -> None:
        """A meeting held or missed needs a meeting that has come: said, not refused."""
        context = self.context
        warning = (
            None
            if self.outcome is None
            else meeting_warning(
                self.outcome,
                prospect_name=context.prospect_name,
                prospect_timezone=context.prospect_timezone,
                meeting_due=context.meeting_due,
                meetings_known=context.meetings_known,
                now=self.clock(),
            )
        )
        if warning is None:
            if self._meeting_warned:
                # The meeting has come since: no longer "still to come".
                self._error("")
            return
        self.query_one("#outcome-error", Static).update(
            Text(f"⚠ {warning}; enter still saves it", "yellow")
        )
        self._meeting_warned = True

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
        if self._date_out_of_the_note(self.outcome):
            return
        ended = self._call_ended_at or self.clock()
        entry = self._entry(self.outcome, ended)
        if entry is None:
            return
        # Keys are held from enter until the dialog closes, and the flag stops a second
        # save, so nothing typed can change the call meanwhile. The fields are greyed out
        # only when the write is slow: repainting the dialog while it commits would keep
        # the database thread waiting for the interpreter.
        self.saving = True
        # The call's length is what it is now: the hint stays as it is while it saves, and
        # a save tried again keeps it.
        self._stop_call_time()
        self._call_ended_at = ended
        self._slow_save_timers = [
            self.set_timer(SHOW_SAVING_AFTER_S, self._show_saving),
            # Another program holding the write lock makes the save wait (up to the busy
            # timeout): say so instead of looking stuck.
            say_when_waiting(self, self._error),
        ]
        saving = self.save_call(entry)
        self._hold_painting()
        self._write(saving)

    def _not_saved(self, reason: str | None) -> None:
        """Enter did not save: say why (None when the reason is already under its field).
        The keys typed after enter were meant for the next prospect; they are dropped,
        never typed into this call."""
        said = [reason] if reason else []
        self._error(" · ".join(said))
        self.funnel.drop_held_keys_once_shown(
            lambda: self._error(" · ".join([*said, KEYS_NOT_APPLIED]))
        )

    def _hold_painting(self) -> None:
        """Paint nothing while the call commits (a few milliseconds, keys held meanwhile):
        a frame painted then, this dialog's first with the main screen dimmed beneath it,
        takes the interpreter from the database thread for longer than the commit takes.
        The commit, a failed write or the 0.2 s "Saving…" ends the hold."""
        self._resume_painting()
        self._painting_held.enter_context(self.app.batch_update())

    def _resume_painting(self) -> None:
        self._painting_held.close()

    def _show_saving(self) -> None:
        self._resume_painting()
        self._error("Saving…")
        self._set_saving(True)

    def _set_saving(self, saving: bool) -> None:
        """Grey out the fields while a slow write is in flight, or give them back after it,
        with the focus where it was: a field greyed out loses it, and the keys typed once a
        failed save said why went nowhere (the dialog looked frozen)."""
        self.saving = saving
        if saving:
            self._focused_before_saving = self.focused
        for field in (*self.query(Input).results(Input), self.reason_picker):
            field.disabled = saving
        self.query_one(OptionList).disabled = saving
        if not saving and self._focused_before_saving is not None:
            self.set_focus(self._focused_before_saving)
            self._focused_before_saving = None

    def _date_out_of_the_note(self, outcome: Outcome) -> bool:
        """A note that reads, all of it, as the day or time of the outcome's empty date
        field goes to that field, and this enter saves nothing; True when it moved.

        A pick or a reason that moves on by itself makes a reflex tab skip the date: `x t
        tab in 12 weeks` wrote the revisit date into the note, and the lead was lost with
        no revisit. Decided here, once every key before enter has landed, so it does not
        depend on how fast the keys came; the rep sees where it went and enter saves.
        """
        text = self.note.value.strip()
        if not text or text in self._moved_from_note or HOURS_RANGE.fullmatch(text):
            return False
        for question in outcome.spec.asks:
            field = self.field(question.ask)
            if question.ask not in DATED_ASKS or not isinstance(field, Input) or field.value:
                continue
            try:
                if self._answer(question, text) is None:
                    continue
            except AnswerRefused:
                continue
            self._moved_from_note.add(text)
            self.note.value = ""
            field.value = text
            # Carried on from its end, as a field moved into is: ctrl+u takes it out.
            field.cursor_position = len(text)
            self._read_back(question)
            self.set_focus(field)
            self._not_saved(
                f"Not saved yet: “{text}” moved from the note to {question.label};"
                " enter saves (ctrl+u there takes it out)"
            )
            return True
        return False

    def _entry(self, outcome: Outcome, ended: datetime) -> CallOutcome | None:
        """The call as the fields read, of the length it had when it `ended`; None, with
        each refused field saying why under it and the first of them focused, when one
        cannot be saved as it is."""
        answers: dict[Ask, Answer | None] = {}
        refused: list[Ask] = []
        for question in outcome.spec.asks:
            if question.ask not in TYPED_ASKS:
                continue
            try:
                answers[question.ask] = self._answer(question)
            except AnswerRefused as error:
                # Under the field it is about, where typing replaces it with what the field
                # reads.
                self._say_under(question.ask, self._refusal(question, error))
                refused.append(question.ask)
        if refused:
            self.set_focus(self.field(refused[0]))
            self._not_saved(None)
            return None
        if turned := self._turned_day(answers):
            question, day_shown = turned
            # The rep confirmed the day shown, not the one the text reads as now.
            self._read_back(question)
            self.set_focus(self.field(question.ask))
            self._not_saved(turned_message(question.label, day_shown))
            return None

        def value(ask: Ask) -> Any:
            answer = answers.get(ask)
            return None if answer is None else answer.value

        started = self.context.started_at
        if started is not None and ran_too_long(started, ended):
            # The dialog was open as the call passed the limit a running call has (an app
            # left open overnight): that length is no talk time, so the call goes without
            # it, and the toast says so.
            started = None
        return CallOutcome(
            outcome=outcome,
            notes=self.note.value,
            follow_up_at=value(Ask.WHEN),
            amount_cents=value(Ask.AMOUNT),
            close_on=value(Ask.CLOSE_ON),
            reason=self.reason_picker.reason if outcome.spec.asks_for(Ask.REASON) else None,
            revisit_on=value(Ask.REVISIT_ON),
            started_at=started,
            duration_s=int(seconds_between(started, ended)) if started else 0,
        )

    def _turned_day(self, answers: Mapping[Ask, Answer | None]) -> tuple[Question, date] | None:
        """The first date field that reads, at enter, on another day than the reading
        shown under it said (ShownDays), with that day."""
        assert self.outcome is not None
        for question in self.outcome.spec.asks:
            answer = answers.get(question.ask)
            if answer is None or not isinstance(answer.value, date):
                continue
            text = self.typed_field(question.ask).value
            zone = self.clock().tzinfo
            if day := self._shown_days.turned(question.ask, text, answer.value, zone):
                return question, day
        return None

    @work(exclusive=True, group="save-outcome")
    async def _write(self, saving: Awaitable[LoggedCall]) -> None:
        try:
            try:
                logged = await saving
            finally:
                self._resume_painting()
        except Exception as error:  # any failed write keeps the dialog open with the reason
            self._stop_slow_save_timers()
            self._set_saving(False)
            self._not_saved(_why_not_saved(error))
            return
        self._stop_slow_save_timers()
        self.saving = False
        self.dismiss(logged)

    def _stop_slow_save_timers(self) -> None:
        for timer in self._slow_save_timers:
            timer.stop()
        self._slow_save_timers = []

    def has_changes(self) -> bool:
        """Whether the rep gave anything the dialog would throw away: a note, a reason
        picked, or a field's text other than what the dialog put there (a win's open deal
        value)."""
        if self.query_one("#outcome-note", Input).value.strip():
            return True
        if self.outcome is None:
            return False
        for ask in FIELD_NAMES:
            if self.query_one(f"#outcome-{FIELD_NAMES[ask]}-row").has_class("hidden"):
                continue
            if ask is Ask.REASON:
                if self.reason_picker.reason is not None:
                    return True
                continue
            if self.typed_field(ask).value != self._prefilled(ask):
                return True
        return False

    def action_cancel(self) -> None:
        """Escape closes at once, unless a note or a field holds what the rep typed: then
        it asks first, as the other dialogs do."""
        if self.saving:
            self.dismiss(None)
            return
        super().action_cancel()

    def on_screen_suspend(self) -> None:
        self._stop_call_time()
        if self._minute_timer is not None:
            self._minute_timer.stop()
            self._minute_timer = None
        # Closed: the keys typed meanwhile belong to the screen below.
        self.funnel.release_keys()


def _revisit_come(tasks: Sequence[Task], today: date | None) -> bool:
    """Whether one of the prospect's open tasks is a revisit due by today: a try then works
    a lost prospect again, and books what it gives."""
    return today is not None and any(
        task.kind is TaskKind.REVISIT
        and task.due_at is not None
        and task.due_at.astimezone().date() <= today
        for task in tasks
    )


def _why_not_saved(error: Exception) -> str:
    """What the dialog says of a save that failed, and what enter does next."""
    if isinstance(error, ProspectGone):
        return (
            "Not saved: this prospect was removed meanwhile (forgotten or deleted"
            " elsewhere); escape closes"
        )
    if isinstance(error, OwnedByAnother):
        # Moved by `funnel assign` while the dialog was open: trying again changes
        # nothing until they are moved back; what was typed stays until then.
        return (
            f"Not saved: {error}. It stays here: enter saves it once they are yours again"
            " (funnel assign moves them back); escape drops it"
        )
    if isinstance(error, MarkedDoNotCallMeanwhile):
        # As `l` asks on a prospect marked do not call: told, the rep may still log it.
        return f"Not saved: {error} (enter logs it anyway, escape drops it)"
    if isinstance(error, CalledMeanwhile):
        # Told of the other rep's call, the rep may log theirs beside it: no retry of a
        # failed save, a second call.
        return f"Not saved: {error} (enter logs yours too, escape drops it)"
    if isinstance(error, ConnectionLost):
        # The call keeps its request id: enter once the database is back saves it once,
        # also if this try's commit went through and only the answer was lost.
        return (
            f"Not saved yet: the team database is out of reach ({error.reason}); the call"
            " stays here: enter saves it once the database is back"
        )
    return not_saved_text(error)
