"""What the gauge tells a rep of their team today (PRODUCT 16): each rep's calls since the
start of the day, how many prospects wait in the pool, and who holds which of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from funnel_tui.figure_sql import call_started_sql
from funnel_tui.rep_names import named_rep
from funnel_tui.store.sql import per_dialect
from funnel_tui.timestamps import from_stored, to_stored

# Each rep's calls since a moment (and those with no rep), found by the index of calls by
# time.
CALLS_SINCE_SQL = per_dialect(
    lambda dialect: (
        f"SELECT rep, count(*) FROM calls WHERE {call_started_sql(dialect, '')} >= ? GROUP BY rep"
    )
)


@dataclass(frozen=True)
class TeamToday:
    """`calls` by rep today, most first, and `no_rep` those logged with none (by another
    tool); `pool` prospects nobody owns; `held` pool prospects by the rep whose lease
    runs now."""

    rep: str
    calls: dict[str, int]
    pool: int
    held: dict[str, int]
    no_rep: int = 0
    # The calls of reps removed since (`funnel rep remove`), as the report's `former` line.
    former: int = 0
    # When the first of the other reps' leases runs out (no write tells of that): `held`
    # and the queue are read again then.
    next_lapse: datetime | None = None

    @property
    def team_calls(self) -> int:
        return sum(self.calls.values()) + self.no_rep + self.former


def load_team_today(db: Any, rep: str, now: datetime) -> TeamToday:
    day_began = to_stored(datetime.combine(now.date(), time.min, tzinfo=now.tzinfo))
    calls = db.execute(CALLS_SINCE_SQL.for_db(db), [day_began]).fetchall()
    pool = db.execute("SELECT count(*) FROM prospects WHERE owner IS NULL").fetchone()[0]
    leases = db.execute(
        "SELECT rep, count(*), min(expires_at) FROM claims WHERE expires_at > ?"
        " GROUP BY rep ORDER BY rep",
        [to_stored(now)],
    ).fetchall()
    held = {who: int(count) for who, count, _ in leases}
    lapse = min((first for who, _, first in leases if who != rep), default=None)
    named = [(named_rep(who), int(count)) for who, count in calls]
    reps = {name for (name,) in db.execute("SELECT name FROM reps").fetchall()}
    # Most first, then by name.
    by_rep = dict(sorted(((who, count) for who, count in named if who in reps), key=_most_first))
    no_rep = sum(count for who, count in named if who is None)
    former = sum(count for who, count in named if who is not None and who not in reps)
    next_lapse = None if lapse is None else from_stored(lapse)
    return TeamToday(rep, by_rep, int(pool), held, no_rep, former, next_lapse)


def _most_first(rep_calls: tuple[str, int]) -> tuple[int, str]:
    rep, count = rep_calls
    return -count, rep
