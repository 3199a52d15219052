"""A template filled in for one prospect: the draft the compose screen shows and `funnel
email` prints or sends.

The facts are the call scripts' (`prospect_facts`: the prospect, the rep's settings, the
history with the open proposal, and the product profile) and what only an email says: the
meeting to confirm in the prospect's own time zone, and the open deal with its close date.
A template the prospect does not fit (`fit`) is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from funnel_tui.clocks import known_zone
from funnel_tui.emailing.fit import email_refused, misfit
from funnel_tui.emailing.headers import AddressRefused, recipient
from funnel_tui.emailing.message import Attachment, Draft
from funnel_tui.emailing.templates import EmailTemplate, fill_template
from funnel_tui.foreign_values import Unreadable, read_cents, read_day
from funnel_tui.money import format_money
from funnel_tui.profile import Profile, headline_feature_facts
from funnel_tui.proposals import last_proposal
from funnel_tui.prospects import get_prospect
from funnel_tui.scripts.fill import prospect_facts
from funnel_tui.scripts.situation import (
    MONTHS,
    WEEKDAYS,
    ProspectHistory,
    ordinal,
    read_history,
    situation_of,
)
from funnel_tui.settings import Settings
from funnel_tui.text import clean_text, one_line

if TYPE_CHECKING:
    import sqlite_utils

    from funnel_tui.calendar_file import Appointment

INVITE_FILENAME = "invite.ics"
INVITE_CONTENT_TYPE = "text/calendar; method=REQUEST"
CANCELLATION_CONTENT_TYPE = "text/calendar; method=CANCEL"


class CannotCompose(ValueError):
    """No email can be written to this prospect as asked; str() says why in one line."""


def meeting_to_confirm(
    db: sqlite_utils.Database, prospect_id: int, now: datetime
) -> Appointment | None:
    """The meeting a confirmation names and invites to: `calendar_file.meeting_to_confirm`
    (the one ahead booked last), so the text and the invite read its time the same way."""
    from funnel_tui.calendar_file import meeting_to_confirm as calendar_meeting  # icalendar

    return calendar_meeting(db, prospect_id, now)


def meeting_time_text(moment: datetime, zone_name: object) -> str:
    """`Tuesday 24 November at 10:00 (London time)` in the prospect's zone (`zone_name`);
    without a zone funnel knows, in `moment`'s own zone, by its abbreviation (`10:00 GMT`)
    or its offset (`10:00 UTC+04:00`)."""
    zone = known_zone(zone_name if isinstance(zone_name, str) else None)
    local = moment if zone is None else moment.astimezone(zone)
    day = f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}"
    if zone is not None:
        place = str(zone_name).strip().rsplit("/", 1)[-1].replace("_", " ")
        return f"{day} at {local:%H:%M} ({place} time)"
    abbreviation = local.tzname() or ""
    if not abbreviation.isalpha():
        offset = local.strftime("%z")
        abbreviation = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{day} at {local:%H:%M} {abbreviation}"


def close_date_text(day: date, today: date) -> str:
    """`the 30th of November`, with the year when it is not this year's."""
    text = f"the {ordinal(day.day)} of {MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


def _readable(read: Callable[[object], Any], value: object) -> Any:
    try:
        return read(value)
    except Unreadable:
        return None


def email_facts(
    db: sqlite_utils.Database,
    prospect: Mapping[str, Any],
    *,
    settings: Settings,
    profile: Profile | None,
    now: datetime,
) -> dict[str, str]:
    """Every placeholder an email template can name that has a value for this prospect."""
    prospect_id = prospect["id"]
    return _facts(
        db,
        prospect,
        read_history(db, prospect_id, now=now),
        meeting_to_confirm(db, prospect_id, now),
        settings=settings,
        profile=profile,
        now=now,
    )


def _facts(
    db: sqlite_utils.Database,
    prospect: Mapping[str, Any],
    history: ProspectHistory,
    meeting: Appointment | None,
    *,
    settings: Settings,
    profile: Profile | None,
    now: datetime,
) -> dict[str, str]:
    """`email_facts`, from the prospect's history and the meeting to confirm as read."""
    today = now.date()
    # The day the open proposal went out, as a script says it (`{proposal_sent_on}`).
    proposal = last_proposal(db, prospect, now)
    facts = prospect_facts(
        prospect, settings, history=history, now=now, profile=profile, proposal=proposal
    )
    if "feature" not in facts:
        facts |= headline_feature_facts(profile)
    if meeting is not None:
        facts["meeting_time"] = meeting_time_text(
            meeting.due_at.astimezone(now.tzinfo), prospect["timezone"]
        )
    cents = _readable(read_cents, prospect["deal_value_cents"])
    if cents:
        facts["deal_value"] = format_money(cents, settings.currency, whole=cents % 100 == 0)
    close_on = _readable(read_day, prospect["expected_close_on"])
    if close_on is not None and close_on >= today:
        facts["close_date"] = close_date_text(close_on, today)
    rep_email = parseaddr(settings.email_from)[1]
    if rep_email:
        facts["rep_email"] = rep_email
    return facts


def meeting_invite(
    db: sqlite_utils.Database, meeting: Appointment | None, settings: Settings, now: datetime
) -> Attachment | None:
    """The invite to `meeting` (`calendar_file.invite_to`), or its cancellation for a
    meeting called off, attached and offered as an alternative to the text; None when there
    is no meeting to invite to."""
    from funnel_tui.calendar_file import invite_to  # icalendar loads slowly

    data = None if meeting is None else invite_to(db, meeting, settings, now)
    if meeting is None or data is None:
        return None
    kind = CANCELLATION_CONTENT_TYPE if meeting.cancelled else INVITE_CONTENT_TYPE
    return Attachment(INVITE_FILENAME, kind, data, alternative=True)


def compose_draft(
    db: sqlite_utils.Database,
    prospect_id: int,
    template: EmailTemplate,
    *,
    settings: Settings,
    profile: Profile | None,
    now: datetime,
    rep: str | None = None,
) -> Draft:
    """The template filled in for the prospect, to their stored address, with the meeting
    invite when the template carries one, in the words for the prospect's situation.
    Raises CannotCompose for a prospect that does not exist, has no email address, a name
    or address the message would refuse, is marked do not email, or lacks what the
    template needs (`fit`)."""
    prospect = get_prospect(db, prospect_id)
    if prospect is None:
        raise CannotCompose(f"no prospect with id {prospect_id}")
    name = prospect["name"] if isinstance(prospect["name"], str) else ""
    address = prospect["email"] if isinstance(prospect["email"], str) else ""
    if not address.strip():
        shown = one_line(name) or f"prospect {prospect_id}"
        raise CannotCompose(f"{shown} has no email address; add one with e (or funnel import)")
    try:
        recipient(name, address)
    except AddressRefused as error:
        raise CannotCompose(str(error)) from None
    if (refused := email_refused(db, prospect)) is not None:
        raise CannotCompose(refused)
    not_fitting = misfit(db, prospect, template, now, profile=profile, rep=rep)
    if not_fitting is not None:
        raise CannotCompose(not_fitting.reason)
    from funnel_tui.calendar_file import booked_last, meeting_called_off, meetings_ahead

    history = read_history(db, prospect_id, now=now)
    # One read of the meetings ahead: the one the text names and invites to (booked
    # last, as `meeting_to_confirm` finds it) and the others the compose screen lists; a
    # cancellation names the meeting called off, and its invite cancels it.
    ahead = meetings_ahead(db, prospect_id, now)
    if "cancelled_meeting" in template.needs:
        named = meeting_called_off(db, prospect_id, now, rep)
    else:
        named = booked_last(ahead)
    facts = _facts(db, prospect, history, named, settings=settings, profile=profile, now=now)
    filled = fill_template(template, facts, situation_of(prospect, history, settings))
    meeting = named if template.invite else None
    invite = meeting_invite(db, meeting, settings, now)
    others = tuple(
        other.due_at for other in ahead if meeting is not None and other.task_id != meeting.task_id
    )
    return Draft(
        prospect_id=prospect_id,
        template=template.key,
        # Kept as stored: the message refuses a name or address that could add a header.
        to_name=name,
        to_address=address,
        subject=clean_text(filled.subject),
        body=clean_text(filled.body),
        attachments=() if invite is None else (invite,),
        do_not_call=bool(prospect["do_not_call"]),
        meeting_at=None if meeting is None else meeting.due_at,
        meeting_called_off=meeting is not None and meeting.cancelled,
        other_meetings=others,
        their_timezone=prospect["timezone"] if isinstance(prospect["timezone"], str) else None,
    )
