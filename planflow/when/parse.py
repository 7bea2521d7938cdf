"""Read the time wording of Vietnamese plans ("Thời gian: …") into a :data:`When`.

One parser for definitions (``when: "Từ ngày 01/10/2025 - 01/11/2025"``) and for the
importer. Dates are day/month[/year]; a missing year is taken from the nearest later
date in the same expression (the year before it when the later date would come first:
"15/12 - 15/01/2026" starts in 2025), else from ``year`` (the plan's year). Anything it
does not understand raises :class:`TimeExpressionError` with a message naming the text.

Beyond days, windows, deadlines and months it reads:

- quarters and quarter ranges: "Quý II/2026", "Quí IV-2025", "Quý I, II/2026" and
  "Quý IV/2025 - Quý II/2026" (a window from the first quarter's first day to the last
  quarter's last day);
- a bare year, "2025" or "Năm 2025": a window over the whole year, **due 31/12/2025**
  (the work is to be done within that year); "trong năm 2025" stays open-ended within it;
- a period of years, "2026 - 2030", "giai đoạn 2026-2030", "Năm 2025-2030": a window
  from 01/01 of the first year, due 31/12 of the last;
- fixed days ("trước ngày 15 hằng tháng", "trước ngày 01/6 và 15/11 hằng năm",
  "Tháng 12 hằng năm") and cadences: see :mod:`planflow.when.recurrence`;
- events ("Khi có phát sinh", "Theo Kế hoạch riêng", "Sau khi có Quy chế của Trung
  ương", "Khi có yêu cầu"): no date, the item waits for the event.

Spellings vary and are all read: hằng/hàng, quý/quí, "-", "–", "—" or "đến" between the
ends of a range, and missing spaces ("ngày30/11", "2026-2030").

Reading a phrase is not the same as understanding all of it: the importer asks
:func:`planflow.when.read_when`, which also says what was left unread.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from planflow.errors import TimeExpressionError
from planflow.when.model import (
    DayWhen,
    DeadlineWhen,
    EventWhen,
    MonthPart,
    MonthWhen,
    OngoingWhen,
    When,
)
from planflow.when.recurrence import recurring, yearly
from planflow.when.spans import (
    MONTHS,
    checked_year,
    month_number,
    month_window,
    months_range,
    need_year,
    quarters,
    window,
    years_span,
)

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# 08/10/2025, 8/10, and "ngày 22 tháng 9 năm 2025"
DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?(?![\d/])")
_FULL_LONG_DATE = re.compile(r"(?<![\d/])(\d{1,2}) tháng (\d{1,2}) năm (\d{4})")
_LONG_DAY = re.compile(r"(?<=\bngày )(\d{1,2}) tháng (\d{1,2})\b(?!\s*/)")
_LONG_MONTH = re.compile(r"\btháng (\d{1,2}) năm (\d{4})")
_DAY_RANGE = re.compile(
    r"(?<![\d/])(\d{1,2}) ?(?:-|đến|tới) ?(?:ngày )?(\d{1,2})/(\d{1,2})(/\d{4})?(?![\d/])"
)
LONG_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?")
MONTH_YEAR = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{4})(?![\d/])")
UNTIL = re.compile(r"(?:cho\s+)?đến khi\s+(.+)$")  # "từ 23/9/2025 cho đến khi … nghiệm thu"
_THEN_ONGOING = re.compile(
    r"[,;.]?\s*(?:và|;|,)?\s*(?:hoạt động\s+)?(?:liên tục,?\s*)?(?:và\s+)?thường xuyên\.?$"
)
EVENT_MARKERS = (
    "giấy mời", "sau khi", "khi có", "khi cần", "phát sinh", "đột xuất", "theo kế hoạch", "theo yêu cầu",
    "theo chỉ đạo",
)  # fmt: skip
_ONGOING_MARKERS = ("thường xuyên", "liên tục", "đang thực hiện", "hàng ngày", "hằng ngày")


def normalize(text: str) -> str:
    """NFC, lower case, one kind of dash, single spaces: the form all matching uses."""
    text = unicodedata.normalize("NFC", text)
    text = _DASHES.sub("-", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def clean(text: str) -> str:
    """``normalize`` plus the spellings of time words: "quí" is "quý"; a word glued to a
    number ("ngày30/11", "2025đến") is split from it; long dates become short ones
    ("19 tháng 11 năm 2025" → 19/11/2025, "tháng 4 năm 2026" → tháng 4/2026); a range of
    days in one month is spelt out ("08 - 10/12/2025" → 08/12/2025 - 10/12/2025)."""
    s = normalize(text).replace("quí", "quý")
    s = re.sub(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])", " ", s)
    s = re.sub(r"\s+", " ", s)
    s = _FULL_LONG_DATE.sub(r"\1/\2/\3", s)
    s = _LONG_DAY.sub(r"\1/\2", s)
    s = _LONG_MONTH.sub(r"tháng \1/\2", s)
    return _DAY_RANGE.sub(r"\1/\3\4 - \2/\3\4", s)


@lru_cache(maxsize=4096)
def parse_when(text: str, year: int | None = None) -> When:
    """Parse a Vietnamese time expression; ``year`` fills dates written without one.

    Cached (the result is immutable): plans repeat the same few hundred wordings, and a
    sync of thousands of plans would parse each of them thousands of times."""
    original = text.strip()
    if not original:
        raise TimeExpressionError("thời gian trống: hãy ghi ngày, khoảng thời gian hoặc chu kỳ")
    result = _parse(clean(original), year, original)
    return result.model_copy(update={"text": original})


def _parse(s: str, year: int | None, original: str) -> When:
    repeated = yearly(s, original) or recurring(s, original)
    if repeated is not None:
        return repeated
    if any(marker in s for marker in EVENT_MARKERS) and not DATE.search(s):
        return EventWhen(description=original)

    s, then_ongoing = _strip_then_ongoing(s)
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
    if not (DATE.search(head) or MONTH_YEAR.search(head) or "quý" in head):
        return s, False
    return head, True


def _dated(s: str, year: int | None, original: str) -> When | None:
    in_quarters = quarters(s, year, original)
    if in_quarters is not None:
        return in_quarters

    until = UNTIL.search(s)
    if until:
        head = s[: until.start()]
        dates, month = _all_dates(head, year, original), _month_part(head, year, original)
        start = dates[0] if dates else (month_window(month)[0] if month else None)
        return OngoingWhen(start=start, until=until.group(1))

    if re.match(r"^(?:trước|chậm nhất|hạn)", s):
        dates = _all_dates(s, year, original)
        if dates:
            return DeadlineWhen(by=dates[-1], before=s.startswith("trước"))

    dates = _all_dates(s, year, original)
    months = MONTHS.search(s)
    if months and not dates:
        return months_range(months, original)
    month_part = _month_part(s, year, original)
    if month_part is not None and not dates and re.search(r"\btừ\s+(?:đầu\s+)?tháng", s):
        # "từ tháng 10/2025" with no end: open-ended from the first of that month
        return OngoingWhen(start=month_window(month_part)[0])
    if month_part is not None and not dates:
        return month_part
    if month_part is not None and dates and re.search(r"đến|-", s):
        # "từ đầu tháng 10/2025 đến 08/11/2025"
        return window(month_window(month_part)[0], dates[-1], original)
    if len(dates) >= 2:
        return window(dates[0], dates[-1], original)
    if len(dates) == 1:
        if re.search(r"\btừ\b", s):
            return OngoingWhen(start=dates[0])
        return DayWhen(date=dates[0])

    month_year = MONTH_YEAR.search(s)
    if month_year and re.search(r"\btừ\b", s):
        first = _date(1, int(month_year.group(1)), int(month_year.group(2)), original)
        return OngoingWhen(start=first)
    return years_span(s, original)


def _month_part(s: str, year: int | None, original: str) -> MonthWhen | None:
    match = re.search(r"(đầu|giữa|cuối|trong)?\s*tháng\s+(\d{1,2})(?:\s*/\s*(\d{4}))?", s)
    if not match:
        return None
    part = {
        "đầu": MonthPart.EARLY,
        "giữa": MonthPart.MIDDLE,
        "cuối": MonthPart.LATE,
    }.get(match.group(1) or "", MonthPart.WHOLE)
    month = month_number(match.group(2), original)
    y = checked_year(match.group(3), original) if match.group(3) else need_year(year, original)
    return MonthWhen(year=y, month=month, part=part)


def _all_dates(s: str, year: int | None, original: str) -> list[dt.date]:
    """Every day/month[/year] in order. A missing year comes from the next date that has
    one, else the plan's. Across New Year ("15/12 - 15/01/2026") it is the year before,
    when the next date's year is written and the two are at most half a year apart;
    otherwise a later start stays later and the window is refused as reversed."""
    spans = sorted([*LONG_DATE.finditer(s), *DATE.finditer(s)], key=lambda m: m.start())
    raw = [(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None) for m in spans]
    dates: list[dt.date] = []
    following: tuple[dt.date, bool] | None = None  # the next date, and whether its year is written
    for day, month, y in reversed(raw):
        written = y is not None
        if y is None:
            y, written = (following[0].year, following[1]) if following else (year, False)
        date = _date(day, month, need_year(y, original), original)
        if following is not None and written and date > following[0]:
            before = _date(day, month, date.year - 1, original) if (day, month) != (29, 2) else date
            if (following[0] - before).days <= 183:
                date = before
        dates.append(date)
        following = (date, written)
    return dates[::-1]


def _date(day: int, month: int, year: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise TimeExpressionError(f"'{original}': ngày {day:02d}/{month:02d}/{year} không tồn tại") from None
