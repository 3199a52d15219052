"""A rep's own figures of sections 9 and 9b in a team's book (PRODUCT 16), on both
backends: read from rep_call_days and the rep's own calls, deals, emails and prospects,
they are the book's figures when one rep did everything, and two reps' counts add up to
the team's."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, timedelta
from typing import Any

import pytest

from funnel_tui.domain import CONNECT_OUTCOMES, NO_SOURCE, sql_list
from funnel_tui.figure_sql import calls_of_window_sql, method_sql, source_sql
from funnel_tui.manager_figures import Window
from funnel_tui.pace import Pace, find_target, load_pace, set_target
from funnel_tui.rep_figures import rep_leads, rep_meeting_leads
from funnel_tui.rep_rows import FigureRows, Whose
from funnel_tui.reps import add_rep
from funnel_tui.settings import load_settings
from funnel_tui.store import open_team_book
from funnel_tui.store.dialect import dialect_of
from funnel_tui.store.sqlite import Storage
from funnel_tui.team_report import load_team_report
from tests.app_support import FROZEN_NOW
from tests.book_copy import copy_book_to_team
from tests.rows import insert_row

TODAY, ZONE = FROZEN_NOW.date(), FROZEN_NOW.tzinfo
# What each call adds to a rep's day, method and source, counted from the calls.
FRESH_REP_COUNTS = f"""
SELECT c.rep, substr(c.started_at, 1, 10), coalesce(nullif(c.method, ''), p.method),
    coalesce(nullif(trim(p.source), ''), '{NO_SOURCE}'), count(*),
    sum(CASE WHEN c.outcome IN ({sql_list(sorted(CONNECT_OUTCOMES))}) THEN 1 ELSE 0 END),
    sum(CASE WHEN c.outcome = 'meeting' THEN 1 ELSE 0 END)
FROM calls c JOIN prospects p ON p.id = c.prospect_id
WHERE c.rep IS NOT NULL
GROUP BY 1, 2, 3, 4
"""
KEPT_REP_COUNTS = "SELECT rep, day, method, source, calls, connects, meetings FROM rep_call_days"
# The counts of a report that add up over the reps who made them.
ADDED_UP = (
    "calls",
    "connects",
    "meetings_booked",
    "meetings_held",
    "proposals",
    "deals_won",
    "talk_time_s",
    "emails",
    "won_cents",
    "calls_today",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_db(request: pytest.FixtureRequest, demo_storage: Storage) -> Iterator[Any]:
    """The demo book (a month of calls, deals and emails, no reps), on each backend."""
    if request.param == "sqlite":
        yield demo_storage.db
        return
    url = request.getfixturevalue("postgres_url")
    copy_book_to_team(demo_storage.path, url)
    team = open_team_book(url)
    try:
        yield team.db
    finally:
        team.close()


def hand_out(db: Any, rep_of: str) -> None:
    """Give every call, deal, email and prospect to the rep the SQL `rep_of` names for
    the row's `id` (a deal goes with its call, else its prospect)."""
    for name in ("alex", "blake"):
        add_rep(db, name)
    db.execute(f"UPDATE calls SET rep = {rep_of}")
    db.execute(f"UPDATE emails SET rep = {rep_of}")
    db.execute(f"UPDATE prospects SET owner = {rep_of}")
    db.execute(
        "UPDATE deals SET rep = coalesce((SELECT c.rep FROM calls c WHERE c.id = deals.call_id),"
        " (SELECT p.owner FROM prospects p WHERE p.id = deals.prospect_id))"
    )


def report(db: Any, rep: str | None) -> Pace:
    pace = load_pace(db, TODAY, load_settings(db), tz=ZONE, rep=rep)
    assert pace is not None
    return pace


def same_target_for(db: Any, rep: str) -> None:
    """The rep's own target: the team's of this period, as it is."""
    target = find_target(db, TODAY)
    assert target is not None
    set_target(
        db,
        amount_cents=target["amount_cents"],
        period=target["period"],
        today=TODAY,
        calls_per_day=target["calls_per_day"],
        rep=rep,
    )


def test_a_rep_who_did_everything_has_the_books_whole_report(demo_db: Any) -> None:
    team = report(demo_db, None)
    assert team.figures is not None and team.figures.calls > 100 and team.by_method
    hand_out(demo_db, "'alex'")
    same_target_for(demo_db, "alex")
    assert report(demo_db, "alex").to_json() == team.to_json()
    # Blake did nothing: a report with every count at nothing.
    same_target_for(demo_db, "blake")
    blake = report(demo_db, "blake").to_json()
    assert (blake["calls"], blake["won_cents"], blake["leads_worked"]) == (0, 0, 0)
    assert blake["by_method"] == [] and blake["pipeline_cents"] == 0


def test_a_first_call_logged_twice_in_one_second_is_one_lead_to_speed_to_lead(
    demo_db: Any,
) -> None:
    """Two reps' `funnel log` in one second wrote two first calls at one moment: the rep's
    median counted the prospect twice (95.0 h where the prospects gave 95.9 h)."""
    hand_out(demo_db, "'alex'")
    same_target_for(demo_db, "alex")
    starts_on = report(demo_db, None).to_json()["starts_on"]
    first = demo_db.execute(
        "SELECT c.prospect_id, c.started_at, c.outcome FROM calls c JOIN lead_marks m"
        " ON m.prospect_id = c.prospect_id AND m.per_method = 0 AND m.method = ''"
        " WHERE c.started_at = m.first_call_at AND m.first_call_at >= ? ORDER BY c.id LIMIT 1",
        [starts_on],
    ).fetchone()
    assert first is not None
    demo_db.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome, rep) VALUES (?, ?, ?, 'alex')",
        list(first),
    )
    demo_db.conn.commit()
    team, alex = report(demo_db, None).to_json(), report(demo_db, "alex").to_json()
    assert alex["speed_to_lead_hours_median"] == team["speed_to_lead_hours_median"]
    assert alex == team


def test_two_reps_counts_add_up_to_the_teams(demo_db: Any) -> None:
    team = report(demo_db, None).to_json()
    hand_out(demo_db, "CASE WHEN id - 2 * (id / 2) = 0 THEN 'alex' ELSE 'blake' END")
    for rep in ("alex", "blake"):
        same_target_for(demo_db, rep)
    alex, blake = (report(demo_db, rep).to_json() for rep in ("alex", "blake"))
    assert alex["calls"] > 0 and blake["calls"] > 0
    for key in ADDED_UP:
        assert alex[key] + blake[key] == team[key], key
    for reason, count in team["lost_reasons"].items():
        assert alex["lost_reasons"][reason] + blake["lost_reasons"][reason] == count, reason
    methods = {row["name"]: row["calls"] for row in team["by_method"]}
    for row in [*alex["by_method"], *blake["by_method"]]:
        methods[row["name"]] -= row["calls"]
    assert set(methods.values()) == {0}
    # A prospect both reps called is a lead of each: the reps' leads cover the team's.
    assert alex["leads_worked"] + blake["leads_worked"] >= team["leads_worked"]
    assert max(alex["leads_worked"], blake["leads_worked"]) <= team["leads_worked"]
    assert alex["pipeline_cents"] + blake["pipeline_cents"] == team["pipeline_cents"]


def test_a_reps_leads_are_the_prospects_of_their_calls_shared_or_their_own(
    demo_db: Any,
) -> None:
    """A prospect one rep alone called counts from its marks (only_rep), one several reps
    called from their calls: both are the distinct prospects of the rep's calls."""
    # The first half of the prospects are each one rep's; the calls of the others
    # alternate between the reps.
    (middle,) = demo_db.execute("SELECT max(id) / 2 FROM prospects").fetchone()
    hand_out(demo_db, "CASE WHEN id - 2 * (id / 2) = 0 THEN 'alex' ELSE 'blake' END")
    demo_db.execute(
        f"UPDATE calls SET rep = CASE WHEN prospect_id <= {middle} THEN"
        " (CASE WHEN prospect_id - 2 * (prospect_id / 2) = 0 THEN 'alex' ELSE 'blake' END)"
        " WHEN id - 2 * (id / 2) = 0 THEN 'alex' ELSE 'blake' END"
    )
    target = find_target(demo_db, TODAY)
    assert target is not None
    for rep in ("alex", "blake"):
        same_target_for(demo_db, rep)
    connects = {str(outcome) for outcome in CONNECT_OUTCOMES}
    # As of today, and as of a day the prospects were called after (their marks then
    # lie after the window, and their calls tell).
    for as_of in (TODAY, TODAY - timedelta(days=8)):
        window = Window.of_days(date.fromisoformat(target["starts_on"]), as_of, ZONE)
        calls = demo_db.execute(
            "SELECT rep, prospect_id, outcome FROM calls c"
            f" WHERE {calls_of_window_sql(dialect_of(demo_db))}",
            window.params,
        ).fetchall()
        for rep in ("alex", "blake"):
            pace = load_pace(demo_db, as_of, load_settings(demo_db), tz=ZONE, rep=rep)
            assert pace is not None and pace.figures is not None
            mine = [(prospect, outcome) for who, prospect, outcome in calls if who == rep]
            worked = {prospect for prospect, _ in mine}
            reached = {prospect for prospect, outcome in mine if outcome in connects}
            met = {prospect for prospect, outcome in mine if outcome == "meeting"}
            found = pace.figures
            assert (found.leads_worked, found.reached, found.meeting_leads) == (
                len(worked),
                len(reached),
                len(met),
            )
            assert len(worked) > 5
    shared = demo_db.execute(
        "SELECT count(*) FROM lead_marks WHERE per_method = 0 AND only_rep IS NULL"
    ).fetchone()
    own = demo_db.execute("SELECT count(*) FROM lead_marks WHERE only_rep IS NOT NULL").fetchone()
    assert shared[0] > 0 and own[0] > 0


def leads_from_calls(db: Any, window: Window) -> dict[tuple[str, str, str], list[int]]:
    """The oracle: per rep, per method and per source, the distinct prospects of the rep's
    own calls in the window, reached, met and said no, counted in Python."""
    method, source = method_sql(dialect_of(db)), source_sql(dialect_of(db))
    calls = db.execute(
        f"SELECT c.rep, c.prospect_id, {method}, {source}, c.outcome"
        " FROM calls c JOIN prospects p ON p.id = c.prospect_id"
        f" WHERE c.rep IS NOT NULL AND {calls_of_window_sql(dialect_of(db))}",
        window.params,
    ).fetchall()
    connects = {str(outcome) for outcome in CONNECT_OUTCOMES}
    sets: dict[tuple[str, str, str], list[set[int]]] = {}
    for rep, prospect, by_method, by_source, outcome in calls:
        for key in ((rep, "method", by_method), (rep, "source", by_source)):
            worked, reached, met, refused = sets.setdefault(key, [set(), set(), set(), set()])
            worked.add(prospect)
            if outcome in connects:
                reached.add(prospect)
            if outcome == "meeting":
                met.add(prospect)
            if outcome == "not_interested":
                refused.add(prospect)
    return {key: [len(found) for found in value] for key, value in sets.items()}


def leads_read(db: Any, window: Window, whose: Whose) -> dict[tuple[str, str, str], list[int]]:
    """rep_leads' counts for alex and blake, each read alone or for every rep at once."""
    found = {}
    every_rep = FigureRows.every_rep(db)
    for rep in ("alex", "blake"):
        rows = FigureRows(db, rep) if whose is Whose.ONE else every_rep(rep)
        by_method, by_source = rep_leads(rows, window.params, [])
        for kind, side in (("method", by_method), ("source", by_source)):
            for name, counts in side.items():
                found[(rep, kind, name)] = [
                    counts[c] for c in ("leads", "reached", "met", "refused")
                ]
    return found


@pytest.mark.parametrize("seed", range(4))
def test_a_reps_leads_by_method_and_source_are_those_of_their_calls(
    book_db: Any, seed: int
) -> None:
    """Prospects one rep called and prospects two did, with several methods, called again
    after the window or not, with calls whose moment does not read, some whose method and
    source changed after their calls: each rep's leads per
    method and per source are the distinct prospects of their own calls in each window."""
    rng = random.Random(seed)
    for name in ("alex", "blake"):
        add_rep(book_db, name)
    prospects = [
        insert_row(
            book_db,
            "prospects",
            {"name": f"P{i}", "method": "solution", "source": rng.choice(["ads", " ads", None])},
        )
        for i in range(16)
    ]
    # The reviewer's case first: one rep, one method in the window and another after it.
    calls = [
        (prospects[0], "alex", 11, "benefits", "meeting"),
        (prospects[0], "alex", 20, "inbound", "no_answer"),
    ]
    for _ in range(70):
        calls.append(
            (
                rng.choice(prospects),
                rng.choice(["alex", "alex", "blake", None]),
                rng.randint(5, 16),
                rng.choice(["", "", "benefits", "inbound"]),
                rng.choice(["no_answer", "meeting", "not_interested", "callback", "voicemail"]),
            )
        )
    for prospect, rep, day, method, outcome in calls:
        started_at = "soon" if rng.random() < 0.05 else f"2026-11-{day:02d}T10:00:00+00:00"
        row = {"prospect_id": prospect, "rep": rep, "method": method, "outcome": outcome}
        insert_row(book_db, "calls", {**row, "started_at": started_at})
    # Prospects whose method and source change after their calls: a call without a
    # method of its own then counts under the prospect's new one, and every call under
    # the new source (a team's book reads both from the prospect's mark).
    for changed in rng.sample(prospects, 4):
        book_db.execute(
            "UPDATE prospects SET method = :method, source = :source WHERE id = :id",
            {"method": rng.choice(["conceptual", "benefits"]), "source": "fair", "id": changed},
        )
    for first, last in ((10, 12), (1, 30), (14, 14), (5, 9)):
        window = Window.of_days(date(2026, 11, first), date(2026, 11, last), UTC)
        expected = leads_from_calls(book_db, window)
        for whose in Whose:
            assert leads_read(book_db, window, whose) == expected, (first, last, whose)
        for rep in ("alex", "blake"):
            # Each prospect has one source: the sources' meetings add up to the rep's.
            met = sum(
                counts[2]
                for (who, kind, _), counts in expected.items()
                if (who, kind) == (rep, "source")
            )
            assert rep_meeting_leads(FigureRows(book_db, rep), window.params) == (met, 0)


def test_each_reps_line_of_a_team_report_is_their_own_report(demo_db: Any) -> None:
    """The team report reads each statement once for every rep: each rep's line is still
    exactly the report the rep gets alone, over the window of their own target."""
    hand_out(demo_db, "CASE WHEN id - 2 * (id / 2) = 0 THEN 'alex' ELSE 'blake' END")
    same_target_for(demo_db, "alex")
    set_target(demo_db, amount_cents=900_000, period="week", today=TODAY, rep="blake")
    add_rep(demo_db, "casey")
    found = load_team_report(demo_db, TODAY, load_settings(demo_db), tz=ZONE)
    lines = {line.rep: line.pace for line in found.reps}
    alex, blake = lines["alex"], lines["blake"]
    assert lines["casey"].target_cents is None
    assert (alex.period, blake.period) == ("month", "week")
    assert alex.figures is not None and alex.figures.leads_worked > 0 and alex.plan is not None
    assert blake.figures is not None and blake.figures.calls > 0
    assert alex == report(demo_db, "alex")
    assert blake == report(demo_db, "blake")


def test_rep_call_days_follow_every_change_to_calls_and_prospects(book_db: Any) -> None:
    ann = insert_row(book_db, "prospects", {"name": "Ann", "method": "solution", "source": "ads"})
    bob = insert_row(book_db, "prospects", {"name": "Bob", "method": "benefits"})
    calls = [
        insert_row(
            book_db,
            "calls",
            {
                "prospect_id": prospect,
                "rep": rep,
                "outcome": outcome,
                "started_at": f"2026-11-{day:02d}T10:00:00+00:00",
            },
        )
        for prospect, rep, outcome, day in [
            (ann, "alex", "meeting", 2),
            (ann, "alex", "no_answer", 2),
            (ann, "blake", "not_interested", 3),
            (bob, "blake", "voicemail", 3),
            (bob, None, "meeting", 3),
        ]
    ]

    def kept() -> set[tuple[Any, ...]]:
        found = set(map(tuple, book_db.execute(KEPT_REP_COUNTS).fetchall()))
        assert found == set(map(tuple, book_db.execute(FRESH_REP_COUNTS).fetchall()))
        return found

    assert ("alex", "2026-11-02", "solution", "ads", 2, 1, 1) in kept()
    book_db.execute("UPDATE calls SET rep = 'alex' WHERE id = ?", [calls[3]])
    book_db.execute(
        "UPDATE calls SET outcome = 'meeting', method = 'inbound' WHERE id = ?", [calls[1]]
    )
    book_db.execute(
        "UPDATE prospects SET method = 'conceptual', source = 'expo' WHERE id = ?", [bob]
    )
    assert ("alex", "2026-11-03", "conceptual", "expo", 1, 0, 0) in kept()
    book_db.execute("DELETE FROM calls WHERE id = ?", [calls[0]])
    kept()
    book_db.execute("DELETE FROM prospects WHERE id = ?", [ann])
    assert {row[0] for row in kept()} == {"alex"}
