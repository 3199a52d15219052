"""The prospects of a book copied into a team's database (`funnel migrate-to`) who are
people the team's book already has, matched as `funnel import` matches a row to a
prospect: the same email (any case), else the same phone number and the same name (case
and spacing ignored) with no other email. The copy keeps them apart; these say which.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from funnel_tui.import_keys import KEYS_PER_QUERY, ImportKeys, email_key, name_key
from funnel_tui.phones import phone_key

# A book's prospect as matching reads it: (its id once copied, name, email, phone).
BookProspect = tuple[int, Any, Any, Any]


@dataclass(frozen=True)
class SamePerson:
    """A book's prospect (by its id once copied) and the team's prospect who is the same
    person."""

    copied_id: int
    team_id: int
    owner: str | None
    """The team prospect's rep; None: the pool's."""


def same_people(db: Any, prospects: Iterable[BookProspect], region: str) -> list[SamePerson]:
    """The book's `prospects` who are people the team's book (`db`, before the copy)
    already has, in the book's order; phone numbers that are not stored whole are read in
    `region`."""
    keys = ImportKeys(db, region)
    found: list[tuple[int, int]] = []
    iterator = iter(prospects)
    while chunk := list(islice(iterator, KEYS_PER_QUERY)):
        keyed = [
            (copied_id, email_key(email), phone_key(_text(phone), region), name_key(name))
            for copied_id, name, email, phone in chunk
        ]
        known = keys.find(
            {email for _, email, _, _ in keyed if email},
            {(phone, name) for _, _, phone, name in keyed if phone},
        )
        emails = _emails_of(db, set(known.phone_names.values()))
        for copied_id, email, phone, name in keyed:
            team_id = known.emails.get(email) if email else None
            if team_id is None and phone:
                team_id = known.phone_names.get((phone, name))
                # Two people who share a switchboard number stay apart.
                if team_id is not None and email and emails.get(team_id) not in ("", email):
                    team_id = None
            if team_id is not None:
                found.append((copied_id, team_id))
    keys.drop()
    owners = _owners_of(db, {team_id for _, team_id in found})
    return [SamePerson(copied_id, team_id, owners[team_id]) for copied_id, team_id in found]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _emails_of(db: Any, ids: set[int]) -> dict[int, str]:
    return {
        prospect_id: email_key(email)
        for prospect_id, email in _by_id(db, "SELECT id, email FROM prospects", ids)
    }


def _owners_of(db: Any, ids: set[int]) -> dict[int, str | None]:
    return dict(_by_id(db, "SELECT id, owner FROM prospects", ids))


def _by_id(db: Any, select: str, ids: set[int]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        chunk = ordered[start : start + KEYS_PER_QUERY]
        marks = ", ".join("?" * len(chunk))
        rows += db.execute(f"{select} WHERE id IN ({marks})", chunk).fetchall()
    return rows
