"""The statements and fragments the two dialects write differently, side by side: the
core picks the one its connection speaks with `Variants.for_db`. Every other query is
written once, in the SQL both read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from funnel_tui.domain import NO_SOURCE
from funnel_tui.money import MAX_CENTS
from funnel_tui.store.dialect import Dialect, dialect_of


class Variants(NamedTuple):
    """One statement or fragment as each dialect writes it."""

    sqlite: str
    postgresql: str

    def for_db(self, db: Any) -> str:
        if dialect_of(db) is Dialect.POSTGRESQL:
            return self.postgresql
        return self.sqlite


def in_dialect(variants: Variants, dialect: Dialect) -> str:
    """The variant `dialect` writes."""
    return variants.postgresql if dialect is Dialect.POSTGRESQL else variants.sqlite


def per_dialect(build: Callable[[Dialect], str]) -> Variants:
    """A statement built from the same parts for each dialect, its fragments picked by
    `in_dialect`."""
    return Variants(sqlite=build(Dialect.SQLITE), postgresql=build(Dialect.POSTGRESQL))


# --- import, reports, export, timeline ---

# A column `{c}` holding text: another tool may have stored a number or a blob in a SQLite
# column; a PostgreSQL column has its type.
IS_TEXT = Variants(sqlite="typeof({c}) = 'text'", postgresql="{c} IS NOT NULL")

# A call's start as the indexes of calls by time hold it (`{c}` the call's alias and a
# dot): on PostgreSQL its moment in the stored form (schema v15), which an index range
# finds with no call's text tested on the way; a SQLite file indexes the text itself.
CALL_STARTED = Variants(sqlite="{c}started_at", postgresql="funnel_utc({c}started_at)")

# A hint to read a table by one of its indexes (`{index}`): SQLite's planner is told,
# PostgreSQL's chooses by its statistics.
INDEXED_BY = Variants(sqlite="INDEXED BY {index}", postgresql="")

# The values of a column of whole numbers `{x}` over a group, as one text `1,2,3`.
NUMBER_LIST = Variants(sqlite="group_concat({x})", postgresql="string_agg(({x})::text, ',')")

# The pairs of a JSON list `{pairs}` such as `[[12, "solution"], ...]` as rows `h` whose
# `value` is one pair; and the first of a pair, a prospect's id.
JSON_PAIRS = Variants(
    sqlite="json_each({pairs}) h",
    postgresql="json_array_elements(({pairs})::json) AS h (value)",
)
PAIR_ID = Variants(sqlite="h.value ->> 0", postgresql="(h.value ->> 0)::bigint")
# A join SQLite's planner takes in the order it is written (PostgreSQL's chooses).
JOIN_IN_ORDER = Variants(sqlite="CROSS JOIN", postgresql="JOIN")

# A day in the form funnel writes, read on PostgreSQL without parsing: any day of a month
# that has it, except the 29th of February (which only some years have: it is parsed, as
# any other form is).
FUNNEL_DAY_FORM = (
    "(19|2[0-9])[0-9][0-9]-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    "|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
)

# A value of the wrong type or range, by kind of column (foreign_values.ValueKind, `{c}`
# the column): SQLite's conditions are foreign_values' own, as its columns hold any type.
# PostgreSQL's columns are typed, so only a number out of range, or text that is no date
# or moment, is wrong there.
WRONG_ON_POSTGRESQL = {
    "text": "FALSE",
    "cents": f"{{c}} IS NOT NULL AND NOT {{c}} BETWEEN 0 AND {MAX_CENTS}",
    "count": "{c} IS NOT NULL AND {c} < 0",
    # A date of FUNNEL_DAY_FORM reads without parsing (funnel_utc's slow path).
    "date": "{c} IS NOT NULL AND NOT ("
    f"{{c}} ~ '^{FUNNEL_DAY_FORM}$'"
    " OR {c} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' AND funnel_utc({c}) IS NOT NULL)",
    "moment": "{c} IS NOT NULL AND funnel_utc({c}) IS NULL",
}

# The whole days from a row's `{a}starts_on` to its `{a}ends_on` (NULL when one of them
# is no date).
DAYS_BETWEEN = Variants(
    sqlite="julianday({a}ends_on) - julianday({a}starts_on)",
    postgresql="substr(funnel_utc({a}ends_on), 1, 10)::date"
    " - substr(funnel_utc({a}starts_on), 1, 10)::date",
)

# A readable moment `{m}` in the stored form, so that text comparison keeps time order
# (foreign_values.stored_form_sql writes SQLite's).
STORED_FORM_ON_POSTGRESQL = "funnel_utc({m})"

# The method a call `{call}` counts under, and the source of its prospect `{prospect}`,
# as the team database's call_days counts them (schema_v4's method_name_sql and
# source_name_sql write SQLite's, which also pass over a BLOB).
METHOD_NAME_ON_POSTGRESQL = "coalesce(nullif({call}.method, ''), {prospect}.method)"
SOURCE_NAME_ON_POSTGRESQL = f"coalesce(nullif(trim({{prospect}}.source), ''), '{NO_SOURCE}')"


# The temporary tables an import matches rows by (import_keys), gone when its
# transaction ends: SQLite's are dropped before it commits, PostgreSQL's on commit.
IMPORT_KEY_TABLE = Variants(
    sqlite="CREATE TEMP TABLE {table} ({columns}, PRIMARY KEY ({key})) WITHOUT ROWID",
    postgresql="CREATE TEMP TABLE {table} ({columns}, PRIMARY KEY ({key})) ON COMMIT DROP",
)
# `?` ids for the prospects an import adds, in order. SQLite would give each new row one
# more than the largest id the table ever held (schema_v25), and the import holds the
# write lock; PostgreSQL's come from the table's sequence.
NEW_PROSPECT_IDS = Variants(
    sqlite="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
    " SELECT max((SELECT coalesce(max(id), 0) FROM prospects),"
    " (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'prospects')) + i FROM n",
    postgresql="SELECT nextval(pg_get_serial_sequence('prospects', 'id'))"
    " FROM generate_series(1, ?::integer)",
)


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
# The filter's text, in any case: SQLite's LIKE ignores the case of ASCII letters;
# PostgreSQL's is given the folded text (lowercase, accents off) and the word folded.
SEARCH_TEXT_LIKE = Variants(
    sqlite="search_text LIKE :{like} ESCAPE '\\'",
    postgresql="folded_text LIKE :{like} ESCAPE '\\'",
)
