"""Recording an email once it is out: its row in `emails`, and the email task it completes.

Only what went out is recorded, after the server accepted it (or the mail app was handed
the link), in one write transaction; a failed send records nothing. An email that went out
while the book could not be written is kept in a file (`keep_unrecorded`), which `funnel
email --record-only FILE` records later without sending it again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from funnel_tui.domain import TaskKind, TaskStatus
from funnel_tui.emailing.message import Draft
from funnel_tui.store.sqlite import read_only_book_file, write_transaction
from funnel_tui.timestamps import from_stored, to_stored

if TYPE_CHECKING:
    import sqlite_utils

# Whether an invite to meeting task `?` went out, from rep `?` (NULL: a one-rep book's): a
# meeting confirmation sent to its prospect once it was booked, while no meeting of theirs
# booked after it was open (a confirmation invites to the open meeting booked last).
_INVITED = """
SELECT EXISTS (SELECT 1 FROM tasks t JOIN emails e ON e.prospect_id = t.prospect_id
WHERE t.id = ? AND e.template = 'meeting_confirmation' AND e.sent_at >= t.created_at
  AND coalesce(e.rep, '') = coalesce(?, '')
  AND NOT EXISTS (SELECT 1 FROM tasks later WHERE later.prospect_id = t.prospect_id
    AND later.kind = 'meeting' AND later.id > t.id AND later.created_at < e.sent_at
    AND (later.done_at IS NULL OR later.done_at > e.sent_at)))
"""


def invite_sent(db: sqlite_utils.Database, task_id: int, rep: str | None = None) -> bool:
    """Whether the prospect of meeting `task_id` was sent the invite to it (in a team's
    book, by `rep`: a calendar takes a change only from the invite's organizer): moved or
    called off, their calendar still holds it until they are sent the change."""
    return bool(db.execute(_INVITED, [task_id, rep]).fetchone()[0])


SMTP = "smtp"
MAILTO = "mailto"
VIAS = (SMTP, MAILTO)
# What a file of an unrecorded email says it is, and the draft's fields it keeps.
UNRECORDED_KIND = "funnel-tui unrecorded email"
KEPT_DRAFT_FIELDS = ("prospect_id", "template", "to_name", "to_address", "subject", "body")


class NotAnUnrecordedEmail(ValueError):
    """A file `--record-only` cannot read as an email kept by `keep_unrecorded`."""


@dataclass(frozen=True)
class SentEmail:
    """An email that went out and is not yet recorded: kept so that recording can be tried
    again (a busy database) without sending it twice."""

    draft: Draft
    via: str
    """`smtp`, or `mailto` when the mail app was handed the link."""
    to_address: str
    message_id: str | None
    sent_at: datetime


@dataclass(frozen=True)
class RecordedEmail:
    email_id: int
    completed_task_id: int | None
    """The open email task this email completed, if the prospect had one."""


def record_email(
    db: sqlite_utils.Database, sent: SentEmail, rep: str | None = None
) -> RecordedEmail:
    """The row in `emails` (in a team's book, `rep`'s), and the prospect's earliest open
    email task marked done (the triggers move `next_call_at` on), in one transaction."""
    draft = sent.draft
    at = to_stored(sent.sent_at)
    with write_transaction(db):
        email_id = db.execute(
            "INSERT INTO emails (prospect_id, sent_at, template, to_address, subject, body, via,"
            " message_id, rep) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                draft.prospect_id,
                at,
                draft.template,
                sent.to_address,
                draft.subject,
                draft.body,
                sent.via,
                sent.message_id,
                rep,
            ],
        ).fetchone()[0]
        task = db.execute(
            "SELECT id FROM tasks WHERE prospect_id = ? AND kind = ? AND status = ?"
            " ORDER BY due_at, id LIMIT 1",
            [draft.prospect_id, TaskKind.EMAIL.value, TaskStatus.OPEN.value],
        ).fetchone()
        if task is not None:
            db.execute(
                "UPDATE tasks SET status = ?, done_at = ? WHERE id = ?",
                [TaskStatus.DONE.value, at, task[0]],
            )
    return RecordedEmail(int(email_id or 0), None if task is None else task[0])


def is_recorded(db: sqlite_utils.Database, sent: SentEmail) -> bool:
    """Whether this email is in `emails` already (the same prospect, moment, address and
    subject): recording it again would count it twice."""
    row = db.execute(
        "SELECT 1 FROM emails WHERE prospect_id = ? AND sent_at = ? AND to_address = ?"
        " AND subject = ? LIMIT 1",
        [sent.draft.prospect_id, to_stored(sent.sent_at), sent.to_address, sent.draft.subject],
    ).fetchone()
    return row is not None


@dataclass(frozen=True)
class KeptEmail:
    """An email `keep_unrecorded` kept, and the book it was sent from (`book_id`; None in
    a file kept before the book was written down)."""

    sent: SentEmail
    book: str | None


def keep_unrecorded(sent: SentEmail, folder: Path, book: str) -> Path:
    """`sent`, from the book whose `book_id` is `book`, in a new file in `folder` (created
    when missing) that only its owner reads (it holds the person's email), for
    `read_unrecorded`; OSError when it cannot be written."""
    kept = {
        "kind": UNRECORDED_KIND,
        "book": book,
        **{name: getattr(sent.draft, name) for name in KEPT_DRAFT_FIELDS},
        "via": sent.via,
        "message_id": sent.message_id,
        "sent_at": to_stored(sent.sent_at),
    }
    folder.mkdir(parents=True, exist_ok=True)
    stamp = to_stored(sent.sent_at)[:19].replace(":", "").replace("-", "")
    path = folder / f"unrecorded-email-{stamp}-prospect-{sent.draft.prospect_id}.json"
    number = 1
    while True:
        try:
            file = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            number += 1
            path = path.with_name(f"{path.stem.split('.')[0]}.{number}.json")
    with os.fdopen(file, "w", encoding="utf-8") as written:
        written.write(json.dumps(kept, ensure_ascii=False, indent=2) + "\n")
    return path


def read_unrecorded(path: Path) -> KeptEmail:
    """The email `keep_unrecorded` kept in `path`; NotAnUnrecordedEmail (or OSError) when
    the file is not one."""
    not_one = NotAnUnrecordedEmail(f"{path} is not an email kept by funnel email --send")
    try:
        kept: Any = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise not_one from None
    if not isinstance(kept, dict) or kept.get("kind") != UNRECORDED_KIND:
        raise not_one
    texts = [*KEPT_DRAFT_FIELDS[1:], "via", "sent_at"]
    sent_at = from_stored(kept.get("sent_at")) if isinstance(kept.get("sent_at"), str) else None
    if (
        type(kept.get("prospect_id")) is not int
        or not all(isinstance(kept.get(name), str) for name in texts)
        or kept["via"] not in VIAS
        or not isinstance(kept.get("message_id"), str | None)
        or sent_at is None
    ):
        raise not_one
    book = kept.get("book")
    if not isinstance(book, str | None):
        raise not_one
    draft = Draft(**{name: kept[name] for name in KEPT_DRAFT_FIELDS})
    sent = SentEmail(draft, kept["via"], kept["to_address"], kept["message_id"], sent_at)
    return KeptEmail(sent, book)


def cannot_be_recorded(storage: Any) -> str | None:
    """Why an email sent now could not be recorded, known before it goes out: a book in a
    file this process cannot write (an email sent, then not recorded, is easily sent
    twice). None otherwise: a busy book or a server out of reach is met as it is recorded,
    and the email kept to record later."""
    if (path := read_only_book_file(storage)) is not None:
        return f"{path} is read-only, so it could not be recorded: check the file's permissions"
    return None
