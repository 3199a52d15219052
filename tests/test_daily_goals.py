"""Daily goals for connects and meetings: settings, unset meaning the plan's per-day
figures, and the gauge's line of the plan per day against today's actuals."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnel_tui.settings import load_settings, read_settings
from funnel_tui.storage import Storage, open_storage
from tests.cli_support import invoke, one_line_error


@pytest.fixture
def book(tmp_path: Path) -> Storage:
    return open_storage(tmp_path / "book.db")


@pytest.mark.parametrize("key", ["connects_per_day", "meetings_per_day"])
def test_a_daily_goal_is_unset_until_set_and_can_be_unset_again(book: Storage, key: str) -> None:
    assert f"{key} = " in invoke("config", "list", "--db", book.path).stdout.splitlines()
    assert getattr(load_settings(book.db), key) is None
    setting = invoke("config", "set", key, "12", "--db", book.path)
    assert setting.exit_code == 0, setting.output
    assert setting.stdout.strip() == f"{key} = 12"
    assert getattr(load_settings(book.db), key) == 12
    assert invoke("config", "set", key, "", "--db", book.path).exit_code == 0
    assert getattr(load_settings(book.db), key) is None
    assert read_settings(book.db)[1] == []


@pytest.mark.parametrize("value", ["-1", "lots", "2.5", "10001"])
def test_a_daily_goal_that_is_not_a_count_is_refused_in_one_line(book: Storage, value: str) -> None:
    result = invoke("config", "set", "meetings_per_day", value, "--db", book.path)
    assert result.exit_code == 1
    assert "from 0 to 10000" in one_line_error(result.stderr)
    assert load_settings(book.db).meetings_per_day is None
