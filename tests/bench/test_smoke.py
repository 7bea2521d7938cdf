"""The data generator and the benchmark harness at a toy scale, so neither can rot. The
figures themselves are measured by ``python -m bench``, never asserted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.run import CORPUS
from bench.run import main as bench_main
from scripts.generate_dataset import Scale, generate
from tests.cli.runner import run_cli


def test_generated_definitions_validate_and_compile(tmp_path: Path) -> None:
    """A small generated folder passes `planflow validate` and every plan compiles."""
    made = generate(
        Scale(communes=2, plans_per_commune=2, tasks_per_plan=12, provinces=2, seed=3), tmp_path / "d"
    )
    code, out, err = run_cli("validate", "--definitions", str(tmp_path / "d"))
    assert (code, err) == (0, "")
    assert "Hợp lệ: 8 file định nghĩa." in out  # 2 provinces + 2 communes + 4 plans
    for plan in sorted((tmp_path / "d" / "plans").glob("*.yaml")):
        code, out, err = run_cli("compile", plan.stem, "--definitions", str(tmp_path / "d"), "--json")
        assert code == 0, err
        assert json.loads(out)
    assert made.plans == 4
    assert made.occurrences > 4 * 12
    assert made.events > 0


def test_generation_is_deterministic_by_seed(tmp_path: Path) -> None:
    """The same scale and seed write the same bytes; another seed writes other plans."""
    scale = Scale(communes=1, plans_per_commune=2, tasks_per_plan=10, seed=11)
    generate(scale, tmp_path / "a")
    generate(scale, tmp_path / "b")
    generate(Scale(communes=1, plans_per_commune=2, tasks_per_plan=10, seed=12), tmp_path / "c")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    plan = sorted((tmp_path / "a" / "plans").glob("*.yaml"))[0].name
    assert (tmp_path / "a" / "plans" / plan).read_bytes() != (tmp_path / "c" / "plans" / plan).read_bytes()


@pytest.mark.slow
def test_bench_runs_at_toy_scale(tmp_path: Path) -> None:
    """One run of the suite at 1k occurrences on SQLite: sync, check, floor (which must
    agree), the check the day after a recorded one, the re-sync of unchanged plans (none parsed), peak memory, delivery to a local SMTP server,
    reports (on the same 1k store, not the 100k province of a real run), and the importer group
    (each hostile file validated, a Word plan of 100 tasks imported: about 4 CPU-s), written as JSON."""
    output = tmp_path / "result.json"
    code = bench_main(["--scales", "1k", "--stores", "sqlite", "--repeat", "1", "--messages", "20", "--reports-scale",
                       "1k", "--skip", "naive,cli", "--data", str(tmp_path / "data"), "--output", str(output)])  # fmt: skip
    assert code == 0
    report = json.loads(output.read_text())
    measures = {f["measure"] for f in report["figures"]}
    assert {
        "sync",
        "sync_one_process",
        "resync",
        "check",
        "check_event_log",
        "floor",
        "floor_due",
        "check_cpu",
        "check_peak_rss",
        "check_event_log_peak_rss",
        "check_steady",
        "check_steady_lists",
        "delivery_pooled",
        "delivery_one_per_message",
        "reports_markdown",
        "reports_docx",
        "validate_hostile",
        "import_100_tasks",
    } <= measures
    assert [r["ratio"] for r in report["ratios"]] == [
        "check/floor",
        "check/floor_due",
        "check_event_log/check",
        "check_cpu/floor_due_cpu",
        "check_event_log_cpu/check_cpu",
        "check_cpu/floor_cpu",
        "check_steady/floor_due",
        "check_steady_cpu/floor_due_cpu",
        "sync one process/sync",
    ]
    # the steady state: the check of the day before recorded its notices; the same statuses,
    # and fewer items planned than the cold check, which plans every item whose window has come
    cold = next(f for f in report["figures"] if f["measure"] == "check")
    steady = next(f for f in report["figures"] if f["measure"] == "check_steady")
    assert steady["extra"]["attention"] == cold["extra"]["attention"]
    assert steady["extra"]["recorded_day_before"] > 0
    assert steady["extra"]["notices"] < cold["extra"]["notices"]
    resync = next(f for f in report["figures"] if f["measure"] == "resync")
    assert resync["extra"]["parsed"] == 0 and resync["extra"]["plans"] == 10
    # the importer group: every file of the corpus refused (the worker stops otherwise), the
    # 100 tasks extracted, and both targets reported (met or not: figures are not asserted)
    hostile = next(f for f in report["figures"] if f["measure"] == "validate_hostile")
    assert hostile["scale"] == f"{len(list(CORPUS.glob('*.yaml')))} files"
    assert hostile["extra"]["slowest"].endswith(".yaml")
    imported = next(f for f in report["figures"] if f["measure"] == "import_100_tasks")
    assert imported["extra"]["tasks"] == 100
    limits = {t["target"]: t["limit"] for t in report["targets"]}
    assert limits["import of a Word plan of 100 tasks, s"] == 5.0
    assert [v for k, v in limits.items() if k.startswith("planflow validate of a hostile file")] == [2.0]
    assert report["machine"]["cores"] >= 1
