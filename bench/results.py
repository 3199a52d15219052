"""The benchmark's figures against the targets of issue #19 (and of issue #9 where #19 sets
none): a table and bench/results.md."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from generate import Book
from harness import Sample
from query_plans import Plan

MIB = 2**20
# Issue #19: an import reads at least this many rows a second.
IMPORT_ROWS_PER_S = 60_000
# At ten times the prospects and calls, no figure may grow by more than this.
SIZE_RATIO_LIMIT = 1.5
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
    """One line of the table; `passed` is None for a figure that has no target of its own.

    `key` names the figure across runs (the sample's name), and `value` is its median (ms,
    MiB or a ratio), for comparing a run at one size with a run at another.
    """

    what: str
    figure: str
    target: str
    passed: bool | None
    runs: str
    key: str = ""
    value: float | None = None

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: ""}[self.passed]


def _ms(sample: Sample, what: str, limit_ms: float | None = None, *, key: str = "") -> Row:
    low, high = sample.spread_ms
    return Row(
        what,
        f"{sample.median_ms:,.0f} ms" if sample.median_ms >= 10 else f"{sample.median_ms:.1f} ms",
        f"<= {limit_ms:,.0f} ms" if limit_ms is not None else "",
        None if limit_ms is None else sample.median_ms <= limit_ms,
        f"{len(sample.runs)} ({low:,.1f}–{high:,.1f} ms)",
        key,
        sample.median_ms,
    )


def _ratio(what: str, top: Sample, bottom: Sample, limit: float | None, *, key: str = "") -> Row:
    ratio = top.median_ms / bottom.median_ms
    return Row(
        what,
        f"{ratio:.2f}x",
        "" if limit is None else f"<= {limit:g}x",
        None if limit is None else ratio <= limit,
        "ratio of medians",
        key,
        ratio,
    )


def _import_rate(sample: Sample, figures: Figures) -> Row:
    """The import's median as rows a second; its value, compared across sizes, is the time
    a row takes (µs), which a larger file should not make longer."""
    rows = figures.book.prospects
    per_row_us = sample.median_ms * 1000 / rows
    rate = rows / (sample.median_ms / 1000)
    return Row(
        "Import: rows a second",
        f"{rate:,.0f} ({per_row_us:.0f} µs a row)",
        f">= {IMPORT_ROWS_PER_S:,}",
        rate >= IMPORT_ROWS_PER_S,
        "from the median",
        "import_row",
        per_row_us,
    )


# Each measured figure: its sample's name, what the table calls it ({n}: the book's
# prospects) and its target in ms, if it has one.
TIMINGS = (
    ("terminal_book", "Start-up, terminal, {n} prospects", None),
    ("terminal_single", "Start-up, terminal, 1 prospect", None),
    ("terminal_hello", "Start-up, terminal, hello-world Textual", None),
    ("terminal_baseline_book", "Start-up, terminal, {n} prospects, baseline checkout", None),
    ("terminal_baseline_single", "Start-up, terminal, 1 prospect, baseline checkout", None),
    ("startup_book", "Start-up, in-process, {n} prospects", None),
    ("startup_single", "Start-up, in-process, 1 prospect", None),
    ("filter_set", "Filter: text set, to the match shown", 30),
    ("filter_typed", "Filter: name typed at full speed, to the match", 30),
    ("filter_common", "Filter: `555`, in every prospect, to the first matches shown", 30),
    ("filter_common_all", "Filter: `555`, in every prospect, to all of them counted", None),
    ("log_core", "Log outcome on a due call task: log_call to commit (core)", 50),
    ("log_ui", "Log outcome on a due call task: l n enter to commit (UI)", 20),
    ("move", "Cursor 1,000 rows (pagedown), to repaint", 100),
    ("pace_gauge", "Gauge: load_pace, month, no breakdowns", 200),
    ("pace_month", "Pace screen: load_pace, month, by method/source", 200),
    ("pace_year", "Report: load_pace, a year of calls", 200),
    ("pace_screen", "Pace screen: p to the frame with its charts", 150),
    ("settings_screen", "Settings: s to the frame that shows them", None),
    ("edit_form", "Edit prospect: e to the frame that shows the form", None),
    ("imports", "Import {n} CSV rows (HubSpot export)", None),
    ("import_into_book", "Import 1,000 CSV rows into the {n}-prospect book (dry run)", None),
)
# Ratios of two figures of the same run: name, the two samples, what and the target.
RATIOS = (
    (
        "terminal_book_single",
        "terminal_book",
        "terminal_single",
        "Start-up, terminal: big book / 1 prospect",
        1.25,
    ),
    (
        "terminal_book_hello",
        "terminal_book",
        "terminal_hello",
        "Start-up, terminal: big book / hello world",
        1.6,
    ),
    (
        "terminal_book_baseline",
        "terminal_book",
        "terminal_baseline_book",
        "Start-up, terminal: big book, this / baseline checkout",
        None,
    ),
    (
        "terminal_single_baseline",
        "terminal_single",
        "terminal_baseline_single",
        "Start-up, terminal: 1 prospect, this / baseline checkout",
        None,
    ),
    (
        "startup_book_single",
        "startup_book",
        "startup_single",
        "Start-up, in-process: big book / 1 prospect",
        1.25,
    ),
)


def rows(figures: Figures) -> list[Row]:
    """The table's rows, for the figures this run measured."""
    samples = figures.samples
    prospects = f"{figures.book.prospects:,}"
    # The import's limit follows from its rate and the book's size.
    import_ms = figures.book.prospects / IMPORT_ROWS_PER_S * 1000
    timings = {
        key: _ms(
            samples[key],
            what.format(n=prospects),
            import_ms if key == "imports" else limit,
            key=key,
        )
        for key, what, limit in TIMINGS
        if key in samples
    }
    # Each ratio follows the last of the two figures it compares.
    follow: dict[str, list[Row]] = {}
    for key, top, bottom, what, limit in RATIOS:
        if top in timings and bottom in timings:
            last = max(top, bottom, key=list(timings).index)
            follow.setdefault(last, []).append(
                _ratio(what, samples[top], samples[bottom], limit, key=key)
            )
    if "imports" in timings:
        # An import's time grows with its file: across sizes, compare the time per row.
        timings["imports"] = replace(timings["imports"], key="", value=None)
        follow.setdefault("imports", []).append(_import_rate(samples["imports"], figures))
    table = [row for key, row in timings.items() for row in (row, *follow.get(key, []))]
    rss = figures.rss_mib
    if rss:
        growth = rss["book"] - rss["single"]
        table += [
            Row(
                "Peak RSS, 1 prospect",
                f"{rss['single']:.1f} MiB",
                "",
                None,
                "1",
                "rss_single",
                rss["single"],
            ),
            Row(
                f"Peak RSS, {prospects} prospects",
                f"{rss['book']:.1f} MiB",
                "",
                None,
                "1",
                "rss_book",
                rss["book"],
            ),
            Row(
                "Peak RSS growth",
                f"{growth:.1f} MiB",
                "<= 30 MB",
                growth * MIB <= 30e6,
                "",
                "rss_growth",
                growth,
            ),
        ]
    return table


def figure_values(figures: Figures) -> dict[str, float]:
    """Each figure's median by its key, to compare a run at another size with."""
    return {row.key: row.value for row in rows(figures) if row.value is not None}


def _versus(row: Row, reference: dict[str, float] | None) -> str:
    """This figure against the same at the default size, as a ratio, marked when it grew
    by more than the larger book may cost."""
    if reference is None or row.value is None or not reference.get(row.key):
        return ""
    ratio = row.value / reference[row.key]
    return f"{ratio:.2f}x" + (f" (over {SIZE_RATIO_LIMIT:g}x)" if ratio > SIZE_RATIO_LIMIT else "")


def render_table(figures: Figures, reference: dict[str, float] | None = None) -> str:
    header = ("Measurement", "Median", "Target", "Result", "Runs (min–max)")
    if reference is not None:
        header += ("vs 100,000",)
    lines = [
        (row.what, row.figure, row.target, row.verdict, row.runs)
        + ((_versus(row, reference),) if reference is not None else ())
        for row in rows(figures)
    ]
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(len(header))]
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
        "baseline_single": "the baseline checkout on 1 prospect",
        "baseline_book": "the baseline checkout on the big book",
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


def _markdown_table(figures: Figures, reference: dict[str, float] | None = None) -> list[str]:
    if reference is None:
        header = [
            "| Measurement | Median | Target | Result | Runs (min–max) |",
            "|---|---:|---|---|---|",
        ]
    else:
        header = [
            "| Measurement | Median | Target | Result | Runs (min–max) | vs 100,000 |",
            "|---|---:|---|---|---|---:|",
        ]
    return header + [
        f"| {row.what} | {row.figure} | {row.target} | {row.verdict} | {row.runs} |"
        + (f" {_versus(row, reference)} |" if reference is not None else "")
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


def size_section(
    figures: Figures,
    command: str,
    run_seconds: float,
    load_before: float,
    reference: dict[str, float] | None,
) -> list[str]:
    """A run at another size than 100,000 prospects, for its section of the results file:
    the machine, the data and the figures, each with its ratio to the last run at
    100,000 (the query plans stay in that size's own file)."""
    return [
        f"Written by `{command}`; each ratio is to the figure of the last run at 100,000"
        " prospects (bench/data/figures-100000.json).",
        "",
        *_machine(run_seconds, load_before),
        "",
        *_data(figures),
        "",
        *_markdown_table(figures, reference),
        "",
        *_quit_notes(figures),
    ]


def render_markdown(
    figures: Figures,
    command: str,
    run_seconds: float,
    load_before: float,
    reference: dict[str, float] | None = None,
) -> str:
    """The results file; with a `reference` (the figures at 100,000 prospects), each
    figure's ratio to it too."""
    table = _markdown_table(figures, reference)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}`. Each figure is the median of several runs, and each ratio "
        "compares medians measured side by side in this one run. Targets are those of issue #19 "
        "(an import of at least 60,000 rows a second), and of issue #9 where #19 sets none.",
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
        *(_plans(figures.plans) if figures.plans else []),
    ]
    return "\n".join(lines).rstrip() + "\n"
