"""Whose prospect it is (PRODUCT 16): a rep's own or the shared pool's (owner NULL).
`funnel assign` moves prospects between reps and the pool; a pool prospect becomes the
rep's on the first call that reaches the person."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from funnel_tui.domain import CONNECT_OUTCOMES, Outcome
from funnel_tui.store.sql import Variants
from funnel_tui.text import one_line
from funnel_tui.timestamps import from_stored, to_stored


class HeldByAnother(NamedTuple):
    """A prospect another rep than the new owner holds now: on their card, or on the phone."""

    prospect_id: int
    name: str
    rep: str
    until: datetime


# The running leases on the prospects named (a JSON list of ids) of reps other than the
# new owner (NULL: the pool, which holds none).
_HELD_BY_OTHERS = Variants(
    sqlite="""
SELECT c.prospect_id, p.name, c.rep, c.expires_at FROM claims c
JOIN prospects p ON p.id = c.prospect_id
WHERE c.prospect_id IN (SELECT value FROM json_each(:ids)) AND c.expires_at > :now
  AND c.rep IS NOT :owner
ORDER BY c.prospect_id
""",
    postgresql="""
SELECT c.prospect_id, p.name, c.rep, c.expires_at FROM claims c
JOIN prospects p ON p.id = c.prospect_id
WHERE c.prospect_id IN (SELECT value::bigint FROM json_array_elements_text(:ids::json))
  AND c.expires_at > :now AND c.rep IS DISTINCT FROM :owner::text
ORDER BY c.prospect_id
""",
)


def held_by_others(
    db: Any, prospect_ids: Sequence[int], owner: str | None, now: datetime
) -> list[HeldByAnother]:
    """Which of the prospects a rep other than `owner` holds now: moved, that rep's call
    could not be logged, and the new owner could call the person at the same time."""
    params = {"ids": json.dumps(list(prospect_ids)), "now": to_stored(now), "owner": owner}
    return [
        HeldByAnother(prospect_id, one_line(name), one_line(rep), from_stored(until) or now)
        for prospect_id, name, rep, until in db.execute(_HELD_BY_OTHERS.for_db(db), params)
    ]


def assign(db: Any, prospect_ids: Sequence[int], owner: str | None) -> tuple[int, list[int]]:
    """Give prospects to `owner` (None: the pool), in the caller's transaction, and end
    every lease on them but the new owner's (they may be on the phone with the person).
    Returns how many changed hands and the ids that do not exist."""
    missing: list[int] = []
    moved = 0
    for prospect_id in prospect_ids:
        row = db.execute("SELECT owner FROM prospects WHERE id = ?", [prospect_id]).fetchone()
        if row is None:
            missing.append(prospect_id)
            continue
        if row[0] != owner:
            db.execute("UPDATE prospects SET owner = ? WHERE id = ?", [owner, prospect_id])
            moved += 1
        if owner is None:
            db.execute("DELETE FROM claims WHERE prospect_id = ?", [prospect_id])
        else:
            db.execute(
                "DELETE FROM claims WHERE prospect_id = ? AND rep <> ?", [prospect_id, owner]
            )
    return moved, missing


def owned_by(db: Any, owner: str | None) -> list[int]:
    """The ids of a rep's prospects (None: the pool's), in order."""
    if owner is None:
        rows = db.execute("SELECT id FROM prospects WHERE owner IS NULL ORDER BY id")
    else:
        rows = db.execute("SELECT id FROM prospects WHERE owner = ? ORDER BY id", [owner])
    return [row[0] for row in rows]


def owner_of(db: Any, prospect_id: int) -> str | None:
    row = db.execute("SELECT owner FROM prospects WHERE id = ?", [prospect_id]).fetchone()
    return row[0] if row else None


# Prospect `?` made rep `?`'s if it is the pool's (a row when it was), and every lease
# on it ended.
TAKE_FROM_POOL = "UPDATE prospects SET owner = ? WHERE id = ? AND owner IS NULL RETURNING id"
END_LEASES = "DELETE FROM claims WHERE prospect_id = ?"


def take_on_connect(db: Any, prospect_id: int, rep: str, outcome: Outcome) -> bool:
    """A call by `rep` that reached a pool prospect makes it theirs (in the caller's
    transaction) and ends the lease; True when it did."""
    if outcome not in CONNECT_OUTCOMES:
        return False
    taken = db.execute(TAKE_FROM_POOL, [rep, prospect_id]).fetchone()
    if taken is not None:
        db.execute(END_LEASES, [prospect_id])
    return taken is not None
