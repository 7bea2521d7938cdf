"""Which kind of document this is, and where its plan begins (Decree 30/2020 layout).

An administrative document names its kind twice: in its number ("Số: 552/KH-UBND", the
code after the slash: KH plan, QĐ decision, BC report, TB notice …; a letter, *công văn*,
has no code: "Số: 4085/UBND-ĐT") and in the title in capitals on a line of its own
("KẾ HOẠCH", "QUYẾT ĐỊNH" …). A plan is often issued through a decision: the decision
comes first, then the plan under its own title with "(Ban hành kèm theo Quyết định số …
ngày …)". A news article or a notice that only mentions a plan has neither the number
nor the title, and is refused as "not a plan" rather than as "a plan without tasks".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from planflow.errors import DocumentError
from planflow.importer.document import Block, Line

# Decree 30/2020, Appendix III: abbreviations of the kinds of documents.
_CODES = {
    "KH": "Kế hoạch",
    "CTR": "Chương trình",
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
    "BC": "Báo cáo",
    "TB": "Thông báo",
    "TTR": "Tờ trình",
    "HD": "Hướng dẫn",
    "GM": "Giấy mời",
    "CĐ": "Công điện",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "BB": "Biên bản",
    "QC": "Quy chế",
}
_PLAN_KINDS = ("Kế hoạch", "Chương trình")
_TITLES = {name.upper(): name for name in _CODES.values()} | {"CÔNG VĂN": "Công văn"}
_NUMBER = re.compile(r"\bSố\s*:?\s*([\d.]*)\s*/\s*([A-Za-zĐđ]+)(?:\s*[-–]\s*([A-ZĐ][\wĐ&\-–.]*))?")
_ATTACHED = re.compile(
    r"(?:ban hành\s+)?kèm theo\s+(?:Quyết định|QĐ)\s*(?:số)?\s*:?\s*(?P<number>[\d.]+\s*/\s*Q[ĐD][\w\-–Đ]*)?"
    r"(?:[^()]*?ngày\s*(?P<date>\d{1,2}\s*(?:/|tháng)\s*\d{1,2}\s*(?:/|năm)\s*\d{4}))?",
    re.IGNORECASE,
)
_ISSUES_PLAN = re.compile(r"ban hành kèm theo Quyết định này\s+(?:bản\s+)?Kế hoạch", re.IGNORECASE)
_MARKUP = re.compile(r"[*_#|>`]+")


@dataclass(frozen=True)
class Decision:
    """The decision (Quyết định) a plan is issued with."""

    number: str | None
    issued: dt.date | None


@dataclass(frozen=True)
class Kind:
    """A plan: the block where it begins (after its decision, if any) and the decision."""

    start: int
    decision: Decision | None = None


def tidy(text: str) -> str:
    """A line without Markdown residue (emphasis, table bars, heading marks)."""
    return re.sub(r"\s+", " ", _MARKUP.sub(" ", text)).strip()


def block_lines(blocks: list[Block]) -> list[tuple[int, str]]:
    """(block index, tidy text) of every line, a table's cells read as lines: a Word file
    keeps its header and signature in layout tables."""
    out: list[tuple[int, str]] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Line):
            texts = [block.text]
        else:
            texts = [part for row in block.rows for cell in row for part in cell.split("\n")]
        out += [(index, t) for t in (tidy(text) for text in texts) if t]
    return out


def classify(blocks: list[Block], path: str) -> Kind:
    """Where the plan of ``blocks`` begins; DocumentError when the document is no plan."""
    lines = block_lines(blocks)
    own = _own_kind(lines)
    if own in _PLAN_KINDS:
        return Kind(0)
    attached = _attached_plan(lines) or _issued_plan(lines, own)
    if attached is not None:
        return attached
    if own is None:
        raise DocumentError(
            f"{path}: văn bản này không phải một Kế hoạch: không có số ký hiệu “Số: …/KH-…” và tiêu đề "
            "“KẾ HOẠCH” ở đầu văn bản (một bài viết, tin tức hay văn bản chỉ nhắc đến một kế hoạch?); "
            "planflow import chỉ nhận văn bản Kế hoạch đã ban hành"
        )
    raise DocumentError(
        f"{path}: văn bản này là {own}, không phải Kế hoạch, và không kèm theo Kế hoạch nào (không có "
        "tiêu đề “KẾ HOẠCH” với dòng “Ban hành kèm theo …”); planflow import chỉ nhận Kế hoạch (…/KH-…) "
        "hoặc Kế hoạch ban hành kèm theo Quyết định"
    )


def _own_kind(lines: list[tuple[int, str]]) -> str | None:
    """The document's kind from its first title line, else from the code of its number."""
    head = lines[:60]
    for _, text in head:
        title = _title(text)
        if title is not None:
            return title
    for _, text in head:
        number = _NUMBER.search(text)
        if number:
            code = number.group(2).upper()
            return _CODES.get(code, "Công văn" if number.group(3) else None)
    return None


def _title(text: str) -> str | None:
    """ "KẾ HOẠCH" (or "QUYẾT ĐỊNH:" …) standing alone in capitals; "KẾ HOẠCH HÀNH ĐỘNG …"
    in capitals also names a plan."""
    clean = text.strip(" :.")
    if clean in _TITLES:
        return _TITLES[clean]
    letters = [c for c in clean if c.isalpha()]
    if clean.startswith(("KẾ HOẠCH ", "CHƯƠNG TRÌNH ")) and all(c.isupper() for c in letters):
        return "Kế hoạch" if clean.startswith("KẾ") else "Chương trình"
    return None


def _attached_plan(lines: list[tuple[int, str]]) -> Kind | None:
    """A "KẾ HOẠCH" title later in the document with "(… kèm theo Quyết định số …)" under it."""
    for position, (index, text) in enumerate(lines):
        if _title(text) not in _PLAN_KINDS:
            continue
        following = " ".join(t for _, t in lines[position + 1 : position + 8])
        match = _ATTACHED.search(following)
        if match is None:
            continue
        number = re.sub(r"\s+", "", match.group("number") or "") or None
        return Kind(index, Decision(number, _date(match.group("date"))))
    return None


def _issued_plan(lines: list[tuple[int, str]], own: str | None) -> Kind | None:
    """A decision whose article says "Ban hành kèm theo Quyết định này Kế hoạch …", with the
    plan's title further on but no line under it naming the decision: the decision's own
    number and date (read with the header) are the ones."""
    if own != "Quyết định" or not any(_ISSUES_PLAN.search(t) for _, t in lines):
        return None
    titles = [i for i, (_, t) in enumerate(lines) if _title(t) in _PLAN_KINDS]
    return Kind(lines[titles[0]][0], Decision(None, None)) if titles else None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    parts = [int(p) for p in re.findall(r"\d+", text)]
    try:
        return dt.date(parts[2], parts[1], parts[0])
    except ValueError:
        return None
