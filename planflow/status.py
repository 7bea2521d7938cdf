"""Where each occurrence stands at an as-of time. Pure functions of (occurrences,
dependencies, progress events, as-of).

The as-of time is an instant; "today" is its calendar day in the plan's time zone.
Only progress events that happened (``effective_at``) up to the as-of instant count.
An occurrence is due at the end of its due day. The status is the first that applies:

1. ``done_on_time`` / ``done_late``: the latest progress event says done; on time when
   it happened on or before the due day (items without a due date are on time);
2. ``overdue``: not done and today is after the due day (``days_overdue`` > 0);
3. ``blocked``: a dependency is not done, and either that dependency is itself overdue
   or blocked, or this occurrence is due within the upcoming horizon (so an item whose
   inputs are simply not due yet is not called blocked);
4. ``waiting_event``: event-driven, and nobody has reported progress yet;
5. ``in_progress``: a progress event says started (status in_progress or percent > 0);
6. ``ongoing``: no deadline ("Thường xuyên"), its start has come, not reported started;
7. ``upcoming``: due within the plan's ``upcoming_days`` (default 7) of today;
8. ``not_started``: nothing of the above.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from planflow import vnformat as vn
from planflow.errors import PlanflowError


class Status(StrEnum):
    NOT_STARTED = "not_started"
    UPCOMING = "upcoming"
    IN_PROGRESS = "in_progress"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    BLOCKED = "blocked"
    ONGOING = "ongoing"
    WAITING_EVENT = "waiting_event"

    @property
    def label(self) -> str:
        return vn.status_label(self.value)

    @property
    def is_done(self) -> bool:
        return self in (Status.DONE_ON_TIME, Status.DONE_LATE)


class ProgressStatus(StrEnum):
    """What a unit reports: the only statuses a person writes."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True)
class AsOf:
    """An as-of instant and its calendar day in the plan's zone."""

    instant: dt.datetime
    day: dt.date


def resolve_as_of(value: dt.date | dt.datetime, timezone: str) -> AsOf:
    """A date means the end of that day, local time; a naive datetime is local time."""
    zone = ZoneInfo(timezone)
    if isinstance(value, dt.datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=zone)
        return AsOf(instant, instant.astimezone(zone).date())
    end = dt.datetime.combine(value, dt.time(23, 59, 59, 999999), tzinfo=zone)
    return AsOf(end, value)


def parse_as_of(text: str) -> dt.date | dt.datetime:
    """``2025-10-20``, ``20/10/2025`` or an ISO datetime ``2025-10-20T08:00+07:00``."""
    text = text.strip()
    for parse in (dt.date.fromisoformat, _dmy):
        try:
            return parse(text)
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise PlanflowError(
            f"--as-of '{text}' không hợp lệ; ghi dạng 2025-10-20, 20/10/2025 hoặc 2025-10-20T08:00"
        ) from None


def _dmy(text: str) -> dt.date:
    day, month, year = text.split("/")
    return dt.date(int(year), int(month), int(day))


@dataclass(frozen=True)
class ProgressState:
    """The current state of one occurrence, folded from its events."""

    status: ProgressStatus = ProgressStatus.NOT_STARTED
    percent: int | None = None
    done_at: dt.datetime | None = None
    values: Mapping[str, Decimal] = field(default_factory=dict)
    note: str | None = None
    last_at: dt.datetime | None = None
    last_by: str | None = None
    events: int = 0


WITHDRAWN = "withdrawn"
"""The status of an event that withdraws the event it supersedes: it counts for nothing."""

_NO_PROGRESS = ProgressState(values=MappingProxyType({}))
_STATUSES = {s.value: s for s in ProgressStatus}


def fold_progress(events: Iterable[Any]) -> dict[str, ProgressState]:
    """Fold events (ordered by effective time) into a state per occurrence key.

    Each event needs ``occurrence_key, status, percent, values, note, by_unit,
    effective_at``. Measured values accumulate (latest per metric); a later
    ``in_progress`` reopens a done occurrence. The events given are the ones that count:
    superseded and withdrawal events are left out by the query
    (``planflow.store.repo.counted_events``).
    """
    states: dict[str, ProgressState] = {}
    for event in events:
        before = states.get(event.occurrence_key, _NO_PROGRESS)
        status = _STATUSES.get(event.status) or ProgressStatus(event.status)
        values = before.values
        if event.values:  # a new mapping: the state before keeps its own
            values = {**values, **{k: Decimal(v) for k, v in event.values.items()}}
        percent = event.percent if event.percent is not None else before.percent
        if status is ProgressStatus.DONE and event.percent is None:
            percent = 100
        states[event.occurrence_key] = ProgressState(
            status=status,
            percent=percent,
            done_at=event.effective_at if status is ProgressStatus.DONE else None,
            values=values,
            note=event.note or before.note,
            last_at=event.effective_at,
            last_by=event.by_unit,
            events=before.events + 1,
        )
    return states


@dataclass(frozen=True)
class OccurrenceFacts:
    """What status needs of an occurrence (from the store or straight from the compiler)."""

    key: str
    plan_id: str
    item_id: str
    kind: str
    timing: str
    title: str
    label: str | None
    period: str | None
    start: dt.date | None
    due: dt.date | None
    lead: tuple[str, ...]
    support: tuple[str, ...]
    targets: tuple[Mapping[str, Any], ...] = ()
    when_text: str | None = None
    review: str | None = None


@dataclass(frozen=True)
class TargetView:
    key: str
    metric: str
    comparator: str
    required: Decimal
    unit: str | None
    measured: Decimal | None

    @property
    def met(self) -> bool | None:
        if self.measured is None:
            return None
        ops = {
            ">=": self.measured >= self.required,
            ">": self.measured > self.required,
            "=": self.measured == self.required,
            "<=": self.measured <= self.required,
            "<": self.measured < self.required,
        }
        return ops[self.comparator]


@dataclass(frozen=True)
class OccurrenceStatus:
    facts: OccurrenceFacts
    status: Status
    days_overdue: int | None
    days_left: int | None
    progress: ProgressState
    blocked_by: tuple[str, ...]
    targets: tuple[TargetView, ...]

    @property
    def key(self) -> str:
        return self.facts.key

    def as_json(self) -> dict[str, Any]:
        """The stable ``--json`` form (documented in the README)."""
        f, p = self.facts, self.progress
        return {
            "key": f.key,
            "plan": f.plan_id,
            "item": f.item_id,
            "kind": f.kind,
            "label": f.label,
            "title": f.title,
            "period": f.period,
            "start": _iso(f.start),
            "due": _iso(f.due),
            "lead": list(f.lead),
            "support": list(f.support),
            "status": self.status.value,
            "status_label": self.status.label,
            "days_overdue": self.days_overdue,
            "days_left": self.days_left,
            "percent": p.percent,
            "done_at": p.done_at.isoformat() if p.done_at else None,
            "blocked_by": list(self.blocked_by),
            "targets": [
                {
                    "key": t.key,
                    "metric": t.metric,
                    "comparator": t.comparator,
                    "required": str(t.required),
                    "unit": t.unit,
                    "measured": None if t.measured is None else str(t.measured),
                    "met": t.met,
                }
                for t in self.targets
            ],
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def evaluate(
    occurrences: Sequence[OccurrenceFacts],
    dependencies: Mapping[str, Sequence[str]],
    progress: Mapping[str, ProgressState],
    as_of: AsOf,
    *,
    timezone: str,
    upcoming_days: int = 7,
) -> list[OccurrenceStatus]:
    """The status of every occurrence, in the order given."""
    zone = ZoneInfo(timezone)
    results: dict[str, OccurrenceStatus] = {}
    by_key = {o.key: o for o in occurrences}

    def status_of(facts: OccurrenceFacts) -> OccurrenceStatus:
        if facts.key in results:
            return results[facts.key]
        deps = [by_key[d] for d in dependencies.get(facts.key, ()) if d in by_key]
        dep_statuses = [status_of(d) for d in deps]
        open_deps = tuple(d.key for d in dep_statuses if not d.status.is_done)
        stuck = any(d.status in (Status.OVERDUE, Status.BLOCKED) for d in dep_statuses)
        state = progress.get(facts.key, ProgressState())
        result = _one(facts, state, open_deps, stuck, as_of.day, zone, upcoming_days)
        results[facts.key] = result
        return result

    return [status_of(o) for o in occurrences]


def _one(
    facts: OccurrenceFacts,
    state: ProgressState,
    open_deps: tuple[str, ...],
    deps_stuck: bool,
    today: dt.date,
    zone: ZoneInfo,
    upcoming_days: int,
) -> OccurrenceStatus:
    due = facts.due
    days_left = (due - today).days if due else None
    if state.status is ProgressStatus.DONE and state.done_at is not None:
        late = due is not None and state.done_at.astimezone(zone).date() > due
        status = Status.DONE_LATE if late else Status.DONE_ON_TIME
    elif due is not None and today > due:
        status = Status.OVERDUE
    elif open_deps and (deps_stuck or (days_left is not None and days_left <= upcoming_days)):
        status = Status.BLOCKED
    elif facts.timing == "event" and state.events == 0:
        status = Status.WAITING_EVENT
    elif state.status is ProgressStatus.IN_PROGRESS or (state.percent or 0) > 0:
        status = Status.IN_PROGRESS
    elif facts.timing == "ongoing" and (facts.start is None or facts.start <= today):
        status = Status.ONGOING
    elif days_left is not None and days_left <= upcoming_days:
        status = Status.UPCOMING
    else:
        status = Status.NOT_STARTED
    return status_view(facts, status, state, open_deps, today, zone)


def status_view(
    facts: OccurrenceFacts,
    status: Status,
    state: ProgressState,
    open_deps: tuple[str, ...],
    today: dt.date,
    zone: ZoneInfo,
) -> OccurrenceStatus:
    """The view of an occurrence whose status is decided (here, or by the set-based query of
    ``planflow.store.statuses``): days overdue or left, blocking items, targets."""
    due = facts.due
    days_left = (due - today).days if due else None
    overdue_days: int | None = None
    if status.is_done:
        days_left = None
        if status is Status.DONE_LATE and due is not None and state.done_at is not None:
            overdue_days = (state.done_at.astimezone(zone).date() - due).days
    elif status is Status.OVERDUE and due is not None:
        overdue_days = (today - due).days
    return OccurrenceStatus(
        facts=facts,
        status=status,
        days_overdue=overdue_days,
        days_left=days_left,
        progress=state,
        blocked_by=open_deps if status is Status.BLOCKED else (),
        targets=tuple(_target_views(facts.targets, state.values)),
    )


def _target_views(
    targets: Sequence[Mapping[str, Any]], measured: Mapping[str, Decimal]
) -> Iterable[TargetView]:
    for t in targets:
        try:
            required = Decimal(str(t["value"]))
        except InvalidOperation:
            continue
        yield TargetView(
            key=t["key"],
            metric=t["metric"],
            comparator=t["comparator"],
            required=required,
            unit=t.get("unit"),
            measured=measured.get(t["key"]),
        )


def summarize(statuses: Iterable[OccurrenceStatus]) -> dict[str, int]:
    """Count per status, every status present (zeros included), in a fixed order."""
    counts = {s.value: 0 for s in Status}
    for item in statuses:
        counts[item.status.value] += 1
    return counts


def in_window(item: OccurrenceStatus, day: dt.date, lookback_days: int, ahead_days: int) -> bool:
    """Whether an occurrence belongs to the as-of window [day - lookback, day + ahead].

    Overdue and blocked items always do (they need attention whatever their dates);
    undated ones (ongoing, event-driven) do while they have begun; others when their
    [start, due] span overlaps the window.
    """
    if item.status in (Status.OVERDUE, Status.BLOCKED):
        return True
    f = item.facts
    first = day - dt.timedelta(days=lookback_days)
    last = day + dt.timedelta(days=ahead_days)
    span_start = f.start or f.due or first
    span_end = f.due or dt.date.max
    return span_start <= last and span_end >= first
