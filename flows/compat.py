"""Every use of Prefect's private or undocumented API, in one place.

planflow needs a few things Prefect offers only internally: sending the events a client
still holds before a local server stops, starting Prefect's API alone the way Prefect's own
temporary server does (but in a process group that dies with us), stopping a runner
from taking new scheduled runs while the started ones finish, and a process worker
starting a flow run's engine with no supervisor process before it. Each shim below says what it
touches, why, and the Prefect version it was checked against (``CHECKED_WITH``);
tests/flows/test_compat.py has one test per shim, which fails with a message naming the
shim when a Prefect upgrade removes or changes what it relies on. Upgrading Prefect: run
that test first, then fix the shim it names (and only the shim).

Imports Prefect: import this module only where Prefect may be imported (not from the
commands that start without it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import prefect
from prefect.events.worker import EventsWorker
from prefect.runner import Runner
from prefect.settings import get_current_settings

CHECKED_WITH = "3.8.8"
"""The Prefect version every shim here was read against (pinned in pyproject.toml)."""

SERVER_APP = "prefect.server.api.server:create_app"
"""The factory of Prefect's API application, as ``uvicorn --factory`` takes it."""


ENGINE_COMMAND = "python -m prefect.engine"
"""The ``command`` job variable of planflow's deployments (``prefect.yaml``): a process
worker starts each flow run as this command, the engine alone.

What: ``ProcessJobConfiguration.prepare_for_flow_run`` records whether the job sets
``command`` (``_command_configured``); ``ProcessWorker.run`` then starts it with
``EngineCommandStarter``. With no ``command`` it starts
``python -m prefect.runner._workspace_supervisor`` instead
(``WorkspaceResolvingEngineCommandStarter``), a process of its own that imports Prefect,
runs the deployment's pull steps, looks for a uv project, then execs the engine, which
imports Prefect again.
Why: that second start of Prefect is about 1 CPU-s of the 4 a flow run of
``check-plans-chunk`` costs (measured on one worker, 3.1 against 4.1 CPU-s per run,
2 s less wall), and planflow needs nothing the supervisor adds: no uv project, no
``on_crashed``/``on_cancellation`` hooks (the worker would load the flow to run them
itself), and the engine runs the pull step (``set_working_directory``) when it loads the
flow. The engine is then in the worker's process group rather than a session of its own:
Ctrl-C in the terminal of a worker reaches its runs too (``systemctl stop`` signals every
process of the unit either way). ``python`` is the first one on the worker's ``PATH``:
the worker unit of docs/deploy.md puts the virtual environment's ``bin`` first.
Checked with Prefect 3.8.8 (``prefect.workers.process``).
"""


class PrefectCompatError(RuntimeError):
    """Prefect no longer offers what a shim of this module relies on."""


def drain_events() -> None:
    """Send every event this process's Prefect client still queues, and wait until sent.

    What: ``EventsWorker.drain_all()``, inherited from
    ``prefect._internal.concurrency.services.QueueService``: stops the events worker
    threads after their queues are empty.
    Why: task-run states reach the server as events sent by a background thread; a local
    server stopped before that thread is empty loses the last states (the run graph then
    shows tasks still Running), and an API server that stops first makes the thread print
    tracebacks at exit. Prefect calls it itself only at interpreter exit.
    Checked with Prefect 3.8.8 (``drain_all(timeout=None, at_exit=True)``).
    """
    drain = getattr(EventsWorker, "drain_all", None)
    if drain is None:
        raise PrefectCompatError(f"EventsWorker.drain_all không còn (Prefect {prefect.__version__})")
    drain()


def api_server_command(port: int) -> list[str]:
    """The command that runs Prefect's API alone (no UI, no background services) on
    127.0.0.1:``port``.

    What: ``uvicorn --factory prefect.server.api.server:create_app`` from Prefect's own
    folder, the command of ``prefect.server.api.server.SubprocessASGIServer`` (the
    temporary server Prefect starts for a flow run without an API).
    Why: that class starts its process in our process group and stops it at exit while
    its last events are still being written, printing CancelledError tracebacks; we run
    the same command in a process group of our own that we stop once every run is
    recorded (``planflow.flows.runtime``).
    Checked with Prefect 3.8.8 (``SubprocessASGIServer._run_uvicorn_command``).
    """
    return [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent), "--factory",
            SERVER_APP, "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
            "--lifespan", "on"]  # fmt: skip


def api_server_environment() -> dict[str, str]:
    """The environment of ``api_server_command``: ours, the current Prefect settings, and
    the private switches of Prefect's temporary server.

    What: ``PREFECT__SERVER_EPHEMERAL`` and ``PREFECT__SERVER_FINAL``, read by
    ``create_app`` (an ephemeral, final application: no UI, the services it needs run in
    the process), and ``PREFECT_UI_ENABLED=0``; the same variables
    ``SubprocessASGIServer`` sets.
    Why: see ``api_server_command``.
    Checked with Prefect 3.8.8.
    """
    return {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        **get_current_settings().to_environment_variables(exclude_unset=True),
    }


def stop_scheduling(runner: Runner) -> None:
    """No new scheduled runs for ``runner``; the runs it started go on.

    What: sets ``runner._scheduled_run_poller.stopping``, the flag the poller reads before
    each poll (private: the poller is built when the runner is entered).
    Why: ``Runner.stop``/``astop`` cancel the runs in progress; ``planflow serve`` lets
    them finish (``--grace``) and only then stops the runner.
    Checked with Prefect 3.8.8 (``prefect.runner._scheduled_run_poller.ScheduledRunPoller``).
    """
    poller = getattr(runner, "_scheduled_run_poller", None)
    if poller is None or not isinstance(getattr(poller, "stopping", None), bool):
        raise PrefectCompatError(
            f"Runner._scheduled_run_poller.stopping không còn (Prefect {prefect.__version__}): "
            "không dừng nhận lượt chạy mới được"
        )
    poller.stopping = True


def runner_with_sigterm(on_sigterm: Callable[[], object]) -> type[Runner]:
    """A ``Runner`` class whose SIGTERM calls ``on_sigterm`` instead of stopping at once.

    What: overrides ``Runner.handle_sigterm``, which ``Runner.start`` installs as the
    SIGTERM handler when started in the main thread (undocumented: the default logs, stops
    the runner, cancelling its runs, and exits the process).
    Why: ``planflow serve`` treats SIGTERM like Ctrl-C: no new runs, the started ones
    finish (``--grace``), then it stops and exits 0.
    Checked with Prefect 3.8.8.
    """
    if not callable(getattr(Runner, "handle_sigterm", None)):
        raise PrefectCompatError(f"Runner.handle_sigterm không còn (Prefect {prefect.__version__})")

    class _Runner(Runner):
        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            on_sigterm()

    return _Runner
