"""The deployment list, prefect.yaml, automations.yaml and the chunking of a check: pure."""

from __future__ import annotations

import importlib

import pytest
import yaml
from prefect.events.schemas.automations import AutomationCore
from prefect.flows import Flow

from planflow.check.chunks import add_delivery, merge_outcomes, plan_chunks
from planflow.flows.deployments import DEPLOYMENTS, TIMEZONE, merged, prefect_yaml
from planflow.flows.params import AsOf
from tests.conftest import REPO


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


def test_outcomes_add_up() -> None:
    one = {"plans": [{"plan": "b"}], "notices": 2, "notices_by_step": {"+1w": 2}, "queued": 1, "overdue": 3,
           "delivery": {"sent": 1, "retried": 0, "failed": 0, "transport": "smtp"}}  # fmt: skip
    two = {"plans": [{"plan": "a"}], "notices": 1, "notices_by_step": {"+1w": 1, "-7w": 1}, "queued": 1,
           "overdue": 0, "delivery": None}  # fmt: skip
    merged_ = merge_outcomes([one, two], ["a", "b"])
    assert merged_["plans"] == [{"plan": "a"}, {"plan": "b"}]
    assert merged_["notices_by_step"] == {"+1w": 3, "-7w": 1}
    assert (merged_["notices"], merged_["queued"], merged_["overdue"]) == (3, 2, 3)
    assert add_delivery(merged_["delivery"], {"sent": 4, "retried": 1, "failed": 0, "transport": "smtp"}) == {
        "sent": 5,
        "retried": 1,
        "failed": 0,
        "transport": "smtp",
    }
