"""Real DOCX and PDF files built from the seed texts at test time (python-docx, fpdf2)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from fpdf import FPDF
from PIL import Image, ImageDraw

from tests.conftest import REPO

SEEDS = REPO / "tests" / "importer" / "seeds"  # copies of ../shared/seeds: CI clones the repo alone
FONTS = Path("/usr/share/fonts/truetype/dejavu")

# Phụ lục of seed 002 as the signed document has it: a real table (the .txt flattens it).
THACH_HA_APPENDIX = [
    ("TT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian dự kiến"),
    ("1", "Tổ chức Lễ phát động Ngày Chuyển đổi số Quốc gia 10/10 và tập huấn nâng cao nhận thức, kiến "
          "thức và kỹ năng Chuyển đổi số cho tổ chuyển đổi số cộng đồng và người dân",
     "Sở Khoa học và Công nghệ, UBND xã", "Phòng Văn hóa - Xã hội", "06/10 - 10/10"),
    ("2", "Tổ chức phát động tham gia các cuộc thi, hoạt động cộng đồng về đổi mới sáng tạo, chuyển đổi "
          "số hướng tới chủ đề Ngày Chuyển đổi số quốc gia năm 2025", "Phòng Văn hóa - Xã hội",
     "Đảng viên, cán bộ, công chức, viên chức, người lao động và toàn thể Nhân dân", "10/10 - 31/10"),
    ("3", "Thực hiện chiến dịch thông tin, tuyên truyền đợt cao điểm hưởng ứng Ngày Chuyển đổi số quốc gia "
          "năm 2025; tuyên truyền phong trào “Bình dân học vụ số”, “Ngày hội toàn dân học tập số” gắn với "
          "hoạt động hưởng ứng “Ngày chuyển đổi số quốc gia 10/10”", "Phòng Văn hóa - Xã hội",
     "Ban biên tập Trang thông tin điện tử, các phòng, đơn vị, trường học, các thôn", "07/10 - 20/10"),
    ("4", "Triển khai Chiến dịch ra quân đồng loạt trên địa bàn toàn xã với phương châm: “Đi từng ngõ, gõ "
          "từng nhà, hướng dẫn từng người dân kỹ năng số, sử dụng các dịch vụ số” thông qua hoạt động của Tổ "
          "chuyển đổi số cộng đồng tại các thôn", "Phòng Văn hóa - Xã hội",
     "Đoàn Thanh niên, Công an, Viễn thông, Bưu điện,…Tổ chuyển đổi số cộng đồng", "10/10 - 31/10"),
    ("5", "Triển khai phong trào học tập trực tuyến các nền tảng trực tuyến (https://binhdanhocvuso.gov.vn và "
          "các nền tảng học trực tuyến mở đại trà - MOOCs). Các khóa học miễn phí về kỹ năng sử dụng AI trên "
          "cổng đào tạo AI cho cộng đồng (https://aicongdong.ptit.edu.vn)", "Phòng Văn hóa - Xã hội",
     "Đảng viên, cán bộ, công chức, viên chức, người lao động và toàn thể Nhân dân", "Thường xuyên"),
    ("6", "Tổ chức các lớp bồi dưỡng, tập huấn kỹ năng số và an toàn thông tin cho người dân, các đối tượng "
          "yếu thế trên địa bàn xã.", "Phòng Văn hóa - Xã hội", "Nhân dân", "06/10 - 31/10"),
]  # fmt: skip


def seed_lines(name: str, stop: str | None = None) -> list[str]:
    """The lines of a seed text (its first file starting with ``name``), up to ``stop``."""
    path = next(SEEDS.glob(f"{name}_*.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()
    if stop is not None:
        lines = lines[: next(i for i, line in enumerate(lines) if line.strip().startswith(stop))]
    return lines


def write_docx(
    path: Path, lines: list[str], table: list[tuple[str, ...]] | None = None, heading: tuple[str, ...] = ()
) -> Path:
    """A Word file: each non-blank line a paragraph, then the heading and a real table."""
    document = docx.Document()
    for line in lines:
        if line.strip():
            document.add_paragraph(line.strip())
    for line in heading:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(str(path))
    return path


def _pdf() -> FPDF:
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    return pdf


def write_pdf(
    path: Path, lines: list[str], table: list[tuple[str, ...]] | None = None, heading: tuple[str, ...] = ()
) -> Path:
    """A PDF with a text layer: the lines re-wrapped by the page width, then a ruled table."""
    pdf = _pdf()
    for line in lines:
        if line.strip():
            pdf.multi_cell(0, 5, line.strip(), new_x="LMARGIN", new_y="NEXT")
    for line in heading:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    if table:
        with pdf.table(col_widths=(8, 70, 30, 40, 22), first_row_as_headings=True) as grid:
            for row in table:
                cells = grid.row()
                for text in row:
                    cells.cell(text)
    pdf.output(str(path))
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only a picture of text, as a scanner makes it."""
    image = Image.new("RGB", (800, 400), "white")
    ImageDraw.Draw(image).text((40, 40), "KE HOACH\nTo chuc cac hoat dong ...", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=190)
    pdf.output(str(path))
    return path
