"""Which reminders and escalations are due: pure functions of (statuses, ladders, as-of,
what was already recorded).

A ladder step fires on ``due + offset`` (working or calendar days). A notice is keyed by
what it is about: (occurrence, the due date it refers to, step, recipient, the recipient's
role). The notices of one run are those whose fire date has come and whose key is not
recorded yet. A day the machine was off (or the first run of a plan already under way)
is caught up once and quietly: each occurrence gets only its latest due step, and the
steps it skipped are recorded as skipped, never sent (``Notice.skipped``). A
deadline that moves (a plan amended from 15/10 to 20/11) or a recipient whose role changes
(support → lead) re-arms the ladder, while the earlier notices stay in the history:

- a *reminder* (offset ≤ 0) goes out while the occurrence is not done and its due day has
  not passed; one that was missed and is now past due is superseded by the escalations;
- an *escalation* (offset > 0) goes out while the occurrence is overdue;
- ongoing and event-driven occurrences have no due date and get no notices: they are
  chased through their periodic report duties, which do.

Each recipient gets one digest per run listing each of its items once, under the heading
of its group (``digests``): overdue, due soon, reports to send.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, TypeVar, cast

from planflow.schema import EscalationPolicy, EscalationStep, Plan
from planflow.status import OccurrenceStatus, Status
from planflow.workdays import WorkCalendar

_V = TypeVar("_V")

DEFAULT_POLICY = EscalationPolicy(
    steps=[
        EscalationStep(offset=-7, to=["lead"], template="reminder"),
        EscalationStep(offset=-1, to=["lead"], template="reminder"),
        EscalationStep(offset=1, to=["lead"], cc=["standing"], template="overdue"),
        EscalationStep(offset=3, to=["standing"], cc=["lead"], template="escalation"),
        EscalationStep(offset=7, to=["signer"], cc=["standing"], template="escalation"),
    ]
)


def step_id(step: EscalationStep) -> str:
    """A stable name for a step: its offset and unit, e.g. ``-7w`` or ``+1d``."""
    return _step_id(step.offset, step.working_days)


@lru_cache(maxsize=512)
def _step_id(offset: int, working_days: bool) -> str:
    return f"{offset:+d}{'w' if working_days else 'd'}"


def step_label(step: EscalationStep, due: dt.date, fire: dt.date) -> str:
    """How a step reads to a person, as the messages count: calendar days between the due
    day and the day the step fires ("Nhắc việc: còn 9 ngày đến hạn", "Quá hạn 3 ngày"),
    whether the ladder counts working days or not."""
    days = (fire - due).days
    if days < 0:
        return f"Nhắc việc: còn {-days} ngày đến hạn"
    if days == 0:
        return "Nhắc việc: đến hạn hôm nay"
    return f"Quá hạn {days} ngày"


def fire_date(due: dt.date, step: EscalationStep, cal: WorkCalendar) -> dt.date:
    if step.working_days:
        return cal.add_working_days(due, step.offset)
    return due + dt.timedelta(days=step.offset)


def next_fire(policy: EscalationPolicy, due: dt.date, cal: WorkCalendar, today: dt.date) -> dt.date | None:
    """The first day after ``today`` on which a step of ``policy`` fires for an item due on
    ``due``, or its coordination request (on its first reminder step, else on the due day);
    None when nothing is left. Once the notices fired by ``today`` are recorded, none of the item's is due
    before that day: a step that fired earlier applied on the day it fired (a reminder until
    the due day, an escalation from the day after), so it was planned and recorded then."""
    days = [fire_date(due, step, cal) for step in policy.steps]
    if not any(step.offset <= 0 for step in policy.steps):
        days.append(due)  # a coordination request without a reminder step goes on the due day
    return min((day for day in days if day > today), default=None)


def policy_for(plan: Plan, item_id: str) -> EscalationPolicy:
    """The ladder of one task or report: its own, else the plan's, else the default."""
    for task in plan.tasks:
        if task.id == item_id and task.escalation is not None:
            return task.escalation
    for report in plan.reports:
        if report.id == item_id and report.escalation is not None:
            return report.escalation
    return plan.escalation or DEFAULT_POLICY


@dataclass(frozen=True)
class Addressee:
    """Who a notice goes to: a unit (``unit:vhxh``), a unit's head (``head:vhxh``) or a
    plan's signer (``signer:loc-tan-2025``), with the addresses known for them."""

    id: str
    name: str
    emails: tuple[str, ...]


class Lazily(Mapping[str, _V]):
    """``make(key, raw[key])`` for each key of ``raw``, made when first asked for and kept: a
    plan's stored context names every unit of its directory, and a check reads the contexts of
    thousands of plans a day to address a few units of each."""

    def __init__(self, raw: Mapping[str, Any], make: Callable[[str, Any], _V]) -> None:
        self._raw, self._make = raw, make
        self._made: dict[str, _V] = {}

    def __getitem__(self, key: str) -> _V:
        found = self._made.get(key, _NONE)
        if found is _NONE:
            found = self._made[key] = self._make(key, self._raw[key])
        return cast(_V, found)

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


_NONE = object()


Resolver = Callable[[str, OccurrenceStatus], list[Addressee]]
"""Turns an audience ("lead", "standing", "unit:kt" …) for an occurrence into addressees."""


NoticeKey = tuple[str, dt.date, str, str, str]
"""(occurrence, due date, step, recipient, role): what a notice is about, recorded once."""


def recipient_role(recipient_id: str, item: OccurrenceStatus) -> str:
    """The recipient's relation to the occurrence: ``lead``, ``support`` or ``unit`` (any
    other unit, such as the standing unit) for a unit; ``head`` or ``signer`` otherwise."""
    kind, _, rest = recipient_id.partition(":")
    if kind != "unit":
        return kind
    unit = rest.rsplit("/", 1)[-1]
    if unit in item.facts.lead:
        return "lead"
    return "support" if unit in item.facts.support else "unit"


@dataclass(frozen=True)
class Notice:
    """One (occurrence, due date, step, recipient) that is due."""

    item: OccurrenceStatus
    step: EscalationStep
    fire_date: dt.date
    recipient: Addressee
    cc: tuple[Addressee, ...]
    skipped: bool = False
    """A catch-up passed this step over for a later one: recorded, never sent."""

    @property
    def due(self) -> dt.date:
        """The due date the notice is about (notices are only planned for dated items)."""
        if self.item.facts.due is None:
            raise ValueError(f"notice for '{self.item.key}' without a due date")
        return self.item.facts.due

    @property
    def role(self) -> str:
        return recipient_role(self.recipient.id, self.item)

    @property
    def kind(self) -> str:
        """``ladder`` (a reminder or escalation); ``coordination`` (``planflow.coordination``)."""
        return "ladder"

    @property
    def step_key(self) -> str:
        """The step as recorded in the notice's key."""
        return step_id(self.step)

    @cached_property
    def key(self) -> NoticeKey:
        """Computed once: a check compares every planned notice's key with those recorded."""
        return (self.item.key, self.due, self.step_key, self.recipient.id, self.role)


def due_notices(
    items: Iterable[OccurrenceStatus],
    policies: Mapping[str, EscalationPolicy],
    resolve: Resolver,
    today: dt.date,
    cal: WorkCalendar,
    recorded: frozenset[NoticeKey] | set[NoticeKey] = frozenset(),
) -> list[Notice]:
    """Every notice whose step has fired by ``today`` and is not in ``recorded``;
    ``policies`` maps each task or report id to its ladder. Per occurrence only the latest
    step that still applies is sent; the other fired steps come back ``skipped``."""
    notices: list[Notice] = []
    seen: set[NoticeKey] = set()  # the first of two equal keys is kept
    for item in items:
        due = item.facts.due
        if due is None or item.status.is_done:
            continue
        fired = [(fire_date(due, s, cal), s) for s in policies[item.facts.item_id].steps]
        fired = [(when, s) for when, s in fired if when <= today]
        live = [(when, s) for when, s in fired if _applies(s, item, today, due)]
        if not live:
            continue
        latest = max(live, key=lambda pair: (pair[0], pair[1].offset))[1]
        for when, step in sorted(fired, key=lambda pair: (pair[0], pair[1].offset)):
            for notice in _step_notices(item, step, when, resolve, skipped=step is not latest):
                key = notice.key
                if key not in recorded and key not in seen:
                    seen.add(key)
                    notices.append(notice)
    return notices


def _step_notices(
    item: OccurrenceStatus, step: EscalationStep, when: dt.date, resolve: Resolver, *, skipped: bool
) -> list[Notice]:
    cc = tuple(a for audience in step.cc for a in resolve(audience, item))
    return [
        Notice(item, step, when, recipient, tuple(c for c in cc if c.id != recipient.id), skipped)
        for recipient in (a for audience in step.to for a in resolve(audience, item))
    ]


def _applies(step: EscalationStep, item: OccurrenceStatus, today: dt.date, due: dt.date) -> bool:
    if step.offset <= 0:
        return today <= due
    return item.status is Status.OVERDUE or (item.status is Status.BLOCKED and today > due)


GROUPS = ("overdue", "upcoming", "report")
"""A digest's headings, most urgent first (``Digest.groups``)."""

HEADING_LABELS = {
    "overdue": "Quá hạn",
    "upcoming": "Sắp đến hạn",
    "report": "Báo cáo cần gửi",
    "coordination": "Đề nghị phối hợp",
}
"""What a notice is, as a person reads it: the heading it stands under in its digest (in
order of urgency), or a coordination request (``planflow.coordination``)."""


def in_heading_order(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts keyed by heading label, in the order of ``HEADING_LABELS``."""
    rank = {h: i for i, h in enumerate(HEADING_LABELS.values())}
    return {h: counts[h] for h in sorted(counts, key=lambda h: (rank.get(h, len(rank)), h))}


REPORT_KINDS = frozenset({"report", "report_input"})


def group_of(notice: Notice) -> str:
    """The heading an item stands under: ``overdue`` once its due day has passed (its step
    is an escalation), else ``report`` for a report or a unit's input to one, else
    ``upcoming``."""
    if notice.step.offset > 0:
        return "overdue"
    return "report" if notice.item.facts.kind in REPORT_KINDS else "upcoming"


def _urgency(notice: Notice) -> tuple[int, int, dt.date, str]:
    facts = notice.item.facts
    overdue = notice.item.days_overdue or 0
    return (GROUPS.index(group_of(notice)), -overdue, facts.due or dt.date.max, facts.key)


@dataclass
class Digest:
    """All of one recipient's notices of one run: one message, each occurrence once."""

    recipient: Addressee
    notices: list[Notice] = field(default_factory=list)
    threaded: bool = False
    """A message about one occurrence (a plan without digests): one subject whatever the
    step, answering the first message sent about it, so mail clients keep one thread."""

    @property
    def cc(self) -> tuple[Addressee, ...]:
        found: dict[str, Addressee] = {}
        for notice in self.notices:
            for addressee in notice.cc:
                if addressee.id != self.recipient.id:
                    found.setdefault(addressee.id, addressee)
        return tuple(found.values())

    @property
    def items(self) -> list[Notice]:
        """One notice per occurrence (its most advanced step), most urgent first."""
        best: dict[str, Notice] = {}
        for notice in self.notices:
            held = best.get(notice.item.key)
            if held is None or notice.step.offset > held.step.offset:
                best[notice.item.key] = notice
        return sorted(best.values(), key=_urgency)

    @property
    def groups(self) -> list[tuple[str, list[Notice]]]:
        """(heading, its items) for every heading that has items, most urgent first."""
        items = self.items
        return [(g, found) for g in GROUPS if (found := [n for n in items if group_of(n) == g])]

    @property
    def is_escalation(self) -> bool:
        return any(n.step.offset > 0 for n in self.notices)

    @property
    def template(self) -> str:
        """The wording of the digest: that of its most advanced step."""
        return max(self.notices, key=lambda n: n.step.offset).step.template


def digests(notices: Sequence[Notice]) -> list[Digest]:
    """Group the notices to send per recipient (skipped ones are left out)."""
    groups: dict[str, Digest] = {}
    for notice in notices:
        if not notice.skipped:
            groups.setdefault(notice.recipient.id, Digest(notice.recipient)).notices.append(notice)
    for digest in groups.values():
        digest.notices.sort(key=_urgency)
    return [groups[k] for k in sorted(groups)]


def addressees_for_plan(
    signer: Addressee,
    directory_id: str,
    units: Mapping[str, tuple[str, tuple[str, ...]]],
    heads: Mapping[str, Addressee],
    standing: str,
    directed: Callable[[str], bool] = lambda _: True,
) -> Resolver:
    """A resolver over a plan's unit directory; ids are namespaced by directory
    (``unit:loc-tan/phong-vhxh``) since two communes may use the same unit id.

    ``units`` maps unit id to (name, e-mail addresses), already expanded for groups;
    ``heads`` maps unit id to its head (or escalation contact); ``signer`` is the plan's.
    Only the units ``directed`` accepts are named (lead, support, their heads, ``unit:…``):
    a commune chases the units it directs, never a superior or an outside body
    (``planflow.relations``); the standing unit and the signer are the issuer's own.
    """
    by_id = Lazily(units, lambda u, unit: Addressee(f"unit:{directory_id}/{u}", *unit))

    def named(ids: Iterable[str], people: Mapping[str, Addressee] = by_id) -> list[Addressee]:
        return [people.get(u) or by_id[u] for u in ids if directed(u)]

    def resolve_once(audience: str, item: OccurrenceStatus) -> list[Addressee]:
        if audience == "lead":
            return named(item.facts.lead)
        if audience == "support":
            return named(item.facts.support)
        if audience == "standing":
            return [by_id[standing]]
        if audience == "head":
            return named(item.facts.lead, heads)
        if audience == "signer":
            return [signer]
        return named([audience.removeprefix("unit:")])

    # a check resolves the same few audiences for thousands of items: once per audience and
    # owners (what the answer depends on)
    memo: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[Addressee]] = {}

    def resolve(audience: str, item: OccurrenceStatus) -> list[Addressee]:
        key = (audience, item.facts.lead, item.facts.support)
        found = memo.get(key)
        if found is None:
            found = memo[key] = resolve_once(audience, item)
        return list(found)

    return resolve
