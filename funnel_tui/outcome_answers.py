"""The typed fields an outcome asks for, read strictly and read back for confirmation
(PRODUCT sections 3 and 8): what the outcome dialog shows under each field and saves."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from funnel_tui.cadence import day_off, is_business_day, outside_calling_hours
from funnel_tui.dates import (
    WhenError,
    describe_day,
    describe_skipped,
    describe_when,
    names_a_year,
    next_occurrence,
    read_day,
    read_when,
)
from funnel_tui.domain import MEETING_OUTCOMES, Ask, Outcome, Question
from funnel_tui.money import MAX_CENTS, AmountError, format_money, parse_amount
from funnel_tui.settings import Settings


class AnswerRefused(ValueError):
    """A field that cannot be saved as typed; str() says why in one line."""


@dataclass(frozen=True)
class Answer:
    """A typed field as read: the value to save and the line that reads it back."""

    value: datetime | date | int
    read_back: str
    # Said beside the reading, without refusing it: a follow-up when the prospect is not
    # called (a day off, outside calling hours).
    warning: str = ""
    # The other day an ambiguous `next tue` can mean (`Tue 8 Dec`), to switch to with tab.
    other: str = ""
    # A clock time typed that a clock change skips, moved to the first that exists (`02:30
    # does not exist on 28 March (clocks go forward)`): the read back starts with it, and
    # what shows no read back (`funnel log`) says it as a warning.
    moved: str = ""


@dataclass(frozen=True)
class Reading:
    """What reading a field depends on besides its text."""

    now: datetime
    settings: Settings
    prospect_timezone: str | None = None
    # A customer's win is an expansion deal (PRODUCT section 14).
    customer: bool = False
    # Read an ambiguous `next tue` as next week's Tuesday rather than this week's.
    other_week: bool = False
    # The prospect is lost, their revisit to come: a try books no call (outcome_effects).
    lost: bool = False


# What an empty required field is told, under it.
NEEDED = {
    Ask.WHEN: "say when, e.g. tomorrow 10am or fri 2pm",
    Ask.AMOUNT: "type the amount, e.g. 12000 or 12k",
    Ask.CLOSE_ON: "say the day it should close, e.g. 15/12 or in 3 weeks",
    Ask.REVISIT_ON: "say the day to try again, e.g. 1/3 or in 12 weeks",
}
TYPED_ASKS = tuple(NEEDED)
# The fields that take a day or a time: a note that reads as one was most likely meant
# for the field (a tab typed by reflex moved past it).
DATED_ASKS = (Ask.WHEN, Ask.CLOSE_ON, Ask.REVISIT_ON)


def open_deal_cents(prospect: Mapping[str, Any]) -> int | None:
    """The prospect's open deal value, when it holds one a win can start from (another
    tool may have stored anything there)."""
    deal = prospect["deal_value_cents"]
    return deal if type(deal) is int and 0 < deal <= MAX_CENTS else None


def expected_close_on(prospect: Mapping[str, Any]) -> date | None:
    """The prospect's expected close date, when what is stored reads as one (another tool
    may have stored anything there)."""
    stored = prospect.get("expected_close_on")
    try:
        return date.fromisoformat(stored) if isinstance(stored, str) else None
    except ValueError:
        return None


def open_close_on(prospect: Mapping[str, Any], today: date) -> date | None:
    """The prospect's expected close date, when it is one still to come that a proposal
    can start from."""
    day = expected_close_on(prospect)
    return day if day is not None and day >= today else None


def prefilled(
    outcome: Outcome, ask: Ask, open_deal: int | None, close_on: date | None = None
) -> str:
    """What a field holds before the rep types: a win's amount is the open deal value
    (PRODUCT section 14), and so is a proposal's (the one sent again, or at the value the
    rep already gave), whose close date is the expected one still to come; every other
    field starts empty."""
    proposes = outcome in (Outcome.WON, Outcome.PROPOSAL_SENT)
    if proposes and ask is Ask.AMOUNT and open_deal is not None:
        return format_money(open_deal, "", whole=open_deal % 100 == 0)
    if outcome is Outcome.PROPOSAL_SENT and ask is Ask.CLOSE_ON and close_on is not None:
        return close_on.isoformat()
    return ""


def read_answer(outcome: Outcome, question: Question, text: str, reading: Reading) -> Answer | None:
    """The answer typed for one of the outcome's questions; None for an optional one left
    empty, AnswerRefused for anything that cannot be saved as it is."""
    if not text.strip():
        if question.required:
            raise AnswerRefused(f"needed: {NEEDED[question.ask]}")
        return None
    try:
        return READERS[question.ask](outcome, text, reading)
    except (WhenError, AmountError) as error:
        raise AnswerRefused(str(error)) from None


# Said beside a gatekeeper's time for a lost prospect, which their call does not book.
NOT_BOOKED_WHILE_LOST = "not booked: they are lost, in the queue again only for a revisit"


def _read_when(outcome: Outcome, text: str, reading: Reading) -> Answer:
    answer = read_follow_up(text, reading)
    if outcome is Outcome.GATEKEEPER and reading.lost:
        said = "; ".join(filter(None, (NOT_BOOKED_WHILE_LOST, answer.warning)))
        return replace(answer, warning=said)
    return answer


def read_follow_up(text: str, reading: Reading) -> Answer:
    """A follow-up's moment as typed, read back, with what to say beside it (next year's,
    a day off, outside the prospect's calling hours); WhenError when it does not read."""
    settings = reading.settings
    when = read_when(
        text,
        reading.now,
        day_first=settings.day_first,
        calling_start=settings.calling_start,
        prospect_tz=reading.prospect_timezone,
        other_week=reading.other_week,
    )
    shown = describe_when(when.moment, reading.now, reading.prospect_timezone, skipped=when.skipped)
    warnings = [
        # The day typed, on the clock it was read on: `4/12` for Sydney is their 4th.
        *_typed_day_warnings(when.day, when.today, text, settings),
        outside_calling_hours(when.moment, settings, reading.prospect_timezone),
    ]
    other = "" if when.other is None else f"{when.other:%a} {when.other.day} {when.other:%b}"
    moved = "" if when.skipped is None else describe_skipped(when.skipped)
    warning = "; ".join(filter(None, warnings))
    return Answer(when.moment, shown, warning=warning, other=other, moved=moved)


# A day and month that have passed this year are read as next year's: said when the text
# named no year, since `3/12` typed the day after is more likely a slip than a plan.
_A_YEAR_AWAY_DAYS = 300
# The word, wherever it is (`next year`); a year in the date (`4/12/2027`, `4.12.27`, `30
# dec 27`) is the date reader's (`names_a_year`), which knows `4/12 1430` for a time.
_NAMES_A_YEAR = re.compile(r"year", re.IGNORECASE)
# A length of time from now (`in 14 months`, `+60w`) names no day and month to roll over.
_OFFSET = re.compile(r"\s*(?:in\s|\+)", re.IGNORECASE)


def _typed_day_warnings(day: date, today: date, text: str, settings: Settings) -> list[str | None]:
    """What to say of the day a date was read as, beside it: next year's, or the other
    order's day (a callback's, a close or revisit date's alike)."""
    return [_a_year_away(day, today, text), _read_the_other_way(day, today, text, settings)]


def _a_year_away(day: date, today: date, text: str) -> str | None:
    """Said of a day and month read as a later year's than this one, far enough ahead to
    be a slip, when the text named no year: `3/12` typed on 4 December."""
    if (
        day.year == today.year
        or (day - today).days < _A_YEAR_AWAY_DAYS
        or _OFFSET.match(text)
        or _NAMES_A_YEAR.search(text)
        or names_a_year(text)
    ):
        return None
    if (day.month, day.day) == (2, 29) and not calendar.isleap(today.year):
        # 29 Feb typed in a year without one.
        return f"that is {day.year}, the next year with a {day.day} {day:%b}"
    return f"that is next year: {day.day} {day:%b} has passed this year"


# A day and month in figures, with no year: `12/7`, `7-12`, `12.7`, `12.7.`.
_DAY_AND_MONTH = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:\.(?!\d))?(?![\d/.-])")
# Read in the book's order, a day and month this far ahead is worth a word when the other
# order gives a business day this near: `12/7` typed by a rep who writes the month first.
# `3/1`, the first of March in a book kept month first, is a month from 3 January: no word.
_READ_FAR_DAYS = 60
_OTHER_NEAR_DAYS = 14


def _read_the_other_way(day: date, today: date, text: str, settings: Settings) -> str | None:
    """Said of a day and month in figures read months ahead that the other order reads as
    a business day within two weeks: `12/7` read day first as 12 July, typed on 5
    December for Monday the 7th."""
    found = _DAY_AND_MONTH.findall(text)
    if len(found) != 1 or (day - today).days <= _READ_FAR_DAYS or names_a_year(text):
        return None
    first, second = (int(number) for number in found[0])
    if first == second or max(first, second) > 12:
        return None
    other_day, other_month = (second, first) if settings.day_first else (first, second)
    other = next_occurrence(other_month, other_day, today)
    if (other - today).days > _OTHER_NEAR_DAYS or not is_business_day(other, settings):
        return None
    order, setting = ("day", "no") if settings.day_first else ("month", "yes")
    return (
        f"read {order} first, as {day.day} {day:%b}; for {other:%a} {other.day} {other:%b}"
        f" say {other.day} {other:%b} (or set day_first to {setting})"
    )


def _read_amount(outcome: Outcome, text: str, reading: Reading) -> Answer:
    cents = parse_amount(text, reading.settings.currency)
    if cents <= 0:
        raise AnswerRefused("the amount must be more than zero")
    shown = format_money(cents, reading.settings.currency)
    if outcome is Outcome.WON and reading.customer:
        shown += ", an expansion deal (already a customer)"
    return Answer(cents, shown)


def _read_day(outcome: Outcome, text: str, reading: Reading) -> Answer:
    day = read_day(text, reading.now, day_first=reading.settings.day_first)
    today = reading.now.date()
    warnings = _typed_day_warnings(day, today, text, reading.settings)
    return Answer(day, describe_day(day, today), warning="; ".join(filter(None, warnings)))


def _read_revisit_day(outcome: Outcome, text: str, reading: Reading) -> Answer:
    """A revisit date, said to be a day off when it is one, as a callback's is: the lead
    comes back to the queue that morning."""
    answer = _read_day(outcome, text, reading)
    off = day_off(answer.value, reading.settings)
    return replace(answer, warning="; ".join(filter(None, [answer.warning, off])))


READERS: dict[Ask, Callable[[Outcome, str, Reading], Answer]] = {
    Ask.WHEN: _read_when,
    Ask.AMOUNT: _read_amount,
    Ask.CLOSE_ON: _read_day,
    Ask.REVISIT_ON: _read_revisit_day,
}


def meeting_warning(
    outcome: Outcome,
    *,
    prospect_name: str,
    prospect_timezone: str | None,
    meeting_due: datetime | None,
    meetings_known: bool,
    now: datetime,
) -> str | None:
    """What to say, without refusing the call (the rep may log a meeting booked elsewhere),
    when a meeting held or missed is logged for a prospect with no meeting booked or whose
    soonest open meeting (`meeting_due`) is still to come; None otherwise. With no meeting
    due, `meetings_known` says whether every open task was looked at."""
    if outcome not in MEETING_OUTCOMES:
        return None
    if meeting_due is None:
        return f"no meeting is booked with {prospect_name}" if meetings_known else None
    if meeting_due > now:
        return (
            f"their meeting is {describe_when(meeting_due, now, prospect_timezone)}, still to come"
        )
    return None
