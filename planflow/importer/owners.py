"""Who a heading or a sentence names: the units a group of tasks is given to ("2. Sở Tài
chính" over its items, a unit's name run into its first duty), and "<unit> chủ trì, phối hợp
với <units>" written in a task's sentence. A name is only taken when it is nothing but
names of bodies, so a task's title is never read as a unit.
"""

from __future__ import annotations

import re

from planflow.importer.draft import TaskDraft
from planflow.importer.outline import Node
from planflow.importer.unitnames import Matcher, NameKind, UnitRef
from planflow.when import normalize

# "Ban Chỉ huy Quân sự phường chủ trì, phối hợp với Phòng Kinh tế … thực hiện trong Quý I/2026";
# "Phòng Kinh tế … chủ trì; các khu phố phối hợp; hoàn thành trước ngày 15/5/2026".
_PROSE_LEAD = re.compile(r"(?:^|[.;:]\s+)(?P<who>[A-ZĐÀ-Ỹ][^.;:]{2,150}?)\s+chủ trì\b")
_PROSE_SUPPORT = re.compile(
    r"chủ trì,?\s*phối hợp(?: với)?\s+(?P<who>[^.;]+?)(?=\s+(?:thực hiện|triển khai|tổ chức|hoàn thành|trong|"
    r"trước|từ)\b|[.;]|$)|(?:^|[.;]\s+)(?P<before>[^.;:]{2,150}?)\s+phối hợp\s*(?=[.;]|$)"
)
# "Chủ trì, phối hợp với các sở, ngành liên quan tham mưu …", "Phối hợp Sở Y tế thẩm định …":
# a duty that opens with the units it works with, its lead given by a heading or a column.
# Further in the sentence only after a comma and with "với": "…, phối hợp với Sở Tài chính trình …".
_OPENING_SUPPORT = re.compile(
    r"^(?:chủ trì\s*,?\s*)?phối hợp(?: chặt chẽ)?(?: với)?\s+(?P<who>[^.;:]+)|"
    r",\s*(?:chủ trì\s*,?\s*)?phối hợp(?: chặt chẽ)? với\s+(?P<later>[^.;:]+)",
    re.IGNORECASE,
)
# The lowercase action after such a list ends it; "các tổ chức" is a collective, not an action.
_ACTION = re.compile(
    r"\s(?:tham mưu|xây dựng|triển khai|(?<!các )(?<!những )tổ chức|thực hiện|tiến hành|chỉ đạo|thẩm định|"
    r"trình|rà soát|hướng dẫn|kiểm tra|đôn đốc|theo dõi|tuyên truyền|nghiên cứu|đề xuất|lập|tổng hợp|"
    r"cung cấp|báo cáo|đánh giá|vận động|đẩy mạnh|tăng cường|hoàn thiện|ban hành|quản lý|trong việc|"
    r"trong|để|nhằm|về|tại|theo|đối với|khi|tham gia)\b"
)
_BODY_START = re.compile(
    r"^(?:các\s+tổ chức\b|(?:các\s+)?(?:ủy ban|uỷ ban|ubnd|sở|phòng|ban |văn phòng|công an|bộ |"
    r"trung tâm|đài|báo|kho bạc|"
    r"cơ quan|đơn vị|địa phương|viện|học viện|tổng cục|vụ |tổ chức, cá nhân|tổ chức chính trị|cấp ủy|"
    r"chi cục|cục|bảo hiểm|ngân hàng|trường|bệnh viện|liên đoàn|liên hiệp|mặt trận|bưu điện|viễn thông|"
    r"thanh tra|hiệp hội|hội (?:nông dân|liên hiệp|cựu chiến binh|phụ nữ)|đoàn thanh niên|"
    r"liên minh|thành đoàn|tỉnh đoàn))"
)
# How a duty sentence begins, after the unit's name run into it.
_VERB = re.compile(
    r"^(?:Chủ trì|Phối hợp|Tham mưu|Tổ chức|Thực hiện|Triển khai|Hướng dẫn|Xây dựng|Theo dõi|Chỉ đạo|Rà soát|"
    r"Nghiên cứu|Đẩy mạnh|Tăng cường|Phòng ngừa|Căn cứ|Chủ động|Là cơ quan|Tuyên truyền|Cung cấp|Bố trí|"
    r"Kiểm tra|Đôn đốc|Quản lý|Hỗ trợ|Vận động|Đề xuất|Tiếp tục|Bảo đảm|Đảm bảo|Theo chức năng)\b"
)


def unit_heading(node: Node, matcher: Matcher) -> list[UnitRef] | None:
    """ "1. Sở Nông nghiệp và Môi trường" over its duties: the units a group of tasks is
    given to ("Nhiệm vụ cụ thể" written unit by unit)."""
    if node.kind not in ("number", "letter"):
        return None
    node.text = re.sub(r"^Đề nghị\s+", "", node.text)  # "Đề nghị Mặt trận Tổ quốc …": asked, not ordered
    if not (node.children or node.body) or len(node.text.split()) > 10:
        _split_unit_lead_in(node, matcher)
    text = node.text.strip(" .:;")
    if not text or len(text.split()) > 24 or not (node.children or node.body):
        return None
    if not _BODY_START.match(normalize(text)):
        return None
    return _unit_names(text, matcher)


def _split_unit_lead_in(node: Node, matcher: Matcher) -> None:
    """ "4. Công an tỉnh" with its duty on the next line, joined when the lines were
    rebuilt ("Công an tỉnh Phòng ngừa, đấu tranh …"): the unit is the heading, the rest
    its paragraph. Only after a word that surely begins a body's name; a colon after the
    names ends them whatever word follows ("Ban Tuyên giáo …: Ban hành văn bản …")."""
    words = node.text.split()
    if not _BODY_START.match(normalize(node.text)):
        return
    head, colon, rest = node.text.partition(":")
    sentence = any(word[:1].islower() for word in rest.split())  # not "các xã: Gia Thuận, Tân Điền"
    if colon and sentence and _unit_names(head.strip(" ."), matcher) is not None:
        node.text, node.body = head.strip(), [rest.strip(), *node.body]  # "Sở Nội vụ: Tham mưu …"
        return
    starts = range(3, min(len(words) - 3, 20) + 1)  # the first verb after a name of 3 words or more
    verbs = [n for n in starts if _VERB.match(" ".join(words[n : n + 3]).capitalize())]
    for size in verbs:
        head = " ".join(words[:size])
        if _unit_names(head.strip(" .:;"), matcher) is not None:
            node.text, node.body = head, [" ".join(words[size:]), *node.body]
            return


def _unit_names(text: str, matcher: Matcher) -> list[UnitRef] | None:
    """The units ``text`` names, if it is nothing but a list of units."""
    refs = matcher.refs(text)
    if not refs or (refs[0].kind is NameKind.NOT_UNIT and not _BODY_START.match(normalize(refs[0].name))):
        return None
    if any(r.kind is NameKind.NOT_UNIT and not r.name[:1].isupper() for r in refs):
        return None  # "Sở Văn hóa, Thể thao và Du lịch" splits at its comma: capitals go on
    if sum(len(r.name) for r in refs) < 0.7 * len(text):
        return None
    joined: list[UnitRef] = []
    for ref in refs:
        collective = _BODY_START.match(normalize(ref.name))  # "… và các tổ chức chính trị - xã hội"
        if joined and not collective and (ref.kind is NameKind.NOT_UNIT or not ref.name[:1].isupper()):
            joined[-1] = UnitRef(f"{joined[-1].name}, {ref.name}", NameKind.UNIT, None)
        elif ref.kind is NameKind.NOT_UNIT:
            joined.append(UnitRef(ref.name, NameKind.UNIT, None))
        else:
            joined.append(ref)
    return joined


def roles_from_prose(task: TaskDraft, matcher: Matcher) -> None:
    """ "<unit> chủ trì, phối hợp với <units>" written in the task's sentence."""
    lead = _PROSE_LEAD.search(task.text)
    if lead is None:
        return
    refs = _unit_names(lead.group("who").strip(), matcher)
    if refs is None:
        return
    task.lead += [r for r in refs if r.kind is NameKind.UNIT]
    task.support += [r for r in refs if r.kind is not NameKind.UNIT]
    for match in _PROSE_SUPPORT.finditer(task.text[lead.start() :]):
        who = (match.group("who") or match.group("before") or "").strip()
        task.support += [
            r for r in rejoin(matcher.refs_glued(who), matcher) if r.kind is not NameKind.NOT_UNIT
        ]


def support_from_opening(task: TaskDraft, matcher: Matcher) -> None:
    """ "Chủ trì, phối hợp với <units> <action> …": the units a duty opens with support it.
    The list ends at the first action or at a piece that names no body. Only for a duty
    whose lead is known (a unit heading over it, or named in it): an unassigned item
    takes its units from the appendix row that repeats it."""
    match = _OPENING_SUPPORT.search(task.title.strip())
    if match is None or task.support:
        return
    who = match.group("who") or match.group("later")
    action = _ACTION.search(who)
    if action is not None:
        who = who[: action.start()]
    found: list[UnitRef] = []
    for ref in rejoin(matcher.refs_glued(who.strip(" ,")), matcher):
        if ref.kind is NameKind.NOT_UNIT:
            break
        found.append(ref)
    if found:
        task.support += found
        task.notes.append(f"Đơn vị phối hợp lấy từ câu “{_shorten(match.group(0).strip(' ,'))}”")


def _shorten(text: str) -> str:
    return text if len(text) <= 120 else text[:119].rsplit(" ", 1)[0] + "…"


def rejoin(refs: list[UnitRef], matcher: Matcher) -> list[UnitRef]:
    """A comma inside a unit's name ("Phòng Kinh tế, Hạ tầng và Đô thị") splits it: a
    piece that names no unit and begins with a capital continues the name before it."""
    out: list[UnitRef] = []
    for ref in refs:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind is NameKind.UNIT
            and ref.kind is NameKind.NOT_UNIT
            and ref.name[:1].isupper()
        ):
            name = f"{previous.name}, {ref.name}"
            unit, fuzzy = matcher.find(name)
            out[-1] = UnitRef(name, NameKind.UNIT, unit.id if unit else None, fuzzy)
        else:
            out.append(ref)
    return out
