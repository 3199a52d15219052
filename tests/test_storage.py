"""The database file: schema, defaults, constraints, triggers, migrations and refusals."""

from __future__ import annotations

import hashlib
import itertools
import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from funnel_tui import migrations
from funnel_tui.domain import CADENCE_OUTCOMES, CONNECT_OUTCOMES, Outcome
from funnel_tui.schema_version import APPLICATION_ID, LATEST_VERSION
from funnel_tui.store import sqlite as storage_module
from funnel_tui.store.sqlite import Storage, StorageError, open_storage, write_transaction
from funnel_tui.timestamps import from_stored

STORED_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")

# PRODUCT section 4: the column names are the contract.
CONTRACT_COLUMNS = {
    "prospects": {
        "id", "name", "title", "company", "phone", "email", "timezone", "kind", "stage",
        "method", "needs", "pain_points", "objections", "goals", "deal_value_cents", "source",
        "priority", "next_call_at", "do_not_call", "created_at", "updated_at",
    },
    "calls": {
        "id", "prospect_id", "started_at", "duration_s", "outcome", "method", "notes",
        "follow_up_at",
    },
    "deals": {"id", "prospect_id", "call_id", "amount_cents", "closed_on"},
    "targets": {"id", "period", "starts_on", "ends_on", "amount_cents", "calls_per_day"},
}  # fmt: skip
SUPPORT_TABLES = {"settings", "notes", "undo_log", "call_days"}


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def is_recent(stored: str) -> bool:
    moment = from_stored(stored)
    assert moment is not None
    return abs(datetime.now(UTC) - moment) < timedelta(minutes=1)


def add_prospect(db: sqlite_utils.Database, **values: object) -> int:
    return db["prospects"].insert({"name": "Ada Lovelace", **values}).last_pk


def add_call(db: sqlite_utils.Database, prospect_id: int, outcome: str, started_at: str) -> int:
    row = {"prospect_id": prospect_id, "outcome": outcome, "started_at": started_at}
    return db["calls"].insert(row).last_pk


# --- A fresh file -------------------------------------------------------------------------


def test_connections_use_wal_foreign_keys_full_sync_and_a_busy_timeout(
    db: sqlite_utils.Database,
) -> None:
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_text_that_is_not_utf8_reads_with_replacement_characters(storage: Storage) -> None:
    # "Café" in Windows-1252, as the sqlite3 shell's `.import` of such a file stores it.
    storage.db.execute("INSERT INTO prospects (name) VALUES (CAST(X'436166E9' AS TEXT))")
    assert storage.db.execute("SELECT name FROM prospects").fetchone()[0] == "Caf\ufffd"


def test_each_thread_gets_its_own_connection_with_the_same_settings(storage: Storage) -> None:
    seen: dict[str, object] = {}

    def worker() -> None:
        db = storage.db
        seen["conn"] = db.conn
        seen["foreign_keys"] = db.execute("PRAGMA foreign_keys").fetchone()[0]
        seen["busy_timeout"] = db.execute("PRAGMA busy_timeout").fetchone()[0]

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["conn"] is not storage.db.conn
    assert seen["foreign_keys"] == 1
    assert seen["busy_timeout"] >= 5000


def test_opening_a_database_runs_no_sqlite_utils_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plugins would run other packages' code on the rep's connection, and finding them
    reads every installed package's metadata at start-up."""

    def no_plugins(*args: object) -> int:
        raise AssertionError("sqlite-utils plugins were looked for")

    monkeypatch.setattr(sqlite_utils.plugins.pm, "load_setuptools_entrypoints", no_plugins)
    monkeypatch.setattr(sqlite_utils.plugins, "_plugins_loaded", False)
    storage = open_storage(tmp_path / "plain.db")
    try:
        assert storage.db.execute("SELECT count(*) FROM prospects").fetchone()[0] == 0
    finally:
        storage.close()


def test_new_file_has_the_latest_schema_version(storage: Storage) -> None:
    assert storage.db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert user_version(storage.path) == LATEST_VERSION
    # Opening checks the version funnel writes without loading the migrations.
    assert len(migrations.MIGRATIONS) == LATEST_VERSION


def test_opening_a_current_file_loads_no_migration(tmp_path: Path) -> None:
    # A file at the latest version needs none of them: they load only to upgrade one.
    open_storage(tmp_path / "t.db").close()
    opened = subprocess.run(
        [sys.executable, "-c", OPEN_CURRENT, str(tmp_path / "t.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.split() == [str(LATEST_VERSION), "False"]


@pytest.mark.parametrize("table", sorted(CONTRACT_COLUMNS))
def test_contract_tables_have_their_columns(db: sqlite_utils.Database, table: str) -> None:
    assert CONTRACT_COLUMNS[table] <= set(db[table].columns_dict)


def test_support_tables_exist(db: sqlite_utils.Database) -> None:
    assert set(db.table_names()) >= SUPPORT_TABLES


def test_opening_a_new_or_current_file_writes_no_backup(tmp_path: Path) -> None:
    open_storage(tmp_path / "t.db").close()
    open_storage(tmp_path / "t.db").close()
    assert not list(tmp_path.glob("*backup*"))


OPEN_CURRENT = """
import sys
from funnel_tui.store.sqlite import open_storage
storage = open_storage(sys.argv[1])
version = storage.db.execute("PRAGMA user_version").fetchone()[0]
print(version, "funnel_tui.migrations" in sys.modules)
"""


# --- Rows with only the required columns ----------------------------------------------------


def test_prospect_with_only_a_name_gets_the_defaults(db: sqlite_utils.Database) -> None:
    prospect = db["prospects"].get(add_prospect(db))
    assert prospect["kind"] == "new"
    assert prospect["stage"] == "lead"
    assert prospect["method"] == "solution"
    assert prospect["priority"] == 1
    assert prospect["attempts"] == 0
    assert prospect["do_not_call"] == 0
    for column in ("created_at", "updated_at"):
        assert STORED_TIMESTAMP.match(prospect[column])
        assert is_recent(prospect[column])


def test_call_with_only_prospect_and_outcome_is_valid(db: sqlite_utils.Database) -> None:
    prospect_id = add_prospect(db)
    call_id = db["calls"].insert({"prospect_id": prospect_id, "outcome": "no_answer"}).last_pk
    call = db["calls"].get(call_id)
    assert call["duration_s"] == 0
    assert STORED_TIMESTAMP.match(call["started_at"])
    assert is_recent(call["started_at"])


def test_deal_with_only_prospect_amount_and_date_is_valid(db: sqlite_utils.Database) -> None:
    prospect_id = add_prospect(db)
    row = {"prospect_id": prospect_id, "amount_cents": 125_000, "closed_on": "2026-11-20"}
    deal = db["deals"].get(db["deals"].insert(row).last_pk)
    assert deal["call_id"] is None
    assert deal["amount_cents"] == 125_000


# --- Constraints ----------------------------------------------------------------------------


@pytest.mark.parametrize(("column", "value"), [("kind", "alien"), ("stage", "maybe")])
def test_prospect_rejects_an_unknown_kind_or_stage(
    db: sqlite_utils.Database, column: str, value: str
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        add_prospect(db, **{column: value})
    assert db["prospects"].count == 0


def test_call_rejects_an_unknown_outcome(db: sqlite_utils.Database) -> None:
    prospect_id = add_prospect(db)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db["calls"].insert({"prospect_id": prospect_id, "outcome": "hung_up"})
    assert db["calls"].count == 0


def test_call_for_a_missing_prospect_is_rejected(db: sqlite_utils.Database) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db["calls"].insert({"prospect_id": 999, "outcome": "no_answer"})


def test_method_accepts_a_method_the_user_added(db: sqlite_utils.Database) -> None:
    prospect_id = add_prospect(db, method="cold_call")
    assert db["prospects"].get(prospect_id)["method"] == "cold_call"


# --- Triggers -------------------------------------------------------------------------------


def test_logging_calls_updates_last_call_and_counts_attempts(db: sqlite_utils.Database) -> None:
    prospect_id = add_prospect(db)
    add_call(db, prospect_id, "no_answer", "2026-11-24T09:00:00+00:00")
    add_call(db, prospect_id, "voicemail", "2026-11-25T09:00:00+00:00")
    prospect = db["prospects"].get(prospect_id)
    assert prospect["attempts"] == 2
    assert prospect["last_outcome"] == "voicemail"
    assert prospect["last_called_at"] == "2026-11-25T09:00:00+00:00"


@pytest.mark.parametrize("outcome", sorted(CONNECT_OUTCOMES))
def test_reaching_the_prospect_resets_attempts(db: sqlite_utils.Database, outcome: str) -> None:
    prospect_id = add_prospect(db)
    add_call(db, prospect_id, "no_answer", "2026-11-24T09:00:00+00:00")
    add_call(db, prospect_id, "busy", "2026-11-24T11:00:00+00:00")
    add_call(db, prospect_id, outcome, "2026-11-25T09:00:00+00:00")
    prospect = db["prospects"].get(prospect_id)
    assert prospect["attempts"] == 0
    assert prospect["last_outcome"] == outcome


def test_unanswered_attempts_count_and_other_outcomes_leave_the_count(
    db: sqlite_utils.Database,
) -> None:
    """A no-show or a wrong number is neither an attempt nor a connect (PRODUCT 7, 9)."""
    prospect_id = add_prospect(db)
    unanswered = [outcome for outcome in Outcome if outcome not in CONNECT_OUTCOMES]
    for hour, outcome in enumerate(unanswered, start=8):
        add_call(db, prospect_id, outcome, f"2026-11-24T{hour:02}:00:00+00:00")
    assert db["prospects"].get(prospect_id)["attempts"] == len(CADENCE_OUTCOMES)


def test_deleting_the_latest_call_restores_the_previous_one(db: sqlite_utils.Database) -> None:
    prospect_id = add_prospect(db)
    add_call(db, prospect_id, "no_answer", "2026-11-24T09:00:00+00:00")
    latest = add_call(db, prospect_id, "callback", "2026-11-25T09:00:00+00:00")
    db["calls"].delete(latest)
    prospect = db["prospects"].get(prospect_id)
    assert prospect["last_outcome"] == "no_answer"
    assert prospect["last_called_at"] == "2026-11-24T09:00:00+00:00"


def test_deleting_the_only_call_clears_the_last_call(db: sqlite_utils.Database) -> None:
    prospect_id = add_prospect(db)
    only = add_call(db, prospect_id, "voicemail", "2026-11-24T09:00:00+00:00")
    db["calls"].delete(only)
    prospect = db["prospects"].get(prospect_id)
    assert prospect["last_outcome"] is None
    assert prospect["last_called_at"] is None


def test_update_stamps_updated_at(db: sqlite_utils.Database) -> None:
    prospect_id = add_prospect(db, updated_at="2020-01-01T00:00:00+00:00")
    db["prospects"].update(prospect_id, {"company": "Analytical Engines"})
    assert is_recent(db["prospects"].get(prospect_id)["updated_at"])


def test_update_that_sets_updated_at_keeps_it(db: sqlite_utils.Database) -> None:
    prospect_id = add_prospect(db)
    stamp = "2021-06-01T12:00:00+00:00"
    db["prospects"].update(prospect_id, {"company": "Analytical Engines", "updated_at": stamp})
    assert db["prospects"].get(prospect_id)["updated_at"] == stamp


def test_updates_in_the_same_second_work_with_recursive_triggers_on(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    open_storage(path).close()
    # The sqlite-utils CLI and a default sqlite_utils.Database turn recursive triggers on.
    db = sqlite_utils.Database(path)
    assert db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    prospect_id = add_prospect(db)
    stamps = []
    for attempt in range(20):
        db["prospects"].update(prospect_id, {"priority": attempt % 3})
        stamps.append(db["prospects"].get(prospect_id)["updated_at"])
    assert any(earlier == later for earlier, later in itertools.pairwise(stamps))
    assert db["prospects"].get(prospect_id)["priority"] == 19 % 3
    db.close()


# --- write_transaction ----------------------------------------------------------------------


def test_write_waits_for_the_lock_before_running_anything(storage: Storage) -> None:
    db = storage.db
    db.execute("PRAGMA busy_timeout = 20")
    other = sqlite3.connect(storage.path, timeout=0.05, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ran = False
    try:
        with (
            pytest.raises(sqlite3.OperationalError, match="database is locked"),
            write_transaction(db),
        ):
            ran = True
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not ran
    assert not db.conn.in_transaction


def test_write_commits_when_the_block_succeeds(storage: Storage) -> None:
    with storage.write() as db:
        add_prospect(db)
        add_prospect(db, name="Grace Hopper")
    assert not storage.db.conn.in_transaction
    other = sqlite_utils.Database(storage.path)
    assert other["prospects"].count == 2
    other.close()


def test_failing_write_rolls_everything_back(storage: Storage) -> None:
    db = storage.db
    with pytest.raises(RuntimeError), storage.write():
        add_prospect(db)
        db["settings"].insert({"key": "currency", "value": "EUR"})
        raise RuntimeError("the rep pressed escape")
    assert not db.conn.in_transaction
    assert db["prospects"].count == 0
    assert db["settings"].count == 0


# --- Migrations -----------------------------------------------------------------------------


def add_extra_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE prospects ADD COLUMN linkedin TEXT")
    conn.execute("UPDATE prospects SET linkedin = 'unknown'")


def fail_half_way(conn: sqlite3.Connection) -> None:
    add_extra_column(conn)
    conn.execute("UPDATE prospects SET name = 'changed'")
    conn.execute("UPDATE no_such_table SET x = 1")


def with_extra_migration(monkeypatch: pytest.MonkeyPatch, migration: object) -> int:
    """Pretend the app ships one more migration; returns the new latest version."""
    extended = (*migrations.MIGRATIONS, migration)
    # Opening reads the version from the storage module; upgrading runs the migrations.
    monkeypatch.setattr(migrations, "MIGRATIONS", extended)
    monkeypatch.setattr(storage_module, "LATEST_VERSION", len(extended))
    return len(extended)


@pytest.fixture
def current_file(tmp_path: Path) -> Path:
    """A file at today's schema version holding one prospect with a call."""
    path = tmp_path / "funnel.db"
    storage = open_storage(path)
    prospect_id = add_prospect(storage.db)
    add_call(storage.db, prospect_id, "no_answer", "2026-11-24T09:00:00+00:00")
    storage.close()
    return path


def test_upgrade_keeps_data_and_bumps_the_version(
    current_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_version = with_extra_migration(monkeypatch, add_extra_column)
    storage = open_storage(current_file)
    [prospect] = storage.db["prospects"].rows
    assert prospect["name"] == "Ada Lovelace"
    assert prospect["linkedin"] == "unknown"
    assert prospect["attempts"] == 1
    assert storage.db["calls"].count == 1
    storage.close()
    assert user_version(current_file) == new_version


def test_upgrade_writes_a_readable_backup_of_the_old_file_first(
    current_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_version = LATEST_VERSION
    with_extra_migration(monkeypatch, add_extra_column)
    open_storage(current_file).close()
    [backup] = current_file.parent.glob("funnel.v*-backup-*.db")
    assert re.fullmatch(rf"funnel\.v{old_version}-backup-\d{{8}}T\d{{6}}\.db", backup.name)
    copy = sqlite_utils.Database(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == old_version
    assert [row["name"] for row in copy["prospects"].rows] == ["Ada Lovelace"]
    assert "linkedin" not in copy["prospects"].columns_dict
    copy.close()


def test_failed_upgrade_leaves_version_and_data_unchanged(
    current_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_extra_migration(monkeypatch, fail_half_way)
    with pytest.raises(StorageError):
        open_storage(current_file)
    assert user_version(current_file) == LATEST_VERSION
    db = sqlite_utils.Database(current_file)
    [prospect] = db["prospects"].rows
    assert prospect["name"] == "Ada Lovelace"
    assert "linkedin" not in prospect
    db.close()


# --- Files that are refused, untouched ------------------------------------------------------


def assert_refused_untouched(path: Path, message: str) -> None:
    before = file_hash(path)
    with pytest.raises(StorageError, match=message) as refusal:
        open_storage(path)
    assert "\n" not in str(refusal.value)
    assert file_hash(path) == before
    assert not Path(f"{path}-wal").exists()
    assert not Path(f"{path}-shm").exists()


def test_file_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    storage = open_storage(path)
    add_prospect(storage.db)
    storage.db.execute("PRAGMA user_version = 99")
    storage.close()
    assert_refused_untouched(path, "newer")


@pytest.mark.parametrize(
    "content",
    [
        random.Random(7).randbytes(4096),
        b"name,company,phone\nAda Lovelace,Analytical Engines,+44 20 7946 0000\n",
        b"SQLite format 3\x00" + random.Random(8).randbytes(4080),
    ],
    ids=["random-bytes", "csv-text", "sqlite-header-then-garbage"],
)
def test_garbage_file_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "funnel.db"
    path.write_bytes(content)
    assert_refused_untouched(path, "not a funnel database")


def test_sqlite_file_of_another_program_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "photos.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO albums (title) VALUES ('Holidays')")
    conn.commit()
    conn.close()
    assert_refused_untouched(path, "another program")


def test_empty_file_is_treated_as_new(tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    path.touch()
    storage = open_storage(path)
    assert storage.db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert add_prospect(storage.db) == 1
    storage.close()


def test_missing_folder_is_refused_with_a_readable_message(tmp_path: Path) -> None:
    folder = tmp_path / "no" / "such"
    with pytest.raises(StorageError, match="does not exist") as refusal:
        open_storage(folder / "funnel.db")
    assert str(folder) in str(refusal.value)
    assert not folder.exists()


def test_missing_folder_is_created_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "data" / "funnel-tui" / "funnel.db"
    open_storage(path, create_folder=True).close()
    assert user_version(path) == LATEST_VERSION


def test_folder_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="folder"):
        open_storage(tmp_path)


# --- Whose file it is: PRAGMA application_id ------------------------------------------------


def pragma(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def siblings(path: Path) -> list[str]:
    return sorted(other.name for other in path.parent.iterdir() if other != path)


def unmarked_funnel_file(path: Path, version: int) -> Path:
    """A file as funnel wrote it before the marker: its schema at `version`, application_id 0."""
    conn = sqlite3.connect(path, isolation_level=None)
    for number in range(1, version + 1):
        migrations.MIGRATIONS[number - 1](conn)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO prospects (name) VALUES ('Ada Lovelace')")
    conn.close()
    return path


def test_a_new_file_carries_funnels_application_id(storage: Storage) -> None:
    assert pragma(storage.path, "application_id") == APPLICATION_ID == 0x46554E4C


@pytest.mark.parametrize("version", [1, 2])
def test_a_funnel_file_from_before_the_marker_is_opened_and_marked(
    tmp_path: Path, version: int
) -> None:
    path = unmarked_funnel_file(tmp_path / "funnel.db", version)
    storage = open_storage(path)
    assert [row["name"] for row in storage.db["prospects"].rows] == ["Ada Lovelace"]
    storage.close()
    assert pragma(path, "application_id") == APPLICATION_ID
    assert pragma(path, "user_version") == LATEST_VERSION


def test_marking_the_last_unmarked_version_writes_no_backup_of_it(tmp_path: Path) -> None:
    """The last version before the marker is migrated (so backed up as v2) and marked."""
    last_unmarked = max(migrations.UNMARKED_VERSIONS)
    path = unmarked_funnel_file(tmp_path / "funnel.db", last_unmarked)
    open_storage(path).close()
    assert pragma(path, "application_id") == APPLICATION_ID
    assert [p.name for p in tmp_path.glob("*backup*")] == [
        p.name for p in tmp_path.glob(f"funnel.v{last_unmarked}-backup-*.db")
    ]


def another_programs_file(path: Path, version: int, application_id: int = 0) -> Path:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO albums (title) VALUES ('Holidays')")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(f"PRAGMA application_id = {application_id}")
    conn.close()
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda path: another_programs_file(path, 1),
        lambda path: another_programs_file(path, 2),
        lambda path: another_programs_file(path, 0, application_id=0x4D504254),
        # funnel's v1 tables claiming a version whose tables they lack.
        lambda path: unmarked_funnel_file(path, 1) and _set_version(path, 2),
    ],
    ids=["v1", "v2", "other-application-id", "v1-tables-at-v2"],
)
def test_another_programs_file_is_refused_byte_for_byte_unchanged(
    tmp_path: Path, make: object
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    path = make(folder / "photos.db")  # type: ignore[operator]
    before = siblings(path)
    assert_refused_untouched(path, "another program")
    assert siblings(path) == before
    assert pragma(path, "journal_mode") == "delete"


def _set_version(path: Path, version: int) -> Path:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    return path


def test_funnels_tables_under_another_programs_marker_are_refused(tmp_path: Path) -> None:
    (tmp_path / "case").mkdir()
    path = unmarked_funnel_file(tmp_path / "case" / "funnel.db", 2)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA application_id = 1")
    conn.close()
    assert_refused_untouched(path, "another program")
    assert siblings(path) == []


# --- Paths that are not a database file -----------------------------------------------------


def test_a_missing_file_is_refused_when_it_must_exist(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        open_storage(tmp_path / "typo.db", must_exist=True)
    assert not list(tmp_path.glob("typo.db*"))


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    with pytest.raises(StorageError, match="is a pipe"):
        open_storage(pipe)


def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="device"):
        open_storage("/dev/null")
