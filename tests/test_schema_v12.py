"""Schema v12: a team's book reads a moment on the 29th, 30th or 31st without parsing it,
and reads every moment as before."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store import open_team_book
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer

# funnel_utc as v6 to v11 wrote it: only days 1 to 28 were read as they are.
V11_FUNNEL_UTC = r"""
CREATE OR REPLACE FUNCTION funnel_utc(moment text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN moment ~ ('^(19|2[0-9])[0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])'
                       || 'T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9][+]00:00$')
        THEN moment
        ELSE funnel_utc_parsed(moment)
    END
$$;
"""

# Every month and day number from 01 to 31 of a leap year, a year before and after it and
# a century that is not one, real days or not, at a moment of the day and in other forms.
EVERY_DAY_NUMBER = """
SELECT y || '-' || lpad(m::text, 2, '0') || '-' || lpad(d::text, 2, '0') || t
FROM unnest(ARRAY['1900', '2023', '2024', '2025', '2100', '2999']) AS y,
    generate_series(1, 12) AS m, generate_series(0, 32) AS d,
    unnest(ARRAY['T10:30:00+00:00', 'T23:59:59+00:00', 'T24:00:00+00:00', 'T10:30:00+02:00',
                 'T10:30:00Z', 'T10:30:00', ' 10:30:00', '']) AS t
"""


@pytest.fixture
def version_11_team(postgres_server: PostgresServer) -> Iterator[str]:
    """A team database as funnel's v11 left it, with a call on the 31st."""
    with team_database_at(postgres_server, 11) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(V11_FUNNEL_UTC)
            conn.execute("INSERT INTO prospects (name) VALUES ('Ann Archer')")
            conn.execute(
                "INSERT INTO calls (prospect_id, outcome, started_at)"
                " VALUES (1, 'no_answer', '2026-10-31T16:00:00+00:00')"
            )
        yield url


def test_upgrading_a_version_11_team_database_reads_every_moment_as_before(
    version_11_team: str,
) -> None:
    with psycopg.connect(version_11_team) as conn:
        before = conn.execute(f"SELECT x, funnel_utc(x) FROM ({EVERY_DAY_NUMBER}) AS m(x)")
        read_before = dict(before.fetchall())
    storage = open_team_book(version_11_team)
    try:
        db = storage.db
        assert db.execute("SELECT version FROM schema_version").fetchone()[0] == LATEST_VERSION
        read_now = dict(
            db.execute(f"SELECT x, funnel_utc(x) FROM ({EVERY_DAY_NUMBER}) AS m(x)").fetchall()
        )
        assert read_now == read_before
        day = db.execute("SELECT day FROM call_days").fetchone()[0]
        assert day == "2026-10-31"
    finally:
        storage.close()


def test_a_moment_in_the_form_funnel_writes_is_read_as_it_is_unless_parsing_differs(
    version_11_team: str,
) -> None:
    """The fast path gives what parsing gives for every day number, and takes the 29th,
    30th and 31st of the months that have them (not the 29th of February)."""
    storage = open_team_book(version_11_team)
    try:
        db = storage.db
        differ = db.execute(
            f"SELECT x FROM ({EVERY_DAY_NUMBER}) AS m(x)"
            " WHERE funnel_utc(x) IS DISTINCT FROM funnel_utc_parsed(x)"
        ).fetchall()
        assert differ == []
        form = db.execute(
            "SELECT x FROM unnest(ARRAY['2025-01-31T10:30:00+00:00', '2025-04-30T10:30:00+00:00',"
            " '2025-12-29T10:30:00+00:00', '2024-02-29T10:30:00+00:00',"
            " '2025-04-31T10:30:00+00:00', '2025-02-30T10:30:00+00:00']) AS x"
            " WHERE x ~ (SELECT substring(prosrc FROM '''(\\^[^'']*)''') FROM pg_proc"
            " WHERE proname = 'funnel_utc')"
        ).fetchall()
        assert [row[0] for row in form] == [
            "2025-01-31T10:30:00+00:00",
            "2025-04-30T10:30:00+00:00",
            "2025-12-29T10:30:00+00:00",
        ]
    finally:
        storage.close()
