"""The call cadence: when to try an unanswered prospect again, when a revisit falls due, and
when they may be called."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from funnel_tui.clocks import known_zone
from funnel_tui.settings import Settings

# The morning slot, for odd attempts and revisits, is this long after calling hours open.
MORNING_SLOT_DELAY = timedelta(minutes=30)


def morning_slot(settings: Settings) -> time:
    """When odd attempts and revisits are due: calling_start + 30 minutes, or calling_start
    when the hours close before that."""
    day = date(2000, 1, 1)
    slot = datetime.combine(day, settings.calling_start) + MORNING_SLOT_DELAY
    return (
        slot.time()
        if slot < datetime.combine(day, settings.calling_end)
        else settings.calling_start
    )


def next_call_due(
    attempt: int, now: datetime, settings: Settings, prospect_tz: str | None
) -> datetime:
    """When to call again after the `attempt`-th unanswered attempt since the last connect
    (1-based), made at `now`.

    The `attempt`-th value of `cadence_days` business days after the call's day (the last
    value repeats), at the morning slot for odd attempts and the afternoon slot for even ones,
    in the prospect's time when their timezone is known, else the rep's; given on now's clock.
    """
    if attempt < 1:
        raise ValueError(f"attempts count from 1, not {attempt}")
    zone = _zone(prospect_tz, now)
    wait = settings.cadence_days[min(attempt, len(settings.cadence_days)) - 1]
    slot = morning_slot(settings) if attempt % 2 else settings.afternoon_slot
    day = _business_day_after(now.astimezone(zone).date(), settings, wait)
    return _at(day, slot, zone, now)


# Business days from a conversation that set no next step to the call that follows it up.
FOLLOW_UP_BUSINESS_DAYS = 2


def follow_up_due(now: datetime, settings: Settings, prospect_tz: str | None) -> datetime:
    """The call that follows up a conversation with no next step agreed (a proposal sent,
    a meeting held): two business days later, at the morning slot in the prospect's time
    (else the rep's); given on now's clock."""
    zone = _zone(prospect_tz, now)
    day = _business_day_after(now.astimezone(zone).date(), settings, FOLLOW_UP_BUSINESS_DAYS)
    return _at(day, morning_slot(settings), zone, now)


def busy_retry_due(now: datetime, settings: Settings, prospect_tz: str | None) -> datetime:
    """When to try a busy line again: `busy_retry_minutes` later when that is still inside
    calling hours on a business day (their time, else the rep's), else the first morning slot
    on a business day after it; given on now's clock, to the minute."""
    zone = _zone(prospect_tz, now)
    # Elapsed time, counted in UTC so that a DST change does not stretch the wait.
    retry = now.astimezone(UTC) + timedelta(minutes=settings.busy_retry_minutes)
    local_retry = retry.astimezone(zone).replace(second=0, microsecond=0)
    if _inside_calling_hours(local_retry, settings):
        return local_retry.astimezone(now.tzinfo)
    slot = _next_business_day_at(
        morning_slot(settings), local_retry.replace(tzinfo=None), settings, zone
    )
    return slot.astimezone(now.tzinfo)


def revisit_due(day: date, now: datetime, settings: Settings, prospect_tz: str | None) -> datetime:
    """When a revisit dated `day` falls due: the morning slot of that day in the prospect's
    time (else the rep's), given on now's clock. The rep chose the day, so it is kept as it is."""
    return _at(day, morning_slot(settings), _zone(prospect_tz, now), now)


def nurture_revisit_due(now: datetime, settings: Settings, prospect_tz: str | None) -> datetime:
    """When to revisit a prospect put in nurture at `now`: the morning slot `nurture_days`
    calendar days later in their time (else the rep's), on the next business day when that day
    is not one; given on now's clock."""
    zone = _zone(prospect_tz, now)
    day = now.astimezone(zone).date() + timedelta(days=settings.nurture_days)
    if not is_business_day(day, settings):
        day = _business_day_after(day, settings)
    return _at(day, morning_slot(settings), zone, now)


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
    if _inside_calling_hours(local_now, settings):
        return True, None
    opening = _next_business_day_at(
        settings.calling_start, local_now.replace(tzinfo=None), settings, zone
    )
    return False, opening.astimezone(now.tzinfo)


def not_a_calling_time(
    now: datetime, settings: Settings, prospect_tz: str | None
) -> tuple[datetime, str] | None:
    """Their clock now and why it is no time to call them (`outside 09:00-18:00`, `not a
    business day`, `a holiday`, or two of them), as `calling_window` judges it; None when
    it is one, or when their zone is not known (the rep's own hours are theirs to keep)."""
    zone = known_zone(prospect_tz)
    if zone is None:
        return None
    local = now.astimezone(zone)
    if _inside_calling_hours(local, settings):
        return None
    # Each reason that holds: 07:50 on a Sunday is both.
    reasons = [] if _within_hours(local, settings) else [f"outside {_hours(settings)}"]
    if local.date() in settings.holidays:
        reasons.append("a holiday")
    elif not is_business_day(local.date(), settings):
        reasons.append("not a business day")
    return local, ", ".join(reasons)


def outside_calling_hours(
    moment: datetime, settings: Settings, prospect_tz: str | None
) -> str | None:
    """Why `moment` is not a time to call the prospect (a day off or a holiday, and
    outside calling hours, in their time when it is known, else the rep's: both when both
    hold); None when it is one."""
    local = moment.astimezone(_zone(prospect_tz, moment))
    theirs = " their time" if known_zone(prospect_tz) is not None else ""
    reasons = [reason] if (reason := day_off(local.date(), settings)) else []
    if not _within_hours(local, settings):
        # `18:00 is outside calling hours (09:00-18:00)` read as a contradiction.
        hours = (
            f"they end at {settings.calling_end:%H:%M}"
            if local.time().replace(tzinfo=None) == settings.calling_end
            else _hours(settings)
        )
        reasons.append(f"{local:%H:%M}{theirs} is outside calling hours ({hours})")
    return ", and ".join(reasons) or None


def day_off(day: date, settings: Settings) -> str | None:
    """Why `day` is no day to call (`Sunday is not a business day`, `Fri 25 Dec is a
    holiday`); None on a business day."""
    if day in settings.holidays:
        return f"{day:%a} {day.day} {day:%b} is a holiday"
    if not is_business_day(day, settings):
        return f"{day:%A} is not a business day"
    return None


def _zone(prospect_tz: str | None, now: datetime) -> tzinfo:
    """The prospect's zone when it is known, else the rep's."""
    return known_zone(prospect_tz) or now.tzinfo  # type: ignore[return-value]


def _at(day: date, clock: time, zone: tzinfo, now: datetime) -> datetime:
    """`clock` on `day` in `zone`, given on now's clock."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(now.tzinfo)


def is_business_day(day: date, settings: Settings) -> bool:
    """Whether the rep works `day`: one of the business days, not a holiday."""
    return day.weekday() in settings.business_days and day not in settings.holidays


def _inside_calling_hours(local: datetime, settings: Settings) -> bool:
    return is_business_day(local.date(), settings) and _within_hours(local, settings)


def _within_hours(local: datetime, settings: Settings) -> bool:
    """Whether the clock time of `local` is inside calling hours, whatever the day."""
    return settings.calling_start <= local.time() < settings.calling_end


def _hours(settings: Settings) -> str:
    """Calling hours as they are said: `09:00-18:00`."""
    return f"{settings.calling_start:%H:%M}-{settings.calling_end:%H:%M}"


def _business_day_after(day: date, settings: Settings, count: int = 1) -> date:
    """The `count`-th business day after `day` (holidays are not business days)."""
    left = count
    for later in _days_after(day, settings, count):
        if is_business_day(later, settings):
            left -= 1
            if left == 0:
                return later
    raise ValueError(f"no {count} business days after {day}")


def _next_business_day_at(
    clock: time, after: datetime, settings: Settings, zone: tzinfo
) -> datetime:
    """`clock` on the first business day where it falls strictly after the naive local time
    `after`, in `zone`."""
    for day in _days_after(after.date() - timedelta(days=1), settings, 1):
        if is_business_day(day, settings) and (moment := datetime.combine(day, clock)) > after:
            return moment.replace(tzinfo=zone)
    raise ValueError(f"no business day after {after}")


def _days_after(day: date, settings: Settings, business_days: int) -> Iterator[date]:
    """The days after `day`, enough to hold `business_days` business days and one more:
    at least one day a week is a business day, and each holiday takes one."""
    for offset in range(1, 7 * (business_days + 1) + len(settings.holidays) + 1):
        yield day + timedelta(days=offset)
