"""`python bench/team_load.py [--reps N] [--prospects N] [--seconds S] [--warmup-seconds S]
[--url URL]`: reps
claim and log against a pool of prospects on one PostgreSQL database (issue 18).

Each rep is a process of its own with its own connections, as each rep's app is. Over and
over it claims the head of its queue (`next_prospect`), logs a call (`log_call`, a fresh
request id each, through `retrying` as `funnel log` does) and gives the prospect back
(`release`); one time in ten it gives the prospect back without a call, as a rep who
leaves a card does, so that prospects go back to the pool and are claimed again. After
the run: was any prospect held by two reps at overlapping times, is every call the reps
logged in the database exactly once, and how long each claim-and-log took.

The reps start together, each with a new connection to the server, so their first claims
pay for what an app pays once per connection it opens: the server process reading the
tables' catalogs and compiling the call triggers, psycopg preparing the statements it
sees again. The first --warmup-seconds (10) of a run are a warm-up: the claims made then
are checked as the others are, and their times are given apart (the warm-up's p95), not
in the percentiles or the maximum of the --seconds that follow.

Without --reps it sweeps 1, 5, 10 and 20 reps, each on a pool built afresh, first back to
back with no pause (what the machine can take), then with each rep pausing 500 ms between
a release and its next claim (--pause-ms 0,500: still far more often than a person calls).
Without --url it runs on a throwaway cluster. It prints a table and writes it to
bench/results.md (the section "Team on PostgreSQL: claim and log"); it exits 1 when a
check fails or a p95 is 30 ms or more (--no-latency-target: the checks only, for CI).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from generate import person_row
from results import machine_lines, write_section
from team_book import bench_database, copying_in, empty, server_description

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.claims import release
from funnel_tui.domain import LostReason, Outcome
from funnel_tui.next_prospect import next_prospect
from funnel_tui.phones import load_library
from funnel_tui.reps import add_rep
from funnel_tui.settings import load_settings
from funnel_tui.store import open_team_book
from funnel_tui.store.migrate_to import copy_rows
from funnel_tui.timestamps import to_stored

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results.md"
SECTION = "Team on PostgreSQL: claim and log"
SWEEP = (1, 5, 10, 20)
P95_TARGET_MS = 30.0
SEED = 2026
# One claim in this many is given back without a call.
PASS_EVERY = 10
OUTCOME_WEIGHTS = {
    Outcome.NO_ANSWER: 35,
    Outcome.VOICEMAIL: 25,
    Outcome.BUSY: 10,
    Outcome.CALLBACK: 15,
    Outcome.NOT_INTERESTED: 15,
}
LOST_REASONS = (LostReason.BUDGET, LostReason.NO_NEED, LostReason.TIMING, LostReason.COMPETITOR)
POOL_COLUMNS = (
    "name", "title", "company", "phone", "email", "kind", "method", "source", "priority",
    "created_at", "updated_at",
)  # fmt: skip


def rep_name(number: int) -> str:
    return f"rep{number:02d}"


def build_pool(url: str, prospects: int, reps: int, seed: int = SEED) -> float:
    """Fill the empty team database at `url` with `prospects` never-called pool prospects
    (no timezone, so none waits for calling hours) and the reps; seconds it took."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC)

    def rows() -> Iterator[list[Any]]:
        for number in range(1, prospects + 1):
            person = person_row(number, rng)
            created = to_stored(now - timedelta(seconds=rng.randrange(3600, 30 * 86400)))
            person.update(kind="new", created_at=created, updated_at=created)
            yield [person[column] for column in POOL_COLUMNS]

    with psycopg.connect(url) as conn, copying_in(conn, url):
        copy_rows(conn, "prospects", POOL_COLUMNS, rows())
    # The pool's 100,000 new rows are vacuumed now, not by autovacuum while the reps work
    # (PostgreSQL vacuums a table after that many inserts), and what the run before wrote
    # is flushed by a checkpoint now, not during this one (for a role allowed to; for
    # another, it is left to the server). Without both, a run after one with no pause had
    # a p95 of 38 ms against 17 for the same run on its own.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        with suppress(psycopg.errors.InsufficientPrivilege):
            conn.execute("CHECKPOINT")
    storage = open_team_book(url)
    try:
        with storage.write() as db:
            for number in range(1, reps + 1):
                add_rep(db, rep_name(number))
    finally:
        storage.close()
    return time.perf_counter() - started


@dataclass
class RepRun:
    """What one rep did: each claim-and-log's milliseconds, each hold of a prospect
    (prospect, start, end on the machine's monotonic clock), the request ids of the calls
    it logged (and of those the database said were logged already), and what went wrong."""

    rep: str
    latencies_ms: list[float] = field(default_factory=list)
    # Those of the claims begun in the warm-up.
    warmup_latencies_ms: list[float] = field(default_factory=list)
    holds: list[tuple[int, float, float]] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)
    already_logged: list[str] = field(default_factory=list)
    passes: int = 0
    queue_ran_out: bool = False
    errors: list[str] = field(default_factory=list)
    # CPU seconds the rep's process and its server process spent while it worked (the
    # server's None when its process cannot be read: another machine).
    rep_cpu_s: float = 0.0
    server_cpu_s: float | None = None


def process_cpu_s(pid: int) -> float | None:
    """CPU seconds a process of this machine has used, user and system; None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _entry(rng: random.Random, now: datetime) -> CallOutcome:
    outcome = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
    if outcome is Outcome.CALLBACK:
        follow_up = now + timedelta(days=rng.randrange(2, 5), hours=rng.randrange(0, 6))
        return CallOutcome(outcome, follow_up_at=follow_up)
    if outcome is Outcome.NOT_INTERESTED:
        return CallOutcome(outcome, reason=rng.choice(LOST_REASONS))
    return CallOutcome(outcome)


def work_as_rep(
    url: str,
    rep: str,
    seconds: float,
    pause_s: float,
    seed: int,
    ready: Any,
    results: Any,
    warmup_s: float = 0.0,
) -> None:
    """One rep's process: connect, wait for every rep to be ready, then claim, log and
    release (pausing about `pause_s` after each) for `warmup_s`, then for `seconds` more;
    the RepRun goes on `results`."""
    run = RepRun(rep)
    rng = random.Random(seed)
    storage = open_team_book(url)
    try:
        settings = load_settings(storage.db)
        backend = storage.db.conn.info.backend_pid
        # The app imports phonenumbers once its first frame is up, before a rep can claim
        # anyone (ui/main_screen.py): a rep's first claim does not pay for it there either.
        load_library()
        ready.wait()
        warm_until = time.monotonic() + warmup_s
        ends = warm_until + seconds
        rep_cpu, server_cpu = time.process_time(), process_cpu_s(backend)
        number = 0
        # Reps paused alike would all ask at the same instant: each pause is drawn around
        # the one given, and the first starts at a random point of it.
        time.sleep(rng.uniform(0, pause_s))
        while time.monotonic() < ends:
            if number:
                time.sleep(rng.uniform(0.5, 1.5) * pause_s)
            number += 1
            began = time.monotonic()
            head = next_prospect(storage.db, now=datetime.now(UTC), settings=settings, rep=rep)
            if head is None:
                run.queue_ran_out = True
                break
            claimed = time.monotonic()
            if number % PASS_EVERY == 0:
                run.holds.append((head.id, claimed, time.monotonic()))
                release(storage.db, head.id, rep)
                run.passes += 1
                continue
            request_id = f"bench-{rep}-{number}-{rng.getrandbits(32):08x}"
            now = datetime.now(UTC)
            entry = _entry(rng, now)
            logged = storage.retrying(
                lambda db, prospect_id=head.id, entry=entry, now=now, key=request_id: log_call(
                    db, prospect_id, entry, now=now, settings=settings, request_id=key, rep=rep
                )
            )
            (run.already_logged if logged.already_logged else run.request_ids).append(request_id)
            releasing = time.monotonic()
            release(storage.db, head.id, rep)
            timed = run.latencies_ms if began >= warm_until else run.warmup_latencies_ms
            timed.append((time.monotonic() - began) * 1000)
            run.holds.append((head.id, claimed, releasing))
        run.rep_cpu_s = time.process_time() - rep_cpu
        server_now = process_cpu_s(backend)
        if server_cpu is not None and server_now is not None:
            run.server_cpu_s = server_now - server_cpu
    except Exception as error:  # a rep's failure is a finding of the run, not a crash
        run.errors.append(f"{type(error).__name__}: {error}")
    finally:
        storage.close()
        results.put(run)


@dataclass(frozen=True)
class Figures:
    """One run with `reps` reps, measured and checked."""

    reps: int
    pause_ms: int
    prospects: int
    seconds: float
    # The warm-up before them: its claims are counted and checked, not timed with them.
    warmup_seconds: float
    calls: int
    passes: int
    latencies_ms: list[float]
    warmup_latencies_ms: list[float]
    double_holds: int
    claimed_again: int
    lost: int
    duplicated: int
    queue_ran_out: int
    errors: list[str]
    pool_seconds: float
    rep_cpu_s: float
    server_cpu_s: float | None

    def percentile(self, share: float, *, warmup: bool = False) -> float:
        """The nearest-rank percentile of the claim-and-log times after the warm-up (or of
        the warm-up's), in ms."""
        ordered = sorted(self.warmup_latencies_ms if warmup else self.latencies_ms)
        if not ordered:
            return float("nan")
        rank = max(1, -(-len(ordered) * share // 1))
        return ordered[int(rank) - 1]

    @property
    def checks_pass(self) -> bool:
        return not (self.double_holds or self.lost or self.duplicated or self.errors)

    def meets_target(self) -> bool:
        return bool(self.latencies_ms) and self.percentile(0.95) < P95_TARGET_MS

    @property
    def cpu_per_call(self) -> str:
        """CPU ms of the reps' processes and of the server per claim-and-log (passes too)."""
        claims = max(self.calls + self.passes, 1)
        rep = f"{self.rep_cpu_s * 1000 / claims:.1f}"
        server = "?" if self.server_cpu_s is None else f"{self.server_cpu_s * 1000 / claims:.1f}"
        return f"{rep} + {server}"


def double_holds(holds: list[tuple[int, str, float, float]]) -> tuple[int, int]:
    """(holds that overlap another rep's hold of the same prospect, prospects held by more
    than one rep at different times). A hold runs from the claim's return to the release's
    call, inside the lease the database kept: overlapping holds are a real double hold."""
    by_prospect: dict[int, list[tuple[float, float, str]]] = defaultdict(list)
    for prospect_id, rep, start, end in holds:
        by_prospect[prospect_id].append((start, end, rep))
    overlapping = again = 0
    for spans in by_prospect.values():
        spans.sort()
        if len({rep for _, _, rep in spans}) > 1:
            again += 1
        for index, (start, _, rep) in enumerate(spans):
            overlapping += any(
                other != rep and start < other_end for _, other_end, other in spans[:index]
            )
    return overlapping, again


def calls_in_database(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT request_id, rep FROM calls ORDER BY id").fetchall()


def check(runs: list[RepRun], stored: list[tuple[str, str]]) -> tuple[int, int]:
    """(calls the reps logged that the database lacks, calls the database holds more than
    once or that no rep logged: a retry written twice, or written for another rep)."""
    logged = {key: run.rep for run in runs for key in run.request_ids}
    stored_reps: dict[str, list[str]] = defaultdict(list)
    for key, rep in stored:
        stored_reps[key].append(rep)
    lost = sum(1 for key, rep in logged.items() if rep not in stored_reps.get(key, []))
    duplicated = sum(len(reps) - 1 for reps in stored_reps.values())
    duplicated += sum(1 for key in stored_reps if key not in logged)
    # A call the database says was logged already was never sent before: written twice.
    duplicated += sum(len(run.already_logged) for run in runs)
    return lost, duplicated


def run_load(
    url: str,
    reps: int,
    prospects: int,
    seconds: float,
    pause_ms: int = 0,
    warmup_s: float = 0.0,
) -> Figures:
    """Build the pool in the emptied database at `url`, run `reps` reps for `warmup_s`
    then `seconds` more (the times of those), and check what they did."""
    empty(url)
    pool_seconds = build_pool(url, prospects, reps)
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(reps + 1)
    results = context.Queue()
    workers = [
        context.Process(
            target=work_as_rep,
            args=(
                url,
                rep_name(number),
                seconds,
                pause_ms / 1000,
                SEED + number,
                ready,
                results,
                warmup_s,
            ),
            name=rep_name(number),
        )
        for number in range(1, reps + 1)
    ]
    for worker in workers:
        worker.start()
    ready.wait(timeout=120)
    runs = [results.get(timeout=warmup_s + seconds + 120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    holds = [(prospect, run.rep, start, end) for run in runs for prospect, start, end in run.holds]
    overlapping, again = double_holds(holds)
    lost, duplicated = check(runs, calls_in_database(url))
    server_cpu = [run.server_cpu_s for run in runs]
    return Figures(
        reps=reps,
        pause_ms=pause_ms,
        prospects=prospects,
        seconds=seconds,
        warmup_seconds=warmup_s,
        calls=sum(len(run.request_ids) for run in runs),
        passes=sum(run.passes for run in runs),
        latencies_ms=[ms for run in runs for ms in run.latencies_ms],
        warmup_latencies_ms=[ms for run in runs for ms in run.warmup_latencies_ms],
        double_holds=overlapping,
        claimed_again=again,
        lost=lost,
        duplicated=duplicated,
        queue_ran_out=sum(run.queue_ran_out for run in runs),
        errors=[f"{run.rep}: {error}" for run in runs for error in run.errors],
        pool_seconds=pool_seconds,
        rep_cpu_s=sum(run.rep_cpu_s for run in runs),
        server_cpu_s=None if None in server_cpu else sum(server_cpu),  # type: ignore[arg-type]
    )


HEADER = (
    "Reps", "Pause ms", "Calls", "Calls/s", "p50 ms", "p95 ms", "p99 ms", "Max ms",
    "Warm-up p95 ms", "Double holds", "Lost", "Duplicated", "Claimed again", "Passes",
    "CPU ms/claim rep + server",
)  # fmt: skip


def table_rows(figures: list[Figures]) -> list[tuple[str, ...]]:
    return [
        (
            str(run.reps),
            str(run.pause_ms),
            f"{run.calls:,}",
            f"{run.calls / (run.warmup_seconds + run.seconds):,.0f}",
            *(f"{run.percentile(share):.1f}" for share in (0.5, 0.95, 0.99)),
            f"{max(run.latencies_ms, default=float('nan')):.1f}",
            f"{run.percentile(0.95, warmup=True):.1f}",
            str(run.double_holds),
            str(run.lost),
            str(run.duplicated),
            f"{run.claimed_again:,}",
            f"{run.passes:,}",
            run.cpu_per_call,
        )
        for run in figures
    ]


def render_table(figures: list[Figures]) -> str:
    lines = [HEADER, *table_rows(figures)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADER))]
    return "\n".join(
        "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    )


def render_section(
    figures: list[Figures], command: str, server: str, load_before: float, run_seconds: float
) -> list[str]:
    """The results.md section: what ran, on what, the table, and the verdicts."""
    first = figures[0]
    verdicts = []
    for run in figures:
        checks = "pass" if run.checks_pass else "FAIL"
        p95 = run.percentile(0.95)
        target = "pass" if run.meets_target() else "FAIL"
        verdicts.append(
            f"- {run.reps} reps, pause {run.pause_ms} ms: checks {checks}; p95 {p95:.1f} ms"
            f" against < {P95_TARGET_MS:g} ms: {target}"
            + "".join(f"; {error}" for error in run.errors[:3])
        )
    return [
        f"Written by `{command}`. Targets are those of issue 18.",
        "",
        *machine_lines(run_seconds, load_before),
        f"- {server}; each rep is a process with its own "
        "connections, on the same machine as the server",
        "",
        f"Each run: {first.prospects:,} never-called pool prospects (copied in, vacuumed and"
        " checkpointed in"
        f" {first.pool_seconds:.1f} s), {first.warmup_seconds:g} s of warm-up and"
        f" {first.seconds:g} s timed of reps claiming the head of their queue, logging a call"
        " (no answer 35%, voicemail 25%, busy 10%, callback in 2–5 days"
        " 15%, not interested 15%; a fresh request id each) and releasing it, then pausing"
        " (the pause column) before the next claim. One claim in ten is given back without a"
        " call (a pass), so prospects are claimed again. A claim-and-log is timed from the"
        " call of `next_prospect` to the return of `release`. The reps start together, each"
        " with a new connection, so their first claims pay for what an app pays once per"
        " connection"
        " (the server process reading the catalogs and compiling the call triggers, psycopg"
        " preparing its statements): the claims begun in the warm-up are checked with the"
        " others and timed apart (Warm-up p95), and the percentiles and maximum are those of"
        " the claims after it. Each rep's process imports phonenumbers before the start, as"
        " the app does once its first frame is up. Calls/s and CPU count the warm-up's calls too."
        " CPU per claim: what the reps'"
        " processes and their server processes used, divided by the claims (passes"
        " included); the reps run on the server's machine here, as a team's apps would not.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---:|" * (len(HEADER) - 1) + "---|",
        *("| " + " | ".join(row) + " |" for row in table_rows(figures)),
        "",
        *verdicts,
        "",
        "Double holds: holds of one prospect by two reps at overlapping times (a hold runs"
        " from the claim's return to the release). Lost: calls a rep logged that the database"
        " lacks. Duplicated: calls stored more than once, stored without a rep having logged"
        " them, or found already logged on their first try. Claimed again: prospects held by"
        " more than one rep, one after the other.",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, help="one run with this many reps (default: sweep)")
    parser.add_argument("--prospects", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60.0, help="timed seconds of each run")
    parser.add_argument(
        "--warmup-seconds",
        type=float,
        default=10.0,
        help="seconds of claims before the timed ones, checked but timed apart",
    )
    parser.add_argument(
        "--pause-ms",
        default="0,500",
        help="each rep's pause after a release, or several to run each rep count with each",
    )
    parser.add_argument("--url", help="an empty team database (default: a throwaway cluster)")
    parser.add_argument(
        "--no-latency-target", action="store_true", help="fail only on the checks, not the p95"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file to write")
    arguments = parser.parse_args()
    rep_counts = (arguments.reps,) if arguments.reps else SWEEP
    pauses = [int(pause) for pause in arguments.pause_ms.split(",")]
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    figures = []
    with bench_database(arguments.url) as url:
        server = server_description(url)
        for pause_ms in pauses:
            for reps in rep_counts:
                print(
                    f"… {reps} reps for {arguments.warmup_seconds:g} s of warm-up and"
                    f" {arguments.seconds:g} s timed, pausing {pause_ms} ms",
                    file=sys.stderr,
                    flush=True,
                )
                figures.append(
                    run_load(
                        url,
                        reps,
                        arguments.prospects,
                        arguments.seconds,
                        pause_ms,
                        arguments.warmup_seconds,
                    )
                )
    print(render_table(figures))
    for run in figures:
        for error in run.errors:
            print(f"error, {run.reps} reps: {error}", file=sys.stderr)
    command = " ".join(["python bench/team_load.py", *sys.argv[1:]]).replace(
        arguments.url or "\0", "URL"
    )
    section = render_section(figures, command, server, load_before, time.perf_counter() - started)
    write_section(arguments.output, SECTION, section)
    failed = [run for run in figures if not run.checks_pass]
    if not arguments.no_latency_target:
        failed += [run for run in figures if not run.meets_target()]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
