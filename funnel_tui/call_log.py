"""Logging a call outcome and undoing it (PRODUCT section 3, outcome dialog)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlite_utils

from funnel_tui.cadence import attempts_exhausted, next_attempt
from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    Ask,
    Kind,
    LostReason,
    Outcome,
    Stage,
    stage_at_least,
)
from funnel_tui.prospects import get_prospect
from funnel_tui.settings import Settings
from funnel_tui.storage import write_transaction
from funnel_tui.text import clean_optional
from funnel_tui.timestamps import from_stored, to_stored


class OutcomeInvalid(ValueError):
    """The outcome cannot be saved as given; str() says why in one line."""


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
class LoggedCall:
    """A call as committed."""

    call_id: int
    prospect_id: int
    outcome: Outcome
    next_call_at: datetime | None


@dataclass(frozen=True)
class LastCall:
    """The call that undo would remove next, with what it takes to log it again (redo)."""

    call_id: int
    prospect_id: int
    prospect_name: str
    outcome: Outcome
    entry: CallOutcome
    logged_at: datetime | None


@dataclass(frozen=True)
class UndoneCall(LastCall):
    """The call that undo removed, and the prospect's columns it left as they were: the
    ones something else changed after the call (an edit, another window)."""

    not_restored: tuple[str, ...] = ()


class LastCallChanged(Exception):
    """The call the rep chose to undo is no longer the last one; str() says so in one line."""


class UndoRecordUnreadable(Exception):
    """The undo_log row of a call is not what funnel wrote (another tool changed it), so
    the call cannot be undone; str() says so in one line."""


# The prospect columns that keep themselves right: the calls triggers recompute the last
# call from the calls that remain, and updated_at is the row's own stamp. Undo never names
# them as not restored.
RECOMPUTED_ON_DELETE = ("last_called_at", "last_outcome")
SELF_KEPT_COLUMNS = frozenset({*RECOMPUTED_ON_DELETE, "updated_at"})

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


def _check(entry: CallOutcome) -> None:
    spec = entry.outcome.spec
    when = spec.asks_for(Ask.WHEN)
    if when and when.required and entry.follow_up_at is None:
        raise OutcomeInvalid(f"{entry.outcome.spec.label} needs a date and time")
    if spec.asks_for(Ask.AMOUNT) and (entry.amount_cents is None or entry.amount_cents <= 0):
        raise OutcomeInvalid("a won deal needs an amount greater than zero")


def _prospect_changes(
    prospect: dict[str, Any], entry: CallOutcome, now: datetime, settings: Settings
) -> dict[str, Any]:
    """How the outcome changes the prospect row (the call's own columns are set by triggers)."""
    outcome = entry.outcome
    stage = Stage(prospect["stage"])
    if outcome in CADENCE_OUTCOMES:
        # The insert trigger has already counted this attempt.
        if attempts_exhausted(prospect["attempts"], settings):
            return {"next_call_at": None, "stage": Stage.LOST, "nurture": 1}
        return {"next_call_at": _stored(next_attempt(outcome, now, settings, prospect["timezone"]))}
    if outcome is Outcome.CALLBACK:
        # A lost prospect who asks to be called back is back in play, so the follow-up is queued.
        new_stage = Stage.CONTACTED if stage in (Stage.LEAD, Stage.LOST) else stage
        return {"next_call_at": _stored(entry.follow_up_at), "stage": new_stage}
    if outcome is Outcome.MEETING:
        new_stage = stage_at_least(stage, Stage.QUALIFIED)
        return {"next_call_at": _stored(entry.follow_up_at), "stage": new_stage}
    if outcome is Outcome.WON:
        return {
            "next_call_at": None,
            "stage": Stage.WON,
            "kind": Kind.CUSTOMER,
            "deal_value_cents": entry.amount_cents,
        }
    if outcome is Outcome.NOT_INTERESTED:
        return {"next_call_at": None, "stage": Stage.LOST}
    if outcome is Outcome.WRONG_NUMBER:
        return {"next_call_at": None, "wrong_number": 1}
    return {"next_call_at": None, "do_not_call": 1}


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


def log_call(
    db: sqlite_utils.Database,
    prospect_id: int,
    entry: CallOutcome,
    *,
    now: datetime,
    settings: Settings,
) -> LoggedCall:
    """Write the call, its deal and the prospect's new state in one transaction.

    `undo_log` keeps the prospect as it was and the columns the call wrote, so that
    `undo_last_call` can put back just those, also after a restart.
    """
    _check(entry)
    with write_transaction(db):
        before = get_prospect(db, prospect_id)
        if before is None:
            raise OutcomeInvalid(f"prospect {prospect_id} no longer exists")
        started_at = entry.started_at or now
        call_id = db.execute(
            "INSERT INTO calls (prospect_id, started_at, duration_s, outcome, method, notes,"
            " follow_up_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                prospect_id,
                to_stored(started_at),
                max(0, int(entry.duration_s)),
                entry.outcome.value,
                before["method"],
                clean_optional(entry.notes),
                _stored(entry.follow_up_at),
            ],
        ).lastrowid
        after_trigger = get_prospect(db, prospect_id)
        assert after_trigger is not None
        changes = _prospect_changes(after_trigger, entry, now, settings)
        db.execute(
            f"UPDATE prospects SET {', '.join(f'{column} = ?' for column in changes)} WHERE id = ?",
            [*changes.values(), prospect_id],
        )
        after = get_prospect(db, prospect_id)
        assert after is not None
        wrote = {column: value for column, value in after.items() if value != before[column]}
        db.execute(
            "INSERT INTO undo_log (call_id, prospect_before, logged_at) VALUES (?, ?, ?)",
            [
                call_id,
                json.dumps({"before": _row_json(before), "wrote": _row_json(wrote)}),
                to_stored(now),
            ],
        )
        if entry.outcome is Outcome.WON:
            db.execute(
                "INSERT INTO deals (prospect_id, call_id, amount_cents, closed_on)"
                " VALUES (?, ?, ?, ?)",
                [prospect_id, call_id, entry.amount_cents, started_at.date().isoformat()],
            )
    next_call = changes.get("next_call_at")
    return LoggedCall(
        call_id=int(call_id or 0),
        prospect_id=prospect_id,
        outcome=entry.outcome,
        next_call_at=datetime.fromisoformat(next_call) if next_call else None,
    )


_LAST_CALL_SQL = """
SELECT u.call_id, u.prospect_before, u.logged_at, c.prospect_id, c.outcome, c.started_at,
       c.duration_s, c.notes, c.follow_up_at, p.name,
       (SELECT amount_cents FROM deals WHERE call_id = c.id ORDER BY id LIMIT 1)
FROM undo_log u JOIN calls c ON c.id = u.call_id JOIN prospects p ON p.id = c.prospect_id
ORDER BY u.call_id DESC LIMIT 1
"""


def _read_last_call(db: sqlite_utils.Database) -> tuple[LastCall, str] | None:
    row = db.execute(_LAST_CALL_SQL).fetchone()
    if row is None:
        return None
    call_id, snapshot, logged_at, prospect_id, outcome, started_at = row[:6]
    duration_s, notes, follow_up_at, name, amount_cents = row[6:]
    entry = CallOutcome(
        outcome=Outcome(outcome),
        notes=notes,
        follow_up_at=from_stored(follow_up_at),
        amount_cents=amount_cents,
        started_at=from_stored(started_at),
        duration_s=duration_s if isinstance(duration_s, int) else 0,
    )
    last = LastCall(call_id, prospect_id, str(name), entry.outcome, entry, from_stored(logged_at))
    return last, snapshot


def last_call(db: sqlite_utils.Database) -> LastCall | None:
    """The call that `undo_last_call` would remove now, or None when there is none."""
    found = _read_last_call(db)
    return found[0] if found else None


def _snapshot(text: object) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The prospect before the call and the columns the call wrote; a row logged before
    undo_log kept what each call wrote holds only the prospect before (None for wrote).

    ValueError or TypeError, saying why, when the text is not one of those two forms.
    """
    if not isinstance(text, str):
        raise ValueError(f"it holds {type(text).__name__} data, not text")
    saved = json.loads(text)
    if isinstance(saved, dict) and set(saved) == {"before", "wrote"}:
        before, wrote = _row_from_json(saved["before"]), _row_from_json(saved["wrote"])
        if missing := sorted({*wrote, *RECOMPUTED_ON_DELETE} - set(before)):
            raise ValueError(f"the prospect before the call has no {', '.join(missing)}")
        return before, wrote
    return _row_from_json(saved), None


def unreadable_undo_records(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """The calls whose undo_log row cannot be read, and why: undo refuses them."""
    unreadable = []
    for call_id, text in conn.execute("SELECT call_id, prospect_before FROM undo_log"):
        try:
            _snapshot(text)
        except (ValueError, TypeError) as error:
            unreadable.append((call_id, str(error)))
    return unreadable


def undo_last_call(db: sqlite_utils.Database, *, call_id: int | None = None) -> UndoneCall | None:
    """Remove the last logged call and its deal, and put back the prospect's columns that
    the call changed, where they still hold what the call wrote.

    With `call_id`, only that call is undone: LastCallChanged when another call has been
    logged since the rep chose it. Returns None when there is nothing to undo.
    """
    with write_transaction(db):
        found = _read_last_call(db)
        if found is None:
            return None
        last, snapshot = found
        if call_id is not None and last.call_id != call_id:
            raise LastCallChanged("another call was logged meanwhile; nothing was undone")
        current = get_prospect(db, last.prospect_id)
        assert current is not None
        try:
            before, wrote = _snapshot(snapshot)
        except (ValueError, TypeError):
            raise UndoRecordUnreadable(
                f"the undo record of call {last.call_id} is unreadable (another tool changed "
                "undo_log; funnel check lists it)"
            ) from None
        if wrote is None:
            restore = {column: before[column] for column in CALL_COLUMNS if column in before}
        else:
            # Deleting the call recomputes the last call's columns even where this call
            # left them as they were, so they are checked too.
            written = {**{column: before[column] for column in RECOMPUTED_ON_DELETE}, **wrote}
            restore = {
                column: before[column]
                for column, value in written.items()
                if column in current and current[column] == value
            }
        db.execute("DELETE FROM deals WHERE call_id = ?", [last.call_id])
        db.execute("DELETE FROM calls WHERE id = ?", [last.call_id])
        # Restore after the delete: the delete trigger recomputes last_called_at and
        # last_outcome, and the snapshot must win where the call's values are still there.
        if restore:
            db.execute(
                f"UPDATE prospects SET {', '.join(f'{column} = ?' for column in restore)}"
                " WHERE id = ?",
                [*restore.values(), last.prospect_id],
            )
    changed_since = (column for column in wrote or () if column not in restore)
    not_restored = tuple(column for column in changed_since if column not in SELF_KEPT_COLUMNS)
    return UndoneCall(**vars(last), not_restored=not_restored)


def redo_call(
    db: sqlite_utils.Database, undone: LastCall, *, now: datetime, settings: Settings
) -> LoggedCall:
    """Log an undone call again: the same outcome, note, amount, follow-up and times, and
    the cadence worked out from when it was first logged. `now` gives the rep's zone."""
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
    )
