"""How scripts greet a person: the first given name after any title (issue 15: "Hi Dr.,")."""

from __future__ import annotations

import pytest

from funnel_tui.names import contact_name, first_name_of, greeting, written_case
from funnel_tui.scripts.fill import prospect_facts
from funnel_tui.settings import Settings


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Dr. John Doe", "John"),
        ("Dr John Doe", "John"),
        ("dr. john doe", "john"),
        ("Mrs. Jane Doe", "Jane"),
        ("Ms Ana Souza", "Ana"),
        ("Mx. Sam Lee", "Sam"),
        ("Prof. Dr. Anna Weber", "Anna"),
        ("Sir Keir Starmer", "Keir"),
        ("Dame Judi Dench", "Judi"),
        ("Priya Natarajan", "Priya"),
        ("Wei Ling Tan", "Wei"),
        ("Madonna", "Madonna"),
        ("Doe, John", "John"),
        ("John Doe, MD", "John"),
        ("Zainab Hussain, PhD", "Zainab"),
        ("Smith, Dr. John", "John"),
        # A word with no letter is not said: the script greeted "Hi 🦊".
        ("🦊 Sam 👍🏽 Adeyemi 👨‍👩‍👧‍👦", "Sam"),
        ("- Ann Lee", "Ann"),
        ("😀", None),
        # Signs around a given name are not said; a word with signs inside is no name.
        ('"Eve" Adams', "Eve"),
        ("(Eve) Adams", "Eve"),
        ("„Zoë“ Müller", "Zoë"),
        ("Ann. Lee", "Ann"),
        ("Jean-Luc Picard", "Jean-Luc"),
        ("O'Neil Byrne", "O'Neil"),
        ("प्रिया शर्मा", "प्रिया"),
        # Markup was greeted as written: "Hi [bold]Eve[/bold]", "Hi [bold".
        ("[bold]Eve[/bold] Adams", None),
        ("[bold red]Eve Adams", None),
        ("[link=https://example.com]Eve[/link]", None),
        ("Eve/Adam Smith", None),
        # Nothing to greet by: a title alone, a title and a surname, an initial.
        ("Dr.", None),
        ("Dr. Smith", None),
        ("Mr Brown", None),
        ("J. Smith", None),
        ("Dr. J. Smith", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_the_first_given_name_after_a_title(name: str | None, first: str | None) -> None:
    assert first_name_of(name) == first


@pytest.mark.parametrize(
    ("first_name", "name", "said"),
    [
        ("Deepa", "Deepa Nair", "Hi Deepa"),
        (None, "Dr. Smith", "Hello Dr. Smith"),
        (None, "Dr. J. Smith", "Hello Dr. Smith"),
        (None, "Prof. Dr. Weber", "Hello Prof. Dr. Weber"),
        (None, "Smith, Mrs", "Hello Mrs Smith"),
        (None, "J. Smith", "Hello"),
        # The particles are the surname's: "Hello Dr. Dijk" was said to Dr. van Dijk.
        (None, "Dr. J. van Dijk", "Hello Dr. van Dijk"),
        (None, "Prof. de la Tour", "Hello Prof. de la Tour"),
        (None, "Dr.", "Hello"),
        (None, "[bold]Eve[/bold] Adams", "Hello"),
        (None, None, "Hello"),
    ],
)
def test_a_greeting_never_says_a_name_it_cannot_say(
    first_name: str | None, name: str | None, said: str
) -> None:
    assert greeting(first_name, name) == said


@pytest.mark.parametrize(
    ("name", "company", "contact"),
    [
        ("Acme Ltd", "Acme Ltd", None),
        ("acme  LTD ", "Acme Ltd", None),
        ("Jo Acme", "Acme Ltd", "Jo Acme"),
        ("Acme Ltd", None, "Acme Ltd"),
        ("Acme", "Acme Ltd", "Acme"),
        (None, None, None),
    ],
)
def test_a_name_that_is_the_companys_names_no_one(
    name: str | None, company: str | None, contact: str | None
) -> None:
    """A CRM's account row with no contact ("Acme Ltd" at Acme Ltd) was greeted "Hi Acme"."""
    assert contact_name(name, company) == contact


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        # `van der berg` was greeted "Hi Van": a particle is no given name.
        ("van der berg", "Hello"),
        ("VAN DER BERG", "Hello"),
        ("van der Berg", "Hello"),
        ("JAN VAN DER BERG", "Hi Jan"),
        ("DR. VAN DER BERG", "Hello Dr. Van der Berg"),
        # Capitalised in a name of mixed case, it is a given name.
        ("Van Morrison", "Hi Van"),
        ("DR. JOHN O'NEIL-SMITH", "Hi John"),
    ],
)
def test_a_name_is_greeted_by_its_given_name_never_a_particle(stored: str, said: str) -> None:
    facts = prospect_facts({"name": stored, "company": "Acme"}, Settings())
    assert facts["greeting"] == said


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        # CRMs export names in capitals or lower case: the scripts said "Hi JOHN".
        ("DR. JOHN O'NEIL-SMITH", "Dr. John O'Neil-Smith"),
        ("kate o'brien", "Kate O'Brien"),
        ("jean-luc mcgregor", "Jean-Luc McGregor"),
        ("D’ANGELO RUSSO", "D’Angelo Russo"),
        ("ÓLAFUR ARNALDS", "Ólafur Arnalds"),
        ("PROF DR ANNA WEBER", "Prof Dr Anna Weber"),
        ("JOHN DOE, MD", "John Doe, MD"),
        ("JD SMITH", "JD Smith"),
        ("ma'ata fifita", "Ma'ata Fifita"),
        ("🦊 SAM ADEYEMI", "🦊 Sam Adeyemi"),
        # A surname's particles after the first word stay in lower case.
        ("JAN VAN DER BERG", "Jan van der Berg"),
        ("ÉLODIE DE LA TOUR", "Élodie de la Tour"),
        ("van der berg", "Van der Berg"),
        # No rule tells MacY from Macy: only the first letter is a capital.
        ("MACY GRAY", "Macy Gray"),
        # A name in mixed case is as its owner writes it.
        ("Ronald McDonald", "Ronald McDonald"),
        ("Pieter van der Berg", "Pieter van der Berg"),
        ("DeShawn Jones", "DeShawn Jones"),
        ("JOHN smith", "JOHN smith"),
        ("Ólafur", "Ólafur"),
        ("李伟", "李伟"),
        # No name: kept as stored.
        ("{company}", "{company}"),
        ("sam@acme.io", "sam@acme.io"),
        ("agent 007", "agent 007"),
        ("", ""),
        (None, None),
    ],
)
def test_a_name_in_one_case_is_written_as_people_write_it(
    stored: str | None, written: str | None
) -> None:
    assert written_case(stored) == written
