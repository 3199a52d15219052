"""The objection library: which category a rep's note names, the answers, the rep's own file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.demo_people import PEOPLE
from funnel_tui.domain import BUILTIN_METHOD_VALUES
from funnel_tui.scripts.objections import (
    COMMON,
    ObjectionLibrary,
    builtin_categories,
    compile_phrases,
    load_objections,
    normalise,
)

REQUIRED_CATEGORIES = (
    "price",
    "budget",
    "timing",
    "busy",
    "send_info",
    "not_interested",
    "has_solution",
    "in_house",
    "security",
    "procurement",
    "failed_before",
    "not_decision_maker",
    "contract",
    "think_about_it",
)
# The placeholders an answer may use (PRODUCT 6): facts that read naturally when spoken,
# never the rep's own notes.
SPOKEN_PLACEHOLDERS = {
    "name",
    "first_name",
    "title",
    "company",
    "source_phrase",
    "rep_name",
    "our_company",
    "product",
    "feature",
    "feature_does",
    "advantage",
    "benefit",
    "alternative",
    "differentiator",
    "proof",
    "reference",
    "reference_industry",
    "payback",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Lines a rep must never say: they claim contact that may not have happened, or ask for
# permission instead of giving the reason for the call.
NEVER_SAID = ("last time", "we spoke", "you mentioned", "as we discussed", "good time", "bad time")
LONGEST_SPOKEN_LINE = 45

PHRASINGS = [
    # The examples.
    ("busy season", ["timing"]),
    ("busy season until March", ["timing"]),
    ("Too busy this month, call in January", ["timing"]),
    ("Timing: busy season until after Christmas", ["timing"]),
    ("Price; they already pay for an email tool that does sequences", ["price", "has_solution"]),
    ("We need an email tool", []),
    ("Vendor must pass their supplier audit; decision in Q1", ["procurement", "timing"]),
    ("Worried about vendor lock-in", ["contract"]),
    ("Not interested, we already have a solution", ["not_interested", "has_solution"]),
    ("Wants to build it in-house; price of the API tier", ["in_house", "price"]),
    ("Concerned about GDPR", ["security"]),
    ("Procurement needs three quotes; budget approved per term", ["procurement"]),
    ("Tried a scheduling vendor in 2023 and it failed", ["failed_before"]),
    # What reps write.
    ("too expensive", ["price"]),
    ("Bit pricey for a team of six", ["price"]),
    ("Prices went up last year", ["price"]),
    ("Per-seat pricing looks expensive at 40 drivers", ["price"]),
    ("Worried about the cost", ["price"]),
    ("No budget this year", ["budget"]),
    ("Budgetary limits", ["budget"]),
    ("Money's tight", ["budget"]),
    ("Budget approved per quarter", []),
    # An ignored phrase inside a longer objection does not hide it.
    ("We don't have the budget", ["budget"]),
    ("dont have budget this year", ["budget"]),
    ("We have budget", []),
    ("We've got budget", []),
    ("Budget isn't a problem", []),
    ("Haven't got the budget", ["budget"]),
    ("Not busy, but we have budget", []),
    ("Send a one page summary", ["send_info"]),
    # A hyphen in a phrase may be a space.
    ("Send a one pager", ["send_info"]),
    ("Auto renews in May", ["contract"]),
    ("Built in house", ["in_house"]),
    ("Not this quarter", ["timing"]),
    ("Call me in Q2", ["timing"]),
    ("In a meeting, call me back", ["busy"]),
    ("Too busy right now", ["busy"]),
    ("Send me something", ["send_info"]),
    ("Email me the details", ["send_info"]),
    ("E-mail me the deck", ["send_info"]),
    ("Wants it all by email first, then she will decide", ["send_info"]),
    ("not interested", ["not_interested"]),
    ("Don\u2019t need it", ["not_interested"]),
    ("We already use HubSpot", ["has_solution"]),
    ("Happy with our provider", ["has_solution"]),
    ("Happy with the current vendor", ["has_solution"]),
    ("Does everything on paper", ["has_solution"]),
    ("We built our own", ["in_house"]),
    ("Homegrown system from 2015", ["in_house"]),
    ("Builds it inhouse", ["in_house"]),
    ("Data protection questions; decision with the partners", ["security", "not_decision_maker"]),
    ("Data hosting must be in the UK", ["security"]),
    ("Needs three quotes", ["procurement"]),
    ("Goes to tender in spring", ["procurement"]),
    ("Price against the two other vendors he is talking to", ["price", "procurement"]),
    ("Last vendor let us down", ["failed_before"]),
    ("Got burned by a previous supplier", ["failed_before"]),
    ("Not my call", ["not_decision_maker"]),
    ("Need to ask my boss", ["not_decision_maker"]),
    ("Decision needs Tokyo sign-off", ["not_decision_maker"]),
    ("Tied into a contract until March", ["contract"]),
    ("Current vendor contract ends in March", ["has_solution", "contract"]),
    ("Let me think about it", ["think_about_it"]),
    ("Will sleep on it", ["think_about_it"]),
    (
        "Budget needs board approval; send pricing by email",
        ["budget", "not_decision_maker", "send_info", "price"],
    ),
    ("Budget: hiring freeze until the new year", ["budget", "timing"]),
    # A phrase that only looks like a category does not hide the real one beside it.
    ("Busy season now, and too busy to talk today", ["timing", "busy"]),
    ("Price isn't an issue; budget is", ["budget"]),
    # Whole words only, and nothing from an empty note.
    ("Shops at Costco", []),
    ("A priceless reference", []),
    ("Keen; wants a demo next Tuesday", []),
    ("Price, price and more price", ["price"]),
    ("", []),
    (None, []),
]


@pytest.fixture(scope="module")
def library() -> ObjectionLibrary:
    return load_objections(None)


@pytest.mark.parametrize(("note", "expected"), PHRASINGS)
def test_a_note_names_the_categories_it_means_in_order(library, note, expected):
    assert [category.key for category in library.match(note)] == expected


def test_the_table_covers_every_category(library):
    named = {key for _, expected in PHRASINGS for key in expected}
    assert named >= set(REQUIRED_CATEGORIES)
    assert len(PHRASINGS) >= 40


def test_every_objection_in_the_demo_book_gets_an_answer(library):
    unanswered = [
        person["objections"]
        for person in PEOPLE
        if person.get("objections") and not library.match(person["objections"])
    ]
    # Not an objection at all: the money is there.
    assert unanswered == ["Budget approved per quarter"]


@pytest.mark.parametrize("category", builtin_categories(), ids=lambda category: category.key)
def test_every_phrase_finds_its_category_however_it_is_typed(library, category):
    for phrase in category.phrases:
        left_out = (phrase.replace("'", ""), phrase.replace("-", ""), phrase.replace("-", " "))
        for typed in (
            phrase,
            phrase.upper(),
            phrase.replace("'", "\u2019"),
            phrase + "s",
            *left_out,
        ):
            found = library.match(f"Note: {typed}, then more.")
            assert category in found, typed


@given(st.text(max_size=200))
def test_any_note_gives_each_category_once(note):
    found = load_objections(None).match(note)
    assert len(found) == len(set(found))
    assert set(found) <= set(builtin_categories())


def test_the_library_has_every_category_the_scripts_rely_on(library):
    assert [category.key for category in library.categories] == list(REQUIRED_CATEGORIES)
    assert library.problems == []


@pytest.mark.parametrize("key", REQUIRED_CATEGORIES)
def test_every_category_answers_every_method(library, key):
    category = library.get(key)
    assert category is not None
    for method in BUILTIN_METHOD_VALUES:
        assert method in category.answers or COMMON in category.answers
        assert library.answer(category, method).strip()


def test_a_method_answers_in_its_own_words_else_the_common_ones(library):
    price = library.get("price")
    assert library.answer(price, "value_proposition") == price.answers["value_proposition"]
    busy = library.get("busy")
    assert library.answer(busy, "solution") == busy.answers[COMMON]
    assert library.answer(busy, "a_method_the_rep_added") == busy.answers[COMMON]


def spoken_lines() -> list[tuple[str, str]]:
    return [
        (f"{category.key}.{which}", line)
        for category in builtin_categories()
        for which, line in [*category.answers.items(), ("fallback", category.fallback)]
    ]


@pytest.mark.parametrize(("where", "line"), spoken_lines())
def test_every_answer_can_be_said_out_loud(where, line):
    assert len(line.split()) < LONGEST_SPOKEN_LINE, where
    assert "?" in line, f"{where} asks no question"
    assert set(PLACEHOLDER.findall(line)) <= SPOKEN_PLACEHOLDERS, where
    assert not any(phrase in line.lower() for phrase in NEVER_SAID), where
    if where.endswith(".fallback"):
        assert "{" not in line, f"{where} needs a fact"


# The rep's own objections.toml


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "objections.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_file_the_built_ins_are_used(tmp_path):
    for folder in (None, tmp_path, tmp_path / "nowhere"):
        loaded = load_objections(folder)
        assert loaded.categories == builtin_categories()
        assert loaded.problems == []


def test_the_reps_phrases_replace_a_categorys_phrases(tmp_path):
    write(tmp_path, '[price]\nphrases = ["spendy"]\n')
    loaded = load_objections(tmp_path)
    assert loaded.problems == []
    assert [category.key for category in loaded.match("A bit spendy")] == ["price"]
    assert loaded.match("Too expensive") == []
    assert loaded.get("price").answers == builtin_categories()[0].answers


def test_no_phrases_turn_a_category_off(tmp_path):
    write(tmp_path, "[busy]\nphrases = []\n")
    loaded = load_objections(tmp_path)
    assert loaded.problems == []
    assert [category.key for category in loaded.match("Busy. Too expensive. ")] == ["price"]


def test_the_reps_answer_replaces_that_methods_answer_only(tmp_path):
    write(tmp_path, '[price.answers]\nsolution = "What would it be worth to fix?"\n')
    loaded = load_objections(tmp_path)
    price, builtin_price = loaded.get("price"), builtin_categories()[0]
    assert loaded.answer(price, "solution") == "What would it be worth to fix?"
    assert loaded.answer(price, "benefits") == builtin_price.answers["benefits"]
    assert price.phrases == builtin_price.phrases


def test_the_rep_adds_a_category(tmp_path):
    write(
        tmp_path,
        '[parking]\nphrases = ["parking", "car park"]\n\n'
        '[parking.answers]\ncommon = "Where do your drivers park today?"\n',
    )
    loaded = load_objections(tmp_path)
    assert loaded.problems == []
    parking = loaded.categories[-1]
    assert (parking.key, parking.title) == ("parking", "Parking")
    assert parking.fallback == "Where do your drivers park today?"
    matched = loaded.match("No car parks at the depot; too expensive")
    assert matched == [parking, loaded.get("price")]
    assert loaded.answer(parking, "solution") == "Where do your drivers park today?"


def test_the_reps_answers_may_name_the_reps_own_methods(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "renewal.toml").write_text("", encoding="utf-8")
    write(tmp_path, '[price.answers]\nrenewal = "Same price as last year. Shall we renew?"\n')
    loaded = load_objections(tmp_path)
    assert loaded.problems == []
    assert loaded.answer(loaded.get("price"), "renewal").startswith("Same price")


BROKEN_FILES = [
    ('[price]\nphrases = ["spendy"\n', 2, "not valid TOML"),
    ('[price]\ntitle = "Price"\nphrase = ["spendy"]\n', 3, "unknown field 'phrase'"),
    ('[busy]\ntitle = "Busy"\n\n[busy.answers]\nsolutoin = "Later?"\n', 5, "unknown method"),
    ('[busy]\nfallback = "Hi {first_name}, later?"\n', 2, "cannot use {placeholders}"),
    ('[busy]\nphrases = "busy"\n', 2, "phrases must be a list"),
    ('[busy]\nphrases = ["busy", 3]\n', 2, "phrases must be a list"),
    ('[busy]\ntitle = ""\n', 2, "title must be text"),
    ('[busy.answers]\ncommon = ""\n', 2, "the common answer must be text"),
    ('[busy.answers]\ncommon = "Later, {frist_name}?"\n', 2, "unknown placeholder {frist_name}"),
    ('[busy.answers]\ncommon = "Later {0}?"\n', 2, "'{0}' is no placeholder"),
    ('[busy]\nanswers = "Later?"\n', 2, "answers must be a table"),
    ('[parking]\ntitle = "Parking"\n\n[parking.answers]\ncommon = "Where?"\n', 1, "no phrases"),
    ('[parking]\nphrases = ["parking"]\n', 1, "no fallback"),
    ('[parking]\nphrases = []\nfallback = "Where?"\n', 1, "no phrases"),
    ('[parking]\nphrases = ["parking"]\nanswers.common = "Where, {first_name}?"\n', 1, "fallback"),
    ('title = "Objections"\n', 1, "must be a category table"),
    ('# busy\n[[busy]]\nphrases = ["busy"]\n', 2, "must be a category table"),
    ('["Car Parks"]\nphrases = ["parking"]\nfallback = "Where?"\n', 1, "lowercase letters"),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN_FILES)
def test_a_broken_file_names_its_line_and_the_built_ins_stay(tmp_path, text, line, message):
    path = write(tmp_path, text)
    loaded = load_objections(tmp_path)
    [problem] = loaded.problems
    assert (problem.path, problem.line) == (path, line)
    assert message in problem.message
    assert str(problem).startswith(f"{path}:{line}: ")
    assert loaded.categories == builtin_categories()
    assert [category.key for category in loaded.match("busy, no parking")] == ["busy"]


def test_a_good_category_beside_a_broken_one_is_used(tmp_path):
    """One bad category ([parking] with an unknown field) dropped the whole file, the rep's
    own answer to price too, while the message read as if only [parking] were left out."""
    write(
        tmp_path,
        '[price]\nphrases = ["spendy"]\n\n[price.answers]\nsolution = "What is it worth?"\n\n'
        '[parking]\ntitle = "Parking"\nphrases = ["parking"]\nfallback = "Where?"\n'
        'colour = "red"\n\n[busy]\nphrase = ["later"]\n',
    )
    loaded = load_objections(tmp_path)
    parking, busy = loaded.problems
    assert (parking.line, busy.line) == (11, 14)
    assert "unknown field 'colour'" in parking.message
    assert loaded.used_instead(parking) == "[parking] is left out; the rest of the file is used"
    assert loaded.used_instead(busy) == "[busy] stays as built in; the rest of the file is used"
    assert [category.key for category in loaded.match("Spendy, no parking")] == ["price"]
    assert loaded.answer(loaded.get("price"), "solution") == "What is it worth?"
    assert loaded.get("busy") == next(c for c in builtin_categories() if c.key == "busy")


def test_a_file_that_is_no_toml_leaves_the_built_ins_in_use(tmp_path):
    write(tmp_path, '[price]\nphrases = ["spendy"\n')
    loaded = load_objections(tmp_path)
    [problem] = loaded.problems
    assert loaded.used_instead(problem) == "the built-in objections are used"
    assert loaded.categories == builtin_categories()


def test_a_file_that_is_not_text_is_reported_without_a_line(tmp_path):
    path = tmp_path / "objections.toml"
    path.write_bytes(b'[price]\ntitle = "\xff"\n')
    [problem] = load_objections(tmp_path).problems
    assert (problem.path, problem.line) == (path, None)
    assert "cannot read the file" in problem.message


def test_a_new_category_with_only_answers_points_at_its_answers(tmp_path):
    write(tmp_path, '# parking\n\n[parking.answers]\ncommon = "Where do you park?"\n')
    [problem] = load_objections(tmp_path).problems
    assert problem.line == 3
    assert "no phrases" in problem.message


def test_the_readme_example_works(tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Objections") :]
    start = section.index("```toml\n") + len("```toml\n")
    example = section[start : section.index("```", start)]
    assert "[parking]" in example
    write(tmp_path, example)
    loaded = load_objections(tmp_path)
    assert loaded.problems == []
    matched = loaded.match("Spendy, and no parking for the vans (parking sensors fine)")
    assert [category.key for category in matched] == ["price", "parking"]


def _found_by_every_pattern(note: str) -> list[str]:
    """What the library finds with each category's patterns compiled and tried at every
    place in the note, anchors or not: what a note must name. A phrase counts where no
    ignored phrase overlaps it, unless it holds that ignored phrase whole."""
    text = normalise(note)
    found = []
    for index, category in enumerate(builtin_categories()):
        ignored = [hit.span() for hit in compile_phrases(category.ignore).finditer(text)]
        phrases = compile_phrases(category.phrases)
        for at in range(len(text)):
            hit = phrases.match(text, at)
            if hit is None:
                continue
            start, end = hit.span()
            if all(
                i_end <= start
                or end <= i_start
                or (start <= i_start and i_end <= end and end - start > i_end - i_start)
                for i_start, i_end in ignored
            ):
                found.append((start, index, category.key))
                break
    return [key for _, _, key in sorted(found)]


# Each phrase as a rep may type it: apostrophes and hyphens left out, words run together.
PHRASE_PIECES = sorted(
    {
        typed
        for category in builtin_categories()
        for phrase in category.phrases
        for typed in (
            phrase,
            phrase.replace("'", ""),
            phrase.replace("-", ""),
            phrase.replace("-", " "),
            phrase.replace(" ", "-"),
            *phrase.split(),
        )
    }
)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(PHRASE_PIECES),
            st.sampled_from([" ", "-", "'", "s", "es", ", ", "\u2019", "un", "X"]),
            st.text(max_size=4),
        ),
        max_size=12,
    )
)
def test_a_category_passed_over_for_its_anchors_could_not_have_matched(parts):
    note = "".join(parts)
    assert [
        category.key for category in load_objections(None).match(note)
    ] == _found_by_every_pattern(note)
