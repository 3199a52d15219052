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

A file without emails matches a prospect only by number and name: a row with the number
found wrong for a prospect of its name (who has another number now, or none) would add a
second prospect of them, with the stranger's number. Such a row is that prospect, updated
as above; a row with the number and another name is another person (a switchboard
shared), added. Only the numbers of the rows a batch would add are looked up, in one
statement.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from funnel_tui.import_keys import rows_for
from funnel_tui.phones import international, phone_key
from funnel_tui.schema_v26 import PHONE_KEPT_BY
from funnel_tui.store.sql import Variants
from funnel_tui.text import one_line
from funnel_tui.timestamps import from_stored

# The numbers each prospect was found a wrong number on, with when.
FOUND_WRONG = (
    "SELECT prospect_id, phone, changed_at FROM flag_changes"
    f" WHERE prospect_id IN ({{marks}}) AND flag = '{PHONE_KEPT_BY}' AND value = 1"
    " AND phone IS NOT NULL"
)

# The prospects (`p`) each of a JSON list of numbers `:numbers` was found a wrong number
# on: `{columns}` of the prospect, after the number.
_FOUND_WRONG_FOR = (
    "SELECT f.phone, {{columns}} FROM flag_changes f JOIN prospects p ON p.id = f.prospect_id"
    f" WHERE f.flag = '{PHONE_KEPT_BY}' AND f.value = 1 AND f.phone IN ({{numbers}})"
    " ORDER BY p.id"
)
FOUND_WRONG_FOR = Variants(
    sqlite=_FOUND_WRONG_FOR.format(numbers="SELECT value FROM json_each(:numbers)"),
    postgresql=_FOUND_WRONG_FOR.format(numbers="SELECT json_array_elements_text(:numbers::json)"),
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


def found_wrong_for(
    db: Any, numbers: Iterable[str], region: str, columns: str
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Each prospect one of these numbers (keys, as the import keys a row's phone) was
    found a wrong number for, by id: the number's key and the prospect's `columns` (of
    `p`), once for each time the number was flagged."""
    sql = FOUND_WRONG_FOR.for_db(db).format(columns=columns)
    for number, *prospect in db.execute(sql, {"numbers": json.dumps(sorted(numbers))}):
        yield phone_key(str(number), region), tuple(prospect)


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
