"""Phone numbers read with phonenumbers (PRODUCT 15): stored in E.164 with the extension,
refused with the reason, kept with a warning, shown internationally, found by any form."""

from __future__ import annotations

import locale
import subprocess
import sys

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from funnel_tui.phones import (
    REGIONS,
    PhoneRefused,
    e164,
    guess_timezone,
    international,
    known_region,
    locale_region,
    national,
    phone_key,
    phone_problem,
    phone_warning,
    read_phone,
    read_phone_in_zone,
    same_number,
    search_patterns,
    stored_phone,
)

UK_FORMS = ["07700 900318", "07700900318", "+44 7700 900318", "0044 7700 900318"]


@pytest.mark.parametrize(
    "typed",
    [
        *UK_FORMS,
        "+44 (0)7700 900318",
        "+44-7700-900-318",
        # Refused as no number: full-width digits and signs, typographic dashes.
        "＋４４ ７７００ ９００３１８",
        "（０７７００） ９００３１８",
        "+44\u20117700\u2013900\u2014318",
        "07700\u2212900318",
    ],
)
def test_every_way_a_uk_number_is_written_is_one_e164_number(typed: str) -> None:
    assert stored_phone(typed, "GB") == "+447700900318"
    # Written with its country code, it is the same number wherever the rep is.
    if typed.startswith("+"):
        assert stored_phone(typed, "US") == "+447700900318"


@pytest.mark.parametrize("typed", ["555.000.1000", "+1 (555) 000-1000", "(555) 000-1000"])
def test_us_numbers_with_dots_or_brackets_are_one_number(typed: str) -> None:
    assert stored_phone(typed, "US") == "+15550001000"


@pytest.mark.parametrize(
    "typed",
    [
        "555-000-1000 x12",
        "555-000-1000 ext. 12",
        "555-000-1000 ext 12",
        "555-000-1000 #12",
        "+15550001000;ext=12",
        "+1 555 000 1000 extension 12",
    ],
)
def test_an_extension_is_kept_however_it_is_written(typed: str) -> None:
    phone = read_phone(typed, "US")
    assert (phone.e164, phone.extension, phone.stored) == (
        "+15550001000",
        "12",
        "+15550001000;ext=12",
    )
    assert phone.international == "+1 555-000-1000 ext. 12"
    assert phone_key(typed, "US") == "+15550001000;ext=12"


@pytest.mark.parametrize(
    ("typed", "region", "reason"),
    [
        ("12", "US", "too short for a number in US"),
        ("1234567890123456", "US", "too long for a number in US"),
        ("+61 2 1234 5678 21", "GB", "not a length numbers in AU have"),
        ("+1 555 0100", "US", "a local number in US only: add the area code"),
        ("+999 123 4567", "US", "not a known country code after the +"),
        ("555-CALL-NOW", "US", "a phone number has digits"),
        ("+44 20 7946 0958 or so", "GB", "a phone number has digits"),
        ("call after 5", "US", "a phone number has digits"),
    ],
)
def test_a_number_that_cannot_be_dialled_is_refused_with_the_reason(
    typed: str, region: str, reason: str
) -> None:
    assert (phone_problem(typed, region) or "").startswith(reason)
    with pytest.raises(PhoneRefused, match=reason):
        read_phone(typed, region)


def test_a_possible_number_phonenumbers_does_not_know_is_kept_with_a_warning() -> None:
    # No US area code is 555; 07700 900xxx are the UK's numbers for drama.
    for typed, region in (("(555) 000-1000", "US"), ("07700 900318", "GB")):
        phone = read_phone(typed, region)
        assert not phone.valid
        assert phone_warning(typed, region) == (
            f"{phone.international}: not known as a number in use in {region}"
            " (a new range, or a fictional one): kept"
        )
    assert phone_warning("020 7946 0958", "GB") is None
    assert phone_warning("not a number", "GB") is None


def test_shown_in_the_international_format_and_dialled_in_the_national() -> None:
    assert international("+442079460958", "US") == "+44 20 7946 0958"
    assert national("+442079460958", "US") == "020 7946 0958"
    assert e164("020 7946 0958 x7", "GB") == "+442079460958"
    # What is not a number is shown as it is.
    assert international("ask reception", "GB") == "ask reception"
    assert national("ask reception", "GB") is None


def test_a_number_in_one_zone_tells_it_and_an_ambiguous_one_does_not() -> None:
    assert guess_timezone("+1 303 555 1234", "US") == "America/Denver"
    assert guess_timezone("(303) 555-1234", "US") == "America/Denver"
    assert read_phone("020 7946 0958", "GB").timezone == "Europe/London"
    # Toll-free numbers reach all of the US; a UK mobile may be in Jersey or the Isle of Man.
    assert guess_timezone("+1 800 555 1234", "US") is None
    assert guess_timezone("+44 7911 123456", "GB") is None
    # A number phonenumbers does not know as in use tells no zone.
    assert guess_timezone("+1 555 303 1234", "US") is None
    assert guess_timezone("not a number", "US") is None


@pytest.mark.parametrize(
    ("first", "other", "same"),
    [
        ("020 7946 0958", "+44 (0)20 7946 0958", True),
        ("020 7946 0958", "+44 20 7946 0959", False),
        ("+1 617 555 0100 x12", "1-617-555-0100 ext. 12", True),
        ("+1 617 555 0100 x12", "1-617-555-0100", False),
        ("ask for Bo", "ask for Bo", True),
    ],
)
def test_two_cells_are_one_number_however_written(first: str, other: str, same: bool) -> None:
    region = "GB" if first.startswith("0") else "US"
    assert same_number(first, other, region) is same


AFTER_A_CODE = ("_7700900318%", "__7700900318%", "___7700900318%")
AFTER_A_CODE_030 = ("_3020172736%", "__3020172736%", "___3020172736%")


@pytest.mark.parametrize(
    ("typed", "region", "patterns"),
    [
        # A whole national number: also right after any country code, as one of another
        # country's typed as its own list writes it.
        ("07700 900318", "GB", ("%07700900318%", "%447700900318%", *AFTER_A_CODE)),
        ("07700900318", "GB", ("%07700900318%", "%447700900318%", *AFTER_A_CODE)),
        ("07700 900318", "US", ("%07700900318%", *AFTER_A_CODE)),
        ("030 20172736", "GB", ("%03020172736%", "%443020172736%", *AFTER_A_CODE_030)),
        ("0049 30 20172736", "US", ("%493020172736%",)),
        ("+44 7700 900318", "GB", ("%447700900318%",)),
        ("7700 900318", "GB", ("%7700900318%",)),
        ("0044 7700 900318", "GB", ("%447700900318%",)),
        # A part of a number after the trunk 0: right after the country code.
        ("0770", "GB", ("%0770%", "44770%")),
        ("020", "GB", ("%020%", "4420%")),
        ("0002", "GB", ("%0002%", "44002%")),
        ("555.000.1000", "US", ("%5550001000%",)),
        ("1 (555) 000-1000", "US", ("%15550001000%",)),
        ("+44 (20) 79460958", None, ("%442079460958%",)),
        # The first digit of a part of a number is searched as typed, never dropped.
        ("1555", "US", ("%1555%",)),
        ("1303", "US", ("%1303%",)),
        ("1000", "US", ("%1000%",)),
        ("Ada", "GB", ()),
        ("12", "GB", ()),
    ],
)
def test_the_patterns_a_typed_number_is_searched_by(
    typed: str, region: str | None, patterns: tuple[str, ...]
) -> None:
    assert search_patterns(typed, region) == patterns


SORTED_REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)


@st.composite
def possible_numbers(draw: st.DrawFn) -> phonenumbers.PhoneNumber:
    """A number of some country's length, digits drawn after an example's first two."""
    region = draw(st.sampled_from(SORTED_REGIONS))
    example = phonenumbers.example_number(region)
    assume(example is not None)
    digits = phonenumbers.national_significant_number(example)
    tail = draw(st.text("0123456789", min_size=len(digits) - 2, max_size=len(digits) - 2))
    number = phonenumbers.parse(f"+{example.country_code}{digits[:2]}{tail}", None)
    possible = phonenumbers.is_possible_number_with_reason(number)
    assume(possible == phonenumbers.ValidationResult.IS_POSSIBLE)
    return number


@given(possible_numbers(), st.sampled_from(["US", "GB", "DE", "JP"]))
def test_any_possible_number_written_internationally_reads_back_the_same(
    number: phonenumbers.PhoneNumber, region: str
) -> None:
    expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    written = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    phone = read_phone(written, region)
    assert phone.e164 == expected
    # What is stored reads back as itself, and so does what the card shows.
    assert read_phone(phone.stored, region).stored == phone.stored
    assert read_phone(phone.international, region).stored == phone.stored


@given(possible_numbers(), st.integers(1, 99_999))
def test_an_extension_survives_storing_and_showing(
    number: phonenumbers.PhoneNumber, extension: int
) -> None:
    stored = (
        f"{phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)};ext={extension}"
    )
    phone = read_phone(stored, "US")
    assert (phone.stored, phone.extension) == (stored, str(extension))
    assert read_phone(phone.international, "US").stored == stored


@pytest.mark.parametrize(
    ("language", "region"),
    [(("en_GB", "UTF-8"), "GB"), (("de_DE", None), "DE"), (("C", None), "US"),
     ((None, None), "US"), (("en_001", "UTF-8"), "US"), (("xx_QQ", None), "US")],
)  # fmt: skip
def test_the_default_region_is_the_locales_country_when_phonenumbers_knows_it(
    monkeypatch: pytest.MonkeyPatch, language: tuple[str | None, str | None], region: str
) -> None:
    monkeypatch.setattr(locale, "getlocale", lambda *category: language)
    assert locale_region() == region


def test_the_regions_known_without_phonenumbers_are_its_own() -> None:
    assert phonenumbers.SUPPORTED_REGIONS == REGIONS
    assert known_region(" gb ") == "GB"
    assert known_region("XX") is None


# Opening the app reads the settings and the first screen of the queue and its card's row:
# phonenumbers (over 10 ms to import) waits until a number is read.
START_UP = """
import sqlite3, sys
from funnel_tui.settings import read_settings
from funnel_tui import queue, prospects, importer, checks, migrations
conn = sqlite3.connect(":memory:")
conn.execute("CREATE TABLE settings (key TEXT, value TEXT)")
conn.execute("INSERT INTO settings VALUES ('phone_region', 'gb')")
settings, problems = read_settings(conn)
assert (settings.phone_region, problems) == ("GB", []), (settings, problems)
print("phonenumbers" in sys.modules)
"""


def test_reading_the_settings_and_loading_the_core_do_not_import_phonenumbers() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", START_UP], capture_output=True, text=True, timeout=60
    )
    assert (ran.returncode, ran.stdout.strip()) == (0, "False"), ran.stderr


@pytest.mark.parametrize(
    "typed",
    ["1" + " " * 20_000 + "x1a", " ".join(["1"] * 30_000) + "x", "1" + " " * 100_000 + "2"],
    ids=["spaces-then-bad-extension", "digits-and-spaces", "100k-spaces"],
)
def test_long_text_of_spaces_is_refused_at_once(typed: str) -> None:
    import time

    started = time.perf_counter()
    assert phone_problem(typed, "US") is not None
    assert search_patterns(typed, "US") == ()
    assert phone_key(typed, "US") is not None
    assert time.perf_counter() - started < 1.0


def test_the_pattern_alone_is_linear_on_spaces_before_a_bad_extension() -> None:
    # Below the length cap the pattern itself must not backtrack quadratically.
    import time

    from funnel_tui.phones import MAX_PHONE_LENGTH, PHONE_SHAPE

    started = time.perf_counter()
    # A millisecond a match; a backtracking pattern takes seconds for one.
    for _ in range(20):
        assert PHONE_SHAPE.fullmatch("1" + " " * 20_000 + "x1a") is None
    assert time.perf_counter() - started < 1.0
    assert phone_problem("1" * (MAX_PHONE_LENGTH + 1), "US") == (
        f"too long for a phone number (over {MAX_PHONE_LENGTH} characters)"
    )


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("(+44) 20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958 extn 12", "GB", "+442079460958;ext=12"),
        ("020 7946 0958 ext: 12", "GB", "+442079460958;ext=12"),
    ],
)
def test_forms_phonenumbers_reads_are_accepted(typed: str, region: str, stored: str) -> None:
    assert stored_phone(typed, region) == stored


@pytest.mark.parametrize(
    ("typed", "region", "reason"),
    [
        # The area code is there, after the trunk 0: the number is cut short.
        ("020 79", "GB", "too short for a number in GB"),
        ("7946 0958", "GB", "a local number in GB only: add the area code"),
        (
            "07700 900318",
            "US",
            "too long for a number in US (add the country code, e.g. +44, for a number from"
            " elsewhere)",
        ),
        ("+44 7700 9003181234", "US", "too long for a number in GB"),
    ],
)
def test_the_reason_a_number_is_refused_says_what_to_do(
    typed: str, region: str, reason: str
) -> None:
    assert phone_problem(typed, region) == reason


@pytest.mark.parametrize("typed", ["+44 20 7946 0958 x١٢", "+44 20 7946 0958 ext ۱۲"])
def test_an_extension_in_other_digits_is_stored_in_ascii(typed: str) -> None:
    phone = read_phone(typed, "GB")
    assert phone.stored == "+442079460958;ext=12"
    assert phone.international == "+44 20 7946 0958 ext. 12"


@pytest.mark.parametrize(
    ("text", "region", "zone", "stored"),
    [
        ("(617) 555-0154", "GB", "America/New_York", "+16175550154"),
        ("(617) 555-0154", "GB", None, "+446175550154"),
        # Known in both countries: the zone says which (it was a London number).
        ("(203) 555-0100", "GB", "America/New_York", "+12035550100"),
        # A number the zone's country does not know, or one that says its country: as
        # the book reads it.
        ("020 7946 0958", "GB", "America/New_York", "+442079460958"),
        ("+44 7700 900318", "US", "America/New_York", "+447700900318"),
        # Too long for the US, a mobile in the UK.
        ("07911 123456", "US", "Europe/London", "+447911123456"),
    ],
)
def test_a_number_without_its_country_code_is_read_in_its_zones_country(
    text: str, region: str, zone: str | None, stored: str
) -> None:
    assert read_phone_in_zone(text, region, zone).stored == stored


def test_a_number_neither_country_knows_keeps_the_books_reading_or_refusal() -> None:
    with pytest.raises(PhoneRefused, match="too long for a number in US"):
        read_phone_in_zone("07700 900318", "US", "America/New_York")


@pytest.mark.parametrize(
    ("text", "zone", "country", "stored"),
    [
        # Too long for the US; valid in the row's country.
        ("020 7946 0018", None, "GB", "+442079460018"),
        # A US number no one has (kept with a warning) in a US book; a Berlin one.
        ("030 1234567", None, "DE", "+49301234567"),
        # Valid in both: the row's country says which (it was a number in Maine).
        ("207 946 0018", None, "GB", "+442079460018"),
        # Not known as in use in GB, refused in the US: the row's country's, with a warning.
        ("07700 900318", None, "GB", "+447700900318"),
        # A number that says its country is read as written.
        ("+1 212 555 0143", None, "DE", "+12125550143"),
        ("0049 30 901820", None, "GB", "+4930901820"),
        # Not in use in the row's country, but in its zone's.
        ("(212) 555-0142", "America/New_York", "GB", "+12125550142"),
        # The row's country before its zone's.
        ("020 7946 0018", "America/New_York", "GB", "+442079460018"),
        # A country the same as the book's reads as before.
        ("(212) 555-0142", None, "US", "+12125550142"),
    ],
)
def test_a_number_without_its_country_code_is_read_in_the_rows_country_first(
    text: str, zone: str | None, country: str, stored: str
) -> None:
    assert read_phone_in_zone(text, "US", zone, country).stored == stored


def test_a_number_the_rows_country_refuses_as_the_book_does_names_the_countrys_reason() -> None:
    with pytest.raises(PhoneRefused, match="too short for a number in GB"):
        read_phone_in_zone("030 1", "US", None, "GB")
    assert phone_problem("030 1", "US", "GB") == "too short for a number in GB"
    assert phone_problem("020 7946 0018", "US", "GB") is None


def test_a_number_the_rows_country_refuses_keeps_the_books_reading() -> None:
    """A row is never refused for its country alone: a number the book's region reads
    (not known as in use there) is kept as it was."""
    phone = read_phone_in_zone("1 555 000 1000", "US", None, "GB")
    assert (phone.stored, phone.valid) == ("+15550001000", False)


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        # As German and British exports write them; the US dials 011, not 00.
        ("0049 30 901820", "US", "+4930901820"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("00 44 20 7946 0958 x12", "US", "+442079460958;ext=12"),
        # Australia reads it as one of its own that is in no use: as written with +.
        ("0049 30 901820", "AU", "+4930901820"),
        # A region that dials 00 reads it so anyway.
        ("0049 30 901820", "GB", "+4930901820"),
    ],
)
def test_a_number_after_00_is_read_as_international_where_the_region_dials_another_prefix(
    typed: str, region: str, stored: str
) -> None:
    assert stored_phone(typed, region) == stored
    assert phone_key(typed, region) == stored
    assert same_number(typed, stored, region)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0049 1", "too short for a number in US"),
        ("0044 7700 9003181234", "too long for a phone number"),
        # Australia's prefix: as +1 493-090-1820 it was stored, a number of wrong digits.
        ("0011 49 30 901820", "too long for a number in US"),
    ],
)
def test_a_number_after_00_that_is_no_number_with_a_plus_keeps_its_refusal(
    typed: str, reason: str
) -> None:
    assert phone_problem(typed, "US") == reason
