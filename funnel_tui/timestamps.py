"""How moments are stored, ISO 8601 in UTC with an explicit `+00:00` offset, and how time
between them is counted.

Storing every timestamp in one offset keeps text comparison in SQL equal to time
order, which the queue indexes rely on. Code takes `now` as an argument instead of
reading the clock deep inside, so tests and the demo can freeze it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Clock = Callable[[], datetime]


def system_now() -> datetime:
    """The current moment in the machine's local zone, with its daylight-saving rules.

    The zone follows its rules, unlike `astimezone()`'s fixed offset, so "next business
    day 09:00" lands on 09:00 across a clock change.
    """
    return datetime.now(local_zone())


def local_zone() -> tzinfo:
    """The machine's zone: by its name (`Europe/London`), else as the C library reads
    `$TZ` (a rule such as `EST5EDT,M3.2.0,M11.1.0`), through dateutil's `tzlocal()`."""
    name = local_zone_name()
    if name is not None:
        return ZoneInfo(name)
    # Imported only here: dateutil's time zones cost start-up about 30 ms to import.
    from dateutil import tz

    return tz.tzlocal()


def local_zone_name() -> str | None:
    """The machine's zone by its IANA name (`Europe/London`), as the C library reads it:
    `$TZ` when it is set (empty is UTC), else the zone file /etc/localtime links to;
    None when that names no zone (`$TZ` as a rule such as `EST5EDT,M3.2.0,M11.1.0`)."""
    named = os.environ.get("TZ")
    candidate = "/etc/localtime" if named is None else named.removeprefix(":") or "UTC"
    if candidate.startswith("/"):
        # A zone file's path: its name is what follows zoneinfo/.
        candidate = os.path.realpath(candidate).partition("zoneinfo/")[2]
    try:
        ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return candidate


def in_utc(moment: datetime) -> datetime:
    """The same moment on UTC's clock, to compare, or to add minutes and hours to, as time
    passes. Python compares and subtracts two datetimes of one zone (the clock's, the
    rep's) by their clock faces, whatever their offsets: 01:15 on the second pass of the
    hour the clocks go back came before 01:45 on its first, and the hour they skip going
    forward counted as one that passed. Nor is a moment in the repeated hour ever equal
    to one of another zone."""
    return moment.astimezone(UTC)


def has_passed(moment: datetime, now: datetime) -> bool:
    """Whether `moment` is `now` or before it, in the order time passes (see `in_utc`)."""
    return in_utc(moment) <= in_utc(now)


def seconds_between(start: datetime, end: datetime) -> float:
    """The seconds that pass from `start` to `end` (negative when `end` comes first), as
    a call timer counts them: 105 across the night the clocks go forward, not 3,705."""
    return (in_utc(end) - in_utc(start)).total_seconds()


def to_stored(moment: datetime) -> str:
    """`2026-12-03T14:30:00+00:00` for any aware datetime (naive ones are taken as local)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def from_stored(text: str | None) -> datetime | None:
    """Read a stored timestamp, also ones other tools wrote (`Z`, a space, no offset = UTC)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
