"""Several ``planflow`` commands at once, each in its own process, forked from one process that
has imported the command line already: ``python -m tests.cli.forked`` reads a JSON list of
argument lists on stdin and prints a JSON list of ``[exit code, stderr]``, one per command.

The processes are real (their own engines, connections, locks and exit codes), but none pays
the second or two of CPU an installed ``planflow`` spends importing itself, and all of them
start the command at the same moment: they wait on one pipe that opens when the last is
forked. The installed entry point itself is proved by tests/cli/test_cli.py.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

from planflow.cli import COMMANDS, main


def _child(args: list[str], go: int, output: Path) -> int:
    """Wait for the start, then run ``planflow ARGS`` with stdout and stderr in ``output``."""
    os.read(go, 1)  # end of file when the parent and every child have closed the write end
    log = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.argv = ["planflow", *args]
    try:
        main()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0 if done.code is None else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def run_at_once(commands: list[list[str]]) -> list[tuple[int, str]]:
    """Exit code and output (stdout and stderr) of each command, all run concurrently."""
    for name in {args[0] for args in commands}:  # each command's module, imported once here
        importlib.import_module(COMMANDS[name].partition(":")[0])
    sys.stdout.flush()
    sys.stderr.flush()
    go, start = os.pipe()
    with tempfile.TemporaryDirectory(prefix="planflow-forked-") as folder:
        outputs = [Path(folder) / f"{i}.log" for i in range(len(commands))]
        children = []
        for args, output in zip(commands, outputs, strict=True):
            pid = os.fork()
            if pid == 0:
                os.close(start)
                os._exit(_child(args, go, output))
            children.append(pid)
        os.close(start)
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
        return [
            (code, output.read_text(encoding="utf-8")) for code, output in zip(codes, outputs, strict=True)
        ]


if __name__ == "__main__":
    json.dump(run_at_once(json.load(sys.stdin)), sys.stdout, ensure_ascii=False)
