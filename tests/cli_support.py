"""Shared pieces for testing the `funnel` command line."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from funnel_tui import cli as cli_module

# PRODUCT sections 9 and 9b, in order; written out so tests do not trust the code.
REPORT_KEYS = [
    "period",
    "starts_on",
    "ends_on",
    "target_cents",
    "won_cents",
    "attainment",
    "business_days",
    "elapsed_business_days",
    "remaining_business_days",
    "expected_to_date_cents",
    "pace_gap_cents",
    "status",
    "needed_per_day_cents",
    "projection_cents",
    "calls_today",
    "calls_per_day",
    "by_method",
    "by_source",
    "calls",
    "connects",
    "connect_rate",
    "leads_worked",
    "reached",
    "meetings_booked",
    "meetings_held",
    "proposals",
    "meeting_rate",
    "deals_won",
    "win_rate",
    "avg_deal_cents",
    "sales_cycle_days_median",
    "speed_to_lead_hours_median",
    "talk_time_s",
    "avg_calls_per_day",
    "emails",
    "lost_reasons",
    "handed_back",
    "pipeline_cents",
    "weighted_pipeline_cents",
    "pipeline_by_stage",
    "coverage",
    "plan",
    "skipped",
]


def patch_commands(monkeypatch: pytest.MonkeyPatch, name: str, value: Any) -> None:
    """Set `name` to `value` in every module of the command line that uses it (a clock
    frozen for every command, say): each command lives in a module of its own."""
    # Every module imported before any is patched: one imported after another was
    # patched would take the patched value as its own, and keep it after the test.
    modules = [
        import_module(f"{cli_module.__name__}.{module_info.name}")
        for module_info in pkgutil.iter_modules(cli_module.__path__)
    ]
    users = [module for module in modules if hasattr(module, name)]
    assert users, f"no module of the command line uses {name}"
    for module in users:
        monkeypatch.setattr(module, name, value)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli_module.cli, [str(arg) for arg in args])


def run_funnel(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m funnel_tui` the way a shell would, through main()."""
    return subprocess.run(
        [sys.executable, "-m", "funnel_tui", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )


def run_main(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """Run the `funnel` entry point in this process, as the shell would."""
    monkeypatch.setattr(sys, "argv", ["funnel", *argv])
    with pytest.raises(SystemExit) as exited:
        cli_module.main()
    code = exited.value.code
    return code if isinstance(code, int) else 1


def one_line_error(stderr: str) -> str:
    """The single `funnel: ...` line a user error prints, without a traceback."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("funnel: "), stderr
    return lines[0]
