"""Book files as an older funnel left them, for the tests of an upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from funnel_tui.migrations import MIGRATIONS
from funnel_tui.schema_version import APPLICATION_ID


def file_at_version(path: Path, version: int) -> sqlite3.Connection:
    """A new file at `path` with the schema steps up to `version` run, in one commit, and
    that version and funnel's mark recorded; its connection, in autocommit, for the rows
    the test writes before funnel opens it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for migration in MIGRATIONS[:version]:
        migration(conn)
    conn.execute("COMMIT")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return conn
