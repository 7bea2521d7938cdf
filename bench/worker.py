"""One measurement in a fresh process: ``python -m bench.worker TASK ARGS…`` prints one JSON
line. A fresh process per run gives honest peak memory (``ru_maxrss``) and no warm caches
carried from one run to the next."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, text, update

from bench.delivery import measure_delivery
from bench.floor import floor_counts
from bench.floor import floor_due as floor_due_rows
from planflow.check.plans import DUE_STATUSES, check_plans
from planflow.flows.env import configure_local_prefect
from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import notices_due, queue_notices
from planflow.reports.docx_render import render_docx
from planflow.reports.duties import report_context, report_duties
from planflow.reports.render import render_markdown
from planflow.store import check as store_check
from planflow.store import repo
from planflow.store.db import open_store
from planflow.store.models import NoticeRow, OccurrenceStateRow, OutboxRow
from planflow.sync.definitions import sync_definitions
from scripts.generate_dataset import TIMEZONE, load_progress


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _timed(run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        # the sync's worker processes (planflow.sync.prepare), once they have exited
        "children_cpu_seconds": after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        **out,
    }


def sync(url: str, folder: str, workers: str = "auto") -> dict[str, Any]:
    """Definitions → store: load, validate, compile and upsert every plan, then commit.
    ``workers``: ``auto`` (the product's default: one process per core for a first sync of
    many plans) or a number (1: everything in this process). On a store already synced
    from the same folder, this is the daily re-sync: every plan unchanged."""
    factory = open_store(url)  # creating the schema is not part of the measure
    count = None if workers == "auto" else int(workers)

    def run() -> dict[str, Any]:
        defs = load_definitions(Path(folder))
        with factory() as session, session.begin():
            now = dt.datetime.now(dt.UTC)
            results = sync_definitions(defs, None, session=session, now=now, workers=count)
        return {
            "plans": len(results),
            "occurrences": sum(r.added + r.updated + r.unchanged for r in results),
            "parsed": sum(1 for r in results if r.added or r.updated or r.archived or r.restored),
        }

    out = _timed(run)
    factory.kw["bind"].dispose()
    return out


def load(url: str, folder: str) -> dict[str, Any]:
    """The progress history (setup, not measured as a figure)."""
    factory = open_store(url)
    with factory() as session, session.begin():
        events = load_progress(Path(folder) / "progress.csv", session=session)
    with factory() as session, session.begin():
        session.execute(text("ANALYZE"))
    factory.kw["bind"].dispose()
    return {"events": events}


def check(
    url: str, as_of: str, path: str = "state", plans: str = "all", attention: str = "count",
    listing: str = "due",
) -> dict[str, Any]:  # fmt: skip
    """Statuses and notice planning of every plan (or of the first ``plans`` in sorted order)
    for one as-of day, streamed plan by plan. ``path``: ``state`` (the product: statuses
    from the current state, reading what is due) or ``event_log`` (the check before it:
    the statement that folds every event, ``planflow.store.statuses``; same Python on top).
    ``attention``: ``count`` (the items needing attention counted from the summary) or
    ``list`` (every plan's list read too, as ``planflow check`` shows and a chunk publishes).
    ``listing``: ``due`` (the daily check, ``planflow.notifications.notices.notices_due``: the
    plans with something due, the others counted as ``quiet``) or ``every`` (every plan's
    counts, as the leadership digest reads them). ``totals``: the items overdue, blocked and
    due soon, the same whatever the listing."""
    factory = open_store(url)
    day = dt.date.fromisoformat(as_of)
    if path == "event_log":
        store_check.states_hold = lambda *args, **kwargs: False

    def run() -> dict[str, Any]:
        totals: dict[str, int] = {}
        notices = attention_items = planned = 0
        with factory() as session:
            # every plan: as the store's own list (``None``), read once by the check
            ids = None if plans == "all" else repo.plan_ids(session=session)[: int(plans)]
            listed = 0
            for plan in check_plans(session, ids, day, quiet=listing == "every"):
                listed += 1
                for status in DUE_STATUSES:
                    totals[status] = totals.get(status, 0) + plan.summary[status]
                notices += len(plan.notices)
                planned += len(plan.planned)
                counted = plan.summary["overdue"] + plan.summary["blocked"]
                if attention == "list" and len(plan.attention) != counted:
                    raise SystemExit(f"{plan.plan_id}: {len(plan.attention)} items listed, {counted} counted")
                attention_items += counted
        return {"totals": {k: v for k, v in totals.items() if v}, "notices": notices,
                "attention": attention_items, "planned": planned, "listed": listed}  # fmt: skip

    out = _timed(run)
    with factory() as session:  # after the measure: the plans it checked
        stored = repo.live_plan_count(session=session)
    out["quiet"] = (stored if plans == "all" else min(stored, int(plans))) - out["listed"]
    factory.kw["bind"].dispose()
    return out


def forget(url: str) -> dict[str, Any]:
    """Setup, not a measure: the store as no check has recorded anything (no notice, no
    message, every ``notice_on`` back at its ``next_notice``): the cold backlog."""
    factory = open_store(url)
    with factory() as session, session.begin():
        notices = session.execute(delete(NoticeRow)).rowcount
        session.execute(delete(OutboxRow))
        session.execute(
            update(OccurrenceStateRow)
            .where(OccurrenceStateRow.notice_on.is_distinct_from(OccurrenceStateRow.next_notice))
            .values(notice_on=OccurrenceStateRow.next_notice)
        )
    factory.kw["bind"].dispose()
    return {"notices": notices}


def record(url: str, as_of: str, home: str) -> dict[str, Any]:
    """Setup, not a measure: the daily check of ``as_of`` as the product runs it
    (``planflow.notifications.notices``: plan the notices, record them and queue their
    messages, in one transaction), so that the check of the next day is the steady state."""
    factory = open_store(url)
    config = load_mail_config(Path(home), None, "planflow <planflow@bench.example>")
    day = dt.date.fromisoformat(as_of)

    def run() -> dict[str, Any]:
        with factory() as session, session.begin():
            plan = notices_due(None, repo.plan_ids(session=session), day, session=session)
            now = dt.datetime.combine(day, dt.time(7), tzinfo=dt.UTC)
            queued = queue_notices(plan, session=session, now=now, config=config)
        return {"notices": len(plan.notices), "skipped": len(plan.skipped), "queued": len(queued)}

    out = _timed(run)
    if factory.kw["bind"].dialect.name == "postgresql":
        # What autovacuum does on a production server once a tenth of a table changed (the
        # bench's server runs without it): without it the next day's check planned with the
        # statistics of an empty notices table and scanned all 597,788 notices once per window
        # of 200 plans (1.8 s of its 1M steady check, measured). SQLite has no such daemon,
        # and its statistics stay those of ``load``, as before.
        with factory() as session, session.begin():
            session.execute(text("ANALYZE"))
    factory.kw["bind"].dispose()
    return out


def floor(url: str, as_of: str) -> dict[str, Any]:
    """The same statuses by one SQL query (bench.floor)."""
    factory = open_store(url)

    def run() -> dict[str, Any]:
        with factory() as session:
            counts = floor_counts(session, dt.date.fromisoformat(as_of), TIMEZONE)
        totals: dict[str, int] = {}
        for per_plan in counts.values():
            for status, n in per_plan.items():
                totals[status] = totals.get(status, 0) + n
        return {"totals": totals}

    out = _timed(run)
    factory.kw["bind"].dispose()
    return out


def floor_due(url: str, as_of: str) -> dict[str, Any]:
    """The new floor: the open occurrences whose window includes the day (bench.floor.DUE)."""
    factory = open_store(url)

    def run() -> dict[str, Any]:
        with factory() as session:
            return {"rows": floor_due_rows(session, dt.date.fromisoformat(as_of))}

    out = _timed(run)
    factory.kw["bind"].dispose()
    return out


def naive(url: str, folder: str, as_of: str) -> dict[str, Any]:
    """One Prefect task run per occurrence: the per-plan ``check_plan`` flow over every plan
    with a window wide enough to hold all occurrences, on a local Prefect server (its start
    is not counted)."""
    os.environ["PLANFLOW_DATABASE_URL"] = url
    os.environ["PLANFLOW_DEFINITIONS"] = folder
    configure_local_prefect(Path(os.environ["PLANFLOW_HOME"]) / "prefect")
    # Prefect reads its environment when first imported: only now, and only in this task.
    from planflow.flows.check_plan import CheckPlanParams, check_plan
    from planflow.flows.runtime import prefect_api

    factory = open_store(url)
    with factory() as session:
        plans = repo.plan_ids(session=session)
    factory.kw["bind"].dispose()
    with prefect_api() as runs:
        wall = time.perf_counter()
        task_runs = 0
        for plan_id in plans:
            params = CheckPlanParams(
                plan_id=plan_id,
                as_of=dt.date.fromisoformat(as_of),
                definitions=folder,
                sync=False,
                lookback_days=3660,
                ahead_days=3660,
            )
            state = check_plan(params, return_state=True)
            if state.state_details.flow_run_id is not None:
                runs.append(state.state_details.flow_run_id)
            task_runs += state.result().task_runs
        seconds = time.perf_counter() - wall
    return {"seconds": seconds, "task_runs": task_runs, "plans": len(plans)}


def reports(url: str, folder: str, as_of: str, sample: str) -> dict[str, Any]:
    """Report assembly: the content of each report being assembled on ``as_of`` (statuses
    at the data cut-off, inputs, targets, budget), then its Markdown and its DOCX (Decree 30
    layout, docxtpl). ``sample`` reports spread evenly over the province's plans."""
    defs = load_definitions(Path(folder))
    factory = open_store(url)
    day = dt.date.fromisoformat(as_of)
    context_s = markdown_s = docx_s = 0.0
    with factory() as session:
        duties = [d for d in report_duties(defs, sorted(defs.plans), day, session=session) if d.assembling]
        chosen = duties[:: max(1, len(duties) // int(sample))][: int(sample)]
        for duty in chosen:
            started = time.perf_counter()
            ctx = report_context(defs, duty, day, session=session)
            built = time.perf_counter()
            render_markdown(ctx)
            rendered = time.perf_counter()
            render_docx(ctx)
            context_s += built - started
            markdown_s += rendered - built
            docx_s += time.perf_counter() - rendered
    factory.kw["bind"].dispose()
    count = len(chosen)
    return {
        "reports": count,
        "assembling": len(duties),
        "context_s": context_s,
        "markdown_s": markdown_s,
        "docx_s": docx_s,
        "markdown_per_s": count / (context_s + markdown_s),
        "docx_per_s": count / (context_s + docx_s),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def deliver(url: str, port: str, mode: str, messages: str) -> dict[str, Any]:
    """Outbox → the local SMTP server: ``pool`` (planflow's mailer) or ``one`` (a
    connection per message)."""
    return asyncio.run(measure_delivery(url, int(port), mode, int(messages)))


def validate_hostile(corpus: str) -> dict[str, Any]:
    """Every hostile definition file of ``corpus`` (tests/fuzz) validated as ``planflow
    validate`` does it, one at a time, each timed (bench.inputs)."""
    # Imported only in this task, like Prefect above: the CLI (typer, rich) and the importer
    # (python-docx, lxml) would otherwise weigh in every other task's peak memory.
    from bench.inputs import validate_hostile as measure

    return measure(corpus)


def import_plan(tasks: str) -> dict[str, Any]:
    """A generated Word plan of ``tasks`` appendix tasks read, extracted and written as a
    draft (bench.inputs)."""
    from bench.inputs import import_plan as measure

    return measure(tasks)


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "sync": sync,
    "load": load,
    "check": check,
    "floor": floor,
    "floor_due": floor_due,
    "forget": forget,
    "record": record,
    "naive": naive,
    "deliver": deliver,
    "reports": reports,
    "validate_hostile": validate_hostile,
    "import_plan": import_plan,
}

if __name__ == "__main__":
    print(json.dumps(TASKS[sys.argv[1]](*sys.argv[2:])))
