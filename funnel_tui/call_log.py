"""Logging a call outcome and undoing it (PRODUCT section 3, outcome dialog)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from funnel_tui.claims import HOLDER, RELEASE
from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    MEETING_OUTCOMES,
    Ask,
    LostReason,
    Outcome,
    Stage,
    TaskKind,
    TaskStatus,
    method_used,
    sql_list,
)
from funnel_tui.outcome_effects import Effects, follow_up_task_kind, outcome_effects
from funnel_tui.ownership import END_LEASES, TAKE_FROM_POOL
from funnel_tui.prospects import SQLITE_INTEGERS, get_prospect, someone_else_now
from funnel_tui.reps import KNOWN_REP
from funnel_tui.settings import Settings
from funnel_tui.store.batch import Sent, batched, send
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.errors import integrity_errors
from funnel_tui.store.sql import NUMBER_LIST
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.tasks import OPEN_TASKS, TASKS_OF_IDS, Task, task_from_row
from funnel_tui.text import clean_optional, one_line
from funnel_tui.timestamps import from_stored, in_utc, to_stored

if TYPE_CHECKING:
    import sqlite_utils


class OutcomeInvalid(ValueError):
    """The outcome cannot be saved as given; str() says why in one line."""


class OwnedByAnother(OutcomeInvalid):
    """The prospect is another rep's now (`funnel assign` moved them while the dialog was
    open): no try logs the call until they are this rep's again."""


class ProspectGone(OutcomeInvalid):
    """The prospect was removed (forgotten, deleted) while the call was being logged: no
    try again can save it."""


@dataclass(frozen=True)
class CallOutcome:
    """What the rep entered in the outcome dialog."""

    outcome: Outcome
    notes: str | None = None
    # When: a callback, meeting, no-show's reschedule, gatekeeper's or meeting held's next step.
    follow_up_at: datetime | None = None
    amount_cents: int | None = None
    # A proposal's expected close date.
    close_on: date | None = None
    # Why a `not_interested`, and the day to try again (nurture with a revisit task).
    reason: LostReason | None = None
    revisit_on: date | None = None
    started_at: datetime | None = None
    duration_s: int = 0


@dataclass(frozen=True)
class SeenOnCard:
    """What the rep's card showed of the prospect when the outcome dialog opened: in a
    team's book, a call another rep logged after that is one the rep did not know of; in
    any book, a do-not-call mark set after that (another rep's edit, a second window) is
    one the rep did not confirm calling through."""

    last_called_at: str | None
    do_not_call: bool = False
    # When the prospect shown was added: funnel never gives a forgotten prospect's id again
    # (schema v25), but another tool may write a row with it, and a dialog left open on
    # them would log its call, note and all, on that other person. None: not checked.
    created_at: str | None = None
    # Whether the rep was told of another rep's call less than JUST_CALLED before theirs:
    # a card read again as the rep typed ahead showed it for no time at all.
    recent_call_told: bool = False

    @classmethod
    def of(cls, prospect: Mapping[str, Any]) -> SeenOnCard:
        """What a prospect's row, as read to be shown, holds of these."""
        return cls(
            prospect["last_called_at"], bool(prospect["do_not_call"]), prospect["created_at"]
        )


class ChangedMeanwhile(OutcomeInvalid):
    """The prospect changed since the card showed it, in a way the rep must hear of before
    the call is logged; `seen` is what it shows now, which a try made knowing of the change
    gives `log_call`."""

    def __init__(self, message: str, seen: SeenOnCard) -> None:
        super().__init__(message)
        self.seen = seen


class CalledMeanwhile(ChangedMeanwhile):
    """Another rep called the prospect since the card showed it."""


class MarkedDoNotCallMeanwhile(ChangedMeanwhile):
    """The prospect was marked do not call since the card showed them, and the call would
    book another call with them (a callback, a retry, a revisit)."""


# The outcomes whose line says the callback they completed: those where no conversation
# about it took place (a meeting's outcome, an unanswered try).
CALLBACKS_SAID_DONE = MEETING_OUTCOMES | CADENCE_OUTCOMES


@dataclass(frozen=True)
class LoggedCall:
    """A call as committed; `already_logged` when it was found by its request id, written
    by an earlier try, and this one wrote nothing."""

    call_id: int
    prospect_id: int
    outcome: Outcome
    next_call_at: datetime | None
    already_logged: bool = False
    # The kind of the earliest open task (what `next_call_at` is for), as stored.
    next_task_kind: str | None = None
    # The prospect's stage after the call.
    stage: str | None = None
    # The open callback or meeting already due at the moment the call booked, kept as it
    # was instead of booked twice (None too for a call found by its request id).
    already_booked_task_id: int | None = None
    # When the revisit is due that a "not interested" booked (a revisit date given).
    revisit_booked: datetime | None = None
    # For a redo: the callback or meeting an undo of the call kept because the rep changed
    # it since (moved, done or cancelled), which the call books again as the rep left it.
    rebooked: Task | None = None
    # When the meetings were that the call cancelled (a "not interested" keeps no promise).
    meetings_cancelled: tuple[datetime, ...] = ()
    # The earliest meeting still open after the call, whatever comes before it.
    meeting_open: datetime | None = None
    # The open callbacks (or meetings) due after the one the call booked, which it left
    # open, with their kind: the prospect asked for an earlier time, and the old one stands
    # (PRODUCT 3); a meeting booked leaves a callback after it open too.
    also_open: tuple[tuple[TaskKind, datetime], ...] = ()
    # When the callbacks were due that a meeting's outcome (held, or missed) or an
    # unanswered try marked done as the task the call was for (PRODUCT 14): the rep logged
    # the meeting, or a try with no one reached, and hears that the callback is done.
    callbacks_done: tuple[datetime, ...] = ()
    # When the callbacks were due that the call cancelled (not interested, do not call).
    callbacks_cancelled: tuple[datetime, ...] = ()
    # When the meeting was due that a meeting held marked held before its time had come.
    held_early: datetime | None = None
    # When the calls were due, at times a gatekeeper gave, that the call cancelled (the
    # prospect reached, a time of their own booked).
    given_cancelled: tuple[datetime, ...] = ()
    # When the revisits were due that the call cancelled: the prospect back in play, or won.
    revisits_cancelled: tuple[datetime, ...] = ()
    # Why they said no (not interested), when the rep picked a reason.
    reason: LostReason | None = None
    # The prospect was lost and the call took them out of it (a callback or a meeting, or
    # a try at their revisit, which starts the cadence again), to `stage` short of won.
    no_longer_lost: bool = False
    # The prospect was lost and an unanswered try before their revisit left them so,
    # booking nothing: the revisit, if any, is still their next call.
    still_lost: bool = False
    # The time a gatekeeper gave for a prospect left lost, which the call did not book.
    given_not_booked: datetime | None = None

    @property
    def outcome_said(self) -> str:
        """The outcome as a line says it, with the reason picked: `not interested (no
        need)`, so a reason picked by a key meant for the date shows."""
        said = self.outcome.spec.label.lower()
        return f"{said} ({self.reason.label.lower()})" if self.reason is not None else said


@dataclass(frozen=True)
class LastCall:
    """The call that undo would remove next, with what it takes to log it again (redo)."""

    call_id: int
    prospect_id: int
    prospect_name: str
    outcome: Outcome
    entry: CallOutcome
    logged_at: datetime | None
    # The key it was logged with, so that redo logs it under the same one.
    request_id: str | None = None


@dataclass(frozen=True)
class KeptTask:
    """A task the call made or booked that its undo left, as the rep changed it since."""

    kind: str
    due: datetime | None
    status: str


@dataclass(frozen=True)
class UndoneCall(LastCall):
    """The call that undo removed, and what it left as it was because something else
    changed it after the call (an edit, another window, the timeline): prospect columns,
    and the tasks the call made (`callback task`)."""

    # The prospect's columns changed since: redo leaves them as the rep changed them, as
    # the undo did.
    kept_columns: tuple[str, ...] = ()
    # The ids of the tasks kept: redo books the call's appointment as that task, where
    # the rep moved it, rather than a second one at the time the call first said.
    kept_tasks: tuple[int, ...] = ()
    # Those tasks, soonest first, for the toast to name.
    kept_task_details: tuple[KeptTask, ...] = ()
    # The stage the call wrote, left because a meeting it booked stays open (moved since
    # the call): a prospect with a meeting ahead is not a lead again.
    stage_kept: str | None = None
    # The tasks the call had closed that are open again, (kind, due), soonest first: a
    # revisit, a callback, a meeting the rep hears are back.
    reopened: tuple[tuple[str, datetime | None], ...] = ()
    # The stage put back, when the call had changed it (`lost` again).
    stage_again: str | None = None

    @property
    def not_restored(self) -> tuple[str, ...]:
        """What the undo left as it was: columns (`deal_value_cents`), then tasks
        (`callback task`), then the stage kept for a meeting."""
        tasks = (f"{task.kind} task" for task in self.kept_task_details)
        stage = ("stage",) if self.stage_kept else ()
        return (*self.kept_columns, *tasks, *stage)


class LastCallChanged(Exception):
    """The call the rep chose to undo is no longer the last one; str() says so in one line."""


class ProspectMovedOn(Exception):
    """The call's prospect is another rep's now (`funnel assign`): undone, the call could
    not be logged again (redo refuses another rep's prospect), so it stays; str() says so
    in one line."""


class UndoRecordUnreadable(Exception):
    """The undo_log row of a call is not what funnel wrote (another tool changed it), so
    the call cannot be undone; str() says so in one line."""


# The prospect columns that keep themselves right: the calls triggers recompute the last
# call from the calls that remain, and updated_at is the row's own stamp. Undo never names
# them as not restored.
RECOMPUTED_ON_DELETE = ("last_called_at", "last_outcome")
SELF_KEPT_COLUMNS = frozenset({*RECOMPUTED_ON_DELETE, "updated_at"})
# The columns the tasks triggers keep (the earliest open task).
TASK_KEPT_COLUMNS = frozenset({"next_call_at", "next_task_kind"})

# What undo restores for a call logged before undo_log kept what each call wrote: the
# columns that logging a call can change, and none that only the rep edits.
CALL_COLUMNS = (
    "next_call_at",
    "stage",
    "kind",
    "deal_value_cents",
    "nurture",
    "wrong_number",
    "do_not_call",
    "attempts",
    *sorted(SELF_KEPT_COLUMNS),
)


def _check(entry: CallOutcome, now: datetime) -> None:
    spec = entry.outcome.spec
    label = spec.label
    when = spec.asks_for(Ask.WHEN)
    if when and when.required and entry.follow_up_at is None:
        raise OutcomeInvalid(f"{label} needs a date and time")
    if spec.asks_for(Ask.AMOUNT) and (entry.amount_cents is None or entry.amount_cents <= 0):
        raise OutcomeInvalid(f"{label} needs an amount greater than zero")
    if spec.asks_for(Ask.CLOSE_ON) and entry.close_on is None:
        raise OutcomeInvalid(f"{label} needs an expected close date")
    if entry.revisit_on is not None and entry.revisit_on < now.date():
        raise OutcomeInvalid(f"the revisit date {entry.revisit_on} is in the past")
    if entry.reason is LostReason.UNREACHABLE:
        raise OutcomeInvalid("unreachable is set by the cadence, not picked")


def _stored(moment: datetime | None) -> str | None:
    return to_stored(moment) if moment else None


def _row_json(row: dict[str, Any]) -> dict[str, Any]:
    """A prospect row (or some of its columns) for JSON; a BLOB another tool stored is kept
    as its hex."""
    return {column: {"blob": v.hex()} if isinstance(v, bytes) else v for column, v in row.items()}


def _row_from_json(saved: object) -> dict[str, Any]:
    """The row `_row_json` wrote; ValueError or TypeError for anything else."""
    if not isinstance(saved, dict):
        raise ValueError(f"a row is an object, not {type(saved).__name__}")
    row = {}
    for column, value in saved.items():
        if isinstance(value, dict):
            if set(value) != {"blob"}:
                raise ValueError(f"{column} holds an object that is not a BLOB")
            row[column] = bytes.fromhex(value["blob"])
        elif isinstance(value, list):
            raise ValueError(f"{column} holds a list")
        else:
            row[column] = value
    return row


# Whether prospect `?` had a busy signal since `?` (the start of the rep's day) and
# since its last connect: a busy signal counts once a business day.
_BUSY_TODAY = (
    "SELECT 1 FROM calls WHERE prospect_id = ? AND outcome = 'busy' AND started_at >= ?"
    " AND started_at >= coalesce((SELECT max(started_at) FROM calls WHERE prospect_id = ?"
    f" AND outcome IN ({sql_list(sorted(CONNECT_OUTCOMES))})), '') LIMIT 1"
)


def _attempt_number(prospect: dict[str, Any], entry: CallOutcome, busy_today: bool) -> int:
    """Unanswered attempts since the last connect, this call included: a busy signal counts
    once a business day (the rep's day), so six in one afternoon are one attempt."""
    attempts = prospect["attempts"] if isinstance(prospect["attempts"], int) else 0
    if entry.outcome is Outcome.BUSY and busy_today:
        return attempts
    return attempts + 1


# What undo puts back of a task the call closed.
_CLOSED_COLUMNS = ("status", "done_at", "done_call_id")
_TASK_BEFORE = f"SELECT {', '.join(_CLOSED_COLUMNS)} FROM tasks WHERE id = ?"


def _write_tasks(
    db: sqlite_utils.Database,
    prospect_id: int,
    call_id: int,
    effects: Effects,
    now: datetime,
    rep: str | None = None,
) -> Callable[[], dict[str, Any]]:
    """Close and make the call's tasks (sent in the caller's batch); returns what reads,
    once the batch is answered, what undo needs to take them back."""
    closed = []
    stamped = to_stored(now)
    for task_id, status in effects.close.items():
        closed.append((task_id, send(db, _TASK_BEFORE, [task_id])))
        send(
            db,
            "UPDATE tasks SET status = ?, done_at = ?, done_call_id = ? WHERE id = ?",
            [status.value, stamped, call_id, task_id],
        )
    created = [
        (
            send(
                db,
                "INSERT INTO tasks (prospect_id, kind, due_at, created_at, call_id, rep)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [prospect_id, task.kind.value, to_stored(task.due_at), stamped, call_id, rep],
            ),
            task,
        )
        for task in effects.create
    ]
    booked = effects.already_booked
    if booked is not None and effects.rebooked:
        # A redo: the appointment an undo of this call kept (the rep moved it) is this
        # call's again, and so its note.
        send(
            db,
            "UPDATE tasks SET call_id = ? WHERE id = ? AND call_id IS NULL",
            [call_id, booked.id],
        )

    def record() -> dict[str, Any]:
        return {
            "closed": [
                {"id": task_id, **dict(zip(_CLOSED_COLUMNS, _one(before), strict=True))}
                for task_id, before in closed
            ],
            "created": [
                {"id": _one(made)[0], "kind": task.kind.value, "due_at": to_stored(task.due_at)}
                for made, task in created
            ],
            "booked": [booked.id] if booked is not None and effects.rebooked else [],
        }

    return record


def _one(sent: Sent) -> tuple[Any, ...]:
    row = sent.one()
    assert row is not None
    return row


# A request id is the rep's own (schema_v11): only their calls are looked at, by the
# expression of the unique index (a one-rep book's calls have no rep).
_CALL_FOR_REQUEST = (
    "SELECT c.id, c.prospect_id, c.outcome, p.next_call_at, p.next_task_kind, p.stage"
    " FROM calls c"
    " JOIN prospects p ON p.id = c.prospect_id"
    " WHERE coalesce(c.rep, '') = coalesce(?, '') AND c.request_id = ?"
)


def call_for_request(
    db: sqlite_utils.Database, prospect_id: int, request_id: str, rep: str | None = None
) -> LoggedCall | None:
    """The call `rep` logged for this prospect with this request id (in a one-rep book,
    rep None: the book's), or None when there is none.

    OutcomeInvalid when the rep used the id for another prospect's call: the caller reused
    a key meant for one call. Another rep's call with the same id is not theirs to find.
    """
    row = db.execute(_CALL_FOR_REQUEST, [rep, request_id]).fetchone()
    return _logged_call(row, prospect_id, request_id)


def _logged_call(row: Sequence[Any] | None, prospect_id: int, request_id: str) -> LoggedCall | None:
    """The call `_CALL_FOR_REQUEST` found, if it found one, for this prospect."""
    if row is None:
        return None
    call_id, logged_for, outcome, next_call_at, next_task_kind, stage = row
    if logged_for != prospect_id:
        raise OutcomeInvalid(
            f"request id {request_id!r} was used for call {call_id} with prospect {logged_for}"
        )
    return LoggedCall(
        call_id=call_id,
        prospect_id=prospect_id,
        outcome=Outcome(outcome),
        next_call_at=from_stored(next_call_at),
        already_logged=True,
        next_task_kind=next_task_kind,
        stage=stage,
    )


def _check_team(prospect: dict[str, Any], rep: str, known: str | None, other: str | None) -> None:
    """A rep of a team's book may log a call only as a rep the book knows (`known`, the
    rep's name as the book keeps it), never on a prospect another rep owns (one moved by
    `funnel assign` while the dialog was open) or holds now (`other`, the rep whose lease
    runs): no prospect is called by two reps at once."""
    if known is None:
        raise OutcomeInvalid(f"no rep named {rep!r} in this book (removed?); nothing was logged")
    name = one_line(prospect["name"])
    owner = prospect.get("owner")
    if owner is not None and owner != known:
        raise OwnedByAnother(f"{name} is {one_line(owner)}'s now; nothing was logged")
    if other is not None and other != rep:
        raise OutcomeInvalid(
            f"{other} is on {name} now (they hold them until they move on); nothing was logged"
        )


# Another rep's call this recent on the prospect is said before a call is logged on top
# of it (`funnel log` asks for `--yes`).
JUST_CALLED = timedelta(minutes=1)

# A prospect's row, locked until the commit (PostgreSQL).
PROSPECT_LOCK = "SELECT 1 FROM prospects WHERE id = ? FOR NO KEY UPDATE"

# The rep of the prospect's latest call.
LAST_CALLER = (
    "SELECT rep FROM calls WHERE prospect_id = ? ORDER BY started_at DESC, id DESC LIMIT 1"
)


def _check_seen(
    db: sqlite_utils.Database,
    prospect: dict[str, Any],
    rep: str,
    seen: SeenOnCard,
    now: datetime,
) -> None:
    """Refuse a call on a prospect another rep has called since the card showed it (two
    reps' dialogs open on one pool prospect, the second saved after the first), or less
    than JUST_CALLED ago, until the rep has been told: two reps typing `l n enter` ahead
    on one pool prospect had the card read again, their call in it, just before the
    dialog opened, and both calls were logged."""
    stored = prospect["last_called_at"]
    ago = just_called_ago(stored, now)
    if stored == seen.last_called_at and (seen.recent_call_told or ago is None):
        return
    row = send(db, LAST_CALLER, [prospect["id"]]).one()
    caller = row[0] if row is not None else None
    if caller is None or caller == rep:
        return
    told = replace(seen, last_called_at=stored, recent_call_told=True)
    caller, name = one_line(caller), one_line(prospect["name"])
    if stored != seen.last_called_at:
        raise CalledMeanwhile(f"{caller} has just called {name}; nothing was logged", told)
    raise CalledMeanwhile(
        f"{caller} called {name} {ago} s ago, so this call may be the same one or a second"
        " on top of it; nothing was logged",
        told,
    )


def just_called_ago(stored: object, now: datetime) -> int | None:
    """How many whole seconds before `now` a prospect's stored last call was, when less
    than JUST_CALLED (and not after now); None otherwise, and for a value that is no
    moment."""
    if not isinstance(stored, str):
        return None
    try:
        since = in_utc(now) - in_utc(from_stored(stored))
    except ValueError:
        return None
    return int(since.total_seconds()) if timedelta(0) <= since < JUST_CALLED else None


def _check_do_not_call(prospect: dict[str, Any], effects: Effects, seen: SeenOnCard) -> None:
    """Refuse to book a call with a prospect marked do not call since the card showed them
    (in this transaction's read of the row): the rep never confirmed calling them. A call
    that books none (a meeting, a win, do not call itself) is logged."""
    if prospect["do_not_call"] and not seen.do_not_call and effects.books_a_call:
        raise MarkedDoNotCallMeanwhile(
            f"{one_line(prospect['name'])} was marked do not call meanwhile; nothing was logged",
            replace(seen, do_not_call=True),
        )


def log_call(
    db: sqlite_utils.Database,
    prospect_id: int,
    entry: CallOutcome,
    *,
    now: datetime,
    settings: Settings,
    request_id: str | None = None,
    rep: str | None = None,
    seen: SeenOnCard | None = None,
    rebooking: Collection[int] = (),
    keeping: Collection[str] = (),
) -> LoggedCall:
    """Write the call, its tasks, its deal and the prospect's new state in one transaction.

    In a team's book the call, its tasks and its deal are `rep`'s, and a call that reaches
    a pool prospect makes it theirs (PRODUCT 16). It is refused on a prospect another rep
    owns or holds, and, given what the rep's card showed (`seen`), on one another rep has
    called since. Given `seen`, in any book, a call that would book another call with a
    prospect marked do not call since the card showed them is refused
    (MarkedDoNotCallMeanwhile). On PostgreSQL the prospect's row is locked as it is read,
    so of two reps saving at once the second reads the first's call.

    `undo_log` keeps the prospect as it was, the columns the call wrote and the tasks it
    closed and made, so that `undo_last_call` can put back just those, also after a restart.
    `keeping` names columns of the prospect the call leaves as they are (for a redo, those
    the rep changed after the call it logs again).

    With a `request_id`, a call already logged with it for this prospect is returned as it
    is (`already_logged`) and nothing is written: a caller that lost the answer can try
    again. The look-up runs in the write transaction, so two tries at once write one call:
    on SQLite the second waits for the first's write lock; on PostgreSQL, which takes no
    lock up front, the second's insert meets the first's request id, and it returns the
    call the first wrote.
    """
    try:
        return _write_call(
            db,
            prospect_id,
            entry,
            now=now,
            settings=settings,
            request_id=request_id,
            rep=rep,
            seen=seen,
            rebooking=rebooking,
            keeping=keeping,
        )
    except integrity_errors():
        found = None if request_id is None else call_for_request(db, prospect_id, request_id, rep)
        if found is None:
            raise
        return found


# The columns read with a prospect's row, after its own (a statement fewer is less work
# on both sides): the last flag change so far (the call's come after it) and, in a team's
# book, the rep's name as the book keeps it and the rep whose lease on the prospect runs.
_FLAGS_MARK = "funnel_flags_mark"
_KNOWN_REP = "funnel_known_rep"
_HOLDER = "funnel_holder"
# The flag changes since the mark, read with the row after the call, as a text `1,2,3`.
_FLAGS_WRITTEN = "funnel_flags_written"


@dataclass(frozen=True)
class _Reads:
    """What a call is logged against, sent in one batch: the prospect (with the columns
    above), its open tasks, and whether it had a busy signal today (a busy call only)."""

    prospect: Sent
    open_tasks: Sent
    busy: Sent | None
    # An attempt's: the open call tasks at a time a gatekeeper gave (`PROMISED_CALLS`).
    promised: Sent | None = None


def _send_reads(
    db: sqlite_utils.Database, prospect_id: int, entry: CallOutcome, now: datetime, rep: str | None
) -> _Reads:
    busy = None
    if entry.outcome is Outcome.BUSY:
        day_starts = to_stored(datetime.combine(now.date(), time.min, tzinfo=now.tzinfo))
        busy = send(db, _BUSY_TODAY, [prospect_id, day_starts, prospect_id])
    team, params = "", [prospect_id]
    if rep is not None:
        team = f", ({KNOWN_REP} LIMIT 1) AS {_KNOWN_REP}, ({HOLDER}) AS {_HOLDER}"
        params = [rep, prospect_id, to_stored(now), prospect_id]
    # Locked on a team's server until the commit: another rep's call on the prospect
    # waits, and then reads this one (SQLite's write transaction is the book's alone).
    # NO KEY: the rows that name the prospect (a claim, a task) are not held up.
    lock = " FOR NO KEY UPDATE OF p" if dialect_of(db) is Dialect.POSTGRESQL else ""
    prospect = send(
        db,
        f"SELECT p.*{team}, (SELECT coalesce(max(id), 0) FROM flag_changes) AS {_FLAGS_MARK}"
        f" FROM prospects p WHERE p.id = ?{lock}",
        params,
    )
    # The calls at a time a gatekeeper gave: an attempt keeps them, a connect cancels them
    # and the line says so.
    promised = send(db, PROMISED_CALLS, [prospect_id])
    return _Reads(
        prospect=prospect,
        open_tasks=send(db, OPEN_TASKS, [prospect_id, TaskStatus.OPEN.value]),
        busy=busy,
        promised=promised,
    )


# The prospect's open call tasks booked at the time a gatekeeper gave (`g` with a time):
# the call that made each is a gatekeeper's with a follow-up time.
PROMISED_CALLS = f"""
SELECT t.id FROM tasks t JOIN calls c ON c.id = t.call_id
WHERE t.prospect_id = ? AND t.status = '{TaskStatus.OPEN.value}'
  AND t.kind = '{TaskKind.CALL.value}' AND c.outcome = '{Outcome.GATEKEEPER.value}'
  AND c.follow_up_at IS NOT NULL
"""


def _split(row: dict[str, Any], *columns: str) -> list[Any]:
    """The values of `columns` taken out of a row read with them, leaving the prospect's."""
    return [row.pop(column) for column in columns]


_CALL_COLUMNS = (
    "prospect_id, started_at, duration_s, outcome, method, notes, follow_up_at, reason,"
    " request_id, rep"
)
_CALL_MARKS = ", ".join("?" * len(_CALL_COLUMNS.split(",")))
# On a team's server the call's id is taken from its sequence with the reads, so the call
# and what it changes are sent in one batch: the call's triggers lock the team's row of
# call_days for the day (every rep's call counts in it), and it is held until the commit
# one wait later instead of two.
_NEXT_CALL_ID = "SELECT nextval(pg_get_serial_sequence('calls', 'id'))"


def _write_call(
    db: sqlite_utils.Database,
    prospect_id: int,
    entry: CallOutcome,
    *,
    now: datetime,
    settings: Settings,
    request_id: str | None,
    rep: str | None,
    seen: SeenOnCard | None = None,
    rebooking: Collection[int] = (),
    keeping: Collection[str] = (),
) -> LoggedCall:
    """The transaction of `log_call`, in three batches on a team's server (store.batch):
    what the call is logged against (and the call's id), the call with what it changes,
    and the undo record."""
    with batched(db), write_transaction(db):
        lookup = None if request_id is None else send(db, _CALL_FOR_REQUEST, [rep, request_id])
        reads = None
        # An id no database could hold names no prospect (prospects.get_prospect).
        if prospect_id in SQLITE_INTEGERS:
            reads = _send_reads(db, prospect_id, entry, now, rep)
        call_id_taken = None
        if dialect_of(db) is Dialect.POSTGRESQL:
            call_id_taken = send(db, _NEXT_CALL_ID)
        if lookup is not None and request_id is not None:
            found = _logged_call(lookup.one(), prospect_id, request_id)
            if found is not None:
                return found
        _check(entry, now)
        before = next(iter(reads.prospect.dicts()), None) if reads is not None else None
        if reads is None or before is None:
            raise ProspectGone(f"prospect {prospect_id} no longer exists")
        if seen is not None and someone_else_now(seen.created_at, before):
            # The one shown was forgotten meanwhile.
            raise ProspectGone(f"prospect {prospect_id} is someone else now")
        (flags_mark,) = _split(before, _FLAGS_MARK)
        if rep is not None:
            _check_team(before, rep, *_split(before, _KNOWN_REP, _HOLDER))
            if seen is not None:
                _check_seen(db, before, rep, seen, now)
        busy_today = reads.busy is not None and reads.busy.one() is not None
        attempt = _attempt_number(before, entry, busy_today)
        # On the rep's clock: the deal closes on the local day of the call, and a start
        # given in UTC (`funnel log --duration`) dated an evening's win the next day.
        started_at = (entry.started_at or now).astimezone(now.tzinfo)
        open_tasks = [task_from_row(row) for row in reads.open_tasks.all()]
        kept = []
        if rebooking:
            marks = ", ".join("?" * len(rebooking))
            found = send(db, TASKS_OF_IDS.format(marks=marks), [prospect_id, *rebooking])
            kept = [task_from_row(row) for row in found.all()]
        promised = frozenset(
            int(row[0]) for row in (reads.promised.all() if reads.promised else ())
        )
        effects = outcome_effects(
            before,
            open_tasks,
            entry,
            attempt=attempt,
            now=now,
            settings=settings,
            rebooking=kept,
            promised=promised,
        )
        if seen is not None:
            _check_do_not_call(before, effects, seen)
        call = [
            prospect_id,
            to_stored(started_at),
            max(0, int(entry.duration_s)),
            entry.outcome.value,
            # A prospect with no method set is worked with the default's script.
            method_used(before["method"]),
            clean_optional(entry.notes),
            _stored(entry.follow_up_at),
            entry.reason.value if entry.reason else None,
            request_id,
            rep,
        ]
        if call_id_taken is not None:
            call_id = int(_one(call_id_taken)[0])
            inserted = f"INSERT INTO calls (id, {_CALL_COLUMNS}) VALUES (?, {_CALL_MARKS})"
            send(db, inserted, [call_id, *call])
        else:
            inserted = f"INSERT INTO calls ({_CALL_COLUMNS}) VALUES ({_CALL_MARKS}) RETURNING id"
            call_id = int(_one(send(db, inserted, call))[0])
        changes = {c: value for c, value in effects.prospect.items() if c not in keeping}
        if changes:
            send(
                db,
                f"UPDATE prospects SET {', '.join(f'{c} = ?' for c in changes)} WHERE id = ?",
                [*changes.values(), prospect_id],
            )
        tasks = _write_tasks(db, prospect_id, call_id, effects, now, rep)
        taken = None
        if rep is not None:
            # A connect makes a pool prospect the rep's (ownership.take_on_connect), and
            # the call is made: the rep's lease on the prospect ends with it.
            if entry.outcome in CONNECT_OUTCOMES:
                taken = send(db, TAKE_FROM_POOL, [rep, prospect_id])
            send(db, RELEASE, [prospect_id, rep])
        flag_ids = NUMBER_LIST.for_db(db).format(x="id")
        after_row = send(
            db,
            f"SELECT p.*, (SELECT {flag_ids} FROM flag_changes WHERE id > ?"
            f" AND prospect_id = p.id) AS {_FLAGS_WRITTEN} FROM prospects p WHERE p.id = ?",
            [flags_mark, prospect_id],
        )
        if taken is not None and taken.one() is not None:
            send(db, END_LEASES, [prospect_id])
        after = after_row.dicts()[0]
        (flags_written,) = _split(after, _FLAGS_WRITTEN)
        wrote = {column: value for column, value in after.items() if value != before[column]}
        record = {
            "before": _row_json(before),
            "wrote": _row_json(wrote),
            "tasks": tasks(),
            "flag_changes": [int(id_) for id_ in flags_written.split(",")] if flags_written else [],
            # What the calls row does not hold, for redo.
            "entry": {
                "amount_cents": entry.amount_cents,
                "close_on": entry.close_on.isoformat() if entry.close_on else None,
                "revisit_on": entry.revisit_on.isoformat() if entry.revisit_on else None,
            },
        }
        send(
            db,
            "INSERT INTO undo_log (call_id, prospect_before, logged_at) VALUES (?, ?, ?)",
            [call_id, json.dumps(record), to_stored(now)],
        )
        if effects.deal_kind is not None:
            send(
                db,
                "INSERT INTO deals (prospect_id, call_id, amount_cents, closed_on, kind, rep)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    prospect_id,
                    call_id,
                    entry.amount_cents,
                    started_at.date().isoformat(),
                    effects.deal_kind.value,
                    rep,
                ],
            )
    meetings = [
        task for task in open_tasks if task.kind == TaskKind.MEETING and task.due_at is not None
    ]
    callbacks = [task for task in open_tasks if task.kind == TaskKind.CALLBACK]
    revisits = [task for task in open_tasks if task.kind == TaskKind.REVISIT]
    given = [task for task in open_tasks if task.id in promised]
    return LoggedCall(
        also_open=_also_open(entry, effects, open_tasks),
        call_id=call_id,
        prospect_id=prospect_id,
        outcome=entry.outcome,
        next_call_at=from_stored(after["next_call_at"]),
        next_task_kind=after["next_task_kind"],
        stage=after["stage"],
        already_booked_task_id=effects.already_booked.id if effects.already_booked else None,
        rebooked=effects.already_booked if effects.rebooked else None,
        revisit_booked=next(
            (task.due_at for task in effects.create if task.kind is TaskKind.REVISIT), None
        ),
        meetings_cancelled=_due_times(meetings, effects, TaskStatus.CANCELLED),
        meeting_open=min(
            (task.due_at for task in meetings if task.id not in effects.close), default=None
        ),
        callbacks_done=(
            _due_times(callbacks, effects, TaskStatus.DONE)
            if entry.outcome in CALLBACKS_SAID_DONE
            else ()
        ),
        callbacks_cancelled=_due_times(callbacks, effects, TaskStatus.CANCELLED),
        given_cancelled=_due_times(given, effects, TaskStatus.CANCELLED),
        reason=entry.reason if entry.outcome is Outcome.NOT_INTERESTED else None,
        no_longer_lost=before["stage"] == Stage.LOST and after["stage"] not in _LOST_OR_WON,
        still_lost=(
            still_lost := before["stage"] == Stage.LOST
            and after["stage"] == Stage.LOST
            and entry.outcome in CADENCE_OUTCOMES
        ),
        given_not_booked=entry.follow_up_at if still_lost else None,
        revisits_cancelled=_due_times(revisits, effects, TaskStatus.CANCELLED),
        held_early=next(
            (
                task.due_at
                for task in meetings
                if effects.close.get(task.id) is TaskStatus.DONE and task.due_at > now
            ),
            None,
        ),
    )


_LOST_OR_WON = (Stage.LOST, Stage.WON)


def _due_times(tasks: Sequence[Task], effects: Effects, status: TaskStatus) -> tuple[datetime, ...]:
    """When the tasks were due that the call closed as `status`, soonest first."""
    return tuple(
        sorted(
            task.due_at
            for task in tasks
            if task.due_at is not None and effects.close.get(task.id) is status
        )
    )


def _also_open(
    entry: CallOutcome, effects: Effects, open_tasks: Sequence[Task]
) -> tuple[tuple[TaskKind, datetime], ...]:
    """The kind and due time of the open callbacks or meetings that come after the one
    `entry` booked, of its kind (and the callbacks after a meeting booked), that the call
    left open."""
    kind = follow_up_task_kind(entry.outcome)
    booked = entry.follow_up_at
    if kind not in (TaskKind.CALLBACK, TaskKind.MEETING) or booked is None:
        return ()
    kinds = {kind, TaskKind.CALLBACK}
    kept = effects.already_booked.id if effects.already_booked else None
    left_open = [
        (task.kind, task.due_at)
        for task in open_tasks
        if task.kind in kinds
        and task.due_at is not None
        and task.due_at > booked
        and task.id not in effects.close
        and task.id != kept
    ]
    return tuple(sorted(left_open, key=lambda open_task: open_task[1]))


# Newest undo record first, each call looked up by id (SQLite takes a CROSS JOIN's tables
# in the order written): led by the calls of the rep instead, SQLite went through every
# call of theirs, most of them logged by other tools with nothing to undo (60 ms at a
# million calls).
_LAST_CALL_SQL = """
SELECT u.call_id, u.prospect_before, u.logged_at, c.prospect_id, c.outcome, c.started_at,
       c.duration_s, c.notes, c.follow_up_at, c.reason, p.name,
       (SELECT amount_cents FROM deals WHERE call_id = c.id ORDER BY id LIMIT 1), c.request_id
FROM undo_log u CROSS JOIN calls c JOIN prospects p ON p.id = c.prospect_id
WHERE c.id = u.call_id AND coalesce(c.rep, '') = coalesce(CAST(:rep AS TEXT), '')
ORDER BY u.call_id DESC LIMIT 1
"""


def _read_last_call(
    db: sqlite_utils.Database, rep: str | None = None
) -> tuple[LastCall, str] | None:
    """The last call that undo takes back: in a team's book, `rep`'s own."""
    row = db.execute(_LAST_CALL_SQL, {"rep": rep}).fetchone()
    if row is None:
        return None
    call_id, snapshot, logged_at, prospect_id, outcome, started_at = row[:6]
    duration_s, notes, follow_up_at, reason, name, amount_cents, request_id = row[6:]
    try:
        extra = _snapshot(snapshot).entry
    except (ValueError, TypeError):
        extra = {}  # undo says so; the call can still be named
    entry = CallOutcome(
        outcome=Outcome(outcome),
        notes=notes,
        follow_up_at=from_stored(follow_up_at),
        amount_cents=amount_cents if amount_cents is not None else _int(extra.get("amount_cents")),
        close_on=_day(extra.get("close_on")),
        reason=LostReason(reason) if reason in set(LostReason) else None,
        revisit_on=_day(extra.get("revisit_on")),
        started_at=from_stored(started_at),
        duration_s=duration_s if isinstance(duration_s, int) else 0,
    )
    last = LastCall(
        call_id,
        prospect_id,
        str(name),
        entry.outcome,
        entry,
        from_stored(logged_at),
        request_id if isinstance(request_id, str) else None,
    )
    return last, snapshot


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def last_call(db: sqlite_utils.Database, rep: str | None = None) -> LastCall | None:
    """The call that `undo_last_call` would remove now, or None when there is none."""
    found = _read_last_call(db, rep)
    return found[0] if found else None


@dataclass(frozen=True)
class UndoRecord:
    """What undo_log keeps of a call: the prospect before it, the columns it wrote (None in
    a row logged before undo_log kept them), the tasks it closed and made and the flag
    history rows it added (None before schema v3), and the fields of the entry that the
    calls row does not hold."""

    before: dict[str, Any]
    wrote: dict[str, Any] | None = None
    tasks: dict[str, list[Any]] | None = None
    flag_changes: tuple[int, ...] = ()
    entry: dict[str, Any] = field(default_factory=dict)


_RECORD_KEYS = {"before", "wrote", "tasks", "flag_changes", "entry"}


def _ids(value: object) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(item, int) for item in value):
        raise ValueError("a list of ids holds something else")
    return value


def _made_tasks(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(
        isinstance(item, dict)
        and isinstance(item.get("id"), int)
        and isinstance(item.get("due_at"), str)
        and isinstance(item.get("kind"), str)
        for item in value
    ):
        raise ValueError("the tasks the call made are not a list of tasks")
    return value


def _closed_tasks(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(
        isinstance(item, dict) and isinstance(item.get("id"), int) for item in value
    ):
        raise ValueError("the closed tasks are not a list of tasks")
    return value


def _snapshot(text: object) -> UndoRecord:
    """The undo record of a call, in any of the forms funnel has written.

    ValueError or TypeError, saying why, when the text is not one of them.
    """
    if not isinstance(text, str):
        raise ValueError(f"it holds {type(text).__name__} data, not text")
    saved = json.loads(text)
    if not (isinstance(saved, dict) and {"before", "wrote"} <= set(saved) <= _RECORD_KEYS):
        return UndoRecord(_row_from_json(saved))
    before, wrote = _row_from_json(saved["before"]), _row_from_json(saved["wrote"])
    if missing := sorted({*wrote, *RECOMPUTED_ON_DELETE} - set(before)):
        raise ValueError(f"the prospect before the call has no {', '.join(missing)}")
    tasks = saved.get("tasks")
    if tasks is not None:
        if not isinstance(tasks, dict):
            raise ValueError("the call's tasks are not an object")
        tasks = {
            "created": _made_tasks(tasks.get("created")),
            "closed": _closed_tasks(tasks.get("closed")),
            # Written since the appointment a call keeps is undone and redone with it.
            "booked": list(_ids(tasks.get("booked", []))),
        }
    entry = saved.get("entry", {})
    if not isinstance(entry, dict):
        raise ValueError("the entry is not an object")
    return UndoRecord(before, wrote, tasks, tuple(_ids(saved.get("flag_changes", []))), entry)


def unreadable_undo_records(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """The calls whose undo_log row cannot be read, and why: undo refuses them."""
    unreadable = []
    for call_id, text in conn.execute("SELECT call_id, prospect_before FROM undo_log"):
        try:
            _snapshot(text)
        except (ValueError, TypeError) as error:
            unreadable.append((call_id, str(error)))
    return unreadable


def _take_back_tasks(
    db: sqlite_utils.Database, call_id: int, tasks: dict[str, list[Any]]
) -> tuple[list[int], list[int]]:
    """Remove the tasks the call made and reopen the ones it closed, where they still are
    as the call left them; returns the ids of the tasks kept because the rep changed them
    since (a callback rescheduled or done in the timeline stays), and of those open
    again."""
    kept = []
    reopened = []
    for made in tasks["created"]:
        removed = db.execute(
            "DELETE FROM tasks WHERE id = ? AND call_id = ? AND status = 'open' AND due_at = ?",
            [made["id"], call_id, made["due_at"]],
        ).rowcount
        if not removed and db.execute("SELECT 1 FROM tasks WHERE id = ?", [made["id"]]).fetchone():
            kept.append(int(made["id"]))
    for closed in tasks["closed"]:
        put_back = db.execute(
            "UPDATE tasks SET status = ?, done_at = ?, done_call_id = ?"
            " WHERE id = ? AND done_call_id = ?",
            [
                closed.get("status"),
                closed.get("done_at"),
                closed.get("done_call_id"),
                closed["id"],
                call_id,
            ],
        ).rowcount
        if put_back and closed.get("status") == TaskStatus.OPEN:
            reopened.append(int(closed["id"]))
    return kept, reopened


def undo_last_call(
    db: sqlite_utils.Database, *, call_id: int | None = None, rep: str | None = None
) -> UndoneCall | None:
    """Remove the last logged call, its deal and the tasks it made, reopen the tasks it
    closed, and put back the prospect's columns that the call changed, where they still
    hold what the call wrote. In a team's book, `rep`'s last call: never another rep's.

    With `call_id`, only that call is undone: LastCallChanged when another call has been
    logged since the rep chose it. Returns None when there is nothing to undo.
    """
    with write_transaction(db):
        found = _read_last_call(db, rep)
        if found is None:
            return None
        last, snapshot = found
        if call_id is not None and last.call_id != call_id:
            raise LastCallChanged("another call was logged meanwhile; nothing was undone")
        if dialect_of(db) is Dialect.POSTGRESQL:
            # The prospect first, as a call locks it: an undo and another rep's call on
            # the same prospect take their locks in one order, and never deadlock.
            db.execute(PROSPECT_LOCK, [last.prospect_id])
        current = get_prospect(db, last.prospect_id)
        assert current is not None
        owner = current["owner"]
        if rep is not None and owner is not None and owner != rep:
            # Undone, the call (a win, its deal) could never be redone from this rep's app.
            raise ProspectMovedOn(
                f"{one_line(current['name'])} is {one_line(owner)}'s now, and a call taken"
                " back could not be logged again from here; nothing was undone"
            )
        try:
            record = _snapshot(snapshot)
        except (ValueError, TypeError):
            raise UndoRecordUnreadable(
                f"the undo record of call {last.call_id} is unreadable (another tool changed "
                "undo_log; funnel check lists it)"
            ) from None
        before, wrote = record.before, record.wrote
        # Since schema v3 the tasks say when the next call is: next_call_at follows them
        # once they are taken back.
        follows_tasks = TASK_KEPT_COLUMNS if record.tasks is not None else frozenset()
        self_kept = SELF_KEPT_COLUMNS | follows_tasks
        if wrote is None:
            restore = {column: before[column] for column in CALL_COLUMNS if column in before}
        else:
            # Deleting the call recomputes the last call's columns, and taking its tasks
            # back stamps the row, even where this call left them as they were, so they
            # are checked too.
            kept = {column: before[column] for column in SELF_KEPT_COLUMNS if column in before}
            written = {**kept, **wrote}
            restore = {
                column: before[column]
                for column, value in written.items()
                if column in current and current[column] == value and column not in follows_tasks
            }
            # Another rep's calls since counted on from this one's attempt: they keep theirs.
            attempts = _attempts_without(db, last, before, wrote, current)
            if attempts is not None:
                restore["attempts"] = attempts
        kept_tasks, reopened = (
            _take_back_tasks(db, last.call_id, record.tasks) if record.tasks else ([], [])
        )
        open_again = _kinds_and_dues(db, reopened)
        # The appointment the call kept rather than booked (a redo's, moved by the rep
        # before the undo it redid) stays open too, said as kept: redo keeps it.
        booked = record.tasks["booked"] if record.tasks else []
        kept_details = _kept_tasks(db, kept_tasks, booked)
        stage_kept = None
        if "stage" in restore and any(
            task.kind == TaskKind.MEETING and task.status == TaskStatus.OPEN
            for task in kept_details
        ):
            # The stage goes back with the call, but not under a meeting still ahead.
            del restore["stage"]
            stage_kept = str(current["stage"])
        db.execute("DELETE FROM deals WHERE call_id = ?", [last.call_id])
        db.execute("DELETE FROM calls WHERE id = ?", [last.call_id])
        flags_mark = db.execute("SELECT coalesce(max(id), 0) FROM flag_changes").fetchone()[0]
        # Restore after the delete: the delete trigger recomputes last_called_at and
        # last_outcome, and the snapshot must win where the call's values are still there.
        if restore:
            db.execute(
                f"UPDATE prospects SET {', '.join(f'{column} = ?' for column in restore)}"
                " WHERE id = ?",
                [*restore.values(), last.prospect_id],
            )
        # The flag history forgets the call's changes and their undoing alike.
        for change in record.flag_changes:
            db.execute("DELETE FROM flag_changes WHERE id = ?", [change])
        db.execute(
            "DELETE FROM flag_changes WHERE id > ? AND prospect_id = ?",
            [flags_mark, last.prospect_id],
        )
    changed_since = (column for column in wrote or () if column not in restore)
    kept_columns = tuple(
        column
        for column in changed_since
        if column not in self_kept and not (column == "stage" and stage_kept)
    )
    return UndoneCall(
        **vars(last),
        kept_columns=kept_columns,
        kept_tasks=(*kept_tasks, *booked),
        kept_task_details=kept_details,
        stage_kept=stage_kept,
        reopened=open_again,
        stage_again=restore.get("stage") if "stage" in (wrote or ()) else None,
    )


def _kept_tasks(
    db: sqlite_utils.Database, changed: Iterable[int], booked: Sequence[int]
) -> tuple[KeptTask, ...]:
    """The tasks an undo left, soonest first: those the call made that the rep changed
    since (moved or done), and those it kept rather than booked that are still open."""
    changed_ids = set(changed)
    task_ids = [*changed_ids, *booked]
    if not task_ids:
        return ()
    marks = ", ".join("?" * len(task_ids))
    rows = db.execute(
        f"SELECT id, kind, due_at, status FROM tasks WHERE id IN ({marks}) ORDER BY due_at, id",
        task_ids,
    ).fetchall()
    return tuple(
        KeptTask(str(kind), from_stored(due), str(status))
        for task_id, kind, due, status in rows
        if task_id in changed_ids or status == TaskStatus.OPEN
    )


# The outcomes of a prospect's calls after one (by start, then id): undo asks whether the
# attempts counted since still include that call's.
_CALLS_AFTER = (
    "SELECT c.outcome FROM calls c, calls u WHERE u.id = ? AND c.prospect_id = u.prospect_id"
    " AND (c.started_at > u.started_at OR (c.started_at = u.started_at AND c.id > u.id))"
)


def _attempts_without(
    db: sqlite_utils.Database,
    last: LastCall,
    before: Mapping[str, Any],
    wrote: Mapping[str, Any],
    current: Mapping[str, Any],
) -> int | None:
    """The prospect's unanswered attempts without the call undone, when calls were logged
    after it (another rep's), which counted on from what it wrote; None when none were
    (undo puts back what it wrote over) or a count is not a number."""
    if "attempts" not in wrote:
        return None
    counts = (before["attempts"], wrote["attempts"], current["attempts"])
    if not all(isinstance(count, int) for count in counts):
        return None
    # As stored: an outcome another tool wrote that funnel does not know is no connect.
    later = {outcome for (outcome,) in db.execute(_CALLS_AFTER, [last.call_id])}
    if not later:
        return None
    if later & CONNECT_OUTCOMES:
        return counts[2]  # counted again from a connect since: this call is not in it
    # A busy signal after a busy one on its day was no attempt; without the first, it is.
    at_least = 1 if last.outcome is Outcome.BUSY and Outcome.BUSY in later else 0
    return max(counts[2] - (counts[1] - counts[0]), at_least)


def _kinds_and_dues(
    db: sqlite_utils.Database, task_ids: Sequence[int]
) -> tuple[tuple[str, datetime | None], ...]:
    """(kind, due) of these tasks, soonest first."""
    if not task_ids:
        return ()
    marks = ", ".join("?" * len(task_ids))
    rows = db.execute(
        f"SELECT kind, due_at FROM tasks WHERE id IN ({marks}) ORDER BY due_at, id", list(task_ids)
    ).fetchall()
    return tuple((str(kind), from_stored(due)) for kind, due in rows)


def redo_call(
    db: sqlite_utils.Database,
    undone: LastCall,
    *,
    now: datetime,
    settings: Settings,
    rep: str | None = None,
) -> LoggedCall:
    """Log an undone call again: the same outcome, note, amount, follow-up and times, and
    the cadence worked out from when it was first logged, under the request id it had.
    A callback or meeting the undo kept because the rep moved it since is the one the call
    books again, not a second at the time it first said; a column of the prospect the undo
    kept (a deal value edited since) stays as the rep left it. `now` gives the rep's zone."""
    zone = now.tzinfo
    entry = undone.entry
    started_at = entry.started_at.astimezone(zone) if entry.started_at else None
    logged_at = undone.logged_at.astimezone(zone) if undone.logged_at else now
    return log_call(
        db,
        undone.prospect_id,
        replace(entry, started_at=started_at),
        now=logged_at,
        settings=settings,
        request_id=undone.request_id,
        rep=rep,
        rebooking=undone.kept_tasks if isinstance(undone, UndoneCall) else (),
        keeping=undone.kept_columns if isinstance(undone, UndoneCall) else (),
    )
