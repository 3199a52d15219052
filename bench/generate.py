"""Builds the benchmark's book of business (prospects, a year of calls and tasks) and a
HubSpot-like CSV.

Everything is drawn from one seeded `random.Random` and a given `now`. The file is a
plain app database opened with `open_storage`; the prospects' last-call columns are
written consistently up front, so the calls trigger only updates each prospect once
(for its latest call) instead of a million times. The open tasks go in earliest first
after the prospects, so their trigger sets each prospect's next_call_at and
next_task_kind once; the done, missed and cancelled ones touch no prospect.
"""

from __future__ import annotations

import csv
import random
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from funnel_tui.domain import (
    BUILTIN_METHOD_VALUES,
    CONNECT_OUTCOMES,
    Outcome,
    TaskKind,
    TaskStatus,
)
from funnel_tui.periods import period_bounds
from funnel_tui.queue import end_of_day
from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import to_stored

FIRST_NAMES = (
    "Ada", "Alan", "Amara", "Ben", "Bianca", "Carlos", "Chen", "Dana", "Diego", "Elena",
    "Emeka", "Fatima", "Finn", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jade", "Jonas",
    "Kai", "Kofi", "Lara", "Leo", "Maya", "Mateo", "Nadia", "Noah", "Olga", "Omar",
    "Priya", "Quinn", "Rosa", "Ravi", "Sara", "Sven", "Tara", "Tomas", "Uma", "Vera",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Baker", "Castro", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel", "Quintero",
    "Rossi", "Schmidt", "Tanaka", "Umar", "Varga", "Weber", "Xu", "Yilmaz", "Zhang",
    "Novak", "Silva", "Mensah", "Kim",
)  # fmt: skip
COMPANY_WORDS = (
    "Northwind", "Bright", "Blue", "Summit", "Harbor", "Cedar", "Atlas", "Nimbus", "Vertex",
    "Orchid", "Granite", "Pioneer", "Lumen", "Quarry", "Beacon", "Silver", "Maple", "Delta",
)  # fmt: skip
COMPANY_ENDINGS = ("Logistics", "Health", "Foods", "Labs", "Retail", "Energy", "Media", "Works")
TITLES = ("CEO", "CFO", "VP Sales", "Head of IT", "Operations Manager", "Buyer", "Founder")
SOURCES = ("webinar", "website form", "referral", "trade show", "cold list", "LinkedIn")
TIMEZONES = (
    "America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London",
    "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney",
)  # fmt: skip
NOTES = ("Asked for pricing", "Wants a demo next quarter", "Budget frozen until spring", "")

# Names nobody else has: the filter looks for the first, near the end of the table; the
# second heads today's queue whatever the clock says (the longest-overdue promised
# callback, with no timezone to hold it back); the third is the one-prospect baseline.
FILTER_NAME = "Wilhelmina Quennell"
HEAD_NAME = "Ottoline Ashgrove"
SOLO_NAME = "Solo Marlowe"

SATURDAY = 5
MONTH_TARGET_CENTS = 2_000_000_000
CALLED_SHARE = 0.6
TIMEZONE_SHARE = 0.4
YEAR_S = 365 * 24 * 3600
# Any call but the last: mostly no answer, with some connects between.
EARLIER_WEIGHTS = {
    Outcome.NO_ANSWER: 40, Outcome.VOICEMAIL: 25, Outcome.BUSY: 8, Outcome.GATEKEEPER: 10,
    Outcome.CALLBACK: 9, Outcome.MEETING: 6, Outcome.MEETING_HELD: 2, Outcome.NO_SHOW: 1,
    Outcome.PROPOSAL_SENT: 1, Outcome.NOT_INTERESTED: 2,
}  # fmt: skip
LAST_WEIGHTS = {
    Outcome.NO_ANSWER: 35, Outcome.VOICEMAIL: 20, Outcome.BUSY: 7, Outcome.GATEKEEPER: 8,
    Outcome.CALLBACK: 8, Outcome.MEETING: 6, Outcome.MEETING_HELD: 2, Outcome.NO_SHOW: 1,
    Outcome.PROPOSAL_SENT: 2, Outcome.WON: 4, Outcome.NOT_INTERESTED: 6,
    Outcome.WRONG_NUMBER: 3, Outcome.DO_NOT_CALL: 3,
}  # fmt: skip
STAGE_AFTER = {
    Outcome.CALLBACK: "contacted",
    Outcome.MEETING: "meeting",
    Outcome.NO_SHOW: "meeting",
    Outcome.MEETING_HELD: "qualified",
    Outcome.PROPOSAL_SENT: "proposal",
    Outcome.WON: "won",
    Outcome.NOT_INTERESTED: "lost",
}
ENDS_CALLING = frozenset(
    {Outcome.WON, Outcome.NOT_INTERESTED, Outcome.WRONG_NUMBER, Outcome.DO_NOT_CALL}
)

# Tasks of the past, by kind and by how they ended.
CLOSED_TASK_KINDS = (
    TaskKind.CALL,
    TaskKind.CALLBACK,
    TaskKind.MEETING,
    TaskKind.EMAIL,
    TaskKind.REVISIT,
)
CLOSED_TASK_WEIGHTS = (60, 15, 10, 10, 5)
CLOSED_STATUSES = (TaskStatus.DONE, TaskStatus.MISSED, TaskStatus.CANCELLED)
CLOSED_STATUS_WEIGHTS = (70, 15, 15)
# The open task a prospect's last outcome leaves; other outcomes leave a cadence call.
OPEN_TASK_AFTER = {Outcome.CALLBACK: TaskKind.CALLBACK, Outcome.MEETING: TaskKind.MEETING}
# Of the prospects with an open task, the share with a second one after it.
SECOND_TASK_SHARE = 0.15
SECOND_TASK_KINDS = (TaskKind.MEETING, TaskKind.EMAIL, TaskKind.CALLBACK)

# Every prospect's next_call_at is left to the tasks triggers: it is not written here.
PROSPECT_COLUMNS = (
    "id", "name", "title", "company", "phone", "email", "timezone", "kind", "stage", "method",
    "deal_value_cents", "source", "priority", "do_not_call", "wrong_number",
    "nurture", "attempts", "last_called_at", "last_outcome", "created_at", "updated_at",
)  # fmt: skip
CALL_COLUMNS = (
    "prospect_id", "started_at", "duration_s", "outcome", "method", "notes", "follow_up_at",
)  # fmt: skip
TASK_COLUMNS = ("prospect_id", "kind", "due_at", "status", "created_at", "done_at")

HUBSPOT_HEADER = (
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
    "Contact owner", "Associated Company", "Lead Status", "Lifecycle Stage", "Create Date",
    "Job Title", "Original Source", "Time Zone",
)  # fmt: skip


@dataclass(frozen=True)
class Book:
    """A generated database and the facts the measurements need about it."""

    path: Path
    now: datetime
    prospects: int
    calls: int
    tasks: int
    filter_id: int
    seconds: float


def reference_now() -> datetime:
    """The last weekday at 14:30 in the machine's zone: a working afternoon, whatever the
    run's day and hour, so that some prospects' timezones are inside calling hours."""
    now = datetime.now().astimezone().replace(hour=14, minute=30, second=0, microsecond=0)
    while now.weekday() >= SATURDAY:
        now -= timedelta(days=1)
    return now


def remove_database(path: Path) -> None:
    """Delete a database file with its WAL files, so a fresh one can take its place."""
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def stamp(epoch_s: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch_s))


def person_row(number: int, rng: random.Random) -> dict[str, object]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_ENDINGS)}"
    return {
        "id": number,
        "name": f"{first} {last}",
        "title": rng.choice(TITLES),
        "company": company,
        "phone": f"+1{201 + number // 10000:03d}555{number % 10000:04d}",
        "email": f"{first}.{last}.{number}@{company.replace(' ', '').lower()}.example".lower(),
        "timezone": rng.choice(TIMEZONES) if rng.random() < TIMEZONE_SHARE else None,
        "kind": rng.choices(("new", "known", "customer"), (6, 3, 1))[0],
        "stage": "lead",
        "method": rng.choice(BUILTIN_METHOD_VALUES),
        "deal_value_cents": rng.randrange(100_000, 5_000_000, 100) if rng.random() < 0.3 else None,
        "source": rng.choice(SOURCES),
        "priority": rng.choices((0, 1, 2), (1, 2, 1))[0],
        "next_call_at": None,
        "do_not_call": 0,
        "wrong_number": 0,
        "nurture": 0,
        "attempts": 0,
        "last_called_at": None,
        "last_outcome": None,
    }


def next_follow_up(now: datetime, rng: random.Random) -> str:
    """Overdue, due later today or in the coming weeks, in the queue's proportions."""
    roll = rng.random()
    if roll < 0.45:
        return to_stored(now - timedelta(minutes=rng.randrange(1, 20 * 24 * 60)))
    if roll < 0.6:
        minutes_left = int((end_of_day(now) - now).total_seconds() // 60)
        return to_stored(now + timedelta(minutes=rng.randrange(1, max(minutes_left, 2))))
    return to_stored(now + timedelta(days=rng.randrange(1, 30), hours=rng.randrange(0, 8)))


def call_counts(called: int, calls: int, rng: random.Random) -> list[int]:
    """Calls per called prospect: 1 to 2x the mean, adding up to exactly `calls`."""
    mean = calls // called
    counts = [rng.randint(1, 2 * mean) for _ in range(called)]
    excess = sum(counts) - calls
    step = 1 if excess > 0 else -1
    while excess:
        index = rng.randrange(called)
        if counts[index] - step >= 1:
            counts[index] -= step
            excess -= step
    return counts


def call_history(
    person: dict[str, object], count: int, now: datetime, rng: random.Random
) -> list[tuple[object, ...]]:
    """This prospect's calls over the last year, oldest first, and its row updated to match."""
    end = now.timestamp() - 60
    moments = sorted(end - offset for offset in rng.sample(range(1, YEAR_S), count))
    outcomes = [*rng.choices(list(EARLIER_WEIGHTS), list(EARLIER_WEIGHTS.values()), k=count - 1)]
    outcomes.append(rng.choices(list(LAST_WEIGHTS), list(LAST_WEIGHTS.values()))[0])
    method = person["method"]
    calls = []
    for moment, outcome in zip(moments, outcomes, strict=True):
        follow_up = None
        if outcome in (Outcome.CALLBACK, Outcome.MEETING):
            follow_up = stamp(moment + rng.randrange(1, 14) * 86400)
        note = (rng.choice(NOTES) or None) if rng.random() < 0.2 else None
        duration_s = rng.randrange(0, 900)
        calls.append(
            (person["id"], stamp(moment), duration_s, outcome.value, method, note, follow_up)
        )
    last = outcomes[-1]
    streak = 0
    for outcome in reversed(outcomes):
        if outcome in CONNECT_OUTCOMES:
            break
        streak += 1
    # The insert trigger counts the latest call itself: leave it one attempt short.
    person["attempts"] = max(streak - 1, 0)
    person["last_called_at"] = calls[-1][1]
    person["last_outcome"] = last.value
    person["stage"] = STAGE_AFTER.get(last, "contacted")
    if last is Outcome.WON:
        person["kind"] = "customer"
    person["do_not_call"] = int(last is Outcome.DO_NOT_CALL)
    person["wrong_number"] = int(last is Outcome.WRONG_NUMBER)
    person["nurture"] = int(last is Outcome.NOT_INTERESTED and rng.random() < 0.5)
    if last not in ENDS_CALLING:
        person["next_call_at"] = next_follow_up(now, rng)
    person["created_at"] = stamp(moments[0] - rng.randrange(3600, 30 * 86400))
    return calls


def open_tasks(person: dict[str, object], now: datetime, rng: random.Random) -> list[tuple]:
    """The prospect's open tasks, earliest first: the next call or the appointment its last
    outcome promised, a revisit for a nurtured lead, and for some a second task after it."""
    created = str(person["last_called_at"] or person["created_at"])
    last = person["last_outcome"]
    due = person["next_call_at"]
    if due is not None:
        kind = person.get("open_kind") or OPEN_TASK_AFTER.get(last, TaskKind.CALL)
        if kind is TaskKind.MEETING and str(due) <= to_stored(now):
            # A meeting that has passed was held or missed; the open ones lie ahead.
            due = to_stored(now + timedelta(days=rng.randrange(1, 14), hours=rng.randrange(8)))
        elif kind is TaskKind.CALL and str(due) > to_stored(end_of_day(now)) and rng.random() < 0.1:
            kind = TaskKind.EMAIL
    elif person["nurture"] and last == Outcome.NOT_INTERESTED:
        kind = TaskKind.REVISIT
        if rng.random() < 0.2:
            due = to_stored(now - timedelta(days=rng.randrange(1, 30)))
        else:
            due = to_stored(now + timedelta(days=rng.randrange(30, 300)))
    else:
        return []
    tasks = [(person["id"], kind, due, TaskStatus.OPEN, created, None)]
    if kind is not TaskKind.REVISIT and rng.random() < SECOND_TASK_SHARE:
        later = datetime.fromisoformat(str(due)) + timedelta(
            days=rng.randrange(1, 10), hours=rng.randrange(8)
        )
        second = rng.choice(SECOND_TASK_KINDS)
        tasks.append((person["id"], second, to_stored(later), TaskStatus.OPEN, created, None))
    return tasks


def closed_tasks(called: list[int], count: int, now: datetime, rng: random.Random) -> list[tuple]:
    """`count` tasks of the past year of called prospects, done, missed or cancelled."""
    tasks = []
    for _ in range(count):
        due_s = now.timestamp() - rng.randrange(3600, YEAR_S)
        status = rng.choices(CLOSED_STATUSES, CLOSED_STATUS_WEIGHTS)[0]
        done_at = stamp(due_s + rng.randrange(0, 2 * 86400)) if status is TaskStatus.DONE else None
        tasks.append(
            (
                rng.choice(called),
                rng.choices(CLOSED_TASK_KINDS, CLOSED_TASK_WEIGHTS)[0],
                stamp(due_s),
                status,
                stamp(due_s - rng.randrange(3600, 7 * 86400)),
                done_at,
            )
        )
    return tasks


def build_book(
    path: Path, *, prospects: int, calls: int, now: datetime, seed: int, tasks: int = 300_000
) -> Book:
    """Write a fresh database at `path` with this many prospects, calls and tasks before
    `now` (at least the open tasks the prospects' follow-ups need)."""
    started = time.perf_counter()
    remove_database(path)
    rng = random.Random(seed)
    called = set(rng.sample(range(1, prospects + 1), int(prospects * CALLED_SHARE)))
    counts = iter(call_counts(len(called), calls, rng))
    people, call_rows = [], []
    for number in range(1, prospects + 1):
        person = person_row(number, rng)
        if number in called:
            call_rows.extend(call_history(person, next(counts), now, rng))
        else:
            person["created_at"] = stamp(now.timestamp() - rng.randrange(3600, YEAR_S))
            if rng.random() < 0.1:
                person["next_call_at"] = next_follow_up(now, rng)
        person["updated_at"] = person["created_at"]
        people.append(person)
    filter_id = max(prospects - 10, 1)
    callable_now = {"timezone": None, "do_not_call": 0, "wrong_number": 0, "stage": "contacted"}
    people[filter_id - 1].update(
        callable_now, name=FILTER_NAME, company="Quennell Orchards",
        email="w.quennell@orchards.example", next_call_at=to_stored(now + timedelta(hours=1)),
    )  # fmt: skip
    people[prospects // 2].update(
        callable_now,
        name=HEAD_NAME,
        next_call_at=to_stored(now - timedelta(days=60)),
        open_kind=TaskKind.CALLBACK,
    )
    # Drawn apart from the rest, so the prospects and calls are those of earlier books.
    task_rng = random.Random(seed + 1)
    task_rows = [task for person in people for task in open_tasks(person, now, task_rng)]
    task_rows += closed_tasks(sorted(called), max(tasks - len(task_rows), 0), now, task_rng)
    # Each prospect's open tasks go in earliest first: the first sets its next call.
    task_rows.sort(key=lambda row: (row[4], row[0], row[2]))
    # Calls arrive in time order in real use, so call ids follow time.
    call_rows.sort(key=lambda row: row[1])
    storage = open_storage(path)
    db = storage.db
    with storage.write():
        db.conn.executemany(
            f"INSERT INTO prospects ({', '.join(PROSPECT_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(PROSPECT_COLUMNS))})",
            ([person[column] for column in PROSPECT_COLUMNS] for person in people),
        )
        db.conn.executemany(
            f"INSERT INTO calls ({', '.join(CALL_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(CALL_COLUMNS))})",
            call_rows,
        )
        db.conn.executemany(
            "INSERT INTO deals (prospect_id, call_id, amount_cents, closed_on) VALUES (?, ?, ?, ?)",
            (
                (row[0], call_id, rng.randrange(200_000, 3_000_000, 1000), row[1][:10])
                for call_id, row in enumerate(call_rows, start=1)
                if row[3] == Outcome.WON
            ),
        )
        db.conn.executemany(
            "INSERT INTO notes (prospect_id, created_at, body) VALUES (?, ?, ?)",
            (
                (rng.randrange(1, prospects + 1), stamp(now.timestamp() - rng.randrange(YEAR_S)),
                 rng.choice(NOTES) or "Left a message with reception")
                for _ in range(prospects // 5)
            ),
        )  # fmt: skip
        db.conn.executemany(
            f"INSERT INTO tasks ({', '.join(TASK_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(TASK_COLUMNS))})",
            task_rows,
        )
        _add_targets(db.conn, now)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    storage.close()
    return Book(
        path,
        now,
        prospects,
        len(call_rows),
        len(task_rows),
        filter_id,
        time.perf_counter() - started,
    )


def _add_targets(conn: sqlite3.Connection, now: datetime) -> None:
    """A month target for the gauge and a year target for the yearly report."""
    for period, amount in (("month", MONTH_TARGET_CENTS), ("year", 12 * MONTH_TARGET_CENTS)):
        starts_on, ends_on = period_bounds(period, now.date())
        conn.execute(
            "INSERT INTO targets (period, starts_on, ends_on, amount_cents, calls_per_day)"
            " VALUES (?, ?, ?, ?, 60)",
            (period, starts_on.isoformat(), ends_on.isoformat(), amount),
        )


def build_single(path: Path, *, now: datetime) -> Book:
    """A database with one never-called prospect (and the same targets): the small baseline."""
    started = time.perf_counter()
    remove_database(path)
    storage = open_storage(path)
    with storage.write() as db:
        db.execute(
            "INSERT INTO prospects (id, name, company, phone, email) VALUES (1, ?, ?, ?, ?)",
            [SOLO_NAME, "Marlowe Trading", "+1 201 555 0001", "solo@marlowe.example"],
        )
        _add_targets(db.conn, now)
    storage.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    storage.close()
    return Book(path, now, 1, 0, 0, 1, time.perf_counter() - started)


def write_hubspot_csv(path: Path, rows: int, *, seed: int) -> None:
    """A HubSpot contacts export of `rows` new contacts (unique emails and phones)."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HUBSPOT_HEADER)
        for number in range(1, rows + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_ENDINGS)}"
            zone = rng.choice(TIMEZONES).lower().replace("/", "_slash_")
            writer.writerow(
                (
                    51_000_000 + number, first, last,
                    f"{first}.{last}.{number}@{company.replace(' ', '')}.example".lower(),
                    f"+44 20 {7000 + number // 10000:04d} {number % 10000:04d}",
                    "" if rng.random() < 0.7 else f"+44 7700 {number % 1_000_000:06d}",
                    "Sam Rivera", company, rng.choice(("New", "Open", "In Progress")),
                    rng.choice(("Lead", "Marketing Qualified Lead", "Customer")),
                    "2026-10-02 09:14", rng.choice(TITLES), rng.choice(SOURCES),
                    zone if rng.random() < 0.5 else "",
                )
            )  # fmt: skip
