"""One province-sized check on one worker, then on two: wall time side by side.

    .venv/bin/python -m bench.scaleout                       # 100 communes x 10 plans x 40 tasks
    .venv/bin/python -m bench.scaleout --communes 10 --workers 1,2 --repeat 1

Generates the dataset (``scripts/generate_dataset.py``, seed 7), loads it into a fresh
PostgreSQL schema, starts a real cluster (``bench/cluster.py``: ``prefect server start`` on
PostgreSQL, the pool, ``prefect deploy --all``, the automations), then for each worker
count starts that many ``prefect worker start --limit L`` processes and runs the
``check-plans`` deployment with ``fan_out: deployments``. Before each run the notices and
the outbox are emptied, so every run does the same work: sync, every chunk, every notice
recorded and queued, every message delivered (as .eml files). The wall time is the check
flow run's own (start to end, from the Prefect API). Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.cluster import Cluster, create_database, drop_database

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "planflow_scaleout_bench"
PREFECT_DB = "planflow_scaleout_prefect"


def _dataset(args: argparse.Namespace) -> Path:
    shape = f"{args.communes}x{args.plans_per_commune}x{args.tasks_per_plan}"
    data = REPO / "bench" / ".data" / f"scaleout-{shape}"
    if not (data / "dataset.json").exists():
        subprocess.run([sys.executable, str(REPO / "scripts" / "generate_dataset.py"), "generate",
                        "--communes", str(args.communes), "--plans-per-commune", str(args.plans_per_commune),
                        "--tasks-per-plan", str(args.tasks_per_plan), "--seed", "7", "-o", str(data)],
                       check=True)  # fmt: skip
    return data


def _store(postgres: str, data: Path) -> str:
    engine = sa.create_engine(postgres)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    url = f"{postgres}{'&' if '?' in postgres else '?'}options=-csearch_path%3D{SCHEMA}"
    started = time.monotonic()
    subprocess.run([sys.executable, str(REPO / "scripts" / "generate_dataset.py"), "load", str(data),
                    "--database-url", url], check=True)  # fmt: skip
    print(f"loaded in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return url


def _reset(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM notices"))
        conn.execute(sa.text("DELETE FROM outbox"))
    engine.dispose()


def _one_run(cluster: Cluster, params: dict[str, Any]) -> dict[str, Any]:
    run = cluster.run_deployment("check_plans/check-plans", {"params": params}, timeout=7200)
    if not run.state.is_completed():
        raise RuntimeError(f"check did not complete: {run.state}")
    with cluster.api() as client:
        run = client.read_flow_run(run.id)
        children = client.read_flow_runs(flow_run_filter=_children(run.id))
    runners = {c.infrastructure_pid for c in children}
    return {"wall_s": (run.end_time - run.start_time).total_seconds(), "chunks": len(children),
            "processes": len(runners)}  # fmt: skip


def _children(parent: Any) -> Any:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    return FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent]))


def main(argv: list[str] | None = None) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--plans-per-commune", type=int, default=10)
    parser.add_argument("--tasks-per-plan", type=int, default=40)
    parser.add_argument("--workers", default="1,2", help="worker counts, in order")
    parser.add_argument("--limit", type=int, default=2, help="flow runs per worker (the check holds one)")
    parser.add_argument("--chunk-plans", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)

    data = _dataset(args)
    store = _store(args.postgres, data)
    home = REPO / "bench" / ".data" / "scaleout-cluster"
    env = {"PLANFLOW_DATABASE_URL": store, "PLANFLOW_DEFINITIONS": str(data),
           "PLANFLOW_HOME": str(home / "home")}  # fmt: skip
    cluster = Cluster(home=home, database_url=create_database(args.postgres, PREFECT_DB), env=env)
    params = {"as_of": args.as_of, "chunk_plans": args.chunk_plans, "fan_out": "deployments"}
    results: list[dict[str, Any]] = []
    try:
        cluster.start_server()
        cluster.set_up()
        for count in (int(n) for n in args.workers.split(",")):
            workers = [cluster.start_worker(f"bench-{count}-{i + 1}", limit=args.limit) for i in range(count)]
            time.sleep(5)
            runs = []
            for _ in range(args.repeat):
                _reset(store)
                runs.append(_one_run(cluster, params))
                print(f"{count} worker(s): {runs[-1]}", file=sys.stderr)
            for worker in workers:
                cluster.kill_worker(worker)
            cluster.workers.clear()
            results.append({"workers": count, "limit": args.limit, "runs": runs,
                            "median_s": statistics.median(r["wall_s"] for r in runs)})  # fmt: skip
    finally:
        cluster.stop()
        drop_database(args.postgres, PREFECT_DB)
    info = json.loads((data / "dataset.json").read_text())
    base = results[0]["median_s"]
    print(f"\ndataset {args.communes} x {args.plans_per_commune} x {args.tasks_per_plan}: "
          f"{info.get('counts', info)}; chunks of {args.chunk_plans} plans; as-of {args.as_of}")  # fmt: skip
    print("| workers | runs | median wall time | speed-up |\n|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['workers']} | {len(r['runs'])} | {r['median_s']:.1f} s | {base / r['median_s']:.2f}x |")
    output = args.output or REPO / "bench" / "results" / f"scaleout-{time.strftime('%Y%m%dT%H%M%S')}.json"
    output.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "dataset": info,
                                  "results": results}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
