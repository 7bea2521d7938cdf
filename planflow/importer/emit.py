"""Write a plan draft as a definition file, and the units it needs as directory entries.

The YAML is written by hand (not dumped) so that every field the importer is unsure of
carries a comment "# KIỂM TRA: …" right above it, and the document's own wording of a
time stays as written. The result is checked with the definitions' own validation before
anyone sees it: a draft that would not pass ``planflow validate`` is a bug.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from pydantic import ValidationError

from planflow import vnformat as vn
from planflow.compiler import check_plan
from planflow.errors import DocumentError, PlanflowError
from planflow.importer.accuracy import span
from planflow.importer.draft import PlanDraft, ReportDraft, TargetDraft, TaskDraft
from planflow.importer.timing import ReadTime, settle_year
from planflow.importer.unitnames import Matcher, NameKind, UnitRef, expand, guess_kind
from planflow.schema import Plan, Unit, UnitDirectory, UnitKind
from planflow.sync.readiness import REVIEW_MARK
from planflow.units import UnitIndex
from planflow.when import DayWhen, DeadlineWhen, MonthWhen, OngoingWhen, QuarterWhen, WindowWhen, coerce_when

_YEARS_IN_TITLE = re.compile(r"(?<!\d)(\d{4})\s*[-–—]\s*(\d{4})(?!\d)")
CHECK = REVIEW_MARK  # `planflow validate --strict` finds every one of them


def slug(text: str, words: int = 8) -> str:
    """An ASCII id from Vietnamese words: "Phòng Văn hóa - Xã hội" → "phong-van-hoa-xa-hoi"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().lower()
    parts = re.findall(r"[a-z0-9]+", ascii_text)[:words]
    return "-".join(parts) or "x"


@dataclass
class Units:
    """The directory the draft uses: an existing one, plus the units it lacks."""

    directory: UnitDirectory
    new: list[Unit] = field(default_factory=list)
    created: bool = False  # the whole directory is new
    place: str | None = None  # the plan's own place: "… tỉnh Đồng Tháp" is the same body without it
    _by_key: dict[str, str] = field(default_factory=dict)
    _by_base: dict[str, str] = field(default_factory=dict)  # keys without the plan's place

    @property
    def complete(self) -> UnitDirectory:
        return UnitDirectory(
            id=self.directory.id, name=self.directory.name, units=[*self.directory.units, *self.new]
        )

    def id_for(self, ref: UnitRef) -> str:
        """The id of a referenced unit, adding it to the directory when it is unknown."""
        if ref.unit_id:
            return ref.unit_id
        key = expand(ref.name)
        if key in self._by_key:
            return self._by_key[key]
        base = self._without_place(key)
        same = self._by_base.get(base) or self._by_key.get(base)
        if same is not None:  # "Ban Quản lý khu Kinh tế" and "… tỉnh Đồng Tháp": one body, two spellings
            self._alias(same, ref.name)
            self._by_key[key] = same
            return same
        taken = {u.id for u in [*self.directory.units, *self.new]}
        base = slug(ref.name)
        unit_id = base
        counter = 2
        while unit_id in taken:
            unit_id = f"{base}-{counter}"
            counter += 1
        name = ref.name[:1].upper() + ref.name[1:]
        kind = UnitKind.GROUP if ref.kind is NameKind.COLLECTIVE else guess_kind(ref.name)
        self.new.append(Unit(id=unit_id, name=name, kind=kind))
        self._by_key[key] = unit_id
        self._by_base.setdefault(base, unit_id)
        return unit_id

    def _without_place(self, key: str) -> str:
        """A name's key without the plan's own province or city after it ("… tỉnh Đồng
        Tháp", "… tỉnh"); a commune's name stays, so two communes' offices stay two units."""
        levels = "|".join(re.escape(expand(w)) for w in ("tỉnh", "thành phố"))
        place = rf"(?:\s+(?:{levels}))?\s+{re.escape(expand(self.place))}$" if self.place else None
        for tail in (place, rf"\s+(?:{levels})$"):
            if tail and re.search(tail, key):
                return re.sub(tail, "", key)
        return key

    def _alias(self, unit_id: str, name: str) -> None:
        for index, unit in enumerate(self.new):
            if unit.id == unit_id and name != unit.name and name not in unit.aliases:
                self.new[index] = unit.model_copy(update={"aliases": [*unit.aliases, name]})


def plan_units(draft: PlanDraft, directory: UnitDirectory | None) -> Units:
    if directory is not None:
        return Units(directory, place=draft.place)
    place = draft.place or "ke-hoach"
    level = re.match(r"Ủy ban nhân dân\s+(xã|phường|thị trấn|huyện|tỉnh|thành phố)\b", draft.issuer or "")
    name = f"{(level.group(1) if level else 'xã').capitalize()} {place}"
    issuer = Unit(id="ubnd", name=draft.issuer or f"Ủy ban nhân dân {place}", kind=UnitKind.PEOPLES_COMMITTEE,
                  aliases=_issuer_aliases(draft))  # fmt: skip
    units = Units(UnitDirectory(id=slug(place), name=name, units=[issuer]), created=True, place=draft.place)
    for spelling in (issuer.name, *issuer.aliases):
        units._by_key[expand(spelling)] = issuer.id
    return units


def _issuer_aliases(draft: PlanDraft) -> list[str]:
    if not draft.issuer:
        return []
    short = draft.issuer.replace("Ủy ban nhân dân", "UBND")
    level = re.match(r"UBND\s+(\S+)", short)
    return [short, *([f"UBND {level.group(1)}"] if level else [])]


@dataclass
class Draft:
    """The written draft: its YAML, the ids used and the directory it needs."""

    plan_id: str
    text: str
    units: Units
    plan: Plan


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def comment(self, indent: int, text: str) -> None:
        for part in _wrap(text, 100 - indent):
            self.lines.append(f"{' ' * indent}# {part}")

    def check(self, indent: int, text: str | None) -> None:
        if text:
            self.comment(indent, f"{CHECK}: {text}")

    def field(self, indent: int, key: str, value: Any, doubt: str | None = None, dash: bool = False) -> None:
        if value is None or value == [] or value == "":
            return
        self.check(indent, doubt)
        prefix = f"{' ' * indent}{'- ' if dash else ''}{key}:"
        self.lines.append(f"{prefix} {_scalar(value)}")


def _wrap(text: str, width: int) -> list[str]:
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def _scalar(value: Any) -> str:
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**9, sort_keys=False)
    return dumped.strip().removesuffix("...").strip()


def write_draft(draft: PlanDraft, directory: UnitDirectory | None, plan_id: str | None = None) -> Draft:
    """The YAML of ``draft`` and the directory it needs; DocumentError if no year is known."""
    units = plan_units(draft, directory)
    _settle_years(draft)
    period = _period(draft)
    year = period[0].year
    ident = plan_id or f"{slug(draft.place or 'ke-hoach', 4)}-{draft.year or year}"
    w = _Writer()
    w.comment(
        0,
        f"Bản nháp do `planflow import` tạo từ {draft.source} ({draft.kind}). Hãy đọc lại toàn bộ; "
        f"mỗi dòng “# {CHECK}: …” là chỗ planflow không chắc chắn hoặc văn bản không ghi.",
    )
    for note in draft.footnotes:
        w.comment(0, f"Chú thích của văn bản: {note}")
    w.field(0, "id", ident)
    w.field(0, "document_number", draft.document_number, draft.doubts.get("document_number"))
    w.field(
        0,
        "title",
        draft.title or "(chưa rõ tên kế hoạch)",
        None if draft.title else "không tìm thấy trích yếu",
    )
    issuer_doubt = draft.doubts.get("issuer") or (None if draft.issuer else "không rõ cơ quan ban hành")
    w.field(0, "issuer", draft.issuer or "(chưa rõ)", issuer_doubt)
    w.field(0, "place", draft.place or "(chưa rõ)", None if draft.place else "không rõ địa danh")
    w.field(0, "issued", draft.issued)
    if draft.issued is None:
        w.check(
            0, "ngày ban hành để trống trong văn bản (hoặc không tìm thấy); thêm issued: YYYY-MM-DD khi có"
        )
    if draft.decision is not None:
        w.lines.append("decision:")
        w.field(2, "number", draft.decision.number)
        w.field(2, "issued", draft.decision.issued)
    _signer(w, draft)
    w.check(
        0,
        (draft.period_source and None)
        or "văn bản không nêu kỳ kế hoạch; suy ra từ ngày sớm nhất và cuối năm",
    )
    w.lines.append("period:")
    w.field(2, "start", period[0])
    w.field(2, "end", period[1])
    w.field(0, "units", units.directory.id)
    standing = _standing(draft, units)
    w.field(0, "standing_unit", standing, _standing_doubt(draft))
    _list(w, "legal_bases", draft.legal_bases)
    _list(w, "objectives", draft.objectives)
    _targets(w, 0, draft.targets)
    w.field(0, "budget_total", draft.budget_total)
    for check in draft.budget_checks:
        mismatch = "" if check.stated == check.rows_sum else f" — {CHECK}"
        w.comment(
            0,
            f"Kinh phí {check.label} “{check.title}”: ghi {_scalar(check.stated)}, các dòng cộng lại "
            f"{_scalar(check.rows_sum)} triệu đồng{mismatch}",
        )
    _list(w, "distribution", draft.distribution)
    w.lines.append("")
    w.lines.append("tasks:")
    ids: set[str] = set()
    for task in draft.tasks:
        _task(w, task, units, standing, ids, year)
    if draft.reports:
        w.lines.append("")
        w.lines.append("reports:")
        for report in draft.reports:
            _report(w, report, units, standing, ids, year, draft)
    text = "\n".join(w.lines) + "\n"
    plan = _validate(text, units, year)
    return Draft(ident, text, units, plan)


def _signer(w: _Writer, draft: PlanDraft) -> None:
    signer = draft.signer
    w.check(0, draft.doubts.get("signer"))
    w.lines.append("signer:")
    w.field(2, "authority", signer.authority if signer else None)
    w.field(2, "title", signer.title if signer else "CHỦ TỊCH")
    w.field(2, "name", signer.name if signer else "(chưa rõ)")
    w.comment(2, "email: thêm địa chỉ e-mail của người ký để nhận báo cáo leo thang")


def _standing_doubt(draft: PlanDraft) -> str | None:
    if draft.standing_unit is None:
        return draft.doubts.get("standing_unit")
    source = draft.standing_source or ""
    return None if "thường trực" in source else f"cơ quan thường trực suy ra từ “{source}”"


def _standing(draft: PlanDraft, units: Units) -> str:
    if draft.standing_unit is not None:
        return units.id_for(draft.standing_unit)
    issuer = draft.issuer or "Ủy ban nhân dân"
    return units.id_for(UnitRef(issuer, NameKind.UNIT, _known(units, issuer)))


def _known(units: Units, name: str) -> str | None:
    unit, _ = Matcher(units.complete).find(name)
    return unit.id if unit else None


def _list(w: _Writer, key: str, values: list[str]) -> None:
    if not values:
        return
    w.lines.append(f"{key}:")
    for value in values:
        w.lines.append(f"  - {_scalar(value)}")


def _targets(w: _Writer, indent: int, targets: list[TargetDraft]) -> None:
    if not targets:
        return
    w.lines.append(f"{' ' * indent}targets:")
    for target in targets:
        w.field(indent + 2, "metric", target.metric, dash=True)
        w.field(indent + 4, "comparator", target.comparator)
        w.field(indent + 4, "value", target.value)
        w.field(indent + 4, "unit", target.unit)
        w.field(indent + 4, "text", target.text)


def _unique(base: str, ids: set[str]) -> str:
    ident = base
    counter = 2
    while ident in ids:
        ident = f"{base}-{counter}"
        counter += 1
    ids.add(ident)
    return ident


# The cycle the importer writes at the end of a report's title: "Báo cáo … (hằng năm)".
_TITLE_CYCLE = re.compile(r"\((hằng tháng|hằng quý|6 tháng|hằng năm|đột xuất)\)\s*$")


def _report_id(title: str, compiler: str, ids: set[str]) -> str:
    """An id that says what the report is: its cycle ("bao-cao-hang-nam", "bao-cao-dot-xuat"),
    else its subject ("bao-cao-so-ket-giua-ky"); the compiler's id tells apart two reports
    of one plan that would say the same ("bao-cao-hang-nam-so-tai-chinh"), a counter only
    what the compiler does not."""
    cycle = _TITLE_CYCLE.search(title)
    base = slug(f"báo cáo {cycle.group(1)}") if cycle else slug(title, 8)
    if base not in ids:
        ids.add(base)
        return base
    return _unique(f"{base}-{compiler}", ids)


def _task(w: _Writer, task: TaskDraft, units: Units, standing: str, ids: set[str], year: int) -> None:
    w.lines.append("")
    w.field(2, "id", _unique(slug(task.title, 7), ids), dash=True)
    w.field(4, "label", task.label)
    w.field(4, "section", task.section)
    w.field(4, "title", task.title)
    lead = _ids(task.lead, units)
    doubt = task.doubts.get("lead")
    if not lead:
        lead = [standing]
        doubt = f"{doubt or 'văn bản không ghi đơn vị chủ trì'}; tạm giao cơ quan thường trực '{standing}'"
    w.field(4, "lead", lead, doubt)
    support = [units.id_for(r) for r in task.support if r.unit_id or r.kind is NameKind.UNIT]
    groups = [r.name for r in task.support if not r.unit_id and r.kind is NameKind.COLLECTIVE]
    w.field(4, "support", list(dict.fromkeys(support)), task.doubts.get("support"))
    w.field(4, "support_groups", groups)
    w.field(4, "guide", _ids(task.guide, units), task.doubts.get("guide"))
    _when(w, 4, task.time, task.doubts.get("when"), year)
    _targets(w, 4, task.targets)
    w.field(4, "budget", task.budget, task.doubts.get("budget"))
    for name in ("venue", "participants", "audience", "modality", "content", "products", "funding"):
        w.field(4, name, getattr(task, name))
    w.field(4, "notes", " | ".join(dict.fromkeys(task.notes)) or None)


def _ids(refs: list[UnitRef], units: Units) -> list[str]:
    return list(dict.fromkeys(units.id_for(r) for r in refs))


def _when(w: _Writer, indent: int, time: ReadTime | None, doubt: str | None, year: int) -> None:
    if time is None or time.when is None:
        # Not understood in full: the document's words stay, with no date (never a guess).
        problem = time.problem if time and time.problem and time.problem not in (doubt or "") else None
        why = "; ".join(d for d in (doubt, problem) if d) or "không có thời gian"
        w.check(indent, f"{why}; chưa đặt hạn, tạm để 'ongoing' (thường xuyên) — sửa lại")
        w.field(indent, "when", {"kind": "ongoing", "text": time.text} if time else "ongoing")
        return
    w.check(indent, doubt)
    try:
        again = coerce_when(time.text, year)
    except PlanflowError:
        again = None
    if again is not None and again.model_copy(update={"text": None}) == time.when.model_copy(
        update={"text": None}
    ):
        w.field(indent, "when", time.text)
        return
    canonical = time.when.model_dump(mode="json", exclude_none=True)
    canonical["text"] = time.text
    w.field(indent, "when", canonical)


def _report(
    w: _Writer, report: ReportDraft, units: Units, standing: str, ids: set[str], year: int, draft: PlanDraft
) -> None:
    w.lines.append("")
    compiler = units.id_for(report.compiler) if report.compiler.kind is not NameKind.NOT_UNIT else standing
    w.field(2, "id", _report_id(report.title, compiler, ids), dash=True)
    w.field(4, "title", report.title)
    w.field(4, "kind", report.kind)
    w.field(4, "compiler", compiler)
    recipients: list[dict[str, str]] = []
    for ref in report.recipients:
        unit = ref.unit_id or (units.id_for(ref) if ref.kind is NameKind.UNIT else None)
        recipients.append({"unit": unit} if unit else {"name": ref.name})
    doubt = report.doubts.get("recipients")
    if not recipients:
        issuer = _standing_issuer(draft, units)
        recipients = [{"unit": u} for u in dict.fromkeys([issuer, standing]) if u != compiler] or [
            {"unit": issuer}
        ]
        doubt = doubt or "văn bản không ghi nơi nhận báo cáo; tạm gửi UBND và cơ quan thường trực"
    w.check(4, doubt)
    w.lines.append("    recipients:")
    for recipient in recipients:
        key, value = next(iter(recipient.items()))
        w.lines.append(f"      - {key}: {_scalar(value)}")
    if report.addressee:
        names = ", ".join(r.name for r in report.addressee)
        w.field(4, "addressee", f"{names} (qua {report.compiler.name})")
    if report.time is None or report.time.when is None:
        written = report.time.text if report.time else None
        said = report.doubts.get("when") or ""
        problem = report.time.problem if report.time else None
        why = "; ".join(d for d in (said, problem if problem and problem not in said else None) if d)
        w.check(4, f"{why or 'không có thời hạn'}; tạm để theo yêu cầu — sửa lại")
        event = written or "Khi có yêu cầu (văn bản không ghi thời hạn)"
        w.field(4, "when", {"kind": "event", "description": event, **({"text": written} if written else {})})
    else:
        _when(w, 4, report.time, report.doubts.get("when"), year)
    w.field(4, "cutoff", "decree09" if report.kind == "periodic" else "plan")
    inputs = [(list(dict.fromkeys(units.id_for(u) for u in refs)), time) for refs, time in report.inputs]
    inputs = [(u, t) for u, t in inputs if u and u != [compiler]]
    if inputs:
        w.lines.append("    inputs:")
        for unit_ids, time in inputs:
            w.field(6, "units", unit_ids, dash=True)
            if (
                time is not None
                and time.when is not None
                and time.text != (report.time.text if report.time else None)
            ):
                _when(w, 8, time, None, year)
    w.field(4, "source", report.source)


def _settle_years(draft: PlanDraft) -> None:
    """Dates whose year came from the plan lose it where that year is uncertain: the plan's
    period, or its title ("… giai đoạn 2026 - 2030"), spans several years."""
    span = _YEARS_IN_TITLE.search(draft.title or "")
    multi = (draft.period is not None and draft.period[0].year != draft.period[1].year) or bool(
        span and span.group(1) != span.group(2)
    )
    for task in draft.tasks:
        task.time = settle_year(task.time, multi, draft.issued)
    for report in draft.reports:
        report.time = settle_year(report.time, multi, draft.issued)
        report.inputs = [(refs, settle_year(t, multi, draft.issued)) for refs, t in report.inputs]


def times_to_review(draft: PlanDraft) -> int:
    """Time wordings kept as written, with no date, for a person to settle."""
    times = [t.time for t in draft.tasks] + [r.time for r in draft.reports]
    return sum(1 for t in times if t is not None and t.when is None)


def _standing_issuer(draft: PlanDraft, units: Units) -> str:
    issuer = draft.issuer or "Ủy ban nhân dân"
    return units.id_for(UnitRef(issuer, NameKind.UNIT, _known(units, issuer)))


def _period(draft: PlanDraft) -> tuple[dt.date, dt.date]:
    days: list[dt.date] = []
    times = [t.time for t in draft.tasks] + [r.time for r in draft.reports]
    for time in times:
        if time is None or time.when is None:
            continue
        when = time.when
        if isinstance(when, DayWhen | WindowWhen | DeadlineWhen | MonthWhen | QuarterWhen):
            days += [d for d in span(when)[1:] if d is not None]
        elif isinstance(when, OngoingWhen) and when.start and when.end is None:
            days.append(when.start)
    year = draft.year or (min(days).year if days else None)
    if year is None:
        raise DocumentError(
            f"{draft.source}: không xác định được năm của kế hoạch (không có ngày tháng nào); "
            "dùng --year YYYY"
        )
    if draft.period is not None:
        start, end = draft.period
        if days and (min(days) < start or max(days) > end):
            draft.warnings.append(
                f"kỳ kế hoạch {vn.day(start)} - {vn.day(end)} không chứa mọi ngày của nhiệm vụ; đã nới rộng"
            )
            start, end = min([start, *days]), max([end, *days])
        return start, end
    start = min(days) if days else dt.date(year, 1, 1)
    return start, max([dt.date(year, 12, 31), *days])


def _validate(text: str, units: Units, year: int) -> Plan:
    data = yaml.safe_load(text)
    try:
        plan = Plan.model_validate(data, context={"year": year})
    except ValidationError as exc:
        raise PlanflowError(f"bản nháp không hợp lệ (lỗi của planflow import, hãy báo lại): {exc}") from None
    issues = check_plan(plan, UnitIndex(units.complete))
    if issues:
        listed = "; ".join(f"{'.'.join(map(str, i.loc))}: {i.message}" for i in issues)
        raise PlanflowError(f"bản nháp không hợp lệ (lỗi của planflow import, hãy báo lại): {listed}")
    return plan


def directory_yaml(units: Units, source: str, indent: int = 2) -> str:
    """The new units, as YAML list items at ``indent`` (to add to a directory's units)."""
    w = _Writer()
    for unit in units.new:
        w.lines.append("")
        w.check(
            indent, f"đơn vị mới do `planflow import` đề xuất từ {source}: kiểm tra tên, loại, thêm e-mail"
        )
        w.field(indent, "id", unit.id, dash=True)
        w.field(indent + 2, "name", unit.name)
        w.field(indent + 2, "kind", unit.kind.value)
    return "\n".join(w.lines) + "\n"


def new_directory_yaml(units: Units, source: str) -> str:
    w = _Writer()
    w.comment(0, f"Danh mục đơn vị do `planflow import` tạo từ {source}. {CHECK}: thêm e-mail, bí danh, "
                 "người đứng đầu cho từng đơn vị.")  # fmt: skip
    w.field(0, "id", units.directory.id)
    w.field(0, "name", units.directory.name)
    w.lines.append("units:")
    for unit in units.directory.units:
        w.field(2, "id", unit.id, dash=True)
        w.field(4, "name", unit.name)
        w.field(4, "aliases", unit.aliases)
        w.field(4, "kind", unit.kind.value)
    return "\n".join(w.lines) + directory_yaml(units, source)
