"""``planflow serve`` as a user runs it: a subprocess with a fast test schedule (every 15 s
instead of 07:00) on the example definitions, stopped by SIGINT (Ctrl-C) while idle and by
SIGTERM while a check is running. It must run checks, stop cleanly (exit code 0, no
traceback) and never cut a running check short. Its Prefect server starts on a migrated
database (conftest's ``migrated_prefect_db``), as on a user's second run."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from planflow.store.models import NoticeRow
from tests.conftest import REPO, with_prefect_db

pytestmark = pytest.mark.prefect

PLANFLOW = str(Path(sys.executable).with_name("planflow"))


class Served:
    def __init__(self, home: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PLANFLOW_"))}
        env.update(PLANFLOW_HOME=str(home), PREFECT_RUNNER_POLL_FREQUENCY="2")
        cmd = [PLANFLOW, "serve", "-d", str(REPO / "definitions"), "--only", "check-plans",
               "--every", "check-plans=15", "--as-of", "2025-10-24"]  # fmt: skip
        self.home = home
        self.process = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, f"serve exited: {self.seen} {self.stderr()}"
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"'{text}' not printed in {timeout} s: {self.seen}")

    def stop(self, signum: int) -> tuple[int, str]:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=180)
        time.sleep(0.5)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, self.stderr()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()

    def stderr(self) -> str:
        return self.process.stderr.read() if self.process.stderr and self.process.poll() is not None else ""

    def notices(self) -> int:
        engine = sa.create_engine(f"sqlite:///{self.home / 'planflow.db'}")
        with engine.connect() as conn:
            count = conn.scalar(sa.select(sa.func.count()).select_from(NoticeRow))
        engine.dispose()
        return int(count or 0)


def test_serve_runs_checks_and_stops_on_sigint(tmp_path: Path, migrated_prefect_db: Path) -> None:
    served = Served(with_prefect_db(tmp_path / "home", migrated_prefect_db))
    try:
        served.wait_for("check-plans: mỗi 15 giây")
        served.wait_for("kết thúc: hoàn thành")
        code, stderr = served.stop(signal.SIGINT)
    finally:
        served.close()
    assert code == 0, (served.seen, stderr)
    assert "Traceback" not in stderr and "Traceback" not in "\n".join(served.seen)
    assert any("Nhận SIGINT" in line for line in served.seen)
    assert served.seen[-1] == "planflow serve đã dừng: không có lượt chạy nào bị cắt ngang."
    assert served.notices() > 0, "the scheduled check recorded the notices due on 24/10/2025"


def test_serve_lets_the_running_check_finish_on_sigterm(tmp_path: Path, migrated_prefect_db: Path) -> None:
    served = Served(with_prefect_db(tmp_path / "home", migrated_prefect_db))
    try:
        served.wait_for("bắt đầu")
        served.process.send_signal(signal.SIGTERM)
        served.wait_for("Nhận SIGTERM")
        finished = served.wait_for("kết thúc")
        code = served.process.wait(timeout=180)
        stderr = served.stderr()
        served.wait_for("đã dừng: không có lượt chạy nào bị cắt ngang", timeout=10)
    finally:
        served.close()
    assert "kết thúc: hoàn thành" in finished, served.seen
    assert code == 0 and "Traceback" not in stderr, (served.seen, stderr)
    assert served.notices() > 0
