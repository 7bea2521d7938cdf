"""``planflow check``: run the daily check as a Prefect flow.

Without PLAN it runs ``check_plans`` (every plan: statuses, notices, delivery); with a
PLAN it runs ``check_plan``, whose run graph shows that plan occurrence by occurrence.
Prefect is imported only here, when the command runs: the other commands start fast.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from uuid import UUID

import typer
from pydantic import BaseModel
from rich.table import Table

from planflow import vnformat as vn
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
    print_json,
    settings,
)
from planflow.cli.mail import delivery_line, fail_if_nothing_delivered, print_backlog
from planflow.cli.status import PlanArgument
from planflow.errors import PlanflowError
from planflow.settings import Settings
from planflow.status import Status
from planflow.store.db import opened_store

if TYPE_CHECKING:
    from planflow.flows.results import CheckedPlan, CheckPlanResult, CheckPlansResult

Result = TypeVar("Result", bound=BaseModel)


def quiet(verbose: bool) -> None:
    if not verbose:
        # Per-task logs still reach the Prefect API (UI); the console shows our summary.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")


@contextmanager
def local_prefect(config: Settings, verbose: bool, plan_id: str | None = None) -> Iterator[list[UUID]]:
    """Prefect's API for a command's flows, once the definitions folder and ``plan_id`` are
    known to exist: a wrong argument fails at once, not after a server has started."""
    defs = definitions(config)
    if plan_id:
        defs.plan(plan_id)
    quiet(verbose)
    from planflow.flows.env import configure_local_prefect

    configure_local_prefect(config.prefect_home)
    from planflow.flows.runtime import prefect_api  # imports Prefect: only after its environment is set

    with prefect_api() as runs:
        yield runs


def flow_result(state: Any, runs: list[UUID], name: str, model: type[Result]) -> Result:
    """The flow run's result (a ``model``), its run id appended to ``runs``."""
    if state.state_details.flow_run_id is not None:
        runs.append(state.state_details.flow_run_id)
    if not state.is_completed():
        raise PlanflowError(f"luồng '{name}' không hoàn thành: {state.message}")
    result = state.result()
    if not isinstance(result, model):
        raise PlanflowError(f"luồng '{name}' trả về {type(result).__name__}, không phải {model.__name__}")
    return result


def check(
    plan_id: PlanArgument = None,
    as_of: AsOfOption = None,
    definitions_dir: DefinitionsOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Không ghi, không gửi thông báo (chỉ xem).")
    ] = False,
    as_json: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", help="Hiện nhật ký Prefect.")] = False,
    chunk_plans: Annotated[
        int, typer.Option("--chunk-plans", min=1, help="Số kế hoạch mỗi phần việc (mỗi phần một giao dịch).")
    ] = 100,
) -> None:
    """Kiểm tra hằng ngày bằng luồng Prefect: tình trạng, nhắc việc, báo quá hạn, gửi thư.

    Không có PLAN: luồng check_plans cho mọi kế hoạch (ghi thông báo vào hộp thư đi rồi
    gửi). Có PLAN: luồng check_plan, mỗi lần thực hiện là một task run mang tình trạng.
    Không có PREFECT_API_URL thì một máy chủ Prefect cục bộ được bật rồi tắt gọn gàng.

    Ví dụ: planflow check --as-of 2025-10-20
    """
    with handled():
        config = settings(definitions_dir)
        moment = as_of_value(as_of)
        folder = str(config.definitions)
        if not (plan_id or dry_run or as_json):
            with opened_store(config.effective_database_url) as factory:
                print_backlog(factory)
        with local_prefect(config, verbose, plan_id) as runs:
            from planflow.flows.results import CheckPlanResult, CheckPlansResult

            if plan_id:
                from planflow.flows.check_plan import CheckPlanParams, check_plan

                state = check_plan(
                    CheckPlanParams(plan_id=plan_id, as_of=moment, definitions=folder), return_state=True
                )
                one = flow_result(state, runs, "check_plan", CheckPlanResult)
            else:
                from planflow.flows.check_plans import CheckPlansParams, check_plans

                params = CheckPlansParams(as_of=moment, definitions=folder, dry_run=dry_run,
                                          chunk_plans=chunk_plans)  # fmt: skip
                ran = check_plans(params, return_state=True)
                every = flow_result(ran, runs, "check_plans", CheckPlansResult)
        if plan_id:
            if as_json:
                print_json(one.model_dump(mode="json"))
            else:
                _print_plan(one)
            return
        if as_json:
            print_json(every.model_dump(mode="json"))
        else:
            _print_all(every, config)
        if every.delivery:
            fail_if_nothing_delivered(every.delivery.model_dump())


def _summary_table(title: str, rows: list[tuple[str, str, dict[str, int]]]) -> Table:
    table = Table(title=title)
    labels = [s.label for s in Status]
    add_columns(table, "Kế hoạch", "Mục", *labels, right={"Mục", *labels})
    keep_whole(table, 0, (plan for plan, _, _ in rows))
    for plan, count, summary in rows:
        table.add_row(plan, count, *(str(summary[s.value]) for s in Status))
    return table


def _print_plan(result: CheckPlanResult) -> None:
    row = (result.plan, str(result.task_runs), result.summary)
    console.print(_summary_table("Kết quả kiểm tra (luồng Prefect check_plan)", [row]))
    if result.attention:
        late = Table(title="Cần đôn đốc (quá hạn, bị chặn)")
        add_columns(late, "Nhiệm vụ / báo cáo", "Chủ trì", "Hạn", "Tình trạng")
        for a in sorted(result.attention, key=lambda a: -(a.days_overdue or 0)):
            state = vn.status_text(a.status, a.days_overdue)
            due = dt.date.fromisoformat(a.due) if a.due else None
            period = vn.period_words(a.period)
            title = f"{a.title} ({period})" if period else a.title
            late.add_row(title, ", ".join(a.lead_names or a.lead), vn.day(due), state)
        console.print(late)


def _plan_name(plan: CheckedPlan, config: Settings) -> str:
    """A plan's id, flagged when it is an example that sends nothing (the status line says so)."""
    if not plan.example:
        return plan.plan
    sent = "có gửi: PLANFLOW_SEND_EXAMPLES" if config.send_examples else "ví dụ, không gửi thư"
    return f"{plan.plan} ({sent})"


def _print_all(result: CheckPlansResult, config: Settings) -> None:
    rows = [(_plan_name(p, config), str(sum(p.summary.values())), p.summary) for p in result.plans]
    console.print(_summary_table("Kết quả kiểm tra (luồng Prefect check_plans)", rows))
    if result.quiet_plans:
        console.print(vn.quiet_plans(result.quiet_plans))
    headings = ", ".join(f"{k}: {v}" for k, v in result.notices_by_heading.items()) or "không có"
    console.print(f"Thông báo đến hạn: {result.notices} ({headings}); "
                  f"thư mới xếp hàng: {result.queued}.")  # fmt: skip
    delivery = result.delivery.model_dump() if result.delivery else None
    if result.dry_run:
        console.print("Chạy thử (--dry-run): không ghi, không gửi gì.")
    elif delivery:
        where = (
            f"các file .eml trong {config.home / 'outbox'}" if delivery["transport"] == "file"
            else "máy chủ SMTP"
        )  # fmt: skip
        console.print(delivery_line(delivery, where))
        if delivery["failed"] or delivery.get("partial"):
            console.print("Xem thư thất bại: planflow outbox --failed; gửi lại: planflow outbox --retry.")
