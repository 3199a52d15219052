"""Prospects: reading one for the card, validating and saving the add/edit form, notes."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from funnel_tui.clocks import FIXED_OFFSET, fixed_offset_region, known_zone
from funnel_tui.domain import TEXT_FIELDS, Kind, Priority, Stage
from funnel_tui.foreign_values import MARK, readable_row
from funnel_tui.import_keys import name_key
from funnel_tui.money import AmountError, parse_amount
from funnel_tui.phones import PhoneRefused, read_phone_in_zone
from funnel_tui.rep_names import RepError
from funnel_tui.reps import known_rep
from funnel_tui.settings import load_settings
from funnel_tui.store.sql import Variants
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.tasks import (
    Task,
    cancel_call_tasks,
    cancel_email_tasks,
    reopen_call_tasks,
    soonest_open_tasks,
)
from funnel_tui.text import clean_optional, cut_for_quoting, one_line
from funnel_tui.timestamps import to_stored

if TYPE_CHECKING:
    import sqlite_utils

# The yes/no columns the edit form sets (do_not_call is also set by logging that outcome).
FLAG_FIELDS = ("do_not_call", "wrong_number", "nurture", "do_not_email")
# The flags that keep a prospect out of the queue.
OFF_QUEUE_FLAGS = ("do_not_call", "wrong_number")
FORM_FIELDS = (*TEXT_FIELDS, "kind", "stage", "method", "priority", "deal_value", *FLAG_FIELDS)

# An address as a mail app takes it: no `mailto:`, no `<...>`, no second one after a `,`
# or `;` (a forgotten person's, written so, was not the address the suppression list
# knew).
# The longest address mail can be sent to (RFC 5321's path, less its angle brackets).
EMAIL_AT_MOST = 254
EMAIL_SHAPE = re.compile(r"[^@\s:<>,;]+@[^@\s:<>,;]+\.[^@\s.:<>,;]{2,}")
# The open tasks the card lists; it says how many more there are.
CARD_TASKS = 3
# The ids SQLite can store: asking for one outside them would overflow, not miss.
SQLITE_INTEGERS = range(-(2**63), 2**63)


class ProspectInvalid(ValueError):
    """The form has errors; `errors` maps each field to one readable reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))
        self.errors = errors


def email_problem(email: str) -> str | None:
    """Why this does not look like an email address, or None when it does."""
    if len(email) > EMAIL_AT_MOST:
        return f"longer than an email address can be ({EMAIL_AT_MOST} characters)"
    return None if EMAIL_SHAPE.fullmatch(email) else "not an email address (name@company.com)"


def contact_problem(phone: str | None, email: str | None) -> str | None:
    """Why a prospect cannot be kept with these, or None: it needs a way to reach them."""
    return None if phone or email else "a phone or an email is needed"


def timezone_problem(name: str) -> str | None:
    if known_zone(name) is None:
        return "unknown timezone (use a name like Europe/London or America/New_York)"
    return None


def typed_zone_problem(name: str) -> str | None:
    """`timezone_problem`, and for a zone typed in the form a fixed offset named like a
    region's standard time (`EST`), which would set calling hours an hour off all summer:
    the place's zone is asked for instead. An import keeps one (a file is imported all or
    nothing), and `funnel check` lists it."""
    if region := fixed_offset_region(name):
        return f"{name.strip()} is {FIXED_OFFSET}: write the place's zone, such as {region}"
    return timezone_problem(name)


def _choice(value: str, allowed: Collection[str], what: str) -> tuple[str | None, str | None]:
    value = value.strip().lower()
    if value in allowed:
        return value, None
    return None, f"{what} is one of {', '.join(allowed)}"


def _refuse_leaving_no_usable_contact(
    values: Mapping[str, Any],
    row: Mapping[str, Any],
    errors: dict[str, str],
    unchanged: Collection[str],
) -> None:
    """A prospect needs a phone or an email that can be used, in what will be stored: a
    phone or email the rep clears leaves the other, kept as another tool stored it, the
    only way to reach them, so it must be one the add form would take. The refusal goes
    under the field cleared, quoting the other."""
    for cleared, kept in (("phone", "email"), ("email", "phone")):
        if cleared in unchanged or row[cleared] or kept not in unchanged or not row[kept]:
            continue
        if reason := errors.get(kept):
            quoted = cut_for_quoting(repr(one_line(str(values.get(kept) or ""))))
            errors[cleared] = (
                f"a phone or an email is needed, and the {kept} {quoted} cannot be used: {reason}"
            )


def validate_prospect(
    values: Mapping[str, Any],
    *,
    methods: Collection[str],
    phone_region: str,
    currency: str,
    unchanged: Collection[str] = (),
) -> dict[str, Any]:
    """Check form values and return the columns to store; raises ProspectInvalid.

    The phone is read against `phone_region` and stored in E.164 (PRODUCT 15). Without a
    timezone the number's zone is taken, when it has exactly one, and marked as guessed
    (`timezone_guessed`). The fields `unchanged` (an edit that leaves them as stored) are
    no error whatever they hold (a number that cannot be dialled, a zone funnel does not
    know, an email without an @): another tool wrote them, and they are not saved again;
    but one of them left as the only phone or email, the other cleared, must be one that
    can be used. A flag (FLAG_FIELDS) is stored as 1 when its value is true, 0 otherwise."""
    errors: dict[str, str] = {}
    row: dict[str, Any] = {field: clean_optional(values.get(field)) for field in TEXT_FIELDS}
    if not row["name"]:
        errors["name"] = "a name is needed"
    if reason := contact_problem(row["phone"], row["email"]):
        # Under the field that was changed to leave neither, when only one was.
        errors["email" if "phone" in unchanged else "phone"] = reason
    for field, problem in (("email", email_problem), ("timezone", typed_zone_problem)):
        if row[field] and (reason := problem(row[field])):
            errors[field] = reason
    guess = None
    if row["phone"]:
        try:
            zone = row["timezone"] if "timezone" not in errors else None
            phone = read_phone_in_zone(row["phone"], phone_region, zone)
        except PhoneRefused as refused:
            errors["phone"] = str(refused)
        else:
            row["phone"] = phone.stored
            guess = None if row["timezone"] else phone.timezone
    row["timezone_guessed"] = int(guess is not None)
    if guess is not None:
        row["timezone"] = guess
    for field, allowed in (("kind", list(Kind)), ("stage", list(Stage)), ("method", methods)):
        if field in values:
            row[field], reason = _choice(str(values[field] or ""), allowed, field)
            if reason:
                errors[field] = reason
    if "priority" in values:
        priority = str(values["priority"]).strip().lower()
        by_name = {level.label: level for level in Priority}
        if priority in by_name:
            row["priority"] = int(by_name[priority])
        elif priority.isdigit() and int(priority) in set(Priority):
            row["priority"] = int(priority)
        else:
            errors["priority"] = "priority is low, normal or high"
    for flag in FLAG_FIELDS:
        if flag in values:
            row[flag] = int(bool(values[flag]))
    deal_value = str(values.get("deal_value") or "").strip()
    if deal_value:
        try:
            row["deal_value_cents"] = parse_amount(deal_value, currency)
        except AmountError as error:
            errors["deal_value"] = str(error)
    elif "deal_value" in values:
        row["deal_value_cents"] = None
    _refuse_leaving_no_usable_contact(values, row, errors, unchanged)
    if errors := {field: reason for field, reason in errors.items() if field not in unchanged}:
        raise ProspectInvalid(errors)
    return row


SUPPRESSED_REASON = "belongs to a prospect forgotten on request: not added again"


def refuse_suppressed(db: sqlite_utils.Database, row: Mapping[str, Any]) -> None:
    """ProspectInvalid naming the row's email or phone that is on the suppression list
    (someone who asked to be forgotten is not brought back by hand either)."""
    # Imported when a prospect is first added or edited: its hashing is no part of start-up.
    from funnel_tui.suppression import Contact, suppressed_kinds

    contact = Contact(row.get("email"), row.get("phone"))
    kinds = suppressed_kinds(db, contact, load_settings(db).phone_region)
    if kinds:
        raise ProspectInvalid(dict.fromkeys(kinds, SUPPRESSED_REASON))


def same_person_in_book(
    db: sqlite_utils.Database,
    *,
    name: object,
    email: object,
    phone: object,
    other_than: int | None = None,
) -> dict[str, Any] | None:
    """The prospect an import would take these for, as `funnel import` matches: the same
    email (any case), else the same phone number and the same name (case and spacing
    ignored); None when the book has nobody such (`other_than`: the prospect edited).
    Found by email, it says whether that prospect is marked do not email."""
    if email:
        for row in db.query(
            # One marked do not email first: its mark holds for the address.
            "SELECT id, name, do_not_email FROM prospects"
            " WHERE lower(trim(email)) = lower(trim(?)) ORDER BY do_not_email DESC, id",
            [email],
        ):
            if row["id"] != other_than:
                return {**row, "same": "email"}
    if phone and name:
        for row in db.query("SELECT id, name FROM prospects WHERE phone = ? ORDER BY id", [phone]):
            if row["id"] != other_than and name_key(row["name"]) == name_key(name):
                return {**row, "same": "phone number and name"}
    return None


def add_prospect(
    db: sqlite_utils.Database, row: Mapping[str, Any], *, now: datetime, owner: str | None = None
) -> int:
    """Insert a validated prospect; returns its id. ProspectInvalid when its email or
    phone is on the suppression list. In a team's book the rep who adds it by hand is its
    `owner` (a lead they found is theirs, not the pool's)."""
    stamp = to_stored(now)
    with write_transaction(db):
        if owner is not None:
            # A rep removed while their app was open: their prospect would be no one's to
            # call, in no queue and not in the pool (as their calls are, it is refused).
            known = known_rep(db, owner)
            if known is None:
                raise RepError(f"no rep named {owner!r} in this book (removed?); nothing was saved")
            row = {**row, "owner": known}
        refuse_suppressed(db, row)
        (prospect_id,) = db.execute(
            f"INSERT INTO prospects ({', '.join(row)}, created_at, updated_at)"
            f" VALUES ({', '.join('?' * len(row))}, ?, ?) RETURNING id",
            [*row.values(), stamp, stamp],
        ).fetchone()
    return int(prospect_id)


class EditConflict(Exception):
    """Another program changed fields the rep also changed, since the form read the row.

    `theirs` maps each such column to the value it holds now. Nothing was saved: the rep
    chooses, then saves again with the row as it is now.
    """

    def __init__(self, theirs: dict[str, Any]) -> None:
        super().__init__(f"changed meanwhile by another program: {', '.join(theirs)}")
        self.theirs = theirs


def someone_else_now(shown_created_at: object, row: Mapping[str, Any]) -> bool:
    """Whether `row`, read now by the id of a prospect shown when they were added at
    `shown_created_at`, is another person: funnel never gives a forgotten prospect's id
    again (schema v25), but another tool may write a row with it. An unknown moment
    (None) tells nothing."""
    return shown_created_at is not None and shown_created_at != row["created_at"]


def update_prospect(
    db: sqlite_utils.Database,
    prospect_id: int,
    row: Mapping[str, Any],
    *,
    loaded: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Save edited fields; returns the columns written.

    With `loaded`, the row as the form read it, only the columns that differ from it are
    written, so whatever another program saved meanwhile in other columns (a win logged in
    a second window) stays; a column that both changed raises EditConflict and nothing is
    written. A changed phone number clears a wrong-number flag and requeues. Do not call
    set cancels the open call, callback and revisit tasks (at `now`), as logging that
    outcome does; do not email set cancels the open email tasks. A changed email or phone
    on the suppression list raises ProspectInvalid.
    """
    with write_transaction(db):
        current = get_prospect(db, prospect_id)
        if current is None:
            raise LookupError(f"prospect {prospect_id} no longer exists")
        if loaded is not None and someone_else_now(loaded.get("created_at"), current):
            # The form is of the one forgotten, and would write their fields over this
            # other person's.
            raise LookupError(
                f"prospect {prospect_id} is someone else now: the one this form shows was forgotten"
            )
        changes = dict(row)
        if loaded is not None:
            changes = {column: value for column, value in row.items() if value != loaded[column]}
            theirs = {
                column: current[column]
                for column, value in changes.items()
                if current[column] not in (loaded[column], value)
            }
            if theirs:
                raise EditConflict(theirs)
        refuse_suppressed(db, {key: changes[key] for key in ("email", "phone") if key in changes})
        if current["wrong_number"] and changes.get("phone", current["phone"]) != current["phone"]:
            changes["wrong_number"] = 0
        # Do not call cleared (ticked by mistake, or they changed their mind): the calls
        # and callbacks the mark cancelled, still to come, are booked again.
        reopened = (
            reopen_call_tasks(db, prospect_id, current["last_called_at"], now)
            if current["do_not_call"] and changes.get("do_not_call") == 0
            else 0
        )
        # The wrong-number or do-not-call call cleared the follow-up; without one a prospect
        # whose flag is cleared would never come back, so it is due from that call on.
        cleared = any(current[flag] and changes.get(flag) == 0 for flag in OFF_QUEUE_FLAGS)
        if (
            cleared
            and not reopened
            and current["next_call_at"] is None
            and "next_call_at" not in changes
        ):
            changes["next_call_at"] = current["last_called_at"]
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            db.execute(
                f"UPDATE prospects SET {assignments} WHERE id = ?",
                [*changes.values(), prospect_id],
            )
        if changes.get("do_not_call") and not current["do_not_call"]:
            cancel_call_tasks(db, prospect_id, now)
        if changes.get("do_not_email") and not current["do_not_email"]:
            cancel_email_tasks(db, prospect_id, now)
    return changes


def set_method(db: sqlite_utils.Database, prospect_id: int, method: str) -> None:
    """Remember the selling method chosen for this prospect."""
    with write_transaction(db):
        db.execute("UPDATE prospects SET method = ? WHERE id = ?", [method, prospect_id])


def add_note(
    db: sqlite_utils.Database,
    prospect_id: int,
    body: str,
    *,
    now: datetime,
    rep: str | None = None,
) -> int:
    """Add a note to a prospect without logging a call (in a team's book, `rep`'s)."""
    text = clean_optional(body)
    if not text:
        raise ValueError("the note is empty")
    with write_transaction(db):
        (note_id,) = db.execute(
            "INSERT INTO notes (prospect_id, created_at, body, rep) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            [prospect_id, to_stored(now), text, rep],
        ).fetchone()
    return int(note_id)


def get_prospect(db: sqlite_utils.Database, prospect_id: int) -> dict[str, Any] | None:
    if prospect_id not in SQLITE_INTEGERS:
        return None
    rows = list(db.query("SELECT * FROM prospects WHERE id = ?", [prospect_id]))
    return rows[0] if rows else None


def recent_calls(
    db: sqlite_utils.Database, prospect_id: int, limit: int = 5
) -> list[dict[str, Any]]:
    """The prospect's last calls, newest first."""
    return list(
        db.query(
            "SELECT id, started_at, duration_s, outcome, method, notes, follow_up_at, rep"
            " FROM calls"
            " WHERE prospect_id = ? ORDER BY started_at DESC, id DESC LIMIT ?",
            [prospect_id, limit],
        )
    )


def recent_notes(
    db: sqlite_utils.Database, prospect_id: int, limit: int = 3
) -> list[dict[str, Any]]:
    """The prospect's last free notes, newest first."""
    return list(
        db.query(
            "SELECT id, created_at, body FROM notes WHERE prospect_id = ?"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            [prospect_id, limit],
        )
    )


# Another prospect at an address (in any case, with spaces or line breaks around it as
# another tool may store it) who asked for no email: the address is theirs too, whoever
# else the book holds it for (a second prospect added by hand, a team's other rep's copy
# of the same person). The marked are read by their own index (schema_v24).
_MARKED_AT_ADDRESS = Variants(
    sqlite="SELECT id, name FROM prospects WHERE do_not_email = 1 AND id <> ?"
    " AND lower(trim(email, ' ' || char(9, 10, 13))) = lower(?) ORDER BY id LIMIT 1",
    postgresql="SELECT id, name FROM prospects WHERE do_not_email = 1 AND id <> ?"
    " AND lower(btrim(email, ' ' || chr(9) || chr(10) || chr(13))) = lower(?)"
    " ORDER BY id LIMIT 1",
)


def marked_at_address(
    db: sqlite_utils.Database, prospect_id: int, address: object
) -> tuple[int, str] | None:
    """Another prospect at `address` marked do not email, as (id, name); None when there
    is none, or no address."""
    address = address.strip() if isinstance(address, str) else ""
    if not address:
        return None
    row = db.execute(_MARKED_AT_ADDRESS.for_db(db), [prospect_id, address]).fetchone()
    return None if row is None else (int(row[0]), one_line(row[1]) or "another prospect")


class CardData(NamedTuple):
    """Everything the prospect card shows.

    A value of the wrong type or range that another tool stored is None here, and its
    (table, row id, column) is in `unreadable`, so the card shows `?` there.
    """

    prospect: dict[str, Any]
    calls: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    unreadable: frozenset[tuple[str, int, str]] = frozenset()
    tasks: tuple[Task, ...] = ()
    """The soonest open tasks (at most CARD_TASKS); each says which of its values are `?`."""
    open_task_count: int = 0
    """How many tasks are open in all."""
    marked_at_address: tuple[int, str] | None = None
    """Another prospect at this one's address marked do not email (id, name): no email
    goes to the address."""

    def shows_mark(self, table: str, row: dict[str, Any], column: str) -> bool:
        """Whether `row` of `table` held a value of the wrong type or range in `column`."""
        return (table, row["id"], column) in self.unreadable

    def shown(self, table: str, row: dict[str, Any], column: str, text: str) -> str:
        """`text`, or MARK where the row held a value of the wrong type or range."""
        return MARK if self.shows_mark(table, row, column) else text


def load_card(db: sqlite_utils.Database, prospect_id: int) -> CardData | None:
    stored = get_prospect(db, prospect_id)
    if stored is None:
        return None
    unreadable: set[tuple[str, int, str]] = set()

    def readable(table: str, row: dict[str, Any]) -> dict[str, Any]:
        values, columns = readable_row(table, row)
        unreadable.update((table, row["id"], column) for column in columns)
        return values

    prospect = readable("prospects", stored)
    calls = [readable("calls", call) for call in recent_calls(db, prospect_id)]
    notes = [readable("notes", note) for note in recent_notes(db, prospect_id)]
    tasks, open_task_count = soonest_open_tasks(db, prospect_id, CARD_TASKS)
    marked = (
        None if prospect["do_not_email"] else marked_at_address(db, prospect_id, stored["email"])
    )
    return CardData(
        prospect, calls, notes, frozenset(unreadable), tuple(tasks), open_task_count, marked
    )
