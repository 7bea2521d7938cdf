"""What the importer found: a plan draft, before it is written as YAML.

Every field remembers where it came from and how sure the importer is; ``doubts``
become YAML comments ("# KIỂM TRA: …") and warnings in the summary, so the person who
reviews the draft knows exactly what to check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from planflow.importer.doctype import Decision
from planflow.importer.timing import ReadTime
from planflow.importer.unitnames import UnitRef


@dataclass
class TargetDraft:
    metric: str
    comparator: str
    value: Decimal
    unit: str | None
    text: str


@dataclass
class TaskDraft:
    """One task as found in the body or in an appendix row (or both, merged)."""

    title: str
    where: str
    label: str | None = None
    section: str | None = None
    source: str = "body"  # body, appendix (table), both, duties (Tổ chức thực hiện)
    owner: str | None = None  # the unit heading it is listed under ("2. Sở Tài chính"), if any
    lead: list[UnitRef] = field(default_factory=list)
    support: list[UnitRef] = field(default_factory=list)
    guide: list[UnitRef] = field(default_factory=list)
    time: ReadTime | None = None
    time_inferred: str | None = None  # why a time not written for this task was used
    targets: list[TargetDraft] = field(default_factory=list)
    budget: Decimal | None = None
    venue: str | None = None
    participants: str | None = None
    audience: str | None = None
    modality: str | None = None
    content: str | None = None
    products: str | None = None  # "Sản phẩm", "Kết quả dự kiến"
    funding: str | None = None  # "Nguồn kinh phí" as written
    notes: list[str] = field(default_factory=list)
    doubts: dict[str, str] = field(default_factory=dict)  # field -> what to check
    text: str = ""  # all of the item's words, for matching body and appendix

    def doubt(self, name: str, message: str) -> None:
        self.doubts[name] = f"{self.doubts[name]}; {message}" if name in self.doubts else message


@dataclass
class ReportDraft:
    """A reporting duty found in "Tổ chức thực hiện", a closing sentence or an appendix."""

    title: str
    compiler: UnitRef
    recipients: list[UnitRef]
    time: ReadTime | None
    source: str
    where: str
    kind: str = "periodic"
    inputs: list[tuple[list[UnitRef], ReadTime | None]] = field(default_factory=list)
    doubts: dict[str, str] = field(default_factory=dict)
    # "báo cáo UBND tỉnh (qua Sở Nội vụ)": whom the inputs address, the compiler being the "qua"
    addressee: list[UnitRef] = field(default_factory=list)


@dataclass
class Signer:
    authority: str | None
    title: str
    name: str


@dataclass
class BudgetCheck:
    """A budget group of an appendix: its subtotal and the sum of its rows."""

    label: str
    title: str
    stated: Decimal
    rows_sum: Decimal


@dataclass
class PlanDraft:
    source: str
    kind: str  # txt, docx, pdf
    year: int | None = None
    document_number: str | None = None
    decision: Decision | None = None  # the Quyết định the plan is issued with, if any
    title: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued: dt.date | None = None
    period: tuple[dt.date, dt.date] | None = None
    period_source: str | None = None
    signer: Signer | None = None
    standing_unit: UnitRef | None = None
    standing_source: str | None = None
    legal_bases: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    targets: list[TargetDraft] = field(default_factory=list)
    budget_total: Decimal | None = None
    budget_checks: list[BudgetCheck] = field(default_factory=list)
    distribution: list[str] = field(default_factory=list)
    tasks: list[TaskDraft] = field(default_factory=list)
    reports: list[ReportDraft] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    doubts: dict[str, str] = field(default_factory=dict)
