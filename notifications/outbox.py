"""The outbox: notices are recorded and their message written in one transaction, then
delivered (``planflow.notifications.delivery``) by any number of workers.

A notice's primary key is (occurrence, due date, step, recipient, role). It is inserted
with ON CONFLICT DO NOTHING, and the message carries only the notices this transaction
inserted, so two checks at once, a retry or a re-run never queue a notice twice (the
database constraint decides, under any isolation level).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from planflow.escalation import Digest, NoticeKey
from planflow.notifications.render import Rendered
from planflow.store.models import NoticeRow, OutboxRow


def _digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def thread_id(occurrence_key: str, domain: str) -> str:
    """The Message-ID every notice about one occurrence refers to, so they thread."""
    return f"<occ.{_digest_of(occurrence_key)[:24]}@{domain}>"


def _insert_new_notices(session: Session, rows: list[dict[str, object]]) -> set[NoticeKey]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the keys this transaction recorded."""
    returning = (NoticeRow.occurrence_key, NoticeRow.due, NoticeRow.step, NoticeRow.recipient, NoticeRow.role)
    if session.get_bind().dialect.name == "postgresql":
        pg = postgresql.insert(NoticeRow).values(rows).on_conflict_do_nothing().returning(*returning)
        result = session.execute(pg)
    else:
        lite = sqlite.insert(NoticeRow).values(rows).on_conflict_do_nothing().returning(*returning)
        result = session.execute(lite)
    return {(k, d, s, r, role) for k, d, s, r, role in result}


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
            "due": key[1],
            "step": key[2],
            "recipient": key[3],
            "role": key[4],
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
    idempotency = _digest_of(
        kept.recipient.id + "|" + "|".join(sorted("/".join(map(str, k)) for k in inserted))
    )
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
        status="pending" if to else "dead",
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
        status="pending" if to else "dead",
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
