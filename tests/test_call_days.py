"""call_days, the calls of each UTC day counted by method and source, stays exact.

The report's breakdowns read call_days instead of every call of the period. These tests
hold them to the queries the report ran on the calls themselves before call_days
existed, whoever writes the calls and prospects, and in any zone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from funnel_tui import migrations
from funnel_tui.call_log import CallOutcome, log_call, undo_last_call
from funnel_tui.checks import check_database, repair_database
from funnel_tui.domain import CONNECT_OUTCOMES, DEFAULT_METHOD, NO_SOURCE, Outcome, sql_list
from funnel_tui.foreign_values import stored_moment_sql
from funnel_tui.pace import Breakdown, Pace, load_pace
from funnel_tui.periods import period_bounds
from funnel_tui.schema_v4 import CALL_DAYS_FROM_CALLS
from funnel_tui.schema_v8 import REP_CALL_DAYS_FROM_CALLS
from funnel_tui.schema_v18 import LEAD_MARKS_FROM_CALLS
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.timestamps import to_stored

# The oracle: the call counts straight from every call of the window, as the report
# computed them before call_days.
# A call's own method, else its prospect's; none set ('' as sqlite-utils writes it, or
# NULL) is the default method, whose script such a prospect is called with.
_METHOD = f"coalesce(nullif(c.method, ''), nullif(p.method, ''), '{DEFAULT_METHOD}')"
_SOURCE = f"coalesce(nullif(trim(p.source), ''), '{NO_SOURCE}')"
_COUNTS = f"""count(*) AS calls,
    coalesce(sum(c.outcome IN ({sql_list(sorted(CONNECT_OUTCOMES))})), 0) AS connects,
    coalesce(sum(c.outcome = 'meeting'), 0) AS meetings"""
# Every call of the window, each moment read in the stored form (other tools may write
# `2026-12-01 06:00:00`, or `Z`).
RAW_COUNTS_SQL = f"""
SELECT {{name}} AS name, {{counts}}
FROM calls c JOIN prospects p ON p.id = c.prospect_id
WHERE {stored_moment_sql("calls", "started_at", "c.")} >= :start
    AND {stored_moment_sql("calls", "started_at", "c.")} < :end
GROUP BY {{name}}
"""

NEW_YORK = ZoneInfo("America/New_York")
# Whole, half-hour and 45-minute offsets, with and without daylight saving (Lord Howe
# moves by half an hour).
ZONES = tuple(
    ZoneInfo(name)
    for name in (
        "UTC",
        "Europe/London",
        "America/New_York",
        "America/St_Johns",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
    )
)
# Days in periods whose edges or insides hold a clock change in some of those zones.
TODAYS = (
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 9, 27),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2026, 11, 27),
)


def local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


# What call_days holds for each row of a breakdown: its calls, connects and meetings.
CallCounts = tuple[tuple[str, int, int, int], ...]


def call_counts(breakdowns: Iterable[Breakdown]) -> CallCounts:
    return tuple(
        sorted((row.name, row.calls, row.connects, row.meetings) for row in breakdowns if row.calls)
    )


def raw_breakdowns(
    db: sqlite_utils.Database, kind: str, today: date, tz: tzinfo
) -> tuple[CallCounts, CallCounts]:
    """Calls by method and by source, from every call of the period up to `today`."""
    starts_on, _ = period_bounds(kind, today)
    window = {
        "start": to_stored(local_midnight(starts_on, tz)),
        "end": to_stored(local_midnight(today + timedelta(days=1), tz)),
    }
    return tuple(
        tuple(
            sorted(
                tuple(row)
                for row in db.execute(RAW_COUNTS_SQL.format(name=name, counts=_COUNTS), window)
            )
        )
        for name in (_METHOD, _SOURCE)
    )  # type: ignore[return-value]


def report_breakdowns(pace: Pace) -> tuple[CallCounts, CallCounts]:
    return call_counts(pace.by_method), call_counts(pace.by_source)


def add_target(db: sqlite_utils.Database, kind: str, today: date) -> None:
    starts_on, ends_on = period_bounds(kind, today)
    db["targets"].insert(
        {
            "period": kind,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "amount_cents": 1_000_000,
        }
    )


def assert_report_matches_the_calls(
    db: sqlite_utils.Database, kind: str, today: date, tz: tzinfo
) -> None:
    pace = load_pace(db, today, Settings(), period=kind, tz=tz)
    assert pace is not None
    assert report_breakdowns(pace) == raw_breakdowns(db, kind, today, tz)
    # The gauge's dials, connects and meetings of the as-of day.
    day = {
        "start": to_stored(local_midnight(today, tz)),
        "end": to_stored(local_midnight(today + timedelta(days=1), tz)),
    }
    by_nothing = RAW_COUNTS_SQL.format(name="''", counts=_COUNTS)
    raw_day = db.execute(f"SELECT calls, connects, meetings FROM ({by_nothing})", day).fetchone()
    activity = pace.activity
    assert (activity.dials, activity.connects, activity.meetings) == (raw_day or (0, 0, 0))


def call_days(db: sqlite_utils.Database) -> set[tuple]:
    """Day, method, source and the first four counts: calls, connects, meetings, wins."""
    columns = "day, method, source, calls, connects, meetings, won"
    return set(db.execute(f"SELECT {columns} FROM call_days").fetchall())


def assert_call_days_count_the_calls(db: sqlite_utils.Database) -> None:
    """call_days, and lead_marks beside it, hold what a fresh count of the calls gives."""
    kept = set(db.execute("SELECT * FROM call_days").fetchall())
    assert kept == set(db.execute(CALL_DAYS_FROM_CALLS).fetchall())
    assert not db.execute("SELECT 1 FROM call_days WHERE calls = 0").fetchall()
    marks = set(db.execute("SELECT * FROM lead_marks").fetchall())
    assert marks == set(db.execute(LEAD_MARKS_FROM_CALLS).fetchall())
    by_rep = set(db.execute("SELECT * FROM rep_call_days").fetchall())
    assert by_rep == set(db.execute(REP_CALL_DAYS_FROM_CALLS).fetchall())
    assert not db.execute("SELECT 1 FROM rep_call_days WHERE calls = 0").fetchall()


def tool_connection(path: Path, *, foreign_keys: bool) -> sqlite_utils.Database:
    """A connection as `sqlite-utils` opens one (recursive triggers on); its CLI leaves
    foreign keys off."""
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    db.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")
    return db


# --- Plain cases ----------------------------------------------------------------------------


def test_a_logged_call_counts_on_its_utc_day_and_undo_removes_it(
    db: sqlite_utils.Database,
) -> None:
    ada = db["prospects"].insert({"name": "Ada", "method": "benefits", "source": "webinar"}).last_pk
    # 23:30 on November 19th in New York is the 20th in UTC.
    evening = datetime(2026, 11, 19, 23, 30, tzinfo=NEW_YORK)
    entry = CallOutcome(Outcome.WON, amount_cents=50_000)
    log_call(db, ada, entry, now=evening, settings=Settings())
    assert call_days(db) == {("2026-11-20", "benefits", "webinar", 1, 1, 0, 1)}
    undo_last_call(db)
    assert call_days(db) == set()


def test_changing_a_prospect_moves_its_calls_to_its_new_names(db: sqlite_utils.Database) -> None:
    ada = db["prospects"].insert({"name": "Ada", "method": "benefits", "source": None}).last_pk
    for method in (None, "", "inbound"):
        row = {"prospect_id": ada, "outcome": "meeting", "method": method}
        db["calls"].insert({**row, "started_at": "2026-11-20T10:00:00+00:00"})
    assert call_days(db) == {
        ("2026-11-20", "benefits", NO_SOURCE, 2, 2, 2, 0),
        ("2026-11-20", "inbound", NO_SOURCE, 1, 1, 1, 0),
    }
    db["prospects"].update(ada, {"method": "conceptual", "source": " referral "})
    assert call_days(db) == {
        ("2026-11-20", "conceptual", "referral", 2, 2, 2, 0),
        ("2026-11-20", "inbound", "referral", 1, 1, 1, 0),
    }


def test_deleting_a_prospect_takes_its_calls_out_of_the_counts(db: sqlite_utils.Database) -> None:
    ada = db["prospects"].insert({"name": "Ada", "source": "webinar"}).last_pk
    bob = db["prospects"].insert({"name": "Bob", "source": "webinar"}).last_pk
    for prospect_id in (ada, ada, bob):
        row = {"prospect_id": prospect_id, "outcome": "no_answer"}
        db["calls"].insert({**row, "started_at": "2026-11-20T10:00:00+00:00"})
    db["prospects"].delete(ada)
    assert db["calls"].count == 1
    assert call_days(db) == {("2026-11-20", "solution", "webinar", 1, 0, 0, 0)}
    db["prospects"].delete(bob)
    assert call_days(db) == set()


def test_rows_other_tools_write_are_counted_like_a_join_would(storage: Storage) -> None:
    tool = tool_connection(storage.path, foreign_keys=False)
    # With foreign keys off a call may name a prospect that does not exist (yet).
    tool["calls"].insert({"prospect_id": 7, "outcome": "callback", "started_at": "someday"})
    assert call_days(tool) == set()
    tool["prospects"].insert({"id": 7, "name": "Ada", "method": "inbound"})
    assert call_days(tool) == {("unreadable", "inbound", NO_SOURCE, 1, 1, 0, 0)}
    tool["calls"].insert(
        {"id": 1, "prospect_id": 7, "outcome": "won", "started_at": "2026-11-20"}, replace=True
    )
    assert call_days(tool) == {("2026-11-20", "inbound", NO_SOURCE, 1, 1, 0, 1)}
    tool["prospects"].upsert({"id": 7, "name": "Ada", "source": "webinar"}, pk="id")
    assert call_days(tool) == {("2026-11-20", "inbound", "webinar", 1, 1, 0, 1)}
    tool["prospects"].delete(7)
    assert tool["calls"].count == 1
    assert call_days(tool) == set()
    tool.close()


@pytest.mark.parametrize("tz", [UTC, NEW_YORK, ZoneInfo("Asia/Kolkata")], ids=str)
def test_moments_at_the_edges_of_the_window_count_by_the_moment_whatever_their_form(
    db: sqlite_utils.Database, tz: tzinfo
) -> None:
    today = date(2026, 11, 16)
    add_target(db, "month", today)
    ada = db["prospects"].insert({"name": "Ada"}).last_pk
    starts_on, ends_on = period_bounds("month", today)
    texts = []
    for edge in (local_midnight(starts_on, tz), local_midnight(ends_on + timedelta(days=1), tz)):
        texts += [to_stored(edge + timedelta(seconds=seconds)) for seconds in (-1, 0, 1)]
        utc_day = edge.astimezone(UTC).date()
        for day in (utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)):
            texts += [f"{day}", f"{day} 00:00", f"{day}T00:00:00Z", f"{day}T00:00:00+00:00"]
    outcomes = list(Outcome)
    for number, text in enumerate(texts):
        row = {"prospect_id": ada, "outcome": outcomes[number % len(outcomes)]}
        db["calls"].insert({**row, "started_at": text})
    assert_report_matches_the_calls(db, "month", today, tz)


# --- Any writes, any zone -------------------------------------------------------------------

PROSPECT_METHODS = st.sampled_from(["solution", "benefits", "", "cold_email"])
CALL_METHODS = st.sampled_from([None, "", "solution", "inbound", "cold_email"])
# Who made a call: nobody (a one-rep book) or one of a team's reps.
REPS = st.sampled_from([None, None, "alex", "blake"])
SOURCES = st.sampled_from([None, "", " ", "webinar", " webinar ", "referral"])
OUTCOMES = st.sampled_from(list(Outcome))
# The app's own connection, and tools with recursive triggers on, foreign keys off or on.
WRITERS = st.sampled_from(["app", "tool", "tool_with_foreign_keys"])
PICKS = st.integers(min_value=0, max_value=50)


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    tz = draw(st.sampled_from(ZONES))
    kind = draw(st.sampled_from(["week", "month"]))
    today = draw(st.sampled_from(TODAYS))
    starts_on, ends_on = period_bounds(kind, today)
    # The period's edges, and the as-of day's start (the gauge counts its calls).
    edges = [
        local_midnight(starts_on, tz),
        local_midnight(today, tz),
        local_midnight(ends_on + timedelta(days=1), tz),
    ]
    near_an_edge = st.builds(
        lambda edge, seconds: to_stored(edge + timedelta(seconds=seconds)),
        st.sampled_from(edges),
        st.one_of(st.sampled_from([-1, 0, 1]), st.integers(-2 * 86_400, 2 * 86_400)),
    )
    utc_days = sorted(
        {edge.astimezone(UTC).date() + timedelta(days=d) for edge in edges for d in (-1, 0, 1)}
    )
    odd_text = st.one_of(
        st.sampled_from(["", "yesterday", "2026-11", "2026-11-1", "2026-03-2"]),
        st.builds(
            lambda day, suffix: day.isoformat() + suffix,
            st.sampled_from(utc_days),
            st.sampled_from(["", " 00:00", "T00:00:00Z", "T00:00:00+00:00", "T23:59:59+00:00"]),
        ),
    )
    started_at = st.one_of(near_an_edge, odd_text)
    add_prospect = st.tuples(st.just("add prospect"), WRITERS, PROSPECT_METHODS, SOURCES)
    add_call = st.tuples(
        st.just("add call"), WRITERS, PICKS, started_at, OUTCOMES, CALL_METHODS, REPS
    )
    operation = st.one_of(
        add_prospect,
        add_call,
        st.tuples(st.just("add orphan call"), started_at, OUTCOMES),
        st.tuples(st.just("log call"), PICKS, near_an_edge, OUTCOMES),
        st.tuples(st.just("undo")),
        st.tuples(st.just("add deal"), WRITERS, PICKS),
        st.tuples(
            st.just("update call"),
            WRITERS,
            PICKS,
            st.fixed_dictionaries(
                {},
                optional={
                    "started_at": started_at,
                    "outcome": OUTCOMES,
                    "method": CALL_METHODS,
                    "prospect_id": PICKS,
                    "rep": REPS,
                },
            ),
        ),
        st.tuples(st.just("move call"), WRITERS, PICKS, PICKS),
        st.tuples(st.just("replace call"), PICKS, started_at, OUTCOMES),
        st.tuples(
            st.just("update prospect"),
            WRITERS,
            PICKS,
            st.fixed_dictionaries({}, optional={"method": PROSPECT_METHODS, "source": SOURCES}),
        ),
        st.tuples(st.just("renumber prospect"), PICKS),
        st.tuples(st.just("delete call"), WRITERS, PICKS),
        st.tuples(st.just("delete prospect"), WRITERS, PICKS),
    )
    return {
        "tz": tz,
        "kind": kind,
        "today": today,
        "operations": [
            *draw(st.lists(add_prospect, min_size=1, max_size=5)),
            *draw(st.lists(add_call, max_size=30)),
            *draw(st.lists(operation, max_size=30)),
        ],
    }


def ids(db: sqlite_utils.Database, table: str) -> list[int]:
    return [row[0] for row in db.execute(f"SELECT id FROM {table} ORDER BY id")]


def pick(db: sqlite_utils.Database, table: str, index: int) -> int | None:
    existing = ids(db, table)
    return existing[index % len(existing)] if existing else None


def apply(operation: tuple, writers: dict[str, sqlite_utils.Database]) -> None:
    """Run one write; writes that name a row that does not exist are skipped."""
    app = writers["app"]
    name, *arguments = operation
    if name == "add prospect":
        writer, method, source = arguments
        writers[writer]["prospects"].insert({"name": "P", "method": method, "source": source})
    elif name == "add call":
        writer, prospect_index, started_at, outcome, method, rep = arguments
        if (prospect_id := pick(app, "prospects", prospect_index)) is not None:
            row = {"prospect_id": prospect_id, "started_at": started_at, "outcome": outcome}
            writers[writer]["calls"].insert({**row, "method": method, "rep": rep})
    elif name == "add orphan call":
        started_at, outcome = arguments
        missing = max(ids(app, "prospects"), default=0) + 1
        row = {"prospect_id": missing, "started_at": started_at, "outcome": outcome}
        writers["tool"]["calls"].insert(row)
    elif name == "log call":
        prospect_index, now, outcome = arguments
        if (prospect_id := pick(app, "prospects", prospect_index)) is not None:
            moment = datetime.fromisoformat(now)
            entry = CallOutcome(
                outcome,
                amount_cents=10_000,
                follow_up_at=moment + timedelta(days=1),
                close_on=moment.date() + timedelta(days=30),
            )
            log_call(app, prospect_id, entry, now=moment, settings=Settings())
    elif name == "undo":
        undo_last_call(app)
    elif name == "add deal":
        writer, call_index = arguments
        if (call_id := pick(app, "calls", call_index)) is not None:
            prospect_id = app["calls"].get(call_id)["prospect_id"]
            deal = {"prospect_id": prospect_id, "call_id": call_id, "amount_cents": 70_000}
            writers[writer]["deals"].insert({**deal, "closed_on": "2026-11-02"})
    elif name == "update call":
        writer, call_index, changes = arguments
        if (call_id := pick(app, "calls", call_index)) is not None:
            if "prospect_id" in changes:
                changes["prospect_id"] = pick(app, "prospects", changes["prospect_id"])
            writers[writer]["calls"].update(call_id, changes)
    elif name == "move call":
        writer, call_index, prospect_index = arguments
        call_id, prospect_id = (
            pick(app, "calls", call_index),
            pick(app, "prospects", prospect_index),
        )
        if call_id is not None:
            writers[writer]["calls"].update(call_id, {"prospect_id": prospect_id})
    elif name == "replace call":
        call_index, started_at, outcome = arguments
        if (call_id := pick(app, "calls", call_index)) is not None:
            row = {**app["calls"].get(call_id), "started_at": started_at, "outcome": outcome}
            writers["tool"]["calls"].insert(row, replace=True)
    elif name == "update prospect":
        writer, prospect_index, changes = arguments
        if (prospect_id := pick(app, "prospects", prospect_index)) is not None:
            writers[writer]["prospects"].update(prospect_id, changes)
    elif name == "renumber prospect":
        # Only a tool with foreign keys off can: the calls are left behind as orphans.
        if (prospect_id := pick(app, "prospects", arguments[0])) is not None:
            new_id = max(ids(app, "prospects")) + 1
            writers["tool"].execute(
                "UPDATE prospects SET id = ? WHERE id = ?", [new_id, prospect_id]
            )
    elif name in ("delete call", "delete prospect"):
        writer, index = arguments
        table = "calls" if name == "delete call" else "prospects"
        if (row_id := pick(app, table, index)) is not None:
            writers[writer][table].delete(row_id)


@settings(max_examples=25, deadline=None)
@given(scenario=scenarios())
def test_the_report_from_call_days_equals_the_report_from_every_call(
    tmp_path_factory: pytest.TempPathFactory, scenario: dict
) -> None:
    storage = open_storage(tmp_path_factory.mktemp("book") / "funnel.db")
    writers = {
        "app": storage.db,
        "tool": tool_connection(storage.path, foreign_keys=False),
        "tool_with_foreign_keys": tool_connection(storage.path, foreign_keys=True),
    }
    try:
        add_target(storage.db, scenario["kind"], scenario["today"])
        for operation in scenario["operations"]:
            # A writer with foreign keys on refuses some writes after orphans came in;
            # the whole statement is undone, counts included.
            with suppress(sqlite3.IntegrityError):
                apply(operation, writers)
        assert_call_days_count_the_calls(storage.db)
        assert_report_matches_the_calls(
            storage.db, scenario["kind"], scenario["today"], scenario["tz"]
        )
    finally:
        writers["tool"].close()
        writers["tool_with_foreign_keys"].close()
        storage.close()


# --- Upgrading, checking, repairing ---------------------------------------------------------


def version_1_file(path: Path) -> sqlite_utils.Database:
    """A file as the first release wrote it, with calls of several methods and sources."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations.MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    db = sqlite_utils.Database(conn, recursive_triggers=False)
    people = [("solution", "webinar"), ("benefits", None), ("inbound", " referral")]
    for number, (method, source) in enumerate(people, start=1):
        db["prospects"].insert({"id": number, "name": f"P{number}", "method": method})
        db["prospects"].update(number, {"source": source})
    outcomes = list(Outcome)
    for hour in range(0, 24 * 40, 7):
        started = datetime(2026, 10, 20, tzinfo=UTC) + timedelta(hours=hour)
        row = {
            "prospect_id": 1 + hour % 3,
            "started_at": to_stored(started),
            "outcome": outcomes[hour % len(outcomes)],
            "method": "value_proposition" if hour % 5 == 0 else None,
        }
        call_id = db["calls"].insert(row).last_pk
        if row["outcome"] == Outcome.WON:
            deal = {"prospect_id": row["prospect_id"], "call_id": call_id, "amount_cents": 9_000}
            db["deals"].insert({**deal, "closed_on": started.date().isoformat()})
    add_target(db, "month", date(2026, 11, 16))
    return db


def test_upgrading_a_file_with_calls_keeps_its_report_and_writes_a_backup_first(
    tmp_path: Path,
) -> None:
    path = tmp_path / "funnel.db"
    old = version_1_file(path)
    before = raw_breakdowns(old, "month", date(2026, 11, 16), NEW_YORK)
    calls_before = old["calls"].count
    old.close()

    storage = open_storage(path)
    db = storage.db
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    pace = load_pace(db, date(2026, 11, 16), Settings(), tz=NEW_YORK)
    assert pace is not None
    assert report_breakdowns(pace) == before
    assert sum(breakdown.calls for breakdown in pace.by_method) > 0
    assert_call_days_count_the_calls(db)
    storage.close()

    [backup] = tmp_path.glob("funnel.v1-backup-*.db")
    copy = sqlite_utils.Database(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "call_days" not in copy.table_names()
    assert copy["calls"].count == calls_before
    copy.close()


def test_check_names_call_days_left_behind_and_repair_puts_them_right(
    storage: Storage, db: sqlite_utils.Database
) -> None:
    ada = db["prospects"].insert({"name": "Ada"}).last_pk
    for day in ("2026-11-02", "2026-11-03"):
        row = {"prospect_id": ada, "outcome": "no_answer"}
        db["calls"].insert({**row, "started_at": f"{day}T10:00:00+00:00"})
    assert check_database(storage.path) == []
    # A bulk copy with a trigger dropped, and a hand edit.
    db.execute("DROP TRIGGER call_days_after_call_insert")
    db["calls"].insert({"prospect_id": ada, "outcome": "won", "started_at": "2026-11-05"})
    db.execute("UPDATE call_days SET calls = 5 WHERE day = '2026-11-02'")
    missing, drift = check_database(storage.path)
    assert "(call_days_after_call_insert)" in missing
    assert drift.startswith(
        "call_days disagrees with calls on 2 days from 2026-11-02 to 2026-11-05"
    )
    assert "--repair" in missing and "--repair" in drift
    repair_database(db)
    assert check_database(storage.path) == []
    db["calls"].insert({"prospect_id": ada, "outcome": "won", "started_at": "2026-11-06"})
    assert_call_days_count_the_calls(db)
