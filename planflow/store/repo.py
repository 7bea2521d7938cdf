"""Repository functions. Each takes a ``session`` keyword, flushes, and never commits: the
caller that owns the unit of work commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from planflow.compiler import CompiledPlan, Occurrence
from planflow.schema import UnitDirectory
from planflow.store.bulk import link_rows, occurrence_values, plan_values, targets
from planflow.store.models import (
    DependencyRow,
    OccurrenceRow,
    OccurrenceUnitRow,
    PlanRow,
    ProgressEventRow,
    UnitRow,
)
from planflow.store.states import advance, locked_state
from planflow.store.states import counted_events as counted_events  # where callers found it


@dataclass(frozen=True)
class SyncResult:
    plan_id: str
    added: int
    updated: int
    unchanged: int
    archived: int
    restored: int


@dataclass(frozen=True)
class StoredSource:
    digest: str
    units_directory: str
    live: bool


def stored_sources(*, session: Session) -> dict[str, StoredSource]:
    """What each stored plan was synced from (``Definitions.source_digest``)."""
    rows = session.execute(
        select(PlanRow.id, PlanRow.definition_hash, PlanRow.units_directory, PlanRow.archived_at)
    )
    return {id_: StoredSource(digest, units, archived is None) for id_, digest, units, archived in rows}


def live_occurrence_counts(plan_ids: Sequence[str], *, session: Session) -> dict[str, int]:
    query = (
        select(OccurrenceRow.plan_id, func.count())
        .where(OccurrenceRow.archived_at.is_(None))
        .group_by(OccurrenceRow.plan_id)
    )
    if len(plan_ids) <= 500:  # else every plan is counted: cheaper than thousands of parameters
        query = query.where(OccurrenceRow.plan_id.in_(plan_ids))
    return {plan_id: count for plan_id, count in session.execute(query).tuples()}


def sync_units(directory: UnitDirectory, *, session: Session) -> None:
    existing = {
        row.unit_id: row
        for row in session.scalars(select(UnitRow).where(UnitRow.directory_id == directory.id))
    }
    for unit in directory.units:
        row = existing.get(unit.id) or UnitRow(directory_id=directory.id, unit_id=unit.id)
        row.name, row.kind = unit.name, unit.kind.value
        row.emails, row.parent_id = list(unit.emails), unit.parent
        session.add(row)
    session.flush()


def stored_directories(*, session: Session) -> set[str]:
    return set(session.scalars(select(UnitRow.directory_id).distinct()))


def sync_plan(
    compiled: CompiledPlan,
    *,
    session: Session,
    now: dt.datetime,
    digest: str,
    notice_context: dict[str, Any] | None = None,
) -> SyncResult:
    """Make the stored occurrences of a stored plan match its compiled definition (a plan
    not stored yet is written by ``planflow.store.bulk.NewRows``, with many others).

    Progress is keyed by occurrence key, so every occurrence whose key is unchanged keeps
    its history. Occurrences no longer in the definition are archived (``archived_at``),
    never deleted; one that comes back is restored with its history.
    """
    plan = compiled.plan
    plan_row = session.get(PlanRow, plan.id) or PlanRow(id=plan.id)
    for name, value in plan_values(compiled, definition_hash=digest, now=now).items():
        setattr(plan_row, name, value)
    plan_row.archived_at, plan_row.notice_context = None, notice_context
    session.add(plan_row)
    session.flush()

    tasks = {t.id: t for t in plan.tasks}
    stored = {
        row.key: row for row in session.scalars(select(OccurrenceRow).where(OccurrenceRow.plan_id == plan.id))
    }
    counts = {"added": 0, "updated": 0, "unchanged": 0, "archived": 0, "restored": 0}
    for position, occ in enumerate(compiled.occurrences):
        row = stored.get(occ.key)
        values = occurrence_values(occ, targets(tasks.get(occ.item_id)), position)
        if row is None:
            session.add(OccurrenceRow(key=occ.key, archived_at=None, **values))
            counts["added"] += 1
            continue
        # position only orders the plan: moving a task is no change to an occurrence
        changed = any(getattr(row, k) != v for k, v in values.items() if k != "position")
        if row.archived_at is not None:
            counts["restored"] += 1
        elif changed:
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        for name, value in values.items():
            setattr(row, name, value)
        row.archived_at = None
    live = {o.key for o in compiled.occurrences}
    for key, row in stored.items():
        if key not in live and row.archived_at is None:
            row.archived_at = now
            counts["archived"] += 1
    session.flush()
    _replace_links(compiled.occurrences, stored_keys=list(stored), session=session)
    return SyncResult(plan.id, **counts)


def _replace_links(occurrences: Sequence[Occurrence], *, stored_keys: list[str], session: Session) -> None:
    keys = list({*stored_keys, *(o.key for o in occurrences)})
    for chunk in _chunks(keys, 500):
        session.execute(delete(OccurrenceUnitRow).where(OccurrenceUnitRow.occurrence_key.in_(chunk)))
        session.execute(delete(DependencyRow).where(DependencyRow.occurrence_key.in_(chunk)))
    unit_rows, dep_rows = link_rows(occurrences)
    if unit_rows:
        session.execute(insert(OccurrenceUnitRow), unit_rows)
    if dep_rows:
        session.execute(insert(DependencyRow), dep_rows)
    session.flush()


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def archive_plans_except(keep: set[str], *, session: Session, now: dt.datetime) -> list[str]:
    """Archive the stored plans whose definition is gone (their rows and progress stay)."""
    live = session.scalars(select(PlanRow.id).where(PlanRow.archived_at.is_(None)))
    gone = [plan_id for plan_id in live if plan_id not in keep]
    for chunk in _chunks(gone, 500):
        session.execute(update(PlanRow).where(PlanRow.id.in_(chunk)).values(archived_at=now))
    return gone


# --- reading --------------------------------------------------------------------------


def plan_ids(*, session: Session) -> list[str]:
    """Every live plan, sorted as Python sorts (the database's collation may differ): the
    order in which ``planflow.check.plans.check_plans`` streams them."""
    return sorted(live_plan_zones(session))


LIVE_PLANS = "SELECT id, timezone FROM plans WHERE archived_at IS NULL"


def live_plan_zones(session: Session) -> dict[str, str]:
    """Every live plan → its time zone, read from the index ``ix_plans_live`` through the
    driver's own cursor: a country's 9,500 plans made SQLAlchemy rows cost more than the read
    (10-13 ms, against 3 ms)."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(LIVE_PLANS)
        return dict(cursor.fetchall())
    finally:
        cursor.close()


def live_plan_count(*, session: Session) -> int:
    """The number of live plans (counted in the index ``ix_plans_live``)."""
    return session.scalar(select(func.count()).select_from(PlanRow).where(PlanRow.archived_at.is_(None))) or 0


def plan_ids_by_id(*, session: Session) -> list[str]:
    """Every live plan, in the database's order of ids (the leadership digest's)."""
    return list(session.scalars(select(PlanRow.id).where(PlanRow.archived_at.is_(None)).order_by(PlanRow.id)))


def live_occurrences(plan_id: str, *, session: Session) -> list[OccurrenceRow]:
    return list(
        session.scalars(
            select(OccurrenceRow)
            .where(OccurrenceRow.plan_id == plan_id, OccurrenceRow.archived_at.is_(None))
            .order_by(OccurrenceRow.position)
        )
    )


def occurrence_units(plan_id: str, *, session: Session) -> dict[str, dict[str, list[str]]]:
    """``{key: {"lead": [...], "support": [...]}}`` for a plan's live occurrences."""
    rows = session.execute(
        select(OccurrenceUnitRow.occurrence_key, OccurrenceUnitRow.role, OccurrenceUnitRow.unit_id)
        .join(OccurrenceRow, OccurrenceRow.key == OccurrenceUnitRow.occurrence_key)
        .where(OccurrenceRow.plan_id == plan_id)
    )
    out: dict[str, dict[str, list[str]]] = {}
    for key, role, unit in rows:
        out.setdefault(key, {"lead": [], "support": []})[role].append(unit)
    return out


def dependencies(plan_id: str, *, session: Session) -> dict[str, list[str]]:
    rows = session.execute(
        select(DependencyRow.occurrence_key, DependencyRow.depends_on_key)
        .join(OccurrenceRow, OccurrenceRow.key == DependencyRow.occurrence_key)
        .where(OccurrenceRow.plan_id == plan_id)
    )
    out: dict[str, list[str]] = {}
    for key, dep in rows:
        out.setdefault(key, []).append(dep)
    return out


def progress_events(
    plan_id: str, *, session: Session, until: dt.datetime | None = None, evidence_only: bool = False
) -> list[ProgressEventRow]:
    """A plan's counted events in the order they happened, up to ``until`` (the as-of time);
    ``evidence_only``: those with an evidence file (the board's links, without loading the rest)."""
    query = select(ProgressEventRow).where(ProgressEventRow.plan_id == plan_id, counted_events())
    if until is not None:
        query = query.where(ProgressEventRow.effective_at <= until)
    if evidence_only:
        query = query.where(ProgressEventRow.evidence.is_not(None))
    return list(session.scalars(query.order_by(ProgressEventRow.effective_at, ProgressEventRow.id)))


# --- writing progress --------------------------------------------------------------------


def add_progress_event(
    *,
    session: Session,
    occurrence_key: str,
    plan_id: str,
    status: str,
    effective_at: dt.datetime,
    recorded_at: dt.datetime,
    percent: int | None = None,
    values: dict[str, Decimal] | None = None,
    note: str | None = None,
    evidence: str | None = None,
    by_unit: str | None = None,
    recorded_by: str | None = None,
    supersedes: int | None = None,
    reason: str | None = None,
) -> ProgressEventRow:
    """Append a progress event and bring its occurrence's current state (``occurrence_states``)
    up to date in the same transaction: the one way events are written."""
    state = locked_state(occurrence_key, session=session)
    row = ProgressEventRow(
        supersedes=supersedes,
        reason=reason,
        occurrence_key=occurrence_key,
        plan_id=plan_id,
        status=status,
        percent=percent,
        values={k: str(v) for k, v in (values or {}).items()},
        note=note,
        evidence=evidence,
        by_unit=by_unit,
        recorded_by=recorded_by,
        effective_at=effective_at,
        recorded_at=recorded_at,
    )
    session.add(row)
    session.flush()
    advance(state, row, session=session)
    return row
