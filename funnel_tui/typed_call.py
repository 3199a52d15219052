"""A call logged from typed text, as the outcome dialog logs it (PRODUCT sections 3 and 14):
the outcome by its name or its key, each field read and refused as the dialog reads it, a
win's amount starting from the open deal value. What `funnel log` runs, on any backend."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from funnel_tui.call_log import (
    LAST_CALLER,
    CallOutcome,
    LoggedCall,
    OutcomeInvalid,
    SeenOnCard,
    call_for_request,
    just_called_ago,
    log_call,
)
from funnel_tui.clocks import known_zone
from funnel_tui.dates import describe_day, describe_when
from funnel_tui.domain import (
    LOST_REASON_KEYS,
    MEETING_OUTCOMES,
    OUTCOME_SPECS,
    Ask,
    Kind,
    LostReason,
    Outcome,
    Stage,
    TaskKind,
    outcome_names,
    reason_names,
)
from funnel_tui.foreign_values import MARK, readable_row
from funnel_tui.money import format_money, parse_amount
from funnel_tui.outcome_answers import (
    Answer,
    AnswerRefused,
    Reading,
    expected_close_on,
    meeting_warning,
    open_close_on,
    open_deal_cents,
    prefilled,
    read_answer,
)
from funnel_tui.outcome_effects import follow_up_task_kind
from funnel_tui.prospects import get_prospect
from funnel_tui.settings import Settings
from funnel_tui.tasks import open_tasks, soonest_open_tasks
from funnel_tui.text import clean_optional, one_line
from funnel_tui.timestamps import from_stored, in_utc

if TYPE_CHECKING:
    import sqlite_utils

# A request id is a key a script makes up (a UUID, a softphone's call id), never a text.
MAX_REQUEST_ID_LENGTH = 200


class CallRefused(ValueError):
    """The call cannot be logged as given; str() says why in one line."""


class FieldsRefused(CallRefused):
    """Fields that cannot be saved as typed, each with why in the dialog's words."""

    def __init__(self, refused: Mapping[Ask, str]) -> None:
        self.refused = dict(refused)
        super().__init__("; ".join(f"{ask.value}: {why}" for ask, why in self.refused.items()))


class NeedsConfirmation(CallRefused):
    """The prospect is marked do not call, or another rep called them just now: logged
    only once the rep confirms (the dialog asks; `funnel log` needs `--yes`)."""


@dataclass(frozen=True)
class TypedCall:
    """A call as typed without the dialog: the outcome, the text of each field given (a
    field left out is as the dialog opens it: empty, or a win's amount prefilled), the note
    and how long the call took."""

    outcome: Outcome
    fields: Mapping[Ask, str] = field(default_factory=dict)
    note: str | None = None
    duration_s: int = 0


def read_outcome(text: str) -> Outcome:
    """The outcome named by its `calls.outcome` value or the dialog's key (any case, `-`
    for `_`); CallRefused listing them all otherwise."""
    typed = text.strip().lower().replace("-", "_")
    for outcome, spec in OUTCOME_SPECS.items():
        if typed in (outcome.value, spec.key):
            return outcome
    raise CallRefused(f"unknown outcome {one_line(text)!r}; known: {outcome_names()}")


def read_reason(text: str) -> LostReason:
    """A reason picked by its stored value or the dialog's key; never `unreachable`, which
    the cadence sets."""
    typed = text.strip().lower().replace("-", "_").replace(" ", "_")
    for reason, key in LOST_REASON_KEYS.items():
        if typed in (reason.value, key):
            return reason
    raise AnswerRefused(f"{one_line(text)!r} is not a reason; pick one of {reason_names()}")


def read_typed_call(
    typed: TypedCall, prospect: Mapping[str, Any], *, now: datetime, settings: Settings
) -> CallOutcome:
    """The call as the dialog would save it with these fields typed for this prospect:
    each read with the dialog's Reading (the rep's clock, the prospect's zone for the read
    back), FieldsRefused naming every field that cannot be saved, or that the outcome does
    not ask for."""
    answers, reason = _read_fields(typed, prospect, now=now, settings=settings)

    def value(ask: Ask) -> Any:
        answer = answers.get(ask)
        return None if answer is None else answer.value

    duration = max(0, typed.duration_s)
    return CallOutcome(
        outcome=typed.outcome,
        notes=typed.note,
        follow_up_at=value(Ask.WHEN),
        amount_cents=value(Ask.AMOUNT),
        close_on=value(Ask.CLOSE_ON),
        reason=reason,
        revisit_on=value(Ask.REVISIT_ON),
        # The call ended now, as the timer would have it when the rep logs it (the seconds
        # taken off in UTC, as they passed: not an hour out across a clock change).
        started_at=in_utc(now) - timedelta(seconds=duration) if duration else None,
        duration_s=duration,
    )


def field_warnings(
    db: sqlite_utils.Database,
    prospect_id: int,
    typed: TypedCall,
    *,
    now: datetime,
    settings: Settings,
) -> dict[Ask, str]:
    """What the dialog would say beside each field as read, without refusing it (a day
    and month that have passed this year read as next year's, a callback outside the
    prospect's calling hours), first a time a clock change moved, which the dialog's read
    back says; nothing for fields that cannot be read or a prospect that is not there,
    which logging refuses."""
    prospect = get_prospect(db, prospect_id)
    if prospect is None:
        return {}
    try:
        answers, _ = _read_fields(typed, prospect, now=now, settings=settings)
    except FieldsRefused:
        return {}
    said = {
        ask: "; ".join(filter(None, (answer.moved, answer.warning)))
        for ask, answer in answers.items()
        if answer is not None
    }
    return {ask: warning for ask, warning in said.items() if warning}


def _read_fields(
    typed: TypedCall, prospect: Mapping[str, Any], *, now: datetime, settings: Settings
) -> tuple[dict[Ask, Answer | None], LostReason | None]:
    """Each field the outcome asks for, read as the dialog reads it, and the reason
    picked; FieldsRefused naming every field that cannot be saved."""
    outcome = typed.outcome
    asked = {question.ask: question for question in outcome.spec.asks}
    refused = {
        ask: f"{outcome.spec.label} does not ask for it" for ask in typed.fields if ask not in asked
    }
    reading = Reading(
        now=now,
        settings=settings,
        prospect_timezone=prospect["timezone"],
        customer=prospect["kind"] == Kind.CUSTOMER,
    )
    answers: dict[Ask, Answer | None] = {}
    reason = None
    open_deal, close_on = open_deal_cents(prospect), open_close_on(prospect, now.date())
    for ask, question in asked.items():
        text = typed.fields.get(ask)
        try:
            if ask is Ask.REASON:
                reason = read_reason(text) if text and text.strip() else None
            else:
                shown = prefilled(outcome, ask, open_deal, close_on) if text is None else text
                answers[ask] = read_answer(outcome, question, shown, reading)
        except AnswerRefused as error:
            refused[ask] = str(error)
    if refused:
        raise FieldsRefused(refused)
    return answers, reason


def check_request_id(request_id: str) -> str:
    """A request id as given, or CallRefused when it cannot be one."""
    if not request_id or not request_id.isprintable() or request_id != request_id.strip():
        raise CallRefused(
            f"the request id {request_id!r} must be printable, without spaces around it"
        )
    if len(request_id) > MAX_REQUEST_ID_LENGTH:
        raise CallRefused(f"a request id has at most {MAX_REQUEST_ID_LENGTH} characters")
    return request_id


def _refuse_a_call_just_made_by_another(
    db: sqlite_utils.Database, prospect: Mapping[str, Any], rep: str, now: datetime
) -> None:
    """NeedsConfirmation for a prospect another rep called less than JUST_CALLED ago.

    Two reps' `funnel log` on one pool prospect a second apart: the second read the
    prospect after the first's call was in, so holding what it read refused nothing, and
    both calls were logged. The dialog says so once (call_log's check of what the card
    showed); a script is asked for `--yes` instead."""
    ago = just_called_ago(prospect["last_called_at"], now)
    if ago is None:
        return
    (caller,) = db.execute(LAST_CALLER, [prospect["id"]]).fetchone() or (None,)
    if isinstance(caller, str) and caller != rep:
        raise NeedsConfirmation(
            f"{one_line(caller)} called {_name_of(prospect)} {ago} s ago, so this call may be"
            " the same one or a second call on top of it"
        )


def _refuse_another_call(
    db: sqlite_utils.Database,
    found: LoggedCall,
    typed: TypedCall,
    request_id: str,
    settings: Settings,
) -> None:
    """A retry sends what the first try did: an amount, a reason or a note other than
    what the call under the same id holds is another call's, and the key was reused
    (OutcomeInvalid). It was said to be logged already, and what was given was dropped
    without a word. A time (`--when in 2 hours`) is not compared: read again, a retry's
    moves on with the clock."""
    notes, reason, deal = db.execute(
        "SELECT notes, reason, (SELECT amount_cents FROM deals WHERE call_id = calls.id)"
        " FROM calls WHERE id = ?",
        [found.call_id],
    ).fetchone()
    differs = []
    if (amount := typed.fields.get(Ask.AMOUNT)) is not None and deal is not None:
        try:
            cents = parse_amount(amount, settings.currency)
        except ValueError:
            cents = None
        if cents != deal:
            differs.append(f"with {format_money(deal, settings.currency)}; {one_line(amount)}")
    if (picked := typed.fields.get(Ask.REASON)) is not None:
        try:
            same = read_reason(picked).value == reason
        except AnswerRefused:
            same = False
        if not same:
            differs.append(f"for {reason or 'no reason'}; {one_line(picked)}")
    if typed.note is not None and clean_optional(typed.note) != notes:
        differs.append("with another note; this one")
    if differs:
        raise OutcomeInvalid(
            f"request id {request_id!r} was used for call {found.call_id}, logged as"
            f" {found.outcome.spec.label.lower()} {differs[0]} was not logged"
        )


def log_typed_call(
    db: sqlite_utils.Database,
    prospect_id: int,
    typed: TypedCall,
    *,
    now: datetime,
    settings: Settings,
    request_id: str | None = None,
    confirmed: bool = False,
    rep: str | None = None,
) -> LoggedCall:
    """Log a call typed without the dialog, as the dialog logs it.

    A call already logged with `request_id` is returned first, before anything is read
    again: a retry finds its call even when the first try changed what this one would be
    refused for (a prospect it marked do not call). NeedsConfirmation for a prospect
    marked do not call, unless `confirmed`; CallRefused for a prospect that does not exist
    and FieldsRefused for fields that cannot be saved; OutcomeInvalid from `log_call`.
    """
    if request_id is not None:
        found = call_for_request(db, prospect_id, check_request_id(request_id), rep)
        if found is not None and found.outcome is not typed.outcome:
            # A retry sends what the first try did: another outcome under the same id is
            # another call, and the key was reused.
            raise OutcomeInvalid(
                f"request id {request_id!r} was used for call {found.call_id}, logged as"
                f" {found.outcome.spec.label.lower()}; this {typed.outcome.spec.label.lower()}"
                " was not logged"
            )
        if found is not None:
            _refuse_another_call(db, found, typed, request_id, settings)
            return found
    prospect = get_prospect(db, prospect_id)
    if prospect is None:
        raise CallRefused(f"no prospect with id {prospect_id}")
    if prospect["do_not_call"] and not confirmed:
        raise NeedsConfirmation(f"{_name_of(prospect)} is marked do not call")
    if rep is not None and not confirmed:
        _refuse_a_call_just_made_by_another(db, prospect, rep, now)
    entry = read_typed_call(typed, prospect, now=now, settings=settings)
    # What this command read of them, as the dialog's card: another rep's call committed
    # since (two reps' `funnel log` in one second on a pool prospect) refuses this one, and
    # a do not call mark set since refuses a call that would book another. A call of
    # another rep's just before this read was asked about above (or confirmed).
    seen = replace(SeenOnCard.of(prospect), recent_call_told=True)
    return log_call(
        db,
        prospect_id,
        entry,
        now=now,
        settings=settings,
        request_id=request_id,
        rep=rep,
        seen=seen,
    )


def meeting_warning_for(
    db: sqlite_utils.Database, prospect_id: int, outcome: Outcome, *, now: datetime
) -> str | None:
    """The outcome dialog's warning (meeting_warning) for a meeting held or missed, read
    before the call is logged, since the call completes the meeting: the prospect has no
    open meeting, or theirs is still to come. None for another outcome or prospect."""
    if outcome not in MEETING_OUTCOMES:
        return None
    prospect = get_prospect(db, prospect_id)
    if prospect is None:
        return None
    meetings = [task for task in open_tasks(db, prospect_id) if task.kind is TaskKind.MEETING]
    due = [task.due_at for task in meetings if task.due_at is not None]
    return meeting_warning(
        outcome,
        prospect_name=_name_of(prospect),
        prospect_timezone=prospect["timezone"],
        meeting_due=min(due, default=None),
        # A meeting whose time another tool stored unreadable may still be one that came.
        meetings_known=len(due) == len(meetings),
        now=now,
    )


def describe_logged(
    db: sqlite_utils.Database, logged: LoggedCall, *, now: datetime, settings: Settings
) -> str:
    """One line: the call logged (or found already logged) and what comes next for the
    prospect, the next task's time read back in their zone too where it is known."""
    # Another tool's value of the wrong type (a BLOB name) reads as none, here as on screen.
    prospect, _ = readable_row("prospects", get_prospect(db, logged.prospect_id) or {})
    name = one_line(prospect.get("name")) or f"prospect {logged.prospect_id}"
    said = f"{logged.outcome_said} for {name} (call {logged.call_id})"
    deal = db.execute(
        "SELECT amount_cents, kind FROM deals WHERE call_id = ? ORDER BY id LIMIT 1",
        [logged.call_id],
    ).fetchone()
    if deal is not None and isinstance(deal[0], int):
        article = "an" if str(deal[1])[:1] in "aeiou" else "a"
        said += f", {article} {deal[1]} deal of {format_money(deal[0], settings.currency)}"
    if logged.outcome is Outcome.PROPOSAL_SENT and (close_on := expected_close_on(prospect)):
        # Read back as the dialog reads it: `3/12 930` typed in December is next year's.
        said += f", expected to close {describe_day(close_on, now.date())}"
    start = "Already logged, not written again:" if logged.already_logged else "Logged"
    booked = _booked(db, logged, prospect, now)
    steps = [booked[0]] if booked else []
    next_step = _next_step(
        db, prospect, now, booked[1] if booked else None, still_lost=logged.still_lost
    )
    zone = prospect.get("timezone")
    besides = _other_tasks(
        logged,
        lambda due: describe_when(due, now, zone),
        lambda due: describe_day(due.astimezone(known_zone(zone) or now.tzinfo).date(), now.date()),
    )
    return "; ".join([f"{start} {said}", *steps, *besides, *([next_step] if next_step else [])])


def _other_tasks(
    logged: LoggedCall, when: Callable[[datetime], str], day: Callable[[datetime], str]
) -> list[str]:
    """What the call did to the tasks besides the next one, as the app's toast says it
    (what_next): the meetings, callbacks and revisits (`day`: a revisit is for a day) it
    cancelled, the callbacks it marked done, a gatekeeper's time it cancelled, the
    prospect taken out of lost or left in it, a meeting held early or left booked by a
    no-show, and the later ones it left open (a time moved earlier: the later one is
    still booked)."""
    said = [f"meeting {when(due)} cancelled" for due in logged.meetings_cancelled]
    said += [f"callback {when(due)} cancelled" for due in logged.callbacks_cancelled]
    done = "marked done too" if logged.outcome in MEETING_OUTCOMES else "marked done (called)"
    said += [f"callback {when(due)} {done}" for due in logged.callbacks_done]
    said += [f"call {when(due)} a gatekeeper gave cancelled" for due in logged.given_cancelled]
    said += [f"revisit {day(due)} cancelled" for due in logged.revisits_cancelled]
    if logged.no_longer_lost:
        said.append(f"no longer lost (stage {logged.stage})")
    if logged.given_not_booked is not None:
        said.append(f"still lost: the call {when(logged.given_not_booked)} is not booked")
    elif logged.still_lost:
        said.append("still lost, no try booked")
    if logged.held_early is not None:
        said.append(f"meeting {when(logged.held_early)} marked held")
    if logged.outcome is Outcome.NO_SHOW and logged.meeting_open is not None:
        said.append(f"meeting {when(logged.meeting_open)} stays booked")
    return said + [
        f"{kind.value} {when(due)} also open (funnel calendar lists it)"
        for kind, due in logged.also_open
    ]


def _name_of(prospect: Mapping[str, Any]) -> str:
    """The prospect's name for a message; MARK for one another tool stored as a BLOB."""
    values, unreadable = readable_row("prospects", prospect)
    return MARK if "name" in unreadable else one_line(values.get("name"))


def _booked(
    db: sqlite_utils.Database, logged: LoggedCall, prospect: Mapping[str, Any], now: datetime
) -> tuple[str, tuple[str, datetime]] | None:
    """The follow-up the call booked, said (`callback booked Fri 4 Dec 2026, 14:00 (in 3
    days)`, or `callback already booked ..., task 141 kept` for one already open at that
    moment), with its kind and time; None when it booked none."""
    kind = follow_up_task_kind(logged.outcome)
    if logged.given_not_booked is not None:
        return None  # a lost prospect's: said with why it was not booked
    row = db.execute("SELECT follow_up_at FROM calls WHERE id = ?", [logged.call_id]).fetchone()
    due = from_stored(row[0]) if row else None
    if kind is None or due is None:
        return None
    kept = logged.already_booked_task_id
    if kept is not None:
        task = db.execute("SELECT due_at FROM tasks WHERE id = ?", [kept]).fetchone()
        due = (from_stored(task[0]) if task else None) or due
    when = describe_when(due, now, prospect.get("timezone"))
    if kept is not None:
        return f"{kind.value} already booked {when}, task {kept} kept", (kind.value, due)
    return f"{kind.value} booked {when}", (kind.value, due)


def _next_step(
    db: sqlite_utils.Database,
    prospect: Mapping[str, Any],
    now: datetime,
    booked: tuple[str, datetime] | None = None,
    *,
    still_lost: bool = False,
) -> str | None:
    """What happens next for the prospect: out of the queue, or its soonest open task;
    None when that task is the follow-up just `booked` (said already). A prospect lost as
    unreachable is said to be so by the try that made them, not by one that left them so
    (`still_lost`)."""
    if not prospect:
        return "the prospect no longer exists"
    flagged = None
    if prospect["do_not_call"]:
        flagged = "marked do not call: never queued or dialled again"
    elif prospect["wrong_number"]:
        flagged = "flagged wrong number: out of the queue until the number is edited"
    if flagged is not None:
        # A meeting booked with them is no call: it stands, as the app's toast says.
        meetings = [
            task.due_at
            for task in open_tasks(db, prospect["id"])
            if task.kind is TaskKind.MEETING and task.due_at is not None
        ]
        if meetings:
            when = describe_when(min(meetings), now, prospect["timezone"])
            flagged += f"; the meeting stands: {when}"
        return flagged
    # The cadence's last try: said, where the line named only the revisit.
    unreachable = (
        prospect["stage"] == "lost"
        and prospect["lost_reason"] == LostReason.UNREACHABLE
        and not still_lost
    )
    lost = "lost as unreachable: no more tries" if unreachable else None
    tasks, _ = soonest_open_tasks(db, prospect["id"], 1)
    if not tasks or tasks[0].due_at is None:
        return "no open task" if lost is None else f"{lost}; no open task"
    task = tasks[0]
    kind = task.kind.value if task.kind else "task"
    if booked == (kind, task.due_at):
        return lost
    next_task = f"next: {kind} task due {describe_when(task.due_at, now, prospect['timezone'])}"
    if prospect["stage"] == Stage.LOST and task.kind is not TaskKind.REVISIT:
        # The queue brings a lost prospect back for a revisit only, as the toast says.
        next_task += ", but lost: out of the queue until the stage is edited"
    return next_task if lost is None else f"{lost}; {next_task}"
