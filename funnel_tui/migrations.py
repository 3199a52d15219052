"""Ordered schema migrations, keyed by `PRAGMA user_version`.

Migration N (1-based) takes a file at version N-1 to version N. Never edit a
migration that has shipped; add a new one at the end.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from funnel_tui import (
    schema_v3,
    schema_v4,
    schema_v5,
    schema_v6,
    schema_v7,
    schema_v8,
    schema_v9,
    schema_v11,
    schema_v16,
    schema_v18,
    schema_v20,
    schema_v21,
    schema_v22,
    schema_v23,
    schema_v24,
    schema_v25,
    schema_v26,
    schema_v27,
    schema_v28,
    schema_v29,
)
from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    PERIOD_KINDS,
    Kind,
    Outcome,
    Stage,
    sql_list,
)
from funnel_tui.filter_indexes import FILTER_INDEXES
from funnel_tui.phones import Phone, international_phone
from funnel_tui.schema_v4 import method_name_sql, source_name_sql
from funnel_tui.store.by_id import in_id_order

NOW_UTC = "(strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))"

SCHEMA_V1 = f"""
CREATE TABLE prospects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT,
    company TEXT,
    phone TEXT,
    email TEXT,
    timezone TEXT,
    kind TEXT NOT NULL DEFAULT 'new' CHECK (kind IN ({sql_list(Kind)})),
    stage TEXT NOT NULL DEFAULT 'lead' CHECK (stage IN ({sql_list(Stage)})),
    method TEXT NOT NULL DEFAULT 'solution',
    needs TEXT,
    pain_points TEXT,
    objections TEXT,
    goals TEXT,
    deal_value_cents INTEGER,
    source TEXT,
    priority INTEGER NOT NULL DEFAULT 1,
    next_call_at TEXT,
    do_not_call INTEGER NOT NULL DEFAULT 0 CHECK (do_not_call IN (0, 1)),
    wrong_number INTEGER NOT NULL DEFAULT 0 CHECK (wrong_number IN (0, 1)),
    nurture INTEGER NOT NULL DEFAULT 0 CHECK (nurture IN (0, 1)),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_called_at TEXT,
    last_outcome TEXT,
    created_at TEXT NOT NULL DEFAULT {NOW_UTC},
    updated_at TEXT NOT NULL DEFAULT {NOW_UTC}
);

CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL DEFAULT {NOW_UTC},
    duration_s INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL CHECK (outcome IN ({sql_list(Outcome)})),
    method TEXT,
    notes TEXT,
    follow_up_at TEXT
);

CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,
    amount_cents INTEGER NOT NULL,
    closed_on TEXT NOT NULL
);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL DEFAULT 'month' CHECK (period IN ({sql_list(PERIOD_KINDS)})),
    -- A target added with no dates covers the current calendar month (the default period).
    starts_on TEXT NOT NULL DEFAULT (date('now', 'start of month')),
    ends_on TEXT NOT NULL DEFAULT (date('now', 'start of month', '+1 month', '-1 day')),
    amount_cents INTEGER NOT NULL DEFAULT 0,
    calls_per_day INTEGER,
    UNIQUE (period, starts_on)
);

CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT {NOW_UTC},
    body TEXT NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per logged call: the prospect as it was before the call, so that undo
-- restores it exactly, also after a restart.
CREATE TABLE undo_log (
    call_id INTEGER PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
    prospect_before TEXT NOT NULL,
    logged_at TEXT NOT NULL DEFAULT {NOW_UTC}
);

-- Queue buckets (PRODUCT section 5), each read in order straight off an index that
-- covers every column the bucket's query names, so no table row is read.
CREATE INDEX prospects_due ON prospects (
    next_call_at, id, timezone, stage, do_not_call, wrong_number)
    WHERE next_call_at IS NOT NULL AND do_not_call = 0 AND wrong_number = 0 AND stage != 'lost';
CREATE INDEX prospects_never_called ON prospects (
    priority DESC, created_at, id, timezone, next_call_at, last_called_at, stage,
    do_not_call, wrong_number)
    WHERE next_call_at IS NULL AND last_called_at IS NULL
      AND do_not_call = 0 AND wrong_number = 0 AND stage NOT IN ('lost', 'won');
CREATE INDEX prospects_name ON prospects (name COLLATE NOCASE, id);
CREATE INDEX prospects_timezone ON prospects (timezone) WHERE timezone IS NOT NULL;
CREATE INDEX prospects_nurture ON prospects (name COLLATE NOCASE, id) WHERE nurture = 1;
CREATE INDEX prospects_email ON prospects (email COLLATE NOCASE);
CREATE INDEX prospects_phone ON prospects (phone);
CREATE INDEX calls_prospect ON calls (prospect_id, started_at);
CREATE INDEX calls_started ON calls (started_at);
CREATE INDEX deals_closed ON deals (closed_on);
CREATE INDEX deals_prospect ON deals (prospect_id);
CREATE INDEX deals_call ON deals (call_id);
CREATE INDEX notes_prospect ON notes (prospect_id, created_at);

-- The queue reads these denormalised columns; triggers keep them right even for
-- calls that other tools insert or delete.
CREATE TRIGGER calls_after_insert AFTER INSERT ON calls BEGIN
    UPDATE prospects SET
        last_called_at = NEW.started_at,
        last_outcome = NEW.outcome,
        attempts = CASE WHEN NEW.outcome IN ({sql_list(CONNECT_OUTCOMES)})
                        THEN 0 ELSE attempts + 1 END
    WHERE id = NEW.prospect_id
      AND (last_called_at IS NULL OR last_called_at <= NEW.started_at);
END;

CREATE TRIGGER calls_after_delete AFTER DELETE ON calls BEGIN
    UPDATE prospects SET
        last_called_at = (SELECT max(started_at) FROM calls WHERE prospect_id = OLD.prospect_id),
        last_outcome = (SELECT outcome FROM calls WHERE prospect_id = OLD.prospect_id
                        ORDER BY started_at DESC, id DESC LIMIT 1)
    WHERE id = OLD.prospect_id;
END;

-- Stamps updated_at unless the update set it; the second condition stops the trigger
-- re-firing itself when a tool turns recursive_triggers on (sqlite-utils does).
CREATE TRIGGER prospects_touch AFTER UPDATE ON prospects
WHEN NEW.updated_at IS OLD.updated_at AND OLD.updated_at IS NOT {NOW_UTC} BEGIN
    UPDATE prospects SET updated_at = {NOW_UTC} WHERE id = NEW.id;
END;
"""


def _v1(conn: sqlite3.Connection) -> None:
    for statement in split_statements(SCHEMA_V1):
        conn.execute(statement)


@cache
def split_statements(script: str) -> tuple[str, ...]:
    """Split a schema script into complete statements (triggers hold inner semicolons).

    Cached: the lists of triggers and tables below read the same scripts again, and each
    reading (SQLite's `complete_statement` at every line ending in `;`) costs start-up.
    """
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        # A statement can only end on a line that ends with a semicolon: the check,
        # which reads the whole buffer, is made only there.
        if line.rstrip().endswith(";") and sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return tuple(statements)


# A list of quoted words, as sql_list writes one: `IN ('won', 'meeting')`.
_WORD_LIST = re.compile(r"\(('[a-z_]+'(?:, '[a-z_]+')+)\)")


def normalised_sql(sql: str) -> str:
    """A statement with its spacing, final semicolon and the order of its lists of words
    left out, for comparing: calls_after_insert lists the connect outcomes in whichever
    order a set of them came out in when the file was made."""
    spaced = " ".join(sql.rstrip().rstrip(";").split())
    return _WORD_LIST.sub(lambda words: f"({', '.join(sorted(words[1].split(', ')))})", spaced)


# --- v2: call_days, the calls of each UTC day counted by method and source --------------
#
# The report's breakdowns read these counts instead of every call of the period. A call
# is counted under the names the report shows for it: its own method (else its
# prospect's) and its prospect's current source, so changing a prospect moves its calls.

_CONNECTS = sql_list(sorted(CONNECT_OUTCOMES))


CALL_DAYS_FROM_CALLS = f"""
SELECT substr(c.started_at, 1, 10) AS day, {method_name_sql("c", "p")} AS method,
    {source_name_sql("p")} AS source, count(*) AS calls,
    sum(c.outcome IN ({_CONNECTS})) AS connects,
    sum(c.outcome = '{Outcome.MEETING}') AS meetings,
    sum(c.outcome = '{Outcome.WON}') AS won
FROM calls c JOIN prospects p ON p.id = c.prospect_id
GROUP BY 1, 2, 3
"""


def _add_to_call_days(select: str) -> str:
    """An upsert adding the counts `select` yields to call_days (negative ones subtract).

    `select` needs a WHERE clause: without one, SQLite reads ON CONFLICT as a join's ON.
    """
    return f"""INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
    {select}
    ON CONFLICT (day, method, source) DO UPDATE SET
        calls = calls + excluded.calls,
        connects = connects + excluded.connects,
        meetings = meetings + excluded.meetings,
        won = won + excluded.won;"""


def _count_call(row: str, sign: str) -> str:
    """Add (sign "") or take away (sign "-") the one call `row` (NEW or OLD).

    A call whose prospect is missing counts nowhere, as in a join: during a cascading
    delete the prospect is already gone, and its BEFORE DELETE trigger took its calls away.
    """
    return _add_to_call_days(
        f"""SELECT substr({row}.started_at, 1, 10), {method_name_sql(row, "p")},
        {source_name_sql("p")}, {sign}1, {sign}({row}.outcome IN ({_CONNECTS})),
        {sign}({row}.outcome = '{Outcome.MEETING}'), {sign}({row}.outcome = '{Outcome.WON}')
    FROM prospects p WHERE p.id = {row}.prospect_id"""
    )


def _count_prospect_calls(row: str, sign: str) -> str:
    """Add or take away every call of the prospect `row` (NEW or OLD), named by that row."""
    return _add_to_call_days(
        f"""SELECT substr(c.started_at, 1, 10), {method_name_sql("c", row)},
        {source_name_sql(row)}, {sign}count(*), {sign}sum(c.outcome IN ({_CONNECTS})),
        {sign}sum(c.outcome = '{Outcome.MEETING}'), {sign}sum(c.outcome = '{Outcome.WON}')
    FROM calls c WHERE c.prospect_id = {row}.id
    GROUP BY 1, 2"""
    )


_DROP_EMPTY_DAY_OF_CALL = (
    "DELETE FROM call_days WHERE day = substr(OLD.started_at, 1, 10) AND calls = 0;"
)
_DROP_EMPTY_DAYS_OF_PROSPECT = """DELETE FROM call_days WHERE calls = 0
        AND day IN (SELECT substr(started_at, 1, 10) FROM calls WHERE prospect_id = OLD.id);"""

SCHEMA_V2 = f"""
CREATE TABLE call_days (
    day TEXT NOT NULL,
    method TEXT NOT NULL,
    source TEXT NOT NULL,
    calls INTEGER NOT NULL DEFAULT 0,
    connects INTEGER NOT NULL DEFAULT 0,
    meetings INTEGER NOT NULL DEFAULT 0,
    won INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, method, source)
) WITHOUT ROWID;

INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
{CALL_DAYS_FROM_CALLS};

-- The triggers touch call_days only, which has none, so they never fire each other
-- whether or not recursive_triggers is on.
CREATE TRIGGER call_days_after_call_insert AFTER INSERT ON calls BEGIN
    {_count_call("NEW", "")}
END;

CREATE TRIGGER call_days_after_call_delete AFTER DELETE ON calls BEGIN
    {_count_call("OLD", "-")}
    {_DROP_EMPTY_DAY_OF_CALL}
END;

CREATE TRIGGER call_days_after_call_update
AFTER UPDATE OF started_at, outcome, method, prospect_id ON calls
WHEN OLD.started_at IS NOT NEW.started_at OR OLD.outcome IS NOT NEW.outcome
  OR OLD.method IS NOT NEW.method OR OLD.prospect_id IS NOT NEW.prospect_id BEGIN
    {_count_call("OLD", "-")}
    {_count_call("NEW", "")}
    {_DROP_EMPTY_DAY_OF_CALL}
END;

-- Calls can only be waiting for their prospect when foreign keys were off.
CREATE TRIGGER call_days_after_prospect_insert AFTER INSERT ON prospects BEGIN
    {_count_prospect_calls("NEW", "")}
END;

CREATE TRIGGER call_days_after_prospect_update AFTER UPDATE OF id, method, source ON prospects
WHEN OLD.id IS NOT NEW.id OR OLD.method IS NOT NEW.method OR OLD.source IS NOT NEW.source BEGIN
    {_count_prospect_calls("OLD", "-")}
    {_count_prospect_calls("NEW", "")}
    {_DROP_EMPTY_DAYS_OF_PROSPECT}
END;

-- BEFORE: by the time a cascade deletes the calls, their prospect is gone.
CREATE TRIGGER call_days_before_prospect_delete BEFORE DELETE ON prospects BEGIN
    {_count_prospect_calls("OLD", "-")}
    {_DROP_EMPTY_DAYS_OF_PROSPECT}
END;
"""


# --- v2: prospect_search, the text the queue filter matches, one narrow row a prospect ---
#
# The filter matches name, company, email and phone anywhere in the text, which no index
# serves, so it reads every prospect. One LIKE over a short row here takes a third of the
# time of four over the wide prospects rows. The phone is also kept as its digits alone,
# so typed digits match "+1 (205) 555-0702".

PHONE_SEPARATORS = (" ", "-", "(", ")", "+", ".", "/")
_SEARCHED_COLUMNS = ("name", "company", "email", "phone")


def _phone_digits(phone: str) -> str:
    digits = f"coalesce({phone}, '')"
    for separator in PHONE_SEPARATORS:
        digits = f"replace({digits}, '{separator}', '')"
    return digits


def _search_text(row: str) -> str:
    # One field a line: a filter, typed on one line, never matches across two fields.
    return " || char(10) || ".join(f"coalesce({row}.{column}, '')" for column in _SEARCHED_COLUMNS)


PROSPECT_SEARCH_FROM_PROSPECTS = f"""
SELECT p.id, {_search_text("p")}, {_phone_digits("p.phone")} FROM prospects p
"""

_INDEX_PROSPECT = f"""INSERT OR REPLACE INTO prospect_search (id, search_text, phone_digits)
    VALUES (NEW.id, {_search_text("NEW")}, {_phone_digits("NEW.phone")});"""

SCHEMA_V2_SEARCH = f"""
CREATE TABLE prospect_search (
    id INTEGER PRIMARY KEY,
    search_text TEXT NOT NULL,
    phone_digits TEXT NOT NULL
);

INSERT INTO prospect_search (id, search_text, phone_digits) {PROSPECT_SEARCH_FROM_PROSPECTS};

CREATE TRIGGER prospect_search_after_insert AFTER INSERT ON prospects BEGIN
    {_INDEX_PROSPECT}
END;

CREATE TRIGGER prospect_search_after_update
AFTER UPDATE OF id, name, company, email, phone ON prospects BEGIN
    DELETE FROM prospect_search WHERE id = OLD.id;
    {_INDEX_PROSPECT}
END;

CREATE TRIGGER prospect_search_after_delete AFTER DELETE ON prospects BEGIN
    DELETE FROM prospect_search WHERE id = OLD.id;
END;
"""


def _v2(conn: sqlite3.Connection) -> None:
    for statement in split_statements(SCHEMA_V2 + SCHEMA_V2_SEARCH):
        conn.execute(statement)


# The queue's bucket indexes of v1, which v3 replaces.
_V1_QUEUE_INDEXES = ("prospects_due", "prospects_never_called")


def _statements(kind: str, *schemas: str) -> list[str]:
    """The `CREATE {kind}` statements of schema scripts (kind TABLE, INDEX or TRIGGER),
    each script split on its own (and once)."""
    return [
        s for schema in schemas for s in split_statements(schema) if s.startswith(f"CREATE {kind} ")
    ]


# The indexes and triggers of v2's own schema: any other on prospects or calls is
# another tool's (a user's index for their own queries, an audit trigger).
_V2_OWN_NAMES = frozenset(
    statement.split()[2]
    for schema in (SCHEMA_V1, SCHEMA_V2, SCHEMA_V2_SEARCH)
    for statement in split_statements(schema)
    if statement.startswith(("CREATE INDEX ", "CREATE TRIGGER "))
)


def _v3(conn: sqlite3.Connection) -> None:
    """Build prospects and calls again with v3's stages, outcomes and columns, add tasks,
    and put back every index and trigger, funnel's and other tools' (the file's foreign
    keys are off meanwhile: storage.migrate)."""
    entries = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
        " AND tbl_name IN ('prospects', 'calls') AND sql IS NOT NULL"
    ).fetchall()
    # Dropping the old tables drops their indexes; the triggers go first so that none
    # fires while the rows are copied and corrected.
    others = [sql for _, name, sql in entries if name not in _V2_OWN_NAMES]
    for kind, name, _ in entries:
        if kind == "trigger":
            conn.execute(f'DROP TRIGGER "{name}"')
    # The old table steps aside under another name; in legacy mode the rename leaves the
    # other tables' REFERENCES naming the table, so they point at the new one.
    conn.execute("PRAGMA legacy_alter_table = ON")
    for table, create, columns in (
        ("prospects", schema_v3.PROSPECTS_V3, schema_v3.PROSPECT_COLUMNS_V2),
        ("calls", schema_v3.CALLS_V3, schema_v3.CALL_COLUMNS_V2),
    ):
        conn.execute(f"ALTER TABLE {table} RENAME TO {table}_v2")
        conn.execute(create)
        conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}_v2")
        conn.execute(f"DROP TABLE {table}_v2")
    conn.execute("PRAGMA legacy_alter_table = OFF")
    for statement in split_statements(schema_v3.SCHEMA_V3_TABLES):
        conn.execute(statement)
    v1_indexes = [
        statement
        for statement in _statements("INDEX", SCHEMA_V1)
        if statement.split()[4] in ("prospects", "calls")
        and statement.split()[2] not in _V1_QUEUE_INDEXES
    ]
    for statement in v1_indexes + _statements("INDEX", schema_v3.SCHEMA_V3_INDEXES):
        conn.execute(statement)
    conn.execute(schema_v3.SEED_TASKS)
    # The connects of v3 include do_not_call and its attempts only the cadence's outcomes
    # (a busy line once a day), and the tasks made above set next_task_kind. All before
    # the triggers are back: prospects_touch would stamp every row it wrote as changed
    # now by the rep.
    for statement in (
        *schema_v3.V3_CORRECTIONS,
        RECOMPUTE_LAST_CALL,
        schema_v3.RECOMPUTE_NEXT_TASK,
        *_rebuild(CALL_DAYS_V2),
    ):
        conn.execute(statement)
    for statement in (*_V3_TRIGGERS.values(), *others):
        conn.execute(statement)


def _v4(conn: sqlite3.Connection) -> None:
    """call_days again with more counts, and lead_marks, each filled from the calls."""
    for name in CALL_DAYS_V2.triggers:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    conn.execute("DROP TABLE call_days")
    for statement in (
        schema_v4.CALL_DAYS_TABLE,
        *_rebuild(CALL_DAYS),
        schema_v4.LEAD_MARKS_TABLE,
        *_rebuild(LEAD_MARKS_V4),
        *split_statements(schema_v4.LEAD_MARKS_INDEXES),
        *split_statements(schema_v4.SCHEMA_V4_TRIGGERS),
    ):
        conn.execute(statement)


def _v5(conn: sqlite3.Connection) -> None:
    """emails, a mark on a timezone guessed from the phone number, the book's name,
    tasks.sequence and calls.request_id; every stored number in E.164 where phonenumbers
    reads it, and the zone it tells for a prospect without one."""
    for statement in (
        schema_v5.EMAILS_TABLE,
        *split_statements(schema_v5.EMAILS_INDEXES),
        schema_v5.TIMEZONE_GUESSED_COLUMN,
        schema_v5.BOOK_TABLE,
        schema_v5.BOOK_ROW,
        schema_v5.TASKS_SEQUENCE_COLUMN,
        *split_statements(schema_v5.SCHEMA_V5_TRIGGERS),
        schema_v5.CALLS_REQUEST_ID_COLUMN,
        schema_v5.CALLS_REQUEST_ID_INDEX,
    ):
        conn.execute(statement)
    # v4 files were written with two versions of lead_marks' triggers, which keep the
    # same rows (the later one reads a start in its stored form without checking it
    # again); each file gets the latest, so `funnel check` finds funnel's own.
    v4_triggers = _triggers(schema_v4.LEAD_MARKS_TRIGGERS)
    for name in LEAD_MARKS_V4.triggers:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        conn.execute(v4_triggers[name])
    # v4 had no phone_region: a number in national form (`06 12 34 56 78`) is left as it
    # is rather than read as the country of the machine's locale; it is read with the
    # current phone_region when used, and `funnel check --repair` stores it in E.164.
    store_phones_in_e164(conn, international_phone, guess_all=True)


def store_phones_in_e164(
    conn: sqlite3.Connection, read: Callable[[str], Phone | None], *, guess_all: bool
) -> int:
    """Store in E.164 every prospect's number `read` reads, and guess the zone of those
    without one (every readable number with `guess_all`, else only the rewritten ones),
    without stamping updated_at; returns how many numbers were rewritten. The numbers are
    read and written a chunk at a time: a book of a million is never held whole."""
    rewritten = 0
    # prospects_touch would stamp every prospect written here as edited now by the rep;
    # it steps aside meanwhile, and comes back as the file had it. The search rows follow
    # the new numbers through their own trigger.
    touch = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'prospects_touch'"
    ).fetchone()
    if touch:
        conn.execute('DROP TRIGGER "prospects_touch"')
    for rows in in_id_order(conn, schema_v5.STORED_PHONES):
        changes = []
        for prospect_id, phone, timezone in rows:
            number = read(phone)
            if number is None:
                continue  # left as it was: `funnel check` lists it
            changed = number.stored != phone
            guess = None if timezone or not (changed or guess_all) else number.timezone
            if changed or guess:
                changes.append((number.stored, guess, guess, prospect_id))
                rewritten += changed
        conn.executemany(schema_v5.NORMALISE_PHONE, changes)
    if touch:
        conn.execute(touch[0])
    return rewritten


def _v6(conn: sqlite3.Connection) -> None:
    """A team's columns and tables: reps, prospects.owner, claims, who made each call,
    task, note, deal and email, and targets per rep (built again for its new key)."""
    conn.execute("ALTER TABLE targets RENAME TO targets_v5")
    for statement in (
        schema_v6.REPS_TABLE,
        schema_v6.CLAIMS_TABLE,
        schema_v6.OWNER_COLUMN,
        *schema_v6.REP_COLUMNS,
        schema_v6.TARGETS_TABLE,
        f"INSERT INTO targets ({schema_v6.TARGET_COLUMNS})"
        f" SELECT {schema_v6.TARGET_COLUMNS} FROM targets_v5",
        "DROP TABLE targets_v5",
        *split_statements(schema_v6.INDEXES),
    ):
        conn.execute(statement)


# The indexes of deals as v6 left them, which v7 makes again on the table built anew.
_V6_DEAL_INDEXES = frozenset(("deals_closed", "deals_prospect", "deals_call", "deals_rep"))


def _v7(conn: sqlite3.Connection) -> None:
    """The suppression list of the people who asked to be forgotten, and deals built again
    so that a forgotten prospect's deal can stay as an anonymous amount; other tools'
    indexes and triggers on deals are put back (the file's foreign keys are off meanwhile:
    storage.migrate)."""
    others = [
        sql
        for (name, sql) in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            " AND tbl_name = 'deals' AND sql IS NOT NULL"
        ).fetchall()
        if name not in _V6_DEAL_INDEXES
    ]
    conn.execute("ALTER TABLE deals RENAME TO deals_v6")
    for statement in (
        schema_v7.DEALS_TABLE,
        f"INSERT INTO deals ({schema_v7.DEAL_COLUMNS_V6})"
        f" SELECT {schema_v7.DEAL_COLUMNS_V6} FROM deals_v6",
        "DROP TABLE deals_v6",
        *split_statements(schema_v7.DEALS_INDEXES),
        *others,
        schema_v7.SUPPRESSIONS_TABLE,
    ):
        conn.execute(statement)


def _v8(conn: sqlite3.Connection) -> None:
    """Each rep's calls counted by day, method and source, kept by triggers; and an index
    of each rep's `meeting` calls."""
    for statement in (
        schema_v8.REP_CALL_DAYS_TABLE,
        *split_statements(schema_v8.REP_CALL_DAYS_TRIGGERS),
        schema_v8.MEETING_CALLS_INDEX,
        f"INSERT INTO rep_call_days ({', '.join(schema_v8.REP_CALL_DAY_COLUMNS)})"
        f" {schema_v8.REP_CALL_DAYS_FROM_CALLS}",
    ):
        conn.execute(statement)


def _v9(conn: sqlite3.Connection) -> None:
    """A trigram index of prospect_search for the queue filter, kept by triggers."""
    for statement in (
        schema_v9.TRIGRAMS_TABLE,
        schema_v9.REBUILD_TRIGRAMS,
        *split_statements(schema_v9.TRIGRAMS_TRIGGERS),
    ):
        conn.execute(statement)


def _v10(conn: sqlite3.Connection) -> None:
    """Nothing: PostgreSQL's v10 announces a change of the settings, which a SQLite file's
    PRAGMA data_version already shows another connection on any commit."""


def _v11(conn: sqlite3.Connection) -> None:
    """A call's request id is unique per rep (coalesce(rep, '')), no longer per book."""
    conn.execute(f"DROP INDEX IF EXISTS {schema_v11.OLD_INDEX}")
    conn.execute(schema_v11.REQUEST_ID_INDEX)


def _v12(conn: sqlite3.Connection) -> None:
    """Nothing: PostgreSQL's v12 reads the last days of a month without parsing them, as a
    SQLite file's triggers and reports already do."""


def _v13(conn: sqlite3.Connection) -> None:
    """Nothing: PostgreSQL's v13 clears the reps' own settings from the team's table; a
    SQLite file is one rep's book and keeps them in its settings."""


def _v14(conn: sqlite3.Connection) -> None:
    """Nothing: PostgreSQL's v14 makes its call triggers do less for the usual call; the
    SQLite file's triggers are its own."""


def _v15(conn: sqlite3.Connection) -> None:
    """Nothing: PostgreSQL's v15 indexes calls by their moment in the stored form; a SQLite
    file's reports read a window's calls as before."""


def _v16(conn: sqlite3.Connection) -> None:
    """An index of the words of prospect_search's texts past ASCII, with accents and case
    folded, for the queue filter, kept by triggers."""
    for statement in (
        schema_v16.ACCENTED_VIEW,
        schema_v16.WORDS_TABLE,
        f"INSERT INTO {schema_v16.WORDS} ({schema_v16.WORDS}) VALUES ('rebuild')",
        *split_statements(schema_v16.WORDS_TRIGGERS),
    ):
        conn.execute(statement)


def _v17(conn: sqlite3.Connection) -> None:
    """Nothing: PostgreSQL's v17 indexes a prospect's calls by their moment in the stored
    form; a SQLite file's calls_prospect holds the text, whose days a window bounds."""


def _v18(conn: sqlite3.Connection) -> None:
    """lead_marks.only_rep, the rep who made all the prospect's calls, kept by lead_marks'
    triggers (again), and its two indexes."""
    conn.execute(schema_v18.ONLY_REP_COLUMN)
    for name in LEAD_MARKS.triggers:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        conn.execute(SCHEMA_TRIGGERS[name])
    for statement in (schema_v18.FILL_ONLY_REP, *split_statements(schema_v18.INDEXES)):
        conn.execute(statement)


def _v19(conn: sqlite3.Connection) -> None:
    """Nothing: PostgreSQL's v19 indexes the open opportunities by their expected close
    day and the deals whose day cannot be read, and makes funnel_utc restorable from a
    dump; a SQLite file reads the few rows its prospects_pipeline holds, tests a deal's
    day in deals_closed, and has no funnel_utc."""


def _v20(conn: sqlite3.Connection) -> None:
    """lead_marks' last meetings indexed by their moment (lead_marks_meetings), the calls
    whose start is in another form than funnel's (calls_other_forms), the deals whose
    closed_on cannot be read (deals_unreadable_closed), and prospects_pipeline built again
    to hold the expected close day and the owner: what a team's book has had since its
    v15 and v19 (schema_v20)."""
    for statement in schema_v20.INDEXES:
        conn.execute(statement)


def _v21(conn: sqlite3.Connection) -> None:
    """deal_days, what each day's deals won for each rep, filled from the deals and kept by
    their triggers (schema_v21)."""
    for statement in (
        *split_statements(schema_v21.TABLE),
        schema_v21.FILL,
        *split_statements(schema_v21.TRIGGERS),
    ):
        conn.execute(statement)


def _v22(conn: sqlite3.Connection) -> None:
    """lead_mark_days, the lead marks counted by the UTC day of each of their moments,
    filled from the marks and kept by their triggers (schema_v22)."""
    for statement in (
        *split_statements(schema_v22.TABLE),
        schema_v22.FILL,
        *split_statements(schema_v22.TRIGGERS),
    ):
        conn.execute(statement)


def _v23(conn: sqlite3.Connection) -> None:
    """The prospects whose email or number an import cannot look up by key, in partial
    indexes of their ids (schema_v23)."""
    for statement in split_statements(schema_v23.INDEXES.sqlite):
        conn.execute(statement)


def _v24(conn: sqlite3.Connection) -> None:
    """prospects.do_not_email, a flag whose changes flag_changes keeps (schema_v24)."""
    conn.execute(schema_v24.COLUMN)
    conn.execute(schema_v24.INDEX)
    conn.execute("DROP TRIGGER prospects_flags_changed")
    conn.execute(schema_v24.FLAGS_TRIGGER)


def _v25(conn: sqlite3.Connection) -> None:
    """AUTOINCREMENT on every table's own id: an id is never given twice (schema_v25)."""
    schema_v25.migrate(conn)


def _v26(conn: sqlite3.Connection) -> None:
    """flag_changes.phone, the number a wrong-number flag was set on, filled in for the
    prospects flagged now and kept by the flags' trigger (schema_v26)."""
    conn.execute(schema_v26.COLUMN)
    conn.execute(schema_v26.FILL)
    # Another tool that made prospects again (`sqlite-utils transform`) dropped it.
    conn.execute("DROP TRIGGER IF EXISTS prospects_flags_changed")
    conn.execute(schema_v26.FLAGS_TRIGGER)


def _v27(conn: sqlite3.Connection) -> None:
    """A lost prospect keeps no call task, which hid their revisit (schema_v27)."""
    # Only when there is one: an UPDATE of an AUTOINCREMENT table writes the table's row
    # of sqlite_sequence even when it changes no row, which a new book has not.
    if conn.execute(f"SELECT 1 FROM tasks WHERE {schema_v27.HIDDEN_CALLS} LIMIT 1").fetchone():
        conn.execute(schema_v27.CANCEL_HIDDEN_CALLS.format(now=schema_v27.SQLITE_NOW))


def _v28(conn: sqlite3.Connection) -> None:
    """Blank text written to a prospect's typed columns is no value: over a value it keeps
    the value, in a new row it is none (schema_v28). The triggers that make a next call
    written a task again, the blank values the triggers before them left repaired, and
    then the triggers that keep blank values out."""
    # Another tool that made prospects again (`sqlite-utils transform`) dropped them.
    for name, statement in _triggers(schema_v28.NEXT_CALL_TRIGGERS).items():
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        conn.execute(statement)
    blank = schema_v28.BLANK.sqlite
    # Each only when it has a row to change, as v27's (a new book has no sqlite_sequence).
    if conn.execute(
        f"SELECT 1 FROM tasks WHERE {schema_v28.blank_due_tasks(blank)} LIMIT 1"
    ).fetchone():
        conn.execute(schema_v28.give_due_times(blank, schema_v3.utc_sql, schema_v27.SQLITE_NOW))
    for repair in _BLANK_VALUE_REPAIRS:
        if conn.execute(f"SELECT 1 FROM prospects WHERE {repair.rows} LIMIT 1").fetchone():
            conn.execute(repair.statement)
    # Last: while the repairs write, they would put right each row's other blank values
    # as an edit's, where the repairs set them from the tasks and the calls.
    for statement in _statements("TRIGGER", schema_v28.EMPTY_VALUE_TRIGGERS):
        conn.execute(statement)


def _v29(conn: sqlite3.Connection) -> None:
    """calendar_cancellations, each meeting and callback deleted from the book, for the
    next calendar file to cancel (schema_v29)."""
    conn.execute(schema_v29.TABLE)
    conn.execute(schema_v29.INDEX)
    conn.execute(schema_v29.TRIGGER)
    conn.execute(schema_v29.RESTORED_TRIGGER)


# The blank values of prospects put right (schema_v28), by the upgrade to v28 and by a
# repair that puts back the triggers that keep them out.
_BLANK_VALUE_REPAIRS = schema_v28.repairs(
    schema_v28.BLANK.sqlite,
    schema_v3.earliest_open_task("prospects.id"),
    schema_v27.SQLITE_NOW,
    numbers=True,
)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1,
    _v2,
    _v3,
    _v4,
    _v5,
    _v6,
    _v7,
    _v8,
    _v9,
    _v10,
    _v11,
    _v12,
    _v13,
    _v14,
    _v15,
    _v16,
    _v17,
    _v18,
    _v19,
    _v20,
    _v21,
    _v22,
    _v23,
    _v24,
    _v25,
    _v26,
    _v27,
    _v28,
    _v29,
)


def _triggers(*schemas: str) -> dict[str, str]:
    return {statement.split()[2]: statement for statement in _statements("TRIGGER", *schemas)}


# The triggers as v3 left them, which the v3 migration puts in place.
_V3_TRIGGERS = _triggers(SCHEMA_V1, SCHEMA_V2, SCHEMA_V2_SEARCH, schema_v3.SCHEMA_V3_TRIGGERS)
# Every trigger of the latest schema, by name, as it defines them: the one list that
# `funnel check` compares a file's triggers with (v4 defines call_days' again).
SCHEMA_TRIGGERS = _triggers(
    SCHEMA_V1,
    SCHEMA_V2,
    SCHEMA_V2_SEARCH,
    schema_v3.SCHEMA_V3_TRIGGERS,
    schema_v4.CALL_DAYS_TRIGGERS,
    schema_v18.LEAD_MARKS_TRIGGERS,
    schema_v5.SCHEMA_V5_TRIGGERS,
    schema_v8.REP_CALL_DAYS_TRIGGERS,
    schema_v9.TRIGRAMS_TRIGGERS,
    schema_v16.WORDS_TRIGGERS,
    schema_v21.TRIGGERS,
    schema_v22.TRIGGERS,
    schema_v24.FLAGS_TRIGGER,
    schema_v26.FLAGS_TRIGGER,
    schema_v28.NEXT_CALL_TRIGGERS,
    schema_v28.EMPTY_VALUE_TRIGGERS,
    schema_v29.TRIGGER,
    schema_v29.RESTORED_TRIGGER,
)


@dataclass(frozen=True)
class DerivedTable:
    """A table that triggers keep in step with others: `funnel check` compares it with
    `fresh` (its rows built afresh), and `--repair` puts back its `triggers` (by name, in
    SCHEMA_TRIGGERS) and builds it again."""

    name: str
    columns: tuple[str, ...]
    fresh: str
    triggers: tuple[str, ...]


# call_days as v2 made it, which the v3 migration counts again.
CALL_DAYS_V2 = DerivedTable(
    "call_days",
    ("day", "method", "source", "calls", "connects", "meetings", "won"),
    CALL_DAYS_FROM_CALLS,
    tuple(_triggers(SCHEMA_V2)),
)
CALL_DAYS = DerivedTable(
    "call_days",
    schema_v4.CALL_DAY_COLUMNS,
    schema_v4.CALL_DAYS_FROM_CALLS,
    tuple(_triggers(schema_v4.CALL_DAYS_TRIGGERS)),
)
# lead_marks as v4 made it, which the v4 migration fills (and v5 gives its triggers).
LEAD_MARKS_V4 = DerivedTable(
    "lead_marks",
    schema_v4.LEAD_MARK_COLUMNS,
    schema_v4.LEAD_MARKS_FROM_CALLS,
    tuple(_triggers(schema_v4.LEAD_MARKS_TRIGGERS)),
)
LEAD_MARKS = DerivedTable(
    "lead_marks",
    schema_v18.LEAD_MARKS_COLUMNS,
    schema_v18.LEAD_MARKS_FROM_CALLS,
    tuple(_triggers(schema_v18.LEAD_MARKS_TRIGGERS)),
)
PROSPECT_SEARCH = DerivedTable(
    "prospect_search",
    ("id", "search_text", "phone_digits"),
    PROSPECT_SEARCH_FROM_PROSPECTS,
    tuple(_triggers(SCHEMA_V2_SEARCH)),
)
REP_CALL_DAYS = DerivedTable(
    "rep_call_days",
    schema_v8.REP_CALL_DAY_COLUMNS,
    schema_v8.REP_CALL_DAYS_FROM_CALLS,
    tuple(_triggers(schema_v8.REP_CALL_DAYS_TRIGGERS)),
)
DEAL_DAYS = DerivedTable(
    "deal_days",
    schema_v21.DEAL_DAY_COLUMNS,
    schema_v21.DEAL_DAYS_FROM_DEALS,
    tuple(_triggers(schema_v21.TRIGGERS)),
)
LEAD_MARK_DAYS = DerivedTable(
    "lead_mark_days",
    schema_v22.LEAD_MARK_DAY_COLUMNS,
    schema_v22.LEAD_MARK_DAYS_FROM_MARKS,
    tuple(_triggers(schema_v22.TRIGGERS)),
)
# lead_mark_days before lead_marks: a repair puts its triggers back first, so that they
# follow lead_marks being built again (they take out the old marks, counted afresh just
# before, and count the new ones).
DERIVED_TABLES = (
    CALL_DAYS,
    PROSPECT_SEARCH,
    LEAD_MARK_DAYS,
    LEAD_MARKS,
    REP_CALL_DAYS,
    DEAL_DAYS,
)

# A call counts as an unanswered attempt (an outcome of the cadence) when no connect comes
# at or after it (in the order calls_after_insert sees them: by started_at, then id); the
# busy signals of one local day count once.
_LAST_CALL_FROM_CALLS = f"""
SELECT p.id,
    (SELECT max(c.started_at) FROM calls c WHERE c.prospect_id = p.id) AS last_called_at,
    (SELECT c.outcome FROM calls c WHERE c.prospect_id = p.id
     ORDER BY c.started_at DESC, c.id DESC LIMIT 1) AS last_outcome,
    (SELECT count(DISTINCT CASE c.outcome WHEN 'busy' THEN date(c.started_at, 'localtime')
                                 ELSE c.id END)
        FROM calls c WHERE c.prospect_id = p.id
        AND c.outcome IN ({sql_list(sorted(CADENCE_OUTCOMES))}) AND NOT EXISTS (
        SELECT 1 FROM calls k WHERE k.prospect_id = p.id
            AND k.outcome IN ({_CONNECTS}) AND (k.started_at, k.id) >= (c.started_at, c.id)
    )) AS attempts
FROM prospects p
"""

# What calls_after_insert and calls_after_delete keep, worked out again from the calls;
# only the prospects whose columns differ are written (and so stamped).
RECOMPUTE_LAST_CALL = f"""
WITH fresh AS ({_LAST_CALL_FROM_CALLS})
UPDATE prospects SET last_called_at = fresh.last_called_at,
    last_outcome = fresh.last_outcome, attempts = fresh.attempts
FROM fresh
WHERE fresh.id = prospects.id AND (prospects.last_called_at IS NOT fresh.last_called_at
    OR prospects.last_outcome IS NOT fresh.last_outcome
    OR prospects.attempts IS NOT fresh.attempts)
"""

# The prospects whose last call is not their calls' last: a row written again by another
# tool (`sqlite-utils insert --replace` deletes it and inserts it anew, without its
# columns the triggers keep). One look at each prospect's newest call, by calls_prospect.
LAST_CALL_DRIFT = """
SELECT count(*), min(p.id) FROM prospects p
WHERE p.last_called_at IS NOT (SELECT max(c.started_at) FROM calls c WHERE c.prospect_id = p.id)
   OR p.last_outcome IS NOT (SELECT c.outcome FROM calls c WHERE c.prospect_id = p.id
                             ORDER BY c.started_at DESC, c.id DESC LIMIT 1)
"""


@dataclass(frozen=True)
class TriggerGroup:
    """Some of funnel's triggers (by name, from SCHEMA_TRIGGERS) and what they keep right:
    `funnel check` lists the ones missing or changed, and `--repair` puts funnel's back
    and then runs `recompute`, which works out again what they kept (every time when
    `recompute_always`: check also compares what they keep, which may drift otherwise;
    else when `drift`, a query of how many rows differ and the first, finds any)."""

    keeps: str
    names: tuple[str, ...]
    recompute: tuple[str, ...] = ()
    recompute_always: bool = False
    drift: str | None = None

    @property
    def triggers(self) -> dict[str, str]:
        return {name: SCHEMA_TRIGGERS[name] for name in self.names}


def _rebuild(table: DerivedTable) -> tuple[str, ...]:
    return (
        f"DELETE FROM {table.name}",
        f"INSERT INTO {table.name} ({', '.join(table.columns)}) {table.fresh}",
    )


# Every trigger of SCHEMA_TRIGGERS belongs to exactly one group (a test makes sure).
TRIGGER_GROUPS = (
    # Before prospect_search is built again: their triggers then take the old text out of
    # each index just rebuilt from it, and put the new in.
    *(
        TriggerGroup(
            f"{index.name} ({index.what} of prospect_search)",
            tuple(_triggers(index.triggers)),
            (*index.tables, index.rebuild),
            recompute_always=True,
        )
        for index in FILTER_INDEXES
    ),
    *(
        TriggerGroup(table.name, table.triggers, _rebuild(table), recompute_always=True)
        for table in DERIVED_TABLES
    ),
    TriggerGroup(
        "prospects.last_called_at, last_outcome and attempts",
        ("calls_after_insert", "calls_after_delete"),
        (RECOMPUTE_LAST_CALL,),
        drift=LAST_CALL_DRIFT,
    ),
    TriggerGroup(
        "prospects.next_call_at and next_task_kind (the earliest open task)",
        ("tasks_after_insert", "tasks_after_update", "tasks_after_delete"),
        (schema_v3.RECOMPUTE_NEXT_TASK,),
        # A write of next_call_at with prospects_next_call_written dropped leaves these
        # triggers in place and the two out of step: check compares them every time.
        recompute_always=True,
    ),
    TriggerGroup(
        "the tasks of a next call written to prospects",
        ("prospects_next_call_inserted", "prospects_next_call_written"),
    ),
    TriggerGroup(
        "prospects' values from the blank text another tool writes (an empty CSV cell)",
        tuple(_triggers(schema_v28.EMPTY_VALUE_TRIGGERS)),
        tuple(repair.statement for repair in _BLANK_VALUE_REPAIRS),
    ),
    TriggerGroup("flag_changes", ("prospects_flags_changed",)),
    # A stamp of when the row last changed: nothing to work out again.
    TriggerGroup("prospects.updated_at", ("prospects_touch",)),
    # A count of changes from now on: the ones it missed cannot be counted again.
    TriggerGroup("tasks.sequence", ("tasks_sequence",)),
    # A record of deletions from now on: the ones it missed cannot be recorded again.
    TriggerGroup(
        "calendar_cancellations", ("tasks_removed_from_calendar", "tasks_back_in_calendar")
    ),
)


def _tables(schema: str) -> frozenset[str]:
    return frozenset(statement.split()[2] for statement in _statements("TABLE", schema))


# The schema versions that shipped before the marker, with the tables each had: a file
# with application_id 0 is funnel's only when it has these tables at its user_version.
UNMARKED_VERSIONS = {
    1: _tables(SCHEMA_V1),
    2: _tables(SCHEMA_V1) | _tables(SCHEMA_V2) | _tables(SCHEMA_V2_SEARCH),
}
