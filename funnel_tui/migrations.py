"""Ordered schema migrations, keyed by `PRAGMA user_version`.

Migration N (1-based) takes a file at version N-1 to version N. Never edit a
migration that has shipped; add a new one at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from funnel_tui.domain import CONNECT_OUTCOMES, PERIOD_KINDS, Kind, Outcome, Stage, sql_list

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


def split_statements(script: str) -> list[str]:
    """Split a schema script into complete statements (triggers hold inner semicolons)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1,)
LATEST_VERSION = len(MIGRATIONS)
