"""Logging the demo's stories through `log_call`, each call at the moment the rep made it.

Replaying the calls through the app's own `log_call`, with the clock frozen at each call,
makes the demo book what the app itself would have written: the tasks each outcome closes
and makes, the cadence's spacing, stages, kinds, attempts and the undo history. The
calls of all the stories are logged in time order, each when the task it answers is due
(a little late, as reps are) and never outside the calling hours of either side.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.demo_calendar import SAFETY, DemoCalendar
from funnel_tui.demo_people import CALL_NOTES, REFUSAL_NOTES
from funnel_tui.demo_timeline import (
    AppointmentAt,
    Due,
    Step,
    Story,
    leading_attempt,
    timeline,
)
from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    MEETING_OUTCOMES,
    Outcome,
    Stage,
    TaskKind,
)
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.tasks import open_tasks
from funnel_tui.timestamps import to_stored

if TYPE_CHECKING:
    import sqlite_utils

DURATION_S: dict[Outcome, tuple[int, int]] = {
    Outcome.NO_ANSWER: (20, 40),
    Outcome.VOICEMAIL: (35, 80),
    Outcome.BUSY: (5, 15),
    Outcome.GATEKEEPER: (40, 150),
    Outcome.CALLBACK: (120, 360),
    Outcome.MEETING: (300, 900),
    Outcome.MEETING_HELD: (1800, 3600),
    Outcome.NO_SHOW: (60, 300),
    Outcome.PROPOSAL_SENT: (300, 900),
    Outcome.WON: (420, 900),
    Outcome.NOT_INTERESTED: (120, 300),
    Outcome.WRONG_NUMBER: (15, 45),
    Outcome.DO_NOT_CALL: (30, 90),
}
# Share of calls that reached nobody on which the rep still jots a note.
UNCONNECTED_NOTE_SHARE = 0.3
ALWAYS_NOTED = CONNECT_OUTCOMES | {Outcome.NO_SHOW, Outcome.WRONG_NUMBER, Outcome.DO_NOT_CALL}
# How long after a task falls due the rep gets to it, at most.
LATENESS_MINUTES = 40
# A call made without a task starts early enough to be logged before now.
LONGEST_UNPROMPTED_CALL = timedelta(minutes=15)
# The task an appointment-answering outcome is for; every other outcome answers the call,
# callback or revisit due.
CALLED_FOR = (TaskKind.CALL, TaskKind.CALLBACK, TaskKind.REVISIT)


@dataclass
class Plan:
    """A story placed in time for one prospect, and how far its replay has got."""

    story: Story
    timezone: str | None
    steps: tuple[Step, ...]
    first_call: datetime | None
    # The moment the story's last booked appointment falls (AppointmentAt endings).
    last_due: datetime | None
    prospect_id: int = 0
    logged: int = 0
    last_call_ended: datetime | None = None

    @property
    def last_booking(self) -> int | None:
        """The index of the step that books the story's last appointment."""
        bookings = [
            index
            for index, step in enumerate(self.steps)
            if step.book_in is not None and step.outcome not in CADENCE_OUTCOMES
        ]
        return bookings[-1] if bookings else None


def appointment_due(
    ending: AppointmentAt, timezone: str | None, calendar: DemoCalendar
) -> datetime | None:
    """A half-hour appointment time that suits both sides, due as `ending` says; None when
    the rep and the prospect have no hours in common."""
    today, now = calendar.today, calendar.now
    if ending.when is Due.OVERDUE:
        days = [calendar.shift(today, -1), today] if calendar.is_business_day(today) else []
        candidates = [
            slot
            for day in days or [calendar.shift(today, -2), calendar.shift(today, -1)]
            for slot in calendar.slots(day, timezone)
            if slot < now - SAFETY
        ]
        fallback = calendar.shift(today, -1)
    elif ending.when is Due.LATER_TODAY:
        candidates = [slot for slot in calendar.slots(today, timezone) if slot >= now + SAFETY]
        fallback = calendar.shift(today, 1)
    else:
        candidates = []
        fallback = calendar.shift(today, ending.days_ahead)
    return calendar.rng.choice(candidates) if candidates else calendar.slot_from(fallback, timezone)


def place(story: Story, timezone: str | None, calendar: DemoCalendar, settings: Settings) -> Plan:
    """When the story's first call must be made for it to end as it says; the leading
    unanswered attempts that would fall before the month of history are left out."""
    if story.ending is None or not story.steps:
        return Plan(story, timezone, (), None, None)
    last_due = None
    if isinstance(story.ending, AppointmentAt):
        last_due = appointment_due(story.ending, timezone, calendar)
        anchor = calendar.rep_day(last_due) if last_due else calendar.today
    else:
        anchor = story.ending.day
    steps = story.steps
    while True:
        first_day = calendar.shift(anchor, -timeline(steps, settings).anchor(story.ending))
        if first_day >= calendar.window_start or not leading_attempt(steps):
            break
        steps = steps[1:]
    latest = calendar.now - SAFETY - LONGEST_UNPROMPTED_CALL
    first_call = None
    for offset in range(3):
        day = calendar.shift(first_day, offset)
        if day > calendar.today:
            break
        if first_call := calendar.moment_on(day, timezone, before=latest):
            break
    return Plan(story, timezone, steps, first_call, last_due)


def _next_start(db: sqlite_utils.Database, plan: Plan, calendar: DemoCalendar) -> datetime | None:
    """When the rep makes the plan's next call: when the task it answers is due (a meeting
    at its time), or, for a call made without a task, some time on its day."""
    step = plan.steps[plan.logged]
    assert plan.last_call_ended is not None
    if step.unprompted_after is not None:
        day = calendar.shift(calendar.rep_day(plan.last_call_ended), step.unprompted_after)
        latest = calendar.now - SAFETY - LONGEST_UNPROMPTED_CALL
        return calendar.moment_on(day, plan.timezone, before=latest)
    wanted = (TaskKind.MEETING,) if step.outcome in MEETING_OUTCOMES else CALLED_FOR
    due = [task.due_at for task in open_tasks(db, plan.prospect_id) if task.kind in wanted]
    if not due or due[0] is None:
        return None
    if step.outcome in MEETING_OUTCOMES:
        return due[0]
    due_at = max(due[0], plan.last_call_ended)
    late = timedelta(minutes=calendar.rng.randint(0, LATENESS_MINUTES))
    start = calendar.callable_from(due_at + late, plan.timezone)
    if start is not None and calendar.rep_day(start) != calendar.rep_day(due_at):
        # Late, but not so late that the hours close: a task due near closing is called
        # on time rather than tomorrow.
        start = calendar.callable_from(due_at, plan.timezone)
    return start


def _booked(plan: Plan, step: Step, started: datetime, calendar: DemoCalendar) -> datetime | None:
    """The appointment the step books: the story's last one at its planned moment, the
    others `book_in` business days on."""
    if step.book_in is None:
        return None
    ends = started + timedelta(hours=1)
    if plan.logged == plan.last_booking and plan.last_due is not None and plan.last_due > ends:
        return plan.last_due
    day = calendar.shift(calendar.rep_day(started), step.book_in)
    return calendar.slot_from(day, plan.timezone)


def _note(step: Step, rng: random.Random) -> str | None:
    if step.outcome is Outcome.NOT_INTERESTED and step.reason is not None:
        return rng.choice(REFUSAL_NOTES[step.reason])
    if step.outcome in ALWAYS_NOTED or rng.random() < UNCONNECTED_NOTE_SHARE:
        return rng.choice(CALL_NOTES[step.outcome])
    return None


def _log(
    db: sqlite_utils.Database,
    plan: Plan,
    started: datetime,
    calendar: DemoCalendar,
    settings: Settings,
) -> bool:
    """Log the plan's next call at `started`; False when the rep has not got to it yet."""
    rng = calendar.rng
    step = plan.steps[plan.logged]
    logged_at = started + timedelta(seconds=rng.randint(*DURATION_S[step.outcome]))
    if logged_at >= calendar.now - SAFETY:
        return False
    follow_up_at = _booked(plan, step, started, calendar)
    if step.book_in is not None and follow_up_at is None:
        return False  # no time both sides can meet: the story stops here
    entry = CallOutcome(
        outcome=step.outcome,
        notes=_note(step, rng),
        follow_up_at=follow_up_at,
        amount_cents=step.amount_cents,
        close_on=step.close_on,
        reason=step.reason,
        revisit_on=step.revisit_on,
        started_at=started,
        duration_s=int((logged_at - started).total_seconds()),
    )
    flags_before = db.execute("SELECT coalesce(max(id), 0) FROM flag_changes").fetchone()[0]
    logged = log_call(db, plan.prospect_id, entry, now=logged_at, settings=settings)
    with write_transaction(db):
        # The triggers stamp from the machine's clock; the demo's clock is the call's.
        db.execute(
            "UPDATE flag_changes SET changed_at = ? WHERE id > ?",
            [to_stored(logged_at), flags_before],
        )
        # What the call wrote, for undo, holds the stamp the clock gave the row.
        db.execute(
            "UPDATE undo_log SET prospect_before ="
            " json_set(prospect_before, '$.wrote.updated_at', ?)"
            " WHERE call_id = ? AND json_type(prospect_before, '$.wrote.updated_at') = 'text'",
            [to_stored(logged_at), logged.call_id],
        )
        # Once a meeting is booked the rep puts a value on the opportunity (the edit form).
        db.execute(
            "UPDATE prospects SET updated_at = ?, deal_value_cents = CASE"
            " WHEN stage IN (?, ?) THEN coalesce(deal_value_cents, ?)"
            " ELSE deal_value_cents END WHERE id = ?",
            [
                to_stored(logged_at),
                Stage.MEETING.value,
                Stage.QUALIFIED.value,
                plan.story.estimate_cents,
                plan.prospect_id,
            ],
        )
    plan.last_call_ended = logged_at
    plan.logged += 1
    return True


def replay(
    db: sqlite_utils.Database, plans: list[Plan], calendar: DemoCalendar, settings: Settings
) -> None:
    """Log every plan's calls in time order, up to now."""
    pending = [(plan.first_call, index) for index, plan in enumerate(plans) if plan.first_call]
    heapq.heapify(pending)
    while pending:
        started, index = heapq.heappop(pending)
        plan = plans[index]
        if not _log(db, plan, started, calendar, settings) or plan.logged == len(plan.steps):
            continue
        if (following := _next_start(db, plan, calendar)) is not None:
            heapq.heappush(pending, (following, index))
