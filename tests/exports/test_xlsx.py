"""The spreadsheet round trip: export a plan, fill it in as a person would, import it back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from planflow.check.plans import PlanStatus, plan_status
from planflow.errors import ProgressError
from planflow.exports.xlsx import FIXED, KEY_HEADER, SHEET, export_workbook, read_progress
from planflow.intake.progress import record_progress
from planflow.loader import Definitions, load_definitions
from planflow.schema import Plan
from planflow.store.models import ProgressEventRow
from planflow.sync.definitions import sync_definitions
from planflow.units import UnitIndex
from tests.cli.runner import run_cli

ICT = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 3, 24, 9, tzinfo=ICT)
COL = {name: i + 1 for i, name in enumerate(FIXED)}


def _export(sessions: sessionmaker[Session], defs: Definitions, path: Path, unit: str | None = None) -> None:
    with sessions() as s, s.begin():
        sync_definitions(defs, None, session=s, now=NOW)
        status = plan_status("demo-2026", NOW, session=s)
    plan = defs.plan("demo-2026")
    names = {u.id: u.name for u in defs.directory_for(plan).units}
    export_workbook(status, plan, names, unit_id=unit, now=NOW).save(path)


def _rows(sheet: Worksheet) -> dict[str, int]:
    key_col = [c.value for c in sheet[4]].index(KEY_HEADER) + 1
    return {
        str(sheet.cell(r, key_col).value): r
        for r in range(5, sheet.max_row + 1)
        if sheet.cell(r, key_col).value
    }


def _exported(
    sessions: sessionmaker[Session], root: Path, tmp_path: Path
) -> tuple[Definitions, Path, Workbook]:
    """The demo plan exported to a file, opened for a person to fill in."""
    defs = load_definitions(root)
    path = tmp_path / "plan.xlsx"
    _export(sessions, defs, path)
    return defs, path, load_workbook(path)


def _import(sessions: sessionmaker[Session], defs: Definitions, path: Path) -> list[ProgressEventRow]:
    with sessions() as s, s.begin():

        def load(plan_id: str) -> tuple[PlanStatus, Plan, UnitIndex]:
            plan = defs.plan(plan_id)
            return plan_status(plan_id, NOW, session=s), plan, UnitIndex(defs.directory_for(plan))

        _, changes = read_progress(path, load)
        return [record_progress(c.request, defs, session=s, now=NOW) for c in changes]


def _events(sessions: sessionmaker[Session]) -> list[ProgressEventRow]:
    with sessions() as s:
        return list(s.scalars(select(ProgressEventRow).order_by(ProgressEventRow.id)))


def test_export_layout(sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path) -> None:
    """The appendix-table columns, status, a column per target, the key; only progress cells are unlocked."""
    path = tmp_path / "plan.xlsx"
    _export(sessions, load_definitions(defs_root), path)
    book = load_workbook(path)
    sheet = book[SHEET]
    headers = [c.value for c in sheet[4]]
    assert headers == [*FIXED, "Chỉ tiêu: Tỷ lệ hồ sơ số hóa (≥ 80 %)", KEY_HEADER]
    assert sheet.protection.sheet
    rows = _rows(sheet)
    tet = rows["demo-2026/tet"]
    assert sheet.cell(tet, COL["Tình trạng"]).value == "Quá hạn 39 ngày"
    assert sheet.cell(tet, COL["Hạn"]).value == "13/02/2026"  # "trước ngày 17/02/2026"
    assert sheet.cell(tet, COL["Đơn vị chủ trì"]).value == "Trung tâm Phục vụ hành chính công"
    assert not sheet.cell(tet, COL["Tiến độ"]).protection.locked
    assert sheet.cell(tet, COL["Nhiệm vụ"]).protection.locked
    assert sheet.cell(tet, len(FIXED) + 1).protection.locked  # 'tet' has no target
    assert not sheet.cell(rows["demo-2026/so-hoa"], len(FIXED) + 1).protection.locked
    assert "demo-2026/tin-bai/2026-03" in rows and "demo-2026/bao-cao-quy/2026-Q1/kt" in rows
    assert book["_planflow"].sheet_state == "veryHidden"
    book.close()


def test_hand_filled_file_round_trip(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """Words, a percent typed as 60%, a Vietnamese decimal and a supporting unit become progress events; a second import adds nothing."""
    defs, path, book = _exported(sessions, defs_root, tmp_path)
    sheet = book[SHEET]
    rows = _rows(sheet)
    target = len(FIXED) + 1
    tet, so_hoa, ke_hoach = rows["demo-2026/tet"], rows["demo-2026/so-hoa"], rows["demo-2026/ke-hoach"]
    sheet.cell(tet, COL["Tiến độ"]).value = "Hoàn thành"
    sheet.cell(tet, COL["Kết quả"]).value = "Đã rà soát 120 hồ sơ"
    sheet.cell(so_hoa, COL["Tiến độ"]).value = 0.6
    sheet.cell(so_hoa, COL["Tiến độ"]).number_format = "0%"
    sheet.cell(so_hoa, target).value = "85,5"
    sheet.cell(so_hoa, COL["Đơn vị báo cáo"]).value = "phòng kinh tế"
    sheet.cell(so_hoa, COL["Ghi chú"]).value = "Chờ máy quét mới"
    sheet.cell(ke_hoach, COL["Tiến độ"]).value = "đang thực hiện"
    book.save(path)
    recorded = _import(sessions, defs, path)
    got = {e.occurrence_key: (e.status, e.percent, e.values, e.by_unit, e.note) for e in recorded}
    assert got == {
        "demo-2026/tet": ("done", 100, {}, "hcc", "Đã rà soát 120 hồ sơ"),
        "demo-2026/so-hoa": ("in_progress", 60, {"ty-le": "85.5"}, "kt", "Ghi chú: Chờ máy quét mới"),
        "demo-2026/ke-hoach": ("in_progress", None, {}, "vhxh", None),
    }
    assert _import(sessions, defs, path) == []  # the same file again: already recorded
    assert len(_events(sessions)) == 3


def test_problems_are_reported_by_cell_and_nothing_is_recorded(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path
) -> None:
    """Unknown rows, wrong units, bad numbers and unreadable progress are listed by cell; no row is half-applied."""
    defs, path, book = _exported(sessions, defs_root, tmp_path)
    sheet = book[SHEET]
    rows = _rows(sheet)
    key_col = len(FIXED) + 2
    tet, so_hoa, ke_hoach = rows["demo-2026/tet"], rows["demo-2026/so-hoa"], rows["demo-2026/ke-hoach"]
    sheet.cell(ke_hoach, COL["Tiến độ"]).value = "Hoàn thành"  # a good row: must not be recorded either
    sheet.cell(tet, COL["Tiến độ"]).value = "Hoàn thành"
    sheet.cell(tet, COL["Đơn vị báo cáo"]).value = "Phòng Kinh tế"
    sheet.cell(so_hoa, COL["Tiến độ"]).value = "gần xong"
    sheet.cell(so_hoa, len(FIXED) + 1).value = "tám mươi"
    sheet.cell(rows["demo-2026/thuong-xuyen"], key_col).value = "demo-2026/khong-co"
    sheet.cell(rows["demo-2026/thuong-xuyen"], COL["Tiến độ"]).value = "Hoàn thành"
    sheet.cell(sheet.max_row + 1, COL["Tiến độ"]).value = "Hoàn thành"
    sheet.cell(rows["demo-2026/tin-bai/2026-01"], len(FIXED) + 1).value = "5"
    sheet.cell(rows["demo-2026/tin-bai/2026-01"], COL["Tiến độ"]).value = "Hoàn thành"
    book.save(path)
    with pytest.raises(ProgressError) as caught:
        _import(sessions, defs, path)
    lines = str(caught.value).splitlines()
    assert lines[0] == "không ghi gì: 6 lỗi trong file"
    assert sorted(lines[1:]) == sorted([
        f"'Tiến độ'!K{tet}: 'Phòng Kinh tế' không chủ trì hay phối hợp nhiệm vụ này (chủ trì: Trung tâm Phục vụ hành chính công)",
        f"'Tiến độ'!F{so_hoa}: 'gần xong' không đọc được; ghi Chưa bắt đầu, Đang thực hiện, Hoàn thành hoặc phần trăm như 60%",
        f"'Tiến độ'!L{so_hoa}: 'tám mươi' không phải một số; ghi ví dụ 85 hoặc 85,5",
        f"'Tiến độ'!M{rows['demo-2026/thuong-xuyen']}: mã 'demo-2026/khong-co' không có trong kế hoạch 'demo-2026'; đừng sửa cột mã, hoặc xuất lại file",
        f"'Tiến độ'!M{sheet.max_row}: dòng {sheet.max_row} không có mã; chỉ điền vào các dòng có sẵn, không thêm dòng mới",
        f"'Tiến độ'!L{rows['demo-2026/tin-bai/2026-01']}: nhiệm vụ ở dòng này không có chỉ tiêu này; để trống ô",
    ])  # fmt: skip
    assert _events(sessions) == []


def test_not_an_export(sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path) -> None:
    """A file that is no export, or no spreadsheet at all, is refused with a message."""
    defs = load_definitions(defs_root)
    other = tmp_path / "khac.xlsx"
    Workbook().save(other)
    with pytest.raises(ProgressError, match="không phải file xuất bởi 'planflow export'"):
        _import(sessions, defs, other)
    text = tmp_path / "ghi-chu.xlsx"
    text.write_text("không phải excel", encoding="utf-8")
    with pytest.raises(ProgressError, match=r"không đọc được file \.xlsx"):
        _import(sessions, defs, text)


def test_cli_round_trip(defs_root: Path, tmp_path: Path) -> None:
    """planflow export --unit, a filled cell, planflow import-progress --dry-run then for real."""
    path = tmp_path / "kt.xlsx"
    code, out, err = run_cli(
        "export",
        "demo-2026",
        "--as-of",
        "2026-03-24",
        "--unit",
        "Phòng Kinh tế",
        "-o",
        str(path),
        "-d",
        str(defs_root),
    )
    assert code == 0, err
    assert out.strip().startswith("Đã xuất 6 dòng của 'demo-2026' (tình trạng ngày 24/03/2026)")
    book = load_workbook(path)
    sheet = book[SHEET]
    row = _rows(sheet)["demo-2026/bao-cao-quy/2026-Q1/kt"]
    sheet.cell(row, COL["Tiến độ"]).value = "Hoàn thành"
    book.save(path)
    code, out, _ = run_cli("import-progress", str(path), "--dry-run", "--json", "-d", str(defs_root))
    assert code == 0 and json.loads(out)["recorded"] == []
    # what a dry run would record, row by row, the status in words
    code, out, _ = run_cli("import-progress", str(path), "--dry-run", "-d", str(defs_root))
    assert code == 0
    assert out.splitlines()[1:] == [
        f"  'Tiến độ'!F{row}: demo-2026/bao-cao-quy/2026-Q1/kt → Hoàn thành (100%)"
    ]
    code, out, _ = run_cli("import-progress", str(path), "--at", "2026-03-25", "--json", "-d", str(defs_root))
    payload = json.loads(out)
    assert payload["changes"] == [{"cell": f"'Tiến độ'!F{row}", "occurrence": "demo-2026/bao-cao-quy/2026-Q1/kt",
                                   "status": "done", "percent": 100, "by": "kt"}]  # fmt: skip
    assert len(payload["recorded"]) == 1
    code, _, err = run_cli("import-progress", str(tmp_path / "khong-co.xlsx"), "-d", str(defs_root))
    assert (code, err.strip()) == (1, f"Lỗi: không có file {tmp_path / 'khong-co.xlsx'}")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("150", "'150' vượt quá 100 %; tỷ lệ ghi từ 0 đến 100"),  # a share cannot pass 100 %
        ("-5", "'-5' là số âm; số đo của chỉ tiêu không âm"),  # a share is never negative
    ],
)
def test_a_figure_outside_its_metric_is_refused(
    sessions: sessionmaker[Session], defs_root: Path, tmp_path: Path, typed: str, message: str
) -> None:
    """A spreadsheet figure is held to the metric's range, as the web form holds it; nothing is recorded."""
    defs, path, book = _exported(sessions, defs_root, tmp_path)
    sheet = book[SHEET]
    so_hoa = _rows(sheet)["demo-2026/so-hoa"]
    sheet.cell(so_hoa, COL["Tiến độ"]).value = "Đang thực hiện"
    sheet.cell(so_hoa, len(FIXED) + 1).value = typed
    book.save(path)
    with pytest.raises(ProgressError) as caught:
        _import(sessions, defs, path)
    assert str(caught.value).splitlines()[1:] == [f"'Tiến độ'!L{so_hoa}: {message}"]
    assert _events(sessions) == []
