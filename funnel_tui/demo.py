"""The demo database behind `funnel demo`: a month in the life of a rep's book of business.

Everything is drawn from one `random.Random(seed)` and the given `now`, never the clock,
so the same seed and moment build the same file, row for row, but for the book's own
random name (the `book` table), which keeps two demos two books in a team's database
(`funnel migrate-to` knows a book by it). The calls are logged
through the app's own `log_call` (see `demo_replay`), so the book is what the app would
have written: tasks, stages, cadence, deals and undo history alike.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from funnel_tui.cadence import calling_window
from funnel_tui.demo_calendar import DemoCalendar
from funnel_tui.demo_people import FREE_NOTES, PEOPLE
from funnel_tui.demo_replay import Plan, place, replay
from funnel_tui.demo_stories import PACE_SHARE, Storyteller, target_cents
from funnel_tui.demo_timeline import AppointmentAt, Due, Step, Story
from funnel_tui.domain import (
    BUILTIN_METHOD_VALUES,
    CADENCE_OUTCOMES,
    DealKind,
    Kind,
    LostReason,
    Outcome,
    Priority,
    Stage,
)
from funnel_tui.settings import DEMO_BOOK_KEY, Settings, load_settings
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.timestamps import to_stored

if TYPE_CHECKING:
    import sqlite_utils

TARGET_STEP_CENTS = 500_000
CALLS_PER_DAY = 40
INBOUND_METHOD = "inbound"
INBOUND_SOURCES = frozenset({"webinar", "website form"})
PERSON_FIELDS = (
    "name",
    "first_name",
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
PRIORITIES = (Priority.LOW, Priority.NORMAL, Priority.HIGH)
PRIORITY_WEIGHTS = (1, 2, 1)
# People the rep can talk to for less than this on a working day (the other side of the
# world) are only in stories without calls.
SHORTEST_OVERLAP = timedelta(hours=2)
# People whose cadence slots fall outside the rep's day (a London rep's afternoon slot
# for Chicago is 8 pm) who are called all the same, in the stories with fewest attempts.
LOOSE_CALLERS = 4
DEMO_REP_NAME = "Alex Morgan"


@dataclass(frozen=True)
class DemoSummary:
    """How many rows the demo wrote."""

    prospects: int
    calls: int
    deals: int
    targets: int


def _plot(teller: Storyteller, people: int) -> list[Story]:
    """The book of business: a queue with overdue, new and later-today work, a pipeline at
    every stage, and the history behind it."""
    calendar = teller.calendar
    today = calendar.today
    overdue, later, upcoming = Due.OVERDUE, Due.LATER_TODAY, Due.UPCOMING
    stories = [teller.chasing(calendar.shift(today, offset)) for offset in (0, 0, 0, -1, -2, 1)]
    stories += [teller.callback(when) for when in (overdue, overdue, later, later)]
    stories += [
        teller.callback(upcoming, 2),
        teller.meeting_booked(overdue),
        teller.meeting_booked(later),
        teller.meeting_booked(upcoming, 3),
        teller.meeting_and_callback(),
        teller.meeting_held(upcoming, 1),
        teller.meeting_held(overdue),
        teller.no_show(later),
        teller.no_show_rebooked(2),
        teller.proposal_awaiting(),
        teller.proposal_with_finance(),
        teller.proposal_waiting(3),
    ]
    # The first deal of the month is a customer buying more.
    (first_day, first_amount), *deals = teller.won_deals(6)
    stories.append(teller.expansion(first_day, first_amount))
    stories += [teller.won(day, amount) for day, amount in deals]
    callback, meeting = Outcome.CALLBACK, Outcome.MEETING
    stories += [
        teller.customer([teller.book(callback, 1, 3)], AppointmentAt(later)),
        teller.customer(
            [teller.book(callback), teller.book(meeting, 2, 4)], AppointmentAt(upcoming, 3)
        ),
        teller.customer([teller.book(callback, 1, 3)], AppointmentAt(overdue)),
        teller.customer_declined(4),
        teller.customer([], None),
    ]
    stories += [
        teller.lost(2, LostReason.COMPETITOR),
        teller.lost(6, LostReason.NO_NEED),
        teller.lost(11, LostReason.NO_AUTHORITY),
        teller.nurtured(5, LostReason.TIMING),
        teller.nurtured(15, LostReason.BUDGET, revisit_on=today),
    ]
    stories += [teller.unreachable(1), teller.unreachable(3)]
    stories += [teller.wrong_number(8), teller.do_not_call(12)]
    stories += [
        teller.called_today(step)
        for step in (
            Step(Outcome.NO_ANSWER),
            Step(Outcome.VOICEMAIL),
            Step(Outcome.BUSY),
            teller.book(callback, 2, 2),
            teller.book(meeting, 3, 4),
        )
    ]
    never_called = people - len(stories)
    stories += [
        teller.never_called(Kind.KNOWN if index < never_called // 4 else Kind.NEW)
        for index in range(never_called)
    ]
    return stories


def _cast(
    stories: list[Story], calendar: DemoCalendar, settings: Settings, rng: random.Random
) -> list[tuple[Mapping[str, str], Story]]:
    """Pair people with stories: work due today goes to people the rep can reach now, so
    the queue is full at the moment the demo opens; the stories with the most attempts go
    to people whose cadence slots fall in the rep's day; people the rep can hardly
    overlap with get the stories without calls."""
    people = list(PEOPLE)
    rng.shuffle(people)
    narrow = [p for p in people if calendar.overlap(p.get("timezone")) < SHORTEST_OVERLAP]
    steady = [p for p in people if p not in narrow and calendar.keeps_cadence(p.get("timezone"))]
    loose = [p for p in people if p not in narrow and p not in steady]
    reachable_first = sorted(
        steady, key=lambda p: not calling_window(calendar.now, settings, p.get("timezone"))[0]
    )
    due_today = [story for story in stories if story.due_by(calendar.today)]
    calling = [story for story in stories if story.steps and not story.due_by(calendar.today)]
    calling.sort(key=lambda story: -sum(step.outcome in CADENCE_OUTCOMES for step in story.steps))
    quiet = [story for story in stories if not story.steps]
    free = list(people)

    def take(count: int, *preferred: list[Mapping[str, str]]) -> list[Mapping[str, str]]:
        """`count` people not cast yet, from the preferred groups in order, then anyone."""
        picked: list[Mapping[str, str]] = []
        for person in (p for group in (*preferred, people) for p in group):
            if len(picked) < count and person in free:
                free.remove(person)
                picked.append(person)
        return picked

    reachable = take(len(due_today), reachable_first, loose, narrow)
    from_loose = min(LOOSE_CALLERS, len(calling))
    callers = take(len(calling) - from_loose, steady)
    callers += take(len(calling) - len(callers), loose, steady, narrow)
    return [
        *zip(reachable, due_today, strict=True),
        *zip(callers, calling, strict=True),
        *zip(take(len(quiet), narrow), quiet, strict=True),
    ]


def _business_moment(calendar: DemoCalendar, day: date) -> datetime:
    """A moment in the rep's calling hours on `day`, or on the business day before it."""
    while not calendar.is_business_day(day):
        day -= timedelta(days=1)
    moment = calendar.moment_on(day, None)
    assert moment is not None
    return moment


def _created(plan: Plan, calendar: DemoCalendar, rng: random.Random) -> datetime:
    """When the prospect was added: before their first call or their first sale."""
    if plan.story.past_deal is not None:
        closed_on, _ = plan.story.past_deal
        return _business_moment(calendar, closed_on - timedelta(days=rng.randint(10, 90)))
    if plan.first_call is not None:
        first_day = calendar.rep_day(plan.first_call)
        return _business_moment(calendar, first_day - timedelta(days=rng.randint(1, 10)))
    return _business_moment(calendar, rng.choice(calendar.past_days[-15:]))


def _prospect_row(
    person: Mapping[str, str], plan: Plan, created: datetime, method: str, rng: random.Random
) -> dict[str, Any]:
    customer = plan.story.kind is Kind.CUSTOMER
    return {
        **{column: person.get(column) for column in PERSON_FIELDS},
        "kind": plan.story.kind.value,
        "stage": (Stage.WON if customer else Stage.LEAD).value,
        "method": method,
        "priority": rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS)[0],
        "created_at": to_stored(created),
        "updated_at": to_stored(created),
    }


def _insert_prospects(
    db: sqlite_utils.Database,
    cast: list[tuple[Mapping[str, str], Plan]],
    calendar: DemoCalendar,
    rng: random.Random,
) -> None:
    """Insert the prospects in order of creation, so ids grow with `created_at` as they
    would in real use, with the first sale of each customer from before the month."""
    outbound = [method for method in BUILTIN_METHOD_VALUES if method != INBOUND_METHOD]
    rng.shuffle(outbound)
    outbound_methods = itertools.cycle(outbound)
    rows = []
    for person, plan in cast:
        inbound = person.get("source") in INBOUND_SOURCES
        method = INBOUND_METHOD if inbound else next(outbound_methods)
        row = _prospect_row(person, plan, _created(plan, calendar, rng), method, rng)
        rows.append((row, plan))
    rows.sort(key=lambda pair: pair[0]["created_at"])
    for row, plan in rows:
        plan.prospect_id = db["prospects"].insert(row).last_pk
        if plan.story.past_deal is not None:
            closed_on, amount_cents = plan.story.past_deal
            db["deals"].insert(
                {
                    "prospect_id": plan.prospect_id,
                    "amount_cents": amount_cents,
                    "closed_on": closed_on.isoformat(),
                    "kind": DealKind.NEW.value,
                }
            )


def _note_rows(
    db: sqlite_utils.Database, now: datetime, rng: random.Random
) -> list[dict[str, Any]]:
    """A few notes, each jotted shortly after its prospect was added."""
    prospects = list(db.query("SELECT id, created_at FROM prospects ORDER BY id"))
    rows = []
    for body, prospect in zip(FREE_NOTES, rng.sample(prospects, len(FREE_NOTES)), strict=True):
        added = datetime.fromisoformat(prospect["created_at"])
        jotted = min(added + timedelta(minutes=rng.randint(5, 50)), now - timedelta(minutes=1))
        rows.append({"prospect_id": prospect["id"], "created_at": to_stored(jotted), "body": body})
    return rows


def _target(db: sqlite_utils.Database, calendar: DemoCalendar) -> dict[str, Any]:
    (won,) = db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM deals WHERE closed_on BETWEEN ? AND ?",
        [calendar.period_start.isoformat(), calendar.period_end.isoformat()],
    ).fetchone()
    amount = target_cents(calendar.period)
    elapsed = len(calendar.elapsed_period_days)
    if elapsed and won:
        # Never let the period's wins put the rep ahead of PACE_SHARE of the expected pace.
        at_pace = won * len(calendar.period_days) / (elapsed * PACE_SHARE)
        amount = max(amount, math.ceil(at_pace / TARGET_STEP_CENTS) * TARGET_STEP_CENTS)
    return {
        "period": calendar.period,
        "starts_on": calendar.period_start.isoformat(),
        "ends_on": calendar.period_end.isoformat(),
        "amount_cents": amount,
        "calls_per_day": CALLS_PER_DAY,
    }


@contextmanager
def _unsynced(db: sqlite_utils.Database) -> Iterator[None]:
    """Each logged call is its own transaction; a new demo file need not wait for the disk
    after each of them (a crash leaves a demo to build again, not lost work)."""
    (previous,) = db.execute("PRAGMA synchronous").fetchone()
    db.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        db.execute(f"PRAGMA synchronous = {int(previous)}")


def build_demo(db: sqlite_utils.Database, *, now: datetime, seed: int = 2026) -> DemoSummary:
    """Fill an empty database with about 60 prospects, a month of calls before `now` with
    the tasks, deals and notes they left, and a target under way (this month's, or on its
    first days the quarter's); raises ValueError if it already has prospects.

    `now` is the rep's local time and must be timezone-aware; calling hours, business
    days and the cadence come from the database's settings.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("the demo needs a timezone-aware `now`")
    if db["prospects"].count:
        raise ValueError("the demo needs an empty database, and this one has prospects")
    rng = random.Random(seed)
    settings = load_settings(db)
    calendar = DemoCalendar(now, settings, rng)
    stories = _plot(Storyteller(calendar, settings, rng), len(PEOPLE))
    cast = [
        (person, place(story, person.get("timezone"), calendar, settings))
        for person, story in _cast(stories, calendar, settings, rng)
    ]
    with _unsynced(db):
        with write_transaction(db):
            _insert_prospects(db, cast, calendar, rng)
        replay(db, [plan for _, plan in cast], calendar, settings)
        with write_transaction(db):
            db["notes"].insert_all(_note_rows(db, now, rng))
            db["targets"].insert(_target(db, calendar))
            # The scripts greet prospects in the rep's name and talk about the demo's product;
            # the rep works from London, so a number typed without +44 is British.
            db["settings"].insert_all(
                [
                    {"key": "rep_name", "value": DEMO_REP_NAME},
                    {"key": "phone_region", "value": "GB"},
                    {"key": DEMO_BOOK_KEY, "value": "yes"},
                ],
                replace=True,
            )
    return DemoSummary(
        prospects=db["prospects"].count,
        calls=db["calls"].count,
        deals=db["deals"].count,
        targets=db["targets"].count,
    )
