"""Compiling plans into occurrences and their dependency graph."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from planflow.compiler import CompiledPlan, compile_plan
from planflow.errors import CompileError, DefinitionError
from planflow.loader import load_definitions
from planflow.units import UnitIndex
from tests.factories import demo_plan, write_definitions

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

D = dt.date


def _compile(tmp_path: Path, plan: dict[str, Any] | None = None) -> CompiledPlan:
    defs = load_definitions(write_definitions(tmp_path / "defs", plan))
    loaded = next(iter(defs.plans.values())).plan
    return compile_plan(loaded, UnitIndex(defs.directory_for(loaded)))


def test_demo_plan_due_dates(tmp_path: Path) -> None:
    """Hand-checked due dates: quarter ends, Tết, report periods and inputs."""
    due = {o.key: o.due for o in _compile(tmp_path).occurrences}
    assert due["demo-2026/ke-hoach"] == D(2026, 3, 31)
    # "trước ngày 17/02/2026": by the day before (the default), 16/02 falls in Tết 2026 →
    # back to the last working day before it, Friday 13/02 (never after the day itself)
    assert due["demo-2026/tet"] == D(2026, 2, 13)
    # Q2 ends Tuesday 30/06/2026, a working day
    assert due["demo-2026/so-hoa"] == D(2026, 6, 30)
    # reports by the 10th of the month after: Q1, H1 (supersedes Q2), Q3, year (supersedes Q4, H2)
    assert due["demo-2026/bao-cao-quy/2026-Q1"] == D(2026, 4, 10)
    assert due["demo-2026/bao-cao-quy/2026-H1"] == D(2026, 7, 10)
    assert due["demo-2026/bao-cao-quy/2026-Q3"] == D(2026, 10, 12)  # 10/10 is a Saturday
    assert due["demo-2026/bao-cao-quy/2026"] == D(2027, 1, 11)  # 10/01/2027 is a Sunday
    assert "demo-2026/bao-cao-quy/2026-Q2" not in due
    # unit inputs in the last week of the quarter's last month: due on its last day
    assert due["demo-2026/bao-cao-quy/2026-Q1/kt"] == D(2026, 3, 31)
    assert due["demo-2026/bao-cao-quy/2026/hcc"] == D(2026, 12, 31)
    # monthly news items: one occurrence per month
    assert due["demo-2026/tin-bai/2026-01"] == D(2026, 2, 2)  # 31/01/2026 is a Saturday
    assert len([k for k in due if k.startswith("demo-2026/tin-bai/")]) == 12
    assert due["demo-2026/thuong-xuyen"] is None
    assert due["demo-2026/su-kien"] is None


def test_dependencies_and_owners(tmp_path: Path) -> None:
    """depends_on and report inputs become edges; unit names resolve to ids."""
    occ = _compile(tmp_path).by_key
    assert occ["demo-2026/so-hoa"].depends_on == ("demo-2026/ke-hoach",)
    assert occ["demo-2026/so-hoa"].lead == ("hcc",)  # the "phụ vụ" typo, listed as an alias
    assert occ["demo-2026/bao-cao-quy/2026-Q1"].depends_on == (
        "demo-2026/bao-cao-quy/2026-Q1/kt",
        "demo-2026/bao-cao-quy/2026-Q1/hcc",
    )


def test_occurrences_are_in_dependency_order(tmp_path: Path) -> None:
    """Every occurrence comes after the ones it depends on."""
    seen: set[str] = set()
    for o in _compile(tmp_path).occurrences:
        assert set(o.depends_on) <= seen
        seen.add(o.key)


def _tasks_with(**task: Any) -> dict[str, Any]:
    plan = demo_plan(reports=[])
    plan["tasks"] = [*plan["tasks"][:2], {"title": "X", "lead": ["vhxh"], **task}]
    return plan


@pytest.mark.parametrize(
    ("task", "message"),
    [
        # a cycle through two tasks
        (
            {"id": "x", "when": "Quý I/2026", "depends_on": ["x"]},
            "tasks[2].depends_on: phụ thuộc vòng tròn: x → x; bỏ một phụ thuộc",
        ),
        # unknown dependency id
        (
            {"id": "x", "when": "Quý I/2026", "depends_on": ["khong-co"]},
            "tasks[2].depends_on[0]: không có nhiệm vụ id 'khong-co' trong kế hoạch "
            "(các id: ke-hoach, tet, x)",
        ),
        # due date outside the plan period
        (
            {"id": "x", "when": "ngày 05/01/2027"},
            "tasks[2].when: ngày 05/01/2027 nằm ngoài kỳ kế hoạch (01/01/2026 - 31/12/2026); "
            "sửa ngày hoặc kỳ kế hoạch",
        ),
    ],
)
def test_compile_errors(tmp_path: Path, task: dict[str, Any], message: str) -> None:
    """Cycles, unknown ids and out-of-period dates are clear compile errors."""
    with pytest.raises(CompileError) as info:
        _compile(tmp_path, _tasks_with(**task))
    assert message in str(info.value)


def test_unknown_unit_suggests_close_name(tmp_path: Path) -> None:
    """An unknown unit is named, with the closest known unit and where to add it."""
    plan = _tasks_with(id="x", when="Quý I/2026")
    plan["tasks"][2]["lead"] = ["Phòng Kinh tế hạ tầng"]
    with pytest.raises(CompileError) as info:
        _compile(tmp_path, plan)
    assert ("tasks[2].lead[0]: đơn vị 'Phòng Kinh tế hạ tầng' không có trong danh mục 'demo'.") in str(
        info.value
    )
    assert "definitions/units/demo.yaml" in str(info.value)


def test_quarter_six_is_rejected_at_load(tmp_path: Path) -> None:
    """'Quý VI/2026' (seed 003) is refused with its file position."""
    plan = _tasks_with(id="x", when="Quý VI/2026")
    with pytest.raises(DefinitionError) as info:
        _compile(tmp_path, plan)
    (problem,) = info.value.problems
    assert problem.message == (
        "tasks[2].when: 'Quý VI/2026': quý VI không tồn tại, một năm chỉ có quý I, II, III, IV"
    )
    assert problem.path.endswith("demo-2026.yaml")
    assert problem.line > 1
