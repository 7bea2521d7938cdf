"""Builds the report's Word template (``templates/report.docx``): a Decree 30/2020 report
layout holding Jinja2 tags that docxtpl fills. Officers restyle the built file in Word
(``planflow report template -o mau.docx``) and put it at ``<definitions>/templates/report.docx``;
this module is how the packaged one is made (``python -m planflow.reports.docx_template``).

Layout (Decree 30/2020, Appendix I): A4, margins 20/20/30/15 mm, Times New Roman; issuing
body and number top left, national title and motto top right, place and date in italics;
"BÁO CÁO" and its summary centred; body 14 pt justified with a 1 cm first-line indent;
"Nơi nhận" bottom left; the signature block bottom right; page numbers centred in the
top margin from page 2. The Phụ lục starts a landscape section, its tables' columns wide
enough that a date or a state stays on one or two lines.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

PACKAGED = Path(__file__).resolve().parent / "templates" / "report.docx"
FONT = "Times New Roman"
_DOUBT = "{% if t.review %} [Cần xác nhận: {{ t.review }}]{% endif %}"  # an item's open doubt


def _font(style: Any, size: int) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(container: Any, text: str = "", *, bold: bool = False, italic: bool = False,
          underline: bool = False, size: int | None = None, align: str | None = None,
          indent: bool = False) -> Any:  # fmt: skip
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    fmt.space_after = Pt(0) if align else Pt(6)
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align is None:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            fmt.first_line_indent = Cm(1)
    return p


def _short_rule(cell: Any, indent: float) -> None:
    """A short centred line under a heading (a bottom border on a narrow paragraph)."""
    p = _para(cell, align="center")
    p.paragraph_format.left_indent = Cm(indent)
    p.paragraph_format.right_indent = Cm(indent)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table: Any, widths: list[float]) -> None:
    """Fixed column widths (the grid Word and LibreOffice lay out by, and every cell)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _keep_together(table: Any) -> None:
    """Nơi nhận and the signature stay on one page: the row never splits, and the paragraph
    before it keeps with it (a signature alone on the last page is not sent)."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    for cell in table.rows[0].cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def _page_number(section: Any) -> None:
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    p._p.append(field)


def _grid(doc: Any, headers: list[str], cells: list[str], loop: str, widths: list[float]) -> None:
    """A bordered table: a header row and one row repeated by docxtpl's ``{%tr for %}``."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr " + loop + " %}")
    for i, text in enumerate(cells):
        table.rows[2].cells[i].paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _widths(table, widths)
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(12)


def _items(doc: Any, loop: str, text: str, empty: str | None = None) -> None:
    """One indented "- …" paragraph per item of ``loop``, or ``empty`` when there is none."""
    _para(doc, "{%p for " + loop + " %}")
    _para(doc, text, indent=True)
    if empty is not None:
        _para(doc, "{%p else %}")
        _para(doc, empty, indent=True)
    _para(doc, "{%p endfor %}")


def _body(doc: Any) -> None:
    """Parts I–V as a commune writes them (REGIME.md); the wording is the office's to change."""
    _para(doc, "{%p if r.recipients %}")
    _para(doc, "Kính gửi: {{ r.recipients | join('; ') }}.", align="center")
    _para(doc, "{%p endif %}")
    _para(
        doc,
        "Thực hiện {{ r.plan_reference }}; {{ r.sender }} báo cáo kết quả thực hiện {{ r.period_phrase }} "
        "(số liệu từ ngày {{ r.data_from }} đến ngày {{ r.data_to }}) như sau:",
        indent=True,
    )

    _para(doc, "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH, TỔ CHỨC TRIỂN KHAI THỰC HIỆN", bold=True)
    _para(
        doc,
        "{% if r.by_unit %}{{ r.sender }} đã triển khai các nhiệm vụ được giao chủ trì tại "
        "{{ r.plan_reference }} ({{ r.counts.tasks }} nhiệm vụ trong kỳ).{% else %}"
        "{{ r.sender }} đã ban hành {{ r.plan_reference }}; giao {{ r.standing_unit }} là cơ quan thường "
        "trực, theo dõi, đôn đốc, tổng hợp kết quả thực hiện; các cơ quan, đơn vị được phân công chủ trì "
        "từng nhiệm vụ.{% endif %}",
        indent=True,
    )
    _items(
        doc,
        "t in r.direction",
        "- {{ t.title | trim('.;') }}: {% if t.done_at %}hoàn thành ngày "
        "{{ t.done_at }}{% else %}đang thực hiện{% if t.percent %} ({{ t.percent }}%){% endif %}{% endif %}."
        "{% if t.note %} {{ t.note | trim('.') }}.{% endif %}" + _DOUBT,
    )

    _para(doc, "II. KẾT QUẢ THỰC HIỆN", bold=True)
    _para(
        doc,
        "Trong kỳ có {{ r.counts.tasks }} nhiệm vụ, kết quả: hoàn thành {{ r.counts.done }}"
        "{% if r.counts.done_late %} (trong đó {{ r.counts.done_late }} nhiệm vụ hoàn thành trễ hạn)"
        "{% endif %}; "
        "đang thực hiện {{ r.counts.in_progress }}; chưa triển khai {{ r.counts.not_started }}; quá hạn "
        "{{ r.counts.overdue }}{% if r.counts.blocked %}; chờ nhiệm vụ trước {{ r.counts.blocked }}"
        "{% endif %}. {% if r.counts.inputs and not r.by_unit %}Đã nhận {{ r.counts.inputs - "
        "r.counts.inputs_missing }}/{{ r.counts.inputs }} báo cáo của các cơ quan, đơn vị; kết quả các "
        "đơn vị báo cáo được tổng hợp theo từng nội dung dưới đây. {% endif %}"
        "Chi tiết từng nhiệm vụ tại Phụ lục kèm theo.",
        indent=True,
    )
    _para(doc, "{%p for s in r.results %}")
    _para(
        doc,
        "{{ s.number }}. {{ s.title }}: {{ s.total }} nhiệm vụ, hoàn thành {{ s.done }}, đang thực hiện "
        "{{ s.in_progress }}{% if s.not_started %}, chưa triển khai {{ s.not_started }}{% endif %}"
        "{% if s.overdue %}, quá hạn {{ s.overdue }}{% endif %}.",
        indent=True,
    )
    _items(doc, "h in s.highlights", "- {{ h }}")
    _items(doc, "u in s.unit_notes", "- {{ u }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if r.unit_results %}")
    _para(
        doc,
        "{{ r.results | length + 1 }}. {% if r.by_unit %}Kết quả nổi bật:{% else %}Kết quả khác từ báo "
        "cáo của các cơ quan, đơn vị:{% endif %}",
        indent=True,
    )
    _items(doc, "u in r.unit_results", "- {{ u }}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if r.headline_targets %}")
    _para(
        doc, "Kết quả thực hiện các mục tiêu, chỉ tiêu cụ thể của Kế hoạch:", bold=True, italic=True
    ).paragraph_format.space_before = Pt(6)
    _grid(
        doc,
        ["TT", "Chỉ tiêu", "Kế hoạch", "Lũy kế đến {{ r.data_to }}", "Đánh giá"],
        [
            "{{ loop.index }}",
            "{{ t.metric }}",
            "{{ t.comparator }} {{ t.required }}{{ t.unit_suffix }}",
            "{{ t.cumulative or '—' }}",
            "{{ t.verdict }}",
        ],
        "for t in r.headline_targets",
        [1.0, 6.4, 2.4, 3.0, 3.7],
    )
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if r.targets %}")
    _para(
        doc, "Các chỉ tiêu của nhiệm vụ đã có số liệu:", bold=True, italic=True
    ).paragraph_format.space_before = Pt(6)
    _grid(
        doc,
        ["TT", "Chỉ tiêu", "Kế hoạch", "Lũy kế", "Đánh giá"],
        [
            "{{ loop.index }}",
            "{{ t.metric }}",
            "{{ t.comparator }} {{ t.required }}{{ t.unit_suffix }}",
            "{{ t.cumulative }}{% if t.expected %} (cần khoảng {{ t.expected }} đến kỳ này){% endif %}",
            "{{ t.verdict }}{% if t.review %} (*){% endif %}",
        ],
        "for t in r.targets",
        [1.0, 5.6, 2.8, 3.4, 3.7],
    )
    _para(doc, "{%p endif %}")
    _items(doc, "t in r.reviewed_targets", "(*) {{ t.metric }}: [Cần xác nhận: {{ t.review }}]")
    _para(doc, "{%p if r.children %}")
    _para(
        doc,
        "Tình hình thực hiện của các địa phương: đã báo cáo "
        "{{ r.counts.children - r.counts.children_missing }}/{{ r.counts.children }} địa phương; "
        "xếp loại Xanh {{ r.green_share }} địa phương.",
        bold=True,
        italic=True,
    )
    _grid(
        doc,
        ["TT", "Địa phương", "Kế hoạch", "Hoàn thành", "Quá hạn", "Xếp loại", "Báo cáo"],
        [
            "{{ loop.index }}",
            "{{ c.issuer }}",
            "{{ c.document or c.plan_id }}",
            "{{ c.done }}/{{ c.total }}",
            "{{ c.overdue }}",
            "{{ c.colour }}",
            "{{ c.state_label }}{% if not c.reported and c.report_due %} (hạn {{ c.report_due }}){% endif %}",
        ],
        "for c in r.children",
        [1.0, 3.6, 2.6, 2.3, 1.8, 1.8, 3.4],
    )
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if r.budget_planned_total %}")
    _para(
        doc,
        "Kinh phí: dự toán {{ r.budget_planned_total }} triệu đồng; đã chi {{ r.budget_spent_total or "
        "'chưa có số liệu' }}{% if r.budget_spent_total %} triệu đồng{% endif %} (chi tiết tại Phụ lục).",
        indent=True,
    )
    _para(doc, "{%p endif %}")

    _para(doc, "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", bold=True)
    _items(
        doc,
        "s in r.shortcomings",
        "- {{ s }}",
        "- Không có nhiệm vụ quá hạn hay chỉ tiêu chậm tiến độ trong kỳ.",
    )
    _items(
        doc,
        "t in r.overdue",
        "- Quá hạn: {{ t.title | trim('.;') }}{% if t.period %} ({{ t.period_label or t.period }}){% endif %}"
        " — {{ t.lead | join(', ') }}, hạn {{ t.due }}, quá {{ t.days_overdue }} ngày; nguyên nhân: "
        "{{ (t.note or 'đơn vị chưa báo cáo tiến độ') | trim('.') }}." + _DOUBT,
    )
    _items(
        doc,
        "t in r.blocked",
        "- Chưa triển khai được: {{ t.title | trim('.;') }} — chờ hoàn thành: "
        "{{ t.blocked_by | join(', ') }}." + _DOUBT,
    )

    _para(doc, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI", bold=True)
    _para(
        doc,
        "Tiếp tục thực hiện các nhiệm vụ thường xuyên của Kế hoạch; tập trung hoàn thành các nhiệm vụ quá "
        "hạn và các nhiệm vụ đến hạn sau ngày {{ r.data_to }} đến ngày {{ r.next_until }}:",
        indent=True,
    )
    _items(
        doc,
        "t in r.next_steps",
        "- {{ t.title }} — {{ t.lead }}, hạn {{ t.due }}{% if t.repeats > 1 %} "
        "({{ t.repeats }} kỳ đến hạn trong thời gian này){% endif %}." + _DOUBT,
        "- Không có nhiệm vụ có thời hạn trong thời gian này.",
    )
    _items(doc, "u in r.unit_next", "- {{ u }}")

    _para(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    _items(doc, "p in r.proposals", "- {{ p }}", "- Không có.")
    _para(doc, "")


def _appendix(doc: Any) -> None:
    """The detailed tables, after the signature on a page of their own."""
    _para(doc, "PHỤ LỤC", bold=True, size=14, align="center")
    _para(doc, "Kết quả thực hiện các nhiệm vụ {{ r.period_phrase }}", bold=True, align="center")
    _para(doc, "({{ r.appendix_of }})", italic=True, align="center")
    _short_rule(doc, 6.0)
    _para(doc, "{%p for s in r.sections_with_rows %}")
    section_title = _para(doc, "{{ s.title }}", bold=True)
    section_title.paragraph_format.keep_with_next = True
    section_title.paragraph_format.space_before = Pt(12)
    _para(doc, "{%p if s.tasks %}")
    _grid(
        doc,
        ["TT", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Tình trạng", "Kết quả, ghi chú"],
        [
            "{{ t.label or loop.index }}",
            "{{ t.title }}{% if t.period %} ({{ t.period_label or t.period }}){% endif %}",
            "{{ t.lead | join(', ') }}"
            "{% if t.monitor %}; Cơ quan theo dõi: {{ t.monitor | join(', ') }}{% endif %}",
            "{{ t.due or 'Thường xuyên' }}",
            "{{ t.status_label }}{% if t.days_overdue %} ({{ t.days_overdue }} ngày){% endif %}",
            "{% if t.done_at %}Hoàn thành ngày {{ t.done_at }}. {% endif %}"
            "{% if t.note %}{{ t.note }}{% endif %}"
            "{% for e in t.evidence %} [Minh chứng: {{ e }}]{% endfor %}" + _DOUBT,
        ],
        "for t in s.tasks",
        [2.2, 7.0, 3.4, 2.6, 3.6, 6.4],
    )
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if r.quiet_labels %}")
    quiet = _para(
        doc,
        "{% if r.sections_with_rows %}Các nhiệm vụ còn lại{% else %}Các nhiệm vụ{% endif %} chưa có kết "
        "quả cập nhật trong kỳ (thường xuyên, chưa đến hạn hoặc chờ sự kiện; số thứ tự theo Kế hoạch): "
        "{{ r.quiet_labels | join('; ') }}.",
        size=12,
    )
    quiet.paragraph_format.space_before = Pt(12)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if r.inputs %}")
    _para(doc, "Báo cáo của các cơ quan, đơn vị", bold=True).paragraph_format.space_before = Pt(12)
    _items(doc, "v in r.input_reviews", "[Cần xác nhận hạn gửi: {{ v }}]")
    _grid(
        doc,
        ["TT", "Đơn vị", "Hạn gửi", "Tình trạng", "Số liệu, nội dung"],
        [
            "{{ loop.index }}",
            "{{ i.unit }}",
            "{{ i.due or '—' }}",
            "{{ i.state_label }}{% if i.received %} ngày {{ i.received_at }}{% endif %}",
            "{% for k, v in i.values.items() %}{{ k }}: {{ v }}; {% endfor %}{{ i.note_text }}",
        ],
        "for i in r.inputs",
        [1.2, 6.0, 2.6, 5.6, 9.8],
    )
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if r.contributed_targets %}")
    _para(doc, "Tổng hợp số liệu theo chỉ tiêu", bold=True).paragraph_format.space_before = Pt(12)
    _para(doc, "{%p for t in r.contributed_targets %}")
    _para(
        doc,
        "{{ t.metric }}: tổng hợp (lũy kế) {{ t.cumulative or '—' }}{{ t.unit_suffix }}",
        italic=True,
    ).paragraph_format.space_before = Pt(6)
    _grid(
        doc,
        ["TT", "Đơn vị, địa phương", "Số liệu"],
        ["{{ loop.index }}", "{{ c.unit }}", "{{ c.value }}"],
        "for c in t.contributions",
        [1.2, 16.0, 8.0],
    )
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if r.budget %}")
    _para(doc, "Kinh phí (triệu đồng)", bold=True).paragraph_format.space_before = Pt(12)
    _grid(
        doc,
        ["TT", "Nhiệm vụ", "Dự toán", "Đã chi"],
        ["{{ loop.index }}", "{{ b.task }}", "{{ b.planned or '—' }}", "{{ b.spent or 'Chưa báo cáo' }}"],
        "for b in r.budget",
        [1.2, 17.0, 3.5, 3.5],
    )
    _para(
        doc,
        "Tổng dự toán: {{ r.budget_planned_total or '—' }} triệu đồng; đã chi: {{ r.budget_spent_total or "
        "'chưa báo cáo' }}{% if r.budget_spent_total %} triệu đồng{% endif %}.",
        indent=True,
    ).paragraph_format.space_before = Pt(6)
    _para(doc, "{%p endif %}")


def build(path: Path) -> Path:
    doc = Document()
    _font(doc.styles["Normal"], 14)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_number(section)

    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    left, right = head.rows[0].cells
    _widths(head, [6.0, 10.5])
    left.paragraphs[0].add_run("{%p for line in r.issuer_lines %}")
    _para(left, "{{ line }}", bold=True, size=13, align="center")
    _para(left, "{%p endfor %}", align="center")
    _short_rule(left, 2.0)
    _para(left, "{{ r.number }}", size=13, align="center")
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    right.paragraphs[0].runs[0].font.size = Pt(12)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=14, align="center")
    _para(right, "", align="center")
    _para(right, "{{ r.place_date }}", italic=True, size=14, align="center")

    _para(doc, "")
    _para(doc, "BÁO CÁO", bold=True, size=14, align="center")
    _para(doc, "{{ r.summary }}", bold=True, size=14, align="center")
    _short_rule(doc, 6.0)
    _body(doc)
    foot = doc.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    _widths(foot, [7.5, 9.0])
    run = left.paragraphs[0].add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    _para(left, "{%p for d in r.distribution %}", align="left")
    _para(left, "- {{ d }}{{ '.' if loop.last else ';' }}", size=11, align="left")
    _para(left, "{%p endfor %}", align="left")
    right.paragraphs[0].add_run("{%p for a in r.signer_authority %}")
    _para(right, "{{ a }}", bold=True, align="center")
    _para(right, "{%p endfor %}", align="center")
    _para(right, "{{ r.signer_title }}", bold=True, align="center")
    for _ in range(4):
        _para(right, "", align="center")
    _para(right, "{{ r.signer_name }}", bold=True, align="center")
    _keep_together(foot)

    # The appendix on landscape pages (as offices print wide tables): room for every column.
    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(297), Mm(210)
    annex.top_margin, annex.bottom_margin = Mm(20), Mm(20)
    annex.left_margin, annex.right_margin = Mm(30), Mm(15)
    annex.different_first_page_header_footer = False  # numbered from its first page
    _appendix(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":  # pragma: no cover - the maintainer's rebuild of the packaged file
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGED))
