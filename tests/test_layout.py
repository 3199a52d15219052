"""What the rep can read at every terminal size: phone, email, gauge, script, dialogs."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import phonenumbers
import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from funnel_tui.domain import TaskKind
from funnel_tui.money import format_money
from funnel_tui.names import first_name_of
from funnel_tui.queue import closed_timezones, queue_ids
from funnel_tui.settings import load_settings
from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.call_queue import CallQueue
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.formatting import SHORT_TASK_KINDS
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.ui.performance_screen import PerformanceScreen
from funnel_tui.ui.quota_gauge import QuotaGauge
from funnel_tui.ui.script_pane import ScriptPane
from tests.app_support import FROZEN_NOW, FrozenClock, open_prospect_form, settle, shown_text


def todays_queue(app: FunnelApp) -> list[int]:
    db = app.storage.db
    return queue_ids(
        db, now=FROZEN_NOW, closed_zones=closed_timezones(db, FROZEN_NOW, load_settings(db))
    )


# A laptop's default terminal, a split pane, and a full-screen window.
SIZES = [(80, 24), (100, 30), (160, 45)]


def line_text(queue: CallQueue, y: int) -> str:
    return "".join(segment.text for segment in queue.render_line(y))


def on_screen(app: FunnelApp) -> str:
    """The text of the top screen, line by line, as the terminal shows it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


@pytest.mark.parametrize("size", SIZES)
async def test_phone_email_gauge_and_script_step_are_whole_at_every_size(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    # The first prospect follows the inbound script: its first step is the opener.
    demo_app.storage.db.execute(
        "UPDATE prospects SET method = 'inbound' WHERE id = ?", [todays_queue(demo_app)[0]]
    )
    demo_app.storage.db.conn.commit()
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen) and screen.card is not None
        shown = on_screen(demo_app)
        prospect = screen.card.prospect
        # The number is shown in the international format: +44 20 7946 0182.
        number = phonenumbers.parse(prospect["phone"])
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL) in (
            shown
        )
        assert prospect["email"] in shown
        pace = screen.gauge.pace
        assert pace is not None
        for cents in (pace.won_cents, pace.target_cents, pace.projection_cents):
            assert format_money(cents, "$", whole=True) in shown
        assert f"{format_money(pace.needed_per_day_cents, '$', whole=True)}/day" in shown
        assert f"{pace.calls_today}/{pace.calls_per_day}" in shown
        # The first step of the script, a whole phrase on one line (not a word per line).
        assert "1 Open" in shown
        assert f"Hi {first_name_of(prospect['name'])}," in shown


@pytest.mark.parametrize("size", SIZES)
async def test_the_outcome_dialog_shows_the_date_read_back_and_the_note(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"tomorrow 10am")
        await settle(pilot)
        assert isinstance(demo_app.screen, OutcomeDialog)
        shown = on_screen(demo_app)
        assert "tomorrow 10am" in shown
        assert "→ Thu 19 Nov 2026, 10:00 (tomorrow)" in shown
        assert "note (optional)" in shown
        assert "enter saves" in shown


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
    names = ["王小明", "Zoë 🚀 Lee", "Ann Smith"]
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


async def test_an_empty_book_says_so_in_the_script_pane(tmp_path: Path) -> None:
    app = FunnelApp(
        open_storage(tmp_path / "empty.db"), clock=FrozenClock(), scripts_dir=tmp_path / "none"
    )
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        shown = shown_text(app.screen.query_one("#script-body", Static))
        assert "No prospect selected: no prospects yet." in shown
        assert "method" not in shown


async def test_at_80_columns_the_gauge_wraps_rather_than_cut(tmp_path: Path) -> None:
    app = FunnelApp(
        open_storage(tmp_path / "empty.db"), clock=FrozenClock(), scripts_dir=tmp_path / "none"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = on_screen(app)
        assert "funnel target set 50000 --period month" in shown
        assert "or press t." in shown


async def test_a_running_call_keeps_every_gauge_figure_at_80_columns(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen) and screen.gauge.pace is not None
        shown = on_screen(demo_app)
        pace = screen.gauge.pace
        # Without a line more: the call's prospect and time, without `on call with`.
        name = screen.running_call.name
        assert f"● {name} 0:00" in shown or f"● on call with {name} 0:00" in shown
        assert f"{pace.calls_today}/{pace.calls_per_day}" in shown
        assert f"{format_money(pace.needed_per_day_cents, '$', whole=True)}/day" in shown


@pytest.mark.parametrize(
    ("size", "key", "dialog", "size_classes"),
    [
        ((80, 24), "l", "OutcomeDialog", {"-narrow", "-short"}),
        # Breakpoints of the dialog's own: all 13 outcomes from 40 rows, the whole
        # prospect form from 44.
        ((160, 48), "l", "OutcomeDialog", {"-wide", "-every-outcome"}),
        ((160, 48), "e", "ProspectForm", {"-wide", "-roomy"}),
    ],
)
async def test_a_dialog_is_drawn_by_its_size_classes_from_its_first_frame(
    demo_app: FunnelApp,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
    key: str,
    dialog: str,
    size_classes: set[str],
) -> None:
    """Textual gives a screen its size classes on its first Resize, after its first frame:
    the dialog flashed its full-size frames and spacing first."""
    drawn: list[tuple[str, frozenset[str]]] = []
    draw = Screen._compositor_refresh

    def record(screen: Screen[object]) -> None:
        drawn.append((type(screen).__name__, screen.classes))
        draw(screen)

    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Screen, "_compositor_refresh", record)
        await pilot.press(key)
        await settle(pilot)
    first = next(classes for name, classes in drawn if name == dialog)
    assert size_classes <= first


def words_in(app: FunnelApp, widget: Widget) -> str:
    """The words the terminal shows inside `widget`'s region, line after line."""
    lines = on_screen(app).splitlines()
    region = widget.region
    shown = [line[region.x : region.right] for line in lines[region.y : region.bottom]]
    return " ".join(" ".join(shown).split())


def assert_whole(app: FunnelApp, widget: Widget) -> None:
    """Every word of the widget's text is on screen, wrapped rather than cut."""
    text = widget.render()
    plain = text.plain if isinstance(text, Text) else str(text)
    assert words_in(app, widget) == " ".join(plain.split())


@pytest.mark.parametrize("size", SIZES)
async def test_the_pace_screen_never_cuts_a_figure(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    db = demo_app.storage.db
    db.execute("UPDATE deals SET amount_cents = 1234567890")
    db.execute("UPDATE targets SET amount_cents = 10000000000")
    db.conn.commit()
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, PerformanceScreen) and screen.pace is not None
        box = screen.query_one("#performance-body", VerticalScroll)
        shown = ""
        for top in range(0, box.max_scroll_y + box.size.height, max(box.size.height - 2, 1)):
            box.scroll_to(y=top, animate=False, immediate=True)
            await pilot.pause()
            shown += on_screen(demo_app) + "\n"
        pace = screen.pace
        figures = [pace.target_cents, pace.won_cents, pace.projection_cents]
        figures += [row.won_cents for row in pace.by_method + pace.by_source]
        for cents in figures:
            assert re.search(rf"(?<![\d,.]){re.escape(format_money(cents, '$'))}(?![\d,])", shown)
        assert "amoun " not in shown


def queue_header(app: FunnelApp) -> str:
    return line_text(app.screen.query_one(CallQueue), 0)


@pytest.mark.parametrize(
    ("size", "titles"),
    [
        ((80, 24), ["Name", "Company", "Next call"]),
        ((100, 30), ["Name", "Company", "Next call", "Last"]),
        ((160, 45), ["Name", "Company", "Kind", "Stage", "Next call", "Att", "Last"]),
    ],
)
async def test_the_queue_keeps_the_columns_a_rep_needs_most(
    demo_app: FunnelApp, size: tuple[int, int], titles: list[str]
) -> None:
    # The first prospect's next call is five days late: the longest due label.
    demo_app.storage.db.execute(
        "UPDATE prospects SET next_call_at = ? WHERE id = ?",
        [to_stored(FROZEN_NOW - timedelta(days=5)), todays_queue(demo_app)[0]],
    )
    demo_app.storage.db.conn.commit()
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        # A header may shorten ("Compa…"); the column is there all the same.
        header = queue_header(demo_app).replace("Next call", "Next").split()
        assert len(header) == len(titles), header
        for shown, title in zip(header, titles, strict=True):
            assert title.startswith(shown.rstrip("…")), header
        queue = demo_app.screen.query_one(CallQueue)
        first = line_text(queue, 1)
        kind = demo_app.storage.db.execute(
            "SELECT next_task_kind FROM prospects WHERE id = ?", [todays_queue(demo_app)[0]]
        ).fetchone()[0]
        label = SHORT_TASK_KINDS[TaskKind(kind)]
        assert f" !{label} 5d " in first, "the first prospect's next task is whole"


@pytest.mark.parametrize("size", SIZES)
async def test_the_key_bar_always_offers_help_and_quit(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        bottom = on_screen(demo_app).splitlines()[-1]
        assert " ? Help " in bottom
        assert " q Quit " in bottom
        assert " l Log outcome " in bottom


@pytest.mark.parametrize("size", SIZES)
async def test_the_quit_question_is_whole_at_every_size(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter", "q")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        for label in demo_app.screen.query(Label):
            assert_whole(demo_app, label)
        assert "Quit anyway?" in on_screen(demo_app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_outcome_dialogs_title_and_hint_are_whole_during_a_call(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter", "l")
        await settle(pilot)
        assert isinstance(demo_app.screen, OutcomeDialog)
        for label in demo_app.screen.query(Label):
            assert_whole(demo_app, label)
        assert "esc cancels" in on_screen(demo_app)


async def test_start_up_warnings_leave_a_dialogs_fields_in_sight(demo_app: FunnelApp) -> None:
    conn = sqlite3.connect(demo_app.storage.path, isolation_level=None)
    conn.executemany(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
        [("holidays", "2026-12-25,2026-02-30"), ("calling_end", "07:00")],
    )
    conn.close()
    app = FunnelApp(demo_app.storage, clock=demo_app.clock, scripts_dir=demo_app.scripts_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert "Setting not used" in on_screen(app), "the warnings show on the main screen"
        await pilot.press("l", "c", *"tomorrow 10am")
        await settle(pilot)
        shown = on_screen(app)
        assert "→ Thu 19 Nov 2026, 10:00 (tomorrow)" in shown
        assert "note (optional)" in shown
        assert "enter saves" in shown


def fully_in_sight(app: FunnelApp, widget: Widget) -> bool:
    """Not scrolled out of its dialog, even in part."""
    placed = app.screen._compositor.visible_widgets.get(widget)
    return placed is not None and placed[1].contains_region(placed[0])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "keys",
    [["question_mark"], ["m"], ["t"], ["s"], ["a"], ["e"], ["n"], ["i"], ["p"], ["l", "n", "u"]],
    ids=["help", "method", "target", "settings", "add", "edit", "note", "import", "pace", "undo"],
)
async def test_every_dialogs_labels_are_whole(
    demo_app: FunnelApp, size: tuple[int, int], keys: list[str]
) -> None:
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert not isinstance(demo_app.screen, MainScreen)
        labels = [
            label for label in demo_app.screen.query(Label) if fully_in_sight(demo_app, label)
        ]
        assert labels
        for label in labels:
            assert_whole(demo_app, label)


@pytest.mark.parametrize("size", [(60, 15), (70, 24)])
async def test_under_78_columns_the_panes_share_the_width(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    # The queue's 30 columns and the card's 48 ran past the right edge, border and all.
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        for pane in ("#queue-pane", "#card", "#script"):
            region = screen.query_one(pane).region
            assert region.width >= 20 and region.right <= size[0], pane
        head = screen.queue.highlighted_id
        name = demo_app.storage.db.execute("SELECT name FROM prospects WHERE id = ?", [head])
        assert name.fetchone()[0] in words_in(demo_app, screen.query_one("#card"))


async def test_a_dialog_is_laid_out_once_as_it_opens_and_again_when_the_terminal_is_resized(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual sent a screen it had just laid out a Resize to the same size, and the
    prospect form was laid out twice before the keys typed after `e` reached it."""
    laid_out: list[tuple[str, object]] = []
    lay_out = Screen._refresh_layout

    def record(screen: Screen[object], size: object = None, scroll: bool = False) -> None:
        laid_out.append((type(screen).__name__, size))
        lay_out(screen, size, scroll)

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Screen, "_refresh_layout", record)
        form = await open_prospect_form(demo_app, pilot)
        # At the screen's size: the whole screen (the others follow a widget's change).
        assert [size for name, size in laid_out if name == "ProspectForm" and size] == [(160, 48)]
        laid_out.clear()
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert ("ProspectForm", (100, 30)) in laid_out
        assert form.size == (100, 30)
        await pilot.press("z")
        await settle(pilot)
        assert form.focused is not None and "z" in form.focused.value


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_the_highlighted_row_stays_in_sight_when_the_list_gets_shorter(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    """The card showed the prospect on row 31, whom `l` logs, while the list showed rows
    1 to 21 and none highlighted."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        await pilot.press(*["down"] * 30)
        await settle(pilot)
        await pilot.resize_terminal(*size)
        await settle(pilot)
        top = queue.scroll_offset.y
        rows_in_sight = queue.scrollable_content_region.height - 1
        assert top <= queue.cursor < top + rows_in_sight


@pytest.mark.parametrize(
    ("key", "fields"),
    [
        ("e", "#form-fields"),
        ("s", "#settings-fields"),
        ("question_mark", "#help-body"),
        ("p", "#performance-body"),
    ],
)
async def test_a_dialogs_fields_keep_their_width_when_its_scrollbar_comes(
    demo_app: FunnelApp, key: str, fields: str
) -> None:
    """In a terminal, Textual paints a new dialog before it has found that its fields
    overflow: the scrollbar came a frame later (100 to 250 ms), and every field was drawn
    again two columns narrower. The scrollbar's room is kept from the first frame."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert demo_app.screen.query_one(fields).styles.scrollbar_gutter == "stable"


@pytest.mark.parametrize("size", [*SIZES, (100, 38), (120, 40), (100, 43), (100, 44)])
@pytest.mark.parametrize(
    "keys",
    [["m"], ["t"], ["s"], ["a"], ["e"], ["n"], ["i"], ["l"], ["question_mark"], ["p"]],
    ids=["method", "target", "settings", "add", "edit", "note", "import", "log", "help", "pace"],
)
async def test_how_to_save_and_leave_is_in_sight_in_every_dialog(
    demo_app: FunnelApp, size: tuple[int, int], keys: list[str]
) -> None:
    """The hint under a dialog's fields is on screen at every size; the fields scroll
    above it. Help and the pace screen scroll their page above `esc closes` too."""
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        hints = [hint for hint in demo_app.screen.query(".dialog-hint") if hint.display]
        assert hints
        for hint in hints:
            assert fully_in_sight(demo_app, hint), hint.id


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_outcome_dialog_of_another_prospect_during_a_call_keeps_its_hint_in_sight(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    """The line that says whose call is running, with long names on both sides."""
    db = demo_app.storage.db
    long_name = "Maximiliana Alessandra Konstantina Papadopoulou-Vanderberg-Oyelaran Jr"
    for prospect_id in todays_queue(demo_app)[:2]:
        db.execute("UPDATE prospects SET name = ? WHERE id = ?", [long_name, prospect_id])
    db.conn.commit()
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter", "j", "l")
        await settle(pilot)
        assert "You are on a call with" in shown_text(demo_app.screen.query_one("#outcome-title"))
        assert fully_in_sight(demo_app, demo_app.screen.query_one("#outcome-hint"))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 48)])
async def test_a_call_starting_does_not_move_the_panes_below_the_gauge(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    """At 100 columns `● on call with …` took the gauge to a fourth line, and the queue,
    the card and the script moved down a row as the call started."""
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        before = queue.region.y
        await pilot.press("enter")
        await settle(pilot)
        assert "●" in demo_app.screen.query_one(QuotaGauge).render().plain
        assert queue.region.y == before


@pytest.mark.parametrize(("field", "typed"), [("next_call", "blorp"), ("deal_value", "abc")])
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (100, 43)])
async def test_a_refused_fields_error_is_in_sight(
    demo_app: FunnelApp, field: str, typed: str, size: tuple[int, int]
) -> None:
    """enter in a field the form refuses: its error, under it, is on screen too (focus
    had scrolled to the field alone, and not at all when it had focus already)."""
    async with demo_app.run_test(size=size) as pilot:
        form = await open_prospect_form(demo_app, pilot, "e")
        entry = form.query_one(f"#field-{field}", Input)
        entry.focus()
        await settle(pilot)
        entry.value = typed
        await pilot.press("enter")
        await settle(pilot)
        assert form.focused is entry
        assert fully_in_sight(demo_app, entry)
        assert fully_in_sight(demo_app, form.query_one(f"#error-{field}"))


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_with_no_business_day_left_the_gauge_asks_for_the_gap_now(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """On the Saturday after a week's last business day the gauge said `need $20,000/day`
    beside `0 of 5 business days left`: the whole gap, needed at once, not a day."""
    storage = open_storage(tmp_path / "book.db")
    storage.db["prospects"].insert({"name": "Ann Lee", "phone": "+442079460001"})
    storage.db["targets"].insert(
        {
            "period": "week",
            "starts_on": "2026-11-16",
            "ends_on": "2026-11-22",
            "amount_cents": 2_000_000,
        }
    )
    saturday = FROZEN_NOW + timedelta(days=3)
    app = FunnelApp(storage, clock=FrozenClock(saturday), scripts_dir=tmp_path / "scripts")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        pace = app.screen.query_one(QuotaGauge).pace
        assert pace is not None and pace.remaining_business_days == 0
        shown = on_screen(app)
        assert "need $20,000 now" in shown
        assert "/day" not in shown.split("need ")[1].split()[0]
        # Where the rep should be by today: all of it, the week's days being over.
        assert (
            "where you should be today ($20,000)" if size[0] > 100 else "by today $20,000"
        ) in shown
    storage.close()
