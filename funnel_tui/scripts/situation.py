"""Who the rep is calling: the prospect's history with us, their situation and a method to suggest.

The situation picks the script's opener (PRODUCT 6): a customer hears about what they
bought, a known prospect about the last conversation (one whose last conversation ended
in a no, `declined`, that it did, and whether anything has changed since; one reached on
a call whose date cannot be read is known too, of no known day), an inbound
lead about what they engaged with, and everyone else a cold opener that never claims
earlier contact.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import NamedTuple

from funnel_tui.domain import CONNECT_OUTCOMES, Kind, LostReason, Outcome, Stage
from funnel_tui.scripts.past_calls import PastCall, read_past_calls
from funnel_tui.settings import Queryable, Settings, is_inbound
from funnel_tui.timestamps import from_stored

COLD, INBOUND, KNOWN, DECLINED, CUSTOMER = "cold", "inbound", "known", "declined", "customer"
# What ends a conversation with a no.
DECLINING = (Outcome.NOT_INTERESTED, Outcome.DO_NOT_CALL)
# Why they said no, as said after "and": `other` (and no reason) has no words, so a line
# with `{declined_reason}` gives way to its fallback.
DECLINED_BECAUSE = {
    LostReason.TIMING: "the timing wasn't right for you then",
    LostReason.BUDGET: "there wasn't the budget for it then",
    LostReason.COMPETITOR: "you had gone with another provider",
    LostReason.NO_NEED: "you didn't see the need then",
    LostReason.NO_AUTHORITY: "the decision sat with someone else",
}

# With the calls (past_calls), two indexed reads per prospect shown (calls_prospect;
# deals_prospect, flag_changes_prospect, tasks_prospect), never per queue row.
HISTORY_QUERY = """SELECT
    (SELECT min(closed_on) FROM deals WHERE prospect_id = :id) AS first_deal_on,
    (SELECT max(closed_on) FROM deals WHERE prospect_id = :id) AS last_deal_on,
    (SELECT max(changed_at) FROM flag_changes
        WHERE prospect_id = :id AND flag = 'do_not_call' AND value = 1) AS do_not_call_at,
    (SELECT min(due_at) FROM tasks WHERE prospect_id = :id AND status = 'open'
        AND kind = 'callback') AS callback_due_at,
    (SELECT min(due_at) FROM tasks WHERE prospect_id = :id AND status = 'open'
        AND kind = 'meeting') AS meeting_due_at"""

# Stages at which the buyer is weighing a concrete proposal: commitments matter most.
DECIDING_STAGES = (Stage.QUALIFIED, Stage.PROPOSAL)
MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}
# A day further ahead than this is said with its year: "the 5th of January" could be any.
YEAR_AHEAD_DAYS = 300

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ProspectHistory(NamedTuple):
    """What happened with a prospect before: the last time they were reached, their deals."""

    last_connected_at: datetime | None = None
    first_deal_on: date | None = None
    last_deal_on: date | None = None
    # The outcome of the last call that reached them (`not_interested`...).
    last_connect_outcome: str | None = None
    # When they last asked not to be called: a `do_not_call` call, or the flag set.
    do_not_call_at: datetime | None = None
    # The reason of the last call that ended in a no (`competitor`...).
    declined_reason: str | None = None
    # What the rep noted of the last call, whatever its outcome.
    last_note: str | None = None
    # When the first open callback and the first open meeting are due.
    callback_due_at: datetime | None = None
    meeting_due_at: datetime | None = None
    # Calls of no readable date, or dated after now: in none of the above.
    set_aside: tuple[PastCall, ...] = ()

    @property
    def reached_on_no_known_day(self) -> bool:
        """Whether a call that reached them has a date that cannot be read."""
        return any(call.reached and call.started_at is None for call in self.set_aside)


def read_history(db: Queryable, prospect_id: int, *, now: datetime) -> ProspectHistory:
    """The prospect's history from the calls made by now, the deals, flag_changes and
    tasks tables (two queries)."""
    calls = read_past_calls(
        db, prospect_id, now, (CONNECT_OUTCOMES, DECLINING, (Outcome.DO_NOT_CALL,))
    )
    row = db.execute(HISTORY_QUERY, {"id": prospect_id}).fetchone()
    first_deal_on, last_deal_on, flagged_at, callback_due_at, meeting_due_at = row or (None,) * 5
    connect = calls.last(CONNECT_OUTCOMES)
    declined = calls.last(DECLINING)
    last = calls.last()
    return ProspectHistory(
        connect.started_at if connect else None,
        day_of(first_deal_on),
        day_of(last_deal_on),
        connect.outcome if connect else None,
        _latest(calls.last((Outcome.DO_NOT_CALL,)), from_stored(flagged_at)),
        declined.reason if declined else None,
        last.note if last else None,
        from_stored(callback_due_at),
        from_stored(meeting_due_at),
        calls.set_aside,
    )


def _latest(call: PastCall | None, flagged_at: datetime | None) -> datetime | None:
    """The later of a call's moment and a flag's, either of which may be missing."""
    moments = [moment for moment in (call and call.started_at, flagged_at) if moment]
    return max(moments, default=None)


def day_of(text: object) -> date | None:
    """A stored date; a value another tool wrote in some other shape counts as none."""
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def situation_of(
    prospect: Mapping[str, object], history: ProspectHistory, settings: Settings
) -> str:
    """`customer`, `known` (`declined` when the last conversation ended in a no), `inbound`
    or `cold` (PRODUCT 6, in that order of precedence)."""
    kind = prospect.get("kind")
    if kind == Kind.CUSTOMER or history.first_deal_on is not None:
        return CUSTOMER
    if history.last_connect_outcome in DECLINING:
        return DECLINED
    if (
        kind == Kind.KNOWN
        or history.last_connected_at is not None
        or history.reached_on_no_known_day
    ):
        return KNOWN
    if is_inbound(settings, _source(prospect)):
        return INBOUND
    return COLD


def _source(prospect: Mapping[str, object]) -> str | None:
    source = prospect.get("source")
    return source if isinstance(source, str) else None


def suggested_method(prospect: Mapping[str, object], settings: Settings) -> str:
    """The built-in method that usually fits this prospect, from their kind, stage and source.

    - a customer: `value_proposition` (a business case for more, against what they have);
    - a prospect at `qualified` or `proposal`: `conceptual` (the buyer's own concept and
      the commitments that move the decision);
    - known (kind `known`, or past `lead`): `solution` (diagnose the pain together);
    - a new lead whose source is inbound: `inbound`;
    - anyone else (a cold new lead): `solution`.
    """
    if prospect.get("kind") == Kind.CUSTOMER:
        return "value_proposition"
    if prospect.get("stage") in DECIDING_STAGES:
        return "conceptual"
    if prospect.get("kind") == Kind.KNOWN or prospect.get("stage") not in (None, Stage.LEAD):
        return "solution"
    if is_inbound(settings, _source(prospect)):
        return "inbound"
    return "solution"


# A customer whose first deal is this recent is told the day it was, not the month.
RECENT_CUSTOMER_DAYS = 60


def history_facts(history: ProspectHistory, now: datetime) -> dict[str, str]:
    """The history placeholders that have a value: `{last_spoke_on}`, `{customer_since}`,
    `{last_purchase_on}`, `{declined_reason}`. Dates read as said aloud, with their
    preposition: "yesterday", "on Tuesday", "on the 10th of November". The last call's day
    is read on now's clock (the one the script is said on), not as stored in UTC."""
    today = now.date()
    facts = {}
    if history.last_connected_at is not None:
        facts["last_spoke_on"] = spoken_moment(history.last_connected_at, now)
    if (first := history.first_deal_on) is not None and first < today:
        # "since yesterday", "since the 10th of November" for a new customer, where "since
        # December 2026" said in December 2026 told them nothing. A deal of today has no
        # "since": the script's line without it is said.
        recent = (today - first).days < RECENT_CUSTOMER_DAYS
        facts["customer_since"] = (
            spoken_day(first, today).removeprefix("on ")
            if recent
            else f"{MONTHS[first.month - 1]} {first.year}"
        )
    if history.last_deal_on is not None:
        facts["last_purchase_on"] = spoken_day(history.last_deal_on, today)
    if history.declined_reason in DECLINED_BECAUSE:
        facts["declined_reason"] = DECLINED_BECAUSE[LostReason(history.declined_reason)]
    return facts


def spoken_moment(moment: datetime, now: datetime) -> str:
    """The day of a past moment, on now's clock, as `spoken_day` says it."""
    return spoken_day(moment.astimezone(now.tzinfo).date(), now.date())


def spoken_day(day: date, today: date) -> str:
    """A past day as a rep says it: "earlier today", "yesterday", "on Tuesday" within a
    week, else "on the 10th of November" (with the year when it is not this year)."""
    days_ago = (today - day).days
    if days_ago <= 0:
        return "earlier today"
    if days_ago == 1:
        return "yesterday"
    if days_ago < 7:
        return f"on {WEEKDAYS[day.weekday()]}"
    spoken = f"on the {ordinal(day.day)} of {MONTHS[day.month - 1]}"
    return spoken if day.year == today.year else f"{spoken} {day.year}"


def spoken_ahead(moment: datetime, now: datetime) -> str:
    """A moment ahead, on now's clock, as a rep says it on the phone: "today at 4:30 pm",
    "tomorrow at 10 am", "Tuesday the 24th at noon", "Tuesday the 5th of January at 9 am"
    in another month, with the year too when it is more than YEAR_AHEAD_DAYS away."""
    local = moment.astimezone(now.tzinfo)
    return f"{_day_ahead(local, now)} at {spoken_clock(local.hour, local.minute)}"


def spoken_day_ahead(moment: datetime, now: datetime) -> str:
    """The day of a moment ahead, said after "we meet": "today", "tomorrow", "on Tuesday
    the 24th", "on Tuesday the 5th of January"."""
    day = _day_ahead(moment.astimezone(now.tzinfo), now)
    return day if day in ("today", "tonight", "tomorrow") else f"on {day}"


def _day_ahead(local: datetime, now: datetime) -> str:
    day, today = local.date(), now.date()
    at_midnight = (local.hour, local.minute) == (0, 0)
    if at_midnight:
        # Midnight ends the day before it: Tuesday 00:00 is Monday at midnight.
        day -= timedelta(days=1)
    days_ahead = (day - today).days
    if days_ahead <= 0:
        return "tonight" if at_midnight else "today"
    if days_ahead == 1:
        return "tomorrow"
    said = f"{WEEKDAYS[day.weekday()]} the {ordinal(day.day)}"
    if (day.year, day.month) != (today.year, today.month):
        said += f" of {MONTHS[day.month - 1]}"
    if days_ahead > YEAR_AHEAD_DAYS:
        said += f" {day.year}"
    return said


def spoken_clock(hour: int, minute: int) -> str:
    """A time of day as it is said: "9 am", "4:30 pm", "noon", "midnight"."""
    if minute == 0 and hour in (0, 12):
        return "noon" if hour == 12 else "midnight"
    minutes = f":{minute:02d}" if minute else ""
    return f"{hour % 12 or 12}{minutes} {'am' if hour < 12 else 'pm'}"


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else ORDINAL_SUFFIXES.get(number % 10, "th")
    return f"{number}{suffix}"
