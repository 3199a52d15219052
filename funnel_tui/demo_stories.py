"""The demo's stories: what happened with each prospect over the month, call by call, and
where each story stands when the demo opens (an appointment later today, the cadence's
next attempt due tomorrow, a deal won last Tuesday).

`demo_replay` logs the steps through `log_call`, so the tasks, stages and attempts are what
the app itself would have written.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from funnel_tui.demo_calendar import DemoCalendar
from funnel_tui.demo_timeline import (
    AppointmentAt,
    Due,
    Ending,
    LastCallOn,
    NextAttemptOn,
    Step,
    Story,
    leading_attempt,
    timeline,
)
from funnel_tui.domain import Kind, LostReason, Outcome
from funnel_tui.settings import Settings

MONTH_TARGET_CENTS = 6_000_000
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
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


def target_cents(period: str) -> int:
    """The demo's target for a period: MONTH_TARGET_CENTS a month."""
    return MONTH_TARGET_CENTS * MONTHS_IN[period]


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
        """When the won deals closed and for how much: a couple in the target's period (in
        the month of history), sized to leave the rep behind pace, and the rest before the
        period began, or before the history when the period began before it."""
        calendar = self.calendar
        elapsed = calendar.elapsed_period_days
        budget = (
            target_cents(calendar.period)
            * PACE_SHARE
            * len(elapsed)
            / max(len(calendar.period_days), 1)
        )
        elapsed = [day for day in elapsed if day in calendar.past_days] or elapsed
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
        earlier = [day for day in with_room if day < calendar.period_start]
        deals = list(zip(days, amounts[:this_month], strict=True))
        deals += [
            (self.rng.choice(earlier or with_room), self.deal_size())
            for _ in range(count - this_month)
        ]
        return deals
