"""Where a book is kept: the embedded SQLite file (the default) or a team's PostgreSQL
database (PRODUCT 16). The core above asks both the same questions; the SQL that the two
dialects write differently is kept side by side here.

- `dialect`: which one a connection or a `--db` value is.
- `pg_sql`: the core's SQLite-style parameters as psycopg takes them.
- `postgres`: connecting to a team database, its connection, its migrations.
- `postgres_schema`: the team database's tables and triggers, version by version.

The SQLite file's own storage is `funnel_tui.storage`; psycopg is imported only when a
URL is opened, so a one-rep start never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from funnel_tui.store.postgres import PostgresStorage


def open_team_book(url: str) -> PostgresStorage:
    """The team's database at `url`, its tables made or migrated; StorageError with one
    line (never the password) when it cannot be used."""
    from funnel_tui.storage import StorageError
    from funnel_tui.store.postgres import PostgresError, open_postgres

    try:
        return open_postgres(url)
    except PostgresError as error:
        raise StorageError(str(error)) from None
