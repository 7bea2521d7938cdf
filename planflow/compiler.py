"""Compile a plan into dated occurrences and their dependency graph. Pure: no I/O.

An *occurrence* is one thing that must be done once: a one-off task, one period of a
recurring task or report, or one unit's input to one report period. Its key is stable
across edits of the definition: ``<plan>/<task>`` for one-off items,
``<plan>/<task>/<period>`` for recurring ones (``loc-tan-2026/bao-cao-quy/2026-Q2``) and
``<plan>/<report>/<period>/<unit>`` for report inputs.

Due dates:
- a fixed day or window is when the activity happens: it is due on its (last) day, as
  written;
- a deadline, month, quarter or recurring due rule is a completion deadline: when it
  falls on a day off it moves by the plan's ``day_off`` rule (see ``planflow.workdays``);
- ongoing and event-driven items have no due date.

Dependencies between tasks become edges between occurrences: periods with the same
label are matched; otherwise an occurrence waits for every upstream occurrence due no
later than itself. A report period waits for its inputs.
"""

from __future__ import annotations

import datetime as dt
import graphlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from planflow import vnformat as vn
from planflow.errors import CompileError, NotFoundError
from planflow.periods import due_window, series, yearly_periods
from planflow.schema import Plan, ReportObligation, Task
from planflow.units import UnitIndex
from planflow.when import (
    BeforeRule,
    DayWhen,
    DeadlineWhen,
    EventWhen,
    MonthWhen,
    OngoingWhen,
    QuarterWhen,
    RecurringWhen,
    When,
    WindowWhen,
    month_window,
)
from planflow.workdays import DayOffRule, WorkCalendar

Loc = tuple[str | int, ...]


class OccurrenceKind(StrEnum):
    TASK = "task"
    REPORT = "report"
    REPORT_INPUT = "report_input"


class Timing(StrEnum):
    """How an occurrence is timed: ``due`` (has a due date), ``ongoing``, ``event``."""

    DUE = "due"
    ONGOING = "ongoing"
    EVENT = "event"


@dataclass(frozen=True)
class Occurrence:
    key: str
    plan_id: str
    item_id: str
    kind: OccurrenceKind
    title: str
    timing: Timing
    lead: tuple[str, ...]
    support: tuple[str, ...] = ()
    label: str | None = None
    section: str | None = None
    period: str | None = None
    start: dt.date | None = None
    due: dt.date | None = None
    end: dt.date | None = None
    then_ongoing: bool = False
    tentative: bool = False
    when_text: str | None = None
    depends_on: tuple[str, ...] = ()
    review: str | None = None


def _with(occ: Occurrence, **changes: object) -> Occurrence:
    """``dataclasses.replace`` without its per-call introspection (a tenth of the cost; a
    plan makes hundreds of occurrences). Occurrence has no ``__post_init__`` to run."""
    new = object.__new__(Occurrence)
    new.__dict__.update(occ.__dict__, **changes)
    return new


@dataclass
class CompiledPlan:
    plan: Plan
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def by_key(self) -> dict[str, Occurrence]:
        return {o.key: o for o in self.occurrences}


@dataclass(frozen=True)
class Issue:
    """A problem found in a valid-looking plan, with the path of the field to blame."""

    loc: Loc
    message: str


def calendar_for(plan: Plan) -> WorkCalendar:
    return WorkCalendar(frozenset(plan.days_off), frozenset(plan.extra_working_days))


# --- checks ------------------------------------------------------------------------


def check_plan(plan: Plan, units: UnitIndex) -> list[Issue]:
    """Everything that makes a schema-valid plan impossible to compile."""
    issues: list[Issue] = []
    if units.directory.id != plan.units:
        issues.append(Issue(("units",), f"danh mục '{units.directory.id}' khác '{plan.units}'"))
    issues += _unit_issues(plan, units)
    issues += _id_issues(plan)
    issues += _date_issues(plan)
    if not any(i.loc and i.loc[-1] in ("depends_on", "after") for i in issues):
        issues += _cycle_issues(plan)
    return issues


def unit_refs(plan: Plan) -> Iterable[tuple[Loc, str]]:
    """Every place the plan names a unit, with the unit as written."""
    yield ("standing_unit",), plan.standing_unit
    for t, task in enumerate(plan.tasks):
        for role in ("lead", "support", "guide", "monitor"):
            for i, ref in enumerate(getattr(task, role)):
                yield ("tasks", t, role, i), ref
    for r, report in enumerate(plan.reports):
        yield ("reports", r, "compiler"), report.compiler
        for i, recipient in enumerate(report.recipients):
            if recipient.unit is not None:
                yield ("reports", r, "recipients", i, "unit"), recipient.unit
        for n, inp in enumerate(report.inputs):
            for i, ref in enumerate(inp.units):
                yield ("reports", r, "inputs", n, "units", i), ref
    policies = [(("escalation",), plan.escalation)] + [
        (("tasks", t, "escalation"), task.escalation) for t, task in enumerate(plan.tasks)
    ]
    for loc, policy in policies:
        for s, step in enumerate(policy.steps if policy else []):
            for field_name in ("to", "cc"):
                for i, audience in enumerate(getattr(step, field_name)):
                    if audience.startswith("unit:"):
                        yield (*loc, "steps", s, field_name, i), audience.removeprefix("unit:")


def _unit_issues(plan: Plan, units: UnitIndex) -> list[Issue]:
    issues = []
    for loc, ref in unit_refs(plan):
        try:
            units.resolve(ref)
        except NotFoundError as exc:
            issues.append(Issue(loc, str(exc)))
    return issues


def _id_issues(plan: Plan) -> list[Issue]:
    issues: list[Issue] = []
    seen: dict[str, Loc] = {}
    items: list[tuple[Loc, str]] = [(("tasks", i, "id"), t.id) for i, t in enumerate(plan.tasks)]
    items += [(("reports", i, "id"), r.id) for i, r in enumerate(plan.reports)]
    for loc, item_id in items:
        if item_id in seen:
            issues.append(Issue(loc, f"id '{item_id}' bị trùng (đã dùng ở {_dotted(seen[item_id])})"))
        seen.setdefault(item_id, loc)
    task_ids = {t.id for t in plan.tasks}
    for t, task in enumerate(plan.tasks):
        for i, dep in enumerate(task.depends_on):
            if dep not in task_ids:
                issues.append(Issue(("tasks", t, "depends_on", i), _unknown_task(dep, task_ids)))
        if isinstance(task.when, EventWhen) and task.when.after and task.when.after not in task_ids:
            issues.append(Issue(("tasks", t, "when", "after"), _unknown_task(task.when.after, task_ids)))
    for r, report in enumerate(plan.reports):
        for i, covered in enumerate(report.covers):
            if covered not in task_ids:
                issues.append(Issue(("reports", r, "covers", i), _unknown_task(covered, task_ids)))
    return issues


def _unknown_task(ref: str, known: set[str]) -> str:
    return f"không có nhiệm vụ id '{ref}' trong kế hoạch (các id: {', '.join(sorted(known))})"


def _dotted(loc: Loc) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _date_issues(plan: Plan) -> list[Issue]:
    issues = []
    first, last = plan.period.start, plan.period.end
    whens: list[tuple[Loc, When | None]] = [(("tasks", i, "when"), t.when) for i, t in enumerate(plan.tasks)]
    whens += [(("reports", i, "when"), r.when) for i, r in enumerate(plan.reports)]
    for loc, when in whens:
        for day in _fixed_dates(when, plan):
            if not first <= day <= last:
                issues.append(
                    Issue(
                        loc,
                        f"ngày {vn.day(day)} nằm ngoài kỳ kế hoạch "
                        f"({vn.day(first)} - {vn.day(last)}); sửa ngày hoặc kỳ kế hoạch",
                    )
                )
    return issues


def _fixed_dates(when: When | None, plan: Plan) -> list[dt.date]:
    """The dates a person wrote, which must lie inside the plan period."""
    if isinstance(when, DayWhen):
        return [when.date]
    if isinstance(when, WindowWhen):
        return [when.end]
    if isinstance(when, DeadlineWhen):
        return [when.by]
    if isinstance(when, MonthWhen):
        return [month_window(when)[1]]
    if isinstance(when, QuarterWhen):
        return [_quarter_end(when)]
    if isinstance(when, RecurringWhen):
        return [d for d in (when.start, when.end) if d is not None]
    return []


def _quarter_end(when: QuarterWhen) -> dt.date:
    from_month = when.quarter * 3
    return month_window(MonthWhen(year=when.year, month=from_month))[1]


def _cycle_issues(plan: Plan) -> list[Issue]:
    graph = {t.id: set(_task_deps(t)) for t in plan.tasks}
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        index = next(i for i, t in enumerate(plan.tasks) if t.id == cycle[0])
        return [
            Issue(
                ("tasks", index, "depends_on"),
                f"phụ thuộc vòng tròn: {' → '.join(reversed(cycle))}; bỏ một phụ thuộc",
            )
        ]
    return []


def _task_deps(task: Task) -> list[str]:
    deps = list(task.depends_on)
    if isinstance(task.when, EventWhen) and task.when.after:
        deps.append(task.when.after)
    return deps


# --- compilation ---------------------------------------------------------------------


def compile_plan(plan: Plan, units: UnitIndex) -> CompiledPlan:
    """Occurrences of every task and report, in dependency order. Raises CompileError."""
    issues = check_plan(plan, units)
    if issues:
        raise CompileError(
            f"kế hoạch '{plan.id}' có lỗi:\n" + "\n".join(f"  {_dotted(i.loc)}: {i.message}" for i in issues)
        )
    cal = calendar_for(plan)
    occurrences: list[Occurrence] = []
    by_task: dict[str, list[Occurrence]] = {}
    for task in plan.tasks:
        own = _expand(plan, task.id, task.title, task.when, cal)
        lead = tuple(units.resolve(u).id for u in task.lead)
        support = tuple(units.resolve(u).id for u in task.support)
        by_task[task.id] = [
            _with(o, lead=lead, support=support, label=task.label, section=task.section, review=task.review)
            for o in own
        ]
    for task in plan.tasks:
        task_deps = _task_deps(task)
        for occ in by_task[task.id]:
            deps = [d.key for dep in task_deps for d in _upstream(occ, by_task[dep])]
            occurrences.append(_with(occ, depends_on=tuple(deps)))
    for report in plan.reports:
        occurrences += _report_occurrences(plan, report, units, cal)
    return CompiledPlan(plan, _topological(occurrences))


def _expand(plan: Plan, item_id: str, title: str, when: When, cal: WorkCalendar) -> list[Occurrence]:
    one = Occurrence(
        key=f"{plan.id}/{item_id}",
        plan_id=plan.id,
        item_id=item_id,
        kind=OccurrenceKind.TASK,
        title=title,
        timing=Timing.DUE,
        lead=(),
        tentative=when.tentative,
        when_text=when.text,
    )
    if isinstance(when, RecurringWhen):
        out = []
        first, last = when.start or plan.period.start, when.end or plan.period.end
        periods = yearly_periods(first, last, when.on) if when.on else series(first, last, when.every)
        rule = when.due.model_copy(update={"offset": when.due.offset - 1}) if _eve(when, plan) else when.due
        for period in periods:
            start, due = due_window(period, rule, cal, _day_off(when, plan))
            out.append(
                _with(
                    one,
                    key=f"{one.key}/{period.label}",
                    period=period.label,
                    start=start,
                    due=due,
                    end=period.end,
                )
            )
        return out
    if isinstance(when, OngoingWhen):
        start = when.start or plan.period.start
        return [_with(one, timing=Timing.ONGOING, start=start, end=when.end)]
    if isinstance(when, EventWhen):
        return [_with(one, timing=Timing.EVENT)]
    start, due, moves = _dated_window(when, plan)
    if moves:
        due = cal.adjust(due, _day_off(when, plan))
    return [_with(one, start=start, due=due, end=due, then_ongoing=when.then_ongoing)]


def _eve(when: When, plan: Plan) -> bool:
    """ "trước ngày X" in a plan that reads it as "by the day before X"."""
    return (
        isinstance(when, DeadlineWhen | RecurringWhen)
        and when.before
        and plan.before is BeforeRule.DAY_BEFORE
    )


def _day_off(when: When, plan: Plan) -> DayOffRule:
    """A due date on the eve of X that falls on a day off moves back, never onto X itself."""
    return DayOffRule.PREVIOUS if _eve(when, plan) and plan.day_off is DayOffRule.NEXT else plan.day_off


def _dated_window(when: When, plan: Plan) -> tuple[dt.date, dt.date, bool]:
    """(start, due, moves_on_day_off) of a one-off item."""
    if isinstance(when, DayWhen):
        return when.date, when.date, False
    if isinstance(when, WindowWhen):
        return when.start, when.end, False
    if isinstance(when, DeadlineWhen):
        return (
            when.start or plan.period.start,
            when.by - dt.timedelta(days=1 if _eve(when, plan) else 0),
            True,
        )
    if isinstance(when, MonthWhen):
        first, last = month_window(when)
        return first, last, True
    if isinstance(when, QuarterWhen):
        end = _quarter_end(when)
        return dt.date(when.year, when.quarter * 3 - 2, 1), end, True
    raise CompileError(f"dạng thời gian '{when.kind}' không có ngày cố định")


def _upstream(occ: Occurrence, upstream: Sequence[Occurrence]) -> list[Occurrence]:
    same_period = [u for u in upstream if occ.period is not None and u.period == occ.period]
    if same_period:
        return same_period
    if occ.due is None:
        return list(upstream)
    return [u for u in upstream if u.due is None or u.due <= occ.due] or [
        min(upstream, key=lambda u: u.due or dt.date.max)
    ]


def _report_occurrences(
    plan: Plan, report: ReportObligation, units: UnitIndex, cal: WorkCalendar
) -> list[Occurrence]:
    compiler = units.resolve(report.compiler).id
    out: list[Occurrence] = []
    for occ in _expand(plan, report.id, report.title, report.when, cal):
        inputs: list[Occurrence] = []
        for inp in report.inputs:
            input_start, input_due = _input_window(plan, occ, inp.when, inp.lead_days, cal)
            for ref in inp.units:
                unit = units.resolve(ref).id
                key = f"{plan.id}/{report.id}/{occ.period or 'once'}/{unit}"
                inputs.append(
                    Occurrence(
                        key=key,
                        plan_id=plan.id,
                        item_id=report.id,
                        kind=OccurrenceKind.REPORT_INPUT,
                        title=inp.title or f"Báo cáo gửi {units.by_id[compiler].name}: {report.title}",
                        timing=Timing.DUE if input_due else occ.timing,
                        lead=(unit,),
                        period=occ.period,
                        start=input_start,
                        due=input_due,
                        end=input_due,
                        review=report.review,
                    )
                )
        out += inputs
        out.append(
            _with(
                occ,
                kind=OccurrenceKind.REPORT,
                lead=(compiler,),
                review=report.review,
                depends_on=tuple(i.key for i in inputs),
            )
        )
    return out


def _input_window(
    plan: Plan, report_occ: Occurrence, when: When | None, lead_days: int, cal: WorkCalendar
) -> tuple[dt.date | None, dt.date | None]:
    """(start, due) of a unit's input to one report period: from the input's own schedule
    (the period ending with the report's, else the last one due before it), or
    ``lead_days`` working days before the report."""
    if when is not None:
        own = [o for o in _expand(plan, "input", "", when, cal) if o.due is not None]
        same_end = [o for o in own if o.end == report_occ.end]
        earlier = [o for o in own if report_occ.due is None or (o.due and o.due <= report_occ.due)]
        chosen = same_end or earlier[-1:]
        if chosen:
            return chosen[0].start, chosen[0].due
    if report_occ.due is None:
        return report_occ.start, None
    return report_occ.start, cal.add_working_days(report_occ.due, -lead_days)


def _topological(occurrences: list[Occurrence]) -> list[Occurrence]:
    by_key = {o.key: o for o in occurrences}
    order = graphlib.TopologicalSorter({o.key: set(o.depends_on) for o in occurrences})
    return [by_key[k] for k in order.static_order()]
