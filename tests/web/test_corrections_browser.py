"""In Debian's Chromium: the standing unit signs in, filters the work list to the overdue
items of one unit, opens one, records it done, corrects that with a reason, and reads the
old and the new event and the reason in the item's history. The screenshot of the history
is kept with the other browser tests' screenshots (tests/web/test_browser.py: ARTIFACTS)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.web.test_board_browser import PASSWORD, board_url, browser  # noqa: F401 (fixtures)
from tests.web.test_browser import ARTIFACTS, CHROMIUM

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
)
SCREENSHOT = ARTIFACTS / "item-history-correction-phone.png"


def test_standing_unit_corrects_an_overdue_item_with_a_reason(board_url: str, browser: Browser) -> None:  # noqa: F811
    """Overdue items of one unit, one item opened, its event corrected: the history shows both and why."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="vi-VN")  # fmt: skip
    page = context.new_page()
    page.goto(f"{board_url}/board/demo-2026/items")
    page.get_by_label("Tên đăng nhập").fill("vanphong")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.get_by_role("link", name="Chỉ việc quá hạn").click()
    units = page.get_by_role("navigation", name="Lọc nhanh theo đơn vị chủ trì")
    units.get_by_role("link", name="Trung tâm Phục vụ hành chính công").click()
    rows = page.locator("table.work tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator(".badge")).to_contain_text("Quá hạn")
    rows.get_by_role("link", name="Rà soát trước Tết").click()
    expect(page.get_by_role("heading", name="Rà soát trước Tết")).to_be_visible()

    recording = page.get_by_role("form", name="Ghi tiến độ mới")
    recording.get_by_label("Tình trạng").select_option(label="Hoàn thành")
    recording.get_by_label("Ngày thực hiện").fill("2026-02-12")  # due 13/02: "trước ngày 17/02"
    recording.get_by_role("button", name="Ghi tiến độ").click()
    expect(page.locator(".lead .badge")).to_have_text("Hoàn thành đúng hạn")

    correction = page.get_by_role("form", name="Sửa hoặc rút lại lần ghi #1")
    correction.get_by_label("Tình trạng").select_option(label="Đang thực hiện")
    correction.get_by_label("Phần trăm hoàn thành").fill("60")
    correction.get_by_label("Lý do sửa (bắt buộc)").fill("Chưa có biên bản nghiệm thu của Chủ tịch UBND xã")
    correction.get_by_role("button", name="Ghi bản sửa").click()

    history = page.locator("table.history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Hoàn thành")
    expect(history.nth(0)).to_contain_text("Đã được thay bằng lần ghi #2")
    expect(history.nth(1)).to_contain_text("Đang thực hiện (60%)")
    expect(history.nth(1)).to_contain_text("Sửa lần ghi #1")
    expect(history.nth(1)).to_contain_text("Lý do: Chưa có biên bản nghiệm thu của Chủ tịch UBND xã")
    expect(history.nth(1)).to_contain_text("vanphong")
    expect(page.locator(".lead .badge")).to_contain_text("Quá hạn")  # corrected to not done: overdue again
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    context.close()
