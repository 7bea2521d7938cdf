"""What a report says, as plain data: the context the Markdown, HTML and Word templates are
rendered from. Built by ``planflow.reports.content``; every figure and date in it is already
formatted the Vietnamese way (``planflow.numbers``), so a template only places text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from planflow.reports.targets import TargetLine


@dataclass(frozen=True)
class TaskLine:
    key: str
    label: str | None
    title: str
    period: str | None
    lead: list[str]
    support: list[str]
    start: str | None
    due: str | None
    status: str
    status_label: str
    percent: int | None
    days_overdue: int | None
    done_at: str | None
    note: str | None
    evidence: list[str]
    blocked_by: list[str]
    monitor: list[str] = field(default_factory=list)
    """the bodies that follow the task up (``monitor:``): "Cơ quan theo dõi", not its lead"""
    review: str | None = None  # the definition's open doubt, shown wherever the task is
    period_label: str | None = None  # "Tháng 1/2026", "Quý I/2026"


@dataclass(frozen=True)
class Section:
    """A section of the plan in the appendix: one line per task with something to show (its
    periods merged), and the labels of the ongoing tasks with nothing recorded (``quiet``),
    named in one sentence instead of a row each."""

    title: str
    tasks: list[TaskLine]
    quiet: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SectionResult:
    """A section of the plan in "II. Kết quả thực hiện": counts and the notable results."""

    number: int
    title: str
    total: int
    done: int
    done_late: int
    in_progress: int
    not_started: int
    overdue: int
    highlights: list[str]
    unit_notes: list[str] = field(default_factory=list)  # the units' results for the section


@dataclass(frozen=True)
class NextStep:
    """A task still to do before the next report: one line per task, its next due date."""

    title: str
    lead: str
    due: str
    repeats: int
    review: str | None = None


@dataclass(frozen=True)
class BudgetLine:
    task: str
    planned: str | None
    spent: str | None
    lead: str = ""


@dataclass(frozen=True)
class InputLine:
    unit: str
    title: str
    due: str | None
    received: bool
    received_at: str | None
    late: bool
    overdue: bool
    note: str | None
    values: dict[str, str]
    review: str | None = None

    @property
    def note_text(self) -> str:
        """The note on one line, its lines parted by "; " (a table cell)."""
        return "; ".join(line.strip().rstrip(";") for line in (self.note or "").splitlines() if line.strip())

    @property
    def state_label(self) -> str:
        if self.received:
            return "Đã nhận (trễ hạn)" if self.late else "Đã nhận"
        return "CHƯA NHẬN — quá hạn" if self.overdue else "CHƯA NHẬN"


@dataclass(frozen=True)
class ChildLine:
    """One child plan in a roll-up: its progress and whether its report reached us."""

    plan_id: str
    issuer: str
    title: str
    document: str | None
    done: int
    total: int
    overdue: int
    report_title: str | None
    report_due: str | None
    reported: bool
    reported_at: str | None
    version: int | None
    values: dict[str, str]
    colour: str

    @property
    def state_label(self) -> str:
        if self.reported:
            return f"Đã báo cáo ngày {self.reported_at}"
        return "CHƯA BÁO CÁO"


@dataclass(frozen=True)
class ReportContext:
    plan_id: str
    report_id: str
    key: str
    issuer_lines: list[str]
    number: str
    place_date: str
    summary: str
    sender: str
    by_unit: bool
    recipients: list[str]
    preparer: str
    plan_reference: str
    standing_unit: str
    cycle: str
    period_phrase: str
    period: str | None
    data_from: str
    data_to: str
    due: str | None
    as_of: str
    compiler: str
    direction: list[TaskLine]
    results: list[SectionResult]
    unit_results: list[str]  # the units' results with no section of the plan to go under
    unit_next: list[str]
    sections: list[Section]
    headline_targets: list[TargetLine]
    targets: list[TargetLine]
    budget: list[BudgetLine]
    budget_planned_total: str | None
    budget_spent_total: str | None
    overdue: list[TaskLine]
    blocked: list[TaskLine]
    inputs: list[InputLine]
    children: list[ChildLine]
    next_until: str
    next_steps: list[NextStep]
    shortcomings: list[str]
    proposals: list[str]
    counts: dict[str, int]
    distribution: list[str]
    appendix_of: str
    signer_authority: list[str]
    signer_title: str
    signer_name: str

    @property
    def missing_inputs(self) -> list[InputLine]:
        return [i for i in self.inputs if not i.received]

    @property
    def missing_children(self) -> list[ChildLine]:
        return [c for c in self.children if not c.reported]

    @property
    def green_share(self) -> str:
        """ "1/2": the child plans classed Xanh (planflow.check.monitor) over all of them."""
        return f"{sum(1 for c in self.children if c.colour == 'Xanh')}/{len(self.children)}"

    @property
    def sections_with_rows(self) -> list[Section]:
        """The appendix's sections that have a row to show."""
        return [s for s in self.sections if s.tasks]

    @property
    def quiet_labels(self) -> list[str]:
        """Every task with nothing recorded, by label, in the plan's order: one sentence after
        the tables (a heading per quiet section made pages of headings)."""
        return [label for s in self.sections for label in s.quiet]

    @property
    def input_reviews(self) -> list[str]:
        """The open doubts of the report duty (its due dates), once each."""
        return list(dict.fromkeys(i.review for i in self.inputs if i.review))

    @property
    def reviewed_targets(self) -> list[TargetLine]:
        return [t for t in self.headline_targets + self.targets if t.review]

    @property
    def contributed_targets(self) -> list[TargetLine]:
        """The targets the units' inputs gave figures for: the appendix's consolidation table."""
        return [t for t in self.headline_targets + self.targets if t.contributions]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def digest(self) -> str:
        """A hash of the content: a rebuild with the same digest is not a new version."""
        data = self.as_json()
        data.pop("place_date")  # the date of building changes daily; the content does not
        data.pop("as_of")
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
