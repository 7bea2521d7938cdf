"""Targets in a report: the cumulative value ("lũy kế") to the end of the data window, the
units that contributed it, and a verdict that never calls a target missed before its due date.

**Cumulative value.** Every figure recorded for a target's key up to the data cut-off counts:
the values of the task's occurrences and the figures in the units' inputs to the report.

- A *count* (people, events, files …: any unit that is not a ratio or a rate) adds up: the
  cumulative value is the sum of every figure, so units' inputs are consolidated by summing.
- A *ratio* (its unit contains "%") does not add up: the latest figure recorded stands.
- A *rate per period* ("tin/tháng", "lần/quý") is judged per period: the latest period's figure.

**Verdict at a date before the target's due date** (the last due date of its task, else the
end of the plan):

- reached already → "Đạt";
- a count with a yearly (or longer) horizon → its *share of the year*: the target times the
  elapsed part of the plan's period at the cut-off; reached → "Đúng tiến độ", else
  "Đang thực hiện"; ratios and rates → "Đang thực hiện";
- nothing recorded → "Chưa có số liệu".

"Chưa đạt" is said only once the due date has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from planflow import vnformat as vn

_RATE_UNITS = ("/tháng", "/quý", "/tuần")
_COMPARE = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "=": lambda a, b: a == b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
}


@dataclass(frozen=True)
class Figure:
    """One recorded figure for a target: who recorded it, when, how much."""

    source: str
    at: dt.datetime | dt.date | None
    value: Decimal


@dataclass(frozen=True)
class Contribution:
    unit: str
    value: str


@dataclass(frozen=True)
class TargetLine:
    """A target as a report shows it."""

    key: str
    task: str
    metric: str
    comparator: str
    required: str
    unit: str | None
    due: str | None
    cumulative: str | None
    expected: str | None
    verdict: str
    contributions: list[Contribution]
    review: str | None = None  # the open doubt of the task it belongs to (its due date …)

    @property
    def unit_suffix(self) -> str:
        """How the unit follows a figure: "80%", "150 người"."""
        if not self.unit:
            return ""
        return self.unit if self.unit.strip() == "%" else f" {self.unit}"


def kind_of(unit: str | None) -> str:
    """``ratio``, ``rate`` or ``count``: how a target's figures combine (module docstring)."""
    text = (unit or "").casefold()
    if "%" in text:
        return "ratio"
    if any(r in text for r in _RATE_UNITS):
        return "rate"
    return "count"


def cumulative(unit: str | None, figures: Sequence[Figure]) -> Decimal | None:
    """The value to the cut-off: the sum of a count's figures, else the latest figure."""
    if not figures:
        return None
    if kind_of(unit) == "count":
        return sum((f.value for f in figures), Decimal(0))
    return max(figures, key=_moment).value


def _moment(f: Figure) -> dt.datetime:
    if f.at is None:
        return dt.datetime.min
    if isinstance(f.at, dt.datetime):
        return f.at.replace(tzinfo=None)
    return dt.datetime.combine(f.at, dt.time())


def verdict(
    comparator: str,
    required: Decimal,
    unit: str | None,
    value: Decimal | None,
    *,
    due: dt.date,
    period: tuple[dt.date, dt.date],
    cutoff: dt.date,
) -> tuple[str, Decimal | None]:
    """(verdict, value expected by the cut-off when the share-of-the-year rule applies)."""
    if value is None:
        return "Chưa có số liệu", None
    reached = _COMPARE[comparator](value, required)
    if cutoff >= due:
        return ("Đạt" if reached else "Chưa đạt"), None
    if reached:
        return "Đạt", None
    if kind_of(unit) != "count" or comparator not in (">=", ">"):
        return "Đang thực hiện", None
    start, end = period
    elapsed = max((cutoff - start).days + 1, 0)
    share = Decimal(elapsed) / Decimal((end - start).days + 1)
    expected = (required * share).quantize(Decimal(1))
    return ("Đúng tiến độ" if value >= expected else "Đang thực hiện"), expected


def target_line(
    *,
    key: str,
    task: str,
    metric: str,
    comparator: str,
    required: Decimal,
    unit: str | None,
    figures: Iterable[Figure],
    due: dt.date,
    period: tuple[dt.date, dt.date],
    cutoff: dt.date,
    review: str | None = None,
) -> TargetLine:
    """A target's line from every figure recorded for it up to the cut-off."""
    kept = list(figures)
    value = cumulative(unit, kept)
    word, expected = verdict(comparator, required, unit, value, due=due, period=period, cutoff=cutoff)
    return TargetLine(
        key=key,
        task=task,
        metric=metric,
        comparator=vn.comparator(comparator),
        required=vn.number(required),
        unit=unit,
        due=vn.day(due),
        cumulative=None if value is None else vn.number(value),
        expected=None if expected is None else vn.number(expected),
        verdict=word,
        contributions=[Contribution(f.source, vn.number(f.value)) for f in kept if f.source],
        review=review,
    )
