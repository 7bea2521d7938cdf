"""Use cases shared by the CLI and the Prefect flows: sync definitions, read statuses,
record progress. Each function takes an open session; the caller commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from planflow.compiler import CompiledPlan, calendar_for, compile_plan
from planflow.errors import NotFoundError, ProgressError
from planflow.escalation import (
    Addressee,
    Notice,
    Resolver,
    addressees_for_plan,
    due_notices,
    policy_for,
    step_id,
    step_label,
)
from planflow.loader import Definitions
from planflow.numbers import parse_vn_number
from planflow.reports import SPENT_KEY
from planflow.schema import Plan, UnitDirectory
from planflow.status import (
    AsOf,
    OccurrenceFacts,
    OccurrenceStatus,
    ProgressStatus,
    evaluate,
    fold_progress,
    resolve_as_of,
)
from planflow.store import repo
from planflow.store.models import OccurrenceRow, PlanRow, ProgressEventRow
from planflow.units import UnitIndex


def compile_definition(defs: Definitions, plan_id: str) -> CompiledPlan:
    plan = defs.plan(plan_id)
    return compile_plan(plan, UnitIndex(defs.directory_for(plan)))


def sync_definitions(
    defs: Definitions, plan_ids: Sequence[str] | None, *, session: Session, now: dt.datetime
) -> list[repo.SyncResult]:
    """Compile and store the given plans and their unit directories. With ``plan_ids``
    None, every plan of the folder, and stored plans no longer defined there are archived."""
    results = []
    if plan_ids is None:
        repo.archive_plans_except(set(defs.plans), session=session, now=now)
    for plan_id in plan_ids or sorted(defs.plans):
        compiled = compile_definition(defs, plan_id)
        repo.sync_units(defs.directory_for(compiled.plan), session=session)
        results.append(repo.sync_plan(compiled, session=session, now=now))
    return results


@dataclass(frozen=True)
class PlanStatus:
    plan: PlanRow
    as_of: AsOf
    items: list[OccurrenceStatus]


def _facts(row: OccurrenceRow, units: dict[str, list[str]]) -> OccurrenceFacts:
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
        lead=tuple(units.get("lead", ())),
        support=tuple(units.get("support", ())),
        targets=tuple(row.targets or ()),
        when_text=row.when_text,
    )


def plan_status(plan_id: str, as_of: dt.date | dt.datetime, *, session: Session) -> PlanStatus:
    """Status of every live occurrence of a stored plan at ``as_of``."""
    plan = repo.plan_row(plan_id, session=session)
    moment = resolve_as_of(as_of, plan.timezone)
    units = repo.occurrence_units(plan_id, session=session)
    facts = [_facts(r, units.get(r.key, {})) for r in repo.live_occurrences(plan_id, session=session)]
    progress = fold_progress(repo.progress_events(plan_id, session=session, until=moment.instant))
    items = evaluate(
        facts,
        repo.dependencies(plan_id, session=session),
        progress,
        moment,
        timezone=plan.timezone,
        upcoming_days=plan.upcoming_days,
    )
    return PlanStatus(plan, moment, items)


# --- progress ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressRequest:
    plan_id: str
    item_id: str
    status: ProgressStatus
    period: str | None = None
    percent: int | None = None
    values: tuple[str, ...] = ()
    note: str | None = None
    evidence: str | None = None
    by: str | None = None
    at: dt.datetime | None = None
    occurrence_key: str | None = None  # names the occurrence exactly (web form, spreadsheet row)


def record_progress(
    request: ProgressRequest, defs: Definitions, *, session: Session, now: dt.datetime
) -> ProgressEventRow:
    """Append a progress event to the occurrence the request names, after checking it."""
    plan = defs.plan(request.plan_id)
    units = UnitIndex(defs.directory_for(plan))
    by_unit = units.resolve(request.by).id if request.by else None
    occurrence = _target_occurrence(request, by_unit, session=session)
    owners = repo.occurrence_units(request.plan_id, session=session).get(occurrence.key, {})
    standing = units.resolve(plan.standing_unit).id
    allowed = {*owners.get("lead", ()), *owners.get("support", ()), standing}
    if by_unit is not None and by_unit not in allowed:
        raise ProgressError(
            f"đơn vị '{by_unit}' không chủ trì hay phối hợp '{occurrence.key}' và không phải "
            f"cơ quan thường trực; các đơn vị được ghi: {', '.join(sorted(allowed))}"
        )
    if request.percent is not None and not 0 <= request.percent <= 100:
        raise ProgressError(f"--percent {request.percent} phải từ 0 đến 100")
    return repo.add_progress_event(
        session=session,
        occurrence_key=occurrence.key,
        plan_id=request.plan_id,
        status=request.status.value,
        effective_at=request.at or now,
        recorded_at=now,
        percent=request.percent,
        values=_measured(request.values, occurrence),
        note=request.note,
        evidence=request.evidence,
        by_unit=by_unit,
    )


def _target_occurrence(request: ProgressRequest, by_unit: str | None, *, session: Session) -> OccurrenceRow:
    rows = [
        r for r in repo.live_occurrences(request.plan_id, session=session) if r.item_id == request.item_id
    ]
    if request.occurrence_key is not None:
        exact = [r for r in rows if r.key == request.occurrence_key]
        if not exact:
            raise NotFoundError(f"kế hoạch '{request.plan_id}' không có mục '{request.occurrence_key}'")
        return exact[0]
    if not rows:
        raise NotFoundError(f"kế hoạch '{request.plan_id}' không có nhiệm vụ hay báo cáo '{request.item_id}'")
    # A unit reporting on a report it owes an input to records on its input.
    inputs = [r for r in rows if r.kind == "report_input" and r.key.endswith(f"/{by_unit}")]
    candidates = inputs or [r for r in rows if r.kind != "report_input"]
    if request.period is not None:
        candidates = [r for r in candidates if r.period == request.period]
        if not candidates:
            periods = sorted({r.period for r in rows if r.period})
            raise NotFoundError(
                f"'{request.item_id}' không có kỳ '{request.period}'; các kỳ: {', '.join(periods)}"
            )
    if len(candidates) > 1:
        listed = ", ".join(r.period or "-" for r in candidates)
        raise ProgressError(f"'{request.item_id}' có nhiều kỳ ({listed}); chọn một bằng --period")
    return candidates[0]


def _measured(pairs: Sequence[str], occurrence: OccurrenceRow) -> dict[str, Decimal]:
    targets = {t["key"]: t for t in occurrence.targets or ()}
    by_metric = {t["metric"].casefold(): t["key"] for t in occurrence.targets or ()}
    out: dict[str, Decimal] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep:
            raise ProgressError(f"--value '{pair}' phải có dạng chỉ_tiêu=giá_trị")
        key = name.strip() if name.strip() in targets else by_metric.get(name.strip().casefold())
        if key is None and name.strip().casefold() in SPENT_NAMES:
            key = SPENT_KEY  # money spent (million VND): the report's budget table
        if key is None:
            known = ", ".join([*sorted(targets), SPENT_KEY])
            raise ProgressError(f"chỉ tiêu '{name.strip()}' không có ở '{occurrence.key}'; có: {known}")
        out[key] = _number(raw, pair)
    return out


SPENT_NAMES = (SPENT_KEY, "kinh-phi", "kinh phí", "đã chi")


def _number(raw: str, pair: str) -> Decimal:
    try:
        return parse_vn_number(raw)
    except ValueError:
        raise ProgressError(f"--value '{pair}': '{raw}' không phải một số") from None


# --- notices -------------------------------------------------------------------------------


def _resolver(plan: Plan, directory: UnitDirectory) -> Resolver:
    """Addressees over a directory: a group without its own addresses reaches its members."""
    by_id = {u.id: u for u in directory.units}

    def emails(unit_id: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        unit = by_id[unit_id]
        if unit.emails or not unit.members:
            return tuple(unit.emails)
        found = (e for m in unit.members if m not in seen for e in emails(m, seen | {unit_id}))
        return tuple(dict.fromkeys(found))

    units = {u.id: (u.name, emails(u.id)) for u in directory.units}
    heads = {}
    for unit in directory.units:
        contact = unit.escalation or unit.head
        if contact is not None and contact.email:
            title = f"{contact.title} " if contact.title else ""
            heads[unit.id] = Addressee(f"head:{directory.id}/{unit.id}", f"{title}{contact.name}",
                                       (contact.email,))  # fmt: skip
    standing = UnitIndex(directory).resolve(plan.standing_unit).id
    return addressees_for_plan(plan, directory.id, units, heads, standing)


@dataclass(frozen=True)
class NoticePlan:
    """The notices due at an as-of time over some plans, and what rendering them needs."""

    as_of: dt.date
    notices: list[Notice]
    plan_titles: dict[str, str]
    unit_names: dict[str, str]
    standing_names: dict[str, str]
    digest_plans: frozenset[str]
    reports: list[PlanStatus]

    def notices_json(self) -> list[dict[str, object]]:
        """The stable ``--json`` form of the notices (documented in the README)."""
        return [
            {
                "occurrence": n.item.key,
                "plan": n.item.facts.plan_id,
                "title": n.item.facts.title,
                "due": n.item.facts.due.isoformat() if n.item.facts.due else None,
                "status": n.item.status.value,
                "days_overdue": n.item.days_overdue,
                "step": step_id(n.step),
                "step_label": step_label(n.step),
                "template": n.step.template,
                "fire_date": n.fire_date.isoformat(),
                "recipient": n.recipient.id,
                "recipient_name": n.recipient.name,
                "emails": list(n.recipient.emails),
                "cc": [c.id for c in n.cc],
            }
            for n in self.notices
        ]


def notices_due(
    defs: Definitions, plan_ids: Sequence[str], as_of: dt.date | dt.datetime, *, session: Session
) -> NoticePlan:
    """Statuses of the plans at ``as_of`` and the ladder notices not yet recorded."""
    recorded = repo.recorded_notices(plan_ids, session=session)
    notices: list[Notice] = []
    titles, names, standing, digest = {}, {}, {}, set()
    reports: list[PlanStatus] = []
    day = None
    for plan_id in plan_ids:
        plan = defs.plan(plan_id)
        directory = defs.directory_for(plan)
        report = plan_status(plan_id, as_of, session=session)
        reports.append(report)
        day = report.as_of.day
        titles[plan_id] = plan.title
        names.update({u.id: u.name for u in directory.units})
        standing[plan_id] = UnitIndex(directory).resolve(plan.standing_unit).name
        if plan.digest:
            digest.add(plan_id)
        policies = {t.id: policy_for(plan, t.id) for t in plan.tasks}
        policies.update({r.id: policy_for(plan, r.id) for r in plan.reports})
        notices += due_notices(
            report.items,
            policies,
            _resolver(plan, directory),
            report.as_of.day,
            calendar_for(plan),
            recorded,
        )
    as_of_day = day or (as_of.date() if isinstance(as_of, dt.datetime) else as_of)
    return NoticePlan(as_of_day, notices, titles, names, standing, frozenset(digest), reports)
