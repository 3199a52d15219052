"""The rep's settings, stored in the `settings` table so they travel with the file. In a
team's book the rep's own ones (own_settings.py) are read from and written to the rep's
user config file instead, over the team's table."""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, time
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, TypeAlias

from funnel_tui.domain import PIPELINE_STAGES
from funnel_tui.money import SUFFIX_MULTIPLIERS, AmountError, parse_amount, refuse_other_currency
from funnel_tui.own_settings import (
    OWN_SETTINGS,
    OwnSettingsError,
    own_setting_texts,
    store_own_settings,
)
from funnel_tui.phones import known_region, locale_region
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.text import clean_text, one_line

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils

FULL_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_NAMES = tuple(name[:3] for name in FULL_WEEKDAY_NAMES)
# Room for a symbol or a code ($, €, CHF, kr.) before every amount in the gauge and report.
MAX_CURRENCY_CHARACTERS = 4
# The largest daily call goal, from the settings or a target: more is a typo.
MAX_CALLS_PER_DAY = 10_000
# Unanswered calls before nurture; also the most cadence steps worth listing.
MAX_ATTEMPTS = 50
# The longest wait between two tries of the cadence, in business days (about three months).
MAX_CADENCE_DAYS = 60
# A plan rate is a plain decimal from MIN_RATE to 1: one dial in a thousand that connects
# is already more than a day's calling can turn into a plan.
MIN_RATE = Decimal("0.001")
RATE = re.compile(r"[0-9]*\.?[0-9]+", re.ASCII)
# The settings row `funnel demo` writes, so that a demo book is known as one (it gets the
# demo's product profile). Not a setting the rep sets: `config` does not list it.
DEMO_BOOK_KEY = "demo_book"
# Sources that mean the prospect came to us; scripts open such a call as a reply to them.
INBOUND_SOURCES = (
    "webinar",
    "website",
    "website form",
    "demo request",
    "download",
    "referral",
    "trade show",
    "event",
    "inbound",
    "inbound call",
    "contact form",
    "chat",
    "LinkedIn ad",
    # As Salesforce's and HubSpot's own lists name them.
    "web",
    "phone inquiry",
    "partner referral",
    "organic search",
    "paid search",
    "direct traffic",
    "referrals",
    "employee referral",
    "external referral",
    "social media",
    "paid social",
    "email marketing",
)
# Where a campaign's name goes on after the source it came through: "Webinar - Q3 launch",
# "Trade show: Dreamforce", "Referral (Dana Reyes)", "Website | pricing page".
CAMPAIGN_AFTER = re.compile(r"\s*[-–—:|/(,]")
# A hyphen inside a source's name (`trade-show`, `e-book`), and a plural's `s` (not the
# `ss` of `business`).
WORD_HYPHEN = re.compile(r"(?<=[^\W\d])-(?=[^\W\d])")
PLURAL_END = re.compile(r"(?<=[^\Ws])s\Z")
# How a script says where a prospect came from, after "through" or "about".
SOURCE_PHRASES = (
    ("webinar", "our webinar"),
    ("website", "our website"),
    ("website form", "the form on our website"),
    ("demo request", "your demo request"),
    ("download", "a download from our website"),
    ("referral", "a referral"),
    ("trade show", "the trade show"),
    ("event", "our event"),
    ("inbound", "your enquiry"),
    ("inbound call", "your phone enquiry"),
    ("contact form", "the contact form on our website"),
    ("chat", "the chat on our website"),
    ("LinkedIn ad", "our LinkedIn ad"),
    ("web", "our website"),
    ("phone inquiry", "your phone enquiry"),
    ("partner referral", "a partner's referral"),
    ("organic search", "a web search"),
    ("paid search", "a web search"),
    ("direct traffic", "our website"),
    ("referrals", "a referral"),
    ("employee referral", "a referral"),
    ("external referral", "a referral"),
    ("social media", "our posts on social media"),
    ("paid social", "our ad on social media"),
    ("email marketing", "one of our emails"),
)
# A bought or cold list: the prospect never contacted us, so no script may say they did.
COLD_LIST = "cold list"
# What a dial_command may fill in: the number in E.164 (+15550001000), the same with its
# extension as a tel: URI writes it (+15550001000;ext=12), its digits alone, the
# extension's digits, and the number as dialled within its own country.
DIAL_PLACEHOLDERS = ("e164", "tel", "digits", "extension", "national")
DIAL_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
SMTP_SECURITY = ("starttls", "tls", "none")
# The port each kind of SMTP security listens on when smtp_port is not set.
SMTP_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


class SettingError(ValueError):
    """A setting value that cannot be used; str() says why in one line."""


@dataclass(frozen=True)
class StageWeights:
    """The share of an open opportunity's value, in percent, that the weighted pipeline
    counts at each pipeline stage (PRODUCT 9b)."""

    meeting: int = 10
    qualified: int = 25
    proposal: int = 50

    def of(self, stage: str) -> int:
        return getattr(self, stage)

    def __str__(self) -> str:
        return ",".join(f"{stage}={self.of(stage)}" for stage in PIPELINE_STAGES)


@dataclass(frozen=True)
class Settings:
    """Typed view of the settings table; every field has a sensible default."""

    currency: str = "$"
    rep_name: str = ""
    day_first: bool = True
    business_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays: tuple[date, ...] = ()
    calling_start: time = time(9, 0)
    calling_end: time = time(18, 0)
    max_attempts: int = 8
    busy_retry_minutes: int = 120
    calls_per_day: int = 60
    # Business days from each unanswered attempt to the next try; the last value repeats.
    cadence_days: tuple[int, ...] = (1, 1, 2, 2, 3, 3, 3)
    # When even attempts are tried; odd ones go at the morning slot (calling_start + 30 min).
    afternoon_slot: time = time(14, 0)
    nurture_days: int = 90
    stage_weights: StageWeights = StageWeights()
    inbound_sources: tuple[str, ...] = INBOUND_SOURCES
    # (source, phrase) pairs; a source is matched without regard to case.
    source_phrases: tuple[tuple[str, str], ...] = SOURCE_PHRASES
    # The plan's rates where the rep's last 90 days are too few to go by (PRODUCT 9b):
    # deals per prospect with a meeting, meetings per connect, connects per call.
    plan_win_rate: Decimal = Decimal("0.20")
    plan_meeting_rate: Decimal = Decimal("0.25")
    plan_connect_rate: Decimal = Decimal("0.10")
    # The plan's deal size in cents without enough deals to go by; None: the median open
    # opportunity's value.
    plan_avg_deal: int | None = None
    # Daily goals beside the calls one; None (unset) takes the plan's per-day figures.
    connects_per_day: int | None = None
    meetings_per_day: int | None = None
    # The country whose numbers are typed without a country code (PRODUCT 15).
    phone_region: str = field(default_factory=locale_region)
    # An argv template run without a shell to dial, such as `xdg-open tel:{e164}`; empty:
    # `enter` copies the number and starts the timer only.
    dial_command: str = ""
    # Email over SMTP; the password comes from $FUNNEL_SMTP_PASSWORD or the keyring.
    smtp_host: str = ""
    smtp_port: int | None = None
    smtp_security: str = "starttls"
    smtp_user: str = ""
    email_from: str = ""


# Characters that draw nothing though Unicode counts them as letters or symbols: the
# braille blank and the Hangul fillers.
BLANK_LETTERS = frozenset("\u2800\u115f\u1160\u3164\uffa0")


def _parse_currency(text: str) -> str:
    symbol = one_line(text)
    # Every character seen: an empty symbol, or one of zero-width or other invisible
    # characters, printed every amount as a bare number.
    unseen = (
        not symbol
        or any(unicodedata.category(ch)[0] in "CZ" for ch in symbol)
        or all(unicodedata.category(ch) == "Mn" or ch in BLANK_LETTERS for ch in symbol)
    )
    if len(symbol) > MAX_CURRENCY_CHARACTERS or unseen:
        raise SettingError(
            f"a currency is a symbol or code of 1 to {MAX_CURRENCY_CHARACTERS} visible characters"
            f" without spaces, such as $, €, CHF or kr; not {symbol!r}"
        )
    if symbol.lower() in SUFFIX_MULTIPLIERS:
        # `12k` in a book kept in `k` would be twelve thousand, or twelve k.
        raise SettingError(
            f"a currency of {symbol!r} reads as the thousands or millions of an amount"
            " (12k, 2m); give its code instead, such as ZMW or PGK"
        )
    # Written before every amount: a digit or a sign read as part of it (`1` made a
    # target of 60,000 read 160,000, `-` made a win read as a loss).
    if any(ch.isdigit() for ch in symbol) or not any(
        unicodedata.category(ch)[0] == "L" or unicodedata.category(ch) == "Sc" for ch in symbol
    ):
        raise SettingError(
            "a currency is a symbol or code with a letter or a currency sign and no digit,"
            f" such as $, €, CHF or kr, so that no amount reads it as part of the number;"
            f" not {symbol!r}"
        )
    return symbol


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"expected yes or no, got {text!r}")


def _parse_weekdays(text: str) -> tuple[int, ...]:
    days = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        # `tue`, `tues` and `tuesday` alike; `funday` is no day (its first three letters
        # made it `fun`, named as unknown instead of what was typed).
        word = part.lower()
        day = next(
            (index for index, name in enumerate(FULL_WEEKDAY_NAMES) if name.startswith(word)), None
        )
        if day is None or len(word) < 3:
            raise SettingError(f"unknown weekday {part!r}; use mon,tue,wed,thu,fri,sat,sun")
        days.append(day)
    if not days:
        raise SettingError("at least one business day is needed")
    return tuple(sorted(set(days)))


def _read_dates(text: str) -> tuple[tuple[date, ...], list[SettingError]]:
    """The dates of a comma-separated list, and why each part that is not a date is not."""
    days: set[date] = set()
    bad: list[SettingError] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            days.add(date.fromisoformat(part))
        except ValueError:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", part):
                why = f"{part!r} is not a date (no such day)"
            else:
                why = (
                    f"{part!r} is not a date: holidays are written YYYY-MM-DD (2026-12-25),"
                    " separated by commas"
                )
            bad.append(SettingError(why))
    return tuple(sorted(days)), bad


def _parse_dates(text: str) -> tuple[date, ...]:
    days, bad = _read_dates(text)
    if bad:
        raise bad[0]
    return days


def _parse_time(text: str) -> time:
    if not re.fullmatch(r"\d{1,2}:\d{2}", text.strip()):
        raise SettingError(f"expected a time like 09:00, got {text!r}")
    try:
        return time.fromisoformat(text.strip().zfill(5))
    except ValueError:
        raise SettingError(f"{text.strip()!r} is not a time of day (00:00 to 23:59)") from None


def _clipped(text: str, limit: int = 24) -> str:
    """Text short enough to quote in a one-line reason."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def _count_from(low: int, high: int, unit: str, *, kind: str = "") -> Callable[[str], int]:
    """A parser for a whole number of `unit` in low..high (or for a number named as a `kind`
    of its own: a port number). Past the range a value does harm: a busy retry beyond the
    last date a datetime holds makes every busy call unsaveable, zero attempts nurtures a
    prospect before the first call."""

    def parse_count(text: str) -> int:
        wanted = f"{kind or f'a whole number of {unit}'} from {low} to {high}"
        try:
            value = int(text.strip())
        except ValueError:
            raise SettingError(f"expected {wanted}, got {_clipped(text)!r}") from None
        if not low <= value <= high:
            raise SettingError(f"expected {wanted}, got {_clipped(text.strip())!r}")
        return value

    return parse_count


def _unset_or(parse: Callable[[str], int]) -> Callable[[str], int | None]:
    """A parser that reads an empty value as unset (None), else as `parse` does."""

    def parse_or_unset(text: str) -> int | None:
        return None if not text.strip() else parse(text)

    return parse_or_unset


def _parse_stage_weights(text: str) -> StageWeights:
    example = str(StageWeights())
    weights: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        stage, _, weight = (side.strip().lower() for side in part.partition("="))
        if stage not in PIPELINE_STAGES:
            raise SettingError(
                f"{_clipped(stage)!r} is not a pipeline stage; give a weight to each of"
                f" meeting, qualified and proposal, like {example}"
            )
        if stage in weights:
            raise SettingError(f"{stage} has two weights; give it one, like {example}")
        try:
            weights[stage] = _count_from(0, 100, "percent")(weight)
        except SettingError as error:
            raise SettingError(f"{stage}: {error}") from None
    if missing := [stage for stage in PIPELINE_STAGES if stage not in weights]:
        raise SettingError(f"no weight for {', '.join(missing)}; give each one, like {example}")
    return StageWeights(**weights)


def source_key(source: str) -> str:
    """A source as it is compared: case, spacing and underscores ignored (HubSpot exports
    its own values as `ORGANIC_SEARCH`)."""
    return " ".join(source.replace("_", " ").split()).casefold()


@lru_cache(maxsize=4096)
def source_keys(source: str) -> tuple[str, ...]:
    """What a source is compared by: its key, then the key of the source its campaign's
    name starts with (`webinar` for "Webinar - Q3 launch", `trade show` for "Trade show:
    Dreamforce"), each also with its words joined by a hyphen parted (`trade-show`), and
    the source named in the plural (`webinars`, `Trade shows: Q3`) in the singular. Only
    punctuation parts a source from its campaign: "Web scraping list" is no `web`."""
    key = source_key(source)
    keys = []
    for written in (key, WORD_HYPHEN.sub(" ", key)):
        head = CAMPAIGN_AFTER.split(written, maxsplit=1)[0]
        keys += [written, head, PLURAL_END.sub("", head)]
    return tuple(dict.fromkeys(filter(None, keys)))


def _parse_inbound_sources(text: str) -> tuple[str, ...]:
    sources: dict[str, str] = {}
    for part in filter(None, (one_line(p) for p in text.split(","))):
        if source_key(part) == COLD_LIST:
            raise SettingError("a cold list is never inbound: those prospects did not contact us")
        sources.setdefault(source_key(part), part)
    return tuple(sources.values())


def _parse_source_phrases(text: str) -> tuple[tuple[str, str], ...]:
    example = "webinar=our webinar; referral=a referral"
    phrases: dict[str, tuple[str, str]] = {}
    for part in filter(None, (one_line(p) for p in text.split(";"))):
        source, equals, phrase = (side.strip() for side in part.partition("="))
        if not equals or not source or not phrase:
            raise SettingError(
                f"{_clipped(part)!r} is not source=phrase; separate the pairs with ; like {example}"
            )
        if source_key(source) == COLD_LIST:
            raise SettingError(
                "a cold list gets no phrase: a script must not say those prospects contacted us"
            )
        if "{" in phrase or "}" in phrase:
            raise SettingError(f"the phrase for {_clipped(source)} cannot hold {{ or }}")
        if source_key(source) in phrases:
            raise SettingError(f"{_clipped(source)} has two phrases; give it one, like {example}")
        phrases[source_key(source)] = (source, phrase)
    return tuple(phrases.values())


def is_inbound(settings: Settings, source: str | None) -> bool:
    """Whether a prospect from this source contacted us (the `inbound_sources` setting)."""
    if not source:
        return False
    inbound = _inbound_keys(settings.inbound_sources)
    return any(key in inbound for key in source_keys(source))


@cache
def _inbound_keys(sources: tuple[str, ...]) -> frozenset[str]:
    """The sources as compared, once per list: an import asks for each new prospect."""
    return frozenset(source_key(inbound) for inbound in sources)


def source_phrase(settings: Settings, source: str | None) -> str | None:
    """How a script says where the prospect came from ("our webinar"), or None."""
    if not source:
        return None
    phrases = _phrases_by_key(settings.source_phrases)
    return next((phrases[key] for key in source_keys(source) if key in phrases), None)


@cache
def _phrases_by_key(phrases: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {source_key(source): phrase for source, phrase in phrases}


def _parse_rate(text: str) -> Decimal:
    wanted = f"a rate from {MIN_RATE} to 1, such as 0.25"
    if not RATE.fullmatch(text.strip()):
        raise SettingError(f"expected {wanted}, got {_clipped(text.strip())!r}")
    rate = Decimal(text.strip())
    if not MIN_RATE <= rate <= 1:
        raise SettingError(f"expected {wanted}, got {_clipped(text.strip())!r}")
    return rate


def _parse_optional_amount(text: str) -> int | None:
    """An amount such as 12,000 or 1.5k as cents; nothing (unset) when blank."""
    if not text.strip():
        return None
    try:
        cents = parse_amount(text, None)
    except AmountError as error:
        raise SettingError(str(error)) from None
    if cents <= 0:
        raise SettingError(f"expected an amount above zero, got {_clipped(text.strip())!r}")
    return cents


def _parse_region(text: str) -> str:
    """A country as its two-letter code (GB, US, DE), one phonenumbers knows."""
    region = known_region(text)
    if region is None:
        raise SettingError(
            "expected a two-letter country code such as US, GB or DE,"
            f" got {_clipped(text.strip())!r}"
        )
    return region


def _parse_dial_command(text: str) -> str:
    """A command line without a shell, each {placeholder} one of DIAL_PLACEHOLDERS, the
    number among them."""
    if clean_text(text) != text or "\n" in text or "\t" in text:
        raise SettingError("one line of plain text, without tabs or control characters")
    text = text.strip()
    if not text:
        return ""
    try:
        argv = shlex.split(text)
    except ValueError as error:
        raise SettingError(f"cannot split into words: {error}") from None
    if not argv or not argv[0].strip():
        raise SettingError("the command starts with the program to run")
    if DIAL_PLACEHOLDER.search(argv[0]):
        # `{e164}` alone would run the number itself as a program.
        raise SettingError(
            f"the command starts with the program to run, not {_clipped(argv[0])!r}:"
            " e.g. xdg-open tel:{tel}"
        )
    if sum(word.count("\\") for word in argv) < text.count("\\"):
        raise SettingError(
            "a backslash outside quotes is lost: put a Windows path in double quotes,"
            ' "C:\\Program Files\\..."'
        )
    known = ", ".join(f"{{{name}}}" for name in DIAL_PLACEHOLDERS)
    named: set[str] = set()
    for word in argv:
        for name in DIAL_PLACEHOLDER.findall(word):
            if name not in DIAL_PLACEHOLDERS:
                raise SettingError(f"unknown placeholder {{{name}}} (known: {known})")
            named.add(name)
        if set(DIAL_PLACEHOLDER.sub("", word)) & set("{}"):
            raise SettingError(f"a stray brace in {word!r} (placeholders: {known})")
    if not named & {"e164", "tel", "digits", "national"}:
        raise SettingError(
            "the command needs the number: add {tel}, {e164}, {digits} or {national},"
            " e.g. xdg-open tel:{tel}"
        )
    return text


def _parse_host(text: str) -> str:
    host = text.strip()
    if host and not re.fullmatch(r"[A-Za-z0-9.\-:\[\]]+", host):
        raise SettingError(f"expected a host name such as smtp.example.com, got {_clipped(host)!r}")
    return host


def _parse_security(text: str) -> str:
    security = text.strip().lower()
    if security not in SMTP_SECURITY:
        raise SettingError(
            f"expected one of {', '.join(SMTP_SECURITY)}, got {_clipped(text.strip())!r}"
        )
    return security


def _parse_from_address(text: str) -> str:
    """One address, with a name or without: `Alex Morgan <alex@kestrel.example>`, as
    sending takes it (`emailing.headers.sender`)."""
    from funnel_tui.emailing.headers import from_address_problem

    text = text.strip()
    if not text:
        return ""
    if problem := from_address_problem(text):
        raise SettingError(problem)
    return text


def _format_value(key: str, value: object) -> str:
    """A setting's value as it is typed and stored."""
    if value is None:
        return ""
    if key == "plan_avg_deal":
        units, cents = divmod(int(value), 100)  # type: ignore[call-overload]
        return f"{units}.{cents:02d}" if cents else str(units)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        if key == "business_days":
            return ",".join(WEEKDAY_NAMES[day] for day in value)
        if key == "inbound_sources":
            return ", ".join(value)
        if key == "source_phrases":
            return "; ".join(f"{source}={phrase}" for source, phrase in value)
        return ",".join(str(part) for part in value)
    return str(value)


def _parse_cadence_days(text: str) -> tuple[int, ...]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise SettingError("at least one value is needed, such as 1,1,2,2,3,3,3")
    if len(parts) > MAX_ATTEMPTS:
        raise SettingError(f"at most {MAX_ATTEMPTS} values (one per attempt), got {len(parts)}")
    return tuple(_parse_cadence_step(part) for part in parts)


_parse_cadence_step = _count_from(1, MAX_CADENCE_DAYS, "business days")

PARSERS = {
    "currency": _parse_currency,
    "rep_name": one_line,
    "day_first": _parse_bool,
    "business_days": _parse_weekdays,
    "holidays": _parse_dates,
    "calling_start": _parse_time,
    "calling_end": _parse_time,
    "max_attempts": _count_from(1, MAX_ATTEMPTS, "attempts"),
    "busy_retry_minutes": _count_from(1, 1440, "minutes"),
    "calls_per_day": _count_from(1, MAX_CALLS_PER_DAY, "calls"),
    "cadence_days": _parse_cadence_days,
    "afternoon_slot": _parse_time,
    "nurture_days": _count_from(1, 3650, "days"),
    "stage_weights": _parse_stage_weights,
    "inbound_sources": _parse_inbound_sources,
    "source_phrases": _parse_source_phrases,
    "plan_win_rate": _parse_rate,
    "plan_meeting_rate": _parse_rate,
    "plan_connect_rate": _parse_rate,
    "plan_avg_deal": _parse_optional_amount,
    "connects_per_day": _unset_or(_count_from(0, MAX_CALLS_PER_DAY, "connects")),
    "meetings_per_day": _unset_or(_count_from(0, MAX_CALLS_PER_DAY, "meetings")),
    "phone_region": _parse_region,
    "dial_command": _parse_dial_command,
    "smtp_host": _parse_host,
    "smtp_port": _unset_or(_count_from(1, 65535, "", kind="a port number")),
    "smtp_security": _parse_security,
    "smtp_user": one_line,
    "email_from": _parse_from_address,
}
KEYS = tuple(field.name for field in fields(Settings))
DEFAULTS = Settings()
# What settings are read through: a book's database (sqlite-utils' or the app's
# FileDatabase) or a plain sqlite3 connection.
Queryable: TypeAlias = "sqlite_utils.Database | sqlite3.Connection"


def parse_setting(key: str, text: str) -> object:
    """Validate one setting from text; raises SettingError with a readable reason."""
    if key not in PARSERS:
        raise SettingError(f"unknown setting {key!r}; known: {', '.join(KEYS)}")
    return PARSERS[key](text)


def check_calling_hours(start: time, end: time) -> None:
    """Refuse calling hours that end before they start: they would hide every lead."""
    if start >= end:
        raise SettingError(
            f"calling_start {start:%H:%M} must be before calling_end {end:%H:%M}"
            " (calling hours cannot run past midnight)"
        )


def check_afternoon_slot(slot: time, start: time, end: time) -> None:
    """Refuse an afternoon slot outside calling hours: every even attempt would fall due when
    the prospect may not be called."""
    if not start <= slot < end:
        raise SettingError(
            f"afternoon_slot {slot:%H:%M} must be inside calling hours"
            f" ({start:%H:%M} to {end:%H:%M})"
        )


def _slot_inside(start: time, end: time) -> time:
    """The default afternoon slot, or the middle of calling hours that leave it out."""
    if start <= DEFAULTS.afternoon_slot < end:
        return DEFAULTS.afternoon_slot
    minutes = (start.hour * 60 + start.minute + end.hour * 60 + end.minute) // 2
    return time(*divmod(minutes, 60))


def _read_value(key: str, text: object) -> tuple[object, list[str]]:
    """A stored value and what is wrong with it; the good holidays of a list still count."""
    if not isinstance(text, str):
        kind = type(text).__name__
        return None, [f"setting {key} holds {kind} data, not text; using the default"]
    if key == "holidays":
        days, bad = _read_dates(text)
        return days, [f"setting holidays: {error}; the other holidays still count" for error in bad]
    try:
        return PARSERS[key](text), []
    except SettingError as error:
        default = _format_value(key, getattr(DEFAULTS, key))
        return None, [f"setting {key} = {text!r} cannot be used ({error}); using {default!r}"]


def is_team_book(db: object) -> bool:
    """Whether the book is a team's, whose reps keep their own settings in their config
    file: a PostgreSQL database rather than one rep's SQLite file."""
    return dialect_of(db) is Dialect.POSTGRESQL


def where_kept(db: object, key: str) -> str:
    """Where a setting is kept, in words: "yours" (the rep's config file) or "the team's"
    in a team's book, "the book's" in a SQLite file."""
    if not is_team_book(db):
        return "the book's"
    return "yours" if key in OWN_SETTINGS else "the team's"


def stored_texts(db: Queryable) -> tuple[list[tuple[str, object]], list[str]]:
    """Each setting as stored, (key, value): the settings table's rows, in a team's book
    with the rep's own settings from their config file instead of the table's (another
    rep's); and one line for each entry of the config file that cannot be used."""
    rows = db.execute("SELECT key, value FROM settings").fetchall()
    if not is_team_book(db):
        return [(key, value) for key, value in rows], []
    own, problems = own_setting_texts()
    shared = [(key, value) for key, value in rows if key not in OWN_SETTINGS]
    return [*shared, *own.items()], problems


def read_settings(db: Queryable) -> tuple[Settings, list[str]]:
    """The settings as Settings, and one line for each stored value that cannot be used
    (another tool may have written it): such a value is replaced by its default."""
    values: dict[str, object] = {}
    texts, problems = stored_texts(db)
    for key, text in texts:
        if key in PARSERS:
            value, wrong = _read_value(key, text)
            problems += wrong
            if value is not None:
                values[key] = value
    settings = Settings(**values)  # type: ignore[arg-type]
    try:
        check_calling_hours(settings.calling_start, settings.calling_end)
    except SettingError as error:
        hours = f"{DEFAULTS.calling_start:%H:%M} to {DEFAULTS.calling_end:%H:%M}"
        problems.append(f"setting {error}; using {hours}")
        settings = replace(
            settings, calling_start=DEFAULTS.calling_start, calling_end=DEFAULTS.calling_end
        )
    try:
        check_afternoon_slot(settings.afternoon_slot, settings.calling_start, settings.calling_end)
    except SettingError as error:
        slot = _slot_inside(settings.calling_start, settings.calling_end)
        problems.append(f"setting {error}; using {slot:%H:%M}")
        settings = replace(settings, afternoon_slot=slot)
    return settings, problems


def unusable_values(db: Queryable, keys: tuple[str, ...]) -> dict[str, str]:
    """For each of `keys` whose stored value cannot be used (another tool wrote it), the
    value as stored, shown, and why not: `read_settings` uses the default instead, which
    for some settings would do something the rep did not ask for."""
    unusable = {}
    for key, text in stored_texts(db)[0]:
        if key in keys:
            if not isinstance(text, str):
                unusable[key] = f"holds {type(text).__name__} data, not text"
                continue
            try:
                PARSERS[key](text)
            except SettingError as error:
                unusable[key] = f"= {_clipped(text)!r} cannot be used ({error})"
    return unusable


def load_settings(db: Queryable) -> Settings:
    """Read the settings table; values that cannot be used fall back to their defaults
    (`read_settings` also says which)."""
    return read_settings(db)[0]


def save_setting(db: sqlite_utils.Database, key: str, text: str) -> object:
    """Validate and store one setting; returns the parsed value."""
    return save_settings(db, {key: text})[key]


def save_settings(db: sqlite_utils.Database, texts: dict[str, str]) -> dict[str, object]:
    """Validate every value first, also against the settings kept, then store them all in
    one transaction; in a team's book the rep's own ones go to their config file (the
    last step of the transaction, which a file that cannot be written rolls back)."""
    values = {key: parse_setting(key, text) for key, text in texts.items()}
    kept = load_settings(db)
    start, end, slot = (
        values.get(key, getattr(kept, key))
        for key in ("calling_start", "calling_end", "afternoon_slot")
    )
    check_calling_hours(start, end)  # type: ignore[arg-type]
    check_afternoon_slot(slot, start, end)  # type: ignore[arg-type]
    if "plan_avg_deal" in texts:
        try:
            currency = str(values.get("currency", kept.currency))
            refuse_other_currency(texts["plan_avg_deal"], currency)
        except AmountError as error:
            raise SettingError(str(error)) from None
    own = {
        key: _format_value(key, value)
        for key, value in values.items()
        if is_team_book(db) and key in OWN_SETTINGS
    }
    with write_transaction(db):
        for key, value in values.items():
            if key in own:
                continue
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, _format_value(key, value)],
            )
        if own:
            try:
                store_own_settings(own)
            except OwnSettingsError as error:
                raise SettingError(str(error)) from None
    return values


def setting_text(settings: Settings, key: str) -> str:
    """A setting's value as it is typed and stored."""
    return _format_value(key, getattr(settings, key))


def is_demo_book(db: Queryable) -> bool:
    """Whether `funnel demo` built this book (it leaves a `demo_book` row in settings)."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [DEMO_BOOK_KEY]).fetchone()
    return row is not None and row[0] == "yes"
