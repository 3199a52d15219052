"""Where the rep's files live: the database, the demo database, user scripts and crash logs."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import platformdirs

from funnel_tui.store.dialect import is_postgres_url

APP_NAME = "funnel-tui"
DB_ENV = "FUNNEL_DB"


def shipped_text(package: str, name: str) -> str:
    """A file shipped in one of funnel's packages (`funnel_tui.scripts`), read as text.

    Read from beside the package's modules, where pip installs it: importlib.resources
    would also read it out of a zip file, which funnel is never installed as, and costs
    start-up about 12 ms to import.
    """
    module = importlib.import_module(package)
    return (Path(str(module.__file__)).parent / name).read_text(encoding="utf-8")


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def log_dir() -> Path:
    """Where a crash leaves its traceback."""
    return Path(platformdirs.user_log_dir(APP_NAME))


def env_db_path() -> Path | str | None:
    """`$FUNNEL_DB` when it is set: a file the user chose, like one given with `--db`, or
    the URL of a team's PostgreSQL database (kept as text)."""
    from_env = os.environ.get(DB_ENV)
    if not from_env:
        return None
    if is_postgres_url(from_env):
        return from_env
    return Path(from_env).expanduser()


def data_book() -> Path:
    """`funnel.db` in the user data dir: the book without `--db` or `$FUNNEL_DB`."""
    return data_dir() / "funnel.db"


def default_db_path() -> Path | str:
    """`$FUNNEL_DB`, else `funnel.db` in the user data dir."""
    return env_db_path() or data_book()


def default_demo_path() -> Path:
    """The demo file: its own file beside the real one, never the real one."""
    return data_dir() / "funnel-demo.db"


def user_scripts_dir() -> Path:
    return config_dir() / "scripts"
