"""Schema v19 on a team's PostgreSQL database: the open opportunities are indexed by their
expected close day, so that the nearest expected closes (the book's and each rep's) are
found in the index, and the deals whose closed_on cannot be read have an index of their
own, so that what a period won counts them without reading every deal; an upgraded book
gives the same figures."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, date
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from funnel_tui.pace import WON_SQL, load_pace, set_target
from funnel_tui.pipeline import SOONEST_SQL, load_pipeline
from funnel_tui.rep_rows import FigureRows, Whose
from funnel_tui.reps import add_rep
from funnel_tui.settings import Settings, StageWeights
from funnel_tui.store import open_team_book
from tests.older_team import team_database_at
from tests.postgres_server import BIN_ENV, DEFAULT_BIN, PostgresServer
from tests.rows import insert_row

# name, owner, stage, value in cents, expected close day.
PROSPECTS = [
    ("Ada", "alex", "proposal", 900_000, "2026-12-20"),
    ("Bob", "alex", "meeting", 100_000, None),
    ("Cy", "blake", "qualified", 300_000, "2026-12-05"),
    ("Dee", "blake", "proposal", 500_000, "2026-11-28"),
    ("Eve", "alex", "won", 700_000, "2026-11-01"),
    ("Fay", None, "meeting", 200_000, "2026-12-09"),
    ("Gus", "alex", "qualified", 0, "2026-12-01"),
]
TODAY = date(2026, 12, 3)


@pytest.fixture
def version_18_team(postgres_server: PostgresServer) -> Iterator[str]:
    """A team database as funnel's v18 left it, with the prospects above."""
    with team_database_at(postgres_server, 18) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            for row in PROSPECTS:
                conn.execute(
                    "INSERT INTO prospects"
                    " (name, owner, stage, deal_value_cents, expected_close_on)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    row,
                )
        yield url


def test_upgraded_team_lists_the_nearest_expected_closes_of_the_book_and_of_each_rep(
    version_18_team: str,
) -> None:
    storage = open_team_book(version_18_team)
    try:

        def soonest(rep: str | None) -> list[str]:
            pipeline = load_pipeline(
                storage.db, StageWeights(), today=TODAY, closing_by=date(2026, 12, 31), rep=rep
            )
            return [opportunity.name for opportunity in pipeline.soonest]

        # Open, with a value and a day, nearest first: not Bob (no day), Eve (won), Gus (0).
        assert soonest(None) == ["Dee", "Cy", "Fay", "Ada"]
        assert soonest("alex") == ["Ada"]
        assert soonest("blake") == ["Dee", "Cy"]
    finally:
        storage.close()


def test_the_nearest_expected_closes_are_found_in_the_index_by_their_day(
    version_18_team: str,
) -> None:
    storage = open_team_book(version_18_team)
    try:
        storage.db.execute("SET enable_seqscan = off")
        storage.db.execute("SET enable_bitmapscan = off")
        for whose in Whose:
            sql = SOONEST_SQL.form(whose).for_db(storage.db)
            params = {"limit": 5, "rep": None}
            plan = " ".join(row[0] for row in storage.db.execute(f"EXPLAIN {sql}", params))
            assert "prospects_pipeline" in plan, plan
            # The opportunities without a day are passed over in the index, not the table.
            index_conditions = plan.split("Index Cond: ")[1:]
            assert any("expected_close_on IS NOT NULL" in part for part in index_conditions), plan
        assert FigureRows(storage.db, None).rows(SOONEST_SQL, {"limit": 5})
    finally:
        storage.close()


# closed_on of each deal of Ada's: in the month, before it, and three that cannot be read
# (any month's, so left out of every report).
DEALS = ["2026-12-02", "2026-11-15", "soon", "2026-13-45", "2026-02-29"]


def test_upgraded_team_leaves_out_the_deals_whose_day_cannot_be_read_found_by_the_index(
    version_18_team: str,
) -> None:
    storage = open_team_book(version_18_team)
    try:
        db = storage.db
        (ada,) = db.execute("SELECT id FROM prospects WHERE name = 'Ada'").fetchone()
        for closed_on in DEALS:
            db.execute(
                "INSERT INTO deals (prospect_id, amount_cents, closed_on, rep)"
                " VALUES (:ada, 100000, :closed_on, 'alex')",
                {"ada": ada, "closed_on": closed_on},
            )
        add_rep(db, "alex")
        for rep in (None, "alex"):
            set_target(db, amount_cents=1_000_000, period="month", today=TODAY, rep=rep)
        for rep in (None, "alex"):
            pace = load_pace(db, TODAY, Settings(), tz=UTC, rep=rep)
            assert pace is not None
            assert (pace.won_cents, pace.skipped) == (100_000, 3)
        db.execute("SET enable_seqscan = off")
        db.execute("SET enable_bitmapscan = off")
        for whose in Whose:
            sql = WON_SQL.form(whose).for_db(db)
            params = {"starts_on": "2026-12-01", "after_end": "2026-12-04", "rep": None}
            plan = " ".join(row[0] for row in db.execute(f"EXPLAIN {sql}", params))
            assert "deals_unreadable_closed" in plan, plan
    finally:
        storage.close()


def test_a_teams_book_dumped_with_pg_dump_restores_with_pg_restore(
    postgres_server: PostgresServer, version_18_team: str, tmp_path: Path
) -> None:
    """The README's backup of a team's book: pg_restore builds the indexes that compute a
    moment in UTC with an empty search_path, which found no funnel_utc_parsed before v19.
    A book upgraded from v18 restores, and reads the same."""
    storage = open_team_book(version_18_team)
    try:
        db = storage.db
        (ada,) = db.execute("SELECT id FROM prospects WHERE name = 'Ada'").fetchone()
        for started_at in ("2026-12-01 10:00", "2026-12-02T09:30:00+00:00", "soon"):
            insert_row(
                db,
                "calls",
                {"prospect_id": ada, "outcome": "no_answer", "started_at": started_at},
            )
        for closed_on in DEALS:
            insert_row(
                db, "deals", {"prospect_id": ada, "amount_cents": 100_000, "closed_on": closed_on}
            )
        set_target(db, amount_cents=1_000_000, period="month", today=TODAY)
        before = load_pace(db, TODAY, Settings(), tz=UTC)
    finally:
        storage.close()
    dump = tmp_path / "team.dump"
    name = urlsplit(version_18_team).path.lstrip("/")
    connection = ["-h", str(postgres_server.socket_dir), "-p", str(postgres_server.port)]
    connection += ["-U", postgres_server.superuser]
    binaries = Path(os.environ.get(BIN_ENV, DEFAULT_BIN))
    subprocess.run([binaries / "pg_dump", "-Fc", *connection, "-f", dump, name], check=True)
    restored = f"{name}_restored"
    url = postgres_server.create_database(restored)
    try:
        restore = [binaries / "pg_restore", "--exit-on-error", *connection, "-d", restored, dump]
        done = subprocess.run(restore, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        storage = open_team_book(url)
        try:
            after = load_pace(storage.db, TODAY, Settings(), tz=UTC)
            assert after == before
            assert after is not None and after.figures is not None
            # Left out: the start and the three days that cannot be read.
            assert (after.figures.calls, after.skipped) == (2, 4)
        finally:
            storage.close()
    finally:
        postgres_server.drop_database(restored)
