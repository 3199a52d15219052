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
