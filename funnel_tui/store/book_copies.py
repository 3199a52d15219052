"""The copies of a book that funnel writes beside it, named after it: the one taken
before a schema upgrade (`funnel.v24-backup-20261201T101500.db`) and `funnel backup`'s
dated one (`funnel-backup-20261201T101500.db`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

STAMP = "%Y%m%dT%H%M%S"


def upgrade_backup_path(path: Path, version: int, now: datetime) -> Path:
    """The copy of the book as it was at schema `version`, taken before upgrading it."""
    return path.with_name(f"{path.stem}.v{version}-backup-{now:{STAMP}}{_suffix(path)}")


def dated_backup_path(path: Path, now: datetime) -> Path:
    """Where `funnel backup` copies the book when told no file."""
    return path.with_name(f"{path.stem}-backup-{now:{STAMP}}{_suffix(path)}")


def _suffix(path: Path) -> str:
    return path.suffix or ".db"
