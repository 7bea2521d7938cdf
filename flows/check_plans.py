"""check_plans: the daily check of every plan — remind, escalate, deliver.

Syncs the definitions, evaluates every plan in one set-based pass, records and queues
the ladder notices that are due (one digest per recipient), delivers the outbox, and
publishes a table artifact of the overdue items per plan and a markdown summary.
Returns the counts. ``dry_run`` plans the notices without recording or sending them.

Needs: the planflow settings (PLANFLOW_HOME or PLANFLOW_DATABASE_URL,
PLANFLOW_DEFINITIONS) and mail settings (PLANFLOW_SMTP_URL + PLANFLOW_MAIL_FROM, or
none for .eml files under PLANFLOW_HOME/outbox); a Prefect API.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from pydantic import BaseModel, Field

from tasks.notify_steps import deliver_outbox, plan_and_queue


class CheckPlansParams(BaseModel):
    """Parameters of the daily check."""

    as_of: dt.datetime | dt.date | None = Field(default=None, description="default: now")
    definitions: str | None = Field(default=None, description="definitions folder override")
    plans: list[str] = Field(default_factory=list, description="plan ids; empty = every plan")
    dry_run: bool = Field(default=False, description="plan notices, record and send nothing")


@flow(name="check_plans", flow_run_name="check-plans", validate_parameters=True)
def check_plans(params: CheckPlansParams) -> dict[str, Any]:
    as_of = params.as_of or dt.datetime.now(dt.UTC)
    outcome = plan_and_queue(as_of, params.definitions, params.plans, params.dry_run)
    delivery = None if params.dry_run else deliver_outbox(params.definitions)
    _publish(outcome)
    by_step = Counter(str(n["step"]) for n in outcome["notices"])
    return {
        "as_of": outcome["as_of"],
        "plans": outcome["plans"],
        "notices": len(outcome["notices"]),
        "notices_by_step": dict(sorted(by_step.items())),
        "queued": outcome["queued"],
        "delivery": delivery,
        "overdue": len(outcome["overdue"]),
        "dry_run": params.dry_run,
    }


def _publish(outcome: dict[str, Any]) -> None:
    rows = [
        {"plan": i["plan"], "key": i["key"], "title": i["title"], "lead": ", ".join(i["lead"]),
         "due": i["due"], "status": i["status_label"], "days_overdue": i["days_overdue"]}
        for i in outcome["overdue"]
    ]  # fmt: skip
    create_table_artifact(key="overdue-items", table=rows, description="Quá hạn và bị chặn, theo kế hoạch")
    lines = [f"# Kiểm tra ngày {outcome['as_of']}", "", "| Kế hoạch | Quá hạn | Bị chặn | Sắp đến hạn |",
             "|---|---|---|---|"]  # fmt: skip
    for plan in outcome["plans"]:
        s = plan["summary"]
        lines.append(f"| {plan['plan']} | {s['overdue']} | {s['blocked']} | {s['upcoming']} |")
    lines += ["", f"Thông báo đến hạn: {len(outcome['notices'])}; thư đã xếp hàng: {outcome['queued']}."]
    create_markdown_artifact(key="check-summary", markdown="\n".join(lines))
