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
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from pydantic import BaseModel, Field

from planflow.flows.logs import library_logs_to_run
from planflow.flows.params import AsOf
from planflow.tasks.notify_steps import deliver_outbox
from planflow.tasks.report_steps import assemble_report, reports_due
from planflow.workdays import is_day_off


class AssembleReportsParams(BaseModel):
    as_of: AsOf | None = Field(default=None, description="default: now")
    definitions: str | None = Field(default=None, description="definitions folder override")
    plans: list[str] = Field(default_factory=list, description="plan ids; empty = every plan")
    deliver: bool = Field(default=True, description="deliver the outbox at the end")
    working_days_only: bool = Field(default=False, description="do nothing on a day off")


@flow(name="assemble_reports", flow_run_name="assemble-reports", validate_parameters=True)
def assemble_reports(params: AssembleReportsParams) -> dict[str, Any]:
    library_logs_to_run()
    as_of = params.as_of or dt.datetime.now(dt.UTC)
    if params.working_days_only and is_day_off(as_of):
        get_run_logger().info("Ngày nghỉ theo lịch làm việc: không lập báo cáo.")
        return {"as_of": as_of.isoformat(), "reports": [], "new_versions": 0, "mailed": 0, "delivery": None,
                "skipped": "ngày nghỉ"}  # fmt: skip
    due = reports_due(as_of, params.definitions, params.plans)
    futures = [
        assemble_report.submit(d["key"], d["plan"], d["report"], d["period"], as_of, params.definitions)
        for d in due
    ]
    results = [f.result() for f in futures]
    delivery = deliver_outbox(params.definitions) if params.deliver else None
    rows = [{**r, "due": d["due"], "state": d["state_label"]} for d, r in zip(due, results, strict=True)]
    create_table_artifact(key="reports-assembled", table=rows or [{"key": "—"}],
                          description="Báo cáo đã lập dự thảo hôm nay")  # fmt: skip
    return {
        "as_of": as_of.isoformat(),
        "reports": rows,
        "new_versions": sum(1 for r in results if r["new_version"]),
        "mailed": sum(1 for r in results if r["mailed"]),
        "delivery": delivery,
    }
