"""Phone numbers in their common shapes read without phonenumbers' general parser, and a
number's type worked out once: the same PhoneNumber and the same type as phonenumbers
gives, at a fraction of the cost (an import reads a number on nearly every row).

`quick_number` reads text of digits and the separators space, `-`, `.`, `(` and `)`,
with `+` only at its start (`+44 20 7946 0958`, `(555) 000-1000`, `0044 20 7946 0958`):
phonenumbers' parser would see only its digits and whether it begins with `+`, so the
steps after that are taken here, with phonenumbers' own helpers and metadata. Anything
else (an extension, letters, a failure the parser would explain) is None: the caller
asks `phonenumbers.parse`. `number_type` is `phonenumbers.number_type` with each
number's patterns tried once, not once to find the region and again for the type, and
`possibility` is `phonenumbers.is_possible_number_with_reason` with each country code's
lengths looked up once. tests/test_phone_quick.py compares them with phonenumbers on
generated numbers.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

# Digits with the separators the parser drops; a `+` (or a bracketed `(+`) only first.
QUICK_SHAPE = re.compile(r"\(?(\+?)[0-9 ().\-]*")
NOT_ASCII_DIGITS = re.compile(r"[^0-9]")
# Fewer digits than this the parser reads by rules of their own (two digits are viable).
MIN_QUICK_DIGITS = 3
# The most digits a country code has (phonenumbers' _MAX_LENGTH_COUNTRY_CODE).
COUNTRY_CODE_DIGITS = 3


@cache
def _utility() -> Any:
    from phonenumbers import phonenumberutil

    return phonenumberutil


def quick_number(text: str, region: str) -> PhoneNumber | None:
    """`phonenumbers.parse(text, region)` for text of the common shapes, or None when the
    text is of another shape or the parser would refuse it."""
    shape = QUICK_SHAPE.fullmatch(text)
    if shape is None or not text[-1:].isdigit():
        return None
    digits = NOT_ASCII_DIGITS.sub("", text)
    if len(digits) < MIN_QUICK_DIGITS:
        return None
    utility = _utility()
    metadata = _region_metadata(region)
    number = utility.PhoneNumber()
    if shape.group(1):
        # The parser strips the `+` and reads the country code from the digits after it.
        country_code, length = _country_code(digits[:COUNTRY_CODE_DIGITS])
        if country_code == 0 or len(digits) <= utility._MIN_LENGTH_FOR_NSN:
            return None
        national = digits[length:]
        number.country_code = country_code
    else:
        if metadata is None:
            return None
        try:
            country_code, national = utility._maybe_extract_country_code(
                digits, metadata, False, number
            )
        except utility.NumberParseException:
            return None
    if country_code != 0:
        metadata = _country_metadata(country_code, region)
    else:
        national = digits
        number.country_code = metadata.country_code
    return _national_part(number, national, metadata, utility)


@cache
def _region_metadata(region: str) -> Any:
    """The metadata the parser reads a number against: the region's, or None."""
    return _utility().PhoneMetadata.metadata_for_region(region.upper(), None)


@cache
def _country_metadata(country_code: int, region: str) -> Any:
    """The metadata the parser reads a number of this country code with, read in
    `region`."""
    utility = _utility()
    number_region = utility.region_code_for_country_code(country_code)
    if number_region != region:
        return utility.PhoneMetadata.metadata_for_region_or_calling_code(
            country_code, number_region
        )
    return _region_metadata(region)


@cache
def _country_code(leading: str) -> tuple[int, int]:
    """The country code that digits after a `+` beginning with these begin with, and its
    length; (0, 0) for none."""
    country_code, rest = _utility()._extract_country_code(leading)
    return country_code, len(leading) - len(rest)


def _national_part(
    number: PhoneNumber, national: str, metadata: Any, utility: Any
) -> PhoneNumber | None:
    """The rest of phonenumbers' parse: the national prefix, when what is left after it
    has a possible length, and the leading zeros."""
    if len(national) < utility._MIN_LENGTH_FOR_NSN:
        return None
    if metadata is not None:
        _, potential, _ = utility._maybe_strip_national_prefix_carrier_code(national, metadata)
        result = utility.ValidationResult
        if utility._test_number_length(potential, metadata) not in (
            result.TOO_SHORT,
            result.IS_POSSIBLE_LOCAL_ONLY,
            result.INVALID_LENGTH,
        ):
            national = potential
    if not utility._MIN_LENGTH_FOR_NSN <= len(national) <= utility._MAX_LENGTH_FOR_NSN:
        return None
    utility._set_italian_leading_zeros_for_phone_number(national, number)
    number.national_number = int(national)
    return number


# A description's possible lengths (empty: any) and its pattern (None: it matches nothing).
Description = tuple[frozenset[int], re.Pattern[str] | None]


def _description(desc: Any) -> Description | None:
    if desc is None:
        return None
    pattern = desc.national_number_pattern
    return frozenset(desc.possible_length), re.compile(pattern) if pattern else None


def _matches(national: str, description: Description | None) -> bool:
    if description is None:
        return False
    lengths, pattern = description
    if lengths and len(national) not in lengths:
        return False
    return pattern is not None and pattern.fullmatch(national) is not None


class _Types:
    """One region's number descriptions, compiled once, in the order phonenumbers tries
    them (`_number_type_helper`).

    For each length of number, the descriptions a number of that length may match are
    joined into one pattern of alternatives in that order: the first alternative that
    matches the whole number is the first description that does, so one match finds the
    type that phonenumbers finds by trying each in turn.
    """

    def __init__(self, metadata: Any) -> None:
        kinds = _utility().PhoneNumberType
        self.general = _description(metadata.general_desc)
        self.same_mobile_and_fixed_line = bool(metadata.same_mobile_and_fixed_line_pattern)
        self.fixed_line = _description(metadata.fixed_line)
        self.mobile = _description(metadata.mobile)
        self.in_order = [
            (_description(getattr(metadata, name)), kind)
            for name, kind in (
                ("premium_rate", kinds.PREMIUM_RATE),
                ("toll_free", kinds.TOLL_FREE),
                ("shared_cost", kinds.SHARED_COST),
                ("voip", kinds.VOIP),
                ("personal_number", kinds.PERSONAL_NUMBER),
                ("pager", kinds.PAGER),
                ("uan", kinds.UAN),
                ("voicemail", kinds.VOICEMAIL),
            )
        ]
        self.in_order.append((self.fixed_line, kinds.FIXED_LINE))
        if not self.same_mobile_and_fixed_line:
            self.in_order.append((self.mobile, kinds.MOBILE))
        self.by_length: dict[int, tuple[re.Pattern[str] | None, dict[int, int]]] = {}

    def _joined(self, length: int) -> tuple[re.Pattern[str] | None, dict[int, int]]:
        """The pattern of the descriptions numbers of this length may match (None when
        they may match none), and the type by the group of each of its alternatives."""
        if (found := self.by_length.get(length)) is None:
            alternatives, types, group = [], {}, 1
            for description, kind in self.in_order:
                if description is None or (pattern := description[1]) is None:
                    continue
                if description[0] and length not in description[0]:
                    continue
                alternatives.append(f"({pattern.pattern})")
                types[group] = kind
                # The groups of a pattern of its own come before the next alternative's.
                group += 1 + pattern.groups
            joined = re.compile("|".join(alternatives)) if alternatives else None
            found = self.by_length[length] = (joined, types)
        return found

    def of(self, national: str) -> int:
        kinds = _utility().PhoneNumberType
        if not _matches(national, self.general):
            return kinds.UNKNOWN
        joined, types = self._joined(len(national))
        if joined is None or (match := joined.fullmatch(national)) is None:
            return kinds.UNKNOWN
        kind = types[match.lastindex or 0]
        if kind == kinds.FIXED_LINE and (
            self.same_mobile_and_fixed_line or _matches(national, self.mobile)
        ):
            return kinds.FIXED_LINE_OR_MOBILE
        return kind


# Compiled descriptions by region code ("001" with a country code for the non-geographic
# ones).
_types: dict[tuple[str, int], _Types] = {}


def _types_of(metadata: Any, region: str, country_code: int) -> _Types:
    key = (region, country_code)
    if (found := _types.get(key)) is None:
        found = _types[key] = _Types(metadata)
    return found


def number_type(number: PhoneNumber) -> int:
    """`phonenumbers.number_type(number)`: the type of a number (UNKNOWN for one that is
    not valid), its region found as phonenumbers finds it."""
    utility = _utility()
    unknown = utility.PhoneNumberType.UNKNOWN
    country_code = number.country_code
    regions = utility.COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if regions is None:
        return unknown
    national = utility.national_significant_number(number)
    if len(regions) == 1:
        region = regions[0]
        metadata = utility.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
        if metadata is None:
            return unknown
        return _types_of(metadata, region, country_code).of(national)
    for region in regions:
        metadata = utility.PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None:
            continue
        types = _types_of(metadata, region, country_code)
        if metadata.leading_digits is not None:
            if re.compile(metadata.leading_digits).match(national):
                return types.of(national)
        elif (kind := types.of(national)) != unknown:
            return kind
    return unknown


@cache
def _lengths(country_code: int) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The lengths of the numbers of a country code, and those of the ones that are
    possible only locally, as phonenumbers checks them; None for a code no one has."""
    utility = _utility()
    if country_code not in utility.COUNTRY_CODE_TO_REGION_CODE:
        return None
    metadata = utility.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, utility.region_code_for_country_code(country_code)
    )
    general = metadata.general_desc
    return tuple(general.possible_length), tuple(general.possible_length_local_only)


def possibility(number: PhoneNumber) -> int:
    """`phonenumbers.is_possible_number_with_reason(number)`: whether a number has a
    length its country's numbers have (a ValidationResult)."""
    utility = _utility()
    result = utility.ValidationResult
    if (lengths := _lengths(number.country_code)) is None:
        return result.INVALID_COUNTRY_CODE
    possible, local_only = lengths
    length = len(utility.national_significant_number(number))
    if length in local_only:
        return result.IS_POSSIBLE_LOCAL_ONLY
    if length == possible[0]:
        return result.IS_POSSIBLE
    if length < possible[0]:
        return result.TOO_SHORT
    if length > possible[-1]:
        return result.TOO_LONG
    return result.IS_POSSIBLE if length in possible[1:] else result.INVALID_LENGTH
