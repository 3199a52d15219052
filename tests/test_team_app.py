"""Two reps' apps on one team database (PRODUCT 16), driven side by side with Pilot: a
prospect one rep claims leaves the other's queue within a second, and a call one logs
shows in the other's gauge."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from textual.widgets import Static
from textual.worker import WorkerCancelled, WorkerState

from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.claims import claim_to_call, holder, try_claim
from funnel_tui.domain import Outcome
from funnel_tui.ownership import assign
from funnel_tui.reps import REP_ENV, add_rep, remove_rep
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.timestamps import to_stored
from funnel_tui.ui import pool_claims
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from tests.app_support import FrozenClock, settle, shown_text, team_app, wait_for
from tests.cli_support import invoke
from tests.conftest import empty_team_book
from tests.rows import insert_row
from tests.test_app import burst
from tests.test_kept_call import pid_of_a_process_that_ended

# How soon another rep's app must show a change (PRODUCT 16).
WITHIN_S = 1.0


@pytest.fixture
def team_url(postgres_url: str) -> Iterator[str]:
    """The module's team database, emptied, with reps alex and blake and three pool leads."""
    storage = open_team_book(postgres_url)
    empty_team_book(postgres_url)
    db = storage.db
    for rep in ("alex", "blake"):
        add_rep(db, rep)
    for priority, name in ((3, "Ann Archer"), (2, "Bo Baker"), (1, "Cy Cole")):
        insert_row(
            db,
            "prospects",
            {
                "name": name,
                "priority": priority,
                "created_at": "2026-11-01T09:00:00+00:00",
                "updated_at": "2026-11-01T09:00:00+00:00",
            },
        )
    storage.close()
    yield postgres_url


def queue_ids(app: FunnelApp) -> list[int]:
    return list(app.screen.queue._ids)  # type: ignore[attr-defined]


async def test_a_claimed_prospect_leaves_the_other_reps_queue_and_a_call_reaches_their_gauge(
    team_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock()
    apps = [
        FunnelApp(open_team_book(team_url), clock=clock, scripts_dir=tmp_path / rep / "s", rep=rep)
        for rep in ("alex", "blake")
    ]
    alex, blake = apps
    try:
        async with blake.run_test(size=(160, 48)) as on_blake:
            await settle(on_blake)
            head, second = queue_ids(blake)[:2]
            # Blake moves on to the second prospect before the head is claimed.
            await on_blake.press("down")
            await wait_for(
                on_blake, lambda: holder(blake.storage.db, second, clock()) == "blake", 2.0
            )
            async with alex.run_test(size=(160, 48)) as on_alex:
                await settle(on_alex)
                # Blake's prospect is not in Alex's queue; Alex's cursor rests on the head.
                assert queue_ids(alex)[0] == head and second not in queue_ids(alex)
                # The claim is committed in the database thread, then the card says so.
                await wait_for(
                    on_alex,
                    lambda: (
                        holder(alex.storage.db, head, clock()) == "alex"
                        and alex.screen.team_view.held_by == "alex"  # type: ignore[attr-defined]
                    ),
                    2.0,
                )
                # Within a second the head leaves Blake's queue.
                await wait_for(on_blake, lambda: head not in queue_ids(blake), WITHIN_S)
                # Alex logs a voicemail: Blake's gauge counts the team's call.
                await on_alex.press("l", "v", "enter")
                await settle(on_alex)
                rows = alex.storage.db.execute("SELECT rep FROM calls").fetchall()
                assert rows == [("alex",)]
                gauge = blake.screen.gauge  # type: ignore[attr-defined]
                await wait_for(
                    on_blake,
                    lambda: gauge.team is not None and gauge.team.team_calls == 1,
                    WITHIN_S,
                )
                assert gauge.team.calls == {"alex": 1}
    finally:
        for app in apps:
            app.storage.close()


async def test_a_call_logged_over_a_dropped_connection_is_saved_once(
    team_url: str, tmp_path: Path
) -> None:
    """The server drops every connection of the app (a restart, a network cut) while the
    rep is on a call: the app reads again on new ones and the outcome is saved once."""
    clock = FrozenClock()
    with team_app(team_url, "alex", tmp_path / "s", clock) as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            head = queue_ids(app)[0]
            with psycopg.connect(team_url, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            await pilot.press("down", "up")
            await settle(pilot)
            await pilot.press("l", "v", "enter")
            await settle(pilot)
            calls = app.storage.db.execute("SELECT prospect_id, rep FROM calls").fetchall()
            assert calls == [(head, "alex")]
            assert app.crash is None


async def test_the_pace_screen_shows_the_reps_own_target_and_won_as_the_gauge_does(
    team_url: str, tmp_path: Path
) -> None:
    """`p` on a team's book: the rep's own target, and their won against it, not the
    team's (which has no target here) nor another rep's deals."""
    with psycopg.connect(team_url, autocommit=True) as admin:
        admin.execute(
            "INSERT INTO targets (period, starts_on, ends_on, amount_cents, rep)"
            " VALUES ('month', '2026-11-01', '2026-11-30', 6000000, 'alex')"
        )
        for cents, rep in ((40000, "alex"), (900000, "blake")):
            admin.execute(
                "INSERT INTO deals (prospect_id, amount_cents, closed_on, rep)"
                " VALUES (1, %s, '2026-11-03', %s)",
                [cents, rep],
            )
    with team_app(team_url, "alex", tmp_path / "s") as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("p")
            await settle(pilot)
            table = shown_text(app.screen.query_one("#performance-table", Static))
            caption = shown_text(app.screen.query_one("#burnup-caption", Static))
            assert "$60,000.00" in table and "$400.00" in table, table
            assert "won $400 of $60,000" in caption, caption


async def test_a_setting_another_rep_changes_reaches_the_open_app_within_a_second(
    team_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alex's app is open when Blake runs `funnel config set currency CHF`: Alex's gauge
    shows francs within a second, without a restart (PRODUCT 16)."""
    with psycopg.connect(team_url, autocommit=True) as admin:
        admin.execute(
            "INSERT INTO targets (period, starts_on, ends_on, amount_cents, rep)"
            " VALUES ('month', '2026-11-01', '2026-11-30', 6000000, 'alex')"
        )
    with team_app(team_url, "alex", tmp_path / "s") as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            gauge = app.screen.gauge  # type: ignore[attr-defined]
            assert "$60,000" in str(gauge.render())
            monkeypatch.setenv(REP_ENV, "blake")
            result = invoke("--db", team_url, "config", "set", "currency", "CHF")
            assert result.exit_code == 0, result.output
            await wait_for(pilot, lambda: "CHF" in str(gauge.render()), WITHIN_S)
            assert app.settings.currency == "CHF"


async def test_a_prospect_the_rep_adds_is_theirs_not_the_pools(
    team_url: str, tmp_path: Path
) -> None:
    with team_app(team_url, "blake", tmp_path / "s") as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            form = app.screen
            form.query_one("#field-name").value = "Oscar Online"  # type: ignore[attr-defined]
            form.query_one("#field-email").value = "oscar@online.example"  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            await settle(pilot)
        owner = app.storage.db.execute(
            "SELECT owner FROM prospects WHERE name = 'Oscar Online'"
        ).fetchall()
        assert owner == [("blake",)]


async def test_leases_the_rep_still_holds_from_before_go_back_when_the_app_opens(
    team_url: str, tmp_path: Path
) -> None:
    """An app killed, or closed while the database was out of reach, leaves its leases
    for 15 minutes; the rep's next app gives them back at once, and keeps its own claim
    and the other reps' leases."""
    clock = FrozenClock()
    expires = "2099-01-01T00:00:00+00:00"
    with psycopg.connect(team_url, autocommit=True) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM prospects ORDER BY priority")]
        left_by_alex, held_by_blake = ids[0], ids[1]
        for prospect_id, rep in ((left_by_alex, "alex"), (held_by_blake, "blake")):
            conn.execute(
                "INSERT INTO claims (prospect_id, rep, claimed_at, expires_at)"
                " VALUES (%s, %s, '2026-11-18T08:00:00+00:00', %s)",
                [prospect_id, rep, expires],
            )
    with team_app(team_url, "alex", tmp_path / "s", clock) as alex:
        async with alex.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            head = queue_ids(alex)[0]
            await wait_for(pilot, lambda: holder(alex.storage.db, head, clock()) == "alex", 2.0)
            held = dict(alex.storage.db.execute("SELECT prospect_id, rep FROM claims").fetchall())
            assert held == {head: "alex", held_by_blake: "blake"}
            assert held_by_blake not in queue_ids(alex)


async def test_a_claim_that_comes_back_after_the_card_is_gone_changes_nothing(
    team_url: str, tmp_path: Path
) -> None:
    """The rep quits while the lease on the prospect under the cursor is on its way: the
    answer finds the card gone (the app is closing) and is let go, not a crash."""
    with team_app(team_url, "alex", tmp_path / "s") as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = app.screen
            gate = threading.Event()
            busy = app.in_db_thread(lambda _db: gate.wait(WITHIN_S * 5))
            claim = screen._claim_shown()  # type: ignore[attr-defined]
            await pilot.pause()
            await screen.prospect_card.remove()  # type: ignore[attr-defined]
            gate.set()
            await busy
            # A later claim (the app's own, as the queue settles) may cancel this one: a
            # cancelled claim is no crash, a failed one would be.
            with contextlib.suppress(WorkerCancelled):
                await claim.wait()
            assert claim.state is not WorkerState.ERROR, claim.error
            assert app.is_running


async def test_the_reps_own_setting_changed_on_the_command_line_reaches_the_open_app(
    team_url: str, tmp_path: Path
) -> None:
    """Alex's app is open when Alex runs `funnel config set rep_name 'Alex Morgan'`, which
    goes to Alex's config file, not the team's database: the app reads it within a second,
    so the scripts and an email's signature name Alex without a restart."""
    with team_app(team_url, "alex", tmp_path / "s") as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            assert app.settings.rep_name == ""
            result = invoke("--db", team_url, "config", "set", "rep_name", "Alex Morgan")
            assert result.exit_code == 0, result.output
            await wait_for(pilot, lambda: app.settings.rep_name == "Alex Morgan", WITHIN_S)


async def test_a_call_another_rep_logs_while_the_dialog_is_open_stops_this_one(
    team_url: str, tmp_path: Path
) -> None:
    """Alex's outcome dialog is open on a pool lead when Blake logs a call on it (the
    lease had lapsed, say): Alex's enter says so and logs nothing; the next logs it."""
    clock = FrozenClock()
    with team_app(team_url, "alex", tmp_path / "s", clock) as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            head = queue_ids(app)[0]
            await pilot.press("l", "n")
            await settle(pilot)
            with contextlib.closing(open_team_book(team_url)) as other:
                other.db.execute("DELETE FROM claims")
                log_call(
                    other.db,
                    head,
                    CallOutcome(Outcome.VOICEMAIL),
                    now=clock(),
                    settings=Settings(),
                    rep="blake",
                )
            await pilot.press("enter")
            await settle(pilot)
            dialog = app.screen
            error = dialog.query_one("#outcome-error", Static)
            await wait_for(pilot, lambda: "has just called" in shown_text(error), 5.0)
            said = " ".join(shown_text(error).split())
            assert "blake has just called Ann Archer; nothing was logged" in said
            # No retry of a failed save: a second call beside blake's.
            assert "(enter logs yours too, escape drops it)" in said
            calls = "SELECT rep FROM calls WHERE prospect_id = ? ORDER BY id"
            assert app.storage.db.execute(calls, [head]).fetchall() == [("blake",)]
            # Told of blake's call, Alex's enter logs theirs as well.
            await pilot.press("enter")
            await settle(pilot)
            await wait_for(pilot, lambda: not isinstance(app.screen, type(dialog)), 5.0)
            logged = app.storage.db.execute(calls, [head]).fetchall()
            assert logged == [("blake",), ("alex",)]
            # The card says whose each call was, but Alex's own.
            screen = app.screen
            assert isinstance(screen, MainScreen)
            screen._show(head)
            await settle(pilot)
            card = shown_text(screen.prospect_card.query_one("#card-body", Static))
            assert [line.strip() for line in card.splitlines()].count("by blake") == 1, card
            assert "by alex" not in card


async def test_a_prospect_assigned_away_while_the_dialog_is_open_keeps_the_call_typed(
    team_url: str, tmp_path: Path
) -> None:
    """`funnel assign --force` moved the pool lead to casey while Alex's dialog held a
    meeting and a note: enter said `enter tries again`, which never could, and escape was
    the only way out, losing the meeting. The dialog keeps it, says how it can be saved,
    and enter saves it once they are Alex's again."""
    clock = FrozenClock()
    with team_app(team_url, "alex", tmp_path / "s", clock) as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            head = queue_ids(app)[0]
            await pilot.press("l", "m", *"tomorrow 11am", "tab", *"wants a demo")
            await settle(pilot)
            with contextlib.closing(open_team_book(team_url)) as other:
                add_rep(other.db, "casey")
                assign(other.db, [head], "casey")
            await pilot.press("enter")
            await settle(pilot)
            dialog = app.screen
            error = dialog.query_one("#outcome-error", Static)
            await wait_for(pilot, lambda: "casey's now" in shown_text(error), 5.0)
            said = " ".join(shown_text(error).split())
            assert "enter tries again" not in said
            assert "enter saves it once they are yours again" in said
            with contextlib.closing(open_team_book(team_url)) as other:
                assign(other.db, [head], "alex")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.screen is not dialog, 5.0)
            calls = "SELECT rep, outcome, notes FROM calls WHERE prospect_id = ?"
            assert app.storage.db.execute(calls, [head]).fetchall() == [
                ("alex", "meeting", "wants a demo")
            ]


async def test_a_redo_on_a_prospect_assigned_away_gives_way_to_the_next(
    team_url: str, tmp_path: Path
) -> None:
    """Undone, then assigned to blake: ctrl+y said "press ctrl+y to try again", which never
    could, and the calls undone before it could not be redone."""
    with team_app(team_url, "alex", tmp_path / "s", FrozenClock()) as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            head = queue_ids(app)[0]
            await pilot.press("l", "n", "enter")
            await settle(pilot)
            await pilot.press("u")
            await settle(pilot)
            with contextlib.closing(open_team_book(team_url)) as other:
                assign(other.db, [head], "blake")

            await pilot.press("ctrl+y")
            said = "Not redone: Ann Archer is blake's now; nothing was logged"
            await wait_for(pilot, lambda: said in notices(app), 5.0)
            await pilot.press("ctrl+y")
            await wait_for(pilot, lambda: "Nothing to redo." in notices(app), 5.0)
            assert not any("try again" in notice for notice in notices(app))
            calls = "SELECT count(*) FROM calls WHERE prospect_id = ?"
            assert app.storage.db.execute(calls, [head]).fetchone() == (0,)


def notices(app: FunnelApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_the_prospect_on_the_phone_stays_held_when_the_cursor_moves_on(
    team_url: str, tmp_path: Path
) -> None:
    """Alex starts a call with the head of the pool and moves down while talking: the
    lease went with the cursor, and another rep could take the person and call them."""
    clock = FrozenClock()
    with team_app(team_url, "alex", tmp_path / "s", clock) as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            head, second = queue_ids(app)[:2]
            await wait_for(pilot, lambda: holder(app.storage.db, head, clock()) == "alex", 2.0)
            await pilot.press("enter", "down")
            await wait_for(pilot, lambda: holder(app.storage.db, second, clock()) == "alex", 2.0)
            assert holder(app.storage.db, head, clock()) == "alex"
            # Logged, the call gives the lease back.
            await pilot.press("up")
            await settle(pilot)
            await pilot.press("l", "v", "enter")
            await settle(pilot)
            await wait_for(pilot, lambda: holder(app.storage.db, head, clock()) is None, 2.0)


async def test_two_reps_who_press_enter_on_one_pool_prospect_at_once_never_both_call(
    team_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alex and Blake press enter on the head of the pool at the same instant, before
    either card has claimed it (`/ cara enter enter` typed fast): the two claims race on
    the server and one rep's call starts; the other has no call running, nothing copied,
    and is told who has the prospect."""
    # The cards claim nothing while the test runs: enter alone claims.
    monkeypatch.setattr(pool_claims, "CLAIM_AFTER_S", 3600.0)
    clock = FrozenClock()
    with (
        team_app(team_url, "alex", tmp_path / "alex" / "s", clock) as alex,
        team_app(team_url, "blake", tmp_path / "blake" / "s", clock) as blake,
    ):
        async with (
            alex.run_test(size=(160, 48)) as on_alex,
            blake.run_test(size=(160, 48)) as on_blake,
        ):
            await settle(on_alex)
            await settle(on_blake)
            head = queue_ids(alex)[0]
            assert queue_ids(blake)[0] == head
            assert holder(alex.storage.db, head, clock()) is None
            # Each app's database thread waits at one gate: both claims reach the server
            # together once it opens, each on its rep's own connection.
            gate = threading.Event()
            waits = [app.in_db_thread(lambda _db: gate.wait(WITHIN_S * 5)) for app in (alex, blake)]
            await on_alex.press("enter")
            await on_blake.press("enter")
            gate.set()
            for waited in waits:
                await waited
            await settle(on_alex)
            await settle(on_blake)

            def running(app: FunnelApp) -> object:
                return app.screen.running_call  # type: ignore[attr-defined]

            started = [app for app in (alex, blake) if running(app) is not None]
            assert len(started) == 1, "both reps' calls started"
            (caller,) = started
            (refused,) = [app for app in (alex, blake) if app is not caller]
            name = caller.screen.card.prospect["name"]  # type: ignore[attr-defined]
            assert running(caller).prospect_id == head  # type: ignore[attr-defined]
            assert holder(alex.storage.db, head, clock()) == caller.rep
            # The rep refused: no call in the gauge, no number copied, and why.
            assert refused.screen.gauge.call_with == ""  # type: ignore[attr-defined]
            assert refused.clipboard == ""
            said = [str(notice.message) for notice in refused._notifications]
            assert f"Not started: {caller.rep} is on {name} now." in said, said
            assert not any(message.startswith("Call started") for message in said), said


async def test_an_app_whose_rep_is_removed_says_so_once_it_cannot_hold_a_prospect(
    team_url: str, tmp_path: Path
) -> None:
    clock = FrozenClock()
    with contextlib.closing(open_team_book(team_url)) as admin:
        add_rep(admin.db, "dana")
    with team_app(team_url, "dana", tmp_path / "s", clock) as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            with contextlib.closing(open_team_book(team_url)) as admin, write_transaction(admin.db):
                remove_rep(admin.db, "dana")
            await pilot.press("down")

            def said() -> str:
                return "\n".join(str(notice.message) for notice in app._notifications)

            await wait_for(pilot, lambda: "no longer a rep of this book" in said(), 3.0)
            assert said().count("no longer a rep") == 1


@pytest.mark.parametrize("whose", ["owned", "held"])
async def test_log_on_a_prospect_another_rep_owns_or_holds_says_so_and_opens_nothing(
    team_url: str, tmp_path: Path, whose: str
) -> None:
    """On Blake's prospect (the card says `blake's: not in your queue`) or one Blake is
    on now, `l` says so at once, as enter does for a call, and opens no dialog to type a
    whole note into; the keys typed after it were meant for that dialog and go with it."""
    clock = FrozenClock()
    with contextlib.closing(open_team_book(team_url)) as other:
        (ann,) = other.db.execute("SELECT id FROM prospects WHERE name = 'Ann Archer'").fetchone()
        if whose == "owned":
            other.db.execute("UPDATE prospects SET owner = 'blake' WHERE id = ?", [ann])
        else:
            with write_transaction(other.db):
                assert try_claim(other.db, ann, "blake", clock())
    said = {"owned": "Ann Archer is blake's now", "held": "blake is on Ann Archer now"}[whose]
    with team_app(team_url, "alex", tmp_path / "s", clock) as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"ann archer", "enter")
            await settle(pilot)
            assert app.screen.card.prospect["id"] == ann  # type: ignore[attr-defined]
            burst(app, "l", "n", "enter")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            toasts = [str(notice.message) for notice in app._notifications]
            dropped = "keys typed after l were not applied"
            assert f"Not logged: {said} · {dropped}." in toasts, toasts
            # Nothing else ran on the keys typed after `l`: no call started, no note asked.
            assert app.screen.running_call is None  # type: ignore[attr-defined]
            assert not any(toast.startswith("Not started") for toast in toasts), toasts
    with contextlib.closing(open_team_book(team_url)) as other:
        assert other.db.execute("SELECT count(*) FROM calls").fetchone() == (0,)


async def test_editing_cancelling_or_rescheduling_a_task_of_another_reps_prospect_asks_first(
    team_url: str, tmp_path: Path
) -> None:
    """Blake cancelled zed's callback from the timeline (`h up c y`) and ticked do not
    call on alex's prospect with nothing said: the callback was lost to zed."""
    from funnel_tui.ui.confirm_dialog import ConfirmDialog
    from funnel_tui.ui.prospect_form import ProspectForm
    from funnel_tui.ui.timeline_screen import TimelineScreen

    clock = FrozenClock()
    with contextlib.closing(open_team_book(team_url)) as other:
        (ann,) = other.db.execute("SELECT id FROM prospects WHERE name = 'Ann Archer'").fetchone()
        other.db.execute("UPDATE prospects SET owner = 'blake' WHERE id = ?", [ann])
        log_call(
            other.db,
            ann,
            CallOutcome(Outcome.CALLBACK, follow_up_at=clock() + timedelta(days=2)),
            now=clock(),
            settings=Settings(),
            rep="blake",
        )
    with team_app(team_url, "alex", tmp_path / "s", clock) as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"ann archer", "enter")
            await settle(pilot)
            # e: asked first, and enter does not answer.
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            question = shown_text(app.screen.query_one("#confirm-question", Static))
            assert "Ann Archer is blake's now. Edit them anyway?" in question
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, ProspectForm)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            # F says whose they are too, before what forgetting them does; n keeps them.
            await pilot.press("F")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            question = shown_text(app.screen.query_one("#confirm-question", Static))
            assert " ".join(question.split()).startswith("Ann Archer is blake's now. Forget Ann")
            await pilot.press("n")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            # The timeline's cancel names whose the prospect is, and only y cancels.
            await pilot.press("h")
            await settle(pilot)
            assert isinstance(app.screen, TimelineScreen)
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            question = shown_text(app.screen.query_one("#confirm-question", Static))
            assert question.startswith("Ann Archer is blake's now. Cancel the ")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("n")
            await settle(pilot)
            # Rescheduling it asks as well; the time typed right after y is the new one.
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            question = shown_text(app.screen.query_one("#confirm-question", Static))
            assert question.startswith("Ann Archer is blake's now. Reschedule the ")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            burst(app, "y", *"in 5 days", "enter")
            await settle(pilot)
            assert isinstance(app.screen, TimelineScreen)
    with contextlib.closing(open_team_book(team_url)) as other:
        assert other.db.execute(
            "SELECT status, due_at FROM tasks WHERE prospect_id = ? AND kind = 'callback'", [ann]
        ).fetchall() == [("open", to_stored(clock() + timedelta(days=5)))]


async def test_a_call_running_as_the_app_closes_keeps_its_lease_until_it_is_logged(
    team_url: str, tmp_path: Path
) -> None:
    """The window closed mid-call (SIGHUP closes the app as `q` does): the app gave back the
    lease of the person on the phone while keeping the call to run again. Another rep
    could call them, and the call, back in the reopened app, could not be logged."""
    clock = FrozenClock()
    with team_app(team_url, "alex", tmp_path / "s", clock) as alex:
        async with alex.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            head = queue_ids(alex)[0]
            await wait_for(pilot, lambda: holder(alex.storage.db, head, clock()) == "alex", 2.0)
            await pilot.press("enter")
            screen = alex.screen
            assert isinstance(screen, MainScreen)
            await wait_for(pilot, lambda: screen.running_call is not None, 2.0)
    with team_app(team_url, "blake", tmp_path / "b", clock) as blake:
        assert holder(blake.storage.db, head, clock()) == "alex"
        assert (
            claim_to_call(blake.storage.db, head, "blake", clock()) == "alex is on Ann Archer now"
        )
    clock.advance(minutes=10)
    with team_app(team_url, "alex", tmp_path / "s", clock) as again:
        async with again.run_test(size=(160, 48)) as pilot:
            screen = again.screen
            assert isinstance(screen, MainScreen)
            await wait_for(pilot, lambda: screen.running_call is not None, 2.0)
            db = again.storage.db
            # Renewed as the call came back: a lease of its own 15 minutes from now.
            (expires,) = db.execute(
                "SELECT expires_at FROM claims WHERE prospect_id = ?", [head]
            ).fetchone()
            assert expires == to_stored(clock() + timedelta(minutes=15))
            await pilot.press("l", "n", "enter")
            await wait_for(
                pilot,
                lambda: (
                    db.execute(
                        "SELECT count(*) FROM calls WHERE prospect_id = ?", [head]
                    ).fetchone()[0]
                    == 1
                ),
                2.0,
            )
            assert db.execute("SELECT rep FROM calls WHERE prospect_id = ?", [head]).fetchall() == [
                ("alex",)
            ]


def reader_url(team_url: str) -> str:
    """The team's database as a role that may only read it."""
    with psycopg.connect(team_url, autocommit=True) as conn:
        with contextlib.suppress(psycopg.errors.DuplicateObject):
            conn.execute("CREATE ROLE funnel_reader LOGIN")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO funnel_reader")
    superuser = urlsplit(team_url).username
    return team_url.replace(f"//{superuser}@", "//funnel_reader@", 1)


async def test_a_role_that_may_only_read_is_told_so_and_its_app_goes_on(
    team_url: str, tmp_path: Path
) -> None:
    """A rep whose role may only read: resting on a pool prospect, whose claim is a write,
    ended the app with `unexpected error: InsufficientPrivilege` and a crash log."""
    with team_app(reader_url(team_url), "alex", tmp_path / "s") as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("j")

            def said() -> list[str]:
                return [str(toast.message) for toast in app._notifications]

            await wait_for(
                pilot, lambda: any("refuses your changes" in line for line in said()), 2.0
            )
            [notice] = [line for line in said() if "refuses your changes" in line]
            assert "permission denied for table" in notice and "nothing was written" in notice
            assert app.is_running and app.crash is None
            # What can be read still is: the card shows the prospect under the cursor.
            assert app.screen.card is not None
            # enter, whose claim is a write too, said `press enter to try again`.
            await pilot.press("enter")
            await settle(pilot)
            assert not any("to try again" in line for line in said()), said()
            assert app.screen.running_call is None


async def test_a_call_a_role_that_may_only_read_cannot_save_is_not_offered_again(
    team_url: str, tmp_path: Path
) -> None:
    """The outcome dialog said `Not saved: permission denied for table ... (enter tries
    again)` to a role no try lets write."""
    with psycopg.connect(team_url, autocommit=True) as conn:
        conn.execute("UPDATE prospects SET owner = 'alex'")
    with team_app(reader_url(team_url), "alex", tmp_path / "s") as app:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("l", "n", "enter")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, OutcomeDialog)
            said = shown_text(dialog.query_one("#outcome-error"))
            assert "Not saved: the database refuses your changes (permission denied" in said
            assert "nothing was written, and trying again will not write it" in said
            assert "tries again" not in said
            assert app.is_running and app.crash is None


async def test_another_reps_lease_running_out_shows_within_a_second(
    team_url: str, tmp_path: Path
) -> None:
    """Nothing is written when a lease runs out: the gauge said `blake holds 1`, and the
    queue left their prospect out, a minute and more after blake's app was killed."""
    clock = FrozenClock()
    with psycopg.connect(team_url, autocommit=True) as conn:
        held = conn.execute("SELECT id FROM prospects ORDER BY priority DESC LIMIT 1").fetchone()[0]
        conn.execute(
            "INSERT INTO claims (prospect_id, rep, claimed_at, expires_at)"
            " VALUES (%s, 'blake', %s, %s)",
            [
                held,
                to_stored(clock() - timedelta(minutes=15)),
                to_stored(clock() + timedelta(seconds=1)),
            ],
        )
    with team_app(team_url, "alex", tmp_path / "s", clock) as alex:
        async with alex.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = alex.screen
            assert isinstance(screen, MainScreen)
            await wait_for(pilot, lambda: screen.gauge.team is not None, 2.0)
            # Alex's own card may hold the head of the queue by now as well.
            assert screen.gauge.team.held.get("blake") == 1
            assert held not in queue_ids(alex)
            clock.advance(seconds=1)
            await wait_for(pilot, lambda: "blake" not in screen.gauge.team.held, WITHIN_S + 1.0)
            await wait_for(pilot, lambda: held in queue_ids(alex), WITHIN_S)
            assert "blake holds" not in screen.gauge.render().plain


def kept_elsewhere(app: FunnelApp, prospect_id: int, name: str, pid: int) -> Path:
    """A call kept as a window of the rep's keeps it: `pid` the window's process."""
    from funnel_tui.book_name import book_id
    from funnel_tui.call_state import KeptCall, keep_call, kept_call_path

    path = kept_call_path(book_id(app.storage.db), app.rep)
    keep_call(path, KeptCall(prospect_id, name, FrozenClock()(), pid=pid))
    return path


async def test_moving_on_in_a_second_window_keeps_the_lease_of_the_first_windows_call(
    team_url: str, tmp_path: Path
) -> None:
    """The second window's cursor rested on the person the first window is on the phone
    with, then moved on: it gave their lease back, and blake called them."""
    clock = FrozenClock()
    with team_app(team_url, "alex", tmp_path / "s", clock) as alex:
        db = alex.storage.db
        ann = db.execute("SELECT id FROM prospects WHERE name = 'Ann Archer'").fetchone()[0]
        with write_transaction(db):
            assert try_claim(db, ann, "alex", clock())
        # The first window: another process of the rep's, still running.
        kept_elsewhere(alex, ann, "Ann Archer", os.getppid())
        async with alex.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = alex.screen
            assert isinstance(screen, MainScreen)
            assert queue_ids(alex)[0] == ann
            await pilot.pause(pool_claims.CLAIM_AFTER_S * 2)
            await settle(pilot)
            await pilot.press("j")
            await pilot.pause(pool_claims.CLAIM_AFTER_S * 2)
            await settle(pilot)
            assert holder(db, ann, clock()) == "alex"
            assert claim_to_call(db, ann, "blake", clock()) == "alex is on Ann Archer now"
            # The first window killed: its call is kept for it to bring back, and so is
            # the lease, as this window's cursor comes and goes again.
            kept_elsewhere(alex, ann, "Ann Archer", pid_of_a_process_that_ended())
            await pilot.press("k")
            await pilot.pause(pool_claims.CLAIM_AFTER_S * 2)
            await pilot.press("j")
            await pilot.pause(pool_claims.CLAIM_AFTER_S * 2)
            await settle(pilot)
            assert holder(db, ann, clock()) == "alex"


async def test_a_kept_call_whose_prospect_another_rep_took_meanwhile_is_said_and_let_go(
    team_url: str, tmp_path: Path
) -> None:
    """Back after its lease ran out, the call headed the list and `l` refused it: `Not
    logged: blake is on Ann Archer now`, for good."""
    clock = FrozenClock()
    with team_app(team_url, "alex", tmp_path / "s", clock) as alex:
        db = alex.storage.db
        ann = db.execute("SELECT id FROM prospects WHERE name = 'Ann Archer'").fetchone()[0]
        with write_transaction(db):
            assert try_claim(db, ann, "blake", clock())
        # This app's own call, left by the app that died (the same process here).
        path = kept_elsewhere(alex, ann, "Ann Archer", os.getpid())
        async with alex.run_test(size=(160, 48)) as pilot:
            screen = alex.screen
            assert isinstance(screen, MainScreen)

            def said() -> list[str]:
                return [str(toast.message) for toast in alex._notifications]

            await wait_for(pilot, lambda: any("cannot be logged" in line for line in said()), 2.0)
            assert screen.running_call is None
            assert (
                "Your call with Ann Archer, started 14:30, was still running when the app"
                " stopped, but blake is on Ann Archer now: it cannot be logged; note it on"
                " their card." in said()
            )
        assert not path.exists()
        assert holder(db, ann, clock()) == "blake"
