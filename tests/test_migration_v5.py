"""The v4 -> v5 migration (PRODUCT 15): every stored number that says its country (with
`+` or `00`) in E.164, numbers in national form as they were (v4 had no phone_region to
read them with; `funnel check --repair` stores them with the one the rep sets), the rest as
they were, a timezone guessed for the prospects without one, and no prospect stamped as
edited by the rep. Nothing depends on the machine's locale."""

from __future__ import annotations

import locale
import sqlite3
from pathlib import Path

import pytest

from funnel_tui.checks import check_database, timezone_guesses
from funnel_tui.migrations import PROSPECT_SEARCH_FROM_PROSPECTS
from funnel_tui.store.sqlite import open_storage
from tests.cli_support import invoke
from tests.older_file import file_at_version

LAST_EDITED = "2026-10-01T09:00:00+00:00"

# name: (phone as stored by v4, timezone, phone after v5, timezone after v5, guessed)
PROSPECTS = {
    "Ann": ("07700 900318", None, "07700 900318", None, 0),
    "Bo": ("+44 (0)20 7946 0958", None, "+442079460958", "Europe/London", 1),
    "Cy": ("0161 496 0750 x12", "Europe/Dublin", "0161 496 0750 x12", "Europe/Dublin", 0),
    "Di": ("+1 303 555 1234", "", "+13035551234", "America/Denver", 1),
    "Ed": ("ask reception", None, "ask reception", None, 0),
    "Flo": ("555 01", None, "555 01", None, 0),
    "Gus": ("+442079460958", None, "+442079460958", "Europe/London", 1),
    "Hal": (None, None, None, None, 0),
    "Ivy": ("0044 20 7946 0959", None, "+442079460959", "Europe/London", 1),
    "Jo": ("06 12 34 56 78", None, "06 12 34 56 78", None, 0),
}
NATIONAL = ("Ann", "Cy", "Jo")


@pytest.fixture(autouse=True, params=["en_US", "en_GB", "fr_FR", None])
def machine_locale(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the machine's locale, the upgrade reads the same numbers the same way."""
    monkeypatch.setattr(locale, "getlocale", lambda *_: (request.param, "UTF-8"))


def v4_book(path: Path, *, region: str | None) -> None:
    """A book as v4 left it, with phones as the form and the import of v4 let through."""
    conn = file_at_version(path, 4)
    for name, (phone, timezone, *_) in PROSPECTS.items():
        conn.execute(
            "INSERT INTO prospects (name, phone, timezone, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [name, phone, timezone, LAST_EDITED, LAST_EDITED],
        )
    if region is not None:
        conn.execute("INSERT INTO settings (key, value) VALUES ('phone_region', ?)", [region])
    conn.close()


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    v4_book(path, region="GB")
    open_storage(path).close()
    return path


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [tuple(row) for row in conn.execute(sql)]
    finally:
        conn.close()


@pytest.mark.parametrize("region", ["GB", "US", "XX", None])
def test_numbers_that_say_their_country_are_stored_in_e164_and_the_rest_stay_as_they_were(
    tmp_path: Path, region: str | None
) -> None:
    path = tmp_path / "book.db"
    v4_book(path, region=region)
    open_storage(path).close()
    found = rows(path, "SELECT name, phone, timezone, timezone_guessed FROM prospects")
    assert found == [
        (name, phone, timezone, guessed)
        for name, (_, _, phone, timezone, guessed) in PROSPECTS.items()
    ]


def test_no_prospect_looks_edited_and_the_stamp_still_works_after(migrated: Path) -> None:
    assert rows(migrated, "SELECT DISTINCT updated_at FROM prospects") == [(LAST_EDITED,)]
    storage = open_storage(migrated)
    storage.db.execute("UPDATE prospects SET title = 'CFO' WHERE name = 'Ann'")
    storage.close()
    (stamp,) = rows(migrated, "SELECT updated_at FROM prospects WHERE name = 'Ann'")[0]
    assert stamp != LAST_EDITED, "prospects_touch is back"


def test_the_filter_reads_the_new_numbers_digits(migrated: Path) -> None:
    kept = rows(migrated, "SELECT id, search_text, phone_digits FROM prospect_search ORDER BY id")
    assert kept == rows(migrated, f"{PROSPECT_SEARCH_FROM_PROSPECTS} ORDER BY p.id")
    joined = "SELECT p.name, s.phone_digits FROM prospects p JOIN prospect_search s USING (id)"
    digits = dict(rows(migrated, joined))
    assert (digits["Bo"], digits["Ivy"]) == ("442079460958", "442079460959")


def test_check_lists_the_numbers_left_as_they_were_and_the_guesses_apart(
    migrated: Path,
) -> None:
    ids = dict(rows(migrated, "SELECT name, id FROM prospects"))
    assert check_database(migrated) == [
        f"prospects row {ids['Ed']}, phone: 'ask reception' cannot be dialled: a phone number"
        " has digits, spaces and + ( ) - . / only, and an extension as x12",
        f"prospects row {ids['Flo']}, phone: '555 01' cannot be dialled: a local number in GB"
        " only: add the area code",
        "3 phone numbers are stored in national form (read as GB numbers);"
        " `funnel check --repair` stores them in E.164",
    ]
    assert [str(guess) for guess in timezone_guesses(migrated)] == [
        f"prospects row {ids['Bo']}, timezone: 'Europe/London' guessed from the number"
        " '+442079460958'",
        f"prospects row {ids['Di']}, timezone: 'America/Denver' guessed from the number"
        " '+13035551234'",
        f"prospects row {ids['Gus']}, timezone: 'Europe/London' guessed from the number"
        " '+442079460958'",
        f"prospects row {ids['Ivy']}, timezone: 'Europe/London' guessed from the number"
        " '+442079460959'",
    ]
    checked = invoke("check", "--db", migrated)
    assert checked.exit_code == 1
    assert checked.stderr.count("cannot be dialled") == 2
    assert checked.stderr.count("stored in national form") == 1
    # The guesses are information, on standard output: counted, and listed when asked.
    assert checked.stdout == (
        f"{migrated}: 4 timezones guessed from the phone number, not set by you;"
        " `funnel check --guesses` lists them\n"
    )
    listed = invoke("check", "--db", migrated, "--guesses")
    assert listed.stdout.count("guessed from the number") == 4


def test_the_region_set_after_the_upgrade_reads_national_numbers_and_repair_stores_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "book.db"
    v4_book(path, region=None)
    assert invoke("config", "set", "phone_region", "FR", "--db", path).exit_code == 0
    phones = dict(rows(path, "SELECT name, phone FROM prospects"))
    assert [phones[name] for name in NATIONAL] == [PROSPECTS[name][0] for name in NATIONAL]
    checked = invoke("check", "--db", path)
    # In FR only the French number reads; the British ones are listed as not dialable.
    assert "1 phone number is stored in national form (read as FR numbers)" in (checked.stderr)
    assert invoke("config", "set", "phone_region", "GB", "--db", path).exit_code == 0
    assert invoke("check", "--db", path, "--repair").exit_code == 1  # Ed and Flo stay
    found = {
        name: (phone, timezone, guessed)
        for name, phone, timezone, guessed in rows(
            path, "SELECT name, phone, timezone, timezone_guessed FROM prospects"
        )
    }
    assert found["Ann"] == ("+447700900318", None, 0)  # a mobile: no single zone
    assert found["Cy"] == ("+441614960750;ext=12", "Europe/Dublin", 0)
    assert found["Jo"][0] == "+44612345678"
    assert rows(path, "SELECT DISTINCT updated_at FROM prospects") == [(LAST_EDITED,)]
    again = invoke("check", "--db", path)
    assert "national form" not in again.stderr
    kept = rows(path, "SELECT id, search_text, phone_digits FROM prospect_search ORDER BY id")
    assert kept == rows(path, f"{PROSPECT_SEARCH_FROM_PROSPECTS} ORDER BY p.id")


def test_lead_marks_triggers_written_another_way_in_v4_come_back_as_funnels(
    tmp_path: Path,
) -> None:
    """Files at v4 were written with two versions of lead_marks' triggers: the upgrade
    leaves each file with the latest, so `funnel check` finds funnel's own."""
    path = tmp_path / "book.db"
    v4_book(path, region="GB")
    conn = sqlite3.connect(path, isolation_level=None)
    (name, sql) = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        " AND name = 'lead_marks_after_call_insert'"
    ).fetchone()
    conn.execute(f"DROP TRIGGER {name}")
    conn.execute(sql.replace("BEGIN", "BEGIN\n    -- as an earlier v4 wrote it", 1))
    conn.close()

    open_storage(path).close()

    # Only the two numbers no one can dial and the national ones are listed: nothing
    # about triggers.
    listed = check_database(path)
    assert len(listed) == 3
    assert all(" cannot be dialled: " in problem for problem in listed[:2])
    assert "stored in national form" in listed[2]


def test_check_shows_each_stored_number_as_it_is_and_a_non_utf8_one_once(
    migrated: Path,
) -> None:
    conn = sqlite3.connect(migrated, isolation_level=None)
    conn.execute("DELETE FROM prospects")
    conn.execute("INSERT INTO prospects (id, name, phone) VALUES (1, 'Blank', '   ')")
    conn.execute(
        "INSERT INTO prospects (id, name, phone) VALUES (2, 'Esc', ?)",
        ["\x1b[8m+1 212 555 1234\x1b[0m"],
    )
    conn.execute(
        "INSERT INTO prospects (id, name, phone) VALUES (3, 'Bytes', CAST(? AS TEXT))",
        [b"+44 20 \xff\xfe"],
    )
    conn.close()
    listed = check_database(migrated)
    assert [line for line in listed if "row 1," in line] == [
        "prospects row 1, phone: '   ' cannot be dialled: a phone number has digits, spaces"
        " and + ( ) - . / only, and an extension as x12"
    ]
    [escaped] = [line for line in listed if "row 2," in line]
    assert escaped.startswith("prospects row 2, phone: '\\x1b[8m+1 212 555 1234\\x1b[0m' ")
    assert len([line for line in listed if "row 3" in line]) == 1
