"""A draft as the message that goes out, and as a `mailto:` link for the mail app.

The message is the standard library's `EmailMessage` under the SMTP policy, its addresses
built with `email.headerregistry.Address`, never pasted into header text, and each name,
address and the subject checked first (`headers`): nothing a prospect's row holds can add a
recipient or a header. The built message is read back as a mail program reads it before
it goes: exactly the headers it was given, one To address, the subject as written, and no
header line too long for a mail server. Its headers are folded as they read (`FoldedAsRead`).
"""

from __future__ import annotations

import email.policy
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from funnel_tui.emailing.headers import MessageRefused, recipient, shown, subject_line
from funnel_tui.text import one_line

# The longest line a mail server must take (RFC 5322), without its CRLF.
MAX_LINE_OCTETS = 998
# How much of a subject that would read otherwise is shown, before and after the difference.
SHOWN_BEFORE, SHOWN_AFTER = 20, 20
# Whose text each header holds, for a header line that cannot be folded short enough.
HEADER_SOURCES = {
    "To": "the prospect's name",
    "From": "the name in the email_from setting",
    "Subject": "the subject",
}


class FoldedAsRead(email.policy.EmailPolicy):
    """`email.policy.SMTP`, with two slips of Python's header folding undone, each of which
    makes a header read otherwise than written (a subject holding a long word, as a
    company's web address or a link may be):
    - a value that fits on a line of its own, but not after its name, goes on the next line
      (`Subject:` CRLF ` Kestrel: a short summary for www.northern-lights-...`). RFC 5322
      allows it, yet readers that do not unfold exactly as it says (Python's own parser
      among them) show a space in front. Undone, that fold gives `Subject: Kestrel: ...`,
      the same header unfolded, on a line of at most the name, its colon and 78 characters;
    - a word too long for any line, written as RFC 2047 encoded words, may start a line
      while the line before still ends with the space before it: every reader then shows
      two spaces. The fold's own space stands for it (the values written never hold two
      spaces in a row).
    A longer `max_line_length` would be no cure: it moves the first slip to values of 990
    to 997 characters, and writes a non-ASCII subject as one encoded word of hundreds of
    characters, where RFC 2047 allows 75. Nor would reading the subject back more loosely:
    what goes out must read as written in every mail program, not only in careful ones."""

    def fold(self, name: str, value: str) -> str:
        return _as_read(super().fold(name, value), self.linesep)

    def fold_binary(self, name: str, value: str) -> bytes:
        # Decoded and encoded again byte for byte, whatever the bytes (surrogateescape).
        folded = super().fold_binary(name, value).decode("ascii", "surrogateescape")
        return _as_read(folded, self.linesep).encode("ascii", "surrogateescape")


def _as_read(folded: str, linesep: str) -> str:
    """A folded header with no line of its name alone (`Subject:`), and no line ending in a
    space that the next line's folding space repeats."""
    text = folded.removesuffix(linesep)
    lines = text.split(linesep)
    for at in range(1, len(lines)):
        if lines[at - 1][-1:] in (" ", "\t") and lines[at][:1] in (" ", "\t"):
            lines[at - 1] = lines[at - 1][:-1]
    if len(lines) > 1 and lines[0].endswith(":") and ":" not in lines[0][:-1]:
        lines[:2] = [lines[0] + lines[1]]
    return linesep.join(lines) + folded[len(text) :]


# What a message is written with: the SMTP policy, with its headers folded as they read.
SMTP_POLICY = FoldedAsRead(linesep="\r\n")


class MessageIncomplete(MessageRefused):
    """The email lacks what it needs to go out (a subject, a text); str() says what."""


@dataclass(frozen=True)
class Attachment:
    """A file the email carries: `content_type` may have parameters
    (`text/calendar; method=REQUEST`)."""

    filename: str
    content_type: str
    data: bytes
    alternative: bool = False
    """Also offered as an alternative to the text (its data UTF-8 text): a calendar invite
    that way is what Outlook and Gmail show as an invitation, with its buttons."""


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
    meeting_at: datetime | None = None
    """A confirmation's meeting (the open one ahead booked last), or the meeting a
    cancellation calls off (`meeting_called_off`)."""
    meeting_called_off: bool = False
    """Whether `meeting_at` is a meeting the email cancels rather than confirms."""
    other_meetings: tuple[datetime, ...] = ()
    """The open meetings ahead other than the one it confirms, which the compose screen
    and `funnel email` name, so the rep sees which it is."""
    their_timezone: str | None = None
    """The prospect's time zone, in which the meetings are also named (as the email does)."""


def _complete_subject(draft: Draft) -> str:
    """The subject on one line; MessageIncomplete when it or the text is empty,
    MessageRefused when it could add a header."""
    subject = subject_line(draft.subject)
    if not subject:
        raise MessageIncomplete("the subject is empty; write one")
    if not draft.body.strip():
        raise MessageIncomplete("the email has no text; write some")
    return subject


def build_message(draft: Draft, *, from_address: Address | None, now: datetime) -> EmailMessage:
    """The draft as a message: From (when given: a preview may have none yet), To, Subject,
    Date and Message-ID, the text, and each attachment. MessageRefused (or AddressRefused)
    when it cannot go safely, also when reading it back finds it is not what was built."""
    subject = _complete_subject(draft)
    to_address = recipient(draft.to_name, draft.to_address)
    try:
        message = _assemble(draft, subject, to_address, from_address, now)
    except (MessageError, ValueError) as error:
        raise MessageRefused(f"the email cannot be built ({_said(error)})") from None
    check_message(message, to_address=to_address, from_address=from_address, subject=subject)
    return message


def _assemble(
    draft: Draft, subject: str, to_address: Address, from_address: Address | None, now: datetime
) -> EmailMessage:
    message = EmailMessage(policy=SMTP_POLICY)
    if from_address is not None:
        message["From"] = from_address
    message["To"] = to_address
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    domain = from_address.domain if from_address is not None else None
    # A domain of our own: without one, make_msgid asks the network for this machine's name.
    message["Message-ID"] = make_msgid(domain=domain or "funnel.invalid")
    message.set_content(draft.body)
    # multipart/mixed [multipart/alternative [text/plain, text/calendar], invite.ics]: the
    # alternatives first, as the attachments make the message mixed around them.
    for attachment in draft.attachments:
        if attachment.alternative:
            _, subtype, params = _content_type(attachment)
            message.add_alternative(attachment.data.decode("utf-8"), subtype=subtype, params=params)
    for attachment in draft.attachments:
        maintype, subtype, params = _content_type(attachment)
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=params,
        )
    return message


def _content_type(attachment: Attachment) -> tuple[str, str, dict[str, str]]:
    """`text/calendar; method=REQUEST` as ("text", "calendar", {"method": "REQUEST"})."""
    kind, *parameters = (part.strip() for part in attachment.content_type.split(";"))
    maintype, _, subtype = kind.partition("/")
    params = dict(parameter.split("=", 1) for parameter in parameters if "=" in parameter)
    return maintype, subtype, params


def check_message(
    message: EmailMessage, *, to_address: Address, from_address: Address | None, subject: str
) -> None:
    """Read `message` back as a mail program would, and refuse it (MessageRefused) unless
    it has exactly the headers it was given, one To address, the sender, the subject as
    written, and no header line too long for a mail server."""
    try:
        data = message.as_bytes()
    except (MessageError, ValueError) as error:  # HeaderWriteError on newer Pythons
        raise MessageRefused(f"the email cannot be written out safely ({_said(error)})") from None
    head = data.split(b"\r\n\r\n", 1)[0]
    _check_line_lengths(head)
    parsed = message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    given, read = message.keys(), parsed.keys()
    added = [name for name in read if name not in given]
    if added or len(read) != len(given):
        extra = f" ({', '.join(added)})" if added else ""
        raise MessageRefused(f"the email would carry a header it was not given{extra}")
    if _addresses(parsed, "To") != [(to_address.display_name, to_address.addr_spec)]:
        raise MessageRefused(
            f"the email would not go to exactly one address, {to_address.addr_spec}"
        )
    if from_address is not None and _addresses(parsed, "From") != [
        (from_address.display_name, from_address.addr_spec)
    ]:
        raise MessageRefused("the email would not come from exactly the email_from address")
    if (as_read := str(parsed["Subject"])) != subject:
        written, read = _where_they_differ(subject, as_read)
        raise MessageRefused(
            f"the subject would not read as written in a mail program: {shown(written)} would"
            f" read {shown(read)}; change the subject there"
        )


def _where_they_differ(written: str, read: str) -> tuple[str, str]:
    """The stretch of each text around their first difference, with a few characters
    before it (`…energy.co.uk, https…` and `…energy.co.uk,  https…`)."""
    same = next(
        (at for at, (one, other) in enumerate(zip(written, read, strict=False)) if one != other),
        min(len(written), len(read)),
    )
    start = max(0, same - SHOWN_BEFORE)
    lead = "…" if start else ""
    return lead + written[start : same + SHOWN_AFTER], lead + read[start : same + SHOWN_AFTER]


def _addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    header = message[name]
    addresses = getattr(header, "addresses", ())
    return [(address.display_name, address.addr_spec) for address in addresses]


def _check_line_lengths(head: bytes) -> None:
    """MessageRefused naming the text to shorten when a header line is longer than a mail
    server takes: a word too long to fold (a name of a thousand letters)."""
    header = ""
    for line in head.split(b"\r\n"):
        if line[:1] not in (b" ", b"\t"):
            header = line.split(b":", 1)[0].decode("ascii", "replace")
        if len(line) > MAX_LINE_OCTETS:
            whose = HEADER_SOURCES.get(header, f"the {header} header")
            raise MessageRefused(
                f"{whose} is too long for a header line (a line of {len(line)} characters that"
                f" cannot be folded; mail servers take {MAX_LINE_OCTETS}); shorten it"
            )


def _said(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


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
