"""Dated steps of a campaign plan: what "Thời gian thi đua" / "Thời gian trình khen thưởng"
schedules ("Đợt 01: Cao điểm … (từ ngày 20/11 đến ngày 03/12/2025)", "Tổng kết vào tháng 4
năm 2026", "Hồ sơ … gửi về Sở Nội vụ trước ngày 31/3/2026").

A campaign plan (thi đua, phong trào) gives its work out unit by unit in "Tổ chức thực
hiện"; its dated steps sit in the parts on time, written as sentences, and name no unit. Each
sentence of such a part that holds a date is a step, with that date and no lead (marked for
review); a sentence about the campaign itself ("Phong trào … được triển khai từ tháng 10 …")
states the plan's period, not a step.
"""

from __future__ import annotations

import datetime as dt
import re

from planflow.importer.draft import TaskDraft
from planflow.importer.outline import Node
from planflow.importer.tasks import BodyContext, label_of, section_role
from planflow.importer.timing import ReadTime, read_time
from planflow.when.reading import covered_days

_DAY = r"(?:ngày\s+)?\d{1,2}(?:/\d{1,2}(?:/\d{4})?|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)"
_MONTH = r"tháng\s+\d{1,2}(?:/\d{4}|\s+năm\s+\d{4})"
# "từ ngày 08 đến ngày 10 tháng 12 năm 2025": the first day may leave its month to the second
_DATED = re.compile(
    rf"(?:từ\s+(?:{_DAY}|{_MONTH}|(?:ngày\s+)?\d{{1,2}})\s+(?:đến|[-–])\s+(?:hết\s+)?(?:{_DAY}|{_MONTH})|"
    rf"(?:trước|đến hết|vào|trong)\s+(?:{_MONTH}|{_DAY}))",
    re.IGNORECASE,
)
_CAMPAIGN = re.compile(r"^(?:phong trào|đợt thi đua|cuộc vận động|kế hoạch|hội thi)\b", re.IGNORECASE)
_LABEL = re.compile(r"^thời gian[^:]{0,80}:\s*", re.IGNORECASE)


def dated_steps(root: Node, context: BodyContext) -> list[TaskDraft]:
    """The dated steps of every part on time ("2. Thời gian thi đua"), in document order."""
    out: list[TaskDraft] = []
    for node in _nodes(root):
        if node.kind in ("number", "letter") and section_role(node) == "period":
            out += _steps(node, context)
    return out


def _nodes(node: Node) -> list[Node]:
    found: list[Node] = []
    for child in node.children:
        found.append(child)
        if section_role(child) != "period":
            found += _nodes(child)
    return found


def campaign_period(root: Node, year: int | None) -> tuple[dt.date, dt.date] | None:
    """The span of every date the parts on time state, the campaign's own and its steps'
    ("từ tháng 10 năm 2025 đến hết tháng 3 năm 2026. Tổng kết vào tháng 4 năm 2026")."""
    days = [
        covered_days(found[1].when)
        for node in _nodes(root)
        if node.kind in ("number", "letter") and section_role(node) == "period"
        for leaf in _leaves(node)
        for sentence in _sentences(leaf)
        if (found := _dated(sentence, year)) is not None and found[1].when is not None
    ]
    starts = [d[0] for d in days if d is not None and d[0] != dt.date.min]
    ends = [d[1] for d in days if d is not None and d[1] != dt.date.max]
    return (min(starts), max(ends)) if starts and ends and min(starts) <= max(ends) else None


def _leaves(node: Node) -> list[Node]:
    items = [c for c in node.children if c.kind != "table"]
    return [leaf for c in items for leaf in _leaves(c)] if items else [node]


def _sentences(node: Node) -> list[str]:
    text = _LABEL.sub("", " ".join([node.text, *node.body]).strip())
    return [s.strip() for s in re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])", text)]


def _dated(sentence: str, year: int | None) -> tuple[re.Match[str], ReadTime] | None:
    """The first date phrase of ``sentence`` that reads as a date, with its reading."""
    readings = ((m, read_time(m.group(0), year)) for m in _DATED.finditer(sentence))
    return next(((m, t) for m, t in readings if t.when is not None), None)


def _steps(node: Node, context: BodyContext) -> list[TaskDraft]:
    out: list[TaskDraft] = []
    for leaf in _leaves(node):
        label = label_of(leaf) or ""
        for number, step in enumerate(filter(None, (_step(s, leaf, context) for s in _sentences(leaf)))):
            step.label = label if not number else f"{label} ({number + 1})"
            out.append(step)
    return out


def _step(sentence: str, node: Node, context: BodyContext) -> TaskDraft | None:
    found = None if _CAMPAIGN.match(sentence) else _dated(sentence, context.year)
    if found is None:
        return None
    match, time = found
    title = sentence[: match.start()].rstrip(" (,;:") or sentence.rstrip(" .;")
    task = TaskDraft(title=title, where=node.where, text=sentence, time=time)
    task.doubt("lead", "bước có thời hạn trong phần thời gian của kế hoạch, không ghi đơn vị thực hiện")
    return task
