"""`planflow validate --strict` and a strict store: an unreviewed draft cannot go live."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.cli.runner import run_cli
from tests.conftest import REPO
from tests.factories import DEMO_UNITS, demo_plan, write_definitions
from tests.importer.documents import SEEDS


def _reachable_units() -> dict[str, Any]:
    """The demo directory with an e-mail for every unit."""
    units = copy.deepcopy(DEMO_UNITS)
    for unit in units["units"]:
        unit.setdefault("emails", [f"{unit['id']}@demo.example"])
    return units


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_a_reviewed_plan_passes(tmp_path: Path) -> None:
    """With no review mark and everyone reachable by e-mail, --strict passes like plain validate."""
    root = write_definitions(tmp_path / "defs", demo_plan(), _reachable_units())
    code, out, err = run_cli("validate", "--strict", "-d", str(root))
    assert (code, err) == (0, "")
    assert out.strip() == "Hợp lệ: 2 file định nghĩa (kiểm tra nghiêm ngặt)."


def test_missing_addresses_are_listed_with_positions(tmp_path: Path) -> None:
    """A signer, a unit and an outside recipient without e-mail: each with file:line and what to do."""
    plan = demo_plan()
    del plan["signer"]["email"]
    plan["reports"][0]["recipients"] = [{"name": "Sở Khoa học và Công nghệ"}]
    units = _reachable_units()
    del units["units"][3]["emails"]  # hcc, lead of 'tet' and 'so-hoa'
    root = write_definitions(tmp_path / "defs", plan, units)
    plan_file, units_file = root / "plans" / "demo-2026.yaml", root / "units" / "demo.yaml"
    assert run_cli("validate", "-d", str(root))[0] == 0
    code, out, err = run_cli("validate", "--strict", "-d", str(root))
    assert code == 1
    assert "Traceback" not in out + err
    assert err.splitlines() == [
        f"{plan_file}:{_line_of(plan_file, 'signer:') + 1}:3: signer: người ký Nguyễn Văn A chưa có e-mail: "
        "thêm 'email:' dưới 'signer:' để nhận báo cáo và leo thang",
        f"{plan_file}:{_line_of(plan_file, '- name: Sở Khoa học')}:5: reports[0].recipients[0]: nơi nhận "
        "'Sở Khoa học và Công nghệ' chưa có e-mail: thêm 'emails:' hoặc dùng 'unit:' của danh mục",
        f"{units_file}:{_line_of(units_file, '- id: hcc')}:3: units[3]: đơn vị 'hcc' (Trung tâm Phục vụ hành "
        f"chính công) chưa có e-mail mà kế hoạch 'demo-2026' cần đến ({plan_file}:"
        f"{_line_of(plan_file, '- hcc')}): thêm 'emails:' cho đơn vị này",
        "Chưa sẵn sàng dùng thật: 3 chỗ cần rà soát (dấu KIỂM TRA, e-mail còn thiếu).",
    ]


def test_an_imported_draft_is_refused_until_reviewed(tmp_path: Path) -> None:
    """A fresh `planflow import` draft validates, but --strict lists each review mark at its line."""
    root = tmp_path / "definitions"
    (root / "units").mkdir(parents=True)
    shutil.copy(REPO / "definitions" / "units" / "loc-tan.yaml", root / "units")
    code, _, err = run_cli("import", str(SEEDS / "000_088173a80a5e89d2.txt"), "-d", str(root))
    # seed 000 has no number yet ("Số: …/KH-UBND"): its id is place, year and the title's first words
    draft = root / "plans" / "loc-tan-2025-to-chuc-cac-hoat-dong-huong.yaml"
    assert code == 0
    assert f"Rà soát rồi chạy: planflow validate --strict {draft}" in err
    assert run_cli("validate", str(draft))[0] == 0
    code, _, err = run_cli("validate", "--strict", str(draft))
    assert code == 1
    marks = [
        n
        for n, line in enumerate(draft.read_text(encoding="utf-8").splitlines(), 1)
        if line.lstrip().startswith("# KIỂM TRA:")
    ]
    listed = [line for line in err.splitlines() if "còn dấu “KIỂM TRA” chưa xử lý" in line]
    assert marks and [int(line.split(":")[1]) for line in listed] == marks
    assert re.fullmatch(
        rf"{re.escape(str(draft))}:\d+:1: còn dấu “KIỂM TRA” chưa xử lý — KIỂM TRA: số văn bản để trống trong "
        r"bản ký.* — kiểm tra, sửa theo ghi chú rồi xoá dòng ghi chú này",
        listed[0],
    )
    # the review done: the marks removed, the signer and every unit given an address
    reviewed = "\n".join(
        line for line in draft.read_text(encoding="utf-8").splitlines() if "KIỂM TRA" not in line
    )
    draft.write_text(reviewed, encoding="utf-8")
    code, _, err = run_cli("validate", "--strict", str(draft))
    assert code == 1
    assert not [line for line in err.splitlines() if "KIỂM TRA” chưa xử lý" in line]
    assert "chưa có e-mail" in err


def test_strict_setting_makes_validate_and_sync_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PLANFLOW_STRICT=true: validate is strict without the flag, and sync stores nothing unreviewed."""
    plan = demo_plan()
    del plan["signer"]["email"]
    root = write_definitions(tmp_path / "defs", plan, _reachable_units())
    monkeypatch.setenv("PLANFLOW_STRICT", "true")
    code, _, err = run_cli("validate", "-d", str(root))
    assert code == 1
    assert "signer: người ký Nguyễn Văn A chưa có e-mail" in err
    code, out, err = run_cli("sync", "-d", str(root))
    assert code == 1
    assert "Traceback" not in out + err
    assert re.search(r"plans/demo-2026\.yaml:\d+:3: signer: người ký Nguyễn Văn A chưa có e-mail", err)
    monkeypatch.setenv("PLANFLOW_STRICT", "false")
    assert run_cli("sync", "-d", str(root))[0] == 0


def test_review_notes_are_listed_at_their_line(tmp_path: Path) -> None:
    """A ``review:`` note (a doubt the definition keeps open) validates, but --strict lists it
    with its line and what to do, like a review mark."""
    plan = demo_plan()
    plan["tasks"][2]["review"] = "Văn bản ghi “Quý VI/2026”; tạm hiểu là Quý IV/2026."
    root = write_definitions(tmp_path / "defs", plan, _reachable_units())
    plan_file = root / "plans" / "demo-2026.yaml"
    assert run_cli("validate", "-d", str(root))[0] == 0
    code, _, err = run_cli("validate", "--strict", "-d", str(root))
    assert code == 1
    assert err.splitlines() == [
        f"{plan_file}:{_line_of(plan_file, 'review:')}:11: tasks[2].review: còn ghi chú “KIỂM TRA”: Văn "
        "bản ghi “Quý VI/2026”; tạm hiểu là Quý IV/2026. — xác nhận hoặc sửa rồi xoá 'review:'",
        "Chưa sẵn sàng dùng thật: 1 chỗ cần rà soát (dấu KIỂM TRA, e-mail còn thiếu).",
    ]


def test_a_task_led_by_a_collective_with_no_members_is_listed(tmp_path: Path) -> None:
    """ "Các cơ quan, đơn vị" as the only lead: nobody answers for the task, so --strict lists
    it; naming the group's members settles it."""
    plan = demo_plan()
    plan["tasks"][4]["lead"] = ["Các cơ quan, đơn vị"]
    units = _reachable_units()
    group = {"id": "co-quan", "name": "Các cơ quan, đơn vị", "kind": "group", "emails": ["cq@demo.example"]}
    units["units"].append(group)
    root = write_definitions(tmp_path / "defs", plan, units)
    plan_file = root / "plans" / "demo-2026.yaml"
    code, _, err = run_cli("validate", "--strict", "-d", str(root))
    assert code == 1
    line = _line_of(plan_file, "- Các cơ quan, đơn vị")  # the lead list
    assert err.splitlines()[0] == (
        f"{plan_file}:{line}:3: tasks[4].lead: nhiệm vụ 'thuong-xuyen' do “Các cơ quan, đơn vị” chủ trì — một "
        "tập thể không nêu thành viên, không ai chịu trách nhiệm: giao cho một đơn vị cụ thể (hoặc nêu "
        "'members:' của nhóm trong danh mục)"
    )
    group["members"] = ["vhxh", "kt"]
    root = write_definitions(tmp_path / "named", plan, units)
    assert run_cli("validate", "--strict", "-d", str(root))[0] == 0


def test_a_monitor_must_be_a_unit_of_the_directory(tmp_path: Path) -> None:
    """``monitor:`` (Phụ lục I's "Cơ quan theo dõi, đánh giá, kiểm tra") names units like lead."""
    plan = demo_plan()
    plan["tasks"][2]["monitor"] = ["Phòng Thanh tra"]
    root = write_definitions(tmp_path / "defs", plan, _reachable_units())
    code, _, err = run_cli("validate", "-d", str(root))
    assert code == 1
    assert "tasks[2].monitor[0]: đơn vị 'Phòng Thanh tra' không có trong danh mục 'demo'" in err
