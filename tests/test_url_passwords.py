"""A team database's URL as funnel shows it: never its password, however it is written."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.store.dialect import (
    hide_passwords,
    misencoded_password,
    url_password,
    url_secrets,
    without_password,
)
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


def test_every_secret_parameter_is_left_out_however_its_name_is_written() -> None:
    # libpq decodes a parameter's name, takes the last of two, and reads sslpassword as
    # the passphrase of the client's key: each was shown as typed.
    for query in (
        "password=p4ss&sslmode=require&password=p5ss",
        "sslmode=require&pass%77ord=p4ss",
        "%70assword=p4ss&sslmode=require",
        "sslpassword=k3ysecret&sslmode=require",
        "sslmode=require&password=p%4",
    ):
        url = f"postgresql://rep@db.example.com:5432/team?{query}"
        assert without_password(url) == SHOWN, query
        hidden = hide_passwords(f"cannot connect to {url} (refused)")
        assert not any(secret in hidden for secret in ("p4ss", "p5ss", "k3y", "p%4")), hidden


def test_a_message_quoting_a_secret_parameter_shows_none_of_it() -> None:
    # libpq quotes a badly encoded value: 'invalid percent-encoded token: "p%4zz"'.
    url = "postgresql://rep@db.example.com/team?password=p%4zz&sslpassword=k3ysecret"
    error = OSError('invalid percent-encoded token: "p%4zz"; key passphrase k3ysecret')
    message = describe_postgres_error(url, error)
    assert "p%4zz" not in message and "k3ysecret" not in message
    assert url_secrets(url) == ["p%4zz", "k3ysecret"]
    short = "postgresql://rep@db.example.com/team?password=p%4"
    message = describe_postgres_error(short, OSError('invalid percent-encoded token: "p%4"'))
    assert "p%4" not in message


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
