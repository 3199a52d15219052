"""Schema v16: the queue filter reads accents and case as the rep would not type them, in a
file upgraded from v15 (its index of words built from the prospects it holds) and in a
team's book upgraded from v15 (its folded text worked out for the rows it holds)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from funnel_tui.accents import ACCENTED, COMBINING, fold
from funnel_tui.checks import check_database, repair_database
from funnel_tui.queue import QueueMode, queue_ids
from funnel_tui.queue_filter import filter_clause, filter_terms
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import Storage, open_storage
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer

NOW = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)


def found(db: object, text: str) -> list[int]:
    return list(queue_ids(db, now=NOW, mode=QueueMode.ALL, text=text))


def test_upgrading_a_version_15_file_finds_its_prospects_without_accents(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 15)
    conn.execute("INSERT INTO prospects (name, company) VALUES ('José Álvarez', 'Müller GmbH')")
    conn.close()
    storage = open_storage(path)
    try:
        db = storage.db
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        assert found(db, "jose muller") == [1]
        db["prospects"].insert({"name": "Zoë Ångström"})
        assert found(db, "angstrom") == [2]
    finally:
        storage.close()
    assert check_database(path) == []


def test_check_names_a_missing_word_index_and_repair_builds_it(
    storage: Storage, db: sqlite_utils.Database
) -> None:
    db["prospects"].insert({"name": "José Álvarez"})
    db.execute("DROP TABLE prospect_words")
    assert check_database(storage.path) == [
        "prospect_words, the queue filter's word index, is missing; `funnel check --repair`"
        " builds it again"
    ]
    # Meanwhile the filter matches the text as typed.
    assert found(db, "josé") == [1]
    assert found(db, "jose") == []
    repair_database(db)
    assert check_database(storage.path) == []
    assert found(db, "jose") == [1]


def test_upgrading_a_team_book_from_version_15_folds_the_text_it_holds(
    postgres_server: PostgresServer,
) -> None:
    with team_database_at(postgres_server, 15) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO prospects (name, company) VALUES ('José Álvarez', 'Éditions')"
            )
        storage = open_team_book(url)
        try:
            db = storage.db
            assert found(db, "jose editions") == [1]
            assert found(db, "ÁLVAREZ") == [1]
            assert found(db, "alvarez acme") == []
            # A word of three letters or more is looked up in pg_trgm's index.
            clause, params = filter_clause(db, filter_terms("alvarez jose", None))
            db.execute("SET enable_seqscan = off")
            plan = db.execute(f"EXPLAIN SELECT id FROM prospect_search WHERE {clause}", params)
            assert "prospect_search_folded" in " ".join(row[0] for row in plan)
        finally:
            storage.close()


def test_a_team_book_without_pg_trgm_upgrades_and_filters_by_reading_every_row(
    postgres_server: PostgresServer,
) -> None:
    """pg_trgm already there but out of the search path (as a host may install it): its
    operator class cannot be named, so v16 goes without the trigram indexes."""
    with team_database_at(postgres_server, 15) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA elsewhere")
            conn.execute("CREATE EXTENSION pg_trgm SCHEMA elsewhere")
            conn.execute("INSERT INTO prospects (name) VALUES ('José Álvarez')")
        storage = open_team_book(url)
        try:
            db = storage.db
            assert db.execute("SELECT version FROM schema_version").fetchone() == (LATEST_VERSION,)
            indexes = db.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'prospect_search'"
            ).fetchall()
            assert indexes == [("prospect_search_pkey",)]
            assert found(db, "jose") == [1]
        finally:
            storage.close()


# Letters funnel_fold and accents.fold both know: ASCII's, the accented Latin ones, and
# the combining accents (with or without a letter before them).
FOLDABLE = st.text(
    alphabet=st.sampled_from(
        "abcXYZ 019@.-'" + ACCENTED[::7] + ACCENTED[-20:] + COMBINING[:5] + "\u0308\u0327"
    ),
    max_size=20,
)


@pytest.fixture(scope="module")
def team_connection(postgres_server: PostgresServer) -> Iterator[psycopg.Connection]:
    with (
        team_database_at(postgres_server, LATEST_VERSION) as url,
        psycopg.connect(url, autocommit=True) as conn,
    ):
        yield conn


@settings(max_examples=300, deadline=None)
@given(text=FOLDABLE)
def test_the_team_book_folds_text_as_the_filter_folds_what_is_typed(
    team_connection: psycopg.Connection, text: str
) -> None:
    """A word typed is folded in Python and the stored text by PostgreSQL: the two agree,
    or a prospect would go unfound."""
    (stored,) = team_connection.execute("SELECT funnel_fold(%s)", [text]).fetchone()
    assert stored == fold(text)


@pytest.mark.parametrize(
    "replaced",
    [
        pytest.param(
            ["DROP TABLE prospect_words", "CREATE TABLE prospect_words (search_text TEXT)"],
            id="the index as a plain table",
        ),
        pytest.param(
            [
                "DROP TABLE prospect_words",
                "CREATE VIRTUAL TABLE prospect_words USING fts5(search_text,"
                " content='prospect_accented', content_rowid='id',"
                " tokenize='unicode61 remove_diacritics 0', detail='none')",
            ],
            id="the index keeping accents",
        ),
        pytest.param(
            [
                "DROP VIEW prospect_accented",
                "CREATE TABLE prospect_accented (id INTEGER PRIMARY KEY, search_text TEXT)",
            ],
            id="the view as a table",
        ),
    ],
)
def test_check_names_a_word_index_another_tool_made_again_and_repair_puts_back_funnels(
    storage: Storage, db: sqlite_utils.Database, replaced: list[str]
) -> None:
    db["prospects"].insert({"name": "Zoë Ångström"})
    for statement in replaced:
        db.execute(statement)
    problems = check_database(storage.path)
    assert any("is not funnel's; `funnel check --repair` builds it again" in p for p in problems)
    repair_database(db)
    assert check_database(storage.path) == []
    assert found(db, "zoe") == [1]
    db["prospects"].insert({"name": "Zoë Ørsted"})
    assert found(db, "zoe") == [1, 2]
