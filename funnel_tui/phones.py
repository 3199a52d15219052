"""Phone numbers: what a rep typed, read against their region with `phonenumbers`, stored in
E.164 with any extension, shown in the international format, searched by their digits,
and the one timezone a number may tell (PRODUCT 15).

A stored number is `+15550001000`, or `+15550001000;ext=12` with an extension (the
extension as RFC 3966 writes it in a `tel:` URI). `phonenumbers` is imported on first use,
not with this module: the app's first frame needs none of it.
"""

from __future__ import annotations

import locale
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING

from funnel_tui.phone_quick import number_type, possibility, quick_number

if TYPE_CHECKING:
    from types import ModuleType

    from phonenumbers import PhoneNumber

# What the stored form puts between the number and its extension.
EXTENSION_MARK = ";ext="
# Digits and the separators people write between them (a country code may be in brackets,
# `(+44)`), then at most one extension: `x12`, `ext 12`, `ext. 12`, `ext: 12`, `extn 12`,
# `extension 12`, `#12` or `;ext=12`. Anything else (words,
# a second number, vanity letters) is refused rather than dropped: phonenumbers would read
# `555-CALL-NOW` as digits and leave out `or so` without a word.
# The separators' class holds the spaces before an extension: no second quantifier may
# match them too, or text of many spaces that fails at its end is tried in quadratic time.
PHONE_SHAPE = re.compile(
    r"\(?\+?[\d\s().\-/]+(?:(?:;\s*ext=|ext(?:ension|n)?[.:]?|x|#)\s*\d+)?", re.IGNORECASE
)
SHAPE_REASON = "a phone number has digits, spaces and + ( ) - . / only, and an extension as x12"
# phonenumbers refuses longer text; longer text is refused before any pattern reads it.
MAX_PHONE_LENGTH = 250
LENGTH_REASON = f"too long for a phone number (over {MAX_PHONE_LENGTH} characters)"
# A stored number as this module writes it: read again without phonenumbers.
STORED_SHAPE = re.compile(r"\+[1-9]\d{1,14}(?:;ext=\d{1,20})?")
NOT_DIGITS = re.compile(r"\D")
# Where an extension begins, in text phonenumbers does not read.
EXTENSION_START = re.compile(r";\s*ext=|ext|x|#", re.IGNORECASE)
# Typed digits shorter than this match too many numbers to help the filter.
MIN_SEARCH_DIGITS = 3
# A number typed with a trunk 0 or `00` and at least this many digits after it is read as
# a whole national or international one, of whatever country (search_patterns).
NATIONAL_DIGITS_AT_LEAST = 8
# The zone phonenumbers names when it knows none.
UNKNOWN_ZONE = "Etc/Unknown"
# The countries phonenumbers has numbers for (its SUPPORTED_REGIONS, which a test compares
# with these): the phone_region setting is read at start-up, before phonenumbers is needed.
_REGION_CODES = (
    "AC AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN "
    "BO BQ BR BS BT BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE "
    "DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM "
    "GN GP GQ GR GT GU GW GY HK HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE "
    "KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH "
    "MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ "
    "OM PA PE PF PG PH PK PL PM PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI "
    "SJ SK SL SM SN SO SR SS ST SV SX SY SZ TA TC TD TG TH TJ TK TL TM TN TO TR TT TV TW "
    "TZ UA UG US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"
)
REGIONS = frozenset(_REGION_CODES.split())
# Distinct numbers read again within an import (a second phone column, a switchboard) or
# a session come from here.
CACHED_NUMBERS = 256


@cache
def _library() -> ModuleType:
    import phonenumbers

    return phonenumbers


def library_loaded() -> bool:
    """Whether phonenumbers is imported yet (by this module or any other): until it is,
    showing a number in the international format costs its import (PRODUCT 15 numbers are
    stored in E.164, which reads as a number meanwhile)."""
    return "phonenumbers" in sys.modules


def load_library() -> None:
    """Import phonenumbers now, for a caller that would rather pay for it at a moment of
    its choosing (the app, once its first frame is up) than with the first number read."""
    _library()


class PhoneRefused(ValueError):
    """Text that is not a phone number that could be dialled; str() says why, in words."""


def _where(country_code: int) -> str:
    """`in GB` for 44, `in US` for 1 (the main country of a shared code), `under +800` for
    a code no country has."""
    region = _library().region_code_for_country_code(country_code)
    return f"under +{country_code}" if region in ("ZZ", "001") else f"in {region}"


def _parse_failure(error_type: int) -> str:
    failure = _library().NumberParseException
    return {
        failure.INVALID_COUNTRY_CODE: "not a known country code after the +",
        failure.NOT_A_NUMBER: "not a phone number",
        failure.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
        failure.TOO_SHORT_NSN: "too short for a phone number",
        failure.TOO_LONG: "too long for a phone number",
    }.get(error_type, "not a phone number")


# After a length refused for a number read as the region's (written without a country
# code): it may be a number from elsewhere.
# The country code of the US, Canada and the rest of the North American Numbering Plan.
NORTH_AMERICA = 1
ELSEWHERE_HINT = " (add the country code, e.g. +44, for a number from elsewhere)"


def _impossible(reason: int, number: PhoneNumber, text: str, region: str) -> str:
    """Why a parsed number that is not IS_POSSIBLE (is_possible_number_with_reason) cannot
    be dialled."""
    library = _library()
    result = library.ValidationResult
    country_code = number.country_code
    where = _where(country_code)
    digits = NOT_DIGITS.sub("", text)
    national = (
        "+" not in text
        and not digits.startswith("00")
        and country_code == library.country_code_for_region(region)
    )
    hint = ELSEWHERE_HINT if national else ""
    if reason == result.IS_POSSIBLE_LOCAL_ONLY and national:
        # Written with the trunk prefix (`020 79` in GB), the area code is there: the
        # number is cut short, not local.
        metadata = library.PhoneMetadata.metadata_for_region(region)
        prefix = metadata.national_prefix if metadata else None
        if prefix and digits.startswith(prefix):
            return f"too short for a number {where}"
    return {
        # phonenumbers counts a number without its area code as possible, but dialled
        # from anywhere else it reaches someone else, or no one: E.164 needs it whole.
        result.IS_POSSIBLE_LOCAL_ONLY: f"a local number {where} only: add the area code",
        result.INVALID_COUNTRY_CODE: f"+{country_code} is not a country code",
        result.TOO_SHORT: f"too short for a number {where}",
        result.TOO_LONG: f"too long for a number {where}{hint}",
        result.INVALID_LENGTH: f"not a length numbers {where} have{hint}",
    }.get(reason, f"not a possible number {where}")


@dataclass(frozen=True)
class Phone:
    """A number that can be dialled: its E.164 form, and its extension's digits ("" for
    none). Whether phonenumbers knows it as in use, and its zone, are worked out when
    asked: an import needs them for few of its rows."""

    e164: str
    extension: str
    number: PhoneNumber

    @property
    def stored(self) -> str:
        """What the database keeps: `+15550001000`, or `+15550001000;ext=12`."""
        return f"{self.e164}{EXTENSION_MARK}{self.extension}" if self.extension else self.e164

    @property
    def digits(self) -> str:
        """The E.164 digits without the `+`: what prospect_search.phone_digits begins with."""
        return self.e164[1:]

    @cached_property
    def _number_type(self) -> int:
        """phonenumbers' type of the number (fixed line, mobile, ...), UNKNOWN for one it
        does not know as in use: worked out once, as it is the costly part of both
        `valid` and `timezone` (an import asks both of most rows)."""
        return int(number_type(self.number))

    @property
    def valid(self) -> bool:
        """Whether phonenumbers knows the number as one in use (not a fictional 555 one,
        nor a range newer than its data): `is_valid_number`, from the number's type."""
        return self._number_type != _library().PhoneNumberType.UNKNOWN

    @property
    def warning(self) -> str | None:
        """Why a number that can be dialled may still be wrong, or None."""
        if self.valid:
            return None
        where = _where(self.number.country_code)
        if (american := self._north_american()) is not None:
            library = _library()
            shown = library.format_number(american, library.PhoneNumberFormat.INTERNATIONAL)
            region = library.region_code_for_number(american)
            return (
                f"not known as a number in use {where}, but {shown} is one in {region} "
                f"(add its +1, or set phone_region to {region}): kept"
            )
        return f"not known as a number in use {where} (a new range, or a fictional one): kept"

    def _north_american(self) -> PhoneNumber | None:
        """The same ten digits under +1, when that is a number in use: the US or Canadian
        number of an export from there, read in a book whose region is elsewhere."""
        number = self.number
        if number.country_code == NORTH_AMERICA or len(str(number.national_number)) != 10:
            return None
        library = _library()
        american = library.PhoneNumber(
            country_code=NORTH_AMERICA, national_number=number.national_number
        )
        return american if library.is_valid_number(american) else None

    @property
    def international(self) -> str:
        """`+1 555-000-1000 ext. 12`: phonenumbers' international format, with the extension
        after ` ext. ` for every country (phonenumbers writes Peru's as `Anexo`), so what
        is shown reads back as the same number."""
        library = _library()
        whole = library.format_number(
            self._without_extension, library.PhoneNumberFormat.INTERNATIONAL
        )
        return f"{whole} ext. {self.extension}" if self.extension else str(whole)

    @property
    def national(self) -> str:
        """The number as dialled within its own country, without the extension:
        `(555) 000-1000`, `07700 900318`."""
        library = _library()
        return str(
            library.format_number(self._without_extension, library.PhoneNumberFormat.NATIONAL)
        )

    @property
    def _without_extension(self) -> PhoneNumber:
        number = self.number
        return _library().PhoneNumber(
            country_code=number.country_code,
            national_number=number.national_number,
            italian_leading_zero=number.italian_leading_zero,
            number_of_leading_zeros=number.number_of_leading_zeros,
        )

    @cached_property
    def timezone(self) -> str | None:
        """The zone the number is in, when phonenumbers names exactly one (a Denver
        landline: America/Denver); None for a number it does not know, or one that may be
        in several zones (a US toll-free number, most mobiles)."""
        from phonenumbers import timezone as zones

        # time_zones_for_number, without working out the number's type again for a
        # number tied to a place (a landline): the zones of its prefix.
        if not self.valid:
            return None
        if _library().is_number_type_geographical(self._number_type, self.number.country_code):
            found = zones.time_zones_for_geographical_number(self.number)
        else:
            found = zones.time_zones_for_number(self.number)
        if len(found) != 1 or found[0] == UNKNOWN_ZONE:
            return None
        return _known_zone(found[0])


@cache
def _known_zone(name: str) -> str | None:
    """The name when this machine's zone data knows it (the card shows the time there)."""
    from funnel_tui.clocks import known_zone

    return name if known_zone(name) is not None else None


# The dashes of word processors and phones' keyboards (hyphen, non-breaking hyphen,
# figure dash, en and em dash, minus): a dash between digits, as `-` is.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def _signs_plain(text: str) -> str:
    """The number with full-width digits and signs as ASCII (`＋４４ ２０`, from an East
    Asian keyboard or a document) and a typographic dash as `-`."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


@lru_cache(maxsize=CACHED_NUMBERS)
def _read(text: str, region: str) -> Phone | str:
    """The number, or why it is refused; cached, so each distinct text is parsed once.

    A number that begins with the international prefix `00` is read as written with `+`
    when `region` does not read it (the US dials 011, so a German export's `0049 30
    901820` is too long for a US number), or reads it as one of its own not in use
    (Australia's `+61 4930901820`), and the `+` makes a number in use of it. A region
    that dials 00 reads it so already.
    """
    text = _signs_plain(text)
    found = _read_as_written(text, region)
    if text.startswith("00") and _not_read(found, region):
        # Only a number in use: `0011 49 30 901820` (Australia's prefix) typed in the US
        # would be +1 493-090-1820, a number made up of the wrong digits.
        abroad = _read_as_written(f"+{text[2:]}", region)
        if isinstance(abroad, Phone) and abroad.valid:
            return abroad
    return found


def _not_read(found: Phone | str, region: str) -> bool:
    """Whether a number was refused, or read as one of `region`'s that is not in use."""
    if isinstance(found, str):
        return True
    number = found.number
    return number.country_code == _library().country_code_for_region(region) and not found.valid


def _read_as_written(text: str, region: str) -> Phone | str:
    """The number as phonenumbers reads it in `region`, or why it is refused."""
    if len(text) > MAX_PHONE_LENGTH:
        return LENGTH_REASON
    if not PHONE_SHAPE.fullmatch(text):
        return SHAPE_REASON
    library = _library()
    # Most numbers are digits and separators, read without the general parser.
    if (number := quick_number(text, region)) is None:
        try:
            number = library.parse(text, region)
        except library.NumberParseException as error:
            return _parse_failure(error.error_type)
    possible = possibility(number)
    if possible != library.ValidationResult.IS_POSSIBLE:
        return _impossible(possible, number, text, region)
    e164 = library.format_number(number, library.PhoneNumberFormat.E164)
    # phonenumbers keeps an extension's digits as typed (`١٢`): stored as ASCII, as in a
    # tel: link, like the number itself.
    extension = (
        "".join(str(unicodedata.digit(digit)) for digit in number.extension)
        if number.extension
        else ""
    )
    return Phone(e164, extension, number)


def read_phone(text: str, region: str) -> Phone:
    """A number as typed (`07700 900318`, `+44 (0)7700 900318`, `0044 7700 900318`,
    `555.000.1000 x12`), numbers without a country code taken as `region`'s (a two-letter
    code such as US or GB); raises PhoneRefused with the reason when it cannot be dialled."""
    found = _read(text.strip(), region)
    if isinstance(found, str):
        raise PhoneRefused(found)
    return found


def read_phone_in_zone(
    text: str, region: str, zone: str | None, country: str | None = None
) -> Phone:
    """`read_phone`, except that a number in national form is read first as the country
    the row says it is in (`country`, a region phonenumbers knows), then as the country
    of its `zone`, when that country knows it as one in use: `(617) 555-0154` with
    America/New_York in a GB book is +1 617 555 0154, not the +44 617 555 0154 that no
    one answers, and `(203) 555-0100` is +1 203 555 0100, not a London number. The
    country and the zone say where the person is; the book's region is a default. A
    number that says its country is read as written.

    A number none of them knows as in use is the country's when it can be dialled there
    (kept with a warning, as a number of the book's region would be), else the book's
    (or its refusal, naming the country's reason when there is a country): a number the
    zone's country does not know keeps the book's reading."""
    text = text.strip()
    if (country is None and not zone) or text.startswith(("+", "00")):
        return read_phone(text, region)
    there = _zone_region(zone) if zone else None
    for place in dict.fromkeys(filter(None, (country, there, region))):
        found = _read(text, place)
        if isinstance(found, Phone) and found.valid:
            return found
    if country is None or country == region:
        return read_phone(text, region)
    found = _read(text, country)
    if isinstance(found, Phone):
        return found
    try:
        return read_phone(text, region)
    except PhoneRefused:
        raise PhoneRefused(found) from None


@cache
def _zone_regions() -> dict[str, str]:
    """Each zone phonenumbers names, with the main region of the country code whose
    numbers it names most often (America/New_York: US; a few of Mexico's name it too)."""
    from phonenumbers.tzdata import TIMEZONE_DATA

    library = _library()
    counts: dict[str, dict[int, int]] = {}
    for prefix, names in TIMEZONE_DATA.items():
        code = next(
            int(prefix[:length])
            for length in (1, 2, 3)
            if int(prefix[:length]) in library.COUNTRY_CODE_TO_REGION_CODE
        )
        for name in names:
            by_code = counts.setdefault(name, {})
            by_code[code] = by_code.get(code, 0) + 1
    return {
        name: library.region_code_for_country_code(max(sorted(by_code), key=by_code.__getitem__))
        for name, by_code in counts.items()
    }


def _zone_region(zone: str) -> str | None:
    return _zone_regions().get(zone)


def international_phone(text: str | None) -> Phone | None:
    """A number that says its country itself, written with `+` or the international
    prefix `00` (`+44 20 7946 0958`, `0044 20 7946 0958`), read the same in every region;
    None for a number in national form (`020 7946 0958`), whose country is the reader's
    guess, and for text that is no number. `011` is left out: in GB it begins Sheffield's
    and Leicester's area codes."""
    text = (text or "").strip()
    if text.startswith("00"):
        text = f"+{text[2:]}"
    return readable_phone(text, "ZZ") if text.startswith("+") else None


def phone_problem(text: str, region: str, country: str | None = None) -> str | None:
    """Why this cannot be stored as a phone number, or None when it can: as
    `read_phone_in_zone` reads a row's number, with the `country` the row is in."""
    if country is None:
        found = _read(text.strip(), region)
        return found if isinstance(found, str) else None
    try:
        read_phone_in_zone(text, region, None, country)
    except PhoneRefused as refused:
        return str(refused)
    return None


def stored_phone(text: str, region: str) -> str:
    """The form the database keeps (`+15550001000;ext=12`); raises PhoneRefused."""
    return read_phone(text, region).stored


def readable_phone(text: str | None, region: str) -> Phone | None:
    """A stored (or typed) number, or None when it is empty or cannot be read."""
    if not text:
        return None
    found = _read(text.strip(), region)
    return None if isinstance(found, str) else found


def international(text: str, region: str) -> str:
    """A stored number as the card shows it (`+1 555-000-1000 ext. 12`); text that is not
    a number comes back as it is."""
    phone = readable_phone(text, region)
    return phone.international if phone else text


def national(text: str, region: str) -> str | None:
    """The number as dialled within its own country, without the extension
    (`(555) 000-1000`); None when the text is not a number."""
    phone = readable_phone(text, region)
    return phone.national if phone else None


def e164(text: str, region: str) -> str | None:
    """`+15550001000`, without the extension; None when the text is not a number."""
    phone = readable_phone(text, region)
    return phone.e164 if phone else None


def guess_timezone(text: str, region: str) -> str | None:
    """The zone of a number that maps to exactly one (`+1 303 555 1234`: America/Denver),
    else None."""
    phone = readable_phone(text, region)
    return phone.timezone if phone else None


def phone_key(text: str | None, region: str) -> str:
    """What tells two numbers apart: the stored form, so `07700 900318`, `+44 7700 900318`
    and `0044 7700 900318` (region GB) are one number, and `x12` another.

    A stored number in the form this module writes is its own key, read without
    phonenumbers; text that is not a number is told apart by its digits and any
    extension's, as typed.
    """
    if not text:
        return ""
    text = text.strip()
    if STORED_SHAPE.fullmatch(text):
        return text
    phone = readable_phone(text, region)
    if phone is not None:
        return phone.stored
    number, *extension = EXTENSION_START.split(text, maxsplit=1)
    digits, extension_digits = NOT_DIGITS.sub("", number), NOT_DIGITS.sub("", "".join(extension))
    return f"{digits}{EXTENSION_MARK}{extension_digits}" if extension_digits else digits


def national_digits(text: str | None, region: str) -> str:
    """A number's national significant digits: no country code, trunk prefix, extension
    or punctuation, so that `+1 617 555 0154`, `(617) 555-0154` (read in any region) and
    `617.555.0154 x12` give `6175550154`; the digits as typed for text phonenumbers cannot
    read. What the suppression list compares: a number that must never come back is
    caught however it is written, and in whichever region it is read."""
    if not text or not text.strip():
        return ""
    library = _library()
    try:
        number = library.parse(text.strip(), region)
    except library.NumberParseException:
        return NOT_DIGITS.sub("", EXTENSION_START.split(text, maxsplit=1)[0])
    return library.national_significant_number(number)


def same_number(first: str, other: str, region: str) -> bool:
    """Whether two texts are one number and extension (`020 7946 0958` and `+44 20 7946
    0958` in GB). Two different numbers are told apart without reading the second one
    when its digits do not hold the first's national number: phonenumbers only ever
    drops digits before it (a country code, a trunk 0, a carrier code), except in the
    countries whose numbers it rewrites (Argentina's mobile 15), where both are read."""
    phone = readable_phone(first, region)
    if phone is not None and not _rewrites_digits(phone.number.country_code, region):
        national_number = _library().national_significant_number(phone.number)
        if national_number not in NOT_DIGITS.sub("", other):
            return False
    return phone_key(first, region) == phone_key(other, region)


@cache
def _rewrites_digits(country_code: int, region: str) -> bool:
    """Whether phonenumbers may rewrite the national number of this country, or of
    `region`'s, rather than only strip a prefix."""
    library = _library()
    rules = (
        library.PhoneMetadata.metadata_for_region_or_calling_code(
            country_code, library.region_code_for_country_code(country_code)
        ),
        library.PhoneMetadata.metadata_for_region(region),
    )
    return any(metadata is None or metadata.national_prefix_transform_rule for metadata in rules)


def search_patterns(text: str, region: str | None) -> tuple[str, ...]:
    """LIKE patterns over prospect_search.phone_digits (the stored number's digits, E.164
    without the `+` for a number funnel stored) that find a number typed, or begun, in any
    form. Empty when the text is no phone number.

    - The digits as typed, anywhere: `900318`, `1555`, and a number stored in national
      form as typed (`07700 900318` from v4).
    - A whole number that reads as one of `region`'s (None: only a number with its country
      code): its E.164 digits, so `07700 900318` in GB finds +447700900318.
    - Text that begins with `region`'s trunk prefix (`020` in GB): the digits
      after it, right after the region's country code (`4420%`), so it finds London's
      numbers and not every number holding `20`.
    - A whole national number of another country, typed as its own list writes it
      (`030 20172736` for a Berlin number, in a GB book): the digits after its trunk
      `0`, right after any country code (one to three digits); and one typed with the
      `00` international prefix, the digits after it from the start.

    The first digit of a partial number is never dropped anywhere else: `1303` in US does
    not find +44 303 555 0111. A pattern another one covers is left out.
    """
    text = text.strip()
    if len(text) > MAX_PHONE_LENGTH or not PHONE_SHAPE.fullmatch(text):
        return ()
    number = EXTENSION_START.split(text, maxsplit=1)[0].strip()
    typed = NOT_DIGITS.sub("", number)
    if len(typed) < MIN_SEARCH_DIGITS:
        return ()
    anywhere = {typed}
    starts: set[str] = set()
    whole = readable_phone(number, region or "ZZ")
    if whole is not None:
        anywhere.add(whole.digits)
    # phonenumbers reads some parts of numbers as whole ones (`020 7946` in GB, kept with
    # its 0): the digits after a trunk prefix are looked for in either case.
    if region and not number.startswith("+"):
        library = _library()
        metadata = library.PhoneMetadata.metadata_for_region(region)
        prefix = metadata.national_prefix if metadata else None
        if prefix and typed.startswith(prefix) and len(typed) > len(prefix):
            starts.add(f"{library.country_code_for_region(region)}{typed[len(prefix) :]}")
    national = typed.removeprefix("0")
    if not number.startswith("+") and len(national) >= NATIONAL_DIGITS_AT_LEAST:
        if national.startswith("0"):
            starts.add(national[1:])  # after 00
        elif national != typed:
            starts.update("_" * size + national for size in (1, 2, 3))
    anywhere = {run for run in anywhere if not any(o in run for o in anywhere if o != run)}
    starts = {start for start in starts if not any(run in start for run in anywhere)}
    return (*(f"%{run}%" for run in sorted(anywhere)), *(f"{start}%" for start in sorted(starts)))


def known_region(text: str) -> str | None:
    """The two-letter region phonenumbers knows (`gb` is GB), or None."""
    region = text.strip().upper()
    return region if region in REGIONS else None


def locale_region() -> str:
    """The country of the rep's locale (en_GB: GB) when phonenumbers knows it, else US:
    numbers typed without a country code are read as this country's."""
    try:
        language = locale.getlocale()[0] or ""
    except ValueError:
        language = ""
    _, _, country = language.partition("_")
    return known_region(country) or "US"


def phone_warning(text: str | None, region: str) -> str | None:
    """Why a number that can be dialled may still be wrong (`+1 555-000-1000: not known as
    a number in use in US …`), or None: also for text that is no number at all (that one
    is refused, with phone_problem's reason)."""
    phone = readable_phone(text, region)
    if phone is None or (warning := phone.warning) is None:
        return None
    return f"{phone.international}: {warning}"
