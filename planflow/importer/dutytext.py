"""The part of a plan that assigns duties ("Tổ chức thực hiện", "Chế độ báo cáo"), read
into units and sentences.

The part is found by its heading, or, elsewhere in the plan, an item headed by nothing but
units' names ("1. Sở Nông nghiệp và Môi trường" under "NHIỆM VỤ CỤ THỂ"). Each item is one
unit's duties: its heading names the unit, on its own line or before a colon or a verb
("1. Sở Tài chính: Tham mưu …"), or the item's sentences name their own subject ("Các sở,
ban, ngành, UBND các xã, phường định kỳ báo cáo …"); a sentence without one keeps the
subject of the sentence before it in the same paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planflow.importer.outline import FRAME, Node, is_caps
from planflow.importer.unitnames import Matcher, NameKind, UnitRef
from planflow.when import normalize

_DUTY_VERBS = (
    r"Chủ trì|Tham mưu|Tổ chức|Phối hợp|Chỉ đạo|Thực hiện|Triển khai|Hướng dẫn|Cung cấp|Vận động|"
    r"Tuyên truyền|Báo cáo|Là cơ quan|Căn cứ|Chủ động|Đảm bảo|Bảo đảm|Cử|Theo dõi|Xây dựng|Nghiên cứu|"
    r"Tổng hợp|Định kỳ|Khẩn trương|Thường xuyên|Tiếp tục|Ban hành|Rà soát|Tăng cường|Trên cơ sở"
)
_HEAD_SPLIT = re.compile(rf"^(?P<unit>.+?)(?:\s*:\s*|\s+(?=(?:{_DUTY_VERBS})\b))(?P<rest>.*)$")
# Headings of the parts that assign duties or set how to report.
_DUTY_HEADING = re.compile(
    r"tổ chức thực hiện|chế độ (?:thông tin,? )?báo cáo|theo dõi|kiểm tra, giám sát|trách nhiệm|phân công"
)
# Lowercase words that end a sentence's subject ("Các sở, ban, ngành … có trách nhiệm …").
_VERB_AT = re.compile(
    r"\s(?:có trách nhiệm|chủ trì|là cơ quan|là đơn vị|định kỳ|hằng|hàng|tổng hợp|báo cáo|thực hiện|"
    r"triển khai|"
    r"chủ động|kịp thời|xây dựng|căn cứ|tham mưu|theo dõi|gửi|phối hợp|tăng cường|nghiên cứu|trên cơ sở|"
    r"chỉ đạo|hướng dẫn|rà soát|cung cấp|đảm bảo|bảo đảm|nghiêm túc|khẩn trương|thường xuyên|cập nhật|"
    r"đề xuất|vận động|tuyên truyền|cử|lập|phản ánh|tiếp tục|ban hành|khi|trong)\b"
)
# Words before a sentence's subject, a cycle with its deadline among them ("Định kỳ hằng quý
# (trước ngày 20 tháng cuối quý), các cơ quan, đơn vị báo cáo …").
_LEADING = re.compile(
    r"^(?:(?:đồng thời|trên cơ sở [^,]*|căn cứ [^,]*|"
    r"(?:định kỳ(?:\s+(?:(?:hằng|hàng)\s+)?(?:tháng|quý|năm|6 tháng|sáu tháng))?|"
    r"(?:hằng|hàng|mỗi)\s+(?:tháng|quý|năm))(?:\s*\([^()]*\))?|đề nghị|giao|yêu cầu)\s*,?\s*)+",
    re.IGNORECASE,
)
_BODY_START = re.compile(
    r"^(?:các |những )?(?:sở|bộ|ủy ban|uỷ ban|ubnd|phòng|văn phòng|ban|trung tâm|công an|đoàn|hội|liên|"
    r"viện|trường|cơ quan|đơn vị|ngành|địa phương|doanh nghiệp|tổ(?! chức\b)|"
    r"tổ chức (?:chính trị|xã hội|hội|đoàn thể)|"
    r"ấp|thôn|xã|phường|thủ trưởng|"
    r"mặt trận|ubmttq|thường trực|đảng ủy|hđnd|hội đồng|bưu điện|viettel|vnpt|ngân hàng|chi nhánh)\b"
)


@dataclass
class Sentence:
    """A sentence of a duty, the paragraph it is in, and the units it names as its subject."""

    text: str
    paragraph: str
    subject: list[UnitRef]


@dataclass
class Duty:
    """A unit's heading in the duties, or a paragraph there, with its sentences."""

    unit_text: str
    units: list[UnitRef]
    sentences: list[Sentence]
    where: str
    heading: list[UnitRef]  # the last unit heading among its paragraphs, for the items after it


def read_duties(root: Node, matcher: Matcher) -> list[Duty]:
    """The duties of the parts that assign them, and of any item headed by a unit's name
    ("1. Sở Nông nghiệp và Môi trường" under "NHIỆM VỤ CỤ THỂ")."""
    duties: list[Duty] = []
    taken: set[int] = set()
    for node in root.walk():
        if id(node) in taken or node.kind in FRAME or node.kind in ("root", "table", "text"):
            continue
        if _is_duty_part(node):
            for item in node.walk():
                taken.add(id(item))
            duties += _part_duties(node, matcher)
        elif node.kind in ("number", "letter") and _unit_heading(node.text, matcher):
            for item in node.walk():
                taken.add(id(item))
            duties.append(_duty(node, matcher))
    return duties


def _is_duty_part(node: Node) -> bool:
    heading = normalize(node.text)
    if len(heading) < 12 and node.body and is_caps(node.body[0]):
        heading = f"{heading} {normalize(node.body[0])}"  # "VI. TỔ" / "CHỨC THỰC HIỆN" broken by the layout
    if node.kind == "roman" and re.search(r"tổ chức thực hiện|phân công|trách nhiệm thực hiện", heading):
        return True
    short = len(heading) < 110 and (is_caps(node.text) or not re.search(r"[.;]\s*$", node.text))
    return node.kind in ("roman", "number") and short and bool(_DUTY_HEADING.search(heading))


def _part_duties(part: Node, matcher: Matcher) -> list[Duty]:
    """One duty per item of the part; the part's own paragraphs are one more. A paragraph
    that is only a unit's name (a heading whose number Word keeps out of the text) heads the
    dashes after it."""
    duties = []
    heading: list[UnitRef] = []
    if part.body:
        duties.append(_sentences_duty("", [], part.body, part.where, matcher))
        heading = duties[-1].heading
    for item in part.children:
        if item.kind == "table":
            continue
        if item.kind in ("number", "letter") and _is_duty_part(item):
            duties += _part_duties(item, matcher)
            heading = []
        else:
            duties.append(_duty(item, matcher, heading if item.kind in ("dash", "plus") else []))
            heading = duties[-1].heading
    return duties


def _unit_heading(text: str, matcher: Matcher) -> list[UnitRef]:
    """The units a heading names when it is only names ("Sở Tài chính:", "Giao Công an tỉnh")."""
    clean = re.sub(r"^(?:đề nghị|giao)\s+", "", text.strip(" :."), flags=re.IGNORECASE)
    if not clean or len(clean.split()) > 24 or not _BODY_START.match(normalize(clean)):
        return []
    refs = matcher.refs(clean)
    if refs and all(r.kind is not NameKind.NOT_UNIT for r in refs) and _VERB_AT.search(f" {clean}") is None:
        return refs
    return []


def _duty(item: Node, matcher: Matcher, inherited: list[UnitRef] | None = None) -> Duty:
    """An item of the duties: a unit's heading ("1. Sở Tài chính", "2. Phòng Kinh tế: Tham
    mưu …") with its duties, or a paragraph whose sentences name their own subject; the
    subject of the item's own sentence ("1. Các cơ quan, đơn vị … căn cứ chức năng …") is
    also that of the dashes under it."""
    unit_text, rest = item.text.strip(" :."), ""
    units = _unit_heading(item.text, matcher)
    if not units:
        match = _HEAD_SPLIT.match(item.text)
        units = _unit_heading(match.group("unit"), matcher) if match else []
        unit_text, rest = (
            (match.group("unit").strip(" :"), match.group("rest")) if match and units else ("", item.text)
        )
    if not units and item.children:
        units = subject_of(item.text, matcher)
        unit_text = ", ".join(u.name for u in units)
    if not units and inherited:
        units, unit_text = inherited, ", ".join(u.name for u in inherited)
    texts = [rest, *item.body] + [n.full_text for n in item.walk()[1:] if n.kind != "table"]
    return _sentences_duty(unit_text, units, texts, item.where, matcher)


def _sentences_duty(
    unit_text: str, units: list[UnitRef], texts: list[str], where: str, matcher: Matcher
) -> Duty:
    out: list[Sentence] = []
    heading: list[UnitRef] = []  # a unit's name alone on a line: the sentences after it are its duties
    for text in texts:
        named = _unit_heading(text, matcher) if not re.search(r"[.;]\s*$", text) else []
        if named:
            heading = named
            continue
        subject: list[UnitRef] = []
        for index, sentence in enumerate(sentences(text)):
            subject = subject_of(sentence, matcher) or (subject if index else []) or heading
            out.append(Sentence(sentence, text, subject))
    return Duty(unit_text, units, out, where, heading or units)


# A part's heading the reader joined to the paragraph under it ("Chế độ báo cáo Các đơn vị …").
_RUN_IN_HEADING = re.compile(
    r"^(?:Chế độ (?:thông tin,? )?báo cáo|Tổ chức thực hiện|Trách nhiệm thực hiện|"
    r"Phân công (?:nhiệm vụ|thực hiện)|"
    r"Kiểm tra, giám sát|Theo dõi, (?:đánh giá|kiểm tra)[^:.;]{0,30}?)\s*[:.]?\s+(?=[A-ZĐÀ-Ỹ])",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph: split after "." or ";" before a capital; a part's
    heading run into the paragraph is no part of its first sentence."""
    text = _RUN_IN_HEADING.sub("", text.strip())
    return [s.strip() for s in re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])", text) if s.strip()]


def subject_of(sentence: str, matcher: Matcher) -> list[UnitRef]:
    """The units a sentence opens with as its subject ("Các sở, ban, ngành, UBND các xã,
    phường định kỳ báo cáo …" → two collectives), or none."""
    head = _LEADING.sub("", sentence.strip(" -–+•"))
    if not _BODY_START.match(normalize(head)):
        return []
    verb = _VERB_AT.search(head)
    if verb is None:
        return []
    refs = matcher.refs(head[: verb.start()])
    return refs if refs and all(r.kind is not NameKind.NOT_UNIT for r in refs) else []


def standing_unit(duties: list[Duty]) -> tuple[UnitRef, str] | None:
    """The unit that monitors the plan: named "cơ quan thường trực", else the one that
    leads ("chủ trì") carrying out the plan or consolidates its reports."""
    rules = (
        (r"cơ quan thường trực|đơn vị thường trực|là cơ quan đầu mối", "là cơ quan thường trực"),
        (r"^chủ trì\b.*(?:kế hoạch|nội dung)", "chủ trì triển khai Kế hoạch"),
        (
            r"^(?:(?:tham mưu|giúp) (?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\S* \S+ |(?:\S+\s+){0,3}?)"
            r"(?:tổng hợp\b.*báo cáo|theo dõi, đôn đốc)",
            "tổng hợp, báo cáo kết quả",
        ),
    )
    for pattern, why in rules:
        for duty in duties:
            for sentence in duty.sentences:
                who = sentence.subject or duty.units
                text = _LEADING.sub("", normalize(sentence.text).strip(" -–+•"))
                verb = _VERB_AT.search(f" {text}") if sentence.subject else None
                text = f" {text}"[verb.start() :].strip() if verb else text
                if len(who) == 1 and who[0].kind is NameKind.UNIT and re.search(pattern, text):
                    name = duty.unit_text if not sentence.subject else who[0].name
                    return who[0], f"{name}: {why}"
    return None
