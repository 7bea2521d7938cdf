"""The parameters of every flow and task, as pydantic models.

A flow takes one model, ``params``: a deployment's parameters are ``{"params": {…}}``,
and Prefect validates them into the model (``validate_parameters=True``), so a wrong
field fails before the run starts. From the command line:
``prefect deployment run check_plans/check-plans --param 'params={"as_of": "2026-06-30"}'``
(``--param as_of=…`` is refused: the flow has no parameter ``as_of``).

A task takes the model of what it needs, with the as-of time resolved by its flow: every
chunk, task and subflow of one run sees the same moment.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from planflow.check.chunks import DEFAULT_CHUNK_PLANS

CHUNK_DEPLOYMENT = "check_plans_chunk/check-plans-chunk"


def _day_or_instant(value: Any) -> Any:
    """``"2026-06-30"`` is a day (its end counts), not midnight at its start: without this a
    deployment's JSON parameter would become a datetime and shift every status by a day."""
    if isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value)
    return value


AsOf = Annotated[dt.datetime | dt.date, BeforeValidator(_day_or_instant)]
"""An as-of day (a date: the end of that day in the plan's time zone) or instant."""


class Params(BaseModel):
    """Unknown fields are refused: a misspelt parameter must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


# --- flows ------------------------------------------------------------------------------


class CheckPlanParams(Params):
    """Parameters of one check of one plan (``check_plan``)."""

    plan_id: str = Field(min_length=1, description="id of the plan (definitions/plans/<id>.yaml)")
    as_of: AsOf | None = Field(default=None, description="the moment to evaluate at; default: now")
    definitions: str | None = Field(default=None, description="definitions folder override")
    sync: bool = Field(default=True, description="sync the definition first (off: the stored plan)")
    lookback_days: int = Field(default=31, ge=0, le=3660, description="window before as_of")
    ahead_days: int = Field(default=31, ge=0, le=3660, description="window after as_of")


class CheckPlansParams(Params):
    """Parameters of the daily check (``check_plans``)."""

    as_of: AsOf | None = Field(default=None, description="default: now")
    definitions: str | None = Field(default=None, description="definitions folder override")
    plans: list[str] = Field(default_factory=list, description="plan ids; empty = every plan")
    dry_run: bool = Field(default=False, description="plan notices, record and send nothing")
    chunk_plans: int = Field(default=DEFAULT_CHUNK_PLANS, ge=1, description="plans per chunk")
    fan_out: Literal["auto", "tasks", "deployments"] = Field(default="auto", description="where chunks run")
    chunk_deployment: str = Field(default=CHUNK_DEPLOYMENT, description="deployment that runs one chunk")
    chunk_attempts: int = Field(default=3, ge=1, description="runs of a chunk before the check fails")
    chunk_timeout_s: float = Field(default=6 * 3600, gt=0, description="longest wait for the chunks")
    chunk_stall_s: float = Field(default=1800, gt=0, description="a chunk not done by then is resubmitted")
    working_days_only: bool = Field(default=False, description="do nothing on a day off")


class CheckChunkParams(Params):
    """One chunk of a check (``check_plans_chunk`` and the ``check-chunk`` task): the plans,
    the as-of time the whole check uses."""

    as_of: AsOf
    plans: list[str] = Field(min_length=1)
    definitions: str | None = None
    dry_run: bool = False
    deliver: bool = True


class AssembleReportsParams(Params):
    """Parameters of the daily assembly of reports (``assemble_reports``)."""

    as_of: AsOf | None = Field(default=None, description="default: now")
    definitions: str | None = Field(default=None, description="definitions folder override")
    plans: list[str] = Field(default_factory=list, description="plan ids; empty = every plan")
    deliver: bool = Field(default=True, description="deliver the outbox at the end")
    working_days_only: bool = Field(default=False, description="do nothing on a day off")


class LeadershipDigestParams(Params):
    """Parameters of the weekly digest to leadership (``leadership_digest``)."""

    as_of: AsOf | None = Field(default=None, description="default: now")
    definitions: str | None = Field(default=None, description="definitions folder override")
    plans: list[str] = Field(default_factory=list, description="plan ids; empty = every active plan")
    dry_run: bool = Field(default=False, description="compose, queue and send nothing")


class ResendOutboxParams(Params):
    """Parameters of the delivery of what is left in the outbox (``resend_outbox``)."""

    definitions: str | None = Field(default=None, description="definitions folder override")


# --- tasks ------------------------------------------------------------------------------


class SyncParams(Params):
    """Which definitions to sync (``sync-definitions``): every plan when ``plans`` is empty."""

    definitions: str | None = None
    plans: list[str] = Field(default_factory=list)


class EvaluatePlanParams(Params):
    """One plan evaluated at a resolved moment (``evaluate-plan``)."""

    plan_id: str = Field(min_length=1)
    as_of: AsOf
    definitions: str | None = None
    sync: bool = True
    lookback_days: int = Field(default=31, ge=0, le=3660)
    ahead_days: int = Field(default=31, ge=0, le=3660)


class ReportsDueParams(Params):
    """Which reports to look at (``reports-due``)."""

    as_of: AsOf
    definitions: str | None = None
    plans: list[str] = Field(default_factory=list)


class AssembleReportParams(Params):
    """One report occurrence to assemble (``assemble-report``)."""

    key: str
    plan_id: str
    report_id: str
    period: str | None
    as_of: AsOf
    definitions: str | None = None
