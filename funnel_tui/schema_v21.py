"""Schema v21: what each day's deals won, kept by triggers (`deal_days`).

What a period won (the gauge's `won`, the pace screen's, `funnel report`'s) summed the
amounts of the period's deals one by one, each checked for a value of the wrong type or
range: about 1 µs a deal, and the gauge reads it on every refresh. A book ten times as
busy has ten times the deals in every month: 3,400 in four days of the benchmark's book
at 1,000,000 prospects, most of the gauge's 2.6 ms. `deal_days` holds, for each
`closed_on` (as stored, whatever another tool wrote) and rep, how many deals there are,
what those with good values won, and how many wrong values they hold; a period's won is
then the sum of at most one row a day and rep, however many deals closed.

The key is the deal's own `closed_on` and `rep`, so that a window's range of days and a
rep's name pick the same deals from `deal_days` as from `deals`, and a deal whose day
cannot be read still counts as left out where it did. A NULL rep (a file's deals have
none) is a key of its own: the triggers find a day's row with `IS`, and make it before
they add to it. The triggers touch `deal_days` only, which has none, so they never fire
each other. A team's PostgreSQL book keeps the same table with its own trigger
(store/postgres_schema.py, v21).
"""

from __future__ import annotations

from collections.abc import Callable

from funnel_tui.foreign_values import wrong_values_sql
from funnel_tui.schema_v4 import row_changed_sql
from funnel_tui.store.dialect import Dialect

DEAL_DAY_COLUMNS = ("closed_on", "rep", "deals", "won_cents", "wrong")


def won_cents_sql(deal: str, dialect: Dialect = Dialect.SQLITE) -> str:
    """What a deal (`deal` is its alias, with the dot) adds to its day's won: its amount,
    or 0 when one of its values is of the wrong type or range."""
    wrong = wrong_values_sql("deals", deal, dialect)
    return f"CASE WHEN {wrong} = 0 THEN {deal}amount_cents ELSE 0 END"


def deal_days_from_deals(dialect: Dialect = Dialect.SQLITE) -> str:
    """deal_days' rows summed afresh from every deal: the upgrade's fill, and on a file
    what `funnel check` compares the table with."""
    return f"""
SELECT d.closed_on, d.rep, count(*), sum({won_cents_sql("d.", dialect)}),
    sum({wrong_values_sql("deals", "d.", dialect)})
FROM deals d
GROUP BY d.closed_on, d.rep
"""


TABLE = """
CREATE TABLE deal_days (
    closed_on TEXT NOT NULL,
    rep TEXT,
    deals INTEGER NOT NULL,
    won_cents INTEGER NOT NULL,
    wrong INTEGER NOT NULL
);
CREATE UNIQUE INDEX deal_days_key ON deal_days (closed_on, rep);
"""

DEAL_DAYS_FROM_DEALS = deal_days_from_deals()

FILL = f"INSERT INTO deal_days ({', '.join(DEAL_DAY_COLUMNS)}) {DEAL_DAYS_FROM_DEALS}"


def _day_of(deal: str) -> str:
    return f"closed_on = {deal}.closed_on AND rep IS {deal}.rep"


def _take_out(deal: str) -> str:
    return f"""UPDATE deal_days SET deals = deals - 1,
        won_cents = won_cents - ({won_cents_sql(f"{deal}.")}),
        wrong = wrong - {wrong_values_sql("deals", f"{deal}.")}
    WHERE {_day_of(deal)};
    DELETE FROM deal_days WHERE {_day_of(deal)} AND deals = 0;"""


def _put_in(deal: str) -> str:
    return f"""INSERT INTO deal_days ({", ".join(DEAL_DAY_COLUMNS)})
    SELECT {deal}.closed_on, {deal}.rep, 0, 0, 0
    WHERE NOT EXISTS (SELECT 1 FROM deal_days WHERE {_day_of(deal)});
    UPDATE deal_days SET deals = deals + 1,
        won_cents = won_cents + ({won_cents_sql(f"{deal}.")}),
        wrong = wrong + {wrong_values_sql("deals", f"{deal}.")}
    WHERE {_day_of(deal)};"""


def counting_triggers(
    name: str,
    table: str,
    counted: tuple[str, ...],
    put_in: Callable[[str], str],
    take_out: Callable[[str], str],
) -> str:
    """The three triggers (`name` and the event) that keep a table of counts in step with
    `table`: a row inserted is put in (`put_in("NEW")`), one deleted taken out
    (`take_out("OLD")`), one whose `counted` columns change taken out and put in again."""
    return f"""
CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN
    {put_in("NEW")}
END;

CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN
    {take_out("OLD")}
END;

CREATE TRIGGER {name}_update AFTER UPDATE OF {", ".join(counted)} ON {table}
WHEN {row_changed_sql(counted)} BEGIN
    {take_out("OLD")}
    {put_in("NEW")}
END;
"""


TRIGGERS = counting_triggers(
    "deal_days_after_deal", "deals", ("amount_cents", "closed_on", "rep"), _put_in, _take_out
)
