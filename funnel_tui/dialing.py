"""Dialing a prospect through the rep's softphone: the `dial_command` setting, an argv
template run without a shell (PRODUCT 15).

`xdg-open tel:{e164}` becomes `["xdg-open", "tel:+15550001000"]`: a placeholder fills in
part of one word and never splits or joins words, so nothing a number holds can run
another program. A dialer that is missing, cannot run, or exits with an error in its first
seconds is a DialFailed whose text says why; one still running after that is dialing (a
softphone that stays open). The mail app gets a `mailto:` link the same way
(`start_and_watch`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import IO

from funnel_tui.phones import PhoneRefused, read_phone
from funnel_tui.settings import DIAL_PLACEHOLDER
from funnel_tui.text import one_line

# How long a dialer has to fail before it counts as dialing.
DIAL_WAIT_S = 3.0
# How often the wait looks whether the app is quitting.
POLL_S = 0.1
# Enough of what a failing dialer printed to say why, and no more.
MAX_REASON_CHARACTERS = 160
MAX_STDERR_BYTES = 4096


class DialFailed(Exception):
    """The dial did not start; str() is one line saying why."""


@dataclass(frozen=True)
class DialNumber:
    """The forms of one number a dial command may ask for."""

    e164: str
    """+15550001000"""
    national: str
    """The digits as dialled inside the number's own country: 07700900318, 3035550100."""
    extension: str = ""
    shown: str = ""
    """As people read it: +1 303-555-0100."""

    @property
    def digits(self) -> str:
        return self.e164.removeprefix("+")

    @property
    def tel(self) -> str:
        """The number as a tel: URI holds it (RFC 3966), the extension kept:
        +15550001000;ext=12."""
        return f"{self.e164};ext={self.extension}" if self.extension else self.e164

    def fill(self, name: str) -> str:
        return {
            "e164": self.e164,
            "tel": self.tel,
            "digits": self.digits,
            "national": self.national,
            "extension": self.extension,
        }[name]


def dial_argv(template: str, number: DialNumber) -> list[str]:
    """The command line for `number`: each word of the template with its placeholders
    filled in (the setting's parser has already refused unknown ones). A word that was
    only placeholders and fills in as nothing (`{extension}` of a number without one) is
    left out, rather than passed on as an empty argument."""
    argv = []
    for word in shlex.split(template):
        filled = DIAL_PLACEHOLDER.sub(lambda match: number.fill(match[1]), word)
        if filled or DIAL_PLACEHOLDER.sub("", word):
            argv.append(filled)
    return argv


def _clipped(text: str, limit: int = MAX_REASON_CHARACTERS) -> str:
    text = one_line(text).rstrip(".")
    if len(text) > limit:
        return f"{text[: limit - 1]}…"
    return text


def _reason(stderr: bytes, code: int) -> str:
    said = _clipped(stderr.decode("utf-8", "replace"))
    ended = f"was stopped by signal {-code}" if code < 0 else f"exited with code {code}"
    return ended + (f": {said}" if said else "")


def _tail(output: IO[bytes]) -> bytes:
    """The end of what the dialer wrote: its last words say why it failed."""
    output.seek(0, os.SEEK_END)
    output.seek(max(0, output.tell() - MAX_STDERR_BYTES))
    return output.read()


def _reap(process: subprocess.Popen[bytes]) -> None:
    process.wait()


@dataclass(frozen=True)
class Watched:
    """How a program started in the background did in its first seconds."""

    code: int | None
    """Its exit status (negative: the signal that stopped it), or None: still running."""
    stderr: bytes
    """The end of what it wrote on stderr before it ended."""


def start_and_watch(
    argv: list[str], wait_s: float, cancelled: Callable[[], bool] = lambda: False
) -> Watched:
    """Start `argv` and wait up to `wait_s` (less once `cancelled()` says so) for it to
    end; OSError when it cannot start. Blocks: call it from a worker thread.

    A program still running then is left to run, in its own session and writing to a file
    of its own, so it outlives the app; a thread reaps it when it ends."""
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
        # The process's own end, not its stderr's: a child it leaves behind may hold that.
        deadline = time.monotonic() + wait_s
        while process.poll() is None and time.monotonic() < deadline and not cancelled():
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=POLL_S)
        if process.returncode is None:
            threading.Thread(target=_reap, args=(process,), daemon=True).start()
            return Watched(None, b"")
        return Watched(process.returncode, _tail(stderr))


def run_dialer(
    argv: list[str], wait_s: float = DIAL_WAIT_S, cancelled: Callable[[], bool] = lambda: False
) -> None:
    """Start the dialer and wait a moment for it to fail; raises DialFailed when it does.

    Blocks up to `wait_s` (less once `cancelled()` says so): call it from a worker
    thread. A dialer still running then is left to run (`start_and_watch`).
    """
    program = argv[0] if argv else ""
    try:
        watched = start_and_watch(argv, wait_s, cancelled)
    except FileNotFoundError:
        raise DialFailed(f"{program!r} was not found") from None
    except PermissionError:
        raise DialFailed(f"{program!r} cannot be run (permission denied)") from None
    except OSError as error:
        raise DialFailed(f"{program!r} cannot be run: {error.strerror}") from None
    if watched.code:
        raise DialFailed(f"{program!r} {_reason(watched.stderr, watched.code)}")


def dial_number(phone: str, region: str) -> DialNumber:
    """The forms of a stored number; raises DialFailed with the reason when it is not one
    that can be dialled (another tool may have written anything there)."""
    try:
        number = read_phone(phone, region)
    except PhoneRefused as refused:
        raise DialFailed(f"{_clipped(phone, 40)!r} cannot be dialled: {refused}") from None
    return DialNumber(
        e164=number.e164,
        national="".join(character for character in number.national if character.isdigit()),
        extension=number.extension,
        shown=number.international,
    )
