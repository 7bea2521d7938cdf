"""resend_outbox: deliver what earlier runs left undelivered (server down, 4xx answers).

Needs: the planflow and mail settings (see flows/check_plans.py) and a Prefect API.
"""

from __future__ import annotations

from prefect import flow

from planflow.flows.logs import library_logs_to_run
from planflow.flows.params import ResendOutboxParams
from planflow.flows.results import Delivery
from planflow.tasks.notify_steps import deliver_outbox

__all__ = ["ResendOutboxParams", "resend_outbox"]


@flow(name="resend_outbox", flow_run_name="resend-outbox", validate_parameters=True)
def resend_outbox(params: ResendOutboxParams) -> Delivery:
    library_logs_to_run()
    return deliver_outbox(params.definitions)
