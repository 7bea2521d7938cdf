"""A plan as an office holds it, built as a Word file (python-docx): the header and the
signature in borderless layout tables, the body, and an appendix table of tasks with merged
cells. The importer's tests build their plans with it (tests/importer/plandocs.py) and so
does the benchmark (bench/inputs.py: a plan of 100 tasks imported)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

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
