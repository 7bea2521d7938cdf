"""Working days in Vietnam: weekends, public holidays and the days a due date moves to.

Public holidays come from the ``holidays`` package (Tết, Hùng Kings, 30/4, 1/5, 2/9 and
the swapped days the government announces, including Saturdays that become working
days). A plan may add its own days off or working days on top.

When a due date falls on a day off it moves by the plan's ``day_off`` rule:

- ``next`` (default): to the next working day. This is Art. 148(5) of the Civil Code
  2015: when the last day of a period is a day off, the period ends at the end of the
  next working day.
- ``previous``: to the working day before, for plans that want the stricter reading.
- ``keep``: the date stays as written.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays


class DayOffRule(StrEnum):
    """Where a due date that falls on a day off moves to."""

    NEXT = "next"
    PREVIOUS = "previous"
    KEEP = "keep"


@lru_cache(maxsize=8)
def _vietnam_holidays() -> holidays.HolidayBase:
    # Imported when a date is first checked, not with the module: commands that only read
    # the store (``planflow status --no-sync``) start without it.
    return _vietnam_only()(language="vi")


def _vietnam_only() -> type[holidays.HolidayBase]:
    """The ``holidays`` package's calendar of Vietnam, its module loaded alone. Through the
    package (``country_holidays("VN")``, or ``import holidays.countries.vietnam``, whose
    package imports every country) a process imported all 250 country modules to answer
    for one: 0.09-0.16 CPU-s of each check, against 0.03 s (measured). Should the package
    be laid out otherwise, its own way is taken."""
    import holidays

    name = "holidays.countries.vietnam"
    loaded = sys.modules.get(name)
    if loaded is None and "holidays.countries" not in sys.modules:
        path = Path(holidays.__file__).parent / "countries" / "vietnam.py"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is not None and spec.loader is not None and path.is_file():
            loaded = importlib.util.module_from_spec(spec)
            sys.modules[name] = loaded
            try:
                spec.loader.exec_module(loaded)
            except (ImportError, AttributeError, OSError):  # another layout: the package's way
                del sys.modules[name]
                loaded = None
    found = getattr(loaded, "Vietnam", None)
    if isinstance(found, type) and issubclass(found, holidays.HolidayBase):
        return found
    return type(holidays.country_holidays("VN"))


@lru_cache(maxsize=4096)
def _public_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day under the national calendar (the ``holidays``
    package answers slowly, and every plan asks about the same few hundred days)."""
    return bool(_vietnam_holidays().is_working_day(day))


class WorkCalendar:
    """Answers "is this a working day" and moves dates by working days."""

    def __init__(
        self,
        extra_days_off: frozenset[dt.date] = frozenset(),
        extra_working_days: frozenset[dt.date] = frozenset(),
    ) -> None:
        self._extra_off = extra_days_off
        self._extra_on = extra_working_days
        # A check asks for the same few hundred (due date, offset) pairs a million times.
        self._moved: dict[tuple[dt.date, int], dt.date] = {}

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._extra_on:
            return True
        if day in self._extra_off:
            return False
        return _public_working_day(day)

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """Move ``count`` working days forward (or back when negative), not counting ``day``."""
        known = self._moved.get((day, count))
        if known is not None:
            return known
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        current = day
        while remaining:
            current += dt.timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        self._moved[(day, count)] = current
        return current

    def adjust(self, day: dt.date, rule: DayOffRule) -> dt.date:
        """Apply a day-off rule to a due date."""
        if rule is DayOffRule.KEEP or self.is_working_day(day):
            return day
        step = dt.timedelta(days=1 if rule is DayOffRule.NEXT else -1)
        current = day
        while not self.is_working_day(current):
            current += step
        return current


NATIONAL_ZONE = "Asia/Ho_Chi_Minh"


def local_day(as_of: dt.date | dt.datetime, zone: str = NATIONAL_ZONE) -> dt.date:
    """The calendar day of ``as_of`` in ``zone`` (a date is taken as it is)."""
    return as_of.astimezone(ZoneInfo(zone)).date() if isinstance(as_of, dt.datetime) else as_of


def is_day_off(as_of: dt.date | dt.datetime) -> bool:
    """True on a weekend or public holiday of the national calendar, unless it is a
    compensatory working day: what a daily schedule consults before working."""
    return not WorkCalendar().is_working_day(local_day(as_of))
