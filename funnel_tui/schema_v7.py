"""Schema v7: forgetting a prospect (GDPR article 17, CCPA), the same in the SQLite file
and in PostgreSQL.

- `suppressions`: the email addresses and phone numbers of the people who asked to be
  forgotten, each only as a SHA-256 hash of its normalised form (suppression.py), so
  that no later import brings them back.
- `deals.prospect_id` may be empty: a forgotten prospect's deals stay as anonymous
  amounts, so the quota history does not change; `forgotten_method` and
  `forgotten_source` keep the method and lead source such a deal counted under (neither
  names the person). The SQLite table is built again to drop the NOT NULL.
"""

from __future__ import annotations

from funnel_tui.domain import DealKind, sql_list
from funnel_tui.schema_v3 import NOW_UTC

SUPPRESSION_KINDS = ("email", "phone")

SUPPRESSIONS_TABLE = f"""
CREATE TABLE suppressions (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ({sql_list(SUPPRESSION_KINDS)})),
    added_at TEXT NOT NULL DEFAULT {NOW_UTC}
) WITHOUT ROWID
"""

DEALS_TABLE = f"""
CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER REFERENCES prospects(id) ON DELETE CASCADE,
    call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,
    amount_cents INTEGER NOT NULL,
    closed_on TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '{DealKind.NEW}' CHECK (kind IN ({sql_list(DealKind)})),
    rep TEXT,
    forgotten_method TEXT,
    forgotten_source TEXT
)
"""
DEAL_COLUMNS_V6 = "id, prospect_id, call_id, amount_cents, closed_on, kind, rep"

DEALS_INDEXES = """
CREATE INDEX deals_closed ON deals (closed_on);
CREATE INDEX deals_prospect ON deals (prospect_id);
CREATE INDEX deals_call ON deals (call_id);
CREATE INDEX deals_rep ON deals (rep, closed_on);
"""
