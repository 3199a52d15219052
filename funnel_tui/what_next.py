"""What happens next after a logged call, in one line: the toast that confirms the log."""

from __future__ import annotations

from datetime import datetime

from funnel_tui.call_log import LoggedCall, UndoneCall
from funnel_tui.clocks import known_zone
from funnel_tui.counted import listed
from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    MEETING_OUTCOMES,
    Outcome,
    Stage,
    TaskKind,
    TaskStatus,
)
from funnel_tui.money import format_money
from funnel_tui.outcome_effects import follow_up_task_kind
from funnel_tui.text import cut_for_quoting, one_line
from funnel_tui.timestamps import in_utc

# How each kind of next task is named; a call after an unanswered one is the next try.
TASK_WORDS = {
    TaskKind.CALL: "follow-up call",
    TaskKind.CALLBACK: "callback",
    TaskKind.MEETING: "meeting",
    TaskKind.REVISIT: "revisit",
    TaskKind.EMAIL: "email",
}


# Said after a call that cancelled a meeting the prospect was sent the invite to.
INVITED_MEETING_CANCELLED = (
    "they were sent the meeting's invite: E, then Meeting cancelled, takes it off their calendar"
)


def logged_line(
    logged: LoggedCall,
    prospect_name: str,
    prospect_tz: str | None,
    now: datetime,
    *,
    amount_cents: int | None = None,
    currency: str = "$",
    booked: datetime | None = None,
    done: str = "Logged",
) -> str:
    """`Logged voicemail for Kate Sullivan: next try Wed 14:00 their time`: the outcome,
    then what the call left to come (the next task, a deal's amount, or no more calls).
    `done` says what was done with the call (`Redid`, for one logged again).

    `booked` is when the callback or meeting the call made is due. When another open task
    comes before it (a meeting already overdue), the line says the one just booked first,
    then that one: the rep hears back the time they typed, and that it was booked already
    when an open task of its kind was due then (the call kept that one). Open ones of its
    kind due after it, which the call left open, are named last."""
    outcome = logged.outcome
    said = f"{done} {logged.outcome_said} for {one_line(prospect_name)}"
    parts = []
    if amount_cents is not None and outcome in (Outcome.WON, Outcome.PROPOSAL_SENT):
        amount = format_money(amount_cents, currency, whole=amount_cents % 100 == 0)
        parts.append(f"{amount} won" if outcome is Outcome.WON else f"proposal for {amount}")
    next_phrase = _next(logged, outcome, prospect_tz, now)
    booked_kind = follow_up_task_kind(outcome)
    # A callback or meeting that was open at that moment already is kept, not booked twice.
    already = " (already booked)" if logged.already_booked_task_id is not None else ""
    due = logged.next_call_at
    besides = _other_tasks(logged, prospect_tz, now)
    rebooked, kept_closed = logged.rebooked, ""
    if rebooked is not None and booked is not None:
        # A redo books the call's appointment as the rep left it since: where it was moved
        # to, or done or cancelled, which it stays.
        if rebooked.status is TaskStatus.OPEN and rebooked.due_at is not None:
            booked, already = rebooked.due_at, " (moved there since the call)"
        else:
            status = "done" if rebooked.status is TaskStatus.DONE else "cancelled"
            word = TASK_WORDS[rebooked.kind] if rebooked.kind else "task"
            # When it was due as the rep left it: moved, then closed.
            when = _when(rebooked.due_at or booked, prospect_tz, now)
            # Said first: `no more calls` before it read as the redo having lost it.
            kept_closed = f"its {word} {when}, {status} since the call, stays {status}; "
            booked, already = None, ""
    other_first = same_time = False
    if booked is not None and due is not None:
        # Another task before the one booked, or at the same minute (a meeting), would
        # otherwise be all the line says. Compared in UTC: Python never finds a moment in
        # the hour the clocks go back equal to one of another zone.
        due_at, booked_at = in_utc(due), in_utc(booked)
        same_time = due_at == booked_at
        other_first = due_at < booked_at or (same_time and logged.next_task_kind != booked_kind)
    if booked is not None and booked_kind is not None and other_first:
        booked_phrase = f"{TASK_WORDS[booked_kind]} {_when(booked, prospect_tz, now)}{already}"
        order = "at the same time" if same_time else "before it"
        return f"{said}: {booked_phrase}; {order}, {next_phrase}{besides}"
    parts.append(next_phrase + already)
    revisit = logged.revisit_booked
    if revisit is not None and not (logged.next_task_kind == TaskKind.REVISIT and due == revisit):
        # A customer's no keeps their other tasks: the revisit comes after them, unsaid.
        besides += f"; revisit {_revisit_day(revisit, prospect_tz, now)} booked"
    return f"{said}: {kept_closed}{', '.join(part for part in parts if part)}{besides}"


def _other_tasks(logged: LoggedCall, prospect_tz: str | None, now: datetime) -> str:
    """What the call did to the tasks besides the next one, each after `; `: the
    meetings, callbacks and revisits it cancelled, the callbacks a meeting's outcome marked
    done, the prospect taken out of lost, a meeting a no-show leaves booked, and the later
    ones of the kind it booked that it left open."""
    said = "".join(
        f"; the meeting {_when(meeting, prospect_tz, now)} is cancelled (u brings it back)"
        for meeting in logged.meetings_cancelled
    )
    if gone := [_when(due, prospect_tz, now) for due in logged.callbacks_cancelled]:
        if len(gone) == 1:
            said += f"; the callback {gone[0]} is cancelled (u brings it back)"
        else:
            said += f"; the callbacks {listed(gone)} are cancelled (u brings them back)"
    # A meeting's outcome completes it besides the meeting; a try is the call it was for.
    done = "is marked done too" if logged.outcome in MEETING_OUTCOMES else "is marked done (called)"
    said += "".join(
        f"; the callback {_when(due, prospect_tz, now)} {done}" for due in logged.callbacks_done
    )
    said += "".join(
        f"; the call {_when(due, prospect_tz, now)} a gatekeeper gave is cancelled"
        for due in logged.given_cancelled
    )
    said += "".join(
        f"; the revisit {_revisit_day(due, prospect_tz, now)} is cancelled (u brings it back)"
        for due in logged.revisits_cancelled
    )
    if logged.no_longer_lost:
        # Out of lost and nurture, which only the timeline said.
        said += f"; no longer lost (stage {logged.stage})"
    if logged.held_early is not None:
        # A meeting can be held before its time (PRODUCT 14): the one marked held is said.
        said += f"; the meeting {_when(logged.held_early, prospect_tz, now)} is marked held"
    meeting_next = logged.next_task_kind == TaskKind.MEETING
    if logged.outcome is Outcome.NO_SHOW and logged.meeting_open is not None and not meeting_next:
        # Logged before a meeting still to come, which it leaves booked (said once: as the
        # next task, it is named already).
        said += f"; the meeting {_when(logged.meeting_open, prospect_tz, now)} stays booked"
    if logged.also_open:
        # A time moved earlier on the phone: the later one is still booked (and a callback
        # after a meeting booked).
        later = ", ".join(
            f"{TASK_WORDS[kind]} {_when(due, prospect_tz, now)}" for kind, due in logged.also_open
        )
        said += f"; also open: {later} (h moves or cancels)"
    return said


def _next(logged: LoggedCall, outcome: Outcome, prospect_tz: str | None, now: datetime) -> str:
    """The next task as a phrase; `no more calls` when none is open (a win leaves none
    without saying so), and why a flagged prospect is not called again (and which meeting
    with them still stands)."""
    if outcome in (Outcome.DO_NOT_CALL, Outcome.WRONG_NUMBER):
        said = (
            "never called again"
            if outcome is Outcome.DO_NOT_CALL
            else "out of the queue until the number is edited"
        )
        # A meeting booked with them is no call: it stands, out of the queue with them,
        # whatever comes before it.
        if logged.meeting_open is not None:
            meeting = f"meeting {_when(logged.meeting_open, prospect_tz, now)}"
            return f"{said}; the {meeting} stands (h: timeline to cancel it)"
        return said
    due = logged.next_call_at
    if logged.still_lost:
        # A try before their revisit books nothing, a gatekeeper's time either: the queue
        # shows a lost prospect for their revisit only (PRODUCT 5).
        given = logged.given_not_booked
        not_booked = (
            "" if given is None else f"the call {_when(given, prospect_tz, now)} is not booked, "
        )
        if due is None:
            return f"{not_booked}still lost, no revisit booked"
        if logged.next_task_kind == TaskKind.REVISIT:
            return (
                f"{not_booked}still lost until their revisit {_revisit_day(due, prospect_tz, now)}"
            )
    if due is None:
        return "" if outcome is Outcome.WON else "no more calls"
    try:
        kind: TaskKind | None = TaskKind(logged.next_task_kind)
    except ValueError:
        kind = None
    if kind is TaskKind.REVISIT:
        # A revisit is for a day; after the last unanswered try it ends the cadence.
        day = f"revisit {_revisit_day(due, prospect_tz, now)}"
        return f"no more tries, {day}" if outcome in CADENCE_OUTCOMES else day
    if kind is TaskKind.CALL and outcome in CADENCE_OUTCOMES:
        what = "next try"
    else:
        what = TASK_WORDS.get(kind, "next") if kind is not None else "next"
    # An open task the call left as it was (a meeting booked for yesterday) is due already.
    overdue = " overdue since" if due < now else ""
    phrase = f"{what}{overdue} {_when(due, prospect_tz, now)}"
    if logged.stage == Stage.LOST:
        # The queue brings a lost prospect back for a revisit only (PRODUCT 5).
        phrase += ", but lost: out of the queue until the stage is edited"
    return phrase


def undone_line(undone: UndoneCall, prospect_tz: str | None, now: datetime) -> str:
    """`Undid callback for Aisha Rahman (ctrl+y redoes): stage back to lost; open again:
    revisit Mon 1 Mar 2027; its note went with it: “…”`: the call taken back, and what it
    put back that the rep would not see on the card at a glance (the stage, the tasks the
    call had closed), then the note it took with it."""
    said = (
        f"Undid {undone.outcome.spec.label.lower()} for {one_line(undone.prospect_name)}"
        " (ctrl+y redoes)"
    )
    # The stage as a stage: "contacted again" read as the prospect contacted once more.
    back = [f"stage back to {undone.stage_again}"] if undone.stage_again else []
    # The promises: a cadence call open again shows as the prospect back in the queue.
    tasks = [
        _task_phrase(kind, due, prospect_tz, now)
        for kind, due in undone.reopened
        if due is not None and kind != TaskKind.CALL
    ]
    if tasks:
        back.append(f"open again: {', '.join(tasks)}")
    if kept := kept_phrase(undone, prospect_tz, now):
        back.append(kept)
    if note := one_line(undone.entry.notes):
        # The rep's words went with the call: said, so they can be typed again or redone.
        back.append(f"its note went with it: “{cut_for_quoting(note)}”")
    return f"{said}: {'; '.join(back)}" if back else said


def kept_phrase(undone: UndoneCall, prospect_tz: str | None, now: datetime) -> str:
    """`kept deal value, meeting Fri 14:00: changed since the call, so the stage stays
    meeting`: what the undo left as the rep changed it, tasks with their time."""
    kept = [column_label(column) for column in undone.kept_columns]
    for task in undone.kept_task_details:
        said = (
            f"{task.kind} task"
            if task.due is None
            else _task_phrase(task.kind, task.due, prospect_tz, now)
        )
        kept.append(said if task.status == TaskStatus.OPEN else f"{said} ({task.status})")
    if not kept:
        return ""
    said = f"kept {', '.join(kept)}: changed since the call"
    if undone.stage_kept:
        said += f", so the stage stays {undone.stage_kept}"
    return said


def column_label(column: str) -> str:
    """`deal_value_cents` -> `deal value`, `next_call_at` -> `next call`."""
    return column.removesuffix("_cents").removesuffix("_at").replace("_", " ")


def _task_phrase(kind: str, due: datetime, prospect_tz: str | None, now: datetime) -> str:
    """`revisit Mon 1 Mar 2027`, `callback tomorrow 10:00`: a task as the toasts name it."""
    if kind == TaskKind.REVISIT:
        return f"revisit {_revisit_day(due, prospect_tz, now)}"
    word = TASK_WORDS[TaskKind(kind)] if kind in set(TaskKind) else kind
    return f"{word} {_when(due, prospect_tz, now)}"


def _revisit_day(due: datetime, prospect_tz: str | None, now: datetime) -> str:
    """`Mon 1 Mar 2027`: a revisit is for a day, on the prospect's clock when known."""
    local = due.astimezone(known_zone(prospect_tz) or now.tzinfo)
    return f"{local:%a} {local.day} {local:%b %Y}"


def _when(due: datetime, prospect_tz: str | None, now: datetime) -> str:
    """`today 16:30`, `tomorrow 09:30`, `Wed 14:00`, `Wed 9 Dec 14:00`, `Thu 9 Dec 2027
    14:00`: on the prospect's clock (`their time`) when their zone is known and reads
    differently, else the rep's."""
    zone = known_zone(prospect_tz)
    if (
        zone is not None
        and due.astimezone(zone).utcoffset() == due.astimezone(now.tzinfo).utcoffset()
    ):
        # Their clock reads as the rep's: saying "their time" would only make them wonder.
        zone = None
    local = due.astimezone(zone or now.tzinfo)
    today = now.astimezone(zone or now.tzinfo).date()
    days = (local.date() - today).days
    if days == 0:
        day = "today"
    elif days == -1:
        day = "yesterday"
    elif days == 1:
        day = "tomorrow"
    elif 1 < days < 7:
        day = f"{local:%a}"
    else:
        # A day of another year says it (a revisit next December is not this one's).
        year = f" {local.year}" if local.year != today.year else ""
        day = f"{local:%a} {local.day} {local:%b}{year}"
    return f"{day} {local:%H:%M}" + (" their time" if zone is not None else "")
