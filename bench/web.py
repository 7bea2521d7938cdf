"""The board's speed and its load: ``.venv/bin/python -m bench.web`` (see bench/README.md).

- **server time**: one generated plan of 200 tasks (with its progress history) in a SQLite
  store; the board, the timeline and the work list requested N times in-process through
  the ASGI app (Starlette's TestClient: no network), median and 95th percentile in ms of
  wall time, and the median CPU time of the process (less disturbed when other work shares
  the machine). Target: the board under 100 ms.
- **load**: ``planflow web`` started on 127.0.0.1 over the same store; C clients sign in
  (each its own session) and each requests the board pages K times, all at once; every
  answer must be 200. Reports the count of errors and the latency p50 / p95.

Figures are printed and written to bench/results/web-<UTC time>.json, never asserted in
tests (tests/bench/test_web.py runs both at a small size so they cannot rot).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient

from planflow.loader import load_definitions
from planflow.settings import Settings
from planflow.store.db import open_store
from planflow.sync.definitions import sync_definitions
from planflow.web.app import create_app
from planflow.web.config import web_config
from scripts.generate_dataset import TIMEZONE, Scale, generate, load_progress

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PLANFLOW = str(Path(sys.executable).parent / "planflow")
USER, PASSWORD, SECRET = "thuongtruc", "mat-khau-do-tai-01", "b" * 40
AS_OF = dt.datetime(2026, 6, 30, 9, tzinfo=ZoneInfo(TIMEZONE))  # the generator writes history up to 30/06


@dataclass(frozen=True)
class Store:
    folder: Path
    url: str
    plan_id: str

    def paths(self) -> list[str]:
        return [f"/board/{self.plan_id}", f"/board/{self.plan_id}/timeline", f"/board/{self.plan_id}/items"]


def prepare(workdir: Path, tasks: int = 200, seed: int = 7) -> Store:
    """One commune, one plan of ``tasks`` tasks and its progress history, synced into SQLite."""
    folder = workdir / "definitions"
    generate(Scale(communes=1, plans_per_commune=1, tasks_per_plan=tasks, seed=seed), folder)
    url = f"sqlite:///{workdir / 'planflow.db'}"
    factory = open_store(url)
    with factory() as session, session.begin():
        sync_definitions(load_definitions(folder), None, session=session, now=AS_OF)
        load_progress(folder / "progress.csv", session=session)
    factory.kw["bind"].dispose()
    (plan,) = (folder / "plans").glob("*.yaml")
    return Store(folder, url, plan.stem)


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1)}


def _sign_in(client: TestClient | httpx.Client) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError(f"no login form: {page.status_code}")
    done = client.post("/login", data={"csrf": token.group(1), "user": USER, "password": PASSWORD})
    if done.status_code != 200:
        raise RuntimeError(f"sign-in failed: {done.status_code}")


def server_time(store: Store, repeat: int) -> dict[str, Any]:
    """Median and p95 of ``repeat`` requests of each board page, in-process (after one warm-up)."""
    settings = Settings(home=store.folder.parent / "home", secret=SECRET, board_password=PASSWORD)  # type: ignore[call-arg]
    defs = load_definitions(store.folder)
    factory = open_store(store.url)
    app = create_app(web_config(settings), defs, factory, clock=lambda: AS_OF)
    out: dict[str, Any] = {}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        _sign_in(client)
        for path in store.paths():
            if client.get(path).status_code != 200:
                raise RuntimeError(f"{path} did not answer 200")
            samples, cpu = [], []
            for _ in range(repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                answer = client.get(path)
                samples.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                answer.raise_for_status()
            cpu_ms = round(statistics.median(cpu) * 1000, 1)
            out[path.replace(store.plan_id, "<plan>")] = {**_ms(samples), "cpu_median_ms": cpu_ms,
                                                           "bytes": len(answer.content)}  # fmt: skip
    factory.kw["bind"].dispose()
    return out


async def _user(
    url: str, paths: list[str], requests: int, ready: asyncio.Barrier
) -> tuple[list[float], list[str]]:
    """One person: signs in, waits for everyone, then asks for the pages ``requests`` times."""
    times: list[float] = []
    errors: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        page = await client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        form = {"csrf": token.group(1) if token else "", "user": USER, "password": PASSWORD}
        signed = await client.post("/login", data=form)
        if signed.status_code != 303:
            errors.append(f"login {signed.status_code}")
        await ready.wait()
        for n in range(requests):
            path = paths[n % len(paths)]
            begin = time.perf_counter()
            try:
                answer = await client.get(path)
            except httpx.HTTPError as exc:
                errors.append(f"{path}: {type(exc).__name__}")
                continue
            times.append(time.perf_counter() - begin)
            if answer.status_code != 200:
                errors.append(f"{path}: {answer.status_code}")
    return times, errors


async def _crowd(url: str, paths: list[str], clients: int, requests: int) -> dict[str, Any]:
    """Every client signs in first; then all of them at once, timed from the moment they start."""
    ready = asyncio.Barrier(clients + 1)
    users = [asyncio.create_task(_user(url, paths, requests, ready)) for _ in range(clients)]
    await ready.wait()
    begin = time.perf_counter()
    results = await asyncio.gather(*users)
    wall = time.perf_counter() - begin
    times = [t for ts, _ in results for t in ts]
    errors = [e for _, es in results for e in es]
    return {"clients": clients, "requests": clients * requests, "answered": len(times),
            "error_count": len(errors), "errors": errors[:20], "wall_s": round(wall, 2),
            "per_s": round(len(times) / wall, 1), **(_ms(times) if times else {})}  # fmt: skip


def serve(store: Store, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``planflow web`` on 127.0.0.1:``port`` over the store, at the data's as-of time."""
    env = {
        **os.environ,
        "PLANFLOW_HOME": str(store.folder.parent / "home"),
        "PLANFLOW_DEFINITIONS": str(store.folder),
        "PLANFLOW_DATABASE_URL": store.url,
        "PLANFLOW_SECRET": SECRET,
        "PLANFLOW_BOARD_USER": USER,
        "PLANFLOW_BOARD_PASSWORD": PASSWORD,
    }
    command = [PLANFLOW, "web", "--port", str(port), "--no-sync", "--as-of", f"{AS_OF:%Y-%m-%dT%H:%M}"]
    with log.open("w") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"planflow web exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"planflow web did not start within {seconds:.0f} s")


def load_test(store: Store, port: int, clients: int, requests: int) -> dict[str, Any]:
    """``clients`` signed-in users × ``requests`` board pages each against one ``planflow web`` process."""
    url = f"http://127.0.0.1:{port}"
    server = serve(store, port, store.folder.parent / "server.log")
    try:
        wait_until_up(url, server)
        return asyncio.run(_crowd(url, store.paths(), clients, requests))
    finally:
        server.terminate()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=200, help="tasks in the plan (default 200)")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page for the server time")
    parser.add_argument("--clients", type=int, default=50, help="concurrent users of the load test")
    parser.add_argument("--requests", type=int, default=6, help="requests per user")
    parser.add_argument("--output", type=Path, help="results file (default bench/results/web-<time>.json)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="planflow-bench-web-") as work:
        store = prepare(Path(work), args.tasks)
        timed = server_time(store, args.repeat)
        load = load_test(store, free_port(), args.clients, args.requests)
    result = {"tasks": args.tasks, "repeat": args.repeat, "server_time": timed, "load": load,
              "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}  # fmt: skip
    output = args.output or RESULTS / f"web-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if not load["error_count"] else 1


if __name__ == "__main__":
    sys.exit(main())
