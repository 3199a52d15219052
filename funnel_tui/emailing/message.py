"""A draft as the message that goes out, and as a `mailto:` link for the mail app.

The message is the standard library's `EmailMessage` under the SMTP policy, its addresses
built with `email.headerregistry.Address`, never pasted into header text: a name or an
address that could add a header (a line break, a second address) is refused with the
reason, so nothing a prospect's row holds can add a recipient or a header.
"""

from __future__ import annotations

import email.policy
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from urllib.parse import quote

from funnel_tui.prospects import email_problem
from funnel_tui.text import one_line

# A line break or another control character (a tab is only space).
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# What separates addresses in a header: one field, one address.
ADDRESS_SEPARATORS = re.compile(r"[,;]")


class AddressRefused(ValueError):
    """An address or a name the message cannot carry safely; str() says why in one line."""


class MessageIncomplete(ValueError):
    """The email lacks what it needs to go out (a subject, a text); str() says what."""


@dataclass(frozen=True)
class Attachment:
    """A file the email carries: `content_type` may have parameters
    (`text/calendar; method=REQUEST`)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Draft:
    """An email to one prospect, as the rep may still edit it before it goes."""

    prospect_id: int
    template: str
    """The template's key (`after_voicemail`), recorded in `emails.template`."""
    to_name: str
    to_address: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = field(default=())
    do_not_call: bool = False
    """The prospect is marked do not call: that is about calls, so email is allowed, and
    the compose screen and `funnel email` say so."""


def _shown(text: str) -> str:
    """A refused value, quoted on one line (its line breaks as \\n), at most 60 characters."""
    quoted = repr(text)
    return quoted if len(quoted) <= 60 else f"{quoted[:59]}…"


def recipient(name: str, address: str) -> Address:
    """The prospect as the To address; AddressRefused when the name or the address could
    carry more than one address or a header of its own."""
    if CONTROL.search(name):
        raise AddressRefused(
            f"the prospect's name {_shown(name)} has a line break or a control character,"
            " which could add a header to the email; correct the name first"
        )
    return Address(display_name=" ".join(name.split()), addr_spec=_one_address(address))


def _one_address(text: str) -> str:
    """`text` when it is exactly one bare address (name@company.com), else AddressRefused."""
    address = text.strip()
    if CONTROL.search(address):
        raise AddressRefused(
            f"the email address {_shown(text)} has a line break or a control character,"
            " which could add a header to the email; correct the address first"
        )
    if ADDRESS_SEPARATORS.search(address):
        raise AddressRefused(
            f"the email address {_shown(text)} holds more than one address; keep one"
        )
    parsed = getaddresses([address])
    if email_problem(address) or len(parsed) != 1 or parsed[0][1] != address:
        raise AddressRefused(
            f"the email address {_shown(text)} is not one address such as name@company.com"
        )
    try:
        Address(addr_spec=address)
    except (ValueError, IndexError, HeaderParseError):
        raise AddressRefused(
            f"the email address {_shown(text)} is not one address such as name@company.com"
        ) from None
    return address


def sender(email_from: str) -> Address:
    """The `email_from` setting as the From address; AddressRefused when it is not set or
    is not one address."""
    if not email_from.strip():
        raise AddressRefused(
            "no sender address: set one with funnel config set email_from"
            " 'Your Name <you@example.com>' (or s in the app)"
        )
    if CONTROL.search(email_from):
        raise AddressRefused("the email_from setting has a line break; set it again")
    parsed = getaddresses([email_from])
    if len(parsed) != 1:
        raise AddressRefused(
            f"the email_from setting {_shown(email_from)} is not one address such as"
            " Your Name <you@example.com>"
        )
    name, address = parsed[0]
    return Address(display_name=" ".join(name.split()), addr_spec=_one_address(address))


def _complete_subject(draft: Draft) -> str:
    """The subject on one line; MessageIncomplete when it or the text is empty."""
    subject = " ".join(draft.subject.split())
    if not subject:
        raise MessageIncomplete("the subject is empty; write one")
    if not draft.body.strip():
        raise MessageIncomplete("the email has no text; write some")
    return subject


def build_message(draft: Draft, *, from_address: Address | None, now: datetime) -> EmailMessage:
    """The draft as a message: From (when given: a preview may have none yet), To, Subject,
    Date and Message-ID, the text, and each attachment."""
    subject = _complete_subject(draft)
    message = EmailMessage(policy=email.policy.SMTP)
    if from_address is not None:
        message["From"] = from_address
    message["To"] = recipient(draft.to_name, draft.to_address)
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    domain = from_address.domain if from_address is not None else None
    # A domain of our own: without one, make_msgid asks the network for this machine's name.
    message["Message-ID"] = make_msgid(domain=domain or "funnel.invalid")
    message.set_content(draft.body)
    for attachment in draft.attachments:
        kind, *parameters = (part.strip() for part in attachment.content_type.split(";"))
        maintype, _, subtype = kind.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=dict(parameter.split("=", 1) for parameter in parameters if "=" in parameter),
        )
    return message


def message_text(message: EmailMessage) -> str:
    """The message as a person reads it: its headers decoded, the attachments by name, then
    the text (for `funnel email --print`)."""
    lines = [
        f"{name}: {one_line(str(message[name]))}"
        for name in ("From", "To", "Subject", "Date", "Message-ID")
        if message[name] is not None
    ]
    for part in message.iter_attachments():
        lines.append(f"Attachment: {part.get_filename()} ({part.get_content_type()})")
    body = message.get_body(("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    return "\n".join(lines) + "\n\n" + text.replace("\r\n", "\n").rstrip("\n") + "\n"


def mailto_url(draft: Draft) -> str:
    """A `mailto:` link (RFC 6068) with the address, subject and text; the mail app shows it
    to be sent from there. Attachments cannot travel in a link."""
    address = recipient(draft.to_name, draft.to_address).addr_spec
    subject = _complete_subject(draft)
    body = draft.body.replace("\r\n", "\n").replace("\n", "\r\n")
    return (
        f"mailto:{quote(address, safe='@')}"
        f"?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    )
