"""Building, versioning, sending and rolling up reports against a real store (SQLite file
and PostgreSQL), through the CLI where a user would."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.store.models import ReportVersionRow
from tests.cli.runner import run_cli
from tests.conftest import REPO
from tests.factories import demo_plan, write_definitions

GOLDEN = Path(__file__).parent / "golden" / "demo-2026-bao-cao-quy-2026-Q1.md"
REF = "demo-2026/bao-cao-quy"


def demo_with_budget(root: Path) -> Path:
    plan = demo_plan()
    plan["tasks"][0]["budget"] = 20
    plan["tasks"][1]["budget"] = "12,5"
    return write_definitions(root, plan)


def _cli(*args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, err
    return out


def record_quarter(root: Path) -> None:
    """Q1/2026 of the demo plan: one task done on time with its spending, one done late, one
    unit's input received, the other's missing."""
    d = ["-d", str(root)]
    _cli("progress", "demo-2026", "ke-hoach", "--status", "done", "--by", "vhxh", "--at", "2026-03-10",
         "--note", "Đã ban hành Kế hoạch số 15/KH-UBND", "--evidence", "https://demo.example/kh15.pdf",
         "--value", "spent=18,2", *d)  # fmt: skip
    _cli("progress", "demo-2026", "tet", "--status", "done", "--by", "hcc", "--at", "2026-02-25", *d)
    _cli("progress", "demo-2026", "bao-cao-quy", "--period", "2026-Q1", "--status", "done", "--by", "kt",
         "--at", "2026-03-27", "--note", "Phòng Kinh tế: 12 doanh nghiệp dùng hóa đơn điện tử", *d)  # fmt: skip


@pytest.fixture
def store_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", database_url)
    return database_url


def test_report_matches_the_reviewed_golden_markdown(tmp_path: Path, store_env: str) -> None:
    root = demo_with_budget(tmp_path / "d")
    record_quarter(root)
    out = _cli("report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "-d", str(root))
    assert out == GOLDEN.read_text(encoding="utf-8")


def test_docx_has_the_decree_30_layout(tmp_path: Path, store_env: str) -> None:
    root = demo_with_budget(tmp_path / "d")
    record_quarter(root)
    target = tmp_path / "q1.docx"
    _cli("report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "-f", "docx", "-o", str(target),
         "-d", str(root))  # fmt: skip
    document = docx.Document(str(target))
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)  # fmt: skip
    assert [round(x.mm) for x in sizes] == [210, 297, 20, 20, 30, 15]  # A4, Decree 30 margins
    assert document.styles["Normal"].font.name == "Times New Roman"
    head, *tables = document.tables
    foot = next(t for t in tables if t.rows[0].cells[0].text.startswith("Nơi nhận:"))
    grids = [t for t in tables if t is not foot]
    left, right = (c.text.split("\n") for c in head.rows[0].cells)
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "XÃ DEMO"] and "Số:      /BC-UBND" in left
    assert right[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert right[1] == "Độc lập - Tự do - Hạnh phúc"
    assert "Demo, ngày 08 tháng 4 năm 2026" in right
    body = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in body
    assert "Kết quả thực hiện Kế hoạch (quý I năm 2026)" in body
    assert "Kính gửi: UBND tỉnh." in body
    headings = ["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH, TỔ CHỨC TRIỂN KHAI THỰC HIỆN", "II. KẾT QUẢ THỰC HIỆN",
                "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
                "V. ĐỀ XUẤT, KIẾN NGHỊ", "PHỤ LỤC"]  # fmt: skip
    assert [t for t in body if t in headings] == headings  # in this order, the appendix last
    assert "(Kèm theo Báo cáo số      /BC-UBND ngày      /     /2026 của UBND xã Demo)" in body
    assert not any("{%" in t or "{{" in t for t in body)  # every tag was filled
    rows = {tuple(c.text for c in g.rows[0].cells): [[c.text for c in r.cells] for r in g.rows[1:]]
            for g in grids}  # fmt: skip
    tasks = rows[("TT", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Tình trạng", "Kết quả, ghi chú")]
    assert ["1", "Ban hành kế hoạch", "Phòng Văn hóa - Xã hội", "31/03/2026", "Hoàn thành đúng hạn",
            "Hoàn thành ngày 10/03/2026. Đã ban hành Kế hoạch số 15/KH-UBND [Minh chứng: https://demo.example/kh15.pdf]"] in tasks  # fmt: skip
    inputs = rows[("TT", "Đơn vị", "Hạn gửi", "Tình trạng", "Số liệu, nội dung")]
    assert [r[1] for r in inputs] == ["Phòng Kinh tế", "Trung tâm Phục vụ hành chính công"]
    assert inputs[0][3] == "Đã nhận ngày 27/03/2026"
    assert inputs[1][3] == "CHƯA NHẬN — quá hạn"  # missing, shown, never dropped
    budget = rows[("TT", "Nhiệm vụ", "Dự toán", "Đã chi")]
    assert budget == [
        ["1", "Ban hành kế hoạch", "20", "18,2"],
        ["2", "Rà soát trước Tết", "12,5", "Chưa báo cáo"],
    ]
    assert "Tổng dự toán: 32,5 triệu đồng; đã chi: 18,2 triệu đồng." in body
    signature = foot.rows[0].cells[1].text.split("\n")
    assert [s for s in signature if s] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn A",
    ]
    assert foot.rows[0].cells[0].text.split("\n")[:3] == [
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, VHXH.",  # the drafting unit's abbreviation, from its alias "Phòng VH-XH"
    ]


def test_docx_opens_in_libreoffice(tmp_path: Path, store_env: str) -> None:
    """A real office suite opens the file and turns it into a PDF."""
    if shutil.which("soffice") is None:
        if os.environ.get("PLANFLOW_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required (PLANFLOW_REQUIRE_LIBREOFFICE) but soffice is not installed")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    root = demo_with_budget(tmp_path / "d")
    target = tmp_path / "q1.docx"
    _cli("report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "-f", "docx", "-o", str(target),
         "-d", str(root))  # fmt: skip
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(target)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    pdf = tmp_path / "q1.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_bad_requests_say_what_to_do(tmp_path: Path, store_env: str) -> None:
    root = demo_with_budget(tmp_path / "d")
    d = ["-d", str(root)]
    code, _, err = run_cli("report", "build", REF, "--as-of", "2026-04-08", *d)
    assert code == 1 and "có nhiều kỳ" in err and "--period" in err
    code, _, err = run_cli("report", "build", REF, "--period", "2026-Q2", "--as-of", "2026-04-08", *d)
    assert code == 1 and "không có kỳ '2026-Q2'" in err and "2026-Q1, 2026-H1, 2026-Q3, 2026" in err
    code, _, err = run_cli("report", "build", "demo-2026/khong-co", "--as-of", "2026-04-08", *d)
    assert code == 1 and "không có báo cáo 'khong-co'; có: bao-cao-quy" in err
    code, _, err = run_cli("report", "build", "demo-2026", *d)
    assert code == 1 and "KẾ_HOẠCH/BÁO_CÁO" in err
    code, _, err = run_cli("report", "build", REF, "--period", "2026-Q1", "-f", "odt", *d)
    assert code == 1 and "chọn md, html, docx hoặc pdf" in err
    code, _, err = run_cli("report", "build", REF, "--period", "2026-Q1", "-f", "pdf", *d)
    assert code == 1 and "bản pdf cần --output, ví dụ -o bao-cao.pdf" in err
    code, _, err = run_cli("report", "build", REF, "--period", "2026-Q1", "-f", "docx", *d)
    assert code == 1 and "cần --output" in err
    assert "Traceback" not in err


def test_reports_listing(tmp_path: Path, store_env: str) -> None:
    import json

    root = demo_with_budget(tmp_path / "d")
    record_quarter(root)
    listing = json.loads(_cli("reports", "--as-of", "2026-04-08", "--json", "-d", str(root)))["reports"]
    q1 = listing[0]
    assert {k: q1[k] for k in ("key", "cycle", "data_from", "data_to", "assemble_from", "due", "state",
                               "inputs_total", "inputs_received")} == {
        "key": "demo-2026/bao-cao-quy/2026-Q1", "cycle": "Quý I/2026", "data_from": "2025-12-15",
        "data_to": "2026-03-14", "assemble_from": "2026-04-07", "due": "2026-04-10", "state": "assembling",
        "inputs_total": 2, "inputs_received": 1,
    }  # fmt: skip
    assert [r["state"] for r in listing[1:]] == ["scheduled"] * 3
    table = _cli("reports", "demo-2026", "--as-of", "2026-04-08", "-d", str(root))
    assert "Đang lập dự thảo" in table and "1/2" in table


def test_roll_up_flags_the_commune_that_has_not_reported(tmp_path: Path, store_env: str) -> None:
    """Seeds 000 and 001 under the province's Kế hoạch 99/KH-UBND: Lộc Tấn sent its report
    on 29/10/2025 (its last day: "trước ngày 30/10/2025"), Đại Phước did not; the Sở's report
    says so."""
    root = tmp_path / "definitions"
    shutil.copytree(REPO / "definitions", root)
    d = ["-d", str(root)]
    _cli("report", "send", "loc-tan-2025/bao-cao-ket-qua", "--at", "2025-10-29", "--no-deliver", *d)
    out = _cli("report", "build", "dong-nai-99-2025/bao-cao-ket-qua-tinh", "--as-of", "2025-11-05", *d)
    assert "Đã báo cáo 1/2 địa phương; xếp loại Xanh 0/2 địa phương." in out
    assert (
        "| 1 | Ủy ban nhân dân xã Đại Phước | …/KH-UBND | 0/12 | 8 | Đỏ | **CHƯA BÁO CÁO** (hạn 29/10/2025) |"
        in out
    )
    assert "| 2 | Ủy ban nhân dân xã Lộc Tấn | …/KH-UBND | 0/8 | 4 | Đỏ | Đã báo cáo ngày 29/10/2025 |" in out
    assert "Chưa nhận được báo cáo của 1 địa phương: Ủy ban nhân dân xã Đại Phước." in out


def test_versions_and_send(tmp_path: Path, store_env: str, sessions: sessionmaker[Session]) -> None:
    """A rebuild with the same content is not a new version; new progress is; sending makes
    the latest final, closes the report occurrence, and cannot be done twice."""
    from planflow.loader import load_definitions
    from planflow.notifications.config import load_mail_config
    from planflow.reports.assembly import assemble_reports

    root = demo_with_budget(tmp_path / "d")
    defs = load_definitions(root)
    config = load_mail_config(tmp_path / "home", None, "planflow <planflow@demo.example>")

    def now() -> dt.datetime:
        return dt.datetime(2026, 4, 8, 7, tzinfo=dt.UTC)

    def assemble(day: dt.date) -> list[dict[str, Any]]:
        result = assemble_reports(defs, sessions, day, config=config, now=now, deliver_now=False)
        return [r.as_json() for r in result.reports]

    assert assemble(dt.date(2026, 4, 6)) == []  # the draft opens on 07/04
    first = assemble(dt.date(2026, 4, 7))
    assert [(r["key"], r["version"], r["new_version"], r["mailed"]) for r in first] == [
        ("demo-2026/bao-cao-quy/2026-Q1", 1, True, True)]  # fmt: skip
    assert [(r["version"], r["new_version"]) for r in assemble(dt.date(2026, 4, 8))] == [(1, False)]
    record_quarter(root)
    assert [(r["version"], r["new_version"]) for r in assemble(dt.date(2026, 4, 8))] == [(2, True)]
    _cli("report", "send", REF, "--period", "2026-Q1", "--at", "2026-04-09", "--no-deliver", "-d", str(root))
    assert assemble(dt.date(2026, 4, 10)) == []  # sent: no more drafts
    code, _, err = run_cli(
        "report", "send", REF, "--period", "2026-Q1", "--at", "2026-04-10", "-d", str(root)
    )
    assert code == 1 and "đã gửi (bản 2)" in err
    with sessions() as s:
        rows = s.scalars(select(ReportVersionRow).order_by(ReportVersionRow.version)).all()
        assert [(r.version, r.final, r.sent_by) for r in rows] == [(1, False, None), (2, True, "vhxh")]
    status = _cli("status", "demo-2026", "--as-of", "2026-04-12", "--json", "-d", str(root))
    import json

    items = {i["key"]: i for i in json.loads(status)["plans"][0]["items"]}
    assert items["demo-2026/bao-cao-quy/2026-Q1"]["status"] == "done_on_time"


def test_pdf_without_libreoffice_says_how_to_install_it(
    tmp_path: Path, store_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no soffice on the PATH, asking for a PDF names the package to install."""
    root = demo_with_budget(tmp_path / "d")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = run_cli("report", "build", REF, "--period", "2026-Q1", "--as-of", "2026-04-08", "-f", "pdf",
                           "-o", str(tmp_path / "q1.pdf"), "-d", str(root))  # fmt: skip
    assert code == 1 and "Traceback" not in err
    assert "không tạo được PDF: máy chưa cài LibreOffice (lệnh soffice). Cài gói libreoffice-writer" in err
    assert not (tmp_path / "q1.pdf").exists()
