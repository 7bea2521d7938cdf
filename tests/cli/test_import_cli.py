"""`planflow import` end to end: files written, summary, JSON report, units added."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from tests.cli.runner import run_cli
from tests.conftest import REPO
from tests.importer.documents import SEEDS
from tests.importer.plandocs import plan_docx

LOC_TAN_2025 = SEEDS / "000_088173a80a5e89d2.txt"


def _definitions(tmp_path: Path, directory: str = "loc-tan") -> Path:
    root = tmp_path / "definitions"
    (root / "units").mkdir(parents=True)
    shutil.copy(REPO / "definitions" / "units" / f"{directory}.yaml", root / "units")
    return root


def test_prints_the_draft_and_summarises_on_stderr(tmp_path: Path) -> None:
    """With -o - the YAML goes to stdout and the summary to stderr; nothing is written."""
    root = _definitions(tmp_path)
    code, out, err = run_cli("import", str(LOC_TAN_2025), "-o", "-", "-d", str(root))
    assert code == 0, err
    data = yaml.safe_load(out)
    assert (data["id"], data["units"], len(data["tasks"])) == (
        "loc-tan-2025-to-chuc-cac-hoat-dong-huong",
        "loc-tan",
        7,
    )
    assert data["tasks"][0]["lead"] == ["ttdvth", "phong-vhxh"]  # the directory was found by the place
    assert "# KIỂM TRA: số văn bản để trống trong bản ký" in out
    assert err.startswith(f"Đã đọc {LOC_TAN_2025} (txt): 7 nhiệm vụ (7 trong thân văn bản, 0 từ phụ lục")
    assert not (root / "plans").exists()


def test_writes_a_valid_draft_and_refuses_to_overwrite(tmp_path: Path) -> None:
    """The draft lands in plans/<id>.yaml and validates; a second run needs --force."""
    root = _definitions(tmp_path)
    code, _, err = run_cli("import", str(LOC_TAN_2025), "-d", str(root))
    assert code == 0, err
    target = root / "plans" / "loc-tan-2025-to-chuc-cac-hoat-dong-huong.yaml"
    assert f"Đã ghi bản nháp: {target}" in err
    assert run_cli("validate", str(target))[0] == 0
    target.write_text("# sửa tay\n", encoding="utf-8")
    code, _, err = run_cli("import", str(LOC_TAN_2025), "-d", str(root))
    assert code == 1
    assert f"đã có file {target}; không ghi đè. Dùng --force để ghi đè, hoặc -o để chọn file khác" in err
    assert target.read_text(encoding="utf-8") == "# sửa tay\n"
    assert run_cli("import", str(LOC_TAN_2025), "-d", str(root), "--force")[0] == 0
    assert target.read_text(encoding="utf-8").startswith("# Bản nháp")


def test_default_id_is_unique_per_document(tmp_path: Path) -> None:
    """Two plans of one province and year with different numbers get their own files."""
    root = tmp_path / "definitions"
    for number in ("552", "0553"):
        path = plan_docx(tmp_path / f"kh-{number}.docx", tasks=3, number=number)
        code, _, err = run_cli("import", str(path), "-d", str(root))
        assert code == 0, err
    assert sorted(p.name for p in (root / "plans").iterdir()) == [
        "lang-son-552-2025.yaml",
        "lang-son-553-2025.yaml",
    ]


def test_report_json(tmp_path: Path) -> None:
    """--report-json prints counts, filled fields, warnings and new units as JSON."""
    root = _definitions(tmp_path)
    code, out, err = run_cli(
        "import", str(SEEDS / "003_137cc9c763e74a36.txt"), "--units", str(root / "units" / "loc-tan.yaml"),
        "-o", str(root / "plans" / "loc-tan-2026.yaml"), "--report-json",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["plan_id"] == "loc-tan-2026"
    assert report["tasks"]["total"] >= 94
    assert report["budget_total"] == 4430
    assert [g["stated"] for g in report["budget_groups"]] == [150, 600, 2030, 1100, 550]
    assert all(g["stated"] == g["rows"] for g in report["budget_groups"])
    assert any("Quý VI/2026" in w for w in report["warnings"])
    assert report["new_units"] == []
    assert run_cli("validate", "-d", str(root))[0] == 0


def test_new_units_are_added_to_the_directory(tmp_path: Path) -> None:
    """Names the directory lacks are appended to it, marked for review, and validate."""
    root = _definitions(tmp_path, "thach-ha")
    units = root / "units" / "thach-ha.yaml"
    data = yaml.safe_load(units.read_text(encoding="utf-8"))
    data["units"] = [u for u in data["units"] if u["id"] != "ban-bien-tap-ttdt"]
    units.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, _, err = run_cli(
        "import", str(SEEDS / "002_49637099dbf7d4b9.txt"), "--units", str(units), "-d", str(root)
    )
    assert code == 0, err
    assert "Đơn vị mới 1" in err and "Ban biên tập Trang thông tin điện tử" in err
    after = units.read_text(encoding="utf-8")
    assert "# KIỂM TRA: đơn vị mới do `planflow import` đề xuất" in after
    assert run_cli("validate", "-d", str(root))[0] == 0


def test_bad_options(tmp_path: Path) -> None:
    """-o - with --report-json, and an output name that cannot be an id, are refused."""
    code, _, err = run_cli("import", str(LOC_TAN_2025), "-o", "-", "--report-json")
    assert code == 1 and "không dùng -o - cùng --report-json" in err
    code, _, err = run_cli("import", str(LOC_TAN_2025), "-o", str(tmp_path / "Lộc Tấn.yaml"))
    assert code == 1 and "không dùng được làm id kế hoạch" in err


def test_portal_page_is_imported(tmp_path: Path) -> None:
    """A plan saved from a legal portal (Markdown) is written under the id of its place, number and year."""
    root = tmp_path / "definitions"
    page = REPO / "tests" / "importer" / "fixtures" / "portal-dong-thap-552.md"
    code, _, err = run_cli("import", str(page), "-d", str(root))
    assert code == 0, err
    target = root / "plans" / "dong-thap-552-2025.yaml"
    assert f"Đã ghi bản nháp: {target}" in err
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["id"] == "dong-thap-552-2025"
    assert run_cli("validate", "-d", str(root))[0] == 0
