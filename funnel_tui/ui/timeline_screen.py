"""TimelineScreen: the prospect's whole story, newest first, with the open tasks on top to
reschedule, mark done or cancel (PRODUCT section 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from funnel_tui.dates import WhenError
from funnel_tui.domain import TaskKind, TaskStatus
from funnel_tui.emailing.fit import email_refused_by_id
from funnel_tui.emailing.record import invite_sent
from funnel_tui.outcome_answers import Answer, Reading, read_follow_up
from funnel_tui.store.sqlite import describe_error
from funnel_tui.tasks import Task, TaskChangeRefused, close_task, reschedule_task
from funnel_tui.text import one_line
from funnel_tui.timeline import Entry, TimelinePage, read_history, read_timeline
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED, DroppedKeys, once_caught_up
from funnel_tui.ui.formatting import (
    day_and_time,
    read_back_line,
    read_back_text,
    task_due_label,
    task_kind_label,
)
from funnel_tui.ui.key_bar import KeyBar
from funnel_tui.ui.late_style import late_style
from funnel_tui.ui.readable_options import ReadableOptionList
from funnel_tui.ui.shown_days import ShownDays, minute_of, turned_message
from funnel_tui.ui.slow_write import not_saved_text, waiting_said
from funnel_tui.ui.styled_as_mounted import StyledAsMounted
from funnel_tui.ui.timeline_entries import entry_line, open_task_line

if TYPE_CHECKING:
    import sqlite_utils

    from funnel_tui.ui.app import FunnelApp

# Older entries are read once the cursor comes this close to the last one shown.
LOAD_MORE_WITHIN = 5
TASK_PREFIX = "task-"


# A meeting whose invite went out, moved or called off: the email that changes it in the
# prospect's calendar, and what it does.
INVITE_CHANGES = {
    "rescheduled": ("Meeting confirmation", "sends them the new time"),
    "cancelled": ("Meeting cancelled", "takes it off their calendar"),
}


# What keys do while a new time is typed: escape leaves the field, the others are its own.
IN_THE_FIELD = frozenset({"close", "other_day", "save_when", "stay_in_field"})


class TimelineScreen(AnswersOnce, StyledAsMounted, Screen[bool]):
    """Returns True when a task was changed, so the queue and the card are read again."""

    # Priority bindings run in the order the keys arrive, before any key reaches the list,
    # so `j d y` typed at full speed marks the next task done; check_action turns them off
    # while the new time is typed, so letters there are text.
    BINDINGS = [
        Binding("r", "reschedule", "Reschedule task", priority=True),
        Binding("d", "done", "Task done", priority=True),
        Binding("c", "cancel_task", "Cancel task", priority=True),
        # In the new time's field, as in the outcome dialog's: an ambiguous `next fri`
        # switches to the other Friday, and back.
        Binding("down", "other_day", "Other day", show=False, priority=True),
        Binding("enter", "save_when", "Save new time", priority=True),
        Binding("tab,shift+tab", "stay_in_field", show=False, priority=True),
        Binding("j,down", "cursor('down')", "Down", show=False, priority=True),
        Binding("k,up", "cursor('up')", "Up", show=False, priority=True),
        Binding("escape", "close", "Close", priority=True),
        Binding("h,q", "close_list", "Close", show=False, priority=True),
    ]

    AUTO_FOCUS = "#timeline-entries"

    def __init__(
        self,
        prospect_id: int,
        prospect_name: str,
        prospect_timezone: str | None,
        *,
        theirs: str | None = None,
    ) -> None:
        super().__init__()
        self.prospect_id = prospect_id
        self.prospect_name = prospect_name
        self.prospect_timezone = prospect_timezone
        # Whose the prospect is when not the rep's (`Ann Archer is blake's now`): a task
        # of theirs is done or cancelled only when the question says so, and only with y.
        self.theirs = theirs
        self.tasks: dict[int, Task] = {}
        self.page: TimelinePage | None = None
        self.changed = False
        self._rescheduling: Task | None = None
        # A new time enter could not write, given back, and why (_give_back_when).
        self._save_refused: tuple[str, Text] | None = None
        # Whether down switched the new time to the other day its text can mean.
        self._other_day_chosen = False
        # The minute the new time was last read on.
        self._minute_read: datetime | None = None
        # Whether the keys typed after a refused enter were dropped, and said so.
        self._dropped_keys = DroppedKeys()
        # What the new time typed was shown to read as: checked again as enter saves it.
        self._shown_days = ShownDays()

    @property
    def funnel(self) -> FunnelApp:
        return self.app  # type: ignore[return-value]

    @property
    def entries(self) -> OptionList:
        return self.query_one("#timeline-entries", OptionList)

    @property
    def when_field(self) -> Input:
        return self.query_one("#timeline-when", Input)

    @property
    def status(self) -> Static:
        return self.query_one("#timeline-status", Static)

    def compose(self) -> ComposeResult:
        with Vertical(id="timeline-box"):
            yield Label(
                Text.assemble("Timeline · ", (one_line(self.prospect_name), "bold")),
                id="timeline-title",
                classes="dialog-title",
            )
            yield ReadableOptionList(id="timeline-entries")
            yield Input(
                placeholder="new time: tomorrow 10am, fri 2pm, in 3 days · esc keeps it",
                id="timeline-when",
                classes="hidden",
                select_on_focus=False,
            )
            yield Static(id="timeline-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.watch(self.when_field, "value", self._when_edited, init=False)
        self._read()
        self._minute_read = minute_of(self.funnel.clock())
        self.set_interval(1, self._follow_the_minute)
        self.funnel.day_turned_signal.subscribe(self, self._day_turned)

    def on_unmount(self) -> None:
        # The signal's callback holds the screen: kept until the signal is told it is gone,
        # every screen closed stayed in memory.
        self.funnel.day_turned_signal.unsubscribe(self)

    def _day_turned(self, _today: date) -> None:
        """Left open past midnight, the list said `due today` of a task due yesterday:
        it is read again, on the task the cursor is on."""
        option = self.entries.highlighted_option
        task = None
        if option is not None and option.id and option.id.startswith(TASK_PREFIX):
            task = int(option.id.removeprefix(TASK_PREFIX))
        self._read(select_task=task)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While a new time is typed, letters are text, down is the other day and escape
        # leaves the field.
        if isinstance(self.focused, Input):
            return action in IN_THE_FIELD
        return action not in IN_THE_FIELD - {"close"}

    def action_close_list(self) -> None:
        """`h` or `q` close, like escape, but only when no time is being typed."""
        self.action_close()

    # Reading -----------------------------------------------------------------------

    def _read(self, *, select_task: int | None = None) -> None:
        """Read the open tasks and the newest page of the story and show them: a few
        indexed reads, on this thread, so a key typed after `h` acts on what is listed."""
        # An older page still being read would follow the list as it was.
        self.workers.cancel_group(self, "timeline-older")
        timeline = read_timeline(self.funnel.storage.db, self.prospect_id)
        now = self.funnel.clock()
        self.tasks = {task.id: task for task in timeline.open_tasks}
        self.page = timeline.history
        options: list[Option | None] = [_heading("Open tasks")]
        late = late_style(self.app)
        options += [
            Option(
                open_task_line(task, now, self.prospect_timezone, late),
                id=f"{TASK_PREFIX}{task.id}",
            )
            for task in timeline.open_tasks
        ] or [_dim("none open")]
        options += [None, _heading("History, newest first")]
        options += self._history_options(timeline.history.entries, now) or [_dim("nothing yet")]
        entries = self.entries
        entries.set_options(options)
        wanted = select_task if select_task in self.tasks else None
        if wanted is None and timeline.open_tasks:
            wanted = timeline.open_tasks[0].id
        if wanted is not None:
            entries.highlighted = entries.get_option_index(f"{TASK_PREFIX}{wanted}")
        else:
            entries.action_first()

    def _history_options(self, history: list[Entry], now: datetime) -> list[Option]:
        currency, zone, rep = self.funnel.settings.currency, self.prospect_timezone, self.funnel.rep
        return [Option(entry_line(entry, now, currency, zone, rep)) for entry in history]

    @on(OptionList.OptionHighlighted, "#timeline-entries")
    def _near_the_end(self, event: OptionList.OptionHighlighted) -> None:
        page = self.page
        if (
            page is not None
            and page.more
            and event.option_index >= (self.entries.option_count - LOAD_MORE_WITHIN)
        ):
            self.page = None  # one read at a time
            self._read_older(page)

    @work(exclusive=True, group="timeline-older")
    async def _read_older(self, after: TimelinePage) -> None:
        prospect_id = self.prospect_id
        page = await self.funnel.in_db_thread(lambda db: read_history(db, prospect_id, after=after))
        self.page = page
        self.entries.add_options(self._history_options(page.entries, self.funnel.clock()))

    def action_cursor(self, direction: str) -> None:
        if direction == "down":
            self.entries.action_cursor_down()
        else:
            self.entries.action_cursor_up()

    # Changing a task -------------------------------------------------------------

    def _selected_task(self) -> Task | None:
        """The open task under the cursor; says so when the cursor is on something else."""
        option = self.entries.highlighted_option
        if option is not None and option.id and option.id.startswith(TASK_PREFIX):
            return self.tasks.get(int(option.id.removeprefix(TASK_PREFIX)))
        self._say(Text("Select an open task first (at the top).", "yellow"))
        return None

    async def action_reschedule(self) -> None:
        task = self._selected_task()
        if task is None:
            return
        if self.theirs is None:
            self._ask_when(task)
            return
        question = Text.assemble(
            "Reschedule the ",
            (task_kind_label(task), "bold"),
            f" due {task_due_label(task, self.funnel.clock())}?",
        )

        def ask_when() -> None:
            self._ask_when(task)
            # The yes held the keys typed after it: they are the new time.
            self.funnel.release_keys()

        await self._if_confirmed(question, ask_when, yes="reschedule it")

    def _ask_when(self, task: Task) -> None:
        self._rescheduling = task
        self.when_field.value = ""
        self.when_field.remove_class("hidden")
        self._say(Text(""))
        # Synchronous, so the letters typed right after `r` go into the field.
        self.set_focus(self.when_field)

    def _typed_when(self) -> Answer:
        """The new time as typed, read back with the outcome dialog's warnings; WhenError
        when it does not read as a future moment."""
        reading = Reading(
            now=self.funnel.clock(),
            settings=self.funnel.settings,
            prospect_timezone=self.prospect_timezone,
            other_week=self._other_day_chosen,
        )
        return read_follow_up(self.when_field.value, reading)

    def _when_edited(self) -> None:
        # Watched, not a message: a message for the keys typed before down would come
        # after down had switched the day, and switch it back.
        self._other_day_chosen = False

    @on(Input.Changed, "#timeline-when")
    def _when_changed(self) -> None:
        self._check_when()

    def _check_when(self, *, seen: bool = True) -> Answer | None:
        """The typed time read back before it is saved, or why it cannot be read; `seen`
        records the day it reads as as the one the rep saw (not for a reading the clock
        moved on by itself)."""
        if not self.when_field.value.strip():
            self._say(Text(""))
            return None
        try:
            answer = self._typed_when()
        except WhenError as error:
            self._say(Text(str(error), "red"))
            return None
        # As the outcome dialog reads a callback back: what it reads as, the other day
        # down switches to, and any warning; and why enter did not save it, until the
        # time is changed.
        read_back = read_back_line(answer, self._other_day_chosen)
        refused = self._save_refused
        if refused is not None and refused[0] == self.when_field.value:
            read_back = Text.assemble(read_back, "\n", refused[1])
        self._say(read_back)
        if seen:
            self._shown_days.shown(
                "when", self.when_field.value, answer.value, self.funnel.clock().tzinfo
            )
        return answer

    def _follow_the_minute(self) -> None:
        """A new time read from now (`in 3 days`) moves on with the clock: read again once
        the minute turns, its preview says what enter would save."""
        minute = minute_of(self.funnel.clock())
        if minute == self._minute_read:
            return
        self._minute_read = minute
        if self._rescheduling is not None:
            self._check_when(seen=False)

    def action_other_day(self) -> None:
        """Down in the new time's field: an ambiguous `next fri` switches to the other
        Friday, and back again. Decided once the field has taken the keys typed before
        down, holding those typed after it meanwhile (as the outcome dialog does)."""
        self.funnel.hold_keys()
        self.when_field.call_later(self._switch_day)

    def _switch_day(self) -> None:
        if self._other_day_chosen or self._can_switch():
            self._other_day_chosen = not self._other_day_chosen
            self._check_when()
        self.funnel.release_keys()

    def _can_switch(self) -> bool:
        """Whether the new time's text can mean another day, to switch to with down."""
        if self._rescheduling is None or not self.when_field.value.strip():
            return False
        try:
            return bool(self._typed_when().other)
        except WhenError:
            return False

    def action_save_when(self) -> None:
        """Enter in the new time's field saves the moment it arrives, once the field has
        taken the keys typed before it: the keys typed after it (down, escape, a letter)
        are held for the list, never switch the day or join the text before the save."""
        self.funnel.hold_keys()
        once_caught_up([self.when_field], self._save_when)

    def _save_when(self) -> None:
        task = self._rescheduling
        if task is None:
            self.funnel.release_keys()
            return
        try:
            answer = self._typed_when()
        except WhenError as error:
            # In place: the field keeps what was typed, nothing is saved.
            self._not_saved(Text(str(error), "red"))
            return
        due_at, zone = answer.value, self.funnel.clock().tzinfo
        if day := self._shown_days.turned("when", self.when_field.value, due_at, zone):
            # The rep confirmed the day shown, not the one the text reads as now. Read in
            # this minute: the minute's reading again (_follow_the_minute) would replace
            # why nothing was saved with the bare preview a moment later.
            self._minute_read = minute_of(self.funnel.clock())
            said = turned_message("the new time", day)
            self._not_saved(Text.assemble((said, "red"), "\n", read_back_text(answer)))
            return
        typed = self.when_field.value
        self._leave_when_field()
        # The keys held since enter act once the list shows the task moved (_change); a
        # write that fails gives the new time back (`typed`).
        self._change(
            task, "rescheduled", lambda db: reschedule_task(db, task.id, due_at), typed=typed
        )

    def _not_saved(self, why: Text) -> None:
        """Enter saved nothing: say why; the keys typed after it were meant for the list,
        and are dropped, never typed into the new time."""
        self._say(why)
        self._dropped_keys.drop_once_shown(
            self, lambda: self._say(Text.assemble(why, ("\n" + KEYS_NOT_APPLIED, "red")))
        )

    def claims_key(self, key: str) -> bool:
        """Tab and shift+tab are the new time's own while it is typed (FunnelApp's
        focus keys leave them to it)."""
        return key in ("tab", "shift+tab") and self.focused is self.when_field

    def action_stay_in_field(self) -> None:
        """Tab in the new time's field: it stays, as nothing else takes a time (a tab left
        the preview on screen, and enter in the list then saved nothing)."""
        self.app.bell()

    def _leave_when_field(self) -> None:
        self._rescheduling = None
        self._save_refused = None
        self.when_field.add_class("hidden")
        self.set_focus(self.entries)

    async def action_done(self) -> None:
        # Asked first, as cancel is: one stray `d` must not close a promised callback.
        await self._ask_to_close(
            TaskStatus.DONE, "Mark the ", " due {due} done?", said="done", yes="mark it done"
        )

    async def action_cancel_task(self) -> None:
        await self._ask_to_close(
            TaskStatus.CANCELLED, "Cancel the ", " task ({due})?", said="cancelled", yes="cancel it"
        )

    async def _ask_to_close(
        self, status: TaskStatus, before: str, after: str, *, said: str, yes: str
    ) -> None:
        """Close the selected task once the rep says yes to `before` KIND `after`."""
        task = self._selected_task()
        if task is None:
            return
        question = Text.assemble(
            before,
            (task_kind_label(task), "bold"),
            after.format(due=task_due_label(task, self.funnel.clock())),
            self._last_one_left(),
        )
        await self._if_confirmed(
            question,
            lambda: self._close(task, status, said),
            yes=yes,
            last_one=len(self.tasks) == 1,
        )

    def _last_one_left(self) -> str:
        """Said when the task is the prospect's only open one: closed, nothing follows."""
        if len(self.tasks) != 1:
            return ""
        name = one_line(self.prospect_name)
        return (
            f" It is {name}'s only open task: no follow-up is left (n, then r, moves it instead)."
        )

    async def _if_confirmed(
        self, question: Text, then: Callable[[], None], *, yes: str, last_one: bool = False
    ) -> None:
        """`then` once the rep says yes; on another rep's prospect the question names whose
        they are, and only y says yes, as for closing the prospect's `last_one` open task,
        which no reflex enter should do."""
        from funnel_tui.ui.confirm_dialog import ConfirmDialog

        def answered(confirmed: bool | None) -> None:
            # A yes holds the keys typed after it: `then` gives them back once done.
            if confirmed:
                then()

        if self.theirs is not None:
            question = Text.assemble(f"{self.theirs}. ", question)
        enter_says_yes = self.theirs is None and not last_one
        dialog = ConfirmDialog(question, yes=yes, enter_says_yes=enter_says_yes)
        await self.app.push_screen(dialog, answered)

    def _close(self, task: Task, status: TaskStatus, said: str) -> None:
        now = self.funnel.clock()
        self._change(task, said, lambda db: close_task(db, task.id, status, now=now))

    def _change(
        self,
        task: Task,
        said: str,
        write: Callable[[sqlite_utils.Database], Task],
        *,
        typed: str | None = None,
    ) -> None:
        """Write in the database thread. The keys typed meanwhile wait until the list shows
        the tasks as they are after it, so `d d` closes two tasks, not one twice. A new
        time `typed` comes back in its field if the write fails."""
        self.funnel.hold_keys()
        self._write(task, said, write, typed)

    @work(group="timeline-write")
    async def _write(
        self,
        task: Task,
        said: str,
        write: Callable[[sqlite_utils.Database], Task],
        typed: str | None,
    ) -> None:
        now = self.funnel.clock()

        def write_then_ask(db: sqlite_utils.Database) -> tuple[Task, bool]:
            """Write; the task as written, and whether the meeting changed, still ahead,
            had been sent its invite, and may be emailed the change."""
            changed = write(db)
            invited = invite_sent(db, task.id, self.funnel.rep)
            if task.kind is not TaskKind.MEETING or not invited:
                return changed, False
            if changed.due_at is None or changed.due_at < now:
                return changed, False
            return changed, email_refused_by_id(db, task.prospect_id) is None

        try:
            with waiting_said(self, lambda message: self._say(Text(message, "italic"))):
                changed, invited = await self.funnel.in_db_thread(write_then_ask)
        except TaskChangeRefused as refused:
            message = Text(f"Not changed: {refused}", "red")
        except Exception as error:  # a failed write changes nothing; the screen carries on
            if typed is not None:
                # The new time was lost with the field (another program's lock held past
                # the wait): it is given back, and enter tries again.
                self._give_back_when(task, typed, Text(not_saved_text(error), "red"))
                return
            described = describe_error(error)
            # Most reasons say to try again already (`... try again in a moment`).
            again = "" if "try again" in described else " (try again)"
            message = Text(f"Not saved: {described}{again}", "red")
        else:
            self.changed = True
            message = Text(f"The {task.kind.value if task.kind else 'task'} is {said}")
            if said == "rescheduled" and changed.due_at is not None:
                message.append(f" to {day_and_time(changed.due_at, now)}")
            message.append(".")
            if invited and said in INVITE_CHANGES:
                # Their calendar holds the meeting as the invite gave it.
                template, change = INVITE_CHANGES[said]
                message.append(
                    f" {one_line(self.prospect_name)} was sent its invite: E, then {template},"
                    f" {change}.",
                    "bold",
                )
        try:
            # Whatever happened, the list shows the tasks as they are now.
            self._read(select_task=task.id)
            self._say(message)
        finally:
            self.funnel.release_keys()

    def _give_back_when(self, task: Task, typed: str, why: Text) -> None:
        """A reschedule that could not be written: the field again, with the new time as
        typed and why it was not saved (not_saved_text: and that enter tries again); the
        keys typed after enter were meant for the list and are dropped, never typed into
        it."""
        self._ask_when(task)
        # Said under the read-back of the time given back, which its change shows.
        self._save_refused = (typed, why)
        self.when_field.value = typed
        self.when_field.cursor_position = len(typed)
        self._not_saved(why)

    def _say(self, message: Text) -> None:
        self.status.update(message)

    def action_close(self) -> None:
        if self._rescheduling is not None:
            self._leave_when_field()
            self._say(Text("Not rescheduled.", "dim"))
            return
        if self.changed:
            # The keys typed after escape wait for the queue read again (MainScreen).
            self.funnel.hold_keys()
        self.dismiss(self.changed)


def _heading(title: str) -> Option:
    return Option(Text(title, "bold underline"), disabled=True)


def _dim(text: str) -> Option:
    return Option(Text(text, "dim italic"), disabled=True)
