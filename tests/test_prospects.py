"""Prospects: the add/edit form's validation, saving, notes and what the card loads."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import BUILTIN_METHOD_VALUES, Outcome
from funnel_tui.prospects import (
    ProspectInvalid,
    add_note,
    add_prospect,
    get_prospect,
    load_card,
    set_method,
    update_prospect,
    validate_prospect,
)
from funnel_tui.queue import queue_ids
from funnel_tui.settings import Settings
from funnel_tui.timestamps import to_stored
from tests.rows import count_rows, update_row

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)
METHODS = (*BUILTIN_METHOD_VALUES, "challenger")


def validate(**values: Any) -> dict[str, Any]:
    # Every prospect needs a phone or an email: the tests about other fields give one.
    if "phone" not in values:
        values.setdefault("email", "ann@acme.example")
    # The rep is in London: numbers without a country code are British.
    return validate_prospect(values, methods=METHODS, phone_region="GB", currency="$")


def refusals(**values: Any) -> dict[str, str]:
    with pytest.raises(ProspectInvalid) as refused:
        validate(**values)
    return refused.value.errors


def prospect(db: Any, prospect_id: int) -> dict[str, Any]:
    row = get_prospect(db, prospect_id)
    assert row is not None
    return row


@pytest.mark.parametrize("name", [None, "", "   ", "\x1b[2J\x07", "\u202e"])
def test_a_name_is_required(name: str | None) -> None:
    assert list(refusals(name=name, email="ann@acme.example")) == ["name"]


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_phone_or_an_email_is_required(blank: str | None) -> None:
    assert refusals(name="Ann", phone=blank, email=blank) == {
        "phone": "a phone or an email is needed"
    }
    assert validate(name="Ann", phone="020 7946 0958", email=blank)["phone"] == "+442079460958"
    assert validate(name="Ann", phone=blank, email="ann@acme.example")["email"]


def test_an_edit_checks_only_the_fields_it_changes() -> None:
    """What another tool stored and the rep left alone is not saved, so it refuses nothing;
    a change that leaves neither a phone nor an email is refused under the changed field."""
    stored = {"name": "", "phone": "", "email": "ann at acme", "timezone": "PST"}
    untouched = {"name", "phone", "email", "timezone"}
    row = validate_prospect(
        {**stored, "title": "CFO"},
        methods=METHODS,
        phone_region="GB",
        currency="$",
        unchanged=untouched,
    )
    assert row["title"] == "CFO"
    with pytest.raises(ProspectInvalid) as refused:
        validate_prospect(
            {**stored, "email": ""},
            methods=METHODS,
            phone_region="GB",
            currency="$",
            unchanged=untouched - {"email"},
        )
    assert refused.value.errors == {"email": "a phone or an email is needed"}


def test_every_bad_field_is_refused_with_its_own_reason() -> None:
    errors = refusals(
        name="Ann",
        email="ann@acme",
        phone="12345",
        timezone="Mars/Olympus_Mons",
        kind="vip",
        stage="closed",
        method="telepathy",
        priority="urgent",
        deal_value="lots",
    )
    assert set(errors) == {
        "email",
        "phone",
        "timezone",
        "kind",
        "stage",
        "method",
        "priority",
        "deal_value",
    }
    assert "email address" in errors["email"]
    assert errors["phone"] == "a local number in GB only: add the area code"
    assert "Europe/London" in errors["timezone"]
    assert "new, known, customer" in errors["kind"]
    assert "lead" in errors["stage"]
    assert "challenger" in errors["method"]
    assert "low, normal or high" in errors["priority"]
    assert "'lots'" in errors["deal_value"]
    assert all("\n" not in reason for reason in errors.values())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "ann at acme.example"),
        ("email", "ann@@acme.example"),
        ("email", "ann@acme.c"),
        ("phone", "555-CALL-NOW"),
        ("phone", "+44 20 7946 0958 or so"),
        ("phone", "1234567890123456"),
        ("timezone", "London"),
        ("timezone", "../../etc/passwd"),
        ("deal_value", "-500"),
        ("deal_value", "12.345"),
        ("priority", "5"),
    ],
)
def test_malformed_values_are_refused(field: str, value: str) -> None:
    assert list(refusals(name="Ann", **{field: value})) == [field]


def test_good_values_are_normalised() -> None:
    row = validate(
        name="  Ann Archer ",
        title="",
        company="Acme Ltd",
        phone="+44 (20) 7946-0958 ext. 12",
        email="ann@acme.example",
        timezone="America/New_York",
        kind="Customer",
        stage=" Qualified ",
        method="challenger",
        priority="HIGH",
        deal_value="12k",
        needs="   ",
    )
    assert row == {
        "name": "Ann Archer",
        "first_name": None,
        "title": None,
        "company": "Acme Ltd",
        "phone": "+442079460958;ext=12",
        "email": "ann@acme.example",
        "timezone": "America/New_York",
        "timezone_guessed": 0,
        "needs": None,
        "pain_points": None,
        "objections": None,
        "goals": None,
        "source": None,
        "kind": "customer",
        "stage": "qualified",
        "method": "challenger",
        "priority": 2,
        "deal_value_cents": 1_200_000,
    }


@pytest.mark.parametrize(
    ("typed", "stored"), [("low", 0), ("Normal", 1), ("high", 2), ("0", 0), ("2", 2), (1, 1)]
)
def test_priority_words_and_numbers(typed: object, stored: int) -> None:
    assert validate(name="Ann", priority=typed)["priority"] == stored


@pytest.mark.parametrize(
    ("typed", "cents"), [("12k", 1_200_000), ("$1,200.50", 120_050), ("1.5m", 150_000_000)]
)
def test_deal_values_are_read_as_cents(typed: str, cents: int) -> None:
    assert validate(name="Ann", deal_value=typed)["deal_value_cents"] == cents


def test_a_deal_value_in_another_currency_is_refused() -> None:
    with pytest.raises(ProspectInvalid) as invalid:
        validate(name="Ann", deal_value="€1,200")
    assert "this book counts in $, not €" in invalid.value.errors["deal_value"]


def test_an_emptied_deal_value_clears_it_and_a_missing_one_is_left_alone() -> None:
    assert validate(name="Ann", deal_value="  ")["deal_value_cents"] is None
    assert "deal_value_cents" not in validate(name="Ann")


def test_markup_lookalikes_are_kept_literally() -> None:
    row = validate(
        name="[bold]Ann[/bold]",
        company="[link=http://evil.example]Acme[/link]",
        needs="[/] and [red]$rent[/red] {name}",
    )
    assert (row["name"], row["company"], row["needs"]) == (
        "[bold]Ann[/bold]",
        "[link=http://evil.example]Acme[/link]",
        "[/] and [red]$rent[/red] {name}",
    )


def test_control_characters_and_escape_sequences_are_removed() -> None:
    row = validate(
        name="Ann\x1b[2J\x07 Archer",
        company="\x1b]0;evil title\x07Acme\x9b",
        phone="+44 20\x00 7946 0958",
        objections="price\r\n\x1b]8;;http://evil.example\x1b\\too high\x1b]8;;\x1b\\\u202e",
    )
    assert (row["name"], row["company"], row["phone"], row["objections"]) == (
        "Ann Archer",
        "Acme",
        "+442079460958",
        "price\ntoo high",
    )


def test_an_added_prospect_is_stored_as_validated(book_db: Any) -> None:
    row = validate(name="Ann Archer", email="ann@acme.example", priority="high", method="inbound")
    ann = add_prospect(book_db, row, now=NOW)
    stored = prospect(book_db, ann)
    assert {column: stored[column] for column in row} == row
    expected_defaults = {
        "kind": "new",
        "stage": "lead",
        "attempts": 0,
        "do_not_call": 0,
        "wrong_number": 0,
        "created_at": to_stored(NOW),
        "updated_at": to_stored(NOW),
    }
    assert {column: stored[column] for column in expected_defaults} == expected_defaults
    assert list(queue_ids(book_db, now=NOW)) == [ann]


def test_editing_saves_the_changed_fields(book_db: Any) -> None:
    ann = add_prospect(book_db, validate(name="Ann", company="Acme"), now=NOW)
    update_prospect(book_db, ann, validate(name="Ann Archer", company="Globex", stage="won"))
    stored = prospect(book_db, ann)
    assert (stored["name"], stored["company"], stored["stage"]) == ("Ann Archer", "Globex", "won")


def test_editing_a_deleted_prospect_says_so(book_db: Any) -> None:
    with pytest.raises(LookupError, match="no longer exists"):
        update_prospect(book_db, 404, {"name": "Ann"})


def wrong_number(db: Any) -> int:
    ann = add_prospect(db, validate(name="Ann", phone="020 7946 0000", company="Acme"), now=NOW)
    log_call(db, ann, CallOutcome(Outcome.WRONG_NUMBER), now=NOW, settings=Settings())
    assert ann not in queue_ids(db, now=NOW)
    return ann


def test_a_new_phone_number_clears_wrong_number_and_requeues(
    book_db: Any,
) -> None:
    ann = wrong_number(book_db)
    update_prospect(book_db, ann, validate(name="Ann", phone="020 7946 0958", company="Acme"))
    assert prospect(book_db, ann)["wrong_number"] == 0
    assert list(queue_ids(book_db, now=NOW + timedelta(minutes=5))) == [ann]


def test_other_edits_keep_the_wrong_number_flag(book_db: Any) -> None:
    ann = wrong_number(book_db)
    update_prospect(book_db, ann, validate(name="Ann", phone="020 7946 0000", company="Globex"))
    update_prospect(book_db, ann, {"needs": "a new phone number"})
    assert prospect(book_db, ann)["wrong_number"] == 1
    assert ann not in queue_ids(book_db, now=NOW + timedelta(days=1))


def test_a_new_number_keeps_a_scheduled_follow_up(book_db: Any) -> None:
    ann = add_prospect(book_db, validate(name="Ann", phone="020 7946 0000"), now=NOW)
    follow_up = to_stored(NOW + timedelta(days=7))
    update_row(book_db, "prospects", ann, {"wrong_number": 1, "next_call_at": follow_up})
    update_prospect(book_db, ann, {"phone": "020 7946 0958"})
    edited = prospect(book_db, ann)
    assert (edited["wrong_number"], edited["next_call_at"]) == (0, follow_up)


def test_the_chosen_method_is_remembered(book_db: Any) -> None:
    ann = add_prospect(book_db, validate(name="Ann"), now=NOW)
    set_method(book_db, ann, "conceptual")
    assert prospect(book_db, ann)["method"] == "conceptual"


@pytest.mark.parametrize("body", ["", "   \n\t", "\x1b[2J\x1b]0;x\x07"])
def test_an_empty_note_is_refused(book_db: Any, body: str) -> None:
    ann = add_prospect(book_db, validate(name="Ann"), now=NOW)
    with pytest.raises(ValueError, match="empty"):
        add_note(book_db, ann, body, now=NOW)
    assert count_rows(book_db, "notes") == 0


def test_a_note_records_the_rep_who_wrote_it(book_db: Any) -> None:
    """In a team's book a note is the rep's, as their calls are (PRODUCT 16)."""
    ann = add_prospect(book_db, validate(name="Ann"), now=NOW)
    add_note(book_db, ann, "asked for a call in spring", now=NOW, rep="alex")
    add_note(book_db, ann, "one rep's book", now=NOW)
    rows = book_db.execute("SELECT body, rep FROM notes ORDER BY id").fetchall()
    assert [tuple(row) for row in rows] == [
        ("asked for a call in spring", "alex"),
        ("one rep's book", None),
    ]


def test_the_card_shows_the_latest_calls_and_notes_newest_first(
    book_db: Any,
) -> None:
    ann = add_prospect(book_db, validate(name="Ann", company="Acme"), now=NOW)
    other = add_prospect(book_db, validate(name="Bob"), now=NOW)
    for day in range(1, 8):
        moment = NOW + timedelta(days=day)
        log_call(
            book_db,
            ann,
            CallOutcome(Outcome.BUSY, notes=f"call {day}", duration_s=day),
            now=moment,
            settings=Settings(max_attempts=99),
        )
        add_note(book_db, ann, f"note {day} \x1b[1m[bold]\x1b[0m", now=moment)
    add_note(book_db, other, "not Ann's", now=NOW)

    card = load_card(book_db, ann)

    assert card is not None
    assert card.prospect == prospect(book_db, ann)
    assert [call["notes"] for call in card.calls] == [f"call {day}" for day in (7, 6, 5, 4, 3)]
    assert [note["body"] for note in card.notes] == [f"note {day} [bold]" for day in (7, 6, 5)]
    assert load_card(book_db, 404) is None


def test_a_number_without_its_country_code_is_read_in_the_country_of_the_zone_typed() -> None:
    # The rep is in London; the prospect, in Boston, as the form's timezone says.
    row = validate(name="Priya Shah", phone="(617) 555-0154", timezone="America/New_York")
    assert (row["phone"], row["timezone"], row["timezone_guessed"]) == (
        "+16175550154",
        "America/New_York",
        0,
    )
    assert validate(name="Priya Shah", phone="(617) 555-0154")["phone"] == "+446175550154"


def test_the_form_reads_a_number_after_00_as_international_where_the_region_dials_011() -> None:
    values = {"name": "Jürgen Müller", "phone": "0049 30 901820"}
    row = validate_prospect(values, methods=METHODS, phone_region="US", currency="$")
    assert (row["phone"], row["timezone"]) == ("+4930901820", "Europe/Berlin")
