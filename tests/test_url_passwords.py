"""A team database's URL as funnel shows it: never its password, however it is written."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.store.dialect import misencoded_password, url_password, without_password
from funnel_tui.store.postgres import describe_postgres_error

SHOWN = "postgresql://rep@db.example.com:5432/team?sslmode=require"
PASSWORDS = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=24
)


@given(PASSWORDS)
def test_the_password_is_left_out_whether_or_not_it_is_percent_encoded(password: str) -> None:
    for written in (quote(password, safe=""), password):
        url = f"postgresql://rep:{written}@db.example.com:5432/team?sslmode=require"
        assert without_password(url) == SHOWN
        assert url_password(url) == written


def test_a_password_parameter_is_left_out_wherever_it_stands() -> None:
    for url in (
        "postgresql://rep@db.example.com:5432/team?password=pass&sslmode=require",
        "postgresql://rep@db.example.com:5432/team?sslmode=require&PASSWORD=s%40ss",
    ):
        assert without_password(url) == SHOWN


def test_only_a_password_with_a_character_that_must_be_encoded_is_refused() -> None:
    for password in ("s3cr#t-pw", "s3cr@t-pw", "s3cr/t-pw", "s3cr?t-pw"):
        assert misencoded_password(f"postgresql://rep:{password}@host/team")
    for password in ("s3cr%23t-pw", "s3cr:t-pw", "plain-password"):
        assert not misencoded_password(f"postgresql://rep:{password}@host/team")
    assert not misencoded_password("postgresql:///team?host=%2Ftmp&port=5432")


def test_a_message_quoting_pieces_of_the_password_shows_none_of_them() -> None:
    # libpq reads `rep:s3cr@tP4ssw0rd@host` as the host `tP4ssw0rd@host` and says so.
    url = "postgresql://rep:s3cr@tP4ssw0rd@db.example.com/team"
    error = OSError("failed to resolve host 'tP4ssw0rd@db.example.com': s3cr?")
    message = describe_postgres_error(url, error)
    assert "tP4ssw0rd" not in message and "s3cr" not in message
    assert message.startswith("postgresql://rep@db.example.com/team: database error:")
