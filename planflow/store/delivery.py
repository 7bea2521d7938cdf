"""The outbox as delivery sees it (``planflow.notifications.delivery`` decides; this module
reads and writes): leases taken with conditional UPDATEs, the messages claimed, each
attempt's answers, dead letters. Each function flushes what it adds and never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.orm import Session

from planflow.store.models import DeliveryAttemptRow, OutboxRow


def leases(
    statuses: Sequence[str], *, session: Session
) -> list[Row[tuple[str, dt.datetime | None, str | None]]]:
    """(status, claimed_until, claimed_by) of every message in one of ``statuses``."""
    return list(
        session.execute(
            select(OutboxRow.status, OutboxRow.claimed_until, OutboxRow.claimed_by).where(
                OutboxRow.status.in_(statuses)
            )
        ).all()
    )


def _free(now: dt.datetime) -> Any:
    return or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now)


def claim_candidates(
    statuses: Sequence[str], now: dt.datetime, limit: int, host: str, *, session: Session
) -> list[Row[tuple[int, dt.datetime | None, str | None]]]:
    """(id, claimed_until, claimed_by) of up to ``limit`` messages due at ``now``, in id order:
    unleased, lease expired, or leased by a worker of ``host``."""
    due = (
        OutboxRow.status.in_(statuses),
        or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now),
    )
    here = OutboxRow.claimed_by.startswith(host + ":")
    return list(
        session.execute(
            select(OutboxRow.id, OutboxRow.claimed_until, OutboxRow.claimed_by)
            .where(*due, or_(_free(now), here))
            .order_by(OutboxRow.id)
            .limit(limit)
        ).all()
    )


def lease_free(ids: Sequence[int], now: dt.datetime, lease: dict[str, Any], *, session: Session) -> list[int]:
    """Lease those of ``ids`` still free at ``now`` (conditional UPDATE … RETURNING): the ids won."""
    statement = update(OutboxRow).where(OutboxRow.id.in_(ids), _free(now)).values(**lease)
    return list(session.scalars(statement.returning(OutboxRow.id)).all())


def take_over(
    ids: Collection[int], holders: Collection[str], lease: dict[str, Any], *, session: Session
) -> list[int]:
    """Lease those of ``ids`` still held by one of ``holders`` (gone workers): the ids won."""
    statement = update(OutboxRow).where(OutboxRow.id.in_(ids), OutboxRow.claimed_by.in_(holders))
    return list(session.scalars(statement.values(**lease).returning(OutboxRow.id)).all())


def messages(ids: Sequence[int], *, session: Session) -> list[OutboxRow]:
    """The messages of ``ids``, in id order."""
    return list(session.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids)).order_by(OutboxRow.id)))


def messages_by_id(ids: Sequence[int], *, session: Session) -> dict[int, OutboxRow]:
    return {r.id: r for r in session.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids)))}


def add_attempts(rows: Sequence[DeliveryAttemptRow], *, session: Session) -> None:
    session.add_all(rows)
    session.flush()


def open_count(statuses: Sequence[str], *, session: Session) -> int:
    """How many messages are in one of ``statuses``."""
    return session.scalar(select(func.count()).where(OutboxRow.status.in_(statuses))) or 0


def messages_in(statuses: Sequence[str], *, session: Session, ids: Sequence[int] = ()) -> list[OutboxRow]:
    """The messages in one of ``statuses`` (only those of ``ids``, if given)."""
    query = select(OutboxRow).where(OutboxRow.status.in_(statuses))
    if ids:
        query = query.where(OutboxRow.id.in_(ids))
    return list(session.scalars(query))


def with_attempt_counts(statuses: Sequence[str], *, session: Session) -> list[tuple[OutboxRow, int]]:
    """The messages in one of ``statuses``, in id order, each with its number of attempts."""
    tries = (
        select(func.count())
        .where(DeliveryAttemptRow.outbox_id == OutboxRow.id)
        .correlate(OutboxRow)
        .scalar_subquery()
    )
    rows = session.execute(
        select(OutboxRow, tries).where(OutboxRow.status.in_(statuses)).order_by(OutboxRow.id)
    )
    return [(row, count) for row, count in rows]
