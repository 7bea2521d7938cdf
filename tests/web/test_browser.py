"""End to end in a real browser: Debian's headless Chromium (driven by Playwright) against
``planflow web`` run as a real uvicorn server on a free loopback port, with the signed
link taken from a real e-mail captured by the aiosmtpd test server.

A screenshot of the board is kept under build/test-artifacts/ (or $PLANFLOW_TEST_ARTIFACTS).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from bench.web import wait_until_up
from planflow.loader import load_definitions
from planflow.notifications.notices import mail_config, run_check
from planflow.settings import load_settings
from planflow.store.db import opened_store
from planflow.store.models import ProgressEventRow
from tests.cli.runner import PLANFLOW
from tests.conftest import REPO
from tests.smtp import SmtpServer, free_port
from tests.web.conftest import PASSWORD, SECRET

CHROMIUM = Path("/usr/bin/chromium")
ICT = dt.timezone(dt.timedelta(hours=7))
MORNING = dt.datetime(2026, 3, 24, 7, tzinfo=ICT)  # the daily check that sends the reminders
ARTIFACTS = Path(os.environ.get("PLANFLOW_TEST_ARTIFACTS", REPO / "build" / "test-artifacts"))
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

if not CHROMIUM.exists() and os.environ.get("PLANFLOW_REQUIRE_BROWSER"):
    raise RuntimeError(
        "PLANFLOW_REQUIRE_BROWSER is set but /usr/bin/chromium is missing (apt-get install chromium)"
    )
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
)


@dataclass
class Site:
    url: str
    database_url: str
    mails: dict[str, str]  # recipient address → text body

    def events(self) -> list[ProgressEventRow]:
        with opened_store(self.database_url) as factory, factory() as s:
            return list(s.scalars(select(ProgressEventRow).order_by(ProgressEventRow.id)))


@pytest.fixture
def site(defs_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """Reminders mailed on 24/03/2026 07:00, then the web app serving as if it were 09:00."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{tmp_path / 'planflow.db'}"
    smtp = SmtpServer()
    smtp.start()
    env = {
        "PLANFLOW_HOME": str(tmp_path / "home"), "PLANFLOW_DEFINITIONS": str(defs_root),
        "PLANFLOW_DATABASE_URL": database_url, "PLANFLOW_SECRET": SECRET, "PLANFLOW_PUBLIC_URL": url,
        "PLANFLOW_BOARD_PASSWORD": PASSWORD, "PLANFLOW_SMTP_URL": smtp.url,
        "PLANFLOW_MAIL_FROM": "planflow <planflow@demo.example>",
    }  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    with opened_store(database_url) as factory:
        run_check(
            load_definitions(defs_root), factory, MORNING, config=mail_config(settings), now=lambda: MORNING
        )
    smtp.stop()
    mails = {addr: m.get_body(("plain",)).get_content()
             for (_, rcpts), m in zip(smtp.recorder.envelopes, smtp.recorder.messages, strict=True) for addr in rcpts}  # fmt: skip
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(PLANFLOW), "web", "--port", str(port), "--as-of", "2026-03-24T09:00"],
                              env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        wait_until_up(url, server, seconds=30)
        yield Site(url, database_url, mails)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture
def browser(site: Site) -> Iterator[Browser]:
    """Started after the site: Playwright's event loop must not be running while the check
    (asyncio) mails the reminders."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def _link(mail: str, key: str) -> str:
    found = re.search(rf"Cập nhật tiến độ: (http://\S+/o/{re.escape(key)})\s", mail + "\n")
    assert found, mail
    return found.group(1)


def _login(page: Page, site: Site, target: str) -> None:
    page.goto(f"{site.url}{target}")
    expect(page.get_by_role("heading", name="Đăng nhập bảng theo dõi")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("thuongtruc")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _badge_colour(page: Page, row_id: str) -> str:
    return str(page.locator(f"#{row_id} .badge").first.evaluate("e => getComputedStyle(e).backgroundColor"))


def test_from_reminder_email_to_the_board(site: Site, browser: Browser, tmp_path: Path) -> None:
    """Open the link of a real reminder, record progress with a file, and see the board turn green."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    _login(page, site, "/board/demo-2026")
    row = page.locator("#muc-ke-hoach")
    expect(row.locator(".badge")).to_have_text("Sắp đến hạn")
    upcoming = _badge_colour(page, "muc-ke-hoach")
    page.get_by_role("link", name="Cả kỳ kế hoạch").click()
    assert page.locator("svg.tl-track line.today").count() >= 1
    expect(page.locator(".tl-legend")).to_contain_text("Đường nét đứt: hôm nay 24/03/2026")

    link = _link(site.mails["vhxh@demo.example"], "demo-2026/ke-hoach")
    page.goto(link)
    expect(page.get_by_role("heading", name="Ban hành kế hoạch")).to_be_visible()
    page.get_by_role("radio", name="Hoàn thành").check()
    page.get_by_label("Ghi chú, kết quả đạt được").fill("Đã ban hành Kế hoạch số 12/KH-UBND")
    evidence = tmp_path / "Kế hoạch 12.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label(re.compile("^Minh chứng")).set_input_files(str(evidence))
    page.get_by_role("button", name="Ghi tiến độ").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi: Ban hành kế hoạch — Hoàn thành")

    (event,) = site.events()
    assert (event.occurrence_key, event.by_unit, event.status) == ("demo-2026/ke-hoach", "vhxh", "done")
    assert event.note == "Đã ban hành Kế hoạch số 12/KH-UBND" and event.evidence

    page.goto(f"{site.url}/board/demo-2026")
    expect(page.locator("#muc-ke-hoach .badge").first).to_have_text("Hoàn thành đúng hạn")
    done = _badge_colour(page, "muc-ke-hoach")
    assert (upcoming, done) == ("rgb(246, 195, 67)", "rgb(27, 94, 32)")
    page.goto(f"{site.url}/board/demo-2026/timeline")
    assert page.locator("svg.tl-track rect.bar.st-done-on-time").count() >= 1
    page.goto(f"{site.url}/board/demo-2026")
    with page.expect_download() as download:
        page.locator("#muc-ke-hoach summary").click()
        page.get_by_role("link", name="Tải minh chứng").click()
    assert download.value.suggested_filename == "Kế hoạch 12.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board.png"), full_page=True)
    context.close()


def test_bad_links_in_the_browser(site: Site, browser: Browser) -> None:
    """A damaged or expired link shows a clear page; another unit's task cannot be written, even by editing the form."""
    page = browser.new_page()
    link = _link(site.mails["vhxh@demo.example"], "demo-2026/ke-hoach")
    token = link.split("/p/")[1].split("/o/")[0]
    page.goto(link.replace(token, token[:-3] + "abc"))
    expect(page.get_by_role("heading", name="Liên kết không hợp lệ")).to_be_visible()
    expired = subprocess.run(
        [str(PLANFLOW), "link", "demo-2026", "--unit", "vhxh", "--as-of", "2026-01-01T09:00"],
        capture_output=True, text=True, check=True, env=os.environ,
    ).stdout.strip()  # fmt: skip
    page.goto(expired)
    expect(page.get_by_role("heading", name="Liên kết đã hết hạn")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Traceback")

    page.goto(link.replace("demo-2026/ke-hoach", "demo-2026/tet"))
    expect(page.get_by_role("heading", name="Không thuộc phạm vi của liên kết")).to_be_visible()
    page.goto(link)
    page.locator("form.form").evaluate(
        "(f, action) => { f.action = action }", link.replace("ke-hoach", "tet")
    )
    page.get_by_role("radio", name="Hoàn thành").check()
    page.get_by_role("button", name="Ghi tiến độ").click()
    expect(page.get_by_role("heading", name="Không thuộc phạm vi của liên kết")).to_be_visible()
    assert site.events() == []
    page.close()


def test_phone_screen(site: Site, browser: Browser) -> None:
    """On a phone the unit page, the form and the board fit the screen width; the board's table becomes cards."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="vi-VN")  # fmt: skip
    page = context.new_page()
    link = _link(site.mails["kt@demo.example"], "demo-2026/bao-cao-quy/2026-Q1/kt")
    wide = "() => document.documentElement.scrollWidth - window.innerWidth"
    page.goto(link.split("/o/")[0])
    expect(page.get_by_role("heading", name="Cập nhật tiến độ")).to_be_visible()
    assert page.evaluate(wide) <= 0
    page.goto(link)
    assert page.evaluate(wide) <= 0
    page.get_by_label(re.compile("^Nội dung báo cáo")).fill(
        "Quý I: duy trì hệ thống; không phát sinh vướng mắc."
    )
    page.get_by_role("button", name="Gửi phần báo cáo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi: Báo cáo gửi Phòng Văn hóa - Xã hội")
    _login(page, site, "/board/demo-2026")
    expect(page.get_by_role("link", name="Cả kỳ kế hoạch")).to_be_visible()
    assert page.evaluate(wide) <= 0
    header_hidden = page.locator("table.board thead").first.evaluate(
        "e => e.getBoundingClientRect().right < 0"
    )
    assert header_hidden
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board-phone.png"), full_page=True)
    context.close()


def test_logout_and_bad_cookies_in_the_browser(site: Site, browser: Browser) -> None:
    """A board cookie copied into another browser stops working at logout; a cookie planflow never issued gets a
    clear page, and a reload works again."""
    officer = browser.new_context(locale="vi-VN")
    page = officer.new_page()
    _login(page, site, "/board")
    expect(page.get_by_role("heading", name="Tất cả kế hoạch")).to_be_visible()
    (copied,) = [c for c in officer.cookies() if c["name"] == "pf_board"]
    thief = browser.new_context(locale="vi-VN")
    thief.add_cookies([copied])
    stolen = thief.new_page()
    stolen.goto(f"{site.url}/board")
    expect(stolen.get_by_role("heading", name="Tất cả kế hoạch")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất (thuongtruc)").click()
    expect(page.get_by_role("heading", name="Đăng nhập bảng theo dõi")).to_be_visible()
    stolen.goto(f"{site.url}/board")
    expect(stolen.get_by_role("heading", name="Đăng nhập bảng theo dõi")).to_be_visible()

    link = _link(site.mails["vhxh@demo.example"], "demo-2026/ke-hoach")
    thief.add_cookies([{"name": "pf_csrf", "value": "x" * 300, "url": site.url}])
    stolen.goto(link)
    expect(stolen.get_by_role("heading", name="Cookie không hợp lệ")).to_be_visible()
    expect(stolen.locator("body")).to_contain_text("Tải lại trang: cookie hỏng đã được xoá.")
    stolen.reload()
    expect(stolen.get_by_role("heading", name="Ban hành kế hoạch")).to_be_visible()
    officer.close()
    thief.close()
