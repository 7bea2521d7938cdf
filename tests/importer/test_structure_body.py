"""Which paragraphs of a plan's body are tasks: headings broken over lines, parts that only
point to an appendix, descriptions beside a task table, fields written inside a sentence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planflow.errors import DocumentError
from planflow.importer import extract, read_document
from tests.importer.shapes import plan_docx

APPENDIX = ("PHỤ LỤC", "NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN")
TABLE = [
    ("STT", "NHIỆM VỤ VÀ GIẢI PHÁP", "CHỦ TRÌ", "PHỐI HỢP", "THỜI GIAN"),
    ("I", "NHÓM GIẢI PHÁP VỀ CƠ CHẾ CHÍNH SÁCH", "", "", ""),
    ("1", "Rà soát cơ chế khuyến khích xã hội hóa đầu tư công nghệ", "Sở Tài chính", "Sở Công Thương", "2026"),
    ("2", "Xây dựng cơ chế đặt hàng nghiên cứu khoa học", "Sở Khoa học và Công nghệ", "", "2026"),
    ("II", "PHÁT TRIỂN NGUỒN NHÂN LỰC", "", "", ""),
    ("1", "Đào tạo nhân lực chất lượng cao cho đổi mới công nghệ", "Sở Giáo dục và Đào tạo", "", "2026 - 2030"),
]  # fmt: skip


def test_roadmap_beside_an_appendix_table_is_no_task(tmp_path: Path) -> None:
    """Headings broken after their number are rebuilt; a roadmap's bullets are no tasks when the
    part on tasks points to the appendix table, whose rows are the tasks."""
    body = [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "- Khuyến khích đổi mới công nghệ trong doanh nghiệp.",
        "II.",  # the number alone on its line, as a portal or a narrow layout prints it
        "LỘ",
        "TRÌNH THỰC HIỆN",
        "1.",
        "Giai đoạn 2026 - 2030",
        "- Rà soát, bổ sung các chính sách hỗ trợ đổi mới công nghệ.",
        "- Đầu tư, nâng cấp hạ tầng số và cơ sở dữ liệu ngành.",
        "III.",
        "NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU (chi tiết Phụ lục đính kèm)",
        "IV. TỔ CHỨC THỰC HIỆN",
        "Sở Khoa học và Công nghệ là cơ quan thường trực theo dõi, đôn đốc thực hiện Kế hoạch./.",
    ]
    path = plan_docx(tmp_path / "kh.docx", body, appendix=APPENDIX, table=TABLE)
    tasks = extract(read_document(path), None).tasks
    assert [t.title for t in tasks] == [
        "Rà soát cơ chế khuyến khích xã hội hóa đầu tư công nghệ",
        "Xây dựng cơ chế đặt hàng nghiên cứu khoa học",
        "Đào tạo nhân lực chất lượng cao cho đổi mới công nghệ",
    ]


def test_items_of_a_task_part_stay_tasks_beside_a_table(tmp_path: Path) -> None:
    """Items written in the part on tasks stay tasks even without a lead when an appendix exists too."""
    body = [
        "I. NHIỆM VỤ",
        "1. Kiện toàn Tổ công tác chuyển đổi số của tỉnh.",
        "2. Tổ chức hội nghị sơ kết chuyển đổi số năm 2026.",
        "II. DANH MỤC NHIỆM VỤ",
        "(Chi tiết tại Phụ lục kèm theo)",
        "III. TỔ CHỨC THỰC HIỆN",
        "Sở Khoa học và Công nghệ là cơ quan thường trực theo dõi, đôn đốc thực hiện Kế hoạch./.",
    ]
    path = plan_docx(tmp_path / "kh.docx", body, appendix=APPENDIX, table=TABLE)
    titles = [t.title for t in extract(read_document(path), None).tasks]
    assert titles[:2] == [
        "Kiện toàn Tổ công tác chuyển đổi số của tỉnh.",
        "Tổ chức hội nghị sơ kết chuyển đổi số năm 2026.",
    ]
    assert len(titles) == 5


def test_tasks_written_unit_by_unit(tmp_path: Path) -> None:
    """Under "NHIỆM VỤ CỤ THỂ" each unit heading leads the items under it; objectives and a
    review of the past year in the same plan are no tasks."""
    body = [
        "I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ NĂM 2025",
        "1. Kết quả đạt được",
        "- Thu ngân sách ước đạt 105% dự toán.",
        "II. NHIỆM VỤ CỤ THỂ",
        "1. Mục tiêu cụ thể",
        "- Đến năm 2030, 100% khu bảo vệ nguồn lợi thủy sản được quản lý.",
        "2. Sở Nông nghiệp và Môi trường",
        "- Xây dựng kế hoạch quan trắc môi trường nước nuôi trồng thủy sản.",
        "- Theo dõi hoạt động khai thác thủy sản xa bờ.",
        "3. Sở Văn hóa, Thể thao và Du lịch",
        "- Phát triển mô hình du lịch cộng đồng ven biển.",
        "4. Công an tỉnh",
        "Phòng ngừa, đấu tranh với vi phạm pháp luật trên biển.",
        "III. TỔ CHỨC THỰC HIỆN",
        "Sở Nông nghiệp và Môi trường là cơ quan thường trực theo dõi, đôn đốc thực hiện Kế hoạch./.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert [(t.title, [r.name for r in t.lead]) for t in tasks] == [
        (
            "Xây dựng kế hoạch quan trắc môi trường nước nuôi trồng thủy sản.",
            ["Sở Nông nghiệp và Môi trường"],
        ),
        ("Theo dõi hoạt động khai thác thủy sản xa bờ.", ["Sở Nông nghiệp và Môi trường"]),
        ("Phát triển mô hình du lịch cộng đồng ven biển.", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Phòng ngừa, đấu tranh với vi phạm pháp luật trên biển.", ["Công an tỉnh"]),
    ]


def test_duties_unit_by_unit_are_the_tasks_when_nothing_else_is_assigned(tmp_path: Path) -> None:
    """A plan whose contents assign nothing gives out its work in "Tổ chức thực hiện", unit by
    unit: those duties are its tasks, and its reporting sentences stay report duties."""
    body = [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "- Cụ thể hóa các nhiệm vụ của Quy hoạch.",
        "II. NỘI DUNG CHỦ YẾU",
        "1. Các chương trình, dự án triển khai thực hiện quy hoạch",
        "- Tập trung xây dựng, nâng cấp và cải tạo các cơ sở văn hóa;",
        "- Bảo tồn, phát huy bền vững các giá trị văn hóa.",
        "III. TỔ CHỨC THỰC HIỆN",
        "1.",
        "Viện Văn hóa, Nghệ thuật, Thể thao và Du lịch Việt Nam",
        "a) Tổ chức tuyên truyền, phổ biến nội dung quy hoạch.",
        "b) Định kỳ hằng năm báo cáo Bộ trưởng kết quả thực hiện Kế hoạch.",
        "2. Sở Văn hóa, Thể thao và Du lịch các tỉnh, thành phố trực thuộc Trung ương Chủ trì, phối hợp với "
        "các cơ quan có liên quan tham mưu cho Ủy ban nhân dân cấp tỉnh:",
        "a) Quản lý chặt chẽ quỹ đất dành cho thiết chế văn hóa, thể thao.",
        "b) Bố trí vốn đối ứng từ ngân sách địa phương.",
    ]
    path = plan_docx(tmp_path / "kh.docx", body)
    tasks = extract(read_document(path), None).tasks
    assert [(t.title, [r.name for r in t.lead]) for t in tasks] == [
        ("Tổ chức tuyên truyền, phổ biến nội dung quy hoạch.", ["Viện Văn hóa, Nghệ thuật, Thể thao và Du lịch Việt Nam"]),
        ("Quản lý chặt chẽ quỹ đất dành cho thiết chế văn hóa, thể thao.",
         ["Sở Văn hóa, Thể thao và Du lịch các tỉnh, thành phố trực thuộc Trung ương"]),
        ("Bố trí vốn đối ứng từ ngân sách địa phương.",
         ["Sở Văn hóa, Thể thao và Du lịch các tỉnh, thành phố trực thuộc Trung ương"]),
    ]  # fmt: skip


def test_fields_written_inside_a_numbered_paragraph(tmp_path: Path) -> None:
    """ "Đơn vị chủ trì: …; thời gian: …" inside the sentence of a task, or in brackets after it,
    are its fields; products and the source of funds too."""
    body = [
        "I. NHIỆM VỤ TRỌNG TÂM",
        "1. Khảo sát mức độ chuyển đổi số của doanh nghiệp. Đơn vị chủ trì: Sở Khoa học và Công nghệ; "
        "đơn vị phối hợp: Sở Công Thương; thời gian thực hiện: Quý II/2026.",
        "2. Xây dựng cơ sở dữ liệu doanh nghiệp (cơ quan chủ trì: Sở Tài chính; thời gian hoàn thành: "
        "Quý IV/2026).",
        "3. Tổ chức diễn đàn doanh nghiệp số; Sản phẩm: Báo cáo tổng kết diễn đàn; Nguồn kinh phí: ngân sách tỉnh.",
        "II. TỔ CHỨC THỰC HIỆN",
        "Sở Khoa học và Công nghệ là cơ quan thường trực theo dõi, đôn đốc thực hiện Kế hoạch./.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert [t.title for t in tasks] == [
        "Khảo sát mức độ chuyển đổi số của doanh nghiệp.",
        "Xây dựng cơ sở dữ liệu doanh nghiệp",
        "Tổ chức diễn đàn doanh nghiệp số",
    ]
    assert [[r.name for r in t.lead] for t in tasks[:2]] == [["Sở Khoa học và Công nghệ"], ["Sở Tài chính"]]
    assert [r.name for r in tasks[0].support] == ["Sở Công Thương"]
    assert [t.time.text if t.time else None for t in tasks[:2]] == ["Quý II/2026", "Quý IV/2026"]
    assert (tasks[2].products, tasks[2].funding) == ("Báo cáo tổng kết diễn đàn", "ngân sách tỉnh.")


def test_lead_and_support_written_as_a_sentence(tmp_path: Path) -> None:
    """ "<unit> chủ trì, phối hợp với <unit> thực hiện trong Quý I/2026" names the lead, the
    support and (marked for review) the time; a comma inside a unit's name keeps it whole."""
    body = [
        "I. NHIỆM VỤ CỤ THỂ",
        "1. Xây dựng phương án phòng thủ dân sự: Ban Chỉ huy Quân sự phường chủ trì, phối hợp với Phòng Kinh tế, "
        "Hạ tầng và Đô thị phường thực hiện trong Quý I/2026.",
        "2. Rà soát khu vực có nguy cơ ngập úng. Phòng Kinh tế, Hạ tầng và Đô thị phường chủ trì; các khu phố "
        "phối hợp; hoàn thành trước ngày 15/5/2026.",
        "II. TỔ CHỨC THỰC HIỆN",
        "Ban Chỉ huy Quân sự phường là cơ quan thường trực theo dõi, đôn đốc thực hiện Kế hoạch./.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert [([r.name for r in t.lead], [r.name for r in t.support]) for t in tasks] == [
        (["Ban Chỉ huy Quân sự phường"], ["Phòng Kinh tế, Hạ tầng và Đô thị phường"]),
        (["Phòng Kinh tế, Hạ tầng và Đô thị phường"], ["các khu phố"]),
    ]
    assert [t.time.text if t.time else None for t in tasks] == ["trong Quý I/2026", "trước ngày 15/5/2026"]
    assert all("when" in t.doubts for t in tasks)


def test_a_group_of_bodies_heading_leads_its_items(tmp_path: Path) -> None:
    """Items under "Các sở, ban, ngành; Ủy ban nhân dân các xã, phường" are led by that group."""
    body = [
        "I. NHIỆM VỤ CỤ THỂ",
        "1. Sở Tài chính",
        "- Bố trí kinh phí thực hiện Kế hoạch.",
        "- Hướng dẫn quản lý, sử dụng kinh phí.",
        "2. Các sở, ban, ngành; Ủy ban nhân dân các xã, phường",
        "- Xây dựng kế hoạch thực hiện tại cơ quan, địa phương.",
        "II. TỔ CHỨC THỰC HIỆN",
        "Sở Tài chính là cơ quan thường trực theo dõi, đôn đốc thực hiện Kế hoạch./.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert [[r.name for r in t.lead] for t in tasks] == [
        ["Sở Tài chính"],
        ["Sở Tài chính"],
        ["Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường"],
    ]


def test_an_emulation_campaigns_contents_are_no_tasks(tmp_path: Path) -> None:
    """ "Nội dung thi đua" lists what units are judged on; the duties unit by unit are the tasks."""
    body = [
        "I. NỘI DUNG THI ĐUA",
        "a) Thi đua thực hiện tốt công tác tuyên truyền về bầu cử.",
        "b) Thi đua đẩy mạnh cải cách hành chính.",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Sở Nội vụ",
        "- Hướng dẫn các cơ quan, đơn vị tổ chức phong trào thi đua.",
        "- Tham mưu khen thưởng tổng kết phong trào thi đua.",
        "2. Sở Văn hóa, Thể thao và Du lịch: Chỉ đạo các cơ quan báo chí tuyên truyền phong trào thi đua.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert [t.title for t in tasks] == [
        "Hướng dẫn các cơ quan, đơn vị tổ chức phong trào thi đua.",
        "Tham mưu khen thưởng tổng kết phong trào thi đua.",
        "Chỉ đạo các cơ quan báo chí tuyên truyền phong trào thi đua.",
    ]


def test_an_unread_appendix_is_not_replaced_by_the_duties(tmp_path: Path) -> None:
    """When the part on tasks points to an appendix whose table could not be read, the import
    says no task was found rather than passing the units' duties off as the task list."""
    body = [
        "I. NHIỆM VỤ",
        "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Sở Tài chính",
        "- Bố trí kinh phí thực hiện Kế hoạch.",
        "2. Sở Nội vụ",
        "- Hướng dẫn khen thưởng.",
        "3. Sở Công Thương",
        "- Hỗ trợ doanh nghiệp.",
    ]
    path = plan_docx(
        tmp_path / "kh.docx", body, appendix=("PHỤ LỤC", "DANH MỤC NHIỆM VỤ", "TT Nhiệm vụ", "1")
    )
    with pytest.raises(DocumentError) as refused:
        extract(read_document(path), None)
    assert str(refused.value).endswith(
        "văn bản là một Kế hoạch nhưng không tìm thấy nhiệm vụ nào: các nhiệm vụ ở phụ lục, và bảng của phụ "
        "lục không đọc được (các ô bị dàn thành từng dòng); hãy dùng file .docx hoặc .pdf gốc"
    )


def test_a_duty_that_opens_with_its_partners(tmp_path: Path) -> None:
    """ "Chủ trì, phối hợp với <units> <action> …" under a unit heading: the heading leads,
    the units up to the action support; "…, phối hợp với <unit> trình …" later in the sentence too."""
    body = [
        "I. NHIỆM VỤ CỤ THỂ",
        "1. Sở Y tế",
        "- Chủ trì, phối hợp với các sở, ngành, địa phương có liên quan tham mưu xây dựng đề án y tế cơ sở.",
        "- Phối hợp Sở Nội vụ tiến hành họp xét khen thưởng.",
        "- Rà soát nhu cầu kinh phí, phối hợp với Sở Tài chính trình cấp có thẩm quyền bố trí.",
        "- Kiểm tra việc thực hiện các dự án đầu tư trang thiết bị.",
        "2. Liên minh Hợp tác xã tỉnh",
        "- Phối hợp với Thành đoàn tổ chức diễn đàn thanh niên khởi nghiệp.",
        "II. TỔ CHỨC THỰC HIỆN",
        "Sở Y tế là cơ quan thường trực theo dõi, đôn đốc thực hiện Kế hoạch./.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert [([r.name for r in t.lead], [r.name for r in t.support]) for t in tasks] == [
        (["Sở Y tế"], ["các sở, ngành, địa phương có liên quan"]),
        (["Sở Y tế"], ["Sở Nội vụ"]),
        (["Sở Y tế"], ["Sở Tài chính"]),
        (["Sở Y tế"], []),
        (["Liên minh Hợp tác xã tỉnh"], ["Thành đoàn"]),
    ]


def test_a_unit_heading_ends_at_its_colon(tmp_path: Path) -> None:
    """ "Đề nghị <bodies>: <duty>" on one line: the colon ends the names whatever word follows
    (a duty may open with "Ban hành", which also begins bodies' names), and every body named,
    a collective after "và" too, leads the duty."""
    body = [
        "I. NỘI DUNG THI ĐUA",
        "a) Thi đua hoàn thành xuất sắc nhiệm vụ được giao.",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Đề nghị Ban Dân vận Huyện ủy: Ban hành văn bản hướng dẫn, định hướng công tác tuyên truyền.",
        "2. Đề nghị Hội Nông dân tỉnh và các tổ chức chính trị - xã hội tỉnh: Vận động hội viên tham gia"
        " phong trào thi đua.",
        "3. Sở Nội vụ: Tham mưu khen thưởng tổng kết phong trào thi đua.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert [(t.title, [r.name for r in t.lead], [r.name for r in t.support]) for t in tasks[:2]] == [
        ("Ban hành văn bản hướng dẫn, định hướng công tác tuyên truyền.", ["Ban Dân vận Huyện ủy"], []),
        ("Vận động hội viên tham gia phong trào thi đua.",
         ["Hội Nông dân tỉnh", "các tổ chức chính trị - xã hội tỉnh"], []),
    ]  # fmt: skip


def test_a_unit_run_into_a_duty_that_opens_with_a_three_word_phrase(tmp_path: Path) -> None:
    """ "Sở … Theo chức năng, nhiệm vụ …" (the unit's line joined to its duty): the duty starts
    at "Theo chức năng", a three-word opening, not at a later verb inside it."""
    body = [
        "I. NỘI DUNG THI ĐUA",
        "a) Thi đua hoàn thành xuất sắc nhiệm vụ được giao.",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Sở Khoa học và Công nghệ Theo chức năng, nhiệm vụ của đơn vị phối hợp, hỗ trợ chuyển đổi số"
        " trong công tác chi trả.",
        "2. Sở Nội vụ: Tham mưu khen thưởng tổng kết phong trào thi đua.",
        "3. Sở Tài chính: Bố trí kinh phí khen thưởng.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert (tasks[0].title, [r.name for r in tasks[0].lead]) == (
        "Theo chức năng, nhiệm vụ của đơn vị phối hợp, hỗ trợ chuyển đổi số trong công tác chi trả.",
        ["Sở Khoa học và Công nghệ"],
    )


def test_a_heading_naming_service_providers_leads_its_items(tmp_path: Path) -> None:
    """ "Đề nghị các tổ chức cung cấp dịch vụ …" is a unit heading: "các tổ chức" begins a
    collective's name and "cung cấp dịch vụ" describes the providers, it ends no name."""
    body = [
        "I. NỘI DUNG THI ĐUA",
        "a) Thi đua mở tài khoản cho người hưởng trợ cấp.",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Sở Nội vụ: Tham mưu khen thưởng tổng kết phong trào thi đua.",
        "2. Sở Tài chính: Bố trí kinh phí khen thưởng.",
        "3. Đề nghị các tổ chức cung cấp dịch vụ viễn thông",
        "a) Hỗ trợ mở tài khoản thanh toán di động tại xã.",
        "b) Bố trí điểm giao dịch lưu động cho người cao tuổi.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert [(t.title, [r.name for r in t.lead]) for t in tasks[2:]] == [
        ("Hỗ trợ mở tài khoản thanh toán di động tại xã.", ["các tổ chức cung cấp dịch vụ viễn thông"]),
        ("Bố trí điểm giao dịch lưu động cho người cao tuổi.", ["các tổ chức cung cấp dịch vụ viễn thông"]),
    ]


def test_a_duty_run_into_the_unit_heading_before_its_items(tmp_path: Path) -> None:
    """ "1. Các cơ quan … căn cứ chức năng … xây dựng kế hoạch …;" followed by "- …" items: the
    duty written with the unit's name is a task besides its items; a lead-in ending in ":" is
    not, and names after a colon ("các xã: Gia Thuận, Tân Điền") stay in the heading."""
    body = [
        "I. NỘI DUNG THI ĐUA",
        "a) Thi đua hoàn thành xuất sắc nhiệm vụ được giao.",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Các cơ quan, đơn vị, địa phương căn cứ chức năng, nhiệm vụ được giao xây dựng kế hoạch hưởng ứng"
        " phong trào thi đua.",
        "- Giới thiệu điển hình tiên tiến trong phong trào.",
        "2. Sở Nội vụ: Tham mưu khen thưởng tổng kết phong trào thi đua.",
        "3. Ủy ban nhân dân các xã: Tân Hòa, Phú Lộc",
        "- Tổ chức phát động phong trào tại địa phương.",
    ]
    tasks = extract(read_document(plan_docx(tmp_path / "kh.docx", body)), None).tasks
    assert [(t.title, [r.name for r in t.lead]) for t in tasks[:3]] == [
        ("căn cứ chức năng, nhiệm vụ được giao xây dựng kế hoạch hưởng ứng phong trào thi đua.",
         ["Các cơ quan, đơn vị, địa phương"]),
        ("Giới thiệu điển hình tiên tiến trong phong trào.", ["Các cơ quan, đơn vị, địa phương"]),
        ("Tham mưu khen thưởng tổng kết phong trào thi đua.", ["Sở Nội vụ"]),
    ]  # fmt: skip
    assert [t.title for t in tasks[3:]] == ["Tổ chức phát động phong trào tại địa phương."]
    assert "Tân Hòa" in " ".join(r.name for r in tasks[3].lead)


def test_a_campaigns_dated_steps_are_tasks(tmp_path: Path) -> None:
    """A campaign plan's parts on time schedule steps: each sentence with a date is a task with
    that date and no unit (marked for review); the sentence on the campaign itself is its period,
    which with the steps gives the plan's period."""
    body = [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "- Động viên cán bộ thi đua hoàn thành nhiệm vụ.",
        "II. NỘI DUNG VÀ THỜI GIAN THI ĐUA",
        "1. Nội dung thi đua",
        "a) Thi đua cải cách hành chính.",
        "2. Thời gian thi đua",
        "- Đợt 1: Cao điểm tiếp nhận hồ sơ (từ ngày 05 đến ngày 15 tháng 3 năm 2026);",
        "- Đợt 2: Rà soát hồ sơ còn tồn (từ ngày 01/4/2026 đến ngày 10/4/2026).",
        "3. Thời gian tổ chức: Phong trào được triển khai từ tháng 3 năm 2026 đến hết tháng 6 năm 2026. "
        "Sơ kết vào tháng 7 năm 2026.",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Sở Nội vụ: Tham mưu khen thưởng tổng kết phong trào thi đua.",
        "2. Sở Tài chính: Bố trí kinh phí khen thưởng.",
        "3. Sở Văn hóa, Thể thao và Du lịch: Chỉ đạo tuyên truyền phong trào thi đua.",
    ]
    title = ("KẾ HOẠCH", "Phát động phong trào thi đua cải cách hành chính")
    draft = extract(read_document(plan_docx(tmp_path / "kh.docx", body, title=title)), None)
    tasks = draft.tasks
    steps = [(t.title, t.time.text if t.time else None, t.lead) for t in tasks[:3]]
    assert steps == [
        ("Đợt 1: Cao điểm tiếp nhận hồ sơ", "từ ngày 05 đến ngày 15 tháng 3 năm 2026", []),
        ("Đợt 2: Rà soát hồ sơ còn tồn", "từ ngày 01/4/2026 đến ngày 10/4/2026", []),
        ("Sơ kết", "vào tháng 7 năm 2026", []),
    ]
    assert all("lead" in t.doubts for t in tasks[:3])
    assert tasks[3].title == "Tham mưu khen thưởng tổng kết phong trào thi đua."
    # the plan's period spans the campaign's own dates and its steps'
    assert draft.period == (dt.date(2026, 3, 1), dt.date(2026, 7, 31))
