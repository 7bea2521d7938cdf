"""Scans read by OCR (Tesseract, Vietnamese): text, ruled tables, doubtful words, and what
an officer is told when Tesseract or its Vietnamese model is missing."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from PIL import Image

from planflow.importer import extract, read_document, write_draft
from planflow.importer.document import Line, Table
from tests.cli.runner import PLANFLOW
from tests.importer.plandocs import need_soffice, need_tesseract, plan_docx, to_pdf, to_scan


def _scan(tmp_path: Path, tasks: int) -> Path:
    need_soffice()
    need_tesseract()
    pdf = to_pdf(plan_docx(tmp_path / "kh.docx", tasks=tasks), tmp_path)
    return to_scan(pdf, tmp_path / "scan.pdf")


def test_scanned_plan(tmp_path: Path) -> None:
    """A scanned plan gives its header lines, its appendix as a table, and says it was read by OCR."""
    document = read_document(_scan(tmp_path, tasks=4))
    assert document.kind == "pdf-ocr"
    assert document.notes[0].startswith("văn bản đọc bằng nhận dạng chữ (OCR) từ 2 trang ảnh")
    lines = [b.text for b in document.blocks if isinstance(b, Line)]
    for expected in ("ỦY BAN NHÂN DÂN", "Số: 552/KH-UBND", "Lạng Sơn, ngày 19 tháng 11 năm 2025", "KẾ HOẠCH"):
        assert expected in lines
    assert all(b.where.endswith("(OCR)") for b in document.blocks)
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert table.rows[0] == ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
    assert [r[0] for r in table.rows[1:]] == ["I", "1", "2", "3", "4"]  # lone row numbers read cell by cell
    assert [r[2] for r in table.rows[2:]] == [
        "Sở Khoa học và Công nghệ",
        "Sở Tài chính",
        "Sở Nội vụ",
        "Sở Giáo dục và Đào tạo",
    ]
    assert [r[4].removesuffix("[?]") for r in table.rows[2:]] == [
        "Quý IV/2025",
        "Tháng 12/2025",
        "Quý II/2026",
        "Quý II/2026",
    ]


def test_photo_of_a_page(tmp_path: Path) -> None:
    """A picture (.png) of the first page is read like a scanned PDF."""
    scan = _scan(tmp_path, tasks=2)
    page = next(tmp_path.glob("scan-page*1.png"))
    picture = tmp_path / "trang1.png"
    Image.open(page).save(picture)
    document = read_document(picture)
    assert document.kind == "image-ocr" and scan.exists()
    assert "KẾ HOẠCH" in [b.text for b in document.blocks if isinstance(b, Line)]


def _import_without(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``planflow import`` of a one-page scan in an environment changed by ``env``."""
    image = Image.new("L", (400, 200), 255)
    path = tmp_path / "scan.pdf"
    image.save(path, resolution=100)
    return subprocess.run(
        [str(PLANFLOW), "import", str(path), "-o", "-"],
        capture_output=True, text=True, timeout=120, env={**os.environ, **env}, check=False,
    )  # fmt: skip


def test_scan_without_tesseract(tmp_path: Path) -> None:
    """Without Tesseract on the PATH, a scan is refused with the packages to install."""
    result = _import_without(tmp_path, PATH=str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        f"{tmp_path / 'scan.pdf'}: PDF chỉ có ảnh chụp/scan, không có lớp chữ; cần phần mềm nhận dạng chữ "
        "Tesseract để đọc. Cài đặt: apt-get install tesseract-ocr tesseract-ocr-vie rồi nhập lại "
        "(hoặc dùng file .docx/.pdf gốc)"
    ) in " ".join(result.stderr.split())


def test_scan_without_vietnamese(tmp_path: Path) -> None:
    """With Tesseract but no Vietnamese model, the message names tesseract-ocr-vie."""
    need_tesseract()
    (tmp_path / "tessdata").mkdir()
    result = _import_without(tmp_path, TESSDATA_PREFIX=str(tmp_path / "tessdata"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "PDF chỉ có ảnh chụp/scan, không có lớp chữ; Tesseract chưa có dữ liệu tiếng Việt. "
        "Cài đặt: apt-get install tesseract-ocr tesseract-ocr-vie rồi nhập lại"
    ) in " ".join(result.stderr.split())


def test_doubtful_words_are_marked_for_review(tmp_path: Path) -> None:
    """A deadline holding a word OCR read with doubt is never taken silently: the draft marks it."""
    path = tmp_path / "kh.txt"
    path.write_text(
        "ỦY BAN NHÂN DÂN\nXÃ DEMO\nSố: 3/KH-UBND\nDemo, ngày 02 tháng 3 năm 2026\nKẾ HOẠCH\nSố hóa hồ sơ\n"
        "II. NHIỆM VỤ\n1. Số hóa hồ sơ hộ tịch\n- Đơn vị chủ trì: Phòng Văn hóa - Xã hội.\n"
        "- Thời gian: Quý II/2026[?].\n",
        encoding="utf-8",
    )
    draft = extract(read_document(path), None)
    (task,) = draft.tasks
    assert task.doubts["when"].startswith("chữ đọc bằng OCR không chắc chắn: “Quý II/2026[?]")
    assert "# KIỂM TRA: chữ đọc bằng OCR không chắc chắn" in write_draft(draft, None).text
