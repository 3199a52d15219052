"""Saying so when a write waits for another program's lock, instead of looking stuck, and
when a write fails: whether trying again can help."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

from textual.message_pump import MessagePump
from textual.timer import Timer

from funnel_tui.store import sqlite as storage
from funnel_tui.store.errors import is_refused_by_role

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp

# A write normally commits in a few milliseconds; one still running after this long is
# waiting for another program's write lock (up to the busy timeout).
SAY_WAITING_AFTER_S = 1.0
WAITING_FOR_DATABASE = "Saving… waiting for the database (another program is writing)"
WAITING_TOAST = "waiting"


def waiting_message(app: FunnelApp) -> str:
    """What a write still running is waiting for: the app's own long write when one runs
    (the file compacted after a prospect is forgotten), else another program's."""
    if app.long_write is not None:
        return f"Saving… waiting for {app.long_write}"
    return WAITING_FOR_DATABASE


def say_when_waiting(node: MessagePump, say: Callable[[str], object]) -> Timer:
    """Start a write's clock: `say` what it is waiting for if it is still running after
    SAY_WAITING_AFTER_S. Stop the timer once the write is done."""
    app = cast("FunnelApp", node.app)
    return node.set_timer(SAY_WAITING_AFTER_S, lambda: say(waiting_message(app)))


@contextmanager
def waiting_said(node: MessagePump, say: Callable[[str], object]) -> Iterator[None]:
    """Around a dialog's write: `say` so in the dialog if it waits for the database."""
    timer = say_when_waiting(node, say)
    try:
        yield
    finally:
        timer.stop()


@contextmanager
def waiting_toast(app: FunnelApp) -> Iterator[None]:
    """Around a write that has no dialog: a toast if it waits for the database, gone
    once the write is done (whatever it says next says how it went)."""

    def say(message: str) -> None:
        app.notify_in_place(WAITING_TOAST, message, timeout=storage.BUSY_TIMEOUT_S)

    try:
        with waiting_said(app, say):
            yield
    finally:
        app.withdraw_toast(WAITING_TOAST)


def not_saved_text(error: Exception, failed: str = "Not saved") -> str:
    """Why a dialog's write failed, and the key that tries again (nothing was changed, so
    trying again is safe); none for a write a team's server refuses for want of the role's
    right to make it (a role that may only read), nor for a prospect no longer in the book,
    which no try makes."""
    if is_refused_by_role(error):
        return (
            f"{failed}: the database refuses your changes ({storage.describe_error(error)});"
            " nothing was written, and trying again will not write it"
        )
    if isinstance(error, LookupError):
        # The prospect was forgotten or removed elsewhere: no try brings them back.
        return f"{failed}: {error}; no try can save it (escape closes)"
    return f"{failed}: {storage.describe_error(error)} (enter tries again)"


def say_write_failed(app: FunnelApp, failed: str, retry_key: str, error: Exception) -> None:
    """A toast for a write without a dialog that failed: why, and the key that tries again
    (nothing was changed, so trying again is safe), or that no try will write it."""
    if is_refused_by_role(error):
        app.say_writes_refused(error)
        return
    app.notify(
        f"{failed}: {storage.describe_error(error)}; press {retry_key} to try again",
        severity="error",
        timeout=8,
        markup=False,
    )
