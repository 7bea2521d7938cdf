"""Calendar periods (months, quarters, halves, years) and the due dates of recurring items."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from planflow.when import Cadence, DueAnchor, DueRule, YearDay
from planflow.workdays import DayOffRule, WorkCalendar

_MONTHS = {Cadence.MONTH: 1, Cadence.QUARTER: 3, Cadence.HALF: 6, Cadence.YEAR: 12}


@dataclass(frozen=True, order=True)
class Period:
    """One calendar period; ``label`` is its stable name in occurrence keys."""

    start: dt.date
    end: dt.date
    cadence: Cadence
    label: str


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_containing(day: dt.date, cadence: Cadence) -> Period:
    size = _MONTHS[cadence]
    first_month = (day.month - 1) // size * size + 1
    last_month = first_month + size - 1
    start = dt.date(day.year, first_month, 1)
    end = _last_day(day.year, last_month)
    index = (first_month - 1) // size + 1
    label = {
        Cadence.MONTH: f"{day.year}-{first_month:02d}",
        Cadence.QUARTER: f"{day.year}-Q{index}",
        Cadence.HALF: f"{day.year}-H{index}",
        Cadence.YEAR: f"{day.year}",
    }[cadence]
    return Period(start, end, cadence, label)


def periods_between(start: dt.date, end: dt.date, cadence: Cadence) -> list[Period]:
    """Every period of ``cadence`` that overlaps [start, end]."""
    out: list[Period] = []
    current = period_containing(start, cadence)
    while current.start <= end:
        out.append(current)
        current = period_containing(current.end + dt.timedelta(days=1), cadence)
    return out


def series(start: dt.date, end: dt.date, cadences: tuple[Cadence, ...]) -> list[Period]:
    """Periods of all cadences; a longer period supersedes a shorter one ending the same day
    (with quarter + half + year: Q1, H1, Q3, year)."""
    return list(_series(start, end, cadences))


@lru_cache(maxsize=1024)
def _series(start: dt.date, end: dt.date, cadences: tuple[Cadence, ...]) -> tuple[Period, ...]:
    """``series``, remembered: thousands of plans share a few plan years and cadences."""
    chosen: dict[dt.date, Period] = {}
    for cadence in sorted(cadences, key=lambda c: _MONTHS[c]):
        for period in periods_between(start, end, cadence):
            chosen[period.end] = period
    return tuple(sorted(chosen.values(), key=lambda p: (p.end, p.start)))


def yearly_periods(start: dt.date, end: dt.date, on: tuple[YearDay, ...]) -> list[Period]:
    """One period per fixed day of every year in [start, end] ("trước ngày 01/6 và 15/11
    hằng năm"): each ends on its day and begins the day after the previous one (the first
    at ``start``); a whole month ("Tháng 12 hằng năm") is its own period. Labels name the
    day ("2026-06-01") or the month ("2026-12")."""
    out: list[Period] = []
    previous = start - dt.timedelta(days=1)
    for year in range(start.year, end.year + 1):
        for day in sorted(on, key=lambda d: (d.month, d.day or 31)):
            if day.day is None:
                first, last = dt.date(year, day.month, 1), _last_day(year, day.month)
                label = f"{year}-{day.month:02d}"
            else:
                last = _clamped(year, day.month, day.day)
                first, label = previous + dt.timedelta(days=1), last.isoformat()
            if start <= last <= end:
                out.append(Period(max(first, start), last, Cadence.YEAR, label))
            previous = max(previous, last)
    return out


def due_window(
    period: Period, rule: DueRule, cal: WorkCalendar, day_off: DayOffRule
) -> tuple[dt.date, dt.date]:
    """The (start, due) of one period's duty under ``rule``.

    The start is the period start, except for ``last_week`` where it is the first day of
    that week. The due date then moves by ``day_off`` when it falls on a day off.
    """
    start = period.start
    if rule.anchor is DueAnchor.PERIOD_END:
        due = period.end
    elif rule.anchor is DueAnchor.LAST_WEEK:
        due = period.end
        start = due - dt.timedelta(days=6)
    elif rule.anchor is DueAnchor.LAST_MONTH_DAY:
        due = _clamped(period.end.year, period.end.month, rule.day or 1)
    else:
        following = period.end + dt.timedelta(days=1)
        due = _clamped(following.year, following.month, rule.day or 1)
    if rule.offset:
        due = (
            cal.add_working_days(due, rule.offset)
            if rule.working_days
            else due + dt.timedelta(days=rule.offset)
        )
    return start, cal.adjust(due, day_off)


def _clamped(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def data_window(period: Period, cutoff: str) -> tuple[dt.date, dt.date]:
    """The days whose data a report for ``period`` covers.

    ``decree09`` (Decree 09/2019 Art. 12): from the 15th of the month before the period's
    first month to the 14th of its last month — October 2025 covers 15/09–14/10/2025,
    Q1/2026 covers 15/12/2025–14/03/2026, the year 2025 covers 15/12/2024–14/12/2025.
    ``calendar``: the period itself. (``plan``, from the plan's start, is the caller's.)
    """
    if cutoff != "decree09":
        return period.start, period.end
    before = period.start - dt.timedelta(days=1)
    return dt.date(before.year, before.month, 15), dt.date(period.end.year, period.end.month, 14)
