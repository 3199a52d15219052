"""Random outcomes, undone and redone in any order: next_call_at always equals the earliest
open task, undo puts back exactly what was there, and redo writes the call again as it was."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from funnel_tui.call_log import CallOutcome, LastCall, log_call, redo_call, undo_last_call
from funnel_tui.domain import PICKED_REASONS, Ask, Outcome
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from tests.conftest import empty_team_book
from tests.rows import insert_row

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
SETTINGS = Settings(max_attempts=4)
PEOPLE = (
    ("Ann Archer", "new", "lead"),
    ("Ben Baker", "known", "contacted"),
    ("Cy Cole", "customer", "won"),
)

# What the book holds, without the columns that stamp the real time of a write.
STATE_SQL = {
    "prospects": "SELECT * FROM prospects ORDER BY id",
    "calls": "SELECT * FROM calls ORDER BY id",
    "tasks": "SELECT * FROM tasks ORDER BY id",
    "deals": "SELECT * FROM deals ORDER BY id",
    "flags": "SELECT prospect_id, flag, value FROM flag_changes ORDER BY id",
}
# Stamps of a change, not state an undo puts back: a task's sequence counts the undo too,
# so that a calendar takes the task as it is after it.
STAMPS = {"updated_at", "sequence"}


def entries(now: datetime) -> st.SearchStrategy[CallOutcome]:
    """An outcome with the fields it asks for (optional ones sometimes left out)."""

    def fill(outcome: Outcome, hours: int, days: int, cents: int, reason: Any, give: bool) -> Any:
        spec = outcome.spec
        asked: dict[str, Any] = {}
        for question in spec.asks:
            if not (question.required or give):
                continue
            if question.ask is Ask.WHEN:
                asked["follow_up_at"] = now + timedelta(hours=hours)
            elif question.ask is Ask.AMOUNT:
                asked["amount_cents"] = cents
            elif question.ask is Ask.CLOSE_ON:
                asked["close_on"] = now.date() + timedelta(days=days)
            elif question.ask is Ask.REASON:
                asked["reason"] = reason
            elif question.ask is Ask.REVISIT_ON:
                asked["revisit_on"] = now.date() + timedelta(days=days)
        return CallOutcome(outcome, notes=f"call at {now:%H:%M}", **asked)

    return st.builds(
        fill,
        st.sampled_from(list(Outcome)),
        st.integers(1, 300),
        st.integers(0, 120),
        st.integers(1, 5_000_000),
        st.sampled_from(PICKED_REASONS),
        st.booleans(),
    )


# The columns that name a row of another table, by the table they name.
REFERENCES = {"prospect_id": "prospects", "call_id": "calls", "done_call_id": "calls"}


def renumbered(book: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The book with each table's ids, and the references to them, numbered 1, 2, 3... in
    the order of the ids. An id never comes back, on either backend (schema v25 on
    SQLite): a redone call is the same call under a new id."""
    numbers = {
        table: {row["id"]: number for number, row in enumerate(rows, start=1)}
        for table, rows in book.items()
        if rows and "id" in rows[0]
    }

    def number(table: str, value: Any) -> Any:
        return None if value is None else numbers[table][value]

    return {
        table: [
            {
                column: number(table, value)
                if column == "id"
                else number(REFERENCES[column], value)
                if column in REFERENCES
                else value
                for column, value in row.items()
            }
            for row in rows
        ]
        for table, rows in book.items()
    }


# A new, empty book (its storage) for each example, and what closes it.
BookOpener = Callable[[], tuple[Any, Callable[[], None]]]


class Book(RuleBasedStateMachine):
    """One book, three prospects (new, known, customer), and the calls logged on them."""

    def __init__(self, new_book: BookOpener) -> None:
        super().__init__()
        self.new_book = new_book

    @initialize()
    def open_book(self) -> None:
        self.storage, self.close_book = self.new_book()
        self.db = self.storage.db
        for name, kind, stage in PEOPLE:
            insert_row(self.db, "prospects", {"name": name, "kind": kind, "stage": stage})
        self.now = START
        # The book before each logged call that undo has not taken back, newest last.
        self.before_calls: list[dict[str, list[tuple[Any, ...]]]] = []
        # The last undone call and the book as that call had left it.
        self.undone: tuple[LastCall, dict[str, list[tuple[Any, ...]]]] | None = None

    def teardown(self) -> None:
        if hasattr(self, "storage"):
            self.close_book()

    def state(self) -> dict[str, list[tuple[Any, ...]]]:
        book: dict[str, list[dict[str, Any]]] = {}
        for table, sql in STATE_SQL.items():
            cursor = self.db.execute(sql)
            columns = [column[0] for column in cursor.description]
            book[table] = [
                {c: v for c, v in zip(columns, row, strict=True) if c not in STAMPS}
                for row in cursor
            ]
        book = renumbered(book)
        return {table: [tuple(row.values()) for row in rows] for table, rows in book.items()}

    @rule(data=st.data(), prospect=st.integers(1, len(PEOPLE)), minutes=st.integers(5, 3000))
    def log(self, data: st.DataObject, prospect: int, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)
        entry = data.draw(entries(self.now))
        before = self.state()
        log_call(self.db, prospect, entry, now=self.now, settings=SETTINGS)
        self.before_calls.append(before)
        self.undone = None

    @precondition(lambda self: bool(self.before_calls))
    @rule()
    def undo(self) -> None:
        after = self.state()
        undone = undo_last_call(self.db)
        assert undone is not None
        assert undone.not_restored == ()
        assert self.state() == self.before_calls.pop()
        self.undone = (undone, after)

    @precondition(lambda self: self.undone is not None)
    @rule()
    def redo(self) -> None:
        assert self.undone is not None
        undone, after = self.undone
        before = self.state()
        redo_call(self.db, undone, now=self.now, settings=SETTINGS)
        assert self.state() == after
        self.before_calls.append(before)
        self.undone = None

    @invariant()
    def next_call_is_the_earliest_open_task(self) -> None:
        if not hasattr(self, "db"):
            return
        rows = self.db.execute(
            "SELECT p.id, p.next_call_at, p.next_task_kind, (SELECT due_at FROM tasks t"
            " WHERE t.prospect_id = p.id AND t.status = 'open' ORDER BY due_at, id LIMIT 1),"
            " (SELECT kind FROM tasks t WHERE t.prospect_id = p.id AND t.status = 'open'"
            " ORDER BY due_at, id LIMIT 1) FROM prospects p"
        ).fetchall()
        for prospect_id, next_call_at, kind, earliest, earliest_kind in rows:
            assert (next_call_at, kind) == (earliest, earliest_kind), prospect_id

    @invariant()
    def customers_are_never_lost(self) -> None:
        if not hasattr(self, "db"):
            return
        assert not self.db.execute(
            "SELECT 1 FROM prospects WHERE kind = 'customer' AND stage = 'lost'"
        ).fetchone()


def _file_book() -> tuple[Any, Callable[[], None]]:
    folder = tempfile.TemporaryDirectory()
    storage = open_storage(Path(folder.name) / "funnel.db")

    def close() -> None:
        storage.close()
        folder.cleanup()

    return storage, close


@pytest.fixture(params=["sqlite", "postgresql"])
def new_book(request: pytest.FixtureRequest) -> Iterator[BookOpener]:
    """A new SQLite file each example, or the module's team database emptied."""
    if request.param == "sqlite":
        yield _file_book
        return
    url = request.getfixturevalue("postgres_url")
    team = open_team_book(url)

    def emptied() -> tuple[Any, Callable[[], None]]:
        empty_team_book(url)
        return team, lambda: None

    yield emptied
    team.close()


def test_tasks_under_undo_and_redo(new_book: BookOpener) -> None:
    run_state_machine_as_test(
        lambda: Book(new_book),
        settings=settings(
            max_examples=15,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
