"""Working days know Vietnamese weekends, holidays (Tết) and swapped Saturdays."""

from __future__ import annotations

import datetime as dt

import pytest

from planflow.workdays import DayOffRule, WorkCalendar

pytestmark = pytest.mark.quick  # in `make quick` (CONTRIBUTING.md)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 17), False),  # Tết Nguyên Đán 2026
        (D(2026, 2, 23), True),  # first working day after Tết 2026
        (D(2025, 4, 26), True),  # Saturday made a working day (swap for 02/05/2025)
        (D(2025, 9, 2), False),  # National Day
        (D(2025, 10, 11), False),  # a plain Saturday
    ],
)
def test_working_days(day: dt.date, working: bool) -> None:
    """Holidays and weekends are days off; announced swapped Saturdays are working days."""
    assert WorkCalendar().is_working_day(day) is working


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (DayOffRule.NEXT, D(2026, 2, 23)),  # Civil Code Art. 148(5): the next working day
        (DayOffRule.PREVIOUS, D(2026, 2, 13)),
        (DayOffRule.KEEP, D(2026, 2, 17)),
    ],
)
def test_due_on_tet_moves_by_rule(rule: DayOffRule, expected: dt.date) -> None:
    """A due date on Tết moves by the configured day-off rule."""
    assert WorkCalendar().adjust(D(2026, 2, 17), rule) == expected


def test_add_working_days_skips_tet() -> None:
    """Five working days after 13/02/2026 skip the whole Tết week."""
    assert WorkCalendar().add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert WorkCalendar().add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)


def test_plan_days_off_and_extra_working_days() -> None:
    """A plan's own days off and working days override the national calendar."""
    cal = WorkCalendar(frozenset({D(2026, 3, 2)}), frozenset({D(2026, 3, 7)}))
    assert not cal.is_working_day(D(2026, 3, 2))
    assert cal.is_working_day(D(2026, 3, 7))


def test_vietnam_alone_is_the_package_calendar() -> None:
    """The calendar of Vietnam loaded alone gives the working days the package's own
    ``country_holidays("VN")`` gives, day by day over three years."""
    import holidays

    from planflow.workdays import _vietnam_only

    alone = _vietnam_only()(language="vi")
    package = holidays.country_holidays("VN", language="vi")
    days = [D(2025, 1, 1) + dt.timedelta(days=n) for n in range(3 * 366)]
    assert [alone.is_working_day(d) for d in days] == [package.is_working_day(d) for d in days]
