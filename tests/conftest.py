"""Shared fixtures: a fresh database per test, and user folders kept inside tmp_path."""

from __future__ import annotations

import locale
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from textual.notifications import Notification, Notifications

from funnel_tui.paths import DB_ENV
from funnel_tui.store.sqlite import Storage, open_storage
from tests.postgres_server import Cluster, NoPostgres, PostgresServer, server_from_environment

# The demo-book fixtures for driving the app: clock, demo_storage, demo_app.
pytest_plugins = ["tests.app_support"]


@pytest.fixture(autouse=True)
def user_folders_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user data and config folders into tmp_path, so no test touches the real ones."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv(DB_ENV, raising=False)
    return home


@pytest.fixture(autouse=True)
def us_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A US locale whatever the machine's, so numbers typed without a country code are US
    numbers unless a test sets phone_region."""
    monkeypatch.setattr(locale, "getlocale", lambda *category: ("en_US", "UTF-8"))


@pytest.fixture
def toasts_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every toast the app shows, kept for the checks (`app_support.messages`): a toast
    whose time is up is gone from the app's own list, and a machine busy with other work
    can take longer than the three or four seconds a toast stays up before the test reads
    it."""
    add = Notifications.add

    def kept(notifications: Notifications, notification: Notification) -> Notifications:
        notifications.__dict__.setdefault("shown", []).append(str(notification.message))
        return add(notifications, notification)

    monkeypatch.setattr(Notifications, "add", kept)


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    opened = open_storage(tmp_path / "t.db")
    yield opened
    opened.close()


@pytest.fixture
def db(storage: Storage) -> sqlite_utils.Database:
    return storage.db


# --- PostgreSQL: a real server, started once for the run (tests/postgres_server.py) ------

_postgres_skips: list[str] = []


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = server_from_environment()
    if server is not None:
        yield server
        return
    try:
        cluster = Cluster()
    except NoPostgres as reason:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is needed in CI and cannot start: {reason}")
        _postgres_skips.append(str(reason))
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    try:
        yield cluster.server
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def postgres_url(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database for this test module; its URL."""
    name = f"t_{request.module.__name__.rpartition('.')[2]}_{secrets.token_hex(3)}".lower()
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`pytest -n auto`: a worker and a half per core. The Pilot tests wait a third of
    their time (on the app's timers, its database thread and the PostgreSQL server), so
    two workers left two cores a third idle: three ran the suite in 11.4 minutes where
    two took 13.9 on this 2-core machine."""
    cores = os.cpu_count() or 1
    return cores + (cores + 1) // 2


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _postgres_skips:
        terminalreporter.write_line(
            f"POSTGRESQL TESTS WERE SKIPPED: {_postgres_skips[0]}", red=True, bold=True
        )


# --- Both backends: the same test on the SQLite file and on a team database ---------------

BOOK_TABLES_KEPT = ("schema_version", "book")


def empty_team_book(url: str) -> None:
    """Delete every row a test may have left in the module's team database (its tables and
    triggers stay), and number rows from 1 again."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
            if name not in BOOK_TABLES_KEPT
        ]
        conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def book_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A new, empty book on each backend: a SQLite file, and the module's PostgreSQL
    database emptied for the test."""
    if request.param == "sqlite":
        opened: Any = open_storage(tmp_path / "t.db")
    else:
        from funnel_tui.store import open_team_book

        url = request.getfixturevalue("postgres_url")
        opened = open_team_book(url)
        empty_team_book(url)
    yield opened
    opened.close()


@pytest.fixture
def book_db(book_storage: Any) -> Any:
    """The connection of `book_storage`: sqlite-utils' Database or PostgresDatabase."""
    return book_storage.db
