"""Outbox delivery throughput against a local SMTP server (aiosmtpd in its own process).

``pool`` is planflow's ``SmtpMailer``: a few connections kept open for the batch.
``one`` opens a connection per message (same concurrency): what a naive sender does.
Both go through the real ``planflow.notifications.outbox.deliver`` (claim, send, record each
outcome in the store), so the store's cost per message is in both figures.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from email.headerregistry import Address
from typing import Any, Self

import aiosmtplib
from sqlalchemy import delete, insert

from planflow.notifications.config import SmtpConfig
from planflow.notifications.delivery import deliver
from planflow.notifications.mailer import Outcome, SmtpMailer
from planflow.notifications.mime import Outgoing
from planflow.store.db import open_store
from planflow.store.models import DeliveryAttemptRow, OutboxRow

CONCURRENCY = 4
SENDER = Address("planflow", "planflow", "bench.example")
_LINE = "- Rà soát, số hóa hồ sơ thủ tục hành chính — Phòng Văn hóa - Xã hội — hạn 30/06/2026\n"


class OneConnectionPerMessage:
    """Connect, send, quit for every message; at most ``CONCURRENCY`` at a time."""

    name = "smtp-one-per-message"

    def __init__(self, port: int) -> None:
        self.port = port
        self._slots = asyncio.Semaphore(CONCURRENCY)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: Any) -> None:
        return None

    async def send(self, message: Outgoing) -> Outcome:
        async with self._slots:
            _, response = await aiosmtplib.send(
                message.data,
                sender=message.sender,
                recipients=message.recipients,
                hostname="127.0.0.1",
                port=self.port,
                timeout=30,
            )
        return Outcome.accepted(response)


def _rows(count: int, now: dt.datetime) -> list[dict[str, Any]]:
    run = uuid.uuid4().hex[:12]
    text = "Kính gửi Phòng Văn hóa - Xã hội,\n\n" + _LINE * 20
    html = "<p>Kính gửi Phòng Văn hóa - Xã hội,</p><ul>" + f"<li>{_LINE}</li>" * 20 + "</ul>"
    return [
        {
            "idempotency_key": f"{run}-{i}",
            "recipient": f"unit:bench/u{i % 50}",
            "to_addrs": [["Phòng Văn hóa - Xã hội", f"u{i % 50}@bench.example"]],
            "cc_addrs": [],
            "subject": f"[planflow] Quá hạn: 3 nhiệm vụ — đợt {i}",
            "body_text": text,
            "body_html": html,
            "message_id": f"<{run}.{i}@bench.example>",
            "references": [],
            "status": "pending",
            "attempts": 0,
            "created_at": now,
        }
        for i in range(count)
    ]


async def measure_delivery(url: str, port: int, mode: str, count: int) -> dict[str, Any]:
    factory = open_store(url)
    now = dt.datetime.now(dt.UTC)
    with factory() as session, session.begin():
        session.execute(delete(DeliveryAttemptRow))  # each attempt points at its message
        session.execute(delete(OutboxRow))
        session.execute(insert(OutboxRow), _rows(count, now))
    config = SmtpConfig(host="127.0.0.1", port=port, security="plain", timeout=30, concurrency=CONCURRENCY)
    mailer = SmtpMailer(config) if mode == "pool" else OneConnectionPerMessage(port)
    wall = time.perf_counter()
    report = await deliver(factory, mailer, SENDER, now=lambda: dt.datetime.now(dt.UTC), batch=count)
    seconds = time.perf_counter() - wall
    factory.kw["bind"].dispose()
    return {
        "seconds": seconds,
        "sent": report.sent,
        "failed": report.failed + report.retried,
        "per_second": report.sent / seconds,
    }
