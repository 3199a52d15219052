"""Statements stopped part-way (store/stopping.py): a read past its deadline, a read
another has made useless; each leaves the connection as it was for the next one."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest

from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.stopping import deadline, stopped_when

# Far more steps than a check is apart: a million rows counted.
LONG_READ = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)"
    " SELECT count(*) FROM n"
)


def test_a_read_past_its_deadline_is_stopped_and_the_next_one_runs(book_db: Any) -> None:
    if dialect_of(book_db) is Dialect.POSTGRESQL:
        pytest.skip("a team's server is left alone")
    with pytest.raises(sqlite3.OperationalError, match="interrupted"), deadline(book_db, 0.0):
        book_db.execute(LONG_READ).fetchone()
    assert book_db.execute(LONG_READ).fetchone() == (1_000_000,)


def test_a_read_within_its_deadline_is_left_to_end(book_db: Any) -> None:
    with deadline(book_db, 60.0):
        assert book_db.execute("SELECT count(*) FROM prospects").fetchone() == (0,)


def test_a_read_is_stopped_once_it_is_told_to_and_not_before(
    book_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if dialect_of(book_db) is Dialect.POSTGRESQL:
        pytest.skip("a team's server is left alone")
    stop = threading.Event()
    with stopped_when(book_db, stop):
        assert book_db.execute(LONG_READ).fetchone() == (1_000_000,)
    checks = 0
    is_set = stop.is_set

    def told_after_a_few_checks() -> bool:
        nonlocal checks
        checks += 1
        if checks == 3:
            stop.set()
        return is_set()

    monkeypatch.setattr(stop, "is_set", told_after_a_few_checks)
    with (
        pytest.raises(sqlite3.OperationalError, match="interrupted"),
        stopped_when(book_db, stop),
    ):
        book_db.execute(LONG_READ).fetchone()
    assert checks == 3
    # Told to stop, but no longer in the block: the connection's next reads run.
    assert book_db.execute(LONG_READ).fetchone() == (1_000_000,)
