"""Numbers of a plan: targets ("≥ 200 người", "100% hồ sơ …", "≥ 2 tin/tháng") and
budgets ("4.430" triệu đồng, "4.430.000.000 đồng"), read with Vietnamese separators."""

from __future__ import annotations

import re
from decimal import Decimal

from planflow.importer.draft import TargetDraft
from planflow.numbers import parse_vn_number
from planflow.when import normalize

_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_COMPARATORS = (
    (r"≥|>=|tối thiểu|ít nhất|trên|từ", ">="),
    (r"≤|<=|tối đa|không quá|dưới", "<="),
    (r">", ">"),
    (r"<", "<"),
)
_TARGET = re.compile(
    rf"(?P<cmp>≥|>=|≤|<=|>|<|tối thiểu|ít nhất|tối đa|không quá|đạt trên|trên|dưới)?\s*"
    rf"(?P<value>{_NUMBER})(?:\s*-\s*(?P<upper>{_NUMBER}))?\s*(?P<unit>%|[^\W\d_]+(?:/[^\W\d_]+)?)?",
)
_PERCENT_TARGET = re.compile(rf"(?P<value>{_NUMBER})\s*%\s*(?P<rest>[^;.]*)")
_MONEY = re.compile(rf"(?P<value>{_NUMBER})\s*(?P<unit>tỷ|triệu|nghìn|ngàn)?\s*đồng", re.IGNORECASE)


def targets_in(text: str) -> list[TargetDraft]:
    """Percent targets of a sentence: "100% văn bản … ký số; 100% thực hiện đánh giá …"."""
    out: list[TargetDraft] = []
    for part in re.split(r";|\.\s", text):
        match = _PERCENT_TARGET.search(part)
        if match is None:
            continue
        before = part[: match.start()].lower()
        comparator = ">" if re.search(r"\btrên\s*$", before) else ">="
        rest = match.group("rest").strip(' ,”"')
        metric = rest or part.strip(' ,”"')
        out.append(
            TargetDraft(
                metric=_metric(metric),
                comparator=comparator,
                value=parse_vn_number(match.group("value")),
                unit="%",
                text=part.strip(' ,“”"'),
            )
        )
    return out


def target_cell(text: str, metric: str) -> TargetDraft | None:
    """A target written alone in a table cell ("≥ 200 người", "100% (NQ71-CP)",
    "≥ 2 tin/tháng"); ``metric`` names what is counted (the task's title)."""
    clean = text.strip()
    match = _TARGET.match(clean)
    if match is None or not match.group("value"):
        return None
    comparator = _comparator(match.group("cmp"))
    unit = match.group("unit")
    rest = clean[match.end() :].strip(" ,-")
    if unit and unit != "%" and rest and not rest.startswith("("):
        unit = f"{unit} {rest.split('(')[0].strip()}".strip()
    elif unit == "%" and rest and not rest.startswith("("):
        metric = f"{metric} ({rest.split('(')[0].strip()})"
    return TargetDraft(
        metric=_metric(metric),
        comparator=comparator,
        value=parse_vn_number(match.group("value")),
        unit=unit,
        text=clean,
    )


def _comparator(word: str | None) -> str:
    if not word:
        return ">="
    for pattern, comparator in _COMPARATORS:
        if re.fullmatch(pattern, normalize(word).replace("đạt ", "")):
            return comparator
    return ">="


def _metric(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(' .,;:“”"')
    return text[:1].upper() + text[1:] if text else "Chỉ tiêu"


def million_vnd(text: str) -> Decimal | None:
    """A budget cell in million VND ("4.430", "1.580", "30 20" → 50), or None."""
    numbers = re.findall(_NUMBER, text)
    if not numbers or re.search(r"[^\d.,\s]", text.strip()):
        return None
    return sum((parse_vn_number(n) for n in numbers), Decimal(0))


def money_in(text: str) -> Decimal | None:
    """An amount written in running text, in million VND: "4.430.000.000 đồng" → 4430,
    "250 triệu đồng" → 250."""
    match = _MONEY.search(text)
    if match is None:
        return None
    value = parse_vn_number(match.group("value"))
    scale = {"tỷ": Decimal(1000), "triệu": Decimal(1), "nghìn": Decimal("0.001"), "ngàn": Decimal("0.001")}
    unit = (match.group("unit") or "").lower()
    return value * scale[unit] if unit else value / Decimal(1_000_000)
