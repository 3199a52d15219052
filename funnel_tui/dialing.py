"""Dialing a prospect through the rep's softphone: the `dial_command` setting, an argv
template run without a shell (PRODUCT 15).

`xdg-open tel:{e164}` becomes `["xdg-open", "tel:+15550001000"]`: a placeholder fills in
part of one word and never splits or joins words, so nothing a number holds can run
another program. A dialer that is missing, cannot run, or exits with an error in its first
seconds is a DialFailed whose text says why; one still running after that is dialing (a
softphone that stays open).
"""

from __future__ import annotations

import shlex
import subprocess
import threading
from dataclasses import dataclass

from funnel_tui.settings import DIAL_PLACEHOLDER
from funnel_tui.text import one_line

# How long a dialer has to fail before it counts as dialing.
DIAL_WAIT_S = 3.0
# Enough of what a failing dialer printed to say why, and no more.
MAX_REASON_CHARACTERS = 160


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

    def fill(self, name: str) -> str:
        return {
            "e164": self.e164,
            "digits": self.digits,
            "national": self.national,
            "extension": self.extension,
        }[name]


def dial_argv(template: str, number: DialNumber) -> list[str]:
    """The command line for `number`: each word of the template with its placeholders
    filled in (the setting's parser has already refused unknown ones)."""
    return [
        DIAL_PLACEHOLDER.sub(lambda match: number.fill(match[1]), word)
        for word in shlex.split(template)
    ]


def _reason(stderr: bytes, code: int) -> str:
    said = one_line(stderr.decode("utf-8", "replace"))
    if len(said) > MAX_REASON_CHARACTERS:
        said = f"{said[: MAX_REASON_CHARACTERS - 1]}…"
    return f"exited with code {code}" + (f": {said}" if said else "")


def run_dialer(argv: list[str], wait_s: float = DIAL_WAIT_S) -> None:
    """Start the dialer and wait a moment for it to fail; raises DialFailed when it does.

    Blocks up to `wait_s`: call it from a worker thread. A dialer still running then is
    left to run, and reaped when it ends.
    """
    program = argv[0] if argv else ""
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Its own session: a softphone outlives the app and never reads our terminal.
            start_new_session=True,
        )
    except FileNotFoundError:
        raise DialFailed(f"dial_command: {program!r} was not found") from None
    except PermissionError:
        raise DialFailed(f"dial_command: {program!r} cannot be run (permission denied)") from None
    except OSError as error:
        raise DialFailed(f"dial_command: {program!r} cannot be run: {error.strerror}") from None
    try:
        _, stderr = process.communicate(timeout=wait_s)
    except subprocess.TimeoutExpired:
        # Still running: dialing. A thread waits for it so it leaves no zombie behind.
        threading.Thread(target=process.communicate, daemon=True).start()
        return
    if process.returncode != 0:
        raise DialFailed(f"dial_command {program!r} {_reason(stderr, process.returncode)}")


def dial_number(phone: str, region: str) -> DialNumber:
    """The forms of a stored number; raises DialFailed when it is not one phonenumbers
    reads (another tool may have written it)."""
    import phonenumbers  # loaded on the first dial, not at start-up

    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        raise DialFailed(f"{one_line(phone)!r} is not a phone number that can be dialled") from None
    bare = phonenumbers.PhoneNumber()
    bare.merge_from(parsed)
    bare.extension = None  # the extension is its own placeholder
    national = phonenumbers.format_number(bare, phonenumbers.PhoneNumberFormat.NATIONAL)
    return DialNumber(
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        national="".join(character for character in national if character.isdigit()),
        extension=parsed.extension or "",
        shown=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    )
