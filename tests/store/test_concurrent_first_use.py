"""The first use of a plan by many commands at once (a fresh store, a plan not stored yet)
succeeds for every one of them: they migrate and store the plan one at a time."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import sqlalchemy as sa

from planflow.store.db import create_store_engine
from tests.cli.runner import PLANFLOW

PROCESSES = 16


def test_sixteen_commands_at_once_on_a_new_store(database_url: str, defs_root: Path, tmp_path: Path) -> None:
    """Eight ``progress`` and eight ``sync`` commands started together on an empty store all
    exit 0 with no traceback, and every progress event is kept (5 of 18 used to fail with
    an IntegrityError)."""
    env = {**os.environ, "PLANFLOW_HOME": str(tmp_path / "home"), "PLANFLOW_DATABASE_URL": database_url}
    commands = [
        ["progress", "demo-2026", "ke-hoach", "--status", "in_progress", "--note", f"lần {i}"]
        if i % 2 == 0
        else ["sync"]
        for i in range(PROCESSES)
    ]
    running = [
        subprocess.Popen(
            [str(PLANFLOW), *command, "-d", str(defs_root)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in running]
    for p in running:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in results] == [0] * PROCESSES, [err for _, err in results if err]
    engine = create_store_engine(database_url)
    try:
        with engine.connect() as conn:
            notes = conn.execute(sa.text("SELECT note FROM progress_events")).scalars().all()
    finally:
        engine.dispose()
    assert sorted(notes) == sorted(f"lần {i}" for i in range(0, PROCESSES, 2))
