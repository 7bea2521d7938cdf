"""What is a plan: news items and other kinds of documents are refused as such, a plan
issued through a decision is imported with the decision recorded."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from planflow.errors import DocumentError
from planflow.importer import extract, read_document, write_draft
from planflow.importer.doctype import Decision, classify
from planflow.importer.layout import clean_layout
from tests.cli.runner import run_cli
from tests.importer.shapes import plan_docx

CORPUS = Path(__file__).parent / "corpus"  # the portal pages, copied from ../shared/corpus/portal
# The corpus README names these as plans; 717159673033f644 is in fact a Công văn (4085/UBND-ĐT).
CORPUS_PLANS = {
    "192068354fd1ffe5", "bffd9da6f0d38031", "9b7eebadf7081069", "448306af3d3a91f7",
    "2957e4f4f0e41373", "3a2db039af8c2d05", "556b2fb4a0149576",
}  # fmt: skip
NOT_A_PLAN = (
    "văn bản này không phải một Kế hoạch: không có số ký hiệu “Số: …/KH-…” và tiêu đề “KẾ HOẠCH” ở đầu "
    "văn bản (một bài viết, tin tức hay văn bản chỉ nhắc đến một kế hoạch?); planflow import chỉ nhận văn "
    "bản Kế hoạch đã ban hành"
)
BODY = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Nâng cao năng lực số của doanh nghiệp trên địa bàn tỉnh.",
    "II. NHIỆM VỤ",
    "1. Khảo sát mức độ chuyển đổi số của doanh nghiệp.",
    "- Đơn vị chủ trì: Sở Khoa học và Công nghệ.",
    "- Thời gian thực hiện: Quý II/2026.",
    "2. Tổ chức tập huấn chuyển đổi số cho doanh nghiệp nhỏ và vừa.",
    "- Đơn vị chủ trì: Sở Công Thương.",
    "- Thời gian thực hiện: Hằng năm.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Sở Khoa học và Công nghệ là cơ quan thường trực, theo dõi, đôn đốc thực hiện Kế hoạch này./.",
]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "van-ban.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        # a news article about a plan: the heading names it, nothing else of a plan's frame
        "# Kế hoạch kê khai tài sản năm 2025 (Kế hoạch 177/KH-UBND)\n\nNgày 02/12/2025, UBND thành phố "
        "đã ban hành Kế hoạch 177/KH-UBND.\n\n**1. Mục đích**\n\n- Thực hiện nghiêm quy định.\n",
        # exam answers that mention a plan
        "Đáp án đề thi vào lớp 10 năm 2025\n\nNgày 10/02/2025 UBND tỉnh ban hành Kế hoạch 30/KH-UBND "
        "về tuyển sinh.\n- Môn Toán: 120 phút.\n",
    ],
    ids=["news", "exam"],
)
def test_news_is_not_a_plan(tmp_path: Path, text: str) -> None:
    """A text without the number …/KH-… and the title KẾ HOẠCH is refused as not a plan, not as empty."""
    code, _, err = run_cli("import", str(_write(tmp_path, text)))
    assert code == 1
    assert NOT_A_PLAN in " ".join(err.split())
    assert "không tìm thấy nhiệm vụ" not in err


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a decision with nothing attached
        (
            "ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG THÁP\nSố: 1867/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc bổ sung kinh phí\n"
            "Điều 1. Bổ sung kinh phí cho các xã.\n",
            "Quyết định",
        ),
        # a letter (công văn) has no kind code in its number, only the issuer's abbreviations
        (
            "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSố: 4085/UBND-ĐT\nV/v rà soát dữ liệu số nhà\n"
            "Kính gửi: Sở Xây dựng\n1. Giao Sở Xây dựng rà soát dữ liệu.\n",
            "Công văn",
        ),
        # a notice
        ("UBND XÃ LỘC TẤN\nSố: 12/TB-UBND\nTHÔNG BÁO\nKết luận của Chủ tịch UBND xã\n", "Thông báo"),
    ],
    ids=["decision", "letter", "notice"],
)
def test_other_kinds_are_named(tmp_path: Path, text: str, kind: str) -> None:
    """A decision, letter or notice without an attached plan is refused with its kind named."""
    code, _, err = run_cli("import", str(_write(tmp_path, text)))
    assert code == 1
    assert f"văn bản này là {kind}, không phải Kế hoạch, và không kèm theo Kế hoạch nào" in " ".join(
        err.split()
    )


def test_plan_without_number_is_still_a_plan(tmp_path: Path) -> None:
    """A plan whose number is not printed (the title KẾ HOẠCH alone) is a plan; without tasks it is said so."""
    code, _, err = run_cli(
        "import", str(_write(tmp_path, "KẾ HOẠCH\nVề việc tổ chức hội nghị\nI. MỤC ĐÍCH\n"))
    )
    assert code == 1
    assert "văn bản là một Kế hoạch nhưng không tìm thấy nhiệm vụ nào" in " ".join(err.split())


DECISION = [
    "ỦY BAN NHÂN DÂN",
    "THÀNH PHỐ HẢI PHÒNG",
    "Số: 3120/QĐ-UBND",
    "Hải Phòng, ngày 05 tháng 02 năm 2026",
    "QUYẾT ĐỊNH",
    "Ban hành Kế hoạch phát triển hạ tầng 5G năm 2026",
    "ỦY BAN NHÂN DÂN THÀNH PHỐ",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025;",
    "QUYẾT ĐỊNH:",
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phát triển hạ tầng 5G năm 2026.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Trần Thị Bình",
]


def test_plan_issued_through_a_decision(tmp_path: Path) -> None:
    """The plan attached to a decision is imported; the decision's number and date go to the YAML."""
    path = plan_docx(
        tmp_path / "qd.docx",
        BODY,
        header=(),
        title=("KẾ HOẠCH", "Phát triển hạ tầng 5G năm 2026",
               "(Ban hành kèm theo Quyết định số 3120/QĐ-UBND ngày 05/02/2026 của UBND thành phố)"),
        before=DECISION,
    )  # fmt: skip
    draft = extract(read_document(path), None)
    assert draft.decision == Decision("3120/QĐ-UBND", dt.date(2026, 2, 5))
    assert draft.document_number is None
    assert draft.title == "Phát triển hạ tầng 5G năm 2026"
    assert [t.title for t in draft.tasks] == [
        "Khảo sát mức độ chuyển đổi số của doanh nghiệp.",
        "Tổ chức tập huấn chuyển đổi số cho doanh nghiệp nhỏ và vừa.",
    ]
    written = write_draft(draft, None)
    assert written.plan.decision is not None
    assert (written.plan.decision.number, written.plan.decision.issued) == (
        "3120/QĐ-UBND",
        dt.date(2026, 2, 5),
    )
    assert yaml.safe_load(written.text)["decision"] == {
        "number": "3120/QĐ-UBND",
        "issued": dt.date(2026, 2, 5),
    }


def test_header_and_signature_in_layout_tables(tmp_path: Path) -> None:
    """Number, date, issuer, place and signer are read from the Word file's layout tables."""
    draft = extract(read_document(plan_docx(tmp_path / "kh.docx", BODY)), None)
    assert draft.document_number == "215/KH-UBND"
    assert draft.issued == dt.date(2026, 3, 12)
    assert (draft.issuer, draft.place) == ("Ủy ban nhân dân tỉnh Hòa Bình", "Hòa Bình")
    assert draft.signer is not None
    assert (draft.signer.authority, draft.signer.title, draft.signer.name) == (
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn An",
    )


@pytest.mark.parametrize(
    ("title", "period"),
    [
        # a five-year plan runs over its whole years
        (
            "Chuyển đổi số trong doanh nghiệp giai đoạn 2026 - 2030",
            (dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
        ),
        # a yearly plan
        ("Phòng thủ dân sự năm 2026", (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
        # a three-year plan issued the year before starts on 1 January
        ("Tài chính - ngân sách nhà nước 03 năm 2027-2029", (dt.date(2027, 1, 1), dt.date(2029, 12, 31))),
        # a term of office is no period of the plan
        ("Thi đua chào mừng bầu cử nhiệm kỳ 2026 - 2031", None),
        # a roadmap "đến năm 2035" runs from the year it is issued (12/3/2026)
        (
            "Lộ trình đổi mới công nghệ đến năm 2035 trên địa bàn tỉnh",
            (dt.date(2026, 1, 1), dt.date(2035, 12, 31)),
        ),
        # the vision after the stage is no part of the plan's period
        (
            "Phát triển kinh tế tập thể giai đoạn 2026 - 2030, tầm nhìn đến năm 2045",
            (dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
        ),
    ],
    ids=["giai-doan", "nam", "03-nam", "nhiem-ky", "den-nam", "tam-nhin"],
)
def test_multi_year_period_from_the_title(
    tmp_path: Path, title: str, period: tuple[dt.date, dt.date] | None
) -> None:
    """A multi-year plan gets its real period from its title."""
    draft = extract(read_document(plan_docx(tmp_path / "kh.docx", BODY, title=("KẾ HOẠCH", title))), None)
    assert draft.period == period


def test_no_date_but_a_period_needs_no_year(tmp_path: Path) -> None:
    """A plan whose header gives no date but whose title states its years imports without --year."""
    header = (("ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("Số: /KH-UBND", ""))
    body = [line.replace("Quý II/2026", "Thường xuyên") for line in BODY]
    path = plan_docx(tmp_path / "kh.docx", body, header=header)
    written = write_draft(extract(read_document(path), None), None)
    assert (written.plan.period.start, written.plan.period.end) == (
        dt.date(2026, 1, 1),
        dt.date(2030, 12, 31),
    )


@pytest.mark.parametrize(
    "path", sorted(p for p in CORPUS.glob("*.md") if p.name != "README.md"), ids=lambda p: p.stem[:6]
)
def test_corpus_plans_and_non_plans(path: Path, tmp_path: Path) -> None:
    """Every portal page that is no plan is refused as such; every plan is recognised."""
    text = tmp_path / f"{path.stem}.txt"
    shutil.copy(path, text)
    blocks = clean_layout(read_document(text).blocks).blocks
    if path.stem in CORPUS_PLANS:
        classify(blocks, str(text))
        return
    with pytest.raises(DocumentError, match=r"không phải (?:một )?Kế hoạch"):
        classify(blocks, str(text))


def test_signature_flattened_onto_one_line(tmp_path: Path) -> None:
    """A signature block printed on one line (a portal's table cell) still gives authority, title and name."""
    text = "\n".join(
        ["UBND TỈNH ĐẮK LẮK", "Số: 0125/KH-UBND", "Đắk Lắk, ngày 18 tháng 11 năm 2025", "KẾ HOẠCH",
         "Tuyên truyền bầu cử năm 2026", *BODY, "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Đào Mỹ"]
    )  # fmt: skip
    draft = extract(read_document(_write(tmp_path, text)), None)
    assert draft.signer is not None
    assert (draft.signer.authority, draft.signer.title, draft.signer.name) == (
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Đào Mỹ",
    )


def test_decision_whose_article_issues_the_plan(tmp_path: Path) -> None:
    """A decision whose Điều 1 issues the plan, the plan's title following without a line naming
    the decision, is imported with the decision's own number and date."""
    path = plan_docx(tmp_path / "qd.docx", BODY, header=(), title=("KẾ HOẠCH", "Phát triển hạ tầng 5G năm 2026"),
                     before=DECISION)  # fmt: skip
    draft = extract(read_document(path), None)
    assert draft.decision == Decision("3120/QĐ-UBND", dt.date(2026, 2, 5))
    assert draft.title == "Phát triển hạ tầng 5G năm 2026"
    assert len(draft.tasks) == 2
