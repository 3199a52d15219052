"""Schema v26: `flag_changes.phone`, the number a wrong-number flag was set on. The trigger
writes it on the change that sets the flag alone, a version 25 book upgraded (a file or a
team's database) gets it for the prospects flagged then, and it is given with the
person's data and forgotten with them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.prospects import add_prospect, get_prospect, update_prospect
from funnel_tui.settings import load_settings
from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import to_stored
from tests.cli_support import invoke
from tests.older_file import file_at_version
from tests.older_team import team_database_at
from tests.postgres_server import PostgresServer
from tests.rows import table_rows

LONDON = ZoneInfo("Europe/London")
CALLED = datetime(2026, 12, 3, 11, 0, tzinfo=LONDON)
FIXED = CALLED + timedelta(hours=2)
WRONG = "+12015550100"
RIGHT = "+12015550199"


def log_wrong_number(db: Any, prospect_id: int, at: datetime = CALLED) -> None:
    """The rep's `r`: wrong number, as the outcome dialog logs it. The book stamps the
    flag's change with its own clock: it is moved to the call's moment."""
    entry = CallOutcome(Outcome.WRONG_NUMBER, started_at=at)
    log_call(db, prospect_id, entry, now=at, settings=load_settings(db))
    db.execute(
        "UPDATE flag_changes SET changed_at = ? WHERE prospect_id = ? AND flag = 'wrong_number'",
        [to_stored(at), prospect_id],
    )


def edit_phone(db: Any, prospect_id: int, phone: str | None) -> None:
    """The rep's `e`: the phone changed in the edit form, saved as the form saves it."""
    loaded = get_prospect(db, prospect_id)
    assert loaded is not None
    update_prospect(db, prospect_id, {"phone": phone}, loaded=loaded, now=FIXED)


def fixed_after_a_wrong_number(db: Any) -> int:
    """Ann, called on a stranger's number and given her own since; her id."""
    ann = add_prospect(db, {"name": "Ann Archer", "phone": WRONG}, now=CALLED - timedelta(days=7))
    log_wrong_number(db, ann)
    edit_phone(db, ann, RIGHT)
    return ann


def test_only_the_change_that_sets_the_flag_keeps_the_phone(book_db: Any) -> None:
    ann = fixed_after_a_wrong_number(book_db)
    book_db.execute("UPDATE prospects SET do_not_call = 1 WHERE id = ?", [ann])

    changes = [
        (row["flag"], row["value"], row["phone"]) for row in table_rows(book_db, "flag_changes")
    ]
    assert changes == [
        ("wrong_number", 1, WRONG),
        ("wrong_number", 0, None),
        ("do_not_call", 1, None),
    ]


def test_the_number_found_wrong_is_given_with_their_data_and_forgotten_with_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "book.db"
    storage = open_storage(path)
    ann = fixed_after_a_wrong_number(storage.db)
    storage.close()

    exported = invoke("export", "--prospect", ann, "-o", tmp_path / "ann.json", "--db", path)
    assert exported.exit_code == 0, exported.output
    record = json.loads((tmp_path / "ann.json").read_text(encoding="utf-8"))
    assert [change["phone"] for change in record["flag_changes"]] == [WRONG, None]

    assert invoke("forget", ann, "--yes", "--db", path).exit_code == 0
    wal = Path(f"{path}-wal")
    stored = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert WRONG.encode() not in stored


# --- the upgrade from v25 ---------------------------------------------------------------

# Ann flagged on her first number, then on the one she was given since: flagged now, her
# latest flag gets her phone. Bo flagged and cleared, Cy never flagged: nothing.
OLDER_FLAGS = (
    "INSERT INTO prospects (id, name, phone) VALUES (1, 'Ann', '+12015550100'),"
    " (2, 'Bo', '+12015550102'), (3, 'Cy', '+12015550103')",
    "UPDATE prospects SET wrong_number = 1 WHERE id IN (1, 2)",
    "UPDATE prospects SET phone = '+12015550199', wrong_number = 0 WHERE id = 1",
    "UPDATE prospects SET wrong_number = 0 WHERE id = 2",
    "UPDATE prospects SET wrong_number = 1 WHERE id = 1",
)
UPGRADED_FLAGS = [
    (1, "wrong_number", 1, None),
    (1, "wrong_number", 0, None),
    (1, "wrong_number", 1, "+12015550199"),
    (2, "wrong_number", 1, None),
    (2, "wrong_number", 0, None),
]
CY_FLAGGED = (3, "wrong_number", 1, "+12015550103")


def flags_known_after_the_upgrade(db: Any) -> None:
    """The flags an older book set each know their number, and a flag set after the
    upgrade keeps its number too."""
    assert _flags(db) == UPGRADED_FLAGS
    db.execute("UPDATE prospects SET wrong_number = 1 WHERE id = 3")
    assert _flags(db)[-1] == CY_FLAGGED


def _flags(db: Any) -> list[tuple[Any, ...]]:
    rows = db.execute(
        "SELECT prospect_id, flag, value, phone FROM flag_changes ORDER BY prospect_id, id"
    )
    return [tuple(row) for row in rows]


def test_a_version_25_file_upgraded_knows_the_number_each_flagged_prospect_has(
    tmp_path: Path,
) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 25)
    for statement in OLDER_FLAGS:
        conn.execute(statement)
    conn.close()

    storage = open_storage(path)
    try:
        flags_known_after_the_upgrade(storage.db)
    finally:
        storage.close()


def test_a_teams_version_25_book_upgraded_knows_them_too(
    postgres_server: PostgresServer,
) -> None:
    with team_database_at(postgres_server, 25) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in OLDER_FLAGS:
                conn.execute(statement)
        storage = open_team_book(url)
        try:
            flags_known_after_the_upgrade(storage.db)
        finally:
            storage.close()
