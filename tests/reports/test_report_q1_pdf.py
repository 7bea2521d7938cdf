"""The quarterly report a commune sends: loc-tan-2026, Q1/2026, with recorded progress and two
units' inputs, printed to PDF by LibreOffice and read page by page."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from tests.cli.runner import run_cli
from tests.conftest import REPO, copy_migrated_store

REF = "loc-tan-2026/bao-cao-dinh-ky"
HEADINGS = [
    "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH, TỔ CHỨC TRIỂN KHAI THỰC",
    "II. KẾT QUẢ THỰC HIỆN",
    "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
    "V. ĐỀ XUẤT, KIẾN NGHỊ",
    "Nơi nhận:",
    "PHỤ LỤC",
]


def _cli(*args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, err
    return out


def record_q1(root: Path) -> None:
    """Q1/2026 of Lộc Tấn: the plan issued, one task under way, the January and February
    hamlet reports sent, and the inputs of Công an xã and Đoàn Thanh niên with figures."""
    d = ["-d", str(root)]
    _cli("progress", "loc-tan-2026", "pl1-01-ban-hanh-ke-hoach", "--status", "done", "--by", "phong-vhxh",
         "--at", "2026-02-20", "--note", "Đã ban hành Kế hoạch số 25/KH-UBND ngày 20/02/2026", *d)  # fmt: skip
    _cli("progress", "loc-tan-2026", "to-cong-tac-cds", "--status", "in_progress", "--percent", "40",
         "--by", "to-cong-tac-cds", "--at", "2026-03-10",
         "--note", "Tổ công tác họp giao ban tháng 01 và tháng 02, phân công thành viên phụ trách 21 ấp", *d)  # fmt: skip
    for month, day in (("2026-01", "2026-01-30"), ("2026-02", "2026-02-27")):
        _cli("report", "send", "loc-tan-2026/bao-cao-hoat-dong-ap", "--period", month, "--at", day,
             "--no-deliver", *d)  # fmt: skip
    _cli("progress", "loc-tan-2026", "bao-cao-dinh-ky", "--period", "2026-Q1", "--status", "done",
         "--by", "cong-an-xa", "--at", "2026-03-26",
         "--value", "nguoi-dan-dang-ky-vneid=1.200", "--value", "luot-ho-tro-dvctt=35",
         "--value", "nguoi-truong-thanh-co-vneid=62",
         "--note", "Kết quả: hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức 2\n"
                   "Khó khăn: thiếu thiết bị đọc căn cước gắn chip tại các ấp\n"
                   "Đề xuất: bổ sung 02 thiết bị đọc căn cước cho Tổ Công nghệ số cộng đồng", *d)  # fmt: skip
    _cli("progress", "loc-tan-2026", "bao-cao-dinh-ky", "--period", "2026-Q1", "--status", "done",
         "--by", "doan-thanh-nien", "--at", "2026-03-27",
         "--value", "nguoi-dan-dang-ky-vneid=850", "--value", "luot-ho-tro-dvctt=120",
         "--note", "Kết quả: ra quân Chiến dịch Thanh niên số - công dân số tại 21 ấp", *d)  # fmt: skip


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, as pdftotext reads it."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


@pytest.fixture
def loc_tan(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", database_url)
    copy_migrated_store(database_url, tmp_path_factory)  # a store at head: migrations are not the subject
    root = tmp_path / "definitions"
    shutil.copytree(REPO / "definitions", root)
    record_q1(root)
    return root


@pytest.fixture(scope="module")
def printed() -> dict[str, bytes]:
    """The Q1 PDF of each backend's store, printed by the first test that asks for it: the
    same command on the same recorded state gives the same document."""
    return {}


def q1_pdf(loc_tan: Path, tmp_path: Path, printed: dict[str, bytes]) -> Path:
    """``report build … -f pdf`` of the Q1 report into tmp_path (once per backend, see printed)."""
    pdf = tmp_path / "q1.pdf"
    backend = os.environ["PLANFLOW_DATABASE_URL"].split(":", 1)[0]
    if backend not in printed:
        _cli("report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "-f", "pdf", "-o",
             str(pdf), "-d", str(loc_tan))  # fmt: skip
        printed[backend] = pdf.read_bytes()
    pdf.write_bytes(printed[backend])
    return pdf


def test_q1_report_reads_as_a_commune_report(loc_tan: Path) -> None:
    """The Markdown: the commune reports to the department, figures summed from the inputs
    with thousands dots, annual targets judged by their share of the year, sent reports done."""
    out = _cli("report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "-d", str(loc_tan))
    assert "Kính gửi: Sở Khoa học và Công nghệ tỉnh Đồng Nai.\n" in out  # not UBND xã itself
    assert "; Ủy ban nhân dân xã Lộc Tấn báo cáo kết quả thực hiện quý I năm 2026 (số liệu" in out
    assert "- Tham mưu ban hành Kế hoạch phát triển khoa học, công nghệ, đổi mới sáng tạo CDS năm 2026: hoàn thành ngày 20/02/2026. Đã ban hành Kế hoạch số 25/KH-UBND ngày 20/02/2026." in out  # fmt: skip
    # 1.200 + 850 = 2.050 people (≥ 150: reached); 35 + 120 = 155 support sessions of 500 a year,
    # about 100 due by 14/03 (73 of 365 days): on track, not "Chưa đạt" in March.
    assert "| 2 | Số người dân được hướng dẫn đăng ký VNeID (mỗi ấp) | ≥ 150 người | 2.050 | Đạt |" in out
    assert "| 1 | Số lượt hỗ trợ người dân sử dụng DVCTT | ≥ 500 lượt/năm | 155 (cần khoảng 100 đến kỳ này) | Đúng tiến độ |" in out  # fmt: skip
    assert "| 2 | Tỷ lệ người dân trưởng thành có VNeID | ≥ 80% | 62 | Đang thực hiện |" in out
    assert "Chưa đạt" not in out
    # part II follows the plan: its sections in the plan's order, Phụ lục I and II after them
    results = re.findall(r"^### \d+\. (.+)$", out.split("## II.")[1].split("## III.")[0], re.M)
    assert results[:3] == [
        "Tăng cường công tác lãnh đạo, chỉ đạo, điều hành; kiểm tra, giám sát hoạt động phát triển khoa "
        "học, công nghệ, đổi mới sáng tạo chuyển đổi số",
        "Thể chế, chính sách số",
        "Hạ tầng số",
    ]
    annex = "Các nhiệm vụ tại Phụ lục I của Kế hoạch"
    assert results.index(annex) < results.index("Kiểm tra nhà nước về đo lường")
    # the units' texts merged under their parts: their results and figures under the plan's
    # section of the targets they report on (Phụ lục I), named by unit; difficulties in III,
    # proposals in V; no separate list of the units' notes
    section = out.split(f"### {results.index(annex) + 1}. {annex}")[1].split("\n### ")[0]
    assert (
        "- Công an xã Lộc Tấn: hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức 2; số liệu báo "
        "cáo: số người dân được hướng dẫn đăng ký VNeID (mỗi ấp) 1.200 người, số lượt hỗ trợ người dân sử "
        "dụng DVCTT 35 lượt, tỷ lệ người dân trưởng thành có VNeID 62%.\n" in section
    )
    assert (
        "- Đoàn Thanh niên xã Lộc Tấn: ra quân Chiến dịch Thanh niên số - công dân số tại 21 ấp; số liệu báo "
        "cáo: số người dân được hướng dẫn đăng ký VNeID (mỗi ấp) 850 người, số lượt hỗ trợ người dân sử dụng "
        "DVCTT 120 lượt.\n" in section
    )
    assert "Kết quả khác từ báo cáo" not in out and "Kết quả: hướng dẫn" not in out.split("# PHỤ LỤC")[0]
    assert "Đã nhận 2/12 báo cáo của các cơ quan, đơn vị; kết quả các đơn vị báo cáo được tổng hợp" in out
    part3 = out.split("## III.")[1].split("## IV.")[0]
    assert (
        "- Công an xã Lộc Tấn báo cáo khó khăn: thiếu thiết bị đọc căn cước gắn chip tại các ấp.\n" in part3
    )
    part5 = out.split("## V.")[1].split("Nơi nhận")[0]
    assert (
        "- Công an xã Lộc Tấn đề xuất: bổ sung 02 thiết bị đọc căn cước cho Tổ Công nghệ số cộng đồng.\n"
        in part5
    )
    # the hamlets' monthly reports (PL I.31) are a report duty only, not also a task: the two
    # sent are nowhere late, and no task row restates them
    assert "Báo cáo hoạt động" not in out.split("## III.")[1].split("## IV.")[0]
    assert "PL I.31" not in out
    # Next steps reach the H1 report's due date, so the 30/06 deliverables are in.
    assert "đến hạn sau ngày 14/03/2026 đến ngày 10/07/2026:" in out
    # PL I.3: the bodies carry it out, Phòng VH-XH only monitors it (Phụ lục I's column)
    assert "- Triển khai chữ ký số cho cán bộ CCVC — Các cơ quan, đơn vị thuộc xã, hạn 30/06/2026." in out
    assert "| **Số lượt hỗ trợ người dân sử dụng DVCTT** | **Tổng hợp (lũy kế)** | **155** |" in out
    # as the plan's Nơi nhận writes it
    assert "- Như trên;\n- CT, các PCT UBND xã;\n- Lưu: VT, VHXH.\n" in out


def test_the_report_listing_shows_the_worst_input(loc_tan: Path) -> None:
    """Ten of twelve inputs are missing after their due date: the report's inputs are overdue."""
    listing = json.loads(
        _cli("reports", "loc-tan-2026", "--as-of", "2026-04-08", "--json", "-d", str(loc_tan))
    )
    q1 = next(r for r in listing["reports"] if r["key"] == "loc-tan-2026/bao-cao-dinh-ky/2026-Q1")
    assert (q1["inputs_received"], q1["inputs_total"], q1["inputs_state"]) == (2, 12, "overdue")
    monthly = {r["period"]: r["state"] for r in listing["reports"] if r["report"] == "bao-cao-hoat-dong-ap"}
    assert (monthly["2026-01"], monthly["2026-02"], monthly["2026-03"]) == ("sent", "sent", "overdue")


def test_q1_report_pdf_page_by_page(loc_tan: Path, tmp_path: Path, printed: dict[str, bytes]) -> None:
    """LibreOffice prints 3-6 pages of report then the appendix; the parts come in order; page 1
    has the header, the addressee and the sender; the signature page the Nơi nhận; the
    appendix the consolidated figures, equal to the inputs' sum."""
    if shutil.which("soffice") is None:
        if os.environ.get("PLANFLOW_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required (PLANFLOW_REQUIRE_LIBREOFFICE) but soffice is not installed")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    pages = pdf_pages(q1_pdf(loc_tan, tmp_path, printed))
    appendix = next(i for i, p in enumerate(pages) if re.search(r"^\s*PHỤ LỤC\s*$", p, re.M))
    assert 3 <= appendix <= 6, f"the report itself has {appendix} pages"
    # one row per task with something to show, the quiet ones by label: 6 pages, not 16
    assert 1 <= len(pages) - appendix <= 6, f"the appendix has {len(pages) - appendix} pages"
    text = "\n".join(pages)
    positions = [text.find(h) for h in HEADINGS]
    assert -1 not in positions and positions == sorted(positions), positions
    first = pages[0]
    for line in ("ỦY BAN NHÂN DÂN", "XÃ LỘC TẤN", "Số:", "/BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Lộc Tấn, ngày 08 tháng 4 năm 2026", "BÁO CÁO",
                 "Kính gửi: Sở Khoa học và Công nghệ tỉnh Đồng Nai."):  # fmt: skip
        assert line in first, line
    assert "Ủy ban nhân dân xã Lộc Tấn báo cáo kết quả" in re.sub(r"\s+", " ", first)
    signature = pages[appendix - 1]
    for line in ("Nơi nhận:", "- Như trên;", "- CT, các PCT UBND xã;", "- Lưu: VT, VHXH.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                 "PHÓ CHỦ TỊCH", "Nguyễn Sĩ Quân"):  # fmt: skip
        assert line in signature, line
    assert "Kèm theo Báo cáo số" in pages[appendix]
    rest = re.sub(r"[ \t]+", " ", "\n".join(pages[appendix:]))
    vneid = rest.split("Số người dân được hướng dẫn đăng ký VNeID (mỗi ấp): tổng hợp (lũy kế)")[1]
    contributed = [int(v.replace(".", "")) for v in re.findall(r"^\s*\d+ (?:Công an xã Lộc Tấn|Đoàn Thanh niên xã Lộc Tấn) ([\d.]+)\s*$", vneid.split("tổng hợp")[0], re.M)]  # fmt: skip
    total = int(re.match(r"\s*([\d.]+)", vneid)[1].replace(".", ""))  # type: ignore[index]
    assert contributed == [1200, 850] and total == sum(contributed) == 2050


def test_a_units_own_report_is_that_units_document(loc_tan: Path) -> None:
    """Phòng Kinh tế's quarterly spending report goes to UBND xã only: it is the phòng's own
    document, under the commune's name, numbered and filed with the phòng's abbreviation."""
    out = _cli("report", "build", "loc-tan-2026/bao-cao-chi-tieu-cds", "--period", "2026-Q1", "--as-of",
               "2026-03-30", "-d", str(loc_tan))  # fmt: skip
    assert out.startswith("**UBND XÃ LỘC TẤN**  \n**PHÒNG KINH TẾ**  \nSố:      /BC-KT\n")
    # the duty's addressee
    assert "Kính gửi: Ủy ban nhân dân xã Lộc Tấn (qua Phòng Văn hóa - Xã hội).\n" in out
    assert "; Phòng Kinh tế xã Lộc Tấn báo cáo kết quả thực hiện quý I năm 2026" in out
    assert "- Lưu: VT, KT." in out and "**THỦ TRƯỞNG ĐƠN VỊ**" in out and "ỦY BAN NHÂN DÂN**" not in out


def test_a_units_input_rendered_is_that_units_document(loc_tan: Path, tmp_path: Path) -> None:
    """Công an xã's input to the Q1 report: its header, its tasks only, to UBND xã through the
    standing unit, its figures and notes; the .docx renders with every tag filled."""
    d = ["-d", str(loc_tan)]
    out = _cli(
        "report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "--unit", "cong-an-xa", *d
    )
    assert out.startswith("**UBND XÃ LỘC TẤN**  \n**CÔNG AN XÃ LỘC TẤN**  \nSố:      /BC-CA\n")
    assert "Kính gửi: Ủy ban nhân dân xã Lộc Tấn (qua Phòng Văn hóa - Xã hội).\n" in out
    assert "Công an xã Lộc Tấn đã triển khai các nhiệm vụ được giao chủ trì tại Kế hoạch" in out
    assert "Trong kỳ có 6 nhiệm vụ," in out and "Đoàn Thanh niên" not in out
    assert (
        "| **Số người dân được hướng dẫn đăng ký VNeID (mỗi ấp)** | **Tổng hợp (lũy kế)** | **1.200** |"
        in out
    )
    assert "- Lưu: VT, CA." in out and "TM. ỦY BAN NHÂN DÂN" not in out
    # its own texts, not naming itself in every line; the budget of the tasks it leads (none)
    assert "\n- Hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức 2; số liệu báo cáo:" in out
    assert "\n- Khó khăn: thiếu thiết bị đọc căn cước gắn chip tại các ấp.\n" in out
    assert "\n- Đề xuất: bổ sung 02 thiết bị đọc căn cước cho Tổ Công nghệ số cộng đồng.\n" in out
    assert "Kinh phí" not in out
    target = tmp_path / "ca.docx"
    _cli("report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "--unit", "cong-an-xa",
         "-f", "docx", "-o", str(target), *d)  # fmt: skip
    body = [p.text for p in docx.Document(str(target)).paragraphs]
    assert "Kính gửi: Ủy ban nhân dân xã Lộc Tấn (qua Phòng Văn hóa - Xã hội)." in body
    assert not any("{%" in t or "{{" in t for t in body)


DOUBT = "Thời hạn do người nhập tạm đặt (văn bản không ghi) — đề nghị xác nhận với các ấp."


def test_items_in_doubt_are_reported_with_their_doubt(loc_tan: Path) -> None:
    """A task whose definition keeps a doubt open (here an assumed deadline) carries it wherever
    it is reported; so do a target of the "Quý VI/2026" task and the inputs' contradictory due
    date: the report never states a coerced value as plain fact."""
    plan = loc_tan / "plans" / "loc-tan-2026.yaml"
    text = plan.read_text(encoding="utf-8")
    anchor = "  - id: pl1-27-ap-tuyen-truyen-cds\n    label: PL I.27\n"
    assert anchor in text
    plan.write_text(text.replace(anchor, f'{anchor}    review: "{DOUBT}"\n'), encoding="utf-8")
    _cli("progress", "loc-tan-2026", "bao-cao-dinh-ky", "--period", "2026-Q1", "--status", "done",
         "--by", "ttpvhcc", "--at", "2026-03-27", "--value", "ho-so-duoc-so-hoa=45", "-d", str(loc_tan))  # fmt: skip
    out = _cli("report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "-d", str(loc_tan))
    mark = f"[Cần xác nhận: {DOUBT}]"
    part2, rest = out.split("## II.")[1].split("## III.")
    part3, rest = rest.split("## IV.")
    part4, appendix = rest.split("# PHỤ LỤC")
    assert (
        f"- Tuyên truyền CDS tháng 1/2026 (Các ấp trên địa bàn xã Lộc Tấn): quá hạn 40 ngày. {mark}" in part2
    )
    assert f"quá 12 ngày; nguyên nhân: đơn vị chưa báo cáo tiến độ. {mark}\n" in part3
    assert f"- Tuyên truyền CDS — Các ấp trên địa bàn xã Lộc Tấn, hạn 31/03/2026 (4 kỳ đến hạn trong thời gian này). {mark}\n" in part4  # fmt: skip
    row = next(line for line in appendix.splitlines() if line.startswith("| PL I.27 |"))
    assert row.endswith(f"chưa bắt đầu. {mark} |")
    # PL I.12 is due "Quý VI/2026", read as Q4: its target's verdict is flagged, the doubt under the table
    assert "| Tỷ lệ hồ sơ được số hóa | ≥ 80% | 45 | Đang thực hiện (*) |" in part2
    assert "(*) Tỷ lệ hồ sơ được số hóa: [Cần xác nhận: Văn bản ghi “Quý VI/2026” (không có quý VI)" in part2
    inputs = appendix.split("**Báo cáo của các cơ quan, đơn vị**")[1]
    assert inputs.lstrip().startswith("[Cần xác nhận hạn gửi: Văn bản mâu thuẫn: mục VI.1 yêu cầu")


def test_appendix_columns_fit_dates_and_states(
    loc_tan: Path, tmp_path: Path, printed: dict[str, bytes]
) -> None:
    """The appendix is a landscape section whose task table gives the due date and the state
    room enough: in the PDF a date is never split and a repeating task's state reads on one
    line ("Quá hạn 2 kỳ; chưa bắt đầu 1 kỳ" took eleven lines in a 2 cm column)."""
    target = tmp_path / "q1.docx"
    _cli("report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "-f", "docx", "-o",
         str(target), "-d", str(loc_tan))  # fmt: skip
    document = docx.Document(str(target))
    first, annex = document.sections
    assert first.page_width < first.page_height and annex.page_width > annex.page_height
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells][4:5] == ["Tình trạng"])
    widths = {cell.text: cell.width.cm for cell in table.rows[0].cells}
    assert widths["Thời hạn"] >= 2.5 and widths["Tình trạng"] >= 3.5, widths
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed: the PDF half of the check needs it")
    pages = pdf_pages(q1_pdf(loc_tan, tmp_path, printed))
    start = next(i for i, p in enumerate(pages) if re.search(r"^\s*PHỤ LỤC\s*$", p, re.M))
    annex_text = "\n".join(pages[start:])
    assert re.search(r"\b\d\d/\d\d/20\s*$", annex_text, re.M) is None  # no date cut after its century
    row = next(line for line in annex_text.splitlines() if "PL I.27" in line)
    assert "Tuyên truyền CDS" in row and "31/03/2026" in row and "Quá hạn 2 kỳ;" in row, row
