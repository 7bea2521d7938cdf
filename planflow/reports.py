"""Mandatory reports: their cycle, windows and state, and the context a report is rendered
from. Pure functions of the definitions, the statuses at the data cut-off and what the
store knows of the report's versions; rendering lives in ``planflow.notifications.reports``.

A report occurrence (compiled from a ``reports:`` entry) has:

- a **data window** (``data_from``–``data_to``): the days its figures cover — Decree
  09/2019 Art. 12 by default, the calendar period (``cutoff: calendar``) or the plan from
  its start to the due date (``cutoff: plan``, and any one-off report);
- an **assembly day**: ``draft_lead_days`` working days before the due date, from which a
  draft is assembled every day until the report is marked final;
- a **state**: scheduled, assembling, overdue (not sent after its due day), sent (on time
  or late), or on request (ad hoc, no date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from planflow.periods import Period, data_window, period_containing
from planflow.schema import Plan, ReportObligation, UnitDirectory
from planflow.status import OccurrenceStatus, Status
from planflow.units import UnitIndex
from planflow.when import Cadence
from planflow.workdays import WorkCalendar

SPENT_KEY = "spent"
"""The progress value that records money spent on an occurrence (million VND)."""

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


class ReportState(StrEnum):
    SCHEDULED = "scheduled"
    ASSEMBLING = "assembling"
    OVERDUE = "overdue"
    SENT = "sent"
    SENT_LATE = "sent_late"
    ON_REQUEST = "on_request"

    @property
    def label(self) -> str:
        return REPORT_STATE_LABELS[self]


REPORT_STATE_LABELS = {
    ReportState.SCHEDULED: "Chưa đến kỳ lập",
    ReportState.ASSEMBLING: "Đang lập dự thảo",
    ReportState.OVERDUE: "Quá hạn, chưa gửi",
    ReportState.SENT: "Đã gửi đúng hạn",
    ReportState.SENT_LATE: "Đã gửi trễ hạn",
    ReportState.ON_REQUEST: "Khi có yêu cầu",
}

_LABEL = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$")


def period_of(label: str | None) -> Period | None:
    """The calendar period named by an occurrence's period label (``2026-Q1``, ``2026-03``,
    ``2026-H1``, ``2026``); None for one-off items."""
    if label is None:
        return None
    match = _LABEL.match(label)
    if match is None:
        return None
    year = int(match["year"])
    if match["month"]:
        return period_containing(dt.date(year, int(match["month"]), 1), Cadence.MONTH)
    if match["quarter"]:
        return period_containing(dt.date(year, 3 * int(match["quarter"]) - 2, 1), Cadence.QUARTER)
    if match["half"]:
        return period_containing(dt.date(year, 6 * int(match["half"]) - 5, 1), Cadence.HALF)
    return period_containing(dt.date(year, 1, 1), Cadence.YEAR)


def cycle_label(label: str | None, timing: str = "due") -> str:
    """The period in words: ``Quý I/2026``, ``6 tháng đầu năm 2026``, ``Tháng 3/2026``."""
    if label is None:
        return "Khi có yêu cầu" if timing == "event" else "Một lần"
    period = period_of(label)
    if period is None:
        return label
    words = _period_phrase(label)
    if period.cadence in (Cadence.MONTH, Cadence.QUARTER):
        words = words.replace(" năm ", "/")
    return words[:1].upper() + words[1:]


def _period_phrase(label: str | None) -> str:
    """The period as it ends a summary line: ``quý I năm 2026``, ``6 tháng đầu năm 2026``."""
    period = period_of(label)
    if period is None:
        return ""
    year = period.start.year
    if period.cadence is Cadence.MONTH:
        return f"tháng {period.start.month} năm {year}"
    if period.cadence is Cadence.QUARTER:
        return f"quý {ROMAN[(period.start.month - 1) // 3]} năm {year}"
    if period.cadence is Cadence.HALF:
        return f"6 tháng {'đầu' if period.start.month == 1 else 'cuối'} năm {year}"
    return f"năm {year}"


@dataclass(frozen=True)
class ReportWindow:
    """When a report occurrence is assembled and what data it covers."""

    data_from: dt.date
    data_to: dt.date
    assemble_from: dt.date | None
    due: dt.date | None


def report_window(
    plan: Plan, report: ReportObligation, period_label: str | None, due: dt.date | None, cal: WorkCalendar
) -> ReportWindow:
    period = period_of(period_label)
    end_of_data = due or plan.period.end
    if period is None or report.cutoff == "plan":
        data = (plan.period.start, min(end_of_data, plan.period.end) if due else plan.period.end)
    else:
        data = data_window(period, report.cutoff)
    assemble = cal.add_working_days(due, -report.draft_lead_days) if due else None
    return ReportWindow(data[0], data[1], assemble, due)


def report_state(item: OccurrenceStatus, window: ReportWindow, today: dt.date) -> ReportState:
    """Where a report occurrence stands; sent means its occurrence was marked done."""
    if item.status is Status.DONE_ON_TIME:
        return ReportState.SENT
    if item.status is Status.DONE_LATE:
        return ReportState.SENT_LATE
    if window.due is None:
        return ReportState.ON_REQUEST
    if today > window.due:
        return ReportState.OVERDUE
    if window.assemble_from is not None and today >= window.assemble_from:
        return ReportState.ASSEMBLING
    return ReportState.SCHEDULED


# --- the context a report is rendered from ----------------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    key: str
    label: str | None
    title: str
    period: str | None
    lead: list[str]
    support: list[str]
    start: str | None
    due: str | None
    status: str
    status_label: str
    percent: int | None
    days_overdue: int | None
    done_at: str | None
    note: str | None
    evidence: list[str]
    blocked_by: list[str]


@dataclass(frozen=True)
class Section:
    title: str
    tasks: list[TaskLine]


@dataclass(frozen=True)
class TargetLine:
    task: str
    metric: str
    comparator: str
    required: str
    unit: str | None
    measured: str | None
    met: bool | None

    @property
    def verdict(self) -> str:
        return {True: "Đạt", False: "Chưa đạt", None: "Chưa có số liệu"}[self.met]


@dataclass(frozen=True)
class BudgetLine:
    task: str
    planned: str | None
    spent: str | None


@dataclass(frozen=True)
class InputLine:
    unit: str
    title: str
    due: str | None
    received: bool
    received_at: str | None
    late: bool
    overdue: bool
    note: str | None
    values: dict[str, str]

    @property
    def state_label(self) -> str:
        if self.received:
            return "Đã nhận (trễ hạn)" if self.late else "Đã nhận"
        return "CHƯA NHẬN — quá hạn" if self.overdue else "CHƯA NHẬN"


@dataclass(frozen=True)
class ChildLine:
    """One child plan in a roll-up: its progress and whether its report reached us."""

    plan_id: str
    issuer: str
    title: str
    document: str | None
    done: int
    total: int
    overdue: int
    report_title: str | None
    report_due: str | None
    reported: bool
    reported_at: str | None
    version: int | None

    @property
    def state_label(self) -> str:
        if self.reported:
            return f"Đã báo cáo ngày {self.reported_at}"
        return "CHƯA BÁO CÁO"


@dataclass(frozen=True)
class ReportContext:
    plan_id: str
    report_id: str
    key: str
    issuer_lines: list[str]
    number: str
    place_date: str
    summary: str
    recipients: list[str]
    plan_reference: str
    cycle: str
    period_phrase: str
    period: str | None
    data_from: str
    data_to: str
    due: str | None
    as_of: str
    compiler: str
    sections: list[Section]
    targets: list[TargetLine]
    budget: list[BudgetLine]
    budget_planned_total: str | None
    budget_spent_total: str | None
    overdue: list[TaskLine]
    blocked: list[TaskLine]
    inputs: list[InputLine]
    children: list[ChildLine]
    next_steps: list[TaskLine]
    shortcomings: list[str]
    proposals: list[str]
    counts: dict[str, int]
    distribution: list[str]
    signer_authority: list[str]
    signer_title: str
    signer_name: str

    @property
    def missing_inputs(self) -> list[InputLine]:
        return [i for i in self.inputs if not i.received]

    @property
    def missing_children(self) -> list[ChildLine]:
        return [c for c in self.children if not c.reported]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def digest(self) -> str:
        """A hash of the content: a rebuild with the same digest is not a new version."""
        data = self.as_json()
        data.pop("place_date")  # the date of building changes daily; the content does not
        data.pop("as_of")
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def decree30_date(place: str, day: dt.date) -> str:
    """``Lộc Tấn, ngày 05 tháng 12 năm 2025`` — Decree 30/2020: a leading zero on days below
    10 and on months 1 and 2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def issuer_lines(issuer: str) -> list[str]:
    """The issuing body in capitals, a People's Committee on two lines (Decree 30)."""
    for prefix in ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd "):
        if issuer.casefold().startswith(prefix):
            return ["ỦY BAN NHÂN DÂN", issuer[len(prefix) :].strip().upper()]
    return [issuer.upper()]


def document_symbol(issuer: str) -> str:
    """``BC-UBND`` for a People's Committee, else BC- and the initials of the body."""
    if len(issuer_lines(issuer)) == 2:
        return "BC-UBND"
    words = [w for w in re.split(r"\s+", issuer) if w and w.casefold() not in ("và", "của")]
    return "BC-" + "".join(w[0] for w in words).upper()


def summary_line(report: ReportObligation, period_label: str | None) -> str:
    """The summary under "BÁO CÁO": the report's title without the type name, and the period."""
    title = re.sub(r"^báo cáo\s+", "", report.title.strip(), flags=re.IGNORECASE)
    title = re.sub(r"\s*\(định kỳ[^)]*\)\s*$", "", title)
    title = title[:1].upper() + title[1:]
    phrase = _period_phrase(period_label)
    return f"{title} ({phrase})" if phrase else title


def _money(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


@dataclass
class Inputs:
    """What the store knows beyond statuses: evidence per occurrence, and child plans."""

    evidence: Mapping[str, Sequence[str]] = field(default_factory=dict)
    children: Sequence[ChildLine] = ()


def build_context(
    plan: Plan,
    directory: UnitDirectory,
    report: ReportObligation,
    item: OccurrenceStatus,
    items: Sequence[OccurrenceStatus],
    window: ReportWindow,
    today: dt.date,
    extra: Inputs | None = None,
) -> ReportContext:
    """Everything a report for ``item`` (a report occurrence) says, from the statuses of the
    plan's occurrences evaluated at the data cut-off (``items``)."""
    extra = extra or Inputs()
    index = UnitIndex(directory)
    names = {u.id: u.name for u in directory.units}
    tasks = {t.id: t for t in plan.tasks}
    covered = set(report.covers) if report.covers else set(tasks)

    def line(s: OccurrenceStatus) -> TaskLine:
        f, p = s.facts, s.progress
        return TaskLine(
            key=f.key,
            label=f.label,
            title=f.title,
            period=f.period,
            lead=[names.get(u, u) for u in f.lead],
            support=[names.get(u, u) for u in f.support],
            start=vn_date(f.start) if f.start else None,
            due=vn_date(f.due) if f.due else None,
            status=s.status.value,
            status_label=s.status.label,
            percent=p.percent,
            days_overdue=s.days_overdue,
            done_at=vn_date(p.done_at.date()) if p.done_at else None,
            note=p.note,
            evidence=list(extra.evidence.get(f.key, ())),
            blocked_by=list(s.blocked_by),
        )

    relevant = [
        s
        for s in items
        if s.facts.kind == "task"
        and s.facts.item_id in covered
        and (s.facts.start is None or s.facts.start <= window.data_to)
    ]
    sections: dict[str, list[TaskLine]] = {}
    for s in relevant:
        title = tasks[s.facts.item_id].section or "Nhiệm vụ"
        sections.setdefault(title, []).append(line(s))

    targets = [
        TargetLine(
            task=s.facts.title,
            metric=t.metric,
            comparator=t.comparator,
            required=_plain(t.required),
            unit=t.unit,
            measured=None if t.measured is None else _plain(t.measured),
            met=t.met,
        )
        for s in relevant
        for t in s.targets
    ]

    budget, planned_total, spent_total = [], Decimal(0), Decimal(0)
    any_spent = False
    for task_id in [t.id for t in plan.tasks if t.id in covered]:
        planned = tasks[task_id].budget
        spent_values = [
            s.progress.values[SPENT_KEY]
            for s in items
            if s.facts.item_id == task_id and s.facts.kind == "task" and SPENT_KEY in s.progress.values
        ]
        spent = sum(spent_values, Decimal(0)) if spent_values else None
        if planned is None and spent is None:
            continue
        any_spent = any_spent or spent is not None
        planned_total += planned or 0
        spent_total += spent or 0
        budget.append(BudgetLine(tasks[task_id].title, _money(planned), _money(spent)))

    prefix = item.facts.key + "/"
    inputs = [
        InputLine(
            unit=names.get(s.facts.lead[0], s.facts.lead[0]) if s.facts.lead else "",
            title=s.facts.title,
            due=vn_date(s.facts.due) if s.facts.due else None,
            received=s.status.is_done,
            received_at=vn_date(s.progress.done_at.date()) if s.progress.done_at else None,
            late=s.status is Status.DONE_LATE,
            overdue=s.status is Status.OVERDUE,
            note=s.progress.note,
            values={k: _plain(v) for k, v in sorted(s.progress.values.items())},
        )
        for s in items
        if s.facts.kind == "report_input" and s.facts.key.startswith(prefix)
    ]

    overdue = [line(s) for s in relevant if s.status is Status.OVERDUE]
    blocked = [line(s) for s in relevant if s.status is Status.BLOCKED]
    horizon = window.data_to + dt.timedelta(days=92)
    next_steps = [
        line(s)
        for s in items
        if s.facts.kind == "task"
        and s.facts.item_id in covered
        and not s.status.is_done
        and s.facts.due is not None
        and window.data_to < s.facts.due <= horizon
    ]
    children = list(extra.children)
    counts = {
        "tasks": len(relevant),
        "done": sum(1 for s in relevant if s.status.is_done),
        "done_late": sum(1 for s in relevant if s.status is Status.DONE_LATE),
        "in_progress": sum(1 for s in relevant if s.status in (Status.IN_PROGRESS, Status.ONGOING)),
        "overdue": len(overdue),
        "blocked": len(blocked),
        "inputs": len(inputs),
        "inputs_missing": sum(1 for i in inputs if not i.received),
        "children": len(children),
        "children_missing": sum(1 for c in children if not c.reported),
    }
    unmet = [t for t in targets if t.met is False]

    shortcomings: list[str] = []
    if overdue:
        shortcomings.append(f"Còn {len(overdue)} nhiệm vụ quá hạn chưa hoàn thành (chi tiết dưới đây).")
    if counts["done_late"]:
        shortcomings.append(f"{counts['done_late']} nhiệm vụ hoàn thành trễ hạn.")
    if blocked:
        shortcomings.append(f"{len(blocked)} nhiệm vụ bị chặn do nhiệm vụ trước chưa hoàn thành.")
    if unmet:
        shortcomings.append(f"{len(unmet)} chỉ tiêu chưa đạt: " + "; ".join(t.metric for t in unmet) + ".")
    if counts["inputs_missing"]:
        missing = ", ".join(i.unit for i in inputs if not i.received)
        shortcomings.append(f"Chưa nhận được báo cáo của {counts['inputs_missing']} đơn vị: {missing}.")
    if counts["children_missing"]:
        missing = ", ".join(c.issuer for c in children if not c.reported)
        shortcomings.append(f"Chưa nhận được báo cáo của {counts['children_missing']} địa phương: {missing}.")

    proposals: list[str] = []
    late_units = sorted({u for t in overdue for u in t.lead})
    if late_units:
        proposals.append(
            "Đề nghị chỉ đạo " + ", ".join(late_units) + " khẩn trương hoàn thành các nhiệm vụ quá hạn."
        )
    if counts["inputs_missing"] or counts["children_missing"]:
        proposals.append("Đề nghị các đơn vị, địa phương chưa báo cáo gửi báo cáo ngay để kịp tổng hợp.")

    recipients = [_recipient_name(r.unit, r.name, index) for r in report.recipients]
    document = plan.document_number
    issued = f" ngày {vn_date(plan.issued)}" if plan.issued else ""
    about = plan.title[:1].lower() + plan.title[1:]
    number = f" số {document}" if document else ""
    reference = f"Kế hoạch{number}{issued} của {plan.issuer} về {about}"
    compiler = index.resolve(report.compiler)
    authority = [a.strip() for a in (plan.signer.authority or "").split("/") if a.strip()]
    if authority and authority[0].startswith("KT.") and len(issuer_lines(plan.issuer)) == 2:
        authority.insert(0, "TM. ỦY BAN NHÂN DÂN")  # a People's Committee signs collectively
    return ReportContext(
        plan_id=plan.id,
        report_id=report.id,
        key=item.facts.key,
        issuer_lines=issuer_lines(plan.issuer),
        number=f"Số:      /{document_symbol(plan.issuer)}",
        place_date=decree30_date(plan.place, today),
        summary=summary_line(report, item.facts.period),
        recipients=recipients,
        plan_reference=reference,
        cycle=cycle_label(item.facts.period, item.facts.timing),
        period_phrase=_period_phrase(item.facts.period) or "Kế hoạch",
        period=item.facts.period,
        data_from=vn_date(window.data_from),
        data_to=vn_date(min(window.data_to, today)),
        due=vn_date(window.due) if window.due else None,
        as_of=vn_date(today),
        compiler=compiler.name,
        sections=[Section(title, lines) for title, lines in sections.items()],
        targets=targets,
        budget=budget,
        budget_planned_total=_money(planned_total) if budget else None,
        budget_spent_total=_money(spent_total) if any_spent else None,
        overdue=overdue,
        blocked=blocked,
        inputs=inputs,
        children=children,
        next_steps=next_steps,
        shortcomings=shortcomings,
        proposals=proposals,
        counts=counts,
        distribution=["Như trên", f"Lưu: VT, {compiler.name}"],
        signer_authority=authority,
        signer_title=plan.signer.title,
        signer_name=plan.signer.name,
    )


def _recipient_name(unit: str | None, name: str | None, index: UnitIndex) -> str:
    if unit is not None:
        return index.resolve(unit).name
    return name or ""


def child_line(
    plan: Plan,
    items: Iterable[OccurrenceStatus],
    report_item: OccurrenceStatus | None,
    version: int | None,
) -> ChildLine:
    """A child plan's line in its parent's roll-up: progress counts, its report and whether
    that report was sent (its occurrence marked done)."""
    tasks = [s for s in items if s.facts.kind == "task"]
    sent = report_item is not None and report_item.status.is_done
    done_at = report_item.progress.done_at if report_item is not None else None
    return ChildLine(
        plan_id=plan.id,
        issuer=plan.issuer,
        title=plan.title,
        document=plan.document_number,
        done=sum(1 for s in tasks if s.status.is_done),
        total=len(tasks),
        overdue=sum(1 for s in tasks if s.status is Status.OVERDUE),
        report_title=report_item.facts.title if report_item else None,
        report_due=vn_date(report_item.facts.due) if report_item and report_item.facts.due else None,
        reported=sent,
        reported_at=vn_date(done_at.date()) if sent and done_at else None,
        version=version,
    )
