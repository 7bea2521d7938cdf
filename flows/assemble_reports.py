"""assemble_reports: the daily assembly of mandatory reports.

For every report occurrence whose assembly day (``draft_lead_days`` working days before
its due date) has come and that is not yet sent: build the draft from what the store
knows, keep it as a new version when its content changed, publish it as a markdown
artifact and mail it, files attached, to the compiling unit for review. A report still
not sent on its due day stays on the escalation ladder (the daily check chases it).
Marking a report final and sending it is ``planflow report send``.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from planflow.flows.logs import library_logs_to_run
from planflow.flows.params import AssembleReportParams, AssembleReportsParams, ReportsDueParams
from planflow.flows.results import AssembledRow, AssembleReportsResult
from planflow.tasks.notify_steps import deliver_outbox
from planflow.tasks.report_steps import assemble_report, reports_due
from planflow.workdays import is_day_off

__all__ = ["AssembleReportsParams", "AssembleReportsResult", "assemble_reports"]


@flow(name="assemble_reports", flow_run_name="assemble-reports", validate_parameters=True)
def assemble_reports(params: AssembleReportsParams) -> AssembleReportsResult:
    library_logs_to_run()
    as_of = params.as_of or dt.datetime.now(dt.UTC)
    if params.working_days_only and is_day_off(as_of):
        get_run_logger().info("Ngày nghỉ theo lịch làm việc: không lập báo cáo.")
        return AssembleReportsResult(as_of=as_of, skipped="ngày nghỉ")
    due = reports_due(ReportsDueParams(as_of=as_of, definitions=params.definitions, plans=params.plans))
    futures = [
        assemble_report.submit(
            AssembleReportParams(key=d.key, plan_id=d.plan, report_id=d.report, period=d.period, as_of=as_of,
                                 definitions=params.definitions)
        )
        for d in due
    ]  # fmt: skip
    results = [f.result() for f in futures]
    delivery = deliver_outbox(params.definitions) if params.deliver else None
    rows = [
        AssembledRow(**r.model_dump(exclude={"state"}), due=d.due, state=d.state_label)
        for d, r in zip(due, results, strict=True)
    ]
    create_table_artifact(
        key="reports-assembled",
        table=[r.model_dump(mode="json") for r in rows] or [{"key": "—"}],
        description="Báo cáo đã lập dự thảo hôm nay",
    )
    return AssembleReportsResult(
        as_of=as_of,
        reports=rows,
        new_versions=sum(1 for r in results if r.new_version),
        mailed=sum(1 for r in results if r.mailed),
        delivery=delivery,
    )
