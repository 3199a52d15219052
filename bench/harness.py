"""Timing tools for the benchmark: medians, painted frames, and a pseudo-terminal runner."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from statistics import median
from time import perf_counter
from typing import Any

from textual import events
from textual.app import App

SIZE = (160, 48)
POLL_S = 0.001
TIMEOUT_S = 60.0
QUIT_KEYS = (("q", b"q", 1.0), ("ctrl+q", b"\x11", 15.0))


@dataclass(frozen=True)
class Sample:
    """Repeated timings of one measurement, in seconds."""

    runs: tuple[float, ...]

    @property
    def median_ms(self) -> float:
        return median(self.runs) * 1000

    @property
    def spread_ms(self) -> tuple[float, float]:
        return min(self.runs) * 1000, max(self.runs) * 1000


class FixedClock:
    """The app's clock, stopped at one moment, so every run sees the same queue."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Frames:
    """Records the moment the app paints each frame.

    Under `run_test` the compositor renders every frame as on a terminal and only the
    final write is skipped, so a frame's time is when the screen would have changed.
    Frames painted while Textual holds updates (its start-up batch) never reach a
    terminal, and are not counted.
    """

    def __init__(self, app: App[Any]) -> None:
        self._waiting: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        paint = app._display

        def display(screen: Any, renderable: Any) -> None:
            paint(screen, renderable)
            # A frame painted during Textual's start-up batch is dropped, not written.
            if renderable is None or app._batch_count:
                return
            painted_at = perf_counter()
            for condition, future in list(self._waiting):
                if not future.done() and condition():
                    future.set_result(painted_at)
                    self._waiting.remove((condition, future))

        app._display = display  # type: ignore[method-assign]

    def painted_when(self, condition: Callable[[], bool]) -> Awaitable[float]:
        """The time of the first frame painted while `condition()` holds.

        The condition is checked as each frame is painted, so no frame is missed between
        two polls. Waiting starts now; await the result once the app has been set going.
        """
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append((condition, future))
        return asyncio.wait_for(future, TIMEOUT_S)


async def until(condition: Callable[[], bool], timeout: float = TIMEOUT_S) -> float:
    """Wait until `condition()` holds, polling every millisecond; returns the moment it did."""
    deadline = perf_counter() + timeout
    while not condition():
        if perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(POLL_S)
    return perf_counter()


def press_at_once(app: App[Any], *keys: str) -> None:
    """Queue keys all at once, as a fast typist's keys arrive while the app is busy."""
    for key in keys:
        character = {"enter": "\r", "space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


def typed_keys(text: str) -> list[str]:
    return ["space" if character == " " else character for character in text]


@dataclass(frozen=True)
class TerminalRun:
    """One start of a program in a pseudo-terminal."""

    first_paint_s: float
    # The keys that ended it: `q`, else ctrl+q (Textual's own quit), else a kill.
    quit_by: str


def run_in_terminal(
    command: Sequence[str],
    markers: Sequence[str],
    *,
    size: tuple[int, int] = SIZE,
    env: Mapping[str, str] | None = None,
) -> TerminalRun:
    """Time from starting `command` (in `env`, else this process's environment) in a
    pseudo-terminal until its output shows a marker.

    Then types `q` and waits for the program to end, trying ctrl+q and then a kill
    when it does not.
    """
    columns, rows = size
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {
        **(os.environ if env is None else env),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }
    wanted = [marker.encode() for marker in markers]
    started = perf_counter()
    process = subprocess.Popen(
        command,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    output = bytearray()
    quit_by = "kill"
    try:
        shown_at = _read_until(leader, output, wanted, started)
        for name, keys, wait_s in QUIT_KEYS:
            os.write(leader, keys)
            if _drain_until_exit(leader, process, wait_s):
                quit_by = name
                break
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(leader)
    return TerminalRun(shown_at - started, quit_by)


def _read_until(leader: int, output: bytearray, wanted: list[bytes], started: float) -> float:
    longest = max(len(marker) for marker in wanted)
    while perf_counter() - started < TIMEOUT_S:
        ready, _, _ = select.select([leader], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:
            break
        # Only the new bytes, and a marker's length before them, can hold a new match.
        recent_from = max(len(output) - longest, 0)
        output += chunk
        recent = output[recent_from:]
        if any(marker in recent for marker in wanted):
            return perf_counter()
    raise TimeoutError(f"{wanted!r} never appeared; the output ended with {bytes(output[-300:])!r}")


def _drain_until_exit(leader: int, process: subprocess.Popen[bytes], wait_s: float) -> bool:
    """Read (and drop) the output until the program ends; False if it is still running."""
    deadline = perf_counter() + wait_s
    while process.poll() is None and perf_counter() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.05)
        if ready:
            try:
                os.read(leader, 1 << 16)
            except OSError:
                # The terminal closes when the program ends: wait for its exit status.
                deadline = min(deadline, perf_counter() + 1)
    return process.poll() is not None


def peak_rss_kib() -> int:
    """This process's peak resident memory (VmHWM), in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def tree_rss_kib(pid: int) -> int:
    """The resident memory of a process and of its children, now, in KiB (0 once gone)."""
    pids = [pid]
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            pids += [int(child) for child in children.read_text().split()]
    total = 0
    for each in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def wait_sampling_rss(pid: int, every_s: float = 0.02) -> tuple[int, os.struct_rusage, int]:
    """Wait for child `pid` to end, reading the resident memory of it and its children
    together every `every_s`: its exit status, its resource use (`os.wait4`: its own and
    that of the children it waited for) and the largest memory read, in KiB."""
    peak = 0
    while True:
        peak = max(peak, tree_rss_kib(pid))
        ended, status, usage = os.wait4(pid, os.WNOHANG)
        if ended:
            return status, usage, peak
        time.sleep(every_s)
