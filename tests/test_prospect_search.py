"""prospect_search, the text the queue filter reads, follows every change to prospects.

The filter scans prospect_search instead of the wide prospects rows; a prospect whose
search row were missing or stale would silently drop out of the rep's filter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from funnel_tui.checks import check_database, repair_database
from funnel_tui.migrations import PROSPECT_SEARCH_FROM_PROSPECTS
from funnel_tui.prospects import add_prospect, update_prospect
from funnel_tui.queue import QueueMode, queue_ids
from funnel_tui.store.sqlite import Storage, open_storage
from tests.test_call_days import version_1_file

NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)


def search_rows(db: sqlite_utils.Database) -> set[tuple[int, str, str]]:
    return set(db.execute("SELECT id, search_text, phone_digits FROM prospect_search"))


def assert_in_step(db: sqlite_utils.Database) -> None:
    assert search_rows(db) == set(db.execute(PROSPECT_SEARCH_FROM_PROSPECTS))


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


@settings(max_examples=100, deadline=None)
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


def test_a_filter_never_matches_across_two_fields(db: sqlite_utils.Database) -> None:
    db["prospects"].insert({"name": "Ann Archer", "company": "Zeta"})
    assert found(db, "archer") != set()
    assert found(db, "archerzeta") == set()
    assert found(db, "archer zeta") == set()


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
    assert drift.startswith("prospect_search disagrees with prospects for 2 prospect(s)")
    assert found(db, "grace") == set()
    repair_database(db)
    assert check_database(storage.path) == []
    assert found(db, "grace") == {grace}
    assert found(db, "ada") == {ada}
    hopper = db["prospects"].insert({"name": "Hopper"}).last_pk
    assert found(db, "hopper") == {hopper}, "the trigger is back"
