"""Sending: over SMTP as the settings say (`starttls`, `tls` or `none`), or handing a
`mailto:` link to the mail app when no SMTP server is set.

The password comes from `$FUNNEL_SMTP_PASSWORD`, else from the system keyring (service
`funnel-tui`, the `smtp_user`); it is never stored in the database nor shown in a message.
Every way sending can fail raises SendFailed, whose text is one line a rep can act on.
"""

from __future__ import annotations

import ipaddress
import os
import smtplib
import socket
import ssl
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from email.errors import MessageError
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from funnel_tui.emailing.headers import MessageRefused, recipient, sender
from funnel_tui.emailing.message import Draft, build_message, mailto_url
from funnel_tui.emailing.record import MAILTO, SMTP, RecordedEmail, SentEmail, record_email
from funnel_tui.settings import (
    SMTP_DEFAULT_PORTS,
    Queryable,
    Settings,
    load_settings,
    unusable_values,
)

if TYPE_CHECKING:
    import sqlite_utils

PASSWORD_ENV = "FUNNEL_SMTP_PASSWORD"
KEYRING_SERVICE = "funnel-tui"
TIMEOUT_S = 30.0
# How long the opener of a mailto: link has to fail before the mail app counts as open.
MAILTO_WAIT_S = 3.0
XDG_OPEN = "xdg-open"
# xdg-open's exit statuses (xdg-utils): 3, a tool it needs is missing (no handler for the
# link); 4, the action failed. 127 is a shell's "command not found", for an opener missing.
NO_HANDLER, ACTION_FAILED, MISSING_OPENER = 3, 4, 127
# The settings sending goes by. One whose stored value cannot be used stops it: its default
# would send another way than the rep set (the mail app instead of the server, port 25).
EMAIL_SETTINGS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "email_from")


class SendFailed(Exception):
    """The email did not go out; str() is one line saying why. Nothing is recorded."""


class EmailRefused(SendFailed):
    """The email itself cannot go as it is (a name, an address, the subject, the sender):
    str() says what to change. `funnel email --print` refuses it just the same."""


class MaybeSent(SendFailed):
    """The server took the whole email, then its answer never came (the connection closed,
    or it went quiet): the email may have gone out. Nothing is recorded, and sending it
    again may send it twice. `sent` is the email as it went to the server, for the rep to
    record once they know it went out."""

    sent: SentEmail | None = None


# The end of an email's text on the wire (RFC 5321's end of DATA).
_END_OF_DATA = b"\r\n.\r\n"


class _Handing:
    """An SMTP connection that knows when the whole email has gone to the server: past
    that, a lost connection no longer means the email did not go out."""

    whole_email_sent = False

    def send(self, data: Any) -> None:
        super().send(data)  # type: ignore[misc]
        if isinstance(data, bytes) and data.endswith(_END_OF_DATA):
            self.whole_email_sent = True


class _HandingSMTP(_Handing, smtplib.SMTP):
    pass


class _HandingSMTPOverTLS(_Handing, smtplib.SMTP_SSL):
    pass


def email_settings(db: Queryable) -> Settings:
    """The settings as they are stored now (read again for each email, so a change made
    meanwhile, here or with `funnel config set`, counts); SendFailed naming the setting
    when a stored email setting cannot be used."""
    for key, why in unusable_values(db, EMAIL_SETTINGS).items():
        raise SendFailed(
            f"the setting {key} {why}; set it again with funnel config set {key} (or s in the app)"
        )
    return load_settings(db)


def smtp_port(settings: Settings) -> int:
    """`smtp_port`, else the usual port of the chosen security (587, 465 or 25)."""
    return settings.smtp_port or SMTP_DEFAULT_PORTS[settings.smtp_security]


def how_to_give_password(user: str) -> str:
    return f"set ${PASSWORD_ENV}, or store it with: keyring set {KEYRING_SERVICE} {user}"


def smtp_password(user: str, environ: Mapping[str, str] = os.environ) -> str:
    """The SMTP password for `user`: `$FUNNEL_SMTP_PASSWORD`, else the system keyring."""
    from_env = environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    # Imported here: finding the keyring's backends reads every installed package's metadata.
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        password = keyring.get_password(KEYRING_SERVICE, user)
    except NoKeyringError:
        # The library's own words ask for a backend package; `keyring set` cannot work.
        raise SendFailed(
            f"no SMTP password for {user}, and no system keyring on this machine to keep"
            f" one: set ${PASSWORD_ENV}"
        ) from None
    except (KeyringError, RuntimeError) as error:
        # A locked keyring raises one or the other.
        reason = " ".join(str(error).split()) or type(error).__name__
        raise SendFailed(
            f"cannot read the SMTP password for {user} from the system keyring ({reason});"
            f" {how_to_give_password(user)}"
        ) from None
    if not password:
        raise SendFailed(f"no SMTP password for {user}: {how_to_give_password(user)}")
    return password


def _connect(
    settings: Settings, context: ssl.SSLContext, timeout: float
) -> _HandingSMTP | _HandingSMTPOverTLS:
    host, port = settings.smtp_host, smtp_port(settings)
    if settings.smtp_security == "tls":
        return _HandingSMTPOverTLS(host, port, timeout=timeout, context=context)
    connection = _HandingSMTP(host, port, timeout=timeout)
    if settings.smtp_security == "starttls":
        try:
            connection.starttls(context=context)
        except BaseException:
            connection.close()
            raise
    return connection


def send_smtp(
    message: EmailMessage,
    settings: Settings,
    *,
    password: Callable[[str], str] = smtp_password,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = TIMEOUT_S,
) -> None:
    """Send `message` through `smtp_host`, logging in as `smtp_user` when one is set.

    `ssl_context` is the default one (the system's certificate authorities, host names
    checked) unless a caller gives its own: the tests trust their own throwaway CA this way.
    Raises SendFailed; returns only once the server has accepted the message.
    """
    where = f"{settings.smtp_host}:{smtp_port(settings)}"
    user = settings.smtp_user
    if user and settings.smtp_security == "none" and not is_this_machine(settings.smtp_host):
        raise SendFailed(
            f"smtp_security is none, so the password for {user} would cross the network to"
            f" {settings.smtp_host} unencrypted; set smtp_security to starttls (port 587) or"
            " tls (465): none with a login is only for a server on this machine (localhost)"
        )
    secret = password(user) if user else None
    context = ssl_context or ssl.create_default_context()
    connection: _HandingSMTP | _HandingSMTPOverTLS | None = None
    try:
        with _connect(settings, context, timeout) as connection:
            if user and secret is not None:
                connection.login(user, secret)
            connection.send_message(message)
    except MessageError as error:
        # HeaderWriteError (newer Pythons) refuses a header that would not read back as one.
        raise SendFailed(f"the email cannot be written out safely ({_said(error)})") from None
    except smtplib.SMTPAuthenticationError as error:
        raise SendFailed(
            f"the mail server {where} refused the login for {user}{_reply(error)};"
            f" check smtp_user and the password ({how_to_give_password(user)})"
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        refused = ", ".join(
            f"{address}{_reply_of(code, text)}"
            for address, (code, text) in error.recipients.items()
        )
        raise SendFailed(f"the mail server {where} refused the recipient {refused}") from None
    except smtplib.SMTPSenderRefused as error:
        raise SendFailed(
            f"the mail server {where} refused the sender {error.sender}{_reply(error)};"
            f" {_sender_hint(error)}"
        ) from None
    except smtplib.SMTPDataError as error:
        raise SendFailed(f"the mail server {where} refused the email{_reply(error)}") from None
    except smtplib.SMTPNotSupportedError as error:
        raise SendFailed(_not_supported(where, settings, str(error))) from None
    except smtplib.SMTPServerDisconnected as error:
        # smtplib reports a reply that never came as a lost connection.
        what = (
            f"did not answer within {_seconds(timeout)}"
            if isinstance(error.__context__, TimeoutError)
            else f"closed the connection ({_said(error)})"
        )
        if connection is not None and connection.whole_email_sent:
            raise MaybeSent(
                f"the mail server {where} took the whole email, then {what} before saying"
                " it was delivered, so it may have gone out: check your Sent folder or"
                " with the recipient before sending it again"
            ) from None
        raise SendFailed(
            f"the mail server {where} {what}; check smtp_security (tls for port 465,"
            " starttls for 587) and smtp_port"
        ) from None
    except smtplib.SMTPResponseException as error:
        raise SendFailed(f"the mail server {where} answered{_reply(error)}") from None
    except smtplib.SMTPException as error:
        raise SendFailed(f"sending through {where} failed: {_said(error)}") from None
    except ssl.SSLCertVerificationError as error:
        raise SendFailed(
            f"the certificate of {where} was not accepted ({error.verify_message or _said(error)})"
        ) from None
    except ssl.SSLError as error:
        raise SendFailed(
            f"TLS with {where} failed ({error.reason or _said(error)}); check smtp_security"
            " (tls for port 465, starttls for 587) and smtp_port"
        ) from None
    except ConnectionRefusedError:
        raise SendFailed(
            f"cannot connect to the mail server {where}: the connection was refused"
            " (is the server running, and are smtp_host and smtp_port right?)"
        ) from None
    except TimeoutError:
        raise SendFailed(
            f"the mail server {where} did not answer within {_seconds(timeout)}"
        ) from None
    except socket.gaierror as error:
        raise SendFailed(
            f"cannot find the mail server {settings.smtp_host} ({_said(error)}); check smtp_host"
        ) from None
    except OSError as error:
        raise SendFailed(f"cannot reach the mail server {where}: {_said(error)}") from None
    except UnicodeError as error:
        raise SendFailed(
            f"the mail server {where} cannot take this email's addresses ({_said(error)})"
        ) from None


def is_this_machine(host: str) -> bool:
    """Whether `host` is this machine (localhost, 127.0.0.1, ::1): what crosses no network."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _sender_hint(error: smtplib.SMTPSenderRefused) -> str:
    """What to change when the server refuses the sender: it may want TLS or a login first."""
    said = str(error.smtp_error).upper()
    if error.smtp_code == 530 and "STARTTLS" in said:
        return "it wants TLS first: set smtp_security to starttls"
    if error.smtp_code == 530:
        return "it wants a login first: set smtp_user (and the password)"
    return "check the email_from setting"


def _not_supported(where: str, settings: Settings, detail: str) -> str:
    if "STARTTLS" in detail.upper():
        # Never "none": the email, and any login, would cross the network unencrypted.
        return (
            f"the mail server {where} offers no STARTTLS, so it cannot encrypt the connection"
            " here; if it takes TLS from the start (usually port 465), set smtp_security to"
            " tls, else ask for its TLS settings"
        )
    if "AUTH" in detail.upper():
        return (
            f"the mail server {where} offers no login here (AUTH); it may want TLS first"
            f" (smtp_security is {settings.smtp_security}), or clear smtp_user"
        )
    return f"the mail server {where} does not support this email: {detail}"


def _seconds(timeout: float) -> str:
    return f"{timeout:g} second{'' if timeout == 1 else 's'}"


def _said(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _reply_of(code: int, text: bytes | str) -> str:
    said = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    said = " ".join(said.split())
    return f" ({code} {said})" if said else f" ({code})"


def _reply(error: smtplib.SMTPResponseException) -> str:
    return _reply_of(error.smtp_code, error.smtp_error)


def launch_quietly(url: str, wait_s: float = MAILTO_WAIT_S) -> int:
    """Hand `url` to the system's opener and wait up to `wait_s` for it to fail, as the
    dialer does: its exit status, 0 when it is still running then (the mail app it started
    stays open), 127 when it cannot be run. On Linux and the BSDs xdg-open runs with its
    output kept off the screen (the app owns the terminal); elsewhere `click.launch`, which
    waits for macOS's `open` and Windows's start, and returns their status."""
    if sys.platform in ("darwin", "win32", "cygwin"):
        import click

        return click.launch(url)
    from funnel_tui.dialing import start_and_watch

    try:
        watched = start_and_watch([XDG_OPEN, url], wait_s)
    except OSError:
        return MISSING_OPENER
    return watched.code or 0


def hand_to_mail_app(url: str, launch: Callable[[str], int] | None = None) -> None:
    """Give a `mailto:` link to the system, which opens the rep's mail app with it; raises
    SendFailed when the opener says it could not. Whether the rep then sends it, the link
    cannot tell."""
    try:
        code = (launch or launch_quietly)(url)
    except OSError as error:
        raise SendFailed(
            f"cannot open the mail app ({_said(error)}); set smtp_host to send directly"
        ) from None
    if code == 0:
        return
    opener = "xdg-open" if sys.platform not in ("darwin", "win32", "cygwin") else "the system"
    if code == MISSING_OPENER:
        what = f"cannot run {opener} to open the mail app"
    elif code == NO_HANDLER:
        what = f"the system found no mail app for mailto: links ({opener} exited with code 3)"
    elif code < 0:
        what = f"the mail app did not open ({opener} was stopped by signal {-code})"
    else:
        reason = ": the action failed" if code == ACTION_FAILED else ""
        what = f"the mail app did not open ({opener} exited with code {code}{reason})"
    raise SendFailed(f"{what}; set a default mail app, or set smtp_host to send directly")


def deliver(
    draft: Draft,
    settings: Settings,
    *,
    now: datetime,
    password: Callable[[str], str] = smtp_password,
    ssl_context: ssl.SSLContext | None = None,
    launch: Callable[[str], int] | None = None,
    timeout: float = TIMEOUT_S,
) -> SentEmail:
    """Send the draft over SMTP when `smtp_host` is set, else hand it to the mail app as a
    `mailto:` link (which carries no attachment). Blocks until the server has answered:
    run it off the UI thread. Raises SendFailed for anything that stops it going out."""
    try:
        to_address = recipient(draft.to_name, draft.to_address).addr_spec
        if not settings.smtp_host:
            hand_to_mail_app(mailto_url(draft), launch)
            return SentEmail(draft, MAILTO, to_address, None, now)
        message = build_message(draft, from_address=sender(settings.email_from), now=now)
    except MessageRefused as error:
        raise EmailRefused(str(error)) from None
    sent = SentEmail(draft, SMTP, to_address, str(message["Message-ID"]), now)
    try:
        send_smtp(message, settings, password=password, ssl_context=ssl_context, timeout=timeout)
    except MaybeSent as perhaps:
        perhaps.sent = sent
        raise
    return sent


def send_and_record(
    db: sqlite_utils.Database,
    draft: Draft,
    settings: Settings,
    *,
    now: datetime,
    **how: Any,
) -> tuple[SentEmail, RecordedEmail]:
    """`deliver` the draft, then record it: nothing is recorded unless it went out. `how`
    is passed on to `deliver` (password, ssl_context, launch, timeout)."""
    sent = deliver(draft, settings, now=now, **how)
    return sent, record_email(db, sent)
