"""Which reminders and escalations are due: pure functions of (statuses, ladders, as-of,
what was already recorded).

A ladder step fires on ``due + offset`` (working or calendar days). A notice is keyed by
what it is about: (occurrence, the due date it refers to, step, recipient, the recipient's
role). The notices of one run are those whose fire date has come and whose key is not
recorded yet, so a day the machine was off is caught up on the next run, once; and a
deadline that moves (a plan amended from 15/10 to 20/11) or a recipient whose role changes
(support → lead) re-arms the ladder, while the earlier notices stay in the history:

- a *reminder* (offset ≤ 0) goes out while the occurrence is not done and its due day has
  not passed; one that was missed and is now past due is superseded by the escalations;
- an *escalation* (offset > 0) goes out while the occurrence is overdue;
- ongoing and event-driven occurrences have no due date and get no notices: they are
  chased through their periodic report duties, which do.

Each recipient gets one digest per run listing all its items (``digests``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from planflow.schema import EscalationPolicy, EscalationStep, Plan
from planflow.status import OccurrenceStatus, Status
from planflow.workdays import WorkCalendar

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
    return f"{step.offset:+d}{'w' if step.working_days else 'd'}"


def step_label(step: EscalationStep) -> str:
    """How the step reads in a message."""
    unit = "ngày làm việc" if step.working_days else "ngày"
    if step.offset < 0:
        return f"Nhắc việc: còn {-step.offset} {unit} đến hạn"
    if step.offset == 0:
        return "Nhắc việc: đến hạn hôm nay"
    return f"Quá hạn {step.offset} {unit}"


def fire_date(due: dt.date, step: EscalationStep, cal: WorkCalendar) -> dt.date:
    if step.working_days:
        return cal.add_working_days(due, step.offset)
    return due + dt.timedelta(days=step.offset)


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

    @property
    def key(self) -> NoticeKey:
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
    ``policies`` maps each task or report id to its ladder."""
    notices: list[Notice] = []
    seen: set[NoticeKey] = set()  # the first of two equal keys is kept
    for item in items:
        due = item.facts.due
        if due is None or item.status.is_done:
            continue
        for step in policies[item.facts.item_id].steps:
            when = fire_date(due, step, cal)
            if when > today or not _applies(step, item, today, due):
                continue
            cc = tuple(a for audience in step.cc for a in resolve(audience, item))
            sid = step_id(step)
            for recipient in (a for audience in step.to for a in resolve(audience, item)):
                key = (item.key, due, sid, recipient.id, recipient_role(recipient.id, item))
                if key not in recorded and key not in seen:
                    seen.add(key)
                    notices.append(
                        Notice(item, step, when, recipient, tuple(c for c in cc if c.id != recipient.id))
                    )
    return notices


def _applies(step: EscalationStep, item: OccurrenceStatus, today: dt.date, due: dt.date) -> bool:
    if step.offset <= 0:
        return today <= due
    return item.status is Status.OVERDUE or (item.status is Status.BLOCKED and today > due)


@dataclass
class Digest:
    """All of one recipient's notices of one run: one message."""

    recipient: Addressee
    notices: list[Notice] = field(default_factory=list)

    @property
    def cc(self) -> tuple[Addressee, ...]:
        found: dict[str, Addressee] = {}
        for notice in self.notices:
            for addressee in notice.cc:
                if addressee.id != self.recipient.id:
                    found.setdefault(addressee.id, addressee)
        return tuple(found.values())

    @property
    def is_escalation(self) -> bool:
        return any(n.step.offset > 0 for n in self.notices)

    @property
    def template(self) -> str:
        """The wording of the digest: that of its most advanced step."""
        return max(self.notices, key=lambda n: n.step.offset).step.template


def digests(notices: Sequence[Notice]) -> list[Digest]:
    """Group notices per recipient; items most overdue first, then by due date."""
    groups: dict[str, Digest] = {}
    for notice in notices:
        groups.setdefault(notice.recipient.id, Digest(notice.recipient)).notices.append(notice)
    for digest in groups.values():
        digest.notices.sort(key=lambda n: (-(n.item.days_overdue or 0), n.item.facts.due, n.item.key))
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
    by_id = {u: Addressee(f"unit:{directory_id}/{u}", name, emails) for u, (name, emails) in units.items()}

    def named(ids: Iterable[str], people: Mapping[str, Addressee] = by_id) -> list[Addressee]:
        return [people.get(u, by_id[u]) for u in ids if directed(u)]

    def resolve(audience: str, item: OccurrenceStatus) -> list[Addressee]:
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

    return resolve
