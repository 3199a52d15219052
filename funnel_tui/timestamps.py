"""How moments are stored: ISO 8601 in UTC with an explicit `+00:00` offset.

Storing every timestamp in one offset keeps text comparison in SQL equal to time
order, which the queue indexes rely on. Code takes `now` as an argument instead of
reading the clock deep inside, so tests and the demo can freeze it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import tz

Clock = Callable[[], datetime]


def system_now() -> datetime:
    """The current moment in the machine's local zone, with its daylight-saving rules.

    `tzlocal()` follows the zone's rules, unlike `astimezone()`'s fixed offset, so
    "next business day 09:00" lands on 09:00 across a clock change.
    """
    return datetime.now(tz.tzlocal())


def local_zone_name() -> str | None:
    """The machine's zone by its IANA name (`Europe/London`): `$TZ`, else the zone file
    /etc/localtime links to; None when neither names one."""
    named = os.environ.get("TZ")
    candidates = [named.removeprefix(":")] if named else []
    candidates.append("/etc/localtime")
    for candidate in candidates:
        if candidate.startswith("/"):
            # A zone file's path: its name is what follows zoneinfo/.
            candidate = os.path.realpath(candidate).partition("zoneinfo/")[2]
        try:
            ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return candidate
    return None


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
