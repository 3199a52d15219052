"""Schema v11: a call's request id is unique per rep; an upgrade keeps every request id."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.checks import check_database
from funnel_tui.domain import Outcome
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.store.errors import integrity_errors
from funnel_tui.store.sqlite import open_storage
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer

NOW = datetime(2026, 11, 9, 10, 0, tzinfo=UTC)
# The calls of a v10 book: the one rep's (no rep) and, in a team's, alex's.
V10_CALLS = [(None, "r-1"), ("alex", "r-2"), (None, None)]


def assert_upgraded(db: Any) -> None:
    """The request ids are kept, and a key is now the rep's: blake may log alex's r-2,
    alex and the one-rep book may not log theirs twice."""
    rows = db.execute("SELECT rep, request_id FROM calls ORDER BY id").fetchall()
    assert [tuple(row) for row in rows] == V10_CALLS
    settings = Settings()
    entry = CallOutcome(Outcome.VOICEMAIL)
    blake = log_call(db, 1, entry, now=NOW, settings=settings, request_id="r-2", rep="blake")
    assert not blake.already_logged
    alex = log_call(db, 1, entry, now=NOW, settings=settings, request_id="r-2", rep="alex")
    mine = log_call(db, 1, entry, now=NOW, settings=settings, request_id="r-1")
    assert (alex.call_id, alex.already_logged) == (2, True)
    assert (mine.call_id, mine.already_logged) == (1, True)
    with pytest.raises(integrity_errors()):
        db.execute("INSERT INTO calls (prospect_id, outcome, request_id) VALUES (1, 'busy', 'r-1')")


def test_upgrading_a_version_10_file_keeps_its_request_ids(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 10)
    conn.execute("INSERT INTO prospects (name) VALUES ('Ann Archer')")
    conn.execute("INSERT INTO reps (name) VALUES ('alex'), ('blake')")
    for rep, request_id in V10_CALLS:
        conn.execute(
            "INSERT INTO calls (prospect_id, outcome, rep, request_id)"
            " VALUES (1, 'no_answer', ?, ?)",
            [rep, request_id],
        )
    conn.close()
    storage = open_storage(path)
    try:
        assert storage.db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        indexes = {
            name
            for (name,) in storage.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert "calls_request_id" not in indexes and "calls_rep_request_id" in indexes
        assert_upgraded(storage.db)
    finally:
        storage.close()
    assert check_database(path) == []


@pytest.fixture
def version_10_team(postgres_server: PostgresServer) -> Iterator[str]:
    """A team database as funnel's v10 left it, with calls that have request ids."""
    with team_database_at(postgres_server, 10) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO prospects (name) VALUES ('Ann Archer')")
            conn.execute("INSERT INTO reps (name) VALUES ('alex'), ('blake')")
            for rep, request_id in V10_CALLS:
                conn.execute(
                    "INSERT INTO calls (prospect_id, outcome, rep, request_id)"
                    " VALUES (1, 'no_answer', %s, %s)",
                    [rep, request_id],
                )
        yield url


def test_upgrading_a_version_10_team_database_keeps_its_request_ids(version_10_team: str) -> None:
    storage = open_team_book(version_10_team)
    try:
        db = storage.db
        assert db.execute("SELECT version FROM schema_version").fetchone()[0] == LATEST_VERSION
        constraints = db.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'calls'::regclass AND contype = 'u'"
        ).fetchall()
        assert constraints == []
        assert_upgraded(db)
    finally:
        storage.close()
