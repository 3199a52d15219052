"""`funnel report` as a person reads it: a small burn-up on a roomy terminal, plain text
fitting 80 columns everywhere else, and counts beside every rate."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from fractions import Fraction

import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len
from rich.console import Console

from funnel_tui.cli import cli
from funnel_tui.clocks import duration_text
from funnel_tui.manager_figures import Breakdown
from funnel_tui.manager_report import ManagerReport, rate_text
from funnel_tui.pace import load_pace
from funnel_tui.report import breakdown_table, ratio_text
from funnel_tui.settings import load_settings
from funnel_tui.store.sqlite import Storage
from tests.app_support import FROZEN_NOW

TODAY = f"{FROZEN_NOW:%Y-%m-%d}"
# A braille dot of the chart's lines, and its frame's corner.
CHART_MARKS = ("⣀", "└")


def _without_escapes(line: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", line)


def report(storage: Storage, **env: str) -> Result:
    result = CliRunner().invoke(
        cli, ["report", "--today", TODAY, "--db", str(storage.path)], env=env
    )
    assert result.exit_code == 0, result.output
    return result


def test_piped_report_is_plain_text_without_a_chart(demo_storage: Storage) -> None:
    output = report(demo_storage).stdout
    assert "\x1b[" not in output
    assert not any(mark in output for mark in CHART_MARKS)
    assert max(len(line) for line in output.splitlines()) <= 80


@pytest.mark.parametrize(("columns", "lines"), [(80, 30), (120, 50)])
def test_a_roomy_terminal_shows_the_burnup_under_the_figures(
    demo_storage: Storage, columns: int, lines: int
) -> None:
    # FORCE_COLOR makes rich treat the captured output as a terminal of that size.
    output = report(demo_storage, FORCE_COLOR="1", COLUMNS=str(columns), LINES=str(lines))
    plain = output.stdout
    assert "Burn-up" in plain and "Nov 2" in plain and "Nov 30" in plain
    assert "$60k" in plain
    chart = [line for line in plain.splitlines() if "┤" in line or "└" in line]
    assert chart
    assert all(len(_without_escapes(line)) <= 80 for line in chart)
    # The burn-up comes after the quota figures, before the breakdowns.
    assert plain.index("projection") < plain.index("Burn-up") < plain.index("By selling method")


@pytest.mark.parametrize(("columns", "lines"), [(79, 40), (100, 20)])
def test_a_small_terminal_gets_the_figures_without_the_chart(
    demo_storage: Storage, columns: int, lines: int
) -> None:
    output = report(demo_storage, FORCE_COLOR="1", COLUMNS=str(columns), LINES=str(lines))
    assert "Burn-up" not in output.stdout


def report_as_of(storage: Storage, day: str) -> list[str]:
    result = CliRunner().invoke(cli, ["report", "--today", day, "--db", str(storage.path)])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def section(lines: list[str], title: str) -> list[list[str]]:
    """The rows of the table under `title`, each split into words."""
    start = lines.index(next(line for line in lines if line.startswith(title)))
    rows = []
    for line in lines[start + 3 :]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


def test_the_method_table_gives_counts_beside_each_rate_and_no_connect_rate(
    demo_storage: Storage,
) -> None:
    lines = report_as_of(demo_storage, TODAY)
    header = lines[lines.index(next(ln for ln in lines if ln.startswith("By selling"))) + 1]
    assert "conn" not in header and "win" in header and "mtg" in header
    rows = section(lines, "By selling method")
    # Most deals first, then most leads (the demo's figures, as of 18 November 2026).
    assert [row[0] for row in rows] == ["Benefits", "Solution", "Inbound", "Conceptual", "Value"]
    # leads, reached, meetings, meeting rate, won, win rate, amount
    assert rows[0][-9:] == ["7", "4", "2", "2/4", "50%", "1", "1/2", "50%", "$8,600.00"]
    assert rows[2][-9:] == ["15", "11", "7", "7/11", "64%", "0", "0/2", "0%", "$0.00"]


def test_the_source_table_gives_the_connect_rate_with_its_counts(demo_storage: Storage) -> None:
    lines = report_as_of(demo_storage, TODAY)
    rows = section(lines, "By lead source")
    assert [" ".join(row[:-11]) for row in rows][:3] == ["LinkedIn ad", "cold list", "referral"]
    # leads, reached, connect rate, meetings, meeting rate, won, win rate, amount
    assert rows[0][-11:] == [
        *("6", "4", "10/24", "42%", "4", "4/4", "100%"),
        *("1", "1/2", "50%", "$8,400.00"),
    ]


def test_the_report_shows_every_manager_figure_with_its_counts(demo_storage: Storage) -> None:
    text = "\n".join(" ".join(line.split()) for line in report_as_of(demo_storage, TODAY))
    for shown in (
        "calls 133 (10.23 a business day)",
        "connect rate 58/133 44%",
        "leads worked 40",
        "reached 28",
        "meetings 16 booked, 8 held",
        "meeting rate 15/28 54%",
        "proposals 4",
        "deals won 2",
        "win rate 2/7 29%",
        "avg deal $8,500.00",
        "sales cycle 9.0 days (median)",
        "speed to lead 172.6 hours (median)",
        "talk time 12h 44m",
        "lost: budget 1 · no need 1 · timing 1 · competitor 1 · no authority 1",
        "unreachable 2",
        "handed back to nurture (3): cold list 1 · trade show 1 · website form 1",
        # Each source's median says how many leads it is of.
        "speed to lead by source (median): LinkedIn ad 156.2 h (6 leads)",
        "Plan: $43,000.00 to go in 9 business days",
        "deals 4 1 avg deal $11,528.57 (last 90 days)",
        "dials 159 18 45% of dials connect (last 90 days)",
        "Calling can reach the target: 18 dials a day within a goal of 40.",
    ):
        assert shown in text


def test_the_report_says_when_calling_alone_cannot_close_the_gap(demo_storage: Storage) -> None:
    lines = report_as_of(demo_storage, "2026-11-30")
    assert "Calling alone cannot reach the target: 159 dials a day against a goal of 40." in lines
    assert max(len(line) for line in lines) <= 80


def test_a_rate_without_enough_history_says_it_is_the_default(demo_storage: Storage) -> None:
    text = "\n".join(" ".join(line.split()) for line in report_as_of(demo_storage, "2026-11-02"))
    assert "meetings 25 2 20% of meetings win (default setting)" in text
    # Nothing in the window yet: no figure rather than a division by zero.
    assert "win rate –" in text and "avg deal –" in text and "lost: none" in text


def test_counts_of_a_thousand_and_more_are_written_with_separators() -> None:
    """`98,503`, not `98503`: a book of a million prospects counts in the tens of
    thousands."""
    assert rate_text(1_234, 56_789) == "1,234/56,789 2%"


def test_a_breakdown_too_wide_for_80_columns_goes_in_two_bands_with_every_figure_whole() -> None:
    """A year of a large book at 80 columns: the by-source table was 99 columns wide even
    with names cut to four letters. Its columns now go in two bands, each with the names,
    and no figure is cut."""
    rows = tuple(
        Breakdown(
            name=name,
            calls=155_583,
            connects=31_063,
            connect_rate=0.2,
            leads=9_978,
            reached=8_800,
            meetings=9_072,
            meeting_rate=0.62,
            won=399,
            won_cents=638_576_000,
            win_rate=0.13,
            meeting_leads=5_499,
            won_leads=399,
            decided_leads=3_131,
        )
        for name in ("LinkedIn", "website form", "trade show")
    )
    console = Console(width=80, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(breakdown_table("By lead source", rows, "$", width=80))
    lines = captured.get().splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert "By lead source, continued" in text
    for figure in ("9,978", "31,063/155,583 20%", "5,499/8,800 62%", "399/3,131 13%"):
        assert figure in text
    assert "$6,385,760.00" in text
    # Each band names every source, cut alike.
    assert text.count("trade show") == 2


def test_a_narrow_terminal_gets_as_many_bands_as_it_needs_each_titled_once() -> None:
    rows = tuple(
        Breakdown("LinkedIn", 155_583, 31_063, 0.2, 9_978, 8_800, 9_072, 0.62, 399,
                  638_576_000, 0.13, meeting_leads=5_499, won_leads=399, decided_leads=3_131)
        for _ in range(2)
    )  # fmt: skip
    console = Console(width=40, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(breakdown_table("By lead source", rows, "$", width=40))
    lines = captured.get().splitlines()
    assert max(cell_len(line) for line in lines) <= 40
    titles = [line.strip() for line in lines if line.startswith("By lead source")]
    assert titles[0] == "By lead source"
    assert set(titles[1:]) == {"By lead source, continued"} and len(titles) >= 3
    # The same cut of the name in every band.
    assert len({line.split()[0] for line in lines if line.startswith("Link")}) == 1


def test_the_activity_counts_of_a_thousand_and_more_have_separators(
    demo_storage: Storage,
) -> None:
    pace = load_pace(demo_storage.db, FROZEN_NOW.date(), load_settings(demo_storage.db))
    assert pace is not None and pace.figures is not None
    figures = replace(
        pace.figures,
        lost_reasons={**pace.figures.lost_reasons, "budget": 20_151},
        handed_back=[{"source": "webinar", "count": 1_234}],
        calls=1_234_567,
        avg_calls_per_day=3823.16,
        speed_to_lead_hours_median=1523.4,
    )
    console = Console(width=80, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(ManagerReport(replace(pace, figures=figures), "$"))
    text = captured.get()
    assert "budget 20,151" in text
    assert "handed back to nurture (1,234): webinar 1,234" in text
    assert "1,234,567 (3,823.16 a business day)" in text
    assert "1,523.4 hours (median)" in text


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (24_171, "6h 43m"),
        (24_149, "6h 42m"),
        (3_599, "59m 59s"),
        (3_600, "1h 00m"),
        (45_870, "12h 45m"),
        (200, "3m 20s"),
    ],
)
def test_talk_time_is_rounded_half_up_to_the_minute(seconds: int, shown: str) -> None:
    """6h 42m 51s of talk is `6h 43m`; it was cut to `6h 42m`."""
    assert duration_text(seconds) == shown


def test_a_large_coverage_has_its_thousands_parted() -> None:
    assert ratio_text(Fraction(7_326_000, 100)) == "73,260.00x"
