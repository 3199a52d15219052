"""In-process measurements: the app driven through Pilot against a generated database."""

from __future__ import annotations

import asyncio
import gc
import math
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter, sleep

from generate import FILTER_NAME, Book
from harness import (
    SIZE,
    TIMEOUT_S,
    FixedClock,
    Frames,
    Sample,
    press_at_once,
    typed_keys,
    until,
)
from measure_core import DUE_CALL_TASKS
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.call_queue import CallQueue
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.prospect_form import ProspectForm
from funnel_tui.ui.settings_screen import SettingsScreen

MOVE_ROWS = 1000
# In every number the benchmark's book holds (+1 201 555 0001 ...).
COMMON_FILTER = "555"
IDLE_AFTER_WRITE_S = 1.5
# How often the watcher thread looks for the logged call; it sleeps, holding nothing, between.
WATCH_POLL_S = 0.0005
# Each cursor run starts this far past the last, so its pages are not in the page cache.
MOVE_RUN_STRIDE = 3000
# How many replaced workers settling waits through before it gives up waiting.
SETTLE_ROUNDS = 50


@dataclass
class Session:
    """A running app, the moment it was started, and its painted frames."""

    app: FunnelApp
    pilot: Pilot[None]
    frames: Frames
    started: float
    # The first frame that shows the queue, watched for from before the app starts: the
    # app paints it before run_test hands over the pilot.
    queue_shown: Awaitable[float]

    @property
    def screen(self) -> MainScreen:
        screen = self.app.screen
        assert isinstance(screen, MainScreen), f"expected the main screen, got {screen!r}"
        return screen

    @property
    def queue(self) -> CallQueue:
        return self.screen.queue

    async def settle(self) -> None:
        """Wait until every worker has finished and the screen has caught up."""
        await self.pilot.pause()
        for _ in range(SETTLE_ROUNDS):
            try:
                await self.app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                # A newer reload replaced an exclusive worker (on a slow machine, a refresh
                # timer fires during start-up): wait for that one instead.
                continue
        await self.pilot.pause()


@asynccontextmanager
async def running_app(book: Book, scripts_dir: Path) -> AsyncIterator[Session]:
    """Open the book's database and run the app on it headless, with the book's clock.

    The earlier runs' garbage is collected first, so that no run pays for another's.
    Collecting is then held off as `funnel` holds it off (launch.main): the app resumes it
    at its first frame, with what start-up built frozen out of later collections. Each
    session thaws what it froze when it ends, so that the next starts the same way.
    """
    gc.collect()
    gc.disable()
    started = perf_counter()
    storage = open_storage(book.path)
    try:
        app = FunnelApp(storage, clock=FixedClock(book.now), scripts_dir=scripts_dir)
        frames = Frames(app)
        queue_shown = frames.painted_when(lambda: _queue_is_filled(app))
        async with app.run_test(size=SIZE) as pilot:
            yield Session(app, pilot, frames, started, queue_shown)
    finally:
        storage.close()
        gc.unfreeze()
        gc.enable()


def _queue_is_filled(app: FunnelApp) -> bool:
    screen = app.screen
    return isinstance(screen, MainScreen) and screen.queue.row_count > 0


async def startup_s(book: Book, scripts_dir: Path) -> float:
    """From opening the database to the first frame that shows the filled queue."""
    async with running_app(book, scripts_dir) as session:
        painted_at = await session.queue_shown
        await session.settle()
    return painted_at - session.started


async def interactions(book: Book, scripts_dir: Path, runs: int) -> dict[str, Sample]:
    """Cursor moves, the filter and logging an outcome, in one session on the big book."""
    async with running_app(book, scripts_dir) as session:
        await session.queue_shown
        await session.settle()
        return {
            "move": await _move_cursor(session, runs),
            "filter_set": await _filter(session, runs, typed=False, target=book.filter_id),
            "filter_typed": await _filter(session, runs, typed=True, target=book.filter_id),
            **await _common_filter(session, runs),
            "log_ui": await _log_outcome(session, book, runs),
            "pace_screen": await _open_pace_screen(session, runs),
            "settings_screen": await _open_dialog(session, runs, "s", SettingsScreen),
            "edit_form": await _open_dialog(session, runs, "e", ProspectForm),
        }


async def _move_cursor(session: Session, runs: int) -> Sample:
    """`pagedown` until the cursor is 1,000 rows further, to the frame that shows it."""
    queue = session.queue
    queue.focus()
    queue.cursor = 0
    await session.settle()
    await session.pilot.press("pagedown")
    page = queue.cursor
    presses = math.ceil(MOVE_ROWS / page)
    # On a smaller book (bench/run.py --size) the runs start closer together.
    stride = min(MOVE_RUN_STRIDE, (queue.row_count - presses * page - 1) // runs)
    if stride < page:
        raise ValueError(f"today's queue has only {queue.row_count} rows: too few to move in")
    samples = []
    for run in range(runs):
        start = (run + 1) * stride
        queue.cursor = start
        await session.settle()
        expected = start + presses * page
        painted = session.frames.painted_when(lambda expected=expected: queue.cursor == expected)
        pressed_at = perf_counter()
        press_at_once(session.app, *["pagedown"] * presses)
        samples.append(await painted - pressed_at)
        await session.settle()
    queue.cursor = 0
    await session.settle()
    return Sample(tuple(samples))


async def _filter(session: Session, runs: int, *, typed: bool, target: int) -> Sample:
    """From the filter text (set at once, or typed at full speed) to the frame showing the
    one match."""
    screen, queue = session.screen, session.queue
    full = queue.row_count
    samples = []
    for _ in range(runs):
        await session.pilot.press("slash")
        painted = session.frames.painted_when(
            lambda: queue.row_count == 1 and queue.highlighted_id == target
        )
        entered_at = perf_counter()
        if typed:
            press_at_once(session.app, *typed_keys(FILTER_NAME.lower()))
        else:
            screen.filter_input.value = FILTER_NAME
        samples.append(await painted - entered_at)
        await _clear_filter(session, full)
    queue.focus()
    await session.settle()
    return Sample(tuple(samples))


async def _clear_filter(session: Session, rows: int) -> None:
    """`escape` from the filter, once its read is done, back to the queue's `rows`."""
    await session.settle()
    await session.pilot.press("escape")
    await until(lambda: session.queue.row_count == rows)
    await session.settle()


async def _common_filter(session: Session, runs: int) -> dict[str, Sample]:
    """From a filter text every prospect's number holds (COMMON_FILTER) to the frame that
    shows its first matches, and to the one that counts them all."""
    screen, queue = session.screen, session.queue
    full = queue.row_count
    first, counted = [], []
    for _ in range(runs):
        await session.pilot.press("slash")
        shown = session.frames.painted_when(
            lambda: screen._shown_filter == COMMON_FILTER and queue.row_count > 0
        )
        complete = session.frames.painted_when(
            lambda: screen._shown_filter == COMMON_FILTER and screen._order_complete
        )
        entered_at = perf_counter()
        screen.filter_input.value = COMMON_FILTER
        first.append(await shown - entered_at)
        counted.append(await complete - entered_at)
        await _clear_filter(session, full)
    queue.focus()
    await session.settle()
    return {"filter_common": Sample(tuple(first)), "filter_common_all": Sample(tuple(counted))}


async def _open_pace_screen(session: Session, runs: int) -> Sample:
    """`p`, to the frame that shows the pace screen filled in: its figures, the burn-up and
    the funnel; then `escape` back to the queue."""
    from funnel_tui.ui.performance_screen import PerformanceScreen

    def filled() -> bool:
        screen = session.app.screen
        return isinstance(screen, PerformanceScreen) and screen.pace is not None

    return await _open_screen(session, runs, "p", filled)


async def _open_dialog(session: Session, runs: int, key: str, dialog: type[Screen]) -> Sample:
    """`key`, to the frame that shows `dialog` ready for typing: `s` Settings with its
    fields (none focused until tab), `e` the head of the queue in the prospect form with
    a field focused."""

    def shown() -> bool:
        screen = session.app.screen
        if not isinstance(screen, dialog):
            return False
        if isinstance(screen, SettingsScreen):
            return bool(screen.query("#settings-fields Input"))
        return screen.focused is not None

    return await _open_screen(session, runs, key, shown)


async def _open_screen(session: Session, runs: int, key: str, shown: Callable[[], bool]) -> Sample:
    """`key`, to the first frame painted once `shown()` holds; then `escape` back to the
    queue (`y` if the screen asks whether to discard)."""
    samples = []
    # One opening first, unmeasured: it imports the screen's modules, once per session.
    for run in range(runs + 1):
        painted = session.frames.painted_when(shown)
        pressed_at = perf_counter()
        press_at_once(session.app, key)
        opened = await painted - pressed_at
        if run:
            samples.append(opened)
        await session.settle()
        await session.pilot.press("escape")
        await session.settle()
        if not isinstance(session.app.screen, MainScreen):
            await session.pilot.press("y")
            await session.settle()
    return Sample(tuple(samples))


def _first_due_call_task(session: Session, book: Book) -> int:
    """The queue position of the first prospect whose next task is a call due now."""
    due_calls = session.app.storage.db.execute(DUE_CALL_TASKS, [to_stored(book.now)])
    for (prospect_id,) in due_calls:
        position = session.queue.position_of(prospect_id)
        if position is not None:
            return position
    raise ValueError("today's queue has no prospect with a due call task")


async def _log_outcome(session: Session, book: Book, runs: int) -> Sample:
    """`l`, `n`, `enter` typed at once, to the committed calls row (with synchronous=FULL),
    seen through a connection of the benchmark's own in a thread of its own: a poll on the
    app's event loop would only see the commit once the loop is done painting.

    Each call is logged for a prospect whose next task is a call due now, so the outcome
    completes that task and makes the next; the first is the earliest due in the queue
    (the appointments ahead of it are left alone), and the app moves on to the next.
    """
    session.queue.cursor = _first_due_call_task(session, book)
    await session.settle()
    watcher = sqlite3.connect(
        f"{session.app.storage.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
    )
    loop = asyncio.get_running_loop()
    try:

        def last_call_id() -> int:
            return watcher.execute("SELECT coalesce(max(id), 0) FROM calls").fetchone()[0]

        def committed_after(before: int) -> float:
            deadline = perf_counter() + TIMEOUT_S
            while last_call_id() <= before:
                if perf_counter() > deadline:
                    raise TimeoutError("the call was never committed")
                sleep(WATCH_POLL_S)
            return perf_counter()

        samples = []
        for _ in range(runs):
            before = last_call_id()
            committed = loop.run_in_executor(None, committed_after, before)
            pressed_at = perf_counter()
            press_at_once(session.app, "l", "n", "enter")
            samples.append(await committed - pressed_at)
            # The app reloads the queue and gauge again within a second of any write (it
            # polls PRAGMA data_version): let that pass, so that each log starts from an
            # idle app, as a rep's next call after a conversation does.
            await asyncio.sleep(IDLE_AFTER_WRITE_S)
            await session.settle()
    finally:
        watcher.close()
    return Sample(tuple(samples))
