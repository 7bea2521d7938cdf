"""How the CLI writes to a terminal: NO_COLOR, table widths."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.runner import PLANFLOW

ANSI = "\x1b["


def _planflow(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    return subprocess.run([str(PLANFLOW), *args], capture_output=True, text=True, env={**environ, **env},
                          check=False)  # fmt: skip


# (arguments, exit code): a table on stdout, an error on stderr, Typer's help and usage error
CASES = [
    (("status", "--as-of", "2026-04-02", "--no-sync"), 0),
    (("status", "--as-of", "20xx"), 1),
    (("--help",), 0),
    (("status", "--bogus"), 2),
]


@pytest.mark.parametrize(("args", "code"), CASES)
def test_no_color_prints_no_style_codes(
    defs_root: Path, tmp_path: Path, args: tuple[str, ...], code: int
) -> None:
    """With NO_COLOR set, even a terminal forced to colour gets no colour or style codes;
    without it, the same command does style its output (so the check can fail)."""
    env = {"PLANFLOW_DEFINITIONS": str(defs_root), "PLANFLOW_HOME": str(tmp_path / "h"), "FORCE_COLOR": "1"}
    _planflow("sync", **env)
    styled = _planflow(*args, **env)
    plain = _planflow(*args, **env, NO_COLOR="1")
    assert (styled.returncode, plain.returncode) == (code, code), plain.stderr
    assert ANSI in styled.stdout + styled.stderr
    assert ANSI not in plain.stdout + plain.stderr
    assert plain.stdout + plain.stderr
