"""The set-based check (statuses decided by the database) agrees with the Python evaluation
of planflow.status, item by item and notice by notice, on generated plans with progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from planflow.check import plans
from planflow.check.plans import PlanCheck, check_plans
from planflow.loader import load_definitions
from planflow.notifications.config import load_mail_config
from planflow.notifications.notices import notices_due, queue_notices
from planflow.store import check as store_check
from planflow.store import repo
from planflow.store.models import NoticeRow, OccurrenceStateRow, PlanRow
from planflow.store.statuses import fixed_offset
from planflow.sync.definitions import sync_definitions
from scripts.generate_dataset import Scale, generate, load_progress

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _view(check: PlanCheck) -> tuple[Any, ...]:
    notices = [(n.key, n.fire_date, tuple(c.id for c in n.cc), n.item.as_json()) for n in check.notices]
    return check.plan_id, check.summary, [i.as_json() for i in check.attention], notices


@pytest.fixture
def generated(sessions: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    """Two communes of three plans with their progress history up to 30/06/2026, synced."""
    root = tmp_path / "data"
    generate(Scale(communes=2, plans_per_commune=3, tasks_per_plan=30, seed=5), root)
    with sessions() as s, s.begin():
        sync_definitions(load_definitions(root), None, session=s, now=NOW)
        load_progress(root / "progress.csv", session=s)
    return sessions


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 1, 2),  # nothing due yet
        dt.date(2026, 2, 20),  # around Tết: reminders moved by days off
        dt.date(2026, 6, 30),  # the last day of the history
        dt.date(2026, 8, 15),  # weeks after it: much overdue, nothing new done
        dt.date(2027, 1, 12),  # after the plan year: annual reports due
    ],
)
def test_set_based_check_matches_python_evaluation(generated: sessionmaker[Session], day: dt.date) -> None:
    """Same counts, same overdue and blocked items (JSON), same notices, in the same order."""
    with generated() as s:
        ids = repo.plan_ids(session=s)
        fast = [_view(c) for c in check_plans(s, ids, day, batch=4)]
        slow = [_view(c) for c in check_plans(s, ids, day, batch=4, set_based=False)]
    assert fast == slow
    assert sum(c[1]["overdue"] for c in fast) > 0 or day < dt.date(2026, 2, 1)


def _windows_evaluated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of plans of each window the set-based check evaluates from now on."""
    windows: list[int] = []
    evaluate = plans._set_based

    def counted(session: Session, window: Any, *args: Any) -> Any:
        windows.append(len(window))
        return evaluate(session, window, *args)

    monkeypatch.setattr(plans, "_set_based", counted)
    return windows


@pytest.fixture
def with_next_year(sessions: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    """The plans of ``generated`` and two plans of 2027 of the same communes, nothing of
    which is due in 2026 (a store grown with plans that have nothing due)."""
    root, later = tmp_path / "data", tmp_path / "later"
    generate(Scale(communes=2, plans_per_commune=3, tasks_per_plan=30, seed=5), root)
    generate(Scale(communes=1, plans_per_commune=2, tasks_per_plan=30, seed=5, year=2027), later)
    for path in (later / "plans").iterdir():
        path.rename(root / "plans" / path.name)
    with sessions() as s, s.begin():
        sync_definitions(load_definitions(root), None, session=s, now=NOW)
        load_progress(root / "progress.csv", session=s)
    return sessions


@pytest.mark.parametrize("day", [dt.date(2026, 1, 2), dt.date(2026, 6, 30), dt.date(2026, 8, 15)])
def test_the_daily_check_leaves_out_the_quiet_plans(
    with_next_year: sessionmaker[Session], day: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``quiet=False`` (the daily check) yields the plans with something due, as the full
    check sees them, whichever path decides the statuses; reading the current state, the
    plans without a row in the window never reach Python."""
    with with_next_year() as s:
        ids = repo.plan_ids(session=s)
        every = list(check_plans(s, ids, day, batch=4))
        due = [_view(c) for c in every if not c.quiet]
        windows = _windows_evaluated(monkeypatch)

        def listed(checked: Iterable[PlanCheck]) -> list[tuple[Any, ...]]:
            return [_view(c) for c in checked if not c.quiet]

        read = list(check_plans(s, ids, day, batch=4, quiet=False))
        taken = sum(windows)
        assert listed(read) == due
        assert all(c.planned for c in read if c.quiet)  # kept to move their notice days
        assert listed(check_plans(s, ids, day, batch=4, quiet=False, set_based=False)) == due
        assert listed(check_plans(s, ids[::-1], day, quiet=False)) == due[::-1]
        # no ids: every live plan of the store, read by the check itself
        assert [_view(c) for c in check_plans(s, None, day, batch=4)] == [_view(c) for c in every]
        assert listed(check_plans(s, None, day, batch=4, quiet=False)) == due
        window = set(
            s.scalars(select(OccurrenceStateRow.plan_id).where(OccurrenceStateRow.next_notice <= day))
        )
    if day >= dt.date(2026, 6, 30):  # after the progress history: the current state decides
        assert len(due) <= taken <= len(window) == len(ids) - 2


def test_statements_read_ahead_decide_as_one(
    generated: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plans decided in parts, all but the first read ahead on a connection of their own while
    the first are planned, get the checks of one statement; not once the session has written
    (another connection would not see what it wrote)."""
    day = dt.date(2026, 8, 15)
    with generated() as s:
        ids = repo.plan_ids(session=s)
        whole = [_view(c) for c in check_plans(s, ids, day)]
        due = [_view(c) for c in check_plans(s, ids, day, quiet=False)]
    parts: list[int] = []
    read_ahead = store_check._read_ahead

    def counted(session: Session, statement: Any, params: Any, planned: Any) -> Any:
        parts.append(len(planned))
        return read_ahead(session, statement, params, planned)

    monkeypatch.setattr(store_check, "_read_ahead", counted)
    monkeypatch.setattr(store_check, "READ_AHEAD_PLANS", 2)
    monkeypatch.setattr(store_check, "READ_AHEAD_PARTS", 4)
    monkeypatch.setattr(store_check, "READ_AHEAD_ROWS", 1)
    with generated() as s:
        assert [_view(c) for c in check_plans(s, ids, day)] == whole
        assert [_view(c) for c in check_plans(s, ids, day, quiet=False)] == due
        assert [_view(c) for c in check_plans(s, None, day, quiet=False)] == due  # every live plan
    # three checks, each deciding its 6 plans then reading their attention lists, in 3 parts
    assert parts == [3] * 6
    with generated() as s, s.begin():
        late = next(i for c in check_plans(s, ids, day) for i in c.attention if i.status.value == "overdue")
        parts.clear()
        repo.add_progress_event(session=s, occurrence_key=late.key, plan_id=late.facts.plan_id, status="done",
                                effective_at=NOW, recorded_at=NOW)  # fmt: skip
        after = {c.plan_id: c for c in check_plans(s, ids, day)}[late.facts.plan_id]
        assert late.key not in {i.key for i in after.attention}
    assert parts == []


def test_as_of_instant_counts_progress_up_to_that_moment(generated: sessionmaker[Session]) -> None:
    """At a time of day, progress recorded later that day does not count, in both paths."""
    moment = dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with generated() as s:
        ids = repo.plan_ids(session=s)
        assert [_view(c) for c in check_plans(s, ids, moment)] == [
            _view(c) for c in check_plans(s, ids, moment, set_based=False)
        ]


def test_a_chunk_of_plans_in_any_order(generated: sessionmaker[Session]) -> None:
    """A chunk of plans (a fan-out's share), unsorted and naming a plan twice, gets each
    plan's check as the whole set does, in the chunk's order."""
    day = dt.date(2026, 6, 30)
    with generated() as s:
        ids = repo.plan_ids(session=s)
        whole = {c.plan_id: _view(c) for c in check_plans(s, ids, day)}
        chunk = [ids[3], ids[0], ids[3], ids[5]]
        assert [_view(c) for c in check_plans(s, chunk, day, batch=2)] == [whole[p] for p in chunk]
        assert [_view(c) for c in check_plans(s, ids[1:4], day)] == [whole[p] for p in ids[1:4]]
        assert [_view(c) for c in check_plans(s, ids[1:4], day, set_based=False)] == [
            whole[p] for p in ids[1:4]
        ]


def test_windows_close_at_their_candidates(
    generated: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A window of plans closes once its plans have WINDOW_CANDIDATES candidates (what memory
    holds), whatever the plans it may take: the same checks, in more windows."""
    day = dt.date(2026, 8, 15)
    with generated() as s:
        ids = repo.plan_ids(session=s)
        whole = [_view(c) for c in check_plans(s, ids, day)]
        windows = _windows_evaluated(monkeypatch)
        monkeypatch.setattr(plans, "WINDOW_CANDIDATES", 3)
        assert [_view(c) for c in check_plans(s, ids, day)] == whole
    assert sum(windows) == len(ids) and len(windows) > 1


def test_plans_out_of_order_are_windows_of_batch_plans(
    generated: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plans in another order than the sorted one (a chunk, the leadership digest's) come out
    in that order, at most BATCH_PLANS a window, whatever the windows of sorted plans hold."""
    day = dt.date(2026, 8, 15)
    with generated() as s:
        ids = repo.plan_ids(session=s)
        whole = {c.plan_id: _view(c) for c in check_plans(s, ids, day)}
        windows = _windows_evaluated(monkeypatch)
        monkeypatch.setattr(plans, "BATCH_PLANS", 2)
        backwards = ids[::-1]
        assert [_view(c) for c in check_plans(s, backwards, day)] == [whole[p] for p in backwards]
    assert windows == [2] * (len(ids) // 2) + [1] * (len(ids) % 2)


def test_a_check_that_records_its_notices_plans_what_the_python_evaluation_plans(
    generated: sessionmaker[Session], tmp_path: Path
) -> None:
    """Checks recording their notices day after day (days skipped too, an item reopened):
    each day the check from the current state, which plans only the items whose
    next ladder step has come, gives what the Python evaluation gives against every notice
    recorded, and reads fewer items than there are overdue ones the day after a check."""
    config = load_mail_config(tmp_path / "home", None, "planflow <planflow@demo.example>")
    days = [dt.date(2026, 6, 26), dt.date(2026, 6, 29), dt.date(2026, 6, 30), dt.date(2026, 7, 1),
            dt.date(2026, 7, 9), dt.date(2026, 7, 10), dt.date(2026, 8, 3)]  # fmt: skip
    read: list[int] = []
    for n, day in enumerate(days):
        with generated() as s, s.begin():
            ids = repo.plan_ids(session=s)
            if n == 4:  # the first done item is reopened: its ladder is planned again
                key, plan_id = s.execute(select(OccurrenceStateRow.occurrence_key, OccurrenceStateRow.plan_id).where(
                    OccurrenceStateRow.status == "done", OccurrenceStateRow.due < day - dt.timedelta(days=20)
                ).order_by(OccurrenceStateRow.occurrence_key).limit(1)).one()  # fmt: skip
                repo.add_progress_event(session=s, occurrence_key=key, plan_id=plan_id, status="in_progress",
                                        effective_at=dt.datetime(2026, 7, 8, 3, tzinfo=dt.UTC),
                                        recorded_at=NOW, percent=50)  # fmt: skip
            fast = [_view(c) for c in check_plans(s, ids, day)]
            slow = [_view(c) for c in check_plans(s, ids, day, set_based=False)]
            assert fast == slow, day
            plan = notices_due(None, ids, day, session=s)
            read.append(sum(len(c.planned) for c in plan.reports))
            overdue = sum(c.summary["overdue"] for c in plan.reports)
            queue_notices(
                plan, session=s, now=dt.datetime.combine(day, dt.time(7), tzinfo=dt.UTC), config=config
            )
        if day - dt.timedelta(days=1) in days:  # the check of the day before recorded its notices
            assert read[n] < overdue < read[0], (day, read, overdue)
    with generated() as s:  # every notice planned was recorded, once
        assert s.scalar(select(func.count()).select_from(NoticeRow)) > 0


def test_fixed_offset_zones() -> None:
    """Vietnam keeps one UTC offset all year; a zone with daylight saving has none."""
    assert fixed_offset("Asia/Ho_Chi_Minh", dt.date(2026, 6, 30)) == dt.timedelta(hours=7)
    assert fixed_offset("Europe/Paris", dt.date(2026, 6, 30)) is None


def test_plan_zones_read_alike_by_id_and_whole(
    generated: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The time zones of a few plans named by id, and of as many read from every plan's row
    (a country's check), are the same, archived plans and plans not stored included."""
    with generated() as s, s.begin():
        ids = repo.plan_ids(session=s)
        s.execute(update(PlanRow).where(PlanRow.id == ids[0]).values(archived_at=NOW))
        asked = [*ids[:3], "khong-co"]
        by_id = store_check.plan_zones(s, asked)
        monkeypatch.setattr(store_check, "ZONES_BY_ID", 0)
        whole = store_check.plan_zones(s, asked)
    assert by_id == whole
    assert by_id == ({p: "Asia/Ho_Chi_Minh" for p in ids[:3]}, True, len(ids) - 1)
