"""Use cases shared by the CLI and the Prefect flows: sync definitions, read statuses,
record progress. Each function takes an open session; the caller commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from planflow.batch import PlanCheck, PlanContext, PlanEvaluation, check_plans, evaluate_plans
from planflow.compiler import CompiledPlan, compile_plan
from planflow.errors import DefinitionError, NotFoundError, ProgressError
from planflow.escalation import Notice, step_label
from planflow.loader import Definitions
from planflow.numbers import parse_vn_number
from planflow.prepare import compile_source, default_workers, prepare_plans
from planflow.readiness import readiness
from planflow.reports import SPENT_KEY
from planflow.schema import Plan, UnitDirectory
from planflow.status import ProgressStatus
from planflow.store import repo
from planflow.store.bulk import NewRows
from planflow.store.db import lock_writers
from planflow.store.models import OccurrenceRow, ProgressEventRow
from planflow.units import UnitIndex


def compile_definition(defs: Definitions, plan_id: str) -> CompiledPlan:
    plan = defs.plan(plan_id)
    return compile_plan(plan, UnitIndex(defs.directory_for(plan)))


def sync_definitions(
    defs: Definitions,
    plan_ids: Sequence[str] | None,
    *,
    session: Session,
    now: dt.datetime,
    workers: int | None = None,
) -> list[repo.SyncResult]:
    """Compile and store the given plans and their unit directories. With ``plan_ids``
    None, every plan of the folder, and stored plans no longer defined there are archived.

    A stored plan whose sources are unchanged (``Definitions.source_digest``: its file, its
    unit directory, the code) is skipped: its file is not even parsed. Plans not stored
    yet (all of them, on a first sync) are prepared by ``workers`` processes (default: one
    per core when there are many, ``planflow.prepare``) and written many at once
    (``planflow.store.bulk``); a changed stored plan is updated row by row, keeping its
    progress."""
    if plan_ids is None:
        repo.archive_plans_except(set(defs.plans), session=session, now=now)
    ids = list(plan_ids or sorted(defs.plans))
    unchanged, changed, added = _classify(defs, ids, session=session)
    if changed or added:
        # Other commands may be storing the same plans right now (the first use of a plan by
        # several at once): wait for them, then look again at what is stored.
        lock_writers(session)
        unchanged, changed, added = _classify(defs, ids, session=session)
    stored_directories = repo.stored_directories(session=session)

    if defs.strict:
        _refuse_unready(defs, changed + added)
    new = NewRows(session)
    synced_directories: set[str] = set()

    def sync_directory(directory: UnitDirectory) -> None:
        if directory.id not in synced_directories:  # ten plans of a commune share one directory
            if directory.id in stored_directories:
                repo.sync_units(directory, session=session)
            else:
                new.add_directory(directory)
            synced_directories.add(directory.id)

    results: dict[str, repo.SyncResult] = {}
    for plan_id in changed:
        read = compile_source(defs, plan_id)
        sync_directory(read.directory)
        results[plan_id] = repo.sync_plan(
            read.compiled, session=session, now=now, digest=read.digest, notice_context=read.notice_context
        )
    count = default_workers(len(added)) if workers is None else workers
    for prepared in prepare_plans(defs, added, driver=new.encoder.driver, now=now, workers=count):
        sync_directory(defs.directories[prepared.directory_id])
        new.add(prepared.rows)
        results[prepared.plan_id] = repo.SyncResult(prepared.plan_id, prepared.occurrences, 0, 0, 0, 0)
    new.write()
    counts = repo.live_occurrence_counts(unchanged, session=session) if unchanged else {}
    for plan_id in unchanged:
        results[plan_id] = repo.SyncResult(plan_id, 0, 0, counts.get(plan_id, 0), 0, 0)
    return [results[p] for p in ids]


def _refuse_unready(defs: Definitions, plan_ids: list[str]) -> None:
    """A strict store takes no plan with review marks or unreachable people (new or changed
    ones: a plan already live passed this when it was synced)."""
    problems = [p for plan_id in plan_ids for p in readiness(defs, plan_id)]
    if problems:
        raise DefinitionError(list(dict.fromkeys(problems)))


def _classify(
    defs: Definitions, ids: list[str], *, session: Session
) -> tuple[list[str], list[str], list[str]]:
    """The plans whose stored rows are current, those to update, those not stored yet."""
    stored = repo.stored_sources(session=session)
    unchanged: list[str] = []
    changed: list[str] = []
    added: list[str] = []
    for plan_id in ids:
        if plan_id not in defs.plans:
            defs.plan(plan_id)  # says which plans there are
        source = stored.get(plan_id)
        if source is None:
            added.append(plan_id)
        elif source.live and source.digest == defs.source_digest(plan_id, source.units_directory):
            unchanged.append(plan_id)
        else:
            changed.append(plan_id)
    return unchanged, changed, added


PlanStatus = PlanEvaluation
"""Where one plan stands: the stored plan, the as-of time and every live occurrence."""


def plan_status(plan_id: str, as_of: dt.date | dt.datetime, *, session: Session) -> PlanStatus:
    """Status of every live occurrence of a stored plan at ``as_of``."""
    return next(evaluate_plans(session, [plan_id], as_of))


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
    recorded_by: str | None = None  # the board account that wrote it (None: signed link, command line)


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
        values=_measured(request.values, occurrence, plan),
        note=request.note,
        evidence=request.evidence,
        by_unit=by_unit,
        recorded_by=request.recorded_by,
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


def _measured(pairs: Sequence[str], occurrence: OccurrenceRow, plan: Plan) -> dict[str, Decimal]:
    """The measured values of ``--value`` pairs, by target key or metric name. A unit's input
    to a report may give a figure for any of the plan's targets (the report sums them)."""
    declared = occurrence.targets or ()
    if occurrence.kind == "report_input":
        every = [*plan.targets, *(t for task in plan.tasks for t in task.targets)]
        declared = [{"key": t.key, "metric": t.metric} for t in every]
    targets = {t["key"]: t for t in declared}
    by_metric = {t["metric"].casefold(): t["key"] for t in declared}
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


@dataclass(frozen=True)
class NoticePlan:
    """The notices due at an as-of time over some plans, and what rendering them needs."""

    as_of: dt.date
    notices: list[Notice]
    plan_titles: dict[str, str]
    standing_names: dict[str, str]
    digest_plans: frozenset[str]
    reports: list[PlanCheck]
    skipped: list[Notice] = field(default_factory=list)
    """Steps a catch-up passed over: recorded as skipped, never sent."""

    @property
    def contexts(self) -> dict[str, PlanContext]:
        return {check.plan_id: check.context for check in self.reports}

    def unit_names(self, notices: Sequence[Notice]) -> dict[str, str]:
        """The unit names of the directory the notices' plans use. Two communes may use
        the same unit id (``phong-vhxh``): names are never merged across directories, and
        one message (one recipient, hence one directory) never mixes them."""
        contexts = self.contexts
        directories = {contexts[n.item.facts.plan_id].directory for n in notices}
        if len(directories) != 1:
            raise ValueError(f"one message over several unit directories: {sorted(directories)}")
        return dict(contexts[notices[0].item.facts.plan_id].unit_names)

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
                "kind": n.kind,
                "step": n.step_key,
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
    defs: Definitions | None, plan_ids: Sequence[str], as_of: dt.date | dt.datetime, *, session: Session
) -> NoticePlan:
    """Statuses of the plans at ``as_of`` and the ladder notices not yet recorded.

    The plans must be synced (the check reads the store: see ``planflow.batch``); an id
    that is not a plan of ``defs`` is refused as before. Without ``defs`` (a chunk of a
    check) an id not in the store is refused by ``planflow.batch``."""
    if defs is not None:
        for plan_id in plan_ids:
            defs.plan(plan_id)
    notices: list[Notice] = []
    skipped: list[Notice] = []
    titles, standing, digest = {}, {}, set()
    checks: list[PlanCheck] = []
    day = None
    for check in check_plans(session, plan_ids, as_of):
        context = check.context
        checks.append(check)
        day = check.as_of.day
        titles[check.plan_id] = context.title
        standing[check.plan_id] = context.standing_name
        if context.digest:
            digest.add(check.plan_id)
        notices += (n for n in check.notices if not n.skipped)
        skipped += (n for n in check.notices if n.skipped)
    as_of_day = day or (as_of.date() if isinstance(as_of, dt.datetime) else as_of)
    return NoticePlan(as_of_day, notices, titles, standing, frozenset(digest), checks, skipped)
