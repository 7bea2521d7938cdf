"""The board benchmark and load test at a small size, so neither can rot: fifty signed-in
users at once against one ``planflow web`` process on loopback all get their pages. The
figures are measured by ``python -m bench.web``, never asserted here."""

from __future__ import annotations

from pathlib import Path

from bench.web import load_test, prepare, server_time
from tests.smtp import free_port


def test_server_time_measures_every_board_page(tmp_path: Path) -> None:
    """Each board page of a generated plan answers, with a median, a p95 and its size."""
    store = prepare(tmp_path, tasks=20)
    timed = server_time(store, repeat=2)
    assert set(timed) == {"/board/<plan>", "/board/<plan>/timeline", "/board/<plan>/items"}
    assert all(t["bytes"] > 10_000 and t["median_ms"] > 0 for t in timed.values())


def test_fifty_concurrent_users_get_every_page(tmp_path: Path) -> None:
    """50 users × 3 requests at once on one process: every answer is 200, no connection error."""
    store = prepare(tmp_path, tasks=20)
    result = load_test(store, free_port(), clients=50, requests=3)
    assert (result["error_count"], result["errors"]) == (0, [])
    assert result["answered"] == result["requests"] == 150
