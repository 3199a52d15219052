"""EXPLAIN QUERY PLAN for the hot queries, recorded while the app itself runs them.

The app is driven through its keys (the queue in each mode, the filter, paging, the
gauge, the pace screen) with sqlite3's trace callback on both of its connections, and
`funnel report --period year`'s `load_pace` is called directly. So the plans are those
of the code as it is, with its parameters bound, whatever its functions are called.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

import sqlite_utils
from generate import FILTER_NAME, Book
from measure_app import Session, running_app

from funnel_tui.pace import load_pace
from funnel_tui.settings import load_settings
from funnel_tui.store.sqlite import open_storage

WHOLE_TABLE_SCAN = re.compile(r"^SCAN (\w+)(?: AS \w+)?$")
# A list of bound values such as a page of 64 ids, shown by its length instead.
LONG_LIST = re.compile(r"IN \(((?:[^(),]+,){8,}[^(),]+)\)")
LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+\b")


@dataclass(frozen=True)
class Plan:
    """One statement the app ran, what it was doing, and how SQLite runs it."""

    caller: str
    sql: str
    steps: tuple[str, ...]
    # One run of the statement to its last row, at the book's size.
    seconds: float

    @property
    def whole_table_scans(self) -> list[str]:
        """Tables read row by row from start to end, with no index to narrow them."""
        return [
            match.group(1) for step in self.steps if (match := WHOLE_TABLE_SCAN.match(step.strip()))
        ]

    @property
    def short_sql(self) -> str:
        text = " ".join(self.sql.split())
        return LONG_LIST.sub(lambda match: f"IN (…{match.group(1).count(',') + 1} values)", text)


class Recorder:
    """Collects the SELECTs run while each named step of the app runs, each query once
    (the first time it runs, whatever values are bound to it)."""

    def __init__(self) -> None:
        self.step = ""
        self.statements: dict[str, str] = {}
        self._shapes: set[str] = set()

    def __call__(self, sql: str) -> None:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            return
        shape = LITERAL.sub("?", sql)
        if shape not in self._shapes:
            self._shapes.add(shape)
            self.statements[sql] = self.step


async def _drive(session: Session, recorder: Recorder) -> None:
    screen, pilot = session.screen, session.pilot

    async def set_filter() -> None:
        screen.filter_input.value = FILTER_NAME

    async def reload_gauge() -> None:
        screen.reload_pace()  # a worker: the settle after each step waits for it

    steps: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("queue: all prospects (f)", lambda: pilot.press("f")),
        ("queue: nurture (f)", lambda: pilot.press("f")),
        ("queue: today (f)", lambda: pilot.press("f")),
        ("rows and card (pagedown)", lambda: pilot.press("pagedown", "pagedown")),
        ("filter", lambda: pilot.press("slash")),
        ("filter", set_filter),
        ("filter cleared", lambda: pilot.press("escape")),
        ("gauge", reload_gauge),
        ("pace screen (p)", lambda: pilot.press("p")),
        ("pace screen closed", lambda: pilot.press("escape")),
    ]
    for name, action in steps:
        recorder.step = name
        await action()
        await session.settle()


async def _record_app(book: Book, scripts_dir: Path) -> dict[str, str]:
    recorder = Recorder()
    async with running_app(book, scripts_dir) as session:
        await session.queue_shown
        await session.settle()
        app = session.app
        app.storage.db.conn.set_trace_callback(recorder)
        await app.in_db_thread(lambda db: db.conn.set_trace_callback(recorder))
        try:
            await _drive(session, recorder)
        finally:
            app.storage.db.conn.set_trace_callback(None)
            await app.in_db_thread(lambda db: db.conn.set_trace_callback(None))
    return recorder.statements


def _record_year_report(db: sqlite_utils.Database, book: Book) -> dict[str, str]:
    recorder = Recorder()
    recorder.step = "funnel report --period year"
    db.conn.set_trace_callback(recorder)
    try:
        load_pace(db, book.now.date(), load_settings(db), period="year", tz=book.now.tzinfo)
    finally:
        db.conn.set_trace_callback(None)
    return recorder.statements


def _run_seconds(db: sqlite_utils.Database, sql: str) -> float:
    started = perf_counter()
    db.execute(sql).fetchall()
    return perf_counter() - started


def _explain(db: sqlite_utils.Database, sql: str) -> tuple[str, ...]:
    depth = {0: -1}
    steps = []
    for node, parent, _, detail in db.execute(f"EXPLAIN QUERY PLAN {sql}"):
        depth[node] = depth.get(parent, -1) + 1
        steps.append("  " * depth[node] + detail)
    return tuple(steps)


async def hot_query_plans(book: Book, scripts_dir: Path) -> list[Plan]:
    """The plan and cost of every SELECT the app's hot paths run on the book."""
    statements = await _record_app(book, scripts_dir)
    storage = open_storage(book.path)
    try:
        db = storage.db
        statements.update(_record_year_report(db, book))
        return [
            Plan(caller, sql, _explain(db, sql), _run_seconds(db, sql))
            for sql, caller in statements.items()
        ]
    finally:
        storage.close()
