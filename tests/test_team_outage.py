"""A team database out of reach mid-session (PRODUCT 16): the app stays up and says so in
one toast, keys keep working on what is shown, a call typed meanwhile keeps its fields and
is saved once when the server is back; the app notices by itself and reads everything
again. `funnel next` and `funnel log` say it in one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from textual.widgets import Static
from textual.worker import WorkerFailed

from funnel_tui import gauge_figures, team_report, typed_call
from funnel_tui.cli.book import open_db
from funnel_tui.pace import set_target
from funnel_tui.reps import REP_ENV, add_rep
from funnel_tui.store import open_team_book
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.ui.performance_screen import WAITING_FOR_THE_DATABASE
from tests.app_support import FrozenClock, settle, shown_text, wait_for
from tests.cli_support import invoke, one_line_error, patch_commands
from tests.conftest import empty_team_book
from tests.postgres_server import PostgresServer
from tests.rows import insert_row
from tests.test_app import burst

NOW = datetime.fromisoformat("2026-11-18T14:30:00+00:00")
# How soon the app must notice that the server is back (PRODUCT 16: "within a few seconds").
BACK_WITHIN_S = 4.0


@pytest.fixture
def team_url(postgres_url: str) -> Iterator[str]:
    """The module's team database, emptied, with rep alex and two of their prospects."""
    storage = open_team_book(postgres_url)
    empty_team_book(postgres_url)
    add_rep(storage.db, "alex")
    for priority, name in ((2, "Ann Archer"), (1, "Bo Baker")):
        insert_row(storage.db, "prospects", {"name": name, "priority": priority, "owner": "alex"})
    storage.close()
    yield postgres_url


@contextmanager
def out_of_reach(server: PostgresServer, url: str) -> Iterator[None]:
    """The book's database refuses new connections and drops every open one (as a server
    restart does), until the block ends."""
    database = url.rpartition("/")[2].partition("?")[0]
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [database],
        )
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')


def toasts(app: FunnelApp) -> list[str]:
    return [str(toast.message) for toast in app._notifications]


def saying(app: FunnelApp, words: str) -> list[str]:
    return [toast for toast in toasts(app) if words in toast]


def calls(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT prospect_id, outcome, notes, rep FROM calls").fetchall()


def alex_app(url: str, tmp_path: Path) -> FunnelApp:
    return FunnelApp(
        open_team_book(url), clock=FrozenClock(), scripts_dir=tmp_path / "s", rep="alex"
    )


async def test_the_app_rides_out_a_database_out_of_reach_and_reads_everything_again_after(
    postgres_server: PostgresServer, team_url: str, tmp_path: Path
) -> None:
    app = alex_app(team_url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen: Any = app.screen
        ann, bo = screen.queue._ids[:2]
        assert screen.card.prospect["id"] == ann
        with out_of_reach(postgres_server, team_url):
            # The card is read as the cursor moves: out of reach, it says it cannot be.
            await pilot.press("down")
            await wait_for(pilot, lambda: saying(app, "out of reach"), 3.0)
            # Keys go on working; one that would act on the card moved to says why not.
            await pilot.press("up", "down", "h", "f", "f", "f")
            await pilot.pause()
            assert app.is_running and app.crash is None
            (notice,) = saying(app, "out of reach")
            assert notice.startswith("The team database is out of reach (")
            assert notice.endswith("); what you see may be out of date; trying again")
            assert screen.card is None and screen.queue.highlighted_id == bo
            card = shown_text(screen.prospect_card.query_one("#card-body", Static))
            assert "cannot be read while the team database is out of reach" in card
            script = shown_text(screen.script_pane.query_one("#script-body", Static))
            assert "The script shows once the card can be read" in script
            # Back up to the first row: its card cannot be read either, so `l` says why
            # instead of opening a dialog.
            await pilot.press("up", "l")
            await pilot.pause()
            assert app.is_running and app.screen is screen
            assert screen.queue.highlighted_id == ann and screen.card is None
            assert saying(app, "Not logged: their card cannot be read until the team database")
            # A note typed behind `n` ran as commands: `i` opened the import dialog, and
            # the rest of the note went into its path. Said, and the keys dropped.
            burst(app, "n", *"call him in a week")
            await pilot.pause()
            await pilot.pause()
            assert app.screen is screen
            assert saying(app, "Not noted: their card cannot be read")
            assert saying(app, "keys typed after n were not applied")
            # enter said nothing: the one toast was up already, and no call started.
            await pilot.press("enter")
            await pilot.pause()
            assert saying(app, "Not started: their card cannot be read until the team database")
            assert screen.running_call is None
        # Back: the app notices by itself, says so in the same place, reads the card again.
        await wait_for(pilot, lambda: saying(app, "is back"), BACK_WITHIN_S)
        await settle(pilot)
        assert not saying(app, "out of reach")
        assert screen.queue.highlighted_id == ann and screen.card.prospect["id"] == ann
    assert app.crash is None


async def test_a_filter_cleared_while_out_of_reach_says_the_list_is_still_its_matches(
    postgres_server: PostgresServer, team_url: str, tmp_path: Path
) -> None:
    """esc on `/bo` with the server down left Bo under the bare "Today's queue": the rep's
    queue looked one prospect long until the server was back."""
    app = alex_app(team_url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen: Any = app.screen
        await pilot.press("slash", "b", "o", "enter")
        await settle(pilot)
        assert screen.queue.row_count == 1
        with out_of_reach(postgres_server, team_url):
            await pilot.press("escape")

            def title() -> str:
                return shown_text(screen.queue_title)

            await wait_for(pilot, lambda: "out of reach" in title(), 3.0)
            assert "shown: the matches of “bo”" in title(), title()
            assert app.is_running and app.crash is None
        await wait_for(pilot, lambda: saying(app, "is back"), BACK_WITHIN_S)
        await wait_for(pilot, lambda: screen.queue.row_count == 2, 3.0)
        assert "out of reach" not in shown_text(screen.queue_title)


async def test_a_call_logged_while_out_of_reach_keeps_what_was_typed_and_is_saved_once(
    postgres_server: PostgresServer, team_url: str, tmp_path: Path
) -> None:
    app = alex_app(team_url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        ann = app.screen.card.prospect["id"]  # type: ignore[attr-defined]
        with out_of_reach(postgres_server, team_url):
            await pilot.press("l", "n", "tab", *"lunch", "enter")
            dialog = app.screen
            assert isinstance(dialog, OutcomeDialog)
            error = dialog.query_one("#outcome-error", Static)
            await wait_for(pilot, lambda: "Not saved" in shown_text(error), 5.0)
            said = " ".join(shown_text(error).split())
            assert said.startswith("Not saved yet: the team database is out of reach (")
            assert "is not currently accepting connections" in said and "FATAL" not in said
            assert said.endswith("enter saves it once the database is back")
            assert app.screen is dialog and dialog.note.value == "lunch"
        assert calls(team_url) == []
        await wait_for(pilot, lambda: app.out_of_reach is None, BACK_WITHIN_S)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not dialog, 3.0)
        await settle(pilot)
    assert app.crash is None
    assert calls(team_url) == [(ann, "no_answer", "lunch", "alex")]


@pytest.mark.parametrize("command", [["next"], ["log", "1", "voicemail"]])
def test_funnel_next_and_log_say_in_one_line_when_the_server_goes_away_mid_command(
    postgres_server: PostgresServer,
    team_url: str,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    opened = open_db

    def open_then_lose_the_server(*args: Any, **kwargs: Any) -> Any:
        storage = opened(*args, **kwargs)
        # Connected first: the server goes away after the command began.
        storage.db.execute("SELECT 1")
        stack.enter_context(out_of_reach(postgres_server, team_url))
        return storage

    patch_commands(monkeypatch, "open_db", open_then_lose_the_server)
    monkeypatch.setenv(REP_ENV, "alex")
    with ExitStack() as stack:
        result = invoke(*command, "--db", team_url)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert line.startswith("funnel: cannot reach the team database at postgresql://")
    # Cut off before it wrote: said, so running it again is known to be safe.
    assert line.endswith("; nothing was logged") == (command[0] == "log")
    assert calls(team_url) == []


def test_funnel_log_cut_off_as_it_writes_gives_the_key_that_logs_the_call_once(
    postgres_server: PostgresServer, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server went away as the call was written: `cannot reach the team database`,
    with no word of whether the call was logged, nor a way to run it again safely."""
    logging = typed_call.log_typed_call

    def lose_the_server_then_log(*args: Any, **kwargs: Any) -> Any:
        stack.enter_context(out_of_reach(postgres_server, team_url))
        return logging(*args, **kwargs)

    monkeypatch.setattr(typed_call, "log_typed_call", lose_the_server_then_log)
    monkeypatch.setenv(REP_ENV, "alex")
    with ExitStack() as stack:
        result = invoke("log", "1", "voicemail", "--db", team_url)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert line.startswith("funnel: cannot reach the team database at postgresql://")
    assert (
        "whether the call was logged is not known: run the same command with --request-id" in line
    )
    key = line.rpartition("--request-id ")[2].split()[0]
    assert calls(team_url) == []
    monkeypatch.setattr(typed_call, "log_typed_call", logging)
    again = invoke("log", "1", "voicemail", "--request-id", key, "--db", team_url)
    assert again.exit_code == 0, again.stderr
    assert [call[1] for call in calls(team_url)] == ["voicemail"]


def test_a_team_report_whose_connections_drop_mid_read_reads_again_whole(
    team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The report reads one snapshot on two connections; a restart of the server half-way
    # through drops both, and the report is read again on new ones, once.
    storage = open_team_book(team_url)
    ann = storage.db.execute("SELECT id FROM prospects WHERE name = 'Ann Archer'").fetchone()[0]
    insert_row(
        storage.db,
        "calls",
        {
            "prospect_id": ann,
            "rep": "alex",
            "outcome": "no_answer",
            "started_at": "2026-11-18T10:00:00+00:00",
        },
    )
    set_target(storage.db, amount_cents=1_000_000, period="month", today=NOW.date())
    storage.close()
    database = team_url.rpartition("/")[2].partition("?")[0]
    dropped: list[int] = []
    load_pace = team_report.load_pace

    def reps_after_a_restart(*args: Any, **kwargs: Any) -> Any:
        if "rows" in kwargs and not dropped:
            with psycopg.connect(team_url, autocommit=True) as admin:
                ended = admin.execute(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                    " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [database],
                )
                dropped.append(ended.fetchone()[0])
        return load_pace(*args, **kwargs)

    monkeypatch.setattr(team_report, "load_pace", reps_after_a_restart)
    patch_commands(monkeypatch, "system_now", lambda: NOW)
    result = invoke("report", "--team", "--json", "--db", team_url)
    assert result.exit_code == 0, result.stderr
    # The report's own connection and the one beside it.
    assert dropped and dropped[0] >= 2
    report = json.loads(result.stdout)
    (alex,) = report["reps"]
    assert alex["rep"] == "alex" and alex["calls"] == 1
    assert report["team"]["target_cents"] == 1_000_000 and report["team"]["calls"] == 1


async def test_an_error_that_is_not_a_lost_connection_still_ends_the_app_with_its_log(
    team_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the gauge's figures are wrong")

    monkeypatch.setattr(gauge_figures, "load_gauge_figures", broken)
    app = alex_app(team_url, tmp_path)
    with pytest.raises(WorkerFailed):
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for(pilot, lambda: app.crash is not None, 3.0)
    assert isinstance(app.crash, RuntimeError) and app.out_of_reach is None


async def test_the_pace_screen_opened_while_out_of_reach_fills_in_once_the_database_is_back(
    postgres_server: PostgresServer, team_url: str, tmp_path: Path
) -> None:
    app = alex_app(team_url, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)

        def table() -> str:
            return shown_text(app.screen.query_one("#performance-table", Static))

        with out_of_reach(postgres_server, team_url):
            await pilot.press("p")
            await wait_for(pilot, lambda: "out of reach" in table(), 3.0)
            assert table().strip() == WAITING_FOR_THE_DATABASE
        await wait_for(pilot, lambda: "No target covers today" in table(), BACK_WITHIN_S)
        assert app.crash is None
