"""Writing a command's file whole or not at all, or to standard output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from funnel_tui.cli.errors import UserError
from funnel_tui.stop_signals import stopped_as_by_ctrl_c
from funnel_tui.store.sqlite import Storage, refuse_database_files, refuse_other_databases


@contextmanager
def said_when_stopped(what: str, output: Path) -> Iterator[None]:
    """Ctrl+c (or SIGTERM, SIGHUP) while a file is written whole or not at all, said as
    what it left: no file, the one there as it was, or, stopped as it was renamed into
    place, the whole new one."""
    before = _file_state(output)
    try:
        with stopped_as_by_ctrl_c():
            yield
    except KeyboardInterrupt:
        if _file_state(output) != before:
            left = "it was written whole"
        elif before is None:
            left = "no file was written"
        else:
            left = "the file there is as it was"
        raise UserError(f"{what} to {output} stopped: {left}") from None


def _file_state(path: Path) -> tuple[int, int, int] | None:
    """Which file is at `path`, and when it last changed; None for none."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


def or_standard_output(output: Path | None) -> Path | None:
    """`-o -` is standard output, as for most tools, not a file named `-` (`./-` is)."""
    return None if output is not None and str(output) == "-" else output


def refuse_overwriting_a_book(output: Path, storage: Any, purpose: str) -> None:
    """Refuse to write `purpose` over the open book, a file SQLite keeps beside it, or any
    other SQLite database (StorageError)."""
    if isinstance(storage, Storage):  # a team database keeps no file to overwrite
        refuse_database_files(output, storage.path, purpose)
    refuse_other_databases(output, purpose)
