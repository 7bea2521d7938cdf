"""What the board shows, computed from a plan's statuses and its definition. Pure: the web
app renders these views, the tests read them directly.

A task row stands for all its occurrences: its headline is the most pressing open one
(overdue first), or, when all are done, whether any was late. Each occurrence is listed
under it. The timeline is planflow.web.timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from planflow import vnformat as vn
from planflow.check.plans import PlanStatus
from planflow.intake.forms import URGENCY, urgency
from planflow.reports.cycle import worst_input
from planflow.schema import Plan
from planflow.status import OccurrenceStatus, Status, TargetView, summarize

SUMMARY_ORDER = URGENCY  # the summary reads like a unit's list: most pressing first


def css_class(status: Status) -> str:
    return "st-" + status.value.replace("_", "-")


@dataclass(frozen=True)
class TargetCell:
    metric: str
    comparator: str
    required: str
    unit: str
    measured: str | None
    met: bool | None


@dataclass(frozen=True)
class OccurrenceRow:
    key: str
    period: str | None
    lead: str
    start: str
    due: str
    status: Status
    text: str
    css: str
    percent: int | None
    note: str | None
    updated: str | None
    evidence: str | None


@dataclass(frozen=True)
class TaskRow:
    item_id: str
    kind: str
    label: str
    title: str
    lead: str
    support: str
    when_text: str
    budget: str | None
    status: Status
    text: str
    css: str
    days_overdue: int | None
    percent: int | None
    targets: list[TargetCell]
    occurrences: list[OccurrenceRow]
    # a report: the worst state among the units' parts of the period its row speaks for
    inputs_text: str | None = None
    inputs_css: str | None = None
    review: str | None = None  # the definition's doubt (``review:``), shown until settled
    monitor: str = ""  # the bodies that follow the task up (``monitor:``), not its lead
    nobody: bool = False  # led only by collectives with no named members: nobody answers for it


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[TaskRow]


@dataclass(frozen=True)
class Board:
    plan_id: str
    title: str
    document_number: str | None
    issuer: str
    period: str
    as_of: dt.date
    summary: list[tuple[Status, int, str]]
    total: int
    sections: list[Section]
    reports: list[TaskRow]
    budget_total: str | None
    budget_tasks: str | None


def _names(ids: Sequence[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(u, u) for u in ids)


def headline(items: Sequence[OccurrenceStatus]) -> OccurrenceStatus:
    """The occurrence that speaks for a task: the most pressing open one, else the
    latest done (a late one before an on-time one)."""
    open_items = [i for i in items if not i.status.is_done]
    if open_items:
        return min(open_items, key=urgency)
    late = [i for i in items if i.status is Status.DONE_LATE]
    return max(late or list(items), key=lambda i: i.facts.due or dt.date.min)


def _targets(items: Sequence[OccurrenceStatus]) -> list[TargetCell]:
    """Each target once, with its most recently measured value across the occurrences."""
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    views: dict[str, TargetView] = {}
    for item in sorted(items, key=lambda i: i.progress.last_at or never):
        for target in item.targets:
            if target.key not in views or target.measured is not None:
                views[target.key] = target
    return [
        TargetCell(
            metric=t.metric,
            comparator=vn.comparator(t.comparator),
            required=vn.number(t.required),
            unit=t.unit or "",
            measured=None if t.measured is None else vn.number(t.measured),
            met=t.met,
        )
        for t in views.values()
    ]


def _occurrence_row(
    item: OccurrenceStatus, names: Mapping[str, str], evidence: Mapping[str, str]
) -> OccurrenceRow:
    p = item.progress
    updated = None
    if p.last_at is not None:
        who = names.get(p.last_by, p.last_by) if p.last_by else "không rõ"
        updated = f"{vn.day(p.last_at)} — {who}"
    return OccurrenceRow(
        key=item.key,
        period=item.facts.period,
        lead=_names(item.facts.lead, names),
        start=vn.day(item.facts.start),
        due=vn.day(item.facts.due) if item.facts.due else vn.undated(item.facts.timing),
        status=item.status,
        text=vn.status_text(item.status, item.days_overdue),
        css=css_class(item.status),
        percent=p.percent,
        note=p.note,
        updated=updated,
        evidence=evidence.get(item.key),
    )


def _task_row(
    kind: str, item_id: str, label: str | None, title: str, items: Sequence[OccurrenceStatus],
    names: Mapping[str, str], evidence: Mapping[str, str], budget: Decimal | None, when_text: str | None,
    monitor: Sequence[str] = (), nobody: bool = False,
) -> TaskRow:  # fmt: skip
    own = [i for i in items if i.facts.kind != "report_input"]
    head = headline(own or items)  # a report speaks for itself; its inputs get their own badge
    owner = own[0] if own else head  # a report: its compiler
    inputs = [i for i in items if i.facts.kind == "report_input" and i.facts.period == head.facts.period]
    worst = worst_input(inputs)
    worst_overdue = max((i.days_overdue or 0 for i in inputs if i.status is worst), default=0)
    return TaskRow(
        item_id=item_id,
        kind=kind,
        label=label or "",
        title=title,
        lead=_names(owner.facts.lead, names),
        support=_names(owner.facts.support, names),
        when_text=vn.when_words(when_text),
        budget=None if budget is None else vn.number(budget),
        status=head.status,
        text=vn.status_text(head.status, head.days_overdue),
        css=css_class(head.status),
        days_overdue=head.days_overdue,
        percent=head.progress.percent,
        targets=_targets(items),
        occurrences=[_occurrence_row(i, names, evidence) for i in items],
        inputs_text=None if worst is None else vn.status_text(worst, worst_overdue),
        inputs_css=None if worst is None else css_class(worst),
        review=owner.facts.review,
        monitor=", ".join(monitor),
        nobody=nobody,
    )


def build_board(
    status: PlanStatus, plan: Plan, names: Mapping[str, str], evidence: Mapping[str, str],
    monitors: Mapping[str, Sequence[str]] | None = None, nobody: Collection[str] = (),
) -> Board:  # fmt: skip
    """The board of one plan at the status's as-of day. ``evidence`` maps an occurrence key
    to the stored file name of its latest evidence, when there is one; ``monitors`` a task
    id to its monitoring bodies (``planflow.units.monitor_names``); ``nobody`` the tasks no
    unit answers for (``planflow.units.unaccountable_leads``), marked on their rows."""
    monitors = monitors or {}
    by_item: dict[str, list[OccurrenceStatus]] = {}
    for item in status.items:
        by_item.setdefault(item.facts.item_id, []).append(item)
    for items in by_item.values():
        items.sort(key=lambda i: (i.facts.due or i.facts.start or dt.date.max, i.key))
    sections: dict[str, list[TaskRow]] = {}
    for task in plan.tasks:
        if task.id not in by_item:
            continue
        text = by_item[task.id][0].facts.when_text or ""
        row = _task_row("task", task.id, task.label, task.title, by_item[task.id], names, evidence,
                        task.budget, text, monitors.get(task.id, ()), task.id in nobody)  # fmt: skip
        sections.setdefault(task.section or "Nhiệm vụ", []).append(row)
    reports = [
        _task_row("report", r.id, None, r.title, by_item[r.id], names, evidence, None, r.when.text)
        for r in plan.reports
        if r.id in by_item
    ]
    counts = summarize(status.items)
    task_budget = sum((t.budget for t in plan.tasks if t.budget is not None), Decimal(0))
    return Board(
        plan_id=plan.id,
        title=plan.title,
        document_number=plan.document_number,
        issuer=plan.issuer,
        period=f"{vn.day(plan.period.start)} – {vn.day(plan.period.end)}",
        as_of=status.as_of.day,
        summary=[(s, counts[s.value], css_class(s)) for s in SUMMARY_ORDER if counts[s.value]],
        total=len(status.items),
        sections=[Section(title, rows) for title, rows in sections.items()],
        reports=reports,
        budget_total=None if plan.budget_total is None else vn.number(plan.budget_total),
        budget_tasks=vn.number(task_budget) if task_budget else None,
    )


# --- overview of every plan -------------------------------------------------------------------

BAR_WIDTH = 200


@dataclass(frozen=True)
class PlanCard:
    plan_id: str
    title: str
    document_number: str | None
    period: str
    total: int
    done: int
    overdue: int
    blocked: int
    summary: list[tuple[Status, int, str]]
    segments: list[tuple[float, float, str, str]]  # (x, width, css class, label) of the stacked bar


def build_overview(statuses: Sequence[PlanStatus]) -> list[PlanCard]:
    """One card per plan: its counts and a stacked bar of its statuses, most pressing first."""
    cards = []
    for status in statuses:
        counts = summarize(status.items)
        total = len(status.items)
        segments, x = [], 0.0
        for s in SUMMARY_ORDER:
            if counts[s.value] and total:
                width = BAR_WIDTH * counts[s.value] / total
                segments.append((round(x, 2), round(width, 2), css_class(s), f"{s.label}: {counts[s.value]}"))
                x += width
        row = status.plan
        cards.append(
            PlanCard(
                plan_id=row.id,
                title=row.title,
                document_number=row.document_number,
                period=f"{vn.day(row.period_start)} – {vn.day(row.period_end)}",
                total=total,
                done=counts[Status.DONE_ON_TIME.value] + counts[Status.DONE_LATE.value],
                overdue=counts[Status.OVERDUE.value],
                blocked=counts[Status.BLOCKED.value],
                summary=[(s, counts[s.value], css_class(s)) for s in SUMMARY_ORDER if counts[s.value]],
                segments=segments,
            )
        )
    return sorted(cards, key=lambda c: (-c.overdue, -c.blocked, c.plan_id))
