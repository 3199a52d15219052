"""A prospect's calls as a script may speak of them: the last made, and the last of each
kind it asks about, in time order, and those set aside.

A call another tool wrote with a `started_at` that cannot be read (`funnel check` names
it) happened on no known day, and one dated after now has not happened yet: neither is
"the last time we spoke" nor the last call, as neither counts in a figure. The script
names them to the rep instead, so one who spoke to someone is not left to open as if
they never had.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from funnel_tui.domain import CONNECT_OUTCOMES, sql_list
from funnel_tui.foreign_values import Unreadable, read_moment
from funnel_tui.timestamps import in_utc, to_stored

# A call dated this little after now was made: another machine's clock may run ahead.
CLOCK_DRIFT = timedelta(minutes=5)
# The most of a note read: a script says 500 characters of one at most.
NOTE_READ_AT_MOST = 1000
_COLUMNS = f"id, started_at, outcome, reason, substr(notes, 1, {NOTE_READ_AT_MOST})"
# The form funnel stores a moment in, whose text sorts as its time (`LIKE`, for both
# dialects; a value of that shape that is no moment is read, and set aside, in Python).
STORED_FORM = "____-__-__T__:__:__+00:00"
# The last calls made of some outcomes, newest first, off the calls_prospect index; a few,
# so that one of the stored form that is no moment (`2026-13-45T...`) leaves one to use.
_LAST_MADE = f"""SELECT {_COLUMNS} FROM calls
    WHERE prospect_id = :id AND started_at <= :latest AND started_at LIKE :stored{{outcomes}}
    ORDER BY started_at DESC, id DESC LIMIT 8"""
# The prospect's calls dated after now or written in another form: few, read whole.
_OTHERS = f"""SELECT {_COLUMNS} FROM calls WHERE prospect_id = :id
    AND (started_at IS NULL OR started_at > :latest OR started_at NOT LIKE :stored)"""


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
    """The last call made and the last of each kind asked for, oldest first, and the calls
    set aside, in the order they were logged."""

    made: tuple[PastCall, ...] = ()
    set_aside: tuple[PastCall, ...] = ()

    def last(self, outcomes: frozenset[str] | tuple[str, ...] | None = None) -> PastCall | None:
        """The last call made, of these outcomes when they are given (one of the kinds
        `read_past_calls` was asked for)."""
        return next(
            (call for call in reversed(self.made) if outcomes is None or call.outcome in outcomes),
            None,
        )


def read_past_calls(
    db: Any, prospect_id: int, now: datetime, kinds: Iterable[Collection[str]] = ()
) -> PastCalls:
    """The prospect's last call made (a readable date no later than now, give or take
    CLOCK_DRIFT), the last made of each of `kinds` (sets of outcomes), and the calls set
    aside (the others). A few rows of the index each, whatever the number of calls: a
    prospect called every week for years shows at once."""
    latest = in_utc(now) + CLOCK_DRIFT
    params = {"id": prospect_id, "latest": to_stored(latest), "stored": STORED_FORM}
    set_aside: dict[int, PastCall] = {}

    def last_made(outcomes: frozenset[str] | None) -> PastCall | None:
        kind = "" if outcomes is None else f" AND outcome IN ({sql_list(sorted(outcomes))})"
        for row in db.execute(_LAST_MADE.format(outcomes=kind), params).fetchall():
            call = _call(row)
            if call.started_at is not None:
                return call
            set_aside[call.id] = call  # of the stored form, but no moment
        return None

    found: dict[frozenset[str], PastCall | None] = {}
    for outcomes in map(frozenset, kinds):
        known = _known_from(found, outcomes)
        found[outcomes] = known[0] if known is not None else last_made(outcomes)
    lasts = (*found.values(), last_made(None))
    made = {call.id: call for call in lasts if call is not None}
    for row in db.execute(_OTHERS, params).fetchall():
        call = _call(row)
        if call.started_at is not None and call.started_at <= latest:
            made[call.id] = call  # another tool's form of a moment (`Z`, a space)
        else:
            set_aside[call.id] = call
    return PastCalls(
        tuple(sorted(made.values(), key=lambda call: (call.started_at, call.id))),
        tuple(set_aside[call_id] for call_id in sorted(set_aside)),
    )


def _known_from(
    found: dict[frozenset[str], PastCall | None], outcomes: frozenset[str]
) -> tuple[PastCall | None] | None:
    """The last call of `outcomes` as a kind already read that holds them tells it, without
    reading the calls again (the last do-not-call of the last no, or none of a kind with no
    call at all); None when none tells."""
    for wider, last in found.items():
        if outcomes <= wider and (last is None or last.outcome in outcomes):
            return (last,)
    return None


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
