"""The demo database behind `funnel demo`: a month in the life of a rep's book of business.

Everything is drawn from one `random.Random(seed)` and the given `now`, never the clock,
so the same seed and moment build the same file, row for row.
"""

from __future__ import annotations

import itertools
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any

import sqlite_utils

from funnel_tui.cadence import calling_window, next_attempt
from funnel_tui.demo_people import CALL_NOTES, FREE_NOTES, PEOPLE
from funnel_tui.domain import (
    BUILTIN_METHOD_VALUES,
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    Kind,
    Outcome,
    Priority,
    Stage,
)
from funnel_tui.periods import business_days, period_bounds
from funnel_tui.settings import Settings, load_settings
from funnel_tui.storage import write_transaction
from funnel_tui.timestamps import to_stored

HISTORY_DAYS = 30
MONTH_TARGET_CENTS = 6_000_000
TARGET_STEP_CENTS = 500_000
CALLS_PER_DAY = 40
DEALS_THIS_MONTH = 2
SMALLEST_DEAL_CENTS = 180_000
DEAL_STEP_CENTS = 10_000
# Won so far this month as a share of what the rep should have won by today: behind
# pace, with a gap the gauge shows as reachable.
PACE_SHARE = 0.5
INBOUND_METHOD = "inbound"
INBOUND_SOURCES = frozenset({"webinar", "website form"})
PERSON_FIELDS = (
    "name",
    "title",
    "company",
    "phone",
    "email",
    "timezone",
    "source",
    "needs",
    "pain_points",
    "objections",
    "goals",
)
SLOT = timedelta(minutes=30)
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.HIGH)
PRIORITY_WEIGHTS = (1, 2, 1)
# A call logged "earlier today" ends a little before now; a follow-up "later today" leaves
# the rep a moment to reach it.
SAFETY = timedelta(minutes=10)

LEAD_IN_OUTCOMES = (Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.GATEKEEPER, Outcome.BUSY)
LEAD_IN_WEIGHTS = (8, 5, 2, 1)
CHASING_OUTCOMES = (Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.GATEKEEPER)
WON_PATHS = (
    (Outcome.CALLBACK, Outcome.MEETING, Outcome.WON),
    (Outcome.MEETING, Outcome.WON),
    (Outcome.CALLBACK, Outcome.WON),
    (Outcome.MEETING, Outcome.MEETING, Outcome.WON),
)
LOST_PATHS = (
    (Outcome.NOT_INTERESTED,),
    (Outcome.CALLBACK, Outcome.NOT_INTERESTED),
    (Outcome.MEETING, Outcome.NOT_INTERESTED),
)

DURATION_S: dict[Outcome, tuple[int, int]] = {
    Outcome.NO_ANSWER: (20, 40),
    Outcome.VOICEMAIL: (35, 80),
    Outcome.BUSY: (5, 15),
    Outcome.GATEKEEPER: (40, 150),
    Outcome.CALLBACK: (120, 360),
    Outcome.MEETING: (300, 900),
    Outcome.WON: (420, 900),
    Outcome.NOT_INTERESTED: (120, 300),
    Outcome.WRONG_NUMBER: (15, 45),
    Outcome.DO_NOT_CALL: (30, 90),
}
# Share of calls that reached nobody on which the rep still jots a note.
UNCONNECTED_NOTE_SHARE = 0.3
ALWAYS_NOTED = CONNECT_OUTCOMES | {Outcome.WRONG_NUMBER, Outcome.DO_NOT_CALL}


@dataclass(frozen=True)
class DemoSummary:
    """How many rows the demo wrote."""

    prospects: int
    calls: int
    deals: int
    targets: int


class _Due(Enum):
    """When a follow-up falls, as the queue sees it at `now`."""

    OVERDUE = "overdue"
    LATER_TODAY = "later today"
    UPCOMING = "upcoming"


@dataclass
class _Call:
    started: datetime
    outcome: Outcome
    follow_up: datetime | None = None
    amount_cents: int | None = None


@dataclass
class _Story:
    """One prospect's month: who they are to the rep now and the calls that got them there."""

    kind: Kind
    stage: Stage
    calls: list[_Call] = field(default_factory=list)
    # An agreed follow-up; after a missed call the cadence sets it (see _next_call).
    next_call: datetime | None = None
    deal_value_cents: int | None = None
    do_not_call: bool = False
    wrong_number: bool = False


class _Calendar:
    """Business days and calling hours around `now`, and random moments within them."""

    def __init__(self, now: datetime, settings: Settings, rng: random.Random) -> None:
        self.now = now
        self.today = now.date()
        self.rng = rng
        self.opening = settings.calling_start
        self.closing = settings.calling_end
        self.window_start = self.today - timedelta(days=HISTORY_DAYS)
        reach = timedelta(days=HISTORY_DAYS * 3)
        self.days = business_days(
            self.today - reach,
            self.today + reach,
            weekdays=settings.business_days,
            holidays=settings.holidays,
        )
        self.past_days = [day for day in self.days if self.window_start <= day < self.today]
        self.month_start, self.month_end = period_bounds("month", self.today)
        self.month_days = [day for day in self.days if self.month_start <= day <= self.month_end]
        self.elapsed_month_days = [day for day in self.month_days if day < self.today]

    def shift(self, day: date, count: int) -> date:
        """The business day `count` business days after `day` (before it when negative)."""
        if count > 0:
            return self.days[bisect_right(self.days, day) + count - 1]
        return self.days[bisect_left(self.days, day) + count]

    def at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.now.tzinfo)

    def between(self, start: datetime, end: datetime) -> datetime:
        seconds = int((end - start).total_seconds())
        return start + timedelta(seconds=self.rng.randrange(max(seconds, 1)))

    def during(self, day: date) -> datetime:
        """A moment in calling hours on `day`, early enough to finish the call before closing."""
        return self.between(self.at(day, self.opening), self.at(day, self.closing) - SLOT)

    def earlier_today(self) -> datetime | None:
        """A moment today before now, or None when the calling day has barely begun."""
        if self.today not in self.days:
            return None
        start = self.at(self.today, self.opening)
        end = min(self.now, self.at(self.today, self.closing)) - SAFETY
        return self.between(start, end) if end - start >= SLOT else None

    def slots(self, day: date) -> list[datetime]:
        """Half-hour appointment times in calling hours on a business day."""
        if day not in self.days:
            return []
        first, last = self.at(day, self.opening), self.at(day, self.closing) - SLOT
        return [first + SLOT * step for step in range(int((last - first) / SLOT) + 1)]

    def due(self, when: _Due) -> datetime:
        """A follow-up time agreed with the prospect, on the half hour; one on a coming day
        when today has no slot left."""
        candidates: list[datetime] = []
        if when is _Due.OVERDUE:
            days = [*self.past_days[-2:], self.today]
            candidates = [slot for day in days for slot in self.slots(day) if slot < self.now]
        elif when is _Due.LATER_TODAY:
            candidates = [slot for slot in self.slots(self.today) if slot >= self.now + SAFETY]
        return self.rng.choice(
            candidates or self.slots(self.shift(self.today, self.rng.randint(1, 5)))
        )


class _Storyteller:
    """Writes each prospect's story: the calls, and the state those calls leave behind."""

    def __init__(self, calendar: _Calendar, settings: Settings, rng: random.Random) -> None:
        self.calendar = calendar
        self.rng = rng
        self.busy_retry = timedelta(minutes=settings.busy_retry_minutes)

    def deal_size(self) -> int:
        return self.rng.randrange(18, 241) * DEAL_STEP_CENTS

    def lead_in(self, fewest: int, most: int) -> list[Outcome]:
        """The unanswered attempts before someone picks up."""
        count = self.rng.randint(fewest, most)
        return self.rng.choices(LEAD_IN_OUTCOMES, LEAD_IN_WEIGHTS, k=count)

    def prospect_kind(self) -> Kind:
        return Kind.KNOWN if self.rng.random() < 0.3 else Kind.NEW

    def history(self, outcomes: Sequence[Outcome], last_at: datetime) -> list[_Call]:
        """Calls ending with the last outcome at `last_at`, earlier ones placed back in time.

        A callback or meeting sets the follow-up the next call then kept; a busy line is
        retried the same day. Calls that would fall before the history window are left out.
        """
        calls = [_Call(last_at, outcomes[-1])]
        for outcome in reversed(outcomes[:-1]):
            later = calls[0].started
            if outcome is Outcome.BUSY:
                retried = later - self.busy_retry - timedelta(minutes=self.rng.randint(0, 20))
                if retried.date() == later.date() and retried.time() >= self.calendar.opening:
                    calls.insert(0, _Call(retried, outcome))
                    continue
                outcome = Outcome.NO_ANSWER
            agreed = outcome in (Outcome.CALLBACK, Outcome.MEETING)
            day = self.calendar.shift(later.date(), -self.rng.randint(1, 4 if agreed else 2))
            if day < self.calendar.window_start:
                break
            follow_up = later.replace(minute=later.minute // 30 * 30, second=0) if agreed else None
            calls.insert(0, _Call(self.calendar.during(day), outcome, follow_up))
        return calls

    def never_called(self, kind: Kind) -> _Story:
        return _Story(kind, Stage.LEAD)

    def chasing(self, business_days_ago: int) -> _Story:
        """Only missed calls so far, the last one `business_days_ago`; the cadence has the
        next attempt due at a later opening of calling hours."""
        last_at = self.calendar.during(self.calendar.shift(self.calendar.today, -business_days_ago))
        outcomes = [*self.lead_in(0, 3), self.rng.choice(CHASING_OUTCOMES)]
        kind = self.prospect_kind()
        stage = Stage.CONTACTED if kind is Kind.KNOWN else Stage.LEAD
        return _Story(kind, stage, self.history(outcomes, last_at))

    def _follow_up(self, when: _Due, outcomes: Sequence[Outcome]) -> tuple[list[_Call], datetime]:
        """Calls ending with an agreed follow-up due `when`, the last one on a past day."""
        due = self.calendar.due(when)
        last_day = self.calendar.shift(
            min(due.date(), self.calendar.today), -self.rng.randint(1, 4)
        )
        calls = self.history(outcomes, self.calendar.during(last_day))
        calls[-1].follow_up = due
        return calls, due

    def callback(self, when: _Due) -> _Story:
        calls, due = self._follow_up(when, [*self.lead_in(1, 4), Outcome.CALLBACK])
        return _Story(self.prospect_kind(), Stage.CONTACTED, calls, next_call=due)

    def meeting(self, when: _Due, meetings: int) -> _Story:
        """A meeting booked; after a second one the rep has moved the deal to proposal."""
        outcomes = [*self.lead_in(1, 3), Outcome.CALLBACK, *[Outcome.MEETING] * meetings]
        calls, due = self._follow_up(when, outcomes)
        stage = Stage.PROPOSAL if meetings > 1 else Stage.QUALIFIED
        return _Story(self.prospect_kind(), stage, calls, due, deal_value_cents=self.deal_size())

    def customer(self, when: _Due | None, outcomes: Sequence[Outcome] = ()) -> _Story:
        """A customer from before this month, perhaps with a renewal or upsell in hand."""
        story = _Story(Kind.CUSTOMER, Stage.WON, deal_value_cents=self.deal_size())
        if when is not None:
            story.calls, story.next_call = self._follow_up(when, outcomes)
        return story

    def called_today(self, outcome: Outcome) -> _Story:
        """A call logged earlier today (the previous business day when today has no room)."""
        calendar = self.calendar
        last_at = calendar.earlier_today() or calendar.during(calendar.past_days[-1])
        calls = self.history([*self.lead_in(0, 3), outcome], last_at)
        kind = self.prospect_kind()
        story = _Story(kind, Stage.CONTACTED if kind is Kind.KNOWN else Stage.LEAD, calls)
        if outcome in (Outcome.CALLBACK, Outcome.MEETING):
            story.next_call = calls[-1].follow_up = calendar.due(_Due.UPCOMING)
            story.stage = Stage.QUALIFIED if outcome is Outcome.MEETING else Stage.CONTACTED
            if outcome is Outcome.MEETING:
                story.deal_value_cents = self.deal_size()
        return story

    def won(self, day: date, amount_cents: int) -> _Story:
        path = [*self.lead_in(1, 3), *self.rng.choice(WON_PATHS)]
        calls = self.history(path, self.calendar.during(day))
        calls[-1].amount_cents = amount_cents
        return _Story(Kind.CUSTOMER, Stage.WON, calls, deal_value_cents=amount_cents)

    def won_deals(self, count: int) -> list[tuple[date, int]]:
        """When the won deals closed and for how much: a couple this month, sized to leave
        the rep behind pace, and the rest before the month began."""
        calendar = self.calendar
        elapsed = calendar.elapsed_month_days
        budget = MONTH_TARGET_CENTS * PACE_SHARE * len(elapsed) / max(len(calendar.month_days), 1)
        this_month = min(len(elapsed), DEALS_THIS_MONTH if budget >= 2 * SMALLEST_DEAL_CENTS else 1)
        share = self.rng.uniform(0.35, 0.65)
        shares = (share, 1 - share) if this_month == DEALS_THIS_MONTH else (1.0,)
        amounts = [
            max(SMALLEST_DEAL_CENTS, int(budget * part) // DEAL_STEP_CENTS * DEAL_STEP_CENTS)
            for part in shares
        ]
        days = sorted(self.rng.sample(elapsed, this_month))
        earlier = [day for day in calendar.past_days if day < calendar.month_start]
        deals = list(zip(days, amounts[:this_month], strict=True))
        deals += [
            (self.rng.choice(earlier or calendar.past_days), self.deal_size())
            for _ in range(count - this_month)
        ]
        return deals

    def lost(self) -> _Story:
        path = [*self.lead_in(1, 4), *self.rng.choice(LOST_PATHS)]
        calls = self.history(path, self.calendar.during(self.rng.choice(self.calendar.past_days)))
        return _Story(self.prospect_kind(), Stage.LOST, calls)

    def wrong_number(self) -> _Story:
        moment = self.calendar.during(self.rng.choice(self.calendar.past_days))
        return _Story(
            Kind.NEW, Stage.LEAD, [_Call(moment, Outcome.WRONG_NUMBER)], wrong_number=True
        )

    def do_not_call(self) -> _Story:
        moment = self.calendar.during(self.rng.choice(self.calendar.past_days))
        calls = self.history([Outcome.VOICEMAIL, Outcome.DO_NOT_CALL], moment)
        return _Story(Kind.NEW, Stage.LEAD, calls, do_not_call=True)


def _plot(teller: _Storyteller, people: int) -> list[_Story]:
    """The book of business: a queue with overdue, new and later-today work, plus history."""
    overdue, later, upcoming = _Due.OVERDUE, _Due.LATER_TODAY, _Due.UPCOMING
    stories = [teller.chasing(days_ago) for days_ago in (1, 1, 1, 2, 2, 3, 3, 4)]
    stories += [teller.callback(when) for when in (overdue,) * 2 + (later,) * 2 + (upcoming,) * 3]
    stories += [
        teller.meeting(overdue, 1),
        teller.meeting(later, 1),
        teller.meeting(upcoming, 1),
        teller.meeting(upcoming, 2),
        teller.meeting(upcoming, 2),
    ]
    stories += [
        teller.called_today(outcome)
        for outcome in (
            Outcome.NO_ANSWER,
            Outcome.VOICEMAIL,
            Outcome.BUSY,
            Outcome.CALLBACK,
            Outcome.MEETING,
        )
    ]
    stories += [teller.won(day, amount) for day, amount in teller.won_deals(7)]
    stories += [teller.lost() for _ in range(6)]
    stories += [teller.wrong_number(), teller.do_not_call()]
    stories += [
        teller.customer(later, (Outcome.CALLBACK,)),
        teller.customer(upcoming, (Outcome.CALLBACK, Outcome.MEETING)),
        teller.customer(overdue, (Outcome.CALLBACK,)),
        teller.customer(None),
        teller.customer(None),
    ]
    never_called = people - len(stories)
    stories += [
        teller.never_called(Kind.KNOWN if index < never_called // 4 else Kind.NEW)
        for index in range(never_called)
    ]
    return stories


def _next_call(story: _Story, timezone: str | None, settings: Settings) -> datetime | None:
    """The agreed follow-up, or the cadence's next attempt after a missed last call."""
    if story.calls and story.calls[-1].outcome in CADENCE_OUTCOMES:
        last = story.calls[-1]
        return next_attempt(last.outcome, last.started, settings, timezone)
    return story.next_call


def _cast(
    stories: list[_Story], calendar: _Calendar, settings: Settings, rng: random.Random
) -> list[tuple[Mapping[str, str], _Story]]:
    """Pair people with stories; follow-ups due today go to people the rep can reach now,
    so the queue is full at the moment the demo opens."""
    people = list(PEOPLE)
    rng.shuffle(people)
    people.sort(
        key=lambda person: not calling_window(calendar.now, settings, person.get("timezone"))[0]
    )
    due_today, the_rest = [], []
    for story in stories:
        next_call = _next_call(story, None, settings)
        in_queue = next_call is not None and next_call.date() <= calendar.today
        (due_today if in_queue else the_rest).append(story)
    reachable, leftover = people[: len(due_today)], people[len(due_today) :]
    rng.shuffle(leftover)
    return [*zip(reachable, due_today, strict=True), *zip(leftover, the_rest, strict=True)]


def _prospect_rows(
    cast: list[tuple[Mapping[str, str], _Story]],
    calendar: _Calendar,
    settings: Settings,
    rng: random.Random,
) -> list[tuple[dict[str, Any], _Story]]:
    """Each person's row in `prospects` as their story leaves it, with the story."""
    outbound = [method for method in BUILTIN_METHOD_VALUES if method != INBOUND_METHOD]
    rng.shuffle(outbound)
    outbound_methods = itertools.cycle(outbound)
    rows = []
    for person, story in cast:
        if story.kind is Kind.CUSTOMER and not any(call.amount_cents for call in story.calls):
            created = calendar.during(calendar.today - timedelta(days=rng.randint(90, 400)))
        elif story.calls:
            created = calendar.during(
                calendar.shift(story.calls[0].started.date(), -rng.randint(1, 8))
            )
        else:
            created = calendar.during(rng.choice(calendar.past_days[-15:]))
        inbound = person.get("source") in INBOUND_SOURCES
        next_call = _next_call(story, person.get("timezone"), settings)
        row = (
            {
                **{column: person.get(column) for column in PERSON_FIELDS},
                "kind": story.kind.value,
                "stage": story.stage.value,
                "method": INBOUND_METHOD if inbound else next(outbound_methods),
                "priority": rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS)[0],
                "deal_value_cents": story.deal_value_cents,
                "next_call_at": to_stored(next_call) if next_call else None,
                "do_not_call": int(story.do_not_call),
                "wrong_number": int(story.wrong_number),
                "created_at": to_stored(created),
                "updated_at": to_stored(created),
            },
            story,
        )
        rows.append(row)
    return rows


def _call_row(call: _Call, prospect_id: int, method: str, rng: random.Random) -> dict[str, Any]:
    noted = call.outcome in ALWAYS_NOTED or rng.random() < UNCONNECTED_NOTE_SHARE
    return {
        "prospect_id": prospect_id,
        "started_at": to_stored(call.started),
        "duration_s": rng.randint(*DURATION_S[call.outcome]),
        "outcome": call.outcome.value,
        "method": method,
        "notes": rng.choice(CALL_NOTES[call.outcome]) if noted else None,
        "follow_up_at": to_stored(call.follow_up) if call.follow_up else None,
    }


def _month_target(calendar: _Calendar, deals: list[dict[str, Any]]) -> dict[str, Any]:
    won = sum(
        deal["amount_cents"]
        for deal in deals
        if calendar.month_start <= date.fromisoformat(deal["closed_on"]) <= calendar.month_end
    )
    amount = MONTH_TARGET_CENTS
    elapsed = len(calendar.elapsed_month_days)
    if elapsed and won:
        # Never let the month's wins put the rep ahead of PACE_SHARE of the expected pace.
        at_pace = won * len(calendar.month_days) / (elapsed * PACE_SHARE)
        amount = max(amount, math.ceil(at_pace / TARGET_STEP_CENTS) * TARGET_STEP_CENTS)
    return {
        "period": "month",
        "starts_on": calendar.month_start.isoformat(),
        "ends_on": calendar.month_end.isoformat(),
        "amount_cents": amount,
        "calls_per_day": CALLS_PER_DAY,
    }


def _insert_prospects(
    db: sqlite_utils.Database, rows: list[tuple[dict[str, Any], _Story]]
) -> list[tuple[int, dict[str, Any], _Story]]:
    """Insert in order of creation, so ids grow with `created_at` as they would in real use."""
    ordered = sorted(rows, key=lambda pair: pair[0]["created_at"])
    return [(db["prospects"].insert(row).last_pk, row, story) for row, story in ordered]


def _insert_calls(
    db: sqlite_utils.Database,
    prospects: list[tuple[int, dict[str, Any], _Story]],
    rng: random.Random,
) -> list[dict[str, Any]]:
    """Insert every call in time order, so the insert triggers keep each prospect's last
    call, outcome and attempt count right; returns the deals the won calls closed."""
    planned = [
        (call, prospect_id, row["method"])
        for prospect_id, row, story in prospects
        for call in story.calls
    ]
    planned.sort(key=lambda item: (item[0].started, item[1]))
    deals = []
    last_call_at: dict[int, str] = {}
    for call, prospect_id, method in planned:
        row = _call_row(call, prospect_id, method, rng)
        call_id = db["calls"].insert(row).last_pk
        last_call_at[prospect_id] = row["started_at"]
        if call.amount_cents:
            deals.append(
                {
                    "prospect_id": prospect_id,
                    "call_id": call_id,
                    "amount_cents": call.amount_cents,
                    "closed_on": call.started.date().isoformat(),
                }
            )
    for prospect_id, started_at in last_call_at.items():
        # The triggers' update stamped updated_at from the clock; the demo's clock is `now`.
        db.execute("UPDATE prospects SET updated_at = ? WHERE id = ?", [started_at, prospect_id])
    return deals


def _note_rows(
    prospects: list[tuple[int, dict[str, Any], _Story]], now: datetime, rng: random.Random
) -> list[dict[str, Any]]:
    """A few notes, each jotted shortly after its prospect was added."""
    rows = []
    chosen = rng.sample(prospects, len(FREE_NOTES))
    for body, (prospect_id, prospect, _) in zip(FREE_NOTES, chosen, strict=True):
        added = datetime.fromisoformat(prospect["created_at"])
        jotted = min(added + timedelta(minutes=rng.randint(5, 50)), now - timedelta(minutes=1))
        rows.append({"prospect_id": prospect_id, "created_at": to_stored(jotted), "body": body})
    return rows


DEMO_REP_NAME = "Alex Morgan"


def build_demo(db: sqlite_utils.Database, *, now: datetime, seed: int = 2026) -> DemoSummary:
    """Fill an empty database with about 60 prospects, a month of calls before `now`, their
    deals and notes, and this month's target; raises ValueError if it already has prospects.

    `now` is the rep's local time and must be timezone-aware; calling hours and business
    days come from the database's settings.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("the demo needs a timezone-aware `now`")
    rng = random.Random(seed)
    with write_transaction(db):
        if db["prospects"].count:
            raise ValueError("the demo needs an empty database, and this one has prospects")
        settings = load_settings(db)
        calendar = _Calendar(now, settings, rng)
        stories = _plot(_Storyteller(calendar, settings, rng), len(PEOPLE))
        cast = _cast(stories, calendar, settings, rng)
        prospects = _insert_prospects(db, _prospect_rows(cast, calendar, settings, rng))
        deals = _insert_calls(db, prospects, rng)
        db["deals"].insert_all(deals)
        db["notes"].insert_all(_note_rows(prospects, now, rng))
        db["targets"].insert(_month_target(calendar, deals))
        # The scripts greet prospects in the rep's name.
        db["settings"].insert({"key": "rep_name", "value": DEMO_REP_NAME}, replace=True)
    return DemoSummary(
        prospects=len(prospects),
        calls=db["calls"].count,
        deals=len(deals),
        targets=db["targets"].count,
    )
