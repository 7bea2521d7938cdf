"""Where messages go: the ``Mailer`` interface, SMTP over aiosmtplib, .eml files, and an
in-memory recorder for pure tests."""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import aiosmtplib

from planflow.notifications.config import SmtpConfig
from planflow.notifications.mime import Outgoing


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt gave: ``ok``; else ``permanent`` (5xx: never retried) or
    temporary (4xx, refused connection, timeout: retried with backoff)."""

    ok: bool
    response: str
    permanent: bool = False


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
    connection open for the batch and reconnects when the server drops it."""

    name = "smtp"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        self._all: list[aiosmtplib.SMTP] = []

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
            if not client.is_connected:
                await client.connect()
            options = ["SMTPUTF8"] if message.utf8 else []
            errors, response = await client.sendmail(
                message.sender, message.recipients, message.data, mail_options=options
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            text = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
            return Outcome(False, text, permanent=all(500 <= c < 600 for c in codes))
        except aiosmtplib.SMTPResponseException as exc:
            await _reset(client)
            return Outcome(False, f"{exc.code} {exc.message}", permanent=500 <= exc.code < 600)
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            client.close()
            return Outcome(False, f"{type(exc).__name__}: {exc}", permanent=False)
        finally:
            self._idle.put_nowait(client)
        refused = "; ".join(f"{addr}: {r.code} {r.message}" for addr, r in errors.items())
        return Outcome(True, f"{response}" + (f" (từ chối: {refused})" if refused else ""))


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
        return Outcome(True, f"written {path}")


class RecordingMailer:
    """Keeps messages in memory; answers with the outcomes it is given (default: ok)."""

    name = "memory"

    def __init__(self, outcomes: list[Outcome] | None = None) -> None:
        self.sent: list[Outgoing] = []
        self._outcomes = list(outcomes or [])

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: Any) -> None:
        return None

    async def send(self, message: Outgoing) -> Outcome:
        outcome = self._outcomes.pop(0) if self._outcomes else Outcome(True, "250 OK")
        if outcome.ok:
            self.sent.append(message)
        return outcome
