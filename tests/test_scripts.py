"""Call scripts: the built-ins, user overrides and broken files, the renderer's rules,
the situation and history facts, and the script as plain text."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.domain import BUILTIN_METHOD_VALUES, BUILTIN_METHODS
from funnel_tui.profile import demo_profile
from funnel_tui.scripts import (
    BUILTIN_SOURCE,
    SITUATIONS,
    ProspectHistory,
    ScriptProblem,
    ScriptStep,
    fill_cue,
    fill_spoken,
    load_builtin,
    load_library,
    objection_answers,
    read_history,
    render_script,
    render_step,
    situation_of,
    suggested_method,
)
from funnel_tui.scripts.fill import fill_script, prospect_facts
from funnel_tui.scripts.objections import load_objections
from funnel_tui.scripts.placeholders import ASKED_FOR, PLACEHOLDERS, RECORDED_ELSEWHERE
from funnel_tui.scripts.plain import filled_plain, template_plain
from funnel_tui.scripts.situation import history_facts, spoken_day
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import open_storage

DANA = {
    "id": 7,
    "name": "Dana Whitfield",
    "company": "Acme Logistics",
    "needs": "one view of every shipment",
    "pain_points": "late invoices",
    "objections": "Pricing seems high; already have a vendor",
    "goals": "cut billing time in half",
    "source": "webinar",
}
SIMPLE_SCRIPT = """\
name = "Cold Call"

[[steps]]
title = "Hello"
say = "Hi {first_name}"
ask = ["How is {company}?"]

[objections]
price = "Worth it."
"""
V2_SCRIPT = """\
name = "Renewal"
fits = "A customer whose contract ends within the quarter."

[openers.customer]
say = "Hi {first_name}, it's {rep_name}."
cue = "Renewal date: {goals}"

[[steps]]
title = "Check"
say = "How is {company} finding it?"
fallback = "How are you finding it?"
ask = ["Who uses it most?", "What would you change about {product}?"]
cue = "In your notes: {pain_points}"

[objections]
price = "Let's look at what it saved you first."
training = "We train your team on site."
"""
TODAY = date(2026, 11, 18)
NOW = datetime(2026, 11, 18, 10, tzinfo=UTC)


@pytest.fixture
def library():
    return load_library(None)


@pytest.fixture
def objections():
    return load_objections(None)


def every_text(steps) -> str:
    return "\n".join(text for step in steps for text in (step.title, step.say, *step.ask, step.cue))


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_each_builtin_has_an_opener_per_situation_and_steps_with_questions(library, method):
    script = library.get(method)
    assert script is not None
    assert script.source == BUILTIN_SOURCE
    assert script.fits
    assert set(script.openers) == set(SITUATIONS)
    for situation in SITUATIONS:
        # The opener, then the steps for the situation.
        assert 4 <= len(script.steps_for(situation)) <= 9, situation
    for step in script.steps:
        assert step.title and (step.say or step.ask)
        assert 1 <= len(step.ask) <= 4, step.title


def test_library_lists_builtins_in_domain_order_with_display_names(library):
    assert library.names() == {method.value: method.name for method in BUILTIN_METHODS}
    assert [script.method for script in library.methods()] == list(BUILTIN_METHOD_VALUES)
    assert library.problems == []
    assert library.get("no_such_method") is None


# The renderer's rules (PRODUCT 6) ----------------------------------------------------


def test_a_spoken_line_is_filled_only_when_every_fact_is_known():
    facts = {"first_name": "Dana", "company": "Acme"}
    assert fill_spoken("Hi {first_name} at {company}.", facts) == "Hi Dana at Acme."
    assert fill_spoken("Hi {first_name}, about {needs}.", facts) is None
    assert fill_spoken("Hi {first_name}", {"first_name": "  "}) is None


def test_a_missing_say_gives_way_to_the_fallback_and_a_question_is_dropped():
    step = ScriptStep(
        "Pain",
        say="At {company}, what hurts?",
        ask=["Who feels {pain_points}?", "What have you tried?"],
        cue="In your notes: {pain_points}",
        fallback=("What hurts most today?",),
    )
    rendered = render_step(step, {"name": "Lee"})
    assert rendered.say == "What hurts most today?"
    assert rendered.ask == ("What have you tried?",)
    assert rendered.cue == "In your notes: (not recorded)"
    assert "(ask:" not in every_text([rendered])


def test_a_step_with_nothing_left_to_say_shows_its_cue_alone():
    step = ScriptStep("Value", ask=["Does {proof} matter?"], cue="Ask.")
    rendered = render_step(step, {})
    assert (rendered.say, rendered.ask, rendered.cue) == ("", (), "Ask.")


def test_a_say_that_cannot_be_said_without_a_fallback_names_what_to_ask_for():
    """A step of a rep's own script, `say = "So you need {needs}."` and nothing else, showed
    a bare title for a prospect without needs recorded."""
    bare = ScriptStep("Needs", say="So you need {needs}, at {company}.")
    rendered = render_step(bare, {"company": "Acme"})
    assert (rendered.say, rendered.ask) == ("", ())
    assert rendered.cue == "Not recorded: their needs; ask for it."
    both = render_step(bare, {})
    assert both.cue == "Not recorded: their needs and their company; ask for them."
    with_cue = ScriptStep("Value", say="For scale, {proof}, {source_phrase}.", cue="Ask.")
    assert render_step(with_cue, {"source": "webinar"}).cue == (
        "Not recorded: how they found us; ask for it."
        " Not recorded: a proof point (product profile). Ask."
    )
    failing_fallback = ScriptStep("Open", say="Hi {first_name}", fallback=("Hello {rep_name}",))
    assert render_step(failing_fallback, {}).cue == (
        "Not recorded: their first name; ask for it. Not recorded: your name (settings)."
    )
    # A fallback said, or a say said, needs no note.
    assert render_step(bare._replace(fallback=("What do you need?",)), {}).cue == ""
    assert render_step(bare, {"needs": "dispatch", "company": "Acme"}).cue == ""


def test_an_opener_that_cannot_be_said_names_what_to_ask_for(tmp_path):
    write(
        tmp_path,
        "renewal.toml",
        'name = "Renewal"\n[openers.cold]\nsay = "Hi {first_name}, about {goals}."\n'
        '[[steps]]\ntitle = "Check"\nsay = "So you need {needs}."\n',
    )
    filled = fill_script(
        load_library(tmp_path).get("renewal"),
        {"name": "Dr. Smith"},
        settings=Settings(),
        history=ProspectHistory(),
        now=NOW,
        profile=None,
        objections=load_objections(None),
    )
    opener, step = filled.steps
    assert opener.cue == "Not recorded: their first name and their goals; ask for them."
    assert step.cue == "Not recorded: their needs; ask for it."
    assert "> Not recorded: their needs; ask for it." in filled_plain(filled)


def test_every_placeholder_has_plain_words():
    assert sorted([*ASKED_FOR, *RECORDED_ELSEWHERE]) == sorted(PLACEHOLDERS)


def test_fallback_lines_are_tried_in_order(tmp_path):
    """A line that names two facts, each of which may be missing, falls back twice: with
    one fallback, the line that named neither was said whenever one was missing."""
    text = V2_SCRIPT.replace(
        'fallback = "How are you finding it?"',
        'fallback = ["How is it going at {company}, {first_name}?", "How are you finding it?"]',
    ).replace('say = "How is {company} finding it?"', 'say = "How is {company} finding {product}?"')
    write(tmp_path, "renewal.toml", text)
    step = load_library(tmp_path).get("renewal").steps[0]
    assert step.fallback == (
        "How is it going at {company}, {first_name}?",
        "How are you finding it?",
    )
    both = {"company": "Acme", "first_name": "Dana", "product": "Lift"}
    assert render_step(step, both).say == "How is Acme finding Lift?"
    assert render_step(step, {**both, "product": ""}).say == "How is it going at Acme, Dana?"
    assert render_step(step, {"company": "Acme"}).say == "How are you finding it?"
    template = template_plain(load_library(tmp_path).get("renewal"))
    assert "(if a fact is missing) How is it going at {company}, {first_name}?" in template
    assert "(if a fact is missing) How are you finding it?" in template
    write(tmp_path, "renewal.toml", text.replace('"How are you finding it?"]', "3]"))
    [problem] = load_library(tmp_path).problems
    assert problem.message == (
        "step 1: fallback must be text in quotes, or a list of lines tried in order"
    )
    assert problem.line == 11


def test_a_fallback_that_lacks_a_fact_too_says_nothing():
    step = ScriptStep("Open", say="Hi {first_name}", fallback=("Hello {rep_name}",), cue="")
    assert render_step(step, {}).say == ""


@pytest.mark.parametrize("hostile", ["[bold]x[/bold]", "{company}", "}{", "{", "\\1 \\g<0>"])
def test_prospect_text_is_inserted_literally_and_never_substituted_again(hostile):
    facts = {"company": "Real Co", "needs": hostile}
    assert fill_cue("We heard: {needs}. At {company}.", facts) == (
        f"We heard: {hostile}. At Real Co."
    )
    assert fill_spoken("At {company}: {needs}", facts) == f"At Real Co: {hostile}"


def test_a_fact_that_ends_a_sentence_takes_the_place_of_the_full_stop_after_it():
    """`In your notes: we lose jobs because nobody answers the phone.. Get the pain`,
    `it's Sam Lee.. Thanks`, `Their goal: What would it cost?.`"""
    facts = {
        "pain_points": "we lose jobs because nobody answers the phone.",
        "goals": "What would it cost?",
        "needs": "answer every call!",
        "proof": "bookings went up by a third…",
        "company": "Acme Inc.",
        "name": "Dana",
    }
    assert fill_cue("In your notes: {pain_points}. Get the pain", facts) == (
        "In your notes: we lose jobs because nobody answers the phone. Get the pain"
    )
    assert fill_cue("Their goal: {goals}.", facts) == "Their goal: What would it cost?"
    assert fill_cue("Needs: {needs}. Then ask.", facts) == "Needs: answer every call! Then ask."
    assert fill_spoken("For scale, {proof}.", facts) == "For scale, bookings went up by a third…"
    assert fill_spoken("We work with {company}.", facts) == "We work with Acme Inc."
    assert fill_spoken("At {company}, who signs?", facts) == "At Acme Inc., who signs?"
    # A sentence's own full stop gives way to the template's comma, semicolon or colon.
    assert fill_cue("needs {pain_points}; open concerns", facts) == (
        "needs we lose jobs because nobody answers the phone; open concerns"
    )
    assert fill_spoken("It {pain_points}, so", facts).endswith("the phone, so")
    # Short words end sentences too; an initial or a company's form does not.
    for said, read in (("is never slow.", "slow, so"), ("by 30%.", "30%, so")):
        assert fill_spoken("It {goals}, so", {"goals": said}).endswith(read)
    for said in ("Sam Lee Jr.", "Alex M.", "Acme Corp.", "Fenwick Bros."):
        assert fill_spoken("It's {rep_name}, so", {"rep_name": said}) == f"It's {said}, so"
    assert fill_spoken("Hi {name}. And {name}...", facts) == "Hi Dana. And Dana..."
    assert fill_cue("Goal: {title}.", facts) == "Goal: (not recorded)."
    filled = fill_script(
        load_builtin("solution"),
        {"name": "Dana Reyes"},
        settings=Settings(rep_name="Sam Lee."),
        history=ProspectHistory(),
        now=NOW,
        profile=None,
        objections=load_objections(None),
    )
    assert filled.steps[0].say.startswith("Hi Dana, it's Sam Lee. Thanks for taking my call.")


def test_unknown_placeholders_are_missing_facts_and_stray_braces_stay():
    facts = {"first_name": "Dana"}
    assert fill_spoken("Budget is {budget_owner}.", facts) is None
    assert fill_cue("Budget is {budget_owner}.", facts) == "Budget is (not recorded)."
    assert fill_spoken("Set {} and {1} and {{x", facts) == "Set {} and {1} and {{x"
    assert fill_spoken("Hi { first_name }", facts) == "Hi Dana"


def test_the_opener_for_the_situation_is_step_one(library):
    script = library.get("solution")
    for situation in SITUATIONS:
        steps = render_script(script, {"first_name": "Dana"}, situation)
        assert steps[0].title == "Open"
        assert len(steps) == len(script.steps_for(situation))
        assert steps[0] == render_step(script.openers[situation], {"first_name": "Dana"})


# Facts, history and the situation -------------------------------------------------


def test_facts_hold_only_what_is_known():
    facts = prospect_facts(DANA, Settings(rep_name="Sam Ortiz"))
    assert facts["first_name"] == "Dana"
    assert facts["rep_name"] == "Sam Ortiz"
    assert facts["source_phrase"] == "our webinar"
    assert "title" not in facts
    facts = prospect_facts({"name": "Lee", "source": "cold list"}, Settings())
    assert facts == {
        "name": "Lee",
        "first_name": "Lee",
        "greeting": "Hi Lee",
        "introduction": "Hi Lee",
        "source": "cold list",
    }


def test_first_name_is_the_stored_one_else_the_given_name_after_a_title():
    assert prospect_facts({"name": "Dr. John Doe"}, Settings())["first_name"] == "John"
    stored = {"name": "Wei Ling Tan", "first_name": "Wei Ling"}
    assert prospect_facts(stored, Settings())["first_name"] == "Wei Ling"


@pytest.mark.parametrize(
    ("prospect", "greeting"),
    [
        ({"name": "DR. JOHN O'NEIL-SMITH"}, "Hi John"),
        ({"name": "kate o'brien"}, "Hi Kate"),
        ({"name": "JOHN SMITH", "first_name": "JOHNNY"}, "Hi Johnny"),
        ({"name": "DR. SMITH"}, "Hello Dr. Smith"),
        ({"name": "DeShawn Jones"}, "Hi DeShawn"),
        ({"name": "Ólafur Arnalds", "first_name": "Ólafur"}, "Hi Ólafur"),
    ],
)
def test_a_name_stored_in_capitals_or_lower_case_is_greeted_as_written(prospect, greeting):
    """A CRM's export in capitals: the opener said "Hi JOHN, it's Alex Morgan…"."""
    facts = prospect_facts(prospect, Settings(rep_name="Alex Morgan"))
    assert facts["greeting"] == greeting
    assert facts["introduction"] == f"{greeting}, it's Alex Morgan"
    # The name itself is quoted as stored.
    assert facts["name"] == prospect["name"]


def test_an_opener_greets_by_title_and_surname_without_a_given_name():
    def greeting(**prospect):
        return prospect_facts(prospect, Settings())["greeting"]

    assert greeting(name="Dr. Smith") == "Hello Dr. Smith"
    assert greeting(name="J. Smith") == "Hello"
    assert greeting(name="Dr. John Doe") == "Hi John"
    assert greeting(name="Dr. Smith", first_name="Alan") == "Hi Alan"
    plain = filled_plain(filled_for({"name": "Dr. Smith", "company": "Birch"}, "solution"))
    assert "Hello Dr. Smith, " in plain


def test_a_prospect_named_as_their_company_is_greeted_without_a_name():
    """A CRM's account row with no contact, "Acme Ltd" at Acme Ltd, was greeted "Hi Acme"."""
    facts = prospect_facts({"name": "Acme Ltd", "company": "ACME  ltd"}, Settings())
    assert "first_name" not in facts
    assert facts["greeting"] == "Hello"
    titled = prospect_facts({"name": "Dr. Oetker", "company": "Dr. Oetker"}, Settings())
    assert titled["greeting"] == "Hello"
    person = prospect_facts({"name": "Acme Jones", "company": "Acme Ltd"}, Settings())
    assert person["greeting"] == "Hi Acme"
    # Punctuation aside: "Acme, Inc." was read as a surname and a first name, "Hi Inc.".
    for name, company in (
        ("Acme Ltd.", "Acme Ltd"),
        ("Acme, Inc.", "Acme Inc"),
        ("Acme-Ltd", "Acme Ltd"),
    ):
        facts = prospect_facts({"name": name, "company": company}, Settings())
        assert facts["greeting"] == "Hello", name
    plain = filled_plain(filled_for({"name": "Acme Ltd", "company": "Acme Ltd"}, "solution"))
    assert "Hello, it's Sam. " in plain and "Hi Acme" not in plain


def test_an_opener_introduces_the_caller_with_what_is_known():
    dana = {"name": "Dana Reyes"}
    assert prospect_facts(dana, Settings())["introduction"] == "Hi Dana"
    assert prospect_facts(dana, Settings(rep_name="Sam"))["introduction"] == "Hi Dana, it's Sam"
    profile = demo_profile()
    with_profile = prospect_facts(dana, Settings(rep_name="Sam"), profile=profile)
    assert with_profile["introduction"] == "Hi Dana, it's Sam from Kestrel Software"
    without_rep = prospect_facts(dana, Settings(), profile=profile)
    assert without_rep["introduction"] == "Hi Dana, this is Kestrel Software"


def test_facts_read_a_sqlite_row(tmp_path):
    storage = open_storage(tmp_path / "t.db")
    storage.db["prospects"].insert({"name": "Ana Ruiz", "company": "Birch"})
    storage.db.conn.row_factory = sqlite3.Row
    row = storage.db.execute("SELECT * FROM prospects").fetchone()
    facts = prospect_facts(row, Settings())
    assert facts["first_name"] == "Ana"
    assert facts["company"] == "Birch"
    assert "needs" not in facts


def book_with_history(tmp_path: Path):
    """Prospect 1 reached twice and won twice, prospect 2 only tried, prospect 3 untouched."""
    storage = open_storage(tmp_path / "h.db")
    db = storage.db
    for name in ("Ana Ruiz", "Ben Cole", "Cy Dunn"):
        db["prospects"].insert({"name": name})
    db["calls"].insert_all(
        [
            {"prospect_id": 1, "started_at": "2026-11-02T10:00:00+00:00", "outcome": "callback"},
            {"prospect_id": 1, "started_at": "2026-11-16T09:00:00+00:00", "outcome": "meeting"},
            {"prospect_id": 1, "started_at": "2026-11-17T09:00:00+00:00", "outcome": "no_answer"},
            {"prospect_id": 2, "started_at": "2026-11-17T09:00:00+00:00", "outcome": "voicemail"},
        ]
    )
    db["deals"].insert_all(
        [
            {"prospect_id": 1, "amount_cents": 100, "closed_on": "2025-03-04"},
            {"prospect_id": 1, "amount_cents": 100, "closed_on": "2026-09-01"},
        ]
    )
    return storage


def test_history_is_the_last_connect_and_the_first_and_last_deal(tmp_path):
    storage = book_with_history(tmp_path)
    history = read_history(storage.db, 1, now=NOW)
    assert history == ProspectHistory(
        datetime(2026, 11, 16, 9, tzinfo=UTC), date(2025, 3, 4), date(2026, 9, 1), "meeting"
    )
    assert history_facts(history, NOW) == {
        "last_spoke_on": "on Monday",
        "customer_since": "March 2025",
        "last_purchase_on": "on the 1st of September",
    }
    assert read_history(storage.db, 2, now=NOW) == ProspectHistory()
    assert history_facts(read_history(storage.db, 3, now=NOW), NOW) == {}


def test_the_last_call_is_said_on_the_prospects_clock_else_the_reps():
    """A call at 00:30 in Berlin is stored on the day before in UTC: the script said
    "we spoke yesterday" of a call earlier that morning."""
    berlin = ZoneInfo("Europe/Berlin")
    history = ProspectHistory(last_connected_at=datetime(2026, 11, 17, 23, 30, tzinfo=UTC))
    now = datetime(2026, 11, 18, 10, tzinfo=berlin)
    assert history_facts(history, now)["last_spoke_on"] == "earlier today"
    facts = prospect_facts({"name": "Hank"}, Settings(), history=history, now=now)
    assert facts["last_spoke_on"] == "earlier today"
    # In Chicago the call was on the 17th at 17:30, and it is the 18th there now.
    in_chicago = {"name": "Hank", "timezone": "America/Chicago"}
    facts = prospect_facts(in_chicago, Settings(), history=history, now=now)
    assert facts["last_spoke_on"] == "yesterday"
    unknown_zone = {"name": "Hank", "timezone": "Mars/Olympus"}
    facts = prospect_facts(unknown_zone, Settings(), history=history, now=now)
    assert facts["last_spoke_on"] == "earlier today"


@pytest.mark.parametrize(
    ("days_ago", "said"),
    [(1, "yesterday"), (3, "Sunday"), (30, "the 19th of October"), (59, "the 20th of September")],
)
def test_a_new_customer_is_told_the_day_they_became_one(days_ago: int, said: str) -> None:
    """`You've used Kestrel since November 2026`, said in November 2026 to a customer of
    a day, told them nothing."""
    first = TODAY - timedelta(days=days_ago)
    facts = history_facts(ProspectHistory(first_deal_on=first, last_deal_on=first), NOW)
    assert facts["customer_since"] == said
    long_ago = ProspectHistory(first_deal_on=TODAY - timedelta(days=60))
    assert history_facts(long_ago, NOW)["customer_since"] == "September 2026"
    # Won today: "You've been with us since earlier today" was said; the line without it is.
    assert "customer_since" not in history_facts(ProspectHistory(first_deal_on=TODAY), NOW)


def test_history_reads_a_few_rows_of_indexes_however_many_calls(tmp_path):
    """A prospect with thousands of calls: reading every one of them for the pane took 34
    ms at each move of the cursor, where the last of each kind is a row of the index."""
    storage = book_with_history(tmp_path)
    from funnel_tui.scripts.past_calls import _LAST_MADE, _OTHERS, STORED_FORM
    from funnel_tui.scripts.situation import HISTORY_QUERY

    params = {"id": 1, "latest": "2026-11-18T14:30:00+00:00", "stored": STORED_FORM}
    plans = {
        query: " ".join(
            str(row[-1]) for row in storage.db.execute(f"EXPLAIN QUERY PLAN {query}", params)
        )
        for query in (_LAST_MADE.format(outcomes=" AND outcome = 'callback'"), _OTHERS)
    }
    plans[HISTORY_QUERY] = " ".join(
        str(row[-1]) for row in storage.db.execute(f"EXPLAIN QUERY PLAN {HISTORY_QUERY}", params)
    )
    plan = " ".join(plans.values())
    assert "calls_prospect" in plan and "deals_prospect" in plan
    assert "flag_changes_prospect" in plan and "tasks_prospect" in plan
    assert "SCAN calls" not in plan and "SCAN deals" not in plan and "SCAN tasks" not in plan
    assert "SCAN flag_changes" not in plan
    # Newest first off the index: no sort of every call.
    last_made = next(iter(plans.values()))
    assert "TEMP B-TREE" not in last_made, last_made


@pytest.mark.parametrize(
    ("day", "spoken"),
    [
        (date(2026, 11, 18), "earlier today"),
        (date(2026, 11, 17), "yesterday"),
        (date(2026, 11, 12), "on Thursday"),
        (date(2026, 11, 10), "on the 10th of November"),
        (date(2026, 3, 1), "on the 1st of March"),
        (date(2026, 1, 22), "on the 22nd of January"),
        (date(2026, 7, 13), "on the 13th of July"),
        (date(2025, 12, 3), "on the 3rd of December 2025"),
    ],
)
def test_dates_read_as_a_rep_says_them(day, spoken):
    assert spoken_day(day, TODAY) == spoken


@pytest.mark.parametrize(
    ("prospect", "history", "situation"),
    [
        ({"kind": "new", "source": "cold list"}, ProspectHistory(), "cold"),
        ({"kind": "new"}, ProspectHistory(), "cold"),
        ({"kind": "new", "source": " Website  Form "}, ProspectHistory(), "inbound"),
        ({"kind": "known", "source": "webinar"}, ProspectHistory(), "known"),
        ({"kind": "new"}, ProspectHistory(datetime(2026, 1, 1, tzinfo=UTC)), "known"),
        ({"kind": "customer"}, ProspectHistory(), "customer"),
        ({"kind": "known"}, ProspectHistory(first_deal_on=date(2026, 1, 1)), "customer"),
        # Their last conversation ended in a no: the opener says so, and pushes nothing.
        (
            {"kind": "known", "stage": "lost"},
            ProspectHistory(
                datetime(2026, 11, 16, tzinfo=UTC), last_connect_outcome="not_interested"
            ),
            "declined",
        ),
        (
            {"kind": "known"},
            ProspectHistory(datetime(2026, 11, 16, tzinfo=UTC), last_connect_outcome="do_not_call"),
            "declined",
        ),
        # A no, then a meeting since: known again.
        (
            {"kind": "known"},
            ProspectHistory(datetime(2026, 11, 16, tzinfo=UTC), last_connect_outcome="meeting"),
            "known",
        ),
        # A customer who declined an upsell is still a customer.
        (
            {"kind": "customer"},
            ProspectHistory(last_connect_outcome="not_interested"),
            "customer",
        ),
    ],
)
def test_the_situation_of_a_prospect(prospect, history, situation):
    assert situation_of(prospect, history, Settings()) == situation


@pytest.mark.parametrize(
    ("prospect", "method"),
    [
        ({"kind": "customer", "stage": "won", "source": "webinar"}, "value_proposition"),
        ({"kind": "known", "stage": "proposal"}, "conceptual"),
        ({"kind": "new", "stage": "qualified", "source": "webinar"}, "conceptual"),
        ({"kind": "known", "stage": "contacted"}, "solution"),
        ({"kind": "new", "stage": "meeting", "source": "webinar"}, "solution"),
        ({"kind": "new", "stage": "lead", "source": "Webinar"}, "inbound"),
        ({"kind": "new", "stage": "lead", "source": "cold list"}, "solution"),
        ({"kind": "new", "stage": "lead"}, "solution"),
    ],
)
def test_the_suggested_method(prospect, method):
    assert suggested_method(prospect, Settings()) == method


# Script files ------------------------------------------------------------------------


def test_a_v2_file_loads_openers_cues_fallbacks_and_fits(tmp_path):
    write(tmp_path, "renewal.toml", V2_SCRIPT)
    library = load_library(tmp_path)
    assert library.problems == []
    script = library.get("renewal")
    assert script.fits == "A customer whose contract ends within the quarter."
    assert set(script.openers) == {"customer"}
    assert script.steps[0].fallback == ("How are you finding it?",)
    assert script.steps[0].cue == "In your notes: {pain_points}"


def test_an_added_method_without_an_opener_uses_the_first_it_has(tmp_path):
    write(tmp_path, "renewal.toml", V2_SCRIPT)
    script = load_library(tmp_path).get("renewal")
    assert script.opener("cold") is script.openers["customer"]


def test_a_user_file_for_a_builtin_borrows_the_openers_it_lacks(tmp_path):
    write(tmp_path, "solution.toml", V2_SCRIPT)
    script = load_library(tmp_path).get("solution")
    assert script.opener("customer") is script.openers["customer"]
    assert script.opener("cold") == load_builtin("solution").openers["cold"]


def test_a_v1_file_still_loads_and_starts_at_its_first_step(tmp_path):
    write(tmp_path, "cold_call.toml", SIMPLE_SCRIPT)
    script = load_library(tmp_path).get("cold_call")
    assert script.openers == {} and script.fits == ""
    steps = render_script(script, prospect_facts(DANA, Settings()), "cold")
    assert [step.title for step in steps] == ["Hello"]
    assert steps[0].say == "Hi Dana"
    assert steps[0].ask == ("How is Acme Logistics?",)


def test_unknown_opener_and_step_keys_name_their_line(tmp_path):
    text = V2_SCRIPT.replace("[openers.customer]", "[openers.warm]").replace(
        'fallback = "How are', 'fallbak = "How are'
    )
    write(tmp_path, "renewal.toml", text)
    library = load_library(tmp_path)
    assert library.get("renewal") is None
    found = {(problem.line, problem.message) for problem in library.problems}
    assert (4, "unknown opener 'warm'; openers are cold, inbound, known, customer, declined") in (
        found
    )
    assert (
        11,
        "step 1: unknown key 'fallbak'; it has title, say, ask, cue, fallback and for",
    ) in found


def test_a_step_for_some_situations_is_left_out_of_the_others(tmp_path):
    text = V2_SCRIPT.replace('title = "', 'for = ["cold", "inbound"]\ntitle = "', 1)
    write(tmp_path, "renewal.toml", text)
    script = load_library(tmp_path).get("renewal")
    first = script.steps[0]
    assert first.situations == ("cold", "inbound")
    assert first in script.steps_for("cold") and first not in script.steps_for("customer")
    assert "(for cold, inbound only)" in template_plain(script)
    write(tmp_path, "renewal.toml", text.replace('["cold", "inbound"]', '["cold", "warm"]'))
    library = load_library(tmp_path)
    assert library.get("renewal") is None
    assert any("for must list situations" in problem.message for problem in library.problems)


def test_value_proposition_skips_the_alternative_for_a_customer():
    titles = [step.title for step in load_builtin("value_proposition").steps_for("customer")]
    assert "Their next-best alternative" not in titles
    assert "The differences that matter" not in titles
    cold = [step.title for step in load_builtin("value_proposition").steps_for("cold")]
    assert "The differences that matter" in cold


def test_an_opener_with_a_wrong_type_names_its_line(tmp_path):
    write(tmp_path, "renewal.toml", V2_SCRIPT.replace('cue = "Renewal date: {goals}"', "cue = 3"))
    [problem] = load_library(tmp_path).problems
    assert (problem.line, problem.message) == (6, "opener customer: cue must be text in quotes")


def test_user_file_replaces_a_builtin(tmp_path):
    path = write(tmp_path / "scripts", "solution.toml", SIMPLE_SCRIPT)
    library = load_library(tmp_path / "scripts")
    script = library.get("solution")
    assert script.name == "Cold Call"
    assert script.source == str(path)
    assert list(library.scripts) == list(BUILTIN_METHOD_VALUES)
    steps = render_script(script, prospect_facts(DANA, Settings()), "inbound")
    assert [step.title for step in steps] == ["Hello"]
    assert steps[0].say == "Hi Dana"


def test_added_methods_come_after_builtins_sorted_by_file_name(tmp_path):
    folder = tmp_path / "scripts"
    write(folder, "zeta_call.toml", SIMPLE_SCRIPT.replace("Cold Call", "Zeta"))
    write(folder, "cold_call.toml", SIMPLE_SCRIPT)
    library = load_library(folder)
    assert list(library.scripts) == [*BUILTIN_METHOD_VALUES, "cold_call", "zeta_call"]
    assert library.names()["cold_call"] == "Cold Call"
    assert library.problems == []


def test_added_method_without_a_name_is_named_after_its_file(tmp_path):
    folder = tmp_path / "scripts"
    write(folder, "follow_up.toml", SIMPLE_SCRIPT.replace('name = "Cold Call"\n', ""))
    assert load_library(folder).names()["follow_up"] == "Follow Up"


def test_missing_or_absent_user_folder_is_fine(tmp_path):
    assert load_library(tmp_path / "nowhere").problems == []
    assert list(load_library(None).scripts) == list(BUILTIN_METHOD_VALUES)


def test_bad_toml_names_file_and_line_and_keeps_the_builtin(tmp_path, library):
    broken = SIMPLE_SCRIPT.replace('title = "Hello"', 'title = "Hello" oops')
    path = write(tmp_path / "scripts", "solution.toml", broken)
    loaded = load_library(tmp_path / "scripts")
    assert loaded.get("solution") == library.get("solution")
    assert loaded.get("solution").source == BUILTIN_SOURCE
    [problem] = loaded.problems
    assert problem.path == path
    assert problem.line == 4
    assert str(problem).startswith(f"{path}:4: not valid TOML")


def test_bad_toml_at_the_end_points_at_the_last_line(tmp_path):
    path = write(tmp_path / "scripts", "cold_call.toml", SIMPLE_SCRIPT + "extra =\n")
    [problem] = load_library(tmp_path / "scripts").problems
    assert problem.line == len((SIMPLE_SCRIPT + "extra =\n").splitlines())
    assert str(path) in str(problem)


def test_broken_added_method_is_left_out(tmp_path):
    write(tmp_path / "scripts", "cold_call.toml", "name = \n")
    library = load_library(tmp_path / "scripts")
    assert "cold_call" not in library.scripts
    assert len(library.problems) == 1


def problems_for(tmp_path: Path) -> list[ScriptProblem]:
    library = load_library(tmp_path)
    assert library.get("cold_call") is None
    assert library.problems
    return library.problems


def test_wrong_types_are_reported_at_their_line(tmp_path):
    write(
        tmp_path,
        "cold_call.toml",
        'name = 5\n\n[[steps]]\ntitle = "A"\nsay = "B"\n\n'
        '[[steps]]\ntitle = "C"\nsay = 7\nask = "one"\n\n[objections]\nprice = 3\n',
    )
    found = {(problem.line, problem.message) for problem in problems_for(tmp_path)}
    lines = {line for line, _ in found}
    assert lines == {1, 9, 10, 13}
    messages = " | ".join(message for _, message in found)
    assert "name must be text" in messages
    assert "step 2: say must be text" in messages
    assert "step 2: ask must be a list" in messages
    assert "objection 'price'" in messages


def test_missing_and_empty_steps_are_reported(tmp_path):
    write(tmp_path, "cold_call.toml", 'name = "X"\n')
    [problem] = problems_for(tmp_path)
    assert "no steps" in problem.message
    write(tmp_path, "cold_call.toml", 'name = "X"\nsteps = []\n')
    [problem] = problems_for(tmp_path)
    assert problem.line == 2


def test_step_without_say_points_at_its_table(tmp_path):
    write(
        tmp_path,
        "cold_call.toml",
        '[[steps]]\ntitle = "A"\nsay = "B"\n\n[[steps]]\ntitle = "C"\n\n[[steps]]\n'
        'title = "D"\nsay = "E"\n',
    )
    [problem] = problems_for(tmp_path)
    assert (problem.line, problem.message) == (
        5,
        "step 2 has no say: give it a say, or questions in ask",
    )


def test_a_step_without_say_and_with_an_empty_ask_says_both(tmp_path):
    """`ask = []` and no say was reported as "step 2 has no say", as if ask were fine."""
    write(
        tmp_path,
        "cold_call.toml",
        '[[steps]]\ntitle = "A"\nsay = "B"\n\n[[steps]]\ntitle = "C"\nask = []\n',
    )
    [problem] = problems_for(tmp_path)
    assert (problem.line, problem.message) == (
        7,
        "step 2 has no say and its ask is empty: give it a say, or at least one question in ask",
    )


def test_misspelt_key_is_reported_rather_than_ignored(tmp_path):
    write(tmp_path, "cold_call.toml", SIMPLE_SCRIPT.replace("[objections]", "[objection]"))
    [problem] = problems_for(tmp_path)
    assert "unknown key 'objection'" in problem.message


def test_file_name_that_cannot_be_a_method_is_reported(tmp_path):
    write(tmp_path, "Cold Call.toml", SIMPLE_SCRIPT)
    library = load_library(tmp_path)
    assert list(library.scripts) == list(BUILTIN_METHOD_VALUES)
    [problem] = library.problems
    assert problem.line is None
    assert str(problem).startswith(f"{tmp_path / 'Cold Call.toml'}: ")


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "cold_call.toml").write_bytes(b'name = "\xff"\n')
    assert "cannot read" in problems_for(tmp_path)[0].message


def test_problem_text_without_a_line():
    assert str(ScriptProblem(Path("a/b.toml"), None, "broken")) == "a/b.toml: broken"
    assert str(ScriptProblem(Path("a/b.toml"), 3, "broken")) == "a/b.toml:3: broken"


# Objection answers ------------------------------------------------------------------


def test_recorded_objections_come_first_by_category_title(library, objections):
    script = library.get("solution")
    matching, others = objection_answers(script, objections, DANA["objections"], {})
    assert [answer.title for answer in matching] == ["Price", "Already have a solution"]
    titles = [answer.title for answer in matching + others]
    assert sorted(titles) == sorted(category.title for category in objections.categories)
    assert all(answer.spoken and "{" not in answer.answer for answer in matching + others)


def test_a_scripts_own_answers_override_and_add(tmp_path, objections):
    write(tmp_path, "renewal.toml", V2_SCRIPT)
    script = load_library(tmp_path).get("renewal")
    matching, _ = objection_answers(script, objections, "too expensive; and training", {})
    assert [answer.title for answer in matching] == ["Price", "Training"]
    assert matching[0].answer == "Let's look at what it saved you first."
    assert matching[1].answer == "We train your team on site."


def test_an_own_answer_that_lacks_a_fact_is_a_note_for_the_rep(tmp_path, objections):
    own_answer = V2_SCRIPT.replace('"We train your', '"At {company}, we train your')
    write(tmp_path, "renewal.toml", own_answer)
    script = load_library(tmp_path).get("renewal")
    matching, _ = objection_answers(script, objections, "training", {})
    [own] = matching
    assert not own.spoken
    assert own.answer == "At (not recorded), we train your team on site."


@pytest.mark.parametrize(
    ("said", "keyword"),
    [("TRAINING again", "Training"), ("trained staff", "Training"), ("constraining", None)],
)
def test_an_own_keyword_matches_whole_words_only(tmp_path, objections, said, keyword):
    write(tmp_path, "renewal.toml", V2_SCRIPT)
    script = load_library(tmp_path).get("renewal")
    matching, _ = objection_answers(script, objections, said, {})
    assert [answer.title for answer in matching if answer.title == "Training"] == (
        [keyword] if keyword else []
    )


# Plain text (funnel script) ------------------------------------------------------------


def filled_for(prospect, method="inbound"):
    return fill_script(
        load_builtin(method),
        prospect,
        settings=Settings(rep_name="Sam"),
        history=ProspectHistory(),
        now=NOW,
        profile=None,
        objections=load_objections(None),
    )


def test_plain_text_has_the_opener_steps_cues_and_objections():
    filled = filled_for(DANA)
    text = filled_plain(filled)
    assert text.startswith("Inbound Selling\n")
    assert "> Opener: inbound (a new prospect who came to us)" in text
    assert "> Profile: nothing chosen" in text
    for number, step in enumerate(filled.steps, start=1):
        assert f"{number}. {step.title}" in text
        if step.say:
            assert step.say in text
        for question in step.ask:
            assert f"- {question}" in text
        if step.cue:
            assert f"   > {step.cue}" in text
    recorded = text.index("Objections recorded for this prospect")
    assert recorded < text.index("- Price:") < text.index("Other objections")
    assert "Hi Dana, it's Sam. I'm calling because you came to us through our webinar" in text


def test_plain_text_without_matches_has_one_objections_section():
    text = filled_plain(filled_for({"name": "Lee"}, "solution"))
    assert "\nObjections\n" in text
    assert "recorded for this prospect" not in text
    assert "(ask:" not in text and "{" not in text


def test_plain_text_names_objections_recorded_that_match_no_answer():
    text = filled_plain(filled_for({"name": "Lee", "objections": "Budget approved per quarter"}))
    assert "\nObjections\n   > None matched: no answer fits “Budget approved per quarter”\n" in text
    assert "None matched" not in filled_plain(filled_for({"name": "Lee"}))


def test_the_template_shows_every_opener_and_the_placeholders():
    text = template_plain(load_builtin("solution"))
    for situation in SITUATIONS:
        assert f"Open: {situation} (" in text
    assert "{introduction}. I'm calling because teams like yours use our {feature}" in text
    assert "> In your notes: {pain_points}" in text


def test_a_blob_another_tool_stored_is_a_missing_fact_not_spoken():
    facts = prospect_facts(
        {"name": "Ada Lovelace", "first_name": b"AB", "company": b"\xff"}, Settings()
    )
    assert facts["first_name"] == "Ada"
    assert "company" not in facts
    plain = filled_plain(
        filled_for({"name": "Ada", "company": b"\xff", "objections": "budget"}, "solution")
    )
    assert "b'" not in plain


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('say = "Hi {frist_name}"', "unknown placeholder {frist_name}"),
        ('say = "About {name.__class__}"', "'{name.__class__}' is no placeholder"),
        ('say = "Rate {0} and {name!r}"', "'{0}' is no placeholder"),
        ('say = "Hello {"', "'{' is no placeholder"),
        ('ask = ["Who else? }{"]', "'}' is no placeholder"),
    ],
)
def test_a_placeholder_that_cannot_be_filled_is_reported_at_its_line(tmp_path, line, message):
    write(tmp_path, "renewal.toml", f'name = "Renewal"\n\n[[steps]]\ntitle = "Check"\n{line}\n')
    library = load_library(tmp_path)
    assert library.get("renewal") is None
    found = [(problem.line, problem.message) for problem in library.problems]
    assert any(number == 5 and message in text for number, text in found), found


def test_a_script_objection_answer_with_a_wrong_placeholder_is_reported(tmp_path):
    text = V2_SCRIPT.replace("Let's look at what it saved you first.", "About {prize}.")
    write(tmp_path, "renewal.toml", text)
    problems = [problem.message for problem in load_library(tmp_path).problems]
    assert any("objection 'price': unknown placeholder {prize}" in text for text in problems)


def test_someone_who_said_no_hears_an_opener_that_says_so_in_every_method(tmp_path):
    """Sofia said not interested on the 16th: every script's opener went on as if she had
    not ("I'm calling to check I understood your picture before we go any further")."""
    storage = book_with_history(tmp_path)
    storage.db["calls"].insert(
        {"prospect_id": 2, "started_at": "2026-11-16T10:00:00+00:00", "outcome": "not_interested"}
    )
    prospect = {"id": 2, "name": "Ben Cole", "kind": "known", "stage": "lost"}
    history = read_history(storage.db, 2, now=NOW)
    for method in BUILTIN_METHOD_VALUES:
        filled = fill_script(
            load_builtin(method),
            prospect,
            settings=Settings(),
            history=history,
            now=NOW,
            profile=None,
            objections=load_objections(None),
        )
        assert filled.situation == "declined"
        opener = filled.steps[0].say
        assert "on Monday" in opener, (method, opener)
        assert "wasn't" in opener or "not to go ahead" in opener, (method, opener)


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("timing", "the timing wasn't right for you then"),
        ("budget", "there wasn't the budget for it then"),
        ("competitor", "you had gone with another provider"),
        ("no_need", "you didn't see the need then"),
        ("no_authority", "the decision sat with someone else"),
    ],
)
def test_the_declined_opener_says_why_they_said_no(tmp_path, reason, said):
    """Rachel signed with a competitor last month: every opener said "it wasn't the right
    moment for you then"."""
    storage = book_with_history(tmp_path)
    storage.db["calls"].insert_all(
        [
            {
                "prospect_id": 2,
                "started_at": "2026-11-16T10:00:00+00:00",
                "outcome": "not_interested",
                "reason": reason,
            },
            {"prospect_id": 2, "started_at": "2026-11-17T10:00:00+00:00", "outcome": "no_answer"},
        ]
    )
    history = read_history(storage.db, 2, now=NOW)
    assert history.declined_reason == reason
    assert history_facts(history, NOW)["declined_reason"] == said
    prospect = {"id": 2, "name": "Ben Cole", "kind": "known", "stage": "lost"}
    for filled in fill_every_method(prospect, history):
        opener = filled.steps[0].say
        assert f"on Monday, and {said}. I'm" in opener, opener
        assert "go ahead" not in opener and "wasn't for you" not in opener


@pytest.mark.parametrize("reason", ["other", None, "unreachable", "Competitor"])
def test_without_a_reason_to_say_the_declined_opener_keeps_its_own_words(tmp_path, reason):
    storage = book_with_history(tmp_path)
    storage.db["calls"].insert(
        {
            "prospect_id": 2,
            "started_at": "2026-11-16T10:00:00+00:00",
            "outcome": "not_interested",
            "reason": reason,
        }
    )
    history = read_history(storage.db, 2, now=NOW)
    assert "declined_reason" not in history_facts(history, NOW)
    prospect = {"id": 2, "name": "Ben Cole", "kind": "known", "stage": "lost"}
    openers = [filled.steps[0].say for filled in fill_every_method(prospect, history)]
    assert openers[0] == (
        "Hi Ben, this is Kestrel Software; we spoke on Monday, and you decided not to go ahead"
        " then. I'm not calling to push, just to check in."
    )
    undated = history._replace(last_connected_at=None, declined_reason="competitor")
    [solution, *_] = fill_every_method(prospect, undated)
    assert solution.steps[0].say.startswith(
        "Hi Ben, this is Kestrel Software. When we last spoke you decided not to go ahead."
    )


def test_a_proposal_out_is_said_to_the_rep_before_the_opener(tmp_path):
    """Olivia has a $16,400 proposal closing on Christmas Day: her script said nothing of
    it and went back to discovery."""
    storage = book_with_history(tmp_path)
    prospect = {
        "id": 1,
        "name": "Olivia Grant",
        "kind": "known",
        "stage": "proposal",
        "deal_value_cents": 1_640_000,
        "expected_close_on": "2026-12-25",
    }
    for method in BUILTIN_METHOD_VALUES:
        filled = fill_script(
            load_builtin(method),
            prospect,
            settings=Settings(),
            history=read_history(storage.db, 2, now=NOW),
            now=NOW,
            profile=None,
            objections=load_objections(None),
        )
        assert filled.steps[0].cue.startswith(
            "Proposal out for $16,400, expected to close Fri 25 Dec 2026: ask where it stands"
        ), method
    # Before a proposal, nothing of the kind.
    earlier = fill_script(
        load_builtin("solution"),
        {**prospect, "stage": "qualified"},
        settings=Settings(),
        history=read_history(storage.db, 2, now=NOW),
        now=NOW,
        profile=None,
        objections=load_objections(None),
    )
    assert "Proposal" not in earlier.steps[0].cue


def fill_every_method(prospect, history):
    for method in BUILTIN_METHOD_VALUES:
        yield fill_script(
            load_builtin(method),
            prospect,
            settings=Settings(),
            history=history,
            now=NOW,
            profile=demo_profile(),
            objections=load_objections(None),
        )


def test_a_prospect_marked_do_not_call_gets_no_script_in_any_method(tmp_path):
    """Fatima asked to be removed from all call lists: her script still said "I'm calling to
    see whether your plans have moved on since", and answered her objections."""
    storage = book_with_history(tmp_path)
    storage.db["calls"].insert(
        {"prospect_id": 2, "started_at": "2026-11-16T10:00:00+00:00", "outcome": "do_not_call"}
    )
    prospect = {
        "id": 2,
        "name": "Ben Cole",
        "kind": "known",
        "do_not_call": 1,
        "objections": "price",
    }
    for filled in fill_every_method(prospect, read_history(storage.db, 2, now=NOW)):
        [step] = filled.steps
        assert (step.title, step.say, step.ask) == ("Do not call", "", ())
        assert step.cue.startswith("They asked not to be called on Monday, so there is no script")
        assert "clear Do not call in their edit form (e)" in step.cue
        assert filled.matching_objections == filled.other_objections == []
        text = filled_plain(filled)
        assert "> Situation: do not call (asked not to be called); no script" in text
        assert "Opener" not in text and "Objections" not in text and "Profile" not in text


def test_the_day_they_asked_not_to_be_called_is_the_flags_when_no_call_says_it(tmp_path):
    storage = book_with_history(tmp_path)
    db = storage.db
    db.execute("UPDATE prospects SET do_not_call = 1 WHERE id = 1")
    db.execute("UPDATE flag_changes SET changed_at = '2026-11-17T08:00:00+00:00'")
    assert read_history(db, 1, now=NOW).do_not_call_at == datetime(2026, 11, 17, 8, tzinfo=UTC)
    assert read_history(db, 2, now=NOW).do_not_call_at is None
    prospect = {"id": 2, "name": "Ben Cole", "do_not_call": 1}
    [filled, *_] = fill_every_method(prospect, read_history(db, 2, now=NOW))
    assert filled.steps[0].cue.startswith("They asked not to be called, so there is no script")
    [filled, *_] = fill_every_method({**prospect, "id": 1}, read_history(db, 1, now=NOW))
    assert filled.steps[0].cue.startswith("They asked not to be called yesterday, so")


NO_HISTORY = ProspectHistory()


def opener_cue(prospect, history=NO_HISTORY, method="solution") -> str:
    filled = fill_script(
        load_builtin(method),
        prospect,
        settings=Settings(),
        history=history,
        now=NOW,
        profile=None,
        objections=load_objections(None),
    )
    return filled.steps[0].cue


def stored(moment: datetime) -> str:
    return moment.isoformat()


@pytest.mark.parametrize(
    ("kind", "due", "said"),
    [
        (
            "callback",
            NOW - timedelta(days=2),
            "They asked to be called back Mon 16 Nov 10:00: say you are calling as promised,"
            " and sorry it is late.",
        ),
        (
            "callback",
            NOW - timedelta(minutes=10),
            "They asked to be called back Wed 18 Nov 09:50: say you are calling as promised.",
        ),
        ("callback", NOW + timedelta(days=1), "They asked to be called back Thu 19 Nov 10:00;"),
        ("meeting", NOW + timedelta(days=6), "A meeting is booked for Tue 24 Nov 10:00: confirm"),
        (
            "meeting",
            NOW - timedelta(days=5),
            "The meeting of Fri 13 Nov 10:00 is still open: ask whether it took place",
        ),
    ],
)
def test_the_opener_cue_says_what_was_promised_them_first(kind, due, said):
    """A callback they asked for, two days late, read as any known prospect's opener: the
    script did not say the rep was calling back as promised, nor that a meeting stood."""
    prospect = {**DANA, "kind": "known"}
    history = ProspectHistory(**{f"{kind}_due_at": due})
    for method in BUILTIN_METHOD_VALUES:
        assert opener_cue(prospect, history, method=method).startswith(said), method


def test_a_meeting_booked_after_a_callback_is_said_too():
    """Their callback came first, and the meeting after it went unsaid."""
    history = ProspectHistory(
        callback_due_at=NOW + timedelta(days=1), meeting_due_at=NOW + timedelta(days=3)
    )
    assert opener_cue({**DANA, "kind": "known"}, history).startswith(
        "They asked to be called back Thu 19 Nov 10:00; this call comes before. A meeting is"
        " booked for Sat 21 Nov 10:00: confirm it, not start again."
    )


def test_the_opener_cue_gives_a_promised_time_on_their_clock_too():
    """A callback asked for at 10:00 New York time, read by a rep in London: the cue said
    only `15:00`, the rep's, and the rep calling back "as promised" had their hour to
    work out; the card shows both."""
    history = ProspectHistory(callback_due_at=NOW - timedelta(minutes=10))
    prospect = {**DANA, "kind": "known", "timezone": "America/New_York"}
    assert opener_cue(prospect, history).startswith(
        "They asked to be called back Wed 18 Nov 09:50 (04:50 their time): say you are"
        " calling as promised."
    )


def test_history_reads_the_first_open_callback_and_meeting(tmp_path):
    storage = open_storage(tmp_path / "book.db")
    db = storage.db
    prospect_id = db["prospects"].insert({"name": "Ann Lee"}).last_pk
    for kind, days, status in (
        ("callback", 2, "open"),
        ("callback", 1, "done"),
        ("meeting", 5, "open"),
        ("meeting", 4, "cancelled"),
    ):
        db["tasks"].insert(
            {
                "prospect_id": prospect_id,
                "kind": kind,
                "status": status,
                "due_at": stored(NOW + timedelta(days=days)),
            }
        )
    history = read_history(db, prospect_id, now=NOW)
    assert (history.callback_due_at, history.meeting_due_at) == (
        NOW + timedelta(days=2),
        NOW + timedelta(days=5),
    )
    storage.close()


def test_the_opener_cue_says_a_voicemail_was_left_a_meeting_missed_and_the_last_note():
    voicemail = {
        **DANA,
        "last_outcome": "voicemail",
        "last_called_at": stored(NOW - timedelta(days=2)),
    }
    assert opener_cue(voicemail).startswith("You left them a voicemail on Monday: say so.")
    missed = {**DANA, "last_outcome": "no_show", "last_called_at": stored(NOW)}
    history = ProspectHistory(last_note="Owner called in sick; rebooking")
    assert opener_cue(missed, history).startswith(
        "They missed the last meeting: find a new time first. Last call's note:"
        " “Owner called in sick; rebooking”."
    )


def test_a_customer_who_said_no_to_more_is_not_pitched_again():
    customer = {**DANA, "kind": "customer"}
    history = ProspectHistory(
        last_connected_at=NOW - timedelta(days=5),
        first_deal_on=date(2026, 3, 9),
        last_connect_outcome="not_interested",
        declined_reason="budget",
    )
    assert opener_cue(customer, history).startswith(
        "They said no to more (budget): ask how it goes; do not pitch it again."
    )
    # A prospect who is not a customer hears the declined opener, which says it itself.
    assert "said no to more" not in opener_cue(
        {**DANA, "kind": "known"}, history._replace(first_deal_on=None)
    )


@pytest.mark.parametrize(
    ("source", "inbound", "phrase"),
    [
        # The trainer's webinar lead heard the cold opener: its source named the campaign.
        ("Webinar - Q3 launch", True, "our webinar"),
        ("Trade show: Dreamforce 2026", True, "the trade show"),
        ("Referral (Dana Reyes)", True, "a referral"),
        ("DEMO_REQUEST / pricing page", True, "your demo request"),
        # Someone who phoned in heard "Thanks for taking my call".
        ("Inbound call", True, "your phone enquiry"),
        # A plural and a hyphen got the cold opener.
        ("webinars", True, "our webinar"),
        ("Trade-show", True, "the trade show"),
        ("Trade shows: Q3", True, "the trade show"),
        ("Web scraping list", False, None),
        ("Cold list - Q3", False, None),
        ("Business directory", False, None),
    ],
)
def test_a_campaign_named_after_its_source_is_that_source(
    source: str, inbound: bool, phrase: str | None
) -> None:
    from funnel_tui.settings import is_inbound, source_phrase

    settings = Settings()
    assert is_inbound(settings, source) is inbound
    assert source_phrase(settings, source) == phrase
    situation = situation_of({"kind": "new", "source": source}, ProspectHistory(), settings)
    assert situation == ("inbound" if inbound else "cold")
