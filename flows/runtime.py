"""Run flows against a Prefect API: the one configured (PREFECT_API_URL), or a local one
that planflow starts and stops itself.

Why not Prefect's own temporary server: it is stopped the moment the process exits,
while its services are still recording the last task-run events, and prints
CancelledError tracebacks. Here the server lives under PLANFLOW_HOME/prefect, and it is
stopped only after (1) the client has sent every event and (2) the server has recorded
the final state of every task run of the flow runs we made.

Whatever ends the command (an error, Ctrl-C, kill -9), the server it started ends with
it: it runs in a process group of its own and is told by the kernel when its parent
dies (PR_SET_PDEATHSIG on Linux: the API server alone is killed; ``prefect server start``,
with its services, is asked to stop). Each local server is written down in
PREFECT_HOME/servers/ with the command that owns it, and the next command stops any
whose owner is gone (a machine without the parent-death signal, a crash of the kernel's
bookkeeping, a server from an older planflow).
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

from planflow.errors import PlanflowError
from planflow.flows.compat import SERVER_APP, api_server_command, api_server_environment, drain_events

_SETTLE_TIMEOUT_S = 30.0
_PR_SET_PDEATHSIG = 1


@contextmanager
def prefect_api() -> Iterator[list[UUID]]:
    """Yield a list to which callers append the flow-run ids they start.

    With PREFECT_API_URL set, runs go to that server. Otherwise a local server is
    started for the duration and stopped cleanly once every run is recorded.
    """
    runs: list[UUID] = []
    if PREFECT_API_URL.value():
        yield runs
        drain_events()
        return
    servers = Path(PREFECT_HOME.value()) / "servers"
    stop_leftover_servers(servers)
    port = free_port()
    server = start_api_server(port)
    record = record_server(servers, server.pid)
    try:
        url = wait_healthy(server, port, timeout=120)
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield runs
            drain_events()
            wait_until_recorded(runs)
    finally:
        stop_process_group(server, timeout=10)
        record.unlink(missing_ok=True)


def start_api_server(port: int) -> subprocess.Popen[bytes]:
    """Prefect's API alone (no UI, no services) on 127.0.0.1:``port``, as Prefect's own
    temporary server runs it (``planflow.flows.compat``), but in a process group of its own
    that dies with us: killed, not asked to stop, when we die without stopping it (one
    process, its state in SQLite, which a kill leaves whole; a command that dies has no run
    left to record). Asked with SIGTERM while it was still starting, it finished starting
    first: 5.7-6.6 s on a loaded 2-core machine, measured, against 0.1 s for a kill."""
    return subprocess.Popen(api_server_command(port), env=api_server_environment(), start_new_session=True,
                            preexec_fn=die_with(os.getpid(), signal.SIGKILL))  # fmt: skip


def die_with(parent: int, sig: signal.Signals = signal.SIGTERM) -> Callable[[], None]:
    """What a child runs before it starts its program: ask the kernel for ``sig`` when
    ``parent`` dies (Linux), and end at once if it already has."""

    def watch() -> None:
        if sys.platform == "linux":
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), sig)

    return watch


def record_server(folder: Path, pid: int) -> Path:
    """Write down a server this process started: ``<owner pid>.pid`` holding its pid."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{os.getpid()}.pid"
    path.write_text(f"{pid}\n")
    return path


def stop_leftover_servers(folder: Path) -> list[int]:
    """Stop every local server written down in ``folder`` whose owning command is gone
    (never one of a command still running), and forget them; returns their pids."""
    stopped = []
    for path in sorted(folder.glob("*.pid")) if folder.is_dir() else []:
        try:
            owner, pid = int(path.stem), int(path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            path.unlink(missing_ok=True)
            continue
        if alive(owner):
            continue
        if alive(pid) and any(name in _cmdline(pid) for name in (SERVER_APP.encode(), b"server\0start")):
            _stop_group(pid)
            stopped.append(pid)
        path.unlink(missing_ok=True)
    return stopped


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead and not yet reaped, does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return "\nState:\tZ" not in status


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _stop_group(pid: int, timeout: float = 10) -> None:
    """SIGTERM to a process group that is not our child, SIGKILL if it outlives ``timeout``."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and alive(pid):
            time.sleep(0.1)
        if not alive(pid):
            return


def wait_healthy(server: subprocess.Popen[bytes], port: int, timeout: float) -> str:
    """The API URL once the server answers its health check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise PlanflowError(f"máy chủ Prefect cục bộ đã dừng khi khởi động (mã {server.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    return f"http://127.0.0.1:{port}/api"
        except OSError:
            time.sleep(0.2)
    raise PlanflowError(f"máy chủ Prefect cục bộ chưa sẵn sàng sau {timeout:.0f} giây")


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
                                  start_new_session=True, preexec_fn=die_with(os.getpid()))  # fmt: skip
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
    stop_leftover_servers(home / "servers")
    server = start_server(port, env, home / "server.log")
    record = record_server(home / "servers", server.pid)
    url = f"http://127.0.0.1:{port}/api"
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            os.environ["PREFECT_API_URL"] = url  # the flow-run processes the runner starts
            yield url
            drain_events()
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        stop_process_group(server)
        record.unlink(missing_ok=True)
