"""`funnel target set`, `report`, `config` and `script` as a rep runs them from the shell."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlite_utils
from rich.cells import cell_len

from funnel_tui.domain import BUILTIN_METHODS
from funnel_tui.money import format_money
from funnel_tui.pace import set_target
from funnel_tui.periods import period_bounds
from funnel_tui.settings import KEYS
from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import to_stored
from tests.cli_support import REPORT_KEYS, invoke, one_line_error, run_funnel

TODAY = "2026-11-18"


def targets(path: Path) -> list[dict]:
    db = sqlite_utils.Database(path)
    try:
        return list(
            db.query("SELECT period, starts_on, ends_on, amount_cents, calls_per_day FROM targets")
        )
    finally:
        db.close()


def report_json(path: Path, *extra: str) -> dict:
    result = invoke("report", "--db", path, "--today", TODAY, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def user_scripts() -> Path:
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "funnel-tui" / "scripts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def at_noon_utc(day: str) -> str:
    return to_stored(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "funnel.db"
    open_storage(path).close()
    return path


@pytest.fixture
def november(tmp_path: Path) -> Path:
    """A month target of $60,000.00 for November 2026 with calls and deals around the 18th.

    Prospect A (LinkedIn) is worked with Solution Selling, prospect B (Webinar) with
    Inbound Selling. Calls and deals outside November must not count.
    """
    path = tmp_path / "november.db"
    storage = open_storage(path)
    db = storage.db
    db["targets"].insert(
        {
            "period": "month",
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
            "amount_cents": 6_000_000,
            "calls_per_day": 40,
        }
    )
    a = (
        db["prospects"]
        .insert({"name": "Ann A", "method": "solution", "source": "LinkedIn"})
        .last_pk
    )
    b = db["prospects"].insert({"name": "Ben B", "method": "inbound", "source": "Webinar"}).last_pk
    calls = [
        (a, "2026-10-30", "won", "solution"),  # October: outside the period
        (a, "2026-11-17", "no_answer", "solution"),
        (a, TODAY, "meeting", "solution"),
        (b, TODAY, "won", "inbound"),
        (b, TODAY, "busy", "inbound"),
    ]
    call_ids = [
        db["calls"]
        .insert(
            {"prospect_id": who, "started_at": at_noon_utc(day), "outcome": outcome, "method": how}
        )
        .last_pk
        for who, day, outcome, how in calls
    ]
    deals = [
        (a, None, 900_000, "2026-10-30"),  # before the month
        (a, None, 1_200_000, "2026-11-02"),
        (b, call_ids[3], 2_100_000, TODAY),
        (a, None, 500_000, "2026-12-01"),  # after the month
    ]
    for who, call_id, cents, closed_on in deals:
        db["deals"].insert(
            {"prospect_id": who, "call_id": call_id, "amount_cents": cents, "closed_on": closed_on}
        )
    storage.close()
    return path


# --- funnel target set ----------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["50000", "50,000", "50000.00", "50k"])
def test_target_set_reads_the_ways_a_rep_types_fifty_thousand(db_path: Path, amount: str) -> None:
    result = invoke("target", "set", amount, "--db", db_path)
    assert result.exit_code == 0, result.output
    starts_on, ends_on = period_bounds("month", date.today())
    assert targets(db_path) == [
        {
            "period": "month",
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "amount_cents": 5_000_000,
            "calls_per_day": None,
        }
    ]
    assert "$50,000.00" in result.stdout


@pytest.mark.parametrize("period", ["week", "quarter", "year"])
def test_target_set_covers_the_chosen_period_containing_today(db_path: Path, period: str) -> None:
    result = invoke("target", "set", "50000", "--period", period, "--db", db_path)
    assert result.exit_code == 0, result.output
    starts_on, ends_on = period_bounds(period, date.today())
    [row] = targets(db_path)
    assert (row["period"], row["starts_on"], row["ends_on"]) == (
        period,
        starts_on.isoformat(),
        ends_on.isoformat(),
    )


def test_a_report_of_a_past_month_without_a_target_says_how_to_set_that_months(
    db_path: Path,
) -> None:
    """`report --today 2026-10-30` said to run `target set`, which set this month's
    target, and the report of October still had none."""
    refused = invoke("report", "--today", "2026-10-30", "--db", db_path)
    assert refused.exit_code == 1
    hint = one_line_error(refused.stderr).split("set one with: ")[1]
    assert hint == "funnel target set 50000 --period month --today 2026-10-30"

    result = invoke("target", *hint.split()[2:], "--db", db_path)

    assert result.exit_code == 0, result.output
    assert "Target for October 2026 (2026-10-01 to 2026-10-31): $50,000.00" in result.stdout
    assert invoke("report", "--today", "2026-10-30", "--db", db_path).exit_code == 0


@pytest.mark.parametrize(
    ("args", "exit_code", "said"),
    [
        (
            ("--today", "1899-12-31"),
            2,
            "1899-12-31 is outside the years a book keeps, 1900 to 2999",
        ),
        (("--today", "3000-01-01"), 2, "3000-01-01 is outside the years a book keeps"),
        (
            ("--period", "week", "--today", "2999-12-31"),
            1,
            "funnel: the week containing 2999-12-31 runs from 2999-12-30 to 3000-01-05, outside"
            " the years a book keeps (1900 to 2999): no target is set",
        ),
    ],
)
def test_a_target_outside_the_years_a_book_keeps_is_refused(
    db_path: Path, args: tuple[str, ...], exit_code: int, said: str
) -> None:
    """`target set` wrote such a target, which its own report and `funnel check` then
    called unreadable, and the report's hint was the command that had just made it."""
    result = invoke("target", "set", "50000", *args, "--db", db_path)
    assert result.exit_code == exit_code
    assert said in result.stderr
    assert targets(db_path) == []
    report = invoke("report", "--today", "1899-12-15", "--db", db_path)
    assert report.exit_code == 2
    assert "1899-12-15 is outside the years a book keeps" in report.stderr


def test_a_target_at_the_edges_of_the_years_a_book_keeps_is_set(db_path: Path) -> None:
    for day in ("1900-01-01", "2999-12-31"):
        assert (
            invoke(
                "target", "set", "50k", "--period", "year", "--today", day, "--db", db_path
            ).exit_code
            == 0
        )
    assert [(row["starts_on"], row["ends_on"]) for row in targets(db_path)] == [
        ("1900-01-01", "1900-12-31"),
        ("2999-01-01", "2999-12-31"),
    ]
    assert invoke("check", "--db", db_path).exit_code == 0


def test_target_set_stores_the_daily_call_goal(db_path: Path) -> None:
    result = invoke("target", "set", "50k", "--calls-per-day", "45", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert [row["calls_per_day"] for row in targets(db_path)] == [45]
    assert "45 calls a day" in result.stdout


def test_setting_a_target_again_without_a_call_goal_keeps_the_goal_it_had(db_path: Path) -> None:
    assert invoke("target", "set", "50k", "--calls-per-day", "40", "--db", db_path).exit_code == 0
    again = invoke("target", "set", "70k", "--db", db_path)
    assert again.exit_code == 0, again.output
    assert "$70,000.00, 40 calls a day" in again.stdout
    assert [(row["amount_cents"], row["calls_per_day"]) for row in targets(db_path)] == [
        (7_000_000, 40)
    ]
    changed = invoke("target", "set", "70k", "--calls-per-day", "55", "--db", db_path)
    assert changed.exit_code == 0, changed.output
    assert [row["calls_per_day"] for row in targets(db_path)] == [55]


@pytest.mark.parametrize("calls", ["99999999999999999999", "10001", "-1"])
def test_a_call_goal_out_of_bounds_is_a_usage_error_not_a_crash(db_path: Path, calls: str) -> None:
    result = run_funnel("target", "set", "--calls-per-day", calls, "100", "--db", db_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "unexpected error" not in result.stderr
    assert (
        f"Invalid value for '--calls-per-day': '{calls}' is not a whole number of calls a day"
        " from 0 to 10,000"
    ) in result.stderr
    assert targets(db_path) == []


@pytest.mark.parametrize("calls", [10_001, 99999999999999999999, -1])
def test_set_target_refuses_a_call_goal_out_of_bounds_for_the_app_too(
    db_path: Path, calls: int
) -> None:
    storage = open_storage(db_path)
    with pytest.raises(ValueError, match="calls per day is a whole number from 0 to 10,000"):
        set_target(
            storage.db,
            amount_cents=5_000_000,
            period="month",
            today=date(2026, 11, 18),
            calls_per_day=calls,
        )
    storage.close()
    assert targets(db_path) == []


def test_setting_a_target_again_replaces_it(db_path: Path) -> None:
    for amount in ("50000", "60000"):
        assert invoke("target", "set", amount, "--db", db_path).exit_code == 0
    assert invoke("target", "set", "10000", "--period", "week", "--db", db_path).exit_code == 0
    by_period = {row["period"]: row["amount_cents"] for row in targets(db_path)}
    assert len(targets(db_path)) == 2
    assert by_period == {"month": 6_000_000, "week": 1_000_000}


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "12x"])
def test_target_set_refuses_what_is_not_a_positive_amount(db_path: Path, amount: str) -> None:
    result = invoke("target", "set", amount, "--db", db_path)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert amount in line or "more than zero" in line
    assert targets(db_path) == []


def test_target_set_refuses_more_than_ten_billion(db_path: Path) -> None:
    result = invoke("target", "set", "10,000,000,000.01", "--db", db_path)
    assert result.exit_code == 1
    assert one_line_error(result.stderr) == (
        "funnel: '10,000,000,000.01' is too large: an amount is at most 10,000,000,000.00"
    )
    assert targets(db_path) == []
    assert invoke("target", "set", "10,000,000,000", "--db", db_path).exit_code == 0
    assert targets(db_path)[0]["amount_cents"] == 10**12


@pytest.mark.parametrize("amount", ["€500", "£1k", "¥100"])
def test_target_set_refuses_an_amount_in_another_currency(db_path: Path, amount: str) -> None:
    # It was stored as that many dollars: €500 became a target of $500.00.
    result = invoke("target", "set", amount, "--db", db_path)
    assert result.exit_code == 1
    assert "this book counts in $, not" in one_line_error(result.stderr)
    assert targets(db_path) == []


def test_config_refuses_an_average_deal_in_another_currency_than_the_books(
    db_path: Path,
) -> None:
    result = invoke("config", "set", "plan_avg_deal", "€5k", "--db", db_path)
    assert result.exit_code == 1
    assert "this book counts in $, not €" in one_line_error(result.stderr)
    assert invoke("config", "set", "currency", "€", "--db", db_path).exit_code == 0
    assert invoke("config", "set", "plan_avg_deal", "€5k", "--db", db_path).exit_code == 0
    assert invoke("config", "get", "plan_avg_deal", "--db", db_path).stdout.strip() == "5000"


def test_target_set_with_an_unknown_period_is_a_usage_error(db_path: Path) -> None:
    result = invoke("target", "set", "50000", "--period", "fortnight", "--db", db_path)
    assert result.exit_code == 2
    assert targets(db_path) == []


def test_bad_amount_and_bad_date_exit_codes_from_the_shell(db_path: Path) -> None:
    negative = run_funnel("target", "set", "-5", "--db", db_path)
    assert negative.returncode == 1
    assert "-5" in one_line_error(negative.stderr)
    bad_date = run_funnel("report", "--today", "2026-13-01", "--db", db_path)
    assert bad_date.returncode == 2
    assert "Traceback" not in bad_date.stderr


# --- funnel report --------------------------------------------------------------------------


def test_report_without_a_target_says_how_to_set_one(db_path: Path) -> None:
    result = invoke("report", "--db", db_path, "--today", TODAY)
    assert result.exit_code == 1
    assert "funnel target set" in one_line_error(result.stderr)
    shell = run_funnel("report", "--json", "--db", db_path)
    assert shell.returncode == 1
    assert "funnel target set" in one_line_error(shell.stderr)
    assert shell.stdout == ""


def test_report_json_on_november_18th(november: Path) -> None:
    report = report_json(november)
    assert list(report) == REPORT_KEYS
    # Mon-Fri in November 2026: 2-6, 9-13, 16-20, 23-27 and 30 = 21 days. Strictly before
    # Wednesday the 18th: 2-6, 9-13, 16 and 17 = 12, leaving 9 with today.
    # Won in November: 1,200,000 (the 2nd) + 2,100,000 (the 18th) = 3,300,000 cents.
    # Expected: 6,000,000 x 12 / 21 = 3,428,571.43 -> 3,428,571; gap 3,300,000 - that.
    # Status: 95% of 3,428,571.43 is 3,257,142.86 <= 3,300,000 < 105% of it: on track.
    # Needed per day: (6,000,000 - 3,300,000) / 9 = 300,000.
    # Projection: 3,300,000 x 21 / 12 = 5,775,000.
    assert report == {
        "period": "month",
        "starts_on": "2026-11-01",
        "ends_on": "2026-11-30",
        "target_cents": 6_000_000,
        "won_cents": 3_300_000,
        "attainment": pytest.approx(0.55),
        "business_days": 21,
        "elapsed_business_days": 12,
        "remaining_business_days": 9,
        "expected_to_date_cents": 3_428_571,
        "pace_gap_cents": -128_571,
        "status": "on_track",
        "needed_per_day_cents": 300_000,
        "projection_cents": 5_775_000,
        "calls_today": 3,
        "calls_per_day": 40,
        # Most deals first, then most leads, then by name; October's won call is not in
        # the period. Ann's deal of the 2nd has no call: it counts under her method.
        "by_method": [
            {
                "name": "inbound",
                "calls": 2,
                "connects": 1,
                "connect_rate": 0.5,
                "leads": 1,
                "reached": 1,
                "meetings": 0,
                "meeting_rate": 0.0,
                "won": 1,
                "won_cents": 2_100_000,
                "win_rate": 1.0,
            },
            {
                "name": "solution",
                "calls": 2,
                "connects": 1,
                "connect_rate": 0.5,
                "leads": 1,
                "reached": 1,
                "meetings": 1,
                "meeting_rate": 1.0,
                "won": 1,
                "won_cents": 1_200_000,
                "win_rate": 1.0,
            },
        ],
        # A source is credited with every November deal of its prospects, call or not.
        "by_source": [
            {
                "name": "LinkedIn",
                "calls": 2,
                "connects": 1,
                "connect_rate": 0.5,
                "leads": 1,
                "reached": 1,
                "meetings": 1,
                "meeting_rate": 1.0,
                "won": 1,
                "won_cents": 1_200_000,
                "win_rate": 1.0,
            },
            {
                "name": "Webinar",
                "calls": 2,
                "connects": 1,
                "connect_rate": 0.5,
                "leads": 1,
                "reached": 1,
                "meetings": 0,
                "meeting_rate": 0.0,
                "won": 1,
                "won_cents": 2_100_000,
                "win_rate": 1.0,
            },
        ],
        "calls": 4,
        "connects": 2,
        "connect_rate": 0.5,
        "leads_worked": 2,
        "reached": 2,
        "meetings_booked": 1,
        "meetings_held": 0,
        "proposals": 0,
        "meeting_rate": 0.5,
        "deals_won": 2,
        "win_rate": 1.0,
        "avg_deal_cents": 1_650_000,
        # Ann: first call October 30th, closed November 2nd = 3 days; Ben: the same day.
        "sales_cycle_days_median": 1.5,
        # Only Ben's first call falls in November; he was added after it (today's clock).
        "speed_to_lead_hours_median": 0.0,
        "talk_time_s": 0,
        # 13 business days from the 2nd to the 18th.
        "avg_calls_per_day": 0.31,
        "emails": 0,
        "lost_reasons": {
            "budget": 0,
            "no_need": 0,
            "timing": 0,
            "competitor": 0,
            "no_authority": 0,
            "other": 0,
            "unspecified": 0,
            "unreachable": 0,
        },
        "handed_back": [],
        # No open opportunity: every stage is listed all the same, and nothing covers
        # the 2,700,000 still to win.
        "pipeline_cents": 0,
        "weighted_pipeline_cents": 0,
        "pipeline_by_stage": [
            {"stage": "meeting", "count": 0, "cents": 0},
            {"stage": "qualified", "count": 0, "cents": 0},
            {"stage": "proposal", "count": 0, "cents": 0},
        ],
        "coverage": 0.0,
        # Three deals in the 90 days to the 18th: 4,200,000 / 3 = 1,400,000 a deal. Too few
        # meetings, connects and calls for the rates: the settings'. 2,700,000 to go: 2
        # deals, 2 / 0.20 = 10 meetings, 10 / 0.25 = 40 connects, 40 / 0.10 = 400 dials;
        # over 9 days, rounded up: 1, 2, 5 and 45, more dials than the goal of 40.
        "plan": {
            "remaining_cents": 2_700_000,
            "avg_deal_cents": 1_400_000,
            "rates": {"win": 0.2, "meeting": 0.25, "connect": 0.1},
            "rate_sources": {
                "avg_deal": "history",
                "win": "default",
                "meeting": "default",
                "connect": "default",
            },
            "deals": 2,
            "meetings": 10,
            "connects": 40,
            "dials": 400,
            "per_day": {"deals": 1, "meetings": 2, "connects": 5, "dials": 45},
            "reachable_by_calls": False,
        },
        "skipped": 0,
    }


def test_report_as_of_an_earlier_day_counts_nothing_after_it(november: Path) -> None:
    # As of the 10th: the deal of the 2nd only; the calls of the 17th and 18th and the
    # deal of the 18th come later.
    report = report_json(november, "--today", "2026-11-10")
    assert report["won_cents"] == 1_200_000
    assert report["calls_today"] == 0
    # The deal without a call counts under Ann's method and source.
    assert [(row["name"], row["calls"], row["won"]) for row in report["by_method"]] == [
        ("solution", 0, 1)
    ]
    assert report["by_source"] == [
        {
            "name": "LinkedIn",
            "calls": 0,
            "connects": 0,
            "connect_rate": 0.0,
            "leads": 0,
            "reached": 0,
            "meetings": 0,
            "meeting_rate": None,
            "won": 1,
            "won_cents": 1_200_000,
            "win_rate": 1.0,
        }
    ]
    # 6 business days before the 10th: expected 6,000,000 x 6 / 21 = 1,714,285.71.
    assert (report["elapsed_business_days"], report["expected_to_date_cents"]) == (6, 1_714_286)
    assert report["status"] == "behind"
    table = invoke("report", "--db", november, "--today", "2026-11-10")
    assert table.exit_code == 0, table.output
    assert "$12,000.00" in table.stdout
    assert "$33,000.00" not in table.stdout and "Webinar" not in table.stdout


def test_report_as_of_the_day_before_a_win_leaves_it_out(november: Path) -> None:
    report = report_json(november, "--today", "2026-11-17")
    assert report["won_cents"] == 1_200_000
    assert report["calls_today"] == 1
    # Ann's deal of the 2nd (no call: her method) counts; Ben's of the 18th does not.
    assert [(row["name"], row["calls"], row["won_cents"]) for row in report["by_method"]] == [
        ("solution", 1, 1_200_000)
    ]


def test_report_period_picks_the_month_over_a_week_target(november: Path) -> None:
    storage = open_storage(november)
    storage.db["targets"].insert(
        {
            "period": "week",
            "starts_on": "2026-11-16",
            "ends_on": "2026-11-22",
            "amount_cents": 1_000_000,
        }
    )
    storage.close()
    shortest = report_json(november)
    assert (shortest["period"], shortest["starts_on"], shortest["ends_on"]) == (
        "week",
        "2026-11-16",
        "2026-11-22",
    )
    assert shortest["target_cents"] == 1_000_000
    month = report_json(november, "--period", "month")
    assert (month["period"], month["target_cents"]) == ("month", 6_000_000)
    # The table says the month's is there too: a manager reading the month's took the
    # week's figures for it.
    table = invoke("report", "--db", november, "--today", TODAY)
    *_, first, second = table.stdout.rstrip().splitlines()
    assert f"{first} {second}" == (
        "The week's target is shown; a month target also covers 2026-11-18 (funnel report"
        " --period month)."
    )
    # Within the 80 columns a piped report keeps to.
    assert max(len(line) for line in table.stdout.splitlines()) <= 80
    asked = invoke("report", "--db", november, "--today", TODAY, "--period", "month")
    assert "also covers" not in asked.stdout
    assert "also cover" not in invoke("report", "--db", november, "--today", "2026-11-10").stdout
    missing = invoke("report", "--db", november, "--today", TODAY, "--period", "quarter")
    assert missing.exit_code == 1
    assert "--period quarter" in one_line_error(missing.stderr)


def test_report_table_names_the_period_status_and_breakdowns(november: Path) -> None:
    result = invoke("report", "--db", november, "--today", TODAY)
    assert result.exit_code == 0, result.output
    for shown in (
        "November 2026",
        "on track",
        "$60,000.00",
        "$34,285.71",
        "By selling method",
        "By lead source",
        "Inbound Selling",
        "Webinar",
    ):
        assert shown in result.stdout
    assert "{" not in result.stdout


def test_report_refuses_a_date_that_does_not_exist(november: Path) -> None:
    result = invoke("report", "--db", november, "--today", "2026-13-01")
    assert result.exit_code == 2


def test_a_holiday_is_not_a_business_day(november: Path) -> None:
    result = invoke("config", "set", "holidays", "2026-11-26", "--db", november)
    assert result.exit_code == 0, result.output
    report = report_json(november)
    # Thanksgiving falls after the 18th: still 12 elapsed, now 8 remaining.
    assert (report["business_days"], report["elapsed_business_days"]) == (20, 12)
    assert report["remaining_business_days"] == 8
    assert report["expected_to_date_cents"] == 3_600_000  # 6,000,000 x 12 / 20


def test_report_says_a_stored_holiday_it_cannot_read_and_counts_the_others(
    november: Path,
) -> None:
    """Another tool wrote `bogus` among the holidays: the app and `funnel check` named it,
    the report counted 21 business days without a word."""
    db = sqlite_utils.Database(november)
    db["settings"].upsert({"key": "holidays", "value": "2026-11-26,bogus"}, pk="key")
    db.close()
    result = invoke("report", "--db", november, "--today", TODAY, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["business_days"] == 20
    assert "setting holidays: 'bogus' is not a date" in result.stderr
    assert "the other holidays still count" in result.stderr


def test_report_as_of_a_day_to_come_says_it_counts_only_what_is_logged(november: Path) -> None:
    storage = open_storage(november)
    set_target(storage.db, amount_cents=100_000, period="month", today=date(2999, 1, 15))
    storage.close()
    result = invoke("report", "--db", november, "--today", "2999-01-15")
    assert result.exit_code == 0, result.output
    assert one_line_error(result.stderr) == (
        "funnel: 2999-01-15 is still to come: the figures count what is logged so far, as if"
        " nothing more were done by then"
    )
    assert invoke("report", "--db", november, "--today", TODAY).stderr == ""


def test_report_table_says_the_need_is_now_when_no_business_day_is_left(
    november: Path,
) -> None:
    """`days remaining 0` beside `needed per day $4,900.00` read as a contradiction."""
    storage = open_storage(november)
    set_target(storage.db, amount_cents=1_000_000, period="week", today=date(2026, 11, 22))
    storage.close()
    table = invoke("report", "--db", november, "--today", "2026-11-22").stdout
    (line,) = [line for line in table.splitlines() if line.strip().startswith("needed")]
    assert line.split()[:2] == ["needed", "now"]
    assert "needed per day" in invoke("report", "--db", november, "--today", TODAY).stdout


def test_report_table_signs_the_pace_gap_as_the_gauge_does(november: Path) -> None:
    gap = report_json(november)["pace_gap_cents"]
    table = invoke("report", "--db", november, "--today", TODAY).stdout
    (line,) = [line for line in table.splitlines() if line.strip().startswith("pace gap")]
    signed = ("+" if gap > 0 else "") + format_money(gap, "$")
    assert line.split()[-1] == signed
    assert "days remaining" in table


# --- funnel config --------------------------------------------------------------------------


def test_config_list_shows_every_setting(db_path: Path) -> None:
    result = invoke("config", "list", "--db", db_path)
    assert result.exit_code == 0, result.output
    listed = [line.split(" = ")[0] for line in result.stdout.splitlines()]
    assert listed == list(KEYS)
    assert "currency = $" in result.stdout


@pytest.mark.parametrize(
    ("key", "typed", "shown"),
    [
        ("currency", "€", "€"),
        ("rep_name", "Robin Reyes", "Robin Reyes"),
        ("day_first", "no", "no"),
        ("day_first", "yes", "yes"),
        ("business_days", "Fri,mon,wed", "mon,wed,fri"),
        ("holidays", "2026-12-25,2026-11-26", "2026-11-26,2026-12-25"),
        ("calling_start", "8:30", "08:30"),
        ("max_attempts", "3", "3"),
    ],
)
def test_config_set_then_get_round_trips(db_path: Path, key: str, typed: str, shown: str) -> None:
    if key == "day_first" and typed == "yes":
        assert invoke("config", "set", key, "no", "--db", db_path).exit_code == 0
    setting = invoke("config", "set", key, typed, "--db", db_path)
    assert setting.exit_code == 0, setting.output
    assert setting.stdout.strip() == f"{key} = {shown}"
    reading = invoke("config", "get", key, "--db", db_path)
    assert reading.exit_code == 0, reading.output
    assert reading.stdout.strip() == shown


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("day_first", "maybe", "maybe"),
        ("calling_start", "25:00", "00:00 to 23:59"),
        ("max_attempts", "-1", "from 1 to 50"),
        ("holidays", "2026-02-30", "no such day"),
        ("colour", "blue", "unknown setting 'colour'"),
    ],
)
def test_config_set_refuses_bad_values(db_path: Path, key: str, value: str, named: str) -> None:
    before = invoke("config", "list", "--db", db_path).stdout
    result = invoke("config", "set", key, value, "--db", db_path)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert key in line
    assert named in line
    assert invoke("config", "list", "--db", db_path).stdout == before


def test_config_get_of_an_unknown_key_is_one_line(db_path: Path) -> None:
    result = invoke("config", "get", "colour", "--db", db_path)
    assert result.exit_code == 1
    assert "colour" in one_line_error(result.stderr)


def test_settings_travel_with_the_file(tmp_path: Path) -> None:
    mine, other = tmp_path / "mine.db", tmp_path / "other.db"
    assert invoke("config", "set", "currency", "€", "--db", mine).exit_code == 0
    assert invoke("config", "get", "currency", "--db", mine).stdout.strip() == "€"
    assert invoke("config", "set", "rep_name", "Sam", "--db", other).exit_code == 0
    assert invoke("config", "get", "currency", "--db", other).stdout.strip() == "$"


# --- funnel script --------------------------------------------------------------------------

FOLLOWUP = """\
name = "Friendly Follow-up"
[[steps]]
title = "Reconnect"
say = "Hi {first_name}, following up on {company}."
"""

BROKEN = """\
name = "My Solution"
[[steps]]
title = "Open
say = "Hello"
"""


def add_prospect(path: Path, **fields: str) -> int:
    storage = open_storage(path)
    try:
        return storage.db["prospects"].insert(fields).last_pk
    finally:
        storage.close()


def test_script_list_shows_the_five_builtins(db_path: Path) -> None:
    result = invoke("script", "--list", "--db", db_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(BUILTIN_METHODS) == 5
    for line, method in zip(lines, BUILTIN_METHODS, strict=True):
        assert line.split()[0] == method.value
        assert method.name in line
        assert line.rstrip().endswith("built-in")


def test_user_script_is_listed_with_its_file_and_prints(db_path: Path) -> None:
    path = user_scripts() / "followup.toml"
    path.write_text(FOLLOWUP, encoding="utf-8")
    listing = invoke("script", "--list", "--db", db_path)
    assert listing.exit_code == 0, listing.output
    [line] = [line for line in listing.stdout.splitlines() if line.startswith("followup ")]
    assert "Friendly Follow-up" in line
    assert str(path) in line
    printed = invoke("script", "followup", "--db", db_path)
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("Friendly Follow-up")
    assert "1. Reconnect" in printed.stdout


def test_broken_override_names_file_and_line_and_the_builtin_still_prints(db_path: Path) -> None:
    path = user_scripts() / "solution.toml"
    path.write_text(BROKEN, encoding="utf-8")
    result = invoke("script", "solution", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert one_line_error(result.stderr).startswith(f"funnel: {path}:3: ")
    assert result.stdout.startswith("Solution Selling")
    assert "My Solution" not in result.stdout
    assert one_line_error(result.stderr).endswith("(using the built-in script)")


def test_a_broken_added_script_is_said_to_be_not_used_as_it_has_no_builtin(
    db_path: Path,
) -> None:
    # It was said to fall back on a built-in script that no added method has.
    path = user_scripts() / "renewal.toml"
    path.write_text(BROKEN, encoding="utf-8")
    result = invoke("script", "--list", "--db", db_path)
    assert result.exit_code == 0, result.output
    line = one_line_error(result.stderr)
    assert line.startswith(f"funnel: {path}:3: ") and line.endswith("(not used)")


def test_the_list_names_a_file_not_loaded_and_why(db_path: Path) -> None:
    """A broken script file showed only on stderr: `--list` left it out as if it were not
    there."""
    broken = user_scripts() / "renewal.toml"
    broken.write_text(BROKEN, encoding="utf-8")
    (user_scripts() / "solution.toml").write_text(BROKEN, encoding="utf-8")
    result = invoke("script", "--list", "--db", db_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 5 + 2
    renewal, solution = lines[5:]
    assert renewal.startswith("renewal ") and " (not loaded) " in renewal
    assert f" {broken}:3: not valid TOML" in renewal and renewal.endswith("(not used)")
    assert solution.startswith("solution ") and solution.endswith("(using the built-in script)")


def test_unknown_method_lists_the_known_ones(db_path: Path) -> None:
    result = invoke("script", "nope", "--db", db_path)
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert "nope" in line
    for method in BUILTIN_METHODS:
        assert method.value in line


PROFILE = """\
our_company = "Kestrel Software"
product = "Kestrel"

[[features]]
name = "live dispatch board"
does = "shows every driver and job on one screen"
needs = ["dispatch"]
"""


def test_script_for_a_prospect_answers_their_recorded_objection(db_path: Path) -> None:
    prospect = add_prospect(
        db_path,
        name="Dr. Dana Whitfield",
        company="Northwind Traders",
        pain_points="a slow month-end close",
        objections="price is too high",
        source="cold list",
    )
    result = invoke("script", "solution", "--prospect", str(prospect), "--db", db_path)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "> Opener: cold (a new prospect who did not come to us)" in text
    assert "> Profile: nothing chosen" in text
    assert "1. Open\n   Hi Dana. " in text
    assert "Northwind Traders" in text
    recorded = text.index("Objections recorded for this prospect")
    price = text.index("   - Price: ")
    others = text.index("Other objections")
    assert recorded < price < others
    assert text.index("   - Budget: ") > others
    # The rep's notes are cues for the rep, never read out.
    assert "   > In your notes: a slow month-end close." in text
    assert [line for line in text.splitlines() if "month-end" in line and "> " not in line] == []


def test_a_bad_objection_category_leaves_the_files_others_in_use(db_path: Path) -> None:
    """`[parking]` with an unknown field dropped the whole objections.toml, the rep's
    answer to price with it, under a line that read as if only [parking] were left out."""
    path = user_scripts().parent / "objections.toml"
    path.write_text(
        '[price.answers]\nsolution = "What would fixing it be worth each month?"\n\n'
        '[parking]\nphrases = ["parking"]\nfallback = "Where?"\ncolour = "red"\n',
        encoding="utf-8",
    )
    prospect = add_prospect(db_path, name="Ann Lee", objections="price is too high")
    result = invoke("script", "solution", "--prospect", str(prospect), "--db", db_path)
    assert result.exit_code == 0, result.output
    assert one_line_error(result.stderr) == (
        f"funnel: {path}:7: category [parking]: unknown field 'colour'; a category has title,"
        " phrases, ignore, answers and fallback ([parking] is left out; the rest of the file"
        " is used)"
    )
    assert "   - Price: What would fixing it be worth each month?" in result.stdout


def test_a_prospects_script_without_a_method_is_their_own_methods(db_path: Path) -> None:
    """As the pane shows it: `funnel script --prospect 7` said only `name a method`."""
    conceptual = add_prospect(db_path, name="Ann Lee", method="conceptual")
    result = invoke("script", "--prospect", str(conceptual), "--db", db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Conceptual Selling\n")
    renewal = add_prospect(db_path, name="Bo Chan", method="renewal")
    result = invoke("script", "--prospect", str(renewal), "--db", db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Solution Selling\n")
    assert result.stderr == (
        f"funnel: prospect {renewal}'s method 'renewal' has no script; showing Solution Selling\n"
    )
    assert invoke("script", "--db", db_path).exit_code == 2


def test_an_empty_method_is_none_set_for_the_script_and_for_check(db_path: Path) -> None:
    """`method = ''`, as sqlite-utils may write it: the default's script, said as the
    pane says it, and nothing for `funnel check` to list."""
    blank = add_prospect(db_path, name="Ann Lee", method="")
    result = invoke("script", "--prospect", str(blank), "--db", db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Solution Selling\n")
    assert result.stderr == ""
    checked = invoke("check", "--db", db_path)
    assert (checked.exit_code, checked.stderr) == (0, "")


def test_missing_facts_leave_questions_and_cues_never_prompts(db_path: Path) -> None:
    prospect = add_prospect(db_path, name="Sam")
    result = invoke("script", "solution", "--prospect", str(prospect), "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "(ask:" not in result.stdout
    assert "> In your notes: (not recorded)." in result.stdout
    assert "Let me start with how things run today." in result.stdout
    assert "{" not in result.stdout
    assert "None" not in result.stdout


def test_the_profile_and_rep_name_fill_the_opener(db_path: Path) -> None:
    (user_scripts().parent / "profile.toml").write_text(PROFILE, encoding="utf-8")
    assert invoke("config", "set", "rep_name", "Robin Reyes", "--db", db_path).exit_code == 0
    prospect = add_prospect(db_path, name="Lee Park", needs="dispatch by phone")
    result = invoke("script", "solution", "--prospect", str(prospect), "--db", db_path)
    assert result.exit_code == 0, result.output
    assert (
        "Hi Lee, it's Robin Reyes from Kestrel Software. I'm calling because our live "
        "dispatch board shows every driver and job on one screen."
    ) in result.stdout
    assert "> Profile: profile = " in result.stdout
    assert "feature = live dispatch board" in result.stdout


def test_without_a_prospect_the_script_prints_as_written_with_every_opener(db_path: Path) -> None:
    result = invoke("script", "solution", "--db", db_path)
    assert result.exit_code == 0, result.output
    for situation in ("cold", "inbound", "known", "customer"):
        assert f"Open: {situation} (" in result.stdout
    assert "{introduction}. I'm calling because" in result.stdout


def test_the_script_as_written_needs_no_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trainer reading a script before any rep has a book got `funnel.db does not
    exist`; a book named that is not there is still refused, and none is made."""
    from funnel_tui.paths import data_dir

    monkeypatch.delenv("FUNNEL_DB", raising=False)
    result = invoke("script", "solution")
    assert result.exit_code == 0, result.output
    assert "Open: cold (" in result.stdout
    assert not (data_dir() / "funnel.db").exists()

    mistyped = tmp_path / "funel.db"
    result = invoke("script", "solution", "--db", mistyped)
    assert result.exit_code == 1
    assert "does not exist" in one_line_error(result.stderr)
    assert not mistyped.exists()


def test_unknown_prospect_is_one_line_and_exit_1(db_path: Path) -> None:
    result = invoke("script", "solution", "--prospect", "999", "--db", db_path)
    assert result.exit_code == 1
    assert "999" in one_line_error(result.stderr)
    assert result.stdout == ""


@pytest.mark.parametrize("prospect_id", ["99999999999999999999", "-99999999999999999999"])
def test_a_prospect_id_no_database_can_hold_is_no_such_prospect(
    db_path: Path, prospect_id: str
) -> None:
    result = run_funnel("script", "solution", "--prospect", prospect_id, "--db", db_path)
    assert result.returncode == 1
    assert one_line_error(result.stderr) == f"funnel: no prospect with id {prospect_id}"
    assert result.stdout == ""


def test_markup_in_prospect_text_is_printed_literally(db_path: Path) -> None:
    prospect = add_prospect(db_path, name="[red]Lee[/red] Park", company="[bold]Acme[/bold]")
    result = invoke("script", "solution", "--prospect", str(prospect), "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "[bold]Acme[/bold]" in result.stdout
    # A first word written as markup is no name to greet by: `Hi [red]Lee[/red]` was said.
    assert "Hello. " in result.stdout
    assert "[red]" not in result.stdout


LONG_SOURCE = "Enterprise Partner Referral Programme 2026"


@pytest.fixture
def millions(tmp_path: Path) -> Path:
    """A month target of $1,234,567.89, all of it won in one deal from a long-named source."""
    path = tmp_path / "millions.db"
    storage = open_storage(path)
    db = storage.db
    db["targets"].insert(
        {
            "period": "month",
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
            "amount_cents": 123_456_789,
            "calls_per_day": 40,
        }
    )
    buyer = (
        db["prospects"]
        .insert({"name": "Ann A", "method": "value_proposition", "source": LONG_SOURCE})
        .last_pk
    )
    call = (
        db["calls"]
        .insert(
            {
                "prospect_id": buyer,
                "started_at": at_noon_utc(TODAY),
                "outcome": "won",
                "method": "value_proposition",
            }
        )
        .last_pk
    )
    db["deals"].insert(
        {"prospect_id": buyer, "call_id": call, "amount_cents": 123_456_789, "closed_on": TODAY}
    )
    storage.close()
    return path


def assert_every_figure_whole_within_80_columns(output: str, report: dict) -> None:
    lines = output.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), output
    for key in ("target_cents", "won_cents", "expected_to_date_cents", "projection_cents"):
        assert format_money(report[key], "$") in output, key
    # One prospect, reached once, won on that call: each rate with its counts beside it.
    # By method: leads, reached, meetings, meeting rate, won, win rate, amount; by source
    # the connect rate too. The name may shorten, never a figure.
    amount = format_money(report["won_cents"], "$")
    by_method = ["1", "1", "0", "0/1", "0%", "1", "1/1", "100%", amount]
    by_source = ["1", "1", "1/1", "100%", "0", "0/1", "0%", "1", "1/1", "100%", amount]
    tails = [line.split() for line in lines if line.endswith(amount)]
    assert any(tail[-len(by_method) :] == by_method for tail in tails), output
    assert any(tail[-len(by_source) :] == by_source for tail in tails), output
    assert LONG_SOURCE not in output  # the name shortened instead of a figure


def test_report_at_80_columns_shortens_names_never_figures(
    millions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = report_json(millions)
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke("report", "--db", millions, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert_every_figure_whole_within_80_columns(result.stdout, report)


def test_report_piped_shortens_names_never_figures(
    millions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = report_json(millions)
    monkeypatch.delenv("COLUMNS", raising=False)
    piped = run_funnel("report", "--db", millions, "--today", TODAY)
    assert piped.returncode == 0, piped.stderr
    assert_every_figure_whole_within_80_columns(piped.stdout, report)


def test_report_in_a_narrow_terminal_keeps_figures_whole(
    millions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    result = invoke("report", "--db", millions, "--today", TODAY)
    assert result.exit_code == 0, result.output
    # Target, won, the average deal, by method and by source.
    assert result.stdout.count("$1,234,567.89") == 5
    assert "$1,234,567.…" not in result.stdout


def test_check_lists_methods_that_are_neither_built_in_nor_the_reps_own(db_path: Path) -> None:
    """PRODUCT 4: an unknown method is listed by check. A method of the rep's own script
    is known."""
    (user_scripts() / "followup.toml").write_text(FOLLOWUP, encoding="utf-8")
    bogus = add_prospect(db_path, name="Bo Gus", email="bo@gus.example", method="bogus")
    add_prospect(db_path, name="Fay Low", email="fay@low.example", method="followup")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO calls (prospect_id, started_at, outcome, method)"
            " VALUES (?, '2026-11-17T10:00:00+00:00', 'no_answer', ?)",
            [bogus, "=m\x1b]0;x\x07"],
        )
    conn.close()
    result = invoke("check", "--db", db_path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == [
        f"funnel: {db_path}: prospects: method 'bogus' is neither built in nor one of your"
        f" scripts (1 row, the first row {bogus}): add a script of that name, or change the"
        " method",
        f"funnel: {db_path}: calls: method '=m\\x1b]0;x\\x07' is neither built in nor one of"
        " your scripts (1 row, the first row 1): add a script of that name, or change the"
        " method",
    ]
