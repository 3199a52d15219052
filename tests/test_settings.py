"""Settings other tools wrote: the usable part is used, the rest is named on screen and by
`funnel check`; `config set` refuses what cannot be used."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.widgets._toast import Toast

from funnel_tui.setting_words import SETTING_WORDS
from funnel_tui.settings import (
    KEYS,
    SettingError,
    Settings,
    load_settings,
    parse_setting,
    read_settings,
    save_setting,
    save_settings,
)
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui import book_dialogs
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.field_error import FieldError
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.quota_gauge import QuotaGauge
from funnel_tui.ui.settings_screen import SettingsScreen
from tests.app_support import settle, shown_text, wait_for
from tests.cli_support import invoke, one_line_error
from tests.test_app import burst

# How long the slow book of a test takes to read its settings back.
SLOW_READ_S = 0.3


def written_by_another_tool(path: Path, values: dict[str, object]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", values.items())
    conn.close()


@pytest.fixture
def book(tmp_path: Path) -> Storage:
    return open_storage(tmp_path / "book.db")


def test_one_bad_holiday_leaves_the_others_counting(book: Storage) -> None:
    written_by_another_tool(book.path, {"holidays": "2026-12-25, 2026-13-01,2026-12-31"})
    settings, problems = read_settings(book.db)
    assert settings.holidays == (date(2026, 12, 25), date(2026, 12, 31))
    [problem] = problems
    assert problem.startswith("setting holidays: '2026-13-01' is not a date")
    assert problem.endswith("the other holidays still count")


def test_calling_hours_that_end_before_they_start_fall_back_to_the_defaults(
    book: Storage,
) -> None:
    written_by_another_tool(book.path, {"calling_start": "18:00", "calling_end": "09:00"})
    settings, problems = read_settings(book.db)
    assert (settings.calling_start, settings.calling_end) == (time(9, 0), time(18, 0))
    assert problems == [
        "setting calling_start 18:00 must be before calling_end 09:00 (calling hours cannot "
        "run past midnight); using 09:00 to 18:00"
    ]


def test_a_value_that_cannot_be_read_is_named_with_its_default(book: Storage) -> None:
    written_by_another_tool(book.path, {"max_attempts": "six", "day_first": b"\x01"})
    settings, problems = read_settings(book.db)
    assert settings.max_attempts == 8
    assert sorted(problems) == [
        "setting day_first holds bytes data, not text; using the default",
        "setting max_attempts = 'six' cannot be used (expected a whole number of attempts from"
        " 1 to 50, got 'six');"
        " using '8'",
    ]


OUT_OF_RANGE = [
    ("busy_retry_minutes", "99999999999999999999", "minutes from 1 to 1440", "120"),
    ("busy_retry_minutes", "10000000000", "minutes from 1 to 1440", "120"),
    ("busy_retry_minutes", "0", "minutes from 1 to 1440", "120"),
    ("max_attempts", "99999999999999999999", "attempts from 1 to 50", "8"),
    ("max_attempts", "0", "attempts from 1 to 50", "8"),
    ("calls_per_day", "99999999999999999999", "calls from 1 to 10000", "60"),
    ("calls_per_day", "-3", "calls from 1 to 10000", "60"),
]


@pytest.mark.parametrize(("key", "value", "range_", "kept"), OUT_OF_RANGE)
def test_config_set_refuses_a_number_out_of_range_and_names_the_range(
    book: Storage, key: str, value: str, range_: str, kept: str
) -> None:
    result = invoke("config", "set", key, value, "--db", book.path)
    assert result.exit_code == 1
    assert f"{key}: expected a whole number of {range_}" in one_line_error(result.stderr)
    assert invoke("config", "get", key, "--db", book.path).stdout.strip() == kept


@pytest.mark.parametrize(("key", "value", "range_", "kept"), OUT_OF_RANGE)
def test_a_stored_number_out_of_range_is_listed_and_the_default_used(
    book: Storage, key: str, value: str, range_: str, kept: str
) -> None:
    written_by_another_tool(book.path, {key: value})
    settings, [problem] = read_settings(book.db)
    assert str(getattr(settings, key)) == kept
    assert problem.startswith(f"setting {key} = {value!r} cannot be used")
    assert range_ in problem and problem.endswith(f"using {kept!r}")
    result = invoke("check", "--db", book.path)
    assert result.exit_code == 1
    assert f"setting {key} = {value!r} cannot be used" in result.stderr


async def test_a_busy_call_saves_when_another_tool_stored_a_huge_busy_retry(
    demo_app: FunnelApp,
) -> None:
    written_by_another_tool(demo_app.storage.path, {"busy_retry_minutes": "10000000000"})
    app = FunnelApp(demo_app.storage, clock=demo_app.clock, scripts_dir=demo_app.scripts_dir)
    db = demo_app.storage.db
    calls_before = db.execute("SELECT count(*) FROM calls").fetchone()[0]
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        shown = " ".join(toast.render().plain for toast in app.screen.query(Toast))
        assert "busy_retry_minutes" in shown and "from 1 to 1440" in shown
        await pilot.press("l", "b", "enter")
        await settle(pilot)
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == calls_before + 1


async def test_the_settings_screen_refuses_a_number_out_of_range(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen
        screen.query_one("#setting-busy_retry_minutes", Input).value = "99999999999999999999"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
        error = shown_text(screen.query_one("#setting-error-busy_retry_minutes", Static))
        assert "from 1 to 1440" in error
    assert (
        db.execute("SELECT count(*) FROM settings WHERE key = 'busy_retry_minutes'").fetchone()[0]
        == 0
    )


@pytest.mark.parametrize(
    ("key", "value", "kept"),
    [("calling_start", "18:00", "09:00"), ("calling_end", "09:00", "18:00")],
)
def test_config_set_refuses_calling_hours_that_end_before_they_start(
    book: Storage, key: str, value: str, kept: str
) -> None:
    result = invoke("config", "set", key, value, "--db", book.path)
    assert result.exit_code == 1
    assert "must be before calling_end" in one_line_error(result.stderr)
    assert invoke("config", "get", key, "--db", book.path).stdout.strip() == kept


def test_both_calling_hours_can_move_together(book: Storage) -> None:
    save_settings(
        book.db, {"calling_start": "19:00", "calling_end": "21:00", "afternoon_slot": "20:15"}
    )
    with pytest.raises(SettingError, match="must be before"):
        save_settings(book.db, {"calling_start": "22:00"})
    settings, problems = read_settings(book.db)
    assert (settings.calling_start, settings.calling_end) == (time(19, 0), time(21, 0))
    assert settings.afternoon_slot == time(20, 15)
    assert problems == []


def test_check_lists_each_setting_it_cannot_use_and_exits_1(book: Storage) -> None:
    written_by_another_tool(
        book.path,
        {"holidays": "2026-12-25,christmas", "calling_start": "20:00", "calling_end": "08:00"},
    )
    result = invoke("check", "--db", book.path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "setting holidays: 'christmas' is not a date" in lines[0]
    assert "setting calling_start 20:00 must be before calling_end 08:00" in lines[1]


async def test_the_app_warns_about_each_setting_it_cannot_use(demo_app: FunnelApp) -> None:
    written_by_another_tool(
        demo_app.storage.path, {"holidays": "2026-12-25,2026-02-30", "calling_end": "07:00"}
    )
    app = FunnelApp(demo_app.storage, clock=demo_app.clock, scripts_dir=demo_app.scripts_dir)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        shown = " ".join(toast.render().plain for toast in app.screen.query(Toast))
        assert "Setting not used" in shown
        assert "'2026-02-30' is not a date" in shown
        assert "calling_start 09:00 must be before calling_end 07:00" in shown
        assert app.settings.holidays == (date(2026, 12, 25),)


async def test_a_setting_another_program_stores_unreadable_while_the_app_runs_is_said(
    demo_app: FunnelApp,
) -> None:
    """A dial_command written broken while the app ran left every enter undialled, the
    toast saying the number was copied as if no dialer were set."""
    written_by_another_tool(demo_app.storage.path, {"dial_command": "dial.sh {e164}"})
    app = FunnelApp(demo_app.storage, clock=demo_app.clock, scripts_dir=demo_app.scripts_dir)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        assert app.settings.dial_command == "dial.sh {e164}"
        written_by_another_tool(demo_app.storage.path, {"dial_command": 'dial.sh "unbalanced'})
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen._refresh_on_outside_change()  # the one-second poll, run now
        await settle(pilot)
        shown = " ".join(toast.render().plain for toast in app.screen.query(Toast))
        assert "Setting not used" in shown and "setting dial_command" in shown
        assert app.settings.dial_command == ""
        # Said once: the next poll with nothing new says nothing again.
        count = len(app._notifications)
        screen._refresh_on_outside_change()
        await settle(pilot)
        assert len(app._notifications) == count


async def test_the_settings_screen_refuses_calling_hours_that_end_before_they_start(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen
        screen.query_one("#setting-calling_end", Input).value = "08:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
        assert "Calling hours end 08:00 must be after the start, 09:00" in shown_text(
            screen.query_one("#setting-error-calling_end", Static)
        )
    assert db.execute("SELECT count(*) FROM settings WHERE key = 'calling_end'").fetchone()[0] == 0


def test_config_list_shows_the_cadence_settings_with_their_defaults(book: Storage) -> None:
    listed = invoke("config", "list", "--db", book.path).stdout.splitlines()
    assert "max_attempts = 8" in listed
    assert "cadence_days = 1,1,2,2,3,3,3" in listed
    assert "afternoon_slot = 14:00" in listed
    assert "nurture_days = 90" in listed


@pytest.mark.parametrize(
    ("key", "typed", "shown"),
    [
        ("cadence_days", " 1, 2 ,5,", "1,2,5"),
        ("cadence_days", "60", "60"),
        ("afternoon_slot", "9:00", "09:00"),
        ("afternoon_slot", "17:59", "17:59"),
        ("nurture_days", "3650", "3650"),
    ],
)
def test_config_set_then_get_round_trips_the_cadence_settings(
    book: Storage, key: str, typed: str, shown: str
) -> None:
    setting = invoke("config", "set", key, typed, "--db", book.path)
    assert setting.exit_code == 0, setting.output
    assert setting.stdout.strip() == f"{key} = {shown}"
    assert invoke("config", "get", key, "--db", book.path).stdout.strip() == shown
    assert read_settings(book.db)[1] == []


BAD_CADENCE_SETTINGS = [
    ("cadence_days", "", "at least one value is needed", "1,1,2,2,3,3,3"),
    ("cadence_days", " , ", "at least one value is needed", "1,1,2,2,3,3,3"),
    ("cadence_days", "1,0,2", "from 1 to 60", "1,1,2,2,3,3,3"),
    ("cadence_days", "1,61", "business days from 1 to 60, got '61'", "1,1,2,2,3,3,3"),
    ("cadence_days", "1,2.5", "got '2.5'", "1,1,2,2,3,3,3"),
    ("cadence_days", "1,-2", "got '-2'", "1,1,2,2,3,3,3"),
    ("cadence_days", "9" * 5000, "business days from 1 to 60", "1,1,2,2,3,3,3"),
    (
        "cadence_days",
        ",".join(["1"] * 51),
        "at most 50 values (one per attempt), got 51",
        "1,1,2,2,3,3,3",
    ),
    ("afternoon_slot", "2pm", "expected a time like 09:00", "14:00"),
    ("afternoon_slot", "14:60", "is not a time of day", "14:00"),
    ("nurture_days", "0", "days from 1 to 3650", "90"),
    ("nurture_days", "3651", "days from 1 to 3650", "90"),
    ("nurture_days", "soon", "days from 1 to 3650", "90"),
]


@pytest.mark.parametrize(("key", "value", "named", "kept"), BAD_CADENCE_SETTINGS)
def test_config_set_refuses_a_bad_cadence_setting_in_one_line(
    book: Storage, key: str, value: str, named: str, kept: str
) -> None:
    result = invoke("config", "set", key, value, "--db", book.path)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert f"{key}: " in line and named in line
    assert invoke("config", "get", key, "--db", book.path).stdout.strip() == kept


@pytest.mark.parametrize(("key", "value", "named", "kept"), BAD_CADENCE_SETTINGS)
def test_a_bad_stored_cadence_setting_is_listed_and_the_default_used(
    book: Storage, key: str, value: str, named: str, kept: str
) -> None:
    written_by_another_tool(book.path, {key: value})
    settings, [problem] = read_settings(book.db)
    assert settings == Settings()
    assert problem.startswith(f"setting {key} = {value!r} cannot be used")
    assert named in problem and problem.endswith(f"using {kept!r}")
    result = invoke("check", "--db", book.path)
    assert result.exit_code == 1
    assert f"setting {key} = {value!r} cannot be used" in result.stderr


@pytest.mark.parametrize("slot", ["08:59", "18:00", "23:30"])
def test_config_set_refuses_an_afternoon_slot_outside_calling_hours(
    book: Storage, slot: str
) -> None:
    result = invoke("config", "set", "afternoon_slot", slot, "--db", book.path)
    assert result.exit_code == 1
    assert one_line_error(result.stderr) == (
        f"funnel: afternoon_slot: afternoon_slot {slot} must be inside calling hours"
        " (09:00 to 18:00)"
    )
    assert invoke("config", "get", "afternoon_slot", "--db", book.path).stdout.strip() == "14:00"


def test_calling_hours_that_would_leave_the_afternoon_slot_out_are_refused(book: Storage) -> None:
    result = invoke("config", "set", "calling_end", "13:00", "--db", book.path)
    assert result.exit_code == 1
    assert "afternoon_slot 14:00 must be inside calling hours (09:00 to 13:00)" in one_line_error(
        result.stderr
    )
    assert invoke("config", "get", "calling_end", "--db", book.path).stdout.strip() == "18:00"


@pytest.mark.parametrize(
    ("stored", "problem", "slot"),
    [
        (
            {"afternoon_slot": "19:00"},
            "setting afternoon_slot 19:00 must be inside calling hours (09:00 to 18:00);"
            " using 14:00",
            time(14, 0),
        ),
        # Evening hours without a slot of their own: the default falls outside them.
        (
            {"calling_start": "19:00", "calling_end": "21:30"},
            "setting afternoon_slot 14:00 must be inside calling hours (19:00 to 21:30);"
            " using 20:15",
            time(20, 15),
        ),
    ],
)
def test_a_stored_afternoon_slot_outside_calling_hours_is_listed_and_one_inside_used(
    book: Storage, stored: dict[str, str], problem: str, slot: time
) -> None:
    written_by_another_tool(book.path, stored)
    settings, problems = read_settings(book.db)
    assert problems == [problem]
    assert settings.afternoon_slot == slot
    result = invoke("check", "--db", book.path)
    assert result.exit_code == 1
    assert problem in result.stderr


async def test_the_settings_screen_shows_and_saves_the_cadence_settings(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen
        assert screen.query_one("#setting-cadence_days", Input).value == "1,1,2,2,3,3,3"
        assert screen.query_one("#setting-afternoon_slot", Input).value == "14:00"
        assert screen.query_one("#setting-nurture_days", Input).value == "90"
        screen.query_one("#setting-cadence_days", Input).value = "1,2,3"
        screen.query_one("#setting-nurture_days", Input).value = "180"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is not screen
    settings = read_settings(db)[0]
    assert (settings.cadence_days, settings.nurture_days) == ((1, 2, 3), 180)


async def test_the_settings_screen_refuses_an_afternoon_slot_outside_calling_hours(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen
        screen.query_one("#setting-calling_end", Input).value = "13:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
        assert "Afternoon slot 14:00 must be inside calling hours, 09:00 to 13:00" in shown_text(
            screen.query_one("#setting-error-afternoon_slot", Static)
        )
        assert "1 setting to fix" in shown_text(screen.query_one("#settings-status", Static))
        screen.query_one("#setting-afternoon_slot", Input).value = "12:30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is not screen
    settings = read_settings(db)[0]
    assert (settings.calling_end, settings.afternoon_slot) == (time(13, 0), time(12, 30))


FROM_ADDRESSES_REFUSED = [
    "@x",
    "a@x",
    "Alex <a@kestrel.example",
    "a@b.com, c@d.com",
    "jörg@müller.de",
    "Alex =?utf-8?q?=0D=0AReply-To=3A_x=40evil=2Eexample?= <a@kestrel.example>",
]


@pytest.mark.parametrize("value", FROM_ADDRESSES_REFUSED)
def test_config_set_refuses_a_sender_address_that_sending_would_refuse(
    book: Storage, value: str
) -> None:
    from funnel_tui.emailing.headers import AddressRefused, sender

    result = invoke("config", "set", "email_from", value, "--db", book.path)
    assert result.exit_code == 1
    assert one_line_error(result.stderr).startswith(f"funnel: email_from: {value!r}"[:40])
    assert invoke("config", "get", "email_from", "--db", book.path).stdout.strip() == ""
    with pytest.raises(AddressRefused):
        sender(value)


@pytest.mark.parametrize(
    "value",
    ["Alex Morgan <alex@kestrel.example>", '"Morgan, Alex" <alex@kestrel.example>', "a@b.co"],
)
def test_config_set_keeps_a_sender_address_that_sending_takes(book: Storage, value: str) -> None:
    from funnel_tui.emailing.headers import sender

    assert invoke("config", "set", "email_from", value, "--db", book.path).exit_code == 0
    assert invoke("config", "get", "email_from", "--db", book.path).stdout.strip() == value
    assert sender(value).addr_spec.endswith((".example", ".co"))


def test_stored_smtp_settings_that_cannot_be_used_are_named(book: Storage) -> None:
    written_by_another_tool(
        book.path,
        {
            "smtp_port": "99999",
            "smtp_host": "smtp.example.com\nX",
            "email_from": "Alex\n<alex@kestrel.example>",
            "smtp_security": "ssl",
        },
    )
    _, problems = read_settings(book.db)
    assert "(expected a port number from 1 to 65535, got '99999')" in " ".join(problems)
    named = sorted(problem.split(" = ")[0] for problem in problems)
    assert named == [
        "setting email_from",
        "setting smtp_host",
        "setting smtp_port",
        "setting smtp_security",
    ]


def test_every_setting_has_words_and_an_example_that_reads() -> None:
    assert set(SETTING_WORDS) == set(KEYS)
    for key, words in SETTING_WORDS.items():
        assert words.name and words.explains
        parse_setting(key, words.example)


async def test_the_settings_screen_styles_each_widget_once_as_it_opens(
    demo_app: FunnelApp,
) -> None:
    # Textual styles each widget as it is mounted, then the screen's first ScreenResume
    # styled every widget again: a fifth of the screen's opening.
    styled: Counter[str] = Counter()
    apply = demo_app.stylesheet.apply

    def counted(node: Any, *args: Any, **kwargs: Any) -> None:
        styled[type(node).__name__] += 1
        apply(node, *args, **kwargs)

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        demo_app.stylesheet.apply = counted  # type: ignore[method-assign]
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(demo_app.screen, SettingsScreen)
        # No error line has anything to say.
        assert not any(error.display for error in demo_app.screen.query(FieldError))
    assert styled["FieldError"] == len(KEYS)


async def test_typing_that_changes_no_line_of_settings_updates_none(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Static.update lays the whole screen out again, changed or not: each key typed
    # updated a setting's name, help, error and the status, a layout of 29 rows each.
    updated: list[str | None] = []
    update = Static.update

    def counted(static: Static, *args: Any, **kwargs: Any) -> None:
        updated.append(static.id)
        update(static, *args, **kwargs)

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s", "tab", "tab", "x")
        await settle(pilot)
        monkeypatch.setattr(Static, "update", counted)
        await pilot.press(*"yz")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, SettingsScreen)
        name = screen.query_one("#setting-rep_name", Input).value
        label = shown_text(screen.query_one("#setting-label-rep_name", Static))
    assert name.endswith("xyz") and label.splitlines()[1:] == ["not default"]
    assert updated == []


async def test_the_settings_screen_checks_as_typed_and_marks_changed_settings(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    stored_before = list(db.execute("SELECT key, value FROM settings ORDER BY key"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen

        def said(prefix: str, key: str) -> str:
            return shown_text(screen.query_one(f"#setting-{prefix}-{key}", Static)).strip()

        def changed(key: str) -> bool:
            return said("label", key).splitlines()[1:] == ["not default"]

        assert said("help", "busy_retry_minutes").startswith(
            "Minutes to wait before trying a busy line again · e.g. 120"
        )
        assert not changed("busy_retry_minutes")
        # Typed into the field: refused at once, beside it, before any save.
        screen.query_one("#setting-busy_retry_minutes", Input).focus()
        await pilot.press("ctrl+u", *"[bold]9")
        await settle(pilot)
        assert "[bold]9" in said("error", "busy_retry_minutes")
        assert "1 setting to fix" in shown_text(screen.query_one("#settings-status", Static))
        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.screen is screen
        assert list(db.execute("SELECT key, value FROM settings ORDER BY key")) == stored_before
        # Fixed, the error goes, and the setting shows it differs from the default.
        await pilot.press("ctrl+u", *"45")
        await settle(pilot)
        assert not screen.query_one("#setting-error-busy_retry_minutes").display
        assert changed("busy_retry_minutes")
        assert said("help", "busy_retry_minutes").endswith("· default: 120")


def on_screen(screen: Screen, widget: Widget) -> bool:
    """Whether every line of a widget is drawn, not hidden below the dialog's edge."""
    region = widget.region
    return (
        region.height > 0
        and all(
            screen.get_widget_at(region.x, y)[0] is widget for y in range(region.y, region.bottom)
        )
        and screen.query_one("#settings-hint").region.y < screen.region.bottom
    )


async def test_the_settings_screen_checks_calling_hours_against_each_other_as_typed(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    # A small terminal: the list of settings scrolls.
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen
        start = screen.query_one("#setting-calling_start", Input)
        start.focus()
        await pilot.press("ctrl+u", *"19:00")
        await settle(pilot)
        error = screen.query_one("#setting-error-calling_start", Static)
        said = " ".join(shown_text(error).split())
        assert said == "Calling hours start 19:00 must be before the end, 18:00"
        assert "1 setting to fix" in shown_text(screen.query_one("#settings-status", Static))
        assert on_screen(screen, error)
        # Fixed from the other field: the message goes.
        end = screen.query_one("#setting-calling_end", Input)
        end.focus()
        await pilot.press("ctrl+u", *"20:00")
        await settle(pilot)
        assert "calling_start" not in screen.refused
        assert not error.display
        await pilot.press("ctrl+u", *"18:30")
        await settle(pilot)
        end_error = screen.query_one("#setting-error-calling_end", Static)
        said = " ".join(shown_text(end_error).split())
        assert said == "Calling hours end 18:30 must be after the start, 19:00"
        assert on_screen(screen, end_error)
        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.screen is screen
        assert on_screen(screen, end_error)
    assert db.execute("SELECT count(*) FROM settings WHERE key LIKE 'calling_%'").fetchone()[0] == 0


async def test_a_setting_changed_from_a_shell_reaches_the_open_app_within_a_second(
    demo_app: FunnelApp,
) -> None:
    """`funnel config set currency CHF` while the app is open: the gauge shows francs
    within a second, without a restart."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        gauge = demo_app.screen.query_one(QuotaGauge)
        assert "CHF" not in str(gauge.render())
        shell = open_storage(demo_app.storage.path)
        try:
            save_setting(shell.db, "currency", "CHF")
        finally:
            shell.close()
        await wait_for(pilot, lambda: "CHF" in str(gauge.render()), 1.0)
        assert demo_app.settings.currency == "CHF"


@pytest.mark.parametrize(
    ("text", "days"),
    [("mon,tue,wed", (0, 1, 2)), ("Monday, Tues, THURS", (0, 1, 3)), ("fri,fri", (4,))],
)
def test_business_days_are_read_as_abbreviations_or_whole_names(
    text: str, days: tuple[int, ...]
) -> None:
    assert parse_setting("business_days", text) == days


@pytest.mark.parametrize(("text", "named"), [("mon,tue,funday", "funday"), ("mondaze", "mondaze")])
def test_a_word_that_is_no_weekday_is_refused_as_typed(text: str, named: str) -> None:
    # `funday` was read by its first three letters and refused as 'fun'; `mondaze` passed.
    with pytest.raises(SettingError, match=f"unknown weekday '{named}'"):
        parse_setting("business_days", text)


async def test_a_dialog_opened_right_after_saving_settings_opens_without_their_toast(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Settings saved" was said once the settings were read back, over the target dialog
    # that `t` had opened meanwhile.
    # A book that takes a moment to read the settings back (a team's server far away):
    # the keys typed after ctrl+s wait for it, then `t` opens its dialog.
    def slow_load_settings(db: Any) -> Any:
        threading.Event().wait(SLOW_READ_S)
        return load_settings(db)

    monkeypatch.setattr(book_dialogs, "load_settings", slow_load_settings)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        demo_app.screen.query_one("#setting-nurture_days", Input).value = "120"
        burst(demo_app, "ctrl+s", "t")
        await settle(pilot)
        assert type(demo_app.screen).__name__ == "TargetDialog"
        assert not [toast.message for toast in demo_app._notifications]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "2026-12-25, 26/12/2026",
            "'26/12/2026' is not a date: holidays are written YYYY-MM-DD (2026-12-25),"
            " separated by commas",
        ),
        ("2026-02-30", "'2026-02-30' is not a date (no such day)"),
    ],
)
def test_a_holiday_that_is_not_a_date_says_how_to_write_one(typed: str, said: str) -> None:
    with pytest.raises(SettingError) as refused:
        parse_setting("holidays", typed)
    assert str(refused.value) == said


@pytest.mark.parametrize("typing", ["pilot", "burst"])
async def test_a_name_typed_without_the_filter_key_changes_no_setting(
    demo_app: FunnelApp, typing: str
) -> None:
    """`sam enter`, meant for the filter: `s` opens the settings, whose first field is the
    currency. The letters after it changed the book's currency to `$am`, and enter saved."""
    db = demo_app.storage.db
    before = load_settings(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        if typing == "pilot":
            await pilot.press("s", "a", "m", "enter")
        else:
            burst(demo_app, "s", "a", "m", "enter")
        await settle(pilot)
        assert not isinstance(demo_app.screen, SettingsScreen)
        # Tab reaches the first setting.
        await pilot.press("s", "tab")
        await settle(pilot)
        assert demo_app.focused is demo_app.screen.query_one("#setting-currency", Input)
    assert load_settings(db) == before


async def test_the_hint_says_tab_moves_once_a_setting_has_focus(demo_app: FunnelApp) -> None:
    """No setting has focus as Settings opens, and tab goes to the first; from there it
    moves on to the next."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        hint = demo_app.screen.query_one("#settings-hint", Label)
        assert str(hint.content).startswith("tab goes to the first setting")
        await pilot.press("tab")
        await settle(pilot)
        assert str(hint.content).startswith("tab moves · enter or ctrl+s saves")
