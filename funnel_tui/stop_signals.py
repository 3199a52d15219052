"""A long command stopped by SIGTERM or SIGHUP (`kill`, the terminal closed) as by ctrl+c:
a KeyboardInterrupt, so that what it cleans up on its way out is cleaned up (the half
file beside an export's target, the cursor its progress bar hid) and it says what it
left, where the signal ended the process on the spot."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# SIGHUP is POSIX's alone.
STOPPING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _interrupt(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def stopped_as_by_ctrl_c() -> Iterator[None]:
    """Within the block (in the main thread), SIGTERM and SIGHUP raise KeyboardInterrupt;
    after it, they do what they did before."""
    before = {stopping: signal.signal(stopping, _interrupt) for stopping in STOPPING}
    try:
        yield
    finally:
        for stopping, handler in before.items():
            signal.signal(stopping, handler)
