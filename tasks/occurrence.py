"""One task run per occurrence: its final state is named after the occurrence's status, so
the Prefect UI's run graph shows the plan."""

from __future__ import annotations

from typing import Any

from prefect import State, task
from prefect.states import Cancelled, Completed, Failed

from planflow.flows.results import Occurrence
from planflow.status import Status

STATE_NAMES = {
    Status.NOT_STARTED: "Not started",
    Status.UPCOMING: "Upcoming",
    Status.IN_PROGRESS: "In progress",
    Status.DONE_ON_TIME: "Done on time",
    Status.DONE_LATE: "Done late",
    Status.OVERDUE: "Overdue",
    Status.BLOCKED: "Blocked",
    Status.ONGOING: "Ongoing",
    Status.WAITING_EVENT: "Waiting for event",
}


def state_for(item: Occurrence) -> State[Any]:
    """Failed for overdue, Cancelled for blocked (waiting on an unfinished dependency),
    Completed for everything else; the state's name is the status."""
    status = Status(item.status)
    name = STATE_NAMES[status]
    message = f"{item.status_label}: {item.title[:120]}"
    if status is Status.OVERDUE:
        return Failed(name=name, message=f"{message} (quá hạn {item.days_overdue} ngày)")
    if status is Status.BLOCKED:
        return Cancelled(name=name, message=f"{message}; chờ {', '.join(item.blocked_by)}")
    return Completed(name=name, message=message, data=item.status)


@task(name="occurrence", retries=0)
def occurrence_state(item: Occurrence) -> State[Any]:
    """Report one occurrence's status as this task run's final state."""
    return state_for(item)
