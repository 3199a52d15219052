"""The call cadence: retry times after unanswered calls, busy lines, revisits, the attempt limit,
calling hours, and the settings that shape them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from funnel_tui.cadence import (
    attempts_exhausted,
    busy_retry_due,
    calling_window,
    morning_slot,
    next_call_due,
    not_a_calling_time,
    nurture_revisit_due,
    revisit_due,
)
from funnel_tui.settings import SettingError, Settings, parse_setting, setting_text

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
WEDNESDAY = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)
FRIDAY = datetime(2026, 11, 27, 16, 30, tzinfo=LONDON)
DEFAULTS = Settings()


def london(day: str, clock: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("attempts", "max_attempts", "exhausted"),
    [(0, 6, False), (5, 6, False), (6, 6, True), (7, 6, True), (2, 3, False), (3, 3, True)],
)
def test_attempts_exhausted_at_the_limit(attempts: int, max_attempts: int, exhausted: bool) -> None:
    assert attempts_exhausted(attempts, Settings(max_attempts=max_attempts)) is exhausted


@pytest.mark.parametrize("prospect_tz", [None, "", "Not/AZone"])
def test_without_a_known_zone_the_prospect_is_always_callable(prospect_tz: str | None) -> None:
    saturday_night = london("2026-11-28", "23:00")
    assert calling_window(saturday_night, DEFAULTS, prospect_tz) == (True, None)


@pytest.mark.parametrize(
    ("now", "prospect_tz", "expected"),
    [
        (WEDNESDAY, "Europe/London", (True, None)),
        (london("2026-11-25", "09:00"), "Europe/London", (True, None)),
        (london("2026-11-25", "17:59"), "Europe/London", (True, None)),
        (london("2026-11-25", "18:00"), "Europe/London", (False, london("2026-11-26"))),
        (london("2026-11-25", "08:59"), "Europe/London", (False, london("2026-11-25"))),
        (london("2026-11-28", "12:00"), "Europe/London", (False, london("2026-11-30"))),
        (FRIDAY, "Europe/London", (True, None)),
        (london("2026-11-27", "18:30"), "Europe/London", (False, london("2026-11-30"))),
        (WEDNESDAY, "America/New_York", (False, london("2026-11-25", "14:00"))),
        (london("2026-11-25", "16:00"), "America/New_York", (True, None)),
        (FRIDAY, "Asia/Tokyo", (False, london("2026-11-30", "00:00"))),
    ],
)
def test_calling_window(
    now: datetime, prospect_tz: str, expected: tuple[bool, datetime | None]
) -> None:
    assert calling_window(now, DEFAULTS, prospect_tz) == expected


def test_calling_window_opens_after_a_holiday() -> None:
    settings = Settings(holidays=(date(2026, 11, 30),))
    monday_noon = london("2026-11-30", "12:00")
    assert calling_window(monday_noon, settings, "Europe/London") == (False, london("2026-12-01"))


def test_calling_window_opening_is_given_on_the_reps_clock() -> None:
    inside, opens = calling_window(WEDNESDAY, DEFAULTS, "America/New_York")
    assert not inside
    assert opens is not None
    assert opens.tzinfo is LONDON
    assert opens.astimezone(NEW_YORK).time() == time(9, 0)


KIRITIMATI = ZoneInfo("Pacific/Kiritimati")
GMT = timedelta(0)
EST = timedelta(hours=-5)


@pytest.mark.parametrize(
    ("now", "opens_theirs"),
    [
        # Wednesday 13:00 in London is 03:00 on Thursday across the date line.
        (london("2026-11-25", "13:00"), datetime(2026, 11, 26, 9, 0, tzinfo=KIRITIMATI)),
        # Friday 13:00 in London is 03:00 on Saturday there: they open on Monday.
        (london("2026-11-27", "13:00"), datetime(2026, 11, 30, 9, 0, tzinfo=KIRITIMATI)),
    ],
)
def test_calling_window_across_the_date_line_opens_at_nine_their_next_business_day(
    now: datetime, opens_theirs: datetime
) -> None:
    assert now.astimezone(KIRITIMATI).time() == time(3, 0)
    inside, opens = calling_window(now, DEFAULTS, "Pacific/Kiritimati")
    assert not inside
    assert opens is not None
    assert opens.tzinfo is LONDON
    assert opens.astimezone(KIRITIMATI) == opens_theirs
    assert opens.astimezone(UTC) == opens_theirs.astimezone(UTC)


# The cadence of PRODUCT 7.

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
MORNING = time(9, 30)
AFTERNOON = time(14, 0)


def theirs(moment: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """A due moment as the prospect reads it: weekday and day, and clock time."""
    local = moment.astimezone(zone)
    return f"{local:%a %d %b}", f"{local:%H:%M}"


@pytest.mark.parametrize(
    ("settings", "slot"),
    [
        (DEFAULTS, time(9, 30)),
        (Settings(calling_start=time(7, 45), afternoon_slot=time(13, 0)), time(8, 15)),
        # Hours that close within half an hour of opening: the morning slot is the opening.
        (Settings(calling_start=time(9, 0), calling_end=time(9, 20)), time(9, 0)),
        (Settings(calling_start=time(23, 45), calling_end=time(23, 59)), time(23, 45)),
        (Settings(calling_start=time(17, 30), calling_end=time(18, 0)), time(17, 30)),
        (Settings(calling_start=time(17, 29), calling_end=time(18, 0)), time(17, 59)),
    ],
)
def test_the_morning_slot_is_half_an_hour_into_calling_hours(
    settings: Settings, slot: time
) -> None:
    assert morning_slot(settings) == slot


def test_eight_touches_over_three_weeks_alternate_morning_and_afternoon() -> None:
    # Each call is made when the one before it fell due, none of them answered.
    call = london("2026-11-23", "10:00")  # a Monday
    touches = [call]
    for attempt in range(1, 8):
        call = next_call_due(attempt, call, DEFAULTS, None)
        assert call.tzinfo is LONDON
        touches.append(call)
    assert [theirs(touch, LONDON) for touch in touches] == [
        ("Mon 23 Nov", "10:00"),
        ("Tue 24 Nov", "09:30"),  # 1 business day after the 1st attempt, morning
        ("Wed 25 Nov", "14:00"),  # 1 after the 2nd, afternoon
        ("Fri 27 Nov", "09:30"),  # 2 after the 3rd
        ("Tue 01 Dec", "14:00"),  # 2 after the 4th, over the weekend
        ("Fri 04 Dec", "09:30"),  # 3 after the 5th
        ("Wed 09 Dec", "14:00"),  # 3 after the 6th
        ("Mon 14 Dec", "09:30"),  # 3 after the 7th: the 8th and last touch
    ]


def test_past_the_list_the_last_cadence_value_repeats() -> None:
    settings = Settings(cadence_days=(1, 4))
    monday = london("2026-11-23", "10:00")
    assert [
        theirs(next_call_due(attempt, monday, settings, None), LONDON) for attempt in (1, 2, 3, 9)
    ] == [
        ("Tue 24 Nov", "09:30"),
        ("Fri 27 Nov", "14:00"),
        ("Fri 27 Nov", "09:30"),
        ("Fri 27 Nov", "09:30"),
    ]


def test_the_slots_follow_calling_start_and_the_afternoon_slot() -> None:
    settings = Settings(calling_start=time(8, 0), afternoon_slot=time(15, 45))
    assert next_call_due(1, WEDNESDAY, settings, None) == london("2026-11-26", "08:30")
    assert next_call_due(2, WEDNESDAY, settings, None) == london("2026-11-26", "15:45")


@pytest.mark.parametrize(
    ("attempt", "now", "holidays", "due"),
    [
        # Christmas Eve: Christmas Day is a holiday, then the weekend.
        (1, london("2026-12-24", "15:00"), (date(2026, 12, 25),), ("Mon 28 Dec", "09:30")),
        # Two business days from Christmas Eve, with the Monday after a holiday as well.
        (
            4,
            london("2026-12-24", "15:00"),
            (date(2026, 12, 25), date(2026, 12, 28)),
            ("Wed 30 Dec", "14:00"),
        ),
        # Three business days from a Friday over a holiday Monday: Tue, Wed, Thu.
        (5, london("2026-11-27", "11:00"), (date(2026, 11, 30),), ("Thu 03 Dec", "09:30")),
    ],
)
def test_holidays_are_not_counted_as_business_days(
    attempt: int, now: datetime, holidays: tuple[date, ...], due: tuple[str, str]
) -> None:
    settings = Settings(holidays=holidays)
    assert theirs(next_call_due(attempt, now, settings, None), LONDON) == due


def test_business_days_come_from_the_settings() -> None:
    sunday_to_thursday = Settings(business_days=(6, 0, 1, 2, 3))
    thursday = london("2026-11-26", "12:00")
    assert theirs(next_call_due(3, thursday, sunday_to_thursday, None), LONDON) == (
        "Mon 30 Nov",
        "09:30",
    )


@pytest.mark.parametrize(("attempt", "slot"), [(1, MORNING), (2, AFTERNOON)])
def test_the_slot_stays_on_the_london_clock_when_the_clocks_go_back(
    attempt: int, slot: time
) -> None:
    # The clocks go back on Sunday 25 October: Friday is BST, Monday is GMT.
    friday = london("2026-10-23", "15:00")
    assert friday.utcoffset() == timedelta(hours=1)
    due = next_call_due(attempt, friday, DEFAULTS, None)
    assert (due.date(), due.time(), due.utcoffset()) == (date(2026, 10, 26), slot, GMT)


@pytest.mark.parametrize(
    ("friday", "monday_utc"),
    [
        # US clocks go back on Sunday 1 November: Friday is EDT there, Monday is EST.
        (london("2026-10-30", "15:00"), datetime(2026, 11, 2, 14, 30, tzinfo=UTC)),
        # US clocks go forward on 14 March 2027, two weeks before the UK's.
        (london("2027-03-12", "15:00"), datetime(2027, 3, 15, 13, 30, tzinfo=UTC)),
    ],
)
def test_the_slot_stays_on_the_new_york_clock_across_their_clock_change(
    friday: datetime, monday_utc: datetime
) -> None:
    due = next_call_due(1, friday, DEFAULTS, "America/New_York")
    assert due.tzinfo is LONDON
    assert theirs(due, NEW_YORK)[1] == "09:30"
    assert due == monday_utc
    afternoon = next_call_due(2, friday, DEFAULTS, "America/New_York")
    assert theirs(afternoon, NEW_YORK) == (f"{monday_utc:%a %d %b}", "14:00")


@pytest.mark.parametrize(
    ("prospect_tz", "zone", "morning_in_london", "afternoon_in_london"),
    [
        # Wednesday 11:00 in London is 20:00 in Tokyo, 03:00 in Los Angeles, 12:00 in Berlin.
        ("Asia/Tokyo", TOKYO, london("2026-11-26", "00:30"), london("2026-11-26", "05:00")),
        (
            "America/Los_Angeles",
            LOS_ANGELES,
            london("2026-11-26", "17:30"),
            london("2026-11-26", "22:00"),
        ),
        ("Europe/Berlin", BERLIN, london("2026-11-26", "08:30"), london("2026-11-26", "13:00")),
    ],
)
def test_the_slot_is_in_the_prospects_time(
    prospect_tz: str, zone: ZoneInfo, morning_in_london: datetime, afternoon_in_london: datetime
) -> None:
    morning = next_call_due(1, WEDNESDAY, DEFAULTS, prospect_tz)
    afternoon = next_call_due(2, WEDNESDAY, DEFAULTS, prospect_tz)
    assert (morning, afternoon) == (morning_in_london, afternoon_in_london)
    assert morning.tzinfo is LONDON and afternoon.tzinfo is LONDON
    assert theirs(morning, zone) == ("Thu 26 Nov", "09:30")
    assert theirs(afternoon, zone) == ("Thu 26 Nov", "14:00")


def test_the_business_days_are_counted_from_the_prospects_day() -> None:
    # Thursday 16:00 in London is already Friday 01:00 in Tokyo: one business day on is Monday.
    thursday = london("2026-11-26", "16:00")
    assert theirs(next_call_due(1, thursday, DEFAULTS, "Asia/Tokyo"), TOKYO) == (
        "Mon 30 Nov",
        "09:30",
    )
    assert theirs(next_call_due(1, thursday, DEFAULTS, None), LONDON) == ("Fri 27 Nov", "09:30")


@pytest.mark.parametrize("prospect_tz", ["Not/AZone", "", None])
def test_the_cadence_without_a_known_zone_is_on_the_reps_clock(prospect_tz: str | None) -> None:
    assert next_call_due(2, WEDNESDAY, DEFAULTS, prospect_tz) == london("2026-11-26", "14:00")


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError, match="attempts count from 1"):
        next_call_due(0, WEDNESDAY, DEFAULTS, None)


@pytest.mark.parametrize(
    ("now", "prospect_tz", "due"),
    [
        # Inside calling hours two hours later.
        (london("2026-11-25", "11:00"), None, london("2026-11-25", "13:00")),
        (london("2026-11-25", "15:59"), None, london("2026-11-25", "17:59")),
        # To the minute.
        (london("2026-11-25", "11:00:45"), None, london("2026-11-25", "13:00")),
        # Calling hours close at 18:00: the next morning slot instead.
        (london("2026-11-25", "16:00"), None, london("2026-11-26", "09:30")),
        (london("2026-11-25", "17:30"), None, london("2026-11-26", "09:30")),
        # Friday evening: Monday morning.
        (london("2026-11-27", "17:00"), None, london("2026-11-30", "09:30")),
        # An early call: two hours later is before the hours open, so today's morning slot.
        (london("2026-11-25", "06:00"), None, london("2026-11-25", "09:30")),
        # Berlin closes an hour before London: 17:30 in London is 18:30 there.
        (london("2026-11-25", "15:30"), "Europe/Berlin", london("2026-11-26", "08:30")),
        (london("2026-11-25", "15:30"), "Europe/London", london("2026-11-25", "17:30")),
        (london("2026-11-25", "14:30"), "Europe/Berlin", london("2026-11-25", "16:30")),
        # 13:00 in London is 05:00 in Los Angeles: their morning slot, 17:30 in London.
        (london("2026-11-25", "11:00"), "America/Los_Angeles", london("2026-11-25", "17:30")),
    ],
)
def test_a_busy_line_is_retried_inside_the_prospects_calling_hours(
    now: datetime, prospect_tz: str | None, due: datetime
) -> None:
    retry = busy_retry_due(now, DEFAULTS, prospect_tz)
    assert retry == due
    assert retry.tzinfo is LONDON


def test_a_busy_retry_follows_the_setting() -> None:
    settings = Settings(busy_retry_minutes=30)
    assert busy_retry_due(WEDNESDAY, settings, None) == london("2026-11-25", "11:30")


def test_a_busy_retry_skips_a_holiday() -> None:
    settings = Settings(holidays=(date(2026, 12, 25),))
    christmas_eve = london("2026-12-24", "17:00")
    assert busy_retry_due(christmas_eve, settings, None) == london("2026-12-28", "09:30")


def test_a_busy_retry_waits_elapsed_time_across_the_clock_change() -> None:
    # Calling all night, every day: 00:30 BST plus two hours is 01:30 GMT, once the clocks
    # have gone back an hour at 02:00 BST.
    settings = Settings(
        business_days=tuple(range(7)), calling_start=time(0, 0), calling_end=time(23, 59)
    )
    before = london("2026-10-25", "00:30")
    retry = busy_retry_due(before, settings, None)
    # Aware datetimes in one zone subtract as wall clocks; in UTC they give the time elapsed.
    assert retry.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=2)
    assert (retry.time(), retry.utcoffset()) == (time(1, 30), GMT)


@pytest.mark.parametrize(
    ("day", "prospect_tz", "due"),
    [
        (date(2027, 3, 1), None, london("2027-03-01", "09:30")),
        (date(2027, 3, 1), "Asia/Tokyo", london("2027-03-01", "00:30")),
        (date(2027, 3, 1), "America/New_York", london("2027-03-01", "14:30")),
        # After the UK's clock change the slot is still 09:30 on the London clock.
        (date(2027, 4, 5), None, london("2027-04-05", "09:30")),
        # The rep chose the day: a Saturday or a holiday is kept.
        (date(2027, 3, 6), None, london("2027-03-06", "09:30")),
    ],
)
def test_a_revisit_is_due_at_the_morning_slot_of_its_day(
    day: date, prospect_tz: str | None, due: datetime
) -> None:
    settings = Settings(holidays=(date(2027, 4, 5),))
    revisit = revisit_due(day, WEDNESDAY, settings, prospect_tz)
    assert revisit == due
    assert revisit.tzinfo is LONDON


@pytest.mark.parametrize(
    ("now", "settings", "prospect_tz", "due"),
    [
        # 90 days after Wednesday 25 November is Tuesday 23 February.
        (WEDNESDAY, DEFAULTS, None, london("2027-02-23", "09:30")),
        (WEDNESDAY, Settings(nurture_days=30), "Asia/Tokyo", london("2026-12-25", "00:30")),
        # Three days on is a Saturday: the Monday, or the Tuesday when Monday is a holiday.
        (WEDNESDAY, Settings(nurture_days=3), None, london("2026-11-30", "09:30")),
        (
            WEDNESDAY,
            Settings(nurture_days=3, holidays=(date(2026, 11, 30),)),
            None,
            london("2026-12-01", "09:30"),
        ),
        # A holiday on a weekday.
        (
            WEDNESDAY,
            Settings(nurture_days=30, holidays=(date(2026, 12, 25),)),
            None,
            london("2026-12-28", "09:30"),
        ),
        # Thursday 16:00 in London is Friday in Tokyo: a day on is their Saturday, so Monday.
        (
            london("2026-11-26", "16:00"),
            Settings(nurture_days=1),
            "Asia/Tokyo",
            london("2026-11-30", "00:30"),
        ),
        # Across the clock change in March the slot stays at 09:30 in New York.
        (WEDNESDAY, Settings(nurture_days=110), "America/New_York", london("2027-03-15", "13:30")),
    ],
)
def test_a_nurture_revisit_is_due_on_a_business_day_at_the_morning_slot(
    now: datetime, settings: Settings, prospect_tz: str | None, due: datetime
) -> None:
    revisit = nurture_revisit_due(now, settings, prospect_tz)
    assert revisit == due
    assert revisit.tzinfo is LONDON


# Zones without a clock change between 04:00 and midnight, so every slot exists.
ZONE_NAMES = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
    "America/Sao_Paulo",
]


@st.composite
def cadence_settings(draw: st.DrawFn) -> Settings:
    start_minutes = draw(st.integers(4 * 60, 22 * 60))
    end_minutes = draw(st.integers(start_minutes + 1, 23 * 60 + 59))
    slot_minutes = draw(st.integers(start_minutes, end_minutes - 1))
    return Settings(
        business_days=tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1)))),
        holidays=tuple(
            sorted(draw(st.sets(st.dates(date(2026, 1, 1), date(2031, 12, 31)), max_size=20)))
        ),
        calling_start=time(*divmod(start_minutes, 60)),
        calling_end=time(*divmod(end_minutes, 60)),
        afternoon_slot=time(*divmod(slot_minutes, 60)),
        busy_retry_minutes=draw(st.integers(1, 1440)),
        cadence_days=tuple(draw(st.lists(st.integers(1, 60), min_size=1, max_size=8))),
        nurture_days=draw(st.integers(1, 3650)),
    )


def assert_callable(due: datetime, now: datetime, settings: Settings, prospect_tz: str) -> None:
    """A due moment the prospect may be called at, after now, on the rep's clock."""
    assert due > now
    assert due.tzinfo is now.tzinfo
    local = due.astimezone(ZoneInfo(prospect_tz))
    assert local.weekday() in settings.business_days
    assert local.date() not in settings.holidays
    assert settings.calling_start <= local.time() < settings.calling_end
    assert calling_window(due, settings, prospect_tz) == (True, None)


moments = st.datetimes(
    datetime(2026, 1, 1),
    datetime(2030, 12, 31),
    timezones=st.sampled_from(ZONE_NAMES).map(ZoneInfo),
    allow_imaginary=False,
)


@examples(max_examples=300, deadline=None)
@given(
    now=moments,
    settings=cadence_settings(),
    prospect_tz=st.sampled_from(ZONE_NAMES),
    attempt=st.integers(1, 12),
)
def test_every_due_moment_is_callable_and_after_now(
    now: datetime, settings: Settings, prospect_tz: str, attempt: int
) -> None:
    due = next_call_due(attempt, now, settings, prospect_tz)
    assert_callable(due, now, settings, prospect_tz)
    slot = morning_slot(settings) if attempt % 2 else settings.afternoon_slot
    assert due.astimezone(ZoneInfo(prospect_tz)).time() == slot
    assert_callable(busy_retry_due(now, settings, prospect_tz), now, settings, prospect_tz)
    assert_callable(nurture_revisit_due(now, settings, prospect_tz), now, settings, prospect_tz)


# The cadence settings as they are typed.


@pytest.mark.parametrize(
    ("key", "typed", "value", "stored"),
    [
        ("cadence_days", "1,1,2,2,3,3,3", (1, 1, 2, 2, 3, 3, 3), "1,1,2,2,3,3,3"),
        ("cadence_days", " 2 , 5,", (2, 5), "2,5"),
        ("cadence_days", "60", (60,), "60"),
        ("afternoon_slot", "9:45", time(9, 45), "09:45"),
        ("nurture_days", "1", 1, "1"),
        ("nurture_days", "3650", 3650, "3650"),
        ("max_attempts", "8", 8, "8"),
    ],
)
def test_cadence_settings_read_what_is_typed(
    key: str, typed: str, value: object, stored: str
) -> None:
    assert parse_setting(key, typed) == value
    assert setting_text(Settings(**{key: value}), key) == stored  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "typed", "reason"),
    [
        ("cadence_days", "", "at least one value is needed"),
        ("cadence_days", "0", "a whole number of business days from 1 to 60, got '0'"),
        ("cadence_days", "1,61", "from 1 to 60, got '61'"),
        ("cadence_days", "1;2", "got '1;2'"),
        ("cadence_days", "one", "got 'one'"),
        ("cadence_days", ",".join("1" * 51), "at most 50 values (one per attempt), got 51"),
        ("afternoon_slot", "2pm", "expected a time like 09:00"),
        ("afternoon_slot", "24:00", "is not a time of day"),
        ("nurture_days", "0", "days from 1 to 3650"),
        ("nurture_days", "3651", "days from 1 to 3650"),
        ("nurture_days", "a year", "days from 1 to 3650"),
    ],
)
def test_cadence_settings_refuse_what_cannot_be_used(key: str, typed: str, reason: str) -> None:
    with pytest.raises(SettingError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_setting(key, typed)


def test_the_defaults_give_eight_attempts_over_the_cadence() -> None:
    assert (DEFAULTS.max_attempts, DEFAULTS.cadence_days) == (8, (1, 1, 2, 2, 3, 3, 3))
    assert (DEFAULTS.afternoon_slot, DEFAULTS.nurture_days) == (time(14, 0), 90)


@pytest.mark.parametrize("prospect_tz", ["Not/AZone", "", None])
def test_an_unknown_prospect_zone_falls_back_to_the_reps(prospect_tz: str | None) -> None:
    wednesday = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)
    due = next_call_due(1, wednesday, DEFAULTS, prospect_tz)
    assert due == datetime(2026, 11, 26, 9, 30, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("now", "zone", "holidays", "said"),
    [
        # 02:29 on a Saturday in New York: the hours are what is said, as the card says.
        (
            datetime(2026, 11, 28, 7, 29, tzinfo=LONDON),
            "America/New_York",
            (),
            # Early on a Saturday: both reasons, not the first alone.
            ("02:29", "outside 09:00-18:00, not a business day"),
        ),
        (
            datetime(2026, 11, 28, 11, 0, tzinfo=LONDON),
            "Europe/Paris",
            (),
            ("12:00", "not a business day"),
        ),
        (WEDNESDAY, "Europe/London", (date(2026, 11, 25),), ("11:00", "a holiday")),
        (
            WEDNESDAY,
            "Asia/Tokyo",
            (date(2026, 11, 25),),
            ("20:00", "outside 09:00-18:00, a holiday"),
        ),
        (WEDNESDAY, "Asia/Tokyo", (), ("20:00", "outside 09:00-18:00")),
        (WEDNESDAY, "America/New_York", (), ("06:00", "outside 09:00-18:00")),
        (WEDNESDAY, "Europe/Paris", (), None),
        # No zone known: the rep's own hours are the rep's to keep.
        (datetime(2026, 11, 28, 3, 0, tzinfo=LONDON), None, (), None),
        (datetime(2026, 11, 28, 3, 0, tzinfo=LONDON), "Not/AZone", (), None),
    ],
)
def test_not_a_calling_time_gives_their_clock_and_why(
    now: datetime, zone: str | None, holidays: tuple[date, ...], said: tuple[str, str] | None
) -> None:
    found = not_a_calling_time(now, Settings(holidays=holidays), zone)

    assert (None if found is None else (f"{found[0]:%H:%M}", found[1])) == said
    assert (found is None) == calling_window(now, Settings(holidays=holidays), zone)[0]


@given(
    business_days=st.sets(st.integers(0, 6), min_size=1),
    holidays=st.sets(st.dates(date(2026, 12, 1), date(2027, 1, 31)), max_size=20),
    after=st.datetimes(datetime(2026, 12, 1), datetime(2027, 1, 15)),
    clock=st.times().map(lambda clock: clock.replace(microsecond=0)),
    count=st.integers(1, 12),
)
def test_business_days_are_those_of_dateutils_rules(business_days, holidays, after, clock, count):
    """The cadence's business days, counted day by day, are those dateutil's rules give."""
    from dateutil.rrule import DAILY, rrule, rruleset

    from funnel_tui.cadence import _business_day_after, _next_business_day_at

    settings = Settings(
        business_days=tuple(sorted(business_days)), holidays=tuple(sorted(holidays))
    )
    days = rruleset()
    days.rrule(
        rrule(DAILY, dtstart=after.date() + timedelta(days=1), byweekday=settings.business_days)
    )
    moments = rruleset()
    moments.rrule(
        rrule(
            DAILY, dtstart=datetime.combine(after.date(), clock), byweekday=settings.business_days
        )
    )
    for holiday in holidays:
        days.exdate(datetime.combine(holiday, time()))
        moments.exdate(datetime.combine(holiday, clock))
    assert _business_day_after(after.date(), settings, count) == days[count - 1].date()
    assert _next_business_day_at(clock, after, settings, UTC) == moments.after(after).replace(
        tzinfo=UTC
    )
