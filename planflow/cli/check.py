"""``planflow check``: run the per-plan Prefect flow.

Prefect is imported only here, when the command runs: the other commands start fast.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Annotated, Any

import typer
from rich.table import Table

from planflow.cli.common import (
    AsOfOption,
    DefinitionsOption,
    JsonOption,
    as_of_value,
    console,
    definitions,
    fmt_date,
    handled,
    print_json,
    settings,
)
from planflow.cli.status import PlanArgument
from planflow.errors import PlanflowError
from planflow.status import Status


def check(
    plan_id: PlanArgument = None,
    as_of: AsOfOption = None,
    definitions_dir: DefinitionsOption = None,
    as_json: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", help="Hiện nhật ký Prefect.")] = False,
) -> None:
    """Chạy luồng Prefect kiểm tra kế hoạch: mỗi lần thực hiện là một task run mang tình trạng.

    Không có PREFECT_API_URL thì một máy chủ Prefect cục bộ (dưới PLANFLOW_HOME) được
    bật rồi tắt gọn gàng.

    Ví dụ: planflow check loc-tan-2025 --as-of 2025-10-20
    """
    with handled():
        config = settings(definitions_dir)
        moment = as_of_value(as_of)
        plan_ids = [plan_id] if plan_id else sorted(definitions(config).plans)
        if not verbose:
            # Per-task logs still reach the Prefect API (UI); the console shows our summary.
            os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
            os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
        from flows.runtime import configure_local_prefect

        configure_local_prefect(config.prefect_home)
        from flows.check_plan import CheckPlanParams, check_plan
        from flows.runtime import prefect_api

        results: list[dict[str, Any]] = []
        with prefect_api() as runs:
            for pid in plan_ids:
                params = CheckPlanParams(plan_id=pid, as_of=moment, definitions=str(config.definitions))
                state = check_plan(params, return_state=True)
                if state.state_details.flow_run_id is not None:
                    runs.append(state.state_details.flow_run_id)
                if not state.is_completed():
                    raise PlanflowError(f"luồng kiểm tra '{pid}' không hoàn thành: {state.message}")
                results.append(state.result())
        if as_json:
            print_json({"plans": results})
            return
        table = Table(title="Kết quả kiểm tra (luồng Prefect check_plan)")
        table.add_column("Kế hoạch")
        table.add_column("Task run", justify="right")
        for s in Status:
            table.add_column(s.label, justify="right")
        for r in results:
            table.add_row(r["plan"], str(r["task_runs"]), *(str(r["summary"][s.value]) for s in Status))
        console.print(table)
        attention = [a for r in results for a in r["attention"]]
        if attention:
            late = Table(title="Cần đôn đốc (quá hạn, bị chặn)")
            for column in ("Khóa", "Nhiệm vụ / báo cáo", "Chủ trì", "Hạn", "Tình trạng"):
                late.add_column(column)
            for a in sorted(attention, key=lambda a: -(a["days_overdue"] or 0)):
                state = a["status_label"] + (f" {a['days_overdue']} ngày" if a["days_overdue"] else "")
                due = dt.date.fromisoformat(a["due"]) if a["due"] else None
                late.add_row(a["key"], a["title"][:60], ", ".join(a["lead"]), fmt_date(due), state)
            console.print(late)
