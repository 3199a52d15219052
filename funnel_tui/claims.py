"""Leases on pool prospects (PRODUCT 16): a rep who opens a pool prospect's card, or is
handed it by `funnel next`, holds it for LEASE; no other rep's queue shows it meanwhile,
and no other rep can claim it. The lease is renewed while the card stays open, released
when the rep leaves it, and lapses on its own when an app dies with it held.

A claim is a row of `claims`. Taking one is an upsert that succeeds only when nobody
else's lease is running; on PostgreSQL the prospect row is locked first with `FOR UPDATE
SKIP LOCKED`, so two reps who ask at the same instant never wait for each other: the
second skips the row the first is taking and gets the next prospect. On SQLite the write
transaction (BEGIN IMMEDIATE) already lets one writer through at a time.

A call started with enter claims its prospect again before it starts (`claim_to_call`),
whether or not the card's claim has come back yet: that one waits for a rep taking the row
this instant, so the rep who is refused is told who has the prospect, and no call starts.

Handed the head of a queue, one statement finds and locks the first prospect of it that
nobody else holds or is taking: when many reps ask at once, most of the head has gone to
the others since each read their queue, and trying those one by one costs a round trip
or two each. On PostgreSQL the same statement takes the lease and reads the row: a claim
is one round trip, with no transaction around it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sql import Variants
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.text import one_line
from funnel_tui.timestamps import in_utc, to_stored

# Fifteen minutes as they pass (added in UTC): taken at 01:45 on the night the clocks go
# back, a lease added on the clock face ran to 02:00 EST, an hour and a quarter on.
LEASE = timedelta(minutes=15)

# The prospect, if it is one `rep` may be given: theirs or the pool's.
_LOCK_PROSPECT = Variants(
    sqlite="SELECT owner FROM prospects WHERE id = :id",
    postgresql="SELECT owner FROM prospects WHERE id = :id FOR UPDATE SKIP LOCKED",
)

# Only a rep the book knows takes or renews a lease: a rep removed while their app is
# open (`funnel rep remove`, which ends their leases) takes no more.
_KNOWN = "EXISTS (SELECT 1 FROM reps WHERE lower(name) = lower(:rep))"

# The lease taken or renewed, unless another rep's is running (then no row).
_TAKE_ON_CONFLICT = """
ON CONFLICT (prospect_id) DO UPDATE SET rep = excluded.rep,
    claimed_at = CASE WHEN claims.rep = excluded.rep THEN claims.claimed_at
                      ELSE excluded.claimed_at END,
    expires_at = excluded.expires_at
WHERE claims.rep = excluded.rep OR claims.expires_at <= excluded.claimed_at
RETURNING rep
"""
_TAKE = f"""
INSERT INTO claims (prospect_id, rep, claimed_at, expires_at)
SELECT :id, :rep, :now, :expires WHERE {_KNOWN}
{_TAKE_ON_CONFLICT}"""

# Which of the candidates (a JSON list of ids, in queue order) `rep` may be given now:
# theirs, or the pool's with no other rep's lease running.
_MAY_BE_GIVEN = """p.owner = :rep OR (p.owner IS NULL AND NOT EXISTS (SELECT 1 FROM claims h
    WHERE h.prospect_id = p.id AND h.rep <> :rep AND h.expires_at > :now))"""

# SQLite: the first of them, in the write transaction that lets one claim through at a
# time; `_TAKE` then takes its lease, and the row is read.
_FIRST_FREE_ON_SQLITE = f"""
SELECT p.id, p.owner FROM json_each(:ids) c JOIN prospects p ON p.id = c.value
WHERE {_MAY_BE_GIVEN}
ORDER BY c.key LIMIT 1
"""

# PostgreSQL: the first of them locked, skipping the rows other reps are taking this
# instant, its lease taken, and its row read, in one statement: a claim costs one round
# trip, and needs no transaction around it. `claimed` is false when another rep's lease
# began after the statement's snapshot (the row comes back, not taken).
_CLAIM_FIRST_FREE_ON_POSTGRESQL = f"""
WITH first AS (
    SELECT p.* FROM json_array_elements_text(:ids::json) WITH ORDINALITY AS c(id, position)
    JOIN prospects p ON p.id = c.id::bigint
    WHERE {_MAY_BE_GIVEN}
    ORDER BY c.position LIMIT 1
    FOR UPDATE OF p SKIP LOCKED
), taken AS (
    INSERT INTO claims (prospect_id, rep, claimed_at, expires_at)
    SELECT id, :rep, :now, :expires FROM first WHERE owner IS NULL AND {_KNOWN}
    {_TAKE_ON_CONFLICT}
)
SELECT first.owner IS NOT NULL OR EXISTS (SELECT 1 FROM taken) AS claimed, first.* FROM first
"""

# PostgreSQL, handed the head of the queue as a query (queue.todays_head): the same in
# one statement that also reads the head, so the queue and the claim see one snapshot.
# A row another rep's call changed since that snapshot is locked in its new version,
# which PostgreSQL checks against the conditions again (READ COMMITTED): `version`, the
# xmin the head was read with, no longer matches it, and the row is skipped, as one
# locked this instant is. One row always comes back: `queued`, how many prospects the
# head holds (none: the queue is empty), and the prospect claimed, if any.
_CLAIM_HEAD_ON_POSTGRESQL = f"""
WITH head AS MATERIALIZED ({{head}}), first AS (
    SELECT p.* FROM head c JOIN prospects p ON p.id = c.id
    WHERE p.xmin = c.version AND ({_MAY_BE_GIVEN})
    ORDER BY c.bucket, c.position LIMIT 1
    FOR UPDATE OF p SKIP LOCKED
), taken AS (
    INSERT INTO claims (prospect_id, rep, claimed_at, expires_at)
    SELECT id, :rep, :now, :expires FROM first WHERE owner IS NULL AND {_KNOWN}
    {_TAKE_ON_CONFLICT}
)
SELECT (SELECT count(*) FROM head) AS queued,
    first.owner IS NOT NULL OR EXISTS (SELECT 1 FROM taken) AS claimed, first.*
FROM (SELECT) AS one LEFT JOIN first ON true
"""

# The pool prospects another rep holds now: left out of `rep`'s queue.
HELD_BY_OTHERS = "SELECT prospect_id FROM claims WHERE rep <> :rep AND expires_at > :now"


# The prospect about to be called, locked until the commit. Unlike a card's claim, the
# lock waits for another rep taking the row this instant rather than skip it: the answer
# then names who got them, and two reps who press enter at once never both call.
_LOCK_TO_CALL = Variants(
    sqlite="SELECT name, owner FROM prospects WHERE id = :id",
    postgresql="SELECT name, owner FROM prospects WHERE id = :id FOR UPDATE",
)


class Claim(NamedTuple):
    prospect_id: int
    rep: str
    expires_at: str


def try_claim(db: Any, prospect_id: int, rep: str, now: datetime) -> bool:
    """Take or renew the lease of one prospect for `rep` (the pool's, or one of theirs on
    the phone), in the caller's transaction. True when `rep` holds it now; False when
    another rep owns it or holds its lease, or (PostgreSQL) another rep is taking it this
    instant."""
    row = db.execute(_LOCK_PROSPECT.for_db(db), {"id": prospect_id}).fetchone()
    if row is None or row[0] not in (None, rep):
        return False
    return _take(db, prospect_id, rep, now)


def claim_to_call(db: Any, prospect_id: int, rep: str, now: datetime) -> str | None:
    """Take or renew `rep`'s lease on a prospect they are about to call, in a transaction
    of its own: None when the call may start; otherwise why not, in a line (`blake is on
    Ann Archer now`). Of two reps who ask at once, one gets the lease and the other waits
    for that commit and is refused."""
    with write_transaction(db):
        row = db.execute(_LOCK_TO_CALL.for_db(db), {"id": prospect_id}).fetchone()
        if row is None:
            return f"prospect {prospect_id} no longer exists"
        name, owner = one_line(row[0]), row[1]
        if owner is not None and owner != rep:
            return f"{name} is {one_line(owner)}'s now"
        # The rep's own prospect is held too while the call runs: `funnel assign` then
        # leaves them with the rep on the phone.
        if _take(db, prospect_id, rep, now):
            return None
        other = holder(db, prospect_id, now)
        if other is not None:
            return f"{one_line(other)} is on {name} now"
        # Nobody else holds them: the book no longer knows the rep (_KNOWN).
        return f"no rep named {rep!r} in this book (removed?)"


def _take(db: Any, prospect_id: int, rep: str, now: datetime) -> bool:
    """The lease of a prospect whose row the caller locked, for `rep`, unless another
    rep's is running."""
    taken = db.execute(
        _TAKE,
        {
            "id": prospect_id,
            "rep": rep,
            "now": to_stored(now),
            "expires": to_stored(in_utc(now) + LEASE),
        },
    ).fetchone()
    return taken is not None


def claim_first(
    db: Any, candidates: Iterable[int], rep: str, now: datetime
) -> dict[str, Any] | None:
    """The row of the first of `candidates` (ids in queue order) that `rep` can take,
    taken, in the caller's transaction (on PostgreSQL each try is a statement that needs
    none); None when every one is owned or held by someone else."""
    remaining = list(candidates)
    on_postgresql = dialect_of(db) is Dialect.POSTGRESQL
    while remaining:
        params = {
            "ids": json.dumps(remaining),
            "rep": rep,
            "now": to_stored(now),
            "expires": to_stored(in_utc(now) + LEASE),
        }
        if on_postgresql:
            rows = list(db.query(_CLAIM_FIRST_FREE_ON_POSTGRESQL, params))
            if not rows:
                return None
            row = rows[0]
            if row.pop("claimed"):
                return row
            prospect_id = row["id"]
        else:
            found = db.execute(_FIRST_FREE_ON_SQLITE, params).fetchone()
            if found is None:
                return None
            prospect_id, owner = found
            if owner == rep or _take(db, prospect_id, rep, now):
                return next(db.query("SELECT * FROM prospects WHERE id = ?", [prospect_id]))
        # Another rep's lease began after this statement's snapshot: on to the next.
        remaining = remaining[remaining.index(prospect_id) + 1 :]
    return None


def claim_head(
    db: Any, candidates: Iterable[int], rep: str, now: datetime
) -> dict[str, Any] | None:
    """`claim_first` in a transaction of its own where it needs one: on SQLite the write
    transaction that lets one claim through at a time; on PostgreSQL none (each try is
    one statement, its row locks keep two reps apart)."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        return claim_first(db, candidates, rep, now)
    with write_transaction(db):
        return claim_first(db, candidates, rep, now)


class HeadClaim(NamedTuple):
    """What one try at the head of a queue found: whether the queue holds anyone, and the
    row of the prospect claimed (None when every one was being taken by other reps)."""

    queued: bool
    prospect: dict[str, Any] | None


def claim_queue_head(
    db: Any, head: str, params: dict[str, Any], rep: str, now: datetime
) -> HeadClaim:
    """On PostgreSQL, the first prospect of the queue head `head` (queue.todays_head's
    query, with its `params`) that `rep` can take, taken, in one statement that needs no
    transaction around it."""
    row = next(
        db.query(
            _CLAIM_HEAD_ON_POSTGRESQL.format(head=head),
            {
                **params,
                "rep": rep,
                "now": to_stored(now),
                "expires": to_stored(in_utc(now) + LEASE),
            },
        )
    )
    queued, claimed = row.pop("queued"), row.pop("claimed")
    return HeadClaim(queued > 0, row if claimed else None)


RELEASE = "DELETE FROM claims WHERE prospect_id = ? AND rep = ?"


def release(db: Any, prospect_id: int, rep: str) -> None:
    """Give back `rep`'s lease on a prospect (leaving its card)."""
    db.execute(RELEASE, [prospect_id, rep])


def release_all(db: Any, rep: str, *, keep: int | None = None) -> None:
    """Give back every lease of `rep` (the app closing or opening) but the one on `keep`:
    the prospect of a call still running, kept for the app that logs it."""
    if keep is None:
        db.execute("DELETE FROM claims WHERE rep = ?", [rep])
    else:
        db.execute("DELETE FROM claims WHERE rep = ? AND prospect_id <> ?", [rep, keep])


def claims_now(db: Any, now: datetime) -> list[Claim]:
    """Every running lease, by rep then prospect: who else holds what."""
    rows = db.execute(
        "SELECT prospect_id, rep, expires_at FROM claims WHERE expires_at > ?"
        " ORDER BY rep, prospect_id",
        [to_stored(now)],
    ).fetchall()
    return [Claim(prospect_id, rep, expires_at) for prospect_id, rep, expires_at in rows]


# The rep whose lease on prospect `?` runs at `?`.
HOLDER = "SELECT rep FROM claims WHERE prospect_id = ? AND expires_at > ?"


def holder(db: Any, prospect_id: int, now: datetime) -> str | None:
    """The rep whose lease on the prospect runs now, if any."""
    row = db.execute(HOLDER, [prospect_id, to_stored(now)]).fetchone()
    return row[0] if row else None
