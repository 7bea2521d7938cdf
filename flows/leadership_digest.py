"""leadership_digest: the weekly digest to leadership (``planflow.notifications.leadership``).

Every leader who signed a plan with open items gets one message per ISO week: where each
plan stands and its most overdue items. Reads the store (the daily check syncs it); queued
once per (week, leader) however often it runs, then the outbox is delivered.

Needs: the planflow and mail settings (see flows/check_plans.py) and a Prefect API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from pydantic import BaseModel, Field

from planflow.flows.logs import library_logs_to_run
from planflow.flows.params import AsOf
from planflow.notifications.leadership import run_leadership_digest
from planflow.notifications.notices import mail_config
from planflow.store.db import open_store
from planflow.tasks.notify_steps import deliver_outbox, settings_for


class LeadershipDigestParams(BaseModel):
    as_of: AsOf | None = Field(default=None, description="default: now")
    definitions: str | None = Field(default=None, description="definitions folder override")
    plans: list[str] = Field(default_factory=list, description="plan ids; empty = every active plan")
    dry_run: bool = Field(default=False, description="compose, queue and send nothing")


@task(name="queue-leadership-digests", retries=3, retry_delay_seconds=[2, 5, 15])
def queue_digests(params: LeadershipDigestParams, as_of: dt.date | dt.datetime) -> dict[str, Any]:
    settings = settings_for(params.definitions)
    factory = open_store(settings.effective_database_url)
    return run_leadership_digest(factory, as_of, config=mail_config(settings), plan_ids=params.plans or None,
                                 dry_run=params.dry_run, now=lambda: dt.datetime.now(dt.UTC))  # fmt: skip


@flow(name="leadership_digest", flow_run_name="leadership-digest", validate_parameters=True)
def leadership_digest(params: LeadershipDigestParams) -> dict[str, Any]:
    library_logs_to_run()
    as_of = params.as_of or dt.datetime.now(dt.UTC)
    result = queue_digests(params, as_of)
    result["delivery"] = None if params.dry_run else deliver_outbox(params.definitions)
    leaders = result["leaders"]
    rows = [{"leader": d["name"], "plans": len(d["plans"]), "overdue": d["overdue"]} for d in leaders]
    create_table_artifact(key="leadership-digest", table=rows or [{"leader": "—"}],
                          description="Thư tổng hợp tuần gửi lãnh đạo")  # fmt: skip
    return result
