"""The call cadence: retry times after unanswered calls, the attempt limit, calling hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.cadence import attempts_exhausted, calling_window, next_attempt
from funnel_tui.domain import CADENCE_OUTCOMES, Outcome
from funnel_tui.settings import Settings

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
WEDNESDAY = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)
FRIDAY = datetime(2026, 11, 27, 16, 30, tzinfo=LONDON)
DEFAULTS = Settings()
UNANSWERED = (Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.GATEKEEPER)


def london(day: str, clock: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


def test_busy_retries_two_hours_later() -> None:
    assert next_attempt(Outcome.BUSY, WEDNESDAY, DEFAULTS) == london("2026-11-25", "13:00")


def test_busy_retry_follows_the_setting() -> None:
    settings = Settings(busy_retry_minutes=30)
    assert next_attempt(Outcome.BUSY, WEDNESDAY, settings) == london("2026-11-25", "11:30")


@pytest.mark.parametrize("outcome", UNANSWERED)
def test_unanswered_on_wednesday_retries_thursday_at_calling_start(outcome: Outcome) -> None:
    assert next_attempt(outcome, WEDNESDAY, DEFAULTS) == london("2026-11-26")


@pytest.mark.parametrize("outcome", UNANSWERED)
def test_unanswered_on_friday_retries_monday(outcome: Outcome) -> None:
    assert next_attempt(outcome, FRIDAY, DEFAULTS) == london("2026-11-30")


def test_a_holiday_monday_is_skipped() -> None:
    settings = Settings(holidays=(date(2026, 11, 30),))
    assert next_attempt(Outcome.NO_ANSWER, FRIDAY, settings) == london("2026-12-01")


def test_the_day_before_christmas_retries_after_it() -> None:
    christmas_eve = london("2026-12-24", "15:00")
    settings = Settings(holidays=(date(2026, 12, 25),))
    assert next_attempt(Outcome.VOICEMAIL, christmas_eve, settings) == london("2026-12-28")


def test_before_calling_hours_the_retry_is_still_the_next_day() -> None:
    early_monday = london("2026-11-30", "07:30")
    assert next_attempt(Outcome.NO_ANSWER, early_monday, DEFAULTS) == london("2026-12-01")


def test_business_days_come_from_settings() -> None:
    sunday_to_thursday = Settings(business_days=(6, 0, 1, 2, 3), calling_start=time(8, 0))
    thursday = london("2026-11-26", "12:00")
    assert next_attempt(Outcome.NO_ANSWER, thursday, sunday_to_thursday) == london(
        "2026-11-29", "08:00"
    )


def test_prospect_in_new_york_is_retried_at_nine_their_time() -> None:
    moment = next_attempt(Outcome.NO_ANSWER, WEDNESDAY, DEFAULTS, "America/New_York")
    assert moment is not None
    assert moment.astimezone(NEW_YORK) == datetime(2026, 11, 26, 9, 0, tzinfo=NEW_YORK)
    assert moment == london("2026-11-26", "14:00")
    assert moment.tzinfo is LONDON


def test_prospect_day_is_their_own_local_day() -> None:
    # Friday 16:30 in London is already Saturday 01:30 in Tokyo: Monday is next either way.
    moment = next_attempt(Outcome.NO_ANSWER, FRIDAY, DEFAULTS, "Asia/Tokyo")
    assert moment == datetime(2026, 11, 30, 9, 0, tzinfo=TOKYO)


@pytest.mark.parametrize("prospect_tz", ["Not/AZone", "", None])
def test_unknown_prospect_zone_falls_back_to_the_reps(prospect_tz: str | None) -> None:
    assert next_attempt(Outcome.NO_ANSWER, WEDNESDAY, DEFAULTS, prospect_tz) == london("2026-11-26")


@pytest.mark.parametrize("outcome", sorted(set(Outcome) - CADENCE_OUTCOMES))
def test_outcomes_outside_the_cadence_schedule_nothing(outcome: Outcome) -> None:
    assert next_attempt(outcome, WEDNESDAY, DEFAULTS) is None


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


def test_no_answer_before_the_european_clock_change_retries_at_nine_gmt() -> None:
    # The clocks go back on Sunday 25 October: Friday is BST, Monday is GMT.
    friday = london("2026-10-23", "15:00")
    moment = next_attempt(Outcome.NO_ANSWER, friday, DEFAULTS)
    assert moment is not None
    assert moment.astimezone(UTC) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert (moment.date(), moment.time(), moment.utcoffset()) == (
        date(2026, 10, 26),
        time(9, 0),
        GMT,
    )


def test_no_answer_before_the_us_clock_change_retries_at_nine_est() -> None:
    # US clocks go back on Sunday 1 November: Friday is EDT there, Monday is EST.
    friday = london("2026-10-30", "15:00")
    moment = next_attempt(Outcome.NO_ANSWER, friday, DEFAULTS, "America/New_York")
    assert moment is not None
    theirs = moment.astimezone(NEW_YORK)
    assert (theirs.date(), theirs.time(), theirs.utcoffset()) == (date(2026, 11, 2), time(9), EST)
    assert moment.astimezone(UTC) == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    assert moment.tzinfo is LONDON


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
