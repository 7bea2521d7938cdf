"""The outbox: notices are recorded and their message written in one transaction, then
delivered by any number of workers, each message at most once at a time.

- Recording: a notice's primary key is (occurrence, step, recipient). It is inserted
  with ON CONFLICT DO NOTHING, and the message carries only the notices this
  transaction inserted, so two checks at once, a retry or a re-run never queue a
  notice twice (the database constraint decides, under any isolation level).
- Delivery: a worker claims a message with a conditional UPDATE (lease of
  ``LEASE``); a worker killed mid-send leaves a lease that expires, and the next run
  sends the message. Every attempt's result and SMTP response is kept on the row.
  Temporary failures are retried with growing delays; permanent ones (5xx) and
  messages out of attempts are marked failed and listed by ``planflow outbox --failed``.
- Outcomes are written in groups: one transaction for every ``OUTCOME_GROUP`` results,
  and at least every ``OUTCOME_DELAY`` seconds, and for whatever remains when the batch
  ends (even when it ends with an error). A worker killed after the server accepted a
  message and before that message's group is committed sends it again once the lease
  has expired (at-least-once delivery): the copy carries the same Message-ID, which mail
  clients show once. Grouping widens that window from one commit to at most
  ``OUTCOME_DELAY`` seconds; a commit per message cost more than the SMTP exchange.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import format_datetime

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from planflow.escalation import Digest
from planflow.notifications.mailer import Mailer, Outcome
from planflow.notifications.mime import Envelope, encode_message
from planflow.notifications.render import Rendered
from planflow.store.models import NoticeRow, OutboxRow, ReportFileRow

RETRY_DELAYS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600)
LEASE = dt.timedelta(minutes=5)
OUTCOME_GROUP = 50
OUTCOME_DELAY = 0.5  # seconds
OPEN = ("pending", "retry")


def _digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def thread_id(occurrence_key: str, domain: str) -> str:
    """The Message-ID every notice about one occurrence refers to, so they thread."""
    return f"<occ.{_digest_of(occurrence_key)[:24]}@{domain}>"


def _insert_new_notices(session: Session, rows: list[dict[str, object]]) -> set[tuple[str, str, str]]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the keys this transaction recorded."""
    returning = (NoticeRow.occurrence_key, NoticeRow.step, NoticeRow.recipient)
    if session.get_bind().dialect.name == "postgresql":
        pg = postgresql.insert(NoticeRow).values(rows).on_conflict_do_nothing().returning(*returning)
        result = session.execute(pg)
    else:
        lite = sqlite.insert(NoticeRow).values(rows).on_conflict_do_nothing().returning(*returning)
        result = session.execute(lite)
    return {(k, s, r) for k, s, r in result}


def queue_digest(
    digest: Digest,
    render: Callable[[Digest], Rendered],
    *,
    session: Session,
    now: dt.datetime,
    domain: str,
) -> OutboxRow | None:
    """Record the digest's notices not recorded yet and queue one message for them."""
    rows: list[dict[str, object]] = [
        {
            "occurrence_key": n.item.key,
            "step": key[1],
            "recipient": key[2],
            "plan_id": n.item.facts.plan_id,
            "fire_date": n.fire_date,
            "days_overdue": n.item.days_overdue,
            "created_at": now,
        }
        for n in digest.notices
        for key in [n.key]
    ]
    inserted = _insert_new_notices(session, rows)
    if not inserted:
        return None
    kept = Digest(digest.recipient, [n for n in digest.notices if n.key in inserted])
    rendered = render(kept)
    idempotency = _digest_of(kept.recipient.id + "|" + "|".join(sorted("/".join(k) for k in inserted)))
    to = [(kept.recipient.name, e) for e in kept.recipient.emails]
    row = OutboxRow(
        idempotency_key=idempotency,
        recipient=kept.recipient.id,
        to_addrs=to,
        cc_addrs=[(c.name, e) for c in kept.cc for e in c.emails],
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        message_id=f"<{idempotency[:40]}@{domain}>",
        references=list(dict.fromkeys(thread_id(n.item.key, domain) for n in kept.notices)),
        status="pending" if to else "failed",
        attempts=0,
        last_error=None if to else f"không có địa chỉ e-mail cho '{kept.recipient.name}'",
        created_at=now,
    )
    session.add(row)
    session.flush()
    session.execute(
        update(NoticeRow)
        .where(
            NoticeRow.recipient == kept.recipient.id,
            NoticeRow.outbox_id.is_(None),
            NoticeRow.occurrence_key.in_([k[0] for k in inserted]),
        )
        .values(outbox_id=row.id)
    )
    return row


def queue_once(
    key: str, *, recipient: str, names: str, to: list[tuple[str, str]], cc: list[tuple[str, str]],
    rendered: Rendered, session: Session, now: dt.datetime, domain: str, report_version_id: int | None = None,
) -> OutboxRow | None:  # fmt: skip
    """One message not tied to notices (a report, a digest to leaders), queued once per
    ``key`` whoever asks. Without an address it is queued as failed, visible in
    ``planflow outbox --failed``, naming ``names``."""
    idempotency = _digest_of(key)
    row = OutboxRow(
        idempotency_key=idempotency,
        recipient=recipient,
        to_addrs=to,
        cc_addrs=cc,
        subject=rendered.subject if len(rendered.subject) <= 180 else rendered.subject[:179] + "…",
        body_text=rendered.text,
        body_html=rendered.html,
        message_id=f"<{idempotency[:40]}@{domain}>",
        references=[],
        status="pending" if to else "failed",
        attempts=0,
        last_error=None if to else f"không có địa chỉ e-mail cho '{names}'",
        created_at=now,
        report_version_id=report_version_id,
    )
    return add_once(session, row)


def add_once(session: Session, row: OutboxRow) -> OutboxRow | None:
    """Add a message unless one with its idempotency key is queued already (by this run,
    an earlier one or a concurrent one: the unique constraint decides). Returns the row
    added, or None."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


# --- delivery ------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    transport: str = ""

    def as_json(self) -> dict[str, object]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed,
                "transport": self.transport}  # fmt: skip


def claim(factory: sessionmaker[Session], now: dt.datetime, limit: int) -> list[OutboxRow]:
    """Take up to ``limit`` deliverable messages; each id is claimed by one worker only.

    One conditional UPDATE … RETURNING: a row another worker claimed in between no longer
    matches its WHERE, so it is not returned here."""
    claimable = (
        OutboxRow.status.in_(OPEN),
        or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
    )
    with factory() as session, session.begin():
        candidates = session.scalars(
            select(OutboxRow.id)
            .where(
                *claimable,
                or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now),
            )
            .order_by(OutboxRow.id)
            .limit(limit)
        ).all()
        if not candidates:
            return []
        won = session.scalars(
            update(OutboxRow)
            .where(OutboxRow.id.in_(candidates), *claimable)
            .values(claimed_until=now + LEASE)
            .returning(OutboxRow.id)
        ).all()
        return list(session.scalars(select(OutboxRow).where(OutboxRow.id.in_(won)).order_by(OutboxRow.id)))


def record_outcomes(
    factory: sessionmaker[Session], outcomes: Sequence[tuple[int, Outcome, dt.datetime]], transport: str
) -> list[str]:
    """Store attempts' results, (message id, outcome, when) each, in one transaction;
    returns each message's new status."""
    with factory() as session, session.begin():
        ids = [message_id for message_id, _, _ in outcomes]
        rows = {r.id: r for r in session.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids)))}
        return [_record(rows.get(key), outcome, now, transport) for key, outcome, now in outcomes]


def _record(row: OutboxRow | None, outcome: Outcome, now: dt.datetime, transport: str) -> str:
    if row is None:
        return "missing"
    row.attempts += 1
    row.smtp_response = outcome.response
    row.transport = transport
    row.claimed_until = None
    if outcome.ok:
        row.status, row.sent_at, row.last_error = "sent", now, None
    elif outcome.permanent or row.attempts > len(RETRY_DELAYS):
        row.status, row.last_error = "failed", outcome.response
    else:
        row.status, row.last_error = "retry", outcome.response
        row.next_attempt_at = now + dt.timedelta(seconds=RETRY_DELAYS[row.attempts - 1])
    return row.status


class _OutcomeLog:
    """Outcomes waiting for their group's transaction (see the module docstring)."""

    def __init__(self, factory: sessionmaker[Session], report: DeliveryReport) -> None:
        self.factory = factory
        self.report = report
        self.pending: list[tuple[int, Outcome, dt.datetime]] = []

    def add(self, message_id: int, outcome: Outcome, now: dt.datetime) -> None:
        self.pending.append((message_id, outcome, now))
        if len(self.pending) >= OUTCOME_GROUP:
            self.write()

    def write(self) -> None:
        group, self.pending = self.pending, []
        if not group:
            return
        try:
            statuses = record_outcomes(self.factory, group, self.report.transport)
        except BaseException:
            self.pending = group + self.pending  # the store failed: the last write tries again
            raise
        for status in statuses:
            if status == "sent":
                self.report.sent += 1
            elif status == "retry":
                self.report.retried += 1
            else:
                self.report.failed += 1

    async def write_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            self.write()


def attachments_of(factory: sessionmaker[Session], row: OutboxRow) -> list[tuple[str, str, bytes]]:
    """The files a message carries: those of the report version it was queued for."""
    if row.report_version_id is None:
        return []
    with factory() as session:
        files = session.scalars(
            select(ReportFileRow)
            .where(ReportFileRow.version_id == row.report_version_id)
            .order_by(ReportFileRow.format)
        ).all()
        return [(f.filename, f.media_type, f.content) for f in files]


def envelope(
    row: OutboxRow, sender: Address, attachments: list[tuple[str, str, bytes]] | None = None
) -> Envelope:
    return Envelope(
        sender=sender,
        to=[(n, a) for n, a in row.to_addrs],
        cc=[(n, a) for n, a in row.cc_addrs],
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        message_id=row.message_id,
        references=list(row.references),
        date=format_datetime(row.created_at),
        attachments=attachments or [],
    )


async def deliver(
    factory: sessionmaker[Session],
    mailer: Mailer,
    sender: Address,
    *,
    now: Callable[[], dt.datetime],
    limit: int = 1000,
) -> DeliveryReport:
    """Deliver what is due in the outbox; outcomes are recorded in groups as they come."""
    report = DeliveryReport(transport=mailer.name)
    rows = claim(factory, now(), limit)
    if not rows:
        return report
    log = _OutcomeLog(factory, report)

    async def one(row: OutboxRow) -> None:
        message = encode_message(envelope(row, sender, attachments_of(factory, row)))
        log.add(row.id, await mailer.send(message), now())

    writer = asyncio.create_task(log.write_every(OUTCOME_DELAY))
    try:
        async with mailer:
            await asyncio.gather(*(one(row) for row in rows))
    finally:
        writer.cancel()
        log.write()
        with contextlib.suppress(asyncio.CancelledError):
            await writer  # raises what a timed write raised
    return report


def failed_or_pending(session: Session, *, failed_only: bool) -> Sequence[OutboxRow]:
    statuses = ("failed",) if failed_only else ("pending", "retry", "failed")
    return session.scalars(
        select(OutboxRow).where(OutboxRow.status.in_(statuses)).order_by(OutboxRow.id)
    ).all()
