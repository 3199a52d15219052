"""Call history another tool wrote, as the scripts read it: a call dated after now has not
happened, and one whose date cannot be read happened on no known day; the opener says
neither falsely, and its cue names both to the rep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from funnel_tui.scripts import load_builtin, read_history
from funnel_tui.scripts.fill import fill_script
from funnel_tui.scripts.objections import load_objections
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui.app import FunnelApp
from tests.app_support import FROZEN_NOW, settle, shown_text
from tests.test_app import first_in_queue

NOW = datetime(2026, 12, 6, 14, tzinfo=UTC)
PETER = {"id": 1, "name": "Peter van Dijk", "kind": "new", "stage": "lead"}


def book(tmp_path: Path, *calls: tuple[str, str, str | None]):
    """A book of one prospect, Peter, with these calls (started_at, outcome, note)."""
    storage = open_storage(tmp_path / "book.db")
    storage.db["prospects"].insert({"name": PETER["name"]})
    for started_at, outcome, note in calls:
        storage.db["calls"].insert(
            {"prospect_id": 1, "started_at": started_at, "outcome": outcome, "notes": note}
        )
    return storage


def filled(storage, now=NOW):
    return fill_script(
        load_builtin("solution"),
        PETER,
        settings=Settings(),
        history=read_history(storage.db, 1, now=now),
        now=now,
        profile=None,
        objections=load_objections(None),
    )


def test_a_call_dated_after_now_is_not_when_you_last_spoke(tmp_path):
    """A callback another tool dated Wednesday the 9th, read on Sunday the 6th: the opener
    said "We last spoke earlier today"."""
    storage = book(tmp_path, ("2026-12-09T10:00:00+00:00", "callback", "future one"))
    history = read_history(storage.db, 1, now=NOW)
    assert history.last_connected_at is None and history.last_note is None
    script = filled(storage)
    assert script.situation == "cold"
    opener = script.steps[0]
    assert "earlier today" not in opener.say and "spoke" not in opener.say
    assert opener.cue.startswith(
        "A call with them (Callback) is dated Wed 9 Dec 10:00, after now, so it is not taken"
        " as when you last spoke. Its note: “future one”."
    )
    assert "Last call's note" not in opener.cue


def test_the_last_call_made_is_the_one_spoken_of_beside_a_call_dated_after_now(tmp_path):
    storage = book(
        tmp_path,
        ("2026-12-03T09:00:00+00:00", "callback", "asked for pricing"),
        ("2026-12-09T10:00:00+00:00", "meeting", None),
        ("2026-12-10T10:00:00+00:00", "no_answer", "later still"),
    )
    script = filled(storage)
    assert script.situation == "known"
    opener = script.steps[0]
    assert "on Thursday" in opener.say
    assert opener.cue.startswith(
        "2 calls with them (Meeting booked, No answer) are dated from Wed 9 Dec 10:00, after"
        " now, so they are not taken as when you last spoke. The last logged one's note:"
        " “later still”. Last call's note: “asked for pricing”."
    )


def test_a_call_a_few_minutes_ahead_of_now_was_made(tmp_path):
    """Another rep's clock may run a minute or two ahead of this one's."""
    ahead = (NOW + timedelta(minutes=2)).isoformat()
    storage = book(tmp_path, (ahead, "callback", "just now"))
    script = filled(storage)
    assert script.situation == "known"
    assert "earlier today" in script.steps[0].say
    assert script.steps[0].cue.startswith("Last call's note: “just now”.")


def test_a_reached_prospect_whose_call_date_cannot_be_read_is_not_greeted_cold(tmp_path):
    """Jonas's callback was stored with `started_at` 'garbage': the opener said "I'm
    calling because our booking rules engine…" to someone the rep had spoken to, while the
    cue quoted that call's note as the last call's."""
    storage = book(
        tmp_path,
        ("2026-12-03T12:43:45+00:00", "voicemail", "Left short VM"),
        ("garbage", "callback", "bad date"),
    )
    history = read_history(storage.db, 1, now=NOW)
    assert history.last_connected_at is None and history.reached_on_no_known_day
    script = filled(storage)
    assert script.situation == "known"
    opener = script.steps[0]
    assert "I'm calling because" not in opener.say
    assert "spoke" not in opener.say and "last time" not in opener.say.lower()
    assert opener.cue.startswith(
        "A call with them (Callback) has a date that cannot be read (funnel check names it):"
        " you have spoken to them before, on a day not known. Its note: “bad date”. Last"
        " call's note: “Left short VM”."
    )


def test_a_call_not_reached_whose_date_cannot_be_read_is_named_but_keeps_them_cold(tmp_path):
    storage = book(tmp_path, ("2026-13-01", "no_answer", None), ("", "no_answer", None))
    script = filled(storage)
    assert script.situation == "cold"
    assert script.steps[0].cue.startswith(
        "2 calls with them (No answer) have dates that cannot be read (funnel check names them)."
    )


async def test_the_pane_names_a_call_dated_after_now(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    prospect = first_in_queue(db)
    ahead = (FROZEN_NOW + timedelta(days=3)).astimezone(UTC).isoformat()
    db["calls"].insert({"prospect_id": prospect["id"], "started_at": ahead, "outcome": "callback"})
    assert first_in_queue(db)["id"] == prospect["id"]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = " ".join(shown_text(demo_app.screen.query_one("#script-body")).split())
        assert "A call with them (Callback) is dated Sat 21 Nov 14:30, after now" in text
        assert "earlier today" not in text


def test_the_last_of_each_kind_is_found_among_calls_of_every_form(tmp_path):
    """Each kind's last call is read off the index, newest first, and the calls written in
    another form are read beside them: the last note, the last no and its reason, and the
    last do-not-call are those of the calls' times, whatever order they were logged in."""
    storage = book(
        tmp_path,
        ("2026-11-02T10:00:00+00:00", "do_not_call", "asked not to be called"),
        ("2026-11-20T10:00:00+00:00", "not_interested", "no budget"),
        *(("2026-10-01T09:00:00+00:00", "no_answer", None),) * 3,
        ("2026-12-01 09:00:00Z", "callback", "wrote in another form, the latest"),
        ("2026-13-45T99:99:99+00:00", "callback", "no moment"),
    )
    storage.db.execute("UPDATE calls SET reason = 'budget' WHERE outcome = 'not_interested'")
    storage.db.conn.commit()
    history = read_history(storage.db, 1, now=NOW)
    assert history.last_note == "wrote in another form, the latest"
    assert history.last_connected_at == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert history.declined_reason == "budget"
    assert history.do_not_call_at == datetime(2026, 11, 2, 10, tzinfo=UTC)
    assert [call.note for call in history.set_aside] == ["no moment"]
