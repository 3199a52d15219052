"""`funnel report` as a person reads it: a small burn-up on a roomy terminal, plain text
fitting 80 columns everywhere else, and counts beside every rate."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner, Result

from funnel_tui.cli import cli
from funnel_tui.storage import Storage
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
