"""Time wording of a document, read with the definitions' own parser.

The importer never has its own date rules: every "Thời gian" is read by
:func:`planflow.when.read_when`, the definitions' parser plus a check that every word
was understood. What it refuses or reads only in part (Quý VI, 31/02, a reversed range,
"sau Tết, trước 30/3") gets no date and a review mark; a year taken from the plan is
given up when the plan spans several years or the date would fall before the plan
(:func:`settle_year`). Never a guessed deadline.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from planflow import vnformat as vn
from planflow.when import When, normalize, read_when
from planflow.when.reading import covered_days

_TIME_WORDS = {
    "từ", "ngày", "đến", "tới", "tháng", "năm", "quý", "hàng", "hằng", "thường", "xuyên", "trước",
    "dự", "kiến", "đầu", "cuối", "giữa", "trong", "và", "định", "kỳ", "liên", "tục", "mùng",
    "chậm", "nhất", "vào", "của", "tuần", "cả", "i", "ii", "iii", "iv", "v", "vi", "-", "–",
    "quí", "giai", "đoạn", "hết", "mỗi",
}  # fmt: skip
_DATE_TOKEN = re.compile(r"^\(?\d{1,4}[),.;]?$")
_HAS_TIME = re.compile(r"\d{1,2}/\d{1,4}|qu[ýí]|thường xuyên|hàng|hằng|tháng|\b20\d\d\b")


@dataclass(frozen=True)
class ReadTime:
    """A time wording and what was made of it: ``when`` only if every word was understood,
    else ``problem`` says what a person must check. ``year_from_plan``: a date had no year."""

    text: str
    when: When | None
    problem: str | None = None
    year_from_plan: bool = False
    partial: bool = False  # a time was read but not every word: a time cell to review, not a target


def read_time(text: str, year: int | None) -> ReadTime:
    """Read ``text`` (trailing punctuation ignored) with the plan's year for short dates."""
    clean = text.strip().rstrip(".;,").strip()
    reading = read_when(clean, year)
    return ReadTime(clean, reading.when, reading.doubt, reading.year_from_plan, reading.partial)


def settle_year(time: ReadTime | None, multi_year: bool, issued: dt.date | None) -> ReadTime | None:
    """Give up a date whose year came from the plan when that year is not certain: the plan
    spans several years, or the date would end before the plan was issued."""
    if time is None or time.when is None or not time.year_from_plan:
        return time
    last = covered_days(time.when)
    if multi_year:
        why = "kế hoạch nhiều năm, văn bản không ghi năm của mốc này"
    elif issued is not None and last is not None and last[1] < issued:
        why = f"mốc suy ra ({vn.day(last[1])}) trước ngày ban hành {vn.day(issued)}; có thể là năm sau"
    else:
        return time
    return ReadTime(time.text, None, f"“{time.text}”: {why}; ghi rõ năm", True)


def looks_like_time(text: str) -> bool:
    """Whether ``text`` is made of time words only, even if it names an impossible date."""
    tokens = [t for t in re.split(r"[\s/-]+", normalize(text)) if t]  # "Quí VI-2026": quí, vi, 2026
    return bool(tokens) and all(t in _TIME_WORDS or _DATE_TOKEN.match(t) for t in tokens)


def split_time_suffix(text: str) -> tuple[str, str]:
    """Split a trailing time off a line: "Nhân dân 06/10 - 31/10" → ("Nhân dân", "06/10 - 31/10").
    Returns (text, "") when the line does not end with a time."""
    words = text.split()
    for start in range(len(words)):
        suffix = " ".join(words[start:])
        if looks_like_time(suffix) and _HAS_TIME.search(normalize(suffix)):
            if read_time(suffix, 2000).problem is not None and not re.search(r"qu[ýí]|/", normalize(suffix)):
                continue
            return " ".join(words[:start]), suffix
    return text, ""
