"""The definition models: what a plan or unit-directory YAML file may say.

These classes describe files written by people (``extra="forbid"`` so a misspelt key
is an error, not silently ignored). Stored rows and the views shown to users are
other classes (``planflow.store.models``, ``planflow.status``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from planflow.hints import did_you_mean, hint
from planflow.numbers import parse_vn_number
from planflow.when import BeforeRule, When, coerce_when
from planflow.workdays import DayOffRule

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


SLUG_MAX = 100
"""Longest id: the store keys an occurrence by plan, item, period and unit ids together
(at most 400 characters) and PostgreSQL refuses a longer value."""


def _slug(value: str) -> str:
    if len(value) > SLUG_MAX:
        raise ValueError(f"id dài {len(value)} ký tự, tối đa {SLUG_MAX}; rút ngắn lại")
    if not _SLUG.match(value):
        raise ValueError(f"'{value}' không phải id hợp lệ: chỉ dùng chữ thường không dấu, số, '-', '_', '.'")
    return value


def _email(value: str) -> str:
    if len(value) > 160:  # the store's recipient column, and more than any real address
        raise ValueError(f"địa chỉ e-mail dài {len(value)} ký tự, tối đa 160")
    if not _EMAIL.match(value):
        raise ValueError(f"'{value}' không phải địa chỉ e-mail hợp lệ")
    return value


def _million_vnd(value: Any) -> Any:
    """Budgets are in million VND; "4.430" is 4,430 (dot = thousands, comma = decimals)."""
    if isinstance(value, str):
        try:
            return parse_vn_number(value)
        except ValueError:
            raise ValueError(f"kinh phí '{value}' không phải một số (triệu đồng)") from None
    return value


# The JSON Schema of each (planflow schema) says what the validators check, for editors.
Slug = Annotated[
    str,
    AfterValidator(_slug),
    WithJsonSchema({"type": "string", "pattern": _SLUG.pattern, "maxLength": SLUG_MAX}),
]
Email = Annotated[
    str,
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "pattern": _EMAIL.pattern, "maxLength": 160}),
]
MillionVnd = Annotated[
    Decimal,
    BeforeValidator(_million_vnd),
    Field(ge=0, allow_inf_nan=False),
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": r"^\d[\d.]*(,\d+)?$"}]}
    ),
]
Text = Annotated[str, Field(min_length=1)]


class _Definition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --- unit directories ---------------------------------------------------------------


class UnitKind(StrEnum):
    """What sort of body a unit is; ``group`` is a collective ("các phòng chuyên môn")."""

    PEOPLES_COMMITTEE = "peoples_committee"
    PEOPLES_COUNCIL = "peoples_council"
    PARTY = "party"
    FRONT = "front"
    DEPARTMENT = "department"
    OFFICE = "office"
    CENTER = "center"
    POLICE = "police"
    MILITARY = "military"
    MASS_ORGANISATION = "mass_organisation"
    SCHOOL = "school"
    HEALTH = "health"
    HAMLET = "hamlet"
    TEAM = "team"
    COMMUNE = "commune"
    PROVINCE_DEPARTMENT = "province_department"
    MINISTRY = "ministry"
    ENTERPRISE = "enterprise"
    EXTERNAL = "external"
    GROUP = "group"
    LEADERSHIP = "leadership"


class UnitRelation(StrEnum):
    """How a unit stands to the body whose directory it is in, which decides what its
    messages may say (``planflow.relations``):

    - ``own``: the issuing body itself, its leadership and its office (Văn phòng);
    - ``subordinate``: a body it directs (its phòng, ban, trung tâm, the hamlets, the
      communes under a province);
    - ``superior``: a body above it (UBND tỉnh, a Sở for a commune, a Bộ, the Đảng ủy and
      HĐND of its own level);
    - ``outside``: a body it does not direct (enterprises, banks, institutes, universities,
      the Mặt trận and mass organisations).

    Reminders and overdue notices go only to ``own`` and ``subordinate`` units; the others
    are never chased nor copied, and get a polite coordination request only when the plan
    asks for it (``Plan.coordination``)."""

    OWN = "own"
    SUBORDINATE = "subordinate"
    SUPERIOR = "superior"
    OUTSIDE = "outside"

    @property
    def directed(self) -> bool:
        """Whether the issuing body directs the unit (and so may remind and chase it)."""
        return self in (UnitRelation.OWN, UnitRelation.SUBORDINATE)


class Contact(_Definition):
    """A person: a unit's head, or the one to escalate to."""

    name: Text
    title: str | None = None
    email: Email | None = None
    phone: str | None = None


class Unit(_Definition):
    """One body that can own or support a task."""

    id: Slug
    name: Text = Field(description="display name as the plan writes it")
    aliases: list[Text] = Field(default_factory=list, description="other spellings, abbreviations")
    kind: UnitKind = UnitKind.DEPARTMENT
    emails: list[Email] = Field(default_factory=list)
    head: Contact | None = None
    escalation: Contact | None = Field(default=None, description="whom to escalate to if not head")
    parent: Slug | None = None
    members: list[Slug] = Field(default_factory=list, description="for a group: its units")
    abbreviation: str | None = Field(
        default=None, description="as written after 'Lưu: VT,' in a document it drafts, e.g. VHXH"
    )
    relation: UnitRelation | None = Field(
        default=None,
        description=(
            "own, subordinate, superior or outside: how the unit stands to the body of the "
            "directory; unset, it follows from the kind, the parent and the name "
            "(planflow.relations.default_relation)"
        ),
    )


class UnitDirectory(_Definition):
    """The units of one commune or province, in ``definitions/units/<id>.yaml``."""

    id: Slug
    name: Text
    level: Literal["commune", "province"] | None = Field(
        default=None,
        description="the level of the body the directory belongs to; unset, read from the name "
        "(Tỉnh …, Thành phố … → province; otherwise commune)",
    )
    units: list[Unit] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> UnitDirectory:
        ids = [u.id for u in self.units]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"id đơn vị bị trùng: {', '.join(duplicates)}")
        known = set(ids)
        for unit in self.units:
            for ref in [unit.parent, *unit.members]:
                if ref is not None and ref not in known:
                    raise ValueError(f"đơn vị '{unit.id}' tham chiếu '{ref}' không có trong danh mục")
        return self


# --- plans -----------------------------------------------------------------------------


class Comparator(StrEnum):
    GE = ">="
    GT = ">"
    EQ = "="
    LE = "<="
    LT = "<"


def _comparator(value: Any) -> Any:
    return {"≥": ">=", "≤": "<=", "==": "="}.get(value, value) if isinstance(value, str) else value


class Target(_Definition):
    """A numeric target (chỉ tiêu): ``metric comparator value unit``, e.g. ≥ 200 người."""

    id: Slug | None = Field(default=None, description="defaults to the metric slugified")
    metric: Text
    comparator: Annotated[
        Comparator,
        BeforeValidator(_comparator),
        WithJsonSchema({"enum": [c.value for c in Comparator] + ["≥", "≤", "=="]}),
    ] = Comparator.GE
    value: Annotated[Decimal, Field(allow_inf_nan=False)]
    unit: str | None = None
    text: str | None = Field(default=None, description="the document's own wording")

    @property
    def key(self) -> str:
        return self.id or self.metric


_ROLES = ("lead", "support", "standing", "head", "signer")


_AUDIENCE_SYNONYMS = {
    "owner": "lead",
    "chu_tri": "lead",
    "phoi_hop": "support",
    "supporters": "support",
    "thuong_truc": "standing",
    "leader": "head",
    "chief": "head",
    "nguoi_ky": "signer",
}


def _audience(value: str) -> str:
    if value in _ROLES or value.startswith("unit:"):
        return value
    meant = did_you_mean(value, _ROLES, _AUDIENCE_SYNONYMS)
    raise ValueError(
        f"người nhận '{value}' không hợp lệ: dùng {', '.join(_ROLES)} hoặc unit:<id>{hint(meant)}"
    )


Audience = Annotated[str, AfterValidator(_audience)]


class EscalationStep(_Definition):
    """One rung of the ladder: ``offset`` days from the due date (negative: a reminder
    before it), counted in working days unless ``working_days: false``."""

    offset: int = Field(ge=-90, le=90)
    working_days: bool = True
    to: list[Audience] = Field(min_length=1)
    cc: list[Audience] = Field(default_factory=list)
    template: Literal["reminder", "overdue", "escalation"] = Field(
        default="reminder",
        description="wording: reminder (before due), overdue (to the owner), escalation (upward)",
    )


class EscalationPolicy(_Definition):
    """The ladder of reminders and escalations; a task's own policy replaces the plan's."""

    steps: list[EscalationStep] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _ordered(cls, steps: list[EscalationStep]) -> list[EscalationStep]:
        offsets = [s.offset for s in steps]
        if offsets != sorted(offsets) or len(set(offsets)) != len(offsets):
            raise ValueError("các bước phải theo thứ tự offset tăng dần và không trùng nhau")
        return steps


def _when(value: Any, info: ValidationInfo) -> Any:
    year = (info.context or {}).get("year")
    return coerce_when(value, year)


WhenField = Annotated[When, BeforeValidator(_when)]


ReviewNote = Annotated[
    str | None,
    Field(
        description="a doubt the definition keeps open (the document contradicts itself or says "
        "something impossible): the choice made, to confirm. Listed by 'validate --strict', "
        "shown with the item on the board, in reports and in mails until removed",
    ),
]


class Task(_Definition):
    """One activity of the plan (nhiệm vụ, hoạt động)."""

    id: Slug
    label: str | None = Field(default=None, max_length=60, description="as in the document: a), 2.3, III.1")
    section: str | None = Field(default=None, description="the heading it sits under")
    title: Text
    lead: list[Text] = Field(min_length=1, description="lead units (chủ trì): ids or names")
    support: list[Text] = Field(default_factory=list, description="supporting units (phối hợp)")
    support_groups: list[Text] = Field(
        default_factory=list,
        description="collective supporters the plan names only as a group ('các cơ quan, đơn vị "
        "liên quan'): kept as written, not units of the directory, never notified",
    )
    guide: list[Text] = Field(default_factory=list, description="guiding units (hướng dẫn)")
    monitor: list[Text] = Field(
        default_factory=list,
        description="monitoring units (cơ quan theo dõi, đánh giá, kiểm tra, tổng hợp báo cáo): "
        "they follow the task up, they do not carry it out",
    )
    when: WhenField
    depends_on: list[Slug] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    budget: MillionVnd | None = Field(default=None, description="million VND")
    venue: str | None = None
    participants: str | None = None
    audience: str | None = None
    modality: str | None = None
    content: str | None = None
    products: str | None = Field(default=None, description="products, expected results (sản phẩm)")
    funding: str | None = Field(default=None, description="source of funds as written (nguồn kinh phí)")
    notes: str | None = None
    review: ReviewNote = None
    escalation: EscalationPolicy | None = None


class Recipient(_Definition):
    """Who receives a report: a unit of the directory, or an outside body with addresses."""

    unit: str | None = None
    name: str | None = None
    emails: list[Email] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one(self) -> Recipient:
        if (self.unit is None) == (self.name is None):
            raise ValueError("người nhận cần đúng một trong 'unit' hoặc 'name'")
        return self


class ReportKind(StrEnum):
    """Decree 09/2019 Art. 4."""

    PERIODIC = "periodic"
    THEMATIC = "thematic"
    AD_HOC = "ad_hoc"


class Cutoff(StrEnum):
    """Which days a report's figures cover.

    ``decree09``: Decree 09/2019 Art. 12 (15th of the previous month to the 14th);
    ``calendar``: the calendar period; ``plan``: from the plan start to the due date.
    """

    DECREE09 = "decree09"
    CALENDAR = "calendar"
    PLAN = "plan"


class ReportInput(_Definition):
    """Units that must send their part to the compiler before the report is due."""

    units: list[Text] = Field(min_length=1)
    when: WhenField | None = Field(
        default=None, description="their own schedule; default: lead_days before the report"
    )
    lead_days: int = Field(default=5, ge=0, le=60, description="working days before report due")
    title: str | None = None


class ReportObligation(_Definition):
    """A mandatory report: who compiles it, for whom, which period, when it is due."""

    id: Slug
    title: Text
    kind: ReportKind = ReportKind.PERIODIC
    compiler: Text = Field(description="the unit that compiles and sends it")
    recipients: list[Recipient] = Field(min_length=1)
    addressee: str | None = Field(
        default=None,
        description="the 'Kính gửi' as the duty names it, e.g. UBND tỉnh (qua Sở Khoa học và Công nghệ)",
    )
    when: WhenField
    cutoff: Cutoff = Cutoff.DECREE09
    draft_lead_days: int = Field(default=3, ge=0, le=60, description="working days before due")
    covers: list[Slug] = Field(default_factory=list, description="task ids; empty = whole plan")
    inputs: list[ReportInput] = Field(default_factory=list)
    source: str | None = Field(default=None, description="the sentence of the plan it comes from")
    notes: str | None = None
    review: ReviewNote = None
    escalation: EscalationPolicy | None = None


class Signer(_Definition):
    """The signature block: ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH`` / name."""

    authority: str | None = Field(default=None, description="TM. …, KT. CHỦ TỊCH …")
    title: Text
    name: Text
    email: Email | None = None


class IssuingDecision(_Definition):
    """The decision a plan is issued with ("Ban hành kèm theo Quyết định số … ngày …")."""

    number: str | None = Field(default=None, description="e.g. 4385/QĐ-UBND")
    issued: dt.date | None = None


class PlanPeriod(_Definition):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> PlanPeriod:
        if self.end < self.start:
            raise ValueError("kỳ kế hoạch kết thúc trước khi bắt đầu")
        return self


class Plan(_Definition):
    """A plan (Kế hoạch), in ``definitions/plans/<id>.yaml``."""

    id: Slug
    document_number: str | None = Field(default=None, max_length=120, description="e.g. 123/KH-UBND")
    title: Text
    issuer: Text = Field(description="issuing body, e.g. UBND xã Lộc Tấn")
    place: Text
    issued: dt.date | None = None
    decision: IssuingDecision | None = Field(default=None, description="when issued through a Quyết định")
    signer: Signer
    period: PlanPeriod
    timezone: str = "Asia/Ho_Chi_Minh"
    units: Slug = Field(description="id of the unit directory in definitions/units/")
    standing_unit: Text
    parent_plan: Slug | None = None
    legal_bases: list[Text] = Field(default_factory=list)
    objectives: list[Text] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    budget_total: MillionVnd | None = None
    distribution: list[Text] = Field(default_factory=list)
    tasks: list[Task] = Field(min_length=1)
    reports: list[ReportObligation] = Field(default_factory=list)
    escalation: EscalationPolicy | None = None
    day_off: DayOffRule = DayOffRule.NEXT
    before: BeforeRule = Field(
        default=BeforeRule.DAY_BEFORE,
        description="'trước ngày X': due the day before X (day_before, the default: 'trước' excludes "
        "X) or on X itself (that_day, for an office that reads it so)",
    )
    days_off: list[dt.date] = Field(default_factory=list)
    extra_working_days: list[dt.date] = Field(default_factory=list)
    upcoming_days: int = Field(default=7, ge=0, le=90, description="'upcoming' horizon")
    digest: bool = Field(
        default=True, description="one message per recipient and run (else one per occurrence)"
    )
    coordination: bool = Field(
        default=False,
        description="send superior and outside units leading or supporting an item one polite "
        "coordination request (Đề nghị phối hợp) before it is due; they are never chased",
    )
    example: bool = Field(
        default=False,
        description="an illustration, not a signed plan (assumed dates, signer): loaded and shown, "
        "but the check sends nothing for it unless examples are enabled",
    )
    description: str | None = Field(default=None, description="what the plan is, for an example why")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"múi giờ '{value}' không tồn tại (vd. Asia/Ho_Chi_Minh)") from None
        return value
