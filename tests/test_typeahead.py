"""Keys typed at full speed act on the row the cursor is on when each key arrives, and a
running call stays with its prospect: checked against the database."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from funnel_tui.queue import QueueMode, queue_ids
from funnel_tui.store import sqlite as storage_module
from funnel_tui.store.sqlite import Storage
from funnel_tui.ui import main_screen as main_screen_module
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.ui.quota_gauge import QuotaGauge
from tests.app_support import (
    FROZEN_NOW,
    FrozenClock,
    messages,
    settle,
    settle_until,
    shown_text,
)
from tests.test_app import (
    a_prospect_only_elsewhere,
    burst,
    calls_for,
    hold_database_thread_reads,
    todays_queue,
)

pytestmark = pytest.mark.usefixtures("toasts_kept")


def main_screen(app: FunnelApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def name_of(app: FunnelApp, prospect_id: int) -> str:
    return app.storage.db["prospects"].get(prospect_id)["name"]


def gauge_text(app: FunnelApp) -> str:
    return app.screen.query_one(QuotaGauge).render().plain


async def pause_until(pilot: Pilot[None], done: Callable[[], bool], rounds: int = 400) -> None:
    """Let the app run until `done()` holds, without waiting for workers to finish."""
    for _ in range(rounds):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError("still not done")


# 1. Keys that arrive together act on the row the cursor is on ------------------------------


async def test_a_move_then_log_logs_the_row_moved_to(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first, second = todays_queue(db)[:2]
    first_calls = calls_for(db, first)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "j", "l", "n", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 1)
    assert calls_for(db, first) == first_calls
    assert calls_for(db, second)[-1]["outcome"] == "no_answer"


async def test_a_move_then_enter_starts_the_call_with_the_row_moved_to(
    demo_app: FunnelApp,
) -> None:
    second = todays_queue(demo_app.storage.db)[1]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "j", "enter")
        await settle(pilot)
        screen = main_screen(demo_app)
        assert screen.running_call is not None
        assert screen.running_call.prospect_id == second
        assert messages(demo_app)[-1].startswith(f"Call started with {name_of(demo_app, second)}: ")


async def test_a_skip_typed_while_a_call_saves_skips_the_next_prospect(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first, second, third = todays_queue(db)[:3]
    before = {prospect: len(calls_for(db, prospect)) for prospect in (first, second, third)}

    def new_calls(prospect: int) -> list[str]:
        return [call["outcome"] for call in calls_for(db, prospect)[before[prospect] :]]

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "l", "n", "enter", "j", "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 2)
    assert new_calls(first) == ["no_answer"]
    assert new_calls(second) == []
    assert new_calls(third) == ["voicemail"]


async def test_a_move_back_typed_while_a_call_saves_skips_the_prospect_just_logged(
    demo_app: FunnelApp,
) -> None:
    """`k` typed right behind a save moves back from the next prospect to the one before
    the prospect just logged, as it does typed after a pause: the keys typed ahead wait
    for the queue's order without that prospect."""
    db = demo_app.storage.db
    first, second = todays_queue(db)[:2]
    before = {prospect: len(calls_for(db, prospect)) for prospect in (first, second)}

    def new_calls(prospect: int) -> list[str]:
        return [call["outcome"] for call in calls_for(db, prospect)[before[prospect] :]]

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "j", "l", "v", "enter", "k", "l", "n", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 2)
    assert new_calls(second) == ["voicemail"]
    assert new_calls(first) == ["no_answer"]


async def test_keys_typed_after_a_call_on_the_last_row_of_todays_queue_are_dropped(
    demo_app: FunnelApp,
) -> None:
    """The row above the last is most often one logged just before, which today's queue
    keeps when its callback is due later today: `end k l c 5pm enter l c 7pm enter l v
    enter` logged the voicemail on the first callback's prospect and closed the callback
    she was promised."""
    db = demo_app.storage.db
    *_, second_last, last = todays_queue(db)
    before = {prospect: len(calls_for(db, prospect)) for prospect in (second_last, last)}

    def new_calls(prospect: int) -> list[str]:
        return [call["outcome"] for call in calls_for(db, prospect)[before[prospect] :]]

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "end", "k", "l", "c", *"5pm", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 1)
        await settle(pilot)
        burst(demo_app, "end", "l", "c", *"7pm", "enter", "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 2)
        await settle(pilot)
        said = " ".join(messages(demo_app))
    assert db["calls"].count == calls_before + 2
    assert new_calls(second_last) == ["callback"]
    assert new_calls(last) == ["callback"]
    assert "no next prospect here: keys typed after enter were not applied" in said


async def test_two_quick_logs_on_the_last_row_of_all_prospects_log_one(
    demo_app: FunnelApp,
) -> None:
    """All prospects keeps the prospect just logged, and the row above them is most often
    the one logged just before: the keys typed after a call on the last row are dropped,
    and the toast says so."""
    db = demo_app.storage.db
    *_, second_last, last = queue_ids(db, now=FROZEN_NOW, mode=QueueMode.ALL)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "end", "l", "n", "enter", "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 1)
        await settle(pilot)
        assert main_screen(demo_app).queue.highlighted_id == second_last
        said = " ".join(messages(demo_app))
    assert db["calls"].count == calls_before + 1
    assert [call["outcome"] for call in calls_for(db, last)][-1] == "no_answer"
    assert "no next prospect here: keys typed after enter were not applied" in said


async def test_keys_typed_ahead_never_call_again_a_prospect_called_just_now(
    demo_app: FunnelApp,
) -> None:
    """A prospect with two late callbacks stays due once a no-answer closes the older one,
    just below the next prospect: `l n enter l v enter l n enter` logged the no-answer,
    the voicemail on the next, and a second no-answer on the first, called twice in
    seconds."""
    db = demo_app.storage.db
    first, second = todays_queue(db)[:2]
    stamp = FROZEN_NOW.astimezone(UTC)
    for prospect, days_late in ((first, 18), (first, 10), (second, 12)):
        due = (stamp - timedelta(days=days_late)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        db.execute(
            "INSERT INTO tasks (prospect_id, kind, due_at) VALUES (?, 'callback', ?)",
            [prospect, due],
        )
    db.conn.commit()
    assert todays_queue(db)[:2] == [first, second]
    before = {prospect: len(calls_for(db, prospect)) for prospect in (first, second)}
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "home", "l", "n", "enter", "l", "v", "enter", "l", "n", "enter")
        await settle_until(pilot, lambda: db["calls"].count >= calls_before + 2)
        await settle(pilot)
        await settle(pilot)
        assert main_screen(demo_app).queue.highlighted_id == first
        said = " ".join(messages(demo_app))
    assert db["calls"].count == calls_before + 2
    assert [call["outcome"] for call in calls_for(db, first)][before[first] :] == ["no_answer"]
    assert [call["outcome"] for call in calls_for(db, second)][before[second] :] == ["voicemail"]
    assert "the next prospect was called just now: keys typed after enter were not applied" in said


async def test_keys_typed_after_a_call_never_go_to_a_filters_match_from_another_view(
    demo_app: FunnelApp,
) -> None:
    """A filter lists the view's matches, then the others dimmed (lost, nurture, off
    hours ...). `/zyxco enter l n enter l v enter` with one match in today's queue logged
    the voicemail on the dimmed one, as another prospect of the same name and company
    can be: the keys typed after the call are dropped, and the toast says why."""
    db = demo_app.storage.db
    queued = todays_queue(db)
    in_view = queued[0]
    elsewhere = next(
        row["id"]
        for row in db.query("SELECT id FROM prospects ORDER BY id")
        if row["id"] not in queued
    )
    db.execute(
        "UPDATE prospects SET company = 'Zyxco Ltd' WHERE id IN (?, ?)", [in_view, elsewhere]
    )
    db.conn.commit()
    calls_elsewhere = len(calls_for(db, elsewhere))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(demo_app)
        calls_before = db["calls"].count
        burst(demo_app, "slash", *"zyxco", "enter", "l", "n", "enter", "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 1)
        await settle(pilot)
        assert list(screen.queue._ids)[-1] == elsewhere
        said = " ".join(messages(demo_app))
    assert db["calls"].count == calls_before + 1
    assert [call["outcome"] for call in calls_for(db, in_view)][-1] == "no_answer"
    assert len(calls_for(db, elsewhere)) == calls_elsewhere
    assert "the next match is not in this view: keys typed after enter were not applied" in said


async def test_keys_typed_after_a_call_never_go_to_the_prospect_kept_for_a_running_call(
    demo_app: FunnelApp,
) -> None:
    """On a call with the queue's first, a filter that finds another alone lists the one
    on the call above the match: the keys typed after logging the match went to the
    prospect on the call, who is no match, and took the call's time."""
    db = demo_app.storage.db
    on_call, match = todays_queue(db)[:2]
    db.execute("UPDATE prospects SET company = 'Zyxco Ltd' WHERE id = ?", [match])
    db.conn.commit()
    calls_on_call = len(calls_for(db, on_call))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "slash", *"zyxco", "enter", "l", "n", "enter", "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 1)
        await settle(pilot)
        said = " ".join(messages(demo_app))
        assert main_screen(demo_app).running_call.prospect_id == on_call
    assert db["calls"].count == calls_before + 1
    assert [call["outcome"] for call in calls_for(db, match)][-1] == "no_answer"
    assert len(calls_for(db, on_call)) == calls_on_call
    assert "no next prospect here: keys typed after enter were not applied" in said


async def test_keys_typed_after_a_call_never_log_the_running_call_below_it(
    demo_app: FunnelApp,
) -> None:
    """On a call with the queue's second, `k l n enter l v enter` logged the first, then
    the running call as a voicemail, with its time: the keys meant for whoever came
    next ended the live call."""
    db = demo_app.storage.db
    first, second = todays_queue(db)[:2]
    calls_second = len(calls_for(db, second))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert main_screen(demo_app).running_call.prospect_id == second
        calls_before = db["calls"].count
        burst(demo_app, "k", "l", "n", "enter", "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 1)
        await settle(pilot)
        said = " ".join(messages(demo_app))
        assert main_screen(demo_app).running_call.prospect_id == second
    assert db["calls"].count == calls_before + 1
    assert [call["outcome"] for call in calls_for(db, first)][-1] == "no_answer"
    assert len(calls_for(db, second)) == calls_second
    assert "the next prospect is on your running call: keys typed after enter" in said


async def test_quick_logs_in_the_list_of_all_prospects_log_one_prospect_each(
    demo_app: FunnelApp,
) -> None:
    # All prospects keeps the one just logged: the cursor stayed on them, and four quick
    # `l n enter` logged four no-answers to one person, pushing them to lost.
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen) and screen.mode is QueueMode.ALL
        order = list(queue_ids(db, now=FROZEN_NOW, mode=QueueMode.ALL))
        start = order.index(screen.queue.highlighted_id)
        next_four = order[start : start + 4]
        assert len(next_four) == 4
        calls_before = db["calls"].count
        burst(demo_app, *["l", "n", "enter"] * 4)
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 4)
    logged = [
        row["prospect_id"]
        for row in db.query("SELECT prospect_id FROM calls ORDER BY id DESC LIMIT 4")
    ]
    assert sorted(logged) == sorted(next_four)


async def test_a_move_made_before_the_queue_is_read_again_is_kept(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = demo_app.storage.db
    queue_before = todays_queue(db)
    reading = threading.Event()
    reading.set()
    read_order = main_screen_module.read_order

    def slow_read_order(*args: Any, **kwargs: Any) -> Any:
        reading.wait(timeout=30)
        return read_order(*args, **kwargs)

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(main_screen_module, "read_order", slow_read_order)
        reading.clear()
        await pilot.press("l", "n", "enter")
        await pause_until(pilot, lambda: isinstance(demo_app.screen, MainScreen))
        screen = main_screen(demo_app)
        assert screen.queue.highlighted_id == queue_before[1]
        # The queue is still being read again after the save when the rep moves on.
        await pilot.press("j")
        reading.set()
        await settle(pilot)
        assert screen.queue.highlighted_id == queue_before[2]
        assert screen.card is not None and screen.card.prospect["id"] == queue_before[2]


async def test_keys_after_a_call_act_once_the_first_screenful_is_read_not_the_whole_order(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a large book the whole of today's order takes a while to read again after a
    call (0.3 s at a million prospects). The keys typed after it, the gauge and the
    title's count do not wait for it: the next prospect is in the first screenful."""
    monkeypatch.setattr(main_screen_module, "FIRST_SCREEN_ROWS", 5)
    db = demo_app.storage.db
    queue_before = todays_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(demo_app)
        counted = f"{len(queue_before)} prospects"
        assert counted in screen.queue_title.shown
        gauge_before = gauge_text(demo_app)
        whole_read = hold_database_thread_reads(monkeypatch, lambda values: values["limit"] is None)
        try:
            await pilot.press("l", "n", "enter", "j")
            await pause_until(pilot, lambda: screen.queue.highlighted_id == queue_before[2])
            await pause_until(pilot, lambda: gauge_text(demo_app) != gauge_before)
            # The card follows in the frame after the list's (a busy machine's frame may
            # come after the gauge's read): before the whole order is read all the same.
            await pause_until(
                pilot,
                lambda: screen.card is not None and screen.card.prospect["id"] == queue_before[2],
            )
            # The count stays in the title, one off until the whole order is read.
            assert counted in screen.queue_title.shown
        finally:
            whole_read.set()
        await settle(pilot)
        assert f"{len(queue_before) - 1} prospects" in screen.queue_title.shown
        assert screen.queue.highlighted_id == queue_before[2]
    assert [call["outcome"] for call in calls_for(db, queue_before[0])][-1] == "no_answer"


@pytest.mark.parametrize("as_one_alt_key", [False, True], ids=["apart", "as-one-alt-key"])
async def test_keys_typed_after_escape_act_on_the_views_own_order_not_the_filters(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch, as_one_alt_key: bool
) -> None:
    """A filter whose only match is in another view, cleared with `escape l`: while the
    view's order was read again (0.4 s at 1,000,000 prospects) `l` logged the match still
    on screen, a prospect the rep had left; typed at once behind escape (one alt key) it
    went into the hidden field, a filter no escape could clear."""
    db = demo_app.storage.db
    today = todays_queue(db)
    elsewhere = a_prospect_only_elsewhere(db)
    calls_elsewhere = len(calls_for(db, elsewhere["id"]))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(demo_app)
        await pilot.press("j", "j")
        await settle(pilot)
        before = screen.queue.highlighted_id
        assert before == today[2]
        await pilot.press("slash", *elsewhere["name"])
        await settle(pilot)
        assert screen.queue.highlighted_id == elsewhere["id"]
        view_read = hold_database_thread_reads(monkeypatch, lambda values: not values["text"])
        try:
            if as_one_alt_key:
                # `escape l` within the escape delay: Textual reads alt+l.
                demo_app.post_message(events.Key("alt+l", "l"))
            else:
                await pilot.press("escape", "l")
            await pause_until(pilot, lambda: screen.filter_input.value != elsewhere["name"])
            await pilot.pause()
            assert isinstance(demo_app.screen, MainScreen), "no dialog on the filter's list"
            assert screen.filter_input.value == ""
        finally:
            view_read.set()
        await pause_until(pilot, lambda: isinstance(demo_app.screen, OutcomeDialog))
        await pilot.press("n", "enter")
        await settle(pilot)
        assert screen.filter_text == "" and not screen.filter_input.display
    assert calls_for(db, before)[-1]["outcome"] == "no_answer"
    assert len(calls_for(db, elsewhere["id"])) == calls_elsewhere


# 2. Keys typed after enter never change a call whose save failed ----------------------------


async def test_keys_typed_after_a_failed_save_leave_that_call_alone(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_module, "BUSY_TIMEOUT_S", 0.1)
    db = demo_app.storage.db
    first = todays_queue(db)[0]
    first_calls = len(calls_for(db, first))
    other = sqlite3.connect(demo_app.storage.path, isolation_level=None)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        other.execute("BEGIN IMMEDIATE")
        burst(demo_app, "l", "n", "tab", *"first", "enter", "l", "v", "enter")
        await settle_until(
            pilot,
            lambda: (
                isinstance(demo_app.screen, OutcomeDialog)
                and "Not saved" in shown_text(demo_app.screen.query_one("#outcome-error"))
            ),
        )
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert dialog.outcome is not None and dialog.outcome.value == "no_answer"
        assert dialog.query_one("#outcome-note", Input).value == "first"
        assert "not applied" in shown_text(dialog.query_one("#outcome-error"))
        other.execute("ROLLBACK")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    other.close()
    assert [(call["outcome"], call["notes"]) for call in calls_for(db, first)[first_calls:]] == [
        ("no_answer", "first")
    ]


# 3. A running call stays with its prospect -------------------------------------------------


async def test_a_running_call_stays_with_its_prospect_when_the_cursor_moves(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path)
    db = demo_storage.db
    first = todays_queue(db)[0]
    first_name = name_of(app, first)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        clock.advance(seconds=60)
        burst(app, "j", "k", "j")
        await settle(pilot)
        main_screen(app)._tick_timer()
        await pilot.pause()
        assert f"● on call with {first_name} 1:00" in gauge_text(app)
        burst(app, "k", "slash", "z", "z")
        await settle(pilot)
        assert f"on call with {first_name}" in gauge_text(app)
        await pilot.press("escape")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.queue.highlighted_id == first, "escape goes back to the row before /"
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmDialog), "q still asks"
        assert first_name in shown_text(app.screen.query_one("#confirm-question"))
        await pilot.press("n")
        clock.advance(seconds=35)
        await pilot.press("enter")
        assert "running (1:35)" in messages(app)[-1], "enter again keeps the time"
        await pilot.press("l", "v", "enter")
        await settle(pilot)
        assert main_screen(app).running_call is None
    assert calls_for(db, first)[-1]["duration_s"] == 95


async def test_logging_another_prospect_keeps_the_running_call(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path)
    db = demo_storage.db
    first, second = todays_queue(db)[:2]
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = len(calls_for(db, second))
        await pilot.press("enter")
        clock.advance(seconds=30)
        burst(app, "j", "l", "n", "enter")
        await settle_until(pilot, lambda: len(calls_for(db, second)) == calls_before + 1)
        assert calls_for(db, second)[-1]["duration_s"] == 0
        screen = main_screen(app)
        assert screen.running_call is not None and screen.running_call.prospect_id == first


async def test_the_outcome_dialog_of_another_prospect_says_whose_call_is_running(
    demo_app: FunnelApp,
) -> None:
    """`l` on another row during a call logs that prospect: the dialog says so before a
    pick, where only the gauge's bar named the call (a cold trial logged the live
    conversation on the wrong row). On the call's own prospect it says nothing of it."""
    db = demo_app.storage.db
    first = todays_queue(db)[0]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "j", "l")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        title = shown_text(dialog.query_one("#outcome-title"))
        said = f"You are on a call with {name_of(demo_app, first)}: this is not that call"
        assert said in " ".join(title.split())
        await pilot.press("escape", "k", "l")
        await settle(pilot)
        assert "You are on a call" not in shown_text(demo_app.screen.query_one("#outcome-title"))


async def test_enter_on_another_prospect_asks_before_ending_the_running_call(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path)
    first, second = todays_queue(demo_storage.db)[:2]
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        clock.advance(seconds=20)
        await pilot.press("j", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        question = shown_text(app.screen.query_one("#confirm-question"))
        assert name_of(app, first) in question and name_of(app, second) in question
        await pilot.press("n")
        screen = main_screen(app)
        assert screen.running_call is not None and screen.running_call.prospect_id == first
        await pilot.press("enter", "y")
        await settle(pilot)
        assert screen.running_call is not None and screen.running_call.prospect_id == second
        assert screen.running_call.started_at == clock()


# 4. The filter goes to its first match -----------------------------------------------------


async def test_the_filter_goes_to_the_first_match(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        burst(demo_app, "home", "j", "j", "j", "j", "j")
        await settle(pilot)
        screen = main_screen(demo_app)
        assert screen.queue.cursor == 5
        burst(demo_app, "slash", *"ben", "enter")
        await settle(pilot)
        assert screen.queue.row_count >= 2
        assert screen.queue.cursor == 0
        assert screen.card is not None
        assert screen.card.prospect["id"] == screen.queue.highlighted_id


# 5. An outcome still to pick takes focus back to the list ------------------------------------


async def test_enter_without_an_outcome_goes_back_to_the_list(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = todays_queue(db)[0]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "tab", *"hello there", "enter")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert "Pick an outcome first" in shown_text(dialog.query_one("#outcome-error"))
        assert isinstance(dialog.focused, OptionList)
        await pilot.press("n", "enter")
        await settle(pilot)
    call = calls_for(db, first)[-1]
    assert (call["outcome"], call["notes"]) == ("no_answer", "hello there")


async def test_enter_before_any_pick_picks_nothing_and_an_arrow_then_enter_picks(
    demo_app: FunnelApp,
) -> None:
    """No outcome is highlighted when the dialog opens, first time or again: a reflex
    enter says to pick one and saves nothing; an arrow highlights one and enter picks it."""
    db = demo_app.storage.db
    first, second = todays_queue(db)[:2]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for logged, prospect in enumerate((first, second), start=db["calls"].count + 1):
            await pilot.press("l", "enter", "enter")
            await settle(pilot)
            dialog = demo_app.screen
            assert isinstance(dialog, OutcomeDialog)
            assert "Pick an outcome first" in shown_text(dialog.query_one("#outcome-error"))
            assert db["calls"].count == logged - 1
            await pilot.press("down", "enter", "enter")
            await settle_until(pilot, lambda logged=logged: db["calls"].count == logged)
            assert calls_for(db, prospect)[-1]["outcome"] == "no_answer"


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        (["a", "b", "c", "d", "backspace", "e"], "abce"),
        (["x", "y", "z", "ctrl+u", "a", "b"], "ab"),
        (["b", "c", "home", "a"], "abc"),
        (["a", "c", "left", "b"], "abc"),
    ],
)
async def test_editing_keys_typed_at_full_speed_act_in_the_order_typed(
    demo_app: FunnelApp, typed: list[str], note: str
) -> None:
    db = demo_app.storage.db
    first = todays_queue(db)[0]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "l", "n", "tab", *typed, "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 1)
    assert calls_for(db, first)[-1]["notes"] == note


async def test_escape_typed_between_a_pick_and_enter_cancels(demo_app: FunnelApp) -> None:
    """`l n escape enter` at full speed does what it does typed slowly: escape closes the
    dialog with nothing logged, and enter starts the call."""
    db = demo_app.storage.db
    calls = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "l", "n", "escape", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        assert main_screen(demo_app).running_call is not None
    assert db["calls"].count == calls
