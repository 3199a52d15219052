"""`python bench/run.py`: build a 100,000-prospect book, measure the app against the targets
of issue #9 side by side in one run, print the table and write bench/results.md."""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

import measure_app
import measure_core
from generate import (
    HEAD_NAME,
    SOLO_NAME,
    Book,
    build_book,
    build_single,
    reference_now,
    write_hubspot_csv,
)
from harness import Sample, TerminalRun, run_in_terminal
from hello_textual import GREETING
from query_plans import hot_query_plans
from results import (
    Figures,
    other_sections,
    render_markdown,
    render_table,
    with_latest_figures,
)

import funnel_tui
from funnel_tui.store.sqlite import open_storage

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
HELLO = BENCH / "hello_textual.py"
PERFORMANCE_DOC = BENCH.parent / "docs" / "performance.md"
SEED = 2026


@dataclass(frozen=True)
class Plan:
    """How many times each measurement runs."""

    runs: int
    terminal_runs: int
    log_runs: int
    year_runs: int
    import_runs: int


FULL = Plan(runs=11, terminal_runs=7, log_runs=20, year_runs=3, import_runs=3)
QUICK = Plan(runs=3, terminal_runs=2, log_runs=10, year_runs=1, import_runs=1)


def step(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


def table_counts(book: Book) -> dict[str, int]:
    """The rows of the book's main tables, as generated."""
    storage = open_storage(book.path)
    try:
        db = storage.db
        counts = {
            table: db[table].count for table in ("prospects", "calls", "tasks", "deals", "notes")
        }
        counts["open_tasks"] = db.execute(
            "SELECT count(*) FROM tasks WHERE status = 'open'"
        ).fetchone()[0]
        return counts
    finally:
        storage.close()


def terminal_starts(book: Book, single: Book, runs: int) -> dict[str, list[TerminalRun]]:
    """Start-up to the first paint with the queue, as real processes in a pseudo-terminal.

    The three programs take turns, after one warm-up start each, so that anything else
    slowing the machine for a moment spreads over all of them.
    """
    programs = {
        "hello": ([sys.executable, str(HELLO)], [GREETING]),
        "single": ([sys.executable, "-m", "funnel_tui", "--db", str(single.path)], [SOLO_NAME]),
        "book": ([sys.executable, "-m", "funnel_tui", "--db", str(book.path)], [HEAD_NAME]),
    }
    compile_bytecode()
    results: dict[str, list[TerminalRun]] = {name: [] for name in programs}
    for attempt in range(runs + 1):
        for name, (command, markers) in programs.items():
            run = run_in_terminal(command, markers)
            if attempt:
                results[name].append(run)
    return results


def compile_bytecode() -> None:
    """Write the package's bytecode, as `pip install` does, so each start reads it instead of
    compiling the sources again (an editable install under PYTHONDONTWRITEBYTECODE would)."""
    compileall.compile_dir(Path(funnel_tui.__file__).parent, quiet=1)


async def in_process(book: Book, single: Book, scripts_dir: Path, runs: int) -> dict[str, Sample]:
    """Start-ups on both books taking turns (after a warm-up of each), then interactions."""
    starts: dict[str, list[float]] = {"startup_single": [], "startup_book": []}
    for attempt in range(runs + 1):
        for name, measured in (("startup_single", single), ("startup_book", book)):
            seconds = await measure_app.startup_s(measured, scripts_dir)
            if attempt:
                starts[name].append(seconds)
    figures = {name: Sample(tuple(seconds)) for name, seconds in starts.items()}
    figures.update(await measure_app.interactions(book, scripts_dir, runs))
    return figures


def measure(plan: Plan, prospects: int, calls: int, tasks: int) -> Figures:
    """Build the books and the CSV, then take every measurement of the table."""
    DATA.mkdir(exist_ok=True)
    scripts_dir = DATA / "no-user-scripts"
    now = reference_now()
    step(f"building {prospects:,} prospects, {calls:,} calls and {tasks:,} tasks")
    book = build_book(
        DATA / "book.db", prospects=prospects, calls=calls, now=now, seed=SEED, tasks=tasks
    )
    single = build_single(DATA / "single.db", now=now)
    csv_path = DATA / "hubspot-contacts.csv"
    write_hubspot_csv(csv_path, prospects, seed=SEED)
    counts = table_counts(book)
    # The book's hundreds of MiB just written are still being flushed to disk: let that
    # finish first, or the first starts on the book wait on it.
    os.sync()
    # First, while the known prospect still heads the queue: later steps log calls.
    step("the app in a pseudo-terminal")
    terminal = terminal_starts(book, single, plan.terminal_runs)
    samples = {
        f"terminal_{name}": Sample(tuple(run.first_paint_s for run in runs))
        for name, runs in terminal.items()
    }
    step("query plans")
    plans = asyncio.run(hot_query_plans(book, scripts_dir))
    step("log_call, load_pace, import")
    samples.update(
        log_core=measure_core.log_calls(book, plan.log_runs),
        pace_gauge=measure_core.pace(book, plan.runs, period=None, breakdowns=False),
        pace_month=measure_core.pace(book, plan.runs, period=None, breakdowns=True),
        pace_year=measure_core.pace(book, plan.year_runs, period="year", breakdowns=True),
        imports=measure_core.imports(csv_path, prospects, DATA, book, plan.import_runs),
    )
    step("peak memory")
    rss = {
        "single": measure_core.peak_rss_mib(single, scripts_dir),
        "book": measure_core.peak_rss_mib(book, scripts_dir),
    }
    step("the app in-process (run_test)")
    samples.update(asyncio.run(in_process(book, single, scripts_dir, plan.runs)))
    return Figures(
        book=book,
        table_counts=counts,
        samples=samples,
        rss_mib=rss,
        plans=plans,
        quit_keys={name: sorted({run.quit_by for run in runs}) for name, runs in terminal.items()},
        database_mib=book.path.stat().st_size / 2**20,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs of each measurement")
    parser.add_argument("--prospects", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=300_000)
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the results (default: bench/results.md, or bench/data/ for --quick)",
    )
    arguments = parser.parse_args()
    plan = QUICK if arguments.quick else FULL
    default_output = DATA / "results-quick.md" if arguments.quick else BENCH / "results.md"
    output = arguments.output or default_output
    started = perf_counter()
    load_before = os.getloadavg()[0]
    figures = measure(plan, arguments.prospects, arguments.calls, arguments.tasks)
    command = "python bench/run.py" + (" --quick" if arguments.quick else "")
    print(render_table(figures))
    report = render_markdown(figures, command, perf_counter() - started, load_before)
    # The sections the team benchmarks wrote into the file stay.
    kept = other_sections(output.read_text(encoding="utf-8")) if output.exists() else ""
    output.write_text(report + (f"\n{kept}\n" if kept else ""), encoding="utf-8")
    if output.resolve() == BENCH / "results.md" and PERFORMANCE_DOC.exists():
        document = PERFORMANCE_DOC.read_text(encoding="utf-8")
        PERFORMANCE_DOC.write_text(with_latest_figures(document, figures), encoding="utf-8")
    step(f"wrote {output} in {perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
