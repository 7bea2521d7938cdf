"""Pieces of the importer on small, made-up plans: odd dates, budgets, units, layout."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from planflow.importer import extract, read_document, write_draft
from planflow.importer.unitnames import Matcher, NameKind
from planflow.schema import UnitDirectory

DIRECTORY = UnitDirectory.model_validate(
    {
        "id": "demo",
        "name": "Xã Demo",
        "units": [
            {"id": "vhxh", "name": "Phòng Văn hóa - Xã hội", "aliases": ["Phòng VH-XH"]},
            {"id": "hcc", "name": "Trung tâm Phục vụ hành chính công xã Demo", "kind": "center"},
            {"id": "mttq", "name": "Ủy ban Mặt trận Tổ quốc Việt Nam xã", "kind": "front"},
            {"id": "khcn", "name": "Sở Khoa học và Công nghệ", "kind": "province_department"},
        ],
    }
)

PLAN = """\
ỦY BAN NHÂN DÂN       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ DEMO    Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND         Demo, ngày 05 tháng 01 năm 2026

KẾ HOẠCH
Chuyển đổi số năm 2026

Căn cứ Quyết định số 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ1;

II. NHIỆM VỤ
1. Các hoạt động
a) Tổ chức tập huấn kỹ năng số cho cán bộ, công
chức xã
- Đơn vị chủ trì: phòng văn hoá – xã hội.
- Đơn vị phối hợp: Trung tâm phụ vụ hành chính công, các cơ quan, đơn vị liên quan.
- Thời gian: Quý VI/2026.
- Kinh phí: 12,5 triệu đồng.
b) Số hóa hồ sơ
- Đơn vị chủ trì: UBMTTQVN xã.
- Thời gian: 31/02/2026.

7
III. TỔ CHỨC THỰC HIỆN
1. Phòng Văn hóa - Xã hội: Là cơ quan thường trực; tổng hợp báo cáo Sở Khoa học và Công nghệ kết quả thực hiện trước ngày 15/12/2026.

PHỤ LỤC
DANH MỤC NHIỆM VỤ
STT\tNội dung nhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tKinh phí (triệu đồng)\tThời gian
I\tHạ tầng\t\t\t1.000\t
1\tMua máy tính\tPhòng VH-XH\t\t600\tQuý II
2\tNâng cấp mạng LAN\tPhòng Tư pháp\t\t300\tQuý III
TỔNG CỘNG:\t\t\t\t1.000\t

1 Lấy ngày 10 tháng 10 hằng năm là Ngày Chuyển đổi số quốc gia.
"""


def _draft(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    draft = extract(read_document(path), DIRECTORY)
    return draft, write_draft(draft, DIRECTORY)


def test_odd_dates_are_flagged_not_guessed(tmp_path: Path) -> None:
    """Quý VI and 31/02 give a warning and a commented placeholder, the wording kept."""
    draft, written = _draft(tmp_path)
    assert any("Quý VI/2026" in w and "quý VI không tồn tại" in w for w in draft.warnings)
    assert any("31/02/2026" in w and "không tồn tại" in w for w in draft.warnings)
    assert "    when: {kind: ongoing, text: Quý VI/2026}" in written.text
    assert [t.when.kind for t in written.plan.tasks[:2]] == ["ongoing", "ongoing"]
    assert [t.when.text for t in written.plan.tasks[:2]] == ["Quý VI/2026", "31/02/2026"]


def test_units_are_matched_across_spellings(tmp_path: Path) -> None:
    """Case, dash, tone placement, typo and abbreviation variants find the directory's unit;
    the collective phrase stays a group; an unknown office becomes a proposed unit."""
    _, written = _draft(tmp_path)
    first, second, *rows = written.plan.tasks
    assert first.lead == ["vhxh"]
    assert first.support == ["hcc"]
    assert first.support_groups == ["các cơ quan, đơn vị liên quan"]
    assert second.lead == ["mttq"]
    assert [u.name for u in written.units.new] == ["Phòng Tư pháp"]
    assert rows[1].lead == [written.units.new[0].id]


def test_header_budget_footnote_and_report(tmp_path: Path) -> None:
    """Number, date, issuer, footnote, budget (Vietnamese separators), subtotal check and
    the report duty are read; the page number "7" is dropped."""
    draft, written = _draft(tmp_path)
    plan = written.plan
    assert (plan.document_number, str(plan.issued), plan.issuer) == (
        "12/KH-UBND",
        "2026-01-05",
        "Ủy ban nhân dân xã Demo",
    )
    assert plan.legal_bases == ["Quyết định số 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ"]
    assert draft.footnotes == ["1. Lấy ngày 10 tháng 10 hằng năm là Ngày Chuyển đổi số quốc gia."]
    assert plan.tasks[0].budget == Decimal("12.5")
    assert plan.budget_total == Decimal(1000)
    assert any(
        "nhóm I “Hạ tầng”: tổng ghi 1000 triệu đồng nhưng các dòng cộng lại 900" in w for w in draft.warnings
    )
    assert plan.standing_unit == "vhxh"
    (report,) = plan.reports
    assert (report.compiler, [r.unit for r in report.recipients]) == ("vhxh", ["khcn"])
    assert report.when.text == "trước ngày 15/12/2026"
    assert "7" not in [t.title for t in plan.tasks]


def test_written_yaml_marks_what_to_check(tmp_path: Path) -> None:
    """Every low-confidence field carries a "# KIỂM TRA" comment and the YAML loads."""
    _, written = _draft(tmp_path)
    assert "# KIỂM TRA: ô Thời gian trống" not in written.text  # the table's rows have a time
    assert written.text.count("# KIỂM TRA:") >= 3
    assert yaml.safe_load(written.text)["id"] == "demo-2026"


def test_matcher_on_its_own() -> None:
    """Names split on commas, semicolons and 'và' without cutting 'các cơ quan, đơn vị'."""
    refs = Matcher(DIRECTORY).refs("Sở KH&CN; các cơ quan, đơn vị và Phần mềm kế toán MISA")
    assert [(r.name, r.kind, r.unit_id) for r in refs] == [
        ("Sở KH&CN", NameKind.UNIT, "khcn"),
        ("các cơ quan, đơn vị", NameKind.COLLECTIVE, None),
        ("Phần mềm kế toán MISA", NameKind.NOT_UNIT, None),
    ]
