"""Reports against the store: which report occurrences exist and where they stand, the
context of one report at an as-of time, its stored versions, and marking it sent.

Versions: every assembly renders the report and compares the content digest with the
latest stored version; only a change (new progress, a received input) adds a version.
``(occurrence, version)`` is unique, so two assemblers racing write one version between
them. Marking a report sent makes its latest version final and records a ``done``
progress event on the report occurrence, which takes it off the escalation ladder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from planflow import vnformat as vn
from planflow.check.monitor import classify
from planflow.check.plans import plan_status
from planflow.compiler import calendar_for
from planflow.errors import NotFoundError, PlanflowError
from planflow.loader import Definitions
from planflow.reports.content import Inputs, build_context, child_line
from planflow.reports.cycle import (
    ReportState,
    ReportWindow,
    report_state,
    report_window,
    worst_input,
)
from planflow.reports.model import ChildLine, ReportContext
from planflow.schema import Plan, ReportObligation
from planflow.status import OccurrenceStatus, Status, resolve_as_of
from planflow.store import repo
from planflow.store.models import ReportFileRow, ReportVersionRow
from planflow.store.reports import add_files, add_version_once, latest_version, version_numbers
from planflow.units import UnitIndex


@dataclass(frozen=True)
class ReportDuty:
    """One report occurrence at an as-of time."""

    plan: Plan
    report: ReportObligation
    item: OccurrenceStatus
    window: ReportWindow
    state: ReportState
    latest_version: int | None
    final_version: int | None
    inputs_total: int = 0
    inputs_received: int = 0
    inputs_state: Status | None = None

    @property
    def key(self) -> str:
        return self.item.facts.key

    @property
    def period(self) -> str | None:
        return self.item.facts.period

    @property
    def assembling(self) -> bool:
        """Whether a draft is due: its window has opened and it is not sent (an overdue
        report keeps being assembled until it is)."""
        return self.state in (ReportState.ASSEMBLING, ReportState.OVERDUE)

    def as_json(self) -> dict[str, Any]:
        """The stable ``--json`` form (documented in the README)."""
        w = self.window
        return {
            "key": self.key,
            "plan": self.plan.id,
            "report": self.report.id,
            "title": self.report.title,
            "kind": self.report.kind.value,
            "period": self.period,
            "cycle": vn.cycle_label(self.period, self.item.facts.timing),
            "data_from": w.data_from.isoformat(),
            "data_to": w.data_to.isoformat(),
            "assemble_from": w.assemble_from.isoformat() if w.assemble_from else None,
            "due": w.due.isoformat() if w.due else None,
            "state": self.state.value,
            "state_label": self.state.label,
            "inputs_total": self.inputs_total,
            "inputs_received": self.inputs_received,
            "inputs_state": self.inputs_state.value if self.inputs_state else None,
            "inputs_state_label": self.inputs_state.label if self.inputs_state else None,
            "latest_version": self.latest_version,
            "final_version": self.final_version,
        }


def _versions(keys: Sequence[str], *, session: Session) -> dict[str, tuple[int | None, int | None]]:
    """(latest version, final version) per report occurrence key."""
    if not keys:
        return {}
    out: dict[str, tuple[int | None, int | None]] = {}
    for key, version, final in version_numbers(keys, session=session):
        latest, final_v = out.get(key, (None, None))
        latest = max(latest or 0, version)
        if final:
            final_v = max(final_v or 0, version)
        out[key] = (latest, final_v)
    return out


def report_duties(
    defs: Definitions, plan_ids: Sequence[str], as_of: dt.date | dt.datetime, *, session: Session
) -> list[ReportDuty]:
    """Every report occurrence of the plans, with its window and state at ``as_of``."""
    duties: list[ReportDuty] = []
    for plan_id in plan_ids:
        plan = defs.plan(plan_id)
        reports = {r.id: r for r in plan.reports}
        if not reports:
            continue
        status = plan_status(plan_id, as_of, session=session)
        cal = calendar_for(plan)
        items = [s for s in status.items if s.facts.kind == "report"]
        versions = _versions([s.key for s in items], session=session)
        for item in items:
            report = reports[item.facts.item_id]
            window = report_window(plan, report, item.facts.period, item.facts.due, cal)
            latest, final = versions.get(item.key, (None, None))
            state = report_state(item, window, status.as_of.day)
            prefix = item.key + "/"
            inputs = [s for s in status.items if s.facts.kind == "report_input" and s.key.startswith(prefix)]
            received = sum(1 for s in inputs if s.status.is_done)
            duties.append(ReportDuty(plan, report, item, window, state, latest, final, len(inputs), received,
                                     worst_input(inputs)))  # fmt: skip
    return sorted(duties, key=lambda d: (d.window.due or dt.date.max, d.plan.id, d.key))


def find_duty(
    defs: Definitions,
    plan_id: str,
    report_id: str,
    period: str | None,
    as_of: dt.date | dt.datetime,
    *,
    session: Session,
) -> ReportDuty:
    """One report occurrence, by plan, report id and period (optional when there is one)."""
    plan = defs.plan(plan_id)
    if report_id not in {r.id for r in plan.reports}:
        known = ", ".join(r.id for r in plan.reports) or "(kế hoạch không có báo cáo)"
        raise NotFoundError(f"kế hoạch '{plan_id}' không có báo cáo '{report_id}'; có: {known}")
    duties = [d for d in report_duties(defs, [plan_id], as_of, session=session) if d.report.id == report_id]
    if period is not None:
        chosen = [d for d in duties if (d.period or "once") == period]
        if not chosen:
            periods = ", ".join(d.period or "once" for d in duties)
            raise NotFoundError(f"báo cáo '{report_id}' không có kỳ '{period}'; các kỳ: {periods}")
        return chosen[0]
    if len(duties) != 1:
        periods = ", ".join(d.period or "once" for d in duties)
        raise PlanflowError(f"báo cáo '{report_id}' có nhiều kỳ ({periods}); chọn một bằng --period")
    return duties[0]


def with_children(defs: Definitions, plan_id: str) -> list[str]:
    """A plan and the plans naming it as their parent: what its reports read."""
    return [plan_id, *sorted(i for i in defs.plans if defs.plan(i).parent_plan == plan_id)]


def split_report_ref(ref: str) -> tuple[str, str]:
    """``PLAN/REPORT`` → (plan, report)."""
    plan_id, sep, report_id = ref.partition("/")
    if not sep or not plan_id or not report_id:
        raise PlanflowError(f"'{ref}' không đúng dạng KẾ_HOẠCH/BÁO_CÁO, ví dụ loc-tan-2026/bao-cao-dinh-ky")
    return plan_id, report_id


def report_context(
    defs: Definitions,
    duty: ReportDuty,
    as_of: dt.date | dt.datetime,
    *,
    session: Session,
    unit: str | None = None,
) -> ReportContext:
    """The content of one report at ``as_of``: statuses at the data cut-off (the end of
    ``data_to``, or ``as_of`` if earlier), inputs and child plans as they stand at ``as_of``.
    With ``unit``: that unit's own input to the report, as its document."""
    plan = duty.plan
    moment = resolve_as_of(as_of, plan.timezone)
    cutoff = resolve_as_of(duty.window.data_to, plan.timezone)
    at = min(moment.instant, cutoff.instant)
    at_cutoff = plan_status(plan.id, at, session=session).items
    now_items = {s.key: s for s in plan_status(plan.id, moment.instant, session=session).items}
    # Inputs are counted when they arrive, up to the as-of time (they come after the cut-off).
    items = [now_items.get(s.key, s) if s.facts.kind == "report_input" else s for s in at_cutoff]
    item = now_items[duty.key]
    evidence: dict[str, list[str]] = {}
    for event in repo.progress_events(plan.id, session=session, until=at):
        if event.evidence:
            evidence.setdefault(event.occurrence_key, []).append(event.evidence)
    extra = Inputs(evidence=evidence, children=_children(defs, plan, duty, moment.instant, session=session))
    return build_context(
        plan, defs.directory_for(plan), duty.report, item, items, duty.window, moment.day, extra, unit
    )


def _children(
    defs: Definitions, parent: Plan, duty: ReportDuty, at: dt.datetime, *, session: Session
) -> list[ChildLine]:
    """Roll-up: each plan naming ``parent`` as its parent, with the report it owes for this
    period (its report occurrence due within the parent's data window, the latest one)."""
    lines: list[ChildLine] = []
    children = [defs.plan(i) for i in with_children(defs, parent.id)[1:]]
    if not children:  # most plans: no need to list the stored ones
        return lines
    known = set(repo.plan_ids(session=session))
    day = resolve_as_of(at, parent.timezone).day
    first = duty.window.data_from
    last = duty.window.due or duty.window.data_to
    for child in children:
        if child.id not in known:
            lines.append(child_line(child, [], None, None, duty.window.data_to, classify([], day)[5].label))
            continue
        items = plan_status(child.id, at, session=session).items
        owed = [
            s
            for s in items
            if s.facts.kind == "report" and s.facts.due is not None and first <= s.facts.due <= last
        ]
        owed.sort(key=lambda s: s.facts.due or dt.date.min)
        chosen = owed[-1] if owed else None
        version = None
        if chosen is not None:
            version = _versions([chosen.key], session=session).get(chosen.key, (None, None))[1]
        colour = classify(items, day)[5].label
        lines.append(child_line(child, items, chosen, version, duty.window.data_to, colour))
    return lines


# --- versions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedFile:
    format: str
    filename: str
    media_type: str
    content: bytes


def save_version(
    duty: ReportDuty,
    context: ReportContext,
    files: Sequence[RenderedFile],
    *,
    as_of: dt.datetime,
    session: Session,
    now: dt.datetime,
) -> tuple[ReportVersionRow, bool]:
    """Store a new version unless the latest has the same content; (row, created)."""
    digest = context.digest()
    latest = latest_version(duty.key, session=session)
    if latest is not None and latest.content_digest == digest:
        return latest, False
    number = (latest.version if latest else 0) + 1
    row = ReportVersionRow(
        occurrence_key=duty.key,
        plan_id=duty.plan.id,
        version=number,
        content_digest=digest,
        as_of=as_of,
        final=False,
        created_at=now,
    )
    if not add_version_once(row, session=session):
        # Another assembler wrote this version number first; its row is the latest.
        winner = latest_version(duty.key, session=session)
        if winner is None:  # pragma: no cover - the conflict means a row exists
            raise PlanflowError(f"báo cáo '{duty.key}': bản {number} vừa ghi xung đột nhưng không tìm thấy")
        return winner, False
    rows = [ReportFileRow(version_id=row.id, format=f.format, filename=f.filename, media_type=f.media_type,
                          content=f.content) for f in files]  # fmt: skip
    add_files(rows, session=session)
    return row, True


def mark_sent(
    defs: Definitions,
    duty: ReportDuty,
    version: ReportVersionRow,
    *,
    at: dt.datetime,
    session: Session,
    now: dt.datetime,
    note: str | None = None,
) -> ReportVersionRow:
    """Make ``version`` final and record the report occurrence done (sent) at ``at``."""
    if duty.state in (ReportState.SENT, ReportState.SENT_LATE) and duty.final_version is not None:
        raise PlanflowError(f"báo cáo '{duty.key}' đã gửi (bản {duty.final_version}); không gửi lại")
    compiler = UnitIndex(defs.directory_for(duty.plan)).resolve(duty.report.compiler).id
    version.final = True
    version.sent_at = at
    version.sent_by = compiler
    repo.add_progress_event(
        session=session,
        occurrence_key=duty.key,
        plan_id=duty.plan.id,
        status="done",
        percent=100,
        note=note or f"Đã gửi báo cáo (bản {version.version})",
        evidence=f"report-version:{version.id}",
        by_unit=compiler,
        effective_at=at,
        recorded_at=now,
    )
    return version


def recipients_of(defs: Definitions, duty: ReportDuty) -> list[tuple[str, list[str]]]:
    """(name, addresses) of each recipient of a report; a unit's addresses come from the
    directory, an outside body's from the definition."""
    directory = defs.directory_for(duty.plan)
    index = UnitIndex(directory)
    out: list[tuple[str, list[str]]] = []
    for r in duty.report.recipients:
        if r.unit is not None:
            unit = index.resolve(r.unit)
            out.append((unit.name, list(r.emails) or list(unit.emails)))
        else:
            out.append((r.name or "", list(r.emails)))
    return out


def compiler_of(defs: Definitions, duty: ReportDuty) -> tuple[str, list[str]]:
    """(name, addresses) of the unit that compiles a report: its own addresses, else its
    head's or escalation contact's."""
    unit = UnitIndex(defs.directory_for(duty.plan)).resolve(duty.report.compiler)
    emails = list(unit.emails)
    for contact in (unit.head, unit.escalation):
        if not emails and contact is not None and contact.email:
            emails.append(contact.email)
    return unit.name, emails
