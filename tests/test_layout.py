"""What the panes show and where: script scroll, wide characters in the queue, an empty queue."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.widgets import Static

from funnel_tui.queue import closed_timezones, queue_ids
from funnel_tui.settings import load_settings
from funnel_tui.storage import open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.call_queue import CallQueue
from funnel_tui.ui.script_pane import ScriptPane
from tests.app_support import FROZEN_NOW, FrozenClock, settle, shown_text


def todays_queue(app: FunnelApp) -> list[int]:
    db = app.storage.db
    return queue_ids(
        db, now=FROZEN_NOW, closed_zones=closed_timezones(db, FROZEN_NOW, load_settings(db))
    )


def line_text(queue: CallQueue, y: int) -> str:
    return "".join(segment.text for segment in queue.render_line(y))


async def test_the_next_prospects_script_starts_at_the_top(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pane = demo_app.screen.query_one(ScriptPane)
        await pilot.press("o")  # every objection answer: longer than the pane
        await settle(pilot)
        pane.scroll_end(animate=False, immediate=True)
        await settle(pilot)
        assert pane.scroll_y > 0
        await pilot.press("j")
        await settle(pilot)
        assert pane.scroll_y == 0


async def test_wide_characters_keep_the_queue_columns_in_line(demo_app: FunnelApp) -> None:
    first_three = todays_queue(demo_app)[:3]
    names = ["王小明", "Zoë 🚀 Rocket", "Ann Smith"]
    for prospect_id, name in zip(first_three, names, strict=True):
        demo_app.storage.db.execute(
            "UPDATE prospects SET name = ?, company = 'Acme', kind = 'new' WHERE id = ?",
            [name, prospect_id],
        )
    demo_app.storage.db.conn.commit()
    async with demo_app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        header = line_text(queue, 0)
        company_column = cell_len(header[: header.index("Company")])
        kind_column = cell_len(header[: header.index("Kind")])
        for y, name in enumerate(names, start=1):
            line = line_text(queue, y)
            assert name in line
            assert cell_len(line) == queue.scrollable_content_region.width
            assert cell_len(line[: line.index("Acme")]) == company_column, line
            assert cell_len(line[: line.index(" new ") + 1]) == kind_column, line


async def test_an_empty_queue_says_so_in_the_script_pane(tmp_path: Path) -> None:
    app = FunnelApp(
        open_storage(tmp_path / "empty.db"), clock=FrozenClock(), scripts_dir=tmp_path / "none"
    )
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        shown = shown_text(app.screen.query_one("#script-body", Static))
        assert "No prospect selected: the queue is empty." in shown
        assert "method" not in shown
