"""`python bench/import_scale.py [--rows N ...] [--baseline DIR]`: `funnel import` of
HubSpot exports of each size into a new database, as a process of its own: its time from
start to exit, its rows a second and its peak resident memory, against the targets of
issue 19. Written to bench/results.md (the section "Import: memory and speed").

`--baseline DIR` also runs the package found in DIR (a checkout of another commit, e.g.
`git worktree add /tmp/before main`) on the same files, taking turns with this one, so
that the two are compared in the same conditions on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from generate import remove_database, write_hubspot_csv
from harness import wait_sampling_rss
from results import machine_lines, write_section

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
SECTION = "Import: memory and speed"
MAX_PEAK_MIB = 120
MIN_ROWS_PER_S = 60_000
# The seed of bench/run.py, so that its 100,000 rows are the same file.
SEED = 2026


@dataclass(frozen=True)
class Run:
    """One `funnel import` from start to exit."""

    seconds: float
    # User and system time: steadier than the wall clock on a machine others share.
    cpu_seconds: float
    peak_mib: float
    summary: str


def import_once(csv_path: Path, db_path: Path, source_dir: Path | None) -> Run:
    """`python -m funnel_tui import` in a new process, from a folder that holds no copy of
    the package, so that the one imported is the installed one or `source_dir`'s."""
    remove_database(db_path)
    environment = dict(os.environ)
    if source_dir is not None:
        environment["PYTHONPATH"] = str(source_dir)
    output = db_path.with_suffix(".out")
    command = [sys.executable, "-m", "funnel_tui", "import", str(csv_path), "--db", str(db_path)]
    with output.open("wb") as stdout:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=DATA, env=environment, stdout=stdout, stderr=subprocess.DEVNULL
        )
        # The child's own resource use (with the reading process it waits for), not that
        # of every child this process waited for; its memory and its reading process's
        # together, as they run.
        status, usage, peak_kib = wait_sampling_rss(process.pid)
        seconds = time.perf_counter() - started
    summary = output.read_text(encoding="utf-8").splitlines()[0] if output.stat().st_size else ""
    output.unlink()
    remove_database(db_path)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {summary}")
    # ru_maxrss (KiB on Linux) is the larger process's alone: the sum, sampled, is more.
    peak_mib = max(peak_kib, usage.ru_maxrss) / 1024
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak_mib, summary)


def render_section(
    results: dict[tuple[str, int], list[Run]],
    *,
    command: str,
    load_before: float,
    run_seconds: float,
) -> list[str]:
    lines = [
        f"Written by `{command}`. Targets are those of issue 19: peak RSS under"
        f" {MAX_PEAK_MIB} MB and at least {MIN_ROWS_PER_S:,} rows a second at 1,000,000 rows.",
        "",
        *machine_lines(run_seconds, load_before),
        "",
        "`funnel import FILE --db NEW.db` of a HubSpot contacts export (bench/generate.py:"
        " 14 columns, a phone number on each row, a mobile on 30%, a time zone on half) into"
        " a new database, a process of its own timed from start to exit (reading the"
        " package and scanning the file included); CPU is its user and system time (the"
        " reading thread's or process's included); peak RSS is the most that it and the"
        " process it reads a large file in held together (read every 20 ms), or its"
        " ru_maxrss if more. Where two packages ran, they took turns on the same file.",
        "",
        "| Package | Rows | Median s | Rows/s | CPU s | Rows/CPU s | Peak RSS MiB"
        " | Runs (min–max s) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for (package, rows), runs in results.items():
        seconds = median(run.seconds for run in runs)
        cpu_seconds = median(run.cpu_seconds for run in runs)
        peak = max(run.peak_mib for run in runs)
        low, high = min(run.seconds for run in runs), max(run.seconds for run in runs)
        lines.append(
            f"| {package} | {rows:,} | {seconds:,.1f} | {rows / seconds:,.0f}"
            f" | {cpu_seconds:,.1f} | {rows / cpu_seconds:,.0f} | {peak:,.1f}"
            f" | {len(runs)} ({low:,.1f}–{high:,.1f}) |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument(
        "--runs", type=int, nargs="+", default=[3], help="for each size (the last for the rest)"
    )
    parser.add_argument("--baseline", type=Path, help="a folder holding another funnel_tui")
    parser.add_argument(
        "--baseline-up-to", type=int, help="run the baseline on files of up to this many rows"
    )
    parser.add_argument("--baseline-label", default="before")
    parser.add_argument("--label", default="this commit")
    parser.add_argument("--output", type=Path, default=BENCH / "results.md")
    arguments = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    packages: dict[str, Path | None] = {arguments.label: None}
    if arguments.baseline is not None:
        packages = {arguments.baseline_label: arguments.baseline.resolve(), **packages}
    results: dict[tuple[str, int], list[Run]] = {}
    for index, rows in enumerate(arguments.rows):
        csv_path = DATA / f"hubspot-{rows}.csv"
        print(f"… writing {csv_path.name}", file=sys.stderr, flush=True)
        write_hubspot_csv(csv_path, rows, seed=SEED)
        runs = arguments.runs[min(index, len(arguments.runs) - 1)]
        for _ in range(runs):
            for label, source_dir in packages.items():
                if source_dir is not None and rows > (arguments.baseline_up_to or rows):
                    continue
                run = import_once(csv_path, DATA / "import-scale.db", source_dir)
                results.setdefault((label, rows), []).append(run)
                print(
                    f"{label}, {rows:,} rows: {run.seconds:.1f} s, {run.peak_mib:.1f} MiB"
                    f" ({run.summary[:40]})",
                    file=sys.stderr,
                    flush=True,
                )
        csv_path.unlink()
    command = "python bench/import_scale.py " + " ".join(sys.argv[1:])
    section = render_section(
        results,
        command=command.strip(),
        load_before=load_before,
        run_seconds=time.perf_counter() - started,
    )
    print("\n".join(section))
    write_section(arguments.output, SECTION, section)


if __name__ == "__main__":
    main()
