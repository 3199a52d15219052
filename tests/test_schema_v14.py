"""Schema v14 on a team's PostgreSQL database: the call triggers' shortcuts (a first call's
marks written from the call, a busy check only for a busy call, no zero-row search when a
call is added) leave lead_marks, call_days and rep_call_days exactly as a count from the
calls does, through first calls, repeat calls, a second method, a moment that does not
read, and undo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from funnel_tui.call_log import CallOutcome, log_call, undo_last_call
from funnel_tui.domain import LostReason, Outcome
from funnel_tui.reps import add_rep
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from tests.conftest import empty_team_book

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
DERIVED = {
    "lead_marks": "prospect_id, per_method, method",
    "call_days": "day, method, source",
    "rep_call_days": "rep, day, method, source",
}
# name, method, source, created_at (one on the last days of a month, one that does not read).
PROSPECTS = [
    ("Ann Archer", "solution", "webinar", "2026-11-02T09:00:00+00:00"),
    ("Ben Baker", "benefits", "  ", "2026-10-30T17:45:00+00:00"),
    ("Cy Cole", "solution", None, "2026-11-20T08:00:00+00:00"),
    ("Di Dunn", "inbound", "referral", "2026-11-29T23:59:59+00:00"),
    ("Ed Eck", "solution", "webinar", "not a moment"),
]


@pytest.fixture
def team_db(postgres_url: str) -> Iterator[Any]:
    storage = open_team_book(postgres_url)
    empty_team_book(postgres_url)
    db = storage.db
    for rep in ("alex", "bea"):
        add_rep(db, rep)
    for name, method, source, created_at in PROSPECTS:
        db.execute(
            "INSERT INTO prospects (name, method, source, created_at) VALUES (?, ?, ?, ?)",
            [name, method, source, created_at],
        )
    yield db
    storage.close()


def derived_rows(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: [tuple(row) for row in db.execute(f"SELECT * FROM {table} ORDER BY {order}")]
        for table, order in DERIVED.items()
    }


def counted_from_the_calls(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The rows the triggers' own functions build, prospect by prospect, from nothing."""
    # Rolled back: the book stays as the triggers kept it.
    with db.conn.transaction(force_rollback=True):
        db.execute("TRUNCATE lead_marks, call_days, rep_call_days")
        db.execute("SELECT funnel_mark_prospect(id) FROM prospects")
        db.execute("SELECT funnel_count_prospect_calls(p, 1) FROM prospects p")
        db.execute("SELECT funnel_count_rep_prospect_calls(p, 1) FROM prospects p")
        return derived_rows(db)


def test_calls_logged_and_undone_leave_the_rows_a_fresh_count_gives(team_db: Any) -> None:
    db = team_db
    settings = Settings()

    def log(prospect_id: int, entry: CallOutcome, minutes: int, rep: str = "alex") -> None:
        when = NOW + timedelta(minutes=minutes)
        log_call(db, prospect_id, entry, now=when, settings=settings, rep=rep)

    # First calls: no answer, a meeting booked, a refusal, a busy line, and one on a
    # prospect whose own moment does not read.
    log(1, CallOutcome(Outcome.NO_ANSWER), 0)
    log(2, CallOutcome(Outcome.MEETING, follow_up_at=NOW + timedelta(days=2)), 1, rep="bea")
    log(3, CallOutcome(Outcome.NOT_INTERESTED, reason=LostReason.BUDGET), 2)
    log(4, CallOutcome(Outcome.BUSY), 3)
    log(5, CallOutcome(Outcome.VOICEMAIL), 4, rep="bea")
    # Repeat calls: a second busy signal the same day (one attempt), a connect later.
    log(4, CallOutcome(Outcome.BUSY), 10)
    log(1, CallOutcome(Outcome.CALLBACK, follow_up_at=NOW + timedelta(days=1)), 11)
    # Another tool's calls: one under a second method, one whose moment does not read.
    db.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome, method, rep)"
        " VALUES (1, '2026-11-30T16:00:00+00:00', 'no_answer', 'benefits', 'alex')"
    )
    db.execute("INSERT INTO calls (prospect_id, started_at, outcome) VALUES (3, 'soon', 'busy')")
    marks_of_four = db.execute("SELECT count(*) FROM lead_marks WHERE prospect_id = 4").fetchone()
    assert marks_of_four == (1,)
    attempts = dict(db.execute("SELECT id, attempts FROM prospects").fetchall())
    assert attempts[4] == 1  # two busy signals in one day count as one attempt
    assert derived_rows(db) == counted_from_the_calls(db)

    # Undo takes a first call back, and its prospect's next call is a first call again.
    assert undo_last_call(db, rep="bea") is not None
    assert db.execute("SELECT count(*) FROM lead_marks WHERE prospect_id = 5").fetchone() == (0,)
    log(5, CallOutcome(Outcome.NO_ANSWER), 20)
    assert undo_last_call(db, rep="alex") is not None
    assert derived_rows(db) == counted_from_the_calls(db)
    assert not db.execute("SELECT 1 FROM call_days WHERE calls = 0").fetchall()
    assert not db.execute("SELECT 1 FROM rep_call_days WHERE calls = 0").fetchall()
