"""The benchmark's figures against the targets of issue #9: a table and bench/results.md."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from generate import Book
from harness import Sample
from query_plans import Plan

MIB = 2**20
# docs/performance.md shows the latest full run's table between these two lines.
FIGURES_START = "<!-- figures: written by bench/run.py -->"
FIGURES_END = "<!-- end of figures -->"


@dataclass(frozen=True)
class Figures:
    """Everything one run measured."""

    book: Book
    samples: dict[str, Sample]
    rss_mib: dict[str, float]
    plans: list[Plan]
    quit_keys: dict[str, list[str]]
    table_counts: dict[str, int]
    database_mib: float


@dataclass(frozen=True)
class Row:
    """One line of the table; `passed` is None for a figure that has no target of its own."""

    what: str
    figure: str
    target: str
    passed: bool | None
    runs: str

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: ""}[self.passed]


def _ms(sample: Sample, what: str, limit_ms: float | None = None) -> Row:
    low, high = sample.spread_ms
    return Row(
        what,
        f"{sample.median_ms:,.0f} ms" if sample.median_ms >= 10 else f"{sample.median_ms:.1f} ms",
        f"<= {limit_ms:,.0f} ms" if limit_ms is not None else "",
        None if limit_ms is None else sample.median_ms <= limit_ms,
        f"{len(sample.runs)} ({low:,.1f}–{high:,.1f} ms)",
    )


def _ratio(what: str, top: Sample, bottom: Sample, limit: float) -> Row:
    ratio = top.median_ms / bottom.median_ms
    return Row(what, f"{ratio:.2f}x", f"<= {limit:g}x", ratio <= limit, "ratio of medians")


def rows(figures: Figures) -> list[Row]:
    samples = figures.samples
    prospects = f"{figures.book.prospects:,}"
    growth = figures.rss_mib["book"] - figures.rss_mib["single"]
    terminal_book, terminal_single = samples["terminal_book"], samples["terminal_single"]
    return [
        _ms(terminal_book, f"Start-up, terminal, {prospects} prospects"),
        _ms(terminal_single, "Start-up, terminal, 1 prospect"),
        _ms(samples["terminal_hello"], "Start-up, terminal, hello-world Textual"),
        _ratio("Start-up, terminal: big book / 1 prospect", terminal_book, terminal_single, 1.25),
        _ratio(
            "Start-up, terminal: big book / hello world",
            terminal_book,
            samples["terminal_hello"],
            2,
        ),
        _ms(samples["startup_book"], f"Start-up, in-process, {prospects} prospects"),
        _ms(samples["startup_single"], "Start-up, in-process, 1 prospect"),
        _ratio(
            "Start-up, in-process: big book / 1 prospect",
            samples["startup_book"],
            samples["startup_single"],
            1.25,
        ),
        _ms(samples["filter_set"], "Filter: text set, to the match shown", 100),
        _ms(samples["filter_typed"], "Filter: name typed at full speed, to the match", 100),
        _ms(samples["log_core"], "Log outcome on a due call task: log_call to commit (core)", 50),
        _ms(samples["log_ui"], "Log outcome on a due call task: l n enter to commit (UI)", 50),
        _ms(samples["move"], "Cursor 1,000 rows (pagedown), to repaint", 100),
        _ms(samples["pace_gauge"], "Gauge: load_pace, month, no breakdowns", 200),
        _ms(samples["pace_month"], "Pace screen: load_pace, month, by method/source", 200),
        _ms(samples["pace_year"], "Report: load_pace, a year of calls", 200),
        _ms(samples["pace_screen"], "Pace screen: p to the frame with its charts", 150),
        _ms(samples["imports"], f"Import {prospects} CSV rows (HubSpot export)", 5000),
        Row("Peak RSS, 1 prospect", f"{figures.rss_mib['single']:.1f} MiB", "", None, "1"),
        Row(
            f"Peak RSS, {prospects} prospects", f"{figures.rss_mib['book']:.1f} MiB", "", None, "1"
        ),
        Row("Peak RSS growth", f"{growth:.1f} MiB", "<= 30 MB", growth * MIB <= 30e6, ""),
    ]


def render_table(figures: Figures) -> str:
    header = ("Measurement", "Median", "Target", "Result", "Runs (min–max)")
    lines = [(row.what, row.figure, row.target, row.verdict, row.runs) for row in rows(figures)]
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *lines]
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _machine(run_seconds: float, load_before: float) -> list[str]:
    lines = machine_lines(run_seconds, load_before)
    lines.insert(
        1,
        f"- Python {platform.python_version()}, Textual {version('textual')}, "
        f"SQLite {sqlite3.sqlite_version}, sqlite-utils {version('sqlite-utils')}",
    )
    return lines


def machine_lines(run_seconds: float, load_before: float) -> list[str]:
    """The CPU, the date and the load on the machine around a run, as list items."""
    load_after = os.getloadavg()[0]
    return [
        f"- CPU: {_cpu_model()}, {os.cpu_count()} cores",
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; whole run {run_seconds:.0f} s",
        f"- Load average (1 min) {load_before:.2f} before the run and {load_after:.2f} after: "
        "other work on the machine during the run slows the figures down",
    ]


def _data(figures: Figures) -> list[str]:
    book, counts = figures.book, figures.table_counts
    return [
        f"- {counts['prospects']:,} prospects (60% called), {counts['calls']:,} calls over the "
        f"year before {book.now:%a %Y-%m-%d %H:%M}, {counts['tasks']:,} tasks "
        f"({counts['open_tasks']:,} open), {counts['deals']:,} deals, "
        f"{counts['notes']:,} notes; {figures.database_mib:.0f} MiB; built in {book.seconds:.0f} s",
        f"- In-process runs use a clock stopped at {book.now:%a %Y-%m-%d %H:%M %Z}; the terminal "
        "runs use the real clock, so their queue depends on the hour and weekday of the run.",
        "- Frames are timed as Textual paints them (the compositor renders every frame under "
        "`run_test`; only the write to the terminal is skipped).",
        "- The package's bytecode is compiled before the terminal runs, as `pip install` does.",
    ]


def _quit_notes(figures: Figures) -> list[str]:
    names = {
        "hello": "the hello-world app",
        "single": "the app on 1 prospect",
        "book": "the app on the big book",
    }
    ended = "; ".join(
        f"{names[name]}: {' or '.join(keys)}" for name, keys in figures.quit_keys.items()
    )
    return [
        "- Each terminal run ends by typing `q`, then Textual's ctrl+q if the program is still "
        f"running a second later, then a kill. What ended them: {ended}."
    ]


def _plans(plans: list[Plan]) -> list[str]:
    scans = [plan for plan in plans if plan.whole_table_scans]
    lines = ["## Query plans of the hot queries", "", "### Whole-table scans", ""]
    if not scans:
        lines.append("None.")
    for plan in scans:
        tables = ", ".join(plan.whole_table_scans)
        lines.append(f"- `{plan.caller}` scans {tables}: `{plan.short_sql}`")
    lines += ["", "### Every hot query, with one run's time at this size", ""]
    for plan in plans:
        lines += [
            f"`{plan.caller}`, {plan.seconds * 1000:,.1f} ms:",
            "",
            "```sql",
            plan.short_sql,
            "```",
            "```",
            *plan.steps,
            "```",
            "",
        ]
    return lines


def _markdown_table(figures: Figures) -> list[str]:
    header = [
        "| Measurement | Median | Target | Result | Runs (min–max) |",
        "|---|---:|---|---|---|",
    ]
    return header + [
        f"| {row.what} | {row.figure} | {row.target} | {row.verdict} | {row.runs} |"
        for row in rows(figures)
    ]


def with_latest_figures(document: str, figures: Figures) -> str:
    """`document` with the table between its figures markers replaced by this run's."""
    start, end = document.index(FIGURES_START), document.index(FIGURES_END)
    block = [
        FIGURES_START,
        "",
        f"From `bench/results.md` of {datetime.now().astimezone():%Y-%m-%d} "
        f"({_cpu_model()}, {os.cpu_count()} cores):",
        "",
        *_markdown_table(figures),
        "",
    ]
    return document[:start] + "\n".join(block) + "\n" + document[end:]


def _section_markers(title: str) -> tuple[str, str]:
    return f"<!-- section: {title} -->", f"<!-- end of section: {title} -->"


def with_section(document: str, title: str, lines: list[str]) -> str:
    """`document` with the section `title` (a heading and `lines`, between markers of its
    own) replaced, or added at the end: what another benchmark than run.py writes."""
    start, end = _section_markers(title)
    block = "\n".join([start, f"## {title}", "", *lines, "", end])
    if start in document and end in document:
        before, _, rest = document.partition(start)
        _, _, after = rest.partition(end)
        return before + block + after
    return document.rstrip() + "\n\n" + block + "\n"


def write_section(path: Path, title: str, lines: list[str]) -> None:
    """Write the section `title` into the results file at `path`, leaving the rest."""
    document = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    path.write_text(with_section(document, title, lines), encoding="utf-8")


def other_sections(document: str) -> str:
    """The sections of `document` that other benchmarks wrote, with their markers, so
    that run.py writing the file anew keeps them."""
    kept = []
    marker = "<!-- section: "
    for chunk in document.split(marker)[1:]:
        title = chunk.partition(" -->")[0]
        _, end = _section_markers(title)
        if end in chunk:
            kept.append(marker + chunk.partition(end)[0] + end)
    return "\n\n".join(kept)


def render_markdown(figures: Figures, command: str, run_seconds: float, load_before: float) -> str:
    table = _markdown_table(figures)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}`. Each figure is the median of several runs, and each ratio "
        "compares medians measured side by side in this one run. Targets are those of issue #9.",
        "",
        "## Machine",
        "",
        *_machine(run_seconds, load_before),
        "",
        "## Data",
        "",
        *_data(figures),
        "",
        "## Figures",
        "",
        *table,
        "",
        *_quit_notes(figures),
        "",
        *_plans(figures.plans),
    ]
    return "\n".join(lines).rstrip() + "\n"
