"""The v2 -> v3 migration on a book the v2 release made (tests/data/v2_book.sql, PRODUCT 14):
every row kept, a backup beside it, the open tasks made from the next calls, what v2 could
not say corrected, and a file that `funnel check` and the app accept."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from phonenumbers import timezone as number_zones

from funnel_tui.domain import CADENCE_OUTCOMES, CONNECT_OUTCOMES
from funnel_tui.migrations import CALL_DAYS_FROM_CALLS
from funnel_tui.schema_version import APPLICATION_ID, LATEST_VERSION
from funnel_tui.store.sqlite import StorageError, open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from tests.app_support import FrozenClock, settle
from tests.cli_support import invoke

V2_BOOK = Path(__file__).parent / "data" / "v2_book.sql"
# The moment the v2 book was made at (its header says how).
V2_BOOK_NOW = datetime(2026, 11, 18, 11, 30, tzinfo=ZoneInfo("America/Chicago"))

Rows = dict[str, list[dict[str, Any]]]


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def read(path: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    conn = connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# The keys of the tables without a rowid.
KEYS = {
    "call_days": "day, method, source",
    "lead_marks": "prospect_id, per_method, method",
    "lead_mark_days": "day, per_method, method, only_method, source",
    "rep_call_days": "rep, day, method, source",
    "suppressions": "hash",
}


def every_row(path: Path) -> Rows:
    """Every row of every table, in key order, as dicts; the filter's indexes (FTS5 tables
    and their shadow tables) are indexes, built afresh, not rows."""
    conn = connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'prospect_trigrams%'"
                " AND name NOT LIKE 'prospect_words%' ORDER BY name"
            )
        ]
        rows = {}
        for table in tables:
            key = KEYS.get(table, "rowid")
            rows[table] = [
                dict(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY {key}")
            ]
        return rows
    finally:
        conn.close()


@pytest.fixture
def v2_path(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    conn = sqlite3.connect(path)
    conn.executescript(V2_BOOK.read_text(encoding="utf-8"))
    conn.close()
    return path


@pytest.fixture
def v2_rows(v2_path: Path) -> Rows:
    assert read(v2_path, "PRAGMA user_version")[0][0] == 2
    return every_row(v2_path)


@pytest.fixture
def migrated(v2_path: Path, v2_rows: Rows) -> Iterator[Path]:
    """The v2 book opened (and so migrated) by this version."""
    storage = open_storage(v2_path)
    storage.close()
    yield v2_path


def by_id(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def connected(v2_rows: Rows) -> set[int]:
    """The prospects reached on some call (the connects of v3)."""
    return {call["prospect_id"] for call in v2_rows["calls"] if call["outcome"] in CONNECT_OUTCOMES}


def last_deal_amount(v2_rows: Rows, prospect_id: int) -> int | None:
    deals = [deal for deal in v2_rows["deals"] if deal["prospect_id"] == prospect_id]
    if not deals:
        return None
    return max(deals, key=lambda deal: (deal["closed_on"], deal["id"]))["amount_cents"]


def expected_prospect(v2_rows: Rows, prospect: dict[str, Any]) -> dict[str, Any]:
    """A v2 prospect as PRODUCT 14 says v3 holds it: a reached `new` one is `known`, a
    customer's deal value that was their last win is cleared, the rest as it was."""
    expected = dict(prospect)
    if prospect["kind"] == "new" and prospect["id"] in connected(v2_rows):
        expected["kind"] = "known"
    if prospect["kind"] == "customer" and prospect["deal_value_cents"] == last_deal_amount(
        v2_rows, prospect["id"]
    ):
        expected["deal_value_cents"] = None
    expected["attempts"] = v3_attempts(v2_rows, prospect["id"])
    # v5 guesses the zone of a prospect without one from a number in exactly one zone.
    if prospect["timezone"] is None and (zone := one_zone(prospect["phone"])):
        expected["timezone"] = zone
    return expected


def one_zone(phone: str | None) -> str | None:
    """The zone phonenumbers names for a number, when it names exactly one."""
    if not phone:
        return None
    zones = number_zones.time_zones_for_number(phonenumbers.parse(phone, "US"))
    return zones[0] if len(zones) == 1 and zones[0] != "Etc/Unknown" else None


def v3_attempts(v2_rows: Rows, prospect_id: int) -> int:
    """Unanswered attempts as v3 counts them: the cadence's outcomes since the last connect
    (a do-not-call is a connect now, a wrong number no attempt), busy once a local day."""
    calls = sorted(
        (call for call in v2_rows["calls"] if call["prospect_id"] == prospect_id),
        key=lambda call: (call["started_at"], call["id"]),
    )
    since = [call for call in calls if call["outcome"] in CONNECT_OUTCOMES]
    if since:
        calls = calls[calls.index(since[-1]) + 1 :]
    counted = {
        datetime.fromisoformat(call["started_at"]).astimezone().date()
        if call["outcome"] == "busy"
        else call["id"]
        for call in calls
        if call["outcome"] in CADENCE_OUTCOMES
    }
    return len(counted)


def test_every_row_of_every_table_is_kept(migrated: Path, v2_rows: Rows) -> None:
    after = every_row(migrated)
    assert set(v2_rows) <= set(after)
    for table, rows in v2_rows.items():
        assert len(after[table]) == len(rows), table
        if table == "call_days":
            continue  # counted again: see test_call_days_are_a_fresh_count
        for before, now in zip(rows, after[table], strict=True):
            if table == "prospects":
                before = expected_prospect(v2_rows, before)
            # The v2 columns, each value as it was; v3's new columns come on top.
            assert {column: now[column] for column in before} == before, (table, before)


def test_a_do_not_call_or_a_wrong_number_leaves_no_attempt_counted(
    migrated: Path, v2_rows: Rows
) -> None:
    """v2 counted every call that was not a connect; v3 counts the cadence's outcomes."""
    before = by_id(v2_rows["prospects"])
    after = by_id([dict(row) for row in read(migrated, "SELECT * FROM prospects")])
    recounted = [i for i in after if before[i]["attempts"] != after[i]["attempts"]]
    assert recounted
    assert all(after[i]["attempts"] < before[i]["attempts"] for i in recounted)
    assert {before[i]["last_outcome"] for i in recounted} <= {"do_not_call", "wrong_number"}


def test_only_the_corrections_of_product_14_change_a_prospect(
    migrated: Path, v2_rows: Rows
) -> None:
    before = by_id(v2_rows["prospects"])
    after = by_id([dict(row) for row in read(migrated, "SELECT * FROM prospects")])
    became_known = {i for i in after if before[i]["kind"] != after[i]["kind"]}
    cleared = {i for i in after if before[i]["deal_value_cents"] != after[i]["deal_value_cents"]}
    assert became_known and cleared
    assert {(before[i]["kind"], after[i]["kind"]) for i in became_known} == {("new", "known")}
    assert {before[i]["kind"] for i in cleared} == {"customer"}
    assert {after[i]["deal_value_cents"] for i in cleared} == {None}
    # A customer whose deal value is not their last win (no deal recorded) keeps it.
    kept = [i for i in after if after[i]["kind"] == "customer" and after[i]["deal_value_cents"]]
    assert kept
    assert all(last_deal_amount(v2_rows, i) != before[i]["deal_value_cents"] for i in kept)
    # Stages stay as they were.
    assert {i: row["stage"] for i, row in after.items()} == {
        i: row["stage"] for i, row in before.items()
    }


def logged_call(v2_rows: Rows, notes: str) -> dict[str, Any]:
    """A call the v2 book's maker logged through the v2 log_call, by its note."""
    return next(call for call in v2_rows["calls"] if call["notes"] == notes)


def test_the_prospect_reached_by_a_callback_becomes_known(migrated: Path, v2_rows: Rows) -> None:
    call = logged_call(v2_rows, "Call back after lunch")
    assert by_id(v2_rows["prospects"])[call["prospect_id"]]["kind"] == "new"
    (row,) = read(migrated, "SELECT kind, stage FROM prospects WHERE id = ?", call["prospect_id"])
    assert tuple(row) == ("known", "contacted")


def test_a_customers_second_win_is_an_expansion_and_their_deal_value_is_cleared(
    migrated: Path, v2_rows: Rows
) -> None:
    win = logged_call(v2_rows, "Second licence pack")
    prospect_id = win["prospect_id"]
    assert by_id(v2_rows["prospects"])[prospect_id]["deal_value_cents"] == 480_000
    deals = read(
        migrated,
        "SELECT call_id, amount_cents, kind FROM deals WHERE prospect_id = ? ORDER BY closed_on",
        prospect_id,
    )
    assert [tuple(deal)[1:] for deal in deals] == [(1_650_000, "new"), (480_000, "expansion")]
    assert deals[1]["call_id"] == win["id"]
    (row,) = read(
        migrated, "SELECT kind, stage, deal_value_cents FROM prospects WHERE id = ?", prospect_id
    )
    assert tuple(row) == ("customer", "won", None)
    # Every other deal is the first of its prospect.
    kinds = read(migrated, "SELECT kind, count(*) FROM deals GROUP BY kind ORDER BY kind")
    assert [tuple(kind) for kind in kinds] == [("expansion", 1), ("new", len(v2_rows["deals"]) - 1)]


def test_the_prospect_the_cadence_gave_up_on_is_nurtured_as_unreachable(
    migrated: Path, v2_rows: Rows
) -> None:
    (gave_up,) = [p for p in v2_rows["prospects"] if p["nurture"] and p["stage"] == "lost"]
    (row,) = read(
        migrated,
        "SELECT stage, nurture, lost_reason, nurtured_at, last_called_at, next_call_at"
        " FROM prospects WHERE id = ?",
        gave_up["id"],
    )
    assert tuple(row)[:3] == ("lost", 1, "unreachable")
    assert row["nurtured_at"] == row["last_called_at"] == gave_up["last_called_at"]
    assert row["next_call_at"] is None


def test_a_backup_of_the_v2_file_is_written_beside_it(migrated: Path, v2_rows: Rows) -> None:
    (backup,) = migrated.parent.glob("book.v2-backup-*.db")
    assert read(backup, "PRAGMA user_version")[0][0] == 2
    assert every_row(backup) == v2_rows


def test_the_migrated_file_is_sound_and_funnel_check_lists_nothing(migrated: Path) -> None:
    # A v2 file goes through v3 and v4 to the latest schema in one upgrade.
    assert read(migrated, "PRAGMA user_version")[0][0] == LATEST_VERSION
    assert read(migrated, "PRAGMA application_id")[0][0] == APPLICATION_ID
    conn = sqlite3.connect(migrated)
    conn.execute("PRAGMA foreign_keys = ON")
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    checked = invoke("check", "--db", migrated)
    assert (checked.exit_code, checked.stderr) == (0, "")
    # The zones v5 guessed are named, as information: they are no problem.
    (guessed,) = read(migrated, "SELECT count(*) FROM prospects WHERE timezone_guessed = 1")[0]
    assert guessed > 0
    assert checked.stdout == (
        f"{migrated}: ok\n{migrated}: {guessed:,} timezones guessed from the phone number,"
        " not set by you; `funnel check --guesses` lists them\n"
    )


# What v2's last outcome promised at the next call.
TASK_KIND = {"callback": "callback", "meeting": "meeting"}


def test_each_next_call_of_v2_becomes_an_open_task_of_the_kind_its_call_promised(
    migrated: Path, v2_rows: Rows
) -> None:
    last_calls = {}
    for call in sorted(v2_rows["calls"], key=lambda call: (call["started_at"], call["id"])):
        last_calls[call["prospect_id"]] = call
    expected = sorted(
        (
            p["id"],
            TASK_KIND.get(p["last_outcome"], "call"),
            p["next_call_at"],
            "open",
            last_calls[p["id"]]["id"] if p["id"] in last_calls else None,
        )
        for p in v2_rows["prospects"]
        if p["next_call_at"] is not None
    )
    tasks = read(
        migrated, "SELECT prospect_id, kind, due_at, status, call_id FROM tasks ORDER BY 1"
    )
    assert [tuple(task) for task in tasks] == expected
    assert {task[1] for task in expected} == {"call", "callback", "meeting"}
    booked = logged_call(v2_rows, "Demo booked")
    assert (booked["prospect_id"], "meeting", booked["follow_up_at"], "open", booked["id"]) in (
        expected
    )


def test_next_call_at_is_the_earliest_open_task_of_every_prospect(migrated: Path) -> None:
    prospects = read(migrated, "SELECT id, next_call_at, next_task_kind FROM prospects")
    open_tasks: dict[int, list[tuple[str, int, str]]] = {}
    for task in read(
        migrated, "SELECT id, prospect_id, kind, due_at FROM tasks WHERE status = 'open'"
    ):
        open_tasks.setdefault(task["prospect_id"], []).append(
            (task["due_at"], task["id"], task["kind"])
        )
    for prospect in prospects:
        earliest = min(
            open_tasks.get(prospect["id"], [(None, 0, None)]), key=lambda t: (t[0] or "", t[1])
        )
        assert (prospect["next_call_at"], prospect["next_task_kind"]) == (earliest[0], earliest[2])


def test_call_days_are_a_fresh_count_of_the_calls(migrated: Path) -> None:
    kept = read(
        migrated, "SELECT day, method, source, calls, connects, meetings, won FROM call_days"
    )
    fresh = read(migrated, CALL_DAYS_FROM_CALLS)
    assert sorted(map(tuple, kept)) == sorted(map(tuple, fresh))


async def test_the_app_opens_the_migrated_book_on_its_queue(
    migrated: Path, v2_rows: Rows, tmp_path: Path
) -> None:
    storage = open_storage(migrated)
    app = FunnelApp(storage, clock=FrozenClock(V2_BOOK_NOW), scripts_dir=tmp_path / "scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.queue.row_count > 0
        assert screen.queue.highlighted_id in by_id(v2_rows["prospects"])
        assert app.is_running
    storage.close()


def test_a_migration_that_fails_half_way_leaves_the_v2_file_as_it_was(v2_path: Path) -> None:
    # Another tool's trigger refuses the update that marks the expansion deals, one of the
    # migration's last steps: by then prospects and calls were built again.
    conn = sqlite3.connect(v2_path)
    conn.execute(
        "CREATE TRIGGER deals_read_only BEFORE UPDATE ON deals"
        " BEGIN SELECT RAISE(ABORT, 'the accounts tool owns deals'); END"
    )
    conn.commit()
    conn.close()
    before = every_row(v2_path)
    schema = [tuple(row) for row in read(v2_path, "SELECT type, name, sql FROM sqlite_master")]

    with pytest.raises(StorageError) as failed:
        open_storage(v2_path)
    assert "the accounts tool owns deals" in str(failed.value)
    assert "\n" not in str(failed.value)

    assert read(v2_path, "PRAGMA user_version")[0][0] == 2
    assert every_row(v2_path) == before
    assert [
        tuple(row) for row in read(v2_path, "SELECT type, name, sql FROM sqlite_master")
    ] == schema


def test_other_tools_indexes_and_triggers_on_prospects_and_calls_are_kept(
    v2_path: Path,
) -> None:
    theirs = (
        "CREATE INDEX crm_prospects_source ON prospects (source, company)",
        "CREATE INDEX crm_calls_outcome ON calls (outcome)",
        "CREATE TRIGGER crm_calls_audit AFTER INSERT ON calls BEGIN"
        " INSERT INTO crm_audit (call_id) VALUES (NEW.id); END",
    )
    conn = sqlite3.connect(v2_path)
    conn.execute("CREATE TABLE crm_audit (call_id INTEGER)")
    for statement in theirs:
        conn.execute(statement)
    conn.commit()
    conn.close()

    storage = open_storage(v2_path)
    storage.db.execute("INSERT INTO calls (prospect_id, outcome) VALUES (1, 'no_show')")
    storage.close()

    kept = {
        sql for (sql,) in read(v2_path, "SELECT sql FROM sqlite_master WHERE name LIKE 'crm_%'")
    }
    assert set(theirs) <= kept
    # Their trigger fires again, and only for calls written after the upgrade.
    assert [tuple(row) for row in read(v2_path, "SELECT call_id FROM crm_audit")] == [
        (read(v2_path, "SELECT max(id) FROM calls")[0][0],)
    ]


def test_the_command_line_says_it_is_upgrading_and_where_the_copy_is(v2_path: Path) -> None:
    result = invoke("check", "--db", v2_path)
    backups = list(v2_path.parent.glob("*.v2-backup-*"))
    assert len(backups) == 1
    assert (
        f"Upgrading the book from schema v2 to v{LATEST_VERSION}, once (a large book takes a"
        f" minute); a copy of it as it was: {backups[0]}"
    ) in result.stderr
    assert "Upgrading" not in invoke("check", "--db", v2_path).stderr
