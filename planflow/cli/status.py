"""``planflow sync`` and ``planflow status``: no Prefect import here (fast start).

``planflow status --no-sync`` reads the store only, so the definition loader and the
compiler (YAML, the definition models' validators) are imported when a command syncs,
not with this module."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from planflow import vnformat as vn
from planflow.check.plans import PlanEvaluation, evaluate_plans
from planflow.cli.common import (
    AsOfOption,
    DefinitionsOption,
    JsonOption,
    add_columns,
    as_of_value,
    console,
    definitions,
    handled,
    keep_whole,
    now,
    print_json,
    session,
    settings,
)
from planflow.settings import Settings
from planflow.status import Status, summarize
from planflow.store.repo import SyncResult, plan_ids

PlanArgument = Annotated[
    str | None, typer.Argument(metavar="[PLAN]", help="Id kế hoạch (mặc định: tất cả).", show_default=False)
]

STATUS_STYLE = {
    Status.DONE_ON_TIME: "green",
    Status.DONE_LATE: "yellow",
    Status.OVERDUE: "bold red",
    Status.BLOCKED: "magenta",
    Status.UPCOMING: "cyan",
    Status.IN_PROGRESS: "blue",
}


def sync(
    plan_id: PlanArgument = None, definitions_dir: DefinitionsOption = None, as_json: JsonOption = False
) -> None:
    """Đưa định nghĩa vào cơ sở dữ liệu; tiến độ đã ghi được giữ nguyên, nhiệm vụ bị bỏ được lưu trữ.

    Ví dụ: planflow sync loc-tan-2026
    """
    with handled():
        config = settings(definitions_dir)
        with session(config) as s:
            results = synced(config, plan_id, s)
        if as_json:
            print_json([r.__dict__ for r in results])
            return
        table = Table(title="Đồng bộ định nghĩa")
        add_columns(table, "Kế hoạch", "Thêm", "Cập nhật", "Giữ nguyên", "Lưu trữ", "Khôi phục")
        keep_whole(table, 0, (r.plan_id for r in results))
        for r in results:
            table.add_row(
                r.plan_id, *(str(v) for v in (r.added, r.updated, r.unchanged, r.archived, r.restored))
            )
        console.print(table)


def status(
    plan_id: PlanArgument = None,
    as_of: AsOfOption = None,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
    no_sync: Annotated[bool, typer.Option("--no-sync", help="Không đồng bộ định nghĩa trước.")] = False,
) -> None:
    """Tình trạng các nhiệm vụ và báo cáo tại một thời điểm.

    Ví dụ: planflow status loc-tan-2025 --as-of 2025-10-20
    """
    with handled():
        config = settings(definitions_dir)
        moment = as_of_value(as_of)
        with session(config) as s:
            if not no_sync:
                synced(config, plan_id, s)
            ids = [plan_id] if plan_id else plan_ids(session=s)
            reports = list(evaluate_plans(s, ids, moment))
        if as_json:
            print_json({"plans": [status_json(r) for r in reports]})
            return
        if plan_id:
            print_plan(reports[0])
        print_summary(reports)


def synced(config: Settings, plan_id: str | None, s: Session) -> list[SyncResult]:
    """Definitions → store: one plan, or every plan of the folder."""
    from planflow.sync.definitions import sync_definitions  # the loader and compiler: only when syncing

    return sync_definitions(definitions(config), [plan_id] if plan_id else None, session=s, now=now())


def status_json(report: PlanEvaluation) -> dict[str, object]:
    return {
        "plan": report.plan.id,
        "title": report.plan.title,
        "as_of": report.as_of.instant.isoformat(),
        "as_of_day": report.as_of.day.isoformat(),
        "summary": summarize(report.items),
        "items": [item.as_json() for item in report.items],
    }


def print_plan(report: PlanEvaluation) -> None:
    table = Table(title=f"{report.plan.id} — {report.plan.title} (tại {vn.day(report.as_of.day)})")
    add_columns(table, "Mục", "Nhiệm vụ / báo cáo", "Kỳ", "Chủ trì", "Hạn", "Tình trạng", "Chỉ tiêu")
    keep_whole(table, 0, (item.facts.label or "" for item in report.items))
    # the period in words reads the report cycles: only for this table, not for --json

    names = report.plan.unit_names
    for item in report.items:
        f = item.facts
        state = vn.status_text(item.status, item.days_overdue)
        targets = "; ".join(
            f"{t.metric}: {'chưa đo' if t.measured is None else vn.number(t.measured)} "
            f"(cần {vn.comparator(t.comparator)} {vn.number(t.required)}{t.unit or ''})"
            for t in item.targets
        )
        style = STATUS_STYLE.get(item.status, "")
        table.add_row(
            f.label or "", f"{f.title}\n[yellow]KIỂM TRA: {escape(f.review)}[/]" if f.review else f.title,
            vn.period_words(f.period), ", ".join(names.get(u, u) for u in f.lead),
            vn.day(f.due),
            f"[{style}]{state}[/]" if style else state, targets,
        )  # fmt: skip
    console.print(table)


def print_summary(reports: list[PlanEvaluation]) -> None:
    table = Table(title="Tổng hợp theo tình trạng")
    labels = [s.label for s in Status]
    add_columns(table, "Kế hoạch", *labels, right=labels)
    keep_whole(table, 0, (report.plan.id for report in reports))
    for report in reports:
        counts = summarize(report.items)
        table.add_row(report.plan.id, *(str(counts[s.value]) for s in Status))
    console.print(table)
