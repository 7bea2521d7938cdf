"""What people bring to planflow, measured in a worker process (``python -m bench.worker
validate_hostile …`` and ``import_plan …``): every hostile definition file of the fuzz corpus
validated as ``planflow validate`` does it, and a Word plan of 100 appendix tasks imported.
The unit tests prove what these do (tests/test_loader_fuzz.py,
tests/importer/test_readers_office.py); how long they take is measured here, not there."""

from __future__ import annotations

import os
import re
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from planflow.cli import app
from planflow.importer import extract, read_document, write_draft
from scripts.plandocs import plan_docx

LOCATED = re.compile(r"^[^:]+\.yaml:\d+:\d+: .+$")
"""A line of ``planflow validate``: file:line:col: message."""
WARM_UP = Path("valid") / "merge-keys.yaml"
"""A valid plan of the corpus, validated first: the first validate of a process imports the
command's modules (about 0.5 s of CPU in a process that has imported none of them; the bench
worker has most already), which no file's own figure should carry."""


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kilobytes on Linux


def _validate(runner: CliRunner, root: Path, source: Path, expected: int) -> dict[str, float]:
    """``planflow validate FILE -d ROOT`` with ``source`` as the folder's only plan, timed;
    the suite stops unless it exits ``expected`` printing only located lines."""
    target = root / "plans" / source.name
    shutil.copy(source, target)
    wall, cpu = time.perf_counter(), time.process_time()
    result = runner.invoke(app, ["validate", str(target), "-d", str(root)])
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    target.unlink()
    lines = result.stderr.strip().splitlines()
    located = all(LOCATED.match(line) for line in lines) and bool(lines) == bool(expected)
    if result.exit_code != expected or not located:
        raise SystemExit(
            f"planflow validate {source.name}: exit {result.exit_code} (expected {expected}):\n"
            f"{result.stdout}{result.stderr}"
        )
    return {"seconds": seconds, "cpu_seconds": cpu_seconds}


def validate_hostile(corpus: str) -> dict[str, Any]:
    """Each ``*.yaml`` of ``corpus`` (tests/fuzz) validated on its own, as the unit test does
    it: a definitions folder holding the corpus's unit directory and that one plan, through
    the Typer app, with no inherited planflow settings. Seconds and CPU seconds per file,
    and those of the first call (the warm-up, a valid plan)."""
    fuzz = Path(corpus)
    runner = CliRunner()
    for name in [n for n in os.environ if n.startswith("PLANFLOW_")]:
        del os.environ[name]
    with tempfile.TemporaryDirectory(prefix="planflow-bench-") as folder:
        root = Path(folder) / "definitions"
        os.environ["PLANFLOW_HOME"] = str(Path(folder) / "home")
        (root / "units").mkdir(parents=True)
        shutil.copy(fuzz / "units" / "demo.yaml", root / "units" / "demo.yaml")
        (root / "plans").mkdir()
        first = _validate(runner, root, fuzz / WARM_UP, expected=0)
        files = {path.name: _validate(runner, root, path, expected=1) for path in sorted(fuzz.glob("*.yaml"))}
    return {"first_call": first, "files": files, "peak_rss_mb": _peak_rss_mb()}


def import_plan(tasks: str) -> dict[str, Any]:
    """A generated Word plan with ``tasks`` appendix tasks (scripts/plandocs.py, made before
    the clock starts) read, extracted and written as a draft, as the unit test does it; the
    suite stops unless every appendix task is extracted and a draft is written."""
    count = int(tasks)
    with tempfile.TemporaryDirectory(prefix="planflow-bench-") as folder:
        path = plan_docx(Path(folder) / "ke-hoach.docx", tasks=count)
        wall, cpu = time.perf_counter(), time.process_time()
        draft = extract(read_document(path), None)
        written = write_draft(draft, None)
        seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    appendix = sum(1 for t in draft.tasks if t.label and t.label.startswith("PL"))
    if appendix != count or not written.plan_id:
        raise SystemExit(
            f"import of {count} tasks: {appendix} appendix tasks extracted, plan '{written.plan_id}'"
        )
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "tasks": appendix,
        "draft_lines": written.text.count("\n"),
        "peak_rss_mb": _peak_rss_mb(),
    }
