"""`funnel next` and `funnel log`: today's next prospect, and a call logged as the outcome
dialog logs it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import click

from funnel_tui.cli.book import db_option, open_db, own_rep, settings_said
from funnel_tui.cli.errors import UserError
from funnel_tui.cli.params import WholeNumber
from funnel_tui.domain import Ask, outcome_names, reason_names
from funnel_tui.queue import QueueMode, read_order
from funnel_tui.store.errors import ConnectionLost
from funnel_tui.store.sqlite import StorageError
from funnel_tui.text import one_line
from funnel_tui.timestamps import system_now


@click.command("next")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def next_command(db_path: Path | None, as_json: bool) -> None:
    """The next prospect of today's queue, as the app orders it: who, how to reach them
    and why they are next (`{"prospect": null}` with --json when the queue is empty)."""
    from funnel_tui.next_prospect import next_prospect

    now = system_now()
    storage = open_db(db_path, read_only=True)
    db = storage.db
    settings = settings_said(db)
    rep = own_rep(storage)
    found = next_prospect(db, now=now, settings=settings, rep=rep)
    if as_json:
        click.echo(json.dumps({"prospect": found.to_json() if found else None}, indent=2))
        return
    if found is None:
        waiting = read_order(
            db, now=now, mode=QueueMode.TODAY, text="", settings=settings, rep=rep
        ).held_back
        later = f"; {waiting} wait for their calling hours" if waiting else ""
        click.echo(f"Nobody to call now: today's queue is empty{later}.")
        return
    click.echo("\n".join(found.describe(now, settings.phone_region)))


# The option that types each field an outcome asks for.
FIELD_OPTIONS = {
    Ask.WHEN: "--when",
    Ask.AMOUNT: "--amount",
    Ask.CLOSE_ON: "--close-on",
    Ask.REASON: "--reason",
    Ask.REVISIT_ON: "--revisit-on",
}


# A call longer than the app keeps one running (call_state.KEPT_AT_MOST) was left
# running: the app logs it without its time, and the command refuses it.
MAX_DURATION_S = 12 * 60 * 60


@click.command(
    "log",
    help="Log a call with PROSPECT_ID as the outcome dialog does. OUTCOME is a"
    f" `calls.outcome` value or the dialog's key: {outcome_names()}.",
)
@db_option
@click.argument("prospect_id", type=int)
@click.argument("outcome")
@click.option("--note", default=None, help="A note on the call.")
@click.option(
    "--when",
    default=None,
    help="When (a callback, meeting, no-show's reschedule, gatekeeper's or meeting held's "
    "next step): tomorrow 10am, fri 2pm, in 3 days, 2026-12-03 14:30.",
)
@click.option(
    "--amount",
    default=None,
    help="A proposal's or a win's amount (12000, 12k); a win defaults to the open deal value.",
)
@click.option("--close-on", default=None, help="A proposal's expected close date (15/12).")
@click.option("--reason", default=None, help=f"Why not interested: {reason_names()}.")
@click.option("--revisit-on", default=None, help="Not interested: the day to try again.")
@click.option(
    "--duration",
    type=WholeNumber(0, MAX_DURATION_S, "seconds"),
    default=0,
    help="How long the call took, in seconds (it ended now).",
)
@click.option(
    "--request-id",
    default=None,
    help="A key of your own for this call: run again with it, the call is found, never "
    "logged twice (default: a new one each run).",
)
@click.option("--yes", is_flag=True, help="Log it even when the prospect is marked do not call.")
def log_command(
    db_path: Path | None,
    prospect_id: int,
    outcome: str,
    note: str | None,
    when: str | None,
    amount: str | None,
    close_on: str | None,
    reason: str | None,
    revisit_on: str | None,
    duration: int,
    request_id: str | None,
    yes: bool,
) -> None:
    """Log a call (the help is built from the outcomes)."""
    from funnel_tui.call_log import OutcomeInvalid
    from funnel_tui.typed_call import (
        CallRefused,
        FieldsRefused,
        NeedsConfirmation,
        TypedCall,
        describe_logged,
        field_warnings,
        log_typed_call,
        meeting_warning_for,
        read_outcome,
    )

    try:
        chosen = read_outcome(outcome)
    except CallRefused as error:
        raise UserError(str(error)) from None
    typed = {
        Ask.WHEN: when,
        Ask.AMOUNT: amount,
        Ask.CLOSE_ON: close_on,
        Ask.REASON: reason,
        Ask.REVISIT_ON: revisit_on,
    }
    call = TypedCall(
        chosen,
        {ask: text for ask, text in typed.items() if text is not None},
        note=note,
        duration_s=duration,
    )
    now = system_now()
    try:
        storage = open_db(db_path, read_only=True)
        db = storage.db
        settings = settings_said(db)
        rep = own_rep(storage)
        # Read before the call completes the meeting; said once it is logged, as the dialog
        # says it and still saves.
        warning = storage.retrying(lambda db: meeting_warning_for(db, prospect_id, chosen, now=now))
        warnings = storage.retrying(
            lambda db: field_warnings(db, prospect_id, call, now=now, settings=settings)
        )
    except (StorageError, ConnectionLost) as error:
        # Nothing was tried yet: running the command again logs the call once.
        raise UserError(f"{error}; nothing was logged") from None
    # One per run: a retry after a lost connection finds the call instead of writing it
    # again.
    key = str(uuid.uuid4()) if request_id is None else request_id
    try:
        logged = storage.retrying(
            lambda db: log_typed_call(
                db,
                prospect_id,
                call,
                now=now,
                settings=settings,
                request_id=key,
                confirmed=yes,
                rep=rep,
            )
        )
    except FieldsRefused as refused:
        raise UserError(
            "; ".join(f"{FIELD_OPTIONS[ask]}: {why}" for ask, why in refused.refused.items())
        ) from None
    except NeedsConfirmation as error:
        raise UserError(f"{error}: nothing logged (--yes logs it anyway)") from None
    except (CallRefused, OutcomeInvalid) as error:
        raise UserError(str(error)) from None
    except ConnectionLost as error:
        # The commit may have gone through with only its answer lost: the same key finds it.
        raise UserError(
            f"{error}; whether the call was logged is not known: run the same command with"
            f" --request-id {key} to log it exactly once"
        ) from None
    click.echo(one_line(describe_logged(storage.db, logged, now=now, settings=settings)))
    if logged.already_logged:
        return
    said = [warning] if warning is not None else []
    said += [f"{FIELD_OPTIONS[ask]}: {why}" for ask, why in warnings.items()]
    for line in said:
        click.echo(f"funnel: {one_line(f'⚠ {line}; logged all the same')}", err=True)
