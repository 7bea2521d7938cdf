"""New plans read, validated, compiled and encoded for the store, on every core.

A plan costs about 10 ms of Python to read, validate and compile: a first sync of a whole
country's folder (about 10,000 plans) is minutes on one core. With many new plans,
worker processes (new ones, not forks: the caller may hold threads and database
connections) each take batches of plan files, compile them and encode their rows for the
store's driver (``planflow.store.bulk.Encoder``); the caller gets them back in plan order
and writes them. At most a few batches per process are in flight, so memory stays
bounded whatever the number of plans. Errors raised in a process (a bad file, an unknown
unit directory) are raised again in the caller, with their file and line.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from planflow.check.plans import notice_context
from planflow.compiler import CompiledPlan, compile_plan
from planflow.errors import PlanflowError
from planflow.loader import Definitions, load_directory_file
from planflow.schema import Plan, UnitDirectory
from planflow.store.bulk import Encoder
from planflow.units import UnitIndex

POOL_MIN_PLANS = 400
"""Fewer new plans than this are prepared in the caller's process: starting the pool's
processes (about a second: each imports planflow) would cost more than it saves."""
BATCH_PLANS = 20
"""Plans per task sent to a process: the round trip is paid once per batch."""
AHEAD = 2
"""Batches queued per worker process: one being prepared, one waiting, so a worker never
idles while the caller writes, and memory holds a few batches whatever the plan count."""
MAX_WORKERS = 8


@dataclass(frozen=True)
class PreparedPlan:
    plan_id: str
    directory_id: str
    occurrences: int
    rows: dict[str, list[tuple[Any, ...]]]


def default_workers(new_plans: int) -> int:
    """One process per core for a large first sync, none (the caller) otherwise."""
    if new_plans < POOL_MIN_PLANS:
        return 1
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


@dataclass(frozen=True)
class CompiledSource:
    """A plan read, validated and compiled, with what is stored beside its rows."""

    compiled: CompiledPlan
    directory: UnitDirectory
    digest: str
    notice_context: dict[str, Any]


def compile_source(defs: Definitions, plan_id: str) -> CompiledSource:
    """Read, validate and compile one plan (its file read now, not kept)."""
    loaded = defs.plans.read(plan_id)
    directory = defs.directory_for(loaded.plan)
    return CompiledSource(
        compile_plan(loaded.plan, UnitIndex(directory)),
        directory,
        defs.source_digest(plan_id, directory.id, loaded.source.text),
        notice_context(loaded.plan, directory),
    )


def prepare_plan(defs: Definitions, plan_id: str, encoder: Encoder, now: dt.datetime) -> PreparedPlan:
    """Read, validate and compile one plan, and encode its rows."""
    source = compile_source(defs, plan_id)
    rows = encoder.plan(
        source.compiled, definition_hash=source.digest, now=now, notice_context=source.notice_context
    )
    return PreparedPlan(plan_id, source.directory.id, len(source.compiled.occurrences), rows)


def prepare_plans(
    defs: Definitions, plan_ids: Sequence[str], *, driver: str, now: dt.datetime, workers: int
) -> Iterator[PreparedPlan]:
    """``plan_ids`` prepared, in their order: in this process with ``workers`` 1, else by
    that many worker processes."""
    if workers <= 1 or not plan_ids:
        encoder = Encoder(driver)
        for plan_id in plan_ids:
            yield prepare_plan(defs, plan_id, encoder, now)
        return
    batches = [
        [(p, str(defs.plans.paths[p])) for p in plan_ids[i : i + BATCH_PLANS]]
        for i in range(0, len(plan_ids), BATCH_PLANS)
    ]
    pool = [_Worker() for _ in range(min(workers, len(batches)))]
    try:
        # batch i goes to worker i % n, at most AHEAD batches queued per worker; results are
        # read in batch order, so each worker's own results come back first in, first out
        for i, batch in enumerate(batches[: AHEAD * len(pool)]):
            pool[i % len(pool)].send((str(defs.root), batch, driver, now))
        for i in range(len(batches)):
            worker = pool[i % len(pool)]
            prepared = worker.receive()
            if i + AHEAD * len(pool) < len(batches):
                worker.send((str(defs.root), batches[i + AHEAD * len(pool)], driver, now))
            yield from prepared
    finally:
        for worker in pool:
            worker.stop()


class _Worker:
    """A ``python -m planflow.sync.prepare`` process: pickled batches in on its standard input,
    pickled results (or the error a batch raised) out on its standard output. Its own
    process, not ``multiprocessing``: that would start the caller's main script again in
    each child, which a script without a ``__main__`` guard does not survive."""

    def __init__(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")])),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "planflow.sync.prepare"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )

    def send(self, task: tuple[Any, ...]) -> None:
        assert self.process.stdin is not None
        pickle.dump(task, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()

    def receive(self) -> list[PreparedPlan]:
        assert self.process.stdout is not None
        try:
            ok, value = pickle.load(self.process.stdout)
        except EOFError:
            raise PlanflowError(
                f"tiến trình chuẩn bị kế hoạch (pid {self.process.pid}) dừng giữa chừng "
                f"(mã {self.process.wait()}); chưa ghi gì, chạy lại lệnh đồng bộ"
            ) from None
        if not ok:
            raise value
        return cast(list[PreparedPlan], value)

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()  # end of input: the process exits
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding the planflow package


class _FolderDefinitions(Definitions):
    """A pool process's view of the definitions folder: a unit directory is read the first
    time a plan names it (a process sees the plans of a few communes, not all of them)."""

    def directory_for(self, plan: Plan) -> UnitDirectory:
        if plan.units not in self.directories:
            for suffix in (".yaml", ".yml"):
                path = self.root / "units" / f"{plan.units}{suffix}"
                if path.is_file():
                    directory, source = load_directory_file(path)
                    self.directories[directory.id], self.directory_sources[directory.id] = directory, source
                    break
        return super().directory_for(plan)


_FOLDERS: dict[str, tuple[_FolderDefinitions, Encoder]] = {}


def _prepare_batch(
    root: str, files: list[tuple[str, str]], driver: str, now: dt.datetime
) -> list[PreparedPlan]:
    """In a pool process: a batch of plans prepared (directories and encoder kept)."""
    if root not in _FOLDERS:
        _FOLDERS[root] = (_FolderDefinitions(Path(root)), Encoder(driver))
    defs, encoder = _FOLDERS[root]
    out = []
    for plan_id, path in files:
        defs.plans.paths[plan_id] = Path(path)
        out.append(prepare_plan(defs, plan_id, encoder, now))
        del defs.plans.paths[plan_id]
    return out


def _serve() -> None:
    """A worker process's loop: one batch in, its prepared plans or its error out."""
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            root, files, driver, now = pickle.load(source)
        except EOFError:
            return
        try:
            reply: tuple[bool, Any] = (True, _prepare_batch(root, files, driver, now))
        except Exception as exc:
            reply = (False, exc if _picklable(exc) else PlanflowError(str(exc)))
        pickle.dump(reply, sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


def _picklable(exc: Exception) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


if __name__ == "__main__":
    from planflow.sync.prepare import _serve as serve  # the module's own classes, not __main__'s

    serve()
