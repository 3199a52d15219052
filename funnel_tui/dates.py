"""Follow-up moments as a rep types them: parsed strictly, then described back for confirmation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from dateutil.relativedelta import relativedelta

from funnel_tui.clocks import THEIR_TIME, known_zone, their_time, unreadable_zone
from funnel_tui.timestamps import has_passed, seconds_between

# No `next tue` here: typed early in a week it can mean two days (the rep picks with tab).
# No date written out in full: a fixed one would soon be in the past, the very thing
# some of these errors refuse.
EXAMPLES = (
    "try tomorrow 10am, fri 2pm, tue next week, in 3 days, +2h, 3/12 14:30, YYYY-MM-DD HH:MM"
    " or 10am their time"
)


class WhenError(ValueError):
    """Text that is not a usable follow-up moment; str() is one line saying what works instead."""

    def __init__(self, problem: str, hint: str = EXAMPLES) -> None:
        super().__init__(f"{problem}; {hint}" if hint else problem)


# `in 3 days`, `in an hour`, `+2h`, `+ 30 min`, `in a month`, `in an hour and a half`, `in
# three quarters of an hour`; then a second length of time (`in 2 days 3 hours`, `+1h
# 30m`) or, after days, weeks or months, a time of that day (`in 2 weeks 10am`, `in a
# month at noon`).
OFFSET_PATTERN = re.compile(
    r"(?P<offset>(?:in\s+|\+\s*)"
    r"(?P<count>(?:(?:a|\d+)\s+)?quarters?\s+of\s+an?|\d+(?:\.\d+)?|an?|half\s+an?)"
    r"\s*(?P<unit>[a-z]+)"
    r"(?:\s+and\s+(?P<part>a\s+half|a\s+quarter|(?:3|three)\s+quarters)\b)?)"
    r"(?:\s+(?:at\s+)?(?P<rest>.+))?"
)
# The text a message quotes first (as `_quoted` quotes it).
QUOTE_FIRST = re.compile(r"'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\"")
# What `and a half`, `and a quarter` and `and three quarters` add to a count.
PARTS = {"a half": 0.5, "a quarter": 0.25, "3 quarters": 0.75, "three quarters": 0.75}
# Hours, then minutes without their unit: `in 2h30`, `in 2 hours 30`, `+1h15`, and a
# clock after them (`in 2h30 their time`).
HOURS_THEN_MINUTES_PATTERN = re.compile(
    r"(?P<lead>in\s+|\+\s*)(?P<hours>\d+)\s*(?:h|hrs?|hours?)\s*(?P<minutes>[0-5]?\d)"
    r"(?:\s*(?:m|mins?|minutes?))?(?=\s|$)"
)
# A count of a length of time said in words, as a rep says it: `in two hours`, `in ten
# minutes`, `in a couple of days`.
_ONE_TO_TWELVE = (
    *("one", "two", "three", "four", "five", "six"),
    *("seven", "eight", "nine", "ten", "eleven", "twelve"),
)
COUNT_WORDS = {
    "a couple of": "2",
    **{word: str(number) for number, word in enumerate(_ONE_TO_TWELVE, start=1)},
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "forty-five": "45",
    "forty five": "45",
}
COUNT_WORD_PATTERN = re.compile(
    r"(?P<lead>\bin\s+|\+\s*)(?P<word>"
    + "|".join(sorted(map(re.escape, COUNT_WORDS), key=len, reverse=True))
    + r")(?=\s+[a-z])"
)
# `and a half` between a count and its unit: `in 2 and a half hours` is 2.5 hours.
HALF_BEFORE_UNIT_PATTERN = re.compile(
    r"(?P<lead>\bin\s+|\+\s*)(?P<count>\d+)\s+and\s+a\s+half\s+(?=[a-z])"
)
# A length of time with a decimal comma, as much of Europe writes it: `in 1,5 hours`.
DECIMAL_COMMA_PATTERN = re.compile(
    r"(?P<lead>\bin\s+|\+\s*)(?P<whole>\d+),(?P<part>\d{1,2})(?=\s*[a-z])"
)
# A length of time back, or a day gone: `in -2 days`, `-1h`, `2 days ago`, `yesterday`,
# `last tue`. A follow-up is ahead.
PAST_PATTERN = re.compile(
    r"(?:in\s+)?-\s*\d.*|.*\bago|(?:the\s+day\s+before\s+)?yesterday\b.*"
    r"|last\s+(?:week|month|year|night|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\b.*"
)
MORE_OFFSET_PATTERN = re.compile(r"(?:and\s+)?(?P<count>\d+|an?)\s*(?P<unit>[a-z]+)")
OFFSET_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
    **dict.fromkeys(("mo", "mos", "month", "months"), "months"),
}
# Hours and minutes are elapsed time; days, weeks and months keep the wall-clock time
# across DST. A month on is the same day of the month, or the month's last day when it
# has no such day (31 Jan, in a month: 28 Feb).
ELAPSED_UNITS = frozenset({"minutes", "hours"})

# `next week tue 10am` or `tue next week 10am`: that weekday in the week after this one.
NEXT_WEEK_PATTERN = re.compile(
    r"(?:next week (?P<before>[a-z]+)|(?P<after>[a-z]+) next week)\b\s*(?P<rest>.*)"
)
DAY_WORD_PATTERN = re.compile(
    r"(?:(?P<next>next\b\s*)|(?P<this>this\b\s*))?(?P<word>[a-z]*)\s*(?P<rest>.*)"
)
TOMORROW_WORDS = frozenset({"tomorrow", "tmrw", "tmr"})
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AT_PATTERN = re.compile(r"^(?:at\s+|@\s*)")
# `14h30`, as much of Europe writes a time.
H_TIME_PATTERN = re.compile(r"\b([01]?\d|2[0-3])h([0-5]\d)\b")
# A letter alone that dateutil skips as filler, but a rep may mean as a day.
AMBIGUOUS_DAY_LETTERS = frozenset({"t", "s"})
# Weekdays as people shorten them that dateutil does not know.
# (`mo` is months, and `we` a word.)
WEEKDAY_SHORTHANDS = {
    **{"tues": "tue", "tu": "tue", "weds": "wed"},
    **{"thur": "thu", "thurs": "thu", "thr": "thu", "th": "thu"},
    **{"fr": "fri", "sa": "sat", "su": "sun"},
}
# A time, then the day it is on: `2pm fri`, `at 3 on friday`, `noon tomorrow`, `1400 fri`.
# The time must read as one on its own (`at`, am or pm, minutes, noon, three or four
# figures): `3 dec` is a date.
TIME_THEN_DAY_PATTERN = re.compile(
    r"(?P<clock>(?:at\s+|@\s*)\d{1,2}(?:[:.]\d{2})?(?:\s*[ap]\.?m\.?)?"
    r"|\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\.?|\d{1,2}[:.]\d{2}|(?:[01]?\d|2[0-3])[0-5]\d"
    r"|noon|midday|eod)"
    r"\s+(?:on\s+)?(?P<day>[a-z0-9].*)"
)
NOON_WORDS = frozenset({"noon", "midday"})
# A part of the day after a day word: `tomorrow morning` is at the calling hours' start,
# `fri afternoon` at 14:00.
MORNING_WORDS = frozenset({"morning", "am"})
AFTERNOON_WORDS = frozenset({"afternoon", "pm"})
AFTERNOON = time(14, 0)
# A part of the day said in words: for a prospect whose zone is known, theirs.
PART_OF_DAY_PATTERN = re.compile(
    # Not after a number: `10 am` is a time written with a space, as `10am` is.
    r"(?<!\d\s)\b(?:" + "|".join(sorted(MORNING_WORDS | AFTERNOON_WORDS)) + r")\s*$"
)
# `this morning`, `this afternoon`: today's.
THIS_PART_OF_DAY_PATTERN = re.compile(r"^this\s+(?=(?:morning|afternoon)\b)")
# Three or four figures after a day word, as a rep types a time in a hurry (`wed 930`,
# `fri 1400`): read as the dotted pair they stand for (`9.30`, `14.00`), a time, or asked
# about when that is a day and month as well (`mon 1412`, Monday 14 December).
FIGURES_PATTERN = re.compile(r"(?P<first>[01]?\d|2[0-3])(?P<second>[0-5]\d)(?P<after>(?:\s.*)?)")
# A number after a weekday: an hour (`fri 3`), or a day of the month (`tue 15`, `mon
# 7th`, `thu 31 at 10am`), with the time after it.
DAY_OF_MONTH_PATTERN = re.compile(
    r"(?P<number>\d{1,2})(?P<ordinal>st|nd|rd|th)?(?:\s+(?:at\s+)?(?P<clock>.+))?"
)
# A weekday and a bare number in a day's field (`tue 15`): the day of the month.
WEEKDAY_NUMBER_PATTERN = re.compile(r"(?:next\s+|this\s+)?(?P<word>[a-z]+)\s+(?P<number>\d{1,2})")
# How far ahead a weekday's day of the month is looked for: the weeks a rep books in.
DAY_OF_MONTH_AHEAD_DAYS = 45
END_OF_DAY_WORDS = frozenset({"eod"})
# The end of the business day as people say it, read as `eod`: `end of day`, `cob`, `close
# of business`.
END_OF_DAY_PATTERN = re.compile(r"\b(?:eod|end of (?:the )?day|close of business|cob)\b")
# The month's last day (a proposal's expected close, most often).
END_OF_MONTH_WORDS = frozenset(
    {
        "eom",
        "end of month",
        "end of the month",
        "month end",
        "last day of month",
        "last day of the month",
        "the last day of the month",
    }
)
# `eom`, and a time after it: `eom 3pm`, `end of month at noon`.
END_OF_MONTH_PATTERN = re.compile(
    f"(?:{'|'.join(sorted(END_OF_MONTH_WORDS, key=len, reverse=True))})"
    r"(?:\s+(?:at\s+)?(?P<rest>.+))?"
)
# A time after a day word written with a dot, as much of Europe writes it (`mon 9.30`,
# `tomorrow 2.15pm`): read as the same time with a colon.
DOTTED_TIME_PATTERN = re.compile(
    r"(?<![\d.])(?P<hour>[01]?\d|2[0-3])\.(?P<minute>[0-5]\d)(?![\d.])"
)
# The same with no day word before it, where a dotted pair can be a date as well (`3.12`,
# 3 December as much of Europe writes it): a time when it says so (`4.30pm`, `at 16.30`) or
# when no day and month can be it (`16.30`); `am`/`pm` with or without dots. One that can
# be either is asked about.
DOTTED_CLOCK_PATTERN = re.compile(
    r"(?<![\d.])(?P<at>at\s+|@\s*)?(?P<hour>[01]?\d|2[0-3])\.(?P<minute>[0-5]\d)(?![\d.])"
    r"(?P<half>\s*[ap]\.?m\b\.?)?"
)

# A time of day in figures said in a way no date is: `10am`, `2 pm`, `14:30`.
OTHER_CLOCK_PATTERN = re.compile(
    r"(?<![\d.])\d{1,2}(?::[0-5]\d)?\s*[ap]\.?m\b|(?<![\d.])\d{1,2}:[0-5]\d\b"
)

# A day and month written with dots that no time can be (`25.12`, `25.12.2026`, `1.5.`),
# which dateutil does not read as a date: read with slashes.
DOTTED_DATE_PATTERN = re.compile(r"(?<![\d.:])(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?\.?(?![\d.])")

# dateutil fills every field the text leaves out from `default`; parsing against two
# defaults that differ in every field shows which fields the text really gave.
# Both are leap years so that `29/2` parses.
SENTINELS = (datetime(2000, 1, 1, 1, 1), datetime(2004, 2, 2, 2, 2))
TYPED_FIELDS = ("year", "month", "day", "hour", "minute")
# A leading four-digit year is ISO order; with dayfirst dateutil reads 2026-12-03 as 12 March.
YEAR_FIRST_PATTERN = re.compile(r"\d{4}\D")
# How far ahead a year-less 29/2 may look for its next leap year.
LEAP_SEARCH_YEARS = 8
# A follow-up further out than this is a typo; it also keeps stored UTC times in range.
MAX_YEARS_AHEAD = 10


@cache
def _parser_info() -> Any:
    """dateutil's names of weekdays and months. Its parser (with its time zone module,
    about 30 ms to import) loads with the first date typed, not at start-up."""
    from dateutil import parser

    return parser.parserinfo()


# `at 10`, `at 3:30` or, after a day word, a bare `10` or `3:30`: a time of day, never
# the 10th. Without a day word the minutes (or `at`) are needed: a lone `3` is a date.
CLOCK_PATTERN = re.compile(
    r"(?:(?P<at>at\s+|@\s*))?(?P<hour>[01]?\d|2[0-3])(?::(?P<minute>[0-5]\d))?"
)
# A number in a time of day: `10`, `10:30`.
TIME_NUMBER_PATTERN = re.compile(r"\d+(?::\d+)?")
# A rep books calls in working hours: an hour from 1 to 7 written as one digit without
# am/pm (`at 3`, `3:30`) is in the afternoon. `3am`, `03:00` and `0300` stay the morning.
AFTERNOON_HOURS = range(1, 8)
DATE_THEN_CLOCK_PATTERN = re.compile(rf"(?P<date>.+?)\s+(?P<clock>{CLOCK_PATTERN.pattern})")
# Words after a time that say whose clock it is on: the prospect's, the rep's, or a zone
# named by its abbreviation or IANA name (`fri 2pm CET`, `10am Europe/Paris`).
MY_TIME = frozenset({"my time", "our time"})
# An abbreviation means the zone people mean by it, summer time included: `2pm EST` said
# in July is 2pm in New York. Ambiguous ones (IST, CST in Asia) are left out.
ZONE_ABBREVIATIONS = {
    **dict.fromkeys(("utc", "gmt"), "UTC"),
    "bst": "Europe/London",
    **dict.fromkeys(("wet", "west"), "WET"),
    **dict.fromkeys(("cet", "cest"), "CET"),
    **dict.fromkeys(("eet", "eest"), "EET"),
    **dict.fromkeys(("et", "est", "edt"), "America/New_York"),
    **dict.fromkeys(("ct", "cst", "cdt"), "America/Chicago"),
    **dict.fromkeys(("mt", "mst", "mdt"), "America/Denver"),
    **dict.fromkeys(("pt", "pst", "pdt"), "America/Los_Angeles"),
    **dict.fromkeys(("aest", "aedt"), "Australia/Sydney"),
    "jst": "Asia/Tokyo",
    "sgt": "Asia/Singapore",
}
ZONE_HINT = "say a zone such as CET, EST, PT or Europe/Paris, or their time"


@dataclass(frozen=True)
class TypedFields:
    """The date and time fields that a piece of text actually gave; None where it gave none."""

    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None

    @property
    def has_date(self) -> bool:
        return any(value is not None for value in (self.year, self.month, self.day))

    @property
    def clock(self) -> time | None:
        return None if self.hour is None else time(self.hour, self.minute or 0)


@dataclass(frozen=True)
class When:
    """A follow-up moment as read from what a rep typed.

    `skipped` is the clock time they typed when a clock change skips it (02:30 on the
    night clocks go forward); `moment` is then the first time that exists after it.
    """

    moment: datetime
    # The day as typed, on the clock it was read on (the prospect's for `their time`, or
    # for a day without a time when their zone is known), and today on that clock.
    day: date
    today: date
    skipped: datetime | None = None
    # `next tue` typed early in a week names this week's Tuesday or next week's: `moment`
    # is the one read, `other` the one the rep can switch to; None when only one day fits.
    other: datetime | None = None


def parse_when(
    text: str,
    now: datetime,
    *,
    day_first: bool = True,
    calling_start: time = time(9, 0),
    end_of_day: time = time(17, 0),
) -> datetime:
    """The future moment a rep typed, aware in now's zone, to the minute; WhenError otherwise."""
    return read_when(
        text, now, day_first=day_first, calling_start=calling_start, end_of_day=end_of_day
    ).moment


def read_when(
    text: str,
    now: datetime,
    *,
    day_first: bool = True,
    calling_start: time = time(9, 0),
    end_of_day: time = time(17, 0),
    prospect_tz: str | None = None,
    other_week: bool = False,
) -> When:
    """`parse_when`, also saying when the typed clock time does not exist that day, and
    which other day an ambiguous `next tue` can mean (`other_week` reads it as that one).

    A time may end with whose clock it is on: `their time` (the prospect's zone,
    `prospect_tz`), `my time`, or a zone such as `CET` or `Europe/Paris`; the moment is
    still given on now's clock.
    """
    moment, other = _their_calling_start(
        text, now, day_first, calling_start, end_of_day, prospect_tz
    ) or _typed_moment(text, now, day_first, calling_start, end_of_day, prospect_tz)
    if other_week and other is not None:
        moment, other = other, moment
    day, today = moment.date(), now.astimezone(moment.tzinfo).date()
    # A moment that has passed is named as typed, on its clock: `4/12` for Los Angeles,
    # typed in Tokyo, is their Friday, not the rep's Saturday at 02:00.
    as_typed = _stamp(moment) + _whose_clock(moment, now, prospect_tz)
    from dateutil import tz

    skipped = None
    if not tz.datetime_exists(moment):
        skipped, moment = moment, _first_existing_time(moment)
    moment, other = (_on_clock_of(value, now) for value in (moment, other))
    if other is not None and has_passed(other, now):
        other = None  # today's Friday at a time that has passed
    if has_passed(moment, now):
        raise WhenError(f"{as_typed} is in the past")
    if moment.year > now.year + MAX_YEARS_AHEAD:
        raise WhenError(f"{_stamp(moment)} is too far ahead")
    return When(moment, day, today, skipped, other)


def _whose_clock(moment: datetime, now: datetime, prospect_tz: str | None) -> str:
    """` their time`, or ` CET`, for a moment typed on a clock other than now's."""
    if moment.tzinfo is now.tzinfo or moment.utcoffset() == now.utcoffset():
        return ""
    if (zone := known_zone(prospect_tz)) is not None and moment.tzinfo == zone:
        return f" {THEIR_TIME}"
    return f" {moment:%Z}" if moment.tzname() else ""


def _lengths_read(typed: str) -> str:
    """A length of time as the offset reader takes it: a count in words is in figures (`in
    two hours`, `in a couple of days`), `and a half` before the unit is a part of it (`in 2
    and a half hours`), a comma between its figures is its decimal point (`in 1,5 hours`;
    `in 1,000 hours` keeps its comma), and minutes after hours get their unit (`in 2h30` as
    `in 2h 30m`)."""
    typed = COUNT_WORD_PATTERN.sub(lambda match: match["lead"] + COUNT_WORDS[match["word"]], typed)
    typed = HALF_BEFORE_UNIT_PATTERN.sub(r"\g<lead>\g<count>.5 ", typed)
    typed = DECIMAL_COMMA_PATTERN.sub(r"\g<lead>\g<whole>.\g<part>", typed)
    return HOURS_THEN_MINUTES_PATTERN.sub(r"\g<lead>\g<hours>h \g<minutes>m", typed, count=1)


def _their_calling_start(
    text: str,
    now: datetime,
    day_first: bool,
    calling_start: time,
    end_of_day: time,
    prospect_tz: str | None,
) -> tuple[datetime, datetime | None] | None:
    """A day typed without a time (`mon`, `3/12`, `tomorrow`) for a prospect whose zone is
    known: at the start of calling hours on their clock, as the cadence's slots are, not
    on the rep's (`mon` for New York, typed in London, was 04:00 their time); a part of
    the day after it (`tomorrow afternoon`) or the end of the day (`eod`, `fri cob`) on
    their clock as well. None for text that gives a time, names a clock, or does not read
    so."""
    if known_zone(prospect_tz) is None or _names_a_clock(text, prospect_tz):
        return None
    theirs = f"{text.strip()} {THEIR_TIME}"
    if PART_OF_DAY_PATTERN.search(text.lower()) or END_OF_DAY_PATTERN.search(_words(text)):
        # `tomorrow afternoon` is their afternoon, as `tomorrow` alone is their morning;
        # `eod` the end of their business day, where it was 12:00 in New York typed in London.
        return _typed_moment(theirs, now, day_first, calling_start, end_of_day, prospect_tz)
    try:
        read, no_time = _read_at_two_starts(
            theirs, now, day_first, calling_start, end_of_day, prospect_tz
        )
    except WhenError:
        try:
            _, no_time = _read_at_two_starts(
                text, now, day_first, calling_start, end_of_day, prospect_tz
            )
        except WhenError:
            return None
        if no_time:
            # `today` once their calling hours have begun: it has passed there, as it
            # has for the rep at 10:00; not the rep's 09:00, the middle of their night.
            raise
        return None
    return read if no_time else None


def _read_at_two_starts(
    text: str,
    now: datetime,
    day_first: bool,
    calling_start: time,
    end_of_day: time,
    prospect_tz: str | None,
) -> tuple[tuple[datetime, datetime | None], bool]:
    """The text as `_typed_moment` reads it, and whether it names a day without a time:
    read again with calling hours a minute later, only such a text moves."""
    later = time(calling_start.hour, (calling_start.minute + 1) % 60)
    read = _typed_moment(text, now, day_first, calling_start, end_of_day, prospect_tz)
    probe = _typed_moment(text, now, day_first, later, end_of_day, prospect_tz)
    return read, read[0] != probe[0]


def _names_a_clock(text: str, prospect_tz: str | None) -> bool:
    """Whether the text ends by naming whose clock it is on: `my time`, `their time`, `CET`."""
    typed = _words(text)
    try:
        return _split_zone(typed, prospect_tz)[0] != typed
    except WhenError:
        return True


def _words(text: str) -> str:
    """The text lowercased, a comma taken as a pause, its spaces single."""
    return " ".join(text.lower().replace(",", " ").split())


def _on_clock_of(moment: datetime | None, now: datetime) -> datetime | None:
    """A moment typed on another zone's clock, given on now's (unchanged when it is now's)."""
    if moment is None or moment.tzinfo is now.tzinfo:
        return moment
    return moment.astimezone(now.tzinfo)


def names_a_year(text: str, day_first: bool = True) -> bool:
    """Whether the text says which year, in a way dateutil reads (`30 dec 27`, `dec 30,
    '27`, `30th dec 2027`)."""
    # The words that say whose clock it is on name no year: `2027-11-08 10:00 their time`.
    typed, _ = _zone_words(_words(text))
    typed = _dotted_date_read(typed)
    # The time after the date, as the date reader takes it off: `4/12 at 10` and `14/12 10`
    # say no year, where dateutil read the 10 as 2010.
    typed, _ = _split_clock(_bare_hour_after_a_date(typed, day_first))
    try:
        return bool(typed) and _typed_fields(typed, day_first).year is not None
    except (WhenError, ValueError):
        return False


def read_day(text: str, now: datetime, *, day_first: bool = True) -> date:
    """A day a rep typed for something that has a date but no time (a proposal's expected
    close, a revisit): today or later, read as `read_when` reads a moment (a time typed
    with it is ignored); WhenError otherwise."""
    today = now.date()
    if (day_of_month := _weekday_and_day_of_month(text, today)) is not None:
        # No time in a day: the number is the day of the month (`tue 15`), not an hour.
        return day_of_month
    # Read from the start of today, so that today itself is a day still to come.
    start_of_today = datetime.combine(today, time.min, tzinfo=now.tzinfo)
    offset = OFFSET_PATTERN.fullmatch(_lengths_read(" ".join(text.lower().split())))
    if offset is None:
        # A day has no time: `3.12` and `mon 14.12` are 14 December (and `in 1.5 weeks`
        # no date).
        text = _dotted_days_read(text, day_first)
    elif OFFSET_UNITS.get(offset["unit"]) in ELAPSED_UNITS:
        # `in 6m` for a revisit: six minutes, today, where six months were meant.
        raise WhenError(
            f"{_quoted(text)} is {OFFSET_UNITS[offset['unit']]} from now, not a day",
            "say in 6 months (in 6mo), in 3 weeks or a date",
        )
    moment, _ = _typed_moment(text, start_of_today, day_first, time(9, 0), time(17, 0), None)
    day = moment.date()
    if day < today:
        raise WhenError(f"{_day_stamp(day)} is in the past", "say today or a later day")
    if day.year > today.year + MAX_YEARS_AHEAD:
        raise WhenError(f"{_day_stamp(day)} is too far ahead")
    return day


def describe_day(day: date, today: date) -> str:
    """`Fri 4 Dec 2026 (in 16 days)`."""
    return f"{_day_stamp(day)} ({_relative_day((day - today).days)})"


def _typed_moment(
    text: str,
    now: datetime,
    day_first: bool,
    calling_start: time,
    end_of_day: time,
    prospect_tz: str | None,
) -> tuple[datetime, datetime | None]:
    """The moment the text names, to the minute, on the clock it was typed for (now's
    unless it names a zone), before any check that it is to come; and the other day an
    ambiguous `next tue` can mean."""
    spaced = " ".join(text.lower().split())
    typed = _lengths_read(spaced)
    # Else a comma is a pause (`4pm, fri`, `friday, 18.12`): the text is read without it,
    # and refused, when it does not read, quoting it as typed.
    paused = " ".join(typed.replace(",", " ").split())
    try:
        return _moment_of(paused, now, day_first, calling_start, end_of_day, prospect_tz)
    except WhenError as error:
        said = str(error)
        if paused != typed:
            said = said.replace(_quoted(paused), _quoted(typed))
        quote = QUOTE_FIRST.match(said)
        if quote and (quote["single"] or quote["double"]) not in spaced:
            # Text read otherwise than typed is quoted as typed: a length read from words
            # (`in two and a half days`, not `in 2.5 days`), figures read as a time (`tue
            # 1512`, not `15.12`).
            said = _quoted(spaced) + said[quote.end() :]
        if said == str(error):
            raise
        raise WhenError(said, "") from None


def _moment_of(
    typed: str,
    now: datetime,
    day_first: bool,
    calling_start: time,
    end_of_day: time,
    prospect_tz: str | None,
) -> tuple[datetime, datetime | None]:
    """`_typed_moment` of the text lowercased, its spaces single."""
    # `14h30` as `14:30`; `@` as `at`; a leading `on` (`on fri at 3`) says nothing.
    typed = H_TIME_PATTERN.sub(r"\g<1>:\g<2>", typed)
    typed = " ".join(typed.replace("@", " at ").split()).removeprefix("on ")
    typed = THIS_PART_OF_DAY_PATTERN.sub("today ", typed)
    typed = END_OF_DAY_PATTERN.sub("eod", typed)
    if not typed:
        raise WhenError("nothing was typed")
    if ambiguous := AMBIGUOUS_DAY_LETTERS.intersection(typed.split()):
        (letter,) = sorted(ambiguous)[:1]
        raise WhenError(
            f"{_quoted(letter)} could be more than one day", "say tue or thu, sat or sun"
        )
    if PAST_PATTERN.fullmatch(typed):
        raise WhenError(f"{_quoted(typed)} is in the past", "say a day to come: in 2 days, fri")
    typed, said_zone, zone = _split_zone(typed, prospect_tz)
    typed = _day_first_in_order(typed, day_first)
    there = now if zone is None else now.astimezone(zone)
    try:
        moment = (
            _parse_offset(typed, there, day_first, end_of_day)
            or _parse_next_week(typed, there, day_first, calling_start, end_of_day)
            or _parse_day_word(typed, there, day_first, calling_start, end_of_day, said_zone)
            or _parse_date_and_time(typed, there, day_first, calling_start, said_zone)
        )
    except OverflowError:
        raise WhenError(f"{typed!r} is too far ahead") from None
    moment = moment.replace(second=0, microsecond=0)
    _check_weekday(typed, moment, there.date())
    return moment, _other_week(typed, moment, there.date())


def _check_weekday(typed: str, moment: datetime, today: date) -> None:
    """A weekday said with a date must be that date's: dateutil read `10 dec fri` as
    Thursday the 10th without a word. `fri 4 dec` typed on Saturday the 5th is last
    Friday's, not next year's Saturday."""
    # Whole words: the `th` of `4th` is no Thursday.
    said = {_weekday(word) for word in re.findall(r"\b[a-z]+\b", typed)} - {None}
    if said and moment.weekday() not in said:
        (weekday,) = sorted(said)[:1]
        if moment.year > today.year:
            try:
                this_year = moment.date().replace(year=today.year)
            except ValueError:  # 29 February
                this_year = None
            if this_year is not None and this_year < today and this_year.weekday() in said:
                raise WhenError(
                    f"{this_year:%a} {this_year.day} {this_year:%b} has passed",
                    "say a day to come",
                )
        raise _not_on_weekday(moment.date(), weekday)


def _not_on_weekday(day: date, weekday: int) -> WhenError:
    """A date said with a weekday it does not fall on (`thu 30 dec`, `thu 30.12`)."""
    return WhenError(
        f"{day.day} {day:%b} is a {day:%A}, not a {WEEKDAY_NAMES[weekday]}",
        "say the day or the date alone",
    )


def _day_first_in_order(typed: str, day_first: bool) -> str:
    """A time said before its day (`2pm fri`, `10am next tue`, `noon tomorrow`, `at 3 on
    friday`, `at 3 on dec 30`) in the order the rest reads, day first: dateutil took `2pm
    fri` typed on a Saturday as today's 2pm, and `at 3 on dec 30` as 3 December 2030."""
    match = TIME_THEN_DAY_PATTERN.fullmatch(typed)
    if match is None:
        return typed
    day = match["day"]
    words = day.split()
    word = words[1] if words[0] in ("next", "this") and len(words) > 1 else words[0]
    a_day_word = word in ("today", "week", *TOMORROW_WORDS) or _weekday(word) is not None
    # With the time said, a dotted pair after it is the date: `at 3 on 14.12`.
    day = _dotted_date_read(day)
    if not a_day_word and not _a_date(day, day_first):
        return typed
    return f"{day} {match['clock']}"


def _a_date(text: str, day_first: bool) -> bool:
    """Whether dateutil reads a date in the text."""
    try:
        return _typed_fields(text, day_first).has_date
    except WhenError:
        return False


def _weekday(word: str) -> int | None:
    """The weekday a word names (`fri`, `Friday`, `thurs`, `weds`), else None."""
    return _parser_info().weekday(WEEKDAY_SHORTHANDS.get(word, word))


def _zone_words(typed: str) -> tuple[str, str]:
    """The text without the words at its end that say whose clock it is on (`their time`,
    `my time`, `CET`, `Europe/Paris`), and those words; "" when it has none."""
    for words in (THEIR_TIME, *MY_TIME):
        if typed.endswith(words) and typed != words:
            return typed.removesuffix(words).rstrip(), words
    rest, _, last = typed.rpartition(" ")
    if rest and (last in ZONE_ABBREVIATIONS or last in _zone_names()):
        return rest, last
    return typed, ""


def _split_zone(typed: str, prospect_tz: str | None) -> tuple[str, str, ZoneInfo | None]:
    """The text without the zone words at its end, those words (with their space), and
    the zone they name; None when the text names none."""
    rest, words = _zone_words(typed)
    if words == THEIR_TIME:
        zone = known_zone(prospect_tz)
        if zone is None:
            problem = (
                f"their time zone {_quoted(str(prospect_tz))} cannot be read"
                if unreadable_zone(prospect_tz)
                else "their time zone is not known"
            )
            raise WhenError(problem, "type the time as it is where you are")
        return rest, f" {THEIR_TIME}", zone
    if not words or words in MY_TIME:
        return rest, "", None
    return rest, f" {words}", ZoneInfo(ZONE_ABBREVIATIONS.get(words) or _zone_names()[words])


@cache
def _zone_names() -> dict[str, str]:
    """The IANA zone names by their lower-case spelling (`europe/paris` -> `Europe/Paris`)."""
    return {name.lower(): name for name in available_timezones() if "/" in name}


def _other_week(typed: str, moment: datetime, today: date) -> datetime | None:
    """For `next tue` whose Tuesday is still in this week (weeks run Monday to Sunday),
    the same time on next week's; for `fri` typed on a Friday (next week's), today's;
    None when the text names one day only."""
    match = DAY_WORD_PATTERN.fullmatch(typed)
    if match is None or match["this"] or _weekday(match["word"]) is None:
        return None
    if NEXT_WEEK_PATTERN.fullmatch(typed):
        return None  # `fri next week`: that one only
    if not match["next"]:
        if moment.date() - timedelta(days=7) == today:
            return moment - timedelta(days=7)
        return None
    if _monday_of(moment.date()) != _monday_of(today):
        return None
    # Aware datetimes in one zone add like wall clocks: the same time of day a week on.
    return moment + timedelta(days=7)


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _first_existing_time(moment: datetime) -> datetime:
    """The first minute on the clock after a gap that a clock change skips.

    Left alone, a time in the gap would be stored as the same clock time in the old
    offset: an hour later than the rep read it.
    """
    from dateutil import tz

    later = moment
    while not tz.datetime_exists(later):
        # Aware datetimes in one zone add like wall clocks.
        later += timedelta(minutes=1)
    return later


def describe_when(
    moment: datetime,
    now: datetime,
    prospect_tz: str | None = None,
    *,
    skipped: datetime | None = None,
) -> str:
    """`Fri 4 Dec 2026, 14:00 (in 6 days)`, plus the prospect's clock when it reads differently,
    and first the typed clock time that a clock change skips, when there is one."""
    local = moment.astimezone(now.tzinfo)
    description = f"{_stamp(local)} ({_relative(local, now)})"
    if skipped is not None:
        description = f"{describe_skipped(skipped)}: {description}"
    if theirs := their_time(moment, now, prospect_tz):
        description += f", {theirs}"
    return description


def describe_skipped(skipped: datetime) -> str:
    """`02:30 does not exist on 28 March (clocks go forward)`: a clock time typed that a
    clock change skips."""
    return f"{skipped:%H:%M} does not exist on {skipped.day} {skipped:%B} (clocks go forward)"


def _parse_offset(typed: str, now: datetime, day_first: bool, end_of_day: time) -> datetime | None:
    match = OFFSET_PATTERN.fullmatch(typed)
    if match is None:
        return None
    later = _add(now, match)
    rest = match["rest"]
    if rest and (more := MORE_OFFSET_PATTERN.fullmatch(rest)) and more["unit"] in OFFSET_UNITS:
        # Two lengths of time, added: `in 2 days 3 hours`.
        return _add(later, more)
    clock = _time_of_day(rest or "", day_first, end_of_day)
    if clock is None:
        return later
    if OFFSET_UNITS[match["unit"]] in ELAPSED_UNITS:
        raise WhenError(
            f"{typed!r} gives a time twice",
            f"say {match['offset']} alone, or a day and a time: tomorrow {rest}",
        )
    return _at(later.date(), clock, now)


def _add(moment: datetime, match: re.Match[str]) -> datetime:
    """The moment a length of time (`count`, `unit`) after `moment`."""
    unit = OFFSET_UNITS.get(match["unit"])
    if unit is None:
        raise WhenError(
            f"{match['unit']!r} is not a unit", "use minutes, hours, days, weeks or months"
        )
    part = " ".join((match.groupdict().get("part") or "").split())
    count = _count(match["count"]) + PARTS.get(part, 0)
    if unit == "hours" and not count.is_integer():
        # `in 1.5 hours`, `in half an hour`: in minutes.
        unit, count = "minutes", float(round(count * 60))
    if not count.is_integer():
        either = [_amount_of(whole, unit) for whole in (int(count), int(count) + 1) if whole]
        raise WhenError(
            f"{_quoted(match['offset'])} is not a whole number of {unit}",
            f"say in {' or in '.join(either)}",
        )
    delta = relativedelta(**{unit: int(count)})
    if unit in ELAPSED_UNITS:
        return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)
    return moment + delta


def _count(said: str) -> float:
    """How many of a unit `in ...` says: `2`, `1.5`, `an`, `half an`, `a quarter of an`,
    `3 quarters of an` (`three` is in figures by then)."""
    if said in {"a", "an"}:
        return 1.0
    if said.startswith("half"):
        return 0.5
    if "quarter" in said:
        quarters = said.split()[0]
        return (int(quarters) if quarters.isdigit() else 1) / 4
    return float(said)


def _amount_of(count: int, unit: str) -> str:
    """`1 day`, `2 days`."""
    return f"{count} {unit.removesuffix('s') if count == 1 else unit}"


def _parse_day_word(
    typed: str,
    now: datetime,
    day_first: bool,
    calling_start: time,
    end_of_day: time,
    said_zone: str = "",
) -> datetime | None:
    today = now.date()
    if eom := END_OF_MONTH_PATTERN.fullmatch(typed):
        # `eom`, `end of month 3pm`: the month's last day, at a time said after it.
        last = today + relativedelta(day=31)
        clock = _time_of_day(eom["rest"], day_first, end_of_day) or calling_start
        moment = _at(last, clock, now)
        if last == today and has_passed(moment, now):
            # Typed on the month's last day, at a time that has passed.
            later_today = not has_passed(_at(today, end_of_day, now), now) and not eom["rest"]
            said = "eod" if later_today else f"tomorrow {eom['rest'] or ''}".strip()
            raise _passed_today(said + said_zone)
        return moment
    match = DAY_WORD_PATTERN.fullmatch(typed)
    word, rest = match["word"], match["rest"]
    weekday = _weekday(word) if word else None
    if word and (figures := FIGURES_PATTERN.fullmatch(rest)):
        rest = f"{figures['first']}.{figures['second']}{figures['after']}"
    dated = None
    if weekday is not None and not match["this"]:
        dated = _weekday_dated(rest, weekday, now, typed, day_first, end_of_day)
    if dated is not None:
        on_the_day, clock = dated
        return _at(on_the_day, clock or calling_start, now)
    if match["next"] and weekday is None:
        raise _which_day(typed, today, day_first)
    if weekday is not None and not match["this"]:
        if (on_the_day := _dotted_day_on(rest, weekday, today, day_first)) is not None:
            return _parse_date_and_time(on_the_day, now, day_first, calling_start, said_zone)
        if _names_a_date(rest, day_first):
            # `fri 11 dec`: the date says the day (and `_check_weekday` that it is a Friday).
            return _parse_date_and_time(rest, now, day_first, calling_start, said_zone)
    if match["this"] and weekday is None:
        if word == "month" and not rest:
            raise WhenError("'this month' does not say which day", "say eom for its last day")
        return None
    if match["this"]:
        # `this fri`: the coming Friday, today's on a Friday.
        day = today + relativedelta(weekday=weekday)
    elif word == "today":
        day = today
    elif word in TOMORROW_WORDS:
        day = today + timedelta(days=1)
    elif weekday is not None:
        # A weekday name always means a later day (`fri` typed on a Friday is next week's),
        # so `next` adds nothing to it.
        day = today + relativedelta(days=1, weekday=weekday)
    elif word in NOON_WORDS and not rest:
        noon = _at(today, time(12, 0), now)
        if has_passed(noon, now):
            # As a clock time that has passed (`1pm`): tomorrow's is one word away.
            raise _passed_today(f"tomorrow {word}{said_zone}")
        return noon
    elif word in END_OF_DAY_WORDS and not rest:
        day, rest = today, word
    else:
        return None
    clock = _time_of_day(rest, day_first, end_of_day) or calling_start
    moment = _at(day, clock, now)
    if day == today and has_passed(moment, now):
        # `this fri 3pm` late on a Friday: next week's is the one that comes.
        later = f"{word} next week" if match["this"] else "tomorrow"
        raise _passed_today(f"{later} {rest}".strip() + said_zone)
    return moment


# A dotted pair after a weekday, and a time after it: `mon 14.12`, `fri 18.12. 10am`.
DOTTED_PAIR_THEN_PATTERN = re.compile(
    r"(?P<first>\d{1,2})\.(?P<second>\d{1,2})(?P<dot>\.)?(?:\s+(?P<rest>.+))?"
)


def _dotted_day_on(rest: str, weekday: int, today: date, day_first: bool) -> str | None:
    """After a weekday, a dotted pair that is a day and month falling on that weekday
    (`mon 14.12`: Monday 14 December, not Monday at 14:12), as the date with slashes and
    the time after it; None for a pair that is no such day (`mon 9.30`, a time). Alone,
    the pair could be either, and is asked about."""
    pair = _dotted_pair(rest, day_first)
    if pair is None:
        return None
    match, day, month = pair
    try:
        falls = next_occurrence(month, day, today)
    except (WhenError, ValueError):
        return None
    try:
        this_year = date(today.year, month, day)
    except ValueError:
        this_year = falls
    if this_year < today and this_year.weekday() == weekday:
        # `fri 4.12` the day after: last Friday's date, as `fri 4 dec` says.
        raise WhenError(
            f"{this_year:%a} {this_year.day} {this_year:%b} has passed", "say a day to come"
        )
    if falls.weekday() != weekday:
        first, second = int(match["first"]), int(match["second"])
        in_order = (day, month) == ((first, second) if day_first else (second, first))
        if _could_be_a_time(match) or (not in_order and _a_clock_shows(first, second)):
            return None  # `tue 10.11`, `mon 9.30 3pm`: a time on that day
        # `thu 30.12`, `fri 14.12 3pm`: a date, on another day, as `thu 30 dec` is told.
        raise _not_on_weekday(falls, weekday)
    if _could_be_a_time(match):
        raise _day_or_time(rest, match, f"{falls:%a} {falls.day} {falls:%b}")
    return f"{int(match['first'])}/{int(match['second'])} {match['rest'] or ''}".strip()


def _weekday_dated(
    rest: str, weekday: int, now: datetime, typed: str, day_first: bool, end_of_day: time
) -> tuple[date, time | None] | None:
    """After a weekday, a number that is a day of the month falling on that weekday in the
    weeks ahead, and the time after it: `thu 31`, `mon 7th`, `tue 15 10am` (a number that
    cannot be an hour, or is marked as a day, or is followed by a time, is the day); a bare
    number that can be an hour is asked about (`tue 15`: Tuesday the 15th, or 15:00 on the
    coming Tuesday). None when the text is no such number, or a bare one that names no
    such day (`fri 3`: an hour)."""
    match = DAY_OF_MONTH_PATTERN.fullmatch(rest)
    if match is None or (match["clock"] or "").replace(".", "") in ("am", "pm"):
        return None  # `fri 3 pm`: an hour
    clock = None
    if match["clock"]:
        try:
            clock = _time_of_day(match["clock"], day_first, end_of_day)
        except WhenError:
            return None  # `tue 15 dec`: a date, read as one
    number, today = int(match["number"]), now.date()
    day = _day_of_month_ahead(number, weekday, today)
    marked = bool(match["ordinal"] or match["clock"])
    if day is None:
        if marked:
            raise _no_such_day_ahead(typed, weekday, number)
        return None
    if marked:
        return day, clock
    try:
        hour = _time_of_day(rest, day_first, end_of_day)
    except WhenError:
        return day, None  # past 23: no hour
    if hour is None:
        return day, None
    coming = today + relativedelta(days=1, weekday=weekday)
    that_day = "that day" if coming == day else f"on {coming:%a} {coming.day} {coming:%b}"
    raise WhenError(
        f"{_quoted(typed)} could be {day:%a} {day.day} {day:%b} or {hour:%H:%M} {that_day}",
        f"say {day.day} {day:%b} for the day, or {coming:%a} {hour:%H:%M} for the time",
    )


def _day_of_month_ahead(number: int, weekday: int, today: date) -> date | None:
    """The first day after today, in the weeks ahead, that is the `number`th of its month
    and falls on `weekday`; None when there is none."""
    ahead = (today + timedelta(days=offset) for offset in range(1, DAY_OF_MONTH_AHEAD_DAYS))
    return next((day for day in ahead if day.day == number and day.weekday() == weekday), None)


def _weekday_and_day_of_month(text: str, today: date) -> date | None:
    """A weekday and a bare number typed for a day with no time (`tue 15` as a revisit or
    close date): the day of the month it names; None for other text, WhenError when no
    such day comes in the weeks ahead."""
    match = WEEKDAY_NUMBER_PATTERN.fullmatch(" ".join(text.lower().split()))
    weekday = None if match is None else _weekday(match["word"])
    if match is None or weekday is None:
        return None
    number = int(match["number"])
    day = _day_of_month_ahead(number, weekday, today)
    if day is None:
        raise _no_such_day_ahead(text, weekday, number)
    return day


def _no_such_day_ahead(typed: str, weekday: int, number: int) -> WhenError:
    """A weekday and a day of the month that no day in the weeks ahead is (`tue 24`)."""
    return WhenError(
        f"{_quoted(typed)}: no {WEEKDAY_NAMES[weekday]} the {_ordinal(number)} in the weeks ahead",
        "say the date: 15/12 or 15 dec",
    )


def _ordinal(number: int) -> str:
    """`1st`, `2nd`, `3rd`, `11th`, `22nd`."""
    last = number % 10 if number % 100 not in (11, 12, 13) else 0
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(last, "th")
    return f"{number}{suffix}"


def _ask_about_a_dotted_day(rest: str, day_first: bool) -> None:
    """A dotted pair after a day word that is a day and month as well as a time, at an
    odd minute (`tomorrow 14.12`, `tue 10.11`) is asked about: it was read as a time, where
    a rep who writes dates with dots meant the day. `mon 9.30` and `fri 10.15` are times."""
    pair = _dotted_pair(rest, day_first)
    if pair is None or not _could_be_a_time(pair[0]):
        return
    match, day, month = pair
    try:
        named = date(2000, month, day)  # a leap year: 29 February is a day
    except ValueError:
        return
    if int(match["second"]) % 15:
        raise _day_or_time(rest, match, f"{named.day} {named:%b}")


def _dotted_pair(rest: str, day_first: bool) -> tuple[re.Match[str], int, int] | None:
    """The dotted pair `rest` starts with (`14.12`, `18.12. 10am`), with the day and month
    it names (`_day_and_month`); None when it starts with none."""
    match = DOTTED_PAIR_THEN_PATTERN.fullmatch(rest)
    if match is None:
        return None
    quarter_hour = _could_be_a_time(match) and int(match["second"]) % 15 == 0
    day, month = _day_and_month(int(match["first"]), int(match["second"]), day_first, quarter_hour)
    return match, day, month


def _day_and_month(first: int, second: int, day_first: bool, quarter_hour: bool) -> tuple[int, int]:
    """The day and month a dotted pair names: in the book's order, or in the other when
    only that one is a day and month (`14.12` in a book kept month first is 14 December,
    as `12.14` is in a book kept day first), unless the pair is a time at a quarter hour
    (`fri 10.15`: Friday at 10:15, not 15 October)."""
    day, month = (first, second) if day_first else (second, first)
    if _is_day_and_month(day, month) or quarter_hour or not _is_day_and_month(month, day):
        return day, month
    return month, day


def _is_day_and_month(day: int, month: int) -> bool:
    """Whether the numbers can be a day and month (`31.2` can: it is refused as a day
    past its month's end)."""
    return 1 <= month <= 12 and 1 <= day <= 31


def _could_be_a_time(pair: re.Match[str]) -> bool:
    """A dotted pair alone, without the dot that ends a date (`11.12.`), with two digits
    after its dot and an hour and minute a clock shows, could be a time as well as a day
    (`wed 30.12` and `thu 24.12` cannot)."""
    if pair["rest"] or pair["dot"] or len(pair["second"]) != 2:
        return False
    return _a_clock_shows(int(pair["first"]), int(pair["second"]))


def _a_clock_shows(hour: int, minute: int) -> bool:
    return hour <= 23 and minute <= 59


def _day_or_time(rest: str, pair: re.Match[str], day_named: str) -> WhenError:
    """The question for a dotted pair (`DOTTED_PAIR_THEN_PATTERN`) that could be the day
    `day_named` or a time."""
    first, second = int(pair["first"]), pair["second"]
    return WhenError(
        f"{_quoted(rest)} could be {day_named} or a time",
        f"say {first}/{int(second)} for the day, or {first}:{second} for the time",
    )


def _names_a_date(rest: str, day_first: bool) -> bool:
    """Whether the text after a weekday names a date (`11 dec`, `11/12 2pm`)."""
    # After a day word a dotted pair is a time (`mon 9.30`), as `_time_of_day` reads it.
    rest = DOTTED_TIME_PATTERN.sub(r"\g<hour>:\g<minute>", rest)
    if not rest or CLOCK_PATTERN.fullmatch(rest):
        return False
    try:
        return _typed_fields(rest, day_first).has_date
    except WhenError:
        return False


def _parse_next_week(
    typed: str, now: datetime, day_first: bool, calling_start: time, end_of_day: time
) -> datetime | None:
    """A weekday of next week (weeks run Monday to Sunday), at the time typed after it."""
    match = NEXT_WEEK_PATTERN.fullmatch(typed)
    if match is None:
        return None
    weekday = _weekday(match["before"] or match["after"])
    if weekday is None:
        raise _which_day(typed, now.date(), day_first)
    next_monday = now.date() + timedelta(days=7 - now.weekday())
    day = next_monday + timedelta(days=weekday)
    clock = _time_of_day(match["rest"], day_first, end_of_day) or calling_start
    return _at(day, clock, now)


def _which_day(typed: str, today: date, day_first: bool) -> WhenError:
    """`next` without a weekday. Both phrases the hint offers name the same day, next
    week's Tuesday; `next tue` would not (typed on a Monday, it means tomorrow). `next
    month` is offered the same day a month on, both ways."""
    if typed.split()[-1] in ("month", "months"):
        later = today + relativedelta(months=1)
        slashed = f"{later.day}/{later.month}" if day_first else f"{later.month}/{later.day}"
        return WhenError(f"{typed!r} does not say which day", f"say {slashed} or in a month")
    tuesday = today + timedelta(days=8 - today.weekday())
    slashed = f"{tuesday.day}/{tuesday.month}" if day_first else f"{tuesday.month}/{tuesday.day}"
    return WhenError(f"{typed!r} does not say which day", f"say tue next week or {slashed}")


def _time_of_day(rest: str, day_first: bool, end_of_day: time) -> time | None:
    """The clock time after a day word: nothing, `noon`, `eod` or a time like `2pm`."""
    if not rest:
        return None
    _ask_about_a_dotted_day(rest, day_first)
    rest = DOTTED_TIME_PATTERN.sub(r"\g<hour>:\g<minute>", rest)
    # `tomorrow at noon`, `fri @ 3pm`: as without `at`.
    rest = AT_PATTERN.sub("", rest)
    if rest in NOON_WORDS:
        return time(12, 0)
    if rest in END_OF_DAY_WORDS:
        return end_of_day
    if rest in MORNING_WORDS:
        return None
    if rest in AFTERNOON_WORDS:
        return AFTERNOON
    if clock := CLOCK_PATTERN.fullmatch(rest):
        return _clock_time(clock)
    if len(TIME_NUMBER_PATTERN.findall(rest)) > 1:
        if _names_a_date(_dotted_days_read(rest, day_first), day_first):
            # `tomorrow 30/12`, `tomorrow 30.12`: two days, not two times.
            raise WhenError(
                f"{rest!r} is a date, not a time of day",
                "say the day once: fri 2pm, or the date alone",
            )
        # dateutil takes the last of two times (`tomorrow 10am 3pm`): which one is meant?
        raise WhenError(f"{rest!r} gives a time twice", "say one: fri 2pm or fri 14:30")
    fields = _typed_fields(rest, day_first)
    if fields.has_date or fields.clock is None:
        raise WhenError(
            f"{rest!r} is not a time of day", "after a day, say a time: fri 2pm or fri 14:30"
        )
    return fields.clock


def _parse_date_and_time(
    typed: str, now: datetime, day_first: bool, calling_start: time, said_zone: str = ""
) -> datetime:
    today = now.date()
    typed = _dotted_clock_read(typed, day_first)
    if len(TWO_TIMES_PATTERN.findall(typed)) > 1:
        # dateutil merged them (`16:30 3pm` was 15:30): which one is meant?
        raise WhenError(f"{_quoted(typed)} gives a time twice", "say one: 3/12 2pm")
    typed = _bare_hour_after_a_date(typed, day_first)
    date_text, typed_clock = _split_clock(typed)
    fields = _typed_fields(date_text, day_first) if date_text else TypedFields(*[None] * 5)
    clock = fields.clock if typed_clock is None else _clock_time(typed_clock)
    if not fields.has_date:
        if clock is None:
            raise WhenError(f"{typed!r} is not a date or time I understand")
        moment = _at(today, clock, now)
        if has_passed(moment, now):
            raise _passed_today(f"tomorrow {typed.removeprefix('at ')}{said_zone}")
        return moment
    if fields.month is None or fields.day is None:
        raise WhenError(f"{typed!r} needs a day and a month", "try 3 dec, 3/12 or 3pm")
    if fields.year is None:
        day = next_occurrence(fields.month, fields.day, today)
    else:
        day = date(fields.year, fields.month, fields.day)
    return _at(day, clock or calling_start, now)


# A time of day that cannot be anything else: with am or pm, or with minutes.
TWO_TIMES_PATTERN = re.compile(r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b|\b\d{1,2}:\d{2}\b")
# A date (day and month), then a bare number: `14/12 10`, `3 dec 15`, `3 dec 1430`.
BARE_HOUR_PATTERN = re.compile(r"(?P<date>.+?)\s+(?P<hour>\d{1,2}|(?:[01]?\d|2[0-3])[0-5]\d)")


def _bare_hour_after_a_date(typed: str, day_first: bool) -> str:
    """`14/12 10` with the hour made one (`14/12 at 10`), and `3/12 930` the time 09:30:
    dateutil read them as the years 2010 and 930. A number that is a year (`3 dec 2027`,
    `3/12 27`) stays one."""
    match = BARE_HOUR_PATTERN.fullmatch(typed)
    if match is None:
        return typed
    hour = match["hour"]
    if len(hour) == 4 and 1900 <= int(hour) <= 2999:
        return typed
    try:
        fields = _typed_fields(match["date"], day_first)
    except WhenError:
        return typed
    if fields.day is None or fields.month is None or fields.year is not None:
        return typed
    if len(hour) <= 2:
        # Past 23, two digits are a year (`30 dec 27`).
        return f"{match['date']} at {int(hour)}" if int(hour) <= 23 else typed
    return f"{match['date']} at {hour[:-2]}:{hour[-2:]}"


def _dotted_clock_read(typed: str, day_first: bool) -> str:
    """The text with each dotted time (`DOTTED_CLOCK_PATTERN`) written with a colon, which
    dateutil reads to the minute: it read `4.30pm` as 16:00."""

    def with_colon(match: re.Match[str]) -> str:
        first, second = int(match["hour"]), int(match["minute"])
        # In the book's order, or day first as dotted dates are written (`14.12` in a
        # book kept month first can be 14 December as well as 14:12); a day-first book's
        # `9.30` is half past nine, never 30 September.
        a_date = _is_day_and_month(first, second) or (
            not day_first and _is_day_and_month(second, first)
        )
        if a_date and not (match["at"] or match["half"]):
            if OTHER_CLOCK_PATTERN.search(typed[: match.start()] + " " + typed[match.end() :]):
                # `14.12 10am`: a time said beside it makes the pair the day.
                return match[0]
            slashed = f"{first}/{second}"
            raise WhenError(
                f"{_quoted(match[0])} could be a day or a time",
                f"say {slashed} for the day, or {first}:{match['minute']} for the time",
            )
        return f"{match['at'] or ''}{match['hour']}:{match['minute']}{match['half'] or ''}"

    return _dotted_date_read(DOTTED_CLOCK_PATTERN.sub(with_colon, typed))


def _dotted_days_read(typed: str, day_first: bool) -> str:
    """`_dotted_date_read`, of the pairs that are a day and month in the book's order only:
    in a day, `fri 10.15` is Friday (at 10:15, which a day leaves out), where dateutil
    read `10/15` the other way round, as 15 October 2027."""

    def slashed(match: re.Match[str]) -> str:
        first, second = int(match[1]), int(match[2])
        # No year and no dot after it: `fri 10.15` can be a time.
        a_time_too = not (match[3] or match[0].endswith(".")) and len(match[2]) == 2
        day, month = _day_and_month(first, second, day_first, a_time_too and second % 15 == 0)
        if not _is_day_and_month(day, month):
            return match[0]
        return "/".join(filter(None, match.groups()))

    return DOTTED_DATE_PATTERN.sub(slashed, typed)


def _dotted_date_read(typed: str) -> str:
    """The text with each dotted day and month (`DOTTED_DATE_PATTERN`) written with
    slashes."""
    return DOTTED_DATE_PATTERN.sub(lambda match: "/".join(filter(None, match.groups())), typed)


def _split_clock(typed: str) -> tuple[str, re.Match[str] | None]:
    """The text before a time of day that ends it (`3/12 3:30`, `dec 3 at 3`, `at 10`), and
    that time; read here rather than by dateutil, which reads `at 10` as the 10th and knows
    nothing of afternoon hours. Without `at` the minutes are needed: `dec 3` is a date."""
    clock = CLOCK_PATTERN.fullmatch(typed)
    date_text = ""
    if clock is None and (ending := DATE_THEN_CLOCK_PATTERN.fullmatch(typed)):
        date_text, clock = ending["date"], CLOCK_PATTERN.fullmatch(ending["clock"])
    if clock is None or not (clock["at"] or clock["minute"]):
        return typed, None
    return date_text, clock


def _clock_time(clock: re.Match[str]) -> time:
    """The time a `CLOCK_PATTERN` match names, an hour from 1 to 7 typed as one digit in
    the afternoon."""
    hour = int(clock["hour"])
    if len(clock["hour"]) == 1 and hour in AFTERNOON_HOURS:
        hour += 12
    return time(hour, int(clock["minute"] or 0))


# How much of a text that does not read the message repeats.
QUOTED_AT_MOST = 40


def _quoted(text: str) -> str:
    """The text as a message repeats it: quoted, and cut short when it is long."""
    if len(text) > QUOTED_AT_MOST:
        text = text[: QUOTED_AT_MOST - 1] + "…"
    return repr(text)


def _typed_fields(text: str, day_first: bool) -> TypedFields:
    from dateutil import parser

    year_first = YEAR_FIRST_PATTERN.match(text) is not None
    try:
        first, second = _parsed(text, day_first and not year_first, year_first)
    except parser.ParserError as error:
        if day_first or year_first or not str(error).startswith("month must be"):
            raise _not_a_date(text, str(error), day_first) from None
        # A day and month that can only be day first (`14/12`) read so in a book kept
        # month first, as dateutil reads `12/14` month first in a book kept day first.
        try:
            first, second = _parsed(text, True, False)
        except parser.ParserError:
            raise _not_a_date(text, str(error), day_first) from None
    except OverflowError:
        raise WhenError(f"{_quoted(text)} is not a date or time I understand") from None
    if first.tzinfo is not None:
        raise WhenError(f"{_quoted(text)} names a time zone I do not know", ZONE_HINT)
    given = {
        name: getattr(first, name) if getattr(first, name) == getattr(second, name) else None
        for name in TYPED_FIELDS
    }
    return TypedFields(**given)


def _parsed(text: str, day_first: bool, year_first: bool) -> tuple[datetime, datetime]:
    """The text as dateutil reads it against each of the SENTINELS."""
    from dateutil import parser

    first, second = (
        parser.parse(text, default=sentinel, dayfirst=day_first, yearfirst=year_first)
        for sentinel in SENTINELS
    )
    return first, second


# A day of 0 (`0`, `00`, `0/12`), which dateutil finds out of its month's range.
ZERO_DAY_PATTERN = re.compile(r"(?<![\d:.])0+(?![\d:.])")


def _not_a_date(text: str, reason: str, day_first: bool) -> WhenError:
    """What is wrong with a date dateutil could not read: a day past its month's end
    (`31/2`), a month past 12 (`13/13`), or text that is no date (`0`, no day of any
    month)."""
    if reason.startswith("day is out of range") and not ZERO_DAY_PATTERN.search(text):
        return WhenError(f"{_quoted(text)} is a day its month does not have", "type one it has")
    if reason.startswith("month must be"):
        order = (
            "day first: type 3/12 for 3 December"
            if day_first
            else "month first: type 12/3 for 3 December"
        )
        return WhenError(f"{_quoted(text)} has no month from 1 to 12", order)
    return WhenError(f"{_quoted(text)} is not a date or time I understand")


def next_occurrence(month: int, day: int, today: date) -> date:
    """The first month/day on or after today: `3/1` typed in November means next January;
    WhenError for a month/day no year has."""
    for year in range(today.year, today.year + LEAP_SEARCH_YEARS):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise WhenError(f"{day}/{month} is not a date")


def _at(day: date, clock: time, now: datetime) -> datetime:
    """`clock` on `day`, on now's clock. In the hour a clock change repeats it is the first
    pass, or the second once the first has gone: `1:30am` typed at 01:15 on the second
    pass is in 15 minutes, not 45 minutes ago."""
    first = datetime.combine(day, clock, tzinfo=now.tzinfo)
    second = first.replace(fold=1)
    return second if has_passed(first, now) and not has_passed(second, now) else first


def _passed_today(suggestion: str) -> WhenError:
    return WhenError("that time today has passed", f"say {suggestion}")


def _stamp(moment: datetime) -> str:
    return f"{_day_stamp(moment)}, {moment:%H:%M}"


def _day_stamp(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _relative(moment: datetime, now: datetime) -> str:
    days = (moment.date() - now.date()).days
    if days == 0:
        return f"today, {_relative_minutes(moment, now)}"
    return _relative_day(days)


def _relative_day(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def _relative_minutes(moment: datetime, now: datetime) -> str:
    """`in 2 hours`: the time that passes until `moment`, to the minute on the clock (also
    across a clock change: `+2h` at 01:30 on the night the clocks go forward is 04:30)."""
    start = now.replace(second=0, microsecond=0)
    minutes = int(seconds_between(start, moment.replace(second=0, microsecond=0)) // 60)
    if minutes == 0:
        return "now"
    hours, rest = divmod(abs(minutes), 60)
    parts = [_plural(hours, "hour"), _plural(rest, "minute")]
    span = " ".join(part for part in parts if part)
    return f"in {span}" if minutes > 0 else f"{span} ago"


def _plural(count: int, unit: str) -> str:
    if count == 0:
        return ""
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
