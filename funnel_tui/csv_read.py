"""Reading CSV as CRMs and spreadsheets write it: encoding, delimiter, lines, header meaning."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
ENCODING_NAMES = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8 with BOM",
    "utf-16": "utf-16",
    "cp1252": "windows-1252",
}
# Enough rows for the sniffer to see a pattern without reading a large file twice.
SNIFF_SAMPLE_CHARS = 64 * 1024


# Header spellings by the field they fill, as HubSpot, Salesforce, Pipedrive, Close and
# spreadsheets write them. Matching ignores case, accents, spaces and punctuation. When
# several columns fill one field (work and mobile phone), the first non-empty cell wins.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        "Name", "Full Name", "Contact Name", "Contact", "Contact Person", "Person Name",
        "Person - Name", "primary_contact_name", "Prospect", "Prospect Name",
    ),
    "first_name": (
        "First Name", "First", "Given Name", "Forename", "Person - First name",
        "Contact First Name",
    ),
    "last_name": (
        "Last Name", "Last", "Surname", "Family Name", "Person - Last name", "Contact Last Name",
    ),
    "title": ("Title", "Job Title", "Position", "Role", "Contact Title", "Person - Job title"),
    "company": (
        "Company", "Company Name", "Company / Account", "Account", "Account Name",
        "Associated Company", "Organization", "Organisation", "Organization Name",
        "Organisation Name", "Organization - Name", "Person - Organization", "Display Name",
        "Lead Name", "Business", "Business Name", "Employer",
    ),
    "phone": (
        "Phone", "Phone Number", "Telephone", "Tel", "Mobile", "Mobile Phone",
        "Mobile Phone Number", "Cell", "Cell Phone", "Work Phone", "Direct Phone",
        "Business Phone", "Contact Phone", "primary_contact_phone", "Person - Phone",
        "Person - Phone - Work", "Person - Phone - Mobile", "Person - Phone - Home",
        "Person - Phone - Other",
    ),
    "email": (
        "Email", "Email Address", "Work Email", "Business Email", "Contact Email",
        "primary_contact_email", "Person - Email", "Person - Email - Work",
        "Person - Email - Home", "Person - Email - Other",
    ),
    "timezone": ("Time Zone", "Contact Time Zone"),
    "needs": ("Needs", "Need", "Requirements"),
    "pain_points": ("Pain Points", "Pain Point", "Pains", "Challenges"),
    "objections": ("Objections", "Objection"),
    "goals": ("Goals", "Goal", "Objectives"),
    "source": ("Source", "Lead Source", "Original Source", "Contact Source", "Person - Source"),
    "kind": ("Kind", "Lifecycle Stage"),
    "priority": ("Priority", "Rating", "Lead Rating", "Label", "Person - Label"),
    "deal_value": ("Deal Value", "Deal Amount", "Amount"),
    "deal_value_cents": ("deal_value_cents",),
}  # fmt: skip


class CsvUnreadable(ValueError):
    """The file is not a CSV the import can read; str() is one line saying why."""


@dataclass(frozen=True)
class CsvRecord:
    """One row of the file and the physical line it starts on, counting the first as 1."""

    line: int
    fields: list[str]


@dataclass(frozen=True)
class CsvFile:
    """A decoded CSV file: how it was read, its header, and its records on demand."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    header_line: int
    text: str = field(repr=False)

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES[self.encoding]

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES[self.delimiter]

    def records(self) -> Iterator[CsvRecord]:
        """The rows after the header, skipping blank lines and rows of empty cells only."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        line = 1
        try:
            for fields in reader:
                if line > self.header_line and any(cell.strip() for cell in fields):
                    yield CsvRecord(line, fields)
                line = reader.line_num + 1
        except csv.Error as error:
            raise CsvUnreadable(f"{self.path}, line {line}: {error}") from error

    @cached_property
    def record_count(self) -> int:
        """How many records `records()` yields, for a progress bar's total."""
        return sum(1 for _record in self.records())


def decode(data: bytes) -> tuple[str, str]:
    """Return the text and the codec that read it: UTF-8 (with or without BOM), else cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" export: UTF-16 with a byte-order mark.
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data:
        raise CsvUnreadable("it is a binary file, not text")
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise CsvUnreadable(
            f"it is neither UTF-8 nor Windows-1252 text (byte 0x{data[error.start]:02x}"
            f" at offset {error.start})"
        ) from error


def first_line(text: str) -> str:
    return next((line for line in io.StringIO(text) if line.strip()), "")


def sniff_delimiter(text: str) -> str:
    """The delimiter by csv.Sniffer; when it fails or disagrees with the header, by counting."""
    sample = text[:SNIFF_SAMPLE_CHARS]
    if len(text) > SNIFF_SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    header = first_line(sample)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITER_NAMES)).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter and delimiter in header:
        return delimiter
    # Ties go to the comma, the usual default; a header of one column has none of them.
    return max(DELIMITER_NAMES, key=header.count)


def read_csv(path: Path | str) -> CsvFile:
    """Decode and sniff a CSV file and read its header; raises CsvUnreadable."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CsvUnreadable(f"cannot read {path}: {error.strerror or error}") from error
    try:
        text, encoding = decode(data)
    except CsvUnreadable as error:
        raise CsvUnreadable(f"{path} is not a CSV file: {error}") from error
    if not text.strip():
        raise CsvUnreadable(f"{path} is empty")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    header_line = 1
    try:
        for header in reader:
            if any(cell.strip() for cell in header):
                break
            header_line = reader.line_num + 1
    except csv.Error as error:
        raise CsvUnreadable(f"{path}: cannot read the header line: {error}") from error
    return CsvFile(path, encoding, delimiter, header, header_line, text)


def header_key(header: str) -> str:
    """`Company / Account` -> `companyaccount`: what is left once spelling is ignored."""
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


HEADER_FIELDS = {
    header_key(spelling): name
    for name, spellings in FIELD_HEADERS.items()
    for spelling in spellings
}


def match_headers(header: Iterable[str]) -> dict[str, list[int]]:
    """The column positions that fill each field, in file order."""
    columns: dict[str, list[int]] = {}
    for position, text in enumerate(header):
        if name := HEADER_FIELDS.get(header_key(text)):
            columns.setdefault(name, []).append(position)
    return columns
