"""Editing saves only what the rep changed, and never overwrites what another program saved."""

from __future__ import annotations

from typing import Any

import pytest

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.prospects import EditConflict, get_prospect, update_prospect, validate_prospect
from funnel_tui.settings import Settings
from tests.test_call_log import NOW, prospect, worked_prospect

METHODS = ("solution", "benefits")


def reachable_prospect(db: Any) -> int:
    """A prospect with history, and a phone: the form saves none without a phone or email."""
    ann = worked_prospect(db)
    db.execute(
        "UPDATE prospects SET phone = '+442079460958', timezone = 'Europe/London' WHERE id = ?",
        [ann],
    )
    return ann


def form_row(loaded: dict[str, object], **typed: str) -> dict[str, object]:
    """What the edit form hands over: every field, as loaded unless typed."""
    values = {
        **{
            field: str(loaded[field] or "")
            for field in ("name", "title", "company", "phone", "email", "timezone")
        },
        "kind": str(loaded["kind"]),
        "stage": str(loaded["stage"]),
        "method": str(loaded["method"]),
        "priority": str(loaded["priority"]),
        "deal_value": str((loaded["deal_value_cents"] or 0) // 100 or ""),
        **typed,
    }
    return validate_prospect(values, methods=METHODS, phone_region="GB", currency="$")


def test_a_win_logged_meanwhile_survives_an_edit_of_the_title(book_db: Any) -> None:
    ann = reachable_prospect(book_db)
    loaded = prospect(book_db, ann)
    log_call(
        book_db, ann, CallOutcome(Outcome.WON, amount_cents=39_800_00), now=NOW, settings=Settings()
    )
    won = prospect(book_db, ann)

    written = update_prospect(book_db, ann, form_row(loaded, title="Head of Ops"), loaded=loaded)

    assert written == {"title": "Head of Ops"}
    after = prospect(book_db, ann)
    assert after["title"] == "Head of Ops"
    # The win cleared the open deal value (the deal is in deals): the edit keeps it cleared.
    assert (after["stage"], after["kind"], after["deal_value_cents"]) == (
        "won",
        "customer",
        won["deal_value_cents"],
    )
    assert won["deal_value_cents"] is None
    assert after["next_call_at"] == won["next_call_at"]


def test_the_same_field_changed_meanwhile_is_a_conflict_and_nothing_is_saved(
    book_db: Any,
) -> None:
    ann = reachable_prospect(book_db)
    loaded = prospect(book_db, ann)
    book_db.execute("UPDATE prospects SET stage = 'won', company = 'Globex' WHERE id = ?", [ann])
    theirs = prospect(book_db, ann)

    with pytest.raises(EditConflict) as conflict:
        update_prospect(
            book_db, ann, form_row(loaded, stage="proposal", title="CFO"), loaded=loaded
        )

    assert conflict.value.theirs == {"stage": "won"}
    assert prospect(book_db, ann) == theirs


def test_saving_again_against_the_row_as_it_is_now_takes_the_reps_choice(
    book_db: Any,
) -> None:
    ann = reachable_prospect(book_db)
    loaded = prospect(book_db, ann)
    book_db.execute("UPDATE prospects SET stage = 'won' WHERE id = ?", [ann])
    with pytest.raises(EditConflict):
        update_prospect(book_db, ann, form_row(loaded, stage="proposal"), loaded=loaded)

    # The rep keeps theirs: the form now holds the value the other program saved.
    rebased = {**loaded, "stage": "won"}
    assert update_prospect(book_db, ann, form_row(rebased, title="CFO"), loaded=rebased) == {
        "title": "CFO"
    }
    assert prospect(book_db, ann)["stage"] == "won"
    # Or keeps their own value: it is written over the other program's.
    update_prospect(book_db, ann, form_row(rebased, stage="proposal"), loaded=rebased)
    assert prospect(book_db, ann)["stage"] == "proposal"


def test_the_same_change_made_twice_is_no_conflict(book_db: Any) -> None:
    ann = reachable_prospect(book_db)
    loaded = prospect(book_db, ann)
    book_db.execute("UPDATE prospects SET title = 'CFO' WHERE id = ?", [ann])
    update_prospect(book_db, ann, form_row(loaded, title="CFO"), loaded=loaded)
    assert prospect(book_db, ann)["title"] == "CFO"


def test_an_edit_that_changes_nothing_writes_nothing(book_db: Any) -> None:
    ann = reachable_prospect(book_db)
    loaded = prospect(book_db, ann)
    assert update_prospect(book_db, ann, form_row(loaded), loaded=loaded) == {}
    assert get_prospect(book_db, ann) == loaded
