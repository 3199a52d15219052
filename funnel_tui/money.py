"""Money as integer cents: reading amounts a rep types and showing them."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

from funnel_tui.text import quoted

# Shown in place of a figure that has no value (the attainment of a target of 0).
NO_FIGURE = "–"

# Ten billion in any currency: more than any one deal or target, and small enough that
# SQLite's 64-bit SUM of millions of them cannot overflow.
MAX_CENTS = 10**12

SUFFIX_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}

_AMOUNT = re.compile(
    r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]+))?(?P<suffix>[km]?)",
    re.IGNORECASE,
)


class AmountError(ValueError):
    """Text that is not an amount of money; str() says what is accepted, in one line."""

    def __init__(self, text: str, reason: str = "", currency: str | None = None) -> None:
        why = f" ({reason})" if reason else ""
        # The book's own currency in the example (`€1,200.50`): another's is refused.
        example = format_money(120_050, currency or "$")
        super().__init__(
            f"{quoted(text)} is not an amount{why}: use a number like 50000, 50,000, 1200.50, "
            f"50k, 1.5k or 2m, optionally with a currency symbol such as {example}"
        )


class AmountTooLarge(AmountError):
    """An amount above MAX_CENTS."""

    def __init__(self, text: str) -> None:
        ValueError.__init__(
            self, f"{quoted(text)} is too large: an amount is at most {format_money(MAX_CENTS, '')}"
        )


def round_half_up(value: Fraction | Decimal | int) -> int:
    """Round exactly to a whole number, halves away from zero (the rule for every cent shown)."""
    exact = Fraction(value)
    magnitude = math.floor(abs(exact) + Fraction(1, 2))
    return magnitude if exact >= 0 else -magnitude


def percent_text(part: int, whole: int, decimals: int = 0) -> str:
    """`part` as a share of `whole`, rounded half up to `decimals` places (`10.5%`, or
    `11%` with none), as PRODUCT 9b rounds, except that a part short of the whole never
    rounds up to 100%; NO_FIGURE over nothing. Exact: a float's `:.0%` rounds 10.5% to
    10%, a half to even."""
    if not whole:
        return NO_FIGURE
    scale = 10**decimals
    rounded = round_half_up(Fraction(100 * scale * part, whole))
    if 0 <= part < whole:
        # Short of the whole is never shown as all of it: 99.96% of a target is 99.9%, not
        # 100.0%, which reads as met.
        rounded = min(rounded, 100 * scale - 1)
    return f"{rounded / scale:,.{decimals}f}%"


def money_short_of(cents: int, target_cents: int, currency: str = "$") -> str:
    """`cents` in whole units, as a tight space shows money, unless they are short of
    `target_cents` and would read as its figure (`$60,000` for $59,999.50 of $60,000):
    then with their cents, so that a target not yet met never looks met."""
    shown = format_money(cents, currency, whole=True)
    if cents < target_cents and shown == format_money(target_cents, currency, whole=True):
        return format_money(cents, currency)
    return shown


def _currency_symbol(text: str) -> str:
    """The currency symbol written before or after the number, if any."""
    for end in (text[:1], text[-1:]):
        if end and unicodedata.category(end) == "Sc":
            return end
    return ""


def _strip_currency(text: str) -> str:
    """Drop one currency symbol written before or after the number (`$5`, `€ 300`, `300 €`)."""
    symbol = _currency_symbol(text)
    if not symbol:
        return text
    return text[1:].lstrip() if text.startswith(symbol) else text[:-1].rstrip()


def _strip_own_code(text: str, currency: str) -> str:
    """Drop the book's own currency written with letters (`CHF`, `kr`, `US$`) before or
    after the number, in any case: `CHF 60000`, `60000 kr`, `US$5`; in a book kept in a
    symbol that one code alone writes, that code too (`2.500 EUR` in a `€` book). A symbol
    alone is `_strip_currency`'s."""
    for own in _own_codes(currency):
        lowered = text.lower()
        if lowered.startswith(own):
            return text[len(own) :].lstrip()
        # Not a `k` or `m` book at the end, where it reads as thousands or millions.
        if lowered.endswith(own) and own not in SUFFIX_MULTIPLIERS:
            return text[: -len(own)].rstrip()
    return text


def _own_codes(currency: str) -> tuple[str, ...]:
    """The book's currency as letters, in lower case: itself (`chf`, `kr`), or the one
    code its symbol stands for (`eur` for `€`; none for `$`, which many dollars write)."""
    own = currency.strip()
    if any(character.isalpha() for character in own):
        return (own.lower(),)
    codes = [code for code, symbol in CODE_SYMBOLS.items() if symbol == own]
    return (codes[0].lower(),) if len(codes) == 1 else ()


# The symbol of each currency a book may be kept in by its code: a book kept in `USD`
# reads `$12` as its own. (Every dollar writes `$`, as R$ and HK$ contain it.)
CODE_SYMBOLS = {
    **dict.fromkeys(("USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "ARS", "CLP", "COP"), "$"),
    "BRL": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "¥",
    "RMB": "¥",
    "INR": "₹",
    "KRW": "₩",
    "RUB": "₽",
    "TRY": "₺",
    "ILS": "₪",
    "NGN": "₦",
    "PHP": "₱",
    "VND": "₫",
    "UAH": "₴",
    "THB": "฿",
}


# A currency's code before or after the number: `USD 2,500`, `2.500 EUR`, `usd500`.
_CODE = re.compile(r"\A([A-Za-z]{3})(?![A-Za-z])|(?<![A-Za-z])([A-Za-z]{3})\Z")


def refuse_other_currency(text: str, currency: str) -> None:
    """Raise AmountError for an amount written with another currency's symbol or code than
    the book's `currency` (its symbol, or its code: `$` is a `USD` book's own, `EUR` a `€`
    book's)."""
    text = text.strip()
    symbol = _currency_symbol(text)
    own = currency + CODE_SYMBOLS.get(currency.strip().upper(), "")
    if symbol and symbol not in own:
        raise AmountError(text, f"this book counts in {currency}, not {symbol}", currency)
    if (found := _CODE.search(text)) is not None:
        code = (found[1] or found[2]).upper()
        if code in CODE_SYMBOLS and code.lower() not in _own_codes(currency):
            if CODE_SYMBOLS[code] == currency.strip():
                # `$` is many dollars': which one the book counts in, it does not say.
                why = f"this book counts in {currency}; set the currency to {code} to read {code}"
            else:
                why = f"this book counts in {currency}, not {code}"
            raise AmountError(text, why, currency)


def parse_amount(text: str, currency: str | None) -> int:
    """Read an amount such as `50,000`, `1.5k`, `2m` or `$1,200.50` as cents.

    Thousands separators must group by three, plain amounts have at most two
    decimals, and k/m amounts are rounded half up to the cent. An amount written with
    another currency's symbol than the book's `currency` (`€12` in a book kept in `$`) is
    refused: it would be stored as that many of the book's own. `currency` is None only
    where no book is at hand (a setting read before it is stored, with no currency known).
    """
    text = text.strip()
    if currency:
        refuse_other_currency(text, currency)
    number = _strip_own_code(text, currency or "")
    match = _AMOUNT.fullmatch(
        _with_decimal_point(number if number != text else _strip_currency(text))
    )
    if match is None:
        raise AmountError(text, currency=currency)
    fraction = match["fraction"] or ""
    suffix = match["suffix"].lower()
    if len(fraction) == 3 and not suffix and "," not in match["whole"] and match["whole"] != "0":
        thousands = f"{match['whole']}{fraction}"
        reason = f"thousands or a third decimal? write {thousands} for thousands"
        raise AmountError(text, reason, currency)
    if len(fraction) > 2 and not suffix:
        raise AmountError(text, "at most two decimals", currency)
    number = Decimal(f"{match['whole'].replace(',', '')}.{fraction or '0'}")
    cents = round_half_up(number * SUFFIX_MULTIPLIERS[suffix] * 100)
    if cents > MAX_CENTS:
        raise AmountTooLarge(text)
    return cents


# A space, no-break space or apostrophe between groups of three digits (`12 500`, `1 234,50`,
# Switzerland's `1'234.50`).
_GROUPING_MARKS = re.compile(r"(?<=[0-9])[ \u00a0\u202f\u2009'](?=[0-9]{3}(?![0-9]))")
# The digits after a number's last separator, and a k or m after them.
_LAST_GROUP = re.compile(r"[.,]([0-9]*)[km]?\Z", re.IGNORECASE)


def _with_decimal_point(number: str) -> str:
    """The number with `.` before its decimals and `,` between its thousands, as a
    spreadsheet or a country may write it: the last of `.` and `,` marks the decimals when
    both are there (`12.500,00`, `1.234.567,89`, `1,200.50`); a comma alone does when one or
    two digits follow it (`3,50`, `1,5k`), which no thousands do; `.` between every group of
    three (`1.234.567`) groups thousands. A point alone before three digits (`12.345`)
    stays as it is, refused: thousands or a third decimal, it cannot tell."""
    number = _GROUPING_MARKS.sub("", number)
    dot, comma = number.rfind("."), number.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal = "." if dot > comma else ","
    elif comma >= 0:
        last = _LAST_GROUP.search(number)
        decimal = "," if number.count(",") == 1 and last and len(last[1]) in (1, 2) else ""
    elif number.count(".") > 1:
        decimal = ""
    else:
        return number
    if not decimal:
        return number.replace(".", ",")
    whole, _, fraction = number.rpartition(decimal)
    if decimal in whole:
        return number  # `1,234.567,89`: no number, and refused as it is
    return f"{whole.replace('.', ',')}.{fraction}"


def format_money(cents: int, currency: str = "$", *, whole: bool = False) -> str:
    """`$12,345.67` or `-$1,200.00`; `whole=True` rounds half up to `$12,346` for tight
    spaces, but keeps the cents of an amount under half a unit (`$0.03`, never `$0`)."""
    sign = "-" if cents < 0 else ""
    # A symbol that ends in a letter (CHF, kr) would run into the digits without a space.
    prefix = f"{currency} " if currency[-1:].isalpha() else currency
    if whole and not 0 < abs(cents) < 50:
        number = f"{round_half_up(Fraction(abs(cents), 100)):,}"
    else:
        units, remainder = divmod(abs(cents), 100)
        number = f"{units:,}.{remainder:02d}"
    return f"{sign}{prefix}{number}"
