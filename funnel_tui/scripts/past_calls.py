"""A prospect's calls as a script may speak of them: those made, in time order, and those
set aside.

A call another tool wrote with a `started_at` that cannot be read (`funnel check` names
it) happened on no known day, and one dated after now has not happened yet: neither is
"the last time we spoke" nor the last call, as neither counts in a figure. The script
names them to the rep instead, so one who spoke to someone is not left to open as if
they never had.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from funnel_tui.domain import CONNECT_OUTCOMES
from funnel_tui.foreign_values import Unreadable, read_moment

# A call dated this little after now was made: another machine's clock may run ahead.
CLOCK_DRIFT = timedelta(minutes=5)
# The most of a note read: a script says 500 characters of one at most.
NOTE_READ_AT_MOST = 1000
# One indexed read (calls_prospect) of the prospect's own calls.
CALLS_QUERY = f"""SELECT id, started_at, outcome, reason, substr(notes, 1, {NOTE_READ_AT_MOST})
    FROM calls WHERE prospect_id = :id ORDER BY id"""


class PastCall(NamedTuple):
    """One call of the prospect, as the script reads it."""

    id: int
    # None when the stored value cannot be read as a moment.
    started_at: datetime | None
    outcome: str
    reason: str | None = None
    note: str | None = None

    @property
    def reached(self) -> bool:
        """Whether the call reached them (a connect)."""
        return self.outcome in CONNECT_OUTCOMES


class PastCalls(NamedTuple):
    """The calls made, oldest first, and those set aside, in the order they were logged."""

    made: tuple[PastCall, ...] = ()
    set_aside: tuple[PastCall, ...] = ()

    def last(self, outcomes: frozenset[str] | tuple[str, ...] | None = None) -> PastCall | None:
        """The last call made, of these outcomes when they are given."""
        return next(
            (call for call in reversed(self.made) if outcomes is None or call.outcome in outcomes),
            None,
        )


def read_past_calls(db: Any, prospect_id: int, now: datetime) -> PastCalls:
    """The prospect's calls: made (a readable date no later than now, give or take
    CLOCK_DRIFT) and set aside (the others)."""
    calls = [_call(row) for row in db.execute(CALLS_QUERY, {"id": prospect_id}).fetchall()]
    latest = now + CLOCK_DRIFT
    made = [call for call in calls if call.started_at is not None and call.started_at <= latest]
    made_ids = {call.id for call in made}
    return PastCalls(
        tuple(sorted(made, key=lambda call: (call.started_at, call.id))),
        tuple(call for call in calls if call.id not in made_ids),
    )


def _call(row: Any) -> PastCall:
    call_id, started_at, outcome, reason, note = row
    return PastCall(
        call_id,
        _moment(started_at),
        str(outcome),
        reason if isinstance(reason, str) else None,
        note if isinstance(note, str) and note.strip() else None,
    )


def _moment(value: object) -> datetime | None:
    """A moment as `funnel check` reads one; None for one it names as unreadable."""
    try:
        return read_moment(value)
    except Unreadable:
        return None
