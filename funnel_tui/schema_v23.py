"""Schema v23: the prospects whose email or number an import cannot look up by key, in
partial indexes of their ids (`prospects_irregular_email`, `prospects_irregular_phone`).

An import finds the book's prospects by `prospects_email` and `prospects_phone`, a
batch's keys at a time (import_keys). Those cannot find an email with a letter outside
ASCII (SQLite's NOCASE folds ASCII alone) or with a space or a control character at
either end, nor a number not in the form funnel stores (`+` and 2 to 15 digits): the
import keys those prospects up front. It found them by reading both indexes whole, about
0.25 s each at 1,000,000 prospects whatever the file's size. These indexes hold the few
such prospects alone (none in a book only funnel writes), so the import reads just them.

The import's queries state each condition exactly as its index does: SQLite uses a
partial index only for a query whose WHERE holds the index's own terms. A condition
changed later is a new migration with a new index.
"""

from __future__ import annotations

from funnel_tui.store.sql import Variants

# PostgreSQL's lower() folds every letter, so an email is irregular there only with a
# space or control character anywhere or a letter outside ASCII (`[^!-~]`): a space in
# the middle costs only a key kept up front. The patterns hold no backslash, which a
# server without standard_conforming_strings would read as an escape.
IRREGULAR_EMAIL = Variants(
    sqlite="email <> '' AND (length(CAST(email AS BLOB)) <> length(email)"
    " OR substr(email, 1, 1) <= ' ' OR substr(email, -1) <= ' ')",
    postgresql="email ~ '[^!-~]'",
)
IRREGULAR_PHONE = Variants(
    sqlite="phone <> '' AND NOT (phone GLOB '+[1-9]*' AND length(phone) BETWEEN 3 AND 16"
    " AND CAST(CAST(substr(phone, 2) AS INTEGER) AS TEXT) = substr(phone, 2))",
    postgresql="phone <> '' AND phone !~ '^[+][1-9][0-9]{1,14}$'",
)


def _indexes(email: str, phone: str) -> str:
    return f"""
CREATE INDEX prospects_irregular_email ON prospects (id) WHERE {email};
CREATE INDEX prospects_irregular_phone ON prospects (id) WHERE {phone};
"""


INDEXES = Variants(
    sqlite=_indexes(IRREGULAR_EMAIL.sqlite, IRREGULAR_PHONE.sqlite),
    postgresql=_indexes(IRREGULAR_EMAIL.postgresql, IRREGULAR_PHONE.postgresql),
)
