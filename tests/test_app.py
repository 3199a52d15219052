"""The main screen driven through real key presses, checked against the database."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from array import array
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from funnel_tui import call_log as call_log_module
from funnel_tui import queue as queue_module
from funnel_tui import queue_filter as queue_filter_module
from funnel_tui.manager_figures import TodayActivity
from funnel_tui.queue import QueueMode, QueueOrder, closed_timezones, queue_ids, read_order
from funnel_tui.queue_filter import FILTER_MAX_LENGTH
from funnel_tui.settings import load_settings
from funnel_tui.store import stopping as stopping_module
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui import main_screen as main_screen_module
from funnel_tui.ui import prospect_card as prospect_card_module
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.call_queue import CallQueue
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.key_bar import KeyBar
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.note_dialog import NoteDialog
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.ui.quota_gauge import QuotaGauge
from funnel_tui.ui.slow_write import SAY_WAITING_AFTER_S
from tests.app_support import (
    FROZEN_NOW,
    FrozenClock,
    open_prospect_form,
    record_frames,
    settle,
    settle_until,
    shown_text,
    wait_for,
)


def todays_queue(db: sqlite_utils.Database) -> list[int]:
    closed = closed_timezones(db, FROZEN_NOW, load_settings(db))
    return list(queue_ids(db, now=FROZEN_NOW, closed_zones=closed))


def first_in_queue(db: sqlite_utils.Database) -> dict[str, Any]:
    prospect_id = todays_queue(db)[0]
    return next(db.query("SELECT * FROM prospects WHERE id = ?", [prospect_id]))


def calls_for(db: sqlite_utils.Database, prospect_id: int) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM calls WHERE prospect_id = ? ORDER BY id", [prospect_id]))


async def test_opens_on_the_first_prospect_of_the_queue(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        first = first_in_queue(demo_app.storage.db)
        assert screen.card is not None
        assert screen.card.prospect["id"] == first["id"]
        assert screen.query_one(QuotaGauge).pace is not None


async def test_shows_the_head_of_the_queue_first_then_the_whole_queue(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_screen_module, "FIRST_SCREEN_ROWS", 3)
    shown: list[tuple[int, str]] = []
    load = CallQueue.load

    def recording_load(queue: CallQueue, ids: Any, *args: Any, **kwargs: Any) -> None:
        load(queue, ids, *args, **kwargs)
        shown.append((len(ids), shown_text(queue.screen.query_one("#queue-title"))))

    monkeypatch.setattr(CallQueue, "load", recording_load)
    expected = todays_queue(demo_app.storage.db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        head, whole = shown[0], shown[-1]
        assert head[0] == 3
        assert "prospects" not in head[1], "no count is given before the whole queue is read"
        assert whole[0] == len(expected)
        assert f"{len(expected)} prospects" in shown_text(screen.query_one("#queue-title"))
        assert screen.queue.highlighted_id == expected[0]
        await pilot.press("j", "j")
        assert screen.queue.highlighted_id == expected[2]


@pytest.mark.parametrize(
    ("keys", "outcome", "column", "expected"),
    [
        (("n",), "no_answer", "stage", None),
        (("v",), "voicemail", "stage", None),
        (("b",), "busy", "stage", None),
        (("g",), "gatekeeper", "stage", None),
        (("x",), "not_interested", "stage", "lost"),
        (("r",), "wrong_number", "wrong_number", 1),
        (("d",), "do_not_call", "do_not_call", 1),
    ],
)
async def test_one_key_outcomes_are_logged_and_the_cursor_moves_on(
    demo_app: FunnelApp, keys: tuple[str, ...], outcome: str, column: str, expected: object
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    second_id = todays_queue(db)[1]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", *keys, "enter")
        await settle(pilot)
        calls = calls_for(db, first["id"])
        assert calls[-1]["outcome"] == outcome
        assert len(calls) == len(calls_for(db, first["id"])) and len(calls) >= 1
        after = next(db.query("SELECT * FROM prospects WHERE id = ?", [first["id"]]))
        if expected is not None:
            assert after[column] == expected
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.card is not None
        assert screen.card.prospect["id"] == second_id


async def test_callback_takes_a_typed_date_and_shows_it_before_saving(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"tomorrow 10am")
        await settle(pilot)
        check = demo_app.screen.query_one("#outcome-when-check")
        assert "Thu 19 Nov 2026, 10:00" in shown_text(check)
        await pilot.press("tab", *"wants pricing", "enter")
        await settle(pilot)
    call = calls_for(db, first["id"])[-1]
    assert call["outcome"] == "callback"
    assert call["follow_up_at"] == "2026-11-19T10:00:00+00:00"
    assert call["notes"] == "wants pricing"


async def test_a_bad_date_is_refused_in_place_and_nothing_is_saved(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    before = calls_for(db, first["id"])
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "m", *"someday", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, OutcomeDialog)
        error = shown_text(demo_app.screen.query_one("#outcome-when-check"))
        assert "someday" in error
        # What was typed is asked about before it is thrown away.
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert calls_for(db, first["id"]) == before


async def test_escape_asks_before_throwing_away_a_typed_note_and_not_before_a_pick(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    before = calls_for(db, first["id"])
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"mon 11am", "tab", *"asked for the pricing sheet", "escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        note = dialog.query_one("#outcome-note", Input).value
        assert note == "asked for the pricing sheet"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        # A reason picked is asked about too.
        await pilot.press("l", "x", "b", "escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        # An outcome picked and nothing typed: escape closes at once.
        await pilot.press("l", "n", "escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert calls_for(db, first["id"]) == before


async def test_won_with_an_amount_writes_a_deal_and_moves_the_gauge(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        gauge = demo_app.screen.query_one(QuotaGauge)
        assert gauge.pace is not None
        won_before = gauge.pace.won_cents
        await pilot.press("l", "w", *"12,500", "enter")
        await settle(pilot)
        assert gauge.pace is not None
        assert gauge.pace.won_cents == won_before + 1_250_000
    deal = next(db.query("SELECT * FROM deals ORDER BY id DESC LIMIT 1"))
    assert deal["prospect_id"] == first["id"]
    assert deal["amount_cents"] == 1_250_000
    after = next(db.query("SELECT kind, stage FROM prospects WHERE id = ?", [first["id"]]))
    assert after == {"kind": "customer", "stage": "won"}


async def test_a_non_number_amount_is_refused_and_nothing_is_saved(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    deals_before = db["deals"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "w", *"lots", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, OutcomeDialog)
        assert "not an amount" in shown_text(demo_app.screen.query_one("#outcome-amount-check"))
    assert db["deals"].count == deals_before


async def test_escape_cancels_and_changes_nothing(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    calls_before = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "n", "escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db["calls"].count == calls_before


async def test_undo_restores_the_prospect_exactly(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "x", "enter")
        await settle(pilot)
        assert (
            next(db.query("SELECT stage FROM prospects WHERE id = ?", [first["id"]]))["stage"]
            == "lost"
        )
        await pilot.press("u")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.card is not None
        assert screen.card.prospect["id"] == first["id"]
    restored = next(db.query("SELECT * FROM prospects WHERE id = ?", [first["id"]]))
    assert restored == first


async def test_the_call_timer_gives_the_call_its_duration(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path)
    db = demo_storage.db
    first = first_in_queue(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        clock.advance(seconds=95)
        await pilot.press("l", "v", "enter")
        await settle(pilot)
    call = calls_for(db, first["id"])[-1]
    assert call["duration_s"] == 95


async def test_a_save_tried_again_keeps_the_call_length_the_dialog_showed(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved after the team's database came back, a call of 0:15 was stored as 33 s: the
    wait for the server counted as talk time."""
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path)
    db = demo_storage.db
    first = first_in_queue(db)
    real_log_call = call_log_module.log_call
    failures = [sqlite3.OperationalError("database is locked")]

    def fails_once(*args: object, **kwargs: object) -> object:
        if failures:
            raise failures.pop()
        return real_log_call(*args, **kwargs)

    monkeypatch.setattr(call_log_module, "log_call", fails_once)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        clock.advance(seconds=15)
        await pilot.press("l", "v", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OutcomeDialog)
        clock.advance(seconds=18)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert calls_for(db, first["id"])[-1]["duration_s"] == 15


async def test_switching_the_method_is_remembered(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    target = "inbound" if first["method"] != "inbound" else "benefits"
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = demo_app.screen
        options = list(demo_app.scripts.names())
        current = options.index(first["method"])
        wanted = options.index(target)
        step = "down" if wanted > current else "up"
        await pilot.press(*([step] * abs(wanted - current)), "enter")
        await settle(pilot)
        assert picker is not demo_app.screen
        pane_text = shown_text(demo_app.screen.query_one("#script-body"))
        assert demo_app.scripts.names()[target] in pane_text
    assert (
        next(db.query("SELECT method FROM prospects WHERE id = ?", [first["id"]]))["method"]
        == target
    )


async def test_script_steps_move_with_brackets(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        pane = demo_app.screen.query_one("#script")
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert pane.step == 2
        await pilot.press("left_square_bracket")
        assert pane.step == 1


async def test_filter_finds_a_prospect_by_company_and_escape_clears(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    target = next(
        db.query(
            "SELECT id, company FROM prospects WHERE company IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        full = queue.row_count
        await pilot.press("f", "slash", *target["company"][:12])
        await settle(pilot)
        assert queue.position_of(target["id"]) is not None
        assert queue.row_count < full
        await pilot.press("escape")
        await settle(pilot)
        assert demo_app.screen.query_one(CallQueue).row_count == db["prospects"].count


async def test_a_filter_that_matches_nobody_says_so_not_that_the_queue_is_empty(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzq", "enter")
        await settle(pilot)
        screen = demo_app.screen
        card = shown_text(screen.query_one("#card-body"))
        script = shown_text(screen.query_one("#script-body"))
        assert "Nothing matches “zzzq”: nothing to call right now." in card
        assert "No prospect selected: nothing matches “zzzq”." in script
        assert "queue is empty" not in card + script
        await pilot.press("l")
        await settle(pilot)
        assert [note.message for note in demo_app._notifications][-1] == (
            "Nothing matches “zzzq”: nothing to log."
        )


async def test_a_new_book_says_how_to_bring_prospects_in(
    tmp_path: Path, clock: FrozenClock
) -> None:
    app = FunnelApp(open_storage(tmp_path / "new.db"), clock=clock, scripts_dir=tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        card = shown_text(app.screen.query_one("#card-body"))
        script = shown_text(app.screen.query_one("#script-body"))
        assert "No prospects yet: i imports a CSV file from your CRM, a adds a prospect" in card
        assert "No prospect selected: no prospects yet." in script


async def test_an_empty_queue_says_when_calling_starts_again(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """Everyone held back for their calling hours: the card said only `nothing to call
    right now`, where the title counted them off hours."""
    storage = open_storage(tmp_path / "late.db")
    with storage.db.conn:
        for name in ("Aiko Tanaka", "Kenji Mori"):
            storage.db.execute(
                "INSERT INTO prospects (name, phone, timezone) VALUES (?, '+81 3 1234 5678',"
                " 'Asia/Tokyo')",
                [name],
            )
    app = FunnelApp(storage, clock=clock, scripts_dir=tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        card = " ".join(shown_text(app.screen.query_one("#card-body")).split())
    # 14:30 in London is 23:30 in Tokyo; their calling hours open at 09:00 theirs.
    assert card == (
        "The queue is empty: nothing to call before tomorrow 00:00, when the first of the 2"
        " prospects outside their calling hours can be called."
    )


def a_prospect_only_elsewhere(db: sqlite_utils.Database) -> dict[str, Any]:
    """A prospect outside today's queue whose name no other prospect has: a filter for it
    finds one match, from another view."""
    today = todays_queue(db)
    return next(
        row
        for row in db.query("SELECT id, name FROM prospects ORDER BY id")
        if row["id"] not in today
        and db.execute("SELECT count(*) FROM prospects WHERE name = ?", [row["name"]]).fetchone()[0]
        == 1
    )


async def test_escape_from_a_match_in_another_view_goes_back_to_the_row_before_the_filter(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    today = todays_queue(db)
    elsewhere = a_prospect_only_elsewhere(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        await pilot.press("j", "j", "j", "j")
        await settle(pilot)
        before = queue.highlighted_id
        assert before == today[4]
        await pilot.press("slash", *elsewhere["name"], "enter")
        await settle(pilot)
        assert queue.highlighted_id == elsewhere["id"]
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert queue.highlighted_id == before


async def test_a_name_pasted_last_name_first_finds_the_prospect(demo_app: FunnelApp) -> None:
    """`Popescu, Elena`, as a list writes her, found nobody: the comma was looked for."""
    db = demo_app.storage.db
    elsewhere = a_prospect_only_elsewhere(db)
    first, *_, last = str(elsewhere["name"]).split()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *f"{last}, {first}", "enter")
        await settle(pilot)
        assert demo_app.screen.query_one(CallQueue).highlighted_id == elsewhere["id"]
        # Commas alone are no words: the box filters nothing, as an empty one.
        await pilot.press("slash", "ctrl+u", *";,", "enter")
        await settle(pilot)
        assert demo_app.screen.query_one(CallQueue).row_count == len(todays_queue(db))
        assert "matching" not in str(demo_app.screen.query_one("#queue-title").render())


async def test_clearing_the_filter_never_gives_its_counts_as_the_views(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the view's own order is read again after escape (0.4 s at 1,000,000
    prospects), the title read `Today's queue · 321 prospects · 530 in other views`: the
    filter's counts, under the view's name."""
    db = demo_app.storage.db
    today = todays_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", "a", "enter")
        await settle(pilot)
        assert "matching" in screen.queue_title.shown
        read_whole = hold_database_thread_reads(monkeypatch, lambda values: not values["text"])
        try:
            await pilot.press("slash", "escape")
            await pilot.pause()
            assert screen.queue_title.shown == QueueMode.TODAY.label
        finally:
            read_whole.set()
        await settle(pilot)
        assert screen.queue_title.shown.startswith(f"{QueueMode.TODAY.label} · {len(today)} ")


async def test_the_poll_for_other_programs_leaves_the_calls_own_commit_to_its_reload(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The poll for other programs' changes, coming while the queue was read again after a
    call, took the call's own commit for another program's: the whole order was read and
    the plan made a second time. A commit by another program is still followed."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        followed: list[str] = []
        monkeypatch.setattr(screen, "_follow_outside_change", lambda: followed.append("read"))
        reading, let = threading.Event(), threading.Event()

        def hold(_: Any) -> None:
            reading.set()
            let.wait(timeout=30)

        before_database_thread_reads(monkeypatch, lambda values: not values["text"], hold)
        try:
            await pilot.press("l", "x", "enter")
            while not reading.is_set():
                await pilot.pause()
            # The poll's tick, while the order is read after the call.
            screen._refresh_on_outside_change()
        finally:
            let.set()
        await settle(pilot)
        screen._refresh_on_outside_change()
        assert followed == []
        elsewhere = open_storage(demo_app.storage.path)
        with elsewhere.write():
            elsewhere.db.execute("UPDATE prospects SET needs = 'moved' WHERE id = 1")
        screen._refresh_on_outside_change()
        assert followed == ["read"]


async def test_the_prospect_kept_on_the_list_for_their_call_is_not_a_match(
    demo_app: FunnelApp,
) -> None:
    """The prospect on a call stays on the list whatever the filter: the title counts the
    filter's matches without them, and says why that row is there; once the filter
    matches them, it says nothing of it."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.running_call is not None
        title = screen.query_one("#queue-title")
        await pilot.press("slash", *"zzqqx")
        await settle(pilot)
        assert screen.queue.row_count == 1
        assert "0 prospects matching “zzqqx” · on call, on top" in shown_text(title)
        assert "more in other views" not in shown_text(title)
        on_call = screen.running_call.prospect_id
        sql = "SELECT name FROM prospects WHERE id = ?"
        (name,) = demo_app.storage.db.execute(sql, [on_call]).fetchone()
        await pilot.press("ctrl+u", *name.split()[0])
        await settle(pilot)
        assert "on call" not in shown_text(title)


async def test_a_call_ended_for_another_lets_the_row_kept_for_it_go(
    demo_app: FunnelApp,
) -> None:
    """The prospect on a call heads a view without them; once that call is ended to call
    another, the list lets them go and the title no longer says `on call`."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("enter")
        await settle(pilot)
        first = screen.running_call.prospect_id
        await pilot.press("f", "f")
        await settle(pilot)
        title = screen.query_one("#queue-title")
        assert screen.mode is QueueMode.NURTURE and "on call" in shown_text(title)
        await pilot.press("j", "enter", "y")
        await settle(pilot)
        assert screen.running_call is not None and screen.running_call.prospect_id != first
        assert first not in list(screen.queue._ids)
        assert "on call" not in shown_text(title)


def hold_filtered_reads(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make the database thread's reads of a filtered queue wait until the event is set,
    and the UI thread's first screenful of one run out of time at once, as in a book too
    big to read it by then."""
    monkeypatch.setattr(queue_module, "QUICK_HEAD_S", 0.0)
    monkeypatch.setattr(stopping_module, "STEPS_BETWEEN_CHECKS", 1)
    gate = threading.Event()
    before_database_thread_reads(
        monkeypatch, lambda values: bool(values.get("text")), lambda db: gate.wait(timeout=10)
    )
    return gate


def before_database_thread_reads(
    monkeypatch: pytest.MonkeyPatch,
    when: Callable[[dict[str, Any]], bool],
    do: Callable[[Any], object],
) -> None:
    """Run `do(db)` in the database thread before each read of the queue's order whose
    arguments `when` picks."""
    read_order = main_screen_module.read_order

    def read_after(db: Any, **values: Any) -> Any:
        if when(values):
            do(db)
        return read_order(db, **values)

    monkeypatch.setattr(main_screen_module, "read_order", read_after)


def hold_database_thread_reads(
    monkeypatch: pytest.MonkeyPatch, when: Callable[[dict[str, Any]], bool]
) -> threading.Event:
    """Hold the database thread's reads of the queue's order that `when` picks until the
    event returned is set."""
    let = threading.Event()
    before_database_thread_reads(monkeypatch, when, lambda _: let.wait(timeout=30))
    return let


async def test_the_title_says_which_filter_is_looked_for_until_its_matches_show(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large book takes a moment to search: meanwhile the list is the last one found,
    and the title says so rather than naming a count that is not the filter's."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        title = demo_app.screen.query_one("#queue-title")
        gate = hold_filtered_reads(monkeypatch)
        frames = record_frames(
            demo_app, lambda: (demo_app.screen.filter_input.value, shown_text(title).strip())
        )
        # Two letters: too short for the indexes, so read in the database thread.
        await pilot.press("slash", *"be")
        await pilot.pause()
        assert shown_text(title).strip() == "Today's queue · looking for “be”…"
        # Each frame that shows a text in the field says in the title it is looked for.
        assert {shown for typed, shown in frames if typed == "be"} == {
            "Today's queue · looking for “be”…"
        }
        gate.set()
        await settle(pilot)
        # The matches are counted (the box below shows the text, so a tight title omits it).
        assert re.search(r"· \d+ (prospects )?matching( “be”)? ·", shown_text(title))


def read_filters_as_in_a_big_book(monkeypatch: pytest.MonkeyPatch) -> None:
    """Filters read as in a big book, where neither the indexes nor a pass list the
    matches first: the head checks each prospect it reads against the filter."""
    monkeypatch.setattr(queue_filter_module, "indexed_matches", lambda *args, **kw: None)
    monkeypatch.setattr(queue_filter_module, "PASSED_FOR_HEAD_AT_MOST", 1)


def last_calls(db: Any, count: int) -> list[tuple[int, str]]:
    """The last `count` calls logged, as (prospect id, outcome), oldest first."""
    rows = db.execute(
        "SELECT prospect_id, outcome FROM calls ORDER BY id DESC LIMIT ?", [count]
    ).fetchall()
    return [tuple(row) for row in reversed(rows)]


def hold_the_rest_of_filtered_reads(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Filters read as in a big book, where neither the indexes nor a pass list the
    matches first: a screenful, then the rest, which waits until the event is set."""
    read_filters_as_in_a_big_book(monkeypatch)
    rest_read = asyncio.Event()
    read_and_show = MainScreen._read_and_show_order

    async def rest_when_let(
        screen: MainScreen, *, same_prospect_shown: bool = False, limit: int | None = None
    ) -> QueueOrder | None:
        if same_prospect_shown and screen.filter_text:
            await rest_read.wait()
        return await read_and_show(screen, same_prospect_shown=same_prospect_shown, limit=limit)

    monkeypatch.setattr(MainScreen, "_read_and_show_order", rest_when_let)
    return rest_read


async def test_a_filter_most_prospects_match_shows_its_first_matches_before_counting(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text in thousands of prospects (`555`, `example`) is read a screenful first,
    each prospect the queue reads checked against it: the first match is highlighted and
    the keys typed after enter go to it while the rest is still being counted."""
    rest_read = hold_the_rest_of_filtered_reads(monkeypatch)
    db = demo_app.storage.db
    settings = load_settings(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        title = screen.query_one("#queue-title")
        now = demo_app.clock()
        whole = read_order(db, now=now, mode=QueueMode.TODAY, text="an", settings=settings)
        assert len(whole.ids) > 2
        calls_before = db["calls"].count
        burst(demo_app, "slash", *"an", "enter", "l", "x", "enter")
        # Not settled: settling waits for every worker, the held count's too.
        await wait_for(pilot, lambda: db["calls"].count == calls_before + 1, budget_s=30)
        last = db.execute("SELECT prospect_id, outcome FROM calls ORDER BY id DESC LIMIT 1")
        assert last.fetchone() == (whole.ids[0], "not_interested")
        rest_read.set()
        await settle(pilot)
        assert re.search(r"· \d+ (prospects )?matching( “an”)?", shown_text(title))


async def test_a_filters_title_says_its_matches_are_being_counted(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    rest_read = hold_the_rest_of_filtered_reads(monkeypatch)
    # A short screen: its screenful is fewer rows than the matches.
    async with demo_app.run_test(size=(160, 24)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        title = screen.query_one("#queue-title")
        await pilot.press("slash", *"an")
        await settle_until(pilot, lambda: screen._shown_filter == "an")
        assert shown_text(title).strip() == "Today's queue · matching “an”, counting…"
        head = list(screen.queue._ids)
        rest_read.set()
        await settle(pilot)
        assert re.search(r"· \d+ (prospects )?matching( “an”)? ·", shown_text(title))
        whole = list(screen.queue._ids)
        assert len(head) < len(whole)
        assert whole[: len(head)] == head


def slow_whole_reads_of(
    monkeypatch: pytest.MonkeyPatch, text: str, *, heads_too: bool = False
) -> threading.Event:
    """Make the database thread's whole reads of the queue under `text` (and its heads,
    with `heads_too`) run SQLite's work until the app stops them (hours of it otherwise),
    so that what must not wait for them fails by its budget however slow the machine;
    the event is set as one begins."""
    began = threading.Event()
    until_stopped = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000000)"
        " SELECT count(*) FROM n"
    )

    def slow(db: Any) -> None:
        began.set()
        db.execute(until_stopped).fetchone()

    before_database_thread_reads(
        monkeypatch,
        lambda values: values.get("text") == text and (heads_too or values.get("limit") is None),
        slow,
    )
    return began


async def test_a_newer_filter_stops_the_read_of_the_one_before_in_the_database_thread(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter's read that a newer text has made useless is stopped where it runs, so
    the newer one does not wait for it to end."""
    # Every filter is read in the database thread.
    monkeypatch.setattr(queue_module, "find_few_matches", lambda *args: None)
    monkeypatch.setattr(queue_module, "QUICK_HEAD_S", 0.0)
    slow_read_began = slow_whole_reads_of(monkeypatch, "zz", heads_too=True)
    name = next(demo_app.storage.db.query("SELECT name FROM prospects LIMIT 1"))["name"]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", "z", "z")
        assert await asyncio.to_thread(slow_read_began.wait, 5)
        screen.filter_input.value = name
        await wait_for(
            pilot,
            lambda: screen._shown_filter == name and screen._order_complete,
            budget_s=30,
        )
        assert screen.queue.highlighted_id is not None


async def test_a_call_logged_while_a_filters_matches_are_counted_waits_for_no_count(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The call is written at once: the count's read stops, and is made again after."""
    monkeypatch.setattr(queue_filter_module, "indexed_matches", lambda *args, **kw: None)
    slow_read_began = slow_whole_reads_of(monkeypatch, "an")
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        calls_before = db["calls"].count
        await pilot.press("slash", *"an", "enter")
        assert await asyncio.to_thread(slow_read_began.wait, 5)
        first = screen.queue.highlighted_id
        burst(demo_app, "l", "x", "enter")
        await wait_for(pilot, lambda: db["calls"].count == calls_before + 1, budget_s=30)
    last = db.execute("SELECT prospect_id, outcome FROM calls ORDER BY id DESC LIMIT 1")
    assert last.fetchone() == (first, "not_interested")


async def test_a_newer_filter_looked_for_over_an_older_ones_head_says_so(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    hold_the_rest_of_filtered_reads(monkeypatch)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        title = screen.query_one("#queue-title")
        await pilot.press("slash", *"an")
        await settle_until(pilot, lambda: screen._shown_filter == "an")
        gate = hold_filtered_reads(monkeypatch)
        await pilot.press("d")
        await pilot.pause()
        assert shown_text(title).strip() == "Today's queue · looking for “and”…"
        gate.set()


async def test_the_rest_of_an_older_filter_never_shows_over_a_newer_one(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The older filter's whole order is read, but not yet shown, when the text changes:
    the newer filter's first match is highlighted, not the older one's."""
    read_filters_as_in_a_big_book(monkeypatch)
    db = demo_app.storage.db
    settings = load_settings(db)
    now = demo_app.clock()
    older = read_order(db, now=now, mode=QueueMode.TODAY, text="an", settings=settings)
    newer_text = "a"
    newer = read_order(db, now=now, mode=QueueMode.TODAY, text=newer_text, settings=settings)
    assert older.ids[0] != newer.ids[0]
    let_rest, rest_read = threading.Event(), threading.Event()
    read = main_screen_module.read_order

    def rest_when_let(db: Any, **values: Any) -> Any:
        if values.get("text") == "an" and values.get("limit") is None:
            let_rest.wait(10)
            try:
                return read(db, **values)
            finally:
                rest_read.set()
        return read(db, **values)

    monkeypatch.setattr(main_screen_module, "read_order", rest_when_let)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *"an")
        await settle_until(pilot, lambda: screen._shown_filter == "an")
        # The loop waits here: the older rest is read, and its answer handed back (the
        # database thread has run a job after it); one turn of the loop passes it on to
        # the worker, which has yet to show it when the text changes.
        let_rest.set()
        assert rest_read.wait(10)
        demo_app._db_thread.submit(lambda: None).result(10)
        await asyncio.sleep(0)
        screen.filter_text = newer_text
        await settle_until(pilot, lambda: screen._order_complete)
        assert screen._shown_filter == newer_text
        assert screen.queue.highlighted_id == newer.ids[0]


async def test_a_call_that_cannot_be_written_leaves_the_filters_matches_counted(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logging stops the count's read; a call that fails asks for it again."""
    rest_read = hold_the_rest_of_filtered_reads(monkeypatch)

    def disk_full(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(call_log_module, "log_call", disk_full)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        title = screen.query_one("#queue-title")
        await pilot.press("slash", *"an", "enter")
        await settle_until(pilot, lambda: screen._shown_filter == "an")
        assert not screen._order_complete
        await pilot.press("l", "x", "enter")
        await settle(pilot)
        await pilot.press("escape")
        rest_read.set()
        await settle_until(pilot, lambda: screen._order_complete)
        assert re.search(r"· \d+ (prospects )?matching( “an”)?", shown_text(title))


async def test_a_letter_typed_and_taken_back_in_one_burst_leaves_the_title_as_it_was(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        title = demo_app.screen.query_one("#queue-title")
        before = shown_text(title).strip()
        await pilot.press("slash")
        burst(demo_app, "e", "backspace")
        await settle(pilot)
        assert shown_text(title).strip() == before


async def test_calls_logged_one_after_another_under_a_filter_wait_for_no_count(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each call the filter's head is read again first: the next call's keys go to
    the next match while the rest is still being counted."""
    read_filters_as_in_a_big_book(monkeypatch)
    db = demo_app.storage.db
    settings = load_settings(db)
    whole = read_order(db, now=demo_app.clock(), mode=QueueMode.TODAY, text="an", settings=settings)
    slow_whole_reads_of(monkeypatch, "an")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "slash", *"an", "enter", "l", "n", "enter", "l", "v", "enter")
        await wait_for(pilot, lambda: db["calls"].count == calls_before + 2, budget_s=30)
        logged = last_calls(db, 2)
    assert logged == [
        (whole.ids[0], "no_answer"),
        (whole.ids[1], "voicemail"),
    ]


async def test_the_pace_screen_opens_on_its_figures_while_a_filters_matches_are_counted(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`p` read its figures in the database thread behind the count of the queue's rest
    (half a second at 1,000,000 prospects, also right after a call): the count stops for
    them, and is read again after them."""
    from funnel_tui.ui.performance_screen import PerformanceScreen

    read_filters_as_in_a_big_book(monkeypatch)
    count_began = slow_whole_reads_of(monkeypatch, "an")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"an", "enter")
        await wait_for(pilot, count_began.is_set, budget_s=30)
        count_began.clear()
        await pilot.press("p")

        def figures_shown() -> bool:
            screen = demo_app.screen
            return isinstance(screen, PerformanceScreen) and screen.pace is not None

        await wait_for(pilot, figures_shown, budget_s=30)
        await wait_for(pilot, count_began.is_set, budget_s=30)


async def test_a_call_never_waits_for_a_whole_order_being_read(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload of the whole order in flight when a call is saved (another program's
    change, read again every second; at 1,000,000 prospects today's order is 0.3 s, a
    filter's seconds) held the call's write behind it: the read stops, and the order is
    read again after the call anyway."""
    db = demo_app.storage.db
    first = todays_queue(db)[0]
    began = slow_whole_reads_of(monkeypatch, "")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await wait_for(pilot, lambda: screen.queue.highlighted_id == first, budget_s=10)
        await pilot.press("l", "n")
        began.clear()
        screen.reload_queue()
        await wait_for(pilot, began.is_set, budget_s=10)
        calls_before = db["calls"].count
        await pilot.press("enter")
        # The read would run for hours if the call waited for it to end.
        await wait_for(pilot, lambda: db["calls"].count == calls_before + 1, budget_s=30)
    assert last_calls(db, 1) == [(first, "no_answer")]


async def test_a_call_under_a_filter_moves_on_to_the_next_match_past_the_head(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In all prospects, the prospect just logged keeps their row: the next is the row
    below, which a head read after the call may not reach. The cursor waits there for the
    rest, and the next call's keys go to that next match, not to the one just logged."""
    read_filters_as_in_a_big_book(monkeypatch)
    monkeypatch.setattr(main_screen_module, "FIRST_SCREEN_ROWS", 5)
    db = demo_app.storage.db
    settings = load_settings(db)
    whole = read_order(db, now=demo_app.clock(), mode=QueueMode.ALL, text="an", settings=settings)
    assert len(whole.ids) > 6
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("f", "slash", *"an", "enter")
        await settle(pilot)
        assert screen.mode is QueueMode.ALL and screen.queue.row_count == len(whole.ids)
        # The last row of the head the call's reload reads first.
        await pilot.press(*["down"] * 4)
        assert screen.queue.highlighted_id == whole.ids[4]
        calls_before = db["calls"].count
        burst(demo_app, "l", "n", "enter", "l", "v", "enter")
        await wait_for(pilot, lambda: db["calls"].count == calls_before + 2, budget_s=30)
        logged = last_calls(db, 2)
    assert logged == [
        (whole.ids[4], "no_answer"),
        (whole.ids[5], "voicemail"),
    ]


async def test_a_call_on_the_last_row_of_a_heads_order_never_moves_back_up(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`end` while a filter's matches are counted stops at the last row of its head: the
    next prospect is in the rest, not yet read. The keys typed after the call are dropped,
    and say so; the row above had got the second call."""
    gate = threading.Event()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        order = list(screen.queue._ids)
        assert len(order) > 6
        # The head on screen, its last row highlighted, the rest being read.
        before_database_thread_reads(
            monkeypatch, lambda values: values.get("limit") is None, lambda db: gate.wait(10)
        )
        screen._show_order(QueueOrder(array("q", order[:5]), complete=False), demo_app.clock())
        screen.queue.cursor = 4
        await pilot.pause()
        screen._read_rest_of_filtered_queue()
        db = demo_app.storage.db
        calls_before = db["calls"].count
        burst(demo_app, "l", "n", "enter", "l", "v", "enter")
        await pilot.pause()
        # The call stops the rest's read; this one is held in Python, not in SQLite.
        gate.set()
        await wait_for(pilot, lambda: db["calls"].count == calls_before + 1, budget_s=30)
        await settle(pilot)
        logged = last_calls(db, 2)
        toasts = " ".join(str(toast.message) for toast in demo_app._notifications)
    assert db["calls"].count == calls_before + 1
    assert logged[-1] == (order[4], "no_answer")
    assert "the next prospect is still being counted: keys typed after enter" in toasts


@pytest.mark.parametrize("leave", ["tab", "shift+tab", "enter"])
async def test_keys_typed_after_leaving_the_filter_by_tab_wait_for_its_matches(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch, leave: str
) -> None:
    """`/qx tab l v enter` at full speed: the list still showed the prospect highlighted
    before the filter, and `l` logged them though nothing matches."""
    gate = hold_filtered_reads(monkeypatch)
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "slash", *"zzqqx", leave, "l", "v", "enter")
        await pilot.pause()
        gate.set()
        await settle(pilot)
        assert db["calls"].count == calls_before
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.queue.row_count == 0
        assert screen.focused is screen.queue


async def test_a_paste_longer_than_the_filter_box_keeps_what_fits(demo_app: FunnelApp) -> None:
    # Input drops a paste that goes past its length altogether: the box stayed empty.
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash")
        box = screen.filter_input
        box.post_message(events.Paste("ann " + "x" * 150 + "\nsecond line"))
        await settle(pilot)
        assert box.value == ("ann " + "x" * 150)[:FILTER_MAX_LENGTH]
        await pilot.press("ctrl+u")
        box.value = "ann"
        box.cursor_position = 3
        box.post_message(events.Paste(" acme"))
        await settle(pilot)
        assert box.value == "ann acme"


async def test_a_filter_of_spaces_alone_is_no_filter(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        full = screen.queue.row_count
        await pilot.press("slash", "space", "space", "space")
        await settle(pilot)
        assert screen.filter_text == ""
        assert screen.queue.row_count == full
        assert "matching" not in shown_text(screen.query_one("#queue-title"))
        # enter closes the empty box, and the queue's keys are back on the key bar.
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.filter_input.display
        assert screen.focused is screen.queue
        shown = demo_app.screen.query_one(KeyBar).render().plain
        assert "esc" not in shown and " a Add  e Edit " in shown, shown


async def test_a_filter_with_few_matches_shows_them_in_the_frame_that_shows_its_text(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's indexes find a few matches between the key and the frame: no frame shows
    the text typed above the list of the text before it, and no read of that earlier
    text in the database thread shows after it."""
    db = demo_app.storage.db
    name = db.execute("SELECT name FROM prospects ORDER BY id LIMIT 1").fetchone()[0]
    typed = name.split()[0][:5].lower()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        queue = screen.query_one(CallQueue)
        gate = hold_filtered_reads(monkeypatch)
        frames = record_frames(demo_app, lambda: (screen.filter_input.value, queue.row_count))
        # The first two letters are read in the database thread, held there until the
        # whole text is on screen.
        await pilot.press("slash", *typed[:2])
        await pilot.pause()
        await pilot.press(*typed[2:])
        gate.set()
        await settle(pilot)
        matches = read_order(
            db, now=FROZEN_NOW, mode=QueueMode.TODAY, text=typed, settings=load_settings(db)
        ).ids
        assert queue.row_count == len(matches) > 0
        assert {rows for text, rows in frames if text == typed} == {len(matches)}
        title = shown_text(screen.query_one("#queue-title"))
        assert f"matching “{typed}”" in title


async def test_add_prospect_validates_then_saves(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    count = db["prospects"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot, "a")
        form.query_one("#field-name").value = "[bold]Ada[/bold] Lovelace"
        form.query_one("#field-email").value = "ada@"
        form.query_one("#field-phone").value = "12"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form
        assert "email" in shown_text(form.query_one("#error-email"))
        assert "too short for a number in GB" in shown_text(form.query_one("#error-phone"))
        assert db["prospects"].count == count
        form.query_one("#field-email").value = "ada@engines.co.uk"
        form.query_one("#field-phone").value = "+44 20 7946 0999"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    added = next(db.query("SELECT * FROM prospects ORDER BY id DESC LIMIT 1"))
    assert added["name"] == "[bold]Ada[/bold] Lovelace"
    assert added["email"] == "ada@engines.co.uk"
    assert db["prospects"].count == count + 1


async def test_adding_or_editing_someone_the_book_has_says_who_before_saving(
    demo_app: FunnelApp,
) -> None:
    # `a` and `e` saved a second prospect with another's email without a word, where an
    # import takes the same email for the same person.
    db = demo_app.storage.db
    noah = next(db.query("SELECT id, name, email FROM prospects WHERE email IS NOT NULL LIMIT 1"))
    count = db["prospects"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot, "a")
        form.query_one("#field-name").value = "Another Name"
        form.query_one("#field-email").value = noah["email"].upper()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form
        said = shown_text(form.query_one("#form-status"))
        assert f"{noah['name']} (id {noah['id']}) has this email" in said, said
        assert "enter saves this one all the same" in said
        assert db["prospects"].count == count
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db["prospects"].count == count + 1


async def test_editing_a_prospect_without_touching_who_they_are_asks_nothing(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    # Another prospect with the same email, as an older book or another tool left it.
    db.execute(
        "UPDATE prospects SET email = ? WHERE id <> ? AND id = (SELECT max(id) FROM prospects)",
        [first["email"], first["id"]],
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot, "e")
        form.query_one("#field-title").value = "Head of Ops"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert next(db.query("SELECT title FROM prospects WHERE id = ?", [first["id"]]))["title"] == (
        "Head of Ops"
    )


async def test_edit_prospect_refuses_a_bad_timezone(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot, "e")
        form.query_one("#field-timezone").value = "Mars/Olympus"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "timezone" in shown_text(form.query_one("#error-timezone"))
        form.query_one("#field-timezone").value = "Europe/Berlin"
        form.query_one("#field-title").value = "Head of Ops"
        await pilot.press("ctrl+s")
        await settle(pilot)
    after = next(db.query("SELECT timezone, title FROM prospects WHERE id = ?", [first["id"]]))
    assert after == {"timezone": "Europe/Berlin", "title": "Head of Ops"}


async def test_a_note_is_added_without_a_call(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    calls_before = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"prefers email", "enter")
        await settle(pilot)
    note = next(db.query("SELECT * FROM notes ORDER BY id DESC LIMIT 1"))
    assert (note["prospect_id"], note["body"]) == (first["id"], "prefers email")
    assert db["calls"].count == calls_before


async def test_keys_typed_right_after_a_notes_enter_act_on_the_queue(
    demo_app: FunnelApp,
) -> None:
    """`n asked for pricing enter l v enter` in one burst: the note is what was typed
    before enter, and the voicemail is logged on the prospect; the keys after enter went
    into the note (`asked for pricinglv`) and no call was logged."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    calls_before = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "n", *"asked for pricing", "enter", "l", "v", "enter")
        await wait_for(pilot, lambda: db["calls"].count == calls_before + 1, budget_s=30)
        await settle(pilot)
    note = next(db.query("SELECT * FROM notes ORDER BY id DESC LIMIT 1"))
    assert (note["prospect_id"], note["body"]) == (first["id"], "asked for pricing")
    assert last_calls(db, 1) == [(first["id"], "voicemail")]


async def test_keys_typed_after_an_empty_notes_enter_are_dropped(
    demo_app: FunnelApp, toasts_kept: None
) -> None:
    """Enter on an empty note saves nothing: the keys typed after it were meant for the
    queue, and are dropped, not typed into the note (which would then read `lv`)."""
    db = demo_app.storage.db
    notes_before = db["notes"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "n", "enter", "l", "v")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, NoteDialog)
        assert dialog.query_one("#note-text", Input).value == ""
        said = " ".join(shown_text(dialog.query_one("#note-error")).split())
        assert said == f"The note is empty. · {KEYS_NOT_APPLIED}"
        await pilot.press(*"x")
        await settle(pilot)
        assert shown_text(dialog.query_one("#note-error")).strip() == "The note is empty."
    assert db["notes"].count == notes_before


def help_sections(text: str) -> dict[str, dict[str, str]]:
    """The help screen's rows by section: a title alone on its line, then a key and what
    it does on each line, two spaces or more apart."""
    sections: dict[str, dict[str, str]] = {}
    rows: dict[str, str] = {}
    for line in text.splitlines():
        cells = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        if len(cells) == 2:
            rows[cells[0]] = cells[1]
        elif cells[0]:
            rows = sections.setdefault(cells[0], {})
    return sections


async def test_help_lists_every_main_screen_key(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = shown_text(demo_app.screen.query_one("#help-keys"))
        for binding in MainScreen.BINDINGS:
            assert binding.description in text
        sections = help_sections(text)
        # The filter's keys were listed as the main screen's: tab read as "Done filtering",
        # and moving between panes came last, under "Everywhere".
        main = sections["Main screen"]
        assert main["enter"] == "Start call"
        assert "tab / shift+tab" not in main and "esc" not in main
        assert sections["Filter (/)"] == {
            "enter": "Done filtering",
            "tab / shift+tab": "Done filtering",
            "esc": "Clear filter; Close filter",
        }
        assert sections["Everywhere"]["tab / shift+tab"] == "Move between panes"
        await pilot.press("escape")
        assert isinstance(demo_app.screen, MainScreen)


async def test_key_bar_offers_the_keys_that_work_now(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        key_bar = demo_app.screen.query_one(KeyBar)
        shown = key_bar.render().plain
        for key, description in (("l", "Log outcome"), ("/", "Filter"), ("q", "Quit")):
            assert f" {key} {description} " in shown
        assert "All objections" not in shown, "keys kept off the bar stay in help"
        assert "Clear filter" not in shown and "Done filtering" not in shown
        await pilot.press("slash")
        await pilot.pause()
        # Letters typed in the filter are text, so the bar stops offering them; it says
        # how to finish the filter and how to close it, or clear it once it holds text.
        opened = key_bar.render().plain
        assert "Log outcome" not in opened
        assert " ⏎ Done filtering  esc Close filter " in opened
        await pilot.press(*"tun")
        await pilot.pause()
        assert " ⏎ Done filtering  esc Clear filter " in key_bar.render().plain
        await pilot.press(*["backspace"] * 3)
        await pilot.pause()
        assert " ⏎ Done filtering  esc Close filter " in key_bar.render().plain
        await pilot.press(*"tun", "enter")
        await pilot.pause()
        # Back in the queue with a filter: esc still clears it, and the bar says so.
        filtered = key_bar.render().plain
        assert " ⏎ Start call  esc Clear filter  l Log outcome " in filtered
        await pilot.press("escape")
        await pilot.pause()
        cleared = key_bar.render().plain
        assert "Log outcome" in cleared and "Clear filter" not in cleared


async def test_q_quits_leaving_an_intact_database(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not demo_app.is_running, "q quits the app"
    check = sqlite_utils.Database(str(demo_app.storage.path)).execute("PRAGMA integrity_check")
    assert check.fetchone()[0] == "ok"


async def test_the_gauge_starts_a_new_day_at_midnight_in_an_app_left_open(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        gauge = app.screen.query_one(QuotaGauge)
        assert gauge.today is not None and gauge.today.dials >= 1
        # Left open overnight: the next minute's look at the clock sees a new day.
        clock.now = clock.now.replace(hour=0, minute=1) + timedelta(days=1)
        app.screen._follow_the_clock()
        await settle(pilot)
        assert gauge.today == TodayActivity(0, 0, 0)


async def test_enter_typed_before_the_terminal_is_raw_counts_as_enter(
    demo_app: FunnelApp,
) -> None:
    # Keys typed as the app starts pass through the terminal's line discipline, which
    # turns enter's carriage return into a newline: Textual reads ctrl+j.
    newline = events.Key("ctrl+j", "\n")
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        wanted = "Tunde Bakare"
        await pilot.press("slash", *wanted)
        demo_app.post_message(newline)
        await settle(pilot)
        assert not screen.filter_input.has_focus, "the filter is done"
        head = screen.queue.highlighted_id
        await pilot.press("l", "n")
        demo_app.post_message(newline)
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    last = db.execute("SELECT prospect_id, outcome FROM calls ORDER BY id DESC LIMIT 1")
    assert last.fetchone() == (head, "no_answer")
    assert db.execute("SELECT name FROM prospects WHERE id = ?", [head]).fetchone()[0] == wanted


async def test_the_next_prospects_card_opens_at_the_top_and_a_refresh_keeps_the_place(
    demo_app: FunnelApp,
) -> None:
    """Scrolled down the card, `j` opened the next prospect's card as far down, their name
    and title out of sight just before the call; the same prospect shown again (a method
    picked) stays where the rep was reading."""
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        card = screen.prospect_card
        await pilot.press("tab", "end")
        await settle(pilot)
        scrolled = card.scroll_offset.y
        assert scrolled > 0
        await pilot.press("m", "enter")
        await settle(pilot)
        assert card.scroll_offset.y == scrolled
        await pilot.press("shift+tab", "j")
        await settle(pilot)
        assert screen.card is not None
        assert card.scroll_offset.y == 0
        name = screen.card.prospect["name"]
        assert name in demo_app.export_screenshot().replace("&#160;", " ")


async def test_a_card_drawn_before_phonenumbers_loaded_is_drawn_again_once_it_is(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Enter typed while the app starts dials, and dialing loads phonenumbers before the
    # first frame is out: the card drawn before still showed the number as stored.
    loaded = [False]
    monkeypatch.setattr(prospect_card_module, "library_loaded", lambda: loaded[0])

    def loaded_elsewhere() -> bool:
        loaded[0] = True
        return True

    monkeypatch.setattr(main_screen_module, "library_loaded", loaded_elsewhere)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen) and screen.card is not None
        stored = screen.card.prospect["phone"]
        shown = shown_text(screen.prospect_card.query_one("#card-body"))
    assert stored.startswith("+") and " " not in stored
    assert stored not in shown, "the number is shown formatted, not as stored"


async def test_the_main_screen_paints_nothing_textual_would_drop_while_it_starts(
    demo_app: FunnelApp,
) -> None:
    # Textual drops every frame painted during its start-up batch: the main screen's
    # first frame (queue, card, script) was painted there for nothing, then again.
    # (in the batch, queue rows, the card's prospect)
    painted: list[tuple[bool, int, int | None]] = []
    paint = demo_app._display

    def display(screen: Any, renderable: Any) -> None:
        paint(screen, renderable)
        if renderable is not None and isinstance(screen, MainScreen):
            painted.append((bool(demo_app._batch_count), rows(screen), card_of(screen)))

    def rows(screen: MainScreen) -> int:
        return screen.queue.row_count if screen.is_mounted else 0

    def card_of(screen: MainScreen) -> int | None:
        return None if screen.card is None else screen.card.prospect["id"]

    demo_app._display = display  # type: ignore[method-assign]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        first_row = demo_app.screen.queue.highlighted_id  # type: ignore[attr-defined]
    assert painted, "the main screen was painted"
    assert [in_batch for in_batch, _, _ in painted] == [False] * len(painted)
    # The first frame that reaches the terminal already has the queue, and the card of
    # its first row (the script with it): not a frame later, after work that follows
    # the first frame has begun.
    _, queue_rows, card = painted[0]
    assert queue_rows > 0
    assert card is not None and card == first_row


async def test_the_main_screen_is_styled_once_as_the_app_starts(demo_app: FunnelApp) -> None:
    # Textual styles each widget as it is mounted, then the first ScreenResume styled the
    # whole screen again, with nothing changed in between.
    styled: Counter[str] = Counter()
    apply = demo_app.stylesheet.apply

    def counted(node: Any, *args: Any, **kwargs: Any) -> None:
        styled[type(node).__name__] += 1
        apply(node, *args, **kwargs)

    demo_app.stylesheet.apply = counted  # type: ignore[method-assign]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        gauge_colour = demo_app.screen.gauge.styles.background
    # The gauge and the card take no focus at start-up: styled as they are mounted only.
    assert styled["QuotaGauge"] == 1
    assert styled["ProspectCard"] == 1
    assert gauge_colour.a > 0, "the gauge has its stylesheet's background"


class TypedAsItStarts(FunnelApp):
    """The rep types `l` as the app starts: the key reaches the app before the main
    screen has built its widgets."""

    def get_default_screen(self) -> MainScreen:
        screen = super().get_default_screen()
        self.post_message(events.Key("l", "l"))
        return screen


async def test_a_key_typed_as_the_app_starts_acts_once_the_main_screen_is_up(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    app = TypedAsItStarts(demo_storage, clock=clock, scripts_dir=tmp_path / "no-scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OutcomeDialog), "l opened the log dialog"
        main = app.screen_stack[0]
        assert isinstance(main, MainScreen) and main.card is not None
        context = app.screen.context
        assert context.prospect_name == main.card.prospect["name"], "for the first prospect"


class GaugeAlone(App[None]):
    """A gauge whose figures nothing reads, as tall as it asks, as in the app."""

    CSS = "QuotaGauge { height: auto; }"

    def compose(self) -> ComposeResult:
        yield QuotaGauge()


async def test_the_gauge_says_it_is_reading_until_its_figures_are_read(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    # Before its first read the gauge cannot tell whether a target covers today: it
    # does not say that none does.
    alone = GaugeAlone()
    async with alone.run_test(size=(160, 10)) as pilot:
        await pilot.pause()
        reading = alone.query_one(QuotaGauge)
        assert reading.render().plain.strip() == "Reading today's figures…"
        # It holds the lines the figures will take, so nothing below moves when they come.
        reading_height = reading.size.height
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        gauge = app.screen.query_one(QuotaGauge)
        shown = gauge.render().plain
        assert "Reading" not in shown and "No target" not in shown
        assert "target $" in shown
        assert gauge.size.height == reading_height == 3


async def test_target_set_from_the_app_moves_the_gauge(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", *"lots", "enter")
        await settle(pilot)
        assert "not an amount" in shown_text(demo_app.screen.query_one("#target-check"))
        demo_app.screen.query_one("#target-amount").value = "90k"
        await pilot.press("enter")
        await settle(pilot)
        gauge = demo_app.screen.query_one(QuotaGauge)
        assert gauge.pace is not None
        assert gauge.pace.target_cents == 9_000_000
    month = next(db.query("SELECT * FROM targets WHERE period = 'month'"))
    assert (month["starts_on"], month["amount_cents"]) == ("2026-11-01", 9_000_000)


async def test_typing_a_new_target_replaces_the_one_the_dialog_opens_with(
    demo_app: FunnelApp,
) -> None:
    """`t 65k enter` sets the month's target to $65,000, not $60,000.0065k (sixty million):
    the amount the dialog opens with is selected. A field tabbed back into carries on
    from the end of what was typed."""
    db = demo_app.storage.db
    before = db.execute("SELECT amount_cents FROM targets WHERE period = 'month'").fetchone()
    assert before == (6_000_000,)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", *"65")
        await settle(pilot)
        amount = demo_app.screen.query_one("#target-amount", Input)
        assert amount.value == "65"
        await pilot.press("tab", "shift+tab", "k", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db.execute("SELECT amount_cents FROM targets WHERE period = 'month'").fetchone() == (
        6_500_000,
    )


async def test_settings_are_checked_then_saved_to_the_file(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen
        screen.query_one("#setting-calling_start").value = "25:00"
        screen.query_one("#setting-currency").value = "€"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
        assert "25:00" in shown_text(screen.query_one("#setting-error-calling_start"))
        assert db.execute("SELECT count(*) FROM settings WHERE key = 'currency'").fetchone()[0] == 0
        screen.query_one("#setting-calling_start").value = "08:30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        assert demo_app.screen.query_one(QuotaGauge).currency == "€"
    stored = dict(db.execute("SELECT key, value FROM settings").fetchall())
    assert stored["currency"] == "€"
    assert stored["calling_start"] == "08:30"


async def test_pace_and_conversion_by_method_open_with_a_key(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        text = shown_text(demo_app.screen.query_one("#performance-table"))
        assert "By selling method" in text
        assert "Solution Selling" in text
        assert "By lead source" in text
        await pilot.press("escape")
        assert isinstance(demo_app.screen, MainScreen)


async def test_f_cycles_today_all_and_nurture(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    db.execute("UPDATE prospects SET nurture = 1, stage = 'lost' WHERE id = 1")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        await pilot.press("f")
        await settle(pilot)
        assert queue.row_count == db["prospects"].count
        await pilot.press("f")
        await settle(pilot)
        nurtured = [row["id"] for row in db.query("SELECT id FROM prospects WHERE nurture = 1")]
        assert 1 in nurtured and len(nurtured) > 1  # the demo has leads in nurture too
        assert queue.row_count == len(nurtured)
        assert queue.highlighted_id in nurtured
        await pilot.press("f")
        await settle(pilot)
        closed = closed_timezones(db, FROZEN_NOW, load_settings(db))
        assert queue.row_count == len(queue_ids(db, now=FROZEN_NOW, closed_zones=closed))


async def test_f_around_the_views_comes_back_to_the_prospect_left_in_each(
    demo_app: FunnelApp,
) -> None:
    """Today's queue on a row far down, `f f f`: the cursor came back to the row at the
    place it had in nurture (the last of that shorter list), a prospect the rep had never
    seen, one `l` or `enter` away. A view comes back on the prospect last highlighted in
    it, and opens on its first row when the prospect on the cursor is not in it."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        await pilot.press("end")
        await settle(pilot)
        left_today = queue.highlighted_id
        nurtured = {row["id"] for row in db.query("SELECT id FROM prospects WHERE nurture = 1")}
        assert left_today not in nurtured and len(nurtured) < queue.cursor
        await pilot.press("f")
        await settle(pilot)
        assert queue.highlighted_id == left_today  # all prospects holds everyone
        await pilot.press("f")
        await settle(pilot)
        assert queue.cursor == 0 and queue.highlighted_id in nurtured
        await pilot.press("j")
        await settle(pilot)
        left_in_nurture = queue.highlighted_id
        await pilot.press("f")
        await settle(pilot)
        assert queue.highlighted_id == left_today
        await pilot.press("f", "f")
        await settle(pilot)
        assert queue.highlighted_id == left_in_nurture


def burst(app: FunnelApp, *keys: str) -> None:
    """Queue keys all at once, as a fast typist's keys arrive while the app is busy."""
    for key in keys:
        character = {"enter": "\r", "space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def test_keys_typed_at_full_speed_land_on_the_right_prospect(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first, second, third = todays_queue(db)[:3]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "l", "w", "1", "2", "k", "enter", "l", "n", "enter", "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 3)
    logged = db.execute(
        "SELECT prospect_id, outcome, notes FROM calls ORDER BY id DESC LIMIT 3"
    ).fetchall()
    assert logged[::-1] == [
        (first, "won", None),
        (second, "no_answer", None),
        (third, "voicemail", None),
    ]
    assert db.execute("SELECT amount_cents FROM deals ORDER BY id DESC").fetchone()[0] == 1_200_000


async def test_filter_then_log_at_full_speed_logs_the_filtered_prospect(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    target = next(db.query("SELECT id, name FROM prospects ORDER BY id DESC LIMIT 1"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "f", "slash", *target["name"].lower(), "enter", "l", "x", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 1)
    last = db.execute("SELECT prospect_id, outcome FROM calls ORDER BY id DESC LIMIT 1").fetchone()
    assert last == (target["id"], "not_interested")


async def test_a_reflex_second_enter_after_a_win_calls_nobody_when_no_one_is_next(
    demo_app: FunnelApp,
) -> None:
    """The filter finds the prospect alone: after the win the cursor stays on them, and
    the enter typed after it started a call to them again."""
    db = demo_app.storage.db
    target = next(db.query("SELECT id, name FROM prospects ORDER BY id DESC LIMIT 1"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        burst(demo_app, "f", "slash", *target["name"].lower(), "enter")
        await settle(pilot)
        burst(demo_app, "l", "w", *"15k", "enter", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 1)
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.running_call is None
    last = db.execute("SELECT prospect_id, outcome FROM calls ORDER BY id DESC LIMIT 1").fetchone()
    assert last == (target["id"], "won")
    assert db["calls"].count == calls_before + 1


async def open_the_import_with(pilot: Pilot[Any], path: str) -> None:
    """`i`, and the path in its field."""
    await pilot.press("i")
    await settle(pilot)
    pilot.app.screen.query_one("#import-path", Input).value = path


async def test_import_from_the_app_reports_and_adds_prospects(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    db = demo_app.storage.db
    count = db["prospects"].count
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        "name,company,phone,email\n"
        "Ada Lovelace,Engines Ltd,+44 20 7946 0999,ada@engines.example\n"
        "Broken Row,,,\n",
        encoding="utf-8",
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_the_import_with(pilot, str(csv_file))
        await pilot.press("enter")
        await settle(pilot)
        result = shown_text(demo_app.screen.query_one("#import-result"))
        assert "nothing written" in result
        # The dialog's own tick, not the command line's option.
        assert "with “Import the valid rows and skip the rest” ticked the rest" in result
        assert "line 3" in result
        assert db["prospects"].count == count
        await pilot.press("tab", "space", "shift+tab", "enter")
        await settle(pilot)
        assert "added 1" in shown_text(demo_app.screen.query_one("#import-result"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db["prospects"].count == count + 1


async def test_keys_typed_while_a_file_is_imported_change_neither_path_nor_ticks(
    demo_app: FunnelApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/ben` typed during a long import went into the path, beside the report of the file
    imported: a reflex enter would have imported that path."""
    import threading

    from funnel_tui import importer

    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0999\n", encoding="utf-8")
    go_on = threading.Event()
    real_import_file = importer.import_file

    def slow_import_file(*args: Any, **kwargs: Any) -> Any:
        go_on.wait(10)
        return real_import_file(*args, **kwargs)

    monkeypatch.setattr(importer, "import_file", slow_import_file)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_the_import_with(pilot, str(leads))
        await pilot.press("enter")
        await settle_until(pilot, lambda: demo_app.screen.has_class("importing"))
        await pilot.press("slash", "b", "e", "n", "tab", "space")
        go_on.set()
        await settle_until(
            pilot, lambda: "added 1" in shown_text(demo_app.screen.query_one("#import-result"))
        )
        assert demo_app.screen.query_one("#import-path", Input).value == str(leads)
        assert not demo_app.screen.query_one("#import-skip").value
        assert demo_app.focused is demo_app.screen.query_one("#import-path", Input)


async def test_the_import_dialog_checks_a_file_before_it_is_imported(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    """The dialog had no dry run: a file imported by mistake could not be taken back."""
    db = demo_app.storage.db
    count = db["prospects"].count
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0999\n", encoding="utf-8")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_the_import_with(pilot, str(leads))
        await pilot.press("tab", "tab", "space", "enter")
        await settle(pilot)
        said = shown_text(demo_app.screen.query_one("#import-result"))
        assert "dry run, nothing written: would add 1" in said
        assert db["prospects"].count == count
        # A reflex enter checks nothing again; the tick off, enter imports it.
        await pilot.press("enter")
        await settle(pilot)
        assert db["prospects"].count == count
        await pilot.press("space", "enter")
        await settle(pilot)
        assert "added 1" in shown_text(demo_app.screen.query_one("#import-result"))
    assert db["prospects"].count == count + 1


async def test_a_check_with_rejected_rows_names_the_tick_that_imports_the_rest(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    # It named the command line's --skip-invalid, which the dialog has no field for.
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0999\nBroken Row,\n", encoding="utf-8")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_the_import_with(pilot, str(leads))
        await pilot.press("tab", "tab", "space", "enter")
        await settle(pilot)
        said = shown_text(demo_app.screen.query_one("#import-result"))
    assert (
        "so the import would write nothing; with “Import the valid rows and skip the rest”"
        " ticked the rest would add 1" in said
    )
    assert "--skip-invalid" not in said


@pytest.mark.parametrize(
    "dropped",
    ["'{path}'", '"{path}" ', "{escaped}", "file://{address}"],
    ids=["single quotes", "double quotes", "backslashes", "file address"],
)
async def test_a_path_dropped_from_a_file_manager_is_imported(
    demo_app: FunnelApp, tmp_path: Path, dropped: str
) -> None:
    """A file dragged onto the terminal comes quoted (`'/tmp/dialog leads.csv'`) or with
    its spaces escaped: the dialog said `No such file`."""
    from urllib.parse import quote

    db = demo_app.storage.db
    count = db["prospects"].count
    leads = tmp_path / "dialog leads.csv"
    leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0999\n", encoding="utf-8")
    typed = dropped.format(
        path=leads, escaped=str(leads).replace(" ", "\\ "), address=quote(str(leads))
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_the_import_with(pilot, typed)
        await pilot.press("enter")
        await settle(pilot)
        assert "added 1" in shown_text(demo_app.screen.query_one("#import-result"))
    assert db["prospects"].count == count + 1


async def test_enter_after_an_import_leaves_its_report_until_the_path_changes(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    """A reflex enter once the report showed imported the same file again, its report
    replaced by the second import's, and the hint still said `enter imports`."""
    db = demo_app.storage.db
    count = db["prospects"].count
    leads, more = tmp_path / "leads.csv", tmp_path / "more.csv"
    leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0999\n", encoding="utf-8")
    more.write_text("name,phone\nGrace Hopper,+44 20 7946 0998\n", encoding="utf-8")
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#import-path").value = str(leads)
        await pilot.press("enter")
        await settle(pilot)
        report = shown_text(dialog.query_one("#import-result"))
        assert report.startswith("added 1")
        hint = " ".join(shown_text(dialog.query_one("#import-hint")).split())
        assert hint == "esc closes · enter imports again once the path or the tick changes"
        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert shown_text(dialog.query_one("#import-result")) == report
        dialog.query_one("#import-path").value = str(more)
        await settle(pilot)
        hint = shown_text(dialog.query_one("#import-hint")).strip()
        assert hint == "enter imports · esc closes"
        await pilot.press("enter")
        await settle(pilot)
        assert shown_text(dialog.query_one("#import-result")).startswith("added 1")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db["prospects"].count == count + 2
    assert db["prospects"].count_where("name = 'Ada Lovelace'") == 1


async def test_enter_after_an_import_that_wrote_nothing_imports_the_file_fixed_since(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    """A row rejected, nothing written: the rep fixes the file, and enter did nothing."""
    db = demo_app.storage.db
    count = db["prospects"].count
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nAda Lovelace,\n", encoding="utf-8")
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#import-path").value = str(leads)
        await pilot.press("enter")
        await settle(pilot)
        assert "nothing written" in shown_text(dialog.query_one("#import-result"))
        assert shown_text(dialog.query_one("#import-hint")).strip() == "enter imports · esc closes"
        leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0999\n", encoding="utf-8")
        await pilot.press("enter")
        await settle(pilot)
        assert shown_text(dialog.query_one("#import-result")).startswith("added 1")
    assert db["prospects"].count == count + 1


async def test_a_poll_while_the_queue_is_first_read_does_not_read_it_again(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a million prospects the whole order takes longer to read than the half second
    before the first poll: with nothing committed meanwhile, the poll reads nothing again
    (it read the whole queue, and the gauge, a second time as the app started)."""
    gate = threading.Event()
    whole_reads: list[int] = []
    read_order = main_screen_module.read_order

    def read_when_let(db: Any, **values: Any) -> Any:
        if values.get("limit") is None:
            whole_reads.append(1)
            gate.wait(timeout=10)
        return read_order(db, **values)

    monkeypatch.setattr(main_screen_module, "read_order", read_when_let)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        for _ in range(200):
            if whole_reads:
                break
            await pilot.pause()
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        # The poll, run now instead of waiting for the timer, while the first read waits.
        screen._refresh_on_outside_change()
        gate.set()
        await settle(pilot)
        assert len(whole_reads) == 1


async def test_changes_by_another_program_show_without_a_restart(demo_app: FunnelApp) -> None:
    outside = sqlite_utils.Database(str(demo_app.storage.path))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        before = screen.query_one(CallQueue).row_count
        screen.script_pane.step = 2
        outside["prospects"].insert({"name": "Walk-in Lead", "phone": "+44 20 7946 0123"})
        outside.conn.commit()
        # The one-second poll, run now instead of waiting for the timer.
        screen._refresh_on_outside_change()
        await settle(pilot)
        assert screen.query_one(CallQueue).row_count == before + 1
        assert screen.script_pane.step == 2, "a refresh keeps the rep's place in the script"
    outside.close()


async def test_a_failed_save_keeps_the_dialog_and_everything_typed(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = demo_app.storage.db
    calls_before = db["calls"].count

    def disk_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(call_log_module, "log_call", disk_full)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"tomorrow 10am", "tab", *"call after lunch", "enter")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert "disk is full" in shown_text(dialog.query_one("#outcome-error"))
        assert dialog.query_one("#outcome-when").value == "tomorrow 10am"
        assert dialog.query_one("#outcome-note").value == "call after lunch"
        assert not dialog.query_one("#outcome-note").disabled
    assert db["calls"].count == calls_before


async def test_a_method_added_by_a_user_file_can_be_picked(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "renewal.toml").write_text(
        'name = "Renewal call"\n'
        "[[steps]]\n"
        'title = "Check in"\n'
        'say = "Hi {first_name}, how is {company} getting on?"\n',
        encoding="utf-8",
    )
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=scripts)
    db = demo_storage.db
    first = first_in_queue(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("m", "end", "enter")
        await settle(pilot)
        pane = shown_text(app.screen.query_one("#script-body"))
        assert "Renewal call" in pane
        assert f"Hi {first['name'].split()[0]}, how is {first['company']} getting on?" in pane
    assert (
        next(db.query("SELECT method FROM prospects WHERE id = ?", [first["id"]]))["method"]
        == "renewal"
    )


async def test_a_broken_user_script_is_named_and_the_built_in_stays(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "solution.toml").write_text('name = "Broken\n[[steps]]\n', encoding="utf-8")
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=scripts)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        messages = [str(notification.message) for notification in app._notifications]
        assert any("solution.toml:1" in message for message in messages)
        assert app.scripts.get("solution") is not None
        assert app.scripts.get("solution").source == "built-in"


async def test_editing_the_next_call_takes_a_typed_date(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = demo_app.screen
        form.query_one("#field-next_call").value = "whenever"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "whenever" in shown_text(form.query_one("#error-next_call"))
        form.query_one("#field-next_call").value = "fri 2pm"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = next(db.query("SELECT next_call_at FROM prospects WHERE id = ?", [first["id"]]))
    assert after["next_call_at"] == "2026-11-20T14:00:00+00:00"


async def next_call_cleared(app: FunnelApp, pilot: Pilot[None]) -> tuple[Any, Static]:
    """The edit form of the head of the queue, its next call field emptied and focused for
    typing; the form, and the line under the field that reads the text back."""
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    form = app.screen
    field = form.query_one("#field-next_call", Input)
    field.focus()
    field.clear()
    return form, form.query_one("#error-next_call", Static)


async def test_the_next_call_in_the_form_follows_the_clock_to_what_the_save_writes(
    demo_app: FunnelApp, clock: FrozenClock
) -> None:
    """`in 3 hours` read back 17:30 at 14:30, still said 17:30 a minute on, and ctrl+s
    then wrote 17:31: the preview follows the minute, as the outcome dialog's does."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form, under = await next_call_cleared(demo_app, pilot)
        await pilot.press(*"in 3 hours")
        await settle(pilot)
        assert "17:30" in shown_text(under)
        clock.advance(seconds=60)
        # The form's look at the clock, each second.
        await wait_for(pilot, lambda: "17:31" in shown_text(under), budget_s=5)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is not form
    after = next(db.query("SELECT next_call_at FROM prospects WHERE id = ?", [first["id"]]))
    assert after["next_call_at"] == "2026-11-18T17:31:00+00:00"


async def test_the_next_call_in_the_form_is_read_back_as_it_is_typed(demo_app: FunnelApp) -> None:
    """The form saved `3/11` as next year's, and `fri 11pm` outside calling hours, without
    a word: the outcome dialog and the timeline read a typed time back, the form did not."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        _, under = await next_call_cleared(demo_app, pilot)
        await pilot.press(*"fri 2pm")
        await settle(pilot)
        # Stored without a zone, they get their number's, an hour on, when saved.
        assert shown_text(under).strip() == (
            "→ Fri 20 Nov 2026, 14:00 (in 2 days), 15:00 their time"
        )
        await pilot.press(*(["backspace"] * 3), *"11pm")
        await settle(pilot)
        assert "00:00 their time is outside calling hours (09:00-18:00)" in shown_text(under)
        await pilot.press(*(["backspace"] * 8), "w", "h")
        await settle(pilot)
        # Not read, and not called wrong before a save is tried: nothing stale is left.
        assert shown_text(under).strip() == ""
        await pilot.press(*(["backspace"] * 2), *"3/11 10am")
        await settle(pilot)
        assert "→ Wed 3 Nov 2027, 10:00" in shown_text(under)
        assert "that is next year: 3 Nov has passed this year" in shown_text(under)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = next(db.query("SELECT next_call_at FROM prospects WHERE id = ?", [first["id"]]))
    assert after["next_call_at"] == "2027-11-03T10:00:00+00:00"


async def test_the_next_call_read_on_another_day_at_the_save_is_shown_first(
    demo_app: FunnelApp,
) -> None:
    """`tomorrow 10am` read as Thursday, saved after midnight: the form saved Friday; it
    now says the day turned and what the text reads as, and the next save keeps that."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form, under = await next_call_cleared(demo_app, pilot)
        await pilot.press(*"tomorrow 10am")
        await settle(pilot)
        assert "→ Thu 19 Nov 2026, 10:00" in shown_text(under)
        demo_app.clock.advance(hours=10)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form
        said = shown_text(under)
        assert said.startswith("Not saved: the day turned while this was open, and the next")
        assert "now reads Fri 20 Nov 2026, 10:00" in said and "not Thu 19 Nov" in said
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = next(db.query("SELECT next_call_at FROM prospects WHERE id = ?", [first["id"]]))
    assert after["next_call_at"] == "2026-11-20T10:00:00+00:00"


async def test_the_next_call_in_the_form_may_be_said_on_their_clock(demo_app: FunnelApp) -> None:
    """`10am their time` was refused in the form, their time zone not known to it."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET timezone = 'America/New_York' WHERE id = ?", [first["id"]])
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = demo_app.screen
        form.query_one("#field-next_call").value = "fri 10am their time"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = next(db.query("SELECT next_call_at FROM prospects WHERE id = ?", [first["id"]]))
    assert after["next_call_at"] == "2026-11-20T15:00:00+00:00"


@pytest.mark.parametrize("zone_before", [None, "Europe/London"])
async def test_the_next_call_in_the_form_is_read_on_the_clock_of_the_number_typed(
    demo_app: FunnelApp, zone_before: str | None
) -> None:
    """A number typed with a next call: the save stores the zone the number gives, and the
    call was read on the rep's clock (or the old number's zone), so `fri` was 09:00 in
    London, 20:00 in Sydney, and the card then showed a call in their night."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    phone_before = None if zone_before is None else "+442079460999"
    db.execute(
        "UPDATE prospects SET timezone = ?, timezone_guessed = ?, phone = ?,"
        " email = 'ann@a.example' WHERE id = ?",
        [zone_before, int(zone_before is not None), phone_before, first["id"]],
    )
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = demo_app.screen
        form.query_one("#field-next_call").value = "fri"
        form.query_one("#field-phone").value = "+61 2 9374 4000"
        await settle(pilot)
        assert "their time" in shown_text(form.query_one("#error-next_call"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = next(db.query("SELECT * FROM prospects WHERE id = ?", [first["id"]]))
    assert after["timezone"] == "Australia/Sydney"
    # Friday 09:00 in Sydney.
    assert after["next_call_at"] == "2026-11-19T22:00:00+00:00"


async def test_a_quick_save_leaves_no_saving_notice_behind(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        await pilot.press("n", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        # Past the moment a slow save would say it is waiting for the database.
        await pilot.pause(SAY_WAITING_AFTER_S + 0.2)
        assert shown_text(dialog.query_one("#outcome-error")).strip() == ""
        assert not dialog.query_one("#outcome-note", Input).disabled


async def test_logging_waits_for_another_writer_and_loses_nothing(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    other = sqlite3.connect(demo_app.storage.path, isolation_level=None, check_same_thread=False)
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE settings SET value = value")
        locked.set()
        release.wait(timeout=30)
        other.execute("COMMIT")

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    locked.wait(timeout=10)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "v", "enter")
        await pilot.pause()
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert dialog.saving, "the save waits for the lock instead of failing"
        note = dialog.query_one("#outcome-note", Input)
        for _ in range(100):
            if "waiting for the database" in shown_text(dialog.query_one("#outcome-error")):
                break
            await pilot.pause(0.05)
        assert "waiting for the database" in shown_text(dialog.query_one("#outcome-error"))
        assert note.disabled, "a slow save greys the fields out"
        release.set()
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    holder.join()
    other.close()
    assert calls_for(db, first["id"])[-1]["outcome"] == "voicemail"


async def test_a_callback_at_a_time_the_clocks_skip_says_so_and_saves_what_it_shows(
    demo_storage: Storage, tmp_path: Path
) -> None:
    # Saturday 7 March 2026 in New York: on Sunday 02:00 becomes 03:00.
    clock = FrozenClock(datetime(2026, 3, 7, 15, 0, tzinfo=ZoneInfo("America/New_York")))
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "no-user-scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        prospect_id = app.screen.card.prospect["id"]
        await pilot.press("l", "c", *"tomorrow 2:30am")
        await settle(pilot)
        check = shown_text(app.screen.query_one("#outcome-when-check"))
        assert "02:30 does not exist on 8 March (clocks go forward): Sun 8 Mar 2026, 03:00" in check
        await pilot.press("enter")
        await settle(pilot)
    call = calls_for(demo_storage.db, prospect_id)[-1]
    assert call["follow_up_at"] == "2026-03-08T07:00:00+00:00"  # 03:00 EDT


def queue_line(queue: CallQueue, prospect_id: int) -> str:
    position = queue.position_of(prospect_id)
    assert position is not None, "the prospect is not in the list"
    queue.scroll_to(y=position, animate=False, immediate=True)
    return "".join(
        segment.text for segment in queue.render_line(position - queue.scroll_offset.y + 1)
    )


async def test_the_queue_names_the_next_task_and_the_filter_finds_the_rest(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    long_ago = "2026-10-01T09:00:00+00:00"
    promised = db["prospects"].insert({"name": "Quentin Promised", **{"last_called_at": long_ago}})
    db["tasks"].insert({"prospect_id": promised.last_pk, "kind": "callback", "due_at": long_ago})
    lost = db["prospects"].insert(
        {"name": "Quentin Lostwood", "stage": "lost", "last_called_at": long_ago}
    )
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        # The oldest promised callback heads the queue, and says it is a late callback.
        assert queue.highlighted_id == promised.last_pk
        assert " !cb " in queue_line(queue, promised.last_pk)
        assert queue.position_of(lost.last_pk) is None
        await pilot.press("slash", *"quentin", "enter")
        await settle(pilot)
        assert [queue.position_of(p.last_pk) for p in (promised, lost)] == [0, 1]
        assert " lost " in queue_line(queue, lost.last_pk)
        title = shown_text(demo_app.screen.query_one("#queue-title"))
        assert re.search(r"1 prospect matching “quentin” · 1 (more )?in other views", title)


async def test_a_prospect_outside_their_hours_says_when_they_open_on_the_reps_clock(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    closed = closed_timezones(db, FROZEN_NOW, load_settings(db))
    zone, opens_at = next(iter(closed.items()))
    name = next(db.query("SELECT name FROM prospects WHERE timezone = ? LIMIT 1", [zone]))["name"]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f", "slash", *name.split()[0].lower(), "enter")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen) and screen.card is not None
        assert screen.card.prospect["name"] == name
        card = shown_text(screen.prospect_card.query_one("#card-body"))
        assert f"opens {opens_at:%a %H:%M} your time" in card


async def test_the_queue_title_says_its_counts_in_short_to_stay_on_one_line(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        title = demo_app.screen.query_one("#queue-title")
        said = shown_text(title).strip()
        assert re.fullmatch(r"Today's queue · \d+ prospects · \d+ off hours", said), said
        assert title.size.height == 1
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        said = shown_text(title)
        assert re.search(r"\d+ prospects · \d+ outside their calling hours", said)
        assert title.size.height == 1
        await pilot.resize_terminal(90, 40)
        await settle(pilot)
        assert re.fullmatch(r"Today's queue · \d+ · \d+ off hours", shown_text(title).strip())
        assert title.size.height == 1
        # Where no phrasing fits, the one that names what it counts wraps.
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        said = " ".join(shown_text(title).split())
        assert re.fullmatch(r"Today's queue · \d+ prospects · \d+ off hours", said), said
        assert title.size.height == 2
        # A filter's title leaves out the text the box below it shows, to keep one line.
        await pilot.resize_terminal(160, 48)
        await pilot.press("slash", "r", "o", "enter")
        await settle(pilot)
        said = shown_text(title).strip()
        assert re.fullmatch(r"Today's queue · \d+ matching · \d+ in other views.*", said), said
        assert title.size.height == 1


async def test_a_larger_terminal_shows_the_list_from_its_first_row_again(
    demo_app: FunnelApp,
) -> None:
    """Shrunk, the list scrolls to keep the highlighted row in sight; grown back, it stayed
    scrolled, the first rows (the most overdue) out of sight though every row up to the
    highlighted one fitted."""
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", "home", *["j"] * 15)
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        assert queue.cursor == 15
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        top = queue.scroll_offset.y
        assert top > 0
        assert top <= queue.cursor < top + queue.scrollable_content_region.height - 1
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert queue.scroll_offset.y == 0
        assert queue.cursor == 15


async def test_a_longer_view_shows_the_highlighted_row(demo_app: FunnelApp) -> None:
    """A row of today's queue, then `f`: all prospects highlighted the same prospect far
    down its list but showed its first rows, scrolling having stopped at the end of the
    shorter order, and `l` logged a row out of sight."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("home", "j", "j", "j")
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        highlighted = queue.highlighted_id
        await pilot.press("f")
        await settle(pilot)
        assert queue.highlighted_id == highlighted
        top = queue.scroll_offset.y
        assert top <= queue.cursor < top + queue.scrollable_content_region.height - 1


async def test_a_filters_title_counts_a_match_outside_calling_hours_once(
    demo_app: FunnelApp,
) -> None:
    # A match held back for its calling hours is listed below the view's matches; the
    # title said "0 matching · 1 in other views · 1 off hours" of one listed prospect.
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen) and screen.held_back
        await pilot.press("slash", "a", "enter")
        await settle(pilot)
        said = shown_text(screen.query_one("#queue-title"))
        counts = re.fullmatch(
            r"Today's queue · (\d+)(?: prospects?)? matching(?: “a”)? · (\d+) (?:more )?in"
            r" other views · (\d+) (?:outside their calling hours|off hours)",
            " ".join(said.split()),
        )
        assert counts, said
        assert screen.held_back > 0
        assert sum(int(count) for count in counts.groups()) == screen.queue.row_count


async def test_a_long_queue_title_wraps_and_shows_every_count(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "a", "enter")
        await settle(pilot)
        title = demo_app.screen.query_one("#queue-title")
        said = shown_text(title)
        assert "in other views" in said and "off hours" in said
        # Too long for one line of the pane: the end shows on the next, not behind "…".
        assert len(said) > title.content_size.width
        screen = demo_app.export_screenshot().replace("&#160;", " ")
        assert "off hours" in screen


async def test_after_a_call_logged_from_the_script_pane_j_moves_in_the_queue(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        queue = screen.query_one(CallQueue)
        # The rep tabs over to read the script, then logs the call from there.
        await pilot.press("tab", "tab")
        await settle(pilot)
        assert screen.focused is screen.script_pane
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        assert screen.focused is queue
        on_next = queue.cursor
        await pilot.press("j")
        await settle(pilot)
        assert queue.cursor == on_next + 1


async def test_a_method_without_a_script_is_named_over_the_script_shown_instead(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    (first,) = todays_queue(db)[:1]
    db.execute("UPDATE prospects SET method = 'renewal' WHERE id = ?", [first])
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        script = shown_text(demo_app.screen.query_one("#script-body"))
        assert "Solution Selling (no script for “renewal”)  step 1 of 7" in script


async def test_an_empty_method_is_none_set_and_shows_the_default_script_unremarked(
    demo_app: FunnelApp,
) -> None:
    """`sqlite-utils` can write `method = ''`: no method set, as the column's default."""
    db = demo_app.storage.db
    (first,) = todays_queue(db)[:1]
    db.execute("UPDATE prospects SET method = '' WHERE id = ?", [first])
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        script = shown_text(demo_app.screen.query_one("#script-body"))
        assert "Solution Selling  step 1 of 7" in script
        assert "no script for" not in script
        # The call is made with that script: it is stored with its method.
        await pilot.press("l", "n", "enter")
        await settle(pilot)
    (method,) = db.execute(
        "SELECT method FROM calls WHERE prospect_id = ? ORDER BY id DESC LIMIT 1", [first]
    ).fetchone()
    assert method == "solution"


async def test_a_filters_matches_from_other_views_are_drawn_dimmer_than_the_views_own(
    demo_app: FunnelApp,
) -> None:
    """`$text-muted` has an alpha, which the queue's partial style dropped: the other
    views' matches were drawn in full white, brighter than the view's own rows."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        paint = screen.queue._look_up_paint()
        text, dim = paint.base.color, (paint.base + paint.dim).color
        background = paint.base.bgcolor
        assert text is not None and dim is not None and background is not None

        def brightness(color: Any) -> int:
            return sum(color.get_truecolor())

        assert brightness(background) < brightness(dim) < brightness(text)


async def test_a_long_email_on_the_card_is_folded_never_cut_short(demo_app: FunnelApp) -> None:
    """At 160x48 the card showed `freya.campbell@thistlehomec…`: the rep could neither
    read nor copy the address. It folds onto the next line."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    email = "freya.campbell.operations-director@thistlehomecare-scotland.example.co.uk"
    db.execute("UPDATE prospects SET email = ? WHERE id = ?", [email, first["id"]])
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        body = demo_app.screen.query_one("#card-body")
        # As the screen shows it, at the card's own width: its pieces, each on a line of
        # its own beside the label column, read whole.
        lines = [strip.text for strip in body.render_lines(body.size.region)]
        assert email in "".join("".join(lines).split()), lines
