"""What an outcome does to the prospect and its tasks (PRODUCT sections 3, 7 and 14).

`outcome_effects` is a pure function of the prospect as it stands, its open tasks and what
the rep entered; `call_log` writes what it returns in the call's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from funnel_tui.cadence import (
    attempts_exhausted,
    busy_retry_due,
    follow_up_due,
    next_call_due,
    nurture_revisit_due,
    revisit_due,
)
from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    CALL_TASKS,
    CONNECT_OUTCOMES,
    MEETING_OUTCOMES,
    DealKind,
    Kind,
    LostReason,
    Outcome,
    Stage,
    TaskKind,
    TaskStatus,
    stage_at_least,
)
from funnel_tui.queue import end_of_day
from funnel_tui.settings import Settings
from funnel_tui.tasks import Task
from funnel_tui.timestamps import to_stored


@dataclass(frozen=True)
class NewTask:
    """A task the call makes."""

    kind: TaskKind
    due_at: datetime


@dataclass(frozen=True)
class Effects:
    """The prospect columns an outcome sets, the open tasks it closes (id -> new status),
    the tasks it makes, the kind of deal a win records, and the open task that already is
    the callback or meeting the call books (`already_booked`), kept as it is; `rebooked`
    when that task is one an undo of this call kept (a redo), which is the call's again."""

    prospect: dict[str, Any] = field(default_factory=dict)
    close: dict[int, TaskStatus] = field(default_factory=dict)
    create: tuple[NewTask, ...] = ()
    deal_kind: DealKind | None = None
    already_booked: Task | None = None
    rebooked: bool = False

    @property
    def books_a_call(self) -> bool:
        """Whether the call makes or keeps a task to phone the prospect (a callback, a
        retry, a revisit)."""
        booked = [*self.create, *([self.already_booked] if self.already_booked else [])]
        return any(task.kind in CALL_TASKS for task in booked)


# Outcomes that bring a lost or nurtured prospect back into play with sales.
_BACK_IN_PLAY = {
    Outcome.CALLBACK: Stage.CONTACTED,
    Outcome.MEETING: Stage.MEETING,
    Outcome.MEETING_HELD: Stage.QUALIFIED,
    Outcome.PROPOSAL_SENT: Stage.PROPOSAL,
}


# The task an outcome's "when" makes: a time promised to the prospect.
_APPOINTMENTS = {
    Outcome.CALLBACK: TaskKind.CALLBACK,
    Outcome.MEETING: TaskKind.MEETING,
    Outcome.MEETING_HELD: TaskKind.CALLBACK,
    Outcome.NO_SHOW: TaskKind.CALLBACK,
}


def follow_up_task_kind(outcome: Outcome) -> TaskKind | None:
    """The kind of task an outcome's "when" books (a gatekeeper's is a call); None when the
    outcome books none."""
    return TaskKind.CALL if outcome is Outcome.GATEKEEPER else _APPOINTMENTS.get(outcome)


# Conversations that leave a deal in play: with no next step agreed and nothing else
# open, a follow-up call is made (PRODUCT 14: the card and the queue show the next one).
_KEEPS_THE_DEAL_GOING = frozenset({Outcome.MEETING_HELD, Outcome.PROPOSAL_SENT})


def _to_the_minute(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _booked_already(tasks: list[Task], kind: TaskKind, due_at: datetime) -> Task | None:
    """The open task of `kind` due at the same minute as `due_at` (dates are typed to the
    minute): the appointment the rep is confirming, which the call keeps rather than books
    twice (two callbacks at one moment, two events in the calendar)."""
    minute = _to_the_minute(due_at)
    same = [
        task
        for task in tasks
        if task.kind is kind and task.due_at is not None and _to_the_minute(task.due_at) == minute
    ]
    return min(same, key=lambda task: task.id, default=None)


def _task_called_for(tasks: list[Task], now: datetime) -> Task | None:
    """The call, callback or revisit task this call answers: the earliest open one due by
    the end of today (a callback promised for next week is not answered by today's call),
    a callback only once its time has come (the prospect asked to be called then: a call
    before it, whatever it gives, leaves it to be kept or cancelled, and said)."""
    today_ends = end_of_day(now)
    due = [
        task
        for task in tasks
        if task.kind in CALL_TASKS
        and task.due_at is not None
        and task.due_at <= today_ends
        and not (task.kind is TaskKind.CALLBACK and task.due_at > now)
    ]
    return min(due, key=lambda task: (task.due_at, task.id), default=None)


def _meeting(tasks: list[Task], outcome: Outcome, now: datetime) -> Task | None:
    """The meeting a held or missed meeting answers: the earliest open one (a meeting can
    be held early), and for a no-show only one due by the end of today (a meeting that
    has not come yet cannot have been missed)."""
    latest = end_of_day(now) if outcome is Outcome.NO_SHOW else None
    meetings = [
        task
        for task in tasks
        if task.kind is TaskKind.MEETING
        and task.due_at is not None
        and (latest is None or task.due_at <= latest)
    ]
    return min(meetings, key=lambda task: (task.due_at, task.id), default=None)


def _cancel_the_rest(open_tasks: list[Task], close: dict[int, TaskStatus]) -> None:
    """A lost prospect keeps no promise open: the revisit the outcome makes is what brings
    them back (the queue shows a lost prospect only for a due revisit)."""
    for task in open_tasks:
        close.setdefault(task.id, TaskStatus.CANCELLED)


def _cancel_the_revisits(open_tasks: list[Task], close: dict[int, TaskStatus]) -> None:
    """A prospect back in play (lost no longer) or won needs no revisit: the day to try
    again that a no booked would have them called in the middle of a live deal, or sold
    to again as if they had not bought."""
    for task in open_tasks:
        if task.kind is TaskKind.REVISIT:
            close.setdefault(task.id, TaskStatus.CANCELLED)


def outcome_effects(
    prospect: dict[str, Any],
    open_tasks: list[Task],
    entry: Any,
    *,
    attempt: int,
    now: datetime,
    settings: Settings,
    rebooking: Sequence[Task] = (),
    promised: frozenset[int] = frozenset(),
) -> Effects:
    """What logging `entry` (a CallOutcome) does. `prospect` is the row before the call;
    `attempt` is the number of unanswered attempts since the last connect, this call
    included (a second busy signal on one day does not count). `rebooking`: the tasks an
    undo of this call kept because the rep changed them since (moved, done or cancelled in
    the timeline); a redo books its callback or meeting as that task, as the rep left it.
    `promised`: the open call tasks at a time a gatekeeper gave, which an attempt before
    that time leaves as the next call."""
    outcome: Outcome = entry.outcome
    kind = Kind(prospect["kind"]) if prospect["kind"] in set(Kind) else Kind.NEW
    stage = Stage(prospect["stage"]) if prospect["stage"] in set(Stage) else Stage.LEAD
    zone = prospect.get("timezone")
    close: dict[int, TaskStatus] = {}
    create: list[NewTask] = []
    columns: dict[str, Any] = {}

    booked = None
    if outcome in _APPOINTMENTS and entry.follow_up_at is not None:
        kind_booked = _APPOINTMENTS[outcome]
        booked = _booked_already(open_tasks, kind_booked, entry.follow_up_at) or next(
            (task for task in rebooking if task.kind is kind_booked), None
        )
    # A time promised and still to come: a callback the prospect asked for, or the time a
    # gatekeeper gave ("back at 4", "back Monday at 11"). An attempt before it (no answer
    # at 2) neither answers it nor replaces it with the cadence's slot; the earliest stays
    # the next call. A new time from a gatekeeper replaces the gatekeeper's old one.
    kept = _promises_kept(open_tasks, outcome, entry.follow_up_at, promised, now)
    given = None if entry.follow_up_at is not None else min(kept.values(), key=_due, default=None)
    # The appointment confirmed stays open, even when it is due today: it is still to come.
    answered = _task_called_for(
        [task for task in open_tasks if task is not booked and task.id not in kept], now
    )
    if answered is not None:
        close[answered.id] = TaskStatus.DONE
    meeting = _meeting(open_tasks, outcome, now)
    if outcome in MEETING_OUTCOMES and meeting is not None:
        close[meeting.id] = (
            TaskStatus.DONE if outcome is Outcome.MEETING_HELD else TaskStatus.MISSED
        )
    if outcome in CADENCE_OUTCOMES or outcome in CONNECT_OUTCOMES:
        # One cadence at a time: the call tasks still open are replaced (an attempt) or
        # no longer needed (a connect). Callbacks, meetings and revisits stay.
        for task in open_tasks:
            if task.kind is TaskKind.CALL and task.id not in close and task.id not in kept:
                close[task.id] = TaskStatus.CANCELLED

    if outcome in CADENCE_OUTCOMES:
        if answered is not None and answered.kind is TaskKind.REVISIT and stage is Stage.LOST:
            # The revisit has come: the lead is worked again from the first attempt, in
            # the queue like any other (a lost prospect is there only for a revisit).
            attempt = 1
            columns.update(
                stage=(Stage.CONTACTED if kind is Kind.KNOWN else Stage.LEAD).value,
                nurture=0,
                lost_reason=None,
            )
        columns["attempts"] = attempt
        if stage is Stage.LOST and "stage" not in columns:
            # A try before their revisit leaves them lost and books nothing: the queue
            # shows a lost prospect only for a due revisit, and a call task before it
            # would be their next call, out of the queue, and hide the revisit behind it
            # (so a time a gatekeeper gave before is let go too).
            for task in open_tasks:
                if task.kind is TaskKind.CALL:
                    close.setdefault(task.id, TaskStatus.CANCELLED)
            return Effects(columns, close, ())
        # A time promised still to come outlasts the cadence's limit: they are called then.
        if attempts_exhausted(attempt, settings) and not kept:
            if kind is not Kind.CUSTOMER:
                columns.update(
                    stage=Stage.LOST.value,
                    lost_reason=LostReason.UNREACHABLE.value,
                    nurture=1,
                    nurtured_at=to_stored(now),
                )
                create.append(NewTask(TaskKind.REVISIT, nurture_revisit_due(now, settings, zone)))
                _cancel_the_rest(open_tasks, close)
        elif given is not None:
            pass  # the time the gatekeeper gave is the next call
        elif outcome is Outcome.GATEKEEPER and entry.follow_up_at is not None:
            create.append(NewTask(TaskKind.CALL, entry.follow_up_at))
        elif outcome is Outcome.BUSY:
            create.append(NewTask(TaskKind.CALL, busy_retry_due(now, settings, zone)))
        else:
            create.append(NewTask(TaskKind.CALL, next_call_due(attempt, now, settings, zone)))
        return Effects(columns, close, tuple(create))

    if outcome in CONNECT_OUTCOMES and kind is Kind.NEW:
        columns["kind"] = Kind.KNOWN.value
    if outcome in _BACK_IN_PLAY:
        new_stage = stage_at_least(stage, _BACK_IN_PLAY[outcome])
        columns.update(stage=new_stage.value, nurture=0)
        if new_stage is not Stage.LOST:
            columns["lost_reason"] = None
        if stage is Stage.LOST:
            _cancel_the_revisits(open_tasks, close)
    elif outcome in CONNECT_OUTCOMES and stage is Stage.LEAD:
        columns["stage"] = Stage.CONTACTED.value

    if outcome in _APPOINTMENTS and entry.follow_up_at is not None and booked is None:
        create.append(NewTask(_APPOINTMENTS[outcome], entry.follow_up_at))
    if outcome is Outcome.PROPOSAL_SENT:
        columns.update(
            deal_value_cents=entry.amount_cents,
            expected_close_on=entry.close_on.isoformat() if entry.close_on else None,
        )
    elif outcome is Outcome.WON:
        columns.update(
            kind=Kind.CUSTOMER.value,
            stage=Stage.WON.value,
            deal_value_cents=None,
            expected_close_on=None,
            nurture=0,
            lost_reason=None,
        )
        _cancel_the_revisits(open_tasks, close)
        deal_kind = DealKind.EXPANSION if kind is Kind.CUSTOMER else DealKind.NEW
        return Effects(columns, close, tuple(create), deal_kind)
    elif outcome is Outcome.NOT_INTERESTED:
        if kind is not Kind.CUSTOMER:
            # A customer who declines an upsell stays a customer: the call says it.
            reason = entry.reason.value if entry.reason else None
            columns.update(stage=Stage.LOST.value, lost_reason=reason)
            if entry.revisit_on is not None:
                columns.update(nurture=1, nurtured_at=to_stored(now))
            else:
                # A no without a day to try again ends a nurture: its revisit is cancelled
                # below, and a nurture lead with no revisit would wait for none.
                columns["nurture"] = 0
            _cancel_the_rest(open_tasks, close)
        if entry.revisit_on is not None:
            revisit = revisit_due(entry.revisit_on, now, settings, zone)
            create.append(NewTask(TaskKind.REVISIT, revisit))
    elif outcome is Outcome.WRONG_NUMBER:
        columns["wrong_number"] = 1
    elif outcome is Outcome.DO_NOT_CALL:
        columns["do_not_call"] = 1
        # They asked never to be called: no callback, retry or revisit stays open (the
        # calendar file cancels the ones it showed). A meeting is no phone call: it stands
        # until the rep cancels it.
        for task in open_tasks:
            if task.kind in CALL_TASKS:
                close.setdefault(task.id, TaskStatus.CANCELLED)
    if outcome in _KEEPS_THE_DEAL_GOING and not create and _nothing_left_open(open_tasks, close):
        # A live opportunity never drops out of the queue for want of a next step.
        create.append(NewTask(TaskKind.CALL, follow_up_due(now, settings, zone)))
    rebooked = booked is not None and booked in rebooking
    return Effects(columns, close, tuple(create), already_booked=booked, rebooked=rebooked)


def _still_to_come(task: Task, now: datetime) -> bool:
    return task.due_at is not None and task.due_at > now


def _due(task: Task) -> tuple[datetime, int]:
    return (task.due_at or datetime.max.replace(tzinfo=UTC), task.id)


def _promises_kept(
    open_tasks: list[Task],
    outcome: Outcome,
    follow_up_at: datetime | None,
    promised: frozenset[int],
    now: datetime,
) -> dict[int, Task]:
    """The open times an unanswered attempt leaves as they are, by id: the callbacks still
    to come (an early try that goes unanswered keeps the time the prospect asked for,
    later today too), and the gatekeeper's time still to come unless a new one is given."""
    if outcome not in CADENCE_OUTCOMES:
        return {}
    return {
        task.id: task
        for task in open_tasks
        if _still_to_come(task, now)
        and (task.kind is TaskKind.CALLBACK or (task.id in promised and follow_up_at is None))
    }


def _nothing_left_open(open_tasks: list[Task], close: dict[int, TaskStatus]) -> bool:
    return all(task.id in close for task in open_tasks)
