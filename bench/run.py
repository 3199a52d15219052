"""`python bench/run.py`: build a 100,000-prospect book, measure the app against the targets
of issues #19 and #9 side by side in one run, print the table and write bench/results.md.

`--size 1000000` does the same on a book ten times as large (calls, tasks, notes and the CSV
scaled alike) and prints each figure's ratio to the last run at the default size;
`--only startup` measures the start-ups alone; `--baseline DIR` starts another checkout of
the app in turn with this one, on the same books."""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
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
    figure_values,
    other_sections,
    render_markdown,
    render_table,
    size_section,
    with_latest_figures,
    write_section,
)

import funnel_tui
from funnel_tui.store.sqlite import open_storage

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
HELLO = BENCH / "hello_textual.py"
PERFORMANCE_DOC = BENCH.parent / "docs" / "performance.md"
SEED = 2026
# The book of issue #9; other sizes scale every table as this one does.
DEFAULT_SIZE = 100_000
CALLS_PER_PROSPECT = 10
TASKS_PER_PROSPECT = 3
# The small file imported into the big book, as a rep adds a list to a book they have.
SMALL_IMPORT_ROWS = 1_000


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


def terminal_starts(
    book: Book, single: Book, runs: int, baseline: Path | None
) -> dict[str, list[TerminalRun]]:
    """Start-up to the first paint with the queue, as real processes in a pseudo-terminal.

    The programs take turns, after one warm-up start each, so that anything else slowing
    the machine for a moment spreads over all of them. With a `baseline` checkout, its
    app starts on the same books in turn with this one.
    """
    programs = {
        "hello": ([sys.executable, str(HELLO)], [GREETING], None),
        "single": (app_command(single), [SOLO_NAME], None),
        "book": (app_command(book), [HEAD_NAME], None),
    }
    compile_bytecode(Path(funnel_tui.__file__).parent)
    if baseline is not None:
        compile_bytecode(baseline / "funnel_tui")
        # The checkout's package comes first on the path, before the installed one (and
        # before the current folder, which may hold this one's).
        environment = {**os.environ, "PYTHONPATH": str(baseline.resolve()), "PYTHONSAFEPATH": "1"}
        programs["baseline_single"] = (app_command(single), [SOLO_NAME], environment)
        programs["baseline_book"] = (app_command(book), [HEAD_NAME], environment)
    results: dict[str, list[TerminalRun]] = {name: [] for name in programs}
    for attempt in range(runs + 1):
        for name, (command, markers, environment) in programs.items():
            run = run_in_terminal(command, markers, env=environment)
            if attempt:
                results[name].append(run)
    return results


def app_command(book: Book) -> list[str]:
    return [sys.executable, "-m", "funnel_tui", "--db", str(book.path)]


def compile_bytecode(package: Path) -> None:
    """Write the package's bytecode, as `pip install` does, so each start reads it instead of
    compiling the sources again (an editable install under PYTHONDONTWRITEBYTECODE would)."""
    compileall.compile_dir(package, quiet=1)


async def in_process(
    book: Book, single: Book, scripts_dir: Path, runs: int, *, interactions: bool = True
) -> dict[str, Sample]:
    """Start-ups on both books taking turns (after a warm-up of each), then interactions."""
    starts: dict[str, list[float]] = {"startup_single": [], "startup_book": []}
    for attempt in range(runs + 1):
        for name, measured in (("startup_single", single), ("startup_book", book)):
            seconds = await measure_app.startup_s(measured, scripts_dir)
            if attempt:
                starts[name].append(seconds)
    figures = {name: Sample(tuple(seconds)) for name, seconds in starts.items()}
    if interactions:
        figures.update(await measure_app.interactions(book, scripts_dir, runs))
    return figures


@dataclass(frozen=True)
class Size:
    """How large a book to build: prospects, and calls, tasks and CSV rows to match."""

    prospects: int

    @property
    def calls(self) -> int:
        return self.prospects * CALLS_PER_PROSPECT

    @property
    def tasks(self) -> int:
        return self.prospects * TASKS_PER_PROSPECT

    @property
    def folder(self) -> Path:
        """Where this size's books live; the default size's are in bench/data itself."""
        return DATA if self.prospects == DEFAULT_SIZE else DATA / f"size-{self.prospects}"


def books(size: Size, *, reuse: bool) -> tuple[Book, Book]:
    """The big book and the one-prospect book: built afresh, or (`reuse`) those an earlier
    run of this size left, described by the file written beside them."""
    size.folder.mkdir(parents=True, exist_ok=True)
    facts = size.folder / "books.json"
    if reuse and facts.exists():
        described = json.loads(facts.read_text(encoding="utf-8"))
        book, single = (
            Book(
                **{
                    **fields,
                    "path": Path(fields["path"]),
                    "now": datetime.fromisoformat(fields["now"]),
                }
            )
            for fields in (described["book"], described["single"])
        )
        if book.path.exists() and single.path.exists():
            step(f"using the books built on {book.now:%Y-%m-%d} in {size.folder}")
            return book, single
    now = reference_now()
    step(f"building {size.prospects:,} prospects, {size.calls:,} calls and {size.tasks:,} tasks")
    book = build_book(
        size.folder / "book.db",
        prospects=size.prospects,
        calls=size.calls,
        now=now,
        seed=SEED,
        tasks=size.tasks,
    )
    single = build_single(size.folder / "single.db", now=now)
    described = {
        name: {**asdict(built), "path": str(built.path), "now": built.now.isoformat()}
        for name, built in (("book", book), ("single", single))
    }
    facts.write_text(json.dumps(described, indent=1), encoding="utf-8")
    return book, single


def measure(
    plan: Plan, size: Size, *, only_startup: bool, reuse: bool, baseline: Path | None
) -> Figures:
    """Build the books and the CSV, then take every measurement of the table."""
    scripts_dir = DATA / "no-user-scripts"
    book, single = books(size, reuse=reuse)
    counts = table_counts(book)
    # The book's hundreds of MiB just written are still being flushed to disk: let that
    # finish first, or the first starts on the book wait on it.
    os.sync()
    # First, while the known prospect still heads the queue: later steps log calls.
    step("the app in a pseudo-terminal")
    terminal = terminal_starts(book, single, plan.terminal_runs, baseline)
    samples = {
        f"terminal_{name}": Sample(tuple(run.first_paint_s for run in runs))
        for name, runs in terminal.items()
    }
    figures = Figures(
        book=book,
        table_counts=counts,
        samples=samples,
        rss_mib={},
        plans=[],
        quit_keys={name: sorted({run.quit_by for run in runs}) for name, runs in terminal.items()},
        database_mib=book.path.stat().st_size / 2**20,
    )
    if only_startup:
        step("the app in-process (run_test)")
        samples.update(
            asyncio.run(in_process(book, single, scripts_dir, plan.runs, interactions=False))
        )
        return figures
    step("query plans")
    figures.plans.extend(asyncio.run(hot_query_plans(book, scripts_dir)))
    csv_path = size.folder / "hubspot-contacts.csv"
    write_hubspot_csv(csv_path, size.prospects, seed=SEED)
    small_csv_path = size.folder / "hubspot-contacts-small.csv"
    write_hubspot_csv(small_csv_path, SMALL_IMPORT_ROWS, seed=SEED)
    step("log_call, load_pace, import")
    samples.update(
        log_core=measure_core.log_calls(book, plan.log_runs),
        pace_gauge=measure_core.pace(book, plan.runs, period=None, breakdowns=False),
        pace_month=measure_core.pace(book, plan.runs, period=None, breakdowns=True),
        pace_year=measure_core.pace(book, plan.year_runs, period="year", breakdowns=True),
        imports=measure_core.imports(csv_path, size.prospects, size.folder, book, plan.import_runs),
        import_into_book=measure_core.import_into_book(
            small_csv_path, SMALL_IMPORT_ROWS, book, plan.import_runs
        ),
    )
    step("peak memory")
    figures.rss_mib.update(
        single=measure_core.peak_rss_mib(single, scripts_dir),
        book=measure_core.peak_rss_mib(book, scripts_dir),
    )
    step("the app in-process (run_test)")
    samples.update(asyncio.run(in_process(book, single, scripts_dir, plan.runs)))
    return figures


def figures_file(size: Size) -> Path:
    """Where a run keeps its figures, for a run at another size to compare with."""
    return DATA / f"figures-{size.prospects}.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs of each measurement")
    parser.add_argument(
        "--size",
        type=int,
        default=DEFAULT_SIZE,
        help=f"prospects in the book, with {CALLS_PER_PROSPECT} calls and {TASKS_PER_PROSPECT}"
        f" tasks each (default: {DEFAULT_SIZE:,})",
    )
    parser.add_argument(
        "--only", choices=["startup"], help="measure the start-ups alone (terminal and in-process)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="use the books an earlier run of this size built"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of another version (git worktree add DIR COMMIT): its app starts in"
        " turn with this one's, on the same books",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the results (default: bench/results.md for a full run at the"
        " default size, else a file in bench/data/)",
    )
    arguments = parser.parse_args()
    plan = QUICK if arguments.quick else FULL
    size = Size(arguments.size)
    only_startup = arguments.only == "startup"
    official = not (arguments.quick or only_startup or arguments.baseline) and (
        size.prospects == DEFAULT_SIZE
    )
    default_output = BENCH / "results.md" if official else size.folder / "results.md"
    output = arguments.output or default_output
    started = perf_counter()
    load_before = os.getloadavg()[0]
    figures = measure(
        plan,
        size,
        only_startup=only_startup,
        reuse=arguments.reuse,
        baseline=arguments.baseline,
    )
    command = " ".join(["python bench/run.py", *sys.argv[1:]])
    reference = None
    if size.prospects != DEFAULT_SIZE and figures_file(Size(DEFAULT_SIZE)).exists():
        reference = json.loads(figures_file(Size(DEFAULT_SIZE)).read_text(encoding="utf-8"))
    elif size.prospects != DEFAULT_SIZE:
        step(f"no figures at {DEFAULT_SIZE:,} to compare with: run bench/run.py at that size first")
    print(render_table(figures, reference))
    if not only_startup:
        figures_file(size).write_text(
            json.dumps(figure_values(figures), indent=1), encoding="utf-8"
        )
    report = render_markdown(figures, command, perf_counter() - started, load_before, reference)
    # The sections the team benchmarks wrote into the file stay.
    kept = other_sections(output.read_text(encoding="utf-8")) if output.exists() else ""
    output.write_text(report + (f"\n{kept}\n" if kept else ""), encoding="utf-8")
    if size.prospects != DEFAULT_SIZE and not (
        arguments.quick or only_startup or arguments.baseline
    ):
        title = f"The benchmark at {size.prospects:,} prospects"
        lines = size_section(figures, command, perf_counter() - started, load_before, reference)
        write_section(BENCH / "results.md", title, lines)
        step(f"wrote the section {title!r} of {BENCH / 'results.md'}")
    if output.resolve() == BENCH / "results.md" and PERFORMANCE_DOC.exists():
        document = PERFORMANCE_DOC.read_text(encoding="utf-8")
        PERFORMANCE_DOC.write_text(with_latest_figures(document, figures), encoding="utf-8")
    step(f"wrote {output} in {perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
