"""The v6 -> v7 upgrade on both backends: deals keep every row (and other tools' indexes
and triggers on them) while their prospect may now be empty, and `suppressions` is new."""

from __future__ import annotations

from pathlib import Path

import psycopg

from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store import open_team_book
from funnel_tui.store.postgres import schema_version
from funnel_tui.store.postgres_schema import SCHEMA_V6
from funnel_tui.store.sqlite import open_storage
from tests.cli_support import invoke
from tests.older_file import file_at_version

DEAL = (1, 1, 1, 1_250_000, "2026-11-10", "expansion", "alex")
DEAL_COLUMNS = "id, prospect_id, call_id, amount_cents, closed_on, kind, rep"


def v6_file(path: Path) -> None:
    conn = file_at_version(path, 6)
    conn.execute("INSERT INTO prospects (id, name) VALUES (1, 'Ana Ruiz')")
    conn.execute("INSERT INTO calls (id, prospect_id, outcome) VALUES (1, 1, 'won')")
    conn.execute(f"INSERT INTO deals ({DEAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", DEAL)
    # Another tool's index and trigger on deals.
    conn.execute("CREATE INDEX their_amounts ON deals (amount_cents)")
    conn.execute("CREATE TABLE audit (deal_id INTEGER)")
    conn.execute(
        "CREATE TRIGGER their_audit AFTER INSERT ON deals BEGIN"
        " INSERT INTO audit VALUES (NEW.id); END"
    )
    conn.close()


def test_a_v6_file_keeps_its_deals_and_their_indexes_and_triggers(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    v6_file(path)

    storage = open_storage(path)

    db = storage.db
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert db.execute(f"SELECT {DEAL_COLUMNS} FROM deals").fetchall() == [DEAL]
    names = {
        row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'deals'")
    }
    assert {"deals_closed", "deals_prospect", "deals_call", "deals_rep"} < names
    assert {"their_amounts", "their_audit"} < names
    db.execute(
        "INSERT INTO deals (prospect_id, amount_cents, closed_on) VALUES (NULL, 5, '2026-11-11')"
    )
    assert db.execute("SELECT count(*) FROM audit").fetchone() == (1,)
    assert db["suppressions"].count == 0
    storage.close()
    assert invoke("check", "--db", path).exit_code == 0


def test_a_v6_team_database_is_upgraded_in_place(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
        conn.execute(SCHEMA_V6)
        conn.execute("INSERT INTO schema_version (version) VALUES (6)")
        conn.execute("INSERT INTO prospects (id, name) VALUES (1, 'Ana Ruiz')")
        conn.execute("INSERT INTO calls (id, prospect_id, outcome) VALUES (1, 1, 'won')")
        conn.execute(
            f"INSERT INTO deals ({DEAL_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)", DEAL
        )

    storage = open_team_book(postgres_url)

    db = storage.db
    assert schema_version(db.conn, postgres_url) == LATEST_VERSION
    assert [tuple(row) for row in db.execute(f"SELECT {DEAL_COLUMNS} FROM deals")] == [DEAL]
    db.execute(
        "INSERT INTO deals (id, prospect_id, amount_cents, closed_on) VALUES (2, NULL, 5, 'x')"
    )
    assert db.execute("SELECT count(*) FROM suppressions").fetchone() == (0,)
    storage.close()
