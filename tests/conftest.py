"""Shared fixtures: a fresh database per test, and user folders kept inside tmp_path."""

from __future__ import annotations

import locale
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from funnel_tui.paths import DB_ENV
from funnel_tui.storage import Storage, open_storage

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
def storage(tmp_path: Path) -> Iterator[Storage]:
    opened = open_storage(tmp_path / "t.db")
    yield opened
    opened.close()


@pytest.fixture
def db(storage: Storage) -> sqlite_utils.Database:
    return storage.db
