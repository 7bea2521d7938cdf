"""``planflow export``, ``planflow import-progress`` and ``planflow ics``: a plan as a
spreadsheet and back, and as a calendar.

openpyxl and icalendar are imported when these commands run, so the other commands start
fast (together they cost a quarter of a second at import).
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Annotated

import typer

from planflow import vnformat as vn
from planflow.check.plans import PlanStatus, plan_status
from planflow.cli.common import (
    AsOfOption,
    DefinitionsOption,
    JsonOption,
    as_of_value,
    console,
    definitions,
    event_moment,
    handled,
    now,
    print_json,
    session,
    settings,
)
from planflow.errors import NotFoundError, PlanflowError, ProgressError
from planflow.intake.progress import record_progress
from planflow.loader import Definitions
from planflow.schema import Plan
from planflow.sync.definitions import sync_definitions
from planflow.units import UnitIndex

PlanArg = Annotated[str, typer.Argument(metavar="PLAN", help="Id kế hoạch.")]
UnitOption = Annotated[
    str | None, typer.Option("--unit", help="Chỉ các mục của một đơn vị (id hoặc tên).", show_default=False)
]
OutputOption = Annotated[Path, typer.Option("-o", "--output", help="File kết quả.")]


def _unit(defs: Definitions, plan: Plan, unit: str | None) -> str | None:
    return UnitIndex(defs.directory_for(plan)).resolve(unit).id if unit else None


def _names(defs: Definitions, plan: Plan) -> dict[str, str]:
    return {u.id: u.name for u in defs.directory_for(plan).units}


def _plan_at(
    plan_id: str, unit: str | None, as_of: str | None, definitions_dir: Path | None
) -> tuple[Definitions, Plan, str | None, PlanStatus]:
    """The definitions, the plan, the chosen unit's id and the plan's status at ``as_of``
    (after syncing the plan into the store)."""
    config = settings(definitions_dir)
    defs = definitions(config)
    plan = defs.plan(plan_id)
    unit_id = _unit(defs, plan, unit)
    with session(config) as s:
        sync_definitions(defs, [plan_id], session=s, now=now())
        status = plan_status(plan_id, as_of_value(as_of), session=s)
    return defs, plan, unit_id, status


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise PlanflowError(f"không ghi được {path}: {exc.strerror}") from None


def export(
    plan_id: PlanArg,
    output: OutputOption,
    as_of: AsOfOption = None,
    unit: UnitOption = None,
    definitions_dir: DefinitionsOption = None,
) -> None:
    """Xuất bảng nhiệm vụ của kế hoạch ra Excel (.xlsx) để các đơn vị điền tiến độ.

    Cột: TT, Nhiệm vụ, Đơn vị chủ trì, Đơn vị phối hợp, Thời gian, Tiến độ, Kết quả, Ghi chú,
    Tình trạng, Hạn, Đơn vị báo cáo và một cột cho mỗi chỉ tiêu. Chỉ các ô nền vàng được sửa;
    nhập lại bằng planflow import-progress.

    Ví dụ: planflow export loc-tan-2026 --as-of 2026-03-24 -o loc-tan-2026.xlsx
    """
    from planflow.exports.xlsx import export_workbook

    with handled():
        defs, plan, unit_id, status = _plan_at(plan_id, unit, as_of, definitions_dir)
        book = export_workbook(status, plan, _names(defs, plan), unit_id=unit_id, now=now())
        buffer = BytesIO()
        book.save(buffer)
        _write(output, buffer.getvalue())
        rows = sum(1 for i in status.items if unit_id is None or unit_id in (*i.facts.lead, *i.facts.support))
        console.print(f"Đã xuất {rows} dòng của '{plan_id}' (tình trạng ngày {vn.day(status.as_of.day)}) "
                      f"ra {output}.")  # fmt: skip


def import_progress(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="File .xlsx đã điền (từ planflow export).")],
    at: Annotated[
        str | None, typer.Option("--at", help="Thời điểm ghi nhận (mặc định: bây giờ).", show_default=False)
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ kiểm tra, không ghi.")] = False,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Nhập tiến độ đã điền trong file Excel: mỗi dòng đã sửa thành một sự kiện tiến độ.

    Kiểm tra toàn bộ file trước: dòng lạ, đơn vị không chủ trì, số sai được báo theo ô
    (vd. 'Tiến độ'!F12) và khi có lỗi thì không ghi gì. Dòng không sửa được bỏ qua.

    Ví dụ: planflow import-progress loc-tan-2026.xlsx
    """
    from planflow.exports.xlsx import read_progress

    with handled():
        if not path.is_file():
            raise NotFoundError(f"không có file {path}")
        if path.suffix.lower() != ".xlsx" or not zipfile.is_zipfile(path):
            raise ProgressError(
                f"{path}: không phải bảng tính Excel .xlsx; dùng file do 'planflow export' tạo ra "
                "(file .xls hoặc .ods: mở rồi lưu lại dạng .xlsx)"
            )
        config = settings(definitions_dir)
        defs = definitions(config)
        with session(config) as s:

            def load(plan_id: str) -> tuple[PlanStatus, Plan, UnitIndex]:
                plan = defs.plan(plan_id)
                sync_definitions(defs, [plan_id], session=s, now=now())
                return plan_status(plan_id, now(), session=s), plan, UnitIndex(defs.directory_for(plan))

            plan_id, changes = read_progress(path, load)
            moment = event_moment(at, defs.plan(plan_id))
            events = []
            if not dry_run:
                for change in changes:
                    request = replace(change.request, at=moment)
                    events.append(record_progress(request, defs, session=s, now=now()))
        payload = {
            "plan": plan_id,
            "dry_run": dry_run,
            "changes": [{"cell": c.cell, "occurrence": c.request.occurrence_key,
                         "status": c.request.status.value, "percent": c.request.percent, "by": c.request.by}
                        for c in changes],
            "recorded": [e.id for e in events],
        }  # fmt: skip
        if as_json:
            print_json(payload)
            return
        verb = "Sẽ ghi" if dry_run else "Đã ghi"
        console.print(f"{verb} {len(changes)} sự kiện tiến độ cho '{plan_id}' từ {path}:")
        for c in changes:  # each row as a person reads it: its cell, the item, the status in words
            percent = f" ({c.request.percent}%)" if c.request.percent is not None else ""
            status = vn.PROGRESS_LABELS[c.request.status.value]
            console.print(f"  {c.cell}: {c.request.occurrence_key} → {status}{percent}", markup=False)


def ics(
    plan_id: PlanArg,
    output: OutputOption,
    unit: UnitOption = None,
    as_of: AsOfOption = None,
    definitions_dir: DefinitionsOption = None,
) -> None:
    """Xuất lịch hạn (.ics) của kế hoạch: mỗi hạn một sự kiện, nhắc (VALARM) theo các bước nhắc việc.

    Với --unit: chỉ các mục đơn vị chủ trì hoặc phối hợp, và các bước nhắc gửi tới đơn vị đó.
    Mở bằng Google Calendar, Outlook hoặc ứng dụng lịch trên điện thoại.

    Ví dụ: planflow ics loc-tan-2026 --unit phong-kinh-te -o kinh-te.ics
    """
    from planflow.exports.ics import plan_calendar

    with handled():
        defs, plan, unit_id, status = _plan_at(plan_id, unit, as_of, definitions_dir)
        standing = UnitIndex(defs.directory_for(plan)).resolve(plan.standing_unit).id
        data = plan_calendar(status, plan, _names(defs, plan), unit_id=unit_id, standing=standing, now=now())
        _write(output, data)
        console.print(f"Đã ghi lịch {output} ({data.count(b'BEGIN:VEVENT')} hạn).")
