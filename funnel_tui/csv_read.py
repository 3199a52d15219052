"""Reading CSV as CRMs and spreadsheets write it: encoding, delimiter, lines, header meaning.

Only regular files are read, and they are streamed: never whole into memory, and never a
FIFO or a device, which could block or never end.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import BinaryIO, TextIO

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
# The first line Excel writes (and reads) to say the delimiter: `sep=;`.
SEPARATOR_LINE = re.compile(r"sep=([,;\t])", re.IGNORECASE)
ENCODING_NAMES = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8 with BOM",
    "utf-16": "utf-16",
    "utf-32": "utf-32",
    "cp1252": "windows-1252",
}
# Enough rows for the sniffer to see a pattern without reading a large file twice.
SNIFF_SAMPLE_CHARS = 64 * 1024
READ_CHUNK_BYTES = 1024 * 1024
# The longest physical line read; a longer one is refused rather than held in memory.
MAX_LINE_CHARS = 4 * 1024 * 1024
# The longest cell a row may have (the csv module's own limit): a longer one refuses its
# row, and the csv module reads cells up to a line's length, so the rows after it are read.
MAX_CELL_CHARS = 128 * 1024
# The bytes Windows-1252 leaves undefined.
NOT_WINDOWS_1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# A character UTF-8 writes in two to four bytes. Windows-1252 text has such a run only by
# chance (`ß“`, or `Ã©`, which is é in UTF-8 read as Windows-1252).
OUTSIDE_ASCII = bytes(range(0x80, 0x100))
# What UTF-8 writes for the accented letters of Latin scripts (lead bytes C2 to C5) and for
# typographic punctuation and the euro sign (E2 80 to E2 82). Windows-1252 text makes
# these only as mojibake (`Ã©`, `â€™`); the runs it makes by chance are of its accented
# letters before its punctuation (`ß“` is DF 93, `é »` is E9 A0 BB), which these leave out.
UTF8_SIGNATURE = re.compile(rb"[\xc2-\xc5][\x80-\xbf]|\xe2[\x80-\x82][\x80-\xbf]")
UTF8_LATIN_LEADS = (b"\xc2", b"\xc3", b"\xc4", b"\xc5")
UTF8_PUNCTUATION_LEADS = (b"\xe2\x80", b"\xe2\x81", b"\xe2\x82")
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# UTF-32's little-endian mark starts with UTF-16's: it is looked for first.
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
# What a spreadsheet saved as a workbook starts with, and what the rep is told: a CRM's
# export downloaded as Excel, or a list opened and saved again in a spreadsheet.
WORKBOOKS = (
    (b"PK\x03\x04", "a spreadsheet workbook (.xlsx, .ods or .numbers)"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)"),
)
SAVE_AS_CSV = "save it as CSV (UTF-8) in the spreadsheet and import that"
# What no text holds but a binary file read as UTF-16 does: C0 controls but tab and line
# breaks, DEL, and the noncharacters such reads give.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# How much of a file's start is looked at for UTF-16 text without its byte-order mark.
UTF16_SNIFF_BYTES = 512
# Bytes no text holds but a binary file does (a PNG's 0x1a), besides NUL: text with a
# NUL byte in a row and none of these before it is a text file, and its line is named.
CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f]")
# The most lines of one cell that end a file as a report's footer (Salesforce writes four),
# and the longest such cell: more, or a longer one, are rows, each refused as one.
MAX_FOOTER_LINES = 20
MAX_FOOTER_CHARS = 1000


# Header spellings by the field they fill, as HubSpot, Salesforce, Pipedrive, Zoho, Close
# and spreadsheets write them (in English, German, French, Spanish and Dutch). Matching
# ignores case, accents, spaces and punctuation. When several columns fill one field
# (work and mobile phone), the first non-empty cell wins.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        "Name", "Full Name", "Contact Name", "Contact", "Contact Person", "Person Name",
        "Person - Name", "primary_contact_name", "Prospect", "Prospect Name",
    ),
    "first_name": (
        "First Name", "First", "Given Name", "Forename", "Person - First name",
        "Contact First Name", "primary_contact_first_name",
        # German, French, Spanish and Dutch spreadsheets and Outlook's contact exports.
        "Vorname", "Prénom", "Nombre", "Voornaam",
    ),
    "last_name": (
        "Last Name", "Last", "Surname", "Family Name", "Person - Last name", "Contact Last Name",
        "primary_contact_last_name",
        "Nachname", "Familienname", "Nom", "Nom de famille", "Apellido", "Apellidos",
        "Achternaam",
    ),
    "title": (
        "Title", "Job Title", "Position", "Role", "Contact Title", "Person - Job title",
        "primary_contact_title", "Designation",
        "Funktion", "Poste", "Fonction", "Cargo", "Puesto", "Functie",
    ),
    "company": (
        "Company", "Company Name", "Company / Account", "Account", "Account Name",
        "Associated Company", "Organization", "Organisation", "Organization Name",
        "Organisation Name", "Organization - Name", "Person - Organization", "Display Name",
        "Lead Name", "Business", "Business Name", "Employer",
        "Firma", "Firmenname", "Unternehmen", "Société", "Entreprise", "Empresa",
        "Organización", "Compañía", "Bedrijf", "Bedrijfsnaam",
    ),
    "phone": (
        "Phone", "Phone Number", "Telephone", "Tel", "Mobile", "Mobile Phone",
        "Mobile Phone Number", "Cell", "Cell Phone", "Work Phone", "Direct Phone",
        "Business Phone", "Contact Phone", "primary_contact_primary_phone", "Person - Phone",
        "Person - Phone - Work", "Person - Phone - Mobile", "Person - Phone - Home",
        "Person - Phone - Other", "Phone - Work", "Phone - Mobile", "Phone - Home",
        "Phone - Other", "Home Phone", "Other Phone", "Primary Phone",
        "Secondary Phone", "Alternate Phone", "Phone 2", "Mobile Number",
        "Telefon", "Telefonnummer", "Telefon geschäftlich", "Mobiltelefon", "Mobil", "Handy",
        "Téléphone bureau", "Tél. mobile", "Portable", "Teléfono", "Teléfono del trabajo",
        "Teléfono móvil", "Móvil", "Celular", "Telefoon", "Telefoonnummer", "Mobiel",
    ),
    "email": (
        "Email", "Email Address", "Work Email", "Business Email", "Contact Email",
        "primary_contact_primary_email", "Person - Email", "Person - Email - Work",
        "Person - Email - Home", "Person - Email - Other", "Email - Work", "Email - Home",
        "Email - Other", "Secondary Email", "Other Email",
        "Personal Email", "Alternate Email", "Email 2", "E-mail 2 Address", "E-mail 3 Address",
        "E-Mail-Adresse", "Adresse e-mail", "Adresse de messagerie", "Courriel", "Correo",
        "Correo electrónico", "E-mailadres",
    ),
    "timezone": ("Time Zone", "Contact Time Zone"),
    # Where the contact is: the country a number without its country code is read in.
    "country": (
        "Country", "Country/Region", "Mailing Country", "Mailing Country Code",
        "primary_address_country", "Business Country/Region", "Land", "Pays", "País",
    ),
    "timezone_guessed": ("timezone_guessed",),
    "needs": ("Needs", "Need", "Requirements"),
    "pain_points": ("Pain Points", "Pain Point", "Pains", "Challenges"),
    "objections": ("Objections", "Objection"),
    "goals": ("Goals", "Goal", "Objectives"),
    "source": (
        "Source", "Lead Source", "Original Source", "Contact Source", "Person - Source",
        "Quelle", "Lead-Quelle", "Origine", "Fuente", "Origen", "Bron",
    ),
    "kind": ("Kind", "Lifecycle Stage"),
    "priority": ("Priority", "Rating", "Lead Rating", "Label", "Person - Label"),
    "deal_value": ("Deal Value", "Deal Amount", "Amount"),
    "deal_value_cents": ("deal_value_cents",),
    "stage": ("Stage",),
    "method": ("Method", "Selling Method"),
    "next_call_at": ("next_call_at",),
    "next_task_kind": ("next_task_kind",),
    "expected_close_on": ("expected_close_on", "Expected Close Date", "Expected Close"),
    "do_not_call": ("Do Not Call", "DoNotCall", "do_not_call"),
    "wrong_number": ("Wrong Number", "wrong_number"),
    "nurture": ("Nurture",),
    "do_not_email": (
        "Do Not Email", "Email Opt Out", "HasOptedOutOfEmail", "Unsubscribed from all email",
        "Opted Out of Email", "do_not_email",
    ),
}  # fmt: skip


class CsvUnreadable(ValueError):
    """The file is not a CSV the import can read; str() is one line saying why."""


@dataclass(frozen=True)
class CsvRecord:
    """One row of the file and the physical lines it starts and ends on, counting the
    first as 1: a quoted cell may hold line breaks."""

    line: int
    fields: list[str]
    last_line: int


@dataclass(frozen=True)
class FileVersion:
    """What tells one version of a file from another: its inode, size and modification
    time as `fstat` gives them."""

    inode: int
    size: int
    modified_ns: int

    @classmethod
    def of(cls, data: BinaryIO) -> FileVersion:
        found = os.fstat(data.fileno())
        return cls(found.st_ino, found.st_size, found.st_mtime_ns)


@dataclass(frozen=True)
class CsvFile:
    """A CSV file as it was found to be: how to read it, its header, its length in lines,
    and the version of the file that was scanned."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    header_line: int
    line_count: int
    version: FileVersion

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES[self.encoding]

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES[self.delimiter]

    def records(self) -> Iterator[CsvRecord]:
        """The rows after the header, read from the file as they are needed.

        Blank lines and rows of empty cells only are skipped. A file that is not the one
        scanned when reading begins, or that changed by the time the last row is read, is
        refused (CsvUnreadable) after the rows read so far: an import writes nothing then.
        """
        with _open_text(self.path, self.encoding) as text:
            self._check_unchanged(text.buffer)
            csv.field_size_limit(MAX_LINE_CHARS)
            reader = csv.reader(_ending_marked(_lines(text, self.path)), delimiter=self.delimiter)
            line = 1
            try:
                for fields in reader:
                    if fields and fields[-1].endswith(END_MARK):
                        if fields != [END_MARK]:
                            raise CsvUnreadable(_never_closed(self.path, line, self.line_count))
                        break
                    if line > self.header_line and any(cell.strip() for cell in fields):
                        yield CsvRecord(line, fields, reader.line_num)
                    line = reader.line_num + 1
            except csv.Error as error:
                raise CsvUnreadable(f"{self.path}, line {line}: {error}") from error
            except UnicodeDecodeError as error:
                raise CsvUnreadable(changed_message(self.path)) from error
            self._check_unchanged(text.buffer)

    def _check_unchanged(self, data: BinaryIO) -> None:
        if FileVersion.of(data) != self.version:
            raise CsvUnreadable(changed_message(self.path))


def without_footer(csv_file: CsvFile, footer: list[CsvRecord]) -> Iterator[CsvRecord]:
    """The file's records less a report's footer, which go to `footer`: the lines of one
    cell (Salesforce's copyright, `Generated By:`, the company) that end the file after a
    blank line. Such lines (or lines of one cell that is not empty, and no more cells
    than the header) are held, MAX_FOOTER_LINES at most, until the end of the file, or a
    record with more cells, which makes them rows again."""
    held: list[CsvRecord] = []
    last_line = csv_file.header_line
    width = len(csv_file.header)
    for record in csv_file.records():
        # Only a record after a blank line, or after held ones, is looked at cell by cell.
        if (
            (held or record.line > last_line + 1)
            and len(held) < MAX_FOOTER_LINES
            and len(record.fields) <= width
            and footer_text(record) is not None
        ):
            held.append(record)
            continue
        if held:
            yield from held
            held = []
        yield record
        last_line = record.last_line
    footer.extend(held)


def footer_text(record: CsvRecord) -> str | None:
    """The text of a record that may be a line of a footer: its one cell that is not
    empty (a spreadsheet that saved the file again pads it with empty ones), when it is
    short enough; else None."""
    cells = [cell for cell in record.fields if cell.strip()]
    return cells[0] if len(cells) == 1 and len(cells[0]) <= MAX_FOOTER_CHARS else None


def changed_message(path: Path) -> str:
    return f"{path} changed while it was read: nothing imported; try again once it is saved"


def _kind_of_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def open_regular_file(path: Path) -> BinaryIO:
    """Open a regular file for reading; raises CsvUnreadable for anything else.

    The type is checked before opening, since opening a FIFO waits for a writer. The open
    does not wait either, in case the path is swapped for a FIFO in between; then the type
    of what was opened is checked again.
    """
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISREG(mode):
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            mode = os.fstat(descriptor).st_mode
            if stat.S_ISREG(mode):
                return open(descriptor, "rb")
            os.close(descriptor)
    except OSError as error:
        raise _cannot_read(path, error) from error
    raise CsvUnreadable(f"{path} is {_kind_of_file(mode)}, not a regular file")


def _cannot_read(path: Path, error: OSError, where: str = "") -> CsvUnreadable:
    """A read the system refused (a dying disk, a share gone), naming the file."""
    return CsvUnreadable(f"cannot read {path}{where}: {error.strerror or error}")


def _open_text(path: Path, encoding: str) -> TextIO:
    # newline="" keeps line breaks inside quoted cells for the csv module to handle.
    return io.TextIOWrapper(open_regular_file(path), encoding=encoding, newline="")


# A line after the file's last, of characters no file holds (Unicode's private use): the
# csv module reads a quote that is never closed to the end of the file without a word, so
# the mark ends up inside that quote's cell rather than in a row of its own.
END_MARK = "\ue000funnel: end of file\ue000"


def _ending_marked(lines: Iterator[str]) -> Iterator[str]:
    last = ""
    for last in lines:
        yield last
    if last and not last.endswith(("\n", "\r")):
        yield "\n"
    yield END_MARK


def _never_closed(path: Path, line: int, last_line: int) -> str:
    return (
        f"{path}, line {line}: a quote opened in this row is never closed, so the rest of the"
        f" file (to line {last_line}) would be one cell; close the quote and import again"
    )


def _lines(text: TextIO, path: Path) -> Iterator[str]:
    """The physical lines of a text file, refusing one too long to hold in memory, and
    naming the line a read failed at (a disk or network share giving way)."""
    for number in count(1):
        try:
            line = text.readline(MAX_LINE_CHARS + 1)
        except OSError as error:
            raise _cannot_read(path, error, f", line {number}") from error
        if not line:
            return
        if len(line) > MAX_LINE_CHARS:
            raise CsvUnreadable(f"{path}, line {number}: longer than {MAX_LINE_CHARS:,} characters")
        yield line


def _utf16_without_mark(chunk: bytes) -> bool:
    """Whether a file's first bytes are UTF-16 text with no byte-order mark: in one of its
    byte orders they read as text without control characters, holding a line break and a
    delimiter in its first line, as a CSV file's first lines do (whatever its script:
    Cyrillic, CJK); a binary file's bytes so read hold control characters, or no `,`, `;`
    or tab."""
    head = chunk[: UTF16_SNIFF_BYTES & ~1]
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = head.decode(codec)
        except UnicodeDecodeError:
            continue
        first_line, broken, _ = text.replace("\r", "\n").partition("\n")
        text_of_rows = broken and not CONTROL_CHARACTERS.search(text)
        if text_of_rows and any(delimiter in first_line for delimiter in ",;\t"):
            return True
    return False


def scan_encoding(data: BinaryIO) -> tuple[str, int]:
    """The codec that reads the file and its number of lines, in one pass over its bytes.

    UTF-32 or UTF-16 with a byte-order mark (Excel's "Unicode Text" is UTF-16), UTF-8 with
    or without a BOM, else Windows-1252; raises CsvUnreadable (without the file name) when
    none reads it, or when the file is UTF-8 but for some bytes (a file put together from
    two, a cell cut mid-character): read as Windows-1252, its every accent would be stored
    garbled (`JosÃ©`). Such a file is told from Windows-1252 text by its bytes outside
    ASCII: more of them in what UTF-8 writes for accented Latin letters and typographic
    punctuation (UTF8_SIGNATURE) than in no UTF-8 at all. Lines end with LF, CR LF or CR
    alone.
    """
    chunk = data.read(READ_CHUNK_BYTES)
    for magic, workbook in WORKBOOKS:
        if chunk.startswith(magic):
            raise CsvUnreadable(f"it is {workbook}: {SAVE_AS_CSV}")
    if chunk.startswith(UTF32_BOMS):
        return _scan_marked("utf-32", chunk, data)
    if chunk.startswith(UTF16_BOMS):
        return _scan_marked("utf-16", chunk, data)
    with_bom = chunk.startswith(codecs.BOM_UTF8)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    not_utf8: tuple[int, int] | None = None  # the first byte UTF-8 cannot read, its line
    # The bytes outside ASCII in UTF8_SIGNATURE's characters, and those in no UTF-8.
    in_utf8 = outside_utf8 = 0
    not_windows_1252: tuple[int, int] | None = None
    offset = lines = 0
    last = b""
    while chunk:
        if (nul := chunk.find(b"\x00")) >= 0:
            if _utf16_without_mark(chunk):
                raise CsvUnreadable(
                    "it is UTF-16 text without a byte-order mark: save it as CSV (UTF-8) and"
                    " import that"
                )
            line = lines + _line_ends(chunk[:nul], last) + 1
            if line == 1 or CONTROL_BYTES.search(chunk, 0, nul):
                raise CsvUnreadable("it is a binary file, not text")
            # Text up to a NUL byte, which no CSV holds: a cell cut in an export, say.
            raise CsvUnreadable(
                f"line {line:,} holds a NUL byte (0x00), which no text file holds:"
                " remove it, or export the file again"
            )
        if not_utf8 is None:
            buffered = utf8.getstate()[0]
            try:
                utf8.decode(chunk)
                # UTF-8 so far: its Latin and punctuation leads start its signatures.
                in_utf8 += 2 * sum(map(chunk.count, UTF8_LATIN_LEADS))
                in_utf8 += 3 * sum(map(chunk.count, UTF8_PUNCTUATION_LEADS))
            except UnicodeDecodeError as error:
                # The decoder's positions count the bytes of a character it was given
                # the start of in the chunk before.
                read = buffered + chunk
                at = error.start
                not_utf8 = (read[at], lines + _line_ends(read[:at], last) + 1)
        if not_utf8 is not None:
            in_utf8 += sum(map(len, UTF8_SIGNATURE.findall(chunk)))
            outside_utf8 += _outside_ascii(chunk) - sum(map(len, UTF8_MULTIBYTE.findall(chunk)))
        if not_windows_1252 is None and (bad := NOT_WINDOWS_1252.search(chunk)):
            not_windows_1252 = (chunk[bad.start()], offset + bad.start())
        lines += _line_ends(chunk, last)
        offset += len(chunk)
        last = chunk[-1:]
        chunk = data.read(READ_CHUNK_BYTES)
    # A last line without a line break is a line too.
    lines += bool(last) and last not in (b"\n", b"\r")
    cut = b""
    if not_utf8 is None and (cut := utf8.getstate()[0]):
        # The file ends in the middle of a character: its lead was counted as a whole one.
        not_utf8 = (cut[0], lines)
        in_utf8 -= _signature_length(cut)
        outside_utf8 += len(cut)
    if not_utf8 is None:
        return ("utf-8-sig" if with_bom else "utf-8"), lines
    byte, line = not_utf8
    if cut and (with_bom or in_utf8 > outside_utf8):
        raise CsvUnreadable(
            f"it is UTF-8 text whose last character is cut (byte 0x{byte:02x} on line"
            f" {line}): save it again from where it came"
        )
    if with_bom:
        raise CsvUnreadable(
            f"it starts with a UTF-8 byte-order mark but line {line} is not UTF-8 text"
            f" (byte 0x{byte:02x}): save that line, or the whole file, as UTF-8"
        )
    if in_utf8 > outside_utf8:
        raise CsvUnreadable(
            f"it is UTF-8 text except on line {line} (byte 0x{byte:02x}), which another"
            " encoding wrote: read either way, part of it would be garbled. Save that"
            " line, or the whole file, as UTF-8"
        )
    if not_windows_1252 is None:
        return "cp1252", lines
    byte, at = not_windows_1252
    raise CsvUnreadable(
        f"it is neither UTF-8 nor Windows-1252 text (byte 0x{byte:02x} at offset {at})"
    )


def _signature_length(lead: bytes) -> int:
    """How many bytes UTF8_SIGNATURE's character starting with `lead` has, or 0."""
    if lead[:1] in UTF8_LATIN_LEADS:
        return 2
    return 3 if lead[:2] in UTF8_PUNCTUATION_LEADS else 0


def _outside_ascii(chunk: bytes) -> int:
    return len(chunk) - len(chunk.translate(None, OUTSIDE_ASCII))


def _line_ends(chunk: bytes, before: bytes) -> int:
    """The line ends in a chunk: LF, CR LF, or CR alone; `before`, the byte before it (a
    CR LF cut between two chunks is one line end, counted at its CR)."""
    ends = chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
    return ends - (before == b"\r" and chunk.startswith(b"\n"))


def _scan_marked(codec: str, chunk: bytes, data: BinaryIO) -> tuple[str, int]:
    """`codec` (UTF-16 or UTF-32, whose byte-order mark the file starts with) and the
    file's number of lines."""
    decoder = codecs.getincrementaldecoder(codec)()
    lines = 0
    last = ""
    try:
        while chunk:
            text = decoder.decode(chunk)
            lines += text.count("\n")
            last = text[-1:] or last
            chunk = data.read(READ_CHUNK_BYTES)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise CsvUnreadable(f"it starts like {codec.upper()} text but is not") from error
    return codec, lines + (bool(last) and last != "\n")


def sniff_delimiter(sample: str) -> str:
    """The delimiter by csv.Sniffer; when it fails or disagrees with the header, by counting."""
    if len(sample) >= SNIFF_SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    header = next((line for line in sample.splitlines() if line.strip()), "")
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITER_NAMES)).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter and delimiter in header:
        return delimiter
    # Ties go to the comma, the usual default; a header of one column has none of them.
    return max(DELIMITER_NAMES, key=header.count)


def read_csv(path: Path | str) -> CsvFile:
    """Find how a CSV file is written and read its header; raises CsvUnreadable."""
    path = Path(path)
    with open_regular_file(path) as data:
        version = FileVersion.of(data)
        try:
            encoding, line_count = scan_encoding(data)
        except CsvUnreadable as error:
            raise CsvUnreadable(f"{path} is not a CSV file: {error}") from error
        except OSError as error:
            raise _cannot_read(path, error) from error
        if FileVersion.of(data) != version:
            raise CsvUnreadable(changed_message(path))
    with _open_text(path, encoding) as text:
        try:
            sample = text.read(SNIFF_SAMPLE_CHARS)
            text.seek(0)
        except OSError as error:
            raise _cannot_read(path, error) from error
        stated = SEPARATOR_LINE.fullmatch(re.split(r"\r\n?|\n", sample, maxsplit=1)[0])
        delimiter = stated[1] if stated else sniff_delimiter(sample)
        csv.field_size_limit(MAX_LINE_CHARS)
        reader = csv.reader(_lines(text, path), delimiter=delimiter)
        header: list[str] = []
        header_line = 1
        try:
            for header in reader:
                # The line that states the delimiter is no header: the rows start after it.
                if any(cell.strip() for cell in header) and not (stated and header_line == 1):
                    break
                header_line = reader.line_num + 1
            else:
                raise CsvUnreadable(f"{path} is empty")
        except csv.Error as error:
            raise CsvUnreadable(f"{path}: cannot read the header line: {error}") from error
    return CsvFile(path, encoding, delimiter, header, header_line, line_count, version)


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
