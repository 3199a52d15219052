"""The toast after a log says what happens next: the next try, the callback, the meeting,
the amount won, or that no more calls are planned."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from textual.widgets._toast import Toast

from funnel_tui.call_log import CallOutcome, LoggedCall, log_call
from funnel_tui.domain import Ask, LostReason, Outcome
from funnel_tui.settings import load_settings
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.what_next import logged_line
from tests.app_support import settle, settle_until, shown_text
from tests.test_app import calls_for, first_in_queue
from tests.test_outcome_fields import set_prospect

LONDON = ZoneInfo("Europe/London")
# A Monday morning.
NOW = datetime(2026, 11, 30, 11, 0, tzinfo=LONDON)


def logged(
    outcome: Outcome, due: str | None = None, kind: str | None = None, meeting: str | None = None
) -> LoggedCall:
    next_call_at = None if due is None else datetime.fromisoformat(due).replace(tzinfo=LONDON)
    # The earliest meeting open after the call: the next task, or one after it.
    meeting_open = next_call_at if kind == "meeting" else None
    if meeting is not None:
        meeting_open = datetime.fromisoformat(meeting).replace(tzinfo=LONDON)
    return LoggedCall(1, 1, outcome, next_call_at, next_task_kind=kind, meeting_open=meeting_open)


@pytest.mark.parametrize(
    ("call", "zone", "amount", "said"),
    [
        (
            logged(Outcome.VOICEMAIL, "2026-12-02T19:00", "call"),
            "America/New_York",
            None,
            "Logged voicemail for Kate Sullivan: next try Wed 14:00 their time",
        ),
        # Their clock reads as the rep's: no "their time".
        (
            logged(Outcome.NO_ANSWER, "2026-12-01T09:30", "call"),
            "Europe/London",
            None,
            "Logged no answer for Kate Sullivan: next try tomorrow 09:30",
        ),
        (
            logged(Outcome.CALLBACK, "2026-11-30T16:00", "callback"),
            None,
            None,
            "Logged callback for Kate Sullivan: callback today 16:00",
        ),
        (
            logged(Outcome.MEETING, "2026-12-10T10:00", "meeting"),
            None,
            None,
            "Logged meeting booked for Kate Sullivan: meeting Thu 10 Dec 10:00",
        ),
        (
            logged(Outcome.WON),
            None,
            1_200_000,
            "Logged won for Kate Sullivan: $12,000 won",
        ),
        (
            logged(Outcome.PROPOSAL_SENT, "2026-12-02T09:30", "call"),
            None,
            950_050,
            "Logged proposal sent for Kate Sullivan: proposal for $9,500.50,"
            " follow-up call Wed 09:30",
        ),
        (
            logged(Outcome.NO_ANSWER, "2027-03-01T09:30", "revisit"),
            None,
            None,
            "Logged no answer for Kate Sullivan: no more tries, revisit Mon 1 Mar 2027",
        ),
        (
            logged(Outcome.NOT_INTERESTED),
            None,
            None,
            "Logged not interested for Kate Sullivan: no more calls",
        ),
        # The reason picked is said: one picked by a key meant for the date shows.
        (
            replace(logged(Outcome.NOT_INTERESTED), reason=LostReason.NO_NEED),
            None,
            None,
            "Logged not interested (no need) for Kate Sullivan: no more calls",
        ),
        # A meeting booked before, for yesterday, and still open after a win.
        (
            logged(Outcome.WON, "2026-11-29T09:00", "meeting"),
            None,
            50_000,
            "Logged won for Kate Sullivan: $500 won, meeting overdue since yesterday 09:00",
        ),
        (
            logged(Outcome.DO_NOT_CALL, "2026-12-01T09:30", "call"),
            None,
            None,
            "Logged do not call for Kate Sullivan: never called again",
        ),
        (
            logged(Outcome.WRONG_NUMBER, "2026-12-01T09:30", "callback"),
            None,
            None,
            "Logged wrong number for Kate Sullivan: out of the queue until the number is edited",
        ),
        # A callback before the meeting: the meeting is named all the same.
        (
            logged(Outcome.WRONG_NUMBER, "2026-12-01T09:30", "callback", "2026-12-03T14:00"),
            None,
            None,
            "Logged wrong number for Kate Sullivan: out of the queue until the number is"
            " edited; the meeting Thu 14:00 stands (h: timeline to cancel it)",
        ),
        # A meeting is no call: it stands, and the rep is told where to cancel it.
        (
            logged(Outcome.WRONG_NUMBER, "2026-12-03T14:00", "meeting"),
            None,
            None,
            "Logged wrong number for Kate Sullivan: out of the queue until the number is"
            " edited; the meeting Thu 14:00 stands (h: timeline to cancel it)",
        ),
    ],
)
def test_the_line_says_what_happens_next(
    call: LoggedCall, zone: str | None, amount: int | None, said: str
) -> None:
    assert logged_line(call, "Kate Sullivan", zone, NOW, amount_cents=amount) == said


def test_a_callback_booked_behind_an_overdue_meeting_is_said_first() -> None:
    """The rep hears back the time they typed, then what comes before it."""
    call = logged(Outcome.CALLBACK, "2026-11-29T10:00", "meeting")
    booked = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
    assert logged_line(call, "Naomi Fischer", None, NOW, booked=booked) == (
        "Logged callback for Naomi Fischer: callback tomorrow 11:00;"
        " before it, meeting overdue since yesterday 10:00"
    )
    # The callback is the next task: said once.
    first = logged(Outcome.CALLBACK, "2026-12-01T11:00", "callback")
    assert logged_line(first, "Naomi Fischer", None, NOW, booked=booked) == (
        "Logged callback for Naomi Fischer: callback tomorrow 11:00"
    )


def test_a_callback_at_the_minute_of_a_meeting_is_said_with_it() -> None:
    """A callback booked at 16:00, where a meeting was at 16:00 already: the toast said
    only `meeting today 16:00`."""
    at_four = datetime(2026, 11, 30, 16, 0, tzinfo=LONDON)
    call = logged(Outcome.CALLBACK, "2026-11-30T16:00", "meeting")
    assert logged_line(call, "Oliver Bennett", None, NOW, booked=at_four) == (
        "Logged callback for Oliver Bennett: callback today 16:00; at the same time,"
        " meeting today 16:00"
    )


def test_a_no_that_cancels_a_meeting_booked_says_so() -> None:
    """`l x` on Chloe, with a meeting on the 16th: the toast said `no more calls`, and the
    meeting was gone without a word."""
    meeting = datetime(2026, 12, 16, 10, 0, tzinfo=LONDON)
    call = replace(logged(Outcome.NOT_INTERESTED), meetings_cancelled=(meeting,))
    assert logged_line(call, "Chloe Martin", None, NOW) == (
        "Logged not interested for Chloe Martin: no more calls; the meeting Wed 16 Dec 10:00"
        " is cancelled (u brings it back)"
    )


def no_show(folder: Path, tasks: dict[str, str], reschedule: datetime) -> LoggedCall:
    """A no-show logged at NOW, rescheduled, on a new book's one prospect with `tasks` open
    (kind: due)."""
    folder.mkdir(exist_ok=True)
    db = open_storage(folder / "book.db").db
    prospect = db["prospects"].insert({"name": "Priya Shah", "phone": "+442079460001"}).last_pk
    db["tasks"].insert_all(
        {"prospect_id": prospect, "kind": kind, "due_at": due} for kind, due in tasks.items()
    )
    entry = CallOutcome(Outcome.NO_SHOW, follow_up_at=reschedule)
    return log_call(db, prospect, entry, now=NOW, settings=load_settings(db))


def test_a_no_show_names_the_overdue_callback_it_marks_done(tmp_path: Path) -> None:
    """A no-show is logged as the call an overdue callback was for (PRODUCT 14), and marks
    it done: the toast said only the reschedule, and the callback promised was gone
    without a word."""
    reschedule = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)
    call = no_show(
        tmp_path,
        {"callback": "2026-11-26T09:00:00+00:00", "meeting": "2026-11-30T10:00:00+00:00"},
        reschedule,
    )
    assert call.callbacks_done == (datetime(2026, 11, 26, 9, 0, tzinfo=UTC),)
    assert logged_line(call, "Priya Shah", None, NOW, booked=reschedule) == (
        "Logged no-show for Priya Shah: callback Wed 10:00; the callback Thu 26 Nov 09:00"
        " is marked done too"
    )
    # Any other outcome answers the callback as the call it was for, and says nothing more.
    voicemail = replace(call, outcome=Outcome.VOICEMAIL, callbacks_done=())
    assert "marked done" not in logged_line(voicemail, "Priya Shah", None, NOW)


def test_a_no_that_cancels_callbacks_names_them() -> None:
    """`l x` on a prospect with callbacks on Monday and Tuesday: the toast named only the
    meeting it cancelled, and the two callbacks went unsaid."""
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)
    tuesday = datetime(2026, 12, 8, 11, 0, tzinfo=LONDON)
    both = replace(logged(Outcome.NOT_INTERESTED), callbacks_cancelled=(monday, tuesday))
    assert logged_line(both, "Chloe Martin", None, NOW) == (
        "Logged not interested for Chloe Martin: no more calls; the callbacks Mon 7 Dec 10:00"
        " and Tue 8 Dec 11:00 are cancelled (u brings them back)"
    )
    # A time a gatekeeper gave, which a connect cancels, is named as well.
    tomorrow = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
    reached = replace(logged(Outcome.NOT_INTERESTED), given_cancelled=(tomorrow,))
    assert logged_line(reached, "Chloe Martin", None, NOW).endswith(
        "; the call tomorrow 11:00 a gatekeeper gave is cancelled"
    )
    one = replace(logged(Outcome.NOT_INTERESTED), callbacks_cancelled=(tuesday,))
    assert logged_line(one, "Chloe Martin", None, NOW).endswith(
        "the callback Tue 8 Dec 11:00 is cancelled (u brings it back)"
    )


def test_a_no_show_logged_before_a_meeting_still_to_come_says_it_stays_booked(
    tmp_path: Path,
) -> None:
    """`l s` on Peter, whose meeting is on Friday: the dialog warned that it is still to
    come, and the toast said only the callback, the meeting left booked unsaid."""
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=LONDON)
    tomorrow = datetime(2026, 12, 1, 9, 30, tzinfo=LONDON)
    call = no_show(tmp_path, {"meeting": friday.isoformat()}, tomorrow)
    assert logged_line(call, "Peter van Dijk", None, NOW, booked=tomorrow) == (
        "Logged no-show for Peter van Dijk: callback tomorrow 09:30; the meeting Fri 10:00"
        " stays booked"
    )
    # A meeting before the reschedule is named once, as the next task.
    later = datetime(2026, 12, 7, 9, 30, tzinfo=LONDON)
    first = no_show(tmp_path / "second", {"meeting": friday.isoformat()}, later)
    assert logged_line(first, "Peter van Dijk", None, NOW, booked=later) == (
        "Logged no-show for Peter van Dijk: callback Mon 7 Dec 09:30; before it, meeting Fri 10:00"
    )
    db = open_storage(tmp_path / "book.db").db
    cancelled = log_call(
        db,
        call.prospect_id,
        CallOutcome(Outcome.NOT_INTERESTED),
        now=NOW,
        settings=load_settings(db),
    )
    assert cancelled.callbacks_cancelled == (tomorrow,)


def test_an_unanswered_try_on_an_overdue_callback_says_it_marked_it_done(
    tmp_path: Path,
) -> None:
    """`l n` on Zainab, whose callback was due on Thursday: the try is the call the
    callback was for, and completes it, but the line said only the next try."""
    db = open_storage(tmp_path / "book.db").db
    zainab = db["prospects"].insert({"name": "Zainab Hussain", "phone": "+442079460004"}).last_pk
    thursday = datetime(2026, 11, 26, 17, 0, tzinfo=LONDON)
    db["tasks"].insert({"prospect_id": zainab, "kind": "callback", "due_at": thursday.isoformat()})
    entry = CallOutcome(Outcome.NO_ANSWER)
    call = log_call(db, zainab, entry, now=NOW, settings=load_settings(db))
    assert call.callbacks_done == (thursday,)
    assert logged_line(call, "Zainab Hussain", None, NOW).endswith(
        "; the callback Thu 26 Nov 17:00 is marked done (called)"
    )


def test_a_meeting_held_before_its_time_is_said_to_be_marked_held(tmp_path: Path) -> None:
    """`l h` on Kwame, whose meeting is on Friday: the dialog warned that it is still to
    come, and the toast said nothing of the meeting it then marked held."""
    db = open_storage(tmp_path / "book.db").db
    kwame = db["prospects"].insert({"name": "Kwame Mensah", "phone": "+442079460003"}).last_pk
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=LONDON)
    db["tasks"].insert({"prospect_id": kwame, "kind": "meeting", "due_at": friday.isoformat()})
    next_step = datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)
    entry = CallOutcome(Outcome.MEETING_HELD, follow_up_at=next_step)
    call = log_call(db, kwame, entry, now=NOW, settings=load_settings(db))
    assert call.held_early == friday
    assert logged_line(call, "Kwame Mensah", None, NOW, booked=next_step).endswith(
        "; the meeting Fri 10:00 is marked held"
    )


def test_a_day_of_another_year_says_the_year() -> None:
    """A revisit in a year read `revisit Tue 30 Nov 2027`, but a callback a year ahead read
    `Tue 30 Nov 10:00`, as if it were this November."""
    callback = logged(Outcome.CALLBACK, "2027-11-30T10:00", "callback")
    assert logged_line(callback, "Kate Sullivan", None, NOW).endswith(
        "callback Tue 30 Nov 2027 10:00"
    )
    soon = logged(Outcome.CALLBACK, "2026-12-10T10:00", "callback")
    assert logged_line(soon, "Kate Sullivan", None, NOW).endswith("callback Thu 10 Dec 10:00")


def test_a_try_on_a_lost_prospect_says_the_queue_will_not_bring_them_back() -> None:
    """The queue brings a lost prospect back for a revisit only: `next try tomorrow` on
    one found by the filter promised a call that never came."""
    due = datetime(2026, 12, 1, 9, 30, tzinfo=LONDON)
    call = LoggedCall(1, 1, Outcome.NO_ANSWER, due, next_task_kind="call", stage="lost")
    assert logged_line(call, "Patrick Doyle", None, NOW) == (
        "Logged no answer for Patrick Doyle: next try tomorrow 09:30, but lost: out of the"
        " queue until the stage is edited"
    )
    due = datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)
    revisit = LoggedCall(1, 1, Outcome.NO_ANSWER, due, next_task_kind="revisit", stage="lost")
    assert "out of the queue" not in logged_line(revisit, "Patrick Doyle", None, NOW)


def test_a_name_that_looks_like_markup_or_spans_lines_is_one_literal_line() -> None:
    line = logged_line(logged(Outcome.NOT_INTERESTED), "[bold]Kate\nSullivan", None, NOW)
    assert line == "Logged not interested for [bold]Kate Sullivan: no more calls"


async def test_the_toast_after_a_voicemail_names_the_next_try_in_their_time(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], timezone="America/New_York", name="Kate Sullivan")
    before = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("l", "v", "enter")
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
        await settle(pilot)
        (toast,) = demo_app.screen.query(Toast)
        due = db["prospects"].get(first["id"])["next_call_at"]
        theirs = datetime.fromisoformat(due).astimezone(ZoneInfo("America/New_York"))
        (message,) = [str(notification.message) for notification in demo_app._notifications]
        assert message.startswith("Logged voicemail for Kate Sullivan: next try ")
        next_try, *besides = message.split("; ")
        assert next_try.endswith(f"{theirs:%H:%M} their time")
        # The head of the demo's queue is an overdue callback, which the try was for.
        assert [clause.endswith("is marked done (called)") for clause in besides] == [True]
        assert toast.display


def found_as_zyxdoyle(db: sqlite_utils.Database, also: str = "") -> int:
    """The first lost prospect who may be called (and `also`), renamed so that the filter
    finds them alone: their id."""
    (lost,) = db.execute(
        "SELECT id FROM prospects WHERE stage = 'lost' AND do_not_call = 0"
        f" AND wrong_number = 0 {also} ORDER BY id LIMIT 1"
    ).fetchone()
    db.execute("UPDATE prospects SET name = 'Patrick Zyxdoyle' WHERE id = ?", [lost])
    db.conn.commit()
    return lost


@pytest.mark.parametrize("invited", [True, False])
async def test_a_no_that_cancels_an_invited_meeting_says_how_to_tell_them(
    demo_app: FunnelApp, invited: bool
) -> None:
    """`l x` cancelled a meeting the prospect had the invite to, and their calendar kept
    it without a word."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], email="kate@example.com", do_not_email=0)
    booked = "2026-11-17T10:00:00+00:00"
    db["tasks"].insert(
        {
            "prospect_id": first["id"],
            "kind": "meeting",
            "due_at": "2026-11-25T10:00:00+00:00",
            "created_at": booked,
        }
    )
    if invited:
        db["emails"].insert(
            {"prospect_id": first["id"], "template": "meeting_confirmation", "sent_at": booked}
        )
    db.conn.commit()
    before = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("l", "x", "enter")
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
        await settle(pilot)
        said = " ".join(str(notification.message) for notification in demo_app._notifications)
    assert "is cancelled (u brings it back)" in said
    hint = "they were sent the meeting's invite: E, then Meeting cancelled, takes it off their"
    assert (hint in said) is invited


async def test_a_try_on_a_lost_prospect_books_nothing_and_the_toast_says_they_stay_lost(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    lost = found_as_zyxdoyle(db, "AND nurture = 0")
    before = len(calls_for(db, lost))
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zyxdoyle", "enter")
        await settle(pilot)
        await pilot.press("l", "n", "enter")
        await settle_until(pilot, lambda: len(calls_for(db, lost)) > before)
        await settle(pilot)
        said = " ".join(str(notification.message) for notification in demo_app._notifications)
    # A cadence call booked here waited in no queue and came before any revisit.
    assert "still lost, no revisit booked" in said
    open_calls = db.execute(
        "SELECT count(*) FROM tasks WHERE prospect_id = ? AND status = 'open'", [lost]
    ).fetchone()
    assert open_calls == (0,)


async def gatekeepers_fri_3pm_read(app: FunnelApp) -> str:
    """What the outcome dialog says under the time of `l g fri 3pm` on zyxdoyle."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zyxdoyle", "enter")
        await settle(pilot)
        await pilot.press("l", "g", *"fri 3pm")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        return shown_text(dialog.check_line(Ask.WHEN))


async def test_a_gatekeepers_time_on_a_lost_prospect_is_said_not_booked_before_the_save(
    demo_app: FunnelApp,
) -> None:
    """`l g tue 3pm` on a lost prospect: the read-back showed the time as any other, and
    only the toast after the save said it was not booked."""
    found_as_zyxdoyle(demo_app.storage.db, "AND nurture = 0")
    said = await gatekeepers_fri_3pm_read(demo_app)
    assert "⚠ not booked: they are lost, in the queue again only for a revisit" in said


async def test_a_gatekeepers_time_once_a_lost_prospects_revisit_has_come_is_not_said_unbooked(
    demo_app: FunnelApp,
) -> None:
    """Their revisit due this morning, the try works them again and books the time: the
    field said `not booked` over a call that was booked."""
    db = demo_app.storage.db
    lost = found_as_zyxdoyle(db)
    db.execute("UPDATE tasks SET status = 'cancelled' WHERE prospect_id = ?", [lost])
    db.execute(
        "INSERT INTO tasks (prospect_id, kind, due_at) VALUES (?, 'revisit', ?)",
        [lost, "2026-11-18T09:30:00+00:00"],
    )
    db.conn.commit()
    said = await gatekeepers_fri_3pm_read(demo_app)
    assert "Fri 20 Nov 2026, 15:00" in said
    assert "not booked" not in said


async def test_a_callback_at_the_time_already_booked_is_not_booked_twice(
    demo_app: FunnelApp,
) -> None:
    """`l c fri 11am enter` on a prospect whose callback is Friday 11:00: the call is
    logged, the callback stays the one it was, and the toast says it was booked already."""
    db = demo_app.storage.db
    callbacks = (
        "SELECT id, due_at FROM tasks WHERE prospect_id = ? AND kind = 'callback'"
        " AND status = 'open'"
    )
    zainab = 49  # the demo's Zainab Hussain, called back on Friday at 11:00
    booked = db.execute(callbacks, [zainab]).fetchall()
    assert [due for _, due in booked] == ["2026-11-20T11:00:00+00:00"]
    before = len(calls_for(db, zainab))
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zainab hussain", "enter")
        await settle(pilot)
        await pilot.press("l", "c", *"fri 11am", "enter")
        await settle_until(pilot, lambda: len(calls_for(db, zainab)) > before)
        await settle(pilot)
        said = [str(notification.message) for notification in demo_app._notifications]
    assert calls_for(db, zainab)[-1]["outcome"] == "callback"
    assert db.execute(callbacks, [zainab]).fetchall() == booked
    assert said[-1] == "Logged callback for Zainab Hussain: callback Fri 11:00 (already booked)"


async def test_a_callback_moved_earlier_names_the_one_still_booked_after_it(
    demo_app: FunnelApp,
) -> None:
    """On the phone they asked for Thursday instead of Friday: `l c thu 10am` booked
    Thursday and said only that, the Friday callback left open without a word."""
    db = demo_app.storage.db
    zainab = 49  # the demo's Zainab Hussain, called back on Friday at 11:00
    before = len(calls_for(db, zainab))
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zainab hussain", "enter")
        await settle(pilot)
        await pilot.press("l", "c", *"thu 10am", "enter")
        await settle_until(pilot, lambda: len(calls_for(db, zainab)) > before)
        await settle(pilot)
        said = [str(notification.message) for notification in demo_app._notifications]
    assert said[-1] == (
        "Logged callback for Zainab Hussain: callback tomorrow 10:00;"
        " also open: callback Fri 11:00 (h moves or cancels)"
    )


def test_a_customers_no_with_a_revisit_says_the_revisit_after_the_callback_it_keeps(
    tmp_path: Path,
) -> None:
    """Charlotte, a customer with a callback today, declines an upsell with a revisit in
    12 weeks: the line said only `callback today 17:00`, the revisit booked unsaid."""
    from datetime import date

    db = open_storage(tmp_path / "book.db").db
    charlotte = (
        db["prospects"]
        .insert({"name": "Charlotte Reid", "phone": "+442079460005", "kind": "customer"})
        .last_pk
    )
    today = datetime(2026, 11, 30, 17, 0, tzinfo=LONDON)
    db["tasks"].insert({"prospect_id": charlotte, "kind": "callback", "due_at": today.isoformat()})
    entry = CallOutcome(Outcome.NOT_INTERESTED, revisit_on=date(2027, 3, 1))
    call = log_call(db, charlotte, entry, now=NOW, settings=load_settings(db))
    line = logged_line(call, "Charlotte Reid", None, NOW)
    assert line.startswith("Logged not interested for Charlotte Reid: callback today 17:00")
    assert line.endswith("; revisit Mon 1 Mar 2027 booked"), line
    # A lead's revisit is the next task, said once.
    lead = db["prospects"].insert({"name": "Ann Archer", "phone": "+442079460006"}).last_pk
    call = log_call(db, lead, entry, now=NOW, settings=load_settings(db))
    assert logged_line(call, "Ann Archer", None, NOW).count("revisit") == 1
