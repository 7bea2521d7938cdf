"""A plan as an office holds it, built at test time: a Word file with the header and the
signature in borderless layout tables, an appendix table with merged cells, printed to
PDF by LibreOffice and rasterised into a scan (pdftoppm) when a test needs those."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt
from PIL import Image

from planflow.soffice import convert

HEADER = (
    (
        "ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN\n-------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------",
    ),
    ("Số: 552/KH-UBND", "Lạng Sơn, ngày 19 tháng 11 năm 2025"),
)
SIGNATURE = (
    (
        "Nơi nhận:\n- Sở Khoa học và Công nghệ;\n- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\nNguyễn Văn An",
    ),
)
APPENDIX_HEAD = ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
LEADS = ("Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Nội vụ", "Sở Giáo dục và Đào tạo")
TIMES = ("Quý IV/2025", "Tháng 12/2025", "Năm 2026", "Thường xuyên")
SOFFICE = shutil.which("soffice")
# A paragraph printed over several lines: a reader must give it back as one.
LONG_PARAGRAPH = (
    "- Nâng cao hiệu quả chuyển đổi số trong các cơ quan nhà nước, triển khai đồng bộ các nền tảng số "
    "dùng chung trong giai đoạn 2026 - 2030 và các năm tiếp theo theo đúng lộ trình đã đề ra của tỉnh."
)


def task_rows(count: int) -> list[tuple[str, ...]]:
    """``count`` appendix rows: group rows "I", "II" every ten tasks, then numbered tasks."""
    rows: list[tuple[str, ...]] = []
    for n in range(count):
        if n % 10 == 0:
            rows.append((_roman(n // 10 + 1), f"NHÓM NHIỆM VỤ SỐ {n // 10 + 1}", "", "", ""))
        rows.append((
            str(n % 10 + 1),
            f"Triển khai nhiệm vụ chuyển đổi số thứ {n + 1} trên địa bàn tỉnh, bảo đảm tiến độ và chất lượng",
            LEADS[n % len(LEADS)],
            "Các sở, ban, ngành; UBND các xã, phường",
            TIMES[n % len(TIMES)],
        ))  # fmt: skip
    return rows


def _roman(n: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI")[n - 1]


def _borderless(table: docx.table.Table) -> None:
    borders = "".join(
        f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    table._tbl.tblPr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{borders}</w:tblBorders>"))


def _fill(table: docx.table.Table, rows: tuple[tuple[str, ...], ...] | list[tuple[str, ...]]) -> None:
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            lines = text.split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if len(texts) == 2 else None


def _widths(table: docx.table.Table, widths: tuple[Cm, ...]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def plan_docx(path: Path, tasks: int = 6, merged: bool = True, number: str = "552", footer: str = "") -> Path:
    """A plan: layout header, body with two numbered items, layout signature, and an
    appendix whose last column merges down over the last two tasks (one deadline for
    both) and whose group rows span all columns."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"  # type: ignore[attr-defined]
    style.font.size = Pt(12)  # type: ignore[attr-defined]
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer  # printed at the foot of every page
    header = document.add_table(rows=2, cols=2)
    _borderless(header)
    _fill(header, tuple(tuple(c.replace("552", number) for c in row) for row in HEADER))
    _widths(header, (Cm(6), Cm(10)))
    for text in (
        "KẾ HOẠCH",
        "Triển khai chuyển đổi số trên địa bàn tỉnh năm 2026",
        "I. MỤC ĐÍCH, YÊU CẦU",
        LONG_PARAGRAPH,
        "II. NHIỆM VỤ",
        "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.",
        "III. TỔ CHỨC THỰC HIỆN",
        "Sở Khoa học và Công nghệ là cơ quan thường trực, tổng hợp báo cáo Ủy ban nhân dân tỉnh "
        "trước ngày 15/12/2026.",
    ):
        document.add_paragraph(text)
    signature = document.add_table(rows=1, cols=2)
    _borderless(signature)
    _fill(signature, SIGNATURE)
    _widths(signature, (Cm(8), Cm(8)))
    document.add_paragraph("PHỤ LỤC")
    document.add_paragraph("DANH MỤC NHIỆM VỤ")
    rows = [APPENDIX_HEAD, *task_rows(tasks)]
    table = document.add_table(rows=len(rows), cols=len(APPENDIX_HEAD))
    table.style = "Table Grid"
    _fill(table, rows)
    for row, texts in zip(table.rows, rows, strict=True):
        if texts[2] == "" and texts[0] != "STT":
            cells = row.cells
            cells[1].merge(cells[4])  # a group row spans the columns
            for extra in cells[1].paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
    if merged and tasks >= 2:
        top = table.rows[-2].cells[4]
        top.merge(table.rows[-1].cells[4])  # one deadline for the last two tasks
        for extra in top.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        top.paragraphs[0].text = "Quý II/2026"
    document.add_paragraph()  # Word ends the body with a paragraph, never with a table
    document.save(str(path))
    return path


def add_text_box(path: Path, text: str) -> Path:
    """The Word file with a DrawingML text box (and its VML fallback) after the title."""
    document = docx.Document(str(path))
    anchor = next(p for p in document.paragraphs if p.text == "KẾ HOẠCH")
    box = (
        f'<w:r {nsdecls("w", "wp", "a", "pic")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps">'
        '<w:drawing><wp:inline><wp:extent cx="2000000" cy="400000"/><wp:docPr id="9" name="Box"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
        "<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    anchor._p.append(parse_xml(box))
    document.save(str(path))
    return path


def nest_in_frame(path: Path) -> Path:
    """The Word file with its appendix table moved into a one-cell frame table, and a
    second copy nested in a cell of a two-column table."""
    document = docx.Document(str(path))
    appendix = document.tables[-1]
    frame = document.add_table(rows=1, cols=1)
    frame.cell(0, 0)._tc.append(copy.deepcopy(appendix._tbl))
    frame.cell(0, 0)._tc.append(parse_xml(f"<w:p {nsdecls('w')}/>"))
    appendix._tbl.getparent().remove(appendix._tbl)
    document.save(str(path))
    return path


def to_pdf(source: Path, folder: Path) -> Path:
    """The Word file printed to PDF by LibreOffice (headless), as planflow converts reports:
    a profile of its own, one more try when soffice fails on a busy machine."""
    assert SOFFICE is not None
    done = convert(SOFFICE, source, "pdf", folder, timeout=180)
    assert done.output is not None, f"LibreOffice made no PDF of {source}, {done.detail}:\n{done.log}"
    return done.output


def to_scan(pdf: Path, target: Path, dpi: int = 300) -> Path:
    """Each page of the PDF as a greyscale picture, the pictures bound into a PDF with no
    text layer, as a scanner makes it."""
    prefix = target.parent / f"{target.stem}-page"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True, timeout=180
    )
    pages = sorted(target.parent.glob(f"{prefix.name}*.png"))
    images = [Image.open(p).convert("L") for p in pages]
    images[0].save(target, save_all=True, append_images=images[1:], resolution=dpi)
    return target


def need_soffice() -> None:
    """Skip without LibreOffice, unless CI requires it (then fail)."""
    if SOFFICE is None:
        if os.environ.get("PLANFLOW_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required (PLANFLOW_REQUIRE_LIBREOFFICE) but soffice is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")


def need_tesseract() -> None:
    """Skip without Tesseract and its Vietnamese model (and pdftoppm), unless CI requires them."""
    found = shutil.which("tesseract") and shutil.which("pdftoppm")
    if found:
        languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
        found = "vie" in languages.stdout.split()
    if not found:
        if os.environ.get("PLANFLOW_REQUIRE_TESSERACT"):
            pytest.fail(
                "tesseract-ocr, tesseract-ocr-vie and poppler-utils are required (PLANFLOW_REQUIRE_TESSERACT)"
            )
        pytest.skip("tesseract with Vietnamese (tesseract-ocr-vie) or pdftoppm is not installed")
