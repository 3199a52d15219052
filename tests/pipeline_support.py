"""A known pipeline written into a book with SQL, as another tool (or a rep's week) would."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

# (name, stage, value in cents, expected close): November 2026, as of the 18th.
OPPORTUNITIES = [
    ("Maya Meeting", "meeting", 1_000_000, "2026-12-15"),
    ("Mo Meeting", "meeting", 333_333, None),
    ("Quinn Qualified", "qualified", 2_000_000, "2026-11-25"),
    ("[bold]Quill[/] Qualified", "qualified", 1_500_001, "2026-11-12"),
    ("Pia Proposal", "proposal", 4_000_000, "2026-11-20"),
]
# By stage: count, value, weighted at the default weights (10, 25, 50).
BY_STAGE = [
    {"stage": "meeting", "count": 2, "cents": 1_333_333},
    {"stage": "qualified", "count": 2, "cents": 3_500_001},
    {"stage": "proposal", "count": 1, "cents": 4_000_000},
]
PIPELINE_CENTS = 8_833_334
# 133,333.3 + 875,000.25 + 2,000,000 = 3,008,333.55 -> 3,008,334 (rounded once).
WEIGHTED_EXACT_HUNDREDTHS = 300_833_355
WEIGHTED_PIPELINE_CENTS = 3_008_334
# Closing by 30 November: Quinn, Quill (overdue) and Pia.
CLOSING_COUNT = 3
CLOSING_CENTS = 7_500_001


CLEAR_OPEN_VALUES = (
    "UPDATE prospects SET deal_value_cents = NULL"
    " WHERE stage IN ('meeting', 'qualified', 'proposal')"
)
ADD_OPPORTUNITY = (
    "INSERT INTO prospects (name, stage, deal_value_cents, expected_close_on) VALUES (?, ?, ?, ?)"
)


def write_pipeline(path: Path) -> None:
    """Clear every open deal value, then add the OPPORTUNITIES as new prospects, through a
    connection of its own to the file."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(CLEAR_OPEN_VALUES)
        conn.executemany(ADD_OPPORTUNITY, OPPORTUNITIES)
    finally:
        conn.close()


def write_pipeline_into(db: Any) -> None:
    """The same through `db`, a connection to a book on either backend."""
    db.execute(CLEAR_OPEN_VALUES)
    for opportunity in OPPORTUNITIES:
        db.execute(ADD_OPPORTUNITY, opportunity)
