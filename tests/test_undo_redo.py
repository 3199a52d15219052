"""Undo puts back only what the call wrote, says what it could not, and redo logs it again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

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
from tests.rows import count_rows, get_row
from tests.test_call_log import NEXT_WEEK, NOW, insert, london, prospect, worked_prospect

SETTINGS = Settings()


def row_of(db: Any, table: str, row_id: int) -> dict[str, Any]:
    found = get_row(db, table, row_id)
    assert found is not None
    return found


def log(db: Any, prospect_id: int, outcome: Outcome, **entry: Any) -> int:
    logged = log_call(db, prospect_id, CallOutcome(outcome, **entry), now=NOW, settings=SETTINGS)
    return logged.call_id


def test_an_edit_made_after_the_call_survives_its_undo(book_db: Any) -> None:
    ann = worked_prospect(book_db)
    before = prospect(book_db, ann)
    log(book_db, ann, Outcome.CALLBACK, follow_up_at=NEXT_WEEK)
    update_prospect(book_db, ann, {"title": "Head of Ops", "needs": "a faster close"})

    undone = undo_last_call(book_db)

    assert undone is not None and undone.not_restored == ()
    after = prospect(book_db, ann)
    assert (after["title"], after["needs"]) == ("Head of Ops", "a faster close")
    call_columns = ("stage", "next_call_at", "attempts", "last_called_at", "last_outcome")
    assert {column: after[column] for column in call_columns} == {
        column: before[column] for column in call_columns
    }


def test_a_column_changed_since_the_call_is_kept_and_named(book_db: Any) -> None:
    ann = worked_prospect(book_db)
    before = prospect(book_db, ann)
    log(book_db, ann, Outcome.WON, amount_cents=1_250_000)
    # Another window sets the customer's next deal value after the win.
    book_db.execute("UPDATE prospects SET deal_value_cents = 300000 WHERE id = ?", [ann])

    undone = undo_last_call(book_db)

    assert undone is not None
    assert undone.not_restored == ("deal_value_cents",)
    after = prospect(book_db, ann)
    assert after["deal_value_cents"] == 300_000
    assert (after["stage"], after["kind"], after["next_call_at"]) == (
        before["stage"],
        before["kind"],
        before["next_call_at"],
    )
    assert count_rows(book_db, "deals") == 0


def test_redo_keeps_a_column_the_undo_kept(book_db: Any) -> None:
    """A proposal for $5,000, its deal value then edited to $7,000, undone (which keeps
    the $7,000) and redone: the redo logs the proposal again and leaves the $7,000, where
    it wrote the $5,000 back over the rep's edit without a word."""
    ann = worked_prospect(book_db)
    log(book_db, ann, Outcome.PROPOSAL_SENT, amount_cents=500_000, close_on=NEXT_WEEK.date())
    update_prospect(book_db, ann, {"deal_value_cents": 700_000})

    undone = undo_last_call(book_db)
    assert undone is not None and undone.kept_columns == ("deal_value_cents",)
    redone = redo_call(book_db, undone, now=NOW, settings=SETTINGS)

    after = prospect(book_db, ann)
    assert (after["deal_value_cents"], after["stage"]) == (700_000, "proposal")
    assert row_of(book_db, "calls", redone.call_id)["outcome"] == "proposal_sent"
    # Undone again, the redone call leaves the edit too.
    again = undo_last_call(book_db)
    assert again is not None and prospect(book_db, ann)["deal_value_cents"] == 700_000


def test_undo_untouched_since_the_call_gives_back_the_row_exactly(
    book_db: Any,
) -> None:
    ann = worked_prospect(book_db)
    before = prospect(book_db, ann)
    log(book_db, ann, Outcome.NOT_INTERESTED)
    undone = undo_last_call(book_db)
    assert undone is not None and undone.not_restored == ()
    assert prospect(book_db, ann) == before


def test_a_call_logged_before_undo_kept_what_it_wrote_is_still_undone(
    book_db: Any,
) -> None:
    ann = worked_prospect(book_db)
    before = prospect(book_db, ann)
    call_id = log(book_db, ann, Outcome.MEETING, follow_up_at=NEXT_WEEK)
    # An older file's undo_log row: the plain prospect as it was.
    book_db.execute(
        "UPDATE undo_log SET prospect_before = ? WHERE call_id = ?", [json.dumps(before), call_id]
    )
    update_prospect(book_db, ann, {"name": "Ann Archer-Smith", "phone": "+44 20 7946 0958"})

    undone = undo_last_call(book_db)

    assert undone is not None
    after = prospect(book_db, ann)
    assert (after["name"], after["phone"]) == ("Ann Archer-Smith", "+44 20 7946 0958")
    assert (after["stage"], after["next_call_at"]) == (before["stage"], before["next_call_at"])
    assert count_rows(book_db, "calls") == 0


def test_the_last_call_names_what_undo_would_remove(book_db: Any) -> None:
    ann = worked_prospect(book_db)
    started = NOW - timedelta(minutes=4)
    call_id = log(
        book_db, ann, Outcome.WON, amount_cents=39_800_00, started_at=started, duration_s=240
    )

    last = last_call(book_db)

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
    book_db: Any,
) -> None:
    ann = worked_prospect(book_db)
    chosen = log(book_db, ann, Outcome.VOICEMAIL)
    bob = insert(book_db, "Bob Baker")
    log(book_db, bob, Outcome.NO_ANSWER)
    calls_before = count_rows(book_db, "calls")

    with pytest.raises(LastCallChanged, match="meanwhile"):
        undo_last_call(book_db, call_id=chosen)

    assert count_rows(book_db, "calls") == calls_before


def test_redo_logs_the_same_call_again(book_db: Any) -> None:
    ann = worked_prospect(book_db)
    started = NOW - timedelta(minutes=3)
    log(book_db, ann, Outcome.WON, amount_cents=12_500_00, notes="signed", started_at=started)
    won = prospect(book_db, ann)
    first_call = next(book_db.query("SELECT * FROM calls"))
    first_deal = next(book_db.query("SELECT prospect_id, amount_cents, closed_on FROM deals"))

    undone = undo_last_call(book_db)
    assert undone is not None
    later = NOW + timedelta(hours=2)
    redone = redo_call(book_db, undone, now=later, settings=SETTINGS)

    again = next(book_db.query("SELECT * FROM calls"))
    assert {**again, "id": first_call["id"]} == first_call
    assert (
        next(book_db.query("SELECT prospect_id, amount_cents, closed_on FROM deals")) == first_deal
    )
    assert redone.outcome is Outcome.WON
    assert {
        column: value for column, value in prospect(book_db, ann).items() if column != "updated_at"
    } == {column: value for column, value in won.items() if column != "updated_at"}


def test_undo_frees_a_request_id_and_redo_logs_the_call_under_it_again(
    book_db: Any,
) -> None:
    ann = worked_prospect(book_db)
    log_call(
        book_db,
        ann,
        CallOutcome(Outcome.VOICEMAIL),
        now=NOW,
        settings=SETTINGS,
        request_id="hook-7",
    )

    undone = undo_last_call(book_db)
    assert undone is not None and undone.request_id == "hook-7"
    assert count_rows(book_db, "calls") == 0
    redone = redo_call(book_db, undone, now=NOW, settings=SETTINGS)

    assert not redone.already_logged
    assert row_of(book_db, "calls", redone.call_id)["request_id"] == "hook-7"
    # A script trying its call again now finds the redone one.
    retried = log_call(
        book_db,
        ann,
        CallOutcome(Outcome.VOICEMAIL),
        now=NOW,
        settings=SETTINGS,
        request_id="hook-7",
    )
    assert (retried.call_id, retried.already_logged) == (redone.call_id, True)
    assert count_rows(book_db, "calls") == 1


def test_redo_works_out_the_cadence_from_when_the_call_was_first_logged(
    book_db: Any,
) -> None:
    ann = insert(book_db, timezone="Europe/London", last_called_at=london("2026-11-20"))
    log(book_db, ann, Outcome.NO_ANSWER)
    next_call_at = prospect(book_db, ann)["next_call_at"]
    undone = undo_last_call(book_db)
    assert undone is not None

    redo_call(
        book_db, undone, now=datetime(2026, 11, 27, 16, 0, tzinfo=NOW.tzinfo), settings=SETTINGS
    )

    assert prospect(book_db, ann)["next_call_at"] == next_call_at


def test_redo_after_a_callback_was_moved_keeps_the_moved_one_and_books_no_second(
    book_db: Any,
) -> None:
    """A callback booked for Monday, moved to Tuesday in the timeline, then undo and redo:
    the redo booked a second callback on Monday, the day the prospect asked to move from,
    and the moved one had lost its call (and so the note it was booked with)."""
    from funnel_tui.tasks import reschedule_task

    ann = worked_prospect(book_db)
    log(book_db, ann, Outcome.CALLBACK, follow_up_at=NEXT_WEEK, notes="after the board")
    ((task_id,),) = book_db.execute(
        "SELECT id FROM tasks WHERE prospect_id = ? AND kind = 'callback'", [ann]
    ).fetchall()
    moved = NEXT_WEEK + timedelta(days=1)
    reschedule_task(book_db, task_id, moved)
    callbacks = (
        "SELECT id, due_at, call_id FROM tasks"
        " WHERE prospect_id = ? AND kind = 'callback' AND status = 'open'"
    )

    for _ in range(2):
        undone = undo_last_call(book_db)
        assert undone is not None and undone.kept_tasks == (task_id,)
        # Said as kept by the undo of the redone call too, which kept it without a word.
        assert undone.not_restored == ("callback task",)
        redone = redo_call(book_db, undone, now=NOW, settings=SETTINGS)

        ((kept, due_at, call_id),) = book_db.execute(callbacks, [ann]).fetchall()
        assert (kept, call_id) == (task_id, redone.call_id)
        assert due_at.startswith(moved.date().isoformat())


def test_a_no_says_which_meetings_it_cancelled_and_undo_brings_them_back(book_db: Any) -> None:
    ann = worked_prospect(book_db)
    log(book_db, ann, Outcome.MEETING, follow_up_at=NEXT_WEEK)
    logged = log_call(book_db, ann, CallOutcome(Outcome.NOT_INTERESTED), now=NOW, settings=SETTINGS)
    assert logged.meetings_cancelled == (NEXT_WEEK,)
    statuses = "SELECT status FROM tasks WHERE prospect_id = ? AND kind = 'meeting'"
    assert book_db.execute(statuses, [ann]).fetchall() == [("cancelled",)]
    undo_last_call(book_db)
    assert book_db.execute(statuses, [ann]).fetchall() == [("open",)]


@pytest.mark.parametrize("closed", ["done", "cancelled"])
def test_redo_after_a_callback_was_closed_books_it_no_more(book_db: Any, closed: str) -> None:
    """The callback marked done (or cancelled) in the timeline, then undo and redo: the
    redo booked it again at its first time."""
    from funnel_tui.domain import TaskStatus
    from funnel_tui.tasks import close_task

    ann = worked_prospect(book_db)
    log(book_db, ann, Outcome.CALLBACK, follow_up_at=NEXT_WEEK)
    ((task_id,),) = book_db.execute(
        "SELECT id FROM tasks WHERE prospect_id = ? AND kind = 'callback'", [ann]
    ).fetchall()
    close_task(book_db, task_id, TaskStatus(closed), now=NOW)

    undone = undo_last_call(book_db)
    assert undone is not None and undone.kept_tasks == (task_id,)
    redo_call(book_db, undone, now=NOW, settings=SETTINGS)

    callbacks = book_db.execute(
        "SELECT id, status FROM tasks WHERE prospect_id = ? AND kind = 'callback'", [ann]
    ).fetchall()
    assert callbacks == [(task_id, closed)]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("moved", ": callback Thu 3 Dec 10:00 (moved there since the call)"),
        # Moved, then cancelled: the toast named the time it was booked for.
        (
            "moved and cancelled",
            ": its callback Thu 3 Dec 10:00, cancelled since the call, stays cancelled;"
            " no more calls",
        ),
        ("done", ": its callback Wed 2 Dec 10:00, done since the call, stays done; no more calls"),
        (
            "cancelled",
            ": its callback Wed 2 Dec 10:00, cancelled since the call, stays cancelled;"
            " no more calls",
        ),
    ],
)
def test_the_redo_says_the_callback_as_the_rep_left_it(
    book_db: Any, change: str, said: str
) -> None:
    """A callback moved, done or cancelled in the timeline after its call, then undo and
    redo: the redo's toast said `(already booked)` after the moved time, and `no more calls
    (already booked)` for one the rep had cancelled; then `no more calls` before it, which
    read as the redo having lost it."""
    from funnel_tui.domain import TaskStatus
    from funnel_tui.tasks import close_task, reschedule_task
    from funnel_tui.what_next import logged_line

    ann = worked_prospect(book_db)
    log(book_db, ann, Outcome.CALLBACK, follow_up_at=NEXT_WEEK)
    ((task_id,),) = book_db.execute(
        "SELECT id FROM tasks WHERE prospect_id = ? AND kind = 'callback'", [ann]
    ).fetchall()
    if change.startswith("moved"):
        reschedule_task(book_db, task_id, NEXT_WEEK + timedelta(days=1))
    if change != "moved":
        close_task(book_db, task_id, TaskStatus(change.split()[-1]), now=NOW)

    undone = undo_last_call(book_db)
    assert undone is not None
    redone = redo_call(book_db, undone, now=NOW, settings=SETTINGS)
    line = logged_line(redone, "Ann Archer", "Europe/London", NOW, booked=NEXT_WEEK, done="Redid")
    assert line == f"Redid callback for Ann Archer{said}"


def test_a_meeting_moved_since_its_call_keeps_the_stage_at_meeting_through_the_undo(
    book_db: Any,
) -> None:
    """A meeting booked, moved in the timeline, then the call undone: the moved meeting
    stayed open while the stage went back to what it was before the call, a lead with a
    meeting ahead."""
    from funnel_tui.tasks import reschedule_task

    ann = worked_prospect(book_db)
    stage_before = row_of(book_db, "prospects", ann)["stage"]
    log(book_db, ann, Outcome.MEETING, follow_up_at=NEXT_WEEK)
    ((task_id,),) = book_db.execute(
        "SELECT id FROM tasks WHERE prospect_id = ? AND kind = 'meeting'", [ann]
    ).fetchall()
    reschedule_task(book_db, task_id, NEXT_WEEK + timedelta(days=1))

    undone = undo_last_call(book_db)

    assert undone is not None and undone.stage_kept == "meeting" != stage_before
    assert undone.not_restored == ("meeting task", "stage")
    assert [task.status for task in undone.kept_task_details] == ["open"]
    assert row_of(book_db, "prospects", ann)["stage"] == "meeting"
    assert row_of(book_db, "tasks", task_id)["status"] == "open"


def test_a_meeting_left_as_booked_goes_with_its_undo_and_the_stage_goes_back(
    book_db: Any,
) -> None:
    ann = worked_prospect(book_db)
    stage_before = row_of(book_db, "prospects", ann)["stage"]
    log(book_db, ann, Outcome.MEETING, follow_up_at=NEXT_WEEK)

    undone = undo_last_call(book_db)

    assert undone is not None and undone.stage_kept is None
    assert undone.stage_again == stage_before
    assert row_of(book_db, "prospects", ann)["stage"] == stage_before
    assert (
        book_db.execute(
            "SELECT count(*) FROM tasks WHERE prospect_id = ? AND kind = 'meeting'", [ann]
        ).fetchone()[0]
        == 0
    )
