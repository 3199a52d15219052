"""Where the rep's files live: the database, the demo database and user scripts."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "funnel-tui"
DB_ENV = "FUNNEL_DB"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def default_db_path() -> Path:
    """`$FUNNEL_DB`, else `funnel.db` in the user data dir."""
    from_env = os.environ.get(DB_ENV)
    return Path(from_env).expanduser() if from_env else data_dir() / "funnel.db"


def default_demo_path() -> Path:
    """The demo file: its own file beside the real one, never the real one."""
    return data_dir() / "funnel-demo.db"


def user_scripts_dir() -> Path:
    return config_dir() / "scripts"
