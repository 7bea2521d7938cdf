"""The work list: every occurrence of a plan as one row, filtered, searched, grouped and
sorted by what the query string says. Pure (the routes render it, the tests read it).

The query string is the whole state of a view, so a view is a link: the header counts link
to it, a saved view is its query string, and the board works without JavaScript.

Search ignores case and tone marks on both sides ("bao cao" finds "Báo cáo", "đ" is "d"),
because officers often type without a Vietnamese keyboard on a phone.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from planflow import vnformat as vn
from planflow.check.plans import PlanStatus
from planflow.errors import ViewError
from planflow.intake.forms import urgency
from planflow.schema import Plan
from planflow.status import OccurrenceStatus, Status
from planflow.web.board import css_class

REPORTS_SECTION = "Báo cáo bắt buộc"
GROUPS = {"": "Không nhóm", "section": "Theo mục", "lead": "Theo đơn vị chủ trì", "status": "Theo tình trạng"}
SORTS = {
    "due": "Hạn sớm trước",
    "urgency": "Cấp bách trước",
    "title": "Tên nhiệm vụ",
    "lead": "Đơn vị chủ trì",
}
MAX_DAYS = 3660


def fold(text: str) -> str:
    """Lower case without tone marks or diacritics: "Báo cáo Đợt" → "bao cao dot"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class WorkFilter:
    """One view of the work list: every field comes from (and goes back to) the query string."""

    status: tuple[Status, ...] = ()
    unit: str = ""
    section: str = ""
    period: str = ""
    due_within: int | None = None
    overdue: bool = False
    q: str = ""
    group: str = ""
    sort: str = "due"

    @classmethod
    def from_query(cls, params: Mapping[str, Sequence[str]]) -> WorkFilter:
        def one(name: str) -> str:
            return (list(params.get(name, [])) or [""])[-1].strip()

        try:
            statuses = tuple(Status(s) for s in params.get("status", []) if s)
        except ValueError:
            known = ", ".join(s.value for s in Status)
            raise ViewError(f"tình trạng '{', '.join(params['status'])}' không có; dùng: {known}") from None
        days = one("due_within")
        if days and not (days.isdigit() and int(days) <= MAX_DAYS):
            raise ViewError(
                f"số ngày đến hạn '{days}' (due_within) không đọc được: ghi số nguyên từ 0 đến {MAX_DAYS}"
            )
        group, sort = one("group"), one("sort") or "due"
        if group not in GROUPS:
            raise ViewError(f"group='{group}' không có; dùng: section, lead, status")
        if sort not in SORTS:
            raise ViewError(f"sort='{sort}' không có; dùng: {', '.join(SORTS)}")
        return cls(statuses, one("unit"), one("section"), one("period"), int(days) if days else None,
                   one("overdue") in ("1", "on", "true"), one("q")[:200], group, sort)  # fmt: skip

    def query(self, **changes: object) -> str:
        """The query string of this view, with ``changes`` applied (None or "" drops a field)."""
        values: dict[str, object] = {
            "status": [s.value for s in self.status], "unit": self.unit, "section": self.section,
            "period": self.period, "due_within": self.due_within, "overdue": "1" if self.overdue else "",
            "q": self.q, "group": self.group, "sort": "" if self.sort == "due" else self.sort,
        }  # fmt: skip
        values.update(changes)
        pairs: list[tuple[str, str]] = []
        for name, value in values.items():
            for v in value if isinstance(value, list) else [value]:
                if v not in (None, ""):
                    pairs.append((name, str(v)))
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return bool(self.status or self.unit or self.section or self.period or self.overdue or self.q
                    or self.due_within is not None)  # fmt: skip


@dataclass(frozen=True)
class WorkItem:
    key: str
    item_id: str
    label: str
    title: str
    section: str
    lead_ids: tuple[str, ...]
    lead: str
    support: str
    period: str
    due: dt.date | None
    due_text: str
    status: Status
    text: str
    css: str
    percent: int | None
    rank: tuple[object, ...] = field(compare=False, repr=False)
    haystack: str = field(compare=False, repr=False)


def work_items(
    status: PlanStatus, plan: Plan, names: Mapping[str, str], visible: Callable[[OccurrenceStatus], bool]
) -> list[WorkItem]:
    """One row per occurrence the viewer may see."""
    sections = {t.id: t.section or "Nhiệm vụ" for t in plan.tasks}

    def row(item: OccurrenceStatus) -> WorkItem:
        f = item.facts
        lead = ", ".join(names.get(u, u) for u in f.lead)
        section = sections.get(f.item_id, REPORTS_SECTION)
        return WorkItem(
            key=f.key, item_id=f.item_id, label=f.label or "", title=f.title, section=section,
            lead_ids=f.lead, lead=lead, support=", ".join(names.get(u, u) for u in f.support),
            period=f.period or "", due=f.due,
            due_text=vn.day(f.due) if f.due else vn.undated(f.timing),
            status=item.status, text=vn.status_text(item.status, item.days_overdue),
            css=css_class(item.status),
            percent=item.progress.percent, rank=urgency(item),
            haystack=fold(" ".join([f.label or "", f.title, section, lead, f.period or ""])),
        )  # fmt: skip

    return [row(i) for i in status.items if visible(i)]


def select(
    items: Sequence[WorkItem], view: WorkFilter, today: dt.date, *, skip_unit: bool = False
) -> list[WorkItem]:
    """The items the view keeps, in its order (``skip_unit``: all units, for the unit facet)."""
    words = fold(view.q).split()

    def keep(i: WorkItem) -> bool:
        if view.status and i.status not in view.status:
            return False
        if view.overdue and i.status is not Status.OVERDUE:
            return False
        if view.unit and not skip_unit and view.unit not in i.lead_ids:
            return False
        if (view.section and i.section != view.section) or (view.period and i.period != view.period):
            return False
        if view.due_within is not None:
            horizon = today + dt.timedelta(days=view.due_within)
            if i.due is None or i.status.is_done or i.due > horizon:
                return False
        return all(w in i.haystack for w in words)

    orders: dict[str, Callable[[WorkItem], tuple[object, ...]]] = {
        "due": lambda i: (i.due or dt.date.max, i.key),
        "urgency": lambda i: (i.rank, i.key),
        "title": lambda i: (fold(i.title), i.key),
        "lead": lambda i: (fold(i.lead), i.due or dt.date.max, i.key),
    }
    return sorted((i for i in items if keep(i)), key=orders[view.sort])


def grouped(items: Sequence[WorkItem], by: str) -> list[tuple[str, list[WorkItem]]]:
    """Groups in order of first appearance; one untitled group when ``by`` is empty."""
    if not by:
        return [("", list(items))]
    key: Callable[[WorkItem], str] = {
        "section": lambda i: i.section,
        "lead": lambda i: i.lead or "—",
        "status": lambda i: i.status.label,
    }[by]
    groups: dict[str, list[WorkItem]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.items())


def unit_counts(items: Sequence[WorkItem], names: Mapping[str, str]) -> list[tuple[str, str, int]]:
    """(unit id, name, items it leads) over ``items``, most first: the one-click unit filter."""
    counts: dict[str, int] = {}
    for item in items:
        for unit in item.lead_ids:
            counts[unit] = counts.get(unit, 0) + 1
    return sorted(((u, names.get(u, u), n) for u, n in counts.items()), key=lambda t: (-t[2], fold(t[1])))
