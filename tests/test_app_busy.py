"""Every write the app makes survives a busy or read-only database: what was typed stays,
the reason is shown, and trying again once the file is free saves it."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import sqlite_utils
from textual.pilot import Pilot
from textual.widgets import Input

from funnel_tui.store import sqlite as storage_module
from funnel_tui.ui import slow_write
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.import_dialog import ImportDialog
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.note_dialog import NoteDialog
from funnel_tui.ui.prospect_form import ProspectForm
from funnel_tui.ui.settings_screen import SettingsScreen
from funnel_tui.ui.target_dialog import TargetDialog
from tests.app_support import messages, settle, shown_text, wait_for
from tests.test_app import calls_for, first_in_queue


class Blocker(ABC):
    """Makes the app's database refuse writes, then lets them through again."""

    reason: str
    """What the app says about the file."""

    def __init__(self, app: FunnelApp) -> None:
        self.app = app

    @abstractmethod
    async def block(self) -> None: ...

    @abstractmethod
    async def release(self) -> None: ...


class AnotherWriter(Blocker):
    """Another program holds the write lock (BEGIN IMMEDIATE) until released."""

    reason = "is busy"

    async def block(self) -> None:
        self.other = sqlite3.connect(self.app.storage.path, isolation_level=None)
        self.other.execute("BEGIN IMMEDIATE")

    async def release(self) -> None:
        self.other.execute("ROLLBACK")
        self.other.close()


class ReadOnly(Blocker):
    """The file can be read but not written (query_only: tests run as root, where a
    read-only file mode does not stop writes)."""

    reason = "is read-only"

    async def block(self) -> None:
        await self.app.in_db_thread(lambda db: db.execute("PRAGMA query_only = ON"))

    async def release(self) -> None:
        await self.app.in_db_thread(lambda db: db.execute("PRAGMA query_only = OFF"))


@pytest.fixture(params=[AnotherWriter, ReadOnly], ids=["busy", "read-only"])
async def blocker(
    request: pytest.FixtureRequest, demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Blocker]:
    # A write gives up on another program's lock after a tenth of a second, not ten.
    monkeypatch.setattr(storage_module, "BUSY_TIMEOUT_S", 0.1)
    yield request.param(demo_app)


def notices(app: FunnelApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def blocked_then_released(
    pilot: Pilot[None], blocker: Blocker, keys: tuple[str, ...], check: Callable[[], None]
) -> None:
    """Press `keys` while the database refuses writes, `check` what the rep sees, then
    release the database and press `keys` again."""
    await blocker.block()
    await pilot.press(*keys)
    await settle(pilot)
    check()
    await blocker.release()
    await pilot.press(*keys)
    await settle(pilot)


async def started(pilot: Pilot[None], *keys: str) -> None:
    await settle(pilot)
    await pilot.press(*keys)
    await settle(pilot)


def count(db: sqlite_utils.Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


async def test_a_note(demo_app: FunnelApp, blocker: Blocker) -> None:
    db = demo_app.storage.db
    notes = count(db, "notes")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await started(pilot, "n", *"prefers email")
        dialog = demo_app.screen
        assert isinstance(dialog, NoteDialog)

        def kept() -> None:
            assert demo_app.screen is dialog
            assert dialog.query_one("#note-text", Input).value == "prefers email"
            reason = shown_text(dialog.query_one("#note-error"))
            assert blocker.reason in reason and "enter tries again" in reason
            assert count(db, "notes") == notes

        await blocked_then_released(pilot, blocker, ("enter",), kept)
        assert isinstance(demo_app.screen, MainScreen)
    assert next(db.query("SELECT body FROM notes ORDER BY id DESC LIMIT 1")) == {
        "body": "prefers email"
    }


async def test_the_method(demo_app: FunnelApp, blocker: Blocker) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)

    def method() -> str:
        return next(db.query("SELECT method FROM prospects WHERE id = ?", [first["id"]]))["method"]

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)

        def said_why() -> None:
            assert isinstance(demo_app.screen, MainScreen)
            assert blocker.reason in notices(demo_app)[-1]
            assert method() == first["method"]

        other_end = "end" if first["method"] != list(demo_app.scripts.names())[-1] else "home"
        await blocked_then_released(pilot, blocker, ("m", other_end, "enter"), said_why)
    assert method() != first["method"]


async def test_undo_and_redo(demo_app: FunnelApp, blocker: Blocker) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await started(pilot, "l", "v", "enter")
        calls = count(db, "calls")

        def said_why(action: str, calls_now: int) -> Callable[[], None]:
            def check() -> None:
                assert isinstance(demo_app.screen, MainScreen)
                assert notices(demo_app)[-1].startswith(f"Not {action}")
                assert blocker.reason in notices(demo_app)[-1]
                assert count(db, "calls") == calls_now

            return check

        await blocked_then_released(pilot, blocker, ("u",), said_why("undone", calls))
        assert count(db, "calls") == calls - 1
        await blocked_then_released(pilot, blocker, ("ctrl+y",), said_why("redone", calls - 1))
        assert count(db, "calls") == calls


async def test_adding_a_prospect(demo_app: FunnelApp, blocker: Blocker) -> None:
    db = demo_app.storage.db
    prospects = count(db, "prospects")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await started(pilot, "a")
        form = demo_app.screen
        assert isinstance(form, ProspectForm)
        form.query_one("#field-name", Input).value = "Ada Lovelace"
        form.query_one("#field-phone", Input).value = "+44 20 7946 0999"

        def kept() -> None:
            assert demo_app.screen is form
            assert form.query_one("#field-name", Input).value == "Ada Lovelace"
            assert blocker.reason in shown_text(form.query_one("#form-status"))
            assert count(db, "prospects") == prospects

        await blocked_then_released(pilot, blocker, ("ctrl+s",), kept)
        assert isinstance(demo_app.screen, MainScreen)
    assert count(db, "prospects") == prospects + 1


async def test_editing_a_prospect(demo_app: FunnelApp, blocker: Blocker) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await started(pilot, "e")
        form = demo_app.screen
        assert isinstance(form, ProspectForm)
        form.query_one("#field-title", Input).value = "Head of Ops"

        def kept() -> None:
            assert demo_app.screen is form
            assert form.query_one("#field-title", Input).value == "Head of Ops"
            assert blocker.reason in shown_text(form.query_one("#form-status"))

        await blocked_then_released(pilot, blocker, ("ctrl+s",), kept)
        assert isinstance(demo_app.screen, MainScreen)
    assert next(db.query("SELECT title FROM prospects WHERE id = ?", [first["id"]])) == {
        "title": "Head of Ops"
    }


async def test_settings(demo_app: FunnelApp, blocker: Blocker) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await started(pilot, "s")
        screen = demo_app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#setting-currency", Input).value = "€"

        def kept() -> None:
            assert demo_app.screen is screen
            assert screen.query_one("#setting-currency", Input).value == "€"
            assert blocker.reason in shown_text(screen.query_one("#settings-status"))

        await blocked_then_released(pilot, blocker, ("ctrl+s",), kept)
        assert isinstance(demo_app.screen, MainScreen)
    assert db.execute("SELECT value FROM settings WHERE key = 'currency'").fetchone() == ("€",)


async def test_the_target(demo_app: FunnelApp, blocker: Blocker) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await started(pilot, "t")
        dialog = demo_app.screen
        assert isinstance(dialog, TargetDialog)
        dialog.query_one("#target-amount", Input).value = "90k"
        dialog.query_one("#target-amount", Input).focus()

        def kept() -> None:
            assert demo_app.screen is dialog
            assert dialog.query_one("#target-amount", Input).value == "90k"
            assert blocker.reason in shown_text(dialog.query_one("#target-error"))

        await blocked_then_released(pilot, blocker, ("enter",), kept)
        assert isinstance(demo_app.screen, MainScreen)
    month = next(db.query("SELECT amount_cents FROM targets WHERE period = 'month'"))
    assert month == {"amount_cents": 9_000_000}


def one_lead(folder: Path) -> Path:
    leads = folder / "leads.csv"
    leads.write_text("name,phone\nAda Lovelace,+44 20 7946 0999\n", encoding="utf-8")
    return leads


async def import_dialog_for(pilot: Pilot[None], leads: Path) -> ImportDialog:
    """The import dialog opened with `i`, the file's path typed in, enter not yet pressed."""
    await started(pilot, "i")
    dialog = pilot.app.screen
    assert isinstance(dialog, ImportDialog)
    dialog.query_one("#import-path", Input).value = str(leads)
    dialog.query_one("#import-path", Input).focus()
    return dialog


async def test_an_import(demo_app: FunnelApp, blocker: Blocker, tmp_path: Path) -> None:
    db = demo_app.storage.db
    prospects = count(db, "prospects")
    leads = one_lead(tmp_path)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        dialog = await import_dialog_for(pilot, leads)

        def kept() -> None:
            assert demo_app.screen is dialog
            assert dialog.query_one("#import-path", Input).value == str(leads)
            result = shown_text(dialog.query_one("#import-result"))
            assert blocker.reason in result and "Not imported" in result
            assert count(db, "prospects") == prospects

        await blocked_then_released(pilot, blocker, ("enter",), kept)
        assert "added 1" in shown_text(dialog.query_one("#import-result"))
    assert count(db, "prospects") == prospects + 1


async def test_ctrl_q_while_a_file_is_written_says_it_cannot_stop_and_quits_once_done(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    # The app quit at once and then waited for the import at a blank terminal.
    db = demo_app.storage.db
    prospects = count(db, "prospects")
    leads = one_lead(tmp_path)
    other = sqlite3.connect(demo_app.storage.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the import waits for this lock
    async with demo_app.run_test(size=(160, 48)) as pilot:
        dialog = await import_dialog_for(pilot, leads)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.has_class("importing"), budget_s=2)
        # Waiting for the lock: not settled, which would wait for the import's end.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert demo_app.is_running and demo_app.screen is dialog
        assert "cannot stop" in shown_text(dialog.query_one("#import-hint"))
        other.execute("ROLLBACK")
        other.close()
        await wait_for(
            pilot, lambda: "added 1" in shown_text(dialog.query_one("#import-result")), budget_s=10
        )
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not demo_app.is_running
    assert count(db, "prospects") == prospects + 1


# --- a write waiting for another program's lock says so --------------------------------


LockHolder = Callable[[], AbstractContextManager[None]]


@pytest.fixture
def slow_lock(demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch) -> LockHolder:
    """Another program holds the write lock while a write waits for it: the sign comes
    after a twentieth of a second here, the write gives up after ten."""
    monkeypatch.setattr(slow_write, "SAY_WAITING_AFTER_S", 0.05)

    @contextmanager
    def held() -> Iterator[None]:
        other = sqlite3.connect(demo_app.storage.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()

    return held


async def until_shown(pilot: Pilot[None], shown: Callable[[], str]) -> str:
    """What `shown` says once it says the write is waiting (or after five seconds)."""
    for _ in range(100):
        if "waiting for the database" in shown():
            break
        await pilot.pause(0.05)
    return shown()


@pytest.mark.parametrize(
    ("open_keys", "where"),
    [
        (("n", *"prefers email"), "#note-error"),
        (("a", *"Ada Lovelace", "tab", "tab", "tab", *"+44 20 7946 0999"), "#form-status"),
        (("e", *" Jr"), "#form-status"),
        (("s", "tab", "x"), "#settings-status"),
        (("t", "ctrl+u", *"90k"), "#target-error"),
    ],
    ids=["note", "add", "edit", "settings", "target"],
)
async def test_a_dialog_says_it_is_waiting_for_the_database_then_saves(
    demo_app: FunnelApp,
    slow_lock: LockHolder,
    open_keys: tuple[str, ...],
    where: str,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await started(pilot, *open_keys)
        dialog = demo_app.screen
        with slow_lock():
            await pilot.press("enter")
            said = await until_shown(pilot, lambda: shown_text(dialog.query_one(where)))
            assert "Saving… waiting for the database (another program is writing)" in said
            assert demo_app.screen is dialog
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen), "saved once the lock was let go"


@pytest.mark.parametrize("keys", [("m", "end", "enter"), ("u",), ("u", "ctrl+y")])
async def test_a_key_without_a_dialog_says_it_is_waiting_for_the_database(
    demo_app: FunnelApp, slow_lock: LockHolder, keys: tuple[str, ...]
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await started(pilot, "l", "v", "enter", *keys[:-1])
        with slow_lock():
            await pilot.press(keys[-1])
            said = await until_shown(pilot, lambda: "\n".join(notices(demo_app)))
            assert "Saving… waiting for the database (another program is writing)" in said
        await settle(pilot)
        assert not any("waiting" in notice for notice in notices(demo_app)), "gone once saved"


async def test_a_slow_save_that_fails_gives_the_typing_back_to_the_field_it_was_in(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Greyed out while it waited for another program's lock, the when field lost the
    # focus for good: " 3pm" typed once the dialog said why went nowhere, and the enter
    # after it logged the callback at the day's default hour.
    monkeypatch.setattr(storage_module, "BUSY_TIMEOUT_S", 0.6)
    db = demo_app.storage.db
    first = first_in_queue(db)
    calls = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await started(pilot, "l", "c", *"tomorrow")
        dialog = demo_app.screen
        other = sqlite3.connect(demo_app.storage.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: "is busy" in shown_text(dialog.query_one("#outcome-error")), 5
            )
            await settle(pilot)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert len(calls_for(db, first["id"])) == calls
        await pilot.press(*" 3pm", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    call = calls_for(db, first["id"])[-1]
    assert call["outcome"] == "callback"
    assert call["follow_up_at"] == "2026-11-19T15:00:00+00:00"


async def test_a_book_that_cannot_be_written_is_said_to_be_read_only_at_start(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch, toasts_kept: None
) -> None:
    # The tests run as root, whom file permissions do not stop: the check is what says so
    # (test_read_only_book runs commands as another user).
    monkeypatch.setattr(
        storage_module, "cannot_be_written", lambda path: path == demo_app.storage.path
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
    assert (
        f"{demo_app.storage.path} is read-only: you can read it, but no call, note or"
        in " ".join(messages(demo_app))
    )


async def test_a_book_that_can_be_written_says_nothing_of_it(
    demo_app: FunnelApp, toasts_kept: None
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
    assert not [message for message in messages(demo_app) if "read-only" in message]
