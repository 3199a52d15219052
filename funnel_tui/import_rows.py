"""Reading a CSV file's records as prospect rows: cells cleaned, values checked, no database.

This half of an import only reads the file, so the app runs it off the database thread.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from funnel_tui.csv_read import CsvFile, CsvUnreadable, match_headers, read_csv
from funnel_tui.domain import Kind, Priority, Stage
from funnel_tui.exporter import FORMULA_STARTS
from funnel_tui.money import MAX_CENTS, AmountError, parse_amount
from funnel_tui.prospects import contact_problem, email_problem, phone_problem, timezone_problem
from funnel_tui.scripts.loader import METHOD_NAME
from funnel_tui.text import clean_optional, one_line
from funnel_tui.timestamps import from_stored, to_stored

# Lines read so far, and how many the file has.
Progress = Callable[[int, int], None]

KIND_VALUES = frozenset(kind.value for kind in Kind)
STAGE_VALUES = tuple(stage.value for stage in Stage)
# A CRM rating or our own priority, by the queue priority it becomes; others are ignored.
PRIORITY_WORDS = {
    "hot": Priority.HIGH, "warm": Priority.NORMAL, "medium": Priority.NORMAL,
    "cold": Priority.LOW,
    **{level.label: level for level in Priority},
    **{str(int(level)): level for level in Priority},
}  # fmt: skip
# Fields that keep a cell's line breaks; in the others a break is spreadsheet noise.
MULTILINE_FIELDS = frozenset({"needs", "pain_points", "objections", "goals"})
# Yes/no columns. An import only ever sets these flags: an empty or "no" cell never clears
# one, so that a do-not-call or a wrong number is never lost.
FLAG_FIELDS = {"do_not_call": "do not call", "wrong_number": "wrong number", "nurture": "nurture"}
FLAG_YES = frozenset({"1", "true", "yes", "y", "x"})
FLAG_NO = frozenset({"0", "false", "no", "n"})
PROGRESS_EVERY = 1000
SHOWN_HEADERS = 12


@dataclass(frozen=True)
class Rejected:
    """A row that was not imported: its line in the file and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ProspectFile:
    """A file's valid rows (with their lines) and rejected ones, before any is stored."""

    rows: list[tuple[int, dict[str, object]]]
    rejected: list[Rejected]
    encoding: str
    delimiter: str
    # Each header that filled a field, and the headers that filled none.
    columns: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


@cache
def _timezones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def _timezone(text: str) -> str:
    """`america/new_york` and HubSpot's `america_slash_new_york` as `America/New_York`."""
    wanted = text.lower().replace("_slash_", "/")
    return _timezones_by_lower_name().get(wanted, text)


def _kind(text: str) -> str | None:
    """Our own kinds, and any CRM lifecycle stage naming a customer; others are no kind."""
    lowered = text.lower()
    if lowered in KIND_VALUES:
        return lowered
    return Kind.CUSTOMER.value if "customer" in lowered else None


def _priority(text: str) -> Priority | None:
    """Salesforce's Hot/Warm/Cold rating, Pipedrive's `Hot lead` label, or our own priority."""
    return PRIORITY_WORDS.get(text.lower().removesuffix(" lead"))


def _first_filled(fields: list[str], positions: tuple[int, ...]) -> str:
    """The first non-empty cell, without the quote export puts before formula-like text."""
    for position in positions:
        if text := fields[position].strip():
            if text[0] == "'" and text.startswith(FORMULA_STARTS, 1):
                return text[1:]
            return text
    return ""


def _clean(text: str, multiline: bool) -> str:
    """Control characters stripped; line breaks kept only in the fields that hold prose."""
    # Printable text has no control characters and no whitespace but the plain space, so
    # most cells of a large file are already clean and skip the regular expressions.
    if text.isprintable():
        return " ".join(text.split()) if "  " in text and not multiline else text
    return (clean_optional(text) or "") if multiline else one_line(text)


# Each reads a cell into the row's stored value, or says why it cannot. A kind, stage,
# method or priority of another tool's own is left out rather than refused.
Converter = Callable[[str, dict[str, object]], str | None]


def _convert_kind(text: str, row: dict[str, object]) -> None:
    if known := _kind(text):
        row["kind"] = known


def _convert_stage(text: str, row: dict[str, object]) -> None:
    if text.lower() in STAGE_VALUES:
        row["stage"] = text.lower()


def _convert_method(text: str, row: dict[str, object]) -> None:
    if METHOD_NAME.fullmatch(text.lower()):
        row["method"] = text.lower()


def _convert_priority(text: str, row: dict[str, object]) -> None:
    if (level := _priority(text)) is not None:
        row["priority"] = int(level)


def _convert_deal_value(text: str, row: dict[str, object]) -> str | None:
    try:
        row["deal_value_cents"] = parse_amount(text)
    except AmountError as error:
        return f"deal value: {error}"
    return None


def _convert_cents(text: str, row: dict[str, object]) -> str | None:
    if not (text.isdigit() and int(text) <= MAX_CENTS):
        return f"deal value cents {text!r}: a whole number of cents up to {MAX_CENTS:,}"
    row["deal_value_cents"] = int(text)
    return None


def _convert_next_call(text: str, row: dict[str, object]) -> str | None:
    if (moment := from_stored(text)) is None:
        return f"next call {text!r}: a date and time such as 2026-12-03T14:30:00+00:00"
    row["next_call_at"] = to_stored(moment)
    return None


def _flag_converter(name: str, label: str) -> Converter:
    def convert(text: str, row: dict[str, object]) -> str | None:
        if text.lower() in FLAG_YES:
            row[name] = 1
        elif text.lower() not in FLAG_NO:
            return f"{label} {text!r}: yes or no"
        return None

    return convert


# In this order, so that exact cents win over an amount.
CONVERTERS: dict[str, Converter] = {
    "kind": _convert_kind,
    "stage": _convert_stage,
    "method": _convert_method,
    "priority": _convert_priority,
    "deal_value": _convert_deal_value,
    "deal_value_cents": _convert_cents,
    "next_call_at": _convert_next_call,
    **{name: _flag_converter(name, label) for name, label in FLAG_FIELDS.items()},
}


class _RowReader:
    """Reads the records of one file as prospect rows.

    What depends only on the header is worked out once, before the first record. The
    checks are the add/edit form's.
    """

    def __init__(self, columns: Mapping[str, list[int]], source: str) -> None:
        self.columns = [
            (name, tuple(positions), name in MULTILINE_FIELDS)
            for name, positions in columns.items()
        ]
        self.source = source
        self.converters = [
            (name, convert) for name, convert in CONVERTERS.items() if name in columns
        ]
        # A file repeats a handful of timezones: each is normalised and checked once.
        self.timezones: dict[str, tuple[str, str | None]] = {}

    def read(self, fields: list[str]) -> tuple[dict[str, object], list[str]]:
        """A record as the columns to store, and the reasons (if any) it cannot be imported."""
        cells: dict[str, str] = {}
        for name, positions, multiline in self.columns:
            if (text := _first_filled(fields, positions)) and (text := _clean(text, multiline)):
                cells[name] = text
        first, last = cells.pop("first_name", ""), cells.pop("last_name", "")
        if first or last:
            cells.setdefault("name", f"{first} {last}".strip())
        if self.source:
            cells["source"] = self.source
        to_convert = [
            (convert, text) for name, convert in self.converters if (text := cells.pop(name, ""))
        ]
        # The text fields are what is left, stored as they were read.
        row: dict[str, object] = dict(cells)
        reasons = []
        if "name" not in cells:
            reasons.append("a name is needed")
        email, phone = cells.get("email"), cells.get("phone")
        if reason := contact_problem(phone, email):
            reasons.append(reason)
        if email and (reason := email_problem(email)):
            reasons.append(f"email {email!r}: {reason}")
        if phone and (reason := phone_problem(phone)):
            reasons.append(f"phone {phone!r}: {reason}")
        if zone := cells.get("timezone"):
            row["timezone"], reason = self._timezone(zone)
            if reason:
                reasons.append(f"timezone {row['timezone']!r}: {reason}")
        for convert, text in to_convert:
            if reason := convert(text, row):
                reasons.append(reason)
        return row, reasons

    def _timezone(self, text: str) -> tuple[str, str | None]:
        """The zone's stored name, and why it is refused (None when it is known)."""
        if (known := self.timezones.get(text)) is None:
            name = _timezone(text)
            known = self.timezones[text] = (name, timezone_problem(name))
        return known


def _check_columns(csv_file: CsvFile, columns: Mapping[str, list[int]]) -> None:
    """Refuse a file that could not give a single valid row, naming the headers it has."""
    missing = []
    if not columns.keys() & {"name", "first_name", "last_name"}:
        missing.append("name column")
    if not columns.keys() & {"phone", "email"}:
        missing.append("phone or email column")
    if missing:
        raise CsvUnreadable(
            f"{csv_file.path} has no {' or '.join(missing)}"
            f" (headers found: {shown_headers(csv_file.header) or 'none'})"
        )


def shown_headers(headers: list[str]) -> str:
    """Headers as one line for a message: cleaned, blank ones left out, the first dozen."""
    found = [text for text in map(one_line, headers) if text]
    more = len(found) - SHOWN_HEADERS
    return ", ".join(found[:SHOWN_HEADERS]) + (f" and {more} more" if more > 0 else "")


def read_prospect_file(
    path: Path | str, *, source: str | None = None, progress: Progress | None = None
) -> ProspectFile:
    """Read and check every record of a CSV file; raises CsvUnreadable."""
    csv_file = read_csv(path)
    columns = match_headers(csv_file.header)
    _check_columns(csv_file, columns)
    reader = _RowReader(columns, one_line(source or ""))
    rows: list[tuple[int, dict[str, object]]] = []
    rejected: list[Rejected] = []
    width = len(csv_file.header)
    # Lone CRs end lines that the file's count of line feeds does not see.
    last_line = csv_file.line_count
    for done, record in enumerate(csv_file.records(), start=1):
        if len(record.fields) != width:
            rejected.append(
                Rejected(record.line, f"{len(record.fields)} fields, the header has {width}")
            )
        else:
            row, reasons = reader.read(record.fields)
            if reasons:
                rejected.append(Rejected(record.line, "; ".join(reasons)))
            else:
                rows.append((record.line, row))
        last_line = max(last_line, record.line)
        if progress and done % PROGRESS_EVERY == 0:
            progress(record.line, last_line)
    if progress:
        progress(last_line, last_line)
    found = {
        csv_file.header[position]: name
        for name, positions in columns.items()
        for position in positions
    }
    return ProspectFile(
        rows=rows,
        rejected=rejected,
        encoding=csv_file.encoding_name,
        delimiter=csv_file.delimiter_name,
        columns=found,
        ignored=[text for text in csv_file.header if text not in found and one_line(text)],
    )
