"""The statements and fragments the two dialects write differently, side by side: the
core picks the one its connection speaks with `Variants.for_db`. Every other query is
written once, in the SQL both read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from funnel_tui.store.dialect import Dialect, dialect_of


@dataclass(frozen=True)
class Variants:
    """One statement or fragment as each dialect writes it."""

    sqlite: str
    postgresql: str

    def for_db(self, db: Any) -> str:
        if dialect_of(db) is Dialect.POSTGRESQL:
            return self.postgresql
        return self.sqlite


# --- queue, call log, prospects, tasks, pace ---

# The filter's matches, kept by `queue._matching_ids` as a JSON list of ids.
IN_MATCHING_IDS = Variants(
    sqlite=" AND id IN (SELECT value FROM json_each(:matching))",
    postgresql=" AND id IN (SELECT value::bigint FROM json_array_elements_text(:matching::json))",
)
# Today's queue holds back the prospects of the timezones closed now (a JSON list).
IN_OPEN_ZONE = Variants(
    sqlite=" AND (timezone IS NULL OR timezone NOT IN (SELECT value FROM json_each(:closed)))",
    postgresql=" AND (timezone IS NULL"
    " OR timezone NOT IN (SELECT json_array_elements_text(:closed::json)))",
)
# The unary + keeps SQLite's planner off the timezone index (a table read per prospect)
# and on the bucket's covering index; PostgreSQL has no + for text.
IN_CLOSED_ZONE = Variants(
    sqlite=" AND +timezone IN (SELECT value FROM json_each(:closed))",
    postgresql=" AND timezone IN (SELECT json_array_elements_text(:closed::json))",
)
# The order of the lists by name, on the index of each (SQLite: NOCASE; PostgreSQL:
# lower(name)).
BY_NAME = Variants(sqlite="name COLLATE NOCASE, id", postgresql="lower(name), id")
# The filter's text, in any case: SQLite's LIKE ignores the case of ASCII letters,
# PostgreSQL's LIKE does not.
SEARCH_TEXT_LIKE = Variants(
    sqlite="search_text LIKE :like ESCAPE '\\'",
    postgresql="search_text ILIKE :like ESCAPE '\\'",
)
