"""The last proposal sent to a prospect, and what became of it.

One reading for all that speaks of a proposal: an email template that needs an open one
(`emailing.fit`), and the `{proposal_sent_on}` a call script and an email say. A proposal
is a `proposal_sent` call; a win, a deal or a no after it closes it, and so does the
prospect marked lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from funnel_tui.domain import Kind, Outcome, Stage, sql_list
from funnel_tui.foreign_values import Unreadable, read_day
from funnel_tui.scripts.situation import DECLINING
from funnel_tui.store.sql import IS_TEXT
from funnel_tui.timestamps import from_stored

if TYPE_CHECKING:
    import sqlite_utils

# What closes a proposal: a win, or a no.
CLOSING = (Outcome.WON, *DECLINING)


@dataclass(frozen=True)
class Proposal:
    """The last proposal sent to a prospect, and what became of it."""

    sent_at: datetime
    """The moment its `proposal_sent` call started."""
    sent_on: date
    """The day it went out, on the clock of the `now` it was read with."""
    closed: str | None = None
    """None while it is open; `won`, `declined` or `lost` (the stage says so)."""
    closed_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.closed is None


def _calls(
    db: sqlite_utils.Database, prospect_id: int, outcomes: tuple[str, ...]
) -> list[tuple[datetime, str]]:
    """The prospect's calls with these outcomes, in time order (a start time another tool
    wrote as no moment is left out)."""
    rows = db.execute(
        f"SELECT started_at, outcome FROM calls WHERE prospect_id = ? AND outcome IN"
        f" ({sql_list(outcomes)}) AND {IS_TEXT.for_db(db).format(c='started_at')}",
        [prospect_id],
    ).fetchall()
    moments = ((from_stored(started_at), outcome) for started_at, outcome in rows)
    return sorted((moment, outcome) for moment, outcome in moments if moment is not None)


def last_proposal(
    db: sqlite_utils.Database, prospect: Mapping[str, Any], now: datetime
) -> Proposal | None:
    """The last proposal sent to the prospect (a `proposal_sent` call), whether a win, a
    deal or a no came after it; None when none was sent. Its days are on now's clock."""
    prospect_id = prospect["id"]
    calls = _calls(db, prospect_id, (Outcome.PROPOSAL_SENT.value, *CLOSING))
    sent = [moment for moment, outcome in calls if outcome == Outcome.PROPOSAL_SENT]
    if not sent:
        return None
    zone = now.tzinfo
    sent_at = sent[-1]
    sent_on = sent_at.astimezone(zone).date()
    for moment, outcome in calls:
        if moment > sent_at and outcome in CLOSING:
            closed = "won" if outcome == Outcome.WON else "declined"
            return Proposal(sent_at, sent_on, closed, moment.astimezone(zone).date())
    deal_day = db.execute(
        "SELECT max(closed_on) FROM deals WHERE prospect_id = ?", [prospect_id]
    ).fetchone()[0]
    try:
        won_on = read_day(deal_day)
    except Unreadable:
        won_on = None
    if won_on is not None and won_on >= sent_on:
        return Proposal(sent_at, sent_on, "won", won_on)
    if prospect["stage"] == Stage.LOST and prospect["kind"] != Kind.CUSTOMER:
        return Proposal(sent_at, sent_on, "lost")
    return Proposal(sent_at, sent_on)
