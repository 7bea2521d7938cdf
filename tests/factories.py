"""Build definition files for tests through the same YAML the product reads."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

DEMO_UNITS: dict[str, Any] = {
    "id": "demo",
    "name": "Xã Demo",
    "units": [
        {"id": "ubnd", "name": "UBND xã Demo", "kind": "peoples_committee"},
        {
            "id": "vhxh",
            "name": "Phòng Văn hóa - Xã hội",
            "aliases": ["Phòng VH-XH"],
            "emails": ["vhxh@demo.example"],
            "parent": "ubnd",
        },
        {"id": "kt", "name": "Phòng Kinh tế", "emails": ["kt@demo.example"], "parent": "ubnd"},
        {
            "id": "hcc",
            "name": "Trung tâm Phục vụ hành chính công",
            "aliases": ["Trung tâm phụ vụ hành chính công"],  # the typo of seed 003
            "kind": "center",
        },
    ],
}

DEMO_PLAN: dict[str, Any] = {
    "id": "demo-2026",
    "title": "Kế hoạch chuyển đổi số năm 2026",
    "issuer": "UBND xã Demo",
    "place": "Demo",
    "signer": {"authority": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": "Nguyễn Văn A",
               "email": "pct@demo.example"},
    "period": {"start": "2026-01-01", "end": "2026-12-31"},
    "units": "demo",
    "standing_unit": "Phòng VH-XH",
    "tasks": [
        {"id": "ke-hoach", "title": "Ban hành kế hoạch", "lead": ["vhxh"], "when": "Quý I/2026"},
        {
            "id": "tet",
            "title": "Rà soát trước Tết",
            "lead": ["hcc"],
            "when": "trước ngày 17/02/2026",
        },
        {
            "id": "so-hoa",
            "title": "Số hóa hồ sơ",
            "lead": ["Trung tâm phụ vụ hành chính công"],
            "support": ["kt"],
            "when": "Quý II/2026",
            "depends_on": ["ke-hoach"],
            "targets": [{"id": "ty-le", "metric": "Tỷ lệ hồ sơ số hóa", "comparator": "≥",
                         "value": 80, "unit": "%"}],
        },
        {"id": "tin-bai", "title": "Đăng tin", "lead": ["vhxh"], "when": "≥ 2 tin/tháng"},
        {"id": "thuong-xuyen", "title": "Duy trì", "lead": ["kt"], "when": "Thường xuyên"},
        {"id": "su-kien", "title": "Dự sự kiện", "lead": ["vhxh"],
         "when": "Theo Kế hoạch và Giấy mời từng sự kiện"},
    ],
    "reports": [
        {
            "id": "bao-cao-quy",
            "title": "Báo cáo kết quả thực hiện Kế hoạch",
            "compiler": "vhxh",
            "recipients": [{"name": "UBND tỉnh", "emails": ["ubnd@tinh.example"]}],
            "when": "Định kỳ hàng quý, 6 tháng, năm (chậm nhất vào ngày mùng 10 của tháng)",
            "inputs": [{"units": ["kt", "hcc"], "when": "vào tuần cuối của tháng cuối trong quý"}],
        }
    ],
}  # fmt: skip


def demo_plan(**changes: Any) -> dict[str, Any]:
    plan = copy.deepcopy(DEMO_PLAN)
    plan.update(changes)
    return plan


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_definitions(
    root: Path, plan: dict[str, Any] | None = None, units: dict[str, Any] | None = None
) -> Path:
    plan = plan or demo_plan()
    write_yaml(root / "units" / "demo.yaml", units or DEMO_UNITS)
    write_yaml(root / "plans" / f"{plan['id']}.yaml", plan)
    return root
