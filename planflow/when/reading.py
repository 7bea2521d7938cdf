"""Whether a time wording was understood in full, for the importer.

:func:`planflow.when.parse_when` reads what it recognises and lets the rest go: a
definition's author wrote the words and sees them. A document's words were written by
someone else, so before a date goes into a draft every word must have been read:

- words that carry meaning and that the parser skipped ("sau Tết", "nếu đủ kinh phí",
  a number it did not use) — the date it found may not be the deadline;
- dates or years written in the phrase that the result does not contain
  ("Quý II/2026, trước 30/10/2025");
- a year that is not written and would come from the plan (``year_from_plan``: the
  caller decides whether the plan's year is certain);
- an impossible date ("Quý VI/2026", "31/02") or a reversed range, which the parser
  refuses.

In all of these :func:`read_when` gives no date and says why (``doubt``); the phrase is
kept as written for a person to settle.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from planflow.errors import MissingYearError, TimeExpressionError
from planflow.when.model import (
    DayWhen,
    DeadlineWhen,
    EventWhen,
    MonthWhen,
    OngoingWhen,
    QuarterWhen,
    RecurringWhen,
    When,
    WindowWhen,
)
from planflow.when.parse import DATE, LONG_DATE, MONTH_YEAR, QUARTERS, UNTIL, clean, month_window, parse_when
from planflow.when.recurrence import FREQUENCY

# Words that say nothing beyond the time the parser read (the dates, cadences, quarters).
_TIME_WORDS = frozenset({
    "từ", "ngày", "đến", "tới", "hết", "tháng", "năm", "quý", "hàng", "hằng", "mỗi", "thường", "xuyên",
    "trước", "dự", "kiến", "đầu", "cuối", "giữa", "trong", "và", "định", "kỳ", "liên", "tục", "mùng",
    "chậm", "nhất", "vào", "của", "tuần", "cả", "thực", "hiện", "hoàn", "thành", "giai", "đoạn", "hạn",
    "đang", "trọng", "tâm", "cao", "điểm", "hoạt", "động", "lần", "đợt", "sáu", "nửa", "thời", "gian",
    "bắt",
})  # fmt: skip
_DURATION = re.compile(r"(?:trong|dự kiến|khoảng)\s+\d+\s*(?:ngày(?: làm việc)?|tuần)\b")
_HALF_YEAR = re.compile(r"\b(?:6|sáu) tháng (?:đầu|cuối) năm\b")
_ONWARD = re.compile(r"\b(?:các|những) năm tiếp theo\b|\btrở đi\b")
_ON_REQUEST = re.compile(
    r",?\s*\b(?:hoặc|và)\s+(?:đột xuất\s*)?(?:khi có yêu cầu|theo yêu cầu|khi cần|đột xuất)\b[^\d]*$"
)
_PURPOSE = re.compile(r"\bđể\b[^\d]*$")  # "trước ngày 31/3/2026 để tổng hợp, thẩm định"
_HALF = re.compile(r"\b6\s*tháng\b")
_MONTH = re.compile(r"tháng\s+\d{1,2}\b")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ACTION = re.compile(
    r"^[^\d(]*?(?=\b(?:từ|trước|chậm nhất|hạn|trong|ngày|tháng|quý|năm|giai đoạn|hằng|hàng|mỗi|định kỳ"
    r"|thường xuyên|đến)\b|\d)"
)
_CONDITION = re.compile(r"\b(?:sau|khi|nếu|tùy|trừ|hoặc|chờ|chưa|không|khoảng)\b")
_REPORT_TAIL = re.compile(r"\bbáo cáo\b[^\d]*$")


@dataclass(frozen=True)
class Reading:
    """A time wording and what was made of it: ``when`` only when every word was read."""

    text: str
    when: When | None
    doubt: str | None = None
    year_from_plan: bool = False


def read_when(text: str, year: int | None) -> Reading:
    """Read ``text`` in full, or give no date and say what a person must check."""
    original = text.strip()
    try:
        when = parse_when(original, year)
        try:
            alone: When | None = parse_when(original, None)
        except MissingYearError:
            alone = None
    except TimeExpressionError as exc:
        return Reading(original, None, str(exc))
    # the plan's year made a difference: "06/10 - 10/10", "Quý II", "thường xuyên trong năm"
    from_plan = alone is None or alone.model_copy(update={"text": None}) != when.model_copy(
        update={"text": None}
    )
    s = clean(original)
    unread = _unread(s, when)
    if unread:
        return Reading(original, None, f"“{original}”: chưa hiểu phần “{unread}”; ghi lại thời gian cho rõ")
    stray = _stray_dates(s, when)
    if stray:
        return Reading(
            original, None, f"“{original}”: mốc {stray} không khớp với thời gian đọc được; ghi lại cho rõ"
        )
    return Reading(original, when, None, from_plan)


def _unread(s: str, when: When) -> str:
    """The words of ``s`` that carry meaning beyond ``when``, joined; "" if none."""
    if isinstance(when, EventWhen):
        return ""  # the event's own words are its description
    if isinstance(when, OngoingWhen) and when.until:
        s = UNTIL.sub("", s)
    s = _DURATION.sub(" ", s)  # "trong 10 ngày (01/10 - 10/10/2025)": the dates say it
    # "Thành lập Tổ trước ngày 05/10/2025", "thực hiện thí điểm từ ngày 23/9/2025 …": the
    # action before the time is no part of it, unless it is a condition ("sau Tết, trước …")
    s = _ACTION.sub(lambda m: m.group(0) if _CONDITION.search(m.group(0)) else "", s, count=1)
    if isinstance(when, DayWhen | WindowWhen | DeadlineWhen | MonthWhen | QuarterWhen):
        s = _PURPOSE.sub("", s)
    if isinstance(when, WindowWhen):
        s = _HALF_YEAR.sub(" ", s)  # "6 tháng đầu năm 2026"
    if isinstance(when, OngoingWhen):
        s = _ONWARD.sub(" ", s)  # "năm 2025 và các năm tiếp theo", "từ năm 2026 trở đi"
    if isinstance(when, RecurringWhen):
        s = _ON_REQUEST.sub("", s)  # "hằng năm hoặc đột xuất theo yêu cầu": the dates stand
        s = _REPORT_TAIL.sub("", s)  # "định kỳ hằng quý báo cáo …": the duty, not its time
        if when.due.day is not None:  # the day the due rule uses: "ngày 15", "mùng 10", "trước 16"
            s = re.sub(rf"\b(?:ngày\s+)?(?:mùng\s+)?0?{when.due.day}\b(?!\s*/)", " ", s)
        s = FREQUENCY.sub("", s)
    if isinstance(when, QuarterWhen | WindowWhen):
        s = QUARTERS.sub(" ", s)
    if isinstance(when, MonthWhen | WindowWhen | OngoingWhen) or (
        isinstance(when, RecurringWhen) and any(d.day is None for d in when.on)
    ):
        s = _MONTH.sub(" ", s)  # "đầu tháng 11", "từ tháng 10/2025", "Tháng 12 hằng năm"
    if isinstance(when, RecurringWhen):
        s = _HALF.sub(" ", s)
    # written dates and years: _stray_dates checks they agree with ``when``
    for pattern in (LONG_DATE, DATE, MONTH_YEAR, _YEAR):
        s = pattern.sub(" ", s)
    words = re.findall(r"[^\W_]+", s)
    return " ".join(w for w in words if w not in _TIME_WORDS)


def _stray_dates(s: str, when: When) -> str:
    """Dates and years written in ``s`` that lie outside what ``when`` covers."""
    written = [*LONG_DATE.finditer(s), *DATE.finditer(s)]
    if isinstance(when, RecurringWhen) and not (when.start or when.end):
        # a repeating duty names no date of its own, except its fixed days of the year
        named = [m.group(0) for m in written if m.group(3) or not when.on]
        return ", ".join(named + _YEAR.findall(s))
    bounds = covered_days(when)
    if bounds is None:
        return ""
    first, last = bounds
    # each day the result is made of may be written once; any other date (a second deadline,
    # a second window, a repeated or reversed range, a typo) is stray
    unused = Counter((d.day, d.month) for d in _days_used(when))
    stray: list[str] = []
    for match in sorted(written, key=lambda m: m.start()):
        key = (int(match.group(1)), int(match.group(2)))
        if unused[key] > 0:
            unused[key] -= 1
        else:
            stray.append(match.group(0))
    for match in MONTH_YEAR.finditer(s):  # "tháng 10/2025": a real month that meets ``when``
        month, y = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or not (first <= _month_end(y, month) and dt.date(y, month, 1) <= last):
            stray.append(match.group(0))
    years = {int(y) for y in _YEAR.findall(s)}
    stray += [str(y) for y in sorted(years) if not first.year <= y <= last.year]
    return ", ".join(stray)


def covered_days(when: When) -> tuple[dt.date, dt.date] | None:
    """First and last day a dated ``when`` covers (open ends as date.min / date.max); None
    for one that repeats without bounds or waits for an event."""
    if isinstance(when, DayWhen):
        return when.date, when.date
    if isinstance(when, WindowWhen):
        return when.start, when.end
    if isinstance(when, DeadlineWhen):
        return dt.date.min, when.by
    if isinstance(when, MonthWhen):
        return month_window(when)
    if isinstance(when, QuarterWhen):
        last = month_window(MonthWhen(year=when.year, month=when.quarter * 3))[1]
        return dt.date(when.year, when.quarter * 3 - 2, 1), last
    if isinstance(when, OngoingWhen) and when.start is not None:
        return when.start, when.end or dt.date.max
    if isinstance(when, RecurringWhen) and (when.start or when.end):
        return when.start or dt.date.min, when.end or dt.date.max
    return None


def _days_used(when: When) -> list[dt.date]:
    """The written days a dated ``when`` is made of."""
    if isinstance(when, DayWhen):
        return [when.date]
    if isinstance(when, WindowWhen):
        return [when.start, when.end]
    if isinstance(when, DeadlineWhen | OngoingWhen):
        ends = [when.start, when.by] if isinstance(when, DeadlineWhen) else [when.start, when.end]
        return [d for d in ends if d is not None]
    return []


def _month_end(year: int, month: int) -> dt.date:
    return month_window(MonthWhen(year=year, month=month))[1]
