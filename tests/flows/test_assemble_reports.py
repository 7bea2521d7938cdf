"""The assemble_reports flow, run for real against a local Prefect server through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.runner import PLANFLOW
from tests.factories import write_definitions


@pytest.mark.prefect
def test_assemble_reports_flow(tmp_path: Path, prefect_api_url: str) -> None:
    """On its draft day the report is assembled (version 1), an artifact published and the
    draft written to the outbox (.eml files without SMTP); a second run the same day adds
    no version and no mail. The runs go to the test process's Prefect server (PREFECT_API_URL)."""
    root = write_definitions(tmp_path / "definitions")
    env = {**os.environ, "PLANFLOW_DEFINITIONS": str(root), "PLANFLOW_HOME": str(tmp_path / "home"),
           "HOME": str(tmp_path / "user"), "PREFECT_API_URL": prefect_api_url}  # fmt: skip
    env.pop("PREFECT_HOME", None)

    def run() -> dict[str, object]:
        done = subprocess.run(
            [str(PLANFLOW), "report", "assemble", "--as-of", "2026-04-07", "--json"],
            env=env, capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        result: dict[str, object] = json.loads(done.stdout)
        return result

    first = run()
    assert [(r["key"], r["version"], r["new_version"], r["mailed"]) for r in first["reports"]] == [  # type: ignore[attr-defined]
        ("demo-2026/bao-cao-quy/2026-Q1", 1, True, True)]  # fmt: skip
    assert first["delivery"] == {
        "sent": 1,
        "retried": 0,
        "failed": 0,
        "partial": 0,
        "waiting": 0,
        "cause": None,
        "transport": "file",
    }
    eml = list((tmp_path / "home" / "outbox").glob("*.eml"))
    assert len(eml) == 1 and b"bao-cao-demo-2026-bao-cao-quy-2026-Q1.docx" in eml[0].read_bytes()
    second = run()
    assert [(r["version"], r["new_version"], r["mailed"]) for r in second["reports"]] == [(1, False, False)]  # type: ignore[attr-defined]
