"""What the command line's arguments are: files, whole numbers, days and the book (`--db`)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import click

from funnel_tui.cli.errors import UserError
from funnel_tui.foreign_values import FIRST_DAY, LAST_DAY
from funnel_tui.paths import DB_ENV
from funnel_tui.store.dialect import hide_passwords, is_postgres_url, url_scheme
from funnel_tui.text import one_line, quoted

# Read `-5` as a value, so a negative amount or count is a bad value (exit 1) with its
# reason, not an unknown option (exit 2).
VALUES_MAY_START_WITH_DASH = {"ignore_unknown_options": True}


class FilePath(click.ParamType):
    """A file named on the command line.

    What the path is (a folder, a pipe, missing) is checked where the file is used, so it
    is a user error of one line (exit 1), as for `$FUNNEL_DB`, not click's usage error.
    """

    name = "path"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        text = os.fsdecode(value)
        if not text.strip():
            # Path("") is the current folder: `--db ""` was said to be "a folder".
            named = param.opts[0] if isinstance(param, click.Option) else "the file's name"
            raise UserError(f"{named} is empty; name a file")
        # Path() drops a trailing slash, and would write a file where a folder was meant.
        if text.endswith(("/", os.sep)):
            raise UserError(f"{text} ends with a slash, so it names a folder; name a file")
        if text != "-" and Path(text) == Path("-"):
            # `./-` names the file `-`, which Path() would make the `-` of standard output.
            return Path(os.path.abspath(text))
        return Path(text)


FILE_PATH = FilePath()


class WholeNumber(click.IntRange):
    """A count from `low` to `high`, refused in words of what it counts: `'abc' is not a
    whole number of seconds from 0 to 86,400` (click said `not a valid integer range`)."""

    def __init__(self, low: int, high: int, of: str) -> None:
        super().__init__(low, high)
        self.low, self.high, self.of = low, high, of

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            number = value if isinstance(value, int) else int(str(value).strip())
        except ValueError:
            number = None
        if number is None or not self.low <= number <= self.high:
            self.fail(
                f"{one_line(str(value))!r} is not a whole number of {self.of} from"
                f" {self.low:,} to {self.high:,}",
                param,
                ctx,
            )
        return number


# `YYYY-MM-DD` as written, whether or not the calendar has that day.
DAY_SHAPE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class BookDay(click.DateTime):
    """A day given as `YYYY-MM-DD`, within the years a book keeps (1900 to 2999): a target
    set for a day outside them would be one its own report calls unreadable."""

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and (shape := DAY_SHAPE.fullmatch(value.strip())):
            year, month, day_of_month = map(int, shape.groups())
            try:
                date(year, month, day_of_month)
            except ValueError:
                # Written right, but no day: click said it did not match the format.
                self.fail(f"{value.strip()} is no day of the calendar", param, ctx)
        day = super().convert(value, param, ctx)
        if not FIRST_DAY <= day.date().isoformat() <= LAST_DAY:
            self.fail(
                f"{day:%Y-%m-%d} is outside the years a book keeps, {FIRST_DAY[:4]} to"
                f" {LAST_DAY[:4]}",
                param,
                ctx,
            )
        return day


BOOK_DAY = BookDay()


# What libpq's keyword connection strings start their settings with.
KEYWORD_CONNINFO = re.compile(r"(?:^|\s)(?:host|hostaddr|dbname|user|password|port)=")


class BookTarget(FilePath):
    """The book: a SQLite file, or a team's PostgreSQL database by its URL (kept as text)."""

    name = "file|url"

    def convert(  # type: ignore[override]
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path | str:
        if is_postgres_url(value):
            return str(value)
        if isinstance(value, str) and KEYWORD_CONNINFO.search(value):
            # Never echoed: such a string may hold a password.
            raise UserError(
                "give a team database as a postgresql:// URL (a keyword connection string"
                " such as host=... dbname=... is not read)"
            )
        if isinstance(value, str):
            refuse_other_urls(value, "--db")
        return super().convert(value, param, ctx)


def refuse_other_urls(target: str, named: str) -> None:
    """Refuse a book named by a URL that is not PostgreSQL's (`mysql://...`, a mistyped
    `postgresq:team`), unless a file of that name exists: opened as a path it would become
    a new, empty SQLite file, or a folder named after the scheme that does not exist."""
    scheme = url_scheme(target)
    if scheme is None or is_postgres_url(target) or os.path.exists(os.path.expanduser(target)):
        return
    shown = quoted(hide_passwords(target))
    raise UserError(
        f"{named} {shown} reads as a {scheme}: URL; a book is a file path or a postgresql://"
        " URL (for a new file whose name holds a colon, put ./ before it)"
    )


DB_PATH_OPTION = click.option(
    "--db",
    "db_path",
    type=BookTarget(),
    default=None,
    help=f"Database file or postgresql:// URL (default: ${DB_ENV}, else funnel.db in the"
    " user data folder).",
)


class Options:
    """Options given before the command name."""

    def __init__(self, db_path: Path | None) -> None:
        self.db_path = db_path
