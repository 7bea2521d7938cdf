"""The current state kept at write time (occurrence_states) is the full fold of the event
log after any history: events in any order of their effective times (back-dated ones
too), corrections and withdrawals that supersede events, on tasks, reports and report
inputs; rebuilding it changes nothing, and the check that reads it agrees with the
Python evaluation."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import PlanCheck, check_plans
from planflow.intake.corrections import Correction, supersede
from planflow.loader import load_definitions
from planflow.status import ProgressStatus, fold_progress
from planflow.store import check as store_check
from planflow.store import repo
from planflow.store.models import DependencyRow, OccurrenceRow, OccurrenceStateRow, PlanRow, ProgressEventRow
from planflow.store.states import ALWAYS, rebuild_states, resting, stored_counts
from planflow.sync.definitions import sync_definitions
from tests.cli.runner import run_cli
from tests.factories import demo_plan, write_definitions

ICT = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 3, 24, 9, tzinfo=ICT)
PLAN = "demo-2026"

# one operation: a progress event on occurrence ``pick`` (of tasks, reports and report inputs), at
# ``days`` from NOW (negative: back-dated); or a correction (``status`` None: a withdrawal) of
# the ``pick``-th event not superseded yet
_event = st.tuples(
    st.just("event"),
    st.integers(0, 5),
    st.sampled_from([s.value for s in ProgressStatus]),
    st.one_of(st.none(), st.integers(0, 100)),
    st.integers(-90, 90),
)
_correction = st.tuples(
    st.just("correct"),
    st.integers(0, 10_000),
    st.one_of(st.none(), st.sampled_from([s.value for s in ProgressStatus])),
    st.one_of(st.none(), st.integers(0, 100)),
    st.one_of(st.none(), st.integers(-90, 90)),
)
HISTORIES = st.lists(st.one_of(_event, _correction), min_size=1, max_size=25)


@pytest.fixture
def store(sessions: sessionmaker[Session], defs_root: Path) -> sessionmaker[Session]:
    with sessions() as s, s.begin():
        sync_definitions(load_definitions(defs_root), None, session=s, now=NOW)
    return sessions


@pytest.fixture
def session(store: sessionmaker[Session]) -> Iterator[Session]:
    with store() as s:
        yield s


def _apply(s: Session, keys: list[str], history: list[tuple[Any, ...]]) -> None:
    written: list[ProgressEventRow] = []
    for op, pick, status, percent, days in history:
        now = NOW + dt.timedelta(minutes=len(written))
        if op == "event":
            at = NOW + dt.timedelta(days=days, hours=pick % 24)
            written.append(repo.add_progress_event(
                session=s, occurrence_key=keys[pick % len(keys)], plan_id=PLAN, status=status,
                effective_at=at, recorded_at=now, percent=percent,
            ))  # fmt: skip
            continue
        open_events = [e for e in written if not any(w.supersedes == e.id for w in written)]
        open_events = [e for e in open_events if e.status != "withdrawn"]
        if not open_events:
            continue
        target = open_events[pick % len(open_events)]
        correction = Correction(
            event_id=target.id, reason="nhập nhầm", status=None if status is None else ProgressStatus(status),
            percent=percent, at=None if days is None else NOW + dt.timedelta(days=days),
        )  # fmt: skip
        written.append(
            supersede(correction, target, by_unit=None, recorded_by="vanphong", session=s, now=now)
        )


def _view(check: PlanCheck) -> tuple[Any, ...]:
    notices = [(n.key, n.fire_date, tuple(c.id for c in n.cc), n.item.as_json()) for n in check.notices]
    return check.plan_id, check.summary, [i.as_json() for i in check.attention], notices


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=HISTORIES)
def test_incremental_state_is_the_full_fold(session: Session, history: list[tuple[Any, ...]]) -> None:
    """After a random history written through the store, every state row equals the fold of
    the plan's counted events; a rebuild finds nothing to change; the check reading the
    state agrees with the Python evaluation."""
    s = session
    live = s.execute(select(OccurrenceRow.kind, OccurrenceRow.key).where(
        OccurrenceRow.plan_id == PLAN, OccurrenceRow.archived_at.is_(None)).order_by(OccurrenceRow.key)).all()  # fmt: skip
    kinds = {kind for kind, _ in live}
    assert {"task", "report", "report_input"} <= kinds
    # a few occurrences of each kind, so that histories pile up on the same ones
    pool = [key for kind in sorted(kinds) for key in [k for c, k in live if c == kind][:2]]
    try:  # the session's own transaction, rolled back after each example
        _apply(s, pool, history)
        events = repo.progress_events(PLAN, session=s)
        folded = fold_progress(events)
        last_ids = {e.occurrence_key: e.id for e in events}
        rows = {r.occurrence_key: r for r in s.scalars(select(OccurrenceStateRow))}
        assert set(rows) == {key for _, key in live}
        for key in pool:
            row, state = rows[key], folded.get(key)
            got = (row.status, row.percent, row.done_at, row.events, row.last_at, row.last_event_id)
            want = (
                (state.status.value, state.percent, state.done_at, state.events, state.last_at, last_ids[key])
                if state is not None else ("not_started", None, None, 0, None, None)
            )  # fmt: skip
            assert got == want, key
        # each plan's status counts moved with every event: those of its rows as they rest now
        zone = s.scalars(select(PlanRow.timezone).where(PlanRow.id == PLAN)).one()
        resting_now = Counter(
            (PLAN, *resting(r.timing, r.start, r.due, r.status, r.percent, r.done_at, r.events, zone))
            for r in rows.values()
        )  # fmt: skip
        assert stored_counts([PLAN], session=s) == dict(resting_now)
        assert rebuild_states([PLAN], session=s).changed == 0
        assert stored_counts([PLAN], session=s) == dict(resting_now)
        as_of = max([NOW, *(e.effective_at for e in events)]) + dt.timedelta(days=1)
        assert store_check.states_hold(s, [PLAN], as_of, every_plan=False)
        fast = [_view(c) for c in check_plans(s, [PLAN], as_of)]
        slow = [_view(c) for c in check_plans(s, [PLAN], as_of, set_based=False)]
        assert fast == slow
    finally:
        s.rollback()


def test_links_follow_the_dependencies(session: Session) -> None:
    """Each state row says whether its occurrence depends on another and whether another
    depends on it, as the plan's dependencies say after its sync."""
    s = session
    deps = s.execute(select(DependencyRow.occurrence_key, DependencyRow.depends_on_key)).all()
    assert deps
    rows = s.execute(
        select(OccurrenceStateRow.occurrence_key, OccurrenceStateRow.has_dependencies,
               OccurrenceStateRow.has_dependents)
    ).all()  # fmt: skip
    assert {k: (a, b) for k, a, b in rows} == {
        k: (k in {d for d, _ in deps}, k in {on for _, on in deps}) for k, _, _ in rows
    }


def test_state_does_not_hold_before_its_last_event(session: Session) -> None:
    """A check of a moment before a recorded event folds the log instead of the state."""
    s = session
    key = s.scalars(select(OccurrenceRow.key).where(OccurrenceRow.plan_id == PLAN)).first()
    assert key is not None
    repo.add_progress_event(session=s, occurrence_key=key, plan_id=PLAN, status="done",
                            effective_at=NOW, recorded_at=NOW)  # fmt: skip
    s.commit()
    assert store_check.states_hold(s, [PLAN], NOW, every_plan=True)
    assert not store_check.states_hold(s, [PLAN], NOW - dt.timedelta(seconds=1), every_plan=False)


def test_rebuild_state_command(
    store: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`planflow rebuild-state` says what it recomputed, then that nothing changed."""
    with store() as s, s.begin():
        key = s.scalars(select(OccurrenceRow.key).where(OccurrenceRow.plan_id == PLAN)).first()
        s.execute(OccurrenceStateRow.__table__.delete().where(OccurrenceStateRow.occurrence_key == key))
        count = len(list(s.scalars(select(OccurrenceRow.key).where(OccurrenceRow.archived_at.is_(None)))))
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", database_url)
    code, out, err = run_cli("rebuild-state")
    assert code == 0, err
    assert f"Đã tính lại trạng thái hiện tại của {count} lần thực hiện thuộc" in out
    assert "1 dòng khác với trước, đã sửa." in out
    code, out, _ = run_cli("rebuild-state", PLAN)
    assert code == 0 and f"thuộc kế hoạch {PLAN} từ nhật ký tiến độ: 0 dòng khác với trước" in out
    code, _, err = run_cli("rebuild-state", "khong-co")
    assert code == 1
    assert "kế hoạch 'khong-co' chưa có trong cơ sở dữ liệu; chạy 'planflow sync' trước" in err


def test_resync_recomputes_the_state_of_the_plan(store: sessionmaker[Session], defs_root: Path) -> None:
    """A plan synced again with another due date and ladder: its state rows follow (due,
    next_notice), its progress is kept, and the check from the state agrees with Python."""
    tet = f"{PLAN}/tet"
    with store() as s, s.begin():
        repo.add_progress_event(session=s, occurrence_key=tet, plan_id=PLAN, status="in_progress",
                                effective_at=NOW - dt.timedelta(days=40), recorded_at=NOW, percent=30)  # fmt: skip
        before = s.get(OccurrenceStateRow, tet)
        assert before is not None
        # the working day before Tết; the default ladder's first reminder 7 working days before
        assert (before.due, before.next_notice) == (dt.date(2026, 2, 13), dt.date(2026, 2, 4))
    ladder = {"steps": [{"offset": -10, "to": ["lead"], "template": "reminder", "working_days": False}]}
    plan = demo_plan(escalation=ladder)
    next(t for t in plan["tasks"] if t["id"] == "tet")["when"] = "trước ngày 20/03/2026"
    write_definitions(defs_root, plan)
    with store() as s, s.begin():
        sync_definitions(load_definitions(defs_root), None, session=s, now=NOW)
    with store() as s:
        after = s.get(OccurrenceStateRow, tet)
        assert after is not None
        assert (after.due, after.next_notice) == (
            dt.date(2026, 3, 19),
            dt.date(2026, 3, 9),
        )  # "trước ngày 20/03"
        assert (after.status, after.percent, after.events) == ("in_progress", 30, 1)
        assert rebuild_states([PLAN], session=s).changed == 0
        day = dt.date(2026, 3, 12)
        fast = [_view(c) for c in check_plans(s, [PLAN], day)]
        slow = [_view(c) for c in check_plans(s, [PLAN], day, set_based=False)]
        assert fast == slow
        assert any(n[0][0] == tet for n in fast[0][3])  # its -10 days reminder fired on 09/03


@pytest.mark.parametrize(
    ("row", "rests"),
    [
        # done after the due day in the plan's zone (01:00 on 11/03 in Hanoi) is late …
        (("task", None, dt.date(2026, 3, 10), "done", 100, dt.datetime(2026, 3, 10, 18, tzinfo=dt.UTC), 1),
         ("done_late", ALWAYS)),
        # … the same instant is still the due day in UTC's view, not the plan's: on time before it
        (("task", None, dt.date(2026, 3, 10), "done", 100, dt.datetime(2026, 3, 10, 16, tzinfo=dt.UTC), 1),
         ("done_on_time", ALWAYS)),
        (("event", None, None, "not_started", None, None, 0), ("waiting_event", ALWAYS)),
        (("task", None, dt.date(2026, 9, 1), "not_started", 30, None, 1), ("in_progress", ALWAYS)),
        # an ongoing item counts as not started until its start day (``since``)
        (("ongoing", dt.date(2026, 7, 1), None, "not_started", None, None, 0), ("ongoing", dt.date(2026, 7, 1))),
        (("ongoing", None, None, "not_started", None, None, 0), ("ongoing", ALWAYS)),
        (("task", dt.date(2026, 7, 1), dt.date(2026, 9, 1), "not_started", None, None, 0), ("not_started", ALWAYS)),
    ],
)  # fmt: skip
def test_the_status_an_occurrence_rests_in(row: tuple[Any, ...], rests: tuple[str, dt.date]) -> None:
    """The status counted for an occurrence whose window has not come, as planflow.status
    decides it on any such day."""
    assert resting(*row, "Asia/Ho_Chi_Minh") == rests
