"""Do not call, however it is set (the outcome, the edit form): the prospect's callbacks,
retries and revisits are cancelled, and the calendar file says so; a meeting stands. A call
logged on a prospect marked do not call since the dialog opened books no call with them
until the rep has been told."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import icalendar
import pytest
from textual.widgets import Checkbox, Input, Static

from funnel_tui.calendar_file import calendar_file
from funnel_tui.call_log import (
    CallOutcome,
    MarkedDoNotCallMeanwhile,
    SeenOnCard,
    log_call,
    undo_last_call,
)
from funnel_tui.domain import Outcome
from funnel_tui.prospects import update_prospect
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import open_storage
from funnel_tui.tasks import open_tasks, prospect_tasks
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from tests.app_support import (
    FROZEN_NOW,
    messages,
    open_prospect_form,
    settle,
    settle_until,
    shown_text,
)
from tests.rows import count_rows, insert_row
from tests.test_app import first_in_queue
from tests.test_call_log import LONDON, NEXT_WEEK, NOW, insert, log

MEETING_AT = datetime(2026, 12, 3, 16, 0, tzinfo=LONDON)
REVISIT_AT = datetime(2027, 1, 11, 9, 30, tzinfo=LONDON)
APPOINTMENTS = ("callback", "meeting")


def statuses(db: Any, prospect_id: int, kinds: tuple[str, ...] = ()) -> dict[str, str]:
    """The status of the prospect's task of each kind (of `kinds`, when given)."""
    return {
        str(task.kind): str(task.status)
        for task in prospect_tasks(db, prospect_id)
        if not kinds or task.kind in kinds
    }


def booked(db: Any) -> int:
    """Arjun, with a callback next week, a meeting after it and a revisit in January."""
    arjun = insert(db, "Arjun Kapoor", phone="+13035550100", email="arjun@example.com")
    log(db, arjun, Outcome.CALLBACK, follow_up_at=NEXT_WEEK)
    log(db, arjun, Outcome.MEETING, follow_up_at=MEETING_AT)
    revisit = {"prospect_id": arjun, "kind": "revisit", "due_at": to_stored(REVISIT_AT)}
    insert_row(db, "tasks", revisit)
    assert statuses(db, arjun) == {"callback": "open", "meeting": "open", "revisit": "open"}
    return arjun


def events(db: Any, now: datetime) -> dict[str, str]:
    """Each calendar event's summary and status."""
    calendar = icalendar.Calendar.from_ical(calendar_file(db, now, days=60).content)
    return {str(event["SUMMARY"]): str(event["STATUS"]) for event in calendar.walk("VEVENT")}


def test_the_do_not_call_outcome_cancels_the_calls_and_the_meeting_stands(book_db: Any) -> None:
    arjun = booked(book_db)
    assert events(book_db, NOW) == {
        "Call back Arjun Kapoor": "CONFIRMED",
        "Meeting with Arjun Kapoor": "CONFIRMED",
    }

    log(book_db, arjun, Outcome.DO_NOT_CALL)

    assert statuses(book_db, arjun) == {
        "callback": "cancelled",
        "meeting": "open",
        "revisit": "cancelled",
    }
    # A calendar that imported the callback drops it; the meeting is still on.
    assert events(book_db, NOW + timedelta(minutes=5)) == {
        "Call back Arjun Kapoor": "CANCELLED",
        "Meeting with Arjun Kapoor": "CONFIRMED",
    }
    # Undone, the call gives the callback and the revisit back.
    undo_last_call(book_db)
    assert statuses(book_db, arjun) == {"callback": "open", "meeting": "open", "revisit": "open"}


def test_do_not_call_ticked_in_the_edit_form_cancels_the_calls_too(book_db: Any) -> None:
    arjun = booked(book_db)

    update_prospect(book_db, arjun, {"do_not_call": 1})

    assert statuses(book_db, arjun) == {
        "callback": "cancelled",
        "meeting": "open",
        "revisit": "cancelled",
    }
    assert events(book_db, NOW + timedelta(minutes=5)) == {
        "Call back Arjun Kapoor": "CANCELLED",
        "Meeting with Arjun Kapoor": "CONFIRMED",
    }


def test_do_not_call_ticked_by_mistake_and_cleared_books_the_callback_again(
    book_db: Any,
) -> None:
    """Ticked and cleared in the form, the Monday callback stayed cancelled and a plain call
    two days late took its place."""
    arjun = booked(book_db)
    update_prospect(book_db, arjun, {"do_not_call": 1}, now=NOW)
    open_before = book_db.execute("SELECT count(*) FROM tasks WHERE status = 'open'").fetchone()

    update_prospect(book_db, arjun, {"do_not_call": 0}, now=NOW + timedelta(minutes=1))

    assert statuses(book_db, arjun) == {"callback": "open", "meeting": "open", "revisit": "open"}
    assert book_db.execute("SELECT count(*) FROM tasks WHERE status = 'open'").fetchone() == (
        open_before[0] + 2,
    )
    assert events(book_db, NOW + timedelta(minutes=5)) == {
        "Call back Arjun Kapoor": "CONFIRMED",
        "Meeting with Arjun Kapoor": "CONFIRMED",
    }


def column(db: Any, prospect_id: int, name: str) -> object:
    return db.execute(f"SELECT {name} FROM prospects WHERE id = ?", [prospect_id]).fetchone()[0]


def booked_in_the_demo(app: FunnelApp) -> int:
    """The demo's Arjun Kapoor, with a callback on Monday and a meeting on Wednesday."""
    db = app.storage.db
    (arjun,) = db.execute("SELECT id FROM prospects WHERE name = 'Arjun Kapoor'").fetchone()
    for outcome, when in (
        (Outcome.CALLBACK, FROZEN_NOW + timedelta(days=5)),
        (Outcome.MEETING, FROZEN_NOW + timedelta(days=7)),
    ):
        log(db, arjun, outcome, now=FROZEN_NOW, follow_up_at=when)
    return arjun


async def test_l_d_on_a_prospect_cancels_their_callback_and_says_the_meeting_stands(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    arjun = booked_in_the_demo(demo_app)
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("/", *"arjun", "enter")
        await settle(pilot)
        await pilot.press("l", "d", "enter")
        await settle_until(pilot, lambda: column(db, arjun, "last_outcome") == "do_not_call")
        assert isinstance(demo_app.screen, MainScreen)
        said = messages(demo_app)
    assert statuses(db, arjun, APPOINTMENTS) == {"callback": "cancelled", "meeting": "open"}
    assert (
        "Logged do not call for Arjun Kapoor: never called again; the meeting Wed 25 Nov 14:30"
        " stands (h: timeline to cancel it); the callback Mon 14:30 is cancelled (u brings it"
        " back)"
    ) in said


async def test_do_not_call_ticked_with_e_cancels_the_callback(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    arjun = booked_in_the_demo(demo_app)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("/", *"arjun", "enter")
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-do_not_call", Checkbox).value = True
        await settle(pilot)
        await pilot.press("enter")
        await settle_until(pilot, lambda: column(db, arjun, "do_not_call") == 1)
    assert statuses(db, arjun, APPOINTMENTS) == {"callback": "cancelled", "meeting": "open"}
    (done_at,) = db.execute(
        "SELECT done_at FROM tasks WHERE prospect_id = ? AND kind = 'callback'", [arjun]
    ).fetchone()
    assert done_at == to_stored(FROZEN_NOW)


def log_seen(db: Any, prospect_id: int, entry: CallOutcome, seen: SeenOnCard) -> Any:
    return log_call(db, prospect_id, entry, now=NOW, settings=Settings(), seen=seen)


def test_no_call_is_booked_on_a_prospect_marked_do_not_call_since_the_dialog_opened(
    book_db: Any,
) -> None:
    iris = insert(book_db, "Iris Jones")
    seen = SeenOnCard(last_called_at=None)
    # Blake ticks Do not call while Alex's dialog is open.
    update_prospect(book_db, iris, {"do_not_call": 1})

    callback = CallOutcome(Outcome.CALLBACK, follow_up_at=NEXT_WEEK)
    refused = "Iris Jones was marked do not call meanwhile; nothing was logged"
    with pytest.raises(MarkedDoNotCallMeanwhile, match=refused) as told:
        log_seen(book_db, iris, callback, seen)
    # An unanswered call would book a retry: refused as well.
    with pytest.raises(MarkedDoNotCallMeanwhile):
        log_seen(book_db, iris, CallOutcome(Outcome.NO_ANSWER), seen)
    assert (count_rows(book_db, "calls"), open_tasks(book_db, iris)) == (0, [])

    # Told, the rep may still log it, as `l` on a do-not-call prospect lets them.
    log_seen(book_db, iris, callback, told.value.seen)
    assert [task.kind for task in open_tasks(book_db, iris)] == ["callback"]


def test_a_call_that_books_no_call_is_logged_on_a_prospect_marked_meanwhile(
    book_db: Any,
) -> None:
    iris = insert(book_db, "Iris Jones")
    update_prospect(book_db, iris, {"do_not_call": 1})

    log_seen(book_db, iris, CallOutcome(Outcome.MEETING, follow_up_at=NEXT_WEEK), SeenOnCard(None))

    assert [task.kind for task in open_tasks(book_db, iris)] == ["meeting"]


async def test_enter_on_a_callback_after_another_window_marks_do_not_call_books_nothing(
    demo_app: FunnelApp,
) -> None:
    """Alex types `l c mon 4pm`; a second window ticks Do not call; Alex's enter is told so,
    keeps what was typed, and writes nothing; the next enter logs it knowingly."""
    db = demo_app.storage.db
    iris = first_in_queue(db)["id"]
    calls = count_rows(db, "calls")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"mon 4pm")
        await settle(pilot)
        other = open_storage(demo_app.storage.path)
        update_prospect(other.db, iris, {"do_not_call": 1}, now=FROZEN_NOW)
        other.close()
        await pilot.press("enter")
        await settle(pilot)

        dialog = demo_app.screen
        error = shown_text(dialog.query_one("#outcome-error", Static))
        assert "was marked do not call meanwhile; nothing was logged" in error
        assert "enter logs it anyway" in error
        assert dialog.query_one("#outcome-when", Input).value == "mon 4pm"
        assert count_rows(db, "calls") == calls
        assert [task.kind for task in open_tasks(db, iris)] == []

        await pilot.press("enter")
        await settle_until(pilot, lambda: count_rows(db, "calls") == calls + 1)
        assert isinstance(demo_app.screen, MainScreen)
    assert [task.kind for task in open_tasks(db, iris)] == ["callback"]
