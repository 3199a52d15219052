"""How scripts greet a person: the first given name after any title (issue 15: "Hi Dr.,")."""

from __future__ import annotations

import pytest

from funnel_tui.names import first_name_of


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
