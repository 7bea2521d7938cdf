"""The steady check beside the new floor, and beside the same check of an earlier commit:
``python -m bench.steady --stores sqlite,postgresql --before DIR`` (see bench/README.md).

On the synced 1M stores of ``python -m bench`` (``bench/.data``), for each store: the cold
check once (every notice of the backlog still to plan), the check of the day before recorded
as the product records it, then ``--repeat`` rounds of, one after the other, the check of
the as-of day by ``--before`` (a tree of an earlier commit, e.g. ``git archive``, run with
this venv), the same check by this tree, that check reading every attention list, and
``floor_due``. Every check must count the cold check's statuses and items needing attention,
and both trees must plan the same notices. The store is left as it was (no notice recorded).
Figures in the suite's format, written to bench/results/ after every store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.report import markdown
from bench.run import (
    AS_OF,
    DATA,
    DAY_BEFORE,
    RESULTS,
    Figure,
    _cpu,
    _worker,
    due_totals,
    machine,
    postgres_version,
    ratios_and_targets,
    say,
    store_url,
)


def _before(tree: Path, url: str) -> dict[str, Any]:
    """The check of the as-of day by the tree of an earlier commit (its own modules)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", "check", url, AS_OF],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree}: bench.worker check failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _loaded(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "load_average": round(os.getloadavg()[0], 2)}


def measure(store: str, scale: str, args: argparse.Namespace) -> list[Figure]:
    url = store_url(store, scale, args)
    _worker("forget", url)
    cold = _worker("check", url, AS_OF)
    with tempfile.TemporaryDirectory() as home:
        recorded = _worker("record", url, DAY_BEFORE, home)
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": [], "lists": [], "due": []}
    try:
        for _ in range(args.repeat):
            if args.before is not None:
                runs["before"].append(_loaded(_before(args.before, url)))
            runs["after"].append(_loaded(_worker("check", url, AS_OF)))
            runs["lists"].append(_loaded(_worker("check", url, AS_OF, "state", "all", "list")))
            runs["due"].append(_loaded(_worker("floor_due", url, AS_OF)))
    finally:
        _worker("forget", url)
    checks = runs["before"] + runs["after"] + runs["lists"]
    if any((due_totals(c), c["attention"]) != (due_totals(cold), cold["attention"]) for c in checks):
        raise SystemExit(f"{store} {scale}: a steady check counts other statuses than the cold one")
    if any((c["notices"], c["planned"]) != (runs["after"][0]["notices"], runs["after"][0]["planned"])
           for c in runs["before"] + runs["after"]):  # fmt: skip
        raise SystemExit(f"{store} {scale}: the earlier commit plans other notices")
    extra = {"notices": runs["after"][0]["notices"], "planned": runs["after"][0]["planned"],
             "attention": cold["attention"], "recorded_day_before": recorded["notices"],
             "cold_check_s": round(cold["seconds"], 1), "cold_check_cpu_s": round(cold["cpu_seconds"], 1),
             "record_s": round(recorded["seconds"], 1)}  # fmt: skip
    figures = []
    for name, key in (("check_steady", "after"), ("check_steady_lists", "lists"),
                      ("check_steady_before", "before"), ("floor_due", "due")):  # fmt: skip
        found = runs[key]
        if not found:
            continue
        more = {**_cpu(found), "peak_rss_mb": max(r["peak_rss_mb"] for r in found),
                "load_average": [r["load_average"] for r in found]}  # fmt: skip
        if name == "floor_due":
            more["rows"] = found[0]["rows"]
        elif name == "check_steady":
            more.update(extra)
        figures += [
            Figure(name, store, scale, "s", [r["seconds"] for r in found], None, more),
            Figure(f"{name}_cpu", store, scale, "s", [r["cpu_seconds"] for r in found]),
        ]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.steady", description=__doc__)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--scale", default="1m")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, default=None, help="a tree of the earlier commit")
    parser.add_argument("--before-commit", default=None, help="which commit that tree is (recorded)")
    parser.add_argument("--postgres", default=os.environ.get(
        "PLANFLOW_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))  # fmt: skip
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    info = machine()
    info["postgresql"] = postgres_version(args.postgres) if "postgresql" in stores else None
    info["before"] = args.before_commit
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or RESULTS / f"bench-steady-{stamp}.json"
    started = time.perf_counter()
    figures: list[Figure] = []

    def save() -> dict[str, Any]:
        ratios, targets = ratios_and_targets(figures)
        info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        seconds = round(time.perf_counter() - started, 1)
        report = {"as_of": AS_OF, "repeat": args.repeat, "duration_s": seconds, "machine": info,
                  "figures": [{**asdict(f), "median": f.median} for f in figures],
                  "ratios": ratios, "targets": targets}  # fmt: skip
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return report

    for store in stores:
        say(f"… {store} {args.scale}: the steady check")
        figures += measure(store, args.scale, args)
        save()
    print(markdown(save()), flush=True)
    say(f"Đã ghi {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
