"""Record progress: find the occurrence a request names, check it and append a progress
event. The caller commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from planflow.errors import NotFoundError, ProgressError
from planflow.loader import Definitions
from planflow.numbers import parse_vn_number
from planflow.reports.cycle import SPENT_KEY
from planflow.schema import Plan
from planflow.status import ProgressStatus
from planflow.store import repo
from planflow.store.models import OccurrenceRow, ProgressEventRow
from planflow.units import UnitIndex


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
            if not periods:
                once = f"'{request.item_id}' chỉ thực hiện một lần, không chia kỳ"
                raise NotFoundError(f"{once}; bỏ --period '{request.period}'")
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
