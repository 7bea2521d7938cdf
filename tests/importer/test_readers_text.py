"""Plain text whose tables a word processor printed one cell per line."""

from __future__ import annotations

from pathlib import Path

from planflow.importer import extract, read_document
from planflow.importer.document import Line, Table

# A Word file's text export: header lines, a sentence sending the reader to the appendix,
# and the appendix table one cell per line: a group row merged across (two cells), an empty
# lead cell (merged down in Word), an empty last cell, then the signature again.
CELL_PER_LINE = """\
ỦY BAN NHÂN DÂN
TỈNH DEMO
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 7/KH-UBND
Demo, ngày 05 tháng 01 năm 2026
KẾ HOẠCH
Thử nghiệm dịch vụ công trực tuyến năm 2026
I. NHIỆM VỤ
Các nhiệm vụ cụ thể tại Phụ lục kèm theo.
Thời gian thực hiện: năm 2026.
PHỤ LỤC
TT
Nhiệm vụ
Đơn vị chủ trì
Đơn vị phối hợp
Thời gian hoàn thành
Ghi chú
I
CỦNG CỐ HẠ TẦNG
1
Nâng cấp máy chủ cổng dịch vụ công
Sở Khoa học và Công nghệ
Công an tỉnh
Quý II/2026

2
Rà soát danh mục thủ tục hành chính

Văn phòng UBND tỉnh
Tháng 9/2026
Ưu tiên thủ tục đất đai
II
ĐÀO TẠO
3
Tập huấn cán bộ một cửa
Sở Nội vụ

30/11/2026

Nơi nhận:
- Như trên;
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_cell_per_line_table_is_rebuilt(tmp_path: Path) -> None:
    """The header run of column wordings starts a table; cells fill rows of its width,
    a group row keeps its two cells, and the signature after it stays text."""
    document = read_document(_write(tmp_path, CELL_PER_LINE))
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    rows = tables[0].rows
    header = ("TT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", "Ghi chú")
    assert rows[0] == header
    assert rows[1][:2] == ("I", "CỦNG CỐ HẠ TẦNG")
    assert rows[3] == ("2", "Rà soát danh mục thủ tục hành chính", "", "Văn phòng UBND tỉnh", "Tháng 9/2026",
                       "Ưu tiên thủ tục đất đai")  # fmt: skip
    assert rows[-1] == ("3", "Tập huấn cán bộ một cửa", "Sở Nội vụ", "", "30/11/2026", "")
    texts = [b.text for b in document.blocks if isinstance(b, Line)]
    assert "Nơi nhận:" in texts and "Thời gian thực hiện: năm 2026." in texts


def test_cell_per_line_plan_imports_its_tasks(tmp_path: Path) -> None:
    """The rebuilt table gives the plan its tasks, with the lead merged down kept from the row above."""
    draft = extract(read_document(_write(tmp_path, CELL_PER_LINE)), None)
    names = [t.title for t in draft.tasks]
    assert len(names) == 3 and names[0].startswith("Nâng cấp máy chủ")
    assert draft.tasks[1].lead == draft.tasks[0].lead


def test_running_text_with_labels_is_no_table(tmp_path: Path) -> None:
    """Lines that start with a column wording but read as sentences ("Thời gian thực hiện: …")
    make no header."""
    text = "KẾ HOẠCH\nNhiệm vụ:\nĐơn vị chủ trì: Sở Nội vụ\nThời gian thực hiện: quý II\nGhi chú: không\n"
    document = read_document(_write(tmp_path, text))
    assert not any(isinstance(b, Table) for b in document.blocks)
