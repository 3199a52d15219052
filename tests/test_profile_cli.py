"""`funnel profile`: the product profile in use, its problems with file and line, and how to
write one when there is none."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from funnel_tui.profile import EXAMPLE_PROFILE, parse_profile
from funnel_tui.settings import is_demo_book
from funnel_tui.store.sqlite import Storage, open_storage
from tests.cli_support import invoke, one_line_error, run_funnel

OWN_PROFILE = """\
our_company = "Acme Scheduling"
product = "Acme Rota"

[[features]]
name = "dispatch board"
does = "shows every driver on one screen"
needs = ["dispatch"]
"""


@pytest.fixture
def book(tmp_path: Path) -> Storage:
    return open_storage(tmp_path / "book.db")


@pytest.fixture
def demo_book(tmp_path: Path) -> Storage:
    """A book marked as `funnel demo` marks its own (building a whole demo is slow)."""
    storage = open_storage(tmp_path / "demo.db")
    conn = sqlite3.connect(storage.path, isolation_level=None)
    conn.execute("INSERT INTO settings (key, value) VALUES ('demo_book', 'yes')")
    conn.close()
    return storage


@pytest.fixture
def profile_file(user_folders_in_tmp: Path) -> Path:
    """Where platformdirs puts the rep's profile.toml (the config folder is in tmp_path)."""
    folder = user_folders_in_tmp / "config" / "funnel-tui"
    folder.mkdir(parents=True)
    return folder / "profile.toml"


def test_without_a_profile_it_says_where_to_create_one_with_an_example(
    book: Storage, profile_file: Path
) -> None:
    result = invoke("profile", "--db", book.path)
    assert result.exit_code == 0, result.output
    assert f"Create {profile_file} to give them your product" in result.output
    assert result.output.endswith(EXAMPLE_PROFILE)
    # The example is itself a profile that works.
    profile, problems = parse_profile(EXAMPLE_PROFILE, Path("example.toml"), "example")
    assert problems == [] and profile is not None


def test_without_a_book_yet_it_still_prints_the_profile(profile_file: Path) -> None:
    profile_file.write_text(OWN_PROFILE, encoding="utf-8")
    result = invoke("profile")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Profile: {profile_file}\nOur company: Acme Scheduling\n")


def test_a_demo_book_uses_the_demo_profile_until_the_rep_writes_one(
    demo_book: Storage, profile_file: Path
) -> None:
    result = invoke("profile", "--db", demo_book.path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"The demo profile (a {profile_file} of your own replaces it)\n"
        "Our company: Kestrel Software\nProduct: Kestrel\n"
    )
    assert "- live dispatch board: shows every driver" in result.output
    assert "- Northline Couriers (logistics): stopped double-booking drivers" in result.output

    profile_file.write_text(OWN_PROFILE, encoding="utf-8")
    result = invoke("profile", "--db", demo_book.path)
    assert result.output.startswith(f"Profile: {profile_file}\nOur company: Acme Scheduling\n")
    assert "Kestrel" not in result.output


def test_a_broken_profile_is_named_with_file_and_line_and_exits_1(
    demo_book: Storage, profile_file: Path
) -> None:
    profile_file.write_text(OWN_PROFILE + "colour = 'blue'\n", encoding="utf-8")
    result = invoke("profile", "--db", demo_book.path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"funnel: {profile_file}:8: feature 1: unknown field 'colour'; a feature has name,"
        " does, advantage, benefit and needs",
        "funnel: the scripts use no product profile until the file is fixed",
    ]


def test_a_profile_that_is_not_toml_is_reported_by_the_real_command(
    book: Storage, profile_file: Path
) -> None:
    profile_file.write_text('our_company = "Acme"\nproduct = "Rota\n', encoding="utf-8")
    finished = run_funnel("profile", "--db", book.path)
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    assert finished.stderr.startswith(f"funnel: {profile_file}:2: not valid TOML: ")


def test_a_missing_book_named_with_db_is_one_line_exit_1(tmp_path: Path) -> None:
    result = invoke("profile", "--db", tmp_path / "nowhere.db")
    assert result.exit_code == 1
    assert "nowhere.db" in one_line_error(result.stderr)


def test_the_demo_marks_its_book_and_a_new_book_is_not_a_demo(
    tmp_path: Path, book: Storage
) -> None:
    assert not is_demo_book(book.db)
    result = invoke("demo", "--db", tmp_path / "demo.db", "--no-open")
    assert result.exit_code == 0, result.output
    assert is_demo_book(open_storage(tmp_path / "demo.db").db)
