"""Recording an email once it is out: its row in `emails`, and the email task it completes.

Only what went out is recorded, after the server accepted it (or the mail app was handed
the link), in one write transaction; a failed send records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from funnel_tui.domain import TaskKind, TaskStatus
from funnel_tui.emailing.message import Draft
from funnel_tui.storage import write_transaction
from funnel_tui.timestamps import to_stored

SMTP = "smtp"
MAILTO = "mailto"
VIAS = (SMTP, MAILTO)


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


def record_email(db: sqlite_utils.Database, sent: SentEmail) -> RecordedEmail:
    """The row in `emails`, and the prospect's earliest open email task marked done (the
    triggers move `next_call_at` on), in one transaction."""
    draft = sent.draft
    at = to_stored(sent.sent_at)
    with write_transaction(db):
        email_id = db.execute(
            "INSERT INTO emails (prospect_id, sent_at, template, to_address, subject, body, via,"
            " message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                draft.prospect_id,
                at,
                draft.template,
                sent.to_address,
                draft.subject,
                draft.body,
                sent.via,
                sent.message_id,
            ],
        ).lastrowid
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
