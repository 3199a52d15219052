"""Schema v22: the lead marks counted by the UTC day of each of their moments, kept by
lead_marks' triggers (lead_mark_days). The report's leads read from those days and the
marks at a window's edges are what reading every mark gives, in any time zone, after any
calls logged, changed and deleted, in the form funnel writes or another, on both
backends; an upgraded file and team database have the table filled, and `funnel check`
names it when it drifts in a file."""

from __future__ import annotations

import secrets
import sqlite3
import threading
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_tui import manager_figures
from funnel_tui.checks import check_database, repair_database
from funnel_tui.manager_figures import (
    LEAD_DAYS_SQL,
    LEAD_EDGES_SQL,
    LEADS_SQL,
    MEETING_LEADS_AND_BUYERS_SQL,
    MEETING_LEADS_BY_CALLS_SQL,
    Window,
    _lead_rows,
    lead_params,
    meeting_leads_and_buyers,
)
from funnel_tui.migrations import LEAD_MARK_DAYS
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store.sqlite import open_storage
from tests.conftest import empty_team_book
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer
from tests.rows import insert_row

ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles")
# The periods a report reads, as of 4 December: the month so far, today alone, November
# (long past for a rep who called since), the year so far, and a day of November.
PERIODS = (
    (date(2026, 12, 1), date(2026, 12, 4)),
    (date(2026, 12, 4), date(2026, 12, 4)),
    (date(2026, 11, 1), date(2026, 11, 30)),
    (date(2026, 1, 1), date(2026, 12, 4)),
    (date(2026, 11, 30), date(2026, 11, 30)),
)
OUTCOMES = ("no_answer", "voicemail", "callback", "meeting", "not_interested", "busy")
# Moments around the periods' edges in every zone above, in funnel's form and in the
# forms other tools write (a space, `Z`, an offset, no seconds).
MOMENTS = st.one_of(
    st.builds(
        lambda day, hour, minute: f"2026-{day}T{hour:02d}:{minute:02d}:00+00:00",
        st.sampled_from(["11-29", "11-30", "12-01", "12-02", "12-03", "12-04", "12-05"]),
        st.integers(0, 23),
        st.sampled_from([0, 29, 30, 59]),
    ),
    st.sampled_from(
        [
            "2026-11-30 23:30:00",
            "2026-12-01T04:59Z",
            "2026-11-30T20:00:00-05:00",
            "2026-12-04T23:00:00-08:00",
            "2026-12-01T10:45",
        ]
    ),
)
CALL = st.fixed_dictionaries(
    {
        "prospect": st.integers(0, 5),
        "started_at": MOMENTS,
        "outcome": st.sampled_from(OUTCOMES),
        "method": st.sampled_from([None, "solution", "benefits", ""]),
    }
)
STEPS = st.lists(
    st.tuples(st.sampled_from(["log", "log", "log", "move", "delete"]), st.integers(0, 30), CALL),
    max_size=30,
)


def counted(rows: Any) -> list[tuple[Any, ...]]:
    """The groups' counts, the groups with none left out (no only_method, None, is a
    group of its own, and so is an empty method)."""
    return sorted(
        (
            (
                row["per_method"],
                row["method"],
                row["only_method"],
                row["source"],
                *(row[flag] for flag in ("leads", "reached", "met", "refused")),
            )
            for row in rows
            if any(row[flag] for flag in ("leads", "reached", "met", "refused"))
        ),
        key=repr,
    )


def fresh_days(db: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(row) for row in db.execute(LEAD_MARK_DAYS.fresh).fetchall()), key=repr)


def kept_days(db: Any) -> list[tuple[Any, ...]]:
    columns = ", ".join(LEAD_MARK_DAYS.columns)
    rows = db.execute(f"SELECT {columns} FROM lead_mark_days").fetchall()
    return sorted((tuple(row) for row in rows), key=repr)


def apply(db: Any, prospects: list[int], step: tuple[str, int, dict[str, Any]]) -> None:
    kind, pick, call = step
    ids = [row[0] for row in db.execute("SELECT id FROM calls ORDER BY id").fetchall()]
    values = {key: value for key, value in call.items() if key != "prospect"}
    if kind == "log" or not ids:
        insert_row(db, "calls", {"prospect_id": prospects[call["prospect"]], **values})
    elif kind == "move":
        db.execute(
            "UPDATE calls SET started_at = :started_at, outcome = :outcome, method = :method,"
            " prospect_id = :prospect WHERE id = :id",
            {**values, "prospect": prospects[call["prospect"]], "id": ids[pick % len(ids)]},
        )
    else:
        db.execute("DELETE FROM calls WHERE id = :id", {"id": ids[pick % len(ids)]})


def assert_leads_read_from_days_are_those_of_the_marks(db: Any) -> None:
    assert kept_days(db) == fresh_days(db)
    for zone in ZONES:
        for first, last in PERIODS:
            window = Window.of_days(first, last, ZoneInfo(zone))
            marks = counted(db.query(LEADS_SQL.for_db(db), window.params))
            assert counted(_lead_rows(db, window)) == marks, (zone, first, last)


@pytest.mark.parametrize(
    ("calls_after_at_most", "window_calls_per_call_after"),
    [(5_000, 1.5), (0, 0.0), (0, 1e9)],
    ids=["days-and-edges", "marks", "calls-of-the-window"],
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_leads_of_a_window_from_lead_mark_days_are_those_of_the_marks(
    book_db: Any,
    data: Any,
    calls_after_at_most: int,
    window_calls_per_call_after: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Read from the days and the edges while few calls came after the window, and
    otherwise (0: always) from the marks or from the window's own calls, whichever costs
    less (here: each in turn, as far as the calls allow): the same counts every way."""
    monkeypatch.setattr(manager_figures, "CALLS_AFTER_AT_MOST", calls_after_at_most)
    monkeypatch.setattr(manager_figures, "WINDOW_CALLS_PER_CALL_AFTER", window_calls_per_call_after)
    db = book_db
    db.execute("DELETE FROM prospects")
    assert db.execute("SELECT count(*) FROM lead_mark_days").fetchone()[0] == 0
    prospects = [
        insert_row(db, "prospects", {"name": f"P{n}", "source": source, "method": method})
        for n, (source, method) in enumerate(
            [("Webinar", "solution"), ("Referral", "inbound"), ("Webinar", "")] * 2
        )
    ]
    for step in data.draw(STEPS):
        apply(db, prospects, step)
    assert_leads_read_from_days_are_those_of_the_marks(db)
    # A call after all of them moves each prospect's last call off its day: for most, by
    # the marks' own update (a call of the method their calls count under).
    for prospect in prospects:
        later = {"started_at": "2026-12-06T12:00:00+00:00", "outcome": "busy"}
        insert_row(db, "calls", {"prospect_id": prospect, **later})
    assert_leads_read_from_days_are_those_of_the_marks(db)
    # A prospect's source and method changed move all of its marks' counts.
    db.execute("UPDATE prospects SET source = 'Trade show', method = 'conceptual'")
    assert_leads_read_from_days_are_those_of_the_marks(db)


# Who logged each call, in a file: nobody (a rep's own book), or a rep of a team's book
# copied to a file; and the days deals close on around the periods.
REPS = st.lists(st.sampled_from([None, None, "alex", "blake"]), max_size=30)
DEALS = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(["2026-10-20", "2026-11-30", "2026-12-02"])),
    max_size=4,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_windows_meeting_leads_read_from_its_meeting_calls_are_those_of_the_marks(
    db: Any, data: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan as of a day gone by reads who met in its 90 days from the `meeting` calls
    of each rep and of none, where many of them met again since: the same prospects, and
    the same buyers among them, as the marks give, in every zone."""
    db.execute("DELETE FROM prospects")
    prospects = [
        insert_row(db, "prospects", {"name": f"P{n}", "method": "solution"}) for n in range(6)
    ]
    for step in data.draw(STEPS):
        apply(db, prospects, step)
    ids = [row[0] for row in db.execute("SELECT id FROM calls ORDER BY id").fetchall()]
    for call_id, rep in zip(ids, data.draw(REPS), strict=False):
        db.execute("UPDATE calls SET rep = :rep WHERE id = :id", {"rep": rep, "id": call_id})
    for prospect, closed_on in data.draw(DEALS):
        deal = {"prospect_id": prospects[prospect], "amount_cents": 100_00, "closed_on": closed_on}
        insert_row(db, "deals", deal)
    monkeypatch.setattr(manager_figures, "MEETINGS_AFTER_AT_MOST", 0)
    for zone in ZONES:
        for first, last in PERIODS:
            window = Window.of_days(first, last, ZoneInfo(zone))
            params = {**window.params, "rep": None}
            marks = tuple(db.execute(MEETING_LEADS_AND_BUYERS_SQL.sqlite, params).fetchone())
            calls = tuple(db.execute(MEETING_LEADS_BY_CALLS_SQL, params).fetchone())
            assert calls == marks, (zone, first, last)
            assert meeting_leads_and_buyers(db, window) == marks


def test_the_plan_of_a_day_gone_by_reads_meetings_from_the_calls_only_when_many_met_since(
    db: Any,
) -> None:
    ann = insert_row(db, "prospects", {"name": "Ann"})
    for day in ("11-10", "12-02"):
        call = {"prospect_id": ann, "outcome": "meeting", "started_at": f"2026-{day}T15:00:00Z"}
        insert_row(db, "calls", call)
    november = Window.of_days(date(2026, 11, 1), date(2026, 11, 30), ZoneInfo("UTC"))
    params = {**november.params, "rep": None}
    assert db.execute(manager_figures.MEETINGS_AFTER_SQL, params).fetchone() == (1,)
    plan = [
        row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {MEETING_LEADS_BY_CALLS_SQL}", params)
    ]
    # One range of the window's meetings for each rep and for none, and one step along
    # calls_rep to find each rep: no call read that is not a meeting of the window.
    assert not any(step.startswith("SCAN c") for step in plan), plan
    assert (
        plan.count(
            "SEARCH c USING INDEX calls_rep_meetings (rep=? AND started_at>? AND started_at<?)"
        )
        == 2
    ), plan
    assert meeting_leads_and_buyers(db, november) == (1, 0)


def test_a_days_row_counts_each_moment_and_goes_with_its_last_mark(book_db: Any) -> None:
    db = book_db
    ann = insert_row(db, "prospects", {"name": "Ann", "source": "Webinar", "method": "solution"})
    call = {"prospect_id": ann, "started_at": "2026-12-01T15:00:00+00:00", "outcome": "meeting"}
    insert_row(db, "calls", call)
    rows = "SELECT day, calls, connects, meetings, refusals FROM lead_mark_days ORDER BY day"
    assert db.execute(rows).fetchall() == [("2026-12-01", 1, 1, 1, 0)]
    # The next day's no answer moves her last call on, and leaves her meeting where it was.
    later = {"started_at": "2026-12-02T09:00:00+00:00", "outcome": "no_answer"}
    insert_row(db, "calls", {**call, **later})
    assert db.execute(rows).fetchall() == [("2026-12-01", 0, 1, 1, 0), ("2026-12-02", 1, 0, 0, 0)]
    db.execute("DELETE FROM prospects WHERE id = :id", {"id": ann})
    assert db.execute(rows).fetchall() == []


def test_a_window_from_utc_midnight_to_midnight_reads_its_days_and_no_mark(db: Any) -> None:
    window = Window.of_days(date(2026, 12, 1), date(2026, 12, 4), ZoneInfo("UTC"))
    params = lead_params(window)
    days = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {LEAD_DAYS_SQL}", params)]
    assert days[0] == "SEARCH lead_mark_days USING INDEX lead_mark_days_key (day>? AND day<?)", days
    edges = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {LEAD_EDGES_SQL.sqlite}", params)]
    # Ranges of calls_started, and the calls in another form (none here) since the
    # window's first day from theirs.
    assert not any(step.startswith("SCAN") for step in edges), edges
    assert "SEARCH c USING INDEX calls_other_forms (started_at>?)" in edges, edges
    # Its edges are empty ranges: the part of the day before the start and the calls
    # after the end are all there is, and neither has any.
    assert params["first_edge_end"] <= params["start"]
    assert (params["first_out_from"], params["first_out_to"]) == ("", "")
    assert params["later_from"] == "2026-12-05"


def test_a_version_21_file_upgraded_has_its_marks_counted_by_day(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 21)
    conn.execute("INSERT INTO prospects (id, name, source) VALUES (1, 'Ann', 'Webinar')")
    for started_at, outcome in (
        ("2026-11-03T10:00:00+00:00", "meeting"),
        ("2026-11-04 09:00:00", "not_interested"),
    ):
        conn.execute(
            "INSERT INTO calls (prospect_id, started_at, outcome) VALUES (1, ?, ?)",
            [started_at, outcome],
        )
    conn.close()
    storage = open_storage(path)
    try:
        db = storage.db
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        rows = "SELECT day, source, calls, connects, meetings, refusals FROM lead_mark_days"
        assert sorted(db.execute(rows).fetchall()) == [
            ("2026-11-03", "Webinar", 0, 0, 1, 0),
            ("2026-11-04", "Webinar", 1, 1, 0, 1),
        ]
    finally:
        storage.close()
    assert check_database(path) == []


def test_check_names_lead_mark_days_that_drifted_and_repair_counts_them_again(
    storage: Any,
) -> None:
    db = storage.db
    ann = insert_row(db, "prospects", {"name": "Ann"})
    call = {"prospect_id": ann, "started_at": "2026-11-03T10:00:00+00:00", "outcome": "meeting"}
    insert_row(db, "calls", call)
    assert check_database(storage.path) == []
    db.execute("DROP TRIGGER lead_mark_days_after_mark_update")
    insert_row(db, "calls", {**call, "started_at": "2026-11-05T10:00:00+00:00"})
    missing, drift = check_database(storage.path)
    assert "(lead_mark_days_after_mark_update)" in missing
    assert drift.startswith("lead_mark_days disagrees with lead_marks on 2 days"), drift
    repair_database(db)
    assert check_database(storage.path) == []
    assert kept_days(db) == fresh_days(db)


def test_repair_puts_back_a_changed_lead_mark_days_trigger_before_lead_marks_fire_it(
    storage: Any,
) -> None:
    """lead_marks is built again by a repair, which fires lead_mark_days' triggers: those
    are funnel's again by then, and the table comes out as the marks count."""
    db = storage.db
    ann = insert_row(db, "prospects", {"name": "Ann"})
    insert_row(
        db,
        "calls",
        {"prospect_id": ann, "started_at": "2026-11-03T10:00:00+00:00", "outcome": "busy"},
    )
    db.execute("DROP TRIGGER lead_mark_days_after_mark_delete")
    db.execute(
        "CREATE TRIGGER lead_mark_days_after_mark_delete AFTER DELETE ON lead_marks"
        " BEGIN INSERT INTO nowhere VALUES (1); END"
    )
    (changed,) = check_database(storage.path)
    assert "were changed (lead_mark_days_after_mark_delete)" in changed
    repair_database(db)
    assert check_database(storage.path) == []
    assert kept_days(db) == fresh_days(db) != []


def test_a_call_logged_while_the_leads_are_read_counts_once_or_not_at_all(
    storage: Any,
) -> None:
    """The days, the edges and the count of calls after the window are read in one
    snapshot: a call committed by another connection between two of them is not seen."""
    db = storage.db
    ann = insert_row(db, "prospects", {"name": "Ann"})
    insert_row(
        db,
        "calls",
        {"prospect_id": ann, "started_at": "2026-12-02T10:00:00+00:00", "outcome": "busy"},
    )
    window = Window.of_days(date(2026, 12, 1), date(2026, 12, 3), ZoneInfo("America/New_York"))
    other = sqlite3.connect(storage.path, isolation_level=None)
    logged: list[str] = []

    def log_a_call_between_statements(sql: str) -> None:
        if "FROM lead_marks m" in sql and not logged:
            logged.append(sql)
            other.execute(
                "INSERT INTO calls (prospect_id, started_at, outcome)"
                " VALUES (?, '2026-12-04T06:00:00+00:00', 'no_answer')",
                [ann],
            )

    db.conn.set_trace_callback(log_a_call_between_statements)
    try:
        rows = counted(_lead_rows(db, window))
    finally:
        db.conn.set_trace_callback(None)
        other.close()
    assert logged, "the edges were not read"
    assert [row[4] for row in rows] == [1], rows
    # Read again, the call after the window shows Ann worked in it, once.
    assert [row[4] for row in counted(_lead_rows(db, window))] == [1]


def test_a_teams_window_reads_its_days_from_the_key_and_its_edges_by_moment(
    postgres_server: PostgresServer,
) -> None:
    """On PostgreSQL, a window's days are a range of lead_mark_days_key, and the calls at
    its edges and after it ranges of calls_utc: never the whole of either table. In a
    database of its own, never analysed: in the module's, the rows other tests wrote and
    deleted, once the server had analysed them, let it plan the few rows left otherwise."""
    from funnel_tui.store import open_team_book

    name = f"t_v22_plans_{secrets.token_hex(3)}"
    storage = open_team_book(postgres_server.create_database(name))
    try:
        db = storage.db
        db.execute("SET enable_seqscan = off")
        window = Window.of_days(date(2026, 12, 1), date(2026, 12, 4), ZoneInfo("America/New_York"))
        params = lead_params(window)
        days = " ".join(row[0] for row in db.execute(f"EXPLAIN {LEAD_DAYS_SQL}", params))
        assert "lead_mark_days_key" in days and "Seq Scan" not in days, days
        edges = " ".join(
            row[0] for row in db.execute(f"EXPLAIN {LEAD_EDGES_SQL.postgresql}", params)
        )
        assert "calls_utc" in edges and "Seq Scan" not in edges, edges
    finally:
        storage.close()
        postgres_server.drop_database(name)


def test_a_version_21_team_upgraded_has_its_marks_counted_and_kept_by_day(
    postgres_server: PostgresServer,
) -> None:
    """The upgrade of a team's database counts the marks it already holds, and its
    triggers keep them from then on: a call logged after it moves the prospect's day."""
    from funnel_tui.store import open_team_book

    with team_database_at(postgres_server, 21) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            (ann,) = conn.execute(
                "INSERT INTO prospects (name, source) VALUES ('Ann', 'Webinar') RETURNING id"
            ).fetchone()
            for started_at, outcome in (
                ("2026-11-03T10:00:00+00:00", "meeting"),
                ("2026-11-04 09:00:00", "not_interested"),
            ):
                conn.execute(
                    "INSERT INTO calls (prospect_id, started_at, outcome) VALUES (%s, %s, %s)",
                    [ann, started_at, outcome],
                )
        storage = open_team_book(url)
        try:
            db = storage.db
            rows = "SELECT day, source, calls, connects, meetings, refusals FROM lead_mark_days"
            assert sorted(tuple(row) for row in db.execute(rows).fetchall()) == [
                ("2026-11-03", "Webinar", 0, 0, 1, 0),
                ("2026-11-04", "Webinar", 1, 1, 0, 1),
            ]
            insert_row(
                db,
                "calls",
                {"prospect_id": ann, "started_at": "2026-11-05T09:00:00+00:00", "outcome": "busy"},
            )
            assert sorted(tuple(row) for row in db.execute(rows).fetchall()) == [
                ("2026-11-03", "Webinar", 0, 0, 1, 0),
                ("2026-11-04", "Webinar", 0, 1, 0, 1),
                ("2026-11-05", "Webinar", 1, 0, 0, 0),
            ]
            assert kept_days(db) == fresh_days(db)
        finally:
            storage.close()


def test_an_undo_and_another_reps_call_sharing_two_days_both_commit(postgres_url: str) -> None:
    """A rep undoes a call (its prospect's marks worked out again: their last call goes
    back to 1 December) while another logs one (theirs moves from 1 December to today):
    each changes the two days' rows of the same group. They take them in one order, so
    neither waits for a row the other holds. A third connection holds the first day's
    row until both wait for it, so that they meet."""
    from funnel_tui.store import open_team_book

    open_team_book(postgres_url).close()
    empty_team_book(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as setup:

        def call(prospect: int, started_at: str, method: str, rep: str) -> int:
            (call_id,) = setup.execute(
                "INSERT INTO calls (prospect_id, started_at, outcome, method, rep)"
                " VALUES (%s, %s, 'no_answer', %s, %s) RETURNING id",
                [prospect, started_at, method, rep],
            ).fetchone()
            return int(call_id)

        ann, bob = (
            setup.execute(
                "INSERT INTO prospects (name, source, method) VALUES (%s, 'Webinar', 'solution')"
                " RETURNING id",
                [name],
            ).fetchone()[0]
            for name in ("Ann", "Bob")
        )
        for prospect, rep in ((ann, "alex"), (bob, "blake")):
            call(prospect, "2026-12-01T10:00:00+00:00", "solution", rep)
            call(prospect, "2026-12-01T11:00:00+00:00", "benefits", rep)
        undone = call(ann, "2026-12-04T10:00:00+00:00", "benefits", "alex")

        holder = psycopg.connect(postgres_url)
        holder.execute(
            "SELECT 1 FROM lead_mark_days WHERE day = '2026-12-01' AND per_method = 0 FOR UPDATE"
        ).fetchall()
        outcomes: dict[str, str] = {}

        def write(name: str, sql: str, params: list[Any]) -> None:
            with psycopg.connect(postgres_url) as conn:
                try:
                    with conn.transaction():
                        conn.execute(sql, params)
                    outcomes[name] = "committed"
                except psycopg.Error as error:
                    outcomes[name] = type(error).__name__

        def waiting_for_a_lock(count: int) -> None:
            for _ in range(500):
                (waiting,) = setup.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).fetchone()
                if waiting >= count:
                    return
                setup.execute("SELECT pg_sleep(0.01)")
            raise AssertionError(f"{count} writers never waited")

        writers = [
            threading.Thread(
                target=write,
                args=(
                    "blake logs a call",
                    "INSERT INTO calls (prospect_id, started_at, outcome, method, rep)"
                    " VALUES (%s, '2026-12-04T10:30:00+00:00', 'no_answer', 'solution', 'blake')",
                    [bob],
                ),
            ),
            threading.Thread(
                target=write,
                args=("alex undoes a call", "DELETE FROM calls WHERE id = %s", [undone]),
            ),
        ]
        for count, writer in enumerate(writers, start=1):
            writer.start()
            waiting_for_a_lock(count)
        holder.commit()
        holder.close()
        for writer in writers:
            writer.join()
        assert outcomes == {"blake logs a call": "committed", "alex undoes a call": "committed"}
        marks = [tuple(row) for row in setup.execute(LEAD_MARK_DAYS.fresh).fetchall()]
        kept = setup.execute(
            f"SELECT {', '.join(LEAD_MARK_DAYS.columns)} FROM lead_mark_days"
        ).fetchall()
        assert sorted(map(tuple, kept), key=repr) == sorted(marks, key=repr)
