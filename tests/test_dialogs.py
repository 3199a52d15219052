"""Input goes where the rep means it: keys typed at full speed into the dialogs, checked
against the database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static
from textual.widgets._toast import Toast

from funnel_tui.domain import PERIOD_KINDS, Ask, Outcome
from funnel_tui.store.sqlite import Storage
from funnel_tui.timestamps import to_stored
from funnel_tui.ui import outcome_logging as outcome_logging_module
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.caught_up import once_caught_up
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.ui.performance_screen import PerformanceScreen
from funnel_tui.ui.prospect_form import ProspectForm
from tests.app_support import FROZEN_NOW, FrozenClock, settle, settle_until, shown_text, wait_for
from tests.test_app import burst, calls_for, first_in_queue, todays_queue

TOMORROW_10AM = "2026-11-19T10:00:00+00:00"
FRIDAY_2PM = "2026-11-20T14:00:00+00:00"


Typist = Callable[[Pilot, Sequence[str]], Awaitable[None]]


@pytest.fixture(params=["pilot", "burst"])
def typist(request: pytest.FixtureRequest) -> Typist:
    """Types keys through Pilot (which lets the app idle after each key) or all at once,
    as a fast typist's keys arrive while the app is busy."""

    async def type_keys(pilot: Pilot, keys: Sequence[str]) -> None:
        if request.param == "pilot":
            await pilot.press(*keys)
        else:
            burst(pilot.app, *keys)

    return type_keys


def deal_for_call(db: sqlite_utils.Database, call_id: int) -> int | None:
    row = db.execute("SELECT amount_cents FROM deals WHERE call_id = ?", [call_id]).fetchone()
    return row[0] if row else None


# Each note is full of outcome letters (n v b g c m w x r d): in a field they are text.
@pytest.mark.parametrize(
    ("keys", "outcome", "notes", "follow_up_at", "amount_cents"),
    [
        pytest.param(
            ["n", "tab", *"busy line, wrong dept, call Monday"],
            "no_answer",
            "busy line, wrong dept, call Monday",
            None,
            None,
            id="no-answer-then-note",
        ),
        pytest.param(
            ["v", "tab", *"left msg", "shift+tab", "tab", *" and mailed"],
            "voicemail",
            "left msg and mailed",
            None,
            None,
            id="voicemail-note-back-to-list-and-on",
        ),
        pytest.param(
            ["n", "v", "tab", *"x"],
            "voicemail",
            "x",
            None,
            None,
            id="another-letter-on-the-list-picks-again",
        ),
        pytest.param(
            ["d", "tab", *"asked to be removed"],
            "do_not_call",
            "asked to be removed",
            None,
            None,
            id="do-not-call",
        ),
        pytest.param(
            ["c", *"tomorrow 10am", "tab", *"wants pricing, call back"],
            "callback",
            "wants pricing, call back",
            TOMORROW_10AM,
            None,
            id="callback",
        ),
        pytest.param(
            ["c", *"tomorrow 10am", "tab", *"demo", "tab"],
            "callback",
            "demo",
            TOMORROW_10AM,
            None,
            id="callback-tab-on-the-note-stays",
        ),
        pytest.param(
            ["m", *"fri", "tab", *"needs a demo", "shift+tab", *" 2pm"],
            "meeting",
            "needs a demo",
            FRIDAY_2PM,
            None,
            id="meeting-back-to-the-when-field",
        ),
        pytest.param(
            ["m", *"fri 2pm", "tab", *"bring cx", "shift+tab", "shift+tab", "tab", "tab"],
            "meeting",
            "bring cx",
            FRIDAY_2PM,
            None,
            id="meeting-round-the-fields",
        ),
        pytest.param(
            ["w", *"12", "tab", *"signed, no discount", "shift+tab", "k"],
            "won",
            "signed, no discount",
            None,
            1_200_000,
            id="won-amount-finished-after-the-note",
        ),
    ],
)
async def test_letters_in_a_field_are_text_and_tab_never_changes_the_outcome(
    demo_app: FunnelApp,
    typist: Typist,
    keys: list[str],
    outcome: str,
    notes: str,
    follow_up_at: str | None,
    amount_cents: int | None,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    before = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await typist(pilot, ["l", *keys, "enter"])
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
        assert isinstance(demo_app.screen, MainScreen)
    calls = calls_for(db, first["id"])
    assert len(calls) == before + 1
    call = calls[-1]
    assert (call["outcome"], call["notes"], call["follow_up_at"]) == (outcome, notes, follow_up_at)
    assert deal_for_call(db, call["id"]) == amount_cents


async def test_focus_stays_on_the_list_for_an_outcome_that_asks_nothing(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "b")
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert dialog.focused is dialog.query_one("#outcome-list")
        await pilot.press("tab")
        assert dialog.focused is dialog.note
        await pilot.press("shift+tab")
        assert dialog.focused is dialog.query_one("#outcome-list")
        await pilot.press("c")
        assert dialog.focused is dialog.field(Ask.WHEN)
        assert "tab: next field" in str(dialog.query_one("#outcome-hint").content)


def newest_prospect(db: sqlite_utils.Database) -> dict[str, object]:
    return next(db.query("SELECT * FROM prospects ORDER BY id DESC LIMIT 1"))


async def test_a_name_typed_with_a_keeps_every_key(demo_app: FunnelApp, typist: Typist) -> None:
    db = demo_app.storage.db
    count = db["prospects"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        keys = ["a", *"Ada Lovelace", "tab", *"CTO", "tab", *"Engines Ltd"]
        await typist(pilot, [*keys, "tab", *"020 7946 0999", "enter"])
        await settle_until(pilot, lambda: db["prospects"].count > count)
        assert isinstance(demo_app.screen, MainScreen)
    assert db["prospects"].count == count + 1
    added = newest_prospect(db)
    assert (added["name"], added["title"], added["company"], added["phone"]) == (
        "Ada Lovelace",
        "CTO",
        "Engines Ltd",
        "+442079460999",
    )


async def test_edit_opens_on_the_name_and_tab_moves_to_the_next_field(
    demo_app: FunnelApp, typist: Typist
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)

    def saved() -> dict[str, object]:
        return next(db.query("SELECT name, title FROM prospects WHERE id = ?", [first["id"]]))

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await typist(pilot, ["e", "tab", *" (EMEA)", "enter"])
        await settle_until(pilot, lambda: saved()["title"] != first["title"])
        assert isinstance(demo_app.screen, MainScreen)
    after = saved()
    assert after == {"name": first["name"], "title": f"{first['title']} (EMEA)"}


async def test_a_focused_field_carries_on_from_the_end_of_its_text(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET needs = 'a CRM' WHERE id = ?", [first["id"]])
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("e", *" Jr", *["tab"] * 10, *", fast")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = next(db.query("SELECT name, needs FROM prospects WHERE id = ?", [first["id"]]))
    assert after == {"name": f"{first['name']} Jr", "needs": "a CRM, fast"}


@pytest.mark.parametrize(
    ("keys", "field", "column"),
    [
        (("e",), "#field-name", "SELECT name FROM prospects"),
        # Settings open with no field focused: tab reaches the first.
        (("s", "tab"), "#setting-currency", "SELECT value FROM settings WHERE key = 'currency'"),
        (("t",), "#target-amount", "SELECT amount_cents FROM targets"),
        (("n",), "#note-text", "SELECT count(*) FROM notes"),
    ],
    ids=["edit", "settings", "target", "note"],
)
async def test_escape_asks_before_discarding_changes_and_not_when_there_are_none(
    demo_app: FunnelApp, keys: tuple[str, ...], field: str, column: str
) -> None:
    db = demo_app.storage.db
    before = db.execute(column).fetchall()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(*keys, "escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen), "nothing changed: closed at once"

        await pilot.press(*keys, *"x0")
        dialog = demo_app.screen
        typed = dialog.query_one(field, Input).value
        for back in ("n", "escape"):
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(demo_app.screen, ConfirmDialog)
            assert "Discard" in shown_text(demo_app.screen.query_one("#confirm-question"))
            await pilot.press(back)
            await settle(pilot)
            assert demo_app.screen is dialog
            assert dialog.query_one(field, Input).value == typed
        # Only y discards: an enter typed ahead keeps the question up.
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        # Keys typed right after escape wait for the question, never join the field.
        await pilot.press("n")
        await settle(pilot)
        burst(demo_app, "escape", "n")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert dialog.query_one(field, Input).value == typed
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db.execute(column).fetchall() == before


async def test_a_prospect_without_phone_or_email_is_refused_under_the_phone(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    count = db["prospects"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"Nophone Person", "enter")
        await settle(pilot)
        form = demo_app.screen
        assert isinstance(form, ProspectForm)
        assert "a phone or an email is needed" in shown_text(form.query_one("#error-phone"))
        assert db["prospects"].count == count
        assert form.focused is form.query_one("#field-phone")
        await pilot.press(*"+44 20 7946 0999")
        assert shown_text(form.query_one("#error-phone")).strip() == ""
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db["prospects"].count == count + 1
    assert newest_prospect(db)["phone"] == "+442079460999"


async def test_tab_takes_settings_to_the_first_setting(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s", "tab", "ctrl+u", *"CHF", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db.execute("SELECT value FROM settings WHERE key = 'currency'").fetchone() == ("CHF",)


async def test_target_opens_on_the_amount(demo_app: FunnelApp, typist: Typist) -> None:
    db = demo_app.storage.db

    def month() -> dict[str, object]:
        return next(db.query("SELECT * FROM targets WHERE period = 'month'"), {})

    # No target yet: the fields are empty.
    db.execute("DELETE FROM targets")
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await typist(pilot, ["t", *"75k", "tab", "tab", *"40", "enter"])
        await settle_until(pilot, lambda: month().get("amount_cents") == 7_500_000)
        assert isinstance(demo_app.screen, MainScreen)
    assert month()["calls_per_day"] == 40


async def test_text_pasted_with_tabs_and_line_breaks_stays_in_its_field(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"tomorrow 10am", "tab", *"from the CRM:")
        demo_app.post_message(events.Paste("\r\nwants\tpricing\r\nafter Q1\n"))
        await pilot.press(*" ok", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    call = calls_for(db, first["id"])[-1]
    assert (call["outcome"], call["follow_up_at"]) == ("callback", TOMORROW_10AM)
    assert call["notes"] == "from the CRM: wants pricing after Q1 ok"


async def test_a_bracketed_paste_from_tmux_keeps_a_space_for_each_line_break(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("e", "tab", "ctrl+u")
        demo_app.post_message(events.Paste("Head\tof\rSales\r\rEMEA"))
        await pilot.pause()
        assert demo_app.screen.query_one("#field-title", Input).value == "Head of Sales EMEA"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert next(db.query("SELECT title FROM prospects WHERE id = ?", [first["id"]])) == {
        "title": "Head of Sales EMEA"
    }


async def test_the_target_dialog_shows_the_current_target(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    db.execute("UPDATE targets SET amount_cents = 6000050, calls_per_day = 35")
    db.conn.commit()
    month = next(db.query("SELECT * FROM targets WHERE period = 'month'"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        dialog = demo_app.screen
        assert dialog.query_one("#target-amount", Input).value == "60,000.50"
        assert dialog.query_one("#target-period", Select).value == "month"
        assert dialog.query_one("#target-calls", Input).value == "35"
        await pilot.press("tab", "tab", "ctrl+u", *"40", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = next(db.query("SELECT * FROM targets WHERE id = ?", [month["id"]]))
    assert (after["amount_cents"], after["calls_per_day"]) == (6000050, 40)


async def test_a_target_error_shows_once_under_its_field_and_clears_once_fixed(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "ctrl+u", *"lots", "enter")
        dialog = demo_app.screen
        amount_check = dialog.query_one("#target-check", Static)
        calls_check = dialog.query_one("#target-calls-check", Static)
        bottom = dialog.query_one("#target-error", Static)
        assert "not an amount" in shown_text(amount_check)
        assert shown_text(bottom).strip() == ""
        await pilot.press(*["backspace"] * 4, *"90k")
        assert "90,000.00" in shown_text(amount_check)
        await pilot.press("tab", "tab", "ctrl+u", *"forty", "enter")
        assert "whole number" in shown_text(calls_check)
        assert shown_text(bottom).strip() == ""
        assert dialog.focused is dialog.query_one("#target-calls")
        await pilot.press(*["backspace"] * 5, *"40")
        assert shown_text(calls_check).strip() == ""


async def test_the_target_fields_are_labelled(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        labels = [str(label.content) for label in demo_app.screen.query(".form-label")]
        assert labels == ["Amount", "Period", "Calls per day"]


async def test_an_unreadable_date_shows_once_under_when_and_goes_once_it_reads(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"someday", "enter")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        under_when = dialog.query_one("#outcome-when-check", Static)
        bottom = dialog.query_one("#outcome-error", Static)
        assert "someday" in shown_text(under_when)
        assert shown_text(bottom).strip() == ""
        await pilot.press("ctrl+u", *"fri 3pm")
        assert "someday" not in shown_text(under_when)
        assert "Fri" in shown_text(under_when)
        assert shown_text(bottom).strip() == ""


async def test_form_errors_clear_field_by_field_as_they_are_fixed(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    count = db["prospects"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("a", "tab", "tab", "tab", "tab", *"ada@", "enter")
        form = demo_app.screen
        assert isinstance(form, ProspectForm)
        name_error, email_error = form.query_one("#error-name"), form.query_one("#error-email")
        assert "name" in shown_text(name_error)
        assert "email" in shown_text(email_error)
        assert "2 fields to fix" in shown_text(form.query_one("#form-status"))
        await pilot.press(*"Ada")
        assert shown_text(name_error).strip() == ""
        assert "email" in shown_text(email_error)
        assert "1 field to fix" in shown_text(form.query_one("#form-status"))
        await pilot.press("tab", "tab", "tab", "tab", *"engines.io")
        assert shown_text(email_error).strip() == ""
        assert shown_text(form.query_one("#form-status")).strip() == ""
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert db["prospects"].count == count + 1
    assert newest_prospect(db)["email"] == "ada@engines.io"


async def test_a_settings_error_clears_once_the_setting_is_fixed(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        screen = demo_app.screen
        field = screen.query_one("#setting-calling_start", Input)
        field.value = "25:00"
        await pilot.press("ctrl+s")
        error = screen.query_one("#setting-error-calling_start", Static)
        assert "25:00" in shown_text(error)
        assert "1 setting to fix" in shown_text(screen.query_one("#settings-status"))
        screen.set_focus(field)
        await pilot.press(*["backspace"] * 5, *"08:30")
        assert shown_text(error).strip() == ""
        assert shown_text(screen.query_one("#settings-status")).strip() == ""


async def test_quitting_during_a_running_call_asks_first(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "q")
        assert isinstance(demo_app.screen, ConfirmDialog)
        asked = shown_text(demo_app.screen.query_one("#confirm-question"))
        assert "Quit anyway? It is kept, and runs again when you open this book next" in " ".join(
            asked.split()
        )
        await pilot.press("n")
        assert isinstance(demo_app.screen, MainScreen)
        await pilot.press("q", "escape")
        assert isinstance(demo_app.screen, MainScreen)
        assert demo_app.is_running
        await pilot.press("ctrl+q")
        assert isinstance(demo_app.screen, ConfirmDialog), "ctrl+q asks too"
        await pilot.press("escape", "q", "y")
        await pilot.pause()
        assert not demo_app.is_running


async def test_enter_again_on_the_same_call_keeps_its_time(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path)
    db = demo_storage.db
    first = first_in_queue(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        clock.advance(seconds=60)
        await pilot.press("enter")
        clock.advance(seconds=35)
        await pilot.press("l", "v", "enter")
        await settle(pilot)
    assert calls_for(db, first["id"])[-1]["duration_s"] == 95


def messages(app: FunnelApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_a_do_not_call_prospect_is_not_started_and_logging_asks_first(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    flagged = next(db.query("SELECT id, name FROM prospects ORDER BY id DESC LIMIT 1"))
    db.execute("UPDATE prospects SET do_not_call = 1 WHERE id = ?", [flagged["id"]])
    db.conn.commit()
    calls_before = calls_for(db, flagged["id"])
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f", "slash", *flagged["name"].lower(), "enter")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.card is not None and screen.card.prospect["id"] == flagged["id"]
        await pilot.press("enter")
        await settle(pilot)
        assert screen.running_call is None
        assert any("do not call" in message for message in messages(demo_app))
        await pilot.press("l")
        assert isinstance(demo_app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert calls_for(db, flagged["id"]) == calls_before
        await pilot.press("l", "y", "v", "tab", *"asked us to stop", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    call = calls_for(db, flagged["id"])[-1]
    assert (call["outcome"], call["notes"]) == ("voicemail", "asked us to stop")


async def test_quick_logs_show_one_toast_the_latest(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long enough that no toast runs out while a loaded machine logs the eight calls.
    monkeypatch.setattr(outcome_logging_module, "LOGGED_TOAST_S", 120.0)
    db = demo_app.storage.db
    eighth = todays_queue(db)[7]
    eighth_name = db["prospects"].get(eighth)["name"]
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        calls_before = db["calls"].count
        await pilot.press(*["l", "n", "enter"] * 8)
        await settle_until(pilot, lambda: db["calls"].count == calls_before + 8)
        await settle(pilot)
        toasts = list(demo_app.screen.query(Toast))
        assert len(toasts) == 1
        (said,) = messages(demo_app)
        assert said.startswith(f"Logged no answer for {eighth_name}: next try ")
        await pilot.press("u")
        await settle(pilot)
        assert len(list(demo_app.screen.query(Toast))) == 1
        assert messages(demo_app) == [f"Undid no answer for {eighth_name} (ctrl+y redoes)"]


@pytest.mark.parametrize("typed", ["99999999999999999999", "10001", "²"])
async def test_target_refuses_a_daily_call_goal_it_cannot_store(
    demo_app: FunnelApp, typed: str
) -> None:
    db = demo_app.storage.db
    before = list(db.query("SELECT * FROM targets"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#target-amount", Input).value = "75k"
        dialog.query_one("#target-calls", Input).value = typed
        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.screen is dialog
        error = shown_text(dialog.query_one("#target-calls-check", Static))
        assert f"calls per day is a whole number from 0 to 10000, not {typed!r}" in error
    assert list(db.query("SELECT * FROM targets")) == before


async def test_keys_typed_after_the_target_s_enter_reach_the_screen_below(
    demo_app: FunnelApp, typist: Typist
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await typist(pilot, ["t", "ctrl+u", *"30000000", "enter", "p"])
        await settle_until(pilot, lambda: isinstance(demo_app.screen, PerformanceScreen))
    # The p opened the pace screen; it never joined the amount (`30000000p` is refused).
    month = next(db.query("SELECT * FROM targets WHERE period = 'month' AND rep IS NULL"))
    assert month["amount_cents"] == 3_000_000_000


async def test_keys_typed_ahead_of_a_refused_target_are_dropped_not_typed_into_it(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    before = list(db.query("SELECT * FROM targets"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        # All at once: the keys after enter were typed before the refusal showed.
        burst(demo_app, "t", "ctrl+u", *"lots", "enter", *"90k")
        await settle(pilot)
        dialog = demo_app.screen
        assert dialog.query_one("#target-amount", Input).value == "lots"
        assert "keys typed after enter were not applied" in shown_text(
            dialog.query_one("#target-error", Static)
        )
    assert list(db.query("SELECT * FROM targets")) == before


async def test_keys_typed_after_the_settings_save_reach_the_screen_below(
    demo_app: FunnelApp, typist: Typist
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await typist(pilot, ["s", "tab", "ctrl+u", *"CHF", "ctrl+s", "p"])
        await settle_until(pilot, lambda: isinstance(demo_app.screen, PerformanceScreen))
    assert db.execute("SELECT value FROM settings WHERE key = 'currency'").fetchone() == ("CHF",)


async def test_enter_on_the_target_period_opens_its_list_and_saves_nothing(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    before = list(db.query("SELECT * FROM targets"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "tab", "enter")
        await settle(pilot)
        period = demo_app.screen.query_one("#target-period", Select)
        assert period.expanded
        await pilot.press("down", "enter")
        await settle(pilot)
        assert period.value == "quarter"
        assert not period.expanded
    assert list(db.query("SELECT * FROM targets")) == before


@pytest.mark.parametrize(
    ("opening", "typed", "field"),
    [
        (["t", "ctrl+u"], "lots", "#target-amount"),
        (["s", *["tab"] * 6, "ctrl+u"], "25:00", "#setting-calling_start"),
        (["l", "c"], "blah", "#outcome-when"),
    ],
)
async def test_keys_in_the_burst_after_a_refused_enter_never_reach_its_field(
    demo_app: FunnelApp, opening: list[str], typed: str, field: str
) -> None:
    db = demo_app.storage.db
    calls_before = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        # The text at a typist's pace, then enter and the next keys in one burst: enter is
        # refused with nothing waiting in the field, before the keys after it arrive.
        await pilot.press(*opening, *typed)
        await settle(pilot)
        dialog = demo_app.screen
        # As in a terminal after a pause, the burst arrives with nothing waiting in any
        # field's queue (Pilot's pause leaves a callback of its own in each), and the app
        # handles it before Pilot asks the fields anything again.
        keys_handled = asyncio.get_running_loop().create_future()

        def type_now() -> None:
            burst(demo_app, "enter", "p", "j")
            demo_app.call_later(keys_handled.set_result, None)

        once_caught_up(dialog.query(Input), type_now)
        await keys_handled
        await settle(pilot)
        assert dialog.query_one(field, Input).value == typed
        assert "keys typed after enter were not applied" in demo_app.export_screenshot().replace(
            "&#160;", " "
        )
        # Typed once the refusal shows, keys go to the field again, and the target and the
        # settings stop saying the keys were dropped.
        await pilot.press("x")
        await settle(pilot)
        assert dialog.query_one(field, Input).value == typed + "x"
        if field != "#outcome-when":
            screen = demo_app.export_screenshot().replace("&#160;", " ")
            assert "keys typed after enter were not applied" not in screen
    assert db["calls"].count == calls_before


async def test_a_refused_setting_typed_at_full_speed_says_the_keys_after_it_were_dropped(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "s", *["tab"] * 6, "ctrl+u", *"25:00", "enter", "p", "j")
        await settle(pilot)
        screen = demo_app.screen
        assert screen.query_one("#setting-calling_start", Input).value == "25:00"
        # The field's own check, handled after the save, keeps the note.
        status = shown_text(screen.query_one("#settings-status", Static)).strip()
        assert status == "1 setting to fix · keys typed after enter were not applied"


async def test_escape_on_the_open_period_list_closes_the_list_only(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "ctrl+u", *"90k", "tab", "enter")
        await settle(pilot)
        dialog = demo_app.screen
        period = dialog.query_one("#target-period", Select)
        assert period.expanded
        await pilot.press("escape")
        await settle(pilot)
        assert demo_app.screen is dialog and not period.expanded
        assert dialog.query_one("#target-amount", Input).value == "90k"


async def test_a_period_picked_at_full_speed_is_the_one_saved(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        opened_on = demo_app.screen.query_one("#target-period", Select).value
        picked = PERIOD_KINDS[PERIOD_KINDS.index(opened_on) + 1]
        burst(demo_app, "ctrl+u", *"80k", "tab", "enter", "down", "enter")
        burst(demo_app, "tab", "ctrl+u", *"25", "enter", "p")
        await settle(pilot)
    # Down picked the period after the one the dialog opened on.
    saved = list(db.query("SELECT * FROM targets WHERE amount_cents = 8000000"))
    assert [(row["period"], row["calls_per_day"]) for row in saved] == [(picked, 25)]


async def test_enter_again_right_after_a_period_pick_never_stops_the_keys(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "ctrl+u", *"80k")
        await settle(pilot)
        period = demo_app.screen.query_one("#target-period", Select)
        opened_on = period.value
        burst(demo_app, "tab", "enter", "down", "enter", "enter")
        await settle(pilot)
        assert period.value == PERIOD_KINDS[PERIOD_KINDS.index(opened_on) + 1]
        await pilot.press("enter")
        await settle(pilot)
        # Nothing holds the keys for good: they go on acting.
        assert demo_app._held_keys is None
        for _ in range(3):
            if isinstance(demo_app.screen, ConfirmDialog | MainScreen):
                break
            await pilot.press("escape")
            await settle(pilot)
        if isinstance(demo_app.screen, ConfirmDialog):
            await pilot.press("y")
            await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)


@pytest.mark.parametrize(("key", "discarded"), [("alt+y", True), ("alt+n", False)])
async def test_escape_and_a_key_read_as_one_alt_key_are_both_applied(
    demo_app: FunnelApp, key: str, discarded: bool
) -> None:
    db = demo_app.storage.db
    before = list(db.query("SELECT * FROM targets"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "ctrl+u", *"77k")
        await settle(pilot)
        dialog = demo_app.screen
        # A terminal's escape with the next key right behind it: Textual reads alt+key.
        demo_app.post_message(events.Key(key, key[-1]))
        await settle(pilot)
        if discarded:
            assert isinstance(demo_app.screen, MainScreen)
        else:
            assert demo_app.screen is dialog
            assert dialog.query_one("#target-amount", Input).value == "77k"
    assert list(db.query("SELECT * FROM targets")) == before


async def test_escape_then_l_typed_fast_clears_the_filter_and_opens_the_outcome_dialog(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", "a", "enter")
        await settle(pilot)
        assert screen.filter_input.value == "a"
        # `escape l` within the escape delay: Textual reads alt+l. The escape clears the
        # filter as it bubbles up; `l` must not open its dialog before it (the late
        # escape would close it again).
        demo_app.post_message(events.Key("alt+l", "l"))
        await settle(pilot)
        assert isinstance(demo_app.screen, OutcomeDialog)
        assert screen.filter_input.value == ""
        assert not screen.filter_input.display
        # The keys typed after the pair act after it, in order.
        await pilot.press("n", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)


async def test_escape_then_a_capital_letter_typed_fast_is_that_letter(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        # Textual reads `escape E` typed fast as alt+shift+e; E opens the email screen.
        demo_app.post_message(events.Key("alt+shift+e", "E"))
        await settle(pilot)
        assert type(demo_app.screen).__name__ == "EmailScreen"


async def test_a_longer_target_saved_beside_a_shorter_one_says_which_the_gauge_follows(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        shown = demo_app.screen.query_one("#target-period", Select).value
        assert shown != "year"
        # The year's target is saved; the gauge keeps the shorter one that covers today.
        await pilot.press("ctrl+u", *"900k", "tab", "enter")
        for _ in range(PERIOD_KINDS.index("year") - PERIOD_KINDS.index(shown)):
            await pilot.press("down")
        await pilot.press("enter", "tab", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        said = [str(notification.message) for notification in demo_app._notifications]
        assert said[-1].startswith("Target $900,000.00 for 2026-01-01 to 2026-12-31")
        assert said[-1].endswith(
            f"; the gauge and the pace screen follow the {shown}'s target, the shortest that"
            " covers today"
        )


async def test_a_meeting_held_or_missed_without_one_come_is_said_before_saving(
    demo_app: FunnelApp,
) -> None:
    # `s` (no show) for a prospect with no meeting, and `h` (held) for a meeting still to
    # come, were saved without a word.
    db = demo_app.storage.db
    head = todays_queue(db)[0]
    assert not list(
        db.query(
            "SELECT 1 FROM tasks WHERE prospect_id = ? AND kind = 'meeting' AND status = 'open'",
            [head],
        )
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "s")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        said = shown_text(dialog.query_one("#outcome-error", Static))
        assert "⚠ no meeting is booked with" in said and "enter still saves it" in said
        # Back on the list, another outcome takes the warning away.
        await pilot.press("shift+tab", "n")
        await settle(pilot)
        assert dialog.outcome is Outcome.NO_ANSWER
        assert shown_text(dialog.query_one("#outcome-error", Static)).strip() == ""
        await pilot.press("escape")
        await settle(pilot)
        tomorrow = to_stored(FROZEN_NOW + timedelta(days=1))
        await demo_app.in_db_thread(
            lambda db: db.execute(
                "INSERT INTO tasks (prospect_id, kind, due_at, status, created_at)"
                " VALUES (?, 'meeting', ?, 'open', ?)",
                [head, tomorrow, to_stored(FROZEN_NOW)],
            )
        )
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        screen._show(head)
        await pilot.press("l", "h")
        await settle(pilot)
        said = shown_text(demo_app.screen.query_one("#outcome-error", Static))
        assert "⚠ their meeting is Thu 19 Nov 2026, 14:30 (tomorrow), still to come" in said


async def test_the_warning_of_a_meeting_still_to_come_goes_once_it_has_come(
    demo_app: FunnelApp, clock: FrozenClock
) -> None:
    # `l s` two minutes before the meeting said it was still to come, and still said so
    # after it: enter then marked the meeting missed under that line.
    db = demo_app.storage.db
    head = todays_queue(db)[0]
    soon = to_stored(FROZEN_NOW + timedelta(minutes=2))
    db.execute(
        "INSERT INTO tasks (prospect_id, kind, due_at, status, created_at)"
        " VALUES (?, 'meeting', ?, 'open', ?)",
        [head, soon, to_stored(FROZEN_NOW)],
    )
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "s")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        said = shown_text(dialog.query_one("#outcome-error", Static))
        assert "(today, in 2 minutes), still to come" in said
        clock.advance(seconds=180)
        # The dialog's look at the clock, each second.
        await wait_for(
            pilot,
            lambda: "still to come" not in shown_text(dialog.query_one("#outcome-error", Static)),
            budget_s=5,
        )
        assert shown_text(dialog.query_one("#outcome-error", Static)).strip() == ""
