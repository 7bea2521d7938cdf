"""The scheduled deployments of planflow: one list, used by ``planflow serve`` and written
to ``prefect.yaml`` (``python -m planflow.flows.deployments`` rewrites it; a test checks that the
committed file says the same).

Schedules are cron expressions in Asia/Ho_Chi_Minh. The daily flows run every day and let
the national working-day calendar decide (``working_days_only``): a compensatory working
Saturday is checked, a public holiday on a weekday is not. Every scheduled deployment has a
concurrency limit of 1 with the ENQUEUE strategy, so two runs of the same deployment never
overlap: a late run waits for the earlier one. ``check-plans-chunk`` has no schedule and no
limit: ``check_plans`` starts one run of it per chunk of plans, picked up by any worker.

Every flow takes one parameter, ``params``, a pydantic model (``planflow.flows.params``):
a deployment's parameters are ``{"params": {<fields of the model>}}``.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

import yaml
from pydantic import BaseModel

from planflow.flows.compat import ENGINE_COMMAND
from planflow.logs import EXTRA_LOGGERS

TIMEZONE = "Asia/Ho_Chi_Minh"
POOL = "planflow"
ROOT = Path(__file__).resolve().parent.parent
CODE_DIR = "{{ $PLANFLOW_CODE_DIR }}"


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    entrypoint: str
    description: str
    cron: str | None
    parameters: dict[str, Any] = field(default_factory=dict)
    limit: int | None = 1
    served: bool = True
    serve_parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def flow_name(self) -> str:
        return self.entrypoint.rsplit(":", 1)[1]

    @property
    def module(self) -> str:
        """The installed module of the entrypoint: ``flows/x.py`` is ``planflow.flows.x``."""
        return "planflow." + self.entrypoint.split(":", 1)[0].removesuffix(".py").replace("/", ".")

    def params_model(self) -> type[BaseModel]:
        """The pydantic model of the flow's one parameter, ``params`` (imports the flow)."""
        flow = getattr(importlib.import_module(self.module), self.flow_name)
        model = get_type_hints(flow.fn)["params"]
        assert isinstance(model, type) and issubclass(model, BaseModel), f"{self.name}: params is not a model"
        return model


DEPLOYMENTS = (
    DeploymentSpec(
        name="check-plans",
        entrypoint="flows/check_plans.py:check_plans",
        description="Kiểm tra hằng ngày lúc 07:00 (ngày làm việc): tình trạng, nhắc việc, quá hạn, gửi thư.",
        cron="0 7 * * *",
        parameters={"params": {"working_days_only": True, "definitions": None, "plans": []}},
        serve_parameters={"params": {"fan_out": "tasks"}},
    ),
    DeploymentSpec(
        name="check-plans-chunk",
        entrypoint="flows/check_plans.py:check_plans_chunk",
        description="Một phần việc của check-plans (một nhóm kế hoạch); do check-plans khởi chạy.",
        cron=None,
        limit=None,
        served=False,
    ),
    DeploymentSpec(
        name="assemble-reports",
        entrypoint="flows/assemble_reports.py:assemble_reports",
        description="Lập dự thảo các báo cáo đến kỳ lúc 06:30 (ngày làm việc) và gửi cho đơn vị tổng hợp.",
        cron="30 6 * * *",
        parameters={"params": {"working_days_only": True, "definitions": None, "plans": []}},
    ),
    DeploymentSpec(
        name="leadership-digest",
        entrypoint="flows/leadership_digest.py:leadership_digest",
        description="Thư tổng hợp hằng tuần gửi lãnh đạo ký kế hoạch, sáng thứ Hai lúc 07:30.",
        cron="30 7 * * 1",
        parameters={"params": {"definitions": None, "plans": []}},
    ),
    DeploymentSpec(
        name="resend-outbox",
        entrypoint="flows/resend_outbox.py:resend_outbox",
        description="Gửi lại thư chưa gửi được (máy chủ thư lỗi, trả lời 4xx), 15 phút một lần.",
        cron="*/15 * * * *",
        parameters={"params": {"definitions": None}},
    ),
)


def spec(name: str) -> DeploymentSpec:
    for d in DEPLOYMENTS:
        if d.name == name:
            return d
    known = ", ".join(d.name for d in DEPLOYMENTS)
    raise KeyError(f"không có lịch chạy '{name}'; các lịch: {known}")


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it, nested dicts merged key by key."""
    out = dict(base)
    for key, value in override.items():
        nested = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = merged(out[key], value) if nested else value
    return out


def prefect_yaml() -> str:
    """The text of prefect.yaml for these deployments."""
    deployments = []
    for d in DEPLOYMENTS:
        entry: dict[str, Any] = {
            "name": d.name,
            "description": d.description,
            "entrypoint": d.entrypoint,
            "tags": ["planflow"],
            "parameters": d.parameters,
            "work_pool": {
                "name": POOL,
                "work_queue_name": None,
                "job_variables": {"command": ENGINE_COMMAND, "env": dict(EXTRA_LOGGERS)},
            },
            "schedules": [{"cron": d.cron, "timezone": TIMEZONE, "active": True}] if d.cron else [],
        }
        if d.limit is not None:
            entry["concurrency_limit"] = {"limit": d.limit, "collision_strategy": "ENQUEUE"}
        deployments.append(entry)
    document = {
        "name": "planflow",
        "prefect-version": "3.8.8",
        "build": None,
        "push": None,
        "pull": [{"prefect.deployments.steps.set_working_directory": {"directory": CODE_DIR}}],
        "deployments": deployments,
    }
    header = (
        "# Generated by `python -m planflow.flows.deployments` from flows/deployments.py: edit that file.\n"
        '# Deploy (docs/deploy.md): export PLANFLOW_CODE_DIR="$PWD"\n'
        "#   prefect work-pool create planflow --type process; prefect deploy --all\n"
        "# PLANFLOW_CODE_DIR is where the workers find this checkout (the same path on every machine).\n"
        "# command: the worker starts the engine alone, the venv's python first on its PATH\n"
        "# (planflow.flows.compat.ENGINE_COMMAND).\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)


def main() -> None:
    target = ROOT / "prefect.yaml"
    target.write_text(prefect_yaml(), encoding="utf-8")
    print(f"đã ghi {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
