"""The call a rep is on, kept in a file of their own beside the book: an app killed or
crashed mid-call (`kill -9`, a laptop that dies) loses the app, not the call.

One small JSON file per book and rep in the user data folder, written when a call starts
and removed when it is logged or ended; the app that opens the book next brings the call
back. The database is the rep's shared record, and a call not yet logged is not in it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from funnel_tui.exporter import write_whole_file
from funnel_tui.paths import data_dir
from funnel_tui.timestamps import seconds_between

# A call kept longer than this is no call still going on when the app comes back, nor, in
# an app left open, when the clock gets there: its length is no talk time.
KEPT_AT_MOST = timedelta(hours=12)


# KEPT_AT_MOST as a call's time past it is said: `over 12 hours`.
_OVER_THE_LIMIT = f"over {KEPT_AT_MOST // timedelta(hours=1)} hours"


def ran_too_long(started_at: datetime, now: datetime) -> bool:
    """Whether a call started at `started_at` has run longer than KEPT_AT_MOST by `now`,
    counted in hours gone by (a night that changes the clocks has 11 or 13 of them)."""
    return seconds_between(started_at, now) > KEPT_AT_MOST.total_seconds()


def ran_over() -> str:
    """How a call let go for its length is said: `ran over 12 hours`."""
    return f"ran {_OVER_THE_LIMIT}"


def call_time(started_at: datetime, now: datetime) -> str:
    """A running call's time as its timer shows it, `m:ss`, from an hour `h:mm:ss` (it
    read `455:11`): `0:00` while the wall clock reads before its start (set back during
    the call), `over 12 hours` past KEPT_AT_MOST, which a call is logged without."""
    if ran_too_long(started_at, now):
        return _OVER_THE_LIMIT
    elapsed = max(0, int(seconds_between(started_at, now)))
    hours, seconds = divmod(elapsed, 3600)
    if hours:
        return f"{hours}:{seconds // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"


def when_started(started_at: datetime, now: datetime) -> str:
    """When a call started, on `now`'s clock: `16:02` today, `Fri 16:02` another day."""
    began = started_at.astimezone(now.tzinfo)
    return f"{began:%H:%M}" if began.date() == now.date() else f"{began:%a %H:%M}"


@dataclass(frozen=True)
class KeptCall:
    """A call started and not yet logged or ended, and the process of the app it runs in
    (0 when a file from before did not say)."""

    prospect_id: int
    name: str
    started_at: datetime
    pid: int = field(default_factory=os.getpid)

    def runs_in_another_window(self) -> bool:
        """Whether the app that keeps the call is another one still running: a second
        window the rep opened on the book, where the call is still theirs to log."""
        if self.pid in (0, os.getpid()):
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # a process of another user: not ours, but alive
        except OSError:
            return False
        return True


def kept_call_path(book: str, rep: str | None) -> Path:
    """Where the call running with this book (and in a team's book, this rep) is kept.
    The names are written as hex, so no name makes a path of its own."""
    who = "" if rep is None else f"-{rep.encode().hex()}"
    return data_dir() / "running-calls" / f"{book.encode().hex()}{who}.json"


def keep_call(path: Path, call: KeptCall) -> None:
    """Write the call, whole or not at all (ExportFailed when it cannot be written)."""
    kept = {
        "prospect_id": call.prospect_id,
        "name": call.name,
        "started_at": call.started_at.isoformat(),
        "pid": call.pid,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole_file(path, lambda out: out.write(json.dumps(kept)))


def keep_first(path: Path, call: KeptCall, now: datetime) -> KeptCall | None:
    """Keep a call about to start, unless another window of the rep's keeps one: then that
    window's call, and nothing written. Of two windows starting a call at once, one makes
    the file (a link made where none is, whole, or not at all) and the other is told."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        keep_call(written, call)
        try:
            os.link(written, path)
            return None
        except FileExistsError:
            pass
    finally:
        written.unlink(missing_ok=True)
    kept = read_kept_call(path, now)
    if kept is not None and kept.runs_in_another_window():
        return kept
    keep_call(path, call)  # one left by an app gone, or too old: this call's now
    return None


def drop_kept_call(path: Path) -> None:
    path.unlink(missing_ok=True)


def read_kept_call(path: Path, now: datetime) -> KeptCall | None:
    """The call kept, or None: none kept, one kept longer than KEPT_AT_MOST, or a file that
    does not read as one (each removed, as nothing can be done with it)."""
    return read_kept_call_and_let_go(path, now)[0]


def read_kept_call_and_let_go(path: Path, now: datetime) -> tuple[KeptCall | None, KeptCall | None]:
    """The call kept (as read_kept_call), and the one let go instead for running longer
    than KEPT_AT_MOST, which an app coming back says it did not bring back."""
    call = _read_kept(path)
    if call is None:
        return None, None
    started = call.started_at
    if started.tzinfo is None or now < started:
        drop_kept_call(path)
        return None, None
    if ran_too_long(started, now):
        drop_kept_call(path)
        return None, call
    return call, None


def _read_kept(path: Path) -> KeptCall | None:
    """The call the file holds; None for none, or a file that does not read as one
    (removed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return None
    except (OSError, UnicodeDecodeError):
        drop_kept_call(path)
        return None
    try:
        kept = json.loads(text)
        call = KeptCall(
            int(kept["prospect_id"]),
            str(kept["name"]),
            datetime.fromisoformat(str(kept["started_at"])),
            int(kept.get("pid", 0)),
        )
    except (ValueError, TypeError, KeyError):
        drop_kept_call(path)
        return None
    return call
