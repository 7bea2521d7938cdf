"""The local Prefect server a command starts never outlives it: kill -9 of the command
stops it, a later command stops one whose command is gone, and a command with a wrong
argument fails before any server starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from planflow.flows.compat import SERVER_APP
from planflow.flows.runtime import alive, stop_leftover_servers
from tests.cli.runner import PLANFLOW, run_cli


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.prefect
def test_kill_9_of_check_stops_its_server(defs_root: Path, tmp_path: Path) -> None:
    """``planflow check`` killed with SIGKILL while it runs: the server it started is gone
    within 5 s (it used to run on, 220 MB, a minute later)."""
    prefect_home = tmp_path / "home" / "prefect"
    env = {**os.environ, "PLANFLOW_HOME": str(tmp_path / "home"), "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)
    check = subprocess.Popen(
        [str(PLANFLOW), "check", "-d", str(defs_root), "--as-of", "2026-03-02"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait(lambda: any((prefect_home / "servers").glob("*.pid")), 120)
        (record,) = (prefect_home / "servers").glob("*.pid")
        server = int(record.read_text())
        time.sleep(3)  # the server starting or answering: the command is mid-run
        assert check.poll() is None and alive(server)
    finally:
        check.send_signal(signal.SIGKILL)
        check.wait()
    assert _wait(lambda: not alive(server), 5)


@pytest.fixture
def fake_servers() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes whose command line names Prefect's server app, each in a group of its own."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _fake_server(started: list[subprocess.Popen[bytes]]) -> int:
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)", SERVER_APP], start_new_session=True
    )
    started.append(process)
    return process.pid


def test_leftover_server_of_a_gone_command_is_stopped(
    tmp_path: Path, fake_servers: list[subprocess.Popen[bytes]]
) -> None:
    """A server written down by a command that is gone is stopped and forgotten by the next
    command; one whose command still runs (this test) is left alone."""
    folder = tmp_path / "servers"
    folder.mkdir()
    owner_gone = subprocess.Popen(["true"])
    owner_gone.wait()
    leftover, running = _fake_server(fake_servers), _fake_server(fake_servers)
    (folder / f"{owner_gone.pid}.pid").write_text(f"{leftover}\n")
    (folder / f"{os.getpid()}.pid").write_text(f"{running}\n")
    assert stop_leftover_servers(folder) == [leftover]
    assert _wait(lambda: not alive(leftover), 5)
    assert alive(running)
    assert [p.name for p in folder.iterdir()] == [f"{os.getpid()}.pid"]


def test_unknown_plan_fails_before_any_server_starts(defs_root: Path, tmp_path: Path) -> None:
    """``planflow check`` with a plan id that does not exist says so at once (it used to take
    two minutes and end with Prefect's 'Error logging to API'), starting no server."""
    started = time.monotonic()
    code, _out, err = run_cli("check", "khong-co", "-d", str(defs_root))
    assert (code, err) == (
        1,
        f"Lỗi: không có kế hoạch 'khong-co' trong {defs_root}/plans; các kế hoạch: demo-2026\n",
    )
    assert time.monotonic() - started < 10
    assert not (tmp_path / "home" / "prefect" / "servers").exists()
