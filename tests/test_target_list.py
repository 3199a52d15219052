"""`funnel target list`: every target set, the latest period first, the one each report
uses on the day marked, as a manager checks them before reading a report."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from funnel_tui.store.sqlite import open_storage
from tests.cli_support import invoke

TODAY = "2026-11-18"


def funnel(*args: str | Path) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def rows(output: str) -> list[list[str]]:
    """The table's lines below its header rule, split on runs of two spaces or more."""
    lines = output.splitlines()
    below = lines[lines.index(next(line for line in lines if line.startswith("──"))) + 1 :]
    return [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in below]


def test_the_targets_are_listed_latest_first_with_the_one_in_use_marked(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    funnel("target", "set", "60k", "--db", book, "--today", TODAY, "--calls-per-day", "80")
    funnel("target", "set", "150k", "--period", "quarter", "--db", book, "--today", TODAY)
    funnel("target", "set", "40k", "--db", book, "--today", "2026-10-05")
    shown = rows(funnel("target", "list", "--db", book, "--today", TODAY))
    # November's month wins over the quarter (the shortest period that covers the day).
    assert shown == [
        ["November 2026", "2026-11-01", "2026-11-30", "$60,000.00", "80", "in use"],
        ["Q4 2026", "2026-10-01", "2026-12-31", "$150,000.00", "–"],
        ["October 2026", "2026-10-01", "2026-10-31", "$40,000.00", "–"],
    ]
    # As of a day in October, October's target is the one the report uses.
    october = rows(funnel("target", "list", "--db", book, "--today", "2026-10-20"))
    assert [row[0] for row in october if row[-1] == "in use"] == ["October 2026"]
    listed = json.loads(funnel("target", "list", "--db", book, "--today", TODAY, "--json"))
    first = listed["targets"][0]
    assert first == {
        "id": first["id"],
        "period": "month",
        "starts_on": "2026-11-01",
        "ends_on": "2026-11-30",
        "amount_cents": 6_000_000,
        "calls_per_day": 80,
        "rep": None,
        "in_use": True,
        "unreadable": [],
    }
    assert [target["in_use"] for target in listed["targets"]] == [True, False, False]


def test_a_teams_targets_say_whose_and_each_reps_own_in_use(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    for name in ("alex", "[bold]blake"):
        funnel("rep", "add", name, "--db", book)
    funnel("target", "set", "20k", "--db", book, "--today", TODAY)
    funnel("target", "set", "5k", "--rep", "alex", "--db", book, "--today", TODAY)
    funnel("target", "set", "9k", "--rep", "[bold]blake", "--db", book, "--today", TODAY)
    funnel("target", "set", "20k", "--rep", "[bold]blake", "--period", "quarter", "--db", book)
    shown = rows(funnel("target", "list", "--db", book, "--today", TODAY))
    assert [(row[0], row[1], row[-1]) for row in shown] == [
        ("team", "November 2026", "in use"),
        ("[bold]blake", "November 2026", "in use"),
        ("[bold]blake", "Q4 2026", "–"),
        ("alex", "November 2026", "in use"),
    ]


def test_a_target_another_tool_wrote_wrong_is_shown_as_stored_and_left_out(
    tmp_path: Path,
) -> None:
    book = tmp_path / "book.db"
    funnel("target", "set", "60k", "--db", book, "--today", TODAY)
    conn = sqlite3.connect(book)
    with conn:
        conn.execute(
            "INSERT INTO targets (period, starts_on, ends_on, amount_cents)"
            " VALUES ('quarter', '2026-10-01', '2026-12-31', '12k')"
        )
        conn.execute(
            "INSERT INTO targets (period, starts_on, ends_on, amount_cents)"
            " VALUES ('week', '2026-13-01', '2026-12-31', 500)"
        )
    conn.close()
    shown = rows(funnel("target", "list", "--db", book, "--today", TODAY))
    # Named by its period where its kind and first day read (it was `quarter`), else the
    # kind as stored.
    assert shown[0][:2] == ["week", "2026-13-01"]
    assert shown[2] == [
        "Q4 2026",
        "2026-10-01",
        "2026-12-31",
        "12k",
        "? amount_cents unreadable: left out of every figure",
    ]
    listed = json.loads(funnel("target", "list", "--db", book, "--json"))
    assert listed["targets"][2]["unreadable"] == ["amount_cents"]
    assert listed["targets"][2]["amount_cents"] == "12k"


def test_a_book_without_targets_says_how_to_set_one(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    open_storage(book).close()
    assert funnel("target", "list", "--db", book) == (
        "No targets yet: set one with: funnel target set 50000 --period month\n"
    )


def test_setting_a_target_says_when_another_of_its_kind_covers_part_of_its_period(
    tmp_path: Path,
) -> None:
    """Another tool's month target from 3 to 30 June, and June's set here: both kept, and
    the report measured 2 June against one and 10 June against the other, unsaid."""
    book = tmp_path / "book.db"
    funnel("target", "set", "5k", "--db", book, "--today", "2026-06-10")
    conn = sqlite3.connect(book)
    with conn:
        conn.execute("UPDATE targets SET starts_on = '2026-06-03'")
    conn.close()
    said = funnel("target", "set", "2000", "--db", book, "--today", "2026-06-02")
    assert said.splitlines() == [
        "Target for June 2026 (2026-06-01 to 2026-06-30): $2,000.00",
        "Note: another month target, 2026-06-03 to 2026-06-30 ($5,000.00), covers part of it;"
        " a day both cover is measured against the one that starts later (funnel target list"
        " shows both)",
    ]
    # A period of its own says nothing more.
    july = funnel("target", "set", "3000", "--db", book, "--today", "2026-07-02")
    assert july == "Target for July 2026 (2026-07-01 to 2026-07-31): $3,000.00\n"
