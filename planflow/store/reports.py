"""Report versions and their files (``planflow.reports.duties`` decides when a version is
new or final; this module reads and writes them). ``(occurrence, version)`` is unique, so
two assemblers racing write one version between them. Each function flushes and never
commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from planflow.store.db import add_unless_taken
from planflow.store.models import ReportFileRow, ReportVersionRow


def version_numbers(keys: Sequence[str], *, session: Session) -> list[tuple[str, int, bool]]:
    """(occurrence key, version, final) of every stored version of the report occurrences."""
    rows = session.execute(
        select(ReportVersionRow.occurrence_key, ReportVersionRow.version, ReportVersionRow.final).where(
            ReportVersionRow.occurrence_key.in_(keys)
        )
    ).all()
    return [(key, version, final) for key, version, final in rows]


def latest_version(key: str, *, session: Session) -> ReportVersionRow | None:
    return session.scalars(
        select(ReportVersionRow)
        .where(ReportVersionRow.occurrence_key == key)
        .order_by(ReportVersionRow.version.desc())
        .limit(1)
    ).first()


def version_files(version_id: int, *, session: Session) -> list[ReportFileRow]:
    """A version's files, by format."""
    return list(
        session.scalars(
            select(ReportFileRow).where(ReportFileRow.version_id == version_id).order_by(ReportFileRow.format)
        )
    )


def add_version_once(row: ReportVersionRow, *, session: Session) -> bool:
    """Add a version unless another assembler wrote its number first (the unique constraint
    decides; the transaction goes on either way). Whether it was added."""
    return add_unless_taken(row, session=session)


def add_files(files: Sequence[ReportFileRow], *, session: Session) -> None:
    for f in files:
        session.add(f)
    session.flush()
