"""Every form path and every bad-link case of the web app, through FastAPI's TestClient on a
real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.errors import WebConfigError
from planflow.loader import load_definitions
from planflow.store.models import ProgressEventRow
from planflow.web.app import create_app
from planflow.web.config import web_config
from planflow.web.security import CSP
from tests.web.conftest import NOW, PASSWORD, Web, settings_for

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _events(sessions: sessionmaker[Session]) -> list[ProgressEventRow]:
    with sessions() as s:
        return list(s.scalars(select(ProgressEventRow).order_by(ProgressEventRow.id)))


def _xlsx() -> bytes:
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _post(
    web: Web,
    link: str,
    key: str,
    data: dict[str, str],
    files: dict[str, tuple[str, bytes, str]] | None = None,
):  # type: ignore[no-untyped-def]
    path = f"{link}/o/{key}"
    token = web.csrf(path)
    return web.client.post(path, data={"csrf": token, **data}, files=files, follow_redirects=False)


# --- the unit's page ---------------------------------------------------------------------------------


def test_unit_page_lists_only_its_open_items(web: Web) -> None:
    """A unit's link shows what it leads and has not finished, most pressing first, and its report inputs."""
    page = web.client.get(web.link("hcc"))
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Trung tâm Phục vụ hành chính công" in text
    assert text.index("Rà soát trước Tết") < text.index("Số hóa hồ sơ")  # overdue before not started
    assert "Quá hạn 39 ngày" in text
    assert "Ban hành kế hoạch" not in text  # Phòng VH-XH's task
    assert "Gửi phần báo cáo" in text and "/o/demo-2026/bao-cao-quy/2026-Q1/hcc" in text
    assert re.search(r'href="http://127\.0\.0\.1/ics/[^"]+\.ics"', text)


# --- recording progress ------------------------------------------------------------------------------------


def test_progress_with_evidence_becomes_an_event_by_the_unit(web: Web) -> None:
    """Submitting the form records one event authored by the link's unit, with the evidence stored under PLANFLOW_HOME."""
    link = web.link("hcc")
    done = _post(web, link, "demo-2026/tet", {"status": "done", "note": "Đã rà soát 120 hồ sơ", "day": ""},
                 {"evidence": ("Biên bản rà soát.pdf", PDF, "application/pdf")})  # fmt: skip
    assert done.status_code == 303
    (event,) = _events(web.sessions)
    assert (event.occurrence_key, event.by_unit, event.status, event.percent) == (
        "demo-2026/tet",
        "hcc",
        "done",
        None,
    )
    assert event.note == "Đã rà soát 120 hồ sơ"
    assert event.effective_at == NOW and event.recorded_at == NOW
    assert event.evidence is not None and re.fullmatch(
        r"evidence/demo-2026/[0-9a-f]{32}\.pdf", event.evidence
    )
    stored = web.home / event.evidence
    assert stored.read_bytes() == PDF
    assert (
        json.loads(stored.with_name(stored.name + ".json").read_text(encoding="utf-8"))["name"]
        == "Biên bản rà soát.pdf"
    )
    confirmation = web.client.get(done.headers["location"])
    assert "Đã ghi: Rà soát trước Tết — Hoàn thành" in unescape(confirmation.text)
    assert (
        "Rà soát trước Tết" not in unescape(confirmation.text).split("Đã ghi:")[1].split("</div>")[1]
    )  # no longer open
    # a done item is closed to its link
    closed = web.client.get(f"{link}/o/demo-2026/tet")
    assert closed.status_code == 403
    assert "đã hoàn thành; muốn sửa, liên hệ cơ quan thường trực" in unescape(closed.text)


def test_percent_targets_and_past_day(web: Web) -> None:
    """Percent, a measured value written the Vietnamese way and an earlier day are recorded as given."""
    done = _post(web, web.link("hcc"), "demo-2026/so-hoa",
                 {"status": "in_progress", "percent": "40", "t:ty-le": "85,5", "day": "2026-03-20"})  # fmt: skip
    assert done.status_code == 303
    (event,) = _events(web.sessions)
    assert (event.status, event.percent, event.values) == ("in_progress", 40, {"ty-le": "85.5"})
    assert event.effective_at == dt.datetime(2026, 3, 20, 5, tzinfo=dt.UTC)  # noon in Hà Nội


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        # a measured value must be a number
        ({"status": "in_progress", "t:ty-le": "tám mươi"}, "t:ty-le",
         "Tỷ lệ hồ sơ số hóa: 'tám mươi' không phải một số; ghi ví dụ 85 hoặc 85,5"),
        # a measured value is a finite number of sensible length, within its metric's range
        ({"status": "in_progress", "t:ty-le": "1e400"}, "t:ty-le",
         "Tỷ lệ hồ sơ số hóa: '1e400' không phải một số; ghi ví dụ 85 hoặc 85,5"),
        ({"status": "in_progress", "t:ty-le": "8" * 5000}, "t:ty-le",
         "Tỷ lệ hồ sơ số hóa: '88888888888888888888…' có 5000 chữ số; số đo ghi tối đa 15 chữ số"),
        ({"status": "in_progress", "t:ty-le": "150"}, "t:ty-le",
         "Tỷ lệ hồ sơ số hóa: '150' vượt quá 100 %; tỷ lệ ghi từ 0 đến 100"),
        ({"status": "in_progress", "t:ty-le": "-5"}, "t:ty-le",
         "Tỷ lệ hồ sơ số hóa: '-5' là số âm; số đo của chỉ tiêu không âm"),
        # percent within 0-100, whole
        ({"status": "in_progress", "percent": "150"}, "percent", "'150': phần trăm phải là số nguyên từ 0 đến 100"),
        # done means 100%
        ({"status": "done", "percent": "60"}, "percent", "đã chọn Hoàn thành thì phần trăm là 100 (hoặc để trống)"),
        # a status must be chosen among the three
        ({"status": "xong"}, "status", "chọn một tình trạng: Chưa bắt đầu, Đang thực hiện hoặc Hoàn thành"),
        # no progress in the future
        ({"status": "done", "day": "2026-04-01"}, "day", "ngày 01/04/2026 chưa tới; không ghi tiến độ cho tương lai"),
        # a note has a size
        ({"status": "in_progress", "note": "x" * 4001}, "note", "Ghi chú dài 4001 ký tự; tối đa 4000"),
    ],
)  # fmt: skip
def test_bad_fields_are_shown_and_nothing_is_recorded(
    web: Web, data: dict[str, str], field: str, message: str
) -> None:
    """A wrong field re-shows the form with the message next to the field; no event is written."""
    answer = _post(web, web.link("hcc"), "demo-2026/so-hoa", data)
    assert answer.status_code == 400
    assert message in unescape(answer.text)
    assert 'aria-invalid="true"' in unescape(answer.text) and "Chưa ghi được: 1 chỗ cần sửa" in unescape(
        answer.text
    )
    assert _events(web.sessions) == []


# --- scope, links, CSRF -----------------------------------------------------------------------------------


def test_a_link_for_one_unit_never_records_for_another(web: Web) -> None:
    """Phòng VH-XH's link can neither open nor submit Trung tâm PVHCC's task; a unit field smuggled in is ignored."""
    link = web.link("vhxh")
    shown = web.client.get(f"{link}/o/demo-2026/tet")
    assert shown.status_code == 403
    assert "Không thuộc phạm vi của liên kết" in unescape(shown.text)
    assert (
        "Mục 'demo-2026/tet' không do đơn vị này chủ trì: không ghi được tiến độ cho đơn vị khác."
        in unescape(shown.text)
    )
    token = web.csrf(f"{link}/o/demo-2026/ke-hoach")
    posted = web.client.post(
        f"{link}/o/demo-2026/tet", data={"csrf": token, "status": "done"}, follow_redirects=False
    )
    assert posted.status_code == 403
    smuggled = web.client.post(f"{link}/o/demo-2026/ke-hoach", data={"csrf": token, "status": "done", "by": "hcc"},
                               follow_redirects=False)  # fmt: skip
    assert smuggled.status_code == 303
    assert [(e.occurrence_key, e.by_unit) for e in _events(web.sessions)] == [("demo-2026/ke-hoach", "vhxh")]


def test_tampered_expired_and_misused_links_get_a_clear_page(web: Web) -> None:
    """Forged, cut, expired or wrong-purpose tokens give a Vietnamese page with advice, never a trace."""
    good = web.link("hcc")
    payload, signature = good.removeprefix("/p/").split(".")
    forged_payload = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    cases = {
        f"/p/{forged_payload}.{signature}": (403, "Liên kết không hợp lệ"),
        good[:-5]: (403, "Liên kết không hợp lệ"),  # cut while copying
        web.link("hcc", days=-1): (410, "Liên kết đã hết hạn"),
        "/p/" + web.config.tokens.calendar_feed("demo-2026", "hcc", NOW + dt.timedelta(days=1)): (403, "Liên kết không hợp lệ"),
        "/p/" + web.config.tokens.progress_link("khong-co", "hcc", NOW + dt.timedelta(days=1)): (404, "Không tìm thấy"),
        "/p/" + web.config.tokens.progress_link("demo-2026", "ma", NOW + dt.timedelta(days=1)): (403, "Liên kết không hợp lệ"),
    }  # fmt: skip
    for path, (code, heading) in cases.items():
        answer = web.client.get(path)
        assert (answer.status_code, path) == (code, path)
        assert f'<h1 id="loi">{heading}</h1>' in unescape(answer.text)
        assert "Traceback" not in unescape(answer.text) and "Exception" not in unescape(answer.text)
    expired = web.client.get(web.link("hcc", days=-1))
    assert "Hãy mở thư nhắc việc mới nhất, hoặc đề nghị cơ quan thường trực" in unescape(expired.text)
    # a forged link cannot write either
    assert (
        web.client.post(
            f"/p/{forged_payload}.{signature}/o/demo-2026/tet", data={"status": "done"}
        ).status_code
        == 403
    )
    assert _events(web.sessions) == []


def test_forms_need_their_csrf_token(web: Web) -> None:
    """A post without the form token, or with a token minted for another browser, is refused."""
    link = web.link("hcc")
    path = f"{link}/o/demo-2026/tet"
    missing = web.client.post(path, data={"status": "done"}, follow_redirects=False)
    assert missing.status_code == 403 and "Thiếu mã bảo vệ biểu mẫu." in unescape(missing.text)
    token = web.csrf(path)
    with TestClient(web.client.app, base_url="http://127.0.0.1") as other:
        other.get(path)  # another browser: another cookie
        stolen = other.post(path, data={"csrf": token, "status": "done"}, follow_redirects=False)
    assert stolen.status_code == 403 and "Mã bảo vệ biểu mẫu không khớp với trình duyệt này." in unescape(
        stolen.text
    )
    assert _events(web.sessions) == []


# --- uploads -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("chuong-trinh.exe", b"MZ\x90\x00", "tệp 'chuong-trinh.exe' không được nhận: chỉ nhận .pdf, .jpg, .png, .docx, .xlsx"),
        ("gia-mao.pdf", b"MZ\x90\x00 not a pdf", "nội dung tệp 'gia-mao.pdf' không phải .pdf thật; chọn đúng tệp"),
        ("rong.pdf", b"", "tệp 'rong.pdf' trống"),
        ("bang.docx", _xlsx(), "nội dung tệp 'bang.docx' không phải .docx thật"),  # a workbook renamed
    ],
    ids=["exe", "fake-pdf", "empty", "xlsx-as-docx"],  # the workbook's bytes hold its build time: xdist workers must agree
)  # fmt: skip
def test_uploads_of_the_wrong_kind_are_refused(web: Web, name: str, content: bytes, message: str) -> None:
    """Only real PDF, pictures and Office files are taken; nothing is recorded otherwise."""
    answer = _post(
        web,
        web.link("hcc"),
        "demo-2026/tet",
        {"status": "done"},
        {"evidence": (name, content, "application/octet-stream")},
    )
    assert answer.status_code == 400
    assert message in unescape(answer.text)
    assert _events(web.sessions) == []
    assert not (web.home / "evidence").exists() or not any((web.home / "evidence").rglob("*.*"))


def test_file_names_cannot_travel(web: Web, tmp_path: Path) -> None:
    """A file name with ../ is only a display name: the file is stored under a generated name inside the evidence folder."""
    answer = _post(web, web.link("hcc"), "demo-2026/tet", {"status": "done"},
                   {"evidence": ("../../../../etc/cron.d/x.pdf", PDF, "application/pdf")})  # fmt: skip
    assert answer.status_code == 303
    files = sorted(p.relative_to(web.home) for p in web.home.rglob("*") if p.is_file())
    assert len(files) == 2 and all(str(p).startswith("evidence/demo-2026/") for p in files)
    meta = next(p for p in files if p.suffix == ".json")
    assert json.loads((web.home / meta).read_text(encoding="utf-8"))["name"] == "x.pdf"


def test_upload_size_limits(sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path) -> None:
    """Over the file limit: a message in the form; far over it: a 413 page before the body is read."""
    config = web_config(settings_for(tmp_path / "home", upload_max_mb=1))
    with sessions() as s, s.begin():
        from planflow.sync.definitions import sync_definitions

        sync_definitions(load_definitions(defs_root), None, session=s, now=NOW)
    app = create_app(config, load_definitions(defs_root), sessions, clock=lambda: NOW)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        web = Web(client, config, sessions, tmp_path / "home")
        link = web.link("hcc")
        big = PDF + b"0" * (1024 * 1024 + 10)
        over = _post(
            web, link, "demo-2026/tet", {"status": "done"}, {"evidence": ("lon.pdf", big, "application/pdf")}
        )
        assert over.status_code == 400 and "tệp 'lon.pdf' quá lớn (1,0 MB; tối đa 1 MB)" in unescape(
            over.text
        )
        huge = PDF + b"0" * (2 * 1024 * 1024)
        refused = _post(
            web,
            link,
            "demo-2026/tet",
            {"status": "done"},
            {"evidence": ("rat-lon.pdf", huge, "application/pdf")},
        )
        assert refused.status_code == 413
        assert "Tệp gửi lên quá lớn" in unescape(refused.text) and "vượt quá 1 MB" in unescape(refused.text)
        assert refused.headers["content-security-policy"] == CSP
    assert _events(sessions) == []


# --- report inputs ---------------------------------------------------------------------------------------


def test_report_input_with_figures_and_text(web: Web) -> None:
    """A unit sends its part of the quarterly report: a figure per target of the tasks it leads, and its text."""
    link = web.link("hcc")
    key = "demo-2026/bao-cao-quy/2026-Q1/hcc"
    form = web.client.get(f"{link}/o/{key}")
    assert form.status_code == 200
    assert "Gửi phần báo cáo" in unescape(form.text) and 'name="f:so-hoa/ty-le"' in unescape(form.text)
    assert "Tỷ lệ hồ sơ số hóa" in unescape(
        form.text
    ) and "(chỉ tiêu ≥ 80 %; nhiệm vụ: Số hóa hồ sơ)" in unescape(form.text)
    empty = _post(web, link, key, {"text": "  "})
    assert empty.status_code == 400 and "ghi nội dung báo cáo hoặc ít nhất một số liệu" in unescape(
        empty.text
    )
    bad = _post(web, link, key, {"text": "Quý I", "f:so-hoa/ty-le": "9O"})
    assert bad.status_code == 400 and "Tỷ lệ hồ sơ số hóa: '9O' không phải một số" in unescape(bad.text)
    sent = _post(web, link, key, {"text": "Quý I: số hóa 1.250 hồ sơ.", "f:so-hoa/ty-le": "90"},
                 {"evidence": ("so-lieu.xlsx", _xlsx(), "application/vnd.ms-excel")})  # fmt: skip
    assert sent.status_code == 303
    (event,) = _events(web.sessions)
    assert (event.occurrence_key, event.by_unit, event.status) == (key, "hcc", "done")
    assert (event.values, event.note) == ({"so-hoa/ty-le": "90"}, "Quý I: số hóa 1.250 hồ sơ.")
    assert event.evidence is not None and event.evidence.endswith(".xlsx")
    assert web.client.get(f"{link}/o/{key}").status_code == 403  # sent: closed


def test_report_input_before_its_data_window_opens_is_refused(web: Web) -> None:
    """On 24/03/2026 the third quarter's part cannot be sent: its data window opens on 15/06/2026, and the form,
    the submission and the unit's page all say so; nothing is recorded."""
    link = web.link("hcc")
    key = "demo-2026/bao-cao-quy/2026-Q3/hcc"
    message = (
        "Phần báo cáo kỳ Quý III/2026 nhận từ ngày 15/06/2026, khi kỳ số liệu của báo cáo bắt đầu; "
        "hôm nay 24/03/2026 chưa gửi được."
    )
    form = web.client.get(f"{link}/o/{key}")
    assert form.status_code == 403
    assert '<h1 id="loi">Chưa đến kỳ báo cáo</h1>' in unescape(form.text) and message in unescape(form.text)
    token = web.csrf(f"{link}/o/demo-2026/bao-cao-quy/2026-Q1/hcc")
    sent = web.client.post(f"{link}/o/{key}", data={"csrf": token, "text": "Quý III: xong trước."},
                           follow_redirects=False)  # fmt: skip
    assert sent.status_code == 403 and message in unescape(sent.text)
    assert _events(web.sessions) == []
    page = unescape(web.client.get(link).text)
    assert f"/o/{key}" not in page and "Nhận từ 15/06/2026" in page
    assert "/o/demo-2026/bao-cao-quy/2026-H1/hcc" in page  # the first half's data opened on 15/12/2025


def test_report_input_of_another_unit_is_refused(web: Web) -> None:
    """Phòng Kinh tế cannot send Trung tâm PVHCC's part of the report."""
    link = web.link("kt")
    assert web.client.get(f"{link}/o/demo-2026/bao-cao-quy/2026-Q1/hcc").status_code == 403
    own = web.client.get(f"{link}/o/demo-2026/bao-cao-quy/2026-Q1/kt")
    assert own.status_code == 200 and "Số liệu theo chỉ tiêu" not in unescape(
        own.text
    )  # kt leads no task with targets


# --- headers, errors ----------------------------------------------------------------------------------------


def test_security_headers_everywhere(web: Web) -> None:
    """Pages, error pages, static files and redirects all carry CSP and the other headers; pages are never cached."""
    for path in (web.link("hcc"), "/p/nope", "/khong-co", "/static/style.css", "/board"):
        answer = web.client.get(path, follow_redirects=False)
        headers = answer.headers
        assert headers["content-security-policy"] == CSP, path
        assert "script-src" not in CSP and "'unsafe-inline'" not in CSP
        assert (headers["x-content-type-options"], headers["x-frame-options"], headers["referrer-policy"]) == (
            "nosniff", "DENY", "no-referrer"), path  # fmt: skip
        if not path.startswith("/static/"):
            assert headers["cache-control"] == "no-store", path
    assert "Không có trang này." in web.client.get("/khong-co").text
    page = web.client.get(web.link("hcc"))
    assert "<script" not in unescape(page.text) and "style=" not in unescape(page.text)


def test_hsts_and_secure_cookies_behind_https(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """With an https public URL, responses ask for HTTPS and cookies are Secure."""
    config = web_config(settings_for(tmp_path / "h", public_url="https://planflow.demo.example"))
    app = create_app(config, load_definitions(defs_root), sessions, clock=lambda: NOW)
    with TestClient(app, base_url="https://planflow.demo.example") as client:
        answer = client.get("/login")
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    assert (
        "secure" in answer.headers["set-cookie"].lower()
        and "httponly" in answer.headers["set-cookie"].lower()
    )


def test_unexpected_errors_become_a_plain_page(defs_root: Path, tmp_path: Path) -> None:
    """A failing store gives a 500 page in Vietnamese with the security headers, no trace."""

    def broken() -> Session:
        raise RuntimeError("database is on fire")

    config = web_config(settings_for(tmp_path / "h"))
    app = create_app(config, load_definitions(defs_root), broken, clock=lambda: NOW)  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get(
            "/p/" + config.tokens.progress_link("demo-2026", "hcc", NOW + dt.timedelta(days=1))
        )
    assert answer.status_code == 500
    assert "Máy chủ gặp lỗi" in unescape(answer.text) and "fire" not in unescape(answer.text)
    assert answer.headers["content-security-policy"] == CSP


def test_refuses_a_public_address_without_a_secret(tmp_path: Path) -> None:
    """No secret: loopback only; a short secret or password is refused outright."""
    from planflow.settings import Settings

    bare = Settings(home=tmp_path)
    assert web_config(bare, "127.0.0.1").ephemeral_secret
    assert web_config(bare, "::1").ephemeral_secret
    with pytest.raises(
        WebConfigError, match=r"^không chạy trên địa chỉ 0\.0\.0\.0 khi chưa đặt PLANFLOW_SECRET"
    ):
        web_config(bare, "0.0.0.0")
    with pytest.raises(WebConfigError, match=r"PLANFLOW_SECRET quá ngắn \(8 ký tự; cần ít nhất 32\)"):
        web_config(Settings(home=tmp_path, secret="ngan-qua"), "127.0.0.1")  # type: ignore[arg-type]
    with pytest.raises(WebConfigError, match="PLANFLOW_BOARD_PASSWORD quá ngắn"):
        web_config(settings_for(tmp_path, board_password="123"), "127.0.0.1")
    with pytest.raises(WebConfigError, match=r"PLANFLOW_PUBLIC_URL 'planflow\.vn' không hợp lệ"):
        web_config(settings_for(tmp_path, public_url="planflow.vn"), "0.0.0.0")


# --- the board ------------------------------------------------------------------------------------------


def test_board_needs_the_standing_units_login(web: Web) -> None:
    """Without a session the board sends to the login page; wrong passwords are refused, then slowed down."""
    first = web.client.get("/board/demo-2026?as_of=2026-03-24", follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (
        303,
        "/login?next=/board/demo-2026%3Fas_of%3D2026-03-24",
    )
    token = web.csrf("/login")
    for _ in range(5):
        wrong = web.client.post("/login", data={"csrf": token, "user": "thuongtruc", "password": "sai"})
        assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu." in unescape(wrong.text)
    locked = web.client.post("/login", data={"csrf": token, "user": "thuongtruc", "password": PASSWORD})
    assert locked.status_code == 429 and "tạm khoá đến " in unescape(locked.text)
    no_token = web.client.post("/login", data={"user": "thuongtruc", "password": PASSWORD})
    assert no_token.status_code == 403


def test_the_login_lock_is_per_account_and_address(web: Web) -> None:
    """Five wrong passwords lock one account from one address, say until when, and lock neither another
    account name nor the same account from another address; the lock ends after 15 minutes."""
    throttle = web.client.app.state.web.throttle  # type: ignore[attr-defined]
    start = dt.datetime(2026, 3, 24, 9, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))).timestamp()
    throttle.clock = lambda: start

    def attempt(client: TestClient, user: str, password: str) -> int:
        form = client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token
        answer = client.post("/login", data={"csrf": token.group(1), "user": user, "password": password},
                             follow_redirects=False)  # fmt: skip
        if answer.status_code == 429:
            assert (
                "Đã nhập sai mật khẩu 5 lần. Đăng nhập tài khoản này từ địa chỉ của bạn tạm khoá đến 09:15 "
                "ngày 24/03/2026 (còn 15 phút); hãy thử lại sau thời điểm đó."
            ) in unescape(answer.text)
        return answer.status_code

    assert [attempt(web.client, "thuongtruc", "sai") for _ in range(6)] == [401] * 5 + [429]
    assert attempt(web.client, "THUONGTRUC ", PASSWORD) == 429  # the same account, written otherwise
    assert attempt(web.client, "khach", "sai") == 401  # another account name is counted apart
    with TestClient(web.client.app, base_url="http://127.0.0.1", client=("198.51.100.20", 40000)) as other:
        assert attempt(other, "thuongtruc", PASSWORD) == 303
    throttle.clock = lambda: start + 15 * 60 + 1
    assert attempt(web.client, "thuongtruc", PASSWORD) == 303


def test_login_redirects_only_inside_the_site(web: Web) -> None:
    """The next page after login is a local path; an outside address falls back to the overview."""
    token = web.csrf("/login")
    answer = web.client.post("/login", data={"csrf": token, "user": "thuongtruc", "password": PASSWORD,
                                             "next": "//evil.example/x"}, follow_redirects=False)  # fmt: skip
    assert answer.headers["location"] == "/board"


def test_board_and_overview(web: Web) -> None:
    """The board shows sections, colours, overdue days, owners, targets, the timeline with today's line."""
    web.login()
    _post(web, web.link("hcc"), "demo-2026/so-hoa", {"status": "in_progress", "t:ty-le": "85,5"},
          {"evidence": ("anh.png", b"\x89PNG\r\n\x1a\n....", "image/png")})  # fmt: skip
    board = web.client.get("/board/demo-2026")
    assert board.status_code == 200
    text = unescape(board.text)
    assert re.search(r'<tr class="row st-overdue" id="muc-tet">', text)
    assert "Quá hạn 39 ngày" in text and "Trung tâm Phục vụ hành chính công" in text
    assert "Tỷ lệ hồ sơ số hóa: 85,5 / ≥ 80 %" in text and "(đạt)" in text
    timeline = unescape(web.client.get("/board/demo-2026/timeline").text)
    assert '<svg class="tl-track"' in timeline and 'class="today"' in timeline
    assert "hôm nay 24/03/2026" in timeline
    assert re.search(r'<rect class="bar st-overdue"', timeline)
    evidence = re.search(r'href="(/board/demo-2026/evidence/[0-9a-f]{32}\.png)"', text)
    assert evidence, "evidence link missing"
    download = web.client.get(evidence.group(1))
    assert download.headers["content-disposition"] == 'attachment; filename="anh.png"'
    assert web.client.get("/board/demo-2026/evidence/..%2F..%2Fplanflow.db").status_code == 404
    earlier = web.client.get("/board/demo-2026?as_of=2026-02-01")
    assert "hôm nay 01/02/2026" in unescape(web.client.get("/board/demo-2026/timeline?as_of=2026-02-01").text)
    assert "ngày 01/02/2026" in unescape(earlier.text) and 'id="muc-tet">' in unescape(earlier.text)
    assert '<tr class="row st-overdue" id="muc-tet">' not in unescape(earlier.text)
    bad = web.client.get("/board/demo-2026?as_of=hom-qua")
    assert bad.status_code == 400 and "--as-of 'hom-qua' không hợp lệ" in unescape(bad.text)
    overview = web.client.get("/board")
    assert "Kế hoạch chuyển đổi số năm 2026" in unescape(overview.text) and 'class="stack"' in unescape(
        overview.text
    )
    assert web.client.get("/board/khong-co").status_code == 404


def test_board_is_off_without_a_password(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """No PLANFLOW_BOARD_PASSWORD: the board says so, and says how to turn it on."""
    config = web_config(settings_for(tmp_path / "h", board_password=None))
    app = create_app(config, load_definitions(defs_root), sessions, clock=lambda: NOW)
    with TestClient(app) as client:
        answer = client.get("/board")
    assert answer.status_code == 503 and "PLANFLOW_BOARD_PASSWORD" in unescape(answer.text)


# --- calendar feeds ---------------------------------------------------------------------------------------


def test_unit_calendar_feed(web: Web) -> None:
    """The feed linked from a unit's page holds that unit's deadlines with reminders, and no link that can write:
    its events link to the plan's read-only board, behind the login."""
    page = web.client.get(web.link("kt"))
    feed_url = re.search(r'href="http://127\.0\.0\.1(/ics/[^"]+\.ics)"', unescape(page.text))
    assert feed_url
    answer = web.client.get(feed_url.group(1))
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(answer.content)
    summaries = sorted(str(e["summary"]) for e in cal.walk("VEVENT"))
    assert summaries[0].startswith("Hạn: Báo cáo gửi Phòng Văn hóa - Xã hội")
    assert any("Số hóa hồ sơ" in s for s in summaries)  # kt supports it
    assert not any("Rà soát trước Tết" in s for s in summaries)
    assert "/p/" not in answer.text and "/o/" not in answer.text
    assert {str(e["url"]) for e in cal.walk("VEVENT")} == {"http://127.0.0.1/board/demo-2026"}
    assert all("Xem trên bảng theo dõi: http://127.0.0.1/board/demo-2026" in str(e["description"])
               for e in cal.walk("VEVENT"))  # fmt: skip
    board = web.client.get("/board/demo-2026", follow_redirects=False)
    assert (board.status_code, board.headers["location"]) == (303, "/login?next=/board/demo-2026")
    assert web.client.get("/ics/" + web.link("kt").removeprefix("/p/") + ".ics").status_code == 403


# --- cookies ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cookie",
    [
        "pf_csrf=h\u00e9llo".encode(),  # a non-ASCII form cookie (it made the token check fail with a 500)
        b"pf_csrf=\xff\xfe\x00",  # bytes that are no text at all
        b'pf_csrf="' + b"a" * 40,  # an unclosed quote
        "pf_board=\u0111\u0103ng-nh\u1eadp".encode(),  # a non-ASCII session cookie
        b"pf_board=" + b"x" * 5000,  # a session cookie far longer than any planflow issues
    ],
)  # fmt: skip
def test_a_malformed_cookie_is_a_clear_403(web: Web, cookie: bytes) -> None:
    """A cookie planflow could not have issued gets a 403 page that says what to do and drops it; nothing is recorded."""
    path = f"{web.link('hcc')}/o/demo-2026/tet"
    token = web.csrf(path)
    web.client.cookies.clear()
    for answer in (
        web.client.post(path, data={"csrf": token, "status": "done"}, headers={"cookie": cookie}),
        web.client.get("/board", headers={"cookie": cookie}, follow_redirects=False),
    ):
        assert answer.status_code == 403
        text = unescape(answer.text)
        assert '<h1 id="loi">Cookie không hợp lệ</h1>' in text
        assert "Trình duyệt gửi một cookie không do planflow cấp (có thể đã bị sửa)." in text
        assert "Tải lại trang: cookie hỏng đã được xoá." in text
        name = cookie.split(b"=")[0].decode()
        assert f'{name}=""; expires=' in answer.headers["set-cookie"]
        assert answer.headers["content-security-policy"] == CSP
    assert _events(web.sessions) == []
    assert web.client.get("/static/style.css", headers={"cookie": cookie}).status_code == 200


# --- sessions -----------------------------------------------------------------------------------------------


def test_a_session_copied_before_logout_no_longer_opens_the_board(web: Web) -> None:
    """After logout the session is revoked on the server: its cookie, replayed from another browser, leads to the login."""
    web.login()
    copied = web.client.cookies["pf_board"]
    with TestClient(web.client.app, base_url="http://127.0.0.1") as thief:
        thief.cookies.set("pf_board", copied)
        assert thief.get("/board", follow_redirects=False).status_code == 200
        token = re.search(r'name="csrf" value="([^"]+)"', web.client.get("/board").text)
        assert token
        out = web.client.post("/logout", data={"csrf": token.group(1)}, follow_redirects=False)
        assert (out.status_code, out.headers["location"]) == (303, "/login")
        replay = thief.get("/board", follow_redirects=False)
    assert (replay.status_code, replay.headers["location"]) == (303, "/login?next=/board")
    assert web.client.get("/board", follow_redirects=False).status_code == 303


def test_sessions_are_stored_hashed(web: Web) -> None:
    """The store keeps a session's hash, never the cookie value, and marks it revoked at logout."""
    from planflow.store.models import WebSessionRow

    web.login()
    cookie = web.client.cookies["pf_board"]
    with web.sessions() as s:
        (row,) = s.scalars(select(WebSessionRow))
    assert row.id_hash == hashlib.sha256(cookie.encode()).hexdigest() and cookie not in row.id_hash
    assert (row.user, row.revoked_at) == ("thuongtruc", None)
    token = re.search(r'name="csrf" value="([^"]+)"', web.client.get("/board").text)
    assert token
    web.client.post("/logout", data={"csrf": token.group(1)}, follow_redirects=False)
    with web.sessions() as s:
        (row,) = s.scalars(select(WebSessionRow))
    assert row.revoked_at is not None


def _visible(html: str) -> str:
    """A page's text as a person reads it: no tags, attributes (links, option values) or scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_periods_read_as_words_on_every_page(web: Web) -> None:
    """A unit's page, the board and the work list name a period as the reports do ("Quý I/2026",
    "Tháng 3/2026"), never by its key (2026-Q1), which stays in links and the filter's values."""
    raw = re.compile(r"(?<![\w/-])\d{4}-(?:Q[1-4]|H[12]|\d{2})(?![\w/-])")
    unit = web.client.get(web.link("hcc")).text
    assert "(Quý I/2026)" in _visible(unit) and not raw.search(_visible(unit))
    web.login()
    for path in ("/board/demo-2026", "/board/demo-2026/items"):
        page = web.client.get(path)
        assert page.status_code == 200
        assert not raw.search(_visible(page.text)), raw.search(_visible(page.text))
    items = web.client.get("/board/demo-2026/items?period=2026-Q1").text
    assert '<option value="2026-Q1" selected>Quý I/2026</option>' in items
    assert "Quý I/2026" in _visible(items) and "Tháng 3/2026" in _visible(
        web.client.get("/board/demo-2026").text
    )
