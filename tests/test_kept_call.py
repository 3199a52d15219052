"""A call running when the app is killed or crashes comes back when the app opens the book
again (call_state, ui/kept_call)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from funnel_tui.book_name import book_id
from funnel_tui.call_state import (
    KEPT_AT_MOST,
    KeptCall,
    call_time,
    keep_call,
    keep_first,
    kept_call_path,
    read_kept_call,
    read_kept_call_and_let_go,
    when_started,
)
from funnel_tui.store.sqlite import Storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from tests.app_support import FROZEN_NOW, FrozenClock, settle, settle_until, shown_text
from tests.test_app import calls_for, first_in_queue, todays_queue
from tests.test_app_undo import notices


def test_a_kept_call_reads_back_and_one_too_old_or_unreadable_is_let_go(tmp_path: Path) -> None:
    path = kept_call_path("book-1", "alex")
    call = KeptCall(7, "Ann [bold]Archer", FROZEN_NOW)
    keep_call(path, call)
    assert read_kept_call(path, FROZEN_NOW + timedelta(minutes=3)) == call
    assert read_kept_call(path, FROZEN_NOW + KEPT_AT_MOST + timedelta(minutes=1)) is None
    assert not path.exists()
    keep_call(path, call)
    later = FROZEN_NOW + KEPT_AT_MOST + timedelta(minutes=1)
    assert read_kept_call_and_let_go(path, later) == (None, call)
    assert not path.exists()
    path.write_text("{not json", encoding="utf-8")
    assert read_kept_call(path, FROZEN_NOW) is None
    assert not path.exists()
    # Each book and rep has a file of its own, whatever their names hold.
    assert (
        len({kept_call_path("b", None), kept_call_path("b", "../x"), kept_call_path("c", None)})
        == 3
    )
    assert kept_call_path("b", "../x").parent == kept_call_path("b", None).parent


def test_a_calls_time_and_start_as_the_rep_reads_them() -> None:
    """A call's timer went negative when the wall clock was set back during it, and counted
    on past the 12 hours after which it is logged without its time (`call time 720:10`).
    Past an hour it reads in hours (`75:04` was an hour and a quarter)."""
    assert call_time(FROZEN_NOW, FROZEN_NOW + timedelta(minutes=59, seconds=59)) == "59:59"
    assert call_time(FROZEN_NOW, FROZEN_NOW + timedelta(minutes=75, seconds=4)) == "1:15:04"
    assert call_time(FROZEN_NOW, FROZEN_NOW - timedelta(minutes=59)) == "0:00"
    assert call_time(FROZEN_NOW, FROZEN_NOW + KEPT_AT_MOST) == "12:00:00"
    assert call_time(FROZEN_NOW, FROZEN_NOW + KEPT_AT_MOST + timedelta(seconds=1)) == (
        "over 12 hours"
    )
    assert when_started(FROZEN_NOW, FROZEN_NOW + timedelta(hours=9)) == "14:30"
    assert when_started(FROZEN_NOW, FROZEN_NOW + timedelta(hours=10)) == "Wed 14:30"


def app_on(storage: Storage, tmp_path: Path) -> FunnelApp:
    return FunnelApp(storage, clock=FrozenClock(), scripts_dir=tmp_path / "no-user-scripts")


async def test_a_call_running_when_the_app_died_runs_again_and_is_logged_with_its_time(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """Killed mid-call, the restarted app said nothing: the call was never logged."""
    db = demo_storage.db
    first = first_in_queue(db)
    before = len(calls_for(db, first["id"]))
    died = app_on(demo_storage, tmp_path)
    async with died.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = died.screen
        assert isinstance(screen, MainScreen) and screen.running_call is not None
        started = screen.running_call.started_at
    # The app went without the call being logged or ended (as a kill leaves it).
    path = kept_call_path(book_id(db), None)
    assert path.exists()

    again = app_on(demo_storage, tmp_path)
    async with again.run_test(size=(160, 48)) as pilot:
        screen = again.screen
        assert isinstance(screen, MainScreen)
        await settle_until(pilot, lambda: screen.running_call is not None)
        assert screen.running_call is not None
        assert (screen.running_call.prospect_id, screen.running_call.started_at) == (
            first["id"],
            started,
        )
        said = notices(again)[-1]
        assert said.startswith(f"Your call with {first['name']}, started ")
        assert "was still running when the app stopped: it runs again (l logs it)." in said
        await pilot.press("l", "n", "enter")
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
        assert screen.running_call is None
    assert not path.exists()


async def test_a_call_left_running_longer_than_a_call_may_run_is_said_at_the_restart(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """A laptop that died mid-call and was opened the next day: the call was let go
    without a word."""
    db = demo_storage.db
    first = first_in_queue(db)
    before = len(calls_for(db, first["id"]))
    # 22:30 the evening before FROZEN_NOW's 14:30.
    started = FROZEN_NOW - timedelta(hours=16)
    path = kept_call_path(book_id(db), None)
    keep_call(path, KeptCall(first["id"], f"{first['name']} [bold]", started, pid=0))
    app = app_on(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle_until(pilot, lambda: bool(notices(app)))
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.running_call is None
        assert notices(app)[-1] == (
            f"Your call with {first['name']} [bold], started Tue 22:30, ran over 12 hours:"
            " it was let go, not logged (l logs a call without its time)."
        )
    assert not path.exists()
    assert len(calls_for(db, first["id"])) == before


async def test_a_call_brought_back_from_another_day_says_its_day(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """`started 23:50` read as tonight's, the next morning."""
    db = demo_storage.db
    first = first_in_queue(db)
    morning = FROZEN_NOW.replace(hour=8, minute=0)
    started = morning - timedelta(hours=8, minutes=10)
    keep_call(kept_call_path(book_id(db), None), KeptCall(first["id"], first["name"], started))
    app = FunnelApp(
        demo_storage, clock=FrozenClock(morning), scripts_dir=tmp_path / "no-user-scripts"
    )
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await settle_until(pilot, lambda: screen.running_call is not None)
        assert notices(app)[-1].startswith(
            f"Your call with {first['name']}, started Tue 23:50, was still running"
        )


async def test_a_kept_call_logged_since_elsewhere_is_let_go(
    demo_storage: Storage, tmp_path: Path
) -> None:
    db = demo_storage.db
    first = first_in_queue(db)
    keep_call(
        kept_call_path(book_id(db), None),
        KeptCall(first["id"], str(first["name"]), FROZEN_NOW - timedelta(minutes=5)),
    )
    db.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome) VALUES (?, ?, 'voicemail')",
        [first["id"], (FROZEN_NOW - timedelta(minutes=4)).isoformat()],
    )
    db.conn.commit()
    app = app_on(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.running_call is None
    assert not kept_call_path(book_id(db), None).exists()


async def test_a_call_brought_back_is_on_the_cursor_kept_on_top_of_a_view_without_them(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """A call started from all prospects, on someone today's queue does not list, came back
    after a crash with the toast `l logs it`, but was in no row: `l` did nothing, or logged
    the prospect the cursor was on, until the rep switched views twice."""
    db = demo_storage.db
    queued = set(todays_queue(db))
    elsewhere = next(
        row
        for row in db.query("SELECT id, name FROM prospects ORDER BY id")
        if row["id"] not in queued
    )
    before = len(calls_for(db, elsewhere["id"]))
    keep_call(
        kept_call_path(book_id(db), None),
        KeptCall(elsewhere["id"], str(elsewhere["name"]), FROZEN_NOW - timedelta(minutes=3)),
    )
    app = app_on(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await settle_until(pilot, lambda: screen.queue.highlighted_id == elsewhere["id"])
        assert "on call" in shown_text(screen.queue_title)
        await pilot.press("l", "n", "enter")
        await settle_until(pilot, lambda: len(calls_for(db, elsewhere["id"])) > before)
        assert screen.running_call is None


def pid_of_a_process_that_ended() -> int:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(ended.stdout)


async def test_a_call_another_window_still_runs_is_not_brought_back_here(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """A second window opened on the book took the first window's call for one left by an
    app that died, and brought it back: logged in both, it was written twice."""
    db = demo_storage.db
    first = first_in_queue(db)
    path = kept_call_path(book_id(db), None)
    # The other window: a process still running (this test's parent).
    keep_call(path, KeptCall(first["id"], str(first["name"]), FROZEN_NOW, pid=os.getppid()))
    app = app_on(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.running_call is None
        assert (
            f"Your call with {first['name']} runs in another window of funnel on this book:"
            " log it there." in notices(app)
        )
    assert path.exists(), "the other window's call is still kept"
    # Once that window is gone (killed), the call is this app's to bring back.
    keep_call(
        path,
        KeptCall(first["id"], str(first["name"]), FROZEN_NOW, pid=pid_of_a_process_that_ended()),
    )
    again = app_on(demo_storage, tmp_path)
    async with again.run_test(size=(160, 48)) as pilot:
        screen = again.screen
        assert isinstance(screen, MainScreen)
        await settle_until(pilot, lambda: screen.running_call is not None)
        assert screen.running_call.prospect_id == first["id"]


def test_a_call_kept_by_an_older_funnel_names_no_process_and_is_this_apps(tmp_path: Path) -> None:
    path = tmp_path / "kept.json"
    path.write_text(
        json.dumps({"prospect_id": 3, "name": "Ann", "started_at": FROZEN_NOW.isoformat()}),
        encoding="utf-8",
    )
    kept = read_kept_call(path, FROZEN_NOW)
    assert kept is not None and kept.pid == 0 and not kept.runs_in_another_window()


async def test_no_call_starts_while_another_window_runs_one(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """A second window's call took the place of the first's in the one file a rep's call is
    kept in: the first window killed, its call was lost (and in a team's book its lease
    given back)."""
    db = demo_storage.db
    first, second = todays_queue(db)[:2]
    path = kept_call_path(book_id(db), None)
    keep_call(path, KeptCall(first, "Ann Other", FROZEN_NOW, pid=os.getppid()))
    app = app_on(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.running_call is None
        assert (
            "Not started: your call with Ann Other runs in another window of funnel on this"
            " book; log it there first." in notices(app)
        )
    assert read_kept_call(path, FROZEN_NOW) == KeptCall(
        first, "Ann Other", FROZEN_NOW, os.getppid()
    )
    # Once that window has logged it (its file gone), a call starts here as ever.
    path.unlink()
    again = app_on(demo_storage, tmp_path)
    async with again.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, MainScreen) and screen.running_call is not None
        assert screen.running_call.prospect_id == second


def test_a_call_is_kept_first_unless_another_window_keeps_one(tmp_path: Path) -> None:
    """Two windows pressing enter at once both started a call, and the file kept the
    second's alone: a kill then lost the first."""
    path = tmp_path / "running-calls" / "kept.json"
    ours = KeptCall(3, "Ann Lee", FROZEN_NOW)
    assert keep_first(path, ours, FROZEN_NOW) is None
    assert read_kept_call(path, FROZEN_NOW) == ours
    # Another window's, still running: it stays, and ours is not to start.
    theirs = KeptCall(5, "Bo Baker", FROZEN_NOW, pid=os.getppid())
    keep_call(path, theirs)
    assert keep_first(path, ours, FROZEN_NOW) == theirs
    assert read_kept_call(path, FROZEN_NOW) == theirs
    # One left by an app gone: ours takes its place.
    keep_call(path, KeptCall(5, "Bo Baker", FROZEN_NOW, pid=pid_of_a_process_that_ended()))
    assert keep_first(path, ours, FROZEN_NOW) is None
    assert read_kept_call(path, FROZEN_NOW) == ours
    assert [entry.name for entry in path.parent.iterdir()] == ["kept.json"]
