"""Schema v6: a team's book (PRODUCT 16), the same in the SQLite file and in PostgreSQL.

- `reps`: the team's reps by name; a rep's own name comes from `$FUNNEL_REP` or the user
  config, never from the book.
- `prospects.owner`: the rep a prospect belongs to, or NULL for the shared pool.
- `claims`: the pool prospects a rep holds for now (a lease renewed while their card is
  open, released on leave or when it expires), so no two reps call one prospect at once.
- `rep` on calls, tasks, notes, deals and emails: who did it (NULL in a one-rep book).
- `targets.rep`: a rep's own target, or NULL for the team's (a one-rep book's only kind);
  the period and start are unique per rep, so the table is built again.
"""

from __future__ import annotations

from funnel_tui.schema_v3 import NOW_UTC

REPS_TABLE = f"""
CREATE TABLE reps (
    name TEXT PRIMARY KEY,
    added_at TEXT NOT NULL DEFAULT {NOW_UTC}
)
"""

CLAIMS_TABLE = f"""
CREATE TABLE claims (
    prospect_id INTEGER PRIMARY KEY REFERENCES prospects (id) ON DELETE CASCADE,
    rep TEXT NOT NULL,
    claimed_at TEXT NOT NULL DEFAULT {NOW_UTC},
    expires_at TEXT NOT NULL
)
"""

# The tables whose rows a rep makes.
REP_TABLES = ("calls", "tasks", "notes", "deals", "emails")
REP_COLUMNS = tuple(f"ALTER TABLE {table} ADD COLUMN rep TEXT" for table in REP_TABLES)

OWNER_COLUMN = "ALTER TABLE prospects ADD COLUMN owner TEXT"

TARGETS_TABLE = """
CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL DEFAULT 'month' CHECK (period IN ('week', 'month', 'quarter', 'year')),
    -- A target added with no dates covers the current calendar month (the default period).
    starts_on TEXT NOT NULL DEFAULT (date('now', 'start of month')),
    ends_on TEXT NOT NULL DEFAULT (date('now', 'start of month', '+1 month', '-1 day')),
    amount_cents INTEGER NOT NULL DEFAULT 0,
    calls_per_day INTEGER,
    rep TEXT
)
"""
TARGET_COLUMNS = "id, period, starts_on, ends_on, amount_cents, calls_per_day"

INDEXES = """
CREATE UNIQUE INDEX targets_period ON targets (period, starts_on, coalesce(rep, ''));
CREATE INDEX prospects_owner ON prospects (owner);
CREATE INDEX calls_rep ON calls (rep, started_at);
CREATE INDEX deals_rep ON deals (rep, closed_on);
CREATE INDEX claims_rep ON claims (rep, expires_at);
"""
