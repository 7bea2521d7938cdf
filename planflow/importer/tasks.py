"""Tasks of the body: the items of the parts that list activities ("NỘI DUNG", "NHIỆM
VỤ", "GIẢI PHÁP", "CÁC HOẠT ĐỘNG" …), with the fields written under each.

An item is a task when fields are written under it ("- Đơn vị chủ trì: …") or when it
has no sub-items; an item whose sub-items are items (a), b), bullets) is a group, and
its heading becomes the tasks' section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planflow.importer.draft import TaskDraft
from planflow.importer.fields import Field, field_of, split_inline_fields
from planflow.importer.outline import FRAME, Node, heading_key
from planflow.importer.owners import rejoin, roles_from_prose, support_from_opening, unit_heading
from planflow.importer.quantities import million_vnd, money_in, targets_in
from planflow.importer.timing import ReadTime, read_time
from planflow.importer.unitnames import Matcher, NameKind, UnitRef
from planflow.when import normalize

_SECTION_ROLES: tuple[tuple[str, str], ...] = (
    (
        "review",
        r"^(?:tình hình|kết quả thực hiện|đánh giá|dự báo|bối cảnh|thực trạng|sự cần thiết)"
        r"(?!.*\bvà (?:các )?(?:nhiệm vụ|giải pháp))",
    ),
    ("tasks", r"(?:nhiệm vụ|giải pháp) tổ chức thực hiện"),  # the measures, not who does what
    # an emulation campaign's contents and criteria are what is judged, not work given out
    ("criteria", r"^(?:nội dung|tiêu chí|tiêu chuẩn|đối tượng)[^.]*thi đua"),
    ("duties", r"tổ chức thực hiện|phân công (?:nhiệm vụ|trách nhiệm)|trách nhiệm thực hiện"),
    ("bases", r"^căn cứ"),
    ("budget", r"^kinh phí|nguồn (?:kinh phí|vốn)|^dự toán"),
    ("theme", r"^chủ đề"),
    ("pointer", r"^danh mục"),
    ("tasks", r"nhiệm vụ|giải pháp|hoạt động|nội dung|chương trình|phương thức|lộ trình"),
    ("objectives", r"mục đích|mục tiêu|yêu cầu|quan điểm"),
    ("period", r"^thời gian"),
)
_PROSE_TIME = re.compile(
    r"(?:thời gian[^.;:]*?|đến hết|trước|từ|trong|vào)\s+(?:ngày\s+)?"
    r"(?:\d{1,2}/\d{1,2}(?:/\d{4})?(?:\s*[-–]\s*\d{1,2}/\d{1,2}(?:/\d{4})?)?|tháng\s+\d{1,2}/\d{4}|"
    r"quý\s+[IV]+(?:/\d{4})?)",
    re.IGNORECASE,
)
_COLON_TITLE = re.compile(r"^(?P<head>[^:]{12,160}?):\s+(?P<rest>[A-ZĐÀ-Ỹ“\"].{40,})$")
_DESCRIPTIVE = re.compile(
    r"^(?:mục tiêu|mục đích|yêu cầu|quan điểm|tầm nhìn|định hướng|căn cứ|chỉ tiêu|tình hình|bối cảnh|"
    r"thực trạng|sự cần thiết|dự báo|đối tượng|phạm vi|thời gian|tiêu chuẩn|tiêu chí|danh hiệu|"
    r"hình thức khen thưởng|cơ cấu giải thưởng)"
)
_REPORTING = re.compile(
    r"^(?:là cơ quan (?:thường trực|đầu mối)|(?:định kỳ[^,;]*,?\s*)?(?:tổng hợp,?\s*)?báo cáo|"
    r"theo dõi, đôn đốc|chủ trì,? theo dõi|trong quá trình thực hiện|theo dõi\b[^.]*\bbáo cáo)"
)
_POINTER = re.compile(r"phụ lục|biểu (?:mẫu|kèm theo)|danh mục (?:kèm theo|chi tiết)", re.IGNORECASE)
_PARTNERS = re.compile(r"\((?:phối hợp(?: với)?|cùng)\s+([^)]*)\)", re.IGNORECASE)


def section_role(node: Node) -> str:
    key = heading_key(node)
    for role, pattern in _SECTION_ROLES:
        if re.search(pattern, key):
            return role
    return "other"


@dataclass
class BodyContext:
    matcher: Matcher
    year: int | None


def body_tasks(root: Node, context: BodyContext) -> list[TaskDraft]:
    """Every task of the parts that list activities, in document order."""
    out: list[TaskDraft] = []
    for part in root.children:
        if part.kind in FRAME or part.kind in ("text", "table"):
            continue
        if section_role(part) != "tasks":
            continue
        out += _collect(part, context, top=True)
    return out


def _collect(node: Node, context: BodyContext, top: bool = False) -> list[TaskDraft]:
    if node.kind == "table" or (not top and (section_role(node) == "theme" or _descriptive(node))):
        return []
    items = [c for c in node.children if c.kind != "table" and field_of(c.text) is None]
    fields = [c for c in node.children if c.kind != "table" and field_of(c.text) is not None]
    owner = None if top or fields else unit_heading(node, context.matcher)
    if owner is not None:
        return _owned(node, items, owner, context)
    if not top and (fields or not items):
        return [_task(node, context)]
    tasks: list[TaskDraft] = []
    for child in items:
        tasks += _collect(child, context)
    _share_trailing_field(node, items, tasks, context)
    if not items and top and node.body and not _points_elsewhere(node):
        tasks.append(_task(node, context))
    return tasks


def _descriptive(node: Node) -> bool:
    """A heading inside a part on tasks that introduces no tasks: objectives, vision,
    targets, the situation ("2. Mục tiêu cụ thể", "a) Tầm nhìn đến năm 2045")."""
    has_items = any(c.kind != "table" for c in node.children) or bool(node.body)
    return has_items and len(node.text.split()) <= 10 and bool(_DESCRIPTIVE.match(heading_key(node)))


def _owned(node: Node, items: list[Node], owner: list[UnitRef], context: BodyContext) -> list[TaskDraft]:
    """The tasks under a unit heading, led by that unit unless they name their own lead;
    without sub-items each paragraph under it is one task."""
    tasks: list[TaskDraft] = []
    # a duty written under the unit's name before its items ("1. Các cơ quan … căn cứ chức năng …
    # xây dựng kế hoạch …;" then "- Giới thiệu …") is one too; a lead-in ending in ":" is not
    lead_ins = [p for p in node.body if not p.rstrip().endswith(":")] if items else node.body
    for number, paragraph in enumerate(lead_ins, start=1):
        item = Node("dash", "-", paragraph, node.where, parent=node)
        tasks.append(_task(item, context, label=f"{_label(node)} (ý {number})"))
    for child in items:
        tasks += _collect(child, context)
    for task in tasks:
        task.owner = node.text.strip(" .:;")
        support_from_opening(task, context.matcher)
        if not task.lead:
            # every body the heading names leads, collectives too ("Ủy ban Mặt trận Tổ quốc tỉnh và
            # các tổ chức chính trị - xã hội tỉnh", "Các sở, ngành; Ủy ban nhân dân các xã, phường")
            units = [r for r in owner if r.kind is not NameKind.NOT_UNIT]
            task.lead = units or list(owner)
            task.support += [r for r in owner if r not in task.lead]
            task.notes.append(f"Đơn vị chủ trì theo đề mục “{node.text.strip(' .:;')}”")
    return tasks


def duty_tasks(root: Node, context: BodyContext) -> list[TaskDraft]:
    """The duties of "Tổ chức thực hiện" written unit by unit, as tasks led by their unit:
    for a plan whose parts on tasks assign nothing, they are where the work is given out.
    Sentences about monitoring and reporting stay duties (report obligations)."""
    out: list[TaskDraft] = []
    for part in root.children:
        if part.kind != "roman" or section_role(part) != "duties":
            continue
        for item in part.children:
            owner = unit_heading(item, context.matcher)
            if owner is None:
                continue
            items = [c for c in item.children if c.kind != "table"]
            out += [
                t for t in _owned(item, items, owner, context) if not _REPORTING.match(normalize(t.title))
            ]
    for task in out:
        task.source = "duties"
    return out


def tasks_in_appendix(root: Node) -> bool:
    """Whether a part on tasks ("III. NHIỆM VỤ VÀ GIẢI PHÁP (chi tiết Phụ lục đính kèm)")
    lists none itself and points to an appendix."""
    for part in root.children:
        if part.kind in FRAME or part.kind in ("text", "table") or section_role(part) != "tasks":
            continue
        items = [c for c in part.children if c.kind != "table"]
        if not items and _points_elsewhere(part):
            return True
    return False


def _points_elsewhere(node: Node) -> bool:
    """ "Chi tiết tại Phụ lục kèm theo": a part that only sends the reader to an appendix."""
    text = " ".join([node.text, *node.body])
    return bool(_POINTER.search(text)) and len(text.split()) <= 40


def _share_trailing_field(
    node: Node, items: list[Node], tasks: list[TaskDraft], context: BodyContext
) -> None:
    """ "Thời gian thực hiện: …" written once after the last bullet holds for all bullets."""
    if len(items) < 2 or not all(i.kind in ("dash", "plus") for i in items):
        return
    last = items[-1]
    shared = [f for f in (field_of(p) for p in last.body) if f is not None and f.name == "when"]
    if not shared or any(field_of(p) for i in items[:-1] for p in i.body):
        return
    time = read_time(shared[0].value, context.year)
    for task in tasks[-len(items) :]:
        if task.time is None or task.time_inferred == "shared":
            task.time = time
            task.time_inferred = None
        task.notes.append(f"Thời gian ghi chung cho các ý của mục: {shared[0].value}")


def label_of(node: Node) -> str | None:
    """The item's label as the plan numbers it: "II.2", "a)", "II.2 (ý 1)"."""
    return _label(node)


def _label(node: Node) -> str | None:
    path = node.path
    if node.kind in ("dash", "plus"):
        parent = node.parent
        siblings = [c for c in parent.children if c.kind == node.kind] if parent else [node]
        number = siblings.index(node) + 1
        base = _label_path(path[:-1])
        return f"{base} (ý {number})" if base else f"ý {number}"
    if node.kind == "letter":
        return f"{node.label})"
    if node.kind == "number" and path and path[0].kind == "roman" and len(path) == 2:
        return f"{path[0].label}.{node.label}"
    return node.label


def _label_path(path: list[Node]) -> str:
    parts = [n.label for n in path if n.kind in ("roman", "number") and n.label]
    return ".".join(parts)


def _section(node: Node) -> str | None:
    heads = [n for n in node.path[:-1] if n.kind in ("roman", "number", "letter")]
    names = [f"{n.label}. {n.text}" if n.kind != "letter" else f"{n.label}) {n.text}" for n in heads]
    return " — ".join(_shorten(n, 160) for n in names) or None


def _shorten(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rsplit(" ", 1)[0] + "…"


def _task(node: Node, context: BodyContext, label: str | None = None) -> TaskDraft:
    head, inline = split_inline_fields(node.text)
    title, content = _split_title(head)
    fields: list[Field] = list(inline)
    extra: list[str] = [content] if content else []
    for paragraph in node.body:
        found = field_of(paragraph)
        before, more = split_inline_fields(paragraph)
        if found is not None:
            fields.append(found)
        else:
            extra.append(before)
            fields += more
    for child in node.children:
        found = field_of(child.text)
        text = " ".join([child.text, *child.body, *(_flat(c) for c in child.children)])
        if found is not None:
            value = " ".join([found.value, *child.body, *(_flat(c) for c in child.children)]).strip()
            fields.append(Field(found.name, found.label, value))
        elif child.kind != "table":
            extra.append(text)
    task = TaskDraft(
        title=title,
        where=node.where,
        label=label or _label(node),
        section=_section(node),
        text=" ".join([node.text, *node.body]),
    )
    _apply_fields(task, fields, context)
    if extra:
        task.content = _join(task.content, " ".join(e for e in extra if e))
    if not task.lead:
        roles_from_prose(task, context.matcher)
    if task.lead:
        support_from_opening(task, context.matcher)
    _time_from_prose(task, context)
    task.targets += [t for t in targets_in(title) if t.text not in {x.text for x in task.targets}]
    return task


def _flat(node: Node) -> str:
    marker = "+ " if node.kind == "plus" else ""
    return " ".join([marker + node.text, *node.body, *(_flat(c) for c in node.children)])


def _split_title(text: str) -> tuple[str, str | None]:
    """A long item "Triển khai ký số …: Cán bộ phân công tại …" is a title and its content."""
    clean = text.strip()
    match = _COLON_TITLE.match(clean)
    if match and len(clean) > 100 and len(match.group("head").split()) >= 6:
        return match.group("head").strip(), match.group("rest").strip()
    return clean, None


def _join(first: str | None, second: str) -> str:
    return f"{first} {second}".strip() if first else second.strip()


def _apply_fields(task: TaskDraft, fields: list[Field], context: BodyContext) -> None:
    for found in fields:
        value = found.value.strip()
        if not value:
            continue
        if found.name in ("lead", "support", "guide"):
            add_units(task, found, value, context.matcher)
        elif found.name == "when":
            if task.time is None:
                task.time = read_time(value, context.year)
            else:
                task.notes.append(f"{found.label}: {value}")
        elif found.name == "targets":
            task.targets += targets_in(value)
            task.content = _join(task.content, f"{found.label}: {value}")
        elif found.name == "budget":
            amount = money_in(value) or million_vnd(value)
            if amount is not None:
                task.budget = amount
            else:
                task.notes.append(f"{found.label}: {value}")
        else:
            current = getattr(task, found.name)
            setattr(task, found.name, _join(current, value))


def add_units(task: TaskDraft, found: Field, value: str, matcher: Matcher) -> None:
    partners = _PARTNERS.findall(value)
    value = _PARTNERS.sub("", value)
    refs = rejoin(matcher.refs_glued(value), matcher)
    if found.name == "support" and re.search(r"chủ trì phối hợp", found.label, re.IGNORECASE):
        task.notes.append(f"{found.label}: {value}")
    target: list[UnitRef] = getattr(task, found.name)
    for ref in refs:
        if ref.kind is NameKind.NOT_UNIT:
            task.notes.append(f"{found.label}: “{ref.name}” (không phải tên đơn vị)")
            task.doubt(found.name, f"“{ref.name}” không giống tên đơn vị, đã bỏ ra khỏi danh sách")
            continue
        if ref.fuzzy:
            task.doubt(found.name, f"“{ref.name}” được hiểu là đơn vị '{ref.unit_id}' (gần đúng)")
        target.append(ref)
    for partner in partners:
        task.support += [r for r in matcher.refs(partner) if r.kind is not NameKind.NOT_UNIT]


def _time_from_prose(task: TaskDraft, context: BodyContext) -> None:
    """A prose item ("…, thời gian phát động trường ngày 10/10/2025") states its time in a
    sentence: taken, and marked for review."""
    if task.time is not None:
        return
    match = _PROSE_TIME.search(task.text)
    if match is None:
        return
    phrase = re.sub(
        r"^thời gian[^0-9]*?(?=(?:ngày|từ|trong|trước|tháng)\b|\d)", "", match.group(0), flags=re.I
    )
    phrase = re.sub(r"^đến hết\s+", "trước ", phrase, flags=re.IGNORECASE)
    phrase = re.sub(r"^(?:trong|vào)\s+(?=quý)", "", phrase, flags=re.IGNORECASE)
    time = read_time(phrase, context.year)
    if time.when is not None:
        task.time = ReadTime(match.group(0).strip(), time.when)
        task.time_inferred = "prose"
        task.doubt("when", f"thời gian lấy từ câu văn “{match.group(0).strip()}”")


def words(text: str) -> set[str]:
    """Content words of a text, for telling the same activity written twice."""
    stop = {"và", "các", "của", "cho", "trong", "trên", "với", "về", "tại", "theo", "để", "được", "những",
            "một", "có", "là", "đến", "từ", "năm", "ngày", "số"}  # fmt: skip
    tokens = re.findall(r"[^\W\d_]+", normalize(text))
    return {t for t in tokens if t not in stop and len(t) > 1}
