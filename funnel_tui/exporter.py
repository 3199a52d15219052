"""Exporting prospects and calls as CSV or JSON, streamed, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from funnel_tui.foreign_values import MARK
from funnel_tui.text import ACTING_BUT_LINE_ENDS

if TYPE_CHECKING:
    import sqlite_utils

# What a whole file's writer returns: a count, or what the file holds.
Written = TypeVar("Written")

EXPORT_TABLES = ("prospects", "calls")
# How often an export tells its progress, in rows (a tenth of a second or so).
PROGRESS_ROWS = 10_000

# Calls carry their prospect's name, company and source, so marketing sees outcomes by source,
# the reason beside a not-interested outcome, so the lost reasons the report counts can be read
# call by call, and the rep who made each (empty in a one-rep book), so a manager can split
# them by rep.
QUERIES = {
    "prospects": "SELECT * FROM prospects ORDER BY id",
    "calls": """
        SELECT calls.id, calls.prospect_id, prospects.name AS prospect_name,
               prospects.company, prospects.source, calls.started_at, calls.duration_s,
               calls.outcome, calls.reason, calls.method, calls.notes, calls.follow_up_at, calls.rep
        FROM calls JOIN prospects ON prospects.id = calls.prospect_id
        ORDER BY calls.started_at, calls.id
    """,
}
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A cell that is exactly a phone number stays as it is, so that dialers and CRMs read it:
# digits, spaces, dots, dashes and brackets make no formula that can call or reach anything,
# and neither does the extension of a stored number (`+15550001000;ext=12`). It must have
# the shape of a real number: `+` then a digit, and at least PHONE_CELL_DIGITS digits before
# any extension (`+1-2` or `+(1)` is quoted like any other text).
PHONE_CELL = re.compile(r"\+([0-9][0-9 .()\-]*)(?:;ext=[0-9]+)?")
PHONE_CELL_DIGITS = 7

# What a terminal acts on rather than shows, as clean_text knows it, but the line ends a
# CSV file's rows end with: ESC opens escape sequences, U+009B is an 8-bit CSI, and the
# bidirectional overrides and isolates reorder the text after them.
TERMINAL_ACTING = re.compile(f"[{ACTING_BUT_LINE_ENDS}]")
# Those, and on a terminal a carriage return that ends no line: it sends the cursor back to
# the start of the row, and what follows it is written over the cells before it. CSV ends
# each row with CR LF in one write, which stays a line end.
SCREEN_ACTING = re.compile(f"[{ACTING_BUT_LINE_ENDS}]|\r(?!\n)")

Writer = Callable[[Sequence[str], Iterable[Sequence[Any]], TextIO], int]


class ExportFailed(Exception):
    """The export file could not be written; str() is one line naming the file."""


def export_rows(
    db: sqlite_utils.Database, table: str
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """The column names and a stream of rows of `prospects` or `calls`."""
    cursor = db.execute(QUERIES[_exported(table)])
    return [column[0] for column in cursor.description], iter(cursor)


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, behind a `'`; a BLOB another
    tool stored, which neither CSV nor JSON can hold, as `?`; others as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _phone_cell(value):
        return f"'{value}"
    return neutralise_blob(value)


def _phone_cell(value: str) -> bool:
    """Whether a cell is exactly a phone number, kept as it is (PHONE_CELL)."""
    found = PHONE_CELL.fullmatch(value)
    return bool(found) and sum(c.isdigit() for c in found.group(1)) >= PHONE_CELL_DIGITS


def neutralise_blob(value: Any) -> Any:
    """A BLOB another tool stored, which neither CSV nor JSON can hold, as `?`."""
    return MARK if isinstance(value, bytes) else value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """Write a header and the rows as CSV (open `out` with newline=""); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
        count += 1
    return count


def write_json(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    """Write the rows as a JSON list of objects, one per line; returns the row count."""
    count = 0
    for row in rows:
        out.write(",\n" if count else "[\n")
        record = {
            column: neutralise_blob(value) for column, value in zip(columns, row, strict=True)
        }
        out.write(json_text(record))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


def json_text(value: Any, *, indent: int | None = None) -> str:
    """`value` as JSON, with what a terminal acts on written as `\\uXXXX` escapes: the same
    text to any JSON reader, and inert on a terminal (JSON escapes only C0 controls)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return TERMINAL_ACTING.sub(lambda found: f"\\u{ord(found[0]):04x}", text)


class TerminalOutput:
    """Standard output on a terminal, for an export: what a terminal acts on (an escape, a
    C1 control, a bidirectional override, a carriage return inside a value that another
    tool stored) is written as a visible escape, `\\x1b`. A file or a pipe gets the data
    as stored."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(SCREEN_ACTING.sub(_visible, text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)


def _visible(found: re.Match[str]) -> str:
    code = ord(found[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_the_screen(out: TextIO) -> TextIO:
    """`out` as an export writes to it: made safe to show when it is a terminal."""
    return TerminalOutput(out) if out.isatty() else out  # type: ignore[return-value]


WRITERS: dict[str, Writer] = {"csv": write_csv, "json": write_json}
EXPORT_FORMATS = tuple(WRITERS)


def export_to_file(
    db: sqlite_utils.Database,
    table: str,
    file_format: str,
    path: Path,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Write an export to `path` whole or not at all; returns the row count. `progress`
    hears how many rows are written, every PROGRESS_ROWS.

    Raises ExportFailed naming the file, and leaves any file already there as it was.
    """
    if path.is_dir():
        raise ExportFailed(f"{path} is a folder; name a file to export to")
    columns, rows = export_rows(db, table)
    if progress is not None:
        rows = _telling(rows, progress)
    write = WRITERS[file_format]
    return write_whole_file(path, lambda out: write(columns, rows, out))


def export_total(db: sqlite_utils.Database, table: str) -> int:
    """How many rows an export of `table` writes, for its progress: every call has its
    prospect (a foreign key), so the table's count."""
    (count,) = db.execute(f"SELECT count(*) FROM {_exported(table)}").fetchone()
    return int(count)


def _exported(table: str) -> str:
    """`table`, one of EXPORT_TABLES; ValueError for any other."""
    if table not in QUERIES:
        raise ValueError(f"cannot export {table!r}: choose one of {', '.join(EXPORT_TABLES)}")
    return table


def _telling(
    rows: Iterator[tuple[Any, ...]], progress: Callable[[int], object]
) -> Iterator[tuple[Any, ...]]:
    """`rows`, telling `progress` how many have gone by every PROGRESS_ROWS."""
    for number, row in enumerate(rows, 1):
        yield row
        if not number % PROGRESS_ROWS:
            progress(number)


def write_whole_file(path: Path, write: Callable[[TextIO], Written]) -> Written:
    """Write a file at `path` whole or not at all (`write` fills it and returns what it
    wrote, a count).

    Raises ExportFailed naming the file, and leaves any file already there as it was.
    """
    if path.is_dir():
        raise ExportFailed(f"{path} is a folder; name a file to write to")
    try:
        if path.exists() and not path.is_file():
            # A FIFO or a device such as /dev/stdout is a stream: there is no half file to avoid.
            with path.open("w", encoding="utf-8", newline="") as out:
                return write(out)
        # Through a link, the file it points to is replaced and the link stays a link.
        target = Path(os.path.realpath(path))
        if target.parent.is_dir() and not os.access(target.parent, os.W_OK | os.X_OK):
            # The file is written beside its name, then renamed: the folder is what
            # refuses, also where the file there could be written over.
            raise ExportFailed(
                f"cannot write {path}: the folder {target.parent} does not let you make files"
            )
        return _write_then_rename(target, write)
    except OSError as error:
        raise ExportFailed(f"cannot write {path}: {error.strerror or error}") from error


def _write_then_rename(path: Path, write: Callable[[TextIO], Written]) -> Written:
    """Write a temporary file beside `path` and rename it over `path` once it is complete."""
    temporary = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    # Created like any new file (the umask applies), or with the permissions of the file it
    # replaces, so a private export stays private.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as out:
            if path.exists():
                os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
            written = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return written
