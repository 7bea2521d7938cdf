"""Prefect tasks over planflow's core steps: thin wrappers, the logic is in ``planflow``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import task

from planflow.check.plans import plan_status
from planflow.flows.params import EvaluatePlanParams
from planflow.flows.results import Occurrence, PlanSnapshot
from planflow.loader import load_definitions
from planflow.settings import load_settings
from planflow.status import in_window, summarize
from planflow.store import repo
from planflow.store.db import opened_store
from planflow.sync.definitions import sync_definitions


@task(name="evaluate-plan", retries=3, retry_delay_seconds=[2, 5, 15])
def evaluate_plan(params: EvaluatePlanParams) -> PlanSnapshot:
    """Sync the plan's definition (if ``params.sync``) and evaluate it at ``params.as_of``.

    Returns the status of every occurrence in the as-of window, in dependency order,
    each with the keys it depends on, plus the plan's summary.
    """
    plan_id = params.plan_id
    settings = load_settings(definitions=Path(params.definitions) if params.definitions else None)
    with opened_store(settings.effective_database_url) as factory, factory() as session, session.begin():
        if params.sync:
            defs = load_definitions(settings.definitions, strict=settings.strict)
            sync_definitions(defs, [plan_id], session=session, now=dt.datetime.now(dt.UTC))
        report = plan_status(plan_id, params.as_of, session=session)
        deps = repo.dependencies(plan_id, session=session)
    day = report.as_of.day
    chosen = [i for i in report.items if in_window(i, day, params.lookback_days, params.ahead_days)]
    keys = {i.key for i in chosen}
    names = report.plan.unit_names
    return PlanSnapshot(
        plan=plan_id,
        title=report.plan.title,
        as_of=report.as_of.instant.isoformat(),
        summary=summarize(report.items),
        window=summarize(chosen),
        items=[
            Occurrence.of(
                i.as_json(),
                [d for d in deps.get(i.key, []) if d in keys],
                [names.get(u, u) for u in i.facts.lead],
            )
            for i in chosen
        ],
    )
