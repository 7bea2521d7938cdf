"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it accepts and
answering with scripted replies (451 for a while, 550 for some recipients, down/up)."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


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

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:  # fmt: skip
        if address in self.reject_rcpt:
            return "550 5.1.1 Không có hộp thư này"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.temp_fail_data > 0:
            self.temp_fail_data -= 1
            return "451 4.3.0 Thử lại sau"
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 2.0.0 Đã nhận"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


class SmtpServer:
    """Start/stop an aiosmtpd server on a fixed loopback port (so it can go down and up)."""

    def __init__(self, recorder: Recorder | None = None, port: int | None = None) -> None:
        self.recorder = recorder or Recorder()
        self.port = port or free_port()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5&concurrency=2"

    def start(self) -> None:
        kwargs: dict[str, Any] = {"decode_data": False}
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
