"""Forgetting a prospect on request (GDPR article 17, CCPA): every row about the person
goes, their deals stay as anonymous amounts, and their email and phone go on the
suppression list so that no import brings them back.

What each table keeps:
- prospects, calls (with their undo records), notes, tasks, emails, flag_changes and
  claims: the person's rows are deleted. prospect_search and lead_marks lose theirs, and
  call_days their calls, through the triggers that keep them (so the activity figures
  drop the person's calls, as `funnel check` expects of them). The filter's trigram index
  (schema_v9) marks their text deleted the same way, and is then merged into one piece
  without it: until then the pieces of their text stay in the index's older pages.
- deals: kept with no prospect and no call, with the method and lead source they
  counted under, so the quota history (won, attainment, pace, the report) is unchanged.
- suppressions: the hashes of the email and phone (suppression.py).

Then no copy is left in the file: the delete runs with `secure_delete`, and the SQLite
file is vacuumed and its write-ahead log checkpointed and truncated. On PostgreSQL the
touched tables are vacuumed; what the server keeps (its WAL, backups) is its DBA's.

What it cannot reach, the summary's second line names: the copies of the book funnel made
beside it (an upgrade's, `funnel backup`'s), a team server's own copies, and the
calendars and mailboxes the person's meetings, callbacks and emails went to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from funnel_tui.counted import counted, listed
from funnel_tui.figure_sql import method_sql, source_sql
from funnel_tui.filter_indexes import FILTER_INDEXES
from funnel_tui.prospects import get_prospect
from funnel_tui.settings import load_settings
from funnel_tui.store.book_copies import copies_beside
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.suppression import Contact, suppress

if TYPE_CHECKING:
    import sqlite_utils

# The person's rows, each table by the column that names them, in an order the foreign
# keys allow; the calls' undo records go before the calls.
PERSONAL_ROWS = (
    ("claims", "prospect_id = :id"),
    ("flag_changes", "prospect_id = :id"),
    ("emails", "prospect_id = :id"),
    ("notes", "prospect_id = :id"),
    ("tasks", "prospect_id = :id"),
    ("undo_log", "call_id IN (SELECT id FROM calls WHERE prospect_id = :id)"),
    ("calls", "prospect_id = :id"),
    ("prospects", "id = :id"),
)
# What a PostgreSQL VACUUM goes over afterwards: every table that held a row about them.
TOUCHED_TABLES = (
    *(table for table, _ in PERSONAL_ROWS),
    "deals",
    "prospect_search",
    "lead_marks",
    "call_days",
)


# How the summary names the rows removed (the undo records go with their calls, a claim
# is a lease of the moment).
REMOVED_NOUNS = {
    "calls": "call",
    "notes": "note",
    "tasks": "task",
    "emails": "email",
    "flag_changes": "flag change",
}
# Where their meetings and callbacks may still be: the calendar files written before, and
# the calendars that imported one, which the next file cancels them in (schema_v29).
CALENDARS_NOT_REACHED = (
    "calendar files written before and the calendars that imported them (the next calendar"
    " file cancels the events)"
)
# The tasks a calendar file (`funnel calendar`) carries as events.
APPOINTMENTS_SQL = (
    "SELECT count(*) FROM tasks WHERE prospect_id = :id AND kind IN ('meeting', 'callback')"
)


# Where other prospects' rows may name them in free text: a note "referred by Freya
# Campbell", a call's note, an email sent to someone else. The text is the rep's to edit.
# Not ordered in SQL: SQLite then merges the three in prospect order, reading each table
# through its prospect index, a row at a time (4.2 s at a million calls, against 0.2 s
# for the three scans).
MENTIONS_SQL = """
SELECT prospect_id FROM notes
WHERE prospect_id != :id AND ({body})
UNION SELECT prospect_id FROM calls WHERE prospect_id != :id AND ({notes})
UNION SELECT prospect_id FROM emails WHERE prospect_id != :id AND ({subject} OR {body})
LIMIT :most
"""
# The most other prospects named by id where they are mentioned; more are counted.
MENTIONS_NAMED = 20


class UnknownProspect(Exception):
    """No prospect has the id; str() is one line."""


@dataclass(frozen=True)
class Forgotten:
    """What forgetting removed and kept."""

    prospect_id: int
    removed: dict[str, int]
    deals_kept: int
    suppressed: int
    # Why the file may still hold a copy (another program keeps it open), else None.
    leftover: str | None = None
    # Their meetings and callbacks, which a calendar file may have carried elsewhere.
    appointments: int = 0
    # A team's book: what its server keeps is its DBA's.
    on_server: bool = False
    # The names of the copies of the book funnel made beside it, there now.
    copies: tuple[str, ...] = ()
    # Other prospects whose notes, calls' notes or emails hold their name or email, by id
    # (up to MENTIONS_NAMED, and one more to tell there are more): free text forget
    # leaves to the rep.
    mentioned_by: tuple[int, ...] = ()

    def summary(self) -> str:
        """One line for the command line and the app (no name: it may be logged)."""
        removed = ", ".join(
            counted(count, noun)
            for table, noun in REMOVED_NOUNS.items()
            if (count := self.removed.get(table, 0))
        )
        line = f"Forgot prospect {self.prospect_id}"
        line += f": removed {removed}" if removed else ""
        if self.deals_kept:
            amounts = "an anonymous amount" if self.deals_kept == 1 else "anonymous amounts"
            line += f"; kept {counted(self.deals_kept, 'deal')} as {amounts}"
        line += f"; {counted(self.suppressed, 'contact')} added to the suppression list"
        if self.leftover:
            line += f"; {self.leftover}"
        return line

    def not_reached(self, names_shown: int | None = None) -> str | None:
        """What forgetting could not reach, as a line after the summary (no name either),
        naming up to `names_shown` of the copies (all by default); None when nothing."""
        parts = []
        if self.copies:
            parts.append(self._copies_said(names_shown))
        if self.on_server:
            parts.append("the server's write-ahead log and backups (its DBA's)")
        elsewhere = [
            what
            for what, count in (
                (CALENDARS_NOT_REACHED, self.appointments),
                ("emails sent", self.removed.get("emails", 0)),
            )
            if count
        ]
        if elsewhere:
            parts.append(listed(elsewhere))
        if self.mentioned_by:
            parts.append(self._mentions_said())
        return f"Not reached: {'; '.join(parts)}" if parts else None

    def _mentions_said(self) -> str:
        named = self.mentioned_by[:MENTIONS_NAMED]
        more = len(self.mentioned_by) > len(named)
        ids = [str(prospect_id) for prospect_id in named] + (["more"] if more else [])
        others = counted(len(named), "other prospect")
        return (
            f"their name or email in the notes or emails of {'at least ' if more else ''}"
            f"{others} (id {listed(ids)}: edit them by hand)"
        )

    def _copies_said(self, names_shown: int | None) -> str:
        names = list(self.copies[:names_shown])
        if more := len(self.copies) - len(names):
            names.append(f"{more:,} more")
        them = "it" if len(self.copies) == 1 else "them"
        return (
            f"{counted(len(self.copies), 'copy', 'copies')} of the book beside it,"
            f" {listed(names)} (delete {them}, or forget them there too)"
        )


def _deal_names_sql(dialect: Dialect) -> str:
    """Each of the prospect's deals with the method and source it counts under (as the
    report names them), to keep on the deal once the prospect is gone."""
    return f"""
SELECT d.id, {method_sql(dialect)}, {source_sql(dialect)}
FROM deals d JOIN prospects p ON p.id = d.prospect_id LEFT JOIN calls c ON c.id = d.call_id
WHERE d.prospect_id = :id
"""


def _erase(db: sqlite_utils.Database, prospect_id: int) -> Forgotten:
    """The deletes, the anonymous deals and the suppression, in one transaction."""
    region = load_settings(db).phone_region
    with write_transaction(db):
        prospect = get_prospect(db, prospect_id)
        if prospect is None:
            raise UnknownProspect(f"no prospect with id {prospect_id}")
        params = {"id": prospect_id}
        deals = db.execute(_deal_names_sql(dialect_of(db)), params).fetchall()
        for deal_id, method, source in deals:
            db.execute(
                "UPDATE deals SET prospect_id = NULL, call_id = NULL, forgotten_method = ?,"
                " forgotten_source = ? WHERE id = ?",
                [method, source, deal_id],
            )
        mentioned_by = _mentioned_by(db, prospect)
        suppressed = suppress(db, Contact(prospect["email"], prospect["phone"]), region)
        (appointments,) = db.execute(APPOINTMENTS_SQL, params).fetchone()
        removed = {
            table: db.execute(f"DELETE FROM {table} WHERE {where}", params).rowcount
            for table, where in PERSONAL_ROWS
        }
        on_server = dialect_of(db) is Dialect.POSTGRESQL
        if not on_server:
            for index in FILTER_INDEXES:
                db.execute(index.optimize)
    return Forgotten(
        prospect_id,
        removed,
        deals_kept=len(deals),
        suppressed=suppressed,
        appointments=appointments,
        on_server=on_server,
        mentioned_by=mentioned_by,
    )


def _mentioned_by(db: sqlite_utils.Database, prospect: Mapping[str, Any]) -> tuple[int, ...]:
    """The other prospects whose free text names this one: their whole name (of two words
    or more: one word alone is anyone's) or their email, in any case."""
    wanted = []
    name = " ".join(str(prospect["name"] or "").split())
    if len(name.split()) >= 2:
        wanted.append(name)
    email = str(prospect["email"] or "").strip()
    if "@" in email:
        wanted.append(email)
    if not wanted:
        return ()
    params: dict[str, Any] = {"id": prospect["id"], "most": MENTIONS_NAMED + 1}
    params.update({f"said{n}": f"%{_like_escaped(text.lower())}%" for n, text in enumerate(wanted)})

    # SQLite's LIKE ignores the case of ASCII letters (its lower() folds no others).
    like = "ILIKE" if dialect_of(db) is Dialect.POSTGRESQL else "LIKE"

    def mentions(column: str) -> str:
        return " OR ".join(f"{column} {like} :said{n} ESCAPE '\\'" for n in range(len(wanted)))

    sql = MENTIONS_SQL.format(
        body=mentions("body"), notes=mentions("notes"), subject=mentions("subject")
    )
    return tuple(sorted(int(row[0]) for row in db.execute(sql, params).fetchall()))


def _like_escaped(text: str) -> str:
    """`text` for a LIKE pattern: its `%`, `_` and backslashes match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def forget_prospect(db: sqlite_utils.Database, prospect_id: int) -> Forgotten:
    """Forget the prospect and leave no copy in the book; UnknownProspect for an id no
    prospect has."""
    return scrub_book(db, erase_prospect(db, prospect_id))


def erase_prospect(db: sqlite_utils.Database, prospect_id: int) -> Forgotten:
    """forget_prospect's first step, committed when it returns: the prospect's rows
    deleted (over zeros, in a file), their deals kept anonymous, their contacts
    suppressed. What is left of them is in the book's free space until scrub_book."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        return _erase(db, prospect_id)
    conn = db.conn
    (secure,) = conn.execute("PRAGMA secure_delete").fetchone()
    conn.execute("PRAGMA secure_delete = ON")
    try:
        return _erase(db, prospect_id)
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(secure)}")


def scrub_book(db: sqlite_utils.Database, forgotten: Forgotten) -> Forgotten:
    """forget_prospect's second step: no copy left in the book's free space (older
    versions of the rows, written before the delete). A file is rebuilt whole, which at
    1,000,000 prospects takes most of a minute, and no other write is made meanwhile."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        # Outside any transaction (the connection is in autocommit): VACUUM runs in none.
        db.execute(f"VACUUM {', '.join(TOUCHED_TABLES)}")
        return forgotten
    return replace(forgotten, leftover=_scrub_file(db.conn))


def with_copies_beside(forgotten: Forgotten, storage: Any) -> Forgotten:
    """What was done, with the copies of the book's file funnel made beside it, there now:
    forgetting did not reach them (a team's server keeps its own, said as `on_server`)."""
    if storage.dialect is not Dialect.SQLITE:
        return forgotten
    copies = copies_beside(storage.path)
    return replace(forgotten, copies=tuple(copy.name for copy in copies))


def not_compacted(error: object) -> str:
    """Why the book may still hold a copy when rebuilding the file failed."""
    return (
        f"the file was not compacted ({error}): run VACUUM on it once no other program has it open"
    )


def _scrub_file(conn: sqlite3.Connection) -> str | None:
    """Rebuild the file without its free pages and empty the write-ahead log; why a copy
    may remain, or None."""
    try:
        conn.execute("VACUUM")
    except sqlite3.OperationalError as error:
        return not_compacted(error)
    busy, *_ = _checkpoint(conn)
    if busy:
        return (
            "another program has the file open, so its write-ahead log keeps old pages until"
            " it closes"
        )
    return None


def _checkpoint(conn: sqlite3.Connection) -> tuple[Any, ...]:
    return tuple(conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
