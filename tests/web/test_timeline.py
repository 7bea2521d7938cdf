"""The timeline view: recurring items as one row of marks, ongoing and event items folded,
zoom windows, grouping, today's line; and the page that shows it."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import PlanStatus, plan_status
from planflow.errors import PlanflowError
from planflow.intake.progress import ProgressRequest, record_progress
from planflow.loader import load_definitions
from planflow.status import ProgressStatus
from planflow.sync.definitions import sync_definitions
from planflow.web.timeline import AXIS, Timeline, build_timeline, timeline_links
from tests.web.conftest import NOW, Web


def _status(sessions: sessionmaker[Session], root: Path, *requests: ProgressRequest) -> PlanStatus:
    defs = load_definitions(root)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
        for request in requests:
            record_progress(request, defs, session=s, now=NOW)
        return plan_status("demo-2026", NOW, session=s)


def _timeline(sessions: sessionmaker[Session], root: Path, **options: object) -> Timeline:
    defs = load_definitions(root)
    plan = defs.plan("demo-2026")
    names = {u.id: u.name for u in defs.directory_for(plan).units}
    done = ProgressRequest("demo-2026", "tet", ProgressStatus.DONE, by="hcc", at=NOW - dt.timedelta(days=40))
    return build_timeline(_status(sessions, root, done), plan, names, **options)  # type: ignore[arg-type]


def _rows(tl: Timeline) -> dict[str, object]:
    return {r.item_id: r for g in tl.groups for r in g.rows}


def test_recurring_item_is_one_row_of_marks(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """A monthly item is one row with twelve marks at its due dates; a one-off item is a bar from start to due."""
    tl = _timeline(sessions, defs_root)
    rows = _rows(tl)
    monthly = rows["tin-bai"]
    assert len(monthly.marks) == 12 and all(m.width == 0 for m in monthly.marks)  # type: ignore[attr-defined]
    assert [m.css for m in monthly.marks][:3] == ["st-overdue", "st-overdue", "st-upcoming"]  # type: ignore[attr-defined]
    assert sorted(m.x for m in monthly.marks) == [m.x for m in monthly.marks]  # type: ignore[attr-defined]
    (bar,) = rows["ke-hoach"].marks  # type: ignore[attr-defined]
    assert bar.x == 0 and abs(bar.width - AXIS * 90 / 365) < 0.2  # Quý I: 01/01 to 31/03
    (done,) = rows["tet"].marks  # type: ignore[attr-defined]
    assert done.css == "st-done-on-time"
    assert "tin-bai" in rows and "bao-cao-quy" in rows and len(rows) == 5
    assert tl.today_x is not None and abs(tl.today_x - AXIS * 82.5 / 365) < 0.2
    assert tl.axis[0] == "T1" and tl.axis[-1] == "T12" and len(tl.ticks) == 11


def test_ongoing_and_event_items_are_folded(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """'Thường xuyên' and 'theo sự kiện' items get no bars: one folded row per kind lists them."""
    tl = _timeline(sessions, defs_root)
    folded = {f.title: [r.item_id for r in f.rows] for g in tl.groups for f in g.folded}
    assert folded == {"Việc thường xuyên": ["thuong-xuyen"], "Việc theo sự kiện": ["su-kien"]}
    assert sum(g.size for g in tl.groups) == 7


def test_quarter_and_month_windows(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """A quarter holds its months; items with nothing in it are left out and counted; a month has Monday ticks."""
    q2 = _timeline(sessions, defs_root, zoom="quarter", at=dt.date(2026, 5, 2))
    assert (q2.window.first, q2.window.last, q2.window.label) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
        "Quý 2/2026",
    )
    assert (q2.window.earlier, q2.window.later) == (dt.date(2026, 3, 31), dt.date(2026, 7, 1))
    assert "tet" not in _rows(q2) and q2.left_out >= 2 and q2.today_x is None
    assert len(_rows(q2)["tin-bai"].marks) == 3  # type: ignore[attr-defined]
    march = _timeline(sessions, defs_root, zoom="month")
    assert march.window.label == "Tháng 3/2026" and len(march.axis) == 31
    assert [label for label in march.axis if label] == ["1", "2", "9", "16", "23", "30"]
    assert len(march.ticks) == 5 and march.today_x is not None
    january = _timeline(sessions, defs_root, zoom="month", at=dt.date(2026, 1, 20))
    assert january.window.earlier is None  # the plan starts on 01/01


def test_group_by_lead_unit(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """Grouped by lead unit, each group is named after the unit and counts its overdue items."""
    tl = _timeline(sessions, defs_root, group="unit")
    groups = {g.title: g for g in tl.groups}
    assert "Phòng Văn hóa - Xã hội" in groups
    culture = groups["Phòng Văn hóa - Xã hội"]
    assert {r.item_id for r in culture.rows} >= {"ke-hoach", "tin-bai"} and culture.overdue >= 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"zoom": "week"}, "mức xem 'week' không có; chọn year, quarter hoặc month"),
        ({"group": "status"}, "cách nhóm 'status' không có; chọn section hoặc unit"),
    ],
)
def test_unknown_options_say_what_to_choose(
    sessions: sessionmaker[Session], defs_root: Path, options: dict[str, str], message: str
) -> None:
    """An unknown zoom or grouping is refused with the choices."""
    with pytest.raises(PlanflowError) as error:
        _timeline(sessions, defs_root, **options)
    assert str(error.value) == message


def test_links_keep_the_other_choices(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """Switching grouping keeps the window; stepping keeps the grouping; the as-of day rides along."""
    tl = _timeline(sessions, defs_root, zoom="quarter", group="unit")
    links = timeline_links(tl, "2026-03-24")
    by_label = {label: (url, current) for label, url, current in links["group"]}
    assert by_label["Theo mục"] == (
        "/board/demo-2026/timeline?zoom=quarter&group=section&at=2026-01-01&as_of=2026-03-24",
        False,
    )
    assert links["earlier"] is None
    assert (
        links["later"] == "/board/demo-2026/timeline?zoom=quarter&group=unit&at=2026-04-01&as_of=2026-03-24"
    )


def test_timeline_page_and_board(web: Web) -> None:
    """The page draws marks, bars, today's line and the switches; the board links to it; bad parameters get a 400."""
    web.login()
    answer = web.client.get("/board/demo-2026/timeline?zoom=month&group=unit")
    assert answer.status_code == 200
    text = unescape(answer.text)
    assert "Tháng 3/2026" in text and 'aria-current="page">Theo tháng' in text
    assert re.search(r'<line class="mark st-overdue"', text) and 'class="today"' in text
    assert "Đường nét đứt: hôm nay 24/03/2026" in text
    year = unescape(web.client.get("/board/demo-2026/timeline").text)
    assert '<rect class="bar st-overdue"' in year and "Việc thường xuyên: 1 việc" in year
    board = web.client.get("/board/demo-2026?as_of=2026-03-20").text
    assert 'href="/board/demo-2026/timeline?zoom=month&amp;group=section&amp;as_of=2026-03-20"' in board
    bad = web.client.get("/board/demo-2026/timeline?at=24-03")
    assert (
        bad.status_code == 400
        and "gày '24-03' ở tham số at không hợp lệ; viết theo dạng 2026-03-24" in unescape(bad.text)
    )
    assert web.client.get("/board/demo-2026/timeline?zoom=tuan").status_code == 400
    assert "<script" not in text
