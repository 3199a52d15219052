"""The PostgreSQL the tests run against is a real server: it answers, keeps what is
committed, and refuses a wrong password (what the team mode's tests stand on)."""

from __future__ import annotations

import psycopg
import pytest

from tests.postgres_server import PostgresServer


def test_a_fresh_database_is_empty_and_keeps_what_is_committed(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        assert tables == (0,)
        conn.execute("CREATE TABLE probe (id integer PRIMARY KEY)")
        conn.execute("INSERT INTO probe VALUES (1)")
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT id FROM probe").fetchall() == [(1,)]
        assert conn.execute("SHOW server_version_num").fetchone()[0] >= "150000"


def test_a_wrong_password_is_refused(postgres_server: PostgresServer, postgres_url: str) -> None:
    database = postgres_url.partition("@/")[2].partition("?")[0]
    with psycopg.connect(postgres_server.password_url(database)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("funnel_rep",)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(postgres_server.password_url(database, "wrong"))
