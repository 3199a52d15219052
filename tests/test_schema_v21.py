"""Schema v21: what each day's deals won, for each rep, kept by the deals' triggers
(deal_days). What a period won, and how many wrong values its deals hold, read from it is
what summing the period's deals one by one gives, on both backends, after any inserts,
changes and deletes, with values another tool wrote; an upgraded file has it filled, and
`funnel check` names it when it drifts."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_tui.checks import check_database, repair_database
from funnel_tui.foreign_values import wrong_value_sql, wrong_values_sql
from funnel_tui.pace import WON_SQL, load_pace
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.settings import Settings
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sqlite import open_storage
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer
from tests.rows import insert_row

DAYS = ("2026-10-31", "2026-11-01", "2026-11-15", "2026-11-30", "2026-12-01")
# Days no date reads: in a window's range of text, or outside every window.
UNREADABLE_DAYS = ("2026-11-31", "2026-11-2x", "soon", "2027-02-30")
REPS = (None, "alex", "blake", "")
GOOD_CENTS = st.integers(min_value=0, max_value=10**12)
# Amounts out of range, on both backends; and what only a file holds: text, fractions.
BAD_CENTS = st.sampled_from([-1, 10**12 + 1, 2**62])
FILE_BAD_CENTS = st.sampled_from(["12.50", 1.5, "lots", b"\x00"])
WINDOWS = (
    {"starts_on": "2026-11-01", "after_end": "2026-12-01"},
    {"starts_on": "2026-11-15", "after_end": "2026-11-16"},
    {"starts_on": "2026-10-01", "after_end": "2027-01-01"},
    {"starts_on": "2026-12-01", "after_end": "2026-12-02"},
)


def deal_values(file: bool) -> st.SearchStrategy[dict[str, Any]]:
    cents = st.one_of(GOOD_CENTS, BAD_CENTS, *([FILE_BAD_CENTS] if file else []))
    return st.fixed_dictionaries(
        {
            "amount_cents": cents,
            "closed_on": st.sampled_from(DAYS + UNREADABLE_DAYS),
            "rep": st.sampled_from(REPS),
        }
    )


def steps(file: bool) -> st.SearchStrategy[list[tuple[str, int, dict[str, Any]]]]:
    kinds = st.sampled_from(["add", "add", "change", "delete"])
    return st.lists(st.tuples(kinds, st.integers(0, 20), deal_values(file)), max_size=25)


def summed_one_by_one(db: Any, window: dict[str, Any]) -> Counter[tuple[str | None, str]]:
    """Each rep's won and wrong values from every deal of the window, one by one (what
    was read before v21), with the wrong values of the deals outside it whose day cannot
    be read."""
    dialect = dialect_of(db)
    wrong = wrong_values_sql("deals", "d.", dialect)
    unreadable = wrong_value_sql("deals", "closed_on", "d.", dialect)
    found: Counter[tuple[str | None, str]] = Counter()
    for rep, cents, values, in_window in db.execute(
        f"""
        SELECT d.rep, d.amount_cents, {wrong},
            d.closed_on >= :starts_on AND d.closed_on < :after_end
        FROM deals d
        """,
        window,
    ).fetchall():
        if in_window:
            found[rep, "won"] += cents if values == 0 else 0
            found[rep, "wrong"] += values
    for rep, values in db.execute(
        f"""
        SELECT d.rep, {wrong} FROM deals d
        WHERE {unreadable} AND NOT (d.closed_on >= :starts_on AND d.closed_on < :after_end)
        """,
        window,
    ).fetchall():
        found[rep, "wrong"] += values
    return found


def read_from_deal_days(db: Any, window: dict[str, Any]) -> Counter[tuple[str | None, str]]:
    """Each rep's won and wrong values as WON_SQL reads them for every rep, and for the
    book (None), which holds every rep's."""
    found: Counter[tuple[str | None, str]] = Counter()
    for rep, cents, values in db.execute(WON_SQL.every_rep.for_db(db), window).fetchall():
        found[rep, "won"] += int(cents)
        found[rep, "wrong"] += int(values)
    (book_cents, book_values) = db.execute(
        WON_SQL.one.for_db(db), {**window, "rep": None}
    ).fetchone()
    found["(book)", "won"] = int(book_cents)
    found["(book)", "wrong"] = int(book_values)
    return found


def expected(found: Counter[tuple[str | None, str]]) -> Counter[tuple[str | None, str]]:
    """The reps' counts (a NULL rep is no rep of a team report's) and the book's, which
    holds them all."""
    reps: Counter[tuple[str | None, str]] = Counter()
    for (rep, column), value in found.items():
        reps["(book)", column] += value
        if rep is not None:
            reps[rep, column] += value
    return reps


def apply(db: Any, step: tuple[str, int, dict[str, Any]]) -> None:
    kind, pick, values = step
    ids = [row[0] for row in db.execute("SELECT id FROM deals ORDER BY id").fetchall()]
    if kind == "add" or not ids:
        prospect = db.execute("SELECT min(id) FROM prospects").fetchone()[0]
        insert_row(db, "deals", {"prospect_id": prospect, **values})
    elif kind == "change":
        changed = {column: values[column] for column in list(values)[: 1 + pick % 3]}
        sets = ", ".join(f"{column} = :{column}" for column in changed)
        db.execute(
            f"UPDATE deals SET {sets} WHERE id = :id", {**changed, "id": ids[pick % len(ids)]}
        )
    else:
        db.execute("DELETE FROM deals WHERE id = :id", {"id": ids[pick % len(ids)]})


def nonzero(found: Counter[tuple[str | None, str]]) -> dict[tuple[str | None, str], int]:
    return {key: value for key, value in found.items() if value}


def assert_deal_days_hold_the_deals(db: Any) -> None:
    for window in WINDOWS:
        assert nonzero(read_from_deal_days(db, window)) == nonzero(
            expected(summed_one_by_one(db, window))
        ), window


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_what_a_period_won_from_deal_days_is_the_sum_of_its_deals(book_db: Any, data: Any) -> None:
    db = book_db
    file = dialect_of(db) is Dialect.SQLITE
    db.execute("DELETE FROM deals")
    assert db.execute("SELECT count(*) FROM deal_days").fetchone()[0] == 0
    if db.execute("SELECT count(*) FROM prospects").fetchone()[0] == 0:
        insert_row(db, "prospects", {"name": "Ann"})
    for step in data.draw(steps(file)):
        apply(db, step)
    assert_deal_days_hold_the_deals(db)


def test_a_days_row_goes_when_its_last_deal_does_and_a_rep_change_moves_the_amount(
    book_db: Any,
) -> None:
    db = book_db
    ann = insert_row(db, "prospects", {"name": "Ann"})
    deal = {"prospect_id": ann, "closed_on": "2026-11-10", "amount_cents": 500_00}
    first = insert_row(db, "deals", {**deal, "rep": "alex"})
    insert_row(db, "deals", {**deal, "rep": "alex", "amount_cents": 250_00})
    rows = "SELECT closed_on, rep, deals, won_cents, wrong FROM deal_days ORDER BY rep"
    assert [tuple(row) for row in db.execute(rows).fetchall()] == [
        ("2026-11-10", "alex", 2, 750_00, 0)
    ]
    db.execute("UPDATE deals SET rep = 'blake' WHERE id = :id", {"id": first})
    assert [tuple(row) for row in db.execute(rows).fetchall()] == [
        ("2026-11-10", "alex", 1, 250_00, 0),
        ("2026-11-10", "blake", 1, 500_00, 0),
    ]
    db.execute("DELETE FROM deals WHERE rep = 'alex'")
    assert [tuple(row) for row in db.execute(rows).fetchall()] == [
        ("2026-11-10", "blake", 1, 500_00, 0)
    ]
    # Deleting the prospect takes its deals, and their day, with it.
    db.execute("DELETE FROM prospects WHERE id = :id", {"id": ann})
    assert db.execute(rows).fetchall() == []


def test_the_gauges_won_reads_one_row_a_day_not_every_deal(db: Any) -> None:
    """In a file, what a period won reads deal_days' rows of the window by its key."""
    params = {"starts_on": "2026-11-01", "after_end": "2026-12-01", "rep": None}
    plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {WON_SQL.one.sqlite}", params)]
    assert any(
        step.startswith("SEARCH k USING INDEX deal_days_key (closed_on>? AND closed_on<?)")
        for step in plan
    ), plan
    assert not any(" d " in f" {step} " or "deals_closed" in step for step in plan), plan


def test_a_version_20_file_upgraded_has_its_deals_summed_by_day(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 20)
    conn.execute("INSERT INTO prospects (id, name) VALUES (1, 'Ann')")
    for closed_on, cents in (("2026-11-03", 1_000_00), ("2026-11-03", 2_000_00), ("2026-11-31", 5)):
        conn.execute(
            "INSERT INTO deals (prospect_id, amount_cents, closed_on) VALUES (1, ?, ?)",
            [cents, closed_on],
        )
    conn.execute(
        "INSERT INTO targets (period, starts_on, ends_on, amount_cents)"
        " VALUES ('month', '2026-11-01', '2026-11-30', 10000000)"
    )
    conn.close()
    storage = open_storage(path)
    try:
        db = storage.db
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        pace = load_pace(db, date(2026, 11, 20), Settings(), breakdowns=False)
        assert pace is not None
        # The unreadable 31 November is left out and said to be.
        assert (pace.won_cents, pace.skipped) == (3_000_00, 1)
    finally:
        storage.close()
    # The one problem is the day no date reads, which the report left out.
    assert check_database(path) == [
        "deals row 3, closed_on: '2026-11-31' is not a date (YYYY-MM-DD, years 1900 to 2999)"
    ]


def test_check_names_deal_days_that_drifted_and_repair_sums_them_again(storage: Any) -> None:
    db = storage.db
    ann = insert_row(db, "prospects", {"name": "Ann"})
    insert_row(db, "deals", {"prospect_id": ann, "amount_cents": 700, "closed_on": "2026-11-03"})
    assert check_database(storage.path) == []
    db.execute("DROP TRIGGER deal_days_after_deal_insert")
    insert_row(db, "deals", {"prospect_id": ann, "amount_cents": 900, "closed_on": "2026-11-04"})
    db.execute("UPDATE deal_days SET won_cents = 1 WHERE closed_on = '2026-11-03'")
    missing, drift = check_database(storage.path)
    assert "(deal_days_after_deal_insert)" in missing
    assert drift.startswith("deal_days disagrees with deals on 2 days"), drift
    repair_database(db)
    assert check_database(storage.path) == []
    assert_deal_days_hold_the_deals(db)


def test_a_teams_won_reads_a_range_of_days_for_the_book_and_for_a_rep(
    postgres_url: str,
) -> None:
    """On PostgreSQL, deal_days_key holds every row, so the book's won (no rep) and a rep's
    under a plan made for any rep read the window's days from it, not the whole table."""
    from funnel_tui.store import open_team_book

    storage = open_team_book(postgres_url)
    try:
        db = storage.db
        db.execute("SET enable_seqscan = off")
        db.execute("SET plan_cache_mode = force_generic_plan")
        for rep in (None, "alex"):
            params = {"starts_on": "2026-11-01", "after_end": "2026-12-01", "rep": rep}
            plan = " ".join(
                row[0] for row in db.execute(f"EXPLAIN {WON_SQL.one.for_db(db)}", params)
            )
            assert "Index Scan on deal_days_key" in plan or "using deal_days_key" in plan, plan
            assert "Index Cond: ((closed_on >= '2026-11-01'::text)" in plan, plan
    finally:
        storage.close()


def test_a_version_20_team_upgraded_has_its_deals_summed_by_day_and_rep(
    postgres_server: PostgresServer,
) -> None:
    """The upgrade of a team's database sums the deals it already holds (a NULL rep's, a
    blank one's, an amount out of range, a day no date reads) as the triggers would."""
    from funnel_tui.store import open_team_book

    deals = [
        ("2026-11-03", "alex", 1_000_00),
        ("2026-11-03", "alex", 2_000_00),
        ("2026-11-03", None, 300_00),
        ("2026-11-03", "", 400_00),
        ("2026-11-04", "blake", -5),
        ("2026-11-31", "blake", 700_00),
    ]
    with team_database_at(postgres_server, 20) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            (ann,) = conn.execute(
                "INSERT INTO prospects (name) VALUES ('Ann') RETURNING id"
            ).fetchone()
            for closed_on, rep, cents in deals:
                conn.execute(
                    "INSERT INTO deals (prospect_id, closed_on, rep, amount_cents)"
                    " VALUES (%s, %s, %s, %s)",
                    [ann, closed_on, rep, cents],
                )
        storage = open_team_book(url)
        try:
            db = storage.db
            rows = db.execute(
                "SELECT closed_on, rep, deals, won_cents, wrong FROM deal_days"
                " ORDER BY closed_on, rep NULLS FIRST"
            ).fetchall()
            assert [tuple(row) for row in rows] == [
                ("2026-11-03", None, 1, 300_00, 0),
                ("2026-11-03", "", 1, 400_00, 0),
                ("2026-11-03", "alex", 2, 3_000_00, 0),
                ("2026-11-04", "blake", 1, 0, 1),
                ("2026-11-31", "blake", 1, 0, 1),
            ]
            assert_deal_days_hold_the_deals(db)
            # The trigger is there too: a deal written after the upgrade is summed.
            insert_row(
                db, "deals", {"prospect_id": ann, "closed_on": "2026-11-03", "amount_cents": 5}
            )
            assert db.execute(
                "SELECT won_cents FROM deal_days WHERE closed_on = '2026-11-03' AND rep IS NULL"
            ).fetchone() == (300_05,)
        finally:
            storage.close()
