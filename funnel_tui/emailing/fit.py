"""Which templates fit a prospect, and the situation an email to them speaks to.

A template says what it `needs` of the prospect, so that it never states what their
history does not support:
- `proposal`: an open proposal (`proposals.last_proposal`), a `proposal_sent` call that
  no win, deal or "not interested" has followed;
- `meeting`: an open meeting ahead, the confirmation naming and inviting to the one
  booked last (`calendar_file.meeting_to_confirm`);
- `cancelled_meeting`: a meeting still ahead that was cancelled after its invite went out
  (`calendar_file.meeting_called_off`), which the email's invite takes off their calendar;
- `voicemail`: someone a voicemail could have been left for: a phone number that can be
  dialled and was not found wrong, and not marked do not call;
- `profile`: not of the prospect but of the rep: a product profile with a feature, for a
  template that promises a summary of what they sell (without one, its every line of
  the summary is left out, and "here is a short summary" came with none).
A template a prospect lacks a need of is refused with one line saying why, and the
picker shows it as not fitting. A prospect marked do not email (`do_not_email`) gets no
email at all (`email_refused`).

The situation is the call scripts' (`situation_of`): cold, inbound, known, customer, and
`declined` for a prospect whose last conversation ended in "not interested" or "do not
call", whom an email thanks for their time, and promises nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from funnel_tui.emailing.templates import EmailTemplate
from funnel_tui.phones import phone_problem
from funnel_tui.proposals import last_proposal
from funnel_tui.prospects import get_prospect, marked_at_address
from funnel_tui.scripts.situation import spoken_day
from funnel_tui.settings import load_settings
from funnel_tui.text import one_line

if TYPE_CHECKING:
    import sqlite_utils

    from funnel_tui.profile import Profile


@dataclass(frozen=True)
class Misfit:
    """Why a template does not fit a prospect."""

    note: str
    """A few words for the picker: `no proposal sent`."""
    reason: str
    """One line saying why, naming the prospect and the template."""
    of_prospect: bool = True
    """Whether it is the prospect who lacks it (else the rep: their product profile)."""


def _until_cleared(whom: str) -> str:
    return f"no email goes to {whom} until the flag is cleared in the edit form (e)"


def email_refused(db: sqlite_utils.Database, prospect: Mapping[str, Any]) -> str | None:
    """Why no email may go to the prospect, in one line: they asked for none (marked do
    not email), or another prospect at their address did; None when nothing stands in
    the way."""
    name = one_line(prospect["name"]) or f"prospect {prospect['id']}"
    if prospect["do_not_email"]:
        return f"{name} is marked do not email: {_until_cleared('them')}"
    marked = marked_at_address(db, prospect["id"], prospect["email"])
    if marked is None:
        return None
    address, other = prospect["email"].strip(), marked[1]
    return (
        f"{name}'s address {address} is also {other}'s (id {marked[0]}), who is marked do not"
        f" email: {_until_cleared('that address')}"
    )


def email_refused_by_id(
    db: sqlite_utils.Database, prospect_id: int, address: str | None = None
) -> str | None:
    """`email_refused` for the prospect as stored now, at `address` (a draft's, which the
    stored one may have left since) or their stored one; None for one that is gone."""
    prospect = get_prospect(db, prospect_id)
    if prospect is None:
        return None
    return email_refused(db, prospect if address is None else {**prospect, "email": address})


def misfit(
    db: sqlite_utils.Database,
    prospect: Mapping[str, Any],
    template: EmailTemplate,
    now: datetime,
    *,
    profile: Profile | None,
    rep: str | None = None,
) -> Misfit | None:
    """Why `template` does not fit the prospect (the first need they lack), or None; in a
    team's book, as `rep` would send it."""
    name = one_line(prospect["name"]) or f"prospect {prospect['id']}"
    key = template.key
    for need in template.needs:
        if need == "profile":
            if profile is None or not profile.features:
                return Misfit(
                    "needs a feature in your product profile (funnel profile)",
                    f"{key} needs a product profile with a feature for its summary"
                    " (funnel profile says where and how to write one)",
                    of_prospect=False,
                )
            continue
        found = _NEED_CHECKS[need](db, prospect, now, name, key, rep)
        if found is not None:
            return found
    return None


def _needs_proposal(
    db: sqlite_utils.Database,
    prospect: Mapping[str, Any],
    now: datetime,
    name: str,
    key: str,
    rep: str | None,
) -> Misfit | None:
    proposal = last_proposal(db, prospect, now)
    if proposal is None:
        return Misfit("no proposal sent", f"no proposal was sent to {name}: {key} needs one")
    today = now.date()
    sent = f"the proposal sent to {name} {spoken_day(proposal.sent_on, today)}"
    needs_open = f"{key} needs an open one"
    if proposal.closed == "won":
        won = spoken_day(proposal.closed_on or today, today)
        return Misfit("proposal won", f"{sent} was won {won}: {needs_open}")
    if proposal.closed == "declined":
        said = spoken_day(proposal.closed_on or today, today)
        return Misfit(
            "they said not interested", f"{sent} was declined (not interested {said}): {needs_open}"
        )
    if proposal.closed == "lost":
        return Misfit("marked lost", f"{sent} is closed ({name} is marked lost): {needs_open}")
    return None


def _needs_meeting(
    db: sqlite_utils.Database,
    prospect: Mapping[str, Any],
    now: datetime,
    name: str,
    key: str,
    rep: str | None,
) -> Misfit | None:
    from funnel_tui.calendar_file import meetings_around  # icalendar loads slowly

    ahead, missed = meetings_around(db, prospect["id"], now)
    if ahead is not None:
        return None
    if missed is not None:
        when = spoken_day(missed.due_at.astimezone(now.tzinfo).date(), now.date())
        return Misfit(
            f"meeting was {when}",
            f"the meeting with {name} was {when} and is still open: {key} confirms one"
            " ahead (log how it went, or book the next)",
        )
    return Misfit(
        "no meeting ahead",
        f"no meeting ahead with {name}: {key} needs one (log it as Meeting booked first)",
    )


def _needs_voicemail(
    db: sqlite_utils.Database,
    prospect: Mapping[str, Any],
    now: datetime,
    name: str,
    key: str,
    rep: str | None,
) -> Misfit | None:
    if prospect["do_not_call"]:
        return Misfit(
            "marked do not call",
            f"{name} is marked do not call, so no voicemail was left: {key} does not fit",
        )
    phone = prospect["phone"]
    if not isinstance(phone, str) or not phone.strip():
        return Misfit(
            "no phone number",
            f"{name} has no phone number, so no voicemail was left: {key} does not fit",
        )
    if prospect.get("wrong_number"):
        return Misfit(
            "wrong number",
            f"{name}'s number was found to be a wrong number, so no voicemail was left for"
            f" them: {key} does not fit",
        )
    if phone_problem(phone, load_settings(db).phone_region) is not None:
        return Misfit(
            "number cannot be dialled",
            f"{name}'s number cannot be dialled, so no voicemail was left: {key} does not fit",
        )
    return None


def cancellation_fits(
    db: sqlite_utils.Database,
    prospect_id: int,
    cancelled: Collection[datetime],
    now: datetime,
    rep: str | None = None,
) -> bool:
    """Whether one of the meetings just cancelled (their due times, `cancelled`) is the one
    the Meeting cancelled template takes off the prospect's calendar, and they may be
    emailed: said after the call that cancelled it."""
    from funnel_tui.calendar_file import meeting_called_off  # icalendar loads slowly

    called_off = meeting_called_off(db, prospect_id, now, rep)
    if called_off is None or called_off.due_at not in cancelled:
        return False
    return email_refused_by_id(db, prospect_id) is None


def _needs_cancelled_meeting(
    db: sqlite_utils.Database,
    prospect: Mapping[str, Any],
    now: datetime,
    name: str,
    key: str,
    rep: str | None,
) -> Misfit | None:
    from funnel_tui.calendar_file import meeting_called_off  # icalendar loads slowly

    if meeting_called_off(db, prospect["id"], now, rep) is not None:
        return None
    yours = "" if rep is None else " (yours: a calendar takes the change from its organizer)"
    return Misfit(
        "no invited meeting called off",
        f"no meeting ahead with {name} was called off after its invite{yours} went out:"
        f" {key} takes such a meeting off their calendar",
    )


# Each need's check: why the prospect lacks it (in a team's book, as `rep` would send the
# email), or None.
_NEED_CHECKS = {
    "proposal": _needs_proposal,
    "meeting": _needs_meeting,
    "voicemail": _needs_voicemail,
    "cancelled_meeting": _needs_cancelled_meeting,
}
