"""In Debian's Chromium at phone size: the standing unit signs in with its own account and
reaches the overdue items of one unit in two clicks from the board. The screenshot of that
filtered board is kept with the other browser tests' screenshots (tests/web/test_browser.py: ARTIFACTS)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from bench.web import wait_until_up
from planflow.accounts import Role, new_account
from planflow.loader import load_definitions
from planflow.store.db import opened_store
from tests.cli.runner import PLANFLOW
from tests.smtp import free_port
from tests.web.conftest import NOW, SECRET
from tests.web.test_browser import ARTIFACTS, CHROMIUM

PASSWORD = "mat-khau-van-phong-1"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
)


@pytest.fixture
def board_url(defs_root: Path, tmp_path: Path) -> Iterator[str]:
    """``planflow web`` on a free loopback port over a store with one standing-unit account."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{tmp_path / 'planflow.db'}"
    with opened_store(database_url) as factory, factory() as s, s.begin():
        new_account("vanphong", "Văn phòng", Role.STANDING, "demo", None, PASSWORD,
                    load_definitions(defs_root), session=s, now=NOW)  # fmt: skip
    env = {**os.environ, "PLANFLOW_HOME": str(tmp_path / "home"), "PLANFLOW_DEFINITIONS": str(defs_root),
           "PLANFLOW_DATABASE_URL": database_url, "PLANFLOW_SECRET": SECRET}  # fmt: skip
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(PLANFLOW), "web", "--port", str(port), "--as-of", "2026-03-24T09:00"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture
def browser(board_url: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def test_overdue_items_of_one_unit_in_two_clicks_on_a_phone(board_url: str, browser: Browser) -> None:
    """From the plan's board, the overdue count then the unit's chip show only that unit's overdue items."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="vi-VN")  # fmt: skip
    page = context.new_page()
    page.goto(f"{board_url}/board/demo-2026")
    page.get_by_label("Tên đăng nhập").fill("vanphong")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Kế hoạch chuyển đổi số năm 2026")).to_be_visible()

    page.locator(".summary a", has_text="Quá hạn").click()  # click 1: the header count
    expect(page.get_by_role("heading", name="Danh sách việc")).to_be_visible()
    rows = page.locator("table.work tbody tr")
    expect(rows.filter(has_text="Rà soát trước Tết")).to_have_count(1)
    expect(rows.filter(has_text="Đăng tin")).not_to_have_count(0)

    units = page.get_by_role("navigation", name="Lọc nhanh theo đơn vị chủ trì")
    units.get_by_role("link", name="Phòng Văn hóa - Xã hội").click()  # click 2: the unit
    expect(rows.filter(has_text="Rà soát trước Tết")).to_have_count(0)
    expect(rows.filter(has_text="Đăng tin")).not_to_have_count(0)
    for row in rows.all():
        expect(row.locator(".badge")).to_contain_text("Quá hạn")
        expect(row.locator("td[data-label='Chủ trì']")).to_have_text("Phòng Văn hóa - Xã hội")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board-overdue-one-unit-phone.png"), full_page=True)
    context.close()
