"""Environment for a local Prefect, set before Prefect is first imported.

Kept apart from ``planflow.flows.runtime``, which imports Prefect: Prefect reads PREFECT_HOME when
it is imported, so this must run first.
"""

from __future__ import annotations

import os
from pathlib import Path

from planflow.logs import EXTRA_LOGGERS


def configure_local_prefect(prefect_home: Path) -> None:
    """Environment for a local Prefect: its home under ours, no telemetry, quiet server, and
    planflow's library logs in the run logs.

    Must run before ``prefect`` is imported by the caller's process for the first time
    when PREFECT_HOME is to take effect; values already set by the user win.
    """
    os.environ.setdefault("PREFECT_HOME", str(prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_UI_ENABLED", "false")
    for name, value in EXTRA_LOGGERS.items():  # library logs in run logs
        os.environ.setdefault(name, value)
    prefect_home.mkdir(parents=True, exist_ok=True)
