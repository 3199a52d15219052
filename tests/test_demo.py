"""The demo database: a believable, consistent book of business built the same way every time."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, rrule

from funnel_tui.demo import DemoSummary, build_demo
from funnel_tui.domain import (
    BUILTIN_METHOD_VALUES,
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    Kind,
    Outcome,
    Stage,
)
from funnel_tui.storage import open_storage
from funnel_tui.timestamps import from_stored, to_stored

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 18, 14, 30, tzinfo=LONDON)  # a Wednesday afternoon
MONDAY_EARLY = datetime(2026, 11, 16, 8, 0, tzinfo=LONDON)  # before calling hours
SOURCES = {"webinar", "trade show", "website form", "referral", "cold list", "LinkedIn ad"}


def build(tmp_path, now=NOW, seed=2026, name="demo.db"):
    storage = open_storage(tmp_path / name)
    summary = build_demo(storage.db, now=now, seed=seed)
    return storage.db, summary


def rows(db, sql, params=()):
    return list(db.query(sql, params))


def local(stored):
    return from_stored(stored).astimezone(LONDON)


@pytest.fixture
def demo(tmp_path):
    return build(tmp_path)[0]


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


def test_same_seed_and_moment_build_identical_files(tmp_path):
    first, _ = build(tmp_path, name="first.db")
    second, _ = build(tmp_path, name="second.db")
    assert table_contents(first) == table_contents(second)


def test_another_seed_builds_a_different_book(tmp_path):
    first, _ = build(tmp_path, name="first.db")
    other, _ = build(tmp_path, seed=7, name="other.db")
    assert table_contents(first)["calls"] != table_contents(other)["calls"]
    assert table_contents(first)["prospects"] != table_contents(other)["prospects"]


def test_nothing_is_stamped_after_now_so_the_clock_was_never_read(demo):
    stamps = rows(
        demo,
        "SELECT created_at AS at FROM prospects UNION ALL SELECT updated_at FROM prospects"
        " UNION ALL SELECT started_at FROM calls UNION ALL SELECT created_at FROM notes",
    )
    assert max(from_stored(r["at"]) for r in stamps) < NOW


def business_days(start, end):
    return [d.date() for d in rrule(DAILY, dtstart=start, until=end, byweekday=range(5))]


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


def test_calls_fill_the_month_before_now_within_calling_hours(demo):
    calls = rows(demo, "SELECT started_at FROM calls")
    moments = [local(r["started_at"]) for r in calls]
    assert all(NOW - timedelta(days=31) < moment < NOW for moment in moments)
    assert all(moment.weekday() < 5 for moment in moments)
    assert all(9 <= moment.hour < 18 for moment in moments)
    assert len({moment.date() for moment in moments}) >= 15


def calls_on(db, day):
    return [
        r for r in rows(db, "SELECT started_at FROM calls") if local(r["started_at"]).date() == day
    ]


def test_a_few_calls_were_logged_earlier_today(demo):
    assert 4 <= len(calls_on(demo, NOW.date())) <= 6


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
        prospect = demo["prospects"].get(call["prospect_id"])
        assert (prospect["kind"], prospect["stage"]) == ("customer", "won")
        assert prospect["deal_value_cents"] == deal["amount_cents"]
    assert demo["deals"].count == len(won_calls)


def test_each_prospect_is_where_its_calls_left_it(demo):
    for prospect in rows(demo, "SELECT * FROM prospects"):
        calls = rows(
            demo, "SELECT * FROM calls WHERE prospect_id = ? ORDER BY started_at", [prospect["id"]]
        )
        if not calls:
            assert prospect["last_called_at"] is None
            assert prospect["attempts"] == 0
            continue
        last = calls[-1]
        outcome = Outcome(last["outcome"])
        assert prospect["last_called_at"] == last["started_at"]
        assert prospect["last_outcome"] == last["outcome"]
        assert prospect["updated_at"] == last["started_at"]
        assert prospect["attempts"] < 6
        if outcome in (Outcome.CALLBACK, Outcome.MEETING):
            assert prospect["next_call_at"] == last["follow_up_at"]
            assert from_stored(last["follow_up_at"]) > from_stored(last["started_at"])
        if outcome is Outcome.MEETING:
            assert prospect["stage"] in ("qualified", "proposal", "won")
        if outcome is Outcome.NOT_INTERESTED:
            assert prospect["stage"] == "lost"
            assert prospect["next_call_at"] is None
        if outcome in CADENCE_OUTCOMES:
            assert from_stored(prospect["next_call_at"]) > from_stored(last["started_at"])
        if any(call["outcome"] == "meeting" for call in calls) and prospect["stage"] != "lost":
            assert prospect["stage"] in ("qualified", "proposal", "won")


def test_a_callback_or_meeting_before_another_call_was_kept(demo):
    calls = rows(demo, "SELECT * FROM calls ORDER BY prospect_id, started_at")
    for earlier, later in pairwise(calls):
        if earlier["prospect_id"] == later["prospect_id"] and earlier["follow_up_at"]:
            kept = from_stored(later["started_at"]) - from_stored(earlier["follow_up_at"])
            assert timedelta(0) <= kept < timedelta(minutes=30)


def test_do_not_call_and_wrong_number_are_flagged(demo):
    (refused,) = rows(demo, "SELECT * FROM prospects WHERE do_not_call = 1")
    (wrong,) = rows(demo, "SELECT * FROM prospects WHERE wrong_number = 1")
    assert refused["last_outcome"] == "do_not_call"
    assert wrong["last_outcome"] == "wrong_number"
    assert refused["next_call_at"] is None and wrong["next_call_at"] is None
    outcomes = [r["outcome"] for r in rows(demo, "SELECT outcome FROM calls")]
    assert outcomes.count("do_not_call") == outcomes.count("wrong_number") == 1


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
    customers = rows(db, "SELECT id FROM prospects WHERE kind = 'customer'")
    assert len(customers) >= 3


def test_follow_ups_due_today_are_with_people_inside_their_calling_hours(demo):
    buckets = queue_buckets(demo, NOW)
    for prospect in buckets["overdue"] + buckets["later today"]:
        if prospect["timezone"]:
            their_time = NOW.astimezone(ZoneInfo(prospect["timezone"]))
            assert 9 <= their_time.hour < 18, prospect["name"]


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
    for p in prospects:
        if p["stage"] in ("qualified", "proposal", "won"):
            assert p["deal_value_cents"] > 0, p["name"]


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
        if outcome in CONNECT_OUTCOMES:
            assert 120 <= call["duration_s"] <= 900
            assert call["notes"]


def test_outcome_mix_is_mostly_unanswered_with_some_of_everything(demo):
    outcomes = [Outcome(r["outcome"]) for r in rows(demo, "SELECT outcome FROM calls")]
    unanswered = outcomes.count(Outcome.NO_ANSWER) + outcomes.count(Outcome.VOICEMAIL)
    assert unanswered >= 0.35 * len(outcomes)
    assert sum(outcome in CONNECT_OUTCOMES for outcome in outcomes) <= 0.5 * len(outcomes)
    assert set(outcomes) == set(Outcome)


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 22, 12, 0, tzinfo=LONDON),  # Sunday
        datetime(2026, 12, 1, 9, 5, tzinfo=LONDON),  # first business day, first minutes
        datetime(2026, 12, 31, 17, 55, tzinfo=LONDON),  # last day, at closing time
        datetime(2026, 3, 29, 10, 0, tzinfo=LONDON),  # the clocks went forward overnight
        datetime(2026, 11, 18, 23, 30, tzinfo=ZoneInfo("Asia/Singapore")),
        datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("America/New_York")),
    ],
    ids=["sunday", "month-start", "year-end", "dst-change", "singapore-night", "new-york"],
)
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
    assert db["deals"].count == len(won)
    assert to_stored(now) > max(r["created_at"] for r in rows(db, "SELECT created_at FROM notes"))
