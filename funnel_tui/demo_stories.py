"""The demo's stories: what happened with each prospect over the month, call by call, and
where each story stands when the demo opens.

A story is the outcomes the rep logged, in order, and how it ends in time (an appointment
later today, the cadence's next attempt due tomorrow, a deal won last Tuesday).
`demo_replay` logs the steps through `log_call`, so the tasks, stages and attempts are what
the app itself would have written; `timeline` spaces the calls as the cadence and the
appointments would, which is how the replay knows when a story must begin.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from funnel_tui.demo_calendar import DemoCalendar
from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    Kind,
    LostReason,
    Outcome,
    TaskKind,
)
from funnel_tui.settings import Settings

MONTH_TARGET_CENTS = 6_000_000
DEALS_THIS_MONTH = 2
SMALLEST_DEAL_CENTS = 180_000
DEAL_STEP_CENTS = 10_000
# Won so far this month as a share of what the rep should have won by today: behind
# pace, with a gap the gauge shows as reachable.
PACE_SHARE = 0.5
# Business days of history a won deal needs before it for a short way to the signature.
DAYS_TO_WIN = 4

ATTEMPTS = (Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.GATEKEEPER, Outcome.BUSY)
ATTEMPT_WEIGHTS = (8, 5, 2, 1)
# Share of gatekeepers who name a time to call again.
GATEKEEPER_NAMES_A_TIME = 0.4
# The outcomes that answer a meeting rather than a call or callback task.
MEETING_ANSWERS = (Outcome.MEETING_HELD, Outcome.NO_SHOW)
# The task each booking outcome makes.
BOOKED_TASK = {
    Outcome.CALLBACK: TaskKind.CALLBACK,
    Outcome.MEETING: TaskKind.MEETING,
    Outcome.MEETING_HELD: TaskKind.CALLBACK,
    Outcome.NO_SHOW: TaskKind.CALLBACK,
    Outcome.GATEKEEPER: TaskKind.CALL,
}


class Due(Enum):
    """When a story's last appointment falls, as the queue sees it when the demo opens."""

    OVERDUE = "overdue"
    LATER_TODAY = "later today"
    UPCOMING = "upcoming"


@dataclass(frozen=True)
class Step:
    """One logged call, with what the rep entered in the outcome dialog."""

    outcome: Outcome
    # Business days from this call to the appointment it books (a callback, a meeting, a
    # no-show's new date, a meeting's next step, the time a gatekeeper named).
    book_in: int | None = None
    # A call made without a task that day, this many business days after the previous call.
    unprompted_after: int | None = None
    amount_cents: int | None = None
    close_on: date | None = None
    reason: LostReason | None = None
    revisit_on: date | None = None


@dataclass(frozen=True)
class AppointmentAt:
    """The story's last booked appointment falls `when` (`days_ahead` business days on for
    an upcoming one)."""

    when: Due
    days_ahead: int = 1


@dataclass(frozen=True)
class NextAttemptOn:
    """The cadence's next attempt after the last call is due on `day`."""

    day: date


@dataclass(frozen=True)
class LastCallOn:
    """The story's last call was made on `day`."""

    day: date


Ending = AppointmentAt | NextAttemptOn | LastCallOn


@dataclass(frozen=True)
class Story:
    """A prospect's month: who they were before it, the calls, and how it ends."""

    kind: Kind
    steps: tuple[Step, ...] = ()
    ending: Ending | None = None
    # A customer's first sale, before the month of history: when and for how much.
    past_deal: tuple[date, int] | None = None
    # The value the rep puts on the opportunity once a meeting is booked (the edit form).
    estimate_cents: int | None = None

    def due_by(self, today: date) -> bool:
        """Whether the story leaves work in today's queue: it goes to someone the rep can
        reach now."""
        match self.ending:
            case AppointmentAt(when=when):
                return when is not Due.UPCOMING
            case NextAttemptOn(day=day):
                return day <= today
            case LastCallOn(day=day):
                return day == today
        return False


@dataclass(frozen=True)
class Timeline:
    """Business days from a story's first call: of each call, of its last appointment and
    of the cadence's next attempt after the last call."""

    calls: tuple[int, ...]
    last_booking: int | None
    next_attempt: int | None

    def anchor(self, ending: Ending) -> int:
        """The business days from the first call to the moment `ending` names."""
        match ending:
            case AppointmentAt():
                offset = self.last_booking
            case NextAttemptOn():
                offset = self.next_attempt
            case LastCallOn():
                offset = self.calls[-1]
        if offset is None:
            raise ValueError(f"a story ending {ending} has no such moment")
        return offset


def timeline(steps: tuple[Step, ...], settings: Settings) -> Timeline:
    """Where each call of `steps` falls, counting business days from the first: the call
    that answers a task is made the day it is due, as the outcome effects make the tasks."""
    calls: list[int] = []
    tasks: list[tuple[int, TaskKind]] = []
    attempt = 0
    last_booking = None
    for step in steps:
        if not calls:
            day = 0
        elif step.unprompted_after is not None:
            day = calls[-1] + step.unprompted_after
        else:
            wanted = (
                (TaskKind.MEETING,)
                if step.outcome in MEETING_ANSWERS
                else (TaskKind.CALL, TaskKind.CALLBACK, TaskKind.REVISIT)
            )
            answered = min(task for task in tasks if task[1] in wanted)
            tasks.remove(answered)
            day = answered[0]
        calls.append(day)
        if step.outcome in CADENCE_OUTCOMES or step.outcome in CONNECT_OUTCOMES:
            tasks = [task for task in tasks if task[1] is not TaskKind.CALL]
        if step.outcome in CADENCE_OUTCOMES:
            attempt += 1
            if attempt >= settings.max_attempts:
                tasks = []
            elif step.book_in is not None:
                tasks.append((day + step.book_in, TaskKind.CALL))
            elif step.outcome is Outcome.BUSY:
                tasks.append((day, TaskKind.CALL))
            else:
                spacing = settings.cadence_days[min(attempt, len(settings.cadence_days)) - 1]
                tasks.append((day + spacing, TaskKind.CALL))
            continue
        if step.outcome in CONNECT_OUTCOMES:
            attempt = 0
        if step.book_in is not None:
            tasks.append((day + step.book_in, BOOKED_TASK[step.outcome]))
            last_booking = day + step.book_in
    call_tasks = [day for day, kind in tasks if kind is TaskKind.CALL]
    return Timeline(tuple(calls), last_booking, min(call_tasks, default=None))


def leading_attempt(steps: tuple[Step, ...]) -> bool:
    """Whether the first step is an unanswered attempt the story can start without."""
    return len(steps) > 1 and steps[0].outcome in CADENCE_OUTCOMES and steps[0].book_in is None


class Storyteller:
    """Makes the stories of the demo book, each drawn from one random generator."""

    def __init__(self, calendar: DemoCalendar, settings: Settings, rng: random.Random) -> None:
        self.calendar = calendar
        self.settings = settings
        self.rng = rng

    def deal_size(self) -> int:
        return self.rng.randrange(18, 241) * DEAL_STEP_CENTS

    def prospect_kind(self) -> Kind:
        return Kind.KNOWN if self.rng.random() < 0.3 else Kind.NEW

    def days_ago(self, count: int) -> date:
        return self.calendar.shift(self.calendar.today, -count)

    def book(self, outcome: Outcome, fewest: int = 1, most: int = 2) -> Step:
        return Step(outcome, book_in=self.rng.randint(fewest, most))

    def lead_in(self, fewest: int, most: int, *, plain: bool = False) -> list[Step]:
        """The unanswered attempts before someone picks up; `plain` ones follow the cadence
        with no busy line and no time named by a gatekeeper."""
        steps: list[Step] = []
        for _ in range(self.rng.randint(fewest, most)):
            outcome = self.rng.choices(ATTEMPTS, ATTEMPT_WEIGHTS)[0]
            if outcome is Outcome.BUSY and (plain or (steps and steps[-1].outcome is outcome)):
                outcome = Outcome.NO_ANSWER
            names_a_time = not plain and self.rng.random() < GATEKEEPER_NAMES_A_TIME
            if outcome is Outcome.GATEKEEPER and names_a_time:
                steps.append(self.book(outcome))
            else:
                steps.append(Step(outcome))
        return steps

    def opportunity(self, kind: Kind, steps: list[Step], ending: Ending) -> Story:
        return Story(kind, tuple(steps), ending, estimate_cents=self.deal_size())

    def proposal(self, amount_cents: int, close_on: date) -> Step:
        return Step(Outcome.PROPOSAL_SENT, amount_cents=amount_cents, close_on=close_on)

    def open_close_date(self) -> date:
        return self.calendar.today + timedelta(days=self.rng.randint(10, 45))

    def fits(self, steps: list[Step], ending: Ending) -> bool:
        """Whether the story's first call falls inside the month of history."""
        offset = timeline(tuple(steps), self.settings).anchor(ending)
        anchor = ending.day if isinstance(ending, NextAttemptOn | LastCallOn) else None
        anchor = anchor or self.calendar.today
        return self.calendar.shift(anchor, -offset) >= self.calendar.window_start

    # The stories, from the first dial to the deal.

    def never_called(self, kind: Kind) -> Story:
        return Story(kind)

    def chasing(self, due_on: date) -> Story:
        """Only unanswered attempts so far; the cadence has the next one due on `due_on`."""
        return Story(self.prospect_kind(), tuple(self.lead_in(1, 5)), NextAttemptOn(due_on))

    def callback(self, when: Due, days_ahead: int = 1) -> Story:
        steps = [*self.lead_in(1, 3), self.book(Outcome.CALLBACK, 1, 3)]
        return Story(self.prospect_kind(), tuple(steps), AppointmentAt(when, days_ahead))

    def meeting_booked(self, when: Due, days_ahead: int = 1) -> Story:
        steps = [*self.lead_in(0, 2), self.book(Outcome.CALLBACK), self.book(Outcome.MEETING, 2, 4)]
        return self.opportunity(self.prospect_kind(), steps, AppointmentAt(when, days_ahead))

    def meeting_and_callback(self) -> Story:
        """A meeting booked for later this week and, asked for the day after the booking, a
        callback tomorrow: two open tasks."""
        steps = [
            *self.lead_in(0, 2),
            self.book(Outcome.CALLBACK),
            Step(Outcome.MEETING, book_in=5),
            Step(Outcome.CALLBACK, book_in=2, unprompted_after=1),
        ]
        return self.opportunity(self.prospect_kind(), steps, AppointmentAt(Due.UPCOMING, 1))

    def meeting_held(self, when: Due, days_ahead: int = 1) -> Story:
        """The meeting went well (qualified); the next step is a call."""
        steps = [
            *self.lead_in(0, 2),
            self.book(Outcome.CALLBACK),
            self.book(Outcome.MEETING, 2, 3),
            self.book(Outcome.MEETING_HELD, 2, 3),
        ]
        return self.opportunity(self.prospect_kind(), steps, AppointmentAt(when, days_ahead))

    def no_show(self, when: Due, days_ahead: int = 1) -> Story:
        """They missed the meeting; a call to find a new date is booked."""
        steps = [
            *self.lead_in(0, 2),
            self.book(Outcome.CALLBACK),
            self.book(Outcome.MEETING, 2, 3),
            self.book(Outcome.NO_SHOW),
        ]
        return self.opportunity(self.prospect_kind(), steps, AppointmentAt(when, days_ahead))

    def no_show_rebooked(self, days_ahead: int) -> Story:
        steps = [
            *self.lead_in(0, 2),
            self.book(Outcome.MEETING, 2, 3),
            Step(Outcome.NO_SHOW, book_in=1),
            self.book(Outcome.MEETING, 2, 3),
        ]
        return self.opportunity(
            self.prospect_kind(), steps, AppointmentAt(Due.UPCOMING, days_ahead)
        )

    def proposal_awaiting(self) -> Story:
        """The proposal went out the day after the meeting; the follow-up call is tomorrow."""
        steps = [
            *self.lead_in(0, 2),
            self.book(Outcome.CALLBACK),
            self.book(Outcome.MEETING, 2, 3),
            Step(Outcome.MEETING_HELD, book_in=3),
            Step(
                Outcome.PROPOSAL_SENT,
                unprompted_after=1,
                amount_cents=self.deal_size(),
                close_on=self.open_close_date(),
            ),
        ]
        return Story(self.prospect_kind(), tuple(steps), AppointmentAt(Due.UPCOMING, 1))

    def proposal_with_finance(self) -> Story:
        """A proposal sent, and a second meeting booked to go through it with finance."""
        steps = [
            *self.lead_in(0, 2),
            self.book(Outcome.MEETING, 2, 3),
            Step(Outcome.MEETING_HELD, book_in=2),
            self.proposal(self.deal_size(), self.open_close_date()),
            Step(Outcome.MEETING, book_in=3, unprompted_after=2),
        ]
        return Story(self.prospect_kind(), tuple(steps), AppointmentAt(Due.UPCOMING, 2))

    def proposal_waiting(self, days_ago: int) -> Story:
        """A proposal sent with nothing booked since: the pipeline has it, the queue not."""
        steps = [
            *self.lead_in(0, 2),
            self.book(Outcome.CALLBACK),
            self.book(Outcome.MEETING, 2, 3),
            Step(Outcome.MEETING_HELD, book_in=2),
            self.proposal(self.deal_size(), self.open_close_date()),
        ]
        return Story(self.prospect_kind(), tuple(steps), LastCallOn(self.days_ago(days_ago)))

    def won(self, day: date, amount_cents: int) -> Story:
        """A deal closed on `day`: the longest way to it that fits in the month of history."""
        proposal = self.proposal(amount_cents, day)
        won = Step(Outcome.WON, amount_cents=amount_cents)
        later = Step(
            Outcome.WON, amount_cents=amount_cents, unprompted_after=self.rng.randint(2, 3)
        )
        callback, meeting = self.book(Outcome.CALLBACK), self.book(Outcome.MEETING, 2, 3)
        held = Step(Outcome.MEETING_HELD, book_in=2)
        paths = [
            [callback, meeting, held, proposal, later],
            [meeting, held, proposal, later],
            [callback, meeting, held, won],
        ]
        self.rng.shuffle(paths)
        ending = LastCallOn(day)
        for path in [*paths, [callback, won], [won]]:
            steps = [*self.lead_in(1, 3), *path]
            while not self.fits(steps, ending) and leading_attempt(tuple(steps)):
                steps.pop(0)
            if self.fits(steps, ending):
                return Story(self.prospect_kind(), tuple(steps), ending)
        return Story(self.prospect_kind(), (won,), ending)

    def past_deal(self) -> tuple[date, int]:
        """A customer's first sale, on a business day months before the history."""
        day = self.calendar.today - timedelta(days=self.rng.randint(60, 400))
        while not self.calendar.is_business_day(day):
            day -= timedelta(days=1)
        return day, self.deal_size()

    def expansion(self, day: date, amount_cents: int) -> Story:
        """A customer buys more: a proposal for the upgrade, then the second deal."""
        steps = (
            self.book(Outcome.CALLBACK),
            self.proposal(amount_cents, day),
            Step(Outcome.WON, amount_cents=amount_cents, unprompted_after=2),
        )
        ending = LastCallOn(day)
        if not self.fits(list(steps), ending):
            steps = steps[-1:]
        return Story(Kind.CUSTOMER, steps, ending, past_deal=self.past_deal())

    def customer(self, steps: list[Step], ending: Ending | None) -> Story:
        """A customer from before the month: a renewal or an upsell in hand, or quiet."""
        return Story(Kind.CUSTOMER, tuple(steps), ending, past_deal=self.past_deal())

    def customer_declined(self, days_ago: int) -> Story:
        """A customer who said no to an upsell: still a customer, the call says why."""
        steps = [
            self.book(Outcome.CALLBACK),
            Step(Outcome.NOT_INTERESTED, reason=LostReason.BUDGET),
        ]
        return self.customer(steps, LastCallOn(self.days_ago(days_ago)))

    def lost(self, days_ago: int, reason: LostReason) -> Story:
        """Not interested, for a reason; nothing booked to try again."""
        refusal = Step(Outcome.NOT_INTERESTED, reason=reason)
        paths = [
            [*self.lead_in(1, 4), refusal],
            [*self.lead_in(1, 3), self.book(Outcome.CALLBACK), refusal],
            [
                *self.lead_in(0, 1),
                self.book(Outcome.MEETING, 2, 3),
                Step(Outcome.MEETING_HELD, book_in=2),
                refusal,
            ],
        ]
        steps = self.rng.choice(paths)
        return Story(self.prospect_kind(), tuple(steps), LastCallOn(self.days_ago(days_ago)))

    def nurtured(self, days_ago: int, reason: LostReason, revisit_on: date | None = None) -> Story:
        """Not now: back to marketing with a date to try again (a few months on, or one
        that has come)."""
        day = self.days_ago(days_ago)
        revisit_on = revisit_on or day + timedelta(days=self.rng.randint(60, 120))
        refusal = Step(Outcome.NOT_INTERESTED, reason=reason, revisit_on=revisit_on)
        steps = [*self.lead_in(1, 3), self.book(Outcome.CALLBACK), refusal]
        return Story(self.prospect_kind(), tuple(steps), LastCallOn(day))

    def unreachable(self, days_ago: int) -> Story:
        """Every attempt of the cadence unanswered: lost as unreachable, back to marketing."""
        steps = [
            Step(self.rng.choice((Outcome.NO_ANSWER, Outcome.VOICEMAIL)))
            for _ in range(self.settings.max_attempts)
        ]
        return Story(Kind.NEW, tuple(steps), LastCallOn(self.days_ago(days_ago)))

    def wrong_number(self, days_ago: int) -> Story:
        steps = (Step(Outcome.WRONG_NUMBER),)
        return Story(Kind.NEW, steps, LastCallOn(self.days_ago(days_ago)))

    def do_not_call(self, days_ago: int) -> Story:
        steps = (Step(Outcome.VOICEMAIL), Step(Outcome.DO_NOT_CALL))
        return Story(Kind.NEW, steps, LastCallOn(self.days_ago(days_ago)))

    def called_today(self, last: Step) -> Story:
        """A call logged earlier today (on the last business day when today has no room
        yet): an odd number of plain attempts leaves this morning's slot for it."""
        calendar = self.calendar
        day = calendar.today if calendar.opened_today() else self.days_ago(1)
        count = self.rng.choice((0, 1, 1, 3))
        steps = self.lead_in(count, count, plain=True)
        return self.opportunity(self.prospect_kind(), [*steps, last], LastCallOn(day))

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
        # Days that leave room in the history for a few calls before the deal.
        with_room = calendar.past_days[DAYS_TO_WIN:] or calendar.past_days
        earlier = [day for day in with_room if day < calendar.month_start]
        deals = list(zip(days, amounts[:this_month], strict=True))
        deals += [
            (self.rng.choice(earlier or with_room), self.deal_size())
            for _ in range(count - this_month)
        ]
        return deals
