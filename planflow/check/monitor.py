"""Xanh / Vàng / Đỏ: the view a province has of its communes' plans, the way the national
monitoring system for Resolution 57 shows provinces and communes ("phủ xanh").

For a parent plan at a date, each child plan, and each lead unit within it, is classed from
its tasks and reports (occurrences) by what is due by that date:

- **Đỏ** (late): at least one occurrence due on or before the date is not done;
- **Vàng** (warning): none is late, but one was done after its due date, or one falling due
  within the next ``WARN_DAYS`` days is not done yet;
- **Xanh** (on track): everything due by the date was done on time, and nothing is about to
  fall due undone.

Ongoing and event-driven items have no due date and do not count. The share of green is the
green children over all children (a unit's colour is shown, not counted). Pure functions of
the statuses at the date; ``monitor`` reads them from the store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy.orm import Session

from planflow import vnformat as vn
from planflow.check.plans import plan_status
from planflow.loader import Definitions
from planflow.status import OccurrenceStatus, Status
from planflow.store import repo

WARN_DAYS = 7


class Colour(StrEnum):
    GREEN = "xanh"
    YELLOW = "vang"
    RED = "do"

    @property
    def label(self) -> str:
        return vn.COLOUR_LABELS[self.value]


FILLS = {Colour.GREEN: "C6EFCE", Colour.YELLOW: "FFEB9C", Colour.RED: "FFC7CE"}


@dataclass(frozen=True)
class Row:
    """One child plan (``unit`` empty) or one of its lead units, classed at the date."""

    plan_id: str
    issuer: str
    unit: str
    due: int
    done: int
    done_late: int
    late: int
    soon: int
    colour: Colour


@dataclass(frozen=True)
class Monitor:
    plan_id: str
    title: str
    day: dt.date
    rows: list[Row]

    @property
    def plans(self) -> list[Row]:
        return [r for r in self.rows if not r.unit]

    @property
    def green_share(self) -> str:
        """ "2/3 (66,7%)": green children over all children."""
        return green_share([r.colour for r in self.plans])


def green_share(colours: Sequence[Colour]) -> str:
    """ "2/3 (66,7%)": the green ones over all, "0/0" when there is none."""
    if not colours:
        return "0/0"
    green = sum(1 for c in colours if c is Colour.GREEN)
    return f"{green}/{len(colours)} ({vn.ratio(green, len(colours))})"


def classify(items: Sequence[OccurrenceStatus], day: dt.date) -> tuple[int, int, int, int, int, Colour]:
    """(due, done, done late, late, due soon, colour) of occurrences at ``day``."""
    dated = [s for s in items if s.facts.kind in ("task", "report") and s.facts.due is not None]
    due = [s for s in dated if s.facts.due is not None and s.facts.due <= day]
    done = sum(1 for s in due if s.status.is_done)
    done_late = sum(1 for s in dated if s.status is Status.DONE_LATE)
    late = len(due) - done
    horizon = day + dt.timedelta(days=WARN_DAYS)
    soon = sum(
        1 for s in dated if s.facts.due is not None and day < s.facts.due <= horizon and not s.status.is_done
    )
    colour = Colour.RED if late else Colour.YELLOW if done_late or soon else Colour.GREEN
    return len(due), done, done_late, late, soon, colour


def rows_of(plan_id: str, issuer: str, items: Sequence[OccurrenceStatus], day: dt.date,
            names: dict[str, str]) -> list[Row]:  # fmt: skip
    """The plan's row, then one per lead unit (in the order they first appear)."""
    rows = [Row(plan_id, issuer, "", *classify(items, day))]
    units: dict[str, list[OccurrenceStatus]] = {}
    for s in items:
        for unit in s.facts.lead[:1]:
            units.setdefault(unit, []).append(s)
    for unit, own in units.items():
        counts = classify(own, day)
        if counts[0] or counts[4]:  # a unit with nothing due says nothing
            rows.append(Row(plan_id, issuer, names.get(unit, unit), *counts))
    return rows


def monitor(defs: Definitions, parent_id: str, day: dt.date, *, session: Session) -> Monitor:
    """Every child plan of ``parent_id`` (and their lead units) classed at the end of ``day``."""
    parent = defs.plan(parent_id)
    stored = set(repo.plan_ids(session=session))
    rows: list[Row] = []
    for child_id in sorted(i for i in defs.plans if defs.plan(i).parent_plan == parent_id):
        child = defs.plan(child_id)
        names = {u.id: u.name for u in defs.directory_for(child).units}
        items = plan_status(child_id, day, session=session).items if child_id in stored else []
        rows.extend(rows_of(child_id, child.issuer, items, day, names))
    return Monitor(parent.id, parent.title, day, rows)


HEADERS = ("Kế hoạch", "Địa phương", "Đơn vị chủ trì", "Đến hạn", "Hoàn thành", "Hoàn thành trễ",
           "Quá hạn", f"Sắp đến hạn ({WARN_DAYS} ngày)", "Phân loại")  # fmt: skip


def _cells(r: Row) -> list[str | int]:
    return [r.plan_id, r.issuer, r.unit, r.due, r.done, r.done_late, r.late, r.soon, r.colour.label]


def to_csv(m: Monitor) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Vietnamese text as it is."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(_cells(r) for r in m.rows)
    return ("\ufeff" + out.getvalue()).encode()


def to_xlsx(m: Monitor) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "Phan loai"
    sheet.append([f"Phân loại Xanh/Vàng/Đỏ ngày {vn.day(m.day)}: {m.title}"])
    sheet.append([f"Tỷ lệ xanh: {m.green_share}"])
    sheet.append(list(HEADERS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for r in m.rows:
        sheet.append(_cells(r))
        colour = FILLS[r.colour]
        sheet.cell(sheet.max_row, len(HEADERS)).fill = PatternFill(
            "solid", start_color=colour, end_color=colour
        )
    for letter, width in zip("ABCDEFGHI", (18, 34, 40, 9, 11, 14, 9, 20, 11), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
