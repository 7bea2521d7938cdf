"""Spans of time the parser reads as a whole: quarters and their ranges, ranges of months,
half years, years and periods of years ("Quý IV/2025 - Quý II/2026", "tháng 10 - 12/2025",
"6 tháng đầu năm 2026", "2025", "giai đoạn 2026-2030"), and the checks every date passes
(a year between 1900 and 2200, a month that exists, a range that does not end before it
starts). Works on text already cleaned by :func:`planflow.when.parse.clean`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from planflow import vnformat as vn
from planflow.errors import MissingYearError, TimeExpressionError
from planflow.when.model import MonthPart, MonthWhen, OngoingWhen, QuarterWhen, When, WindowWhen

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NUMERAL = r"(?:[ivxlc]+|\d)\b(?!\s*/\s*\d{1,2}\b)"

MONTHS = re.compile(
    r"(?:từ\s+)?tháng\s+(\d{1,2})(?:/(\d{4}))?\s*(?:-|đến|tới)\s*(?:hết\s+)?(?:tháng\s+)?(\d{1,2})/(\d{4})"
)
_HALF_YEAR = re.compile(r"^(?:6|sáu) tháng (đầu|cuối) năm (\d{4})$")
_YEAR_ON = re.compile(r"^(?:từ năm (\d{4})(?: trở đi)?|năm (\d{4}),? và (?:các|những) năm tiếp theo)$")
_IN_YEAR = re.compile(r"^(?:thực hiện\s+)?trong\s+năm\s+(\d{4})$")
_YEAR = re.compile(r"^(?:năm\s+)?(\d{4})$")
_YEARS = re.compile(
    r"^(?:(?:trong\s+)?giai đoạn\s+|năm\s+|từ\s+năm\s+|từ\s+)?(\d{4})\s*(?:-|đến|tới)\s*(?:năm\s+)?(\d{4})$"
)
QUARTERS = re.compile(
    rf"quý\s+(?P<list>{_NUMERAL}(?:\s*(?:,|và|-|đến|tới)\s*(?:quý\s+)?{_NUMERAL})*)"
    r"(?:\s*[/-]\s*(?P<y1>\d{4})|\s+(?:năm\s+)?(?P<y2>\d{4}))?"
)


def quarters(s: str, year: int | None, original: str) -> When | None:
    """ "Quý II/2026", "Quý I, II/2026", "Quý IV/2025 - Quý II/2026"; a quarter without a year
    takes the next one's, else the plan's."""
    found: list[tuple[int, int | None]] = []
    for match in QUARTERS.finditer(s):
        written = match.group("y1") or match.group("y2")
        tokens = re.findall(r"[ivxlc]+|\d", re.sub(r"quý|và|đến|tới", " ", match.group("list")))
        found += [(_quarter_number(t, original), None) for t in tokens[:-1]]
        last = checked_year(written, original) if written else None
        found.append((_quarter_number(tokens[-1], original), last))
    if not found:
        return None
    resolved: list[tuple[int, int]] = []
    next_year = year
    for number, y in reversed(found):
        next_year = y if y is not None else next_year
        resolved.append((number, need_year(next_year, original)))
    resolved.reverse()
    if len(resolved) == 1:
        number, y = resolved[0]
        return QuarterWhen(year=y, quarter=number)
    (first_q, first_y), (last_q, last_y) = resolved[0], resolved[-1]
    last_month = month_window(MonthWhen(year=last_y, month=last_q * 3))[1]
    return window(dt.date(first_y, first_q * 3 - 2, 1), last_month, original)


def _quarter_number(token: str, original: str) -> int:
    number = int(token) if token.isdigit() else _ROMAN.get(token)
    if number is None or not 1 <= number <= 4:
        raise TimeExpressionError(
            f"'{original}': quý {token.upper()} không tồn tại, một năm chỉ có quý I, II, III, IV"
        )
    return number


def months_range(match: re.Match[str], original: str) -> WindowWhen:
    """ "tháng 10 - 12/2025", "từ tháng 11/2025 đến tháng 02/2026": first to last month."""
    first_month, last_month = month_number(match.group(1), original), month_number(match.group(3), original)
    last_year = checked_year(match.group(4), original)
    written = match.group(2)
    # across New Year ("tháng 11 - 02/2026") when it spans half a year at most; else reversed
    across = first_month > last_month and 12 - first_month + last_month + 1 <= 6
    first_year = checked_year(written, original) if written else last_year - across
    first = MonthWhen(year=first_year, month=first_month)
    last = MonthWhen(year=last_year, month=last_month)
    return window(month_window(first)[0], month_window(last)[1], original)


def years_span(s: str, original: str) -> When | None:
    """ "trong năm 2025" (open-ended within it), "2025" (due 31/12), "2026 - 2030",
    "6 tháng đầu năm 2026", "từ năm 2026", "năm 2025 và các năm tiếp theo"."""
    half = _HALF_YEAR.match(s)
    if half:
        y = checked_year(half.group(2), original)
        if half.group(1) == "đầu":
            return WindowWhen(start=dt.date(y, 1, 1), end=dt.date(y, 6, 30))
        return WindowWhen(start=dt.date(y, 7, 1), end=dt.date(y, 12, 31))
    onward = _YEAR_ON.match(s)
    if onward:
        return OngoingWhen(start=dt.date(checked_year(onward.group(1) or onward.group(2), original), 1, 1))
    within = _IN_YEAR.match(s)
    if within:
        y = checked_year(within.group(1), original)
        return OngoingWhen(start=dt.date(y, 1, 1), end=dt.date(y, 12, 31))
    single = _YEAR.match(s)
    if single:
        y = checked_year(single.group(1), original)
        return WindowWhen(start=dt.date(y, 1, 1), end=dt.date(y, 12, 31))
    span = _YEARS.match(s)
    if span:
        first, last = checked_year(span.group(1), original), checked_year(span.group(2), original)
        return window(dt.date(first, 1, 1), dt.date(last, 12, 31), original)
    return None


def checked_year(text: str, original: str) -> int:
    """A written year, refused outside 1900–2200 (a typo such as "1025" or "20255")."""
    value = int(text)
    if not 1900 <= value <= 2200:
        raise TimeExpressionError(f"'{original}': năm {value} không hợp lệ")
    return value


def month_number(text: str, original: str) -> int:
    """A written month, refused unless 1–12."""
    month = int(text)
    if not 1 <= month <= 12:
        raise TimeExpressionError(f"'{original}': tháng {month} không tồn tại")
    return month


def window(start: dt.date, end: dt.date, original: str) -> WindowWhen:
    """A window, refused with the document's words when it ends before it starts."""
    if end < start:
        raise TimeExpressionError(
            f"'{original}': khoảng thời gian kết thúc ({vn.day(end)}) trước khi bắt đầu "
            f"({vn.day(start)}); kiểm tra lại ngày"
        )
    return WindowWhen(start=start, end=end)


def month_window(month: MonthWhen) -> tuple[dt.date, dt.date]:
    """First and last day of the (part of the) month: "đầu tháng" is 1–10, "giữa" 11–20."""
    last = calendar.monthrange(month.year, month.month)[1]
    first_day, last_day = {
        MonthPart.WHOLE: (1, last),
        MonthPart.EARLY: (1, 10),
        MonthPart.MIDDLE: (11, 20),
        MonthPart.LATE: (21, last),
    }[month.part]
    return dt.date(month.year, month.month, first_day), dt.date(month.year, month.month, last_day)


def need_year(year: int | None, original: str) -> int:
    """The year to use, or MissingYearError: the importer tells a plan's year from a written one by it."""
    if year is None:
        raise MissingYearError(f"'{original}': thiếu năm; hãy ghi năm (vd. 08/10/2025) hoặc đặt kỳ kế hoạch")
    return year
