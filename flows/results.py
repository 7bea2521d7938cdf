"""The results of every flow and task, as pydantic models.

A flow returns its model (``planflow check --json`` prints its JSON form). A chunk of a
check run by a deployment publishes its ``ChunkResult`` as a JSON artifact that the
parent reads back with ``model_validate_json`` (``planflow.flows.fanout``): the parent
needs no shared result storage and no parsing of text meant for people.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from planflow.escalation import in_heading_order
from planflow.flows.params import AsOf

if TYPE_CHECKING:
    from planflow.notifications.delivery import DeliveryReport

Summary = dict[str, int]
"""Occurrences per status (``planflow.status.summarize``): every status, zeros included."""


class Delivery(BaseModel):
    """One delivery run's counts (``notifications.delivery.DeliveryReport``)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    partial: int = 0
    waiting: int = 0
    cause: str | None = None
    transport: str = ""

    @classmethod
    def of(cls, report: DeliveryReport) -> Delivery:
        """From a ``DeliveryReport`` (its ``as_json`` form)."""
        return cls.model_validate(report.as_json())

    def plus(self, other: Delivery | None) -> Delivery:
        """Two runs' counts added up (``cause`` and ``transport``: this run's)."""
        if other is None:
            return self
        counts = ("sent", "retried", "failed", "partial", "waiting")
        return self.model_copy(update={k: getattr(self, k) + getattr(other, k) for k in counts})


def add_delivery(total: Delivery | None, part: Delivery | None) -> Delivery | None:
    """Two delivery reports as one (either may be missing)."""
    return part if total is None else total.plus(part)


# --- the daily check --------------------------------------------------------------------


class CheckedPlan(BaseModel):
    """One plan of a check: its title and counts per status."""

    plan: str
    title: str
    summary: Summary
    example: bool = False


class ChunkResult(BaseModel):
    """One chunk of a check (``check-chunk`` task, ``check_plans_chunk`` flow)."""

    as_of: dt.date
    plans: list[CheckedPlan]
    quiet_plans: int = Field(0, description="plans with nothing overdue, blocked or due soon and no notice")
    notices: int
    notices_by_step: dict[str, int]
    notices_by_heading: dict[str, int] = Field(default_factory=dict)
    queued: int
    overdue: int
    delivery: Delivery | None
    runner: str = Field(description="host:parent pid of the process that ran the chunk")


class CheckPlansResult(BaseModel):
    """The daily check (``check_plans``): the chunks' results added up."""

    as_of: dt.date
    plans: list[CheckedPlan] = Field(default_factory=list)
    """The plans with something due; the others are ``quiet_plans``."""
    quiet_plans: int = 0
    notices: int = 0
    notices_by_step: dict[str, int] = Field(default_factory=dict)
    notices_by_heading: dict[str, int] = Field(default_factory=dict)
    queued: int = 0
    overdue: int = 0
    delivery: Delivery | None = None
    dry_run: bool = False
    chunks: int = 0
    runners: dict[str, int] = Field(default_factory=dict)
    skipped: str | None = None

    @classmethod
    def merge(
        cls, outcomes: Sequence[ChunkResult], order: Iterable[str], *, as_of: dt.date, dry_run: bool
    ) -> CheckPlansResult:
        """The chunks' results as one check's: plans in ``order``, counts added up."""
        plans = {p.plan: p for o in outcomes for p in o.plans}
        by_step: Counter[str] = Counter()
        by_heading: Counter[str] = Counter()
        delivery: Delivery | None = None
        for outcome in outcomes:
            by_step.update(outcome.notices_by_step)
            by_heading.update(outcome.notices_by_heading)
            delivery = add_delivery(delivery, outcome.delivery)
        return cls(
            as_of=outcomes[0].as_of if outcomes else as_of,
            plans=[plans[p] for p in order if p in plans],
            quiet_plans=sum(o.quiet_plans for o in outcomes),
            notices=sum(o.notices for o in outcomes),
            notices_by_step=dict(sorted(by_step.items())),
            notices_by_heading=in_heading_order(by_heading),
            queued=sum(o.queued for o in outcomes),
            overdue=sum(o.overdue for o in outcomes),
            delivery=delivery,
            dry_run=dry_run,
            chunks=len(outcomes),
            runners=dict(Counter(o.runner for o in outcomes)),
        )


# --- one plan's check -------------------------------------------------------------------


class Attention(BaseModel):
    """An occurrence that needs chasing (overdue or blocked)."""

    key: str
    title: str
    period: str | None = None
    lead: list[str]
    lead_names: list[str] = Field(default_factory=list)
    due: str | None
    status: str
    status_label: str
    days_overdue: int | None


class Occurrence(Attention):
    """One occurrence of a plan's as-of window, as ``check_plan`` needs it (the fields of
    ``OccurrenceStatus.as_json`` it uses, and the keys it waits for in the window)."""

    blocked_by: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, item: Mapping[str, Any], depends_on: list[str], lead_names: list[str]) -> Occurrence:
        return cls.model_validate({**item, "depends_on": depends_on, "lead_names": lead_names})

    def attention(self) -> Attention:
        return Attention.model_validate(self.model_dump(include=set(Attention.model_fields)))


class PlanSnapshot(BaseModel):
    """One plan evaluated (``evaluate-plan``): the occurrences of its window, dependencies
    first."""

    plan: str
    title: str
    as_of: str
    summary: Summary
    window: Summary
    items: list[Occurrence]


class CheckPlanResult(BaseModel):
    """One plan's check (``check_plan``): each occurrence's task-run state name."""

    plan: str
    title: str
    as_of: str
    summary: Summary
    window: Summary
    task_runs: int
    states: dict[str, str]
    attention: list[Attention]


# --- reports ----------------------------------------------------------------------------


class DueReport(BaseModel):
    """A report occurrence whose draft is due (``reports-due``; ``ReportDuty.as_json``)."""

    key: str
    plan: str
    report: str
    period: str | None
    due: str | None
    state_label: str


class AssembledReport(BaseModel):
    """One report assembled (``assemble-report``; ``Assembled.as_json``)."""

    key: str
    state: str
    version: int | None
    new_version: bool
    mailed: bool
    error: str | None = None


class AssembledRow(AssembledReport):
    """An assembled report in the flow's result: ``state`` is the duty's label."""

    due: str | None


class AssembleReportsResult(BaseModel):
    """The daily assembly (``assemble_reports``)."""

    as_of: AsOf
    reports: list[AssembledRow] = Field(default_factory=list)
    new_versions: int = 0
    mailed: int = 0
    delivery: Delivery | None = None
    skipped: str | None = None


# --- leadership digest ------------------------------------------------------------------


class LeaderLine(BaseModel):
    name: str
    emails: list[str]
    week: str
    plans: list[str]
    overdue: int


class LeadershipDigestResult(BaseModel):
    """The weekly digest (``leadership_digest``; ``run_leadership_digest``)."""

    as_of: str | None
    leaders: list[LeaderLine]
    queued: int
    dry_run: bool
    delivery: Delivery | None = None
