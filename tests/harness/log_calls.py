"""Stands in for the app in crash tests: logs calls in a loop and acknowledges each commit.

Usage: log_calls.py DB [LIMIT]. After each call is committed it prints `ACK <call id>`
and flushes, so whatever reads the pipe knows exactly which calls were promised.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.settings import load_settings
from funnel_tui.store.sqlite import open_storage

START = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
WON_EVERY = 5
DEFAULT_LIMIT = 100_000


def entry_for(number: int) -> CallOutcome:
    """Mostly unanswered calls, with a won deal every few calls so deals are written too."""
    if number % WON_EVERY == WON_EVERY - 1:
        return CallOutcome(Outcome.WON, amount_cents=100 * (number + 1), notes=f"won {number}")
    return CallOutcome(Outcome.NO_ANSWER, notes=f"attempt {number}")


def log_calls(db_path: Path, limit: int) -> None:
    storage = open_storage(db_path)
    db = storage.db
    settings = load_settings(db)
    prospect_ids = [row[0] for row in db.execute("SELECT id FROM prospects ORDER BY id")]
    for number in range(limit):
        logged = log_call(
            db,
            prospect_ids[number % len(prospect_ids)],
            entry_for(number),
            now=START + timedelta(minutes=number),
            settings=settings,
        )
        # The acknowledgement is the protocol with the test, not debugging output.
        sys.stdout.write(f"ACK {logged.call_id}\n")
        sys.stdout.flush()
    storage.close()


if __name__ == "__main__":
    log_calls(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_LIMIT)
