"""Schema v13: the reps' own settings an older version kept in a team's shared settings
table (one rep's email account, readable by every rep) are cleared, and the rep is told;
a SQLite file, one rep's book, keeps its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from funnel_tui.checks import check_database
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui import app as app_module
from tests.cli_support import invoke
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer

# What a v11 book's settings table may hold: the team's currency, and one rep's own.
V11_SETTINGS = {
    "currency": "EUR",
    "rep_name": "Alex Morgan",
    "dial_command": "xdg-open tel:{tel}",
    "email_from": "alex@kestrel.example",
    "smtp_host": "smtp.kestrel.example",
    "smtp_port": "465",
    "smtp_security": "tls",
    "smtp_user": "alex",
}


def test_upgrading_a_version_11_file_keeps_its_own_settings(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 11)
    conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", V11_SETTINGS.items())
    conn.close()
    storage = open_storage(path)
    try:
        assert storage.db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        assert dict(storage.db.execute("SELECT key, value FROM settings")) == V11_SETTINGS
    finally:
        storage.close()
    assert check_database(path) == []


@pytest.fixture
def version_11_team(postgres_server: PostgresServer) -> Iterator[str]:
    """A team database as funnel's v11 left it, with one rep's own settings in the
    team's table."""
    with team_database_at(postgres_server, 11) as url:
        with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO settings (key, value) VALUES (%s, %s)", list(V11_SETTINGS.items())
            )
        yield url


def test_upgrading_a_version_11_team_clears_the_reps_own_settings_and_says_so(
    version_11_team: str,
) -> None:
    first = invoke("--db", version_11_team, "config", "list")
    assert first.exit_code == 0, first.output
    assert first.stderr == (
        "Cleared dial_command, email_from, rep_name, smtp_host, smtp_port, smtp_security,"
        " smtp_user from the team's shared settings,"
        " where an older funnel kept reps' own settings: every rep could read them and"
        " nothing used them. Each rep keeps theirs in their config file: funnel config set"
        " KEY VALUE.\n"
    )
    assert "currency = EUR" in first.stdout
    with psycopg.connect(version_11_team) as conn:
        assert conn.execute("SELECT key, value FROM settings").fetchall() == [("currency", "EUR")]
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (LATEST_VERSION,)
    # Said once: the next command finds nothing to clear.
    again = invoke("--db", version_11_team, "config", "list")
    assert again.exit_code == 0 and again.stderr == ""


def test_the_app_says_what_the_upgrade_cleared_where_the_rep_sees_it(
    version_11_team: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's screen covers the terminal at once: what opening the book said there is
    handed to the app, which says it again in a toast."""
    handed: list[tuple[str, ...]] = []

    class Recorded(app_module.FunnelApp):
        def run(self, *args: Any, **kwargs: Any) -> Any:
            handed.append(tuple(self._notices))

    monkeypatch.setattr(app_module, "FunnelApp", Recorded)
    with psycopg.connect(version_11_team) as conn:
        conn.execute("INSERT INTO reps (name) VALUES ('alex')")
    monkeypatch.setenv("FUNNEL_REP", "alex")
    result = invoke("--db", version_11_team)
    assert result.exit_code == 0, result.output
    assert [notice[0].split(" from ")[0] for notice in handed] == [
        "Cleared dial_command, email_from, rep_name, smtp_host, smtp_port, smtp_security, smtp_user"
    ]


async def test_a_notice_from_opening_the_book_is_a_toast(demo_storage: Any) -> None:
    app = app_module.FunnelApp(demo_storage, notices=("Upgrading the book from schema v11",))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert [toast.message for toast in app._notifications] == [
            "Upgrading the book from schema v11"
        ]


def test_migrate_to_an_older_team_database_says_what_it_cleared(
    version_11_team: str, tmp_path: Path
) -> None:
    book = tmp_path / "mine.db"
    open_storage(book).close()
    result = invoke("migrate-to", version_11_team, "--rep", "alex", "--db", book)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith(
        "Cleared dial_command, email_from, rep_name, smtp_host, smtp_port, smtp_security,"
        " smtp_user from the team's shared settings"
    )
    with psycopg.connect(version_11_team) as conn:
        assert conn.execute("SELECT key FROM settings").fetchall() == [("currency",)]
