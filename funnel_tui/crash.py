"""An unexpected error: its traceback goes to a log file, the terminal gets one line."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from funnel_tui import __version__
from funnel_tui.paths import log_dir
from funnel_tui.store.dialect import hide_passwords
from funnel_tui.store.sqlite import describe_sqlite_error
from funnel_tui.text import one_line, with_bytes_shown

# Enough of an error's message to recognise it; the log has all of it.
MESSAGE_CHARACTERS = 200


def write_crash_log(error: BaseException, now: datetime) -> Path | None:
    """Write the error's traceback to a new file in the log folder (else the temporary
    folder); None when neither can be written."""
    # A team database's URL may carry a password: no log keeps it.
    text = hide_passwords(
        f"funnel {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
        f"{' '.join(sys.argv)}\n\n" + "".join(traceback.format_exception(error))
    )
    # An argument that is not UTF-8 (the error may be about it) is written as its bytes.
    text = with_bytes_shown(text)
    name = f"funnel-crash-{now:%Y%m%dT%H%M%S}-{os.getpid()}.log"
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Only the user reads it: a traceback may quote what they typed.
            descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as log:
                log.write(text)
        except OSError:
            continue
        return folder / name
    return None


def crash_line(error: BaseException, log: Path | None) -> str:
    """The one line an unexpected error prints: what happened and where the details are."""
    if isinstance(error, sqlite3.Error):
        what = describe_sqlite_error(Path("the database"), error)
    else:
        message = one_line(hide_passwords(str(error)))[:MESSAGE_CHARACTERS]
        what = f"unexpected error: {type(error).__name__}" + (f": {message}" if message else "")
    where = f"the details are in {log}" if log else "no log file could be written"
    return f"funnel: {what}; {where}"
