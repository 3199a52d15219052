"""The team benchmarks of issue 18 at a small size, against the test server: reps claiming
and logging at once never hold one prospect together and never lose or repeat a call; the
team book built with COPY holds what the triggers would have made; the team report on it
completes and adds up."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.team_report import load_team_report

BENCH = Path(__file__).resolve().parent.parent / "bench"


def bench_module(name: str) -> ModuleType:
    """A bench/ module by its own name, as the rep processes it starts import it again."""
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))
    return __import__(name)


def test_reps_claiming_and_logging_at_once_share_no_prospect_and_lose_no_call(
    postgres_url: str,
) -> None:
    team_load = bench_module("team_load")
    # More prospects than four reps call in the run's four seconds on a quiet machine:
    # 2,000 ran out there, at about 500 calls a second.
    figures = team_load.run_load(postgres_url, reps=4, prospects=10_000, seconds=3, warmup_s=1)
    assert figures.errors == []
    assert figures.calls > 0
    # The warm-up's claims are timed apart from the others, and checked with them below.
    assert figures.warmup_latencies_ms and figures.latencies_ms
    # Passes put prospects back in the pool, so the overlap check has holds to compare.
    assert figures.claimed_again > 0
    assert (figures.double_holds, figures.lost, figures.duplicated) == (0, 0, 0)
    assert figures.queue_ran_out == 0


def test_the_load_tests_checks_see_a_double_hold_a_lost_call_and_a_repeated_one() -> None:
    team_load = bench_module("team_load")
    holds = [
        (1, "alex", 0.0, 1.0),
        (1, "blake", 1.0, 2.0),  # after alex: claimed again, not at once
        (2, "alex", 0.0, 1.0),
        (2, "alex", 0.5, 1.5),  # the same rep asking again
        (3, "alex", 0.0, 1.0),
        (3, "blake", 0.9, 2.0),  # at once
    ]
    assert team_load.double_holds(holds) == (1, 2)
    alex = team_load.RepRun("alex", request_ids=["a1", "a2", "a3"])
    blake = team_load.RepRun("blake", request_ids=["b1"], already_logged=["b2"])
    stored = [("a1", "alex"), ("a2", "alex"), ("a2", "alex"), ("b1", "alex"), ("x", "alex")]
    # Lost: a3, and b1 (stored as alex's); repeated: a2 twice, x logged by nobody, b2.
    assert team_load.check([alex, blake], stored) == (2, 3)


def test_each_benchmark_rewrites_its_own_section_of_the_results_and_keeps_the_others() -> None:
    results = bench_module("results")
    sqlite_run = "# Benchmark results\n\n## Figures\n\n| a | b |\n"
    document = results.with_section(sqlite_run, "Team load", ["first run"])
    document = results.with_section(document, "Team report", ["report"])
    document = results.with_section(document, "Team load", ["second run"])
    assert document.startswith(sqlite_run)
    assert "first run" not in document
    assert document.index("second run") < document.index("report")
    # bench/run.py writes the file anew, then puts back what the others wrote.
    kept = results.other_sections(document)
    assert kept.startswith("<!-- section: Team load -->") and "report" in kept
    assert "| a | b |" not in kept


# What a book built with the triggers off must hold as the triggers would have left it,
# by table, with the order to compare in and the columns that differ by nature.
DERIVED = {
    "prospects": ("id", ("updated_at",)),
    "prospect_search": ("id", ()),
    "call_days": ("day, method, source", ()),
    "lead_marks": ("prospect_id, per_method, method", ()),
    "calls": ("id", ()),
    "tasks": ("id", ()),
    "deals": ("id", ()),
}


def table_rows(url: str, table: str, order: str, left_out: tuple[str, ...]) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        cursor = conn.execute(f"SELECT * FROM {table} ORDER BY {order}")
        kept = [i for i, column in enumerate(cursor.description) if column.name not in left_out]
        return [tuple(row[i] for i in kept) for row in cursor.fetchall()]


NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)


def build_book(server: Any, *, bulk: bool) -> Iterator[str]:
    """A small team book in a database of its own, built as the benchmark builds it."""
    name = f"t_team_book_{'bulk' if bulk else 'triggers'}_{secrets.token_hex(3)}"
    url = server.create_database(name)
    try:
        bench_module("team_book").empty(url)
        book = bench_module("team_report_data").build_team_book(
            url, prospects=300, calls=3_000, now=NOW, bulk=bulk
        )
        assert book.counts["calls"] == 3_000
        yield url
    finally:
        server.drop_database(name)


@pytest.fixture(scope="module")
def team_book_url(postgres_server: Any) -> Iterator[str]:
    yield from build_book(postgres_server, bulk=True)


def test_the_team_book_built_with_the_triggers_off_is_the_one_they_would_build(
    team_book_url: str, postgres_server: Any
) -> None:
    for slow_url in build_book(postgres_server, bulk=False):
        for table, (order, left_out) in DERIVED.items():
            fast = table_rows(team_book_url, table, order, left_out)
            assert fast, table
            assert fast == table_rows(slow_url, table, order, left_out), table


# What the team's whole report counts that is the sum of its reps' lines.
SUMMED = ("calls", "connects", "meetings_booked", "meetings_held", "proposals", "deals_won")


def test_the_team_report_on_the_benchmarks_book_adds_up_its_reps(team_book_url: str) -> None:
    storage = open_team_book(team_book_url)
    try:
        report = load_team_report(storage.db, NOW.date(), Settings()).to_json()
    finally:
        storage.close()
    reps, team = report["reps"], report["team"]
    assert len(reps) == 20 and team is not None
    assert team["calls"] > 100
    for key in (*SUMMED, "won_cents", "calls_today", "talk_time_s"):
        assert team[key] == sum(line[key] for line in reps), key
    assert team["target_cents"] == sum(line["target_cents"] for line in reps) * 11 // 10
