"""The units' inputs merged into the narrative, the way a standing unit consolidates them.

A unit's note is split into parts by the heading a line starts with ("Kết quả:",
"Khó khăn:"/"Vướng mắc:"/"Tồn tại:"/"Hạn chế:", "Phương hướng:", "Đề xuất:"/"Kiến nghị:");
a line with no heading is a result. Then:

- **results** go to "II. Kết quả thực hiện", under the plan's section the unit's work belongs
  to: the section of the tasks whose targets it gave figures for (the first in the plan's
  order), else the section where it leads the most tasks of the period. Its figures go with
  them, each under the section of its target's task ("Công an xã Lộc Tấn: hướng dẫn …; số
  liệu báo cáo: số người dân được hướng dẫn đăng ký VNeID 1.200 người."). A unit with no such
  section is listed after the plan's sections;
- **difficulties** go to III ("Công an xã Lộc Tấn báo cáo khó khăn: …"), **next steps** to IV,
  **proposals** to V ("Công an xã Lộc Tấn đề xuất: …"), each named by its unit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from planflow import vnformat as vn

_PARTS = {
    "kết quả": "results",
    "khó khăn": "shortcomings",
    "vướng mắc": "shortcomings",
    "tồn tại": "shortcomings",
    "hạn chế": "shortcomings",
    "phương hướng": "next",
    "đề xuất": "proposals",
    "kiến nghị": "proposals",
}
_PART = re.compile(r"^\s*[-•]?\s*(?P<head>[^:]{2,40}):\s*(?P<text>.+)$")


@dataclass(frozen=True)
class NotePart:
    part: str
    head: str
    text: str


@dataclass(frozen=True)
class TargetPlace:
    """Where a target's figure is written: its metric, unit and the plan section of its task
    (None for the plan's own targets)."""

    metric: str
    unit: str | None
    section: str | None


@dataclass(frozen=True)
class ReceivedInput:
    """A received input as the merge needs it."""

    unit_id: str
    unit: str
    note: str | None
    values: Mapping[str, Decimal]


@dataclass
class MergedTexts:
    """The units' texts by the part of the report they go to."""

    by_section: dict[str, list[str]] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    shortcomings: list[str] = field(default_factory=list)
    next: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)


def note_parts(note: str | None) -> list[NotePart]:
    """A unit's note, line by line, with the part each line goes to and its heading."""
    out = []
    for raw in (note or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        part, head, text = "results", "kết quả", line
        match = _PART.match(line)
        if match and match["head"].strip().casefold() in _PARTS:
            head = match["head"].strip().casefold()
            part, text = _PARTS[head], match["text"].strip()
        out.append(NotePart(part, head, text))
    return out


def sentence(text: str) -> str:
    """A quoted note as a sentence: capital first letter, closing full stop."""
    text = text.strip().rstrip(";")
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def clause(text: str) -> str:
    """A quoted note inside a sentence: first letter lowered unless the first word is an
    abbreviation or a name written in capitals ("VNeID", "UBND"), no closing stop."""
    text = text.strip().rstrip(".;")
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:2].islower():
        return text[:1].lower() + text[1:]
    return text


def figure(place: TargetPlace, value: Decimal) -> str:
    """ "số người dân được hướng dẫn đăng ký VNeID 1.200 người", "tỷ lệ … 62%": a unit's
    figure for a target, its yearly unit ("lượt/năm") written as the count it is."""
    unit = (place.unit or "").strip()
    number = vn.number(value)
    if unit == "%":
        amount = f"{number}%"
    else:
        unit = re.sub(r"\s*/\s*năm$", "", unit)
        amount = f"{number} {unit}".strip()
    return f"{clause(place.metric)} {amount}"


def _home(
    received: ReceivedInput,
    places: Mapping[str, TargetPlace],
    led: Mapping[str, Sequence[str]],
    sections: Sequence[str],
) -> str | None:
    """The plan section a unit's results go under (module docstring)."""
    with_figures = [
        s for key in received.values if (s := places[key].section if key in places else None) in sections
    ]
    if with_figures:
        return min(with_figures, key=sections.index)
    counts = {s: sum(1 for u in led.get(s, ()) if u == received.unit_id) for s in sections}
    best = max(counts.values(), default=0)
    return next((s for s in sections if counts[s] == best), None) if best else None


def merge_inputs(
    received: Sequence[ReceivedInput],
    places: Mapping[str, TargetPlace],
    led: Mapping[str, Sequence[str]],
    sections: Sequence[str],
    *,
    named: bool = True,
) -> MergedTexts:
    """The received inputs' texts and figures placed in the report (module docstring).
    ``led`` maps each plan section to the lead unit ids of its task lines in the period;
    ``sections`` are the plan's sections in the report, in the plan's order. Unnamed
    (``named=False``): a unit's own document, which does not name itself in every line."""
    merged = MergedTexts()
    for r in received:
        parts = note_parts(r.note)
        home = _home(r, places, led, sections)
        figures: dict[str | None, list[str]] = {}
        for key, value in r.values.items():
            if key not in places:
                continue
            section = places[key].section
            figures.setdefault(section if section in sections else home, []).append(
                figure(places[key], value)
            )
        results = [clause(_unsigned(p.text, r.unit)) for p in parts if p.part == "results"]
        for section in [home, *(s for s in figures if s != home)]:
            texts = results if section == home else []
            line = _results_line(r.unit if named else None, texts, figures.get(section, []))
            if line is None:
                continue
            if section is None:
                merged.unplaced.append(line)
            else:
                merged.by_section.setdefault(section, []).append(line)
        for p in parts:
            head = f"{r.unit} báo cáo {p.head}: " if named else f"{p.head[:1].upper()}{p.head[1:]}: "
            if p.part == "shortcomings":
                merged.shortcomings.append(f"{head}{clause(p.text)}.")
            elif p.part == "next":
                merged.next.append(f"{r.unit}: {clause(p.text)}." if named else sentence(p.text))
            elif p.part == "proposals":
                said = f"{r.unit} {p.head}: " if named else f"{p.head[:1].upper()}{p.head[1:]}: "
                merged.proposals.append(f"{said}{clause(p.text)}.")
    return merged


def _unsigned(text: str, unit: str) -> str:
    """A result the unit headed with its own name ("Phòng Kinh tế: 12 doanh nghiệp …") without
    that name: the report names it already."""
    match = _PART.match(text)
    if match and unit.casefold().startswith(match["head"].strip().casefold()):
        return match["text"].strip()
    return text


def _results_line(unit: str | None, texts: Sequence[str], figures: Sequence[str]) -> str | None:
    if not texts and not figures:
        return None
    said = "; ".join(texts)
    counted = "; số liệu báo cáo: " + ", ".join(figures) if texts and figures else ", ".join(figures)
    if unit is None:
        return sentence(f"{said}{counted}" if texts else f"Số liệu báo cáo: {counted}")
    return f"{unit}: {said}{counted}."
