"""Table headers: which column holds what (task, lead unit, time, budget …).

Vietnamese plans label their columns in a small number of ways ("TT", "Nhiệm vụ",
"Nội dung nhiệm vụ", "Đơn vị chủ trì", "Cơ quan theo dõi, đánh giá …", "Thời gian dự
kiến", "Kinh phí (triệu đồng)", "Ghi chú" …); a header is recognised by those labels,
never by its position.
"""

from __future__ import annotations

import re
from enum import StrEnum

from planflow.importer.document import DOUBTFUL
from planflow.when import normalize


class Role(StrEnum):
    INDEX = "index"
    TASK = "task"
    CONTENT = "content"
    LEAD = "lead"
    SUPPORT = "support"
    TIME = "time"
    BUDGET = "budget"
    FUNDING = "funding"
    PRODUCT = "product"
    TARGET = "target"
    NOTES = "notes"
    OTHER = "other"


# "Cơ quan/Đơn vị", "Cơ quan, đơn vị", "Đơn vị/Địa phương" … before "chủ trì", "phối hợp"
# (OCR may lose the slash: "Cơ quanĐơn vị chủ trì").
_BODIES = r"(?:cơ quan|đơn vị|bộ phận|địa phương|sở, ngành)(?:\s*[/,]?\s*(?:cơ quan|đơn vị|địa phương))*\s*"
# Checked in order: the first pattern that matches the start of a header cell wins.
_HEADER_PATTERNS: tuple[tuple[Role, str], ...] = (
    (Role.INDEX, r"(?:s[ốo]\s*)?s?tt\b\.?"),
    (Role.SUPPORT, rf"(?:{_BODIES})?(?:chủ trì\s+)?phối hợp"),
    (Role.LEAD, rf"{_BODIES}(?:chủ trì|thực hiện|phụ trách|theo dõi|đầu mối|chịu trách nhiệm|tham mưu)|"
                r"chủ trì|người thực hiện|phân công|trách nhiệm thực hiện"),
    (Role.TIME, r"thời gian|thời hạn|tiến độ|hạn hoàn thành|mốc thời gian|lộ trình|năm thực hiện"),
    (Role.FUNDING, r"nguồn (?:kinh phí|vốn|ngân sách|lực)"),
    (Role.BUDGET, r"kinh ph|dự toán|ngân sách|tổng (?:mức )?(?:vốn|kinh phí)"),
    (Role.TARGET, r"chỉ tiêu|mục tiêu"),
    (Role.TASK, r"(?:tên\s+)?(?:nhiệm vụ|hoạt động|"
                r"nội dung\s*[/,]?\s*(?:nhiệm vụ|công việc|hoạt động|thực hiện|chương trình)|"
                r"công việc|giải pháp|tên (?:đề án|dự án|chương trình|văn bản|sản phẩm)|"
                r"đề án|dự án|chương trình)"),
    (Role.PRODUCT, r"sản phẩm|kết quả|hình thức (?:văn bản|sản phẩm)|yêu cầu sản phẩm"),
    (Role.CONTENT, r"nội dung|yêu cầu|hình thức"),
    (Role.NOTES, r"ghi chú"),
)  # fmt: skip

_ANY_LABEL = re.compile("|".join(f"(?:{p})" for _, p in _HEADER_PATTERNS))


def role_of(cell: str) -> Role | None:
    """The role of one header cell, or None when it is no known column label. A word OCR
    read with doubt ("Đơn[?] vị chủ trì") still names its column."""
    text = re.sub(r"\s+", " ", normalize(cell.replace(DOUBTFUL, ""))).strip(" :.")
    if not text:
        return None
    for role, pattern in _HEADER_PATTERNS:
        if re.match(pattern, text):
            return role
    return None


def header_roles(cells: tuple[str, ...] | list[str]) -> list[Role] | None:
    """Roles of a header row, or None when the row is not a header: it needs a task
    column and at least two other known columns (lead, time, index …)."""
    roles = [role_of(c) or Role.OTHER for c in cells]
    if Role.TASK not in roles and Role.CONTENT in roles:
        # "STT | Nội dung | Đơn vị chủ trì | …": the content column is the task column.
        roles[roles.index(Role.CONTENT)] = Role.TASK
    known = [r for r in roles if r is not Role.OTHER]
    if Role.TASK not in roles or len(known) < 3 or not ({Role.LEAD, Role.TIME} & set(roles)):
        return None
    if roles.count(Role.TASK) > 1:
        # "Nhiệm vụ | Nội dung nhiệm vụ": the second is the content.
        first = roles.index(Role.TASK)
        roles = [Role.CONTENT if r is Role.TASK and i != first else r for i, r in enumerate(roles)]
    return roles


def split_header_line(text: str) -> list[str] | None:
    """A header flattened onto one line ("TT Nhiệm vụ Đơn vị chủ trì Đơn vị phối hợp Thời
    gian"): its labels in order, or None if the line is no header."""
    lowered = normalize(text)
    cells: list[str] = []
    position = 0
    while position < len(lowered):
        match = _ANY_LABEL.search(lowered, position)
        if match is None:
            break
        gap = lowered[position : match.start()].strip()
        if gap and cells:
            cells[-1] = f"{cells[-1]} {gap}"
        elif gap:
            return None  # words before the first label: running text, not a header
        cells.append(match.group(0))
        position = match.end()
        # labels never end mid-word
        if position < len(lowered) and lowered[position].isalnum():
            return None
    tail = lowered[position:].strip()
    if tail and cells:
        cells[-1] = f"{cells[-1]} {tail}"
    if header_roles(cells) is None:
        return None
    return cells
