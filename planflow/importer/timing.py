"""Time wording of a document, read with the definitions' own parser.

The importer never has its own date rules: every "Thời gian" is read by
:func:`planflow.when.parse_when`, as a definition's ``when:`` would be. What the parser
refuses (Quý VI, 31/02, words that are no time at all) is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planflow.errors import TimeExpressionError
from planflow.when import When, normalize, parse_when

_TIME_WORDS = {
    "từ", "ngày", "đến", "tới", "tháng", "năm", "quý", "hàng", "hằng", "thường", "xuyên", "trước",
    "dự", "kiến", "đầu", "cuối", "giữa", "trong", "và", "định", "kỳ", "liên", "tục", "mùng",
    "chậm", "nhất", "vào", "của", "tuần", "cả", "i", "ii", "iii", "iv", "v", "vi", "-", "–",
}  # fmt: skip
_DATE_TOKEN = re.compile(r"^\(?\d{1,4}[),.;]?$")
_HAS_TIME = re.compile(r"\d{1,2}/\d{1,4}|quý|thường xuyên|hàng|hằng|tháng|\b20\d\d\b")


@dataclass(frozen=True)
class ReadTime:
    """A time wording and what the parser made of it; ``problem`` when it refused it."""

    text: str
    when: When | None
    problem: str | None = None


def read_time(text: str, year: int | None) -> ReadTime:
    """Parse ``text`` (trailing punctuation ignored) with the plan's year for short dates."""
    clean = text.strip().rstrip(".;,").strip()
    try:
        return ReadTime(clean, parse_when(clean, year))
    except TimeExpressionError as exc:
        return ReadTime(clean, None, str(exc))


def looks_like_time(text: str) -> bool:
    """Whether ``text`` is made of time words only, even if it names an impossible date."""
    tokens = [t for t in re.split(r"[\s/]+", normalize(text).replace("–", " - ")) if t]
    return bool(tokens) and all(t in _TIME_WORDS or _DATE_TOKEN.match(t) for t in tokens)


def split_time_suffix(text: str) -> tuple[str, str]:
    """Split a trailing time off a line: "Nhân dân 06/10 - 31/10" → ("Nhân dân", "06/10 - 31/10").
    Returns (text, "") when the line does not end with a time."""
    words = text.split()
    for start in range(len(words)):
        suffix = " ".join(words[start:])
        if looks_like_time(suffix) and _HAS_TIME.search(normalize(suffix)):
            if read_time(suffix, 2000).when is None and not re.search(r"quý|/", normalize(suffix)):
                continue
            return " ".join(words[:start]), suffix
    return text, ""
