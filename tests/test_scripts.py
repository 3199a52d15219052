"""Call scripts: the built-ins, user overrides and broken files, filling in facts, objections."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from funnel_tui.domain import BUILTIN_METHOD_VALUES, BUILTIN_METHODS
from funnel_tui.scripts import (
    BUILTIN_SOURCE,
    ScriptProblem,
    load_library,
    objection_answers,
    prospect_facts,
    render_plain,
    render_script,
    render_text,
)
from funnel_tui.settings import Settings

REQUIRED_OBJECTIONS = ("price", "timing", "budget", "vendor", "decision", "email")
PLACEHOLDERS = (
    "{name}",
    "{first_name}",
    "{company}",
    "{needs}",
    "{pain_points}",
    "{objections}",
    "{goals}",
    "{source}",
    "{rep_name}",
)

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


@pytest.fixture
def library():
    return load_library(None)


def every_text(steps) -> str:
    return "\n".join(text for step in steps for text in (step.title, step.say, *step.ask))


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_each_builtin_has_five_to_eight_steps_with_questions(library, method):
    script = library.get(method)
    assert script is not None
    assert script.source == BUILTIN_SOURCE
    assert 5 <= len(script.steps) <= 8
    for step in script.steps:
        assert step.title and step.say
        assert 1 <= len(step.ask) <= 4, step.title


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_each_builtin_answers_the_common_objections(library, method):
    objections = library.get(method).objections
    assert set(REQUIRED_OBJECTIONS) <= set(objections)
    assert len(objections) >= len(REQUIRED_OBJECTIONS) + 2
    assert all(keyword.islower() and keyword.isalpha() for keyword in objections)


def test_builtins_use_the_prospects_facts(library):
    all_text = "\n".join(
        every_text(script.steps) + "\n".join(script.objections.values())
        for script in library.methods()
    )
    for placeholder in PLACEHOLDERS:
        assert placeholder in all_text, placeholder
    for script in library.methods():
        assert "{first_name}" in every_text(script.steps)
        assert "{company}" in every_text(script.steps)


def test_library_lists_builtins_in_domain_order_with_display_names(library):
    assert library.names() == {method.value: method.name for method in BUILTIN_METHODS}
    assert [script.method for script in library.methods()] == list(BUILTIN_METHOD_VALUES)
    assert library.problems == []
    assert library.get("no_such_method") is None


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_empty_prospect_renders_visible_prompts_not_blanks(library, method):
    facts = prospect_facts({"name": None, "company": "  "}, Settings())
    script = library.get(method)
    text = every_text(render_script(script, facts))
    text += render_plain(script, facts, None)
    assert "{" not in text and "}" not in text
    assert "None" not in text
    assert "(ask: their name)" in text
    assert "(ask: their company)" in text
    assert "(set your name: funnel config set rep_name ...)" in text


def test_facts_fill_every_placeholder():
    facts = prospect_facts(DANA, Settings(rep_name="Sam Ortiz"))
    assert facts["first_name"] == "Dana"
    assert facts["name"] == "Dana Whitfield"
    assert facts["rep_name"] == "Sam Ortiz"
    assert facts["pain_points"] == "late invoices"
    assert all(facts[placeholder.strip("{}")] for placeholder in PLACEHOLDERS)


def test_missing_facts_become_prompts_that_say_what_to_find_out():
    facts = prospect_facts({"name": "Lee"}, Settings())
    assert facts["first_name"] == "Lee"
    assert facts["needs"] == "(ask: their needs)"
    assert facts["pain_points"] == "(ask: what hurts today)"
    assert facts["company"] == "(ask: their company)"


def test_facts_read_a_sqlite_row(tmp_path):
    from funnel_tui.storage import open_storage

    storage = open_storage(tmp_path / "t.db")
    storage.db["prospects"].insert({"name": "Ana Ruiz", "company": "Birch"})
    storage.db.conn.row_factory = sqlite3.Row
    row = storage.db.execute("SELECT * FROM prospects").fetchone()
    facts = prospect_facts(row, Settings())
    assert facts["first_name"] == "Ana"
    assert facts["company"] == "Birch"
    assert facts["needs"] == "(ask: their needs)"


@pytest.mark.parametrize("hostile", ["[bold]x[/bold]", "{company}", "}{", "{", "\\1 \\g<0>"])
def test_prospect_text_is_inserted_literally_and_never_substituted_again(hostile):
    facts = prospect_facts({"name": "Kim", "company": "Real Co", "needs": hostile}, Settings())
    assert render_text("We heard: {needs}. At {company}.", facts) == (
        f"We heard: {hostile}. At Real Co."
    )


def test_unknown_placeholder_becomes_a_prompt_and_stray_braces_stay():
    facts = prospect_facts(DANA, Settings())
    assert render_text("Budget is {budget_owner}.", facts) == "Budget is (ask: budget owner)."
    assert render_text("Set {} and {1} and {{x", facts) == "Set {} and {1} and {{x"
    assert render_text("Hi { first_name }", facts) == "Hi Dana"


def test_user_file_replaces_a_builtin(tmp_path):
    path = write(tmp_path / "scripts", "solution.toml", SIMPLE_SCRIPT)
    library = load_library(tmp_path / "scripts")
    script = library.get("solution")
    assert script.name == "Cold Call"
    assert script.source == str(path)
    assert list(library.scripts) == list(BUILTIN_METHOD_VALUES)
    steps = render_script(script, prospect_facts(DANA, Settings()))
    assert steps[0].say == "Hi Dana"
    assert steps[0].ask == ("How is Acme Logistics?",)


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
    assert (problem.line, problem.message) == (5, "step 2 has no say")


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


def test_recorded_objections_come_first_and_others_all_stay(library):
    script = library.get("solution")
    facts = prospect_facts(DANA, Settings())
    matching, others = objection_answers(script, DANA["objections"], facts)
    assert [keyword for keyword, _ in matching] == ["price", "vendor"]
    assert "late invoices" in dict(matching)["price"]
    assert sorted(keyword for keyword, _ in matching + others) == sorted(script.objections)
    assert "price" not in dict(others)


@pytest.mark.parametrize(
    ("said", "keyword"),
    [
        ("PRICES went up", "price"),
        ("too pricey", "price"),
        ("Just e-mail me", "email"),
        ("send emails", "email"),
        ("I'm not the decision-maker", "decision"),
        ("bad time, call next quarter", "timing"),
        ("we use other vendors", "vendor"),
    ],
)
def test_keyword_matches_its_word_forms(library, said, keyword):
    matching, _ = objection_answers(library.get("solution"), said, {})
    assert keyword in dict(matching)


def test_keyword_does_not_match_inside_other_words(library):
    matching, _ = objection_answers(library.get("solution"), "a caprice; the mailroom", {})
    assert matching == []


def test_no_recorded_objections_lists_every_answer(library):
    matching, others = objection_answers(library.get("inbound"), None, {})
    assert matching == []
    assert [keyword for keyword, _ in others] == list(library.get("inbound").objections)


def test_plain_text_has_steps_questions_and_objections(library):
    script = library.get("benefits")
    facts = prospect_facts(DANA, Settings(rep_name="Sam"))
    text = render_plain(script, facts, "price is the issue")
    assert text.startswith("Benefits Selling\n")
    for number, step in enumerate(render_script(script, facts), start=1):
        assert f"{number}. {step.title}" in text
        assert step.say in text
        for question in step.ask:
            assert f"- {question}" in text
    recorded = text.index("Objections recorded for this prospect")
    assert (
        recorded < text.index("- price:") < text.index("Other objections") < text.index("- timing:")
    )
    assert "Sam" in text and "Acme Logistics" in text


def test_plain_text_without_matches_has_one_objections_section(library):
    text = render_plain(library.get("conceptual"), prospect_facts({}, Settings()), "")
    assert "\nObjections\n" in text
    assert "recorded for this prospect" not in text
    assert "- email:" in text
