"""The rep's script files, objection answers and product profile reach an open app as the
settings do: an edit shows in the pane within a second, without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnel_tui.store.sqlite import Storage
from funnel_tui.ui.app import FunnelApp
from tests.app_support import FrozenClock, messages, settle, shown_text, wait_for
from tests.test_app import first_in_queue

OWN_SCRIPT = """\
name = "My Own Way"
[[steps]]
title = "Hello"
say = "Good to reach you, {first_name}."
"""


def pane_text(app: FunnelApp) -> str:
    return shown_text(app.screen.query_one("#script-body"))


@pytest.mark.usefixtures("toasts_kept")
async def test_a_script_file_written_while_the_app_runs_reaches_the_pane(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    """An edit to a script file left the pane on the old script until a restart, while
    `funnel script` already printed the new one, and nothing said so."""
    method = first_in_queue(demo_storage.db)["method"]
    scripts = tmp_path / "scripts"
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=scripts)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        assert "My Own Way" not in pane_text(app)
        scripts.mkdir()
        (scripts / f"{method}.toml").write_text(OWN_SCRIPT, encoding="utf-8")
        await wait_for(pilot, lambda: "My Own Way" in pane_text(app), budget_s=15)
        assert "Good to reach you" in pane_text(app)
        assert f"{method}.toml" in messages(app)
        # A broken edit is said, and the built-in is used again.
        (scripts / f"{method}.toml").write_text('name = "My Own Way\n', encoding="utf-8")
        # Written in two steps (emptied, then filled), the file may be read in between:
        # its problem is said once the broken text is read.
        await wait_for(pilot, lambda: f"{method}.toml:1" in " ".join(messages(app)), budget_s=15)
        assert "My Own Way" not in pane_text(app)
        assert sum(f"{method}.toml:1" in toast for toast in messages(app)) == 1
        # Another file read again does not say the broken one's problem again.
        (scripts / "other.toml").write_text(OWN_SCRIPT, encoding="utf-8")
        await wait_for(pilot, lambda: "other.toml" in messages(app), budget_s=15)
        assert sum(f"{method}.toml:1" in toast for toast in messages(app)) == 1
        # A file removed is said so, not as read again.
        (scripts / "other.toml").unlink()
        await wait_for(pilot, lambda: "other.toml (removed)" in messages(app), budget_s=15)


async def test_objections_and_a_profile_written_or_removed_reach_the_pane(
    demo_storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    db = demo_storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET objections = 'price' WHERE id = ?", [first["id"]])
    db.conn.commit()
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        objections = tmp_path / "objections.toml"
        objections.write_text(
            f'[price.answers]\n{first["method"]} = "Worth it by March."\n', encoding="utf-8"
        )
        await wait_for(pilot, lambda: "Price: Worth it by March." in pane_text(app), budget_s=15)
        objections.unlink()
        await wait_for(pilot, lambda: "Worth it by March" not in pane_text(app), budget_s=15)
        assert app.profile is not None and app.profile.is_demo
        (tmp_path / "profile.toml").write_text('our_company = "A"\n', encoding="utf-8")
        await wait_for(pilot, lambda: app.profile is None, budget_s=15)
