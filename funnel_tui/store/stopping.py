"""Statements of a SQLite file stopped part-way: a read on the UI's own thread past its
deadline, which the database thread then does instead of holding up the frame; a read
in the database thread that a newer one has made useless, which would hold up the
writes queued behind it. SQLite stops the statement (`sqlite3.OperationalError:
interrupted`, rolled back as any failed statement is); a team's server is left alone."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from funnel_tui.store.dialect import Dialect, dialect_of

# SQLite asks whether to go on after this many of its virtual machine's steps: a few
# microseconds apart.
STEPS_BETWEEN_CHECKS = 1000


@contextmanager
def deadline(db: Any, seconds: float) -> Iterator[None]:
    """Stop any statement of `db` still running `seconds` after the block began."""
    ends_at = perf_counter() + seconds
    with _stopped_if(db, lambda: perf_counter() > ends_at):
        yield


@contextmanager
def stopped_when(db: Any, stop: threading.Event) -> Iterator[None]:
    """Stop any statement of `db` running in the block once `stop` is set."""
    with _stopped_if(db, stop.is_set):
        yield


@contextmanager
def _stopped_if(db: Any, stop: Callable[[], bool]) -> Iterator[None]:
    if dialect_of(db) is Dialect.POSTGRESQL:
        yield
        return
    conn: sqlite3.Connection = db.conn
    conn.set_progress_handler(stop, STEPS_BETWEEN_CHECKS)
    try:
        yield
    finally:
        conn.set_progress_handler(None, 0)
