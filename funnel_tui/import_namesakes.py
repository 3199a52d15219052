"""Rows an import adds with the name of a prospect the book had: said in the report.

A file's row is the same person as a prospect of the book by email, or by phone number and
name (`importer`). A person whose number changed, in a file that gives no email (a CRM's
re-export a week on), matches neither, and is added beside the prospect the rep has been
calling: a second one, never called, at the head of the queue. The rules stay as they
are, since two people may share a name; the report names each such row with the
prospect of the same name, so the rep sees it the day it happens. Only the rows without an
email that add a prospect to a book that had some are looked up, a batch at a time, by the
name's index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from funnel_tui.import_keys import email_key, name_key, rows_for
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sql import Variants
from funnel_tui.text import one_line

# The book's prospects, as they were when the import began, with one of these names.
NAMESAKES = Variants(
    sqlite="SELECT id, name, company FROM prospects"
    " WHERE name COLLATE NOCASE IN ({marks}) AND id <= ?",
    postgresql="SELECT id, name, company FROM prospects WHERE lower(name) IN ({marks}) AND id <= ?",
)


@dataclass(frozen=True)
class Namesake:
    """A row added as a prospect of its own, though the book had one of the same name."""

    line: int
    name: str
    other_id: int
    other_company: str

    def __str__(self) -> str:
        at = f" at {one_line(self.other_company)}" if self.other_company else ""
        return (
            f"line {self.line}: {one_line(self.name)} added as a new prospect, though the"
            f" book has a {one_line(self.name)}{at} (id {self.other_id}) with another number,"
            " and the row gives no email to tell them apart: if they are one person, the book"
            " now has two"
        )


def namesakes(
    db: Any, added: Iterable[tuple[int, dict[str, object]]], last_stored_id: int
) -> Iterator[Namesake]:
    """The added rows (line, row) without an email that have the name of one of the book's
    prospects (ids up to `last_stored_id`) and no company that differs from theirs. A row
    with an email is one the book's prospects would have matched by it, or another
    person's: it is not looked up, so a file of leads with emails costs nothing here."""
    rows = [
        (line, row)
        for line, row in added
        if isinstance(row.get("name"), str) and not email_key(row.get("email"))
    ]
    if not rows or not last_stored_id:
        return
    postgresql = dialect_of(db) is Dialect.POSTGRESQL
    names = {str(row["name"]).lower() if postgresql else str(row["name"]) for _, row in rows}
    stored: dict[str, list[tuple[int, str]]] = {}
    sql = NAMESAKES.for_db(db)
    for prospect_id, name, company in rows_for(db, sql, names, last_stored_id):
        stored.setdefault(name_key(name), []).append((int(prospect_id), _text(company)))
    for line, row in rows:
        company = _text(row.get("company"))
        for prospect_id, other_company in stored.get(name_key(row["name"]), []):
            if company and other_company and company.casefold() != other_company.casefold():
                continue  # two companies: two people
            yield Namesake(line, str(row["name"]), prospect_id, other_company)
            break


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
