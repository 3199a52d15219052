"""A book whose table another tool built again (`sqlite-utils transform`) has lost
funnel's triggers on it, and one whose rows another tool wrote again without what the
triggers keep (`sqlite-utils insert --replace`): what says so, and what puts them back."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from funnel_tui.checks import repair_database
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from tests.app_support import FrozenClock, build_demo_storage, settle, wait_for
from tests.cli_support import run_funnel

LOST_ON_CALLS = "This book has lost 12 of funnel's triggers, on calls"
REPAIR = "until funnel check --repair puts funnel's back"


def _transform_calls(path: Path) -> None:
    """What `sqlite-utils transform BOOK calls --type duration_s integer` does."""
    other = sqlite_utils.Database(path)
    other["calls"].transform(types={"duration_s": int})
    other.close()


def _demo_file(tmp_path: Path) -> Path:
    storage = build_demo_storage(tmp_path / "book.db")
    storage.close()
    return tmp_path / "book.db"


def test_a_command_on_a_book_that_lost_its_triggers_says_so_and_still_works(
    tmp_path: Path,
) -> None:
    book = _demo_file(tmp_path)
    _transform_calls(book)
    ran = run_funnel("next", "--db", book)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip()
    assert LOST_ON_CALLS in ran.stderr and REPAIR in ran.stderr
    # `funnel check` lists them one group a line, and does not say it twice.
    checked = run_funnel("check", "--db", book)
    assert checked.returncode == 1
    assert "This book has lost" not in checked.stderr
    assert "the triggers that keep call_days are missing" in checked.stderr
    repaired = run_funnel("check", "--repair", "--db", book)
    assert repaired.returncode == 0, repaired.stderr
    after = run_funnel("next", "--db", book)
    assert (after.returncode, after.stderr) == (0, "")


def test_a_command_on_a_book_with_a_trigger_of_funnels_changed_says_so(tmp_path: Path) -> None:
    book = _demo_file(tmp_path)
    other = sqlite_utils.Database(book)
    other.execute("DROP TRIGGER prospects_touch")
    other.execute("CREATE TRIGGER prospects_touch AFTER UPDATE ON prospects BEGIN SELECT 1; END")
    other.close()
    ran = run_funnel("next", "--db", book)
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr == (
        "This book holds 1 of funnel's triggers changed, on prospects (rewritten by another"
        " tool): what they keep goes wrong until funnel check --repair puts funnel's back"
        " (prospects.updated_at)\n"
    )


def _toasts(app: FunnelApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def test_the_app_opened_on_a_book_that_lost_its_triggers_warns_after_its_first_frame(
    tmp_path: Path, clock: FrozenClock
) -> None:
    book = _demo_file(tmp_path)
    _transform_calls(book)
    app = FunnelApp(open_storage(book), clock=clock, scripts_dir=tmp_path / "none")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        said = [toast for toast in _toasts(app) if LOST_ON_CALLS in toast]
    assert len(said) == 1 and REPAIR in said[0]


async def test_the_app_warns_when_a_table_is_built_again_while_it_runs_and_when_repaired(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "none")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert not [toast for toast in _toasts(app) if "triggers" in toast]
        _transform_calls(demo_storage.path)
        await wait_for(pilot, lambda: any(LOST_ON_CALLS in t for t in _toasts(app)), budget_s=15)
        # Put back from a shell (`funnel check --repair`), then another lost.
        other = sqlite_utils.Database(demo_storage.path)
        repair_database(other)
        # A read of the queue takes the change count as seen: the schema is looked at
        # apart from it.
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.reload_queue()
        back = "funnel's triggers are back: the book is whole again"
        await wait_for(pilot, lambda: back in _toasts(app), budget_s=15)
        # Said in place of the warning, which no longer holds.
        assert not any(LOST_ON_CALLS in t for t in _toasts(app))
        other.execute("DROP TRIGGER prospects_touch")
        other.conn.commit()
        other.close()
        lost_touch = "This book has lost 1 of funnel's triggers, on prospects"
        await wait_for(pilot, lambda: any(lost_touch in t for t in _toasts(app)), budget_s=15)


def test_a_prospect_written_again_by_insert_replace_is_found_by_check_and_repaired(
    tmp_path: Path,
) -> None:
    """`sqlite-utils insert --replace` deletes the row and inserts it anew: its last call,
    outcome and attempts are gone while its calls stay, and it was back in the queue as
    a lead never called."""
    book = _demo_file(tmp_path)
    other = sqlite_utils.Database(book)
    called = other.execute(
        "SELECT id, name, phone, last_called_at, last_outcome, attempts FROM prospects"
        " WHERE last_outcome = 'no_answer' ORDER BY id LIMIT 1"
    ).fetchone()
    prospect_id, name, phone, last_called_at, last_outcome, attempts = called
    other["prospects"].insert(
        {"id": prospect_id, "name": name, "phone": phone}, pk="id", replace=True
    )
    other.close()
    checked = run_funnel("check", "--db", book)
    assert checked.returncode == 1
    assert (
        f"prospects.last_called_at or last_outcome is not the last call for 1 prospect,"
        f" the first row {prospect_id}"
    ) in checked.stderr
    repaired = run_funnel("check", "--repair", "--db", book)
    assert repaired.returncode == 0, repaired.stderr
    assert "prospects.last_called_at, last_outcome and attempts" in repaired.stdout
    other = sqlite_utils.Database(book)
    assert other.execute(
        "SELECT last_called_at, last_outcome, attempts FROM prospects WHERE id = ?",
        [prospect_id],
    ).fetchone() == (last_called_at, last_outcome, attempts)
    other.close()
    assert run_funnel("check", "--db", book).returncode == 0
