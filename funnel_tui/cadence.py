"""The call cadence: when to try an unanswered prospect again, and when they may be called."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

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
