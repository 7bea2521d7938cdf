"""The target rule of planflow/reports/targets.py: cumulative values and verdicts by date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from planflow.reports.targets import Figure, cumulative, target_line, verdict

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
END = dt.date(2026, 12, 31)


def _figures(*values: int) -> list[Figure]:
    return [Figure(f"Đơn vị {i}", dt.date(2026, 3, i + 1), Decimal(v)) for i, v in enumerate(values)]


def test_counts_add_up_and_ratios_keep_the_latest() -> None:
    """People add up across units; a percentage is the latest figure, not a sum."""
    assert cumulative("người", _figures(1200, 850)) == Decimal(2050)
    assert cumulative("%", _figures(55, 62)) == Decimal(62)
    assert cumulative("tin/tháng", _figures(3, 1)) == Decimal(1)
    assert cumulative("người", []) is None


# (value, cut-off, expected verdict, expected share): 500 a year, by comparator ≥.
@pytest.mark.parametrize(
    ("value", "cutoff", "expected"),
    [
        (155, dt.date(2026, 3, 14), ("Đúng tiến độ", Decimal(100))),  # 73/365 of 500 = 100
        (80, dt.date(2026, 3, 14), ("Đang thực hiện", Decimal(100))),  # behind, but not missed
        (520, dt.date(2026, 3, 14), ("Đạt", None)),  # reached early
        (480, dt.date(2026, 12, 31), ("Chưa đạt", None)),  # at the due date, short: missed
        (None, dt.date(2026, 3, 14), ("Chưa có số liệu", None)),
    ],
)  # fmt: skip
def test_an_annual_count_is_judged_by_its_share_of_the_year(
    value: int | None, cutoff: dt.date, expected: tuple[str, Decimal | None]
) -> None:
    """Before the due date a yearly count is on track or in progress, never missed."""
    measured = None if value is None else Decimal(value)
    assert verdict(">=", Decimal(500), "lượt/năm", measured, due=END, period=YEAR, cutoff=cutoff) == expected


def test_a_ratio_before_its_due_date_is_in_progress() -> None:
    """80% of adults with VNeID, 62% in March: in progress, with no share of the year."""
    line = target_line(key="vneid", task="", metric="Tỷ lệ có VNeID", comparator=">=", required=Decimal(80),
                       unit="%", figures=_figures(62), due=END, period=YEAR, cutoff=dt.date(2026, 3, 14))  # fmt: skip
    assert (line.comparator, line.required, line.cumulative, line.verdict) == (
        "≥",
        "80",
        "62",
        "Đang thực hiện",
    )


def test_figures_print_with_vietnamese_separators() -> None:
    """1.200 + 850 prints as 2.050 and the target as 1.000, each unit's share listed."""
    line = target_line(key="k", task="", metric="Số người", comparator=">=", required=Decimal(1000),
                       unit="người", figures=_figures(1200, 850), due=END, period=YEAR,
                       cutoff=dt.date(2026, 3, 14))  # fmt: skip
    assert (line.required, line.cumulative, line.verdict) == ("1.000", "2.050", "Đạt")
    assert [(c.unit, c.value) for c in line.contributions] == [("Đơn vị 0", "1.200"), ("Đơn vị 1", "850")]
