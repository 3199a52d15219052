"""Schema v15 on a team's PostgreSQL database: a report finds a window's calls as a range of
the indexes of funnel_utc(started_at), testing no call's text on the way, and counts the
calls whose moment falls in the window, whatever form another tool stored it in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date
from zoneinfo import ZoneInfo

import psycopg
import pytest

from funnel_tui.manager_figures import (
    REP_COUNTS,
    Window,
    call_counts,
    count_params,
    load_today_activity,
)
from funnel_tui.rep_figures import REP_MEETING_LEADS_SQL
from funnel_tui.rep_rows import RepStatement, Whose
from funnel_tui.store import open_team_book
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer

# Moments as funnel and other tools store them, with their outcomes: five fall on Monday
# 30 November 2026 in UTC (one written with another zone), three do not.
CALLS = [
    ("2026-11-30T09:00:00+00:00", "no_answer"),
    ("2026-11-30T10:00:00+00:00", "meeting"),
    ("2026-11-30 11:00:00", "callback"),
    ("2026-12-01T01:00:00+02:00", "voicemail"),
    ("2026-11-30T23:59:59+00:00", "not_interested"),
    ("2026-11-30T23:30:00-05:00", "no_answer"),
    ("2026-11-31T10:00:00+00:00", "meeting"),
    ("soon", "meeting"),
]
MONDAY = date(2026, 11, 30)


@pytest.fixture
def version_14_team(postgres_server: PostgresServer) -> Iterator[str]:
    """A team database as funnel's v14 left it, with calls stored in several forms."""
    with team_database_at(postgres_server, 14) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO reps (name) VALUES ('alex')")
            conn.execute("INSERT INTO prospects (name) VALUES ('Ann Archer')")
            for started_at, outcome in CALLS:
                conn.execute(
                    "INSERT INTO calls (prospect_id, rep, outcome, started_at)"
                    " VALUES (1, 'alex', %s, %s)",
                    [outcome, started_at],
                )
        yield url


def test_upgraded_team_database_counts_the_calls_whose_moment_falls_on_the_day(
    version_14_team: str,
) -> None:
    storage = open_team_book(version_14_team)
    try:
        activity = load_today_activity(storage.db, MONDAY, UTC)
        assert (activity.dials, activity.connects, activity.meetings) == (5, 3, 1)
        assert load_today_activity(storage.db, MONDAY, UTC, rep="alex") == activity
        assert load_today_activity(storage.db, MONDAY, UTC, rep="bea").dials == 0
    finally:
        storage.close()


def test_a_local_day_counts_the_calls_of_its_two_partial_utc_days_by_their_moment(
    version_14_team: str,
) -> None:
    """Monday in New York is 05:00 to 05:00 UTC: no UTC day lies wholly inside it, so every
    call is read at its edges, including the one stored at -05:00 that falls on Tuesday in
    UTC and the one stored at +02:00 that falls on Monday."""
    storage = open_team_book(version_14_team)
    try:
        new_york = ZoneInfo("America/New_York")
        window = Window.of_days(MONDAY, MONDAY, new_york)
        for rep in (None, "alex"):
            totals = call_counts(storage.db, window, rep=rep).totals
            assert (totals["calls"], totals["connects"], totals["meetings"]) == (6, 3, 1)
            # The gauge's, counted in total.
            activity = load_today_activity(storage.db, MONDAY, new_york, rep=rep)
            assert (activity.dials, activity.connects, activity.meetings) == (6, 3, 1)
    finally:
        storage.close()


def _plan(db: object, statement: RepStatement, whose: Whose) -> list[str]:
    sql = statement.form(whose).for_db(db)
    # Monday in New York: the calls of its two partial UTC days outside it.
    window = Window.of_days(MONDAY, MONDAY, ZoneInfo("America/New_York"))
    params = count_params(window, "alex")
    return [row[0].strip() for row in db.execute(f"EXPLAIN {sql}", params)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("whose", list(Whose))
@pytest.mark.parametrize(
    ("statement", "indexes"),
    [
        (REP_COUNTS.rate_edges, ("calls_utc", "calls_rep_utc")),
        (REP_COUNTS.rate_outside, ("calls_utc", "calls_rep_utc")),
        (REP_MEETING_LEADS_SQL, ("calls_rep_meetings",)),
    ],
    ids=["calls of the day", "calls of its whole UTC days outside it", "meetings of the plan"],
)
def test_a_window_of_calls_is_a_range_of_an_index_with_no_moment_tested(
    version_14_team: str, statement: RepStatement, indexes: tuple[str, ...], whose: Whose
) -> None:
    storage = open_team_book(version_14_team)
    try:
        storage.db.execute("SET enable_seqscan = off")
        plan = _plan(storage.db, statement, whose)
        assert any(f"using {index} on calls" in " ".join(plan) for index in indexes), plan
        filters = [step for step in plan if step.startswith("Filter:")]
        assert not any("started_at ~" in step for step in filters), "\n".join(plan)
    finally:
        storage.close()
