"""Where a book is kept: the embedded SQLite file (the default) or a team's PostgreSQL
database (PRODUCT 16). The core above asks both the same questions; the SQL that the two
dialects write differently is kept side by side here.

- `sqlite`: the file: opening it safely, migrating it (migrations.py and the schema_v*
  modules hold its versions), writing in BEGIN IMMEDIATE transactions.
- `postgres`: connecting to a team database, its connection, its migrations; and
  `postgres_schema`, its tables and PL/pgSQL triggers, version by version.
- `dialect`: which of the two a connection or a `--db` value is; `sql`: the statements
  the two write differently, as `Variants`; `pg_sql`: the core's SQLite-style
  parameters as psycopg takes them; `errors`: either driver's errors.
- `migrate_to`: a SQLite book copied into a team database; `same_people`: which of its
  prospects the team's book already has.

psycopg is imported only when a URL is opened, so a one-rep start never pays for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from funnel_tui.store.postgres import PostgresStorage


def open_team_book(
    url: str,
    name: str | None = None,
    on_own_settings_cleared: Callable[[tuple[str, ...]], None] | None = None,
) -> PostgresStorage:
    """The team's database at `url`, its tables made or migrated, its connections called
    `name` in pg_stat_activity (postgres.application_name; else "funnel"); StorageError
    with one line (never the password) when it cannot be used. `on_own_settings_cleared`
    is told which reps' own settings the upgrade to v13 cleared from the team's table."""
    from funnel_tui.store.dialect import postgres_url
    from funnel_tui.store.postgres import APPLICATION, PostgresError, open_postgres
    from funnel_tui.store.sqlite import StorageError

    try:
        return open_postgres(postgres_url(url), name or APPLICATION, on_own_settings_cleared)
    except PostgresError as error:
        raise StorageError(str(error)) from None
