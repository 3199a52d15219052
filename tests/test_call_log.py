"""Logging call outcomes and undoing them: the call, the deal, the prospect and the queue."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from funnel_tui import call_log as call_log_module
from funnel_tui.call_log import (
    CallOutcome,
    OutcomeInvalid,
    log_call,
    undo_last_call,
)
from funnel_tui.domain import Outcome, TaskKind, TaskStatus
from funnel_tui.prospects import get_prospect
from funnel_tui.queue import QueueMode, queue_ids
from funnel_tui.reps import add_rep
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.store.errors import integrity_errors
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.tasks import close_task, open_tasks, reschedule_task
from funnel_tui.timestamps import to_stored
from tests.conftest import empty_team_book
from tests.rows import count_rows, get_row, insert_row, table_rows

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)
SETTINGS = Settings()
THIS_AFTERNOON = datetime(2026, 11, 25, 15, 30, tzinfo=LONDON)
NEXT_WEEK = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)


def london(day: str, clock: str = "09:00:00") -> str:
    return to_stored(datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON))


def insert(db: Any, name: str = "Ann Archer", **columns: Any) -> int:
    row = {
        "name": name,
        "method": "benefits",
        "created_at": london("2026-11-01"),
        "updated_at": london("2026-11-02"),
        **columns,
    }
    return insert_row(db, "prospects", row)


def log(
    db: Any,
    prospect_id: int,
    outcome: Outcome,
    *,
    now: datetime = NOW,
    settings: Settings = SETTINGS,
    **entry: Any,
) -> Any:
    return log_call(db, prospect_id, CallOutcome(outcome, **entry), now=now, settings=settings)


def prospect(db: Any, prospect_id: int) -> dict[str, Any]:
    row = get_prospect(db, prospect_id)
    assert row is not None
    return row


def in_queue(db: Any, prospect_id: int, now: datetime = NOW) -> bool:
    return prospect_id in queue_ids(db, now=now)


def reopen(storage: Any) -> Any:
    """The same book opened again, as after a restart."""
    if isinstance(storage, Storage):
        return open_storage(storage.path)
    return open_team_book(storage.url)


def count(db: Any, table: str) -> int:
    return count_rows(db, table)


def test_the_call_row_records_what_happened(book_db: Any) -> None:
    ann = insert(book_db)
    started = datetime(2026, 11, 25, 10, 58, 20, tzinfo=LONDON)
    logged = log(
        book_db,
        ann,
        Outcome.CALLBACK,
        notes="  \x1b[31mcall back\x1b[0m after lunch \x1b]0;evil\x07[bold]ok[/bold] ",
        follow_up_at=THIS_AFTERNOON,
        started_at=started,
        duration_s=95,
    )
    call = get_row(book_db, "calls", logged.call_id)
    assert call == {
        "id": logged.call_id,
        "prospect_id": ann,
        "started_at": to_stored(started),
        "duration_s": 95,
        "outcome": "callback",
        "method": "benefits",
        "notes": "call back after lunch [bold]ok[/bold]",
        "follow_up_at": to_stored(THIS_AFTERNOON),
        "reason": None,
        "request_id": None,
        "rep": None,
    }
    assert (logged.prospect_id, logged.outcome, logged.next_call_at) == (
        ann,
        Outcome.CALLBACK,
        THIS_AFTERNOON,
    )


def test_a_call_without_a_timer_starts_now_and_takes_no_time(
    book_db: Any,
) -> None:
    logged = log(book_db, insert(book_db), Outcome.NO_ANSWER, notes="   ")
    call = get_row(book_db, "calls", logged.call_id)
    assert (call["started_at"], call["duration_s"], call["notes"]) == (to_stored(NOW), 0, None)


# outcome, extra dialog field, expected prospect columns, still in today's queue
OUTCOME_EFFECTS: list[tuple[Outcome, dict[str, Any], dict[str, Any], bool]] = [
    (
        Outcome.NO_ANSWER,
        {},
        {"next_call_at": london("2026-11-26", "09:30:00"), "attempts": 1},
        False,
    ),
    (
        Outcome.VOICEMAIL,
        {},
        {"next_call_at": london("2026-11-26", "09:30:00"), "attempts": 1},
        False,
    ),
    (
        Outcome.GATEKEEPER,
        {},
        {"next_call_at": london("2026-11-26", "09:30:00"), "attempts": 1},
        False,
    ),
    (Outcome.BUSY, {}, {"next_call_at": london("2026-11-25", "13:00:00"), "attempts": 1}, True),
    (
        Outcome.CALLBACK,
        {"follow_up_at": THIS_AFTERNOON},
        {"next_call_at": to_stored(THIS_AFTERNOON), "stage": "contacted", "attempts": 0},
        True,
    ),
    (
        Outcome.CALLBACK,
        {"follow_up_at": NEXT_WEEK},
        {"next_call_at": to_stored(NEXT_WEEK), "stage": "contacted", "attempts": 0},
        False,
    ),
    (
        Outcome.MEETING,
        {"follow_up_at": NEXT_WEEK},
        {"next_call_at": to_stored(NEXT_WEEK), "stage": "meeting", "attempts": 0},
        False,
    ),
    (
        Outcome.WON,
        {"amount_cents": 1_250_000},
        {"next_call_at": None, "stage": "won", "kind": "customer", "attempts": 0},
        False,
    ),
    (Outcome.NOT_INTERESTED, {}, {"next_call_at": None, "stage": "lost", "attempts": 0}, False),
    (Outcome.WRONG_NUMBER, {}, {"next_call_at": None, "wrong_number": 1}, False),
    (Outcome.DO_NOT_CALL, {}, {"next_call_at": None, "do_not_call": 1}, False),
]


@pytest.mark.parametrize(
    ("outcome", "asked", "expected", "queued"),
    OUTCOME_EFFECTS,
    ids=[f"{effect[0]}-{'queued' if effect[3] else 'out'}" for effect in OUTCOME_EFFECTS],
)
def test_each_outcome_moves_the_prospect_on(
    book_db: Any,
    outcome: Outcome,
    asked: dict[str, Any],
    expected: dict[str, Any],
    queued: bool,
) -> None:
    ann = insert(book_db)
    assert in_queue(book_db, ann)
    log(book_db, ann, outcome, **asked)
    after = prospect(book_db, ann)
    assert {column: after[column] for column in expected} == expected
    assert (after["last_outcome"], after["last_called_at"]) == (outcome.value, to_stored(NOW))
    assert in_queue(book_db, ann) is queued
    assert ann in queue_ids(book_db, now=NOW, mode=QueueMode.ALL)


def test_a_busy_prospect_comes_back_later_today(book_db: Any) -> None:
    ann = insert(book_db)
    bob = insert(book_db, "Bob Baker")
    log(book_db, ann, Outcome.BUSY)
    assert list(queue_ids(book_db, now=NOW)) == [bob, ann]
    one_pm = datetime(2026, 11, 25, 13, 0, tzinfo=LONDON)
    assert list(queue_ids(book_db, now=one_pm)) == [ann, bob]


def test_unanswered_calls_retry_next_business_day_in_the_prospects_zone(
    book_db: Any,
) -> None:
    friday_afternoon = datetime(2026, 11, 27, 16, 0, tzinfo=LONDON)
    ann = insert(book_db, timezone="America/New_York")
    logged = log(book_db, ann, Outcome.NO_ANSWER, now=friday_afternoon)
    monday_morning_slot_in_new_york = datetime(
        2026, 11, 30, 9, 30, tzinfo=ZoneInfo("America/New_York")
    )
    assert logged.next_call_at == monday_morning_slot_in_new_york
    assert prospect(book_db, ann)["next_call_at"] == to_stored(monday_morning_slot_in_new_york)


def test_the_time_a_gatekeeper_gave_stays_through_the_attempts_before_it(
    book_db: Any,
) -> None:
    """`g` with `mon 11am` (the PA: back Monday at 11), then a no answer the same day: the
    cadence's Thursday slot replaced Monday 11:00, and the rep was sent to call before
    the time the PA gave."""
    ann = insert(book_db)
    monday_11 = datetime(2026, 11, 30, 11, 0, tzinfo=LONDON)
    log(book_db, ann, Outcome.GATEKEEPER, follow_up_at=monday_11)
    later = NOW + timedelta(hours=2)
    logged = log(book_db, ann, Outcome.NO_ANSWER, now=later)
    assert logged.next_call_at == monday_11
    assert [task.due_at for task in open_tasks(book_db, ann)] == [monday_11]
    # Another gatekeeper with another time replaces it.
    tuesday_10 = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
    log(book_db, ann, Outcome.GATEKEEPER, now=later, follow_up_at=tuesday_10)
    assert [task.due_at for task in open_tasks(book_db, ann)] == [tuesday_10]
    # Later the same day: "she's back at 4", and a try at 2 goes unanswered.
    four = datetime(2026, 12, 1, 16, 0, tzinfo=LONDON)
    log(book_db, ann, Outcome.GATEKEEPER, now=tuesday_10, follow_up_at=four)
    logged = log(book_db, ann, Outcome.NO_ANSWER, now=four - timedelta(hours=2))
    assert [task.due_at for task in open_tasks(book_db, ann)] == [four]
    # Called at that time, unanswered: the cadence goes on from there.
    logged = log(book_db, ann, Outcome.VOICEMAIL, now=four)
    assert logged.next_call_at is not None and logged.next_call_at > four
    assert [task.due_at for task in open_tasks(book_db, ann)] == [logged.next_call_at]


@pytest.mark.parametrize("outcome", [Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.BUSY])
def test_an_unanswered_try_before_a_callback_keeps_the_time_the_prospect_asked_for(
    book_db: Any, outcome: Outcome
) -> None:
    """`l c in 2 hours`, then an early try that goes unanswered: the callback promised for
    later today was marked done by that try, and the cadence's next slot tomorrow took its
    place, the time the prospect asked for gone from the card and the queue."""
    ann = insert(book_db)
    in_two_hours = NOW + timedelta(hours=2)
    log(book_db, ann, Outcome.CALLBACK, follow_up_at=in_two_hours)
    logged = log(book_db, ann, outcome, now=NOW + timedelta(minutes=10))
    assert logged.next_call_at == in_two_hours
    assert [(task.kind, task.due_at) for task in open_tasks(book_db, ann)] == [
        (TaskKind.CALLBACK, in_two_hours)
    ]
    # A connect cancels a gatekeeper's time, and says so.
    dee = insert(book_db, "Dee Dee")
    monday_11 = datetime(2026, 11, 30, 11, 0, tzinfo=LONDON)
    log(book_db, dee, Outcome.GATEKEEPER, follow_up_at=monday_11)
    reached = log(book_db, dee, Outcome.CALLBACK, now=NOW, follow_up_at=in_two_hours)
    assert reached.given_cancelled == (monday_11,)
    # A gatekeeper's new time before it is booked beside it, and the callback stands.
    at_noon = NOW.replace(hour=12, minute=0)
    log(book_db, ann, Outcome.GATEKEEPER, now=NOW + timedelta(minutes=20), follow_up_at=at_noon)
    assert [(task.kind, task.due_at) for task in open_tasks(book_db, ann)] == [
        (TaskKind.CALL, at_noon),
        (TaskKind.CALLBACK, in_two_hours),
    ]
    # The gatekeeper's time, unanswered: the callback still stands.
    log(book_db, ann, outcome, now=at_noon)
    assert [task.kind for task in open_tasks(book_db, ann)] == [TaskKind.CALLBACK]
    # Called at that time, unanswered: the callback was called, and the cadence goes on.
    logged = log(book_db, ann, outcome, now=in_two_hours)
    assert TaskKind.CALLBACK not in [task.kind for task in open_tasks(book_db, ann)]
    assert logged.next_call_at is not None and logged.next_call_at > in_two_hours
    # A connect before it keeps it too (said as the next call), and the cadence's limit
    # waits for it: the eighth unanswered try made them lost and cancelled it.
    bob = insert(book_db, "Bob Baker")
    log(book_db, bob, Outcome.CALLBACK, follow_up_at=in_two_hours)
    log(book_db, bob, Outcome.MEETING, now=NOW + timedelta(minutes=10), follow_up_at=NEXT_WEEK)
    assert [task.kind for task in open_tasks(book_db, bob)] == [TaskKind.CALLBACK, TaskKind.MEETING]
    cy = insert(book_db, "Cy Young", attempts=7)
    log(book_db, cy, Outcome.CALLBACK, follow_up_at=in_two_hours)
    book_db.execute("UPDATE prospects SET attempts = 7 WHERE id = ?", [cy])
    log(book_db, cy, outcome, now=NOW + timedelta(minutes=10))
    assert prospect(book_db, cy)["stage"] != "lost"
    assert [task.kind for task in open_tasks(book_db, cy)] == [TaskKind.CALLBACK]


def test_a_call_before_a_callback_later_today_keeps_it_or_cancels_it_and_says_so(
    book_db: Any,
) -> None:
    """`c in 3 hours`, then `c in 1 hour` (they asked for earlier): the later callback was
    marked done unsaid, where one on another day is left open and named. `x` marked
    today's callback done rather than cancelled, and the toast did not name it."""
    ann = insert(book_db)
    in_three_hours, in_one_hour = NOW + timedelta(hours=3), NOW + timedelta(hours=1)
    log(book_db, ann, Outcome.CALLBACK, follow_up_at=in_three_hours)
    moved = log(book_db, ann, Outcome.CALLBACK, now=NOW, follow_up_at=in_one_hour)
    assert moved.also_open == ((TaskKind.CALLBACK, in_three_hours),)
    assert [task.due_at for task in open_tasks(book_db, ann)] == [in_one_hour, in_three_hours]
    # A meeting booked before a callback later today names it as open after it.
    bob = insert(book_db, "Bob Baker")
    log(book_db, bob, Outcome.CALLBACK, follow_up_at=in_three_hours)
    met = log(book_db, bob, Outcome.MEETING, now=NOW, follow_up_at=in_one_hour)
    assert met.also_open == ((TaskKind.CALLBACK, in_three_hours),)
    refused = log(book_db, ann, Outcome.NOT_INTERESTED, now=NOW + timedelta(minutes=5))
    assert refused.callbacks_cancelled == (in_one_hour, in_three_hours)
    assert open_tasks(book_db, ann) == []


def test_a_won_call_records_the_deal_on_the_local_date(book_db: Any) -> None:
    new_york = ZoneInfo("America/New_York")
    late_evening = datetime(2026, 11, 25, 20, 30, tzinfo=new_york)  # already the 26th in UTC
    ann = insert(book_db, deal_value_cents=900_000)
    logged = log(book_db, ann, Outcome.WON, now=late_evening, amount_cents=1_250_000)
    deals = table_rows(book_db, "deals")
    assert deals == [
        {
            "id": deals[0]["id"],
            "prospect_id": ann,
            "call_id": logged.call_id,
            "amount_cents": 1_250_000,
            "closed_on": "2026-11-25",
            "kind": "new",
            "rep": None,
            "forgotten_method": None,
            "forgotten_source": None,
        }
    ]
    # The open deal value was this deal: once won, it is in deals and no longer open.
    assert prospect(book_db, ann)["deal_value_cents"] is None


@pytest.mark.parametrize("outcome", [Outcome.NO_ANSWER, Outcome.CALLBACK, Outcome.NOT_INTERESTED])
def test_only_a_won_call_makes_a_deal(book_db: Any, outcome: Outcome) -> None:
    log(book_db, insert(book_db), outcome, follow_up_at=NEXT_WEEK, amount_cents=500)
    assert count(book_db, "deals") == 0


@pytest.mark.parametrize(
    ("outcome", "stage_before", "stage_after"),
    [
        (Outcome.CALLBACK, "lead", "contacted"),
        (Outcome.CALLBACK, "contacted", "contacted"),
        (Outcome.CALLBACK, "qualified", "qualified"),
        (Outcome.CALLBACK, "proposal", "proposal"),
        (Outcome.MEETING, "lead", "meeting"),
        (Outcome.MEETING, "contacted", "meeting"),
        (Outcome.MEETING, "qualified", "qualified"),
        (Outcome.MEETING, "proposal", "proposal"),
    ],
)
def test_a_follow_up_never_moves_the_stage_back(
    book_db: Any, outcome: Outcome, stage_before: str, stage_after: str
) -> None:
    ann = insert(book_db, stage=stage_before)
    log(book_db, ann, outcome, follow_up_at=THIS_AFTERNOON)
    assert prospect(book_db, ann)["stage"] == stage_after


@pytest.mark.parametrize(
    ("outcome", "stage_after"), [(Outcome.CALLBACK, "contacted"), (Outcome.MEETING, "meeting")]
)
def test_a_lost_prospect_who_asks_for_a_follow_up_is_queued_for_it(
    book_db: Any, outcome: Outcome, stage_after: str
) -> None:
    ann = insert(book_db, stage="lost", last_outcome="not_interested")
    log(book_db, ann, outcome, follow_up_at=THIS_AFTERNOON)
    assert prospect(book_db, ann)["stage"] == stage_after
    assert in_queue(book_db, ann, now=THIS_AFTERNOON)


def test_a_customer_with_a_follow_up_stays_won(book_db: Any) -> None:
    ann = insert(book_db, stage="won", kind="customer")
    log(book_db, ann, Outcome.CALLBACK, follow_up_at=THIS_AFTERNOON)
    assert (prospect(book_db, ann)["stage"], prospect(book_db, ann)["kind"]) == ("won", "customer")
    assert in_queue(book_db, ann)


def test_unanswered_attempts_count_up_and_a_connect_resets_them(
    book_db: Any,
) -> None:
    ann = insert(book_db)
    unanswered = (Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.BUSY)
    for day, outcome in enumerate(unanswered, start=23):
        log(book_db, ann, outcome, now=datetime(2026, 11, day, 10, 0, tzinfo=LONDON))
        assert prospect(book_db, ann)["attempts"] == day - 22
    log(book_db, ann, Outcome.CALLBACK, now=NOW + timedelta(days=1), follow_up_at=NEXT_WEEK)
    assert prospect(book_db, ann)["attempts"] == 0


def test_after_the_last_attempt_the_prospect_goes_to_nurture(
    book_db: Any,
) -> None:
    settings = Settings(max_attempts=3)
    ann = insert(book_db)
    days = [datetime(2026, 11, day, 10, 0, tzinfo=LONDON) for day in (23, 24, 25)]
    for day in days[:2]:
        logged = log(book_db, ann, Outcome.NO_ANSWER, now=day, settings=settings)
        assert logged.next_call_at is not None
        assert in_queue(book_db, ann, now=logged.next_call_at)
    last = log(book_db, ann, Outcome.GATEKEEPER, now=days[2], settings=settings)
    after = prospect(book_db, ann)
    revisit = datetime(2027, 2, 23, 9, 30, tzinfo=LONDON)  # 90 days on, a Tuesday
    assert last.next_call_at == revisit
    expected = {
        "attempts": 3,
        "stage": "lost",
        "nurture": 1,
        "lost_reason": "unreachable",
        "nurtured_at": to_stored(days[2]),
        "next_call_at": to_stored(revisit),
        "next_task_kind": "revisit",
    }
    assert {column: after[column] for column in expected} == expected
    assert not in_queue(book_db, ann, now=datetime(2026, 11, 26, 9, 0, tzinfo=LONDON))
    assert ann in queue_ids(book_db, now=NOW, mode=QueueMode.ALL)


@pytest.mark.parametrize(
    ("outcome", "asked", "reason"),
    [
        (Outcome.WON, {}, "amount"),
        (Outcome.WON, {"amount_cents": 0}, "amount"),
        (Outcome.WON, {"amount_cents": -500}, "amount"),
        (Outcome.CALLBACK, {}, "date"),
        (Outcome.MEETING, {"amount_cents": 500}, "date"),
    ],
)
def test_an_incomplete_outcome_is_refused_and_nothing_is_written(
    book_db: Any, outcome: Outcome, asked: dict[str, Any], reason: str
) -> None:
    ann = insert(book_db)
    before = prospect(book_db, ann)
    with pytest.raises(OutcomeInvalid, match=reason):
        log(book_db, ann, outcome, **asked)
    assert prospect(book_db, ann) == before
    assert [count(book_db, table) for table in ("calls", "deals", "undo_log")] == [0, 0, 0]


def test_a_call_for_a_deleted_prospect_is_refused(book_db: Any) -> None:
    with pytest.raises(OutcomeInvalid, match="no longer exists"):
        log(book_db, 404, Outcome.NO_ANSWER)
    assert count(book_db, "calls") == 0


# Undo --------------------------------------------------------------------------


def worked_prospect(db: Any, name: str = "Ann Archer") -> int:
    """A prospect with history in every column that logging a call may change."""
    return insert(
        db,
        name,
        stage="contacted",
        attempts=2,
        last_called_at=london("2026-11-20", "10:15:00"),
        last_outcome="voicemail",
        next_call_at=london("2026-11-25", "09:00:00"),
        deal_value_cents=400_000,
        nurture=0,
    )


@pytest.mark.parametrize(
    ("outcome", "asked"),
    [
        (Outcome.NO_ANSWER, {}),
        (Outcome.VOICEMAIL, {}),
        (Outcome.BUSY, {}),
        (Outcome.GATEKEEPER, {}),
        (Outcome.CALLBACK, {"follow_up_at": NEXT_WEEK}),
        (Outcome.MEETING, {"follow_up_at": NEXT_WEEK}),
        (Outcome.WON, {"amount_cents": 1_250_000}),
        (Outcome.NOT_INTERESTED, {}),
        (Outcome.WRONG_NUMBER, {}),
        (Outcome.DO_NOT_CALL, {}),
    ],
)
def test_undo_restores_the_prospect_exactly(
    book_db: Any, outcome: Outcome, asked: dict[str, Any]
) -> None:
    ann = worked_prospect(book_db)
    before = prospect(book_db, ann)
    queue_before = list(queue_ids(book_db, now=NOW))
    logged = log(book_db, ann, outcome, notes="note", **asked)
    assert prospect(book_db, ann) != before

    undone = undo_last_call(book_db)

    assert undone is not None
    assert (undone.call_id, undone.prospect_id, undone.prospect_name, undone.outcome) == (
        logged.call_id,
        ann,
        "Ann Archer",
        outcome,
    )
    assert prospect(book_db, ann) == before
    assert [count(book_db, table) for table in ("calls", "deals", "undo_log")] == [0, 0, 0]
    assert list(queue_ids(book_db, now=NOW)) == queue_before


def test_the_last_attempt_is_undone_back_out_of_nurture(book_db: Any) -> None:
    ann = worked_prospect(book_db)
    before = prospect(book_db, ann)
    log(book_db, ann, Outcome.NO_ANSWER, settings=Settings(max_attempts=3))
    assert prospect(book_db, ann)["nurture"] == 1
    undo_last_call(book_db)
    assert prospect(book_db, ann) == before


def test_undo_works_after_reopening_the_book(book_storage: Any) -> None:
    first = book_storage
    ann = worked_prospect(first.db)
    before = prospect(first.db, ann)
    log(first.db, ann, Outcome.WON, amount_cents=99_00)
    first.close()

    second = reopen(first)
    try:
        undone = undo_last_call(second.db)
        assert undone is not None
        assert undone.outcome is Outcome.WON
        assert prospect(second.db, ann) == before
        assert [count(second.db, table) for table in ("calls", "deals")] == [0, 0]
    finally:
        second.close()


def test_repeated_undo_steps_back_through_the_calls(book_db: Any) -> None:
    ann = worked_prospect(book_db)
    bob = worked_prospect(book_db, "Bob Baker")
    steps = [
        (ann, Outcome.NO_ANSWER, {}),
        (bob, Outcome.MEETING, {"follow_up_at": NEXT_WEEK}),
        (ann, Outcome.CALLBACK, {"follow_up_at": THIS_AFTERNOON}),
        (ann, Outcome.WON, {"amount_cents": 5_000_00}),
    ]
    states = []
    for prospect_id, outcome, asked in steps:
        states.append((prospect(book_db, ann), prospect(book_db, bob)))
        log(book_db, prospect_id, outcome, **asked)

    for (prospect_id, outcome, _), state in reversed(list(zip(steps, states, strict=True))):
        undone = undo_last_call(book_db)
        assert undone is not None
        assert (undone.prospect_id, undone.outcome) == (prospect_id, outcome)
        assert (prospect(book_db, ann), prospect(book_db, bob)) == state

    assert undo_last_call(book_db) is None
    assert [count(book_db, table) for table in ("calls", "deals", "undo_log")] == [0, 0, 0]


def test_nothing_to_undo(book_db: Any) -> None:
    assert undo_last_call(book_db) is None
    insert(book_db)
    assert undo_last_call(book_db) is None


def test_calls_added_by_other_tools_are_never_undone(book_db: Any) -> None:
    ann = worked_prospect(book_db)
    imported = {"prospect_id": ann, "outcome": "no_answer", "started_at": london("2026-11-24")}
    insert_row(book_db, "calls", imported)
    assert undo_last_call(book_db) is None

    logged = log(book_db, ann, Outcome.VOICEMAIL)
    insert_row(book_db, "calls", {**imported, "started_at": london("2026-11-25", "11:30:00")})
    undone = undo_last_call(book_db)
    assert undone is not None
    assert undone.call_id == logged.call_id
    assert undo_last_call(book_db) is None
    assert [call["outcome"] for call in table_rows(book_db, "calls")] == ["no_answer", "no_answer"]


@pytest.mark.parametrize("change", ["reschedule", "done"])
def test_undo_keeps_a_task_the_rep_changed_since_and_says_so(book_db: Any, change: str) -> None:
    ann = insert(book_db)
    log(book_db, ann, Outcome.CALLBACK, follow_up_at=NEXT_WEEK)
    (task,) = open_tasks(book_db, ann)
    if change == "reschedule":
        reschedule_task(book_db, task.id, NEXT_WEEK + timedelta(days=1))
    else:
        close_task(book_db, task.id, TaskStatus.DONE, now=NOW + timedelta(hours=1))

    undone = undo_last_call(book_db)

    assert undone is not None and undone.not_restored == ("callback task",)
    assert count(book_db, "calls") == 0
    kept = get_row(book_db, "tasks", task.id)
    assert (kept["call_id"], kept["kind"]) == (None, "callback")  # its call is gone


def test_a_request_id_logged_again_returns_the_call_and_writes_nothing(
    book_db: Any,
) -> None:
    ann = insert(book_db)
    first = log_call(
        book_db, ann, CallOutcome(Outcome.NO_ANSWER), now=NOW, settings=SETTINGS, request_id="r-1"
    )
    written = {table: count(book_db, table) for table in ("calls", "tasks", "undo_log")}
    state = prospect(book_db, ann)

    again = log_call(
        book_db,
        ann,
        CallOutcome(Outcome.NO_ANSWER),
        now=NOW + timedelta(minutes=1),
        settings=SETTINGS,
        request_id="r-1",
    )

    assert (first.already_logged, again.already_logged) == (False, True)
    assert (again.call_id, again.outcome, again.next_call_at) == (
        first.call_id,
        Outcome.NO_ANSWER,
        first.next_call_at,
    )
    assert {table: count(book_db, table) for table in written} == written
    assert prospect(book_db, ann) == state
    assert get_row(book_db, "calls", first.call_id)["request_id"] == "r-1"


def test_a_request_id_is_found_before_the_entry_is_checked_again(
    book_db: Any,
) -> None:
    # A retry a day later: the follow-up it typed is in the past by now, the call is there.
    ann = insert(book_db)
    first = log_call(
        book_db,
        ann,
        CallOutcome(Outcome.CALLBACK, follow_up_at=THIS_AFTERNOON),
        now=NOW,
        settings=SETTINGS,
        request_id="r-2",
    )
    again = log_call(
        book_db,
        ann,
        CallOutcome(Outcome.CALLBACK),
        now=NOW + timedelta(days=1),
        settings=SETTINGS,
        request_id="r-2",
    )
    assert (again.call_id, again.already_logged) == (first.call_id, True)
    assert count(book_db, "calls") == 1


def test_a_request_id_of_another_prospects_call_is_refused(book_db: Any) -> None:
    ann, bob = insert(book_db), insert(book_db, "Bob Baker")
    log_call(
        book_db, ann, CallOutcome(Outcome.VOICEMAIL), now=NOW, settings=SETTINGS, request_id="k"
    )

    with pytest.raises(OutcomeInvalid, match="used for call 1 with prospect"):
        log_call(
            book_db, bob, CallOutcome(Outcome.BUSY), now=NOW, settings=SETTINGS, request_id="k"
        )

    assert count(book_db, "calls") == 1


def test_calls_without_a_request_id_are_not_one_call(book_db: Any) -> None:
    ann = insert(book_db)
    log(book_db, ann, Outcome.NO_ANSWER)
    log(book_db, ann, Outcome.VOICEMAIL)
    insert_row(book_db, "calls", {"prospect_id": ann, "outcome": "busy"})  # another tool, no key

    assert [call["request_id"] for call in table_rows(book_db, "calls")] == [None, None, None]


def test_the_database_refuses_a_second_call_with_one_request_id(
    book_db: Any,
) -> None:
    ann = insert(book_db)
    insert_row(book_db, "calls", {"prospect_id": ann, "outcome": "busy", "request_id": "dup"})
    with pytest.raises(integrity_errors(), match=r"(?i)unique"):
        insert_row(book_db, "calls", {"prospect_id": ann, "outcome": "busy", "request_id": "dup"})


def test_two_tries_at_once_with_one_request_id_write_one_call(
    book_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second try looked before the first committed (PostgreSQL takes no write lock up
    front): its insert meets the request id, and it returns the first's call."""
    ann = insert(book_db)
    first = log_call(
        book_db, ann, CallOutcome(Outcome.VOICEMAIL), now=NOW, settings=SETTINGS, request_id="r"
    )
    looks = []
    found_call = call_log_module._logged_call

    def not_yet_committed(row: Any, prospect_id: int, request_id: str) -> Any:
        looks.append(request_id)
        return None if len(looks) == 1 else found_call(row, prospect_id, request_id)

    monkeypatch.setattr(call_log_module, "_logged_call", not_yet_committed)

    again = log_call(
        book_db, ann, CallOutcome(Outcome.VOICEMAIL), now=NOW, settings=SETTINGS, request_id="r"
    )

    assert (again.call_id, again.already_logged) == (first.call_id, True)
    assert looks == ["r", "r"]
    assert [count(book_db, table) for table in ("calls", "undo_log")] == [1, 1]


def two_reps(db: Any) -> None:
    for rep in ("alex", "blake"):
        add_rep(db, rep)


def test_two_reps_keep_their_own_request_ids_on_one_pool_prospect(book_db: Any) -> None:
    """Each rep's script numbers its calls its own way: blake's call 1 is not alex's."""
    two_reps(book_db)
    ann = insert(book_db)  # the pool's: nobody owns them
    entry = CallOutcome(Outcome.NO_ANSWER)
    alex = log_call(book_db, ann, entry, now=NOW, settings=SETTINGS, request_id="1", rep="alex")
    later = NOW + timedelta(minutes=5)
    blake = log_call(book_db, ann, entry, now=later, settings=SETTINGS, request_id="1", rep="blake")

    assert (alex.already_logged, blake.already_logged) == (False, False)
    assert alex.call_id != blake.call_id
    for rep, logged in (("alex", alex), ("blake", blake)):
        again = log_call(book_db, ann, entry, now=later, settings=SETTINGS, request_id="1", rep=rep)
        assert (again.call_id, again.already_logged) == (logged.call_id, True)
    calls = table_rows(book_db, "calls")
    assert [(call["rep"], call["request_id"]) for call in calls] == [("alex", "1"), ("blake", "1")]


def test_two_reps_log_one_request_id_on_two_prospects(book_db: Any) -> None:
    two_reps(book_db)
    ann, bob = insert(book_db), insert(book_db, "Bob Baker")
    entry = CallOutcome(Outcome.VOICEMAIL)
    alex = log_call(book_db, ann, entry, now=NOW, settings=SETTINGS, request_id="1", rep="alex")
    blake = log_call(book_db, bob, entry, now=NOW, settings=SETTINGS, request_id="1", rep="blake")

    assert (alex.already_logged, blake.already_logged) == (False, False)
    found = call_log_module.call_for_request(book_db, bob, "1", "blake")
    assert found is not None and found.call_id == blake.call_id
    # The same rep's key on another prospect is still a key reused.
    with pytest.raises(OutcomeInvalid, match="used for call 1 with prospect"):
        log_call(book_db, bob, entry, now=NOW, settings=SETTINGS, request_id="1", rep="alex")
    assert count(book_db, "calls") == 2


def test_a_one_rep_books_request_id_is_not_a_reps(book_db: Any) -> None:
    """A call of a one-rep book (no rep) and a rep's with one key are two calls, and the
    database still refuses a second call of the book's with that key."""
    two_reps(book_db)
    ann = insert(book_db)
    mine = log_call(
        book_db, ann, CallOutcome(Outcome.BUSY), now=NOW, settings=SETTINGS, request_id="k"
    )
    alex = log_call(
        book_db,
        ann,
        CallOutcome(Outcome.BUSY),
        now=NOW,
        settings=SETTINGS,
        request_id="k",
        rep="alex",
    )
    assert alex.call_id != mine.call_id and not alex.already_logged
    found = call_log_module.call_for_request(book_db, ann, "k")
    assert found is not None and found.call_id == mine.call_id
    with pytest.raises(integrity_errors(), match=r"(?i)unique|duplicate"):
        insert_row(book_db, "calls", {"prospect_id": ann, "outcome": "busy", "request_id": "k"})
    with pytest.raises(integrity_errors(), match=r"(?i)unique|duplicate"):
        insert_row(
            book_db,
            "calls",
            {"prospect_id": ann, "outcome": "busy", "request_id": "k", "rep": "alex"},
        )


@contextmanager
def los_angeles_machine() -> Iterator[None]:
    """The process runs in Los Angeles time (a rep's laptop there)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_busy_signals_count_once_a_day_of_the_machine_that_logs_them(
    backend: str, tmp_path: Any, request: pytest.FixtureRequest
) -> None:
    """A busy line is one attempt a day, and the day is the rep's, on a file and on a team
    database alike: 07:30 and 08:30 UTC on 1 December are 23:30 on 30 November and 00:30 on
    1 December in Los Angeles, so two attempts; 09:30 UTC is that same 1 December."""
    # The server is started (or reached) before the machine's zone changes: its own zone
    # stays what it was.
    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    with los_angeles_machine():
        storage: Any = open_storage(tmp_path / "t.db") if url is None else open_team_book(url)
        if url is not None:
            empty_team_book(url)
        try:
            db = storage.db
            ann = insert(db)
            for hour in ("07", "08", "09"):
                started_at = f"2026-12-01T{hour}:30:00+00:00"
                call = {"prospect_id": ann, "outcome": "busy", "started_at": started_at}
                insert_row(db, "calls", call)
            assert prospect(db, ann)["attempts"] == 2
        finally:
            storage.close()
