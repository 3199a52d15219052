"""One-line errors: what the command line says when a command cannot do what it was asked."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any

import click

from funnel_tui.store.errors import ConnectionLost
from funnel_tui.store.sqlite import StorageError, describe_sqlite_error
from funnel_tui.text import cut_for_quoting, message_line, one_line, with_bytes_shown

# Why writing the output can fail: a full disk or quota, a file too large, a lost terminal.
OUTPUT_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


class UserError(click.ClickException):
    """An error the user can fix: printed as one line on stderr, exit 1."""

    def show(self, file: Any = None) -> None:
        # Messages name files and quote values, which may hold terminal escapes.
        click.echo(f"funnel: {message_line(self.format_message())}", err=True)


def describe_book_error(book: Path | str, error: Exception) -> str:
    """One line for an error met on the book at `book` (a file's path, a team database's
    URL): a lock or damage names the file; a team database's never shows the password."""
    if isinstance(error, (StorageError, ConnectionLost)):
        return str(error)
    if isinstance(error, sqlite3.Error):
        return describe_sqlite_error(Path(book), error)
    from funnel_tui.store.postgres import describe_postgres_error

    return describe_postgres_error(str(book), error)


def not_utf8_line(text: str, args: list[str] | None = None) -> str:
    """The line for text given in bytes that are not UTF-8 (a terminal or a script in
    another encoding): Python hands them over as lone surrogates, which nothing can store.
    It names the option of the command line `args` that gave the text, if one did.
    Nothing was written: every write is one transaction, rolled back by the error."""
    shown = cut_for_quoting(one_line(with_bytes_shown(text)))
    option = _option_that_gave(text, args or [])
    given = f"{option} " if option else ""
    # Quoted by hand: repr would double the backslash of each \xNN shown.
    return f"funnel: {given}'{shown}' is not UTF-8 text; give it in UTF-8"


def _option_that_gave(text: str, args: list[str]) -> str | None:
    """The option (`--note`) whose value in `args` holds `text`, as `--note TEXT` or
    `--note=TEXT`; None for an argument that is no option's value."""
    for place, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        if equals and name.startswith("--") and text in value:
            return name
        if text in arg and place > 0 and args[place - 1].startswith("-"):
            return args[place - 1]
    return None


def describe_os_error(error: OSError) -> str:
    """One line for a system error no command foresaw, naming what it happened to."""
    reason = error.strerror or str(error)
    if error.filename is not None:
        return f"{reason}: {error.filename}"
    # Every file a command opens is named in its own messages, so a failed write that names
    # none was writing the output: `funnel export calls > file` on a full disk.
    if error.errno in OUTPUT_WRITE_ERRORS:
        return f"cannot write standard output: {reason}"
    return reason
