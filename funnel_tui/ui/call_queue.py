"""CallQueue: the virtual list of prospects to call; only the visible rows are ever built."""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from funnel_tui.foreign_values import MARK
from funnel_tui.order_pages import GONE, OrderIds
from funnel_tui.prospect_ids import id_array
from funnel_tui.queue import QueueMode, QueueRow, place_elsewhere
from funnel_tui.text import one_line
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.formatting import next_task_label, short_outcome_label

RowFetcher = Callable[[Sequence[int]], dict[int, QueueRow]]

PAGE_SIZE = 64
CACHED_PAGES = 32
# The most characters of a name or company a row reads: wider than any column.
CELL_AT_MOST = 200


class Column(NamedTuple):
    """One column of the list: a fixed width, or a share of the width the others leave."""

    title: str
    width: int = 0
    share: float = 0.0
    fewest: int = 0
    """The fewest cells a shared column is narrowed to."""


NAME = Column("Name", share=0.6, fewest=10)
COMPANY = Column("Company", share=0.4, fewest=6)
KIND = Column("Kind", width=5)
STAGE = Column("Stage", width=9)
NEXT_CALL = Column("Next call", width=9)
ATTEMPTS = Column("Att", width=3)
LAST = Column("Last", width=9)
# In the order they are drawn.
COLUMNS = (NAME, COMPANY, KIND, STAGE, NEXT_CALL, ATTEMPTS, LAST)
# Most useful first: a narrow pane keeps whom to call, when, and at which company, then
# adds each further column that leaves the name and the company ROOMY_NAMES cells.
KEEP_ORDER = (NAME, NEXT_CALL, COMPANY, LAST, ATTEMPTS, STAGE, KIND)
ALWAYS_KEPT = 3
ROOMY_NAMES = 18
# The stored column behind each column of the list.
COLUMN_SOURCES = {
    "Name": "name",
    "Company": "company",
    "Next call": "next_call_at",
    "Att": "attempts",
    "Last": "last_outcome",
}
KIND_SHORT = {"new": "new", "known": "known", "customer": "cust"}


def _shared_room(columns: Sequence[Column], width: int) -> int:
    """The cells left for the shared columns once the fixed ones and the gaps are placed."""
    return width - sum(column.width for column in columns) - (len(columns) - 1)


@cache
def fit_columns(width: int) -> tuple[tuple[str, int], ...]:
    """Choose the columns that fit `width` cells and their widths (one space between);
    cached, as every line drawn asks."""
    chosen = [NAME]
    for rank, column in enumerate(KEEP_ORDER[1:], start=1):
        trial = [*chosen, column]
        needed = sum(each.fewest for each in trial if each.share)
        if rank >= ALWAYS_KEPT:
            needed = max(needed, ROOMY_NAMES)
        if _shared_room(trial, width) >= needed:
            chosen = trial
    shown = [column for column in COLUMNS if column in chosen]
    room = _shared_room(shown, width)
    shared = {
        column.title: max(column.fewest, int(room * column.share))
        for column in shown
        if column.share and column is not NAME
    }
    # The name takes what the other shared columns leave, the odd cell included.
    shared[NAME.title] = room - sum(shared.values())
    return tuple((column.title, column.width or shared[column.title]) for column in shown)


def _cell(text: str, width: int) -> str:
    """`text` in exactly `width` terminal cells: a CJK character or an emoji takes two, so
    the length in characters would shift every column after it."""
    if cell_len(text) > width > 0:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class _Paint(NamedTuple):
    """What drawing a line needs from the widget's geometry and styles."""

    width: int
    base: Style
    header: Style
    overdue: Style
    dim: Style
    cursor: Style


class CallQueue(ScrollView, can_focus=True):
    """The ordered prospects, drawn line by line from a page cache."""

    # Priority bindings move the cursor the moment the key arrives, as the main screen's
    # keys act then: "j l" typed at full speed logs the row moved to, not the one before.
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, priority=True),
        Binding("k,up", "cursor_up", "Up", show=False, priority=True),
        Binding("home", "first", "First", show=False, priority=True),
        Binding("end", "last", "Last", show=False, priority=True),
        Binding("pagedown", "page_down", "Page down", show=False, priority=True),
        Binding("pageup", "page_up", "Page up", show=False, priority=True),
    ]

    COMPONENT_CLASSES = {
        "call-queue--header",
        "call-queue--cursor",
        "call-queue--overdue",
        "call-queue--dim",
    }

    cursor = reactive(0, always_update=True, init=False)
    """Index of the highlighted row in the queue order."""

    class Highlighted(Message):
        """The highlighted prospect changed (None when the queue is empty)."""

        def __init__(self, prospect_id: int | None) -> None:
            super().__init__()
            self.prospect_id = prospect_id

    class OutOfDate(Message):
        """A row of a long order could not be read since the book changed (drawn `…`):
        the order wants reading again, without waiting for the next look at the book."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ids: OrderIds = id_array()
        self._fetch: RowFetcher = lambda ids: {}
        # The ids of the runs of PAGE_SIZE rows drawn lately, and their rows once drawn:
        # what the rep sees, and whom the keys act on, even where a long order read a page
        # at a time (order_pages) would read a run again differently since a change.
        self._runs: OrderedDict[int, array[int]] = OrderedDict()
        self._pages: OrderedDict[int, dict[int, QueueRow]] = OrderedDict()
        # Set by `load` together with the ids; nothing is drawn before the first load.
        self._now = datetime.min.replace(tzinfo=UTC)
        self._now_stored = ""
        self._paint: _Paint | None = None
        # Where a filter's matches from outside the view start, and which view is shown.
        self._elsewhere_from: int | None = None
        self._mode = QueueMode.TODAY
        # Whether this order has said it is out of date (OutOfDate, once an order).
        self._said_out_of_date = False

    @property
    def row_count(self) -> int:
        return len(self._ids)

    @property
    def highlighted_id(self) -> int | None:
        return self._id_at(self.cursor) if 0 <= self.cursor < len(self._ids) else None

    def position_of(self, prospect_id: int) -> int | None:
        """Where this prospect is: among the rows drawn lately first, then in the order."""
        for number, run in self._runs.items():
            if prospect_id in run:
                return number * PAGE_SIZE + run.index(prospect_id)
        try:
            return self._ids.index(prospect_id)
        except ValueError:
            return None

    def id_after(self, prospect_id: int) -> int | None:
        """The prospect that follows this one in the current order."""
        position = self.position_of(prospect_id)
        if position is None or position + 1 >= len(self._ids):
            return None
        return self._id_at(position + 1)

    def belongs_to_view(self, prospect_id: int) -> bool:
        """Whether this prospect is one of the view's own rows (or the prospect of a running
        call kept above them), not a filter's match from outside it (dimmed, after the
        view's)."""
        position = self.position_of(prospect_id)
        if position is None:
            return False
        return self._elsewhere_from is None or position < self._elsewhere_from

    def id_before(self, prospect_id: int) -> int | None:
        """The prospect that comes before this one in the current order."""
        position = self.position_of(prospect_id)
        if position is None or position == 0:
            return None
        return self._id_at(position - 1)

    def load(
        self,
        ids: OrderIds,
        fetch: RowFetcher,
        *,
        now: datetime,
        select: int | None = None,
        mode: QueueMode = QueueMode.TODAY,
        elsewhere_from: int | None = None,
    ) -> None:
        """Show a new order; keep the cursor on `select` (or the current prospect) if present.

        The rows from `elsewhere_from` on are filter matches from outside `mode`'s view:
        dimmed, each saying where it belongs in place of its next call.
        """
        keep = select if select is not None else self.highlighted_id
        self._ids, self._fetch, self._now = ids, fetch, now
        self._mode, self._elsewhere_from = mode, elsewhere_from
        self._now_stored = to_stored(now)
        self._runs.clear()
        self._pages.clear()
        self._said_out_of_date = False
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        position = self.position_of(keep) if keep is not None else None
        if position is None:
            position = min(self.cursor, max(len(ids) - 1, 0))
        self.cursor = position
        # Once the new length is laid out: scrolling now stops at the old order's end,
        # and a longer view (`f` on the last row) left the highlighted row out of sight.
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()

    def _run(self, number: int) -> array[int]:
        """The ids of run `number`, read once while it stays among the last drawn."""
        run = self._runs.get(number)
        if run is None:
            start = number * PAGE_SIZE
            run = self._runs[number] = self._ids[start : start + PAGE_SIZE]
            if len(self._runs) > CACHED_PAGES:
                self._runs.popitem(last=False)
        else:
            self._runs.move_to_end(number)
        return run

    def _id_at(self, index: int) -> int:
        return self._run(index // PAGE_SIZE)[index % PAGE_SIZE]

    def _row(self, index: int) -> QueueRow | None:
        page_number = index // PAGE_SIZE
        run = self._run(page_number)
        page = self._pages.get(page_number)
        if page is None:
            page = self._fetch(run)
            self._pages[page_number] = page
            if len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page.get(run[index % PAGE_SIZE])

    def render_lines(self, crop: Region) -> list[Strip]:
        # Looked up once a frame, not once a line: each lookup walks up to the screen.
        self._paint = self._look_up_paint()
        return super().render_lines(crop)

    def _look_up_paint(self) -> _Paint:
        return _Paint(
            width=self.scrollable_content_region.width,
            base=self.rich_style,
            header=self.get_component_rich_style("call-queue--header"),
            overdue=self.get_component_rich_style("call-queue--overdue", partial=True),
            dim=self._muted("call-queue--dim"),
            cursor=self.get_component_rich_style("call-queue--cursor", partial=True),
        )

    def _muted(self, component: str) -> Style:
        """A component's own style, laid over a row's, its colour blended over the queue's
        background where it has an alpha (`$text-muted`), which Textual's partial style
        drops: a dimmed row was drawn in full white, brighter than the rows it follows."""
        style = self.get_component_rich_style(component, partial=True)
        color = self.get_component_styles(component).color
        if style.color is None or color.a >= 1:
            return style
        blended = self.background_colors[1] + color
        return style + Style(color=blended.rich_color)

    def render_line(self, y: int) -> Strip:
        paint = self._paint or self._look_up_paint()
        width = paint.width
        # A space either side, so the last column does not run into the border.
        columns = fit_columns(width - 2)
        if y == 0:
            header = " " + " ".join(_cell(title, size) for title, size in columns)
            return Strip([Segment(_cell(header, width), paint.header)], width)
        index = self.scroll_offset.y + y - 1
        if index >= len(self._ids):
            return Strip.blank(width, paint.base)
        if self._id_at(index) == GONE:
            # A row past a long order's head, the book changed since: read with the order,
            # which is asked for now rather than at the next look at the book.
            if not self._said_out_of_date:
                self._said_out_of_date = True
                self.post_message(self.OutOfDate())
            return Strip([Segment(_cell(" …", width), paint.base)], width)
        row = self._row(index)
        if row is None:
            return Strip([Segment(_cell(" (removed)", width), paint.base)], width)
        style = paint.base
        elsewhere = self._elsewhere_from is not None and index >= self._elsewhere_from
        if elsewhere:
            style = style + paint.dim
        elif row.next_call_at and row.next_call_at <= self._now_stored:
            style = style + paint.overdue
        if index == self.cursor:
            style = style + paint.cursor
        values = {
            # A column shows a few dozen cells: a name of megabytes is not read whole.
            "Name": one_line((row.name or "")[:CELL_AT_MOST]),
            "Company": one_line((row.company or "")[:CELL_AT_MOST]),
            "Kind": KIND_SHORT.get(row.kind, row.kind),
            "Stage": row.stage,
            "Next call": next_task_label(
                row.next_task_kind, row.next_call_at, self._now, NEXT_CALL.width
            ),
            "Att": str(row.attempts) if row.attempts else "",
            "Last": short_outcome_label(row.last_outcome),
        }
        for title, column in COLUMN_SOURCES.items():
            if column in row.unreadable:
                values[title] = MARK
        if elsewhere:
            values["Next call"] = place_elsewhere(row, self._now, self._mode)
        line = " " + " ".join(_cell(values[title], size) for title, size in columns)
        return Strip([Segment(_cell(line, width), style)], width)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._ids) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        # The rows either side are read now, while the order is still the book's: a call
        # logged here moves on to the one below (`id_after`), not drawn yet on the last
        # line, and a long order reads no page once the book has changed (order_pages).
        for neighbour in (new - 1, new + 1):
            if 0 <= neighbour < len(self._ids):
                self._id_at(neighbour)
        # Row index i is drawn on virtual line i + 1: line 0 is the header.
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self.highlighted_id))

    @property
    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_to_cursor(self) -> None:
        top = self.scroll_offset.y
        visible_rows = self._visible_rows
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible_rows:
            self.scroll_to(y=self.cursor - visible_rows + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._ids) + 1)
        # Fewer rows in sight (a smaller terminal, a title on two lines): the highlighted
        # one, whom `l` logs, stays among them. More: the list shows from its first row
        # (the most overdue) when the highlighted one still fits below it.
        self.call_after_refresh(self._scroll_after_resize)

    def _scroll_after_resize(self) -> None:
        if self.cursor < self._visible_rows:
            self.scroll_to(y=0, animate=False, immediate=True)
        else:
            self._scroll_to_cursor()

    @property
    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 2, 1)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._ids) - 1

    def action_page_down(self) -> None:
        self.cursor += self._page_rows

    def action_page_up(self) -> None:
        self.cursor -= self._page_rows

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < len(self._ids):
            self.cursor = index
