"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it accepts and
answering with scripted replies: per recipient (451, 550 at RCPT), per message (a list of
answers to DATA), 535 for a wrong password, a connection dropped mid-DATA, a reply that
never comes (timeout), down/up."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Recorder:
    """The aiosmtpd handler: keeps accepted messages, follows the script."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    reject_rcpt: set[str] = field(default_factory=set)
    temp_fail_data: int = 0
    rcpt_answers: dict[str, str] = field(default_factory=dict)
    """address → the answer to its RCPT (e.g. "451 4.2.1 …"), every time."""
    data_answers: list[str] = field(default_factory=list)
    """answers to the next DATA commands, one each, before any message is accepted."""
    drop_data: int = 0
    """the next N messages: the connection is closed after the data, with no answer."""
    stall_data: float = 0.0
    """seconds to wait before answering DATA (longer than the client's timeout: a timeout)."""
    password: str | None = None
    """the only password AUTH accepts (with SmtpServer(auth=True))."""
    logins: int = 0

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:  # fmt: skip
        if address in self.reject_rcpt:
            return "550 5.1.1 Không có hộp thư này"
        if address in self.rcpt_answers:
            return self.rcpt_answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.stall_data:
            await asyncio.sleep(self.stall_data)
        if self.drop_data > 0:
            self.drop_data -= 1
            if server.transport is not None:
                server.transport.close()
            return "250 2.0.0 (never read: the connection is closed)"
        if self.data_answers:
            return self.data_answers.pop(0)
        if self.temp_fail_data > 0:
            self.temp_fail_data -= 1
            return "451 4.3.0 Thử lại sau"
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 2.0.0 Đã nhận"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                     data: object) -> AuthResult:  # fmt: skip
        self.logins += 1
        ok = isinstance(data, LoginPassword) and data.password.decode() == self.password
        return AuthResult(success=ok, handled=False)

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


class SmtpServer:
    """Start/stop an aiosmtpd server on a fixed loopback port (so it can go down and up)."""

    def __init__(
        self, recorder: Recorder | None = None, port: int | None = None, *, auth: bool = False, **options: Any
    ) -> None:
        self.recorder = recorder or Recorder()
        self.port = port or free_port()
        self.options = options  # aiosmtpd options: tls_context, authenticator …
        if auth:  # AUTH PLAIN/LOGIN without TLS: loopback only
            self.options.update(authenticator=self.recorder.authenticate, auth_require_tls=False)
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5&concurrency=2"

    def url_with(self, user: str, password: str, timeout: float = 5) -> str:
        return f"smtp://{user}:{password}@127.0.0.1:{self.port}?timeout={timeout}&concurrency=2"

    def start(self) -> None:
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, decode_data=False,
                                      **self.options)  # fmt: skip
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, written to ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path
