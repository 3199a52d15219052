"""Follow-up dates a rep types: what is accepted, what is refused, and how it is confirmed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.dates import WhenError, describe_day, describe_when, parse_when, read_day, read_when

LONDON = ZoneInfo("Europe/London")
# A Wednesday late morning, and a Friday late afternoon.
WEDNESDAY = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)
FRIDAY = datetime(2026, 11, 27, 16, 30, tzinfo=LONDON)


def at(day: str, clock: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


ACCEPTED_ON_WEDNESDAY = [
    ("tomorrow 10am", at("2026-11-26", "10:00")),
    ("tomorrow", at("2026-11-26")),
    ("Tomorrow  at 10:30", at("2026-11-26", "10:30")),
    ("today 4pm", at("2026-11-25", "16:00")),
    ("fri 2pm", at("2026-11-27", "14:00")),
    ("friday", at("2026-11-27")),
    ("next tue", at("2026-12-01")),
    ("next friday 3pm", at("2026-11-27", "15:00")),
    ("wed", at("2026-12-02")),
    ("in 3 days", at("2026-11-28", "11:00")),
    ("in 2 weeks", at("2026-12-09", "11:00")),
    ("in 90 minutes", at("2026-11-25", "12:30")),
    ("in an hour", at("2026-11-25", "12:00")),
    ("+2h", at("2026-11-25", "13:00")),
    ("+30m", at("2026-11-25", "11:30")),
    ("+3d", at("2026-11-28", "11:00")),
    ("in 2 weeks 10am", at("2026-12-09", "10:00")),
    ("in 3 days at 2pm", at("2026-11-28", "14:00")),
    ("+1w eod", at("2026-12-02", "17:00")),
    ("in a month", at("2026-12-25", "11:00")),
    ("in 2 months noon", at("2027-01-25", "12:00")),
    ("in 1 mo 9.30", at("2026-12-25", "09:30")),
    # A part of the day, and a clock in figures after a day word (refused before: `'930'
    # needs a day and a month`, and `3/12 930` was the year 930).
    ("tomorrow morning", at("2026-11-26", "09:00")),
    ("fri afternoon", at("2026-11-27", "14:00")),
    ("this afternoon", at("2026-11-25", "14:00")),
    ("tomorrow pm", at("2026-11-26", "14:00")),
    ("fri 930", at("2026-11-27", "09:30")),
    ("thu 1400", at("2026-11-26", "14:00")),
    ("fri 330", at("2026-11-27", "15:30")),
    # Figures before the day, as a time said first is (`1400 fri` was refused).
    ("1400 fri", at("2026-11-27", "14:00")),
    ("930 tomorrow", at("2026-11-26", "09:30")),
    ("3/12 930", at("2026-12-03", "09:30")),
    # A weekday and a day of the month that cannot be an hour: that day (was refused,
    # `'31' is a day its month does not have`).
    ("thu 31", at("2026-12-31", "09:00")),
    ("fri 25", at("2026-12-25", "09:00")),
    # The coming Friday is the 27th: 10 is no day of a Friday's, so the hour.
    ("fri 10", at("2026-11-27", "10:00")),
    # A day of the month marked as one, or with a time after it: that day, at that time.
    ("thu 26 10am", at("2026-11-26", "10:00")),
    ("mon 30th", at("2026-11-30", "09:00")),
    ("tue 15 2pm", at("2026-12-15", "14:00")),
    ("fri 3 pm", at("2026-11-27", "15:00")),
    # Two lengths of time, added (dateutil read `3 hours` as 03:00).
    ("in 2 days 3 hours", at("2026-11-27", "14:00")),
    ("+1h 30m", at("2026-11-25", "12:30")),
    ("in 1 week and 2 days", at("2026-12-04", "11:00")),
    # Part of an hour, and minutes after hours without their unit: refused before, `in 1.5
    # hours` quoted as `in 1/5 hours` and `in 2 hours 30` as a day its month lacks.
    ("in 1.5 hours", at("2026-11-25", "12:30")),
    ("+1.5h", at("2026-11-25", "12:30")),
    ("in half an hour", at("2026-11-25", "11:30")),
    ("in 2 hours 30", at("2026-11-25", "13:30")),
    ("in 2h30", at("2026-11-25", "13:30")),
    ("+1h15", at("2026-11-25", "12:15")),
    # A decimal comma, and a clock named after hours and minutes.
    ("in 1,5 hours", at("2026-11-25", "12:30")),
    ("in 2h30 my time", at("2026-11-25", "13:30")),
    # `and a half` said as a rep says it (refused before, as a date it did not know).
    ("in an hour and a half", at("2026-11-25", "12:30")),
    ("in 2 hours and a half", at("2026-11-25", "13:30")),
    ("in an hour and a quarter", at("2026-11-25", "12:15")),
    # Quarters of an hour (refused before: `'quarters' is not a unit`).
    ("in an hour and three quarters", at("2026-11-25", "12:45")),
    ("in two hours and three quarters", at("2026-11-25", "13:45")),
    ("in a quarter of an hour", at("2026-11-25", "11:15")),
    ("in three quarters of an hour", at("2026-11-25", "11:45")),
    # A count in words (refused before: `'in two hours' is not a date or time`).
    ("in two hours", at("2026-11-25", "13:00")),
    ("in ten minutes", at("2026-11-25", "11:10")),
    ("in forty-five minutes", at("2026-11-25", "11:45")),
    ("in a couple of hours", at("2026-11-25", "13:00")),
    ("in three days", at("2026-11-28", "11:00")),
    ("in two weeks at 10am", at("2026-12-09", "10:00")),
    ("in two and a half hours", at("2026-11-25", "13:30")),
    ("in 2 and a half hours", at("2026-11-25", "13:30")),
    ("2026-12-03 14:30", at("2026-12-03", "14:30")),
    ("2026-12-03", at("2026-12-03")),
    ("3/12", at("2026-12-03")),
    ("3/12 15:00", at("2026-12-03", "15:00")),
    ("3 dec", at("2026-12-03")),
    ("dec 3 2pm", at("2026-12-03", "14:00")),
    ("noon", at("2026-11-25", "12:00")),
    ("tomorrow noon", at("2026-11-26", "12:00")),
    ("eod", at("2026-11-25", "17:00")),
    ("tomorrow eod", at("2026-11-26", "17:00")),
    ("14:30", at("2026-11-25", "14:30")),
    ("2pm", at("2026-11-25", "14:00")),
    ("3/1", at("2027-01-03")),
    ("29/2", at("2028-02-29")),
]


@pytest.mark.parametrize(("typed", "expected"), ACCEPTED_ON_WEDNESDAY)
def test_accepted_forms_give_the_exact_moment(typed: str, expected: datetime) -> None:
    moment = parse_when(typed, WEDNESDAY)
    assert moment == expected
    assert moment.tzinfo is LONDON


ACCEPTED_ON_FRIDAY = [
    ("tomorrow", at("2026-11-28")),
    ("mon", at("2026-11-30")),
    ("fri 2pm", at("2026-12-04", "14:00")),
    ("eod", at("2026-11-27", "17:00")),
    ("5pm", at("2026-11-27", "17:00")),
    ("in 90 minutes", at("2026-11-27", "18:00")),
]


@pytest.mark.parametrize(("typed", "expected"), ACCEPTED_ON_FRIDAY)
def test_accepted_forms_late_on_a_friday(typed: str, expected: datetime) -> None:
    assert parse_when(typed, FRIDAY) == expected


@pytest.mark.parametrize(
    ("typed", "day_first", "expected"),
    [
        ("3/12", True, at("2026-12-03")),
        ("3/12", False, at("2027-03-12")),
        ("3/12 15:00", False, at("2027-03-12", "15:00")),
        ("2026-12-03", False, at("2026-12-03")),
    ],
)
def test_day_first_setting_decides_slashed_dates(
    typed: str, day_first: bool, expected: datetime
) -> None:
    assert parse_when(typed, WEDNESDAY, day_first=day_first) == expected


@pytest.mark.parametrize(
    ("typed", "day_first", "expected"),
    [
        # Only day first can be a date: read so in a book kept month first, as a book kept
        # day first reads one only month first can be (they were refused, `no month from
        # 1 to 12`).
        ("14/12 3pm", False, at("2026-12-14", "15:00")),
        ("25.12", False, at("2026-12-25")),
        ("14.12.", False, at("2026-12-14")),
        ("25/12/2026", False, at("2026-12-25")),
        ("12/14 3pm", True, at("2026-12-14", "15:00")),
        ("12.14.", True, at("2026-12-14")),
    ],
)
def test_a_day_and_month_in_the_only_order_they_can_be_is_read_so(
    typed: str, day_first: bool, expected: datetime
) -> None:
    assert parse_when(typed, WEDNESDAY, day_first=day_first) == expected
    assert read_day(typed, WEDNESDAY, day_first=day_first) == expected.date()


@pytest.mark.parametrize("day_first", [True, False])
def test_no_order_makes_a_month_of_13(day_first: bool) -> None:
    with pytest.raises(WhenError, match="'13/13' has no month from 1 to 12"):
        parse_when("13/13", WEDNESDAY, day_first=day_first)


def test_calling_start_and_end_of_day_come_from_the_caller() -> None:
    kwargs = {"calling_start": time(8, 30), "end_of_day": time(18, 15)}
    assert parse_when("tomorrow", WEDNESDAY, **kwargs) == at("2026-11-26", "08:30")
    assert parse_when("eod", WEDNESDAY, **kwargs) == at("2026-11-25", "18:15")


def test_result_is_to_the_minute() -> None:
    now = WEDNESDAY.replace(second=45, microsecond=123)
    assert parse_when("+30m", now) == at("2026-11-25", "11:30")


def test_hours_are_elapsed_time_across_a_clock_change() -> None:
    # 00:30 BST; the clocks go back at 02:00 BST, so two hours later reads 01:30 GMT.
    before_change = datetime(2026, 10, 25, 0, 30, tzinfo=LONDON)
    moment = parse_when("+2h", before_change)
    assert moment.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert parse_when("in 1 day", before_change).astimezone(UTC) == datetime(
        2026, 10, 26, 0, 30, tzinfo=UTC
    )


def test_fixed_offset_now_keeps_its_offset() -> None:
    plus_one = timezone(timedelta(hours=1))
    now = datetime(2026, 11, 25, 11, 0, tzinfo=plus_one)
    assert parse_when("tomorrow 10am", now) == datetime(2026, 11, 26, 10, 0, tzinfo=plus_one)


REFUSED_ON_WEDNESDAY = [
    ("asdf", "not a date or time"),
    ("", "nothing was typed"),
    ("   ", "nothing was typed"),
    ("banana 3", "not a date or time"),
    ("next", "does not say which day"),
    ("call5", "not a date or time"),
    ("32/13", "not a date or time"),
    ("yesterday", "'yesterday' is in the past; say a day to come"),
    ("yesterday 3pm", "is in the past"),
    ("2 days ago", "is in the past"),
    ("last tue", "is in the past"),
    ("last week", "is in the past"),
    ("in -2 days", "'in -2 days' is in the past"),
    ("-1h", "is in the past"),
    # A day its month does not have, or a month past 12: said so, not "not a date".
    ("31/2", "'31/2' is a day its month does not have; type one it has"),
    ("31/4", "'31/4' is a day its month does not have"),
    ("feb 30 3pm", "is a day its month does not have"),
    ("29/2/2027", "is a day its month does not have"),
    ("13/13", "'13/13' has no month from 1 to 12; day first: type 3/12 for 3 December"),
    # No month has a day 0: `0` does not read (it was `a day its month does not have`).
    ("0", "'0' is not a date or time I understand; try tomorrow 10am"),
    ("00", "'00' is not a date or time I understand"),
    ("0/12", "'0/12' is not a date or time I understand"),
    ("2020-01-01", "Wed 1 Jan 2020, 09:00 is in the past"),
    ("9am", "that time today has passed; say tomorrow 9am"),
    ("today 10:59", "that time today has passed; say tomorrow 10:59"),
    ("11:00", "that time today has passed"),
    ("3", "needs a day and a month"),
    ("dec", "needs a day and a month"),
    ("2026", "needs a day and a month"),
    # dateutil dropped the weekday: `3 dec fri` was Thursday the 3rd without a word.
    ("fri 3 dec", "3 Dec is a Thursday, not a Friday; say the day or the date alone"),
    ("3/12 fri 2pm", "3 Dec is a Thursday, not a Friday"),
    ("10am z", "names a time zone"),
    ("+5x", "'x' is not a unit"),
    ("in 0 minutes", "in the past"),
    ("in 2 hours 3pm", "gives a time twice"),
    ("in 2 hours blah", "not a date or time"),
    # dateutil took the last of the two.
    ("tomorrow 10am 3pm", "gives a time twice"),
    ("in 3 days 10am 3pm", "gives a time twice"),
    ("in 3 days fri", "is not a time of day"),
    ("in 0 days 10am", "is in the past"),
    ("in 99999999 days", "too far ahead"),
    # A thousands comma is no decimal point: `in 1,000 hours` was an hour.
    ("in 1,000 hours", "'in 1,000 hours' is not a date or time I understand"),
    # A part of a day, week or month has no wall-clock time to keep.
    ("in 1.5 days", "'in 1.5 days' is not a whole number of days; say in 1 day or in 2 days"),
    # Quoted as typed, not as the figures the words were read as (`'in 2.5 days'`).
    (
        "in two and a half days",
        "'in two and a half days' is not a whole number of days; say in 2 days or in 3 days",
    ),
    ("in 1,5 days", "'in 1,5 days' is not a whole number of days; say in 1 day or in 2 days"),
    ("this morning", "that time today has passed; say tomorrow morning"),
    # A day of the month on that weekday, or an hour on the coming one: asked (`tue 15` was
    # 15:00 on Tuesday 1 December, a week before the 15th).
    (
        "tue 15",
        "'tue 15' could be Tue 15 Dec or 15:00 on Tue 1 Dec; say 15 Dec for the day, or Tue"
        " 15:00 for the time",
    ),
    ("mon 1412", "'mon 1412' could be Mon 14 Dec or a time; say 14/12 for the day"),
    # The coming Tuesday is the 1st: `tue 1` was 13:00 that day, with no question.
    ("tue 1", "'tue 1' could be Tue 1 Dec or 13:00 that day; say 1 Dec for the day"),
    (
        "in a day and a half",
        "'in a day and a half' is not a whole number of days; say in 1 day or in 2 days",
    ),
    ("in 2.5 weeks 10am", "'in 2.5 weeks' is not a whole number of weeks"),
    ("in 0.5 min", "'in 0.5 min' is not a whole number of minutes; say in 1 minute"),
    ("31/12/9999 23:00", "Fri 31 Dec 9999, 23:00 is too far ahead"),
]


@pytest.mark.parametrize(("typed", "reason"), REFUSED_ON_WEDNESDAY)
def test_refused_forms_say_why_in_one_line(typed: str, reason: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(typed, WEDNESDAY)
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message
    assert "try " in message or "say " in message or "use " in message or "type " in message


def test_a_month_on_from_a_day_the_next_month_lacks_is_its_last_day() -> None:
    january_31 = datetime(2027, 1, 31, 10, 0, tzinfo=LONDON)
    assert parse_when("in a month 2pm", january_31) == at("2027-02-28", "14:00")


def test_unreadable_text_lists_forms_that_work() -> None:
    with pytest.raises(WhenError, match=r"try tomorrow 10am, fri 2pm, .*3/12"):
        parse_when("asdf", WEDNESDAY)


# A Monday late morning: `next tue` is tomorrow, next week's Tuesday is 8 Dec.
MONDAY = datetime(2026, 11, 30, 11, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("next week tue 10am", at("2026-12-08", "10:00")),
        ("tue next week 10am", at("2026-12-08", "10:00")),
        ("Tuesday next week", at("2026-12-08")),
        ("next week mon", at("2026-12-07")),
        ("next week sun 2pm", at("2026-12-13", "14:00")),
        ("fri next week eod", at("2026-12-11", "17:00")),
        ("next tue", at("2026-12-01")),
    ],
)
def test_a_weekday_of_next_week_is_in_the_monday_to_sunday_week_after_this(
    typed: str, expected: datetime
) -> None:
    assert parse_when(typed, MONDAY) == expected


def test_next_week_from_a_sunday_is_the_week_starting_the_next_day() -> None:
    sunday = datetime(2026, 11, 29, 11, 0, tzinfo=LONDON)
    assert parse_when("next week tue 10am", sunday) == at("2026-12-01", "10:00")
    assert parse_when("next week sun", sunday) == at("2026-12-06")


@pytest.mark.parametrize("typed", ["next week", "next week 10am", "next week foo", "foo next week"])
@pytest.mark.parametrize("day_first", [True, False])
def test_next_without_a_weekday_suggests_only_phrases_for_the_same_day(
    typed: str, day_first: bool
) -> None:
    for days in range(7):  # from every day of the week
        now = MONDAY + timedelta(days=days)
        with pytest.raises(WhenError, match="does not say which day") as caught:
            parse_when(typed, now, day_first=day_first)
        hint = str(caught.value).split("; say ")[1]
        phrases = hint.split(" or ")
        assert phrases[0] == "tue next week"
        days_meant = {parse_when(phrase, now, day_first=day_first).date() for phrase in phrases}
        assert len(days_meant) == 1
        (day,) = days_meant
        assert day.weekday() == 1 and 1 < (day - now.date()).days <= 8
    if day_first:
        with pytest.raises(WhenError, match="say tue next week or 8/12"):
            parse_when(typed, MONDAY)


def test_eod_after_end_of_day_is_refused() -> None:
    evening = datetime(2026, 11, 25, 17, 30, tzinfo=LONDON)
    with pytest.raises(WhenError, match="say tomorrow eod"):
        parse_when("eod", evening)


@given(st.text(max_size=30))
def test_any_text_gives_a_future_minute_or_a_when_error(typed: str) -> None:
    try:
        moment = parse_when(typed, WEDNESDAY)
    except WhenError:
        return
    assert moment > WEDNESDAY
    assert (moment.second, moment.microsecond) == (0, 0)


@given(
    st.lists(
        st.sampled_from(
            [
                "next",
                "in",
                "+",
                "3",
                "12",
                "/",
                ":",
                "pm",
                "am",
                "dec",
                "fri",
                "today",
                "tomorrow",
                "noon",
                "eod",
                "days",
                "h",
                "2026",
                "-",
                "at",
                "0",
                "31",
                "99",
            ]
        ),
        max_size=5,
    )
)
def test_word_salad_gives_a_future_minute_or_a_when_error(words: list[str]) -> None:
    try:
        moment = parse_when(" ".join(words), WEDNESDAY)
    except WhenError:
        return
    assert moment > WEDNESDAY


@pytest.mark.parametrize(
    ("moment", "prospect_tz", "expected"),
    [
        (at("2026-12-04", "14:00"), None, "Fri 4 Dec 2026, 14:00 (in 9 days)"),
        (at("2026-11-25", "14:00"), None, "Wed 25 Nov 2026, 14:00 (today, in 3 hours)"),
        (at("2026-11-25", "12:30"), None, "Wed 25 Nov 2026, 12:30 (today, in 1 hour 30 minutes)"),
        (at("2026-11-25", "11:45"), None, "Wed 25 Nov 2026, 11:45 (today, in 45 minutes)"),
        (at("2026-11-26", "10:00"), None, "Thu 26 Nov 2026, 10:00 (tomorrow)"),
        (
            at("2026-11-26", "13:00"),
            "America/New_York",
            "Thu 26 Nov 2026, 13:00 (tomorrow), 08:00 their time",
        ),
        (
            at("2026-11-26", "16:00"),
            "Asia/Tokyo",
            "Thu 26 Nov 2026, 16:00 (tomorrow), Fri 01:00 their time",
        ),
        (at("2026-11-26", "13:00"), "Europe/Lisbon", "Thu 26 Nov 2026, 13:00 (tomorrow)"),
        (at("2026-11-26", "13:00"), "Not/AZone", "Thu 26 Nov 2026, 13:00 (tomorrow)"),
        (at("2026-11-24", "13:00"), None, "Tue 24 Nov 2026, 13:00 (yesterday)"),
    ],
)
def test_describe_when_confirms_the_moment(
    moment: datetime, prospect_tz: str | None, expected: str
) -> None:
    assert describe_when(moment, WEDNESDAY, prospect_tz) == expected


def test_describe_when_shows_the_reps_clock_for_a_moment_in_another_zone() -> None:
    moment = datetime(2026, 11, 26, 8, 0, tzinfo=ZoneInfo("America/New_York"))
    assert describe_when(moment, WEDNESDAY) == "Thu 26 Nov 2026, 13:00 (tomorrow)"


def test_parsed_moment_reads_back_as_typed() -> None:
    moment = parse_when("fri 2pm", WEDNESDAY)
    assert describe_when(moment, WEDNESDAY) == "Fri 27 Nov 2026, 14:00 (in 2 days)"


@pytest.mark.parametrize(
    ("moment", "prospect_tz", "expected"),
    [
        # UTC+14: 13:00 on the rep's Thursday is already 03:00 on Friday there.
        (
            at("2026-11-26", "13:00"),
            "Pacific/Kiritimati",
            "Thu 26 Nov 2026, 13:00 (tomorrow), Fri 03:00 their time",
        ),
        # UTC-11: 09:00 on the rep's Thursday is still 22:00 on Wednesday there.
        (
            at("2026-11-26", "09:00"),
            "Pacific/Pago_Pago",
            "Thu 26 Nov 2026, 09:00 (tomorrow), Wed 22:00 their time",
        ),
        # The same zones on the rep's date show only the clock.
        (
            at("2026-11-26", "08:00"),
            "Pacific/Kiritimati",
            "Thu 26 Nov 2026, 08:00 (tomorrow), 22:00 their time",
        ),
        (
            at("2026-11-26", "12:00"),
            "Pacific/Pago_Pago",
            "Thu 26 Nov 2026, 12:00 (tomorrow), 01:00 their time",
        ),
    ],
)
def test_describe_when_names_their_weekday_across_the_date_line(
    moment: datetime, prospect_tz: str, expected: str
) -> None:
    assert describe_when(moment, WEDNESDAY, prospect_tz) == expected


# --- Clock changes -------------------------------------------------------------------------

NEW_YORK = ZoneInfo("America/New_York")
# The Saturday afternoon before clocks go forward: on Sunday 8 March 2026, 02:00 becomes 03:00.
BEFORE_SPRING_FORWARD = datetime(2026, 3, 7, 15, 0, tzinfo=NEW_YORK)


@pytest.mark.parametrize("zone", [NEW_YORK, tz.gettz("America/New_York")], ids=["zoneinfo", "tz"])
def test_a_time_the_clocks_skip_moves_to_the_first_that_exists_and_says_so(zone: tzinfo) -> None:
    now = BEFORE_SPRING_FORWARD.replace(tzinfo=zone)
    when = read_when("tomorrow 2:30am", now)
    assert when.moment.astimezone(UTC) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 03:00 EDT
    assert parse_when("tomorrow 2:30am", now) == when.moment
    assert describe_when(when.moment, now, skipped=when.skipped) == (
        "02:30 does not exist on 8 March (clocks go forward): Sun 8 Mar 2026, 03:00 (tomorrow)"
    )


def test_a_time_that_exists_on_the_clock_change_day_is_kept() -> None:
    when = read_when("tomorrow 1:30am", BEFORE_SPRING_FORWARD)
    assert when.skipped is None
    assert when.moment.astimezone(UTC) == datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
    assert describe_when(when.moment, BEFORE_SPRING_FORWARD) == "Sun 8 Mar 2026, 01:30 (tomorrow)"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # A day alone: the start of calling hours on their clock, 14:00 in London.
        ("fri", at("2026-11-27", "14:00")),
        ("30/11", at("2026-11-30", "14:00")),
        ("tue next week", at("2026-12-01", "14:00")),
        # Today's 09:00 in New York is still to come at 11:00 in London.
        ("today", at("2026-11-25", "14:00")),
        # A time typed, or a clock named, is as typed.
        ("fri 10am", at("2026-11-27", "10:00")),
        # With a space before am or pm it is the same time: `fri 10 am` was 10:00 their
        # time, as if `am` were their morning, and `tomorrow 9 am` their tomorrow.
        ("fri 10 am", at("2026-11-27", "10:00")),
        ("fri 3 pm", at("2026-11-27", "15:00")),
        ("fri 10:30 am", at("2026-11-27", "10:30")),
        ("4 pm fri", at("2026-11-27", "16:00")),
        ("tomorrow 9 am", at("2026-11-26", "09:00")),
        ("fri my time", at("2026-11-27", "09:00")),
        ("in 2 days", at("2026-11-27", "11:00")),
        # A part of the day is theirs as well: `tomorrow afternoon` was 14:00 London, 09:00
        # their time, their morning, where `tomorrow morning` was their 09:00.
        ("tomorrow morning", at("2026-11-26", "14:00")),
        ("tomorrow afternoon", at("2026-11-26", "19:00")),
        ("fri pm", at("2026-11-27", "19:00")),
        ("fri afternoon my time", at("2026-11-27", "14:00")),
    ],
)
def test_a_day_without_a_time_is_at_the_start_of_their_calling_hours(
    typed: str, expected: datetime
) -> None:
    """`fri` for a New York prospect, typed in London, was 09:00 London: 04:00 their time,
    which the callback's warning said, and the calendar event carried."""
    assert read_when(typed, WEDNESDAY, prospect_tz="America/New_York").moment == expected


def test_today_once_their_calling_hours_have_begun_has_passed_there() -> None:
    """At 08:00 in London it is 19:00 in Sydney: `today` was the rep's 09:00, 20:00 their
    time, the evening of a day whose calling hours had passed there."""
    early = WEDNESDAY.replace(hour=8)
    with pytest.raises(WhenError, match="that time today has passed; say tomorrow their time"):
        read_when("today", early, prospect_tz="Australia/Sydney")
    # Where it is still to come there, it is theirs: 09:00 in New York is 14:00 here.
    assert read_when("today", early, prospect_tz="America/New_York").moment == at(
        "2026-11-25", "14:00"
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # The end of their business day: `eod` for New York, typed in London, was 17:00
        # London, 12:00 their time.
        ("eod", at("2026-11-25", "22:00")),
        ("EOD", at("2026-11-25", "22:00")),
        ("end of day", at("2026-11-25", "22:00")),
        ("COB", at("2026-11-25", "22:00")),
        ("Close of Business", at("2026-11-25", "22:00")),
        ("tomorrow eod", at("2026-11-26", "22:00")),
        ("fri cob", at("2026-11-27", "22:00")),
        ("end of day fri", at("2026-11-27", "22:00")),
        ("eod my time", at("2026-11-25", "17:00")),
    ],
)
def test_the_end_of_the_day_is_theirs(typed: str, expected: datetime) -> None:
    assert read_when(typed, WEDNESDAY, prospect_tz="America/New_York").moment == expected


@pytest.mark.parametrize("typed", ["end of day", "cob", "close of business"])
def test_the_end_of_the_day_said_in_words_is_eod(typed: str) -> None:
    assert parse_when(typed, WEDNESDAY) == parse_when("eod", WEDNESDAY)
    assert parse_when(f"tomorrow {typed}", WEDNESDAY) == at("2026-11-26", "17:00")


def test_eod_passed_on_their_clock_is_refused() -> None:
    """At 22:30 in London it is 17:30 in New York: their business day has ended."""
    evening = WEDNESDAY.replace(hour=22, minute=30)
    with pytest.raises(WhenError, match="that time today has passed; say tomorrow eod their"):
        read_when("cob", evening, prospect_tz="America/New_York")
    # At 17:30 in London, theirs is still to come.
    later = read_when("eod", WEDNESDAY.replace(hour=17, minute=30), prospect_tz="America/New_York")
    assert later.moment == at("2026-11-25", "22:00")


def test_a_moment_passed_on_their_clock_is_named_on_it() -> None:
    """`4/12` for Los Angeles, typed in Tokyo on Saturday: `Sat 5 Dec 2026, 02:00 is in the
    past` named a day and time nobody typed."""
    tokyo = datetime(2026, 12, 5, 13, 40, tzinfo=ZoneInfo("Asia/Tokyo"))
    with pytest.raises(WhenError, match=r"^Fri 4 Dec 2026, 09:00 their time is in the past"):
        read_when("4/12", tokyo, prospect_tz="America/Los_Angeles")


# --- days without a time: a proposal's expected close, a revisit -------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", date(2026, 11, 25)),
        ("tomorrow", date(2026, 11, 26)),
        ("fri", date(2026, 11, 27)),
        ("next tue 3pm", date(2026, 12, 1)),
        ("in 3 weeks", date(2026, 12, 16)),
        ("3/12", date(2026, 12, 3)),
        ("2026-12-03", date(2026, 12, 3)),
        ("25/11", date(2026, 11, 25)),
        ("25/11/2026 8am", date(2026, 11, 25)),
        ("3/1", date(2027, 1, 3)),
        # A dotted pair after a day word: the date when it is one in the book's order, else
        # a time, which a day leaves out. `fri 10.15` was 15 October 2027.
        ("fri 10.15", date(2026, 11, 27)),
        ("tomorrow 9.30", date(2026, 11, 26)),
        ("mon 14.12", date(2026, 12, 14)),
        ("3.12", date(2026, 12, 3)),
        # A weekday and a bare number: the day of the month, which no day's field has an
        # hour to be (`tue 15` was the coming Tuesday, the 1st, the number dropped).
        ("tue 15", date(2026, 12, 15)),
        ("next mon 14", date(2026, 12, 14)),
        ("thu 31", date(2026, 12, 31)),
    ],
)
def test_a_day_reads_as_the_date_today_included(typed: str, expected: date) -> None:
    # Late in the evening, when every time of day today has passed: the day is still to come.
    evening = WEDNESDAY.replace(hour=22)
    assert read_day(typed, evening) == expected


def test_a_day_follows_the_day_first_setting() -> None:
    assert read_day("3/12", WEDNESDAY, day_first=False) == date(2027, 3, 12)


@pytest.mark.parametrize(
    ("typed", "refused"),
    [
        ("24/11/2026", "Tue 24 Nov 2026 is in the past; say today or a later day"),
        ("2026-01-01", "Thu 1 Jan 2026 is in the past"),
        ("someday", "'someday' is not a date or time I understand"),
        ("someday " * 40, "'someday someday someday someday someday…' is not a date or time"),
        ("", "nothing was typed"),
        ("1/1/2040", "too far ahead"),
        # Read as the date 1 May before: `in 1/5 months` was no date or time.
        ("in 1.5 months", "'in 1.5 months' is not a whole number of months"),
        # Hours, however written, are no day: `in 2h30` was today.
        ("in 2h30", "'in 2h30' is hours from now, not a day"),
        ("in 1,5 hours", "'in 1,5 hours' is hours from now, not a day"),
        ("tue 24", "'tue 24': no Tuesday the 24th in the weeks ahead; say the date"),
    ],
)
def test_a_day_in_the_past_or_that_does_not_read_is_refused(typed: str, refused: str) -> None:
    with pytest.raises(WhenError, match=re.escape(refused)):
        read_day(typed, WEDNESDAY)


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (date(2026, 11, 25), "Wed 25 Nov 2026 (today)"),
        (date(2026, 11, 26), "Thu 26 Nov 2026 (tomorrow)"),
        (date(2026, 12, 16), "Wed 16 Dec 2026 (in 21 days)"),
    ],
)
def test_a_day_is_read_back_with_how_far_off_it_is(day: date, shown: str) -> None:
    assert describe_day(day, WEDNESDAY.date()) == shown


NEW_YORK = "America/New_York"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tomorrow at 10", at("2026-12-01", "10:00")),
        ("tmrw 10", at("2026-12-01", "10:00")),
        ("at 16", at("2026-11-30", "16:00")),
        # 10am in New York is 15:00 in London.
        ("10am their time", at("2026-11-30", "15:00")),
        ("tomorrow 9 their time", at("2026-12-01", "14:00")),
        ("3pm my time", at("2026-11-30", "15:00")),
        # 2pm CET is 13:00 in London; EST means New York's clock.
        ("fri 2pm CET", at("2026-12-04", "13:00")),
        ("fri 2pm est", at("2026-12-04", "19:00")),
        ("fri 2pm Europe/Paris", at("2026-12-04", "13:00")),
    ],
)
def test_dates_as_people_say_them(typed: str, expected: datetime) -> None:
    assert read_when(typed, MONDAY, prospect_tz=NEW_YORK).moment == expected


def test_their_time_needs_their_zone() -> None:
    with pytest.raises(WhenError, match="their time zone is not known"):
        read_when("10am their time", MONDAY, prospect_tz=None)


def test_a_time_passed_in_their_zone_suggests_tomorrow_in_their_zone() -> None:
    with pytest.raises(WhenError, match="say tomorrow 5am their time"):
        read_when("5am their time", MONDAY, prospect_tz=NEW_YORK)


def test_next_weekday_still_in_this_week_offers_next_weeks_too() -> None:
    when = read_when("next tue 2pm", MONDAY)
    assert (when.moment, when.other) == (at("2026-12-01", "14:00"), at("2026-12-08", "14:00"))
    flipped = read_when("next tue 2pm", MONDAY, other_week=True)
    assert (flipped.moment, flipped.other) == (when.other, when.moment)
    # From Wednesday, the next Tuesday is in next week already: one day only.
    assert read_when("next tue", WEDNESDAY).other is None
    assert read_when("tue", MONDAY).other is None


# A rep books calls in working hours: "at 3" means 15:00 (MONDAY is 30 Nov, 11:00).
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tomorrow at 3", at("2026-12-01", "15:00")),
        ("fri at 4", at("2026-12-04", "16:00")),
        ("tmrw 5", at("2026-12-01", "17:00")),
        ("tomorrow 1", at("2026-12-01", "13:00")),
        ("tomorrow 7:59", at("2026-12-01", "19:59")),
        ("tomorrow 3:30", at("2026-12-01", "15:30")),
        ("at 3", at("2026-11-30", "15:00")),
        ("@3", at("2026-11-30", "15:00")),
        ("3:30", at("2026-11-30", "15:30")),
        ("at 3:30", at("2026-11-30", "15:30")),
        ("3/12 3:30", at("2026-12-03", "15:30")),
        ("dec 3 at 3", at("2026-12-03", "15:00")),
        ("2026-12-03 4:15", at("2026-12-03", "16:15")),
        # 2:30 in New York is 19:30 in London.
        ("tomorrow 2:30 EST", at("2026-12-01", "19:30")),
    ],
)
def test_an_hour_from_1_to_7_without_am_or_pm_is_in_the_afternoon(
    typed: str, expected: datetime
) -> None:
    assert read_when(typed, MONDAY).moment == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tomorrow 3am", at("2026-12-01", "03:00")),
        ("tomorrow 3 am", at("2026-12-01", "03:00")),
        ("tomorrow 03:00", at("2026-12-01", "03:00")),
        ("tomorrow 03", at("2026-12-01", "03:00")),
        ("tomorrow at 07:30", at("2026-12-01", "07:30")),
        ("2026-12-03 03:30", at("2026-12-03", "03:30")),
        ("tomorrow 0:30", at("2026-12-01", "00:30")),
        ("tomorrow 8", at("2026-12-01", "08:00")),
        ("tomorrow 12", at("2026-12-01", "12:00")),
        ("tomorrow 3pm", at("2026-12-01", "15:00")),
        ("tomorrow 15:00", at("2026-12-01", "15:00")),
        ("tomorrow 19:30", at("2026-12-01", "19:30")),
        ("dec 3", at("2026-12-03", "09:00")),
    ],
)
def test_am_a_leading_zero_or_an_hour_past_7_keeps_the_hour_as_typed(
    typed: str, expected: datetime
) -> None:
    assert read_when(typed, MONDAY).moment == expected


def test_an_afternoon_hour_that_has_passed_suggests_tomorrow_at_it() -> None:
    evening = MONDAY.replace(hour=16)
    with pytest.raises(WhenError, match="say tomorrow 3:30"):
        read_when("at 3:30", evening)
    assert read_when("tomorrow 3:30", evening).moment == at("2026-12-01", "15:30")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        # As 1pm late on a Friday: refused, where noon quietly meant Saturday's.
        ("noon", "that time today has passed; say tomorrow noon"),
        ("next month", "does not say which day; say 27/12 or in a month"),
        ("this month", "does not say which day; say eom for its last day"),
        # Tomorrow is Saturday.
        ("this fri 3pm", "that time today has passed; say fri next week 3pm"),
    ],
)
def test_refused_late_on_a_friday(typed: str, reason: str) -> None:
    with pytest.raises(WhenError, match=reason):
        parse_when(typed, FRIDAY)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("this fri 6pm", at("2026-11-27", "18:00")),
        ("this mon", at("2026-11-30")),
        ("mon 9.30", at("2026-11-30", "09:30")),
        # The minutes with am or pm were lost: 09:00.
        ("mon 9.30am", at("2026-11-30", "09:30")),
        ("mon 2.15pm", at("2026-11-30", "14:15")),
        ("tomorrow 9.30 am", at("2026-11-28", "09:30")),
        # An hour from 1 to 7 in the afternoon, as with a colon.
        ("mon 4.45", at("2026-11-30", "16:45")),
        ("mon at 9.30", at("2026-11-30", "09:30")),
        ("eom", at("2026-11-30")),
        ("end of month", at("2026-11-30")),
        ("eom 3pm", at("2026-11-30", "15:00")),
        ("end of the month at noon", at("2026-11-30", "12:00")),
        ("month end eod", at("2026-11-30", "17:00")),
        ("last day of the month 2pm", at("2026-11-30", "14:00")),
        ("the last day of the month", at("2026-11-30")),
        ("last day of month", at("2026-11-30")),
    ],
)
def test_this_weekday_a_dotted_time_and_the_months_end_late_on_a_friday(
    typed: str, expected: datetime
) -> None:
    assert parse_when(typed, FRIDAY) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Without a day word the minutes were lost: 16:00, 14:00, 10:00.
        ("4.30pm", at("2026-11-25", "16:30")),
        ("2.15 pm", at("2026-11-25", "14:15")),
        ("at 4.30pm", at("2026-11-25", "16:30")),
        ("11.15a.m.", at("2026-11-25", "11:15")),
        # No day and month can be these: times, as with a colon.
        ("16.30", at("2026-11-25", "16:30")),
        ("4.45", at("2026-11-25", "16:45")),
        ("at 3.12", at("2026-11-25", "15:12")),
        # A day and month with dots, as much of Europe writes them.
        ("25.12", at("2026-12-25")),
        ("25.12.2026 at 3", at("2026-12-25", "15:00")),
        ("3.12.26 4.30pm", at("2026-12-03", "16:30")),
    ],
)
def test_a_dotted_time_without_a_day_word_keeps_its_minutes(typed: str, expected: datetime) -> None:
    assert parse_when(typed, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Typed on a Wednesday: `2pm fri` was booked for today at 14:00, its day dropped.
        ("2pm fri", at("2026-11-27", "14:00")),
        ("10am tue", at("2026-12-01", "10:00")),
        ("at 3 on friday", at("2026-11-27", "15:00")),
        ("4.30pm thu", at("2026-11-26", "16:30")),
        ("noon tomorrow", at("2026-11-26", "12:00")),
        ("3pm tomorrow", at("2026-11-26", "15:00")),
        ("10am next tue", at("2026-12-01", "10:00")),
        ("9:30 tue next week", at("2026-12-01", "09:30")),
        ("3pm today", at("2026-11-25", "15:00")),
        # A time before a date: `at 3 on dec 30` was 3 December 2030.
        ("at 3 on dec 30", at("2026-12-30", "15:00")),
        ("at 3 on 28 dec", at("2026-12-28", "15:00")),
        ("at 3 on 25/12", at("2026-12-25", "15:00")),
        ("at 10 14 dec", at("2026-12-14", "10:00")),
        ("at 9 on 15 mar 2027", at("2027-03-15", "09:00")),
        ("at 2 on fri 4 dec", at("2026-12-04", "14:00")),
        ("at 4.30 on 28 dec", at("2026-12-28", "16:30")),
        ("at 3 on 14.12", at("2026-12-14", "15:00")),
        ("4pm, fri", at("2026-11-27", "16:00")),
        ("tomorrow at noon", at("2026-11-26", "12:00")),
        ("fri @ 3pm", at("2026-11-27", "15:00")),
        ("thurs 3pm", at("2026-11-26", "15:00")),
        ("tues", at("2026-12-01")),
        ("weds 10am", at("2026-12-02", "10:00")),
        # After a weekday, a dotted pair that is a date on that weekday, with a time after
        # it or the dot that ends a date: the day.
        ("fri 4.12 10am", at("2026-12-04", "10:00")),
        ("fri 4.12.", at("2026-12-04")),
        ("mon 9.30", at("2026-11-30", "09:30")),
        # A weekday with the date it falls on.
        ("fri 4 dec", at("2026-12-04")),
        ("friday 4/12 at 2", at("2026-12-04", "14:00")),
        ("4 dec fri 10am", at("2026-12-04", "10:00")),
    ],
)
def test_a_time_said_before_its_day_is_on_that_day(typed: str, expected: datetime) -> None:
    assert parse_when(typed, WEDNESDAY) == expected


SATURDAY = datetime(2026, 12, 5, 10, 45, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        # Read as a time on the next such weekday, without a word.
        ("tue, 15.12", "'15.12' could be Tue 15 Dec or a time"),
        ("friday, 18.12", "'18.12' could be Fri 18 Dec or a time"),
        ("tomorrow 14.12", "'14.12' could be 14 Dec or a time"),
        ("tue next week 15.12", "'15.12' could be 15 Dec or a time"),
        ("mon 13.12", "'13.12' could be 13 Dec or a time"),
        ("fri 4.12", "Fri 4 Dec has passed"),
        ("fri 4.12.", "Fri 4 Dec has passed"),
        # Two times, merged by dateutil into a third (`16:30 3pm` was 15:30).
        ("16:30 3pm", "'16:30 3pm' gives a time twice"),
        ("10am 2pm", "gives a time twice"),
        ("14 dec 10:30 3pm", "gives a time twice"),
        # A letter dateutil skips, read as today.
        ("t 2pm", "'t' could be more than one day"),
    ],
)
def test_what_was_read_as_another_moment_without_a_word_is_refused_or_asked(
    typed: str, said: str
) -> None:
    with pytest.raises(WhenError, match=re.escape(said)):
        read_when(typed, SATURDAY)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # `th 2pm` was today at 14:00.
        ("th 2pm", datetime(2026, 12, 10, 14, 0, tzinfo=LONDON)),
        # A bare hour after a date was the year 2010.
        ("14/12 10", datetime(2026, 12, 14, 10, 0, tzinfo=LONDON)),
        ("mon 14 dec 10", datetime(2026, 12, 14, 10, 0, tzinfo=LONDON)),
        ("14 dec 3", datetime(2026, 12, 14, 15, 0, tzinfo=LONDON)),
        ("3 dec 1430", datetime(2027, 12, 3, 14, 30, tzinfo=LONDON)),
        # A year stays one.
        ("30 dec 27", datetime(2027, 12, 30, 9, 0, tzinfo=LONDON)),
        ("tomorrow 14h30", datetime(2026, 12, 6, 14, 30, tzinfo=LONDON)),
        ("on fri at 3", datetime(2026, 12, 11, 15, 0, tzinfo=LONDON)),
        ("14 dec @ 3pm", datetime(2026, 12, 14, 15, 0, tzinfo=LONDON)),
        ("fri 10.15", datetime(2026, 12, 11, 10, 15, tzinfo=LONDON)),
        ("4th dec", datetime(2027, 12, 4, 9, 0, tzinfo=LONDON)),
    ],
)
def test_more_ways_of_saying_a_moment(typed: str, expected: datetime) -> None:
    assert read_when(typed, SATURDAY).moment == expected


def test_a_length_of_hours_or_minutes_is_no_day() -> None:
    """`in 6m` for a revisit was six minutes on: today."""
    with pytest.raises(WhenError, match=re.escape("'in 6m' is minutes from now, not a day")):
        read_day("in 6m", SATURDAY)
    assert read_day("in 6mo", SATURDAY) == date(2027, 6, 5)


@pytest.mark.parametrize("day_first", [True, False])
@pytest.mark.parametrize(
    ("typed", "day"),
    [
        # `30:12` and `24:12` are no times: these were asked about as if they could be.
        ("wed 30.12", date(2026, 12, 30)),
        ("thu 24.12", date(2026, 12, 24)),
        ("thu 31.12", date(2026, 12, 31)),
    ],
)
def test_a_dotted_pair_no_clock_shows_after_its_weekday_is_that_day(
    typed: str, day: date, day_first: bool
) -> None:
    assert read_when(typed, SATURDAY, day_first=day_first).moment == datetime.combine(
        day, time(9, 0), tzinfo=LONDON
    )
    assert read_day(typed, SATURDAY, day_first=day_first) == day


@pytest.mark.parametrize(
    "typed", ["thu 30.12", "fri 30.12 3pm", "thu 30.12 14.30", "wed 24.12. 14:00", "fri 14.12 3pm"]
)
def test_a_dotted_date_after_another_weekday_is_said_to_fall_on_its_own(typed: str) -> None:
    """`thu 30.12` was refused as `is a date, not a time of day` (and before, as giving a
    time twice), where `thu 30 dec` and the close date say which day it is."""
    with pytest.raises(WhenError, match=r"\d+ Dec is a \w+day, not a \w+day; say the day or"):
        read_when(typed, SATURDAY)


@pytest.mark.parametrize("typed", ["tomorrow 30.12", "tomorrow 30/12", "tomorrow 24.12 3pm"])
def test_a_day_word_then_a_date_is_two_days_not_two_times(typed: str) -> None:
    """`tomorrow 30/12` was refused as giving a time twice."""
    with pytest.raises(WhenError, match="is a date, not a time of day; say the day once"):
        read_when(typed, SATURDAY)


def test_a_dotted_pair_after_a_weekday_that_is_a_date_on_it_is_asked_about() -> None:
    """`mon 14.12` was booked for Monday the 7th at 14:12, where Monday 14 December was
    meant, and read back as almost what was typed."""
    with pytest.raises(WhenError, match=re.escape("'4.12' could be Fri 4 Dec or a time")):
        read_when("fri 4.12", WEDNESDAY)
    # Last Friday's date, typed the day after, is said to have passed, not next year's.
    with pytest.raises(WhenError, match=re.escape("Fri 20 Nov has passed")):
        read_when("fri 20 nov", WEDNESDAY)


@pytest.mark.parametrize(
    ("typed", "day_first", "day", "asked"),
    [
        # Only day first can be a date: in a book kept month first, `mon 14.12` was Monday
        # the 7th (at 14:12 as a follow-up), the pair taken for a time.
        (
            "mon 14.12",
            False,
            date(2026, 12, 14),
            "'14.12' could be Mon 14 Dec or a time; say 14/12",
        ),
        ("mon 12.14", True, date(2026, 12, 14), "'12.14' could be Mon 14 Dec or a time; say 12/14"),
        ("tomorrow 14.12", False, None, "'14.12' could be 14 Dec or a time; say 14/12"),
        ("tomorrow 12.14", True, None, "'12.14' could be 14 Dec or a time; say 12/14"),
    ],
)
def test_a_dotted_pair_only_one_order_reads_is_that_day_in_either_book(
    typed: str, day_first: bool, day: date | None, asked: str
) -> None:
    """As a book kept day first reads `mon 14.12`: a day, and asked about as a time."""
    if day is not None:
        assert read_day(typed, SATURDAY, day_first=day_first) == day
    with pytest.raises(WhenError, match=re.escape(asked)):
        read_when(typed, SATURDAY, day_first=day_first)


@pytest.mark.parametrize(
    ("typed", "day_first", "expected"),
    [
        ("mon 14.12 10am", False, datetime(2026, 12, 14, 10, 0, tzinfo=LONDON)),
        ("mon 12.14 10am", True, datetime(2026, 12, 14, 10, 0, tzinfo=LONDON)),
        ("mon 14.12.", False, datetime(2026, 12, 14, 9, 0, tzinfo=LONDON)),
        ("mon 12.14.", True, datetime(2026, 12, 14, 9, 0, tzinfo=LONDON)),
        # At a quarter hour, a pair only the other order reads is the time, though the day
        # it names is that weekday (15 October 2027 is a Friday, 30 December a Wednesday).
        ("fri 10.15", True, datetime(2026, 12, 11, 10, 15, tzinfo=LONDON)),
        ("wed 12.30", True, datetime(2026, 12, 9, 12, 30, tzinfo=LONDON)),
    ],
)
def test_a_dotted_pair_only_one_order_reads_marked_as_a_day_is_it(
    typed: str, day_first: bool, expected: datetime
) -> None:
    """`mon 14.12 10am` in a book kept month first was refused as two times."""
    assert read_when(typed, SATURDAY, day_first=day_first).moment == expected
    assert read_day(typed, SATURDAY, day_first=day_first) == expected.date()


def test_a_dotted_pair_that_could_be_a_day_or_a_time_is_asked_about() -> None:
    with pytest.raises(WhenError, match=re.escape("'3.12' could be a day or a time; say 3/12")):
        read_when("3.12", WEDNESDAY)
    # A day has no time: the close date `3.12` is 3 December.
    assert read_day("3.12", WEDNESDAY) == date(2026, 12, 3)


def test_a_dotted_day_month_first_books_read_the_other_way_is_asked_about_too() -> None:
    """`14.12` in a book kept month first was saved as 14:12 today without a word, where
    `mon 14.12` asks and `14.12 3pm` was refused as two times."""
    with pytest.raises(WhenError, match=re.escape("'14.12' could be a day or a time; say 14/12")):
        read_when("14.12", WEDNESDAY, day_first=False)
    moment = read_when("14.12 3pm", WEDNESDAY, day_first=False).moment
    assert moment == datetime(2026, 12, 14, 15, 0, tzinfo=LONDON)
    assert read_when("14/12", WEDNESDAY, day_first=False).moment.date() == date(2026, 12, 14)
    # Dotted dates are written day first: in a book kept day first `9.30` and `12.14` are
    # times (30 September and 14 December are no dotted days there).
    assert read_when("9.30pm", WEDNESDAY).moment.time() == time(21, 30)
    assert read_when("12.14", WEDNESDAY).moment.time() == time(12, 14)


@pytest.mark.parametrize("typed", ["14.12 10am", "10am 14.12", "14.12 14:30", "14.12. 2 pm"])
def test_a_dotted_pair_beside_a_time_is_the_day(typed: str) -> None:
    """`14.12 10am` was asked about as if `14.12` could be 14:12, with a time beside it."""
    moment = read_when(typed, WEDNESDAY).moment
    assert (moment.month, moment.day) == (12, 14) and moment.hour in (10, 14)


def test_a_weekday_typed_on_that_weekday_offers_todays_while_its_time_is_to_come() -> None:
    # Next week's Friday, with today's a tab away (it was next week's, without a word).
    later = read_when("fri 6pm", FRIDAY)
    assert (later.moment, later.other) == (at("2026-12-04", "18:00"), at("2026-11-27", "18:00"))
    assert read_when("fri 6pm", FRIDAY, other_week=True).moment == at("2026-11-27", "18:00")
    assert read_when("fri 2pm", FRIDAY).other is None
    # Said to be next week's: that one only.
    assert read_when("fri next week 6pm", FRIDAY).other is None


def test_no_hint_offers_a_date_written_out_that_is_already_past() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("2026-11-26 14:30", FRIDAY)
    assert "2026-" not in str(caught.value).partition(";")[2]


@pytest.mark.parametrize(
    ("typed", "now", "said"),
    [
        ("eom", at("2026-11-30", "10:00"), "that time today has passed; say eod"),
        ("eom 10am", at("2026-11-30", "11:00"), "that time today has passed; say tomorrow 10am"),
        ("eom", at("2026-11-30", "18:00"), "that time today has passed; say tomorrow"),
    ],
)
def test_the_months_end_typed_on_its_last_day_at_a_time_that_has_passed(
    typed: str, now: datetime, said: str
) -> None:
    with pytest.raises(WhenError, match=said):
        parse_when(typed, now)
