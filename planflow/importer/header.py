"""The frame of a plan (Decree 30/2020 layout): issuing body, number, place and date,
the title, legal bases, objectives and targets, the plan's own time and budget, the
signature block and the distribution list ("Nơi nhận")."""

from __future__ import annotations

import datetime as dt
import re

from planflow.importer.columns import header_roles
from planflow.importer.doctype import block_lines
from planflow.importer.document import Block, Line, Table
from planflow.importer.draft import PlanDraft, Signer
from planflow.importer.outline import Node, is_caps, split_marker
from planflow.importer.quantities import money_in, targets_in
from planflow.importer.tasks import section_role
from planflow.importer.timing import read_time
from planflow.when import WindowWhen, normalize

_MOTTO = re.compile(
    r"CỘNG\s+H(?:OÀ|ÒA)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc",
    re.IGNORECASE,
)
_BODY = re.compile(r"(?:Ủ|U)[YỶ]\s+BAN\s+NHÂN\s+DÂN|UBND", re.IGNORECASE)
_LEVEL = re.compile(r"^(XÃ|PHƯỜNG|THỊ TRẤN|HUYỆN|QUẬN|THỊ XÃ|THÀNH PHỐ|TỈNH)\s+([A-ZÀ-ỸĐ][A-ZÀ-ỸĐ\s]*)")
_NUMBER = re.compile(r"Số\s*:\s*([^\s]*?)\s*/\s*([A-ZĐ][A-ZĐ0-9\-]*)")
_PLACE_DATE = re.compile(
    r"(?P<place>[A-ZÀ-ỸĐ][^\d,:;/]{1,40}?),\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})"
)
_JOINED_PLACE_DATE = re.compile(
    r"(?P<place>(?:[A-ZÀ-ỸĐ][^\s,;:\d]*|phố|xã|thị|trấn)(?:\s+(?:[A-ZÀ-ỸĐ][^\s,;:\d]*|phố|xã|trấn)){0,5})"
    r"\s*,\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})"
)
_JOINED_BODY = re.compile(
    r"(?:(?:Ủ|U)[YỶ]\s+BAN\s+NHÂN\s+DÂN|UBND)\s+(XÃ|PHƯỜNG|THỊ TRẤN|HUYỆN|QUẬN|THỊ XÃ|THÀNH PHỐ|TỈNH)\s+"
    r"((?:(?!CỘNG\b)[A-ZÀ-ỸĐ]+\s*){1,4})"
)
_CAPS_ISSUER = re.compile(r"^\s*((?:(?!CỘNG\b)[A-ZÀ-ỸĐ,\-]+\s+){2,12})(?=CỘNG\s+H)")
_ISSUER_SENTENCE = re.compile(
    r"(?:Ủy ban nhân dân|UBND)\s+(xã|phường|thị trấn|huyện|tỉnh|thành phố)\s+((?:[A-ZÀ-ỸĐ][^\s,;.]*\s?){1,4})"
    r"(?=\s*(?:ban hành|xây dựng|triển khai))",
)
_AREA = re.compile(
    r"trên địa bàn\s+(xã|phường|thị trấn|huyện|tỉnh|thành phố)\s+((?:[A-ZÀ-ỸĐ][^\s,;.]*\s?){1,4})"
)
_DOCUMENT_REF = re.compile(r"\bsố\s+\d|\d+\s*/\s*[A-ZĐ]|\d+-[A-ZĐ]+/")
_ATTACHMENT_NOTE = re.compile(r"\s*\((?:ban hành\s+)?kèm theo\b.*$", re.IGNORECASE)
_TITLE_STOP = re.compile(
    r"^(?:căn cứ|thực hiện|kính gửi|\(?(?:ban hành )?kèm theo|[ivx]+\.\s)", re.IGNORECASE
)
_PERSON = re.compile(r"^(?:[A-ZÀ-ỸĐ][a-zà-ỹđ]+\s+){1,5}[A-ZÀ-ỸĐ][a-zà-ỹđ]+$")


def read_header(blocks: list[Block], draft: PlanDraft) -> None:
    """Issuing body, number, place, date and year from the first lines, wherever they sit:
    running text, or the layout table of a Word file (task tables are skipped)."""
    layout = [b for b in blocks if isinstance(b, Line) or not _is_task_table(b)]
    head = [text for _, text in block_lines(layout)[:60]]
    for index, text in enumerate(head):
        if draft.issuer is None and _BODY.search(text) and is_caps(_MOTTO.sub("", text).strip() or "X"):
            after = [_LEVEL.match(_MOTTO.sub("", t).strip()) for t in head[index + 1 : index + 4]]
            level = next((m for m in after if m is not None), None)
            if level is not None:
                draft.issuer = f"Ủy ban nhân dân {level.group(1).lower()} {_title_case(level.group(2))}"
                draft.place = draft.place or _title_case(level.group(2))
        number = _NUMBER.search(text)
        if number and draft.document_number is None:
            _number(number, draft)
        place_date = _PLACE_DATE.search(_NUMBER.sub("", text))
        if place_date and draft.issued is None:
            _place_date(place_date, draft)
    _joined_header(" ".join(head[:40]), draft)


def _is_task_table(block: Block) -> bool:
    return isinstance(block, Table) and any(header_roles(list(row)) for row in block.rows[:4])


def _number(number: re.Match[str], draft: PlanDraft) -> None:
    digits = number.group(1).strip()
    draft.document_number = f"{digits or '…'}/{number.group(2)}"
    if not digits:
        draft.doubts["document_number"] = "số văn bản để trống trong bản ký"


def _place_date(found: re.Match[str], draft: PlanDraft) -> None:
    year = int(found.group("y"))
    draft.place = draft.place or found.group("place").strip()
    draft.year = draft.year or year
    day, month = found.group("d"), found.group("m")
    if day and month:
        try:
            draft.issued = dt.date(year, int(month), int(day))
        except ValueError:
            draft.warnings.append(f"ngày ban hành “{found.group(0)}” không tồn tại")


def _joined_header(text: str, draft: PlanDraft) -> None:
    """The header again as one text: a portal page or a narrow table cell breaks its lines
    anywhere ("ỦY BAN NHÂN" / "DÂN" / "TỈNH ĐỒNG THÁP", "Đồng Tháp," / "ngày 19 tháng 11 …")."""
    if draft.document_number is None:
        number = _NUMBER.search(text)
        if number:
            _number(number, draft)
    if draft.issued is None:
        found = _JOINED_PLACE_DATE.search(_NUMBER.sub("", text))
        if found:
            _place_date(found, draft)
    if draft.issuer is None:
        body = _JOINED_BODY.search(text)
        if body:
            draft.issuer = f"Ủy ban nhân dân {body.group(1).lower()} {_title_case(body.group(2))}"
            draft.place = draft.place or _title_case(body.group(2))
            return
        other = _CAPS_ISSUER.match(text)
        if other and other.group(1).strip():
            draft.issuer = _title_case(other.group(1).strip(" -,"))
            draft.doubts["issuer"] = "tên cơ quan ban hành viết hoa trong văn bản; kiểm tra cách viết"


def _title_case(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


def read_title(root: Node, draft: PlanDraft) -> None:
    """The summary line under "KẾ HOẠCH", and the issuer from the preamble if the
    header did not name it."""
    texts = [c for c in root.children if c.kind == "text"]
    for index, node in enumerate(texts):
        lowered = normalize(node.text)
        if not lowered.startswith("kế hoạch"):
            continue
        rest = node.text[len("KẾ HOẠCH") :].strip()
        parts = [rest] if rest else []
        for following in texts[index + 1 :]:
            if _TITLE_STOP.match(following.text) or len(parts) >= 2:
                break
            parts.append(following.text)
        title = re.sub(r"^(?:về việc|v/v)\s*:?\s*", "", " ".join(parts), flags=re.IGNORECASE).strip(" .")
        title = _ATTACHMENT_NOTE.sub("", title).strip(" .")
        if title:
            draft.title = title[:1].upper() + title[1:]
        break
    preamble = " ".join(c.text for c in texts)
    if draft.issuer is None:
        found = _ISSUER_SENTENCE.search(preamble)
        if found:
            draft.issuer = f"Ủy ban nhân dân {found.group(1)} {found.group(2).strip()}"
        else:
            area = _AREA.search(draft.title or "") or _AREA.search(preamble)
            if area:
                draft.issuer = f"Ủy ban nhân dân {area.group(1)} {area.group(2).strip()}"
                draft.doubts["issuer"] = "văn bản không in tên cơ quan ban hành; suy ra từ “trên địa bàn …”"
    if draft.place is None and draft.issuer:
        draft.place = re.sub(
            r"^Ủy ban nhân dân\s+(?:xã|phường|thị trấn|huyện|tỉnh|thành phố)\s+", "", draft.issuer
        )
    if draft.year is None:
        years = re.findall(r"năm\s+(20\d\d)", draft.title or "")
        if years:
            draft.year = int(years[-1])


def read_bases(root: Node, draft: PlanDraft) -> None:
    """ "Căn cứ …" / "Thực hiện …" sentences of the preamble and of a "CĂN CỨ" part."""
    candidates: list[str] = []
    for node in root.children:
        if node.kind == "text" and re.match(r"^(?:căn cứ|thực hiện)\b", node.text, re.IGNORECASE):
            candidates += re.split(r";\s*|\.\s+(?=[A-ZĐÀ-Ỹ])|\s+(?=Căn cứ\s)", node.text)
        elif node.kind == "roman" and section_role(node) == "bases":
            candidates += [n.full_text for n in node.walk()[1:]] + node.body
    seen: set[str] = set()
    for item in candidates:
        text = re.sub(r"^(?:căn cứ|thực hiện)\s+(?:vào\s+)?", "", item.strip(), flags=re.IGNORECASE)
        text = text.strip(" .;")
        if (
            not text
            or not _DOCUMENT_REF.search(text)
            or re.search(r"ban hành\s+(?:kế hoạch|kh)\b", text, re.I)
        ):
            continue
        key = _document_key(text)
        if key in seen:
            continue
        seen.add(key)
        draft.legal_bases.append(text[:1].upper() + text[1:])


def _document_key(text: str) -> str:
    match = re.search(r"\d+[\w\-]*/[\wĐđ\-/]+", text)
    return match.group(0) if match else normalize(text)


def read_objectives(root: Node, draft: PlanDraft) -> None:
    """Purposes, requirements and objectives; the numeric ones become plan targets."""
    for part in root.children:
        if part.kind != "roman" or section_role(part) != "objectives":
            continue
        for node in part.walk()[1:]:
            heading_only = (
                node.kind in ("roman", "number")
                and len(node.text.split()) <= 6
                and not node.text.endswith(".")
            )
            texts = ([] if heading_only else [node.text]) + node.body
            for text in texts:
                _, _, rest = split_marker(text)
                clean = re.sub(
                    r"^(?:mục đích|mục tiêu(?: chung| cụ thể)?|yêu cầu)\s*:?\s+(?=[A-ZĐÀ-Ỹ])",
                    "",
                    rest.strip(),
                )
                if not clean:
                    continue
                draft.objectives.append(clean)
                if re.search(r"chỉ tiêu", normalize(node.parent.text if node.parent else "")):
                    draft.targets += targets_in(clean)


def read_plan_time_and_budget(root: Node, draft: PlanDraft) -> None:
    for part in root.children:
        if part.kind != "roman":
            continue
        role = section_role(part)
        text = " ".join(n.full_text for n in part.walk())
        if role == "period":
            time = read_time(_time_phrase(text), draft.year)
            if isinstance(time.when, WindowWhen):
                draft.period = (time.when.start, time.when.end)
                draft.period_source = f"{part.label}. {part.text[:60]}"
        if role == "budget" and draft.budget_total is None:
            amount = money_in(text)
            if amount is not None:
                draft.budget_total = amount


_TITLE_YEARS = re.compile(r"(?:giai đoạn|thời kỳ|từ năm|năm)\s*(20\d\d)\s*(?:-|–|—|đến(?: năm)?)\s*(20\d\d)")
_TITLE_UNTIL = re.compile(r"đến năm\s+(20\d\d)")
_TITLE_YEAR = re.compile(r"(?<!đến )năm\s+(20\d\d)\b(?!\s*[-–—])")


def read_period_from_title(draft: PlanDraft) -> None:
    """The plan's years from its title: "giai đoạn 2026 - 2030", "03 năm 2026-2028", "… đến
    năm 2035" (from the year it is issued), or one "năm 2026"; a term of office ("nhiệm kỳ
    2026 - 2031") is no period of the plan."""
    if draft.period is not None or not draft.title:
        return
    title = normalize(draft.title)
    span = _TITLE_YEARS.search(title)
    until = _TITLE_UNTIL.search(title)
    single = [int(y) for y in _TITLE_YEAR.findall(title)]
    if span and int(span.group(2)) > int(span.group(1)):
        first, last, source = int(span.group(1)), int(span.group(2)), span.group(0)
    elif until and draft.issued and int(until.group(1)) > draft.issued.year:
        first, last, source = draft.issued.year, int(until.group(1)), until.group(0)
    elif len(set(single)) == 1 and not until:
        first = last = single[0]
        source = f"năm {first}"
    else:
        return
    draft.period = (dt.date(first, 1, 1), dt.date(last, 12, 31))
    draft.period_source = f"tiêu đề: {source.strip()}"


def _time_phrase(text: str) -> str:
    match = re.search(
        r"(?:từ ngày|từ)\s+\d{1,2}/\d{1,2}(?:/\d{4})?\s*(?:đến|-|–)\s*(?:ngày\s+)?\d{1,2}/\d{1,2}/\d{4}", text
    )
    return match.group(0) if match else text


def read_signature(root: Node, draft: PlanDraft) -> None:
    """ "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Nguyễn Sĩ Quân"."""
    blocks = [n for n in root.children if n.kind == "signature"]
    if not blocks:
        return
    words = " ".join(n.text for n in blocks)
    names = [t for n in blocks for t in n.body if _PERSON.match(t.strip())]
    words = re.sub(r"\b(TM|KT|Q|TL|TUQ)\s*\.\s*", r"\n\1. ", words).strip()
    lines = [w.strip() for w in words.split("\n") if w.strip()]
    authority_parts: list[str] = []
    title = "CHỦ TỊCH"
    for line in lines:
        match = re.match(r"^((?:TM|KT|Q|TL|TUQ)\.\s+(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|CHỦ TỊCH|"
                         r"[A-ZÀ-ỸĐ ]+?))"
                         r"(?:\s+((?:PHÓ\s+)?CHỦ TỊCH))?$", line)  # fmt: skip
        if match:
            authority_parts.append(match.group(1).strip())
            if match.group(2):
                title = match.group(2)
        elif re.match(r"^(?:PHÓ\s+)?CHỦ TỊCH$", line):
            title = line
    # "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH": the title follows the collective's name
    if authority_parts and authority_parts[-1].endswith("CHỦ TỊCH") and authority_parts[-1].startswith("TM."):
        head = authority_parts[-1].removesuffix("CHỦ TỊCH").strip()
        if head != "TM.":
            authority_parts[-1] = head
            title = "PHÓ CHỦ TỊCH" if head.endswith("PHÓ") else "CHỦ TỊCH"
    authority = "\n".join(authority_parts) or None
    if names:
        draft.signer = Signer(authority, title, names[0].strip())


def read_distribution(root: Node, draft: PlanDraft) -> None:
    for node in root.children:
        if node.kind != "recipients":
            continue
        for item in node.children:
            text = re.sub(r"\s{2,}", " ", item.full_text).strip(" ;.")
            note = re.search(r"\s+(báo cáo|b/c|để biết|thực hiện)$", text, re.IGNORECASE)
            if note and "(" not in text:
                text = f"{text[: note.start()].strip(' ;')} ({note.group(1)})"
            if text:
                draft.distribution.append(text if not text.lower().startswith("lưu") else text + ".")


# Titles of signers (Decree 30/2020, Art. 8 and Appendix I), longest first.
_POSITIONS = (
    "PHÓ CHỦ TỊCH", "CHỦ TỊCH", "PHÓ THỦ TƯỚNG", "THỦ TƯỚNG", "THỨ TRƯỞNG", "BỘ TRƯỞNG",
    "PHÓ GIÁM ĐỐC", "GIÁM ĐỐC", "PHÓ TRƯỞNG BAN", "TRƯỞNG BAN", "PHÓ CHÁNH VĂN PHÒNG", "CHÁNH VĂN PHÒNG",
    "PHÓ TRƯỞNG PHÒNG", "TRƯỞNG PHÒNG", "PHÓ BÍ THƯ", "BÍ THƯ", "PHÓ CỤC TRƯỞNG", "CỤC TRƯỞNG",
    "PHÓ VỤ TRƯỞNG", "VỤ TRƯỞNG", "PHÓ HIỆU TRƯỞNG", "HIỆU TRƯỞNG", "PHÓ CHÁNH THANH TRA", "CHÁNH THANH TRA",
)  # fmt: skip
_AUTHORITY = re.compile(r"^(?:TM|KT|Q|TL|TUQ)\s*\.")
_SIGNED = re.compile(r"^\(?\s*(?:đã ký|ký|signed)[^)]*\)?$", re.IGNORECASE)


def read_signature_lines(lines: list[tuple[int, str]], draft: PlanDraft) -> None:
    """The last signature block of the document, wherever it sits (a layout table, lines
    broken anywhere): "TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" / name."""
    texts = [part for _, t in lines for part in _split_signed_name(_right_column(t))]
    starts = [i for i, t in enumerate(texts) if _AUTHORITY.match(t) or t in _POSITIONS]
    if not starts:
        return
    first = starts[-1]
    while first - 1 in starts:
        first -= 1
    # "TM. ỦY BAN NHÂN" / "DÂN" / "KT. CHỦ TỊCH": a broken authority line just above
    above = [i for i in range(max(0, first - 3), first) if _AUTHORITY.match(texts[i])]
    if above and all(is_caps(t) for t in texts[above[0] : first]):
        first = above[0]
    caps: list[str] = []
    name: list[str] = []
    for text in texts[first : first + 10]:
        if _SIGNED.match(text):
            continue
        if is_caps(text) and not name:
            caps.append(text)
        elif not is_caps(text) and re.fullmatch(r"(?:[A-ZÀ-ỸĐ][a-zà-ỹđ]*\s*)+", text):
            name.append(text)
        elif name:
            break
    person = " ".join(" ".join(name).split())
    if not caps or not _PERSON.match(person):
        return
    authority, title = _authority_and_title(" ".join(caps))
    draft.signer = Signer(authority, title, person)


def _right_column(text: str) -> str:
    """Text taken from a PDF runs the two columns under the body together ("- Lưu: VT, KGVX;
    KT. CHỦ TỊCH"): the distribution list on the left, the signature on the right."""
    if not re.match(r"^(?:-|nơi nhận)", text, re.IGNORECASE):
        return text
    marker = re.search(r"\s((?:TM|KT|Q|TL|TUQ)\s*\.\s*[A-ZÀ-ỸĐ].*)$", text)
    if marker:
        return marker.group(1)
    tail = text.rsplit(";", 1)[-1].strip() if ";" in text else ""
    if tail in _POSITIONS or (tail and _PERSON.match(tail) and not is_caps(tail)):
        return tail
    return text


def _split_signed_name(text: str) -> list[str]:
    """A signature block flattened onto one line ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH Đào Mỹ"): the
    capitals, then the name."""
    words = text.split()
    size = 0
    while size < min(len(words), 5) and words[-1 - size][:1].isupper() and words[-1 - size][1:].islower():
        size += 1
    caps = " ".join(words[: len(words) - size])
    if size < 2 or not _AUTHORITY.match(caps) or not is_caps(caps):
        return [text]
    return [caps, " ".join(words[len(words) - size :])]


def _authority_and_title(caps: str) -> tuple[str | None, str]:
    """ "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" → ("TM. ỦY BAN NHÂN DÂN\\nKT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH"): the title is the position at the end, the rest is who it signs for."""
    text = " ".join(caps.split())
    title = next((p for p in _POSITIONS if text.endswith(p)), "CHỦ TỊCH")
    rest = text[: len(text) - len(title)].strip() if text.endswith(title) else text
    parts = [p.strip() for p in re.split(r"\s+(?=(?:TM|KT|Q|TL|TUQ)\s*\.)", rest) if p.strip()]
    authority = "\n".join(re.sub(r"^(TM|KT|Q|TL|TUQ)\s*\.\s*", r"\1. ", p) for p in parts)
    return authority or None, title
