"""Undo and redo from the keyboard: asks before a costly undo, never undoes two calls
unasked, says what it kept, and `ctrl+y` puts the call back."""

from __future__ import annotations

from datetime import timedelta

import sqlite_utils
from textual.pilot import Pilot

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.forget import forget_prospect
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.undo_confirm import UndoConfirm
from tests.app_support import FROZEN_NOW, settle, shown_text
from tests.test_app import burst, first_in_queue


def calls(db: sqlite_utils.Database) -> list[dict[str, object]]:
    return list(db.query("SELECT * FROM calls ORDER BY id"))


def notices(app: FunnelApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def confirm_text(app: FunnelApp) -> str:
    screen = app.screen
    assert isinstance(screen, UndoConfirm), f"no confirmation, {screen!r} is on top"
    return shown_text(screen.query_one("#undo-call")) + shown_text(
        screen.query_one("#undo-reasons")
    )


async def log_no_answers(pilot: Pilot[None], count: int) -> None:
    for _ in range(count):
        await pilot.press("l", "n", "enter")
        await settle(pilot)


async def test_undoing_a_win_asks_first_naming_the_call(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "w", *"39,800", "enter")
        await settle(pilot)
        deals = db["deals"].count

        await pilot.press("u")
        await settle(pilot)
        text = confirm_text(demo_app)
        for part in ("Won", first["name"], "39,800.00", "today 14:30", "it is a win"):
            assert part in text
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        assert db["deals"].count == deals, "n keeps the win"

        await pilot.press("u")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db["deals"].count == deals - 1
    assert next(db.query("SELECT stage FROM prospects WHERE id = ?", [first["id"]])) == {
        "stage": first["stage"]
    }


async def test_a_call_logged_before_this_session_asks_first(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    earlier = FROZEN_NOW - timedelta(hours=3)
    log_call(db, first["id"], CallOutcome(Outcome.VOICEMAIL), now=earlier, settings=Settings())
    calls_before = len(calls(db))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        text = confirm_text(demo_app)
        assert "Voicemail" in text and first["name"] in text and "today 11:30" in text
        assert "not logged in this session" in text
        await pilot.press("y")
        await settle(pilot)
    assert len(calls(db)) == calls_before - 1


async def test_an_edit_before_undoing_a_call_from_before_this_session_is_not_said_after_it(
    demo_app: FunnelApp,
) -> None:
    """An edit of another prospect, then `u` on a call logged before the app started: the
    question said the edit came after that call, which nothing knows."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    earlier = FROZEN_NOW - timedelta(hours=3)
    log_call(db, first["id"], CallOutcome(Outcome.VOICEMAIL), now=earlier, settings=Settings())
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j", "e")
        await settle(pilot)
        await pilot.press("end", "x", "enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        text = " ".join(confirm_text(demo_app).split())
        assert "not logged in this session" in text
        assert "after it" not in text
        assert "the last thing you did (edited " in text and ") u does not undo" in text


async def test_holding_u_undoes_one_call_then_asks(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await log_no_answers(pilot, 3)
        logged = len(calls(db))

        await pilot.press(*"uuuuuuuu")
        await settle(pilot)
        assert len(calls(db)) == logged - 1
        assert "second undo in a row" in confirm_text(demo_app)
        await pilot.press("escape")
        await settle(pilot)
        assert len(calls(db)) == logged - 1

        await pilot.press("u")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert len(calls(db)) == logged - 2


async def test_ctrl_y_logs_the_undone_call_again(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"tomorrow 10am", "tab", *"call after lunch", "enter")
        await settle(pilot)
        logged = calls(db)[-1]
        (said,) = [notice for notice in notices(demo_app) if notice.startswith("Logged")]
        await pilot.press("u")
        await settle(pilot)
        assert calls(db)[-1]["id"] != logged["id"]

        await pilot.press("ctrl+y")
        await settle(pilot)
        redone = calls(db)[-1]
        assert {**redone, "id": logged["id"]} == logged
        # As the log's toast said it: what the call left to come (`Redid callback for Ann
        # Archer` said nothing of it).
        redid = [notice for notice in notices(demo_app) if notice.startswith("Redid")]
        assert redid == [said.replace("Logged", "Redid", 1)]
        assert ": callback tomorrow 10:00" in said

        await pilot.press("ctrl+y")
        await settle(pilot)
        assert notices(demo_app)[-1] == "Nothing to redo."
        assert calls(db)[-1]["id"] == redone["id"]


def without_ids(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{**row, "id": None} for row in rows]


async def test_ctrl_y_redoes_every_undo_of_the_session_newest_first(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        before = calls(db)
        await pilot.press("l", "c", *"tomorrow 10am", "tab", *"call after lunch", "enter")
        await settle(pilot)
        await log_no_answers(pilot, 1)
        logged = calls(db)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("u", "y")  # the second undo in a row asks
        await settle(pilot)
        assert calls(db) == before

        # The callback, undone last, comes back first; then the no answer.
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert without_ids(calls(db)) == without_ids(logged[:-1])
        assert notices(demo_app)[-1].startswith("Redid callback")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert without_ids(calls(db)) == without_ids(logged)
        assert notices(demo_app)[-1].startswith("Redid no answer")

        await pilot.press("ctrl+y")
        await settle(pilot)
        assert notices(demo_app)[-1] == "Nothing to redo."
        assert without_ids(calls(db)) == without_ids(logged)


async def test_logging_a_new_call_forgets_what_could_be_redone(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await log_no_answers(pilot, 1)
        await pilot.press("u")
        await settle(pilot)
        await log_no_answers(pilot, 1)
        logged = calls(db)

        await pilot.press("ctrl+y")
        await settle(pilot)
        assert notices(demo_app)[-1] == "Nothing to redo."
    assert calls(db) == logged


async def test_a_redo_whose_prospect_was_forgotten_elsewhere_gives_way_to_the_next(
    demo_app: FunnelApp,
) -> None:
    """`funnel forget` in a shell left ctrl+y saying "press ctrl+y to try again" for good,
    and the calls undone before it could never be redone."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await log_no_answers(pilot, 2)
        second, first = calls(db)[-1], calls(db)[-2]
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("u", "y")
        await settle(pilot)
        assert [call["id"] for call in calls(db)][-1] < first["id"]
        other = open_storage(demo_app.storage.path)
        forget_prospect(other.db, int(first["prospect_id"]))
        other.close()

        await pilot.press("ctrl+y")
        await settle(pilot)
        assert (
            f"Not redone: its prospect (id {first['prospect_id']}) is no longer in the book"
            " (forgotten or deleted elsewhere); ctrl+y redoes the call undone before it"
        ) in notices(demo_app)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert any(notice.startswith("Redid no answer") for notice in notices(demo_app))
        assert calls(db)[-1]["prospect_id"] == second["prospect_id"]


async def test_undo_says_which_columns_changed_since_the_call(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "x", "enter")
        await settle(pilot)
        other = open_storage(demo_app.storage.path)
        other.db.execute("UPDATE prospects SET stage = 'qualified' WHERE id = ?", [first["id"]])
        other.close()

        await pilot.press("u")
        await settle(pilot)
        assert "kept stage: changed since the call" in notices(demo_app)[-1]
    after = next(db.query("SELECT stage, last_outcome FROM prospects WHERE id = ?", [first["id"]]))
    assert after == {"stage": "qualified", "last_outcome": first["last_outcome"]}


async def test_keys_typed_after_u_act_once_the_call_is_undone(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        before = calls(db)
        logged = before[-1]
        assert (logged["prospect_id"], logged["outcome"]) == (first["id"], "no_answer")
        # All at once: the undo takes back the no-answer, then the voicemail is logged on
        # the row below the prospect it puts back; never the voicemail undone instead.
        burst(demo_app, "u", "j", "l", "v", "enter")
        await settle(pilot)
        after = calls(db)
    # (SQLite gives the voicemail the id the undone call had.)
    assert logged not in after
    assert len(after) == len(before)
    voicemail = after[-1]
    assert voicemail["outcome"] == "voicemail" and voicemail["prospect_id"] != first["id"]


async def test_u_then_p_at_once_asks_first_and_the_app_goes_on(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    earlier = FROZEN_NOW - timedelta(hours=3)
    first = first_in_queue(db)
    log_call(db, first["id"], CallOutcome(Outcome.VOICEMAIL), now=earlier, settings=Settings())
    count = len(calls(db))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "u", "p")
        await settle(pilot)
        # The call was logged before this session: the question is up, and takes the p.
        assert "not logged in this session" in confirm_text(demo_app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        cursor = demo_app.screen.queue.cursor
        await pilot.press("j")
        await settle(pilot)
        assert demo_app.screen.queue.cursor == cursor + 1
    assert len(calls(db)) == count


async def test_keys_typed_after_yes_to_the_undo_question_act_once_it_is_undone(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "w", *"1000", "enter")
        await settle(pilot)
        deals = db["deals"].count
        won = calls(db)[-1]
        await pilot.press("u")
        await settle(pilot)
        assert "it is a win" in confirm_text(demo_app)
        burst(demo_app, "y", "j", "l", "n", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        after = calls(db)
    assert db["deals"].count == deals - 1
    assert won not in after
    assert after[-1]["outcome"] == "no_answer" and after[-1]["prospect_id"] != first["id"]


async def test_a_call_from_elsewhere_after_an_undo_takes_a_new_id_and_is_asked_about(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await log_no_answers(pilot, 1)
        undone_id = calls(db)[-1]["id"]
        await pilot.press("u")
        await settle(pilot)
        # Another program logs a call: it gets an id of its own, not the one the undone
        # call had (schema v25), and the session knows it did not log it.
        other = open_storage(demo_app.storage.path)
        prospect = first_in_queue(db)["id"]
        logged = log_call(
            other.db, prospect, CallOutcome(Outcome.VOICEMAIL), now=FROZEN_NOW, settings=Settings()
        )
        other.close()
        assert logged.call_id > undone_id
        await pilot.press("u")
        await settle(pilot)
        assert "it was not logged in this session" in confirm_text(demo_app)


async def test_keys_typed_after_an_undo_that_fails_are_dropped_and_said(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await log_no_answers(pilot, 1)
        count = len(calls(db))
        # Another tool spoils the call's undo record: the undo is refused.
        db.execute("UPDATE undo_log SET prospect_before = '[]'")
        db.conn.commit()
        burst(demo_app, "u", "j", "l", "v", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        said = notices(demo_app)
        assert said[-1] == "Keys typed after u were not applied."
        assert said[-2].startswith("Not undone: the undo record of call")
    # Neither undone nor a voicemail logged in its stead.
    assert len(calls(db)) == count


async def test_undo_after_a_change_in_the_timeline_or_the_form_asks_before_reaching_back(
    demo_app: FunnelApp,
) -> None:
    """`h c y` cancelled the next prospect's task, then `u`, pressed to take that back,
    undid the call logged before it on another prospect without a word: u undoes calls."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await log_no_answers(pilot, 1)
        logged = calls(db)
        following = screen.queue.highlighted_id
        (name,) = db.execute("SELECT name FROM prospects WHERE id = ?", [following]).fetchone()
        await pilot.press("h", "c", "y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert db.execute(
            "SELECT count(*) FROM tasks WHERE prospect_id = ? AND status = 'cancelled'",
            [following],
        ).fetchone() == (1,)

        await pilot.press("u")
        await settle(pilot)
        text = " ".join(confirm_text(demo_app).split())
        assert f"you changed {name}'s tasks in the timeline after it, which u does not undo" in (
            text
        )
        await pilot.press("n")
        await settle(pilot)
        assert calls(db) == logged
        # A call logged since is the last thing done again: u undoes it at once.
        await log_no_answers(pilot, 1)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        assert calls(db) == logged
        # An edit saved in the form is asked about as well.
        await log_no_answers(pilot, 1)
        edited = screen.queue.highlighted_id
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("end", "x", "enter")
        await settle(pilot)
        (name,) = db.execute("SELECT name FROM prospects WHERE id = ?", [edited]).fetchone()
        assert name.endswith("x")
        await pilot.press("u")
        await settle(pilot)
        text = " ".join(confirm_text(demo_app).split())
        assert f"you edited {name} after it, which u does not undo" in text


async def test_undo_says_the_note_that_went_with_the_call(demo_app: FunnelApp) -> None:
    """`l v tab CEO back on 14th, wants demo enter`, then `u`: the note went with the call
    and the toast said only `Undid voicemail`; the rep logged the right outcome without it."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "v", "tab", *"CEO back on 14th, wants demo", "enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        said = notices(demo_app)[-1]
    assert said.endswith("; its note went with it: “CEO back on 14th, wants demo”")


async def test_undo_names_a_moved_meeting_with_its_time_and_keeps_the_stage_for_it(
    demo_app: FunnelApp,
) -> None:
    # The toast said `kept meeting task` without the time, and the stage went back to
    # what it was before the meeting was booked, under the meeting kept.
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "m", *"tomorrow 10am", "enter")
        await settle(pilot)
        other = open_storage(demo_app.storage.path)
        other.db.execute(
            "UPDATE tasks SET due_at = '2026-11-20T14:00:00+00:00'"
            " WHERE prospect_id = ? AND kind = 'meeting' AND status = 'open'",
            [first["id"]],
        )
        other.close()

        await pilot.press("u")
        await settle(pilot)
        said = notices(demo_app)[-1]
    assert "kept meeting Fri 14:00: changed since the call, so the stage stays meeting" in said
    after = next(db.query("SELECT stage FROM prospects WHERE id = ?", [first["id"]]))
    assert after == {"stage": "meeting"}
