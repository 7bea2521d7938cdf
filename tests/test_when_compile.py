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

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

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
        # one fixed day of every year, from the day after the last one; "trước" (the default
        # day_before rule): due the day before, Sunday 29/11/2026 → Friday 27/11, Mon 29/11/2027
        ("trước ngày 30/11 hằng năm",
         {"2026-11-30": (D(2026, 1, 1), D(2026, 11, 27)), "2027-11-30": (D(2026, 12, 1), D(2027, 11, 29))}),
        # two fixed days of every year, due the working day before each: Sun 31/5/2026 → Fri
        # 29/5, Sat 14/11/2026 → Fri 13/11, Mon 31/5/2027, Sun 14/11/2027 → Fri 12/11
        ("trước ngày 01/6 và 15/11 hằng năm",
         {"2026-06-01": (D(2026, 1, 1), D(2026, 5, 29)), "2026-11-15": (D(2026, 6, 2), D(2026, 11, 13)),
          "2027-06-01": (D(2026, 11, 16), D(2027, 5, 31)), "2027-11-15": (D(2027, 6, 2), D(2027, 11, 12))}),
        # the whole of December of every year; 31/12/2027 is a Friday
        ("Tháng 12 hằng năm",
         {"2026-12": (D(2026, 12, 1), D(2026, 12, 31)), "2027-12": (D(2027, 12, 1), D(2027, 12, 31))}),
        # the written form, without "trước": due on the days themselves; 01/6/2026 is a Monday,
        # 15/11/2026 a Sunday → Monday 16/11
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


def test_monthly_fixed_day_is_due_the_day_before_each_month(tmp_path: Path) -> None:
    """ "trước ngày 15 hằng tháng" is due on the 14th of each month (the default day_before
    rule), moved back to the last working day before the 15th, never onto it."""
    due = _occurrences(tmp_path, "trước ngày 15 hằng tháng", ("2026-01-01", "2026-12-31"))
    assert len(due) == 12
    assert due["2026-01"] == (D(2026, 1, 1), D(2026, 1, 14))
    assert due["2026-02"] == (D(2026, 2, 1), D(2026, 2, 13))  # 14/02/2026 falls in Tết
    assert due["2026-03"] == (D(2026, 3, 1), D(2026, 3, 13))  # 14/03 is a Saturday


def test_monthly_fixed_day_shorthand(tmp_path: Path) -> None:
    """The written form {every: month, due: {day_of_month: 15}, before: true} compiles like the words."""
    written = _occurrences(
        tmp_path / "a",
        {"every": "month", "due": {"day_of_month": 15}, "before": True},
        ("2026-01-01", "2026-12-31"),
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
        # the default (day_before): "trước ngày X" is due by the day before X, Sunday 04/10 →
        # Friday 02/10
        ("trước ngày 05/10/2026", None, "once", D(2026, 10, 2)),
        # that_day, for an office that reads it so: due on X
        ("trước ngày 05/10/2026", "that_day", "once", D(2026, 10, 5)),
        # day_before: due Sunday 04/10, which moves back to Friday 02/10, never onto X
        ("trước ngày 05/10/2026", "day_before", "once", D(2026, 10, 2)),
        # "chậm nhất" includes the day whatever the rule
        ("chậm nhất ngày 05/10/2026", "day_before", "once", D(2026, 10, 5)),
        # a monthly fixed day: the 14th (a Wednesday in January 2026)
        ("trước ngày 15 hằng tháng", "day_before", "2026-01", D(2026, 1, 14)),
        # a yearly fixed day: Sunday 29/11 moves back to Friday 27/11
        ("trước ngày 30/11 hằng năm", "day_before", "2026-11-30", D(2026, 11, 27)),
        # that_day for the same: Monday 30/11
        ("trước ngày 30/11 hằng năm", "that_day", "2026-11-30", D(2026, 11, 30)),
    ],
)
def test_before_rule(tmp_path: Path, when: str, before: str | None, period: str, due: dt.date) -> None:
    """A plan's 'before' rule reads "trước ngày X" as due on X or on the working day before it."""
    assert _due_with_before(tmp_path, when, before)[period] == due
