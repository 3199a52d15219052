"""The copies of a book that funnel writes beside it, named after it: the one taken
before a schema upgrade (`funnel.v24-backup-20261201T101500.db`) and `funnel backup`'s
dated one (`funnel-backup-20261201T101500.db`); and which of them are there now, for
what forgetting someone cannot reach."""

from __future__ import annotations

import os
import re
from contextlib import suppress
from datetime import datetime
from itertools import count
from pathlib import Path

STAMP = "%Y%m%dT%H%M%S"


def upgrade_backup_path(path: Path, version: int, now: datetime) -> Path:
    """The copy of the book as it was at schema `version`, taken before upgrading it."""
    return path.with_name(f"{path.stem}.v{version}-backup-{now:{STAMP}}{_suffix(path)}")


def dated_backup_path(path: Path, now: datetime) -> Path:
    """Where `funnel backup` copies the book when told no file: a name of its own, with
    `-2`, `-3` ... after the time for a second copy within the same second."""
    named = f"{path.stem}-backup-{now:{STAMP}}"
    copies = (
        path.with_name(f"{named}{f'-{number}' if number > 1 else ''}{_suffix(path)}")
        for number in count(1)
    )
    return next(copy for copy in copies if not copy.exists())


def copies_beside(path: Path) -> list[Path]:
    """The copies named as funnel names them that are in the book's folder now (the folder
    of the file itself, when `path` is a link to it), oldest first by when they were
    written (an upgrade's name has a time in UTC, a backup's the local one); none when the
    folder cannot be read."""
    with suppress(OSError):
        path = path.resolve()
    named = re.compile(
        rf"{re.escape(path.stem)}(?:\.v\d+)?-backup-\d{{8}}T\d{{6}}(?:-\d+)?{re.escape(_suffix(path))}"
    )
    try:
        with os.scandir(path.parent) as entries:
            found = [
                (entry.stat().st_mtime, entry.name)
                for entry in entries
                if named.fullmatch(entry.name) and entry.is_file()
            ]
    except OSError:
        return []
    return [path.with_name(name) for _, name in sorted(found)]


def _suffix(path: Path) -> str:
    return path.suffix or ".db"
