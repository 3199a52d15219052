"""Clocks the first frame shows: a prospect's zone by its name, a moment as it reads on their
clock, and a length of time. The reader of typed dates (`dates`) waits for the first date
typed; these do not."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

THEIR_TIME = "their time"
# What a zone another tool wrote that funnel cannot read is, as the card and `funnel check`
# say it.
UNKNOWN_ZONE = "not a time zone funnel knows"
# Files of a system's zone folder that name no place, which funnel does not read as zones:
# the machine's own zone (`localtime`: the rep's clock, not the prospect's), tzdata's
# placeholder for a machine not set up (`Factory`, UTC under the name `-00`) and the
# rules a POSIX TZ string borrows (`posixrules`). Calling hours set by them would follow
# no clock the prospect is on.
NO_PLACE = frozenset({"localtime", "Factory", "posixrules"})
# Standard-time abbreviations that tzdata keeps as fixed offsets: read (the hours are
# right in winter), but an hour off all summer where the region's clocks change, as for
# New York when a CRM writes EST. Each with the zone of the region a rep most likely
# means, as a typed `10am EST` reads it.
FIXED_OFFSET_REGIONS = {
    "EST": "America/New_York",
    "MST": "America/Denver",
    "HST": "Pacific/Honolulu",
}
# What such a zone is, as the card, `funnel check` and the form say it.
FIXED_OFFSET = "a fixed offset with no summer time"


def their_time(moment: datetime, now: datetime, timezone: object) -> str:
    """`09:00 their time`, or `Mon 09:00 their time` on another day there, for a moment on
    the prospect's clock (`timezone`, a known IANA zone); empty where theirs reads as
    now's, or their zone is not known."""
    zone = known_zone(timezone if isinstance(timezone, str) else None)
    if zone is None:
        return ""
    there, here = moment.astimezone(zone), moment.astimezone(now.tzinfo)
    if there.utcoffset() == here.utcoffset():
        return ""
    day = f"{there:%a} " if there.date() != here.date() else ""
    return f"{day}{there:%H:%M} {THEIR_TIME}"


def known_zone(name: str | None) -> ZoneInfo | None:
    """The zone for an IANA name, or None when the name is missing or unknown (or a BLOB
    another tool stored, or a file of the zone folder that names no place: NO_PLACE)."""
    if not isinstance(name, str) or not name.strip() or name.strip() in NO_PLACE:
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def fixed_offset_region(name: object) -> str | None:
    """For a zone funnel reads as a fixed offset named like a region's standard time
    (`EST`), the region's zone to write instead (`America/New_York`); None for any other.
    The card marks such a zone, `funnel check` lists it and the form refuses it typed."""
    return FIXED_OFFSET_REGIONS.get(name.strip()) if isinstance(name, str) else None


def unreadable_zone(name: object) -> bool:
    """Whether `name` is a zone another tool wrote that funnel cannot read (`PST`,
    `Europe/Londn`): text that names no zone. A blank, like NULL, is no zone at all."""
    return isinstance(name, str) and bool(name.strip()) and known_zone(name) is None


def duration_text(seconds: int) -> str:
    """How long something took: `12h 44m` (to the minute, half up: 6h 42m 51s is
    `6h 43m`), or `3m 20s` under an hour."""
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    hours, minutes = divmod((seconds + 30) // 60, 60)
    return f"{hours:,}h {minutes:02d}m"
