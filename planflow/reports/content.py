"""The content of a results report (Báo cáo kết quả thực hiện Kế hoạch), written from the data
the way a commune writes it (REGIME.md, "What a results report says"):

- **sender and addressee**: the plan's issuing body reports to the body the duty names
  (``addressee``, else the recipients other than the issuing body itself); the compiling unit
  prepares it and is named in "Lưu: VT, <abbreviation>.". A report whose every recipient is
  the issuing body (or one of its units) is the compiling unit's own document, headed and
  signed by that unit;
- **I.** the plan and the directing tasks (issuing, establishing, assigning) with their progress;
- **II.** per section of the plan: counts, the notable results quoted from progress notes
  and the results and figures the units' inputs report for that section; the targets with
  their cumulative values;
- **III.** overdue and blocked tasks with their reasons, targets behind, missing inputs and the
  difficulties the units report;
- **IV.** everything not done that falls due before the end of the next period or the next
  report's due date, whichever is later, and the units' own next steps;
- **V.** the units' proposals, then what the data call for.

How the units' notes are split and placed: ``planflow.reports.inputs``. An item whose
definition keeps a doubt open (``review:``, e.g. a deadline the importer assumed) is reported
with that doubt ("[Cần xác nhận: …]"), never as plain fact. Wording and titles are the
templates'.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from planflow import vnformat as vn
from planflow.numbers import parse_vn_number
from planflow.periods import period_containing
from planflow.reports.cycle import (
    SPENT_KEY,
    ReportWindow,
    document_symbol,
    issuer_lines,
    period_of,
    summary_line,
)
from planflow.reports.inputs import (
    ReceivedInput,
    TargetPlace,
    merge_inputs,
    sentence,
)
from planflow.reports.model import (
    BudgetLine,
    ChildLine,
    InputLine,
    NextStep,
    ReportContext,
    Section,
    SectionResult,
    TaskLine,
)
from planflow.reports.targets import Figure, TargetLine, cumulative, kind_of, target_line
from planflow.schema import Plan, ReportObligation, Task, Unit, UnitDirectory, UnitKind
from planflow.status import OccurrenceStatus, Status
from planflow.units import UnitIndex, monitor_names

_DIRECTING = (
    "ban hành",
    "thành lập",
    "kiện toàn",
    "chỉ đạo",
    "xây dựng kế hoạch",
    "phân công",
    "quyết định",
    "triển khai kế hoạch",
)
_NUMBERING = re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*)[.)]\s+")
_ROMAN = re.compile(r"^[IVXLC]+$")
_ANNEX = re.compile(r"^Phụ lục [IVXLC]+$")


@dataclass
class Inputs:
    """What the store knows beyond statuses: evidence per occurrence, and child plans."""

    evidence: Mapping[str, Sequence[str]] = field(default_factory=dict)
    children: Sequence[ChildLine] = ()


# --- who sends, to whom -----------------------------------------------------------------------


def abbreviation(unit: Unit, issuer: str = "") -> str:
    """How "Lưu: VT, …" names a unit: its ``abbreviation``; else an alias written as one
    (a word in capitals, "VHXH", or a name ending in one, "Phòng VH-XH" → "VHXH"); else the
    initials of its name without the kind of body ("Phòng", "Trung tâm")."""
    if unit.abbreviation:
        return unit.abbreviation
    for alias in sorted(unit.aliases, key=lambda a: " " in a):
        last = alias.split()[-1]
        if last.upper() == last and last != "VT" and sum(c.isalpha() for c in last) >= 2:
            return last.replace("-", "").replace("–", "")
    words = [w for w in re.split(r"[\s\-–]+", _without_locality(unit.name, issuer)) if w and w[0].isalpha()]
    if words and words[0].casefold() == "phòng":
        words = words[1:]
    elif words[:2] and " ".join(words[:2]).casefold() == "trung tâm":
        words = ["T", "T", *words[2:]]
    return "".join(w[0] for w in words).upper()


def _locality(issuer: str) -> str:
    lines = issuer_lines(issuer)
    return lines[1].casefold() if len(lines) == 2 else ""


def _without_locality(name: str, issuer: str) -> str:
    """ "Phòng Kinh tế xã Lộc Tấn" → "Phòng Kinh tế" under UBND xã Lộc Tấn."""
    locality = _locality(issuer)
    if locality and name.casefold().endswith(" " + locality):
        return name[: -len(locality) - 1]
    return name


def unit_header(unit: Unit, issuer: str) -> list[str]:
    """A unit's document header (Decree 30): the body it belongs to, then the unit, the
    locality the body already names dropped from the unit's name."""
    # A phòng or centre drops the commune's name; "Công an xã Lộc Tấn" keeps it.
    offices = ("department", "office", "center")
    name = _without_locality(unit.name, issuer) if unit.kind.value in offices else unit.name
    lines = issuer_lines(issuer)
    body = "UBND " + lines[1] if len(lines) == 2 else lines[0]
    return [body, name.upper()]


def _issuing_units(plan: Plan, index: UnitIndex) -> set[str]:
    """The issuing body's unit id and those of the units under it."""
    body = index.find(plan.issuer)
    if body is None:
        return set()
    return {body.id, *(u.id for u in index.by_id.values() if u.parent == body.id)}


def leadership(plan: Plan, index: UnitIndex) -> str | None:
    """The issuing body's leadership in "Nơi nhận" ("CT, các PCT UBND xã"): written as the
    plan's own Nơi nhận writes it, else the leadership unit's name; None when the directory
    has no leadership unit under the issuing body."""
    body = index.find(plan.issuer)
    leaders = [
        u for u in index.by_id.values() if body and u.kind is UnitKind.LEADERSHIP and u.parent == body.id
    ]
    if not leaders:
        return None
    for entry in plan.distribution:
        found = index.find(entry)
        if found is not None and found.id == leaders[0].id:
            return entry
    return leaders[0].name


# --- reports a task restates ------------------------------------------------------------------


def with_sent_reports(
    plan: Plan, directory: UnitDirectory, items: Sequence[OccurrenceStatus]
) -> list[OccurrenceStatus]:
    """A task that restates a report duty ("Báo cáo hoạt động", lead = the report's compiler,
    same periods) is done when that report was sent: its status and progress are the report's."""
    index = UnitIndex(directory)
    compilers = {r.id: index.resolve(r.compiler).id for r in plan.reports}
    sent: dict[tuple[str, str | None], OccurrenceStatus] = {
        (compilers[s.facts.item_id], s.facts.period): s
        for s in items
        if s.facts.kind == "report" and s.status.is_done and s.facts.period is not None
    }
    out = []
    for s in items:
        report = None
        if (
            s.facts.kind == "task"
            and s.facts.title.casefold().startswith("báo cáo")
            and len(s.facts.lead) == 1
        ):
            report = sent.get((s.facts.lead[0], s.facts.period))
        if report is not None and not s.status.is_done:
            late = (
                s.facts.due is not None
                and report.progress.done_at is not None
                and (report.progress.done_at.date() > s.facts.due)
            )
            s = replace(
                s,
                status=Status.DONE_LATE if late else Status.DONE_ON_TIME,
                days_overdue=None,
                progress=replace(report.progress, note=None),  # "Đã gửi báo cáo (bản 2)" is ours
            )
        out.append(s)
    return out


# --- pieces of the narrative ------------------------------------------------------------------


def section_title(title: str) -> str:
    """A plan heading as a part of the report: the last level ("III. NHIỆM VỤ — 1. Tăng
    cường …" → "Tăng cường …"), its numbering dropped, capitals lowered except Roman numerals."""
    levels = [part.strip() for part in title.split(" — ")]
    last = _NUMBERING.sub("", levels[-1]).rstrip(".")
    if last.upper() == last:
        words = [w if _ROMAN.match(w) else w.lower() for w in last.split()]
        last = " ".join(words)
    last = last[:1].upper() + last[1:]
    if len(levels) == 1 and _ANNEX.match(last):  # "PHỤ LỤC I": the plan's own appendix
        return f"Các nhiệm vụ tại {last} của Kế hoạch"
    top = _NUMBERING.sub("", levels[0]).casefold()
    if len(levels) > 1 and top == "tổ chức thực hiện" and not last.casefold().startswith("đề nghị"):
        return f"Nhiệm vụ của {last}"  # "VI. TỔ CHỨC THỰC HIỆN — 2. Phòng Văn hóa - Xã hội"
    return last


def _highlight(t: TaskLine) -> str | None:
    """A task's notable result as a sentence, quoting its progress note."""
    note = f" {sentence(t.note)}" if t.note else ""
    doubt = f" [Cần xác nhận: {t.review}]" if t.review else ""
    title = t.title.rstrip(".;") + (f" {t.period_label}" if t.period_label else "")
    if t.status == Status.OVERDUE.value:
        return f"{title} ({', '.join(t.lead)}): quá hạn {t.days_overdue} ngày.{note}{doubt}"
    if t.done_at:
        return f"{title}: hoàn thành ngày {t.done_at}.{note}{doubt}"
    if t.note or t.percent:
        percent = f" (đạt {vn.percent(t.percent)})" if t.percent else ""
        return f"{title}: đang thực hiện{percent}.{note}{doubt}"
    return None


def section_results(
    sections: Mapping[str, Sequence[TaskLine]], unit_notes: Mapping[str, Sequence[str]] | None = None
) -> list[SectionResult]:
    """Part II per section of the plan: counts, highlights and the units' results for it."""
    unit_notes = unit_notes or {}
    results = []
    for number, (title, lines) in enumerate(sections.items(), start=1):
        done = [t for t in lines if t.done_at or t.status in (Status.DONE_ON_TIME, Status.DONE_LATE)]
        results.append(
            SectionResult(
                number=number,
                title=section_title(title),
                total=len(lines),
                done=len(done),
                done_late=sum(1 for t in lines if t.status == Status.DONE_LATE.value),
                in_progress=sum(
                    1 for t in lines if t.status in (Status.IN_PROGRESS.value, Status.ONGOING.value)
                ),
                not_started=sum(
                    1 for t in lines if t.status in (Status.NOT_STARTED.value, Status.UPCOMING.value)
                ),
                overdue=sum(1 for t in lines if t.status == Status.OVERDUE.value),
                highlights=[h for t in lines if (h := _highlight(t))],
                unit_notes=list(unit_notes.get(title, [])),
            )
        )
    return results


_QUIET = {
    Status.ONGOING.value,
    Status.IN_PROGRESS.value,
    Status.NOT_STARTED.value,
    Status.UPCOMING.value,
    Status.WAITING_EVENT.value,
}


def _quiet(t: TaskLine) -> bool:
    """Nothing recorded and nothing wrong: running or not yet due, no note, figure or file,
    and no open doubt (a task with one gets its row, so the doubt is read)."""
    return t.status in _QUIET and not (t.note or t.percent or t.evidence or t.done_at or t.review)


def _merged(lines: Sequence[TaskLine], issuer: str) -> TaskLine:
    """One appendix row for a task, leads without the commune's name. A repeating task's
    periods share the row: its state counts them ("Quá hạn 2 kỳ; chưa bắt đầu 1 kỳ", short
    enough for the column), and the note says each one ("Tháng 1/2026 (hạn 02/02/2026): quá
    hạn 40 ngày. …"), then the notes recorded for them."""
    last = lines[-1]
    lead = [_without_locality(u, issuer) for u in last.lead]
    if len(lines) == 1:
        return replace(last, lead=lead)

    def state(t: TaskLine) -> str:
        days = f" {t.days_overdue} ngày" if t.days_overdue else ""
        due = f" (hạn {t.due})" if t.due else ""
        label = _lowered(t.status_label)
        return f"{_raised(t.period_label or t.period or '')}{due}: {label}{days}."

    counts: dict[str, int] = {}
    for t in lines:
        counts[t.status_label] = counts.get(t.status_label, 0) + 1
    summary = "; ".join(f"{label} {n} kỳ" for label, n in counts.items())
    notes = [f"{_raised(t.period_label or t.period or '')}: {sentence(t.note)}" for t in lines if t.note]
    return replace(
        last,
        period=None,
        period_label=None,
        lead=lead,
        status_label=summary[:1] + summary[1:].lower(),
        days_overdue=None,
        percent=None,
        done_at=None,
        note=" ".join([*(state(t) for t in lines), *notes]),
        evidence=[e for t in lines for e in t.evidence],
    )


def _lowered(text: str) -> str:
    return text[:1].lower() + text[1:]


def _raised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _distinct(lines: list[BudgetLine]) -> list[BudgetLine]:
    """Budget lines that would read alike (one row of Phụ lục II split per unit) name their unit."""
    names = [b.task for b in lines]
    return [replace(b, task=f"{b.task} ({b.lead})") if names.count(b.task) > 1 else b for b in lines]


def short_title(title: str, limit: int = 70) -> str:
    """A long task title in a table cell: its first clause ("…; bao gồm …" cut), at most
    ``limit`` characters ending on a whole word, "…" when cut."""
    first = re.split(r"[;:]\s|\.\s", title.strip(), maxsplit=1)[0].rstrip(".;: ")
    if len(first) <= limit and first == title.strip().rstrip(".;: "):
        return first
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(",;: ")
    return first + " …"


def appendix_section(
    title: str, lines: Sequence[TaskLine], issuer: str, figures: Mapping[str, str] | None = None
) -> Section:
    """A section of the appendix: a row per task that has something to show, in the plan's
    order; the ongoing tasks with nothing recorded only by label (a row each said nothing and
    made the appendix of a quarterly report sixteen pages long). ``figures`` (per task id):
    the cumulative figures of a task's targets, which give the task a row and end its note."""
    figures = figures or {}
    by_task: dict[str, list[TaskLine]] = {}
    for t in lines:
        by_task.setdefault(t.key.split("/")[1], []).append(t)
    rows, quiet = [], []
    for task_id, own in by_task.items():
        counted = figures.get(task_id)
        if counted is None and all(_quiet(t) for t in own):
            quiet.append(own[0].label or own[0].title.rstrip(".;"))
            continue
        row = _merged(own, issuer)
        if counted is not None:
            row = replace(row, note=f"{row.note.rstrip()} {counted}" if row.note else counted)
        rows.append(row)
    return Section(title, rows, quiet)


def is_directing(title: str) -> bool:
    """Whether a task is direction work (issuing plans, decisions, establishing teams)."""
    text = re.sub(r"^tham mưu\s+(cho\s+\S+\s+)?", "", title.casefold().strip())
    return text.startswith(_DIRECTING)


def next_horizon(
    plan: Plan,
    report: ReportObligation,
    item: OccurrenceStatus,
    items: Sequence[OccurrenceStatus],
    window: ReportWindow,
) -> dt.date:
    """Until when "IV. Phương hướng" looks: the end of the next period or the next report of
    the same duty's due date, whichever is later; the plan's end for a one-off report."""
    period = period_of(item.facts.period)
    if period is None:
        return plan.period.end
    following = period_containing(period.end + dt.timedelta(days=1), period.cadence).end
    after = [
        s.facts.due
        for s in items
        if s.facts.kind == "report"
        and s.facts.item_id == report.id
        and s.facts.due is not None
        and window.due is not None
        and s.facts.due > window.due
    ]
    return max(following, min(after)) if after else following


def next_steps(lines: Iterable[TaskLine], due_of: Mapping[str, dt.date]) -> list[NextStep]:
    """One step per task (its occurrences counted), in the order they fall due."""
    firsts: dict[str, tuple[dt.date, TaskLine, int]] = {}
    for t in lines:
        task = t.key.split("/")[1]
        due = due_of[t.key]
        first = firsts.get(task)
        if first is None or due < first[0]:
            firsts[task] = (due, t, (first[2] if first else 0) + 1)
        else:
            firsts[task] = (first[0], first[1], first[2] + 1)
    ordered = sorted(firsts.values(), key=lambda x: (x[0], x[1].title))
    return [
        NextStep(t.title.rstrip(".;"), ", ".join(t.lead), vn.day(due), n, t.review) for due, t, n in ordered
    ]


# --- the whole context ------------------------------------------------------------------------


def _task_line(
    s: OccurrenceStatus, names: Mapping[str, str], evidence: Sequence[str], monitor: Sequence[str] = ()
) -> TaskLine:
    f, p = s.facts, s.progress
    return TaskLine(
        key=f.key,
        label=f.label,
        title=f.title,
        period=f.period,
        lead=[names.get(u, u) for u in f.lead],
        support=[names.get(u, u) for u in f.support],
        start=vn.day(f.start) if f.start else None,
        due=vn.day(f.due) if f.due else None,
        status=s.status.value,
        status_label=s.status.label,
        percent=p.percent,
        days_overdue=s.days_overdue,
        done_at=vn.day(p.done_at.date()) if p.done_at else None,
        note=p.note,
        evidence=list(evidence),
        blocked_by=list(s.blocked_by),
        monitor=list(monitor),
        review=f.review,
        period_label=_lowered(vn.cycle_label(f.period, f.timing)) if f.period else None,
    )


def _input_line(s: OccurrenceStatus, names: Mapping[str, str], metrics: Mapping[str, str]) -> InputLine:
    p = s.progress
    return InputLine(
        unit=names.get(s.facts.lead[0], s.facts.lead[0]) if s.facts.lead else "",
        title=s.facts.title,
        due=vn.day(s.facts.due) if s.facts.due else None,
        received=s.status.is_done,
        received_at=vn.day(p.done_at.date()) if p.done_at else None,
        late=s.status is Status.DONE_LATE,
        overdue=s.status is Status.OVERDUE,
        note=p.note,
        values={metrics.get(k, k): vn.number(v) for k, v in sorted(p.values.items()) if k != SPENT_KEY},
        review=s.facts.review,
    )


def _targets(
    plan: Plan,
    items: Sequence[OccurrenceStatus],
    inputs: Sequence[OccurrenceStatus],
    children: Sequence[ChildLine],
    names: Mapping[str, str],
    window: ReportWindow,
    covered: set[str],
) -> tuple[list[TargetLine], list[TargetLine]]:
    """(the plan's headline targets, the tasks' targets), each with its cumulative value."""
    cutoff = window.data_to
    period = (plan.period.start, plan.period.end)
    figures: dict[str, list[Figure]] = {}
    tasks = [
        s for s in items if s.facts.kind == "task" and (s.facts.start is None or s.facts.start <= cutoff)
    ]
    for s in [*tasks, *inputs]:
        source = names.get(s.facts.lead[0], s.facts.lead[0]) if s.facts.lead else ""
        for key, value in s.progress.values.items():
            figures.setdefault(key, []).append(
                Figure(source, s.progress.done_at or s.progress.last_at, value)
            )
    for child in children:
        for key, text in child.values.items():
            figures.setdefault(key, []).append(Figure(child.issuer, None, parse_vn_number(text)))
    headline = [
        target_line(
            key=t.id or t.metric,
            task="",
            metric=t.metric,
            comparator=t.comparator.value,
            required=t.value,
            unit=t.unit,
            figures=_combinable(t.unit, figures.get(t.id or "", [])),
            due=plan.period.end,
            period=period,
            cutoff=cutoff,
        )
        for t in plan.targets
    ]
    last_due: dict[str, dt.date] = {}
    for s in items:
        if s.facts.kind == "task" and s.facts.due is not None:
            last_due[s.facts.item_id] = max(last_due.get(s.facts.item_id, s.facts.due), s.facts.due)
    lines = []
    for task in plan.tasks:
        if task.id not in covered:
            continue
        for t in task.targets:
            key = t.id or t.metric
            lines.append(
                target_line(
                    key=key,
                    task=task.title,
                    metric=t.metric,
                    comparator=t.comparator.value,
                    required=t.value,
                    unit=t.unit,
                    figures=_combinable(t.unit, figures.get(key, [])),
                    due=last_due.get(task.id, plan.period.end),
                    period=period,
                    cutoff=cutoff,
                    review=task.review,
                )
            )
    recorded = [t for t in lines if t.cumulative is not None]
    return headline, recorded


def _combinable(unit: str | None, figures: list[Figure]) -> list[Figure]:
    """A ratio from several places does not combine: only figures with a date (this plan's
    own) count; children's ratios are listed in their own table."""
    if kind_of(unit) == "count":
        return figures
    return [f for f in figures if f.at is not None]


def build_context(
    plan: Plan,
    directory: UnitDirectory,
    report: ReportObligation,
    item: OccurrenceStatus,
    items: Sequence[OccurrenceStatus],
    window: ReportWindow,
    today: dt.date,
    extra: Inputs | None = None,
    unit: str | None = None,
) -> ReportContext:
    """Everything a report for ``item`` (a report occurrence) says, from the statuses of the
    plan's occurrences evaluated at the data cut-off (``items``). With ``unit``: that unit's
    own input to the report — its document, on the tasks it leads, to the issuing body through
    the standing unit."""
    extra = extra or Inputs()
    index = UnitIndex(directory)
    author = index.resolve(unit) if unit is not None else None
    names = {u.id: u.name for u in directory.units}
    monitors = monitor_names(plan, directory)
    tasks = {t.id: t for t in plan.tasks}
    metrics = {t.id or t.metric: t.metric for task in plan.tasks for t in task.targets}
    metrics.update({t.id or t.metric: t.metric for t in plan.targets})
    covered = set(report.covers) if report.covers else set(tasks)
    items = with_sent_reports(plan, directory, items)

    def line(s: OccurrenceStatus) -> TaskLine:
        return _task_line(s, names, extra.evidence.get(s.facts.key, ()), monitors.get(s.facts.item_id, ()))

    relevant = [
        s
        for s in items
        if s.facts.kind == "task"
        and s.facts.item_id in covered
        and (s.facts.start is None or s.facts.start <= window.data_to)
        and (author is None or author.id in s.facts.lead)
    ]
    order = {t.id: i for i, t in enumerate(plan.tasks)}
    relevant.sort(key=lambda s: (order[s.facts.item_id], s.facts.due or dt.date.max, s.facts.key))
    grouped: dict[str, list[TaskLine]] = {}
    for s in relevant:  # sections and tasks in the plan's order, not the store's
        grouped.setdefault(tasks[s.facts.item_id].section or "Nhiệm vụ", []).append(line(s))

    prefix = item.facts.key + "/"
    input_items = [s for s in items if s.facts.kind == "report_input" and s.facts.key.startswith(prefix)]
    if author is not None:  # its own input only: what it reports is its own figures and notes
        input_items = [s for s in input_items if s.facts.key == f"{prefix}{author.id}"]
    asked = [index.resolve(u).id for inp in report.inputs for u in inp.units]
    input_items.sort(key=lambda s: asked.index(s.facts.lead[0]) if s.facts.lead[0] in asked else len(asked))
    inputs = [_input_line(s, names, metrics) for s in input_items]  # in the order the plan asks
    received = [s for s in input_items if s.status.is_done]
    children = list(extra.children)
    headline, targets = _targets(plan, items, received, children, names, window, covered)

    places = {
        t.id or t.metric: TargetPlace(t.metric, t.unit, task.section or "Nhiệm vụ")
        for task in plan.tasks
        for t in task.targets
    }
    places.update({t.id or t.metric: TargetPlace(t.metric, t.unit, None) for t in plan.targets})
    led: dict[str, list[str]] = {}
    for s in relevant:
        led.setdefault(tasks[s.facts.item_id].section or "Nhiệm vụ", []).extend(s.facts.lead)
    merged = merge_inputs(
        [
            ReceivedInput(
                s.facts.lead[0],
                names.get(s.facts.lead[0], s.facts.lead[0]),
                s.progress.note,
                {k: v for k, v in s.progress.values.items() if k != SPENT_KEY},
            )
            for s in received
        ],
        places,
        led,
        list(grouped),
        named=author is None,
    )

    budget, planned_total, spent_total, any_spent = [], Decimal(0), Decimal(0), False
    # a unit's own document: the budget of the tasks it leads
    own_tasks = [
        t.id for t in plan.tasks if t.id in covered and (author is None or author.id in _leads(t, index))
    ]
    for task_id in own_tasks:
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
        task = tasks[task_id]
        # the appendix is landscape: a budget row has room for two lines of title
        title = short_title(task.title, limit=140)
        name = f"{task.label}: {title}" if task.label else title
        lead = _without_locality(index.resolve(task.lead[0]).name, plan.issuer)
        budget.append(BudgetLine(name, _money(planned), _money(spent), lead))

    budget = _distinct(budget)
    overdue = [line(s) for s in relevant if s.status is Status.OVERDUE]
    blocked = [line(s) for s in relevant if s.status is Status.BLOCKED]
    horizon = next_horizon(plan, report, item, items, window)
    upcoming = [
        s
        for s in items
        if s.facts.kind == "task"
        and s.facts.item_id in covered
        and not s.status.is_done
        and s.facts.due is not None
        and window.data_to < s.facts.due <= horizon
    ]
    steps = next_steps(
        [line(s) for s in upcoming], {s.facts.key: s.facts.due for s in upcoming if s.facts.due}
    )
    counts = {
        "tasks": len(relevant),
        "done": sum(1 for s in relevant if s.status.is_done),
        "done_late": sum(1 for s in relevant if s.status is Status.DONE_LATE),
        "in_progress": sum(1 for s in relevant if s.status in (Status.IN_PROGRESS, Status.ONGOING)),
        "not_started": sum(1 for s in relevant if s.status in (Status.NOT_STARTED, Status.UPCOMING)),
        "overdue": len(overdue),
        "blocked": len(blocked),
        "inputs": len(inputs),
        "inputs_missing": sum(1 for i in inputs if not i.received),
        "children": len(children),
        "children_missing": sum(1 for c in children if not c.reported),
    }
    shortcomings = [
        *merged.shortcomings,
        *_shortcomings(counts, [*headline, *targets], inputs, children),
    ]
    proposals = [*merged.proposals, *_proposals(overdue, counts)]

    compiler = author or index.resolve(report.compiler)
    own = _issuing_units(plan, index)
    outward = [r for r in report.recipients if r.unit is None or index.resolve(r.unit).id not in own]
    unit_document = author is not None or (
        not outward and compiler.id in own and compiler.kind.value != "peoples_committee"
    )
    standing = (
        index.resolve(plan.standing_unit).name if index.find(plan.standing_unit) else plan.standing_unit
    )
    if author is not None:
        recipients = [f"{plan.issuer} (qua {_without_locality(standing, plan.issuer)})"]
    elif report.addressee:
        recipients = [report.addressee]
    elif unit_document:
        recipients = [plan.issuer]
    else:
        recipients = [index.resolve(r.unit).name if r.unit else (r.name or "") for r in outward]
    document = plan.document_number
    issued = f" ngày {vn.day(plan.issued)}" if plan.issued else ""
    about = plan.title[:1].lower() + plan.title[1:]
    number = f" số {document}" if document else ""
    reference = f"Kế hoạch{number}{issued} của {plan.issuer} về {about}"
    if unit_document:
        header = unit_header(compiler, plan.issuer)
        symbol = f"BC-{abbreviation(compiler, plan.issuer)}"
        head = compiler.head
        authority = []
        # The head's title, else the generic one; a title-only contact is no name to print.
        signer_title = (head.title if head and head.title else "Thủ trưởng đơn vị").upper()
        signer_name = (
            head.name
            if head
            and head.title
            and head.name.casefold() != head.title.casefold()
            and not head.name.casefold().startswith(head.title.casefold())
            else ""
        )
        sender = compiler.name
    else:
        header = issuer_lines(plan.issuer)
        symbol = document_symbol(plan.issuer)
        authority = [a.strip() for a in (plan.signer.authority or "").split("/") if a.strip()]
        if authority and authority[0].startswith("KT.") and len(header) == 2:
            authority.insert(0, "TM. ỦY BAN NHÂN DÂN")  # a People's Committee signs collectively
        signer_title, signer_name, sender = plan.signer.title, plan.signer.name, plan.issuer
    year = (window.due or today).year
    return ReportContext(
        plan_id=plan.id,
        report_id=report.id,
        key=item.facts.key,
        issuer_lines=header,
        number=f"Số:      /{symbol}",
        place_date=vn.place_date(plan.place, today),
        summary=summary_line(report, item.facts.period),
        sender=sender,
        by_unit=author is not None,
        recipients=recipients,
        preparer=compiler.name,
        plan_reference=reference,
        standing_unit=standing,
        cycle=vn.cycle_label(item.facts.period, item.facts.timing),
        period_phrase=vn.period_phrase(item.facts.period) or "Kế hoạch",
        period=item.facts.period,
        data_from=vn.day(window.data_from),
        data_to=vn.day(min(window.data_to, today)),
        due=vn.day(window.due) if window.due else None,
        as_of=vn.day(today),
        compiler=compiler.name,
        direction=[
            t
            for ls in grouped.values()
            for t in ls
            if is_directing(t.title) and (t.done_at or t.note or t.percent)
        ],
        results=section_results(grouped, merged.by_section),
        unit_results=merged.unplaced,
        unit_next=merged.next,
        sections=[
            appendix_section(title, lines, plan.issuer, _task_figures(plan, targets))
            for title, lines in grouped.items()
        ],
        headline_targets=headline,
        targets=targets,
        budget=budget,
        budget_planned_total=_money(planned_total) if budget else None,
        budget_spent_total=_money(spent_total) if any_spent else None,
        overdue=overdue,
        blocked=blocked,
        inputs=inputs,
        children=children,
        next_until=vn.day(horizon),
        next_steps=steps,
        shortcomings=shortcomings,
        proposals=proposals,
        counts=counts,
        distribution=[
            *(["Như trên"] if recipients else []),
            *[lead for lead in [leadership(plan, index)] if lead and lead not in recipients],
            f"Lưu: VT, {abbreviation(compiler, plan.issuer)}",
        ],
        appendix_of=f"Kèm theo Báo cáo số      /{symbol} ngày      /     /{year} của {sender}",
        signer_authority=authority,
        signer_title=signer_title,
        signer_name=signer_name,
    )


def _task_figures(plan: Plan, targets: Sequence[TargetLine]) -> dict[str, str]:
    """Per task id, its targets' cumulative figures as a sentence for its appendix row:
    "Số người dân được hướng dẫn đăng ký VNeID: lũy kế 2.050 người (Công an xã Lộc Tấn 1.200;
    Đoàn Thanh niên xã Lộc Tấn 850)."."""
    owner = {t.id or t.metric: task.id for task in plan.tasks for t in task.targets}
    out: dict[str, list[str]] = {}
    for t in targets:
        if t.cumulative is None or t.key not in owner:
            continue
        who = "; ".join(f"{c.unit} {c.value}" for c in t.contributions)
        text = f"{t.metric}: lũy kế {t.cumulative}{t.unit_suffix}{f' ({who})' if who else ''}."
        out.setdefault(owner[t.key], []).append(text)
    return {task: " ".join(texts) for task, texts in out.items()}


def _leads(task: Task, index: UnitIndex) -> set[str]:
    return {found.id for ref in task.lead if (found := index.find(ref)) is not None}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else vn.number(value)


def _shortcomings(
    counts: Mapping[str, int],
    targets: Sequence[TargetLine],
    inputs: Sequence[InputLine],
    children: Sequence[ChildLine],
) -> list[str]:
    out: list[str] = []
    if counts["done_late"]:
        out.append(f"Có {counts['done_late']} nhiệm vụ hoàn thành trễ hạn.")
    if counts["blocked"]:
        out.append(f"Có {counts['blocked']} nhiệm vụ chưa triển khai được do nhiệm vụ trước chưa hoàn thành.")
    missed = [t for t in targets if t.verdict == "Chưa đạt"]
    if missed:
        out.append(f"{len(missed)} chỉ tiêu chưa đạt: " + "; ".join(t.metric for t in missed) + ".")
    behind = [t for t in targets if t.expected is not None and t.verdict == "Đang thực hiện"]
    if behind:
        out.append(
            "Chỉ tiêu chưa đạt tiến độ theo thời gian: "
            + "; ".join(
                f"{t.metric} (lũy kế {t.cumulative}/{t.required}{' ' + t.unit if t.unit else ''}, "
                f"cần đạt khoảng {t.expected} đến thời điểm báo cáo)"
                for t in behind
            )
            + "."
        )
    missing = [i.unit for i in inputs if not i.received]
    if missing:
        out.append(f"Chưa nhận được báo cáo của {len(missing)} đơn vị: {', '.join(missing)}.")
    late = [c.issuer for c in children if not c.reported]
    if late:
        out.append(f"Chưa nhận được báo cáo của {len(late)} địa phương: {', '.join(late)}.")
    if counts["overdue"]:  # last: the template lists the overdue tasks right after it
        out.append(f"Còn {counts['overdue']} nhiệm vụ quá hạn chưa hoàn thành (nêu dưới đây).")
    return out


def _proposals(overdue: Sequence[TaskLine], counts: Mapping[str, int]) -> list[str]:
    out: list[str] = []
    late_units = sorted({u for t in overdue for u in t.lead})
    if late_units:
        names = ", ".join(u[:1].lower() + u[1:] if u.startswith("Các ") else u for u in late_units)
        out.append(f"Đề nghị chỉ đạo {names} khẩn trương hoàn thành các nhiệm vụ quá hạn.")
    if counts["inputs_missing"] or counts["children_missing"]:
        out.append("Đề nghị các đơn vị, địa phương chưa báo cáo gửi báo cáo ngay để kịp tổng hợp.")
    return out


def child_line(
    plan: Plan,
    items: Iterable[OccurrenceStatus],
    report_item: OccurrenceStatus | None,
    version: int | None,
    cutoff: dt.date | None = None,
    colour: str = "",
) -> ChildLine:
    """A child plan's line in its parent's roll-up: progress counts, its report, whether that
    report was sent, and its figures per target key to ``cutoff`` (for summing)."""
    items = list(items)
    tasks = [s for s in items if s.facts.kind == "task"]
    sent = report_item is not None and report_item.status.is_done
    done_at = report_item.progress.done_at if report_item is not None else None
    units = {t.id or t.metric: t.unit for task in plan.tasks for t in task.targets}
    units.update({t.id or t.metric: t.unit for t in plan.targets})
    figures: dict[str, list[Figure]] = {}
    for s in items:
        if cutoff is not None and s.facts.start is not None and s.facts.start > cutoff:
            continue
        for key, value in s.progress.values.items():
            if key != SPENT_KEY:
                figures.setdefault(key, []).append(
                    Figure("", s.progress.done_at or s.progress.last_at, value)
                )
    values = {
        k: vn.number(v) for k, f in sorted(figures.items()) if (v := cumulative(units.get(k), f)) is not None
    }
    return ChildLine(
        plan_id=plan.id,
        issuer=plan.issuer,
        title=plan.title,
        document=plan.document_number,
        done=sum(1 for s in tasks if s.status.is_done),
        total=len(tasks),
        overdue=sum(1 for s in tasks if s.status is Status.OVERDUE),
        report_title=report_item.facts.title if report_item else None,
        report_due=vn.day(report_item.facts.due) if report_item and report_item.facts.due else None,
        reported=sent,
        reported_at=vn.day(done_at.date()) if sent and done_at else None,
        version=version,
        values=values,
        colour=colour,
    )
