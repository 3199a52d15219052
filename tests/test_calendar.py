"""`funnel calendar` and the meeting invite (PRODUCT 15): every file is parsed back with
icalendar and each event checked; UIDs stay the same from one file to the next, so a
calendar that imports the newer file updates its events instead of doubling them."""

from __future__ import annotations

import re
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from funnel_tui.calendar_file import (
    CANCELLATIONS_KEPT_DAYS,
    book_id,
    calendar_file,
    meeting_invite,
    write_calendar,
)
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome, TaskStatus
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.tasks import Task, close_task, open_tasks, reschedule_task
from tests.cli_support import invoke

NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)
SETTINGS = Settings(rep_name="Alex Morgan", email_from="Alex Morgan <alex@kestrel.example>")


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    storage = open_storage(tmp_path / "book.db")
    storage.db["prospects"].insert_all(
        [
            {
                "id": 1,
                "name": "Kate Sullivan",
                "company": "Northwind",
                "phone": "+13035550100",
                "email": "kate@northwind.example",
                "timezone": "America/Denver",
            },
            {"id": 2, "name": "Omar Haddad", "company": None, "phone": "+447700900318"},
            {"id": 3, "name": "[bold]Eve[/bold]\nSUMMARY:evil", "email": "eve@example.com"},
        ]
    )
    return storage


def book(storage: Storage, prospect_id: int, outcome: Outcome, when: datetime) -> None:
    log_call(
        storage.db,
        prospect_id,
        CallOutcome(outcome, follow_up_at=when, notes="Wants the\nrollout plan"),
        now=NOW,
        settings=SETTINGS,
    )


def events(content: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_every_open_meeting_and_callback_is_an_event_in_the_prospects_zone(
    storage: Storage,
) -> None:
    meeting_at = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # 10:00 in Denver
    callback_at = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
    book(storage, 1, Outcome.MEETING, meeting_at)
    book(storage, 2, Outcome.CALLBACK, callback_at)

    written = calendar_file(storage.db, NOW, days=30)
    found = events(written.content)

    assert written.events == 2 == len(found)
    meeting = next(e for e in found.values() if str(e["SUMMARY"]).startswith("Meeting"))
    assert str(meeting["SUMMARY"]) == "Meeting with Kate Sullivan (Northwind)"
    assert meeting.start == meeting_at
    assert meeting.start.tzinfo == ZoneInfo("America/Denver")
    assert meeting.start.hour == 10
    assert meeting.end - meeting.start == timedelta(minutes=30)
    assert str(meeting["STATUS"]) == "CONFIRMED"
    assert "Wants the\nrollout plan" in str(meeting["DESCRIPTION"])
    callback = next(e for e in found.values() if str(e["SUMMARY"]).startswith("Call back"))
    assert str(callback["SUMMARY"]) == "Call back Omar Haddad"
    assert callback.start == callback_at
    assert callback.start.tzinfo in (UTC, ZoneInfo("UTC"))
    assert str(callback["LOCATION"]) == "+44 7700 900318"
    # The file names the zone it uses, so a calendar in another zone shows the right hour.
    zones = [
        str(zone["TZID"])
        for zone in icalendar.Calendar.from_ical(written.content).walk("VTIMEZONE")
    ]
    assert zones == ["America/Denver"]


def test_a_newer_file_keeps_each_events_uid_so_a_reimport_updates_it(storage: Storage) -> None:
    book(storage, 1, Outcome.MEETING, datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    book(storage, 2, Outcome.CALLBACK, datetime(2026, 11, 19, 10, 0, tzinfo=UTC))
    first = events(calendar_file(storage.db, NOW, days=30).content)

    (meeting,) = [t for t in open_tasks(storage.db, 1) if t.kind == "meeting"]
    moved_to = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    reschedule_task(storage.db, meeting.id, moved_to)
    (callback,) = [t for t in open_tasks(storage.db, 2) if t.kind == "callback"]
    close_task(storage.db, callback.id, TaskStatus.CANCELLED, now=NOW)
    second = events(calendar_file(storage.db, NOW + timedelta(hours=1), days=30).content)

    assert second.keys() == first.keys()
    name = book_id(storage.db)
    moved = second[f"task-{meeting.id}.prospect-1.{name}@funnel-tui"]
    assert moved.start == moved_to
    assert int(moved["SEQUENCE"]) > int(first[str(moved["UID"])]["SEQUENCE"])
    cancelled = second[f"task-{callback.id}.prospect-2.{name}@funnel-tui"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) > int(first[str(cancelled["UID"])]["SEQUENCE"])


def test_only_tasks_due_within_the_days_asked_for(storage: Storage) -> None:
    book(storage, 1, Outcome.MEETING, NOW + timedelta(days=3))
    book(storage, 2, Outcome.CALLBACK, NOW + timedelta(days=20))

    assert calendar_file(storage.db, NOW, days=7).events == 1
    assert calendar_file(storage.db, NOW, days=21).events == 2


def test_a_day_asked_for_is_the_whole_day_evening_included(storage: Storage) -> None:
    """`--days 1` at 14:30 is today and tomorrow as the rep counts days: tomorrow's 17:30
    meeting is in it (the 24 hours to 14:30 tomorrow left it out), the day after's not."""
    book(storage, 1, Outcome.MEETING, NOW + timedelta(days=1, hours=3))
    book(storage, 2, Outcome.CALLBACK, NOW + timedelta(days=2, hours=-5))

    assert calendar_file(storage.db, NOW, days=1).events == 1
    assert calendar_file(storage.db, NOW, days=2).events == 2


def test_text_from_the_prospect_stays_text_in_the_file(storage: Storage) -> None:
    book(storage, 3, Outcome.CALLBACK, NOW + timedelta(days=1))

    (event,) = events(calendar_file(storage.db, NOW, days=7).content).values()

    # A line break in a name cannot start a property of its own.
    assert str(event["SUMMARY"]) == "Call back [bold]Eve[/bold] SUMMARY:evil"
    assert (
        len(
            icalendar.Calendar.from_ical(calendar_file(storage.db, NOW, days=7).content).walk(
                "VEVENT"
            )
        )
        == 1
    )


def test_a_due_time_another_tool_wrote_as_no_moment_is_left_out_and_counted(
    storage: Storage,
) -> None:
    book(storage, 1, Outcome.MEETING, NOW + timedelta(days=1))
    storage.db.execute(
        "INSERT INTO tasks (prospect_id, kind, due_at) VALUES (2, 'callback', 'next friday')"
    )

    written = calendar_file(storage.db, NOW, days=7)

    assert (written.events, written.skipped) == (1, 1)


def test_the_invite_asks_the_prospect_to_the_next_meeting(storage: Storage) -> None:
    meeting_at = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    book(storage, 1, Outcome.MEETING, meeting_at)
    in_the_file = events(calendar_file(storage.db, NOW, days=30).content)

    invite = icalendar.Calendar.from_ical(meeting_invite(storage.db, 1, SETTINGS, NOW))

    assert str(invite["METHOD"]) == "REQUEST"
    (event,) = invite.walk("VEVENT")
    assert str(event["UID"]) in in_the_file
    assert event.start == meeting_at
    assert str(event["ORGANIZER"]) == "mailto:alex@kestrel.example"
    assert event["ORGANIZER"].params["CN"] == "Alex Morgan"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:kate@northwind.example"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["CN"] == "Kate Sullivan"
    # The prospect's copy: named from their side, and nothing of the rep's notes.
    assert str(event["SUMMARY"]) == "Meeting with Alex Morgan"
    assert "DESCRIPTION" not in event
    assert b"rollout" not in meeting_invite(storage.db, 1, SETTINGS, NOW)


def test_the_invite_is_to_the_meeting_booked_last_not_an_earlier_one(storage: Storage) -> None:
    """A second meeting booked, then confirmed: the email named and invited to the first
    one, the day the rep had just moved away from."""
    first = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    later = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    book(storage, 1, Outcome.MEETING, first)
    book(storage, 1, Outcome.MEETING, later)

    invite = icalendar.Calendar.from_ical(meeting_invite(storage.db, 1, SETTINGS, NOW))

    (event,) = invite.walk("VEVENT")
    assert event.start == later


def test_no_invite_without_a_meeting_or_an_address(storage: Storage) -> None:
    assert meeting_invite(storage.db, 1, SETTINGS, NOW) is None
    book(storage, 2, Outcome.MEETING, NOW + timedelta(days=1))  # no email address
    assert meeting_invite(storage.db, 2, SETTINGS, NOW) is None
    book(storage, 1, Outcome.MEETING, NOW + timedelta(days=1))
    assert meeting_invite(storage.db, 1, Settings(), NOW) is None  # no email_from


def without_stamps(calendar: str) -> str:
    return re.sub(r"DTSTAMP:[0-9TZ]+\r?\n", "", calendar)


def test_funnel_calendar_writes_the_file_whole(storage: Storage, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    book(storage, 1, Outcome.MEETING, now + timedelta(days=2))
    output = tmp_path / "funnel.ics"

    written = invoke("calendar", "--db", storage.path, "-o", output, "--days", "7")

    assert written.exit_code == 0, written.output
    assert f"Wrote 1 meeting or callback to {output}" in written.stderr
    assert len(events(output.read_bytes())) == 1
    printed = invoke("calendar", "--db", storage.path)
    assert printed.exit_code == 0
    assert events(printed.stdout.encode()).keys() == events(output.read_bytes()).keys()
    # `-o -` is standard output, not a file named `-`.
    dashed = invoke("calendar", "--db", storage.path, "-o", "-")
    # Each run stamps its events with the second it ran in.
    assert dashed.exit_code == 0 and without_stamps(dashed.stdout) == without_stamps(printed.stdout)
    assert not Path("-").exists()


def test_funnel_calendar_refuses_bad_input_in_one_line(storage: Storage, tmp_path: Path) -> None:
    missing = invoke("calendar", "--db", tmp_path / "nope.db")
    assert missing.exit_code == 1
    assert "does not exist" in missing.stderr
    folder = invoke("calendar", "--db", storage.path, "-o", tmp_path)
    assert folder.exit_code == 1
    assert "is a folder" in folder.stderr
    assert invoke("calendar", "--db", storage.path, "--days", "0").exit_code == 2
    over = invoke("calendar", "--db", storage.path, "-o", storage.path)
    assert over.exit_code == 1
    assert "database itself" in over.stderr


def test_two_books_never_give_the_same_uid(storage: Storage, tmp_path: Path) -> None:
    other = open_storage(tmp_path / "other.db")
    other.db["prospects"].insert({"id": 1, "name": "Kate Sullivan", "phone": "+13035550100"})
    book(storage, 1, Outcome.MEETING, NOW + timedelta(days=1))
    book(other, 1, Outcome.MEETING, NOW + timedelta(days=1))

    ours, theirs = (events(calendar_file(s.db, NOW, days=7).content) for s in (storage, other))

    assert len(ours) == len(theirs) == 1
    assert not ours.keys() & theirs.keys()
    assert ours.keys() == events(calendar_file(storage.db, NOW, days=7).content).keys()


def test_an_overdue_meeting_is_still_in_the_file(storage: Storage) -> None:
    book(storage, 1, Outcome.MEETING, NOW + timedelta(days=1))

    (event,) = events(calendar_file(storage.db, NOW + timedelta(days=3), days=7).content).values()

    assert event.start == NOW + timedelta(days=1)
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_time_in_the_hour_a_clock_change_repeats_is_written_in_utc(storage: Storage) -> None:
    # 1 November 2026, Denver: 01:30 comes twice, at 07:30 and at 08:30 UTC.
    first, second = (datetime(2026, 11, 1, hour, 30, tzinfo=UTC) for hour in (7, 8))
    book(storage, 1, Outcome.MEETING, first)
    book(storage, 1, Outcome.CALLBACK, second)

    found = events(calendar_file(storage.db, datetime(2026, 10, 30, tzinfo=UTC), days=7).content)

    assert sorted(event.start for event in found.values()) == [first, second]


def test_a_do_not_call_prospects_appointments_leave_the_file(storage: Storage) -> None:
    book(storage, 1, Outcome.MEETING, NOW + timedelta(days=1))
    book(storage, 2, Outcome.CALLBACK, NOW + timedelta(days=1))
    storage.db.execute("UPDATE prospects SET do_not_call = 1 WHERE id = 2")

    (event,) = events(calendar_file(storage.db, NOW, days=7).content).values()

    assert str(event["SUMMARY"]).startswith("Meeting with Kate Sullivan")


def test_a_cancelled_task_comes_as_a_cancellation_and_is_counted_apart(storage: Storage) -> None:
    book(storage, 1, Outcome.MEETING, NOW + timedelta(days=1))
    book(storage, 2, Outcome.CALLBACK, NOW + timedelta(days=1))
    (callback,) = open_tasks(storage.db, 2)
    close_task(storage.db, callback.id, TaskStatus.CANCELLED, now=NOW)

    written = calendar_file(storage.db, NOW, days=7)

    assert (written.events, written.cancelled) == (1, 1)
    statuses = sorted(str(event["STATUS"]) for event in events(written.content).values())
    assert statuses == ["CANCELLED", "CONFIRMED"]


def test_a_callback_done_before_its_time_leaves_the_calendar_as_a_cancellation(
    storage: Storage,
) -> None:
    """Callbacks called early and marked done in the timeline left the next file without
    a word: a calendar that imported them kept them as live events, still to do. One done
    once its time came is history, and stays out."""
    early = booked_at(storage, 1, Outcome.CALLBACK, NOW + timedelta(days=2), NOW)
    on_time = booked_at(storage, 2, Outcome.CALLBACK, NOW + timedelta(hours=1), NOW)
    name = book_id(storage.db)
    first = events(calendar_file(storage.db, NOW, days=7).content)
    close_task(storage.db, early.id, TaskStatus.DONE, now=NOW + timedelta(minutes=5))
    close_task(storage.db, on_time.id, TaskStatus.DONE, now=NOW + timedelta(hours=2))

    written = calendar_file(storage.db, NOW + timedelta(hours=3), days=7)

    found = events(written.content)
    uid = f"task-{early.id}.prospect-1.{name}@funnel-tui"
    assert str(found[uid]["STATUS"]) == "CANCELLED"
    assert int(found[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])
    assert f"task-{on_time.id}.prospect-2.{name}@funnel-tui" not in found
    assert (written.events, written.cancelled) == (0, 1)


def test_the_same_book_gives_the_same_file(storage: Storage) -> None:
    storage.db["prospects"].insert({"id": 4, "name": "Ana Ruiz", "timezone": "Europe/Madrid"})
    book(storage, 1, Outcome.MEETING, NOW + timedelta(days=1))
    book(storage, 4, Outcome.MEETING, NOW + timedelta(days=2))

    files = {calendar_file(storage.db, NOW, days=7).content for _ in range(5)}

    assert len(files) == 1
    zones = icalendar.Calendar.from_ical(files.pop()).walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["America/Denver", "Europe/Madrid"]


def booked_at(
    storage: Storage, prospect_id: int, outcome: Outcome, when: datetime, on: datetime
) -> Task:
    """The one task a call logged at `on` booked for `when`."""
    log_call(
        storage.db,
        prospect_id,
        CallOutcome(outcome, follow_up_at=when),
        now=on,
        settings=SETTINGS,
    )
    return next(task for task in open_tasks(storage.db, prospect_id) if task.due_at == when)


def test_a_cancellation_reaches_a_short_window_whenever_the_task_was_due(
    storage: Storage,
) -> None:
    # Cancelled two months ago: no calendar can still hold it as open.
    long_ago = booked_at(
        storage, 1, Outcome.CALLBACK, NOW - timedelta(days=60), NOW - timedelta(days=70)
    )
    close_task(storage.db, long_ago.id, TaskStatus.CANCELLED, now=NOW - timedelta(days=59))
    overdue = booked_at(
        storage, 2, Outcome.CALLBACK, NOW - timedelta(days=3), NOW - timedelta(days=5)
    )
    ahead = booked_at(
        storage, 1, Outcome.MEETING, NOW + timedelta(days=20), NOW - timedelta(days=5)
    )
    name = book_id(storage.db)
    uid = f"task-{overdue.id}.prospect-2.{name}@funnel-tui"
    first = calendar_file(storage.db, NOW, days=1)
    assert str(events(first.content)[uid]["STATUS"]) == "CONFIRMED"  # overdue: still to do
    assert (first.events, first.cancelled) == (1, 0)

    close_task(storage.db, overdue.id, TaskStatus.CANCELLED, now=NOW + timedelta(hours=1))
    close_task(storage.db, ahead.id, TaskStatus.CANCELLED, now=NOW + timedelta(hours=1))
    second = calendar_file(storage.db, NOW + timedelta(days=1), days=1)
    found = events(second.content)

    # Due three days before, cancelled since: the calendar that imported it drops it; so
    # does one that imported the meeting three weeks ahead from a file with a larger --days.
    assert str(found[uid]["STATUS"]) == "CANCELLED"
    assert int(found[uid]["SEQUENCE"]) > int(events(first.content)[uid]["SEQUENCE"])
    assert str(found[f"task-{ahead.id}.prospect-1.{name}@funnel-tui"]["STATUS"]) == "CANCELLED"
    assert (second.events, second.cancelled) == (0, 2)
    assert f"task-{long_ago.id}.prospect-1.{name}@funnel-tui" not in found
    assert calendar_file(storage.db, NOW + timedelta(days=1), days=30).cancelled == 2
    # Once the cancellations are older than the window, they leave the file too.
    later = NOW + timedelta(days=CANCELLATIONS_KEPT_DAYS, hours=2)
    assert calendar_file(storage.db, later, days=1).cancelled == 0


def test_a_calendar_of_thousands_of_events_takes_the_memory_of_a_few(tmp_path: Path) -> None:
    """The whole file was one icalendar object, written at the end: about 9.5 KB an event,
    1.3 GB for the 132,000 meetings and callbacks of a book of a million prospects. Each
    event is written as it is read, and the file is the same."""

    def written(events: int) -> tuple[int, bytes]:
        storage = open_storage(tmp_path / f"{events}.db")
        zones = ("America/Denver", "Europe/Berlin", "Asia/Tokyo", None)
        storage.db["prospects"].insert_all(
            {
                "id": number,
                "name": f"Prospect {number}",
                "phone": f"+1303555{number % 10_000:04d}",
                "timezone": zones[number % len(zones)],
            }
            for number in range(1, events + 1)
        )
        storage.db["tasks"].insert_all(
            {
                "prospect_id": number,
                "kind": ("meeting", "callback")[number % 2],
                "due_at": (NOW + timedelta(minutes=number)).isoformat(),
                "note": "Wants the rollout plan",
            }
            for number in range(1, events + 1)
        )
        tracemalloc.start()
        try:
            with (tmp_path / f"{events}.ics").open("wb") as out:
                counts = write_calendar(storage.db, NOW, 30, out)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert counts.events == events
        return peak, (tmp_path / f"{events}.ics").read_bytes()

    few, _ = written(200)
    many, content = written(2_000)
    # At 9.5 KB an event, the 1,800 more took 17 MB.
    assert many - few < 1_500_000
    calendar = icalendar.Calendar.from_ical(content)
    assert len(calendar.walk("VEVENT")) == 2_000
    # The zones the events are in, before them, once each, in name order.
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == [
        "America/Denver",
        "Asia/Tokyo",
        "Europe/Berlin",
    ]
    assert content.index(b"BEGIN:VTIMEZONE") < content.index(b"BEGIN:VEVENT")
