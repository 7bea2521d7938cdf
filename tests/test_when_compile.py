"""The occurrences the compiler makes of fixed days, quarter ranges, years and periods."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from planflow.compiler import compile_plan
from planflow.errors import DefinitionError
from planflow.loader import load_definitions
from planflow.units import UnitIndex
from tests.factories import demo_plan, write_definitions

D = dt.date


def _occurrences(tmp_path: Path, when: Any, period: tuple[str, str] = ("2026-01-01", "2027-12-31")) -> dict:  # type: ignore[type-arg]
    plan = demo_plan(reports=[], period={"start": period[0], "end": period[1]})
    plan["tasks"] = [{"id": "x", "title": "X", "lead": ["vhxh"], "when": when}]
    defs = load_definitions(write_definitions(tmp_path / "defs", plan))
    loaded = defs.plan("demo-2026")
    compiled = compile_plan(loaded, UnitIndex(defs.directory_for(loaded)))
    return {o.period or "once": (o.start, o.due) for o in compiled.occurrences}


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        # one fixed day of every year: due that day, from the day after the last one
        ("trước ngày 30/11 hằng năm",
         {"2026-11-30": (D(2026, 1, 1), D(2026, 11, 30)), "2027-11-30": (D(2026, 12, 1), D(2027, 11, 30))}),
        # two fixed days of every year; 01/6/2026 is a Monday, 15/11/2026 a Sunday → Monday 16/11
        ("trước ngày 01/6 và 15/11 hằng năm",
         {"2026-06-01": (D(2026, 1, 1), D(2026, 6, 1)), "2026-11-15": (D(2026, 6, 2), D(2026, 11, 16)),
          "2027-06-01": (D(2026, 11, 16), D(2027, 6, 1)), "2027-11-15": (D(2027, 6, 2), D(2027, 11, 15))}),
        # the whole of December of every year; 31/12/2027 is a Friday
        ("Tháng 12 hằng năm",
         {"2026-12": (D(2026, 12, 1), D(2026, 12, 31)), "2027-12": (D(2027, 12, 1), D(2027, 12, 31))}),
        # the written form of the same
        ({"every": "year", "on": ["01/06", "15/11"]},
         {"2026-06-01": (D(2026, 1, 1), D(2026, 6, 1)), "2026-11-15": (D(2026, 6, 2), D(2026, 11, 16)),
          "2027-06-01": (D(2026, 11, 16), D(2027, 6, 1)), "2027-11-15": (D(2027, 6, 2), D(2027, 11, 15))}),
        # the written form of a whole month of every year
        ({"every": "year", "on": [12]},
         {"2026-12": (D(2026, 12, 1), D(2026, 12, 31)), "2027-12": (D(2027, 12, 1), D(2027, 12, 31))}),
        # a quarter range: due on the last quarter's last day
        ("Quý IV/2026 - Quý II/2027", {"once": (D(2026, 10, 1), D(2027, 6, 30))}),
        # a bare year: due 31/12 (a Thursday in 2026)
        ("2026", {"once": (D(2026, 1, 1), D(2026, 12, 31))}),
        # a period of years: due 31/12 of the last one
        ("giai đoạn 2026-2027", {"once": (D(2026, 1, 1), D(2027, 12, 31))}),
    ],
)  # fmt: skip
def test_fixed_days_and_periods_compile(tmp_path: Path, when: Any, expected: dict) -> None:  # type: ignore[type-arg]
    """Yearly fixed days give one occurrence per day and year; ranges and years one, due at their end."""
    assert _occurrences(tmp_path, when) == expected


def test_monthly_fixed_day_is_due_that_day_of_each_month(tmp_path: Path) -> None:
    """ "trước ngày 15 hằng tháng" is due on the 15th of each month, moved past days off."""
    due = _occurrences(tmp_path, "trước ngày 15 hằng tháng", ("2026-01-01", "2026-12-31"))
    assert len(due) == 12
    assert due["2026-01"] == (D(2026, 1, 1), D(2026, 1, 15))
    assert due["2026-02"] == (D(2026, 2, 1), D(2026, 2, 23))  # 15/02/2026 falls in Tết
    assert due["2026-03"] == (D(2026, 3, 1), D(2026, 3, 16))  # a Sunday


def test_monthly_fixed_day_shorthand(tmp_path: Path) -> None:
    """The written form {every: month, due: {day_of_month: 15}} compiles like the words."""
    written = _occurrences(
        tmp_path / "a", {"every": "month", "due": {"day_of_month": 15}}, ("2026-01-01", "2026-12-31")
    )
    words = _occurrences(tmp_path / "b", "trước ngày 15 hằng tháng", ("2026-01-01", "2026-12-31"))
    assert written == words


def test_yearly_day_shorthand_refuses_a_day_that_does_not_exist(tmp_path: Path) -> None:
    """A yearly day written by hand that no year has is refused with its file position."""
    with pytest.raises(DefinitionError) as info:
        _occurrences(tmp_path, {"every": "year", "on": ["31/11"]})
    assert "ngày 31/11 không tồn tại" in str(info.value)


def _due_with_before(tmp_path: Path, when: str, before: str | None) -> dict:  # type: ignore[type-arg]
    plan = demo_plan(reports=[], period={"start": "2026-01-01", "end": "2026-12-31"})
    if before is not None:
        plan["before"] = before
    plan["tasks"] = [{"id": "x", "title": "X", "lead": ["vhxh"], "when": when}]
    defs = load_definitions(write_definitions(tmp_path / "defs", plan))
    loaded = defs.plan("demo-2026")
    return {
        o.period or "once": o.due
        for o in compile_plan(loaded, UnitIndex(defs.directory_for(loaded))).occurrences
    }


@pytest.mark.parametrize(
    ("when", "before", "period", "due"),
    [
        # the default: "trước ngày X" is due on X
        ("trước ngày 05/10/2026", None, "once", D(2026, 10, 5)),
        # day_before: due Sunday 04/10, which moves back to Friday 02/10, never onto X
        ("trước ngày 05/10/2026", "day_before", "once", D(2026, 10, 2)),
        # "chậm nhất" includes the day whatever the rule
        ("chậm nhất ngày 05/10/2026", "day_before", "once", D(2026, 10, 5)),
        # a monthly fixed day: the 14th (a Wednesday in January 2026)
        ("trước ngày 15 hằng tháng", "day_before", "2026-01", D(2026, 1, 14)),
        # a yearly fixed day: Sunday 29/11 moves back to Friday 27/11
        ("trước ngày 30/11 hằng năm", "day_before", "2026-11-30", D(2026, 11, 27)),
        # the default for the same: Monday 30/11
        ("trước ngày 30/11 hằng năm", "that_day", "2026-11-30", D(2026, 11, 30)),
    ],
)
def test_before_rule(tmp_path: Path, when: str, before: str | None, period: str, due: dt.date) -> None:
    """A plan's 'before' rule reads "trước ngày X" as due on X or on the working day before it."""
    assert _due_with_before(tmp_path, when, before)[period] == due
