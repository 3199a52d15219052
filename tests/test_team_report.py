"""The manager's rollup of a team's book (PRODUCT 16) on both backends: each rep against
their own target, the team against its own (or the sum of the reps'), `report --team`,
`report --rep`, `target set --rep` and a rep's own gauge."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from funnel_tui import team_report
from funnel_tui.cli.book import open_db
from funnel_tui.gauge_figures import load_gauge_figures
from funnel_tui.manager_figures import Window
from funnel_tui.pace import set_target
from funnel_tui.reps import add_rep, remove_rep
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.store.postgres import OutOfReach, PostgresDatabase, PostgresStorage
from funnel_tui.store.sqlite import open_storage
from funnel_tui.team_figures import load_team_today
from funnel_tui.team_report import REP_KEYS as TEAM_REP_KEYS
from funnel_tui.team_report import load_team_report
from funnel_tui.team_table import HEADERS, team_table
from tests.cli_support import REPORT_KEYS, invoke, patch_commands
from tests.conftest import empty_team_book
from tests.rows import insert_row

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 14, 30, tzinfo=LONDON)
TODAY = NOW.date()
SETTINGS = Settings()

# What the README documents for a rep's line of `report --team --json`, in order: their
# whole report, and how many prospects they own.
REP_KEYS = ["rep", *REPORT_KEYS, "prospects_owned"]


def call(
    db: Any, prospect: int, rep: str | None, outcome: str, day: str, duration: int = 60
) -> int:
    return insert_row(
        db,
        "calls",
        {
            "prospect_id": prospect,
            "rep": rep,
            "outcome": outcome,
            "started_at": f"{day}T10:00:00+00:00",
            "duration_s": duration,
        },
    )


def build_team(db: Any, *, team_target: bool = True) -> dict[str, int]:
    """alex: 3 calls this month (one connect that booked a meeting), a $5,000 deal; blake:
    one unanswered call; an earlier month's call of alex's, outside the window."""
    for rep in ("alex", "blake"):
        add_rep(db, rep)
    ann = insert_row(db, "prospects", {"name": "Ann", "owner": "alex"})
    bob = insert_row(db, "prospects", {"name": "Bob", "owner": "alex"})
    cy = insert_row(db, "prospects", {"name": "Cy"})
    call(db, ann, "alex", "no_answer", "2026-11-03")
    call(db, ann, "alex", "meeting", "2026-11-10", duration=300)
    won = call(db, bob, "alex", "won", "2026-11-18")
    call(db, cy, "blake", "voicemail", "2026-11-18")
    call(db, cy, "alex", "no_answer", "2026-10-20")
    insert_row(
        db,
        "deals",
        {
            "prospect_id": bob,
            "call_id": won,
            "amount_cents": 500_000,
            "closed_on": "2026-11-18",
            "rep": "alex",
        },
    )
    set_target(db, amount_cents=3_000_000, period="month", today=TODAY, rep="alex")
    set_target(db, amount_cents=2_000_000, period="month", today=TODAY, rep="blake")
    if team_target:
        set_target(db, amount_cents=6_000_000, period="month", today=TODAY)
    return {"ann": ann, "bob": bob, "cy": cy}


def test_each_rep_is_measured_against_their_own_target_and_the_team_against_its_own(
    book_db: Any,
) -> None:
    build_team(book_db)
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    alex, blake = found.reps
    assert (alex.rep, blake.rep) == ("alex", "blake")
    assert alex.pace is not None and blake.pace is not None and found.team is not None
    assert (alex.pace.target_cents, alex.pace.won_cents) == (3_000_000, 500_000)
    assert (blake.pace.target_cents, blake.pace.won_cents) == (2_000_000, 0)
    assert (found.team.target_cents, found.team.won_cents) == (6_000_000, 500_000)
    assert not found.summed_target
    assert alex.activity == {
        "calls": 3,
        "connects": 2,
        "connect_rate": pytest.approx(2 / 3, abs=0.001),
        "meetings_booked": 1,
        "meetings_held": 0,
        "proposals": 0,
        "deals_won": 1,
        "won_cents": 500_000,
        "talk_time_s": 420,
        "prospects_owned": 2,
    }
    assert blake.activity["calls"] == 1 and blake.activity["prospects_owned"] == 0
    # The team's calls are the reps' calls: the whole report counts every call.
    assert found.team.figures is not None and found.team.figures.calls == 4
    assert alex.pace.calls_today == 1 and blake.pace.calls_today == 1


def another_connection(storage: Any) -> Any:
    """Storage of the same book as another rep's app opens it."""
    if isinstance(storage, PostgresStorage):
        return open_team_book(storage.url)
    return open_storage(storage.path)


def test_a_call_logged_while_the_report_reads_counts_in_no_part_of_it(
    book_storage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The report reads one snapshot of the book: a call another rep commits half-way
    # through counts neither in the reps' lines nor in the team's figures (which a team's
    # server reads beside them, on a second connection).
    db = book_storage.db
    people = build_team(db)
    logged: list[int] = []
    load_pace = team_report.load_pace

    def reps_after_a_call(*args: Any, **kwargs: Any) -> Any:
        if "rows" in kwargs and not logged:
            other = another_connection(book_storage)
            try:
                logged.append(call(other.db, people["cy"], "blake", "no_answer", "2026-11-18"))
            finally:
                other.close()
        return load_pace(*args, **kwargs)

    monkeypatch.setattr(team_report, "load_pace", reps_after_a_call)
    found = load_team_report(db, TODAY, SETTINGS, tz=LONDON)
    assert logged
    alex, blake = found.reps
    assert found.team is not None and found.team.figures is not None
    assert alex.activity["calls"] + blake.activity["calls"] == found.team.figures.calls == 4
    assert blake.pace is not None and blake.pace.calls_today == 1
    # The next report counts it, everywhere.
    again = load_team_report(db, TODAY, SETTINGS, tz=LONDON)
    _, blake = again.reps
    assert again.team is not None and again.team.figures is not None
    assert blake.activity["calls"] == 2 and again.team.figures.calls == 5


def test_a_server_that_takes_no_second_connection_gets_the_whole_report_on_one(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With its last connection slots kept for superusers, the server refuses the second
    # connection: the team's figures are read on the first, after the reps'.
    storage = open_team_book(postgres_url)
    empty_team_book(postgres_url)
    build_team(storage.db)
    refused: list[str] = []

    def no_more_slots(db: Any) -> Any:
        refused.append("second connection")
        raise OutOfReach(
            "cannot reach the team database: remaining connection slots are reserved",
            "remaining connection slots are reserved",
        )

    monkeypatch.setattr(PostgresDatabase, "second_connection", no_more_slots)
    try:
        found = load_team_report(storage.db, TODAY, SETTINGS, tz=LONDON)
    finally:
        storage.close()
    assert refused
    assert found.team is not None and found.team.figures is not None
    assert found.team.figures.calls == 4 and found.team.won_cents == 500_000
    assert [line.activity["calls"] for line in found.reps] == [3, 1]


def test_a_deal_that_cannot_be_read_is_left_out_of_its_reps_line_and_the_teams_only(
    book_db: Any,
) -> None:
    prospects = build_team(book_db)
    insert_row(
        book_db,
        "deals",
        {"prospect_id": prospects["cy"], "amount_cents": 100, "closed_on": "soon", "rep": "blake"},
    )
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    alex, blake = found.reps
    assert alex.pace is not None and blake.pace is not None and found.team is not None
    assert (alex.pace.skipped, blake.pace.skipped, found.team.skipped) == (0, 1, 1)


def test_a_team_without_a_target_of_its_own_is_measured_against_the_reps_summed(
    book_db: Any,
) -> None:
    build_team(book_db, team_target=False)
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    assert found.summed_target
    assert found.team is not None and found.team.target_cents == 5_000_000


def test_the_teams_daily_call_goal_is_every_reps_added_up_unless_its_target_sets_one(
    book_db: Any,
) -> None:
    """Two reps were held to one rep's 60 calls a day: `calls today 16 of 60`, and the plan
    said calling alone could not reach the target."""
    build_team(book_db)
    team = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON).team
    assert team is not None and team.calls_per_day == 2 * SETTINGS.calls_per_day
    # alex's own target's goal counts for alex, the setting's for blake.
    set_target(
        book_db, amount_cents=3_000_000, period="month", today=TODAY, rep="alex", calls_per_day=25
    )
    team = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON).team
    assert team is not None and team.calls_per_day == 25 + SETTINGS.calls_per_day
    # Without a team target, the reps' summed are measured the same way.
    book_db.execute("DELETE FROM targets WHERE rep IS NULL")
    team = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON).team
    assert team is not None and team.calls_per_day == 25 + SETTINGS.calls_per_day
    # A team target's own goal is the team's.
    set_target(book_db, amount_cents=6_000_000, period="month", today=TODAY, calls_per_day=200)
    team = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON).team
    assert team is not None and team.calls_per_day == 200


def test_a_reps_plan_sizes_a_deal_from_their_own_open_opportunities_only(book_db: Any) -> None:
    """blake, with no open opportunity of his own, was planned with alex's $8,000 proposal,
    labelled as the default setting."""
    ids = build_team(book_db)
    book_db.execute(
        "UPDATE prospects SET stage = 'proposal', deal_value_cents = 800000 WHERE id = ?",
        [ids["ann"]],
    )
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    alex, blake = found.reps
    assert alex.pace is not None and alex.pace.plan is not None
    assert alex.pace.plan["avg_deal_cents"] == 800_000
    assert alex.pace.plan["rate_sources"]["avg_deal"] == "default"
    assert blake.pace is not None and blake.pace.plan is None


def test_the_json_has_a_line_per_rep_with_the_documented_keys_and_the_teams_report(
    book_db: Any,
) -> None:
    build_team(book_db)
    report = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON).to_json()
    assert list(report) == ["reps", "team", "former_reps", "no_rep"]
    assert report["former_reps"] is None and report["no_rep"] is None
    assert [list(line) for line in report["reps"]] == [REP_KEYS, REP_KEYS]
    assert list(TEAM_REP_KEYS) == REP_KEYS
    assert list(report["team"]) == REPORT_KEYS
    assert json.loads(json.dumps(report)) == report


def test_a_reps_line_is_of_one_period_their_own_targets_when_it_is_not_the_teams(
    book_db: Any,
) -> None:
    # blake's only target is for the quarter: their line counts their calls and deals of
    # the quarter (October's too), as their target and won are; alex's, the month's.
    people = build_team(book_db)
    book_db.execute("DELETE FROM targets WHERE rep = 'blake'")
    set_target(book_db, amount_cents=9_000_000, period="quarter", today=TODAY, rep="blake")
    call(book_db, people["cy"], "blake", "voicemail", "2026-10-07")
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    alex, blake = found.reps
    assert blake.pace is not None and blake.pace.period_name == "Q4 2026"
    assert blake.activity["calls"] == 2 and alex.activity["calls"] == 3
    assert found.team is not None and found.team.figures is not None
    assert found.team.figures.calls == 4
    shown = printed(team_table(found, "$"))
    period = "Q4 2026 (2026-10-01 to 2026-12-31)"
    assert f"blake's line is of their own target's period: {period}" in shown
    assert "alex's line" not in shown


def test_a_rep_with_a_target_for_the_teams_period_and_a_shorter_one_is_measured_by_the_first(
    book_db: Any,
) -> None:
    # blake's week target is the shortest that covers today; the team's is the month,
    # for which blake has one too: the line is of the month.
    build_team(book_db)
    set_target(book_db, amount_cents=100_000, period="week", today=TODAY, rep="blake")
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    _, blake = found.reps
    assert blake.pace is not None and blake.pace.period == "month"
    assert blake.pace.target_cents == 2_000_000
    alone = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON, only="blake")
    assert alone.reps[0].to_json() == blake.to_json()
    # Asked for a period, every line is of that period's targets.
    weekly = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON, period="week")
    assert [line.pace.target_cents for line in weekly.reps] == [None, 100_000]


def test_a_rep_without_a_target_has_one_line_whether_asked_for_alone_or_with_the_team(
    book_db: Any,
) -> None:
    # The team's target is for the quarter: blake, who has none, is counted over the
    # quarter in the team's report and in their own (`--rep blake`) alike.
    people = build_team(book_db, team_target=False)
    book_db.execute("DELETE FROM targets WHERE rep = 'blake'")
    set_target(book_db, amount_cents=9_000_000, period="quarter", today=TODAY)
    call(book_db, people["cy"], "blake", "voicemail", "2026-10-07")
    with_team = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    alone = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON, only="blake")
    (blake,) = alone.reps
    assert blake.pace.target_cents is None and blake.pace.period_name == "Q4 2026"
    assert blake.activity["calls"] == 2
    assert blake.to_json() == with_team.reps[1].to_json()


def test_what_reps_since_removed_did_has_a_line_of_its_own_the_team_counts(
    book_db: Any,
) -> None:
    people = build_team(book_db)
    add_rep(book_db, "casey")
    call(book_db, people["cy"], "casey", "meeting", "2026-11-12")
    remove_rep(book_db, "casey")
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    assert [line.rep for line in found.reps] == ["alex", "blake"]
    assert found.former_reps is not None
    assert found.former_reps["calls"] == 1 and found.former_reps["meetings_booked"] == 1
    assert found.team is not None and found.team.figures is not None
    lines = sum(line.activity["calls"] for line in found.reps)
    assert lines + found.former_reps["calls"] == found.team.figures.calls == 5
    assert found.to_json()["former_reps"]["calls"] == 1
    row = next(line for line in printed(team_table(found, "$")).splitlines() if "former" in line)
    assert row.split()[-4:] == ["1", "1", "1", "0"]


def test_what_was_logged_with_no_rep_has_a_line_of_its_own_the_team_counts(
    book_db: Any,
) -> None:
    # Calls written with no rep: by another tool, or before the book had reps.
    people = build_team(book_db)
    call(book_db, people["cy"], None, "meeting", "2026-11-12")
    # An empty or blank rep, as a spreadsheet writes none.
    call(book_db, people["cy"], "", "no_answer", "2026-11-13")
    call(book_db, people["cy"], "\t", "no_answer", "2026-11-13")
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    assert found.former_reps is None
    assert found.no_rep is not None
    assert (found.no_rep["calls"], found.no_rep["meetings_booked"]) == (3, 1)
    assert found.team is not None and found.team.figures is not None
    lines = sum(line.activity["calls"] for line in found.reps)
    assert lines + found.no_rep["calls"] == found.team.figures.calls == 7
    assert found.to_json()["no_rep"]["calls"] == 3
    row = next(line for line in printed(team_table(found, "$")).splitlines() if "no rep" in line)
    assert row.split()[-4:] == ["3", "1", "1", "0"]


def test_the_lines_counts_are_written_with_thousands_separators(book_db: Any) -> None:
    """A month of a busy team's calls read `98326` where every other count of the report
    reads `98,326`."""
    people = build_team(book_db)
    call(book_db, people["cy"], None, "no_answer", "2026-11-12")
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    alex = found.reps[0]
    assert found.no_rep is not None and found.team is not None
    alex.activity["calls"] = 98_326
    found.no_rep["connects"] = 12_345
    shown = printed(team_table(found, "$"))
    alex_row = next(line for line in shown.splitlines() if line.startswith("alex"))
    assert "98,326" in alex_row.split()
    no_rep_row = next(line for line in shown.splitlines() if "no rep" in line)
    assert "12,345" in no_rep_row.split()


def test_the_teams_total_is_under_a_rule_and_no_line_is_only_spaces(book_db: Any) -> None:
    """A line of spaces stood over the team's row, where a sum has its rule."""
    build_team(book_db)
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    lines = printed(team_table(found, "$")).splitlines()
    team_at = next(number for number, line in enumerate(lines) if line.startswith("team"))
    assert set(lines[team_at - 1]) == {"─"}
    assert not [line for line in lines if line and not line.strip()]


def test_the_gauges_team_today_counts_a_removed_reps_calls_as_former_reps(book_db: Any) -> None:
    """The gauge went on naming a removed rep (`zed 2`) where the report says `former`."""
    people = build_team(book_db)
    add_rep(book_db, "zed")
    day = TODAY.isoformat()
    for _ in range(2):
        call(book_db, people["cy"], "zed", "no_answer", day)
    remove_rep(book_db, "zed")
    today = load_team_today(book_db, "alex", datetime(2026, 11, 18, 14, 0, tzinfo=LONDON))
    assert today.calls == {"alex": 1, "blake": 1}
    assert (today.former, today.team_calls) == (2, 4)


def test_the_gauges_team_today_counts_calls_with_no_rep_but_names_none(book_db: Any) -> None:
    people = build_team(book_db)
    day = TODAY.isoformat()
    call(book_db, people["cy"], "alex", "no_answer", day)
    call(book_db, people["cy"], None, "no_answer", day)
    for blank in ("", "  ", "\t", "\n", "\u00a0", "\u3000"):
        call(book_db, people["cy"], blank, "voicemail", day)
    today = load_team_today(book_db, "alex", datetime(2026, 11, 18, 14, 0, tzinfo=LONDON))
    # build_team's alex and blake each made one call today too.
    assert today.calls == {"alex": 2, "blake": 1}
    assert today.no_rep == 7 and today.team_calls == 10


@pytest.mark.parametrize("name", ["alex", "Christopher Johnson-Smythe"])
def test_piped_at_80_columns_the_table_shortens_a_name_never_a_figure(
    book_db: Any, name: str
) -> None:
    people = build_team(book_db)
    add_rep(book_db, name)
    set_target(book_db, amount_cents=1_500_000_00, period="month", today=TODAY, rep=name)
    for _ in range(3):
        call(book_db, people["ann"], name, "no_answer", "2026-11-16")
    add_rep(book_db, "casey")
    call(book_db, people["cy"], "casey", "meeting", "2026-11-12")
    remove_rep(book_db, "casey")
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    table = printed(team_table(found, "$"), width=80).partition("The team's report")[0]
    assert max(len(line.rstrip()) for line in table.splitlines()) <= 80
    for header in HEADERS:
        assert header in table.split()
    for figure in ("$1,500,000.00", "$60,000.00", "$5,000.00", "behind", "former"):
        assert figure in table.split()
    # Only names are cut short, at the start of their lines.
    names = ("alex", "blake", name)
    for line in table.splitlines():
        if "…" in line:
            start = line.strip().partition("…")[0]
            assert any(rep.startswith(start) for rep in names) and line.count("…") == 1


def test_too_narrow_for_every_figure_the_table_keeps_every_column_and_whole_names(
    book_db: Any,
) -> None:
    build_team(book_db)
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    table = printed(team_table(found, "$"), width=40).partition("The team's report")[0]
    # The lines are longer than 40 columns (a terminal wraps them); nothing is left out.
    for header in HEADERS:
        assert header in table.split()
    for row in ("alex", "blake", "team"):
        assert any(line.split()[:1] == [row] for line in table.splitlines())
    assert "…" not in table and "$30,000.00" in table.split()


def printed(table: Any, width: int = 100) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, soft_wrap=True)
    console.print(table, crop=False)
    return console.export_text()


def test_a_reps_gauge_shows_their_own_target_and_won(book_db: Any) -> None:
    build_team(book_db)
    mine = load_gauge_figures(book_db, NOW, SETTINGS, None, "alex")
    assert mine.pace is not None
    assert (mine.pace.target_cents, mine.pace.won_cents) == (3_000_000, 500_000)
    assert mine.today is not None and mine.today.dials == 1
    theirs = load_gauge_figures(book_db, NOW, SETTINGS, None, "blake")
    assert theirs.pace is not None and theirs.pace.won_cents == 0


def test_a_target_per_rep_and_the_teams_live_side_by_side(book_db: Any) -> None:
    add_rep(book_db, "alex")
    set_target(book_db, amount_cents=100, period="month", today=TODAY, rep="alex")
    set_target(book_db, amount_cents=200, period="month", today=TODAY)
    row = set_target(book_db, amount_cents=300, period="month", today=TODAY, rep="alex")
    assert row["rep"] == "alex" and row["amount_cents"] == 300
    stored = book_db.execute(
        "SELECT rep, amount_cents FROM targets ORDER BY coalesce(rep, '')"
    ).fetchall()
    assert stored == [(None, 200), ("alex", 300)]


# --- the command line ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    patch_commands(monkeypatch, "system_now", lambda: NOW)


@pytest.fixture(params=["sqlite", "postgresql"])
def team_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A `--db` value holding build_team's book."""
    if request.param == "sqlite":
        target = str(tmp_path / "team.db")
        storage = open_db(Path(target))
    else:
        from tests.conftest import empty_team_book

        target = request.getfixturevalue("postgres_url")
        storage = open_db(target)
        empty_team_book(target)
    build_team(storage.db)
    storage.close()
    return target


def test_report_team_and_rep_on_the_command_line(
    team_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = json.loads(invoke("--db", team_target, "report", "--team", "--json").stdout)
    assert [line["rep"] for line in team["reps"]] == ["alex", "blake"]
    assert team["team"]["won_cents"] == 500_000
    one = json.loads(invoke("--db", team_target, "report", "--rep", "BLAKE", "--json").stdout)
    assert [line["rep"] for line in one["reps"]] == ["blake"] and one["team"] is None
    table = invoke("--db", team_target, "report", "--team").output
    assert "alex" in table and "blake" in table and "The team's report" in table
    if team_target.startswith("postgresql"):
        # A manager, who is no rep of the team, is shown the report they can read.
        nobody = invoke("--db", team_target, "report")
        assert nobody.exit_code == 1
        assert nobody.stderr.count("\n") == 1
        assert nobody.stderr.endswith("; or read every rep's with funnel report --team\n")
    monkeypatch.setenv("FUNNEL_REP", "alex")
    mine = json.loads(invoke("--db", team_target, "report", "--json").stdout)
    assert (mine["target_cents"], mine["won_cents"]) == (3_000_000, 500_000)


def test_an_unknown_rep_for_a_report_or_a_target_is_one_line(team_target: str) -> None:
    for args in (["report", "--rep", "casey"], ["target", "set", "5k", "--rep", "casey"]):
        result = invoke("--db", team_target, *args)
        assert result.exit_code == 1, args
        assert result.output == (
            "funnel: no rep named 'casey' in this book (its reps: alex, blake); add them with:"
            " funnel rep add casey\n"
        )


def test_target_set_for_a_rep_says_whose_it_is(team_target: str) -> None:
    result = invoke("--db", team_target, "target", "set", "45k", "--rep", "Blake")
    assert result.output.startswith("blake's target for November 2026 (2026-11-01 to")


@pytest.mark.parametrize("seed", range(3))
def test_what_each_rep_did_is_counted_from_the_day_counts_and_the_calls_at_the_edges(
    book_db: Any, seed: int
) -> None:
    """Each rep's calls of the period, a former rep's and those logged with no rep or a
    blank one, at any hour of the window's first and last UTC days (which a zone west of
    UTC cuts in two) or outside it: counted from the day counts and the calls at the
    edges, they are what the calls of the window give, counted one by one."""
    rng = random.Random(seed)
    for rep in ("alex", "blake", "casey"):
        add_rep(book_db, rep)
    prospects = [insert_row(book_db, "prospects", {"name": f"P{i}"}) for i in range(6)]
    outcomes = ["no_answer", "voicemail", "meeting", "meeting_held", "proposal_sent", "won"]
    calls = []
    for _ in range(120):
        moment = datetime(2026, 10, 31, 12, tzinfo=UTC) + timedelta(
            minutes=rng.randrange(0, 19 * 24 * 60, 7)
        )
        row = {
            "prospect_id": rng.choice(prospects),
            "rep": rng.choice(["alex", "alex", "blake", "casey", "", " ", None]),
            "outcome": rng.choice(outcomes),
            "started_at": moment.isoformat(),
            "duration_s": rng.choice([0, -5, 30, 600]),
        }
        insert_row(book_db, "calls", row)
        calls.append(row)
    remove_rep(book_db, "casey")
    window = Window.of_days(date(2026, 11, 1), date(2026, 11, 18), NEW_YORK)
    expected: dict[str | None, list[int]] = {}
    for row in calls:
        if not window.start <= row["started_at"] < window.end:
            continue
        rep = row["rep"] if row["rep"] and row["rep"].strip() else None
        counts = expected.setdefault(rep, [0] * 6)
        outcome = row["outcome"]
        for place, counted in enumerate(
            (
                True,
                outcome in {"meeting", "meeting_held", "proposal_sent", "won"},
                outcome == "meeting",
                outcome == "meeting_held",
                outcome == "proposal_sent",
            )
        ):
            counts[place] += counted
        counts[5] += max(row["duration_s"], 0)
    keys = ("calls", "connects", "meetings_booked", "meetings_held", "proposals", "talk_time_s")
    found = team_report._activity(book_db, window)
    assert {
        rep: [counts[key] for key in keys] for rep, counts in found.items() if counts["calls"]
    } == expected


def test_in_a_file_calls_other_tools_wrote_count_in_the_lines_as_in_the_teams_figures(
    tmp_path: Path,
) -> None:
    """A file's calls of a prospect deleted with foreign keys off, with a start that does
    not read or a duration that is not a whole number: each rep's line counts them as the
    rep's report and the team's figures do, so the lines and the no-rep line add up to the
    team's calls and talk time."""
    storage = open_storage(tmp_path / "book.db")
    try:
        db = storage.db
        people = build_team(db)
        gone = insert_row(db, "prospects", {"name": "Gone"})
        call(db, gone, "alex", "meeting", "2026-11-05")
        call(db, gone, None, "no_answer", "2026-11-06")
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("DELETE FROM prospects WHERE id = ?", [gone])
        db.execute("PRAGMA foreign_keys = ON")
        for started_at, duration in (
            ("2026-11-05 junk", 60),
            ("2026-11-07T10:00:00+00:00", 30.5),
            ("2026-11-08T10:00:00+00:00", "1m"),
            ("2026-11-01 05:00:00", 60),
        ):
            insert_row(
                db,
                "calls",
                {
                    "prospect_id": people["ann"],
                    "rep": "blake",
                    "outcome": "no_answer",
                    "started_at": started_at,
                    "duration_s": duration,
                },
            )
        found = load_team_report(db, TODAY, SETTINGS, tz=LONDON)
        assert found.team is not None and found.team.figures is not None
        calls = sum(line.activity["calls"] for line in found.reps)
        assert found.no_rep is None  # the only call with no rep was of the deleted prospect
        assert calls == found.team.figures.calls
        talk = sum(line.activity["talk_time_s"] for line in found.reps)
        assert talk == found.team.figures.talk_time_s
    finally:
        storage.close()


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize(
    "names",
    [
        ("alexandra-johnson", "alexandra-johnston"),
        (
            "alexandra-johnson-fitzwilliam-montgomery-smith",
            "alexandra-johnson-fitzwilliam-montgomery-smyth",
        ),
    ],
)
def test_two_reps_whose_names_begin_alike_are_never_cut_to_the_same_name(
    book_db: Any, width: int, names: tuple[str, str]
) -> None:
    """`alexandra-johnson` and `alexandra-johnston` were both `alexandra-johns…`, even at 200
    columns, and both `alexandr…` piped: a manager could not tell whose line was whose."""
    build_team(book_db)
    for name in names:
        add_rep(book_db, name)
        set_target(book_db, amount_cents=1_500_000_00, period="month", today=TODAY, rep=name)
    found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    table = printed(team_table(found, "$"), width=width).partition("The team's report")[0]
    firsts = [
        line.split()[0] for line in table.splitlines() if line.strip().startswith("alexandra")
    ]
    assert len(firsts) == 2 and len(set(firsts)) == 2, table
    if width == 200:
        assert sorted(firsts) == list(names)
    for figure in ("$1,500,000.00", "$30,000.00"):
        assert figure in table.split()


# --- a rep without a target of their own ---------------------------------------------------

# casey, new to the team, has no target of their own: their prospects (source, method, when
# each came in), calls and the deal of this month (the team's period), and an open
# proposal. Every call is in the team's window; the last is today's.
CASEY_PROSPECTS = {
    "Dee": ("referral", "solution", "2026-11-02T09:00:00+00:00"),
    "Eve": ("ads", "benefits", "2026-11-10T08:00:00+00:00"),
}
CASEY_CALLS = [
    ("Dee", "no_answer", "2026-11-02T12:00:00+00:00"),
    ("Dee", "meeting", "2026-11-05T10:00:00+00:00"),
    ("Eve", "not_interested", "2026-11-10T09:30:00+00:00"),
    ("Dee", "won", "2026-11-18T10:00:00+00:00"),
]
CASEY_DEAL = ("Dee", 250_000, "2026-11-18")
# What only a target gives: the rest of a rep's report needs none.
TARGET_ONLY = {
    "target_cents",
    "attainment",
    "expected_to_date_cents",
    "pace_gap_cents",
    "status",
    "needed_per_day_cents",
    "coverage",
    "plan",
}


def add_casey(db: Any) -> None:
    add_rep(db, "casey")
    ids = {
        name: insert_row(
            db,
            "prospects",
            {"name": name, "owner": "casey", "source": source, "method": method, "created_at": at},
        )
        for name, (source, method, at) in CASEY_PROSPECTS.items()
    }
    insert_row(
        db,
        "prospects",
        {"name": "Fay", "owner": "casey", "stage": "proposal", "deal_value_cents": 400_000},
    )
    called = {}
    for name, outcome, at in CASEY_CALLS:
        called[outcome] = insert_row(
            db,
            "calls",
            {"prospect_id": ids[name], "rep": "casey", "outcome": outcome, "started_at": at},
        )
    name, amount, closed_on = CASEY_DEAL
    insert_row(
        db,
        "deals",
        {
            "prospect_id": ids[name],
            "call_id": called["won"],
            "amount_cents": amount,
            "closed_on": closed_on,
            "rep": "casey",
        },
    )


def recomputed_casey() -> dict[str, Any]:
    """casey's figures of PRODUCT 9b, counted from the rows add_casey writes."""
    connects = {"meeting", "won", "not_interested"}
    worked = {name for name, _, _ in CASEY_CALLS}
    reached = {name for name, outcome, _ in CASEY_CALLS if outcome in connects}
    won = {CASEY_DEAL[0]}
    lost = {name for name, outcome, _ in CASEY_CALLS if outcome == "not_interested"} - won
    hours = []
    for name in worked:
        first = min(at for who, _, at in CASEY_CALLS if who == name)
        came_in = CASEY_PROSPECTS[name][2]
        span = datetime.fromisoformat(first) - datetime.fromisoformat(came_in)
        hours.append(Decimal(span.total_seconds()) / 3600)
    hours.sort()
    middle = (hours[(len(hours) - 1) // 2] + hours[len(hours) // 2]) / 2
    today = TODAY.isoformat()

    def rows(column: int) -> dict[str, tuple[int, int, int]]:
        """By source (0) or method (1): leads, calls and deals won."""
        found: dict[str, tuple[int, int, int]] = {}
        for name, row in CASEY_PROSPECTS.items():
            calls = sum(who == name for who, _, _ in CASEY_CALLS)
            found[row[column]] = (1, calls, int(name in won))
        return found

    return {
        "calls_today": sum(at.startswith(today) for _, _, at in CASEY_CALLS),
        "calls": len(CASEY_CALLS),
        "leads_worked": len(worked),
        "reached": len(reached),
        "win_rate": len(won) / (len(won) + len(lost)),
        "speed_to_lead_hours_median": float(middle.quantize(Decimal("0.1"), ROUND_HALF_UP)),
        "by_source": rows(0),
        "by_method": rows(1),
    }


def breakdown_rows(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    return {row["name"]: (row["leads"], row["calls"], row["won"]) for row in rows if row["calls"]}


def with_casey(target: str) -> None:
    storage = open_db(target if target.startswith("postgresql") else Path(target))
    try:
        add_casey(storage.db)
    finally:
        storage.close()


def test_a_rep_without_a_target_has_their_whole_report_over_the_teams_period(
    team_target: str,
) -> None:
    """`report --rep casey` gave a line and no report, and its JSON had null for the period,
    calls today and every figure of 9b: a manager had nothing to coach a new hire with."""
    with_casey(team_target)
    (line,) = json.loads(invoke("--db", team_target, "report", "--rep", "casey", "--json").stdout)[
        "reps"
    ]
    assert {key for key, value in line.items() if value is None} == TARGET_ONLY
    assert (line["period"], line["starts_on"], line["ends_on"]) == (
        "month",
        "2026-11-01",
        "2026-11-30",
    )
    # November 2026's 21 business days, 12 of them before the 18th.
    assert (line["business_days"], line["elapsed_business_days"]) == (21, 12)
    assert line["remaining_business_days"] == 9
    assert line["won_cents"] == CASEY_DEAL[1] and line["deals_won"] == 1
    assert line["projection_cents"] == CASEY_DEAL[1] * 21 // 12
    assert line["calls_per_day"] == SETTINGS.calls_per_day
    assert line["pipeline_cents"] == 400_000 and line["weighted_pipeline_cents"] == 200_000
    expected = recomputed_casey()
    for key in ("calls_today", "calls", "leads_worked", "reached", "win_rate"):
        assert line[key] == expected[key], key
    assert line["speed_to_lead_hours_median"] == expected["speed_to_lead_hours_median"]
    assert breakdown_rows(line["by_source"]) == expected["by_source"]
    assert breakdown_rows(line["by_method"]) == expected["by_method"]
    # Every figure but the target's is what casey would have with a target of the month.
    invoke("--db", team_target, "target", "set", "40k", "--rep", "casey")
    (targeted,) = json.loads(
        invoke("--db", team_target, "report", "--rep", "casey", "--json").stdout
    )["reps"]
    assert targeted["target_cents"] == 4_000_000
    assert {key: value for key, value in line.items() if key not in TARGET_ONLY} == {
        key: value for key, value in targeted.items() if key not in TARGET_ONLY
    }


def test_the_table_prints_the_report_of_a_rep_without_a_target_below_their_line(
    team_target: str,
) -> None:
    with_casey(team_target)
    shown = invoke("--db", team_target, "report", "--rep", "casey").output
    line, _, report = shown.partition("casey's report")
    assert report, shown
    assert "no target" in line.split("\n")[-2]
    figures = {
        label: value
        for label, _, value in (
            row.strip().partition("  ") for row in report.splitlines() if "  " in row.strip()
        )
    }
    assert figures["period"].strip() == "November 2026 (2026-11-01 to 2026-11-30)"
    for label in ("target", "expected to date", "pace gap", "status", "needed per day"):
        assert figures[label].strip() == "–", label
    assert figures["won"].strip() == "$2,500.00"
    assert figures["calls today"].strip() == f"1 of {SETTINGS.calls_per_day}"
    assert figures["leads worked"].strip() == "2"
    assert figures["win rate"].strip() == "1/2 50%"
    assert "By lead source" in report and "referral" in report
    assert "Plan: no target to plan against" in report


def test_a_rep_without_a_target_leaves_the_teams_line_and_report_as_they_were(
    book_db: Any,
) -> None:
    # The team's figures count casey's calls and deal whether casey has a target or not;
    # without one of the team's own, the reps' targets summed are alex's and blake's.
    build_team(book_db)
    add_casey(book_db)

    def team_now() -> tuple[dict[str, Any], str, dict[str, Any]]:
        found = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
        lines = printed(team_table(found, "$")).splitlines()
        team_row = next(line for line in lines if line.startswith("team"))
        casey_row = next(line for line in lines if line.startswith("casey"))
        assert found.team is not None
        return found.to_json()["team"], team_row, {"casey": casey_row}

    team, team_row, rows = team_now()
    assert "no target" in rows["casey"]
    assert team["target_cents"] == 6_000_000 and team["calls"] == 8
    assert team["won_cents"] == 500_000 + CASEY_DEAL[1]
    set_target(book_db, amount_cents=4_000_000, period="month", today=TODAY, rep="casey")
    targeted, targeted_row, rows = team_now()
    assert "no target" not in rows["casey"]
    assert (targeted, targeted_row) == (team, team_row)
    book_db.execute("DELETE FROM targets WHERE rep IS NULL OR rep = 'casey'")
    summed = load_team_report(book_db, TODAY, SETTINGS, tz=LONDON)
    assert summed.summed_target and summed.team is not None
    assert summed.team.target_cents == 5_000_000
