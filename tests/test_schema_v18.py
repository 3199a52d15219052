"""Schema v18: each prospect's lead marks name the rep who made all its calls (only_rep), on
both backends: kept by the triggers through every change to calls and prospects, filled
when a file or a team's book is upgraded from v17, and in every row of the prospect."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from funnel_tui.checks import check_database
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer
from tests.rows import insert_row


def only_reps(db: Any) -> dict[int, str | None]:
    """Each marked prospect's only_rep, checked to be the same in all its rows."""
    found: dict[int, set[str | None]] = {}
    for prospect_id, rep in db.execute("SELECT prospect_id, only_rep FROM lead_marks").fetchall():
        found.setdefault(prospect_id, set()).add(rep)
    assert all(len(reps) == 1 for reps in found.values()), found
    return {prospect_id: reps.pop() for prospect_id, reps in found.items()}


def reps_of_the_calls(db: Any) -> dict[int, str | None]:
    """What only_rep should be, worked out from the calls: the rep of every call of the
    prospect, or None when they differ or one has no rep."""
    reps: dict[int, set[str | None]] = {}
    for prospect_id, rep in db.execute("SELECT prospect_id, rep FROM calls").fetchall():
        reps.setdefault(prospect_id, set()).add(rep)
    return {
        prospect_id: next(iter(names)) if len(names) == 1 else None
        for prospect_id, names in reps.items()
    }


def call(db: Any, prospect_id: int, rep: str | None, day: int, method: str = "") -> int:
    row = {
        "prospect_id": prospect_id,
        "rep": rep,
        "outcome": "no_answer",
        "method": method,
        "started_at": f"2026-11-{day:02d}T10:00:00+00:00",
    }
    return insert_row(db, "calls", row)


def test_only_rep_follows_every_change_to_calls_and_prospects(book_db: Any) -> None:
    db = book_db
    ann, bob, cy = (
        insert_row(db, "prospects", {"name": name, "method": "solution"})
        for name in ("Ann", "Bob", "Cy")
    )

    def kept() -> dict[int, str | None]:
        found = only_reps(db)
        assert found == reps_of_the_calls(db)
        return found

    first = call(db, ann, "alex", 2)
    second = call(db, ann, "alex", 3)
    call(db, bob, "blake", 3)
    # Cy is called under two methods: a row per method, each with the rep.
    call(db, cy, "alex", 4, method="benefits")
    call(db, cy, "alex", 5)
    assert kept() == {ann: "alex", bob: "blake", cy: "alex"}
    assert db.execute(f"SELECT count(*) FROM lead_marks WHERE prospect_id = {cy}").fetchone()[0] > 1
    # A call of another rep, a call of nobody's, and back.
    nobodys = call(db, bob, None, 6)
    db.execute("UPDATE calls SET rep = 'blake' WHERE id = ?", [second])
    assert kept() == {ann: None, bob: None, cy: "alex"}
    db.execute("DELETE FROM calls WHERE id = ?", [nobodys])
    db.execute("UPDATE calls SET rep = 'alex' WHERE id = ?", [second])
    assert kept() == {ann: "alex", bob: "blake", cy: "alex"}
    # A call moved to another prospect; a prospect's method changed; a prospect deleted.
    db.execute("UPDATE calls SET prospect_id = ? WHERE id = ?", [bob, first])
    db.execute("UPDATE prospects SET method = 'benefits' WHERE id = ?", [cy])
    assert kept() == {ann: "alex", bob: None, cy: "alex"}
    db.execute("DELETE FROM prospects WHERE id = ?", [ann])
    assert kept() == {bob: None, cy: "alex"}


def test_upgrading_a_version_17_file_fills_only_rep(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 17)
    conn.execute("INSERT INTO prospects (id, name) VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy')")
    for prospect_id, rep in [(1, "alex"), (1, "alex"), (2, "alex"), (2, "blake"), (3, None)]:
        conn.execute(
            "INSERT INTO calls (prospect_id, rep, outcome, started_at)"
            " VALUES (?, ?, 'no_answer', '2026-11-20T10:00:00+00:00')",
            [prospect_id, rep],
        )
    conn.commit()
    conn.close()
    storage = open_storage(path)
    try:
        db = storage.db
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        assert only_reps(db) == {1: "alex", 2: None, 3: None}
        call(db, 3, "blake", 21)
        assert only_reps(db) == {1: "alex", 2: None, 3: None}
    finally:
        storage.close()
    assert check_database(path) == []


@pytest.fixture
def version_17_team(postgres_server: PostgresServer) -> Iterator[str]:
    """A team database as funnel's v17 left it: one prospect called by one rep, one by two,
    one by one rep and once with no rep, one called under two methods by one rep."""
    with team_database_at(postgres_server, 17) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            calls = {
                "Ann": [("alex", ""), ("alex", "")],
                "Bob": [("alex", ""), ("blake", "")],
                "Cy": [("blake", ""), (None, "")],
                "Di": [("blake", "benefits"), ("blake", "inbound")],
            }
            for name, made in calls.items():
                (prospect_id,) = conn.execute(
                    "INSERT INTO prospects (name) VALUES (%s) RETURNING id", [name]
                ).fetchone()
                for rep, method in made:
                    conn.execute(
                        "INSERT INTO calls (prospect_id, rep, method, outcome, started_at)"
                        " VALUES (%s, %s, %s, 'no_answer', '2026-11-20T10:00:00+00:00')",
                        [prospect_id, rep, method],
                    )
        yield url


def test_upgrading_a_team_book_from_version_17_fills_only_rep(version_17_team: str) -> None:
    storage = open_team_book(version_17_team)
    try:
        db = storage.db
        names = dict(db.execute("SELECT id, name FROM prospects").fetchall())
        found = {names[prospect_id]: rep for prospect_id, rep in only_reps(db).items()}
        assert found == {"Ann": "alex", "Bob": None, "Cy": None, "Di": "blake"}
        # The trigger of v18 follows a call given to another rep.
        db.execute("UPDATE calls SET rep = 'blake' WHERE rep = 'alex'")
        found = {names[prospect_id]: rep for prospect_id, rep in only_reps(db).items()}
        assert found == {"Ann": "blake", "Bob": "blake", "Cy": None, "Di": "blake"}
    finally:
        storage.close()
