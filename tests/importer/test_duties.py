"""Report duties of "Tổ chức thực hiện" and "Chế độ báo cáo", one paragraph shape per test,
read from real plan files (text and Word) through the whole importer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from planflow.importer import extract, read_document, write_draft
from planflow.importer.draft import PlanDraft, ReportDraft
from planflow.importer.reporttime import _numbers
from planflow.importer.unitnames import expand
from planflow.loader import load_directory_file
from planflow.when import Cadence, DeadlineWhen, DueAnchor, EventWhen, QuarterWhen, RecurringWhen, WindowWhen
from tests.conftest import REPO
from tests.importer.documents import SEEDS, write_docx

HEAD = """\
ỦY BAN NHÂN DÂN       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH HÒA BÌNH    Độc lập - Tự do - Hạnh phúc
Số: 215/KH-UBND         Hòa Bình, ngày 12 tháng 3 năm 2026

KẾ HOẠCH
Thúc đẩy chuyển đổi số trong doanh nghiệp năm 2026

I. NHIỆM VỤ
1. Tổ chức hội nghị phổ biến chính sách hỗ trợ doanh nghiệp chuyển đổi số
- Đơn vị chủ trì: Sở Khoa học và Công nghệ.
- Đơn vị phối hợp: Sở Tài chính, Hiệp hội Doanh nghiệp tỉnh.
- Thời gian: Quý II/2026.
"""
TAIL = """
Trên đây là Kế hoạch thúc đẩy chuyển đổi số trong doanh nghiệp năm 2026 của tỉnh./.

Nơi nhận:
- Bộ Khoa học và Công nghệ;
- Lưu: VT, KGVX.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
"""


def _draft(tmp_path: Path, duties: str) -> PlanDraft:
    path = tmp_path / "ke-hoach.txt"
    path.write_text(HEAD + duties + TAIL, encoding="utf-8")
    return extract(read_document(path), None)


def _who(report: ReportDraft) -> tuple[str, list[str]]:
    return report.compiler.name, [r.name for r in report.recipients]


def _inputs(report: ReportDraft) -> list[tuple[str, str | None]]:
    return [(units[0].name, time.text if time else None) for units, time in report.inputs]


UNITS = ("Các sở, ban, ngành", "UBND các xã, phường")


def _groups(report: ReportDraft) -> list[tuple[tuple[str, ...], str | None]]:
    return [(tuple(u.name for u in units), time.text if time else None) for units, time in report.inputs]


def _says(report_time: object, *numbers: int) -> bool:
    """A time either holds every number of its words, or has no date and a review mark."""
    when = getattr(report_time, "when", None)
    return when is None or set(numbers) <= _numbers(when.model_dump(exclude={"text"}))


def test_unit_heading_then_dashes_with_a_one_off_deadline(tmp_path: Path) -> None:
    """A unit's name on its own line, its duties as dashes: the one-off report has its recipients and date."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Khoa học và Công nghệ
- Là cơ quan thường trực, chủ trì tham mưu UBND tỉnh triển khai Kế hoạch.
- Tổng hợp, tham mưu UBND tỉnh báo cáo kết quả thực hiện Kế hoạch về Bộ Khoa học và Công nghệ
trước ngày 30/10/2026.
2. Sở Tài chính
- Tham mưu bố trí kinh phí thực hiện Kế hoạch.
""",
    )
    (report,) = draft.reports
    assert _who(report) == ("Sở Khoa học và Công nghệ", ["Bộ Khoa học và Công nghệ"])
    assert report.time is not None and report.time.when == DeadlineWhen(
        text="trước ngày 30/10/2026", by=dt.date(2026, 10, 30), before=True
    )
    assert (report.kind, report.doubts) == ("thematic", {})
    assert draft.standing_unit is not None and draft.standing_unit.name == "Sở Khoa học và Công nghệ"


def test_inline_duty_with_a_cycle_and_no_day(tmp_path: Path) -> None:
    """ "1. Sở …: …" inline; a yearly report whose day is not written is kept, marked for review."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Nông nghiệp và Môi trường: Chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch. Định kỳ hằng
năm, tổng hợp, báo cáo kết quả thực hiện Kế hoạch về Bộ Nông nghiệp và Môi trường, đồng gửi UBND
tỉnh theo dõi.
""",
    )
    (report,) = draft.reports
    assert _who(report) == ("Sở Nông nghiệp và Môi trường", ["Bộ Nông nghiệp và Môi trường", "UBND tỉnh"])
    assert report.kind == "periodic"
    assert report.time is not None and isinstance(report.time.when, RecurringWhen)
    assert report.time.when.every == (Cadence.YEAR,)
    assert report.doubts["when"] == (
        "văn bản ghi “Định kỳ hằng năm” nhưng không ghi ngày gửi; tạm tính cuối mỗi kỳ — ghi lại ngày"
    )


def test_several_cycles_in_one_sentence_sent_for_consolidation(tmp_path: Path) -> None:
    """Monthly, six-monthly and yearly deadlines of one sentence are three reports of the
    consolidating department, each with the units' inputs due on their own day."""
    draft = _draft(
        tmp_path,
        """
II. CHẾ ĐỘ THÔNG TIN, BÁO CÁO
Các sở, ban, ngành, UBND các xã, phường báo cáo kết quả thực hiện định kỳ hằng tháng trước ngày
16, 6 tháng trước ngày 16/6, hằng năm trước ngày 20/11 hoặc khi có yêu cầu gửi Sở Khoa học và Công
nghệ tổng hợp, báo cáo UBND tỉnh.
""",
    )
    assert [_who(r) for r in draft.reports] == [("Sở Khoa học và Công nghệ", ["UBND tỉnh"])] * 4
    assert [r.title for r in draft.reports] == [
        "Báo cáo kết quả thực hiện (hằng tháng)",
        "Báo cáo kết quả thực hiện (6 tháng)",
        "Báo cáo kết quả thực hiện (hằng năm)",
        "Báo cáo kết quả thực hiện (đột xuất)",
    ]
    *periodic, on_request = draft.reports
    # "hoặc khi có yêu cầu": a report of its own, on request, never a date
    assert (on_request.kind, _groups(on_request)) == ("ad_hoc", [(UNITS, "khi có yêu cầu")])
    assert on_request.time is not None and isinstance(on_request.time.when, EventWhen)
    words = ["định kỳ hằng tháng trước ngày 16", "6 tháng trước ngày 16/6", "hằng năm trước ngày 20/11"]
    for report, said, numbers in zip(periodic, words, [(16,), (16, 6), (20, 11)], strict=True):
        # the units one sentence names send one input together
        assert _groups(report) == [(UNITS, said)]
        assert all(_says(time, *numbers) for _, time in report.inputs)
        assert report.time is None  # the department's own day is not written: to review
        unread = any(time is not None and time.when is None for _, time in report.inputs)
        assert report.doubts["when"] == (
            "văn bản chỉ ghi hạn các đơn vị gửi báo cáo để tổng hợp; ghi hạn báo cáo này"
            + (
                f"; chưa đọc được hạn các đơn vị gửi báo cáo (“{said}”); ghi lại hạn cho từng đơn vị"
                if unread
                else ""
            )
        )


def test_reporting_through_the_standing_department(tmp_path: Path) -> None:
    """ "Báo cáo … về UBND tỉnh (qua Sở …)": the department compiles, the communes are its input."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Khoa học và Công nghệ
Chủ trì tham mưu UBND tỉnh triển khai thực hiện các nội dung theo Kế hoạch.
2. UBND các xã, phường
Xây dựng kế hoạch thực hiện trên địa bàn. Báo cáo kết quả về UBND tỉnh (qua Sở Khoa học và Công
nghệ) lồng ghép với các báo cáo định kỳ.
""",
    )
    (report,) = draft.reports
    assert _who(report) == ("Sở Khoa học và Công nghệ", ["UBND tỉnh"])
    assert _inputs(report) == [("UBND các xã, phường", None)]


def test_cycles_sharing_one_deadline_and_the_units_quarterly_input(tmp_path: Path) -> None:
    """ "Định kỳ hàng quý, 6 tháng, năm (chậm nhất vào ngày mùng 10 của tháng)" is one report
    on three cycles; the offices' quarterly reports in the closing sentence are its input."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Phòng Văn hóa - Xã hội
- Là cơ quan thường trực; định kỳ hàng quý, 6 tháng, năm (chậm nhất vào ngày mùng 10 của tháng)
báo cáo tình hình thực hiện Kế hoạch về UBND tỉnh.
2. Các phòng, ban, đơn vị
- Hàng quý báo cáo vào tuần cuối của tháng cuối trong quý về tiến độ thực hiện về UBND tỉnh (qua
Phòng Văn hóa - Xã hội).
""",
    )
    (report,) = draft.reports
    assert _who(report) == ("Phòng Văn hóa - Xã hội", ["UBND tỉnh"])
    assert report.time is not None and isinstance(report.time.when, RecurringWhen)
    assert report.time.when.every == (Cadence.QUARTER, Cadence.HALF, Cadence.YEAR)
    assert (report.time.when.due.anchor, report.time.when.due.day) == (DueAnchor.NEXT_MONTH_DAY, 10)
    (units, time), *_ = report.inputs
    assert (units[0].name, time and time.text) == (
        "Các phòng, ban, đơn vị",
        "Hàng quý vào tuần cuối của tháng cuối trong quý",
    )


def test_report_regime_section_with_mid_term_and_final_reports(tmp_path: Path) -> None:
    """A "Chế độ báo cáo" subsection: the units' yearly input, the department's yearly report,
    and a mid-term and a final report, each kept with the year it names."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THEO DÕI, KIỂM TRA VÀ CHẾ ĐỘ BÁO CÁO
1. Công tác theo dõi, kiểm tra
- Sở Khoa học và Công nghệ là cơ quan thường trực, chủ trì theo dõi, đôn đốc, kiểm tra việc thực
hiện Kế hoạch.
2. Chế độ báo cáo
- Các sở, ban, ngành, Ủy ban nhân dân các xã, phường có trách nhiệm định kỳ báo cáo kết quả thực
hiện trước ngày 20/11 về Sở Khoa học và Công nghệ để tổng hợp.
- Sở Khoa học và Công nghệ tổng hợp, báo cáo UBND tỉnh và Bộ Khoa học và Công nghệ trước ngày
30/11 hằng năm. Báo cáo giữa kỳ thực hiện Kế hoạch (năm 2028) và báo cáo tổng kết thực hiện Kế
hoạch (năm 2030), gửi UBND tỉnh và Bộ Khoa học và Công nghệ.
""",
    )
    yearly, mid, final = draft.reports
    to = ["UBND tỉnh", "Bộ Khoa học và Công nghệ"]
    assert [_who(r)[0] for r in draft.reports] == ["Sở Khoa học và Công nghệ"] * 3
    assert sorted(_who(yearly)[1]) == sorted(to) and _who(mid)[1] == to and _who(final)[1] == to
    assert yearly.time is not None and yearly.time.text == "trước ngày 30/11 hằng năm"
    assert _says(yearly.time, 30, 11)
    assert _groups(yearly) == [(("Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường"), "trước ngày 20/11")]
    assert all(_says(time, 20, 11) for _, time in yearly.inputs)
    assert [(r.title, r.time and r.time.text) for r in (mid, final)] == [
        ("Báo cáo giữa kỳ thực hiện Kế hoạch", "(năm 2028)"),
        ("Báo cáo tổng kết thực hiện Kế hoạch", "(năm 2030)"),
    ]
    assert all(_says(r.time, 2028 if r is mid else 2030) and "when" in r.doubts for r in (mid, final))


def test_units_reporting_to_a_compiling_department_are_its_inputs(tmp_path: Path) -> None:
    """ "Các đơn vị, địa phương … báo cáo về Sở …": an input of that department's report."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Các đơn vị, địa phương tăng cường kiểm tra, đôn đốc thực hiện Kế hoạch này, định kỳ hàng năm
báo cáo kết quả thực hiện về Sở Nông nghiệp và Môi trường chậm nhất ngày 17 tháng 12. Thời gian báo
cáo định kỳ hàng năm tính từ ngày 15 tháng 12 năm trước kỳ báo cáo đến ngày 14 tháng 12 của kỳ báo
cáo.
2. Giao Sở Nông nghiệp và Môi trường chủ trì theo dõi, đôn đốc thực hiện Kế hoạch; tổ chức sơ kết,
tổng kết, báo cáo kịp thời về Bộ Nông nghiệp và Môi trường, Ủy ban nhân dân tỉnh.
""",
    )
    (report,) = draft.reports
    assert _who(report) == (
        "Sở Nông nghiệp và Môi trường",
        ["Bộ Nông nghiệp và Môi trường", "Ủy ban nhân dân tỉnh"],
    )
    ((units, time),) = report.inputs
    assert (units[0].name, time and time.text) == (
        "Các đơn vị, địa phương",
        "định kỳ hàng năm chậm nhất ngày 17 tháng 12",
    )
    assert _says(time, 17, 12)


def test_what_is_no_report_duty(tmp_path: Path) -> None:
    """Difficulties reported as they arise, a data window, "báo cáo viên" and a system named
    "Hệ thống thông tin báo cáo" ask for no report."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Văn phòng UBND tỉnh: Vận hành tốt Hệ thống thông tin báo cáo của tỉnh, báo cáo Chính phủ.
2. Ban Tuyên giáo và Dân vận Tỉnh ủy: Chỉ đạo đội ngũ báo cáo viên tuyên truyền về Kế hoạch.
3. Thời gian báo cáo định kỳ hằng năm tính từ ngày 15 tháng 12 năm trước đến ngày 14 tháng 12.
4. Các tổ chức, cá nhân liên quan: Phối hợp triển khai Kế hoạch; báo cáo những khó khăn, vướng mắc
(nếu có) về Sở Khoa học và Công nghệ.
""",
    )
    assert draft.reports == []


def test_duties_of_a_word_file_validate_as_a_definition(tmp_path: Path) -> None:
    """A Word file's duties give reports with inputs that pass the definitions' own validation."""
    lines = (HEAD + """
II. TỔ CHỨC THỰC HIỆN
1. Sở Khoa học và Công nghệ
- Là cơ quan thường trực; tổng hợp, báo cáo UBND tỉnh kết quả thực hiện Kế hoạch trước ngày 15/12/2026.
2. UBND các xã, phường
- Báo cáo kết quả thực hiện về Sở Khoa học và Công nghệ trước ngày 05/12/2026 để tổng hợp.
""" + TAIL).splitlines()  # fmt: skip
    path = write_docx(tmp_path / "ke-hoach.docx", lines)
    draft = extract(read_document(path), None)
    written = write_draft(draft, None)
    (report,) = written.plan.reports
    assert report.when.text == "trước ngày 15/12/2026"
    ((given,),) = [i.units for i in report.inputs]
    assert given in {u.id for u in written.units.new}
    assert report.inputs[0].when is not None and report.inputs[0].when.text == "trước ngày 05/12/2026"


def test_a_list_of_reports_under_a_lead_sentence(tmp_path: Path) -> None:
    """ "… báo cáo gửi UBND tỉnh (thông qua Sở Nội vụ) cụ thể như sau:" then one dash per
    report ("Báo cáo quý gửi trước ngày 05 tháng cuối cùng của mỗi quý"): four reports of the
    consolidating department, the units' deadlines as its inputs."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ là cơ quan thường trực, theo dõi, đôn đốc thực hiện Kế hoạch.
2. Các sở, ban, ngành, UBND các xã, phường xây dựng kế hoạch và báo cáo gửi UBND tỉnh (thông qua
Sở Nội vụ) cụ thể như sau:
- Báo cáo tháng gửi trước ngày 15 của tháng;
- Báo cáo quý gửi trước ngày 05 tháng cuối cùng của mỗi quý;
- Báo cáo 6 tháng gửi trước ngày 05/6;
- Báo cáo năm gửi trước ngày 25/11 hàng năm.
""",
    )
    assert [(r.title, *_who(r)) for r in draft.reports] == [
        (f"Báo cáo kết quả thực hiện Kế hoạch ({label})", "Sở Nội vụ", ["UBND tỉnh"])
        for label in ("hằng tháng", "hằng quý", "6 tháng", "hằng năm")
    ]
    said = [
        ("tháng trước ngày 15 của tháng", (15,)),
        ("quý trước ngày 05 tháng cuối cùng của mỗi quý", (5,)),
        ("6 tháng trước ngày 05/6", (5, 6)),
        ("năm trước ngày 25/11 hàng năm", (25, 11)),
    ]
    for report, (words, numbers) in zip(draft.reports, said, strict=True):
        assert _groups(report) == [(UNITS, words)]
        assert all(_says(time, *numbers) for _, time in report.inputs)
    quarterly = draft.reports[1].inputs[0][1]
    assert quarterly is not None and isinstance(quarterly.when, RecurringWhen)
    assert (quarterly.when.due.anchor, quarterly.when.due.day) == (DueAnchor.LAST_MONTH_DAY, 5)


def test_the_deadline_after_the_upward_report_is_the_compilers(tmp_path: Path) -> None:
    """ "… gửi về Phòng … để tổng hợp, báo cáo UBND tỉnh trước ngày 15/9/2026": the date is the
    compiler's; the units' submissions are its undated inputs."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Văn hóa, Thể thao và Du lịch là cơ quan thường trực, theo dõi, đôn đốc thực hiện Kế hoạch.
2. Đề nghị các cơ quan, đơn vị, địa phương khẩn trương lập hồ sơ gửi về Sở Văn hóa, Thể thao và Du
lịch để tổng hợp, báo cáo UBND tỉnh trước ngày 15/9/2026.
""",
    )
    (report,) = draft.reports
    assert _who(report) == ("Sở Văn hóa, Thể thao và Du lịch", ["UBND tỉnh"])
    assert report.time is not None and report.time.when == DeadlineWhen(
        text="trước ngày 15/9/2026", by=dt.date(2026, 9, 15), before=True
    )
    assert _inputs(report) == [("các cơ quan, đơn vị, địa phương", None)]


def test_the_communes_as_the_reporting_unit(tmp_path: Path) -> None:
    """ "UBND các xã, phường … báo cáo … về UBND tỉnh": the communes report themselves (many
    units), while units that name no recipient report to the standing department."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Khoa học và Công nghệ là cơ quan thường trực, tổng hợp, báo cáo UBND tỉnh kết quả thực
hiện Kế hoạch trước ngày 20/12/2026.
2. UBND các xã, phường, đặc khu: Xây dựng kế hoạch triển khai trên địa bàn; báo cáo kết quả thực
hiện về UBND tỉnh trước ngày 15/12/2026.
3. Các sở, ban, ngành: Báo cáo kết quả thực hiện trước ngày 10/12/2026.
""",
    )
    department, communes = draft.reports
    assert _who(department) == ("Sở Khoa học và Công nghệ", ["UBND tỉnh"])
    assert _inputs(department) == [("Các sở, ban, ngành", "trước ngày 10/12/2026")]
    assert _who(communes) == ("UBND các xã, phường, đặc khu", ["UBND tỉnh"])
    assert communes.compiler.kind.value == "collective"
    assert communes.time is not None and communes.time.text == "trước ngày 15/12/2026"


def test_the_standing_unit_named_by_its_role(tmp_path: Path) -> None:
    """ "… gửi cơ quan thường trực để tổng hợp" means the unit named the standing unit."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ: Là cơ quan thường trực của Kế hoạch; tổng hợp, báo cáo UBND tỉnh kết quả thực hiện
trước ngày 20/12/2026.
2. Các sở, ban, ngành: Báo cáo kết quả thực hiện gửi cơ quan thường trực để tổng hợp trước ngày
10/12/2026.
""",
    )
    (report,) = draft.reports
    assert _who(report) == ("Sở Nội vụ", ["UBND tỉnh"])
    assert _inputs(report) == [("Các sở, ban, ngành", "trước ngày 10/12/2026")]


def test_an_item_subject_and_an_event(tmp_path: Path) -> None:
    """The subject of an item's sentence is that of its dashes; "khi tổng kết" is an event."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Các cơ quan, đơn vị, địa phương căn cứ chức năng, nhiệm vụ được giao xây dựng kế hoạch triển khai
Đợt thi đua.
- Khen thưởng theo thẩm quyền các tập thể, cá nhân tiêu biểu.
- Báo cáo Ủy ban nhân dân tỉnh về kết quả Đợt thi đua (qua Sở Nội vụ) khi tổng kết Đợt thi đua.
2. Sở Nội vụ
- Chủ trì theo dõi, đôn đốc, tổng hợp, báo cáo UBND tỉnh kết quả Đợt thi đua.
""",
    )
    (report,) = draft.reports
    assert _who(report) == ("Sở Nội vụ", ["UBND tỉnh"])
    ((units, time),) = report.inputs
    assert units[0].name == "Các cơ quan, đơn vị, địa phương"
    assert time is not None and time.when is not None and time.when.kind == "event"
    assert time.text == "khi tổng kết Đợt thi đua"


def test_word_headings_without_their_numbers(tmp_path: Path) -> None:
    """In a Word file whose unit headings are numbered by Word (the number is not in the
    text), a paragraph that is only a unit's name heads the dashes after it."""
    lines = (HEAD + """
II. TỔ CHỨC THỰC HIỆN
Sở Khoa học và Công nghệ
- Là cơ quan thường trực; tổng hợp, báo cáo UBND tỉnh kết quả thực hiện Kế hoạch trước ngày 15/12/2026.
UBND các xã, phường
- Xây dựng kế hoạch triển khai trên địa bàn.
- Báo cáo kết quả thực hiện về Sở Khoa học và Công nghệ trước ngày 05/12/2026 để tổng hợp.
""" + TAIL).splitlines()  # fmt: skip
    draft = extract(read_document(write_docx(tmp_path / "ke-hoach.docx", lines)), None)
    (report,) = draft.reports
    assert _who(report) == ("Sở Khoa học và Công nghệ", ["UBND tỉnh"])
    assert _inputs(report) == [("UBND các xã, phường", "trước ngày 05/12/2026")]


def test_the_seed_with_a_standing_office_and_its_inputs() -> None:
    """Seed 003 (a commune's yearly plan): the office's quarterly, 6-month and annual report to
    the commune, fed by the units (10th of the next month), the offices (last week of the
    quarter) and the two offices that supply figures."""
    directory, _ = load_directory_file(REPO / "definitions" / "units" / "loc-tan.yaml")
    draft = extract(read_document(SEEDS / "003_137cc9c763e74a36.txt"), directory)
    report = draft.reports[0]
    assert (report.compiler.unit_id, [r.unit_id for r in report.recipients]) == ("phong-vhxh", ["ubnd-xa"])
    assert [(units[0].unit_id, time and time.text) for units, time in report.inputs] == [
        ("co-quan-don-vi-xa", "Định kỳ hàng quý, 6 tháng, năm (chậm nhất vào ngày mùng 10 của tháng)"),
        ("co-quan-don-vi-xa", "Hàng quý vào tuần cuối của tháng cuối trong quý"),
        ("phong-kinh-te", None),
        ("ttpvhcc", None),
    ]


def test_a_task_deadline_next_to_a_report_is_not_a_report(tmp_path: Path) -> None:
    """ "Định kỳ hằng năm báo cáo …; hoàn thành rà soát trước ngày 30/6/2026": one yearly report."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ: Định kỳ hằng năm báo cáo kết quả thực hiện về UBND tỉnh; hoàn thành rà soát thủ tục
trước ngày 30/6/2026.
""",
    )
    (report,) = draft.reports
    assert report.time is not None and report.time.text == "Định kỳ hằng năm"


def test_a_cycle_of_another_duty_is_not_the_reports(tmp_path: Path) -> None:
    """ "Hằng năm, … xây dựng kế hoạch; báo cáo … trước ngày 30/11/2026": one report, once."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính: Hằng năm, xây dựng kế hoạch chi tiết; báo cáo kết quả thực hiện về UBND tỉnh trước
ngày 30/11/2026.
""",
    )
    (report,) = draft.reports
    assert (report.kind, report.time and report.time.text) == ("thematic", "trước ngày 30/11/2026")


def test_a_run_in_report_heading_and_a_second_report_of_the_same_sentence(tmp_path: Path) -> None:
    """ "2. Chế độ báo cáo" read into the paragraph under it is no part of the sentence: the
    units' monthly report is the input of the standing unit's; the yearly report written
    after the quarterly one ("… định kỳ hằng quý (…) và báo cáo năm trước ngày 15/11") goes
    to the recipients the sentence names for the first."""
    draft = _draft(
        tmp_path,
        """
IV. TỔ CHỨC THỰC HIỆN
1. Ban Chỉ huy Quân sự phường là cơ quan thường trực, tham mưu Ủy ban nhân dân phường theo dõi,
đôn đốc, kiểm tra việc thực hiện Kế hoạch.
2. Chế độ báo cáo
Các đơn vị, khu phố báo cáo kết quả thực hiện về Ban Chỉ huy Quân sự phường trước ngày 15 hằng
tháng. Ban Chỉ huy Quân sự phường tổng hợp, báo cáo Ủy ban nhân dân phường và Bộ Chỉ huy Quân sự
tỉnh định kỳ hằng quý (trước ngày 20 của tháng cuối quý) và báo cáo năm trước ngày 15/11.
""",
    )
    monthly, quarterly, yearly = draft.reports
    upward = ["Ủy ban nhân dân phường", "Bộ Chỉ huy Quân sự tỉnh"]
    assert [_who(r) for r in (quarterly, yearly)] == [("Ban Chỉ huy Quân sự phường", upward)] * 2
    assert _groups(monthly) == [(("Các đơn vị, khu phố",), "trước ngày 15 hằng tháng")]
    (_, units_time), *_ = monthly.inputs
    assert units_time is not None and isinstance(units_time.when, RecurringWhen)
    assert units_time.when.every == (Cadence.MONTH,)
    assert yearly.time is not None and _says(yearly.time, 15, 11)
    assert quarterly.time is not None and _says(quarterly.time, 20)


def test_a_units_review_with_its_time_is_a_report(tmp_path: Path) -> None:
    """ "tham mưu sơ kết giữa kỳ vào năm 2028 và tổng kết vào Quý IV/2030" after the unit's
    yearly report: a mid-term and a final report of that unit, to the sentence's recipient,
    due in the year and the quarter they name; a review with no time is no report."""
    draft = _draft(
        tmp_path,
        """
III. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính chủ trì, theo dõi, đôn đốc các cơ quan, đơn vị thực hiện Kế hoạch; tổng hợp, báo cáo
Ủy ban nhân dân tỉnh trước ngày 30/11 hằng năm; tham mưu sơ kết giữa kỳ vào năm 2028 và tổng kết
vào Quý IV/2030.
2. Sở Nội vụ tham mưu tổ chức tổng kết, khen thưởng theo quy định.
""",
    )
    yearly, mid, final = draft.reports
    assert [_who(r) for r in draft.reports] == [("Sở Tài chính", ["Ủy ban nhân dân tỉnh"])] * 3
    assert yearly.time is not None and _says(yearly.time, 30, 11)
    assert [(r.title, r.kind, r.time and r.time.text) for r in (mid, final)] == [
        ("Báo cáo sơ kết giữa kỳ", "thematic", "năm 2028"),
        ("Báo cáo tổng kết", "thematic", "Quý IV/2030"),
    ]
    assert mid.time is not None and isinstance(mid.time.when, WindowWhen)
    assert (mid.time.when.start, mid.time.when.end) == (dt.date(2028, 1, 1), dt.date(2028, 12, 31))
    assert final.time is not None and isinstance(final.time.when, QuarterWhen)
    assert (final.time.when.year, final.time.when.quarter) == (2030, 4)


def test_units_report_to_the_named_body_through_the_department(tmp_path: Path) -> None:
    """ "Báo cáo Ủy ban nhân dân tỉnh … (qua Sở Nội vụ) khi tổng kết …" opening a dash: the
    units address UBND tỉnh, the department they send through compiles; both at the event
    (no date), and the definition keeps the "Kính gửi" as written."""
    lines = (HEAD + """
II. TỔ CHỨC THỰC HIỆN
1. Các cơ quan, đơn vị, địa phương
- Căn cứ chức năng, nhiệm vụ được giao xây dựng kế hoạch triển khai thực hiện.
- Báo cáo Ủy ban nhân dân tỉnh về kết quả Đợt thi đua (qua Sở Nội vụ) khi tổng kết Đợt thi đua.
2. Sở Nội vụ
- Hướng dẫn, theo dõi, đôn đốc, tổng hợp, báo cáo UBND tỉnh kết quả Đợt thi đua.
""" + TAIL).splitlines()  # fmt: skip
    draft = extract(read_document(write_docx(tmp_path / "ke-hoach.docx", lines)), None)
    (report,) = draft.reports
    assert report.compiler.name == "Sở Nội vụ"
    assert [expand(r.name) for r in report.recipients] == [expand("UBND tỉnh")]
    assert [r.name for r in report.addressee] == ["Ủy ban nhân dân tỉnh"]
    assert _groups(report) == [(("Các cơ quan, đơn vị, địa phương",), "khi tổng kết Đợt thi đua")]
    assert report.time is not None and isinstance(report.time.when, EventWhen)
    assert "when" in report.doubts  # its time is taken from the units': to review
    (obligation,) = write_draft(draft, None).plan.reports
    assert obligation.addressee == "Ủy ban nhân dân tỉnh (qua Sở Nội vụ)"


def test_report_ids_say_which_report_without_a_counter(tmp_path: Path) -> None:
    """Ids name the report's cycle ("bao-cao-hang-nam"), its subject when it has none
    ("bao-cao-so-ket-giua-ky"), and the compiler when two units owe the same cycle."""
    draft = _draft(
        tmp_path,
        """
II. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày 30/11 hằng năm và trước ngày 15
hằng tháng; tham mưu sơ kết giữa kỳ vào năm 2028.
2. Sở Nội vụ báo cáo Ủy ban nhân dân tỉnh kết quả thi đua trước ngày 10/12 hằng năm hoặc khi có yêu cầu.
""",
    )
    written = write_draft(draft, None)
    ids = [(r.id, r.compiler) for r in written.plan.reports]
    assert ids == [
        ("bao-cao-hang-nam", "so-tai-chinh"),
        ("bao-cao-hang-thang", "so-tai-chinh"),
        ("bao-cao-so-ket-giua-ky", "so-tai-chinh"),
        ("bao-cao-hang-nam-so-noi-vu", "so-noi-vu"),
        ("bao-cao-dot-xuat", "so-noi-vu"),
    ]


def test_a_cycle_with_its_deadline_before_the_subject_and_a_report_on_request(tmp_path: Path) -> None:
    """ "4. Chế độ thông tin, báo cáo: Định kỳ hằng quý (trước ngày 20 tháng cuối quý), các cơ
    quan, đơn vị báo cáo … gửi Sở Nội vụ để tổng hợp, báo cáo UBND tỉnh hoặc đột xuất khi có yêu
    cầu": the units' quarterly input and their input on request, two reports of Sở Nội vụ; a
    unit's one-off report "về UBND tỉnh (qua Sở Nội vụ)" is a third, addressed to UBND tỉnh."""
    draft = _draft(
        tmp_path,
        """
IV. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ là cơ quan thường trực, theo dõi, đôn đốc việc thực hiện Kế hoạch.
2. Sở Tài chính
- Bố trí kinh phí thực hiện Kế hoạch.
- Báo cáo kết quả thực hiện về UBND tỉnh (qua Sở Nội vụ) trước ngày 15/11/2026.
3. Chế độ thông tin, báo cáo: Định kỳ hằng quý (trước ngày 20 tháng cuối quý), các cơ quan, đơn vị
báo cáo kết quả thực hiện gửi Sở Nội vụ để tổng hợp, báo cáo Ủy ban nhân dân tỉnh hoặc đột xuất khi
có yêu cầu.
""",
    )
    once, quarterly, on_request = draft.reports
    assert {r.compiler.name for r in draft.reports} == {"Sở Nội vụ"}
    assert _groups(once) == [(("Sở Tài chính",), "trước ngày 15/11/2026")]
    assert [r.name for r in once.addressee] == ["UBND tỉnh"]
    assert _groups(quarterly) == [
        (("các cơ quan, đơn vị",), "Định kỳ hằng quý (trước ngày 20 tháng cuối quý)")
    ]
    (_, quarter_time), *_ = quarterly.inputs
    assert quarter_time is not None and isinstance(quarter_time.when, RecurringWhen)
    assert quarter_time.when.every == (Cadence.QUARTER,) and _says(quarter_time, 20)
    assert (on_request.kind, _groups(on_request)) == (
        "ad_hoc",
        [(("các cơ quan, đơn vị",), "đột xuất khi có yêu cầu")],
    )
    assert on_request.time is not None and isinstance(on_request.time.when, EventWhen)


def test_a_recipient_read_with_ocr_slips_is_the_body_it_starts_with(tmp_path: Path) -> None:
    """ "gửi Sở Tài chính đế tống hợp" (OCR of "để tổng hợp"): the recipient is Sở Tài chính,
    whose words a list knows; a body's own lowercase words ("Trung tâm Dịch vụ tổng hợp") stay."""
    draft = _draft(
        tmp_path,
        """
III. TỔ CHỨC THỰC HIỆN
1. Ủy ban nhân dân các xã, phường định kỳ trước ngày 01/6 và 15/11 hằng năm báo cáo tình hình thực
hiện gửi Sở Tài chính đế tống hợp.
2. Các phòng chuyên môn báo cáo kết quả về Trung tâm Dịch vụ tổng hợp trước ngày 15 hằng tháng.
""",
    )
    yearly, monthly = draft.reports
    assert _who(yearly) == ("Ủy ban nhân dân các xã, phường", ["Sở Tài chính"])
    assert _who(monthly) == ("Các phòng chuyên môn", ["Trung tâm Dịch vụ tổng hợp"])
