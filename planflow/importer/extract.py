"""From a read document to a plan draft: the importer's pipeline, pure (no I/O).

layout (page residue out, tables back) → paragraphs → outline → frame (header, title,
bases, objectives, signature, distribution) → body tasks and appendix rows → one task per
activity written twice → duties (standing unit, reports) → what could not be understood.
"""

from __future__ import annotations

import re
from decimal import Decimal

from planflow.errors import DocumentError
from planflow.importer.doctype import Decision, block_lines, classify
from planflow.importer.document import DOUBTFUL, SourceDocument
from planflow.importer.draft import PlanDraft, ReportDraft, TaskDraft
from planflow.importer.duties import read_duties, report_duties, standing_unit
from planflow.importer.header import (
    read_bases,
    read_distribution,
    read_header,
    read_objectives,
    read_period_from_title,
    read_plan_time_and_budget,
    read_signature,
    read_signature_lines,
    read_title,
)
from planflow.importer.layout import clean_layout
from planflow.importer.outline import Node, build_outline, paragraphs
from planflow.importer.steps import campaign_period, dated_steps
from planflow.importer.tables import join_continued, read_table
from planflow.importer.tasks import BodyContext, body_tasks, duty_tasks, tasks_in_appendix, words
from planflow.importer.unitnames import Matcher, is_vague
from planflow.schema import UnitDirectory
from planflow.when import normalize


def extract(document: SourceDocument, directory: UnitDirectory | None, year: int | None = None) -> PlanDraft:
    """The plan draft of ``document``; DocumentError when it is not a plan."""
    layout = clean_layout(document.blocks)
    kind = classify(layout.blocks, document.path)
    root = build_outline(paragraphs(join_continued(layout.blocks[kind.start :])))
    draft = PlanDraft(
        source=document.path, kind=document.kind, year=year, footnotes=document.footnotes + layout.footnotes
    )
    draft.warnings += document.notes  # what the reader could only half read (OCR, text boxes)
    read_header(layout.blocks, draft)
    if kind.decision is not None:
        _decision_header(draft, kind.decision)
    read_title(root, draft)
    matcher = Matcher(directory, draft.place)
    context = BodyContext(matcher, draft.year)
    body = body_tasks(root, context)
    tables, table_reports = _tables(root, context, draft)
    if not any(t.lead for t in body) and not any(tables) and not _appendix_unread(root):
        # the parts on tasks assign nothing: the units' duties give the work out
        assigned = duty_tasks(root, context)
        if len(assigned) >= 3:
            tables = [dated_steps(root, context) + assigned]
    draft.tasks = merge_duplicates(body, tables)
    if tasks_in_appendix(root) or any(t.source == "duties" for rows in tables for t in rows):
        draft.tasks = drop_descriptions(draft.tasks, tables)
    elif len([t for t in body if t.owner]) >= 3:
        # the plan gives its tasks out unit by unit: general measures beside them assign nothing
        draft.tasks = drop_descriptions(draft.tasks, [[t for t in body if t.owner]])
    if not draft.tasks and _appendix_unread(root):
        raise DocumentError(
            f"{document.path}: văn bản là một Kế hoạch nhưng không tìm thấy nhiệm vụ nào: các nhiệm vụ ở "
            "phụ lục, và bảng của phụ lục không đọc được (các ô bị dàn thành từng dòng); hãy dùng file "
            ".docx hoặc .pdf gốc"
        )
    if not draft.tasks:
        raise DocumentError(
            f"{document.path}: văn bản là một Kế hoạch nhưng không tìm thấy nhiệm vụ nào (không có mục "
            "“Nội dung”, “Nhiệm vụ”, “Các hoạt động” hay bảng nhiệm vụ); kiểm tra lại file (thiếu phụ lục?)"
        )
    read_bases(root, draft)
    read_objectives(root, draft)
    read_plan_time_and_budget(root, draft)
    read_period_from_title(draft)
    if draft.period is None and any(t.source == "duties" for t in draft.tasks):
        # a campaign states its time in a part of its own ("2. Thời gian thi đua")
        draft.period = campaign_period(root, draft.year)
        draft.period_source = "phần thời gian của kế hoạch" if draft.period else None
    if draft.year is None and draft.period is not None:
        draft.year = draft.period[0].year
    read_signature(root, draft)
    if draft.signer is None:
        read_signature_lines(block_lines(layout.blocks), draft)
    read_distribution(root, draft)
    duties = read_duties(root, matcher)
    standing = standing_unit(duties)
    if standing is not None:
        draft.standing_unit, draft.standing_source = standing
    closing = [t for n in root.children if n.kind == "closing" for t in (n.text, *n.body)]
    draft.reports = report_duties(duties, closing, matcher, draft.year, draft.standing_unit) + table_reports
    _review(draft)
    _ocr_doubts(draft)
    return draft


def _ocr_doubts(draft: PlanDraft) -> None:
    """A field holding a word OCR read with doubt ("Quý II/2026[?]") is marked for review."""
    for task in draft.tasks:
        if task.time is not None and DOUBTFUL in task.time.text:
            task.doubt("when", f"chữ đọc bằng OCR không chắc chắn: “{task.time.text}”; đối chiếu bản giấy")
        for name in ("lead", "support"):
            if any(DOUBTFUL in ref.name for ref in getattr(task, name)):
                task.doubt(name, "tên đơn vị đọc bằng OCR không chắc chắn; đối chiếu bản giấy")


def _appendix_unread(root: Node) -> bool:
    """The parts on tasks point to an appendix, and the appendix has no table that could be
    read (its table flattened into lines): its tasks are missing, the duties are no substitute."""
    appendices = [n for n in root.children if n.kind == "appendix"]
    return tasks_in_appendix(root) and any(not any(c.kind == "table" for c in n.walk()) for n in appendices)


def _decision_header(draft: PlanDraft, decision: Decision) -> None:
    """A plan issued through a decision has no number of its own: the header read is the
    decision's, so its number and date complete what the attachment line says."""
    number = decision.number
    if draft.document_number and "/QĐ" in draft.document_number.upper():
        number = number or draft.document_number
        draft.document_number = None
        draft.doubts.pop("document_number", None)
    draft.decision = Decision(number, decision.issued or draft.issued)


def _tables(
    root: Node, context: BodyContext, draft: PlanDraft
) -> tuple[list[list[TaskDraft]], list[ReportDraft]]:
    tasks: list[list[TaskDraft]] = []
    reports: list[ReportDraft] = []
    count = 0
    for node in root.walk():
        if node.kind != "table" or node.table is None:
            continue
        count += 1
        label, section = _table_place(node, count)
        result = read_table(node.table, label, section, context)
        if result is None:
            continue
        tasks.append(result.tasks)
        reports += result.reports
        draft.budget_checks += result.checks
        draft.warnings += result.warnings
        if result.total is not None:
            if draft.budget_total is not None and draft.budget_total != result.total:
                draft.warnings.append(
                    f"{label}: dòng tổng cộng {result.total} triệu đồng khác kinh phí ghi ở phần Kinh phí "
                    f"({draft.budget_total} triệu đồng)"
                )
            draft.budget_total = draft.budget_total or result.total
    return tasks, reports


def _table_place(node: Node, count: int) -> tuple[str, str]:
    """("PL II", "PHỤ LỤC II — DANH MỤC NHIỆM VỤ") for a table under an appendix heading."""
    appendix = node.parent
    if appendix is not None and appendix.kind == "appendix":
        number = re.match(r"^ph[ụu] l[ụu]c\s*([IVXLC\d]+)?", normalize(appendix.text), re.IGNORECASE)
        numeral = number.group(1).upper() if number and number.group(1) else ""
        label = f"PL {numeral}".strip()
        subtitle = next((b for b in appendix.body if not b.startswith("(")), "")
        heading = re.sub(r"\s+", " ", f"{appendix.text} — {subtitle}").strip(" —")
        return label, heading
    return f"Bảng {count}", f"Bảng {count}"


def similarity(a: TaskDraft, b: TaskDraft) -> float:
    """How surely two items are the same activity: words shared by their texts, relative
    to the shorter one, damped when one text is much longer."""
    left, right = words(a.text or a.title), words(b.text or b.title)
    if min(len(left), len(right)) < 4:
        return 0.0
    shared = len(left & right)
    containment = shared / min(len(left), len(right))
    dice = 2 * shared / (len(left) + len(right))
    return (containment + dice) / 2


# Two texts this alike are the same activity written twice (III.5 and III.7 of a plan).
SAME_TEXT = 0.8
# A row of a table that lists the body's activities again, in their order, is the same
# activity at this likeness; elsewhere only a near-identical text is.
LISTED = 0.45


def merge_duplicates(body: list[TaskDraft], tables: list[list[TaskDraft]]) -> list[TaskDraft]:
    """One task per activity: a body item written twice is kept once, and an appendix
    row that repeats a body item enriches it (lead, time, budget from the row)."""
    tasks: list[TaskDraft] = []
    for task in body:
        twin = next((t for t in tasks if similarity(t, task) >= SAME_TEXT), None)
        if twin is None:
            tasks.append(task)
        else:
            _enrich(twin, task, keep_title=True)
    extra: list[TaskDraft] = []
    for rows in tables:
        pairs = _pairs(rows, tasks)
        for r, row in enumerate(rows):
            if r in pairs:
                _enrich(tasks[pairs[r]], row, keep_title=True, prefer_other=True)
            else:
                extra.append(row)
    return tasks + extra


def drop_descriptions(tasks: list[TaskDraft], tables: list[list[TaskDraft]]) -> list[TaskDraft]:
    """When the plan's part on tasks sends the reader to an appendix table that names the
    lead units, the body's items that name no unit and no time, and repeat no row,
    describe (a roadmap, directions): they assign nothing, the table is the task list."""
    rows = [row for rows in tables for row in rows]
    if len([r for r in rows if r.lead]) < 3:
        return tasks
    return [t for t in tasks if t.source != "body" or t.lead or t.time is not None]


def _pairs(rows: list[TaskDraft], tasks: list[TaskDraft]) -> dict[int, int]:
    """Which body task each row repeats. A table that lists the body's activities in
    the same order (most rows' best match in increasing order) pairs at ``LISTED``
    likeness; any other table only at ``SAME_TEXT``."""
    best: list[tuple[float, int]] = []
    for row in rows:
        scores = [(similarity(row, task), t) for t, task in enumerate(tasks)]
        best.append(max(scores, default=(0.0, -1)))
    good = [(r, t) for r, (s, t) in enumerate(best) if s >= 0.5]
    order = [t for _, t in good]
    listing = len(good) >= max(2, 0.6 * len(rows)) and order == sorted(set(order))
    threshold = LISTED if listing else SAME_TEXT
    pairs: dict[int, int] = {}
    for r, (score, t) in enumerate(best):
        if score >= threshold and t not in pairs.values():
            pairs[r] = t
    return pairs


def _enrich(task: TaskDraft, other: TaskDraft, keep_title: bool, prefer_other: bool = False) -> None:
    task.label = "; ".join(x for x in (task.label, other.label) if x)
    task.source = "both" if other.source != task.source else task.source
    if not keep_title or not task.title:
        task.title = other.title
    task.notes.append(f"Gộp với {other.label}: “{other.title}”")
    for name in ("lead", "support", "guide"):
        mine, theirs = getattr(task, name), getattr(other, name)
        if theirs and (prefer_other or not mine):
            setattr(task, name, list(theirs))
    if other.time is not None and (prefer_other or task.time is None or task.time_inferred):
        if task.time is not None and task.time.when is not None and task.time.text != other.time.text:
            task.notes.append(f"Thời gian ở {task.label.split(';')[0]}: {task.time.text}")
        task.time, task.time_inferred = other.time, other.time_inferred
        task.doubts.pop("when", None)
    if other.budget is not None:
        task.budget = (task.budget or Decimal(0)) + other.budget if not prefer_other else other.budget
    task.targets += other.targets
    for name in ("venue", "participants", "audience", "modality"):
        if getattr(task, name) is None:
            setattr(task, name, getattr(other, name))
    if other.content:
        task.content = f"{task.content} {other.content}".strip() if task.content else other.content
    task.notes += other.notes
    for key, value in other.doubts.items():
        task.doubt(key, value)
    task.text = f"{task.text} {other.text}"


def _review(draft: PlanDraft) -> None:
    """Mark what the document does not say, or says impossibly."""
    for task in draft.tasks:
        where = task.label or task.title[:40]
        if not task.lead:
            task.doubt("lead", "văn bản không ghi đơn vị chủ trì")
        for name in ("lead", "support"):
            vague = [r.name for r in getattr(task, name) if is_vague(r)]
            if vague:
                listed = ", ".join(f"“{v}”" for v in vague)
                why = "tên chung, không chỉ rõ đơn vị chịu trách nhiệm; ghi rõ tên đơn vị"
                task.doubt(name, f"{listed}: {why}")
        if task.time is None:
            task.doubt("when", "văn bản không ghi thời gian")
        elif task.time.when is None:
            task.doubt("when", f"thời gian “{task.time.text}” không đọc được: {task.time.problem}")
            draft.warnings.append(f"{where}: thời gian “{task.time.text}” không hợp lệ — {task.time.problem}")
    for report in draft.reports:
        if report.time is not None and report.time.when is None:
            draft.warnings.append(f"báo cáo “{report.title}”: thời hạn không hợp lệ — {report.time.problem}")
    if draft.signer is None:
        draft.doubts["signer"] = "không tìm thấy khối chữ ký (TM./KT. … tên người ký)"
    if draft.standing_unit is None:
        draft.doubts["standing_unit"] = "văn bản không nêu cơ quan thường trực"
