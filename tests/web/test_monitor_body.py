"""The monitoring body (``monitor:``, Phụ lục I's "Cơ quan theo dõi, đánh giá, kiểm tra, tổng
hợp báo cáo") is shown wherever the item is, labelled "Cơ quan theo dõi", never as its lead:
the board, the item's history page, the report appendix, the daily digest and the
leadership digest. A task nobody answers for is marked on the board."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import plan_status
from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.leadership import run_leadership_digest
from planflow.notifications.notices import run_check
from planflow.reports.assembly import assemble_reports
from planflow.store.models import OutboxRow
from planflow.sync.definitions import sync_definitions
from planflow.units import NOBODY_ACCOUNTABLE, monitor_names, unaccountable_leads
from planflow.web.app import create_app
from planflow.web.board import build_board
from planflow.web.config import web_config
from tests.conftest import REPO
from tests.factories import demo_plan, write_definitions
from tests.web.conftest import NOW, Web, settings_for

ICT = dt.timezone(dt.timedelta(hours=7))
LABEL = "Cơ quan theo dõi: Phòng Kinh tế"
DOUBT = "Văn bản ghi “Quý VI/2026”; tạm hiểu là Quý IV/2026 — đề nghị xác nhận."


def _plan() -> dict[str, Any]:
    """The demo plan: its Q1 task and its monthly news item (both led by Phòng Văn hóa - Xã
    hội) are followed up by Phòng Kinh tế, written as the document does ("Phòng Kinh tế"),
    and carry a review mark."""
    plan = demo_plan()
    for task in plan["tasks"]:
        if task["id"] in ("ke-hoach", "tin-bai"):
            task["monitor"] = ["Phòng Kinh tế"]
            task["review"] = DOUBT
    return plan


def test_monitor_on_the_board_and_the_history_page(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    """The board row names the monitoring body under the lead; the item's page says it and
    the review mark; a task without one shows none."""
    defs = load_definitions(write_definitions(tmp_path / "d", _plan()))
    plan = defs.plan("demo-2026")
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
        status = plan_status("demo-2026", NOW, session=s)
    monitors = monitor_names(plan, defs.directory_for(plan))
    assert monitors == {"ke-hoach": ["Phòng Kinh tế"], "tin-bai": ["Phòng Kinh tế"]}
    board = build_board(status, plan, {u.id: u.name for u in defs.directory_for(plan).units}, {}, monitors)
    rows = {r.item_id: r for section in board.sections for r in section.rows}
    assert (rows["ke-hoach"].lead, rows["ke-hoach"].monitor) == ("Phòng Văn hóa - Xã hội", "Phòng Kinh tế")
    assert rows["so-hoa"].monitor == ""
    app = create_app(web_config(settings_for(tmp_path / "home")), defs, sessions, clock=lambda: NOW)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        web = Web(client, web_config(settings_for(tmp_path / "home")), sessions, tmp_path / "home")
        web.login()
        page = client.get("/board/demo-2026")
        assert page.status_code == 200 and page.text.count(LABEL) == 2
        item = client.get("/board/demo-2026/item/demo-2026/ke-hoach")
        assert item.status_code == 200
        assert "cơ quan theo dõi: Phòng Kinh tế" in item.text and f"KIỂM TRA: {escape(DOUBT)}" in item.text
        other = client.get("/board/demo-2026/item/demo-2026/tet")
        assert other.status_code == 200 and "cơ quan theo dõi" not in other.text


def test_monitor_in_the_mails_and_the_report(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    """The overdue digest and the leadership digest name the monitoring body under the item
    (and keep the review mark); the quarterly report's appendix puts it beside the lead."""
    defs = load_definitions(write_definitions(tmp_path / "d", _plan()))
    config = load_mail_config(tmp_path / "home", None, "planflow <planflow@demo.example>")
    day = dt.datetime(2026, 4, 1, 7, tzinfo=ICT)
    run_check(defs, sessions, day, config=config, deliver_now=False, now=lambda: day)
    with sessions() as s:
        vhxh = s.scalars(select(OutboxRow).where(OutboxRow.recipient == "unit:demo/vhxh")).one()
    assert vhxh.body_text.count(f"   {LABEL}\n") == 2 and f"<small>{LABEL}</small>" in vhxh.body_html
    leaders = run_leadership_digest(sessions, day, config=config, now=lambda: day)
    assert leaders["queued"] == 1
    with sessions() as s:
        weekly = s.scalars(select(OutboxRow).where(OutboxRow.recipient.startswith("leader:"))).one()
    assert f"     {LABEL}.\n" in weekly.body_text and f"KIỂM TRA: {DOUBT}" in weekly.body_text
    assert f"<br>{LABEL}." in weekly.body_html
    clock = dt.datetime(2026, 4, 7, 6, 30, tzinfo=ICT)
    built = assemble_reports(
        defs, sessions, clock.date(), config=config, now=lambda: clock, deliver_now=False
    )
    appendix = next(r.markdown for r in built.reports if r.key == "demo-2026/bao-cao-quy/2026-Q1")
    row = next(line for line in appendix.splitlines() if line.startswith("| ") and "Đăng tin" in line)
    # a report names the doubt as a document does (mails and the board say "KIỂM TRA")
    assert f"| Phòng Văn hóa - Xã hội; {LABEL} |" in row and f"[Cần xác nhận: {DOUBT}]" in row


def test_tasks_nobody_answers_for_are_marked(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    """The 12 tasks of loc-tan-2026 led only by "Các cơ quan, đơn vị thuộc xã" (a collective
    with no named members) are marked on the board as having nobody accountable, as
    `validate --strict` lists them; a task with a named lead is not."""
    defs = load_definitions(REPO / "definitions")
    plan = defs.plan("loc-tan-2026")
    found = unaccountable_leads(plan, defs.directory_for(plan))
    collective = [
        t for t, leads in found.items() if [u.name for u in leads] == ["Các cơ quan, đơn vị thuộc xã"]
    ]
    assert len(collective) == 12
    with sessions() as s, s.begin():
        sync_definitions(defs, ["loc-tan-2026"], session=s, now=NOW)
    app = create_app(web_config(settings_for(tmp_path / "home")), defs, sessions, clock=lambda: NOW)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        Web(client, web_config(settings_for(tmp_path / "home")), sessions, tmp_path / "home").login()
        page = client.get("/board/loc-tan-2026")
    assert page.status_code == 200
    assert page.text.count(f"KIỂM TRA: {NOBODY_ACCOUNTABLE}") == len(found) >= 12
    named = next(t for t in plan.tasks if t.id not in found)
    row = page.text.split(escape(named.title, quote=False), 1)[1].split("</tr>", 1)[0]
    assert NOBODY_ACCOUNTABLE not in row
