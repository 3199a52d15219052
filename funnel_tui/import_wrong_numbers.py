"""Rows an import would give a prospect a number the rep found wrong: the prospect keeps
their own, and the report says so.

A rep who logs `wrong number` and finds the right one edits the phone, which clears the
flag. The CRM's next export still has the old number: written back, it put the prospect
in the queue again with a stranger's number. flag_changes keeps the number each
wrong-number flag was set on (schema v26), so a row that would update a prospect to one
of those, from another number they have now (or none), keeps the prospect's phone and
applies the rest of the row. A prospect still holding the number found wrong (not fixed
yet) is updated as before. Only the prospects a batch's rows give another number are
looked up, once the batch is merged (importer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from funnel_tui.import_keys import rows_for
from funnel_tui.phones import international, phone_key
from funnel_tui.schema_v26 import PHONE_KEPT_BY
from funnel_tui.text import one_line
from funnel_tui.timestamps import from_stored

# The numbers each prospect was found a wrong number on, with when.
FOUND_WRONG = (
    "SELECT prospect_id, phone, changed_at FROM flag_changes"
    f" WHERE prospect_id IN ({{marks}}) AND flag = '{PHONE_KEPT_BY}' AND value = 1"
    " AND phone IS NOT NULL"
)

# A number found wrong (its key, as the import compares numbers) and the moment it was
# flagged, by prospect.
WrongNumbers = dict[int, dict[str, str]]


def found_wrong(db: Any, prospect_ids: Iterable[int], region: str) -> WrongNumbers:
    """The numbers each of these prospects was found a wrong number on, keyed as the
    import keys a row's phone, with the latest moment each was flagged."""
    found: WrongNumbers = {}
    for prospect_id, phone, changed_at in rows_for(db, FOUND_WRONG, set(prospect_ids)):
        numbers = found.setdefault(int(prospect_id), {})
        key = phone_key(str(phone), region)
        numbers[key] = max(numbers.get(key, ""), str(changed_at or ""))
    return found


@dataclass(frozen=True)
class KeptPhone:
    """A row whose number was found wrong for the prospect it updated, which kept its own
    (`kept`: the number shown, or "" when they have none)."""

    line: int
    number: str
    name: str
    prospect_id: int
    found_on: str
    kept: str

    def __str__(self) -> str:
        when = f" on {self.found_on}" if self.found_on else ""
        kept = f"kept {self.kept}" if self.kept else "left without a number"
        return (
            f"line {self.line}: {self.number} was found a wrong number for"
            f" {one_line(self.name)} (prospect {self.prospect_id}){when}: {kept}"
        )


def day_said(changed_at: str, now: datetime) -> str:
    """The rep's day a flag was set on: `3 Dec`, with the year when it is another's; ""
    when the moment cannot be read."""
    moment = from_stored(changed_at)
    if moment is None:
        return ""
    local = moment.astimezone(now.tzinfo)
    return f"{local.day} {local:%b}" if local.year == now.year else f"{local.day} {local:%b %Y}"


def kept_phone(
    line: int,
    number: str,
    name: str,
    prospect_id: int,
    changed_at: str,
    kept: str,
    *,
    region: str,
    now: datetime,
) -> KeptPhone:
    """What the report says of a row whose `number` (a key) was found wrong at
    `changed_at` for prospect `prospect_id`, who kept `kept` (a key, "" for none)."""
    return KeptPhone(
        line,
        one_line(international(number, region)),
        name,
        prospect_id,
        day_said(changed_at, now),
        one_line(international(kept, region)) if kept else "",
    )
