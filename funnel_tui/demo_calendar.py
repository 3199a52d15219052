"""When the demo's rep can call whom: business days around `now`, and the hours when the rep's
calling day and a prospect's overlap.

A call in the demo falls inside the prospect's calling hours (their time when their zone is
known) and inside the rep's own, so nobody is rung at night on either side of the line.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from datetime import date, datetime, time, timedelta, tzinfo

from funnel_tui.cadence import morning_slot
from funnel_tui.clocks import known_zone
from funnel_tui.periods import business_days, period_bounds
from funnel_tui.settings import Settings

HISTORY_DAYS = 30
# The demo's target is for the first of these periods with this many business days gone.
TARGET_PERIODS = ("month", "quarter", "year")
MIN_ELAPSED_DAYS = 3
# Time left before the hours close: a call or a meeting starts at least this long before.
ROOM = timedelta(minutes=30)
# A call logged "earlier today" ends a little before now; an appointment "later today"
# leaves the rep a moment to reach it.
SAFETY = timedelta(minutes=10)
# How far ahead to look for a moment both sides can talk.
SEARCH_DAYS = 10

Window = tuple[datetime, datetime]


class DemoCalendar:
    """Business days and calling hours around `now`, and moments within them."""

    def __init__(self, now: datetime, settings: Settings, rng: random.Random) -> None:
        self.now = now
        self.zone: tzinfo = now.tzinfo  # type: ignore[assignment]
        self.today = now.date()
        self.settings = settings
        self.rng = rng
        self.window_start = self.today - timedelta(days=HISTORY_DAYS)
        reach = timedelta(days=HISTORY_DAYS * 4)
        self.days = business_days(
            self.today - reach,
            self.today + reach,
            weekdays=settings.business_days,
            holidays=settings.holidays,
        )
        self.past_days = [day for day in self.days if self.window_start <= day < self.today]
        self.period = self._target_period()
        self.period_start, self.period_end = period_bounds(self.period, self.today)
        self.period_days = self._business_days_of(self.period)
        self.elapsed_period_days = [day for day in self.period_days if day < self.today]
        self._windows: dict[tuple[date, str | None], list[Window]] = {}

    def _business_days_of(self, period: str) -> list[date]:
        start, end = period_bounds(period, self.today)
        return [day for day in self.days if start <= day <= end]

    def _target_period(self) -> str:
        """The month, unless fewer than MIN_ELAPSED_DAYS of its business days have passed:
        then the quarter (or the year), so that the demo's target is under way, with wins,
        a pace and a burn-up to show, also on the first days of a month."""
        for period in TARGET_PERIODS:
            elapsed = [day for day in self._business_days_of(period) if day < self.today]
            if len(elapsed) >= MIN_ELAPSED_DAYS:
                return period
        return TARGET_PERIODS[0]

    def shift(self, day: date, count: int) -> date:
        """The business day `count` business days after `day` (before it when negative);
        `day` itself, or the next business day, for 0."""
        if count > 0:
            return self.days[bisect_right(self.days, day) + count - 1]
        if count == 0:
            return self.days[bisect_left(self.days, day)]
        return self.days[bisect_left(self.days, day) + count]

    def rep_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.settings.business_days and day not in self.settings.holidays

    def _hours(self, day: date, zone: tzinfo) -> Window | None:
        if not self.is_business_day(day):
            return None
        start = datetime.combine(day, self.settings.calling_start, tzinfo=zone)
        end = datetime.combine(day, self.settings.calling_end, tzinfo=zone)
        return start, end

    def windows(self, day: date, timezone: str | None) -> list[Window]:
        """When both the rep (on their day `day`) and the prospect are in calling hours."""
        key = (day, timezone)
        if key not in self._windows:
            self._windows[key] = self._overlaps(day, timezone)
        return self._windows[key]

    def _overlaps(self, day: date, timezone: str | None) -> list[Window]:
        rep_hours = self._hours(day, self.zone)
        if rep_hours is None:
            return []
        zone = known_zone(timezone)
        if zone is None:
            return [rep_hours]
        overlaps = []
        for their_day in (day - timedelta(days=1), day, day + timedelta(days=1)):
            their_hours = self._hours(their_day, zone)
            if their_hours is None:
                continue
            start, end = max(rep_hours[0], their_hours[0]), min(rep_hours[1], their_hours[1])
            if end - start > ROOM:
                overlaps.append((start.astimezone(self.zone), end.astimezone(self.zone)))
        return overlaps

    def overlap(self, timezone: str | None) -> timedelta:
        """How long the rep and the prospect can talk on a business day near today."""
        day = self.shift(self.today, 1)
        return sum((end - start for start, end in self.windows(day, timezone)), timedelta())

    def keeps_cadence(self, timezone: str | None) -> bool:
        """Whether the cadence's morning and afternoon slots (their time) fall in the rep's
        own hours, so the rep calls them on the day they are due."""
        day = self.shift(self.today, 1)
        zone = known_zone(timezone) or self.zone
        for slot in (morning_slot(self.settings), self.settings.afternoon_slot):
            due = datetime.combine(day, slot, tzinfo=zone)
            start = self.callable_from(due, timezone)
            if start is None or self.rep_day(start) != self.rep_day(due):
                return False
        return True

    def callable_from(self, moment: datetime, timezone: str | None) -> datetime | None:
        """The first moment at or after `moment` when both sides are in calling hours, with
        room for the call; None when there is none within SEARCH_DAYS."""
        day = self.rep_day(moment)
        for offset in range(SEARCH_DAYS):
            for start, end in self.windows(day + timedelta(days=offset), timezone):
                if moment <= end - ROOM:
                    return max(start, moment)
        return None

    def moment_on(
        self, day: date, timezone: str | None, *, before: datetime | None = None
    ) -> datetime | None:
        """A random moment on the rep's `day` when both sides can talk (and before `before`),
        or None when there is none."""
        spans = [
            (start, min(end - ROOM, before) if before else end - ROOM)
            for start, end in self.windows(day, timezone)
        ]
        spans = [(start, latest) for start, latest in spans if latest > start]
        if not spans:
            return None
        start, latest = self.rng.choice(spans)
        seconds = int((latest - start).total_seconds())
        return start + timedelta(seconds=self.rng.randrange(max(seconds, 1)))

    def slots(self, day: date, timezone: str | None) -> list[datetime]:
        """Half-hour appointment times on the rep's `day` that suit both sides."""
        found = []
        for start, end in self.windows(day, timezone):
            first = start.replace(minute=0 if start.minute == 0 else 30, second=0, microsecond=0)
            if first < start:
                first += timedelta(minutes=30)
            while first + ROOM <= end:
                found.append(first)
                first += timedelta(minutes=30)
        return found

    def slot_from(self, day: date, timezone: str | None) -> datetime | None:
        """An appointment time on `day`, or on the first business day after it that has one."""
        for offset in range(SEARCH_DAYS):
            if candidates := self.slots(self.shift(day, offset), timezone):
                return self.rng.choice(candidates)
        return None

    def opened_today(self) -> bool:
        """Whether the rep has had time for a call today before now."""
        return any(start + ROOM + SAFETY <= self.now for start, _ in self.windows(self.today, None))

    def at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone)
