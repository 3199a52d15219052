"""The fields an outcome asks for, as typed: read strictly, read back, refused in one line."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.domain import Ask, Outcome, Question
from funnel_tui.outcome_answers import (
    AnswerRefused,
    Reading,
    open_close_on,
    open_deal_cents,
    prefilled,
    read_answer,
)
from funnel_tui.settings import Settings

NOW = datetime(2026, 11, 18, 14, 30, tzinfo=ZoneInfo("Europe/London"))
READING = Reading(now=NOW, settings=Settings(currency="€"))


def question(outcome: Outcome, ask: Ask) -> Question:
    asked = outcome.spec.asks_for(ask)
    assert asked is not None
    return asked


def test_each_outcome_asks_in_the_order_the_dialog_shows_its_fields() -> None:
    order = list(Ask)
    for outcome in Outcome:
        asked = [order.index(question.ask) for question in outcome.spec.asks]
        assert asked == sorted(asked), outcome


def test_an_empty_required_field_says_what_is_needed() -> None:
    with pytest.raises(AnswerRefused, match="needed: say when"):
        read_answer(Outcome.NO_SHOW, question(Outcome.NO_SHOW, Ask.WHEN), "  ", READING)


def test_an_empty_optional_field_is_no_answer() -> None:
    gatekeeper_when = question(Outcome.GATEKEEPER, Ask.WHEN)
    assert read_answer(Outcome.GATEKEEPER, gatekeeper_when, "", READING) is None


def test_a_time_reads_back_as_the_moment() -> None:
    answer = read_answer(Outcome.CALLBACK, question(Outcome.CALLBACK, Ask.WHEN), "fri 2pm", READING)
    assert answer is not None
    assert answer.value == datetime(2026, 11, 20, 14, 0, tzinfo=NOW.tzinfo)
    assert answer.read_back == "Fri 20 Nov 2026, 14:00 (in 2 days)"


def test_a_day_reads_back_as_the_date() -> None:
    close = question(Outcome.PROPOSAL_SENT, Ask.CLOSE_ON)
    answer = read_answer(Outcome.PROPOSAL_SENT, close, "15/12", READING)
    assert answer is not None
    assert (answer.value, answer.read_back) == (date(2026, 12, 15), "Tue 15 Dec 2026 (in 27 days)")


@pytest.mark.parametrize(
    ("customer", "read_back"),
    [(False, "€12,000.00"), (True, "€12,000.00, an expansion deal (already a customer)")],
)
def test_a_won_amount_says_when_it_is_an_expansion(customer: bool, read_back: str) -> None:
    reading = Reading(now=NOW, settings=Settings(currency="€"), customer=customer)
    answer = read_answer(Outcome.WON, question(Outcome.WON, Ask.AMOUNT), "12k", reading)
    assert answer is not None
    assert (answer.value, answer.read_back) == (1_200_000, read_back)


@pytest.mark.parametrize(
    ("outcome", "ask", "typed", "refused"),
    [
        (Outcome.WON, Ask.AMOUNT, "0", "more than zero"),
        (Outcome.PROPOSAL_SENT, Ask.AMOUNT, "lots", "'lots' is not an amount"),
        (Outcome.PROPOSAL_SENT, Ask.CLOSE_ON, "1/11/2026", "Sun 1 Nov 2026 is in the past"),
        (Outcome.NOT_INTERESTED, Ask.REVISIT_ON, "17/11/2026", "Tue 17 Nov 2026 is in the past"),
        (Outcome.MEETING, Ask.WHEN, "yesterday", "'yesterday' is in the past"),
    ],
)
def test_what_cannot_be_saved_is_refused_in_one_line(
    outcome: Outcome, ask: Ask, typed: str, refused: str
) -> None:
    with pytest.raises(AnswerRefused, match=refused) as raised:
        read_answer(outcome, question(outcome, ask), typed, READING)
    assert "\n" not in str(raised.value)


def test_an_amount_refused_in_a_euro_book_gives_a_euro_example() -> None:
    """The book counts in € (READING): the field said to type `$1,200.50`, which it refuses."""
    amount = question(Outcome.PROPOSAL_SENT, Ask.AMOUNT)
    with pytest.raises(AnswerRefused) as raised:
        read_answer(Outcome.PROPOSAL_SENT, amount, "lots", READING)
    assert str(raised.value).endswith("such as €1,200.50")


@pytest.mark.parametrize(
    ("stored", "open_deal", "shown"),
    [
        (900_000, 900_000, "9,000"),
        (300_050, 300_050, "3,000.50"),
        (None, None, ""),
        (0, None, ""),
        ("lots", None, ""),
        (10**13, None, ""),
    ],
)
def test_a_win_starts_from_the_open_deal_value_when_it_is_one(
    stored: object, open_deal: int | None, shown: str
) -> None:
    assert open_deal_cents({"deal_value_cents": stored}) == open_deal
    assert prefilled(Outcome.WON, Ask.AMOUNT, open_deal) == shown


def test_a_revisit_on_a_day_off_says_so_as_a_callback_does() -> None:
    """`in 12 weeks` read as Sunday 28 February, said without a word: a callback on a
    Sunday is warned of."""
    revisit = question(Outcome.NOT_INTERESTED, Ask.REVISIT_ON)
    wednesday = read_answer(Outcome.NOT_INTERESTED, revisit, "in 14 weeks", READING)
    assert wednesday is not None and wednesday.value == date(2027, 2, 24)
    assert wednesday.warning == ""
    weekend = read_answer(Outcome.NOT_INTERESTED, revisit, "28/2/2027", READING)
    assert weekend is not None and weekend.warning == "Sunday is not a business day"
    holiday = Reading(now=NOW, settings=Settings(holidays=frozenset({date(2027, 3, 1)})))
    monday = read_answer(Outcome.NOT_INTERESTED, revisit, "1/3/2027", holiday)
    assert monday is not None and monday.warning == "Mon 1 Mar is a holiday"


def test_a_proposal_starts_from_the_open_deal_value_and_every_other_field_empty() -> None:
    """`l p` on Noah, whose deal is $14,800: the amount started empty, where `l w` gave it."""
    assert prefilled(Outcome.PROPOSAL_SENT, Ask.AMOUNT, 1_480_000) == "14,800"
    assert prefilled(Outcome.PROPOSAL_SENT, Ask.AMOUNT, None) == ""
    assert prefilled(Outcome.PROPOSAL_SENT, Ask.CLOSE_ON, 1_480_000) == ""
    assert prefilled(Outcome.CALLBACK, Ask.WHEN, 900_000) == ""
    # Its close date starts from the expected one still to come, as the prospect holds it.
    today = date(2026, 12, 6)
    close_on = open_close_on({"expected_close_on": "2026-12-26"}, today)
    assert prefilled(Outcome.PROPOSAL_SENT, Ask.CLOSE_ON, None, close_on) == "2026-12-26"
    assert prefilled(Outcome.WON, Ask.CLOSE_ON, None, close_on) == ""
    for gone in ("2026-12-01", "soon", 20261226, None):
        assert open_close_on({"expected_close_on": gone}, today) is None


@pytest.mark.parametrize(
    ("typed", "warned"),
    [
        # The day before: read as next year's, and said so.
        ("17/11", True),
        ("17/11 2pm", True),
        # A year named: meant.
        ("17/11/2027", False),
        ("17 nov next year", False),
        # Days ahead: nothing to say.
        ("19/11", False),
    ],
)
def test_a_day_that_has_passed_this_year_is_read_as_next_years_and_said(
    typed: str, warned: bool
) -> None:
    callback = question(Outcome.CALLBACK, Ask.WHEN)
    try:
        answer = read_answer(Outcome.CALLBACK, callback, typed, READING)
    except AnswerRefused:
        assert not warned
        return
    assert answer is not None
    said = "that is next year: 17 Nov has passed this year" in answer.warning
    assert said is warned, answer


@pytest.mark.parametrize(
    ("outcome", "ask"),
    [(Outcome.PROPOSAL_SENT, Ask.CLOSE_ON), (Outcome.NOT_INTERESTED, Ask.REVISIT_ON)],
)
def test_a_close_or_revisit_day_that_has_passed_this_year_is_said_as_next_years(
    outcome: Outcome, ask: Ask
) -> None:
    """`3/12` typed on 5 December saved 3 December next year without a word: the
    callback's field said so, the close and revisit days did not."""
    asked = question(outcome, ask)
    answer = read_answer(outcome, asked, "17/11", READING)
    assert answer is not None and answer.value == date(2027, 11, 17)
    assert answer.warning == "that is next year: 17 Nov has passed this year"
    leap = read_answer(outcome, asked, "29/2", READING)
    assert leap is not None and leap.warning == "that is 2028, the next year with a 29 Feb"
    # A year named in any way dateutil reads: nothing has passed.
    for typed in ("19/11", "17/11/2027", "in 50 weeks", "17 nov 27", "17.11.27", "nov 17, '27"):
        meant = read_answer(outcome, asked, typed, READING)
        assert meant is not None and meant.warning == "", typed


@pytest.mark.parametrize(
    ("outcome", "ask", "typed", "value"),
    [
        (Outcome.CALLBACK, Ask.WHEN, "12/2 10am", datetime(2027, 2, 12, 10, 0, tzinfo=NOW.tzinfo)),
        (Outcome.PROPOSAL_SENT, Ask.CLOSE_ON, "12-2", date(2027, 2, 12)),
        # Dotted, as much of Europe writes a date: no word was said of `12.2`.
        (Outcome.CALLBACK, Ask.WHEN, "12.2 10am", datetime(2027, 2, 12, 10, 0, tzinfo=NOW.tzinfo)),
        (Outcome.PROPOSAL_SENT, Ask.CLOSE_ON, "12.2.", date(2027, 2, 12)),
    ],
)
def test_a_day_and_month_the_other_order_reads_as_within_two_weeks_is_said(
    outcome: Outcome, ask: Ask, typed: str, value: object
) -> None:
    """A rep who writes the month first typed `12/7` in a book set to day first, on 5
    December, for Monday the 7th: it was saved as 12 July with no warning, 219 days away."""
    answer = read_answer(outcome, question(outcome, ask), typed, READING)
    assert answer is not None and answer.value == value
    assert "read day first, as 12 Feb; for Wed 2 Dec say 2 Dec (or set day_first to no)" in (
        answer.warning
    )
    month_first = Reading(now=NOW, settings=Settings(day_first=False))
    answer = read_answer(outcome, question(outcome, ask), "2/12", month_first)
    assert answer is not None and "read month first, as 12 Feb; for Wed 2 Dec" in answer.warning
    # Near in the order read, far in both, a day off the other way (Sun 6 Dec), or with
    # its year: nothing said. `3/1` is the first of March to a rep who writes the month
    # first, a month after 3 January.
    for plain in ("12/2/2027", "2 feb", "3/1", "1/2", "12/6"):
        answer = read_answer(outcome, question(outcome, ask), plain, READING)
        assert answer is not None and "first, as" not in answer.warning, plain
    answer = read_answer(outcome, question(outcome, ask), "1/3", month_first)
    assert answer is not None and "first, as" not in answer.warning


@pytest.mark.parametrize(("typed", "day_first"), [("mon 14.12", False), ("mon 12.14", True)])
def test_a_dotted_pair_only_one_order_reads_is_that_day_in_either_book(
    typed: str, day_first: bool
) -> None:
    """In a book kept month first `mon 14.12` closed and was revisited on Monday the 23rd,
    and a callback was booked then at 14:12, where a book kept day first reads 14 December
    and asks about the callback."""
    reading = Reading(now=NOW, settings=Settings(day_first=day_first))
    for outcome, ask in (
        (Outcome.PROPOSAL_SENT, Ask.CLOSE_ON),
        (Outcome.NOT_INTERESTED, Ask.REVISIT_ON),
    ):
        answer = read_answer(outcome, question(outcome, ask), typed, reading)
        assert answer is not None and answer.value == date(2026, 12, 14), (typed, ask)
    pair = typed.removeprefix("mon ")
    asked = f"'{pair}' could be Mon 14 Dec or a time; say {pair.replace('.', '/')} for the day"
    with pytest.raises(AnswerRefused, match=re.escape(asked)):
        read_answer(Outcome.CALLBACK, question(Outcome.CALLBACK, Ask.WHEN), typed, reading)


def test_a_day_typed_on_their_clock_is_warned_about_as_typed() -> None:
    """`18/11` for a Sydney prospect, already the 19th there, is next year's 18 November
    at 09:00 their time, the 17th in London: the warning named the 17th, a day nobody
    typed."""
    sydney = Reading(now=NOW, settings=Settings(), prospect_timezone="Australia/Sydney")
    answer = read_answer(Outcome.CALLBACK, question(Outcome.CALLBACK, Ask.WHEN), "18/11", sydney)
    assert answer is not None
    assert answer.warning.startswith("that is next year: 18 Nov has passed this year")


@pytest.mark.parametrize("typed", ["17/11 at 10", "17/11 10", "17/11 @ 10", "17/11 1430"])
def test_a_time_said_with_at_leaves_the_next_year_warning_on(typed: str) -> None:
    """`4/12 at 10` typed on 5 December saved next year's 4 December without a word: the
    date reader took `at 10` for the year 2010, so the text seemed to name one."""
    answer = read_answer(Outcome.CALLBACK, question(Outcome.CALLBACK, Ask.WHEN), typed, READING)
    assert answer is not None
    assert answer.warning.startswith("that is next year: 17 Nov has passed this year")


@pytest.mark.parametrize(
    ("typed", "warned"),
    [
        ("2027-11-17 10:00 their time", False),
        ("2027-11-17 10:00 CET", False),
        ("2027-11-17 10:00 my time", False),
        ("17/11/2027 10am their time", False),
        ("17 nov 27 10am Europe/Berlin", False),
        ("17/11 10am their time", True),
    ],
)
def test_a_year_named_before_the_zone_words_is_no_next_years(typed: str, warned: bool) -> None:
    """`2027-11-08 10:00 their time` was said to be next year's, `8 Nov has passed this
    year`, where the same without `their time` was not."""
    berlin = Reading(now=NOW, settings=Settings(), prospect_timezone="Europe/Berlin")
    answer = read_answer(Outcome.CALLBACK, question(Outcome.CALLBACK, Ask.WHEN), typed, berlin)
    assert answer is not None and answer.value.date() == date(2027, 11, 17)
    assert ("that is next year" in answer.warning) is warned, answer.warning


def test_a_day_still_to_come_this_year_is_no_next_years() -> None:
    """A year-end close typed in January was said to be next year's, `31 Dec has passed
    this year`."""
    january = Reading(now=datetime(2027, 1, 5, 10, 0, tzinfo=UTC), settings=Settings())
    asked = question(Outcome.PROPOSAL_SENT, Ask.CLOSE_ON)
    answer = read_answer(Outcome.PROPOSAL_SENT, asked, "31/12", january)
    assert answer is not None and answer.value == date(2027, 12, 31)
    assert answer.warning == ""
    # 29 February typed in 2027, which has none: said as 2028's.
    leap = read_answer(Outcome.PROPOSAL_SENT, asked, "29/2", january)
    assert leap is not None and leap.warning == "that is 2028, the next year with a 29 Feb"


def test_29_february_typed_in_a_year_without_one_names_the_year_it_is() -> None:
    """It said `that is next year: 29 Feb has passed this year` of a day two years away
    that this year never had."""
    callback = question(Outcome.CALLBACK, Ask.WHEN)
    answer = read_answer(Outcome.CALLBACK, callback, "29/2", READING)
    assert answer is not None and answer.value.year == 2028
    assert "that is 2028, the next year with a 29 Feb" in answer.warning
    # A length of time names no day to roll over.
    for typed in ("in 14 months", "in 400 days", "+60w"):
        later = read_answer(Outcome.CALLBACK, callback, typed, READING)
        assert later is not None and "year" not in later.warning, typed


def test_a_holiday_outside_their_calling_hours_warns_of_both() -> None:
    # Only the holiday was said: 10am in London is 05:00 in New York.
    settings = Settings(holidays=(date(2026, 12, 25),))
    reading = Reading(now=NOW, settings=settings, prospect_timezone="America/New_York")
    asked = question(Outcome.CALLBACK, Ask.WHEN)
    answer = read_answer(Outcome.CALLBACK, asked, "25/12 10am", reading)
    assert answer is not None
    assert answer.warning == (
        "Fri 25 Dec is a holiday, and 05:00 their time is outside calling hours (09:00-18:00)"
    )


def test_the_end_of_calling_hours_is_said_as_their_end() -> None:
    """`18:00 is outside calling hours (09:00-18:00)` read as a contradiction."""
    asked = question(Outcome.CALLBACK, Ask.WHEN)
    at_six = read_answer(Outcome.CALLBACK, asked, "tomorrow 6pm", READING)
    assert at_six is not None
    assert at_six.warning == "18:00 is outside calling hours (they end at 18:00)"
    at_seven = read_answer(Outcome.CALLBACK, asked, "tomorrow 7pm", READING)
    assert at_seven is not None
    assert at_seven.warning == "19:00 is outside calling hours (09:00-18:00)"


def test_a_gatekeepers_time_for_a_lost_prospect_says_it_is_not_booked() -> None:
    """The preview showed the time as any other, and only the toast after the save said
    the call was not booked: the prospect is lost until their revisit."""
    asked = question(Outcome.GATEKEEPER, Ask.WHEN)
    lost = replace(READING, lost=True)

    answer = read_answer(Outcome.GATEKEEPER, asked, "fri 3pm", lost)
    kept = read_answer(Outcome.GATEKEEPER, asked, "fri 3pm", READING)

    assert answer is not None and kept is not None
    assert answer.value == kept.value
    assert answer.warning == "not booked: they are lost, in the queue again only for a revisit"
    assert kept.warning == ""
