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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from funnel_tui.import_keys import email_key, name_key, rows_for
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sql import Variants
from funnel_tui.text import one_line

# The prospects with one of these names: the book's, and those earlier batches added.
NAMESAKES = Variants(
    sqlite="SELECT id, name, company FROM prospects WHERE name COLLATE NOCASE IN ({marks})",
    postgresql="SELECT id, name, company FROM prospects WHERE lower(name) IN ({marks})",
)


@dataclass(frozen=True)
class Namesake:
    """A row added as a prospect of its own, though the book had one of the same name, or
    an earlier line of the file added one (`other_line`)."""

    line: int
    name: str
    other_name: str
    other_company: str
    other_id: int | None = None
    other_line: int | None = None
    # Added by an earlier batch of the file, whose lines are not kept.
    earlier_line: bool = False

    def __str__(self) -> str:
        at = f" at {one_line(self.other_company)}" if self.other_company else ""
        other = f"{one_line(self.other_name)}{at}"
        if self.other_line is not None:
            whom = f"line {self.other_line} added {other}"
        elif self.earlier_line:
            whom = f"an earlier line added {other} (id {self.other_id})"
        else:
            whom = f"the book has {other} (id {self.other_id})"
        return (
            f"line {self.line}: {one_line(self.name)} added as a new prospect, though {whom}"
            " with another number, and no email tells them apart: if they are one person,"
            " this row is a second prospect of them"
        )


def namesakes(
    db: Any, added: Sequence[tuple[int, dict[str, object]]], last_stored_id: int
) -> Iterator[Namesake]:
    """The added rows (line, row) without an email that have the name of a prospect of the
    book, or of one an earlier line of the file added (an earlier batch's: ids past
    `last_stored_id`, their lines not kept), with no company that differs from theirs. A
    row with an email is one a prospect would have matched by it, or another person's:
    it is not looked up, so a file of leads with emails costs nothing."""
    rows = [(line, row) for line, row in added if not email_key(row.get("email"))]
    if not rows:
        return
    postgresql = dialect_of(db) is Dialect.POSTGRESQL
    names = {str(row["name"]).lower() if postgresql else str(row["name"]) for _, row in rows}
    known: dict[str, list[_Known]] = {}
    for prospect_id, name, company in rows_for(db, NAMESAKES.for_db(db), names):
        known.setdefault(name_key(name), []).append(
            _Known(str(name), _text(company), prospect_id=int(prospect_id))
        )
    # The batch's own rows, in the file's order: each row's namesakes among those before it.
    for line, row in added:
        key, name, company = name_key(row["name"]), str(row["name"]), _text(row.get("company"))
        if not email_key(row.get("email")):
            for other in known.get(key, []):
                if company and other.company and company.casefold() != other.company.casefold():
                    continue  # two companies: two people
                yield Namesake(
                    line,
                    name,
                    other.name,
                    other.company,
                    other_id=other.prospect_id,
                    other_line=other.line,
                    earlier_line=other.line is None and (other.prospect_id or 0) > last_stored_id,
                )
                break
        known.setdefault(key, []).append(_Known(name, company, line=line))


class _Known(NamedTuple):
    """A prospect a row's name may be: of the book or an earlier batch (by id), or of an
    earlier row of the batch (by line)."""

    name: str
    company: str
    prospect_id: int | None = None
    line: int | None = None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
