"""The current state of each live occurrence (``occurrence_states``), kept at write time.

The event log (``progress_events``) is the source of truth; a state row is its fold
(``planflow.status.fold_progress``: status, percent, done time, number of counted events,
the latest counted event and its effective time) plus copies of the occurrence's timing
and dates, whether it depends on another and another on it (``has_dependencies``,
``has_dependents``: from the plan's dependencies), and ``next_notice``, the first day the
check must look at it. Three writers:

- ``advance``: a new progress event, in the writer's transaction (the one function that
  appends events, ``planflow.store.repo.add_progress_event``). An event later than every
  counted one is folded on top of the row; a back-dated event, a correction or a
  withdrawal refolds that occurrence's counted events;
- ``rebuild_states``: every live occurrence of some plans (or all) refolded from the log
  and its ``next_notice`` computed again; run by every sync of a plan (its dates or ladder
  may have changed), by migration 0011 and by ``planflow rebuild-state``.

``notice_on`` (the first day a notice of the occurrence not recorded yet can fire) starts at
``next_notice`` whenever a row is written or reopened, and is moved on by the check that
records the occurrence's notices (``advance_notices``): a rebuild sets it back, and the next
check plans the item's whole ladder against the notices recorded, which sends nothing twice.

Both keep ``plan_status_counts`` (``resting``): per plan, how many occurrences rest in each
status, the one an occurrence has on every day before its ``next_notice`` when nothing
blocks it. ``advance`` moves one occurrence from its count to another; a rebuild recounts
its plans (``recount_states`` recounts from the state rows alone: migration 0012).

A row is the fold *at any as-of time from its* ``last_at`` *on*: a check for an earlier
moment cannot use it (``planflow.store.check.states_hold``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Column, ColumnElement, MetaData, Table, and_, bindparam, delete, exists, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from planflow.escalation import DEFAULT_POLICY, fire_date
from planflow.schema import EscalationPolicy
from planflow.status import WITHDRAWN, ProgressStatus
from planflow.store.bulk import insert_rows
from planflow.store.models import (
    DependencyRow,
    OccurrenceRow,
    OccurrenceStateRow,
    PlanRow,
    PlanStatusCountRow,
    ProgressEventRow,
)
from planflow.workdays import WorkCalendar

ANY_ITEM = "*"
"""The key of a plan's own ladder (or the default) in a stored ``notice_context``."""

REBUILD_PLANS = 500
"""Plans rebuilt together: their occurrences and events are held in memory at once."""

_DONE = ProgressStatus.DONE.value


@lru_cache(maxsize=1)
def counted_events() -> ColumnElement[bool]:
    """The events that count towards a status: not a withdrawal and superseded by no other
    event. A correction holds whatever its own effective time, so a status asked for at an
    earlier as-of time shows what is known now, not the mistake. Built once (an alias of the
    mapped class costs a millisecond; the expression is immutable)."""
    later = aliased(ProgressEventRow)
    return and_(
        ProgressEventRow.status != WITHDRAWN,
        ~exists().where(later.supersedes == ProgressEventRow.id),
    )


# --- the first day the check must look at an occurrence ---------------------------------------------


@lru_cache(maxsize=256)
def ladder(steps_json: str) -> EscalationPolicy:
    """A stored ladder (JSON with sorted keys), parsed once."""
    return EscalationPolicy.model_validate_json(steps_json)


@lru_cache(maxsize=64)
def work_calendar(days_off: tuple[str, ...], working: tuple[str, ...]) -> WorkCalendar:
    """One calendar (and its memo of moved dates) per distinct set of plan exceptions."""
    return WorkCalendar(
        frozenset(dt.date.fromisoformat(d) for d in days_off),
        frozenset(dt.date.fromisoformat(d) for d in working),
    )


@dataclass(frozen=True)
class NoticeWindow:
    """What ``next_notice`` needs of a plan: its ladders, calendar and upcoming horizon."""

    ladders: Mapping[str, EscalationPolicy]
    calendar: WorkCalendar
    upcoming_days: int

    @classmethod
    def of(cls, notice_context: Mapping[str, Any] | None, upcoming_days: int) -> NoticeWindow:
        # a context written by an older version may lack a part: the check refuses such a
        # plan until it is synced again, which rebuilds its states
        context = notice_context or {}
        stored = (context.get("ladders") or {}).items()
        ladders = {item: ladder(json.dumps(steps, sort_keys=True)) for item, steps in stored}
        ladders.setdefault(ANY_ITEM, DEFAULT_POLICY)
        calendar = work_calendar(
            tuple(context.get("days_off", ())), tuple(context.get("extra_working_days", ()))
        )
        return cls(ladders, calendar, upcoming_days)

    def first_day(self, item_id: str, due: dt.date | None, status: str) -> dt.date | None:
        """The first day a reminder or coordination request of the item can fire (its
        non-positive ladder steps, or its due day), or it counts as upcoming (or blocked by
        an open dependency), whichever comes first; None when done or without a due day
        (no notice is ever planned for it: ``planflow.escalation.due_notices``)."""
        if due is None or status == _DONE:
            return None
        policy = self.ladders.get(item_id) or self.ladders[ANY_ITEM]
        days = [fire_date(due, s, self.calendar) for s in policy.steps if s.offset <= 0]
        return min([due - dt.timedelta(days=self.upcoming_days), *days])


# --- the status an occurrence rests in ---------------------------------------------------------------

ALWAYS = dt.date(1, 1, 1)
"""The ``since`` of a status count that waits for no start day."""

Bucket = tuple[str, dt.date]
"""A ``plan_status_counts`` row's status and ``since``."""


def resting(
    timing: str, start: dt.date | None, due: dt.date | None, status: str, percent: int | None,
    done_at: dt.datetime | None, events: int, zone: str,
) -> Bucket:  # fmt: skip
    """The status an occurrence has on every day before its ``next_notice`` when no open
    dependency blocks it (``planflow.status``'s rules without the ones that need the day:
    it is neither overdue nor due soon then): done on time or late (the day it was done in
    the plan's zone after its due day), waiting for its event, in progress, ongoing from its
    start day (``since``: not started before it), not started."""
    if status == _DONE and done_at is not None:
        late = due is not None and done_at.astimezone(_zone(zone)).date() > due
        return ("done_late" if late else "done_on_time"), ALWAYS
    if timing == "event" and events == 0:
        return "waiting_event", ALWAYS
    if status == "in_progress" or (percent or 0) > 0:
        return "in_progress", ALWAYS
    if timing == "ongoing":
        return "ongoing", start or ALWAYS
    return "not_started", ALWAYS


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _bucket(row: OccurrenceStateRow, zone: Callable[[], str]) -> Bucket:
    done = row.status == _DONE and row.done_at is not None and row.due is not None
    return resting(row.timing, row.start, row.due, row.status, row.percent, row.done_at, row.events,
                   zone() if done else "UTC")  # fmt: skip


def _bump(session: Session, plan_id: str, moves: Mapping[Bucket, int]) -> None:
    """Add ``moves`` to the plan's counts, in one order (two writers of one plan lock its
    rows in the same order)."""
    upsert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for (status, since), n in sorted(moves.items()):
        if n:
            add = upsert(PlanStatusCountRow).values(plan_id=plan_id, status=status, since=since, n=n)
            grown = {"n": PlanStatusCountRow.n + add.excluded.n}
            session.execute(
                add.on_conflict_do_update(index_elements=["plan_id", "status", "since"], set_=grown)
            )


def _write_counts(
    session: Session, plan_ids: Sequence[str], counts: Mapping[tuple[str, str, dt.date], int]
) -> None:
    session.execute(delete(PlanStatusCountRow).where(PlanStatusCountRow.plan_id.in_(plan_ids)))
    rows = [
        {"plan_id": p, "status": st, "since": since, "n": n}
        for (p, st, since), n in sorted(counts.items())
        if n
    ]
    if rows:
        session.execute(insert(PlanStatusCountRow), rows)


def _zones(session: Session, plan_ids: Sequence[str]) -> dict[str, str]:
    query = select(PlanRow.id, PlanRow.timezone).where(PlanRow.id.in_(plan_ids))
    return {plan_id: zone for plan_id, zone in session.execute(query)}


def recount_states(plan_ids: Sequence[str] | None, *, session: Session) -> int:
    """Rewrite the status counts of ``plan_ids`` (None: every plan) from their state rows;
    returns the number of plans."""
    every = select(PlanRow.id).order_by(PlanRow.id)
    ids = list(plan_ids) if plan_ids is not None else list(session.scalars(every))
    s = OccurrenceStateRow
    for start in range(0, len(ids), REBUILD_PLANS):
        part = ids[start : start + REBUILD_PLANS]
        zones = _zones(session, part)
        counts: dict[tuple[str, str, dt.date], int] = {}
        rows = session.execute(
            select(s.plan_id, s.timing, s.start, s.due, s.status, s.percent, s.done_at, s.events)
            .where(s.plan_id.in_(part))
        )  # fmt: skip
        for plan_id, timing, begins, due, status, percent, done_at, events in rows:
            rest = resting(timing, begins, due, status, percent, done_at, events, zones[plan_id])
            counts[(plan_id, *rest)] = counts.get((plan_id, *rest), 0) + 1
        _write_counts(session, part, counts)
    return len(ids)


def stored_counts(plan_ids: Sequence[str], *, session: Session) -> dict[tuple[str, str, dt.date], int]:
    """The status counts kept for these plans (those not zero)."""
    c = PlanStatusCountRow
    query = select(c.plan_id, c.status, c.since, c.n).where(c.plan_id.in_(plan_ids), c.n != 0)
    return {(p, st, since): n for p, st, since, n in session.execute(query)}


# --- folding ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Folded:
    """The fold of an occurrence's counted events, as a state row keeps it."""

    status: str = ProgressStatus.NOT_STARTED.value
    percent: int | None = None
    done_at: dt.datetime | None = None
    events: int = 0
    last_event_id: int | None = None
    last_at: dt.datetime | None = None

    def then(self, event_id: int, status: str, percent: int | None, at: dt.datetime) -> Folded:
        """This state with one more event, later than all before it (``fold_progress``'s step)."""
        if status == _DONE and percent is None:
            percent = 100
        return Folded(
            status=status,
            percent=self.percent if percent is None else percent,
            done_at=at if status == _DONE else None,
            events=self.events + 1,
            last_event_id=event_id,
            last_at=at,
        )


def fold(rows: Iterable[Any]) -> dict[str, Folded]:
    """Counted events ``(id, occurrence_key, status, percent, effective_at)`` in the order
    they happened (effective time, then id), folded per occurrence."""
    out: dict[str, Folded] = {}
    for event_id, key, status, percent, at in rows:
        out[key] = out.get(key, _NOTHING).then(event_id, status, percent, at)
    return out


_NOTHING = Folded()


def _counted(where: ColumnElement[bool]) -> Any:
    return (
        select(
            ProgressEventRow.id, ProgressEventRow.occurrence_key, ProgressEventRow.status,
            ProgressEventRow.percent, ProgressEventRow.effective_at,
        )
        .where(where, counted_events())
        .order_by(ProgressEventRow.effective_at, ProgressEventRow.id)
    )  # fmt: skip


def _set(row: OccurrenceStateRow, state: Folded) -> None:
    row.status, row.percent, row.done_at = state.status, state.percent, state.done_at
    row.events, row.last_event_id, row.last_at = state.events, state.last_event_id, state.last_at


def locked_state(occurrence_key: str, *, session: Session) -> OccurrenceStateRow | None:
    """The occurrence's state row, locked until the transaction ends (PostgreSQL; SQLite
    has one writer at a time): two events written at once for one occurrence are folded
    one after the other, each seeing the other's event."""
    query = (
        select(OccurrenceStateRow)
        .where(OccurrenceStateRow.occurrence_key == occurrence_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def advance(row: OccurrenceStateRow | None, event: ProgressEventRow, *, session: Session) -> None:
    """Bring the state row of ``event``'s occurrence (``locked_state``, taken before the
    event was written) up to date with it."""
    if row is None:  # archived occurrence (no state kept), or a store not rebuilt yet
        rebuild_occurrence(event.occurrence_key, session=session)
        return
    was_done = row.status == _DONE

    def zone() -> str:
        return _zones(session, [row.plan_id])[row.plan_id]

    bucket = _bucket(row, zone)
    later = row.last_at is None or event.effective_at >= row.last_at  # same time: the higher id is later
    if event.supersedes is None and event.status != WITHDRAWN and later:
        before = Folded(row.status, row.percent, row.done_at, row.events, row.last_event_id, row.last_at)
        _set(row, before.then(event.id, event.status, event.percent, event.effective_at))
    else:  # back-dated, a correction or a withdrawal: fold the occurrence's events again
        rows = session.execute(_counted(ProgressEventRow.occurrence_key == row.occurrence_key))
        _set(row, fold(rows).get(row.occurrence_key, _NOTHING))
    if was_done != (row.status == _DONE):  # done: nothing to plan; reopened: its ladder again
        row.next_notice = _window_of(row.plan_id, session=session).first_day(
            _item_of(row.occurrence_key, session=session), row.due, row.status
        )
        row.notice_on = row.next_notice
    moved = _bucket(row, zone)
    if moved != bucket:
        _bump(session, row.plan_id, {bucket: -1, moved: 1})
    session.flush()


def advance_notices(days: Mapping[str, dt.date | None], *, session: Session) -> int:
    """Move ``notice_on`` of these occurrences (key → the next day one of their notices can
    fire) once a check has recorded their notices; an occurrence done since is left as it
    is (None). Returns the rows written."""
    if not days:
        return 0
    t = _TABLE.c
    statement = (
        _TABLE.update()
        .where(t.occurrence_key == bindparam("key"), t.status != _DONE)
        .values(notice_on=bindparam("day"))
    )
    session.execute(statement, [{"key": key, "day": day} for key, day in sorted(days.items())])
    return len(days)


def _window_of(plan_id: str, *, session: Session) -> NoticeWindow:
    context, upcoming = session.execute(
        select(PlanRow.notice_context, PlanRow.upcoming_days).where(PlanRow.id == plan_id)
    ).one()
    return NoticeWindow.of(context, upcoming)


def _item_of(occurrence_key: str, *, session: Session) -> str:
    return session.scalars(select(OccurrenceRow.item_id).where(OccurrenceRow.key == occurrence_key)).one()


def rebuild_occurrence(occurrence_key: str, *, session: Session) -> None:
    """The state row of one occurrence, from the log (none when it is archived)."""
    plan_id = session.scalars(select(OccurrenceRow.plan_id).where(OccurrenceRow.key == occurrence_key)).one()
    _rebuild(session, [plan_id], only=occurrence_key)


# --- rebuilding -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RebuildResult:
    plans: int
    rows: int
    changed: int
    """rows that differed from the stored ones (added, removed or with other values)"""


def rebuild_states(
    plan_ids: Sequence[str] | None, *, session: Session, counts: bool = True, notice_on: bool = True
) -> RebuildResult:
    """Recompute the state rows of every live occurrence of ``plan_ids`` (None: every plan)
    from the event log, ``REBUILD_PLANS`` plans at a time, and their status counts (not with
    ``counts=False``: migration 0011, before the counts' table). Idempotent: a second run
    changes nothing (``changed`` 0)."""
    every = select(PlanRow.id).order_by(PlanRow.id)
    ids = list(plan_ids) if plan_ids is not None else list(session.scalars(every))
    rows = changed = 0
    for start in range(0, len(ids), REBUILD_PLANS):
        written, differing = _rebuild(session, ids[start : start + REBUILD_PLANS], counts=counts,
                                      notice_on=notice_on)  # fmt: skip
        rows, changed = rows + written, changed + differing
    return RebuildResult(len(ids), rows, changed)


_TABLE = cast(Table, OccurrenceStateRow.__table__)
_COLUMNS = [c.name for c in _TABLE.columns]
_BEFORE_0013 = Table(
    _TABLE.name,
    MetaData(),
    *(Column(c.name, c.type) for c in list(_TABLE.columns)[: _COLUMNS.index("notice_on")]),
)
"""The table as migrations before 0013 know it: the columns before ``notice_on`` (added by 0013,
then those 0014 adds)."""
_FOLD = len(_BEFORE_0013.columns)


def _rebuild(
    session: Session, plan_ids: Sequence[str], only: str | None = None, *, counts: bool = True,
    notice_on: bool = True,
) -> tuple[int, int]:  # fmt: skip
    """Rewrite the state rows of ``plan_ids`` (or of the occurrence ``only``); returns the
    rows written and how many differ from those stored before."""
    windows = {
        plan_id: NoticeWindow.of(context, upcoming)
        for plan_id, context, upcoming in session.execute(
            select(PlanRow.id, PlanRow.notice_context, PlanRow.upcoming_days).where(PlanRow.id.in_(plan_ids))
        )
    }
    occurrences = select(
        OccurrenceRow.key, OccurrenceRow.plan_id, OccurrenceRow.item_id, OccurrenceRow.timing,
        OccurrenceRow.start, OccurrenceRow.due,
    ).where(OccurrenceRow.plan_id.in_(plan_ids), OccurrenceRow.archived_at.is_(None))  # fmt: skip
    events: ColumnElement[bool] = ProgressEventRow.plan_id.in_(plan_ids)
    table = _TABLE if notice_on else _BEFORE_0013
    stored = select(*(_TABLE.c[c.name] for c in table.columns)).where(
        OccurrenceStateRow.plan_id.in_(plan_ids)
    )
    removal = delete(OccurrenceStateRow).where(OccurrenceStateRow.plan_id.in_(plan_ids))
    if only is not None:
        occurrences = occurrences.where(OccurrenceRow.key == only)
        events = ProgressEventRow.occurrence_key == only
        stored = stored.where(OccurrenceStateRow.occurrence_key == only)
        removal = removal.where(OccurrenceStateRow.occurrence_key == only)
    folded = fold(session.execute(_counted(events)))
    zones = _zones(session, plan_ids)
    depending, depended_on = _links(session, plan_ids) if table is _TABLE else (set(), set())
    new: dict[str, tuple[Any, ...]] = {}
    for key, plan_id, item_id, timing, start, due in session.execute(occurrences):
        state = folded.get(key, _NOTHING)
        next_notice = windows[plan_id].first_day(item_id, due, state.status)
        row = (key, plan_id, timing, start, due, state.status, state.percent, state.done_at,
               state.events, state.last_event_id, state.last_at, next_notice, next_notice,
               key in depending, key in depended_on)  # fmt: skip
        new[key] = row[: len(table.columns)]
    before = {r[0]: tuple(r) for r in session.execute(stored)}
    # notice_on starts again at next_notice: not a change of the row
    changed = sum(1 for k, v in new.items() if _compared(before.get(k, ())) != _compared(v))
    changed += sum(1 for k in before if k not in new)
    session.flush()
    session.execute(removal)
    if new:
        insert_rows(session, table, list(_encoded(session, table, new.values())))
    if counts and only is None:
        counted: dict[tuple[str, str, dt.date], int] = {}
        for values in new.values():
            plan_bucket = (values[1], *_resting_row(values, zones))
            counted[plan_bucket] = counted.get(plan_bucket, 0) + 1
        _write_counts(session, plan_ids, counted)
    elif counts and only is not None:  # one occurrence: moved from the count it was in to its own
        moves: dict[Bucket, int] = {}
        for one, n in ((before.get(only), -1), (new.get(only), 1)):
            if one is not None:
                bucket = _resting_row(one, zones)
                moves[bucket] = moves.get(bucket, 0) + n
        _bump(session, plan_ids[0], moves)
    for held in [o for o in session.identity_map.values() if isinstance(o, OccurrenceStateRow)]:
        session.expire(held)  # rows the session held are stale now
    return len(new), changed


def _compared(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A state row without its ``notice_on`` (the column after the fold's)."""
    return row[:_FOLD] + row[_FOLD + 1 :]


def _links(session: Session, plan_ids: Sequence[str]) -> tuple[set[str], set[str]]:
    """The occurrences of these plans that depend on another, and those another depends on
    (a plan's occurrences depend on its own)."""
    rows = session.execute(
        select(DependencyRow.occurrence_key, DependencyRow.depends_on_key)
        .join(OccurrenceRow, OccurrenceRow.key == DependencyRow.occurrence_key)
        .where(OccurrenceRow.plan_id.in_(plan_ids))
    ).all()
    return {key for key, _ in rows}, {on for _, on in rows}


def _resting_row(row: tuple[Any, ...], zones: Mapping[str, str]) -> Bucket:
    """``resting`` of a state row as a tuple in the table's column order."""
    _, plan_id, timing, start, due, status, percent, done_at, events = row[:9]
    return resting(timing, start, due, status, percent, done_at, events, zones[plan_id])


def _encoded(session: Session, table: Table, rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Rows in the form ``insert_rows`` takes: as they are for COPY on PostgreSQL, each value
    through its column type's bind processor elsewhere."""
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        yield from rows
        return
    processors: list[Callable[[Any], Any] | None] = [
        c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns
    ]
    for row in rows:
        yield tuple(v if p is None or v is None else p(v) for p, v in zip(processors, row, strict=True))
