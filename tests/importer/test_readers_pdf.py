"""A plan printed to PDF by LibreOffice from its Word file: columns, page residue, tables over pages."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from planflow.importer import read_document
from planflow.importer.document import Line, Table
from tests.importer.plandocs import LONG_PARAGRAPH, need_soffice, plan_docx, task_rows, to_pdf


def test_printed_plan(tmp_path: Path) -> None:
    """Header read column by column, paragraphs joined, the footer gone, the 36-task appendix one table."""
    need_soffice()
    source = plan_docx(tmp_path / "kh.docx", tasks=36, footer="KH 552/KH-UBND - bản điện tử")
    pdf = to_pdf(source, tmp_path)
    document = read_document(pdf)
    lines = [b.text for b in document.blocks if isinstance(b, Line)]
    assert lines[:7] == [
        "ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN", "Số: 552/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Lạng Sơn, ngày 19 tháng 11 năm 2025", "KẾ HOẠCH",
    ]  # fmt: skip
    assert not [line for line in lines if "bản điện tử" in line]
    assert LONG_PARAGRAPH in lines  # printed over three lines, read as one paragraph
    assert lines[lines.index("Nơi nhận:") : lines.index("Nơi nhận:") + 7] == [
        "Nơi nhận:", "- Sở Khoa học và Công nghệ;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH", "Nguyễn Văn An",
    ]  # fmt: skip
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    with pdfplumber.open(pdf) as printed:
        assert len(printed.pages) >= 3  # the table did run over page breaks
    expected = task_rows(36)
    assert [r[0] for r in table.rows[1:]] == [r[0] for r in expected]
    assert [r[1] for r in table.rows[1:]] == [r[1] for r in expected]  # rows cut by a page break joined
    assert [r[2] for r in table.rows[1:]] == [r[2] for r in expected]
    assert [r[4] for r in table.rows[-2:]] == ["Quý II/2026", "Quý II/2026"]  # merged down, repeated
