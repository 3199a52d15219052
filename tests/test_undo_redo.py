"""Undo puts back only what the call wrote, says what it could not, and redo logs it again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlite_utils

from funnel_tui.call_log import (
    CallOutcome,
    LastCallChanged,
    last_call,
    log_call,
    redo_call,
    undo_last_call,
)
from funnel_tui.domain import Outcome
from funnel_tui.prospects import update_prospect
from funnel_tui.settings import Settings
from tests.test_call_log import NEXT_WEEK, NOW, insert, london, prospect, worked_prospect

SETTINGS = Settings()


def log(db: sqlite_utils.Database, prospect_id: int, outcome: Outcome, **entry: Any) -> int:
    logged = log_call(db, prospect_id, CallOutcome(outcome, **entry), now=NOW, settings=SETTINGS)
    return logged.call_id


def test_an_edit_made_after_the_call_survives_its_undo(db: sqlite_utils.Database) -> None:
    ann = worked_prospect(db)
    before = prospect(db, ann)
    log(db, ann, Outcome.CALLBACK, follow_up_at=NEXT_WEEK)
    update_prospect(db, ann, {"title": "Head of Ops", "needs": "a faster close"})

    undone = undo_last_call(db)

    assert undone is not None and undone.not_restored == ()
    after = prospect(db, ann)
    assert (after["title"], after["needs"]) == ("Head of Ops", "a faster close")
    call_columns = ("stage", "next_call_at", "attempts", "last_called_at", "last_outcome")
    assert {column: after[column] for column in call_columns} == {
        column: before[column] for column in call_columns
    }


def test_a_column_changed_since_the_call_is_kept_and_named(db: sqlite_utils.Database) -> None:
    ann = worked_prospect(db)
    before = prospect(db, ann)
    log(db, ann, Outcome.WON, amount_cents=1_250_000)
    # Another window sets the customer's next deal value after the win.
    db.execute("UPDATE prospects SET deal_value_cents = 300000 WHERE id = ?", [ann])

    undone = undo_last_call(db)

    assert undone is not None
    assert undone.not_restored == ("deal_value_cents",)
    after = prospect(db, ann)
    assert after["deal_value_cents"] == 300_000
    assert (after["stage"], after["kind"], after["next_call_at"]) == (
        before["stage"],
        before["kind"],
        before["next_call_at"],
    )
    assert db["deals"].count == 0


def test_undo_untouched_since_the_call_gives_back_the_row_exactly(
    db: sqlite_utils.Database,
) -> None:
    ann = worked_prospect(db)
    before = prospect(db, ann)
    log(db, ann, Outcome.NOT_INTERESTED)
    undone = undo_last_call(db)
    assert undone is not None and undone.not_restored == ()
    assert prospect(db, ann) == before


def test_a_call_logged_before_undo_kept_what_it_wrote_is_still_undone(
    db: sqlite_utils.Database,
) -> None:
    ann = worked_prospect(db)
    before = prospect(db, ann)
    call_id = log(db, ann, Outcome.MEETING, follow_up_at=NEXT_WEEK)
    # An older file's undo_log row: the plain prospect as it was.
    db.execute(
        "UPDATE undo_log SET prospect_before = ? WHERE call_id = ?", [json.dumps(before), call_id]
    )
    update_prospect(db, ann, {"name": "Ann Archer-Smith", "phone": "+44 20 7946 0958"})

    undone = undo_last_call(db)

    assert undone is not None
    after = prospect(db, ann)
    assert (after["name"], after["phone"]) == ("Ann Archer-Smith", "+44 20 7946 0958")
    assert (after["stage"], after["next_call_at"]) == (before["stage"], before["next_call_at"])
    assert db["calls"].count == 0


def test_the_last_call_names_what_undo_would_remove(db: sqlite_utils.Database) -> None:
    ann = worked_prospect(db)
    started = NOW - timedelta(minutes=4)
    call_id = log(db, ann, Outcome.WON, amount_cents=39_800_00, started_at=started, duration_s=240)

    last = last_call(db)

    assert last is not None
    assert (last.call_id, last.prospect_id, last.prospect_name, last.outcome) == (
        call_id,
        ann,
        "Ann Archer",
        Outcome.WON,
    )
    assert (last.entry.amount_cents, last.entry.started_at, last.logged_at) == (
        39_800_00,
        started,
        NOW,
    )


def test_undo_refuses_when_another_call_was_logged_after_the_one_chosen(
    db: sqlite_utils.Database,
) -> None:
    ann = worked_prospect(db)
    chosen = log(db, ann, Outcome.VOICEMAIL)
    bob = insert(db, "Bob Baker")
    log(db, bob, Outcome.NO_ANSWER)
    calls_before = db["calls"].count

    with pytest.raises(LastCallChanged, match="meanwhile"):
        undo_last_call(db, call_id=chosen)

    assert db["calls"].count == calls_before


def test_redo_logs_the_same_call_again(db: sqlite_utils.Database) -> None:
    ann = worked_prospect(db)
    started = NOW - timedelta(minutes=3)
    log(db, ann, Outcome.WON, amount_cents=12_500_00, notes="signed", started_at=started)
    won = prospect(db, ann)
    first_call = next(db.query("SELECT * FROM calls"))
    first_deal = next(db.query("SELECT prospect_id, amount_cents, closed_on FROM deals"))

    undone = undo_last_call(db)
    assert undone is not None
    later = NOW + timedelta(hours=2)
    redone = redo_call(db, undone, now=later, settings=SETTINGS)

    again = next(db.query("SELECT * FROM calls"))
    assert {**again, "id": first_call["id"]} == first_call
    assert next(db.query("SELECT prospect_id, amount_cents, closed_on FROM deals")) == first_deal
    assert redone.outcome is Outcome.WON
    assert {
        column: value for column, value in prospect(db, ann).items() if column != "updated_at"
    } == {column: value for column, value in won.items() if column != "updated_at"}


def test_undo_frees_a_request_id_and_redo_logs_the_call_under_it_again(
    db: sqlite_utils.Database,
) -> None:
    ann = worked_prospect(db)
    log_call(
        db, ann, CallOutcome(Outcome.VOICEMAIL), now=NOW, settings=SETTINGS, request_id="hook-7"
    )

    undone = undo_last_call(db)
    assert undone is not None and undone.request_id == "hook-7"
    assert db["calls"].count == 0
    redone = redo_call(db, undone, now=NOW, settings=SETTINGS)

    assert not redone.already_logged
    assert db["calls"].get(redone.call_id)["request_id"] == "hook-7"
    # A script trying its call again now finds the redone one.
    retried = log_call(
        db, ann, CallOutcome(Outcome.VOICEMAIL), now=NOW, settings=SETTINGS, request_id="hook-7"
    )
    assert (retried.call_id, retried.already_logged) == (redone.call_id, True)
    assert db["calls"].count == 1


def test_redo_works_out_the_cadence_from_when_the_call_was_first_logged(
    db: sqlite_utils.Database,
) -> None:
    ann = insert(db, timezone="Europe/London", last_called_at=london("2026-11-20"))
    log(db, ann, Outcome.NO_ANSWER)
    next_call_at = prospect(db, ann)["next_call_at"]
    undone = undo_last_call(db)
    assert undone is not None

    redo_call(db, undone, now=datetime(2026, 11, 27, 16, 0, tzinfo=NOW.tzinfo), settings=SETTINGS)

    assert prospect(db, ann)["next_call_at"] == next_call_at
