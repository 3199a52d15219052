"""The demo database: a believable, consistent book of business built the same way every time."""

from __future__ import annotations

import re
import time as time_module
import unicodedata
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, rrule

from funnel_tui.call_log import undo_last_call
from funnel_tui.checks import check_database
from funnel_tui.demo import DemoSummary, build_demo
from funnel_tui.domain import (
    BUILTIN_METHOD_VALUES,
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    PIPELINE_STAGES,
    Kind,
    Outcome,
    Stage,
)
from funnel_tui.pace import load_pace
from funnel_tui.settings import Settings, save_settings
from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import from_stored, to_stored
from tests.cli_support import invoke

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 18, 14, 30, tzinfo=LONDON)  # a Wednesday afternoon
MONDAY_EARLY = datetime(2026, 11, 16, 8, 0, tzinfo=LONDON)  # before calling hours
SOURCES = {"webinar", "trade show", "website form", "referral", "cold list", "LinkedIn ad"}
# The default settings, written out so the tests do not trust the code (PRODUCT 7).
CALLING_START, CALLING_END = time(9, 0), time(18, 0)
MORNING_SLOT, AFTERNOON_SLOT = time(9, 30), time(14, 0)
CADENCE_DAYS = (1, 1, 2, 2, 3, 3, 3)
MAX_ATTEMPTS = 8
AWKWARD_MOMENTS = [
    datetime(2026, 11, 22, 12, 0, tzinfo=LONDON),  # Sunday
    datetime(2026, 12, 1, 9, 5, tzinfo=LONDON),  # first business day, first minutes
    datetime(2026, 12, 31, 17, 55, tzinfo=LONDON),  # last day, at closing time
    datetime(2026, 3, 29, 10, 0, tzinfo=LONDON),  # the clocks went forward overnight
    datetime(2026, 11, 18, 23, 30, tzinfo=ZoneInfo("Asia/Singapore")),
    datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("America/New_York")),
]
AWKWARD_IDS = ["sunday", "month-start", "year-end", "dst-change", "singapore-night", "new-york"]


def build(tmp_path, now=NOW, seed=2026, name="demo.db"):
    storage = open_storage(tmp_path / name)
    summary = build_demo(storage.db, now=now, seed=seed)
    return storage.db, summary


def rows(db, sql, params=()):
    return list(db.query(sql, params))


def local(stored, zone=LONDON):
    return from_stored(stored).astimezone(zone)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo book for the tests that only read it."""
    return build(tmp_path_factory.mktemp("demo"))[0]


def calls_of(db, prospect_id):
    return rows(
        db, "SELECT * FROM calls WHERE prospect_id = ? ORDER BY started_at, id", [prospect_id]
    )


def open_tasks_of(db, prospect_id):
    return rows(
        db,
        "SELECT * FROM tasks WHERE prospect_id = ? AND status = 'open' ORDER BY due_at, id",
        [prospect_id],
    )


def their_zone(prospect, rep_zone=LONDON):
    return ZoneInfo(prospect["timezone"]) if prospect["timezone"] else rep_zone


def test_summary_counts_the_rows_written(tmp_path):
    db, summary = build(tmp_path)
    assert summary == DemoSummary(
        prospects=db["prospects"].count,
        calls=db["calls"].count,
        deals=db["deals"].count,
        targets=1,
    )
    assert 55 <= summary.prospects <= 65
    assert summary.calls >= 100
    assert db["notes"].count >= 3


def test_builds_in_a_moment(tmp_path):
    storage = open_storage(tmp_path / "demo.db")
    started = time_module.perf_counter()
    build_demo(storage.db, now=NOW)
    # Well under a second on a laptop; the bound leaves room for a busy test machine.
    assert time_module.perf_counter() - started < 3


def test_covers_every_kind_method_and_stage(demo):
    assert {r["kind"] for r in rows(demo, "SELECT kind FROM prospects")} == set(Kind)
    assert {r["stage"] for r in rows(demo, "SELECT stage FROM prospects")} == set(Stage)
    methods = {r["method"] for r in rows(demo, "SELECT method FROM prospects")}
    assert methods == set(BUILTIN_METHOD_VALUES)


def table_contents(db):
    # By primary key: call_days has no rowid.
    return {
        table: rows(db, f"SELECT * FROM [{table}] ORDER BY {', '.join(db[table].pks)}")
        for table in db.table_names()
    }


def test_same_seed_and_moment_build_identical_files_each_a_book_of_its_own(tmp_path):
    first, _ = build(tmp_path, name="first.db")
    second, _ = build(tmp_path, name="second.db")
    first_book, second_book = table_contents(first), table_contents(second)
    # Each file has a name of its own (in calendar UIDs, and what `funnel migrate-to`
    # knows a book by), so a class of trainees can copy their demos into one team book.
    assert first_book.pop("book") != second_book.pop("book")
    assert first_book == second_book


def test_another_seed_builds_a_different_book(tmp_path):
    first, _ = build(tmp_path, name="first.db")
    other, _ = build(tmp_path, seed=7, name="other.db")
    assert table_contents(first)["calls"] != table_contents(other)["calls"]
    assert table_contents(first)["prospects"] != table_contents(other)["prospects"]


def test_nothing_is_stamped_after_now_so_the_clock_was_never_read(demo):
    stamps = rows(
        demo,
        "SELECT created_at AS at FROM prospects UNION ALL SELECT updated_at FROM prospects"
        " UNION ALL SELECT started_at FROM calls UNION ALL SELECT created_at FROM notes"
        " UNION ALL SELECT created_at FROM tasks UNION ALL SELECT done_at FROM tasks"
        " WHERE done_at IS NOT NULL UNION ALL SELECT changed_at FROM flag_changes"
        " UNION ALL SELECT nurtured_at FROM prospects WHERE nurtured_at IS NOT NULL"
        " UNION ALL SELECT logged_at FROM undo_log",
    )
    assert max(from_stored(r["at"]) for r in stamps) < NOW
    assert max(r["closed_on"] for r in rows(demo, "SELECT closed_on FROM deals")) < "2026-11-18"


def business_days(start, end):
    return [d.date() for d in rrule(DAILY, dtstart=start, until=end, byweekday=range(5))]


def business_days_after(day, count):
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


def test_month_target_contains_today_and_leaves_the_rep_behind_but_in_reach(demo):
    (target,) = rows(demo, "SELECT * FROM targets")
    assert target["period"] == "month"
    assert target["starts_on"] == "2026-11-01"
    assert target["ends_on"] == "2026-11-30"
    assert target["calls_per_day"] == 40
    month = business_days(date(2026, 11, 1), date(2026, 11, 30))
    elapsed = [day for day in month if day < NOW.date()]
    expected = target["amount_cents"] * len(elapsed) / len(month)
    month_deals = rows(demo, "SELECT amount_cents FROM deals WHERE closed_on >= '2026-11-01'")
    won = sum(r["amount_cents"] for r in month_deals)
    assert len(month_deals) >= 2
    assert 0.4 <= won / expected <= 0.6


def calls_outside_calling_hours(db, rep_zone):
    """Calls made outside the prospect's calling hours (their time, else the rep's) or
    outside the rep's own."""
    outside = []
    for call in rows(
        db,
        "SELECT c.started_at, p.name, p.timezone FROM calls c"
        " JOIN prospects p ON p.id = c.prospect_id",
    ):
        for zone in {their_zone(call, rep_zone), rep_zone}:
            moment = local(call["started_at"], zone)
            if moment.weekday() >= 5 or not CALLING_START <= moment.time() < CALLING_END:
                outside.append((call["name"], moment))
    return outside


def test_no_call_is_made_outside_the_calling_hours_of_either_side(demo):
    assert calls_outside_calling_hours(demo, LONDON) == []
    zones = {
        r["timezone"]
        for r in rows(
            demo, "SELECT p.timezone FROM calls c JOIN prospects p ON p.id = c.prospect_id"
        )
    }
    assert len(zones) >= 5  # people abroad are called too, in their hours


def test_calls_fill_the_month_before_now(demo):
    moments = [local(r["started_at"]) for r in rows(demo, "SELECT started_at FROM calls")]
    assert all(NOW - timedelta(days=31) < moment < NOW for moment in moments)
    assert len({moment.date() for moment in moments}) >= 15


def calls_on(db, day):
    return [
        r for r in rows(db, "SELECT started_at FROM calls") if local(r["started_at"]).date() == day
    ]


def test_a_few_calls_were_logged_earlier_today(demo):
    assert 3 <= len(calls_on(demo, NOW.date())) <= 10


def test_no_calls_today_when_the_day_has_not_begun(tmp_path):
    db, _ = build(tmp_path, now=MONDAY_EARLY)
    assert calls_on(db, MONDAY_EARLY.date()) == []
    assert max(local(r["started_at"]) for r in rows(db, "SELECT started_at FROM calls")) < (
        MONDAY_EARLY - timedelta(days=2)
    )


def test_every_won_call_closed_a_deal_and_made_a_customer(demo):
    won_calls = rows(demo, "SELECT * FROM calls WHERE outcome = 'won'")
    assert len(won_calls) >= 3
    for call in won_calls:
        (deal,) = rows(demo, "SELECT * FROM deals WHERE call_id = ?", [call["id"]])
        assert deal["prospect_id"] == call["prospect_id"]
        assert deal["closed_on"] == local(call["started_at"]).date().isoformat()
        assert 180_000 <= deal["amount_cents"] <= 2_400_000
        earlier = rows(
            demo,
            "SELECT id FROM deals WHERE prospect_id = ? AND closed_on < ?",
            [call["prospect_id"], deal["closed_on"]],
        )
        assert deal["kind"] == ("expansion" if earlier else "new")
        prospect = demo["prospects"].get(call["prospect_id"])
        assert (prospect["kind"], prospect["stage"]) == ("customer", "won")
        # The open deal value is cleared by the win: the deal is in `deals`.
        assert prospect["deal_value_cents"] is None


def test_a_customer_bought_again_an_expansion(demo):
    expansions = rows(
        demo, "SELECT d.* FROM deals d JOIN calls c ON c.id = d.call_id WHERE d.kind = 'expansion'"
    )
    assert expansions
    for deal in expansions:
        first = rows(
            demo,
            "SELECT * FROM deals WHERE prospect_id = ? AND kind = 'new'",
            [deal["prospect_id"]],
        )
        assert first and first[0]["closed_on"] < deal["closed_on"]


def test_customers_have_bought_and_are_never_lost(demo):
    customers = rows(demo, "SELECT * FROM prospects WHERE kind = 'customer'")
    assert len(customers) >= 5
    for customer in customers:
        assert customer["stage"] == "won" and not customer["nurture"], customer["name"]
        assert rows(demo, "SELECT id FROM deals WHERE prospect_id = ?", [customer["id"]])
    # A customer who declined an upsell: the call says why, the customer stays one.
    declined = rows(
        demo,
        "SELECT c.reason FROM calls c JOIN prospects p ON p.id = c.prospect_id"
        " WHERE p.kind = 'customer' AND c.outcome = 'not_interested'",
    )
    assert declined and all(r["reason"] for r in declined)


def consistency_problems(db):
    """What the app would never write: a next call that is not the earliest open task, an
    attempt count that is not the unanswered attempts since the last connect, a `new`
    prospect who was reached, a lost customer."""
    problems = []
    for p in rows(db, "SELECT * FROM prospects"):
        tasks = open_tasks_of(db, p["id"])
        earliest = tasks[0] if tasks else None
        if p["next_call_at"] != (earliest and earliest["due_at"]):
            problems.append((p["name"], "next_call_at", p["next_call_at"]))
        if p["next_task_kind"] != (earliest and earliest["kind"]):
            problems.append((p["name"], "next_task_kind", p["next_task_kind"]))
        calls = calls_of(db, p["id"])
        attempts, busy_days = 0, set()
        for call in calls:
            outcome = Outcome(call["outcome"])
            if outcome in CONNECT_OUTCOMES:
                attempts, busy_days = 0, set()
            elif outcome is Outcome.BUSY:
                day = local(call["started_at"]).date()
                attempts += day not in busy_days
                busy_days.add(day)
            elif outcome in CADENCE_OUTCOMES:
                attempts += 1
        if p["attempts"] != attempts:
            problems.append((p["name"], "attempts", p["attempts"], attempts))
        reached = any(Outcome(call["outcome"]) in CONNECT_OUTCOMES for call in calls)
        if reached and p["kind"] == "new":
            problems.append((p["name"], "kind", "new"))
        if p["kind"] == "customer" and p["stage"] == "lost":
            problems.append((p["name"], "lost customer"))
        if calls:
            last = calls[-1]
            if (p["last_called_at"], p["last_outcome"]) != (last["started_at"], last["outcome"]):
                problems.append((p["name"], "last call"))
            if p["updated_at"] < last["started_at"]:
                problems.append((p["name"], "updated_at"))
        elif p["attempts"] or p["last_called_at"] or tasks:
            problems.append((p["name"], "never called, yet has history"))
    return problems


def test_every_prospect_is_where_its_calls_and_tasks_left_it(demo):
    assert consistency_problems(demo) == []


def test_funnel_check_lists_nothing(tmp_path):
    build(tmp_path)
    steps = []
    known = BUILTIN_METHOD_VALUES
    assert check_database(tmp_path / "demo.db", known, checking=steps.append) == []
    # What a terminal is told as the check goes, each step before it begins.
    assert steps[:2] == ["the schema", "every page of the file"]
    assert "the counts the triggers keep, against every call and deal" in steps
    assert steps[-1] == "the selling methods"
    assert len(steps) == len(set(steps)) == 18
    result = invoke("check", "--db", tmp_path / "demo.db")
    assert result.exit_code == 0, result.output


def tasks_made_by(db, outcome):
    return rows(
        db,
        "SELECT t.*, c.started_at, c.follow_up_at, c.prospect_id AS caller FROM tasks t"
        " JOIN calls c ON c.id = t.call_id WHERE c.outcome = ?",
        [outcome],
    )


def test_meetings_are_booked_ahead_in_stage_meeting(demo):
    booked = rows(
        demo,
        "SELECT p.*, t.due_at FROM prospects p JOIN tasks t ON t.prospect_id = p.id"
        " WHERE t.kind = 'meeting' AND t.status = 'open'",
    )
    assert len({p["id"] for p in booked}) >= 4
    assert sum(p["stage"] == "meeting" for p in booked) >= 3
    assert any(from_stored(p["due_at"]) > NOW for p in booked)
    for task in tasks_made_by(demo, "meeting"):
        assert task["kind"] == "meeting"
        assert task["due_at"] == task["follow_up_at"]
        assert from_stored(task["due_at"]) > from_stored(task["started_at"])


def test_held_meetings_are_done_and_qualify_the_prospect(demo):
    held = rows(demo, "SELECT * FROM calls WHERE outcome = 'meeting_held'")
    assert len(held) >= 3
    for call in held:
        (meeting,) = rows(demo, "SELECT * FROM tasks WHERE done_call_id = ?", [call["id"]])
        assert (meeting["kind"], meeting["status"]) == ("meeting", "done")
        # The meeting is logged as it starts, at the time it was booked for.
        assert call["started_at"] == meeting["due_at"]
        assert call["duration_s"] >= 1800
        prospect = demo["prospects"].get(call["prospect_id"])
        assert prospect["stage"] in ("qualified", "proposal", "won", "lost")
    assert rows(demo, "SELECT id FROM prospects WHERE stage = 'qualified'")


def test_a_missed_meeting_is_marked_missed_and_a_callback_booked(demo):
    no_shows = rows(demo, "SELECT * FROM calls WHERE outcome = 'no_show'")
    assert len(no_shows) >= 2
    for call in no_shows:
        (missed,) = rows(demo, "SELECT * FROM tasks WHERE done_call_id = ?", [call["id"]])
        assert (missed["kind"], missed["status"]) == ("meeting", "missed")
        (rebooked,) = rows(demo, "SELECT * FROM tasks WHERE call_id = ?", [call["id"]])
        assert rebooked["kind"] == "callback"
        assert rebooked["due_at"] == call["follow_up_at"]


def test_proposals_carry_an_amount_and_an_expected_close_date(demo):
    proposals = rows(demo, "SELECT * FROM prospects WHERE stage = 'proposal'")
    assert len(proposals) >= 2
    for prospect in proposals:
        assert prospect["deal_value_cents"] > 0
        assert prospect["expected_close_on"] >= NOW.date().isoformat()
        outcomes = [call["outcome"] for call in calls_of(demo, prospect["id"])]
        assert "proposal_sent" in outcomes and "meeting_held" in outcomes
    assert any(open_tasks_of(demo, prospect["id"]) for prospect in proposals)


def test_the_pipeline_has_every_stage_with_a_value(demo):
    for stage in PIPELINE_STAGES:
        in_stage = rows(demo, "SELECT * FROM prospects WHERE stage = ?", [stage.value])
        assert in_stage, stage
        assert all(p["deal_value_cents"] and p["deal_value_cents"] > 0 for p in in_stage), stage


def test_nurture_leads_are_lost_with_a_reason_and_a_revisit_date(demo):
    nurtured = rows(demo, "SELECT * FROM prospects WHERE nurture = 1")
    assert len(nurtured) >= 3
    for prospect in nurtured:
        assert prospect["stage"] == "lost" and prospect["lost_reason"], prospect["name"]
        (revisit,) = open_tasks_of(demo, prospect["id"])
        assert revisit["kind"] == "revisit"
        assert from_stored(revisit["due_at"]) > from_stored(prospect["nurtured_at"])
        their_time = local(revisit["due_at"], their_zone(prospect))
        assert their_time.time() == MORNING_SLOT
    unreachable = [p for p in nurtured if p["lost_reason"] == "unreachable"]
    assert len(unreachable) >= 2
    for prospect in unreachable:
        calls = calls_of(demo, prospect["id"])
        assert prospect["attempts"] == MAX_ATTEMPTS
        assert all(Outcome(call["outcome"]) in CADENCE_OUTCOMES for call in calls[-MAX_ATTEMPTS:])
        assert prospect["nurtured_at"] > calls[-1]["started_at"]
        due = local(open_tasks_of(demo, prospect["id"])[0]["due_at"], their_zone(prospect))
        assert 90 <= (due.date() - local(prospect["nurtured_at"]).date()).days <= 93
    refused = [p for p in nurtured if p["lost_reason"] != "unreachable"]
    assert len(refused) >= 2
    for prospect in refused:
        last = calls_of(demo, prospect["id"])[-1]
        assert (last["outcome"], last["reason"]) == ("not_interested", prospect["lost_reason"])


def test_lost_prospects_say_why_on_the_prospect_and_the_call(demo):
    refusals = rows(demo, "SELECT * FROM calls WHERE outcome = 'not_interested'")
    assert len(refusals) >= 4
    assert all(call["reason"] for call in refusals)
    assert len({call["reason"] for call in refusals}) >= 3
    lost = rows(demo, "SELECT * FROM prospects WHERE stage = 'lost'")
    assert len(lost) >= 5
    for prospect in lost:
        assert prospect["lost_reason"], prospect["name"]
        kinds = {task["kind"] for task in open_tasks_of(demo, prospect["id"])}
        assert kinds <= {"revisit"}
        if prospect["lost_reason"] != "unreachable":
            last = calls_of(demo, prospect["id"])[-1]
            assert last["reason"] == prospect["lost_reason"]
    assert any(not p["nurture"] for p in lost)


def test_some_prospects_have_several_open_tasks(demo):
    several = rows(
        demo,
        "SELECT prospect_id, group_concat(kind) AS kinds FROM tasks WHERE status = 'open'"
        " GROUP BY prospect_id HAVING count(*) > 1",
    )
    assert any({"meeting", "callback"} <= set(r["kinds"].split(",")) for r in several)


def attempt_numbers(calls):
    """Each call's number of unanswered attempts since the last connect, itself included
    (a busy line counts once a day)."""
    numbers, attempts, busy_days = {}, 0, set()
    for call in calls:
        outcome = Outcome(call["outcome"])
        if outcome in CONNECT_OUTCOMES:
            attempts, busy_days = 0, set()
        elif outcome is Outcome.BUSY:
            day = local(call["started_at"]).date()
            attempts += day not in busy_days
            busy_days.add(day)
        elif outcome in CADENCE_OUTCOMES:
            attempts += 1
        numbers[call["id"]] = attempts
    return numbers


def test_unanswered_attempts_follow_the_cadence(demo):
    checked = Counter()
    for prospect in rows(demo, "SELECT * FROM prospects"):
        calls = calls_of(demo, prospect["id"])
        numbers = attempt_numbers(calls)
        zone = their_zone(prospect)
        for call in calls:
            if call["outcome"] not in ("no_answer", "voicemail", "gatekeeper"):
                continue
            if call["follow_up_at"] or numbers[call["id"]] >= MAX_ATTEMPTS:
                continue
            (task,) = rows(demo, "SELECT * FROM tasks WHERE call_id = ?", [call["id"]])
            attempt = numbers[call["id"]]
            logged = local(call["started_at"], zone) + timedelta(seconds=call["duration_s"])
            spacing = CADENCE_DAYS[min(attempt, len(CADENCE_DAYS)) - 1]
            slot = MORNING_SLOT if attempt % 2 else AFTERNOON_SLOT
            due = local(task["due_at"], zone)
            assert task["kind"] == "call"
            assert (due.date(), due.time()) == (business_days_after(logged.date(), spacing), slot)
            checked[slot] += 1
    assert checked[MORNING_SLOT] >= 10 and checked[AFTERNOON_SLOT] >= 5


def test_the_rep_calls_each_task_when_it_is_due(demo):
    answered = rows(
        demo,
        "SELECT t.*, c.started_at, p.timezone FROM tasks t JOIN calls c ON c.id = t.done_call_id"
        " JOIN prospects p ON p.id = t.prospect_id WHERE t.kind IN ('call', 'callback')",
    )
    assert len(answered) >= 40
    for task in answered:
        started, due = from_stored(task["started_at"]), from_stored(task["due_at"])
        assert due <= started < due + timedelta(days=5), task
    on_the_day = [t for t in answered if local(t["started_at"]).date() == local(t["due_at"]).date()]
    assert len(on_the_day) >= 0.8 * len(answered)


def test_do_not_call_and_wrong_number_are_flagged(demo):
    (refused,) = rows(demo, "SELECT * FROM prospects WHERE do_not_call = 1")
    (wrong,) = rows(demo, "SELECT * FROM prospects WHERE wrong_number = 1")
    assert refused["last_outcome"] == "do_not_call"
    assert wrong["last_outcome"] == "wrong_number"
    assert refused["next_call_at"] is None and wrong["next_call_at"] is None
    outcomes = [r["outcome"] for r in rows(demo, "SELECT outcome FROM calls")]
    assert outcomes.count("do_not_call") == outcomes.count("wrong_number") == 1
    flags = rows(demo, "SELECT flag, value FROM flag_changes")
    assert {"flag": "do_not_call", "value": 1} in flags
    assert {"flag": "wrong_number", "value": 1} in flags


def queue_buckets(db, now):
    callable_rows = rows(
        db,
        "SELECT * FROM prospects WHERE do_not_call = 0 AND wrong_number = 0 AND stage != 'lost'",
    )
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo)
    due = [(r, from_stored(r["next_call_at"])) for r in callable_rows if r["next_call_at"]]
    return {
        "overdue": [r for r, at in due if at <= now],
        "later today": [r for r, at in due if now < at < tomorrow],
        "later days": [r for r, at in due if at >= tomorrow],
        "never called": [
            r
            for r in callable_rows
            if r["last_called_at"] is None and r["next_call_at"] is None and r["stage"] != "won"
        ],
    }


@pytest.mark.parametrize("now", [NOW, MONDAY_EARLY], ids=["wednesday-afternoon", "monday-8am"])
def test_the_queue_is_alive_when_the_demo_opens(tmp_path, now):
    db, _ = build(tmp_path, now=now)
    buckets = queue_buckets(db, now)
    assert len(buckets["overdue"]) >= 3
    assert 12 <= len(buckets["never called"]) <= 18
    assert len(buckets["later today"]) >= 2
    assert len(buckets["later days"]) >= 3
    overdue_kinds = {r["next_task_kind"] for r in buckets["overdue"]}
    assert {"call", "callback", "meeting"} <= overdue_kinds


def test_follow_ups_due_today_are_with_people_inside_their_calling_hours(demo):
    buckets = queue_buckets(demo, NOW)
    for prospect in buckets["overdue"] + buckets["later today"]:
        if prospect["timezone"]:
            their_time = NOW.astimezone(ZoneInfo(prospect["timezone"]))
            assert 9 <= their_time.hour < 18, prospect["name"]


def test_the_last_demo_call_can_be_undone(tmp_path):
    db, _ = build(tmp_path)
    (latest,) = rows(db, "SELECT id FROM calls ORDER BY started_at DESC LIMIT 1")
    (last_logged,) = rows(db, "SELECT call_id FROM undo_log ORDER BY call_id DESC LIMIT 1")
    assert last_logged["call_id"] == latest["id"]
    undone = undo_last_call(db)
    assert undone is not None and undone.call_id == latest["id"]
    assert undone.not_restored == ()
    assert consistency_problems(db) == []


def test_refuses_a_database_that_already_has_prospects(tmp_path):
    storage = open_storage(tmp_path / "real.db")
    storage.db["prospects"].insert({"name": "A real customer"})
    with pytest.raises(ValueError, match="empty"):
        build_demo(storage.db, now=NOW)
    assert storage.db["prospects"].count == 1
    assert storage.db["calls"].count == storage.db["targets"].count == 0


def test_refuses_a_now_without_a_timezone(tmp_path):
    storage = open_storage(tmp_path / "t.db")
    with pytest.raises(ValueError, match="timezone"):
        build_demo(storage.db, now=NOW.replace(tzinfo=None))
    assert storage.db["prospects"].count == 0


def test_file_passes_sqlite_integrity_and_foreign_key_checks(demo):
    assert demo.execute("PRAGMA foreign_key_check").fetchall() == []
    assert demo.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert demo.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again once built


def test_markup_and_braces_are_there_to_prove_text_shows_literally(demo):
    marked = rows(
        demo, "SELECT * FROM prospects WHERE name LIKE '%[bold]%' OR company LIKE '%[bold]%'"
    )
    assert len(marked) == 1
    assert "[/bold]" in marked[0]["company"]
    assert rows(demo, "SELECT * FROM notes WHERE body LIKE '%{%}%'")


def ascii_letters(text):
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())


def test_people_look_like_a_real_book_of_business(demo):
    prospects = rows(demo, "SELECT * FROM prospects")
    assert all(re.fullmatch(r"\+\d{9,15}", p["phone"]) for p in prospects)
    for p in prospects:
        if p["email"]:
            local_part = ascii_letters(p["email"].split("@")[0])
            first, last = p["name"].split()[0], p["name"].split()[-1]
            assert ascii_letters(first)[:3] in local_part or ascii_letters(last) in local_part
    with_zone = [p for p in prospects if p["timezone"]]
    assert len(prospects) / 4 <= len(with_zone) <= len(prospects) / 2
    for p in with_zone:
        ZoneInfo(p["timezone"])
    assert {p["source"] for p in prospects} == SOURCES
    assert {p["priority"] for p in prospects} == {0, 1, 2}
    assert any(p["goals"] is None for p in prospects)
    assert any(p["email"] is None for p in prospects)
    objections = " ".join(p["objections"] or "" for p in prospects).lower()
    for keyword in ("price", "timing", "budget", "vendor", "decision", "email"):
        assert keyword in objections


def test_calls_use_the_prospects_method_and_last_as_long_as_such_calls_do(demo):
    calls = rows(
        demo,
        "SELECT c.*, p.method AS prospect_method FROM calls c"
        " JOIN prospects p ON p.id = c.prospect_id",
    )
    assert all(call["method"] == call["prospect_method"] for call in calls)
    for call in calls:
        outcome = Outcome(call["outcome"])
        if outcome is Outcome.NO_ANSWER:
            assert 20 <= call["duration_s"] <= 40
        if outcome in CONNECT_OUTCOMES - {Outcome.DO_NOT_CALL}:
            assert 120 <= call["duration_s"] <= 3600
            assert call["notes"]


def test_outcome_mix_is_mostly_unanswered_with_some_of_everything(demo):
    outcomes = [Outcome(r["outcome"]) for r in rows(demo, "SELECT outcome FROM calls")]
    unanswered = outcomes.count(Outcome.NO_ANSWER) + outcomes.count(Outcome.VOICEMAIL)
    assert unanswered >= 0.35 * len(outcomes)
    assert sum(outcome in CONNECT_OUTCOMES for outcome in outcomes) <= 0.5 * len(outcomes)
    assert set(outcomes) == set(Outcome)


@pytest.mark.parametrize(
    ("now", "period", "starts_on", "ends_on"),
    [
        (NOW, "month", "2026-11-01", "2026-11-30"),
        # Only two business days of November gone: the quarter is under way.
        (datetime(2026, 11, 3, 10, 0, tzinfo=LONDON), "quarter", "2026-10-01", "2026-12-31"),
        (datetime(2026, 12, 1, 9, 5, tzinfo=LONDON), "quarter", "2026-10-01", "2026-12-31"),
        (datetime(2026, 11, 5, 10, 0, tzinfo=LONDON), "month", "2026-11-01", "2026-11-30"),
    ],
)
def test_the_target_is_under_way_also_on_the_first_days_of_a_month(
    tmp_path, now, period, starts_on, ends_on
):
    db, _ = build(tmp_path, now=now)
    (target,) = rows(db, "SELECT * FROM targets")
    assert (target["period"], target["starts_on"], target["ends_on"]) == (
        period,
        starts_on,
        ends_on,
    )
    pace = load_pace(db, now.date(), Settings(), tz=now.tzinfo)
    assert pace.won_cents > 0
    assert pace.status == "behind"


@pytest.mark.parametrize("now", AWKWARD_MOMENTS, ids=AWKWARD_IDS)
def test_builds_a_consistent_file_at_awkward_moments(tmp_path, now):
    db, summary = build(tmp_path, now=now)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert summary.prospects == 60
    started = [from_stored(r["started_at"]) for r in rows(db, "SELECT started_at FROM calls")]
    assert all(now - timedelta(days=31) < moment < now for moment in started)
    (target,) = rows(db, "SELECT * FROM targets")
    today = now.date().isoformat()
    assert target["starts_on"] <= today <= target["ends_on"]
    assert target["ends_on"] == (now.date() + relativedelta(day=31)).isoformat()
    won = rows(db, "SELECT id FROM calls WHERE outcome = 'won'")
    assert db["deals"].count >= len(won)
    assert to_stored(now) > max(r["created_at"] for r in rows(db, "SELECT created_at FROM notes"))
    assert consistency_problems(db) == []
    assert calls_outside_calling_hours(db, now.tzinfo) == []
    assert check_database(tmp_path / "demo.db") == []


@pytest.mark.parametrize(
    "settings",
    [
        {"calling_start": "10:00", "calling_end": "12:00", "afternoon_slot": "11:00"},
        {"max_attempts": "3"},
        {"business_days": "mon,tue,wed,thu,fri,sat"},
    ],
    ids=["two-hour-day", "three-attempts", "six-day-week"],
)
def test_builds_a_consistent_file_whatever_the_settings(tmp_path, settings):
    storage = open_storage(tmp_path / "demo.db")
    save_settings(storage.db, settings)
    summary = build_demo(storage.db, now=NOW)
    assert summary.prospects == 60 and summary.calls >= 50
    assert consistency_problems(storage.db) == []
    assert check_database(tmp_path / "demo.db") == []
