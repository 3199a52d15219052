"""The day each typed date was shown to read as, checked again when it is saved.

A date field reads its text again as it saves, against the clock then. Left open past
midnight, `tomorrow 10am` reads a day later than the reading the rep saw and confirmed,
and `mon 3pm` a week later. A field whose text falls on another day at the save than the
day shown for it saves nothing: it shows the new reading, which the next save takes. A
time that only moved on with the clock (`in 2 hours`) falls on the day shown, and saves
as it reads then.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime, tzinfo


class ShownDays:
    """The readings shown under a form's date fields, by field."""

    def __init__(self) -> None:
        self._shown: dict[Hashable, tuple[str, date]] = {}

    def shown(
        self, field: Hashable, text: str, value: datetime | date, zone: tzinfo | None
    ) -> None:
        """`text` in `field` was shown to read as `value`, on the rep's clock (`zone`)."""
        self._shown[field] = (text, _day(value, zone))

    def turned(
        self, field: Hashable, text: str, value: datetime | date, zone: tzinfo | None
    ) -> date | None:
        """The day shown for `field`'s `text`, when `value` (its reading now) falls on
        another day, which is then the reading shown (the next save takes it); None when it
        falls on that day, or no reading of the text was shown."""
        text_shown, day = self._shown.get(field, (None, None))
        if text_shown != text or day is None or _day(value, zone) == day:
            return None
        self.shown(field, text, value, zone)
        return day


def turned_message(field_label: str, day_shown: date, reads: str = "as shown") -> str:
    """Why a save that found the day turned saved nothing, and what the next one does."""
    return (
        f"Not saved: the day turned while this was open, and {field_label} now reads"
        f" {reads}, not {day_shown:%a %-d %b}; save again to keep that"
    )


def _day(value: datetime | date, zone: tzinfo | None) -> date:
    return value.astimezone(zone).date() if isinstance(value, datetime) else value


def minute_of(moment: datetime) -> datetime:
    """The minute `moment` falls in: a time typed from now (`in 2 hours`) is read again
    once the clock's minute turns."""
    return moment.replace(second=0, microsecond=0)
