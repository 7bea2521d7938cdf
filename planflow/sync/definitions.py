"""Sync definitions: compile plans and write them to the store. Each function takes an open
session; the caller commits."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session

from planflow.compiler import CompiledPlan, compile_plan
from planflow.errors import DefinitionError
from planflow.loader import Definitions
from planflow.schema import UnitDirectory
from planflow.store import repo
from planflow.store.bulk import NewRows
from planflow.store.db import lock_writers
from planflow.store.states import rebuild_states
from planflow.sync.prepare import compile_source, default_workers, prepare_plans
from planflow.sync.readiness import readiness
from planflow.units import UnitIndex

log = logging.getLogger(__name__)


def compile_definition(defs: Definitions, plan_id: str) -> CompiledPlan:
    plan = defs.plan(plan_id)
    return compile_plan(plan, UnitIndex(defs.directory_for(plan)))


def sync_definitions(
    defs: Definitions,
    plan_ids: Sequence[str] | None,
    *,
    session: Session,
    now: dt.datetime,
    workers: int | None = None,
) -> list[repo.SyncResult]:
    """Compile and store the given plans and their unit directories. With ``plan_ids``
    None, every plan of the folder, and stored plans no longer defined there are archived.

    A stored plan whose sources are unchanged (``Definitions.source_digest``: its file, its
    unit directory, the code) is skipped: its file is not even parsed. Plans not stored
    yet (all of them, on a first sync) are prepared by ``workers`` processes (default: one
    per core when there are many, ``planflow.sync.prepare``) and written many at once
    (``planflow.store.bulk``); a changed stored plan is updated row by row, keeping its
    progress."""
    if plan_ids is None:
        repo.archive_plans_except(set(defs.plans), session=session, now=now)
    ids = list(plan_ids or sorted(defs.plans))
    unchanged, changed, added = _classify(defs, ids, session=session)
    if changed or added:
        # Other commands may be storing the same plans right now (the first use of a plan by
        # several at once): wait for them, then look again at what is stored.
        lock_writers(session)
        unchanged, changed, added = _classify(defs, ids, session=session)
    stored_directories = repo.stored_directories(session=session)

    log.info("sync: %d plan(s) added, %d changed, %d unchanged", len(added), len(changed), len(unchanged))
    if changed:
        log.info("sync: changed plans: %s", ", ".join(changed))
    if defs.strict:
        _refuse_unready(defs, changed + added)
    new = NewRows(session)
    synced_directories: set[str] = set()

    def sync_directory(directory: UnitDirectory) -> None:
        if directory.id not in synced_directories:  # ten plans of a commune share one directory
            if directory.id in stored_directories:
                repo.sync_units(directory, session=session)
            else:
                new.add_directory(directory)
            synced_directories.add(directory.id)

    results: dict[str, repo.SyncResult] = {}
    for plan_id in changed:
        read = compile_source(defs, plan_id)
        sync_directory(read.directory)
        results[plan_id] = repo.sync_plan(
            read.compiled, session=session, now=now, digest=read.digest, notice_context=read.notice_context
        )
    count = default_workers(len(added)) if workers is None else workers
    for prepared in prepare_plans(defs, added, driver=new.encoder.driver, now=now, workers=count):
        sync_directory(defs.directories[prepared.directory_id])
        new.add(prepared.rows)
        results[prepared.plan_id] = repo.SyncResult(prepared.plan_id, prepared.occurrences, 0, 0, 0, 0)
    new.write()
    # their dates, ladders or calendar may have changed: the current state follows
    rebuild_states(changed + added, session=session)
    counts = repo.live_occurrence_counts(unchanged, session=session) if unchanged else {}
    for plan_id in unchanged:
        results[plan_id] = repo.SyncResult(plan_id, 0, 0, counts.get(plan_id, 0), 0, 0)
    return [results[p] for p in ids]


def _refuse_unready(defs: Definitions, plan_ids: list[str]) -> None:
    """A strict store takes no plan with review marks or unreachable people (new or changed
    ones: a plan already live passed this when it was synced)."""
    problems = [p for plan_id in plan_ids for p in readiness(defs, plan_id)]
    if problems:
        # INFO: the command or flow reports the DefinitionError itself
        log.info("sync refused: %d problem(s) in %s (strict store)", len(problems), ", ".join(plan_ids))
        raise DefinitionError(list(dict.fromkeys(problems)))


def _classify(
    defs: Definitions, ids: list[str], *, session: Session
) -> tuple[list[str], list[str], list[str]]:
    """The plans whose stored rows are current, those to update, those not stored yet."""
    stored = repo.stored_sources(session=session)
    unchanged: list[str] = []
    changed: list[str] = []
    added: list[str] = []
    for plan_id in ids:
        if plan_id not in defs.plans:
            defs.plan(plan_id)  # says which plans there are
        source = stored.get(plan_id)
        if source is None:
            added.append(plan_id)
        elif source.live and source.digest == defs.source_digest(plan_id, source.units_directory):
            unchanged.append(plan_id)
        else:
            changed.append(plan_id)
    return unchanged, changed, added
