"""Tables of a plan (mostly its appendices): rows of tasks, budget groups, report duties.

A table is read by its header (:mod:`planflow.importer.columns`). Rows numbered 1, 2 …
are tasks; rows numbered I, II … are groups (with a subtotal in a budget table); a row
without a number continues the row above — the rest of a cell broken by a page, or one
more unit with its own share of the budget ("phân bổ đều cho 05 đơn vị"), which becomes a
task of its own. Rows whose task is a report ("Báo cáo chi tiêu …") are report duties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from planflow.importer.columns import Role, header_roles, role_of
from planflow.importer.document import Block, Table
from planflow.importer.draft import BudgetCheck, ReportDraft, TaskDraft
from planflow.importer.fields import Field
from planflow.importer.quantities import million_vnd, target_cell, targets_in
from planflow.importer.tasks import BodyContext, add_units
from planflow.importer.timing import ReadTime, looks_like_time, read_time
from planflow.when import RecurringWhen, normalize

_ROMAN_INDEX = re.compile(r"^[IVXLC]+\.?$")
_CAPITAL_INDEX = re.compile(r"^[A-ZĐ]\.?$")
_NUMBER_INDEX = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_LETTER_INDEX = re.compile(r"^[a-zđ]\s*[).]?$")
_BULLET_INDEX = re.compile(r"^[-–+•*]$")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$|^\([^()]{1,12}\)$")
_TOTAL = re.compile(r"^\s*(?:tổng cộng|tổng số|tổng|cộng)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(20\d\d)\b")
_QUALITATIVE = re.compile(r"[^\W\d_]")
# Roles a sub-row takes from the row it sits under when its own cell is empty: a PDF
# prints a cell merged down several rows once.
_INHERITED = (Role.LEAD, Role.SUPPORT, Role.TIME, Role.FUNDING)


@dataclass
class _Row:
    index: str
    cells: dict[Role, str]
    group: tuple[str, str] | None
    parent: _Row | None = None
    subrows: list[_Row] = field(default_factory=list)
    depth: int = 2
    path: tuple[_Row, ...] = ()  # the numbered rows above it ("1" above "1.1", "a)")
    children: int = 0
    merged_lead: bool = False  # the lead was taken from the row above (a merged cell)

    def cell(self, role: Role) -> str:
        return self.cells.get(role, "")

    def add(self, role: Role, text: str) -> None:
        if text:
            self.cells[role] = f"{self.cells.get(role, '')} {text}".strip()


@dataclass
class TableResult:
    tasks: list[TaskDraft] = field(default_factory=list)
    reports: list[ReportDraft] = field(default_factory=list)
    checks: list[BudgetCheck] = field(default_factory=list)
    total: Decimal | None = None
    warnings: list[str] = field(default_factory=list)


def read_table(table: Table, label: str, section: str, context: BodyContext) -> TableResult | None:
    """Tasks, reports and budget groups of a table; None when it lists no tasks."""
    found = table_header(table.rows)
    if found is None:
        return None
    header, roles, body = found
    budget_year = next((m.group(1) for c, r in zip(header, roles, strict=False)
                        if r is Role.BUDGET for m in [_YEAR.search(c)] if m), None)  # fmt: skip
    in_dong = any(r is Role.BUDGET and "triệu" not in normalize(c) and "đồng" in normalize(c)
                  for c, r in zip(header, roles, strict=False))  # fmt: skip
    warnings: list[str] = []
    rows, groups, total = _rows(table.rows[body:], roles, warnings)
    result = TableResult(total=total, warnings=[f"{label}: {w}" for w in warnings])
    for row in rows:
        if row.children:
            continue  # a row with numbered rows under it ("1" above "1.1", "1.2") is a heading
        for entry in [row, *row.subrows]:
            _entry(entry, row, label, section, table.where, context, budget_year, in_dong, result)
    _check_budget(groups, rows, result, label)
    return result


def join_continued(blocks: list[Block]) -> list[Block]:
    """A task table broken by a page (a PDF gives one table per page): the next table, right
    after it and as wide, with no header of its own or the same header again, continues it."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (
            isinstance(block, Table)
            and isinstance(previous, Table)
            and block.rows
            and len(block.rows[0]) == len(previous.rows[0])
            and table_header(previous.rows) is not None
            and (table_header(block.rows) is None or block.rows[0] == previous.rows[0])
        ):
            out[-1] = Table(previous.rows + block.rows, previous.where)
            continue
        out.append(block)
    return out


def table_header(rows: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], list[Role], int] | None:
    """The header of a task table (its cells, the role of each column, the first body row),
    or None. A header may span two rows ("Cơ quan thực hiện" over "Chủ trì" | "Phối hợp"):
    the lower, more precise label wins."""
    for at, row in enumerate(rows[:4]):
        roles = header_roles(list(row))
        if roles is None:
            continue
        cells = list(row)
        body = at + 1
        if body < len(rows) and _sub_header(rows[body]):
            lower = rows[body]
            for c, text in enumerate(lower[: len(cells)]):
                if text.strip() and text != cells[c]:
                    role = role_of(text)
                    cells[c] = f"{cells[c]} {text}".strip() if cells[c] != text else text
                    roles[c] = role or roles[c]
            body += 1
        return tuple(cells), roles, body
    return None


def _sub_header(row: tuple[str, ...]) -> bool:
    """A second header row: only known labels, no row number."""
    texts = [t.strip() for t in row if t.strip()]
    first = row[0].strip() if row else ""
    if not texts or _NUMBER_INDEX.match(first) or _ROMAN_INDEX.match(first):
        return False
    return all(role_of(t) is not None or t.startswith("(") for t in texts)


def _column_numbers(values: tuple[str, ...]) -> bool:
    """ "(1) (2) (3) …" or "1 2 3 …" under a header: column numbers, not a row."""
    texts = [v.strip() for v in values if v.strip()]
    return len(texts) >= 3 and all(_COLUMN_NUMBER.match(t) for t in texts)


def _depth(index: str, numbered: bool) -> int | None:
    """How deep a row sits by its number: A (0), I (1), 1 (2), 1.1 (3) …, a) (9), - (10);
    None for a row without a number (the rest of the row above, broken by a page)."""
    if _ROMAN_INDEX.match(index):
        return 1
    if _CAPITAL_INDEX.match(index):
        return 0
    if _NUMBER_INDEX.match(index):
        return 2 + index.rstrip(".").count(".")
    if _LETTER_INDEX.match(index):
        return 9
    if _BULLET_INDEX.match(index):
        return 10
    if not index:
        return None if numbered else 2
    return 2


def _unshifted(
    raw: tuple[tuple[str, ...], ...], roles: list[Role], warnings: list[str]
) -> list[tuple[str, ...]]:
    """Rows whose number column holds words: their cells slid left (a merged cell lost on
    the way). The cells from the next row number on are that row, put back in place; the
    ones before it cannot be placed and are left out, with a warning."""
    if not roles or roles[0] is not Role.INDEX:
        return list(raw)
    out: list[tuple[str, ...]] = []
    for values in raw:
        if len(values[0].split()) <= 2:
            out.append(values)
            continue
        start = next((k for k, v in enumerate(values) if k and _is_index(v.strip())), None)
        lost = values[:start] if start is not None else values
        warnings.append(f"dòng “{' | '.join(v for v in lost if v.strip())[:120]}” lệch cột; đã bỏ qua")
        if start is not None:
            out.append(values[start:] + ("",) * start)
    return out


def _is_index(text: str) -> bool:
    return bool(_NUMBER_INDEX.match(text) or _ROMAN_INDEX.match(text) or _CAPITAL_INDEX.match(text))


def _rows(
    raw: tuple[tuple[str, ...], ...], roles: list[Role], warnings: list[str]
) -> tuple[list[_Row], dict[tuple[str, str], Decimal | None], Decimal | None]:
    rows: list[_Row] = []
    groups: dict[tuple[str, str], Decimal | None] = {}
    group: tuple[str, str] | None = None
    stack: list[_Row] = []
    total: Decimal | None = None
    numbered = Role.INDEX in roles
    for values in _unshifted(raw, roles, warnings):
        cells: dict[Role, str] = {
            r: v.strip() for r, v in zip(roles, values, strict=False) if r is not Role.OTHER
        }
        if header_roles(list(values)) or not any(cells.values()) or _column_numbers(values):
            continue  # a header repeated on a new page, an empty row, the column numbers
        index = cells.get(Role.INDEX, "").strip()
        first = next((v for v in values if v.strip()), "")
        if _TOTAL.match(first):
            total = million_vnd(cells.get(Role.BUDGET, "")) or total
            continue
        depth = _depth(index, numbered)
        unread = depth is None or (depth == 2 and not _NUMBER_INDEX.match(index))
        if unread and _in_capitals(cells.get(Role.TASK, "")) and not _acts(cells):
            depth = 1  # a group heading whose number OCR misread ("HÌ" for "III")
        if depth is None and rows:
            _continue(rows[-1], cells)
            continue
        depth = 2 if depth is None else depth
        if depth <= 1 and not _acts(cells):
            group = (index.rstrip("."), cells.get(Role.TASK, ""))
            groups[group] = million_vnd(cells.get(Role.BUDGET, ""))
            stack = []
            continue
        while stack and stack[-1].depth >= depth:
            stack.pop()
        row = _Row(re.sub(r"[).]+$", "", index), cells, group, depth=depth, path=tuple(stack))
        _merged_lead(row, rows[-1] if rows else None)
        if stack:
            stack[-1].children += 1
            for role in _INHERITED:
                if not row.cell(role):
                    inherited = next((r.cell(role) for r in reversed(stack) if r.cell(role)), "")
                    if inherited:
                        row.cells[role] = inherited
        rows.append(row)
        stack.append(row)
    return rows, groups, total


def _merged_lead(row: _Row, above: _Row | None) -> None:
    """A lead cell merged down several rows is printed once in a PDF: an empty lead cell
    right under a row of the same group takes that row's lead, marked for review."""
    if row.cell(Role.LEAD) or above is None or above.group != row.group or above.depth != row.depth:
        return
    lead = above.cell(Role.LEAD)
    if lead:
        row.cells[Role.LEAD] = lead
        row.merged_lead = True


def _in_capitals(text: str) -> bool:
    """A group heading is written in capitals ("NÂNG CAO NHẬN THỨC"); a task never is."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _acts(cells: dict[Role, str]) -> bool:
    """A row numbered I, II … is a group heading unless it names who does it and when."""
    return bool(cells.get(Role.LEAD) and cells.get(Role.TIME))


def _continue(row: _Row, cells: dict[Role, str]) -> None:
    """A row without a number: more text of the row above, or one more unit with its
    own share of the budget."""
    current = row.subrows[-1] if row.subrows else row
    row.add(Role.TASK, cells.pop(Role.TASK, ""))
    lead = cells.get(Role.LEAD, "")
    if lead and current.cell(Role.LEAD) and cells.get(Role.BUDGET):
        sub = _Row(row.index, {r: v for r, v in cells.items() if v}, row.group, parent=row)
        row.subrows.append(sub)
        return
    for role, value in cells.items():
        if role is Role.BUDGET and value and current.cell(Role.BUDGET):
            current.cells[role] = f"{current.cells[role]} {value}"
        elif role is Role.TIME and value and current.cell(Role.TIME):
            continue  # the same time printed again on a continuation line
        else:
            current.add(role, value)


def _entry(
    entry: _Row,
    row: _Row,
    label: str,
    section: str,
    where: str,
    context: BodyContext,
    budget_year: str | None,
    in_dong: bool,
    result: TableResult,
) -> None:
    title = re.sub(r"^[-–•]\s*", "", row.cell(Role.TASK)).strip(' “”"')
    if not title:
        return
    numbers = [r.index for r in row.path if r.index] + ([row.index] if row.index else [])
    index = ".".join(_own_part(n, numbers[:i]) for i, n in enumerate(numbers))
    group = f"{entry.group[0]}." if entry.group else ""
    heads = [f"{entry.group[0]}. {entry.group[1]}"] if entry.group else []
    heads += [f"{r.index}. {_short(r.cell(Role.TASK))}" for r in row.path]
    task = TaskDraft(
        title=title,
        where=where,
        label=f"{label}.{group}{index}" if label else f"{group}{index}",
        section=" — ".join([section, *heads]),
        source="appendix",
        text=" ".join([title, row.cell(Role.CONTENT)]),
    )
    for role, name in ((Role.LEAD, "lead"), (Role.SUPPORT, "support")):
        value = entry.cell(role) or (row.cell(role) if entry is not row and role is Role.SUPPORT else "")
        if value:
            add_units(task, Field(name, _column_name(name), value), value, context.matcher)
    if row.merged_lead:
        task.doubt("lead", f"ô Chủ trì trống; lấy theo dòng trên “{row.cell(Role.LEAD)}” (ô gộp?)")
    content = row.cell(Role.CONTENT)
    if content:
        task.content = content
    task.products = entry.cell(Role.PRODUCT) or row.cell(Role.PRODUCT) or None
    task.funding = entry.cell(Role.FUNDING) or row.cell(Role.FUNDING) or None
    _time(task, entry, row, context, budget_year)
    _targets(task, entry, row)
    budget = million_vnd(entry.cell(Role.BUDGET))
    if budget is not None:
        task.budget = budget / Decimal(1_000_000) if in_dong else budget
    elif entry.cell(Role.BUDGET):
        task.doubt("budget", f"ô kinh phí “{entry.cell(Role.BUDGET)}” không phải một số")
    if entry is not row or row.subrows:
        task.notes.append(
            "Một dòng của bảng chia cho nhiều đơn vị, mỗi đơn vị một phần kinh phí: "
            "tách thành một nhiệm vụ cho mỗi đơn vị."
        )
    if normalize(title).startswith("báo cáo") and task.lead:
        result.reports.append(_report(task, entry))
        return
    result.tasks.append(task)


def _own_part(number: str, above: list[str]) -> str:
    """ "1.2" under "1" is written "1.2", not "1.1.2"."""
    for previous in reversed(above):
        if number.startswith(previous + "."):
            return number[len(previous) + 1 :]
    return number


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:79].rsplit(" ", 1)[0] + "…"


def _column_name(name: str) -> str:
    return {"lead": "Đơn vị chủ trì", "support": "Đơn vị phối hợp"}[name]


def _time(task: TaskDraft, entry: _Row, row: _Row, context: BodyContext, budget_year: str | None) -> None:
    text = entry.cell(Role.TIME) or row.cell(Role.TIME) or _sibling_time(row)
    notes = entry.cell(Role.NOTES) or entry.cell(Role.TARGET)
    if text:
        time = read_time(text, context.year)
        if (time.when is not None and not _quantity(time)) or looks_like_time(text):
            task.time = time
            return
        if time.partial:  # "Sau Tết Nguyên đán, trước 30/3/2026": a time, not all of it understood
            task.time = time
            why = "chỉ hiểu được một phần: giữ nguyên lời văn, chưa đặt hạn"
            task.doubt("when", f"ô Thời gian ghi “{text}”, {why}")
            return
        swapped = read_time(notes, context.year) if notes else None
        if swapped is not None and swapped.when is not None and looks_like_time(notes):
            task.time = swapped
            task.doubt("when", f"ô Thời gian ghi “{text}”, ô Ghi chú ghi “{notes}”: hai ô bị đổi chỗ?")
            entry.cells[Role.NOTES], entry.cells[Role.TIME] = text, notes
            return
        task.doubt("when", f"ô Thời gian ghi “{text}”, không phải thời gian (chỉ tiêu?)")
        entry.cells[Role.TARGET] = f"{entry.cell(Role.TARGET)} {text}".strip()
    if notes:
        frequency = read_time(notes, context.year)
        if (
            isinstance(frequency.when, RecurringWhen)
            and frequency.when.times is not None
            and not _quantity(frequency)
        ):
            task.time = frequency
            task.time_inferred = "notes"
            task.doubt("when", f"ô Thời gian trống; lấy chu kỳ từ ô Ghi chú “{notes}”")
            return
    if budget_year:
        task.time = read_time(budget_year, context.year)
        task.time_inferred = "budget_year"
        task.doubt("when", f"ô Thời gian trống; tạm lấy cả năm ngân sách {budget_year}")


def _quantity(time: ReadTime) -> bool:
    """ "≥ 500 lượt/năm" is a yearly quantity, not a schedule: a cadence is at most monthly
    ("≥ 2 đợt/năm", "≥ 2 lần/tháng")."""
    if not isinstance(time.when, RecurringWhen) or time.when.times is None:
        return False
    times = time.when.times
    return (times.max or times.min) > 12


def _sibling_time(row: _Row) -> str:
    return next((s.cell(Role.TIME) for s in row.subrows if s.cell(Role.TIME)), "")


def _targets(task: TaskDraft, entry: _Row, row: _Row) -> None:
    for role in (Role.TARGET, Role.NOTES):
        text = entry.cell(role) or (row.cell(role) if entry is not row else "")
        if not text:
            continue
        for part in [p for p in re.split(r"\s+-\s*(?=\S)|^-\s*", text) if p.strip()]:
            target = target_cell(part, task.title) or next(iter(targets_in(part)), None)
            if target is not None:
                task.targets.append(target)
            elif _QUALITATIVE.search(part):
                task.notes.append(f"Ghi chú: {part.strip()}")


def _report(task: TaskDraft, entry: _Row) -> ReportDraft:
    compiler = next(r for r in task.lead)
    when = task.time
    report = ReportDraft(
        title=task.title,
        compiler=compiler,
        recipients=[],
        time=when,
        source=f"{task.label}: {task.title}" + (f" — {task.content}" if task.content else ""),
        where=task.where,
    )
    if when is None or when.when is None:
        report.doubts["when"] = "bảng không ghi thời hạn báo cáo"
    report.doubts["recipients"] = "bảng không ghi nơi nhận báo cáo; tạm gửi UBND và cơ quan thường trực"
    return report


def _check_budget(
    groups: dict[tuple[str, str], Decimal | None], rows: list[_Row], result: TableResult, label: str
) -> None:
    if not groups:
        return
    by_group: dict[tuple[str, str], Decimal] = {g: Decimal(0) for g in groups}
    for row in rows:
        if row.group is None:
            continue
        for entry in [row, *row.subrows]:
            by_group[row.group] += million_vnd(entry.cell(Role.BUDGET)) or Decimal(0)
    stated_total = Decimal(0)
    for group, stated in groups.items():
        if stated is None:
            continue
        stated_total += stated
        result.checks.append(BudgetCheck(f"{label}.{group[0]}", group[1], stated, by_group[group]))
        if stated != by_group[group]:
            result.warnings.append(
                f"{label}, nhóm {group[0]} “{group[1]}”: tổng ghi {stated} triệu đồng "
                "nhưng các dòng cộng lại "
                f"{by_group[group]} triệu đồng"
            )
    if result.total is not None and result.total != stated_total:
        result.warnings.append(
            f"{label}: dòng tổng cộng ghi {result.total} triệu đồng nhưng các nhóm cộng lại {stated_total}"
        )
