"""`funnel report --json`'s rows by source and by method add up to its totals (PRODUCT 9b),
on random small books: a prospect has one source, a call one method, and a deal belongs to
one method (its call's, else its prospect's) and to its prospect's source."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_tui.domain import Outcome
from tests.conftest import empty_team_book
from tests.report_books import Book, machine_zone, report_json

# Sources that collapse: blank ones count under (none), " web " under web.
SOURCES = [None, "", "  ", "web", " web ", "ads", "referral"]
METHODS = ["solution", "benefits", "inbound"]
FIRST_DAY = date(2026, 11, 25)


@st.composite
def books(draw: st.DrawFn) -> dict:
    prospects = draw(
        st.lists(
            st.tuples(st.sampled_from(SOURCES), st.sampled_from(METHODS)), min_size=1, max_size=6
        )
    )
    people = st.integers(0, len(prospects) - 1)
    calls = draw(
        st.lists(
            st.tuples(
                people,
                st.integers(0, 37),  # days from 25 November
                st.integers(0, 24 * 60 - 1),  # minute of the UTC day
                st.sampled_from(list(Outcome)),
                st.sampled_from([None, "", *METHODS]),
            ),
            max_size=25,
        )
    )
    deals = draw(
        st.lists(
            st.tuples(
                people,
                st.integers(1, 10_000_000),
                st.integers(0, 37),
                st.booleans(),  # won on the prospect's first call, if any
                st.sampled_from(["new", "expansion"]),
            ),
            max_size=6,
        )
    )
    return {
        "today": date(2026, 12, draw(st.integers(1, 31))),
        "prospects": prospects,
        "calls": calls,
        "deals": deals,
    }


def write(book: Book, drawn: dict) -> None:
    book.target("2026-12-01", "2026-12-31", 2_300_000)
    ids = [
        book.prospect(f"P{index}", created_at="2026-11-20 09:00", source=source, method=method)
        for index, (source, method) in enumerate(drawn["prospects"])
    ]
    first_call: dict[int, int] = {}
    for person, day, minute, outcome, method in drawn["calls"]:
        moment = FIRST_DAY + timedelta(days=day)
        started = f"{moment} {minute // 60:02}:{minute % 60:02}"
        call = book.call(ids[person], started, outcome, method=method, duration_s=minute)
        first_call.setdefault(person, call)
    for person, cents, day, on_call, kind in drawn["deals"]:
        closed_on = (FIRST_DAY + timedelta(days=day)).isoformat()
        call = first_call.get(person) if on_call else None
        book.deal(ids[person], cents, closed_on, call_id=call, kind=kind)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(books())
def test_rows_by_source_and_by_method_add_up_to_the_totals(drawn: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_sums(Book.at(Path(folder) / "book.db"), drawn)


# Fewer books on a team database: the 20 above explore the figures, these the same SQL
# where the dialects write it differently.
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(books())
def test_rows_add_up_to_the_totals_on_a_team_database(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, drawn: dict
) -> None:
    from funnel_tui.store import open_team_book

    storage = open_team_book(postgres_url)
    empty_team_book(postgres_url)
    check_sums(Book.in_storage(storage, monkeypatch), drawn)


def check_sums(book: Book, drawn: dict) -> None:
    with machine_zone():
        try:
            write(book, drawn)
        finally:
            book.close()
        report = report_json(book.option, drawn["today"].isoformat())

    sources = report["by_source"]
    assert len({row["name"] for row in sources}) == len(sources)
    assert sum(row["calls"] for row in sources) == report["calls"]
    assert sum(row["connects"] for row in sources) == report["connects"]
    assert sum(row["meetings"] for row in sources) == report["meetings_booked"]
    assert sum(row["won"] for row in sources) == report["deals_won"]
    assert sum(row["won_cents"] for row in sources) == report["won_cents"]
    # Leads are distinct prospects, and each prospect has one source.
    assert sum(row["leads"] for row in sources) == report["leads_worked"]
    assert sum(row["reached"] for row in sources) == report["reached"]

    methods = report["by_method"]
    assert len({row["name"] for row in methods}) == len(methods)
    assert sum(row["calls"] for row in methods) == report["calls"]
    assert sum(row["connects"] for row in methods) == report["connects"]
    assert sum(row["meetings"] for row in methods) == report["meetings_booked"]
    assert sum(row["won"] for row in methods) == report["deals_won"]
    assert sum(row["won_cents"] for row in methods) == report["won_cents"]
