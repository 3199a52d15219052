"""The call cadence: when to try an unanswered prospect again, and when they may be called."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, rrule, rruleset

from funnel_tui.dates import known_zone
from funnel_tui.domain import CADENCE_OUTCOMES, Outcome
from funnel_tui.settings import Settings


def next_attempt(
    outcome: Outcome, now: datetime, settings: Settings, prospect_tz: str | None = None
) -> datetime | None:
    """When to call again after an unanswered call; None for outcomes the cadence leaves alone."""
    if outcome not in CADENCE_OUTCOMES:
        return None
    if outcome is Outcome.BUSY:
        # Elapsed time, counted in UTC so that a DST change does not stretch the wait.
        retry = now.astimezone(UTC) + relativedelta(minutes=settings.busy_retry_minutes)
        return retry.astimezone(now.tzinfo).replace(second=0, microsecond=0)
    zone = known_zone(prospect_tz) or now.tzinfo
    local_now = now.astimezone(zone)
    # Strictly after today's opening, so the earliest candidate is tomorrow's.
    todays_opening = datetime.combine(local_now.date(), settings.calling_start)
    return _next_opening(todays_opening, settings, zone).astimezone(now.tzinfo)


def attempts_exhausted(attempts: int, settings: Settings) -> bool:
    """True once the unanswered attempts reach the limit: the prospect then leaves the queue."""
    return attempts >= settings.max_attempts


def calling_window(
    now: datetime, settings: Settings, prospect_tz: str | None
) -> tuple[bool, datetime | None]:
    """Whether the prospect may be called now, and if not, when their calling hours next open.

    Without a known timezone the rep's own hours apply, so the prospect is always callable.
    """
    zone = known_zone(prospect_tz)
    if zone is None:
        return True, None
    local_now = now.astimezone(zone)
    if (
        _is_business_day(local_now, settings)
        and settings.calling_start <= local_now.time() < settings.calling_end
    ):
        return True, None
    opening = _next_opening(local_now.replace(tzinfo=None), settings, zone)
    return False, opening.astimezone(now.tzinfo)


def _is_business_day(moment: datetime, settings: Settings) -> bool:
    return moment.weekday() in settings.business_days and moment.date() not in settings.holidays


def _next_opening(after: datetime, settings: Settings, zone: tzinfo) -> datetime:
    """The first business day's calling start strictly after the naive local time `after`."""
    openings = rruleset()
    openings.rrule(
        rrule(
            DAILY,
            dtstart=datetime.combine(after.date(), settings.calling_start),
            byweekday=settings.business_days,
        )
    )
    for holiday in settings.holidays:
        openings.exdate(datetime.combine(holiday, settings.calling_start))
    return openings.after(after).replace(tzinfo=zone)


def morning_slot(settings: Settings) -> time:
    """Half an hour after calling hours open (the opening itself when hours are short)."""
    opening = datetime.combine(date.min, settings.calling_start)
    slot = (opening + relativedelta(minutes=30)).time()
    return slot if slot < settings.calling_end else settings.calling_start


def _zone(now: datetime, prospect_tz: str | None) -> tzinfo:
    return known_zone(prospect_tz) or now.tzinfo  # type: ignore[return-value]


def _business_days_after(day: date, count: int, settings: Settings) -> date:
    days = rrule(DAILY, dtstart=datetime.combine(day, time()), byweekday=settings.business_days)
    business = (d.date() for d in days if d.date() > day and d.date() not in settings.holidays)
    for _ in range(count - 1):
        next(business)
    return next(business)


def _at(day: date, slot: time, zone: tzinfo, now: datetime) -> datetime:
    return datetime.combine(day, slot, tzinfo=zone).astimezone(now.tzinfo)


def next_call_due(
    attempt: int, now: datetime, settings: Settings, prospect_tz: str | None
) -> datetime:
    """The call task after the `attempt`-th unanswered attempt since the last connect:
    that many business days later (cadence_days), odd attempts at the morning slot and
    even ones in the afternoon, in the prospect's time (else the rep's)."""
    zone = _zone(now, prospect_tz)
    spacing = settings.cadence_days[min(attempt, len(settings.cadence_days)) - 1]
    day = _business_days_after(now.astimezone(zone).date(), spacing, settings)
    slot = morning_slot(settings) if attempt % 2 else settings.afternoon_slot
    return _at(day, slot, zone, now)


def busy_retry_due(now: datetime, settings: Settings, prospect_tz: str | None) -> datetime:
    """After a busy signal: busy_retry_minutes later while their calling hours last, else
    the next business day's morning slot."""
    zone = _zone(now, prospect_tz)
    retry = (now.astimezone(UTC) + relativedelta(minutes=settings.busy_retry_minutes)).astimezone(
        zone
    )
    if _is_business_day(retry, settings) and (
        settings.calling_start <= retry.time() < settings.calling_end
        and retry.date() == now.astimezone(zone).date()
    ):
        return retry.replace(second=0, microsecond=0).astimezone(now.tzinfo)
    day = _business_days_after(now.astimezone(zone).date(), 1, settings)
    return _at(day, morning_slot(settings), zone, now)


def revisit_due(day: date, now: datetime, settings: Settings, prospect_tz: str | None) -> datetime:
    """A revisit on `day`: its morning slot in the prospect's time (else the rep's)."""
    return _at(day, morning_slot(settings), _zone(now, prospect_tz), now)


def nurture_revisit_due(now: datetime, settings: Settings, prospect_tz: str | None) -> datetime:
    """The revisit of a lead handed back to marketing: nurture_days later, on a business day."""
    zone = _zone(now, prospect_tz)
    day = now.astimezone(zone).date() + relativedelta(days=settings.nurture_days)
    if day.weekday() not in settings.business_days or day in settings.holidays:
        day = _business_days_after(day, 1, settings)
    return _at(day, morning_slot(settings), zone, now)
