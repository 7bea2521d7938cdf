"""A definition's open doubts (``review:``) travel with the item — compiled, stored, on the
board, in the mails — and example plans are checked but send nothing unless enabled."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import plan_status
from planflow.compiler import compile_plan
from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import run_check
from planflow.reports.assembly import assemble_reports
from planflow.store.models import OutboxRow
from planflow.sync.definitions import sync_definitions
from planflow.units import UnitIndex
from planflow.web.board import build_board
from tests.factories import demo_plan, write_definitions

ICT = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 3, 24, 9, tzinfo=ICT)
DOUBT = "Văn bản ghi “Quý VI/2026”; tạm hiểu là Quý IV/2026 — đề nghị xác nhận."


def _plan_with_doubt(**changes: Any) -> dict[str, Any]:
    """The demo plan whose monthly task (overdue on 24/03) carries a review note."""
    plan = demo_plan(**changes)
    next(t for t in plan["tasks"] if t["id"] == "tin-bai")["review"] = DOUBT
    return plan


def test_the_note_is_compiled_onto_every_occurrence(tmp_path: Path) -> None:
    """Each month of the task carries the note; the other tasks carry none."""
    defs = load_definitions(write_definitions(tmp_path / "d", _plan_with_doubt()))
    plan = defs.plan("demo-2026")
    occurrences = compile_plan(plan, UnitIndex(defs.directory_for(plan))).occurrences
    noted = {o.key for o in occurrences if o.review == DOUBT}
    assert len(noted) == 12 and all(k.startswith("demo-2026/tin-bai/") for k in noted)
    assert all(o.review is None for o in occurrences if o.item_id != "tin-bai")


def test_the_note_is_on_the_board_and_in_the_mail(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    """Stored with the occurrences, it is shown on the board row and written under the item
    in the reminder mail (text and HTML), so nobody takes the guessed date as fact."""
    root = write_definitions(tmp_path / "d", _plan_with_doubt())
    defs = load_definitions(root)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
        status = plan_status("demo-2026", NOW, session=s)
    plan = defs.plan("demo-2026")
    board = build_board(status, plan, {u.id: u.name for u in defs.directory_for(plan).units}, {})
    rows = {r.item_id: r for section in board.sections for r in section.rows}
    assert rows["tin-bai"].review == DOUBT and rows["so-hoa"].review is None
    config = load_mail_config(tmp_path / "home", None, "planflow <planflow@demo.example>")
    run_check(defs, sessions, NOW, config=config, deliver_now=False, now=lambda: NOW)
    with sessions() as s:
        mails = s.scalars(select(OutboxRow).where(OutboxRow.recipient.contains("vhxh"))).all()
    assert mails, "the overdue task reaches its lead"
    assert any(f"KIỂM TRA: {DOUBT}" in m.body_text for m in mails)
    assert any(f"<strong>KIỂM TRA:</strong> {DOUBT}" in m.body_html for m in mails)


def test_an_example_plan_is_checked_but_sends_nothing(
    tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    """``example: true``: its notices are planned and listed, none is queued; the setting
    PLANFLOW_SEND_EXAMPLES (``send_examples``) lets them through."""
    root = write_definitions(tmp_path / "d", demo_plan(example=True, description="Ví dụ minh họa."))
    defs = load_definitions(root)
    config = load_mail_config(tmp_path / "home", None, "planflow <planflow@demo.example>")
    muted = run_check(defs, sessions, NOW, config=config, deliver_now=False, now=lambda: NOW)
    assert muted.plan.notices and muted.queued == 0
    assert muted.plans_json()[0]["example"] is True
    with sessions() as s:
        assert s.scalars(select(OutboxRow)).all() == []
    sent = run_check(
        defs, sessions, NOW, config=replace(config, send_examples=True), deliver_now=False, now=lambda: NOW
    )
    assert sent.queued > 0


def test_a_real_plan_is_no_example(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    """Without the flag a plan sends as before (the default is a real, signed plan)."""
    defs = load_definitions(write_definitions(tmp_path / "d", demo_plan()))
    config = load_mail_config(tmp_path / "home", None, "planflow <planflow@demo.example>")
    outcome = run_check(defs, sessions, NOW, config=config, deliver_now=False, now=lambda: NOW)
    assert outcome.queued > 0 and outcome.plans_json()[0]["example"] is False


def test_an_example_plans_report_drafts_are_kept_not_mailed(
    tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    """The daily assembly builds an example plan's report draft (it can be read and printed)
    but mails it to nobody; with ``send_examples`` the draft goes to the compiling unit."""
    defs = load_definitions(write_definitions(tmp_path / "d", demo_plan(example=True)))
    config = load_mail_config(tmp_path / "home", None, "planflow <planflow@demo.example>")
    clock = dt.datetime(2026, 4, 7, 6, 30, tzinfo=ICT)
    kept = assemble_reports(
        defs, sessions, dt.date(2026, 4, 7), config=config, now=lambda: clock, deliver_now=False
    )
    assert [(r.version, r.mailed) for r in kept.reports] == [(1, False)]
    with sessions() as s:
        assert s.scalars(select(OutboxRow)).all() == []
    later = dt.datetime(2026, 4, 8, 6, 30, tzinfo=ICT)
    enabled = replace(config, send_examples=True)
    defs = load_definitions(
        write_definitions(tmp_path / "d2", demo_plan(example=True, title="Kế hoạch ví dụ, bản 2"))
    )
    sent = assemble_reports(
        defs, sessions, dt.date(2026, 4, 8), config=enabled, now=lambda: later, deliver_now=False
    )
    assert [r.mailed for r in sent.reports] == [True]
