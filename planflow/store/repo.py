"""Repository functions. Each takes a ``session`` keyword, flushes, and never commits: the
caller that owns the unit of work commits."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from planflow.compiler import CompiledPlan, Occurrence
from planflow.schema import Plan, Task, UnitDirectory
from planflow.store.models import (
    DependencyRow,
    OccurrenceRow,
    OccurrenceUnitRow,
    PlanRow,
    ProgressEventRow,
    UnitRow,
)

_OCCURRENCE_FIELDS = (
    "plan_id", "item_id", "kind", "timing", "title", "label", "section", "period",
    "start", "due", "end", "then_ongoing", "tentative", "when_text",
)  # fmt: skip


@dataclass(frozen=True)
class SyncResult:
    plan_id: str
    added: int
    updated: int
    unchanged: int
    archived: int
    restored: int


def definition_hash(plan: Plan) -> str:
    """A digest of the validated definition (pydantic's JSON, fields in schema order)."""
    return hashlib.sha256(plan.model_dump_json().encode()).hexdigest()


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


def _targets(task: Task | None) -> list[dict[str, Any]]:
    if task is None:
        return []
    return [
        {
            "key": t.key,
            "metric": t.metric,
            "comparator": t.comparator.value,
            "value": str(t.value),
            "unit": t.unit,
        }
        for t in task.targets
    ]


def sync_plan(
    compiled: CompiledPlan,
    *,
    session: Session,
    now: dt.datetime,
    notice_context: dict[str, Any] | None = None,
) -> SyncResult:
    """Make the stored occurrences of a plan match its compiled definition.

    Progress is keyed by occurrence key, so every occurrence whose key is unchanged keeps
    its history. Occurrences no longer in the definition are archived (``archived_at``),
    never deleted; one that comes back is restored with its history. A plan stored for the
    first time is written with one multi-row INSERT (no ORM objects): the bulk of a first
    sync of thousands of plans.
    """
    plan = compiled.plan
    plan_row = session.get(PlanRow, plan.id) or PlanRow(id=plan.id)
    plan_row.title, plan_row.document_number = plan.title, plan.document_number
    plan_row.issuer, plan_row.units_directory = plan.issuer, plan.units
    plan_row.standing_unit, plan_row.timezone = plan.standing_unit, plan.timezone
    plan_row.period_start, plan_row.period_end = plan.period.start, plan.period.end
    plan_row.upcoming_days = plan.upcoming_days
    plan_row.definition_hash = definition_hash(plan)
    plan_row.synced_at, plan_row.archived_at = now, None
    plan_row.notice_context = notice_context
    session.add(plan_row)
    session.flush()

    tasks = {t.id: t for t in plan.tasks}
    stored = {
        row.key: row for row in session.scalars(select(OccurrenceRow).where(OccurrenceRow.plan_id == plan.id))
    }
    counts = {"added": 0, "updated": 0, "unchanged": 0, "archived": 0, "restored": 0}
    if not stored:
        rows = [
            {"key": o.key, "archived_at": None, **_row_values(o, _targets(tasks.get(o.item_id)), position)}
            for position, o in enumerate(compiled.occurrences)
        ]
        if rows:
            session.execute(insert(OccurrenceRow), rows)
        _replace_links(compiled.occurrences, stored_keys=[], session=session)
        return SyncResult(plan.id, added=len(rows), updated=0, unchanged=0, archived=0, restored=0)
    for position, occ in enumerate(compiled.occurrences):
        row = stored.get(occ.key)
        values = _row_values(occ, _targets(tasks.get(occ.item_id)), position)
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


def _row_values(occ: Occurrence, targets: list[dict[str, Any]], position: int) -> dict[str, Any]:
    values = {name: getattr(occ, name) for name in _OCCURRENCE_FIELDS}
    values["kind"], values["timing"] = occ.kind.value, occ.timing.value
    values["targets"], values["position"] = targets, position
    return values


def _replace_links(occurrences: Sequence[Occurrence], *, stored_keys: list[str], session: Session) -> None:
    # nothing was stored: no links to delete
    keys = list({*stored_keys, *(o.key for o in occurrences)}) if stored_keys else []
    for chunk in _chunks(keys, 500):
        session.execute(delete(OccurrenceUnitRow).where(OccurrenceUnitRow.occurrence_key.in_(chunk)))
        session.execute(delete(DependencyRow).where(DependencyRow.occurrence_key.in_(chunk)))
    unit_rows = [
        {"occurrence_key": o.key, "role": role, "unit_id": unit}
        for o in occurrences
        for role, units in (("lead", o.lead), ("support", o.support))
        for unit in dict.fromkeys(units)
    ]
    dep_rows = [{"occurrence_key": o.key, "depends_on_key": d} for o in occurrences for d in o.depends_on]
    if unit_rows:
        session.execute(insert(OccurrenceUnitRow), unit_rows)
    if dep_rows:
        session.execute(insert(DependencyRow), dep_rows)
    session.flush()


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def archive_plans_except(keep: set[str], *, session: Session, now: dt.datetime) -> list[str]:
    """Archive the stored plans whose definition is gone (their rows and progress stay)."""
    gone = [
        row
        for row in session.scalars(select(PlanRow).where(PlanRow.archived_at.is_(None)))
        if row.id not in keep
    ]
    for row in gone:
        row.archived_at = now
    session.flush()
    return [row.id for row in gone]


# --- reading --------------------------------------------------------------------------


def plan_ids(*, session: Session) -> list[str]:
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
    plan_id: str, *, session: Session, until: dt.datetime | None = None
) -> list[ProgressEventRow]:
    """A plan's events in the order they happened, up to ``until`` (the as-of time)."""
    query = select(ProgressEventRow).where(ProgressEventRow.plan_id == plan_id)
    if until is not None:
        query = query.where(ProgressEventRow.effective_at <= until)
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
) -> ProgressEventRow:
    row = ProgressEventRow(
        occurrence_key=occurrence_key,
        plan_id=plan_id,
        status=status,
        percent=percent,
        values={k: str(v) for k, v in (values or {}).items()},
        note=note,
        evidence=evidence,
        by_unit=by_unit,
        effective_at=effective_at,
        recorded_at=recorded_at,
    )
    session.add(row)
    session.flush()
    return row
