""" "Did you mean" hints: a wrong key or value of a definition gets the one meant, added to
the loader's located message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planflow.errors import DefinitionError
from planflow.loader import load_directory_file, load_plan_file
from tests.cli.runner import run_cli
from tests.factories import DEMO_UNITS, demo_plan, write_definitions, write_yaml

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)


def _plan_problems(tmp_path: Path, plan: dict[str, Any]) -> list[str]:
    path = write_yaml(tmp_path / "plans" / "demo-2026.yaml", plan)
    with pytest.raises(DefinitionError) as info:
        load_plan_file(path)
    return [f"{p.line}:{p.column}: {p.message}" for p in info.value.problems]


def test_synonyms_of_task_keys(tmp_path: Path) -> None:
    """owner → lead, phoi_hop → support, deadline → when: the key meant, not merely a close one."""
    plan = demo_plan()
    task = plan["tasks"][0]
    task["owner"] = task.pop("lead")
    task["phoi_hop"] = ["Văn phòng"]
    task["deadline"] = task.pop("when")
    assert _plan_problems(tmp_path, plan) == [
        "16:3: tasks[0].lead: thiếu trường bắt buộc",
        "16:3: tasks[0].when: thiếu trường bắt buộc",
        "19:3: tasks[0].owner: 'owner' trường không được phép (viết sai tên?); có phải ý bạn là 'lead'?",
        "21:3: tasks[0].phoi_hop: 'phoi_hop' trường không được phép (viết sai tên?); "
        "có phải ý bạn là 'support'?",
        "22:13: tasks[0].deadline: 'deadline' trường không được phép (viết sai tên?); "
        "có phải ý bạn là 'when'?",
    ]


def test_misspelt_keys_get_the_closest_allowed_key_of_their_place(tmp_path: Path) -> None:
    """A misspelling is matched against the keys of the mapping it is in (a signer's
    'emial' → email; a plan's 'standing_unt' → standing_unit)."""
    plan = demo_plan()
    plan["signer"]["emial"] = "a@b.example"
    plan["standing_unt"] = plan.pop("standing_unit")
    problems = _plan_problems(tmp_path, plan)
    assert (
        "10:10: signer.emial: 'emial' trường không được phép (viết sai tên?); có phải ý bạn là 'email'?"
        in problems
    )
    assert problems[-1].endswith(
        "standing_unt: 'standing_unt' trường không được phép (viết sai tên?); có phải ý bạn là 'standing_unit'?"
    )


def test_a_key_far_from_every_allowed_key_gets_no_guess(tmp_path: Path) -> None:
    """No hint rather than a wrong one."""
    plan = demo_plan()
    plan["tasks"][0]["xyzzy"] = 1
    assert _plan_problems(tmp_path, plan) == [
        "21:10: tasks[0].xyzzy: 'xyzzy' trường không được phép (viết sai tên?)"
    ]


# Each: the value written under 'when:' and the end of its message.
WHEN_CASES = [
    ("monthly", "'monthly' không phải cách ghi thời gian của planflow; có phải ý bạn là {every: month}?"),
    (
        "quarterly",
        "'quarterly' không phải cách ghi thời gian của planflow; có phải ý bạn là {every: quarter}?",
    ),
    (
        "thuong xuyen",
        "'thuong xuyen' không phải cách ghi thời gian của planflow; có phải ý bạn là 'Thường xuyên'?",
    ),
    ({"every": "monthly"}, "giá trị 'monthly' không hợp lệ; có phải ý bạn là 'month'?"),
    ({"every": "annually"}, "giá trị 'annually' không hợp lệ; có phải ý bạn là 'year'?"),
]


@pytest.mark.parametrize(("when", "message"), WHEN_CASES)
def test_when_written_as_other_tools_write_it(tmp_path: Path, when: Any, message: str) -> None:
    """An English cadence gets the form planflow reads, as one problem."""
    plan = demo_plan()
    plan["tasks"][0]["when"] = when
    (problem,) = _plan_problems(tmp_path, plan)
    assert problem.endswith(message)


def test_enumeration_values(tmp_path: Path) -> None:
    """A misspelt value gets the one meant; a value near none lists the allowed ones."""
    plan = demo_plan(day_off="nxt", before="befor")
    assert _plan_problems(tmp_path, plan)[-2:] == [
        "70:10: day_off: giá trị 'nxt' không hợp lệ; có phải ý bạn là 'next'?",
        "71:9: before: giá trị 'befor' không hợp lệ; dùng một trong: that_day, day_before",
    ]


def test_unit_directory_keys_and_kinds(tmp_path: Path) -> None:
    """A unit's 'email' → emails, 'leader' → head, a kind misspelt → the kind meant."""
    units = {**DEMO_UNITS, "units": [dict(u) for u in DEMO_UNITS["units"]]}
    first = units["units"][0]
    first["email"] = first.pop("emails", ["x@demo.example"])
    first["leader"] = {"name": "Nguyễn Văn A"}
    first["kind"] = "departement"
    path = write_yaml(tmp_path / "units" / "demo.yaml", units)
    with pytest.raises(DefinitionError) as info:
        load_directory_file(path)
    messages = [p.message for p in info.value.problems]
    assert messages == [
        "units[0].kind: giá trị 'departement' không hợp lệ; có phải ý bạn là 'department'?",
        "units[0].email: 'email' trường không được phép (viết sai tên?); có phải ý bạn là 'emails'?",
        "units[0].leader: 'leader' trường không được phép (viết sai tên?); có phải ý bạn là 'head'?",
    ]


def test_validate_prints_the_hint_with_file_line_and_column(tmp_path: Path) -> None:
    """planflow validate shows the hint in its usual file:line:col line."""
    plan = demo_plan()
    plan["tasks"][0]["owner"] = plan["tasks"][0].pop("lead")
    root = write_definitions(tmp_path / "defs", plan)
    code, _, err = run_cli("validate", "-d", str(root))
    assert code == 1
    assert (
        f"{root}/plans/demo-2026.yaml:20:3: tasks[0].owner: 'owner' trường không được phép "
        "(viết sai tên?); có phải ý bạn là 'lead'?"
    ) in err


# Each: a when: mapping with a wrong key, and the end of its message.
WHEN_KEY_CASES = [
    ({"evry": "month"}, "; có phải ý bạn là 'every'?"),  # misspelt
    ({"deadline": "2026-05-01"}, "; có phải ý bạn là 'by'?"),  # another tool's word
    ({"xyz": 1}, "dùng một trong: date, from/to, by, month, quarter, every, ongoing, event"),  # no guess
]


@pytest.mark.parametrize(("when", "end"), WHEN_KEY_CASES)
def test_when_mapping_keys(tmp_path: Path, when: dict[str, Any], end: str) -> None:
    """A when: mapping of no known form names the key meant."""
    plan = demo_plan()
    plan["tasks"][0]["when"] = when
    (problem,) = _plan_problems(tmp_path, plan)
    assert problem.endswith(end)


def test_escalation_audience(tmp_path: Path) -> None:
    """An escalation step's 'owner' recipient gets 'lead'."""
    plan = demo_plan(escalation={"steps": [{"offset": 1, "to": ["owner"]}]})
    (problem,) = _plan_problems(tmp_path, plan)
    assert problem.endswith(
        "escalation.steps[0].to[0]: người nhận 'owner' không hợp lệ: dùng lead, support, standing, head, "
        "signer hoặc unit:<id>; có phải ý bạn là 'lead'?"
    )
