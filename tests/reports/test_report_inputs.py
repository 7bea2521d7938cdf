"""Where the units' inputs go in the report (planflow/reports/inputs.py): results under the plan's
section of the unit's targets or tasks, the other parts under III, IV and V, each named."""

from __future__ import annotations

from decimal import Decimal

from planflow.reports.inputs import ReceivedInput, TargetPlace, merge_inputs

SECTIONS = ["1. Hạ tầng số", "2. Chính quyền số", "PHỤ LỤC I"]
PLACES = {
    "vneid": TargetPlace("Số người dân được hướng dẫn đăng ký VNeID", "người", "PHỤ LỤC I"),
    "dvctt": TargetPlace("Số lượt hỗ trợ sử dụng DVCTT", "lượt/năm", "2. Chính quyền số"),
    "ty-le": TargetPlace("Tỷ lệ người dân có VNeID", "%", None),  # a target of the plan itself
}
# Phòng Kinh tế leads two tasks of section 2 and one of section 1; Công an one of Phụ lục I.
LED = {"1. Hạ tầng số": ["kt"], "2. Chính quyền số": ["kt", "kt", "vp"], "PHỤ LỤC I": ["ca"]}


def test_results_go_under_the_section_of_the_targets_reported() -> None:
    """Công an's text goes where its first target (in the plan's order) is; each figure under its
    own target's section; the plan's own target with the text."""
    merged = merge_inputs(
        [
            ReceivedInput(
                "ca",
                "Công an xã",
                "Kết quả: Hướng dẫn kích hoạt VNeID mức 2.\nKhó khăn: thiếu máy đọc",
                {"vneid": Decimal(1200), "dvctt": Decimal(35), "ty-le": Decimal(62)},
            )
        ],
        PLACES,
        LED,
        SECTIONS,
    )
    assert merged.by_section == {
        "2. Chính quyền số": [
            "Công an xã: hướng dẫn kích hoạt VNeID mức 2; số liệu báo cáo: số lượt hỗ trợ sử dụng DVCTT 35 lượt, "
            "tỷ lệ người dân có VNeID 62%."
        ],
        "PHỤ LỤC I": ["Công an xã: số người dân được hướng dẫn đăng ký VNeID 1.200 người."],
    }
    assert merged.shortcomings == ["Công an xã báo cáo khó khăn: thiếu máy đọc."]
    assert merged.unplaced == []


def test_without_figures_the_section_it_leads_most() -> None:
    """No figures: Phòng Kinh tế's results go where it leads most tasks; its own name heading the
    line is not repeated; next steps and proposals keep their unit."""
    merged = merge_inputs(
        [
            ReceivedInput(
                "kt",
                "Phòng Kinh tế",
                "Phòng Kinh tế: 12 doanh nghiệp dùng hóa đơn điện tử\n"
                "Phương hướng: Tập huấn thanh toán số\nKiến nghị: bố trí kinh phí tập huấn",
                {},
            )
        ],
        PLACES,
        LED,
        SECTIONS,
    )
    assert merged.by_section == {
        "2. Chính quyền số": ["Phòng Kinh tế: 12 doanh nghiệp dùng hóa đơn điện tử."]
    }
    assert merged.next == ["Phòng Kinh tế: tập huấn thanh toán số."]
    assert merged.proposals == ["Phòng Kinh tế kiến nghị: bố trí kinh phí tập huấn."]


def test_a_unit_with_no_section_is_listed_after_them() -> None:
    """A unit that leads nothing in the period and reports no target's figure: after the sections."""
    merged = merge_inputs(
        [ReceivedInput("hpn", "Hội Phụ nữ", "Ra mắt mô hình Phụ nữ số tại 3 ấp", {"khac": Decimal(5)})],
        PLACES,
        LED,
        SECTIONS,
    )
    assert merged.by_section == {}
    assert merged.unplaced == ["Hội Phụ nữ: ra mắt mô hình Phụ nữ số tại 3 ấp."]


def test_a_units_own_document_does_not_name_itself() -> None:
    """Rendered as the unit's own document, its lines say what it did, headed by the part."""
    merged = merge_inputs(
        [
            ReceivedInput(
                "ca",
                "Công an xã",
                "Kết quả: hướng dẫn kích hoạt VNeID\nKhó khăn: thiếu máy đọc\nĐề xuất: bổ sung máy đọc",
                {"vneid": Decimal(1200)},
            )
        ],
        PLACES,
        LED,
        SECTIONS,
        named=False,
    )
    assert merged.by_section == {
        "PHỤ LỤC I": [
            "Hướng dẫn kích hoạt VNeID; số liệu báo cáo: số người dân được hướng dẫn đăng ký VNeID 1.200 người."
        ]
    }
    assert (merged.shortcomings, merged.proposals) == (
        ["Khó khăn: thiếu máy đọc."],
        ["Đề xuất: bổ sung máy đọc."],
    )
