"""Word files as offices hold them: layout tables, merged cells, frames, text boxes,
footnotes, old .doc through LibreOffice, and a plan of 100 appendix tasks."""

from __future__ import annotations

import subprocess
from pathlib import Path

from planflow.importer import extract, read_document, write_draft
from planflow.importer.document import Line, Table
from tests.importer.plandocs import SOFFICE, add_text_box, need_soffice, nest_in_frame, plan_docx

HEAD_LINES = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH LẠNG SƠN",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 552/KH-UBND",
    "Lạng Sơn, ngày 19 tháng 11 năm 2025",
]
SIGNATURE_LINES = [
    "Nơi nhận:",
    "- Sở Khoa học và Công nghệ;",
    "- Lưu: VT.",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Nguyễn Văn An",
]


def _texts(blocks: list[Line | Table]) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Line) and b.text.strip()]


def test_layout_tables_are_read_as_header_and_signature_lines(tmp_path: Path) -> None:
    """The borderless header and signature tables come out as lines, the appendix as the one table."""
    document = read_document(plan_docx(tmp_path / "kh.docx", tasks=4))
    lines = _texts(document.blocks)
    assert lines[:6] == HEAD_LINES
    start = lines.index("Nơi nhận:")
    assert lines[start : start + 7] == SIGNATURE_LINES
    assert [b.where for b in document.blocks if isinstance(b, Table)] == ["bảng 3"]


def test_merged_cells_are_read_once(tmp_path: Path) -> None:
    """A group row spanning the columns keeps its text once; a deadline merged down two rows repeats."""
    document = read_document(plan_docx(tmp_path / "kh.docx", tasks=4))
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert table.rows[0] == ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
    assert table.rows[1] == ("I", "NHÓM NHIỆM VỤ SỐ 1", "", "", "")
    assert [row[4] for row in table.rows[2:]] == [
        "Quý IV/2025",
        "Tháng 12/2025",
        "Quý II/2026",
        "Quý II/2026",
    ]
    assert [row[2] for row in table.rows[2:]] == [
        "Sở Khoa học và Công nghệ",
        "Sở Tài chính",
        "Sở Nội vụ",
        "Sở Giáo dục và Đào tạo",
    ]


def test_text_box_and_framed_table(tmp_path: Path) -> None:
    """Text in a text box is read once (not its VML copy) and noted; a table inside a one-cell frame is read."""
    path = nest_in_frame(add_text_box(plan_docx(tmp_path / "kh.docx", tasks=3), "Dự thảo lần 2"))
    document = read_document(path)
    boxes = [b for b in document.blocks if isinstance(b, Line) and b.text == "Dự thảo lần 2"]
    assert [b.where for b in boxes] == ["đoạn 1, khung văn bản"]
    assert document.notes == [
        "đoạn 1: có chữ trong khung văn bản (text box), đã đọc vào sau đoạn này; hãy kiểm tra vị trí"
    ]
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert len(table.rows) == 5 and table.rows[-1][0] == "3"


def test_old_word_file_through_libreoffice(tmp_path: Path) -> None:
    """A .doc is converted by LibreOffice and read like the .docx it was saved from."""
    need_soffice()
    source = plan_docx(tmp_path / "kh.docx", tasks=4)
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "doc",
         "--outdir", str(tmp_path / "out"), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    old = read_document(tmp_path / "out" / "kh.doc")
    new = read_document(source)
    assert (old.kind, old.path) == ("doc", str(tmp_path / "out" / "kh.doc"))
    assert _texts(old.blocks) == _texts(new.blocks)
    assert [b.rows for b in old.blocks if isinstance(b, Table)] == [
        b.rows for b in new.blocks if isinstance(b, Table)
    ]


def test_footnotes_are_kept_as_notes(tmp_path: Path) -> None:
    """Footnotes (here of an RTF file, converted by LibreOffice) become the draft's notes, in order."""
    need_soffice()
    path = tmp_path / "kh.rtf"
    path.write_text(
        r"{\rtf1\ansi\deff0 {\fonttbl {\f0 Times New Roman;}}"
        r"\pard KE HOACH\par"
        r"\pard Can cu Quyet dinh so 505/QD-TTg{\super\chftn}{\footnote\pard\plain{\super\chftn} "
        r"Lay ngay 10 thang 10 hang nam.}.\par}",
        encoding="ascii",
    )
    document = read_document(path)
    assert document.kind == "rtf"
    assert document.footnotes == ["1. Lay ngay 10 thang 10 hang nam."]


def test_a_hundred_task_plan_imports_every_appendix_task(tmp_path: Path) -> None:
    """A plan of 100 appendix tasks is read, its 100 tasks extracted and a draft written
    (how long it takes is measured in bench/: import_100_tasks)."""
    path = plan_docx(tmp_path / "kh.docx", tasks=100)
    draft = extract(read_document(path), None)
    written = write_draft(draft, None)
    assert len([t for t in draft.tasks if t.label and t.label.startswith("PL")]) == 100
    assert written.plan_id
