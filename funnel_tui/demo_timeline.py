"""A demo story as data: the calls a rep logged for one prospect, how the story ends in
time, and where each call falls when the cadence and the appointments space them.

`demo_stories` tells the stories; `demo_replay` logs them through `log_call`, starting
each one early enough for it to end as it says (`timeline`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    MEETING_OUTCOMES,
    Kind,
    LostReason,
    Outcome,
    TaskKind,
)
from funnel_tui.settings import Settings

# The outcomes that answer a meeting rather than a call or callback task.
# The task each booking outcome makes.
BOOKED_TASK = {
    Outcome.CALLBACK: TaskKind.CALLBACK,
    Outcome.MEETING: TaskKind.MEETING,
    Outcome.MEETING_HELD: TaskKind.CALLBACK,
    Outcome.NO_SHOW: TaskKind.CALLBACK,
    Outcome.GATEKEEPER: TaskKind.CALL,
}


class Due(Enum):
    """When a story's last appointment falls, as the queue sees it when the demo opens."""

    OVERDUE = "overdue"
    LATER_TODAY = "later today"
    UPCOMING = "upcoming"


@dataclass(frozen=True)
class Step:
    """One logged call, with what the rep entered in the outcome dialog."""

    outcome: Outcome
    # Business days from this call to the appointment it books (a callback, a meeting, a
    # no-show's new date, a meeting's next step, the time a gatekeeper named).
    book_in: int | None = None
    # A call made without a task that day, this many business days after the previous call.
    unprompted_after: int | None = None
    amount_cents: int | None = None
    close_on: date | None = None
    reason: LostReason | None = None
    revisit_on: date | None = None


@dataclass(frozen=True)
class AppointmentAt:
    """The story's last booked appointment falls `when` (`days_ahead` business days on for
    an upcoming one)."""

    when: Due
    days_ahead: int = 1


@dataclass(frozen=True)
class NextAttemptOn:
    """The cadence's next attempt after the last call is due on `day`."""

    day: date


@dataclass(frozen=True)
class LastCallOn:
    """The story's last call was made on `day`."""

    day: date


Ending = AppointmentAt | NextAttemptOn | LastCallOn


@dataclass(frozen=True)
class Story:
    """A prospect's month: who they were before it, the calls, and how it ends."""

    kind: Kind
    steps: tuple[Step, ...] = ()
    ending: Ending | None = None
    # A customer's first sale, before the month of history: when and for how much.
    past_deal: tuple[date, int] | None = None
    # The value the rep puts on the opportunity once a meeting is booked (the edit form).
    estimate_cents: int | None = None

    def due_by(self, today: date) -> bool:
        """Whether the story leaves work in today's queue: it goes to someone the rep can
        reach now."""
        match self.ending:
            case AppointmentAt(when=when):
                return when is not Due.UPCOMING
            case NextAttemptOn(day=day):
                return day <= today
            case LastCallOn(day=day):
                return day == today
        return False


@dataclass(frozen=True)
class Timeline:
    """Business days from a story's first call: of each call, of its last appointment and
    of the cadence's next attempt after the last call."""

    calls: tuple[int, ...]
    last_booking: int | None
    next_attempt: int | None

    def anchor(self, ending: Ending) -> int:
        """The business days from the first call to the moment `ending` names."""
        match ending:
            case AppointmentAt():
                offset = self.last_booking
            case NextAttemptOn():
                offset = self.next_attempt
            case LastCallOn():
                offset = self.calls[-1]
        # A story the cadence cut short ends with its last call.
        return self.calls[-1] if offset is None else offset


def timeline(steps: tuple[Step, ...], settings: Settings) -> Timeline:
    """Where each call of `steps` falls, counting business days from the first: the call
    that answers a task is made the day it is due, as the outcome effects make the tasks."""
    calls: list[int] = []
    tasks: list[tuple[int, TaskKind]] = []
    attempt = 0
    last_booking = None
    for step in steps:
        if not calls:
            day = 0
        elif step.unprompted_after is not None:
            day = calls[-1] + step.unprompted_after
        else:
            wanted = (
                (TaskKind.MEETING,)
                if step.outcome in MEETING_OUTCOMES
                else (TaskKind.CALL, TaskKind.CALLBACK, TaskKind.REVISIT)
            )
            answered = min((task for task in tasks if task[1] in wanted), default=None)
            if answered is None:
                # Nothing left to answer (the cadence gave up): the replay stops here.
                break
            tasks.remove(answered)
            day = answered[0]
        calls.append(day)
        if step.outcome in CADENCE_OUTCOMES or step.outcome in CONNECT_OUTCOMES:
            tasks = [task for task in tasks if task[1] is not TaskKind.CALL]
        if step.outcome in CADENCE_OUTCOMES:
            attempt += 1
            if attempt >= settings.max_attempts:
                tasks = []
            elif step.book_in is not None:
                tasks.append((day + step.book_in, TaskKind.CALL))
            elif step.outcome is Outcome.BUSY:
                tasks.append((day, TaskKind.CALL))
            else:
                spacing = settings.cadence_days[min(attempt, len(settings.cadence_days)) - 1]
                tasks.append((day + spacing, TaskKind.CALL))
            continue
        if step.outcome in CONNECT_OUTCOMES:
            attempt = 0
        if step.book_in is not None:
            tasks.append((day + step.book_in, BOOKED_TASK[step.outcome]))
            last_booking = day + step.book_in
    call_tasks = [day for day, kind in tasks if kind is TaskKind.CALL]
    return Timeline(tuple(calls), last_booking, min(call_tasks, default=None))


def leading_attempt(steps: tuple[Step, ...]) -> bool:
    """Whether the first step is an unanswered attempt the story can start without."""
    return len(steps) > 1 and steps[0].outcome in CADENCE_OUTCOMES and steps[0].book_in is None
