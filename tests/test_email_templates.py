"""Email templates (PRODUCT 15): the built-ins filled in for every demo prospect read as a
short, complete email with no placeholder or gap left; the rep's own files replace or add
templates, and a broken one is named with its file and line while the built-in stays."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
import sqlite_utils

from funnel_tui.calendar_file import meeting_called_off
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import LostReason, Outcome, TaskStatus
from funnel_tui.emailing.compose import (
    CannotCompose,
    close_date_text,
    compose_draft,
    email_facts,
    meeting_time_text,
)
from funnel_tui.emailing.message import Draft
from funnel_tui.emailing.record import invite_sent
from funnel_tui.emailing.templates import (
    BUILTIN_TEMPLATES,
    Choices,
    EmailTemplate,
    FilledEmail,
    fill_template,
    load_builtin,
    load_templates,
    parse_template,
)
from funnel_tui.profile import Profile, load_profile
from funnel_tui.prospects import get_prospect
from funnel_tui.settings import load_settings, save_setting
from funnel_tui.store.sqlite import Storage
from funnel_tui.tasks import close_task, reschedule_task
from funnel_tui.timestamps import to_stored
from tests.app_support import FROZEN_NOW, build_demo_storage
from tests.rows import insert_row

LEFT_BRACE = re.compile(r"[{}]")
MAX_SUBJECT = 90
MAX_PARAGRAPH_WORDS = 45
NOTES = ("needs", "pain_points", "goals", "objections")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Storage:
    return build_demo_storage(tmp_path_factory.mktemp("demo") / "demo.db")


def demo_profile() -> Profile | None:
    return load_profile(None, demo_book=True)[0]


def problems_in(subject: str, body: str, prospect: dict[str, object]) -> list[str]:
    """What would make the email read badly, if anything."""
    found = []
    text = f"{subject}\n{body}"
    if LEFT_BRACE.search(text):
        found.append("a brace or a placeholder is left")
    if not subject.strip() or len(subject) > MAX_SUBJECT:
        found.append(f"subject of {len(subject)} characters")
    if "\n\n\n" in body or body != body.strip():
        found.append("an empty paragraph")
    for gap in ("  ", " ,", " .", ",,", "..", "( )", "()"):
        if gap in text:
            found.append(f"a gap {gap!r}")
    paragraphs = body.split("\n\n")
    if not re.fullmatch(r"(Hi|Hello)( \S.*)?,", paragraphs[0]):
        found.append(f"does not open with a greeting: {paragraphs[0]!r}")
    if not paragraphs[-1].startswith(("Best regards", "Looking forward")):
        found.append("no sign-off")
    for paragraph in paragraphs:
        if len(paragraph.split()) > MAX_PARAGRAPH_WORDS:
            found.append(f"a paragraph of {len(paragraph.split())} words")
    for column in NOTES:
        note = prospect.get(column)
        if isinstance(note, str) and len(note) > 12 and note in body:
            found.append(f"the rep's {column} notes are quoted to the prospect")
    return found


@pytest.mark.parametrize("key", BUILTIN_TEMPLATES)
@pytest.mark.parametrize("with_profile", [True, False], ids=["profile", "no-profile"])
def test_every_builtin_reads_well_for_every_demo_prospect(
    demo: Storage, key: str, with_profile: bool, tmp_path: Path
) -> None:
    db = demo.db
    if "cancelled_meeting" in load_builtin(key).needs:
        # A demo book of its own, each meeting ahead invited to and then called off.
        db = build_demo_storage(tmp_path / "demo.db").db
        for (task_id,) in db.execute(
            "SELECT id FROM tasks WHERE kind = 'meeting' AND status = 'open' AND due_at > ?",
            [to_stored(FROZEN_NOW)],
        ).fetchall():
            invite_then_call_off(db, task_id)
    settings = load_settings(db)
    profile = demo_profile() if with_profile else None
    template = load_builtin(key)
    failures = []
    composed = 0
    for row in db.query("SELECT id FROM prospects WHERE email IS NOT NULL AND email != ''"):
        try:
            draft = compose_draft(
                db, row["id"], template, settings=settings, profile=profile, now=FROZEN_NOW
            )
        except CannotCompose:
            continue  # a prospect the template does not fit (test_email_lint checks which)
        composed += 1
        prospect = get_prospect(db, row["id"])
        assert prospect is not None
        for problem in problems_in(draft.subject, draft.body, prospect):
            failures.append(f"{key} for prospect {row['id']}: {problem}\n{draft.body}")
    assert not failures, "\n\n".join(failures[:5])
    # A summary of what the rep sells is refused to everyone without the rep's profile.
    assert composed > 0 if profile is not None or "profile" not in template.needs else not composed


def bare_prospect(db: sqlite_utils.Database, **columns: object) -> int:
    row = {"name": "Sam", "email": "sam@example.com", "phone": "+44 20 7946 0002", **columns}
    return int(db["prospects"].insert(row).last_pk)


def draft_of(
    db: sqlite_utils.Database, prospect_id: int, key: str, profile: Profile | None = None
) -> Draft:
    """The built-in template `key` composed for the prospect at FROZEN_NOW, with the book's
    settings."""
    return compose_draft(
        db,
        prospect_id,
        load_builtin(key),
        settings=load_settings(db),
        profile=profile,
        now=FROZEN_NOW,
    )


def invite_then_call_off(db: sqlite_utils.Database, task_id: int) -> None:
    """The meeting's confirmation sent a minute after it was booked, then the meeting
    cancelled."""
    (prospect_id, booked) = db.execute(
        "SELECT prospect_id, created_at FROM tasks WHERE id = ?", [task_id]
    ).fetchone()
    sent = to_stored(datetime.fromisoformat(booked) + timedelta(minutes=1))
    db["emails"].insert(
        {"prospect_id": prospect_id, "template": "meeting_confirmation", "sent_at": sent}
    )
    close_task(db, task_id, TaskStatus.CANCELLED, now=FROZEN_NOW)


def give_what_it_needs(db: sqlite_utils.Database, prospect_id: int, key: str) -> None:
    """A meeting ahead for the confirmation (invited to and called off, for the
    cancellation), a proposal for the follow-up."""
    needs = load_builtin(key).needs
    if "meeting" in needs or "cancelled_meeting" in needs:
        meeting = db["tasks"].insert(
            {
                "prospect_id": prospect_id,
                "kind": "meeting",
                "due_at": to_stored(FROZEN_NOW + timedelta(days=2)),
                "created_at": to_stored(FROZEN_NOW - timedelta(days=1)),
            }
        )
        if "cancelled_meeting" in needs:
            invite_then_call_off(db, int(meeting.last_pk))
    if "proposal" in load_builtin(key).needs:
        db["calls"].insert(
            {
                "prospect_id": prospect_id,
                "outcome": "proposal_sent",
                "started_at": to_stored(FROZEN_NOW - timedelta(days=2)),
            }
        )


@pytest.mark.parametrize("key", BUILTIN_TEMPLATES)
def test_a_prospect_with_no_facts_and_no_rep_name_gets_a_whole_email(
    db: sqlite_utils.Database, key: str
) -> None:
    prospect_id = bare_prospect(db, name="Dr. Smith")
    give_what_it_needs(db, prospect_id, key)
    template = load_builtin(key)
    # A summary of what the rep sells needs the rep's profile; nothing else does.
    profile = demo_profile() if "profile" in template.needs else None
    draft = compose_draft(
        db, prospect_id, template, settings=load_settings(db), profile=profile, now=FROZEN_NOW
    )
    prospect = get_prospect(db, prospect_id)
    assert prospect is not None
    assert problems_in(draft.subject, draft.body, prospect) == []
    assert draft.body.startswith("Hello Dr. Smith,\n\n")
    # Never reached: nothing thanks them for a conversation that never happened.
    assert "Thank you for your time" not in draft.body


def test_the_signature_names_the_rep_and_the_company(db: sqlite_utils.Database) -> None:
    save_setting(db, "rep_name", "Alex Morgan")
    prospect_id = bare_prospect(db, first_name="Sam", company="Acme Freight")
    draft = draft_of(db, prospect_id, "after_voicemail", demo_profile())
    assert draft.subject == "Sorry I missed you, Sam"
    assert draft.body.startswith(
        "Hi Sam,\n\nI'm Alex Morgan from Kestrel Software, and I just left you a short voicemail."
    )
    assert draft.body.endswith("Best regards,\nAlex Morgan\nKestrel Software")
    assert draft.template == "after_voicemail" and draft.to_address == "sam@example.com"


def test_an_email_greets_a_name_stored_in_capitals_as_written(db: sqlite_utils.Database) -> None:
    prospect_id = bare_prospect(db, name="KATE O'BRIEN")
    draft = draft_of(db, prospect_id, "after_voicemail")
    assert draft.subject == "Sorry I missed you, Kate"
    assert draft.body.startswith("Hi Kate,\n\n")


def test_the_meeting_confirmation_gives_the_time_in_the_prospects_zone(
    db: sqlite_utils.Database,
) -> None:
    prospect_id = bare_prospect(db, first_name="Sam", timezone="America/New_York")
    # Tuesday 24 November, 15:00 UTC: 10:00 in New York.
    db["tasks"].insert(
        {"prospect_id": prospect_id, "kind": "meeting", "due_at": "2026-11-24T15:00:00+00:00"}
    )
    draft = draft_of(db, prospect_id, "meeting_confirmation")
    assert draft.subject == "Confirmed: our meeting on Tuesday 24 November at 10:00 (New York time)"
    assert (
        "This confirms our meeting on Tuesday 24 November at 10:00 (New York time)." in draft.body
    )


def invited_then(db: sqlite_utils.Database, change: str) -> tuple[int, int]:
    """A prospect in New York with a meeting on Tuesday 24 November at 10:00 their time,
    sent its confirmation the day it was booked, then the meeting `change`d in the
    timeline (`cancelled` or `rescheduled` an hour later); the prospect's and task's ids."""
    prospect_id = bare_prospect(db, first_name="Sam", timezone="America/New_York")
    save_setting(db, "email_from", "Alex Morgan <alex@kestrel.example>")
    booked = to_stored(FROZEN_NOW - timedelta(days=1))
    task_id = int(
        db["tasks"]
        .insert(
            {
                "prospect_id": prospect_id,
                "kind": "meeting",
                "due_at": "2026-11-24T15:00:00+00:00",
                "created_at": booked,
            }
        )
        .last_pk
    )
    db["emails"].insert(
        {"prospect_id": prospect_id, "template": "meeting_confirmation", "sent_at": booked}
    )
    if change == "cancelled":
        close_task(db, task_id, TaskStatus.CANCELLED, now=FROZEN_NOW)
    else:
        reschedule_task(db, task_id, datetime(2026, 11, 24, 16, 0, tzinfo=UTC))
    return prospect_id, task_id


def test_a_meeting_called_off_after_its_invite_is_cancelled_in_their_calendar(
    db: sqlite_utils.Database,
) -> None:
    """Cancelled in the timeline, the meeting stayed in the prospect's calendar: nothing
    sent them its cancellation."""
    prospect_id, task_id = invited_then(db, "cancelled")
    assert invite_sent(db, task_id)
    draft = draft_of(db, prospect_id, "meeting_cancelled")
    assert draft.subject == "Cancelled: our meeting on Tuesday 24 November at 10:00 (New York time)"
    assert "Our meeting on Tuesday 24 November at 10:00 (New York time) is cancelled" in draft.body
    assert "find another time" in draft.body
    (invite,) = draft.attachments
    assert invite.content_type == "text/calendar; method=CANCEL"
    calendar = icalendar.Calendar.from_ical(invite.data)
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    # The same event as the invite, a newer version of it: calendars drop theirs.
    assert str(event["UID"]).startswith(f"task-{task_id}.prospect-{prospect_id}.")
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 1)
    # The confirmation no longer fits: there is no meeting ahead.
    with pytest.raises(CannotCompose, match="no meeting ahead with Sam"):
        draft_of(db, prospect_id, "meeting_confirmation")


def test_a_meeting_booked_before_the_one_confirmed_was_never_invited(
    db: sqlite_utils.Database,
) -> None:
    """Two meetings booked, the later one confirmed: cancelling the earlier one offered
    its cancellation, for a meeting the prospect was never invited to."""
    prospect_id = bare_prospect(db, first_name="Sam")
    save_setting(db, "email_from", "Alex Morgan <alex@kestrel.example>")
    first, second = (
        int(
            db["tasks"]
            .insert(
                {
                    "prospect_id": prospect_id,
                    "kind": "meeting",
                    "due_at": due,
                    "created_at": to_stored(FROZEN_NOW - timedelta(hours=hours)),
                }
            )
            .last_pk
        )
        for due, hours in (("2026-11-23T10:00:00+00:00", 3), ("2026-11-25T15:00:00+00:00", 2))
    )
    db["emails"].insert(
        {
            "prospect_id": prospect_id,
            "template": "meeting_confirmation",
            "sent_at": to_stored(FROZEN_NOW - timedelta(hours=1)),
        }
    )
    assert (invite_sent(db, first), invite_sent(db, second)) == (False, True)
    close_task(db, first, TaskStatus.CANCELLED, now=FROZEN_NOW)
    with pytest.raises(CannotCompose, match="no meeting ahead with Sam was called off"):
        draft_of(db, prospect_id, "meeting_cancelled")
    close_task(db, second, TaskStatus.CANCELLED, now=FROZEN_NOW)
    draft = draft_of(db, prospect_id, "meeting_cancelled")
    assert draft.meeting_called_off and "Wednesday 25 November" in draft.subject


def booked_meeting(db: Any) -> tuple[int, int]:
    """Sam with a meeting on the 24th booked the day before FROZEN_NOW, on either backend;
    their id and the task's."""
    prospect_id = insert_row(db, "prospects", {"name": "Sam", "email": "sam@example.com"})
    task_id = insert_row(
        db,
        "tasks",
        {
            "prospect_id": prospect_id,
            "kind": "meeting",
            "due_at": "2026-11-24T15:00:00+00:00",
            "created_at": to_stored(FROZEN_NOW - timedelta(days=1)),
        },
    )
    return prospect_id, task_id


def confirmed(db: Any, prospect_id: int, rep: str | None = None) -> None:
    """The meeting confirmation sent to the prospect the day before FROZEN_NOW."""
    sent = to_stored(FROZEN_NOW - timedelta(days=1))
    email = {"prospect_id": prospect_id, "template": "meeting_confirmation", "sent_at": sent}
    insert_row(db, "emails", {**email, "rep": rep})


def test_a_meeting_called_off_is_found_on_either_backend(book_db: Any) -> None:
    prospect_id, task_id = booked_meeting(book_db)
    assert not invite_sent(book_db, task_id)
    confirmed(book_db, prospect_id)
    assert invite_sent(book_db, task_id)
    assert meeting_called_off(book_db, prospect_id, FROZEN_NOW) is None
    close_task(book_db, task_id, TaskStatus.CANCELLED, now=FROZEN_NOW)
    called_off = meeting_called_off(book_db, prospect_id, FROZEN_NOW)
    assert called_off is not None and called_off.task_id == task_id


def test_in_a_team_only_the_rep_who_sent_the_invite_sends_its_cancellation(
    book_db: Any,
) -> None:
    """blake's cancellation of alex's invite named blake as its organizer, which a
    calendar does not take from anyone but the invite's."""
    prospect_id, task_id = booked_meeting(book_db)
    confirmed(book_db, prospect_id, rep="alex")
    close_task(book_db, task_id, TaskStatus.CANCELLED, now=FROZEN_NOW)
    assert (invite_sent(book_db, task_id, "alex"), invite_sent(book_db, task_id, "blake")) == (
        True,
        False,
    )
    assert meeting_called_off(book_db, prospect_id, FROZEN_NOW, "blake") is None
    found = meeting_called_off(book_db, prospect_id, FROZEN_NOW, "alex")
    assert found is not None and found.task_id == task_id


@pytest.mark.parametrize("change", ["rescheduled", "never invited"])
def test_a_cancellation_needs_an_invited_meeting_called_off(
    db: sqlite_utils.Database, change: str
) -> None:
    if change == "never invited":
        prospect_id, _ = invited_then(db, "cancelled")
        db.execute("DELETE FROM emails")
    else:
        prospect_id, _ = invited_then(db, "rescheduled")
        # Moved, the meeting is confirmed again: the invite's newer version, same UID.
        (invite,) = draft_of(db, prospect_id, "meeting_confirmation").attachments
        (event,) = icalendar.Calendar.from_ical(invite.data).walk("VEVENT")
        assert (event["STATUS"], event["SEQUENCE"]) == ("CONFIRMED", 1)
    with pytest.raises(CannotCompose, match="no meeting ahead with Sam was called off after"):
        draft_of(db, prospect_id, "meeting_cancelled")


def test_a_meeting_without_the_prospects_zone_is_in_the_reps_with_its_name() -> None:
    moment = FROZEN_NOW + timedelta(days=6)
    assert meeting_time_text(moment, None) == "Tuesday 24 November at 14:30 GMT"
    assert meeting_time_text(moment, "Not/A_Zone") == "Tuesday 24 November at 14:30 GMT"
    assert meeting_time_text(moment, "Asia/Dubai") == "Tuesday 24 November at 18:30 (Dubai time)"


def test_without_a_meeting_ahead_there_is_no_confirmation(db: sqlite_utils.Database) -> None:
    prospect_id = bare_prospect(db)
    # A meeting that is already past is not the one to confirm.
    db["tasks"].insert(
        {"prospect_id": prospect_id, "kind": "meeting", "due_at": to_stored(FROZEN_NOW)}
    )
    later = FROZEN_NOW + timedelta(minutes=1)
    with pytest.raises(CannotCompose) as refused:
        compose_draft(
            db,
            prospect_id,
            load_builtin("meeting_confirmation"),
            settings=load_settings(db),
            profile=None,
            now=later,
        )
    # Still open, it is said as the meeting that has passed, not as none at all.
    assert str(refused.value) == (
        "the meeting with Sam was earlier today and is still open: meeting_confirmation"
        " confirms one ahead (log how it went, or book the next)"
    )


def test_the_proposal_follow_up_names_the_deal_the_day_it_went_out_and_the_close(
    db: sqlite_utils.Database,
) -> None:
    save_setting(db, "currency", "€")
    prospect_id = bare_prospect(
        db, company="Acme Freight", deal_value_cents=1_200_000, expected_close_on="2026-11-30"
    )
    db["calls"].insert(
        {
            "prospect_id": prospect_id,
            "outcome": "proposal_sent",
            "started_at": "2026-11-16T10:00:00+00:00",
        }
    )
    draft = draft_of(db, prospect_id, "proposal_follow_up")
    assert draft.subject == "Our proposal for Acme Freight"
    assert "the proposal I sent you on Monday, for €12,000." in draft.body
    assert "to decide by the 30th of November." in draft.body


def test_close_dates_read_as_said() -> None:
    today = FROZEN_NOW.date()
    assert close_date_text(today.replace(day=30), today) == "the 30th of November"
    assert (
        close_date_text(today.replace(year=2027, month=1, day=2), today)
        == "the 2nd of January 2027"
    )


def test_facts_the_prospect_lacks_are_absent(db: sqlite_utils.Database) -> None:
    prospect_id = bare_prospect(db, deal_value_cents="lots", expected_close_on="2026-02-30")
    prospect = get_prospect(db, prospect_id)
    assert prospect is not None
    facts = email_facts(db, prospect, settings=load_settings(db), profile=None, now=FROZEN_NOW)
    for missing in ("meeting_time", "deal_value", "close_date", "proposal_sent_on", "rep_email"):
        assert missing not in facts


def test_the_reps_address_is_a_fact(db: sqlite_utils.Database) -> None:
    save_setting(db, "email_from", "Alex Morgan <alex@kestrel.example>")
    prospect = get_prospect(db, bare_prospect(db))
    assert prospect is not None
    facts = email_facts(db, prospect, settings=load_settings(db), profile=None, now=FROZEN_NOW)
    assert facts["rep_email"] == "alex@kestrel.example"


def test_a_prospect_without_an_email_address_cannot_be_emailed(db: sqlite_utils.Database) -> None:
    prospect_id = bare_prospect(db, name="Ben Whitaker", email="  ")
    with pytest.raises(CannotCompose) as refused:
        draft_of(db, prospect_id, "after_voicemail")
    assert (
        str(refused.value) == "Ben Whitaker has no email address; add one with e (or funnel import)"
    )
    with pytest.raises(CannotCompose, match="no prospect with id 999"):
        draft_of(db, 999, "after_voicemail")


def test_a_do_not_call_prospect_may_be_emailed_and_the_draft_says_so(
    db: sqlite_utils.Database,
) -> None:
    prospect_id = bare_prospect(db, do_not_call=1)
    draft = draft_of(db, prospect_id, "send_information", demo_profile())
    assert draft.do_not_call


def test_a_summary_of_what_the_rep_sells_needs_a_product_profile(
    db: sqlite_utils.Database,
) -> None:
    """Without a profile every line of the summary was left out: "Here is a short summary
    of what we do." came with none."""
    prospect_id = bare_prospect(db)
    with pytest.raises(CannotCompose, match="send_information needs a product profile"):
        draft_of(db, prospect_id, "send_information")


def test_prospect_text_is_inserted_literally(db: sqlite_utils.Database) -> None:
    prospect_id = bare_prospect(db, first_name="{company}", company="[bold]Acme\x1b[31m")
    draft = draft_of(db, prospect_id, "after_voicemail")
    assert draft.subject == "Sorry I missed you, {company}"
    assert "at [bold]Acme today" in draft.body and "\x1b" not in draft.body


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_named_after_a_builtin_replaces_it_and_others_add_templates(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "emails"
    write(
        folder,
        "after_voicemail.toml",
        'subject = "Missed you"\nbody = ["{greeting},", "Call me."]\n',
    )
    write(
        folder,
        "renewal.toml",
        'name = "Renewal"\nfits = "Before the contract ends."\n'
        'subject = ["Your renewal, {first_name}", "Your renewal"]\nbody = ["{greeting},"]\n',
    )
    library = load_templates(folder)
    assert library.problems == []
    assert library.keys() == [*BUILTIN_TEMPLATES, "renewal"]
    own = library.get("after_voicemail")
    assert own is not None and own.source == str(folder / "after_voicemail.toml")
    assert fill_template(own, {"greeting": "Hi Sam"}).body == "Hi Sam,\n\nCall me."
    renewal = library.get("renewal")
    assert (
        renewal is not None
        and renewal.name == "Renewal"
        and renewal.fits == "Before the contract ends."
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            'subject = "Hello"\nbody = [\n  "{greeting},",\n  "Our {frist_name} plan",\n]\n',
            4,
            "body paragraph 2: unknown placeholder {frist_name}",
        ),
        (
            'subject = "Hello"\nbody = [\n  "{greeting},",\n'
            '  ["a {company} b", "lone { brace"],\n]\n',
            4,
            "body paragraph 2: '{' is no placeholder",
        ),
        (
            'subject = "Hello"\nbody = """\nno list\n"""\n',
            2,
            "body must be a list of paragraphs",
        ),
        (
            'name = "x"\nsubject = ["Hi {first_name}"]\nbody = ["{greeting},"]\n',
            2,
            "subject: the last choice names {first_name}, which a prospect may lack",
        ),
        ('subject = "Hi"\nbody = ["x"]\nsignature = "me"\n', 3, "unknown key 'signature'"),
        (
            'body = ["x"]\nsubject = [\n  "Hi",\n  """Your demo\nand more""",\n]\n',
            4,
            "subject: a subject is one line; put the rest in the body",
        ),
        ('subject = "Hi"\nbody = ["x"\n', 2, "not valid TOML"),
        ('subject = "Hi"\nbody = ["x"]\ninvite = "yes"\n', 3, "invite must be true or false"),
        (
            'subject = "Hi"\nbody = ["x", { cold = "a", friendly = "b" }]\n',
            2,
            "body paragraph 2: unknown situation 'friendly'; the situations are cold, inbound,"
            " known, customer, declined and other (for the rest)",
        ),
        (
            'subject = { cold = "Hi", known = "Hello" }\nbody = ["x"]\n',
            1,
            "subject: no choice for inbound, customer, declined; name each situation or add"
            " other = [...]",
        ),
        (
            'subject = "Hi"\nbody = ["x"]\nneeds = ["budget"]\n',
            3,
            "needs: unknown need 'budget'; a template can need proposal, meeting,"
            " cancelled_meeting, voicemail",
        ),
        (
            'subject = "Hi"\nbody = ["{meeting_time}"]\ninvite = true\n',
            3,
            'invite = true needs needs = ["meeting"] (or ["cancelled_meeting"], whose invite'
            " cancels it): without a meeting there is nothing to invite to",
        ),
    ],
)
def test_a_broken_file_is_named_with_its_line_and_the_builtin_stays(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path / "emails", "after_voicemail.toml", text)
    library = load_templates(tmp_path / "emails")
    assert [problem.line for problem in library.problems][:1] == [line]
    assert message in str(library.problems[0])
    assert str(library.problems[0]).startswith(f"{path}:{line}: ")
    assert library.get("after_voicemail") == load_builtin("after_voicemail")


def test_a_file_name_that_cannot_be_a_template_key_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "emails", "Follow Up.toml", 'subject = "Hi"\nbody = ["x"]\n')
    library = load_templates(tmp_path / "emails")
    assert "lowercase letters, digits and _" in str(library.problems[0])
    assert library.keys() == list(BUILTIN_TEMPLATES)


def test_a_paragraph_with_no_choice_filled_is_left_out() -> None:
    template, problems = parse_template(
        "t",
        'subject = "Hi"\nbody = ["{greeting},", ["{product} is {payback}"], "Bye"]\n',
        Path("t.toml"),
        "built-in",
    )
    assert problems == [] and isinstance(template, EmailTemplate)
    assert fill_template(template, {"greeting": "Hello"}).body == "Hello,\n\nBye"
    assert fill_template(replace(template, subject=Choices()), {"greeting": "Hello"}).subject == "T"


def test_a_meeting_time_another_tool_wrote_as_no_moment_is_no_meeting(
    db: sqlite_utils.Database,
) -> None:
    prospect_id = bare_prospect(db)
    for due in (b"\x00\x01", "someday"):
        db.execute(
            "INSERT INTO tasks (prospect_id, kind, due_at) VALUES (?, 'meeting', ?)",
            [prospect_id, due],
        )
    prospect = get_prospect(db, prospect_id)
    assert prospect is not None
    facts = email_facts(db, prospect, settings=load_settings(db), profile=None, now=FROZEN_NOW)
    assert "meeting_time" not in facts


def test_a_table_of_choices_speaks_to_each_situation(tmp_path: Path) -> None:
    template, problems = parse_template(
        "t",
        'subject = { customer = "For you", other = ["For {company}", "Hello"] }\n'
        'body = ["{greeting},", { cold = "New here?", known = ["Since {last_spoke_on}"] }]\n',
        tmp_path / "t.toml",
        "test",
    )
    assert problems == [] and template is not None
    facts = {"greeting": "Hi Sam", "company": "Acme"}
    assert fill_template(template, facts, "customer") == FilledEmail("For you", "Hi Sam,")
    assert fill_template(template, facts, "cold") == FilledEmail("For Acme", "Hi Sam,\n\nNew here?")
    # known: its only choice lacks a fact, so the paragraph is left out.
    assert fill_template(template, facts, "known").body == "Hi Sam,"
    assert fill_template(template, {**facts, "last_spoke_on": "on Monday"}, "known").body == (
        "Hi Sam,\n\nSince on Monday"
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("proposal_follow_up", "no proposal was sent to Sam: proposal_follow_up needs one"),
        (
            "meeting_confirmation",
            "no meeting ahead with Sam: meeting_confirmation needs one (log it as Meeting"
            " booked first)",
        ),
    ],
)
def test_a_template_the_prospect_does_not_fit_is_refused(
    db: sqlite_utils.Database, key: str, reason: str
) -> None:
    prospect_id = bare_prospect(db)
    with pytest.raises(CannotCompose) as refused:
        draft_of(db, prospect_id, key)
    assert str(refused.value) == reason


def test_a_proposal_won_or_declined_is_not_followed_up(db: sqlite_utils.Database) -> None:
    prospect_id = bare_prospect(db, kind="customer")
    for outcome, days_ago in (("proposal_sent", 3), ("won", 1)):
        db["calls"].insert(
            {
                "prospect_id": prospect_id,
                "outcome": outcome,
                "started_at": to_stored(FROZEN_NOW - timedelta(days=days_ago)),
            }
        )
    template = load_builtin("proposal_follow_up")
    with pytest.raises(CannotCompose) as refused:
        compose_draft(
            db, prospect_id, template, settings=load_settings(db), profile=None, now=FROZEN_NOW
        )
    assert str(refused.value) == (
        "the proposal sent to Sam on Sunday was won yesterday: proposal_follow_up needs an open one"
    )
    prospect = get_prospect(db, prospect_id)
    assert prospect is not None
    facts = email_facts(db, prospect, settings=load_settings(db), profile=None, now=FROZEN_NOW)
    assert "proposal_sent_on" not in facts
    # An expansion proposal after the win is open again.
    db["calls"].insert(
        {
            "prospect_id": prospect_id,
            "outcome": "proposal_sent",
            "started_at": to_stored(FROZEN_NOW - timedelta(hours=2)),
        }
    )
    draft = compose_draft(
        db, prospect_id, template, settings=load_settings(db), profile=None, now=FROZEN_NOW
    )
    assert "the proposal I sent you earlier today" in draft.body


@pytest.mark.parametrize(
    ("columns", "reason"),
    [
        ({"do_not_call": 1}, "Sam is marked do not call, so no voicemail was left"),
        ({"phone": None}, "Sam has no phone number, so no voicemail was left"),
        # Offered after `wrong number`, or for a number `enter` refuses to dial, it said
        # "I just left you a short voicemail".
        (
            {"wrong_number": 1},
            "Sam's number was found to be a wrong number, so no voicemail was left for them",
        ),
        ({"phone": "call me maybe"}, "Sam's number cannot be dialled, so no voicemail was left"),
    ],
)
def test_no_voicemail_is_claimed_where_none_can_have_been_left(
    db: sqlite_utils.Database, columns: dict[str, object], reason: str
) -> None:
    prospect_id = bare_prospect(db, **columns)
    with pytest.raises(CannotCompose) as refused:
        draft_of(db, prospect_id, "after_voicemail")
    assert str(refused.value) == f"{reason}: after_voicemail does not fit"


def test_a_summary_for_a_prospect_no_feature_answers_says_the_headline_feature(
    db: sqlite_utils.Database,
) -> None:
    """A cold lead with no needs recorded: "a short summary of Kestrel" came with nothing
    of what it does."""
    prospect_id = bare_prospect(db, needs=None, pain_points=None)
    profile = demo_profile()
    assert profile is not None
    draft = draft_of(db, prospect_id, "send_information", profile)
    headline = profile.features[0]
    assert f"Our {headline.name} {headline.does}" in draft.body


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        (LostReason.COMPETITOR, "you had gone with another provider"),
        (LostReason.NO_AUTHORITY, "the decision sat with someone else"),
    ],
)
def test_an_email_after_a_no_gives_the_reason_the_script_gives(
    db: sqlite_utils.Database, reason: LostReason, said: str
) -> None:
    """The script said they had gone with another provider; the voicemail email said the
    timing had not been right."""
    prospect_id = bare_prospect(db)
    entry = CallOutcome(Outcome.NOT_INTERESTED, reason=reason)
    log_call(db, prospect_id, entry, now=FROZEN_NOW - timedelta(days=2), settings=load_settings(db))
    for key in ("after_voicemail", "send_information"):
        draft = draft_of(db, prospect_id, key, demo_profile())
        assert said in draft.body, key
        assert "timing wasn't right" not in draft.body, key
