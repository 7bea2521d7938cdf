"""The work list's pure parts over the demo plan's real status on 24/03/2026: tone-blind
search, the filters, grouping, and the query string a view is kept as."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import plan_status
from planflow.errors import ViewError
from planflow.loader import load_definitions
from planflow.status import Status
from planflow.sync.definitions import sync_definitions
from planflow.web.worklist import WorkFilter, WorkItem, fold, grouped, select, work_items
from tests.web.conftest import NOW

TODAY = dt.date(2026, 3, 24)


@pytest.fixture
def items(sessions: sessionmaker[Session], defs_root: Path) -> list[WorkItem]:
    defs = load_definitions(defs_root)
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
        status = plan_status("demo-2026", NOW, session=s)
    plan = defs.plan("demo-2026")
    return work_items(status, plan, {u.id: u.name for u in defs.directory_for(plan).units}, lambda _: True)


def view(query: str) -> WorkFilter:
    return WorkFilter.from_query(parse_qs(query))


def titles(found: list[WorkItem]) -> set[str]:
    return {i.title for i in found}


def test_fold_drops_case_tone_marks_and_the_d_stroke() -> None:
    """Folding makes "Báo cáo ĐỢT Một" and "bao cao dot mot" the same text."""
    assert fold("Báo cáo ĐỢT Một") == fold("bao cao dot mot") == "bao cao dot mot"


def test_search_with_and_without_tone_marks(items: list[WorkItem]) -> None:
    """ "bao cao" and "Báo cáo" find the same report rows, and every word must match."""
    plain, marked = select(items, view("q=bao+cao"), TODAY), select(items, view("q=Báo+cáo"), TODAY)
    assert plain == marked
    assert titles(plain) == {"Báo cáo kết quả thực hiện Kế hoạch",
                             "Báo cáo gửi Phòng Văn hóa - Xã hội: Báo cáo kết quả thực hiện Kế hoạch"}  # fmt: skip
    assert select(items, view("q=bao+cao+khong-co"), TODAY) == []


def test_filters_combine(items: list[WorkItem]) -> None:
    """Status, unit, period and due-within narrow the list together."""
    overdue = select(items, view("status=overdue"), TODAY)
    assert overdue and all(i.status is Status.OVERDUE for i in overdue)
    assert titles(select(items, view("status=overdue&unit=hcc"), TODAY)) == {"Rà soát trước Tết"}
    assert {i.period for i in select(items, view("period=2026-02&unit=vhxh"), TODAY)} == {"2026-02"}
    soon = select(items, view("due_within=10"), TODAY)
    assert soon and all(i.due is not None and i.due <= TODAY + dt.timedelta(days=10) for i in soon)
    assert all(not i.status.is_done for i in soon)


def test_grouping_by_lead_unit(items: list[WorkItem]) -> None:
    """Grouping by lead unit puts each row under its unit's name, every row once."""
    groups = grouped(select(items, view("group=lead&sort=lead"), TODAY), "lead")
    assert "Trung tâm Phục vụ hành chính công" in dict(groups)
    assert sum(len(rows) for _, rows in groups) == len(items)


def test_a_view_is_its_query_string() -> None:
    """A view read from a query string gives that query string back; bad values are refused by name."""
    assert (
        view("status=overdue&unit=kt&group=status&sort=title").query()
        == "status=overdue&unit=kt&group=status&sort=title"
    )
    with pytest.raises(ViewError, match=re.escape("tình trạng 'xong' không có; dùng: not_started, upcoming")):
        view("status=xong")
    with pytest.raises(ViewError, match=re.escape("group='owner' không có; dùng: section, lead, status")):
        view("group=owner")
