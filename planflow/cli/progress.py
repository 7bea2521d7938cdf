"""``planflow progress``: record what a unit has done."""

from __future__ import annotations

from typing import Annotated

import typer

from planflow import vnformat as vn
from planflow.cli.common import (
    DefinitionsOption,
    JsonOption,
    console,
    definitions,
    event_moment,
    handled,
    now,
    print_json,
    session,
    settings,
)
from planflow.intake.progress import ProgressRequest, record_progress
from planflow.status import ProgressStatus
from planflow.sync.definitions import sync_definitions

STATUS_HELP = "; ".join(f"{s.value} ({vn.PROGRESS_LABELS[s.value]})" for s in ProgressStatus) + "."
"""What ``--status`` takes, each value with the label the board and the mails show for it."""


def progress(
    plan_id: Annotated[str, typer.Argument(metavar="PLAN", help="Id kế hoạch.")],
    item_id: Annotated[str, typer.Argument(metavar="TASK", help="Id nhiệm vụ hoặc báo cáo.")],
    status: Annotated[ProgressStatus, typer.Option("--status", help=STATUS_HELP)],
    period: Annotated[str | None, typer.Option("--period", help="Kỳ, vd. 2026-Q2, 2026-03.")] = None,
    percent: Annotated[int | None, typer.Option("--percent", help="Phần trăm hoàn thành 0-100.")] = None,
    value: Annotated[
        list[str] | None, typer.Option("--value", help="Kết quả đo: chỉ_tiêu=giá_trị (lặp lại được).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Ghi chú.")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="Tham chiếu minh chứng.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Đơn vị báo cáo (id hoặc tên).")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Thời điểm xảy ra (mặc định: bây giờ).")] = None,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ghi một sự kiện tiến độ (chỉ thêm, không sửa) cho một nhiệm vụ hoặc báo cáo.

    Ví dụ: planflow progress loc-tan-2025 hoi-nghi-nq57 --status done --by phong-vhxh --at 2025-10-08
    """
    with handled():
        config = settings(definitions_dir)
        defs = definitions(config)
        plan = defs.plan(plan_id)
        when = event_moment(at, plan)
        request = ProgressRequest(
            plan_id=plan_id, item_id=item_id, status=status, period=period, percent=percent,
            values=tuple(value or ()), note=note, evidence=evidence, by=by, at=when,
        )  # fmt: skip
        with session(config) as s:
            sync_definitions(defs, [plan_id], session=s, now=now())
            event = record_progress(request, defs, session=s, now=now())
        payload = {
            "id": event.id, "occurrence": event.occurrence_key, "status": event.status,
            "percent": event.percent, "values": event.values, "by": event.by_unit,
            "at": event.effective_at.isoformat(), "note": event.note,
        }  # fmt: skip
        if as_json:
            print_json(payload)
        else:
            label = vn.PROGRESS_LABELS.get(event.status, event.status)
            console.print(f"Đã ghi tiến độ #{event.id}: {event.occurrence_key} → {label}")
