"""An email is recorded once it is out, in one transaction, and completes the prospect's
open email task; a failed send records nothing. A meeting confirmation carries the invite
that `funnel_tui.calendar_file` writes."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import icalendar
import pytest
import sqlite_utils

from funnel_tui.emailing.compose import CannotCompose, compose_draft, meeting_time_text
from funnel_tui.emailing.message import Draft
from funnel_tui.emailing.record import record_email
from funnel_tui.emailing.sending import SendFailed, deliver, send_and_record
from funnel_tui.emailing.templates import load_builtin
from funnel_tui.profile import demo_profile
from funnel_tui.settings import Settings
from funnel_tui.timestamps import to_stored
from tests.app_support import FROZEN_NOW
from tests.smtp_support import Inbox, free_port, smtp_server, smtp_settings

INVITE = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def prospect(db: sqlite_utils.Database, **columns: object) -> int:
    row = {
        "name": "Ada Lovelace",
        "first_name": "Ada",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0001",
        **columns,
    }
    return int(db["prospects"].insert(row).last_pk)


def draft_for(db: sqlite_utils.Database, prospect_id: int, key: str, settings: Settings) -> Draft:
    template = load_builtin(key)
    # A summary of what the rep sells needs the rep's profile (send_information).
    profile = demo_profile() if "profile" in template.needs else None
    return compose_draft(
        db, prospect_id, template, settings=settings, profile=profile, now=FROZEN_NOW
    )


def test_a_sent_email_is_one_row_and_completes_the_open_email_task(
    db: sqlite_utils.Database,
) -> None:
    ada = prospect(db)
    email_task = (
        db["tasks"]
        .insert({"prospect_id": ada, "kind": "email", "due_at": to_stored(FROZEN_NOW)})
        .last_pk
    )
    call_task = (
        db["tasks"]
        .insert(
            {
                "prospect_id": ada,
                "kind": "call",
                "due_at": to_stored(FROZEN_NOW + timedelta(days=1)),
            }
        )
        .last_pk
    )
    inbox = Inbox()
    with smtp_server(inbox) as port:
        settings = smtp_settings(port)
        sent, recorded = send_and_record(
            db, draft_for(db, ada, "after_voicemail", settings), settings, now=FROZEN_NOW
        )

    assert len(inbox.received) == 1
    rows = list(db.query("SELECT * FROM emails"))
    assert rows == [
        {
            "id": recorded.email_id,
            "prospect_id": ada,
            "sent_at": "2026-11-18T14:30:00+00:00",
            "template": "after_voicemail",
            "to_address": "ada@example.com",
            "subject": "Sorry I missed you, Ada",
            "body": sent.draft.body,
            "via": "smtp",
            "message_id": inbox.received[0].message["Message-ID"],
            "rep": None,
        }
    ]
    assert recorded.completed_task_id == email_task
    tasks = {row["id"]: row for row in db.query("SELECT * FROM tasks")}
    assert tasks[email_task]["status"] == "done"
    assert tasks[email_task]["done_at"] == "2026-11-18T14:30:00+00:00"
    assert tasks[call_task]["status"] == "open"
    # The triggers keep next_call_at on the earliest open task: now the call.
    next_call = db.execute("SELECT next_call_at FROM prospects WHERE id = ?", [ada]).fetchone()
    assert next_call[0] == tasks[call_task]["due_at"]


def test_an_email_without_an_open_email_task_completes_none(db: sqlite_utils.Database) -> None:
    ada = prospect(db)
    meeting = (
        db["tasks"]
        .insert({"prospect_id": ada, "kind": "meeting", "due_at": to_stored(FROZEN_NOW)})
        .last_pk
    )
    launched: list[str] = []
    settings = smtp_settings(25, smtp_host="")
    _, recorded = send_and_record(
        db,
        draft_for(db, ada, "send_information", settings),
        settings,
        now=FROZEN_NOW,
        launch=lambda url: launched.append(url) or 0,
    )
    assert launched and recorded.completed_task_id is None
    assert db.execute("SELECT via, message_id FROM emails").fetchall() == [("mailto", None)]
    assert db.execute("SELECT status FROM tasks WHERE id = ?", [meeting]).fetchone() == ("open",)


@pytest.mark.parametrize("failure", ["server down", "recipient refused"])
def test_a_failed_send_records_nothing_and_leaves_the_task_open(
    db: sqlite_utils.Database, failure: str
) -> None:
    ada = prospect(db)
    db["tasks"].insert({"prospect_id": ada, "kind": "email", "due_at": to_stored(FROZEN_NOW)})
    if failure == "server down":
        settings = smtp_settings(free_port())
        with pytest.raises(SendFailed):
            send_and_record(
                db, draft_for(db, ada, "after_voicemail", settings), settings, now=FROZEN_NOW
            )
    else:
        with smtp_server(Inbox(refuse_recipients=True)) as port:
            settings = smtp_settings(port)
            with pytest.raises(SendFailed):
                send_and_record(
                    db, draft_for(db, ada, "after_voicemail", settings), settings, now=FROZEN_NOW
                )
    assert db.execute("SELECT count(*) FROM emails").fetchone() == (0,)
    assert db.execute("SELECT status FROM tasks").fetchall() == [("open",)]


def test_recording_again_after_a_busy_database_does_not_send_again(
    db: sqlite_utils.Database,
) -> None:
    """The sent email is kept, so recording can be tried again without a second send."""
    ada = prospect(db)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        settings = smtp_settings(port)
        sent = deliver(draft_for(db, ada, "after_voicemail", settings), settings, now=FROZEN_NOW)
    db.execute("DROP TRIGGER IF EXISTS no_emails")
    db.execute(
        "CREATE TEMP TRIGGER no_emails BEFORE INSERT ON emails BEGIN"
        " SELECT RAISE(ABORT, 'database is locked'); END"
    )
    with pytest.raises(sqlite3.Error):
        record_email(db, sent)
    assert db.execute("SELECT count(*) FROM emails").fetchone() == (0,)
    db.execute("DROP TRIGGER no_emails")
    record_email(db, sent)
    assert db.execute("SELECT count(*) FROM emails").fetchone() == (1,)
    assert len(inbox.received) == 1


def meeting_prospect(db: sqlite_utils.Database) -> int:
    ada = prospect(db, timezone="Europe/Paris")
    db["tasks"].insert(
        {"prospect_id": ada, "kind": "meeting", "due_at": to_stored(FROZEN_NOW + timedelta(days=6))}
    )
    return ada


def test_the_meeting_confirmation_carries_the_invite_to_the_meeting(
    db: sqlite_utils.Database,
) -> None:
    ada = meeting_prospect(db)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        settings = smtp_settings(port)
        draft = draft_for(db, ada, "meeting_confirmation", settings)
        send_and_record(db, draft, settings, now=FROZEN_NOW)

    assert "(Paris time)" in draft.body
    message = inbox.received[0].message
    # As Outlook and Gmail take an invitation: the calendar is an alternative to the text,
    # and the same file is attached.
    assert message.get_content_type() == "multipart/mixed"
    alternatives, attached = message.iter_parts()
    assert alternatives.get_content_type() == "multipart/alternative"
    text, calendar_part = alternatives.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert calendar_part.get_content_type() == "text/calendar"
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_param("charset") == "utf-8"
    assert calendar_part.get_content_disposition() is None
    assert calendar_part.get_content().replace("\r\n", "\n") == (
        draft.attachments[0].data.decode().replace("\r\n", "\n")
    )
    assert attached.get_content_disposition() == "attachment"
    (invite,) = message.iter_attachments()
    assert invite.get_filename() == "invite.ics"
    assert (invite.get_content_type(), invite.get_param("method")) == ("text/calendar", "REQUEST")
    calendar = icalendar.Calendar.from_ical(invite.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event.start == FROZEN_NOW + timedelta(days=6)
    assert str(event["ATTENDEE"]) == f"mailto:{db['prospects'].get(ada)['email']}"
    # Only the meeting confirmation carries it.
    assert draft_for(db, ada, "after_voicemail", settings).attachments == ()


def test_no_confirmation_without_a_meeting_to_invite_to(db: sqlite_utils.Database) -> None:
    ada = prospect(db)
    with pytest.raises(CannotCompose, match="no meeting ahead with Ada Lovelace"):
        draft_for(db, ada, "meeting_confirmation", smtp_settings(25))


def test_a_confirmation_with_two_meetings_ahead_names_the_other_for_the_screen(
    db: sqlite_utils.Database,
) -> None:
    """A meeting moved in the timeline and another booked since: the confirmation names
    the one booked last, and the screen says which others are open, so the rep sees."""
    ada = prospect(db)
    for due_at in ("2026-11-25T10:00:00+00:00", "2026-11-27T14:00:00+00:00"):
        db["tasks"].insert({"prospect_id": ada, "kind": "meeting", "due_at": due_at})
    draft = draft_for(db, ada, "meeting_confirmation", smtp_settings(25))
    assert "Friday 27 November" in draft.body
    assert draft.meeting_at == datetime.fromisoformat("2026-11-27T14:00:00+00:00")
    assert draft.other_meetings == (datetime.fromisoformat("2026-11-25T10:00:00+00:00"),)
    # One meeting: no other to name.
    db.execute("DELETE FROM tasks WHERE due_at = '2026-11-25T10:00:00+00:00'")
    assert draft_for(db, ada, "meeting_confirmation", smtp_settings(25)).other_meetings == ()


@pytest.mark.parametrize(
    ("due_times", "named"),
    [
        # Written as other tools write UTC: a space, no offset. The one booked last, later
        # today, is ahead, though as text it sorts before the stored form of now.
        (["2026-11-20T10:00:00+00:00", "2026-11-18 16:00:00"], "2026-11-18T16:00:00+00:00"),
        (["2026-12-01 15:00:00"], "2026-12-01T15:00:00+00:00"),
        # An offset other than UTC is no moment funnel reads (funnel check names it): the
        # text skips it as the invite does.
        (["2026-11-19T10:00:00-05:00", "2026-11-20T10:00:00+00:00"], "2026-11-20T10:00:00+00:00"),
    ],
)
def test_the_confirmation_and_its_invite_name_the_same_meeting(
    db: sqlite_utils.Database, due_times: list[str], named: str
) -> None:
    ada = prospect(db)
    for due_at in due_times:
        db["tasks"].insert({"prospect_id": ada, "kind": "meeting", "due_at": due_at})
    draft = draft_for(db, ada, "meeting_confirmation", smtp_settings(25))

    (attachment,) = draft.attachments
    (event,) = icalendar.Calendar.from_ical(attachment.data).walk("VEVENT")
    moment = datetime.fromisoformat(named)
    assert event.start == moment
    assert f"our meeting on {meeting_time_text(moment.astimezone(FROZEN_NOW.tzinfo), None)}." in (
        draft.body
    )
