"""Prefect tasks for the daily check: thin wrappers over ``planflow.notifications.notices``."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections import Counter
from pathlib import Path

from prefect import task
from prefect.artifacts import create_table_artifact

from planflow.escalation import in_heading_order, step_id
from planflow.flows.params import CheckChunkParams, SyncParams
from planflow.flows.results import ChunkResult, Delivery
from planflow.loader import load_definitions
from planflow.notifications.notices import mail_config, run_check, send_outbox
from planflow.notifications.render import NOTICE_HEADINGS, heading_of
from planflow.settings import Settings, load_settings
from planflow.store.db import opened_store
from planflow.sync.definitions import sync_definitions


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def settings_for(definitions: str | None) -> Settings:
    return load_settings(definitions=Path(definitions) if definitions else None)


def runner_identity() -> str:
    """Which machine and which parent process (the Prefect worker or runner) ran this."""
    return f"{socket.gethostname()}:{os.getppid()}"


@task(name="sync-definitions", retries=3, retry_delay_seconds=[2, 5, 15])
def sync_plans(params: SyncParams) -> dict[str, str]:
    """Sync the definitions into the store (every plan, archiving the ones no longer
    defined, or just ``params.plans``); returns each checked plan's unit directory."""
    settings = settings_for(params.definitions)
    defs = load_definitions(settings.definitions, strict=settings.strict)
    ids = params.plans or sorted(defs.plans)
    directory_of = {p: defs.plan(p).units for p in ids}  # refuses an unknown plan id
    with opened_store(settings.effective_database_url) as factory, factory() as session, session.begin():
        sync_definitions(defs, params.plans or None, session=session, now=_now())
    return directory_of


def check_chunk_plans(params: CheckChunkParams) -> ChunkResult:
    """One chunk of a check, read from the store alone (the caller synced): statuses,
    the notices due recorded and queued in one transaction (unless ``dry_run``), and the
    chunk's messages delivered when ``params.deliver``. Safe to run twice: a notice is recorded
    once whatever the number of attempts, workers or overlapping runs."""
    settings = settings_for(params.definitions)
    config = mail_config(settings)
    with opened_store(settings.effective_database_url) as factory:
        outcome = run_check(None, factory, params.as_of, config=config, plan_ids=params.plans,
                            dry_run=params.dry_run, deliver_now=params.deliver, now=_now)  # fmt: skip
    overdue = outcome.attention_json()
    rows = [
        {"plan": i["plan"], "key": i["key"], "title": i["title"], "lead": ", ".join(i["lead"]),
         "due": i["due"], "status": i["status_label"], "days_overdue": i["days_overdue"]}
        for i in overdue
    ]  # fmt: skip
    create_table_artifact(key="overdue-items", table=rows or [{"plan": "—"}],
                          description="Quá hạn và bị chặn, theo kế hoạch")  # fmt: skip
    by_step = Counter(step_id(n.step) for n in outcome.plan.notices)
    by_heading = Counter(NOTICE_HEADINGS[heading_of(n)] for n in outcome.plan.notices)
    return ChunkResult.model_validate(
        {
            "as_of": outcome.plan.as_of,
            "plans": outcome.plans_json(),
            "quiet_plans": outcome.plan.quiet,
            "notices": len(outcome.plan.notices),
            "notices_by_step": dict(sorted(by_step.items())),
            "notices_by_heading": in_heading_order(by_heading),
            "queued": outcome.queued,
            "overdue": len(overdue),
            "delivery": Delivery.of(outcome.delivery) if outcome.delivery else None,
            "runner": runner_identity(),
        }
    )


check_chunk = task(name="check-chunk", retries=3, retry_delay_seconds=[2, 5, 15])(check_chunk_plans)


@task(name="deliver-outbox", retries=3, retry_delay_seconds=[2, 5, 15])
def deliver_outbox(definitions: str | None = None) -> Delivery:
    """Deliver every message that is due (definitions folder: ``definitions``, else the
    settings'); temporary failures wait for their retry time."""
    settings = settings_for(definitions)
    with opened_store(settings.effective_database_url) as factory:
        return Delivery.of(send_outbox(factory, mail_config(settings), now=_now))
