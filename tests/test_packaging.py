"""What a release installs: the wheel and the sdist built from this checkout, installed into
a clean virtual environment away from the repository, as an office's server would get it."""

from __future__ import annotations

import email.parser
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, with_prefect_db

# Every file a command reads at run time besides Python modules: a wheel or sdist that
# lacks one installs fine and fails later (the Word template did, in an earlier release).
PACKAGED_DATA = [
    "planflow/reports/templates/report.docx",
    "planflow/reports/templates/report.md.j2",
    "planflow/notifications/templates/digest.html.j2",
    "planflow/web/templates/board.html.j2",
    "planflow/web/static/style.css",
    "planflow/migrations/env.py",
    "planflow/migrations/versions/0001_initial_schema.py",
]


VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
DIST_INFO = f"planflow-{VERSION}.dist-info"


def _copy_sources(target: Path) -> Path:
    """The checkout without its venv, caches and VCS data (symlinks kept, as git keeps them)."""
    skipped = (".git", ".venv", "*.egg-info", "build", "__pycache__", ".*_cache", "bench")
    # .coverage* and .hypothesis: written meanwhile by the other xdist workers
    ignore = shutil.ignore_patterns(*skipped, ".coverage*", ".hypothesis")
    return Path(shutil.copytree(REPO, target, symlinks=True, ignore=ignore))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built by `python -m build` from a copy of the checkout."""
    source = _copy_sources(tmp_path_factory.mktemp("src") / "planflow")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A new venv with the wheel installed. Its dependencies are the test venv's (a path
    entry, not its .pth files), so the editable install of this checkout is not visible."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = Path(
        subprocess.run(
            [str(root / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    wheel = next(dist.glob("*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(root / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            str(wheel),
        ],
        check=True,
    )
    yield root


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_wheel_installs_one_top_level_package(dist: Path) -> None:
    """The wheel holds `planflow` and its metadata only: flows, tasks and notifications sit inside it."""
    names = zipfile.ZipFile(next(dist.glob("*.whl"))).namelist()
    assert {n.split("/")[0] for n in names} == {"planflow", DIST_INFO}
    assert "planflow/flows/check_plans.py" in names
    assert "planflow/tasks/notify_steps.py" in names


def test_wheel_metadata_names_licence_people_and_links(dist: Path) -> None:
    """The wheel's METADATA says what an index, a packager or a public body's procurement needs:
    the licence (an SPDX expression) with its text, who wrote and keeps it, classifiers,
    keywords and the README as the description."""
    wheel = zipfile.ZipFile(next(dist.glob("*.whl")))
    metadata = email.parser.Parser().parsestr(wheel.read(f"{DIST_INFO}/METADATA").decode())
    assert metadata["Metadata-Version"] >= "2.4"  # License-Expression needs 2.4 (PEP 639)
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    licence = wheel.read(f"{DIST_INFO}/licenses/LICENSE").decode()
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert licence == (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "planflow maintainers" in metadata["Author-email"]
    assert "planflow maintainers" in metadata["Maintainer-email"]
    classifiers = metadata.get_all("Classifier")
    assert "Natural Language :: Vietnamese" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # PEP 639: the expression only
    assert {"Vietnam", "public administration"} <= set(metadata["Keywords"].split(","))
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload().startswith("# planflow")


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_every_data_file_is_packaged(dist: Path, kind: str) -> None:
    """Templates, static files and migrations are in the wheel and in the sdist."""
    if kind == "wheel":
        names = set(zipfile.ZipFile(next(dist.glob("*.whl"))).namelist())
    else:
        with tarfile.open(next(dist.glob("*.tar.gz"))) as tar:
            names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert [f for f in PACKAGED_DATA if f not in names] == []


def test_generic_names_are_not_importable(venv: Path, tmp_path: Path) -> None:
    """After install, `import flows` (and tasks, notifications) fails: only planflow is there."""
    for name in ("flows", "tasks", "notifications"):
        result = _run(venv, "python", "-c", f"import {name}", cwd=tmp_path)
        assert f"No module named '{name}'" in result.stderr
    result = _run(
        venv, "python", "-c", "import planflow.flows.check_plans, planflow.tasks.notify_steps", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.prefect
def test_installed_commands_check_and_build_a_report(
    venv: Path, tmp_path: Path, migrated_prefect_db: Path
) -> None:
    """From the installed wheel, `planflow check` runs the daily flow (on its own local Prefect
    server, whose database is already migrated, as on a user's second run: the first run is
    tests/flows/test_check_plan.py's) and `report build` writes a Word report."""
    shutil.copytree(REPO / "definitions", tmp_path / "definitions")
    with_prefect_db(Path(os.environ["PLANFLOW_HOME"]), migrated_prefect_db)
    check = _run(
        venv, "planflow", "check", "loc-tan-2026", "--as-of", "2026-04-07", "--dry-run", cwd=tmp_path
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "loc-tan-2026" in check.stdout
    report = _run(
        venv, "planflow", "report", "build", "loc-tan-2026/bao-cao-dinh-ky", "--period", "2026-Q1",
        "--as-of", "2026-04-07", "-f", "docx", "-o", "q1.docx", cwd=tmp_path,
    )  # fmt: skip
    assert report.returncode == 0, report.stdout + report.stderr
    with zipfile.ZipFile(tmp_path / "q1.docx") as docx:
        assert "BÁO CÁO" in docx.read("word/document.xml").decode()
