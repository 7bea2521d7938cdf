"""The quick subset (`make quick`, the modules marked ``quick``) still reaches every package of
planflow, so a change anywhere meets at least some test before the full suite runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.conftest import REPO

MARK = re.compile(r"^pytestmark = .*pytest\.mark\.quick\b", re.MULTILINE)

# Packages the quick modules reach only while their tests run, not when they are imported:
# package → the quick module that reaches it.
AT_RUN_TIME = {
    "migrations": "tests/cli/test_labels.py",  # Alembic runs env.py when a test opens a store
    "tasks": "tests/deploy/test_deployments.py",  # imports every deployment's flow, and so its tasks
}


def quick_modules() -> list[str]:
    return sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "tests").rglob("test_*.py")
        if MARK.search(path.read_text(encoding="utf-8"))
    )


def test_the_quick_subset_reaches_every_package() -> None:
    """Importing the quick modules (in a fresh interpreter) imports every planflow package but
    the ones their tests reach as they run, and those tests are quick too."""
    modules = quick_modules()
    names = [m.removesuffix(".py").replace("/", ".") for m in modules]
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({n.split('.')[1] for n in sys.modules if n.startswith('planflow.')})))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True, timeout=300
    )
    imported = set(json.loads(found.stdout))
    packages = {path.parent.name for path in (REPO / "planflow").glob("*/__init__.py")}
    assert sorted(packages - imported - set(AT_RUN_TIME)) == []
    assert [m for m in AT_RUN_TIME.values() if m not in modules] == []
