"""How the CLI writes to a terminal: NO_COLOR, table widths."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest

from tests.cli.runner import PLANFLOW, run_cli
from tests.factories import demo_plan, write_definitions, write_yaml

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
    defs_root: Path, tmp_path: Path, args: tuple[str, ...], code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With NO_COLOR set, even a terminal forced to colour gets no colour or style codes;
    without it, the same command does style its output (so the check can fail)."""
    env = {"PLANFLOW_DEFINITIONS": str(defs_root), "PLANFLOW_HOME": str(tmp_path / "h")}
    for name, value in env.items():  # the store the commands read, synced in-process
        monkeypatch.setenv(name, value)
    assert run_cli("sync")[0] == 0
    # FORCE_COLOR for the commands' processes only: set in this one, it would colour the
    # consoles the CLI modules create when the next in-process test imports them
    styled = _planflow(*args, **env, FORCE_COLOR="1")
    plain = _planflow(*args, **env, FORCE_COLOR="1", NO_COLOR="1")
    assert (styled.returncode, plain.returncode) == (code, code), plain.stderr
    assert ANSI in styled.stdout + styled.stderr
    assert ANSI not in plain.stdout + plain.stderr
    assert plain.stdout + plain.stderr


def _on_terminal(*args: str, **env: str) -> tuple[int, str]:
    """Exit code and output of ``planflow ARGS`` run on a pseudo-terminal (a pipe gets
    200-column lines whatever COLUMNS says: only a terminal is narrow)."""
    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    with subprocess.Popen([str(PLANFLOW), *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                          env={**environ, **env}) as process:  # fmt: skip
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = process.wait()
    os.close(leader)
    return code, b"".join(chunks).decode().replace("\r\n", "\n")


def test_narrow_tables_keep_plan_ids_whole(tmp_path: Path) -> None:
    """On an 80-column terminal the summary and sync tables wrap their headings rather than
    cut plan ids: loc-tan-2025 and loc-tan-2026 stay whole (they used to read 'loc-…')."""
    root = write_definitions(tmp_path / "defs", demo_plan(id="loc-tan-2025"))
    write_yaml(root / "plans" / "loc-tan-2026.yaml", demo_plan(id="loc-tan-2026"))
    env = {"PLANFLOW_DEFINITIONS": str(root), "PLANFLOW_HOME": str(tmp_path / "h"), "COLUMNS": "80",
           "NO_COLOR": "1"}  # fmt: skip
    for args in (("sync",), ("status", "--no-sync", "--as-of", "2026-04-02")):
        code, out = _on_terminal(*args, **env)
        assert code == 0, out
        assert "│ loc-tan-2025 │" in out and "│ loc-tan-2026 │" in out, out
        assert "…" not in out
        assert max(len(line) for line in out.splitlines()) <= 90, out
