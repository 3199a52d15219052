"""Shared pieces for driving the app in tests: a frozen clock, the demo book, settling."""

from __future__ import annotations

import functools
import io
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from funnel_tui.demo import build_demo
from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.prospect_form import ProspectForm

# A Wednesday in the middle of a month, mid-afternoon: every queue bucket is populated.
FROZEN_NOW = datetime(2026, 11, 18, 14, 30, tzinfo=ZoneInfo("Europe/London"))
DEMO_SEED = 2026


class FrozenClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, now: datetime = FROZEN_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def settle(pilot: Pilot) -> None:
    """Wait until every worker has finished and the screen has caught up."""
    await pilot.pause()
    for _ in range(50):
        try:
            await pilot.app.workers.wait_for_complete()
            break
        except WorkerCancelled:
            # An exclusive worker was replaced by a newer one (a refresh timer fired):
            # wait for that one instead.
            continue
    await pilot.pause()


async def open_prospect_form(app: FunnelApp, pilot: Pilot, key: str = "e") -> ProspectForm:
    """The prospect form, opened from the queue: `a` adds a prospect, `e` edits the one
    under the cursor."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    form = app.screen
    assert isinstance(form, ProspectForm)
    return form


def messages(app: FunnelApp) -> list[str]:
    """The toasts the app has shown, in order: under the `toasts_kept` fixture those whose
    time is up included, elsewhere those still up."""
    kept = app._notifications.__dict__.get("shown")
    if kept is not None:
        return list(kept)
    return [str(notification.message) for notification in app._notifications]


async def settle_until(pilot: Pilot, done: Callable[[], bool], *, rounds: int = 200) -> None:
    """Settle until `done()` holds: for work that hands itself on (type-ahead replays)."""
    for _ in range(rounds):
        if done():
            return
        await settle(pilot)
    raise AssertionError(f"still not done after {rounds} rounds of settling")


async def wait_for(pilot: Pilot, done: Callable[[], bool], budget_s: float) -> float:
    """Let the app run until `done()` holds; how long it took (fails past `budget_s`)."""
    started = monotonic()
    while not done():
        elapsed = monotonic() - started
        assert elapsed < budget_s, f"not within {budget_s} s"
        await pilot.pause(0.02)
    return monotonic() - started


@functools.cache
def _demo_file() -> bytes:
    """The demo book's file, built once per test run: copying it is faster than logging
    its month of calls again for every test."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.db"
        storage = open_storage(path)
        build_demo(storage.db, now=FROZEN_NOW, seed=DEMO_SEED)
        storage.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        storage.close()
        return path.read_bytes()


def build_demo_storage(path: Path) -> Storage:
    path.write_bytes(_demo_file())
    return open_storage(path)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def demo_storage(tmp_path: Path) -> Storage:
    return build_demo_storage(tmp_path / "demo.db")


@pytest.fixture
def demo_app(demo_storage: Storage, clock: FrozenClock, tmp_path: Path) -> FunnelApp:
    return FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "no-user-scripts")


def shown_text(widget: Static) -> str:
    """The plain text a Static shows, whatever renderable it holds."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


@contextmanager
def team_app(
    url: str, rep: str, scripts_dir: Path, clock: Callable[[], datetime] | None = None
) -> Iterator[FunnelApp]:
    """The app as `rep` on the team's database at `url`, its connections closed after."""
    app = FunnelApp(
        open_team_book(url), clock=clock or FrozenClock(), scripts_dir=scripts_dir, rep=rep
    )
    try:
        yield app
    finally:
        app.storage.close()


def record_frames(app: FunnelApp, seen: Callable[[], Any]) -> list[Any]:
    """What `seen()` gives at each frame the app paints from now on."""
    frames: list[Any] = []
    paint = app._display

    def display(screen: Any, renderable: Any) -> None:
        paint(screen, renderable)
        if renderable is not None:
            frames.append(seen())

    app._display = display  # type: ignore[method-assign]
    return frames
