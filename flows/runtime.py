"""Run flows against a Prefect API: the one configured (PREFECT_API_URL), or a local one
that planflow starts and stops itself.

Why not Prefect's own temporary server: it is stopped the moment the process exits,
while its services are still recording the last task-run events, and prints
CancelledError tracebacks. Here the server lives under PLANFLOW_HOME/prefect, and it is
stopped only after (1) the client has sent every event and (2) the server has recorded
the final state of every task run of the flow runs we made.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.events.worker import EventsWorker
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import PREFECT_API_URL, temporary_settings

_SETTLE_TIMEOUT_S = 30.0


@contextmanager
def prefect_api() -> Iterator[list[UUID]]:
    """Yield a list to which callers append the flow-run ids they start.

    With PREFECT_API_URL set, runs go to that server. Otherwise a local server is
    started for the duration and stopped cleanly once every run is recorded.
    """
    runs: list[UUID] = []
    if PREFECT_API_URL.value():
        yield runs
        EventsWorker.drain_all()
        return
    server = SubprocessASGIServer()
    server.start(timeout=120)
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield runs
            EventsWorker.drain_all()
            wait_until_recorded(runs)
    finally:
        server.stop()


def wait_until_recorded(flow_run_ids: list[UUID], timeout: float = _SETTLE_TIMEOUT_S) -> None:
    """Block until the API shows a final state for every task run of these flow runs."""
    if not flow_run_ids:
        return
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=flow_run_ids)))
            flows = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=flow_run_ids))
            )
            settled = all(r.state is not None and r.state.is_final() for r in runs) and all(
                f.state is not None and f.state.is_final() for f in flows
            )
            if settled and len(flows) == len(flow_run_ids):
                return
            time.sleep(0.2)
