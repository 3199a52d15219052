"""Untrusted text (PRODUCT section 12): markup shows as typed, terminal escapes never get out."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console, RenderableType
from rich.text import Text
from textual.widgets import Input, Static

from funnel_tui import scripts
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.cli import cli
from funnel_tui.domain import Outcome
from funnel_tui.importer import import_prospects
from funnel_tui.profile import demo_profile
from funnel_tui.prospects import TEXT_FIELDS, CardData, add_note, load_card
from funnel_tui.scripts.fill import FACT_AT_MOST, fill_script, prospect_facts
from funnel_tui.scripts.objections import load_objections
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.text import SHOWN_AT_MOST, clean_text, one_line, shown_at_most
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.note_dialog import NoteDialog
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.ui.performance_screen import PerformanceScreen
from funnel_tui.ui.prospect_card import HEAD_CELLS, render_card
from funnel_tui.ui.script_pane import ScriptView, render_script
from tests.app_support import FROZEN_NOW, FrozenClock, open_prospect_form, settle, shown_text
from tests.test_timeline import timeline_text

MARKUP = "[bold]Bold[/] [link=https://evil.example]Link[/link] [@click=app.quit]Quit[/]"
CONTROLS = (
    "\x1b[2J"  # clear the screen
    "\x1b]0;pwned\x07"  # set the window title
    "\x1b]52;c;ZXZpbA==\x07"  # write to the clipboard
    "\x9b"  # CSI as a single C1 byte
    "\u202e"  # right-to-left override
)
HYPERLINK = "\x1b]8;;https://evil.example\x1b\\here\x1b]8;;\x1b\\"
ESCAPES = CONTROLS + HYPERLINK
# What is left of ESCAPES once cleaned: the hyperlink's own text.
ESCAPES_CLEANED = "here"
# Control characters (but newline), DEL, C1 and the bidi controls: none may reach a screen.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
SETTINGS = Settings()


def hostile(text: str) -> str:
    return f"{text} {ESCAPES}{MARKUP}"


def literal(text: str) -> str:
    """What `hostile(text)` must become: the markup kept as typed, the escapes gone."""
    return f"{text} {ESCAPES_CLEANED}{MARKUP}"


def head_cut(text: str) -> str:
    """What the card's head shows of a name, a title or a company: its first cells."""
    shown = Text(shown_at_most(text))
    shown.truncate(HEAD_CELLS, overflow="ellipsis")
    return shown.plain


def assert_safe(text: str) -> None:
    found = [text[max(match.start() - 30, 0) : match.end() + 30] for match in UNSAFE.finditer(text)]
    assert not found, f"control characters shown: {found[:3]}"
    assert "pwned" not in text and "ZXZpbA" not in text


def words(text: str) -> str:
    """Text with its wrapping undone: runs of spaces and line breaks as one space."""
    return " ".join(text.split())


# --- Import ---------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def test_an_import_keeps_markup_literally_and_strips_escapes_from_every_field(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    leads = write_csv(
        tmp_path / "hostile.csv",
        [
            [
                *("Name", "Title", "Company", "Phone", "Email", "Time Zone"),
                *("Needs", "Pain Points", "Objections", "Goals", "Source"),
            ],
            [
                hostile("Ann Archer"),
                hostile("CTO"),
                hostile("Acme"),
                f"+44 20 7946 0958{CONTROLS}",
                f"ann{CONTROLS}@acme.example",
                f"Europe/London{CONTROLS}",
                hostile("needs") + "\nsecond line",
                hostile("pain"),
                hostile("price"),
                hostile("goals"),
                hostile("fair"),
            ],
        ],
    )
    report = import_prospects(db, leads, now=NOW)
    assert (report.added, report.rejected) == (1, [])
    [stored] = db.query("SELECT * FROM prospects")
    assert {name: stored[name] for name in TEXT_FIELDS} == {
        "name": literal("Ann Archer"),
        "first_name": None,
        "title": literal("CTO"),
        "company": literal("Acme"),
        "phone": "+442079460958",
        "email": "ann@acme.example",
        "timezone": "Europe/London",
        "needs": literal("needs") + "\nsecond line",
        "pain_points": literal("pain"),
        "objections": literal("price"),
        "goals": literal("goals"),
        "source": literal("fair"),
    }


def test_a_rejected_row_is_reported_without_its_escapes(tmp_path: Path) -> None:
    leads = write_csv(
        tmp_path / "bad.csv",
        [["Name", "Email"], [hostile("Ann"), f"not-an-email{ESCAPES}"]],
    )
    result = CliRunner().invoke(cli, ["import", str(leads), "--db", str(tmp_path / "t.db")])
    assert result.exit_code == 1
    assert "line 2: email 'not-an-emailhere'" in result.stderr
    assert_safe(result.stderr)


# A file name can hold anything but / and NUL: a CSI with its parameters, a C1 CSI, a title.
HOSTILE_FILE_NAME = "leads\x1b[2J\x9b31m\x1b]0;pwned\x07\u061c[bold].csv"
SHOWN_FILE_NAME = "leads[bold].csv"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("Name,Email\nAnn,not-an-email\n", "line 2: email 'not-an-email'"),
        ("Name,Company\nAnn,Acme\n", "has no phone or email column"),
        ("Name,Email\nAnn,ann@a.example\n", "added 1"),
        (None, "No such file or directory"),
    ],
)
def test_import_messages_show_a_file_name_without_its_escapes(
    tmp_path: Path, content: str | None, said: str
) -> None:
    leads = tmp_path / HOSTILE_FILE_NAME
    if content is not None:
        leads.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(leads), "--db", str(tmp_path / "t.db")])
    output = result.stdout + result.stderr
    assert said in output
    assert_safe(output)
    if content is None or "Company" in content or "not-an" in content:
        assert SHOWN_FILE_NAME in result.stderr


def test_columns_not_imported_are_named_without_their_escapes(tmp_path: Path) -> None:
    leads = write_csv(
        tmp_path / "leads.csv",
        [["Name", "Email", f"Notes{CONTROLS}"], ["Ann", "ann@a.example", "hi"]],
    )
    result = CliRunner().invoke(cli, ["import", str(leads), "--db", str(tmp_path / "t.db")])
    assert result.stdout.endswith("columns not imported: Notes\n")
    assert_safe(result.stdout)


async def test_the_import_dialog_shows_a_file_name_without_its_escapes(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    leads = tmp_path / HOSTILE_FILE_NAME
    leads.write_text("Name,Company\nAnn,Acme\n", encoding="utf-8")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        demo_app.screen.query_one("#import-path").value = str(leads)
        await pilot.press("enter")
        await settle(pilot)
        said = shown_text(demo_app.screen.query_one("#import-result", Static))
        assert SHOWN_FILE_NAME in said and "has no phone or email column" in said
        assert_safe(said.replace("\n", " "))


# --- Rows other tools wrote straight into the file ------------------------------------------


OTHER_TOOL_ROW = {
    "name": f"[bold]Zebulon[/] {ESCAPES}{MARKUP}",
    "title": hostile("Head of Ops"),
    "company": hostile("Evil Corp"),
    "phone": f"+1 555 0100{CONTROLS}",
    "email": f"z{CONTROLS}@evil.example",
    "timezone": f"Europe/London{CONTROLS}",
    "needs": hostile("needs"),
    "pain_points": hostile("pain"),
    # "price" picks the price answer, so the script pane shows the prospect's objections.
    "objections": hostile("price"),
    "goals": hostile("goals"),
    "source": hostile("fair"),
    "method": "solution",
    "next_call_at": to_stored(FROZEN_NOW - timedelta(days=30)),
}


def write_as_another_tool(path: Path) -> int:
    """Insert the way `sqlite-utils insert` would: raw text, our code never sees it."""
    other = sqlite_utils.Database(path)
    prospect_id = int(other["prospects"].insert(OTHER_TOOL_ROW).last_pk)
    other["calls"].insert(
        {
            "prospect_id": prospect_id,
            "outcome": "no_answer",
            "notes": hostile("call notes"),
            "started_at": to_stored(FROZEN_NOW - timedelta(days=31)),
        }
    )
    other["notes"].insert({"prospect_id": prospect_id, "body": hostile("note body")})
    other.close()
    return prospect_id


def assert_screen_safe(app: FunnelApp) -> str:
    """The whole screen as exported: no escape or control character, no retitling."""
    screen = html.unescape(app.export_screenshot()).replace("\xa0", " ")
    assert_safe(screen)
    assert app.title == FunnelApp.TITLE
    assert app.is_running
    return screen


@pytest.fixture
def other_tool_app(demo_app: FunnelApp, demo_storage: Storage) -> FunnelApp:
    write_as_another_tool(demo_storage.path)
    return demo_app


async def test_rows_from_other_tools_show_literally_on_the_main_screen_and_dialogs(
    other_tool_app: FunnelApp,
) -> None:
    app = other_tool_app
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zebulon", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.card is not None and "Zebulon" in screen.card.prospect["name"]

        shown = assert_screen_safe(app)
        assert "[bold]Bold[/]" in shown
        card = words(shown_text(screen.prospect_card.query_one("#card-body")))
        # The card's head shows the first cells of a name, a title and a company.
        for text in (literal("[bold]Zebulon[/]"), literal("Head of Ops"), literal("Evil Corp")):
            assert words(head_cut(text)) in card
        for text in (literal("needs"), literal("call notes"), literal("note body")):
            assert words(text) in card
        script = words(shown_text(screen.script_pane.query_one("#script-body")))
        assert words(literal("Evil Corp")) in script
        assert screen.queue.render_line(1).text.startswith(" [bold]Zebul")

        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, OutcomeDialog)
        assert MARKUP in shown_text(app.screen.query_one(".dialog-title", Static))
        assert_screen_safe(app)
        await pilot.press("escape", "n")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        assert MARKUP in shown_text(app.screen.query_one(".dialog-title", Static))
        assert_screen_safe(app)


def test_a_script_printed_for_a_prospect_from_another_tool_has_no_escapes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "other.db"
    open_storage(path).close()
    prospect_id = write_as_another_tool(path)
    result = CliRunner().invoke(
        cli, ["script", "solution", "--prospect", str(prospect_id), "--db", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert_safe(result.stdout)
    assert literal("Evil Corp") in result.stdout


async def test_notices_naming_the_prospect_show_it_without_escapes(
    other_tool_app: FunnelApp,
) -> None:
    app = other_tool_app
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zebulon", "enter")
        await settle(pilot)
        # Call started, logged as no answer, undone: each says whom it was for.
        for keys in (("enter",), ("l", "n", "enter"), ("u",)):
            await pilot.press(*keys)
            await settle(pilot)
            assert app.screen.query("Toast")
            assert_screen_safe(app)


# --- Places that once let escapes or markup through ----------------------------------------


async def test_the_edit_form_shows_stored_text_without_escapes(other_tool_app: FunnelApp) -> None:
    async with other_tool_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zebulon", "enter", "e")
        await settle(pilot)
        assert_screen_safe(other_tool_app)


async def test_markup_typed_into_the_filter_is_shown_as_typed(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "left_square_bracket", "slash")
        await settle(pilot)
        assert "[/" in shown_text(demo_app.screen.query_one("#queue-title", Static))


def write_called_today(path: Path) -> None:
    """A call today from a prospect whose method and source another tool wrote."""
    other = sqlite_utils.Database(path)
    prospect_id = (
        other["prospects"]
        .insert({"name": "Zebulon", "method": f"bespoke{ESCAPES}", "source": hostile("fair")})
        .last_pk
    )
    other["calls"].insert(
        {
            "prospect_id": prospect_id,
            "outcome": "no_answer",
            "started_at": to_stored(FROZEN_NOW - timedelta(hours=1)),
        }
    )
    other.close()


async def test_the_performance_screen_shows_sources_without_escapes(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    write_called_today(demo_storage.path)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert_screen_safe(demo_app)


def test_the_report_command_prints_sources_without_escapes(demo_storage: Storage) -> None:
    write_called_today(demo_storage.path)
    result = CliRunner().invoke(
        cli, ["report", "--today", f"{FROZEN_NOW:%Y-%m-%d}", "--db", str(demo_storage.path)]
    )
    assert result.exit_code == 0, result.output
    assert_safe(result.stdout)


def test_the_report_shows_a_currency_symbol_as_typed(demo_storage: Storage) -> None:
    demo_storage.db["settings"].upsert({"key": "currency", "value": "[/b]"}, pk="key")
    result = CliRunner().invoke(
        cli, ["report", "--today", f"{FROZEN_NOW:%Y-%m-%d}", "--db", str(demo_storage.path)]
    )
    assert result.exit_code == 0, result.exception
    assert "[/b]" in result.stdout


async def test_a_currency_that_looks_like_markup_shows_as_typed_everywhere(
    demo_storage: Storage,
) -> None:
    # Typed in the settings, it was read as markup: the card's deal value and the pace
    # screen's pipeline totals crashed the app, on every start after.
    db = demo_storage.db
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('currency', '[/b]')")
    db.execute("UPDATE prospects SET deal_value_cents = 123400")
    db.conn.commit()
    app = FunnelApp(demo_storage, clock=FrozenClock())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "[/b]1,234.00" in assert_screen_safe(app)
        await pilot.press("t", "ctrl+u", *"60k", "enter")
        await settle(pilot)
        assert any("Target [/b]60,000.00" in str(n.message) for n in app._notifications)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PerformanceScreen)
        assert "[/b]60,000.00" in assert_screen_safe(app)
        await pilot.press("escape", "l", "w", *"500", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert app.return_code is None


def test_a_timezone_naming_a_zoneinfo_folder_still_renders(card_template: CardData) -> None:
    card = card_template._replace(prospect={**card_template.prospect, "timezone": "America"})
    render_card(card, now=NOW, settings=SETTINGS)


def test_an_imported_timezone_naming_a_zoneinfo_folder_rejects_only_that_row(
    tmp_path: Path,
) -> None:
    leads = write_csv(
        tmp_path / "zones.csv",
        [["Name", "Phone", "Time Zone"], ["Ann", "+1 555 0100", "America"]],
    )
    result = CliRunner().invoke(cli, ["import", str(leads), "--db", str(tmp_path / "t.db")])
    assert "line 2: timezone 'America'" in result.stderr


# --- Any text at all ------------------------------------------------------------------------


HOSTILE_PIECES = [
    *("[bold]", "[/]", "[/bold]", "[link=https://evil.example]", "[@click=app.quit]"),
    *("[", "]", "/", "=", "@", "\\", " ", "\n", "\t", "ab"),
    *("\x1b", "\x1b[2J", "\x1b]0;", "\x1b]8;;", "\x07", "\x9b", "\x9d", "\u202e"),
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.characters()), max_size=12
).map("".join)
CARD_FIELDS = (*TEXT_FIELDS, "method", "call_notes", "note_body")


@pytest.fixture(scope="module")
def card_template(tmp_path_factory: pytest.TempPathFactory) -> CardData:
    """A prospect with one call and one note, to fill with hostile text."""
    book = open_storage(tmp_path_factory.mktemp("card") / "card.db")
    prospect_id = int(book.db["prospects"].insert({"name": "Ann", "timezone": "UTC"}).last_pk)
    log_call(
        book.db, prospect_id, CallOutcome(Outcome.NO_ANSWER, notes="n"), now=NOW, settings=SETTINGS
    )
    add_note(book.db, prospect_id, "note", now=NOW)
    card = load_card(book.db, prospect_id)
    book.close()
    assert card is not None
    return card


def rendered(renderable: RenderableType) -> str:
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


@settings(max_examples=30, deadline=None)
@given(values=st.fixed_dictionaries({field: hostile_text for field in CARD_FIELDS}))
def test_any_text_renders_in_the_card_and_script_without_control_characters(
    card_template: CardData, values: dict[str, str]
) -> None:
    call_notes, note_body = values.pop("call_notes"), values.pop("note_body")
    prospect = {**card_template.prospect, **values}
    card = CardData(
        prospect,
        [{**card_template.calls[0], "notes": call_notes}],
        [{**card_template.notes[0], "body": note_body}],
    )
    shown_card = rendered(render_card(card, now=NOW, settings=SETTINGS))
    assert_safe(shown_card)
    assert head_cut(one_line(values["name"])) in shown_card

    filled = fill_script(
        scripts.load_builtin("solution"),
        prospect,
        settings=SETTINGS,
        history=scripts.ProspectHistory(),
        now=NOW,
        profile=demo_profile(),
        objections=load_objections(None),
    )
    view = ScriptView(
        filled.script.name, filled.steps, filled.matching_objections, filled.other_objections
    )
    for step in range(len(view.steps)):
        assert_safe(rendered(render_script(view, step, all_objections=True)))


@settings(max_examples=30, deadline=None)
@given(hostile_text)
def test_clean_text_removes_every_control_character_and_is_stable(text: str) -> None:
    cleaned = clean_text(text)
    # Tabs are kept on purpose: notes may be indented with them.
    assert not UNSAFE.findall(cleaned.replace("\t", ""))
    assert clean_text(cleaned) == cleaned


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cf"))))
def test_clean_text_keeps_ordinary_text_and_markup_exactly(text: str) -> None:
    assert clean_text(text) == text


async def test_a_prospect_with_megabytes_of_text_is_shown_cut_and_the_app_answers(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    """A 1 MB needs field and a 5 MB note (a page pasted, a CRM's cell, another tool's
    write) took the app minutes to lay out, the keys unanswered: the card, the script and
    the timeline now show the first SHOWN_AT_MOST characters and say how many are left."""
    db = demo_storage.db
    (prospect_id,) = db.execute("SELECT id FROM prospects WHERE email IS NOT NULL").fetchone()
    needs = "need " * 200_000
    db.execute(
        "UPDATE prospects SET name = 'Mega Byte', needs = ?, company = ? WHERE id = ?",
        [needs, "Co " * 100_000, prospect_id],
    )
    db.execute(
        "INSERT INTO notes (prospect_id, body) VALUES (?, ?)", [prospect_id, "word\n" * 1_000_000]
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"mega byte", "enter")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        card = shown_text(screen.prospect_card.query_one("#card-body"))
        assert f"({len(needs) - SHOWN_AT_MOST:,} more characters)" in " ".join(card.split())
        assert len(card) < 3 * SHOWN_AT_MOST + 20_000
        script = shown_text(screen.script_pane.query_one("#script-body"))
        assert len(script) < 20_000
        await pilot.press("h")
        await settle(pilot)
        story = timeline_text(demo_app)
        # Twenty lines of the note, and what is left of its five million characters.
        assert "word word word… (4,999,901 more characters)" in " ".join(story.split())
        assert len(story) < 20_000


async def test_a_long_name_leaves_the_phone_in_sight_at_80x24(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    """A CRM's 200 characters of name and company wrapped over every line the card has at
    80x24, its phone and email out of sight: the head shows 40 cells of the name and 40
    each of the title and the company, so a long title leaves the company in sight too."""
    db = demo_storage.db
    prospect_id, email = db.execute(
        "SELECT id, email FROM prospects WHERE email IS NOT NULL AND phone IS NOT NULL"
    ).fetchone()
    name = "Maximiliana Wolfeschlegelsteinhausenbergerdorff " * 4
    db.execute(
        "UPDATE prospects SET name = ?, company = ?, title = ? WHERE id = ?",
        [
            name.strip(),
            "Wolfeschlegelsteinhausenbergerdorff Holdings " * 4,
            "Senior Vice President, Global Procurement and Supply Chain Operations",
            prospect_id,
        ],
    )
    async with demo_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"maximiliana", "enter")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        card = screen.prospect_card
        seen = shown_text(card.query_one("#card-body"))
        assert "Maximiliana Wolfeschlegelsteinhausenber…  Customer · won" in seen
        role = (
            "Senior Vice President, Global Procureme… at Wolfeschlegelsteinhausenbergerdorff Hol…"
        )
        assert role in " ".join(seen.split())
        body = card.query_one("#card-body")
        lines = [strip.text for strip in body.render_lines(body.size.region)]
        phone_line = next(y for y, line in enumerate(lines) if "Phone" in line)
        # On the card's screen at the top of its scroll: 6 lines at 80x24.
        assert phone_line < card.scrollable_content_region.height
        assert lines[phone_line + 1].startswith(f"Email        {email[:10]}")


def test_a_fact_of_megabytes_is_said_cut() -> None:
    """What a script or an email says of a field: its first FACT_AT_MOST characters."""
    facts = prospect_facts({"name": "Mega Byte", "needs": "need " * 200_000}, SETTINGS)
    assert len(facts["needs"]) == FACT_AT_MOST and facts["needs"].endswith("need…")


async def test_the_edit_form_keeps_a_field_of_megabytes_and_shows_lines_on_one(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    """In the edit form a 4 MB field took seconds a key, and a field of several lines showed
    its first alone, the rest typed after out of sight."""
    db = demo_storage.db
    (prospect_id,) = db.execute("SELECT id FROM prospects WHERE email IS NOT NULL").fetchone()
    needs = "line of needs\n" * 300_000
    db.execute(
        "UPDATE prospects SET name = 'Mega Byte', needs = ?, goals = ? WHERE id = ?",
        [needs, "grow\nhire\nship", prospect_id],
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"mega byte", "enter")
        form = await open_prospect_form(demo_app, pilot)
        field = form.query_one("#field-needs", Input)
        assert field.disabled and field.value == ""
        assert field.placeholder.startswith(f"{len(needs):,} characters: too long to edit here")
        assert form.query_one("#field-goals", Input).value == "grow hire ship"
        form.query_one("#field-title", Input).value = "Head of Data"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    row = db.execute("SELECT title, needs, goals FROM prospects WHERE id = ?", [prospect_id])
    assert tuple(row.fetchone()) == ("Head of Data", needs, "grow\nhire\nship")


def test_a_text_cut_inside_an_escape_sequence_still_says_how_much_is_left() -> None:
    """The part shown was cleaned with the count after it: an escape sequence the cut left
    open took the count with it, and the note looked whole."""
    text = "[b]n[/b]\x1b]8;;http://x\x07" * 200_000
    shown = shown_at_most(text)
    assert shown.endswith(f"… ({len(text) - SHOWN_AT_MOST:,} more characters)")
    assert not UNSAFE.search(shown)
