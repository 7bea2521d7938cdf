"""check_plans: the daily check of every plan — remind, escalate, deliver.

Syncs the definitions once, then checks the plans in chunks of at most ``chunk_plans``
plans (whole unit directories where possible, ``planflow.check.chunks``). Each chunk evaluates
its plans in one set-based pass and records and queues the ladder notices that are due
(one digest per recipient) in one transaction. Then the outbox is delivered, and a
markdown summary is published (each chunk publishes its table of overdue items).

Where the chunks run (``fan_out``):

- ``tasks``: one task run per chunk, in this flow run's process (one machine);
- ``deployments``: one run of the ``check_plans_chunk`` deployment per chunk, picked up by
  any worker of the pool, so two or more workers share a large check (``planflow.flows.fanout``);
- ``auto`` (default): deployments when this run comes from a deployment, the chunk
  deployment exists and there is more than one chunk; tasks otherwise.

``working_days_only`` skips a day off of the national calendar (weekend, public holiday,
unless it is a compensatory working day): the schedule runs daily and lets the calendar
decide. ``dry_run`` plans the notices without recording or sending them.

Needs: the planflow settings (PLANFLOW_HOME or PLANFLOW_DATABASE_URL,
PLANFLOW_DEFINITIONS) and mail settings (PLANFLOW_SMTP_URL + PLANFLOW_MAIL_FROM, or
none for .eml files under PLANFLOW_HOME/outbox); a Prefect API.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from planflow import vnformat as vn
from planflow.check.chunks import plan_chunks
from planflow.flows.fanout import deployment_available, publish_result, run_chunks
from planflow.flows.logs import library_logs_to_run
from planflow.flows.params import CHUNK_DEPLOYMENT, CheckChunkParams, CheckPlansParams, SyncParams
from planflow.flows.results import CheckPlansResult, ChunkResult, add_delivery
from planflow.tasks.notify_steps import check_chunk, check_chunk_plans, deliver_outbox, sync_plans
from planflow.workdays import is_day_off, local_day

__all__ = ["CHUNK_DEPLOYMENT", "CheckChunkParams", "CheckPlansParams", "check_plans", "check_plans_chunk"]


@flow(name="check_plans", flow_run_name="check-plans", validate_parameters=True)
def check_plans(params: CheckPlansParams) -> CheckPlansResult:
    library_logs_to_run()
    logger = get_run_logger()
    as_of = params.as_of or dt.datetime.now(dt.UTC)
    if params.working_days_only and is_day_off(as_of):
        logger.info("Ngày nghỉ theo lịch làm việc: không kiểm tra.")
        return CheckPlansResult(as_of=local_day(as_of), dry_run=params.dry_run, skipped="ngày nghỉ")
    directory_of = sync_plans(SyncParams(definitions=params.definitions, plans=params.plans))
    chunks = [
        CheckChunkParams(as_of=as_of, plans=c, definitions=params.definitions, dry_run=params.dry_run,
                         deliver=False)
        for c in plan_chunks(directory_of, params.chunk_plans)
    ]  # fmt: skip
    fan_out = params.fan_out
    if fan_out == "auto":
        remote = len(chunks) > 1 and deployment_available(params.chunk_deployment)
        fan_out = "deployments" if remote else "tasks"
    logger.info("%d kế hoạch, %d phần việc (%s)", len(directory_of), len(chunks), fan_out)
    if fan_out == "deployments":
        remote_chunks = [c.model_copy(update={"deliver": True}) for c in chunks]
        outcomes = run_chunks(params.chunk_deployment, remote_chunks, ChunkResult, name="check-plans-chunk",
                              attempts=params.chunk_attempts, timeout_s=params.chunk_timeout_s,
                              stall_s=params.chunk_stall_s)  # fmt: skip
    else:
        outcomes = [check_chunk(c) for c in chunks]
    day = local_day(as_of)
    result = CheckPlansResult.merge(outcomes, sorted(directory_of), as_of=day, dry_run=params.dry_run)
    if not params.dry_run:
        result.delivery = add_delivery(result.delivery, deliver_outbox(params.definitions))
    _publish(result)
    return result


@flow(name="check_plans_chunk", validate_parameters=True, retries=2, retry_delay_seconds=10)
def check_plans_chunk(params: CheckChunkParams) -> ChunkResult:
    """One chunk of ``check_plans``, run by whichever worker picks it up; its result is
    published for the parent (``planflow.flows.fanout``)."""
    library_logs_to_run()
    result = check_chunk_plans(params)
    publish_result(result, f"Kiểm tra {len(params.plans)} kế hoạch: {params.plans[0]} … {params.plans[-1]}")
    return result


def _publish(result: CheckPlansResult) -> None:
    header = "| Kế hoạch | Quá hạn | Bị chặn | Sắp đến hạn |\n|---|---|---|---|"
    lines = [f"# Kiểm tra ngày {result.as_of.isoformat()}", "", header]
    for plan in result.plans:
        s = plan.summary
        lines.append(f"| {plan.plan} | {s['overdue']} | {s['blocked']} | {s['upcoming']} |")
    if result.quiet_plans:
        lines += ["", vn.quiet_plans(result.quiet_plans)]
    lines += ["", f"Thông báo đến hạn: {result.notices}; thư đã xếp hàng: {result.queued}; "
              f"{result.chunks} phần việc."]  # fmt: skip
    create_markdown_artifact(key="check-summary", markdown="\n".join(lines))
