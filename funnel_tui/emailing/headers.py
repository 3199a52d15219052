"""What may go into an email's headers: the prospect as the To address, the `email_from`
setting as the From address, and the subject.

Python's header writer decodes an RFC 2047 encoded word (`=?utf-8?q?=0D=0A...?=`) that
it finds in a display name or a subject, and then writes what it decoded: a line break
there becomes a header of its own, an address there a second recipient. So a text that
holds an encoded word, or a line break or another control character, is refused before a
message is built, and so is a character that turns the text's direction round (it can
make a name read as something else). Each refusal is one line naming the value.
"""

from __future__ import annotations

import email.policy
import re
from email.errors import HeaderParseError, MessageError
from email.header import decode_header, make_header
from email.headerregistry import Address

from funnel_tui.prospects import email_problem

# A line break or another control character (a tab is only space).
# C0 and C1 controls (NEL among them) and Unicode's line and paragraph separators: a mail
# program may break the line at any of them, and a terminal acts on a C1 one.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
# What separates addresses in a header: one field, one address.
ADDRESS_SEPARATORS = re.compile(r"[,;]")
# An RFC 2047 encoded word, loosely: whatever a decoder could take for one.
ENCODED_WORD = re.compile(r"=\?.*?\?=", re.DOTALL)
# The embedding, override and isolate controls of the bidirectional algorithm.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Angle brackets belong to an address, never to a name.
ANGLE_BRACKETS = re.compile(r"[<>]")
SHOWN_CHARACTERS = 60
NON_ASCII = "addresses with non-ASCII characters are not supported yet"
# The longest word a header can carry: a header line folds only between words, and a mail
# server takes 998 characters a line (the message is read back for the exact limit).
MAX_HEADER_WORD = 990


class MessageRefused(ValueError):
    """The email cannot go as it is; str() says why in one line."""


class AddressRefused(MessageRefused):
    """An address or a name the message cannot carry safely."""


def shown(text: str) -> str:
    """A refused value, quoted on one line (its line breaks as \\n), at most 60 characters."""
    quoted = repr(text)
    return quoted if len(quoted) <= SHOWN_CHARACTERS else f"{quoted[: SHOWN_CHARACTERS - 1]}…"


def header_text_problem(text: str) -> str | None:
    """Why `text` cannot go into a header as it reads, or None: a line break or another
    control character, an encoded word (also one only a decoder finds), or a character
    that reverses the text's direction."""
    if CONTROL.search(text):
        return "has a line break or a control character, which could add a header to the email"
    if ENCODED_WORD.search(text):
        return (
            "holds an encoded word (=?…?=), which mail programs decode into header text and"
            " which could add a header or a recipient"
        )
    try:
        decoded = str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        decoded = None
    if decoded is None or " ".join(decoded.split()) != " ".join(text.split()):
        return "reads as encoded header text, which could add a header or a recipient"
    if found := BIDI_CONTROLS.search(text):
        return (
            f"holds a character that reverses the text's direction (U+{ord(found.group()):04X}),"
            " which can disguise what it says"
        )
    return None


def display_name(name: str, whose: str, fix: str) -> str:
    """`name` on one line, fit for a display name; AddressRefused (`whose` name, then how
    to `fix` it) when it could add a header or a recipient, or disguise itself."""
    problem = header_text_problem(name)
    if problem is None and ANGLE_BRACKETS.search(name):
        problem = "holds angle brackets, which belong to an address, not a name"
    if problem is None and (longest := max(map(len, name.split()), default=0)) > MAX_HEADER_WORD:
        problem = (
            f"has a word of {longest} characters, too long for a header line (mail servers"
            f" take 998 characters a line)"
        )
    if problem is not None:
        raise AddressRefused(f"{whose} {shown(name)} {problem}; {fix}")
    return " ".join(name.split())


def one_address(text: str, whose: str = "the email address") -> str:
    """`text` when it is exactly one bare address (name@company.com) of ASCII characters,
    else AddressRefused."""
    address = text.strip()
    what = f"{whose} {shown(text)}"
    if CONTROL.search(address):
        raise AddressRefused(
            f"{what} has a line break or a control character, which could add a header to"
            " the email; correct the address first"
        )
    if ADDRESS_SEPARATORS.search(address):
        raise AddressRefused(f"{what} holds more than one address; keep one")
    if not address.isascii():
        raise AddressRefused(f"{what}: {NON_ASCII}")
    not_one = AddressRefused(f"{what} is not one address such as name@company.com")
    if email_problem(address) or ENCODED_WORD.search(address):
        raise not_one
    try:
        parsed = email.policy.default.header_factory("To", address)
        Address(addr_spec=address)
    except (ValueError, IndexError, MessageError):
        raise not_one from None
    if parsed.defects or [one.addr_spec for one in parsed.addresses] != [address]:
        raise not_one
    return address


def recipient(name: str, address: str) -> Address:
    """The prospect as the To address; AddressRefused when the name or the address could
    carry more than one address or a header of its own."""
    return Address(
        display_name=display_name(name, "the prospect's name", "correct the name first"),
        addr_spec=one_address(address),
    )


def from_address_problem(text: str) -> str | None:
    """Why `text` cannot be the `email_from` setting, or None: it must be one address,
    with a name or without (`Alex Morgan <alex@kestrel.example>`), that `sender` takes.
    The settings check with this, so what they store is what sending takes."""
    try:
        _from_address(text)
    except AddressRefused as error:
        return str(error)
    return None


def _from_address(text: str) -> Address:
    example = "Your Name <you@example.com>"
    if problem := header_text_problem(text):
        raise AddressRefused(f"{shown(text)} {problem}")
    try:
        parsed = email.policy.default.header_factory("From", text.strip())
    except (ValueError, IndexError, MessageError):
        parsed = None
    addresses = () if parsed is None else parsed.addresses
    if len(addresses) == 1 and not addresses[0].addr_spec.isascii():
        raise AddressRefused(f"{shown(text)}: {NON_ASCII}")
    not_one = AddressRefused(f"{shown(text)} is not one address such as {example}")
    if parsed is None or parsed.defects or len(addresses) != 1 or parsed.groups[0].display_name:
        raise not_one
    (address,) = addresses
    try:
        one_address(address.addr_spec)
    except AddressRefused:
        raise not_one from None
    if ANGLE_BRACKETS.search(address.display_name):
        raise AddressRefused(f"{shown(text)}: its name holds angle brackets")
    return Address(display_name=" ".join(address.display_name.split()), addr_spec=address.addr_spec)


def sender(email_from: str) -> Address:
    """The `email_from` setting as the From address; AddressRefused when it is not set or
    is not one address."""
    if not email_from.strip():
        raise AddressRefused(
            "no sender address: set one with funnel config set email_from"
            " 'Your Name <you@example.com>' (or s in the app)"
        )
    try:
        return _from_address(email_from)
    except AddressRefused as error:
        raise AddressRefused(
            f"the email_from setting {error}; set it again with funnel config set email_from"
        ) from None


def subject_line(subject: str) -> str:
    """The subject on one line (a line break typed or pasted into it is a space), or
    MessageRefused when it could add a header or disguise itself."""
    line = " ".join(subject.split())
    if problem := header_text_problem(line):
        raise MessageRefused(f"the subject {shown(line)} {problem}; change the subject")
    return line
