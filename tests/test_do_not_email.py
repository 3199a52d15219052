"""Do not email (schema v24): a prospect who asked for no email. A CRM's opt-out column
sets the flag and an import never clears it; the edit form sets it and asks before
clearing it; the card says so; no email goes to them from the app or `funnel email`,
nor one composed before the flag was set; every change is in the timeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from rich.console import Console
from textual import events
from textual.widgets import Checkbox, Label

from funnel_tui.emailing.compose import CannotCompose, compose_draft
from funnel_tui.emailing.templates import load_builtin
from funnel_tui.importer import import_prospects
from funnel_tui.prospects import load_card, update_prospect
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.timeline import FlagEntry, read_history
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.prospect_card import render_card
from tests.app_support import FROZEN_NOW, open_prospect_form, settle, settle_until, shown_text
from tests.cli_support import invoke, one_line_error
from tests.older_file import file_at_version
from tests.rows import insert_row
from tests.smtp_support import Inbox, fake_xdg_open, path_with, smtp_server
from tests.test_app import first_in_queue
from tests.test_app_email import app_for, emails, open_and_pick, smtp_at, status, toasts
from tests.test_phone_app import card_text


def flag_of(db: Any, prospect_id: int) -> int:
    sql = "SELECT do_not_email FROM prospects WHERE id = ?"
    return db.execute(sql, [prospect_id]).fetchone()[0]


def write_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize(
    ("header", "yes", "no"),
    [
        ("Email Opt Out", "1", "0"),  # a Salesforce lead report
        ("HasOptedOutOfEmail", "true", "false"),  # Salesforce's field name
        ("Unsubscribed from all email", "true", "false"),  # a HubSpot contacts export
        ("do_not_email", "1", "0"),  # funnel's own export
    ],
)
def test_a_crms_opt_out_column_marks_the_prospect_do_not_email(
    book_db: Any, tmp_path: Path, header: str, yes: str, no: str
) -> None:
    path = write_file(
        tmp_path,
        f"First Name,Last Name,Email,Phone,{header}\n"
        f"Ann,Lee,ann@lee.example,+1 617 555 0100,{yes}\n"
        f"Bo,Ek,bo@ek.example,+1 617 555 0101,{no}\n",
    )
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert report.added == 2
    assert not any(header in line for line in report.summary())
    flags = dict(book_db.execute("SELECT name, do_not_email FROM prospects").fetchall())
    assert flags == {"Ann Lee": 1, "Bo Ek": 0}


def test_an_import_never_clears_do_not_email(book_db: Any, tmp_path: Path) -> None:
    ann = insert_row(book_db, "prospects", {"name": "Ann Lee", "email": "ann@lee.example"})
    book_db.execute("UPDATE prospects SET do_not_email = 1 WHERE id = ?", [ann])
    path = write_file(tmp_path, "name,email,Email Opt Out\nAnn Lee,ann@lee.example,0\n")
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert (report.added, report.rejected) == (0, [])
    assert flag_of(book_db, ann) == 1


def test_a_cell_that_is_neither_yes_nor_no_rejects_the_row(book_db: Any, tmp_path: Path) -> None:
    path = write_file(tmp_path, "name,email,Email Opt Out\nAnn Lee,ann@lee.example,maybe\n")
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 2: do not email 'maybe': yes or no"
    ]


def test_each_change_of_the_flag_is_in_the_timeline(book_db: Any) -> None:
    ann = insert_row(book_db, "prospects", {"name": "Ann Lee", "email": "ann@lee.example"})
    update_prospect(book_db, ann, {"do_not_email": 1}, now=FROZEN_NOW)
    update_prospect(book_db, ann, {"do_not_email": 0}, now=FROZEN_NOW)
    flags = [
        (entry.flag, entry.value)
        for entry in read_history(book_db, ann).entries
        if isinstance(entry, FlagEntry)
    ]
    assert sorted(flags) == [("do_not_email", False), ("do_not_email", True)]


def test_a_version_23_file_upgraded_has_no_one_marked_and_records_the_flag(
    tmp_path: Path,
) -> None:
    path = tmp_path / "funnel.db"
    conn = file_at_version(path, 23)
    conn.execute("INSERT INTO prospects (name, email) VALUES ('Ann Lee', 'ann@lee.example')")
    conn.close()
    storage = open_storage(path)
    try:
        db = storage.db
        assert flag_of(db, 1) == 0
        update_prospect(db, 1, {"do_not_email": 1, "do_not_call": 1}, now=FROZEN_NOW)
        changes = db.execute("SELECT flag, value FROM flag_changes ORDER BY flag").fetchall()
        assert [tuple(row) for row in changes] == [("do_not_call", 1), ("do_not_email", 1)]
    finally:
        storage.close()


# funnel email ---------------------------------------------------------------------------


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    storage = open_storage(path)
    storage.db["prospects"].insert(
        {"id": 1, "name": "Ada Lovelace", "email": "ada@example.com", "do_not_email": 1}
    )
    storage.close()
    return path


@pytest.mark.parametrize("mode", ["--print", "--send"])
def test_funnel_email_refuses_a_prospect_marked_do_not_email(
    book: Path, tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", path_with(folder))
    opened = fake_xdg_open(folder, 0)
    result = invoke("email", "1", "--template", "send_information", mode, "--db", book)
    assert result.exit_code == 1
    assert one_line_error(result.stderr) == (
        "funnel: Ada Lovelace is marked do not email: no email goes to them until the flag is"
        " cleared in the edit form (e)"
    )
    assert not opened.exists()
    assert sqlite_utils.Database(book).execute("SELECT count(*) FROM emails").fetchone() == (0,)


def test_an_address_a_marked_prospect_holds_gets_no_email_for_another(book_db: Any) -> None:
    """A second prospect at an opted-out address (added by hand, a team's other rep's copy,
    one an import's opt-out did not match) was sent the email: the mark was the
    prospect's, not the address's."""
    # Stored with spaces and a line break around it, as another tool may write it.
    gus = insert_row(book_db, "prospects", {"name": "Gus Seven", "email": " gus@acme.com\n"})
    book_db.execute("UPDATE prospects SET do_not_email = 1 WHERE id = ?", [gus])
    other = insert_row(book_db, "prospects", {"name": "Gustav Seven", "email": " GUS@Acme.com"})
    template = load_builtin("send_information")
    with pytest.raises(CannotCompose) as refused:
        compose_draft(book_db, other, template, settings=Settings(), profile=None, now=FROZEN_NOW)
    assert str(refused.value) == (
        f"Gustav Seven's address GUS@Acme.com is also Gus Seven's (id {gus}), who is marked do"
        " not email: no email goes to that address until the flag is cleared in the edit"
        " form (e)"
    )


def test_the_script_offers_a_call_where_it_would_send_something(book: Path) -> None:
    """A trainer found the scripts promising a one-page summary by email to a prospect who
    asked for no email, with only the card to say otherwise."""
    result = invoke("script", "solution", "--prospect", "1", "--db", book)
    assert result.exit_code == 0, result.output
    assert (
        "They asked for no email: where the script offers to send something, offer to walk"
        " them through it on a call instead."
    ) in " ".join(result.stdout.split())
    db = sqlite_utils.Database(book)
    db.execute("UPDATE prospects SET do_not_email = 0")
    db.conn.commit()
    db.close()
    plain = invoke("script", "solution", "--prospect", "1", "--db", book)
    assert "asked for no email" not in plain.stdout


def test_the_script_and_the_card_of_a_prospect_at_a_marked_address_say_no_email(
    book: Path,
) -> None:
    """The check of the address's mark found the script of a second prospect at a marked
    address still offering to send a summary by email, which `E` then refused."""
    db = sqlite_utils.Database(book)
    db["prospects"].insert({"id": 2, "name": "Ada Other", "email": " ADA@example.com"})
    db.conn.commit()
    db.close()
    result = invoke("script", "solution", "--prospect", "2", "--db", book)
    assert result.exit_code == 0, result.output
    assert (
        "No email goes to their address: where the script offers to send something, offer to"
        " walk them through it on a call instead."
    ) in " ".join(result.stdout.split())
    storage = open_storage(book)
    try:
        card = load_card(storage.db, 2)
    finally:
        storage.close()
    assert card is not None and card.marked_at_address == (1, "Ada Lovelace")
    shown = render_card(card, now=FROZEN_NOW, settings=Settings())
    console = Console(width=100, record=True)
    console.print(shown)
    assert "no email: Ada Lovelace (id 1), at this address, is marked do not email" in " ".join(
        console.export_text().split()
    )


# The app ---------------------------------------------------------------------------------


def marked_first(storage: Storage) -> dict[str, Any]:
    """The first prospect in the queue, marked do not email."""
    prospect = first_in_queue(storage.db)
    storage.db.execute("UPDATE prospects SET do_not_email = 1 WHERE id = ?", [prospect["id"]])
    return prospect


async def test_the_card_says_so_and_e_opens_no_email(demo_storage: Storage, tmp_path: Path) -> None:
    prospect = marked_first(demo_storage)
    app = app_for(demo_storage, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        card = card_text(app)
        assert "marked do not email: no email goes to them" in card
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert (
            f"{prospect['name']} is marked do not email: no email goes to them" in (toasts(app)[-1])
        )
    assert emails(demo_storage) == []


async def test_an_email_written_before_the_prospect_was_marked_does_not_go(
    demo_storage: Storage, tmp_path: Path
) -> None:
    prospect = first_in_queue(demo_storage.db)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = await open_and_pick(pilot, "2")
            # They ask for no email while it is written (another window, an import).
            db = open_storage(demo_storage.path)
            update_prospect(db.db, prospect["id"], {"do_not_email": 1}, now=FROZEN_NOW)
            db.close()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen
            assert status(app) == (
                f"Not sent: {prospect['name']} is marked do not email: no email goes to them"
                " until the flag is cleared in the edit form (e). Nothing was recorded."
            )
    assert inbox.received == []
    assert emails(demo_storage) == []


async def test_adding_someone_at_a_marked_address_says_so_before_saving(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    marked = marked_first(demo_app.storage)
    # An earlier prospect at the address, not marked: the warning names the marked one.
    insert_row(db, "prospects", {"name": "Ann Earlier", "email": f" {marked['email'].upper()}"})
    db.execute("UPDATE prospects SET id = 0 WHERE name = 'Ann Earlier'")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot, "a")
        form.query_one("#field-name").value = "Another Name"
        form.query_one("#field-email").value = marked["email"].upper()
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = " ".join(shown_text(form.query_one("#form-status")).split())
    assert (
        f"{marked['name']} (id {marked['id']}) has this email, and is marked do not email:"
        " no email goes to this address: enter saves this one all the same"
    ) in said
    assert db.execute("SELECT count(*) FROM prospects WHERE name = 'Another Name'").fetchone() == (
        0,
    )


async def test_an_email_written_to_an_address_since_marked_does_not_go(
    demo_storage: Storage, tmp_path: Path
) -> None:
    """The prospect's address was changed while the email was written, and another
    prospect at the address it was written to was marked: the check read the new address,
    and the email went to the marked one's."""
    prospect = first_in_queue(demo_storage.db)
    other = insert_row(
        demo_storage.db, "prospects", {"name": "Hiro Other", "email": prospect["email"]}
    )
    inbox = Inbox()
    with smtp_server(inbox) as port:
        app = app_for(demo_storage, tmp_path, **smtp_at(port))
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = await open_and_pick(pilot, "2")
            meanwhile = open_storage(demo_storage.path)
            update_prospect(
                meanwhile.db, prospect["id"], {"email": "new@example.com"}, now=FROZEN_NOW
            )
            update_prospect(meanwhile.db, other, {"do_not_email": 1}, now=FROZEN_NOW)
            meanwhile.close()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen
            assert status(app).startswith(
                f"Not sent: {prospect['name']}'s address {prospect['email']} is also Hiro"
                f" Other's (id {other}), who is marked do not email"
            )
    assert inbox.received == []


async def test_the_edit_form_sets_the_flag_and_asks_before_clearing_it(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    prospect = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-do_not_email", Checkbox).focus()
        await pilot.press("space", "enter")
        await settle_until(pilot, lambda: flag_of(db, prospect["id"]) == 1)

        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-do_not_email", Checkbox).focus()
        await pilot.press("space", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        question = shown_text(demo_app.screen.query_one("#confirm-question", Label))
        assert "is marked do not email. Clear it, so they are emailed again?" in question
        await pilot.press("escape")
        await settle(pilot)
        assert demo_app.screen is form
        assert form.query_one("#field-do_not_email", Checkbox).value is True
        assert flag_of(db, prospect["id"]) == 1

        form.query_one("#field-do_not_email", Checkbox).focus()
        await pilot.press("space", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle_until(pilot, lambda: flag_of(db, prospect["id"]) == 0)
        assert isinstance(demo_app.screen, MainScreen)


async def test_flags_ticked_in_a_burst_of_keys_tick_the_flags_they_came_to(
    demo_app: FunnelApp,
) -> None:
    """`space tab space` arriving together (pasted, a laggy link) ticked the second flag
    twice and the first not at all: `Nothing to save`."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-do_not_call", Checkbox).focus()
        await pilot.pause()
        # Posted together, before the app has handled any of them.
        for key, character in (("space", " "), ("tab", "\t"), ("space", " ")):
            demo_app.post_message(events.Key(key, character))
        await settle(pilot)
        ticked = {
            flag: form.query_one(f"#field-{flag}", Checkbox).value
            for flag in ("do_not_call", "do_not_email", "wrong_number", "nurture")
        }
    assert ticked == {
        "do_not_call": True,
        "do_not_email": True,
        "wrong_number": False,
        "nurture": False,
    }


def test_marking_cancels_the_open_email_tasks(book_db: Any, tmp_path: Path) -> None:
    """An email task stayed in the queue (`em 3d`) for a prospect marked do not email, whom
    `E` then refused: the edit form's mark and an import's cancel it, as do not call
    cancels the calls."""
    ann = insert_row(book_db, "prospects", {"name": "Ann Lee", "email": "ann@lee.example"})
    bo = insert_row(book_db, "prospects", {"name": "Bo Ek", "email": "bo@ek.example"})
    for prospect in (ann, bo):
        for kind in ("email", "callback"):
            insert_row(
                book_db,
                "tasks",
                {"prospect_id": prospect, "kind": kind, "due_at": "2026-11-20T10:00:00+00:00"},
            )
    update_prospect(book_db, ann, {"do_not_email": 1}, now=FROZEN_NOW)
    path = write_file(tmp_path, "name,email,Email Opt Out\nBo Ek,bo@ek.example,yes\n")
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert "cancelled 1 open email task of prospects the file marks do not email" in (
        report.summary()
    )
    statuses = book_db.execute("SELECT kind, status FROM tasks ORDER BY prospect_id, kind")
    assert [tuple(row) for row in statuses] == [
        ("callback", "open"),
        ("email", "cancelled"),
        ("callback", "open"),
        ("email", "cancelled"),
    ]
