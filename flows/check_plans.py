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
from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from pydantic import BaseModel, Field

from planflow.check.chunks import DEFAULT_CHUNK_PLANS, add_delivery, merge_outcomes, plan_chunks
from planflow.flows.fanout import deployment_available, publish_result, run_chunks
from planflow.flows.logs import library_logs_to_run
from planflow.flows.params import AsOf
from planflow.tasks.notify_steps import check_chunk, check_chunk_plans, deliver_outbox, sync_plans
from planflow.workdays import is_day_off, local_day

CHUNK_DEPLOYMENT = "check_plans_chunk/check-plans-chunk"


class CheckPlansParams(BaseModel):
    """Parameters of the daily check."""

    as_of: AsOf | None = Field(default=None, description="default: now")
    definitions: str | None = Field(default=None, description="definitions folder override")
    plans: list[str] = Field(default_factory=list, description="plan ids; empty = every plan")
    dry_run: bool = Field(default=False, description="plan notices, record and send nothing")
    chunk_plans: int = Field(default=DEFAULT_CHUNK_PLANS, ge=1, description="plans per chunk")
    fan_out: Literal["auto", "tasks", "deployments"] = Field(default="auto", description="where chunks run")
    chunk_deployment: str = Field(default=CHUNK_DEPLOYMENT, description="deployment that runs one chunk")
    chunk_attempts: int = Field(default=3, ge=1, description="runs of a chunk before the check fails")
    chunk_timeout_s: float = Field(default=6 * 3600, gt=0, description="longest wait for the chunks")
    chunk_stall_s: float = Field(default=1800, gt=0, description="a chunk not done by then is resubmitted")
    working_days_only: bool = Field(default=False, description="do nothing on a day off")


class CheckChunkParams(BaseModel):
    """One chunk of a check: the plans, the as-of time the whole check uses."""

    as_of: AsOf
    plans: list[str] = Field(min_length=1)
    definitions: str | None = None
    dry_run: bool = False
    deliver: bool = True


def _skipped(as_of: dt.datetime | dt.date, dry_run: bool) -> dict[str, Any]:
    return {"as_of": local_day(as_of).isoformat(), "plans": [], "notices": 0, "notices_by_step": {},
            "queued": 0, "delivery": None, "overdue": 0, "dry_run": dry_run, "skipped": "ngày nghỉ",
            "chunks": 0, "runners": {}}  # fmt: skip


@flow(name="check_plans", flow_run_name="check-plans", validate_parameters=True)
def check_plans(params: CheckPlansParams) -> dict[str, Any]:
    library_logs_to_run()
    logger = get_run_logger()
    as_of = params.as_of or dt.datetime.now(dt.UTC)
    if params.working_days_only and is_day_off(as_of):
        logger.info("Ngày nghỉ theo lịch làm việc: không kiểm tra.")
        return _skipped(as_of, params.dry_run)
    directory_of = sync_plans(params.definitions, params.plans)
    chunks = plan_chunks(directory_of, params.chunk_plans)
    fan_out = params.fan_out
    if fan_out == "auto":
        remote = len(chunks) > 1 and deployment_available(params.chunk_deployment)
        fan_out = "deployments" if remote else "tasks"
    logger.info("%d kế hoạch, %d phần việc (%s)", len(directory_of), len(chunks), fan_out)
    if fan_out == "deployments":
        parameters = [
            {"params": CheckChunkParams(as_of=as_of, plans=c, definitions=params.definitions,
                                        dry_run=params.dry_run).model_dump(mode="json")}
            for c in chunks
        ]  # fmt: skip
        outcomes = run_chunks(params.chunk_deployment, parameters, name="check-plans-chunk",
                              attempts=params.chunk_attempts, timeout_s=params.chunk_timeout_s,
                              stall_s=params.chunk_stall_s)  # fmt: skip
    else:
        outcomes = [check_chunk(as_of, params.definitions, c, params.dry_run, False) for c in chunks]
    merged = merge_outcomes(outcomes, sorted(directory_of))
    if not params.dry_run:
        merged["delivery"] = add_delivery(merged["delivery"], deliver_outbox(params.definitions))
    runners: dict[str, int] = {}
    for outcome in outcomes:
        runners[outcome["runner"]] = runners.get(outcome["runner"], 0) + 1
    day = outcomes[0]["as_of"] if outcomes else _skipped(as_of, params.dry_run)["as_of"]
    result = {"as_of": day, **merged, "dry_run": params.dry_run, "chunks": len(chunks), "runners": runners}
    _publish(result)
    return result


@flow(name="check_plans_chunk", validate_parameters=True, retries=2, retry_delay_seconds=10)
def check_plans_chunk(params: CheckChunkParams) -> dict[str, Any]:
    """One chunk of ``check_plans``, run by whichever worker picks it up."""
    library_logs_to_run()
    result = check_chunk_plans(params.as_of, params.definitions, params.plans, params.dry_run, params.deliver)
    publish_result(result, f"Kiểm tra {len(params.plans)} kế hoạch: {params.plans[0]} … {params.plans[-1]}")
    return result


def _publish(result: dict[str, Any]) -> None:
    lines = [f"# Kiểm tra ngày {result['as_of']}", "", "| Kế hoạch | Quá hạn | Bị chặn | Sắp đến hạn |",
             "|---|---|---|---|"]  # fmt: skip
    for plan in result["plans"]:
        s = plan["summary"]
        lines.append(f"| {plan['plan']} | {s['overdue']} | {s['blocked']} | {s['upcoming']} |")
    lines += ["", f"Thông báo đến hạn: {result['notices']}; thư đã xếp hàng: {result['queued']}; "
              f"{result['chunks']} phần việc."]  # fmt: skip
    create_markdown_artifact(key="check-summary", markdown="\n".join(lines))
