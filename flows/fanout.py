"""Fan a flow's work out as runs of a deployment, so every worker of the pool shares it.

The parent creates one flow run per chunk (``run_deployment``, linked as a subflow, its
parameters ``{"params": <model>}``) and waits for them. Each chunk publishes its result,
a pydantic model, as an artifact of type ``json`` (``RESULT_KEY``) whose data is the
model's JSON, which the parent reads back through the Prefect API and validates into
the same model: nothing needs a shared result storage, and nothing written for people
is parsed. A chunk that ends Failed, Crashed or Cancelled is submitted again,
up to ``attempts`` times. A worker that dies mid-run leaves its run Running: the
"Crash zombie flow runs" automation (``automations.yaml``) marks it Crashed once its
heartbeats stop, and it is then submitted again. A chunk is one database transaction, so
a chunk that died wrote nothing, and a chunk that ran twice records each notice once.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from uuid import UUID

from prefect.artifacts import Artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    ArtifactFilterType,
    FlowRunFilter,
    FlowRunFilterId,
)
from prefect.client.schemas.objects import FlowRun, State, StateType
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.runtime import deployment as current_deployment
from prefect.runtime import flow_run as current_flow_run
from prefect.states import Crashed
from pydantic import BaseModel, ValidationError

from planflow.errors import FanOutError

RESULT_KEY = "chunk-result"
RESULT_TYPE = "json"

Result = TypeVar("Result", bound=BaseModel)


def publish_result(result: BaseModel, title: str) -> None:
    """The chunk's result for the parent: an artifact whose data is the model's JSON."""
    data = result.model_dump(mode="json")
    Artifact(type=RESULT_TYPE, key=RESULT_KEY, description=title, data=data).create()


def read_result(data: object, model: type[Result]) -> Result:
    """A published result validated into ``model``; ``FanOutError`` if it is not one."""
    try:
        return model.model_validate_json(data) if isinstance(data, str) else model.model_validate(data)
    except ValidationError as exc:
        shape = model.__name__
        raise FanOutError(f"kết quả phần việc ({RESULT_KEY}) không đúng dạng {shape}: {exc}") from exc


def deployment_available(name: str) -> bool:
    """True when this flow runs from a deployment and ``name`` is a deployment too."""
    if current_deployment.id is None:
        return False
    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(name)
        except ObjectNotFound:
            return False
    return True


@dataclass
class _Chunk:
    index: int
    parameters: dict[str, Any]
    attempt: int = 0
    run_id: UUID | None = None
    last_state: str = ""


def _stalled(state: State[Any] | None, stall_s: float) -> bool:
    """Pending or Running with no change for ``stall_s`` seconds. A run still Scheduled is
    waiting for a free worker, which is not a reason to run it twice."""
    if state is None or state.type not in (StateType.PENDING, StateType.RUNNING):
        return False
    return (dt.datetime.now(dt.UTC) - state.timestamp).total_seconds() > stall_s


def _submit(deployment: str, chunk: _Chunk, total: int, name: str, parent: str) -> None:
    chunk.attempt += 1
    retry = f"-try-{chunk.attempt}" if chunk.attempt > 1 else ""
    run = cast(
        FlowRun,
        run_deployment(
            deployment,
            parameters=chunk.parameters,
            timeout=0,
            as_subflow=True,
            flow_run_name=f"{name}-{chunk.index + 1}-of-{total}{retry}",
            idempotency_key=f"{parent}/{chunk.index}/{chunk.attempt}",
        ),
    )
    chunk.run_id = run.id


def run_chunks(
    deployment: str,
    parameters: Sequence[BaseModel],
    result: type[Result],
    *,
    name: str,
    attempts: int = 3,
    timeout_s: float = 6 * 3600,
    stall_s: float = 1800,
    poll_s: float = 2.0,
) -> list[Result]:
    """Run ``deployment`` once per parameter model (its ``params``) and return each run's
    published result as a ``result`` model, in order. Raises ``FanOutError`` naming the
    chunks that never completed.

    A run Pending or Running for ``stall_s`` seconds without a state change is taken for
    dead (its worker died before its first heartbeat, or no automation watches heartbeats):
    it is set Crashed and its chunk submitted again."""
    parent = current_flow_run.id or "local"
    chunks = [_Chunk(i, {"params": p.model_dump(mode="json")}) for i, p in enumerate(parameters)]
    for chunk in chunks:
        _submit(deployment, chunk, len(chunks), name, parent)
    waiting = {c.run_id: c for c in chunks if c.run_id is not None}
    done: dict[int, UUID] = {}
    failed: list[_Chunk] = []
    deadline = time.monotonic() + timeout_s
    stalled = f"không xong sau {stall_s:.0f} s: coi như worker đã dừng"
    with get_client(sync_client=True) as client:
        while waiting and time.monotonic() < deadline:
            pending = FlowRunFilter(id=FlowRunFilterId(any_=list(waiting)))
            runs = client.read_flow_runs(flow_run_filter=pending)
            for run in runs:
                state = run.state
                chunk = waiting[run.id]
                if _stalled(state, stall_s):
                    crashed: State[Any] = Crashed(message=stalled)
                    state = client.set_flow_run_state(run.id, crashed, force=True).state or crashed
                if state is None or not state.is_final():
                    continue
                waiting.pop(run.id)
                chunk.last_state = state.name or state.type.value
                if state.is_completed():
                    done[chunk.index] = run.id
                elif chunk.attempt < attempts:
                    _submit(deployment, chunk, len(chunks), name, parent)
                    waiting[chunk.run_id] = chunk  # type: ignore[index]
                else:
                    failed.append(chunk)
            if waiting:
                time.sleep(poll_s)
        if waiting or failed:
            late = [f"{c.index + 1} (chưa xong sau {timeout_s:.0f} s)" for c in waiting.values()]
            lost = [f"{c.index + 1} ({c.last_state}, {c.attempt} lần)" for c in failed]
            raise FanOutError(f"{len(late) + len(lost)}/{len(chunks)} phần việc không hoàn thành: "
                              + "; ".join(lost + late))  # fmt: skip
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[RESULT_KEY]),
                type=ArtifactFilterType(any_=[RESULT_TYPE]),
                flow_run_id=ArtifactFilterFlowRunId(any_=list(done.values())),
            )
        )
    by_run = {a.flow_run_id: read_result(a.data, result) for a in artifacts}
    missing = [i + 1 for i, run_id in done.items() if run_id not in by_run]
    if missing:
        raise FanOutError(f"phần việc {missing} hoàn thành nhưng không công bố kết quả ({RESULT_KEY})")
    return [by_run[done[i]] for i in range(len(chunks))]
