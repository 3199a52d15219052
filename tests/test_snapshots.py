"""Snapshot tests: every screen as the rep sees it, on the demo book and a frozen clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from funnel_tui.domain import BUILTIN_METHODS
from funnel_tui.queue import closed_timezones, queue_ids
from funnel_tui.settings import load_settings
from funnel_tui.ui.app import FunnelApp
from tests.app_support import FROZEN_NOW, FrozenClock, build_demo_storage, settle

SIZE = (160, 48)
# The layouts the main screen and the outcome dialog are checked at: a laptop's default
# terminal, a split pane, a full-screen window.
LAYOUT_SIZES = [(80, 24), (100, 30), (160, 45)]


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text cursor stays shown as it is after a key, not blinking: a machine slow enough
    to take half a second from the last key to the screenshot would otherwise catch it
    hidden."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


def make_app(tmp_path: Path) -> FunnelApp:
    storage = build_demo_storage(tmp_path / "demo.db")
    return FunnelApp(storage, clock=FrozenClock(), scripts_dir=tmp_path / "scripts")


def todays_first_prospect(app: FunnelApp) -> int:
    db = app.storage.db
    closed = closed_timezones(db, FROZEN_NOW, load_settings(db))
    return queue_ids(db, now=FROZEN_NOW, closed_zones=closed)[0]


def pressing(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    """What to do before the snapshot: let the app settle, press `keys`, settle again."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=size_id)
def test_main_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=size_id)
def test_outcome_dialog_asking_for_a_date(
    snap_compare, tmp_path: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=size, run_before=pressing("l", "c", *"fri 2pm")
    )


def test_main_screen_filtered(snap_compare, tmp_path: Path) -> None:
    """The view's matches, then the other views' matches, dimmed, each saying where it is."""
    assert snap_compare(
        make_app(tmp_path), terminal_size=SIZE, run_before=pressing("slash", *"ing", "enter")
    )


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=size_id)
def test_pace_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=pressing("p"))


def test_pace_screen_charts(snap_compare, tmp_path: Path) -> None:
    """The burn-up and the funnel side by side above the figures, as in screenshots/pace.svg."""
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=pressing("p"))


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=size_id)
def test_timeline_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=pressing("h"))


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=SIZE, run_before=pressing("question_mark")
    )


def test_method_picker(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=pressing("m"))


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=size_id)
def test_email_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    """An email after a voicemail, filled in for the first prospect in the queue."""
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=pressing("E", "1"))


def test_email_template_picker(snap_compare, tmp_path: Path) -> None:
    """The templates for the first prospect in the queue: those it does not fit greyed,
    each with why."""
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=pressing("E"))


def test_light_theme(snap_compare, tmp_path: Path) -> None:
    app = make_app(tmp_path)

    async def go_light(pilot: Pilot) -> None:
        app.theme = "textual-light"
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go_light)


@pytest.mark.parametrize("method", [method.value for method in BUILTIN_METHODS])
def test_script_pane_for_each_method(snap_compare, tmp_path: Path, method: str) -> None:
    """The same prospect under each selling method, one step in."""
    app = make_app(tmp_path)
    first = todays_first_prospect(app)
    app.storage.db.execute("UPDATE prospects SET method = ? WHERE id = ?", [method, first])

    assert snap_compare(app, terminal_size=SIZE, run_before=pressing("right_square_bracket"))


def test_main_screen_of_a_team_rep(snap_compare, tmp_path: Path) -> None:
    """A rep of a team's book (PRODUCT 16): the card says whose the prospect is and that
    the rep holds it, the gauge names whose figures they are and the team's day."""
    from funnel_tui.reps import add_rep
    from funnel_tui.store.sqlite import write_transaction

    storage = build_demo_storage(tmp_path / "demo.db")
    db = storage.db
    with write_transaction(db):
        for rep in ("alex", "blake"):
            add_rep(db, rep)
        db.execute("UPDATE prospects SET owner = 'alex' WHERE id % 3 = 0")
        db.execute("UPDATE prospects SET owner = 'blake' WHERE id % 3 = 1")
        db.execute("UPDATE calls SET rep = CASE WHEN id % 2 = 0 THEN 'alex' ELSE 'blake' END")
    app = FunnelApp(storage, clock=FrozenClock(), scripts_dir=tmp_path / "scripts", rep="alex")

    async def held(pilot: Pilot) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        for _ in range(100):
            view = screen.team_view  # type: ignore[attr-defined]
            if (view is not None and view.held_by == "alex") or screen.card.prospect["owner"]:  # type: ignore[attr-defined]
                break
            await pilot.pause(0.05)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=held)


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=size_id)
def test_settings_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    """Every setting with what it does; one typed that differs from the default, and one
    refused, with its reason under it."""
    assert snap_compare(
        make_app(tmp_path),
        terminal_size=size,
        run_before=pressing("s", "ctrl+u", *"EUR", "tab", "tab", "ctrl+u", *"maybe"),
    )


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=size_id)
def test_prospect_form(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    """The first prospect in the queue, open to edit."""
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=pressing("e"))


@pytest.mark.parametrize(
    ("key", "name"),
    [("n", "note"), ("t", "target"), ("i", "import"), ("a", "new prospect")],
    ids=lambda value: value.replace(" ", "-"),
)
def test_small_dialog(snap_compare, tmp_path: Path, key: str, name: str) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=pressing(key))
