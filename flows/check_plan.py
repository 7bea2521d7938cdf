"""check_plan: show where one plan stands, as a Prefect run graph.

Syncs the plan's definition into the store (unless ``sync`` is off), evaluates every
occurrence at ``as_of`` (the same pure evaluation ``planflow status`` uses), and
submits one task run per occurrence of the as-of window: named by the occurrence key,
tagged with its lead units, waiting for the occurrences it depends on, and finishing in
a state named after its status ("Done late", "Overdue", "Blocked" …).

Needs: the planflow settings (PLANFLOW_HOME or PLANFLOW_DATABASE_URL,
PLANFLOW_DEFINITIONS) and a Prefect API (PREFECT_API_URL, or the local one that
``planflow check`` starts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow
from prefect.futures import PrefectFuture, wait
from prefect.utilities.annotations import allow_failure
from pydantic import BaseModel, Field

from planflow.flows.logs import library_logs_to_run
from planflow.flows.params import AsOf
from planflow.tasks.occurrence import occurrence_state
from planflow.tasks.plan_steps import evaluate_plan


class CheckPlanParams(BaseModel):
    """Parameters of one check of one plan."""

    plan_id: str = Field(min_length=1, description="id of the plan (definitions/plans/<id>.yaml)")
    as_of: AsOf | None = Field(default=None, description="the moment to evaluate at; default: now")
    definitions: str | None = Field(default=None, description="definitions folder override")
    sync: bool = Field(default=True, description="sync the definition first (off: the stored plan)")
    lookback_days: int = Field(default=31, ge=0, le=3660, description="window before as_of")
    ahead_days: int = Field(default=31, ge=0, le=3660, description="window after as_of")


@flow(name="check_plan", flow_run_name="check-{params.plan_id}", validate_parameters=True)
def check_plan(params: CheckPlanParams) -> dict[str, Any]:
    library_logs_to_run()
    as_of = params.as_of or dt.datetime.now(dt.UTC)
    snapshot = evaluate_plan(
        params.plan_id, as_of, params.definitions, params.sync,
        params.lookback_days, params.ahead_days,
    )  # fmt: skip
    futures: dict[str, PrefectFuture[Any]] = {}
    for item in snapshot["items"]:
        upstream = [allow_failure(futures[k]) for k in item["depends_on"] if k in futures]
        futures[item["key"]] = occurrence_state.with_options(
            task_run_name=item["key"], tags=item["lead"]
        ).submit(item, wait_for=upstream, return_state=False)
    wait(list(futures.values()))
    states = {key: future.state.name for key, future in futures.items()}
    return {
        "plan": snapshot["plan"],
        "title": snapshot["title"],
        "as_of": snapshot["as_of"],
        "summary": snapshot["summary"],
        "window": snapshot["window"],
        "task_runs": len(futures),
        "states": states,
        "attention": [
            {k: item[k] for k in ("key", "title", "lead", "due", "status", "status_label", "days_overdue")}
            for item in snapshot["items"]
            if item["status"] in ("overdue", "blocked")
        ],
    }
