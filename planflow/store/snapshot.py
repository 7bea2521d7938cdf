"""Copying recorded history from one store into another: the throwaway SQLite copy on which
``planflow.notifications.simulate`` replays the days of a period. Nothing is flushed or
committed; the caller owns both transactions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from planflow.store.models import NoticeRow, OccurrenceRow, ProgressEventRow


def copy_history(plan_ids: Sequence[str], *, source: Session, session: Session) -> None:
    """Progress and recorded notices of the live occurrences in ``session``'s store (read
    from ``source``), without their messages."""
    live = set(session.scalars(select(OccurrenceRow.key)))
    models: tuple[type[ProgressEventRow] | type[NoticeRow], ...] = (ProgressEventRow, NoticeRow)
    for model in models:
        rows = source.scalars(
            select(model).where(model.plan_id.in_(list(plan_ids)), model.occurrence_key.in_(live))
        ).all()
        columns = [c.key for c in model.__table__.columns if c.key not in ("id", "outbox_id")]
        values = [{c: getattr(r, c) for c in columns} for r in rows]
        if values:
            session.execute(insert(model), values)
