"""Schema v27: a lost prospect keeps no call task, so their revisit brings them back.

The queue shows a lost prospect only for a due revisit, and a prospect's next call is
their earliest open task. Up to v26 a try on a lost prospect before their revisit (no
answer, a voicemail, a gatekeeper's time) booked a call task: it came before the revisit,
the queue never showed it while they were lost, and it stayed their next call after the
revisit's day had come, so the revisit never brought them back. A try now books nothing
(outcome_effects); the upgrade cancels the open call tasks such tries left, which the
triggers on `tasks` take out of each prospect's next call. The same statement runs in
both dialects, with each one's own `now` for the time they are cancelled.
"""

from __future__ import annotations

from funnel_tui.domain import Stage, TaskKind, TaskStatus

# The open call tasks of lost prospects.
HIDDEN_CALLS = (
    f"status = '{TaskStatus.OPEN.value}' AND kind = '{TaskKind.CALL.value}'"
    f" AND prospect_id IN (SELECT id FROM prospects WHERE stage = '{Stage.LOST.value}')"
)
# `{now}`: the moment in the stored form, as each dialect writes it.
CANCEL_HIDDEN_CALLS = (
    f"UPDATE tasks SET status = '{TaskStatus.CANCELLED.value}', done_at = {{now}}"
    f" WHERE {HIDDEN_CALLS}"
)

SQLITE_NOW = "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
