"""Emailing the prospect from the app (PRODUCT 15): `E` opens the compose screen, a digit
picks the template, ctrl+s sends to a real SMTP server on 127.0.0.1 and the email is in the
emails table and the timeline; a failure keeps the screen, the text and the reason."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from textual import events
from textual.widgets import Input, Label, OptionList, Static, TextArea

from funnel_tui.emailing import sending
from funnel_tui.settings import save_setting
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.email_screen import EmailScreen, writing_point
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.timeline_screen import TimelineScreen
from tests.app_support import FrozenClock, settle, shown_text
from tests.smtp_support import SENDER, Inbox, fake_xdg_open, free_port, path_with, smtp_server
from tests.test_app import first_in_queue
from tests.test_timeline import timeline_text


def app_for(storage: Storage, tmp_path: Path, **settings: object) -> FunnelApp:
    """The app on the demo book with these settings stored first (the app reads them at
    start)."""
    for key, value in settings.items():
        save_setting(storage.db, key, str(value))
    return FunnelApp(storage, clock=FrozenClock(), scripts_dir=tmp_path / "scripts")


def smtp_at(port: int) -> dict[str, object]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "email_from": SENDER,
    }


def status(app: FunnelApp) -> str:
    return shown_text(app.screen.query_one("#email-status", Static)).strip()


def emails(storage: Storage) -> list[dict[str, Any]]:
    return list(storage.db.query("SELECT * FROM emails ORDER BY id"))


def toasts(app: FunnelApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def open_and_pick(pilot: Any, digit: str = "1") -> EmailScreen:
    await pilot.press("E")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EmailScreen)
    await pilot.press(digit)
    await settle(pilot)
    return screen


async def test_e_composes_from_a_template_and_ctrl_s_sends_and_records_it(
    demo_storage: Storage, tmp_path: Path
) -> None:
    prospect = first_in_queue(demo_storage.db)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("E")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, EmailScreen)
            names = [str(option.prompt) for option in screen.query_one(OptionList).options]
            assert len(names) == 5 and "After a voicemail" in names[0]
            await pilot.press("1")
            await settle(pilot)
            to = shown_text(screen.query_one("#email-to", Static)).strip()
            assert to == f"{prospect['name']} <{prospect['email']}>"
            first_name = prospect["name"].split()[0]
            assert screen.query_one(Input).value == f"Sorry I missed you, {first_name}"
            assert screen.query_one(TextArea).text.startswith(f"Hi {first_name},")
            assert "over SMTP (127.0.0.1:" in shown_text(screen.query_one("#email-about", Static))
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            assert any(toast.startswith(f"Sent to {prospect['name']}:") for toast in toasts(app))
            await pilot.press("h")
            await settle(pilot)
            assert isinstance(app.screen, TimelineScreen)
            assert "email    after voicemail · sent" in timeline_text(app)
            assert f"Sorry I missed you, {first_name}" in timeline_text(app)

    (received,) = inbox.received
    assert received.rcpt_tos == [prospect["email"]]
    (row,) = emails(demo_storage)
    assert (row["prospect_id"], row["template"], row["via"]) == (
        prospect["id"],
        "after_voicemail",
        "smtp",
    )
    assert row["message_id"] == received.message["Message-ID"]
    assert row["sent_at"] == "2026-11-18T14:30:00+00:00"


async def test_the_rep_edits_the_subject_and_the_text_before_sending(
    demo_storage: Storage, tmp_path: Path
) -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = await open_and_pick(pilot, "2")
            # The text has focus: typing adds to it; digits are text now, not templates.
            body = screen.query_one(TextArea)
            body.move_cursor(body.document.end)
            await pilot.press("enter", *"PS: 2 pages attached")
            await pilot.press("shift+tab")
            await pilot.press("ctrl+u", *"Our brochure")
            await settle(pilot)
            assert screen.has_changes()
            await pilot.press("ctrl+s")
            await settle(pilot)
    (row,) = emails(demo_storage)
    assert row["subject"] == "Our brochure"
    assert row["body"].endswith("PS: 2 pages attached")
    assert inbox.received[0].message["Subject"] == "Our brochure"


async def test_a_subject_typed_with_a_long_web_address_is_sent_as_typed(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """ctrl+s said "Not sent: the subject would not read as written" for this one."""
    subject = "Kestrel: a short summary for www.northern-lights-renewable-energy.co.uk"
    inbox = Inbox()
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await open_and_pick(pilot, "2")
            await pilot.press("shift+tab")
            await pilot.press("ctrl+u", *subject)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
    (row,) = emails(demo_storage)
    assert row["subject"] == subject
    assert inbox.received[0].message["Subject"] == subject


async def test_typing_in_a_filled_in_email_starts_after_its_greeting(
    demo_storage: Storage, tmp_path: Path
) -> None:
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = await open_and_pick(pilot, "2")
        filled = screen.query_one(TextArea).text.split("\n")
        await pilot.press(*"Good to talk today. ")
        await settle(pilot)
        lines = screen.query_one(TextArea).text.split("\n")
    # The greeting and the blank line after it stay; the rep's words open the paragraph.
    assert lines[:2] == filled[:2] and filled[0].endswith(",") and not filled[1]
    assert lines[2] == "Good to talk today. " + filled[2]


async def open_filling_slowly(pilot: Any) -> tuple[EmailScreen, asyncio.Event]:
    """The email screen, whose templates are filled in only once the returned event is
    set (as on a slow disk), so that keys can be typed while one is."""
    await pilot.press("E")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EmailScreen)
    keys_in = asyncio.Event()
    fill_in = screen.work.compose

    async def fill_in_later(template: Any) -> Any:
        await keys_in.wait()
        return await fill_in(template)

    screen.work = replace(screen.work, compose=fill_in_later)
    return screen, keys_in


async def test_text_typed_with_the_templates_digit_is_the_start_of_the_email(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """Keys typed before the picked template shows are text, digits, enter and backspace
    included, in order: they pick no other template and none is lost."""
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen, keys_in = await open_filling_slowly(pilot)
        await pilot.press("2", *"call at 1pmm", "backspace", "enter", *"Ok")
        assert screen.has_changes(), "what was typed is a change before the text shows"
        keys_in.set()
        # Typed once the text is filled in, before it shows: after the others.
        await pilot.press(*"ay")
        await settle(pilot)
        assert screen.draft is not None and screen.draft.template == "send_information"
        lines = screen.query_one(TextArea).text.split("\n")
        assert lines[0].startswith("Hi ") and lines[2] == "call at 1pm"
        assert lines[3].startswith("Okay") and len(lines[3]) > len("Okay")
        assert screen.has_changes()


async def test_escape_typed_while_the_template_fills_in_asks_before_dropping_the_text(
    demo_storage: Storage, tmp_path: Path
) -> None:
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen, keys_in = await open_filling_slowly(pilot)
        await pilot.press("2", *"hi", "escape")
        keys_in.set()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one(TextArea).text.split("\n")[2].startswith("hi")


async def test_text_typed_after_a_template_that_does_not_fit_is_said_lost_and_keys_work_again(
    demo_storage: Storage, tmp_path: Path
) -> None:
    prospect = first_in_queue(demo_storage.db)
    demo_storage.db.execute(
        "DELETE FROM calls WHERE prospect_id = ? AND outcome = 'proposal_sent'", [prospect["id"]]
    )
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen, keys_in = await open_filling_slowly(pilot)
        await pilot.press("4", *"abc")
        keys_in.set()
        await settle(pilot)
        assert status(app).endswith("(what you typed after picking it was not kept)")
        assert screen.draft is None
        # Nothing holds the keys any more: the next digit picks.
        await pilot.press("2", *"xy")
        await settle(pilot)
        assert screen.draft is not None
        assert screen.query_one(TextArea).text.split("\n")[2].startswith("xyThank")


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("Hi Ann,\n\nThanks.\n\nBest", (2, 0)),
        ("Hi Ann,\n\n\nThanks.", (3, 0)),
        # No greeting: the start of the text.
        ("Just a note about Acme.\n\nSecond paragraph.", (0, 0)),
        ("Hi Ann, thanks.", (0, 0)),
        ("Hi Ann,\nThanks.\n", (0, 0)),
        ("Hi Ann,\n\n", (2, 0)),
        ("Hi Ann,\n", (1, 0)),
        ("", (0, 0)),
    ],
)
def test_the_writing_point_is_the_first_paragraph_after_the_greeting(
    text: str, point: tuple[int, int]
) -> None:
    assert writing_point(text.split("\n")) == point


async def test_a_server_that_is_down_keeps_the_screen_the_text_and_the_reason(
    demo_storage: Storage, tmp_path: Path
) -> None:
    port = free_port()
    app = app_for(demo_storage, tmp_path, **smtp_at(port))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = await open_and_pick(pilot)
        await pilot.press(*"Sorry to miss you. ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert status(app) == (
            f"Not sent: cannot connect to the mail server 127.0.0.1:{port}: the connection was"
            " refused (is the server running, and are smtp_host and smtp_port right?)."
            " Nothing was recorded."
        )
        kept = screen.query_one(TextArea).text.split("\n")
        assert kept[0].startswith("Hi ") and kept[2].startswith("Sorry to miss you. ")
    assert emails(demo_storage) == []


async def test_a_server_that_hangs_up_after_taking_the_email_says_it_may_have_gone(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """The screen said "Not sent: ... check smtp_security and smtp_port", and ctrl+s sent
    the email a second time."""
    inbox = Inbox(hang_up_after_data=True)
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = await open_and_pick(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen
            said = status(app)
    assert len(inbox.received) == 1
    assert said.startswith(f"Perhaps sent: the mail server 127.0.0.1:{port} took the whole email")
    assert said.endswith("before sending it again. Nothing was recorded.")
    assert emails(demo_storage) == []


async def test_an_email_perhaps_sent_is_recorded_with_ctrl_r_once_the_rep_knows_it_went(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """The rep found it in their Sent folder, and the app offered no way to put it in the
    prospect's timeline but to send it again."""
    inbox = Inbox(hang_up_after_data=True)
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = await open_and_pick(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen
            hint = str(screen.query_one("#email-hint", Label).render())
            assert hint.startswith("ctrl+r records it as sent (not sent again)")
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            # It was not sent here: the toast said "Sent to".
            said = toasts(app)
            assert any(text.startswith("Recorded as sent to ") for text in said), said
            assert not any(text.startswith("Sent to ") for text in said), said
    # Sent once, recorded once, with the Message-ID the server was handed.
    assert len(inbox.received) == 1
    (recorded,) = emails(demo_storage)
    assert recorded["via"] == "smtp"
    assert recorded["message_id"] == inbox.received[0].message["Message-ID"]


async def test_sent_but_not_recorded_keeps_the_email_as_sent_and_ctrl_s_records_it(
    demo_storage: Storage, tmp_path: Path
) -> None:
    outside = sqlite3.connect(demo_storage.path, isolation_level=None)
    outside.execute(
        "CREATE TRIGGER refuse_emails BEFORE INSERT ON emails BEGIN"
        " SELECT RAISE(ABORT, 'database is locked'); END"
    )
    inbox = Inbox()
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = await open_and_pick(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen
            assert status(app).startswith("Sent, but not recorded:")
            assert "ctrl+s records it (it is not sent again)" in status(app)
            # What the fields show is what went out: they no longer change.
            body, subject = screen.query_one(TextArea), screen.query_one(Input)
            assert body.read_only and subject.disabled
            sent_text = body.text
            await pilot.press(*"more")
            assert body.text == sent_text
            hint = shown_text(screen.query_one("#email-hint", Label))
            assert hint.startswith("ctrl+s records it (already sent)")
            # Leaving now leaves it out of the timeline: asked first, and no keeps it.
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            question = shown_text(app.screen.query_one("#confirm-question", Label))
            assert "it will be missing from the prospect's timeline" in " ".join(question.split())
            await pilot.press("n")
            await settle(pilot)
            assert app.screen is screen
            outside.execute("DROP TRIGGER refuse_emails")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
    outside.close()
    assert len(inbox.received) == 1
    assert [row["body"] for row in emails(demo_storage)] == [sent_text]


async def pause_until(pilot: Any, done: Any, *, seconds: float = 10.0) -> None:
    """Let the app run until `done()` holds, without waiting for its workers (one is held
    on purpose)."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("not done in time")


async def test_escape_while_sending_waits_and_the_email_is_recorded(
    demo_storage: Storage, tmp_path: Path
) -> None:
    inbox = Inbox(hold=threading.Event())
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = await open_and_pick(pilot)
            await pilot.press("ctrl+s")
            await pause_until(pilot, lambda: status(app) == "Sending…")
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen
            assert status(app) == "Sending: wait for it to finish."
            # The key line no longer offers `esc cancels` while the server has the email.
            hint = shown_text(screen.query_one("#email-hint"))
            assert "esc cancels" not in hint and "esc waits" in hint
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert app.screen is screen and app.is_running
            assert inbox.hold is not None
            inbox.hold.set()
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
    assert len(inbox.received) == 1
    assert len(emails(demo_storage)) == 1


async def test_a_retry_reads_the_settings_again(demo_storage: Storage, tmp_path: Path) -> None:
    app = app_for(demo_storage, tmp_path, **smtp_at(free_port()))
    inbox = Inbox()
    with smtp_server(inbox) as port:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = await open_and_pick(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "the connection was refused" in status(app)
            # As `funnel config set smtp_port` in another terminal would.
            save_setting(sqlite_utils.Database(demo_storage.path), "smtp_port", str(port))
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is not screen, status(app)
    assert len(inbox.received) == 1
    assert len(emails(demo_storage)) == 1


@pytest.mark.parametrize(
    ("key", "value"),
    [("smtp_port", "99999"), ("smtp_port", "abc"), ("smtp_host", "smtp.example.com\nX")],
)
async def test_a_stored_setting_that_cannot_be_used_stops_the_send_and_is_named(
    demo_storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, value: str
) -> None:
    monkeypatch.setattr(sending, "launch_quietly", lambda url: pytest.fail("not the mail app"))
    inbox = Inbox()
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            demo_storage.db.execute("UPDATE settings SET value = ? WHERE key = ?", [value, key])
            await open_and_pick(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert status(app).startswith(f"Not sent: the setting {key} = {value!r}")
            assert f"set it again with funnel config set {key}" in status(app)
    assert inbox.received == []
    assert emails(demo_storage) == []


@pytest.mark.parametrize(("exit_code", "recorded"), [(0, True), (3, False)])
async def test_without_an_smtp_server_the_mail_app_gets_a_mailto_link(
    demo_storage: Storage,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    exit_code: int,
    recorded: bool,
) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    opened = fake_xdg_open(folder, exit_code)
    monkeypatch.setenv("PATH", path_with(folder))
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = await open_and_pick(pilot, "2")
        assert "to your mail app" in shown_text(screen.query_one("#email-about", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
        if recorded:
            assert any(toast.startswith("Handed to your mail app:") for toast in toasts(app))
        else:
            assert app.screen is screen
            assert status(app).startswith(
                "Not sent: the system found no mail app for mailto: links (xdg-open exited"
                " with code 3)"
            )
    (link,) = opened.read_text().splitlines()
    assert link.startswith("mailto:")
    assert [row["via"] for row in emails(demo_storage)] == (["mailto"] if recorded else [])


async def test_escape_closes_at_once_unchanged_and_asks_after_an_edit(
    demo_storage: Storage, tmp_path: Path
) -> None:
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("E", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        screen = await open_and_pick(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        screen = await open_and_pick(pilot)
        await pilot.press(*"more")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert "more" in screen.query_one(TextArea).text
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert emails(demo_storage) == []


async def test_a_prospect_without_an_email_address_is_said_and_nothing_opens(
    demo_storage: Storage, tmp_path: Path
) -> None:
    prospect = first_in_queue(demo_storage.db)
    demo_storage.db.execute("UPDATE prospects SET email = NULL WHERE id = ?", [prospect["id"]])
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert f"{prospect['name']} has no email address: add one with e." in toasts(app)


async def test_names_show_literally(demo_storage: Storage, tmp_path: Path) -> None:
    prospect = first_in_queue(demo_storage.db)
    demo_storage.db.execute(
        "UPDATE prospects SET name = ?, first_name = ? WHERE id = ?",
        ["[bold]Eve[/] Stone", "[b]Eve", prospect["id"]],
    )
    inbox = Inbox()
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = await open_and_pick(pilot)
            title = shown_text(screen.query_one("#email-title", Static))
            assert "Email · [bold]Eve[/] Stone" in title
            assert screen.query_one(Input).value == "Sorry I missed you, [b]Eve"
            await pilot.press("ctrl+s")
            await settle(pilot)
    assert inbox.received[0].message["To"] == '"[bold]Eve[/] Stone" <' + prospect["email"] + ">"


@pytest.mark.parametrize(
    ("name", "address", "said"),
    [
        ("Eve \x1b[31m", None, "the prospect's name 'Eve \\x1b[31m' has a line break or a control"),
        (None, "eve@example.com\nBcc: x@evil.example", "has a line break or a control character"),
        (None, "a@b.co, c@d.co", "the email address 'a@b.co, c@d.co' holds more than one address"),
        ("Acme =?utf-8?q?=0D=0AReply-To=3A_x=40evil=2Eexample?=", None, "holds an encoded word"),
    ],
)
async def test_e_on_a_prospect_whose_name_or_address_would_be_refused_says_so_at_once(
    demo_storage: Storage, tmp_path: Path, name: str | None, address: str | None, said: str
) -> None:
    prospect = first_in_queue(demo_storage.db)
    demo_storage.db.execute(
        "UPDATE prospects SET name = coalesce(?, name), email = coalesce(?, email) WHERE id = ?",
        [name, address, prospect["id"]],
    )
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        (toast,) = [toast for toast in toasts(app) if toast.startswith("Cannot email ")]
        assert said in toast and "\n" not in toast
    assert emails(demo_storage) == []


async def test_ctrl_e_in_a_terminal_that_cannot_be_handed_over_keeps_the_text(
    demo_storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "nano")
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = await open_and_pick(pilot)
        before = screen.query_one(TextArea).text
        # From the subject too: ctrl+e is the editor's here, not the field's end of line.
        await pilot.press("shift+tab", "ctrl+e")
        await settle(pilot)
        assert status(app) == (
            "This terminal cannot be handed to $EDITOR here; edit the text in place."
        )
        assert screen.query_one(TextArea).text == before


@dataclass
class HandOvers:
    """How often the app handed the terminal over and took it back."""

    suspended: int = 0
    resumed: int = 0


def suspend_for_real(app: FunnelApp, monkeypatch: pytest.MonkeyPatch) -> HandOvers:
    """Textual's own `App.suspend`, run headless. The headless driver says it cannot
    suspend (there is no terminal), so it is told it can, and its two switches of the
    terminal's mode are counted instead of made. `App.suspend` itself runs as it does in a
    real terminal: it takes the terminal back only when its `with` block ends normally."""
    driver = app._driver
    assert driver is not None
    handovers = HandOvers()

    def suspend_mode() -> None:
        handovers.suspended += 1

    def resume_mode() -> None:
        handovers.resumed += 1

    monkeypatch.setattr(type(driver), "can_suspend", property(lambda self: True))
    monkeypatch.setattr(driver, "suspend_application_mode", suspend_mode)
    monkeypatch.setattr(driver, "resume_application_mode", resume_mode)
    return handovers


def editor_script(tmp_path: Path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(body, encoding="utf-8")
    return f"{sys.executable} {script}"


async def test_ctrl_e_takes_the_text_back_from_the_editor(
    demo_storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = editor_script(
        tmp_path,
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "open(path, 'w', encoding='utf-8').write(text.replace('Hi', 'Dear') + 'P.S. ok\\n')\n",
    )
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.delenv("VISUAL", raising=False)
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        handovers = suspend_for_real(app, monkeypatch)
        await settle(pilot)
        screen = await open_and_pick(pilot)
        before = screen.query_one(TextArea).text
        await pilot.press("ctrl+e")
        await settle(pilot)
        after = screen.query_one(TextArea).text
        assert after == before.replace("Hi", "Dear") + "\nP.S. ok"
        assert status(app) == "Text taken from $EDITOR."
        assert handovers == HandOvers(suspended=1, resumed=1)


async def test_terminal_escapes_the_editor_leaves_reach_neither_the_screen_nor_the_email(
    demo_storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clear-screen, an OSC 52 clipboard write and C0 controls the editor wrote garbled
    the compose screen and went out in the email's body."""
    editor = editor_script(
        tmp_path,
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "hostile = '\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07Call me\\x01\\x02 back\\r\\n'\n"
        "open(path, 'w', encoding='utf-8', newline='').write(text + hostile)\n",
    )
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.delenv("VISUAL", raising=False)
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        suspend_for_real(app, monkeypatch)
        await settle(pilot)
        screen = await open_and_pick(pilot)
        before = screen.query_one(TextArea).text
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert screen.query_one(TextArea).text == before + "\nCall me back"
        assert status(app) == "Text taken from $EDITOR, without the control characters it held."


EMPTIES_THE_FILE = "import sys\nopen(sys.argv[1], 'w').write('\\n')\n"
RAISES = "raise SystemExit('cannot open the terminal')\n"


@pytest.mark.parametrize(
    ("editor", "said", "handed_over"),
    [
        ("", "$EDITOR is not set (for example: export EDITOR=nano); the text is as it was.", 0),
        ("false", "false ended with status 1; the text is as it was.", 1),
        ("no-such-editor-anywhere", "cannot run no-such-editor-anywhere: ", 1),
        (RAISES, "ended with status 1; the text is as it was.", 1),
        (EMPTIES_THE_FILE, "The editor returned an empty text; kept yours.", 1),
    ],
    ids=["unset", "false", "missing", "fails", "empties the file"],
)
async def test_a_missing_or_failing_editor_gives_the_terminal_back_and_keeps_the_text(
    demo_storage: Storage,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    editor: str,
    said: str,
    handed_over: int,
) -> None:
    if editor in (RAISES, EMPTIES_THE_FILE):
        editor = editor_script(tmp_path, editor)
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.delenv("VISUAL", raising=False)
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        handovers = suspend_for_real(app, monkeypatch)
        await settle(pilot)
        screen = await open_and_pick(pilot)
        before = screen.query_one(TextArea).text
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert status(app).startswith(said) or said in status(app)
        assert screen.query_one(TextArea).text == before
        # The terminal came back as often as it was handed over: the app is still there.
        assert handovers == HandOvers(suspended=handed_over, resumed=handed_over)
        await pilot.press("end", *"!")
        await settle(pilot)
        assert screen.query_one(TextArea).text != before


async def test_help_and_the_palette_offer_email(demo_storage: Storage, tmp_path: Path) -> None:
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        lines = shown_text(app.screen.query_one("#help-keys", Static)).splitlines()
        rows = [" ".join(line.split()) for line in lines]
        for row in (
            "E Email",
            "ctrl+s Send",
            "ctrl+e Edit in $EDITOR",
            "1-9 / enter Pick a template",
        ):
            assert row in rows
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p", *"email")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EmailScreen)


async def test_text_pasted_into_the_email_keeps_its_lines_and_loses_escapes(
    demo_storage: Storage, tmp_path: Path
) -> None:
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = await open_and_pick(pilot)
        body = screen.query_one(TextArea)
        body.load_text("")
        app.post_message(events.Paste("First line\r\nsecond\x1b[31m line\n\nthird"))
        await settle(pilot)
        assert body.text == "First line\nsecond line\n\nthird"
        # The subject is one line: a paste there folds as in every other field.
        await pilot.press("shift+tab", "ctrl+u")
        app.post_message(events.Paste("One\r\ntwo"))
        await settle(pilot)
        assert screen.query_one(Input).value == "One two"


async def test_a_broken_template_of_the_reps_is_named_at_start_and_the_builtin_stays(
    demo_storage: Storage, tmp_path: Path
) -> None:
    emails_folder = tmp_path / "emails"  # beside the scripts folder the app is given
    emails_folder.mkdir()
    (emails_folder / "after_voicemail.toml").write_text(
        'subject = "Hi"\nbody = [\n  "{greeting},",\n  "Our {frist_name} plan",\n]\n'
    )
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert any(
            toast.startswith(f"{emails_folder / 'after_voicemail.toml'}:4: body paragraph 2:")
            for toast in toasts(app)
        )
        screen = await open_and_pick(pilot)
        assert screen.query_one(Input).value.startswith("Sorry I missed you")


async def test_the_picker_greys_out_the_templates_that_do_not_fit_and_says_why(
    demo_storage: Storage, tmp_path: Path
) -> None:
    prospect = first_in_queue(demo_storage.db)
    demo_storage.db.execute(
        "DELETE FROM calls WHERE prospect_id = ? AND outcome = 'proposal_sent'", [prospect["id"]]
    )
    demo_storage.db.execute(
        "DELETE FROM tasks WHERE prospect_id = ? AND kind = 'meeting'", [prospect["id"]]
    )
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        options = app.screen.query_one(OptionList).options
        name = prospect["name"]
        assert [option.disabled for option in options] == [False, False, True, True, True]
        assert f"not for {name}: no meeting ahead" in str(options[2].prompt)
        assert f"not for {name}: no proposal sent" in str(options[3].prompt)
        assert f"not for {name}: no invited meeting called off" in str(options[4].prompt)
        await pilot.press("4")
        await settle(pilot)
        assert status(app) == (
            f"no proposal was sent to {prospect['name']}: proposal_follow_up needs one"
        )
        assert not app.screen.query_one("#email-fields").display


async def test_a_key_typed_in_the_subject_adds_to_it(demo_storage: Storage, tmp_path: Path) -> None:
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = await open_and_pick(pilot, "2")
        subject = screen.query_one("#email-subject", Input)
        drafted = subject.value
        await pilot.press("shift+tab", "!")
        await settle(pilot)
        assert subject.value == drafted + "!"


async def test_a_confirmation_with_two_meetings_ahead_says_which_it_confirms(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """The rep moved one meeting and booked another: which one the email confirmed was
    seen only in its text."""
    prospect = first_in_queue(demo_storage.db)
    for due_at in ("2026-11-25T10:00:00+00:00", "2026-11-27T14:00:00+00:00"):
        demo_storage.db["tasks"].insert(
            {"prospect_id": prospect["id"], "kind": "meeting", "due_at": due_at}
        )
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = await open_and_pick(pilot, "3")
        about = shown_text(screen.query_one("#email-about", Static))
    assert " ".join(about.split()).endswith(
        "confirms Fri 27 Nov 14:00, the meeting booked last; also open: Wed 25 Nov 10:00"
        " (h moves or cancels)"
    )


async def test_a_confirmation_names_its_meeting_on_both_clocks(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """The compose screen gave the meeting on the rep's clock only, where the email gives
    the prospect's: a New York prospect's 14:00 London meeting reads 09:00 in the email."""
    prospect = first_in_queue(demo_storage.db)
    demo_storage.db.execute(
        "UPDATE prospects SET timezone = 'America/New_York' WHERE id = ?", [prospect["id"]]
    )
    demo_storage.db.execute(
        "DELETE FROM tasks WHERE prospect_id = ? AND kind = 'meeting'", [prospect["id"]]
    )
    demo_storage.db["tasks"].insert(
        {"prospect_id": prospect["id"], "kind": "meeting", "due_at": "2026-11-27T14:00:00+00:00"}
    )
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = await open_and_pick(pilot, "3")
        about = " ".join(shown_text(screen.query_one("#email-about", Static)).split())
    assert about.endswith("confirms Fri 27 Nov 14:00 (09:00 their time)")


async def test_without_a_product_profile_the_summary_is_greyed_out_as_the_reps_to_fix(
    tmp_path: Path,
) -> None:
    """The picker said `not for Dr.: no product profile`: the prospect's first word, for
    what the rep lacks."""
    storage = open_storage(tmp_path / "book.db")
    storage.db["prospects"].insert(
        {"name": "Dr. Jane Smith", "email": "jane@example.com", "next_call_at": None}
    )
    storage.db.conn.commit()
    app = FunnelApp(storage, clock=FrozenClock(), scripts_dir=tmp_path / "scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        options = {
            option.id: str(option.prompt) for option in app.screen.query_one(OptionList).options
        }
        assert (
            "needs a feature in your product profile (funnel profile)"
            in (options["send_information"])
        )
        assert "not for" not in options["send_information"]
        assert "not for Dr. Jane Smith: no meeting ahead" in options["meeting_confirmation"]
