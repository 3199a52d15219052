"""Logging a call outcome and undoing it (PRODUCT section 3, outcome dialog)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from funnel_tui.cadence import attempts_exhausted, next_attempt
from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    QUALIFIED_OR_LATER,
    Ask,
    Kind,
    Outcome,
    Stage,
)
from funnel_tui.prospects import get_prospect
from funnel_tui.settings import Settings
from funnel_tui.storage import write_transaction
from funnel_tui.text import clean_optional
from funnel_tui.timestamps import to_stored


class OutcomeInvalid(ValueError):
    """The outcome cannot be saved as given; str() says why in one line."""


@dataclass(frozen=True)
class CallOutcome:
    """What the rep entered in the outcome dialog."""

    outcome: Outcome
    notes: str | None = None
    follow_up_at: datetime | None = None
    amount_cents: int | None = None
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
class UndoneCall:
    """The call that undo removed."""

    call_id: int
    prospect_id: int
    prospect_name: str
    outcome: Outcome


def _check(entry: CallOutcome) -> None:
    asks = entry.outcome.spec.asks
    if asks is Ask.WHEN and entry.follow_up_at is None:
        raise OutcomeInvalid(f"{entry.outcome.spec.label} needs a date and time")
    if asks is Ask.AMOUNT and (entry.amount_cents is None or entry.amount_cents <= 0):
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
        new_stage = stage if stage in QUALIFIED_OR_LATER else Stage.QUALIFIED
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


def _snapshot(prospect: dict[str, Any]) -> str:
    """The prospect row as JSON for undo; a BLOB another tool stored is kept as its hex."""
    return json.dumps(
        {column: {"blob": v.hex()} if isinstance(v, bytes) else v for column, v in prospect.items()}
    )


def _restored(snapshot: str) -> dict[str, Any]:
    return {
        column: bytes.fromhex(value["blob"]) if isinstance(value, dict) else value
        for column, value in json.loads(snapshot).items()
    }


def log_call(
    db: sqlite_utils.Database,
    prospect_id: int,
    entry: CallOutcome,
    *,
    now: datetime,
    settings: Settings,
) -> LoggedCall:
    """Write the call, its deal and the prospect's new state in one transaction.

    The prospect as it was is kept in `undo_log`, so `undo_last_call` can restore it
    exactly, also after a restart.
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
        db.execute(
            "INSERT INTO undo_log (call_id, prospect_before, logged_at) VALUES (?, ?, ?)",
            [call_id, _snapshot(before), to_stored(now)],
        )
        after_trigger = get_prospect(db, prospect_id)
        assert after_trigger is not None
        changes = _prospect_changes(after_trigger, entry, now, settings)
        db.execute(
            f"UPDATE prospects SET {', '.join(f'{column} = ?' for column in changes)} WHERE id = ?",
            [*changes.values(), prospect_id],
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


def undo_last_call(db: sqlite_utils.Database) -> UndoneCall | None:
    """Remove the last logged call and its deal, and restore the prospect exactly.

    Returns None when there is nothing to undo.
    """
    with write_transaction(db):
        row = db.execute(
            "SELECT u.call_id, u.prospect_before, c.outcome FROM undo_log u"
            " JOIN calls c ON c.id = u.call_id ORDER BY u.call_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        call_id, snapshot, outcome = row
        before = _restored(snapshot)
        db.execute("DELETE FROM deals WHERE call_id = ?", [call_id])
        db.execute("DELETE FROM calls WHERE id = ?", [call_id])
        prospect_id = before.pop("id")
        # Restore after the delete: the delete trigger recomputes last_called_at and
        # last_outcome, and the snapshot must win. Only the columns that differ are
        # written: text another tool stored in another encoding reads (and would be
        # written back) with U+FFFD in place of its bytes.
        now_stored = get_prospect(db, prospect_id) or {}
        changed = {
            column: value for column, value in before.items() if now_stored.get(column) != value
        }
        if changed:
            assignments = ", ".join(f"{column} = ?" for column in changed)
            db.execute(
                f"UPDATE prospects SET {assignments} WHERE id = ?", [*changed.values(), prospect_id]
            )
    return UndoneCall(
        call_id=call_id,
        prospect_id=prospect_id,
        prospect_name=before["name"],
        outcome=Outcome(outcome),
    )
