"""The board's views, computed without a server: headline statuses, targets, the overview cards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import plan_status
from planflow.intake.progress import ProgressRequest, record_progress
from planflow.loader import load_definitions
from planflow.status import ProgressStatus, Status
from planflow.sync.definitions import sync_definitions
from planflow.web.board import build_board, build_overview

ICT = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 3, 24, 9, tzinfo=ICT)


def _board(sessions: sessionmaker[Session], root: Path, *requests: ProgressRequest):  # type: ignore[no-untyped-def]
    defs = load_definitions(root)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
        for request in requests:
            record_progress(request, defs, session=s, now=NOW)
        status = plan_status("demo-2026", NOW, session=s)
    plan = defs.plan("demo-2026")
    return build_board(status, plan, {u.id: u.name for u in defs.directory_for(plan).units}, {}), status


def test_rows_speak_for_their_most_pressing_occurrence(
    sessions: sessionmaker[Session], defs_root: Path
) -> None:
    """A monthly task shows its overdue month; a report row names its compiler, not an input's unit."""
    board, _ = _board(sessions, defs_root)
    rows = {r.item_id: r for s in board.sections for r in s.rows}
    assert (rows["tin-bai"].status, rows["tin-bai"].text) == (Status.OVERDUE, "Quá hạn 50 ngày")
    assert len(rows["tin-bai"].occurrences) == 12
    assert rows["so-hoa"].targets[0].measured is None and rows["so-hoa"].targets[0].required == "80"
    (report,) = board.reports
    assert report.lead == "Phòng Văn hóa - Xã hội"
    assert [(s.value, n) for s, n, _ in board.summary][:2] == [("overdue", 3), ("upcoming", 4)]


def test_measured_values_and_done(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """The latest measured value is shown against the requirement, with whether it is met."""
    board, _ = _board(
        sessions, defs_root,
        ProgressRequest("demo-2026", "so-hoa", ProgressStatus.IN_PROGRESS, values=("ty-le=75,5",), by="hcc"),
        ProgressRequest("demo-2026", "tet", ProgressStatus.DONE, by="hcc", at=dt.datetime(2026, 2, 12, tzinfo=ICT)),
    )  # fmt: skip
    rows = {r.item_id: r for s in board.sections for r in s.rows}
    target = rows["so-hoa"].targets[0]
    assert (target.measured, target.comparator, target.met) == ("75,5", "≥", False)
    assert rows["tet"].css == "st-done-on-time"


def test_overview_card(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """A plan's card counts its occurrences and its stacked bar fills the width (the timeline: test_timeline.py)."""
    _, status = _board(sessions, defs_root)
    (card,) = build_overview([status])
    assert (card.total, card.overdue) == (29, 3)
    assert abs(sum(w for _, w, _, _ in card.segments) - 200) < 0.1


def test_a_report_row_shows_its_worst_input(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """A report's row shows its own state and, beside it, the worst of the units' parts of the same period."""
    board, status = _board(sessions, defs_root)
    (report,) = board.reports
    own = [i for i in status.items if i.facts.item_id == "bao-cao-quy" and i.facts.kind != "report_input"]
    q1 = [i for i in own if i.facts.period == "2026-Q1"]
    # at 24/03 the Q1 report (due in April) has not started; both units' parts are due 31/03
    assert (
        (report.status, report.text) == (Status.NOT_STARTED, "Chưa bắt đầu") == (q1[0].status, "Chưa bắt đầu")
    )
    assert (report.inputs_text, report.inputs_css) == ("Sắp đến hạn", "st-upcoming")
    sent = [
        ProgressRequest("demo-2026", "bao-cao-quy", ProgressStatus.DONE, period="2026-Q1", by=unit,
                        at=dt.datetime(2026, 3, 23, tzinfo=ICT))
        for unit in ("kt", "hcc")
    ]  # fmt: skip
    board, _ = _board(sessions, defs_root, *sent)
    (report,) = board.reports
    assert (report.inputs_text, report.inputs_css) == ("Hoàn thành đúng hạn", "st-done-on-time")
    assert report.status == q1[0].status  # both parts in: the report itself is still to be sent
