"""Storing compiled plans and progress, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt
import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from planflow import loader
from planflow.check.plans import plan_status
from planflow.errors import DefinitionError, NotFoundError, PlanflowError, ProgressError
from planflow.intake.progress import ProgressRequest, record_progress
from planflow.loader import load_definitions
from planflow.status import ProgressStatus, Status
from planflow.store.models import (
    DependencyRow,
    OccurrenceRow,
    OccurrenceUnitRow,
    PlanRow,
    PlanStatusCountRow,
    ProgressEventRow,
    UnitRow,
)
from planflow.store.repo import plan_ids
from planflow.sync import prepare
from planflow.sync.definitions import sync_definitions
from tests.factories import DEMO_UNITS, demo_plan, write_definitions, write_yaml

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
EXAMPLES = Path(__file__).parents[2] / "definitions"
ICT = dt.timezone(dt.timedelta(hours=7))


def _sync(sessions: sessionmaker[Session], root: Path) -> None:
    with sessions() as s, s.begin():
        sync_definitions(load_definitions(root), None, session=s, now=NOW)


def _progress(sessions: sessionmaker[Session], root: Path, request: ProgressRequest) -> None:
    with sessions() as s, s.begin():
        record_progress(request, load_definitions(root), session=s, now=NOW)


def test_round_trip(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """Synced occurrences come back with their dates, owners and dependencies."""
    _sync(sessions, defs_root)
    with sessions() as s:
        report = plan_status("demo-2026", dt.date(2026, 3, 1), session=s)
    by_key = {i.key: i for i in report.items}
    so_hoa = by_key["demo-2026/so-hoa"].facts
    assert (so_hoa.start, so_hoa.due, so_hoa.lead, so_hoa.support) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
        ("hcc",),
        ("kt",),
    )
    assert so_hoa.targets[0]["key"] == "ty-le"
    assert len(report.items) == 29


def test_sync_is_idempotent(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """A second sync of the same definition changes nothing."""
    _sync(sessions, defs_root)
    with sessions() as s, s.begin():
        (result,) = sync_definitions(load_definitions(defs_root), None, session=s, now=NOW)
    assert (result.added, result.updated, result.archived, result.unchanged) == (0, 0, 0, 29)


def test_unchanged_plan_is_not_read_again(
    sessions: sessionmaker[Session], defs_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-sync compares each plan's source digest with the stored one: an unchanged plan
    is neither parsed nor compiled. An edit of its unit directory or new code re-syncs it."""
    read: list[str] = []
    parse = loader.load_plan_file
    monkeypatch.setattr(loader, "load_plan_file", lambda path: read.append(path.stem) or parse(path))

    def resync() -> tuple[int, int, int]:
        read.clear()
        with sessions() as s, s.begin():
            (result,) = sync_definitions(load_definitions(defs_root), None, session=s, now=NOW)
        return result.added, result.updated, result.unchanged

    assert resync() == (29, 0, 0) and read == ["demo-2026"]
    assert resync() == (0, 0, 29) and read == []  # the file was hashed, not parsed

    units = copy.deepcopy(DEMO_UNITS)
    units["units"][2]["emails"] = ["kinhte@demo.example"]
    write_yaml(defs_root / "units" / "demo.yaml", units)
    assert resync() == (0, 0, 29) and read == ["demo-2026"]
    with sessions() as s:
        assert "kinhte@demo.example" in str(s.get(PlanRow, "demo-2026").notice_context)  # type: ignore[union-attr]
    assert resync() == (0, 0, 29) and read == []

    monkeypatch.setattr(loader, "code_digest", lambda: "another release")
    assert resync() == (0, 0, 29) and read == ["demo-2026"]


def _stored_rows(sessions: sessionmaker[Session]) -> dict[str, list[tuple[object, ...]]]:
    with sessions() as s:
        return {
            table.name: sorted((tuple(row) for row in s.execute(select(table))), key=repr)
            for table in (PlanRow.__table__, UnitRow.__table__, OccurrenceRow.__table__,
                          OccurrenceUnitRow.__table__, DependencyRow.__table__)
        }  # fmt: skip


def test_pool_of_processes_stores_what_one_process_stores(sessions: sessionmaker[Session]) -> None:
    """A first sync prepared by a pool of processes writes exactly the rows the caller's
    process writes, in the same order of results."""
    defs = load_definitions(EXAMPLES)
    with sessions() as s, s.begin():
        pooled = sync_definitions(defs, None, session=s, now=NOW, workers=2)
    rows = _stored_rows(sessions)
    with sessions() as s, s.begin():
        for table in (DependencyRow, OccurrenceUnitRow, OccurrenceRow, UnitRow, PlanStatusCountRow, PlanRow):
            s.execute(delete(table))
    with sessions() as s, s.begin():
        alone = sync_definitions(load_definitions(EXAMPLES), None, session=s, now=NOW, workers=1)
    assert pooled == alone and sum(r.added for r in alone) > 200
    assert _stored_rows(sessions) == rows


def test_bad_plan_file_in_a_pool_is_located(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """A plan that fails in a pool process is reported by file and line, nothing stored."""
    root = write_definitions(tmp_path / "definitions")
    write_yaml(root / "plans" / "demo-2027.yaml", demo_plan(id="demo-2027", units="nowhere"))
    (root / "plans" / "demo-2028.yaml").write_text("id: demo-2028\ntitle: [\n", encoding="utf-8")
    for name, message in (("demo-2027", "danh mục đơn vị 'nowhere'"), ("demo-2028", "demo-2028.yaml:3")):
        with pytest.raises(PlanflowError, match=message), sessions() as s, s.begin():
            sync_definitions(load_definitions(root), ["demo-2026", name], session=s, now=NOW, workers=2)
    with sessions() as s:
        assert plan_ids(session=s) == []


def test_pool_results_come_in_plan_order_with_bounded_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of one plan over two processes: the plans come back in the order asked,
    equal to the caller's own preparation, and closing early leaves no process behind."""
    monkeypatch.setattr(prepare, "BATCH_PLANS", 1)
    defs = load_definitions(EXAMPLES)
    ids = sorted(defs.plans, reverse=True)
    pooled = list(prepare.prepare_plans(defs, ids, driver="sqlite", now=NOW, workers=2))
    alone = list(prepare.prepare_plans(defs, ids, driver="sqlite", now=NOW, workers=1))
    assert [p.plan_id for p in pooled] == ids and pooled == alone
    assert multiprocessing.active_children() == []
    started = prepare.prepare_plans(defs, ids, driver="sqlite", now=NOW, workers=2)
    next(started)
    assert len(multiprocessing.active_children()) == 2
    started.close()  # the caller stops (its write failed): the pool is shut down
    assert multiprocessing.active_children() == []


def test_a_pool_process_that_dies_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process killed mid-sync (out of memory, kill -9) stops the sync with a message
    that says nothing was written, not a traceback of the pool."""
    monkeypatch.setattr(prepare, "BATCH_PLANS", 1)
    defs = load_definitions(EXAMPLES)
    ids = sorted(defs.plans)
    assert len(ids) > prepare.AHEAD * 2, "more batches than are in flight at once"
    started = prepare.prepare_plans(defs, ids, driver="sqlite", now=NOW, workers=2)
    next(started)
    for child in multiprocessing.active_children():
        os.kill(child.pid or 0, signal.SIGKILL)
    with pytest.raises(PlanflowError, match=r"dừng giữa chừng.*chưa ghi gì"):
        list(started)
    assert multiprocessing.active_children() == []


def test_archived_plan_with_the_same_file_is_restored(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """A plan archived (its file removed) that comes back unchanged is live again."""
    _sync(sessions, defs_root)
    _sync(sessions, write_definitions(tmp_path / "other", demo_plan(id="demo-2027")))
    _sync(sessions, defs_root)
    with sessions() as s:
        assert plan_ids(session=s) == ["demo-2026"]


def test_bad_plan_file_is_reported_when_read(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """Plans are read when asked for: a broken file does not stop the others from loading,
    and a sync that reaches it says which file and line, and stores nothing."""
    (defs_root / "plans" / "broken-2026.yaml").write_text("id: broken-2026\ntasks: [\n", encoding="utf-8")
    defs = load_definitions(defs_root)
    assert defs.plan("demo-2026").id == "demo-2026"
    with pytest.raises(DefinitionError) as raised, sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
    assert "broken-2026.yaml:3" in str(raised.value)
    with sessions() as s:
        assert plan_ids(session=s) == []


def test_progress_survives_definition_edit(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """Editing the plan keeps progress of unchanged ids; removed tasks are archived, not deleted."""
    _sync(sessions, defs_root)
    _progress(sessions, defs_root, ProgressRequest(
        "demo-2026", "ke-hoach", ProgressStatus.DONE, by="vhxh",
        at=dt.datetime(2026, 3, 20, 9, 0, tzinfo=ICT),
    ))  # fmt: skip
    _progress(sessions, defs_root, ProgressRequest(
        "demo-2026", "tet", ProgressStatus.IN_PROGRESS, percent=40, by="hcc",
        at=dt.datetime(2026, 2, 10, tzinfo=ICT),
    ))  # fmt: skip
    edited = demo_plan()
    edited["tasks"] = [t for t in edited["tasks"] if t["id"] != "tet"]
    edited["tasks"][0]["title"] = "Ban hành kế hoạch (sửa)"
    root = write_definitions(tmp_path / "edited", edited)
    with sessions() as s, s.begin():
        (result,) = sync_definitions(load_definitions(root), None, session=s, now=NOW)
    assert (result.updated, result.archived) == (1, 1)
    with sessions() as s:
        report = plan_status("demo-2026", dt.date(2026, 4, 1), session=s)
        archived = s.scalar(select(OccurrenceRow).where(OccurrenceRow.key == "demo-2026/tet"))
        events = s.scalar(select(func.count()).select_from(ProgressEventRow))
    by_key = {i.key: i for i in report.items}
    assert by_key["demo-2026/ke-hoach"].status is Status.DONE_ON_TIME
    assert by_key["demo-2026/ke-hoach"].facts.title == "Ban hành kế hoạch (sửa)"
    assert "demo-2026/tet" not in by_key
    assert archived is not None and archived.archived_at is not None
    assert events == 2
    # the task comes back: restored, with its history
    with sessions() as s, s.begin():
        (result,) = sync_definitions(load_definitions(defs_root), None, session=s, now=NOW)
    assert result.restored == 1
    with sessions() as s:
        report = plan_status("demo-2026", dt.date(2026, 2, 11), session=s)
    assert {i.key: i for i in report.items}["demo-2026/tet"].progress.percent == 40


def test_plan_removed_from_definitions_is_archived(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """A plan whose file is gone leaves the listing; its rows and progress stay in the store."""
    _sync(sessions, defs_root)
    other = write_definitions(tmp_path / "other", demo_plan(id="demo-2027"))
    with sessions() as s, s.begin():
        sync_definitions(load_definitions(other), None, session=s, now=NOW)
    with sessions() as s:
        assert plan_ids(session=s) == ["demo-2027"]
        assert s.get(PlanRow, "demo-2026") is not None


def test_progress_by_a_unit_that_does_not_own_it(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """A unit may only record progress on what it leads or supports (or as standing unit)."""
    _sync(sessions, defs_root)
    with pytest.raises(ProgressError) as info:
        _progress(sessions, defs_root, ProgressRequest("demo-2026", "tet", ProgressStatus.DONE, by="kt"))
    assert str(info.value) == (
        "đơn vị 'kt' không chủ trì hay phối hợp 'demo-2026/tet' và không phải cơ quan thường trực; "
        "các đơn vị được ghi: hcc, vhxh"
    )


def test_recurring_task_needs_a_period(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """Progress on a recurring task names its period; a wrong period lists the valid ones."""
    _sync(sessions, defs_root)
    with pytest.raises(ProgressError, match="có nhiều kỳ"):
        _progress(sessions, defs_root, ProgressRequest("demo-2026", "tin-bai", ProgressStatus.DONE))
    with pytest.raises(NotFoundError, match="không có kỳ '2026-13'; các kỳ: 2026-01, 2026-02"):
        _progress(sessions, defs_root, ProgressRequest(
            "demo-2026", "tin-bai", ProgressStatus.DONE, period="2026-13"
        ))  # fmt: skip
    with pytest.raises(NotFoundError, match="chỉ thực hiện một lần, không chia kỳ; bỏ --period 'once'"):
        _progress(sessions, defs_root, ProgressRequest(
            "demo-2026", "tet", ProgressStatus.DONE, period="once", by="vhxh"
        ))  # fmt: skip


def test_report_input_progress_by_unit(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """A unit reporting on a report records its own input; the report waits for the rest."""
    _sync(sessions, defs_root)
    _progress(sessions, defs_root, ProgressRequest(
        "demo-2026", "bao-cao-quy", ProgressStatus.DONE, period="2026-Q1", by="kt",
        at=dt.datetime(2026, 3, 27, tzinfo=ICT),
    ))  # fmt: skip
    with sessions() as s:
        items = {i.key: i for i in plan_status("demo-2026", dt.date(2026, 4, 6), session=s).items}
    assert items["demo-2026/bao-cao-quy/2026-Q1/kt"].status is Status.DONE_ON_TIME
    assert items["demo-2026/bao-cao-quy/2026-Q1/hcc"].status is Status.OVERDUE
    assert items["demo-2026/bao-cao-quy/2026-Q1"].status is Status.BLOCKED
    assert items["demo-2026/bao-cao-quy/2026-Q1"].blocked_by == ("demo-2026/bao-cao-quy/2026-Q1/hcc",)


def test_measured_target_values(sessions: sessionmaker[Session], defs_root: Path) -> None:
    """Measured values are stored per target and compared with the requirement."""
    _sync(sessions, defs_root)
    _progress(sessions, defs_root, ProgressRequest(
        "demo-2026", "so-hoa", ProgressStatus.IN_PROGRESS, values=("Tỷ lệ hồ sơ số hóa=72,5",),
        by="hcc", at=dt.datetime(2026, 5, 2, tzinfo=ICT),
    ))  # fmt: skip
    with pytest.raises(ProgressError, match="chỉ tiêu 'abc' không có ở 'demo-2026/so-hoa'; có: ty-le"):
        _progress(sessions, defs_root, ProgressRequest(
            "demo-2026", "so-hoa", ProgressStatus.IN_PROGRESS, values=("abc=1",), by="hcc"
        ))  # fmt: skip
    with sessions() as s:
        items = {i.key: i for i in plan_status("demo-2026", dt.date(2026, 5, 3), session=s).items}
    (target,) = items["demo-2026/so-hoa"].targets
    assert (str(target.measured), str(target.required), target.met) == ("72.5", "80", False)
