"""The pipeline (PRODUCT 9b, 14): open opportunities by stage, weighted once on the total,
coverage of what is left to win, and the closes a rep should chase first."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.widgets import Input, Static

from funnel_tui.money import format_money
from funnel_tui.pace import Pace, load_pace, set_target
from funnel_tui.pipeline import BY_STAGE_SQL, SOONEST_SQL, Pipeline, load_pipeline
from funnel_tui.report import closing_text
from funnel_tui.reps import REP_ENV, add_rep
from funnel_tui.settings import (
    SettingError,
    Settings,
    StageWeights,
    parse_setting,
    read_settings,
)
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.performance_screen import PerformanceScreen
from tests.app_support import settle, shown_text
from tests.cli_support import invoke, one_line_error, patch_commands
from tests.pipeline_support import (
    BY_STAGE,
    CLOSING_CENTS,
    CLOSING_COUNT,
    WEIGHTED_EXACT_HUNDREDTHS,
    write_pipeline,
    write_pipeline_into,
)
from tests.rows import book_option, insert_row

TODAY = date(2026, 11, 18)
END_OF_NOVEMBER = date(2026, 11, 30)
DEFAULTS = Settings()


@pytest.fixture
def book(book_storage: Any) -> Any:
    """A new book on each backend."""
    return book_storage


@pytest.fixture
def file_book(tmp_path: Path) -> Storage:
    """A new SQLite file, for what only a file can hold."""
    return open_storage(tmp_path / "book.db")


def add(db: Any, *rows: tuple[object, ...]) -> None:
    """Prospects as (stage, deal value, expected close), written as another tool would."""
    for row in rows:
        db.execute(
            "INSERT INTO prospects (name, stage, deal_value_cents, expected_close_on)"
            " VALUES ('Someone', ?, ?, ?)",
            (*row, None)[:3],
        )


def pipeline_of(db: Any, weights: StageWeights = DEFAULTS.stage_weights) -> Pipeline:
    return load_pipeline(db, weights, today=TODAY, closing_by=END_OF_NOVEMBER)


def november_pace(db: Any, target_cents: int, won_cents: int = 0) -> Pace | None:
    set_target(db, amount_cents=target_cents, period="month", today=TODAY)
    if won_cents:
        prospect = insert_row(db, "prospects", {"name": "Winner", "stage": "won"})
        insert_row(
            db,
            "deals",
            {"prospect_id": prospect, "amount_cents": won_cents, "closed_on": "2026-11-10"},
        )
    return load_pace(db, TODAY, DEFAULTS)


# Figures ------------------------------------------------------------------------------


def test_the_weighted_pipeline_is_rounded_once_on_the_total(book: Any) -> None:
    # 10% of 5 cents is half a cent, three times: 1.5 cents in all, 2 rounded half up.
    # Rounded each time it would be 3 (half up) or 0 (half even).
    add(book.db, ("meeting", 5), ("meeting", 5), ("meeting", 5))
    pipeline = pipeline_of(book.db)
    assert pipeline.pipeline_cents == 15
    assert pipeline.weighted == Fraction(3, 2)
    assert pipeline.weighted_pipeline_cents == 2


def test_every_stage_has_a_row_also_without_opportunities(book: Any) -> None:
    assert pipeline_of(book.db).by_stage[0].count == 0
    add(book.db, ("proposal", 1_000))
    pipeline = pipeline_of(book.db)
    assert [stage.to_json() for stage in pipeline.by_stage] == [
        {"stage": "meeting", "count": 0, "cents": 0},
        {"stage": "qualified", "count": 0, "cents": 0},
        {"stage": "proposal", "count": 1, "cents": 1_000},
    ]
    assert pipeline.weighted_pipeline_cents == 500


def test_only_a_value_at_meeting_qualified_or_proposal_is_an_opportunity(book: Any) -> None:
    add(
        book.db,
        *[(stage, 99_999) for stage in ("lead", "contacted", "won", "lost")],
        ("meeting", 0),
        ("qualified", None),
        ("qualified", 40_000),
    )
    pipeline = pipeline_of(book.db)
    assert (pipeline.count, pipeline.pipeline_cents, pipeline.skipped) == (1, 40_000, 0)


def test_the_stage_weights_setting_weighs_the_pipeline(book: Any) -> None:
    add(book.db, ("meeting", 1_000), ("qualified", 1_000), ("proposal", 1_000))
    assert pipeline_of(book.db).weighted_pipeline_cents == 100 + 250 + 500
    weights = StageWeights(meeting=0, qualified=100, proposal=60)
    assert pipeline_of(book.db, weights).weighted_pipeline_cents == 0 + 1_000 + 600


def test_coverage_is_the_exact_weighted_pipeline_over_what_is_left_to_win(
    book: Storage,
) -> None:
    add(book.db, ("meeting", 5), ("meeting", 5), ("meeting", 5))
    pace = november_pace(book.db, target_cents=1_500, won_cents=500)
    assert pace is not None
    # 1.5 cents over 1,000: from the rounded 2 cents it would be 0.002.
    assert pace.coverage == 0.0015
    assert pace.to_json()["coverage"] == 0.0015


def test_coverage_is_null_once_the_target_is_reached(book: Any) -> None:
    add(book.db, ("proposal", 5_000))
    pace = november_pace(book.db, target_cents=1_000, won_cents=1_200)
    assert pace is not None
    report = pace.to_json()
    assert report["coverage"] is None
    assert report["weighted_pipeline_cents"] == 2_500


def test_values_of_the_wrong_type_are_left_out_and_counted(file_book: Storage) -> None:
    book = file_book
    add(
        book.db,
        ("qualified", 10_000, "2026-11-20"),
        ("qualified", "50,000"),  # text
        ("qualified", 12.5),  # a fraction of a cent
        ("proposal", 10**13),  # past the largest amount
        ("proposal", b"\x01"),  # a BLOB
        ("proposal", 20_000, "2026-13-01"),  # counted, but its close date is unreadable
    )
    pipeline = pipeline_of(book.db)
    assert (pipeline.count, pipeline.pipeline_cents) == (2, 30_000)
    assert pipeline.skipped == 5
    assert [o.cents for o in pipeline.soonest] == [10_000]
    assert pipeline.closing_count == 1
    pace = november_pace(book.db, target_cents=100_000)
    assert pace is not None and pace.skipped == 5


def test_the_soonest_closes_come_first_and_the_period_says_what_should_close(
    book: Storage,
) -> None:
    write_pipeline_into(book.db)
    pipeline = pipeline_of(book.db)
    assert [(o.name, o.expected_close_on.isoformat()) for o in pipeline.soonest] == [
        ("[bold]Quill[/] Qualified", "2026-11-12"),
        ("Pia Proposal", "2026-11-20"),
        ("Quinn Qualified", "2026-11-25"),
        ("Maya Meeting", "2026-12-15"),
    ]
    assert (pipeline.closing_count, pipeline.closing_cents) == (CLOSING_COUNT, CLOSING_CENTS)
    # 25% of 2,000,000 and of 1,500,001, 50% of 4,000,000.
    assert pipeline.closing_weighted_cents == 2_875_000
    assert (pipeline.overdue, pipeline.undated) == (1, 1)
    assert [stage.to_json() for stage in pipeline.by_stage] == BY_STAGE


def test_closes_are_summed_up_in_one_line(book: Any) -> None:
    add(book.db, ("proposal", 100_000), ("meeting", 5_000, "2027-01-15"))
    assert closing_text(pipeline_of(book.db), "$").plain == (
        "closing by 2026-11-30: none; 1 without a close date"
    )
    write_pipeline_into(book.db)
    assert closing_text(pipeline_of(book.db), "$").plain == (
        "closing by 2026-11-30: 3 worth $75,000.01 (weighted $28,750.00), 1 overdue;"
        " 1 without a close date"
    )


def test_the_soonest_list_is_short(book: Any) -> None:
    add(book.db, *[("meeting", 100, f"2026-12-{day:02d}") for day in range(1, 21)])
    assert len(pipeline_of(book.db).soonest) == 5


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        # By stage from the index alone (schema v20); the soonest's names from their rows.
        (BY_STAGE_SQL.one.sqlite, "USING COVERING INDEX prospects_pipeline"),
        (SOONEST_SQL.one.sqlite, "USING INDEX prospects_pipeline"),
        (BY_STAGE_SQL.every_rep.sqlite, "USING COVERING INDEX prospects_pipeline"),
        (SOONEST_SQL.every_rep.sqlite, "USING INDEX prospects_pipeline"),
    ],
)
def test_the_pipeline_reads_only_its_own_index(file_book: Storage, sql: str, read: str) -> None:
    book = file_book
    params = {"today": "2026-11-18", "closing_by": "2026-11-30", "limit": 5, "rep": None}
    plan = " ".join(row[3] for row in book.db.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert read in plan, plan
    assert "SCAN prospects" not in plan


# The setting --------------------------------------------------------------------------


def test_stage_weights_are_typed_as_they_are_stored() -> None:
    weights = parse_setting("stage_weights", " proposal = 60, Meeting=0,QUALIFIED=100 ")
    assert weights == StageWeights(meeting=0, qualified=100, proposal=60)
    assert str(weights) == "meeting=0,qualified=100,proposal=60"
    assert str(DEFAULTS.stage_weights) == "meeting=10,qualified=25,proposal=50"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("meeting=10,qualified=25", "no weight for proposal"),
        ("meeting=10,qualified=25,proposal=101", "proposal: expected a whole number"),
        ("meeting=10,qualified=2.5,proposal=50", "qualified: expected a whole number"),
        ("meeting=10,qualified=25,proposal=50,lead=5", "'lead' is not a pipeline stage"),
        ("meeting=10,meeting=20,qualified=25,proposal=50", "meeting has two weights"),
        ("", "no weight for meeting, qualified, proposal"),
    ],
)
def test_stage_weights_that_cannot_be_used_are_refused(text: str, reason: str) -> None:
    with pytest.raises(SettingError, match=re.escape(reason)):
        parse_setting("stage_weights", text)


def test_a_stored_stage_weights_that_cannot_be_used_falls_back_to_the_default(
    book: Any,
) -> None:
    book.db.execute("INSERT INTO settings (key, value) VALUES ('stage_weights', 'proposal=200')")
    settings, [problem] = read_settings(book.db)
    assert settings.stage_weights == StageWeights()
    assert problem.startswith("setting stage_weights = 'proposal=200' cannot be used")
    assert problem.endswith("using 'meeting=10,qualified=25,proposal=50'")


def test_funnel_config_sets_the_stage_weights(book: Any) -> None:
    result = invoke(
        "config",
        "set",
        "stage_weights",
        "meeting=5,qualified=20,proposal=60",
        "--db",
        book_option(book),
    )
    # A team's book adds whose setting it is (the team's, shared in the database).
    assert result.stdout.startswith("stage_weights = meeting=5,qualified=20,proposal=60")
    refused = invoke("config", "set", "stage_weights", "meeting=5", "--db", book_option(book))
    assert refused.exit_code == 1
    assert "stage_weights: no weight for qualified, proposal" in one_line_error(refused.stderr)
    kept = invoke("config", "get", "stage_weights", "--db", book_option(book)).stdout.strip()
    assert kept == "meeting=5,qualified=20,proposal=60"


async def test_the_settings_screen_saves_the_stage_weights(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen
        field = screen.query_one("#setting-stage_weights", Input)
        assert field.value == "meeting=10,qualified=25,proposal=50"
        field.value = "meeting=10,qualified=25,proposal=500"
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = shown_text(screen.query_one("#setting-error-stage_weights", Static))
        assert "proposal: expected a whole number of percent from 0 to 100" in error
        field.value = "meeting=15,qualified=30,proposal=70"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is not screen
    stored = demo_app.storage.db.execute(
        "SELECT value FROM settings WHERE key = 'stage_weights'"
    ).fetchone()
    assert stored == ("meeting=15,qualified=30,proposal=70",)


# Where a rep reads it -------------------------------------------------------------------


def on_screen(app: FunnelApp, region: Region) -> str:
    """The text the terminal shows inside `region`."""
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    lines = ["".join(segment.text for segment in strip) for strip in strips]
    return "\n".join(line[region.x : region.right] for line in lines)


async def everything_shown(app: FunnelApp, size: tuple[int, int]) -> str:
    """The text inside the pace screen at `size`, scrolled through from top to bottom."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PerformanceScreen) and screen.pace is not None
        box = screen.query_one("#performance-body")
        shown = ""
        for top in range(0, box.max_scroll_y + box.size.height, max(box.size.height - 2, 1)):
            box.scroll_to(y=top, animate=False, immediate=True)
            await pilot.pause()
            shown += on_screen(app, box.content_region) + "\n"
    return shown


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 45)])
async def test_the_pace_screen_shows_the_pipeline_by_stage_and_by_close(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    write_pipeline(demo_app.storage.path)
    shown = await everything_shown(demo_app, size)
    lines = [" ".join(line.split()) for line in shown.splitlines()]
    for row in (
        "meeting (10%) 2 $13,333.33 $1,333.33",
        "qualified (25%) 2 $35,000.01 $8,750.00",
        "proposal (50%) 1 $40,000.00 $20,000.00",
        "total 5 $88,333.34 $30,083.34",
        # The name as typed, never markup; the close that has passed is marked.
        "[bold]Quill[/] Qualified qualified $15,000.01 2026-11-12 overdue",
        "Pia Proposal proposal $40,000.00 2026-11-20",
        "Maya Meeting meeting $10,000.00 2026-12-15",
    ):
        assert any(row in line for line in lines), row
    # Coverage is the weighted pipeline over what is left of the target after the demo's wins.
    text = " ".join(lines)
    target, won = (
        int(float(re.search(rf"{label} \$([\d,]+\.\d\d)", text)[1].replace(",", "")) * 100)
        for label in ("target", "won")
    )
    left = target - won
    coverage = WEIGHTED_EXACT_HUNDREDTHS / 100 / left
    assert f"coverage: {coverage:.2f}x of {format_money(left)} left to win" in text
    assert "Mo Meeting" not in shown  # no close date: counted, not listed


def november_target_of_whoever_reports(book: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A November target of $100,000 for the rep who runs `funnel report`: in a team's
    database a rep of its own, who owns the prospects, as a plain report there is the
    rep's (their own pipeline)."""
    rep = None
    if dialect_of(book.db) is Dialect.POSTGRESQL:
        rep, _ = add_rep(book.db, "sam")
        monkeypatch.setenv(REP_ENV, rep)
        book.db.execute("UPDATE prospects SET owner = ?", [rep])
    set_target(book.db, amount_cents=10_000_000, period="month", today=TODAY, rep=rep)


def on_the_day(day: date) -> datetime:
    return datetime.combine(day, time(17, 0), tzinfo=UTC)


def test_funnel_report_has_the_pipeline_within_80_columns(
    book: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pipeline_into(book.db)
    november_target_of_whoever_reports(book, monkeypatch)
    patch_commands(monkeypatch, "system_now", lambda: on_the_day(TODAY))
    result = invoke("report", "--db", book_option(book), "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    figures = {" ".join(line.split()[:-1]): line.split()[-1] for line in lines[:20] if line}
    assert "pipeline $88,333.34 (5 open)" in [" ".join(line.split()) for line in lines]
    assert figures["weighted pipeline"] == "$30,083.34"
    # 3,008,333.55 over the 10,000,000 still to win.
    assert "coverage 0.30x of $100,000.00 left to win" in [" ".join(line.split()) for line in lines]


def test_a_report_of_a_day_gone_by_says_its_pipeline_is_of_now(
    book: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open opportunities are those of the moment (PRODUCT 9b): a report as of a day
    gone by, which reads as it would have that evening in every other figure, says so
    rather than give today's pipeline as that day's."""
    write_pipeline_into(book.db)
    november_target_of_whoever_reports(book, monkeypatch)
    patch_commands(monkeypatch, "system_now", lambda: on_the_day(date(2026, 12, 5)))
    result = invoke("report", "--db", book_option(book), "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "pipeline (now) $88,333.34 (5 open)" in lines
    assert "weighted pipeline (now) $30,083.34" in lines
    assert "coverage (pipeline now) 0.30x of $100,000.00 left to win" in lines


def test_funnel_report_json_has_the_pipeline(book: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    write_pipeline_into(book.db)
    november_target_of_whoever_reports(book, monkeypatch)
    result = invoke("report", "--db", book_option(book), "--today", TODAY.isoformat(), "--json")
    report = json.loads(result.stdout)
    assert report["pipeline_cents"] == 8_833_334
    assert report["weighted_pipeline_cents"] == 3_008_334
    assert report["pipeline_by_stage"] == BY_STAGE
    assert report["coverage"] == 0.300833355
    assert report["skipped"] == 0
