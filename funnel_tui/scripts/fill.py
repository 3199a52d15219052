"""A script filled in for one prospect: their facts, their situation, the steps and the answers.

The pane and `funnel script --prospect` both show what `fill_script` returns, so the rep
reads the same words in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from funnel_tui.clocks import known_zone, their_time
from funnel_tui.company_names import spoken_company
from funnel_tui.domain import LOST_REASON_LABELS, LostReason, Outcome, Stage, outcome_label
from funnel_tui.money import format_money
from funnel_tui.names import contact_name, first_name_of, greeting, written_case
from funnel_tui.profile import Profile, chosen_entries, profile_facts
from funnel_tui.scripts.deal import deal_facts
from funnel_tui.scripts.loader import OPENER_TITLE, CallScript
from funnel_tui.scripts.past_calls import CLOCK_DRIFT, PastCall
from funnel_tui.scripts.placeholders import PROSPECT_FIELDS
from funnel_tui.scripts.render import (
    ObjectionAnswer,
    Objections,
    RenderedStep,
    objection_answers,
    render_script,
)
from funnel_tui.scripts.situation import (
    CUSTOMER,
    ProspectHistory,
    day_of,
    history_facts,
    situation_of,
    spoken_moment,
)
from funnel_tui.settings import Settings, source_phrase
from funnel_tui.timestamps import from_stored, in_utc

if TYPE_CHECKING:
    from funnel_tui.proposals import Proposal

# The most characters of one fact a script or an email says: a note is a few words, and a
# field of megabytes (a page pasted, a CRM's cell) would be read out, and laid out, whole.
FACT_AT_MOST = 500
# A callback this late is still on time: no apology for it.
ON_TIME = timedelta(minutes=30)
# What `FilledScript.situation` is for a prospect marked do not call: no opener is for them.
DO_NOT_CALL = "do_not_call"


@dataclass(frozen=True)
class FilledScript:
    """What the rep sees of a script for one prospect."""

    script: CallScript
    situation: str
    steps: tuple[RenderedStep, ...]
    matching_objections: list[ObjectionAnswer] = field(default_factory=list)
    other_objections: list[ObjectionAnswer] = field(default_factory=list)
    profile_entries: dict[str, str] = field(default_factory=dict)
    """Which profile feature, reference ... was picked for this prospect, by placeholder."""
    objections_noted: str = ""
    """The prospect's objections as recorded (one line), matched or not."""


def prospect_facts(
    prospect: Mapping[str, object],
    settings: Settings,
    *,
    history: ProspectHistory | None = None,
    now: datetime | None = None,
    profile: Profile | None = None,
    proposal: Proposal | None = None,
) -> dict[str, str]:
    """The value of every placeholder this prospect has; a missing fact is absent. The
    history's days, the meeting booked and the day the `proposal` (their last,
    `last_proposal`) went out are said on the prospect's clock when their zone is known
    (their "yesterday"), else on now's."""
    facts = {name: _text(prospect, name) for name in PROSPECT_FIELDS}
    # Greeted as people write names, whatever case a CRM stored them in.
    stored_contact = contact_name(facts["name"], facts["company"])
    contact = written_case(stored_contact)
    stored_first_name = written_case(_text(prospect, "first_name"))
    # Found in the name as stored, whose case tells `van der Berg` from `Van Morrison`.
    found_first_name = written_case(first_name_of(stored_contact))
    facts["first_name"] = stored_first_name or found_first_name or ""
    facts["greeting"] = greeting(facts["first_name"], contact)
    facts["company"] = spoken_company(facts["company"]) if facts["company"] else ""
    facts["source_phrase"] = source_phrase(settings, facts["source"]) or ""
    facts["rep_name"] = settings.rep_name.strip()
    if history is not None and now is not None:
        their_now = _their_now(prospect, now)
        facts.update(history_facts(history, their_now))
        facts.update(deal_facts(history, proposal, their_now))
    facts.update(profile_facts(profile, prospect))
    facts["introduction"] = introduction(
        facts["greeting"], facts["rep_name"], facts.get("our_company")
    )
    return {name: value for name, value in facts.items() if value}


def _their_now(prospect: Mapping[str, object], now: datetime) -> datetime:
    """Now on the prospect's clock when their time zone is known, else on now's."""
    zone = known_zone(_text(prospect, "timezone"))
    return now if zone is None else now.astimezone(zone)


def introduction(greeting: str, rep_name: str, our_company: str | None) -> str:
    """How an opener begins, with what is known of who calls: "Hi Deepa, it's Alex Morgan
    from Kestrel Software", "Hi Deepa, it's Alex Morgan", "Hi Deepa, this is Kestrel
    Software" or "Hi Deepa"."""
    if rep_name and our_company:
        return f"{greeting}, it's {rep_name} from {our_company}"
    if rep_name:
        return f"{greeting}, it's {rep_name}"
    if our_company:
        return f"{greeting}, this is {our_company}"
    return greeting


def _text(prospect: Mapping[str, object], name: str) -> str:
    """The fact as one line, of at most FACT_AT_MOST characters; a BLOB another tool stored
    cannot be read, so it is missing."""
    try:
        value = prospect[name]
    except (KeyError, IndexError):  # sqlite3.Row raises IndexError for an unknown column
        return ""
    return _said(value)


def _said(value: object) -> str:
    """`_text` of a value read already."""
    if value is None or isinstance(value, bytes):
        return ""
    # Cut before it is split: a field of megabytes is read no further than what is said.
    said = " ".join(str(value)[: 2 * FACT_AT_MOST].split())
    return said if len(said) <= FACT_AT_MOST else said[: FACT_AT_MOST - 1] + "…"


def fill_script(
    script: CallScript,
    prospect: Mapping[str, object],
    *,
    settings: Settings,
    history: ProspectHistory,
    now: datetime,
    profile: Profile | None,
    objections: Objections,
    no_email: bool = False,
    proposal: Proposal | None = None,
) -> FilledScript:
    """The script for this prospect: the opener for their situation, then every step.
    `no_email`: no email goes to their address (another prospect there is marked do not
    email), as none goes to one marked themselves. `proposal`: the last one sent to them
    (`last_proposal`), which a step says while it is open. A prospect marked do not call
    gets no script: one step for the rep alone says so."""
    if prospect.get("do_not_call"):
        return FilledScript(script, DO_NOT_CALL, (_not_to_be_called(prospect, history, now),))
    facts = prospect_facts(
        prospect, settings, history=history, now=now, profile=profile, proposal=proposal
    )
    situation = situation_of(prospect, history, settings)
    noted = _text(prospect, "objections")
    matching, others = objection_answers(script, objections, noted, facts)
    steps = render_script(script, facts, situation)
    # Where the deal stands comes before the opener's own cue: a call that went back over
    # discovery with a proposal out would sound as if nothing had been sent. And a script
    # offers to send a summary: one who asked for no email hears a call offered instead.
    before = " ".join(
        filter(
            None,
            (
                _promised(prospect, history, situation, now),
                _proposal_out(prospect, settings),
                _no_email(prospect, no_email),
            ),
        )
    )
    if steps and steps[0].title == OPENER_TITLE and before:
        opener = steps[0]
        steps = (opener._replace(cue=f"{before} {opener.cue}".strip()), *steps[1:])
    return FilledScript(
        script,
        situation,
        steps,
        matching,
        others,
        chosen_entries(profile, prospect),
        noted,
    )


def _not_to_be_called(
    prospect: Mapping[str, object], history: ProspectHistory, now: datetime
) -> RenderedStep:
    """The one step of a prospect marked do not call: a cue, with the day they asked when it
    is known, and how the mark is taken off."""
    asked = "They asked not to be called"
    if history.do_not_call_at is not None:
        asked = f"{asked} {spoken_moment(history.do_not_call_at, _their_now(prospect, now))}"
    return RenderedStep(
        "Do not call",
        "",
        (),
        f"{asked}, so there is no script for them. If they ask to be called again, clear Do"
        " not call in their edit form (e).",
    )


def _promised(
    prospect: Mapping[str, object], history: ProspectHistory, situation: str, now: datetime
) -> str:
    """For the rep, what is owed to the prospect and what happened last, before the opener
    (which speaks of the last conversation alone): the callback they asked for, due or
    late; the meeting booked, ahead or still open; the meeting they missed; the voicemail
    left; and the last call's note. Empty when there is none of these."""
    said = []
    zone = prospect.get("timezone")
    if (due := history.callback_due_at) is not None:
        if due > now:
            when = _at(due, now, zone)
            said.append(f"They asked to be called back {when}; this call comes before.")
        else:
            late = ", and sorry it is late" if now - due > ON_TIME else ""
            said.append(
                f"They asked to be called back {_at(due, now, zone)}: say you are calling as"
                f" promised{late}."
            )
    if (due := history.meeting_due_at) is not None:
        if due > now:
            when = _at(due, now, zone)
            said.append(f"A meeting is booked for {when}: confirm it, not start again.")
        else:
            said.append(
                f"The meeting of {_at(due, now, zone)} is still open: ask whether it took place"
                " before anything else."
            )
    last = prospect.get("last_outcome")
    called = from_stored(prospect.get("last_called_at"))
    if called is not None and called > in_utc(now) + CLOCK_DRIFT:
        # The last call is one dated after now, which has not happened: set aside below.
        last = called = None
    if last == Outcome.NO_SHOW:
        said.append("They missed the last meeting: find a new time first.")
    elif last == Outcome.VOICEMAIL and called is not None:
        left = spoken_moment(called, _their_now(prospect, now))
        said.append(f"You left them a voicemail {left}: say so.")
    if situation == CUSTOMER and history.last_connect_outcome == Outcome.NOT_INTERESTED:
        # A no to more of what they have (an upsell): the customer opener does not say it.
        reason = ""
        if history.declined_reason in set(LostReason):
            reason = f" ({LOST_REASON_LABELS[LostReason(history.declined_reason)].lower()})"
        said.append(f"They said no to more{reason}: ask how it goes; do not pitch it again.")
    said.extend(_set_aside(history.set_aside, now, zone))
    if history.last_note is not None:
        said.append(f"Last call's note: “{_said(history.last_note)}”.")
    return " ".join(said)


def _set_aside(calls: tuple[PastCall, ...], now: datetime, zone: object) -> list[str]:
    """For the rep, the calls left out of the history: those of a date that cannot be
    read, and those dated after now, with the outcome and the note of each kind."""
    said = []
    undated = [call for call in calls if call.started_at is None]
    ahead = [call for call in calls if call.started_at is not None]
    if undated:
        reached = any(call.reached for call in undated)
        said.append(
            f"{_calls_with_them(undated)} {_has_dates(undated)} that cannot be read (funnel"
            f" check names {_it(undated)})"
            + (": you have spoken to them before, on a day not known." if reached else ".")
        )
        said.extend(_their_note(undated))
    if ahead:
        first = min(moment for call in ahead if (moment := call.started_at) is not None)
        are, it = ("is", "it is") if len(ahead) == 1 else ("are", "they are")
        dated = "dated" if len(ahead) == 1 else "dated from"
        said.append(
            f"{_calls_with_them(ahead)} {are} {dated} {_at(first, now, zone)}, after now, so"
            f" {it} not taken as when you last spoke."
        )
        said.extend(_their_note(ahead))
    return said


def _calls_with_them(calls: list[PastCall]) -> str:
    """ "A call with them (Callback)", "2 calls with them (Callback, No answer)"."""
    outcomes = ", ".join(dict.fromkeys(outcome_label(call.outcome) for call in calls))
    counted = "A call" if len(calls) == 1 else f"{len(calls)} calls"
    return f"{counted} with them ({outcomes})"


def _has_dates(calls: list[PastCall]) -> str:
    return "has a date" if len(calls) == 1 else "have dates"


def _it(calls: list[PastCall]) -> str:
    return "it" if len(calls) == 1 else "them"


def _their_note(calls: list[PastCall]) -> list[str]:
    """The note of the last of these calls logged that has one."""
    noted = [call.note for call in calls if call.note is not None]
    if not noted:
        return []
    whose = "Its note" if len(calls) == 1 else "The last logged one's note"
    return [f"{whose}: “{_said(noted[-1])}”."]


def _at(moment: datetime, now: datetime, timezone: object = None) -> str:
    """`Fri 4 Dec 10:00` on the rep's clock, as the card lists tasks, with the year when
    it is not this one; then the prospect's time where it reads otherwise (`Fri 4 Dec
    16:00 (10:00 their time)`), which the rep promises and says."""
    local = moment.astimezone(now.tzinfo)
    year = f" {local.year}" if local.year != now.year else ""
    theirs = their_time(moment, now, timezone)
    return f"{local:%a} {local.day} {local:%b}{year} {local:%H:%M}" + (
        f" ({theirs})" if theirs else ""
    )


def _no_email(prospect: Mapping[str, object], at_address: bool) -> str:
    """For the rep, of a prospect no email goes to (marked do not email, or `at_address`:
    another prospect at their address is): what to offer where the script says it will
    send something; empty otherwise."""
    if prospect.get("do_not_email"):
        why = "They asked for no email"
    elif at_address:
        why = "No email goes to their address"
    else:
        return ""
    return (
        f"{why}: where the script offers to send something, offer to walk them through it"
        " on a call instead."
    )


def _proposal_out(prospect: Mapping[str, object], settings: Settings) -> str:
    """For the rep, of a prospect at `proposal`: the proposal out, its amount and expected
    close where they are known; empty otherwise."""
    if prospect.get("stage") != Stage.PROPOSAL:
        return ""
    cents = prospect.get("deal_value_cents")
    amount = ""
    if isinstance(cents, int) and cents > 0:
        amount = f" for {format_money(cents, settings.currency, whole=cents % 100 == 0)}"
    close = day_of(prospect.get("expected_close_on"))
    closing = f", expected to close {close:%a} {close.day} {close:%b %Y}" if close else ""
    return f"Proposal out{amount}{closing}: ask where it stands before going back over anything."
