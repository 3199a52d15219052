"""Dialing (PRODUCT 15): `enter` starts the timer, copies the number and runs the
`dial_command` without a shell. The dialer here is a small script that records the argv
it was given, or one that fails the way a softphone without an account does."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.dialing import DialFailed, DialNumber, dial_argv, dial_number, run_dialer
from funnel_tui.settings import DIAL_PLACEHOLDERS, SettingError, parse_setting, save_setting
from funnel_tui.store.sqlite import Storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.main_screen import MainScreen, RunningCall
from tests.app_support import FrozenClock, messages, settle, settle_until, shown_text
from tests.test_app import burst, todays_queue
from tests.test_app_edit import mark_do_not_call
from tests.test_typeahead import main_screen

RECORDER = """\
import json, sys
with open(sys.argv[1], "w") as out:
    json.dump(sys.argv[2:], out)
"""
FAILING = """\
import sys
print("linphonecsh: no SIP account configured", file=sys.stderr)
sys.exit(3)
"""
DENVER = DialNumber(e164="+13035550100", national="3035550100", shown="+1 303-555-0100")


def script(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def recording_command(tmp_path: Path) -> tuple[str, Path]:
    """A dial_command that writes its argv (after the record file) to a JSON file."""
    record = tmp_path / "dialled.json"
    recorder = script(tmp_path, "recorder.py", RECORDER)
    return f"{sys.executable} {recorder} {record} --call {{e164}} tel:{{digits}}", record


def test_each_placeholder_fills_part_of_one_word_and_never_splits_it() -> None:
    template = "softphone --to={e164} 'dial {national}' x{extension}"
    number = DialNumber(e164="+447700900318", national="07700900318", extension="12")

    assert dial_argv(template, number) == [
        "softphone",
        "--to=+447700900318",
        "dial 07700900318",
        "x12",
    ]


def test_an_extension_reaches_the_dialer_and_no_empty_argument_does() -> None:
    with_extension = DialNumber(e164="+15550001000", national="5550001000", extension="12")
    template = "softphone tel:{tel} --ext {extension}"

    assert dial_argv(template, with_extension) == [
        "softphone",
        "tel:+15550001000;ext=12",
        "--ext",
        "12",
    ]
    assert dial_argv(template, DENVER) == ["softphone", "tel:+13035550100", "--ext"]


def test_the_dial_command_setting_is_checked_as_it_is_typed() -> None:
    assert parse_setting("dial_command", "xdg-open tel:{e164}") == "xdg-open tel:{e164}"
    windows = '"C:\\Program Files\\MicroSIP\\microsip.exe" {e164}'
    assert parse_setting("dial_command", windows) == windows
    for bad, reason in (
        ("xdg-open tel:{phone}", "unknown placeholder {phone}"),
        ("xdg-open tel:{e164", "a stray brace"),
        ("linphonecsh dial", "needs the number"),
        ("pbx dial {extension}", "needs the number"),
        ("softphone 'unclosed {e164}", "cannot split into words"),
        ("'' {e164}", "starts with the program"),
        ("{e164}", "starts with the program to run, not '{e164}'"),
        ("tel:{tel} --call", "starts with the program to run, not 'tel:{tel}'"),
        ("C:\\Tools\\microsip.exe {e164}", "put a Windows path in double quotes"),
        ("dial {e164}\nrm -rf ~", "one line"),
    ):
        with pytest.raises(SettingError, match=reason):
            parse_setting("dial_command", bad)


@pytest.mark.parametrize(
    ("typed", "region", "e164", "national", "extension"),
    [
        ("+13035550100", "US", "+13035550100", "3035550100", ""),
        ("+447700900318", "US", "+447700900318", "07700900318", ""),
        ("07700 900318", "GB", "+447700900318", "07700900318", ""),
        ("+1 (555) 000-1000 x12", "US", "+15550001000", "5550001000", "12"),
    ],
)
def test_the_number_in_each_form_a_dialer_may_ask_for(
    typed: str, region: str, e164: str, national: str, extension: str
) -> None:
    number = dial_number(typed, region)

    assert (number.e164, number.national, number.extension) == (e164, national, extension)
    assert number.digits == e164[1:]


def test_every_placeholder_has_a_value() -> None:
    number = dial_number("+15550001000;ext=12", "GB")

    assert {name: number.fill(name) for name in DIAL_PLACEHOLDERS} == {
        "e164": "+15550001000",
        "tel": "+15550001000;ext=12",
        "digits": "15550001000",
        "extension": "12",
        "national": "5550001000",
    }


def test_a_stored_value_that_is_no_number_is_not_dialled() -> None:
    with pytest.raises(DialFailed, match="cannot be dialled"):
        dial_number("ask reception", "US")


def test_the_dialer_gets_the_argv_and_no_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command, record = recording_command(tmp_path)
    monkeypatch.chdir(tmp_path)  # where a shell would have run `touch hacked`

    run_dialer(dial_argv(command.replace("{e164}", "'{e164}; touch hacked'"), DENVER))

    assert json.loads(record.read_text()) == [
        "--call",
        "+13035550100; touch hacked",
        "tel:13035550100",
    ]
    assert not (tmp_path / "hacked").exists()


@pytest.mark.parametrize(
    "stored",
    [
        "+44 20 7946 0000 (mobile)",  # letters would be keypad digits: 662453
        "$(touch pwned) 303-555-0100",
        "+44 20 7946 0000\nrm -rf ~",
        "303; reboot",
        "12",  # too short to be anyone's
        "+1 303 555 0100 555 0100 555 0100",  # too long
    ],
)
def test_a_stored_value_that_is_not_a_possible_number_is_never_dialled(stored: str) -> None:
    with pytest.raises(DialFailed, match="cannot be dialled"):
        dial_number(stored, "US")


def test_the_refusal_of_a_long_value_stays_short() -> None:
    with pytest.raises(DialFailed) as refused:
        dial_number("call reception and ask for " * 100, "US")
    assert len(str(refused.value)) < 220


def test_a_missing_dialer_says_so(tmp_path: Path) -> None:
    with pytest.raises(DialFailed, match="'linphonecsh' was not found"):
        run_dialer(["linphonecsh", "dial", "+13035550100"])
    not_runnable = script(tmp_path, "dialer", "#!/bin/sh\n")
    with pytest.raises(DialFailed, match="permission denied"):
        run_dialer([str(not_runnable)])


def test_a_dialer_that_fails_says_why(tmp_path: Path) -> None:
    failing = script(tmp_path, "failing.py", FAILING)

    with pytest.raises(DialFailed, match="code 3: linphonecsh: no SIP account configured"):
        run_dialer([sys.executable, str(failing)])


def test_a_dialer_that_stays_open_is_dialling(tmp_path: Path) -> None:
    started = time.monotonic()
    run_dialer([sys.executable, "-c", "import time; time.sleep(5)"], wait_s=0.3)
    assert time.monotonic() - started < 3


def test_a_dialer_that_fails_while_its_child_runs_on_still_fails(tmp_path: Path) -> None:
    # xdg-open and gio often leave a helper behind that holds the dialer's stderr.
    forks = script(
        tmp_path,
        "forks.py",
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
        "print('no handler for tel:', file=sys.stderr)\n"
        "sys.exit(4)\n",
    )
    started = time.monotonic()

    with pytest.raises(DialFailed, match="code 4: no handler for tel:"):
        run_dialer([sys.executable, str(forks)], wait_s=10)
    assert time.monotonic() - started < 8


def test_a_dialer_stopped_by_a_signal_says_so(tmp_path: Path) -> None:
    killer = script(
        tmp_path, "killed.py", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"
    )
    with pytest.raises(DialFailed, match="stopped by signal 9"):
        run_dialer([sys.executable, str(killer)])


def test_quitting_stops_the_wait_at_once(tmp_path: Path) -> None:
    started = time.monotonic()
    run_dialer([sys.executable, "-c", "import time; time.sleep(5)"], cancelled=lambda: True)
    assert time.monotonic() - started < 1


async def test_enter_dials_the_top_prospect_with_its_e164_number(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    command, record = recording_command(tmp_path)
    save_setting(demo_storage.db, "dial_command", command)
    top = todays_queue(demo_storage.db)[0]
    stored = demo_storage.db["prospects"].get(top)["phone"]
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "no-scripts")

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle_until(pilot, record.exists)
        await settle(pilot)
        assert main_screen(app).running_call is not None
        assert main_screen(app).running_call.prospect_id == top
        assert messages(app)[-1].startswith("Call started with ")
        assert "dialling +" in messages(app)[-1]
        assert app.clipboard == dial_number(stored, "US").e164

    e164 = dial_number(stored, "US").e164
    assert json.loads(record.read_text()) == ["--call", e164, f"tel:{e164[1:]}"]


async def test_a_failed_dial_says_why_and_keeps_the_timer(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    failing = script(tmp_path, "failing.py", FAILING)
    save_setting(demo_storage.db, "dial_command", f"{sys.executable} {failing} {{e164}}")
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "no-scripts")

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle_until(pilot, lambda: "failed" in messages(app)[-1])
        assert "no SIP account configured" in messages(app)[-1]
        assert "timer runs" in messages(app)[-1]
        # It replaces the toast that said the number was copied: it says so itself.
        assert f"dial by hand ({app.clipboard} copied)" in messages(app)[-1]
        assert main_screen(app).running_call is not None
        # Nothing rings after a failed dial: enter dials again at once, reflex or not.
        await pilot.press("enter")
        await settle(pilot)
        assert "just dialled" not in messages(app)[-1]
        await settle_until(pilot, lambda: "failed" in messages(app)[-1])


async def test_without_a_dial_command_the_number_is_copied(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        said = messages(demo_app)[-1]
        # One colon: "Call started with Ann Archer: +44 20 7946 0182 (+442079460182 copied)".
        assert said.count(":") == 1 and said.endswith(f" ({demo_app.clipboard} copied)")
        assert demo_app.clipboard.startswith("+")


async def test_a_do_not_call_prospect_is_never_dialled(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    command, record = recording_command(tmp_path)
    save_setting(demo_storage.db, "dial_command", command)
    flagged = mark_do_not_call(demo_storage.db)
    name = str(demo_storage.db["prospects"].get(flagged)["name"])
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "no-scripts")

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        # Among all prospects, found by name: the queue leaves it out.
        await pilot.press("f", "slash", *name.lower(), "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert messages(app)[-1] == f"Not started: {name} is marked do not call."
        assert main_screen(app).running_call is None
        assert app.clipboard == ""

    assert not record.exists()


# Saturday 07:29 in London: 02:29 in New York, where the demo's Kate Sullivan is.
SATURDAY_NIGHT_IN_NEW_YORK = datetime(2026, 11, 21, 7, 29, tzinfo=ZoneInfo("Europe/London"))
KATE_ASKED = (
    "It is 02:29 on Saturday for Kate Sullivan (outside 09:00-18:00, not a business day)."
    " Call anyway?"
)


def question(app: FunnelApp) -> str:
    """The question the confirm dialog on top asks, and its line of keys."""
    dialog = app.screen
    assert isinstance(dialog, ConfirmDialog)
    asked, hint = (
        shown_text(dialog.query_one(f"#confirm-{part}")) for part in ("question", "hint")
    )
    return f"{asked.strip()} | {hint.strip()}"


def running_call(app: FunnelApp) -> RunningCall | None:
    """The call running, whatever dialog is on top."""
    (screen,) = [screen for screen in app.screen_stack if isinstance(screen, MainScreen)]
    return screen.running_call


def app_at_night(storage: Storage, tmp_path: Path) -> tuple[FunnelApp, Path]:
    """The app on Saturday night in New York, with a dial command that records its call."""
    command, record = recording_command(tmp_path)
    save_setting(storage.db, "dial_command", command)
    clock = FrozenClock(SATURDAY_NIGHT_IN_NEW_YORK)
    return FunnelApp(storage, clock=clock, scripts_dir=tmp_path / "no-scripts"), record


async def test_enter_outside_their_calling_hours_asks_first_and_only_y_calls(
    demo_storage: Storage, tmp_path: Path
) -> None:
    app, record = app_at_night(demo_storage, tmp_path)

    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"kate sullivan", "enter")
        await settle(pilot)
        for no in ("n", "escape"):
            await pilot.press("enter")
            await settle(pilot)
            assert question(app) == f"{KATE_ASKED} | y: call anyway · n or esc: no"
            await pilot.press(no)
            await settle(pilot)
            assert running_call(app) is None
        await pilot.press("enter")
        await settle(pilot)
        # A reflex second enter is no yes: the number may ring at 2 in the morning.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert running_call(app) is None
        assert app.clipboard == "" and not record.exists()
        await pilot.press("y")
        await settle_until(pilot, record.exists)
        await settle(pilot)
        running = running_call(app)
        assert running is not None and running.name == "Kate Sullivan"
        assert messages(app)[-1].startswith("Call started with Kate Sullivan: dialling +1 617")
        assert app.clipboard == "+16175550154"

    assert json.loads(record.read_text()) == ["--call", "+16175550154", "tel:16175550154"]


async def test_keys_typed_after_enter_never_answer_the_calling_hours_question(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """`/kate sullivan enter enter l n enter` at full speed, meant to start the call and
    log a no answer: the question was not yet on screen, so none of the keys after its
    enter answers it, and it says so."""
    app, record = app_at_night(demo_storage, tmp_path)
    calls_before = demo_storage.db["calls"].count

    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        burst(app, "slash", *"kate sullivan", "enter", "enter", "l", "n", "enter")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await settle(pilot)
        assert question(app) == (
            f"{KATE_ASKED} | keys typed after enter were not applied · y: call anyway"
            " · n or esc: no"
        )
        assert running_call(app) is None
        assert demo_storage.db["calls"].count == calls_before
        assert app.clipboard == "" and not record.exists()
        await pilot.press("y")
        await settle_until(pilot, record.exists)
        assert running_call(app) is not None


async def test_ending_a_running_call_for_one_outside_their_hours_says_both(
    demo_storage: Storage, tmp_path: Path
) -> None:
    app, record = app_at_night(demo_storage, tmp_path)

    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        # Jonas Weber's zone is not known: he is called at once, at any hour.
        await pilot.press("slash", *"jonas weber", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle_until(pilot, record.exists)
        assert getattr(running_call(app), "name", None) == "Jonas Weber"
        record.unlink()
        await pilot.press("slash", *"kate sullivan", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        asked = question(app)
        assert "is running (0:00) and not logged. End it without logging and call Kate" in asked
        assert asked.endswith(
            "Sullivan? It is 02:29 on Saturday for Kate Sullivan (outside 09:00-18:00, not a"
            " business day). | y: end it and call · n or esc: no"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert getattr(running_call(app), "name", None) == "Jonas Weber"
        await pilot.press("y")
        await settle_until(pilot, record.exists)
        assert getattr(running_call(app), "name", None) == "Kate Sullivan"


async def test_a_reflex_second_enter_never_ends_a_running_call(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """`enter` on another prospect, then `enter` again by reflex, ended the running call
    unlogged: its start and time were gone, the toast naming only the new call."""
    demo_storage.db.execute("UPDATE prospects SET timezone = NULL WHERE name = 'Kate Sullivan'")
    app, record = app_at_night(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        # Neither zone is known: both are called at once, at any hour.
        await pilot.press("slash", *"jonas weber", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle_until(pilot, record.exists)
        await pilot.press("slash", *"kate sullivan", "enter")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert question(app).endswith("Kate Sullivan? | y: end it and call · n or esc: no")
        assert getattr(running_call(app), "name", None) == "Jonas Weber"
        await pilot.press("y")
        await settle(pilot)
        assert getattr(running_call(app), "name", None) == "Kate Sullivan"


APPENDING_RECORDER = """\
import sys
with open(sys.argv[1], "a") as out:
    out.write(" ".join(sys.argv[2:]) + "\\n")
"""


async def test_a_reflex_second_enter_does_not_dial_again_a_later_one_does(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`enter enter` placed two calls through the dialer in the same second."""
    record = tmp_path / "dials.txt"
    recorder = script(tmp_path, "appending.py", APPENDING_RECORDER)
    save_setting(demo_storage.db, "dial_command", f"{sys.executable} {recorder} {record} {{e164}}")
    moment = [1000.0]
    monkeypatch.setattr("funnel_tui.ui.call_dialer.monotonic", lambda: moment[0])
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "no-scripts")

    def dials() -> list[str]:
        return record.read_text().splitlines() if record.exists() else []

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle_until(pilot, lambda: len(dials()) == 1)
        await settle(pilot)
        assert "just dialled, so not dialled again" in messages(app)[-1]
        moment[0] += 2
        await pilot.press("enter")
        await settle(pilot)
        assert "just dialled" in messages(app)[-1]
        # A dropped line, seconds later: enter dials again, on the same call.
        moment[0] += 6
        await pilot.press("enter")
        await settle_until(pilot, lambda: len(dials()) == 2)
        assert "is running" in messages(app)[-1] and "dialling +" in messages(app)[-1]
        assert main_screen(app).running_call is not None
