"""The team benchmarks of issue 18 at a small size, against the test server: reps claiming
and logging at once never hold one prospect together and never lose or repeat a call."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

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
    figures = team_load.run_load(postgres_url, reps=4, prospects=2_000, seconds=3)
    assert figures.errors == []
    assert figures.calls > 0
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
