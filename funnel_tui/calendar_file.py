"""The rep's open meetings and callbacks as an iCalendar file, and the invite a meeting
confirmation carries (PRODUCT 15).

Each event's UID is its task's, so importing a newer file updates the events instead of
adding them again; a task cancelled since is written as a cancelled event, so the calendar
drops it. Times are in the prospect's time zone when one is known (the file carries the
VTIMEZONE it needs), else in UTC.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import getaddresses
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import icalendar
from icalendar.timezone import tzid_from_dt

from funnel_tui import __version__
from funnel_tui.book_name import book_id
from funnel_tui.clocks import known_zone
from funnel_tui.emailing.record import invite_sent
from funnel_tui.foreign_values import Unreadable, read_moment, read_text, stored_moment_sql
from funnel_tui.phones import international
from funnel_tui.queue import end_of_day
from funnel_tui.settings import Settings, load_settings
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.snapshot import one_snapshot
from funnel_tui.store.sql import per_dialect
from funnel_tui.text import one_line

if TYPE_CHECKING:
    import sqlite_utils

PRODID = f"-//funnel-tui//funnel-tui {__version__}//EN"
# How long each kind of appointment is shown in the calendar.
LENGTHS = {"meeting": timedelta(minutes=30), "callback": timedelta(minutes=15)}
TITLES = {"meeting": "Meeting with", "callback": "Call back"}
ZONE_RULES_MARGIN = timedelta(days=366)
# How long at least a cancelled task stays in the file after it was cancelled, however
# short the window asked for: a calendar imported within that time drops the event.
CANCELLATIONS_KEPT_DAYS = 30
# The line that closes a calendar: its events go before it.
_END = b"END:VCALENDAR\r\n"
# Before every moment a book keeps: every cancelled task.
EVER = datetime(1900, 1, 1, tzinfo=UTC)


def _appointments_sql(dialect: Dialect) -> str:
    """The open meeting and callback tasks due before `:until`, and the cancelled ones
    cancelled from `:cancelled_since` on, whenever they are due (when the book does not say
    when, as where another tool or a cleared next call cancelled them, those due from then
    until `:until`), and as cancelled ones those marked done from then on before their
    time (a callback made early: its event would stay in the calendar, still to do). A
    due time another tool wrote as no moment has no stored form: it is read (and counted
    as skipped) whatever the window."""
    due = stored_moment_sql("tasks", "due_at", "t.", dialect)
    done = stored_moment_sql("tasks", "done_at", "t.", dialect)
    return f"""
SELECT {{columns}}
FROM tasks t JOIN prospects p ON p.id = t.prospect_id LEFT JOIN calls c ON c.id = t.call_id
WHERE t.kind IN ('meeting', 'callback') AND t.status IN ('open', 'cancelled', 'done')
  AND ({due} IS NULL AND t.status != 'done'
    OR t.status = 'open' AND {due} < :until
    OR t.status = 'cancelled' AND ({done} >= :cancelled_since
      OR {done} IS NULL AND {due} >= :cancelled_since AND {due} < :until)
    OR t.status = 'done' AND {done} >= :cancelled_since AND {due} > {done})
  {{and_prospect}}
ORDER BY t.due_at, t.id
"""


_APPOINTMENTS = per_dialect(_appointments_sql)
# What an event shows of its task and prospect; and when it is, all a survey of the
# calendar reads (`_Survey`).
_EVENT_COLUMNS = """t.id, t.prospect_id, t.kind, t.due_at, t.status, t.sequence,
    coalesce(t.note, c.notes), p.name, p.company, p.phone, p.email, p.timezone"""
_WHEN_COLUMNS = "t.due_at, t.status, p.timezone"
# The statuses whose event is written as cancelled: cancelled, or done before its time.
_OFF_THE_CALENDAR = frozenset({"cancelled", "done"})


def task_uid(task_id: int, prospect_id: int, book: str) -> str:
    """The UID of a task's event, in every file and invite of the book."""
    return f"task-{task_id}.prospect-{prospect_id}.{book}@funnel-tui"


@dataclass(frozen=True)
class Removal:
    """A meeting or callback deleted from the book (schema_v29), whose event the calendar
    cancels: a meeting undone, an appointment of a prospect forgotten. Nothing of the
    person is left to show, nor needed: a calendar finds the event by its UID."""

    task_id: int
    prospect_id: int
    kind: str
    due_at: datetime
    sequence: int

    def event(self, book: str, stamp: datetime) -> icalendar.Event:
        return icalendar.Event.new(
            uid=task_uid(self.task_id, self.prospect_id, book),
            stamp=stamp,
            start=self.due_at,
            end=self.due_at + LENGTHS.get(self.kind, LENGTHS["callback"]),
            # Another tool's kind is no word to show.
            summary=f"Cancelled {self.kind}" if self.kind in LENGTHS else "Cancelled",
            status="CANCELLED",
            sequence=self.sequence,
        )


# The removals since a moment; in a team's book, those of a rep's prospects and of
# prospects whose owner was gone with them.
_REMOVALS = """
SELECT task_id, prospect_id, kind, due_at, sequence FROM calendar_cancellations
WHERE removed_at >= :since {and_rep}
ORDER BY due_at, task_id
"""


@dataclass(frozen=True)
class Appointment:
    """A meeting or callback task with what the calendar shows of its prospect."""

    task_id: int
    prospect_id: int
    kind: str
    due_at: datetime
    cancelled: bool
    sequence: int
    """How many times the task's time or status has changed (schema v5)."""
    note: str
    name: str
    company: str
    phone: str
    email: str
    timezone: ZoneInfo | None

    def uid(self, book: str) -> str:
        return task_uid(self.task_id, self.prospect_id, book)

    @property
    def summary(self) -> str:
        company = f" ({self.company})" if self.company else ""
        return f"{TITLES[self.kind]} {self.name}{company}"


@dataclass(frozen=True)
class CalendarCounts:
    """What a written iCalendar file holds."""

    events: int
    cancelled: int
    skipped: int
    """Tasks whose due time another tool wrote as no moment: left out, and said so."""


@dataclass(frozen=True)
class CalendarFile(CalendarCounts):
    """An iCalendar file and what it holds."""

    content: bytes


def _zone(name: object) -> ZoneInfo | None:
    """The prospect's zone as the app reads it (`known_zone`)."""
    return known_zone(read_text(name) if not isinstance(name, bytes) else None)


def _text(value: object) -> str:
    return one_line(read_text(value) if not isinstance(value, bytes) else None)


def _note(value: object) -> str:
    """A note's lines, each cleaned: the description keeps the rep's line breaks."""
    text = read_text(value) if not isinstance(value, bytes) else None
    return "\n".join(
        line for line in (one_line(line) for line in (text or "").splitlines()) if line
    )


def _prospects_appointments(
    db: sqlite_utils.Database, prospect_id: int, *, cancelled_since: datetime | None = None
) -> list[Appointment]:
    """One prospect's open meetings and callbacks, whenever they are due (and those
    cancelled from `cancelled_since` on), but those whose due time is no moment."""
    until = datetime.max.replace(tzinfo=UTC)
    found = _read_appointments(db, until, prospect_id, cancelled_since=cancelled_since)
    return [appointment for appointment in found if appointment is not None]


def _read_appointments(
    db: sqlite_utils.Database,
    until: datetime,
    prospect_id: int | None = None,
    rep: str | None = None,
    cancelled_since: datetime | None = None,
) -> Iterator[Appointment | None]:
    """The open meeting and callback tasks due before `until` (and the cancelled ones
    cancelled from `cancelled_since` on, none without it), one at a time, in the order they
    are due; None for each whose due time is no moment. In a team's book, `rep`'s: those
    of their own prospects and the pool's, as their queue holds (PRODUCT 16)."""
    region = load_settings(db).phone_region
    rows = _appointment_rows(db, _EVENT_COLUMNS, until, prospect_id, rep, cancelled_since)
    for task_id, prospect, kind, due_at, status, sequence, note, *person in rows:
        name, company, phone, email, zone = person
        if (moment := _moment(due_at)) is None:
            yield None
            continue
        yield Appointment(
            task_id=task_id,
            prospect_id=prospect,
            kind=kind,
            due_at=moment,
            cancelled=status in _OFF_THE_CALENDAR,
            sequence=sequence if type(sequence) is int and sequence >= 0 else 0,
            note=_note(note),
            name=_text(name) or f"prospect {prospect}",
            company=_text(company),
            phone=international(_text(phone), region),
            email=_text(email),
            timezone=_zone(zone),
        )


def _read_starts(
    db: sqlite_utils.Database, until: datetime, rep: str | None, cancelled_since: datetime
) -> Iterator[tuple[datetime, bool] | None]:
    """When each task `_read_appointments` reads starts, as its event says it
    (`_local_start`), and whether it is cancelled; None for one whose due time is no
    moment. Nothing of the prospect's but their zone: a fraction of the cost."""
    rows = _appointment_rows(db, _WHEN_COLUMNS, until, None, rep, cancelled_since)
    for due_at, status, zone in rows:
        moment = _moment(due_at)
        start = None if moment is None else _local_start(moment, _zone(zone))
        yield None if start is None else (start, status in _OFF_THE_CALENDAR)


def _appointment_rows(
    db: sqlite_utils.Database,
    columns: str,
    until: datetime,
    prospect_id: int | None,
    rep: str | None,
    cancelled_since: datetime | None,
) -> Iterable[tuple[Any, ...]]:
    # The rep's calendar has no callback with whom they may not call; the ones do not call
    # cancelled come as cancellations, so a calendar that imported them drops them. A
    # meeting is no call: it stands until the rep cancels it. One prospect's own meeting,
    # which an email confirms, is theirs whatever the flag.
    and_prospect = (
        "AND t.prospect_id = :prospect"
        if prospect_id is not None
        else "AND (coalesce(p.do_not_call, 0) = 0 OR t.status = 'cancelled' OR t.kind = 'meeting')"
    )
    if rep is not None:
        and_prospect += " AND (p.owner IS NULL OR p.owner = :rep)"
    return db.execute(
        _APPOINTMENTS.for_db(db).format(columns=columns, and_prospect=and_prospect),
        {
            "until": until.astimezone(UTC).isoformat(),
            # Without one, a moment after every stored one: no cancelled task.
            "cancelled_since": (cancelled_since or datetime.max.replace(tzinfo=UTC))
            .astimezone(UTC)
            .isoformat(),
            "prospect": prospect_id,
            "rep": rep,
        },
    )


def _read_removals(
    db: sqlite_utils.Database, rep: str | None, since: datetime
) -> Iterator[Removal]:
    """The meetings and callbacks deleted from `since` on, in the order they were due; not
    those whose due time was no moment, which were in no file to cancel (nor are they
    counted as left out: `funnel check` has no task of theirs to list)."""
    and_rep = "" if rep is None else "AND (owner IS NULL OR owner = :rep)"
    rows = db.execute(
        _REMOVALS.format(and_rep=and_rep),
        {"since": since.astimezone(UTC).isoformat(), "rep": rep},
    )
    for task_id, prospect_id, kind, due_at, sequence in rows:
        if (moment := _moment(due_at)) is None:
            continue
        yield Removal(
            task_id=task_id,
            prospect_id=prospect_id,
            kind=kind,
            due_at=moment.astimezone(UTC),
            sequence=sequence if type(sequence) is int and sequence >= 0 else 1,
        )


def _moment(due_at: object) -> datetime | None:
    try:
        return read_moment(due_at)
    except Unreadable:
        return None


def _description(appointment: Appointment) -> str:
    lines = [
        f"{label}: {value}"
        for label, value in (
            ("Phone", appointment.phone),
            ("Email", appointment.email),
            ("Note", appointment.note),
        )
        if value
    ]
    return "\n".join(lines)


def _start(appointment: Appointment) -> datetime:
    return _local_start(appointment.due_at, appointment.timezone)


def _local_start(due_at: datetime, zone: ZoneInfo | None) -> datetime:
    """The start in the prospect's zone, or in UTC when there it is not one moment: a time
    in the hour a clock change repeats reads as the first of the two."""
    if zone is None:
        return due_at
    local = due_at.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return due_at
    return local


def _event(
    appointment: Appointment, book: str, stamp: datetime, *, summary: str, description: str
) -> icalendar.Event:
    start = _start(appointment)
    event = icalendar.Event.new(
        uid=appointment.uid(book),
        stamp=stamp,
        start=start,
        end=start + LENGTHS[appointment.kind],
        summary=summary,
        description=description or None,
        status="CANCELLED" if appointment.cancelled else "CONFIRMED",
        # Each change to the time or the status is a newer version of the event, which a
        # calendar applies over the one it has.
        sequence=appointment.sequence,
    )
    return event


def _reps_event(appointment: Appointment, book: str, stamp: datetime) -> icalendar.Event:
    """The event as the rep's own calendar shows it: who, how to reach them, the note."""
    event = _event(
        appointment,
        book,
        stamp,
        summary=appointment.summary,
        description=_description(appointment),
    )
    event.add("categories", [appointment.kind.title()])
    if appointment.kind == "callback" and appointment.phone:
        event.add("location", appointment.phone)
    return event


def _calendar(
    events: list[icalendar.Event], book: str, method: str | None = None
) -> icalendar.Calendar:
    """A calendar of `events`, after the zones they are in."""
    calendar = _calendar_of_zones(
        book,
        {zone for event in events if (zone := _zone_name(event.start))},
        [event.start.date() for event in events],
        method,
    )
    calendar.subcomponents.extend(events)
    return calendar


def _zone_name(start: datetime) -> str | None:
    """The VTIMEZONE an event that starts at `start` needs, named as icalendar names its
    TZID (`tzid_from_dt`); None in UTC, which needs none."""
    zone = tzid_from_dt(start)
    return None if zone == "UTC" else zone


def _calendar_of_zones(
    book: str, zone_names: Iterable[str], starts: list[date], method: str | None = None
) -> icalendar.Calendar:
    """A calendar with no events yet: its name and the VTIMEZONE of each zone, with the
    rules for the year around the first and the last of `starts` (not 1970 to 2038), in
    name order, so the same book gives the same file."""
    calendar = icalendar.Calendar.new(
        prodid=PRODID, method=method, uid=f"calendar.{book}@funnel-tui"
    )
    if not starts:
        return calendar
    first, last = min(starts) - ZONE_RULES_MARGIN, max(starts) + ZONE_RULES_MARGIN
    for name in sorted(zone_names):
        try:
            zone = icalendar.Timezone.from_tzid(name, first_date=first, last_date=last)
        except ValueError:  # a zone icalendar does not know goes without, as it would
            continue
        calendar.add_component(zone)
    return calendar


def write_calendar(
    db: sqlite_utils.Database, now: datetime, days: int, out: IO[bytes], rep: str | None = None
) -> CalendarCounts:
    """Write to `out` the open meeting and callback tasks due by the end of the `days`th
    day from today (overdue ones too: they are still to do), and the ones cancelled in the
    last `days` days (at least CANCELLATIONS_KEPT_DAYS), whenever they were due; of those
    whose cancellation has no time, the ones due in that span up to then (in a team's book,
    of `rep`'s own prospects and the pool's); of a prospect marked do not call, the
    meetings and the cancelled callbacks only. The meetings and callbacks deleted from the
    book in that span come as cancellations too (schema_v29).

    The zones come before the events, and which zones and which years of their rules
    only the last event tells: the tasks are read twice, in one snapshot of the book
    (`one_snapshot`), first for the zones, the first and last day and the counts, then
    for the events, each written as it is made, so a book of any size takes the memory of
    one event and no room on disk but the file's."""
    # Any file written while a task was open could have shown it (an overdue one is always
    # written, one far ahead with a larger --days), so what tells whether a calendar may
    # still hold it as open is when it was cancelled (done_at), not when it was due: a
    # cancellation stays in the files of the days that follow it, and old ones stay out. A
    # task whose cancellation has no time (another tool's, or a cleared next call's) counts
    # from its due time instead.
    kept_days = max(days, CANCELLATIONS_KEPT_DAYS)
    # Days as the rep counts them: `--days 1` at 16:00 is today and tomorrow, evening
    # included, not the 24 hours to 16:00 tomorrow.
    through = end_of_day(now + timedelta(days=days))
    book, stamp = book_id(db), now.astimezone(UTC).replace(microsecond=0)
    # Each rep's file is a calendar of its own: imported side by side, one never replaces
    # the other (an event both show, a pool prospect's, keeps its one UID).
    calendar_name = book if rep is None else f"{book}.{rep}"

    cancelled_since = now - timedelta(days=kept_days)
    with one_snapshot(db):
        survey = _Survey()
        for start in _read_starts(db, through, rep, cancelled_since):
            survey.add(start)
        for removal in _read_removals(db, rep, cancelled_since):
            survey.add((removal.due_at, True))
        calendar = _calendar_of_zones(calendar_name, survey.zone_names, survey.days)
        calendar.add("name", "funnel-tui" if rep is None else f"funnel-tui ({rep})")
        out.write(calendar.to_ical().removesuffix(_END))
        for appointment in _read_appointments(
            db, through, rep=rep, cancelled_since=cancelled_since
        ):
            if appointment is not None:
                out.write(_reps_event(appointment, book, stamp).to_ical())
        for removal in _read_removals(db, rep, cancelled_since):
            out.write(removal.event(book, stamp).to_ical())
        out.write(_END)
    return CalendarCounts(survey.events, survey.cancelled, survey.skipped)


@dataclass
class _Survey:
    """What a calendar's first read of its tasks finds: the zones its events are in, their
    first and last day, and the counts."""

    zone_names: set[str] = field(default_factory=set)
    first: date | None = None
    last: date | None = None
    events: int = 0
    cancelled: int = 0
    skipped: int = 0

    def add(self, event: tuple[datetime, bool] | None) -> None:
        """Count an event (its start and whether it is cancelled), or one skipped (None)."""
        if event is None:
            self.skipped += 1
            return
        start, cancelled = event
        if zone := _zone_name(start):
            self.zone_names.add(zone)
        day = start.date()
        self.first = day if self.first is None else min(self.first, day)
        self.last = day if self.last is None else max(self.last, day)
        self.cancelled += cancelled
        self.events += not cancelled

    @property
    def days(self) -> list[date]:
        return [] if self.first is None or self.last is None else [self.first, self.last]


def calendar_file(
    db: sqlite_utils.Database, now: datetime, days: int, rep: str | None = None
) -> CalendarFile:
    """The file `write_calendar` writes, in memory, and what it holds."""
    content = io.BytesIO()
    counts = write_calendar(db, now, days, content, rep=rep)
    return CalendarFile(counts.events, counts.cancelled, counts.skipped, content.getvalue())


def _address(text: str) -> str | None:
    """The one address in `text`, or None: an invite goes to no address it cannot name."""
    addresses = getaddresses([text])
    if len(addresses) != 1 or "@" not in addresses[0][1]:
        return None
    return addresses[0][1]


def meeting_to_confirm(
    db: sqlite_utils.Database, prospect_id: int, now: datetime
) -> Appointment | None:
    """The prospect's open meeting still ahead that was booked last (`booked_last`), its
    time read as `funnel calendar` reads it (a due time that is no moment in UTC is none).
    The meeting confirmation names this meeting and invites to it, so the two always
    agree."""
    return booked_last(meetings_ahead(db, prospect_id, now))


def booked_last(meetings: Iterable[Appointment]) -> Appointment | None:
    """The meeting of `meetings` booked last: a confirmation goes out right after the
    booking, and an earlier meeting had its own."""
    return max(meetings, key=_booked_order, default=None)


def meetings_ahead(db: sqlite_utils.Database, prospect_id: int, now: datetime) -> list[Appointment]:
    """The prospect's open meetings still ahead, soonest first."""
    return sorted(
        (meeting for meeting in _open_meetings(db, prospect_id) if meeting.due_at >= now),
        key=_in_order,
    )


def _booked_order(meeting: Appointment) -> int:
    return meeting.task_id


def meetings_around(
    db: sqlite_utils.Database, prospect_id: int, now: datetime
) -> tuple[Appointment | None, Appointment | None]:
    """The prospect's next open meeting still ahead, and the latest open one whose
    time has passed (held or missed, and not logged yet), from one read of its tasks."""
    meetings = _open_meetings(db, prospect_id)
    ahead = [meeting for meeting in meetings if meeting.due_at >= now]
    passed = [meeting for meeting in meetings if meeting.due_at < now]
    return min(ahead, key=_in_order, default=None), max(passed, key=_in_order, default=None)


def _open_meetings(db: sqlite_utils.Database, prospect_id: int) -> list[Appointment]:
    """The prospect's meetings not done or cancelled, whenever they are."""
    appointments = _prospects_appointments(db, prospect_id)
    return [
        appointment
        for appointment in appointments
        if appointment.kind == "meeting" and not appointment.cancelled
    ]


def _in_order(meeting: Appointment) -> tuple[datetime, int]:
    return (meeting.due_at, meeting.task_id)


def meeting_called_off(
    db: sqlite_utils.Database, prospect_id: int, now: datetime, rep: str | None = None
) -> Appointment | None:
    """The prospect's meeting still ahead that was cancelled after its invite went out
    (`invite_sent`; in a team's book, `rep`'s), booked last: the meeting a cancellation
    takes off their calendar."""
    everything = _prospects_appointments(db, prospect_id, cancelled_since=EVER)
    called_off = [
        appointment
        for appointment in everything
        if appointment.kind == "meeting"
        and appointment.cancelled
        and appointment.due_at >= now
        and invite_sent(db, appointment.task_id, rep)
    ]
    return booked_last(called_off)


def meeting_invite(
    db: sqlite_utils.Database, prospect_id: int, settings: Settings, now: datetime
) -> bytes | None:
    """An invite (METHOD:REQUEST) to the meeting a confirmation names (`meeting_to_confirm`);
    None without one, or without an address for each side."""
    meeting = meeting_to_confirm(db, prospect_id, now)
    return None if meeting is None else invite_to(db, meeting, settings, now)


def invite_to(
    db: sqlite_utils.Database, meeting: Appointment, settings: Settings, now: datetime
) -> bytes | None:
    """An invite (METHOD:REQUEST) to `meeting`, from the rep to the prospect, with the same
    UID as in `funnel calendar`, or its cancellation (METHOD:CANCEL, a newer version of the
    event) for a meeting called off; None without an address for each side."""
    organizer, attendee = _address(settings.email_from), _address(meeting.email)
    if organizer is None or attendee is None:
        return None
    rep = one_line(settings.rep_name)
    # The prospect's copy: nothing of the rep's notes, named from the prospect's side.
    book = book_id(db)
    event = _event(
        meeting,
        book,
        now.astimezone(UTC).replace(microsecond=0),
        summary=f"Meeting with {rep}" if rep else "Meeting",
        description="",
    )
    event.add("organizer", f"mailto:{organizer}", parameters={"CN": rep} if rep else None)
    event.add(
        "attendee",
        f"mailto:{attendee}",
        parameters={
            "CN": meeting.name,
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "TRUE",
        },
    )
    method = "CANCEL" if meeting.cancelled else "REQUEST"
    return _calendar([event], book, method=method).to_ical()
