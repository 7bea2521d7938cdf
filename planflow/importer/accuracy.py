"""Measure the importer against hand-checked gold task lists.

A gold file lists a document's tasks: label, the start of the title (and ``also``: the
start of its other wording, for an activity written in the body and in an appendix),
the lead and supporting units as the document names them, and the time (kind, first and
last day). Detection: a found task matches a gold task when its title starts with one of
the gold's title starts; a gold task matched twice counts the extra one as a false
positive. Fields are compared on matched tasks only: units through the directory (any
spelling of a unit counts), times by kind and days.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from planflow.importer.draft import TaskDraft
from planflow.importer.unitnames import Matcher, expand
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

FIELDS = ("lead", "support", "dates")


@dataclass(frozen=True)
class GoldTask:
    label: str
    titles: tuple[str, ...]
    lead: tuple[str, ...]
    support: tuple[str, ...]
    when: str
    start: dt.date | None
    due: dt.date | None

    @classmethod
    def from_yaml(cls, data: dict[str, Any]) -> GoldTask:
        return cls(
            label=str(data["label"]),
            titles=(data["title"], *data.get("also", [])),
            lead=tuple(data.get("lead") or ()),
            support=tuple(data.get("support") or ()),
            when=data["when"],
            start=data.get("start"),
            due=data.get("due"),
        )


@dataclass
class Score:
    """Counts for one document (or all of them)."""

    gold: int = 0
    found: int = 0
    matched: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
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
        return self.right[name] / self.matched if self.matched else 1.0

    @property
    def fields_right(self) -> float:
        total = self.matched * len(FIELDS)
        return sum(self.right.values()) / total if total else 1.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.found += other.found
        self.matched += other.matched
        for name in FIELDS:
            self.right[name] += other.right[name]


def _key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", normalize(text)).strip()


def score(found: Sequence[TaskDraft], gold: Sequence[GoldTask], matcher: Matcher) -> Score:
    result = Score(gold=len(gold), found=len(found))
    taken: set[int] = set()
    for task in found:
        title = _key(task.title)
        candidates = [
            i
            for i, g in enumerate(gold)
            if i not in taken and any(title.startswith(_key(t)) for t in g.titles)
        ]
        if not candidates:
            result.extras.append(f"{task.label}: {task.title[:70]}")
            continue
        leads = _units(matcher, [r.name for r in task.lead])
        best = max(candidates, key=lambda i: (_units(matcher, list(gold[i].lead)) == leads, -i))
        taken.add(best)
        result.matched += 1
        _compare(task, gold[best], matcher, result)
    result.misses = [f"{g.label}: {g.titles[0]}" for i, g in enumerate(gold) if i not in taken]
    return result


def _compare(task: TaskDraft, gold: GoldTask, matcher: Matcher, result: Score) -> None:
    checks = {
        "lead": (_units(matcher, [r.name for r in task.lead]), _units(matcher, list(gold.lead))),
        "support": (_units(matcher, [r.name for r in task.support]), _units(matcher, list(gold.support))),
        "dates": (dates_of(task), (gold.when, gold.start, gold.due)),
    }
    for name, (got, want) in checks.items():
        if got == want:
            result.right[name] += 1
        else:
            result.wrong.append(f"{gold.label} {name}: {_show(got)} ≠ {_show(want)}")


def _show(value: object) -> str:
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(value)) + "}"
    return str(value)


def _units(matcher: Matcher, names: list[str]) -> frozenset[str]:
    out = set()
    for name in names:
        unit, _ = matcher.find(name)
        out.add(unit.id if unit else "~" + expand(name))
    return frozenset(out)


def dates_of(task: TaskDraft) -> tuple[str, dt.date | None, dt.date | None]:
    """(kind, first day, last day) of a task's time as the importer read it."""
    if task.time is None:
        return ("none", None, None)
    if task.time.when is None:
        return ("invalid", None, None)
    return span(task.time.when)


def span(when: When) -> tuple[str, dt.date | None, dt.date | None]:
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
    if isinstance(when, RecurringWhen):
        return ("recurring", when.start, when.end)
    if isinstance(when, OngoingWhen):
        return ("ongoing", when.start, when.end)
    assert isinstance(when, EventWhen)
    return ("event", None, None)
