"""Real SMTP servers on 127.0.0.1 for the email tests (aiosmtpd), with a throwaway CA and
certificate (trustme) for STARTTLS and implicit TLS, a keyring that lives in memory, and a
fake xdg-open on PATH for the mailto: links."""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, Session
from keyring.backend import KeyringBackend

from funnel_tui.settings import DEFAULTS, Settings

HOST = "127.0.0.1"
SENDER = "Alex Morgan <alex@kestrel.example>"


@dataclass
class Received:
    """One email as the server took it: the envelope, the parsed message and its bytes."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    data: bytes = b""


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every email it accepts, and can refuse recipients,
    hold each email until `hold` is set (an email in flight), or hang up once it has one."""

    refuse_recipients: bool = False
    hold: threading.Event | None = None
    # Keeps the email, then closes the connection before saying it was delivered.
    hang_up_after_data: bool = False
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse_recipients:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.hold is not None:
            await asyncio.to_thread(self.hold.wait, 30)
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(
            Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed, content)
        )
        if self.hang_up_after_data:
            server.transport.close()
        return "250 Message accepted for delivery"


class Logins:
    """An authenticator: says yes to `password` for `user` (when given), no to anything else,
    and remembers who tried."""

    def __init__(self, user: str | None = None, password: str | None = None) -> None:
        self.user = user
        self.password = password
        self.tried: list[tuple[str, str]] = []

    def __call__(
        self, server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        login = auth_data.login.decode()
        password = auth_data.password.decode()
        self.tried.append((login, password))
        ok = self.user is not None and (login, password) == (self.user, self.password)
        return AuthResult(success=ok, handled=False)


class FreePortController(Controller):
    """aiosmtpd's Controller on a port the system picks (port 0)."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass(frozen=True)
class Certificates:
    """A throwaway CA, its certificate for 127.0.0.1, and the contexts of both ends."""

    server: ssl.SSLContext
    client: ssl.SSLContext


def certificates() -> Certificates:
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(HOST).configure_cert(server)
    client = ssl.create_default_context()
    authority.configure_trust(client)
    return Certificates(server, client)


@contextmanager
def smtp_server(inbox: Inbox, **smtp_parameters: Any) -> Iterator[int]:
    """A running server for the block; yields its port."""
    controller = FreePortController(inbox, hostname=HOST, port=0, **smtp_parameters)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def free_port() -> int:
    """A port nothing listens on (as far as anyone can tell a moment later)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def smtp_settings(port: int, security: str = "none", **changes: Any) -> Settings:
    values = {"smtp_host": HOST, "smtp_port": port, "email_from": SENDER, **changes}
    return replace(DEFAULTS, smtp_security=security, **values)


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps its passwords in a dict (keyring.set_keyring takes it)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


def fake_xdg_open(folder: Path, exit_code: int, *, seconds: float = 0) -> Path:
    """An `xdg-open` in `folder` that writes the link it was given to `opened.txt`, stays
    `seconds`, says something on both outputs and exits with `exit_code` (xdg-open's 3:
    no handler for the link, 4: the action failed). Put `folder` first on PATH."""
    opened = folder / "opened.txt"
    script = folder / "xdg-open"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$1" >> "{opened}"\n'
        "echo noise; echo more noise >&2\n"
        f"sleep {seconds}\n"
        f"exit {exit_code}\n"
    )
    script.chmod(0o755)
    return opened


def path_with(folder: Path) -> str:
    """PATH with `folder` first."""
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"
