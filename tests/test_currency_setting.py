"""The currency setting is a short symbol or code: refused longer wherever it is typed, and
named by `funnel check` when another tool stored a longer one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from funnel_tui.store.sqlite import open_storage
from funnel_tui.text import one_line
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from tests.app_support import settle, shown_text
from tests.cli_support import invoke, one_line_error

RULE = "a currency is a symbol or code of 1 to 4 visible characters without spaces"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    open_storage(path).close()
    return path


def stored_currency(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'currency'").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


@pytest.mark.parametrize("symbol", ["$", "€", "£", "CHF", "USD", "kr", "kr.", "R$"])
def test_config_set_takes_a_symbol_or_a_code(book: Path, symbol: str) -> None:
    result = invoke("config", "set", "currency", symbol, "--db", book)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"currency = {symbol}\n"
    assert stored_currency(book) == symbol


# Empty, or with nothing seen in it (a colour escape, a zero-width space), every amount
# showed as a bare number.
@pytest.mark.parametrize(
    "typed",
    [
        *("Swiss Francs", "Euros", "US $", "EUR €", "", " ", "\x1b[31m", "\u200b"),
        # Blank letters and a lone combining accent.
        *("\u2800", "\u3164", "\u115f", "\u0301"),
    ],
)
def test_config_set_refuses_a_longer_currency_in_one_line(book: Path, typed: str) -> None:
    invoke("config", "set", "currency", "CHF", "--db", book)
    result = invoke("config", "set", "currency", typed, "--db", book)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert line.startswith(f"funnel: currency: {RULE}, such as $, €, CHF or kr")
    assert line.endswith(f"not {one_line(typed)!r}")
    assert stored_currency(book) == "CHF"


# Written before every amount, a digit or a sign read as part of it: `1` made a target of
# 60,000 read `160,000.00`, `-` made a win read `-6,400.00`.
@pytest.mark.parametrize("typed", ["1", "0", "-5", "1e15", "-", "+", ".", ",", "٣"])
def test_config_set_refuses_a_currency_an_amount_would_read_as_its_own(
    book: Path, typed: str
) -> None:
    invoke("config", "set", "currency", "CHF", "--db", book)
    result = invoke("config", "set", "currency", typed, "--db", book)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert line == (
        "funnel: currency: a currency is a symbol or code with a letter or a currency sign and"
        " no digit, such as $, €, CHF or kr, so that no amount reads it as part of the number;"
        f" not {typed!r}"
    )
    assert stored_currency(book) == "CHF"


@pytest.mark.parametrize("typed", ["k", "K", "m", "M"])
def test_config_set_refuses_a_currency_read_as_thousands_or_millions(
    book: Path, typed: str
) -> None:
    # In a book kept in `k`, `12k` read as 12,000 and `12 k` was refused.
    result = invoke("config", "set", "currency", typed, "--db", book)
    assert result.exit_code == 1
    assert one_line_error(result.stderr) == (
        f"funnel: currency: a currency of {typed!r} reads as the thousands or millions of an"
        " amount (12k, 2m); give its code instead, such as ZMW or PGK"
    )
    assert stored_currency(book) is None


def test_check_names_a_longer_currency_another_tool_stored(book: Path) -> None:
    conn = sqlite3.connect(book, isolation_level=None)
    conn.execute("INSERT INTO settings (key, value) VALUES ('currency', 'Swiss Francs')")
    conn.close()
    result = invoke("check", "--db", book)
    assert result.exit_code == 1
    assert f"setting currency = 'Swiss Francs' cannot be used ({RULE}" in result.stderr
    assert result.stderr.rstrip().endswith("using '$'")
    assert invoke("config", "get", "currency", "--db", book).stdout == "$\n"


async def test_the_settings_screen_refuses_a_longer_currency(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen
        screen.query_one("#setting-currency").value = "Swiss Francs"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
        error = shown_text(screen.query_one("#setting-error-currency"))
        assert error.startswith(RULE)
        assert db.execute("SELECT count(*) FROM settings WHERE key = 'currency'").fetchone()[0] == 0
        screen.query_one("#setting-currency").value = "CHF"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert stored_currency(demo_app.storage.path) == "CHF"


def test_an_invisible_character_in_a_currency_is_dropped(book: Path) -> None:
    result = invoke("config", "set", "currency", "US\u200b$", "--db", book)
    assert result.exit_code == 0, result.output
    assert stored_currency(book) == "US$"
