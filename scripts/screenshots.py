"""Regenerate screenshots/*.svg from the demo book on a fixed date."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from textual.pilot import Pilot

from funnel_tui.demo import build_demo
from funnel_tui.domain import BUILTIN_METHODS
from funnel_tui.pace import set_target
from funnel_tui.reps import add_rep
from funnel_tui.store.sqlite import open_storage, write_transaction
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.call_queue import CallQueue

# Run: python scripts/screenshots.py [NAME ...] (every screenshot, or the ones named)
SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
NOW = datetime(2026, 11, 18, 14, 30, tzinfo=ZoneInfo("Europe/London"))
# A full-screen window, then the narrow layouts: a split pane and a laptop's default.
WIDE = (160, 48)
MEDIUM = (100, 30)
NARROW = (80, 24)

Scene = Callable[[Pilot], Awaitable[None]]


async def settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def press(*keys: str) -> Scene:
    async def scene(pilot: Pilot) -> None:
        await pilot.press(*keys)

    return scene


def prospect_with_method(method: str) -> Scene:
    """Move the cursor to the first prospect in the queue whose method is `method`."""

    async def scene(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, FunnelApp)
        queue = app.screen.query_one(CallQueue)
        for row in app.storage.db.query(
            "SELECT id FROM prospects WHERE method = ? ORDER BY id", [method]
        ):
            position = queue.position_of(row["id"])
            if position is not None:
                queue.cursor = position
                break
        await settle(pilot)
        await pilot.press("right_square_bracket")

    return scene


def timeline_of_the_longest_story() -> Scene:
    """Open the timeline of the prospect in the queue with the most open tasks, then the
    most calls: the screen with the most to show."""

    async def scene(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, FunnelApp)
        queue = app.screen.query_one(CallQueue)
        for row in app.storage.db.query(
            "SELECT p.id FROM prospects p ORDER BY"
            " (SELECT count(*) FROM tasks t WHERE t.prospect_id = p.id AND t.status = 'open')"
            " DESC, (SELECT count(*) FROM calls c WHERE c.prospect_id = p.id) DESC, p.id"
        ):
            position = queue.position_of(row["id"])
            if position is not None:
                queue.cursor = position
                break
        await settle(pilot)
        await pilot.press("h")

    return scene


def meeting_confirmation() -> Scene:
    """Compose a meeting confirmation to the prospect with the next meeting ahead (in a zone
    of their own where one has it), sent over SMTP."""

    async def scene(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, FunnelApp)
        app.settings = replace(
            app.settings,
            smtp_host="smtp.kestrel.example",
            email_from="Alex Morgan <alex@kestrel.example>",
        )
        await pilot.press("f")  # every prospect: a meeting next week is not today's
        await settle(pilot)
        queue = app.screen.query_one(CallQueue)
        for row in app.storage.db.query(
            "SELECT p.id FROM prospects p JOIN tasks t ON t.prospect_id = p.id"
            " WHERE t.kind = 'meeting' AND t.status = 'open' AND t.due_at > ?"
            " ORDER BY p.timezone IS NULL, t.due_at",
            [NOW.isoformat()],
        ):
            position = queue.position_of(row["id"])
            if position is not None:
                queue.cursor = position
                break
        await settle(pilot)
        await pilot.press("E", "3")

    return scene


# A rep of a team's book (README, a sales team): the demo book shared by alex and blake.
TEAM_SHOTS = {"team"}


def make_team(db: object) -> None:
    """Alex and blake share the demo book: a third of it each, a third in the pool, and
    the calls split between them."""
    with write_transaction(db):
        for rep in ("alex", "blake"):
            add_rep(db, rep)
        db.execute("UPDATE prospects SET owner = 'alex' WHERE id % 3 = 0")
        db.execute("UPDATE prospects SET owner = 'blake' WHERE id % 3 = 1")
        db.execute("UPDATE calls SET rep = CASE WHEN id % 2 = 0 THEN 'alex' ELSE 'blake' END")
        db.execute("UPDATE deals SET rep = CASE WHEN id % 2 = 0 THEN 'alex' ELSE 'blake' END")
    set_target(db, amount_cents=3_000_000, period="month", today=NOW.date(), rep="alex")


def held_by_alex() -> Scene:
    async def scene(pilot: Pilot) -> None:
        screen = pilot.app.screen
        for _ in range(100):
            view = screen.team_view
            if (view is not None and view.held_by == "alex") or screen.card.prospect["owner"]:
                return
            await pilot.pause(0.05)

    return scene


ASK_FOR_A_DATE = ("l", "c", *"next fri 2pm")

SCENES: dict[str, tuple[Scene, tuple[int, int]]] = {
    "main": (press(), WIDE),
    "main-100x30": (press(), MEDIUM),
    "main-80x24": (press(), NARROW),
    "outcome-dialog": (press(*ASK_FOR_A_DATE), WIDE),
    "outcome-dialog-80x24": (press(*ASK_FOR_A_DATE), NARROW),
    "pace": (press("p"), WIDE),
    "pace-80x24": (press("p"), NARROW),
    "help": (press("question_mark"), WIDE),
    "method-picker": (press("m"), WIDE),
    "settings": (press("s"), WIDE),
    "timeline": (timeline_of_the_longest_story(), WIDE),
    "timeline-80x24": (timeline_of_the_longest_story(), NARROW),
    "email": (meeting_confirmation(), WIDE),
    "team": (held_by_alex(), WIDE),
    **{
        f"script-{method.value}": (prospect_with_method(method.value), WIDE)
        for method in BUILTIN_METHODS
    },
}


async def shoot(name: str, scene: Scene, size: tuple[int, int], folder: Path) -> None:
    storage = open_storage(folder / f"{name}.db")
    build_demo(storage.db, now=NOW)
    rep = None
    if name in TEAM_SHOTS:
        make_team(storage.db)
        rep = "alex"
    app = FunnelApp(storage, clock=lambda: NOW, scripts_dir=folder / "no-user-scripts", rep=rep)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await scene(pilot)
        await settle(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(SHOTS))
    storage.close()
    print(f"screenshots/{name}.svg")


async def main(names: list[str]) -> None:
    unknown = sorted(set(names) - set(SCENES))
    if unknown:
        raise SystemExit(f"no such screenshot: {', '.join(unknown)}; known: {', '.join(SCENES)}")
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, (scene, size) in SCENES.items():
            if not names or name in names:
                await shoot(name, scene, size, Path(folder))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
