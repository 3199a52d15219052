"""Every cell a rep must read has the contrast to be read (WCAG AA, 4.5), in colour and
under NO_COLOR, and what a colour says is said without it too."""

from __future__ import annotations

import re

import pytest

from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.call_queue import CallQueue
from funnel_tui.ui.quota_gauge import QuotaGauge
from tests.app_support import settle
from tests.screen_contrast import READABLE, cells_of, contrast

pytestmark = pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])


@pytest.fixture(autouse=True)
def colour_setting(no_color: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)


def cursor_row_text(app: FunnelApp) -> str:
    queue = app.screen.query_one(CallQueue)
    line = queue.render_line(queue.cursor - queue.scroll_offset.y + 1)
    return "".join(segment.text for segment in line).strip()


@pytest.mark.parametrize("keys", [(), ("tab",), ("slash",)], ids=["queue", "card", "filter"])
async def test_the_cursor_row_of_an_overdue_prospect_reads_wherever_the_focus_is(
    demo_app: FunnelApp, keys: tuple[str, ...]
) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        row = cursor_row_text(demo_app)
        assert re.search(r" \d+d\b", row), f"the first row is not overdue: {row}"
        for segment in cells_of(demo_app, row):
            assert contrast(segment.style) >= READABLE, (segment.text, segment.style)


async def test_the_highlighted_late_task_of_the_timeline_reads_whole(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        # The prospect's only open task, highlighted as the timeline opens.
        for text in ("1 day late", "due yesterday 13:30"):
            for segment in cells_of(demo_app, text):
                assert contrast(segment.style) >= READABLE, (segment.text, segment.style)


async def test_overdue_rows_read_as_well_as_the_others_and_say_late(
    demo_app: FunnelApp, no_color: bool
) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        # The row after the cursor's: overdue, as the queue's head is.
        row = "".join(segment.text for segment in queue.render_line(2)).strip()
        assert re.search(r"!\w+ \d+d$", row), f"not said late: {row}"
        cells = cells_of(demo_app, row)
        for segment in cells:
            assert contrast(segment.style) >= READABLE, (segment.text, segment.style)
        if no_color:
            assert all(segment.style and segment.style.bold for segment in cells)


async def test_the_quota_bar_shows_progress_by_its_shape(demo_app: FunnelApp) -> None:
    """Won and still to win were the same `━` in two colours, one grey under NO_COLOR."""
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        gauge = demo_app.screen.query_one(QuotaGauge)
        bar = next(
            line for line in gauge.render().plain.splitlines() if "┃ by today" in line
        ).split()[0]
        # $17,000 of $60,000 won, $19,286 expected by today: won, then to win, the marker.
        assert re.fullmatch(r"━{8,12}─+┃─+", bar), bar


@pytest.mark.parametrize(
    ("keys", "placeholders"),
    [
        (("l", "c"), ("g. tomorrow 10am, fri 2pm", "note (optional)")),
        (("n",), ("hat to remember about this prospect",)),
        (("i",), ("ath, e.g. ~/Downloads/hubspot-contacts.csv",)),
    ],
    ids=["outcome", "note", "import"],
)
async def test_placeholders_read_focused_or_not_and_look_unlike_typed_text(
    demo_app: FunnelApp, keys: tuple[str, ...], placeholders: tuple[str, ...]
) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        # The first character sits under the focused field's cursor: the rest is read,
        # in a 256-colour terminal too (tmux's default), where each colour is the nearest
        # of its palette.
        for placeholder in placeholders:
            for segment in cells_of(demo_app, placeholder):
                assert contrast(segment.style) >= READABLE, (segment.text, segment.style)
                assert contrast(segment.style, eight_bit=True) >= READABLE, segment.text
                assert segment.style and segment.style.italic, (segment.text, segment.style)


async def test_how_late_a_task_is_reads_on_the_card_and_in_the_timeline(
    demo_app: FunnelApp,
) -> None:
    """The terminal's red read 3.6:1 on the card, and turned a dark grey under NO_COLOR."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for segment in cells_of(demo_app, "1 day late"):
            assert contrast(segment.style) >= READABLE, ("card", segment.style)
        # In the timeline, with the task not highlighted.
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        for segment in cells_of(demo_app, "1 day late"):
            assert contrast(segment.style) >= READABLE, ("timeline", segment.style)
