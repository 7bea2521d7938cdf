"""When a report is due, as a duty sentence words it, possibly several cycles at once.

"định kỳ hằng tháng trước ngày 16, 6 tháng trước ngày 16/6, hằng năm trước ngày 20/11
hoặc khi có yêu cầu" is three reports (and one on request): each cycle ("hằng tháng", "6
tháng", "năm", or a list of them sharing one deadline: "hàng quý, 6 tháng, năm (chậm nhất
vào ngày mùng 10 của tháng)") takes the deadline written after or before it; cycles listed
with as many deadlines ("6 tháng, hằng năm (trước ngày 15/6 và 15/12)") take them in order.
Each cycle's words are read by :func:`planflow.when.parse_when`, in the form the parser
knows ("trước ngày 20/11 hằng năm"); the result must say everything the words say (every cycle, every day and
month named), else the duty keeps its words, gets no date and is marked for review.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from planflow.importer.timing import ReadTime, read_time
from planflow.when import Cadence, EventWhen, OngoingWhen, RecurringWhen, normalize

_DATE = (
    r"(?:ngày\s+)?(?:mùng\s+)?(?P<d>\d{1,2})(?!\d)"
    r"(?:\s*[/.-]\s*(?P<m>\d{1,2})(?:\s*[/.-]\s*(?P<y>\d{4}))?|\s+tháng\s+(?P<m2>\d{1,2})(?:\s+năm\s+(?P<y2>\d{4}))?)?"
    r"(?P<tail>\s+(?:của\s+)?(?:tháng|quý)(?:\s+(?:cuối cùng|cuối|đầu|sau|tiếp theo|kế tiếp))*"
    r"(?:\s+(?:của|trong)\s+(?:mỗi\s+)?(?:quý|kỳ|năm))?(?:\s+(?:quý|kỳ))?)?"
)
_TOKENS = re.compile(
    r"(?P<cycle>(?:định kỳ\s+)?(?:hằng|hàng|mỗi)\s+(?:tuần|tháng|quý|năm)"
    r"|định kỳ\s+(?:6 tháng|sáu tháng|quý|tháng|năm)|\b(?:6|sáu) tháng(?:\s+(?:đầu năm|cuối năm|một lần))?"
    r"|(?<=báo cáo )(?:tháng|quý|năm)\b(?!\s+(?:\d|nay\b|sau\b)|\s+trước\b(?!\s+(?:ngày|\d)))"
    r"|(?:(?<=,\s)|(?<=và\s))(?:quý|năm|cuối năm)\b(?!\s+\d))"
    rf"|(?P<deadline>(?:trước|chậm nhất(?:\s+(?:vào|là))?|hạn chót|không quá|vào)\s+{_DATE})"
    r"|(?P<more>(?<=và\s)\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?\b)"
    r"|(?P<week>vào tuần cuối (?:của|trong) tháng cuối (?:trong|của) quý)"
    r"|(?P<event>đột xuất(?:\s+(?:theo|khi có) yêu cầu)?|(?:khi|theo) (?:có )?yêu cầu"
    r"|khi (?:tổng kết|sơ kết|kết thúc|hoàn thành)[^,;.()]*)"
    r"|(?P<year>\(\s*năm\s+\d{4}\s*\))",
    re.IGNORECASE,
)
_CYCLES = {"tuần": None, "tháng": Cadence.MONTH, "quý": Cadence.QUARTER, "năm": Cadence.YEAR}
_JOINERS = re.compile(r"^[\s,(]*(?:(?:và|hoặc)\s*)?[\s,]*(?:\(\s*(?:báo cáo\s+)?)?$")


@dataclass
class Deadline:
    """A deadline of a duty: day, and month and year when written, and what it counts from."""

    words: str
    day: int
    month: int | None
    year: int | None
    tail: str  # "của tháng", "của tháng cuối quý" …


@dataclass
class Cycle:
    """One report of a duty sentence: its cycles (none for a one-off) and deadlines."""

    start: int
    end: int
    spans: list[tuple[int, int]] = field(default_factory=list)  # its words in the sentence
    cycles: list[Cadence | None] = field(default_factory=list)  # None: weekly, which no plan form has
    deadlines: list[Deadline] = field(default_factory=list)
    last_week: bool = False
    year: int | None = None  # "(năm 2030)": the report of that year

    def cadences(self, regular: bool) -> tuple[Cadence, ...]:
        """The cycles this report recurs on: none for a dated one-off ("báo cáo 6 tháng đầu
        năm trước ngày 10/6/2026"); a day and month under "định kỳ" recur yearly."""
        if self.deadlines and all(d.year is not None for d in self.deadlines):
            return ()
        own = tuple(sorted({c for c in self.cycles if c is not None}))
        if own or not regular or not self.deadlines:
            return own
        return (Cadence.YEAR,) if all(d.month is not None and d.year is None for d in self.deadlines) else ()

    def add(self, match: re.Match[str]) -> None:
        self.spans.append(match.span())
        self.end = match.end()


@dataclass
class DutyTime:
    """What a duty sentence says about when: its reports, and whether also on request."""

    cycles: list[Cycle]
    events: list[str]
    regular: bool  # "định kỳ" is written, with or without a cycle


def read_duty_time(sentence: str) -> DutyTime:
    """The reports a sentence asks for, in its order.

    A cycle takes the next deadline however far it is ("định kỳ hàng năm báo cáo … về Sở …
    chậm nhất ngày 17 tháng 12"); cycles listed together share one deadline; a deadline
    followed at once by a cycle is that cycle's fixed day ("trước ngày 20/11 hằng năm").
    """
    cycles: list[Cycle] = []
    events: list[str] = []
    current: Cycle | None = None
    for match in _TOKENS.finditer(sentence):
        joined = current is not None and bool(_JOINERS.match(sentence[current.end : match.start()]))
        kind = match.lastgroup
        if kind == "event":
            events.append(match.group(0))
        elif kind == "year":
            if not cycles:
                cycles.append(
                    Cycle(*match.span(), [match.span()], year=int(re.sub(r"\D", "", match.group(0))))
                )
            current = None
        elif kind == "cycle":
            cadence = _cadence(match.group(0))
            if current is not None and joined and cadence in current.cycles:
                current.add(match)  # "Báo cáo năm gửi trước ngày 25/11 hàng năm": said twice
            elif current is not None and joined and not (current.cycles and current.deadlines):
                current.cycles.append(cadence)  # "hàng quý, 6 tháng, năm"; "trước ngày 20/11 hằng năm"
                current.add(match)
            else:
                current = Cycle(*match.span(), [match.span()], [cadence])
                cycles.append(current)
        elif kind == "more":
            if current is not None and joined and current.deadlines:
                current.deadlines.append(_bare_date(match.group(0)))
                current.add(match)
        else:
            deadline = _deadline(match) if kind == "deadline" else None
            if kind == "deadline" and deadline is None:
                continue
            same_clause = current is not None and ";" not in sentence[current.end : match.start()]
            takes = current is not None and (
                (current.cycles and not current.deadlines and not current.last_week and same_clause)
                or (joined and (current.deadlines or current.last_week))
            )
            if current is None or not takes:
                current = Cycle(*match.span())
                cycles.append(current)
            if deadline is None:
                current.last_week = True
            else:
                current.deadlines.append(deadline)
            current.add(match)
    regular = "định kỳ" in normalize(sentence)
    return DutyTime([part for cycle in cycles for part in _respectively(cycle)], events, regular)


def _respectively(cycle: Cycle) -> list[Cycle]:
    """Cycles listed with as many deadlines ("6 tháng, hằng năm (trước ngày 15/6 và 15/12)")
    take them in order, one report each; a list sharing one deadline stays one report."""
    kinds = cycle.cycles
    if len(kinds) < 2 or len(set(kinds)) != len(kinds) or len(cycle.deadlines) != len(kinds):
        return [cycle]
    return [
        Cycle(cycle.start, cycle.end, list(cycle.spans), [kind], [deadline], cycle.last_week, cycle.year)
        for kind, deadline in zip(kinds, cycle.deadlines, strict=True)
    ]


def _cadence(words: str) -> Cadence | None:
    lowered = normalize(words)
    if re.search(r"\b(?:6|sáu) tháng", lowered):
        return Cadence.HALF
    return _CYCLES[re.findall(r"tuần|tháng|quý|năm", lowered)[-1]]


def _bare_date(words: str) -> Deadline:
    """ "15/11" after "trước ngày 01/6 và": one more deadline."""
    day, month, *year = re.split(r"\s*/\s*", words)
    return Deadline(words, int(day), int(month), int(year[0]) if year else None, "")


def _deadline(match: re.Match[str]) -> Deadline | None:
    day = int(match.group("d"))
    month = match.group("m") or match.group("m2")
    year = match.group("y") or match.group("y2")
    tail = normalize(match.group("tail") or "").strip()
    if month is None and not tail and normalize(match.group(0)).startswith("vào"):
        return None  # "vào 3 đợt": no day
    if not 1 <= day <= 31:
        return None
    return Deadline(match.group(0), day, int(month) if month else None, int(year) if year else None, tail)


def cycle_words(sentence: str, cycle: Cycle) -> str:
    """The sentence's own words for one report's time: its time words, with what joins
    them ("hàng quý, 6 tháng, năm (chậm nhất …") but not the words between ("báo cáo … về Sở …")."""
    words = ""
    for index, (start, end) in enumerate(cycle.spans):
        if index:
            gap = sentence[cycle.spans[index - 1][1] : start]
            words += gap if _JOINERS.match(gap) else " "
        words += sentence[start:end]
    words = words.strip(" ,;")
    if words.count("(") > words.count(")"):
        words += ")"
    return words


def read_cycle(sentence: str, cycle: Cycle, regular: bool, year: int | None) -> tuple[ReadTime, str | None]:
    """The time of one report and, when it is only partly stated, what to check."""
    words = cycle_words(sentence, cycle)
    if None in cycle.cycles:
        return ReadTime(
            words, None, "chu kỳ hằng tuần"
        ), f"chưa đọc được chu kỳ “{words}”; ghi lại hạn báo cáo"
    phrase = _phrase(words, cycle, regular)
    time = read_time(phrase, year)
    time = ReadTime(words, time.when, time.problem)
    missing = _missing(time, cycle, regular)
    if missing is not None:
        return ReadTime(words, None, missing), f"chưa đọc được hạn báo cáo “{words}” ({missing}); ghi lại hạn"
    if cycle.cadences(regular) and not cycle.deadlines and not cycle.last_week:
        return time, f"văn bản ghi “{words}” nhưng không ghi ngày gửi; tạm tính cuối mỗi kỳ — ghi lại ngày"
    if cycle.year is not None:
        return time, f"văn bản chỉ ghi “{words}”; tạm tính hạn cuối năm {cycle.year} — ghi lại ngày"
    return time, None


def _phrase(words: str, cycle: Cycle, regular: bool) -> str:
    """The wording the parser knows for this report's time."""
    if cycle.year is not None:
        return f"năm {cycle.year}"
    dated = [d for d in cycle.deadlines if d.year is not None and d.month is not None]
    if cycle.cycles and len(dated) == 1 == len(cycle.deadlines):  # "6 tháng đầu năm trước ngày 10/6/2026"
        return f"trước ngày {dated[0].day:02d}/{dated[0].month:02d}/{dated[0].year}"
    fixed = [d for d in cycle.deadlines if d.month is not None and d.year is None]
    yearly = set(cycle.cycles) <= {Cadence.YEAR, Cadence.HALF} and (cycle.cycles or regular)
    if fixed and len(fixed) == len(cycle.deadlines) and yearly:
        days = " và ".join(f"{d.day:02d}/{d.month:02d}" for d in fixed)
        return f"trước ngày {days} hằng năm"
    monthly = [d for d in cycle.deadlines if d.month is None and d.tail in ("", "của tháng", "tháng")]
    if cycle.cycles == [Cadence.MONTH] and monthly and len(monthly) == len(cycle.deadlines):
        return f"trước ngày {monthly[0].day} hằng tháng"
    last_month = [d for d in cycle.deadlines if d.month is None and "cuối" in d.tail]
    if cycle.cycles == [Cadence.QUARTER] and len(last_month) == 1 == len(cycle.deadlines):
        return f"hằng quý trước ngày {last_month[0].day} của tháng cuối quý"
    return words


def _missing(time: ReadTime, cycle: Cycle, regular: bool) -> str | None:
    """What the parsed time leaves out of the words, if anything."""
    when = time.when
    if when is None:
        return time.problem or "không đọc được"
    if cycle.cadences(regular):
        if not isinstance(when, RecurringWhen):
            return "không phải một chu kỳ"
        wanted = set(cycle.cadences(regular))
        if any(d.month is not None for d in cycle.deadlines) and wanted <= {Cadence.HALF, Cadence.YEAR}:
            wanted = {Cadence.YEAR} if wanted <= {Cadence.YEAR} or len(cycle.deadlines) == 1 else wanted
        if not wanted <= set(when.every) and not (wanted == {Cadence.HALF} and Cadence.YEAR in when.every):
            return "thiếu chu kỳ"
    numbers = _numbers(when.model_dump(exclude={"text"}))
    if cycle.year is not None and (cycle.year not in numbers or isinstance(when, OngoingWhen | EventWhen)):
        return f"không có hạn trong năm {cycle.year}"
    for deadline in cycle.deadlines:
        if deadline.day not in numbers or (deadline.month is not None and deadline.month not in numbers):
            return f"ngày {deadline.words.strip()} không có trong kết quả"
    return None


def _numbers(value: Any) -> set[int]:
    """Every number a parsed time holds: days, months, years of its dates, its fields."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, dt.date):
        return {value.day, value.month, value.year}
    if isinstance(value, dict):
        return set().union(*(_numbers(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(_numbers(v) for v in value)) if value else set()
    return set()
