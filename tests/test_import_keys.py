"""How an import finds the book's prospects: through the book's own indexes, with only
the prospects whose stored email or number is not in key form keyed up front, the
first prospect (the lowest id) keeping each key, and a prospect the file changes still
found by what it held."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from funnel_tui import importer
from funnel_tui.import_keys import (
    BOOK_EMAILS,
    BOOK_PHONE_NAMES,
    Holder,
    ImportKeys,
    email_key,
    name_key,
)
from funnel_tui.importer import import_prospects
from funnel_tui.phones import phone_key
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sqlite import write_transaction
from tests.app_support import FROZEN_NOW
from tests.test_import_stream import write_leads

# As a tool other than funnel may have written them: a number as typed, an email with a
# space around it, one with a capital letter outside ASCII.
IRREGULAR = [
    ("Mia Wong", "(617) 555-0154", ""),
    ("Lee Park", "", " Lee@Example.com "),
    ("Åsa Berg", "", "ÅSA@example.se"),
]
# As funnel writes them (an email in any ASCII case is its own key to the index).
REGULAR = [(f"Person {n}", f"+1212555{n:04d}", f"Person.{n}@Example.com") for n in range(200)]


def add_prospects(db: Any, people: list[tuple[str, str, str]]) -> list[int]:
    ids = []
    for name, phone, email in people:
        sql = "INSERT INTO prospects (name, phone, email) VALUES (?, ?, ?) RETURNING id"
        ids.append(db.execute(sql, [name, phone, email]).fetchone()[0])
    return ids


def company_of(db: Any, prospect_id: int) -> str:
    return db.execute("SELECT company FROM prospects WHERE id = ?", [prospect_id]).fetchone()[0]


def test_only_prospects_whose_keys_the_indexes_cannot_find_are_keyed_up_front(
    book_db: Any,
) -> None:
    regular_ids = add_prospects(book_db, REGULAR)
    mia, lee, asa = add_prospects(book_db, IRREGULAR)
    with write_transaction(book_db):
        keys = ImportKeys(book_db, "US")
        tables = {
            table: book_db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (BOOK_EMAILS, BOOK_PHONE_NAMES)
        }
        found = keys.find(
            {"lee@example.com", "åsa@example.se", "person.7@example.com", "nobody@example.com"},
            {("+16175550154", "miawong"), ("+12125550007", "person7"), ("+12125550008", "x")},
        )
        keys.drop()
    assert tables == {BOOK_EMAILS: 2, BOOK_PHONE_NAMES: 1}
    assert found.emails == {
        "lee@example.com": lee,
        "åsa@example.se": asa,
        "person.7@example.com": regular_ids[7],
    }
    assert found.phone_names == {
        ("+16175550154", "miawong"): mia,
        ("+12125550007", "person7"): regular_ids[7],
    }
    assert found.phone_holders == {
        "+16175550154": Holder(mia, "Mia Wong"),
        "+12125550007": Holder(regular_ids[7], "Person 7"),
        "+12125550008": Holder(regular_ids[8], "Person 8"),
    }


@pytest.mark.parametrize("irregular_first", [True, False])
def test_a_row_updates_the_first_prospect_with_its_key_however_the_book_wrote_it(
    book_db: Any, tmp_path: Path, irregular_first: bool
) -> None:
    as_typed = [("Mia Wong", "(617) 555-0154", ""), ("Lee Park", "", " Lee@Example.com ")]
    as_stored = [("Mia Wong", "+16175550154", ""), ("Lee Park", "", "lee@example.com")]
    first, second = (as_typed, as_stored) if irregular_first else (as_stored, as_typed)
    first_mia, first_lee = add_prospects(book_db, first)
    add_prospects(book_db, second)
    path = write_leads(
        tmp_path / "leads.csv",
        [
            ("mia  wong", "Wong Freight", "", "+1 617 555 0154"),
            ("Lee Park", "Park Labs", "LEE@example.com", ""),
        ],
    )
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert (report.added, report.updated) == (0, 2)
    assert (company_of(book_db, first_mia), company_of(book_db, first_lee)) == (
        "Wong Freight",
        "Park Labs",
    )


@pytest.mark.parametrize("batch", [1, 5_000])
def test_a_prospect_a_row_changes_is_still_found_by_what_it_held(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    (ada,) = add_prospects(book_db, [("Ada Lovelace", "+442079460001", "ada@example.com")])
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", batch)
    path = write_leads(
        tmp_path / "leads.csv",
        [
            # Ada's new number and a new spelling of her name, found by her email.
            ("Ada King", "Babbage & Co", "ada@example.com", "+44 20 7946 0002"),
            # Her old number and name, without an email: still Ada.
            ("Ada Lovelace", "Analytical", "", "+44 20 7946 0001"),
        ],
    )
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert (report.added, report.updated, report.shared_phones) == (0, 2, [])
    row = book_db.execute("SELECT name, phone, company FROM prospects").fetchall()
    assert [tuple(values) for values in row] == [("Ada Lovelace", "+442079460001", "Analytical")]
    assert company_of(book_db, ada) == "Analytical"


def another_rep_between_batches(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, change: Any
) -> None:
    """Batches of one row; `change(url)` commits on another connection of the team's
    server once the import has begun, as its first batch is merged."""
    url = request.getfixturevalue("postgres_url")
    merge_batch = importer._merge_batch
    batches = 0

    def changed_as_the_first_is_merged(*args: Any) -> Any:
        nonlocal batches
        batches += 1
        if batches == 1:
            change(url)
        return merge_batch(*args)

    monkeypatch.setattr(importer, "ROWS_PER_BATCH", 1)
    monkeypatch.setattr(importer, "_merge_batch", changed_as_the_first_is_merged)


def committed(sql: str, *params: object) -> Any:
    def commit(url: str) -> None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as other_rep:
            other_rep.execute(sql, list(params))

    return commit


def forgotten(prospect_id: int) -> Any:
    def forget(url: str) -> None:
        from funnel_tui.forget import forget_prospect
        from funnel_tui.store import open_team_book

        other_rep = open_team_book(url)
        try:
            forget_prospect(other_rep.db, prospect_id)
        finally:
            other_rep.close()

    return forget


AMY = ("Amy Pond", "+16175550100", "amy@example.com")
RORY_FIRST = ("Rory Williams", "Leadworth", "rory@example.com", "")


@pytest.mark.parametrize(
    ("change", "row", "amys"),
    [
        pytest.param(
            committed("UPDATE prospects SET email = 'amy@pond.example' WHERE id = 1"),
            ("Amy Pond", "Leadworth", "amy@example.com", ""),
            1,
            id="email changed, the file has the old one",
        ),
        pytest.param(
            committed("UPDATE prospects SET email = 'amy@pond.example' WHERE id = 1"),
            ("Amy Pond", "Leadworth", "amy@pond.example", ""),
            1,
            id="email changed, the file has the new one",
        ),
        pytest.param(
            committed("DELETE FROM prospects WHERE id = 1"),
            ("Amy Pond", "Leadworth", "amy@example.com", ""),
            1,
            id="deleted: the row adds her again",
        ),
        pytest.param(
            forgotten(1),
            ("Amy Pond", "Leadworth", "", "+16175550100"),
            0,
            id="forgotten: her number is suppressed",
        ),
    ],
)
def test_an_import_on_a_teams_server_matches_the_book_as_it_began_and_as_it_is(
    book_db: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    change: Any,
    row: tuple[str, str, str, str],
    amys: int,
) -> None:
    """Another rep changes Amy while an import runs: a later row with what she held when
    it began, or what she holds now, still updates her rather than add a second Amy; a
    row for an Amy deleted meanwhile adds her, one forgotten is not brought back."""
    if dialect_of(book_db) is Dialect.SQLITE:
        pytest.skip("a file's import holds the book: no one else commits meanwhile")
    (amy,) = add_prospects(book_db, [AMY])
    assert amy == 1
    another_rep_between_batches(monkeypatch, request, change)
    path = write_leads(tmp_path / "leads.csv", [RORY_FIRST, row])
    import_prospects(book_db, path, now=FROZEN_NOW)
    names = [row[0] for row in book_db.execute("SELECT name FROM prospects ORDER BY id")]
    assert names.count("Amy Pond") == amys
    assert names.count("Rory Williams") == 1
    if amys:
        (company,) = book_db.execute(
            "SELECT company FROM prospects WHERE name = 'Amy Pond'"
        ).fetchone()
        assert company == "Leadworth"


# Text as people and tools write it into an email or phone column: ASCII in any case,
# spaces and control characters, letters outside ASCII, digits and phone punctuation.
STORED_TEXT = st.text(
    alphabet=st.sampled_from("aAzZ@.+-()#;=ext 0123456789\t\n\x1c\x7fÅåİßﬁ\u00a0\u2003"),
    max_size=16,
)


@examples(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(emails=st.lists(STORED_TEXT, max_size=6), phones=st.lists(STORED_TEXT, max_size=6))
def test_every_stored_key_leads_to_the_first_prospect_with_it(
    book_db: Any, emails: list[str], phones: list[str]
) -> None:
    """Whatever a column holds, its key finds the first prospect with it: through the
    index, or through the table of those the index cannot find."""
    book_db.execute("DELETE FROM prospects")
    people = [(f"P {n}", "", email) for n, email in enumerate(emails)]
    people += [(f"Q {n % 2}", phone, "") for n, phone in enumerate(phones)]
    ids = add_prospects(book_db, people)
    expected_emails: dict[str, int] = {}
    expected_pairs: dict[tuple[str, str], int] = {}
    for prospect_id, (name, phone, email) in zip(ids, people, strict=True):
        if key := email_key(email):
            expected_emails.setdefault(key, prospect_id)
        if key := phone_key(phone, "US"):
            expected_pairs.setdefault((key, name_key(name)), prospect_id)
    with write_transaction(book_db):
        keys = ImportKeys(book_db, "US")
        found = keys.find(set(expected_emails), set(expected_pairs))
        keys.drop()
    assert found.emails == expected_emails
    assert found.phone_names == expected_pairs


@pytest.mark.parametrize("batch", [1, 5_000])
def test_a_key_a_prospect_takes_in_the_import_stays_with_the_one_that_held_it_before(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """A row that gives Amy Bob's name and number does not make her Bob to the rows after
    it, in its batch or a later one: the book's Bob had them first."""
    amy, bob = add_prospects(
        book_db,
        [
            ("Amy Ash", "+16175550111", "amy@ash.example"),
            ("Bob Cole", "+16175550103", "bob@cole.example"),
        ],
    )
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", batch)
    path = write_leads(
        tmp_path / "leads.csv",
        [
            ("Bob Cole", "From the first row", "amy@ash.example", "617-555-0103"),
            ("Bob Cole", "From the last row", "", "617-555-0103"),
        ],
    )
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert (report.added, report.updated) == (0, 2)
    assert (company_of(book_db, amy), company_of(book_db, bob)) == (
        "From the first row",
        "From the last row",
    )
