"""A plan's task table as a spreadsheet, and filled-in progress read back from it.

The sheet has the columns of the documents' appendix tables (TT, Nhiệm vụ, Đơn vị chủ
trì, Đơn vị phối hợp, Thời gian, Tiến độ, Kết quả, Ghi chú), then the status at the as-of
day, the due date, the reporting unit and one column per target. One row per occurrence;
its key sits in the last column. Only the yellow cells are editable (the sheet is
protected without a password, against slips, not against people).

A hidden sheet keeps what was exported, so ``import-progress`` records only the rows a
person changed. The import checks every row before writing anything: an unknown row, a
unit that does not own the task, a bad number, each is reported by its cell ("'Tiến
độ'!F12"), and nothing is recorded until the whole file is right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planflow import vnformat as vn
from planflow.check.plans import PlanStatus
from planflow.errors import ProgressError
from planflow.intake.forms import PROGRESS_LABELS, measured_value, parse_figure, parse_percent
from planflow.intake.progress import ProgressRequest
from planflow.schema import Plan
from planflow.status import OccurrenceStatus, ProgressStatus, Status
from planflow.units import UnitIndex, unit_key

SHEET, STATE = "Tiến độ", "_planflow"
HEADER_ROW = 4
FIXED = ("TT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian", "Tiến độ", "Kết quả", "Ghi chú",
         "Tình trạng", "Hạn", "Đơn vị báo cáo")  # fmt: skip
COL = {name: i + 1 for i, name in enumerate(FIXED)}
EDITABLE = ("Tiến độ", "Kết quả", "Ghi chú", "Đơn vị báo cáo")
KEY_HEADER = "Mã (không sửa)"
FORMAT = "planflow-progress-1"

YELLOW = PatternFill("solid", fgColor="FFF8D6")
GREY = PatternFill("solid", fgColor="EEEEEE")
HEAD = PatternFill("solid", fgColor="DCE6F1")
STATUS_FILL = {
    Status.OVERDUE: "F4C7CE", Status.BLOCKED: "E1BEE7", Status.UPCOMING: "FFE8A3",
    Status.IN_PROGRESS: "BBDEFB", Status.DONE_ON_TIME: "C8E6C9", Status.DONE_LATE: "FFE0B2",
}  # fmt: skip
_PROGRESS_WORDS = {unit_key(label): status for status, label in PROGRESS_LABELS.items()}


@dataclass(frozen=True)
class TargetColumn:
    task_id: str
    key: str
    header: str


def _target_columns(plan: Plan) -> list[TargetColumn]:
    return [
        TargetColumn(task.id, t.key, f"Chỉ tiêu: {t.metric} ({vn.comparator(t.comparator.value)} "
                                     f"{vn.number(t.value)}{' ' + t.unit if t.unit else ''})")
        for task in plan.tasks
        for t in task.targets
    ]  # fmt: skip


def _progress_text(item: OccurrenceStatus) -> str:
    p = item.progress
    if p.events == 0:
        return ""
    if p.status is ProgressStatus.IN_PROGRESS and p.percent is not None:
        return vn.percent(p.percent)
    return PROGRESS_LABELS[p.status]


def _measured(item: OccurrenceStatus, key: str) -> str:
    value = item.progress.values.get(key)
    return "" if value is None else vn.number(value)


def export_workbook(
    status: PlanStatus, plan: Plan, names: Mapping[str, str], *, unit_id: str | None, now: dt.datetime
) -> Workbook:
    """The plan's occurrences (or those ``unit_id`` leads or supports) at the as-of day."""
    items = [i for i in status.items if unit_id is None or unit_id in (*i.facts.lead, *i.facts.support)]
    targets = _target_columns(plan)
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook always has its first sheet
    sheet.title = SHEET
    headers = [*FIXED, *(t.header for t in targets), KEY_HEADER]
    sheet.cell(1, 1, f"Tiến độ thực hiện: {plan.title}").font = Font(bold=True, size=13)
    sheet.cell(2, 1, f"Tình trạng tính đến ngày {vn.day(status.as_of.day)}. Chỉ điền các ô nền vàng "
                     "(Tiến độ: Chưa bắt đầu, Đang thực hiện, Hoàn thành hoặc phần trăm như 60%), "
                     "rồi nhập lại bằng lệnh planflow import-progress.")  # fmt: skip
    sheet.cell(2, 1).alignment = Alignment(wrap_text=False)
    for col, header in enumerate(headers, start=1):
        head = sheet.cell(HEADER_ROW, col, header)
        head.font, head.fill = Font(bold=True), HEAD
        head.alignment = Alignment(wrap_text=True, vertical="top")
    state = book.create_sheet(STATE)
    state.sheet_state = "veryHidden"
    state.append([FORMAT, plan.id, status.as_of.day.isoformat(), now.isoformat(), unit_id or ""])
    state.append(["key", *EDITABLE, *(f"{t.task_id}/{t.key}" for t in targets)])
    for n, item in enumerate(items):
        row = HEADER_ROW + 1 + n
        values = _row_values(item, names, n)
        for name, value in values.items():
            sheet.cell(row, COL[name], value)
        for offset, column in enumerate(targets):
            cell = sheet.cell(row, len(FIXED) + 1 + offset)
            if column.task_id == item.facts.item_id and item.facts.kind == "task":
                cell.value = _measured(item, column.key) or None
                _editable(cell)
            else:
                cell.fill = GREY
        sheet.cell(row, len(headers), item.key)
        for name in EDITABLE:
            _editable(sheet.cell(row, COL[name]))
        fill = STATUS_FILL.get(item.status)
        if fill:
            sheet.cell(row, COL["Tình trạng"]).fill = PatternFill("solid", fgColor=fill)
        for col in range(1, len(headers) + 1):
            sheet.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
        measured = [_measured(item, t.key) if t.task_id == item.facts.item_id else "" for t in targets]
        state.append([item.key, *(values[name] for name in EDITABLE), *measured])
    _layout(sheet, len(headers), len(items))
    return book


def _row_values(item: OccurrenceStatus, names: Mapping[str, str], n: int) -> dict[str, Any]:
    f = item.facts
    when = vn.when_words(f.when_text)
    period = vn.period_words(f.period)
    if period:
        when = f"{when} — {period}" if when else period[:1].upper() + period[1:]
    if f.review:
        when = f"{when} (KIỂM TRA: {f.review})" if when else f"KIỂM TRA: {f.review}"
    lead = [names.get(u, u) for u in f.lead]
    state = item.status.label + (f" {item.days_overdue} ngày" if item.days_overdue else "")
    return {
        "TT": f.label or str(n + 1),
        "Nhiệm vụ": f.title,
        "Đơn vị chủ trì": ", ".join(lead),
        "Đơn vị phối hợp": ", ".join(names.get(u, u) for u in f.support),
        "Thời gian": when,
        "Tiến độ": _progress_text(item),
        "Kết quả": item.progress.note or "",
        "Ghi chú": "",
        "Tình trạng": state,
        "Hạn": vn.day(f.due) if f.due else "",
        "Đơn vị báo cáo": lead[0] if len(lead) == 1 else "",
    }


def _editable(cell: Cell | MergedCell) -> None:
    cell.fill = YELLOW
    cell.protection = Protection(locked=False)


def _layout(sheet: Worksheet, columns: int, rows: int) -> None:
    widths = dict(zip(FIXED, (6, 48, 24, 24, 22, 16, 36, 24, 18, 12, 24), strict=True))
    for col in range(1, columns + 1):
        header = FIXED[col - 1] if col <= len(FIXED) else ""
        sheet.column_dimensions[get_column_letter(col)].width = widths.get(header, 20)
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    choices = DataValidation(type="list", formula1='"' + ",".join(PROGRESS_LABELS.values()) + '"',
                             allow_blank=True, showErrorMessage=False)  # fmt: skip
    choices.promptTitle, choices.prompt = "Tiến độ", "Chọn trong danh sách hoặc ghi phần trăm, ví dụ 60%"
    sheet.add_data_validation(choices)
    letter = get_column_letter(COL["Tiến độ"])
    if rows:
        choices.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + rows}")
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowChange:
    """One changed row, checked, ready to become a progress event."""

    cell: str
    request: ProgressRequest


def ref(row: int, col: int) -> str:
    return f"{quote_sheetname(SHEET)}!{get_column_letter(col)}{row}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _progress(cell: Cell | MergedCell) -> tuple[ProgressStatus, int | None]:
    """What a person wrote in Tiến độ: a status word, or a percentage (60, 60%, 0.6 formatted as %)."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        percent_cell = "%" in str(cell.number_format)
        number = Decimal(str(value)) * (100 if percent_cell else 1)
        percent = parse_percent(vn.number(number))
    else:
        text = _text(value)
        word = _PROGRESS_WORDS.get(unit_key(text))
        if word is not None:
            return word, 100 if word is ProgressStatus.DONE else None
        try:
            percent = parse_percent(text)
        except ValueError:
            raise ValueError(
                f"'{text}' không đọc được; ghi Chưa bắt đầu, Đang thực hiện, Hoàn thành "
                "hoặc phần trăm như 60%"
            ) from None
    if percent == 100:
        return ProgressStatus.DONE, 100
    return (ProgressStatus.IN_PROGRESS if percent > 0 else ProgressStatus.NOT_STARTED), percent


PlanLoader = Callable[[str], tuple[PlanStatus, Plan, UnitIndex]]
"""Given a plan id: its status now, its definition and its unit index (NotFoundError if gone)."""


def read_progress(path: Path, load: PlanLoader) -> tuple[str, list[RowChange]]:
    """The plan id and the checked changes of a filled-in export (requests with no ``at``:
    the caller dates them); ProgressError listing every problem (by cell) when anything
    is wrong."""
    try:
        book = load_workbook(path, data_only=True)
    except (OSError, BadZipFile, KeyError, ValueError) as exc:
        raise ProgressError(
            f"{path}: không đọc được file .xlsx ({exc}); dùng file do 'planflow export' tạo ra"
        ) from None
    try:
        if SHEET not in book.sheetnames or STATE not in book.sheetnames:
            raise ProgressError(f"{path}: không phải file xuất bởi 'planflow export' (thiếu trang '{SHEET}')")
        meta = [c.value for c in book[STATE][1]]
        if meta[0] != FORMAT or not meta[1]:
            raise ProgressError(f"{path}: trang ẩn '{STATE}' bị sửa; xuất lại file bằng 'planflow export'")
        plan_id = str(meta[1])
        status, plan, units = load(plan_id)
        changes = _changes(book[SHEET], book[STATE], status, plan, units)
    finally:
        book.close()
    return plan_id, changes


def _baseline(state: Worksheet) -> tuple[list[str], dict[str, list[str]]]:
    rows = list(state.iter_rows(min_row=2, values_only=True))
    header = [_text(v) for v in rows[0]]
    return header, {_text(r[0]): [_text(v) for v in r] for r in rows[1:] if r and r[0]}


def _changes(
    sheet: Worksheet, state: Worksheet, status: PlanStatus, plan: Plan, units: UnitIndex
) -> list[RowChange]:
    header, baseline = _baseline(state)
    headers = [_text(c.value) for c in sheet[HEADER_ROW]]
    if headers[: len(FIXED)] != list(FIXED) or KEY_HEADER not in headers:
        raise ProgressError(
            f"{ref(HEADER_ROW, 1)}: dòng tiêu đề bị sửa; dùng file do 'planflow export' tạo ra"
        )
    key_col = headers.index(KEY_HEADER) + 1
    target_cols = {header[1 + len(EDITABLE) + i]: len(FIXED) + 1 + i for i in range(key_col - 1 - len(FIXED))}
    items = {i.key: i for i in status.items}
    standing = units.resolve(plan.standing_unit).id
    problems: list[str] = []
    changes: list[RowChange] = []
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        key = _text(sheet.cell(row, key_col).value)
        edited = [_text(sheet.cell(row, COL[n]).value) for n in EDITABLE]
        figures = {name: _text(sheet.cell(row, col).value) for name, col in target_cols.items()}
        if not key:
            if any(edited) or any(figures.values()):
                problems.append(f"{ref(row, key_col)}: dòng {row} không có mã; chỉ điền vào các dòng có sẵn, "
                                "không thêm dòng mới")  # fmt: skip
            continue
        if key not in items:
            problems.append(f"{ref(row, key_col)}: mã '{key}' không có trong kế hoạch '{plan.id}'; "
                            "đừng sửa cột mã, hoặc xuất lại file")  # fmt: skip
            continue
        before = baseline.get(key)
        now_values = [*edited, *(figures[name] for name in header[1 + len(EDITABLE) :])]
        if before is not None and before[1:] == now_values:
            continue
        change = _row_change(sheet, row, items[key], edited, figures, target_cols, units, standing, problems)
        if change is not None and not _already_recorded(change.request, items[key]):
            changes.append(change)
    if problems:
        raise ProgressError(f"không ghi gì: {len(problems)} lỗi trong file\n" + "\n".join(problems))
    return changes


def _already_recorded(request: ProgressRequest, item: OccurrenceStatus) -> bool:
    """The row says what the store already says: importing the same file twice records once."""
    state = item.progress
    if state.events == 0 or state.status is not request.status:
        return False
    if request.percent is not None and state.percent != request.percent:
        return False
    measured = (pair.partition("=") for pair in request.values)
    if any(state.values.get(key) != Decimal(value) for key, _, value in measured):
        return False
    return request.note is None or request.note == state.note


def _row_change(
    sheet: Worksheet, row: int, item: OccurrenceStatus, edited: Sequence[str], figures: Mapping[str, str],
    target_cols: Mapping[str, int], units: UnitIndex, standing: str, problems: list[str],
) -> RowChange | None:  # fmt: skip
    f = item.facts
    found = len(problems)
    progress_cell = sheet.cell(row, COL["Tiến độ"])
    status, percent = ProgressStatus.NOT_STARTED, None
    if not _text(progress_cell.value):
        problems.append(f"{ref(row, COL['Tiến độ'])}: dòng đã sửa nhưng chưa ghi tiến độ")
    else:
        try:
            status, percent = _progress(progress_cell)
        except ValueError as exc:
            problems.append(f"{ref(row, COL['Tiến độ'])}: {exc}")
    values = []
    for name, raw in figures.items():
        if not raw:
            continue
        col = target_cols[name]
        task_id, _, key = name.partition("/")
        if task_id != f.item_id or f.kind != "task":
            problems.append(f"{ref(row, col)}: nhiệm vụ ở dòng này không có chỉ tiêu này; để trống ô")
            continue
        target = next((t for t in f.targets if t["key"] == key), None)
        try:
            if target is None:
                values.append(f"{key}={parse_figure(raw)}")
            else:  # within the metric's range, as the web form checks it
                values.append(f"{key}={measured_value(raw, target['unit'], Decimal(target['value']))}")
        except ValueError as exc:
            problems.append(f"{ref(row, col)}: {exc}")
    by = _reporter(row, edited[3], item, units, standing, problems)
    if len(problems) > found:
        return None
    note = "\n".join(part for part in (edited[1], f"Ghi chú: {edited[2]}" if edited[2] else "") if part)
    request = ProgressRequest(
        plan_id=f.plan_id, item_id=f.item_id, status=status, period=f.period, percent=percent,
        values=tuple(values), note=note or None, by=by, occurrence_key=f.key,
    )  # fmt: skip
    return RowChange(ref(row, COL["Tiến độ"]), request)


def _reporter(
    row: int, text: str, item: OccurrenceStatus, units: UnitIndex, standing: str, problems: list[str]
) -> str | None:
    cell = ref(row, COL["Đơn vị báo cáo"])
    if not text:
        if len(item.facts.lead) == 1:
            return item.facts.lead[0]
        problems.append(f"{cell}: ghi đơn vị báo cáo (nhiệm vụ có nhiều đơn vị chủ trì)")
        return None
    unit = units.find(text)
    if unit is None:
        problems.append(f"{cell}: đơn vị '{text}' không có trong danh mục '{units.directory.id}'")
        return None
    allowed = {*item.facts.lead, *item.facts.support, standing}
    if unit.id not in allowed:
        owners = ", ".join(units.by_id[u].name for u in item.facts.lead if u in units.by_id)
        problems.append(f"{cell}: '{unit.name}' không chủ trì hay phối hợp nhiệm vụ này (chủ trì: {owners})")
        return None
    return unit.id
