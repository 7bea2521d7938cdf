"""New plans read, validated, compiled and encoded for the store, on every core.

A plan costs about 10 ms of Python to read, validate and compile: a first sync of a whole
country's folder (about 10,000 plans) is minutes on one core. With many new plans,
worker processes (a ``ProcessPoolExecutor`` of the "spawn" context: new processes, not
forks, since the caller may hold threads and database connections) each take batches of
plan files, compile them and encode their rows for the store's driver
(``planflow.store.bulk.Encoder``); the caller gets them back in plan order and writes
them. At most a few batches per process are in flight, so memory stays bounded whatever
the number of plans. Errors raised in a process (a bad file, an unknown unit directory)
are raised again in the caller, with their file and line.

A spawned process imports the caller's main module again (as ``__mp_main__``): a script
that syncs must keep its work under ``if __name__ == "__main__":``, as the ``planflow``
command, pytest and Prefect's flow-run processes do.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

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
    root = str(defs.root)
    batches = [
        [(p, str(defs.plans.paths[p])) for p in plan_ids[i : i + BATCH_PLANS]]
        for i in range(0, len(plan_ids), BATCH_PLANS)
    ]
    count = min(workers, len(batches))
    pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))
    queued: deque[Future[list[PreparedPlan]]] = deque()
    waiting = iter(batches)
    try:
        # at most AHEAD batches per process submitted and not yet read: the rest wait here
        for batch in islice(waiting, AHEAD * count):
            queued.append(pool.submit(_prepare_batch, root, batch, driver, now))
        while queued:
            prepared = queued.popleft().result()  # the batch's error, raised again here
            for batch in islice(waiting, 1):
                queued.append(pool.submit(_prepare_batch, root, batch, driver, now))
            yield from prepared
    except BrokenProcessPool as exc:  # a process died: killed, out of memory
        raise PlanflowError(
            f"tiến trình chuẩn bị kế hoạch dừng giữa chừng ({exc}); chưa ghi gì, chạy lại lệnh đồng bộ"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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
    """In a pool process: a batch of plans prepared (directories and encoder kept). An
    error that would not survive the way back to the caller comes back as a
    ``PlanflowError`` with its message."""
    try:
        return _prepare_files(root, files, driver, now)
    except Exception as exc:
        if _picklable(exc):
            raise
        raise PlanflowError(str(exc)) from None


def _prepare_files(
    root: str, files: list[tuple[str, str]], driver: str, now: dt.datetime
) -> list[PreparedPlan]:
    if root not in _FOLDERS:
        _FOLDERS[root] = (_FolderDefinitions(Path(root)), Encoder(driver))
    defs, encoder = _FOLDERS[root]
    out = []
    for plan_id, path in files:
        defs.plans.paths[plan_id] = Path(path)
        out.append(prepare_plan(defs, plan_id, encoder, now))
        del defs.plans.paths[plan_id]
    return out


def _picklable(exc: Exception) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True
