"""A book's random name (schema v5 writes it in the `book` table): the calendar's UIDs
carry it, and so does the file that keeps a call running with the book."""

from __future__ import annotations

from typing import Any


def book_id(db: Any) -> str:
    """This book's random name, or `book` for one without it."""
    row = db.execute("SELECT id FROM book LIMIT 1").fetchone()
    return str(row[0]) if row and isinstance(row[0], str) and row[0] else "book"
