"""A rep's own settings in a team's book (PRODUCT 16): their name, dialing and email
account are kept in each rep's user config file, so two reps on one database each greet
prospects and send mail as themselves; the team's business rules stay shared."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from funnel_tui.own_settings import OwnSettingsError, own_setting_texts, store_own_settings
from funnel_tui.reps import REP_ENV, add_rep, config_path
from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui.main_screen import MainScreen
from tests.app_support import settle, team_app
from tests.cli_support import invoke
from tests.conftest import empty_team_book


@pytest.fixture
def team_url(postgres_url: str) -> str:
    """The module's team database, emptied, with reps alex and blake."""
    storage = open_team_book(postgres_url)
    empty_team_book(postgres_url)
    for rep in ("alex", "blake"):
        add_rep(storage.db, rep)
    storage.close()
    return postgres_url


@pytest.fixture
def be(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Switch to one rep's machine: their own config folder, their name in it."""

    def switch(rep: str) -> Path:
        folder = tmp_path / f"{rep}-config"
        monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
        monkeypatch.delenv(REP_ENV, raising=False)
        path = config_path()
        if not path.exists():
            path.parent.mkdir(parents=True)
            path.write_text(f'# who I am\nrep = "{rep}"\n', encoding="utf-8")
        return path

    return switch


def run(url: str, *args: str) -> str:
    result = invoke("--db", url, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def team_settings(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT key, value FROM settings").fetchall())


def test_two_reps_each_keep_their_own_name_and_email_address(team_url: str, be) -> None:
    alex_file = be("alex")
    said = run(team_url, "config", "set", "email_from", "Alex Morgan <alex@kestrel.example>")
    assert said == f"email_from = Alex Morgan <alex@kestrel.example>  (yours, in {alex_file})\n"
    run(team_url, "config", "set", "rep_name", "Alex Morgan")
    blake_file = be("blake")
    assert run(team_url, "config", "get", "email_from") == "\n"
    run(team_url, "config", "set", "email_from", "blake@kestrel.example")
    run(team_url, "config", "set", "rep_name", "Blake Ito")
    be("alex")
    assert run(team_url, "config", "get", "email_from") == "Alex Morgan <alex@kestrel.example>\n"
    assert run(team_url, "config", "get", "rep_name") == "Alex Morgan\n"
    be("blake")
    assert run(team_url, "config", "get", "email_from") == "blake@kestrel.example\n"
    assert run(team_url, "config", "get", "rep_name") == "Blake Ito\n"
    # Nothing of either went into the database every rep reads; each file keeps its rep.
    assert team_settings(team_url) == {}
    blake = tomllib.loads(blake_file.read_text(encoding="utf-8"))
    assert blake == {
        "rep": "blake",
        "settings": {"email_from": "blake@kestrel.example", "rep_name": "Blake Ito"},
    }
    assert blake_file.read_text(encoding="utf-8").startswith('# who I am\nrep = "blake"\n')


def test_a_shared_setting_one_rep_sets_is_every_reps(team_url: str, be) -> None:
    be("alex")
    said = run(team_url, "config", "set", "calling_start", "08:30")
    assert said == "calling_start = 08:30  (the team's, in the database)\n"
    be("blake")
    assert run(team_url, "config", "get", "calling_start") == "08:30\n"
    assert team_settings(team_url) == {"calling_start": "08:30"}


def test_config_list_says_which_settings_are_yours_and_which_the_teams(team_url: str, be) -> None:
    path = be("alex")
    run(team_url, "config", "set", "dial_command", "xdg-open tel:{tel}")
    lines = run(team_url, "config", "list").splitlines()
    team_heading = lines.index("# The team's (in the database, shared by every rep):")
    assert lines[0] == f"# Yours (config file {path}):"
    yours = [line.partition(" = ")[0] for line in lines[1:team_heading]]
    assert yours == [
        "rep_name",
        "dial_command",
        "smtp_host",
        "smtp_port",
        "smtp_security",
        "smtp_user",
        "email_from",
    ]
    assert "dial_command = xdg-open tel:{tel}" in lines[1:team_heading]
    assert "currency = $" in lines[team_heading:]


def test_a_teams_setting_put_in_the_config_file_is_left_out(team_url: str, be) -> None:
    """The config file cannot change the team's rules for one rep: the team's value holds,
    and the settings' problems (which the app shows at start) say why."""
    path = be("alex")
    path.write_text('rep = "alex"\n[settings]\ncurrency = "EUR"\n', encoding="utf-8")
    assert run(team_url, "config", "get", "currency") == "$\n"
    from funnel_tui.settings import read_settings

    storage = open_team_book(team_url)
    try:
        settings, problems = read_settings(storage.db)
    finally:
        storage.close()
    assert settings.currency == "$"
    assert problems == [
        f"setting currency in {path} is not one of yours (rep_name, dial_command, email_from,"
        " smtp_host, smtp_port, smtp_security, smtp_user); it is left out"
    ]


def book_with_own_settings(folder: Path) -> Path:
    file = folder / "mine.db"
    open_storage(file).close()
    for key, value in (
        ("rep_name", "Alex Morgan"),
        ("email_from", "alex@old.example"),
        ("smtp_host", "smtp.kestrel.example"),
        ("currency", "EUR"),
    ):
        assert invoke("--db", file, "config", "set", key, value).exit_code == 0
    return file


def test_migrate_to_puts_the_books_own_settings_in_the_reps_config_file(
    team_url: str, be, tmp_path: Path
) -> None:
    path = be("alex")
    run(team_url, "config", "set", "email_from", "alex@kestrel.example")
    book = book_with_own_settings(tmp_path)
    lines = invoke("migrate-to", team_url, "--db", book).stdout.splitlines()
    assert lines[1:] == [
        "Settings (the team shares them): copied currency = EUR.",
        f"Your own settings: copied rep_name, smtp_host to {path};"
        " kept your config file's email_from.",
    ]
    assert tomllib.loads(path.read_text(encoding="utf-8"))["settings"] == {
        "email_from": "alex@kestrel.example",
        "rep_name": "Alex Morgan",
        "smtp_host": "smtp.kestrel.example",
    }
    assert run(team_url, "config", "get", "rep_name") == "Alex Morgan\n"
    assert team_settings(team_url) == {"currency": "EUR"}


def test_migrate_to_for_another_rep_leaves_their_own_settings_to_them(
    team_url: str, be, tmp_path: Path
) -> None:
    path = be("alex")
    book = book_with_own_settings(tmp_path)
    lines = invoke("migrate-to", team_url, "--db", book, "--rep", "blake").stdout.splitlines()
    assert lines[-1] == (
        "Left out blake's own email_from, rep_name, smtp_host: each rep's are kept in their"
        " user config file; blake sets them with funnel config set."
    )
    assert "settings" not in tomllib.loads(path.read_text(encoding="utf-8"))


async def test_the_settings_screen_saves_a_reps_name_to_their_own_file(
    team_url: str, be, tmp_path: Path
) -> None:
    alex_file = be("alex")
    with team_app(team_url, "alex", tmp_path / "s") as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            screen = app.screen
            help_line = screen.query_one("#setting-help-rep_name").render()
            assert str(help_line).endswith("· yours (config file)")
            assert str(screen.query_one("#setting-help-currency").render()).endswith("· the team's")
            screen.query_one("#setting-rep_name").value = "Alex Morgan"
            screen.query_one("#setting-nurture_days").value = "60"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            assert app.settings.rep_name == "Alex Morgan"
    settings = tomllib.loads(alex_file.read_text(encoding="utf-8"))["settings"]
    assert settings == {"rep_name": "Alex Morgan"}
    assert team_settings(team_url) == {"nurture_days": "60"}
    be("blake")
    assert run(team_url, "config", "get", "rep_name") == "\n"
    assert run(team_url, "config", "get", "nurture_days") == "60\n"


def test_the_config_file_keeps_what_else_it_holds_and_reads_back_any_text(
    tmp_path: Path,
) -> None:
    path = config_path(tmp_path)
    path.write_text(
        'rep = "alex"\n\n[settings]\nsmtp_user = "old"\n\n[other]\nkept = 1 # note\n',
        encoding="utf-8",
    )
    awkward = 'Alex "the closer" \\ Morgan'
    store_own_settings({"rep_name": awkward, "smtp_user": "alex"}, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert tomllib.loads(text) == {
        "rep": "alex",
        "settings": {"smtp_user": "alex", "rep_name": awkward},
        "other": {"kept": 1},
    }
    assert text.endswith("[other]\nkept = 1 # note\n")
    assert own_setting_texts(tmp_path) == ({"smtp_user": "alex", "rep_name": awkward}, [])


def test_a_config_file_this_writer_cannot_follow_is_left_as_it_was(tmp_path: Path) -> None:
    path = config_path(tmp_path)
    layout = 'rep = "alex"\nsettings.smtp_user = "old"\n'
    path.write_text(layout, encoding="utf-8")
    with pytest.raises(OwnSettingsError, match="set it there by hand"):
        store_own_settings({"smtp_user": "alex"}, tmp_path)
    assert path.read_text(encoding="utf-8") == layout
