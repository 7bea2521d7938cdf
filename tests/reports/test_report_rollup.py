"""A province plan's report over its two communes' plans: their figures for the same target
are summed, each commune's share listed, and the communes that have not reported named."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.runner import run_cli
from tests.conftest import REPO

TARGET = {
    "id": "luot-nguoi-tham-gia",
    "metric": "Số lượt người tham gia hoạt động hưởng ứng",
    "comparator": ">=",
    "value": 1000,
    "unit": "lượt",
}


def _cli(*args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, err
    return out


def _add_target(path: Path, task_id: str) -> None:
    """The same target, by id, on a task of a plan (the province's and each commune's)."""
    plan: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    task = next(t for t in plan["tasks"] if t["id"] == task_id)
    task.setdefault("targets", []).append(dict(TARGET))
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def province(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", database_url)
    root = tmp_path / "definitions"
    shutil.copytree(REPO / "definitions", root)
    plans = root / "plans"
    _add_target(plans / "dong-nai-99-2025.yaml", "xa-phuong-trien-khai")
    _add_target(plans / "loc-tan-2025.yaml", "thong-tin-tuyen-truyen")
    _add_target(plans / "dai-phuoc-2025.yaml", "thong-tin-tuyen-truyen")
    return root


def test_province_report_sums_its_communes(province: Path) -> None:
    """Lộc Tấn 1.250 + Đại Phước 480 = 1.730 of 1.000: reached; only Lộc Tấn sent its report."""
    d = ["-d", str(province)]
    _cli("progress", "loc-tan-2025", "thong-tin-tuyen-truyen", "--status", "in_progress", "--by", "phong-vhxh",
         "--at", "2025-10-20", "--value", "luot-nguoi-tham-gia=1.250", *d)  # fmt: skip
    _cli("progress", "dai-phuoc-2025", "thong-tin-tuyen-truyen", "--status", "in_progress", "--by", "phong-vhxh",
         "--at", "2025-10-22", "--value", "luot-nguoi-tham-gia=480", *d)  # fmt: skip
    _cli("report", "send", "loc-tan-2025/bao-cao-ket-qua", "--at", "2025-10-29", "--no-deliver", *d)
    out = _cli("report", "build", "dong-nai-99-2025/bao-cao-ket-qua-tinh", "--as-of", "2025-11-05", *d)
    assert "| 1 | Số lượt người tham gia hoạt động hưởng ứng | ≥ 1.000 lượt | 1.730 | Đạt |" in out
    assert "| Số lượt người tham gia hoạt động hưởng ứng | Ủy ban nhân dân xã Đại Phước | 480 |" in out
    assert "| Số lượt người tham gia hoạt động hưởng ứng | Ủy ban nhân dân xã Lộc Tấn | 1.250 |" in out
    assert "| **Số lượt người tham gia hoạt động hưởng ứng** | **Tổng hợp (lũy kế)** | **1.730** |" in out
    assert "Đã báo cáo 1/2 địa phương; xếp loại Xanh 0/2 địa phương." in out
    # each commune's progress: tasks done of all, overdue, class, its report
    assert (
        "| 1 | Ủy ban nhân dân xã Đại Phước | …/KH-UBND | 0/12 | 8 | Đỏ | **CHƯA BÁO CÁO** (hạn 29/10/2025) |"
        in out
    )
    assert "| 2 | Ủy ban nhân dân xã Lộc Tấn | …/KH-UBND | 0/8 | 4 | Đỏ | Đã báo cáo ngày 29/10/2025 |" in out
    # the province's own task row in the appendix carries the summed figure and who gave it
    assert (
        "Số lượt người tham gia hoạt động hưởng ứng: lũy kế 1.730 lượt (Ủy ban nhân dân xã Đại Phước 480; "
        "Ủy ban nhân dân xã Lộc Tấn 1.250)." in out
    )
    assert "Chưa nhận được báo cáo của 1 địa phương: Ủy ban nhân dân xã Đại Phước." in out
    # The Sở compiles it; the province sends it upward, not to itself.
    assert "Kính gửi: Bộ Khoa học và Công nghệ.\n" in out
    assert "; Ủy ban nhân dân tỉnh Đồng Nai báo cáo kết quả thực hiện" in out
