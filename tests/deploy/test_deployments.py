"""The deployment list, prefect.yaml, automations.yaml and the chunking of a check: pure."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest
import yaml
from prefect.events.schemas.automations import AutomationCore
from prefect.flows import Flow

from planflow.check.chunks import plan_chunks
from planflow.flows.compat import ENGINE_COMMAND
from planflow.flows.deployments import DEPLOYMENTS, TIMEZONE, DeploymentSpec, merged, prefect_yaml
from planflow.flows.params import AsOf, CheckChunkParams
from planflow.flows.results import CheckPlansResult, ChunkResult, Delivery, add_delivery
from tests.conftest import REPO

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)


def test_prefect_yaml_is_generated_from_the_list() -> None:
    assert (REPO / "prefect.yaml").read_text(encoding="utf-8") == prefect_yaml(), (
        "prefect.yaml is stale: run `python -m planflow.flows.deployments`"
    )
    document = yaml.safe_load(prefect_yaml())
    by_name = {d["name"]: d for d in document["deployments"]}
    assert by_name["check-plans"]["schedules"] == [
        {"cron": "0 7 * * *", "timezone": TIMEZONE, "active": True}
    ]
    assert by_name["assemble-reports"]["schedules"][0]["cron"] == "30 6 * * *"
    assert by_name["leadership-digest"]["schedules"][0]["cron"] == "30 7 * * 1"
    assert by_name["check-plans"]["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
    assert "concurrency_limit" not in by_name["check-plans-chunk"]
    assert by_name["check-plans"]["parameters"]["params"]["working_days_only"] is True
    assert all(d["work_pool"]["name"] == "planflow" for d in document["deployments"])
    # every run is started as the engine alone (no supervisor process before it)
    assert all(d["work_pool"]["job_variables"]["command"] == ENGINE_COMMAND for d in document["deployments"])


@pytest.mark.parametrize("spec", DEPLOYMENTS, ids=lambda d: d.name)
def test_every_entrypoint_is_a_flow(spec: object) -> None:
    flow = getattr(importlib.import_module(spec.module), spec.flow_name)  # type: ignore[attr-defined]
    assert isinstance(flow, Flow)
    assert (REPO / spec.entrypoint.split(":")[0]).is_file()  # type: ignore[attr-defined]


def test_automations_file_is_valid() -> None:
    automations = yaml.safe_load((REPO / "automations.yaml").read_text(encoding="utf-8"))["automations"]
    zombie = AutomationCore.model_validate(automations[0])
    assert zombie.trigger.posture.value == "Proactive"  # type: ignore[union-attr]
    assert zombie.actions[0].type == "change-flow-run-state"


def test_merged_overrides_nested_keys() -> None:
    base = {"params": {"working_days_only": True, "plans": []}, "x": 1}
    assert merged(base, {"params": {"fan_out": "tasks"}}) == {
        "params": {"working_days_only": True, "plans": [], "fan_out": "tasks"},
        "x": 1,
    }


def test_an_as_of_day_stays_a_day() -> None:
    from pydantic import TypeAdapter

    adapter: TypeAdapter[object] = TypeAdapter(AsOf)
    assert str(adapter.validate_python("2026-06-30")) == "2026-06-30"
    assert str(adapter.validate_python("2026-06-30T09:00")) == "2026-06-30 09:00:00"


def test_chunks_keep_directories_whole_and_bounded() -> None:
    directory_of = {f"{d}-{i}": d for d in ("a", "b", "c") for i in range(3)} | {"big-1": "z", "big-2": "z",
                                                                                 "big-3": "z", "big-4": "z",
                                                                                 "big-5": "z"}  # fmt: skip
    chunks = plan_chunks(directory_of, 4)
    assert chunks == [["a-0", "a-1", "a-2"], ["b-0", "b-1", "b-2"], ["c-0", "c-1", "c-2"],
                      ["big-1", "big-2", "big-3", "big-4"], ["big-5"]]  # fmt: skip
    assert plan_chunks(directory_of, 6)[0] == ["a-0", "a-1", "a-2", "b-0", "b-1", "b-2"]
    assert sorted(p for c in plan_chunks(directory_of, 1) for p in c) == sorted(directory_of)
    with pytest.raises(ValueError):
        plan_chunks(directory_of, 0)


def _chunk(
    plan: str, notices: int, by_step: dict[str, int], overdue: int, delivery: Delivery | None
) -> ChunkResult:
    summary = {"overdue": overdue}
    return ChunkResult(as_of=dt.date(2026, 6, 30), plans=[{"plan": plan, "title": plan, "summary": summary}],  # type: ignore[list-item]
                       notices=notices, notices_by_step=by_step, queued=1, overdue=overdue, delivery=delivery,
                       runner=f"host:{plan}")  # fmt: skip


def test_outcomes_add_up() -> None:
    one = _chunk("b", 2, {"+1w": 2}, 3, Delivery(sent=1, transport="smtp"))
    two = _chunk("a", 1, {"+1w": 1, "-7w": 1}, 0, None)
    merged_ = CheckPlansResult.merge([one, two], ["a", "b"], as_of=dt.date(2026, 7, 1), dry_run=False)
    assert [p.plan for p in merged_.plans] == ["a", "b"]
    assert merged_.as_of == dt.date(2026, 6, 30)  # the chunks' day, not the fallback
    assert merged_.notices_by_step == {"+1w": 3, "-7w": 1}
    assert (merged_.notices, merged_.queued, merged_.overdue, merged_.chunks) == (3, 2, 3, 2)
    assert merged_.runners == {"host:b": 1, "host:a": 1}
    total = add_delivery(merged_.delivery, Delivery(sent=4, retried=1, transport="smtp"))
    assert total == Delivery(sent=5, retried=1, failed=0, transport="smtp")
    assert add_delivery(None, None) is None
    empty = CheckPlansResult.merge([], [], as_of=dt.date(2026, 7, 1), dry_run=True)
    assert (empty.as_of, empty.plans, empty.chunks) == (dt.date(2026, 7, 1), [], 0)


def test_a_chunk_result_round_trips_through_json() -> None:
    """What a chunk publishes (``model_dump(mode="json")``) is what its parent reads back."""
    from planflow.flows.fanout import FanOutError, read_result

    chunk = _chunk("a", 1, {"+1w": 1}, 2, Delivery(sent=1, cause="450 busy", transport="smtp"))
    published = json.dumps(chunk.model_dump(mode="json"))
    assert read_result(published, ChunkResult) == chunk
    assert read_result(json.loads(published), ChunkResult) == chunk
    with pytest.raises(FanOutError, match="ChunkResult"):
        read_result('{"as_of": "2026-06-30"}', ChunkResult)


@pytest.mark.parametrize("spec", DEPLOYMENTS, ids=lambda d: d.name)
def test_deployment_parameters_are_the_flow_model(spec: DeploymentSpec) -> None:
    """Each deployment's parameters (and those ``planflow serve`` lays over them) validate
    into its flow's ``params`` model; an unknown field is refused, not ignored."""
    from pydantic import ValidationError

    model = spec.params_model()
    required = {"check-plans-chunk": {"as_of": "2026-06-30", "plans": ["a"]}}.get(spec.name, {})
    for parameters in (spec.parameters, merged(spec.parameters, spec.serve_parameters)):
        assert set(parameters) <= {"params"}
        model.model_validate({**parameters.get("params", {}), **required})
    with pytest.raises(ValidationError, match="as_o"):
        model.model_validate({**required, "as_o": "2026-06-30"})


def test_chunk_parameters_survive_json() -> None:
    """A chunk's parameters as ``run_deployment`` sends them: a day stays a day."""
    chunk = CheckChunkParams(as_of=dt.date(2026, 6, 30), plans=["a", "b"], dry_run=True)
    assert CheckChunkParams.model_validate_json(json.dumps(chunk.model_dump(mode="json"))) == chunk
