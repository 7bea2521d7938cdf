"""The benchmark suite: ``.venv/bin/python -m bench`` (see bench/README.md).

For each scale (10k, 100k, 1M occurrences) and store (SQLite, PostgreSQL): sync, check,
the SQL floor; at 1k occurrences: the naive Prefect path (one task run per occurrence),
outbox delivery, and CLI cold starts; with no store: hostile definition files validated
and a Word plan imported. Every measure runs in a fresh process; the table
gives the median of the repetitions, and everything (each run, the machine, the
versions) is written to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.report import markdown
from planflow.check.plans import DUE_STATUSES
from scripts.generate_dataset import Scale, generate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PLANFLOW = str(Path(sys.executable).parent / "planflow")
AS_OF = "2026-06-30"
OCCURRENCES_PER_COMMUNE = 1057  # 10 plans of 40 tasks with their reports, as generated (seed 1)
SCALES = {"1k": 1, "10k": 9, "100k": 95, "1m": 946}  # communes
NAIVE_SCALE = "1k"
REPORTS_SCALE = "100k"  # 95 communes: a province
REPORTS_SAMPLE = 200
CORPUS = ROOT / "tests" / "fuzz"  # the hostile definition files (tests/test_loader_fuzz.py)
IMPORT_TASKS = 100
TARGETS = {
    "check_vs_floor_max": 3.0,
    "check_vs_due_floor_max": 3.0,
    "check_1m_max_s": 3.0,
    "check_flat_max": 1.2,
    "naive_vs_check_min": 1000.0,
    "sync_10k_plans_max_s": 60.0,
    "delivery_min_per_s": 200.0,
    "status_cold_start_max_s": 1.0,
    "check_1m_rss_max_mb": 500.0,
    "docx_reports_min_per_s": 20.0,
    "validate_hostile_max_s": 2.0,
    "import_100_tasks_max_s": 5.0,
}


def say(text: str) -> None:
    print(text, flush=True)


@dataclass
class Figure:
    """One measure: every run's value and the median."""

    measure: str
    store: str
    scale: str
    unit: str
    runs: list[float]
    occurrences: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def _worker(task: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, "-m", "bench.worker", task, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.worker {task} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- datasets and stores --------------------------------------------------------------------------


def dataset(scale: str, data: Path) -> tuple[Path, dict[str, Any]]:
    """The generated folder of a scale, made once under ``data`` (bench/.data: not in git)."""
    folder = data / f"dataset-{scale}"
    wanted = Scale(communes=SCALES[scale], as_of=dt.date.fromisoformat(AS_OF))
    info = folder / "dataset.json"
    if info.exists():
        summary: dict[str, Any] = json.loads(info.read_text())
        if summary["communes"] == wanted.communes and summary["as_of"] == AS_OF:
            return folder, summary
    shutil.rmtree(folder, ignore_errors=True)
    say(f"… sinh bộ dữ liệu {scale} ({wanted.communes} xã) vào {folder}")
    generate(wanted, folder)
    return folder, json.loads(info.read_text())


GROWN = "100k_x10"
"""The growth measure's store: the 100k dataset (950 plans of 2026) and 8,550 plans of 2027
for the same communes (about 900,000 more occurrences), none of which is due by the as-of
day: a store 10 times bigger with the same items due."""
FUTURE_PLANS_PER_COMMUNE = 90


def grown_dataset(data: Path) -> tuple[Path, dict[str, Any]]:
    """The 100k dataset plus plans of the next year for its communes, in one folder made of
    links to both generated folders (made once, like the others)."""
    base, base_info = dataset("100k", data)
    folder = data / f"dataset-{GROWN}"
    info = folder / "dataset.json"
    if info.exists():
        return folder, json.loads(info.read_text())
    future = data / "dataset-100k-2027"
    wanted = Scale(communes=SCALES["100k"], plans_per_commune=FUTURE_PLANS_PER_COMMUNE, year=2027,
                   as_of=dt.date.fromisoformat(AS_OF))  # fmt: skip
    if not (future / "dataset.json").exists():
        shutil.rmtree(future, ignore_errors=True)
        say(f"… sinh {wanted.communes * wanted.plans_per_commune} kế hoạch năm 2027 vào {future}")
        generate(wanted, future)
    future_info = json.loads((future / "dataset.json").read_text())
    shutil.rmtree(folder, ignore_errors=True)
    for part in ("units", "plans"):
        (folder / part).mkdir(parents=True)
        for source in (base, future):
            for path in sorted((source / part).iterdir()):
                target = folder / part / path.name
                if not target.exists():  # the communes' directories are the same in both
                    target.symlink_to(path.resolve())
    with (folder / "progress.csv").open("w", encoding="utf-8") as out:
        out.write((base / "progress.csv").read_text(encoding="utf-8"))
        lines = (future / "progress.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        out.writelines(lines[1:])  # its header is the same
    summary = {
        **base_info,
        "plans": base_info["plans"] + future_info["plans"],
        "occurrences": base_info["occurrences"] + future_info["occurrences"],
        "events": base_info["events"] + future_info["events"],
        "future_plans": future_info["plans"],
    }
    info.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return folder, summary


def measure_growth(store: str, args: argparse.Namespace) -> list[Figure]:
    """The check of the 100k store and of the same store grown 10 times with plans that have
    nothing due, one run of each in turn (target: within ±20 %)."""
    base_url = store_url(store, "100k", args)
    folder, info = grown_dataset(args.data)
    url = store_url(store, GROWN, args)
    if not (args.reuse_stores and _synced(store, GROWN, args)):
        reset_store(store, GROWN, args)
        _worker("sync", url, str(folder))
        _worker("load", url, str(folder))
    _worker("forget", base_url)
    _worker("forget", url)
    small, grown, small_due, grown_due = [], [], [], []
    for _ in range(args.repeat):
        small.append(_worker("check", base_url, AS_OF))
        grown.append(_worker("check", url, AS_OF))
        small_due.append(_worker("floor_due", base_url, AS_OF))
        grown_due.append(_worker("floor_due", url, AS_OF))
    if (grown[0]["notices"], grown[0]["attention"]) != (small[0]["notices"], small[0]["attention"]):
        raise SystemExit(f"{store}: the grown store has other items due than the 100k store: "
                         f"{grown[0]['notices']}, {grown[0]['attention']} ≠ "
                         f"{small[0]['notices']}, {small[0]['attention']}")  # fmt: skip
    occurrences = int(info["occurrences"])
    steady: list[Figure] = []
    if "steady" not in args.skip_set:
        _, side_by_side = _steady_side_by_side([base_url, url], args.repeat)
        for name, (runs, listed) in zip(("small", "grown"), side_by_side, strict=True):
            steady += [
                Figure(f"growth_steady_{name}", store, "100k" if name == "small" else GROWN, "s",
                       [r["seconds"] for r in runs], None,
                       {**_cpu(runs), "notices": runs[0]["notices"], "planned": runs[0]["planned"],
                        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}),
                Figure(f"growth_steady_{name}_cpu", store, "100k" if name == "small" else GROWN, "s",
                       [r["cpu_seconds"] for r in runs]),
                Figure(f"growth_steady_lists_{name}_cpu", store, "100k" if name == "small" else GROWN, "s",
                       [r["cpu_seconds"] for r in listed]),
            ]  # fmt: skip
    return [
        *steady,
        Figure("growth_check_small", store, "100k", "s", [r["seconds"] for r in small], None,
               {"peak_rss_mb": max(r["peak_rss_mb"] for r in small), **_cpu(small),
                "notices": small[0]["notices"], "attention": small[0]["attention"]}),
        Figure("growth_check_grown", store, GROWN, "s", [r["seconds"] for r in grown], occurrences,
               {"peak_rss_mb": max(r["peak_rss_mb"] for r in grown), **_cpu(grown), "plans": info["plans"],
                "notices": grown[0]["notices"], "attention": grown[0]["attention"]}),
        Figure("growth_floor_due_small", store, "100k", "s", [r["seconds"] for r in small_due], None,
               {"rows": small_due[0]["rows"]}),
        Figure("growth_floor_due_grown", store, GROWN, "s", [r["seconds"] for r in grown_due], occurrences,
               {"rows": grown_due[0]["rows"]}),
    ]  # fmt: skip


def _synced(store: str, scale: str, args: argparse.Namespace) -> bool:
    """Whether the store of ``scale`` exists (reused as it is by ``--reuse-stores``)."""
    if store == "sqlite":
        return Path(f"{args.data / f'store-{scale}.db'}").exists()
    engine = sa.create_engine(args.postgres)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                sa.text(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = :s AND table_name = 'plans'"
                ),
                {"s": f"planflow_bench_{scale}"},
            ).first()
        return found is not None
    finally:
        engine.dispose()


def store_url(store: str, scale: str, args: argparse.Namespace) -> str:
    if store == "sqlite":
        return f"sqlite:///{args.data / f'store-{scale}.db'}"
    postgres = args.postgres
    separator = "&" if "?" in postgres else "?"
    return f"{postgres}{separator}options=-csearch_path%3Dplanflow_bench_{scale}"


def reset_store(store: str, scale: str, args: argparse.Namespace) -> None:
    """An empty store: a new SQLite file, or a new PostgreSQL schema."""
    if store == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.data / f'store-{scale}.db'}{suffix}").unlink(missing_ok=True)
        return
    engine = sa.create_engine(args.postgres)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS planflow_bench_{scale} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA planflow_bench_{scale}"))
    engine.dispose()


# --- the measures ------------------------------------------------------------------------------------


def measure_scale(store: str, scale: str, args: argparse.Namespace) -> list[Figure]:
    folder, info = dataset(scale, args.data)
    url = store_url(store, scale, args)
    occurrences = int(info["occurrences"])
    sync_runs = []
    repeat_sync = args.sync_repeat if args.sync_repeat is not None else (1 if scale == "1m" else args.repeat)
    alone_runs, resync_runs = [], []
    if args.reuse_stores and not _synced(store, scale, args):  # a new machine: made once, then reused
        reset_store(store, scale, args)
        _worker("sync", url, str(folder))
        _worker("load", url, str(folder))
    if not args.reuse_stores:
        for _ in range(repeat_sync):
            if "sync_one_process" not in args.skip_set:
                reset_store(store, scale, args)
                alone_runs.append(_worker("sync", url, str(folder), "1"))
            reset_store(store, scale, args)
            sync_runs.append(_worker("sync", url, str(folder)))
            resync_runs.append(_worker("sync", url, str(folder)))
        _worker("load", url, str(folder))
    _worker("forget", url)  # the cold backlog: no check has recorded anything yet
    # side by side, one run of each in turn: the machine is shared, its load moves
    checks, logs, floors, dues, same_due = [], [], [], [], []
    first = SAME_DUE_PLANS.get(scale)
    for _ in range(args.repeat):
        checks.append(_worker("check", url, AS_OF))
        logs.append(_worker("check", url, AS_OF, "event_log"))
        floors.append(_worker("floor", url, AS_OF))
        dues.append(_worker("floor_due", url, AS_OF))
        if first is not None:
            same_due.append(_worker("check", url, AS_OF, "state", str(first)))
    if any(c["totals"] != due_totals(floors[0]) for c in checks + logs):
        raise SystemExit(f"{store} {scale}: check {checks[0]['totals']} ≠ floor {due_totals(floors[0])}")
    if any((c["notices"], c["attention"]) != (logs[0]["notices"], logs[0]["attention"]) for c in checks):
        raise SystemExit(f"{store} {scale}: the check from the current state differs from the event log's")
    steady = [] if "steady" in args.skip_set else measure_steady(store, scale, url, args, checks[0])
    plans = int(info["plans"])
    synced = [
        _sync_figure(measure, store, scale, runs, occurrences, plans)
        for measure, runs in (("sync", sync_runs), ("sync_one_process", alone_runs), ("resync", resync_runs))
        if runs
    ]
    return [
        *synced,
        Figure(
            "check",
            store,
            scale,
            "s",
            [r["seconds"] for r in checks],
            occurrences,
            {
                "peak_rss_mb": max(r["peak_rss_mb"] for r in checks),
                # the machine is shared: the process's own CPU time, next to the wall time
                "cpu_s": round(statistics.median(r["cpu_seconds"] for r in checks), 1),
                "notices": checks[0]["notices"],
                "attention": checks[0]["attention"],
                "totals": checks[0]["totals"],
            },
        ),
        Figure(
            "check_event_log", store, scale, "s", [r["seconds"] for r in logs], occurrences,
            {"peak_rss_mb": max(r["peak_rss_mb"] for r in logs),
             "cpu_s": round(statistics.median(r["cpu_seconds"] for r in logs), 1)},
        ),
        Figure("floor", store, scale, "s", [r["seconds"] for r in floors], occurrences, _cpu(floors)),
        Figure("floor_due", store, scale, "s", [r["seconds"] for r in dues], occurrences,
               {"rows": dues[0]["rows"], **_cpu(dues)}),
        # the process's CPU time of each run: on SQLite the database works in the process, so
        # this is the work itself, which a loaded machine's waits leave out of it
        *(Figure(f"{name}_cpu", store, scale, "s", [r["cpu_seconds"] for r in runs], occurrences)
          for name, runs in (("check", checks), ("check_event_log", logs), ("floor", floors),
                             ("floor_due", dues), (f"check_first_{first}_plans", same_due)) if runs),
        Figure("check_peak_rss", store, scale, "MB", [r["peak_rss_mb"] for r in checks], occurrences),
        Figure("check_event_log_peak_rss", store, scale, "MB", [r["peak_rss_mb"] for r in logs], occurrences),
        *(
            [Figure(f"check_first_{first}_plans", store, scale, "s", [r["seconds"] for r in same_due],
                    occurrences, {"plans": first, "notices": same_due[0]["notices"],
                                  "attention": same_due[0]["attention"], "totals": same_due[0]["totals"]})]
            if same_due else []
        ),
        *steady,
    ]  # fmt: skip


DAY_BEFORE = (dt.date.fromisoformat(AS_OF) - dt.timedelta(days=1)).isoformat()


def due_totals(measured: dict[str, Any]) -> dict[str, int]:
    """The items overdue, blocked and due soon of a measure's ``totals`` (a check counts only
    those: the plans with none are quiet; the floor and a tree before quiet plans count every
    status)."""
    return {s: n for s, n in measured["totals"].items() if s in DUE_STATUSES and n}


def _steady_runs(url: str, repeat: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The check of the day before recorded as the product records it, then the day's check
    (and the same reading every plan's attention list), one run of each in turn; the store
    is left as it was (no notice recorded)."""
    recorded, [(checks, listed)] = _steady_side_by_side([url], repeat)
    return recorded[0], checks, listed


def _steady_side_by_side(
    urls: list[str], repeat: int
) -> tuple[list[dict[str, Any]], list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]]:
    """``_steady_runs`` of several stores, their runs in turn (a store's check, then the
    next store's, each round): the machine's load moves, and a slow minute then falls on
    every store rather than on the runs of one."""
    recorded = []
    with tempfile.TemporaryDirectory() as home:
        for url in urls:
            _worker("forget", url)
            recorded.append(_worker("record", url, DAY_BEFORE, home))
    runs: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = [([], []) for _ in urls]
    try:
        for _ in range(repeat):
            for url, (checks, _listed) in zip(urls, runs, strict=True):
                checks.append(_worker("check", url, AS_OF))
            for url, (_checks, listed) in zip(urls, runs, strict=True):
                listed.append(_worker("check", url, AS_OF, "state", "all", "list"))
    finally:
        for url in urls:
            _worker("forget", url)
    return recorded, runs


def measure_steady(
    store: str, scale: str, url: str, args: argparse.Namespace, cold: dict[str, Any]
) -> list[Figure]:
    """The steady state, as the product runs: the check of the day before has recorded its
    notices (and queued their messages); the check of the as-of day plans only what fires
    that day. Its statuses must be those of the cold check."""
    recorded, checks, listed = _steady_runs(url, args.repeat)
    if any((c["totals"], c["attention"]) != (cold["totals"], cold["attention"]) for c in checks + listed):
        raise SystemExit(f"{store} {scale}: the steady check counts other statuses than the cold one")
    extra = {"notices": checks[0]["notices"], "planned": checks[0]["planned"],
             "attention": checks[0]["attention"], "recorded_day_before": recorded["notices"],
             "skipped_day_before": recorded["skipped"],
             "record_s": round(recorded["seconds"], 1)}  # fmt: skip
    return [
        Figure("check_steady", store, scale, "s", [r["seconds"] for r in checks], None,
               {**extra, **_cpu(checks), "peak_rss_mb": max(r["peak_rss_mb"] for r in checks)}),
        Figure("check_steady_cpu", store, scale, "s", [r["cpu_seconds"] for r in checks]),
        Figure("check_steady_lists", store, scale, "s", [r["seconds"] for r in listed], None,
               {**_cpu(listed), "peak_rss_mb": max(r["peak_rss_mb"] for r in listed)}),
        Figure("check_steady_lists_cpu", store, scale, "s", [r["cpu_seconds"] for r in listed]),
    ]  # fmt: skip


SAME_DUE_PLANS = {"100k": 90, "1m": 950}
"""The flatness measure: in the 100k (1M) store, the check of its first 90 (950) plans, as
many as the 10k (100k) store holds (the same kind of plans, so about as many items due),
beside the smaller store's check: the store is 10× bigger, what is due the same."""
SMALLER = {"100k": "10k", "1m": "100k"}


def _cpu(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"cpu_s": round(statistics.median(r["cpu_seconds"] for r in runs), 2)}


def _sync_figure(
    measure: str, store: str, scale: str, runs: list[dict[str, Any]], occurrences: int, plans: int
) -> Figure:
    extra = {
        "plans": plans,
        "parsed": runs[0]["parsed"],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "cpu_s": round(statistics.median(r["cpu_seconds"] for r in runs), 1),
        "workers_cpu_s": round(statistics.median(r["children_cpu_seconds"] for r in runs), 1),
    }
    return Figure(measure, store, scale, "s", [r["seconds"] for r in runs], occurrences, extra)


def measure_naive(args: argparse.Namespace) -> Figure:
    """One Prefect task run per occurrence on a local Prefect server (SQLite store)."""
    folder, _ = dataset(NAIVE_SCALE, args.data)
    url = store_url("sqlite", NAIVE_SCALE, args)
    reset_store("sqlite", NAIVE_SCALE, args)
    _worker("sync", url, str(folder))
    _worker("load", url, str(folder))
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="planflow-bench-") as home:
            runs.append(_worker("naive", url, str(folder), AS_OF, env={"PLANFLOW_HOME": home}))
    task_runs = runs[0]["task_runs"]
    return Figure(
        "naive_prefect",
        "sqlite",
        NAIVE_SCALE,
        "s",
        [r["seconds"] for r in runs],
        task_runs,
        {
            "task_runs": task_runs,
            "per_task_run_ms": 1000 * statistics.median(r["seconds"] for r in runs) / task_runs,
        },
    )


def measure_reports(args: argparse.Namespace) -> list[Figure]:
    """Reports per second for a province (the 100k data, SQLite), Markdown and DOCX, each
    including the report's content (statuses at the cut-off, inputs, targets)."""
    scale = args.reports_scale
    folder, info = dataset(scale, args.data)
    url = store_url("sqlite", scale, args)
    if not Path(url.removeprefix("sqlite:///")).exists():
        _worker("sync", url, str(folder))
        _worker("load", url, str(folder))
    runs = [_worker("reports", url, str(folder), AS_OF, str(REPORTS_SAMPLE)) for _ in range(args.repeat)]
    extra = {
        "reports": runs[0]["reports"],
        "assembling_on_as_of": runs[0]["assembling"],
        "plans": info["plans"],
        "context_share": round(runs[0]["context_s"] / (runs[0]["context_s"] + runs[0]["docx_s"]), 2),
    }
    return [
        Figure(
            "reports_markdown",
            "sqlite",
            scale,
            "reports/s",
            [r["markdown_per_s"] for r in runs],
            extra=extra,
        ),
        Figure("reports_docx", "sqlite", scale, "reports/s", [r["docx_per_s"] for r in runs], extra=extra),
    ]


def measure_inputs(args: argparse.Namespace) -> list[Figure]:
    """The importer group (``--skip importer``): every hostile file of the fuzz corpus validated
    on its own, the slowest file's seconds (target: exit 1 within 2 s, the fuzz issue's
    requirement); a Word plan of 100 appendix tasks read, extracted and written as a draft
    (target: 5 s). Each run in a fresh process; no store."""
    hostile, imports = [], []
    for _ in range(args.repeat):  # one run of each in turn: the machine is shared, its load moves
        hostile.append(_worker("validate_hostile", str(CORPUS)))
        imports.append(_worker("import_plan", str(IMPORT_TASKS)))
    # each run's slowest file (wall) and the file that took the most CPU
    slowest = [max(r["files"].items(), key=lambda item: item[1]["seconds"]) for r in hostile]
    costliest = [max(r["files"].items(), key=lambda item: item[1]["cpu_seconds"]) for r in hostile]
    validate_extra = {
        "slowest": ", ".join(dict.fromkeys(name for name, _ in slowest)),
        "cpu_s": round(statistics.median(times["cpu_seconds"] for _, times in costliest), 3),
        "most_cpu": ", ".join(dict.fromkeys(name for name, _ in costliest)),
        "all_files_cpu_s": round(
            statistics.median(sum(t["cpu_seconds"] for t in r["files"].values()) for r in hostile), 2
        ),
        "first_call_s": round(statistics.median(r["first_call"]["seconds"] for r in hostile), 3),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in hostile),
    }
    import_extra = {
        **_cpu(imports),
        "tasks": imports[0]["tasks"],
        "draft_lines": imports[0]["draft_lines"],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in imports),
    }
    files = f"{len(hostile[0]['files'])} files"
    return [
        Figure("validate_hostile", "", files, "s", [t["seconds"] for _, t in slowest], extra=validate_extra),
        Figure("import_100_tasks", "", f"{IMPORT_TASKS} tasks", "s", [r["seconds"] for r in imports],
               extra=import_extra),
    ]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure_delivery(store: str, args: argparse.Namespace) -> list[Figure]:
    port = _free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"], cwd=ROOT
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        url = store_url(store, "outbox", args)
        reset_store(store, "outbox", args)
        figures = []
        for mode, name in (("pool", "delivery_pooled"), ("one", "delivery_one_per_message")):
            runs = [_worker("deliver", url, str(port), mode, str(args.messages)) for _ in range(args.repeat)]
            if any(r["sent"] != args.messages for r in runs):
                raise SystemExit(f"delivery {mode}: not every message was accepted: {runs}")
            figures.append(
                Figure(name, store, f"{args.messages} msg", "msg/s", [r["per_second"] for r in runs])
            )
        return figures
    finally:
        server.terminate()
        server.wait(timeout=10)


def _planflow(*argv: str, env: dict[str, str]) -> float:
    wall = time.perf_counter()
    done = subprocess.run(
        [PLANFLOW, *argv], cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"planflow {' '.join(argv)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - wall


def prefect_imported_by_status(env: dict[str, str]) -> list[str]:
    """Modules of Prefect that ``planflow status`` imports (python -X importtime): none expected."""
    code = "import sys; from planflow.cli import app; app(['status', '--no-sync', '--as-of', sys.argv[1]])"
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", code, AS_OF],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    modules = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    return [m for m in modules if re.match(r"prefect(\.|$)", m)]


def measure_cli(args: argparse.Namespace) -> list[Figure]:
    folder, _ = dataset(NAIVE_SCALE, args.data)
    url = store_url("sqlite", NAIVE_SCALE, args)
    with tempfile.TemporaryDirectory(prefix="planflow-bench-") as home:
        env = {"PLANFLOW_HOME": home, "PLANFLOW_DATABASE_URL": url, "PLANFLOW_DEFINITIONS": str(folder)}
        status = [
            _planflow("status", "--no-sync", "--as-of", AS_OF, env=env) for _ in range(max(5, args.repeat))
        ]
        imported = prefect_imported_by_status(env)
        check = [_planflow("check", "--as-of", AS_OF, "--dry-run", env=env) for _ in range(args.repeat)]
    return [
        Figure("cold_start_status", "sqlite", NAIVE_SCALE, "s", status, extra={"prefect_modules": imported}),
        Figure("cold_start_check", "sqlite", NAIVE_SCALE, "s", check),
    ]


# --- report ------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    versions = {}
    for package in ("prefect", "sqlalchemy", "pydantic", "psycopg", "aiosmtplib", "aiosmtpd", "PyYAML"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    # a run from an exported copy of a commit (no .git) names it in PLANFLOW_BENCH_COMMIT
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    commit_id = commit.stdout.strip() or os.environ.get("PLANFLOW_BENCH_COMMIT", "")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": None,
        "packages": versions,
        "commit": commit_id,
        # the machine is shared: how busy it was when the suite started (1, 5, 15 min)
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def postgres_version(url: str) -> str | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(sa.text("SHOW server_version")).scalar())
    except sa.exc.OperationalError:
        return None
    finally:
        engine.dispose()


def _find(figures: list[Figure], measure: str, store: str, scale: str) -> Figure | None:
    return next((f for f in figures if (f.measure, f.store, f.scale) == (measure, store, scale)), None)


def ratios_and_targets(figures: list[Figure]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """check / floor and naive / check per store and scale; each target met or not."""
    ratios: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    naive = next((f for f in figures if f.measure == "naive_prefect"), None)
    for check in (f for f in figures if f.measure == "check"):
        floor = _find(figures, "floor", check.store, check.scale)
        if floor is not None:
            ratios.append(
                {
                    "ratio": "check/floor",
                    "store": check.store,
                    "scale": check.scale,
                    "value": check.median / floor.median,
                }
            )
        if naive is not None and check.occurrences:
            # Extrapolated linearly from the measured task runs to this scale's occurrences.
            naive_seconds = naive.median / int(naive.occurrences or 1) * check.occurrences
            ratios.append(
                {
                    "ratio": "naive_prefect/check",
                    "store": check.store,
                    "scale": check.scale,
                    "value": naive_seconds / check.median,
                    "naive_seconds_extrapolated": naive_seconds,
                }
            )
    for check in (f for f in figures if f.measure == "check"):
        due = _find(figures, "floor_due", check.store, check.scale)
        log = _find(figures, "check_event_log", check.store, check.scale)
        if due is not None:
            ratios.append({"ratio": "check/floor_due", "store": check.store, "scale": check.scale,
                           "value": check.median / due.median})  # fmt: skip
        if log is not None:
            ratios.append({"ratio": "check_event_log/check", "store": check.store, "scale": check.scale,
                           "value": log.median / check.median})  # fmt: skip
        if check.scale == "1m":
            limit = TARGETS["check_1m_max_s"]
            targets.append({"target": f"check at 1M ({check.store}), s", "limit": limit,
                            "value": check.median, "met": check.median <= limit})  # fmt: skip
            if due is not None:
                value = check.median / due.median
                targets.append({"target": f"check/floor_due at 1M ({check.store})",
                                "limit": TARGETS["check_vs_due_floor_max"], "value": value,
                                "met": value <= TARGETS["check_vs_due_floor_max"]})  # fmt: skip
            rss, log_rss = (
                _find(figures, m, check.store, "1m") for m in ("check_peak_rss", "check_event_log_peak_rss")
            )
            if rss is not None and log_rss is not None:
                targets.append({"target": f"check peak RSS at 1M ≤ the event log check's ({check.store}), MB",
                                "limit": max(log_rss.runs), "value": max(rss.runs),
                                "met": max(rss.runs) <= max(log_rss.runs)})  # fmt: skip
    for check in (f for f in figures if f.measure == "check_cpu" and f.store == "sqlite"):
        for other in ("floor_due_cpu", "check_event_log_cpu", "floor_cpu"):
            found = _find(figures, other, check.store, check.scale)
            if found is not None:
                num, den = (found, check) if other == "check_event_log_cpu" else (check, found)
                ratios.append({"ratio": f"{num.measure}/{den.measure}", "store": check.store,
                               "scale": check.scale, "value": num.median / den.median})  # fmt: skip
    for grown in (f for f in figures if f.measure.startswith("check_first_") and f.measure.endswith("_cpu")):
        small = _find(figures, "check_cpu", grown.store, SMALLER[grown.scale])
        if small is not None:
            name = f"{grown.measure}/check_cpu of the {small.scale} store"
            ratios.append({"ratio": name, "store": grown.store,
                           "scale": grown.scale, "value": grown.median / small.median})  # fmt: skip
    for grown in (
        f for f in figures if f.measure.startswith("check_first_") and not f.measure.endswith("_cpu")
    ):
        small = _find(figures, "check", grown.store, SMALLER[grown.scale])
        if small is not None:
            value = grown.median / small.median
            ratios.append({"ratio": f"{grown.measure}/check of the {small.scale} store", "store": grown.store,
                           "scale": grown.scale, "value": value})  # fmt: skip
            flat = TARGETS["check_flat_max"]
            targets.append({"target": f"check flat, store {small.scale} → {grown.scale} ({grown.store})",
                            "limit": flat, "value": value, "met": 1 / flat <= value <= flat})  # fmt: skip
    for grown in (f for f in figures if f.measure == "growth_check_grown"):
        small = _find(figures, "growth_check_small", grown.store, "100k")
        if small is not None:
            value = grown.median / small.median
            ratios.append({"ratio": "check of the grown store/check of the 100k store", "store": grown.store,
                           "scale": grown.scale, "value": value})  # fmt: skip
            flat = TARGETS["check_flat_max"]
            targets.append({"target": f"check flat, store 100k → 10× with the same items due ({grown.store})",
                            "limit": flat, "value": value, "met": 1 / flat <= value <= flat})  # fmt: skip
    for steady in (f for f in figures if f.measure in ("check_steady", "check_steady_cpu")):
        cpu = "_cpu" if steady.measure.endswith("_cpu") else ""
        due = _find(figures, f"floor_due{cpu}", steady.store, steady.scale)
        if due is None:
            continue
        value = steady.median / due.median
        ratios.append({"ratio": f"{steady.measure}/floor_due{cpu}", "store": steady.store,
                       "scale": steady.scale, "value": value})  # fmt: skip
        if steady.scale == "1m":
            targets.append({"target": f"{steady.measure}/floor_due{cpu} at 1M ({steady.store})",
                            "limit": TARGETS["check_vs_due_floor_max"], "value": value,
                            "met": value <= TARGETS["check_vs_due_floor_max"]})  # fmt: skip
            if not cpu:
                limit = TARGETS["check_1m_max_s"]
                targets.append({"target": f"check_steady at 1M ({steady.store}), s", "limit": limit,
                                "value": steady.median, "met": steady.median <= limit})  # fmt: skip
    for grown in (f for f in figures if f.measure.startswith("growth_steady") and "_grown" in f.measure):
        small = _find(figures, grown.measure.replace("_grown", "_small"), grown.store, "100k")
        if small is not None:
            value = grown.median / small.median
            ratios.append({"ratio": f"{grown.measure}/{small.measure}", "store": grown.store,
                           "scale": grown.scale, "value": value})  # fmt: skip
            flat = TARGETS["check_flat_max"]
            targets.append({"target": f"{grown.measure}/{small.measure} ({grown.store})", "limit": flat,
                            "value": value, "met": 1 / flat <= value <= flat})  # fmt: skip
    for pooled in (f for f in figures if f.measure == "sync"):
        alone = _find(figures, "sync_one_process", pooled.store, pooled.scale)
        if alone is not None:
            ratios.append({"ratio": "sync one process/sync", "store": pooled.store, "scale": pooled.scale,
                           "value": alone.median / pooled.median})  # fmt: skip
    for r in ratios:
        if r["ratio"] not in ("check/floor", "naive_prefect/check"):
            continue
        if r["scale"] == "1m":
            limit = (
                TARGETS["check_vs_floor_max"]
                if r["ratio"] == "check/floor"
                else TARGETS["naive_vs_check_min"]
            )
            met = r["value"] <= limit if r["ratio"] == "check/floor" else r["value"] >= limit
            targets.append(
                {
                    "target": f"{r['ratio']} at 1M ({r['store']})",
                    "limit": limit,
                    "value": r["value"],
                    "met": met,
                }
            )
    for f in figures:
        if f.measure == "sync" and f.scale == "1m":
            targets.append(
                {
                    "target": f"sync of {f.extra['plans']} plans ({f.store})",
                    "limit": TARGETS["sync_10k_plans_max_s"],
                    "value": f.median,
                    "met": f.median <= TARGETS["sync_10k_plans_max_s"],
                }
            )
        if f.measure == "check_peak_rss" and f.scale == "1m":
            targets.append(
                {
                    "target": f"check peak RSS at 1M ({f.store})",
                    "limit": TARGETS["check_1m_rss_max_mb"],
                    "value": max(f.runs),
                    "met": max(f.runs) <= TARGETS["check_1m_rss_max_mb"],
                }
            )
        if f.measure == "delivery_pooled":
            targets.append(
                {
                    "target": f"delivery ({f.store})",
                    "limit": TARGETS["delivery_min_per_s"],
                    "value": f.median,
                    "met": f.median >= TARGETS["delivery_min_per_s"],
                }
            )
        if f.measure == "reports_docx":
            targets.append(
                {
                    "target": "DOCX reports per second",
                    "limit": TARGETS["docx_reports_min_per_s"],
                    "value": f.median,
                    "met": f.median >= TARGETS["docx_reports_min_per_s"],
                }
            )
        if f.measure == "validate_hostile":
            name = f"planflow validate of a hostile file, the slowest ({f.extra['slowest']}), s"
            targets.append({"target": name, "limit": TARGETS["validate_hostile_max_s"], "value": f.median,
                            "met": f.median <= TARGETS["validate_hostile_max_s"]})  # fmt: skip
        if f.measure == "import_100_tasks":
            targets.append({"target": "import of a Word plan of 100 tasks, s",
                            "limit": TARGETS["import_100_tasks_max_s"], "value": f.median,
                            "met": f.median <= TARGETS["import_100_tasks_max_s"]})  # fmt: skip
        if f.measure == "cold_start_status":
            met = f.median <= TARGETS["status_cold_start_max_s"] and not f.extra["prefect_modules"]
            targets.append(
                {
                    "target": "planflow status cold start, no Prefect import",
                    "limit": TARGETS["status_cold_start_max_s"],
                    "value": f.median,
                    "met": met,
                }
            )
    return ratios, targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Bộ đo hiệu năng planflow.")
    parser.add_argument(
        "--scales", default="10k,100k,1m", help="trong 1k, 10k, 100k, 1m (mặc định: 10k,100k,1m)"
    )
    parser.add_argument("--stores", default="sqlite,postgresql", help="sqlite, postgresql")
    parser.add_argument("--repeat", type=int, default=3, help="số lần chạy mỗi phép đo (trung vị)")
    parser.add_argument("--sync-repeat", type=int, default=None, help="số lần đồng bộ (mặc định: 1 ở 1m)")
    parser.add_argument("--messages", type=int, default=1000, help="số thư cho phép đo gửi thư")
    parser.add_argument(
        "--skip",
        default="",
        help="bỏ qua: naive, delivery, reports, importer, cli, sync_one_process, growth, steady "
        "(phân cách bằng dấu phẩy)",
    )
    parser.add_argument(
        "--reports-scale", default=REPORTS_SCALE, choices=list(SCALES), help="quy mô đo báo cáo"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "PLANFLOW_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        help="máy chủ PostgreSQL",
    )
    parser.add_argument(
        "--reuse-stores",
        action="store_true",
        help="đo lại trên kho đã đồng bộ và nạp tiến độ (bỏ qua phép đo đồng bộ; "
        "kho chưa có thì đồng bộ và nạp một lần)",
    )
    parser.add_argument(
        "--data", type=Path, default=DATA, help="thư mục dữ liệu sinh ra (mặc định bench/.data)"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="file JSON kết quả (mặc định bench/results/)"
    )
    args = parser.parse_args(argv)
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    args.skip_set = skip
    unknown = [s for s in scales if s not in SCALES] + [
        s for s in stores if s not in ("sqlite", "postgresql")
    ]
    if unknown:
        parser.error(f"không biết: {', '.join(unknown)}")
    args.data.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = machine()
    info["postgresql"] = postgres_version(args.postgres) if "postgresql" in stores else None
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or RESULTS / f"bench-{stamp}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []

    def save() -> dict[str, Any]:
        """Written after every measure: a run stopped half-way keeps what it measured."""
        ratios, targets = ratios_and_targets(figures)
        info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        report = {
            "as_of": AS_OF, "repeat": args.repeat, "duration_s": round(time.perf_counter() - started, 1),
            "machine": info, "figures": [{**asdict(f), "median": f.median} for f in figures],
            "ratios": ratios, "targets": targets,
        }  # fmt: skip
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return report

    for scale in scales:
        for store in stores:
            say(f"… {store} {scale}")
            figures += measure_scale(store, scale, args)
            save()
    if "growth" not in skip and "100k" in scales:  # beside the 100k store's measures
        for store in stores:
            say(f"… {store}: kho 100k lớn gấp 10 lần, cùng các việc đến hạn")
            figures += measure_growth(store, args)
            save()
    if "naive" not in skip:
        say("… Prefect: một task run cho mỗi lần thực hiện")
        figures.append(measure_naive(args))
        save()
    if "delivery" not in skip:
        for store in stores:
            say(f"… gửi thư ({store})")
            figures += measure_delivery(store, args)
            save()
    if "reports" not in skip:
        say("… báo cáo (Markdown, DOCX)")
        figures += measure_reports(args)
        save()
    if "importer" not in skip:
        say("… kiểm tra các file định nghĩa độc hại (tests/fuzz), nhập kế hoạch Word 100 nhiệm vụ")
        figures += measure_inputs(args)
        save()
    if "cli" not in skip:
        say("… khởi động CLI")
        figures += measure_cli(args)
    print(markdown(save()), flush=True)
    say(f"Đã ghi {output}")
    return 0
