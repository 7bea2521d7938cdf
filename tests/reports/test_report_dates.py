"""Report cycles over a year: due dates, draft days and data windows, checked by hand against
the calendar (weekends, 30/4–1/5, 2/9 and Tết 2026: 16–20/02)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planflow.compiler import calendar_for, compile_plan
from planflow.loader import load_definitions
from planflow.reports.cycle import (
    document_symbol,
    issuer_lines,
    period_of,
    report_window,
)
from planflow.units import UnitIndex
from tests.conftest import REPO
from tests.factories import demo_plan, write_definitions

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

D = dt.date


def _windows(root: Path, plan_id: str) -> dict[str, tuple[D | None, D | None, D, D]]:
    defs = load_definitions(root)
    plan = defs.plan(plan_id)
    cal = calendar_for(plan)
    compiled = compile_plan(plan, UnitIndex(defs.directory_for(plan)))
    reports = {r.id: r for r in plan.reports}
    out = {}
    for occ in compiled.occurrences:
        if occ.kind == "report":
            w = report_window(plan, reports[occ.item_id], occ.period, occ.due, cal)
            out[occ.key.removeprefix(plan_id + "/")] = (w.assemble_from, w.due, w.data_from, w.data_to)
    return out


def test_loc_tan_2026_every_cycle_of_the_year() -> None:
    """Seed 003: the quarterly/6-month/annual report by the 10th of the next month, the
    quarterly spending report in the quarter's last week, the monthly hamlet reports."""
    got = _windows(REPO / "definitions", "loc-tan-2026")
    periodic = {k: v for k, v in got.items() if k.startswith("bao-cao-dinh-ky/")}
    assert periodic == {
        # 10/04/2026 is a Friday; the draft 3 working days before: Tue 07/04.
        "bao-cao-dinh-ky/2026-Q1": (D(2026, 4, 7), D(2026, 4, 10), D(2025, 12, 15), D(2026, 3, 14)),
        # Q2 is superseded by the 6-month report ending the same day.
        "bao-cao-dinh-ky/2026-H1": (D(2026, 7, 7), D(2026, 7, 10), D(2025, 12, 15), D(2026, 6, 14)),
        # 10/10/2026 is a Saturday → Monday 12/10; draft Wed 07/10.
        "bao-cao-dinh-ky/2026": (D(2027, 1, 6), D(2027, 1, 11), D(2025, 12, 15), D(2026, 12, 14)),
        "bao-cao-dinh-ky/2026-Q3": (D(2026, 10, 7), D(2026, 10, 12), D(2026, 6, 15), D(2026, 9, 14)),
    }
    # 10/01/2027 is a Sunday → Monday 11/01; draft Wed 06/01.
    spending = {k.split("/")[1]: v[1] for k, v in got.items() if k.startswith("bao-cao-chi-tieu-cds/")}
    assert spending == {"2026-Q1": D(2026, 3, 31), "2026-Q2": D(2026, 6, 30),
                        "2026-Q3": D(2026, 9, 30), "2026-Q4": D(2026, 12, 31)}  # fmt: skip
    hamlet = {k.split("/")[1]: v[1] for k, v in got.items() if k.startswith("bao-cao-hoat-dong-ap/")}
    assert hamlet == {
        "2026-01": D(2026, 2, 2),  # 31/01 is a Saturday
        "2026-02": D(2026, 3, 2),  # 28/02 is a Saturday
        "2026-03": D(2026, 3, 31),
        "2026-04": D(2026, 5, 4),  # 30/04 and 01/05 are holidays, then a weekend
        "2026-05": D(2026, 6, 1),  # 31/05 is a Sunday
        "2026-06": D(2026, 6, 30),
        "2026-07": D(2026, 7, 31),
        "2026-08": D(2026, 9, 3),  # 31/08 (swapped day off), 01–02/09 National Day
        "2026-09": D(2026, 9, 30),
        "2026-10": D(2026, 11, 2),  # 31/10 is a Saturday
        "2026-11": D(2026, 11, 30),
        "2026-12": D(2026, 12, 31),
    }
    # Decree 09: the October report's data run 15/09–14/10.
    assert got["bao-cao-hoat-dong-ap/2026-10"][2:] == (D(2026, 9, 15), D(2026, 10, 14))


def test_one_off_reports_of_seeds_000_and_001() -> None:
    """ "trước ngày 30/10/2025": due by the day before, Wednesday 29/10 (the default
    day_before rule); draft 3 working days earlier, Friday 24/10; data from the plan's start."""
    got = _windows(REPO / "definitions", "loc-tan-2025")
    assert got == {"bao-cao-ket-qua": (D(2025, 10, 24), D(2025, 10, 29), D(2025, 9, 20), D(2025, 10, 29))}
    got = _windows(REPO / "definitions", "dai-phuoc-2025")
    assert got["bao-cao-ket-qua"][:2] == (D(2025, 10, 24), D(2025, 10, 29))


def test_a_due_day_in_tet_moves_past_the_holiday(tmp_path: Path) -> None:
    """The January report due on the 16th of February 2026 (Lunar New Year's Eve) is due on
    Monday 23/02, after Tết (16–20/02) and the weekend; its draft opens 3 working days
    before: Wednesday 11/02 (the 12th and 13th are working days)."""
    plan = demo_plan(reports=[{
        "id": "bao-cao-thang", "title": "Báo cáo tháng", "compiler": "vhxh",
        "recipients": [{"unit": "ubnd"}], "when": {"every": "month", "due": {"day_of_next_month": 16}},
    }])  # fmt: skip
    got = _windows(write_definitions(tmp_path / "d", plan), "demo-2026")
    assert got["bao-cao-thang/2026-01"][:2] == (D(2026, 2, 18 - 7), D(2026, 2, 23))
    assert got["bao-cao-thang/2026-02"][1] == D(2026, 3, 16)


def test_periods_and_decree_30_names() -> None:
    """Period labels name calendar periods; the issuer and symbol follow Decree 30 (the period
    and date wording is tests/test_vnformat.py)."""
    q4 = period_of("2025-Q4")
    assert q4 is not None and (q4.start, q4.end) == (D(2025, 10, 1), D(2025, 12, 31))
    assert issuer_lines("Ủy ban nhân dân xã Lộc Tấn") == ["ỦY BAN NHÂN DÂN", "XÃ LỘC TẤN"]
    assert issuer_lines("UBND tỉnh Đồng Nai") == ["ỦY BAN NHÂN DÂN", "TỈNH ĐỒNG NAI"]
    assert document_symbol("UBND xã Demo") == "BC-UBND"
    assert document_symbol("Sở Khoa học và Công nghệ") == "BC-SKHCN"
