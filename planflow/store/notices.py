"""Notices and the messages queued for them (``planflow.notifications.outbox`` decides what
to queue; this module writes and reads it). Each function flushes and never commits.

A notice's primary key is (occurrence, due date, step, recipient, role): it is inserted
with ON CONFLICT DO NOTHING … RETURNING, so the caller learns which notices its own
transaction recorded; a message's idempotency key is unique, so ``add_once`` adds it once
whoever races for it."""

from __future__ import annotations

from collections.abc import Collection
from typing import cast

from sqlalchemy import Table, func, select, tuple_, update
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


ATTACH_KEYS = 1000
"""Notice keys per UPDATE (five parameters each: well under SQLite's 32,766)."""


def attach_notices(outbox_id: int, keys: Collection[NoticeKey], *, session: Session) -> None:
    """Tie the notices of these keys (recorded queued by this transaction) to a message, one
    primary-key look-up each. Matching them by recipient, occurrence and "not tied yet" let
    the database choose the index of untied notices, which holds every skipped step ever
    recorded: every digest read all of them (a catch-up at 1M occurrences spent its time
    there, and every day's check would have as the skipped steps piled up)."""
    columns = (NoticeRow.occurrence_key, NoticeRow.due, NoticeRow.step, NoticeRow.recipient, NoticeRow.role)
    ordered = sorted(keys)
    for start in range(0, len(ordered), ATTACH_KEYS):
        part = ordered[start : start + ATTACH_KEYS]
        session.execute(
            update(NoticeRow)
            # the occurrence keys alone first: SQLite reads a row-value IN list by scanning the
            # table, and the primary key's first column by its index
            .where(NoticeRow.occurrence_key.in_({k[0] for k in part}), tuple_(*columns).in_(part))
            .values(outbox_id=outbox_id)
            .execution_options(synchronize_session=False)
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
