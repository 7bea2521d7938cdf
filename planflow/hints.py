""" "Did you mean" hints for the commonest wrong keys and values of a definition file.

A key the model does not have is matched first against a small table of the words people
write instead (``owner:`` for ``lead:``, the English or unaccented Vietnamese words of
other tools and spreadsheets), then against the keys allowed at that place by spelling
(``budjet`` → ``budget``). A value outside an enumeration is matched the same way
(``monthly`` → ``month``). The hint is added to the loader's message, never replaces it.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

KEY_SYNONYMS: dict[str, str] = {
    # who carries a task out
    "owner": "lead",
    "owners": "lead",
    "responsible": "lead",
    "assignee": "lead",
    "assignees": "lead",
    "chu_tri": "lead",
    "chutri": "lead",
    "chủ_trì": "lead",
    "chủ trì": "lead",
    "don_vi_chu_tri": "lead",
    "leads": "lead",
    # who helps
    "supporters": "support",
    "supports": "support",
    "phoi_hop": "support",
    "phoihop": "support",
    "phối_hợp": "support",
    "phối hợp": "support",
    "coordination_units": "support",
    "huong_dan": "guide",
    "theo_doi": "monitor",
    # when
    "deadline": "when",
    "due": "when",
    "due_date": "when",
    "duedate": "when",
    "date": "when",
    "time": "when",
    "timing": "when",
    "schedule": "when",
    "thoi_gian": "when",
    "thời_gian": "when",
    "thời gian": "when",
    "han": "when",
    "hạn": "when",
    "thoi_han": "when",
    # a task's other fields
    "name": "title",
    "task": "title",
    "ten": "title",
    "noi_dung": "content",
    "description": "content",
    "depends": "depends_on",
    "dependencies": "depends_on",
    "after": "depends_on",
    "requires": "depends_on",
    "cost": "budget",
    "kinh_phi": "budget",
    "kinh_phí": "budget",
    "san_pham": "products",
    "outputs": "products",
    "deliverables": "products",
    "chi_tieu": "targets",
    "indicators": "targets",
    "kpis": "targets",
    "location": "venue",
    "dia_diem": "venue",
    "note": "notes",
    "ghi_chu": "notes",
    # a plan
    "directory": "units",
    "unit_directory": "units",
    "danh_muc": "units",
    "signed_by": "signer",
    "nguoi_ky": "signer",
    "number": "document_number",
    "so_hieu": "document_number",
    "so": "document_number",
    "co_quan_ban_hanh": "issuer",
    "issued_by": "issuer",
    "dates": "period",
    "ky": "period",
    "standing": "standing_unit",
    "thuong_truc": "standing_unit",
    "co_quan_thuong_truc": "standing_unit",
    "noi_nhan": "distribution",
    "can_cu": "legal_bases",
    "muc_tieu": "objectives",
    "goals": "objectives",
    "activities": "tasks",
    "nhiem_vu": "tasks",
    "items": "tasks",
    "bao_cao": "reports",
    # a unit
    "email": "emails",
    "mail": "emails",
    "e-mail": "emails",
    "alias": "aliases",
    "ten_khac": "aliases",
    "type": "kind",
    "loai": "kind",
    "leader": "head",
    "chief": "head",
    "nguoi_dung_dau": "head",
    "thu_truong": "head",
    "quan_he": "relation",
    # a period, a window
    "from": "start",
    "begin": "start",
    "to": "end",
    "until": "end",
}
"""A wrong key → the key meant, offered only where that key is allowed."""

VALUE_SYNONYMS: dict[str, str] = {
    "monthly": "month",
    "quarterly": "quarter",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "half-yearly": "half",
    "semiannual": "half",
    "semi-annual": "half",
    "biannual": "half",
    ">=": ">=",
    "=>": ">=",
    "=<": "<=",
}
"""A wrong value of an enumeration → the value meant."""

WHEN_KEYS = (
    "date", "from", "to", "by", "then", "month", "part", "quarter", "every", "due", "times",
    "on", "before", "ongoing", "until", "event", "after", "text", "tentative", "kind",
)  # fmt: skip
"""The keys of the hand-written forms of ``when:`` (``planflow.when.coerce``)."""

ENGLISH_WHEN = {
    "monthly": "{every: month}",
    "quarterly": "{every: quarter}",
    "yearly": "{every: year}",
    "annually": "{every: year}",
    "annual": "{every: year}",
    "half-yearly": "{every: half}",
    "semiannual": "{every: half}",
    "semi-annual": "{every: half}",
    "continuous": "ongoing",
    "continuously": "ongoing",
    "always": "ongoing",
    "regularly": "ongoing",
    "regular": "ongoing",
    "thuong xuyen": "'Thường xuyên'",
    "hang thang": "'Hàng tháng'",
    "hang quy": "'Hàng quý'",
    "hang nam": "'Hằng năm'",
}
"""What a person from another tool writes as a time, and the form planflow reads."""


def did_you_mean(word: str, choices: Sequence[str], synonyms: dict[str, str]) -> str | None:
    """The choice meant by ``word``: a synonym that is one of the choices, else the
    closest spelling (None if nothing is close)."""
    lowered = word.strip().lower()
    meant = synonyms.get(lowered) or synonyms.get(lowered.replace("-", "_").replace(" ", "_"))
    if meant is not None and meant in choices and meant != word:
        return meant
    close = difflib.get_close_matches(lowered, list(choices), n=1, cutoff=0.7)
    return close[0] if close and close[0] != word else None


def hint(meant: str | None) -> str:
    """The words added to a message: ``; có phải ý bạn là 'lead'?`` (or nothing)."""
    return f"; có phải ý bạn là '{meant}'?" if meant else ""


def when_hint(text: str) -> str | None:
    """The form meant by a time written as another tool writes it (``monthly``)."""
    return ENGLISH_WHEN.get(text.strip().lower())


def allowed_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys allowed in the mapping at ``loc`` of a ``model`` document (its aliases as
    written in YAML), or none when the place is not a model (a ``when:`` has its own)."""
    if any(part == "when" for part in loc):
        return list(WHEN_KEYS)
    found = _walk(model, list(loc))
    return list(found.model_fields) if found is not None else []


def enum_values(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The values allowed at ``loc`` when it is an enumeration or a literal."""
    return _choices(_field_type(model, list(loc)))


def _walk(tp: Any, parts: list[str | int]) -> type[BaseModel] | None:
    tp = _strip(tp)
    if _is_union(tp):
        for arg in get_args(tp):
            found = _walk(arg, parts)
            if found is not None:
                return found
        return None
    if not parts:
        return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None
    part, rest = parts[0], parts[1:]
    if isinstance(part, int):
        return _walk(get_args(tp)[0], rest) if get_origin(tp) in (list, tuple) else None
    if isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
        return _walk(tp.model_fields[part].annotation, rest)
    return None


def _field_type(tp: Any, parts: list[str | int]) -> Any:
    tp = _strip(tp)
    if not parts:
        return tp
    if _is_union(tp):
        for arg in get_args(tp):
            found = _field_type(arg, parts)
            if found is not None:
                return found
        return None
    part, rest = parts[0], parts[1:]
    if isinstance(part, int):
        return _field_type(get_args(tp)[0], rest) if get_origin(tp) in (list, tuple) else None
    if isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
        return _field_type(tp.model_fields[part].annotation, rest)
    return None


def _choices(tp: Any) -> list[str]:
    if tp is None:
        return []
    if _is_union(tp):
        return [value for arg in get_args(tp) for value in _choices(_strip(arg))]
    if isinstance(tp, type) and issubclass(tp, Enum):
        return [str(member.value) for member in tp]
    if get_origin(tp) is Literal:
        return [str(arg) for arg in get_args(tp)]
    return []


def _strip(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)
