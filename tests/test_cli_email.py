"""`funnel email PROSPECT_ID --template NAME [--send|--print]` (PRODUCT 15): printed without
sending or recording, sent to a real SMTP server on 127.0.0.1 and recorded, handed to the
mail app without one; every refusal one line, exit 1 (usage errors exit 2)."""

from __future__ import annotations

import json
import shlex
import sqlite3
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

import icalendar
import pytest
import sqlite_utils

from funnel_tui.domain import TaskStatus
from funnel_tui.emailing.sending import PASSWORD_ENV
from funnel_tui.paths import shipped_text
from funnel_tui.profile import DEMO_FILE, PROFILE_FILE
from funnel_tui.store.sqlite import open_storage
from funnel_tui.tasks import close_task
from tests.cli_support import invoke, one_line_error
from tests.smtp_support import (
    SENDER,
    Inbox,
    Logins,
    fake_xdg_open,
    free_port,
    path_with,
    smtp_server,
)

SECRET = "s3cret-for-the-test"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    storage = open_storage(path)
    db = storage.db
    for row in (
        {
            "id": 1,
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "company": "Acme",
            "phone": "+44 20 7946 0001",
        },
        {"id": 2, "name": "Ben Whitaker", "phone": "+44 20 7946 0000"},
        {"id": 3, "name": "Eve", "email": "a@b.c, d@e.f", "phone": "+44 20 7946 0003"},
        {"id": 4, "name": "Dee Ncall", "email": "dee@example.com", "do_not_call": 1},
    ):
        db["prospects"].insert(row)
    db["tasks"].insert({"prospect_id": 1, "kind": "email", "due_at": "2026-11-18T10:00:00+00:00"})
    storage.close()
    return path


@pytest.fixture(autouse=True)
def no_password_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def mail_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exit_code: int = 0) -> Path:
    """A fake xdg-open first on PATH; the file it writes each link it is given to."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", path_with(folder))
    return fake_xdg_open(folder, exit_code)


def opened_links(opened: Path) -> list[str]:
    return opened.read_text().splitlines() if opened.exists() else []


def configure(book: Path, **settings: object) -> None:
    for key, value in settings.items():
        result = invoke("config", "set", key, str(value), "--db", book)
        assert result.exit_code == 0, result.output


def emails(book: Path) -> list[dict[str, object]]:
    return list(sqlite_utils.Database(book).query("SELECT * FROM emails"))


def test_print_shows_the_headers_and_the_text_and_records_nothing(book: Path) -> None:
    configure(book, email_from=SENDER, rep_name="Alex Morgan")
    result = invoke("email", "1", "--template", "after_voicemail", "--print", "--db", book)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "From: Alex Morgan <alex@kestrel.example>",
        "To: Ada Lovelace <ada@example.com>",
        "Subject: Sorry I missed you, Ada",
    ]
    assert lines[3].startswith("Date: ") and lines[4].startswith("Message-ID: <")
    assert lines[5:8] == ["", "Hi Ada,", ""]
    assert "I'm Alex Morgan, and I just left you a short voicemail." in result.stdout
    assert result.stderr == ""
    assert emails(book) == []


def test_without_send_or_print_it_is_a_preview(book: Path) -> None:
    result = invoke("email", "1", "--template", "after_voicemail", "--db", book)
    assert result.exit_code == 0
    assert result.stdout.startswith("From: (not set: funnel config set email_from")
    assert result.stderr == "Not sent: this is a preview; --send sends it.\n"
    assert emails(book) == []


def test_send_goes_to_the_server_and_is_recorded(book: Path) -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        configure(book, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        configure(book, email_from=SENDER)
        result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book)

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Sent 'Sorry I missed you, Ada' to ada@example.com; the email task is done\n"
    )
    (received,) = inbox.received
    assert received.rcpt_tos == ["ada@example.com"]
    (row,) = emails(book)
    assert (row["prospect_id"], row["template"], row["via"]) == (1, "after_voicemail", "smtp")
    assert row["message_id"] == received.message["Message-ID"]
    status = sqlite_utils.Database(book).execute("SELECT status FROM tasks").fetchall()
    assert status == [("done",)]


def calendar_parts(message: Message) -> list[icalendar.Calendar]:
    return [
        icalendar.Calendar.from_ical(part.get_payload(decode=True))
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def test_a_meeting_called_off_after_its_invite_sends_its_cancellation(book: Path) -> None:
    """The prospect's calendar kept a meeting the rep had cancelled: nothing could send
    the invite's cancellation."""
    db = sqlite_utils.Database(book)
    due = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0)
    task_id = (
        db["tasks"].insert({"prospect_id": 1, "kind": "meeting", "due_at": due.isoformat()}).last_pk
    )
    db.conn.close()
    inbox = Inbox()
    with smtp_server(inbox) as port:
        configure(book, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        configure(book, email_from=SENDER)
        confirmed = invoke(
            "email", "1", "--template", "meeting_confirmation", "--send", "--db", book
        )
        assert confirmed.exit_code == 0, confirmed.output
        early = invoke("email", "1", "--template", "meeting_cancelled", "--send", "--db", book)
        assert early.exit_code == 1
        assert "no meeting ahead with Ada Lovelace was called off" in one_line_error(early.stderr)
        storage = open_storage(book)
        close_task(storage.db, int(task_id), TaskStatus.CANCELLED, now=datetime.now(UTC))
        # Another meeting, booked since: still open, and said so beside the one called off.
        storage.db["tasks"].insert(
            {
                "prospect_id": 1,
                "kind": "meeting",
                "due_at": (due + timedelta(days=1)).isoformat(),
                "created_at": (datetime.now(UTC) + timedelta(minutes=1)).isoformat(),
            }
        )
        storage.close()
        cancelled = invoke("email", "1", "--template", "meeting_cancelled", "--send", "--db", book)
        assert cancelled.exit_code == 0, cancelled.output
        assert "Note: it cancels " in cancelled.stderr
        assert ", the meeting called off; still open: " in cancelled.stderr
    invite, cancellation = (received.message for received in inbox.received)
    # The invite is offered beside the text and attached as invite.ics: the same both times.
    request, cancel = calendar_parts(invite)[-1], calendar_parts(cancellation)[-1]
    assert (request["METHOD"], cancel["METHOD"]) == ("REQUEST", "CANCEL")
    (invited,), (called_off,) = request.walk("VEVENT"), cancel.walk("VEVENT")
    assert called_off["UID"] == invited["UID"]
    assert (invited["SEQUENCE"], called_off["SEQUENCE"]) == (0, 1)
    assert called_off["STATUS"] == "CANCELLED"
    assert cancellation["Subject"].startswith("Cancelled: our meeting on ")
    assert [row["template"] for row in emails(book)] == [
        "meeting_confirmation",
        "meeting_cancelled",
    ]


def test_a_login_with_the_password_from_the_environment(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, SECRET)
    logins = Logins("alex", SECRET)
    with smtp_server(Inbox(), authenticator=logins, auth_require_tls=False) as port:
        configure(book, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        configure(book, email_from=SENDER, smtp_user="alex")
        result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book)
    assert result.exit_code == 0, result.output
    assert logins.tried == [("alex", SECRET)]
    assert SECRET not in result.output


def test_a_server_that_is_down_is_one_line_and_nothing_is_recorded(book: Path) -> None:
    port = free_port()
    configure(book, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
    configure(book, email_from=SENDER)
    result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book)

    assert result.exit_code == 1
    assert one_line_error(result.stderr) == (
        f"funnel: not sent: cannot connect to the mail server 127.0.0.1:{port}: the connection"
        " was refused (is the server running, and are smtp_host and smtp_port right?);"
        " nothing was recorded (--print shows the email)"
    )
    assert emails(book) == []
    status = sqlite_utils.Database(book).execute("SELECT status FROM tasks").fetchall()
    assert status == [("open",)]


def test_a_server_that_hangs_up_after_taking_the_email_is_perhaps_sent(
    book: Path, user_folders_in_tmp: Path
) -> None:
    """Perhaps sent, and once the rep knows it went out, `--record-only` records it as it
    went, without sending it again: the only way to the timeline was a second send."""
    inbox = Inbox(hang_up_after_data=True)
    with smtp_server(inbox) as port:
        configure(book, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        configure(book, email_from=SENDER)
        result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book)
    assert result.exit_code == 1
    said = one_line_error(result.stderr)
    assert said.startswith(f"funnel: perhaps sent: the mail server 127.0.0.1:{port} took the")
    assert "nothing was recorded; once you know it went out, record it with funnel email" in said
    assert len(inbox.received) == 1
    assert emails(book) == []

    command = shlex.split(said.split("record it with ", 1)[1])
    assert Path(command[3]).is_relative_to(user_folders_in_tmp)
    recorded = invoke(*command[1:])
    assert recorded.exit_code == 0, recorded.output
    assert len(inbox.received) == 1
    (row,) = emails(book)
    assert row["message_id"] == inbox.received[0].message["Message-ID"]


def test_record_only_refuses_another_book_or_another_person_and_keeps_the_file_private(
    book: Path, tmp_path: Path, user_folders_in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept file named only a prospect id: recorded into another book, the email to
    Ada went into the timeline of whoever was prospect 1 there (and into their access
    export)."""
    inbox = Inbox(hang_up_after_data=True)
    with smtp_server(inbox) as port:
        configure(book, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        configure(book, email_from=SENDER)
        monkeypatch.chdir(tmp_path)
        result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", "book.db")
    command = shlex.split(one_line_error(result.stderr).split("record it with ", 1)[1])
    kept = Path(command[3])
    # Absolute, to be run from anywhere; readable by its owner alone: it holds the email.
    assert command[-1] == str(book) and kept.is_absolute()
    assert kept.stat().st_mode & 0o777 == 0o600

    other = tmp_path / "other.db"
    storage = open_storage(other)
    storage.db["prospects"].insert({"id": 1, "name": "Zoe Other", "email": "zoe@example.com"})
    storage.close()
    elsewhere = invoke("email", "--record-only", kept, "--db", other)
    assert elsewhere.exit_code == 1
    assert one_line_error(elsewhere.stderr) == (
        f"funnel: {kept} was sent from another book than {other}: nothing recorded (--db names"
        " the book it was sent from)"
    )
    assert emails(other) == []

    # In its own book, prospect 1 is someone else now (name and address both changed).
    db = sqlite_utils.Database(book)
    db["prospects"].update(1, {"name": "Zoe Other", "email": "zoe@example.com"})
    db.close()
    someone_else = invoke("email", "--record-only", kept, "--db", book)
    assert someone_else.exit_code == 1
    assert one_line_error(someone_else.stderr) == (
        f"funnel: prospect 1 in {book} is Zoe Other, not Ada Lovelace <ada@example.com> the"
        " email went to: is this the book it was sent from? nothing recorded"
    )
    # One of the two edited since: the same person.
    db = sqlite_utils.Database(book)
    db["prospects"].update(1, {"name": "Ada Lovelace"})
    db.close()
    assert invoke("email", "--record-only", kept, "--db", book).exit_code == 0
    assert len(emails(book)) == 1 and not kept.exists()


def test_send_without_a_sender_address_says_how_to_set_one(book: Path) -> None:
    with smtp_server(Inbox()) as port:
        configure(book, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book)
    assert result.exit_code == 1
    assert "no sender address: set one with funnel config set email_from" in one_line_error(
        result.stderr
    )
    assert emails(book) == []


def test_without_an_smtp_host_the_mail_app_gets_it(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = mail_app(tmp_path, monkeypatch)
    result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Handed to your mail app: 'Sorry I missed you, Ada' to ada@example.com (recorded;"
    )
    (link,) = opened_links(opened)
    assert link.startswith("mailto:ada@example.com?subject=")
    assert [row["via"] for row in emails(book)] == ["mailto"]


def test_a_mail_app_that_does_not_open_is_not_recorded(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = mail_app(tmp_path, monkeypatch, exit_code=3)
    result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book)

    assert result.exit_code == 1
    assert one_line_error(result.stderr) == (
        "funnel: not sent: the system found no mail app for mailto: links (xdg-open exited"
        " with code 3); set a default mail app, or set smtp_host to send directly; nothing"
        " was recorded (--print shows the email)"
    )
    assert len(opened_links(opened)) == 1
    assert emails(book) == []


def test_a_do_not_call_prospect_is_emailed_with_a_note(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user_folders_in_tmp: Path
) -> None:
    mail_app(tmp_path, monkeypatch)
    # A summary of what the rep sells, from the rep's profile.
    config = user_folders_in_tmp / "config" / "funnel-tui"
    config.mkdir(parents=True)
    (config / "profile.toml").write_text(shipped_text("funnel_tui", DEMO_FILE), "utf-8")
    result = invoke("email", "4", "--template", "send_information", "--send", "--db", book)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Note: Dee Ncall is marked do not call; that is about calls, so the email goes.\n"
    )
    assert len(emails(book)) == 1


def test_a_summary_without_a_product_profile_is_refused_in_one_line(book: Path) -> None:
    result = invoke("email", "1", "--template", "send_information", "--db", book)
    assert result.exit_code == 1
    assert one_line_error(result.stderr) == (
        "funnel: send_information needs a product profile with a feature for its summary"
        " (funnel profile says where and how to write one)"
    )
    assert emails(book) == []


@pytest.mark.parametrize("mode", ["--print", "--send"])
def test_an_address_that_could_add_a_recipient_is_refused(
    book: Path, tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = mail_app(tmp_path, monkeypatch)
    result = invoke("email", "3", "--template", "after_voicemail", mode, "--db", book)
    assert result.exit_code == 1
    assert "the email address 'a@b.c, d@e.f' holds more than one address" in one_line_error(
        result.stderr
    )
    assert opened_links(opened) == []
    assert emails(book) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2", "--template", "after_voicemail"), "funnel: Ben Whitaker has no email address"),
        (("99", "--template", "after_voicemail"), "funnel: no prospect with id 99"),
        (("1", "--template", "nope"), "funnel: unknown template 'nope'; known: after_voicemail"),
    ],
)
def test_user_errors_are_one_line_exit_1(book: Path, args: tuple[str, ...], message: str) -> None:
    result = invoke("email", *args, "--db", book)
    assert result.exit_code == 1
    assert one_line_error(result.stderr).startswith(message)


@pytest.mark.parametrize(
    "args",
    [
        ("1",),
        ("--template", "after_voicemail"),
        ("1", "--template", "after_voicemail", "--send", "--print"),
        ("one", "--template", "after_voicemail"),
    ],
)
def test_usage_errors_exit_2(book: Path, args: tuple[str, ...]) -> None:
    result = invoke("email", *args, "--db", book)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_a_book_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = invoke("email", "1", "--template", "after_voicemail", "--db", missing)
    assert result.exit_code == 1
    assert "does not exist" in one_line_error(result.stderr)
    assert not missing.exists()


def test_list_templates_names_the_builtins_and_the_reps_own(user_folders_in_tmp: Path) -> None:
    folder = user_folders_in_tmp / "config" / "funnel-tui" / "emails"
    folder.mkdir(parents=True)
    (folder / "renewal.toml").write_text('name = "Renewal"\nsubject = "Hi"\nbody = ["x"]\n')
    (folder / "proposal_follow_up.toml").write_text('subject = "{nope}"\nbody = ["x"]\n')
    (folder / "upsell.toml").write_text('subject = "Hi"\nbody = ["{nope}"]\n')
    result = invoke("email", "--list-templates")

    assert result.exit_code == 0
    table, folder_line = result.stdout.split("\n\n")
    keys = [line.split()[0] for line in table.splitlines()]
    assert keys == [
        "after_voicemail",
        "send_information",
        "meeting_confirmation",
        "proposal_follow_up",
        "meeting_cancelled",
        "renewal",
    ]
    assert table.splitlines()[-1].endswith(str(folder / "renewal.toml"))
    assert folder_line == f"Your templates: {folder}\n"
    errors = result.stderr.splitlines()
    assert any(
        "proposal_follow_up.toml:1: subject: unknown placeholder {nope}" in line
        and line.endswith("(using the built-in template)")
        for line in errors
    )
    # A template the rep added has no built-in to fall back on.
    assert any(
        "upsell.toml:2: body paragraph 1" in line and line.endswith("(not used)") for line in errors
    )
    # Asked for by name, it is not "unknown": its file is there, and needs fixing.
    asked = invoke("email", "1", "--template", "upsell", "--print")
    assert asked.exit_code == 1
    assert asked.stderr.splitlines()[-1] == (
        "funnel: template 'upsell' cannot be used until its file is fixed"
    )


@pytest.mark.parametrize(("made", "state"), [(True, "empty"), (False, "not created yet")])
def test_list_templates_says_where_the_reps_own_go_when_there_are_none(
    user_folders_in_tmp: Path, made: bool, state: str
) -> None:
    folder = user_folders_in_tmp / "config" / "funnel-tui" / "emails"
    if made:
        folder.mkdir(parents=True)
    result = invoke("email", "--list-templates")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        f"Your templates: {folder} ({state}; a NAME.toml there adds a template, or replaces"
        " the built-in of that name)"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--list-templates", "5"),
        ("--list-templates", "--template", "after_voicemail"),
        ("--record-only", "x.json", "1"),
        ("--record-only", "x.json", "--send"),
        ("--record-only", "x.json", "--list-templates"),
    ],
)
def test_list_templates_and_record_only_take_nothing_else(args: tuple[str, ...]) -> None:
    result = invoke("email", *args)
    assert result.exit_code == 2
    assert "takes no prospect id and no other option" in result.stderr


def refuse_to_record(book: Path) -> sqlite3.Connection:
    """Another program holding the book as the email goes: the row cannot be written."""
    outside = sqlite3.connect(book, isolation_level=None)
    outside.execute(
        "CREATE TRIGGER refuse_emails BEFORE INSERT ON emails BEGIN"
        " SELECT RAISE(ABORT, 'database is locked'); END"
    )
    return outside


def test_an_email_sent_but_not_recorded_is_recorded_with_record_only_and_not_sent_again(
    book: Path, user_folders_in_tmp: Path
) -> None:
    inbox = Inbox()
    outside = refuse_to_record(book)
    with smtp_server(inbox) as port:
        configure(book, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        configure(book, email_from=SENDER)
        result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book)

        assert result.exit_code == 1
        said = one_line_error(result.stderr)
        assert said.startswith(
            "funnel: the email to ada@example.com went out, but it could not be recorded ("
            f"{book} is busy: another program is writing to it); do not send it again:"
            " record it with funnel email --record-only "
        )
        assert "try again" not in said
        command = shlex.split(said.split("record it with ", 1)[1])
        assert command[:3] == ["funnel", "email", "--record-only"]
        assert command[-2:] == ["--db", str(book)]
        kept = Path(command[3])
        assert kept.is_relative_to(user_folders_in_tmp) and kept.exists()
        copy = kept.read_bytes()
        assert emails(book) == []

        outside.execute("DROP TRIGGER refuse_emails")
        outside.close()
        recorded = invoke(*command[1:])
        assert recorded.exit_code == 0, recorded.output
        assert recorded.stdout.startswith(
            "Recorded 'Sorry I missed you, Ada' to ada@example.com (sent "
        )
        assert recorded.stdout.rstrip().endswith("not sent again); the email task is done")
        assert not kept.exists()
        # The same file again (a copy kept): recorded once, all the same.
        kept.write_bytes(copy)
        again = invoke(*command[1:])
        assert again.exit_code == 0
        assert again.stdout.startswith("Already recorded: 'Sorry I missed you, Ada'")

    assert len(inbox.received) == 1
    (row,) = emails(book)
    assert row["message_id"] == inbox.received[0].message["Message-ID"]
    assert row["via"] == "smtp"


def test_record_only_refuses_a_file_it_did_not_write(book: Path, tmp_path: Path) -> None:
    stray = tmp_path / "notes.json"
    stray.write_text('{"hello": 1}')
    result = invoke("email", "--record-only", stray, "--db", book)
    assert result.exit_code == 1
    assert one_line_error(result.stderr) == (
        f"funnel: {stray} is not an email kept by funnel email --send"
    )
    assert emails(book) == []


def test_the_report_counts_the_email_as_an_email_not_a_call(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mail_app(tmp_path, monkeypatch)
    assert invoke("target", "set", "10000", "--db", book).exit_code == 0
    assert (
        invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book).exit_code == 0
    )

    report = json.loads(invoke("report", "--json", "--db", book).stdout)
    assert (report["emails"], report["calls"], report["calls_today"]) == (1, 0, 0)
    table = invoke("report", "--db", book).stdout
    assert [line.split() for line in table.splitlines() if line.strip().startswith("emails")] == [
        ["emails", "1"]
    ]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("smtp_port", "99999"),
        ("smtp_port", "abc"),
        ("smtp_host", "smtp.example.com\nX"),
        ("smtp_security", "ssl"),
        ("email_from", "Alex\n<alex@kestrel.example>"),
    ],
)
def test_a_stored_email_setting_that_cannot_be_used_stops_the_send(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, value: str
) -> None:
    opened = mail_app(tmp_path, monkeypatch)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        configure(book, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none")
        configure(book, email_from=SENDER)
        sqlite_utils.Database(book).execute(
            "UPDATE settings SET value = ? WHERE key = ?", [value, key]
        )
        result = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", book)
    assert result.exit_code == 1
    said = one_line_error(result.stderr)
    assert said.startswith(f"funnel: not sent: the setting {key} = {value!r}"[:40])
    assert f"set it again with funnel config set {key}" in said
    assert inbox.received == [] and emails(book) == [] and opened_links(opened) == []


def team_book_with_ada(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The team database at `url` emptied, with rep alex working and alex's prospect 1."""
    from funnel_tui.reps import add_rep
    from funnel_tui.store import open_team_book
    from tests.conftest import empty_team_book

    storage = open_team_book(url)
    empty_team_book(url)
    add_rep(storage.db, "alex")
    storage.db.execute(
        "INSERT INTO prospects (id, name, email, phone, owner) VALUES (1, 'Ada Lovelace',"
        " 'ada@example.com', '+44 20 7946 0001', 'alex')"
    )
    storage.close()
    monkeypatch.setenv("FUNNEL_REP", "alex")


def send_through(port: int, book: Path | str) -> None:
    """Point the book's email settings at the SMTP server on `port`."""
    for key, value in (
        ("smtp_host", "127.0.0.1"),
        ("smtp_port", port),
        ("smtp_security", "none"),
        ("email_from", SENDER),
    ):
        assert invoke("config", "set", key, str(value), "--db", book).exit_code == 0


def test_on_a_team_database_an_email_sent_is_the_reps(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rep's report counts their own emails: each records who sent it (PRODUCT 16)."""
    import psycopg

    team_book_with_ada(postgres_url, monkeypatch)
    with smtp_server(Inbox()) as port:
        send_through(port, postgres_url)
        sent = invoke("email", "1", "--template", "after_voicemail", "--send", "--db", postgres_url)
    assert sent.exit_code == 0, sent.output
    with psycopg.connect(postgres_url) as team:
        assert team.execute("SELECT rep FROM emails").fetchall() == [("alex",)]


def test_on_a_team_database_an_email_not_recorded_is_kept_and_recorded_later(
    postgres_url: str, user_folders_in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from funnel_tui.store.dialect import without_password

    team_book_with_ada(postgres_url, monkeypatch)
    outside = psycopg.connect(postgres_url, autocommit=True)
    outside.execute(
        "CREATE FUNCTION refuse_emails() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'the emails table is being restored'; END $$;"
        " CREATE TRIGGER refuse_emails BEFORE INSERT ON emails"
        " FOR EACH ROW EXECUTE FUNCTION refuse_emails()"
    )
    inbox = Inbox()
    try:
        with smtp_server(inbox) as port:
            send_through(port, postgres_url)
            result = invoke(
                "email", "1", "--template", "after_voicemail", "--send", "--db", postgres_url
            )
        assert result.exit_code == 1
        said = one_line_error(result.stderr)
        assert said.startswith(
            "funnel: the email to ada@example.com went out, but it could not be recorded ("
        )
        assert "the emails table is being restored" in said
        command = shlex.split(said.split("record it with ", 1)[1])
        assert command[-2:] == ["--db", without_password(postgres_url)]
        outside.execute("DROP TRIGGER refuse_emails ON emails")
        recorded = invoke(*command[1:-1], postgres_url)
        assert recorded.exit_code == 0, recorded.output
        assert recorded.stdout.startswith("Recorded 'Sorry I missed you, Ada' to ada@example.com")
        rows = outside.execute("SELECT to_address, message_id, rep FROM emails").fetchall()
        assert rows == [("ada@example.com", inbox.received[0].message["Message-ID"], "alex")]
        assert len(inbox.received) == 1
    finally:
        outside.execute("DROP FUNCTION refuse_emails() CASCADE")
        outside.close()


def test_a_confirmation_with_two_meetings_ahead_says_which_it_confirms(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compose screen named the meeting a confirmation confirms and the others open;
    `funnel email` named none of them."""
    monkeypatch.setenv("TZ", "UTC")
    db = sqlite_utils.Database(book)
    db.execute("UPDATE prospects SET timezone = 'America/New_York' WHERE id = 1")
    for due_at in ("2027-03-02T15:00:00+00:00", "2027-03-04T16:00:00+00:00"):
        db["tasks"].insert({"prospect_id": 1, "kind": "meeting", "due_at": due_at})
    db.conn.commit()
    db.close()
    result = invoke("email", "1", "--template", "meeting_confirmation", "--print", "--db", book)
    assert result.exit_code == 0, result.output
    note = result.stderr.splitlines()[0]
    assert note.startswith("Note: it confirms Thu 4 Mar 2027, 16:00 (in ")
    assert "11:00 their time, the meeting booked last; also open: Tue 2 Mar 2027, 15:00" in note
    assert note.endswith("10:00 their time (funnel calendar lists them)")


def with_the_demo_profile(user_folders_in_tmp: Path) -> None:
    """The rep's profile.toml the demo's (its product Kestrel), which the subjects name."""
    folder = user_folders_in_tmp / "config" / "funnel-tui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PROFILE_FILE).write_text(shipped_text("funnel_tui", DEMO_FILE), encoding="utf-8")


def test_a_subject_naming_a_company_by_its_long_web_address_is_sent_as_written(
    book: Path, user_folders_in_tmp: Path
) -> None:
    """Python wrote this subject on the line after `Subject:`, which read back with a space
    in front, and the email was refused."""
    with_the_demo_profile(user_folders_in_tmp)
    company = "www.northern-lights-renewable-energy.co.uk"
    sqlite_utils.Database(book).execute("UPDATE prospects SET company = ? WHERE id = 1", [company])
    subject = f"Kestrel: a short summary for {company}"
    printed = invoke("email", "1", "--template", "send_information", "--print", "--db", book)
    assert printed.exit_code == 0, printed.output
    assert f"Subject: {subject}" in printed.stdout.splitlines()
    inbox = Inbox()
    with smtp_server(inbox) as port:
        send_through(port, book)
        result = invoke("email", "1", "--template", "send_information", "--send", "--db", book)

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Sent {subject!r} to ada@example.com; the email task is done\n"
    (received,) = inbox.received
    assert received.message["Subject"] == subject
    assert f"\r\nSubject: {subject}\r\n".encode() in received.data
    assert [row["subject"] for row in emails(book)] == [subject]


def test_an_email_refused_for_what_it_says_offers_no_print(
    book: Path, user_folders_in_tmp: Path
) -> None:
    """--print refuses it just the same, so it is not offered: the refusal says what to
    change."""
    with_the_demo_profile(user_folders_in_tmp)
    company = "Acme =?utf-8?q?=0D=0AReply-To=3A_attacker=40evil=2Eexample?="
    sqlite_utils.Database(book).execute("UPDATE prospects SET company = ? WHERE id = 1", [company])
    inbox = Inbox()
    with smtp_server(inbox) as port:
        send_through(port, book)
        result = invoke("email", "1", "--template", "send_information", "--send", "--db", book)
        printed = invoke("email", "1", "--template", "send_information", "--print", "--db", book)

    assert result.exit_code == 1 and printed.exit_code == 1
    said = one_line_error(result.stderr)
    assert said.startswith("funnel: not sent: the subject 'Kestrel: a short summary for Acme")
    assert "holds an encoded word" in said
    assert said.endswith("; change the subject; nothing was recorded")
    assert "--print" not in said
    assert inbox.received == [] and emails(book) == []


@pytest.mark.parametrize("typed", ["\u009b2Jx <a@b.com>", "Ann\u2028Lee <a@b.com>"])
def test_config_set_refuses_an_email_from_with_a_terminal_or_line_control(
    book: Path, typed: str
) -> None:
    # Stored, a C1 escape went back to the terminal raw on every `config get` and `list`.
    result = invoke("config", "set", "email_from", typed, "--db", book)
    assert result.exit_code == 1
    assert "has a line break or a control character" in one_line_error(result.stderr)
    assert "\x9b" not in result.output
    listed = invoke("config", "list", "--db", book).stdout
    assert "\x9b" not in listed and "\u2028" not in listed
