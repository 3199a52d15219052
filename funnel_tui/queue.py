"""The call queue: which prospects to call, in which order (PRODUCT section 5).

The queue is read in two steps so it stays instant at 100,000 prospects: first the
ordered list of ids (five index-only scans, one per bucket, a few bytes a row),
then the visible rows by primary key, a page at a time. Positions are stable, so
the cursor, `pgdn` and `end` are plain index arithmetic.
"""

from __future__ import annotations

import json
import re
import sqlite3
from array import array
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING

from funnel_tui.cadence import calling_window
from funnel_tui.claims import HELD_BY_OTHERS
from funnel_tui.domain import APPOINTMENT_TASKS, TaskKind, sql_list
from funnel_tui.foreign_values import readable_row
from funnel_tui.phones import search_patterns
from funnel_tui.schema_v9 import TRIGRAMS
from funnel_tui.settings import Settings
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sql import (
    BY_NAME,
    IN_CLOSED_ZONE,
    IN_MATCHING_IDS,
    IN_OPEN_ZONE,
    SEARCH_TEXT_LIKE,
)
from funnel_tui.timestamps import to_stored

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


@dataclass(frozen=True)
class QueueRow:
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


def _filter_clause(
    db: sqlite_utils.Database, text: str, phone_region: str | None
) -> tuple[str, dict[str, str]]:
    """SQL over prospect_search matching name, company, email or phone, and phones also by
    their digits: a number typed in any form (`07700 900318` in GB) finds the stored
    +447700900318, and a part of one the numbers that hold it."""
    params = {"like": f"%{_escape_like(text)}%"}
    clause = SEARCH_TEXT_LIKE.for_db(db)
    for number, pattern in enumerate(search_patterns(text, phone_region)):
        params[f"digits{number}"] = pattern
        clause += f" OR phone_digits LIKE :digits{number}"
    return clause, params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching_ids(db: sqlite_utils.Database, text: str, phone_region: str | None) -> str:
    """The ids matching a filter, as a JSON list (IN_MATCHING_IDS reads it): looked up in
    the trigram index where it serves, else one pass over the narrow rows of
    prospect_search, which triggers keep in step with prospects."""
    clause, params = _filter_clause(db, text, phone_region)
    ids = _indexed_matches(db, text, params) if dialect_of(db) is Dialect.SQLITE else None
    if ids is None:
        rows = db.execute(f"SELECT id FROM prospect_search WHERE {clause}", params)
        ids = [row[0] for row in rows]
    return json.dumps(ids)


# Three characters in a row that are no LIKE wildcard: what the trigram index looks up.
_TRIGRAM = re.compile(r"[^%_]{3}")
# Past this many matches one pass over prospect_search is quicker than checking each
# match the index names against its text (about 2 µs each).
INDEXED_MATCHES_AT_MOST = 5000


def _indexed_matches(
    db: sqlite_utils.Database, text: str, params: dict[str, str]
) -> list[int] | None:
    """The matches of `_filter_clause` found through prospect_trigrams; None when a pass
    over prospect_search answers better: the text has no three characters to look up
    (`ab`, `a%b`), it matches more than INDEXED_MATCHES_AT_MOST prospects, or the index
    cannot be read (`funnel check` says why).

    SQLite hands the index a LIKE only without ESCAPE, so the text's own `%` and `_` are
    looked up as `_` (any one character), and the LIKE with ESCAPE then keeps the exact
    matches, as the pass would find them.
    """
    if not _TRIGRAM.search(text):
        return None
    selects = [
        f"SELECT rowid FROM {TRIGRAMS} WHERE search_text LIKE :looked_up"
        f" AND {SEARCH_TEXT_LIKE.for_db(db)}"
    ]
    selects += [
        f"SELECT rowid FROM {TRIGRAMS} WHERE phone_digits LIKE :{name}"
        for name in params
        if name.startswith("digits")
    ]
    looked_up = "%" + re.sub("[%_]", "_", text) + "%"
    sql = " UNION ".join(selects) + f" LIMIT {INDEXED_MATCHES_AT_MOST + 1}"
    try:
        ids = [row[0] for row in db.execute(sql, {**params, "looked_up": looked_up})]
    except sqlite3.DatabaseError:
        return None
    return ids if len(ids) <= INDEXED_MATCHES_AT_MOST else None


@dataclass(frozen=True)
class QueueOrder:
    """The prospects to show, in order, and how many wait for their calling hours.

    `complete` is False for the head of the order read for the first frame: then only
    `ids` is known, and `held_back` is 0. With a filter, the matches from outside `mode`'s
    view follow those inside it, by name, from `elsewhere_from` on (PRODUCT 5: the filter
    searches every prospect).
    """

    ids: array[int]
    held_back: int = 0
    complete: bool = True
    mode: QueueMode = QueueMode.TODAY
    elsewhere_from: int | None = None


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
) -> QueueOrder:
    """The prospects to show, in calling order (or by name for the other modes).

    `closed_zones` are timezones outside their calling hours now: today's queue holds
    their prospects back (see `closed_timezones`) and counts them. `limit` reads only the
    first rows of the order, enough for a screen. A number in `text` without a country
    code is read as `phone_region`'s (without one, only as the digits typed). In a team's
    book, `rep`'s queue for today holds their own prospects and the pool's, less those
    another rep holds now (PRODUCT 16).
    """
    params: dict[str, str | int] = {}
    restrict = ""
    # Spaces as the queue's title shows the filter: a double space typed is one.
    text = " ".join(text.split())
    if text:
        params["matching"] = _matching_ids(db, text, phone_region)
        restrict = IN_MATCHING_IDS.for_db(db)
    if mode is QueueMode.TODAY:
        team = ""
        if rep is not None:
            params["rep"] = rep
            team = f" AND (owner IS NULL OR owner = :rep) AND id NOT IN ({HELD_BY_OTHERS})"
        order = _todays_order(db, params, restrict + team, now, closed_zones, limit)
    else:
        order = _listed_order(db, params, restrict, mode, limit)
    if not text or mode is QueueMode.ALL or (limit is not None and len(order.ids) >= limit):
        return order
    return _with_matches_elsewhere(db, order, params, restrict, limit)


def _listed_order(
    db: sqlite_utils.Database,
    params: dict[str, str | int],
    restrict: str,
    mode: QueueMode,
    limit: int | None,
) -> QueueOrder:
    """All prospects, or those in nurture, by name."""
    nurture = " AND nurture = 1" if mode is QueueMode.NURTURE else ""
    by_name = BY_NAME.for_db(db)
    sql = f"SELECT id FROM prospects WHERE true{nurture}{restrict} ORDER BY {by_name}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    ids = array("q", (row[0] for row in db.execute(sql, params)))
    return QueueOrder(ids, complete=limit is None, mode=mode)


def _todays_order(
    db: sqlite_utils.Database,
    params: dict[str, str | int],
    restrict: str,
    now: datetime,
    closed_zones: Collection[str],
    limit: int | None,
) -> QueueOrder:
    """Today's queue, bucket after bucket."""
    params.update(
        now=to_stored(now),
        end_of_day=to_stored(end_of_day(now)),
        closed=json.dumps(sorted(closed_zones)),
    )
    # The zone is in the bucket indexes, so holding back stays an index-only scan.
    open_now = IN_OPEN_ZONE.for_db(db)
    ids: array[int] = array("q")
    for bucket in BUCKETS:
        where, order_by = bucket.split(" ORDER BY ")
        sql = f"SELECT id FROM prospects WHERE {where}{open_now}{restrict} ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit) - len(ids)}"
        ids.extend(row[0] for row in db.execute(sql, params))
        if limit is not None and len(ids) >= limit:
            break
    if limit is not None:
        return QueueOrder(ids, complete=False)
    return QueueOrder(ids, _count_held_back(db, params, restrict) if closed_zones else 0)


def _with_matches_elsewhere(
    db: sqlite_utils.Database,
    order: QueueOrder,
    params: dict[str, str | int],
    restrict: str,
    limit: int | None,
) -> QueueOrder:
    """The order followed by the filter's other matches, by name: read among the ids the
    filter already found (by primary key), not by a pass over every prospect, so a filter
    costs about the same in every view."""
    shown = set(order.ids)
    sql = f"SELECT id FROM prospects WHERE true{restrict} ORDER BY {BY_NAME.for_db(db)}"
    if limit is not None:
        # Enough to fill the head even when every row shown comes first by name.
        sql += f" LIMIT {int(limit)}"
    elsewhere = [row[0] for row in db.execute(sql, params) if row[0] not in shown]
    ids = array("q", order.ids)
    ids.extend(elsewhere if limit is None else elsewhere[: limit - len(ids)])
    return replace(order, ids=ids, elsewhere_from=len(order.ids))


def _count_held_back(db: sqlite_utils.Database, params: dict[str, str | int], restrict: str) -> int:
    """Today's queue prospects whose zone is outside its calling hours now."""
    closed = IN_CLOSED_ZONE.for_db(db)
    return sum(
        db.execute(
            f"SELECT count(*) FROM prospects WHERE {where}{closed}{restrict}", params
        ).fetchone()[0]
        for where in (DUE_TODAY, NEVER_CALLED)
    )


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
) -> QueueOrder:
    """The queue as the app shows it: today's holds back the prospects whose zone is
    outside its calling hours now (and, in a team's book, is `rep`'s)."""
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
    )


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
            rows[prospect_id] = replace(row, other_rep=other)
    return rows
