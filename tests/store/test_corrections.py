"""Corrections and withdrawals on SQLite and PostgreSQL: a superseded or withdrawal event
counts for nothing in both status folds (Python's and the set-based query of the daily
check), only the current event of a chain can be superseded, and a reason is required."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from planflow.accounts import Role, new_account
from planflow.check.plans import plan_status
from planflow.errors import CorrectionError
from planflow.intake.corrections import Correction, add_comment, current_event, history, supersede
from planflow.intake.progress import ProgressRequest, record_progress
from planflow.loader import Definitions, load_definitions
from planflow.status import ProgressStatus, Status, resolve_as_of, summarize
from planflow.store.models import ProgressEventRow
from planflow.store.statuses import plan_states
from planflow.sync.definitions import sync_definitions

ICT = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 3, 24, 9, tzinfo=ICT)
TET = "demo-2026/tet"  # due 23/02/2026 (a working day after Tết), led by hcc
EVENT = "demo-2026/su-kien"  # event-driven: waits for its first event


@pytest.fixture
def defs(sessions: sessionmaker[Session], defs_root: Path) -> Definitions:
    loaded = load_definitions(defs_root)
    with sessions() as s, s.begin():
        sync_definitions(loaded, None, session=s, now=NOW)
        new_account("vanphong", "Văn phòng", Role.STANDING, "demo", None, "mat-khau-dai-du", loaded,
                    session=s, now=NOW)  # fmt: skip
    return loaded


def record(
    s: Session, defs: Definitions, item: str, status: ProgressStatus, at: dt.datetime
) -> ProgressEventRow:
    request = ProgressRequest("demo-2026", item, status, at=at)
    return record_progress(request, defs, session=s, now=at)


def statuses(s: Session) -> dict[str, Status]:
    """Each item's status by the Python fold, after checking the set-based query agrees."""
    items = plan_status("demo-2026", NOW, session=s).items
    moment = resolve_as_of(NOW, "Asia/Ho_Chi_Minh")
    states = next(plan_states(s, ["demo-2026"], instant=moment.instant, today=moment.day,
                              horizon=moment.day + dt.timedelta(days=7), zone="Asia/Ho_Chi_Minh"))  # fmt: skip
    assert states.counts == {k: v for k, v in summarize(items).items() if v}
    return {i.key: i.status for i in items}


def fix(
    s: Session, event: ProgressEventRow, status: ProgressStatus | None, at: dt.datetime | None = None
) -> int:
    correction = Correction(event.id, "ghi nhầm ngày", status, at=at)
    return supersede(correction, current_event(event.id, event.occurrence_key, session=s), by_unit="vhxh",
                     recorded_by="vanphong", session=s, now=NOW).id  # fmt: skip


def test_a_correction_replaces_the_event_and_a_withdrawal_removes_it(
    sessions: sessionmaker[Session], defs: Definitions
) -> None:
    """Done on time, corrected to done late, then withdrawn: on time, late, overdue in both folds."""
    with sessions() as s, s.begin():
        first = record(s, defs, "tet", ProgressStatus.DONE, dt.datetime(2026, 2, 10, 9, tzinfo=ICT))
        assert statuses(s)[TET] is Status.DONE_ON_TIME
        second = fix(s, first, ProgressStatus.DONE, dt.datetime(2026, 3, 2, 12, tzinfo=ICT))
        assert statuses(s)[TET] is Status.DONE_LATE
        fix(s, s.get(ProgressEventRow, second) or first, None)
        assert statuses(s)[TET] is Status.OVERDUE
        found = history(TET, session=s)
    assert [e.status for e in found.events] == ["done", "done", "withdrawn"]
    assert found.superseded_by == {first.id: second, second: found.events[2].id}
    assert [found.current(e) for e in found.events] == [False, False, False]
    assert {e.recorded_by for e in found.events[1:]} == {"vanphong"} and found.events[
        2
    ].reason == "ghi nhầm ngày"


def test_a_withdrawn_first_event_leaves_an_event_item_waiting(
    sessions: sessionmaker[Session], defs: Definitions
) -> None:
    """An event-driven item whose only event is withdrawn waits for its event again."""
    with sessions() as s, s.begin():
        event = record(
            s, defs, "su-kien", ProgressStatus.IN_PROGRESS, dt.datetime(2026, 3, 20, 9, tzinfo=ICT)
        )
        assert statuses(s)[EVENT] is Status.IN_PROGRESS
        fix(s, event, None)
        assert statuses(s)[EVENT] is Status.WAITING_EVENT


def test_only_the_current_event_can_be_superseded(sessions: sessionmaker[Session], defs: Definitions) -> None:
    """A replaced event and a withdrawal are refused by name, pointing to the event to correct."""
    with sessions() as s, s.begin():
        first = record(s, defs, "tet", ProgressStatus.DONE, dt.datetime(2026, 2, 10, 9, tzinfo=ICT))
        second = fix(s, first, ProgressStatus.IN_PROGRESS)
        with pytest.raises(CorrectionError, match=re.escape(
                f"lần ghi #{first.id} đã được thay bằng lần ghi #{second}; hãy sửa lần ghi #{second} nếu cần")):  # fmt: skip
            current_event(first.id, TET, session=s)
        withdrawal = fix(s, s.get(ProgressEventRow, second) or first, None)
        with pytest.raises(CorrectionError, match="là một lần rút lại"):
            current_event(withdrawal, TET, session=s)
        with pytest.raises(
            CorrectionError, match=re.escape(f"lần ghi #{withdrawal} không thuộc 'demo-2026/tin-bai")
        ):
            current_event(withdrawal, "demo-2026/tin-bai/2026-03", session=s)


def test_a_reason_is_required(sessions: sessionmaker[Session], defs: Definitions) -> None:
    """A blank reason is refused and nothing is written."""
    with sessions() as s, s.begin():
        first = record(s, defs, "tet", ProgressStatus.DONE, dt.datetime(2026, 2, 10, 9, tzinfo=ICT))
        with pytest.raises(CorrectionError, match="chưa ghi lý do"):
            supersede(Correction(first.id, " \n ", None), first, by_unit="vhxh", recorded_by="vanphong",
                      session=s, now=NOW)  # fmt: skip
        assert len(history(TET, session=s).events) == 1


def test_the_store_refuses_two_corrections_of_one_event(
    sessions: sessionmaker[Session], defs: Definitions
) -> None:
    """Two people who both loaded the page before either saved: the second correction is refused."""
    with sessions() as s, s.begin():
        first = record(s, defs, "tet", ProgressStatus.DONE, dt.datetime(2026, 2, 10, 9, tzinfo=ICT))
        first_id = first.id
    with sessions() as a, sessions() as b:
        seen_a = current_event(first_id, TET, session=a)
        seen_b = current_event(first_id, TET, session=b)  # both see it current
        supersede(Correction(first_id, "lần một", ProgressStatus.IN_PROGRESS), seen_a, by_unit="vhxh",
                  recorded_by="vanphong", session=a, now=NOW)  # fmt: skip
        a.commit()
        with pytest.raises(CorrectionError, match="vừa được người khác sửa hay rút lại"):
            supersede(Correction(first_id, "lần hai", None), seen_b, by_unit="vhxh", recorded_by="vanphong",
                      session=b, now=NOW)  # fmt: skip
        b.rollback()
    with sessions() as s:
        assert [e.reason for e in history(TET, session=s).events] == [None, "lần một"]


def test_comments_keep_author_time_and_text(sessions: sessionmaker[Session], defs: Definitions) -> None:
    """Comments come back oldest first with their author; an empty one is refused."""
    with sessions() as s, s.begin():
        add_comment("demo-2026", TET, "vanphong", "Đề nghị bổ sung biên bản", session=s, now=NOW)
        add_comment("demo-2026", TET, "vanphong", "Đã nhận", session=s, now=NOW + dt.timedelta(hours=1))
        with pytest.raises(CorrectionError, match="bình luận trống"):
            add_comment("demo-2026", TET, "vanphong", "   ", session=s, now=NOW)
        comments = history(TET, session=s).comments
    assert [(c.author, c.body) for c in comments] == [("vanphong", "Đề nghị bổ sung biên bản"),
                                                      ("vanphong", "Đã nhận")]  # fmt: skip
