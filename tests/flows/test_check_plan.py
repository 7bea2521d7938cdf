"""The per-plan Prefect flow on an example plan, run for real against a local Prefect server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.runner import PLANFLOW
from tests.conftest import REPO


@pytest.mark.prefect
def test_check_plan_states(tmp_path: Path) -> None:
    """Each occurrence of the as-of window is a task run named by its key, in a state named
    after its status; the local server stops without a traceback."""
    env = {**os.environ, "PLANFLOW_DEFINITIONS": str(REPO / "definitions"),
           "PLANFLOW_HOME": str(tmp_path / "home")}  # fmt: skip
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_HOME", None)
    env["HOME"] = str(tmp_path / "user")  # Prefect must not fall back to ~/.prefect
    for task, day in (("hoi-nghi-nq57", "2025-10-08"), ("thi-truc-tuyen-cds-cchc", "2025-10-10")):
        progress = [str(PLANFLOW), "progress", "loc-tan-2025", task, "--status", "done",
                    "--by", "phong-vhxh", "--at", day]  # fmt: skip
        subprocess.run(progress, env=env, check=True, capture_output=True, cwd=tmp_path)
    done = subprocess.run(
        [str(PLANFLOW), "check", "loc-tan-2025", "--as-of", "2025-10-24", "--json"],
        env=env, capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert (tmp_path / "home" / "prefect" / "prefect.db").is_file()  # Prefect's state under PLANFLOW_HOME
    assert not (tmp_path / "user" / ".prefect").exists()
    assert "CancelledError" not in done.stderr
    result = json.loads(done.stdout)
    states = {key.removeprefix("loc-tan-2025/"): name for key, name in result["states"].items()}
    assert states["hoi-nghi-nq57"] == "Done on time"  # ngày 08/10/2025, done that day
    assert states["thi-truc-tuyen-cds-cchc"] == "Done late"  # due 09/10, done 10/10
    assert states["bao-cao-ket-qua/once/ttpvhcc"] == "Overdue"  # input due 23/10
    assert states["bao-cao-ket-qua"] == "Blocked"  # due 30/10, its inputs are overdue
    assert states["tthc-phi-dia-gioi"] == "Upcoming"  # trong tháng 10/2025: 7 days left
    assert states["ngay-khong-in-giay"] == "Not started"  # đến 08/11/2025
    assert states["thong-tin-tuyen-truyen"] == "Ongoing"
    assert states["van-dong-doanh-nghiep-trung-bay"] == "Waiting for event"
    assert result["task_runs"] == len(states) == sum(result["window"].values()) == 13
    assert result["summary"]["done_late"] == 1
    assert [a["key"] for a in result["attention"] if a["status"] == "blocked"] == [
        "loc-tan-2025/bao-cao-ket-qua"
    ]
