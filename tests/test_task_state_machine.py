"""Random outcomes, undone and redone in any order: next_call_at always equals the earliest
open task, undo puts back exactly what was there, and redo writes the call again as it was."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from funnel_tui.call_log import CallOutcome, LastCall, log_call, redo_call, undo_last_call
from funnel_tui.domain import PICKED_REASONS, Ask, Outcome
from funnel_tui.settings import Settings
from funnel_tui.storage import Storage, open_storage

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


class Book(RuleBasedStateMachine):
    """One book, three prospects (new, known, customer), and the calls logged on them."""

    storage: Storage

    @initialize()
    def open_book(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.storage = open_storage(Path(self.folder.name) / "funnel.db")
        self.db = self.storage.db
        for name, kind, stage in PEOPLE:
            self.db["prospects"].insert({"name": name, "kind": kind, "stage": stage})
        self.now = START
        # The book before each logged call that undo has not taken back, newest last.
        self.before_calls: list[dict[str, list[tuple[Any, ...]]]] = []
        # The last undone call and the book as that call had left it.
        self.undone: tuple[LastCall, dict[str, list[tuple[Any, ...]]]] | None = None

    def teardown(self) -> None:
        if hasattr(self, "storage"):
            self.storage.close()
            self.folder.cleanup()

    def state(self) -> dict[str, list[tuple[Any, ...]]]:
        book = {}
        for table, sql in STATE_SQL.items():
            cursor = self.db.execute(sql)
            kept = [i for i, column in enumerate(cursor.description) if column[0] not in STAMPS]
            book[table] = [tuple(row[i] for i in kept) for row in cursor]
        return book

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


Book.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestTasksUnderUndoAndRedo = Book.TestCase
