"""Run the CLI in-process (typer's runner) or as the installed ``planflow`` script."""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

from planflow.cli import app

PLANFLOW = Path(sys.executable).parent / "planflow"
_runner = CliRunner()


def run_cli(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``planflow ARGS``."""
    result = _runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
