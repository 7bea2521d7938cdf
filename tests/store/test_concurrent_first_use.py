"""The first use of a plan by many commands at once (a fresh store, a plan not stored yet)
succeeds for every one of them: they migrate and store the plan one at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from planflow.store.db import create_store_engine
from tests.conftest import REPO

PROCESSES = 16


def test_sixteen_commands_at_once_on_a_new_store(database_url: str, defs_root: Path, tmp_path: Path) -> None:
    """Eight ``progress`` and eight ``sync`` commands, each in its own process, started at the
    same moment on an empty store, all exit 0 with no traceback, and every progress event is
    kept (5 of 18 used to fail with an IntegrityError)."""
    env = {**os.environ, "PLANFLOW_HOME": str(tmp_path / "home"), "PLANFLOW_DATABASE_URL": database_url}
    commands = [
        ["progress", "demo-2026", "ke-hoach", "--status", "in_progress", "--note", f"lần {i}"]
        if i % 2 == 0
        else ["sync"]
        for i in range(PROCESSES)
    ]
    # processes forked from one that has imported planflow (tests/cli/forked.py): 16 real
    # processes on the store without 16 imports of the command line
    done = subprocess.run(
        [sys.executable, "-m", "tests.cli.forked"],
        input=json.dumps([[*command, "-d", str(defs_root)] for command in commands]),
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    results = json.loads(done.stdout)
    assert [code for code, _ in results] == [0] * PROCESSES, [out for code, out in results if code]
    assert [out for _, out in results if "Traceback" in out] == []
    engine = create_store_engine(database_url)
    try:
        with engine.connect() as conn:
            notes = conn.execute(sa.text("SELECT note FROM progress_events")).scalars().all()
    finally:
        engine.dispose()
    assert sorted(notes) == sorted(f"lần {i}" for i in range(0, PROCESSES, 2))
