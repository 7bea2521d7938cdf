"""The per-plan Prefect flow, run for real against a local Prefect server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PLANFLOW = Path(sys.executable).parent / "planflow"


@pytest.mark.prefect
def test_check_plan_states(defs_root: Path, tmp_path: Path) -> None:
    """Each occurrence of the as-of window is a task run whose state is named after its status,
    and the local server stops without a traceback."""
    env = {
        **os.environ,
        "PLANFLOW_DEFINITIONS": str(defs_root),
        "PLANFLOW_HOME": str(tmp_path / "home"),
    }
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_HOME", None)
    progress = [str(PLANFLOW), "progress", "demo-2026", "ke-hoach", "--status", "done",
                "--by", "vhxh", "--at", "2026-04-02"]  # fmt: skip
    subprocess.run(progress, env=env, check=True, capture_output=True, cwd=REPO)
    done = subprocess.run(
        [str(PLANFLOW), "check", "demo-2026", "--as-of", "2026-04-06", "--json"],
        env=env, capture_output=True, text=True, check=False, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "CancelledError" not in done.stderr
    (result,) = json.loads(done.stdout)["plans"]
    states = result["states"]
    assert states["demo-2026/ke-hoach"] == "Done late"  # due 31/03, done 02/04
    assert states["demo-2026/tet"] == "Overdue"  # due 23/02 (Tết moved it), never done
    assert states["demo-2026/bao-cao-quy/2026-Q1/kt"] == "Overdue"
    assert states["demo-2026/bao-cao-quy/2026-Q1"] == "Blocked"  # its inputs are overdue
    assert states["demo-2026/thuong-xuyen"] == "Ongoing"
    assert states["demo-2026/su-kien"] == "Waiting for event"
    assert states["demo-2026/tin-bai/2026-04"] == "Not started"
    assert states["demo-2026/bao-cao-quy/2026"] == "Not started"  # its period (the year) is under way
    assert "demo-2026/tin-bai/2026-06" not in states  # starts 01/06: beyond the 31-day window
    assert result["task_runs"] == len(states) == sum(result["window"].values())
    assert result["summary"]["done_late"] == 1
