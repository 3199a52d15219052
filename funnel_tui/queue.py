"""The call queue: which prospects to call, in which order (PRODUCT section 5).

The queue is read in two steps so it stays instant at 100,000 prospects: first the
ordered list of ids (five index-only scans, one per bucket, a few bytes a row),
then the visible rows by primary key, a page at a time. Positions are stable, so
the cursor, `pgdn` and `end` are plain index arithmetic. The app's own reads of a long
order count each bucket instead and read its ids a page at a time (order_pages).
"""

from __future__ import annotations

import json
import re
import sqlite3
from array import array
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, time
from enum import StrEnum
from itertools import islice
from typing import TYPE_CHECKING, NamedTuple

from funnel_tui.cadence import calling_window
from funnel_tui.claims import HELD_BY_OTHERS
from funnel_tui.domain import APPOINTMENT_TASKS, TaskKind, sql_list
from funnel_tui.foreign_values import readable_row
from funnel_tui.order_pages import OrderIds, held_or_paged
from funnel_tui.prospect_ids import BITS_UP_TO, IdBits, extended, id_array, joined
from funnel_tui.queue_filter import (
    Matches,
    checked_one_by_one,
    filter_words,
    find_few_matches,
    find_matches,
    head_reads_apart,
)
from funnel_tui.settings import Settings
from funnel_tui.store.sql import (
    BY_NAME,
    IN_CLOSED_ZONE,
    IN_OPEN_ZONE,
)
from funnel_tui.store.stopping import deadline
from funnel_tui.timestamps import in_utc, to_stored

if TYPE_CHECKING:
    import sqlite_utils

ELIGIBLE = "do_not_call = 0 AND wrong_number = 0"
# Every clause below is written as the bucket index's WHERE says it (schema_v3), so that
# SQLite sees that the partial index holds every row the bucket can name.
DUE = f"next_call_at IS NOT NULL AND {ELIGIBLE}"
APPOINTMENT = f"next_task_kind IN ({sql_list(APPOINTMENT_TASKS)})"
REVISIT = f"next_task_kind = '{TaskKind.REVISIT}'"
# Call and email tasks, and a kind other tools wrote that funnel does not know.
RETRY = f"coalesce(next_task_kind, '') NOT IN ({sql_list((*APPOINTMENT_TASKS, TaskKind.REVISIT))})"
NOT_LOST = "stage != 'lost'"
# A lost prospect comes back for a revisit only; any other task of theirs waits.
STILL_WORKED = f"({NOT_LOST} OR {REVISIT})"
NEVER_CALLED = (
    "next_call_at IS NULL AND last_called_at IS NULL AND nurture = 0"
    f" AND {ELIGIBLE} AND stage NOT IN ('lost', 'won') AND kind != 'customer'"
)
DUE_NOW = f"{DUE} AND next_call_at <= :now"
# The five buckets of PRODUCT section 5, each read in order off its index.
BUCKETS = (
    f"{DUE_NOW} AND {APPOINTMENT} AND {NOT_LOST} ORDER BY next_call_at, id",
    f"{DUE_NOW} AND {RETRY} AND {NOT_LOST} ORDER BY next_call_at, id",
    f"{NEVER_CALLED} ORDER BY priority DESC, created_at DESC, id DESC",
    f"{DUE_NOW} AND {REVISIT} ORDER BY next_call_at, id",
    f"{DUE} AND next_call_at > :now AND next_call_at <= :end_of_day AND {STILL_WORKED}"
    " ORDER BY next_call_at, id",
)
DUE_TODAY = f"{DUE} AND next_call_at <= :end_of_day AND {STILL_WORKED}"

ROW_COLUMNS = (
    "id",
    "name",
    "company",
    "kind",
    "stage",
    "next_call_at",
    "next_task_kind",
    "attempts",
    "last_outcome",
    "priority",
    "timezone",
    "nurture",
    "do_not_call",
    "wrong_number",
    "last_called_at",
    "owner",
)


class QueueMode(StrEnum):
    """What the queue list shows; `f` cycles through them in this order."""

    TODAY = "today"
    ALL = "all"
    NURTURE = "nurture"

    @property
    def label(self) -> str:
        return MODE_LABELS[self]

    @property
    def following(self) -> QueueMode:
        modes = list(QueueMode)
        return modes[(modes.index(self) + 1) % len(modes)]


MODE_LABELS = {
    QueueMode.TODAY: "Today's queue",
    QueueMode.ALL: "All prospects",
    QueueMode.NURTURE: "Back to marketing (nurture)",
}


class QueueRow(NamedTuple):
    """One line of the queue, as the list shows it."""

    id: int
    name: str
    company: str | None
    kind: str
    stage: str
    next_call_at: str | None
    next_task_kind: str | None
    attempts: int
    last_outcome: str | None
    priority: int
    timezone: str | None
    # What says which view a filter match from outside the shown one belongs to.
    nurture: int | None = 0
    do_not_call: int | None = 0
    wrong_number: int | None = 0
    last_called_at: str | None = None
    owner: str | None = None
    other_rep: str | None = None
    """In a team's book, the other rep who owns this prospect or holds it now (a claim)."""
    # Columns whose stored value is of the wrong type or range (None above): shown as `?`.
    unreadable: frozenset[str] = frozenset()


def end_of_day(now: datetime) -> datetime:
    """The last moment of `now`'s local day."""
    return datetime.combine(now.date(), time.max, tzinfo=now.tzinfo)


class QueueOrder(NamedTuple):
    """The prospects to show, in order, and how many wait for their calling hours.

    `complete` is False for the head of the order read for the first frame: then only
    `ids` is known, and `held_back` is 0. With a filter, the matches from outside `mode`'s
    view follow those inside it, by name, from `elsewhere_from` on (PRODUCT 5: the filter
    searches every prospect).
    """

    ids: OrderIds
    held_back: int = 0
    complete: bool = True
    mode: QueueMode = QueueMode.TODAY
    elsewhere_from: int | None = None
    # With no one to call now, when the first of those held back may be called (today's
    # queue read with the closed zones' openings, `closed_timezones`).
    opens_at: datetime | None = None


def queue_order(
    db: sqlite_utils.Database,
    *,
    now: datetime,
    mode: QueueMode = QueueMode.TODAY,
    text: str = "",
    closed_zones: Collection[str] = (),
    limit: int | None = None,
    phone_region: str | None = None,
    rep: str | None = None,
    matching: Matches | None = None,
    paged: bool = False,
) -> QueueOrder:
    """The prospects to show, in calling order (or by name for the other modes).

    `closed_zones` are timezones outside their calling hours now: today's queue holds
    their prospects back (see `closed_timezones`) and counts them. `limit` reads only the
    first rows of the order, enough for a screen. A number in `text` without a country
    code is read as `phone_region`'s (without one, only as the digits typed). In a team's
    book, `rep`'s queue for today holds their own prospects and the pool's, less those
    another rep holds now (PRODUCT 16). `matching` is the filter's matches when already
    found. `paged` holds a long unfiltered order for today a page at a time
    (order_pages): its ids then read their other pages with the connection given to
    `read_with`.
    """
    params: dict[str, str | int] = {}
    restrict = ""
    keep: IdBits | None = None
    text = filter_text(text)
    if text:
        matches = matching or find_matches(db, text, phone_region, head=limit is not None)
        params.update(matches.params)
        restrict = matches.clause
        keep = matches.bits
        if matches.every_match:
            # Found already: the whole order costs little more than its head.
            limit = None
    # Matches held as bits are kept as the view's ids are read, as with no filter.
    read = "" if keep is not None else restrict
    if mode is QueueMode.TODAY:
        team = _team_clause(params, rep)
        order = _todays_order(
            db,
            params,
            restrict + team,
            now,
            closed_zones,
            limit,
            keep=keep,
            read=read + team,
            paged=paged and not text,
        )
    else:
        order = _listed_order(db, params, read, mode, limit, keep, paged=paged and not text)
    if not text or mode is QueueMode.ALL or (limit is not None and len(order.ids) >= limit):
        return order
    return _with_matches_elsewhere(db, order, params, read, limit, keep)


def _kept(rows: Iterable[Sequence[int]], keep: IdBits | None) -> Iterable[int]:
    """The ids of `rows`, those of `keep` alone when given."""
    return (row[0] for row in rows) if keep is None else keep.kept(rows)


def filter_text(text: str) -> str:
    """The filter as the queue reads it and its title shows it: a double space is one, and
    a text with no word (`;`, `, ,`) is none, as an empty box is."""
    return " ".join(text.split()) if filter_words(text) else ""


def _listed_order(
    db: sqlite_utils.Database,
    params: dict[str, str | int],
    restrict: str,
    mode: QueueMode,
    limit: int | None,
    keep: IdBits | None = None,
    *,
    paged: bool = False,
) -> QueueOrder:
    """All prospects, or those in nurture, by name (those of `keep` alone when given);
    `paged` as `_todays_order` says."""
    nurture = " AND nurture = 1" if mode is QueueMode.NURTURE else ""
    by_name = BY_NAME.for_db(db)
    if paged and limit is None and keep is None:
        order = held_or_paged(db, [(f"true{nurture}{restrict}", by_name)], params)
        return QueueOrder(order, mode=mode)
    sql = f"SELECT id FROM prospects WHERE true{nurture}{restrict} ORDER BY {by_name}"
    if limit is not None and keep is None:
        sql += f" LIMIT {int(limit)}"
    ids = id_array(islice(_kept(db.execute(sql, params), keep), limit))
    return QueueOrder(ids, complete=limit is None, mode=mode)


def _team_clause(params: dict[str, str | int], rep: str | None, held: str = HELD_BY_OTHERS) -> str:
    """What keeps a team rep's queue to their own prospects and the pool's, less those
    another rep holds now (`held`, a query of their ids; PRODUCT 16); nothing in a
    one-rep book."""
    if rep is None:
        return ""
    params["rep"] = rep
    return f" AND (owner IS NULL OR owner = :rep) AND id NOT IN ({held})"


def _todays_buckets(
    db: sqlite_utils.Database,
    params: dict[str, str | int],
    restrict: str,
    now: datetime,
    closed_zones: Collection[str],
    open_now: str | None = None,
) -> list[tuple[str, str]]:
    """Each bucket of today's queue as a WHERE and its ORDER BY, in the queue's order;
    `open_now` holds back the prospects whose zone is closed (IN_OPEN_ZONE unless given)."""
    params.update(
        now=to_stored(now),
        end_of_day=to_stored(end_of_day(now)),
        closed=json.dumps(sorted(closed_zones)),
    )
    # The zone is in the bucket indexes, so holding back stays an index-only scan.
    open_now = IN_OPEN_ZONE.for_db(db) if open_now is None else open_now
    buckets = []
    for bucket in BUCKETS:
        where, order_by = bucket.split(" ORDER BY ")
        buckets.append((f"{where}{open_now}{restrict}", order_by))
    return buckets


def _todays_order(
    db: sqlite_utils.Database,
    params: dict[str, str | int],
    restrict: str,
    now: datetime,
    closed_zones: Collection[str],
    limit: int | None,
    *,
    keep: IdBits | None = None,
    read: str | None = None,
    paged: bool = False,
) -> QueueOrder:
    """Today's queue, bucket after bucket: the prospects `restrict` keeps, read as `read`
    keeps them and then those of `keep` when given. `paged`, with no `limit` and no
    `keep`, holds an order of more than HELD_AT_MOST ids as its head, its buckets and
    their counts (order_pages.held_or_paged)."""
    ids: OrderIds = id_array()
    reading = restrict if read is None else read
    buckets = _todays_buckets(db, params, reading, now, closed_zones)
    if paged and limit is None and keep is None:
        ids, buckets = held_or_paged(db, buckets, params), []
    for where, order_by in buckets:
        sql = f"SELECT id FROM prospects WHERE {where} ORDER BY {order_by}"
        if limit is not None and keep is None:
            sql += f" LIMIT {int(limit) - len(ids)}"
        more = _kept(db.execute(sql, params), keep)
        ids = extended(ids, more if limit is None else islice(more, int(limit) - len(ids)))
        if limit is not None and len(ids) >= limit:
            break
    if limit is not None:
        return QueueOrder(ids, complete=False)
    held_back = _count_held_back(db, params, reading, keep) if closed_zones else 0
    if ids or not held_back or not isinstance(closed_zones, Mapping):
        return QueueOrder(ids, held_back)
    return QueueOrder(ids, held_back, opens_at=_first_opening(db, params, restrict, closed_zones))


def _with_matches_elsewhere(
    db: sqlite_utils.Database,
    order: QueueOrder,
    params: dict[str, str | int],
    restrict: str,
    limit: int | None,
    keep: IdBits | None = None,
) -> QueueOrder:
    """The order followed by the filter's other matches, by name: read among the ids the
    filter already found (by primary key, or kept as bits from every prospect by name),
    not by a pass over every prospect's text, so a filter costs about the same in every
    view."""
    shown = _id_set(order.ids)
    sql = f"SELECT id FROM prospects WHERE true{restrict} ORDER BY {BY_NAME.for_db(db)}"
    if limit is not None and keep is None:
        # Enough to fill the head even when every row shown comes first by name.
        sql += f" LIMIT {int(limit)}"
    rows = db.execute(sql, params)
    if keep is not None and isinstance(shown, IdBits):
        matched = keep.kept(rows, without=shown)
    else:
        matched = (id_ for id_ in _kept(rows, keep) if id_ not in shown)
    elsewhere = list(islice(matched, limit))
    more = elsewhere if limit is None else elsewhere[: limit - len(order.ids)]
    ids = joined(order.ids, id_array(more))
    return order._replace(ids=ids, elsewhere_from=len(order.ids))


def _id_set(ids: array[int]) -> IdBits | set[int]:
    """`ids` to look ids up in: as bits while they fit (a set of 500,000 ids takes about
    30 MB)."""
    if ids and min(ids) >= 0 and max(ids) <= BITS_UP_TO:
        return IdBits.of(ids, max(ids))
    return set(ids)


def _count_held_back(
    db: sqlite_utils.Database,
    params: dict[str, str | int],
    restrict: str,
    keep: IdBits | None = None,
) -> int:
    """Today's queue prospects whose zone is outside its calling hours now (those of
    `keep` alone when given: their ids read by the buckets' indexes and kept as the order
    keeps its own, where SQLite looking each one up in a pass's matches took 0.5 s for a
    filter that every prospect of a million matches)."""
    closed = IN_CLOSED_ZONE.for_db(db)
    counted = 0
    for where in (DUE_TODAY, NEVER_CALLED):
        if keep is None:
            sql = f"SELECT count(*) FROM prospects WHERE {where}{closed}{restrict}"
            counted += db.execute(sql, params).fetchone()[0]
        else:
            sql = f"SELECT id FROM prospects WHERE {where}{closed}{restrict}"
            counted += sum(1 for _ in keep.kept(db.execute(sql, params)))
    return counted


def _first_opening(
    db: sqlite_utils.Database,
    params: dict[str, str | int],
    restrict: str,
    closed: Mapping[str, datetime],
) -> datetime | None:
    """The soonest of the closed zones' openings where today's queue holds a prospect
    back: when calling can start again (read only for an empty queue)."""
    # In the order they come (in UTC): on the night the clocks go back, 01:00 on the hour's
    # second pass comes after 01:30 on its first.
    for zone, opens_at in sorted(closed.items(), key=lambda item: in_utc(item[1])):
        for where in (DUE_TODAY, NEVER_CALLED):
            sql = f"SELECT 1 FROM prospects WHERE {where} AND timezone = :held_zone{restrict}"
            if db.execute(f"{sql} LIMIT 1", {**params, "held_zone": zone}).fetchone():
                return opens_at
    return None


def queue_ids(
    db: sqlite_utils.Database,
    *,
    now: datetime,
    mode: QueueMode = QueueMode.TODAY,
    text: str = "",
    closed_zones: Collection[str] = (),
    phone_region: str | None = None,
) -> array[int]:
    """Just the ids of `queue_order`."""
    return queue_order(
        db, now=now, mode=mode, text=text, closed_zones=closed_zones, phone_region=phone_region
    ).ids


# The distinct zones by hopping through prospects_timezone from one value to the next: a
# few index searches per zone, where DISTINCT reads every prospect's entry.
DISTINCT_ZONES_SQL = """
WITH RECURSIVE zones(zone) AS (
    SELECT min(timezone) FROM prospects WHERE timezone IS NOT NULL
    UNION ALL
    SELECT (SELECT min(timezone) FROM prospects WHERE timezone > zone) FROM zones
    WHERE zone IS NOT NULL
)
SELECT zone FROM zones WHERE zone IS NOT NULL
"""


def closed_timezones(
    db: sqlite_utils.Database, now: datetime, settings: Settings
) -> dict[str, datetime]:
    """Prospect timezones outside their calling hours now, with when each next opens.

    One pass over the distinct zones (a handful), not over the prospects.
    """
    closed = {}
    for (zone,) in db.execute(DISTINCT_ZONES_SQL):
        callable_now, opens_at = calling_window(now, settings, zone)
        if not callable_now and opens_at is not None:
            closed[zone] = opens_at
    return closed


def read_order(
    db: sqlite_utils.Database,
    *,
    now: datetime,
    mode: QueueMode,
    text: str,
    settings: Settings,
    limit: int | None = None,
    rep: str | None = None,
    matching: Matches | None = None,
    paged: bool = False,
) -> QueueOrder:
    """The queue as the app shows it: today's holds back the prospects whose zone is
    outside its calling hours now (and, in a team's book, is `rep`'s); `paged` as
    `queue_order` says."""
    closed = closed_timezones(db, now, settings) if mode is QueueMode.TODAY else {}
    return queue_order(
        db,
        now=now,
        mode=mode,
        text=text,
        closed_zones=closed,
        limit=limit,
        phone_region=settings.phone_region,
        rep=rep,
        matching=matching,
        paged=paged,
    )


# A filter's first screenful read on the UI's own thread, each prospect checked in turn,
# is given this long; past it the database thread reads it (a text few prospects of the
# view hold, which the indexes do not find).
QUICK_HEAD_S = 0.015


def read_filtered_order_quickly(
    db: sqlite_utils.Database,
    *,
    now: datetime,
    mode: QueueMode,
    text: str,
    settings: Settings,
    rep: str | None = None,
    head_rows: int | None = None,
) -> QueueOrder | None:
    """read_order under a filter, quick enough for the UI's own thread between a key and
    the frame that shows it: the whole order when a file's indexes find few matches (a
    few milliseconds at any size); else, with `head_rows`, its first `head_rows` rows
    (`complete` False), each prospect checked in turn, when they are read within
    QUICK_HEAD_S (a text most prospects hold, `555`, is). None otherwise (the database
    thread then reads it), when reading fails (the database thread then says why), and
    on a team's server."""
    text = filter_text(text)
    if not text or not head_reads_apart(db):
        return None
    try:
        matching = find_few_matches(db, text, settings.phone_region)
        if matching is not None:
            return read_order(
                db, now=now, mode=mode, text=text, settings=settings, rep=rep, matching=matching
            )
        if head_rows is None:
            return None
        matching = checked_one_by_one(db, text, settings.phone_region)
        with deadline(db, QUICK_HEAD_S):
            return read_order(
                db,
                now=now,
                mode=mode,
                text=text,
                settings=settings,
                rep=rep,
                limit=head_rows,
                matching=matching,
            )
    except sqlite3.Error:
        return None


def todays_head(
    db: sqlite_utils.Database, *, now: datetime, settings: Settings, rep: str, limit: int
) -> tuple[str, dict[str, str | int]]:
    """The first `limit` prospects of `rep`'s queue for today, as one PostgreSQL query and
    its parameters, for a statement that claims one of them to read as a subquery: rows
    (id, version, bucket, position), ordered by bucket then position. `version` is the
    row's xmin as the query read it, so that a statement that locks the row can tell
    whether another rep's call changed it since. The calling hours are read here first."""
    params: dict[str, str | int] = {}
    # What every bucket leaves out is read once, as `held` and `closed`: the query stays
    # short enough for psycopg to keep its parsed form.
    team = _team_clause(params, rep, held="SELECT prospect_id FROM held")
    closed = closed_timezones(db, now, settings)
    open_now = " AND (timezone IS NULL OR timezone NOT IN (SELECT zone FROM closed))"
    buckets = _todays_buckets(db, params, team, now, closed, open_now)
    # Each bucket up to the limit, numbered in its own order: the queue's order is theirs.
    selects = " UNION ALL ".join(
        f"(SELECT id, xmin AS version, {number} AS bucket,"
        f" row_number() OVER (ORDER BY {order_by}) AS position"
        f" FROM prospects WHERE {where} ORDER BY {order_by} LIMIT {int(limit)})"
        for number, (where, order_by) in enumerate(buckets)
    )
    # The moments as sub-selects: PostgreSQL then keeps one plan for the connection that
    # serves every moment, where with plain parameters it plans the query again for each
    # claim's moment, which costs several times what running it does.
    head = (
        f"WITH held AS ({HELD_BY_OTHERS}),"
        " closed AS (SELECT json_array_elements_text(:closed::json) AS zone)"
        f" SELECT * FROM ({selects}) b ORDER BY bucket, position LIMIT {int(limit)}"
    )
    return _MOMENT.sub(r"(SELECT CAST(:\1 AS text))", head), params


_MOMENT = re.compile(r":(now|end_of_day)\b")


def place_elsewhere(row: QueueRow, now: datetime, mode: QueueMode) -> str:
    """Which view a filter match from outside `mode`'s view belongs to, in a word or two
    that fit the queue's next-call column: why it is not in today's queue, or `today`."""
    stage, kind, task = row.stage, row.kind, row.next_task_kind
    if row.do_not_call:
        return "DNC"
    if row.wrong_number:
        return "wrong no."
    if row.other_rep is not None:
        return f"{row.other_rep}'s"
    due_today = (
        row.next_call_at is not None
        and row.next_call_at <= to_stored(end_of_day(now))
        and (stage != "lost" or task == TaskKind.REVISIT)
    )
    never_called = (
        row.next_call_at is None
        and row.last_called_at is None
        and not row.nurture
        and stage not in ("lost", "won")
        and kind != "customer"
    )
    if due_today or never_called:
        # In today's queue, or held back from it only by the prospect's calling hours.
        return "off hours" if mode is QueueMode.TODAY else "today"
    if row.nurture:
        return "nurture"
    if stage == "lost":
        return "lost"
    if row.next_call_at is not None:
        return "not today"
    return "customer" if kind == "customer" else "no task"


def fetch_rows(
    db: sqlite_utils.Database,
    ids: Sequence[int],
    *,
    now: datetime | None = None,
    rep: str | None = None,
) -> dict[int, QueueRow]:
    """The queue rows for these ids (one query, by primary key). With a `rep` (a team's
    book), each row also names the other rep who owns it or holds it at `now`."""
    if not ids:
        return {}
    placeholders = ",".join("?" * len(ids))
    cursor = db.execute(
        f"SELECT {', '.join(ROW_COLUMNS)} FROM prospects WHERE id IN ({placeholders})", list(ids)
    )
    rows = {}
    for stored in cursor:
        values, unreadable = readable_row("prospects", dict(zip(ROW_COLUMNS, stored, strict=True)))
        rows[stored[0]] = QueueRow(**values, unreadable=unreadable)
    if rep is None or now is None:
        return rows
    holders = dict(
        db.execute(
            f"SELECT prospect_id, rep FROM claims WHERE prospect_id IN ({placeholders})"
            " AND expires_at > ?",
            [*ids, to_stored(now)],
        ).fetchall()
    )
    for prospect_id, row in rows.items():
        other = holders.get(prospect_id) or row.owner
        if other is not None and other != rep:
            rows[prospect_id] = row._replace(other_rep=other)
    return rows
