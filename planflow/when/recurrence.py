"""Repeating time wordings: cadences ("Hàng quý", "định kỳ hàng quý, 6 tháng, năm"),
counts ("≥ 2 tin/tháng"), a fixed day of every month ("trước ngày 15 hằng tháng") and
fixed days of every year ("trước ngày 01/6 và 15/11 hằng năm", "Tháng 12 hằng năm").

Works on text already normalized by :mod:`planflow.when.parse`.
"""

from __future__ import annotations

import re

from planflow.errors import TimeExpressionError
from planflow.when.model import Cadence, DueAnchor, DueRule, Frequency, RecurringWhen, YearDay

_EVERY = r"(?:hàng|hằng|mỗi)"
FREQUENCY = re.compile(
    r"(?:(≥|>=|>|tối thiểu|ít nhất)\s*)?(\d+)\s*(?:-\s*(\d+)\s*)?([^\d\s/]+(?:\s[^\d\s/]+)?)\s*/\s*"
    r"(tháng|quý|năm)"
)
# "chậm nhất vào ngày mùng 10 của tháng": a day of the month after the period
DUE_DAY = re.compile(r"(?:ngày|mùng)\s+(?:mùng\s+)?(\d{1,2})\s+(?:của\s+)?tháng\b(?!\s*\d)")
# "trước ngày 15 hằng tháng", "chậm nhất ngày 20 hàng tháng": that day of each month
MONTHLY_DAY = re.compile(rf"(?:ngày|mùng)\s+(?:mùng\s+)?(\d{{1,2}})\s+{_EVERY}\s+tháng\b")
# "hằng tháng, trước ngày 16": a day with no month, after a monthly cadence
_DAY_AFTER_MONTHLY = re.compile(
    rf"{_EVERY}\s+tháng\b[^\d]*?\b(?:trước|chậm nhất|vào|hạn)\s+(?:ngày\s+)?(?:mùng\s+)?(\d{{1,2}})\b(?!\s*/)"
    r"(?!\s+(?:của\s+)?tháng)"
)
_BEFORE_DAY = re.compile(r"\btrước\s+(?:ngày\s+)?(?:mùng\s+)?\d")  # "trước ngày 15", not "chậm nhất"
_RANGE = re.compile(r"\d\s*(?:-|đến|tới)\s*(?:ngày\s+)?\d")
_YEARLY = re.compile(rf"{_EVERY}\s+năm\b")
_DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])(?!\s*/)")
_LONG_DAY_MONTH = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\b(?!\s+năm)")
_WHOLE_MONTH = re.compile(r"(?<!\d\s)tháng\s+(\d{1,2})\b(?!\s*/)")
_OTHER_CADENCE = re.compile(rf"{_EVERY}\s+(?:tháng|quý)|(?<!\d)6\s*tháng|sáu tháng|\d{{4}}")


def yearly(s: str, original: str) -> RecurringWhen | None:
    """Fixed days of every year: days written without a year beside "hằng năm" ("01/6 và
    15/11"; a range of days, "15/12 - 15/01 hằng năm", is not one)."""
    if not _YEARLY.search(s) or _OTHER_CADENCE.search(s) or _RANGE.search(s):
        return None
    days = [(int(m.group(1)), int(m.group(2))) for m in _DAY_MONTH.finditer(s)]
    days += [(int(m.group(1)), int(m.group(2))) for m in _LONG_DAY_MONTH.finditer(s)]
    on: list[YearDay] = []
    for day, month in days:
        on.append(_year_day(month, day, original))
    if not days:
        on = [_year_day(int(m.group(1)), None, original) for m in _WHOLE_MONTH.finditer(s)]
    if not on:
        return None
    return RecurringWhen(
        every=(Cadence.YEAR,), on=tuple(dict.fromkeys(on)), before=bool(_BEFORE_DAY.search(s))
    )


def _year_day(month: int, day: int | None, original: str) -> YearDay:
    try:
        return YearDay(month=month, day=day)
    except ValueError:
        shown = f"ngày {day:02d}/{month:02d}" if day is not None else f"tháng {month}"
        raise TimeExpressionError(f"'{original}': {shown} không tồn tại") from None


def recurring(s: str, original: str) -> RecurringWhen | None:
    """A cadence, with its due rule and count, or None when ``s`` names none."""
    every: list[Cadence] = []
    times: Frequency | None = None
    freq = FREQUENCY.search(s)
    if freq:
        minimum = int(freq.group(2))
        maximum = int(freq.group(3)) if freq.group(3) else None
        if freq.group(1) is None and maximum is None:
            maximum = minimum
        times = Frequency(min=minimum, max=maximum, unit=freq.group(4).strip())
        every.append({"tháng": Cadence.MONTH, "quý": Cadence.QUARTER, "năm": Cadence.YEAR}[freq.group(5)])
    periodic = re.search(rf"(?:{_EVERY}|định kỳ)\s+(.*)$", s)
    if periodic:
        every += _cadences(periodic.group(1))
    if not every and "tuần cuối" in s and "quý" in s:
        every.append(Cadence.QUARTER)  # "vào tuần cuối của tháng cuối trong quý"
    if not every and DUE_DAY.search(s) and not re.search(r"\d\s*/\s*\d", s):
        every.append(Cadence.MONTH)  # "chậm nhất vào ngày mùng 10 của tháng"
    if not every:
        return None
    order = list(Cadence)
    cadences = tuple(sorted(set(every), key=order.index))
    due = _due_rule(s, cadences, original)
    return RecurringWhen(
        every=cadences, due=due, times=times, before=due.day is not None and bool(_BEFORE_DAY.search(s))
    )


def _cadences(rest: str) -> list[Cadence]:
    every: list[Cadence] = []
    rest = re.sub(r"\(.*?\)|tháng cuối|của tháng|trong quý|trong năm", "", rest)
    if re.search(r"\b6 tháng\b|sáu tháng|nửa năm", rest):
        every.append(Cadence.HALF)
        rest = re.sub(r"6 tháng|sáu tháng|nửa năm", "", rest)
    for word, cadence in (("tháng", Cadence.MONTH), ("quý", Cadence.QUARTER)):
        if re.search(rf"\b{word}\b", rest):
            every.append(cadence)
    if re.search(r"\b(?:năm|cuối năm)\b", rest) and not re.search(r"trong năm", rest):
        every.append(Cadence.YEAR)
    return every


def _due_rule(s: str, cadences: tuple[Cadence, ...], original: str) -> DueRule:
    if "tuần cuối" in s:
        return DueRule(anchor=DueAnchor.LAST_WEEK)
    monthly = MONTHLY_DAY.search(s) or _DAY_AFTER_MONTHLY.search(s)
    if monthly and cadences == (Cadence.MONTH,):
        return DueRule(anchor=DueAnchor.LAST_MONTH_DAY, day=_day_of_month(monthly.group(1), original))
    day = DUE_DAY.search(s)
    if day:
        anchor = DueAnchor.LAST_MONTH_DAY if "tháng cuối" in s else DueAnchor.NEXT_MONTH_DAY
        return DueRule(anchor=anchor, day=_day_of_month(day.group(1), original))
    return DueRule()


def _day_of_month(text: str, original: str) -> int:
    day = int(text)
    if not 1 <= day <= 31:
        raise TimeExpressionError(f"'{original}': ngày {day} không tồn tại trong tháng")
    return day
