"""The template spreadsheet for ``planflow units import`` (``planflow units template``)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from planflow.onboarding.sheet import COLUMNS, KIND_LABELS, RELATION_LABELS, SHEET

EXAMPLE_ROWS = [
    [
        "Xã An Bình",
        "an-binh",
        "ubnd-xa",
        "Ủy ban nhân dân xã An Bình",
        "UBND",
        "Chính cơ quan",
        "",
        "Trần Văn Bình",
        "Chủ tịch UBND xã",
        "chutich@an-binh.example",
        "ubnd@an-binh.example",
        "UBND xã; UBND xã An Bình",
    ],
    [
        "Xã An Bình",
        "an-binh",
        "",
        "Phòng Văn hóa - Xã hội xã An Bình",
        "Phòng",
        "",
        "ubnd-xa",
        "Lê Thị Hoa",
        "Trưởng phòng",
        "",
        "vhxh@an-binh.example",
        "Phòng Văn hóa - Xã hội; Phòng VH-XH",
    ],
]
"""Two rows of a made-up commune (addresses on the reserved .example domain)."""

USAGE = (
    "Mỗi dòng là một đơn vị của một xã. Ô trống giữ nguyên giá trị đã có trong danh mục. "
    "Chạy: planflow units import <file> --dry-run để xem trước, rồi bỏ --dry-run để ghi."
)


def write_template(path: Path) -> None:
    """A workbook with the units sheet (headers and two example rows) and a guide sheet."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = SHEET
    sheet.append([c.header for c in COLUMNS])
    for row in EXAMPLE_ROWS:
        sheet.append(row)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.example) + 2)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Ghi gì", "Ví dụ"])
    for column in COLUMNS:
        guide.append([column.header, "có" if column.required else "không", column.help, column.example])
    guide.append([])
    guide.append(["Loại (cột Loại)", "", "Giá trị ghi được", ""])
    for label, kind in KIND_LABELS.items():
        guide.append([label, "", kind.value, ""])
    guide.append([])
    guide.append(["Quan hệ (cột Quan hệ)", "", "Giá trị ghi được", ""])
    for label, relation in RELATION_LABELS.items():
        guide.append([label, "", relation.value, ""])
    guide.append([])
    guide.append([USAGE])
    for row in guide.iter_rows(min_row=1, max_row=1):
        for cell in row:
            cell.font = Font(bold=True)
    for letter, width in (("A", 28), ("B", 10), ("C", 70), ("D", 30)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
