"""Prefect tasks for report assembly: thin wrappers over ``planflow.reports.assembly``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact

from planflow.loader import load_definitions
from planflow.notifications.notices import mail_config
from planflow.reports.assembly import assemble_one
from planflow.reports.duties import report_duties
from planflow.settings import load_settings
from planflow.store.db import open_store
from planflow.sync.definitions import sync_definitions


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@task(name="reports-due", retries=3, retry_delay_seconds=[2, 5, 15])
def reports_due(
    as_of: dt.date | dt.datetime, definitions: str | None, plan_ids: list[str]
) -> list[dict[str, Any]]:
    """Sync, then list the report occurrences whose draft is due (window open, not sent)."""
    settings = load_settings(definitions=Path(definitions) if definitions else None)
    defs = load_definitions(settings.definitions)
    factory = open_store(settings.effective_database_url)
    try:
        with factory() as session, session.begin():
            sync_definitions(defs, plan_ids or None, session=session, now=_now())
            ids = plan_ids or sorted(defs.plans)
            return [d.as_json() for d in report_duties(defs, ids, as_of, session=session) if d.assembling]
    finally:
        factory.kw["bind"].dispose()


@task(name="assemble-report", task_run_name="assemble-{key}", retries=2, retry_delay_seconds=[5, 30])
def assemble_report(key: str, plan_id: str, report_id: str, period: str | None,
                    as_of: dt.date | dt.datetime, definitions: str | None) -> dict[str, Any]:  # fmt: skip
    """Build one report's draft; a changed content is stored as a new version, published as
    a markdown artifact and mailed to the compiling unit. Safe to retry (same content, same
    version; one mail per version)."""
    settings = load_settings(definitions=Path(definitions) if definitions else None)
    factory = open_store(settings.effective_database_url)
    try:
        result = assemble_one(
            load_definitions(settings.definitions), factory, plan_id, report_id, period, as_of,
            config=mail_config(settings), now=_now,
        )  # fmt: skip
    finally:
        factory.kw["bind"].dispose()
    if result.new_version:
        create_markdown_artifact(
            key="report-" + re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")[:90],
            markdown=result.markdown,
            description=f"Dự thảo báo cáo {key}, bản {result.version}",
        )
    return result.as_json()
