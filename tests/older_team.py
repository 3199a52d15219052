"""Team databases as an older funnel left them, for the tests of an upgrade."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from funnel_tui.store.postgres_schema import FIRST_VERSION, MIGRATIONS
from tests.postgres_server import PostgresServer


@contextmanager
def team_database_at(server: PostgresServer, version: int) -> Iterator[str]:
    """The URL of a new team database as funnel's `version` left it (its schema steps up to
    that version run, and the version recorded), dropped afterwards."""
    name = f"t_v{version}_{secrets.token_hex(3)}"
    url = server.create_database(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            for number in range(FIRST_VERSION, version + 1):
                if script := MIGRATIONS[number]:
                    conn.execute(script)
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", [version])
        yield url
    finally:
        server.drop_database(name)
