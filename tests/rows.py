"""Writing and reading test rows the same way on both backends (no sqlite-utils table API
on a team database): one INSERT with RETURNING id, one SELECT."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from funnel_tui.store.dialect import Dialect, dialect_of


def insert_row(db: Any, table: str, row: Mapping[str, Any]) -> int:
    """Insert `row` into `table` and return its id."""
    columns = ", ".join(row)
    marks = ", ".join(f":{column}" for column in row)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"
    return int(db.execute(sql, dict(row)).fetchone()[0])


def insert_rows(db: Any, table: str, rows: list[Mapping[str, Any]]) -> list[int]:
    return [insert_row(db, table, row) for row in rows]


def update_row(db: Any, table: str, row_id: int, columns: Mapping[str, Any]) -> None:
    """Set `columns` of the row with this id."""
    assignments = ", ".join(f"{column} = :{column}" for column in columns)
    db.execute(f"UPDATE {table} SET {assignments} WHERE id = :id", {**columns, "id": row_id})


def get_row(db: Any, table: str, row_id: int) -> dict[str, Any] | None:
    """The row of `table` with this id, or None."""
    return next(iter(db.query(f"SELECT * FROM {table} WHERE id = ?", [row_id])), None)


def table_rows(db: Any, table: str, order_by: str = "id") -> list[dict[str, Any]]:
    """Every row of `table`, in `order_by` order."""
    return list(db.query(f"SELECT * FROM {table} ORDER BY {order_by}"))


def count_rows(db: Any, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def insert_many(db: Any, sql: str, rows: list[Sequence[Any]]) -> None:
    """Run one INSERT for each of `rows`, batched as each backend's driver does it."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        db.executemany(sql, rows)
    else:
        db.conn.executemany(sql, rows)


def book_option(storage: Any) -> str:
    """What `--db` names the book of `storage` by: its file, or its team database's URL."""
    return str(getattr(storage, "url", None) or storage.path)
