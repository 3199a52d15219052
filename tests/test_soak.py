"""A long session: sixty outcomes through the UI layer, with memory and latency flat."""

from __future__ import annotations

import resource
import statistics
import time

from funnel_tui.settings import save_setting
from funnel_tui.store.sqlite import Storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from tests.app_support import FrozenClock, settle

LOGS = 60
WINDOW = 20
# Peak memory the session may gain between the early and the late logs: caches are
# bounded, so anything near this means something keeps every call.
MAX_GROWTH_KIB = 20 * 1024


async def test_sixty_logged_calls_keep_memory_and_latency_flat(
    demo_storage: Storage, clock: FrozenClock, tmp_path
) -> None:
    # Busy lines come back later today, so the queue never runs dry.
    save_setting(demo_storage.db, "max_attempts", "50")
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path)
    calls_before = demo_storage.db["calls"].count
    durations: list[float] = []
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        for number in range(LOGS):
            if number == WINDOW:
                early = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            # The process's CPU time (every thread's), not the wall clock: a log that
            # does more work as the session goes on costs more of it, while other
            # processes on a busy machine (the rest of the suite) only stretch the wall
            # clock.
            started = time.process_time()
            await screen.action_log_outcome()
            dialog = app.screen
            assert isinstance(dialog, OutcomeDialog)
            dialog.action_pick("busy")
            dialog.action_submit()
            await settle(pilot)
            assert app.screen is screen
            durations.append(time.process_time() - started)
        late = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert demo_storage.db["calls"].count == calls_before + LOGS
    assert late - early < MAX_GROWTH_KIB, f"peak memory grew {late - early} KiB"
    first = statistics.median(durations[:WINDOW])
    last = statistics.median(durations[-WINDOW:])
    assert last < first * 2 + 0.01, f"median log went from {first:.3f} s to {last:.3f} s of CPU"
