"""A real Prefect cluster on this machine, as docs/deploy.md sets one up: ``prefect server
start`` on PostgreSQL on a free loopback port, the ``planflow`` process work pool, the
deployments of prefect.yaml, the automations of automations.yaml, and N ``prefect worker
start`` processes. Used by the scale-out tests (tests/deploy/) and by ``bench/scaleout.py``.

Each worker runs in its own session (process group). The flow runs it starts are in that
group (the deployments' ``command``, ``planflow.flows.compat.ENGINE_COMMAND``) or, a job
without that command, each in a session of its own: ``kill_worker`` kills the
worker and every flow run it started, as a machine dying would, and ``worker_of`` tells
which worker runs a flow run from the process tree (the run's ``infrastructure_pid`` is a
child of its worker), not from the workers' logs, where a run two workers raced for shows
in both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from planflow.flows.runtime import free_port, start_server, stop_process_group

REPO = Path(__file__).resolve().parent.parent
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _admin_url(url: str) -> sa.URL:
    return sa.make_url(url).set(drivername="postgresql+psycopg")


def create_database(server_url: str, name: str) -> str:
    """A new, empty PostgreSQL database on ``server_url``'s server; its asyncpg URL."""
    engine = sa.create_engine(_admin_url(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return _admin_url(server_url).set(drivername="postgresql+asyncpg", database=name).render_as_string(False)


def drop_database(server_url: str, name: str) -> None:
    engine = sa.create_engine(_admin_url(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), None if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _parent(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@dataclass
class Cluster:
    """A Prefect server (on PostgreSQL) and its workers; ``env`` is what every process gets."""

    home: Path
    database_url: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    server: subprocess.Popen[bytes] | None = None
    workers: list[Worker] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PLANFLOW_"))}
        env.update(
            PREFECT_HOME=str(self.home / "prefect"),
            PREFECT_API_URL=self.api_url,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_SERVER_UI_ENABLED="false",
            PLANFLOW_CODE_DIR=str(REPO),
        )
        env.update(self.env)
        env.update(extra or {})
        return env

    def _log(self, name: str) -> IO[bytes]:
        self.home.mkdir(parents=True, exist_ok=True)
        return (self.home / f"{name}.log").open("ab")

    def start_server(self, timeout: float = 180, env: Mapping[str, str] | None = None) -> None:
        """The server, with ``env`` on top of the cluster's (a test turns off a service it
        does not exercise)."""
        env = self._env({"PREFECT_API_DATABASE_CONNECTION_URL": self.database_url, **(env or {})})
        self.server = start_server(self.port, env, self.home / "server.log", timeout=timeout)

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.home / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def prefect(self, *args: str, timeout: float = 300) -> str:
        """Run a ``prefect`` CLI command against this server from the repository root."""
        done = subprocess.run([PREFECT, "--no-prompt", *args], env=self._env(), cwd=REPO, capture_output=True,
                              text=True, timeout=timeout)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def set_up(self) -> None:
        """What docs/deploy.md asks for: the pool, the deployments, the automations."""
        self.prefect("work-pool", "create", "planflow", "--type", "process")
        self.prefect("deploy", "--all")
        self.prefect("automation", "create", "--from-file", "automations.yaml")

    def start_worker(self, name: str, limit: int = 2, poll_s: int = 1) -> Worker:
        """A worker asking for runs every ``poll_s`` seconds (Prefect's default is 10). Each
        poll costs the server about 50 ms of CPU: two workers polling every second keep
        a tenth of a core busy."""
        env = self._env({"PREFECT_WORKER_QUERY_SECONDS": str(poll_s), "PREFECT_WORKER_PREFETCH_SECONDS": "1",
                         "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30"})  # fmt: skip
        # The venv's bin first on PATH, as the worker unit of docs/deploy.md has it: the
        # deployments' command (ENGINE_COMMAND) runs the first ``python`` on it.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
        cmd = [PREFECT, "worker", "start", "--pool", "planflow", "--name", name, "--limit", str(limit)]
        with self._log(name) as log:
            process = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)  # fmt: skip
        worker = Worker(name, process, self.home / f"{name}.log")
        self.workers.append(worker)
        return worker

    def kill_worker(self, worker: Worker) -> None:
        """SIGKILL the worker and every flow run it started (its process group, and the
        session of each of its children that has one of its own)."""
        runs = _children(worker.pid)
        os.killpg(worker.pid, signal.SIGKILL)
        for pid in runs:
            with suppress(ProcessLookupError):  # it ended on its own meanwhile
                os.killpg(pid, signal.SIGKILL)
        worker.process.wait(timeout=30)

    def worker_of(self, run: Any) -> Worker | None:
        """The worker whose child runs this flow run (None before its process starts, or
        once it has ended)."""
        pid = run.infrastructure_pid
        parent = _parent(int(pid)) if pid and str(pid).isdigit() else None
        return next((w for w in self.workers if w.pid == parent), None)

    def stop(self) -> None:
        for process in [w.process for w in self.workers] + ([self.server] if self.server else []):
            stop_process_group(process)

    @contextmanager
    def api(self) -> Iterator[Any]:
        """A sync Prefect client of this server (and its settings for the calls inside)."""
        from prefect.client.orchestration import get_client
        from prefect.settings import PREFECT_API_URL, temporary_settings

        settings = temporary_settings(updates={PREFECT_API_URL: self.api_url})
        with settings, get_client(sync_client=True) as client:
            yield client

    def run_deployment(self, name: str, parameters: dict[str, Any], timeout: float = 900) -> Any:
        """Start a run of ``name``; wait up to ``timeout`` s for its final state (0: not at
        all). Returns the flow run as last read."""
        from prefect.deployments import run_deployment

        with self.api():
            return run_deployment(name, parameters=parameters, timeout=timeout, poll_interval=1,
                                  as_subflow=False)  # fmt: skip
