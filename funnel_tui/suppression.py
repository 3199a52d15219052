"""The suppression list: the email addresses and phone numbers of people who asked to be
forgotten, kept only as hashes, so that no import or form brings them back.

Each value is normalised (an email trimmed and lower-cased; a phone number to its national
significant digits, without country code, trunk prefix or extension, so that it is caught
however it is written and in whichever region it is read: phones.national_digits) and
hashed with SHA-256 behind a fixed label. There is no secret salt: a salt kept in the
same file would not stop whoever holds the file, and without one the list moves with
`funnel migrate-to` and a team shares it. The hash keeps the values out of plain sight;
it is no protection against someone who guesses them (a phone number has few enough
digits to try them all), as the README says.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from funnel_tui.phones import national_digits

if TYPE_CHECKING:
    import sqlite_utils

# Told apart from any other SHA-256 of the same text.
HASH_LABEL = "funnel-suppression-v1"
# Hashes looked up in one statement: SQLite before 3.32 takes at most 999 `?`.
HASHES_PER_QUERY = 400


def _hash(kind: str, normalised: str) -> str:
    return hashlib.sha256(f"{HASH_LABEL}:{kind}:{normalised}".encode()).hexdigest()


def email_hash(email: object) -> str | None:
    """The hash of an email address (case and surrounding spaces ignored); None for none."""
    normalised = str(email or "").strip().lower()
    return _hash("email", normalised) if normalised else None


def phone_hash(phone: object, region: str) -> str | None:
    """The hash of a phone number however it is written (`07700 900318` and `+44 7700
    900318` in region GB, `(617) 555-0154` in any region and `+1 617 555 0154 x12` are each
    one number); None for none. Two countries' numbers with the same national digits
    share a hash: the list leaves out a little more rather than let anyone back in."""
    digits = national_digits(phone if isinstance(phone, str) else None, region)
    return _hash("phone", digits) if digits else None


@dataclass(frozen=True)
class Contact:
    """An email and a phone number as a row holds them (either may be empty)."""

    email: object
    phone: object

    def hashes(self, region: str) -> dict[str, str]:
        """Each kind's hash, for the kinds the contact has."""
        hashes = {"email": email_hash(self.email), "phone": phone_hash(self.phone, region)}
        return {kind: value for kind, value in hashes.items() if value is not None}


def suppress(db: sqlite_utils.Database, contact: Contact, region: str) -> int:
    """Add the contact's email and phone to the list (each once); how many were new."""
    added = 0
    for kind, value in contact.hashes(region).items():
        cursor = db.execute(
            "INSERT INTO suppressions (hash, kind) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING",
            [value, kind],
        )
        added += max(cursor.rowcount, 0)
    return added


def listed_hashes(db: sqlite_utils.Database, hashes: Iterable[str]) -> frozenset[str]:
    """Those of `hashes` that are on the list: an import asks for each batch's rows."""
    found: set[str] = set()
    wanted = sorted(hashes)
    for start in range(0, len(wanted), HASHES_PER_QUERY):
        chunk = wanted[start : start + HASHES_PER_QUERY]
        sql = f"SELECT hash FROM suppressions WHERE hash IN ({', '.join('?' * len(chunk))})"
        found.update(row[0] for row in db.execute(sql, chunk))
    return frozenset(found)


def suppressed_kinds(db: sqlite_utils.Database, contact: Contact, region: str) -> list[str]:
    """Which of the contact's values (`email`, `phone`) are on the list."""
    hashes = contact.hashes(region)
    listed = listed_hashes(db, hashes.values())
    return [kind for kind, value in hashes.items() if value in listed]
