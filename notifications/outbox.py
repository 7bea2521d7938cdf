"""The outbox: notices are recorded and their message written in one transaction, then
delivered (``planflow.notifications.delivery``) by any number of workers.

A notice's primary key is (occurrence, due date, step, recipient, role). It is inserted
with ON CONFLICT DO NOTHING, and the message carries only the notices this transaction
inserted, so two checks at once, a retry or a re-run never queue a notice twice (the
database constraint decides, under any isolation level). A step a catch-up passed over is
recorded the same way with the state ``skipped`` and no message.

Threads: a message about one occurrence answers (In-Reply-To, References) the first
message about it that this recipient was actually sent, as stored here; the first one is
the root. A daily digest stands alone: it refers to no message.

The statements are ``planflow.store.notices``'s; this module decides what to record and queue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from planflow.escalation import Digest, Notice
from planflow.notifications.render import Rendered
from planflow.store import notices as store
from planflow.store.models import OutboxRow


def _digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _notice_row(notice: Notice, now: dt.datetime, state: str) -> dict[str, object]:
    key = notice.key
    return {
        "occurrence_key": key[0], "due": key[1], "step": key[2], "recipient": key[3], "role": key[4],
        "plan_id": notice.item.facts.plan_id, "fire_date": notice.fire_date,
        "days_overdue": notice.item.days_overdue, "state": state, "created_at": now,
    }  # fmt: skip


def record_skipped(notices: Sequence[Notice], *, session: Session, now: dt.datetime) -> int:
    """Record the steps a catch-up passed over as ``skipped``: never sent, never due again."""
    if not notices:
        return 0
    return len(store.insert_new_notices([_notice_row(n, now, "skipped") for n in notices], session=session))


def queue_digest(
    digest: Digest,
    render: Callable[[Digest], Rendered],
    *,
    session: Session,
    now: dt.datetime,
    domain: str,
) -> OutboxRow | None:
    """Record the digest's notices not recorded yet and queue one message for them."""
    rows = [_notice_row(n, now, "queued") for n in digest.notices]
    inserted = store.insert_new_notices(rows, session=session)
    if not inserted:
        return None
    kept = replace(digest, notices=[n for n in digest.notices if n.key in inserted])
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
        references=_references(kept, session),
        status="pending" if to else "dead",
        attempts=0,
        last_error=None if to else f"không có địa chỉ e-mail cho '{kept.recipient.name}'",
        created_at=now,
    )
    store.add_message(row, session=session)
    store.attach_notices(row.id, inserted, session=session)
    return row


def _references(digest: Digest, session: Session) -> list[str]:
    """A threaded message answers the first one sent about its occurrence; a digest none."""
    if not digest.threaded:
        return []
    root = store.thread_root(digest.notices[0].item.key, digest.recipient.id, session=session)
    return [root] if root else []


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
    return store.add_once(row, session=session)
