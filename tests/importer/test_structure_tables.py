"""Task tables in the shapes plans use: header wordings, headers over two rows, group rows,
nested numbers, column numbers, totals, rows broken by a page; products, funding and notes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planflow.importer import extract, read_document, write_draft
from planflow.importer.columns import Role, role_of
from planflow.importer.draft import TaskDraft
from tests.importer.shapes import plan_docx, to_pdf

BODY = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Nâng cao năng lực số của doanh nghiệp trên địa bàn tỉnh.",
    "II. NHIỆM VỤ",
    "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Sở Khoa học và Công nghệ là cơ quan thường trực, theo dõi, đôn đốc thực hiện Kế hoạch này./.",
]
APPENDIX = ("PHỤ LỤC", "DANH MỤC NHIỆM VỤ", "(Kèm theo Kế hoạch số 215/KH-UBND ngày 12/3/2026)")

# "Cơ quan thực hiện" spans "Chủ trì" and "Phối hợp" (merged over two columns); the other
# header cells are merged down the two header rows. Then the column numbers, a group row,
# a task with sub-tasks 1.1 and 1.2, a task with a) b) whose lead is written once, a total.
MERGED_TABLE = [
    ("STT", "Nội dung/nhiệm vụ", "Cơ quan thực hiện", "", "Thời gian hoàn thành", "Sản phẩm (dự kiến)",
     "Nguồn kinh phí", "Ghi chú"),
    ("STT", "Nội dung/nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian hoàn thành", "Sản phẩm (dự kiến)",
     "Nguồn kinh phí", "Ghi chú"),
    ("(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"),
    ("I", "HOÀN THIỆN THỂ CHẾ", "", "", "", "", "", ""),
    ("1", "Ban hành quy chế chia sẻ dữ liệu doanh nghiệp", "Sở Khoa học và Công nghệ", "Sở Tư pháp",
     "Quý II/2026", "Quyết định của UBND tỉnh", "Ngân sách tỉnh", "Trình UBND tỉnh"),
    ("2", "Hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số", "", "", "", "", "", ""),
    ("2.1", "Khảo sát nhu cầu chuyển đổi số của doanh nghiệp", "Sở Công Thương", "Hiệp hội Doanh nghiệp tỉnh",
     "Quý III/2026", "Báo cáo khảo sát", "Ngân sách tỉnh", ""),
    ("2.2", "Tư vấn giải pháp số cho 100 doanh nghiệp", "Sở Công Thương", "", "2026 - 2030",
     "100 doanh nghiệp được tư vấn", "Xã hội hóa", ""),
    ("II", "PHÁT TRIỂN NHÂN LỰC", "", "", "", "", "", ""),
    ("1", "Đào tạo kỹ năng số cho người lao động", "Sở Nội vụ", "Sở Giáo dục và Đào tạo", "Hằng năm",
     "", "", ""),
    ("a)", "Mở lớp tập huấn cho doanh nghiệp", "", "", "", "Lớp tập huấn", "", ""),
    ("b)", "Biên soạn tài liệu hướng dẫn", "", "", "Quý IV/2026", "Bộ tài liệu", "", ""),
    ("", "Tổng cộng", "", "", "", "", "", ""),
]  # fmt: skip
MERGES = [(0, 2, 0, 3), (0, 0, 1, 0), (0, 1, 1, 1), (0, 4, 1, 4), (0, 5, 1, 5), (0, 6, 1, 6), (0, 7, 1, 7)]


def _import(
    tmp_path: Path, table: list[tuple[str, ...]], merges: list[tuple[int, int, int, int]] = ()
) -> list[TaskDraft]:  # type: ignore[assignment]
    path = plan_docx(tmp_path / "kh.docx", BODY, appendix=APPENDIX, table=table, merges=merges)
    draft = extract(read_document(path), None)
    write_draft(draft, None)  # the draft validates
    return draft.tasks


def test_merged_two_row_header_groups_and_nested_rows(tmp_path: Path) -> None:
    """Group rows and rows with sub-rows are sections; every leaf row is a task with its columns."""
    tasks = _import(tmp_path, MERGED_TABLE, MERGES)
    assert [(t.label, t.title) for t in tasks] == [
        ("PL.I.1", "Ban hành quy chế chia sẻ dữ liệu doanh nghiệp"),
        ("PL.I.2.1", "Khảo sát nhu cầu chuyển đổi số của doanh nghiệp"),
        ("PL.I.2.2", "Tư vấn giải pháp số cho 100 doanh nghiệp"),
        ("PL.II.1.a", "Mở lớp tập huấn cho doanh nghiệp"),
        ("PL.II.1.b", "Biên soạn tài liệu hướng dẫn"),
    ]
    first = tasks[0]
    assert ([r.name for r in first.lead], [r.name for r in first.support]) == (
        ["Sở Khoa học và Công nghệ"],
        ["Sở Tư pháp"],
    )
    assert first.time is not None and first.time.text == "Quý II/2026"
    assert (first.products, first.funding) == ("Quyết định của UBND tỉnh", "Ngân sách tỉnh")
    assert "Ghi chú: Trình UBND tỉnh" in first.notes
    assert tasks[1].section == (
        "PHỤ LỤC DANH MỤC NHIỆM VỤ — I. HOÀN THIỆN THỂ CHẾ — 2. Hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số"
    )


def test_sub_rows_take_the_lead_written_once(tmp_path: Path) -> None:
    """Rows a), b) under a row whose lead and time are written once take them."""
    tasks = _import(tmp_path, MERGED_TABLE, MERGES)
    lettered = [t for t in tasks if t.label and t.label.startswith("PL.II")]
    assert [[r.name for r in t.lead] for t in lettered] == [["Sở Nội vụ"], ["Sở Nội vụ"]]
    assert [t.time.text if t.time else None for t in lettered] == ["Hằng năm", "Quý IV/2026"]


@pytest.mark.parametrize(
    ("header", "lead"),
    [
        (
            (
                "TT",
                "Nhiệm vụ, giải pháp",
                "Cơ quan/Đơn vị chủ trì",
                "Cơ quan phối hợp",
                "Thời gian thực hiện",
            ),
            "Sở Tài chính",
        ),
        (
            ("STT", "Tên nhiệm vụ", "Đơn vị thực hiện", "Đơn vị phối hợp", "Thời gian dự kiến hoàn thành"),
            "Sở Tài chính",
        ),
        (
            ("TT", "Nội dung", "Cơ quan, đơn vị chủ trì", "Phối hợp", "Kết quả dự kiến", "Thời gian"),
            "Sở Tài chính",
        ),
    ],
    ids=["nhiem-vu-giai-phap", "ten-nhiem-vu", "noi-dung"],
)
def test_header_wordings(tmp_path: Path, header: tuple[str, ...], lead: str) -> None:
    """Common wordings of the task, lead, support and time columns are recognised."""
    width = len(header)
    rows = [header]
    for n, task in enumerate(
        ["Rà soát cơ chế hỗ trợ đầu tư công nghệ", "Cân đối nguồn lực cho đổi mới công nghệ"], 1
    ):
        row = {0: str(n), 1: task, 2: lead, 3: "Sở Công Thương"}
        row[width - 1] = "Quý III/2026"  # the time is the last column
        rows.append(tuple(row.get(c, "") for c in range(width)))
    tasks = _import(tmp_path, rows)
    assert [t.title for t in tasks] == [
        "Rà soát cơ chế hỗ trợ đầu tư công nghệ",
        "Cân đối nguồn lực cho đổi mới công nghệ",
    ]
    assert all([r.name for r in t.lead] == [lead] for t in tasks)
    assert all(t.time is not None and t.time.text == "Quý III/2026" for t in tasks)


def test_row_broken_by_a_page_and_a_table_without_numbers(tmp_path: Path) -> None:
    """A row without a number continues the row above; a table without a TT column has one task a row."""
    broken = [
        ("TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian"),
        ("1", "Xây dựng cơ sở dữ liệu doanh nghiệp", "Sở Tài chính", "Quý II/2026"),
        ("2", "Tổ chức diễn đàn chuyển đổi số", "Sở Khoa học và", ""),
        ("", "doanh nghiệp năm 2026", "Công nghệ", "Tháng 9/2026"),
    ]
    tasks = _import(tmp_path, broken)
    assert [t.title for t in tasks] == [
        "Xây dựng cơ sở dữ liệu doanh nghiệp",
        "Tổ chức diễn đàn chuyển đổi số doanh nghiệp năm 2026",
    ]
    assert [r.name for r in tasks[1].lead] == ["Sở Khoa học và Công nghệ"]
    assert tasks[1].time is not None and tasks[1].time.text == "Tháng 9/2026"
    plain = [
        ("Nhiệm vụ", "Đơn vị chủ trì", "Thời gian"),
        ("Xây dựng cơ sở dữ liệu doanh nghiệp", "Sở Tài chính", "Quý II/2026"),
        ("Tổ chức diễn đàn chuyển đổi số", "Sở Công Thương", "Tháng 9/2026"),
    ]
    assert [t.title for t in _import(tmp_path, plain)] == [
        "Xây dựng cơ sở dữ liệu doanh nghiệp",
        "Tổ chức diễn đàn chuyển đổi số",
    ]


def test_products_and_funding_in_the_yaml(tmp_path: Path) -> None:
    """Products and the source of funds are written on the task and validate."""
    path = plan_docx(tmp_path / "kh.docx", BODY, appendix=APPENDIX, table=MERGED_TABLE, merges=MERGES)
    plan = write_draft(extract(read_document(path), None), None).plan
    assert (plan.tasks[0].products, plan.tasks[0].funding) == ("Quyết định của UBND tỉnh", "Ngân sách tỉnh")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_table_over_two_pages_with_a_lead_merged_down(tmp_path: Path) -> None:
    """Printed to PDF, a long table runs over pages and a lead merged down rows is printed
    once: every row comes back as a task, and the rows under that lead take it, marked for review."""
    rows = [("TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian thực hiện")]
    rows += [(str(n), f"Hỗ trợ doanh nghiệp số {n} xây dựng gian hàng trên sàn thương mại điện tử của tỉnh",
              "Sở Công Thương", f"Tháng {n % 12 + 1}/2026") for n in range(1, 41)]  # fmt: skip
    merges = [(1, 2, 3, 2)]  # rows 1-3 share one lead cell
    path = to_pdf(plan_docx(tmp_path / "kh.docx", BODY, appendix=APPENDIX, table=rows, merges=merges))
    document = read_document(path)
    tasks = extract(document, None).tasks
    assert len(tasks) == 40
    assert all([r.name for r in t.lead] == ["Sở Công Thương"] for t in tasks)
    assert [("ô gộp" in t.doubts.get("lead", "")) for t in tasks[:4]] == [False, True, True, False]


def test_a_row_shifted_out_of_its_columns_is_no_task(tmp_path: Path) -> None:
    """A row whose number column holds words (a merged cell lost on the way) is skipped with a warning."""
    lines = [
        "UBND TỈNH LÂM ĐỒNG", "Số: 412/KH-UBND", "Lâm Đồng, ngày 16 tháng 3 năm 2026", "KẾ HOẠCH",
        "Hỗ trợ doanh nghiệp chuyển đổi số năm 2026", *BODY, "PHỤ LỤC", "DANH MỤC NHIỆM VỤ",
        "TT\tNhiệm vụ\tĐơn vị chủ trì\tThời gian",
        "1\tTổ chức hội nghị phổ biến Chương trình\tSở Khoa học và Công nghệ\tQuý II/2026",
        "Báo và Phát thanh, Truyền hình Lâm Đồng\tThường xuyên\t2\tKhảo sát mức độ chuyển đổi số của doanh nghiệp",
        "3\tTổ chức diễn đàn doanh nghiệp số\tSở Công Thương\tQuý III/2026",
    ]  # fmt: skip
    path = tmp_path / "kh.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    draft = extract(read_document(path), None)
    assert [t.title for t in draft.tasks] == [
        "Tổ chức hội nghị phổ biến Chương trình",
        "Khảo sát mức độ chuyển đổi số của doanh nghiệp",
        "Tổ chức diễn đàn doanh nghiệp số",
    ]
    assert any(
        "Báo và Phát thanh, Truyền hình Lâm Đồng | Thường xuyên” lệch cột" in w for w in draft.warnings
    )


def test_a_time_cell_understood_in_part_keeps_its_words(tmp_path: Path) -> None:
    """A time cell read only in part ("Sau Tết Nguyên đán, trước 30/3/2026") stays the task's
    time in its own words, with no date and a review mark; it is never taken for a target."""
    rows = [
        ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"),
        ("1", "Tổ chức hội chợ hàng nông sản", "Sở Công Thương", "Sau Tết Nguyên đán, trước 30/3/2026"),
        ("2", "Khảo sát nhu cầu vay vốn của hợp tác xã", "Sở Tài chính", "Dự kiến Quý II/2026 tùy tình hình"),
    ]
    tasks = _import(tmp_path, rows)
    assert [(t.time.text, t.time.when) if t.time else None for t in tasks] == [
        ("Sau Tết Nguyên đán, trước 30/3/2026", None),
        ("Dự kiến Quý II/2026 tùy tình hình", None),
    ]
    assert all("chỉ hiểu được một phần" in t.doubts["when"] for t in tasks)
    assert [t.targets for t in tasks] == [[], []]


def test_one_body_written_with_and_without_its_province_is_one_unit(tmp_path: Path) -> None:
    """ "Ban Quản lý khu Kinh tế" and "Ban Quản lý khu Kinh tế tỉnh Hòa Bình" in one plan of
    that province are one new unit with the longer name as an alias; two communes stay two."""
    rows = [
        ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"),
        ("1", "Rà soát quỹ đất khu công nghiệp", "Ban Quản lý khu Kinh tế", "Ủy ban nhân dân xã Yên Thủy",
         "Quý II/2026"),
        ("2", "Xúc tiến đầu tư vào khu kinh tế", "Ban Quản lý khu Kinh tế tỉnh Hòa Bình",
         "Ủy ban nhân dân xã Lạc Sơn", "Quý III/2026"),
    ]  # fmt: skip
    path = plan_docx(tmp_path / "kh.docx", BODY, appendix=APPENDIX, table=rows)
    draft = extract(read_document(path), None)
    new = {u.name: u.aliases for u in write_draft(draft, None).units.new}
    assert new["Ban Quản lý khu Kinh tế"] == ["Ban Quản lý khu Kinh tế tỉnh Hòa Bình"]
    assert "Ban Quản lý khu Kinh tế tỉnh Hòa Bình" not in new
    assert {"Ủy ban nhân dân xã Yên Thủy", "Ủy ban nhân dân xã Lạc Sơn"} <= set(new)


def test_vague_units_are_kept_and_marked_for_review(tmp_path: Path) -> None:
    """ "Viện, Trường, Doanh nghiệp" and "các cơ quan, đơn vị liên quan" stay as the plan
    writes them but are marked: they name no body that can be held to account."""
    rows = [
        ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"),
        ("1", "Nghiên cứu ứng dụng công nghệ chế biến sâu", "Viện, Trường, Doanh nghiệp", "Sở Công Thương",
         "2026 - 2030"),
        ("2", "Kiểm tra an toàn thực phẩm", "Sở Y tế", "các cơ quan, đơn vị liên quan", "Quý IV/2026"),
        ("3", "Tổng kết chương trình", "Sở Công Thương", "Sở Tài chính", "Tháng 12/2026"),
    ]  # fmt: skip
    tasks = _import(tmp_path, rows)
    assert [r.name for r in tasks[0].lead] == ["Viện", "Trường, Doanh nghiệp"]
    assert "tên chung" in tasks[0].doubts["lead"]
    assert [r.name for r in tasks[1].support] == ["các cơ quan, đơn vị liên quan"]
    assert "tên chung" in tasks[1].doubts["support"]
    assert "lead" not in tasks[2].doubts and "support" not in tasks[2].doubts


def test_a_group_row_in_capitals_is_a_heading_whatever_its_number(tmp_path: Path) -> None:
    """A group row whose number was misread ("HÌ" for "III") is still a heading, by its
    capitals: not a task, and not more text of the task above it."""
    rows = [
        ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"),
        ("I", "TUYÊN TRUYỀN, PHỔ BIẾN", "", ""),
        ("1", "Phổ biến Luật Hợp tác xã", "Sở Tư pháp", "Quý II/2026"),
        ("HÌ", "CƠ CHẾ, CHÍNH SÁCH", "", ""),
        ("2", "Xây dựng chính sách hỗ trợ hợp tác xã", "Sở Tài chính", "Quý IV/2026"),
    ]
    tasks = _import(tmp_path, rows)
    assert [t.title for t in tasks] == ["Phổ biến Luật Hợp tác xã", "Xây dựng chính sách hỗ trợ hợp tác xã"]
    assert tasks[1].section is not None and "CƠ CHẾ, CHÍNH SÁCH" in tasks[1].section


def test_header_cells_as_ocr_reads_them() -> None:
    """A header cell OCR read with a doubt mark or without its slash still names its column."""
    assert [
        role_of(c) for c in ("Cơ quanĐơn[?] vị chủ trì", "Cơ quanphối hợp", "Thời gian[?] hoàn thành")
    ] == [
        Role.LEAD,
        Role.SUPPORT,
        Role.TIME,
    ]
