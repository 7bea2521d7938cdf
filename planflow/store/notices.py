"""Notices and the messages queued for them (``planflow.notifications.outbox`` decides what
to queue; this module writes and reads it). Each function flushes and never commits.

A notice's primary key is (occurrence, due date, step, recipient, role): it is inserted
with ON CONFLICT DO NOTHING … RETURNING, so the caller learns which notices its own
transaction recorded; a message's idempotency key is unique, so ``add_once`` adds it once
whoever races for it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from planflow.escalation import NoticeKey
from planflow.store.db import add_unless_taken
from planflow.store.models import NoticeRow, OutboxRow


def thread_root(occurrence_key: str, recipient: str, *, session: Session) -> str | None:
    """The Message-ID of the first message about the occurrence that reached the recipient."""
    return session.scalar(
        select(OutboxRow.message_id)
        .join(NoticeRow, NoticeRow.outbox_id == OutboxRow.id)
        .where(
            NoticeRow.occurrence_key == occurrence_key,
            NoticeRow.recipient == recipient,
            OutboxRow.status.in_(("sent", "partial")),
        )
        .order_by(OutboxRow.id)
        .limit(1)
    )


def skipped_count(*, session: Session) -> int:
    """How many ladder steps catch-ups passed over (recorded, never sent)."""
    count = select(func.count()).select_from(NoticeRow).where(NoticeRow.state == "skipped")
    return session.scalar(count) or 0


def insert_new_notices(rows: list[dict[str, object]], *, session: Session) -> set[NoticeKey]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the keys this transaction recorded.

    One statement, compiled once, executed for all the rows: SQLAlchemy's "insertmanyvalues"
    sends them in batches within the database's parameter limit (a catch-up records tens of
    thousands of skipped steps; SQLite takes at most 32,766 parameters a statement). A
    statement of literal VALUES per batch was compiled again for every batch and every digest:
    a third of the time of recording a day's notices."""
    if not rows:
        return set()
    table = cast(Table, NoticeRow.__table__)
    returning = (table.c.occurrence_key, table.c.due, table.c.step, table.c.recipient, table.c.role)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).on_conflict_do_nothing().returning(*returning)
    return {(k, d, s, r, role) for k, d, s, r, role in session.execute(statement, rows)}


def add_message(row: OutboxRow, *, session: Session) -> OutboxRow:
    """Queue a message (its id is set on return)."""
    session.add(row)
    session.flush()
    return row


def attach_notices(
    outbox_id: int, recipient: str, occurrence_keys: Sequence[str], *, session: Session
) -> None:
    """Tie the recipient's queued notices about these occurrences, not tied yet, to a message."""
    session.execute(
        update(NoticeRow)
        .where(
            NoticeRow.recipient == recipient,
            NoticeRow.outbox_id.is_(None),
            NoticeRow.state == "queued",
            NoticeRow.occurrence_key.in_(occurrence_keys),
        )
        .values(outbox_id=outbox_id)
    )


def add_once(row: OutboxRow, *, session: Session) -> OutboxRow | None:
    """Add a message unless one with its idempotency key is queued already (by this run,
    an earlier one or a concurrent one: the unique constraint decides). Returns the row
    added, or None."""
    return row if add_unless_taken(row, session=session) else None


def message_occurrences(outbox_id: int, *, session: Session) -> list[str]:
    """The occurrence keys of the notices a message carries (one per notice, unsorted)."""
    return list(
        session.scalars(select(NoticeRow.occurrence_key).where(NoticeRow.outbox_id == outbox_id)).all()
    )
