"""Schema v17 on a team's PostgreSQL database: a window's leads read a prospect called
again after the window by its calls of the window alone, a range of an index of calls by
prospect and moment, and count it by the moment of each call whatever form it is stored
in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date

import psycopg
import pytest

from funnel_tui.manager_figures import LEADS_SQL, REP_COUNTS, Window
from funnel_tui.pace import load_pace
from funnel_tui.rep_rows import Whose
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer

# Each prospect's calls, stored as funnel and other tools store them; the last of each
# comes after November, so every lead's marks lie after the window.
CALLS = {
    "Ada": [("2026-11-10 12:00:00", "meeting")],
    "Bob": [("2026-11-30T23:30:00-05:00", "callback")],  # 1 December in UTC
    "Cy": [("2026-10-20T12:00:00+00:00", "not_interested")],
    "Dee": [("2026-12-01T01:00:00+02:00", "not_interested")],  # 30 November in UTC
}
LATER = ("2026-12-02T09:00:00+00:00", "no_answer")
NOVEMBER_END = date(2026, 11, 30)


@pytest.fixture
def version_16_team(postgres_server: PostgresServer) -> Iterator[str]:
    """A team database as funnel's v16 left it, with a November target and the calls above."""
    with team_database_at(postgres_server, 16) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO targets (period, starts_on, ends_on, amount_cents)"
                " VALUES ('month', '2026-11-01', '2026-11-30', 100000)"
            )
            for name, calls in CALLS.items():
                (prospect_id,) = conn.execute(
                    "INSERT INTO prospects (name) VALUES (%s) RETURNING id", [name]
                ).fetchone()
                for started_at, outcome in [*calls, LATER]:
                    conn.execute(
                        "INSERT INTO calls (prospect_id, outcome, started_at) VALUES (%s, %s, %s)",
                        [prospect_id, outcome, started_at],
                    )
        yield url


def test_upgraded_team_counts_the_leads_of_the_window_by_their_calls_in_it(
    version_16_team: str,
) -> None:
    storage = open_team_book(version_16_team)
    try:
        pace = load_pace(storage.db, NOVEMBER_END, Settings(), tz=UTC)
        assert pace is not None and pace.figures is not None
        found = pace.figures
        # Ada (a meeting) and Dee (a no) were called in November; Bob after, Cy before.
        assert (found.leads_worked, found.reached, found.meeting_leads) == (2, 2, 1)
        assert found.win_rate == 0.0
    finally:
        storage.close()


def test_a_leads_calls_of_the_window_are_a_range_of_the_index_by_prospect_and_moment(
    version_16_team: str,
) -> None:
    storage = open_team_book(version_16_team)
    try:
        storage.db.execute("SET enable_seqscan = off")
        params = Window.of_days(date(2026, 11, 1), NOVEMBER_END, UTC).params
        sql = LEADS_SQL.for_db(storage.db)
        plan = [row[0].strip() for row in storage.db.execute(f"EXPLAIN {sql}", params)]
        assert "using calls_prospect_utc on calls" in " ".join(plan), plan
        # The moments are the index's: no call's text is tested on the way.
        filters = [step for step in plan if step.startswith("Filter:")]
        assert not any("started_at ~" in step for step in filters), plan
    finally:
        storage.close()


def test_every_reps_counts_of_a_span_of_days_are_read_from_the_index_by_day_alone(
    version_16_team: str,
) -> None:
    """The plan's 90 days of every rep's calls: a range of rep_call_days_day, which holds
    what the statement sums, not the whole table."""
    storage = open_team_book(version_16_team)
    try:
        storage.db.execute("SET enable_seqscan = off")
        days = {"first_day": "2026-09-02", "after_last_day": "2026-12-01"}
        sql = REP_COUNTS.rate_totals.form(Whose.EVERY_REP).for_db(storage.db)
        plan = " ".join(row[0].strip() for row in storage.db.execute(f"EXPLAIN {sql}", days))
        assert "Index Only Scan using rep_call_days_day on rep_call_days" in plan, plan
    finally:
        storage.close()
