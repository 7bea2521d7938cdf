"""Measure the importer against hand-checked gold: tasks, the plan's header, report duties.

A gold file (``tests/importer/gold``) lists what a document really says:

- ``tasks``: label, the start of the title (``also``: the start of another wording, for an
  activity written in the body and in an appendix), the lead and supporting units as the
  document names them (``null``: not scored), the time as written (``time``) and what it
  means: ``when`` (day, window, deadline, month, quarter, year, period, recurring, ongoing,
  event, none, invalid) with its first and last day (``start``/``due``) or, for a recurring
  time, its cadences (``every``) and due days (``days``: "30/11" yearly, "15" monthly);
- ``plan``: number, date, issuer, signer, period and the Quyết định it was issued through;
- ``reports``: who reports (``who``), to whom (``to``), and when (as for tasks).

What counts as a task (the gold files say so in their comments): the rows of a task table
and the items of a task section ("Nhiệm vụ", "Nhiệm vụ cụ thể", "Nội dung", "Giải pháp");
the duties per body of "Tổ chức thực hiện" only when the plan assigns its work nowhere else
(otherwise they restate the table). Objectives, indicators, criteria, budget tables and the
plan's own period are no tasks; a duty that is only a report is a report duty.

Tasks are matched by title, tolerant of wording (a prefix, or close enough), never of
facts. Fields are compared on matched tasks: units through the directory (any spelling of
a unit counts), times by what they mean — the kind of time (dated, recurring, ongoing,
event, none) and its days, whatever words or model the importer used. A task whose
deadline is wrong and carries no review mark on its time is a *silent* wrong deadline:
the one error that must never happen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planflow.importer.draft import PlanDraft, ReportDraft, TaskDraft
from planflow.importer.timing import ReadTime
from planflow.importer.unitnames import Matcher, expand
from planflow.periods import due_window, series, yearly_periods
from planflow.when import (
    DayWhen,
    DeadlineWhen,
    EventWhen,
    MonthWhen,
    OngoingWhen,
    QuarterWhen,
    RecurringWhen,
    When,
    WindowWhen,
    month_window,
    normalize,
)
from planflow.workdays import DayOffRule, WorkCalendar

FIELDS = ("lead", "support", "dates")  # "dates" is shown as "deadline"
DATED = frozenset({"day", "window", "deadline", "month", "quarter", "year", "period"})
# The importer's refusal of a document that is no plan says so in these words.
NOT_A_PLAN = re.compile(r"không phải (?:là )?(?:một )?kế hoạch", re.IGNORECASE)
_TITLE_SIMILARITY = 0.85


@dataclass(frozen=True)
class Facts:
    """What a time means: its class, first and last day, cadences and due days (month, day)."""

    kind: str  # dated, recurring, ongoing, event, none, invalid, or "other:<kind>"
    start: dt.date | None = None
    due: dt.date | None = None
    every: frozenset[str] = frozenset()
    days: frozenset[tuple[int, int]] = frozenset()

    def __str__(self) -> str:
        parts = [self.kind]
        if self.start or self.due:
            parts.append(f"{self.start or '…'}→{self.due or '…'}")
        if self.every:
            parts.append("/".join(sorted(self.every)))
        if self.days:
            parts.append(",".join(f"{d:02d}/{m:02d}" for m, d in sorted(self.days)))
        return " ".join(parts)


@dataclass(frozen=True)
class GoldTime:
    """A gold time: what it means, and which of its facts the document states."""

    facts: Facts
    text: str | None

    @classmethod
    def from_yaml(cls, data: dict[str, Any], year: int | None) -> GoldTime:
        kind = data.get("when", "none")
        every = frozenset(data.get("every") or ())
        days = frozenset(_gold_days(data.get("days") or (), every, year))
        due = data.get("due")
        # Running until a stated day ("thường xuyên trong năm 2026") is dated, as in when_facts.
        dated = kind in DATED or (kind == "ongoing" and due is not None)
        facts = Facts("dated" if dated else kind, data.get("start"), due, every, days)
        return cls(facts, data.get("time"))

    def matches(self, found: Facts) -> bool:
        """Whether ``found`` means the same time; a fact the gold leaves open is not compared."""
        want = self.facts
        if want.kind != found.kind:
            return False
        if want.kind in ("dated", "ongoing"):
            starts_agree = want.start is None or found.start is None or want.start == found.start
            return want.due == found.due and starts_agree
        if want.kind == "recurring" and want.days:
            return want.days == found.days  # the due days say it all, whatever the cadence
        if want.kind == "recurring":
            return not want.every or want.every == found.every
        return True


def _gold_days(days: Iterable[str | int], every: frozenset[str], year: int | None) -> set[tuple[int, int]]:
    """ "30/11" → {(11, 30)}; "15" with a monthly cadence → the 15th of every month."""
    out: set[tuple[int, int]] = set()
    for day in days:
        text = str(day)
        if "/" in text:
            d, m = text.split("/")
            out.add((int(m), int(d)))
        elif every == {"month"}:
            out |= {(m, min(int(text), calendar.monthrange(year or 2025, m)[1])) for m in range(1, 13)}
        else:
            raise ValueError(f"gold: ngày “{text}” cần dạng ngày/tháng khi chu kỳ không phải tháng")
    return out


def facts_of(time: ReadTime | None, year: int | None) -> Facts:
    """The facts of a time as the importer read it (``year``: the one whose due days count)."""
    if time is None:
        return Facts("none")
    if time.when is None:
        return Facts("invalid")
    return when_facts(time.when, year)


def when_facts(when: When, year: int | None) -> Facts:
    if isinstance(when, RecurringWhen):
        return Facts("recurring", every=frozenset(c.value for c in when.every), days=_due_days(when, year))
    if isinstance(when, OngoingWhen):
        # "2025 - 2035" read as ongoing until a day is a dated window: same meaning.
        return Facts("dated" if when.end else "ongoing", when.start, when.end)
    if isinstance(when, EventWhen):
        return Facts("event")
    kind, start, due = span(when)
    return Facts("dated" if kind in DATED else f"other:{kind}", start, due)


def _due_days(when: RecurringWhen, year: int | None) -> frozenset[tuple[int, int]]:
    """The (month, day) of each due date in one sample year, before any day-off shift."""
    sample = year or dt.date.today().year
    first, last = dt.date(sample, 1, 1), dt.date(sample, 12, 31)
    # the compiler's own expansion: fixed days of every year, else the cadences' periods
    periods = yearly_periods(first, last, when.on) if when.on else series(first, last, when.every)
    calendar_ = WorkCalendar()
    dues = (due_window(p, when.due, calendar_, DayOffRule.KEEP)[1] for p in periods)
    return frozenset((d.month, d.day) for d in dues)


def span(when: When) -> tuple[str, dt.date | None, dt.date | None]:
    """(kind, first day, last day) of a time; an event (or a kind unknown here) gives no days."""
    if isinstance(when, DayWhen):
        return ("day", when.date, when.date)
    if isinstance(when, WindowWhen):
        return ("window", when.start, when.end)
    if isinstance(when, DeadlineWhen):
        return ("deadline", when.start, when.by)
    if isinstance(when, MonthWhen):
        first, last = month_window(when)
        return ("month", first, last)
    if isinstance(when, QuarterWhen):
        first_month = when.quarter * 3 - 2
        last = month_window(MonthWhen(year=when.year, month=first_month + 2))[1]
        return ("quarter", dt.date(when.year, first_month, 1), last)
    if isinstance(when, RecurringWhen | OngoingWhen):
        return (when.kind, when.start, when.end)
    return (str(getattr(when, "kind", type(when).__name__)), None, None)


@dataclass(frozen=True)
class GoldTask:
    label: str
    titles: tuple[str, ...]
    lead: tuple[str, ...] | None  # None: not scored
    support: tuple[str, ...] | None
    time: GoldTime

    @classmethod
    def from_yaml(cls, data: dict[str, Any], year: int | None = None) -> GoldTask:
        return cls(
            label=str(data["label"]),
            titles=(data["title"], *data.get("also", [])),
            lead=_names(data, "lead"),
            support=_names(data, "support"),
            time=GoldTime.from_yaml(data, year),
        )


def _names(data: dict[str, Any], key: str) -> tuple[str, ...] | None:
    value = data.get(key, [])
    return None if value is None else tuple(value)


@dataclass
class Score:
    """Task counts for one document (or all of them)."""

    gold: int = 0
    found: int = 0
    matched: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    scored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    silent: int = 0  # matched tasks whose deadline is wrong with no review mark on the time
    review: int = 0  # found tasks with any review mark
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    def accuracy(self, name: str) -> float:
        return self.right[name] / self.scored[name] if self.scored[name] else 1.0

    @property
    def fields_right(self) -> float:
        total = sum(self.scored.values())
        return sum(self.right.values()) / total if total else 1.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.found += other.found
        self.matched += other.matched
        self.silent += other.silent
        self.review += other.review
        for name in FIELDS:
            self.right[name] += other.right[name]
            self.scored[name] += other.scored[name]


def title_key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", normalize(text)).strip()


def _title_matches(found: str, gold_titles: Sequence[str]) -> bool:
    """A prefix of the found title, or the found title's start close to it (OCR, retyping)."""
    for gold in gold_titles:
        want = title_key(gold)
        if found.startswith(want):
            return True
        head = found[: len(want)]
        if len(want) >= 20 and difflib.SequenceMatcher(None, head, want).ratio() >= _TITLE_SIMILARITY:
            return True
    return False


def score(
    found: Sequence[TaskDraft], gold: Sequence[GoldTask], matcher: Matcher, year: int | None = None
) -> Score:
    """Match found tasks to gold tasks by title and compare their facts."""
    result = Score(gold=len(gold), found=len(found))
    result.review = sum(1 for task in found if task.doubts)
    taken: set[int] = set()
    for task in found:
        title = title_key(task.title)
        candidates = [i for i, g in enumerate(gold) if i not in taken and _title_matches(title, g.titles)]
        if not candidates:
            result.extras.append(f"{task.label}: {task.title[:70]}")
            continue
        leads = unit_keys(matcher, [r.name for r in task.lead])
        best = max(
            candidates,
            key=lambda i: (unit_keys(matcher, gold[i].lead or ()) == leads, -i),
        )
        taken.add(best)
        result.matched += 1
        _compare(task, gold[best], matcher, year, result)
    result.misses = [f"{g.label}: {g.titles[0]}" for i, g in enumerate(gold) if i not in taken]
    return result


def _compare(task: TaskDraft, gold: GoldTask, matcher: Matcher, year: int | None, result: Score) -> None:
    units = {"lead": (task.lead, gold.lead), "support": (task.support, gold.support)}
    for name, (refs, want) in units.items():
        if want is None:
            continue
        result.scored[name] += 1
        got = [r.name for r in refs]
        if unit_keys(matcher, got) == unit_keys(matcher, want):
            result.right[name] += 1
        else:
            result.wrong.append(f"{gold.label} {name}: {_names_shown(got)} ≠ {_names_shown(want)}")
    result.scored["dates"] += 1
    found = facts_of(task.time, year)
    if gold.time.matches(found):
        result.right["dates"] += 1
        return
    silent = "when" not in task.doubts
    result.silent += silent
    written = f" “{' '.join(task.time.text.split())}”" if task.time else ""
    mark = " SILENT" if silent else " (marked)"
    result.wrong.append(f"{gold.label} deadline{written}: {found} ≠ {gold.time.facts}{mark}")


def _names_shown(names: Iterable[str]) -> str:
    return "[" + "; ".join(names) + "]"


_LOOSE = re.compile(r"^(?:các|những|toàn bộ)\s+|\s+(?:có\s+)?liên quan$|\s+trên địa bàn.*$")


def unit_keys(matcher: Matcher, names: Iterable[str]) -> frozenset[str]:
    """Directory ids, or the expanded names of units the directory does not know."""
    out = set()
    for name in names:
        unit, _ = matcher.find(name)
        out.add(unit.id if unit else "~" + expand(_LOOSE.sub("", normalize(name).strip())))
    return frozenset(out)


# --- report duties ---------------------------------------------------------------------


@dataclass(frozen=True)
class GoldReport:
    label: str
    who: tuple[str, ...]
    to: tuple[str, ...]
    time: GoldTime

    @classmethod
    def from_yaml(cls, data: dict[str, Any], year: int | None = None) -> GoldReport:
        return cls(str(data["label"]), tuple(data["who"]), tuple(data["to"]), GoldTime.from_yaml(data, year))


@dataclass(frozen=True)
class _Duty:
    who: frozenset[str]
    to: frozenset[str]
    facts: Facts
    shown: str  # who → to, as the document names them


def _duties(reports: Sequence[ReportDraft], matcher: Matcher, year: int | None) -> list[_Duty]:
    """Each report, and each unit input due to its compiler before it, as one duty."""
    out = []
    for report in reports:
        compiler, recipients = [report.compiler.name], [r.name for r in report.recipients]
        out.append(_duty(matcher, compiler, recipients, facts_of(report.time, year)))
        # units that report "UBND tỉnh (qua Sở …)" address UBND tỉnh, through the compiler
        to = [r.name for r in report.addressee] or compiler
        for units, time in report.inputs:
            out.append(_duty(matcher, [r.name for r in units], to, facts_of(time, year)))
    return out


def _duty(matcher: Matcher, who: list[str], to: list[str], facts: Facts) -> _Duty:
    shown = f"{_names_shown(who)} → {_names_shown(to)}"
    return _Duty(unit_keys(matcher, who), unit_keys(matcher, to), facts, shown)


@dataclass
class ReportScore:
    """Report duties of one document (or all): found by who reports, right in every fact."""

    gold: int = 0
    found: int = 0  # duties the importer wrote (reports and their unit inputs)
    matched: int = 0
    right: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.gold if self.gold else 1.0

    def add(self, other: ReportScore) -> None:
        self.gold += other.gold
        self.found += other.found
        self.matched += other.matched
        self.right += other.right


def _agreement(
    duty: _Duty, want: GoldReport, who: frozenset[str], to: frozenset[str]
) -> tuple[bool, bool, bool]:
    """Time first: of two duties by the same unit, the one due when the gold says is the one."""
    return (want.time.matches(duty.facts), duty.to == to, duty.who == who)


def score_reports(
    found: Sequence[ReportDraft], gold: Sequence[GoldReport], matcher: Matcher, year: int | None
) -> ReportScore:
    duties = _duties(found, matcher, year)
    result = ReportScore(gold=len(gold), found=len(duties))
    taken: set[int] = set()
    for want in gold:
        who, to = unit_keys(matcher, want.who), unit_keys(matcher, want.to)
        candidates = [i for i, d in enumerate(duties) if i not in taken and d.who & who]
        shown = f"{_names_shown(want.who)} → {_names_shown(want.to)} ({want.time.facts})"
        if not candidates:
            result.misses.append(f"{want.label}: {shown}")
            continue
        agreements = {i: _agreement(duties[i], want, who, to) for i in candidates}
        best = max(candidates, key=agreements.__getitem__)
        taken.add(best)
        result.matched += 1
        if all(agreements[best]):
            result.right += 1
        else:
            duty = duties[best]
            result.wrong.append(f"{want.label}: {duty.shown} ({duty.facts}) ≠ {shown}")
    return result


# --- the plan's header -----------------------------------------------------------------

HEADER_FIELDS = ("number", "issued", "issuer", "signer", "period", "decision")


@dataclass
class HeaderScore:
    right: int = 0
    scored: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.scored if self.scored else 1.0

    def add(self, other: HeaderScore) -> None:
        self.right += other.right
        self.scored += other.scored


def score_header(draft: PlanDraft, gold: dict[str, Any]) -> HeaderScore:
    """Compare the fields the gold states; the decision is read from ``draft.decision``
    (an object with ``number`` and ``issued``) once the importer records one."""
    decision = getattr(draft, "decision", None)
    gold_decision = gold.get("decision") or {}
    found = {
        "number": draft.document_number,
        "issued": draft.issued,
        "issuer": draft.issuer,
        "signer": draft.signer.name if draft.signer else None,
        "period": tuple(draft.period) if draft.period else None,
        "decision": (getattr(decision, "number", None), getattr(decision, "issued", None))
        if decision
        else None,
    }
    want = {
        "number": gold.get("number"),
        "issued": gold.get("issued"),
        "issuer": gold.get("issuer"),
        "signer": gold.get("signer"),
        "period": tuple(gold["period"]) if gold.get("period") else None,
        "decision": (gold_decision.get("number"), gold_decision.get("issued")) if gold_decision else None,
    }
    result = HeaderScore()
    for name in HEADER_FIELDS:
        if name not in gold:
            continue
        result.scored += 1
        if _header_key(name, found[name]) == _header_key(name, want[name]):
            result.right += 1
        else:
            result.wrong.append(f"{name}: {_shown_value(found[name])} ≠ {_shown_value(want[name])}")
    return result


def _header_key(name: str, value: Any) -> Any:
    """Numbers without spaces or case, issuers with abbreviations written out, names as words."""
    if value is None:
        return None
    if name == "number":
        return _number_key(value)
    if name == "decision":
        return (_number_key(value[0]), value[1])
    if name == "issuer":
        return expand(value)
    if name == "signer":
        return re.sub(r"\s+", " ", normalize(value)).strip()
    return value


def _shown_value(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")"
    return str(value)


def _number_key(number: str | None) -> str | None:
    return re.sub(r"\s+", "", number).upper() if number else None
