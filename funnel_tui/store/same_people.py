"""The prospects of a book copied into a team's database (`funnel migrate-to`) who are
people the team's book already has, matched as `funnel import` matches a row to a
prospect: the same email (any case), else the same phone number and the same name (case
and spacing ignored) with no other email.

A pool prospect nobody has worked yet (no call, task, deal, note, email, flag change or
claim: a lead marketing imported) is merged into the copied one, as an import updates a
prospect: the copied one keeps everything it had (its history, stage and source, so the
rep's figures stay the same) and takes the pool's where its own field is empty; a
do-not-call mark is never lost. The pool's row then goes. Any other match (a pool
prospect someone worked, another rep's) is kept apart, and the closing lines name it; a
do-not-call mark of the team's prospect goes on the copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from funnel_tui.import_keys import KEYS_PER_QUERY, ImportKeys, email_key, name_key, same_person
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
            team_id = same_person(
                email, phone, name, known.emails, known.phone_names, emails.__getitem__
            )
            if team_id is not None:
                found.append((copied_id, team_id))
    keys.drop()
    owners = _owners_of(db, {team_id for _, team_id in found})
    return [SamePerson(copied_id, team_id, owners[team_id]) for copied_id, team_id in found]


# What marks a pool prospect as worked: it is kept apart rather than merged.
_UNTOUCHED = """
SELECT id FROM prospects p WHERE id IN ({ids}) AND owner IS NULL
AND NOT EXISTS (SELECT FROM calls WHERE prospect_id = p.id)
AND NOT EXISTS (SELECT FROM tasks WHERE prospect_id = p.id)
AND NOT EXISTS (SELECT FROM deals WHERE prospect_id = p.id)
AND NOT EXISTS (SELECT FROM notes WHERE prospect_id = p.id)
AND NOT EXISTS (SELECT FROM emails WHERE prospect_id = p.id)
AND NOT EXISTS (SELECT FROM flag_changes WHERE prospect_id = p.id)
AND NOT EXISTS (SELECT FROM claims WHERE prospect_id = p.id)
FOR UPDATE
"""
# The fields an empty one of the copied prospect takes from the pool's.
_FILLED = ("first_name", "title", "company", "email", "needs", "pain_points", "objections", "goals")
_MERGE = f"""
UPDATE prospects c SET
    {", ".join(f"{name} = coalesce(nullif(c.{name}, ''), p.{name})" for name in _FILLED)},
    phone = coalesce(nullif(c.phone, ''), p.phone),
    wrong_number = CASE WHEN coalesce(c.phone, '') = '' THEN p.wrong_number
        ELSE c.wrong_number END,
    timezone = coalesce(nullif(c.timezone, ''), p.timezone),
    timezone_guessed = CASE WHEN coalesce(c.timezone, '') = '' THEN p.timezone_guessed
        ELSE c.timezone_guessed END,
    do_not_call = greatest(c.do_not_call, p.do_not_call),
    do_not_email = greatest(c.do_not_email, p.do_not_email)
FROM prospects p WHERE c.id = ? AND p.id = ?
"""


# A copied prospect kept apart from the team's who is marked do-not-call takes the mark:
# nobody the team was told not to call is called again through a copy.
_KEEP_DO_NOT_CALL = """
UPDATE prospects c SET do_not_call = 1 FROM prospects p
WHERE c.id = ? AND p.id = ? AND p.do_not_call = 1 AND c.do_not_call = 0
RETURNING c.id
"""
# And one marked do not email takes that mark: nobody who asked for no email gets one.
_KEEP_DO_NOT_EMAIL = """
UPDATE prospects c SET do_not_email = 1 FROM prospects p
WHERE c.id = ? AND p.id = ? AND p.do_not_email = 1 AND c.do_not_email = 0
"""


@dataclass(frozen=True)
class Matched:
    """What became of the copied prospects who are people the team's book already had."""

    merged: list[SamePerson]
    kept_apart: list[SamePerson]
    # The copied prospects kept apart that took the team's do-not-call mark, by id.
    marked_do_not_call: list[int]


def merge_untouched(db: Any, matches: list[SamePerson]) -> Matched:
    """Merge each pool prospect nobody has worked into the copied prospect who is the same
    person (the first such, when several are), in the caller's transaction, with the
    copied rows in place and the triggers on; a copied prospect kept apart takes the
    team's do-not-call mark."""
    untouched = {
        prospect_id
        for (prospect_id,) in _by_id(
            db, _UNTOUCHED, {m.team_id for m in matches if m.owner is None}
        )
    }
    merged: dict[int, SamePerson] = {}
    kept: list[SamePerson] = []
    for match in matches:
        if match.team_id in merged:
            # The book had this person twice: one of the two took the pool's in.
            continue
        if match.team_id in untouched:
            db.execute(_MERGE, [match.copied_id, match.team_id])
            db.execute("DELETE FROM prospects WHERE id = ?", [match.team_id])
            merged[match.team_id] = match
        else:
            kept.append(match)
    marked = [
        row[0]
        for match in kept
        for row in db.execute(_KEEP_DO_NOT_CALL, [match.copied_id, match.team_id]).fetchall()
    ]
    for match in kept:
        db.execute(_KEEP_DO_NOT_EMAIL, [match.copied_id, match.team_id])
    return Matched(list(merged.values()), kept, marked)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _emails_of(db: Any, ids: set[int]) -> dict[int, str]:
    return {
        prospect_id: email_key(email)
        for prospect_id, email in _by_id(
            db, "SELECT id, email FROM prospects WHERE id IN ({ids})", ids
        )
    }


def _owners_of(db: Any, ids: set[int]) -> dict[int, str | None]:
    return dict(_by_id(db, "SELECT id, owner FROM prospects WHERE id IN ({ids})", ids))


def _by_id(db: Any, query: str, ids: set[int]) -> list[tuple[Any, ...]]:
    """The rows of `query` (`IN ({ids})`) for these prospects, a chunk at a time."""
    rows: list[tuple[Any, ...]] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        chunk = ordered[start : start + KEYS_PER_QUERY]
        rows += db.execute(query.format(ids=", ".join("?" * len(chunk))), chunk).fetchall()
    return rows
