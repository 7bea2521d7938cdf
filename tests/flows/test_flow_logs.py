"""The library's log in a flow run's logs: a flow run through the CLI against a local
Prefect server, then the server's own database read for the run's log lines."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.runner import PLANFLOW
from tests.conftest import with_prefect_db
from tests.factories import write_definitions


@pytest.mark.prefect
def test_library_logs_reach_the_flow_run_logs(tmp_path: Path, migrated_prefect_db: Path) -> None:
    """The assembly's INFO lines (logger planflow.reports.assembly) are stored as logs of the
    assemble_reports run, while the command's stderr stays quiet."""
    root = write_definitions(tmp_path / "definitions")
    env = {**os.environ, "PLANFLOW_DEFINITIONS": str(root), "PLANFLOW_HOME": str(with_prefect_db(tmp_path / "home", migrated_prefect_db)),
           "HOME": str(tmp_path / "user")}  # fmt: skip
    for name in ("PREFECT_API_URL", "PREFECT_HOME", "PREFECT_LOGGING_EXTRA_LOGGERS", "PLANFLOW_LOG_LEVEL"):
        env.pop(name, None)
    done = subprocess.run(
        [str(PLANFLOW), "report", "assemble", "--as-of", "2026-04-07", "--json"],
        env=env, capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "planflow.reports" not in done.stderr
    with closing(sqlite3.connect(tmp_path / "home" / "prefect" / "prefect.db")) as db:
        rows = db.execute(
            "SELECT log.message, flow_run.name FROM log JOIN flow_run ON flow_run.id = log.flow_run_id "
            "WHERE log.name = 'planflow.reports.assembly' ORDER BY log.timestamp"
        ).fetchall()
    assert rows == [
        (
            "report demo-2026/bao-cao-quy/2026-Q1: version 1 stored and mailed to the compiler",
            "assemble-reports",
        ),
    ]
