"""Run flows against a Prefect API: the one configured (PREFECT_API_URL), or a local one
that planflow starts and stops itself.

Why not Prefect's own temporary server: it is stopped the moment the process exits,
while its services are still recording the last task-run events, and prints
CancelledError tracebacks. Here the server lives under PLANFLOW_HOME/prefect, and it is
stopped only after (1) the client has sent every event and (2) the server has recorded
the final state of every task run of the flow runs we made.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    port: int, env: Mapping[str, str], log: Path, timeout: float = 180
) -> subprocess.Popen[bytes]:
    """``prefect server start`` on 127.0.0.1:``port``, with its services (the scheduler,
    the triggers of automations…), in a session of its own; returns once it is healthy.
    Its output goes to ``log``."""
    prefect = str(Path(sys.executable).with_name("prefect"))
    cmd = [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        server = subprocess.Popen(cmd, env=dict(env), stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise RuntimeError(f"prefect server đã dừng khi khởi động:\n{tail}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop_process_group(server)
    raise RuntimeError(f"prefect server chưa sẵn sàng sau {timeout:.0f} s (xem {log})")


def stop_process_group(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """SIGTERM to the process's group, SIGKILL after ``timeout`` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def prefect_server(home: Path) -> Iterator[str]:
    """A Prefect server with its services for as long as the block runs (``planflow
    serve``): the one PREFECT_API_URL names, or one started here on a free loopback port,
    keeping its SQLite database under ``home`` (PREFECT_HOME). Yields the API URL."""
    if PREFECT_API_URL.value():
        yield str(PREFECT_API_URL.value())
        return
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home)}
    server = start_server(port, env, home / "server.log")
    url = f"http://127.0.0.1:{port}/api"
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            os.environ["PREFECT_API_URL"] = url  # the flow-run processes the runner starts
            yield url
            EventsWorker.drain_all()
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        stop_process_group(server)
