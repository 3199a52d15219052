"""Each outcome's effect on stage, kind, tasks, deals and flags, for a new prospect, a known
prospect and a customer: one table of cases (PRODUCT sections 3, 7 and 14)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.call_log import CallOutcome, log_call, undo_last_call
from funnel_tui.domain import LostReason, Outcome
from funnel_tui.settings import Settings
from funnel_tui.timestamps import to_stored
from funnel_tui.what_next import logged_line, undone_line
from tests.rows import count_rows, get_row, insert_row

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)  # a Wednesday
DUE_THIS_MORNING = datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)
MEETING_NEXT_WEEK = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)
FRIDAY_AT_TWO = datetime(2026, 11, 27, 14, 0, tzinfo=LONDON)
THURSDAY_MORNING_SLOT = to_stored(datetime(2026, 11, 26, 9, 30, tzinfo=LONDON))
THURSDAY_AT_FOUR = datetime(2026, 11, 26, 16, 0, tzinfo=LONDON)
BUSY_RETRY = to_stored(datetime(2026, 11, 25, 13, 0, tzinfo=LONDON))
REVISIT_DAY = date(2027, 3, 1)
REVISIT_SLOT = to_stored(datetime(2027, 3, 1, 9, 30, tzinfo=LONDON))
FRIDAY = to_stored(FRIDAY_AT_TWO)
FOLLOW_UP = to_stored(datetime(2026, 11, 27, 9, 30, tzinfo=LONDON))

# Who the prospect is before the call: kind and stage.
BEFORE = {"new": "lead", "known": "contacted", "customer": "won"}

CALL_DONE = ("call", "done")
MEETING_OPEN = ("meeting", "open")


def case(
    outcome: Outcome,
    kind: str,
    *,
    asked: dict[str, Any] | None = None,
    stage: str | None = None,
    becomes: str | None = None,
    tasks: tuple[tuple[str, str, str | None], ...] = (),
    meeting: str = "open",
    deal: str | None = None,
    **columns: Any,
) -> Any:
    """One row of the table: `tasks` are the tasks the call makes (kind, status, due), the
    due call task is always done by the call, and `meeting` is what becomes of the meeting
    booked for next week."""
    expected = {
        "stage": stage or BEFORE[kind],
        "kind": becomes or kind,
        "tasks": sorted(
            [
                (*CALL_DONE, to_stored(DUE_THIS_MORNING)),
                ("meeting", meeting, to_stored(MEETING_NEXT_WEEK)),
                *tasks,
            ]
        ),
        "deal": deal,
        **columns,
    }
    return pytest.param(outcome, kind, asked or {}, expected, id=f"{outcome.value}-{kind}")


def known_after_a_connect(kind: str) -> str:
    return "known" if kind == "new" else kind


CASES = [
    *(
        case(outcome, kind, tasks=(("call", "open", THURSDAY_MORNING_SLOT),), attempts=1)
        for outcome in (Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.GATEKEEPER)
        for kind in BEFORE
    ),
    *(
        case(Outcome.BUSY, kind, tasks=(("call", "open", BUSY_RETRY),), attempts=1)
        for kind in BEFORE
    ),
    *(
        case(
            Outcome.GATEKEEPER,
            kind,
            asked={"follow_up_at": FRIDAY_AT_TWO},
            tasks=(("call", "open", FRIDAY),),
            attempts=1,
        )
        for kind in ("new",)
    ),
    *(
        case(
            Outcome.CALLBACK,
            kind,
            asked={"follow_up_at": FRIDAY_AT_TWO},
            stage={"new": "contacted"}.get(kind),
            becomes=known_after_a_connect(kind),
            tasks=(("callback", "open", FRIDAY),),
            attempts=0,
        )
        for kind in BEFORE
    ),
    *(
        case(
            Outcome.MEETING,
            kind,
            asked={"follow_up_at": FRIDAY_AT_TWO},
            stage="won" if kind == "customer" else "meeting",
            becomes=known_after_a_connect(kind),
            tasks=(("meeting", "open", FRIDAY),),
        )
        for kind in BEFORE
    ),
    *(
        case(
            Outcome.MEETING_HELD,
            kind,
            asked={"follow_up_at": FRIDAY_AT_TWO},
            stage="won" if kind == "customer" else "qualified",
            becomes=known_after_a_connect(kind),
            meeting="done",
            tasks=(("callback", "open", FRIDAY),),
        )
        for kind in BEFORE
    ),
    # No next step agreed and nothing else open: a follow-up call two business days on.
    case(
        Outcome.MEETING_HELD,
        "known",
        stage="qualified",
        meeting="done",
        tasks=(("call", "open", FOLLOW_UP),),
    ),
    *(
        case(
            Outcome.NO_SHOW,
            kind,
            asked={"follow_up_at": FRIDAY_AT_TWO},
            meeting="open",  # next week's has not come yet: see the tests below
            tasks=(("callback", "open", FRIDAY),),
        )
        for kind in BEFORE
    ),
    *(
        case(
            Outcome.PROPOSAL_SENT,
            kind,
            asked={"amount_cents": 900_000, "close_on": date(2026, 12, 18)},
            stage="won" if kind == "customer" else "proposal",
            becomes=known_after_a_connect(kind),
            deal_value_cents=900_000,
            expected_close_on="2026-12-18",
        )
        for kind in BEFORE
    ),
    *(
        case(
            Outcome.WON,
            kind,
            asked={"amount_cents": 1_250_000},
            stage="won",
            becomes="customer",
            deal="expansion" if kind == "customer" else "new",
            deal_value_cents=None,
        )
        for kind in BEFORE
    ),
    *(
        case(
            Outcome.NOT_INTERESTED,
            kind,
            asked={"reason": LostReason.BUDGET},
            stage="lost",
            becomes="known",
            meeting="cancelled",
            lost_reason="budget",
            nurture=0,
        )
        for kind in ("new", "known")
    ),
    *(
        case(
            Outcome.NOT_INTERESTED,
            kind,
            asked={"reason": LostReason.TIMING, "revisit_on": REVISIT_DAY},
            stage="lost",
            becomes="known",
            meeting="cancelled",
            tasks=(("revisit", "open", REVISIT_SLOT),),
            lost_reason="timing",
            nurture=1,
            nurtured_at=to_stored(NOW),
        )
        for kind in ("new", "known")
    ),
    case(
        Outcome.NOT_INTERESTED,
        "customer",
        asked={"reason": LostReason.NO_NEED},
        lost_reason=None,
        nurture=0,
    ),
    *(case(Outcome.WRONG_NUMBER, kind, wrong_number=1) for kind in BEFORE),
    *(
        case(
            Outcome.DO_NOT_CALL,
            kind,
            stage={"new": "contacted"}.get(kind),
            becomes=known_after_a_connect(kind),
            do_not_call=1,
        )
        for kind in BEFORE
    ),
]


@pytest.mark.parametrize(("outcome", "kind", "asked", "expected"), CASES)
def test_each_outcome_for_each_kind_of_prospect(
    book_db: Any,
    outcome: Outcome,
    kind: str,
    asked: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    prospect_id = insert_row(
        book_db, "prospects", {"name": "Ann Archer", "kind": kind, "stage": BEFORE[kind]}
    )
    for task_kind, due in (("call", DUE_THIS_MORNING), ("meeting", MEETING_NEXT_WEEK)):
        insert_row(
            book_db,
            "tasks",
            {"prospect_id": prospect_id, "kind": task_kind, "due_at": to_stored(due)},
        )

    logged = log_call(
        book_db, prospect_id, CallOutcome(outcome, **asked), now=NOW, settings=Settings()
    )

    after = get_row(book_db, "prospects", prospect_id)
    tasks = sorted(
        (task["kind"], task["status"], task["due_at"])
        for task in book_db.query("SELECT kind, status, due_at FROM tasks")
    )
    deals = [deal["kind"] for deal in book_db.query("SELECT kind FROM deals")]
    columns = {column: expected[column] for column in expected if column not in ("tasks", "deal")}
    assert {column: after[column] for column in columns} == columns
    assert tasks == expected["tasks"]
    assert deals == ([expected["deal"]] if expected["deal"] else [])
    earliest_open = min((due for _, status, due in tasks if status == "open"), default=None)
    assert (
        after["next_call_at"]
        == earliest_open
        == (logged.next_call_at and to_stored(logged.next_call_at))
    )
    reason = book_db.execute("SELECT reason FROM calls").fetchone()[0]
    assert reason == (asked["reason"].value if "reason" in asked else None)


def handed_to_nurture(book_db: Any, revisit: str) -> int:
    """Ann Archer, lost as unreachable after the cadence's eight tries (handed back on 20
    August), with a revisit due at `revisit`; her id."""
    ann = insert_row(
        book_db,
        "prospects",
        {
            "name": "Ann Archer",
            "kind": "known",
            "stage": "lost",
            "nurture": 1,
            "lost_reason": "unreachable",
            "attempts": 8,
            "nurtured_at": "2026-08-20T10:00:00+00:00",
        },
    )
    insert_row(book_db, "tasks", {"prospect_id": ann, "kind": "revisit", "due_at": revisit})
    return ann


def test_an_unanswered_call_on_a_due_revisit_works_the_lead_again_from_the_first_attempt(
    book_db: Any,
) -> None:
    """A nurture lead whose revisit came is back with sales: the cadence starts again."""
    ann = handed_to_nurture(book_db, to_stored(DUE_THIS_MORNING))

    logged = log_call(book_db, ann, CallOutcome(Outcome.NO_ANSWER), now=NOW, settings=Settings())
    # The line said only the next try: the prospect left lost without a word.
    line = logged_line(logged, "Ann Archer", None, NOW)
    assert line.endswith("; no longer lost (stage contacted)")

    after = get_row(book_db, "prospects", ann)
    assert (after["stage"], after["nurture"], after["lost_reason"], after["attempts"]) == (
        "contacted",
        0,
        None,
        1,
    )
    assert (after["next_task_kind"], after["next_call_at"]) == ("call", THURSDAY_MORNING_SLOT)
    assert after["nurtured_at"] == "2026-08-20T10:00:00+00:00"  # when it was handed back


@pytest.mark.parametrize("outcome", [Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.BUSY])
def test_a_try_before_the_revisit_leaves_a_lost_prospect_waiting_for_it(
    book_db: Any, outcome: Outcome
) -> None:
    """A lost prospect called early (found with the filter), no one reached: nothing is
    booked, even at the cadence's last try, and the revisit stays their next call, which
    brings them back. A cadence call booked before it waited in no queue and hid it."""
    revisit = "2027-03-01T09:30:00+00:00"
    ann = handed_to_nurture(book_db, revisit)

    logged = log_call(book_db, ann, CallOutcome(outcome), now=NOW, settings=Settings())

    assert logged_line(logged, "Ann Archer", None, NOW).endswith(
        ": still lost until their revisit Mon 1 Mar 2027"
    )
    after = get_row(book_db, "prospects", ann)
    assert (after["stage"], after["nurture"], after["lost_reason"]) == ("lost", 1, "unreachable")
    assert (after["next_task_kind"], after["next_call_at"]) == ("revisit", revisit)
    assert count_rows(book_db, "tasks") == 1


def test_a_gatekeepers_time_for_a_lost_prospect_is_said_not_booked(book_db: Any) -> None:
    """The time a gatekeeper gave would be a call before the revisit, out of the queue:
    it is not booked, and the line says so rather than drop the time the rep typed."""
    ann = insert_row(
        book_db, "prospects", {"name": "Ann Archer", "stage": "lost", "lost_reason": "timing"}
    )
    insert_row(
        book_db,
        "tasks",
        {"prospect_id": ann, "kind": "revisit", "due_at": "2027-03-01T09:30:00+00:00"},
    )
    given = CallOutcome(Outcome.GATEKEEPER, follow_up_at=THURSDAY_AT_FOUR)

    logged = log_call(book_db, ann, given, now=NOW, settings=Settings())

    assert logged.given_not_booked == THURSDAY_AT_FOUR
    assert logged_line(logged, "Ann Archer", None, NOW).endswith(
        " is not booked, still lost until their revisit Mon 1 Mar 2027"
    )
    assert count_rows(book_db, "tasks") == 1


def test_a_try_on_a_lost_prospect_lets_go_of_a_call_that_hid_their_revisit(
    book_db: Any,
) -> None:
    """A call task left open on a lost prospect (a gatekeeper's time an older funnel
    booked) was their next call, out of the queue, ahead of the revisit: the next try
    cancels it, and the revisit is their next call again."""
    ann = insert_row(book_db, "prospects", {"name": "Ann Archer", "stage": "lost"})
    revisit = "2027-03-01T09:30:00+00:00"
    insert_row(book_db, "tasks", {"prospect_id": ann, "kind": "revisit", "due_at": revisit})
    given = to_stored(THURSDAY_AT_FOUR)
    gatekeeper = insert_row(
        book_db,
        "calls",
        {
            "prospect_id": ann,
            "outcome": "gatekeeper",
            "follow_up_at": given,
            "started_at": to_stored(DUE_THIS_MORNING),
        },
    )
    insert_row(
        book_db,
        "tasks",
        {"prospect_id": ann, "kind": "call", "due_at": given, "call_id": gatekeeper},
    )

    log_call(book_db, ann, CallOutcome(Outcome.NO_ANSWER), now=NOW, settings=Settings())

    after = get_row(book_db, "prospects", ann)
    assert (after["next_task_kind"], after["next_call_at"]) == ("revisit", revisit)


def test_a_proposal_with_nothing_else_open_is_followed_up(book_db: Any) -> None:
    """The deal never drops out of the queue: two business days on, at the morning slot."""
    ann = insert_row(book_db, "prospects", {"name": "Ann", "kind": "known", "stage": "qualified"})
    insert_row(
        book_db,
        "tasks",
        {"prospect_id": ann, "kind": "callback", "due_at": to_stored(DUE_THIS_MORNING)},
    )
    entry = CallOutcome(Outcome.PROPOSAL_SENT, amount_cents=1_850_000, close_on=date(2026, 12, 15))

    log_call(book_db, ann, entry, now=NOW, settings=Settings())

    open_tasks = list(book_db.query("SELECT kind, due_at FROM tasks WHERE status = 'open'"))
    assert open_tasks == [{"kind": "call", "due_at": FOLLOW_UP}]
    assert get_row(book_db, "prospects", ann)["next_call_at"] == FOLLOW_UP


@pytest.mark.parametrize(
    ("meeting_at", "becomes"), [(DUE_THIS_MORNING, "missed"), (MEETING_NEXT_WEEK, "open")]
)
def test_a_no_show_marks_todays_meeting_missed_never_one_still_to_come(
    book_db: Any, meeting_at: datetime, becomes: str
) -> None:
    ann = insert_row(book_db, "prospects", {"name": "Ann", "kind": "known", "stage": "meeting"})
    insert_row(
        book_db, "tasks", {"prospect_id": ann, "kind": "meeting", "due_at": to_stored(meeting_at)}
    )

    entry = CallOutcome(Outcome.NO_SHOW, follow_up_at=FRIDAY_AT_TWO)
    log_call(book_db, ann, entry, now=NOW, settings=Settings())

    tasks = sorted((task["kind"], task["status"]) for task in book_db.query("SELECT * FROM tasks"))
    assert tasks == [("callback", "open"), ("meeting", becomes)]


@pytest.mark.parametrize(
    ("outcome", "booked"),
    [
        (Outcome.CALLBACK, "callback"),
        (Outcome.MEETING, "meeting"),
        (Outcome.MEETING_HELD, "callback"),
        (Outcome.NO_SHOW, "callback"),
    ],
)
@pytest.mark.parametrize(
    "stored_due",
    [
        to_stored(FRIDAY_AT_TWO),
        # Another tool's time with seconds in it is the same minute the rep typed.
        "2026-11-27T14:00:30+00:00",
        # Due later today: confirming it does not answer it, it is still to come.
        to_stored(datetime(2026, 11, 25, 16, 0, tzinfo=LONDON)),
    ],
    ids=["friday", "seconds", "later-today"],
)
def test_an_appointment_confirmed_at_the_moment_already_booked_keeps_that_task(
    book_db: Any, outcome: Outcome, booked: str, stored_due: str
) -> None:
    """The rep confirms the time already booked: the call is logged and the task stays
    the one it was (the calendar's event keeps its UID); undo leaves it open."""
    ann = insert_row(book_db, "prospects", {"name": "Ann", "kind": "known", "stage": "meeting"})
    if outcome in (Outcome.MEETING_HELD, Outcome.NO_SHOW):
        meeting_due = to_stored(DUE_THIS_MORNING)
        insert_row(book_db, "tasks", {"prospect_id": ann, "kind": "meeting", "due_at": meeting_due})
    task_id = insert_row(
        book_db, "tasks", {"prospect_id": ann, "kind": booked, "due_at": stored_due}
    )
    when = datetime.fromisoformat(stored_due).astimezone(LONDON).replace(second=0)

    logged = log_call(
        book_db, ann, CallOutcome(outcome, follow_up_at=when), now=NOW, settings=Settings()
    )

    appointments = list(
        book_db.query(
            "SELECT id, due_at, status, call_id FROM tasks WHERE kind = ? ORDER BY id", [booked]
        )
    )
    # A meeting held or missed closes that meeting as ever; the callback is the one booked.
    assert appointments == [
        {"id": task_id, "due_at": stored_due, "status": "open", "call_id": None}
    ]
    assert logged.already_booked_task_id == task_id
    assert count_rows(book_db, "calls") == 1

    undo_last_call(book_db)

    task = get_row(book_db, "tasks", task_id)
    assert (task["status"], task["due_at"]) == ("open", stored_due)
    assert count_rows(book_db, "calls") == 0


def test_an_appointment_a_minute_away_from_one_booked_is_booked_as_well(book_db: Any) -> None:
    ann = insert_row(book_db, "prospects", {"name": "Ann", "kind": "known", "stage": "contacted"})
    insert_row(book_db, "tasks", {"prospect_id": ann, "kind": "callback", "due_at": FRIDAY})
    # A meeting at the new callback's moment is another kind of appointment.
    insert_row(
        book_db,
        "tasks",
        {"prospect_id": ann, "kind": "meeting", "due_at": "2026-11-27T14:01:00+00:00"},
    )

    entry = CallOutcome(Outcome.CALLBACK, follow_up_at=FRIDAY_AT_TWO.replace(minute=1))
    logged = log_call(book_db, ann, entry, now=NOW, settings=Settings())

    due = [
        task["due_at"]
        for task in book_db.query(
            "SELECT due_at FROM tasks WHERE kind = 'callback' ORDER BY due_at"
        )
    ]
    assert due == [FRIDAY, "2026-11-27T14:01:00+00:00"]
    assert logged.already_booked_task_id is None


@pytest.mark.parametrize(
    ("entry", "stage"),
    [
        (CallOutcome(Outcome.WON, amount_cents=300_000), "won"),
        (CallOutcome(Outcome.MEETING, follow_up_at=FRIDAY_AT_TWO), "meeting"),
        (CallOutcome(Outcome.CALLBACK, follow_up_at=FRIDAY_AT_TWO), "contacted"),
    ],
    ids=["won", "meeting", "callback"],
)
def test_a_lost_prospect_back_in_play_keeps_no_revisit_and_is_told_so(
    book_db: Any, entry: CallOutcome, stage: str
) -> None:
    """Lost for budget with a revisit in March, Ann calls in December and buys (or books a
    meeting): the revisit stayed open, and in March the queue had the rep pitch her again.
    The call cancels it, says so, and undo brings it back."""
    ann = insert_row(
        book_db,
        "prospects",
        {
            "name": "Ann Archer",
            "kind": "known",
            "stage": "lost",
            "lost_reason": "budget",
            "nurture": 1,
            "nurtured_at": "2026-10-01T10:00:00+00:00",
            "timezone": "Europe/London",
        },
    )
    revisit = insert_row(
        book_db, "tasks", {"prospect_id": ann, "kind": "revisit", "due_at": REVISIT_SLOT}
    )

    logged = log_call(book_db, ann, entry, now=NOW, settings=Settings())

    assert get_row(book_db, "tasks", revisit)["status"] == "cancelled"
    assert get_row(book_db, "prospects", ann)["stage"] == stage
    assert logged.revisits_cancelled == (datetime(2027, 3, 1, 9, 30, tzinfo=LONDON),)
    line = logged_line(logged, "Ann Archer", "Europe/London", NOW, amount_cents=300_000)
    assert "; the revisit Mon 1 Mar 2027 is cancelled (u brings it back)" in line
    # Out of lost, which only the timeline said; a win says itself.
    assert logged.no_longer_lost is (stage != "won")
    assert (f"; no longer lost (stage {stage})" in line) is (stage != "won")

    undone = undo_last_call(book_db)

    assert get_row(book_db, "tasks", revisit)["status"] == "open"
    # Undo says what it put back, which its toast left to the card and the timeline.
    assert undone is not None
    label = entry.outcome.spec.label.lower()
    assert undone_line(undone, "Europe/London", NOW) == (
        f"Undid {label} for Ann Archer (ctrl+y redoes): stage back to lost; open again:"
        " revisit Mon 1 Mar 2027"
    )


def test_a_customers_upsell_revisit_stands_through_a_callback_and_goes_with_a_win(
    book_db: Any,
) -> None:
    """A customer who declined an upsell till March and asks for a call on Friday is still
    to be asked in March; an expansion won answers it."""
    dan = insert_row(book_db, "prospects", {"name": "Dan", "kind": "customer", "stage": "won"})
    revisit = insert_row(
        book_db, "tasks", {"prospect_id": dan, "kind": "revisit", "due_at": REVISIT_SLOT}
    )

    entry = CallOutcome(Outcome.CALLBACK, follow_up_at=FRIDAY_AT_TWO)
    logged = log_call(book_db, dan, entry, now=NOW, settings=Settings())
    assert get_row(book_db, "tasks", revisit)["status"] == "open"
    assert logged.revisits_cancelled == ()

    log_call(
        book_db, dan, CallOutcome(Outcome.WON, amount_cents=5_000), now=NOW, settings=Settings()
    )
    assert get_row(book_db, "tasks", revisit)["status"] == "cancelled"


def test_a_second_no_without_a_revisit_day_ends_the_nurture(book_db: Any) -> None:
    """Lost for budget with a revisit in March, then a plain `not interested`: the revisit
    was cancelled and the prospect stayed in nurture, waiting for none."""
    ann = insert_row(
        book_db,
        "prospects",
        {"name": "Ann", "kind": "known", "stage": "lost", "lost_reason": "budget", "nurture": 1},
    )
    revisit = insert_row(
        book_db, "tasks", {"prospect_id": ann, "kind": "revisit", "due_at": REVISIT_SLOT}
    )
    entry = CallOutcome(Outcome.NOT_INTERESTED, reason=LostReason.NO_NEED)
    log_call(book_db, ann, entry, now=NOW, settings=Settings())
    after = get_row(book_db, "prospects", ann)
    assert (after["stage"], after["lost_reason"], after["nurture"]) == ("lost", "no_need", 0)
    assert get_row(book_db, "tasks", revisit)["status"] == "cancelled"
