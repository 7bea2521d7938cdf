"""Read the time wording of Vietnamese plans ("Thời gian: …") into a :data:`When`.

One parser for definitions (``when: "Từ ngày 01/10/2025 - 01/11/2025"``) and for the
importer. Dates are day/month[/year]; a missing year is taken from the nearest later
date in the same expression, else from ``year`` (the plan's year). Anything it does
not understand raises :class:`TimeExpressionError` with a message naming the text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from functools import lru_cache

from planflow.errors import TimeExpressionError
from planflow.when.model import (
    Cadence,
    DayWhen,
    DeadlineWhen,
    DueAnchor,
    DueRule,
    EventWhen,
    Frequency,
    MonthPart,
    MonthWhen,
    OngoingWhen,
    QuarterWhen,
    RecurringWhen,
    When,
    WindowWhen,
)

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ANY_ROMAN = r"[ivxlc]+"

# 08/10/2025, 8/10, and "ngày 22 tháng 9 năm 2025"
_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?(?![\d/])")
_LONG_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?")
_MONTH_YEAR = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{4})(?![\d/])")
_YEAR_ONLY = re.compile(r"^(?:(?:thực hiện\s+)?(?:trong\s+)?năm\s+)?(\d{4})$")
_QUARTER = re.compile(rf"quý\s+({_ANY_ROMAN}|\d+)\b(?:\s*/\s*(\d{{4}})|\s+năm\s+(\d{{4}}))?")
_THEN_ONGOING = re.compile(
    r"[,;.]?\s*(?:và|;|,)?\s*(?:hoạt động\s+)?(?:liên tục,?\s*)?(?:và\s+)?thường xuyên\.?$"
)
_FREQUENCY = re.compile(
    r"(?:(≥|>=|>|tối thiểu|ít nhất)\s*)?(\d+)\s*(?:-\s*(\d+)\s*)?([^\d\s/]+(?:\s[^\d\s/]+)?)\s*/\s*"
    r"(tháng|quý|năm)"
)
_DUE_DAY = re.compile(r"(?:ngày|mùng)\s+(?:mùng\s+)?(\d{1,2})\s+(?:của\s+)?tháng\b(?!\s*\d)")
_EVENT_MARKERS = ("giấy mời", "sau khi", "khi có yêu cầu", "đột xuất", "theo kế hoạch")
_ONGOING_MARKERS = ("thường xuyên", "liên tục", "đang thực hiện", "hàng ngày", "hằng ngày")


def normalize(text: str) -> str:
    """NFC, lower case, one kind of dash, single spaces: the form all matching uses."""
    text = unicodedata.normalize("NFC", text)
    text = _DASHES.sub("-", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


@lru_cache(maxsize=4096)
def parse_when(text: str, year: int | None = None) -> When:
    """Parse a Vietnamese time expression; ``year`` fills dates written without one.

    Cached (the result is immutable): plans repeat the same few hundred wordings, and a
    sync of thousands of plans would parse each of them thousands of times."""
    original = text.strip()
    if not original:
        raise TimeExpressionError("thời gian trống: hãy ghi ngày, khoảng thời gian hoặc chu kỳ")
    clean = normalize(original)
    result = _parse(clean, year, original)
    return result.model_copy(update={"text": original})


def _parse(s: str, year: int | None, original: str) -> When:
    recurring = _recurring(s, year)
    if recurring is not None:
        return recurring
    if any(marker in s for marker in _EVENT_MARKERS) and not _DATE.search(s):
        return EventWhen(description=original)

    then_ongoing = False
    s, tail = _strip_then_ongoing(s)
    if tail:
        then_ongoing = True

    tentative = s.startswith("dự kiến")
    s = re.sub(r"^dự kiến\s*:?\s*", "", s)
    # "Đang thực hiện, trọng tâm từ …": the focus window is what is dated.
    s = re.sub(r"^(?:đang thực hiện,?\s*)?(?:trọng tâm|cao điểm)\s*", "", s)
    # "Thành lập Tổ trước ngày 05/10/2025": a verb before the date does not matter.
    s = re.sub(r"^[^\d]*?(?=\b(?:trước|chậm nhất|hạn)\b)", "", s)

    dated = _dated(s, year, original)
    if dated is not None:
        return dated.model_copy(update={"then_ongoing": then_ongoing, "tentative": tentative})
    if then_ongoing or any(marker in s for marker in _ONGOING_MARKERS) or not s:
        if year is not None and re.search(r"\btrong năm\b", s):
            # "Thực hiện thường xuyên trong năm": ongoing, bounded by the plan's year
            return OngoingWhen(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
        return OngoingWhen()
    raise TimeExpressionError(
        f"không hiểu thời gian '{original}': hãy ghi ngày (08/10/2025), khoảng "
        "(01/10/2025 - 01/11/2025), hạn (trước ngày 05/10/2025), tháng (tháng 10/2025), "
        "quý (Quý II/2026), chu kỳ (Hàng quý) hoặc 'Thường xuyên'"
    )


def _strip_then_ongoing(s: str) -> tuple[str, bool]:
    """Split "… và thường xuyên" / "…; hoạt động liên tục, thường xuyên" off a dated part."""
    match = _THEN_ONGOING.search(s)
    if not match or match.start() == 0:
        return s, False
    head = s[: match.start()].rstrip(" ,;.")
    if not (_DATE.search(head) or _MONTH_YEAR.search(head) or "quý" in head):
        return s, False
    return head, True


def _dated(s: str, year: int | None, original: str) -> When | None:
    quarter = _QUARTER.search(s)
    if quarter:
        return _quarter(quarter, year, original)

    until = re.search(r"cho đến khi\s+(.+)$", s)
    if until:
        start = _all_dates(s[: until.start()], year, original)
        return OngoingWhen(start=start[0] if start else None, until=until.group(1))

    if re.match(r"^(?:trước|chậm nhất|hạn)", s):
        dates = _all_dates(s, year, original)
        if dates:
            return DeadlineWhen(by=dates[-1])

    dates = _all_dates(s, year, original)
    month_part = _month_part(s, year, original)
    if month_part is not None and not dates and re.search(r"\btừ\s+(?:đầu\s+)?tháng", s):
        # "từ tháng 10/2025" with no end: open-ended from the first of that month
        return OngoingWhen(start=_month_bounds(month_part)[0])
    if month_part is not None and not dates:
        return month_part
    if month_part is not None and dates and re.search(r"đến|-", s):
        # "từ đầu tháng 10/2025 đến 08/11/2025"
        return WindowWhen(start=_month_bounds(month_part)[0], end=dates[-1])
    if len(dates) >= 2:
        return WindowWhen(start=dates[0], end=dates[-1])
    if len(dates) == 1:
        if re.search(r"\btừ\b", s):
            return OngoingWhen(start=dates[0])
        return DayWhen(date=dates[0])

    month_year = _MONTH_YEAR.search(s)
    if month_year and re.search(r"\btừ\b", s):
        first = _date(1, int(month_year.group(1)), int(month_year.group(2)), original)
        return OngoingWhen(start=first)
    only_year = _YEAR_ONLY.match(s)
    if only_year:
        y = int(only_year.group(1))
        return OngoingWhen(start=dt.date(y, 1, 1), end=dt.date(y, 12, 31))
    return None


def _quarter(match: re.Match[str], year: int | None, original: str) -> QuarterWhen:
    token = match.group(1)
    number = int(token) if token.isdigit() else _ROMAN.get(token)
    if number is None or not 1 <= number <= 4:
        raise TimeExpressionError(
            f"'{original}': quý {token.upper()} không tồn tại, một năm chỉ có quý I, II, III, IV"
        )
    y = match.group(2) or match.group(3)
    return QuarterWhen(year=_need_year(int(y) if y else year, original), quarter=number)


def _month_part(s: str, year: int | None, original: str) -> MonthWhen | None:
    match = re.search(r"(đầu|giữa|cuối|trong)?\s*tháng\s+(\d{1,2})(?:\s*/\s*(\d{4}))?", s)
    if not match:
        return None
    part = {
        "đầu": MonthPart.EARLY,
        "giữa": MonthPart.MIDDLE,
        "cuối": MonthPart.LATE,
    }.get(match.group(1) or "", MonthPart.WHOLE)
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise TimeExpressionError(f"'{original}': tháng {month} không tồn tại")
    y = _need_year(int(match.group(3)) if match.group(3) else year, original)
    return MonthWhen(year=y, month=month, part=part)


def _month_bounds(month: MonthWhen) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(month.year, month.month)[1]
    first_day, last_day = {
        MonthPart.WHOLE: (1, last),
        MonthPart.EARLY: (1, 10),
        MonthPart.MIDDLE: (11, 20),
        MonthPart.LATE: (21, last),
    }[month.part]
    return dt.date(month.year, month.month, first_day), dt.date(month.year, month.month, last_day)


def month_window(month: MonthWhen) -> tuple[dt.date, dt.date]:
    """First and last day of the (part of the) month."""
    return _month_bounds(month)


def _all_dates(s: str, year: int | None, original: str) -> list[dt.date]:
    """Every day/month[/year] in order; a missing year comes from the next date that has one."""
    raw: list[tuple[int, int, int | None]] = []
    spans = sorted(
        [(m.start(), m) for m in _LONG_DATE.finditer(s)] + [(m.start(), m) for m in _DATE.finditer(s)],
        key=lambda item: item[0],
    )
    for _, m in spans:
        raw.append((int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None))
    dates: list[dt.date] = []
    next_year = year
    resolved: list[tuple[int, int, int]] = []
    for day, month, y in reversed(raw):
        if y is not None:
            next_year = y
        resolved.append((day, month, _need_year(y or next_year, original)))
    for day, month, y in reversed(resolved):
        dates.append(_date(day, month, y, original))
    return dates


def _date(day: int, month: int, year: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise TimeExpressionError(f"'{original}': ngày {day:02d}/{month:02d}/{year} không tồn tại") from None


def _need_year(year: int | None, original: str) -> int:
    if year is None:
        raise TimeExpressionError(
            f"'{original}': thiếu năm; hãy ghi năm (vd. 08/10/2025) hoặc đặt kỳ kế hoạch"
        )
    return year


def _recurring(s: str, year: int | None) -> RecurringWhen | None:
    every: list[Cadence] = []
    times: Frequency | None = None
    freq = _FREQUENCY.search(s)
    if freq:
        minimum = int(freq.group(2))
        maximum = int(freq.group(3)) if freq.group(3) else None
        if freq.group(1) is None and maximum is None:
            maximum = minimum
        times = Frequency(min=minimum, max=maximum, unit=freq.group(4).strip())
        every.append({"tháng": Cadence.MONTH, "quý": Cadence.QUARTER, "năm": Cadence.YEAR}[freq.group(5)])
    periodic = re.search(r"(?:hàng|hằng|mỗi|định kỳ)\s+(.*)$", s)
    if periodic:
        rest = periodic.group(1)
        rest = re.sub(r"\(.*?\)|tháng cuối|của tháng|trong quý|trong năm", "", rest)
        if re.search(r"\b6 tháng\b|sáu tháng|nửa năm", rest):
            every.append(Cadence.HALF)
            rest = re.sub(r"6 tháng|sáu tháng|nửa năm", "", rest)
        for word, cadence in (("tháng", Cadence.MONTH), ("quý", Cadence.QUARTER)):
            if re.search(rf"\b{word}\b", rest):
                every.append(cadence)
        if re.search(r"\b(?:năm|cuối năm)\b", rest) and not re.search(r"trong năm", rest):
            every.append(Cadence.YEAR)
    if not every and "tuần cuối" in s and "quý" in s:
        every.append(Cadence.QUARTER)  # "vào tuần cuối của tháng cuối trong quý"
    if not every and _DUE_DAY.search(s) and not _DATE.search(s):
        every.append(Cadence.MONTH)  # "chậm nhất vào ngày mùng 10 của tháng"
    if not every:
        return None
    order = list(Cadence)
    cadences = tuple(sorted(set(every), key=order.index))
    return RecurringWhen(every=cadences, due=_due_rule(s), times=times)


def _due_rule(s: str) -> DueRule:
    if "tuần cuối" in s:
        return DueRule(anchor=DueAnchor.LAST_WEEK)
    day = _DUE_DAY.search(s)
    if day:
        if "tháng cuối" in s:
            return DueRule(anchor=DueAnchor.LAST_MONTH_DAY, day=int(day.group(1)))
        return DueRule(anchor=DueAnchor.NEXT_MONTH_DAY, day=int(day.group(1)))
    return DueRule()
