"""Schema v27: the open call tasks of lost prospects, which a try before their revisit
booked up to v26 and which hid that revisit, are cancelled by the upgrade of a file and
of a team's database, and the revisit is each one's next call again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer

REVISIT = "2027-03-01T09:30:00+00:00"
TRIED = "2026-12-08T14:30:00+00:00"
# Ann, lost with a revisit, tried before it: the call task the try booked is her next
# call. Bo, in play, keeps his cadence call.
OLDER_BOOK = (
    "INSERT INTO prospects (id, name, stage) VALUES (1, 'Ann', 'lost'), (2, 'Bo', 'contacted')",
    f"INSERT INTO tasks (prospect_id, kind, due_at) VALUES (1, 'revisit', '{REVISIT}'),"
    f" (1, 'call', '{TRIED}'), (2, 'call', '{TRIED}')",
)


def _after(db: Any) -> list[tuple[Any, ...]]:
    rows = db.execute(
        "SELECT t.prospect_id, t.kind, t.status, t.done_at IS NOT NULL, p.next_task_kind,"
        " p.next_call_at FROM tasks t JOIN prospects p ON p.id = t.prospect_id"
        " ORDER BY t.prospect_id, t.id"
    )
    return [tuple(row) for row in rows]


UPGRADED = [
    (1, "revisit", "open", False, "revisit", REVISIT),
    (1, "call", "cancelled", True, "revisit", REVISIT),
    (2, "call", "open", False, "call", TRIED),
]


def test_a_version_26_file_upgraded_brings_each_lost_prospect_back_by_their_revisit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 26)
    for statement in OLDER_BOOK:
        conn.execute(statement)
    assert _after(conn)[0][4] == "call"  # the revisit hidden
    conn.close()

    storage = open_storage(path)
    try:
        assert _after(storage.db) == UPGRADED
    finally:
        storage.close()


def test_a_teams_version_26_book_upgraded_brings_them_back_too(
    postgres_server: PostgresServer,
) -> None:
    with team_database_at(postgres_server, 26) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in OLDER_BOOK:
                conn.execute(statement)
        storage = open_team_book(url)
        try:
            assert _after(storage.db) == UPGRADED
        finally:
            storage.close()
