"""The documentation site: its generated command-line reference is current, and its strict
build refuses a broken link or anchor (the ``validation:`` settings of mkdocs.yml)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planflow.cli import COMMANDS
from scripts.cli_reference import PAGE, render
from tests.conftest import REPO

MKDOCS = Path(sys.executable).parent / "mkdocs"


def test_cli_reference_is_current() -> None:
    """docs/reference/cli.md is what the Typer app's commands generate now."""
    assert (REPO / PAGE).read_text(encoding="utf-8") == render(), (
        f"{PAGE} đã cũ; chạy: python -m scripts.cli_reference -o {PAGE}"
    )


def test_cli_reference_lists_every_command() -> None:
    """Each command of ``planflow --help`` has its section (a group, one per subcommand), and
    a section carries the command's options with their defaults."""
    page = render()
    for name in COMMANDS:
        assert f"## `planflow {name}` {{#{name}}}" in page or f"## `planflow {name} " in page, name
    assert "## `planflow report build` {#report-build}" in page
    assert "| `-f, --format <chữ>` | md, html, docx hoặc pdf (cần LibreOffice). [mặc định: md] |" in page


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(MKDOCS), "build", "--strict", "--site-dir", str(root / "site")],
                          cwd=root, capture_output=True, text=True, env=env, check=False)  # fmt: skip


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    return tmp_path


# Links that lead nowhere in the site, each with what the build says about it.
BROKEN = [
    # an anchor that no heading of the page has
    ("[rà soát](ra-soat.md#khong-co-muc-nay)", "does not contain an anchor '#khong-co-muc-nay'"),
    # a page that does not exist
    ("[trang](khong-co.md)", "'khong-co.md', but the target 'huong-dan/khong-co.md' is not found"),
    # an absolute link: a URL of the web app, never a page of the site
    ("[bảng](/board)", "absolute link '/board'"),
]


def test_site_builds_strict(site_copy: Path) -> None:
    """The site as committed builds with --strict: no warning at all."""
    done = _build(site_copy)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr


def test_strict_build_refuses_broken_links(site_copy: Path) -> None:
    """A broken link, a missing anchor or an absolute link fails the build, each named with
    its page."""
    page = site_copy / "docs" / "huong-dan" / "index.md"
    added = "\n".join(link for link, _ in BROKEN)
    page.write_text(page.read_text(encoding="utf-8") + f"\n{added}\n", encoding="utf-8")
    done = _build(site_copy)
    assert done.returncode != 0
    for _, reported in BROKEN:
        assert reported in done.stderr, done.stderr
    assert done.stderr.count("huong-dan/index.md") >= len(BROKEN)
