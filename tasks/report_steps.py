"""Prefect tasks for report assembly: thin wrappers over ``planflow.reports.assembly``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact

from planflow.flows.params import AssembleReportParams, ReportsDueParams
from planflow.flows.results import AssembledReport, DueReport
from planflow.loader import load_definitions
from planflow.notifications.notices import mail_config
from planflow.reports.assembly import assemble_one
from planflow.reports.duties import report_duties
from planflow.settings import load_settings
from planflow.store.db import opened_store
from planflow.sync.definitions import sync_definitions


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@task(name="reports-due", retries=3, retry_delay_seconds=[2, 5, 15])
def reports_due(params: ReportsDueParams) -> list[DueReport]:
    """Sync, then list the report occurrences whose draft is due (window open, not sent)."""
    settings = load_settings(definitions=Path(params.definitions) if params.definitions else None)
    defs = load_definitions(settings.definitions)
    with opened_store(settings.effective_database_url) as factory, factory() as session, session.begin():
        sync_definitions(defs, params.plans or None, session=session, now=_now())
        ids = params.plans or sorted(defs.plans)
        duties = report_duties(defs, ids, params.as_of, session=session)
        return [DueReport.model_validate(d.as_json()) for d in duties if d.assembling]


@task(name="assemble-report", task_run_name="assemble-{params.key}", retries=2, retry_delay_seconds=[5, 30])
def assemble_report(params: AssembleReportParams) -> AssembledReport:
    """Build one report's draft; a changed content is stored as a new version, published as
    a markdown artifact and mailed to the compiling unit. Safe to retry (same content, same
    version; one mail per version)."""
    settings = load_settings(definitions=Path(params.definitions) if params.definitions else None)
    with opened_store(settings.effective_database_url) as factory:
        result = assemble_one(
            load_definitions(settings.definitions), factory, params.plan_id, params.report_id, params.period,
            params.as_of, config=mail_config(settings), now=_now,
        )  # fmt: skip
    if result.new_version:
        create_markdown_artifact(
            key="report-" + re.sub(r"[^a-z0-9-]+", "-", params.key.lower()).strip("-")[:90],
            markdown=result.markdown,
            description=f"Dự thảo báo cáo {params.key}, bản {result.version}",
        )
    return AssembledReport.model_validate(result.as_json())
