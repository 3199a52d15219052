"""Each rep's rows of the report's statements in a team's book, read once for the team.

A report's statements read the book's rows, or in a team's book the rows of the rep
`:rep` names (PRODUCT 16). A team report gives every rep the whole report: run once per
rep, each statement would read the window's calls and deals twenty times over, each
rep's scattered over the same pages. So each statement that reads a rep's rows is also
written for every rep at once, grouped by rep, each row led by its rep: a team report
runs it once per window and hands each rep their own rows (FigureRows.every_rep), which
are the rows the statement gives for that rep alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from typing import Any, TypeVar

from funnel_tui.figure_sql import of_rep
from funnel_tui.foreign_values import fold_all, read_all
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.sql import Variants, per_dialect

T = TypeVar("T")


class Whose(Enum):
    """Whose rows a statement reads."""

    # The book's, or the rep's `:rep` names: the statement as one report runs it.
    ONE = "one"
    # Every rep's, grouped by rep: each row begins with its rep.
    EVERY_REP = "every rep"

    def of(self, column: str) -> str:
        """SQL true for a row read, `column` naming its rep (a row of the book's when
        `:rep` is NULL)."""
        return of_rep(column) if self is Whose.ONE else f"{column} IS NOT NULL"

    def of_rep(self, column: str) -> str:
        """SQL true for a row of the rep's (of a statement that only reads a rep's)."""
        return f"{column} = :rep" if self is Whose.ONE else f"{column} IS NOT NULL"

    def key(self, column: str) -> str:
        """The rep as a row's first column, for every rep's rows."""
        return "" if self is Whose.ONE else f"{column} AS rep, "

    def group(self, column: str) -> str:
        """The rep first among a statement's groups, for every rep's rows."""
        return "" if self is Whose.ONE else f"{column}, "

    def group_by(self, column: str) -> str:
        """A GROUP BY of the rep alone, for every rep's rows of a total."""
        return "" if self is Whose.ONE else f"GROUP BY {column}"


class RepStatement:
    """A statement of a rep's rows, as one report runs it and for every rep at once, each
    in both dialects."""

    def __init__(self, build: Callable[[Dialect, Whose], str]) -> None:
        self.one = per_dialect(lambda dialect: build(dialect, Whose.ONE))
        self.every_rep = per_dialect(lambda dialect: build(dialect, Whose.EVERY_REP))

    def form(self, whose: Whose) -> Variants:
        return self.one if whose is Whose.ONE else self.every_rep


# Every rep's rows of one statement run with one set of values: the names of the columns
# after the rep, and the rows by rep.
_Found = tuple[list[str], dict[str | None, list[tuple[Any, ...]]]]


class FigureRows:
    """Where a report reads its rows from: the book, one rep's (`rep`), or in a team
    report the rows every rep's statements gave, each statement run once per set of
    values and kept for the other reps."""

    def __init__(
        self,
        db: Any,
        rep: str | None,
        *,
        whose: Whose = Whose.ONE,
        found: dict[tuple[Any, ...], _Found] | None = None,
    ) -> None:
        self.db = db
        self.rep = rep
        self.whose = whose
        self._found = {} if found is None else found

    @classmethod
    def every_rep(cls, db: Any) -> Callable[[str], FigureRows]:
        """The rows of each rep of a team report by name, all read together."""
        found: dict[tuple[Any, ...], _Found] = {}
        return lambda rep: cls(db, rep, whose=Whose.EVERY_REP, found=found)

    def _read(
        self, statement: RepStatement, params: Mapping[str, Any]
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The names of the columns and the rows of the book or the rep."""
        if self.whose is Whose.ONE:
            sql = statement.form(self.whose).for_db(self.db)
            return read_all(self.db, sql, {**params, "rep": self.rep})
        columns, by_rep = self.by_rep(statement, params)
        return columns, by_rep.get(self.rep, [])

    def by_rep(self, statement: RepStatement, params: Mapping[str, Any]) -> _Found:
        """The names of the columns after the rep, and every rep's rows by rep, of a team
        report (read once, and the same whichever rep asks)."""
        if self.whose is Whose.ONE:
            raise ValueError("one rep's rows are not read by rep")
        values = {name: value for name, value in params.items() if name != "rep"}
        key = (statement, *sorted(values.items()))
        if key not in self._found:
            columns, rows = read_all(self.db, statement.form(self.whose).for_db(self.db), values)
            by_rep: dict[str | None, list[tuple[Any, ...]]] = {}
            for row in rows:
                by_rep.setdefault(row[0], []).append(tuple(row[1:]))
            self._found[key] = (columns[1:], by_rep)
        return self._found[key]

    def fold(
        self,
        statement: RepStatement,
        params: Mapping[str, Any],
        fold: Callable[[Iterator[tuple[Any, ...]]], T],
    ) -> T:
        """`fold` of the statement's rows for the book or the rep, handed over one at a time
        (a team report's are read once for every rep, as `rows` are)."""
        if self.whose is Whose.ONE:
            sql = statement.form(self.whose).for_db(self.db)
            return fold_all(self.db, sql, {**params, "rep": self.rep}, fold)
        return fold(iter(self.by_rep(statement, params)[1].get(self.rep, [])))

    def rows(self, statement: RepStatement, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The statement's rows for the book or the rep."""
        return self._read(statement, params)[1]

    def first(
        self, statement: RepStatement, params: Mapping[str, Any], default: tuple[Any, ...]
    ) -> tuple[Any, ...]:
        """The one row of a total: `default` for a rep with no rows to total."""
        rows = self.rows(statement, params)
        return tuple(rows[0]) if rows else default

    def dicts(self, statement: RepStatement, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The statement's rows for the book or the rep, by column name."""
        columns, rows = self._read(statement, params)
        return [dict(zip(columns, row, strict=True)) for row in rows]
