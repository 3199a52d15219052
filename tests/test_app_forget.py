"""Forgetting the prospect on the card (`F`): a confirmation that names them, answered
only by `y`; they leave the queue, and neither undo nor redo brings them back."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from textual.widgets import Input
from textual.widgets._toast import Toast

from funnel_tui import forget as forget_module
from funnel_tui.forget import CALENDARS_NOT_REACHED, forget_prospect
from funnel_tui.prospects import SUPPRESSED_REASON, update_prospect
from funnel_tui.ui import slow_write
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from tests.app_support import (
    FROZEN_NOW,
    open_prospect_form,
    settle,
    settle_until,
    shown_text,
    wait_for,
)
from tests.test_app import calls_for, first_in_queue, todays_queue
from tests.test_app_undo import confirm_text, notices
from tests.test_layout import fully_in_sight
from tests.test_phone_app import add


def question(app: FunnelApp) -> str:
    screen = app.screen
    assert isinstance(screen, ConfirmDialog), f"no confirmation, {screen!r} is on top"
    return shown_text(screen.query_one("#confirm-question")) + shown_text(
        screen.query_one("#confirm-hint")
    )


def held_until_set(monkeypatch: pytest.MonkeyPatch, step: str) -> threading.Event:
    """Make forget's `step` (erase_prospect, scrub_book) wait in the database thread until
    the event returned is set, then run."""
    let = threading.Event()
    run = getattr(forget_module, step)

    def held(*args: Any) -> Any:
        let.wait(timeout=30)
        return run(*args)

    monkeypatch.setattr(forget_module, step, held)
    return let


async def test_f_asks_naming_the_prospect_and_forgets_them_for_good(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        # A call logged and undone: the session could redo it.
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert screen.queue.highlighted_id == first["id"]

        await pilot.press("F")
        await settle(pilot)
        asked = question(demo_app)
        assert first["name"] in asked and f"prospect {first['id']}" in asked
        assert "y: forget them · n or esc: no" in asked
        # enter starts calls on the main screen: here it answers nothing.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)

        assert isinstance(demo_app.screen, MainScreen)
        assert db.execute(
            "SELECT count(*) FROM prospects WHERE id = ?", [first["id"]]
        ).fetchone() == (0,)
        assert screen.queue.position_of(first["id"]) is None
        assert screen.queue.highlighted_id is not None
        summary, not_reached = notices(demo_app)[-2:]
        assert summary.startswith(f"Forgot prospect {first['id']}")
        assert not_reached == f"Not reached: {CALENDARS_NOT_REACHED}"
        # The app's own connections do not keep a copy in the file or its log.
        path = demo_app.storage.path
        wal = Path(f"{path}-wal")
        stored = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        for value in (first["name"], first["email"], first["phone"]):
            assert value.encode() not in stored, value

        await pilot.press("ctrl+y")
        await settle(pilot)
        assert notices(demo_app)[-1] == "Nothing to redo."
        # Undo offers the last call left in the book, another prospect's, never theirs.
        await pilot.press("u")
        await settle(pilot)
        assert first["name"] not in confirm_text(demo_app)
        await pilot.press("n")
        await settle(pilot)
        assert db.execute(
            "SELECT count(*) FROM prospects WHERE id = ?", [first["id"]]
        ).fetchone() == (0,)
        assert db.execute(
            "SELECT count(*) FROM calls WHERE prospect_id = ?", [first["id"]]
        ).fetchone() == (0,)


async def test_a_toast_names_the_copies_of_the_book_beside_it_that_forget_left(
    demo_app: FunnelApp,
) -> None:
    """`funnel backup`'s copies and an upgrade's still hold the person: the app says so
    after forgetting them, as `funnel forget` does, naming three so that the toast is
    read whole beside the card at 80x24."""
    path = demo_app.storage.path
    names = [f"demo-backup-2026110{day}T090000.db" for day in range(1, 4)]
    for written, name in enumerate(["demo.v24-backup-20261031T090000.db", *names]):
        copy = path.with_name(name)
        copy.write_bytes(b"")
        # Named oldest written first: the upgrade's copy, then the backups in turn.
        os.utime(copy, (1_800_000_000 + written, 1_800_000_000 + written))
    first = first_in_queue(demo_app.storage.db)
    async with demo_app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("F", "y")
        await settle(pilot)

        summary, not_reached = notices(demo_app)[-2:]
        assert summary.startswith(f"Forgot prospect {first['id']}")
        assert not_reached == (
            "Not reached: 4 copies of the book beside it, demo.v24-backup-20261031T090000.db,"
            f" {names[0]}, {names[1]} and 1 more (delete them, or forget them there too);"
            f" {CALENDARS_NOT_REACHED}"
        )
        await pilot.pause()
        toasts = list(demo_app.screen.query(Toast))
        assert len(toasts) == 2
        assert all(fully_in_sight(demo_app, toast) for toast in toasts)


async def test_they_leave_the_list_before_the_file_is_compacted_and_a_call_waits_for_it(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compacting the file after forgetting takes most of a minute at 1,000,000 prospects
    and holds every other write of the app meanwhile: the list and the gauge drop the
    prospect first, and a call logged meanwhile says what it waits for and is saved."""
    db = demo_app.storage.db
    first, second = todays_queue(db)[:2]
    compacted = held_until_set(monkeypatch, "scrub_book")
    monkeypatch.setattr(slow_write, "SAY_WAITING_AFTER_S", 0.05)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        try:
            await pilot.press("F", "y")
            await wait_for(pilot, lambda: screen.queue.position_of(first) is None, 10)
            assert screen.queue.highlighted_id == second
            assert any("compacting the file" in notice for notice in notices(demo_app))
            await pilot.press("l", "n", "enter")
            dialog = demo_app.screen
            assert isinstance(dialog, OutcomeDialog)
            error = dialog.query_one("#outcome-error")
            await wait_for(pilot, lambda: "compacted" in shown_text(error), 10)
            assert shown_text(error).strip() == (
                "Saving… waiting for the file to be compacted (a prospect forgotten)"
            )
        finally:
            compacted.set()
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert calls_for(db, second)[-1]["outcome"] == "no_answer"
    assert not any("compacting the file" in notice for notice in notices(demo_app))


async def test_keys_typed_after_y_act_on_the_list_without_the_prospect_forgotten(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`F y l n enter` typed at once opened the outcome dialog on the prospect being
    forgotten (the deletes take a second or two at 1,000,000 prospects), and the call was
    lost: `Not saved: this prospect was removed meanwhile`."""
    db = demo_app.storage.db
    first, second = todays_queue(db)[:2]
    erased = held_until_set(monkeypatch, "erase_prospect")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        try:
            await pilot.press("F", "y", "l", "n", "enter")
            await pilot.pause()
            # Held while the deletes run: no dialog over the prospect being forgotten.
            assert isinstance(demo_app.screen, MainScreen)
            assert f"Forgetting prospect {first}…" in notices(demo_app)
        finally:
            erased.set()
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert calls_for(db, second)[-1]["outcome"] == "no_answer"
    assert db.execute("SELECT count(*) FROM prospects WHERE id = ?", [first]).fetchone() == (0,)


async def test_keys_typed_after_y_are_dropped_when_the_forget_fails(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = demo_app.storage.db
    first = todays_queue(db)[0]
    calls_before = db["calls"].count
    erased = threading.Event()

    def failing_erase(book: Any, prospect_id: int) -> Any:
        erased.wait(timeout=30)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(forget_module, "erase_prospect", failing_erase)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        try:
            await pilot.press("F", "y", "l", "n", "enter")
            await pilot.pause()
        finally:
            erased.set()
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        said = notices(demo_app)
        assert any(notice.startswith("Not forgotten: ") for notice in said), said
        assert "Keys typed after y were not applied." in said
    assert db["calls"].count == calls_before
    assert db.execute("SELECT count(*) FROM prospects WHERE id = ?", [first]).fetchone() == (1,)


async def test_no_keeps_the_prospect(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    prospects = db["prospects"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert first["name"] in question(demo_app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        assert db["prospects"].count == prospects
        assert db["suppressions"].count == 0


async def test_the_form_refuses_a_forgotten_persons_email_under_the_field(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    forget_prospect(db, first["id"])
    count = db["prospects"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        form = await add(demo_app, pilot, name="Back Again", email=first["email"].upper())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form
        assert shown_text(form.query_one("#error-email")).strip() == SUPPRESSED_REASON
        assert form.focused is form.query_one("#field-email")
        assert db["prospects"].count == count


async def test_the_import_dialog_counts_the_rows_it_suppressed(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    forget_prospect(db, first["id"])
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        f"name,email\nThem Again,{first['email']}\nAda Lovelace,ada@engines.example\n",
        encoding="utf-8",
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        demo_app.screen.query_one("#import-path").value = str(csv_file)
        await pilot.press("enter")
        await settle(pilot)
        result = shown_text(demo_app.screen.query_one("#import-result"))
        assert "added 1, updated 0, rejected 0, suppressed 1" in result
        assert "line 2: not imported" in result
    assert db.execute("SELECT count(*) FROM prospects WHERE name = 'Them Again'").fetchone() == (0,)


async def test_a_call_on_a_prospect_forgotten_meanwhile_says_so_and_offers_no_retry(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "n")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        # Another window, or `funnel forget`, forgets them while the dialog is open.
        forget_prospect(db, first["id"])
        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.screen is dialog
        said = shown_text(dialog.query_one("#outcome-error"))
        assert "this prospect was removed meanwhile" in said and "tries again" not in said
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)


async def test_a_call_on_a_prospect_forgotten_and_whose_id_is_given_again_is_not_saved(
    demo_app: FunnelApp,
) -> None:
    """The forgotten prospect's id given again: funnel never does (schema v25), but another
    tool may write a row with it. The dialog left open on them logged its call and note on
    that new person, and the toast named the one forgotten."""
    db = demo_app.storage.db
    (last,) = db.execute("SELECT max(id) FROM prospects").fetchone()
    db.execute("UPDATE prospects SET priority = 'high', next_call_at = NULL WHERE id = ?", [last])
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *str(db["prospects"].get(last)["name"]), "enter")
        await settle(pilot)
        assert demo_app.screen.card.prospect["id"] == last
        await pilot.press("l", "n", "tab", *"about their health")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        forget_prospect(db, last)
        innocent = {"id": last, "name": "Fourth Innocent", "email": "four@fourco.example"}
        db["prospects"].insert(innocent)
        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert "this prospect was removed meanwhile" in shown_text(
            dialog.query_one("#outcome-error")
        )
    assert db.execute("SELECT count(*) FROM calls WHERE prospect_id = ?", [last]).fetchone() == (0,)


def test_an_edit_form_of_a_forgotten_prospect_writes_nothing_over_the_next_with_their_id(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    (last,) = db.execute("SELECT max(id) FROM prospects").fetchone()
    shown = dict(db["prospects"].get(last))
    forget_prospect(db, last)
    # Another tool writes a row with their id (funnel never gives one twice).
    db["prospects"].insert({"id": last, "name": "Fourth Innocent", "email": "four@fourco.example"})
    with pytest.raises(LookupError, match="is someone else now"):
        update_prospect(db, last, {**shown, "needs": "a cure"}, loaded=shown, now=FROZEN_NOW)
    assert db["prospects"].get(last)["needs"] is None


async def test_undo_after_forgetting_the_last_call_s_prospect_asks_before_reaching_back(
    demo_app: FunnelApp,
) -> None:
    """The last call logged went with the prospect forgotten: `u` undid the one before it,
    logged earlier and followed by other work, without a word."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        second = screen.queue.highlighted_id
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        (name,) = db.execute("SELECT name FROM prospects WHERE id = ?", [second]).fetchone()
        await pilot.press("slash", *name, "enter")
        await settle(pilot)
        assert screen.queue.highlighted_id == second
        await pilot.press("F")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        calls_before = db["calls"].count

        await pilot.press("u")
        await settle(pilot)
        text = confirm_text(demo_app)
        assert first["name"] in text and "it is not the last call you logged here" in text
        await pilot.press("n")
        await settle(pilot)
    assert db["calls"].count == calls_before


async def test_a_running_call_with_someone_forgotten_elsewhere_ends_and_says_so(
    demo_app: FunnelApp,
) -> None:
    """`funnel forget` from a shell during a call left the gauge on the forgotten person's
    call, their row on top, and `l` saying the queue was empty."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.running_call is not None
        assert screen.running_call.prospect_id == first["id"]
        shell = sqlite_utils.Database(demo_app.storage.path)
        forget_prospect(shell, first["id"])
        shell.close()
        await settle_until(pilot, lambda: screen.running_call is None)
        assert screen.queue.position_of(first["id"]) is None
        said = notices(demo_app)[-1]
        assert said.startswith(f"The call with {first['name']} ended: they were forgotten")


async def test_an_edit_form_of_someone_forgotten_meanwhile_does_not_offer_to_try_again(
    demo_app: FunnelApp,
) -> None:
    """Forgotten in another window while their form is open: the save is refused, and the
    form says that escape closes it, not that enter tries again, which no try could."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-title", Input).value = "Head of Ops"
        shell = sqlite_utils.Database(demo_app.storage.path)
        forget_prospect(shell, first["id"])
        shell.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form
        status = shown_text(form.query_one("#form-status"))
        assert f"prospect {first['id']} no longer exists" in status
        assert status.strip().endswith("no try can save it (escape closes)")
        assert "tries again" not in status
        # The title typed is asked about before it goes.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
