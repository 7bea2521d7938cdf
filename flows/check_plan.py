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

from planflow.flows.logs import library_logs_to_run
from planflow.flows.params import CheckPlanParams, EvaluatePlanParams
from planflow.flows.results import CheckPlanResult
from planflow.tasks.occurrence import occurrence_state
from planflow.tasks.plan_steps import evaluate_plan

__all__ = ["CheckPlanParams", "CheckPlanResult", "check_plan"]


@flow(name="check_plan", flow_run_name="check-{params.plan_id}", validate_parameters=True)
def check_plan(params: CheckPlanParams) -> CheckPlanResult:
    library_logs_to_run()
    as_of = params.as_of or dt.datetime.now(dt.UTC)
    fields = params.model_dump(exclude={"as_of"})
    snapshot = evaluate_plan(EvaluatePlanParams(**fields, as_of=as_of))
    futures: dict[str, PrefectFuture[Any]] = {}
    for item in snapshot.items:
        upstream = [allow_failure(futures[k]) for k in item.depends_on if k in futures]
        futures[item.key] = occurrence_state.with_options(task_run_name=item.key, tags=item.lead).submit(
            item, wait_for=upstream, return_state=False
        )
    wait(list(futures.values()))
    return CheckPlanResult(
        plan=snapshot.plan,
        title=snapshot.title,
        as_of=snapshot.as_of,
        summary=snapshot.summary,
        window=snapshot.window,
        task_runs=len(futures),
        states={key: f.state.name or f.state.type.value for key, f in futures.items()},
        attention=[i.attention() for i in snapshot.items if i.status in ("overdue", "blocked")],
    )
