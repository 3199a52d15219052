"""Reads in one snapshot of the book (store.snapshot), on both backends: what another
connection commits meanwhile shows in none of them, also on the second connection a
team's server reads beside the first."""

from __future__ import annotations

import time
from typing import Any

import pytest

from funnel_tui.store import open_team_book
from funnel_tui.store.postgres import PostgresStorage
from funnel_tui.store.snapshot import one_snapshot
from funnel_tui.store.sqlite import open_storage, write_transaction
from tests.rows import count_rows, insert_row


def another_connection(storage: Any) -> Any:
    if isinstance(storage, PostgresStorage):
        return open_team_book(storage.url)
    return open_storage(storage.path)


def prospects(db: Any) -> int:
    return count_rows(db, "prospects")


def test_what_is_committed_meanwhile_shows_in_no_read_of_the_snapshot(book_storage: Any) -> None:
    db = book_storage.db
    insert_row(db, "prospects", {"name": "Ann"})
    other = another_connection(book_storage)
    try:
        with one_snapshot(db) as snapshot:
            assert prospects(db) == 1
            with write_transaction(other.db):
                insert_row(other.db, "prospects", {"name": "Bob"})
            beside = snapshot.beside(prospects)
            assert prospects(db) == 1 and beside.result() == 1
        # Once the block is over, the book as it is now.
        assert prospects(db) == 2
    finally:
        other.close()


def test_a_teams_server_reads_beside_on_a_second_connection_closed_after(
    postgres_url: str,
) -> None:
    storage = open_team_book(postgres_url)
    db = storage.db

    def backend(on: Any) -> int:
        return int(on.execute("SELECT pg_backend_pid()").fetchone()[0])

    def listed(pid: int) -> bool:
        found = db.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid", {"pid": pid})
        return bool(found.fetchone()[0])

    with one_snapshot(db) as snapshot:
        side = snapshot.beside(backend).result()
        assert side != backend(db) and listed(side)
    assert not db.in_transaction
    # The server lists a closed connection until its backend has ended.
    deadline = time.monotonic() + 5
    while listed(side) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not listed(side)
    storage.close()


def test_an_error_beside_is_raised_where_its_answer_is_asked_and_the_reads_end(
    book_storage: Any,
) -> None:
    db = book_storage.db

    def fails(on: Any) -> Any:
        return on.execute("SELECT * FROM no_such_table").fetchall()

    with pytest.raises(Exception, match="no_such_table"), one_snapshot(db) as snapshot:
        snapshot.beside(fails).result()
    # The connection reads on, outside any transaction.
    assert prospects(db) == 0
    assert not (db.in_transaction if hasattr(db, "in_transaction") else db.conn.in_transaction)
