"""Prefect tasks for the daily check: thin wrappers over ``notifications.service``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from prefect import task

from notifications.service import mail_config, run_check, send_outbox
from planflow.loader import load_definitions
from planflow.settings import load_settings
from planflow.store.db import open_store


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@task(name="plan-and-queue-notices", retries=3, retry_delay_seconds=[2, 5, 15])
def plan_and_queue(
    as_of: dt.date | dt.datetime, definitions: str | None, plan_ids: list[str], dry_run: bool
) -> dict[str, Any]:
    """Sync every plan, evaluate them in one pass, record and queue the notices due.

    Safe to retry: a notice is recorded once whatever the number of attempts."""
    settings = load_settings(definitions=Path(definitions) if definitions else None)
    factory = open_store(settings.effective_database_url)
    outcome = run_check(
        load_definitions(settings.definitions), factory, as_of, config=mail_config(settings),
        plan_ids=plan_ids or None, dry_run=dry_run, deliver_now=False, now=_now,
    )  # fmt: skip
    return outcome.as_json()


@task(name="deliver-outbox", retries=3, retry_delay_seconds=[2, 5, 15])
def deliver_outbox(definitions: str | None = None) -> dict[str, object]:
    """Deliver every message that is due; temporary failures wait for their retry time."""
    settings = load_settings(definitions=Path(definitions) if definitions else None)
    factory = open_store(settings.effective_database_url)
    return send_outbox(factory, mail_config(settings), now=_now).as_json()
