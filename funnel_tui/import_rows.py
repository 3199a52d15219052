"""Reading a CSV file's records as prospect rows: cells cleaned, values checked, no database.

This half of an import only reads the file, one record at a time.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache, partial
from pathlib import Path
from types import MappingProxyType

from funnel_tui.countries import country_region
from funnel_tui.csv_read import (
    DELIMITER_NAMES,
    MAX_CELL_CHARS,
    CsvFile,
    CsvRecord,
    CsvUnreadable,
    footer_text,
    header_key,
    match_headers,
    read_csv,
    without_footer,
)
from funnel_tui.domain import BUILTIN_METHODS, Kind, Priority, Stage, TaskKind
from funnel_tui.exporter import FORMULA_STARTS, PHONE_CELL_DIGITS
from funnel_tui.foreign_values import FIRST_DAY, LAST_DAY, Unreadable, read_day, read_moment
from funnel_tui.import_keys import FILE_ID, OTHER_CONTACTS
from funnel_tui.money import MAX_CENTS, AmountError, parse_amount
from funnel_tui.phones import PhoneRefused, phone_problem, read_phone_in_zone, same_number
from funnel_tui.prospects import contact_problem, email_problem, timezone_problem
from funnel_tui.scripts.loader import METHOD_NAME
from funnel_tui.text import clean_optional, one_line, quoted, says_nothing
from funnel_tui.timestamps import from_stored, to_stored

# Lines read so far, and how many the file has.
Progress = Callable[[int, int], None]

KIND_VALUES = tuple(kind.value for kind in Kind)
STAGE_VALUES = tuple(stage.value for stage in Stage)
# A CRM rating or our own priority, by the queue priority it becomes; others are not understood.
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
FLAG_FIELDS = {
    "do_not_call": "do not call",
    "wrong_number": "wrong number",
    "nurture": "nurture",
    "do_not_email": "do not email",
}
FLAG_YES = frozenset({"1", "true", "yes", "y", "x"})
FLAG_NO = frozenset({"0", "false", "no", "n"})
PROGRESS_EVERY = 1000
SHOWN_HEADERS = 12
# Values a column did not make sense of, quoted in the summary; the rest are counted.
SHOWN_VALUES = 3
# Rows whose second value for a field was not imported, listed; the rest are counted.
SHOWN_SET_ASIDE = 20
# The distinct country cells of a file whose regions are kept, not looked up again.
CACHED_COUNTRIES = 1000
# The most digits of an `id` cell read as a prospect id: any such number fits in 64 bits.
MAX_ID_DIGITS = 18
# The fields a CRM may give several values of in one cell (`kim@a.example, kim@b.example`),
# by what the summary calls them, and what separates the values: a comma or a semicolon,
# or a slash with spaces around it (`030/901820` is one number).
SEVERAL_FIELDS = {"phone": "numbers", "email": "emails"}
# The fields whose cells are checked as a way to reach the prospect: a cell of them that
# says it has no value (`N/A`, `-`, `none`) is read as a blank one.
CHECKED_CONTACTS = frozenset(SEVERAL_FIELDS)
# Besides: `NA`, which in a country cell is Namibia.
NO_CONTACT = frozenset({"na"})
BETWEEN_VALUES = re.compile(r"\s*[,;]\s*|\s+/\s+")
# A method's name as a CRM writes it: words of letters and digits, apart by spaces, `-`
# or `_` (`Value Proposition`, `value-proposition`).
METHOD_WORDS = re.compile(r"[a-z0-9]+(?:[ _-]+[a-z0-9]+)*")
BETWEEN_METHOD_WORDS = re.compile(r"[ _-]+")


@dataclass(frozen=True)
class Rejected:
    """A row that was not imported: its line in the file and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class NotUnderstood:
    """A column's kinds, stages, methods or priorities that are none of ours: those rows
    were imported without that field, so each keeps what it had (or the default). Or its
    countries that name none phonenumbers knows: their numbers were read as without one."""

    field: str
    header: str
    rows: int = 0
    examples: list[str] = field(default_factory=list)
    more_values: bool = False
    """Whether there were other values than the examples."""

    def note(self, text: str) -> None:
        self.rows += 1
        if text not in self.examples:
            if len(self.examples) < SHOWN_VALUES:
                self.examples.append(text)
            else:
                self.more_values = True


@dataclass(frozen=True)
class SetAside:
    """A cell not imported because another column for the same field held another value,
    kept instead: the first column's, but a phone that can be dialled or a flag's yes."""

    line: int
    column: str
    value: str
    kept: str

    def __str__(self) -> str:
        return (
            f"line {self.line}: {self.column} {quoted(self.value)} not imported; kept"
            f" {quoted(self.kept)}"
        )


@dataclass(frozen=True)
class SeveralValues:
    """A cell that held several phone numbers or emails: the first was read, the others
    (all but any that repeat the one kept) not imported."""

    line: int
    column: str
    field: str
    others: tuple[str, ...]
    kept: str

    def __str__(self) -> str:
        others = ", ".join(map(quoted, self.others))
        return (
            f"line {self.line}: {self.column} holds several {SEVERAL_FIELDS[self.field]}:"
            f" {others} not imported; kept {quoted(self.kept)}"
        )


@dataclass(frozen=True)
class UnknownPhone:
    """A number kept although phonenumbers does not know it as in use (PRODUCT 15)."""

    line: int
    value: str
    warning: str

    def __str__(self) -> str:
        return f"line {self.line}: phone {self.value!r}: {self.warning}"


# A `?` before a letter (`?ukasz`, `Mi?osz`): what a file saved in an encoding without that
# letter (Windows-1252 has no `Ł`) writes in its place.
LOST_LETTER = re.compile(r"\?(?=[^\W\d_])")
# The fields whose text a lost letter is looked for in.
LETTER_FIELDS = ("name", "company")


@dataclass(frozen=True)
class LostLetter:
    """A name or company kept with a `?` where the file's encoding lost a letter."""

    line: int
    field: str
    value: str

    def __str__(self) -> str:
        return (
            f"line {self.line}: {self.field} {quoted(self.value)} has a ? where the file's"
            " encoding may have lost a letter"
        )


@dataclass
class ProspectFile:
    """What reading a file found besides its valid rows: the rejected ones (with their
    lines), how it is written, and what the summary says about its columns and values."""

    rejected: list[Rejected]
    encoding: str
    delimiter: str
    # The country of numbers written without a country code, where a row's country or
    # zone does not say another: the rows' phones are stored in E.164 as read against
    # it, and the book's are matched with it.
    phone_region: str
    # Each header that filled a field, and the headers that filled none.
    columns: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    # A later column for a field that an earlier one fills: "X used only where Y is empty".
    fallbacks: list[str] = field(default_factory=list)
    not_understood: list[NotUnderstood] = field(default_factory=list)
    # The first SHOWN_SET_ASIDE of them, and how many there were in all.
    set_aside: list[SetAside] = field(default_factory=list)
    set_aside_count: int = 0
    # The first SHOWN_SET_ASIDE numbers kept with a warning, and how many there were.
    unknown_phones: list[UnknownPhone] = field(default_factory=list)
    unknown_phone_count: int = 0
    # The first SHOWN_SET_ASIDE names and companies with a letter lost, and how many.
    lost_letters: list[LostLetter] = field(default_factory=list)
    lost_letter_count: int = 0
    # The first SHOWN_SET_ASIDE cells that held several values, and how many there were.
    several_values: list[SeveralValues] = field(default_factory=list)
    several_value_count: int = 0
    # The lines of one cell after the last row (a report's footer) left out, and the first.
    footer_lines: int = 0
    footer_start: str = ""


@cache
def _timezones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def _timezone(text: str) -> str:
    """`america/new_york` and HubSpot's `america_slash_new_york` as `America/New_York`."""
    wanted = text.lower().replace("_slash_", "/")
    return _timezones_by_lower_name().get(wanted, text)


# Each reads a cell of a kind, stage, method or priority column as the value to store,
# KEEP for a value understood that changes nothing, or None when the value is none of ours.
Chooser = Callable[[str], str | int | None]
KEEP = "(keep)"


# HubSpot's lifecycle stages (as its exports label them or as its API names them) that say
# where a contact is in marketing's funnel, not whether a rep has spoken to them: read,
# and the kind left as it was (a known prospect stays known). An evangelist is a customer.
_LIFECYCLE_OF_NO_KIND = frozenset(
    {"subscriber", "lead", "marketingqualifiedlead", "mql", "salesqualifiedlead", "sql",
     "opportunity", "other"}
)  # fmt: skip


def _kind(text: str) -> str | None:
    """Our own kinds, and any CRM lifecycle stage naming a customer; KEEP for one of
    HubSpot's other lifecycle stages."""
    lowered = text.lower()
    if lowered in KIND_VALUES:
        return lowered
    if "customer" in lowered or lowered == "evangelist":
        return Kind.CUSTOMER.value
    return KEEP if "".join(lowered.split()) in _LIFECYCLE_OF_NO_KIND else None


def _stage(text: str) -> str | None:
    return lowered if (lowered := text.lower()) in STAGE_VALUES else None


def _method(text: str) -> str | None:
    return lowered if METHOD_NAME.fullmatch(lowered := text.lower()) else None


def _method_key(text: str) -> str | None:
    """A method's name as a CRM writes it, lowered, each run of spaces, `-` and `_` one
    `_` (`Value Proposition` -> `value_proposition`); None for other text."""
    lowered = text.strip().lower()
    return BETWEEN_METHOD_WORDS.sub("_", lowered) if METHOD_WORDS.fullmatch(lowered) else None


def method_names(names: Mapping[str, str]) -> dict[str, str]:
    """Each way a CRM's column may name a method of `names` (method -> the name funnel
    shows): its key, or its name with or without `Selling`, as `_method_key` writes it."""
    found: dict[str, str] = {}
    for method, name in names.items():
        for said in (method, name):
            if (key := _method_key(said)) is not None:
                found.setdefault(key, method)
                found.setdefault(key.removesuffix("_selling"), method)
    return found


def _named_method(text: str, known: Mapping[str, str]) -> str | None:
    """A method as a CRM's column names it (`Value Proposition`, `Solution Selling`,
    `value-proposition`, or the name of a method of the rep's own files); None for a
    method there is no script for. `known` is `method_names`'."""
    key = _method_key(text)
    return None if key is None else known.get(key)


def _priority(text: str) -> int | None:
    """Salesforce's Hot/Warm/Cold rating, Pipedrive's `Hot lead` label, or our own priority."""
    level = PRIORITY_WORDS.get(text.lower().removesuffix(" lead"))
    return None if level is None else int(level)


def _own_kind(text: str) -> str | None:
    return lowered if (lowered := text.lower()) in KIND_VALUES else None


OWN_PRIORITIES = {
    **{level.label: int(level) for level in Priority},
    **{str(int(level)): int(level) for level in Priority},
}


def _own_priority(text: str) -> int | None:
    return OWN_PRIORITIES.get(text.lower())


# The methods with a script when the rep has added none: method -> the name funnel shows.
BUILTIN_METHOD_NAMES = MappingProxyType({method.value: method.name for method in BUILTIN_METHODS})

CHOOSERS: dict[str, Chooser] = {
    "kind": _kind,
    "stage": _stage,
    # Read with the book's methods (`_RowReader`): `_named_method`.
    "method": _method,
    "priority": _priority,
}
# Under a header spelled exactly as our export spells it, a column holds only our values:
# any other means the file is not what it claims, so the row is refused, not guessed at.
OWN_CHOOSERS: dict[str, tuple[Chooser, str]] = {
    "kind": (_own_kind, f"{', '.join(KIND_VALUES[:-1])} or {KIND_VALUES[-1]}"),
    "stage": (_stage, ", ".join(STAGE_VALUES)),
    "method": (_method, "a method name of lowercase letters, digits and _"),
    "priority": (_own_priority, "0, 1 or 2 (low, normal, high)"),
}


def _flag_says(text: str) -> bool | None:
    """A flag cell's yes (True) or no (False); None when it is neither."""
    lowered = text.lower()
    return True if lowered in FLAG_YES else False if lowered in FLAG_NO else None


def _not_yes_or_no(label: str, text: str) -> str:
    return f"{label} {quoted(text)}: yes or no"


def _same_value(name: str, first: str, other: str, phone_region: str) -> bool:
    """Whether a second column's cell says what the first did: a phone by its number, a
    country by its region (`United Kingdom` and `GB` agree), a flag by its yes or no (`y`
    and `1` agree)."""
    if name == "phone":
        return same_number(first, other, phone_region)
    if name == "country" and (region := country_region(first)) is not None:
        return country_region(other) == region
    if name in FLAG_FIELDS and (says := _flag_says(first)) is not None:
        return _flag_says(other) is says
    return first.casefold() == other.casefold()


def _can_be_dialled(region: str, country: str | None, text: str) -> bool:
    """Whether a row's number can be dialled, read in its `country` or the book's region."""
    return not phone_problem(text, region, country)


def _column(header: list[str], position: int) -> str:
    return f"{one_line(header[position])} (column {position + 1})"


def _clean(text: str, multiline: bool) -> str:
    """Control characters stripped; line breaks (LF, CR LF or CR alone) kept only in the
    fields that hold prose, a space in the others; accented letters written as a letter
    and a combining accent (as exports from a Mac write them) joined into one, as a rep
    types them, so that the filter and the dedupe find them as typed."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    # Printable text has no control characters and no whitespace but the plain space, so
    # most cells of a large file are already clean and skip the regular expressions.
    if text.isprintable():
        return " ".join(text.split()) if "  " in text and not multiline else text
    if "\r" in text:
        # A line break in a cell of a file whose lines end in CR alone (Excel for Mac's
        # CSV): a break, as LF is, never a character to drop (`Cy\rCrane` is `Cy Crane`).
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (clean_optional(text) or "") if multiline else one_line(text)


# Each reads a cell into the row's stored value, or says why it cannot.
Converter = Callable[[str, dict[str, object]], str | None]


def _convert_deal_value(currency: str, text: str, row: dict[str, object]) -> str | None:
    try:
        row["deal_value_cents"] = parse_amount(text, currency)
    except AmountError as error:
        return f"deal value: {error}"
    return None


def _convert_cents(text: str, row: dict[str, object]) -> str | None:
    # The length first: Python refuses to read a number of thousands of digits at all.
    if not (text.isdigit() and len(text) <= len(str(MAX_CENTS)) and int(text) <= MAX_CENTS):
        return f"deal value cents {quoted(text)}: a whole number of cents up to {MAX_CENTS:,}"
    row["deal_value_cents"] = int(text)
    return None


def _convert_next_call(text: str, row: dict[str, object]) -> str | None:
    # What is stored must pass `funnel check`'s own reader, so the two never disagree.
    try:
        if (moment := from_stored(text)) is None:
            raise Unreadable
        stored = to_stored(moment)
        read_moment(stored)
    except (Unreadable, OverflowError):
        return (
            f"next call {quoted(text)}: a date and time from {FIRST_DAY[:4]} to {LAST_DAY[:4]}"
            " such as 2026-12-03T14:30:00+00:00"
        )
    row["next_call_at"] = stored
    return None


def _convert_close_on(day_first: bool, text: str, row: dict[str, object]) -> str | None:
    """An open opportunity's expected close, as funnel's export writes it (YYYY-MM-DD), or
    as a CRM or a spreadsheet does (`3/31/2026`, `31.03.2026`, `Mar 31, 2026`), read in
    the book's order of day and month where the two could be either (`01/02/2026`)."""
    try:
        read_day(text)  # the whole text is the day, as the form and `funnel check` read it
    except Unreadable:
        day = written_day(text, day_first)
        if day is None:
            return (
                f"expected close date {quoted(text)}: a date from {FIRST_DAY[:4]} to"
                f" {LAST_DAY[:4]} such as 2026-12-31"
            )
        text = day.isoformat()
    row["expected_close_on"] = text
    return None


# Two days no date shares all its parts with: a date read with each as the default is
# the same day only when the text gave its day, month and year.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))
# A date written with dots (`1.2.2026`): the day first, wherever it is written so.
DOTTED_DATE = re.compile(r"\s*[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2,4}\b")


def written_day(text: str, day_first: bool) -> date | None:
    """The day a cell writes with its day, month and year, in any common form, from
    FIRST_DAY to LAST_DAY; None for anything else (a month alone, a time alone, no date).
    Where the day and the month could be either, `day_first` says which comes first,
    but for a date written with dots, which puts the day first everywhere."""
    from dateutil.parser import ParserError, parse

    day_first = day_first or DOTTED_DATE.match(text) is not None
    try:
        first, second = (parse(text, dayfirst=day_first, default=at) for at in _DEFAULTS)
    except (ParserError, ValueError, OverflowError):
        return None
    day = first.date()
    if day != second.date() or not FIRST_DAY <= day.isoformat() <= LAST_DAY:
        return None
    return day


def _convert_flag(name: str, label: str, text: str, row: dict[str, object]) -> str | None:
    if (says := _flag_says(text)) is None:
        return _not_yes_or_no(label, text)
    if says:
        row[name] = 1
    return None


def _flag_converter(name: str, label: str) -> Converter:
    # A partial of a module's function, not a closure: a large file's reader is pickled
    # to the process it is read in (read_process), and a closure does not pickle.
    return partial(_convert_flag, name, label)


def _convert_guessed(text: str, row: dict[str, object]) -> str | None:
    """Our export's mark on a timezone guessed from the number: it stays a guess; and a
    row it says has no guess, with no timezone, gets none now (the prospect had no zone in
    the book the file came from, and comes back so)."""
    if (says := _flag_says(text)) is None:
        return _not_yes_or_no("timezone guessed", text)
    if says and row.get("timezone"):
        row["timezone_guessed"] = 1
    elif not says and row.get("timezone_guessed"):
        # Guessed from the number as the row was read: its cell was empty.
        del row["timezone"], row["timezone_guessed"]
    return None


def _convert_task_kind(text: str, row: dict[str, object]) -> str | None:
    """What the next call is (our export's `next_task_kind`): a callback or a meeting
    goes first in the queue, where a plain call would wait its turn."""
    try:
        row["next_task_kind"] = TaskKind(text.lower())
    except ValueError:
        return f"next task kind {quoted(text)}: one of {', '.join(TaskKind)}"
    return None


def converters(currency: str, day_first: bool = True) -> dict[str, Converter]:
    """What reads each field that is more than text, for a book kept in `currency`, with
    the day before the month or not; in this order, so that exact cents win over an
    amount. (A `partial`, not a closure: the reader is pickled to the process it runs in.)"""
    return {
        "deal_value": partial(_convert_deal_value, currency),
        "deal_value_cents": _convert_cents,
        "next_call_at": _convert_next_call,
        "next_task_kind": _convert_task_kind,
        "expected_close_on": partial(_convert_close_on, day_first),
        "timezone_guessed": _convert_guessed,
        **{name: _flag_converter(name, label) for name, label in FLAG_FIELDS.items()},
    }


def is_id_column(header: str) -> bool:
    """The `id` column, as funnel's export names it: no field of its own, but which
    prospect a row was, which the import matches it to first."""
    return header_key(header) == "id"


class _RowReader:
    """Reads the records of one file as prospect rows, and notes what a summary should say.

    What depends only on the header is worked out once, before the first record. The
    checks are the add/edit form's.
    """

    def __init__(
        self,
        header: list[str],
        columns: Mapping[str, list[int]],
        source: str,
        phone_region: str,
        currency: str,
        *,
        delimiter: str,
        methods: Mapping[str, str],
        day_first: bool = True,
    ) -> None:
        self.header = header
        self.delimiter = delimiter
        # Where a row of the file has its email and its phone, if it has them.
        self.email_at = columns["email"][0] if columns.get("email") else None
        self.phone_at = columns["phone"][0] if columns.get("phone") else None
        self.phone_region = phone_region
        # The country first: a row's numbers are read in it, its other phone columns too.
        self.columns = sorted(
            (
                (name, tuple(positions), name in MULTILINE_FIELDS, name in SEVERAL_FIELDS)
                for name, positions in columns.items()
            ),
            key=lambda column: column[0] != "country",
        )
        self.source = source
        self.converters = [
            (name, convert)
            for name, convert in converters(currency, day_first).items()
            if name in columns
        ]
        self.choosers: list[tuple[str, Chooser, str | None]] = []
        self.not_understood: dict[str, NotUnderstood] = {}
        for name, choose in CHOOSERS.items():
            if positions := columns.get(name):
                headers = [header[position].strip() for position in positions]
                if name in headers:
                    self.choosers.append((name, *OWN_CHOOSERS[name]))
                    continue
                if name == "method":
                    choose = partial(_named_method, known=method_names(methods))
                self.choosers.append((name, choose, None))
                self.not_understood[name] = NotUnderstood(name, one_line(headers[0]))
        if positions := columns.get("country"):
            self.not_understood["country"] = NotUnderstood(
                "country", one_line(header[positions[0]].strip())
            )
        # A file repeats a handful of countries: each is looked up once, None when it
        # names none phonenumbers knows.
        self.countries: dict[str, str | None] = {}
        self.set_aside: list[SetAside] = []
        self.set_aside_count = 0
        self.unknown_phones: list[UnknownPhone] = []
        self.unknown_phone_count = 0
        self.lost_letters: list[LostLetter] = []
        self.lost_letter_count = 0
        self.several_values: list[SeveralValues] = []
        self.several_value_count = 0
        # A file repeats a handful of timezones: each is normalised and checked once.
        self.timezones: dict[str, tuple[str, str | None]] = {}
        self.id_position = next(
            (position for position, text in enumerate(header) if is_id_column(text)), None
        )

    def _too_long(self, fields: list[str]) -> str | None:
        """Why a record with a cell longer than MAX_CELL_CHARS is refused, if it has one."""
        for position, cell in enumerate(fields):
            if len(cell) > MAX_CELL_CHARS:
                column = self.header[position] if position < len(self.header) else ""
                name = one_line(column) or f"column {position + 1}"
                return (
                    f"{name}: {len(cell):,} characters, more than the {MAX_CELL_CHARS:,}"
                    " a cell may hold"
                )
        return None

    def rows_read_into(self, fields: list[str]) -> str | None:
        """Why a record that runs over several lines holds rows of the file, if one of
        its cells does: a line after a line break in it reads as a row of the file, as
        the rows a quote left open reads into its cell do. A line break in a cell is
        otherwise a spreadsheet's (a name or an address typed over two lines, a note's
        paragraphs)."""
        for position, cell in enumerate(fields):
            # Every cell, the columns the import leaves out too (`Notes`): the rows a
            # quote left open there reads would be lost with the rest of the cell.
            if self.holds_rows(cell, position):
                return (
                    f"{_column(self.header, position)} holds line breaks and"
                    f" {DELIMITER_NAMES[self.delimiter]}s, as rows would"
                )
        return None

    def holds_rows(self, cell: str, position: int) -> bool:
        """Whether the cell, at `position` in its row, holds rows of the file: a line
        after a line break in it reads as one (as many cells as the header: a row a quote
        left open read has no quotes left to hold more), or its first line reads as the
        rest of its own row (as many cells as the row has left from `position`: the
        cells its open quote took in, the next row's first cells then filling the row's
        last), each with an email where the email column is or a number where the phone
        is."""
        if cell.isprintable():
            return False
        first, *after = cell.replace("\r", "\n").split("\n")
        rest_of_row = first.split(self.delimiter)
        if (
            len(rest_of_row) > 1
            and position + len(rest_of_row) == len(self.header)
            and self._reads_as_a_row(rest_of_row, position)
        ):
            return True
        for line in after:
            cells = line.split(self.delimiter)
            if len(cells) == len(self.header) and self._reads_as_a_row(cells, 0):
                return True
        return False

    def _reads_as_a_row(self, cells: list[str], start: int) -> bool:
        """Whether `cells`, the row's from `start` on, hold an email where the email
        column is or a number where the phone is."""
        email_at, phone_at = self.email_at, self.phone_at
        if email_at is not None and email_at >= start and "@" in cells[email_at - start]:
            return True
        if phone_at is None or phone_at < start:
            return False
        digits = sum(character.isdigit() for character in cells[phone_at - start])
        return digits >= PHONE_CELL_DIGITS

    def read(self, line: int, fields: list[str]) -> tuple[dict[str, object], list[str]]:
        """A record as the columns to store, and the reasons (if any) it cannot be imported."""
        if too_long := self._too_long(fields):
            return {}, [too_long]
        cells: dict[str, str] = {}
        # Cells of a later column for a field that an earlier one filled differently.
        extra: list[tuple[str, int, str]] = []
        # The values after the first of cells that held several, by field and column.
        more: list[tuple[str, int, list[str]]] = []
        # Why the row cannot be imported, if it cannot.
        reasons: list[str] = []
        # The row's emails and numbers beside the one kept of each, as (field, text).
        contacts: list[tuple[str, str]] = []
        # The region of the row's country, once its column is read (the first).
        country: str | None = None
        for name, positions, multiline, several in self.columns:
            found = ""
            first, start = 0, len(extra)
            for position in positions:
                if not (text := fields[position].strip()):
                    continue
                # Without the quote our export puts before formula-like text.
                if text[0] == "'" and text.startswith(FORMULA_STARTS, 1):
                    text = text[1:]
                if not (text := _clean(text, multiline)):
                    continue
                if name in CHECKED_CONTACTS and says_nothing(text, also=NO_CONTACT):
                    # `N/A` for a phone or an email is none, not one that refuses the row.
                    continue
                # The separators are looked for first: few cells hold any.
                if (
                    several
                    and ("," in text or ";" in text or " / " in text)
                    and (values := self._several(name, text, country))
                ):
                    text = values[0]
                    more.append((name, position, values[1:]))
                    contacts += [(name, value) for value in values[1:]]
                if not found:
                    found = cells[name] = text
                    first = position
                elif not _same_value(name, found, text, country or self.phone_region):
                    extra.append((text, position, found))
            if name == "country":
                country = self._country(found)
            if not extra[start:]:
                continue
            if several:
                # Another column's (a Mobile beside the Phone), whichever is kept.
                contacts += [(name, found)] + [(name, text) for text, _, _ in extra[start:]]
            if name == "phone" and phone_problem(found, self.phone_region, country):
                # The first number that can be dialled (a Mobile column) is the phone.
                extra[start:] = _keep_first_that(
                    partial(_can_be_dialled, self.phone_region, country),
                    cells,
                    name,
                    extra[start:],
                    first,
                )
            elif name in FLAG_FIELDS:
                # A yes in any column is kept: a do-not-call said anywhere is never dropped.
                if found.lower() not in FLAG_YES:
                    extra[start:] = _keep_first_that(
                        lambda text: text.lower() in FLAG_YES, cells, name, extra[start:], first
                    )
                # A cell that says neither refuses the row in any column, as in the first.
                reasons.extend(
                    _not_yes_or_no(FLAG_FIELDS[name], text)
                    for text, _, _ in extra[start:]
                    if _flag_says(text) is None
                )
        # Not stored: it says how to read the row's numbers.
        country_text = cells.pop("country", "")
        # The first name is kept as well: it is how the scripts greet them.
        first, last = cells.get("first_name", ""), cells.pop("last_name", "")
        if first or last:
            cells.setdefault("name", _whole_name(first, last))
        if self.source:
            cells["source"] = self.source
        to_convert = [
            (convert, text) for name, convert in self.converters if (text := cells.pop(name, ""))
        ]
        to_choose = [
            (name, choose, own, text)
            for name, choose, own in self.choosers
            if (text := cells.pop(name, ""))
        ]
        # The text fields are what is left, stored as they were read.
        row: dict[str, object] = dict(cells)
        if "name" not in cells:
            reasons.append("a name is needed")
        email, phone = cells.get("email"), cells.get("phone")
        if reason := contact_problem(phone, email):
            reasons.append(reason)
        if email and (reason := email_problem(email)):
            reasons.append(f"email {quoted(email)}: {reason}")
        if zone := cells.get("timezone"):
            row["timezone"], reason = self._timezone(zone)
            row["timezone_guessed"] = 0
            if reason:
                reasons.append(f"timezone {quoted(row['timezone'])}: {reason}")
        unknown = None
        if phone:
            try:
                # A number without its country code, in the row's country, or its zone's,
                # when that knows it as in use.
                number = read_phone_in_zone(phone, self.phone_region, row.get("timezone"), country)
            except PhoneRefused as refused:
                reasons.append(f"phone {quoted(phone)}: {refused}")
            else:
                row["phone"] = number.stored
                unknown = number.warning
                # Worked out only for the rows that need it: it costs as much as reading.
                if not zone and (guess := number.timezone):
                    row["timezone"], row["timezone_guessed"] = guess, 1
        for convert, text in to_convert:
            if reason := convert(text, row):
                reasons.append(reason)
        said = country_text and not says_nothing(country_text)
        not_understood = [("country", country_text)] if said and not country else []
        for name, choose, own, text in to_choose:
            if (value := choose(text)) == KEEP:
                continue
            if value is not None:
                row[name] = value
            elif own:
                reasons.append(f"{name} {quoted(text)}: funnel's {name} column holds {own}")
            else:
                not_understood.append((name, text))
        if not reasons:
            if unknown and phone:
                self.unknown_phone_count += 1
                if len(self.unknown_phones) < SHOWN_SET_ASIDE:
                    warning = f"{number.international}: {unknown}"
                    self.unknown_phones.append(UnknownPhone(line, phone, warning))
            for name in LETTER_FIELDS:
                if "?" in (text := cells.get(name, "")) and LOST_LETTER.search(text):
                    self.lost_letter_count += 1
                    if len(self.lost_letters) < SHOWN_SET_ASIDE:
                        self.lost_letters.append(LostLetter(line, name, text))
            for name, text in not_understood:
                self.not_understood[name].note(text)
            for text, position, kept in extra:
                self.set_aside_count += 1
                if len(self.set_aside) < SHOWN_SET_ASIDE:
                    column = _column(self.header, position)
                    self.set_aside.append(SetAside(line, column, text, kept))
            for name, position, values in more:
                self._note_several(
                    line, name, position, values, cells[name], country or self.phone_region
                )
            if (named := self._file_id(fields)) is not None:
                row[FILE_ID] = named
            if contacts and (
                others := tuple(pair for pair in contacts if pair[1] != cells.get(pair[0]))
            ):
                row[OTHER_CONTACTS] = others
        return row, reasons

    def _several(self, name: str, text: str, country: str | None) -> list[str] | None:
        """The values of a cell that holds several phone numbers or emails, or None: only
        when each reads as one (a number that can be dialled, in the row's `country` or
        the book's region; an email with an `@`), so that an extension (`;ext=12`) or a
        number written with commas stays one value."""
        values = BETWEEN_VALUES.split(text)
        if len(values) < 2:
            return None
        if name == "email":
            return values if all("@" in value for value in values) else None
        region = self.phone_region
        if any(phone_problem(value, region, country) for value in values):
            return None
        return values

    def _country(self, text: str) -> str | None:
        """The region of the country a cell names (`United Kingdom`, `DE`), or None."""
        if not text:
            return None
        if text in self.countries:
            return self.countries[text]
        region = country_region(text)
        # Only so many: a column of other values (a file's columns shifted) would hold as
        # many as the file has rows.
        if len(self.countries) < CACHED_COUNTRIES:
            self.countries[text] = region
        return region

    def _note_several(
        self, line: int, name: str, position: int, values: list[str], kept: str, region: str
    ) -> None:
        """Note the values of a cell not imported, but those that repeat the one kept (a
        number as read in `region`, the row's country's or the book's)."""
        others = tuple(value for value in values if not _same_value(name, kept, value, region))
        if not others:
            return
        self.several_value_count += 1
        if len(self.several_values) < SHOWN_SET_ASIDE:
            column = _column(self.header, position)
            self.several_values.append(SeveralValues(line, column, name, others, kept))

    def _file_id(self, fields: list[str]) -> int | None:
        """The prospect id the row's `id` cell names (funnel's own export has one), if it
        reads as one."""
        if self.id_position is None or self.id_position >= len(fields):
            return None
        text = fields[self.id_position].strip()
        if not (text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS):
            return None
        return int(text) or None

    def _timezone(self, text: str) -> tuple[str, str | None]:
        """The zone's stored name, and why it is refused (None when it is known)."""
        if (known := self.timezones.get(text)) is None:
            name = _timezone(text)
            known = self.timezones[text] = (name, timezone_problem(name))
        return known


def _keep_first_that(
    wanted: Callable[[str], bool],
    cells: dict[str, str],
    name: str,
    others: list[tuple[str, int, str]],
    first: int,
) -> list[tuple[str, int, str]]:
    """When a later column's cell for `name` is `wanted` and the first column's is not, the
    later one is kept, and the first is noted as not imported in its place."""
    passed_over = cells[name]
    for text, position, _ in others:
        if wanted(text):
            cells[name] = text
            rest = [(other, at, text) for other, at, _ in others if at != position]
            return [(passed_over, first, text), *rest]
    return others


def _check_columns(csv_file: CsvFile, columns: Mapping[str, list[int]]) -> None:
    """Refuse a file that could not give a single valid row, naming the headers it has."""
    missing = []
    if not columns.keys() & {"name", "first_name", "last_name"}:
        missing.append("name column")
    if not columns.keys() & {"phone", "email"}:
        missing.append("phone or email column")
    if missing and csv_file.header and csv_file.header[0].lstrip().startswith(("[", "{")):
        # funnel's own export in JSON, most likely: said, not listed as a header of `[{`.
        raise CsvUnreadable(
            f"{csv_file.path} looks like JSON: import reads CSV files"
            " (funnel export --format csv writes one)"
        )
    if missing:
        raise CsvUnreadable(
            f"{csv_file.path} has no {' or '.join(missing)}"
            f" (headers found: {shown_headers(csv_file.header) or 'none'})"
        )


# The scripts whose names are written family name first, with no space between: Chinese
# and Japanese (Han, kana) and Korean (Hangul). A character's Unicode name says its script.
_FAMILY_FIRST_SCRIPTS = ("CJK UNIFIED IDEOGRAPH", "HIRAGANA", "KATAKANA", "HANGUL")


def _whole_name(first: str, last: str) -> str:
    """The name of a file's first and last name: `Ann Archer`, and `王小明` for 小明 and 王
    (HubSpot's First Name and Last Name, the family name written first in its script)."""
    if first and last and _family_name_first(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def _family_name_first(text: str) -> bool:
    return all(
        unicodedata.name(character, "").startswith(_FAMILY_FIRST_SCRIPTS) for character in text
    )


def shown_headers(headers: list[str]) -> str:
    """Headers as one line for a message: cleaned, blank ones left out, the first dozen."""
    found = [text for text in map(one_line, headers) if text]
    more = len(found) - SHOWN_HEADERS
    return ", ".join(found[:SHOWN_HEADERS]) + (f" and {more} more" if more > 0 else "")


class ProspectReader:
    """A CSV file's records read one at a time as prospect rows, phone numbers without a
    country code read as the row's country's (or zone's) when it knows them as in use,
    else as `phone_region`'s, deal values in the book's `currency`, dates with the day
    before the month or not (`day_first`) where either could come first, and a
    CRM's method column as one of `methods` (method -> the name funnel shows: those with
    a script): the header is read and checked when it is made (raises CsvUnreadable), the
    records as `rows` is iterated.

    Only the rejected lines and a few examples for the summary stay in memory, so a file
    of any length is read in the same memory. `file` says what was found; its counts
    and examples are complete once `rows` is exhausted.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        phone_region: str,
        currency: str,
        source: str | None = None,
        methods: Mapping[str, str] = BUILTIN_METHOD_NAMES,
        day_first: bool = True,
    ) -> None:
        self.csv_file = read_csv(path)
        header = self.csv_file.header
        self.columns = match_headers(header)
        _check_columns(self.csv_file, self.columns)
        given = one_line(source or "")
        # With a source given for every row, the file's source columns are not read: no
        # cell of theirs is said to be kept or set aside for another.
        read = {name: at for name, at in self.columns.items() if not (given and name == "source")}
        self._reader = _RowReader(
            header,
            read,
            given,
            phone_region,
            currency,
            delimiter=self.csv_file.delimiter,
            methods=methods,
            day_first=day_first,
        )
        found = {
            header[position]: name
            for name, positions in self.columns.items()
            for position in positions
        }
        self.file = ProspectFile(
            rejected=[],
            encoding=self.csv_file.encoding_name,
            delimiter=self.csv_file.delimiter_name,
            phone_region=phone_region,
            columns=found,
            ignored=[
                text
                for text in header
                if text not in found and one_line(text) and not is_id_column(text)
            ],
            fallbacks=[*_fallbacks(header, read), *_source_given(header, self.columns, given)],
        )

    @property
    def line_count(self) -> int:
        """The file's lines, as counted before its records are read."""
        return self.csv_file.line_count

    def rows(self, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, object]]]:
        """Each valid record's line and row, in file order; the rejected ones are added to
        `file.rejected`. Raises CsvUnreadable for a file that cannot be read to its end."""
        reader, rejected = self._reader, self.file.rejected
        width = len(self.csv_file.header)
        # Lone CRs end lines that the file's count of line feeds does not see.
        last_line = self.csv_file.line_count
        footer: list[CsvRecord] = []
        for done, record in enumerate(without_footer(self.csv_file, footer), start=1):
            if len(record.fields) > width and not "".join(record.fields[width:]).strip():
                # Empty cells past the header's last column (a spreadsheet's trailing
                # commas): nothing is in them.
                record = replace(record, fields=record.fields[:width])
            if len(record.fields) != width:
                said = f"{len(record.fields)} fields, the header has {width}"
                # A quote left open when one of its cells holds rows; else the lines named.
                quotes = any(map(reader.holds_rows, record.fields, range(len(record.fields))))
                rejected.append(Rejected(record.line, said + _lines_taken(record, quotes)))
            elif record.last_line > record.line and (said := reader.rows_read_into(record.fields)):
                rejected.append(Rejected(record.line, said + _lines_taken(record, True)))
            else:
                row, reasons = reader.read(record.line, record.fields)
                if reasons:
                    rejected.append(Rejected(record.line, "; ".join(reasons)))
                else:
                    yield record.line, row
            last_line = max(last_line, record.line)
            if progress and done % PROGRESS_EVERY == 0:
                progress(record.line, last_line)
        if progress:
            progress(last_line, last_line)
        self.file.not_understood = [
            values for values in reader.not_understood.values() if values.rows
        ]
        self.file.set_aside = reader.set_aside
        self.file.set_aside_count = reader.set_aside_count
        self.file.unknown_phones = reader.unknown_phones
        self.file.unknown_phone_count = reader.unknown_phone_count
        self.file.lost_letters = reader.lost_letters
        self.file.lost_letter_count = reader.lost_letter_count
        self.file.several_values = reader.several_values
        self.file.several_value_count = reader.several_value_count
        if footer:
            self.file.footer_lines = len(footer)
            self.file.footer_start = one_line(footer_text(footer[0]) or "")


def _source_given(header: list[str], columns: Mapping[str, list[int]], source: str) -> list[str]:
    """The file's source columns, which a source given for every row replaces: said, since
    the rows' own (`Web`, `Trade Show`) are then nowhere in the book."""
    if not source:
        return []
    return [
        f"{_column(header, position)} not used: the source given, {source!r}, is used instead"
        for position in columns.get("source", [])
    ]


def _fallbacks(header: list[str], columns: Mapping[str, list[int]]) -> list[str]:
    """For each later column of a field, the earlier ones whose empty cells it fills."""
    fallbacks = []
    for name, positions in columns.items():
        for later, position in enumerate(positions[1:], start=1):
            earlier = " and ".join(_column(header, before) for before in positions[:later])
            empty = "is empty" if later == 1 else "are empty"
            if name in FLAG_FIELDS:
                said = "says" if later == 1 else "say"
                used = f"used where {earlier} {empty} or {said} no: a yes in any of them counts"
            elif name == "phone":
                used = f"used where {earlier} {empty} or cannot be dialled"
            else:
                used = f"used only where {earlier} {empty}"
            fallbacks.append(f"{_column(header, position)} {used}")
    return fallbacks


def _lines_taken(record: CsvRecord, quotes: bool) -> str:
    """For a rejected row that runs over several lines, which lines it took in; with
    `quotes`, that a quote left open read them into a cell (it reads the lines after it
    up to the next quote)."""
    if record.last_line == record.line:
        return ""
    if not quotes:
        return f" (the row runs over lines {record.line} to {record.last_line})"
    taken = (
        f"line {record.last_line}"
        if record.last_line == record.line + 1
        else f"lines {record.line + 1} to {record.last_line}"
    )
    return (
        f" (the row runs on to line {record.last_line}, so {taken} went into it: check its quotes)"
    )
