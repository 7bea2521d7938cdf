"""Plans as legal portals publish them: Markdown with flattened tables and page chrome, and HTML."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from planflow.importer import extract, read_document
from planflow.importer.document import Line, Table

FIXTURES = Path(__file__).parent / "fixtures"

# A page in the portal's shape: its banner and metadata table, the header table, a
# paragraph broken mid-sentence with emphasis markers mid-word (and one broken before a
# dash inside the sentence), a task table with one
# cell per stretch between `|` lines (a group row spanning the columns, an empty cell),
# the signature table, and the page's own headings after the document.
PORTAL_PAGE = """\
|
|
Bản dịch này thuộc quyền sở hữu của **
CỔNG VĂN BẢN**. Mọi hành vi sao chép là vi phạm.
|
|
Đang tải văn bản...
**Số hiệu:**
|
12/KH-UBND
|
|
**ỦY BAN NHÂN
DÂN**
**TỈNH DEMO**
--------
|
**CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số: 12/KH-UBND
|
*Demo,
ngày 05 tháng 01 năm 2026*
|


**KẾ HOẠCH**

Chuyển đổi số năm 2026

- Tăng cường năng lực nghiên
cứu, ứng dụng *(nông nghiệp công
nghệ cao) *và chuyển giao công nghệ.

**II. NHIỆM
VỤ**

|
**STT**
|
**Nhiệm vụ**
|
**Chủ trì**
|
**Thời gian**
|
|
**I**
|
**HẠ TẦNG SỐ**
|
|
1
|
Nâng cấp mạng
nội bộ các cơ quan
|
Sở Khoa học và Công nghệ
|
Quý II/2026
|
|
2
|
Rà soát thủ tục hành chính
|
|
Năm 2026
|

Trên đây là Kế hoạch tài chính
- ngân sách năm 2026 của tỉnh./.

|
*Nơi nhận:*
- Các sở, ngành;
- Lưu: VT.
|
**TM. ỦY BAN
NHÂN DÂN**
KT. CHỦ TỊCH
**PHÓ CHỦ TỊCH**
**Nguyễn Văn A**
|
Kế hoạch 12/KH-UBND năm 2026 do tỉnh Demo ban hành
## Văn bản liên quan
|
**Địa chỉ:**
|
Số 1 đường Demo
|
"""


def _blocks(path: Path) -> list[str | tuple[tuple[str, ...], ...]]:
    return [b.rows if isinstance(b, Table) else b.text for b in read_document(path).blocks]


def test_portal_markdown_page(tmp_path: Path) -> None:
    """The document alone comes out: header and signature as lines, paragraphs joined, the task table rebuilt."""
    path = tmp_path / "kh.md"
    path.write_text(PORTAL_PAGE, encoding="utf-8")
    assert _blocks(path) == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH DEMO",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/KH-UBND",
        "Demo, ngày 05 tháng 01 năm 2026",
        "KẾ HOẠCH",
        "Chuyển đổi số năm 2026",
        "- Tăng cường năng lực nghiên cứu, ứng dụng (nông nghiệp công nghệ cao) và chuyển giao công nghệ.",
        "II. NHIỆM VỤ",
        (
            ("STT", "Nhiệm vụ", "Chủ trì", "Thời gian"),
            ("I", "HẠ TẦNG SỐ", "", ""),
            ("1", "Nâng cấp mạng nội bộ các cơ quan", "Sở Khoa học và Công nghệ", "Quý II/2026"),
            ("2", "Rà soát thủ tục hành chính", "", "Năm 2026"),
        ),
        "Trên đây là Kế hoạch tài chính - ngân sách năm 2026 của tỉnh./.",
        "Nơi nhận:",
        "- Các sở, ngành;",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn A",
        "Kế hoạch 12/KH-UBND năm 2026 do tỉnh Demo ban hành",
    ]


def test_real_portal_plan(tmp_path: Path) -> None:
    """A real province plan from a portal: its appendix is one 5-column table of 4 groups and 19 tasks."""
    document = read_document(FIXTURES / "portal-dong-thap-552.md")
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert table.rows[0] == ("STT", "NHIỆM VỤ VÀ GIẢI PHÁP", "CHỦ TRÌ", "PHỐI HỢP", "THỜI GIAN")
    assert [r[0] for r in table.rows[1:]] == [
        "I", "1", "2", "3", "4", "II", "1", "2", "3", "4", "5", "III", "1", "2", "3", "4", "5", "IV",
        "1", "2", "3", "4", "5",
    ]  # fmt: skip
    assert table.rows[3] == (
        "2",
        "Đề xuất giải pháp cải thiện môi trường đầu tư, kinh doanh; ưu tiên thu hút dự án ứng dụng công nghệ cao.",
        "Sở Tài chính",
        "Sở Công Thương; Ban Quản lý khu Kinh tế tỉnh Đồng Tháp",
        "2026",
    )
    lines = [b.text for b in document.blocks if isinstance(b, Line)]
    assert lines[:6] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH ĐỒNG THÁP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 552/KH-UBND",
        "Đồng Tháp, ngày 19 tháng 11 năm 2025",
    ]
    draft = extract(document, None)
    assert (draft.document_number, draft.issued and draft.issued.isoformat()) == ("552/KH-UBND", "2025-11-19")
    assert draft.signer is not None and draft.signer.name == "Huỳnh Minh Tuấn"


HTML_PAGE = """\
<html><head><title>Kế hoạch</title><script>var menu = 1;</script><style>p {}</style></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/vb">Văn bản</a></nav>
<div class="banner">Đăng nhập để xem bản gốc</div>
<table><tr><td><p><b>ỦY BAN NHÂN DÂN</b></p><p><b>XÃ DEMO</b></p><p>-------</p></td>
<td><p><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p><p>Độc lập - Tự do - Hạnh phúc</p></td></tr>
<tr><td>Số: 7/KH-UBND</td><td><i>Demo, ngày 02 tháng 3 năm 2026</i></td></tr></table>
<p align="center"><b>KẾ HOẠCH</b></p>
<p>Tổ chức tập huấn<br>kỹ năng số</p>
<table border="1">
<tr><th>TT</th><th>Nội dung</th><th>Đơn vị thực hiện</th><th>Thời gian</th></tr>
<tr><td>1</td><td>Tập huấn cán bộ</td><td rowspan="2">Phòng Văn hóa - Xã hội</td><td>Tháng 4/2026</td></tr>
<tr><td>2</td><td>Tập huấn người dân
<table><tr><td>Thôn A</td><td>Thôn B</td></tr></table></td><td>Tháng 5/2026</td></tr>
<tr><td colspan="4">Tổng cộng: 2 nhiệm vụ</td></tr>
</table>
<footer>Bản quyền thuộc cổng văn bản</footer></body></html>
"""


def test_html_page(tmp_path: Path) -> None:
    """Navigation, scripts and banners before the motto go; rowspan repeats, colspan once, a nested table after."""
    path = tmp_path / "kh.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    assert _blocks(path) == [
        "ỦY BAN NHÂN DÂN",
        "XÃ DEMO",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 7/KH-UBND",
        "Demo, ngày 02 tháng 3 năm 2026",
        "KẾ HOẠCH",
        "Tổ chức tập huấn",
        "kỹ năng số",
        (
            ("TT", "Nội dung", "Đơn vị thực hiện", "Thời gian"),
            ("1", "Tập huấn cán bộ", "Phòng Văn hóa - Xã hội", "Tháng 4/2026"),
            ("2", "Tập huấn người dân", "Phòng Văn hóa - Xã hội", "Tháng 5/2026"),
            ("Tổng cộng: 2 nhiệm vụ", "", "", ""),
        ),
        (("Thôn A", "Thôn B"),),
    ]


def test_markdown_pipe_and_html_tables(tmp_path: Path) -> None:
    """Markdown written by a converter keeps its tables: a pipe table and a raw HTML table with a merged cell."""
    path = tmp_path / "kh.md"
    path.write_text(
        "KẾ HOẠCH\n\n| TT | Nhiệm vụ | Chủ trì |\n|----|----------|---------|\n"
        "| 1 | Tập huấn **kỹ năng** số | Phòng VH-XH |\n| 2 | Số hóa hồ sơ | |\n\n"
        '<table>\n<tr><td rowspan="2">Phòng Tư pháp</td><td>Rà soát</td></tr>\n<tr><td>Niêm yết</td></tr>\n</table>\n',
        encoding="utf-8",
    )
    assert _blocks(path) == [
        "KẾ HOẠCH",
        (
            ("TT", "Nhiệm vụ", "Chủ trì"),
            ("1", "Tập huấn kỹ năng số", "Phòng VH-XH"),
            ("2", "Số hóa hồ sơ", ""),
        ),
        (("Phòng Tư pháp", "Rà soát"), ("Phòng Tư pháp", "Niêm yết")),
    ]


def test_two_level_heading_of_a_flattened_table(tmp_path: Path) -> None:
    """ "Đơn vị thực hiện" printed over "Chủ trì" and "Phối hợp" is put back over its two columns."""
    cells = ["STT", "Nội dung", "Đơn vị thực hiện", "Thời gian", "", "Chủ trì", "Phối hợp", ""]
    cells += ["1", "Tập huấn kỹ năng số", "Phòng Văn hóa - Xã hội", "Công an xã", "Quý II/2026", ""]
    cells += ["2", "Số hóa hồ sơ", "Văn phòng HĐND và UBND", "", "Năm 2026"]
    path = tmp_path / "kh.md"
    lines = ["|"]
    for cell in cells:  # an empty cell, like the seam between rows, is two `|` lines in a row
        lines += [cell, "|"] if cell else ["|"]
    path.write_text("KẾ HOẠCH\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert _blocks(path) == [
        "KẾ HOẠCH",
        (
            ("STT", "Nội dung", "Đơn vị thực hiện", "", "Thời gian"),
            ("STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"),
            ("1", "Tập huấn kỹ năng số", "Phòng Văn hóa - Xã hội", "Công an xã", "Quý II/2026"),
            ("2", "Số hóa hồ sơ", "Văn phòng HĐND và UBND", "", "Năm 2026"),
        ),
    ]


def test_html_page_in_a_legacy_encoding(tmp_path: Path) -> None:
    """An older page saved in windows-1258 is read through its declared charset."""
    path = tmp_path / "kh.htm"
    page = '<html><head><meta charset="windows-1258"></head><body><p>KẾ HOẠCH</p><p>Tổ chức tập huấn</p></body></html>'
    path.write_bytes(b"".join(_cp1258(c) for c in page))
    assert _blocks(path) == ["KẾ HOẠCH", "Tổ chức tập huấn"]


def _cp1258(char: str) -> bytes:
    """One character in windows-1258, which writes most tone marks as combining marks."""
    try:
        return char.encode("cp1258")
    except UnicodeEncodeError:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(p for p in parts if p in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        return (base + tones).encode("cp1258")


def test_an_empty_cell_after_a_group_row_does_not_shift_the_next_rows(tmp_path: Path) -> None:
    """In a numbered table, rows with an empty unit cell next to a group row are read with
    their cells in place: an empty cell is not taken for the seam between rows."""
    rows = [
        ["STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian", "Ghi chú"],
        ["I", "NHÓM NHIỆM VỤ THỨ NHẤT"],
        ["1", "Tổ chức hội nghị", "Sở Tài chính", "Sở Nội vụ", "Quý II/2026", ""],
        ["2", "Xây dựng chuyên mục", "", "Báo tỉnh", "Thường xuyên", ""],
        ["3", "Khảo sát doanh nghiệp", "", "Hiệp hội Doanh nghiệp tỉnh", "Năm 2026", ""],
        ["II", "NHÓM NHIỆM VỤ THỨ HAI"],
        ["4", "Lựa chọn nền tảng số", "Sở Công Thương", "Viễn thông tỉnh", "Quý IV/2026", ""],
    ]
    lines = ["|"]
    for row in rows:  # each cell closed by `|`; the seam after a row is one more `|`
        for cell in row:
            lines += [cell, "|"] if cell else ["|"]
        lines.append("|")
    path = tmp_path / "kh.md"
    path.write_text("KẾ HOẠCH\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    table = _blocks(path)[1]
    assert isinstance(table, tuple)
    assert [r[:4] for r in table if r[0] in ("2", "3", "4")] == [
        ("2", "Xây dựng chuyên mục", "", "Báo tỉnh"),
        ("3", "Khảo sát doanh nghiệp", "", "Hiệp hội Doanh nghiệp tỉnh"),
        ("4", "Lựa chọn nền tảng số", "Sở Công Thương", "Viễn thông tỉnh"),
    ]
