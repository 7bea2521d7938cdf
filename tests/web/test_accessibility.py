"""Accessibility in Debian's Chromium: axe-core finds no serious or critical violation on
the login page, the board, the work list, the timeline, the province's table and an
officer's form; the keyboard reaches the content through the skip link and sees where its
focus is. Phone-size (390×844) screenshots of the board and the timeline are kept with the
other browser tests' screenshots (tests/web/test_browser.py: ARTIFACTS)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from bench.web import wait_until_up
from planflow.accounts import Role, new_account
from planflow.loader import load_definitions
from planflow.store.db import opened_store
from planflow.web.config import web_config
from tests.cli.runner import PLANFLOW
from tests.smtp import free_port
from tests.web.conftest import NOW, SECRET, settings_for
from tests.web.test_browser import ARTIFACTS, CHROMIUM
from tests.web.test_province import two_provinces

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORD = "mat-khau-van-phong-1"
SEVERE = ("serious", "critical")
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
)


@dataclass
class Site:
    url: str
    form: str  # an officer's signed form link


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """``planflow web`` over two provinces' definitions, with a standing-unit and a reviewer
    account: one server for the module (its tests only read pages and sign in), as one
    office's server serves every page."""
    tmp_path = tmp_path_factory.mktemp("site")
    root = two_provinces(tmp_path / "definitions")
    defs = load_definitions(root)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{tmp_path / 'planflow.db'}"
    with opened_store(database_url) as factory, factory() as s, s.begin():
        for name, role, directory in (("vanphong", Role.STANDING, "demo"), ("so", Role.REVIEWER, "tinh")):
            new_account(name, name, role, directory, None, PASSWORD, defs, session=s, now=NOW)
    env = {**os.environ, "PLANFLOW_HOME": str(tmp_path / "home"), "PLANFLOW_DEFINITIONS": str(root),
           "PLANFLOW_DATABASE_URL": database_url, "PLANFLOW_SECRET": SECRET}  # fmt: skip
    tokens = web_config(settings_for(tmp_path / "home")).tokens
    form = f"{url}/p/{tokens.progress_link('demo-2026', 'vhxh', NOW + dt.timedelta(days=30))}/o/demo-2026/ke-hoach"
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(PLANFLOW), "web", "--port", str(port), "--as-of", "2026-03-24T09:00"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        wait_until_up(url, server)
        yield Site(url, form)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Browser]:
    """One Chromium for the module; each test opens its own contexts (cookies, viewport)."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def _context(browser: Browser, **options: Any) -> BrowserContext:
    """The app's CSP allows no script, so axe is injected with the page's CSP bypassed."""
    return browser.new_context(locale="vi-VN", bypass_csp=True, **options)


def _login(page: Page, site: Site, user: str) -> None:
    page.goto(f"{site.url}/login")
    page.get_by_label("Tên đăng nhập").fill(user)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Đăng nhập bảng theo dõi")


def severe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA and best-practice rules; the serious and critical findings, readable."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    assert len(result["passes"]) >= 20, "axe-core ran too few rules to mean anything"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in SEVERE
    ]


PAGES = [
    # (who signs in, path): every kind of page a person reaches
    (None, "/login"),
    ("vanphong", "/board"),
    ("vanphong", "/board/demo-2026"),
    ("vanphong", "/board/demo-2026/items?overdue=1"),
    ("vanphong", "/board/demo-2026/timeline"),
    ("vanphong", "/board/demo-2026/timeline?zoom=month&group=unit"),
    ("so", "/province"),
]


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_axe_violations(site: Site, browser: Browser, width: int) -> None:
    """Every page, at desktop and phone width, passes axe-core with no serious or critical finding."""
    found: dict[str, list[str]] = {}
    for user, path in PAGES:
        context = _context(browser, viewport={"width": width, "height": 900})
        page = context.new_page()
        if user:
            _login(page, site, user)
        page.goto(site.url + path)
        found[path] = severe_violations(page)
        context.close()
    context = _context(browser, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site.form)
    expect(page.get_by_role("heading", name="Ban hành kế hoạch")).to_be_visible()
    found["officer form"] = severe_violations(page)
    context.close()
    assert {path: v for path, v in found.items() if v} == {}
    assert len(found) == len(PAGES) + 1


def test_keyboard_reaches_content_and_shows_focus(site: Site, browser: Browser) -> None:
    """The first Tab shows the skip link; following it lands in the main content; focus is outlined."""
    context = _context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _login(page, site, "vanphong")
    page.goto(f"{site.url}/board/demo-2026/timeline")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    assert skip.evaluate("e => e.getBoundingClientRect().left >= 0")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#noi-dung"
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('main') !== null")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert focused and outline == "solid"
    page.get_by_role("link", name="Theo tháng").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".tl-window strong")).to_have_text("Tháng 3/2026")
    context.close()


@pytest.mark.parametrize(
    ("name", "path"), [("board", "/board/demo-2026"), ("timeline", "/board/demo-2026/timeline")]
)
def test_phone_screenshots(site: Site, browser: Browser, name: str, path: str) -> None:
    """At 390×844 the board and the timeline fit the width; their screenshots are kept as artifacts."""
    context = _context(browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    _login(page, site, "vanphong")
    page.goto(site.url + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    if name == "timeline":  # the track sits under its label and takes the screen's width
        label = page.locator(".tl-row .tl-label").first.bounding_box()
        track = page.locator(".tl-row svg.tl-track").first.bounding_box()
        assert label and track and track["y"] >= label["y"] + label["height"] - 1
        assert track["width"] >= PHONE["width"] - 40
        colours = {css: page.locator(f"svg.tl-track .{css}").first.evaluate(f"e => getComputedStyle(e).{prop}")
                   for css, prop in (("mark.st-overdue", "stroke"), ("bar.st-overdue", "fill"))}  # fmt: skip
        assert colours == {"mark.st-overdue": "rgb(176, 0, 32)", "bar.st-overdue": "rgb(176, 0, 32)"}  # red
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone-390x844.png"), full_page=True)
    context.close()
