"""The set-based check: statuses and due notices of many plans, read from the store alone.

A daily check of a whole province (or country) reads the store in batches of plans: a
few queries per batch (occurrences, their units, dependencies, progress up to the as-of
instant, notices already recorded), evaluated by the same pure functions that
``planflow status`` uses for one plan (``planflow.status.evaluate``,
``planflow.escalation.due_notices``), then dropped. Memory holds one batch whatever
the number of plans, and the number of queries grows with plans / batch, not with
occurrences.

The statuses of a set-based check come from the current state kept at write time
(``planflow.store.check.due_states``: only the occurrences whose window has come are read)
when it holds at the as-of moment, else from the statement that folds the event log
(``planflow.store.statuses``). Every query is in ``planflow.store.check``.

What notice planning needs besides the occurrences (the ladders, who the lead, standing
unit, head and signer are and their addresses, the plan's working-day calendar) is
stored with the plan at sync (``notice_context``), so no definition file is read.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy.orm import Session

from planflow.coordination import coordination_notices
from planflow.errors import NotFoundError
from planflow.escalation import (
    DEFAULT_POLICY,
    Addressee,
    Lazily,
    Notice,
    NoticeKey,
    Resolver,
    addressees_for_plan,
    due_notices,
)
from planflow.relations import unit_relations
from planflow.schema import EscalationPolicy, Plan, ReportObligation, Task, UnitDirectory, UnitRelation
from planflow.status import (
    AsOf,
    OccurrenceFacts,
    OccurrenceStatus,
    ProgressState,
    Status,
    evaluate,
    fold_progress,
    resolve_as_of,
    status_view,
    summarize,
)
from planflow.store import check as store
from planflow.store.repo import live_plan_zones
from planflow.store.states import ANY_ITEM, ladder, work_calendar
from planflow.store.statuses import PlanStates, plan_states, supported
from planflow.units import UnitIndex, monitor_names
from planflow.workdays import WorkCalendar

BATCH_PLANS = 200
"""Plans read and evaluated together: about 20,000 occurrences for plans of 100."""

WINDOW_PLANS = 2000
"""At most this many plans in one window of a check whose statuses the database decided:
only their candidates are read, so a window is a few statements whatever its plans (48
windows of 200 plans made 240 statements at 1M occurrences, 0.17 s of round trips on
PostgreSQL)."""

WINDOW_CANDIDATES = 3000
"""A window closes once its plans have this many candidates (what memory holds: their views
and notices): the first check of a store plans every item's whole backlog."""

_ANY_ITEM = ANY_ITEM


# --- what a plan's notices need, stored at sync ---------------------------------------------


def official_title(title: str) -> str:
    """A title as officials write it in a salutation: "PHÓ CHỦ TỊCH" (a signature block's
    capitals) → "Phó Chủ tịch", "CHỦ TỊCH" → "Chủ tịch", "GIÁM ĐỐC" → "Giám đốc"; a
    title already in mixed case is kept, its first letter raised."""
    if title != title.upper():
        return title[:1].upper() + title[1:]
    words = title.lower().split()
    if words and words[0] == "phó" and len(words) > 1:
        return "Phó " + " ".join([words[1].capitalize(), *words[2:]])
    return " ".join(words).capitalize()


def notice_context(plan: Plan, directory: UnitDirectory) -> dict[str, Any]:
    """The JSON stored with a plan: its ladders (its own, per task or report, or the
    default), its units' names and addresses (a group without addresses reaches its
    members'), heads or escalation contacts, signer, standing unit and calendar."""
    by_id = {u.id: u for u in directory.units}

    def emails(unit_id: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        unit = by_id[unit_id]
        if unit.emails or not unit.members:
            return tuple(unit.emails)
        found = (e for m in unit.members if m not in seen for e in emails(m, seen | {unit_id}))
        return tuple(dict.fromkeys(found))

    heads = {}
    for unit in directory.units:
        contact = unit.escalation or unit.head
        if contact is not None and contact.email:
            title = f"{contact.title} " if contact.title else ""
            heads[unit.id] = [f"{title}{contact.name}", contact.email]
    ladders = {_ANY_ITEM: (plan.escalation or DEFAULT_POLICY).model_dump(mode="json")}
    items: list[Task | ReportObligation] = [*plan.tasks, *plan.reports]
    for item in items:
        if item.escalation is not None:
            ladders.setdefault(item.id, item.escalation.model_dump(mode="json"))
    return {
        "directory": directory.id,
        "standing": UnitIndex(directory).resolve(plan.standing_unit).id,
        "units": {u.id: [u.name, list(emails(u.id))] for u in directory.units},
        "heads": heads,
        "signer": [f"{official_title(plan.signer.title)} {plan.signer.name}", plan.signer.email],
        "ladders": ladders,
        "days_off": [d.isoformat() for d in plan.days_off],
        "extra_working_days": [d.isoformat() for d in plan.extra_working_days],
        "digest": plan.digest,
        "relations": {u: r.value for u, r in unit_relations(directory).items()},
        "coordination": plan.coordination,
        "issuer": plan.issuer,
        "example": plan.example,
        "monitors": monitor_names(plan, directory),
    }


def _last_reminder_day(
    policies: Iterable[EscalationPolicy], calendar: WorkCalendar, today: dt.date
) -> dt.date:
    """The last due date a reminder can fire for today: a step ``-k`` working days fires
    on or before today only for items due no later than ``k`` working days ahead."""
    last = today
    for policy in policies:
        for step in policy.steps:
            if step.offset <= 0:
                ahead = -step.offset
                day = (calendar.add_working_days(today, ahead) if step.working_days
                       else today + dt.timedelta(days=ahead))  # fmt: skip
                last = max(last, day)
    return last


def _stored_horizon(ladders: str, days_off: str, working: str, today: dt.date) -> dt.date:
    """``_last_reminder_day`` of a stored ``notice_context``'s ladders and calendar (JSON)."""
    policies = [ladder(_ladder_key(steps)) for steps in json.loads(ladders).values()]
    return _last_reminder_day(
        policies, work_calendar(tuple(json.loads(days_off)), tuple(json.loads(working))), today
    )


def _ladder_key(steps: Any) -> str:
    """A stored ladder as the JSON text ``ladder`` parses once (sorted keys: the same ladder
    gives the same text). orjson: a check keys a few ladders of each plan with something due,
    5,000 at 1M, where ``json.dumps`` took 12 µs each."""
    return orjson.dumps(steps, option=orjson.OPT_SORT_KEYS).decode()


class _Ladders(dict[str, EscalationPolicy]):
    """Item id → ladder; an item without its own gets the plan's (or the default)."""

    def __missing__(self, item_id: str) -> EscalationPolicy:
        return self[_ANY_ITEM]


@dataclass(frozen=True)
class PlanContext:
    """A stored ``notice_context``, read back."""

    plan_id: str
    title: str
    directory: str
    standing: str
    signer: Addressee
    unit_names: Mapping[str, str]
    digest: bool
    calendar: WorkCalendar
    policies: Mapping[str, EscalationPolicy]
    resolve: Resolver
    """audiences → the units the issuing body directs (and its heads, signer)"""
    relations: Mapping[str, UnitRelation]
    units: Mapping[str, tuple[str, tuple[str, ...]]]
    issuer: str
    coordinate: Resolver | None
    """audiences → the superior and outside units, when the plan asks for coordination"""
    example: bool = False
    monitors: Mapping[str, list[str]] = field(default_factory=dict)
    """task id → the bodies that follow it up (``monitor:``), named by the plan's directory"""

    def chases(self, item: OccurrenceStatus) -> bool:
        """Whether the ladder follows the item up: some unit leading it is one the issuing body
        directs. An item led only by superiors or outside bodies is never chased, reminded
        nor escalated ("đề nghị chỉ đạo, đôn đốc" would ask the signer to direct a body it
        does not direct): it stays on the board, and a plan with ``coordination: true`` sends
        those bodies a courteous request instead."""
        known = [self.relations[u] for u in item.facts.lead if u in self.relations]
        return not known or any(r.directed for r in known)

    @property
    def standing_name(self) -> str:
        return self.unit_names[self.standing]

    @property
    def standing_unit(self) -> Addressee:
        """The standing unit as an addressee (copied on coordination requests)."""
        name, emails = self.units[self.standing]
        return Addressee(f"unit:{self.directory}/{self.standing}", name, emails)

    def reminder_horizon(self, today: dt.date) -> dt.date:
        return _last_reminder_day(self.policies.values(), self.calendar, today)

    @classmethod
    def read(cls, plan_id: str, title: str, data: Mapping[str, Any]) -> PlanContext:
        directory, stored = data["directory"], data["units"]
        units = Lazily(stored, lambda _, unit: (unit[0], tuple(unit[1])))
        heads = Lazily(data["heads"], lambda u, head: Addressee(f"head:{directory}/{u}", head[0], (head[1],)))
        signer_name, signer_email = data["signer"]
        # a context stored before relations existed: every unit counts as directed
        related = data.get("relations", {})
        relations = Lazily(stored, lambda u, _: UnitRelation(related.get(u, "subordinate")))
        signer = Addressee(f"signer:{plan_id}", signer_name, (signer_email,) if signer_email else ())
        ladders = _Ladders({item: ladder(_ladder_key(steps)) for item, steps in data["ladders"].items()})
        return cls(
            plan_id=plan_id,
            title=title,
            directory=directory,
            standing=data["standing"],
            signer=signer,
            unit_names=Lazily(stored, lambda _, unit: unit[0]),
            digest=data["digest"],
            calendar=work_calendar(tuple(data["days_off"]), tuple(data["extra_working_days"])),
            policies=ladders,
            resolve=addressees_for_plan(signer, directory, units, heads, data["standing"],
                                        lambda u: relations[u].directed),
            relations=relations,
            units=units,
            issuer=data.get("issuer", title),
            coordinate=addressees_for_plan(signer, directory, units, {}, data["standing"],
                                           lambda u: not relations[u].directed)
            if data.get("coordination") else None,
            example=data.get("example", False),  # stored before examples existed: a real plan
            monitors=data.get("monitors", {}),
        )  # fmt: skip


# --- reading a batch of plans --------------------------------------------------------------------


@dataclass(frozen=True)
class StoredPlan:
    id: str
    title: str
    timezone: str
    upcoming_days: int
    notice_context: dict[str, Any] | None
    document_number: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    @property
    def unit_names(self) -> dict[str, str]:
        """Unit id → name in the plan's own directory, as stored at sync (empty before)."""
        units = (self.notice_context or {}).get("units", {})
        return {u: name for u, (name, _) in units.items()}


@dataclass(frozen=True)
class PlanEvaluation:
    """Every live occurrence of one plan, evaluated at an as-of time."""

    plan: StoredPlan
    as_of: AsOf
    items: list[OccurrenceStatus]


def not_synced(plan_id: str) -> NotFoundError:
    return NotFoundError(f"kế hoạch '{plan_id}' chưa có trong cơ sở dữ liệu; chạy 'planflow sync' trước")


def _stored_plans(session: Session, plan_ids: Sequence[str], *, context: bool = True) -> list[StoredPlan]:
    rows = store.plan_rows(session, plan_ids, context=context)
    found = {plan_id: StoredPlan(*row) for plan_id, row in rows.items()}
    missing = [p for p in plan_ids if p not in found]
    if missing:
        raise not_synced(missing[0])
    return [found[p] for p in plan_ids]


def _facts(row: Any, units: Mapping[str, Mapping[str, list[str]]]) -> OccurrenceFacts:
    roles = units.get(row.key, {})
    return OccurrenceFacts(
        key=row.key,
        plan_id=row.plan_id,
        item_id=row.item_id,
        kind=row.kind,
        timing=row.timing,
        title=row.title,
        label=row.label,
        period=row.period,
        start=row.start,
        due=row.due,
        lead=tuple(roles.get("lead", ())),
        support=tuple(roles.get("support", ())),
        targets=_targets(row.targets),
        when_text=row.when_text,
        review=row.review,
    )


def _targets(text: str | None) -> tuple[Mapping[str, Any], ...]:
    """Targets read as JSON text, decoded only when there are some (most occurrences have
    none: the JSON type's decoding of every row cost more than building the row)."""
    return () if text is None or text == "[]" else tuple(orjson.loads(text))


def _occurrences(session: Session, scope: store.Scope) -> dict[str, list[OccurrenceFacts]]:
    """Facts of the live occurrences in scope, per plan, in the plan's order."""
    units, rows = store.occurrence_rows(session, scope)
    out: dict[str, list[OccurrenceFacts]] = {}
    for row in sorted(rows, key=lambda r: (r.plan_id, r.position)):
        out.setdefault(row.plan_id, []).append(_facts(row, units))
    return out


def _progress(session: Session, scope: store.Scope, until: dt.datetime) -> dict[str, ProgressState]:
    """The progress of the occurrences in scope, folded from their events up to ``until``."""
    states: dict[str, ProgressState] = {}
    for rows in store.progress_rows(session, scope, until):
        states.update(fold_progress(rows))
    return states


def _by_zone(plans: Sequence[StoredPlan]) -> dict[str, list[StoredPlan]]:
    groups: dict[str, list[StoredPlan]] = {}
    for plan in plans:
        groups.setdefault(plan.timezone, []).append(plan)
    return groups


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _evaluate(session: Session, plans: Sequence[StoredPlan], moment: AsOf) -> Iterator[PlanEvaluation]:
    """Every occurrence of these plans (one zone) evaluated in Python (``planflow.status``)."""
    scope = store.Scope(plans=[p.id for p in plans])
    facts, deps = _occurrences(session, scope), store.dependency_rows(session, scope)
    progress = _progress(session, scope, moment.instant)
    for plan in plans:
        items = evaluate(facts.get(plan.id, []), deps, progress, moment, timezone=plan.timezone,
                         upcoming_days=plan.upcoming_days)  # fmt: skip
        yield PlanEvaluation(plan, moment, items)


def evaluate_plans(
    session: Session, plan_ids: Sequence[str], as_of: dt.date | dt.datetime, *, batch: int = BATCH_PLANS
) -> Iterator[PlanEvaluation]:
    """Each plan's occurrences evaluated at ``as_of``, in the order of ``plan_ids``,
    reading ``batch`` plans at a time (a handful of queries per batch)."""
    for ids in _batches(list(plan_ids), batch):
        plans = _stored_plans(session, ids)
        done: dict[str, PlanEvaluation] = {}
        for zone, group in _by_zone(plans).items():
            done.update((e.plan.id, e) for e in _evaluate(session, group, resolve_as_of(as_of, zone)))
        yield from (done[p] for p in ids)


# --- the check --------------------------------------------------------------------------------------

ATTENTION = (Status.OVERDUE, Status.BLOCKED)


class Contexts:
    """The notice contexts of a window of plans. A check reads those of the plans with
    something due (their notices need the ladders and addressees); the others are read
    when a caller first asks for one (its title, signer), all of the window's at once."""

    def __init__(self, session: Session, pending: Sequence[str], read: Mapping[str, PlanContext]) -> None:
        self._session, self._pending, self._read = session, list(pending), dict(read)

    def get(self, plan_id: str) -> PlanContext:
        found = self._read.get(plan_id)
        if found is None:
            self._read.update((p.id, _context(p)) for p in _stored_plans(self._session, self._pending))
            self._pending = []
            found = self._read[plan_id]
        return found

    @classmethod
    def of(cls, session: Session, plan_ids: Sequence[str], due: Iterable[str]) -> Contexts:
        """The contexts of ``plan_ids``, those of ``due`` read now (a plan stored without its
        context is refused here, as before), the others on demand."""
        wanted = set(due)
        read = {p.id: _context(p) for p in _stored_plans(session, [p for p in plan_ids if p in wanted])}
        return cls(session, [p for p in plan_ids if p not in wanted], read)


class Attention:
    """The items needing attention (overdue, blocked) of a window of plans, read when a caller
    first asks for one plan's, all of the window's at once (``planflow.store.check.due_states``),
    or picked from items already evaluated (``among``)."""

    def __init__(self, read: Callable[[], Mapping[str, list[OccurrenceStatus]]]) -> None:
        self._read: Callable[[], Mapping[str, list[OccurrenceStatus]]] | None = read
        self._found: Mapping[str, list[OccurrenceStatus]] = {}

    @classmethod
    def among(cls, items: Mapping[str, list[OccurrenceStatus]]) -> Attention:
        """The overdue and blocked ones of each plan's evaluated ``items``."""
        found = {plan_id: [i for i in found if i.status in ATTENTION] for plan_id, found in items.items()}
        return cls(lambda: found)

    def get(self, plan_id: str) -> list[OccurrenceStatus]:
        if self._read is not None:
            self._found, self._read = self._read(), None
        return self._found.get(plan_id, [])


@dataclass(frozen=True)
class PlanCheck:
    """One plan at the as-of time: counts per status, what needs attention (overdue,
    blocked) and the ladder notices due and not recorded yet."""

    plan_id: str
    as_of: AsOf
    summary: dict[str, int]
    notices: list[Notice]
    contexts: Contexts = field(repr=False, compare=False)
    listed: Attention = field(repr=False, compare=False)
    planned: list[OccurrenceStatus] = field(default_factory=list, repr=False, compare=False)
    """The open dated items whose notices were planned: once their notices are recorded, none
    is due again before their next ladder step (``planflow.store.states.advance_notices``)."""

    @property
    def quiet(self) -> bool:
        """Nothing overdue, blocked or due soon and no notice due: what the daily check counts
        without listing."""
        return not (self.notices or any(self.summary.get(s) for s in DUE_STATUSES))

    @property
    def context(self) -> PlanContext:
        """What the plan's notices need (``notice_context``), read when first asked for."""
        return self.contexts.get(self.plan_id)

    @property
    def attention(self) -> list[OccurrenceStatus]:
        """The overdue and blocked items, in the plan's order (read when first asked for)."""
        return self.listed.get(self.plan_id)


def _context(plan: StoredPlan) -> PlanContext:
    if plan.notice_context is None:
        raise NotFoundError(
            f"kế hoạch '{plan.id}' được đồng bộ bởi phiên bản cũ; chạy 'planflow sync' để cập nhật"
        )
    return PlanContext.read(plan.id, plan.title, plan.notice_context)


def _plan_check(
    plan_id: str, contexts: Contexts, moment: AsOf, summary: dict[str, int], items: list[OccurrenceStatus],
    recorded: set[NoticeKey], listed: Attention,
) -> PlanCheck:  # fmt: skip
    if not items:  # nothing due: no notice, and no need of the plan's ladders
        return PlanCheck(plan_id, moment, summary, [], contexts, listed)
    context = contexts.get(plan_id)
    notices = due_notices(
        [i for i in items if context.chases(i)], context.policies, context.resolve, moment.day,
        context.calendar, recorded,
    )  # fmt: skip
    if context.coordinate is not None:
        notices += coordination_notices(items, context.policies, context.coordinate, context.standing_unit,
                                        moment.day, context.calendar, recorded)  # fmt: skip
    planned = [i for i in items if i.facts.due is not None and not i.status.is_done]
    return PlanCheck(plan_id, moment, summary, notices, contexts, listed, planned)


def _views(
    session: Session, states: Mapping[str, PlanStates], keys: Sequence[str], moment: AsOf, tz: ZoneInfo
) -> dict[str, list[OccurrenceStatus]]:
    """The views of these occurrences (candidates of ``states``), per plan in its order."""
    scope = store.keys_scope(session, keys)
    facts, progress = _occurrences(session, scope), _progress(session, scope, moment.instant)
    out: dict[str, list[OccurrenceStatus]] = {}
    for plan_id, found in facts.items():
        plan_states, items = states[plan_id], out.setdefault(plan_id, [])
        for f in found:
            status = Status(plan_states.candidates[f.key][0])
            open_deps = (
                tuple(sorted(plan_states.open_deps.get(f.key, ()))) if status is Status.BLOCKED else ()
            )
            state = progress.get(f.key, ProgressState())
            items.append(status_view(f, status, state, open_deps, moment.day, tz))
    return out


def _attention(
    session: Session, plan_ids: Sequence[str], moment: AsOf, zone: str
) -> dict[str, list[OccurrenceStatus]]:
    """The overdue and blocked items of these plans, from the current state."""
    ids = sorted(set(plan_ids))
    read = store.due_states(session, ids, instant=moment.instant, today=moment.day, zone=zone, attention=True)
    states = {s.plan_id: s for s in read}
    keys = [key for s in states.values() for key in s.candidates]
    return _views(session, states, keys, moment, ZoneInfo(zone)) if keys else {}


def _set_based(
    session: Session, window: Sequence[str], zone: str, states: Mapping[str, PlanStates], moment: AsOf,
) -> dict[str, PlanCheck]:  # fmt: skip
    """Checks of a window of plans (all in ``zone``) whose statuses the database decided: only
    the candidates of each plan (open and due within its own reminder horizon, overdue,
    blocked) become Python objects; from the current state, only those whose ``notice_on``
    has come, the attention lists being read when a caller asks (``Attention``). A plan with
    nothing due is its counts alone: no row of it is read."""
    today = moment.day
    due = [p for p in window if states[p].candidates]
    contexts = Contexts.of(session, window, due)
    wanted: list[str] = []
    for plan_id in due:
        horizon = contexts.get(plan_id).reminder_horizon(today)
        wanted += (
            key for key, (status, due_day) in states[plan_id].candidates.items()
            if status in _ALWAYS or (due_day is not None and due_day <= horizon)
        )  # fmt: skip
    views = _views(session, states, wanted, moment, ZoneInfo(zone)) if wanted else {}
    recorded = store.recorded_for(session, store.keys_scope(session, wanted)) if wanted else set()
    if all(states[p].attention_read for p in window):
        listed = Attention(lambda: _attention(session, window, moment, zone))
    else:  # the statement that folds the log: every overdue or blocked item is a candidate
        listed = Attention.among(views)
    done = {}
    for plan_id in window:
        counts = states[plan_id].counts
        summary = {status: counts.get(status, 0) for status in _STATUSES}
        items = views.get(plan_id, [])
        done[plan_id] = _plan_check(plan_id, contexts, moment, summary, items, recorded, listed)
    return done


_ALWAYS = {Status.OVERDUE.value, Status.BLOCKED.value}
DUE_STATUSES = (Status.OVERDUE.value, Status.BLOCKED.value, Status.UPCOMING.value)
"""The statuses of what is due: a plan with none of them and no notice is quiet."""
_STATUSES = [s.value for s in Status]


def _zones(session: Session, plan_ids: Sequence[str]) -> tuple[dict[str, str], bool]:
    """Plan → time zone of the requested plans (a plan not in the store is refused), and
    whether they are every live plan of the store."""
    zones, archived, live = store.plan_zones(session, plan_ids)
    missing = [p for p in plan_ids if p not in zones]
    if missing:
        raise not_synced(missing[0])
    return zones, not archived and live == len(zones)


def _horizon(session: Session, plan_ids: Sequence[str], today: dt.date) -> dt.date:
    """The last due day a reminder of any of these plans can fire for today: from each
    distinct set of ladders and calendar exceptions among them."""
    sets = store.ladder_sets(session, plan_ids)
    return max([today, *(_stored_horizon(ladders, off, working, today) for ladders, off, working in sets)])


def check_plans(
    session: Session,
    plan_ids: Sequence[str] | None,
    as_of: dt.date | dt.datetime,
    *,
    batch: int = WINDOW_PLANS,
    set_based: bool = True,
    quiet: bool = True,
) -> Iterator[PlanCheck]:
    """Statuses and due notices of each plan, in the order of ``plan_ids``; ``None``: every
    live plan of the store, in sorted order (read once here, with their time zones).

    ``set_based`` lets the database decide the statuses where its query is exact (otherwise,
    or with ``set_based=False``, every occurrence is evaluated in Python, ``BATCH_PLANS``
    plans at a time): one statement over all the plans of a time zone, its rows streamed in
    plan order, the plans' notices planned a window at a time: at most ``batch`` plans, fewer
    once they have ``WINDOW_CANDIDATES`` candidates. Memory holds one window. Plan ids in an
    order other than Python's sort (a chunk, the leadership digest's database order) are taken
    at most ``BATCH_PLANS`` at a time, one statement and one window each: their checks come
    out in that order, so a window cannot be cut as the sorted statuses stream.

    ``quiet=False`` (the daily check) leaves out the plans that are ``PlanCheck.quiet`` and
    planned nothing (a quiet plan whose items' notices were planned is kept: recording the
    check moves their next notice day): sorted plan ids of one time zone whose statuses the
    current state decides are then never read unless they have a row in the window
    (``planflow.store.check.due_states``), so the check's cost follows what is due and not the
    number of plans in the store; in any other case they are checked and dropped."""
    with _older_objects_left_alone():
        if plan_ids is None:
            zones, every = live_plan_zones(session), True
            ids = sorted(zones)
            in_order = True
        else:
            ids = list(plan_ids)
            zones, every = _zones(session, ids)
            in_order = ids == sorted(set(ids))  # sorted, without repeats
        sorted_zone = in_order and len(set(zones.values())) == 1
        every = every and sorted_zone
        for run in [ids] if in_order else list(_batches(ids, min(batch, BATCH_PLANS))):
            checks = _check_run(session, run, zones, as_of, batch=batch, set_based=set_based, every=every,
                                sorted_zone=sorted_zone, quiet=quiet)  # fmt: skip
            yield from checks if quiet else (c for c in checks if c.planned or not c.quiet)


@contextmanager
def _older_objects_left_alone() -> Iterator[None]:
    """The objects that exist when a check starts (the modules, the session) left out of the
    garbage collector's full passes until it ends: a check makes many objects, so Python
    ran four full collections over everything loaded before it (0.3 s of the 2.3 s of a
    steady check at 1M, measured; 0.05 s when frozen). Nothing is collected less: the
    objects frozen go back to the collector when the check ends (or is abandoned), and a
    process that froze its own objects keeps them frozen."""
    if gc.get_freeze_count():  # the process froze its own: leave them to it
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _check_run(
    session: Session, ids: Sequence[str], zones: Mapping[str, str], as_of: dt.date | dt.datetime, *,
    batch: int, set_based: bool, every: bool, sorted_zone: bool, quiet: bool = True,
) -> Iterator[PlanCheck]:  # fmt: skip
    """Checks of ``ids`` (sorted, or at most ``batch`` of them) in their order.
    ``sorted_zone``: ``ids`` are sorted, without repeats, all of one time zone; then, with
    ``quiet=False``, the plans without a row in the current state's window are not read, and
    not yielded, when that state decides the statuses."""
    streams: dict[str, Iterator[PlanStates]] = {}
    zones_of = dict.fromkeys([zones[ids[0]]] if sorted_zone and ids else (zones[p] for p in ids))
    for zone in zones_of:
        moment = resolve_as_of(as_of, zone)
        if set_based and supported(session, zone, moment.day):
            in_zone = ids if sorted_zone else sorted(set(p for p in ids if zones[p] == zone))
            # the current state when it holds at this moment (reads only what is due: every
            # occurrence read is a candidate, filtered by its own plan's horizon, so no horizon
            # of every plan's ladders is needed), else the statement that folds the event log
            if store.states_hold(session, in_zone, moment.instant, every_plan=every):
                streams[zone] = store.due_states(
                    session, in_zone, instant=moment.instant, today=moment.day, zone=zone, every_plan=every,
                    quiet=quiet or not sorted_zone,
                )  # fmt: skip
            else:
                streams[zone] = plan_states(
                    session, in_zone, instant=moment.instant, today=moment.day,
                    horizon=_horizon(session, in_zone, moment.day), zone=zone, every_plan=every,
                )  # fmt: skip
    for window, taken in _windows(ids, zones, streams, batch, one_sorted_zone=sorted_zone):
        in_zones: dict[str, list[str]] = {}
        for plan_id in window:
            in_zones.setdefault(zones[plan_id], []).append(plan_id)
        done: dict[str, PlanCheck] = {}
        for zone, group_ids in in_zones.items():
            moment = resolve_as_of(as_of, zone)
            if zone in taken:
                states = taken[zone]
                done.update(_set_based(session, list(states), zone, states, moment))
                continue
            for part in _batches(group_ids, BATCH_PLANS):
                group = _stored_plans(session, part, context=False)
                recorded = store.recorded_keys(session, part)
                contexts = Contexts.of(session, part, part)
                evaluated = list(_evaluate(session, group, moment))
                listed = Attention.among({e.plan.id: e.items for e in evaluated})
                for e in evaluated:
                    done[e.plan.id] = _plan_check(
                        e.plan.id, contexts, moment, summarize(e.items), e.items, recorded, listed
                    )
        yield from (done[p] for p in window)


def _windows(
    ids: Sequence[str],
    zones: Mapping[str, str],
    streams: Mapping[str, Iterator[PlanStates]],
    batch: int,
    *,
    one_sorted_zone: bool = False,
) -> Iterator[tuple[Sequence[str], dict[str, dict[str, PlanStates]]]]:
    """The windows of ``ids``, each with the states the streams give for its plans (zone →
    plan → states). Plans of one zone, sorted, whose states stream: cut as the states come, at
    ``batch`` plans or ``WINDOW_CANDIDATES`` candidates; otherwise ``batch`` plans at a time.
    ``one_sorted_zone``: the caller knows ``ids`` are sorted, without repeats, of one zone."""
    zone = zones[ids[0]] if ids else ""
    if zone in streams and (
        one_sorted_zone or (all(zones[p] == zone for p in ids) and list(ids) == sorted(set(ids)))
    ):
        states: dict[str, PlanStates] = {}
        candidates = 0
        for found in streams[zone]:  # one per plan, in the order of ids
            states[found.plan_id] = found
            candidates += len(found.candidates)
            if len(states) == batch or candidates >= WINDOW_CANDIDATES:
                yield list(states), {zone: states}
                states, candidates = {}, 0
        if states:
            yield list(states), {zone: states}
        return
    for window in _batches(ids, batch):
        wanted: dict[str, list[str]] = {}
        for plan_id in dict.fromkeys(window):
            if zones[plan_id] in streams:
                wanted.setdefault(zones[plan_id], []).append(plan_id)
        taken: dict[str, dict[str, PlanStates]] = {}
        for in_zone, plans in wanted.items():
            streamed = {s.plan_id: s for s in itertools.islice(streams[in_zone], len(plans))}
            taken[in_zone] = {p: streamed[p] for p in plans}  # in the window's order
        yield window, taken


PlanStatus = PlanEvaluation
"""Where one plan stands: the stored plan, the as-of time and every live occurrence."""


def plan_status(plan_id: str, as_of: dt.date | dt.datetime, *, session: Session) -> PlanStatus:
    """Status of every live occurrence of a stored plan at ``as_of``."""
    return next(evaluate_plans(session, [plan_id], as_of))
