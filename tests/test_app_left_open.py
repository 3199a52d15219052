"""An app left open as the clock moves on: overnight, over a weekend, or asleep in a laptop
woken the next day. A call left running is let go once it has run too long, a dialog that
names a period checks it still contains today, and the screens follow the new day at once."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Input, Label, Static

from funnel_tui.book_name import book_id
from funnel_tui.call_state import KeptCall, keep_call, kept_call_path, read_kept_call
from funnel_tui.manager_figures import TodayActivity
from funnel_tui.pace import set_target
from funnel_tui.store.sqlite import Storage
from funnel_tui.ui import main_screen as main_screen_module
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.ui.performance_screen import PerformanceScreen
from funnel_tui.ui.quota_gauge import QuotaGauge
from funnel_tui.ui.target_dialog import TargetDialog
from funnel_tui.ui.timeline_screen import TimelineScreen
from tests.app_support import FROZEN_NOW, FrozenClock, settle, settle_until, shown_text
from tests.test_app import calls_for, first_in_queue
from tests.test_app_undo import notices
from tests.test_timeline import NAME, add_task, open_timeline_of, timeline_text

LONDON = ZoneInfo("Europe/London")
LET_GO = (
    "Your call with {name}, started Wed 14:30, ran over 12 hours: it was let go, not logged"
    " (l logs a call without its time)."
)


class Steady:
    """The monotonic clock the main screen's poll reads, moved only by the test: it stands
    still while the wall clock jumps, as in a laptop asleep."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def steady(monkeypatch: pytest.MonkeyPatch) -> Steady:
    """The poll looks at the wall clock only when the test has moved this one on."""
    clock = Steady()
    monkeypatch.setattr(main_screen_module, "monotonic", clock)
    return clock


def app_on(storage: Storage, clock: FrozenClock, tmp_path: Path) -> FunnelApp:
    return FunnelApp(storage, clock=clock, scripts_dir=tmp_path / "no-user-scripts")


def main_screen(app: FunnelApp) -> MainScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


async def test_a_call_left_running_past_twelve_hours_is_let_go_and_l_logs_it_without_its_time(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    """Left running from Friday to Monday in an app that stayed open, a call was logged
    with its whole length (62.8 h) as talk time, and nothing said so."""
    db = demo_storage.db
    first = first_in_queue(db)
    app = app_on(demo_storage, clock, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.running_call is not None
        kept = kept_call_path(book_id(db), None)
        assert kept.exists()
        clock.advance(hours=13)
        screen._follow_the_clock()  # the minute's look at the clock
        await settle(pilot)
        assert screen.running_call is None
        assert not kept.exists()
        assert notices(app)[-1] == LET_GO.format(name=first["name"])
        await pilot.press("l", "n", "enter")
        await settle_until(pilot, lambda: bool(calls_for(db, first["id"])))
    call = calls_for(db, first["id"])[-1]
    assert call["duration_s"] == 0
    assert datetime.fromisoformat(call["started_at"]) == FROZEN_NOW + timedelta(hours=13)


async def test_a_call_let_go_leaves_the_call_another_window_started_since_kept(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    """Once this window's call ran past twelve hours, another window may start one (it
    reads this one's as too old); letting this one go removed that window's kept call,
    and this window could then start a second call on the same prospect."""
    db = demo_storage.db
    app = app_on(demo_storage, clock, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(app)
        kept = kept_call_path(book_id(db), None)
        clock.advance(hours=13)
        # The other window, a process still running, keeps its own call.
        other = KeptCall(first_in_queue(db)["id"], "Other Window", clock(), pid=os.getppid())
        keep_call(kept, other)
        screen._follow_the_clock()
        await settle(pilot)
        assert screen.running_call is None
        assert read_kept_call(kept, clock()) == other
        assert screen.call_in_another_window() == other


async def test_l_on_a_call_run_past_twelve_hours_lets_it_go_before_the_clock_s_next_look(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    db = demo_storage.db
    first = first_in_queue(db)
    app = app_on(demo_storage, clock, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        clock.advance(hours=12, minutes=1)
        await pilot.press("l")
        await settle(pilot)
        assert main_screen(app).running_call is None
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog) and dialog.context.started_at is None
        # The dialog takes down the toast as it opens: it says so itself.
        title = shown_text(dialog.query_one("#outcome-title", Label))
        assert (
            f"Your call with {first['name']}, started Wed 14:30, ran over 12 hours: it was let"
            " go, not logged; this logs a call without its time"
        ) in " ".join(title.split())
        await pilot.press("n", "enter")
        await settle_until(pilot, lambda: bool(calls_for(db, first["id"])))
    assert calls_for(db, first["id"])[-1]["duration_s"] == 0
    assert not kept_call_path(book_id(db), None).exists()


async def test_an_outcome_dialog_open_as_the_call_passes_twelve_hours_logs_it_without_its_time(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    db = demo_storage.db
    first = first_in_queue(db)
    app = app_on(demo_storage, clock, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        clock.advance(hours=11, minutes=59)
        await pilot.press("l", "n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        clock.advance(minutes=2)
        # Its line said `call time 720:10` up to the toast.
        dialog._show_call_time()
        assert "call time over 12 hours · " in shown_text(dialog.query_one("#outcome-hint", Label))
        screen = main_screen(app)
        # The clock's look keeps the call the dialog is logging.
        screen._follow_the_clock()
        assert screen.running_call is not None
        await pilot.press("enter")
        await settle_until(pilot, lambda: bool(calls_for(db, first["id"])))
        assert screen.running_call is None
        assert notices(app)[-1].endswith(" · logged without its time: the call ran over 12 hours")
    assert calls_for(db, first["id"])[-1]["duration_s"] == 0
    assert not kept_call_path(book_id(db), None).exists()


async def target_dialog_opened(pilot: Any, app: FunnelApp) -> TargetDialog:
    """`t` on the settled app: the target dialog."""
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, TargetDialog)
    return dialog


async def test_a_target_dialog_left_open_into_a_new_month_saves_nothing_until_enter_again(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """Opened at 23:58 on 31 December on December's target, `ctrl+u 180k` and enter after
    midnight wrote a target for January with December's calls per day, and left
    December's as it was."""
    db = demo_storage.db
    december = set_target(
        db, amount_cents=15_000_000, period="month", today=date(2026, 12, 31), calls_per_day=40
    )
    db.conn.commit()
    clock = FrozenClock(datetime(2026, 12, 31, 23, 58, 45, tzinfo=LONDON))
    app = app_on(demo_storage, clock, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        dialog = await target_dialog_opened(pilot, app)
        title = dialog.query_one("#target-title", Label)
        assert str(title.content) == "Sales target for December 2026"
        assert dialog.query_one("#target-amount", Input).value == "150,000.00"
        await pilot.press("ctrl+u", *"180k")
        clock.now = datetime(2027, 1, 1, 0, 0, 30, tzinfo=LONDON)
        before = list(db.query("SELECT * FROM targets ORDER BY id"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert shown_text(dialog.query_one("#target-error", Static)).strip() == (
            "Not saved: the day turned while this was open, and the month containing today is"
            " January 2027 now, not December 2026; enter sets the target for January 2027"
        )
        assert str(title.content) == "Sales target for January 2027"
        assert list(db.query("SELECT * FROM targets ORDER BY id")) == before
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    january = next(db.query("SELECT * FROM targets WHERE starts_on = '2027-01-01'"))
    assert (january["period"], january["ends_on"]) == ("month", "2027-01-31")
    assert (january["amount_cents"], january["calls_per_day"]) == (18_000_000, 40)
    assert next(db.query("SELECT * FROM targets WHERE id = ?", [december["id"]])) == december


async def test_a_target_dialog_turned_into_a_month_with_its_own_target_shows_that_one(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """Left open past midnight into a month already set at $90,000, the dialog kept the
    old month's $60,000 in its field, and the next enter replaced April's target with it."""
    db = demo_storage.db
    set_target(db, amount_cents=6_000_000, period="month", today=date(2027, 3, 31))
    april = set_target(
        db, amount_cents=9_000_000, period="month", today=date(2027, 4, 5), calls_per_day=30
    )
    db.conn.commit()
    clock = FrozenClock(datetime(2027, 3, 31, 23, 59, 35, tzinfo=LONDON))
    app = app_on(demo_storage, clock, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        dialog = await target_dialog_opened(pilot, app)
        assert dialog.query_one("#target-amount", Input).value == "60,000.00"
        await pilot.press("tab", "tab", *"45")
        clock.now = datetime(2027, 4, 1, 0, 0, 30, tzinfo=LONDON)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert shown_text(dialog.query_one("#target-error", Static)).strip() == (
            "Not saved: the day turned while this was open, and the month containing today is"
            " April 2027 now, not March 2027, whose stored target of $90,000.00 is shown;"
            " enter sets the target for April 2027"
        )
        assert dialog.query_one("#target-amount", Input).value == "90,000.00"
        assert dialog.query_one("#target-calls", Input).value == "30"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert next(db.query("SELECT * FROM targets WHERE id = ?", [april["id"]])) == april


async def test_the_target_dialog_names_the_period_of_the_kind_picked(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "tab", "enter", "down", "enter")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, TargetDialog)
        assert str(dialog.query_one("#target-title", Label).content) == "Sales target for Q4 2026"


async def test_the_day_turning_shows_the_new_day_at_the_next_poll(
    demo_storage: Storage, clock: FrozenClock, steady: Steady, tmp_path: Path
) -> None:
    """Past midnight, the gauge said `calls today 8/40` of the day before until the
    minute's timer came round (a minute later, or more after a laptop's sleep)."""
    app = app_on(demo_storage, clock, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        gauge = app.screen.query_one(QuotaGauge)
        assert gauge.today is not None and gauge.today.dials >= 1
        clock.now = clock.now.replace(hour=0, minute=1) + timedelta(days=1)
        steady.now += 1
        main_screen(app)._refresh_on_outside_change()
        await settle(pilot)
        assert gauge.today == TodayActivity(0, 0, 0)


async def test_a_wall_clock_that_jumps_is_followed_at_the_next_poll(
    demo_app: FunnelApp, clock: FrozenClock, steady: Steady, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Woken from sleep, the app's timers had stood still with the monotonic clock: the
    screen showed the hours before it slept until the minute's timer came round."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(demo_app)
        followed: list[datetime] = []
        monkeypatch.setattr(screen, "_follow_the_clock", lambda: followed.append(clock.now))
        # Half a minute in a second: a clock set a little, not followed.
        clock.advance(seconds=30)
        steady.now += 1
        screen._refresh_on_outside_change()
        assert followed == []
        # Three hours asleep: the poll within the second does not look at the clock, the
        # next one does.
        clock.advance(hours=3)
        steady.now += 0.5
        screen._refresh_on_outside_change()
        assert followed == []
        steady.now += 0.5
        screen._refresh_on_outside_change()
        assert followed == [clock.now]


async def test_the_queue_follows_the_clock_as_the_minute_turns(
    demo_app: FunnelApp, clock: FrozenClock, steady: Steady, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Followed every 60 seconds from the app's start, a prospect whose calling hours had
    closed at 18:00 stayed at the head of the queue until 18:00:42."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(demo_app)
        followed: list[datetime] = []
        monkeypatch.setattr(screen, "_follow_the_clock", lambda: followed.append(clock.now))
        clock.advance(seconds=59)
        steady.now += 1
        screen._refresh_on_outside_change()
        assert followed == []
        # 14:31:00: the next look, within the second, follows the new minute.
        clock.advance(seconds=1)
        steady.now += 1
        screen._refresh_on_outside_change()
        assert followed == [clock.now]
        steady.now += 1
        screen._refresh_on_outside_change()
        assert followed == [clock.now], "once a minute"


async def test_the_pace_screen_left_open_past_midnight_reads_the_new_day(
    demo_app: FunnelApp, clock: FrozenClock, steady: Steady
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle_until(pilot, lambda: isinstance(demo_app.screen, PerformanceScreen))
        await settle(pilot)
        table = demo_app.screen.query_one("#performance-table", Static)
        assert "2026-11-18" in shown_text(table)
        clock.now = clock.now.replace(hour=0, minute=1) + timedelta(days=1)
        steady.now += 1
        main_screen(demo_app)._refresh_on_outside_change()
        await settle(pilot)
        assert "2026-11-19" in shown_text(table)
        assert "2026-11-18" not in shown_text(table)


async def test_the_timeline_left_open_past_midnight_says_yesterday_s_task_is_late(
    demo_app: FunnelApp, demo_storage: Storage, clock: FrozenClock, steady: Steady
) -> None:
    db = demo_storage.db
    tess = db.table("prospects").insert({"name": NAME, "phone": "+44 20 7946 0001"}).last_pk
    db.conn.commit()
    add_task(demo_storage, tess, "callback", "2026-11-18T16:00:00+00:00")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_timeline_of(pilot, NAME)
        assert isinstance(demo_app.screen, TimelineScreen)
        assert "today 16:00" in timeline_text(demo_app)
        clock.now = clock.now.replace(hour=0, minute=1) + timedelta(days=1)
        steady.now += 1
        main_screen(demo_app)._refresh_on_outside_change()
        await settle(pilot)
        assert "today 16:00" not in timeline_text(demo_app)
        assert "1 day late" in timeline_text(demo_app)
