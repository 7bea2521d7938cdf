"""The timeline of one plan, as a view: rows grouped by section or by lead unit over a window
(the plan period, a quarter or a month). Pure: the web app renders it, the tests read it.

Why it looks like this: most items of a commune's plan run "thường xuyên" through the year,
so one bar per item gives dozens of identical year-long bars that say nothing. Here

- an item with several dated occurrences (monthly, quarterly) is one row with a mark at
  each due date, coloured by that occurrence's status;
- an item with one dated occurrence is a bar from its start to its due date;
- ongoing and event-driven items are folded into one row per group that lists them;
- items with nothing in the window are left out (and counted), so a month is short.

Geometry is numbers on a 0–1000 axis over the window; each row's track is its own small
SVG stretched to the row's width, so labels stay HTML text that wraps on a phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from planflow import vnformat as vn
from planflow.check.plans import PlanStatus
from planflow.errors import PlanflowError
from planflow.schema import Plan
from planflow.status import OccurrenceStatus, Status
from planflow.web.board import css_class, headline

AXIS = 1000
ZOOMS = {"year": "Cả kỳ kế hoạch", "quarter": "Theo quý", "month": "Theo tháng"}
GROUPS = {"section": "Theo mục", "unit": "Theo đơn vị chủ trì"}
FOLDED = {"ongoing": "Việc thường xuyên", "event": "Việc theo sự kiện"}
REPORTS = "Báo cáo bắt buộc"


@dataclass(frozen=True)
class Window:
    zoom: str
    first: dt.date
    last: dt.date  # inclusive
    label: str
    earlier: dt.date | None  # a day in the previous window, when it overlaps the plan
    later: dt.date | None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def x(self, day: dt.date) -> float:
        """The position of the start of ``day`` on the axis, clamped to the window."""
        clamped = min(max(day, self.first), self.last + dt.timedelta(days=1))
        return round(AXIS * (clamped - self.first).days / self.days, 1)

    def middle(self, day: dt.date) -> float:
        """The middle of ``day`` on the axis: where a mark or today's line sits."""
        return round((self.x(day) + self.x(day + dt.timedelta(days=1))) / 2, 1)


@dataclass(frozen=True)
class Mark:
    x: float
    width: float  # 0 for a mark at one day
    css: str
    text: str


@dataclass(frozen=True)
class Row:
    item_id: str
    label: str
    title: str
    lead: str
    css: str
    text: str
    marks: list[Mark]
    summary: str  # the track in words, for screen readers and for the colour-blind


@dataclass(frozen=True)
class Folded:
    title: str
    rows: list[Row]
    overdue: int


@dataclass(frozen=True)
class Group:
    title: str
    rows: list[Row]
    folded: list[Folded]
    overdue: int

    @property
    def size(self) -> int:
        return len(self.rows) + sum(len(f.rows) for f in self.folded)


@dataclass(frozen=True)
class Timeline:
    plan_id: str
    window: Window
    group: str
    groups: list[Group]
    axis: list[str]  # equal columns under the tracks
    ticks: list[float]
    today_x: float | None
    today_label: str
    left_out: int


def _month_start(day: dt.date, step: int) -> dt.date:
    total = day.month - 1 + step
    return dt.date(day.year + total // 12, total % 12 + 1, 1)


def window(zoom: str, plan: Plan, at: dt.date) -> Window:
    """The window of ``zoom`` holding ``at`` (the plan period for "year")."""
    first, last = plan.period.start, plan.period.end
    if zoom == "year":
        return Window(zoom, first, last, f"{vn.day(first)} – {vn.day(last)}", None, None)
    if zoom not in ZOOMS:
        raise PlanflowError(f"mức xem '{zoom}' không có; chọn year, quarter hoặc month")
    months = 3 if zoom == "quarter" else 1
    start = dt.date(at.year, (at.month - 1) // months * months + 1, 1)
    end = _month_start(start, months) - dt.timedelta(days=1)
    quarter = f"Quý {(start.month - 1) // 3 + 1}/{start.year}"
    label = quarter if months == 3 else f"Tháng {start.month}/{start.year}"
    earlier, later = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
    return Window(zoom, start, end, label, earlier if earlier >= first else None,
                  later if later <= last else None)  # fmt: skip


def _axis(w: Window) -> tuple[list[str], list[float]]:
    """Column labels (equal widths) and tick positions: months, or Mondays in a month."""
    if w.zoom == "month":
        days = [w.first + dt.timedelta(days=n) for n in range(w.days)]
        labels = [f"{d.day}" if d.weekday() == 0 or d == w.first else "" for d in days]
        return labels, [w.x(d) for d in days if d.weekday() == 0 and d != w.first]
    months, month = [], dt.date(w.first.year, w.first.month, 1)
    while month <= w.last:
        months.append(month)
        month = _month_start(month, 1)
    one_year = months[0].year == months[-1].year
    labels = [f"T{m.month}" if one_year else f"T{m.month}/{m.year % 100:02d}" for m in months]
    return labels, [w.x(m) for m in months if m > w.first]


def _marks(items: Sequence[OccurrenceStatus], w: Window, plan_first: dt.date) -> list[Mark]:
    """A mark at each due date of a recurring item; a bar for a single dated occurrence."""
    single = sum(1 for i in items if i.facts.due is not None) == 1
    marks = []
    for item in items:
        due = item.facts.due
        if due is None:
            continue
        words = vn.period_words(item.facts.period)
        period = f" ({words})" if words else ""
        text = f"hạn {vn.day(due)}{period}: {vn.status_text(item.status, item.days_overdue)}"
        if single:
            begin = item.facts.start or plan_first
            if begin > w.last or due < w.first:
                continue
            left, right = w.x(begin), w.x(due + dt.timedelta(days=1))
            marks.append(Mark(left, max(right - left, 4.0), css_class(item.status), text))
        elif w.first <= due <= w.last:
            marks.append(Mark(w.middle(due), 0, css_class(item.status), text))
    return marks


def _row(items: Sequence[OccurrenceStatus], label: str | None, title: str, names: Mapping[str, str],
         w: Window, plan_first: dt.date) -> Row:  # fmt: skip
    head = headline(items)
    marks = _marks(items, w, plan_first)
    words = "; ".join(m.text for m in marks)
    return Row(
        item_id=items[0].facts.item_id,
        label=label or "",
        title=title,
        lead=", ".join(names.get(u, u) for u in head.facts.lead),
        css=css_class(head.status),
        text=vn.status_text(head.status, head.days_overdue),
        marks=marks,
        summary=f"{len(marks)} mốc trong khoảng xem: {words}" if words else "",
    )


def _group_key(group: str, section: str, lead: tuple[str, ...], names: Mapping[str, str]) -> str:
    if group == "unit":
        return names.get(lead[0], lead[0]) if lead else "Chưa rõ đơn vị chủ trì"
    return section


def build_timeline(status: PlanStatus, plan: Plan, names: Mapping[str, str], *, zoom: str = "year",
                   group: str = "section", at: dt.date | None = None) -> Timeline:  # fmt: skip
    """The timeline of the status's items (already narrowed to what the viewer sees)."""
    if group not in GROUPS:
        raise PlanflowError(f"cách nhóm '{group}' không có; chọn section hoặc unit")
    today = status.as_of.day
    w = window(zoom, plan, at or min(max(today, plan.period.start), plan.period.end))
    by_item: dict[str, list[OccurrenceStatus]] = {}
    for item in status.items:
        if item.facts.kind != "report_input":  # a report's row speaks for the report itself
            by_item.setdefault(item.facts.item_id, []).append(item)
    items = [(t.id, t.label, t.title, t.section or "Nhiệm vụ") for t in plan.tasks]
    items += [(r.id, None, r.title, REPORTS) for r in plan.reports]
    groups: dict[str, tuple[list[Row], dict[str, list[Row]]]] = {}
    left_out = 0
    for item_id, label, title, section in items:
        own = sorted(by_item.get(item_id, []), key=lambda i: (i.facts.due or dt.date.max, i.key))
        if not own:
            continue
        rows, folded = groups.setdefault(_group_key(group, section, own[0].facts.lead, names), ([], {}))
        row = _row(own, label, title, names, w, plan.period.start)
        timing = own[0].facts.timing
        if all(i.facts.due is None for i in own) and timing in FOLDED:
            folded.setdefault(FOLDED[timing], []).append(row)
        elif row.marks:
            rows.append(row)
        else:
            left_out += 1
    return Timeline(
        plan_id=plan.id,
        window=w,
        group=group,
        groups=[_group(title, rows, folded) for title, (rows, folded) in groups.items()],
        axis=_axis(w)[0],
        ticks=_axis(w)[1],
        today_x=w.middle(today) if w.first <= today <= w.last else None,
        today_label=f"Hôm nay {vn.day(today)}",
        left_out=left_out,
    )


def _overdue(rows: Sequence[Row]) -> int:
    return sum(1 for r in rows if r.css == css_class(Status.OVERDUE))


def _group(title: str, rows: list[Row], folded: Mapping[str, list[Row]]) -> Group:
    bundles = [Folded(name, members, _overdue(members)) for name, members in folded.items()]
    return Group(title, rows, bundles, _overdue(rows) + sum(b.overdue for b in bundles))


def timeline_url(plan_id: str, zoom: str, group: str, at: dt.date | None, as_of_text: str) -> str:
    query = {"zoom": zoom, "group": group, "at": at.isoformat() if at else "", "as_of": as_of_text}
    return f"/board/{plan_id}/timeline?" + urlencode({k: v for k, v in query.items() if v})


def timeline_links(tl: Timeline, as_of_text: str) -> dict[str, Any]:
    """The switch links of a timeline: each keeps the other choices and the as-of day."""
    w = tl.window

    def url(zoom: str, group: str, at: dt.date | None) -> str:
        return timeline_url(tl.plan_id, zoom, group, at, as_of_text)

    anchor = w.first if w.zoom != "year" else None
    return {
        "zoom": [
            (label, url(z, tl.group, None if z == "year" else anchor), z == w.zoom)
            for z, label in ZOOMS.items()
        ],
        "group": [(label, url(w.zoom, g, anchor), g == tl.group) for g, label in GROUPS.items()],
        "earlier": url(w.zoom, tl.group, w.earlier) if w.earlier else None,
        "later": url(w.zoom, tl.group, w.later) if w.later else None,
    }


def board_views(plan_id: str, as_of_text: str) -> list[tuple[str, str]]:
    """The board's ways into its timeline: each zoom by section, and the plan period by unit."""
    views = [(label, timeline_url(plan_id, z, "section", None, as_of_text)) for z, label in ZOOMS.items()]
    return [*views, (GROUPS["unit"], timeline_url(plan_id, "year", "unit", None, as_of_text))]
