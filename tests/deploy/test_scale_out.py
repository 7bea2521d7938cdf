"""Scale-out on a real cluster: ``prefect server start`` on PostgreSQL on a free loopback
port, the planflow pool, ``prefect deploy --all``, the automations, two workers, and the
store on PostgreSQL (docs/deploy.md, set-up 3). A generated multi-commune dataset is
checked by the ``check-plans`` deployment, whose chunks the two workers share.

Each test computes the notices due before the run from the store itself
(``planflow.notifications.notices.notices_due``) and asserts afterwards that exactly those were
recorded, each once, and queued and delivered.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    DeploymentFilter,
    DeploymentFilterName,
    FlowRunFilter,
    FlowRunFilterParentFlowRunId,
)

from bench.cluster import Cluster, create_database, drop_database
from planflow.flows.fanout import RESULT_KEY, read_result
from planflow.flows.results import ChunkResult
from planflow.notifications.notices import notices_due
from planflow.store.db import opened_store
from planflow.store.models import NoticeRow, OutboxRow
from tests.conftest import POSTGRES_URL, REPO, postgres_schema_url

pytestmark = [pytest.mark.postgres, pytest.mark.prefect, pytest.mark.scaleout]

SCHEMA = f"planflow_scaleout_{os.getpid()}"
PREFECT_DB = f"planflow_prefect_{os.getpid()}"


def _store_url() -> str:
    url = postgres_schema_url(SCHEMA)
    if url is None:
        if os.environ.get("PLANFLOW_REQUIRE_POSTGRES"):
            pytest.fail(
                f"PostgreSQL is required (PLANFLOW_REQUIRE_POSTGRES) but {POSTGRES_URL} is unreachable"
            )
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    return url


def _generate(root: Path, store_url: str) -> Path:
    data = root / "data"
    script = str(REPO / "scripts" / "generate_dataset.py")
    subprocess.run([sys.executable, script, "generate", "--communes", "6", "--plans-per-commune", "3",
                    "--tasks-per-plan", "10", "--seed", "7", "-o", str(data)], check=True, capture_output=True)  # fmt: skip
    subprocess.run([sys.executable, script, "load", str(data), "--database-url", store_url], check=True,
                   capture_output=True)  # fmt: skip
    return data


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("cluster")
    store_url = _store_url()
    data = _generate(root, store_url)
    prefect_db = create_database(POSTGRES_URL, PREFECT_DB)
    env = {"PLANFLOW_DATABASE_URL": store_url, "PLANFLOW_DEFINITIONS": str(data),
           "PLANFLOW_HOME": str(root / "home")}  # fmt: skip
    cluster = Cluster(home=root, database_url=prefect_db, env=env)
    try:
        # No scheduler: the crons are not under test here, and a resend-outbox run falling
        # due (every 15 minutes) would take a worker slot the tests count on.
        cluster.start_server(env={"PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false"})
        cluster.set_up()
        # Polls every 3 s rather than 1 s: a third of the server's CPU for them, and still
        # well within a chunk's run (a few seconds), so both workers take chunks (_check).
        cluster.start_worker("w1", poll_s=3)
        cluster.start_worker("w2", poll_s=3)
        yield cluster
    finally:
        cluster.stop()
        drop_database(POSTGRES_URL, PREFECT_DB)
        engine = sa.create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        engine.dispose()


def _expected(cluster: Cluster, as_of: str) -> set[tuple[str, str, str]]:
    with opened_store(cluster.env["PLANFLOW_DATABASE_URL"]) as factory, factory() as session:
        from planflow.store.models import PlanRow

        ids = list(session.scalars(sa.select(PlanRow.id).order_by(PlanRow.id)))
        plan = notices_due(None, ids, dt.date.fromisoformat(as_of), session=session)
    return {n.key for n in plan.notices}


def _recorded(cluster: Cluster, as_of_day: str) -> list[tuple[str, dt.date, str, str, str]]:
    with opened_store(cluster.env["PLANFLOW_DATABASE_URL"]) as factory, factory() as session:
        rows = session.execute(
            sa.select(
                NoticeRow.occurrence_key,
                NoticeRow.due,
                NoticeRow.step,
                NoticeRow.recipient,
                NoticeRow.role,
                NoticeRow.outbox_id,
            ).where(NoticeRow.state == "queued")  # steps a catch-up skipped have no message
        ).all()
        unsent = session.scalar(
            sa.select(sa.func.count()).select_from(OutboxRow).where(OutboxRow.status != "sent")
        )
    assert all(r.outbox_id is not None for r in rows), "every recorded notice is queued in a message"
    assert unsent == 0, "every queued message was delivered"
    return [(r.occurrence_key, r.due, r.step, r.recipient, r.role) for r in rows]


def _check(cluster: Cluster, as_of: str, **extra: Any) -> dict[str, Any]:
    """A check of the 18 plans in 3 chunks of the chunk deployment. The check takes one of
    the four worker slots (two workers, --limit 2), so the three chunks fill the other three:
    each worker runs at least one."""
    return {"params": {"as_of": as_of, "chunk_plans": 6, "fan_out": "deployments", **extra}}


@pytest.fixture
def client(cluster: Cluster) -> Iterator[Any]:
    """One Prefect client of the cluster for the whole test: a client and its settings cost
    ~90 ms of CPU to make, a call on an open one ~3 ms, and the tests poll for minutes."""
    with cluster.api() as client:
        yield client


def _chunk_runs(client: Any, parent: UUID) -> list[Any]:
    children = FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent]))
    return list(client.read_flow_runs(flow_run_filter=children))


def _results(client: Any, runs: list[Any]) -> list[ChunkResult]:
    artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
        key=ArtifactFilterKey(any_=[RESULT_KEY]), flow_run_id=ArtifactFilterFlowRunId(any_=[r.id for r in runs])))  # fmt: skip
    return [read_result(a.data, ChunkResult) for a in artifacts]


def test_check_is_split_between_two_workers(cluster: Cluster, client: Any) -> None:
    """Started as docs/deploy.md starts a run: its parameters one JSON value, ``params``,
    validated into the flow's model."""
    as_of = "2026-06-30"
    expected = _expected(cluster, as_of)
    assert len(expected) > 50, "the dataset has notices due on the as-of day"
    out = cluster.prefect("deployment", "run", "check_plans/check-plans", "--param",
                          f"params={json.dumps(_check(cluster, as_of)['params'])}")  # fmt: skip
    found = re.search(r"UUID: ([0-9a-f-]{36})", out)
    assert found, out
    run_id = UUID(found.group(1))
    final = _wait(client, run_id)
    assert final.is_completed(), (final, cluster.tail("w1"), cluster.tail("w2"))

    chunks = _chunk_runs(client, run_id)
    assert len(chunks) == 3 and all(c.state.is_completed() for c in chunks)
    results = _results(client, chunks)
    runners = {int(r.runner.rsplit(":", 1)[1]) for r in results}
    assert runners == {w.pid for w in cluster.workers}, "both workers ran chunks"
    assert sum(len(r.plans) for r in results) == 18
    assert {r.as_of for r in results} == {dt.date(2026, 6, 30)}, "the day stays a day through JSON"

    recorded = _recorded(cluster, as_of)
    assert len(recorded) == len(set(recorded)) == len(expected)
    assert set(recorded) == expected


def test_overlapping_runs_record_each_notice_once(cluster: Cluster, client: Any) -> None:
    """Two checks started together (the deployment's limit queues the second) and the same
    chunk run twice at once (nothing serialises those: the database decides). The checks run
    their chunks as tasks: the queueing is the deployment's, whatever the fan-out, and the
    chunks fanned out to the workers are the other tests' subject."""
    as_of = "2026-07-10"
    expected = _expected(cluster, as_of)
    before = set(_recorded(cluster, as_of))
    assert expected and not expected & before
    chunk = {"params": {"as_of": as_of, "plans": sorted({k[0].split("/", 1)[0] for k in expected})[:3]}}
    started = [
        cluster.run_deployment("check_plans_chunk/check-plans-chunk", chunk, timeout=0) for _ in range(2)
    ]
    checks = [
        cluster.run_deployment("check_plans/check-plans", _check(cluster, as_of, fan_out="tasks"), timeout=0)
        for _ in range(2)
    ]
    finals = [_wait(client, r.id) for r in started + checks]
    assert all(s.is_completed() for s in finals), finals

    first, second = (client.read_flow_run(r.id) for r in checks)
    assert first.end_time <= second.start_time or second.end_time <= first.start_time, "checks never overlap"
    recorded = _recorded(cluster, as_of)
    assert len(recorded) == len(set(recorded))
    assert set(recorded) - before == expected


def _wait(client: Any, run_id: UUID, timeout: float = 900) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.read_flow_run(run_id).state
        if state is not None and state.is_final():
            return state
        time.sleep(1)
    raise AssertionError(f"run {run_id} not final after {timeout} s")


def test_worker_killed_mid_run(cluster: Cluster, client: Any) -> None:
    """A worker dies (SIGKILL to it and its flow runs) while it runs a chunk: the chunk
    is marked Crashed and submitted again, the check completes on the other worker, and
    every notice is recorded once."""
    as_of = "2026-07-24"
    expected = _expected(cluster, as_of)
    before = set(_recorded(cluster, as_of))
    # The check marks Crashed (and submits again) a chunk Running for 30 s with no change: the
    # killed one, before the automation's 90 s without heartbeats. A live chunk changes state
    # within seconds (its start, then its plans).
    parent = cluster.run_deployment("check_plans/check-plans", _check(cluster, as_of, chunk_stall_s=30),
                                    timeout=0)  # fmt: skip
    victim = killed_run = None
    deadline = time.monotonic() + 300
    while victim is None and time.monotonic() < deadline:
        parent_worker = cluster.worker_of(client.read_flow_run(parent.id))
        for run in _chunk_runs(client, parent.id):
            worker = cluster.worker_of(run)
            if not run.state.is_final() and worker is not None and parent_worker not in (None, worker):
                victim, killed_run = worker, run  # taken by the other worker, not finished
                break
        time.sleep(0.5)
    assert victim is not None and killed_run is not None, (
        "a chunk went to the worker that does not run the check"
    )
    cluster.kill_worker(victim)

    final = _wait(client, parent.id, timeout=600)
    assert final.is_completed(), (final, cluster.tail("server"))
    killed = client.read_flow_run(killed_run.id).state
    assert killed.is_crashed(), killed
    retried = [
        r
        for r in _chunk_runs(client, parent.id)
        if r.name.startswith(killed_run.name) and r.id != killed_run.id
    ]
    assert retried and any(r.state.is_completed() for r in retried), "the killed chunk ran again"
    recorded = _recorded(cluster, as_of)
    assert len(recorded) == len(set(recorded))
    assert set(recorded) - before == expected
    names = {d.name for d in client.read_deployments(deployment_filter=DeploymentFilter(
        name=DeploymentFilterName(any_=["check-plans", "check-plans-chunk"])))}  # fmt: skip
    assert names == {"check-plans", "check-plans-chunk"}


def test_a_parameter_outside_params_is_refused(cluster: Cluster) -> None:
    """docs/deploy.md: ``--param as_of=…`` is refused before any run is created (the run
    with ``params``, the documented way, is test_check_is_split_between_two_workers's)."""
    with pytest.raises(RuntimeError, match="as_of"):
        cluster.prefect("deployment", "run", "check_plans/check-plans", "--param", "as_of=2026-06-30")
