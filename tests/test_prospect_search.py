"""prospect_search, the text the queue filter reads, follows every change to prospects.

The filter scans prospect_search instead of the wide prospects rows; a prospect whose
search row were missing or stale would silently drop out of the rep's filter.
"""

from __future__ import annotations

import functools
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from funnel_tui.checks import check_database, repair_database
from funnel_tui.filter_indexes import FILTER_INDEXES
from funnel_tui.migrations import PROSPECT_SEARCH_FROM_PROSPECTS
from funnel_tui.prospects import add_prospect, update_prospect
from funnel_tui.queue import QueueMode, queue_ids
from funnel_tui.queue_filter import filter_clause, filter_terms, indexed_matches
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store.sqlite import Storage, open_storage
from tests.older_file import file_at_version
from tests.rows import insert_row
from tests.test_call_days import version_1_file

NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)


def search_rows(db: sqlite_utils.Database) -> set[tuple[int, str, str]]:
    return set(db.execute("SELECT id, search_text, phone_digits FROM prospect_search"))


def assert_in_step(db: sqlite_utils.Database) -> None:
    assert search_rows(db) == set(db.execute(PROSPECT_SEARCH_FROM_PROSPECTS))
    # Fails when an index of the filter is not what prospect_search holds.
    for index in FILTER_INDEXES:
        db.execute(index.check)


def found(db: sqlite_utils.Database, text: str) -> set[int]:
    return set(queue_ids(db, now=NOW, mode=QueueMode.ALL, text=text))


TEXT = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    st.sampled_from(["Acme", "[bold]x", "+1 (205) 555-0702", "ann@acme.com", "100% _x_"]),
)
# An edit that changes nothing the filter reads would prove nothing.
NEW_TEXT = st.one_of(
    st.text(min_size=1, max_size=12),
    st.sampled_from(["Initech", "+44 20 7946 0958", "(020) 7946-0011", "bo@initech.com"]),
)
CHANGE = st.one_of(
    st.tuples(st.just("add"), TEXT, TEXT, TEXT),
    st.tuples(
        st.just("edit"), st.integers(0, 9), st.sampled_from(["company", "email", "phone"]), NEW_TEXT
    ),
    st.tuples(st.just("rename"), st.integers(0, 9), st.text(min_size=1, max_size=8)),
    st.tuples(st.just("upsert"), st.integers(1, 12), st.text(min_size=1, max_size=8), TEXT),
    st.tuples(st.just("renumber"), st.integers(0, 9), st.integers(1000, 1010)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
)


@settings(max_examples=25, deadline=None)
@given(changes=st.lists(CHANGE, max_size=15))
def test_search_rows_follow_every_change_whoever_makes_it(
    tmp_path_factory: object, changes: list[tuple]
) -> None:
    path = tmp_path_factory.mktemp("search") / "funnel.db"  # type: ignore[attr-defined]
    storage = open_storage(path)
    db = storage.db
    # sqlite-utils' own connection turns recursive triggers on and upserts in two steps.
    other = sqlite_utils.Database(path)
    try:
        for change in changes:
            ids = [row[0] for row in db.execute("SELECT id FROM prospects ORDER BY id")]
            kind = change[0]
            if kind == "add":
                row = {"name": "N", "company": change[1], "email": change[2], "phone": change[3]}
                db.execute(
                    "INSERT INTO prospects (name, company, email, phone) "
                    "VALUES (:name, :company, :email, :phone)",
                    row,
                )
            elif kind == "upsert":
                other["prospects"].upsert(
                    {"id": change[1], "name": change[2], "company": change[3]}, pk="id"
                )
            elif ids and kind == "edit":
                target = ids[change[1] % len(ids)]
                db.execute(
                    f"UPDATE prospects SET {change[2]} = ? WHERE id = ?", [change[3], target]
                )
            elif ids and kind == "rename":
                other["prospects"].update(ids[change[1] % len(ids)], {"name": change[2]})
            elif ids and kind == "renumber" and change[2] not in ids:
                db.execute(
                    "UPDATE prospects SET id = ? WHERE id = ?",
                    [change[2], ids[change[1] % len(ids)]],
                )
            elif ids and kind == "delete":
                other.execute("DELETE FROM prospects WHERE id = ?", [ids[change[1] % len(ids)]])
                other.conn.commit()
            assert_in_step(db)
    finally:
        other.close()
        storage.close()


def test_the_filter_finds_what_the_app_adds_and_edits(db: sqlite_utils.Database) -> None:
    ada = add_prospect(
        db,
        {"name": "Ada Lovelace", "company": "Analytical Engines", "phone": "+44 20 7946 0958"},
        now=NOW,
    )
    assert found(db, "analytical") == {ada}
    assert found(db, "7946 0958") == {ada}
    assert found(db, "2079460958") == {ada}, "digits typed together match a spaced phone"
    update_prospect(db, ada, {"name": "Ada Lovelace", "company": "Difference Ltd", "phone": ""})
    assert found(db, "analytical") == set()
    assert found(db, "difference") == {ada}
    assert found(db, "2079460958") == set()
    db.execute("DELETE FROM prospects WHERE id = ?", [ada])
    assert found(db, "ada") == set()
    assert_in_step(db)


def test_a_word_never_matches_across_two_fields(db: sqlite_utils.Database) -> None:
    """Each word of a filter is found in one field; two words may be in two fields."""
    ann = db["prospects"].insert({"name": "Ann Archer", "company": "Zeta"}).last_pk
    assert found(db, "archer") == {ann}
    assert found(db, "archerzeta") == set()
    assert found(db, "archer zeta") == {ann}


def test_upgrading_a_version_1_file_makes_its_prospects_findable(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    version_1_file(path).close()
    storage = open_storage(path)
    try:
        db = storage.db
        assert_in_step(db)
        assert found(db, "p2") == {2}
    finally:
        storage.close()


def test_check_names_stale_search_rows_and_repair_rebuilds_them(
    storage: Storage, db: sqlite_utils.Database
) -> None:
    ada = db["prospects"].insert({"name": "Ada", "phone": "+12055550100"}).last_pk
    assert check_database(storage.path) == []
    # A bulk copy with the trigger dropped.
    db.execute("DROP TRIGGER prospect_search_after_insert")
    grace = db["prospects"].insert({"name": "Grace"}).last_pk
    db.execute("UPDATE prospect_search SET search_text = 'someone else' WHERE id = ?", [ada])
    missing, drift = check_database(storage.path)
    assert "(prospect_search_after_insert)" in missing
    assert drift.startswith("prospect_search disagrees with prospects for 2 prospects")
    assert found(db, "grace") == set()
    repair_database(db)
    assert check_database(storage.path) == []
    assert found(db, "grace") == {grace}
    assert found(db, "ada") == {ada}
    hopper = db["prospects"].insert({"name": "Hopper"}).last_pk
    assert found(db, "hopper") == {hopper}, "the trigger is back"


# Text a rep may have typed anywhere, LIKE's wildcards, quotes and markup included.
PEOPLE = {
    "ada": ("Ada Lovelace", "Analytical Engines", "ada@engines.example", "+442079460958"),
    "percy": ("Percy 100% Sure", "Under_score Ltd", "p_s@sure.example", None),
    "miles": ("Miles O'Brien", 'The "Best" Co', None, "+12055550702"),
    "eve": ("[bold red]Eve[/]", "<script>alert(1)</script>", None, None),
    "kurt": ("Kurt Müller", "C:\\Temp\\Works", "kurt@works.example", None),
}
QUERIES = (
    # Three characters or more: the trigram index.
    "lovelace",
    "LOVELACE",
    "ada lovelace",
    "analytical engines",
    "engines.example",
    "@sure.ex",
    "100%",
    "100_",
    "y 100% s",
    "r_s",
    "r%s",
    "p_s@",
    "o'brien",
    '"best"',
    "[bold red]",
    "[/]",
    "<script>",
    "Müller",
    "C:\\Temp",
    "\\Works",
    "%%%",
    "___",
    "nobody here",
    # One or two characters: a pass over every row.
    "a",
    "E",
    "%",
    "_",
    "'",
    '"',
    "[",
    "\\",
    "ad",
    "r_",
)


def ascii_lower(text: str) -> str:
    return "".join(letter.lower() if letter.isascii() else letter for letter in text)


def expected_matches(text: str) -> set[str]:
    """Who a filter finds by their text: the typed text inside one field, ASCII letters in
    either case (as the filter matches on both backends)."""
    return {
        key
        for key, fields in PEOPLE.items()
        if any(ascii_lower(text) in ascii_lower(field or "") for field in fields)
    }


def add_people(db: sqlite_utils.Database) -> dict[int, str]:
    ids = {}
    for key, (name, company, email, phone) in PEOPLE.items():
        row = {"name": name, "company": company, "email": email, "phone": phone}
        ids[insert_row(db, "prospects", row)] = key
    return ids


def test_the_filter_finds_any_part_of_name_company_email_or_phone(book_storage: Any) -> None:
    db = book_storage.db
    keys = add_people(db)
    for text in QUERIES:
        assert {keys[id] for id in found(db, text)} == expected_matches(text), text
    # A name as a list writes it, last name first.
    for text, key in (
        ("Lovelace, Ada", "ada"),
        ("O'Brien,Miles", "miles"),
        ("lovelace ; ada", "ada"),
        ("ada ,", "ada"),
        ("“Lovelace, Ada”", "ada"),
    ):
        assert {keys[id] for id in found(db, text)} == {key}, text
    # No word: no filter, as an empty box (it found the prospects with a comma).
    assert found(db, ", ;") == found(db, "") == set(keys)
    for digits, key in (("2079460958", "ada"), ("7946 0958", "ada"), ("555-07", "miles")):
        assert {keys[id] for id in found(db, digits)} == {key}, digits
    assert found(db, "999") == set()


def indexed(db: sqlite_utils.Database, text: str) -> list[int] | None:
    """What the trigram index answers for a filter, None when it is left to one pass."""
    terms = filter_terms(text, None)
    return indexed_matches(db, terms, *filter_clause(db, terms))


def test_a_filter_of_three_characters_is_looked_up_in_the_trigram_index(
    db: sqlite_utils.Database,
) -> None:
    """The indexes answer exactly what one pass over prospect_search would; a text without
    three characters in a row that are no wildcard, or typed with accents, is left to that
    pass."""
    add_people(db)
    for text in (*QUERIES, "2079460958", "555-07"):
        clause, params = filter_clause(db, filter_terms(text, None))
        rows = db.execute(f"SELECT id FROM prospect_search WHERE {clause}", params)
        scanned = [row[0] for row in rows]
        looked_up = indexed(db, text)
        if text in ("%%%", "___", "r_s", "r%s", "p_s@") or len(text) < 3 or not text.isascii():
            assert looked_up is None, text
        else:
            assert looked_up is not None and sorted(looked_up) == sorted(scanned), text


ACCENTED_WORD = st.text(alphabet="aeiouzAEZ éÉüÜøñÑ.-", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(ACCENTED_WORD, min_size=1, max_size=6),
    typed=st.lists(ACCENTED_WORD, min_size=1, max_size=3),
)
def test_the_indexes_answer_what_a_pass_would_with_accents_anywhere(
    tmp_path_factory: Any, names: list[str], typed: list[str]
) -> None:
    """Words as typed and folded, in ASCII or not, in any mix: the trigram and word
    indexes find exactly the prospects one pass over every row finds."""
    storage = open_storage(tmp_path_factory.mktemp("accents") / "funnel.db")
    try:
        db = storage.db
        for name in names:
            insert_row(db, "prospects", {"name": name, "company": name[::-1]})
        terms = filter_terms(" ".join(typed), None)
        assume(terms)  # the queue asks only for a filter with something besides spaces
        clause, params = filter_clause(db, terms)
        scanned = {
            row[0] for row in db.execute(f"SELECT id FROM prospect_search WHERE {clause}", params)
        }
        looked_up = indexed_matches(db, terms, clause, params)
        if looked_up is not None:
            assert set(looked_up) == scanned
    finally:
        storage.close()


def test_check_names_a_stale_or_missing_trigram_index_and_repair_builds_it(
    storage: Storage, db: sqlite_utils.Database
) -> None:
    keys = add_people(db)
    ada = next(id for id, key in keys.items() if key == "ada")
    # Another tool writes prospect_search with the index's trigger dropped.
    db.execute("DROP TRIGGER prospect_trigrams_after_insert")
    db.execute("UPDATE prospects SET name = 'Grace Hopper' WHERE id = ?", [ada])
    missing, stale = check_database(storage.path)
    assert "(prospect_trigrams_after_insert)" in missing
    assert stale.startswith("prospect_trigrams, the queue filter's index, disagrees")
    repair_database(db)
    assert check_database(storage.path) == []
    assert found(db, "grace hopper") == {ada}
    assert found(db, "lovelace") == set()

    db.execute("DROP TABLE prospect_trigrams")
    assert check_database(storage.path) == [
        "prospect_trigrams, the queue filter's index, is missing; `funnel check --repair`"
        " builds it again"
    ]
    assert found(db, "grace hopper") == {ada}, "without the index the filter reads every row"
    repair_database(db)
    assert check_database(storage.path) == []
    assert indexed(db, "hopper") == [ada]


def test_a_filter_index_check_that_cannot_write_says_so_and_offers_no_repair(
    storage: Storage, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FTS5 checks an index with a write: while another program held the book it said the
    # indexes could not be checked and that --repair would build them again.
    add_people(db)
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", functools.partial(connect, timeout=0.05))
    holder = connect(storage.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        problems = check_database(storage.path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert problems, "a check that could not run is not a clean bill"
    for line in problems:
        assert "could not be checked: database is locked" in line, line
        assert "--repair" not in line
    assert check_database(storage.path) == []


def test_upgrading_a_version_8_file_builds_the_trigram_index(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 8)
    conn.execute("INSERT INTO prospects (name, company) VALUES ('Ada Lovelace', 'Engines')")
    conn.close()
    storage = open_storage(path)
    try:
        db = storage.db
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
        assert indexed(db, "lovelace") == [1]
        db["prospects"].insert({"name": "Grace Hopper"})
        assert found(db, "hopper") == {2}
        assert_in_step(db)
    finally:
        storage.close()
    assert check_database(path) == []
