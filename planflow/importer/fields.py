"""Field labels of a task ("Đơn vị chủ trì:", "Thời gian thực hiện:", "Địa điểm:" …).

The labels are the ones of DESIGN.md §2 and their usual variants; the longest label
that matches wins ("Đơn vị chủ trì phối hợp" is not "Đơn vị chủ trì").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNIT = r"(?:đơn vị|cơ quan|cơ quan/đơn vị|đơn vị/cơ quan|cơ quan, đơn vị|bộ phận)"
# (field, pattern of the label without its colon), longest and most specific first.
_LABELS: tuple[tuple[str, str], ...] = (
    ("support", rf"{_UNIT} chủ trì phối hợp"),
    ("support", rf"{_UNIT} (?:hỗ trợ và phối hợp|phối hợp và hỗ trợ|phối hợp thực hiện|phối hợp|hỗ trợ)"),
    ("lead", rf"{_UNIT} chủ trì(?: thực hiện| tổ chức)?"),
    ("lead", rf"{_UNIT} (?:thực hiện|tổ chức thực hiện|đầu mối|phụ trách|chịu trách nhiệm)"),
    ("lead", r"(?:trách nhiệm thực hiện|người thực hiện|chủ trì thực hiện|chủ trì)"),
    ("support", r"phối hợp(?: thực hiện)?"),
    ("guide", rf"{_UNIT} hướng dẫn"),
    ("when", r"thời gian(?: thực hiện| tổ chức| dự kiến| hoàn thành| triển khai)?(?: dự kiến)?|thời hạn"
             r"(?: hoàn thành| thực hiện)?|tiến độ(?: thực hiện)?"),
    ("venue", r"địa điểm(?: tổ chức| thực hiện)?"),
    ("participants", r"thành phần(?: tham dự| tham gia| dự)?"),
    ("audience", r"đối tượng(?: tham gia| tham dự| áp dụng| thụ hưởng)?"),
    ("modality", r"hình thức(?: tổ chức| thực hiện| triển khai)?|phương thức(?: thực hiện| triển khai)?"),
    ("targets", r"mục tiêu|chỉ tiêu|kết quả cần đạt|yêu cầu cần đạt"),
    ("funding", r"nguồn (?:kinh phí|vốn)(?: thực hiện)?"),
    ("budget", r"kinh phí(?: thực hiện| dự kiến)?(?: \(triệu đồng\))?|dự toán(?: kinh phí)?"),
    ("products", r"sản phẩm(?: dự kiến| đầu ra| chính)?|kết quả (?:dự kiến|đầu ra)"),
    ("content", r"nội dung(?: thực hiện| chính| hoạt động)?"),
)  # fmt: skip
_START = [(name, re.compile(rf"^(?:{pattern})\s*:\s*", re.IGNORECASE)) for name, pattern in _LABELS]
_INLINE = re.compile(
    r"(?:(?<=[.;])\s+|\s*\(\s*)((?:(?:đơn vị|cơ quan)(?:/đơn vị)? )?(?:chủ trì|phối hợp)(?: thực hiện)?|"
    r"thời (?:gian|hạn)(?: thực hiện| hoàn thành| dự kiến)?|tiến độ|mục tiêu|chỉ tiêu|địa điểm|thành phần|"
    r"đối tượng|(?:nguồn )?kinh phí(?: thực hiện)?|sản phẩm(?: dự kiến)?|kết quả dự kiến)\s*:\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Field:
    name: str  # lead, support, guide, when, venue, participants, audience, modality, targets, budget,
    # funding, products, content
    label: str
    value: str


def field_of(text: str) -> Field | None:
    """The field a paragraph states ("Đơn vị chủ trì: Phòng Kinh tế."), or None."""
    clean = re.sub(r"\s+", " ", text).strip()
    for name, pattern in _START:
        match = pattern.match(clean)
        if match:
            return Field(name, clean[: match.end()].rstrip(" :"), clean[match.end() :].strip())
    return None


def split_inline_fields(text: str) -> tuple[str, list[Field]]:
    """Fields written inside a paragraph after a sentence ("… làm việc. Thời gian thực
    hiện: Thực hiện thường xuyên trong năm."): the text before them and the fields."""
    matches = list(_INLINE.finditer(text))
    if not matches:
        return text, []
    head = text[: matches[0].start()].strip().rstrip(" ;,(")
    found: list[Field] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.start(1) : end].strip()
        if "(" in text[: match.start(1)] and ")" in value:
            value = value[: value.index(")")]  # "(Đơn vị chủ trì: Sở X; thời gian: 2026)"
        parsed = field_of(value.strip(" ;"))
        if parsed is not None:
            found.append(parsed)
    return head, found
