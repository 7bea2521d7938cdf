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
from planflow.when.parse import DATE, LONG_DATE, MONTH_YEAR, UNTIL, clean, parse_when
from planflow.when.recurrence import FREQUENCY
from planflow.when.spans import QUARTERS, month_window

# Words that say nothing beyond the time the parser read (the dates, cadences, quarters).
_TIME_WORDS = frozenset({
    "từ", "ngày", "đến", "tới", "hết", "tháng", "năm", "quý", "hàng", "hằng", "mỗi", "thường", "xuyên",
    "trước", "dự", "kiến", "đầu", "cuối", "giữa", "trong", "và", "định", "kỳ", "liên", "tục", "mùng",
    "chậm", "nhất", "vào", "của", "tuần", "cả", "thực", "hiện", "hoàn", "thành", "giai", "đoạn", "hạn",
    "đang", "trọng", "tâm", "cao", "điểm", "hoạt", "động", "lần", "đợt", "sáu", "nửa", "thời", "gian",
    "bắt",
})  # fmt: skip
# words that name a time by themselves: an action holding one is part of the time
_TIME_KEYS = frozenset({
    "quý", "tháng", "năm", "ngày", "tuần", "từ", "đến", "tới", "hằng", "hàng", "mỗi", "kỳ", "giai", "đoạn",
    "trước", "hạn", "thường", "xuyên", "đầu", "cuối", "giữa", "mùng", "chậm", "nhất", "hết",
})  # fmt: skip
_DURATION = re.compile(r"(?:trong|dự kiến|khoảng)\s+\d+\s*(?:ngày(?: làm việc)?|tuần)\b")
_HALF_YEAR = re.compile(r"(?:6|sáu) tháng (?:đầu|cuối) năm \d{4}")
_ONWARD = re.compile(r"\b(?:các|những) năm tiếp theo\b|\btrở đi\b")
_ON_REQUEST = re.compile(
    r",?\s*\b(?:hoặc|và)\s+(?:đột xuất\s*)?(?:khi có yêu cầu|theo yêu cầu|khi cần|đột xuất)"
    r"(?:\s+của\s+[^\W\d_][^\d,;]*)?\s*$"
)
_PURPOSE = re.compile(r"\bđể\b[^\d;]*$")  # "trước ngày 31/3/2026 để tổng hợp, thẩm định"
_HALF = re.compile(r"\b6\s*tháng\b")
_MONTH = re.compile(r"tháng\s+\d{1,2}\b")
_BARE_MONTH = re.compile(r"tháng\s+(\d{1,2})\b(?!\s*/)")  # "tháng 10" (not "tháng 10/2025")
Written = tuple[str, tuple[int, int | None]]  # as written, and its (day or month, month or year)
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# the action written before the time: words only, no joiner ("…, trước", "… và trước")
_ACTION = re.compile(
    r"^[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+)*? (?=(?:từ|trước|chậm nhất|hạn|trong|ngày|tháng|quý|năm|giai đoạn"
    r"|hằng|hàng|mỗi|định kỳ|thường xuyên|đến)\b)"
)
# words that change what a time means: a condition, an event, an estimate
_CONDITION = re.compile(
    r"\b(?:sau|khi|nếu|tùy|trừ|hoặc|chờ|chưa|không|khoảng|tết|lễ|ước|sớm|muộn|trễ|hiện hành|dự kiến)\b"
)
_DEADLINE_WORD = re.compile(r"\b(?:trước|chậm nhất|hạn)\b")  # not the start of an ongoing item
_REPORT_TAIL = re.compile(r"\bbáo cáo\b[^\d;]*$")


@dataclass(frozen=True)
class Reading:
    """A time wording and what was made of it: ``when`` only when every word was read."""

    text: str
    when: When | None
    doubt: str | None = None
    year_from_plan: bool = False
    partial: bool = False  # a time was read, but not every word: the text is a time to review


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
        doubt = f"“{original}”: chưa hiểu phần “{unread}”; ghi lại thời gian cho rõ"
        return Reading(original, None, doubt, partial=True)
    stray = _stray_dates(s, when)
    if stray:
        doubt = f"“{original}”: mốc {stray} không khớp với thời gian đọc được; ghi lại cho rõ"
        return Reading(original, None, doubt, partial=True)
    return Reading(original, when, None, from_plan)


def _unread(s: str, when: When) -> str:
    """The words of ``s`` that carry meaning beyond ``when``, joined; "" if none."""
    if isinstance(when, EventWhen):
        return ""  # the event's own words are its description
    if isinstance(when, OngoingWhen) and when.until:
        # "từ 23/9/2025 cho đến khi … nghiệm thu": the event that ends it, in words only
        until = UNTIL.search(s)
        event, head = (until.group(1), s[: until.start()]) if until else ("", "")
        if (
            until
            and not re.search(r"\d", event)
            and not _CONDITION.search(event)
            and not _DEADLINE_WORD.search(head)
        ):
            s = s[: until.start()]
    s = _DURATION.sub(" ", s)  # "trong 10 ngày (01/10 - 10/10/2025)": the dates say it
    # "Thành lập Tổ trước ngày 05/10/2025", "thực hiện thí điểm từ ngày 23/9/2025 …": the
    # action before the time is no part of it, unless it is a condition ("sau Tết, trước …")
    s = _ACTION.sub(_action, s, count=1)
    if isinstance(when, DayWhen | WindowWhen | DeadlineWhen | MonthWhen | QuarterWhen):
        s = _PURPOSE.sub(_unless_condition, s)
    if isinstance(when, WindowWhen) and _HALF_YEAR.fullmatch(s.strip()):
        s = ""  # "6 tháng đầu năm 2026", all of it
    if isinstance(when, OngoingWhen):
        s = _ONWARD.sub(" ", s)  # "năm 2025 và các năm tiếp theo", "từ năm 2026 trở đi"
    if isinstance(when, RecurringWhen):
        s = _ON_REQUEST.sub("", s)  # "hằng năm hoặc đột xuất theo yêu cầu": the dates stand
        s = _REPORT_TAIL.sub(_unless_condition, s)  # "định kỳ hằng quý báo cáo …": the duty
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


def _action(match: re.Match[str]) -> str:
    """Drop the action written before the time ("Thành lập Tổ"), unless it holds a condition
    or a time word of its own ("Quý V trước …", "Tết, trước …")."""
    words = match.group(0).split()
    if _CONDITION.search(match.group(0)) or any(w in _TIME_KEYS for w in words):
        return match.group(0)
    return " "


def _unless_condition(match: re.Match[str]) -> str:
    """Drop a matched piece of wording, unless it holds a word that changes the time."""
    return match.group(0) if _CONDITION.search(match.group(0)) else " "


def _stray_dates(s: str, when: When) -> str:
    """Days, months and years written in ``s`` that ``when`` is not made of: a second
    deadline, a second window, a repeated or reversed range, a month that does not exist.
    (An event has no date to get wrong: its words are its description.)"""
    if isinstance(when, EventWhen):
        return ""
    days: list[Written] = [(m.group(0), (int(m.group(1)), int(m.group(2)))) for m in DATE.finditer(s)]
    months: list[Written] = [(m.group(0), (int(m.group(1)), int(m.group(2)))) for m in MONTH_YEAR.finditer(s)]
    months += [(m.group(0), (int(m.group(1)), None)) for m in _BARE_MONTH.finditer(s)]
    stray = _unused(days, _days_used(when)) + _unused(months, _months_used(when))
    years = _years_used(when)
    stray += [y for y in dict.fromkeys(_YEAR.findall(s)) if int(y) not in years]
    return ", ".join(stray)


def _unused(written: list[Written], used: list[tuple[int, int]]) -> list[str]:
    """The written items beyond those ``used`` (each used item may be written once; a
    written month without its year matches a used month of any year)."""
    left = Counter(used)
    stray: list[str] = []
    for text, (a, b) in written:
        key = next((k for k in left if left[k] > 0 and k[0] == a and b in (None, k[1])), None)
        if key is None:
            stray.append(text)
        else:
            left[key] -= 1
    return stray


def _days_used(when: When) -> list[tuple[int, int]]:
    """(day, month) of each day ``when`` is made of, as a person would write it."""
    days: list[dt.date | None] = []
    if isinstance(when, DayWhen):
        days = [when.date]
    elif isinstance(when, WindowWhen):
        days = [when.start, when.end]
    elif isinstance(when, DeadlineWhen):
        days = [when.start, when.by]
    elif isinstance(when, OngoingWhen):
        days = [when.start, when.end]
    elif isinstance(when, RecurringWhen):
        return [(d.day, d.month) for d in when.on if d.day is not None]
    return [(d.day, d.month) for d in days if d is not None]


def _months_used(when: When) -> list[tuple[int, int]]:
    """(month, year) of each month ``when`` is made of ("tháng 10/2025", "tháng 10 - 12/2025")."""
    if isinstance(when, MonthWhen):
        return [(when.month, when.year)]
    if isinstance(when, WindowWhen | OngoingWhen):
        ends = [d for d in (when.start, when.end) if d is not None]
        return [(d.month, d.year) for d in ends]
    if isinstance(when, RecurringWhen):
        return [(d.month, 0) for d in when.on if d.day is None]  # "Tháng 12 hằng năm": no year
    return []


def _years_used(when: When) -> set[int]:
    """The years ``when`` names: a repeating duty names none."""
    bounds = covered_days(when)
    if bounds is None or isinstance(when, RecurringWhen):
        return set()
    return {d.year for d in bounds if d not in (dt.date.min, dt.date.max)}


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
