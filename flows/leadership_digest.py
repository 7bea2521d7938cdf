"""leadership_digest: the weekly digest to leadership (``planflow.notifications.leadership``).

Every leader who signed a plan with open items gets one message per ISO week: where each
plan stands and its most overdue items. Reads the store (the daily check syncs it); queued
once per (week, leader) however often it runs, then the outbox is delivered.

Needs: the planflow and mail settings (see flows/check_plans.py) and a Prefect API.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, task
from prefect.artifacts import create_table_artifact

from planflow.flows.logs import library_logs_to_run
from planflow.flows.params import LeadershipDigestParams
from planflow.flows.results import LeadershipDigestResult
from planflow.notifications.leadership import run_leadership_digest
from planflow.notifications.notices import mail_config
from planflow.store.db import opened_store
from planflow.tasks.notify_steps import deliver_outbox, settings_for

__all__ = ["LeadershipDigestParams", "LeadershipDigestResult", "leadership_digest"]


@task(name="queue-leadership-digests", retries=3, retry_delay_seconds=[2, 5, 15])
def queue_digests(params: LeadershipDigestParams) -> LeadershipDigestResult:
    """Queue this week's digests (``params.as_of`` resolved by the flow)."""
    settings = settings_for(params.definitions)
    as_of = params.as_of or dt.datetime.now(dt.UTC)
    with opened_store(settings.effective_database_url) as factory:
        result = run_leadership_digest(
            factory,
            as_of,
            config=mail_config(settings),
            plan_ids=params.plans or None,
            dry_run=params.dry_run,
            now=lambda: dt.datetime.now(dt.UTC),
        )
    return LeadershipDigestResult.model_validate(result)


@flow(name="leadership_digest", flow_run_name="leadership-digest", validate_parameters=True)
def leadership_digest(params: LeadershipDigestParams) -> LeadershipDigestResult:
    library_logs_to_run()
    resolved = params.model_copy(update={"as_of": params.as_of or dt.datetime.now(dt.UTC)})
    result = queue_digests(resolved)
    result.delivery = None if params.dry_run else deliver_outbox(params.definitions)
    rows = [{"leader": d.name, "plans": len(d.plans), "overdue": d.overdue} for d in result.leaders]
    create_table_artifact(key="leadership-digest", table=rows or [{"leader": "—"}],
                          description="Thư tổng hợp tuần gửi lãnh đạo")  # fmt: skip
    return result
