"""`funnel check` and `--repair` on the tasks: next calls out of step with the tasks,
and tasks with a due date that cannot be read (PRODUCT sections 4 and 14)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Static

from funnel_tui.migrations import SCHEMA_TRIGGERS
from funnel_tui.store.sqlite import Storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from tests.app_support import FrozenClock, settle, shown_text
from tests.cli_support import invoke

NEXT_CALLS = "SELECT id, next_call_at, next_task_kind FROM prospects ORDER BY id"
EARLIEST_OPEN_TASKS = """
SELECT p.id, (SELECT t.due_at FROM tasks t WHERE t.prospect_id = p.id AND t.status = 'open'
              ORDER BY t.due_at, t.id LIMIT 1),
             (SELECT t.kind FROM tasks t WHERE t.prospect_id = p.id AND t.status = 'open'
              ORDER BY t.due_at, t.id LIMIT 1)
FROM prospects p ORDER BY p.id
"""
DRIFT = (
    "prospects.next_call_at or next_task_kind is not the earliest open task for {count} "
    "prospects, the first row {first}, so the queue shows the wrong next call; "
    "`funnel check --repair` works them out again from tasks"
)


def shell_writes(path: Path, *statements: str) -> None:
    """Write as another tool would: its own connection, funnel's triggers as the file has them."""
    shell = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            shell.execute(statement)
    finally:
        shell.close()


def read(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def listed(path: Path) -> tuple[int, list[str]]:
    checked = invoke("check", "--db", path)
    lines = [line.removeprefix(f"funnel: {path}: ") for line in checked.stderr.splitlines()]
    return checked.exit_code, lines


def prospects_with_open_tasks(path: Path) -> list[int]:
    return [
        prospect_id
        for (prospect_id,) in read(
            path, "SELECT DISTINCT prospect_id FROM tasks WHERE status = 'open' ORDER BY 1"
        )
    ]


def test_a_next_call_written_while_its_trigger_was_dropped_is_listed_and_repaired(
    demo_storage: Storage,
) -> None:
    path = demo_storage.path
    first, second = prospects_with_open_tasks(path)[:2]
    assert read(path, NEXT_CALLS) == read(path, EARLIEST_OPEN_TASKS)
    # Another tool drops the trigger, writes two next calls, and puts the trigger back:
    # every trigger is funnel's again, but the tasks never heard of the writes.
    shell_writes(
        path,
        "DROP TRIGGER prospects_next_call_written",
        "UPDATE prospects SET next_call_at = '2026-12-24T09:00:00+00:00'"
        f" WHERE id IN ({first}, {second})",
        SCHEMA_TRIGGERS["prospects_next_call_written"],
    )
    assert listed(path) == (1, [DRIFT.format(count=2, first=first)])

    repaired = invoke("check", "--repair", "--db", path)
    assert repaired.exit_code == 0, repaired.output
    assert "prospects.next_call_at and next_task_kind" in repaired.stdout
    assert read(path, NEXT_CALLS) == read(path, EARLIEST_OPEN_TASKS)
    assert listed(path) == (0, [])


def test_tasks_written_with_the_tasks_triggers_dropped_are_listed_and_repaired(
    demo_storage: Storage,
) -> None:
    path = demo_storage.path
    first = prospects_with_open_tasks(path)[0]
    never_called = read(path, "SELECT min(id) FROM prospects WHERE next_call_at IS NULL")[0][0]
    shell_writes(
        path,
        "DROP TRIGGER tasks_after_insert",
        "DROP TRIGGER tasks_after_update",
        "INSERT INTO tasks (prospect_id, kind, due_at)"
        f" VALUES ({never_called}, 'meeting', '2026-11-20T15:00:00+00:00')",
        f"UPDATE tasks SET status = 'done' WHERE prospect_id = {first}",
    )
    code, lines = listed(path)
    assert code == 1
    assert lines == [
        "the triggers that keep prospects.next_call_at and next_task_kind (the earliest open "
        "task) are missing (tasks_after_insert, tasks_after_update); `funnel check --repair` "
        "puts them back",
        DRIFT.format(count=2, first=min(first, never_called)),
    ]

    assert invoke("check", "--repair", "--db", path).exit_code == 0
    next_calls = dict((id_, (at, kind)) for id_, at, kind in read(path, NEXT_CALLS))
    assert next_calls[never_called] == ("2026-11-20T15:00:00+00:00", "meeting")
    assert next_calls[first] == (None, None)
    assert listed(path) == (0, [])
    # The triggers put back keep them from now on.
    shell_writes(
        path,
        "INSERT INTO tasks (prospect_id, kind, due_at)"
        f" VALUES ({first}, 'callback', '2026-11-19T10:00:00+00:00')",
    )
    assert dict((i, (a, k)) for i, a, k in read(path, NEXT_CALLS))[first] == (
        "2026-11-19T10:00:00+00:00",
        "callback",
    )


IMPOSSIBLE = "2026-02-30T10:00:00+00:00"


def add_task_on_a_day_that_does_not_exist(path: Path) -> tuple[int, int, str]:
    prospect_id, name = read(
        path,
        "SELECT id, name FROM prospects WHERE next_call_at IS NULL AND do_not_call = 0"
        " AND wrong_number = 0 ORDER BY id LIMIT 1",
    )[0]
    shell_writes(
        path,
        "INSERT INTO tasks (prospect_id, kind, due_at)"
        f" VALUES ({prospect_id}, 'callback', '{IMPOSSIBLE}')",
    )
    (task_id,) = read(path, "SELECT max(id) FROM tasks")[0]
    return prospect_id, task_id, name


def test_check_lists_a_task_due_on_a_day_that_does_not_exist(demo_storage: Storage) -> None:
    path = demo_storage.path
    prospect_id, task_id, _ = add_task_on_a_day_that_does_not_exist(path)
    code, lines = listed(path)
    assert code == 1
    # The prospect's next call is that task's due date as written (not out of step with
    # the tasks), so both are named.
    assert [line.split(" is not a moment")[0] for line in lines] == [
        f"prospects row {prospect_id}, next_call_at: '{IMPOSSIBLE}'",
        f"tasks row {task_id}, due_at: '{IMPOSSIBLE}'",
    ]


async def test_the_app_opens_on_a_task_due_on_a_day_that_does_not_exist(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    _, _, name = add_task_on_a_day_that_does_not_exist(demo_storage.path)
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "no-user-scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f")  # all prospects: a next call on no day is due on no day
        await pilot.press("slash", *name.split()[0].lower(), "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        card = shown_text(screen.prospect_card.query_one("#card-body", Static))
        assert card.splitlines()[0].startswith(name)
        tasks = next(line for line in card.splitlines() if line.startswith("Tasks"))
        assert tasks.split()[2] == "?"  # the kind, then the due time that is no moment
        assert app.is_running


def test_busy_signals_of_one_day_count_once_however_they_are_written(tmp_path: Path) -> None:
    """Six busy signals in one afternoon are one attempt: for calls another tool inserts
    (the trigger) and when --repair works the count out again from the calls."""
    path = tmp_path / "book.db"
    invoke("config", "set", "currency", "$", "--db", path)  # a fresh book
    shell_writes(
        path,
        "INSERT INTO prospects (id, name) VALUES (1, 'Grace Liu')",
        *(
            "INSERT INTO calls (prospect_id, started_at, outcome)"
            f" VALUES (1, '2026-11-25T{hour}:00:00+00:00', 'busy')"
            for hour in range(12, 18)
        ),
        "INSERT INTO calls (prospect_id, started_at, outcome)"
        " VALUES (1, '2026-11-26T10:00:00+00:00', 'busy')",
    )
    attempts = "SELECT attempts FROM prospects WHERE id = 1"
    assert sqlite3.connect(path).execute(attempts).fetchone() == (2,)

    shell_writes(path, "DROP TRIGGER calls_after_insert", "UPDATE prospects SET attempts = 7")
    repaired = invoke("check", "--repair", "--db", path)
    assert repaired.exit_code == 0
    assert "put back funnel's triggers calls_after_insert;" in repaired.stdout
    assert sqlite3.connect(path).execute(attempts).fetchone() == (2,)
