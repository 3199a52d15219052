"""Across a clock change: a call's time, `in 30 minutes`, `+2h` and `N min late` count the
time that passes, not the difference of two clock faces (the app's clock gives moments in
the rep's zone, and Python subtracts two of one zone by their faces)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from funnel_tui.call_log import LoggedCall
from funnel_tui.claims import holder, try_claim
from funnel_tui.dates import WhenError, describe_when, read_when
from funnel_tui.domain import Ask, Outcome
from funnel_tui.prospects import add_prospect, get_prospect
from funnel_tui.queue import QueueMode, read_order
from funnel_tui.scripts import ProspectHistory
from funnel_tui.scripts.fill import fill_script
from funnel_tui.scripts.loader import load_builtin
from funnel_tui.scripts.objections import load_objections
from funnel_tui.scripts.past_calls import read_past_calls
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import Storage, open_storage, write_transaction
from funnel_tui.timestamps import to_stored
from funnel_tui.typed_call import TypedCall, read_typed_call
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.formatting import due_label, next_task_label, task_when_label
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.what_next import logged_line
from tests.app_support import FrozenClock, settle, settle_until, shown_text, wait_for
from tests.rows import insert_row
from tests.test_scripts import DANA
from tests.test_team import lead, team

NEW_YORK = ZoneInfo("America/New_York")
# The clocks go forward at 02:00 EST on 14 March 2027, to 03:00 EDT.
BEFORE_SPRING = datetime(2027, 3, 14, 1, 59, tzinfo=NEW_YORK)
AFTER_SPRING = datetime(2027, 3, 14, 3, 0, 45, tzinfo=NEW_YORK)
# They go back at 02:00 EDT on 7 November 2027, to 01:00 EST: 01:00-02:00 comes twice.
BEFORE_AUTUMN = datetime(2027, 11, 7, 1, 58, tzinfo=NEW_YORK)
AFTER_AUTUMN = datetime(2027, 11, 7, 1, 0, 6, fold=1, tzinfo=NEW_YORK)


@pytest.fixture
def one_lead(tmp_path: Path) -> Storage:
    """A book with one new lead, first in the queue at any hour (no zone of their own)."""
    storage = open_storage(tmp_path / "book.db")
    add_prospect(
        storage.db,
        {"name": "Jakub Nowak", "phone": "+12125550123"},
        now=datetime(2027, 1, 4, 9, 0, tzinfo=NEW_YORK),
    )
    return storage


@pytest.mark.parametrize(
    ("started", "moved_to", "timer"),
    [(BEFORE_SPRING, AFTER_SPRING, "1:45"), (BEFORE_AUTUMN, AFTER_AUTUMN, "2:06")],
    ids=["clocks-forward", "clocks-back"],
)
async def test_a_call_across_a_clock_change_lasts_the_time_that_passed(
    one_lead: Storage, tmp_path: Path, started: datetime, moved_to: datetime, timer: str
) -> None:
    """Running past 02:00 on the night the clocks went forward, a call of 1:45 showed
    61:45 and was saved as 3,705 s; on the night they went back, -59:54 and 0 s."""
    clock = FrozenClock(started)
    app = FunnelApp(one_lead, clock=clock, scripts_dir=tmp_path / "no-user-scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.gauge.call_timer == "0:00"
        clock.now = moved_to
        await wait_for(pilot, lambda: screen.gauge.call_timer != "0:00", budget_s=10)
        assert screen.gauge.call_timer == timer
        await pilot.press("l", "n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert f"call time {timer}" in shown_text(dialog.query_one("#outcome-hint"))
        await pilot.press("enter")
        await settle(pilot)
    (call,) = one_lead.db.query("SELECT duration_s FROM calls")
    minutes, seconds = map(int, timer.split(":"))
    assert call["duration_s"] == minutes * 60 + seconds


# 01:45 on the first pass of the hour the clocks repeat (EDT), and 01:15 on its second (EST).
FIRST_PASS = datetime(2027, 11, 7, 1, 45, tzinfo=NEW_YORK)
SECOND_PASS = datetime(2027, 11, 7, 1, 15, fold=1, tzinfo=NEW_YORK)


def preview(typed: str, now: datetime) -> tuple[datetime, str]:
    """The moment read from `typed` at `now`, in UTC, and the preview under the field."""
    when = read_when(typed, now)
    return when.moment.astimezone(UTC), describe_when(when.moment, now, skipped=when.skipped)


@pytest.mark.parametrize(
    ("typed", "now", "moment", "shown"),
    [
        (
            "in 30 minutes",
            FIRST_PASS,
            datetime(2027, 11, 7, 6, 15, tzinfo=UTC),
            "Sun 7 Nov 2027, 01:15 (today, in 30 minutes)",
        ),
        (
            "+1h",
            FIRST_PASS,
            datetime(2027, 11, 7, 6, 45, tzinfo=UTC),
            "Sun 7 Nov 2027, 01:45 (today, in 1 hour)",
        ),
        (
            "+2h",
            datetime(2027, 3, 14, 1, 30, tzinfo=NEW_YORK),
            datetime(2027, 3, 14, 8, 30, tzinfo=UTC),
            "Sun 14 Mar 2027, 04:30 (today, in 2 hours)",
        ),
        (
            "in 2 hours",
            datetime(2027, 11, 7, 0, 30, tzinfo=NEW_YORK),
            datetime(2027, 11, 7, 6, 30, tzinfo=UTC),
            "Sun 7 Nov 2027, 01:30 (today, in 2 hours)",
        ),
        # A clock time in the repeated hour whose first pass has gone is its second.
        (
            "1:30am",
            SECOND_PASS,
            datetime(2027, 11, 7, 6, 30, tzinfo=UTC),
            "Sun 7 Nov 2027, 01:30 (today, in 15 minutes)",
        ),
        (
            "1:30am",
            FIRST_PASS,
            datetime(2027, 11, 7, 6, 30, tzinfo=UTC),
            "Sun 7 Nov 2027, 01:30 (today, in 45 minutes)",
        ),
        (
            "1:50am",
            FIRST_PASS,
            datetime(2027, 11, 7, 5, 50, tzinfo=UTC),
            "Sun 7 Nov 2027, 01:50 (today, in 5 minutes)",
        ),
    ],
)
def test_minutes_and_hours_on_are_the_time_that_passes_across_a_clock_change(
    typed: str, now: datetime, moment: datetime, shown: str
) -> None:
    """At 01:45 on the first pass of the repeated hour, `in 30 minutes` was refused as
    `Sun 7 Nov 2027, 01:15 is in the past`; at 01:30 on the night the clocks go forward,
    `+2h` was previewed `in 3 hours`."""
    assert preview(typed, now) == (moment, shown)


async def test_a_callback_in_30_minutes_on_the_repeated_hours_first_pass_is_booked(
    one_lead: Storage, tmp_path: Path
) -> None:
    """`l c` then `in 30 minutes` at 01:45 EDT: `Sun 7 Nov 2027, 01:15 is in the past`."""
    clock = FrozenClock(FIRST_PASS)
    app = FunnelApp(one_lead, clock=clock, scripts_dir=tmp_path / "no-user-scripts")
    db = one_lead.db
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"in 30 minutes")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        said = shown_text(dialog.check_line(Ask.WHEN))
        assert said.startswith("→ Sun 7 Nov 2027, 01:15 (today, in 30 minutes)")
        await pilot.press("enter")
        await settle_until(pilot, lambda: db["calls"].count > 0)
    (call,) = db.query("SELECT follow_up_at FROM calls")
    assert call["follow_up_at"] == "2027-11-07T06:15:00+00:00"


def test_a_time_of_the_repeated_hour_whose_both_passes_have_gone_has_passed() -> None:
    with pytest.raises(WhenError, match="that time today has passed"):
        read_when("1:10am", SECOND_PASS)


def test_days_and_weeks_on_keep_the_time_on_the_clock_across_a_clock_change() -> None:
    """`in 2 days` at 10:00 before the clocks go forward is 10:00 on the clock, 47 hours
    on, as `tomorrow 10am` is."""
    now = datetime(2027, 3, 13, 10, 0, tzinfo=NEW_YORK)
    assert preview("in 2 days", now) == (
        datetime(2027, 3, 15, 14, 0, tzinfo=UTC),
        "Mon 15 Mar 2027, 10:00 (in 2 days)",
    )


@pytest.mark.parametrize(
    ("due", "now", "label"),
    [
        # Due at 01:30 EST; at 03:10 EDT, 40 minutes later (it read `1 h late`).
        (
            datetime(2027, 3, 14, 1, 30, tzinfo=NEW_YORK),
            datetime(2027, 3, 14, 3, 10, tzinfo=NEW_YORK),
            "40 min late",
        ),
        # Due at 01:50 EDT; at 01:20 EST, 30 minutes later (it read `today 01:50`, to come).
        (
            datetime(2027, 11, 7, 1, 50, tzinfo=NEW_YORK),
            datetime(2027, 11, 7, 1, 20, fold=1, tzinfo=NEW_YORK),
            "30 min late",
        ),
        # Due at 00:30 EDT; at 01:40 EST, 2 hours 10 minutes later (it read `1 h late`).
        (
            datetime(2027, 11, 7, 0, 30, tzinfo=NEW_YORK),
            datetime(2027, 11, 7, 1, 40, fold=1, tzinfo=NEW_YORK),
            "2 h late",
        ),
    ],
)
def test_how_late_a_task_is_counts_the_time_that_passed_across_a_clock_change(
    due: datetime, now: datetime, label: str
) -> None:
    assert task_when_label(due.astimezone(UTC), now) == label


def test_the_queue_says_a_task_is_due_once_its_time_has_come_on_the_hours_second_pass() -> None:
    """At 01:20 EST, a callback of 01:50 EDT (30 minutes before) read as one to come."""
    stored = to_stored(datetime(2027, 11, 7, 1, 50, tzinfo=NEW_YORK))
    now = datetime(2027, 11, 7, 1, 20, fold=1, tzinfo=NEW_YORK)
    assert due_label(stored, now) == "due 01:50"
    assert next_task_label("revisit", stored, now, 20) == "revisit"


def test_a_lease_taken_as_the_clocks_go_back_lasts_fifteen_minutes(
    db: sqlite_utils.Database,
) -> None:
    """Taken at 01:45 EDT, a lease ran to 02:00 EST on the clock face: 75 minutes, in which
    no other rep's queue showed the prospect."""
    team(db, "alex", "blake")
    pooled = lead(db, "Pooled")
    with write_transaction(db):
        assert try_claim(db, pooled, "alex", FIRST_PASS)
    sixteen_minutes_on = datetime(2027, 11, 7, 1, 1, fold=1, tzinfo=NEW_YORK)
    assert holder(db, pooled, sixteen_minutes_on) is None
    with write_transaction(db):
        assert try_claim(db, pooled, "blake", sixteen_minutes_on)


def test_funnel_log_dates_a_call_the_seconds_it_lasted_before_now_across_a_clock_change(
    one_lead: Storage,
) -> None:
    """Logged at 01:02 EST with --duration 300, a call was dated from 00:57 EDT: 65
    minutes before it ended."""
    (prospect_id,) = (row["id"] for row in one_lead.db.query("SELECT id FROM prospects"))
    now = datetime(2027, 11, 7, 1, 2, fold=1, tzinfo=NEW_YORK)
    entry = read_typed_call(
        TypedCall(Outcome.NO_ANSWER, duration_s=300),
        get_prospect(one_lead.db, prospect_id),
        now=now,
        settings=Settings(),
    )
    assert entry.started_at == datetime(2027, 11, 7, 5, 57, tzinfo=UTC)


def test_a_call_dated_half_an_hour_ahead_is_not_the_last_call_made_as_the_clocks_go_back(
    one_lead: Storage,
) -> None:
    """At 01:58 EDT, the five minutes a clock may run ahead reached 02:03 EST, an hour and
    five minutes on: a call dated 01:30 EST, half an hour ahead, was taken as made."""
    db = one_lead.db
    (prospect_id,) = (row["id"] for row in db.query("SELECT id FROM prospects"))
    ahead = insert_row(
        db,
        "calls",
        {
            "prospect_id": prospect_id,
            "started_at": "2027-11-07T06:30:00+00:00",
            "outcome": "voicemail",
        },
    )
    past = read_past_calls(db, prospect_id, BEFORE_AUTUMN)
    assert past.last() is None
    assert [call.id for call in past.set_aside] == [ahead]


def test_the_opener_does_not_speak_of_a_voicemail_dated_half_an_hour_ahead() -> None:
    """As `read_past_calls`: at 01:58 EDT a voicemail dated 01:30 EST, half an hour ahead,
    was one `You left them earlier today`."""
    ahead = {**DANA, "last_outcome": "voicemail", "last_called_at": "2027-11-07T06:30:00+00:00"}
    filled = fill_script(
        load_builtin("solution"),
        ahead,
        settings=Settings(),
        history=ProspectHistory(),
        now=BEFORE_AUTUMN,
        profile=None,
        objections=load_objections(None),
    )
    assert "voicemail" not in filled.steps[0].cue


def test_an_empty_queue_names_the_first_zone_to_open_as_the_clocks_go_back(
    db: sqlite_utils.Database,
) -> None:
    """Tehran opens at 09:00, 01:30 EDT; Moscow at 09:00, 01:00 EST, half an hour later:
    by the clock face, Moscow's came first."""
    for name, zone in (("Reza Karimi", "Asia/Tehran"), ("Olga Ivanova", "Europe/Moscow")):
        add_prospect(db, {"name": name, "timezone": zone}, now=datetime(2027, 1, 4, tzinfo=UTC))
    every_day = Settings(business_days=(0, 1, 2, 3, 4, 5, 6))
    now = datetime(2027, 11, 7, 0, 30, tzinfo=NEW_YORK)
    order = read_order(db, now=now, mode=QueueMode.TODAY, text="", settings=every_day)
    assert len(order.ids) == 0
    assert order.opens_at is not None
    assert order.opens_at.astimezone(UTC) == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)


def test_a_callback_booked_at_a_meetings_moment_in_the_repeated_hour_is_said_with_it() -> None:
    """`+1h` at 01:45 EDT, where a meeting was at 01:45 EST already: the toast said only
    `meeting today 01:45`, as if no callback had been booked."""
    meeting = datetime(2027, 11, 7, 6, 45, tzinfo=UTC)
    booked = read_when("+1h", FIRST_PASS).moment
    call = LoggedCall(1, 1, Outcome.CALLBACK, meeting, next_task_kind="meeting")
    assert logged_line(call, "Oliver Bennett", None, FIRST_PASS, booked=booked) == (
        "Logged callback for Oliver Bennett: callback today 01:45; at the same time,"
        " meeting today 01:45"
    )


def test_a_task_in_its_first_minute_is_due_now_not_0_min_late() -> None:
    due = datetime(2026, 12, 7, 11, 36, tzinfo=UTC)
    assert task_when_label(due, due + timedelta(seconds=20)) == "due now"
    assert task_when_label(due, due + timedelta(seconds=60)) == "1 min late"
