"""Progress from outside the CLI: what a unit may report on, how its figures are read, and
its part of a report. Shared by the web form and the spreadsheet import.

A unit reports on the occurrences it leads. A report input (a unit's part of a report,
``<plan>/<report>/<period>/<unit>``) is recorded as a progress event on that input
occurrence: status ``done``, the text as its note, and the figures as its values keyed
``<task-id>/<target-key>`` (targets of the covered tasks the unit leads).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from planflow import vnformat as vn
from planflow.check.plans import PlanStatus
from planflow.compiler import calendar_for
from planflow.errors import NotFoundError, ProgressError
from planflow.numbers import parse_vn_number
from planflow.reports.cycle import report_window
from planflow.schema import Plan
from planflow.status import OccurrenceStatus, ProgressStatus, Status
from planflow.store import repo
from planflow.store.models import ProgressEventRow

# Most pressing first: what a unit should look at when it opens its page.
URGENCY = (
    Status.OVERDUE,
    Status.BLOCKED,
    Status.UPCOMING,
    Status.IN_PROGRESS,
    Status.ONGOING,
    Status.WAITING_EVENT,
    Status.NOT_STARTED,
    Status.DONE_LATE,
    Status.DONE_ON_TIME,
)

PROGRESS_LABELS = {s: vn.PROGRESS_LABELS[s.value] for s in ProgressStatus}


def urgency(item: OccurrenceStatus) -> tuple[int, dt.date, str]:
    return (URGENCY.index(item.status), item.facts.due or dt.date.max, item.key)


def owned_open_items(status: PlanStatus, unit_id: str) -> list[OccurrenceStatus]:
    """The occurrences ``unit_id`` leads that are not done, most pressing first."""
    mine = [i for i in status.items if unit_id in i.facts.lead and not i.status.is_done]
    return sorted(mine, key=urgency)


def open_item(status: PlanStatus, unit_id: str, key: str) -> OccurrenceStatus:
    """The occurrence ``key`` if ``unit_id`` leads it and it is still open; else ProgressError
    (another unit's task) or NotFoundError (no such occurrence)."""
    found = next((i for i in status.items if i.key == key), None)
    if found is None:
        raise NotFoundError(f"kế hoạch '{status.plan.id}' không có mục '{key}'")
    if unit_id not in found.facts.lead:
        raise ProgressError(
            f"mục '{key}' không do đơn vị này chủ trì: không ghi được tiến độ cho đơn vị khác"
        )
    if found.status.is_done:
        raise ProgressError(f"mục '{key}' đã hoàn thành; muốn sửa, liên hệ cơ quan thường trực của kế hoạch")
    return found


# --- numbers ------------------------------------------------------------------------------


# Digits, dots and commas, a sign, a percent sign: no exponent ("1e400" is finite to Decimal
# and was counted as met), no NaN or Infinity, no underscores.
_WRITTEN_NUMBER = re.compile(r"[+-]?[0-9][0-9.,]*%?")
MAX_DIGITS = 15  # a measured count, amount or share: more digits are a slip of the keyboard


def _shown(raw: str) -> str:
    """The value as typed, cut short when echoing it whole would drown the message."""
    return raw if len(raw) <= 20 else raw[:20] + "…"


def parse_figure(raw: str) -> Decimal:
    """A measured value as people write it ("85", "85,5", "1.200", "90%"); ValueError
    with a Vietnamese message otherwise (not a written number, more than MAX_DIGITS digits)."""
    clean = raw.strip().replace(" ", "").replace("\u00a0", "")
    if not _WRITTEN_NUMBER.fullmatch(clean):
        raise ValueError(f"'{_shown(raw)}' không phải một số; ghi ví dụ 85 hoặc 85,5")
    digits = sum(c.isdigit() for c in clean)
    if digits > MAX_DIGITS:
        raise ValueError(f"'{_shown(raw)}' có {digits} chữ số; số đo ghi tối đa {MAX_DIGITS} chữ số")
    try:
        return parse_vn_number(clean)
    except ValueError:
        raise ValueError(f"'{_shown(raw)}' không phải một số; ghi ví dụ 85 hoặc 85,5") from None


def measured_value(raw: str, unit: str | None, required: Decimal) -> Decimal:
    """A target's measured value, within the range of its metric: never negative (a count,
    an amount, a share) unless the target itself is, and at most 100 on a percentage whose
    target is a share (≤ 100 %; a growth rate of 120 % may pass 100)."""
    value = parse_figure(raw)
    if value < 0 <= required:
        raise ValueError(f"'{_shown(raw)}' là số âm; số đo của chỉ tiêu không âm")
    if (unit or "").strip() == "%" and required <= 100 < value:
        raise ValueError(f"'{_shown(raw)}' vượt quá 100 %; tỷ lệ ghi từ 0 đến 100")
    return value


def parse_percent(raw: str) -> int:
    """A completion percentage 0–100 ("60", "60%", "60,0")."""
    value = parse_figure(raw)
    if value != value.to_integral_value() or not 0 <= value <= 100:
        raise ValueError(f"'{raw}': phần trăm phải là số nguyên từ 0 đến 100")
    return int(value)


def happened_at(day: dt.date | None, now: dt.datetime, plan: Plan) -> dt.datetime:
    """When a reported fact happened: ``now`` for today (or no day), noon of an earlier
    day; never in the future nor before the plan period."""
    zone = ZoneInfo(plan.timezone)
    today = now.astimezone(zone).date()
    if day is None or day == today:
        return now
    if day > today:
        raise ValueError(f"ngày {vn.day(day)} chưa tới; không ghi tiến độ cho tương lai")
    if day < plan.period.start:
        raise ValueError(f"ngày {vn.day(day)} trước kỳ kế hoạch (bắt đầu {vn.day(plan.period.start)})")
    return dt.datetime.combine(day, dt.time(12), tzinfo=zone)


# --- report inputs ------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureField:
    """One figure a unit gives in its part of a report: a target of a covered task."""

    key: str
    task_label: str | None
    task_title: str
    metric: str
    comparator: str
    required: Decimal
    unit: str | None


def report_input_fields(
    plan: Plan, report_id: str, unit_id: str, lead_of: Mapping[str, Sequence[str]]
) -> list[FigureField]:
    """The targets a unit reports figures for: those of the tasks the report covers
    (all when it names none) that the unit leads. ``lead_of`` maps task id to lead unit ids."""
    report = next((r for r in plan.reports if r.id == report_id), None)
    if report is None:
        raise NotFoundError(f"kế hoạch '{plan.id}' không có báo cáo '{report_id}'")
    covered = set(report.covers) or {t.id for t in plan.tasks}
    return [
        FigureField(
            key=f"{task.id}/{target.key}",
            task_label=task.label,
            task_title=task.title,
            metric=target.metric,
            comparator=target.comparator.value,
            required=target.value,
            unit=target.unit,
        )
        for task in plan.tasks
        if task.id in covered and unit_id in lead_of.get(task.id, ())
        for target in task.targets
    ]


def task_leads(status: PlanStatus) -> dict[str, list[str]]:
    """Task id → its lead unit ids, from the stored occurrences."""
    out: dict[str, list[str]] = {}
    for item in status.items:
        if item.facts.kind == "task":
            out.setdefault(item.facts.item_id, list(item.facts.lead))
    return out


def input_opens(plan: Plan, item: OccurrenceStatus) -> dt.date | None:
    """The first day a report input is taken: the first day of the data its report covers
    (Decree 09's cut-off, the period itself, or the plan's start). None for anything that
    is not a report input."""
    report = next((r for r in plan.reports if r.id == item.facts.item_id), None)
    if item.facts.kind != "report_input" or report is None:
        return None
    return report_window(plan, report, item.facts.period, item.facts.due, calendar_for(plan)).data_from


def not_open_yet(plan: Plan, item: OccurrenceStatus, today: dt.date) -> str | None:
    """Why a report input cannot be sent on ``today`` (its data window has not opened), or None."""
    opens = input_opens(plan, item)
    if opens is None or today >= opens:
        return None
    return (
        f"phần báo cáo kỳ {vn.cycle_label(item.facts.period)} nhận từ ngày {vn.day(opens)}, khi kỳ số liệu "
        f"của báo cáo bắt đầu; hôm nay {vn.day(today)} chưa gửi được"
    )


@dataclass(frozen=True)
class ReportInput:
    """A unit's part of one report period, checked."""

    occurrence_key: str
    unit_id: str
    text: str
    figures: Mapping[str, Decimal]
    evidence: str | None = None
    at: dt.datetime | None = None
    recorded_by: str | None = None  # the board account that sent it (None: a signed link alone)


def record_report_input(
    submission: ReportInput, status: PlanStatus, plan: Plan, *, session: Session, now: dt.datetime
) -> ProgressEventRow:
    """Append the unit's submission to its report-input occurrence (status done)."""
    item = open_item(status, submission.unit_id, submission.occurrence_key)
    if item.facts.kind != "report_input":
        raise ProgressError(f"mục '{item.key}' không phải phần báo cáo của đơn vị")
    refused = not_open_yet(plan, item, status.as_of.day)
    if refused is not None:
        raise ProgressError(refused)
    fields = report_input_fields(plan, item.facts.item_id, submission.unit_id, task_leads(status))
    allowed = {f.key for f in fields}
    unknown = sorted(set(submission.figures) - allowed)
    if unknown:
        raise ProgressError(f"chỉ tiêu không thuộc phần báo cáo của đơn vị: {', '.join(unknown)}")
    if not submission.text.strip() and not submission.figures:
        raise ProgressError("phần báo cáo trống: ghi nội dung hoặc ít nhất một số liệu")
    return repo.add_progress_event(
        session=session,
        occurrence_key=item.key,
        plan_id=plan.id,
        status=ProgressStatus.DONE.value,
        effective_at=submission.at or now,
        recorded_at=now,
        values=dict(submission.figures),
        note=submission.text.strip() or None,
        evidence=submission.evidence,
        by_unit=submission.unit_id,
        recorded_by=submission.recorded_by,
    )
