"""Amounts a rep types are read as exact cents and shown back the same way."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual import events
from textual.widgets import Static

from funnel_tui.money import (
    MAX_CENTS,
    AmountError,
    format_money,
    money_short_of,
    parse_amount,
    percent_text,
    round_half_up,
)
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from tests.app_support import settle, shown_text


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("50000", 5_000_000),
        ("50,000", 5_000_000),
        ("50000.00", 5_000_000),
        ("50000.5", 5_000_050),
        ("0.07", 7),
        ("0", 0),
        ("50k", 5_000_000),
        ("50K", 5_000_000),
        ("1.5k", 150_000),
        ("2m", 200_000_000),
        ("2.25M", 225_000_000),
        ("1,000k", 100_000_000),
        ("$1,200.50", 120_050),
        ("€ 300", 30_000),
        ("300 €", 30_000),
        ("£12", 1_200),
        ("  $ 75.10  ", 7_510),
        ("1,234,567.89", 123_456_789),
        # As a spreadsheet or a country writes them: the last separator marks the decimals
        # when there are two kinds; a comma alone before one or two digits does too.
        ("12.500,00", 1_250_000),
        ("1.234.567,89", 123_456_789),
        ("1.234.567", 123_456_700),
        ("1 234,50", 123_450),
        ("12\u00a0500", 1_250_000),
        ("1'234.50", 123_450),
        ("12,34", 1_234),
        ("3,5", 350),
        ("1,5k", 150_000),
        # k and m amounts are rounded half up to the cent.
        ("1.000005k", 100_001),
        ("1.000004k", 100_000),
        ("0.0000005m", 50),
    ],
)
def test_accepted_amounts(text: str, cents: int) -> None:
    assert parse_amount(text, None) == cents


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-50",
        "-$50",
        "$-50",
        "abc",
        "1,2,3",
        "1,0000",
        "1,234.567,89",
        "12 34",
        "12.345",
        "50kk",
        "50km",
        "k",
        "$",
        "NaN",
        "nan",
        "inf",
        "Infinity",
        "1e5",
        "+50",
        "50.",
        ".50",
        "5 0",
        "$$50",
        "$50€",
        "\u0665\u0660",  # Arabic-Indic digits
        "50 dollars",
    ],
)
def test_refused_amounts(text: str) -> None:
    with pytest.raises(AmountError) as raised:
        parse_amount(text, "$")
    message = str(raised.value)
    assert "\n" not in message
    assert "50,000" in message and "1.5k" in message


@pytest.mark.parametrize(
    ("currency", "example"), [("€", "€1,200.50"), ("CHF", "CHF 1,200.50"), (None, "$1,200.50")]
)
def test_a_refused_amount_gives_its_example_in_the_books_currency(
    currency: str | None, example: str
) -> None:
    """A book kept in € was told to type `$1,200.50`, which it refuses."""
    for text in ("twelve", "12.345"):
        with pytest.raises(AmountError) as raised:
            parse_amount(text, currency)
        assert str(raised.value).endswith(f"with a currency symbol such as {example}")


@pytest.mark.parametrize(
    "text", ["10,000,000,000.01", "10000000000.01", "10001m", "99999999999999999999"]
)
def test_amounts_above_ten_billion_are_refused_as_too_large(text: str) -> None:
    with pytest.raises(AmountError) as raised:
        parse_amount(text, "$")
    assert str(raised.value) == f"{text!r} is too large: an amount is at most 10,000,000,000.00"


def test_ten_billion_is_the_largest_amount() -> None:
    assert parse_amount("10,000,000,000", "$") == MAX_CENTS == 10**12
    assert parse_amount("10000m", "$") == MAX_CENTS


@pytest.mark.parametrize(
    ("text", "currency", "cents"),
    [("$12", "$", 1200), ("12 €", "€", 1200), ("$300", "R$", 30000), ("12", "CHF", 1200)],
)
def test_an_amount_in_the_books_currency_is_read(text: str, currency: str, cents: int) -> None:
    assert parse_amount(text, currency) == cents


@pytest.mark.parametrize(
    ("text", "currency", "cents"),
    [
        # The book's own code or symbol of letters, before or after: refused as no amount.
        ("CHF 60000", "CHF", 6_000_000),
        ("chf60k", "CHF", 6_000_000),
        ("60000 kr", "kr", 6_000_000),
        ("1,200.50zł", "zł", 120_050),
        ("US$ 5", "US$", 500),
        ("USD 12,000", "USD", 1_200_000),
    ],
)
def test_an_amount_written_with_the_books_own_code_is_read(
    text: str, currency: str, cents: int
) -> None:
    assert parse_amount(text, currency) == cents
    # The code and a symbol besides is no amount.
    with pytest.raises(AmountError):
        parse_amount(f"{text} $", currency)


@pytest.mark.parametrize(
    ("text", "currency", "cents"),
    [
        ("$12,000", "USD", 1_200_000),
        ("€12", "EUR", 1200),
        ("£5", "gbp", 500),
        ("¥300", "JPY", 30000),
    ],
)
def test_a_book_kept_in_a_currency_code_reads_that_currencys_symbol(
    text: str, currency: str, cents: int
) -> None:
    # A USD book refused `$12,000`, in an import's every row as in a target.
    assert parse_amount(text, currency) == cents


@pytest.mark.parametrize(
    ("text", "currency"), [("€12", "$"), ("12 £", "€"), ("$5", "CHF"), ("€12", "USD")]
)
def test_an_amount_in_another_currency_is_refused(text: str, currency: str) -> None:
    # It was stored as that many of the book's own: €12 became $12.00 without a word.
    with pytest.raises(AmountError, match=f"this book counts in {re.escape(currency)}, not"):
        parse_amount(text, currency)


@pytest.mark.parametrize(
    ("text", "currency", "cents"),
    [
        ("EUR 2,500", "€", 250_000),
        ("12,50 eur", "€", 1250),
        ("GBP 5", "£", 500),
        ("2500 usd", "USD", 250_000),
        ("12k EUR", "€", 1_200_000),
    ],
)
def test_the_books_own_currency_written_as_its_code_is_read(
    text: str, currency: str, cents: int
) -> None:
    # `EUR 2,500` in a € book was refused as no amount at all.
    assert parse_amount(text, currency) == cents


@pytest.mark.parametrize(
    ("text", "currency", "reason"),
    [
        ("USD 2,500", "€", "this book counts in €, not USD"),
        ("usd500", "€", "this book counts in €, not USD"),
        ("500USD", "€", "this book counts in €, not USD"),
        ("0.001", "€", "at most two decimals"),
        ("CAD 100", "USD", "this book counts in USD, not CAD"),
        # `$` and `¥` are written by more than one currency: the book does not say which.
        ("USD 2,500", "$", "this book counts in $; set the currency to USD to read USD"),
        ("JPY 300", "¥", "this book counts in ¥; set the currency to JPY to read JPY"),
    ],
)
def test_an_amount_in_another_currencys_code_is_refused_saying_so(
    text: str, currency: str, reason: str
) -> None:
    with pytest.raises(AmountError, match=re.escape(f"({reason})")):
        parse_amount(text, currency)


def test_amount_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_amount("lots", "$")


@pytest.mark.parametrize(
    ("cents", "kwargs", "shown"),
    [
        (1_234_567, {}, "$12,345.67"),
        (0, {}, "$0.00"),
        (5, {}, "$0.05"),
        (-120_000, {}, "-$1,200.00"),
        (123_456_789_012, {}, "$1,234,567,890.12"),
        (30_000, {"currency": "€"}, "€300.00"),
        (30_000, {"currency": "CHF"}, "CHF 300.00"),
        (1_234_567, {"whole": True}, "$12,346"),
        (1_234_550, {"whole": True}, "$12,346"),
        (1_234_549, {"whole": True}, "$12,345"),
        (-1_250, {"whole": True}, "-$13"),
        (49, {"whole": True}, "$0.49"),
        (50, {"whole": True}, "$1"),
    ],
)
def test_format_money(cents: int, kwargs: dict, shown: str) -> None:
    assert format_money(cents, **kwargs) == shown


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(1, 2), 1),
        (Fraction(-1, 2), -1),
        (Fraction(49, 100), 0),
        (Fraction(201, 2), 101),
        (Decimal("2.5"), 3),
        (Fraction(2, 3), 1),
        (7, 7),
    ],
)
def test_round_half_up(value: Fraction | Decimal | int, rounded: int) -> None:
    assert round_half_up(value) == rounded


@given(st.integers(min_value=0, max_value=MAX_CENTS), st.sampled_from(["$", "€", "£"]))
def test_shown_amounts_read_back_unchanged(cents: int, currency: str) -> None:
    assert parse_amount(format_money(cents, currency), currency) == cents


# --- the dialogs refuse an amount above ten billion and save nothing -----------------------

TOO_LARGE = "10,000,000,000.01"


async def test_the_won_dialog_refuses_more_than_ten_billion(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    deals_before = db["deals"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "w", *TOO_LARGE, "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, OutcomeDialog)
        error = shown_text(demo_app.screen.query_one("#outcome-amount-check", Static))
        assert f"'{TOO_LARGE}' is too large: an amount is at most 10,000,000,000.00" in error
    assert db["deals"].count == deals_before


async def test_the_target_dialog_refuses_more_than_ten_billion(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    targets_before = list(db.query("SELECT * FROM targets"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "ctrl+u", *TOO_LARGE, "enter")
        await settle(pilot)
        error = shown_text(demo_app.screen.query_one("#target-check", Static))
        assert "is too large: an amount is at most 10,000,000,000.00" in error
    assert list(db.query("SELECT * FROM targets")) == targets_before


async def test_the_target_dialog_refuses_an_amount_in_another_currency(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    targets_before = list(db.query("SELECT * FROM targets"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "ctrl+u")
        # Pilot types no € by name: the key arrives as a terminal sends it.
        demo_app.post_message(events.Key("euro_sign", "€"))
        await pilot.press(*"500")
        await settle(pilot)
        # No preview of $500.00 while typing, and no target saved on enter.
        error = shown_text(demo_app.screen.query_one("#target-check", Static))
        assert "this book counts in $, not €" in error
        await pilot.press("enter")
        await settle(pilot)
    assert list(db.query("SELECT * FROM targets")) == targets_before


def test_a_pasted_page_of_digits_is_refused_in_a_short_message() -> None:
    with pytest.raises(AmountError) as raised:
        parse_amount("9" * 5000, "$")
    message = str(raised.value)
    assert message.startswith("'" + "9" * 39 + "…' is too large")
    assert len(message) < 120


@pytest.mark.parametrize(
    ("part", "whole", "decimals", "shown"),
    [
        (6_300, 60_000, 0, "11%"),
        (6_300, 60_000, 1, "10.5%"),
        (1, 8, 0, "13%"),
        (1, 40, 0, "3%"),
        (1, 400, 1, "0.3%"),
        (-1, 8, 0, "-13%"),
        (0, 5, 1, "0.0%"),
        (25, 1, 0, "2,500%"),
        (3, 0, 0, "–"),
        # Short of the whole: never 100%, which reads as met.
        (5_999_950, 6_000_000, 0, "99%"),
        (5_999_950, 6_000_000, 1, "99.9%"),
        (199, 200, 0, "99%"),
        (6_000_000, 6_000_000, 1, "100.0%"),
        (6_000_001, 6_000_000, 0, "100%"),
    ],
)
def test_a_share_is_rounded_half_up(part: int, whole: int, decimals: int, shown: str) -> None:
    assert percent_text(part, whole, decimals) == shown


@pytest.mark.parametrize(
    ("cents", "shown"),
    [(3, "$0.03"), (-49, "-$0.49"), (50, "$1"), (0, "$0"), (123_456, "$1,235")],
)
def test_whole_money_keeps_the_cents_of_less_than_half_a_unit(cents: int, shown: str) -> None:
    """A need of three cents a day is `$0.03`, not `$0`, which reads as nothing to do."""
    assert format_money(cents, whole=True) == shown


@pytest.mark.parametrize(
    ("won", "target", "shown"),
    [
        (5_999_950, 6_000_000, "$59,999.50"),
        (5_999_000, 6_000_000, "$59,990"),
        (6_000_000, 6_000_000, "$60,000"),
        (6_000_040, 6_000_000, "$60,000"),
        (510_000, 510_250, "$5,100"),
    ],
)
def test_won_short_of_the_target_never_reads_as_it(won: int, target: int, shown: str) -> None:
    assert money_short_of(won, target) == shown
