"""Word files in the shapes real plans take (Decree 30/2020 layout), built with python-docx:
the header and the signature in borderless layout tables, appendix tables whose header
spans two rows with merged cells, group rows, a row of column numbers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import docx
from docx.document import Document

from tests.importer import plandocs

HEADER = (
    (
        "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH\n-------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
    ),
    ("Số: 215/KH-UBND", "Hòa Bình, ngày 12 tháng 3 năm 2026"),
)
SIGNATURE = (
    (
        "Nơi nhận:\n- Văn phòng Chính phủ;\n- TT Tỉnh ủy;\n- Lưu: VT, KGVX.",
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\n\nNguyễn Văn An",
    ),
)


def layout_table(document: Document, rows: Sequence[Sequence[str]]) -> None:
    """A borderless table of cells holding lines (python-docx: one paragraph per line)."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            lines = text.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)


def grid(
    document: Document, rows: Sequence[Sequence[str]], merges: Sequence[tuple[int, int, int, int]] = ()
) -> None:
    """A ruled table; ``merges`` are (row, col, row, col) corners of merged cells whose text
    is the top-left one's."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for top, left, bottom, right in merges:
        text = rows[top][left]
        merged = table.cell(top, left).merge(table.cell(bottom, right))
        merged.text = text


def plan_docx(
    path: Path,
    body: Sequence[str],
    header: Sequence[Sequence[str]] = HEADER,
    title: Sequence[str] = ("KẾ HOẠCH", "Chuyển đổi số trong doanh nghiệp giai đoạn 2026 - 2030"),
    appendix: Sequence[str] = (),
    table: Sequence[Sequence[str]] = (),
    merges: Sequence[tuple[int, int, int, int]] = (),
    before: Sequence[str] = (),
) -> Path:
    """A plan: ``before`` (e.g. a decision), the header table, title, body, the signature
    table, then an appendix heading and its table."""
    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    if header:
        layout_table(document, header)
    for line in (*title, *body):
        document.add_paragraph(line)
    layout_table(document, SIGNATURE)
    for line in appendix:
        document.add_paragraph(line)
    if table:
        grid(document, table, merges)
    document.save(str(path))
    return path


def to_pdf(docx_path: Path) -> Path:
    """The Word file printed to PDF by LibreOffice beside it, as offices do (plandocs.to_pdf)."""
    return plandocs.to_pdf(docx_path, docx_path.parent)
