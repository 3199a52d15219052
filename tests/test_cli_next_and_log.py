"""`funnel next`: the app's queue without a screen, for scripts and softphones, on the demo
book at the app tests' frozen moment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from funnel_tui import cli as cli_module
from funnel_tui.queue import QueueMode, read_order
from funnel_tui.settings import load_settings
from funnel_tui.storage import open_storage
from tests.app_support import FROZEN_NOW, build_demo_storage
from tests.cli_support import invoke, one_line_error
from tests.test_app import todays_queue

LONDON = FROZEN_NOW.tzinfo
# The demo book at FROZEN_NOW: the head of the queue (an overdue callback), a new lead in
# New York never called, a prospect with an open deal of 17,100.00.
HEAD = 42
NEW_YORK_LEAD = 41
OPEN_DEAL = 24

# README, `funnel next --json`: written out so the test does not trust the code.
NEXT_KEYS = [
    "id",
    "name",
    "company",
    "title",
    "phone",
    "email",
    "timezone",
    "kind",
    "stage",
    "method",
    "priority",
    "attempts",
    "why",
    "task",
    "due_at",
]


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_module, "system_now", lambda: FROZEN_NOW)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    build_demo_storage(path).close()
    return path


def book(path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(path)


def row(path: Path, table: str, row_id: int) -> dict[str, Any]:
    return book(path)[table].get(row_id)


def calls_of(path: Path, prospect_id: int) -> list[dict[str, Any]]:
    return list(
        book(path).query("SELECT * FROM calls WHERE prospect_id = ? ORDER BY id", [prospect_id])
    )


def open_tasks_of(path: Path, prospect_id: int) -> list[dict[str, Any]]:
    return list(
        book(path).query(
            "SELECT kind, due_at FROM tasks WHERE prospect_id = ? AND status = 'open'"
            " ORDER BY due_at",
            [prospect_id],
        )
    )


def written(path: Path) -> dict[str, int]:
    db = book(path)
    return {table: db[table].count for table in ("calls", "tasks", "deals", "undo_log")}


def log(path: Path, *args: str | int) -> Any:
    return invoke("log", *map(str, args), "--db", path)


def logged_ok(path: Path, *args: str | int) -> str:
    result = log(path, *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    return lines[0]


# --- funnel next ---------------------------------------------------------------------


def test_next_is_the_first_prospect_of_the_apps_queue(demo: Path) -> None:
    db = book(demo)
    order = read_order(
        db, now=FROZEN_NOW, mode=QueueMode.TODAY, text="", settings=load_settings(db)
    )
    assert order.ids[0] == todays_queue(db)[0] == HEAD

    result = invoke("next", "--db", demo)

    assert result.exit_code == 0, result.output
    head = row(demo, "prospects", HEAD)
    lines = result.stdout.splitlines()
    assert lines[0] == f"{head['name']} · {head['company']} (id {HEAD})"
    assert lines[1:4] == [
        f"  phone   {head['phone']}",
        f"  email   {head['email']}",
        "  who     Known prospect, stage contacted, method solution",
    ]
    assert lines[4] == "  next    callback due Tue 17 Nov 2026, 13:30 (yesterday)"


def test_next_json_has_the_documented_keys(demo: Path) -> None:
    result = invoke("next", "--json", "--db", demo)

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert list(printed) == ["prospect"]
    prospect = printed["prospect"]
    assert list(prospect) == NEXT_KEYS
    head = row(demo, "prospects", HEAD)
    assert {key: prospect[key] for key in NEXT_KEYS[:10]} == {
        key: head[key] for key in NEXT_KEYS[:10]
    }
    assert prospect["priority"] == {0: "low", 1: "normal", 2: "high"}[head["priority"]]
    assert (prospect["attempts"], prospect["why"], prospect["task"]) == (
        head["attempts"],
        "appointment",
        "callback",
    )
    # No timezone: the due time is given in the rep's.
    assert prospect["due_at"] == "2026-11-17T13:30:00+00:00"


def test_next_gives_the_due_time_in_the_prospects_zone(demo: Path) -> None:
    db = book(demo)
    db["prospects"].update(HEAD, {"timezone": "America/New_York"})

    prospect = json.loads(invoke("next", "--json", "--db", demo).stdout)["prospect"]
    lines = invoke("next", "--db", demo).stdout.splitlines()

    assert (prospect["id"], prospect["timezone"]) == (HEAD, "America/New_York")
    assert prospect["due_at"] == "2026-11-17T08:30:00-05:00"
    assert lines[4] == "  next    callback due Tue 17 Nov 2026, 13:30 (yesterday), 08:30 their time"


def test_a_new_lead_is_next_for_never_having_been_called(demo: Path) -> None:
    db = book(demo)
    # Only a lead never called is left in today's queue.
    db.execute("UPDATE tasks SET status = 'cancelled' WHERE status = 'open'")
    db.execute(
        "UPDATE prospects SET do_not_call = 1 WHERE id != ? AND next_call_at IS NULL"
        " AND last_called_at IS NULL",
        [NEW_YORK_LEAD],
    )
    db.conn.commit()

    prospect = json.loads(invoke("next", "--json", "--db", demo).stdout)["prospect"]
    lines = invoke("next", "--db", demo).stdout.splitlines()

    assert prospect["id"] == NEW_YORK_LEAD
    assert (prospect["why"], prospect["task"], prospect["due_at"]) == ("new_lead", None, None)
    assert lines[4].startswith("  next    never called, a new lead (priority ")


def test_an_empty_queue_is_a_null_prospect_and_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    open_storage(path).close()

    as_json = invoke("next", "--json", "--db", path)
    plain = invoke("next", "--db", path)

    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == {"prospect": None}
    assert plain.exit_code == 0, plain.output
    assert plain.stdout == "Nobody to call now: today's queue is empty.\n"


def test_next_says_how_many_wait_for_their_calling_hours(demo: Path) -> None:
    db = book(demo)
    # Everyone is in Tokyo, where it is past midnight at FROZEN_NOW.
    db.execute("UPDATE prospects SET timezone = 'Asia/Tokyo'")
    db.conn.commit()
    assert todays_queue(book(demo)) == []

    result = invoke("next", "--db", demo)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Nobody to call now: today's queue is empty; ")
    assert result.stdout.endswith(" wait for their calling hours.\n")
    assert json.loads(invoke("next", "--json", "--db", demo).stdout) == {"prospect": None}


def test_next_on_a_file_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    result = invoke("next", "--db", tmp_path / "typo.db")
    assert result.exit_code == 1
    assert "does not exist" in one_line_error(result.stderr)
    assert not (tmp_path / "typo.db").exists()


# --- untrusted text --------------------------------------------------------------------


def test_a_hostile_name_never_reaches_the_terminal(demo: Path) -> None:
    book(demo)["prospects"].update(HEAD, {"name": "\x1b]0;pwned\x07Jonas [red]W[/red]"})

    shown = invoke("next", "--db", demo).stdout
    as_json = invoke("next", "--json", "--db", demo).stdout

    for text in (shown, as_json):
        assert "\x1b" not in text and "\x07" not in text
    assert json.loads(as_json)["prospect"]["name"] == "Jonas [red]W[/red]"
