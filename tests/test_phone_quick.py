"""The quick reading of common phone shapes gives what phonenumbers gives: the same number
(so the same stored form), the same refusals, the same type (so the same warning and
zone), for numbers of many regions written in many ways, valid or not."""

from __future__ import annotations

from unittest.mock import patch

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from funnel_tui import phones
from funnel_tui.phone_quick import number_type, possibility, quick_number
from funnel_tui.phones import Phone

REGIONS = ["US", "CA", "GB", "DE", "FR", "IT", "AR", "BR", "MX", "IN", "AU", "JP", "RU", "GG"]
# What is read against "ZZ" (a number that says its country itself) as well.
READ_IN = [*REGIONS, "ZZ"]
SEPARATORS = ["", " ", "-", ".", "(", ")", " (", ") ", "  ", "/", "x", " ext. ", "#"]
STARTS = ["", "+", "(+", "00", "011", "0", "1", "(0)", "+0", "++", "tel:"]


@st.composite
def written_numbers(draw: st.DrawFn) -> str:
    """A number as someone might type it: an example number of a region, or random digits,
    in groups with separators (some that phonenumbers reads as an extension), sometimes
    with a letter or two (vanity numbers, typos)."""
    if draw(st.booleans()):
        region = draw(st.sampled_from(REGIONS))
        kind = draw(st.sampled_from(list(phonenumbers.PhoneNumberType.values())))
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            example = phonenumbers.example_number(region)
        layout = draw(
            st.sampled_from(
                [
                    phonenumbers.PhoneNumberFormat.E164,
                    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                    phonenumbers.PhoneNumberFormat.NATIONAL,
                ]
            )
        )
        digits = list(phonenumbers.format_number(example, layout))
        # A changed digit or two: numbers near valid ones, most of them not in use.
        for _ in range(draw(st.integers(0, 2))):
            at = draw(st.integers(0, len(digits) - 1))
            if digits[at].isdigit():
                digits[at] = draw(st.sampled_from("0123456789"))
        return "".join(digits)
    start = draw(st.sampled_from(STARTS))
    groups = draw(st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=5))
    text = start
    for group in groups:
        text += group + draw(st.sampled_from(SEPARATORS))
    if draw(st.integers(0, 9)) == 0:
        text += draw(st.sampled_from(["CALL", "a", "x12", "ext 7", "١٢"]))
    return text.strip()


def _parsed(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _as_read(found: Phone | str) -> tuple[object, ...]:
    if isinstance(found, str):
        return (found,)
    return found.stored, found.number, found.valid, found.warning, found.timezone


@settings(max_examples=100, deadline=None)
@given(written_numbers(), st.sampled_from(READ_IN))
def test_the_quick_reading_stores_and_warns_as_phonenumbers_alone_does(
    text: str, region: str
) -> None:
    """The number, its refusal's reason, what is stored, the warning and the zone are
    those of reading with phonenumbers alone."""
    number = _parsed(text, region)
    quick = quick_number(text, region)
    assert quick is None or quick == number
    if number is not None:
        assert number_type(number) == phonenumbers.number_type(number)
        assert possibility(number) == phonenumbers.is_possible_number_with_reason(number)
    read = phones._read.__wrapped__
    with patch.object(phones, "quick_number", return_value=None):
        alone = read(text, region)
    assert _as_read(read(text, region)) == _as_read(alone)


def test_the_common_shapes_are_read_quickly() -> None:
    """The shapes of a CRM export take the quick way (an extension does not)."""
    for text, region in [
        ("+44 20 7946 0958", "GB"),
        ("(555) 000-1000", "US"),
        ("0044 20 7946 0958", "GB"),
        ("020 7946 0958", "GB"),
        ("+1.303.555.1234", "ZZ"),
    ]:
        assert quick_number(text, region) == phonenumbers.parse(text, region)
    assert quick_number("555.000.1000 x12", "US") is None
    assert quick_number("1-800-FLOWERS", "US") is None
