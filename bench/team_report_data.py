"""`python bench/team_report_data.py [--prospects N] [--calls N] [--url URL]`: a team's
book in a PostgreSQL database, built with COPY, and `funnel report --team` timed on it
(issue 18: 20 reps, 1,000,000 prospects and 10,000,000 calls, the report under 1 s).

The book: 20 reps; 60% of the prospects called over the last twelve months, each by its
owner, and of the others half owned and half in the pool (20% of all); the open tasks
the last calls leave and some closed ones; a deal for each won call; a month target for
each rep and for the team. The rows are drawn as bench/generate.py draws the SQLite
benchmark's book, and copied in with the row triggers off: each prospect's last call and
attempts are written as its calls' triggers would leave them, the calls go in in time
order (so ids follow time, as in real use), and prospect_search, the next calls,
call_days and lead_marks are built once afterwards by `funnel migrate-to`'s statements.
`bulk=False` keeps the triggers on instead and inserts the calls one by one, as the app
logs them: the slow way the test compares the fast one with.

It prints and writes to bench/results.md (the section "Team on PostgreSQL: team report")
how long the build took, step by step, and the report's time: `load_team_report` in the
process (the median of --runs), and `funnel report --team --json` as a command. Without
--url it runs on a throwaway cluster, dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import psycopg
from generate import (
    CALLED_SHARE,
    YEAR_S,
    call_counts,
    call_history,
    closed_tasks,
    next_follow_up,
    open_tasks,
    person_row,
    reference_now,
    stamp,
)
from results import machine_lines, write_section
from team_book import bench_database, copy_text, copying_in, server_description

from funnel_tui.domain import CADENCE_OUTCOMES, CONNECT_OUTCOMES, Outcome
from funnel_tui.pace import set_target
from funnel_tui.reps import add_rep
from funnel_tui.settings import load_settings
from funnel_tui.store import open_team_book
from funnel_tui.store.migrate_to import copy_rows
from funnel_tui.team_report import load_team_report

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results.md"
SECTION = "Team on PostgreSQL: team report"
REPORT_TARGET_S = 1.0
SEED = 2026
REPS = 20
# Of the prospects never called, the share a rep owns; the others are the pool's.
OWNED_UNCALLED_SHARE = 0.5
CHUNK_ROWS = 50_000
# The settings key that keeps how the book was built.
BUILD_KEY = "bench_team_book"

PROSPECT_COLUMNS = (
    "id", "name", "title", "company", "phone", "email", "timezone", "kind", "stage", "method",
    "deal_value_cents", "source", "priority", "do_not_call", "wrong_number", "nurture",
    "created_at", "updated_at", "owner",
)  # fmt: skip
# What the calls' triggers keep on a prospect: written up front when they are off.
LAST_CALL_COLUMNS = ("attempts", "last_called_at", "last_outcome")
# started_at first: the lines of a month sort into time order as text.
CALL_COLUMNS = (
    "started_at", "prospect_id", "duration_s", "outcome", "method", "notes", "follow_up_at",
    "rep",
)  # fmt: skip
TASK_COLUMNS = ("prospect_id", "kind", "due_at", "status", "created_at", "done_at", "rep")

DEALS = """
INSERT INTO deals (prospect_id, call_id, amount_cents, closed_on, kind, rep)
SELECT prospect_id, id, 200000 + (id * 7919 % 2800) * 1000, substr(started_at, 1, 10), 'new', rep
FROM calls WHERE outcome = 'won' ORDER BY id
"""


def rep_names(count: int = REPS) -> list[str]:
    return [f"rep{number:02d}" for number in range(1, count + 1)]


@dataclass
class TeamBook:
    """A generated team book: its size, its clock, and how long each step took."""

    url: str
    now: datetime
    reps: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())

    def save(self) -> None:
        """Keep what the build was in the book, for a later run that times it again."""
        facts = {"now": self.now.isoformat(), "reps": self.reps, "counts": self.counts}
        with psycopg.connect(self.url) as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (%s, %s) ON CONFLICT (key)"
                " DO UPDATE SET value = excluded.value",
                [BUILD_KEY, json.dumps({**facts, "steps": self.steps})],
            )

    @classmethod
    def load(cls, url: str) -> TeamBook:
        """The book a run built at `url` before (--reuse)."""
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = %s", [BUILD_KEY]).fetchone()
        if row is None:
            raise SystemExit("no team book built by this benchmark at that URL: build one first")
        facts = json.loads(row[0])
        return cls(
            url,
            datetime.fromisoformat(facts["now"]),
            facts["reps"],
            facts["counts"],
            facts["steps"],
        )


def last_call_columns(calls: list[tuple[Any, ...]]) -> tuple[int, str, str]:
    """(attempts, last_called_at, last_outcome) as the calls trigger leaves them after
    these calls (oldest first): a connect starts the count again; a busy signal counts
    once a UTC day since the last connect; the other unanswered outcomes count one each."""
    attempts, busy_days = 0, set()
    for call in calls:
        started, outcome = call[1], call[3]
        if outcome in CONNECT_OUTCOMES:
            attempts, busy_days = 0, set()
        elif outcome == Outcome.BUSY:
            attempts += started[:10] not in busy_days
            busy_days.add(started[:10])
        elif outcome in CADENCE_OUTCOMES:
            attempts += 1
    return attempts, calls[-1][1], str(calls[-1][3])


def _text_line(values: tuple[Any, ...]) -> str:
    """One row in COPY's text format; the generated text holds no tab, newline or
    backslash to escape."""
    return "\t".join("\\N" if value is None else str(value) for value in values) + "\n"


class Laps:
    """A stopwatch: the seconds of each step, one after the other."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self) -> float:
        now = time.perf_counter()
        seconds, self.last = now - self.last, now
        return seconds


class _CallFiles:
    """The calls as they are drawn, prospect by prospect, kept in a file per month; read
    back a month at a time in time order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, TextIO] = {}
        self.count = 0

    def add(self, row: tuple[Any, ...], rep: str | None) -> None:
        prospect_id, started, duration, outcome, method, note, follow_up_at = row
        month = started[:7]
        if month not in self.files:
            self.files[month] = (self.folder / f"calls-{month}").open("w", encoding="utf-8")
        line = (started, prospect_id, duration, outcome, method, note, follow_up_at, rep)
        self.files[month].write(_text_line(line))
        self.count += 1

    def in_time_order(self) -> Iterator[str]:
        for month, handle in sorted(self.files.items()):
            handle.close()
            lines = (self.folder / f"calls-{month}").read_text(encoding="utf-8").splitlines(True)
            lines.sort()
            for start in range(0, len(lines), CHUNK_ROWS):
                yield "".join(lines[start : start + CHUNK_ROWS])


def build_team_book(
    url: str,
    *,
    prospects: int,
    calls: int,
    now: datetime,
    seed: int = SEED,
    reps: int = REPS,
    closed: int | None = None,
    bulk: bool = True,
) -> TeamBook:
    """Fill the emptied team database at `url`; `closed` tasks of the past (default: one
    for every two prospects). With `bulk` the triggers are off while the rows go in."""
    book = TeamBook(url, now, rep_names(reps))
    rng, task_rng = random.Random(seed), random.Random(seed + 1)
    called = set(rng.sample(range(1, prospects + 1), int(prospects * CALLED_SHARE)))
    counts = iter(call_counts(len(called), calls, rng))
    weights = [1 + (number % 5) / 4 for number in range(reps)]
    columns = PROSPECT_COLUMNS + (LAST_CALL_COLUMNS if bulk else ())
    task_lines: list[str] = []
    # Each prospect's owner, by id (index 0 unused): their tasks are theirs.
    owners: list[str | None] = [None]

    def prospect_rows(call_files: _CallFiles) -> Iterator[list[Any]]:
        for number in range(1, prospects + 1):
            person = person_row(number, rng)
            owner = rng.choices(book.reps, weights)[0]
            if number in called:
                history = call_history(person, next(counts), now, rng)
                for call in history:
                    call_files.add(call, owner)
                person.update(zip(LAST_CALL_COLUMNS, last_call_columns(history), strict=True))
            else:
                if rng.random() >= OWNED_UNCALLED_SHARE:
                    owner = None
                person["created_at"] = stamp(now.timestamp() - rng.randrange(3600, YEAR_S))
                if rng.random() < 0.1:
                    person["next_call_at"] = next_follow_up(now, rng)
            person["updated_at"] = person["created_at"]
            person["owner"] = owner
            owners.append(owner)
            task_lines.extend(
                _text_line((*task, owner)) for task in open_tasks(person, now, task_rng)
            )
            yield [person[column] for column in columns]

    def closed_task_lines() -> Iterator[str]:
        remaining = prospects // 2 if closed is None else closed
        ordered = sorted(called)
        while remaining > 0:
            chunk = closed_tasks(ordered, min(remaining, CHUNK_ROWS), now, task_rng)
            remaining -= len(chunk)
            yield "".join(_text_line((*task, owners[task[0]])) for task in chunk)

    laps = Laps()
    with psycopg.connect(url) as conn, tempfile.TemporaryDirectory() as folder:
        call_files = _CallFiles(Path(folder))
        with copying_in(conn, url, triggers=not bulk):
            book.counts["prospects"] = copy_rows(
                conn, "prospects", columns, prospect_rows(call_files)
            )
            book.steps["prospects drawn and copied, calls drawn into a file a month"] = laps.lap()
            if bulk:
                copy_text(conn, "calls", CALL_COLUMNS, call_files.in_time_order())
            else:
                _insert_one_by_one(conn, call_files.in_time_order())
            book.steps["calls sorted by time and copied"] = laps.lap()
            copy_text(conn, "tasks", TASK_COLUMNS, iter(["".join(task_lines)]))
            copy_text(conn, "tasks", TASK_COLUMNS, closed_task_lines())
            conn.execute(DEALS)
            book.steps["tasks drawn and copied, deals of the won calls"] = laps.lap()
        book.steps["derived rows built: prospect_search, next calls, call_days, lead_marks"] = (
            laps.lap()
        )
    _add_reps_and_targets(url, book.reps, now, rng)
    book.steps["reps and targets"] = laps.lap()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        for table in ("prospects", "calls", "tasks", "deals"):
            book.counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    book.steps["VACUUM (ANALYZE)"] = laps.lap()
    book.save()
    return book


def _insert_one_by_one(conn: psycopg.Connection[Any], chunks: Iterator[str]) -> None:
    """The calls one statement each, as the app logs them: COPY would fire their AFTER
    triggers only once every row is in, and a busy signal would see the ones after it."""
    statement = (
        f"INSERT INTO calls ({', '.join(CALL_COLUMNS)})"
        f" VALUES ({', '.join(['%s'] * len(CALL_COLUMNS))})"
    )
    with conn.cursor() as cursor:
        for chunk in chunks:
            rows = [
                [None if value == "\\N" else value for value in line.split("\t")]
                for line in chunk.splitlines()
            ]
            cursor.executemany(statement, rows)


def report_days(now: datetime) -> dict[str, tuple[date, str | None]]:
    """The reports timed: (the day, the period) of each. The month so far is what
    `funnel report --team` gives today; the month before is a whole month of calls."""
    last_month = now.date().replace(day=1) - timedelta(days=1)
    return {
        "month so far": (now.date(), None),
        f"the whole month before ({last_month:%B})": (last_month, None),
        "the year so far (period year)": (now.date(), "year"),
    }


def _add_reps_and_targets(url: str, reps: list[str], now: datetime, rng: random.Random) -> None:
    """The reps; for each a target (20,000 to 60,000 a month) for this month, the month
    before and the year, and the team's: their sum and a tenth more."""
    storage = open_team_book(url)
    try:
        with storage.write() as db:
            months = {rep: rng.randrange(2_000_000, 6_000_000, 100_000) for rep in reps}
            for rep in reps:
                add_rep(db, rep)
            for day, period in report_days(now).values():
                times = 12 if period == "year" else 1
                for rep, amount in [*months.items(), (None, sum(months.values()) * 11 // 10)]:
                    set_target(
                        db,
                        amount_cents=amount * times,
                        period=period or "month",
                        today=day,
                        rep=rep,
                        calls_per_day=60 if rep else 60 * len(reps),
                    )
    finally:
        storage.close()


def time_team_report(
    url: str, today: date, period: str | None, runs: int
) -> tuple[list[float], dict[str, Any]]:
    """Seconds of `load_team_report` and its JSON, `runs` times on one storage (its
    connection, and the second one each report opens beside it) after a first run that
    reads the tables into memory; and the report."""
    storage = open_team_book(url)
    try:
        settings = load_settings(storage.db)
        report = load_team_report(storage.db, today, settings, period=period).to_json()
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            report = load_team_report(storage.db, today, settings, period=period).to_json()
            seconds.append(time.perf_counter() - started)
        return seconds, report
    finally:
        storage.close()


def time_team_command(url: str, runs: int) -> list[float]:
    """Seconds of `funnel report --team --json` as a process of its own, start to exit."""
    command = [sys.executable, "-m", "funnel_tui", "--db", url, "report", "--team", "--json"]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds.append(time.perf_counter() - started)
    return seconds


@dataclass(frozen=True)
class ReportTiming:
    """One report timed: which, its runs in seconds, and the team's figures in it."""

    name: str
    seconds: list[float]
    team: dict[str, Any]
    # Only the month's report has the target; the year's is for comparison.
    has_target: bool

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def passed(self) -> bool | None:
        return self.median < REPORT_TARGET_S if self.has_target else None

    def row(self, what: str) -> str:
        low, high = min(self.seconds) * 1000, max(self.seconds) * 1000
        target = f"< {REPORT_TARGET_S * 1000:,.0f} ms" if self.has_target else ""
        verdict = {True: "pass", False: "FAIL", None: ""}[self.passed]
        return (
            f"| {what} | {self.median * 1000:,.0f} ms | {target} | {verdict}"
            f" | {len(self.seconds)} ({low:,.0f}–{high:,.0f} ms) |"
        )


def time_reports(
    url: str, now: datetime, runs: int, reports: int | None = None
) -> list[ReportTiming]:
    """The first `reports` of report_days (all of them when None), each timed `runs` times."""
    timings = []
    for name, (day, period) in list(report_days(now).items())[:reports]:
        seconds, report = time_team_report(url, day, period, runs)
        timings.append(ReportTiming(name, seconds, report["team"] or {}, period is None))
    return timings


def render_section(
    book: TeamBook,
    timings: list[ReportTiming],
    command_s: list[float],
    *,
    command: str,
    server: str,
    load_before: float,
    run_seconds: float,
) -> list[str]:
    counts = book.counts
    low, high = min(command_s) * 1000, max(command_s) * 1000
    return [
        f"Written by `{command}`. Targets are those of issue 18.",
        "",
        *machine_lines(run_seconds, load_before),
        f"- {server}, on the same machine",
        "",
        f"The book: {len(book.reps)} reps, {counts['prospects']:,} prospects (60% called, each"
        f" by its owner; 20% in the pool), {counts['calls']:,} calls over the year before"
        f" {book.now:%a %Y-%m-%d %H:%M}, {counts['tasks']:,} tasks, {counts['deals']:,} deals;"
        " targets for each rep and the team's for this month, the month before and the year.",
        "",
        f"Built in {book.seconds:,.0f} s:",
        "",
        *(f"- {step}: {seconds:,.1f} s" for step, seconds in book.steps.items()),
        "",
        "`load_team_report` with `to_json()` on one storage (its connection, and the second"
        " one each report opens beside it), after a first run; each rep's line and the"
        " team's whole report:",
        "",
        "| Report | Median | Target | Result | Runs (min–max) |",
        "|---|---:|---|---|---|",
        *(
            timing.row(
                f"{timing.name}: {timing.team.get('calls', 0):,} calls,"
                f" {timing.team.get('deals_won', 0):,} deals won"
            )
            for timing in timings
        ),
        f"| `funnel report --team --json`, a process from start to exit (month so far)"
        f" | {statistics.median(command_s) * 1000:,.0f} ms | | | {len(command_s)}"
        f" ({low:,.0f}–{high:,.0f} ms) |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each report")
    parser.add_argument("--url", help="an empty team database (default: a throwaway cluster)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file to write")
    parser.add_argument(
        "--reuse", action="store_true", help="time the reports on the book built at --url before"
    )
    parser.add_argument(
        "--reports",
        type=int,
        choices=(1, 2, 3),
        default=None,
        help="time only the first N reports: the month so far, the month before, the year",
    )
    arguments = parser.parse_args()
    if arguments.reuse and not arguments.url:
        parser.error("--reuse needs the --url of a book built before")
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    with nullcontext(arguments.url) if arguments.reuse else bench_database(arguments.url) as url:
        server = server_description(url)
        if arguments.reuse:
            book = TeamBook.load(url)
        else:
            print(
                f"… building {arguments.prospects:,} prospects and {arguments.calls:,} calls",
                file=sys.stderr,
                flush=True,
            )
            book = build_team_book(
                url, prospects=arguments.prospects, calls=arguments.calls, now=reference_now()
            )
        for step, seconds in book.steps.items():
            print(f"{step}: {seconds:,.1f} s")
        print(f"built in {book.seconds:,.0f} s: {book.counts}")
        print("… timing the reports", file=sys.stderr, flush=True)
        timings = time_reports(url, book.now, arguments.runs, arguments.reports)
        command_s = time_team_command(url, arguments.runs)
    for timing in timings:
        runs = ", ".join(f"{seconds * 1000:,.0f}" for seconds in timing.seconds)
        print(f"load_team_report, {timing.name}: median {timing.median * 1000:,.0f} ms ({runs})")
    print(f"funnel report --team --json: median {statistics.median(command_s) * 1000:,.0f} ms")
    command = " ".join(["python bench/team_report_data.py", *sys.argv[1:]]).replace(
        arguments.url or "\0", "URL"
    )
    section = render_section(
        book,
        timings,
        command_s,
        command=command,
        server=server,
        load_before=load_before,
        run_seconds=time.perf_counter() - started,
    )
    write_section(arguments.output, SECTION, section)
    return 1 if any(timing.passed is False for timing in timings) else 0


if __name__ == "__main__":
    sys.exit(main())
