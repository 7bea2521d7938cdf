"""The set-based check: statuses and due notices of many plans, read from the store alone.

A daily check of a whole province (or country) reads the store in batches of plans: a
few queries per batch (occurrences, their units, dependencies, progress up to the as-of
instant, notices already recorded), evaluated by the same pure functions that
``planflow status`` uses for one plan (``planflow.status.evaluate``,
``planflow.escalation.due_notices``), then dropped. Memory holds one batch whatever
the number of plans, and the number of queries grows with plans / batch, not with
occurrences.

What notice planning needs besides the occurrences (the ladders, who the lead, standing
unit, head and signer are and their addresses, the plan's working-day calendar) is
stored with the plan at sync (``notice_context``), so no definition file is read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from planflow.errors import NotFoundError
from planflow.escalation import DEFAULT_POLICY, Addressee, Notice, Resolver, addressees_for_plan, due_notices
from planflow.schema import EscalationPolicy, Plan, ReportObligation, Task, UnitDirectory
from planflow.status import (
    AsOf,
    OccurrenceFacts,
    OccurrenceStatus,
    Status,
    evaluate,
    fold_progress,
    resolve_as_of,
    summarize,
)
from planflow.store.models import (
    DependencyRow,
    NoticeRow,
    OccurrenceRow,
    OccurrenceUnitRow,
    PlanRow,
    ProgressEventRow,
)
from planflow.units import UnitIndex
from planflow.workdays import WorkCalendar

BATCH_PLANS = 200
"""Plans read and evaluated together: about 20,000 occurrences for plans of 100."""

_ANY_ITEM = "*"


# --- what a plan's notices need, stored at sync ---------------------------------------------


def notice_context(plan: Plan, directory: UnitDirectory) -> dict[str, Any]:
    """The JSON stored with a plan: its ladders (its own, per task or report, or the
    default), its units' names and addresses (a group without addresses reaches its
    members'), heads or escalation contacts, signer, standing unit and calendar."""
    by_id = {u.id: u for u in directory.units}

    def emails(unit_id: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        unit = by_id[unit_id]
        if unit.emails or not unit.members:
            return tuple(unit.emails)
        found = (e for m in unit.members if m not in seen for e in emails(m, seen | {unit_id}))
        return tuple(dict.fromkeys(found))

    heads = {}
    for unit in directory.units:
        contact = unit.escalation or unit.head
        if contact is not None and contact.email:
            title = f"{contact.title} " if contact.title else ""
            heads[unit.id] = [f"{title}{contact.name}", contact.email]
    ladders = {_ANY_ITEM: (plan.escalation or DEFAULT_POLICY).model_dump(mode="json")}
    items: list[Task | ReportObligation] = [*plan.tasks, *plan.reports]
    for item in items:
        if item.escalation is not None:
            ladders.setdefault(item.id, item.escalation.model_dump(mode="json"))
    return {
        "directory": directory.id,
        "standing": UnitIndex(directory).resolve(plan.standing_unit).id,
        "units": {u.id: [u.name, list(emails(u.id))] for u in directory.units},
        "heads": heads,
        "signer": [f"{plan.signer.title.capitalize()} {plan.signer.name}", plan.signer.email],
        "ladders": ladders,
        "days_off": [d.isoformat() for d in plan.days_off],
        "extra_working_days": [d.isoformat() for d in plan.extra_working_days],
        "digest": plan.digest,
    }


@lru_cache(maxsize=256)
def _policy(steps_json: str) -> EscalationPolicy:
    return EscalationPolicy.model_validate_json(steps_json)


@lru_cache(maxsize=64)
def _calendar(days_off: tuple[str, ...], working: tuple[str, ...]) -> WorkCalendar:
    """One calendar (and its memo of moved dates) per distinct set of plan exceptions."""
    return WorkCalendar(
        frozenset(dt.date.fromisoformat(d) for d in days_off),
        frozenset(dt.date.fromisoformat(d) for d in working),
    )


class _Ladders(dict[str, EscalationPolicy]):
    """Item id → ladder; an item without its own gets the plan's (or the default)."""

    def __missing__(self, item_id: str) -> EscalationPolicy:
        return self[_ANY_ITEM]


@dataclass(frozen=True)
class PlanContext:
    """A stored ``notice_context``, read back."""

    plan_id: str
    title: str
    directory: str
    standing: str
    unit_names: dict[str, str]
    digest: bool
    calendar: WorkCalendar
    policies: Mapping[str, EscalationPolicy]
    resolve: Resolver

    @property
    def standing_name(self) -> str:
        return self.unit_names[self.standing]

    @classmethod
    def read(cls, plan_id: str, title: str, data: Mapping[str, Any]) -> PlanContext:
        units = {u: (name, tuple(emails)) for u, (name, emails) in data["units"].items()}
        heads = {
            u: Addressee(f"head:{data['directory']}/{u}", name, (email,))
            for u, (name, email) in data["heads"].items()
        }
        signer_name, signer_email = data["signer"]
        signer = Addressee(f"signer:{plan_id}", signer_name, (signer_email,) if signer_email else ())
        ladders = _Ladders(
            {item: _policy(json.dumps(steps, sort_keys=True)) for item, steps in data["ladders"].items()}
        )
        return cls(
            plan_id=plan_id,
            title=title,
            directory=data["directory"],
            standing=data["standing"],
            unit_names={u: name for u, (name, _) in units.items()},
            digest=data["digest"],
            calendar=_calendar(tuple(data["days_off"]), tuple(data["extra_working_days"])),
            policies=ladders,
            resolve=addressees_for_plan(signer, data["directory"], units, heads, data["standing"]),
        )


# --- reading a batch of plans --------------------------------------------------------------------


@dataclass(frozen=True)
class StoredPlan:
    id: str
    title: str
    timezone: str
    upcoming_days: int
    notice_context: dict[str, Any] | None


@dataclass(frozen=True)
class PlanEvaluation:
    """Every live occurrence of one plan, evaluated at an as-of time."""

    plan: StoredPlan
    as_of: AsOf
    items: list[OccurrenceStatus]


def not_synced(plan_id: str) -> NotFoundError:
    return NotFoundError(f"kế hoạch '{plan_id}' chưa có trong cơ sở dữ liệu; chạy 'planflow sync' trước")


def _stored_plans(session: Session, plan_ids: Sequence[str]) -> list[StoredPlan]:
    columns = (PlanRow.id, PlanRow.title, PlanRow.timezone, PlanRow.upcoming_days, PlanRow.notice_context)
    found = {r.id: StoredPlan(*r) for r in session.execute(select(*columns).where(PlanRow.id.in_(plan_ids)))}
    missing = [p for p in plan_ids if p not in found]
    if missing:
        raise not_synced(missing[0])
    return [found[p] for p in plan_ids]


def _facts(row: Any, units: Mapping[str, Mapping[str, list[str]]]) -> OccurrenceFacts:
    roles = units.get(row.key, {})
    return OccurrenceFacts(
        key=row.key,
        plan_id=row.plan_id,
        item_id=row.item_id,
        kind=row.kind,
        timing=row.timing,
        title=row.title,
        label=row.label,
        period=row.period,
        start=row.start,
        due=row.due,
        lead=tuple(roles.get("lead", ())),
        support=tuple(roles.get("support", ())),
        targets=tuple(row.targets or ()),
        when_text=row.when_text,
    )


def _occurrence_units(session: Session, plan_ids: Sequence[str]) -> dict[str, dict[str, list[str]]]:
    rows = session.execute(
        select(OccurrenceUnitRow.occurrence_key, OccurrenceUnitRow.role, OccurrenceUnitRow.unit_id)
        .join(OccurrenceRow, OccurrenceRow.key == OccurrenceUnitRow.occurrence_key)
        .where(OccurrenceRow.plan_id.in_(plan_ids), OccurrenceRow.archived_at.is_(None))
        .order_by(OccurrenceUnitRow.occurrence_key, OccurrenceUnitRow.role, OccurrenceUnitRow.unit_id)
    )
    out: dict[str, dict[str, list[str]]] = {}
    for key, role, unit in rows:
        out.setdefault(key, {"lead": [], "support": []})[role].append(unit)
    return out


def _dependencies(session: Session, plan_ids: Sequence[str]) -> dict[str, list[str]]:
    rows = session.execute(
        select(DependencyRow.occurrence_key, DependencyRow.depends_on_key)
        .join(OccurrenceRow, OccurrenceRow.key == DependencyRow.occurrence_key)
        .where(OccurrenceRow.plan_id.in_(plan_ids))
        .order_by(DependencyRow.occurrence_key, DependencyRow.depends_on_key)
    )
    out: dict[str, list[str]] = {}
    for key, dep in rows:
        out.setdefault(key, []).append(dep)
    return out


def _progress_rows(session: Session, plan_ids: Sequence[str], until: dt.datetime) -> Iterable[Row[Any]]:
    """The events of these plans up to ``until``, in the order they happened."""
    return session.execute(
        select(
            ProgressEventRow.occurrence_key, ProgressEventRow.status, ProgressEventRow.percent,
            ProgressEventRow.values, ProgressEventRow.note, ProgressEventRow.by_unit,
            ProgressEventRow.effective_at,
        )
        .where(ProgressEventRow.plan_id.in_(plan_ids), ProgressEventRow.effective_at <= until)
        .order_by(ProgressEventRow.effective_at, ProgressEventRow.id)
    )  # fmt: skip


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def evaluate_plans(
    session: Session, plan_ids: Sequence[str], as_of: dt.date | dt.datetime, *, batch: int = BATCH_PLANS
) -> Iterator[PlanEvaluation]:
    """Each plan's occurrences evaluated at ``as_of``, in the order of ``plan_ids``,
    reading ``batch`` plans at a time (a handful of queries per batch)."""
    for ids in _batches(list(plan_ids), batch):
        yield from _evaluate_batch(session, ids, as_of)


def _evaluate_batch(
    session: Session, ids: Sequence[str], as_of: dt.date | dt.datetime
) -> Iterator[PlanEvaluation]:
    plans = _stored_plans(session, ids)
    moments = {p.id: resolve_as_of(as_of, p.timezone) for p in plans}
    units = _occurrence_units(session, ids)
    deps = _dependencies(session, ids)
    progress = {}
    for instant in sorted({m.instant for m in moments.values()}):
        same = [p for p in ids if moments[p].instant == instant]
        progress.update(fold_progress(_progress_rows(session, same, instant)))
    by_plan: dict[str, list[OccurrenceFacts]] = {p: [] for p in ids}
    occurrences = session.execute(
        select(
            OccurrenceRow.key, OccurrenceRow.plan_id, OccurrenceRow.item_id, OccurrenceRow.kind,
            OccurrenceRow.timing, OccurrenceRow.title, OccurrenceRow.label, OccurrenceRow.period,
            OccurrenceRow.start, OccurrenceRow.due, OccurrenceRow.targets, OccurrenceRow.when_text,
        )
        .where(OccurrenceRow.plan_id.in_(ids), OccurrenceRow.archived_at.is_(None))
        .order_by(OccurrenceRow.plan_id, OccurrenceRow.position)
    )  # fmt: skip
    for row in occurrences:
        by_plan[row.plan_id].append(_facts(row, units))
    for plan in plans:
        items = evaluate(by_plan[plan.id], deps, progress, moments[plan.id], timezone=plan.timezone,
                         upcoming_days=plan.upcoming_days)  # fmt: skip
        yield PlanEvaluation(plan, moments[plan.id], items)


# --- the check --------------------------------------------------------------------------------------

ATTENTION = (Status.OVERDUE, Status.BLOCKED)


@dataclass(frozen=True)
class PlanCheck:
    """One plan at the as-of time: counts per status, what needs attention (overdue,
    blocked) and the ladder notices due and not recorded yet."""

    context: PlanContext
    as_of: AsOf
    summary: dict[str, int]
    attention: list[OccurrenceStatus]
    notices: list[Notice]

    @property
    def plan_id(self) -> str:
        return self.context.plan_id


def _recorded(session: Session, plan_ids: Sequence[str]) -> set[tuple[str, str, str]]:
    rows = session.execute(
        select(NoticeRow.occurrence_key, NoticeRow.step, NoticeRow.recipient).where(
            NoticeRow.plan_id.in_(plan_ids)
        )
    )
    return {(k, s, r) for k, s, r in rows}


def check_plans(
    session: Session, plan_ids: Sequence[str], as_of: dt.date | dt.datetime, *, batch: int = BATCH_PLANS
) -> Iterator[PlanCheck]:
    """Statuses and due notices of each plan, one plan at a time (memory: one batch)."""
    for ids in _batches(list(plan_ids), batch):
        recorded = _recorded(session, ids)
        for evaluation in _evaluate_batch(session, ids, as_of):
            plan = evaluation.plan
            if plan.notice_context is None:
                raise NotFoundError(
                    f"kế hoạch '{plan.id}' được đồng bộ bởi phiên bản cũ; chạy 'planflow sync' để cập nhật"
                )
            context = PlanContext.read(plan.id, plan.title, plan.notice_context)
            notices = due_notices(
                evaluation.items, context.policies, context.resolve, evaluation.as_of.day, context.calendar,
                recorded,
            )  # fmt: skip
            attention = [i for i in evaluation.items if i.status in ATTENTION]
            yield PlanCheck(context, evaluation.as_of, summarize(evaluation.items), attention, notices)
