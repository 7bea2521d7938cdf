"""Where messages go: the ``Mailer`` interface, SMTP over aiosmtplib, .eml files, and an
in-memory recorder for pure tests."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import aiosmtplib

from planflow.notifications.config import SmtpConfig
from planflow.notifications.mime import Outgoing


@dataclass(frozen=True)
class Answer:
    """One answer of the server: its code, or None when there was none (refused
    connection, timeout, connection dropped), and its text."""

    code: int | None
    text: str

    @property
    def permanent(self) -> bool:
        """5xx: sending the same thing again will not help until someone fixes the cause."""
        return self.code is not None and 500 <= self.code < 600

    def __str__(self) -> str:
        return f"{self.code} {self.text}" if self.code is not None else self.text


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt gave: the answer to the message (the end of DATA, or the
    command that failed: connect, AUTH, MAIL FROM, DATA) and the recipients the server
    refused at RCPT with their own answers. When ``delivered``, every recipient it did not
    refuse got the message."""

    answer: Answer
    delivered: bool
    refused: Mapping[str, Answer] = field(default_factory=dict)

    @classmethod
    def accepted(cls, text: str, code: int | None = 250) -> Outcome:
        return cls(Answer(code, text), True)

    def answer_for(self, address: str) -> Answer:
        return self.refused.get(address, self.answer)

    def got_it(self, address: str) -> bool:
        return self.delivered and address not in self.refused


class Mailer(Protocol):
    """Delivers messages; used as an async context manager around a batch."""

    name: str

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def send(self, message: Outgoing) -> Outcome: ...


class SmtpMailer:
    """aiosmtplib with connection reuse: each of ``concurrency`` workers keeps one
    connection open for the batch and reconnects when the server drops it. A refused
    login (535) ends the batch's attempts: every later message gets the same answer
    without asking the server again (which would lock the account)."""

    name = "smtp"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        self._all: list[aiosmtplib.SMTP] = []
        self._login_refused: Answer | None = None

    async def __aenter__(self) -> Self:
        for _ in range(self.config.concurrency):
            client = aiosmtplib.SMTP(
                hostname=self.config.host,
                port=self.config.port,
                use_tls=self.config.security == "ssl",
                start_tls=self.config.security == "starttls",
                username=self.config.username,
                password=self.config.password,
                timeout=self.config.timeout,
                cert_bundle=self.config.cafile,
            )
            self._all.append(client)
            self._idle.put_nowait(client)
        return self

    async def __aexit__(self, *args: Any) -> None:
        for client in self._all:
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    client.close()

    async def send(self, message: Outgoing) -> Outcome:
        client = await self._idle.get()
        try:
            if (
                self._login_refused is not None
            ):  # checked once a connection is free: others may have just failed
                return Outcome(self._login_refused, False)
            return await self._send(client, message)
        finally:
            self._idle.put_nowait(client)

    async def _send(self, client: aiosmtplib.SMTP, message: Outgoing) -> Outcome:
        try:
            if not client.is_connected:
                await client.connect()
            options = ["SMTPUTF8"] if message.utf8 else []
            errors, response = await client.sendmail(
                message.sender, message.recipients, message.data, mail_options=options
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:  # every recipient refused at RCPT
            await _reset(client)
            refused = {r.recipient: Answer(r.code, r.message) for r in exc.recipients}
            return Outcome(next(iter(refused.values())), False, refused)
        except aiosmtplib.SMTPAuthenticationError as exc:
            client.close()
            self._login_refused = Answer(exc.code, exc.message)
            return Outcome(self._login_refused, False)
        except aiosmtplib.SMTPResponseException as exc:
            await _reset(client)
            return Outcome(Answer(exc.code, exc.message), False)
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            client.close()
            return Outcome(Answer(None, f"{type(exc).__name__}: {exc}"), False)
        refused = {a: Answer(r.code, r.message) for a, r in errors.items()}
        return Outcome(Answer(250, response), True, refused)  # aiosmtplib keeps the text of DATA's 250


async def _reset(client: aiosmtplib.SMTP) -> None:
    try:
        await client.rset()
    except (aiosmtplib.SMTPException, OSError):
        client.close()


class FileMailer:
    """Writes each message as ``<folder>/<Message-ID>.eml`` (atomically): the zero-setup
    default when no SMTP server is configured."""

    name = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def __aenter__(self) -> Self:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    async def __aexit__(self, *args: Any) -> None:
        return None

    async def send(self, message: Outgoing) -> Outcome:
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", message.message_id.strip("<>"))
        path = self.folder / f"{stem}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(message.data)
        os.replace(tmp, path)
        return Outcome.accepted(f"written {path}", code=None)


class RecordingMailer:
    """Keeps messages in memory; answers with the outcomes it is given (default: accepted)."""

    name = "memory"

    def __init__(self, outcomes: list[Outcome] | None = None) -> None:
        self.sent: list[Outgoing] = []
        self._outcomes = list(outcomes or [])

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: Any) -> None:
        return None

    async def send(self, message: Outgoing) -> Outcome:
        outcome = self._outcomes.pop(0) if self._outcomes else Outcome.accepted("OK")
        if outcome.delivered:
            self.sent.append(message)
        return outcome
