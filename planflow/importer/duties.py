"""The "Tổ chức thực hiện" part: each unit's duties, the standing unit, the report duties.

A duty sentence becomes a report obligation when it makes someone report ("báo cáo")
with a deadline or a cycle ("trước ngày 30/10/2025", "định kỳ hàng quý, 6 tháng, năm
(chậm nhất vào ngày mùng 10 của tháng)", "vào tuần cuối của tháng cuối trong quý") or to
somebody ("về UBND xã (qua Phòng Văn hóa - Xã hội)"). Units that report to the standing
unit for it to consolidate become the inputs of the standing unit's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planflow.importer.draft import ReportDraft
from planflow.importer.outline import Node
from planflow.importer.tasks import section_role
from planflow.importer.timing import ReadTime, read_time
from planflow.importer.unitnames import Matcher, NameKind, UnitRef
from planflow.when import RecurringWhen, normalize

_DUTY_VERBS = (
    r"Chủ trì|Tham mưu|Tổ chức|Phối hợp|Chỉ đạo|Thực hiện|Triển khai|Hướng dẫn|Cung cấp|Vận động|"
    r"Tuyên truyền|Báo cáo|Là cơ quan|Căn cứ|Chủ động|Đảm bảo|Bảo đảm|Cử|Theo dõi|Xây dựng|Nghiên cứu"
)
_HEAD_SPLIT = re.compile(rf"^(?P<unit>.+?)(?:\s*:\s*|\s+(?=(?:{_DUTY_VERBS})\b))(?P<rest>.*)$")
_TIME_PHRASES = (
    re.compile(r"(?:định kỳ\s+)?(?:hàng|hằng|mỗi)\s+(?:tháng|quý|năm|tuần)(?:\s*,\s*(?:6 tháng|sáu tháng|"
               r"cuối năm|năm|quý))*(?:\s*\([^)]*\))?", re.IGNORECASE),
    re.compile(r"định kỳ\s+(?:6 tháng|sáu tháng|quý|năm)(?:\s*,\s*(?:6 tháng|cuối năm|năm))*"
               r"(?:\s*\([^)]*\))?",
               re.IGNORECASE),
    re.compile(r"(?:trước|chậm nhất(?: vào)?|hạn)\s+(?:ngày\s+)?\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?",
               re.IGNORECASE),
    re.compile(r"(?:trước|chậm nhất)\s+ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?", re.IGNORECASE),
)  # fmt: skip
_LAST_WEEK = re.compile(r"vào tuần cuối của tháng cuối (?:trong|của) quý", re.IGNORECASE)
_RECIPIENT = re.compile(
    r"(?:\bvề|\bgửi|\blên)\s+(?P<to>(?:UBND|Ủy ban|Sở|Bộ|Phòng|Văn phòng|Ban|Thường trực|Huyện ủy|Tỉnh ủy)"
    r"[^,;.()]*?)(?=\s*(?:\(|,|;|\.|$|để|trước|theo|lồng ghép|định kỳ|và phản ánh))"
)
_VIA = re.compile(r"\(\s*qua\s+(?P<via>[^)]+)\)", re.IGNORECASE)
_ADVISE = re.compile(r"tham mưu\s+(?P<who>UBND[^,;.]*?|Ủy ban[^,;.]*?)\s+báo cáo", re.IGNORECASE)
_REPORT_TO = re.compile(
    r"báo cáo\s+(?P<to>(?:(?:Sở|Bộ|UBND|Ủy ban|Thường trực)[^,;]*?)(?:,\s*(?:Sở|Bộ|UBND|Ủy ban)[^,;]*?)*)"
    r"\s+(?=kết quả|tình hình)",
)


@dataclass
class Duty:
    unit_text: str
    units: list[UnitRef]
    sentences: list[tuple[str, str]]  # (sentence, the paragraph it belongs to)
    where: str


def read_duties(root: Node, matcher: Matcher) -> list[Duty]:
    """Each numbered unit of "Tổ chức thực hiện" with its duty sentences."""
    duties: list[Duty] = []
    for part in root.children:
        if part.kind != "roman" or section_role(part) != "duties":
            continue
        for item in part.children:
            if item.kind not in ("number", "letter"):
                continue
            match = _HEAD_SPLIT.match(item.text)
            unit_text, rest = (match.group("unit"), match.group("rest")) if match else (item.text, "")
            unit_text = re.sub(r"^Đề nghị\s+", "", unit_text).strip(" :")
            texts = [rest, *item.body] + [n.full_text for n in item.walk()[1:]]
            sentences = [(s, t) for t in texts for s in _sentences(t)]
            refs = [r for r in matcher.refs(unit_text) if r.kind is not NameKind.NOT_UNIT]
            duties.append(Duty(unit_text, refs, sentences, item.where))
    return duties


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])", text) if s.strip()]


def standing_unit(duties: list[Duty]) -> tuple[UnitRef, str] | None:
    """The unit that monitors the plan: named "cơ quan thường trực", else the one that
    leads ("chủ trì") carrying out the plan or consolidates its reports."""
    rules = (
        (r"cơ quan thường trực|đơn vị thường trực|là cơ quan đầu mối", "là cơ quan thường trực"),
        (r"^chủ trì\b.*(?:kế hoạch|nội dung)", "chủ trì triển khai Kế hoạch"),
        (r"tổng hợp.*báo cáo|theo dõi, đôn đốc", "tổng hợp, báo cáo kết quả"),
    )
    for pattern, why in rules:
        for duty in duties:
            if len(duty.units) == 1 and any(re.search(pattern, normalize(s)) for s, _ in duty.sentences):
                return duty.units[0], f"{duty.unit_text}: {why}"
    return None


def report_duties(
    duties: list[Duty], closing: list[str], matcher: Matcher, year: int | None, standing: UnitRef | None
) -> list[ReportDraft]:
    """Report obligations of the duties and of the closing sentences, merged per compiler."""
    found: list[ReportDraft] = []
    for duty in duties:
        for sentence, paragraph in duty.sentences:
            actor = _actor(duty, paragraph)
            report = _report(sentence, actor, duty.where, matcher, year, standing)
            if report is not None:
                found.append(report)
    for sentence in closing:
        subject = re.search(
            r"(?:hàng|hằng) quý\s+(?P<who>các [^,]+?(?:, [^,]+?)*?)\s+báo cáo", sentence, re.I
        )
        actor = None
        if subject:
            refs = matcher.refs(subject.group("who"))
            actor = refs[0] if refs else None
        report = _report(sentence, actor, "đoạn kết", matcher, year, standing)
        if report is not None:
            found.append(report)
    return _merge(found)


def _actor(duty: Duty, paragraph: str) -> UnitRef | None:
    """Who carries a duty: the one unit of the heading, or, under a heading naming several
    ("Các sở, ban, ngành, UBND các xã, phường"), the one the paragraph starts with."""
    lowered = normalize(paragraph)
    for ref in duty.units:
        if lowered.startswith(normalize(ref.name)):
            return ref
    return duty.units[0] if duty.units else None


def _report(
    sentence: str,
    actor: UnitRef | None,
    where: str,
    matcher: Matcher,
    year: int | None,
    standing: UnitRef | None,
) -> ReportDraft | None:
    lowered = normalize(sentence)
    if "báo cáo" not in lowered or actor is None:
        return None
    if re.search(r"cung cấp số liệu", lowered) and "phối hợp" in lowered:
        return None  # data given to the standing unit: an input, not a report of its own
    phrase = _time_phrase(sentence)
    time = read_time(phrase, year) if phrase else None
    recipients = _recipients(sentence, matcher)
    if time is None and not recipients:
        return None
    via = _VIA.search(sentence)
    compiler = actor
    inputs: list[tuple[list[UnitRef], ReadTime | None]] = []
    if via is not None:
        via_refs = [r for r in matcher.refs(via.group("via")) if r.kind is NameKind.UNIT]
        if via_refs and via_refs[0].name != actor.name:
            compiler = via_refs[0]
            inputs.append(([actor], time))
    elif actor.kind is NameKind.COLLECTIVE and standing is not None:
        compiler, inputs = standing, [([actor], time)]
    kind = "periodic" if time is not None and isinstance(time.when, RecurringWhen) else "thematic"
    if time is None and re.search(r"đột xuất|khi có yêu cầu", lowered):
        kind = "ad_hoc"
    report = ReportDraft(
        title=_title(sentence),
        compiler=compiler,
        recipients=recipients,
        time=time,
        source=sentence.strip(),
        where=where,
        kind=kind,
        inputs=inputs,
    )
    if time is None:
        report.doubts["when"] = "văn bản không ghi thời hạn hay chu kỳ báo cáo"
    elif time.when is None:
        report.doubts["when"] = f"không đọc được thời hạn “{phrase}”: {time.problem}"
    return report


def _time_phrase(sentence: str) -> str | None:
    for pattern in _TIME_PHRASES:
        match = pattern.search(sentence)
        if match:
            phrase = match.group(0)
            if _LAST_WEEK.search(sentence):
                phrase = f"{phrase} {_LAST_WEEK.search(sentence).group(0)}"  # type: ignore[union-attr]
            return phrase
    if _LAST_WEEK.search(sentence):
        return "hàng quý " + _LAST_WEEK.search(sentence).group(0)  # type: ignore[union-attr]
    return None


def _recipients(sentence: str, matcher: Matcher) -> list[UnitRef]:
    texts = [m.group("to") for m in _RECIPIENT.finditer(sentence)]
    texts += [m.group("who") for m in _ADVISE.finditer(sentence)]
    texts += [m.group("to") for m in _REPORT_TO.finditer(sentence)]
    out: list[UnitRef] = []
    for text in texts:
        for ref in matcher.refs(text):
            if ref.kind is not NameKind.NOT_UNIT and all(ref.name != r.name for r in out):
                out.append(ref)
    return out


def _title(sentence: str) -> str:
    match = re.search(r"báo cáo\s+(?:[^,;]*?\s+)?(?P<what>(?:kết quả|tình hình|tiến trình)[^;(]*?)"
                      r"(?:\s+(?:về|gửi|"
                      r"trước|theo|lồng ghép|định kỳ)\b|[.;(]|$)", sentence, re.IGNORECASE)  # fmt: skip
    what = match.group("what").strip() if match else "kết quả thực hiện Kế hoạch"
    return f"Báo cáo {what}"


def _merge(reports: list[ReportDraft]) -> list[ReportDraft]:
    """Duties naming the same compiler and cycle are one report; the units that report
    to the compiler for it are its inputs."""
    out: list[ReportDraft] = []
    for report in reports:
        same = next((r for r in out if _same(r, report)), None)
        if same is None:
            out.append(report)
            continue
        for units, time in report.inputs:
            existing = next((i for i in same.inputs if _unit(i[0][0]) == _unit(units[0])), None)
            if existing is None:
                same.inputs.append((units, time))
            elif time is not None and existing[1] is not None and _cadences(time) < _cadences(existing[1]):
                same.inputs[same.inputs.index(existing)] = (units, time)
        if report.time is not None and (same.time is None or _cadences(report.time) > _cadences(same.time)):
            same.time, same.kind = report.time, report.kind
            same.doubts.pop("when", None)
        same.recipients += [r for r in report.recipients if all(r.name != x.name for x in same.recipients)]
        same.source = f"{same.source} — {report.source}"
    return out


def _unit(ref: UnitRef) -> str:
    return ref.unit_id or normalize(ref.name)


def _same(a: ReportDraft, b: ReportDraft) -> bool:
    if _unit(a.compiler) != _unit(b.compiler):
        return False
    periodic = [isinstance(r.time.when, RecurringWhen) for r in (a, b) if r.time is not None]
    return len(set(periodic)) <= 1


def _cadences(time: ReadTime) -> int:
    return len(time.when.every) if isinstance(time.when, RecurringWhen) else 0
