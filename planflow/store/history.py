"""What is recorded about one item, read and written for its history page and corrections
(``planflow.intake.corrections``): its progress events, the notices sent about it, its
comments. Progress events are appended by ``planflow.store.repo``. Each function flushes
what it adds and never commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from planflow.store.models import CommentRow, NoticeRow, OutboxRow, ProgressEventRow


def progress_event(event_id: int, *, session: Session) -> ProgressEventRow | None:
    return session.get(ProgressEventRow, event_id)


def superseded_by(event_id: int, *, session: Session) -> int | None:
    """The id of the event that supersedes ``event_id``, if one does."""
    return session.scalar(select(ProgressEventRow.id).where(ProgressEventRow.supersedes == event_id))


def add_comment(row: CommentRow, *, session: Session) -> CommentRow:
    session.add(row)
    session.flush()
    return row


def item_events(occurrence_key: str, *, session: Session) -> list[ProgressEventRow]:
    """Every event of the item, superseded and withdrawals included, in the order recorded."""
    return list(
        session.scalars(
            select(ProgressEventRow)
            .where(ProgressEventRow.occurrence_key == occurrence_key)
            .order_by(ProgressEventRow.recorded_at, ProgressEventRow.id)
        )
    )


def item_notices(occurrence_key: str, *, session: Session) -> list[tuple[NoticeRow, OutboxRow | None]]:
    """The notices recorded about the item, each with its message (None for a skipped step)."""
    return list(
        session.execute(
            select(NoticeRow, OutboxRow)
            .outerjoin(OutboxRow, OutboxRow.id == NoticeRow.outbox_id)
            .where(NoticeRow.occurrence_key == occurrence_key)
            .order_by(NoticeRow.created_at, NoticeRow.step, NoticeRow.recipient)
        ).tuples()
    )


def item_comments(occurrence_key: str, *, session: Session) -> list[CommentRow]:
    return list(
        session.scalars(
            select(CommentRow)
            .where(CommentRow.occurrence_key == occurrence_key)
            .order_by(CommentRow.created_at, CommentRow.id)
        )
    )
