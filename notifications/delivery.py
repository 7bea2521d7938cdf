"""Delivering the outbox: every message that is due, in batches, by any number of workers,
each message at most once at a time, each recipient's answer kept.

- Claiming: a worker claims a batch with a conditional UPDATE (a lease of ``LEASE``,
  signed with the worker's host, process id and start time). A worker killed mid-send
  leaves a lease: another worker takes it over at once when it runs on the same host and
  sees the process gone, else when the lease expires. Batches follow each other until
  nothing is due: there is no cap on a run.
- Per recipient: a message goes only to the recipients still open (never tried, or
  waiting for a retry). The server may refuse some at RCPT: a 4xx refusal waits for a
  retry of that recipient alone; a 5xx refusal fails that recipient, with its answer.
  A message is ``sent`` when every recipient got it, ``partial`` when a To recipient got
  it and some others failed, ``dead`` when no To recipient got it and nothing is left to
  try (a 5xx for the whole message, such as 535 at login or a 550 policy refusal, or the
  retries ran out). Temporary failures are retried after ``RETRY_DELAYS``.
- History: every attempt's answers (code, text, time, each refusal) are a row of
  ``delivery_attempts``; ``requeue_dead`` (``planflow outbox --retry``) sends the dead
  letters and the failed recipients again once the cause is fixed.
- Outcomes are written in groups: one transaction for every ``OUTCOME_GROUP`` results,
  at least every ``OUTCOME_DELAY`` seconds, and for whatever remains when the batch ends.
  A worker killed after the server accepted a message and before its group is committed
  sends it again (at-least-once delivery): the copy carries the same Message-ID, which
  mail clients show once.

The statements are ``planflow.store.delivery``'s; this module decides what to claim and record.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from planflow.notifications.mailer import Mailer, Outcome
from planflow.notifications.mime import Envelope, encode_message
from planflow.store import delivery as store
from planflow.store.models import DeliveryAttemptRow, OutboxRow
from planflow.store.reports import version_files

log = logging.getLogger(__name__)

RETRY_DELAYS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600)
LEASE = dt.timedelta(minutes=5)
BATCH = 500
OUTCOME_GROUP = 50
OUTCOME_DELAY = 0.5  # seconds
OPEN = ("pending", "retry")
DEAD = ("dead", "partial")
_OPEN_STATES = ("pending", "retry")


# --- who holds a lease ------------------------------------------------------------------------


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), so a reused pid is not
    taken for the worker; None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:  # no /proc: the pid alone tells
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return ""
        return ""
    return stat.rsplit(")", 1)[1].split()[19]


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid())}"


def abandoned(claimed_by: str | None) -> bool:
    """The lease's worker ran on this host and is gone (killed, crashed)."""
    host, _, rest = (claimed_by or "").partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return _started(int(pid)) != started


# --- per-recipient states ---------------------------------------------------------------------


def addresses(row: OutboxRow) -> list[str]:
    return list(dict.fromkeys(a for _, a in [*row.to_addrs, *row.cc_addrs]))


def state_of(row: OutboxRow, address: str) -> dict[str, Any]:
    """An address's state: what ``recipient_states`` holds, else pending."""
    return dict((row.recipient_states or {}).get(address) or {"state": "pending"})


def open_addresses(row: OutboxRow) -> list[str]:
    return [a for a in addresses(row) if state_of(row, a)["state"] in _OPEN_STATES]


def failed_recipients(row: OutboxRow) -> dict[str, str]:
    """Each failed address and its answer."""
    states = {a: state_of(row, a) for a in addresses(row)}
    return {a: str(s.get("answer") or "") for a, s in states.items() if s["state"] == "failed"}


# --- reports ----------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """One run's counts, per message: ``sent`` (every recipient, or ``partial``: a To
    recipient and not all), ``retried`` (deferred to a retry), ``failed`` (dead), and
    ``waiting``: messages still open in the outbox after the run."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    partial: int = 0
    waiting: int = 0
    transport: str = ""
    causes: Counter[str] = field(default_factory=Counter)

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed

    @property
    def cause(self) -> str | None:
        """The most frequent answer of the failed or deferred attempts."""
        return self.causes.most_common(1)[0][0] if self.causes else None

    def as_json(self) -> dict[str, object]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed, "partial": self.partial,
                "waiting": self.waiting, "cause": self.cause, "transport": self.transport}  # fmt: skip


@dataclass(frozen=True)
class Backlog:
    """What the outbox holds before a run: open messages, those of them a killed or
    crashed run left in flight, and the dead letters."""

    waiting: int
    in_flight: int
    dead: int


def backlog(session: Session, now: dt.datetime) -> Backlog:
    rows = store.leases((*OPEN, *DEAD), session=session)
    waiting = [r for r in rows if r.status in OPEN]
    in_flight = [r for r in waiting if r.claimed_until is not None and
                 (r.claimed_until < now or abandoned(r.claimed_by))]  # fmt: skip
    return Backlog(len(waiting), len(in_flight), sum(1 for r in rows if r.status == "dead"))


# --- claiming ---------------------------------------------------------------------------------


def claim(factory: sessionmaker[Session], now: dt.datetime, limit: int, me: str) -> list[OutboxRow]:
    """Take up to ``limit`` deliverable messages; each id is claimed by one worker only.

    Conditional UPDATEs … RETURNING: a row another worker claimed in between no longer
    matches its WHERE, so it is not returned here. A lease whose worker is gone from this
    host is taken over; its old holder's identity is part of the WHERE."""
    with factory() as session, session.begin():
        candidates = store.claim_candidates(OPEN, now, limit, socket.gethostname(), session=session)
        unclaimed = [c.id for c in candidates if c.claimed_until is None or c.claimed_until < now]
        left = {
            c.id: c.claimed_by for c in candidates if c.id not in set(unclaimed) and abandoned(c.claimed_by)
        }
        lease = {"claimed_until": now + LEASE, "claimed_by": me}
        won: list[int] = []
        if unclaimed:
            won += store.lease_free(unclaimed, now, lease, session=session)
        if left:
            won += store.take_over(left.keys(), set(left.values()), lease, session=session)
        if not won:
            return []
        return store.messages(won, session=session)


# --- recording --------------------------------------------------------------------------------


def record_outcomes(
    factory: sessionmaker[Session], outcomes: Sequence[tuple[int, Outcome, dt.datetime]], transport: str
) -> list[tuple[str, str | None]]:
    """Store attempts' results, (message id, outcome, when) each, in one transaction;
    returns each message's new status and, unless sent, the answer that stopped it."""
    with factory() as session, session.begin():
        ids = [message_id for message_id, _, _ in outcomes]
        rows = store.messages_by_id(ids, session=session)
        results: list[tuple[str, str | None]] = []
        attempts: list[DeliveryAttemptRow] = []
        for key, outcome, now in outcomes:
            row = rows.get(key)
            if row is None:
                results.append(("missing", None))
                continue
            attempts.append(_attempt(row, outcome, now, transport))
            results.append(_record(row, outcome, now, transport))
        store.add_attempts(attempts, session=session)
        return results


def _attempt(row: OutboxRow, outcome: Outcome, now: dt.datetime, transport: str) -> DeliveryAttemptRow:
    return DeliveryAttemptRow(
        outbox_id=row.id, at=now, transport=transport, recipients=open_addresses(row),
        code=outcome.answer.code, answer=outcome.answer.text,
        refused={a: [r.code, r.text] for a, r in outcome.refused.items()},
    )  # fmt: skip


def _record(row: OutboxRow, outcome: Outcome, now: dt.datetime, transport: str) -> tuple[str, str | None]:
    tried = open_addresses(row)
    row.attempts += 1
    exhausted = row.attempts > len(RETRY_DELAYS)
    states = dict(row.recipient_states or {})
    for address in tried:
        answer = outcome.answer_for(address)
        text = str(answer)
        if outcome.got_it(address):
            state = "sent"
        elif answer.permanent:
            state = "failed"
        elif exhausted:
            state, text = "failed", f"{answer} (hết {len(RETRY_DELAYS)} lần gửi lại)"
        else:
            state = "retry"
        states[address] = {"state": state, "code": answer.code, "answer": text, "at": now.isoformat()}
    row.recipient_states = states
    row.smtp_response, row.transport, row.claimed_until, row.claimed_by = (
        str(outcome.answer),
        transport,
        None,
        None,
    )
    return _settle(row, now)


def _settle(row: OutboxRow, now: dt.datetime) -> tuple[str, str | None]:
    """The message's status from its recipients' states."""
    states = {a: state_of(row, a) for a in addresses(row)}
    problems = {a: s for a, s in states.items() if s["state"] != "sent"}
    row.last_error = "; ".join(f"{a}: {s.get('answer')}" for a, s in problems.items()) or None
    cause = next((str(s.get("answer")) for s in problems.values()), None)
    if any(s["state"] == "retry" for s in states.values()):
        row.status = "retry"
        row.next_attempt_at = now + dt.timedelta(seconds=RETRY_DELAYS[row.attempts - 1])
        return row.status, cause
    if not problems:
        row.status, row.sent_at = "sent", now
        return row.status, None
    got_to = any(states[a]["state"] == "sent" for _, a in row.to_addrs)
    row.status = "partial" if got_to else "dead"
    if got_to:
        row.sent_at = now
    return row.status, cause


def _log_outcome(message_id: int, status: str, cause: str | None, transport: str) -> None:
    """One message's outcome for operators, at INFO: the caller reports failures to its user
    already (the CLI's summary, the flow's result), so none of these is a warning of its own."""
    if status == "sent":
        log.info("mail %d sent (%s)", message_id, transport)
    elif status == "retry":
        log.info("mail %d will be retried (%s): %s", message_id, transport, cause)
    elif status == "partial":
        log.info("mail %d sent, some recipients failed (%s): %s", message_id, transport, cause)
    elif status == "dead":
        log.info("mail %d failed (%s): %s", message_id, transport, cause)
    else:
        log.info("mail %d: %s", message_id, status)


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
            results = record_outcomes(self.factory, group, self.report.transport)
        except BaseException:
            self.pending = group + self.pending  # the store failed: the last write tries again
            raise
        for (message_id, _, _), (status, cause) in zip(group, results, strict=True):
            _log_outcome(message_id, status, cause, self.report.transport)
            self._count(status, cause)

    def _count(self, status: str, cause: str | None) -> None:
        if status in ("sent", "partial"):
            self.report.sent += 1
            self.report.partial += status == "partial"
        elif status == "retry":
            self.report.retried += 1
        elif status == "dead":
            self.report.failed += 1
        if cause and status != "sent":
            self.report.causes[cause] += 1

    async def write_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            self.write()


# --- sending ----------------------------------------------------------------------------------


def attachments_of(factory: sessionmaker[Session], row: OutboxRow) -> list[tuple[str, str, bytes]]:
    """The files a message carries: those of the report version it was queued for."""
    if row.report_version_id is None:
        return []
    with factory() as session:
        files = version_files(row.report_version_id, session=session)
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
    batch: int = BATCH,
) -> DeliveryReport:
    """Deliver everything that is due, ``batch`` messages at a time, until nothing is; a
    message goes to its open recipients only (the headers still name everyone)."""
    report = DeliveryReport(transport=mailer.name)
    outcomes = _OutcomeLog(factory, report)
    me = worker_identity()

    async def one(row: OutboxRow) -> None:
        outgoing = encode_message(envelope(row, sender, attachments_of(factory, row)))
        outgoing = replace(outgoing, recipients=open_addresses(row))
        outcomes.add(row.id, await mailer.send(outgoing), now())

    writer = asyncio.create_task(outcomes.write_every(OUTCOME_DELAY))
    try:
        async with mailer:
            while rows := claim(factory, now(), batch, me):
                await asyncio.gather(*(one(row) for row in rows))
                outcomes.write()
    finally:
        writer.cancel()
        outcomes.write()
        with contextlib.suppress(asyncio.CancelledError):
            await writer  # raises what a timed write raised
    with factory() as session:
        report.waiting = store.open_count(OPEN, session=session)
    if report.attempted or report.waiting:
        log.info(
            "delivery (%s): %d sent, %d retried, %d failed, %d waiting",
            report.transport, report.sent, report.retried, report.failed, report.waiting,
        )  # fmt: skip
    return report


# --- dead letters -----------------------------------------------------------------------------


def requeue_dead(session: Session, *, ids: Sequence[int] = ()) -> tuple[int, int]:
    """Make the dead letters (or those of ``ids``) and the failed recipients of partly
    delivered messages deliverable again, with a fresh set of retries. Returns (messages
    re-armed, messages without any address, which only a fixed directory can help)."""
    armed = unaddressed = 0
    for row in store.messages_in(DEAD, session=session, ids=ids):
        if not row.to_addrs:
            unaddressed += 1
            continue
        states = dict(row.recipient_states or {})
        for address in failed_recipients(row):
            states[address] = {**state_of(row, address), "state": "pending"}
        row.recipient_states = states
        row.status, row.attempts, row.next_attempt_at, row.claimed_until = "pending", 0, None, None
        armed += 1
    session.flush()
    return armed, unaddressed


def outbox_rows(session: Session, *, failed_only: bool) -> list[tuple[OutboxRow, int]]:
    """Messages not (fully) delivered, each with its number of attempts so far."""
    statuses = DEAD if failed_only else (*OPEN, *DEAD)
    return store.with_attempt_counts(statuses, session=session)
