"""The documentation site: its generated command-line reference is current, its strict
build refuses a broken link or anchor (the ``validation:`` settings of mkdocs.yml), and the
user guide's commands are the ones scripts/guide_rehearsal.sh runs to take its outputs."""

from __future__ import annotations

import os
import re
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


REHEARSAL = REPO / "scripts" / "guide_rehearsal.sh"


def _command(line: str) -> str:
    """A ``planflow …`` command as typed, without its comment, quotes or shell escapes, and
    with single spaces: the guide writes ``--note "Số 12"``, the script ``--note "'Số 12'"``
    (its ``run`` evaluates the line) or ``--name \\"…\\"`` inside a quoted pipe."""
    line = line.split(" #")[0]
    return " ".join(re.sub(r"[\"'\\\\]", "", line).split())


def rehearsed_commands(script: str) -> set[str]:
    """Every ``planflow …`` command of the rehearsal script, cut at a pipe (``| head -3``)."""
    return {_command(found) for found in re.findall(r"planflow [^|\n]*", script)}


def guide_commands(page: str) -> list[str]:
    """The ``planflow …`` lines of a page's ``sh`` blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", page, flags=re.S)
    return [_command(line) for block in blocks for line in block.splitlines() if line.startswith("planflow ")]


def test_guide_commands_are_rehearsed() -> None:
    """Each command the user guide shows is one the rehearsal script runs, so its pasted
    output can be taken again (and a command changed in one place is changed in the other)."""
    rehearsed = rehearsed_commands(REHEARSAL.read_text(encoding="utf-8"))
    shown = {(page.name, command) for page in sorted((REPO / "docs" / "huong-dan").glob("*.md"))
             for command in guide_commands(page.read_text(encoding="utf-8"))}  # fmt: skip
    assert len(shown) > 30  # the guide's commands were found at all
    missing = sorted(f"{name}: {command}" for name, command in shown if command not in rehearsed)
    assert not missing, "chưa có trong scripts/guide_rehearsal.sh:\n" + "\n".join(missing)


def test_rehearsal_match_ignores_quoting_only() -> None:
    """A command the guide shows but the script does not run is not rehearsed; the same
    command with the script's own quoting is."""
    script = 'run planflow progress p t --note "\'Số 1\'"\nrun "printf x | planflow user add a --name \\"Văn phòng\\""\n'
    page = '```sh\nplanflow progress p t --note "Số 1"   # ghi chú\nplanflow user add a --name "Văn phòng"\nplanflow sync\n```\n'
    rehearsed = rehearsed_commands(script)
    assert [c in rehearsed for c in guide_commands(page)] == [True, True, False]
