"""Sending over SMTP against real servers on 127.0.0.1 (PRODUCT 15): plain, STARTTLS and
implicit TLS with a throwaway CA, logins accepted and refused, a refused recipient, a port
with nothing behind it, a server that never answers; the password from the environment or
the keyring; and no name or address that can add a header or a recipient."""

from __future__ import annotations

import email.policy
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from funnel_tui.emailing.headers import MessageRefused
from funnel_tui.emailing.message import Attachment, Draft, check_message
from funnel_tui.emailing.sending import (
    KEYRING_SERVICE,
    PASSWORD_ENV,
    MaybeSent,
    SendFailed,
    deliver,
    launch_quietly,
    smtp_password,
)
from tests.smtp_support import (
    HOST,
    Inbox,
    Logins,
    MemoryKeyring,
    certificates,
    fake_xdg_open,
    free_port,
    path_with,
    smtp_server,
    smtp_settings,
)

NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)
DRAFT = Draft(
    prospect_id=1,
    template="after_voicemail",
    to_name="Ada Lovelace",
    to_address="ada@example.com",
    subject="Sorry I missed you, Ada",
    body="Hi Ada,\n\nI just left you a short voicemail.\n\nBest regards,\nAlex Morgan",
)
# Never to appear in any message a rep reads.
SECRET = "correct horse battery staple"


@pytest.fixture(autouse=True)
def no_password_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The system keyring replaced by one in memory for the test."""
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


def test_plain_smtp_delivers_the_message_with_its_headers_and_text() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        sent = deliver(DRAFT, smtp_settings(port), now=NOW)

    assert sent.via == "smtp" and sent.to_address == "ada@example.com"
    (received,) = inbox.received
    assert received.mail_from == "alex@kestrel.example"
    assert received.rcpt_tos == ["ada@example.com"]
    message = received.message
    assert message["From"] == "Alex Morgan <alex@kestrel.example>"
    assert message["To"] == "Ada Lovelace <ada@example.com>"
    assert message["Subject"] == "Sorry I missed you, Ada"
    assert message["Date"] == "Wed, 18 Nov 2026 14:30:00 +0000"
    assert message["Message-ID"] == sent.message_id
    assert sent.message_id.endswith("@kestrel.example>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == DRAFT.body


def test_an_attachment_goes_with_its_content_type() -> None:
    invite = Attachment("invite.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR\r\n")
    inbox = Inbox()
    with smtp_server(inbox) as port:
        deliver(replace(DRAFT, attachments=(invite,)), smtp_settings(port), now=NOW)

    message = inbox.received[0].message
    (part,) = message.iter_attachments()
    assert part.get_filename() == "invite.ics"
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_content() == "BEGIN:VCALENDAR\r\n"


def test_starttls_with_a_certificate_the_client_trusts() -> None:
    tls = certificates()
    inbox = Inbox()
    with smtp_server(inbox, tls_context=tls.server, require_starttls=True) as port:
        deliver(DRAFT, smtp_settings(port, "starttls"), now=NOW, ssl_context=tls.client)

    assert [one.rcpt_tos for one in inbox.received] == [["ada@example.com"]]


def test_starttls_refuses_a_certificate_the_system_does_not_trust() -> None:
    tls = certificates()
    inbox = Inbox()
    with (
        smtp_server(inbox, tls_context=tls.server, require_starttls=True) as port,
        pytest.raises(SendFailed, match=r"certificate of 127\.0\.0\.1:\d+ was not accepted"),
    ):
        # No context given: the default one, which checks against the system's authorities.
        deliver(DRAFT, smtp_settings(port, "starttls"), now=NOW)
    assert inbox.received == []


def test_implicit_tls() -> None:
    tls = certificates()
    inbox = Inbox()
    with smtp_server(inbox, ssl_context=tls.server) as port:
        deliver(DRAFT, smtp_settings(port, "tls"), now=NOW, ssl_context=tls.client)

    assert len(inbox.received) == 1


def test_tls_against_a_plain_server_says_to_check_the_security_setting() -> None:
    tls = certificates()
    with (
        smtp_server(Inbox()) as port,
        pytest.raises(SendFailed, match=r"TLS with 127\.0\.0\.1:\d+ failed .*smtp_security"),
    ):
        deliver(DRAFT, smtp_settings(port, "tls"), now=NOW, ssl_context=tls.client)


def test_a_server_that_wants_starttls_first_says_so() -> None:
    tls = certificates()
    with (
        smtp_server(Inbox(), tls_context=tls.server, require_starttls=True) as port,
        pytest.raises(SendFailed, match="it wants TLS first: set smtp_security to starttls"),
    ):
        deliver(DRAFT, smtp_settings(port, "none"), now=NOW)


def test_login_with_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, SECRET)
    logins = Logins("alex", SECRET)
    tls = certificates()
    inbox = Inbox()
    with smtp_server(inbox, tls_context=tls.server, authenticator=logins) as port:
        settings = smtp_settings(port, "starttls", smtp_user="alex")
        deliver(DRAFT, settings, now=NOW, ssl_context=tls.client)

    assert logins.tried == [("alex", SECRET)]
    assert len(inbox.received) == 1


def test_login_with_the_password_from_the_keyring(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(KEYRING_SERVICE, "alex", SECRET)
    logins = Logins("alex", SECRET)
    inbox = Inbox()
    with smtp_server(inbox, authenticator=logins, auth_require_tls=False) as port:
        deliver(DRAFT, smtp_settings(port, smtp_user="alex"), now=NOW)

    assert logins.tried == [("alex", SECRET)]
    assert len(inbox.received) == 1


def test_the_environment_wins_over_the_keyring(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory_keyring.set_password(KEYRING_SERVICE, "alex", "from the keyring")
    monkeypatch.setenv(PASSWORD_ENV, "from the environment")
    assert smtp_password("alex") == "from the environment"


def test_a_refused_login_is_one_line_without_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, SECRET)
    inbox = Inbox()
    with (
        smtp_server(inbox, authenticator=Logins(), auth_require_tls=False) as port,
        pytest.raises(SendFailed) as refused,
    ):
        deliver(DRAFT, smtp_settings(port, smtp_user="alex"), now=NOW)

    reason = str(refused.value)
    assert "refused the login for alex (535" in reason
    assert "$FUNNEL_SMTP_PASSWORD" in reason and "keyring set funnel-tui alex" in reason
    assert SECRET not in reason and "\n" not in reason
    assert inbox.received == []


def test_no_password_anywhere_names_both_ways_to_give_it(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(SendFailed) as missing:
        smtp_password("alex")
    assert str(missing.value) == (
        "no SMTP password for alex: set $FUNNEL_SMTP_PASSWORD, or store it with:"
        " keyring set funnel-tui alex"
    )


def test_no_keyring_on_the_machine_names_the_one_way_to_give_it() -> None:
    """It said the keyring library's five lines on installing a backend, then offered
    `keyring set`, which cannot work without one."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(SendFailed) as missing:
            smtp_password("alex")
    finally:
        keyring.set_keyring(before)
    assert str(missing.value) == (
        "no SMTP password for alex, and no system keyring on this machine to keep one:"
        " set $FUNNEL_SMTP_PASSWORD"
    )


def test_a_refused_recipient_is_named_with_the_servers_reply() -> None:
    inbox = Inbox(refuse_recipients=True)
    with smtp_server(inbox) as port, pytest.raises(SendFailed) as refused:
        deliver(DRAFT, smtp_settings(port), now=NOW)
    assert "refused the recipient ada@example.com (550 5.1.1 No such mailbox here)" in str(
        refused.value
    )
    assert inbox.received == []


def test_nothing_listening_is_a_refused_connection() -> None:
    port = free_port()
    with pytest.raises(SendFailed) as down:
        deliver(DRAFT, smtp_settings(port), now=NOW)
    assert str(down.value) == (
        f"cannot connect to the mail server {HOST}:{port}: the connection was refused"
        " (is the server running, and are smtp_host and smtp_port right?)"
    )


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(SendFailed, match=r"did not answer within 0\.5 seconds"):
            deliver(DRAFT, smtp_settings(port), now=NOW, timeout=0.5)


def test_a_server_that_hangs_up_after_taking_the_email_may_have_sent_it() -> None:
    """It was told "not sent: check smtp_security and smtp_port", and a second try sent
    the email twice."""
    inbox = Inbox(hang_up_after_data=True)
    with smtp_server(inbox) as port, pytest.raises(MaybeSent) as lost:
        deliver(DRAFT, smtp_settings(port), now=NOW)
    assert len(inbox.received) == 1
    reason = str(lost.value)
    assert reason.startswith(f"the mail server {HOST}:{port} took the whole email, then closed")
    assert reason.endswith(
        "so it may have gone out: check your Sent folder or with the recipient before"
        " sending it again"
    )
    assert "smtp_port" not in reason


def test_a_server_that_goes_quiet_after_taking_the_email_may_have_sent_it() -> None:
    inbox = Inbox(hold=threading.Event())
    try:
        with smtp_server(inbox) as port, pytest.raises(MaybeSent) as lost:
            deliver(DRAFT, smtp_settings(port), now=NOW, timeout=0.5)
    finally:
        assert inbox.hold is not None
        inbox.hold.set()
    assert "took the whole email, then did not answer within 0.5 seconds" in str(lost.value)


def test_without_a_sender_address_nothing_is_sent() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port, pytest.raises(SendFailed, match="no sender address"):
        deliver(DRAFT, smtp_settings(port, email_from=""), now=NOW)
    assert inbox.received == []


@pytest.mark.parametrize(
    ("name", "address", "reason"),
    [
        ("Eve\r\nBcc: x@evil.example", "eve@example.com", "name 'Eve\\r\\nBcc: x@evil.example'"),
        ("Eve", "a@b.c, d@e.f", "holds more than one address"),
        ("Eve", "a@b.c\nBcc: d@e.f", "has a line break"),
        ("Eve", "eve@example.com; x@evil.example", "holds more than one address"),
        ("Eve", "Mallory <x@evil.example>", "is not one address"),
        ("Eve", "eve@example.com>", "is not one address"),
        ("Eve", "not an address", "is not one address"),
    ],
)
def test_a_name_or_address_that_could_add_a_header_is_refused(
    name: str, address: str, reason: str
) -> None:
    inbox = Inbox()
    draft = replace(DRAFT, to_name=name, to_address=address)
    with smtp_server(inbox) as port, pytest.raises(SendFailed) as refused:
        deliver(draft, smtp_settings(port), now=NOW)
    assert reason in str(refused.value)
    assert "\n" not in str(refused.value) and "\r" not in str(refused.value)
    assert inbox.received == []


def test_a_name_with_a_comma_is_quoted_and_stays_one_recipient() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        deliver(replace(DRAFT, to_name="Lovelace, Ada"), smtp_settings(port), now=NOW)
    (received,) = inbox.received
    assert received.rcpt_tos == ["ada@example.com"]
    assert received.message["To"] == '"Lovelace, Ada" <ada@example.com>'
    assert [str(address) for address in received.message["To"].addresses] == [
        '"Lovelace, Ada" <ada@example.com>'
    ]
    assert received.message["Bcc"] is None and received.message["Cc"] is None


def test_a_subject_typed_with_a_line_break_stays_one_header() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        deliver(
            replace(DRAFT, subject="Hello\r\nBcc: x@evil.example"), smtp_settings(port), now=NOW
        )
    (received,) = inbox.received
    assert received.rcpt_tos == ["ada@example.com"]
    assert received.message["Subject"] == "Hello Bcc: x@evil.example"
    assert received.message["Bcc"] is None


def test_without_an_smtp_host_the_mail_app_gets_a_mailto_link() -> None:
    launched: list[str] = []
    settings = replace(smtp_settings(25), smtp_host="", email_from="")
    sent = deliver(DRAFT, settings, now=NOW, launch=lambda url: launched.append(url) or 0)

    assert sent.via == "mailto" and sent.message_id is None
    assert launched == [
        "mailto:ada@example.com?subject=Sorry%20I%20missed%20you%2C%20Ada"
        "&body=Hi%20Ada%2C%0D%0A%0D%0AI%20just%20left%20you%20a%20short%20voicemail."
        "%0D%0A%0D%0ABest%20regards%2C%0D%0AAlex%20Morgan"
    ]


def test_a_system_without_a_mail_app_says_so() -> None:
    settings = replace(smtp_settings(25), smtp_host="")
    with pytest.raises(SendFailed, match="no mail app for mailto: links"):
        deliver(DRAFT, settings, now=NOW, launch=lambda url: 3)


LINUX_ONLY = pytest.mark.skipif(
    sys.platform in ("darwin", "win32", "cygwin"), reason="xdg-open is Linux's"
)


@LINUX_ONLY
def test_the_apps_launcher_keeps_xdg_opens_output_off_the_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    opened = fake_xdg_open(tmp_path, 0)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert launch_quietly("mailto:ada@example.com") == 0
    assert opened.read_text() == "mailto:ada@example.com\n"
    assert capfd.readouterr() == ("", "")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert launch_quietly("mailto:ada@example.com") == 127


@LINUX_ONLY
@pytest.mark.parametrize(
    ("exit_code", "reason"),
    [
        (
            3,
            "the system found no mail app for mailto: links (xdg-open exited with code 3);"
            " set a default mail app, or set smtp_host to send directly",
        ),
        (
            4,
            "the mail app did not open (xdg-open exited with code 4: the action failed);"
            " set a default mail app, or set smtp_host to send directly",
        ),
    ],
)
def test_a_mail_app_that_does_not_open_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exit_code: int, reason: str
) -> None:
    opened = fake_xdg_open(tmp_path, exit_code)
    monkeypatch.setenv("PATH", path_with(tmp_path))
    settings = replace(smtp_settings(25), smtp_host="")
    with pytest.raises(SendFailed) as failed:
        deliver(DRAFT, settings, now=NOW)
    assert str(failed.value) == reason
    assert opened.read_text().startswith("mailto:ada@example.com?subject=")


@LINUX_ONLY
def test_a_mail_app_that_opens_is_handed_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = fake_xdg_open(tmp_path, 0)
    monkeypatch.setenv("PATH", path_with(tmp_path))
    sent = deliver(DRAFT, replace(smtp_settings(25), smtp_host=""), now=NOW)
    assert sent.via == "mailto"
    assert opened.read_text().startswith("mailto:ada@example.com?subject=")


@LINUX_ONLY
def test_an_opener_still_running_after_the_wait_has_opened_the_mail_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_xdg_open(tmp_path, 3, seconds=5)
    monkeypatch.setenv("PATH", path_with(tmp_path))
    started = time.monotonic()
    assert launch_quietly("mailto:ada@example.com", wait_s=0.5) == 0
    assert time.monotonic() - started < 3


REPLY_TO_WORD = "=?utf-8?q?=0D=0AReply-To=3A_attacker=40evil=2Eexample?="
SECOND_TO_WORD = "=?utf-8?q?=3Cattacker=40evil=2Eexample=3E=2C?="


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"to_name": f"Acme {REPLY_TO_WORD}"}, "the prospect's name 'Acme =?utf-8?q?"),
        ({"to_name": SECOND_TO_WORD}, "the prospect's name '=?utf-8?q?=3Cattacker"),
        ({"subject": f"Our proposal for Acme {REPLY_TO_WORD}"}, "the subject 'Our proposal"),
        ({"to_name": "Ada =?iso-8859-1?b?QWRh?="}, "holds an encoded word"),
        ({"to_name": "Ada \u202egnp.exe"}, "reverses the text's direction (U+202E)"),
        ({"subject": "Invoice \u2067fdp.exe\u2069"}, "reverses the text's direction (U+2067)"),
        ({"to_name": "Ada <ada@example.com>"}, "holds angle brackets"),
        # A line break a mail program may take (sent as a space), and a C1 escape.
        ({"to_name": "Ada\u2028Lovelace"}, "has a line break or a control character"),
        ({"to_name": "Ada\x85Lovelace"}, "has a line break or a control character"),
        ({"subject": "Hi\x9b2J"}, "has a line break or a control character"),
        ({"to_address": "jörg@müller.de"}, "non-ASCII characters are not supported yet"),
        ({"to_address": "ü@example.com"}, "non-ASCII characters are not supported yet"),
    ],
)
def test_encoded_words_direction_marks_and_foreign_addresses_are_refused(
    changes: dict[str, str], reason: str
) -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port, pytest.raises(SendFailed) as refused:
        deliver(replace(DRAFT, **changes), smtp_settings(port), now=NOW)
    said = str(refused.value)
    assert reason in said
    assert "\n" not in said and "\r" not in said
    assert inbox.received == []


def test_a_sender_name_with_an_encoded_word_is_refused() -> None:
    inbox = Inbox()
    settings_with_word = {"email_from": f"Alex {REPLY_TO_WORD} <alex@kestrel.example>"}
    with smtp_server(inbox) as port, pytest.raises(SendFailed) as refused:
        deliver(DRAFT, smtp_settings(port, **settings_with_word), now=NOW)
    assert str(refused.value).startswith("the email_from setting 'Alex =?utf-8?q?")
    assert "holds an encoded word" in str(refused.value)
    assert inbox.received == []


def test_the_mail_app_gets_no_subject_with_an_encoded_word() -> None:
    settings = replace(smtp_settings(25), smtp_host="")
    draft = replace(DRAFT, subject=f"Hi {REPLY_TO_WORD}")
    with pytest.raises(SendFailed, match=r"the subject .* holds an encoded word"):
        deliver(draft, settings, now=NOW, launch=lambda url: pytest.fail("not launched"))


def test_a_name_too_long_to_fold_is_refused_before_the_server_sees_it() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port, pytest.raises(SendFailed) as refused:
        deliver(replace(DRAFT, to_name="A" * 1200), smtp_settings(port), now=NOW)
    assert str(refused.value).endswith(
        "has a word of 1200 characters, too long for a header line (mail servers take 998"
        " characters a line); correct the name first"
    )
    assert inbox.received == []


def test_the_built_message_has_no_header_line_a_server_would_refuse() -> None:
    to = Address(display_name="A" * 1200, addr_spec="ada@example.com")
    message = EmailMessage(policy=email.policy.SMTP)
    message["To"] = to
    message["Subject"] = "Hi"
    message.set_content("Hello")
    with pytest.raises(MessageRefused) as refused:
        check_message(message, to_address=to, from_address=None, subject="Hi")
    assert str(refused.value) == (
        "the prospect's name is too long for a header line (a line of 1201 characters that"
        " cannot be folded; mail servers take 998); shorten it"
    )


def test_a_long_subject_folds_and_goes() -> None:
    inbox = Inbox()
    subject = " ".join(["Proposal"] * 60) + " " + "S" * 300
    with smtp_server(inbox) as port:
        deliver(replace(DRAFT, subject=subject), smtp_settings(port), now=NOW)
    assert inbox.received[0].message["Subject"] == subject


# A word of 60 characters, as a company's web address may be.
LONG_WORD = "www.northern-lights-renewable-energy-cooperatives-cumbria.uk"


@pytest.mark.parametrize(
    "subject",
    [
        # Python writes a value that fits on a line of its own, but not after "Subject: ",
        # on the next line ("Subject:" CRLF " Kestrel..."): each of these is 70 to 77 long.
        "Kestrel: a short summary for www.northern-lights-renewable-energy.co.uk",
        f"Kestrel for {LONG_WORD}",
        "See https://kestrel.example/pricing/renewable-energy?plan=annual&seats=25",
        "Kestrel: a short summary of what it can do for you and your sales team",
        # A link too long for any line goes as RFC 2047 encoded words, and Python left the
        # space before it at the end of the line above: read as two spaces.
        f"Kestrel: a short summary for {LONG_WORD}, with https://kestrel.example/{LONG_WORD}",
        f"Grüße an {LONG_WORD} und Jörg",
        # Beyond ASCII, as encoded words; and over 998 characters, folded between words.
        "Kestrel für Jörg: eine kurze Übersicht für www.northern-lights-renewable.de",
        " ".join(["Proposal", LONG_WORD] * 20),
    ],
)
def test_a_subject_with_a_long_word_reads_as_written_where_it_arrives(subject: str) -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        deliver(replace(DRAFT, subject=subject), smtp_settings(port), now=NOW)
    (received,) = inbox.received
    assert received.message["Subject"] == subject
    # The value starts on the Subject line itself, as every mail program reads it.
    (line,) = [line for line in received.data.split(b"\r\n") if line.startswith(b"Subject:")]
    assert line.startswith(b"Subject: ") and line[len(b"Subject: ") :].strip()
    assert max(map(len, received.data.split(b"\r\n"))) <= 998


def test_a_subject_that_would_read_otherwise_is_refused_saying_how() -> None:
    """Python's own policy writes this subject on the line after `Subject:`, which readers
    may show with a space in front: refused, saying how it would read."""
    subject = "Kestrel: a short summary for www.northern-lights-renewable-energy.co.uk"
    to = Address(addr_spec="ada@example.com")
    message = EmailMessage(policy=email.policy.SMTP)
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Hello")
    with pytest.raises(MessageRefused) as refused:
        check_message(message, to_address=to, from_address=None, subject=subject)
    assert str(refused.value) == (
        "the subject would not read as written in a mail program: 'Kestrel: a short sum'"
        " would read ' Kestrel: a short su'; change the subject there"
    )


def test_the_built_message_is_read_back_before_it_goes() -> None:
    """Whatever slips past the checks of each value, the message read back as a mail
    program reads it must have one To address and no header it was not given."""
    to = Address(display_name=f"Acme {REPLY_TO_WORD}", addr_spec="ada@example.com")
    message = EmailMessage(policy=email.policy.SMTP)
    message["To"] = to
    message["Subject"] = "Hi"
    message.set_content("Hello")
    with pytest.raises(MessageRefused, match=r"a header it was not given \(Reply-To\)"):
        check_message(message, to_address=to, from_address=None, subject="Hi")

    two = Address(display_name=SECOND_TO_WORD, addr_spec="ada@example.com")
    del message["To"]
    message["To"] = two
    with pytest.raises(MessageRefused, match=r"not go to exactly one address, ada@example\.com"):
        check_message(message, to_address=two, from_address=None, subject="Hi")


def test_a_server_without_starttls_is_never_advised_none() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port, pytest.raises(SendFailed) as refused:
        deliver(DRAFT, smtp_settings(port, "starttls"), now=NOW)
    said = str(refused.value)
    assert said.startswith(f"the mail server {HOST}:{port} offers no STARTTLS")
    assert "set smtp_security to tls" in said and "none" not in said
    assert inbox.received == []


@pytest.mark.parametrize("host", ["smtp.example.com", "192.0.2.10", "10.0.0.5"])
def test_a_login_over_an_unencrypted_connection_to_another_machine_is_refused(
    host: str,
) -> None:
    asked: list[str] = []
    settings = replace(smtp_settings(25, smtp_user="alex"), smtp_host=host)
    with pytest.raises(SendFailed) as refused:
        deliver(DRAFT, settings, now=NOW, password=lambda user: asked.append(user) or SECRET)
    assert str(refused.value) == (
        f"smtp_security is none, so the password for alex would cross the network to {host}"
        " unencrypted; set smtp_security to starttls (port 587) or tls (465): none with a"
        " login is only for a server on this machine (localhost)"
    )
    assert asked == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_a_login_over_none_to_this_machine_goes(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, SECRET)
    logins = Logins("alex", SECRET)
    inbox = Inbox()
    with smtp_server(inbox, authenticator=logins, auth_require_tls=False) as port:
        settings = replace(smtp_settings(port, smtp_user="alex"), smtp_host=host)
        deliver(DRAFT, settings, now=NOW)
    assert logins.tried == [("alex", SECRET)]
    assert len(inbox.received) == 1
